"""Flow figures read from a known history (tests/flow_support.py), and their query plans."""

from __future__ import annotations

import re

from db import flow
from db.flow import Scope
from db.store import Store
from tests.flow_support import build_history
from tests.unit.test_query_plans import LARGE_TABLES, _full_scans, _unbind


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


def test_flow_of_an_empty_file(store: Store) -> None:
    figures = flow.flow(store)
    assert [p.wip for p in figures.phases] == [0, 0, 0, 0]
    assert figures.finished == 0 and figures.owners == [] and figures.initiatives == []
    assert figures.cycle.trend == "unknown"


def test_every_flow_query_uses_an_index_and_sorts_nothing_big(store: Store) -> None:
    build_history(store)
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    flow.flow(store)
    flow.flow(store, Scope(initiative_id=1))
    store.conn.set_trace_callback(None)
    queries = {" ".join(sql.split()) for sql in seen if sql.lstrip().upper().startswith("SELECT")}
    assert len(queries) >= 6
    problems = []
    for sql in sorted(queries):
        unbound = _unbind(sql)
        problems += _full_scans(store, unbound)
        plan = store.conn.execute("EXPLAIN QUERY PLAN " + unbound, [None] * unbound.count("?"))
        for row in plan:
            if "TEMP B-TREE" in row[3] and any(re.search(rf"\b{t}\b", sql) for t in LARGE_TABLES):
                problems.append(f"{row[3]} in: {sql}")
    assert problems == []


def test_the_event_query_walks_the_flow_index(store: Store) -> None:
    sql = flow._CHANGES.replace(":now", "?").replace(":since", "?")
    bound = [None] * sql.count("?")
    plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, bound)]
    assert any("idx_events_action_updates" in step for step in plan), plan
