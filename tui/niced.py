"""Work that may take a core for seconds, run at the lowest CPU priority.

The whole-file integrity check after the app starts reads every page: ten seconds of a core at
100 000 actions. On a shared server with two cores, several people opening pdca for the
morning stand-up would each take one from the others' boards and commands for that long. Run
niced, it takes only what nobody else wants: a key press anywhere still gets the CPU first.

On Linux a nice value belongs to the thread, so the work gets a thread of its own, which ends
with it: an unprivileged process cannot lower a nice value again, and a thread of a shared pool
(Textual's workers) would stay niced for whatever it runs next. Elsewhere the call runs as it
is.

The thread is a daemon, and the caller may stop waiting for it (``abandon``): SQLite 3.40's
integrity check reads every table's pages in one step that ``sqlite3_interrupt`` cannot stop,
and a process ends only once its worker threads have, so ``q`` in the first seconds on a big
file waited for the check (3 s at 100 000 actions). An abandoned read is ended with the process,
as a reader killed mid-read is: nothing is written, nothing is left half done.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")

LOWEST = 19


def _niced(call: Callable[[], T]) -> T:
    # Not allowed here (a sandbox): the call runs at the usual priority.
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST)
    return call()


WAIT_SLICE_SECONDS = 0.05  # how soon an abandoned wait ends


def at_lowest_priority(
    call: Callable[[], T], *, abandon: threading.Event | None = None
) -> T | None:
    """``call()`` on a daemon thread of its own at nice 19 (Linux): its answer or what it
    raised; None at once when ``abandon`` is set first (the thread runs on, unwaited)."""
    if not sys.platform.startswith("linux"):
        return call()
    answer: Future[T] = Future()

    def run() -> None:
        try:
            answer.set_result(_niced(call))
        except BaseException as error:  # handed to the caller, as a pool's future would
            answer.set_exception(error)

    threading.Thread(target=run, name="pdca-niced", daemon=True).start()
    while True:
        try:
            return answer.result(timeout=WAIT_SLICE_SECONDS)
        except TimeoutError:
            if abandon is not None and abandon.is_set():
                return None
