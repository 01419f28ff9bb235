"""Backups of the database, and putting one back: copies made by SQLite, never by Python.

- ``backup``: SQLite's backup API copies every page in one step, that is inside one read
  transaction on the database, so the copy is the database as of one commit while others
  keep writing (WAL: writers never wait for it; rollback journal, on a network filesystem:
  writers wait for the copy, as for any reader). The copy is written under a temporary name
  in the destination's folder, checked (``integrity_check``, pdca's application id), and
  only then linked to its real name, which never replaces a file: nobody ever finds half a
  backup under a backup's name, and a damaged database never pushes good backups out.
- ``restore``: the backup API again, from the file into a connection to the live database:
  one write transaction, so every other process sees the old contents or the new, never a
  mix, and the file keeps its inode, its ``-wal`` and its locks (renaming a file over a
  database others have open would lose their writes). First the file is checked, and the
  current contents are kept as a backup named ``...before-restore.db``.
- Nothing here opens the database, its ``-wal``, ``-shm`` or ``-journal`` except SQLite
  (see shared/SQLITE.md); every other look is ``os.stat``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from db import schema
from db.access import cannot_reach, describe_owner, login_name, what_to_ask
from db.connection import (
    BUSY_TIMEOUT_SECONDS,
    connect_file,
    database_files,
    open_database,
    refuse_database_file,
    refuse_orphaned_journals,
)
from db.errors import (
    DatabaseBroken,
    DatabaseBusy,
    DatabaseProblem,
    InvalidInput,
    PdcaError,
    ReadOnlyDatabase,
    database_failure,
)
from db.filesystem import directory_is_group_shared, filesystem_of

FOLDER_NAME = "backups"
DEFAULT_KEEP = 7
MOST_KEPT = 10_000
STALE_AFTER = timedelta(days=1)
BEFORE_RESTORE = "before-restore"
_STAMP = "%Y%m%dT%H%M%SZ"
_ATTEMPT_MS = 200  # one try at being alone with the file; others wait at most this long
_RETRY_SECONDS = 0.5
_TEMPORARY_KINDS = ("bak", "bak-journal", "bak-wal", "bak-shm", "new", "new-journal")
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


@dataclass(frozen=True)
class BackupFile:
    """A file in a backups folder named the way pdca names its backups."""

    path: Path
    taken: datetime
    counter: int
    before_restore: bool

    def age(self, now: datetime) -> timedelta:
        return max(now - self.taken, timedelta(0))


@dataclass(frozen=True)
class BackupResult:
    database: Path
    path: Path
    bytes: int
    seconds: float  # the whole command
    read_seconds: float  # how long the database's read transaction lasted
    removed: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    source: Path
    before_restore: Path | None  # None when there was no database to keep
    schema_version: int
    upgraded_from: int | None
    integrity: str
    others: list[str]  # who had it open (restored under them with --force)
    seconds: float  # the whole restore
    held_seconds: float  # how long others could not read or write (without --force)


# --------------------------------------------------------------------------- names


def default_folder(database: Path) -> Path:
    """``<the database's folder>/backups``."""
    return Path(os.path.abspath(database)).parent / FOLDER_NAME


def _base(database: Path) -> str:
    """``pdca`` for ``pdca.db``: backups are ``pdca.<stamp>.db``."""
    name = Path(database).name
    return name[: -len(".db")] if name.endswith(".db") and len(name) > 3 else name


def backup_file_name(
    database: Path, taken: datetime, counter: int = 1, before: bool = False
) -> str:
    """``pdca.20261123T090000Z.db`` (UTC: sorted by name, oldest first, to the second);
    ``-2`` ... for more in one second; ``.before-restore`` for the copy ``restore`` keeps."""
    stamp = taken.astimezone(UTC).strftime(_STAMP)
    return (
        f"{_base(database)}.{stamp}"
        + (f"-{counter}" if counter > 1 else "")
        + (f".{BEFORE_RESTORE}" if before else "")
        + ".db"
    )


def _pattern(database: Path) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(_base(database))}\.(\d{{8}}T\d{{6}}Z)(?:-(\d+))?"
        rf"(\.{BEFORE_RESTORE})?\.db$"
    )


def list_backups(database: Path, folder: Path | None = None) -> list[BackupFile]:
    """pdca's backups of ``database`` in ``folder`` (default: its backups folder), newest
    first: regular files named as pdca names them. Names only (``os.scandir``, ``lstat``)."""
    folder = folder or default_folder(database)
    pattern = _pattern(database)
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = pattern.match(entry.name)
        if not match:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
        except (OSError, ValueError):
            continue
        counter = int(match.group(2) or 1)
        found.append(BackupFile(Path(entry.path), taken, counter, bool(match.group(3))))
    return sorted(found, key=lambda b: (b.taken, b.counter, b.path.name), reverse=True)


# --------------------------------------------------------------------------- looking at a copy


def _quote(path: Path) -> str:
    return quote(str(path), safe="/")


@contextlib.contextmanager
def _read_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a copy (a backup, a file to restore) that leaves nothing
    beside it: read as it stands (``immutable``) unless it has a ``-wal`` or ``-shm`` of its
    own, which SQLite must then read through (a read-only open of a WAL file would otherwise
    leave a ``-wal`` and ``-shm`` behind)."""
    in_use = any(os.path.lexists(f"{path}{suffix}") for suffix in ("-wal", "-shm"))
    uri = f"file:{_quote(path)}?mode=ro" + ("" if in_use else "&immutable=1")
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def _integrity(connection: sqlite3.Connection) -> list[str]:
    return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def _summary(rows: list[str]) -> str:
    shown = "; ".join(rows[:2])
    return shown + (f" (and {len(rows) - 2} more)" if len(rows) > 2 else "")


def _version_problem(connection: sqlite3.Connection) -> tuple[int, str | None]:
    """(schema version, why it is not a pdca database this pdca can use, or None)."""
    if connection.execute("PRAGMA page_count").fetchone()[0] == 0:
        return 0, "is an empty file, not a pdca database"
    application_id, version = schema.read_versions(connection)
    if application_id != schema.APPLICATION_ID:
        return version, "is a SQLite database, but not a pdca one"
    if version > schema.schema_version():
        return version, (
            f"has schema version {version}; this pdca knows up to version "
            f"{schema.schema_version()}: upgrade pdca first"
        )
    return version, None


def check_copy(path: Path) -> tuple[int, str | None]:
    """(schema version, None) for a whole pdca database this pdca can read, else (version,
    what is wrong with it, in words that follow the file's name)."""
    try:
        with _read_copy(path) as connection:
            version, problem = _version_problem(connection)
            if problem:
                return version, problem
            rows = _integrity(connection)
            if rows != ["ok"]:
                return version, f"is damaged ({_summary(rows)})"
            return version, None
    except sqlite3.Error as error:
        return 0, _copy_failure(error)


def _copy_failure(error: sqlite3.Error) -> str:
    primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    if primary == sqlite3.SQLITE_NOTADB:
        return "is not a SQLite database"
    if primary == sqlite3.SQLITE_CORRUPT:
        return f"is damaged ({error})"
    if primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY):
        return f"cannot be read ({error})"
    return f"cannot be read ({error})"


def newest_good_backup(database: Path, folder: Path | None = None) -> BackupFile | None:
    """The newest of pdca's backups (not the copies kept before a restore) that is a whole
    pdca database this pdca can read; checking stops at the first good one."""
    for candidate in list_backups(database, folder):
        if candidate.before_restore:
            continue
        _, problem = check_copy(candidate.path)
        if problem is None:
            return candidate
    return None


def restore_command(database: Path, backup: Path) -> str:
    return f"pdca --db {database} restore {backup}"


def _good_hint(database: Path) -> str:
    good = newest_good_backup(database)
    if good is None:
        return ""
    return f"; the newest good backup is {good.path}: {restore_command(database, good.path)}"


# --------------------------------------------------------------------------- files and folders


def _stat(path: Path, field_name: str) -> os.stat_result | None:
    """``os.stat`` (opens nothing), None when missing; a one-line refusal when it cannot
    be looked at."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InvalidInput(
                field_name, str(path), f"is a link to {os.readlink(path)}, which does not exist"
            ) from None
        return None
    except NotADirectoryError:
        raise InvalidInput(field_name, str(path), "has a part that is not a folder") from None
    except PermissionError:
        raise DatabaseProblem(cannot_reach(path)) from None
    except OSError as error:
        raise InvalidInput(field_name, str(path), f"cannot be used ({error.strerror})") from None


def _writable_folder(folder: Path, field_name: str) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(
            field_name,
            str(folder),
            f"is a folder {login_name()} may not write ({describe_owner(folder)}): "
            f"{what_to_ask(folder, 'write')}, or name another",
        )


def _make_default_folder(database: Path) -> Path:
    """``backups/`` beside the database, made for the team when the database's folder is
    the team's (same group through setgid, ``2770``), else private (``0700``)."""
    folder = default_folder(database)
    info = _stat(folder, "backups folder")
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            raise InvalidInput("backups folder", str(folder), "exists but is not a folder")
        _writable_folder(folder, "backups folder")
        return folder
    parent = folder.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InvalidInput(
            "backups folder",
            str(folder),
            f"cannot be made: {login_name()} may not write {parent} "
            f"({describe_owner(parent)}); name a folder you may write: pdca backup ~/pdca-backups/",
        )
    shared = directory_is_group_shared(parent)
    with contextlib.suppress(FileExistsError):  # someone else made it a moment ago: fine
        os.mkdir(folder, 0o700)
        os.chmod(folder, 0o2770 if shared else 0o700)
    return folder


def _copy_mode(database: Path) -> int:
    """The database's own read/write bits for its owner and group, never anyone else's:
    ``0660`` for a team's file, ``0600`` for a private one."""
    try:
        mode = os.stat(database).st_mode & 0o660
    except OSError:
        mode = 0o600
    return mode | 0o600


def _fsync_folder(folder: Path) -> None:
    """Make the new name itself durable (a folder, never a database file, is opened)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _link(temporary: Path, target: Path) -> None:
    """Give the complete, closed ``temporary`` the name ``target``; FileExistsError when
    that name is taken (nothing is ever replaced)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        if os.path.lexists(target):  # no hard links here: rename, looking first
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.rename(temporary, target)


def _remove_temporary(temporary: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def sweep_temporaries(folder: Path, database: Path) -> None:
    """Remove temporary copies that a killed pdca left in ``folder``: only names made by
    ``schema.temporary_name`` for this database on this host, by a process no longer
    running, at least an hour ago (as ``schema.sweep_leftovers``, and their -wal/-shm)."""
    host = socket.gethostname().replace(".", "-") or "host"
    prefix = f".{Path(database).name}.{host}."
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        parts = entry.name.removeprefix(prefix).split(".")
        if len(parts) != 3 or parts[2] not in _TEMPORARY_KINDS or not parts[0].isdigit():
            continue
        try:
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < 3600:
                continue
            os.kill(int(parts[0]), 0)
        except ProcessLookupError:
            Path(entry.path).unlink(missing_ok=True)
        except (OSError, OverflowError):
            continue


# --------------------------------------------------------------------------- backup


def _check_keep(keep: int | None) -> None:
    if keep is not None and not 1 <= keep <= MOST_KEPT:
        raise InvalidInput("--keep", keep, f"must be a whole number from 1 to {MOST_KEPT}")


def _destination(database: Path, given: Path | str) -> tuple[Path, Path | None]:
    """(the folder to write in, the file's exact path or None to name it by the time).
    ``given`` as typed: a trailing ``/`` means a folder."""
    dest = Path(given)
    refuse_database_file(dest, database, "DEST")
    info = _stat(dest, "DEST")
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            _writable_folder(dest, "DEST")
            return Path(os.path.abspath(dest)), None
        if stat.S_ISREG(info.st_mode):
            raise InvalidInput(
                "DEST",
                str(dest),
                "exists; pdca never overwrites a file: name a new file, or a folder",
            )
        raise InvalidInput("DEST", str(dest), "is not a regular file or a folder")
    if str(given).endswith(os.sep):
        raise InvalidInput("DEST", str(given), "is not an existing folder")
    dest = Path(os.path.abspath(dest))
    parent_info = _stat(dest.parent, "DEST's folder")
    if parent_info is None:
        raise InvalidInput(
            "DEST", str(dest), f"cannot be made: folder {dest.parent} does not exist"
        )
    if not stat.S_ISDIR(parent_info.st_mode):
        raise InvalidInput("DEST", str(dest), f"cannot be made: {dest.parent} is not a folder")
    _writable_folder(dest.parent, "DEST's folder")
    return dest.parent, dest


def backup(
    database: Path,
    dest: Path | str | None = None,
    *,
    keep: int | None = None,
    now: datetime,
    mountinfo: str | None = None,
) -> BackupResult:
    """Copy ``database`` to ``dest`` (a folder, default ``backups/`` beside it, or a new
    file), keeping the newest ``keep`` (default 7) of pdca's backups in that folder."""
    started = time.perf_counter()
    database = Path(os.path.abspath(database))
    _check_keep(keep)
    folder, exact = _destination(database, dest) if dest is not None else (None, None)
    if exact is not None and keep is not None:
        raise InvalidInput("--keep", keep, "applies to a folder of backups, not to one file")
    try:
        opened = open_database(database, create=False, migrate=False, mountinfo=mountinfo)
    except DatabaseBroken as error:
        raise DatabaseBroken(f"{error}; no backup written{_good_hint(database)}") from None
    try:
        if folder is None:  # made only once the database is known to be one
            folder = _make_default_folder(database)
        temporary = schema.temporary_name(folder / database.name, "bak")
        try:
            read_seconds = _copy_checked(opened.connection, database, temporary)
            target = _publish(temporary, folder, exact, database, now)
        finally:
            _remove_temporary(temporary)
    finally:
        opened.connection.close()
    _fsync_folder(folder)
    removed = []
    if exact is None:
        removed = _rotate(database, folder, keep or DEFAULT_KEEP, keep_also=target)
        sweep_temporaries(folder, database)
    return BackupResult(
        database,
        target,
        os.stat(target).st_size,
        time.perf_counter() - started,
        read_seconds,
        removed,
    )


def _copy_into(
    source: sqlite3.Connection, temporary: Path, mode: int, *, damaged: bool = False
) -> float:
    """Copy every page of ``source`` into the new file ``temporary`` in one step (one read
    transaction on the source); the seconds that read lasted. The copy is left in the
    rollback-journal mode, so opening it later makes no -wal or -shm beside it (``damaged``:
    a copy kept as it is even when SQLite cannot read its schema to change that)."""
    target = sqlite3.connect(f"file:{_quote(temporary)}?mode=rwc", uri=True, isolation_level=None)
    try:
        os.chmod(temporary, mode)
        target.execute("PRAGMA journal_mode = OFF")  # a copy that fails is thrown away
        began = time.perf_counter()
        source.backup(target)
        seconds = time.perf_counter() - began
        try:
            target.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.DatabaseError:
            if not damaged:
                raise
        return seconds
    finally:
        target.close()


def _copy_checked(source: sqlite3.Connection, database: Path, temporary: Path) -> float:
    try:
        seconds = _copy_into(source, temporary, _copy_mode(database))
    except sqlite3.Error as error:
        primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        if primary == sqlite3.SQLITE_FULL:  # reading never fills a disk: the copy's did
            raise DatabaseProblem(
                f"{temporary.parent}: the disk is full; no backup written"
            ) from None
        if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_BUSY):
            raise _failure(database, error, "no backup written") from None
        raise DatabaseProblem(  # the database's disk or the copy's: say which was tried
            f"{database}: copying it into {temporary.parent} failed ({error}); no backup written"
        ) from None
    except PermissionError as error:
        raise DatabaseProblem(
            f"{temporary.parent}: cannot write there ({error.strerror}); no backup written"
        ) from None
    _, problem = check_copy(temporary)
    if problem is not None and problem.startswith("is damaged"):
        raise DatabaseBroken(
            f"{database}: the copy {problem.removeprefix('is ')}, so the database is too; "
            f"no backup written (good ones are kept){_good_hint(database)}"
        )
    if problem is not None:
        raise DatabaseProblem(f"{database}: the copy just written {problem}; no backup written")
    return seconds


def _publish(
    temporary: Path, folder: Path, exact: Path | None, database: Path, now: datetime
) -> Path:
    if exact is not None:
        try:
            _link(temporary, exact)
        except FileExistsError:
            raise InvalidInput(
                "DEST", str(exact), "appeared while the backup was written; nothing replaced"
            ) from None
        return exact
    return _link_numbered(temporary, folder, database, now, before=False)


def _link_numbered(
    temporary: Path, folder: Path, database: Path, now: datetime, *, before: bool
) -> Path:
    """Link ``temporary`` to the first free backup name for ``now`` in ``folder``."""
    counter = 1
    while True:
        target = folder / backup_file_name(database, now, counter, before)
        try:
            _link(temporary, target)
        except FileExistsError:
            counter += 1
            continue
        return target


def _same_file(path: Path, database: Path) -> bool:
    try:
        one, other = os.stat(path), os.stat(database)
    except OSError:
        return False
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


def _rotate(database: Path, folder: Path, keep: int, keep_also: Path) -> list[Path]:
    """Remove all but the newest ``keep`` of pdca's backups of ``database`` in ``folder``:
    only files named as pdca names them that SQLite says are pdca databases, never the copy
    just made, a copy kept before a restore, the database itself, or a file in use as a
    database (a -wal, -shm or -journal beside it)."""
    removed = []
    regular = [b for b in list_backups(database, folder) if not b.before_restore]
    for old in regular[keep:]:
        path = old.path
        if path == keep_also or _same_file(path, database):
            continue
        if os.path.abspath(path) in database_files(database):
            continue
        if any(os.path.lexists(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")):
            continue
        try:
            with _read_copy(path) as connection:
                application_id, _ = schema.read_versions(connection)
        except sqlite3.Error:
            continue
        if application_id != schema.APPLICATION_ID:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


# --------------------------------------------------------------------------- restore


def _check_source(source: Path, database: Path) -> None:
    """Refuse, by ``os.stat`` alone (so a FIFO never blocks an open), what cannot be a
    copy to restore."""
    if not str(source).strip():
        raise InvalidInput("FILE", str(source), "is not a path")
    info = _stat(source, "FILE")
    if info is None:
        raise InvalidInput("FILE", str(source), "does not exist")
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput("FILE", str(source), "is a folder; name a backup file in it")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput("FILE", str(source), "is not a regular file")
    refuse_database_file(source, database, "FILE")
    if not os.access(source, os.R_OK):
        raise DatabaseProblem(cannot_reach(source))


def _open_source(source: Path) -> tuple[sqlite3.Connection, int]:
    """The checked copy, open read-only, and its schema version; a one-line refusal for
    anything but a whole pdca database this pdca knows."""
    in_use = any(os.path.lexists(f"{source}{suffix}") for suffix in ("-wal", "-shm"))
    uri = f"file:{_quote(source)}?mode=ro" + ("" if in_use else "&immutable=1")
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        version, problem = _version_problem(connection)
        if problem is None:
            rows = _integrity(connection)
            if rows != ["ok"]:
                problem = f"is damaged ({_summary(rows)})"
    except sqlite3.Error as error:
        connection.close()
        raise InvalidInput(
            "FILE", str(source), _copy_failure(error) + "; nothing restored"
        ) from None
    if problem is not None:
        connection.close()
        raise InvalidInput("FILE", str(source), problem + "; nothing restored")
    return connection, version


def _failure(database: Path, error: sqlite3.Error, nothing: str) -> PdcaError:
    """A SQLite failure on the database, in one line ending with what was not done."""
    known = database_failure(database, error)
    if known is None:
        return DatabaseProblem(f"{database}: {error}; {nothing}")
    return type(known)(f"{known}; {nothing}")


def _others(database: Path, filesystem: str, now: datetime) -> list[str]:
    """Who has the board open, from the presence rows (db/presence.py): ``login on host``."""
    from db.clock import iso
    from db.presence import PRESENT_WITHIN_SECONDS

    cutoff = iso(now - timedelta(seconds=PRESENT_WITHIN_SECONDS))
    try:
        connection = _connect_live(database, filesystem)
    except sqlite3.Error:
        return []
    try:
        rows = connection.execute(
            "SELECT DISTINCT login, host FROM sessions WHERE seen_at >= ? ORDER BY login, host",
            (cutoff,),
        ).fetchall()
    except sqlite3.Error:  # no presence table (an old or damaged file): nobody known
        return []
    finally:
        connection.close()
    return [f"{login} on {host}" for login, host in rows]


def _connect_live(database: Path, filesystem: str) -> sqlite3.Connection:
    connection, _ = connect_file(database, True, filesystem)
    return connection


def _check_live(connection: sqlite3.Connection, database: Path) -> None:
    """The live file must be pdca's (or an empty file): restore never writes over someone
    else's database. A damaged pdca file is fine: that is what restore is for."""
    try:
        application_id, version = schema.read_versions(connection)
        if application_id == schema.APPLICATION_ID:
            return
        if application_id == 0 and version == 0:
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables == 0:
                return
    except sqlite3.Error as error:
        primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        if primary == sqlite3.SQLITE_CORRUPT:
            return
        if primary == sqlite3.SQLITE_NOTADB:
            raise DatabaseBroken(
                f"{database}: not a SQLite database (or its first page is damaged), so SQLite "
                "cannot write a copy into it; nothing restored: once nobody has it open, move "
                "it away and run the same pdca restore again (it then makes the file anew)"
            ) from None
        raise _failure(database, error, "nothing restored") from None
    raise DatabaseProblem(
        f"{database}: a SQLite database, but not a pdca one; nothing restored (left untouched)"
    )


def _try_alone(database: Path, filesystem: str) -> sqlite3.Connection | None:
    """A connection holding the file to itself (EXCLUSIVE locking mode, set before its first
    read, so the lock stays until it is closed), or None when another connection has the
    file open: in WAL mode every connection that has read holds a shared lock until it
    closes. Trying makes others wait at most ``_ATTEMPT_MS``."""
    connection = _connect_live(database, filesystem)
    try:
        connection.execute(f"PRAGMA busy_timeout = {_ATTEMPT_MS}")
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return connection
    except sqlite3.OperationalError as error:
        connection.close()
        primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return None
        raise _failure(database, error, "nothing restored") from None
    except BaseException:
        connection.close()
        raise


def _alone(
    database: Path, filesystem: str, wait: float | None, clock: Callable[[], datetime]
) -> sqlite3.Connection:
    """Wait (up to ``wait`` seconds) until no board is present (db/presence.py: a board on
    a network filesystem holds no lock between reads) and no connection has the file open;
    then hold it alone. Refused, naming who is there, when that does not happen in time."""
    deadline = time.monotonic() + (wait or 0)
    while True:
        others = _others(database, filesystem, clock())
        if not others:
            connection = _try_alone(database, filesystem)
            if connection is not None:
                return connection
        if time.monotonic() >= deadline:
            who = ", ".join(others) if others else "a pdca command, or another SQLite program"
            waited = f" after waiting {wait:g} s" if wait else ""
            raise DatabaseBusy(
                f"{database} is open elsewhere{waited} ({who}); nothing restored: ask them to "
                "quit pdca, or run again with --wait (until they have) or --force (restore "
                "under them)"
            )
        time.sleep(_RETRY_SECONDS)


def restore(
    database: Path,
    source: Path,
    *,
    clock: Callable[[], datetime],
    wait: float | None = None,
    force: bool = False,
    mountinfo: str | None = None,
) -> RestoreResult:
    """Replace the contents of ``database`` with the copy ``source``, in one transaction,
    after keeping the current contents in the backups folder (``...before-restore.db``).

    Refused, leaving the database as it was, when ``source`` is not a whole pdca database
    this pdca can read, or while others have the database open (unless ``wait``: seconds to
    wait for them to leave; or ``force``). A missing database is made from the copy. An
    older copy is upgraded afterwards, as any pdca upgrades a file it opens.
    """
    started = time.perf_counter()
    database = Path(os.path.abspath(database))
    source = Path(os.path.abspath(source))
    _check_source(source, database)
    info = _stat(database, "--db")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DatabaseProblem(f"{database}: not a regular file; nothing restored")
    if info is not None and info.st_nlink > 1:
        raise DatabaseProblem(
            f"{database} has {info.st_nlink} names (hard links); remove the extra ones (find "
            f"{database.parent} -samefile {database}), then restore; nothing restored"
        )
    source_connection, version = _open_source(source)
    before: Path | None = None
    others: list[str] = []
    held = 0.0
    try:
        if info is None:
            _restore_as_new(source_connection, database)
        else:
            before, others, held = _restore_in_place(
                source_connection, source, database, clock, wait, force, mountinfo
            )
    finally:
        source_connection.close()
    # Opened as every pdca opens it: its journal mode set, an older schema upgraded.
    opened = open_database(database, create=False, mountinfo=mountinfo)
    try:
        rows = _integrity(opened.connection)
        current = schema.read_versions(opened.connection)[1]
    finally:
        opened.connection.close()
    if rows != ["ok"]:
        kept = f"; the contents before are in {before}" if before else ""
        raise DatabaseBroken(
            f"{database}: restored, but integrity_check says {_summary(rows)}{kept}"
        )
    return RestoreResult(
        database=database,
        source=source,
        before_restore=before,
        schema_version=current,
        upgraded_from=version if version < current else None,
        integrity="ok",
        others=others,
        seconds=time.perf_counter() - started,
        held_seconds=held,
    )


def _restore_in_place(
    source: sqlite3.Connection,
    source_file: Path,
    database: Path,
    clock: Callable[[], datetime],
    wait: float | None,
    force: bool,
    mountinfo: str | None,
) -> tuple[Path, list[str], float]:
    """Keep the current contents, then copy ``source`` over them in one write transaction;
    (the copy kept, who had the file open when ``force`` restored under them, how long the
    file was held alone)."""
    if not (os.access(database, os.W_OK) and os.access(database.parent, os.W_OK | os.X_OK)):
        raise ReadOnlyDatabase(
            f"{database}: {login_name()} may not write it or its folder "
            f"({describe_owner(database)}); nothing restored"
        )
    filesystem = filesystem_of(database.parent, mountinfo)
    try:
        look = _connect_live(database, filesystem)
    except sqlite3.Error as error:
        raise _failure(database, error, "nothing restored") from None
    try:
        _check_live(look, database)
    finally:
        look.close()
    folder = _make_default_folder(database)
    others: list[str] = []
    if force:
        others = _others(database, filesystem, clock())
        connection = _connect_live(database, filesystem)
    else:
        connection = _alone(database, filesystem, wait, clock)
    taken = time.perf_counter()
    try:
        before = _keep_before(connection, database, folder, datetime.now(UTC))
        try:
            source.backup(connection)  # one write transaction on the database
        except sqlite3.Error as error:
            raise _restore_failure(
                source, source_file, connection, database, error, before
            ) from None
    finally:
        connection.close()  # the last connection: SQLite checkpoints the copy into the file
    return before, others, 0.0 if force else time.perf_counter() - taken


def _restore_failure(
    source: sqlite3.Connection,
    source_file: Path,
    live: sqlite3.Connection,
    database: Path,
    error: sqlite3.Error,
    before: Path,
) -> PdcaError:
    nothing = f"nothing restored (the contents before are in {before})"
    with contextlib.suppress(sqlite3.Error):
        source_page = source.execute("PRAGMA page_size").fetchone()[0]
        live_page = live.execute("PRAGMA page_size").fetchone()[0]
        if source_page != live_page:  # SQLite cannot change a WAL file's page size in place
            return InvalidInput(
                "FILE",
                str(source_file),
                f"has {source_page}-byte pages and the database {live_page}-byte ones; {nothing}",
            )
    return _failure(database, error, nothing)


def _keep_before(
    connection: sqlite3.Connection, database: Path, folder: Path, now: datetime
) -> Path:
    """Copy the current contents, as they are (damaged or not), to ``...before-restore.db``."""
    temporary = schema.temporary_name(folder / database.name, "bak")
    try:
        try:
            _copy_into(connection, temporary, _copy_mode(database), damaged=True)
        except sqlite3.Error as error:
            raise DatabaseProblem(
                f"{database}: keeping its contents in {folder} first failed ({error}); "
                "nothing restored"
            ) from None
        target = _link_numbered(temporary, folder, database, now, before=True)
    finally:
        _remove_temporary(temporary)
    _fsync_folder(folder)
    return target


def _restore_as_new(source: sqlite3.Connection, database: Path) -> None:
    """No database at the path (a lost disk): make it from the copy, under a temporary name
    linked into place complete, the way a new database is made (db/connection.py)."""
    refuse_orphaned_journals(database, "nothing restored")
    folder_info = _stat(database.parent, "--db")
    if folder_info is None or not stat.S_ISDIR(folder_info.st_mode):
        raise DatabaseProblem(
            f"{database}: folder {database.parent} does not exist; nothing restored"
        )
    if not os.access(database.parent, os.W_OK | os.X_OK):
        raise ReadOnlyDatabase(
            f"{database}: {login_name()} may not create files in {database.parent} "
            f"({describe_owner(database.parent)}); nothing restored"
        )
    mode = 0o660 if directory_is_group_shared(database.parent) else 0o600
    temporary = schema.temporary_name(database, "new")
    try:
        try:
            _copy_into(source, temporary, mode)
        except sqlite3.Error as error:
            raise DatabaseProblem(
                f"{database}: could not write the copy ({error}); nothing restored"
            ) from None
        try:
            _link(temporary, database)
        except FileExistsError:
            raise DatabaseProblem(
                f"{database} appeared while the copy was written; nothing replaced: run the "
                "restore again to put the copy into it"
            ) from None
    finally:
        _remove_temporary(temporary)
    _fsync_folder(database.parent)


def age_words(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
