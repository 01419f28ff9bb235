"""Work that may take a core for seconds, run at the lowest CPU priority.

The whole-file integrity check after the app starts reads every page: ten seconds of a core at
100 000 actions. On a shared server with two cores, several people opening pdca for the
morning stand-up would each take one from the others' boards and commands for that long. Run
niced, it takes only what nobody else wants: a key press anywhere still gets the CPU first.

On Linux a nice value belongs to the thread, so the work gets a thread of its own, which ends
with it: an unprivileged process cannot lower a nice value again, and a thread of a shared pool
(Textual's workers) would stay niced for whatever it runs next. Elsewhere the call runs as it
is.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

LOWEST = 19


def _niced(call: Callable[[], T]) -> T:
    # Not allowed here (a sandbox): the call runs at the usual priority.
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST)
    return call()


def at_lowest_priority(call: Callable[[], T]) -> T:
    """``call()`` on a thread of its own at nice 19 (Linux), its answer or what it raised."""
    if not sys.platform.startswith("linux"):
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdca-niced") as pool:
        return pool.submit(_niced, call).result()
