"""What the board looks like: SVG snapshots at 80x24 and 160x48 on the small seeded database.

The app is built as ``pdca`` builds it, at the fixed time, with the settings file under a
temporary home (so the default theme, whatever the machine running the tests has chosen) and
``NO_COLOR`` unset. ``--snapshot-update`` rewrites the SVGs; look at them before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from pdca.db.models import ActionDraft
from pdca.db.seed import seed_database
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.dialogs import PickModal
from pdca.tui.app import PdcaApp, create_app
from pdca.tui.settings import DEFAULT_THEME, settings_path
from tests.conftest import NOW_DT
from tests.tui.conftest import settle_app

SMALL = (80, 24)
LARGE = (160, 48)


@pytest.fixture
def build(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], PdcaApp]:
    """The app as ``pdca`` builds it, independent of the machine's colours and settings."""
    monkeypatch.delenv("NO_COLOR", raising=False)  # read when the app is built
    assert not settings_path(env).exists()

    def make(path: Path) -> PdcaApp:
        app = create_app(
            path,
            actor="alice",
            clock=lambda: NOW_DT,
            environ=env,
            presence=False,
            watch_changes=False,
        )
        app.animation_level = "none"
        assert app.settings.theme == DEFAULT_THEME
        return app

    return make


@pytest.fixture
def seeded(store: Store, db_path: Path) -> Path:
    seed_database(store, size="small", seed=1)
    return db_path


async def settle(pilot: Pilot) -> None:
    """The shared settle (tests/tui/conftest.py), then the footer's keys, which come a frame
    after the first paint: a picture is taken of a whole screen."""
    app = pilot.app
    assert isinstance(app, PdcaApp)
    await settle_app(app, pilot)
    for _ in range(20):
        if app.screen.query("Footer FooterKey"):
            break
        await pilot.pause()
    await settle_app(app, pilot)


def test_board_80x24(snap_compare, build, seeded: Path) -> None:
    """Four columns with counts, four cards a column, titles cut with an ellipsis."""
    assert snap_compare(build(seeded), terminal_size=SMALL, run_before=settle)


def test_board_160x48(snap_compare, build, seeded: Path) -> None:
    """Wide: longer titles, every card of Do and seven of Plan's eight."""
    assert snap_compare(build(seeded), terminal_size=LARGE, run_before=settle)


def test_board_filtered_by_owner_80x24(snap_compare, build, seeded: Path) -> None:
    """``o``, type ``bob``, enter: the filter bar says so, only bob's cards are left."""

    async def pick_bob(pilot: Pilot) -> None:
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PickModal)
        await pilot.press(*"bob", "enter")
        await settle(pilot)
        board = pilot.app.screen
        assert isinstance(board, BoardScreen) and board.filter.owner == "bob"
        shown = {a.owner for column in board.columns.values() for a in column.actions}
        assert shown == {"bob"}

    assert snap_compare(build(seeded), terminal_size=SMALL, run_before=pick_bob)


def test_markup_in_a_title_is_shown_literally_80x24(
    snap_compare, build, store: Store, db_path: Path
) -> None:
    """A title holding ``[bold red]x[/]`` is drawn as those characters, in the title style."""
    store.add_action(ActionDraft(title="[bold red]x[/] is text", owner="bob", due="2026-12-01"))
    store.add_action(ActionDraft(title="A plain one", owner="carol"))
    assert snap_compare(build(db_path), terminal_size=SMALL, run_before=settle)


def test_board_compact_80x24(snap_compare, build, seeded: Path) -> None:
    """``z``: compact cards, two lines each (title; check-in mark, owner, due): seven a column."""

    async def compact(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        board = pilot.app.screen
        assert isinstance(board, BoardScreen) and board.compact

    assert snap_compare(build(seeded), terminal_size=SMALL, run_before=compact)
