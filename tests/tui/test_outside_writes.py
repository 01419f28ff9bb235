"""Another tool's write (``sqlite3``, ``sqlite-utils``, Datasette) leaves no event to say what
it changed: an open board still shows it at its next look, read whole. A title changed so
stayed on every board, and a row deleted so stayed through later refreshes (a trial)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.db.models import ActionDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.widgets.phase_column import PhaseColumn
from tests.conftest import by_hand
from tests.tui.conftest import SIZE, settle_app


async def test_a_title_changed_and_a_row_deleted_by_hand_show_on_the_board(
    make_app, store: Store, db_path: Path
) -> None:
    kept = store.add_action(ActionDraft(title="Keep me", owner="bob"))
    gone = store.add_action(ActionDraft(title="Delete me", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)

        def titles() -> dict[int, str]:
            return {a.id: a.title for c in board.query(PhaseColumn) for a in c.actions}

        assert titles() == {kept.id: "Keep me", gone.id: "Delete me"}
        by_hand(
            db_path,
            ("UPDATE actions SET title = 'Renamed by hand' WHERE id = ?", (kept.id,)),
            ("DELETE FROM actions WHERE id = ?", (gone.id,)),
        )
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        assert titles() == {kept.id: "Renamed by hand"}
        # A board's heartbeat and a hand write in one look: the heartbeat hid it, and it
        # stayed off every board until the next change (a reviewer)
        by_hand(
            db_path,
            (
                "INSERT INTO sessions (login, host, pid, started_at, seen_at)"
                " VALUES ('bob', 'h', 1, '2026-11-23T09:00:00Z', '2026-11-23T09:00:00Z')",
                (),
            ),
            ("UPDATE actions SET title = 'Again by hand' WHERE id = ?", (kept.id,)),
        )
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        assert titles() == {kept.id: "Again by hand"}


async def test_a_hand_write_seen_under_another_view_is_read_whole_on_return(
    make_app, store: Store, db_path: Path
) -> None:
    """The board out of sight (the log on screen) reads only what the log of events says on
    its return: a hand write seen meanwhile is read whole then."""
    kept = store.add_action(ActionDraft(title="Keep me", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(pilot.app, pilot)
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        by_hand(db_path, ("UPDATE actions SET title = 'Renamed by hand' WHERE id = ?", (kept.id,)))
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        await pilot.press("1")
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert [a.title for c in board.query(PhaseColumn) for a in c.actions] == ["Renamed by hand"]


async def test_a_title_changed_by_hand_under_an_open_form_asks_before_it_is_written_over(
    make_app, board_db: Path
) -> None:
    """A colleague's ``sqlite3`` title (no event, the version as it was) went under a
    board's save of a form opened before it, with no word (two trials): it is a change
    like any other, asked about; "Write mine" then writes mine over it, and a field the hand
    write left alone is saved beside it as ever."""
    from textual.widgets import Input, Label

    from pdca.screens.dialogs import ConflictModal

    app = make_app(board_db, watch_changes=False)

    async def title_saved_after(title: str, sql: str) -> None:
        """e on #1, ``title`` typed, ``sql`` run by hand meanwhile, then ctrl+s."""
        await pilot.press("e")
        await settle_app(pilot.app, pilot)
        app.screen.query_one("#title", Input).value = title
        by_hand(board_db, sql)
        await pilot.press("ctrl+s")
        await settle_app(pilot.app, pilot)

    async with app.run_test(size=SIZE) as pilot:
        await settle_app(pilot.app, pilot)
        await title_saved_after(
            "Alice's title", "UPDATE actions SET title = 'By hand', notes = 'hand' WHERE id = 1"
        )
        assert isinstance(app.screen, ConflictModal)
        said = str(app.screen.query_one("#conflict-by", Label).render())
        assert said == (
            "Someone changed #1 since you opened it (changed outside pdca, with no change logged)"
        )
        assert app.context.store.get_action(1).title == "By hand"  # nothing written yet
        await pilot.press("m")  # Write mine
        await settle_app(pilot.app, pilot)
        stored = app.context.store.get_action(1)
        assert (stored.title, stored.notes) == ("Alice's title", "hand")
        # the notes alone changed by hand under the form: not a field of mine, not asked
        await title_saved_after(
            "Alice's second", "UPDATE actions SET notes = 'again by hand' WHERE id = 1"
        )
        assert not isinstance(app.screen, ConflictModal)
        stored = app.context.store.get_action(1)
        assert (stored.title, stored.notes) == ("Alice's second", "again by hand")


async def test_the_card_under_the_cursor_deleted_by_hand_is_said_so(
    make_app, store: Store, db_path: Path
) -> None:
    """ "#7753 is gone meanwhile by hugo: added #7753": a card deleted with sqlite3 was said
    taken by whoever made it (a trial)."""
    store.add_action(ActionDraft(title="Under the cursor", owner="bob"))
    store.add_action(ActionDraft(title="Next", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen) and board.focused_id == 1
        by_hand(db_path, "DELETE FROM actions WHERE id = 1")
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        said = [n.message for n in app._notifications]
        assert "#1 is gone meanwhile (deleted outside pdca, with no change logged)" in said, said
        assert board.focused_id == 2


async def test_a_hand_write_hidden_by_a_heartbeat_reaches_the_other_views_soon_after(
    make_app, store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A heartbeat and a hand write in one look: the owners, stand-up, flow and initiatives
    views kept the old figures until some later change (a retrial). They read whole once
    a while after such a commit (the board at once, above)."""
    from pdca.screens.owners import OwnersScreen

    monkeypatch.setattr("pdca.tui.app.OUTSIDE_MAYBE_SECONDS", 0.0)  # at its next look
    store.add_action(ActionDraft(title="Bob's", owner="bob"))
    store.add_action(ActionDraft(title="Carol's", owner="carol"))
    app = make_app(db_path, watch_changes=False)  # its looks are the test's, one by one
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(pilot.app, pilot)
        await pilot.press("2")
        await settle_app(pilot.app, pilot)
        owners = app.screen
        assert isinstance(owners, OwnersScreen)
        assert {row.login: row.open for row in owners.owners} == {"bob": 1, "carol": 1}
        by_hand(
            db_path,
            "INSERT INTO sessions (login, host, pid, started_at, seen_at)"
            " VALUES ('dan', 'h', 1, '2026-11-23T09:00:00Z', '2026-11-23T09:00:00Z')",
            "UPDATE actions SET owner = 'carol' WHERE owner = 'bob'",
        )
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        assert {row.login: row.open for row in owners.owners} == {"bob": 1, "carol": 1}
        app.check_for_changes()  # the next look
        await settle_app(pilot.app, pilot)
        assert {row.login: row.open for row in owners.owners} == {"carol": 2}
