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
