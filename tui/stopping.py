"""A command stopped by SIGTERM, SIGHUP or Ctrl-C unwinds, so its cleanup runs.

SIGTERM (what ``timeout``, cron wrappers and systemd send) and SIGHUP (a closed SSH session)
ended the process at once: an export's hidden ``.e.json.PID.tmp`` and a backup's whole-database
``.bak`` copy were left behind (a tester). Now the first of them raises ``Stopped`` where the
command is, and its ``finally`` blocks run: temporary files go, a transaction rolls back.

``Stopped`` is no ``Exception`` (nothing catches it by mistake) and no ``KeyboardInterrupt``
(click would write a blank line first, to a terminal that may be gone: a reviewer's hung-up
command ended in a traceback). Later signals wait until the cleanup is done. A stop that
SQLite swallowed (raised inside one of pdca's SQL functions, it comes back as an
``OperationalError``) is still known by ``stop_requested``. The board installs its own
handlers when it starts (``tui/app.py``); a hang-up ignored on purpose (``nohup``) stays
ignored.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sys import UnraisableHookArgs

from pdca.db import commit_marks

STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)

_requested: list[int] = []  # the first stopping signal since the command began


class Stopped(BaseException):
    """The process was asked to stop by ``signum``; it unwinds, its cleanup running."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    if _requested:  # a second one: the cleanup of the first is under way, not cut short
        return
    _requested.append(signum)
    if commit_marks.saved():
        # A change is in (or going into) the file: the command finishes and says what it
        # saved, exit 0. Stopped there, "stopped by SIGTERM" made a script retry an add that
        # had been saved, and add it twice (a soak).
        return
    raise Stopped(signum)


def stop_requested() -> int | None:
    """The signal that asked this command to stop, if one came (raised or swallowed)."""
    return _requested[0] if _requested else None


@contextmanager
def stopped_as_interrupted(*, process_ends: bool = False) -> Iterator[None]:
    """Within it, SIGTERM, SIGHUP and SIGINT (Ctrl-C) raise ``Stopped``; the handlers before
    it come back after (the tests run many commands in one process, the board sets its own
    inside). ``process_ends``: the process ends after it (the console script); once a change
    is saved, a stop in its last moments is ignored: the default handler killed it there,
    its reply printed, status -15 (a retrial)."""
    if threading.current_thread() is not threading.main_thread():  # only it may set them
        yield
        return
    _requested.clear()
    previous = {signum: signal.getsignal(signum) for signum in STOPPING_SIGNALS}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, _stop)
    unraisable = sys.unraisablehook
    sys.unraisablehook = partial(_quiet_if_stopped, unraisable)
    held: list[bool] = []
    commit_marks.when_committing(partial(_hold_stops, held))
    try:
        yield
        if _requested and not commit_marks.saved():
            raise Stopped(_requested[0])  # raised inside SQLite and swallowed there: it stops
    finally:
        commit_marks.when_committing(None)
        sys.unraisablehook = unraisable
        saved = process_ends and commit_marks.saved()
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_IGN if saved and handler is not None else handler)
        if held and not process_ends:  # a process that goes on (the tests): as it was
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING_SIGNALS)


def _hold_stops(held: list[bool]) -> None:
    """Once a change is being saved, a stop waits until the command has said what it saved.
    Caught and let go, the signal had interrupted the reply's write, and CPython left the
    rest of it unwritten: a 340 KB stand-up came out as its first 64 KB, exit 0 (a tester)."""
    if threading.current_thread() is not threading.main_thread() or held:
        return
    if signal.getsignal(signal.SIGTERM) is not _stop:  # the board's own handlers: its way
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING_SIGNALS)
    held.append(True)


def let_stops_through() -> None:
    """The board, started after a write held stops back (``pdca demo`` seeds its file first):
    its threads are made with the mask of the thread that starts them, and its own handlers
    must hear a hang-up."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING_SIGNALS)


def _quiet_if_stopped(hook: Callable[[UnraisableHookArgs], object], raised: Any) -> None:
    """A stop raised where Python cannot pass it on (a weakref's callback, an import lock's)
    printed "Exception ignored ... Stopped: 15" (a retrial): it is kept, and the command
    stops when it returns (above), without the traceback."""
    if not isinstance(raised.exc_value, Stopped):
        hook(raised)
