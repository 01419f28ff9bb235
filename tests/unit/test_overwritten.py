"""A colleague's change over values this session had just written is found for its board
(db/overwritten.py): the fields they replaced, not those they set beside them."""

from __future__ import annotations

from pathlib import Path

from pdca.db.models import ActionChanges, ActionDraft
from pdca.db.overwritten import overwritten_since
from pdca.db.store import Store
from tests.conftest import open_as


def test_a_move_written_over_a_colleagues_names_the_owner_and_due_date(
    store: Store, db_path: Path
) -> None:
    """ben moved #40 to Do as his, due in two weeks; ann, told of the conflict, chose "Write
    mine": owner and due date hers (a team's trial). The phase both set is not replaced."""
    action = store.add_action(ActionDraft(title="Rota", notes="n"))
    store.edit_then_move(  # the move form: an edit and a move, one transaction
        action.id, ActionChanges(owner="ben", due="2026-12-07"), "do", action.version
    )
    seen = store.last_event_id()
    ann = open_as(db_path, "ann")
    try:
        ann.edit_action(action.id, ActionChanges(owner="ann", due="2026-12-14", notes="m"))
    finally:
        ann.close()
    found = overwritten_since(store, seen, store.own_transactions)
    assert [(f.actor, f.action_id, f.fields) for f in found] == [
        ("ann", action.id, ("owner", "due date"))
    ]
    assert overwritten_since(store, store.last_event_id(), store.own_transactions) == []


def test_a_change_after_someone_elses_or_of_ones_own_is_no_replacement(
    store: Store, db_path: Path
) -> None:
    action = store.add_action(ActionDraft(title="Rota"))
    store.edit_action(action.id, ActionChanges(title="mine"))
    seen = store.last_event_id()
    store.edit_action(action.id, ActionChanges(title="mine again"))  # this session's own
    ann, ben = open_as(db_path, "ann"), open_as(db_path, "ben")
    try:
        ann.edit_action(action.id, ActionChanges(notes="hers"))  # another field
        ben.edit_action(action.id, ActionChanges(title="his"))  # after ann's, not this one's
    finally:
        ann.close()
        ben.close()
    assert overwritten_since(store, seen, store.own_transactions) == []
    assert overwritten_since(store, seen, []) == []
