"""Backups of the database (``pdca backup``): copies made by SQLite, never by Python.

- ``backup``: SQLite's backup API copies every page in one step, that is inside one read
  transaction on the database, so the copy is the database as of one commit while others
  keep writing (WAL: writers never wait for it; rollback journal, on a network filesystem:
  writers wait for the copy, as for any reader). The copy is written under a temporary name
  in the destination's folder, checked (``integrity_check``, pdca's application id), and
  only then linked to its real name, which never replaces a file: nobody ever finds half a
  backup under a backup's name, and a damaged database never pushes good backups out.
- Putting one back is db/restore.py; the mechanics both share are db/copies.py.
- Nothing here opens the database, its ``-wal``, ``-shm`` or ``-journal`` except SQLite
  (see shared/SQLITE.md); every other look is ``os.stat``.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sqlite3
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pdca.db import commit_marks, copies, schema
from pdca.db.access import (
    describe_owner,
    login_name,
    read_only_mount,
    read_only_mount_said,
    someone_elses_link,
    what_to_ask,
)
from pdca.db.connection import (
    database_files,
    open_database,
    refuse_a_link_to_what_its_maker_may_not_read,
    refuse_database_file,
    the_file_itself,
)
from pdca.db.errors import (
    DatabaseBroken,
    DatabaseProblem,
    InvalidInput,
    shell_word,
)
from pdca.db.filesystem import directory_is_group_shared, size_words
from pdca.db.input_files import sqlite_side_name

FOLDER_NAME = "backups"
DEFAULT_KEEP = 7
MOST_KEPT = 10_000
STALE_AFTER = timedelta(days=1)
BEFORE_RESTORE = "before-restore"
_STAMP = "%Y%m%dT%H%M%SZ"
# What a killed pdca may leave: a backup's temporary copy, a new database, a restore's
# scratch copy (``new``: opened as pdca opens a file, so with a -wal and -shm for a moment).
_TEMPORARY_KINDS = (
    "bak",
    "bak-journal",
    "bak-wal",
    "bak-shm",
    "new",
    "new-journal",
    "new-wal",
    "new-shm",
)


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
    # What in the file pdca did not make (a column sqlite-utils added, an FTS table), which
    # ``pdca restore`` refuses in a copy: None when the copy is as pdca makes a file
    not_pdcas: str | None = None


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


def newest_good_backup(database: Path, folder: Path | None = None) -> BackupFile | None:
    """The newest of pdca's backups (not the copies kept before a restore) that is a whole
    pdca database this pdca can read; checking stops at the first good one."""
    for candidate in list_backups(database, folder):
        if candidate.before_restore:
            continue
        _, problem = copies.check_copy(candidate.path)
        if problem is None:
            return candidate
    return None


def restore_command(database: Path, backup: Path) -> str:
    return f"pdca --db {shell_word(database)} restore {shell_word(backup)}"


def good_hint(database: Path) -> str:
    good = newest_good_backup(database)
    if good is None:
        return ""
    return f"; the newest good backup is {good.path}: {restore_command(database, good.path)}"


# --------------------------------------------------------------------------- files and folders


def _writable_folder(folder: Path, field_name: str) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        if (mount := read_only_mount(folder / "x")) is not None:
            # No mode lets anyone write there: "may not write (mode 0755)" sent an admin to
            # chmod a folder on a read-only mount (a retrial)
            raise InvalidInput(
                field_name,
                str(folder),
                f"is on a mount no one may write: {read_only_mount_said(mount)}",
            )
        if field_name.startswith("DEST"):
            # A folder named for one copy: another is named, not this one opened to a team
            # ("ask its owner root to run: chgrp team /tmp/x && chmod g+ws", a trial)
            advice = (
                "name a folder you may write (without DEST, pdca backup keeps it in backups/"
                " beside the database)"
            )
        else:
            advice = f"{what_to_ask(folder, 'write')}, or name another"
        raise InvalidInput(
            field_name,
            str(folder),
            f"is a folder {login_name()} may not write ({describe_owner(folder)}): {advice}",
        )


def folder_not_folder(folder: Path, database: Path) -> str:
    """What to say of a backups folder's path that holds something else (a file)."""
    return (
        "exists but is not a folder: pdca keeps its backups there; move it away (mv"
        f" {shell_word(folder)} {shell_word(f'{folder}.db')}, if it is a backup), then:"
        f" pdca --db {shell_word(database)} backup"
    )


def _is_default_folder(dest: Path, database: Path) -> bool:
    """``dest`` names the database's own backups folder (as typed, or through links)."""
    wanted = default_folder(database)
    if Path(os.path.abspath(dest)) == wanted:
        return True
    try:
        return Path(os.path.realpath(dest)) == Path(os.path.realpath(wanted))
    except OSError:
        return False


def refuse_someone_elses_link(folder: Path, field: str) -> None:
    """A backups folder that is a colleague's link is not used: backups went where it led,
    and ``--keep`` deleted the backups it found there, someone's own (a reviewer's link into
    ann's private backups, both files named pdca.db)."""
    link = someone_elses_link(folder)
    if link is not None:
        raise InvalidInput(
            field,
            str(folder),
            f"goes through a link: {link}; pdca keeps backups in a real folder, or through a"
            " link of your own: remove that link, then try again",
        )


def make_default_folder(database: Path) -> Path:
    """``backups/`` beside the database, made for the team when the database's folder is
    the team's (same group through setgid, ``2770``), else private (``0700``)."""
    folder = default_folder(database)
    refuse_someone_elses_link(folder, "backups folder")
    info = copies.stat_or_none(folder, "backups folder")
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            raise InvalidInput("backups folder", str(folder), folder_not_folder(folder, database))
        _writable_folder(folder, "backups folder")
        return folder
    parent = folder.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        if (mount := read_only_mount(folder)) is not None:  # no mode helps (a retrial)
            why = f"cannot be made, on a mount no one may write: {read_only_mount_said(mount)}"
            raise InvalidInput("backups folder", str(folder), f"{why}; name a folder elsewhere")
        raise InvalidInput(
            "backups folder",
            str(folder),
            f"cannot be made: {login_name()} may not write {parent} "
            f"({describe_owner(parent)}); name a folder you may write: pdca backup ~/pdca-backups/",
        )
    shared = directory_is_group_shared(parent)
    with contextlib.suppress(FileExistsError):  # someone else made it a moment ago: fine
        os.mkdir(folder, 0o700)
        if shared:  # the team's group, as setgid on the directory would have given it
            with contextlib.suppress(OSError):
                os.chown(folder, -1, parent.stat().st_gid, follow_symlinks=False)
        give_to_the_files_owner(folder, database, keep_group=shared)
        os.chmod(folder, 0o2770 if shared else 0o700)
    return folder


def give_to_the_files_owner(made: Path, database: Path, *, keep_group: bool = False) -> None:
    """What root makes for someone's database (its backups folder, a backup) is theirs: made
    root's, ``backups/`` was root:root 0700, and ann, whose file it was, could neither make
    nor read her own backups again (a sysadmin's trial). Only root may give a file away;
    ``keep_group``: the team's group it has already stays."""
    if os.geteuid() != 0:
        return
    with contextlib.suppress(OSError):
        owner = os.stat(database)
        if owner.st_uid != 0:
            os.chown(made, owner.st_uid, -1 if keep_group else owner.st_gid, follow_symlinks=False)


def sweep_temporaries(folder: Path, database: Path) -> None:
    """Remove temporary copies that a killed pdca left in ``folder``: only names made by
    ``schema.temporary_name`` for this database on this host, by a process no longer
    running, at least an hour ago (as ``schema.sweep_leftovers``, and their -wal/-shm)."""
    for entry in _orphaned(folder, database):
        with contextlib.suppress(OSError):
            if time.time() - entry.stat(follow_symlinks=False).st_mtime >= 3600:
                Path(entry.path).unlink(missing_ok=True)


def temporaries_of(database: Path) -> list[os.DirEntry[str]]:
    """The temporary copies beside ``database``, and in its backups folder, that killed pdca
    runs on this host left (their process is gone), whatever their age: what ``pdca doctor``
    names (a killed hourly backup's, in the folder, went unnamed: a team's soak)."""
    found = [*_orphaned(database.parent, database)]
    found += _orphaned(database.parent / FOLDER_NAME, database)
    return sorted(found, key=lambda entry: entry.name)


def _orphaned(folder: Path, database: Path) -> Iterator[os.DirEntry[str]]:
    """Names ``schema.temporary_name`` made for ``database`` on this host whose process is no
    longer running."""
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
            os.kill(int(parts[0]), 0)
        except ProcessLookupError:
            yield entry
        except (OSError, OverflowError):
            continue  # another user's process that still runs, or no such number


# --------------------------------------------------------------------------- backup


def _check_keep(keep: int | None) -> None:
    if keep is not None and not 1 <= keep <= MOST_KEPT:
        raise InvalidInput("--keep", keep, f"must be a whole number from 1 to {MOST_KEPT}")


def _destination(database: Path, given: Path | str) -> tuple[Path | None, Path | None]:
    """(the folder to write in, the file's exact path or None to name it by the time);
    (None, None) for the database's own backups folder, made (as it is by default) once the
    database is known to be one. ``given`` as typed: a trailing ``/`` means a folder."""
    dest = Path(given)
    refuse_database_file(dest, database, "DEST")
    if _is_default_folder(dest, database):
        return None, None
    refuse_someone_elses_link(Path(str(dest).rstrip(os.sep) or os.sep), "DEST")
    info = copies.stat_or_none(dest, "DEST")
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
        raise InvalidInput(
            "DEST", str(given), "is not an existing folder: make it first, or name a file"
        )
    if (side := sqlite_side_name(dest)) is not None:  # as export --out refuses one
        raise InvalidInput(
            "DEST", str(given), f"is a name SQLite keeps beside a database (a {side}): name another"
        )
    dest = Path(os.path.abspath(dest))
    parent_info = copies.stat_or_none(dest.parent, "DEST's folder")
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
    file), keeping the newest ``keep`` of pdca's backups in that folder. Without ``keep``,
    as many as the folder held, at least 7: a teammate's plain ``pdca backup`` cut a folder
    the team's cron keeps at 48 down to 7 (a soak)."""
    started = time.perf_counter()
    refuse_a_link_to_what_its_maker_may_not_read(database)
    database = the_file_itself(database)
    _check_keep(keep)
    folder, exact = _destination(database, dest) if dest is not None else (None, None)
    if exact is not None and keep is not None:
        raise InvalidInput("--keep", keep, "applies to a folder of backups, not to one file")
    try:
        opened = open_database(database, create=False, migrate=False, mountinfo=mountinfo)
    except DatabaseBroken as error:
        raise DatabaseBroken(f"{error}; no backup written{good_hint(database)}") from None
    made_here = None
    try:
        if folder is None:  # made only once the database is known to be one
            folder = default_folder(database)
            made_here = folder if not os.path.lexists(folder) else None
            folder = make_default_folder(database)
        if keep is None and exact is None:
            held = sum(1 for b in list_backups(database, folder) if not b.before_restore)
            keep = max(DEFAULT_KEEP, held)
        # Killed runs' copies an hour old go first, not only after a backup that fitted: one
        # left by a killed backup stopped every backup after it for want of room (a trial)
        sweep_temporaries(folder, database)
        temporary = schema.temporary_name(folder / database.name, "bak")
        try:
            read_seconds = _copy_checked(opened.connection, database, temporary)
            not_pdcas = _not_pdcas(temporary)
            if dest is None:  # into its own backups folder: the file's owner's, as that is
                give_to_the_files_owner(
                    temporary, database, keep_group=directory_is_group_shared(folder)
                )
            target = _publish(temporary, folder, exact, database, now)
            # Made: a stop or a failed output from here on is no failure to make it (its
            # output into a full disk exited 1, "nothing written", a backup made: a retrial)
            commit_marks.committing()
        except BaseException:
            copies.remove_temporary(temporary)
            if made_here is not None:  # no empty backups/ left by a refused one (a tester)
                with contextlib.suppress(OSError):
                    os.rmdir(made_here)
            raise
        copies.remove_temporary(temporary)
    finally:
        opened.connection.close()
    copies.fsync_folder(folder)
    removed = []
    if exact is None and not_pdcas is None:
        # A copy restore would refuse pushes no older one out (they may be the last that
        # restore takes: a column added with sqlite-utils, and --keep removed them, a trial)
        removed = _rotate(database, folder, keep or DEFAULT_KEEP, keep_also=target)
        sweep_temporaries(folder, database)
        # and beside the database, as doctor says the next backup does (a tester)
        sweep_temporaries(database.parent, database)
    return BackupResult(
        database,
        target,
        os.stat(target).st_size,
        time.perf_counter() - started,
        read_seconds,
        removed,
        not_pdcas,
    )


def _not_pdcas(copy: Path) -> str | None:
    """What in ``copy`` (just written, whole) pdca restore would refuse (``shape_problem``:
    pdca's own objects changed, a trigger of someone's own); None: nothing, or a schema
    older than this pdca's (restore upgrades it first: judged then)."""
    with copies.read_copy(copy) as connection:
        if schema.read_versions(connection)[1] != schema.schema_version():
            return None
        return copies.shape_problem(connection)


def _room_for(database: Path, folder: Path) -> tuple[int, int] | None:
    """(room left in ``folder``, what a copy of ``database`` takes), or None when unknown
    (``statvfs`` and ``stat``: they open nothing)."""
    try:
        found = os.statvfs(folder)
        return found.f_bavail * found.f_frsize, os.stat(database).st_size
    except OSError:
        return None


def _no_room_said(database: Path, folder: Path) -> str:
    """``no room for the backup there (it takes 3.9 MB, 3.6 MB free)``: "the disk is full"
    read oddly of a disk with 3.6 MB free (a tester)."""
    room = _room_for(database, folder)
    said = (
        "the disk is full"  # it filled up meanwhile, or unknown
        if room is None or room[0] >= room[1]
        else f"no room for the backup there (it takes {size_words(room[1])},"
        f" {size_words(room[0])} free)"
    )
    # A killed backup's copy (919 MB) took the room of every backup after it, unsaid, and
    # doctor promised it would go (a file's long life): named, with what removes it now
    left = list(_orphaned(folder, database))
    if left:
        size = sum(entry.stat(follow_symlinks=False).st_size for entry in left)
        names = " ".join(shell_word(Path(entry.path)) for entry in left)
        said += (
            f"; {size_words(size)} of it is {len(left)} cop{'y' if len(left) == 1 else 'ies'}"
            f" killed runs left: rm {names}"
        )
    return said


def _copy_checked(source: sqlite3.Connection, database: Path, temporary: Path) -> float:
    try:
        seconds = copies.copy_into(source, temporary, copies.copy_mode(database))
    except sqlite3.Error as error:
        primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        # Reading never fills a disk: the copy's did. A full disk can come back as an I/O
        # error too ("disk I/O error" blamed the hardware, a tester): the room left says,
        # the half-made copy gone first ("0.0 MB free" where 0.6 MB were, a retrial).
        copies.remove_temporary(temporary)
        room = _room_for(database, temporary.parent)
        if primary == sqlite3.SQLITE_FULL or (
            primary == sqlite3.SQLITE_IOERR and room is not None and room[0] < room[1]
        ):
            raise DatabaseProblem(
                f"{temporary.parent}: {_no_room_said(database, temporary.parent)};"
                " no backup written"
            ) from None
        if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_BUSY):
            raise copies.failure(database, error, "no backup written") from None
        raise DatabaseProblem(  # the database's disk or the copy's: say which was tried
            f"{database}: copying it into {temporary.parent} failed ({error}); no backup written"
        ) from None
    except PermissionError as error:
        raise DatabaseProblem(
            f"{temporary.parent}: cannot write there ({error.strerror}); no backup written"
        ) from None
    _, problem = copies.check_copy(temporary)
    if problem is not None and problem.startswith("is damaged"):
        raise DatabaseBroken(
            f"{database}: the copy {problem}, so the database is too; "
            f"no backup written (good ones are kept){good_hint(database)}"
        )
    if problem is not None:
        raise DatabaseProblem(f"{database}: the copy just written {problem}; no backup written")
    return seconds


def _publish(
    temporary: Path, folder: Path, exact: Path | None, database: Path, now: datetime
) -> Path:
    if exact is not None:
        try:
            copies.link_into_place(temporary, exact)
        except FileExistsError:
            raise InvalidInput(
                "DEST", str(exact), "appeared while the backup was written; nothing replaced"
            ) from None
        return exact
    return link_numbered(temporary, folder, database, now, before=False)


def link_numbered(
    temporary: Path, folder: Path, database: Path, now: datetime, *, before: bool
) -> Path:
    """Link ``temporary`` to the next backup name for ``now`` in ``folder``: after every
    number that second has, never a lower one freed by a rotation, which then sorted as the
    oldest of its second and was the next one removed (a tester's five runs of --keep 2)."""
    taken = now.replace(microsecond=0)
    numbers = [
        b.counter
        for b in list_backups(database, folder)
        if b.taken.replace(microsecond=0) == taken and b.before_restore == before
    ]
    counter = max(numbers, default=0) + 1
    while True:
        target = folder / backup_file_name(database, now, counter, before)
        try:
            copies.link_into_place(temporary, target)
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
            with copies.read_copy(path) as connection:
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


def age_words(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
