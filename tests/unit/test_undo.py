"""Store.undo: revert the actor's own last change by writing its inverse, never someone's work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pdca.db.errors import UndoAsked, UndoRefused
from pdca.db.models import (
    ActionChanges,
    ActionDraft,
    CheckinDraft,
    InitiativeDraft,
    KpiDraft,
    ReadingDraft,
)
from pdca.db.records import UndoResult
from pdca.db.store import Store
from tests.conftest import NOW, NOW_DT, events, last_event_id, open_as

LATER = NOW_DT + timedelta(hours=1)


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("people", "initiatives", "kpis", "actions", "checkins", "kpi_readings", "events")
    return {
        t: [tuple(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in tables
    }


def as_user(path: Path, actor: str, when: datetime = NOW_DT) -> Store:
    return open_as(path, actor, when)


@pytest.fixture
def bob(store: Store, db_path: Path) -> Iterator[Store]:
    other = as_user(db_path, "bob", LATER)
    yield other
    other.close()


# --------------------------------------------------------------------------- reverting


def test_undo_of_add_removes_the_action(store: Store) -> None:
    added = store.add_action(ActionDraft(title="oops", owner="dana"))
    add_tx = events(store)[-1]["tx"]
    mark = last_event_id(store)
    result = store.undo()
    assert result.tx == add_tx
    assert result.summaries == ["added #1"]  # the person registration is not reported
    assert store.counts()["action"] == 0
    # the person the add made goes with it, nobody else referring to them: a typo stayed
    # one of the file's people, never said "new" again (a trial)
    assert [p.login for p in store.list_people()] == []
    written = events(store, mark)
    assert [(e["entity"], e["op"], e["undo_of"]) for e in written] == [
        ("action", "delete", add_tx),
        ("person", "delete", add_tx),
    ]
    event = written[0]
    assert (event["entity"], event["entity_id"], event["op"]) == ("action", 1, "delete")
    assert (event["actor"], event["at"], event["undo_of"]) == ("alice", NOW, add_tx)
    assert event["summary"] == "undid added #1"
    assert event["before"]["title"] == added.title and event["after"] is None


def test_undo_of_an_add_someone_checked_in_on_names_them(store: Store, bob: Store) -> None:
    """ "other records refer to it now" named nobody (a tester): the newest of them is said."""
    store.add_action(ActionDraft(title="victim", owner="alice"))
    bob.add_checkin(1, CheckinDraft(message="blocked here", status="blocked"))
    before = dump(store)
    with pytest.raises(UndoRefused) as refused:
        store.undo()
    assert str(refused.value) == (
        "cannot undo 'added #1': other records refer to it now"
        f" (bob at {LATER.strftime('%Y-%m-%dT%H:%M:%SZ')}: checked in on #1 (blocked))"
    )
    assert dump(store) == before


def test_the_refusal_names_a_live_record_not_one_undone_since(
    store: Store, bob: Store, db_path: Path
) -> None:
    """bob and then carol checked in on alice's #1; carol undid hers. The refusal named
    carol's check-in, gone, where bob's keeps #1 (a reviewer)."""
    store.add_action(ActionDraft(title="victim", owner="alice"))
    bob.add_checkin(1, CheckinDraft(message="bob's"))
    carol = as_user(db_path, "carol", LATER + timedelta(minutes=5))
    try:
        carol.add_checkin(1, CheckinDraft(message="carol's"))
        carol.undo()
    finally:
        carol.close()
    with pytest.raises(UndoRefused, match=r"\(bob at .*: checked in on #1 \(on-track\)\)$"):
        store.undo()


def test_an_undone_edit_whose_link_is_gone_says_so_not_who_refers(
    store: Store, bob: Store, db_path: Path
) -> None:
    """alice's edit moved #1 from KPI A to B; bob then undid adding A. alice's undo would
    link #1 back to A, gone: it named a check-in on #1 as the cause (a reviewer)."""
    bob.add_kpi(KpiDraft(name="A", unit="h", baseline=3, target=2))
    store.add_kpi(KpiDraft(name="B", unit="h", baseline=3, target=2))
    store.add_action(ActionDraft(title="x", owner="alice", kpi="A"))
    store.edit_action(1, ActionChanges(kpi="B"))
    carol = as_user(db_path, "carol", LATER)
    try:
        carol.add_checkin(1, CheckinDraft(message="carol's"))
    finally:
        carol.close()
    bob.undo()  # A goes: nothing refers to it now
    with pytest.raises(UndoRefused) as refused:
        store.undo()
    said = str(refused.value)
    assert said.startswith("cannot undo 'edited #1: kpi': what it would put back refers to")
    assert "carol" not in said  # her check-in is no part of why


def test_undo_of_move_restores_the_phase_and_bumps_the_version(db_path: Path) -> None:
    early = Store.open(db_path, actor="alice", clock=lambda: NOW_DT, create=True)
    early.add_action(ActionDraft(title="x", owner="dana", due="2026-12-07"))
    early.close()
    store = as_user(db_path, "alice", LATER)
    try:
        moved = store.move_action(1, "do")
        assert (moved.phase, moved.version, moved.phase_since) == ("do", 2, "2026-11-23T10:00:00Z")
        mark = last_event_id(store)
        store.undo()
        back = store.get_action(1)
        assert (back.phase, back.phase_since) == ("plan", NOW)
        assert back.version == 3  # the undo is a new write, not a rewind
        # and so the row's latest change: "changed" went back to before the move (a soak)
        assert back.updated_at == "2026-11-23T10:00:00Z" != NOW
        written = events(store, mark)
        assert len(written) == 1
        assert written[0]["op"] == "update"
        assert written[0]["before"]["phase"] == "do" and written[0]["after"]["phase"] == "plan"
        assert written[0]["undo_of"] == events(store)[-2]["tx"]
        assert written[0]["summary"] == "undid moved #1 from plan to do"
    finally:
        store.close()


def test_undo_of_edit_restores_every_field(store: Store) -> None:
    store.add_initiative(InitiativeDraft(name="Ops"))
    store.add_action(ActionDraft(title="old", notes="n", owner="dana", initiative="Ops"))
    store.edit_action(
        1, ActionChanges(title="new", notes="", clear_owner=True, clear_initiative=True)
    )
    store.undo()
    action = store.get_action(1)
    assert (action.title, action.notes, action.owner, action.initiative) == (
        "old",
        "n",
        "dana",
        "Ops",
    )
    assert action.version == 3


def test_repeated_undo_walks_further_back(store: Store) -> None:
    store.add_action(ActionDraft(title="v1", owner="dana", due="2026-12-07"))
    store.edit_action(1, ActionChanges(title="v2"))
    store.move_action(1, "do")
    assert store.undo().summaries == ["moved #1 from plan to do"]
    assert store.get_action(1).phase == "plan"
    assert store.undo().summaries == ["edited #1: title"]
    assert store.get_action(1).title == "v1"
    assert store.undo().summaries == ["added #1"]
    assert store.counts()["action"] == 0
    with pytest.raises(UndoRefused, match="nothing to undo"):
        store.undo()
    undo_events = [e for e in events(store) if e["undo_of"] is not None]
    assert len(undo_events) == 4  # the last with dana, whom the add made
    assert all(e["summary"].startswith("undid ") for e in undo_events)


def test_undo_reverts_a_completion_with_its_next_cycle(store: Store) -> None:
    store.add_action(ActionDraft(title="x", owner="dana", due="2026-12-07", phase="do"))
    store.add_checkin(1, CheckinDraft(message="going"))
    store.move_action(1, "check")
    store.move_action(1, "act", verdict="partly")
    result = store.complete_action(1, "adjust")
    assert result.next_cycle is not None
    undone = store.undo()
    assert undone.summaries == ["done #1 (adjust)", "added #2, cycle 2 of #1"]
    assert store.counts()["action"] == 1
    parent = store.get_action(1)
    assert (parent.done_at, parent.decision) == (None, None)


@pytest.mark.parametrize("kind", ["checkin", "reading", "initiative", "kpi"])
def test_undo_of_any_created_record_removes_it(store: Store, kind: str) -> None:
    store.add_action(ActionDraft(title="x"))
    store.add_kpi(KpiDraft(name="MTTR", unit="h", baseline=5, target=2))
    before = store.counts()[kind]
    if kind == "checkin":
        store.add_checkin(1, CheckinDraft(message="hi"))
    elif kind == "reading":
        store.record_reading(ReadingDraft(kpi="MTTR", value=3))
    elif kind == "initiative":
        store.add_initiative(InitiativeDraft(name="Ops"))
    else:
        store.add_kpi(KpiDraft(name="Cost", unit="EUR", baseline=5, target=2))
    assert store.counts()[kind] == before + 1
    store.undo()
    assert store.counts()[kind] == before


def test_undo_only_touches_the_actors_own_changes(store: Store, bob: Store) -> None:
    store.add_action(ActionDraft(title="alice's"))
    bob.add_action(ActionDraft(title="bob's"))
    store.undo()
    assert [a.title for a in store.list_actions()] == ["bob's"]
    bob.undo()
    assert store.list_actions() == []


# --------------------------------------------------------------------------- refusing


def test_nothing_to_undo_is_a_clear_refusal(store: Store) -> None:
    with pytest.raises(UndoRefused) as caught:
        store.undo()
    assert str(caught.value) == "nothing to undo: alice has no change left to revert"
    assert store.counts()["event"] == 0


def test_someone_elses_changes_are_not_yours_to_undo(store: Store, bob: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    with pytest.raises(UndoRefused, match="nothing to undo: bob"):
        bob.undo()


def test_undo_is_refused_when_another_user_changed_the_row_since(store: Store, bob: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    store.edit_action(1, ActionChanges(title="alice's edit"))
    bob.edit_action(1, ActionChanges(notes="bob's notes"))
    before = dump(store)
    with pytest.raises(UndoRefused) as caught:
        store.undo()
    message = str(caught.value)
    assert "bob changed #1 since" in message
    assert "2026-11-23T10:00:00Z" in message
    assert "edited #1: notes" in message
    assert "edited #1: title" in message  # what could not be undone
    assert "\n" not in message
    assert dump(store) == before
    assert store.get_action(1).notes == "bob's notes"


def test_undo_is_allowed_again_once_the_other_change_is_undone(store: Store, bob: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    store.edit_action(1, ActionChanges(title="alice's edit"))
    bob.edit_action(1, ActionChanges(notes="bob's notes"))
    with pytest.raises(UndoRefused):
        store.undo()
    bob.undo()
    assert store.undo().summaries == ["edited #1: title"]
    assert store.get_action(1).title == "x"


def test_undo_of_add_is_refused_when_others_refer_to_it(store: Store, bob: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    bob.add_checkin(1, CheckinDraft(message="bob's check-in"))
    before = dump(store)
    with pytest.raises(UndoRefused, match="cannot undo 'added #1'"):
        store.undo()
    assert dump(store) == before
    assert not store.conn.in_transaction


def test_a_refused_undo_leaves_earlier_changes_undoable_later(store: Store, bob: Store) -> None:
    store.add_action(ActionDraft(title="x"))
    bob.edit_action(1, ActionChanges(title="bob"))
    with pytest.raises(UndoRefused, match="bob changed #1"):
        store.undo()
    # Alice's own newer change on another record is still undoable first.
    store.add_action(ActionDraft(title="second"))
    assert store.undo().summaries == ["added #2"]


def test_an_undo_puts_back_what_its_change_made_alone(store: Store) -> None:
    """ben's owner edit undone took back a title set with sqlite3 since, the whole row put
    back (a trial): only the fields the change made go back, and one of them changed since
    by another tool is not undone over."""
    store.add_action(ActionDraft(title="Rota", owner="bob"))
    store.edit_action(1, ActionChanges(owner="carol"))
    store.conn.execute("UPDATE actions SET title = 'Rota BULK' WHERE id = 1")  # by hand
    assert store.undo().summaries == ["edited #1: owner"]
    back = store.get_action(1)
    assert (back.owner, back.title) == ("bob", "Rota BULK")
    store.edit_action(1, ActionChanges(owner="dave"))
    store.conn.execute("UPDATE actions SET owner = 'bob' WHERE id = 1")  # the same field
    before = dump(store)
    with pytest.raises(UndoRefused) as refused:
        store.undo()
    assert str(refused.value) == (
        "cannot undo 'edited #1: owner': #1's owner changed since, outside pdca (no change logged)"
    )
    assert dump(store) == before


def test_a_record_deleted_outside_pdca_is_not_undone_over(store: Store) -> None:
    """A check-in deleted with sqlite3 (no event says so): undoing the edit of it is refused
    in one line that names it, and nothing is written (it had failed an assertion)."""
    action = store.add_action(ActionDraft(title="Rota", owner="bob"))
    store.add_checkin(action.id, CheckinDraft(message="going"))
    (checkin_id,) = store.conn.execute("SELECT max(id) FROM checkins").fetchone()
    store.conn.execute("DELETE FROM checkins WHERE id = ?", (checkin_id,))
    before = dump(store)
    with pytest.raises(UndoRefused, match=rf"check-in {checkin_id} is no longer in the file"):
        store.undo()
    assert dump(store) == before


def _undone_in_a_shell(store: Store) -> UndoResult:
    """``pdca undo`` by the same person in another process: the person's last change."""
    shell = open_as(store.path, store.actor)
    try:
        return shell.undo()
    finally:
        shell.close()


def test_a_boards_undo_asks_when_its_own_newer_change_was_undone_elsewhere(
    store: Store,
) -> None:
    """The board's last change undone by pdca undo in another shell: the board's u then
    took back the change before it without a word, and both edits were gone (one person
    in two places). Asked first; confirmed, undone."""
    opened_at = last_event_id(store)
    first = store.add_action(ActionDraft(title="first"))
    store.edit_action(first.id, ActionChanges(title="second"), 1)
    assert _undone_in_a_shell(store).summaries == [f"edited #{first.id}: title"]
    with pytest.raises(UndoAsked) as asked:
        store.undo(opened_at=opened_at)
    assert asked.value.undone_elsewhere == f"edited #{first.id}: title"
    assert asked.value.summary == f"added #{first.id}"
    assert store.get_action(first.id).title == "first"  # nothing written
    assert store.undo(opened_at=opened_at, confirmed=asked.value.tx).actions == [first.id]
    # asked once: the ones before it, after this board's own undo, go as they come (each
    # was asked again, naming the same change, a reviewer)
    one, two, three = (store.add_action(ActionDraft(title=t)) for t in ("1", "2", "3"))
    assert _undone_in_a_shell(store).actions == [three.id]
    with pytest.raises(UndoAsked) as asked:
        store.undo(opened_at=opened_at)
    assert store.undo(opened_at=opened_at, confirmed=asked.value.tx).actions == [two.id]
    assert store.undo(opened_at=opened_at).actions == [one.id]
    # a change the board undid itself between hides none undone elsewhere after it (a
    # trial: A, B, u, C, pdca undo of C, then u took A without a word)
    a, b = (store.add_action(ActionDraft(title=t)) for t in ("A", "B"))
    assert store.undo(opened_at=opened_at).actions == [b.id]
    c = store.add_action(ActionDraft(title="C"))
    assert _undone_in_a_shell(store).actions == [c.id]
    with pytest.raises(UndoAsked) as asked:
        store.undo(opened_at=opened_at)
    assert asked.value.undone_elsewhere == f"added #{c.id}"
    assert store.get_action(a.id).title == "A"
    assert store.undo(opened_at=opened_at, confirmed=asked.value.tx).actions == [a.id]
    # nor does the board's own undo of a change made after (a retrial: R1, R2 undone by
    # pdca undo, R3, u took R3, and the next u took R1 without a word)
    r1, r2 = (store.add_action(ActionDraft(title=t)) for t in ("R1", "R2"))
    assert _undone_in_a_shell(store).actions == [r2.id]
    r3 = store.add_action(ActionDraft(title="R3"))
    assert store.undo(opened_at=opened_at).actions == [r3.id]
    with pytest.raises(UndoAsked) as asked:
        store.undo(opened_at=opened_at)
    assert asked.value.undone_elsewhere == f"added #{r2.id}"
    assert store.get_action(r1.id).title == "R1"


def test_a_boards_undo_skips_the_actors_changes_made_elsewhere_since_it_opened(
    store: Store,
) -> None:
    """``opened_at``: the board's own changes since it opened, or the person's from before;
    one a script made meanwhile under the same login is said, never taken back (a soak)."""
    opened_at = last_event_id(store)  # nothing yet
    script = open_as(store.path, store.actor)
    try:
        script.add_action(ActionDraft(title="the cron job's"))
    finally:
        script.close()
    with pytest.raises(UndoRefused) as refused:
        store.undo(opened_at=opened_at)
    assert str(refused.value) == (
        "nothing this board did to undo: your last change, 'added #1' at"
        f" {NOW}, was made elsewhere since it opened (pdca undo takes it back)"
    )
    mine = store.add_action(ActionDraft(title="the board's"))
    assert store.undo(opened_at=opened_at).actions == [mine.id]
    assert [a.title for a in store.list_actions()] == ["the cron job's"]
    # One from before the board opened is asked first, nothing written; confirmed, undone.
    before = open_as(store.path, store.actor)
    try:
        older = before.add_action(ActionDraft(title="from the shell", owner="newbie"))
        board_opens = last_event_id(before)
    finally:
        before.close()
    with pytest.raises(UndoAsked) as asked:
        store.undo(opened_at=board_opens)
    assert (asked.value.summary, asked.value.at) == (f"added #{older.id}", NOW)
    assert store.get_action(older.id).title == "from the shell"
    assert store.undo(opened_at=board_opens, confirmed=asked.value.tx).actions == [older.id]
    assert store.undo().actions == [1]  # pdca undo: the person's last, wherever made
    # The board's own change to a row the person changed since elsewhere: said as theirs
    mine = store.add_action(ActionDraft(title="the board's again"))
    script = open_as(store.path, store.actor)
    try:
        script.edit_action(mine.id, ActionChanges(title="by the script"), 1)
    finally:
        script.close()
    with pytest.raises(UndoRefused) as refused:
        store.undo(opened_at=opened_at)
    assert f"you changed #{mine.id} since, elsewhere (a script or another board?)" in str(
        refused.value
    )


def test_a_boards_question_names_the_newer_change_made_elsewhere_it_passes(store: Store) -> None:
    """A board with nothing of its own asked about the person's change from before it opened
    while their newer command-line edit stood, and said nothing of it: "added #7" taken back
    before the edits made after it (a trial). The question names the one that stays."""
    script = open_as(store.path, store.actor)
    try:
        older = script.add_action(ActionDraft(title="from before"))
        board_opens = last_event_id(script)
        other = script.add_action(ActionDraft(title="another"))
        script.edit_action(other.id, ActionChanges(title="edited from the shell"), 1)
    finally:
        script.close()
    board = open_as(store.path, store.actor)
    try:
        with pytest.raises(UndoAsked) as asked:
            board.undo(opened_at=board_opens)
        assert (asked.value.summary, asked.value.passed) == (
            f"added #{older.id}",
            f"edited #{other.id}: title",
        )
        # With nothing newer made elsewhere, nothing is named.
        store.undo()  # pdca undo: the edit
        store.undo()  # and the add of #2
        with pytest.raises(UndoAsked) as asked:
            board.undo(opened_at=board_opens)
        assert (asked.value.summary, asked.value.passed) == (f"added #{older.id}", None)
    finally:
        board.close()


def test_a_refusal_names_a_setting_by_its_key_not_its_table_and_id(
    store: Store, bob: Store
) -> None:
    """ "ben changed notify_setting 1 since" named a row nobody knows (a tester)."""
    from pdca.db import notify

    notify.set_channel(store, "webhook", "https://example.com/a")
    notify.set_channel(bob, "webhook", "https://example.com/b")
    with pytest.raises(UndoRefused) as caught:
        store.undo()
    assert "bob changed notify setting 'webhook' since" in str(caught.value)
