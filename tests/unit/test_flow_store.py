"""Flow figures read from a known history (tests/flow_support.py), and their query plans."""

from __future__ import annotations

import re

from pdca.db import flow
from pdca.db.flow import Scope
from pdca.db.store import Store
from tests import flow_reference
from tests.flow_support import build_history, every_query
from tests.unit.test_query_plans import LARGE_TABLES, _full_scans


def test_flow_of_a_known_history(store: Store) -> None:
    build_history(store)
    figures = flow.flow(store)
    phases = {p.phase: p for p in figures.phases}
    plan, do, check, act = (phases[name] for name in ("plan", "do", "check", "act"))
    assert (plan.stays, plan.median_days, plan.wip) == (4, 3.0, 0)  # 5, 2, 2, 4 days
    assert (do.stays, do.median_days, do.wip, do.oldest_id, do.oldest_days) == (3, 10.0, 1, 3, 18.0)
    assert do.oldest_title == "Paging policy"
    # The undone Do -> Check of #2 is no stay and no move; #1 went back from Check once.
    assert (check.stays, check.median_days, check.went_back) == (3, 1.0, 1)
    assert (act.stays, act.median_days) == (2, 2.5)
    assert (figures.finished, figures.abandoned) == (2, 1)
    assert (figures.cycle.count, figures.cycle.median_days, figures.cycle.trend) == (
        2, 21.0, "unknown",
    )  # fmt: skip
    owners = {o.login: o for o in figures.owners}
    assert (owners["carol"].weeks_expected, owners["carol"].weeks_kept) == (2, 0)
    assert (owners["carol"].late, owners["carol"].late_of) == (0, 2)
    assert (owners["bob"].open, owners["bob"].late, owners["bob"].late_share) == (0, 1, 1.0)
    ops, unlinked = figures.initiatives
    assert (ops.name, ops.standardize, ops.holding, ops.followups_waiting) == ("Ops", 2, 1, 0)
    assert (unlinked.id, unlinked.abandon) == (None, 1)


def test_flow_scoped_to_an_initiative_or_actions(store: Store) -> None:
    build_history(store)
    ops_id = store.conn.execute("SELECT id FROM initiatives WHERE name = 'Ops'").fetchone()[0]
    ops = flow.flow(store, Scope(initiative_id=ops_id))
    assert (ops.finished, ops.abandoned) == (2, 0)
    assert [i.name for i in ops.initiatives] == ["Ops"]
    one = flow.flow(store, Scope(action_ids={2}))  # Triage rota
    assert [p.stays for p in one.phases] == [1, 2, 2, 1]
    assert one.finished == 1 and one.initiatives[0].holding == 0


def test_repeat_rounds_ticked_off_before_act_are_counted_apart(store: Store) -> None:
    """A weekly chore's rounds standardized from Plan are routine, not cycles through Act:
    counted finished, their hours pulled the median cycle time down (a lead's weeks). One
    through Act is a cycle; one abandoned is abandoned work."""
    from pdca.db.models import ActionDraft, CheckinDraft
    from pdca.db.recurrence import add_repeating_action
    from pdca.tui.flow_text import throughput_line
    from tests.flow_support import at

    build_history(store)
    before = flow.flow(store)
    rounds = []
    for days in (12, 8, 4, 3):
        at(store, days)
        draft = ActionDraft(title=f"chore {days}", owner="bob", due="2026-12-30")
        rounds.append(add_repeating_action(store, draft, "week mon").id)
    at(store, 2)
    store.complete_action(rounds[0], "standardize")  # from Plan, within a day or more
    store.complete_action(rounds[1], "standardize")
    store.complete_action(rounds[2], "abandon")
    store.move_action(rounds[3], "do")
    store.add_checkin(rounds[3], CheckinDraft(message="ran it"))
    store.move_action(rounds[3], "check")
    store.move_action(rounds[3], "act", verdict="worked")
    store.complete_action(rounds[3], "standardize")  # through Act: a cycle
    at(store, 0)
    figures = flow.flow(store)
    assert (figures.finished, figures.abandoned, figures.repeat_rounds) == (
        before.finished + 1, before.abandoned + 1, 2,
    )  # fmt: skip
    assert figures.cycle.count == before.cycle.count + 1
    # Nor stays, decisions or late share (a coach: "standardize 15" beside 6 audits, a Plan
    # median of 1.3 days and "late 100%", mostly a weekly review's rounds): the abandoned
    # round's stay in Plan counts and the one taken through Act's; the two ticked off, not.
    plan = {p.phase: p for p in figures.phases}["plan"]
    assert plan.stays == {p.phase: p for p in before.phases}["plan"].stays + 2
    unlinked = {i.name: i for i in figures.initiatives}["(no initiative)"]
    was = {i.name: i for i in before.initiatives}.get("(no initiative)")
    assert unlinked.standardize == (was.standardize if was else 0) + 1
    bob = {o.login: o for o in figures.owners}["bob"]
    bob_before = {o.login: o for o in before.owners}["bob"]
    assert bob.late_of == bob_before.late_of + 1  # the round through Act, due 2026-12-30
    assert figures == flow_reference.flow(store)  # the rules' own count, row by row
    assert throughput_line(figures).endswith("2 abandoned, 2 repeat rounds done")
    assert flow.flow(store, Scope(action_ids={rounds[0]})).repeat_rounds == 1
    assert flow.flow(store, Scope(initiative_id=1)).repeat_rounds == 0


def test_flow_of_an_empty_file(store: Store) -> None:
    figures = flow.flow(store)
    assert [p.wip for p in figures.phases] == [0, 0, 0, 0]
    assert figures.finished == 0 and figures.owners == [] and figures.initiatives == []
    assert figures.cycle.trend == "unknown"


def test_every_flow_query_uses_an_index_and_sorts_nothing_big(store: Store) -> None:
    build_history(store)
    with every_query(store) as seen:
        flow.flow(store)
        flow.flow(store, Scope(initiative_id=1))
    queries = {" ".join(sql.split()) for sql in seen if sql.lstrip().upper().startswith("SELECT")}
    assert len(queries) >= 6
    problems = []
    for sql in sorted(queries):
        # As traced, with its values: the flow index is partial (entity = 'action' AND op =
        # 'update'), and only the query's own literals show the planner that it applies.
        problems += _full_scans(store, sql)
        for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql):
            if "TEMP B-TREE" in row[3] and any(re.search(rf"\b{t}\b", sql) for t in LARGE_TABLES):
                problems.append(f"{row[3]} in: {sql}")
    assert problems == []


def test_the_stays_are_read_off_the_kept_tables_index_alone(store: Store) -> None:
    """A phase's stays counted, its moves back, and the few stays the median and the 85th
    percentile are made of: a range of one of the kept table's indexes, which holds every
    column they read (no row, no event), whole or scoped. The counts walk its (phase, at)
    index over the window; the ranks walk its (phase, days) index in order to them: no sort."""
    times = {"phase": "do", "since": "2026-08-24T09:00:00Z", "scope_initiative": 1}
    search = "SEARCH action_stays USING COVERING INDEX"
    for query, read in (
        (flow._STAY_COUNTS, f"{search} idx_action_stays_phase (phase=? AND at>?)"),
        (flow._STAYS_AT, f"{search} idx_action_stays_days (phase=? AND days>?)"),
    ):
        for scope in ("", " AND action_id IN (SELECT id FROM actions WHERE 1 AND initiative_id"
                      " = :scope_initiative)"):  # fmt: skip
            sql = query.format(scope=scope, first=4, count=2)
            plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, times)]
            assert [step for step in plan if "action_stays" in step] == [read], plan
            assert not [step for step in plan if "TEMP B-TREE" in step], plan
            assert not any("events" in step or step.startswith("SCAN actions") for step in plan)


def test_stays_that_began_before_the_window_start_where_the_log_says(store: Store) -> None:
    from datetime import date

    from pdca.db.models import ActionDraft, CheckinDraft
    from tests.flow_support import at

    at(store, 200)
    parked = store.add_action(ActionDraft(title="Parked"))
    at(store, 120)
    long = store.add_action(ActionDraft(title="Long haul", owner="dana", due=date(2027, 1, 1)))
    at(store, 100)
    store.move_action(long.id, "do")  # before the window (13 weeks: 91 days)
    at(store, 50)
    store.add_checkin(long.id, CheckinDraft(message="done building"))
    store.move_action(long.id, "check")  # in Do since -100: a stay of 50 days
    at(store, 45)
    store.move_action(long.id, "act", verdict="worked")
    at(store, 10)
    store.complete_action(long.id, "standardize")
    at(store, 5)
    store.complete_action(parked.id, "abandon")  # in Plan since -200
    at(store, 0)
    with every_query(store) as seen:
        phases = {p.phase: p for p in flow.flow(store).phases}
    assert [phases[p].median_days for p in ("plan", "do", "check", "act")] == [
        195.0, 50.0, 5.0, 35.0,
    ]  # fmt: skip
    assert [phases[p].stays for p in ("plan", "do", "check", "act")] == [1, 1, 1, 1]
    assert not any("events" in sql for sql in seen)  # the kept stays, not the event log


def _every_row(store: Store, now: str, since: str) -> tuple[list, list, dict[int, list[float]]]:
    """Every open action, every action done in the window and every check-in, as rows: what
    the figures were computed from before SQLite counted them. Creation and check-ins are
    measured back from the start of this calendar week (the cadence's weeks)."""
    from datetime import datetime

    from pdca.db import flow_rules as fr
    from pdca.db.clock import iso

    week = iso(fr.cadence_start(datetime.fromisoformat(now)))
    times = {"now": now, "since": since, "week": week}
    opened = [
        fr.OpenAction._make(row)
        for row in store.conn.execute(
            "SELECT id, title, phase, julianday(:now) - julianday(phase_since), owner,"
            " julianday(:week) - julianday(created_at), due, initiative_id"
            " FROM actions WHERE done_at IS NULL",
            times,
        )
    ]
    done = [
        fr.DoneAction._make(row)
        for row in store.conn.execute(flow_reference._DONE_SINCE.format(scope=""), times)
    ]
    checkins: dict[int, list[float]] = {}
    for action_id, ago in store.conn.execute(
        "SELECT action_id, julianday(:week) - julianday(at) FROM checkins WHERE kind = 'checkin'",
        times,
    ):
        checkins.setdefault(action_id, []).append(ago)
    return opened, done, checkins


def test_counted_in_sqlite_as_the_rules_count_every_row(store: Store) -> None:
    """WIP, the oldest items and the owners' cadence and late share, counted by SQLite, are
    what the pure rules make of every open action and check-in of a seeded file."""
    from datetime import datetime

    from pdca.db import flow_rules as fr
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=5)
    figures = flow.flow(store)
    opened, done, checkins = _every_row(store, figures.now, figures.since)
    assert len(opened) > 100 and len(checkins) > 50  # a file with something to count
    today = datetime.fromisoformat(figures.now).astimezone().date()
    by_rules = fr.owner_flow(opened, done, checkins, today, figures.weeks)
    assert figures.owners == by_rules
    assert any(o.weeks_kept for o in by_rules) and any(o.late for o in by_rules)
    now = fr.phase_now(opened)
    assert [(p.wip, p.oldest_id, p.oldest_title) for p in figures.phases] == [
        (now[p].wip, now[p].oldest_id, now[p].oldest_title) if p in now else (0, None, None)
        for p in ("plan", "do", "check", "act")
    ]
    # Scoped to one initiative: the same as the rules on its rows alone.
    initiative = next(a.initiative_id for a in opened if a.initiative_id is not None)
    scoped = flow.flow(store, Scope(initiative_id=initiative))
    mine = [a for a in opened if a.initiative_id == initiative]
    mine_done = [a for a in done if a.initiative_id == initiative]
    assert scoped.owners == fr.owner_flow(mine, mine_done, checkins, today, scoped.weeks)
    assert [p.wip for p in scoped.phases] == [
        sum(a.phase == p.phase for a in mine) for p in scoped.phases
    ]


def _stays_by_events(store: Store, scope: Scope, now: str, since: str) -> list:
    """The phase figures as they were computed before the one-pass tally: every event of the
    window a ``PhaseChange`` (``fr.phase_changes``), each first stay's start found first."""
    from pdca.db import flow_rules as fr

    times = {"now": now, "since": since}
    where, params = scope.where()
    params.update(times)
    opened = dict(
        store.conn.execute(
            "SELECT id, julianday(:now) - julianday(created_at) FROM actions"
            f" WHERE done_at IS NULL{where}",
            params,
        ).fetchall()
    )
    done = [
        fr.DoneAction._make(r)
        for r in store.conn.execute(flow_reference._DONE_SINCE.format(scope=where), params)
    ]
    created = {**opened, **{a.id: a.cycle_days + a.done_ago_days for a in done}}
    history = [tuple(r) for r in store.conn.execute(flow_reference._HISTORY, times)]
    if scope != flow.EVERYTHING:
        history = [r for r in history if r[0] in created]
    starts: dict[int, tuple[str | None, float]] = {}
    for action_id, event_id, _ago, summary in history:
        if action_id in starts:
            continue
        begun = created.get(action_id)
        if begun is not None and begun <= 91 and summary.startswith("moved"):
            starts[action_id] = (None, begun)
            continue
        phase, entered = store.conn.execute(
            "SELECT json_extract(before, '$.phase'), julianday(?) -"
            " julianday(json_extract(before, '$.phase_since')) FROM events WHERE id = ?",
            (now, event_id),
        ).fetchone()
        if phase is not None and entered is not None:
            starts[action_id] = (phase, entered)
    changes = fr.phase_changes(history, starts)
    assert any(fr.went_back(c) for c in changes) or scope != flow.EVERYTHING
    return fr.phase_figures(changes, {})


def _outcomes_by_rows(store: Store, initiative: int | None, today: str) -> dict:
    """Decisions and follow-up results per initiative, counted row by row in Python."""
    from collections import Counter

    counts: Counter = Counter()
    for _, ini, decision in store.conn.execute(
        "SELECT id, initiative_id, decision FROM actions WHERE done_at > ''"
    ):
        if initiative is None or ini == initiative:
            counts[(ini, decision)] += 1
    for ini, result, due, done_at, checkin_id in store.conn.execute(
        "SELECT a.initiative_id, f.result, f.due, f.done_at, f.checkin_id"
        " FROM followups f JOIN actions a ON a.id = f.action_id"
    ):
        if initiative is not None and ini != initiative:
            continue
        if done_at is not None and result:
            if checkin_id is not None:  # recorded itself, not closed by a slip before it
                counts[(ini, result)] += 1
        elif done_at is None and due <= today:
            counts[(ini, "waiting")] += 1
    return counts


def test_the_one_pass_stays_and_counted_outcomes_match_the_row_by_row_figures(
    store: Store,
) -> None:
    """Same answer on a seeded file, whole and scoped: the stays tallied in one pass (db/flow.py
    ``_stays``) and the decisions and audits counted as pairs, against every event turned
    into a ``PhaseChange`` and every decision and audit looked at in Python."""
    from datetime import datetime

    from pdca.db import flow_rules as fr
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=11)
    names = {r[0]: r[1] for r in store.conn.execute("SELECT id, name FROM initiatives")}
    initiative = next(iter(names))
    some = {r[0] for r in store.conn.execute("SELECT id FROM actions WHERE id % 3 = 0")}
    for scope in (flow.EVERYTHING, Scope(initiative_id=initiative), Scope(action_ids=some)):
        figures = flow.flow(store, scope)
        expected = _stays_by_events(store, scope, figures.now, figures.since)
        got = [(p.phase, p.stays, p.median_days, p.p85_days, p.went_back) for p in figures.phases]
        assert got == [(p.phase, p.stays, p.median_days, p.p85_days, p.went_back) for p in expected]
        assert sum(p.stays for p in figures.phases) > 20  # a history with stays to count
    today = datetime.fromisoformat(flow.flow(store).now).astimezone().date().isoformat()
    for initiative_id in (None, initiative):
        scope = Scope(initiative_id=initiative_id)
        shown = {i.id: i for i in flow.flow(store, scope).initiatives}
        chosen = names if initiative_id is None else {initiative: names[initiative]}
        by_rows = fr.initiative_flow(_outcomes_by_rows(store, initiative_id, today), chosen)
        assert list(shown.values()) == by_rows and any(i.holding for i in by_rows)
