"""The flow view's counts kept by triggers: the cadence (db/schema.py ``0018_cadence_kept``)
and the follow-up audits recorded (``0019_audits_kept``, at the end).

``checkin_weeks`` holds each action's calendar weeks (Monday to Sunday, UTC) with a check-in
proper and how many; ``owner_weeks`` per owner and week, how many of their open actions,
created by the week's first instant, had one. Both must always be what the check-ins and the
actions say, whoever writes and however (the store, undo, a hand edit with sqlite3), and
keeping them never changes a row's version. Worked out here in Python from the rows, not with
the SQL the migration fills them with.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdca.db import flow, schema
from pdca.db import flow_rules as fr
from pdca.db.clock import iso
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT
from tests.log_writes import apply_step, two_people, versions


def _week(at: str) -> str | None:
    """The Monday (UTC) of the week ``at`` is in (a time without a zone is UTC, as SQLite
    reads it); None when it is no time."""
    try:
        moment = datetime.fromisoformat(at)  # Python 3.11 reads a Z
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    day = moment.date()
    return (day - timedelta(days=day.weekday())).isoformat()


def kept(conn: sqlite3.Connection) -> tuple[dict, dict]:
    weeks = {(a, w): n for a, w, n in conn.execute("SELECT * FROM checkin_weeks")}
    owners = {(o, w): n for o, w, n in conn.execute("SELECT * FROM owner_weeks")}
    return weeks, owners


def recomputed(conn: sqlite3.Connection) -> tuple[dict, dict]:
    weeks: Counter[tuple[int, str]] = Counter()
    for action_id, at in conn.execute("SELECT action_id, at FROM checkins WHERE kind = 'checkin'"):
        week = _week(at)
        if week is not None:
            weeks[(action_id, week)] += 1
    actions = {
        row[0]: row[1:]
        for row in conn.execute("SELECT id, owner, done_at, created_at FROM actions")
    }
    owners: Counter[tuple[str, str]] = Counter()
    for action_id, week in weeks:
        if action_id not in actions:
            continue
        owner, done_at, created_at = actions[action_id]
        if done_at is None and owner and created_at <= f"{week}T00:00:00Z":
            owners[(owner, week)] += 1
    return dict(weeks), dict(owners)


ACTIONS = 3
_pick = st.integers(min_value=0, max_value=1_000)
STEPS = st.one_of(
    st.tuples(st.just("checkin"), st.integers(0, ACTIONS - 1)),
    st.tuples(st.just("done"), st.integers(0, ACTIONS - 1),
              st.sampled_from(["standardize", "adjust", "abandon"])),
    st.tuples(st.just("hand"), st.integers(0, ACTIONS - 1), st.sampled_from(["bob", "carol"])),
    st.tuples(st.just("add"), st.sampled_from(["bob", "carol"])),
    st.tuples(st.just("undo"), st.booleans()),
    st.tuples(st.just("later"), st.integers(1, 200)),
    # By hand, with sqlite3, on the check-ins and the actions:
    st.tuples(st.just("unsay"), _pick),  # a check-in deleted
    st.tuples(st.just("redate"), _pick, st.integers(-400, 400)),  # moved in time (hours)
    st.tuples(st.just("reassign"), _pick, st.integers(0, ACTIONS - 1)),  # to another action
    st.tuples(st.just("rekind"), _pick),  # a check-in proper made a follow-up, or back
    st.tuples(st.just("reborn"), st.integers(0, ACTIONS - 1), st.integers(-400, 400)),
    st.tuples(st.just("reopen"), st.integers(0, ACTIONS - 1)),  # done_at cleared
    st.tuples(st.just("drop"), st.integers(0, ACTIONS - 1)),  # the action deleted
    st.tuples(st.just("revive"), st.integers(0, ACTIONS - 1)),  # and put back
)  # fmt: skip


def _apply(stores: list[Store], clock: list[datetime], ids: list[int], step: tuple) -> bool:
    """One write of ``step``; True when it was a hand edit (no store write)."""
    conn = stores[0].conn
    kind = step[0]
    checkins = [row[0] for row in conn.execute("SELECT id FROM checkins ORDER BY id")]
    by_checkin = kind in ("unsay", "redate", "reassign", "rekind")
    target = checkins[step[1] % len(checkins)] if checkins and by_checkin else None
    if kind == "unsay" and target is not None:
        conn.execute("DELETE FROM checkins WHERE id = ?", (target,))
    elif kind == "redate" and target is not None:
        conn.execute(
            "UPDATE checkins SET at = strftime('%Y-%m-%dT%H:%M:%SZ', at, ? || ' hours')"
            " WHERE id = ?",
            (step[2], target),
        )
    elif kind == "reassign" and target is not None:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("UPDATE checkins SET action_id = ? WHERE id = ?", (ids[step[2]], target))
        conn.execute("PRAGMA foreign_keys = ON")
    elif kind == "rekind" and target is not None:
        conn.execute(
            "UPDATE checkins SET kind = CASE kind WHEN 'checkin' THEN 'followup'"
            " ELSE 'checkin' END WHERE id = ?",
            (target,),
        )
    elif kind == "reborn":
        conn.execute(
            "UPDATE actions SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at,"
            " ? || ' hours') WHERE id = ?",
            (step[2], ids[step[1]]),
        )
    elif kind == "reopen":
        conn.execute("UPDATE actions SET done_at = NULL WHERE id = ?", (ids[step[1]],))
    elif kind == "drop":  # its check-ins stay behind (foreign keys off), counted for no one
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS dropped AS SELECT * FROM actions WHERE 0")
        conn.execute("INSERT INTO temp.dropped SELECT * FROM actions WHERE id = ?", (ids[step[1]],))
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM actions WHERE id = ?", (ids[step[1]],))
        conn.execute("PRAGMA foreign_keys = ON")
    elif kind == "revive":  # ... and put back (an import): its weeks count for its owner again
        with contextlib.suppress(sqlite3.OperationalError):  # nothing dropped yet
            conn.execute(
                "INSERT OR IGNORE INTO actions SELECT * FROM temp.dropped WHERE id = ?",
                (ids[step[1]],),
            )
            conn.execute("DELETE FROM temp.dropped WHERE id = ?", (ids[step[1]],))
    else:
        return apply_step(stores, clock, ids, step, [])
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEPS, min_size=1, max_size=30))
def test_the_kept_weeks_always_equal_what_the_check_ins_and_actions_say(
    steps: list[tuple],
) -> None:
    clock = [NOW_DT - timedelta(days=40)]
    with two_people(clock, ACTIONS) as (stores, ids):
        conn = stores[0].conn
        for _ in range(4):  # a check-in a week on each: weeks that count, for edits to move
            clock[0] += timedelta(days=7)
            for action_id in ids:
                stores[1].add_checkin(action_id, CheckinDraft(message="weekly"))
        assert kept(conn) == recomputed(conn) and kept(conn)[1]
        for step in steps:
            before = versions(conn)
            by_hand = _apply(stores, clock, ids, step)
            assert kept(conn) == recomputed(conn), step
            if by_hand and step[0] not in ("reborn", "reopen", "drop", "revive"):
                assert versions(conn) == before, step


def test_the_upgrade_fills_the_weeks_as_the_triggers_keep_them(store: Store) -> None:
    """Made again from the rows as migration 0018 made them: the same as kept write by write."""
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=3)
    conn = store.conn
    as_kept = kept(conn)
    assert as_kept == recomputed(conn) and as_kept[1]
    conn.execute("DELETE FROM owner_weeks")
    conn.execute("DELETE FROM checkin_weeks")  # its triggers count nothing out: owners empty
    assert kept(conn) == ({}, {})
    conn.execute("INSERT INTO checkin_weeks " + schema.CHECKIN_WEEKS_OF.format(only="", having=""))
    conn.execute("DELETE FROM owner_weeks")  # the inserts' triggers counted the owners again
    conn.execute("INSERT INTO owner_weeks " + schema.OWNER_WEEKS_OF.format(only=""))
    assert kept(conn) == as_kept


def test_cadence_counts_calendar_weeks_in_utc(store: Store) -> None:
    """An action created before last week, checked in on last week's Monday 00:00 UTC and on
    this week's: last week is kept, this week is not counted yet (it is not over)."""
    this_week = fr.cadence_start(store.clock())
    action = store.add_action(ActionDraft(title="weekly", owner="dana", due="2026-12-31"))
    store.conn.execute(
        "UPDATE actions SET created_at = ? WHERE id = ?",
        (iso(this_week - timedelta(weeks=3)), action.id),
    )
    store.add_checkin(action.id, CheckinDraft(message="this week"))
    store.conn.execute(
        "INSERT INTO checkins (action_id, at, author, message) VALUES (?, ?, 'dana', 'x')",
        (action.id, iso(this_week - timedelta(weeks=1))),  # last week's first instant
    )
    figures = flow.flow(store)
    (dana,) = [o for o in figures.owners if o.login == "dana"]
    assert (dana.weeks_expected, dana.weeks_kept) == (3, 1)
    scoped = flow.flow(store, flow.Scope(action_ids={action.id}))
    (dana,) = [o for o in scoped.owners if o.login == "dana"]
    assert (dana.weeks_expected, dana.weeks_kept) == (3, 1)


# --------------------------------------------------------------------------- audits (0019)


def audits_kept(conn: sqlite3.Connection) -> dict[tuple[int, str], int]:
    return {(i, r): n for i, r, n in conn.execute("SELECT * FROM audit_counts")}


def audits_recounted(conn: sqlite3.Connection) -> dict[tuple[int, str], int]:
    initiative = dict(conn.execute("SELECT id, initiative_id FROM actions").fetchall())
    counted: Counter[tuple[int, str]] = Counter()
    for action_id, done_at, result, checkin_id in conn.execute(
        "SELECT action_id, done_at, result, checkin_id FROM followups"
    ):
        recorded = done_at is not None and checkin_id is not None  # not closed by a slip
        if action_id in initiative and recorded and result in ("holding", "slipped"):
            counted[(initiative[action_id] or 0, result)] += 1
    return dict(counted)


AUDIT_STEPS = st.one_of(
    st.tuples(st.just("standardize"), st.integers(0, ACTIONS - 1)),
    st.tuples(st.just("audit"), _pick, st.sampled_from(["holding", "slipped"])),
    st.tuples(st.just("undo"), st.booleans()),
    st.tuples(st.just("later"), st.integers(1, 900)),
    st.tuples(st.just("move to"), st.integers(0, ACTIONS - 1),
              st.sampled_from([None, "Ops", "Support"])),
    # By hand, with sqlite3:
    st.tuples(st.just("unrecord"), _pick),  # done_at cleared
    st.tuples(st.just("rejudge"), _pick),  # holding <-> slipped
    st.tuples(st.just("uncheck"), _pick),  # its check-in link cleared, or put back
    st.tuples(st.just("forget"), _pick),  # an audit deleted
    st.tuples(st.just("copy"), _pick),  # an audit copied in as it is (an import)
    st.tuples(st.just("rehome"), _pick, st.integers(0, ACTIONS - 1)),  # to another action
    st.tuples(st.just("drop"), st.integers(0, ACTIONS - 1)),
    st.tuples(st.just("revive"), st.integers(0, ACTIONS - 1)),
)  # fmt: skip


def _audit_step(stores: list[Store], clock: list[datetime], ids: list[int], step: tuple) -> None:
    from pdca.db import accountability
    from pdca.db.errors import PdcaError

    store, conn = stores[0], stores[0].conn
    kind = step[0]
    audits = [row[0] for row in conn.execute("SELECT id FROM followups ORDER BY id")]
    target = audits[step[1] % len(audits)] if audits and kind in _ON_AUDITS else None
    # A gate unmet, nothing due; or an audit moved by hand where one is scheduled (the unique
    # (action, offset)): the write is refused and rolled back, nothing written.
    with contextlib.suppress(PdcaError, sqlite3.IntegrityError):
        if kind == "standardize":
            store.move_action(ids[step[1]], "check")
            store.move_action(ids[step[1]], "act", verdict="worked")
            store.complete_action(ids[step[1]], "standardize")
        elif kind == "audit" and target is not None:
            accountability.record_followup(store, target, step[2])
        elif kind == "undo":
            stores[1 if step[1] else 0].undo()
        elif kind == "move to":
            changes = ActionChanges(initiative=step[2], clear_initiative=step[2] is None)
            store.edit_action(ids[step[1]], changes)
    if kind == "later":
        clock[0] += timedelta(hours=step[1])
    elif kind == "unrecord" and target is not None:
        conn.execute("UPDATE followups SET done_at = NULL WHERE id = ?", (target,))
    elif kind == "rejudge" and target is not None:
        conn.execute(
            "UPDATE followups SET result = CASE result WHEN 'holding' THEN 'slipped'"
            " ELSE 'holding' END WHERE id = ?",
            (target,),
        )
    elif kind == "uncheck" and target is not None:
        conn.execute(
            "UPDATE followups SET checkin_id = CASE WHEN checkin_id IS NULL THEN"
            " (SELECT min(id) FROM checkins) END WHERE id = ?",
            (target,),
        )
    elif kind == "copy" and target is not None:
        conn.execute("PRAGMA foreign_keys = OFF")  # its action may be gone (a drop)
        conn.execute(
            "INSERT OR IGNORE INTO followups (action_id, owner, offset_days, due, created_at,"
            " done_at, done_by, result, checkin_id) SELECT action_id, owner, offset_days + 1000,"
            " due, created_at, done_at, done_by, result, checkin_id FROM followups WHERE id = ?",
            (target,),
        )
        conn.execute("PRAGMA foreign_keys = ON")
    elif kind == "forget" and target is not None:
        conn.execute("DELETE FROM followups WHERE id = ?", (target,))
    elif kind == "rehome" and target is not None:
        conn.execute("PRAGMA foreign_keys = OFF")  # that action may be gone (a drop)
        conn.execute(  # OR IGNORE: an audit of that offset there already stays as it is
            "UPDATE OR IGNORE followups SET action_id = ? WHERE id = ?", (ids[step[2]], target)
        )
        conn.execute("PRAGMA foreign_keys = ON")
    elif kind in ("drop", "revive"):
        _apply(stores, clock, ids, step)


_ON_AUDITS = ("audit", "unrecord", "rejudge", "uncheck", "forget", "copy", "rehome")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(AUDIT_STEPS, min_size=1, max_size=25))
def test_the_kept_audit_counts_always_equal_what_the_audits_say(steps: list[tuple]) -> None:
    from pdca.db.models import InitiativeDraft

    clock = [NOW_DT - timedelta(days=200)]
    with two_people(clock, ACTIONS) as (stores, ids):
        conn = stores[0].conn
        for name in ("Ops", "Support"):
            stores[0].add_initiative(InitiativeDraft(name=name, objective="better"))
        stores[0].edit_action(ids[0], ActionChanges(initiative="Ops"))
        for action_id in ids[:2]:  # done and audited already, for edits to move
            _audit_step(stores, clock, ids, ("standardize", ids.index(action_id)))
        clock[0] += timedelta(days=95)
        for audit in range(4):
            _audit_step(stores, clock, ids, ("audit", audit, "holding"))
        assert audits_kept(conn) == audits_recounted(conn) and audits_kept(conn)
        for step in steps:
            _audit_step(stores, clock, ids, step)
            assert audits_kept(conn) == audits_recounted(conn), step


def test_the_upgrade_fills_the_audit_counts_as_the_triggers_keep_them(store: Store) -> None:
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=4)
    conn = store.conn
    as_kept = audits_kept(conn)
    assert as_kept == audits_recounted(conn) and as_kept
    conn.execute("DELETE FROM audit_counts")
    conn.execute("INSERT INTO audit_counts " + schema.AUDIT_COUNTS_OF.format(only=""))
    assert audits_kept(conn) == as_kept


def test_the_keeping_triggers_find_their_rows_by_key_never_by_a_scan(store: Store) -> None:
    """Each statement of the cadence's and the audits' triggers, as SQLite plans it: rows of
    the kept tables, the check-ins, the actions and the audits are found by a key or an index,
    never by reading a whole table (an emptied week's delete had scanned owner_weeks: deleting
    20 000 check-ins took 3.6 s instead of 0.3). audit_counts holds two rows per initiative."""
    import re

    statements = [
        statement
        for triggers in (schema._CADENCE_TRIGGERS, schema._AUDIT_TRIGGERS)
        for _when, _condition, body in triggers.values()
        for statement in body
    ]
    assert len(statements) >= 15
    problems = []
    for statement in statements:
        sql = re.sub(r"\b(NEW|OLD)\.(\w+)", lambda m: f":{m[1].lower()}_{m[2]}", statement)
        names = set(re.findall(r":(\w+)", sql))
        params = {name: "2026-11-23T09:00:00Z" if name.endswith("_at") else 1 for name in names}
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
        scans = [step for step in plan if re.match(r"SCAN (?!audit_counts\b)\w+$", step)]
        problems += [f"{step} in: {statement}" for step in scans]
    assert problems == []


def test_one_slip_is_one_slipped_audit_and_the_upgrade_counts_so() -> None:
    """A slip closes the action's later audits with it (result slipped, no check-in of their
    own): the flow and the report count one slipped audit, not three (a tester saw 3), and
    0020 counts a file that counted them all over again."""
    from pdca.db import accountability, report
    from pdca.db.models import InitiativeDraft

    clock = [NOW_DT - timedelta(days=200)]
    with two_people(clock, ACTIONS) as (stores, ids):
        store, conn = stores[0], stores[0].conn
        store.add_initiative(InitiativeDraft(name="Ops", objective="better"))
        store.edit_action(ids[0], ActionChanges(initiative="Ops"))
        _audit_step(stores, clock, ids, ("standardize", 0))
        clock[0] += timedelta(days=31)
        first = conn.execute(
            "SELECT min(id) FROM followups WHERE action_id = ?", (ids[0],)
        ).fetchone()[0]
        accountability.record_followup(store, first, "slipped")
        closed = conn.execute(
            "SELECT count(*) FROM followups WHERE action_id = ? AND result = 'slipped'",
            (ids[0],),
        ).fetchone()[0]
        assert closed == 3  # the slip closed the 60- and 90-day audits with it
        ops = conn.execute("SELECT id FROM initiatives WHERE name = 'Ops'").fetchone()[0]
        assert audits_kept(conn) == audits_recounted(conn) == {(ops, "slipped"): 1}
        (shown,) = [i for i in flow.flow(store).initiatives if i.name == "Ops"]
        assert (shown.holding, shown.slipped) == (0, 1)
        tally = report.build_report(store, "Ops").followup_tally
        assert (tally.slipped, tally.total) == (1, 1)
        # A file 0019 counted: every audit with a result, the closed ones too.
        conn.execute("DELETE FROM audit_counts")
        conn.execute("INSERT INTO audit_counts VALUES (?, 'slipped', 3)", (ops,))
        schema._audits_recorded(conn)
        assert audits_kept(conn) == {(ops, "slipped"): 1}
        assert {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )} >= set(schema._AUDIT_TRIGGERS)  # fmt: skip
