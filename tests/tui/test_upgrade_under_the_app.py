"""The app and schema upgrades: an app that upgrades its file says so (a notice naming the
versions and the copy kept); an app whose file a newer pdca upgraded under it writes
nothing more, and says why in one line (tests/unit/test_schema_upgrade_notice.py has the
command line and real processes)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pdca.db import schema
from pdca.widgets.status_bar import StatusBar
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import focused
from tests.unit.test_file_safety import make_old_database

NEWER = schema.schema_version() + 1


def _notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


@pytest.mark.usefixtures("missing_db")
async def test_an_app_that_upgrades_its_file_says_so(make_app, db_path: Path) -> None:
    make_old_database(db_path, 4)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        backup = db_path.with_name(f"{db_path.name}.v4.bak")
        assert backup.exists()
        assert (
            f"upgraded {db_path} from schema version 4 to {schema.schema_version()} "
            f"(the file as it was: {backup})"
        ) in _notes(app)[0]


async def test_an_app_at_this_version_says_nothing_of_upgrades(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert not [n for n in _notes(app) if "upgraded" in n]


async def test_an_app_whose_file_a_newer_pdca_upgraded_writes_nothing(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)
        await pilot.press("greater_than_sign")  # a first write opens the app's writer
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).phase == "do"
        assert focused(app) == ("do", 1)
        newer = sqlite3.connect(board_db, isolation_level=None, timeout=10)
        try:  # a newer pdca's first open, elsewhere: its migration and version at once
            newer.execute("BEGIN IMMEDIATE")
            newer.execute("CREATE TABLE from_the_future (id INTEGER PRIMARY KEY)")
            newer.execute(f"PRAGMA user_version = {NEWER}")
            newer.execute("COMMIT")
        finally:
            newer.close()
        before = app.context.store.last_event_id()
        await pilot.press("less_than_sign")  # #1 back to Plan, on the writer opened before
        await settle_app(app, pilot)
        assert _notes(app)[-1] == (
            f"{board_db}: the file was upgraded to schema {NEWER} by a newer pdca (this one "
            f"knows up to {schema.schema_version()}); nothing written: use the newer pdca"
            " (install it, or restart this one if it was installed since it started)"
        )
        assert app.context.store.last_event_id() == before
        assert app.context.store.get_action(1).phase == "do"


async def test_a_board_whose_file_a_newer_pdca_upgraded_says_so_until_it_quits(
    make_app, board_db: Path
) -> None:
    """Only passing notes said it, one at each poll, and between them the board looked
    current while it showed the file as it was (a team's soak): a banner says it, and the
    board stops reloading."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        banner = app.screen.query_one("#read-only")
        assert not banner.display
        newer = sqlite3.connect(board_db, isolation_level=None, timeout=10)
        try:
            newer.execute(f"PRAGMA user_version = {NEWER}")
            newer.execute("UPDATE actions SET title = 'from the future' WHERE id = 1")
        finally:
            newer.close()
        notes = len(_notes(app))
        for _ in range(3):
            app.check_for_changes()
            await settle_app(app, pilot)
        assert banner.display
        assert str(banner.render()).startswith(
            f"out of date: a newer pdca upgraded the file to schema {NEWER}; this board shows"
        )
        assert len(_notes(app)) == notes  # no note at each poll
        # and in the header of every view: the others have no banner (a reviewer)
        await pilot.press("2")
        await settle_app(app, pilot)
        header = str(app.screen.query_one(StatusBar).render())
        assert "out of date: quit, start again" in header


async def test_every_view_on_a_file_a_newer_pdca_upgraded_says_so_and_the_app_stays(
    make_app, board_db: Path
) -> None:
    """! (my alerts) opened its reader outside its refusal's reach: on a file a newer pdca
    had upgraded, the open's refusal crashed the board (an upgrade day's trial). Every view
    key refuses in a line and the app goes on."""
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        newer = sqlite3.connect(board_db, isolation_level=None, timeout=10)
        try:
            newer.execute(f"PRAGMA user_version = {NEWER}")
        finally:
            newer.close()
        for key in ("exclamation_mark", "escape", "2", "3", "4", "5", "6", "7", "1"):
            await pilot.press(key)
            await settle_app(app, pilot)
            assert app.is_running, key
        said = [n for n in _notes(app) if f"has schema version {NEWER}" in n]
        assert said and "\n" not in said[0]
