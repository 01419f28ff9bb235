"""Long background work runs at the lowest CPU priority, on a thread that ends with it."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from pdca.tui.niced import LOWEST, at_lowest_priority


def _my_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="nice is per thread on Linux")
def test_the_call_runs_niced_on_its_own_thread_and_the_caller_is_not() -> None:
    before = _my_nice()
    seen = at_lowest_priority(lambda: (_my_nice(), threading.get_native_id()))
    assert seen[0] == LOWEST and seen[1] != threading.get_native_id()
    assert _my_nice() == before  # the caller's priority is as it was


def test_the_answer_and_what_was_raised_come_back() -> None:
    assert at_lowest_priority(lambda: 42) == 42

    def fails() -> None:
        raise ValueError("from the thread")

    with pytest.raises(ValueError, match="from the thread"):
        at_lowest_priority(fails)


def test_an_abandoned_wait_ends_at_once_and_leaves_a_daemon_thread() -> None:
    """``q`` must not wait for a whole-file check SQLite cannot interrupt: the app stops
    waiting, and the process may end with the thread still reading (a daemon)."""
    release, quitting = threading.Event(), threading.Event()
    seen: list[threading.Thread] = []

    def long_read() -> str:
        seen.append(threading.current_thread())
        release.wait(10)
        return "read"

    def quit_soon() -> None:
        while not seen:
            time.sleep(0.01)
        quitting.set()

    threading.Thread(target=quit_soon).start()
    started = time.monotonic()
    assert at_lowest_priority(long_read, abandon=quitting) is None
    assert time.monotonic() - started < 5  # not the read's 10 s
    assert seen[0].daemon and seen[0].is_alive()
    release.set()
    seen[0].join(5)
    assert not seen[0].is_alive()


def test_a_wait_not_abandoned_gets_the_answer_of_a_slow_call() -> None:
    def slow() -> int:
        time.sleep(0.2)  # longer than one wait slice
        return 7

    assert at_lowest_priority(slow, abandon=threading.Event()) == 7
