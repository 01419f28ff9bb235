"""A session belongs to the file it was opened on. A tester copied the database with
``sqlite3 .backup`` while a board had it open: the copy's header said that board's login was
here, and ``pdca --db COPY restore`` refused with "open elsewhere" though nobody had the copy
open. Now a row counts only while its process (on this host) holds this very file, and the
copies pdca makes carry no rows at all.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from pdca.db import backup as backups
from pdca.db import presence as presence_module
from pdca.db.models import ActionDraft
from pdca.db.presence import Presence, _lockers, on_this_file
from pdca.db.store import Store
from tests.conftest import NOW_DT, open_as

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("SELECT count(*) FROM actions").fetchone()
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def holder(store: Store, db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A real process holding the database open (as a board does), until stdin closes."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    yield process
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=10)


def _sqlite3_backup(source: Path, copy: Path) -> None:
    """What ``sqlite3 SRC ".backup DST"`` does: SQLite's backup API, every page."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)


def _session_of(process: subprocess.Popen[str], db_path: Path) -> None:
    """bob's board row for ``process``, on this host, in ``db_path``."""
    board = open_as(db_path, "bob")
    try:
        Presence(board, host=socket.gethostname(), pid=process.pid).join()
    finally:
        board.close()


def _others(path: Path) -> list[str]:
    viewer = open_as(path, "alice")
    try:
        return Presence(viewer, host="", pid=0).others()
    finally:
        viewer.close()


def test_a_sqlite3_copy_shows_nobody_and_the_original_still_shows_the_board(
    store: Store, db_path: Path, holder: subprocess.Popen[str], tmp_path: Path, cli
) -> None:
    store.add_action(ActionDraft(title="kept"))
    _session_of(holder, db_path)
    copy = tmp_path / "ph.db"
    _sqlite3_backup(db_path, copy)
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT login FROM sessions").fetchall() == [("bob",)]
    assert _others(db_path) == ["bob"]
    assert _others(copy) == []
    # Restoring into the copy is not refused: nobody has it open.
    saved = backups.backup(db_path, now=NOW_DT).path
    restored = cli("--db", str(copy), "restore", str(saved))
    assert restored.exit_code == 0, restored.stderr
    # and the original's row is not carried into the restored copy
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    # Into the original it still is, naming the board's login and host.
    refused = cli("restore", str(saved))
    assert refused.exit_code == 1
    assert "open elsewhere" in refused.stderr
    assert f"bob on {socket.gethostname()}" in refused.stderr


def test_a_board_whose_process_ended_counts_no_more(store: Store, db_path: Path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(timeout=10)
    _session_of(ended, db_path)  # its row is fresh: the time alone would still count it
    assert _others(db_path) == []


def test_another_logins_process_is_told_by_its_locks(
    store: Store,
    db_path: Path,
    holder: subprocess.Popen[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another login's /proc/PID/fd is not ours to read (we are root in the tests, so that
    refusal is pretended); its WAL connection's lock on the file, in /proc/locks, tells."""
    monkeypatch.setattr(presence_module, "_holds", lambda fds, identity: None)
    _session_of(holder, db_path)
    copy = tmp_path / "copy.db"
    _sqlite3_backup(db_path, copy)
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert _others(db_path) == ["bob"]
    assert _others(copy) == []
    # In the rollback-journal mode a process holds no lock between reads: it still counts.
    here = socket.gethostname()
    identity = (copy.stat().st_dev, copy.stat().st_ino)
    assert on_this_file([(here, holder.pid)], identity, lambda: False) == {(here, holder.pid)}


def test_rows_of_other_hosts_and_without_proc_count_as_before(tmp_path: Path) -> None:
    identity = (1, 2)
    assert on_this_file([("laptop", 1)], identity, lambda: True, this_host="vm") == {("laptop", 1)}
    # No /proc (macOS): nothing can be told, so every row counts.
    assert on_this_file(
        [("vm", 1)], identity, lambda: True, this_host="vm", proc=tmp_path / "none"
    ) == {("vm", 1)}


def test_lock_list_lines_are_read_for_their_pid_and_inode(tmp_path: Path) -> None:
    locks = tmp_path / "locks"
    locks.write_text(
        "1: POSIX  ADVISORY  READ 17791 fe:00:2171602 128 128\n"
        "2: POSIX  ADVISORY  READ 17792 fe:00:999 1073741826 1073742335\n"
        "2: -> POSIX  ADVISORY  WRITE 17793 fe:00:2171602 0 EOF\n"
        "3: OFDLCK ADVISORY  READ  -1 00:06:2171602 0 EOF\n"
    )
    assert _lockers(locks, 2171602) == {17791, 17793, -1}
    assert _lockers(tmp_path / "missing", 2171602) is None


def test_copies_pdca_makes_carry_no_sessions(
    store: Store, db_path: Path, holder: subprocess.Popen[str], cli
) -> None:
    store.add_action(ActionDraft(title="kept"))
    _session_of(holder, db_path)
    elsewhere = open_as(db_path, "dave")
    Presence(elsewhere, host="laptop", pid=7).join()
    elsewhere.close()
    saved = backups.backup(db_path, now=NOW_DT).path
    with closing(sqlite3.connect(f"file:{saved}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    forced = cli("restore", str(saved), "--force")
    assert forced.exit_code == 0, forced.stderr
    kept = [b.path for b in backups.list_backups(db_path) if b.before_restore]
    assert len(kept) == 1
    with closing(sqlite3.connect(f"file:{kept[0]}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    # The live file keeps its own sessions across the restore.
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        assert sorted(conn.execute("SELECT login FROM sessions")) == [("bob",), ("dave",)]
