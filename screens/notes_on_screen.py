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
    for shown in [n for n in app._notifications if which(n.message)]:
        app._unnotify(shown, refresh=refresh)
