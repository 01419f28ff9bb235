"""Long background work runs at the lowest CPU priority, on a thread that ends with it."""

from __future__ import annotations

import os
import sys
import threading

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
