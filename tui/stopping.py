"""A command stopped by SIGTERM or SIGHUP unwinds, so its cleanup runs.

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
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pdca.db import commit_marks

STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)

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
def stopped_as_interrupted() -> Iterator[None]:
    """Within it, SIGTERM and SIGHUP raise ``Stopped``; the handlers before it come back after
    (the tests run many commands in one process, the board sets its own inside)."""
    if threading.current_thread() is not threading.main_thread():  # only it may set them
        yield
        return
    _requested.clear()
    previous = {signum: signal.getsignal(signum) for signum in STOPPING_SIGNALS}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, _stop)
    try:
        yield
        if _requested and not commit_marks.saved():
            raise Stopped(_requested[0])  # raised inside SQLite and swallowed there: it stops
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
