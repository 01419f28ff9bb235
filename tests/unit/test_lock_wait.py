"""db/lock_wait.py: a wait for another process's lock in goes, so that a stop is answered at
once (the process-level tests: tests/integration/test_signals_and_zone.py). A stop that comes
just as the lock is taken must not leave the connection holding it (a reviewer: 65 of 120
stops landed there, and the write transaction stayed open)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pdca.db import lock_wait
from pdca.db.models import ActionDraft
from pdca.db.store import Store


class StoppedAsItBegins:
    """A connection whose ``BEGIN`` takes the lock and is then stopped (a signal handled as
    the call returned)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        cursor = self.conn.execute(sql, *args)
        if sql.startswith("BEGIN"):
            raise KeyboardInterrupt
        return cursor

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction


@pytest.mark.parametrize("waits_ms", [10_000, 100])  # in goes, and at once (at most one go)
def test_a_stop_as_the_lock_is_taken_lets_it_go(tmp_path: Path, waits_ms: int) -> None:
    conn = sqlite3.connect(tmp_path / "f.db", isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {waits_ms}")
    with pytest.raises(KeyboardInterrupt):
        lock_wait.begin_in_goes(StoppedAsItBegins(conn))  # type: ignore[arg-type]
    assert not conn.in_transaction
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == waits_ms


def test_the_busy_timeout_is_back_after_a_wait_that_ran_out(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 500")  # three goes: 200, 200, 100
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        lock_wait.begin_in_goes(conn)
    assert not conn.in_transaction
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 500
    holder.execute("ROLLBACK")
    lock_wait.begin_in_goes(conn)  # free now: taken at once
    assert conn.in_transaction


def test_a_stores_write_stopped_as_it_takes_the_lock_holds_no_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.db import store as store_module

    def begun_then_stopped(conn: sqlite3.Connection, **_: object) -> None:
        conn.execute("BEGIN IMMEDIATE")
        raise KeyboardInterrupt  # the stop raised as the call returned, in the caller

    monkeypatch.setattr(store_module, "begin_in_goes", begun_then_stopped)
    with pytest.raises(KeyboardInterrupt):
        store.add_action(ActionDraft(title="x"))
    assert not store.conn.in_transaction
    monkeypatch.undo()
    assert store.add_action(ActionDraft(title="y")).id == 1  # the next write goes through
