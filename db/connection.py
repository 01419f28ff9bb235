"""Opening the one SQLite file safely for many Unix users at once (see shared/SQLITE.md).

- The file is checked before SQLite touches it: a file that is not a database, not pdca's,
  or newer than this pdca is refused and left byte-for-byte as it was.
- WAL on a local filesystem; the rollback journal on a network filesystem, forced every open.
- A 10 s busy wait, foreign keys on, autocommit off (every write is an explicit
  ``BEGIN IMMEDIATE``), so ordinary contention waits instead of failing.
- In a group-writable directory the file is created 0660 before SQLite opens it, because
  SQLite gives ``-wal`` and ``-shm`` exactly the main file's mode.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db import schema
from db.errors import DatabaseProblem
from db.filesystem import directory_is_group_shared, filesystem_of, is_network_filesystem

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class OpenedDatabase:
    connection: sqlite3.Connection
    path: Path
    writable: bool
    filesystem: str
    journal_mode: str
    created: bool
    backup: Path | None


def _check_is_database(path: Path) -> None:
    if not path.is_file():
        raise DatabaseProblem(f"{path}: not a regular file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise DatabaseProblem(f"{path}: you may not read it ({describe_owner(path)})") from None
    if header and header != SQLITE_HEADER:
        raise DatabaseProblem(f"{path}: not a SQLite database (left untouched)")


def describe_owner(path: Path) -> str:
    """``owned by alice:team, mode 0644``, for messages that tell a person what to fix."""
    import grp
    import pwd

    try:
        info = path.stat()
    except OSError as error:
        return error.strerror or str(error)
    try:
        user = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        user = str(info.st_uid)
    try:
        group = grp.getgrgid(info.st_gid).gr_name
    except KeyError:
        group = str(info.st_gid)
    return f"owned by {user}:{group}, mode {info.st_mode & 0o7777:04o}"


def _create_file(path: Path) -> None:
    directory = path.parent
    if not directory.is_dir():
        raise DatabaseProblem(f"{path}: directory {directory} does not exist")
    shared = directory_is_group_shared(directory)
    mode = 0o660 if shared else 0o644
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except FileExistsError:
        return  # someone else created it a moment ago; open theirs
    except PermissionError:
        raise DatabaseProblem(
            f"{path}: you may not create files in {directory} ({describe_owner(directory)})"
        ) from None
    try:
        # umask trims the mode given to open(); in a shared directory the group must write.
        current_umask = os.umask(0)
        os.umask(current_umask)
        final = mode if shared else mode & ~current_umask
        os.fchmod(descriptor, final & ~0o002)
    finally:
        os.close(descriptor)


def open_database(
    path: Path, *, create: bool, mountinfo: str | None = None, migrate: bool = True
) -> OpenedDatabase:
    """Open (and if asked, create) the pdca database at ``path``, ready for reads and writes."""
    path = Path(os.path.abspath(path))
    created = False
    if path.exists():
        _check_is_database(path)
    elif create:
        _create_file(path)
        created = True
    else:
        raise DatabaseProblem(f"no database at {path} (create one with: pdca --db {path} init)")

    if directory_is_group_shared(path.parent):
        # Backups and anything else pdca creates there stay group-writable, never world.
        os.umask(0o007)
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    try:
        connection = connect_file(path, writable)
    except sqlite3.Error as error:
        raise DatabaseProblem(f"{path}: cannot open ({error}; {describe_owner(path)})") from None
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        schema.check_compatible(connection, path)
        filesystem = filesystem_of(path.parent, mountinfo)
        journal_mode = _set_journal_mode(connection, filesystem, writable)
        connection.execute("PRAGMA synchronous = FULL")
        backup = schema.migrate(connection, path, writable=writable) if migrate else None
    except sqlite3.DatabaseError as error:
        connection.close()
        raise DatabaseProblem(f"{path}: {error} ({describe_owner(path)})") from None
    except BaseException:
        connection.close()
        raise
    return OpenedDatabase(connection, path, writable, filesystem, journal_mode, created, backup)


# What SQLite says when a reader may not create the -shm a WAL file needs to be read.
_NO_WAL_INDEX = {sqlite3.SQLITE_READONLY_DIRECTORY, sqlite3.SQLITE_READONLY_CANTINIT}


def connect_file(path: Path, writable: bool) -> sqlite3.Connection:
    """A connection; for a reader who may not write, one that can read without writing.

    A WAL file can only be read through its ``-shm``, which SQLite makes beside the file; a
    reader who may not create files there cannot read a WAL file nobody has open (no ``-wal``,
    no ``-shm``). Such a file holds every commit in the main file, so that reader gets it as it
    stands (``immutable=1``): a snapshot, which does not see writes made after it was opened.
    """
    uri = f"file:{_quote(path)}" + ("" if writable else "?mode=ro")
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    if writable or Path(f"{path}-wal").exists() or Path(f"{path}-shm").exists():
        return connection
    try:
        connection.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as error:
        connection.close()
        if error.sqlite_errorcode not in _NO_WAL_INDEX:
            raise
        connection = sqlite3.connect(
            uri + "&immutable=1", uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
    return connection


def _set_journal_mode(connection: sqlite3.Connection, filesystem: str, writable: bool) -> str:
    current = connection.execute("PRAGMA journal_mode").fetchone()[0]
    if not writable:
        return current
    wanted = "delete" if is_network_filesystem(filesystem) else "wal"
    if current != wanted:
        current = connection.execute(f"PRAGMA journal_mode = {wanted}").fetchone()[0]
    return current


def _quote(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path), safe="/")
