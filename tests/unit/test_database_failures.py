"""SQLite's errors about the file, each said as what it means to the person."""

from __future__ import annotations

import sqlite3

import pytest

from pdca.db.errors import DatabaseBroken, DatabaseProblem, database_failure


def _error(code: int, text: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


def test_no_room_for_the_shm_is_a_full_disk_not_damage() -> None:
    """A tester's full disk: every command, a read too, said "disk I/O error ... the last
    change may not have been written", which read as damage. The -shm could not be grown,
    and nothing had been done."""
    said = database_failure("/srv/team/pdca.db", _error(4874, "disk I/O error"))
    assert type(said) is DatabaseProblem
    assert str(said) == (
        "/srv/team/pdca.db: no room on its disk for the -shm SQLite keeps beside it (the disk"
        " is full?); nothing done: free some space (pdca doctor says how much is left)"
    )


@pytest.mark.parametrize("code", [sqlite3.SQLITE_IOERR, sqlite3.SQLITE_IOERR | (4 << 8)])
def test_any_other_disk_error_still_says_the_last_change_may_be_lost(code: int) -> None:
    said = database_failure("/srv/team/pdca.db", _error(code, "disk I/O error"))
    assert isinstance(said, DatabaseBroken) and "may not have been written" in str(said)
