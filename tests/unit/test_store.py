"""db/store.py through Store: every write is versioned, logged and refused on conflict."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pdca.db import convert
from pdca.db.clock import iso
from pdca.db.errors import Conflict, GateUnmet, InvalidInput, NotFound
from pdca.db.models import (
    ActionChanges,
    ActionDraft,
    CheckinDraft,
    InitiativeDraft,
    KpiDraft,
    ReadingDraft,
)
from pdca.db.store import ActionFilter, Store
from tests.conftest import NOW, NOW_DT, events, last_event_id, open_as


class Ticker:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def ticker() -> Ticker:
    return Ticker(NOW_DT)


@pytest.fixture
def timed(db_path: Path, ticker: Ticker) -> Iterator[Store]:
    """A fresh database as alice, on a clock the test advances."""
    opened = Store.open(db_path, actor="alice", clock=ticker, create=True)
    yield opened
    opened.close()


def row(store: Store, table: str, row_id: int) -> dict[str, Any]:
    """The row's own columns: what an event's snapshot of it holds (``convert.snapshot``)."""
    found = convert.snapshot(
        store.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    )
    assert found is not None
    return found


def table_dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("people", "initiatives", "kpis", "actions", "checkins", "kpi_readings", "events")
    return {
        t: [tuple(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in tables
    }


def ready_in_do(store: Store, title: str = "Rota") -> int:
    action = store.add_action(ActionDraft(title=title, owner="dana", due="2026-12-07"))
    store.move_action(action.id, "do")
    return action.id


# --------------------------------------------------------------------------- add


def test_add_action_returns_the_stored_record(store: Store) -> None:
    action = store.add_action(ActionDraft(title="Triage rota", notes="EU shift first"))
    assert action.id == 1
    assert (action.title, action.notes, action.phase, action.owner, action.due) == (
        "Triage rota",
        "EU shift first",
        "plan",
        None,
        None,
    )
    assert (action.version, action.cycle, action.parent_id) == (1, 1, None)
    assert (action.created_by, action.created_at, action.updated_at) == ("alice", NOW, NOW)
    assert action.phase_since == NOW
    assert action.done_at is None and action.decision is None and action.verdict is None
    assert action.last_checkin_at is None and action.days_since_checkin == 0
    assert store.get_action(1) == action


def test_add_action_writes_exactly_one_create_event(store: Store) -> None:
    store.add_action(ActionDraft(title="first"))
    written = events(store)
    assert len(written) == 1
    event = written[0]
    assert (event["entity"], event["entity_id"], event["op"]) == ("action", 1, "create")
    assert (event["actor"], event["at"], event["summary"]) == ("alice", NOW, "added #1")
    assert event["before"] is None
    assert event["after"] == row(store, "actions", 1)
    assert event["undo_of"] is None
    assert event["tx"] == event["id"]


def test_a_new_owner_is_registered_in_the_same_transaction(store: Store) -> None:
    store.add_action(ActionDraft(title="first", owner="dana"))
    written = events(store)
    assert [(e["entity"], e["op"]) for e in written] == [("person", "create"), ("action", "create")]
    assert len({e["tx"] for e in written}) == 1
    assert [p.login for p in store.list_people()] == ["dana"]
    # A known owner is not registered twice.
    mark = last_event_id(store)
    store.add_action(ActionDraft(title="second", owner="dana"))
    assert [(e["entity"], e["op"]) for e in events(store, mark)] == [("action", "create")]


def test_add_with_initiative_and_kpi_links_them(store: Store) -> None:
    store.add_initiative(InitiativeDraft(name="Faster support"))
    store.add_kpi(KpiDraft(name="Resolution time", unit="h", baseline=30, target=24))
    action = store.add_action(
        ActionDraft(title="Rota", initiative="faster SUPPORT", kpi="resolution time")
    )
    assert (action.initiative_id, action.initiative) == (1, "Faster support")
    assert (action.kpi_id, action.kpi) == (1, "Resolution time")


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        ({"title": "x", "initiative": "Nope"}, "initiative"),
        ({"title": "x", "kpi": "Nope"}, "kpi"),
    ],
)
def test_add_with_unknown_name_writes_nothing(
    store: Store, draft: dict[str, Any], field: str
) -> None:
    before = table_dump(store)
    with pytest.raises(InvalidInput) as caught:
        store.add_action(ActionDraft(owner="newbie", **draft))
    assert caught.value.field == field and caught.value.value == "Nope"
    assert table_dump(store) == before  # not even the new owner


def test_adding_straight_into_do_needs_owner_and_due(store: Store) -> None:
    with pytest.raises(GateUnmet, match=r"needs a due date \(--owner, --due\)"):
        store.add_action(ActionDraft(title="x", phase="do", owner="dana"))
    assert store.counts()["action"] == 0
    action = store.add_action(ActionDraft(title="x", phase="do", owner="dana", due="2026-12-01"))
    assert action.phase == "do"


@pytest.mark.parametrize(
    ("phase", "then"), [("check", "pdca move ID check"), ("act", "pdca move ID act --verdict")]
)
def test_check_and_act_are_reached_only_through_their_gates(
    store: Store, phase: str, then: str
) -> None:
    with pytest.raises(GateUnmet, match=f"cannot start in {phase.capitalize()}.*{then}"):
        store.add_action(ActionDraft(title="x", phase=phase, owner="dana", due="2026-12-01"))  # type: ignore[arg-type]
    assert store.counts()["action"] == 0 and store.counts()["event"] == 0


def test_add_actions_is_all_or_nothing(store: Store) -> None:
    with pytest.raises(InvalidInput):
        store.add_actions([ActionDraft(title="good"), ActionDraft(title="bad", kpi="Nope")])
    assert store.counts() == {**store.counts(), "action": 0, "event": 0}
    assert store.add_actions(iter([ActionDraft(title="a"), ActionDraft(title="b")])) == (1, 2)
    assert len({e["tx"] for e in events(store)}) == 1


def test_a_bulk_add_logs_the_same_events_as_one_at_a_time(store: Store) -> None:
    """add_actions writes its events in one SQL statement; undo and history read them the
    same as add_action's, so they must hold the same snapshot (every column)."""
    store.add_initiative(InitiativeDraft(name="Faster triage"))
    draft = ActionDraft(
        title="Ünïcode \x1b and \"quotes\"", owner="dana", due=date(2026, 12, 24),
        notes="line\nbreak", initiative="Faster triage", phase="do",
    )  # fmt: skip
    mark = last_event_id(store)
    single = store.add_action(draft)
    first, last = store.add_actions([draft, draft])
    created = [e for e in events(store, mark) if e["entity"] == "action"]
    assert [e["entity_id"] for e in created] == [single.id, first, last]
    assert [e["summary"] for e in created] == [f"added #{i}" for i in (single.id, first, last)]
    for bulk in created[1:]:
        assert {**bulk["after"], "id": single.id} == created[0]["after"]
    assert len({e["tx"] for e in created[1:]}) == 1
    store.undo()
    assert store.counts()["action"] == 1


# --------------------------------------------------------------------------- edit


def test_edit_bumps_version_and_logs_before_and_after(store: Store) -> None:
    store.add_action(ActionDraft(title="old", notes="n"))
    mark = last_event_id(store)
    before_row = row(store, "actions", 1)
    edited = store.edit_action(1, ActionChanges(title="new", notes="m"), expected_version=1)
    assert (edited.title, edited.notes, edited.version) == ("new", "m", 2)
    written = events(store, mark)
    assert len(written) == 1
    event = written[0]
    assert (event["entity"], event["entity_id"], event["op"]) == ("action", 1, "update")
    assert event["summary"] == "edited #1: notes, title"
    assert event["before"] == before_row
    assert event["after"] == row(store, "actions", 1)
    assert event["after"]["version"] == 2 and event["before"]["version"] == 1


def test_edit_that_changes_nothing_writes_nothing(store: Store) -> None:
    store.add_action(ActionDraft(title="same"))
    before = table_dump(store)
    assert store.edit_action(1, ActionChanges(title="same")).version == 1
    assert table_dump(store) == before


def test_edit_sets_and_clears_optional_fields(store: Store) -> None:
    store.add_initiative(InitiativeDraft(name="Ops"))
    store.add_kpi(KpiDraft(name="MTTR", unit="h", baseline=5, target=2))
    store.add_action(ActionDraft(title="x"))
    full = store.edit_action(
        1, ActionChanges(owner="bob", due="2026-12-01", initiative="Ops", kpi="MTTR")
    )
    assert (full.owner, full.due, full.initiative, full.kpi) == ("bob", "2026-12-01", "Ops", "MTTR")
    cleared = store.edit_action(
        1, ActionChanges(clear_owner=True, clear_due=True, clear_initiative=True, clear_kpi=True)
    )
    assert (cleared.owner, cleared.due, cleared.initiative_id, cleared.kpi_id) == (
        None,
        None,
        None,
        None,
    )
    assert cleared.version == 3
    assert events(store)[-1]["summary"] == "edited #1: due, initiative, kpi, owner"


@pytest.mark.parametrize(
    ("changes", "field"), [({"clear_owner": True}, "owner"), ({"clear_due": True}, "due")]
)
def test_clearing_what_do_needs_is_refused_after_plan(
    store: Store, changes: dict[str, bool], field: str
) -> None:
    ready_in_do(store)
    before = table_dump(store)
    with pytest.raises(GateUnmet) as caught:
        store.edit_action(1, ActionChanges(**changes))
    assert str(caught.value).startswith(f"{field}: #1 is in Do")
    assert table_dump(store) == before


def test_edit_unknown_action_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no action #7"):
        store.edit_action(7, ActionChanges(title="x"))


# --------------------------------------------------------------------------- conflicts


def test_stale_version_is_a_conflict_naming_who_changed_it(store: Store, db_path: Path) -> None:
    read_by_alice = store.add_action(ActionDraft(title="original"))
    bob = open_as(db_path, "bob", NOW_DT + timedelta(minutes=5))
    try:
        bob.edit_action(1, ActionChanges(title="bob's title"), expected_version=1)
    finally:
        bob.close()
    before = table_dump(store)
    with pytest.raises(Conflict) as caught:
        store.edit_action(
            1, ActionChanges(title="alice's title"), expected_version=read_by_alice.version
        )
    error = caught.value
    assert (error.entity, error.entity_id, error.by) == ("action", 1, "bob")
    assert error.at == "2026-11-23T09:05:00Z"
    assert "bob" in str(error) and "nothing written" in str(error)
    assert table_dump(store) == before
    assert store.get_action(1).title == "bob's title"


def _edited_elsewhere(db_path: Path, *edits: tuple[str, ActionChanges]) -> None:
    """Each (login, changes) written to #1 by that person's own store, in order."""
    stores: dict[str, Store] = {}
    try:
        for login, changes in edits:
            stores.setdefault(login, open_as(db_path, login)).edit_action(1, changes)
    finally:
        for opened in stores.values():
            opened.close()


def test_a_conflict_names_the_reader_among_its_authors_you(store: Store, db_path: Path) -> None:
    """ "ben and ann changed #1" was said to ann, whose part came from her command line (a
    retrial): "bob and you"."""
    store.add_action(ActionDraft(title="original"))
    _edited_elsewhere(
        db_path,
        ("bob", ActionChanges(title="bob's title")),
        ("alice", ActionChanges(priority="high")),
    )
    with pytest.raises(Conflict) as caught:
        store.edit_action(1, ActionChanges(notes="mine"), expected_version=1)
    assert caught.value.by == "bob and you"
    assert caught.value.what is not None and "you: edited #1: priority" in caught.value.what
    # two changes of one's own elsewhere: the login, which the dialog says as "You" (a
    # reviewer read "you changed #1 ... since you opened it")
    _edited_elsewhere(
        db_path, ("alice", ActionChanges(title="again")), ("alice", ActionChanges(priority="low"))
    )
    with pytest.raises(Conflict) as mine:
        store.edit_action(1, ActionChanges(notes="mine"), expected_version=3)
    assert mine.value.by == "alice"


def test_a_conflict_names_every_change_since_the_version_read(store: Store, db_path: Path) -> None:
    """Only the last change was named: a title edited, then the card moved, read as a move
    alone (three testers). Every change since the version read is, by whom, oldest first."""
    store.add_action(ActionDraft(title="original"))
    bob = open_as(db_path, "bob")
    carol = open_as(db_path, "carol")
    try:
        bob.edit_action(1, ActionChanges(title="bob's title", owner="bob", due="2026-12-01"))
        carol.move_action(1, "do")
    finally:
        bob.close()
        carol.close()
    with pytest.raises(Conflict) as caught:
        store.edit_action(1, ActionChanges(title="alice's"), expected_version=1)
    assert caught.value.by == "bob and carol"
    assert caught.value.what == (
        "bob: edited #1: due, owner, title; carol: moved #1 from plan to do"
    )
    with pytest.raises(Conflict) as many:
        for changes in (ActionChanges(priority="high"), ActionChanges(notes="n")):
            store.edit_action(1, changes)  # alice's own, as the command line's
        store.edit_action(1, ActionChanges(title="alice's"), expected_version=1)
    # Each person's field edits as one, so the field in conflict is never crowded out
    assert caught.value.what is not None and many.value.what == (
        "bob: edited #1: due, owner, title; carol: moved #1 from plan to do;"
        " you: edited #1: notes, priority"  # alice is the reader: "you", among others
    )
    with pytest.raises(Conflict) as only_the_last:
        store.edit_action(1, ActionChanges(title="alice's"), expected_version=4)
    assert (only_the_last.value.by, only_the_last.value.what) == ("alice", "edited #1: notes")
    # An edit undone since is not named; sixty edits by six people are counted, not read
    for n in range(60):
        other = open_as(db_path, f"u{n % 6}")
        try:
            other.edit_action(1, ActionChanges(notes=f"note {n}"))
        finally:
            other.close()
    dee = open_as(db_path, "dee")
    try:
        dee.edit_action(1, ActionChanges(priority="low"))
        dee.undo()
    finally:
        dee.close()
    with pytest.raises(Conflict) as crowded:
        store.edit_action(1, ActionChanges(title="alice's"), expected_version=1)
    assert "dee" not in crowded.value.what and "dee" not in crowded.value.by
    # Each person's sixty edits as one, where their last came; what is not named, counted
    earlier, _, named = crowded.value.what.partition(" earlier changes, then ")
    assert named.endswith("u4: edited #1: notes; u5: edited #1: notes")
    assert 64 - 4 * 10 <= int(earlier) < 64  # 64 stand (60, and bob's, carol's, alice's 2)
    assert crowded.value.by == "u3, u4, u5 and 6 more"


@pytest.mark.parametrize("write", ["move", "complete", "edit"])
def test_every_action_write_checks_the_version(store: Store, db_path: Path, write: str) -> None:
    ready_in_do(store)
    store.move_action(1, "plan")  # version 3
    bob = open_as(db_path, "bob")
    bob.edit_action(1, ActionChanges(notes="bob was here"))
    bob.close()
    before = table_dump(store)
    with pytest.raises(Conflict, match="bob"):
        if write == "move":
            store.move_action(1, "do", expected_version=3)
        elif write == "complete":
            store.complete_action(1, "abandon", expected_version=3)
        else:
            store.edit_action(1, ActionChanges(title="t"), expected_version=3)
    assert table_dump(store) == before
    # With the current version the same write goes through.
    store.move_action(1, "do", expected_version=4)


def test_without_expected_version_the_latest_wins(store: Store, db_path: Path) -> None:
    store.add_action(ActionDraft(title="x"))
    bob = open_as(db_path, "bob")
    bob.edit_action(1, ActionChanges(title="bob"))
    bob.close()
    assert store.edit_action(1, ActionChanges(title="alice")).version == 3


# --------------------------------------------------------------------------- move


def test_move_forward_records_phase_since_and_an_event(timed: Store, ticker: Ticker) -> None:
    timed.add_action(ActionDraft(title="x", owner="dana", due="2026-12-07"))
    ticker.advance(hours=1)
    mark = last_event_id(timed)
    moved = timed.move_action(1, "do")
    assert (moved.phase, moved.version, moved.phase_since) == ("do", 2, "2026-11-23T10:00:00Z")
    assert moved.updated_at == "2026-11-23T10:00:00Z"
    written = events(timed, mark)
    assert len(written) == 1
    assert written[0]["summary"] == "moved #1 from plan to do"
    assert written[0]["before"]["phase"] == "plan" and written[0]["after"]["phase"] == "do"


def test_an_edit_then_its_move_is_one_change_one_undo_takes_back(
    timed: Store, ticker: Ticker
) -> None:
    timed.add_action(ActionDraft(title="x"))
    timed.edit_action(1, ActionChanges(title="y"))  # version 2
    ticker.advance(minutes=1)
    mark = last_event_id(timed)
    with pytest.raises(Conflict):  # checked against the version the person saw
        timed.edit_then_move(1, ActionChanges(owner="dana", due="2026-12-07"), "do", 1)
    assert last_event_id(timed) == mark
    moved = timed.edit_then_move(1, ActionChanges(owner="dana", due="2026-12-07"), "do", 2)
    assert (moved.phase, moved.owner, moved.due) == ("do", "dana", "2026-12-07")
    written = events(timed, mark)
    assert [e["summary"] for e in written] == [
        "added person dana",
        "edited #1: due, owner",
        "moved #1 from plan to do",
    ]
    assert len({e["tx"] for e in written}) == 1
    ticker.advance(minutes=1)
    undone = timed.undo()
    assert undone.summaries == ["edited #1: due, owner", "moved #1 from plan to do"]
    back = timed.get_action(1)
    assert (back.phase, back.owner, back.due) == ("plan", None, None)


def test_a_check_in_then_its_move_is_one_change_and_a_refused_move_keeps_it(
    timed: Store, ticker: Ticker
) -> None:
    timed.add_action(ActionDraft(title="x", owner="dana", due="2026-12-07"))
    timed.move_action(1, "do")  # version 2
    ticker.advance(minutes=1)
    checkin, moved = timed.checkin_then_move(
        1, CheckinDraft(message="ran it"), "check", expected_version=2, expected_phase="do"
    )
    assert checkin.message == "ran it" and not isinstance(moved, Exception)
    assert moved.phase == "check"
    ticker.advance(minutes=1)
    assert timed.undo().summaries == ["checked in on #1 (on-track)", "moved #1 from do to check"]
    assert (timed.get_action(1).phase, timed.action_detail(1).checkins) == ("do", [])
    ticker.advance(minutes=1)
    open_as(timed.path, "bob").edit_action(1, ActionChanges(title="y"))  # meanwhile
    _, refused = timed.checkin_then_move(
        1, CheckinDraft(message="again"), "check", expected_version=2, expected_phase="do"
    )
    assert isinstance(refused, Conflict)  # the move is refused, the check-in kept
    assert [c.message for c in timed.action_detail(1).checkins] == ["again"]
    assert timed.get_action(1).phase == "do"


def test_move_gates_through_the_store(timed: Store, ticker: Ticker) -> None:
    timed.add_action(ActionDraft(title="x"))
    with pytest.raises(GateUnmet, match="#1 cannot move to do: Do needs an owner and a due date"):
        timed.move_action(1, "do")
    with pytest.raises(GateUnmet, match="one at a time"):
        timed.move_action(1, "check")
    timed.edit_action(1, ActionChanges(owner="dana", due="2026-12-07"))
    timed.move_action(1, "do")
    ticker.advance(minutes=1)
    with pytest.raises(GateUnmet, match="Check needs a check-in or KPI reading"):
        timed.move_action(1, "check")
    timed.add_checkin(1, CheckinDraft(message="started"))
    assert timed.move_action(1, "check").phase == "check"
    with pytest.raises(GateUnmet, match="Act needs a verdict"):
        timed.move_action(1, "act")
    acted = timed.move_action(1, "act", verdict="partly")
    assert (acted.phase, acted.verdict) == ("act", "partly")
    assert "verdict: partly" in events(timed)[-1]["summary"]


def test_a_refused_move_writes_nothing(store: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    before = table_dump(store)
    with pytest.raises(GateUnmet):
        store.move_action(1, "do")
    assert table_dump(store) == before


def test_check_ins_before_do_began_do_not_open_check(timed: Store, ticker: Ticker) -> None:
    timed.add_action(ActionDraft(title="x", owner="dana", due="2026-12-07"))
    timed.add_checkin(1, CheckinDraft(message="planning notes"))
    ticker.advance(hours=1)
    timed.move_action(1, "do")
    ticker.advance(hours=1)
    with pytest.raises(GateUnmet, match="Check needs"):
        timed.move_action(1, "check")


def test_a_reading_of_the_linked_kpi_since_do_opens_check(timed: Store, ticker: Ticker) -> None:
    timed.add_kpi(KpiDraft(name="MTTR", unit="h", baseline=5, target=2))
    timed.add_kpi(KpiDraft(name="Other", unit="h", baseline=5, target=2))
    timed.add_action(ActionDraft(title="x", owner="dana", due="2026-12-07", kpi="MTTR"))
    timed.record_reading(ReadingDraft(kpi="MTTR", value=4.5))  # before Do: does not count
    ticker.advance(hours=1)
    timed.move_action(1, "do")
    ticker.advance(hours=1)
    timed.record_reading(ReadingDraft(kpi="Other", value=1))  # another KPI: does not count
    backdated = NOW_DT - timedelta(days=1)
    timed.record_reading(ReadingDraft(kpi="MTTR", value=4), at=backdated)  # measured before Do
    with pytest.raises(GateUnmet, match="Check needs"):
        timed.move_action(1, "check")
    timed.record_reading(ReadingDraft(kpi="MTTR", value=4.1))
    assert timed.move_action(1, "check").phase == "check"


def test_going_back_to_do_needs_fresh_progress(timed: Store, ticker: Ticker) -> None:
    timed.add_action(ActionDraft(title="x", owner="dana", due="2026-12-07"))
    timed.move_action(1, "do")
    ticker.advance(hours=1)
    timed.add_checkin(1, CheckinDraft(message="going"))
    timed.move_action(1, "check")
    ticker.advance(hours=1)
    timed.move_action(1, "do")
    ticker.advance(hours=1)
    with pytest.raises(GateUnmet, match="Check needs"):
        timed.move_action(1, "check")


def test_moving_back_from_act_clears_the_verdict(timed: Store, ticker: Ticker) -> None:
    ready_in_do(timed)
    ticker.advance(hours=1)
    timed.add_checkin(1, CheckinDraft(message="going"))
    timed.move_action(1, "check")
    timed.move_action(1, "act", verdict="worked")
    back = timed.move_action(1, "plan")
    assert (back.phase, back.verdict) == ("plan", None)


def test_move_unknown_action_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no action #42"):
        store.move_action(42, "do")


# --------------------------------------------------------------------------- complete


def reach_act(store: Store, ticker: Ticker) -> None:
    ready_in_do(store)
    ticker.advance(hours=1)
    store.add_checkin(1, CheckinDraft(message="going"))
    store.move_action(1, "check")
    store.move_action(1, "act", verdict="worked")


def test_standardize_finishes_the_action(timed: Store, ticker: Ticker) -> None:
    reach_act(timed, ticker)
    ticker.advance(hours=1)
    mark = last_event_id(timed)
    result = timed.complete_action(1, "standardize", expected_version=4)
    assert result.next_cycle is None
    assert (result.action.decision, result.action.done_at) == ("standardize", iso(ticker.now))
    assert result.action.version == 5
    written = events(timed, mark)
    # Standardizing schedules the follow-up audits in the same transaction (issue 4).
    assert [(e["op"], e["entity"]) for e in written] == [
        ("update", "action"),
        ("create", "followup"),
        ("create", "followup"),
        ("create", "followup"),
    ]
    assert written[0]["summary"] == "done #1 (standardize)"
    assert len({e["tx"] for e in written}) == 1


def test_adjust_spawns_the_next_cycle_linked_to_its_parent(timed: Store, ticker: Ticker) -> None:
    timed.add_initiative(InitiativeDraft(name="Ops"))
    timed.add_action(
        ActionDraft(title="Rota", owner="dana", due="2026-12-07", initiative="Ops", notes="n")
    )
    timed.move_action(1, "do")
    ticker.advance(hours=1)
    timed.add_checkin(1, CheckinDraft(message="going"))
    timed.move_action(1, "check")
    timed.move_action(1, "act", verdict="partly")
    mark = last_event_id(timed)
    result = timed.complete_action(1, "adjust")
    child = result.next_cycle
    assert child is not None
    assert (child.parent_id, child.cycle, child.phase) == (1, 2, "plan")
    assert (child.title, child.notes, child.owner, child.initiative) == ("Rota", "n", "dana", "Ops")
    assert child.due is None and child.verdict is None and child.done_at is None
    assert result.action.decision == "adjust" and result.action.done_at is not None
    written = events(timed, mark)
    assert [(e["entity_id"], e["op"]) for e in written] == [(1, "update"), (child.id, "create")]
    assert len({e["tx"] for e in written}) == 1
    assert written[1]["summary"] == f"added #{child.id}, cycle 2 of #1"


def test_a_second_adjust_makes_cycle_three(timed: Store, ticker: Ticker) -> None:
    reach_act(timed, ticker)
    second = timed.complete_action(1, "adjust").next_cycle
    assert second is not None
    timed.edit_action(second.id, ActionChanges(due="2026-12-20"))
    timed.move_action(second.id, "do")
    ticker.advance(hours=1)
    timed.add_checkin(second.id, CheckinDraft(message="again"))
    timed.move_action(second.id, "check")
    timed.move_action(second.id, "act", verdict="worked")
    third = timed.complete_action(second.id, "adjust").next_cycle
    assert third is not None and (third.cycle, third.parent_id) == (3, second.id)


@pytest.mark.parametrize("decision", ["standardize", "adjust"])
def test_decisions_of_act_are_refused_earlier(store: Store, decision: str) -> None:
    store.add_action(ActionDraft(title="x"))
    before = table_dump(store)
    with pytest.raises(GateUnmet, match=f"#1 cannot be done: {decision} is decided in Act"):
        store.complete_action(1, decision)  # type: ignore[arg-type]
    assert table_dump(store) == before


def test_abandon_anywhere_and_only_once(store: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    done = store.complete_action(1, "abandon").action
    assert (done.decision, done.done_at, done.phase) == ("abandon", NOW, "plan")
    with pytest.raises(GateUnmet, match="done already"):
        store.complete_action(1, "abandon")
    with pytest.raises(GateUnmet, match="it is done"):
        store.move_action(1, "do")


def test_done_without_decision_is_refused(store: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    with pytest.raises(GateUnmet, match="needs a decision"):
        store.complete_action(1, None)
    assert store.get_action(1).done_at is None


# --------------------------------------------------------------------------- check-ins


def test_checkin_is_stored_logged_and_shown_on_the_action(timed: Store, ticker: Ticker) -> None:
    timed.add_action(ActionDraft(title="x"))
    ticker.advance(days=2)
    mark = last_event_id(timed)
    checkin = timed.add_checkin(1, CheckinDraft(message="blocked on infra", status="blocked"))
    assert (checkin.action_id, checkin.author, checkin.status, checkin.kind) == (
        1,
        "alice",
        "blocked",
        "checkin",
    )
    assert (checkin.message, checkin.at, checkin.version) == (
        "blocked on infra",
        iso(ticker.now),
        1,
    )
    written = events(timed, mark)
    assert len(written) == 1
    assert (written[0]["entity"], written[0]["op"]) == ("checkin", "create")
    assert written[0]["summary"] == "checked in on #1 (blocked)"
    assert written[0]["after"] == row(timed, "checkins", checkin.id)
    action = timed.get_action(1)
    assert (action.last_checkin_at, action.last_checkin_status) == (checkin.at, "blocked")
    assert action.days_since_checkin == 0
    assert action.version == 1  # a check-in is its own record


def test_checkin_on_a_done_action_is_refused(store: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    store.complete_action(1, "abandon")
    before = table_dump(store)
    with pytest.raises(GateUnmet, match="#1 is done"):
        store.add_checkin(1, CheckinDraft(message="late"))
    assert table_dump(store) == before


def test_checkin_on_unknown_action_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.add_checkin(3, CheckinDraft(message="hi"))
    assert store.counts()["checkin"] == 0


# --------------------------------------------------------------------------- initiatives, KPIs


def test_initiative_is_stored_and_logged(store: Store) -> None:
    made = store.add_initiative(
        InitiativeDraft(name="Faster support", objective="Cut 20%", owner="dana")
    )
    assert (made.id, made.name, made.objective, made.owner, made.version) == (
        1,
        "Faster support",
        "Cut 20%",
        "dana",
        1,
    )
    written = events(store)
    assert [(e["entity"], e["op"]) for e in written] == [
        ("person", "create"),
        ("initiative", "create"),
    ]
    assert written[1]["after"] == row(store, "initiatives", 1)
    store.add_action(ActionDraft(title="a", initiative="Faster support"))
    store.add_action(ActionDraft(title="b", initiative="Faster support"))
    store.complete_action(2, "abandon")
    assert [(i.name, i.open_actions) for i in store.list_initiatives()] == [("Faster support", 1)]


def test_initiative_names_are_unique_ignoring_case(store: Store) -> None:
    store.add_initiative(InitiativeDraft(name="Ops"))
    before = table_dump(store)
    with pytest.raises(InvalidInput, match="is taken"):
        store.add_initiative(InitiativeDraft(name="OPS"))
    assert table_dump(store) == before


def test_kpi_is_stored_logged_and_found_by_any_case(store: Store) -> None:
    made = store.add_kpi(
        KpiDraft(
            name="Resolution time",
            unit="h",
            baseline=30,
            target=24,
            direction="down",
            warn=32,
            alert=34,
            owner="dana",
            target_date="2027-03-31",
        )
    )
    assert (made.baseline, made.target, made.direction, made.warn, made.alert) == (
        30,
        24,
        "down",
        32,
        34,
    )
    assert (made.target_date, made.owner, made.latest_value, made.version) == (
        "2027-03-31",
        "dana",
        None,
        1,
    )
    assert store.get_kpi("RESOLUTION TIME") == made
    assert [(e["entity"], e["op"]) for e in events(store)] == [
        ("person", "create"),
        ("kpi", "create"),
    ]
    with pytest.raises(InvalidInput, match="is taken by the KPI 'Resolution time'"):
        store.add_kpi(KpiDraft(name="resolution TIME", unit="h", baseline=1, target=2))
    with pytest.raises(NotFound):
        store.get_kpi("nope")


def test_reading_is_stored_logged_and_becomes_the_latest(timed: Store, ticker: Ticker) -> None:
    timed.add_kpi(KpiDraft(name="MTTR", unit="h", baseline=5, target=2))
    ticker.advance(hours=1)
    mark = last_event_id(timed)
    first = timed.record_reading(ReadingDraft(kpi="mttr", value=4.5, note="week 1"))
    assert (first.kpi_id, first.kpi, first.value, first.note, first.author) == (
        1,
        "MTTR",
        4.5,
        "week 1",
        "alice",
    )
    assert first.at == iso(ticker.now)
    written = events(timed, mark)
    assert [(e["entity"], e["op"], e["summary"]) for e in written] == [
        ("reading", "create", "recorded 4.5 for KPI 'MTTR'")  # as stored, not as typed
    ]
    older = timed.record_reading(ReadingDraft(kpi="MTTR", value=9), at=NOW_DT - timedelta(days=3))
    assert older.at == "2026-11-20T09:00:00Z"
    latest = timed.get_kpi("MTTR")
    assert (latest.latest_value, latest.latest_at) == (4.5, first.at)


def test_reading_of_unknown_kpi_writes_nothing(store: Store) -> None:
    with pytest.raises(InvalidInput) as caught:
        store.record_reading(ReadingDraft(kpi="Nope", value=1))
    assert caught.value.field == "kpi"
    assert store.counts()["event"] == 0


# --------------------------------------------------------------------------- list filters


@pytest.fixture
def listed(timed: Store, ticker: Ticker) -> Store:
    """Six actions across owners, phases, dates and check-ins, read at NOW + 10 days."""
    timed.add_initiative(InitiativeDraft(name="Ops"))
    timed.add_action(ActionDraft(title="Alpha rota", owner="dana", due="2026-11-30"))  # 1
    timed.add_action(ActionDraft(title="Beta docs", owner="bob", initiative="Ops"))  # 2
    timed.add_action(ActionDraft(title="Gamma", owner="dana", due="2026-12-31", notes="ROTA"))  # 3
    timed.add_action(ActionDraft(title="Delta", due="2026-12-01"))  # 4
    timed.add_action(ActionDraft(title="Epsilon", initiative="Ops"))  # 5
    timed.add_action(ActionDraft(title="Zeta", owner="dana", due="2026-12-02"))  # 6
    timed.move_action(1, "do")
    timed.move_action(3, "do")
    ticker.advance(days=3)
    timed.add_checkin(3, CheckinDraft(message="fresh-ish"))
    timed.complete_action(5, "abandon")
    timed.complete_action(6, "abandon")
    ticker.advance(days=7)  # now 2026-12-03T09:00Z; #3 checked in 7 days ago
    return timed


def ids(store: Store, **where: Any) -> list[int]:
    return [a.id for a in store.list_actions(ActionFilter(**where))]


def test_list_defaults_to_open_actions_by_phase_then_due(listed: Store) -> None:
    # Plan: #4 (due 12-01) then #2 (no due); Do: #1 (11-30) then #3 (12-31).
    assert ids(listed) == [4, 2, 1, 3]


def test_list_include_done(listed: Store) -> None:
    assert sorted(ids(listed, include_done=True)) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"owner": "dana"}, [1, 3]),
        ({"owner": "dana", "include_done": True}, [6, 1, 3]),
        ({"owner": "nobody"}, []),
        ({"phase": "do"}, [1, 3]),
        ({"phase": "plan"}, [4, 2]),
        ({"phase": "act"}, []),
        ({"initiative": "Ops"}, [2]),
        ({"initiative": "ops", "include_done": True}, [2, 5]),
        ({"overdue": True}, [4, 1]),
        ({"overdue": True, "include_done": True}, [4, 1]),  # a done action is never overdue
        ({"stale": True}, [4, 2, 1]),
        ({"text": "rota"}, [1, 3]),  # title or notes, any case
        ({"text": "BETA"}, [2]),
        ({"owner": "dana", "overdue": True}, [1]),
        ({"limit": 2}, [4, 2]),
    ],
)
def test_list_filters(listed: Store, where: dict[str, Any], expected: list[int]) -> None:
    assert ids(listed, **where) == expected


def test_list_with_unknown_initiative_is_refused(listed: Store) -> None:
    with pytest.raises(InvalidInput, match="initiative: “Nope”"):
        listed.list_actions(ActionFilter(initiative="Nope"))


def test_derived_flags_agree_with_the_filters(listed: Store) -> None:
    everything = listed.list_actions(ActionFilter(include_done=True))
    assert [a.id for a in everything if a.overdue] == ids(listed, overdue=True)
    assert [a.id for a in everything if a.stale] == ids(listed, stale=True)
    by_id = {a.id: a for a in everything}
    assert by_id[3].days_since_checkin == 7 and not by_id[3].stale
    assert by_id[1].days_since_checkin == 10 and by_id[1].stale
    assert by_id[6].days_since_checkin == 10 and not by_id[6].stale  # done
    assert not by_id[6].overdue


def test_stale_filter_at_the_boundary_to_the_second(db_path: Path) -> None:
    """Stale is more than the cadence in the calendar days a card shows: the last second of
    the eighth day back is stale (7 days 9 hours of elapsed time), the first of the seventh
    is not. Whole 24-hour days were counted once: "8 days ago" and not stale (a tester)."""
    eighth_day = datetime(2026, 11, 15, 23, 59, 59, tzinfo=UTC)
    writer = Store.open(db_path, actor="alice", clock=lambda: eighth_day, create=True)
    writer.add_action(ActionDraft(title="the last second of eight days ago"))
    writer.close()
    seventh_day = eighth_day + timedelta(seconds=1)
    writer = Store.open(db_path, actor="alice", clock=lambda: seventh_day)
    writer.add_action(ActionDraft(title="the first second of seven days ago"))
    writer.close()
    reader = open_as(db_path, "alice")
    try:
        everything = reader.list_actions()
        assert [(a.id, a.days_since_checkin, a.stale) for a in everything] == [
            (1, 8, True),
            (2, 7, False),
        ]
        assert [a.id for a in reader.list_actions(ActionFilter(stale=True))] == [1]
    finally:
        reader.close()


def test_stale_follows_the_team_setting(db_path: Path) -> None:
    from pdca.db import accountability

    three_days = NOW_DT - timedelta(days=3)
    writer = Store.open(db_path, actor="alice", clock=lambda: three_days, create=True)
    writer.add_action(ActionDraft(title="three days quiet"))
    writer.close()
    reader = open_as(db_path, "alice")
    try:
        assert not reader.get_action(1).stale
        assert reader.list_actions(ActionFilter(stale=True)) == []
        accountability.set_team_setting(reader, "stale-after-days", "2")
        assert reader.get_action(1).stale and reader.list_actions()[0].stale
        assert [a.id for a in reader.list_actions(ActionFilter(stale=True))] == [1]
        assert reader.count_actions(ActionFilter(stale=True))["plan"] == 1
    finally:
        reader.close()


# --------------------------------------------------------------------------- detail


def test_action_detail_has_checkins_and_the_whole_history(timed: Store, ticker: Ticker) -> None:
    timed.add_action(ActionDraft(title="x", owner="dana", due="2026-12-07"))
    timed.add_action(ActionDraft(title="unrelated"))
    timed.move_action(1, "do")
    ticker.advance(hours=1)
    timed.add_checkin(1, CheckinDraft(message="one"))
    timed.add_checkin(2, CheckinDraft(message="elsewhere"))
    ticker.advance(hours=1)
    timed.add_checkin(1, CheckinDraft(message="two", status="at-risk"))
    timed.edit_action(1, ActionChanges(title="x2"))
    detail = timed.action_detail(1)
    assert detail.action.title == "x2"
    assert [c.message for c in detail.checkins] == ["one", "two"]
    assert [e.summary for e in detail.history] == [
        "added #1",
        "moved #1 from plan to do",
        "checked in on #1 (on-track)",
        "checked in on #1 (at-risk)",
        "edited #1: title",
    ]
    assert all(e.actor == "alice" for e in detail.history)
    assert detail.history[-1].before is not None and detail.history[-1].before["title"] == "x"
    assert detail.history[-1].after is not None and detail.history[-1].after["title"] == "x2"
    with pytest.raises(NotFound):
        timed.action_detail(99)
    assert detail.names == {}  # no change named an initiative or a KPI


def test_action_detail_keeps_an_undone_checkin_in_the_history(store: Store) -> None:
    """The undone check-in's row is gone, but ``pdca show`` still tells it was made and
    taken back; another action's check-ins stay out (a tester saw no trace of one)."""
    store.add_action(ActionDraft(title="x"))
    store.add_action(ActionDraft(title="other"))
    store.add_checkin(1, CheckinDraft(message="kept"))
    store.add_checkin(1, CheckinDraft(message="wrong", status="blocked"))
    store.undo()
    store.add_checkin(2, CheckinDraft(message="elsewhere", status="at-risk"))
    store.undo()
    detail = store.action_detail(1)
    assert [c.message for c in detail.checkins] == ["kept"]
    assert [e.summary for e in detail.history] == [
        "added #1",
        "checked in on #1 (on-track)",
        "checked in on #1 (blocked)",
        "undid checked in on #1 (blocked)",
    ]
    assert [e.summary for e in store.action_detail(2).history] == [
        "added #2",
        "checked in on #2 (at-risk)",
        "undid checked in on #2 (at-risk)",
    ]


def test_action_detail_names_the_initiatives_and_kpis_its_changes_name_by_id(store) -> None:
    store.add_initiative(InitiativeDraft(name="Faster support"))
    store.add_kpi(KpiDraft(name="Lead time", unit="h", baseline=9, target=5))
    store.add_action(ActionDraft(title="x", initiative="Faster support"))
    store.edit_action(1, ActionChanges(kpi="Lead time", clear_initiative=True))
    assert store.action_detail(1).names == {
        "initiative_id": {1: "Faster support"},
        "kpi_id": {1: "Lead time"},
    }


def test_events_and_counts(store: Store) -> None:
    store.add_action(ActionDraft(title="x", owner="dana"))
    bob = open_as(store.path, "bob")  # type: ignore[arg-type]
    bob.add_checkin(1, CheckinDraft(message="hi"))
    bob.close()
    assert [e.actor for e in store.events()] == ["bob", "alice", "alice"]
    assert [e.summary for e in store.events(actor="bob")] == ["checked in on #1 (on-track)"]
    assert len(store.events(limit=1)) == 1
    counts = store.counts()
    assert (counts["action"], counts["checkin"], counts["person"], counts["event"]) == (1, 1, 1, 3)


def test_a_failed_write_leaves_no_transaction_open(store: Store) -> None:
    with pytest.raises(NotFound):
        store.move_action(5, "do")
    assert not store.conn.in_transaction
    store.add_action(ActionDraft(title="still works"))


# --------------------------------------------------------------------------- one-line writes
# The command line's replies without a model (issue 14: no pydantic for a write): the same
# rows, events and refusals as the model-returning writes.


def _without_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Event rows without what differs between two equal writes: ids, tx, and the summary,
    which names the id (``added #2``); its words are checked where they matter."""
    skip = {"id", "tx", "entity_id", "summary"}

    def plain(value: Any) -> Any:
        return {k: v for k, v in value.items() if k != "id"} if isinstance(value, dict) else value

    return [{key: plain(value) for key, value in row.items() if key not in skip} for row in rows]


def test_add_action_line_writes_what_add_action_writes(store: Store) -> None:
    from pdca.db.models import ActionFields

    store.add_initiative(InitiativeDraft(name="Faster support"))
    store.add_kpi(KpiDraft(name="Resolution time", unit="h", baseline=30, target=24))
    store.add_action(ActionDraft(title="first of dana's", owner="dana"))  # dana is known now
    values = {
        "title": "Rota [bold]",
        "owner": "dana",
        "phase": "do",
        "due": date(2026, 12, 1),
        "priority": "high",
        "notes": "n",
        "initiative": "faster SUPPORT",
        "kpi": "resolution time",
    }
    mark = last_event_id(store)
    model = store.add_action(ActionDraft(**values))
    middle = last_event_id(store)
    line = store.add_action_line(ActionFields(**values))
    assert (line.phase, line.title) == (model.phase, model.title)
    assert line.id == model.id + 1
    assert middle == mark + 1  # one event each
    first = {k: v for k, v in row(store, "actions", model.id).items() if k != "id"}
    second = {k: v for k, v in row(store, "actions", line.id).items() if k != "id"}
    assert first == second
    first_events = [e for e in events(store, mark) if e["id"] <= middle]
    assert _without_ids(events(store, middle)) == _without_ids(first_events)
    assert [e["summary"] for e in events(store, middle)] == [f"added #{line.id}"]


def test_move_action_line_writes_what_move_action_writes(store: Store) -> None:
    ids = [
        store.add_action(ActionDraft(title=f"t{n}", owner="dana", due=date(2026, 12, 1))).id
        for n in range(2)
    ]
    mark = last_event_id(store)
    model = store.move_action(ids[0], "do")
    middle = last_event_id(store)
    line = store.move_action_line(ids[1], "do")
    assert (line.id, line.phase, line.title) == (ids[1], "do", "t1")
    assert model.phase == "do"
    first = {k: v for k, v in row(store, "actions", ids[0]).items() if k not in ("id", "title")}
    second = {k: v for k, v in row(store, "actions", ids[1]).items() if k not in ("id", "title")}
    assert first == second
    summaries = [e["summary"] for e in events(store, mark)]
    assert summaries == [f"moved #{ids[0]} from plan to do", f"moved #{ids[1]} from plan to do"]
    assert middle == mark + 1


def test_move_action_line_refuses_what_move_action_refuses(store: Store) -> None:
    action = store.add_action(ActionDraft(title="t"))  # no owner, no due: Do's gate
    with pytest.raises(GateUnmet) as by_model:
        store.move_action(action.id, "do")
    with pytest.raises(GateUnmet) as by_line:
        store.move_action_line(action.id, "do")
    assert str(by_line.value) == str(by_model.value)
    assert row(store, "actions", action.id)["phase"] == "plan"


def test_record_checkin_writes_what_add_checkin_writes(store: Store) -> None:
    action = store.add_action(ActionDraft(title="t"))
    mark = last_event_id(store)
    model = store.add_checkin(action.id, CheckinDraft(message="going\n[red]", status="blocked"))
    middle = last_event_id(store)
    new_id, _status, _kept = store.record_checkin(action.id, "going\n[red]", "blocked")
    assert new_id == model.id + 1
    first = {k: v for k, v in row(store, "checkins", model.id).items() if k != "id"}
    assert {k: v for k, v in row(store, "checkins", new_id).items() if k != "id"} == first
    first_events = [e for e in events(store, mark) if e["id"] <= middle]
    assert _without_ids(events(store, middle)) == _without_ids(first_events)
    summaries = [e["summary"] for e in events(store, middle)]
    assert summaries == [f"checked in on #{action.id} (blocked)"]


@pytest.mark.parametrize(
    ("message", "status"),
    [("   ", "on-track"), ("x" * 2001, "on-track"), ("fine", "sideways")],
)
def test_record_checkin_refuses_what_the_draft_refuses(
    store: Store, message: str, status: str
) -> None:
    from pdca.db.models import validated

    action = store.add_action(ActionDraft(title="t"))
    mark = last_event_id(store)
    with pytest.raises(InvalidInput) as by_draft:
        validated(CheckinDraft, message=message, status=status)
    with pytest.raises(InvalidInput) as by_plain:
        store.record_checkin(action.id, message, status)
    assert str(by_plain.value) == str(by_draft.value)
    assert last_event_id(store) == mark  # nothing written


@pytest.mark.parametrize(
    "values",
    [
        {"title": ""},
        {"title": " \t"},
        {"title": "x" * 201},
        {"title": "ok", "owner": "not a login"},
        {"title": "ok", "owner": "dana\n"},
        {"title": "", "owner": "not a login"},  # the first bad field is named, as pydantic does
        {"title": "ok", "notes": "n" * 10_001},
        {"title": "ok", "initiative": "  "},
        {"title": "ok", "kpi": "k" * 101},
        {"title": "ok", "phase": "doing"},
        {"title": "ok", "priority": "urgent"},
    ],
)
def test_checked_action_refuses_what_the_draft_refuses(values: dict[str, Any]) -> None:
    from pdca.db.models import ActionFields, checked_action, validated

    with pytest.raises(InvalidInput) as by_draft:
        validated(ActionDraft, **values)
    with pytest.raises(InvalidInput) as by_plain:
        checked_action(ActionFields(**values))
    assert str(by_plain.value) == str(by_draft.value)


def test_repeats_due_is_an_indexed_yes_only_when_a_rule_came_due(store: Store) -> None:
    from pdca.db.recurrence import add_repeating_action

    assert store.repeats_due() is False
    add_repeating_action(store, ActionDraft(title="weekly"), "week")
    stored = store.conn.execute("SELECT next_due FROM recurrences").fetchone()[0]
    assert store.repeats_due() is False  # the next one is in the future
    store.conn.execute("UPDATE recurrences SET next_due = '2000-01-03'")
    assert store.repeats_due() is True
    store.conn.execute("UPDATE recurrences SET stopped_at = '2026-11-23T09:00:00Z'")
    assert store.repeats_due() is False  # a stopped rule makes nothing
    assert stored > NOW[:10]


# --------------------------------------------------------------------------- list --json


def test_action_fields_are_the_models_fields_in_its_order() -> None:
    from pdca.db import convert
    from pdca.db.action_record import ACTION_FIELD_NAMES

    derived = ("overdue", "days_since_checkin", "stale", "priority")
    assert (*convert.ACTION_FIELDS, *derived) == ACTION_FIELD_NAMES


@pytest.mark.parametrize(
    "where",
    [
        ActionFilter(),
        ActionFilter(overdue=True),
        ActionFilter(stale=True),
        ActionFilter(include_done=True, limit=40),
        ActionFilter(phase="do"),
        ActionFilter(priority="high"),
    ],
)
def test_iter_action_data_is_the_models_dump_row_for_row(store: Store, where: ActionFilter) -> None:
    """``pdca list --json`` streams plain dicts: the same rows, order and values as the
    models it used to dump, on a seeded file (issue 14)."""
    from pdca.db.seed import seed_database

    seed_database(store, size="small", seed=3)
    store.conn.execute(  # the team's cadence, not the default: the stale flags follow it
        "INSERT INTO settings (key, value, updated_at, updated_by)"
        " VALUES ('stale_after_days', '5', ?, 'x')"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (NOW,),
    )
    dumped = [action.model_dump(mode="json") for action in store.iter_actions(where)]
    plain = list(store.iter_action_data(where))
    assert len(plain) > 0
    assert plain == dumped
    assert [list(row) for row in plain] == [list(row) for row in dumped]  # key order too


# --------------------------------------------------------------------------- notify's due check


@pytest.mark.parametrize("cadence", [None, "3", "30"])
def test_due_notices_are_the_rules_over_every_open_action(
    store: Store, cadence: str | None
) -> None:
    """db/notify.py reads only the open actions the overdue and stale rules can speak of
    (issue 14: every minute in the app at 100 000 actions); the notices are the ones the
    rules give over every open action, in the same order."""
    from pdca.db import notify
    from pdca.db import notify_rules as nrules
    from pdca.db.accountability import team_settings
    from pdca.db.seed import seed_database

    seed_database(store, size="small", seed=5)
    if cadence is not None:
        store.conn.execute(
            "INSERT INTO settings (key, value, updated_at, updated_by)"
            " VALUES ('stale_after_days', ?, ?, 'x')"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (cadence, NOW),
        )
    found = notify.due_notices(store)
    every_open = [
        nrules.ActionFact(
            row["id"], row["title"], row["owner"], row["due"], row["last_sign"], bool(row["never"])
        )
        for row in store.conn.execute(
            "SELECT a.id, a.title, a.owner, a.due,"
            " coalesce((SELECT max(c.at) FROM checkins c WHERE c.action_id = a.id),"
            " a.created_at) AS last_sign,"
            " NOT EXISTS (SELECT 1 FROM checkins c WHERE c.action_id = a.id) AS never"
            " FROM actions a WHERE a.done_at IS NULL AND a.owner IS NOT NULL ORDER BY a.id"
        )
    ]
    now = store.clock()
    expected = nrules.notices(
        alerts=[],
        actions=every_open,
        followups=[],
        now=now,
        today=now.astimezone().date(),
        cadence_days=team_settings(store).stale_after_days,
    )
    kinds = {"overdue", "stale"}
    assert [n for n in found if n.kind in kinds] == expected
    assert expected  # something to compare
    if cadence is None:
        assert {n.kind for n in expected} == kinds  # the seeded file has both
    assert len(expected) < len(every_open)  # and open actions the rules leave alone


def test_edit_action_line_writes_what_edit_action_writes(store: Store) -> None:
    from pdca.db.models import ChangeFields

    store.add_initiative(InitiativeDraft(name="Ops"))
    ids = [
        store.add_action(ActionDraft(title="t", owner="dana", due=date(2026, 12, 1))).id
        for _ in range(2)
    ]
    values: dict[str, Any] = {
        "title": "renamed",
        "due": date(2027, 1, 5),
        "priority": "low",
        "notes": "",
        "initiative": "ops",
        "clear_owner": True,
    }
    mark = last_event_id(store)
    model = store.edit_action(ids[0], ActionChanges(**values))
    middle = last_event_id(store)
    line = store.edit_action_line(ids[1], ChangeFields(**values))
    assert (line.id, line.phase, line.title) == (ids[1], model.phase, model.title)
    first = {k: v for k, v in row(store, "actions", ids[0]).items() if k != "id"}
    assert {k: v for k, v in row(store, "actions", ids[1]).items() if k != "id"} == first
    first_events = [e for e in events(store, mark) if e["id"] <= middle]
    assert _without_ids(events(store, middle)) == _without_ids(first_events)
    summaries = [e["summary"] for e in events(store, middle)]
    assert summaries == [f"edited #{ids[1]}: due, initiative, owner, priority, title"]


@pytest.mark.parametrize(
    "values",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"owner": "not a login"},
        {"title": " ", "owner": "not a login"},
        {"notes": "n" * 10_001},
        {"initiative": ""},
        {"kpi": "k" * 101},
        {"priority": "urgent"},
    ],
)
def test_checked_changes_refuses_what_the_draft_refuses(values: dict[str, Any]) -> None:
    from pdca.db.models import ChangeFields, checked_changes, validated

    with pytest.raises(InvalidInput) as by_draft:
        validated(ActionChanges, **values)
    with pytest.raises(InvalidInput) as by_plain:
        checked_changes(ChangeFields(**values))
    assert str(by_plain.value) == str(by_draft.value)


def test_a_checkin_with_no_status_keeps_the_last_one_as_the_write_finds_it(
    store: Store, db_path: Path
) -> None:
    """The status kept is the last check-in's when the write happens, not when the command
    began: ben's "unblocked" saved while this one waited for the lock was undone by it (a
    reviewer)."""
    action = store.add_action(ActionDraft(title="Migrate", owner="bob"))
    store.record_checkin(action.id, "stuck", "blocked")
    assert store.record_checkin(action.id, "still", None)[1:] == ("blocked", True)
    ben = open_as(db_path, "ben")
    try:
        ben.record_checkin(action.id, "unblocked", "on-track")
    finally:
        ben.close()
    assert store.record_checkin(action.id, "going", None)[1:] == ("on-track", False)
