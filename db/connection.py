"""Opening the one SQLite file safely for many Unix users at once (see shared/SQLITE.md).

- Nothing but SQLite ever opens the database, its ``-wal``, ``-shm`` or ``-journal``. POSIX
  locks belong to the process: closing any descriptor of the file in a process drops every
  lock its SQLite connections hold, and another process may then checkpoint and delete the
  WAL under them (lost writes, a damaged file). So what a file is (not a database, empty,
  someone else's, newer than this pdca, damaged) is asked of SQLite itself, and the only
  other look is ``os.stat``, which opens nothing.
- A new database is built under a temporary name and linked into place complete, so nobody
  ever finds a half-made file at the real name, and two people creating it at the same
  moment end up sharing one.
- WAL on a local filesystem; the rollback journal on a network filesystem, forced every open.
- A 10 s busy wait, foreign keys on, autocommit off (every write is an explicit
  ``BEGIN IMMEDIATE``), so ordinary contention waits instead of failing.
- In a group-writable directory the file is made 0660, because SQLite gives ``-wal`` and
  ``-shm`` exactly the main file's mode; elsewhere it is never world-writable.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from pdca.db import schema
from pdca.db.access import (
    cannot_reach,
    describe_owner,
    file_lets_me_write,
    files_report,
    finding_its_other_names,
    link_to_what_its_maker_may_not_read,
    login_name,
    may_write_now,
    what_to_ask,
)
from pdca.db.errors import (
    IOERR_SHMSIZE,
    DatabaseBroken,
    DatabaseProblem,
    InvalidInput,
    database_failure,
    shell_word,
)
from pdca.db.filesystem import (
    DATABASE_SUFFIXES,
    directory_is_group_shared,
    filesystem_of,
    is_network_filesystem,
    share_with_the_group,
)
from pdca.db.lock_table import holders_of_a_replaced_files_journals, open_files_of

BUSY_TIMEOUT_SECONDS = 10.0
# Filesystems whose files the kernel makes up as they are read: never a database.
KERNEL_FILESYSTEMS = frozenset({"proc", "sysfs", "cgroup", "cgroup2", "debugfs", "tracefs"})

# How text comes out of the file: a value that is not UTF-8 (sqlite3 run in a Latin-1
# terminal, ``CAST(X'41FF42' AS TEXT)``) failed every read of its row, in every command and
# at the app's start, for the whole team, export included (a tester). Its bad bytes read as
# U+FFFD instead; doctor names each such value (schema.text_not_utf8). It costs on reads of
# whole tables: a reviewer's 160 000 rows took 0.88 s against 0.57 s; ``pdca list --json
# --all`` at 100 000 actions, where building the output dominates, took about as long.
LENIENT_TEXT = functools.partial(str, encoding="utf-8", errors="replace")

__all__ = [
    "OpenedDatabase",
    "connect_file",
    "describe_owner",
    "file_identity",
    "where_it_is_now",
    "give_the_team",
    "move_away",
    "open_database",
    "orphaned_journals",
    "the_file_itself",
]


class OpenedDatabase(NamedTuple):  # quick to make at import, as models.ActionFields
    connection: sqlite3.Connection
    path: Path
    writable: bool
    filesystem: str
    journal_mode: str
    created: bool
    backup: Path | None
    identity: tuple[int, int]  # (device, inode) when opened: a replaced file has another
    snapshot: bool  # a reader's immutable copy (see connect_file): open again to see changes
    upgrade: schema.Upgrade | None = None  # this open upgraded the file: say so (its notice)
    initialized: bool = False  # an existing empty file made a pdca database (``pdca init``)
    disk_full: bool = False  # read as a snapshot, no room for its -shm: nothing can be written


def the_file_itself(path: Path | str) -> Path:
    """The database a path names, through any links, as SQLite opens it: SQLite follows
    them and keeps the -wal and -shm beside the file itself. pdca's checks of the folder
    (its group, who may write there) and the backups folder go by that place too; through a
    link in a home folder, a write was refused with advice about the home folder, doctor
    checked the wrong file's modes, and backups went beside the link (a tester). A path to
    nothing is kept as given: opening it says so."""
    # Joined as written: ".." after a link is the system's (the link's target's parent), not
    # the text's; abspath first opened another file than the path names, past the link check
    # (a retrial's shared/bsub/../evil.db)
    absolute = os.path.join(os.getcwd(), os.fspath(path))
    real = os.path.realpath(absolute)
    if os.path.exists(real):
        return Path(real)
    folder, name = os.path.split(absolute)
    if not name:  # ends in "/": no name to keep, the folder as the system reads it
        return Path(real)
    return Path(os.path.realpath(folder)) / name  # a dangling link stays one, to be named


def refuse_a_link_to_what_its_maker_may_not_read(path: Path | str) -> tuple[int, int] | None:
    """Every command's gate, before a path is followed to its file: through a colleague's
    link to a file its maker may not read, nothing is opened, backed up, restored or
    checked (root's backup and restore went through ben's link to ann's private file, where
    the board and export refused it: a reviewer). The (device, inode) of the file judged, or
    None when there is none yet: what is opened must be that file (``open_database``)."""
    written = Path(os.path.join(os.getcwd(), os.fspath(path)))
    before = file_identity(written)
    if (link := link_to_what_its_maker_may_not_read(path, writes=True)) is not None:
        raise DatabaseProblem(link_refused(link))
    if file_identity(written) != before:
        raise DatabaseProblem(changed_while_opened(written))
    return before


def changed_while_opened(path: Path) -> str:
    """A link on the way replaced between its check and the open: a member swapping one
    back and forth led root's list to ann's private file one time in twelve (a reviewer)."""
    return (
        f"{path}: the file it leads to changed while pdca opened it (a link on the way"
        " replaced?); nothing done: run it again, or open the file by its own name"
    )


def link_refused(link: str) -> str:
    return (
        f"{link}: pdca does not open a database through it (a colleague's link would lead"
        " anyone's pdca, root's cron too, to a file they may not see; open the file by its"
        " own name if it is yours to use)"
    )


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path`` now, or None when it is gone (``os.stat``: opens nothing)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def not_the_file_opened(path: Path, identity: tuple[int, int]) -> bool:
    """Whether the file at ``path`` is another than the one opened (``identity``), or none:
    removed. False when it cannot be told: a folder on the way shut to this user (an owner's
    chmod) is no removal, and a board so shut out waits to be let back in. ``os.stat``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return (info.st_dev, info.st_ino) != identity


def where_it_is_now(identity: tuple[int, int]) -> tuple[str, bool] | None:
    """Where a file this process holds open (SQLite's descriptor, found by its device and
    inode) is now, as the kernel names it, and whether it still has a name at all (False:
    removed); None when no descriptor of this process holds it. ``/proc/self/fd`` is read by
    ``stat`` and ``readlink``: nothing is opened."""
    folder = "/proc/self/fd"
    try:
        entries = os.listdir(folder)
    except OSError:
        return None
    for entry in entries:
        link = f"{folder}/{entry}"
        try:
            info = os.stat(link)
            if (info.st_dev, info.st_ino) == identity and stat.S_ISREG(info.st_mode):
                name = os.readlink(link)
                # Its name removed while another link keeps it: the kernel says the old name
                # and " (deleted)", which is no place to open (a reviewer).
                return name, info.st_nlink > 0 and not name.endswith(" (deleted)")
        except OSError:
            continue
    return None


def how_it_went(path: Path, identity: tuple[int, int]) -> str:
    """What became of the file opened (``identity``) at ``path``, in a few words: "replaced by
    another file", "renamed to …", "removed", or "removed or renamed" when it cannot be told.
    A save refused as its folder was renamed said "removed or replaced" under the board's own
    "was renamed to …" (a trial)."""
    if file_identity(path) is not None:
        return "replaced by another file"
    found = where_it_is_now(identity)
    if found is None:
        return "removed or renamed"
    return f"renamed to {found[0]}" if found[1] else "removed"


def _held_by_this_process() -> set[tuple[int, int]]:
    """(device, inode) of every regular file this process holds open (``/proc/self/fd``, by
    ``stat``: nothing is opened)."""
    held: set[tuple[int, int]] = set()
    folder = "/proc/self/fd"
    with contextlib.suppress(OSError):
        for entry in os.listdir(folder):
            with contextlib.suppress(OSError):
                info = os.stat(f"{folder}/{entry}")
                if stat.S_ISREG(info.st_mode):
                    held.add((info.st_dev, info.st_ino))
    return held


# What this process set aside, (from, to) each: a board says it as it stops, whichever of
# its connections (its writer's, as it closed) saw the swap first.
_SET_ASIDE: list[tuple[str, str]] = []


def set_aside_by_this_process(path: Path) -> list[tuple[str, str]]:
    """What ``set_aside_what_it_left`` has moved away from ``path``'s name in this process
    (through a link: the file's, as a store names it)."""
    path = the_file_itself(path)
    return [(left, to) for left, to in _SET_ASIDE if left in (f"{path}-wal", f"{path}-shm")]


def _aside_name(left: str, stamp: str) -> str:
    """``pdca.db-wal.left-by-the-old-file-STAMP``, a name SQLite never takes, and no file's
    yet: a second swap in the same second found the first's there, moved nothing, and the
    old -wal left at the name damaged the file moved in (a retrial); a rename onto it would
    have replaced the first."""
    base = f"{left}.left-by-the-old-file-{stamp}"
    name, count = base, 1
    while os.path.lexists(name):
        count += 1
        name = f"{base}-{count}"
    return name


def _old_name(
    path: Path, old_files: set[int], device: int, seen: list[dict[tuple[int, int], str] | None]
) -> str | None:
    """The old file's name now, when a holder this user may see has it open under a name
    (``mv pdca.db old.db``, even into another folder), with no -wal or -shm of its own yet;
    else None. The kernel's own name for the holder's descriptor (``/proc/PID/fd``): a file
    of the folder found by its inode alone may be another database (a reviewer)."""
    names = {
        name
        for files in seen
        if files is not None
        for (dev, ino), name in files.items()
        if dev == device and ino in old_files
    }
    if len(names) != 1:
        return None
    name = names.pop()
    if name.endswith(" (deleted)") or name == str(path) or not os.path.isabs(name):
        return None
    return None if any(os.path.lexists(f"{name}{s}") for s in ("-wal", "-shm")) else name


def journals_of(path: Path) -> frozenset[tuple[int, int]]:
    """(device, inode) of the -wal and -shm at ``path``'s name now (``os.stat``)."""
    found = (file_identity(Path(f"{path}{suffix}")) for suffix in ("-wal", "-shm"))
    return frozenset(identity for identity in found if identity is not None)


def set_aside_what_it_left(
    path: Path,
    identity: tuple[int, int],
    stamp: str | None = None,
    only: frozenset[tuple[int, int]] | None = None,
) -> list[tuple[str, str]]:
    """After the file this process opened at ``path`` (``identity``) was replaced there, or
    removed: its ``-wal`` and ``-shm``, still under ``path``'s name, are moved away before
    anyone opens what is at ``path``. SQLite takes a ``-wal`` by its name alone: the next
    ``pdca list`` replayed the old file's into the file moved in, and truncated it to the old
    one's size (a trial's ``mv other.db team.db`` beside an open board).

    Only files this process holds open (by device and inode), so they are the old file's,
    never a ``-wal`` made since for the new one; only when another file is at ``path``, or
    the old one has no name left (a file renamed away, with nothing in its place, keeps them
    for its move back). Beside the old file's new name when it has one (``mv team.db
    old.db; mv other.db team.db``: SQLite opening old.db then finds its last changes), else
    aside (``team.db-wal.left-by-the-old-file-STAMP``: SQLite takes only a name ending in
    ``-wal``). The one rename of a ``-wal`` in pdca, against ../shared/SQLITE.md's rule on
    purpose: that rule keeps a ``-wal`` with the database it belongs to, and the name here no
    longer is that database. It opens nothing, so no lock is dropped; every connection
    still on it holds it open and is on a file no longer at ``path``; and this process keeps
    one of them open until it ends (app.py), so none of them, as the last to close,
    checkpoints and deletes by name what is at ``path`` then. A process that opens the new
    file before the board saw the swap (it looks twice a second) does this first, for any
    program's (``set_aside_a_replaced_files_journals``); a store closing on a replaced file
    does this too (a command that was running at the swap).
    ``stamp``: in the names set aside, the time now (UTC) unless given. ``only``: those
    files alone (a store's own, ``journals_of`` as it opened).
    Returns what was moved, (from, to) each."""
    if stamp is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    now_at = file_identity(path)
    where = where_it_is_now(identity)
    if now_at is None and (where is None or where[1]):
        return []  # renamed away with nothing in its place: its -wal waits for its move back
    held = _held_by_this_process()
    moved: list[tuple[str, str]] = []
    for suffix in ("-wal", "-shm"):
        left = f"{path}{suffix}"
        now_there = file_identity(Path(left))
        if now_there not in held or (only is not None and now_there not in only):
            continue  # none, or one made since for the file now at path
        beside = f"{where[0]}{suffix}" if where is not None and where[1] else None
        target = _move_unless_taken(left, beside, stamp)
        if target is not None:
            moved.append((left, target))
    _SET_ASIDE.extend(moved)
    return moved


def set_aside_a_replaced_files_journals(path: Path) -> list[tuple[str, str]]:
    """The -wal and -shm at ``path``'s name moved away when they are another file's: one
    replaced there while a program still has it open (db/lock_table.py tells, by the locks
    on them and on the file). Opened, SQLite wrote that file's changes into the file moved
    in: a trial's ``mv backup.db team.db`` beside a board and a loop of check-ins damaged it,
    and a ``sqlite3`` shell on the old file left them for good (SQLite does not fold in nor
    remove the journals of a file moved away as it closes). Moved as a board moves its own
    (``set_aside_what_it_left``), under a name SQLite never takes; a rename opens nothing,
    so no lock is dropped, and their holder keeps them open under the new name. Refused in
    a process that has the old file open itself: it would read two files as one. Returns
    what was moved, (from, to) each."""
    for _ in range(3):  # they changed under it: looked at again
        moved = _set_aside_once(path)
        if moved is not None:
            _SET_ASIDE.extend(moved)
            return moved
    raise DatabaseProblem(
        f"{path}: the -wal and -shm at its name are another file's (one moved over it while a"
        " program had that one open), and they changed as pdca set them aside; nothing done:"
        " try again, or run pdca doctor"
    )


def _set_aside_once(path: Path) -> list[tuple[str, str]] | None:
    """``set_aside_a_replaced_files_journals`` once: what was moved; None when a journal
    changed between the look and the move (to be looked at again, never opened)."""
    # Which files they are, taken before the locks are read: each is moved only if it is
    # still the same file, so one made since for the file moved in (another pdca set these
    # aside and opened it meanwhile) is never taken: a reviewer's paused run moved a live
    # -wal, with a committed write in it.
    journals = {suffix: file_identity(Path(f"{path}{suffix}")) for suffix in ("-wal", "-shm")}
    info = _stat(path)
    if info is None:
        return []
    holders, old_files = holders_of_a_replaced_files_journals(path, info)
    if not holders:
        return []
    # What the holders have open, where this user may see it: one that has the very file at
    # the name open has dropped its own locks on it (SQLITE.md's hazard) and holds another
    # database too; its journals are this file's, and are never moved (a reviewer's script
    # with a second database lost a committed write to that one's name). This process too:
    # then it is no process with the old file open (a full run's test process).
    seen = [open_files_of(pid) for pid in holders]
    if any(files is not None and (info.st_dev, info.st_ino) in files for files in seen):
        return []
    if os.getpid() in holders:
        raise DatabaseBroken(f"{path} was replaced by another file while open; nothing more read")
    old_name = _old_name(path, old_files, info.st_dev, seen)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved: list[tuple[str, str]] = []
    for suffix, identity in journals.items():
        left = f"{path}{suffix}"
        now_there = file_identity(Path(left))
        if identity is None or now_there is None:
            continue  # none, or moved meanwhile by another run
        if now_there != identity:
            return None
        beside = f"{old_name}{suffix}" if old_name else None
        target = _move_unless_taken(left, beside, stamp)
        if target is not None:
            moved.append((left, target))
    return moved


def _move_unless_taken(left: str, beside: str | None, stamp: str) -> str | None:
    """``left`` moved to ``beside`` (else an aside name), never over a file there: a rename
    replaces, and a -wal made there since the look would have gone. A link then an unlink
    opens nothing; where links are not to be had, a rename to a name looked at just before.
    Where it went, or None when it is gone already."""
    for target in (beside, _aside_name(left, stamp), _aside_name(left, stamp)):
        if target is None:
            continue
        try:
            os.link(left, target)
        except FileExistsError:
            continue
        except FileNotFoundError:
            return None
        except OSError:
            if os.path.lexists(target):
                continue
            try:
                os.rename(left, target)
            except OSError:
                return None
            return target
        with contextlib.suppress(FileNotFoundError):
            os.unlink(left)
        return target
    return None


def set_aside_said(path: Path, moved: list[tuple[str, str]]) -> str:
    """What ``set_aside_a_replaced_files_journals`` did, in a line: beside the old file's
    new name, or under names that doctor explains."""
    # the whole path where it is another folder (sub/old.db-wal was looked for here, a retrial)
    names = ", ".join(Path(to).name if Path(to).parent == path.parent else to for _, to in moved)
    if not any(".left-by-the-old-file-" in to for _, to in moved):
        return (
            f"{path.name}'s -wal and -shm were the file's it replaced (moved over it while a"
            f" program had that one open): moved beside that file as {names}, where SQLite"
            " finds its last changes"
        )
    return (
        f"{path} was put in place while a program still had the file it replaced open: that"
        f" file's -wal and -shm, which SQLite would have written into this one, are set aside"
        f" as {names}; its last changes, if any, are only there (pdca doctor says more)"
    )


def database_files(path: Path) -> list[str]:
    """The database and the files SQLite keeps beside it: nothing but SQLite may open them."""
    base = os.path.abspath(path)
    return [base, f"{base}-wal", f"{base}-shm", f"{base}-journal"]


def refuse_database_file(candidate: Path, database: Path, field: str) -> None:
    """Refuse ``candidate`` (a file to read or write with Python) when it is the database or
    one of its -wal/-shm/-journal, by name or as the same file (``os.stat``: opens nothing).
    Reading or writing them from a process that has the database open would drop its locks,
    or overwrite the team's data."""
    names = database_files(database) + database_files(Path(os.path.realpath(database)))
    same = os.path.realpath(candidate) in names or os.path.abspath(candidate) in names
    if not same:
        try:
            found = os.stat(candidate)
        except OSError:
            found = None
        for name in names:
            try:
                info = os.stat(name)
            except OSError:
                continue
            if found is not None and (found.st_dev, found.st_ino) == (info.st_dev, info.st_ino):
                same = True
    if same:
        raise InvalidInput(field, str(candidate), "is the database itself (or its journal)")


def file_stamp(path: Path) -> tuple[int, ...]:
    """What changes when the file or its WAL is written or appears (``os.stat`` only). The
    WAL is beside the file a link leads to (``realpath`` opens nothing): a read-only board
    opened through a link looked for it beside the link, and saw no one's changes again
    (a reviewer)."""
    path = Path(os.path.realpath(path))
    stamp: list[int] = []
    for name in (str(path), f"{path}-wal"):
        try:
            info = os.stat(name)
        except OSError:
            stamp += [0, 0]
        else:
            stamp += [info.st_mtime_ns, info.st_size]
    return tuple(stamp)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise DatabaseProblem(f"{path}: a part of the path is not a directory") from None
    except PermissionError:
        raise DatabaseProblem(cannot_reach(path)) from None
    except OSError as error:  # a loop of links, a name too long, ...
        raise DatabaseProblem(f"{path}: {error.strerror or error}") from None


GUARDS_FROM = 21  # the schema version whose triggers refuse values pdca cannot read


def open_database(
    path: Path,
    *,
    create: bool,
    initialize: bool = False,
    mountinfo: str | None = None,
    migrate: bool = True,
    announce: Callable[[str], None] | None = None,
) -> OpenedDatabase:
    """Open the pdca database at ``path``, ready for reads and (if allowed) writes.

    ``create`` makes a new database when none is there. ``initialize`` (``pdca init``) may
    also turn an existing empty file into one; every other caller refuses an empty file, a
    foreign one, a newer one and a damaged one, with one line, leaving the file untouched.
    ``announce``: told an upgrade that is taking long, while it goes (``schema.migrate``).
    """
    judged = refuse_a_link_to_what_its_maker_may_not_read(path)
    path = the_file_itself(path)
    created = False
    info = _stat(path)
    if judged is not None and (info is None or (info.st_dev, info.st_ino) != judged):
        raise DatabaseProblem(changed_while_opened(path))
    if info is None:
        if os.path.islink(path):
            raise DatabaseProblem(f"{path}: a link to {os.readlink(path)}, which does not exist")
        if not (create or initialize):
            if not path.parent.is_dir():  # init would fail there too (a tester)
                raise DatabaseProblem(
                    f"no database at {path}: its folder {path.parent} does not exist (check"
                    f" the path; to start one there: mkdir -p {shell_word(path.parent)}, then"
                    f" pdca --db {shell_word(path)} init)"
                )
            left = orphaned_journals(path)
            if left:  # init would refuse them: said first (a tester)
                raise DatabaseProblem(
                    f"no database at {path}{journals_left(path, left, 'nothing done')}"
                )
            raise DatabaseProblem(
                f"no database at {path} (create one with: pdca --db {shell_word(path)} init)"
            )
        refuse_orphaned_journals(path)
        created = _create_database(path)
        info = _stat(path)
        if info is None:
            raise DatabaseProblem(f"{path}: vanished while it was being created")
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseProblem(f"{path}: not a regular file")
    info = _one_name(path, info)
    if not os.access(path, os.R_OK):
        raise DatabaseProblem(cannot_reach(path))

    shared = directory_is_group_shared(path.parent)
    if shared:
        # Backups and anything else pdca creates there stay group-writable, never world.
        share_with_the_group()
    writable = file_lets_me_write(path)
    filesystem = filesystem_of(path.parent, mountinfo)
    if filesystem in KERNEL_FILESYSTEMS:  # /proc/self/status: "empty", then "chmod /proc"
        raise DatabaseProblem(f"{path}: not a regular file (the kernel's {filesystem})")
    if writable:
        wait_for_a_readers_mend(path)
    set_aside_a_replaced_files_journals(path)
    connection, snapshot, version = _connect_and_identify(path, writable, filesystem)
    if where_it_is_now((info.st_dev, info.st_ino)) is None:
        # SQLite opened another file than the one judged: the path changed under it
        connection.close()
        raise DatabaseProblem(changed_while_opened(path))
    disk_full = snapshot and writable  # only a full disk makes a writer's open a snapshot
    writable = writable and not disk_full
    try:
        if version is None and not (initialize or created):
            # A SQLite file nobody put a table in is no empty file (a retrial of sizes)
            empty = "an empty file" if info.st_size == 0 else "an empty SQLite database"
            raise DatabaseProblem(
                f"{path}: {empty}, not a pdca database; make it one with: "
                f"pdca --db {shell_word(path)} init"
            )
        if migrate:
            schema.refuse_the_kept_copy(path, version or 0)
        try:
            journal_mode = _set_journal_mode(connection, filesystem, writable)
        except sqlite3.OperationalError as error:
            code = getattr(error, "sqlite_errorcode", 0) or 0
            if not (writable and code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR_WRITE)):
                raise  # (no room: ENOSPC is SQLITE_FULL, a file size limit IOERR_WRITE)
            # A file in another journal mode (a backup, kept in delete mode) on a full disk:
            # the switch to WAL has no room, and list, export and backup to another disk had
            # refused it (a retrial). Its pages are all in the file: read as they stand.
            writable, disk_full = False, True
            journal_mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        connection.execute("PRAGMA synchronous = FULL")
        backup = None
        if migrate:
            backup = schema.migrate(
                connection, path, writable=writable, current=version or 0, announce=announce
            )
        if writable and shared:
            give_the_team(path)
    except sqlite3.Error as error:
        connection.close()
        raise _problem(path, error) from None
    except BaseException:
        connection.close()
        raise
    identity = (info.st_dev, info.st_ino)
    # A copy is kept exactly when this process upgraded a file that held data.
    upgrade = None
    if backup is not None:
        # Crossing into the guards (21): say once what the file holds that they would refuse.
        guarded = (version or 0) < GUARDS_FROM <= schema.schema_version()
        unreadable = tuple(schema.unreadable_values(connection)) if guarded else ()
        upgrade = schema.Upgrade(
            path, version or 0, schema.schema_version(), backup, unreadable=unreadable
        )
    return OpenedDatabase(
        connection,
        path,
        writable,
        filesystem,
        journal_mode,
        created,
        backup,
        identity,
        snapshot,
        upgrade,
        initialized=version is None and not created,
        disk_full=disk_full,
    )


# A reader who may not write the -shm a writer made reads through it read-only, and SQLite
# refuses such a read ("attempt to write a readonly database") while the writer is still
# setting the -shm up: 1 read in 500 beside a writer's loop of adds (a tester: 2 to 4 in
# 100), with advice to give the reader write. It is over in moments: tried again.
READER_RETRIES = 12  # 1.6 s in all


def _connect_and_identify(
    path: Path, writable: bool, filesystem: str
) -> tuple[sqlite3.Connection, bool, int | None]:
    """A connection to ``path``, whether it is a snapshot, and the schema version it holds
    (``schema.identify``, the first read)."""
    immutable = False
    for attempt in range(READER_RETRIES + 1):
        try:
            connection, snapshot = connect_file(path, writable, filesystem, immutable=immutable)
        except sqlite3.Error as error:
            raise _problem(path, error) from None
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            version = schema.identify(connection, path)
        except sqlite3.Error as error:
            connection.close()
            if not immutable and read_as_it_stands_on_a_full_disk(path, error, filesystem):
                immutable = True
                continue
            primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
            if writable or primary != sqlite3.SQLITE_READONLY or attempt == READER_RETRIES:
                raise _problem(path, error) from None
            time.sleep(0.02 * (attempt + 1))
            continue
        except BaseException:
            connection.close()
            raise
        if not writable and not snapshot:
            mend_what_a_reader_made(path)
        return connection, snapshot, version
    raise AssertionError("unreachable: the last attempt raises")


def read_as_it_stands_on_a_full_disk(path: Path, error: sqlite3.Error, filesystem: str) -> bool:
    """Whether a read the -shm had no room for may read the file as it stands (a snapshot):
    with no changes waiting in a ``-wal``, every commit is in the main file. On a full disk
    every command had refused, ``list`` and a backup to another disk too: what an admin
    wants then (a tester)."""
    code = getattr(error, "sqlite_errorcode", 0) or 0
    if code != IOERR_SHMSIZE or is_network_filesystem(filesystem):
        return False
    try:
        return os.stat(f"{path}-wal").st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def refuse_orphaned_journals(path: Path, nothing: str = "nothing created") -> None:
    """No new database where a removed one's -wal, -shm or -journal is still lying: SQLite
    would replay that journal into the new file (a mispaired journal, sqlite.org
    howtocorrupt.html 2.4) and bring back, or mangle, the removed file's pages."""
    left = orphaned_journals(path)
    if left:
        raise DatabaseProblem(f"{path} is missing{journals_left(path, left, nothing)}")


def journals_left(path: Path, left: list[str], nothing: str, then: str = "") -> str:
    """``, but pdca.db-wal of a removed database is still there: ...``: what to move first,
    and ``then`` what to do. A restore refuses them too, so "restore the database" sent
    people in a circle (a tester, following the advice of init, of doctor, then of restore)."""
    names = [Path(name).name for name in left]
    # Restore names the file: with its journals moved, the folder no longer says which file
    # is meant, and the same command restored into the person's own one (a tester).
    again = then or (
        f"restore again with --db {shell_word(str(path))}"
        if nothing == "nothing restored"
        else "restore a backup or run this again"
    )
    return (
        f", but {', '.join(names)} of a removed or renamed database"
        f" {'is' if len(names) == 1 else 'are'}"
        f" still there: {move_away(path, left)}, then {again}" + (f"; {nothing}" if nothing else "")
    )


def move_away(path: Path, left: list[str]) -> str:
    """``once nobody runs pdca on it, move pdca.db-wal out of /srv/team``: what to do with
    what a removed database left (``orphaned_journals``), before anything is put there. A
    -wal may hold that database's last changes: a renamed one gets them back under its name
    (a tester's mv under a board: the moved file lacked them, and this advice lost them)."""
    names = " ".join(shell_word(Path(name).name) for name in left)
    wal = any(name.endswith("-wal") for name in left)
    # Only one opened nowhere since: a -wal of older changes put back beside a file written
    # under its new name replayed over it, and damaged it (a tester, following this advice).
    back = (
        f"a -wal may hold its database's last changes: renamed away, that database gets them"
        f" back when moved back to {shell_word(path.name)} (not one written to since: the"
        f" -wal would damage it); else, "
        if wal
        else ""
    )
    return f"{back}once nobody runs pdca on it, move {names} out of {path.parent}"


def stray_journals(path: Path) -> list[str]:
    """The -wal and -journal files beside ``path`` (not its own) whose database is not
    there, and that hold something: a database renamed or removed left them, perhaps with
    its last changes. A file renamed under a board, or after a crash, lacked them without a
    word, doctor saying all was well (a tester); pdca's own temporaries are doctor's
    leftovers. Only a database's name: one ending as this file's does, or as SQLite files
    are named (a notebook "lab-journal" was taken for one, a tester); the files themselves
    are never opened (SQLITE.md)."""
    found = []
    endings = ({path.suffix.lower()} - {""}) | DATABASE_SUFFIXES
    try:
        with os.scandir(path.parent) as entries:
            for entry in entries:
                for end in ("-wal", "-journal"):
                    base = entry.name.removesuffix(end)
                    suffix = Path(base).suffix.lower()
                    # A -wal is SQLite's whatever the name before it (a hidden .pdca.db, a
                    # team.pdca renamed team.pdca.old went unseen, and a write was lost on the
                    # move back, a retrial); pdca's own temporaries end in .new or .bak.
                    named = suffix in endings or (
                        end == "-wal" and suffix not in ("", ".new", ".bak")
                    )
                    if (
                        base != entry.name
                        and named
                        and base != path.name
                        and not os.path.lexists(path.parent / base)
                        and entry.is_file(follow_symlinks=False)
                        and entry.stat(follow_symlinks=False).st_size > 0
                    ):
                        found.append(entry.name)
    except OSError:
        return []
    return sorted(found)


def strays_not_written_since(path: Path, strays: list[str]) -> list[str]:
    """Of ``strays``, those this file has not been written since (its ``mtime`` no newer:
    ``os.stat`` opens nothing): they may be its own, renamed, and a write here would be lost
    on its move back. A database's file is written at each checkpoint, so one in use is
    newer than another database's leftover: one removed beside the team's file stopped every
    write to it (a reviewer)."""
    try:
        written = os.stat(path).st_mtime_ns
    except OSError:
        return []
    found = []
    for name in strays:
        try:
            if os.stat(path.parent / name).st_mtime_ns >= written:
                found.append(name)
        except OSError:
            continue
    return found


def strays_refusing_writes(path: Path) -> list[str]:
    """The leftovers beside ``path`` a write (or a restore) is refused beside: another
    name's, this file not written since (``stray_journals``, ``strays_not_written_since``)."""
    return strays_not_written_since(path, stray_journals(path))


def strays_said(path: Path, strays: list[str]) -> str:
    """``pdca.db-wal lies beside it: ...``, one line: whose it may be, and the ways out."""
    refusing = strays_not_written_since(path, strays)
    if refusing:
        return f"{_strays_words(path, refusing)}; until then pdca writes nothing to it"
    return _strays_words(path, strays, written_since=True)


def strays_in_short(path: Path, strays: list[str]) -> str:
    """A command's warning of ``strays`` it would refuse to write beside, in a line: a refused
    write printed the whole advice twice, as the warning and as the refusal (a retrial)."""
    refusing = strays_not_written_since(path, strays)
    if not refusing:
        return strays_said(path, strays)
    lie = "lies" if len(refusing) == 1 else "lie"
    return (
        f"{', '.join(refusing)} {lie} beside it, perhaps this file's last changes under an"
        " old name: pdca writes nothing to it until that is settled (pdca doctor says how)"
    )


def strays_refusal(path: Path, strays: list[str], nothing: str = "nothing written") -> str:
    """A write refused while ``strays`` lie beside ``path``: if it was their database,
    renamed, their changes come back only on a move back before anything writes to it here.
    Written to, the move back put the old -wal beside it, and SQLite's replay of it lost the
    write (a tester, on pdca's own advice); the write had exited 0 with a warning."""
    return f"{path}: {_strays_words(path, strays)}; {nothing}"


def _strays_words(path: Path, strays: list[str], *, written_since: bool = False) -> str:
    """What the -wal or -journal of a database not here is, and what to do, as a condition
    the person can tell: an unrelated old.db-wal beside the team's file was said to be its
    own ("move it back first"), and that mv let SQLite replay the other database's log into
    the team's file (a retrial). A backup first makes a wrong guess undoable. Written since
    (``written_since``), this file must not go back under that name either way."""
    bases = sorted({name.rsplit("-", 1)[0] for name in strays})
    leftovers = [*strays, *(f"{b}-shm" for b in bases if os.path.lexists(path.parent / f"{b}-shm"))]
    names = " ".join(shell_word(name) for name in leftovers)
    wal = any(name.endswith("-wal") for name in strays)
    what = (
        "the last changes of" if wal else "the undoing of a write interrupted in"
    ) + f" a database named {' or '.join(bases)}, which is not here"
    away = f"move {names} out of {path.parent} once nobody runs pdca on {' or '.join(bases)}"
    lie = "lies" if len(strays) == 1 else "lie"
    if written_since:
        return (
            f"{', '.join(strays)} {lie} beside it, holding {what}: this file was written after"
            f" it, so it must not go back under that name; {away}"
        )
    gets = (
        "to get them"
        if wal
        else "so SQLite finishes undoing it (what this file shows is half of it)"
    )
    back = " or ".join(f"mv {shell_word(path.name)} {shell_word(base)}" for base in bases)
    return (
        f"{', '.join(strays)} {lie} beside it, holding {what}: if this file is that database"
        f" renamed, move it back {gets} (pdca backup first, then, in {path.parent}: {back});"
        f" if it is not, {away}"
    )


def orphaned_journals(path: Path) -> list[str]:
    """The -wal, -shm and -journal a removed database left beside ``path``."""
    return [name for name in database_files(path)[1:] if os.path.lexists(name)]


def _one_name(path: Path, info: os.stat_result) -> os.stat_result:
    """Refuse a database file with more than one name (hard links): SQLite keeps a -wal per
    name, so writes through one name are lost to readers of the other. A new file is linked
    into place from its temporary name, so two names can be seen for a moment: look again."""
    for _ in range(20):
        if info.st_nlink <= 1:
            return info
        time.sleep(0.01)
        info = os.stat(path)
    raise DatabaseProblem(
        f"{path} has {info.st_nlink} names (hard links): SQLite keeps one -wal per name and "
        f"writes through one name are lost to the other; remove the extra links"
        f" ({finding_its_other_names(path)}) and use one name"
    )


def _problem(path: Path, error: sqlite3.Error) -> DatabaseProblem:
    """A failure to open, in one line; a permissions one names who owns which file."""
    primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    if primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return DatabaseProblem(f"{path}: cannot open it ({error}): {files_report(path)}")
    known = database_failure(path, error)
    if isinstance(known, DatabaseProblem):
        return known
    return DatabaseProblem(f"{path}: cannot open ({error}; {describe_owner(path)})")


# errno values of a filesystem that has no hard links (some network and FUSE filesystems).
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


def _create_database(path: Path) -> bool:
    """Make a complete, empty pdca database at ``path``; True if this call made it.

    Built under a temporary name in the rollback-journal mode (so no ``-wal`` is named after
    the temporary file) and hard-linked into place, which fails if someone else got there
    first: then theirs is used and ours is thrown away. Nobody but this call ever had the
    temporary file open, and it is closed before it is linked.
    """
    directory = path.parent
    try:
        is_directory = directory.is_dir()
    except PermissionError:
        raise DatabaseProblem(cannot_reach(path)) from None
    if not is_directory:
        raise DatabaseProblem(f"{path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DatabaseProblem(
            f"{path}: {login_name()} may not create files in {directory} "
            f"({describe_owner(directory)}): {what_to_ask(directory, 'write')}"
        )
    temporary = schema.temporary_name(path, "new")
    try:
        connection = sqlite3.connect(
            f"file:{uri_path(temporary)}?mode=rwc", uri=True, isolation_level=None
        )
        try:
            _set_new_file_mode(temporary)
            connection.execute("PRAGMA journal_mode = DELETE")
            schema.migrate(connection, temporary, writable=True)
        finally:
            connection.close()
        try:
            os.link(temporary, path)
            return True
        except FileExistsError:
            return False  # someone else created it a moment ago: theirs is the one
        except OSError as error:
            if error.errno not in _NO_LINKS:
                raise
        # No hard links on this filesystem. A rename could replace a database someone made
        # a moment ago; instead claim the name with an exclusive create (which never
        # replaces anything) and let SQLite fill the new empty file in place: meanwhile
        # others find an empty file and are told so, never a half-made one.
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return False
        _set_new_file_mode(path)
        return True
    except sqlite3.Error as error:
        raise _problem(path, error) from None
    except PermissionError:
        raise DatabaseProblem(
            f"{path}: {login_name()} may not create files in {directory} "
            f"({describe_owner(directory)}): {what_to_ask(directory, 'write')}"
        ) from None
    finally:
        for leftover in (temporary, Path(f"{temporary}-journal")):
            leftover.unlink(missing_ok=True)


def _set_new_file_mode(path: Path) -> None:
    """0660 in a group-shared directory (the team writes it), else never world-writable.
    Made by root in someone's own folder, the file is that someone's: root's import into
    ann's folder made a file ann could only read (a retrial)."""
    shared = directory_is_group_shared(path.parent)
    if shared:
        os.chmod(path, 0o660)  # and the directory's group: give_the_team, once opened
    else:
        current = os.stat(path).st_mode & 0o777
        os.chmod(path, current & ~0o002)
    if os.geteuid() == 0 and not shared:
        _give_to_the_folders_owner(path)


def _give_to_the_folders_owner(path: Path) -> None:
    """``path``, made by root in a folder of someone's own (in their home, not shared), is
    theirs. Not in a folder a group shares, whoever owns it (it gave a team's file to carl,
    outside the team, who owned its folder: a reviewer), nor a service account's elsewhere;
    ``lchown`` of what is checked a regular file of root's, so a link put in its place
    meanwhile gives nothing away."""
    with contextlib.suppress(OSError, KeyError):
        import pwd

        folder = path.parent.stat()
        home = os.path.realpath(pwd.getpwuid(folder.st_uid).pw_dir)
        inside = os.path.realpath(path.parent)
        if folder.st_uid == 0 or not (inside == home or inside.startswith(home + os.sep)):
            return
        made = os.lstat(path)
        if stat.S_ISREG(made.st_mode) and made.st_uid == 0:
            os.chown(path, folder.st_uid, folder.st_gid, follow_symlinks=False)


def give_the_team(path: Path) -> None:
    """The file and the -wal/-shm SQLite made beside it (at the first read), when this user
    made them with their own group, get the directory's (the team's). A directory without
    setgid gives new files their maker's group, and the team's other members then cannot open
    them (SQLITE_CANTOPEN) until everyone closes: ``pdca doctor`` asks for ``chmod g+s``, and
    meanwhile pdca does what setgid would. A change of group opens nothing (SQLITE.md).

    Only a file with this user's own group, the one SQLite gave it: a file its owner gave
    the team's group by hand stays in it. In a folder of the owner's personal group, every
    ``pdca list`` of theirs took the file back from the team (a tester: the ``chgrp`` the
    others' refusal asked for lasted until the owner's next command). In a setgid folder
    too: a file made elsewhere and moved in keeps its maker's group, and the team was
    refused it (a reviewer); so an owner's own ``chgrp`` to their group there does not last
    (a retrial): a file is taken from the team by moving it out of the team's folder."""
    team = path.parent.stat().st_gid
    me, mine = os.geteuid(), os.getegid()
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):  # gone, or not one of the team: doctor says so
            # The name itself, never where a link put there by someone leads.
            info = os.lstat(name)
            if (
                stat.S_ISREG(info.st_mode)
                and info.st_uid == me
                and info.st_gid == mine
                and info.st_gid != team
            ):
                os.chown(name, -1, team, follow_symlinks=False)


def mend_what_a_reader_made(path: Path) -> None:
    """A reader who may not write the file but may create files in its folder can have made
    its ``-wal`` and ``-shm``: it opened a file in use (a ``-wal`` was there), the last writer
    closed and SQLite removed them, and this reader's first read made them again, its own,
    with the file's mode (0640: the group may not write). The file's owner was then locked
    out for good (a tester, ben writing while ann listed: 148 of 300 adds refused). Whoever
    may create files in the folder may replace the file itself, so giving the team write on
    what this reader made gives nobody more than they had: it is done here, at once, as a
    writer's pdca would.

    Only in the usual team folder: the file's group is the folder's and may read the file
    (else the folder's group would be given the recent changes of a file it may not read).
    By descriptor, never by name: the folder's other writers could swap the name for a link
    to any file of this user's between a look and a ``chmod`` (a reviewer opened a private
    file that way). An ``O_PATH`` descriptor reads and locks nothing, and closing it drops
    no lock of this process's SQLite connections (Linux leaves POSIX locks alone for it)."""
    try:
        folder = os.stat(path.parent)
        database = os.stat(path)
    except OSError:
        return
    if (
        not folder.st_mode & stat.S_IWGRP
        or database.st_gid != folder.st_gid
        or not database.st_mode & stat.S_IRGRP
        or not hasattr(os, "O_PATH")
    ):
        return
    # Read and write for this user and the team, whatever the file's own mode is now (a
    # database chmod-ed 0440 for a while gave this user's own -wal 0460: they could not write
    # it once the file was writable again, a tester); others read as they may read the file.
    wanted = 0o660 | (database.st_mode & 0o004)
    for name in (f"{path}-wal", f"{path}-shm"):
        try:
            handle = os.open(name, os.O_PATH | os.O_NOFOLLOW)
        except OSError:
            continue  # gone, or a link: nothing of ours to mend
        try:
            info = os.fstat(handle)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
                this = f"/proc/self/fd/{handle}"  # the file itself, whatever its name is now
                if info.st_gid != folder.st_gid:
                    os.chown(this, -1, folder.st_gid)
                if info.st_mode & 0o777 != wanted:
                    os.chmod(this, wanted)
        except OSError:
            pass  # no /proc, or no longer ours: doctor names what is left
        finally:
            os.close(handle)


READERS_MEND_SECONDS = 0.5


def wait_for_a_readers_mend(path: Path) -> None:
    """A writer who finds a ``-wal`` or ``-shm`` it may not write waits a moment before it
    opens: a reader may have just made them and be about to give the group write
    (``mend_what_a_reader_made``). A few ``os.access`` calls when nothing is wrong."""
    deadline = time.monotonic() + READERS_MEND_SECONDS
    while not may_write_now(path) and time.monotonic() < deadline:
        time.sleep(0.02)


WAL_KEPT_BYTES = 8 * 1024 * 1024  # what a -wal shrinks back to once checkpointed


def connect_file(
    path: Path, writable: bool, filesystem: str, *, immutable: bool = False
) -> tuple[sqlite3.Connection, bool]:
    """A connection that never creates the file; for a reader who may not write, one that
    can read without writing anything beside it either.

    A WAL file is read through its ``-shm``, which SQLite makes beside the file when it is
    missing, with the reader's own group and the file's mode: if that mode does not let the
    group write, everyone who may write is locked out until the reader closes
    (shared/SQLITE.md). So a reader who may not write a WAL file nobody has open (no
    ``-wal``, no ``-shm``) reads it as it stands (``immutable=1``): every commit is in the
    main file then. That is a snapshot, which does not see later writes; the second value
    says so, and the app opens it again when the file changes.
    ``immutable``: a snapshot in any case (a full disk: ``read_as_it_stands_on_a_full_disk``).
    """
    may_write = writable or (
        os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    )  # someone who may write makes a -shm as any writer would (pdca doctor): fine
    in_use = Path(f"{path}-wal").exists() or Path(f"{path}-shm").exists()
    snapshot = immutable or not (may_write or in_use or is_network_filesystem(filesystem))
    uri = f"file:{uri_path(path)}?mode=" + ("rw" if writable and not snapshot else "ro")
    if snapshot:
        uri += "&immutable=1"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.text_factory = LENIENT_TEXT
    # A big write (a restore, an import) grows the -wal to its size, and SQLite keeps that
    # size for ever after unless told: a tester's stayed 113 MB beside a 113 MB file.
    connection.execute(f"PRAGMA journal_size_limit = {WAL_KEPT_BYTES}")
    return connection, snapshot


def _set_journal_mode(connection: sqlite3.Connection, filesystem: str, writable: bool) -> str:
    current: str = connection.execute("PRAGMA journal_mode").fetchone()[0]
    if not writable:
        return current
    wanted = "delete" if is_network_filesystem(filesystem) else "wal"
    if current == wanted:
        return current
    # The switch needs the file to itself, and SQLite does not wait for it (no busy wait,
    # to rule out a deadlock): a file in the other mode (a copy put back by hand) failed at
    # once while a colleague wrote, saying "stayed busy for 10 s" (a retrial). It waits as
    # other writes do, a stop answered between tries.
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            mode: str = connection.execute(f"PRAGMA journal_mode = {wanted}").fetchone()[0]
            return mode
        except sqlite3.OperationalError as error:
            primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
            if primary != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def uri_path(path: Path) -> str:
    """``path`` for a ``file:`` URI. Its bytes, not its text: a folder whose name is not
    UTF-8 (``d\xffir``) is a str with a lone surrogate, which cannot be encoded (a tester's
    ``pdca init`` there crashed)."""
    return quote(os.fsencode(path), safe="/")
