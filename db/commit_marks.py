"""Whether this process is committing, or has committed, a change to a database.

The command line's stop handling (``tui/stopping.py``) reads it: a SIGTERM that comes once a
change is being committed lets the command finish and say what it saved. Stopped after the
commit, ``add`` said only "stopped by SIGTERM" (exit 143) with the action in the file, and
a script that retried on the failure added it twice (a soak).
"""

from __future__ import annotations

from collections.abc import Callable

_saved: list[bool] = []
_on_first: list[Callable[[], None]] = []


def committing() -> None:
    """Called just before a COMMIT (or a restore's point of no return)."""
    if not _saved:
        _saved.append(True)
        for hold in _on_first:
            hold()


def when_committing(hold: Callable[[], None] | None) -> None:
    """``hold`` is called at the first mark (the stop handling holds signals back from then:
    one that came as the reply was written cut it short, a tester); None: no more."""
    _on_first.clear()
    if hold is not None:
        _on_first.append(hold)


def saved() -> bool:
    """Whether a change has been (or is being) committed since ``forget``."""
    return bool(_saved)


def forget() -> None:
    """A new command begins (the tests run many in one process)."""
    _saved.clear()
