"""One long-lived pdca app, driven by keys as a person would, for the soak test.

Run as ``python -m tests.integration.soak_app SPEC`` (a JSON object): it builds the app with
the same factory as ``pdca`` (presence heartbeats, the change poll, reloads and escalation
all running; escalation and the presence heartbeat every second instead of every minute and
every ten seconds, so they really run beside the writes), headless, and until told to stop
presses the keys of a check-in, a new action, a move forward or a move back on a card it
picks. It appends to a JSON-lines report as it
goes (so a crash loses none of it): each write the app showed as done (no error
notification), with what the card showed before, and each error it showed.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from textual.widgets import Input

import pdca.tui.app
from pdca.db.clock import system_clock
from pdca.screens.board import BoardScreen
from pdca.tui.app import PdcaApp, create_app
from tests.tui.conftest import settle_app

# Notifications that are part of ordinary teamwork, not a failure of the file: someone else
# got there first (a conflict), a gate the card no longer meets, a card that left the board.
ORDINARY = ("since you", "cannot move", "cannot be done", "is done", "no action", "no longer")
# Warnings that say the key did nothing (screens/board.py ``may_change``).
DECLINED = ("nothing done", "still being saved", "moves no more", "no action here", "first phase")


def _declined(text: str) -> bool:
    return any(words in text for words in DECLINED)


def _record_notifications(app: PdcaApp, into: list[tuple[str, str]]) -> None:
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        into.append((str(kwargs.get("severity", "information")), str(message)))
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]


async def _wait_for(app: PdcaApp, pilot: Any, kind: type | None, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pilot.pause()
        if kind is None and isinstance(app.screen, BoardScreen):
            return True
        if kind is not None and type(app.screen).__name__ == kind.__name__:
            return True
        await asyncio.sleep(0.01)
    return False


def _cards(app: PdcaApp) -> list[tuple[str, int]]:
    screen = app.screen
    if not isinstance(screen, BoardScreen):
        return []
    return [(phase, a.id) for phase, column in screen.columns.items() for a in column.actions]


async def drive(spec: dict[str, Any]) -> None:
    pdca.tui.app.ESCALATION_SECONDS = 1.0  # escalation runs beside the writes, not once a minute
    pdca.tui.app.HEARTBEAT_SECONDS = 1.0  # and presence too: many heartbeats in a short run
    rng = random.Random(spec["seed"])
    app = create_app(Path(spec["db"]), actor=spec["actor"], clock=system_clock)
    app.animation_level = "none"
    notes: list[tuple[str, str]] = []
    _record_notifications(app, notes)
    report = Report(Path(spec["report"]))
    Path(spec["ready"]).touch()
    while not Path(spec["go"]).exists():
        await asyncio.sleep(0.01)
    deadline = time.monotonic() + spec["seconds"]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        number = 0
        while not Path(spec["stop"]).exists() and time.monotonic() < deadline:
            number += 1
            await pilot.pause()
            if app._exit:  # the app stopped itself (its file went wrong): the report says why
                report.error(f"the app stopped: exit status {app.return_code}")
                break
            if not isinstance(app.screen, BoardScreen):
                await pilot.press("escape")
                await settle_app(app, pilot)
                continue
            board = app.screen
            before_notes = len(notes)
            choice = rng.random()
            cards = _cards(app)
            if choice < 0.2 or not cards:
                title = f"soak {spec['actor']} new {number}"
                await pilot.press("n")
                if not await _wait_for(app, pilot, _form_type()):
                    report.error("the new-action form did not open")
                    continue
                app.screen.query_one("#title", Input).value = title
                await pilot.press("ctrl+s")
                await _wait_for(app, pilot, None)
                await settle_app(app, pilot)
                op: list[Any] = ["add", title]
            else:
                phase, action_id = rng.choice(cards)
                if not board.focus_action(action_id):
                    continue
                await pilot.pause()
                shown = board.current
                if shown is None or shown.id != action_id:
                    continue
                phase = shown.phase
                if choice < 0.6:
                    message = f"soak {spec['actor']} checkin {number}"
                    await pilot.press("c")
                    if not await _wait_for(app, pilot, _checkin_type()):
                        report.error("the check-in form did not open")
                        continue
                    # The card the dialog is about: the one the app acts on.
                    action_id = app.screen.target.id  # type: ignore[attr-defined]
                    app.screen.query_one("#message", Input).value = message
                    await pilot.press("ctrl+s")
                    await _wait_for(app, pilot, None)
                    await settle_app(app, pilot)
                    op = ["checkin", action_id, message]
                elif choice < 0.8 and phase != "plan":
                    await pilot.press("less_than_sign")
                    await settle_app(app, pilot)
                    op = ["move", action_id, phase, _step(phase, -1)]
                elif phase != "act":
                    await pilot.press("greater_than_sign")
                    await settle_app(app, pilot)
                    if not isinstance(app.screen, BoardScreen):
                        # A gate asks for more (owner and due, a check-in, the verdict):
                        # leave it, as a person might, and nothing is written.
                        await pilot.press("escape")
                        await _wait_for(app, pilot, None)
                        await settle_app(app, pilot)
                        continue
                    op = ["move", action_id, phase, _step(phase, 1)]
                else:
                    continue
            said = notes[before_notes:]
            shown_errors = [text for severity, text in said if severity == "error"]
            # A key the board declines to act on says so as a warning: a card a colleague's
            # write put under the cursor a moment ago, a change of mine still being saved.
            declined = [
                text for severity, text in said if severity == "warning" and _declined(text)
            ]
            if shown_errors or declined:
                for text in shown_errors:
                    if any(ordinary in text for ordinary in ORDINARY):
                        report.line({"refused": text})  # teamwork: counted, not a failure
                    else:
                        report.error(text)
                for text in declined:
                    report.line({"refused": text})
                continue
            report.committed(op, said=[text for _severity, text in said])
        await settle_app(app, pilot)
    report.line({"exit": "ok"})


class Report:
    """The JSON-lines report: one line per write done, per error shown, and the end."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("a", encoding="utf-8")
        self.writes = 0

    def line(self, value: dict[str, Any]) -> None:
        self.file.write(json.dumps(value) + "\n")
        self.file.flush()

    def committed(self, op: list[Any], said: list[str]) -> None:
        """``said``: what the app showed after the keys (none, mostly): in the report, so a
        write the file does not hold can be read beside what the person was told."""
        self.writes += 1
        self.line({"committed": op, **({"said": said} if said else {})})

    def error(self, text: str) -> None:
        self.line({"error": text})


def _step(phase: str, by: int) -> str:
    phases = ["plan", "do", "check", "act"]
    return phases[phases.index(phase) + by]


def _form_type() -> type:
    from pdca.screens.dialogs import ActionFormModal

    return ActionFormModal


def _checkin_type() -> type:
    from pdca.screens.dialogs import CheckinModal

    return CheckinModal


def main() -> None:
    spec = json.loads(sys.argv[1])
    os.environ["PDCA_USER"] = spec["actor"]
    try:
        asyncio.run(drive(spec))
    except Exception as error:  # the report says what went wrong; the parent fails the test
        Report(Path(spec["report"])).error(f"app crashed: {type(error).__name__}: {error}")
        raise


if __name__ == "__main__":
    main()
