"""Waiting for another process's lock in short goes, so that a stop is answered at once.

SQLite's wait for a lock (the busy timeout) is one C call, and Python runs its signal
handlers only between calls: a Ctrl-C or a SIGTERM during a 10 s wait for someone's write
lock was answered only when the wait ended (a retrial). Waited for in goes of
``LOCK_WAIT_SLICE_MS``, as long in all as the connection's busy timeout says, a stop is
raised between two goes, before anything is written.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

# How long one go lasts: a stop is answered within about this long.
LOCK_WAIT_SLICE_MS = 200


def begin_in_goes(
    conn: sqlite3.Connection,
    statement: str = "BEGIN IMMEDIATE",
    between: Callable[[], None] | None = None,
) -> None:
    """Run ``statement`` (a ``BEGIN`` that takes a lock), waiting for others as long as the
    connection's busy timeout, in goes; the busy timeout is as it was afterwards. A stop
    that comes as the lock is taken leaves no transaction open: the lock is let go.
    ``between`` runs between two goes and may raise to end the wait (the file replaced
    meanwhile: a save waiting on it said "stayed busy, try again", a retrial)."""
    waits_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    deadline = time.monotonic() + waits_ms / 1000
    try:
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if waits_ms > LOCK_WAIT_SLICE_MS:
                conn.execute(f"PRAGMA busy_timeout = {max(0, min(LOCK_WAIT_SLICE_MS, left_ms))}")
            try:
                conn.execute(statement)
                break
            except sqlite3.OperationalError as error:
                if not _busy(error) or left_ms <= LOCK_WAIT_SLICE_MS:
                    raise
                if between is not None:
                    between()
    except BaseException:
        if conn.in_transaction:  # taken as the stop came: let go, nothing was written
            conn.execute("ROLLBACK")
        raise
    finally:
        if waits_ms > LOCK_WAIT_SLICE_MS:
            conn.execute(f"PRAGMA busy_timeout = {waits_ms}")


def _busy(error: sqlite3.Error) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF == sqlite3.SQLITE_BUSY
