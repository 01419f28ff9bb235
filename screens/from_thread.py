"""Handing what a worker thread read to its screen, on the app's thread.

A read on a thread can land after its screen stopped being one: the app ending (its widgets
already removed: ``query_one`` raised ``NoMatches`` and a quit ended in a crash report, seen
once in a clean-clone test run) or the screen taken off. What it read is moot then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def land(screen: Screen[Any], show: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """Call ``show(*args, **kwargs)`` on the app's thread while ``screen`` is still attached
    and the app still running; otherwise drop it. Called from a worker thread."""

    def on_the_apps_thread() -> None:
        if screen.is_attached and screen.app.is_running:
            show(*args, **kwargs)

    screen.app.call_from_thread(on_the_apps_thread)
