"""A command stopped by SIGTERM or SIGHUP ends as one stopped by Ctrl-C does.

Ctrl-C raises ``KeyboardInterrupt``, so a command's cleanup runs: an export's or a backup's
hidden temporary file is removed, a transaction rolls back. SIGTERM (what ``timeout``, cron
wrappers and systemd send) and SIGHUP (a closed SSH session) ended the process at once and
left ``.e.json.PID.tmp`` and whole-database ``.bak`` copies behind (a tester). The board
installs its own handlers when it starts (``tui/app.py``); a hang-up ignored on purpose
(``nohup``) stays ignored.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by ``signum``; it unwinds as after a Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


@contextmanager
def stopped_as_interrupted() -> Iterator[None]:
    """Within it, SIGTERM and SIGHUP raise ``Stopped``; the handlers before it come back after
    (the tests run many commands in one process, the board's own are set inside)."""
    if threading.current_thread() is not threading.main_thread():  # only it may set them
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in STOPPING_SIGNALS}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, _stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stopped_by(error: BaseException) -> int | None:
    """The signal that stopped the command, when ``error`` (click's ``Abort``) came of one."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, Stopped):
            return seen.signum
        seen = seen.__cause__ or seen.__context__
    return None
