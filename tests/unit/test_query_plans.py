"""Every query the store runs on a large table is served by an index.

The queries are captured from the store itself (``set_trace_callback``) while it does its
ordinary work, so a new query without an index fails here rather than on a 10 000-action file.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import pdca.db.store as store_module
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft, InitiativeDraft, KpiDraft
from pdca.db.overwritten import overwritten_since
from pdca.db.store import ActionFilter, Store
from tests.conftest import NOW, NOW_DT, open_as

# Tables that grow with use; a full scan of one of these is what makes a view slow.
LARGE_TABLES = ("actions", "checkins", "events", "kpi_readings", "alerts", "notifications")


def _exercise(store: Store) -> None:
    store.add_initiative(InitiativeDraft(name="Ops"))
    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4))
    action = store.add_action(
        ActionDraft(title="x", owner="bob", due="2026-12-01", initiative="Ops", kpi="Pages")
    )
    store.edit_action(action.id, ActionChanges(title="y"))
    store.move_action(action.id, "do")
    store.add_checkin(action.id, CheckinDraft(message="going"))
    store.move_action(action.id, "check")
    store.move_action(action.id, "act", verdict="worked")
    store.complete_action(action.id, "adjust")
    store.undo()
    for where in (
        ActionFilter(),
        ActionFilter(owner="bob"),
        ActionFilter(phase="do"),
        ActionFilter(initiative="Ops"),
        ActionFilter(initiative="none"),  # of no initiative
        ActionFilter(overdue=True),
        ActionFilter(stale=True),
        ActionFilter(include_done=True, limit=5),
    ):
        store.list_actions(where)
        store.any_action(where._replace(include_done=True))  # the board's empty-filter hint
    store.action_detail(action.id)
    store.hand_over("bob", "carol")
    store.still_held_by("bob")  # the note reassign prints
    store.list_kpis()
    store.list_initiatives()
    overwritten_since(store, 0, store.own_transactions)  # a board's refresh: replaced values
    for entity, referred in store_module._REFERRED_BY.items():  # an undo refused, named
        store._referred_by_since({"id": 1, "entity": entity, "entity_id": 1})  # type: ignore[arg-type]
        assert referred
    _exercise_kpis(store)


def _exercise_kpis(store: Store) -> None:
    from pdca.db import alerts, kpis
    from pdca.db.models import KpiChanges, ReadingDraft

    kpis.edit_kpi(store, "Pages", KpiChanges(warn=12, alert=14, direction="down"))
    store.record_reading(ReadingDraft(kpi="Pages", value=20))
    kpis.kpi_rows(store)
    kpis.sparklines(store, 8)
    kpis.sparklines(store, 8, [1])
    kpis.kpi_detail(store, "Pages")
    alerts.escalate_due(store)
    alerts.list_alerts(store, assignee="bob")
    alerts.list_alerts(store, overdue=True)
    alerts.count_waiting(store, "bob")
    alerts.most_pressing_open(store, 1)  # the KPI views' a
    alerts.acknowledge(store, alerts.list_alerts(store)[0].id, "on it")
    store.record_reading(ReadingDraft(kpi="Pages", value=5))
    store.record_reading(ReadingDraft(kpi="Pages", value=30))  # an alert, then its undo
    store.undo()  # judges the KPI's alerts again


def _full_scans(store: Store, sql: str) -> list[str]:
    plan = store.conn.execute("EXPLAIN QUERY PLAN " + sql, _placeholders(sql)).fetchall()
    scans = []
    for row in plan:
        detail = row[3]
        match = re.match(r"SCAN (\w+)", detail)
        if match and "INDEX" not in detail:
            table = match.group(1)
            aliases = dict(re.findall(r"(?:FROM|JOIN) (\w+) (?:AS )?(\w+)", sql))
            real = next((t for t, a in aliases.items() if a == table), table)
            if real in LARGE_TABLES:
                scans.append(f"{detail} in: {sql}")
    return scans


def _placeholders(sql: str) -> list[object]:
    return [None] * sql.count("?")


# SQLite's own foreign-key check of alerts.reading_id as a reading is deleted (an undo, a
# removal): alerts are a few per drift (87 on the 100 000-action file, 6 ms cold), and an
# index would be a schema upgrade everyone on the file must take.
FEW_ENOUGH = {"SCAN alerts in: DELETE FROM kpi_readings WHERE id = ?"}


def test_every_query_on_a_large_table_uses_an_index(store: Store) -> None:
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    _exercise(store)
    store.conn.set_trace_callback(None)
    queries = {
        " ".join(sql.split())
        for sql in seen
        if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
        and "count(*) FROM" not in sql  # counts walk an index by design
    }
    assert len(queries) > 10  # the exercise really ran the store's queries
    problems = [scan for sql in sorted(queries) for scan in _full_scans(store, _unbind(sql))]
    assert [scan for scan in problems if scan not in FEW_ENOUGH] == []


def _unbind(sql: str) -> str:
    # The trace shows statements with their values bound; put placeholders back.
    return re.sub(r"'[^']*'|\b\d+(?:\.\d+)?\b", "?", sql)


def _exercise_board(store: Store) -> None:
    """What the board and ``pdca list`` run at any size: a column's pages from either end, a
    card's place, the change feed, the counts, and the listings (issue 14)."""
    store.add_actions(
        ActionDraft(title=f"#{n}", owner="bob", due="2026-12-01", phase="do") for n in range(40)
    )
    action = store.list_actions(ActionFilter(phase="do", limit=1))[0]
    for where in (ActionFilter(phase="do"), ActionFilter(phase="do", owner="bob")):
        store.action_page(where, 0, 9)
        store.action_page(where, 35, 9, total=40)
        store.position_of(where, action)
    # a colleague's write to a board filtered by text: the changed cards alone, by id
    store.matching(ActionFilter(text="#3"), {action.id, action.id + 1})
    store.changes_since(0)
    store.count_actions(ActionFilter())
    for where in (
        ActionFilter(),
        ActionFilter(limit=3),
        ActionFilter(overdue=True),
        ActionFilter(owner="bob"),
        ActionFilter(priority="high"),
        ActionFilter(due_by=date(2026, 12, 1), due_after=date(2026, 11, 1)),
    ):
        list(store.iter_actions(where))
    from pdca.db import kpis

    kpis.sparklines(store, 8)


def _plan_problems(store: Store, sql: str) -> list[str]:
    # As traced, with the values it ran with: the order's constants must match the index's.
    plan = store.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    problems = []
    for row in plan:
        detail = row[3]
        if detail.startswith("USE TEMP B-TREE") and any(t in sql for t in LARGE_TABLES):
            problems.append(f"{detail} in: {sql}")
    return problems + _full_scans(store, _unbind(sql))


def test_the_board_reads_through_indexes_without_sorting(store: Store) -> None:
    """No full scan, and no temporary sort, in what the board and the listings run: their
    cost must not grow with the file (EXPLAIN QUERY PLAN, as SQLite will run them)."""
    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    _exercise_board(store)
    store.conn.set_trace_callback(None)
    queries = {
        " ".join(sql.split())
        for sql in seen
        if sql.lstrip().upper().startswith("SELECT")
        and "FROM actions" in sql
        or "FROM events" in sql
    }
    assert len(queries) >= 8  # the exercise really ran the board's queries
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    assert problems == []


def test_the_flow_figures_read_through_indexes_without_sorting(store: Store) -> None:
    """db/flow.py counts open work per phase and per owner in SQLite (issue 13): no full scan
    and no temporary sort, whole or scoped to an initiative or to a few actions."""
    from pdca.db import flow
    from tests.flow_support import build_history, every_query

    build_history(store)
    with every_query(store) as seen:
        for scope in (flow.EVERYTHING, flow.Scope(initiative_id=1), flow.Scope(action_ids={1, 2})):
            flow.flow(store, scope)
    counted = {
        " ".join(sql.split())
        for sql in seen
        if sql.lstrip().upper().startswith("SELECT") and "FROM actions" in sql
    }
    assert sum("GROUP BY" in sql for sql in counted) >= 6  # phases and owners, each scope
    problems = []
    for sql in sorted(counted):
        for step in (row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)):
            if step.startswith("USE TEMP B-TREE"):  # nothing is sorted, not even a window
                problems.append(f"{step} in: {sql}")
            if re.match(r"SCAN (actions|checkins)\b", step) and "INDEX" not in step:
                problems.append(f"{step} in: {sql}")
    assert problems == []


def test_the_command_lines_one_line_writes_read_through_indexes(store: Store) -> None:
    """``pdca add``, ``move`` and ``checkin`` without --json, and the repeat-rule probe every
    command runs first (issue 14): no full scan or temporary sort, and the probe reads the
    partial index on ``next_due`` however many rules the file holds."""
    from pdca.db.models import ActionFields

    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    line = store.add_action_line(ActionFields(title="x", owner="bob", due=None))
    store.edit_action(line.id, ActionChanges(due="2026-12-01"))
    store.move_action_line(line.id, "do")
    store.record_checkin(line.id, "going", "on-track")
    store.repeats_due()
    store.conn.set_trace_callback(None)
    queries = {
        " ".join(sql.split())
        for sql in seen
        if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT"))
    }
    probes = [sql for sql in queries if "FROM recurrences" in sql]
    assert len(probes) == 2 and len(queries) > 5  # the dates come, an after rule waits
    for probe in probes:
        marks = ("2026-12-01",) if "?" in probe else ()
        steps = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + probe, marks)]
        assert any("idx_recurrences_next_due" in step for step in steps), steps
    problems = [
        p
        for sql in sorted(queries)
        if sql.upper().startswith("SELECT")
        for p in _plan_problems(store, sql)
    ]
    assert problems == []


def test_the_kpis_first_screenful_reads_through_indexes(store: Store) -> None:
    """The KPIs view's first paint reads only its first rows' readings, baselines and tails
    (db/kpis.py ``kpi_rows(first=...)``): down the (kpi_id, at) index, no reading scanned."""
    from pdca.db import kpis

    for n in range(5):
        store.add_kpi(KpiDraft(name=f"K{n}", unit="/wk", baseline=10, target=4))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    kpis.kpi_rows(store, first=2)
    store.conn.set_trace_callback(None)
    reads = {
        " ".join(sql.split())
        for sql in seen
        if "kpi_readings" in sql and "latest_value" not in sql  # not the KPIs themselves
    }
    assert len(reads) >= 3 and all(" IN (" in sql for sql in reads)  # only the first rows'
    steps = [
        (row[3], sql)
        for sql in sorted(reads)
        for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)
    ]
    problems = [
        f"{step} in: {sql}"
        for step, sql in steps
        if re.match(r"SCAN (r|r2|kpi_readings)\b", step) and "INDEX" not in step
    ]
    assert problems == []


def test_the_standups_changes_are_read_through_indexes_without_sorting(store: Store) -> None:
    """The stand-up's changes (db/accountability.py ``standup_digest``, ``standup_changes``):
    the window's events down the (at) index in the order they are told, undone ones left out
    through the same index, the listed ones by id, and the owners of open work off their
    index's leading column: no scan and no temporary sort, whatever the log holds."""
    from pdca.db import accountability

    action = store.add_action(ActionDraft(title="x", owner="bob", due="2026-12-01"))
    store.move_action(action.id, "do")
    store.add_checkin(action.id, CheckinDraft(message="going"))
    store.add_checkin(action.id, CheckinDraft(message="oops", status="blocked"))
    store.undo()
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    digest = accountability.standup_digest(store, most=1)
    accountability.standup_changes(store, digest, "bob", 5)
    store.conn.set_trace_callback(None)
    assert digest.more_of("bob") == 2  # created, moved, one check-in: one listed
    queries = {
        " ".join(sql.split()) for sql in seen if "FROM events" in sql or "DISTINCT owner" in sql
    }
    assert len(queries) >= 3  # the changes, the listed events, the owners
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    assert problems == []


def test_the_owners_counts_read_indexes_without_sorting(store: Store) -> None:
    """``pdca owners`` and the owners view (db/accountability.py ``owners``): open work by
    owner and phase, late, due soon and stale, in one walk down the open actions' (owner,
    phase) index, which holds the kept last check-in: no scan, no temporary sort."""
    from pdca.db import accountability

    action = store.add_action(ActionDraft(title="x", owner="bob", due="2026-12-01"))
    store.add_checkin(action.id, CheckinDraft(message="going"))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    rows = accountability.owners(store)
    store.conn.set_trace_callback(None)
    assert [(r.login, r.open, r.stale) for r in rows] == [("bob", 1, 0)]
    queries = {" ".join(sql.split()) for sql in seen if "FROM actions" in sql}
    assert len(queries) == 1  # the counts, stale ones included
    steps = [row[3] for sql in queries for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert any("idx_actions_open_owner" in step for step in steps), steps
    assert not any("checkins" in step for step in steps), steps
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    assert problems == []


def test_the_flow_outcomes_are_counted_down_indexes(store: Store) -> None:
    """db/flow.py's decisions and follow-up audits of all time, counted by SQLite per
    initiative, whole and scoped: the decisions down the done actions' own (initiative,
    decision) index in its order (0014), the audits down the actions' (initiative_id) index,
    each action's found by id; no temporary sort, no row of the actions read, and no scan but
    those two indexes' (figures of all time: a walk of an index, never of the rows)."""
    from pdca.db import flow
    from tests.flow_support import build_history

    build_history(store)
    for scope in (flow.EVERYTHING, flow.Scope(initiative_id=1), flow.Scope(action_ids={1, 2})):
        for query, table in ((flow._DECISIONS, ""), (flow._FOLLOWUPS, "a.")):
            where, params = scope.where(scope.action_ids is None, table)  # as ``_outcomes``
            params["today"] = "2026-11-23"
            sql = query.format(scope=where)
            steps = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
            assert not any(s.startswith("USE TEMP B-TREE") for s in steps), (sql, steps)
            scans = [s for s in steps if re.match(r"SCAN (actions|a|f)\b", s)]
            walks = (
                "COVERING INDEX idx_actions_decisions",
                "COVERING INDEX idx_actions_initiative_id",
            )
            assert all(any(walk in s for walk in walks) for s in scans), (sql, steps)
    everything = [
        row[3]
        for row in store.conn.execute("EXPLAIN QUERY PLAN " + flow._DECISIONS.format(scope=""))
    ]
    assert any("idx_actions_decisions" in s for s in everything), everything


def test_the_initiatives_overview_reads_through_indexes(store: Store) -> None:
    """db/initiatives.py ``overview`` (the initiatives view, key 7): its KPIs' recent readings
    down the (kpi_id, at) index for the linked KPIs only, no full scan or temporary sort."""
    from pdca.db import initiatives

    store.add_initiative(InitiativeDraft(name="Ops"))
    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4, initiative="Ops"))
    store.add_kpi(KpiDraft(name="Loose", unit="/wk", baseline=10, target=4))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    initiatives.overview(store, slots=16)
    store.conn.set_trace_callback(None)
    queries = {" ".join(sql.split()) for sql in seen if sql.lstrip().upper().startswith("SELECT")}
    readings = [sql for sql in queries if "JOIN kpi_readings r ON r.kpi_id = k.id AND" in sql]
    assert len(readings) == 1 and " IN (" in readings[0]  # the linked KPI's alone
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    assert problems == []


def test_the_standups_open_actions_read_their_own_index_without_sorting(store: Store) -> None:
    """The stand-up's open actions that need a word (db/accountability.py ``_open_actions``):
    each person's first few down ``idx_actions_open_standup`` in its order, and the counts in
    one pass down it, the last check-in read off the index (kept on the row by triggers): no
    scan, no temporary sort, no probe of the check-ins."""
    from pdca.db import accountability

    for n in range(3):
        action = store.add_action(ActionDraft(title=f"x{n}", owner="bob", due="2026-11-01"))
        store.add_checkin(action.id, CheckinDraft(message="going", status="blocked"))
    store.add_action(ActionDraft(title="nobody's"))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    rows, more = accountability._open_actions(store, store.clock(), 7, 2)
    store.conn.set_trace_callback(None)
    assert len(rows) == 3 and more == {"bob": 1}
    queries = {" ".join(sql.split()) for sql in seen if "FROM actions" in sql}
    # the first few of each, the counts, and the repeats' rounds (down their own index)
    assert len(queries) == 3
    for sql in sorted(queries):
        steps = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        index = (
            "idx_actions_recurrence_id"
            if "x.recurrence_id IS NOT NULL" in sql
            else ("idx_actions_open_standup")
        )
        assert any(index in step for step in steps), steps
        assert not any("checkins" in step for step in steps), steps
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    assert problems == []


def test_the_last_checkin_triggers_read_one_actions_checkins(store: Store) -> None:
    """Each trigger keeping an action's last check-in (db/schema.py ``0011_last_checkin``)
    reads that action's check-ins down their (action_id, at) index and writes its row by id:
    a check-in costs the same at 500 000 check-ins as at 5."""
    from pdca.db import schema

    statements = []
    for _when, condition, statement in schema._LAST_CHECKIN_TRIGGERS.values():
        if condition:
            statements.append(f"SELECT {condition}")
        statements.append(statement)
    problems = []
    for sql in statements:
        bound = re.sub(r"\b(?:NEW|OLD)\.\w+", "?", sql)
        steps = [
            row[3]
            for row in store.conn.execute("EXPLAIN QUERY PLAN " + bound, [1] * bound.count("?"))
        ]
        assert steps, sql
        problems += [f"{step} in: {sql}" for step in steps if step.startswith("USE TEMP B-TREE")]
        problems += [  # every table read is a search: by id, or down the check-ins' index
            f"{step} in: {sql}"
            for step in steps
            if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"
        ]
        assert any("idx_checkins_action_id_at (action_id=?)" in step for step in steps), sql
    assert problems == []


def test_the_stale_filter_and_notices_read_the_kept_last_checkin(store: Store) -> None:
    """The board's stale filter (pages, places, counts, ``pdca list --stale``) and the stale
    notices (db/notify.py) read the last check-in off the action's row: no probe of the
    check-ins, no scan, no temporary sort."""
    from pdca.db import notify

    for n in range(3):
        action = store.add_action(ActionDraft(title=f"x{n}", owner="bob", due="2026-11-01"))
        store.add_checkin(action.id, CheckinDraft(message="going"))
    stale = ActionFilter(phase="plan", stale=True)
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    store.list_actions(ActionFilter(stale=True))
    store.count_actions(ActionFilter(stale=True))
    store.action_page(stale, 0, 9)
    store.position_of(stale, store.get_action(action.id))
    notify.due_notices(store)
    store.conn.set_trace_callback(None)
    queries = {
        " ".join(sql.split())
        for sql in seen
        if sql.lstrip().upper().startswith("SELECT") and "last_checkin_at" in sql
    }
    assert len(queries) >= 5  # the listing, the counts, the page, the place, the notices
    assert not [sql for sql in queries if "FROM checkins" in sql]
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    assert problems == []


def test_a_stale_reminders_earlier_ones_are_found_down_the_key_index(
    store: Store, db_path: Path
) -> None:
    """Whether a stale action was reminded within the cadence (any key of its family): a
    range of the notifications' unique index, not a scan of every notification ever made."""
    from pdca.db import notify

    store.add_action(ActionDraft(title="quiet", owner="bob"))
    later = open_as(db_path, "alice", NOW_DT + timedelta(days=9))
    try:
        seen: list[str] = []
        later.conn.set_trace_callback(seen.append)
        planned = notify.plan(later)
        later.conn.set_trace_callback(None)
        queries = {" ".join(sql.split()) for sql in seen if "FROM notifications" in sql}
        assert [p.notice.kind for p in planned] == ["stale"]
        assert any("key >= " in sql for sql in queries)  # the family's look-up ran
        assert [p for sql in sorted(queries) for p in _plan_problems(later, sql)] == []
    finally:
        later.close()


def test_a_restores_and_an_imports_id_floors_are_indexed_look_ups(store: Store) -> None:
    """What a restore reads off the live file (db/restore.py ``issued``: each table's
    highest id, the highest id its events name) and an import's counters (db/transfer.py):
    a search by index, never a scan, at 1 000 000 events as at 10."""
    from pdca.db.restore import issued
    from pdca.db.transfer import _counters_past_history

    _exercise(store)
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    found = issued(store.conn)
    _counters_past_history(store.conn, {})
    store.conn.set_trace_callback(None)
    assert found.counters["actions"] >= 1 and found.last_event >= 1
    queries = {" ".join(sql.split()) for sql in seen if sql.lstrip().upper().startswith("SELECT")}
    assert len([sql for sql in queries if "max(entity_id)" in sql]) >= 2
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    problems += [  # not even a walk down a whole index: a search
        f"{row[3]} in: {sql}"
        for sql in sorted(queries)
        for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)
        if any(f"SCAN {table}" in row[3] for table in LARGE_TABLES)
    ]
    assert problems == []


def test_an_initiatives_open_actions_are_counted_off_the_open_ones_index(store: Store) -> None:
    """``list_initiatives`` (the initiatives view, ``pdca initiative list``): the count of an
    initiative's open actions searches the open actions' index (migration 0013), not every
    action the initiative ever had."""
    store.add_initiative(InitiativeDraft(name="Ops"))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    store.list_initiatives()
    store.conn.set_trace_callback(None)
    (sql,) = {" ".join(s.split()) for s in seen if "open_actions" in s}
    plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    # (or 0016's open actions by initiative, which holds the initiatives view's counts too)
    indexes = ("idx_actions_open_initiative", "idx_actions_open_health")
    assert any(index in step for step in plan for index in indexes), plan


def test_the_flow_kept_stays_and_their_triggers_read_through_indexes(store: Store) -> None:
    """Migration 0014 (issue 13): the flow figures' reads of the kept stays, each phase's
    oldest open item, and the statements its triggers run on every event written, deleted or
    edited: each a search down an index, none a scan or a temporary sort."""
    from pdca.db import flow, schema

    params = {"phase": "do", "since": "2026-08-24T09:00:00Z", "now": "2026-11-23T09:00:00Z"}
    reads = [
        (flow._STAY_COUNTS.format(scope=""), "idx_action_stays_phase"),
        (flow._PHASES_NOW.format(scope=""), "idx_actions_open_phase_since"),
        (flow._OLDEST.format(scope=""), "idx_actions_open_phase_since"),
    ]
    for sql, index in reads:
        plan = [
            row[3]
            for row in store.conn.execute(
                "EXPLAIN QUERY PLAN " + sql, {**params, "entered": params["now"]}
            )
        ]
        assert any(index in step for step in plan), (sql, plan)
        assert not any(step.startswith("USE TEMP B-TREE") for step in plan), plan
        # Open work per phase walks the open actions' index alone (no row), the rest search.
        scans = [step for step in plan if step.startswith("SCAN")]
        walk = f"SCAN actions USING COVERING INDEX {index}"
        assert scans == ([walk] if "GROUP BY" in sql else [])
    statements = [s for _, _, body in schema._STAY_TRIGGERS.values() for s in body]
    assert len(statements) == 6
    for statement in statements:
        sql = re.sub(r"\b(NEW|OLD)\.\w+", "1", statement)
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert plan and not any(step.startswith(("SCAN", "USE TEMP B-TREE")) for step in plan), (
            sql,
            plan,
        )


def test_the_standups_changes_read_the_kept_table_and_its_triggers_search(store: Store) -> None:
    """Migration 0015 (issue 14): the stand-up's changes are read off ``event_changes``' key
    (time order, no sort), each one's owner off the actions' (id, owner) index, its undo
    looked up among the window's undos, read once by time; the statements the triggers run on
    every event written, deleted or edited are searches by key, never a scan or a temporary
    sort."""
    from pdca.db import accountability, schema

    window = ("2026-11-22T09:00:00Z", "2026-11-23T09:00:00Z", 812, "pdca")
    plan = [
        row[3]
        for row in store.conn.execute("EXPLAIN QUERY PLAN " + accountability._CHANGES, window)
    ]
    assert any(step.startswith("SEARCH c USING PRIMARY KEY (at>? AND at<?)") for step in plan), plan
    assert any("COVERING INDEX idx_actions_id_owner (id=?)" in step for step in plan), plan
    # The window's undos read once, down their index by time (0030), not searched per change.
    undos = "SEARCH u USING COVERING INDEX idx_events_undos_at (at>? AND at<?)"
    assert "LIST SUBQUERY" in " ".join(plan) and undos in plan, plan
    assert not any("CORRELATED" in step and "idx_events_undo_of" in step for step in plan)
    assert not any(step.startswith(("SCAN", "USE TEMP B-TREE")) for step in plan), plan
    statements = [s for _, _, body in schema._CHANGE_TRIGGERS.values() for s in body]
    assert len(statements) == 5
    for statement in statements:
        sql = re.sub(r"\b(NEW|OLD)\.\w+", "1", statement)
        steps = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        tables = "|".join((*LARGE_TABLES, "event_changes"))  # a one-row subquery is no table
        assert steps and not any(
            step.startswith("USE TEMP B-TREE") or re.match(rf"SCAN ({tables})\b", step)
            for step in steps
        ), (sql, steps)


def test_the_initiatives_counts_and_the_flows_done_work_read_one_index_alone(
    store: Store,
) -> None:
    """Migration 0016: the initiatives view's open-action counts and the flow figures' work
    done in the window (whole and scoped) each read one index that holds every column they
    read, in its order: no action row, no temporary sort."""
    from pdca.db import flow, initiatives

    params = {"today": "2026-11-23", "cutoff": "2026-11-15T09:00:00Z"}
    plan = [
        row[3]
        for row in store.conn.execute("EXPLAIN QUERY PLAN " + initiatives._OPEN_COUNTS, params)
    ]
    assert plan == ["SEARCH actions USING COVERING INDEX idx_actions_open_health (initiative_id>?)"]
    for scope in (flow.EVERYTHING, flow.Scope(initiative_id=1), flow.Scope(action_ids={1, 2})):
        where, times = scope.where()
        times.update({"now": "2026-11-23T09:00:00Z", "since": "2026-08-24T09:00:00Z"})
        times["weeks"] = 13
        sql = flow._DONE_PLACED.format(scope=where)
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, times)]
        assert not any(step.startswith(("SCAN done", "USE TEMP B-TREE")) for step in plan)
        if scope == flow.EVERYTHING:
            assert [step for step in plan if "done" in step] == [
                "SEARCH done USING COVERING INDEX idx_actions_done_flow (done_at>?)"
            ]


def test_the_logs_pinned_followups_are_read_down_an_index_without_sorting(store: Store) -> None:
    """What the log pins on top (db/accountability.py ``due_followups``): the first few due
    and how many, whoever's and whichever action's, down a follow-ups index in due order: no
    scan of the follow-ups, no temporary sort, however many are due."""
    from pdca.db import accountability

    action = store.add_action(ActionDraft(title="x", owner="bob", due="2026-12-01"))
    picks = ((None, None), ("bob", None), (None, action.id), ("bob", action.id))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    for owner, action_id in picks:
        accountability.due_followups(store, 20, owner=owner, action_id=action_id)
    store.conn.set_trace_callback(None)
    queries = {" ".join(sql.split()) for sql in seen if "FROM followups" in sql}
    assert len(queries) == 4  # the counts: when none are due, no page is read
    store.conn.execute(  # one due, so the pages are read too
        "INSERT INTO followups (action_id, owner, offset_days, due, created_at)"
        " VALUES (?, 'bob', 30, '2026-01-01', '2026-01-01T09:00:00Z')",
        (action.id,),
    )
    store.conn.set_trace_callback(seen.append)
    for owner, action_id in picks:
        accountability.due_followups(store, 20, owner=owner, action_id=action_id)
    store.conn.set_trace_callback(None)
    queries = {" ".join(sql.split()) for sql in seen if "FROM followups" in sql}
    assert len(queries) == 8
    for sql in sorted(queries):
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert any("idx_followups_" in step for step in plan), (sql, plan)
        assert not any(step.startswith(("USE TEMP B-TREE", "SCAN f")) for step in plan), (sql, plan)


def test_the_cycle_reports_own_reads_go_through_indexes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pdca report`` (db/report.py), whole team, one initiative and one action: its own
    queries (the chart's linked actions, the capped lists and their counts) search an index,
    none scans a large table or sorts one in a temporary b-tree."""
    from pdca.db import signals
    from pdca.db.report import build_report
    from tests.flow_support import build_history

    monkeypatch.setattr(signals, "_FEW", 0)  # the way a big team's report reads: by the moves

    build_history(store)
    store.add_action(ActionDraft(title="planned", owner="bob", initiative="Ops", kpi="Pages"))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    for target in (None, "Ops", "#2"):
        build_report(store, target)
    store.conn.set_trace_callback(None)
    queries = {" ".join(sql.split()) for sql in seen}
    own = sorted(sql for sql in queries if any(mark in sql for mark in _REPORT_READS))
    assert all(any(mark in sql for sql in own) for mark in _REPORT_READS)  # each one ran
    problems = [problem for sql in own for problem in _plan_problems(store, sql)]
    # The one sort: the audits' first LIST_CAP by urgency, a bounded top-N sort of the page's
    # follow-ups (found through the actions' indexes and followups' action_id), never of actions.
    assert [
        p for p in problems if not p.startswith("USE TEMP B-TREE FOR ORDER BY in: SELECT f.")
    ] == []


# What db/report.py reads itself (the rest is db/kpis.py's, db/flow.py's, ...).
_REPORT_READS = (
    "FROM actions WHERE kpi_id",  # the charts' linked actions
    "SELECT entity_id, at, summary FROM events",  # when they entered Do: moves
    "FROM events e WHERE e.id IN",  # and creations in Do
    "FROM actions WHERE done_at",  # the whole team's lists and counts
    "FROM actions WHERE initiative_id",  # an initiative's
    "FROM followups f",  # the audits' tally and list
)


def test_the_standups_owners_of_open_work_are_a_skip_scan(store: Store) -> None:
    """The owners of open work (the stand-up's round-robin, and whose first few open actions
    it reads): one search of the open actions' (owner, ...) index per owner, not a walk of
    every open action's entry (db/accountability.py ``_OPEN_OWNERS``)."""
    from pdca.db import accountability

    for sql, values in (
        (accountability._OPEN_OWNERS + " SELECT owner FROM o", ()),
        (accountability._FIRST_OPEN, ("2026-11-23", "2026-11-16T09:00:00Z", 10)),
    ):
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, values)]
        assert any("idx_actions_open_owner (owner>?)" in step for step in plan), plan
        assert not any(
            re.match(r"SCAN (actions|a|x)\b", step) or step.startswith("USE TEMP B-TREE")
            for step in plan
        ), plan


def test_kpi_record_and_the_kpi_fixes_read_through_indexes(store: Store) -> None:
    """``pdca kpi record``'s path without models (db/readings.py: the write, its alerts and
    the raised ones), the close names of an unknown KPI, and the Check -> Act evidence
    (db/signals.py): no full scan of a large table, no temporary sort over one."""
    from datetime import timedelta

    import pytest

    from pdca.db import kpis, readings, signals
    from pdca.db.errors import InvalidInput, NotFound

    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4, alert=30,
                           direction="down"))  # fmt: skip
    action = store.add_action(ActionDraft(title="x", owner="bob", due="2026-12-01", kpi="Pages"))
    store.move_action(action.id, "do")
    now = store.clock()
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    # the last back under the threshold: its reply reads the alerts it closed and those left
    for i, value in enumerate([11.0, 9.0] * 10 + [12.0] * 8 + [40.0, 11.0]):
        done = readings.record(store, "Pages", value, "", now - timedelta(hours=40 - i))
        assert readings.told(store, done).alerts or i < 28
    with pytest.raises(InvalidInput):
        readings.record(store, "Page", 1.0)
    with pytest.raises(NotFound):
        kpis.kpi_detail(store, "Page")
    signals.verdict_evidence(store, action.id)
    store.conn.set_trace_callback(None)
    queries = {
        " ".join(sql.split())
        for sql in seen
        if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
        and "count(*) FROM" not in sql
    }
    assert any("FROM kpis" in sql for sql in queries)  # the close names were read
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    assert problems == []


def test_the_owners_followups_due_are_a_search_per_owner(store: Store) -> None:
    """The owners view's follow-ups due per person (db/accountability.py
    ``_FOLLOWUPS_DUE_BY_OWNER``): searches of the (owner, done_at, due) index, never a walk of
    every follow-up ever made."""
    from pdca.db import accountability

    sql = accountability._FOLLOWUPS_DUE_BY_OWNER
    plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, ("2026-11-23",))]
    assert any("(owner=? AND done_at=? AND due<?)" in step for step in plan), plan
    assert not any(
        re.match(r"SCAN (followups|f)\b", step) or step.startswith("USE TEMP B-TREE")
        for step in plan
    ), plan


def test_the_flows_owner_counts_and_stay_ranks_read_covering_indexes(store: Store) -> None:
    """db/flow.py's per-owner counts walk the open actions' (owner, created_at, due) index
    alone (no row read); the cadence kept is a range of each owner's kept weeks (all actions)
    or, scoped, the open actions' walk and a search of their kept weeks by action; a phase's
    stays at the median's and 85th percentile's ranks are a walk of the kept stays' (phase,
    days) index to them: nothing is sorted."""
    from pdca.db import flow

    params = {
        "now": "2026-11-23T09:00:00Z",
        "today": "2026-11-23",
        "weeks": 13,
        "first_week": "2026-08-24",
        "this_week": "2026-11-23",
        **{f"m{k}": f"2026-{11 - k // 5:02d}-01T00:00:00Z" for k in range(1, 14)},
    }
    owners = flow._OWNERS_OPEN.format(lived=flow._lived_sql(13), scope="")
    kept = flow._OWNERS_KEPT
    kept_of = flow._OWNERS_KEPT_OF.format(scope=" AND +a.initiative_id = 1")
    plans = {
        sql: [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
        for sql in (owners, kept, kept_of)
    }
    walk = "SEARCH {} USING COVERING INDEX idx_actions_open_created (owner>?)"
    assert plans[owners] == [walk.format("actions")]
    # Each owner's weeks in order (a few hundred rows a year for a team: owners times weeks).
    assert plans[kept][0].startswith("SEARCH owner_weeks USING PRIMARY KEY ("), plans[kept]
    assert len(plans[kept]) == 1, plans[kept]
    assert plans[kept_of][0].startswith("SEARCH a USING INDEX idx_actions_open_created (owner>?)")
    assert plans[kept_of][1:] == [
        "SEARCH w USING PRIMARY KEY (action_id=? AND week>? AND week<?)"
    ], plans[kept_of]
    ranked = flow._STAYS_AT.format(scope="", first=3, count=2)
    plan = [
        row[3]
        for row in store.conn.execute(
            "EXPLAIN QUERY PLAN " + ranked, {"phase": "do", "since": "2026-08-24T09:00:00Z"}
        )
    ]
    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN action"))]
    assert searches == [
        "SEARCH action_stays USING COVERING INDEX idx_action_stays_days (phase=? AND days>?)",
        # the repeat rounds left out, read once down their own index (a few at most)
        "SEARCH actions USING INDEX idx_actions_recurrence_id (recurrence_id>?)",
    ]
    assert [step for step in plan if "TEMP B-TREE" in step] == []


def test_the_flows_kept_stays_are_searched_as_the_view_reads_them(store: Store) -> None:
    """As db/flow.py runs them (each statement asks the four phases at once), whole and
    scoped: every read of action_stays searches one of its indexes alone (the counts its
    (phase, at) index, the ranks its (phase, days) index in order), and nothing is sorted."""
    from pdca.db import flow
    from tests.flow_support import build_history, every_query

    build_history(store)
    with every_query(store) as seen:
        for scope in (flow.EVERYTHING, flow.Scope(initiative_id=1), flow.Scope(action_ids={1, 2})):
            flow.flow(store, scope)
    stays = {" ".join(sql.split()) for sql in seen if "FROM action_stays" in sql}
    assert len(stays) == 6 and all(sql.count("SELECT 'act'") == 1 for sql in stays)
    search = "SEARCH action_stays USING COVERING INDEX"
    for sql in sorted(stays):
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        reads = {step for step in plan if "action_stays" in step}
        ranked = "ORDER BY days" in sql
        index = (
            f"{search} idx_action_stays_days (phase=? AND days>?)"
            if ranked
            else f"{search} idx_action_stays_phase (phase=? AND at>?)"
        )
        assert reads == {index}, plan
        assert len([step for step in plan if "action_stays" in step]) >= 4, plan
        assert not [step for step in plan if "TEMP B-TREE" in step], plan
        assert not any(re.match(r"SCAN (actions|action_stays)\b", step) for step in plan), plan


def test_the_kept_stays_triggers_search_events_by_id_and_transaction(store: Store) -> None:
    """The flow's stays triggers (db/schema.py ``_STAY_TRIGGERS``) find the events of a hand
    edit by id and transaction, never down the actions' updates (a third of the log, once per
    event edited: an UPDATE of 3 692 events took 36 s on the large file)."""
    from pdca.db import schema

    for events in (
        "e.id = 7",  # an event written
        "7 IS NOT NULL AND e.tx = 7",  # an undo deleted
        "e.id = 7 OR e.tx IN (7, 8, 9, 10)",  # a hand edit
    ):
        plan = " | ".join(
            row[3]
            for row in store.conn.execute(
                "EXPLAIN QUERY PLAN " + schema._STAY_ROWS.format(events=events)
            )
        )
        assert "idx_events_action_updates" not in plan, plan
        assert "SCAN e" not in plan, plan


def test_editing_an_events_actor_by_hand_leaves_the_kept_stays_alone(store: Store) -> None:
    store.add_action(ActionDraft(title="a", owner="bob", due=date(2026, 12, 1)))
    store.move_action(1, "do")
    store.move_action(1, "plan")
    kept = store.conn.execute("SELECT * FROM action_stays").fetchall()
    assert kept  # the move back is a stay
    before = store.conn.total_changes  # rows written, a trigger's too
    edited = store.conn.execute(
        "UPDATE events SET actor = 'robert' WHERE actor = ?", (store.actor,)
    ).rowcount
    assert edited >= 3
    assert store.conn.total_changes - before == edited  # the events alone: no stay rewritten
    assert store.conn.execute("SELECT * FROM action_stays").fetchall() == kept


def test_the_logs_far_end_and_its_pages_up_read_the_index_without_sorting(store: Store) -> None:
    """The log's ``G`` (db/accountability.py ``log_page(oldest=True)``) and its pages up
    from there (``before``), as filtered: up a check-ins index in ascending order, with no
    full scan and no temporary sort, however many check-ins the file holds (issue 14)."""
    from pdca.db import accountability
    from pdca.db.accountability_models import LogFilter

    store.add_initiative(InitiativeDraft(name="Ops"))
    action = store.add_action(ActionDraft(title="x", owner="bob", initiative="Ops"))
    store.add_checkin(action.id, CheckinDraft(message="going"))
    wheres = (
        LogFilter(),
        LogFilter(owner="bob"),
        LogFilter(action_id=action.id),
        LogFilter(initiative="Ops"),
        LogFilter(initiative="none"),  # of no initiative
        LogFilter(status="blocked", since=date(2026, 1, 1)),
        LogFilter(since=date(2026, 1, 1), until=date(2026, 12, 1)),
    )
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    for where in wheres:
        accountability.log_page(store, where, oldest=True)
        accountability.log_page(store, where, before=("2026-01-01T00:00:00Z", 5))
        accountability.log_page(store, where, after=("2026-12-01T00:00:00Z", 5))
    store.conn.set_trace_callback(None)
    queries = {" ".join(sql.split()) for sql in seen if "FROM checkins c" in sql}
    assert sum("ASC LIMIT" in sql for sql in queries) == 2 * len(wheres)
    for sql in sorted(queries):
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert any("idx_checkins_" in step for step in plan), (sql, plan)
        assert _full_scans(store, _unbind(sql)) == []
        # An owner's or an initiative's check-ins are found through their actions and put in
        # order (as the newest page always was): a sort of that subset, never of the table.
        by_actions = "a.owner = " in sql or "a.initiative_id = " in sql
        assert by_actions or not any(s.startswith("USE TEMP B-TREE") for s in plan), (sql, plan)


def test_doctors_kept_check_reads_each_rebuild_once_and_its_repair_searches_by_key(
    store: Store,
) -> None:
    """``pdca doctor``'s kept check (db/kept.py) reads the whole log by nature, but each
    table's rebuild once (materialized, then EXCEPT both ways); the repair's rewrites search
    the kept table, the events and the actions by the differing rows' keys, never a scan."""
    from pdca.db import kept

    _exercise(store)
    for table in kept.KEPT:
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + table.differing())]
        assert plan.count("MATERIALIZE rebuilt") == 1, plan
        store.conn.execute("DROP TABLE IF EXISTS temp.kept_keys")
        store.conn.execute(f"CREATE TEMP TABLE kept_keys AS {table.differing()}")
        keys = f"SELECT {table.key} FROM temp.kept_keys"
        deletes = [f"DELETE FROM {table.table} WHERE ({table.key}) IN ({keys})"]
        for sql in [*deletes[: table.table != "actions"], table.rebuild_of(keys)]:
            plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
            scans = [step for step in plan if step.startswith("SCAN") and "kept_keys" not in step]
            assert scans in ([], ["SCAN k"]), plan  # k: the keys, DISTINCT
            assert not any("idx_events_entity" in step for step in plan), plan
        store.conn.execute("DROP TABLE temp.kept_keys")


def test_the_standup_records_look_at_changes_since_the_read_through_an_index(
    store: Store,
) -> None:
    """``standup_digest``'s newest event and ``record_standup``'s look for changes written
    after the digest was read (db/accountability.py): the log's last id and the changes'
    id index, however long the log."""
    from pdca.db import accountability

    store.add_action(ActionDraft(title="x", owner="bob"))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    digest = accountability.standup_digest(store)
    accountability.record_standup(
        store, digest.since, [], digest.until, seen_event=digest.seen_event
    )
    store.conn.set_trace_callback(None)
    queries = {
        " ".join(sql.split())
        for sql in seen
        if "max(id) FROM events" in sql or ("FROM event_changes" in sql and "min(at)" in sql)
    }
    assert len(queries) == 2
    problems = [p for sql in sorted(queries) for p in _plan_problems(store, sql)]
    assert problems == []
    details = [row[3] for sql in queries for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert not [d for d in details if d.startswith("SCAN") and "event_changes" in d], details


def test_a_text_filters_few_matches_are_read_in_one_pass_and_sorted_alone(store: Store) -> None:
    """A rare word was read five times over (the counts, then each column's page): now once,
    its read stopping at ``most`` matches, and only the matches kept are sorted (merged into
    the outer query, SQLite sorted every match of a common word first: 160 ms at 100 000)."""
    store.add_action(ActionDraft(title="Rotate the pager"))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    found = store.few_matches(ActionFilter(text="pager"), 5)
    store.conn.set_trace_callback(None)
    assert found == {"plan": [1], "do": [], "check": [], "act": []}
    [sql] = [q for q in seen if "FROM actions" in q]
    plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert plan[0] == "MATERIALIZE m" and plan[1].startswith("SEARCH a USING INDEX")
    assert plan[2:] == ["SCAN m", "USE TEMP B-TREE FOR ORDER BY"]  # the kept rows alone
    assert store.few_matches(ActionFilter(text="e"), 0) is None  # more than most: not read


@pytest.mark.parametrize("include_done", [False, True])
def test_few_matches_come_in_the_order_the_columns_page_them(
    store: Store, include_done: bool
) -> None:
    for n, (priority, due) in enumerate(
        [("low", None), ("high", "2026-12-09"), ("normal", "2026-12-01"), ("high", None),
         ("normal", None), ("high", "2026-11-30"), ("low", "2026-12-01")]
    ):  # fmt: skip
        action = store.add_action(
            ActionDraft(title=f"pager {n}", priority=priority, due=due, owner="bob")  # type: ignore[arg-type]
        )
        if n % 3 == 0 and due is not None:
            store.move_action(action.id, "do")
        if n in (3, 4):
            store.complete_action(action.id, "abandon")
    where = ActionFilter(text="pager", include_done=include_done)
    found = store.few_matches(where, 100)
    assert found is not None
    counts = store.count_actions(where)
    for phase in ("plan", "do", "check", "act"):
        paged = store.action_page(where._replace(phase=phase), 0, 100, counts[phase])
        assert found[phase] == [a.id for a in paged], phase


def test_notify_finds_the_alerts_acknowledged_lately_down_the_changes_in_time_order(
    store: Store,
) -> None:
    """Who still thinks an alert is theirs (db/notify.py ``_acknowledged_lately``): the
    acknowledgements of the last days off ``event_changes``' time key, then the alert's
    notifications down the key index; no scan of the alerts, the events or the notifications."""
    from pdca.db import alerts, notify
    from pdca.db.models import ReadingDraft

    store.add_kpi(
        KpiDraft(name="Pages", unit="/wk", baseline=10, target=4, alert=14, direction="down")
    )
    store.record_reading(ReadingDraft(kpi="Pages", value=20))
    (alert,) = alerts.list_alerts(store)
    store.conn.execute(
        "INSERT INTO notifications (key, recipient, channel, kind, text, state, created_at)"
        f" VALUES ('alert:{alert.id}:level:0', 'dana', 'command', 'alert', 'x', 'delivered',"
        " '2026-11-23T09:00:00Z')"
    )
    alerts.acknowledge(store, alert.id, "on it")
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    notices = notify.due_notices(store)
    assert notify._told_of(store.conn, alert.id, "dana")  # whether a pass is told
    store.conn.set_trace_callback(None)
    assert [(n.key, n.recipient) for n in notices] == [
        (f"alert:{alert.id}:acknowledged:{NOW}", "dana")
    ]
    queries = {
        " ".join(sql.split())
        for sql in seen
        if "alert-acknowledged" in sql or ("FROM notifications" in sql and "key >= " in sql)
    }
    assert len(queries) == 3
    # as run (its partial index holds the kind's literal, which _plan_problems unbinds)
    problems = [
        p for sql in sorted(queries) if "INDEXED BY" not in sql for p in _plan_problems(store, sql)
    ]
    plans = [
        row[3]
        for sql in queries
        for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, _placeholders(sql))
    ]
    assert problems == [] and not [p for p in plans if p.startswith("SCAN")], plans


def test_a_standup_after_a_big_undo_reads_each_undone_change_down_its_own_events(
    store: Store,
) -> None:
    """An undone import of 8 000 actions made every stand-up take 54 s: each undo event read
    the whole undone transaction (idx_events_tx) to find its change. Now down the entity's
    own events, a few whatever the size of the undone change."""
    from pdca.db import accountability

    for n in range(3):
        store.add_action(ActionDraft(title=f"x{n}", owner="bob"))
    store.undo()
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    accountability.standup_digest(store)
    store.conn.set_trace_callback(None)
    queries = {" ".join(q.split()) for q in seen if "JOIN event_changes c ON c.at = t.at" in q}
    assert queries
    plan = [r[3] for sql in queries for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert any("idx_events_entity_entity_id_id (entity=? AND entity_id=?)" in p for p in plan), plan
    assert not any("idx_events_tx" in p for p in plan), plan
    # The window's undos themselves, down their index by time (0030), not every undo of the file.
    assert any("idx_events_undos_at (at>? AND at<?)" in p for p in plan), plan


def test_every_reference_from_a_large_table_is_indexed(store: Store) -> None:
    """Deleting a row makes SQLite's foreign-key check look for rows that refer to it: with
    no index on the referring column, it reads the whole table. The follow-ups' reopened_id
    and checkin_id had none, and an undone import of 8 000 actions held the lock for 74 s on
    the 100k file (a reviewer). Only references from small tables may go without one."""
    small = {("initiatives", "owner"), ("kpis", "owner"), ("alerts", "reading_id")}
    partial_ok = {("actions", "recurrence_id")}  # idx_actions_recurrence_id, for the few rules
    missing = []
    tables = [
        r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    for table in tables:
        first_columns = set()
        for _seq, name, _unique, _origin, partial in store.conn.execute(
            f"PRAGMA index_list({table})"
        ):
            columns = [r[2] for r in store.conn.execute(f"PRAGMA index_info({name})")]
            if columns and (not partial or (table, columns[0]) in partial_ok):
                first_columns.add(columns[0])
        for reference in store.conn.execute(f"PRAGMA foreign_key_list({table})"):
            column = reference[3]
            if column not in first_columns and (table, column) not in small:
                missing.append(f"{table}.{column}")
    assert missing == []


def test_a_boards_refresh_reads_the_replaced_values_down_the_events_key(store: Store) -> None:
    """What others wrote over this session's values (db/overwritten.py), read at a board's
    refresh: the unseen events down their key, not the actions' updates index, which holds
    every update the file ever had (90 ms at 100 000 actions), sorted."""
    from pdca.db.overwritten import _REPLACING

    action = store.add_action(ActionDraft(title="x", owner="bob"))
    store.edit_action(action.id, ActionChanges(title="y"))
    details = [
        row[3]
        for row in store.conn.execute(
            "EXPLAIN QUERY PLAN " + _REPLACING,
            (1, json.dumps(list(store.own_transactions)), store.actor, 1),
        )
    ]
    assert "SEARCH e USING INTEGER PRIMARY KEY (rowid>?)" in details, details
    # the login's own changes since the session began: down (actor, id)
    assert any("USING INDEX idx_events_actor_id (actor=? AND id>?)" in d for d in details), details
    assert not [d for d in details if "TEMP B-TREE" in d or d.startswith("SCAN e")], details


def test_a_search_of_a_thousand_words_is_a_shallow_tree(store: Store) -> None:
    """SQLite refuses an expression deeper than 1 000: one word a term, a pasted paragraph
    crashed the board. The words' terms are bracketed in halves, their order kept."""
    store.add_action(ActionDraft(title="w7 and w993 and w1", owner="bob"))
    words = [f"w{n}" for n in range(1000)]
    assert store.list_actions(ActionFilter(text=" ".join(words))) == []
    found = store.list_actions(ActionFilter(text="w993 w7 w1 bob " * 300))
    assert [a.title for a in found] == ["w7 and w993 and w1"]


def test_an_actions_history_reads_its_own_changes_not_every_follow_ups(store: Store) -> None:
    """The detail's history searched the events by kind alone for follow-ups made with the
    action's own changes: every follow-up change of the file, 0.2 s an action at 100 000
    actions and 4.5 s on a file not read yet (a trial: a detail 5 s after enter)."""
    action = store.add_action(ActionDraft(title="x", owner="bob", due="2026-12-01"))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    store.action_detail(action.id)
    store.conn.set_trace_callback(None)
    (history,) = [sql for sql in seen if sql.lstrip().startswith("SELECT * FROM events")]
    details = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + history)]
    assert not [d for d in details if d.endswith("(entity=?)")], details
