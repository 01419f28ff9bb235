"""Repeat rules in the store: created with their first action, instances made exactly once
(catching up with one), "after done" rules, stopping, undo, and the queries' indexes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pdca.db import recurrence
from pdca.db.errors import Conflict, GateUnmet, InvalidInput, NotFound
from pdca.db.models import ActionChanges, ActionDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, events, last_event_id, open_as
from tests.unit.test_query_plans import _full_scans, _unbind


def later(path: Path, days: int, actor: str = "bob") -> Store:
    return open_as(path, actor, NOW_DT + timedelta(days=days))


def instances(store: Store, rule_id: int = 1) -> list[tuple[str, str, str]]:
    rows = store.conn.execute(
        "SELECT due, owner, created_by FROM actions WHERE recurrence_id = ? ORDER BY id",
        (rule_id,),
    )
    return [tuple(row) for row in rows]


def test_a_rule_comes_with_its_first_action_in_one_transaction(store: Store) -> None:
    # 2026-11-23 is a Monday: "week thu" without --due is first due on Thursday the 26th.
    action = recurrence.add_repeating_action(
        store, ActionDraft(title="Review", owner="dana"), "Week Thu"
    )
    assert (action.due, action.recurrence_id) == ("2026-11-26", 1)
    (rule,) = recurrence.list_rules(store)
    assert (rule.rule, rule.anchor, rule.next_due, rule.instances) == (
        "week thu",
        "2026-11-26",
        "2026-12-03",
        1,
    )
    logged = events(store)
    assert [(e["entity"], e["op"]) for e in logged if e["entity"] != "person"] == [
        ("recurrence", "create"),
        ("action", "create"),
    ]
    assert len({e["tx"] for e in logged if e["entity"] != "person"}) == 1


def test_a_bad_rule_writes_nothing(store: Store) -> None:
    before = last_event_id(store)
    with pytest.raises(InvalidInput, match="--every: 'fortnightly' is not a repeat rule"):
        recurrence.add_repeating_action(store, ActionDraft(title="x"), "fortnightly")
    assert last_event_id(store) == before
    assert store.counts()["action"] == 0


def test_an_instance_is_made_once_when_its_date_comes(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Standup", owner="dana"), "day")
    assert recurrence.run_due(store) == []  # today's is the first one: nothing more yet
    before = last_event_id(store)
    assert recurrence.run_due(store) == [] and last_event_id(store) == before  # wrote nothing
    tomorrow = later(db_path, 1)
    other = later(db_path, 1, "carol")
    try:
        made = recurrence.run_due(tomorrow)
        assert len(made) == 1
        assert recurrence.run_due(other) == []  # the second process finds it done
        assert instances(store) == [
            ("2026-11-23", "dana", "alice"),
            ("2026-11-24", "dana", "pdca"),
        ]
        created = tomorrow.get_action(made[0])
        assert (created.phase, created.title) == ("plan", "Standup")
    finally:
        tomorrow.close()
        other.close()


def test_weeks_untouched_catch_up_with_one_instance_the_latest(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review", owner="dana"), "week mon")
    away = later(db_path, 45)  # 2027-01-07, a Thursday
    try:
        assert len(recurrence.run_due(away)) == 1
        assert instances(store)[-1][0] == "2027-01-04"
        assert recurrence.list_rules(store)[0].next_due == "2027-01-11"
    finally:
        away.close()


def test_instances_copy_the_latest_one_so_a_new_owner_carries_on(
    store: Store, db_path: Path
) -> None:
    first = recurrence.add_repeating_action(
        store, ActionDraft(title="Audit", owner="dana", notes="the checklist"), "3 days"
    )
    store.edit_action(first.id, ActionChanges(owner="erin"))
    on = later(db_path, 3)
    try:
        (made,) = recurrence.run_due(on)
        action = on.get_action(made)
        assert (action.owner, action.notes, action.due) == ("erin", "the checklist", "2026-11-26")
    finally:
        on.close()


def test_after_done_makes_the_next_when_the_previous_is_done(store: Store, db_path: Path) -> None:
    first = recurrence.add_repeating_action(
        store, ActionDraft(title="Retro", owner="dana", due="2026-11-25"), "after 14 days"
    )
    assert recurrence.list_rules(store)[0].next_due is None
    done_later = later(db_path, 2, "dana")
    try:
        done = done_later.complete_action(first.id, "abandon")
        assert done.action.done_at is not None
        assert instances(store) == [
            ("2026-11-25", "dana", "alice"),
            ("2026-12-09", "dana", "dana"),
        ]
        assert recurrence.run_due(done_later) == []  # no calendar: nothing else comes due
    finally:
        done_later.close()


def test_a_stopped_rule_makes_nothing_more(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review"), "day")
    with pytest.raises(Conflict):
        recurrence.stop(store, 1, expected_version=7)
    stopped = recurrence.stop(store, 1)
    assert stopped.stopped_by == "alice" and stopped.next_due is None
    with pytest.raises(GateUnmet, match="stopped already"):
        recurrence.stop(store, 1)
    with pytest.raises(NotFound):
        recurrence.stop(store, 9)
    on = later(db_path, 10)
    try:
        assert recurrence.run_due(on) == []
        assert len(instances(store)) == 1
        assert recurrence.list_rules(store) == []
        assert len(recurrence.list_rules(store, include_stopped=True)) == 1
    finally:
        on.close()


def test_undo_removes_the_action_and_its_rule(store: Store) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review"), "week")
    store.undo()
    assert store.counts()["action"] == 0
    assert recurrence.list_rules(store, include_stopped=True) == []


def test_a_reader_only_command_makes_nothing(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review"), "day")
    on = later(db_path, 2)
    try:
        on.writable = False  # as a file this user may only read
        assert recurrence.catch_up(on) == []
        on.writable = True
        assert len(recurrence.catch_up(on)) == 1
    finally:
        on.close()


def test_recurrence_queries_use_indexes(store: Store, db_path: Path) -> None:
    seen: list[str] = []
    on = later(db_path, 9)
    try:
        for conn in (store.conn, on.conn):
            conn.set_trace_callback(seen.append)
        first = recurrence.add_repeating_action(store, ActionDraft(title="a", owner="b"), "day")
        recurrence.add_repeating_action(store, ActionDraft(title="c", owner="b"), "after 2 days")
        store.complete_action(2, "abandon")
        recurrence.run_due(on)
        recurrence.list_rules(on)
        recurrence.stop(on, first.recurrence_id or 0)
        for conn in (store.conn, on.conn):
            conn.set_trace_callback(None)
        queries = {
            " ".join(sql.split())
            for sql in seen
            if "recurrence" in sql and sql.lstrip().upper().startswith(("SELECT", "UPDATE"))
        }
        assert len(queries) > 4
        problems = [scan for sql in sorted(queries) for scan in _full_scans(on, _unbind(sql))]
        assert problems == []
    finally:
        on.close()


def test_undoing_a_stop_starts_the_rule_again(store: Store) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review"), "week")
    recurrence.stop(store, 1)
    store.undo()
    (rule,) = recurrence.list_rules(store)
    assert (rule.stopped_at, rule.next_due) == (None, "2026-11-30")
