"""A store on a thread of its own, for a long-lived process that must never freeze.

A write may wait up to the busy timeout for another process's lock; in the app that wait must
not happen on the thread that reads keys. So one thread owns one connection (a SQLite
connection refuses use from another thread) and every write goes through it, one at a time,
in the order asked; the caller gets a ``Future``. Before each one, ``guard`` may refuse it
(the file went wrong, or is no longer the file the app opened).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from pdca.db import connection
from pdca.db.errors import DatabaseBusy
from pdca.db.store import Store

T = TypeVar("T")
MIN_WAIT_SECONDS = 1.0


class StoreThread:
    """Runs ``call(store)`` on its own thread and connection, opened on first use."""

    def __init__(
        self, opener: Callable[[], Store], guard: Callable[[Store], None] = lambda store: None
    ) -> None:
        self._opener = opener
        self._guard = guard
        self._store: Store | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdca-writes")
        self._lock = threading.Lock()
        self._pending = 0
        # Until when (time.monotonic) a write that met someone's lock for the whole busy
        # wait is tried again instead of given up: set when nobody is left to be told it
        # failed (the terminal hung up), so the save goes in once the lock comes free.
        self.patient_until: float | None = None

    def submit(self, call: Callable[[Store], T]) -> Future[T]:
        with self._lock:
            self._pending += 1
        future = self._executor.submit(self._run, call, time.monotonic())
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: Future[T]) -> None:
        with self._lock:
            self._pending -= 1

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until every write asked for has finished and told its callbacks (whose
        failures are said at quit): ``pending`` drops to 0 at a write's first callback,
        before the others have run. The one thread runs a write's callbacks before it
        takes the next task, so an empty task behind them is enough."""
        with contextlib.suppress(Exception):  # shut down, or stuck: as far as it got
            self._executor.submit(lambda: None).result(timeout=timeout)

    @property
    def pending(self) -> int:
        """Writes asked for and not finished yet."""
        return self._pending

    def _run(self, call: Callable[[Store], T], asked: float) -> T:
        if self._store is not None and not self._store.opened_writable:
            # Opened while the file was read-only for this user (a refused save): SQLite
            # keeps that connection read-only whatever the modes are later, so the board
            # stayed read-only for good after the owner's chmod g+w (a tester). Opened
            # again, it writes once the file lets it, where the board opened the file when
            # it could write (the process's -shm opened writable then). A board opened
            # read-only keeps its -shm so: it is told to restart (access.RESTART_TO_WRITE).
            self._store.close()
            self._store = None
        if self._store is None:
            self._store = self._opener()
        # The busy wait counts from when the write was asked for, not from its turn: three
        # saves made during one long lock gave up 10, 20 and 30 s after they were asked, each
        # saying "stayed busy for 10 s" (a tester).
        # At least a second: one queued behind a slow write of ours, the lock since free,
        # must not fail on another board's commit of a moment (a reviewer).
        wait = max(MIN_WAIT_SECONDS, connection.BUSY_TIMEOUT_SECONDS - (time.monotonic() - asked))
        while True:
            self._guard(self._store)
            self._store.wait_for_lock_at_most(wait)
            try:
                return call(self._store)
            except DatabaseBusy as busy:  # nothing was written: trying again writes it once
                patient = self.patient_until
                if patient is None:
                    raise
                if time.monotonic() >= patient:  # said as the whole wait it was
                    raise busy.after(time.monotonic() - asked) from None
                wait = connection.BUSY_TIMEOUT_SECONDS

    @property
    def own_transactions(self) -> list[int]:
        """The transactions written through this thread lately (read from any thread)."""
        return list(self._store.own_transactions) if self._store is not None else []

    def close(self) -> None:
        """Finish what was asked, then close the connection on its own thread."""
        self._executor.submit(self._close)
        self._executor.shutdown(wait=True)

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
