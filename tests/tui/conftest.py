"""App fixtures: the same factory as ``pdca``, on a temporary file, at a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from pdca.tui.app import PdcaApp, create_app
from tests.conftest import NOW_DT

SIZE = (120, 40)
SETTLE_SECONDS = 60.0  # a loaded CI machine; a settled app returns at once


async def settle_app(app: PdcaApp, pilot: Pilot, seconds: float = SETTLE_SECONDS) -> None:
    """Let keys (those held for a dialog or view too), writes (they run on the writer thread),
    jumps and reloads finish.

    A flow waiting on a dialog stays open, so flows count only while no dialog is up; never
    a timed sleep: this returns as soon as nothing is left running.
    """
    deadline = time.monotonic() + seconds
    while True:
        await pilot.pause()
        dialog_up = len(app.screen_stack) > 1
        busy = [
            worker
            for worker in app.workers
            if not worker.is_finished
            and worker.group not in ("presence", "escalate")
            and not (worker.group in ("flow", "writes") and dialog_up)
        ]
        if not busy and not app.key_hold.holding:  # keys typed ahead are replayed too
            await pilot.pause()
            return
        assert time.monotonic() < deadline, f"still running: {busy}"
        await asyncio.sleep(0.005)


async def wait_until(
    pilot: Pilot, condition: Callable[[], object], seconds: float = SETTLE_SECONDS
) -> None:
    """Pause until ``condition()`` holds, or ``seconds`` have gone by (the caller asserts
    after): a count of pauses ran out on a loaded machine, where a deadline does not."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.02)


@pytest.fixture
def make_app(env: dict[str, str]) -> Callable[..., PdcaApp]:
    """Build the app as ``pdca`` does; presence off unless a test wants it."""

    def make(path: Path, actor: str = "alice", **options: object) -> PdcaApp:
        options.setdefault("presence", False)
        app = create_app(path, actor=actor, clock=lambda: NOW_DT, environ=env, **options)
        app.animation_level = "none"
        return app

    return make


@pytest.fixture
def board_db(store: Store, db_path: Path) -> Path:
    """Five actions, one in each situation the board's keys care about.

    #1 Plan, ready for Do (owner and due); #2 Plan, no owner nor due; #3 Do, no check-in
    since Do began; #4 Check; #5 Act (verdict given).
    """
    due = date(2026, 11, 30)
    store.add_action(ActionDraft(title="Ready to start", owner="bob", due=due))
    store.add_action(ActionDraft(title="Bare idea"))
    for title in ("Doing it", "Checking it", "Acting on it"):
        action = store.add_action(ActionDraft(title=title, owner="carol", due=due))
        store.move_action(action.id, "do")
        if title != "Doing it":
            store.add_checkin(action.id, CheckinDraft(message="progress"))
            store.move_action(action.id, "check")
        if title == "Acting on it":
            store.move_action(action.id, "act", verdict="worked")
    return db_path


async def the_apps_keys_work_over(
    app: PdcaApp, pilot: Pilot, open_keys: tuple[str, ...], dialog: type, view: str
) -> None:
    """``open_keys`` open ``dialog`` (a view-like dialog, which cuts the app's keys off and
    binds them again): ? shows and hides the keys there, ``view``'s number key leaves it for
    that view alone, and q, pressed over it once more, quits."""
    from pdca.screens.context import VIEW_KEYS

    key = next(v.key for v in VIEW_KEYS if v.mode == view)
    for step in ("keys", "view", "quit"):
        await pilot.press(*open_keys)
        await settle_app(app, pilot)
        assert isinstance(app.screen, dialog), step
        if step == "keys":
            await pilot.press("question_mark")
            await settle_app(app, pilot)
            assert app.screen.query("HelpPanel")
            await pilot.press("question_mark")
            await settle_app(app, pilot)
            assert not app.screen.query("HelpPanel")
            await pilot.press("escape")
        elif step == "view":
            await pilot.press(key)
            await settle_app(app, pilot)
            assert app.current_mode == view and len(app.screen_stack) == 1
            await pilot.press("1")
        else:
            await pilot.press("q")
        await settle_app(app, pilot)
    assert not app.is_running and app.return_code == 0
