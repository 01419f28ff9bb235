"""A colleague's change over values this session had just written is found for its board
(db/overwritten.py): the fields they replaced, not those they set beside them."""

from __future__ import annotations

from pathlib import Path

from pdca.db.models import ActionChanges, ActionDraft
from pdca.db.overwritten import overwritten_since
from pdca.db.store import Store
from tests.conftest import open_as


def written_by(db_path: Path, *writes: tuple[str, int, ActionChanges]) -> None:
    """Each (login, action, changes) edited in turn, each login on a connection of its own
    (someone else's board or command line)."""
    stores: dict[str, Store] = {}
    try:
        for login, action_id, changes in writes:
            if login not in stores:
                stores[login] = open_as(db_path, login)
            stores[login].edit_action(action_id, changes)
    finally:
        for other in stores.values():
            other.close()


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
    written_by(db_path, ("ann", action.id, ActionChanges(owner="ann", due="2026-12-14", notes="m")))
    found = overwritten_since(store, seen, store.own_transactions)
    assert [(f.actor, f.action_id, f.fields) for f in found] == [
        ("ann", action.id, ("notes", "owner", "due date"))  # the notes typed as it was made
    ]
    assert overwritten_since(store, store.last_event_id(), store.own_transactions) == []


def test_a_change_after_someone_elses_or_of_ones_own_is_no_replacement(
    store: Store, db_path: Path
) -> None:
    action = store.add_action(ActionDraft(title="Rota"))
    store.edit_action(action.id, ActionChanges(title="mine"))
    seen = store.last_event_id()
    store.edit_action(action.id, ActionChanges(title="mine again"))  # this session's own
    written_by(
        db_path,
        ("ann", action.id, ActionChanges(notes="hers")),  # another field
        ("ann", action.id, ActionChanges(title="hers")),  # over this session's: said
        ("ben", action.id, ActionChanges(title="his")),  # after ann's: not this one's
    )
    found = overwritten_since(store, seen, store.own_transactions)
    assert [(f.actor, f.fields) for f in found] == [("ann", ("title",))]
    assert overwritten_since(store, seen, []) == []


def test_a_bulk_edit_of_other_fields_leaves_the_clashes_after_it_said(
    store: Store, db_path: Path
) -> None:
    """ann's 80 titles; ben's priority on 60 of them, then his titles on the last 20: the 60
    took a limit of 50 in SQL, and the 20 were never said (a reviewer)."""
    ids = [store.add_action(ActionDraft(title=f"t{n}")).id for n in range(80)]
    for action_id in ids:
        store.edit_action(action_id, ActionChanges(title=f"ann {action_id}"))
    seen = store.last_event_id()
    written_by(
        db_path,
        *[("ben", action_id, ActionChanges(priority="high")) for action_id in ids[:60]],
        *[("ben", action_id, ActionChanges(title=f"ben {action_id}")) for action_id in ids[60:]],
    )
    found = overwritten_since(store, seen, store.own_transactions)
    assert [f.action_id for f in found] == ids[60:]


def test_a_value_undone_or_set_again_by_the_same_login_is_not_said(
    store: Store, db_path: Path
) -> None:
    """ann's title undone, then ben's: no value of hers was there; ann's own command line
    over her board's title: no news (a reviewer's two). Her title put back by her undo is
    hers (A1, A2, undone to A1, then ben's: said, a retrial)."""
    carl = open_as(db_path, "carl")
    try:
        first = carl.add_action(ActionDraft(title="Rota"))  # carl's title
    finally:
        carl.close()
    second = store.add_action(ActionDraft(title="Pager"))
    third = store.add_action(ActionDraft(title="Ops"))
    store.edit_action(first.id, ActionChanges(title="ann typo"))
    store.undo()
    store.edit_action(second.id, ActionChanges(title="ann board"))
    store.edit_action(third.id, ActionChanges(title="Ann A1"))
    store.edit_action(third.id, ActionChanges(title="Ann A2"))
    store.undo()
    seen = store.last_event_id()
    written_by(
        db_path,
        ("ben", first.id, ActionChanges(title="ben fixes it")),
        ("alice", second.id, ActionChanges(title="alice's command line")),  # her elsewhere
        ("ben", third.id, ActionChanges(title="Ben over A1")),
    )
    assert store.actor == "alice"
    found = overwritten_since(store, seen, store.own_transactions)
    assert [(f.action_id, f.fields) for f in found] == [(third.id, ("title",))]


def test_a_card_made_here_holds_its_typed_values_not_its_blanks_or_defaults(
    store: Store, db_path: Path
) -> None:
    """ann's new card: ben filling in its notes or priority is no news; ben retitling it is
    (a retrial's design question)."""
    made = store.add_action(ActionDraft(title="Ann new card"))
    seen = store.last_event_id()
    written_by(
        db_path,
        ("ben", made.id, ActionChanges(notes="ben fills notes", priority="high")),
        ("ben", made.id, ActionChanges(title="Ben retitles it")),
    )
    found = overwritten_since(store, seen, store.own_transactions)
    assert [(f.actor, f.fields) for f in found] == [("ben", ("title",))]


def test_a_field_set_last_by_this_session_is_found_past_other_changes(
    store: Store, db_path: Path
) -> None:
    """ann's title, then ben's due date, then ben's title: said (a retrial); ann's priority,
    then her own title, then ben's priority: said; ann's notes, then carl's notes (said),
    then ben's: not hers any more."""
    rota = store.add_action(ActionDraft(title="Rota"))
    pager = store.add_action(ActionDraft(title="Pager"))
    ops = store.add_action(ActionDraft(title="Ops"))
    store.edit_action(rota.id, ActionChanges(title="Ann owns this title"))
    store.edit_action(pager.id, ActionChanges(priority="low"))
    store.edit_action(pager.id, ActionChanges(title="Pager, ann's"))
    store.edit_action(ops.id, ActionChanges(notes="ann's notes"))
    seen = store.last_event_id()
    written_by(
        db_path,
        ("ben", rota.id, ActionChanges(due="2026-12-28")),
        ("ben", rota.id, ActionChanges(title="Ben overwrote it")),
        ("ben", pager.id, ActionChanges(priority="high")),
        ("carl", ops.id, ActionChanges(notes="carl's notes")),
        ("ben", ops.id, ActionChanges(notes="ben's notes")),
    )
    found = overwritten_since(store, seen, store.own_transactions)
    assert [(f.actor, f.action_id, f.fields) for f in found] == [
        ("ben", rota.id, ("title",)),
        ("ben", pager.id, ("priority",)),
        ("carl", ops.id, ("notes",)),  # and not ben's after carl's
    ]


def test_the_logins_own_command_line_change_since_the_board_began_is_theirs_too(
    store: Store, db_path: Path
) -> None:
    """ben's command-line edit, replaced by ann's "Write mine", and his board open said
    nothing: only its own writes were his (a team's trial). His login's changes after the
    board began are his; one from before it is no news of this board's."""
    before = store.add_action(ActionDraft(title="Rota"))
    after = store.add_action(ActionDraft(title="Pager"))
    written_by(db_path, ("alice", before.id, ActionChanges(title="alice long ago")))
    began = store.last_event_id()  # the board opens
    written_by(db_path, ("alice", after.id, ActionChanges(title="alice's command line")))
    seen = store.last_event_id()
    written_by(
        db_path,
        ("ben", before.id, ActionChanges(title="ben over an old one")),
        ("ben", after.id, ActionChanges(title="ben's", owner="ben")),
    )
    assert overwritten_since(store, seen, store.own_transactions) == []  # the session's alone
    found = overwritten_since(store, seen, store.own_transactions, login_since=began)
    assert [(f.actor, f.action_id, f.fields, f.values) for f in found] == [
        ("ben", after.id, ("title",), (("title", "alice's command line", "ben's"),))
    ]
