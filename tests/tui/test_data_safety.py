"""The app on a shared file: it writes what the person saw, or says what changed; it never
freezes waiting for someone else's lock; it stops on a file that went wrong; a crash leaves
a log and a non-zero exit; a reader's snapshot follows the file."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from db.models import ActionChanges, ActionDraft, CheckinDraft
from db.store import Store
from screens.dialogs import ActionFormModal, ConflictModal
from tests.conftest import NOW_DT, open_as
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import column_ids, focused
from widgets.status_bar import StatusBar


def _notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


# --------------------------------------------------------------------------- stale cards


async def test_a_card_moved_by_someone_else_is_not_moved_again_from_where_it_was(
    make_app, board_db: Path
) -> None:
    """bob moves #1 from Plan to Check on the command line; alice's board still shows it in
    Plan (no poll yet) and she presses >: nothing moves, and she is told what happened."""
    app = make_app(board_db, watch_changes=False)  # the board does not see bob's move
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)
        bob = open_as(board_db, "bob")
        bob.move_action(1, "do")
        bob.add_checkin(1, CheckinDraft(message="done quickly"))
        bob.move_action(1, "check")
        bob.close()
        before = app.context.store.last_event_id()
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        stored = app.context.store.get_action(1)
        assert stored.phase == "check"  # not Do: the move from Plan was refused
        assert app.context.store.last_event_id() == before  # nothing written
        assert 1 in column_ids(app, "check") and 1 not in column_ids(app, "plan")
        message = _notes(app)[-1]
        assert "#1 changed since you looked" in message and "bob" in message
        assert "moved #1 from do to check" in message


@pytest.mark.parametrize("key", ["less_than_sign", "d"])
async def test_back_and_done_on_a_stale_card_are_refused_too(
    make_app, board_db: Path, key: str
) -> None:
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l")  # #4 in Check
        await settle_app(app, pilot)
        assert focused(app) == ("check", 4)
        bob = open_as(board_db, "bob")
        bob.edit_action(4, ActionChanges(title="Renamed by bob"))
        bob.close()
        await pilot.press(key)
        await settle_app(app, pilot)
        if key == "d":
            await pilot.press("1")  # abandon: the only choice before Act
            await settle_app(app, pilot)
        stored = app.context.store.get_action(4)
        assert (stored.phase, stored.done_at, stored.title) == ("check", None, "Renamed by bob")
        assert "changed since you looked" in _notes(app)[-1]


# --------------------------------------------------------------------------- the conflict dialog


async def _edit_title_while_bob_changes(app, pilot, board_db: Path, bob_change: ActionChanges):  # type: ignore[no-untyped-def]
    await pilot.press("e")
    await settle_app(app, pilot)
    app.screen.query_one("#title", Input).value = "Alice's title"
    bob = open_as(board_db, "bob")  # bob saves first, while alice's form is open
    bob.edit_action(1, bob_change)
    bob.close()
    await pilot.press("ctrl+s")
    await settle_app(app, pilot)
    assert isinstance(app.screen, ConflictModal)


async def test_write_mine_writes_only_the_fields_i_changed(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _edit_title_while_bob_changes(
            app, pilot, board_db, ActionChanges(notes="bob's notes", owner="dave")
        )
        await pilot.press("m")
        await settle_app(app, pilot)
        stored = app.context.store.get_action(1)
        assert (stored.title, stored.notes, stored.owner) == (
            "Alice's title",
            "bob's notes",
            "dave",
        )


async def test_edit_again_starts_from_their_version_and_checks_again(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _edit_title_while_bob_changes(app, pilot, board_db, ActionChanges(notes="bob's"))
        await pilot.press("e")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        assert app.screen.query_one("#title", Input).value == "Alice's title"  # mine
        assert app.screen.query_one("#notes").text == "bob's"  # theirs, kept
        carol = open_as(board_db, "carol")  # a third change before alice saves again
        carol.edit_action(1, ActionChanges(owner="carol"))
        carol.close()
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ConflictModal)  # asked again, not saved over carol's
        assert app.context.store.get_action(1).title == "Ready to start"
        await pilot.press("m")
        await settle_app(app, pilot)
        stored = app.context.store.get_action(1)
        assert (stored.title, stored.notes, stored.owner) == ("Alice's title", "bob's", "carol")


# --------------------------------------------------------------------------- off the UI thread


async def test_a_write_waiting_for_another_process_lock_never_freezes_the_keys(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        holder = sqlite3.connect(board_db, isolation_level=None, timeout=0)
        holder.execute("BEGIN IMMEDIATE")  # someone's long write holds the lock
        try:
            await pilot.press("greater_than_sign")  # #1 to Do: waits for the lock
            started = time.monotonic()
            while not app.screen.query_one(StatusBar).saving:
                await pilot.pause(0.05)
                assert time.monotonic() - started < 5, "no 'saving…' while waiting"
            assert "saving…" in str(app.screen.query_one(StatusBar).render())
            await pilot.press("j")  # keys still work meanwhile
            await pilot.pause()
            assert focused(app) == ("plan", 2)
            assert app.context.store.get_action(1).phase == "plan"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).phase == "do"
        assert not app.screen.query_one(StatusBar).saving


# --------------------------------------------------------------------------- a file gone wrong


async def test_the_app_stops_when_its_file_is_removed(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{board_db}{suffix}").unlink(missing_ok=True)  # no open(): unlink only
        app.check_for_changes()
        await pilot.pause()
        assert app.context.broken is not None and "removed" in app.context.broken
        await pilot.press("c")  # nothing more is written
    assert app.return_code == 1


async def test_the_app_stops_when_its_file_is_replaced(
    make_app, board_db: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    Store.open(other, actor="x", clock=lambda: NOW_DT, create=True).close()
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        os.replace(other, board_db)  # someone copied another file over it
        app.check_for_changes()
        await pilot.pause()
    assert app.return_code == 1
    assert "replaced" in (app.context.broken or "")


async def test_a_database_error_stops_the_app_with_one_line_not_a_crash(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        error = sqlite3.DatabaseError("database disk image is malformed")
        error.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]
        error.sqlite_errorname = "SQLITE_CORRUPT"  # type: ignore[attr-defined]

        def damaged() -> None:
            raise error

        app.call_later(damaged)
        await pilot.pause()
    assert app.return_code == 1
    assert app.crash_log is None
    assert "damaged" in (app.context.broken or "")


async def test_a_crash_exits_non_zero_and_leaves_its_traceback_in_a_file(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    app = make_app(board_db)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=SIZE) as pilot:
            await settle_app(app, pilot)
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
    assert app.return_code == 1
    assert app.crash_log is not None
    assert app.crash_log.is_relative_to(Path(env["HOME"]))
    assert "ZeroDivisionError" in app.crash_log.read_text()
    assert app.crash_log.stat().st_mode & 0o077 == 0  # the user's alone


# --------------------------------------------------------------------------- a reader's snapshot


async def test_a_readers_snapshot_is_read_again_when_the_file_changes(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    app.context.store.snapshot = True  # as a reader who may not create the -shm gets it
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        first_store = app.context.store
        bob = open_as(board_db, "bob")
        added = bob.add_action(ActionDraft(title="Bob's"))
        bob.close()
        app.check_for_changes()
        await settle_app(app, pilot)
        assert app.context.store is not first_store
        assert added.id in column_ids(app, "plan")


async def test_the_app_stops_at_start_on_a_file_damaged_where_the_board_does_not_read(
    make_app, board_db: Path
) -> None:
    """The board reads its cards; a damaged page elsewhere (an index here) is found by the
    check the app runs once in the background, before anyone writes into the file."""
    store = Store.open(board_db, actor="alice", clock=lambda: NOW_DT)
    (root,) = store.conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'idx_events_at'"
    ).fetchone()
    page_size = store.conn.execute("PRAGMA page_size").fetchone()[0]
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    with board_db.open("r+b") as handle:  # no connection is open in this process now
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 64)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 10
        while app.context.broken is None and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert app.context.broken is not None and "damaged" in app.context.broken
    assert app.return_code == 1
