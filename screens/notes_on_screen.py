"""Notes (Textual's toasts) taken off the screen one by one.

Textual takes notes away only all at once (``App.clear_notifications``). A note that is
no longer true (a warning about a form since closed, a message about an alert since
acknowledged) is taken away alone through the app's private collection and remover, used
here only (a test checks they are there, so a Textual release without them fails there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App


def withdraw_notes(app: App[Any], which: Callable[[str], bool], *, refresh: bool = True) -> None:
    """The notes on ``app``'s screen whose words ``which`` picks, taken off it."""
    withdrawn = [n for n in app._notifications if which(n.message)]
    for shown in withdrawn:
        app._unnotify(shown, refresh=refresh)
    if withdrawn and refresh:
        # Textual refreshes the notes of the screen on top only: one under a dialog (the
        # alerts list over the board) kept showing them until the dialog closed (a retrial)
        for screen in app.screen_stack[:-1]:
            for rack in screen.query("ToastRack"):
                rack.call_later(rack.show, app._notifications)  # type: ignore[attr-defined]
