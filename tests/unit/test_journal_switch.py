"""A file in the rollback-journal mode (a copy put back by hand, an upgrade's kept copy) is
switched to WAL when opened, which needs the file to itself; SQLite does not wait for it.
Opened while a colleague wrote, every command failed at once, saying it had waited 10 s (a
retrial). It waits for the lock as writes do."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tests.conftest import LockHolder


def _in_rollback_mode(path: Path) -> None:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode = delete").fetchone()[0] == "delete"
    conn.close()


def test_opening_waits_for_a_writer_to_switch_the_file_to_wal(ok, cli, db_path: Path) -> None:
    ok("add", "first")
    _in_rollback_mode(db_path)
    holder = LockHolder(db_path)
    threading.Timer(1.0, holder.release).start()  # the colleague's write ends in a second
    listed = cli("list")
    assert listed.exit_code == 0, listed.stderr
    assert "first" in listed.stdout
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
