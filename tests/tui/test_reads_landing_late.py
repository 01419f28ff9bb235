"""A view's read on a worker thread that lands after its screen stopped being one."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

from pdca.db.store import Store
from pdca.screens.from_thread import land
from tests.conftest import REPO
from tests.tui.accountability_support import team_db
from tests.tui.conftest import SIZE
from tests.tui.test_standup import everyone


@pytest.fixture
def team(store: Store, db_path: Path) -> Path:
    return team_db(store, db_path)


async def test_a_stand_up_read_landing_as_the_app_ends_is_dropped(make_app, team) -> None:
    """The stand-up's read came back while quitting, its list already removed: NoMatches, and
    the quit ended in a crash report (a clean-clone test run). It is dropped now."""
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        screen = await everyone(pilot)
        shown = screen.digest
        assert shown is not None
        read_again = shown.model_copy(update={"items": []})
    # the app has ended and its widgets are gone; the read lands now, from a worker's thread
    # (which runs in the app's context)
    with app._context():
        await asyncio.to_thread(land, screen, screen.loaded, read_again, {})
    assert screen.digest is shown


async def test_a_read_landing_on_a_running_screen_is_shown(make_app, team) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        screen = await everyone(pilot)
        assert screen.digest is not None
        read_again = screen.digest.model_copy(update={"items": []})
        await asyncio.to_thread(land, screen, screen.loaded, read_again, {})
        assert screen.digest is read_again


def test_every_screen_hands_its_thread_reads_over_through_land() -> None:
    """``app.call_from_thread`` straight from a screen skips the check that it is still
    there: only ``screens/from_thread.py`` calls it."""
    straight = [
        f"{path.name}:{node.lineno}"
        for path in sorted((REPO / "screens").rglob("*.py"))
        if path.name != "from_thread.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "call_from_thread"
    ]
    assert straight == []
