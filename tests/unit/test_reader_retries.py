"""A reader who may not write the -shm a writer made reads through it read-only, and SQLite
refuses such a read ("attempt to write a readonly database") while the writer is still
setting the -shm up: a tester's reader failed 2 to 4 lists in 100 beside a writer's loop of
adds, told to give itself write. The open tries again a few times; a writer does not (its
refusal is real: a -wal it may not write). The race itself, with two real users:
tests/integration/test_permissions.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pdca.db import connection, schema
from pdca.db.errors import DatabaseProblem

READONLY_CANTINIT = 1288  # SQLITE_READONLY_CANTINIT: the -shm is not set up yet


def _refuse_first(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """``schema.identify`` fails as SQLite does for a reader, ``times`` times; the calls."""
    real = schema.identify
    calls: list[int] = []

    def identify(conn: sqlite3.Connection, path: Path) -> int | None:
        calls.append(1)
        if len(calls) <= times:
            error = sqlite3.OperationalError("attempt to write a readonly database")
            error.sqlite_errorcode = READONLY_CANTINIT  # type: ignore[attr-defined]
            raise error
        return real(conn, path)

    monkeypatch.setattr(schema, "identify", identify)
    return calls


def _made(tmp_path: Path) -> Path:
    path = tmp_path / "pdca.db"
    connection.open_database(path, create=True).connection.close()
    return path


def test_a_reader_tries_again_while_the_shm_is_set_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _made(tmp_path)
    monkeypatch.setattr(connection, "file_lets_me_write", lambda _path: False)
    calls = _refuse_first(monkeypatch, 3)
    opened = connection.open_database(path, create=False)
    try:
        assert not opened.writable
        assert len(calls) == 4
    finally:
        opened.connection.close()


def test_a_reader_that_never_gets_in_is_told_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _made(tmp_path)
    monkeypatch.setattr(connection, "file_lets_me_write", lambda _path: False)
    monkeypatch.setattr(connection.time, "sleep", lambda _s: None)
    calls = _refuse_first(monkeypatch, 1000)
    with pytest.raises(DatabaseProblem) as refused:
        connection.open_database(path, create=False)
    assert len(calls) == connection.READER_RETRIES + 1
    assert str(path) in str(refused.value) and "\n" not in str(refused.value)


def test_a_writer_is_not_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _made(tmp_path)
    calls = _refuse_first(monkeypatch, 1)
    with pytest.raises(DatabaseProblem):
        connection.open_database(path, create=False)
    assert len(calls) == 1


# --------------------------------------------------------------------------- the reader's mend


def _team_file(tmp_path: Path) -> Path:
    """A 0640 database in a 2770 folder of the file's own group (the usual team folder)."""
    import os

    folder = tmp_path / "team"
    folder.mkdir()
    folder.chmod(0o2770)
    path = folder / "pdca.db"
    connection.open_database(path, create=True).connection.close()
    os.chown(path, -1, folder.stat().st_gid)
    path.chmod(0o640)
    return path


def test_the_mend_gives_the_team_write_on_what_this_user_made(tmp_path: Path) -> None:
    path = _team_file(tmp_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").touch(mode=0o640)
        Path(f"{path}{suffix}").chmod(0o640)
    connection.mend_what_a_reader_made(path)
    assert [Path(f"{path}{s}").stat().st_mode & 0o777 for s in ("-wal", "-shm")] == [0o660] * 2


def test_the_mend_never_takes_write_from_this_users_own_files(tmp_path: Path) -> None:
    """The database chmod-ed 0440 for a while: the mend copied its owner bits, r--, onto
    this user's own -wal and -shm (0460), and their owner could not write even once the file
    was writable again (a tester: "you own it, so run: chmod u+rw")."""
    path = _team_file(tmp_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").touch(mode=0o660)
        Path(f"{path}{suffix}").chmod(0o660)
    path.chmod(0o440)
    connection.mend_what_a_reader_made(path)
    assert [Path(f"{path}{s}").stat().st_mode & 0o777 for s in ("-wal", "-shm")] == [0o660] * 2


def test_the_mend_never_follows_a_link_put_in_the_files_place(tmp_path: Path) -> None:
    """The folder's other writers may swap the -shm for a link to a private file of this
    user's between a look and a chmod: a reviewer opened such a file to the team that way."""
    path = _team_file(tmp_path)
    private = tmp_path / "private-notes"
    private.write_text("mine")
    private.chmod(0o600)
    Path(f"{path}-shm").symlink_to(private)
    connection.mend_what_a_reader_made(path)
    assert private.stat().st_mode & 0o777 == 0o600


def test_the_mend_leaves_a_file_of_another_group_than_the_folders_alone(tmp_path: Path) -> None:
    """The folder's group would be given the recent changes of a file it may not read."""
    import os

    if os.geteuid() != 0:
        pytest.skip("needs root, to give the file a group other than the folder's")
    path = _team_file(tmp_path)
    os.chown(path, -1, 4343)
    Path(f"{path}-wal").touch()
    Path(f"{path}-wal").chmod(0o640)
    connection.mend_what_a_reader_made(path)
    assert Path(f"{path}-wal").stat().st_mode & 0o777 == 0o640


def test_closing_an_o_path_descriptor_keeps_this_processes_sqlite_locks(tmp_path: Path) -> None:
    """What the mend relies on (shared/SQLITE.md: closing any descriptor of the file drops
    every POSIX lock the process holds on it): an O_PATH one does not; a read one does (the
    check that this test can tell)."""
    import os
    import subprocess
    import sys

    path = tmp_path / "locks.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    probe = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
        "try:\n    c.execute('BEGIN IMMEDIATE'); print('free')\n"
        "except sqlite3.OperationalError: print('held')\n"
    )

    def lock() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=60
        )
        return done.stdout.strip()

    try:
        assert lock() == "held"
        handle = os.open(f"{path}-shm", os.O_PATH | os.O_NOFOLLOW)
        os.chmod(f"/proc/self/fd/{handle}", 0o640)
        os.close(handle)
        assert lock() == "held"
        os.close(os.open(f"{path}-shm", os.O_RDONLY))
        assert lock() == "free"
    finally:
        holder.close()


def test_doctor_run_by_a_reader_mends_what_its_read_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """doctor opens the file by itself (``connect_file``): as a reader its read could make
    the -wal and -shm with the file's 0640 and lock the writers out (a reviewer)."""
    import os

    from pdca.db import doctor

    path = _team_file(tmp_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").touch()
        Path(f"{path}{suffix}").chmod(0o640)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda name, mode, **kw: not mode & os.W_OK and real_access(name, mode)
    )
    doctor.diagnose(path)
    assert [Path(f"{path}{s}").stat().st_mode & 0o777 for s in ("-wal", "-shm")] == [0o660] * 2
