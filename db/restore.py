"""Putting a backup back: ``pdca restore``.

The copy is first made fully usable on a scratch copy beside the database: copied there by
SQLite, opened the way pdca opens a file (an older schema upgraded), its schema compared with
a new pdca database's and its integrity checked. Anything pdca could not use is refused with
the live file untouched. Only then is the scratch copied into the live database with SQLite's
backup API: one write transaction, so every other process sees the old contents or the new,
never a mix, and the file keeps its inode, its ``-wal`` and its locks (renaming a file over a
database others have open would lose their writes). The current contents are kept first as
a backup named ``...before-restore.db``. Refused while others have the file open, unless
told to wait for them or to go ahead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import socket
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from pdca.db import backup as backups
from pdca.db import commit_marks, copies, schema
from pdca.db.access import (
    cannot_reach,
    describe_owner,
    finding_its_other_names,
    link_to_what_its_maker_may_not_read,
    login_name,
    write_advice,
)
from pdca.db.connection import (
    BUSY_TIMEOUT_SECONDS,
    connect_file,
    file_identity,
    open_database,
    refuse_a_link_to_what_its_maker_may_not_read,
    refuse_database_file,
    refuse_orphaned_journals,
    strays_refusal,
    strays_refusing_writes,
    the_file_itself,
)
from pdca.db.errors import (
    BesideStrays,
    DatabaseBroken,
    DatabaseBusy,
    DatabaseProblem,
    InvalidInput,
    PdcaError,
    ReadOnlyDatabase,
    shell_word,
)
from pdca.db.filesystem import directory_is_group_shared, filesystem_of
from pdca.db.lock_wait import LOCK_WAIT_SLICE_MS, begin_in_goes

_ATTEMPT_MS = 200  # one try at being alone with the file; others wait at most this long

_RETRY_SECONDS = 0.5


@dataclass(frozen=True)
class Parted:
    """What the contents before a restore held that the restored copy lacks. ``shared``:
    the copy is of the same history (else of another file, and the whole file was replaced);
    ``changes``: the changes past the history they share (0 for another file's copy);
    ``parted``: the copy went on past the shared history too (taken before an earlier
    restore, its own later changes were never in the file)."""

    shared: bool
    changes: int = 0
    actions: int = 0  # the actions those changes touched
    parted: bool = False


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    source: Path
    before_restore: Path | None  # None when there was no database to keep, or (not_kept) it
    schema_version: int
    upgraded_from: int | None
    integrity: str
    others: list[str]  # who had it open (restored under them with --force)
    seconds: float  # the whole restore
    held_seconds: float  # how long others waited: all of it alone, writes only under --force
    not_kept: str | None = None  # why the contents before were not kept (--force, damaged)
    # Changes the contents before held past the history they share with the copy: only in
    # before_restore now (None: not known, the copy being of another file or the contents
    # not kept); ``parted``: the copy's own history went on past the shared one too
    lost: Parted | None = None


@dataclass(frozen=True)
class Issued:
    """What the live file handed out before a restore, which the restored file must never
    hand out again: each table's highest id ever issued, and the newest event's id; and
    the sessions of the boards open on it now (presence is who is here now, not who was
    here when the copy was made). Empty for a file that is not there."""

    counters: dict[str, int] = field(default_factory=dict)
    last_event: int = 0
    sessions: list[tuple[object, ...]] | None = None  # None: unknown; the copy's stay
    versions: dict[str, int] = field(default_factory=dict)  # each table's highest version


def _rows(live: sqlite3.Connection, sql: str, *params: object) -> list[tuple[object, ...]] | None:
    """The rows of one read of the live file, or None when SQLite cannot read that part of
    it (a damaged file is what restore is for: each part read on its own)."""
    try:
        return [tuple(row) for row in live.execute(sql, params)]
    except sqlite3.Error:
        return None


def issued(live: sqlite3.Connection) -> Issued:
    """``Issued`` read off the live file: its ``sqlite_sequence``, each record table's
    highest id and the highest id its events name (an undone create freed no id), and the
    newest event's id. Each an indexed look-up, whatever the file's size."""
    from pdca.db.store import TABLES

    counters: dict[str, int] = {}

    def at_least(table: str, found: list[tuple[object, ...]] | None) -> None:
        for (value,) in found or []:
            if isinstance(value, int):
                counters[table] = max(counters.get(table, 0), value)

    for name, seq in _rows(live, "SELECT name, seq FROM sqlite_sequence") or []:
        at_least(str(name), [(seq,)])
    tables = {str(name) for (name,) in _rows(live, _TABLES) or []}
    for entity, table in TABLES.items():
        if table in tables:
            at_least(table, _rows(live, f"SELECT max(id) FROM {table}"))
        if "events" in tables:
            at_least(
                table, _rows(live, "SELECT max(entity_id) FROM events WHERE entity = ?", entity)
            )
    last_event = 0
    for (value,) in _rows(live, "SELECT max(id) FROM events") or []:
        last_event = value if isinstance(value, int) else 0
    sessions = (
        _rows(live, f"SELECT {_SESSION_COLUMNS} FROM sessions") if "sessions" in tables else None
    )
    versions: dict[str, int] = {}
    for table in sorted(tables & set(TABLES.values())):
        # Whole numbers only: SQLite ranks text above them, and one 'x' from before schema
        # 21 made a table's maximum 'x', so that table was not renumbered (a reviewer).
        highest = f"SELECT max(CASE WHEN typeof(version) = 'integer' THEN version END) FROM {table}"
        for (value,) in _rows(live, highest) or []:
            if isinstance(value, int) and value > 0:
                versions[table] = value
    return Issued(counters, last_event, sessions, versions)


_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
_SESSION_COLUMNS = "id, login, host, pid, started_at, seen_at"


def _here(before: Issued, database: Path, live: sqlite3.Connection) -> Issued:
    """``before`` with only the sessions that are this file's: a copy made with sqlite3
    carries the rows of the file it was copied from (db/presence.py)."""
    from pdca.db.presence import is_wal, on_this_file

    if not before.sessions:
        return before
    sessions = [(str(row[2]), int(str(row[3]))) for row in before.sessions]
    here = on_this_file(sessions, file_identity(database), lambda: is_wal(live))
    kept = [row for row, session in zip(before.sessions, sessions, strict=True) if session in here]
    return replace(before, sessions=kept)


def carry_over(
    candidate: sqlite3.Connection, before: Issued, source: Path, actor: str, now: datetime
) -> None:
    """Make the checked copy carry on where the live file left off, in one transaction on
    the copy before it is put in place: every counter (``sqlite_sequence``) at least what
    the live file issued; the live file's sessions; and one event saying who restored what,
    numbered past every event the live file had, so the change feed (the event log) moves
    on, never back, for the boards that stay open."""
    from pdca.db.clock import iso

    candidate.execute("BEGIN IMMEDIATE")
    try:
        counted = {
            str(name) for (name,) in candidate.execute(_TABLES + " AND sql LIKE '%AUTOINCREMENT%'")
        }
        for table, highest in sorted(before.counters.items()):
            if table not in counted:
                continue
            found = candidate.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
            ).fetchone()
            if found is None:
                candidate.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest)
                )
            elif found[0] < highest:
                candidate.execute(
                    "UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (highest, table)
                )
        _versions_past(candidate, before.versions)
        if before.sessions is not None:
            candidate.execute("DELETE FROM sessions")
            candidate.executemany(
                f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                before.sessions,
            )
        (copied,) = candidate.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
        event = max(copied, before.last_event) + 1
        candidate.execute(
            "INSERT INTO events (id, tx, at, actor, entity, entity_id, op, summary)"
            " VALUES (?, ?, ?, ?, 'database', 0, 'update', ?)",
            (event, event, iso(now), actor, f"restored from {source.name}"),
        )
        candidate.execute("COMMIT")
    except BaseException:
        if candidate.in_transaction:
            candidate.execute("ROLLBACK")
        raise


def _versions_past(candidate: sqlite3.Connection, versions: dict[str, int]) -> None:
    """Number every row's version past the highest its table had in the live file. A form
    open across a restore holds an id and a version; the restored row may have both (the
    backup's own #5 at version 2, or another action that took id 66 in an older copy), and
    its save went through as if nobody had changed anything (a tester). Now no version seen
    before the restore is one a row has after it: that save is a conflict.

    The table's guard against values of the wrong kind is set aside for the one statement
    and put back as it was: it costs about 60 µs a row, 6 s at 100 000 actions, for a
    change of one whole number on the copy nobody has open yet."""
    for table, highest in sorted(versions.items()):
        columns = {row[1] for row in candidate.execute(f"PRAGMA table_info({table})")}
        if "version" not in columns:
            continue
        guard = candidate.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (f"{table}_kinds_on_update",),
        ).fetchone()
        if guard is not None:
            candidate.execute(f'DROP TRIGGER "{guard[0]}"')
        candidate.execute(  # a version that is no whole number (or below 1) goes past them all
            f"UPDATE {table} SET version = CASE WHEN typeof(version) = 'integer'"
            " AND version >= 1 THEN version + ? ELSE ? + 1 END",
            (highest, highest),
        )
        if guard is not None:
            candidate.execute(guard[1])


def _check_source(source: Path, database: Path) -> None:
    """Refuse, by ``os.stat`` alone (so a FIFO never blocks an open), what cannot be a
    copy to restore."""
    if not str(source).strip():
        raise InvalidInput("FILE", str(source), "is not a path")
    if (link := link_to_what_its_maker_may_not_read(source)) is not None:
        # ben's link to ann's private file, planted as a backup (a reviewer)
        raise InvalidInput("FILE", str(source), f"goes through a link: {link}; nothing restored")
    info = copies.stat_or_none(source, "FILE")
    if info is None:
        raise InvalidInput("FILE", str(source), "does not exist")
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput("FILE", str(source), "is a folder; name a backup file in it")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput("FILE", str(source), "is not a regular file")
    refuse_database_file(source, database, "FILE")
    if not os.access(source, os.R_OK):
        raise DatabaseProblem(cannot_reach(source, "read"))


def _open_source(source: Path, *, glance: bool = False) -> tuple[sqlite3.Connection, int]:
    """The checked copy, open read-only, and its schema version; a one-line refusal for
    anything but a whole pdca database this pdca knows. At a ``glance``, its integrity is
    left for later (seconds on a big file), and whether it is a pdca file at all is asked."""
    connection = copies.open_copy(source)
    try:
        check = copies.version_problem if glance else copies.copy_problem
        version, problem = check(connection)
    except sqlite3.Error as error:
        connection.close()
        raise InvalidInput(
            "FILE", str(source), copies.copy_failure(error) + _an_export(source)
        ) from None
    if problem is not None:
        connection.close()
        raise InvalidInput("FILE", str(source), problem + _an_export(source))
    return connection, version


def _an_export(source: Path) -> str:
    """``; nothing restored``, and for an export the command that reads one (a tester gave
    restore the JSON export a backup had not been)."""
    suffix, name = source.suffix.lower(), shell_word(str(source))
    if suffix == ".json":
        into = "a JSON export goes into a new file: pdca --db NEW.db import"
        return f"; nothing restored ({into} {name})"
    if suffix == ".csv":
        return f"; nothing restored (a CSV's actions are added by pdca import {name})"
    return "; nothing restored"


def _others(database: Path, filesystem: str, now: datetime) -> list[str]:
    """Who has the board open, from the presence rows (db/presence.py): ``login on host``."""
    from pdca.db.presence import is_wal, on_this_file, present_rows

    try:
        # As a reader: nothing beside the file is made by who may not write it.
        connection, _ = connect_file(database, False, filesystem)
    except sqlite3.Error:
        return []
    try:
        # A file a newer pdca wrote is refused for that first: "ask them to quit" sent its
        # team away for a restore this pdca would refuse anyway (a two-version trial). Only
        # that: any other failure here is for the restore's own checks (a busy read in a
        # --wait loop ended it, a reviewer).
        _refuse_newer(connection, database)
        rows = present_rows(connection, now)
        # A copy of another file carries that file's sessions: only this file's count.
        here = on_this_file(
            [(host, pid) for _, host, pid in rows],
            file_identity(database),
            lambda: is_wal(connection),
        )
    except sqlite3.Error:  # no presence table (an old or damaged file): nobody known
        return []
    finally:
        connection.close()
    return sorted({f"{login} on {host}" for login, host, pid in rows if (host, pid) in here})


def _connect_live(database: Path, filesystem: str) -> sqlite3.Connection:
    connection, _ = connect_file(database, True, filesystem)
    return connection


def _connect_writer(database: Path, filesystem: str) -> sqlite3.Connection:
    """The connection that keeps the contents and writes the copy over them. It reads the
    file without checking its schema or its size against its header (``writable_schema``;
    nothing here writes the schema with SQL): a damaged file, a truncated one say, is what
    restore is for, and SQLite would otherwise refuse to begin a transaction on it."""
    connection = _connect_live(database, filesystem)
    try:
        connection.execute("PRAGMA writable_schema = ON")
    except BaseException:
        connection.close()
        raise
    return connection


def _refuse_newer(connection: sqlite3.Connection, database: Path) -> None:
    """Refused when the live file is at a schema this pdca does not know: its users' pdca
    writes it, and a copy put in under them by this one would be written on as if it were
    theirs (a tester restored over schema 999; SQLITE.md: a newer schema is refused). A
    file that cannot be read so far is left to the caller's checks."""
    try:
        application_id, version = schema.read_versions(connection)
    except sqlite3.Error:
        return
    if application_id == schema.APPLICATION_ID and version > schema.schema_version():
        raise DatabaseProblem(
            f"{database}: written by a newer pdca (schema {version}; this one knows up to"
            f" {schema.schema_version()}); nothing restored: restore with the newer pdca"
        )


def _check_live(connection: sqlite3.Connection, database: Path) -> None:
    """The live file must be pdca's (or an empty file): restore never writes over someone
    else's database. A damaged pdca file is fine: that is what restore is for."""
    try:
        _refuse_newer(connection, database)
        application_id, version = schema.read_versions(connection)
        if application_id == schema.APPLICATION_ID:
            return
        if schema.bytes_but_no_database(connection, database):
            # a byte SQLite reads as an empty file: restore wrote over it (a retrial)
            raise _no_sqlite_database(database)
        if application_id == 0 and version == 0:
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables == 0:
                return
    except sqlite3.Error as error:
        primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        if primary == sqlite3.SQLITE_CORRUPT:
            return
        if primary == sqlite3.SQLITE_NOTADB:
            raise _no_sqlite_database(database) from None
        raise copies.failure(database, error, "nothing restored") from None
    raise DatabaseProblem(
        f"{database}: a SQLite database, but not a pdca one; nothing restored (left untouched)"
    )


def _no_sqlite_database(database: Path) -> DatabaseBroken:
    return DatabaseBroken(
        f"{database}: not a SQLite database (or its first page is damaged), so SQLite "
        "cannot write a copy into it; nothing restored: once nobody has it open, move "
        "it away and run the same pdca restore again (it then makes the file anew)"
    )


def _try_alone(
    database: Path, filesystem: str, wait_ms: int = _ATTEMPT_MS
) -> sqlite3.Connection | None:
    """A connection holding the file to itself (EXCLUSIVE locking mode, set before its first
    read, so the lock stays until it is closed), or None when another connection has the
    file open: in WAL mode every connection that has read holds a shared lock until it
    closes. Trying makes others wait at most ``wait_ms``. Only SQLite's busy and locked
    answers mean someone else is there; anything else (damage, a disk error) is said as
    it is, naming the file."""
    try:
        connection = _connect_writer(database, filesystem)
    except sqlite3.Error as error:
        raise copies.failure(database, error, "nothing restored") from None
    try:
        connection.execute(f"PRAGMA busy_timeout = {wait_ms}")
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        begin_in_goes(connection, "BEGIN EXCLUSIVE")  # a stop meanwhile is answered at once
        connection.execute("COMMIT")
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return connection
    except sqlite3.Error as error:
        connection.close()
        primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return None
        raise copies.failure(database, error, "nothing restored") from None
    except BaseException:
        connection.close()
        raise


def _hold_alone(database: Path, filesystem: str) -> sqlite3.Connection:
    """A connection holding the file alone (``_try_alone``), waiting for it as long as a
    write waits for the lock; refused, with nothing restored, when it stays taken."""
    connection = _try_alone(database, filesystem, int(BUSY_TIMEOUT_SECONDS * 1000))
    if connection is None:
        raise DatabaseBusy(
            f"{database} stayed busy for {BUSY_TIMEOUT_SECONDS:g} s (others reading or"
            " writing it); nothing restored, try again"
        )
    return connection


def _alone(
    database: Path,
    filesystem: str,
    wait: float | None,
    clock: Callable[[], datetime],
    waiting: Callable[[str, float], None] = lambda who, left: None,
    actor: str | None = None,
) -> sqlite3.Connection:
    """Wait (up to ``wait`` seconds) until no board is present (db/presence.py: a board on
    a network filesystem holds no lock between reads) and no connection has the file open;
    then hold it alone. Refused, naming who is there, when that does not happen in time.
    ``waiting`` is told whom it waits for and how long at most, first and whenever that
    changes: a tester's
    ``--wait`` said nothing for half a minute."""
    deadline = time.monotonic() + (wait or 0)
    told = None
    while True:
        others = _others(database, filesystem, clock())
        if not others:
            connection = _try_alone(database, filesystem)
            if connection is not None:
                return connection
        # As the refusal names them (one's own board as one's own: a soak read both ways)
        who = (
            ", ".join(_named(others, actor))
            if others
            else "a pdca command, or another SQLite program"
        )
        if wait and who != told and time.monotonic() < deadline:
            waiting(who, deadline - time.monotonic())
            told = who
        if time.monotonic() >= deadline:
            raise _open_elsewhere(database, others, wait, actor)
        time.sleep(_RETRY_SECONDS)


def _me(actor: str | None) -> str:
    """This run's person as ``_others`` names a board: ``login on host``."""
    return f"{actor or login_name()} on {socket.gethostname()}"


def _named(others: list[str], actor: str | None) -> list[str]:
    """The boards open, one's own said as one's own: "ask them to quit pdca" sent a tester
    looking for someone else."""
    me = _me(actor)
    # Not "your own board": the sessions are one a login and host, and ann had two open
    return [f"{who}: yours" if who == me else who for who in others]


def _open_elsewhere(
    database: Path, others: list[str], wait: float | None, actor: str | None = None
) -> DatabaseProblem:
    """The refusal of a restore while others have the file open, and what to do next, for
    what was already tried (a tester, with --wait given, was told to run with --wait; and to
    "quit pdca" of a sqlite3 shell). Not "busy" (exit 75, run it again as it is): it waits
    for people, or asks for --wait or --force."""
    me = _me(actor)
    waited = f" after waiting {wait:g} s" if wait else ""
    if others and set(others) == {me}:
        return DatabaseProblem(
            f"{database} is open in a board of yours{waited} ({me}); nothing restored: quit"
            " your boards, or run again with --force (restore under them)"
        )
    who = (
        ", ".join(_named(others, actor)) if others else "a pdca command, or another SQLite program"
    )
    close = "quit pdca" if others else "close it (pdca, or another SQLite program)"
    again = "a longer --timeout" if wait else "--wait (until they have)"
    return DatabaseProblem(
        f"{database} is open elsewhere{waited} ({who}); nothing restored: ask them to"
        f" {close}, or run again with {again} or --force (restore under them)"
    )


class RestoreDeclined(Exception):
    """The person said no to putting another file's copy in place: nothing restored."""


def restore(
    database: Path,
    source: Path,
    *,
    clock: Callable[[], datetime],
    wait: float | None = None,
    force: bool = False,
    mountinfo: str | None = None,
    actor: str | None = None,
    waiting: Callable[[str, float], None] = lambda who, left: None,
    another_files: Callable[[], bool] | None = None,
) -> RestoreResult:
    """Replace the contents of ``database`` with the copy ``source``, in one transaction,
    after keeping the current contents in the backups folder (``...before-restore.db``).

    Refused, leaving the database as it was, when ``source`` is not a pdca database this
    pdca can use as it stands or once upgraded (the upgrade is done on a scratch copy, whose
    schema must then be a new pdca database's), or while others have the database open
    (unless ``wait``: seconds to wait for them to leave; or ``force``). Contents SQLite
    cannot copy (damaged) are not kept, and then only with ``force``. A missing database is
    made from the copy.

    Ids are never handed out twice: each table's next id stays above every id the file
    issued before the restore (``carry_over``), so a form opened on a record the copy does
    not hold meets "no such record", never another record that took its id. The restore is
    an event in the history, by ``actor`` (default: the login). ``waiting`` is told whom a
    ``wait`` waits for. ``another_files``: asked, once ``source`` is found usable, when it
    shares no history with the database (another file's copy); False: ``RestoreDeclined``.
    """
    started = time.perf_counter()
    actor = actor or login_name()
    refuse_a_link_to_what_its_maker_may_not_read(database)
    database = the_file_itself(database)
    source = Path(os.path.abspath(source))
    _check_source(source, database)
    info = copies.stat_or_none(database, "--db")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DatabaseProblem(f"{database}: not a regular file; nothing restored")
    if info is not None and info.st_nlink > 1:
        raise DatabaseProblem(
            f"{database} has {info.st_nlink} names (hard links); remove the extra ones"
            f" ({finding_its_other_names(database)}), then restore; nothing restored"
        )
    if info is not None and (strays := strays_refusing_writes(database)):
        # Beside another name's -wal or -journal, as every write is refused: restored under
        # the new name, the move back its refusal advises put the old log beside a file
        # written since, and SQLite's replay of it damaged the file (a retrial).
        raise BesideStrays(strays_refusal(database, strays, "nothing restored"))
    filesystem = filesystem_of(database.parent, mountinfo)
    if info is not None:
        # First, before anything opens the file: a reader's connection made its -wal and
        # -shm, in its own group without write, and the whole team was locked out by a
        # restore refused to a read-only member (a tester).
        _may_write_live(database)
    if info is not None and not force and not wait:
        # A copy that is no pdca file at all is refused first: "quit your boards" for an
        # export given by mistake sent a lead to quit them for nothing (a new lead's trial)
        _open_source(source, glance=True)[0].close()
        # Boards open on it: refused now, not after copying (and checking) the whole copy,
        # seconds on a big file (a tester). Checked again when the file is taken.
        present = _others(database, filesystem, clock())
        if present:
            raise _open_elsewhere(database, present, wait, actor)
    source_connection, version = _open_source(source)
    scratch = schema.temporary_name(database, "new")
    before: Path | None = None
    not_kept: str | None = None
    others: list[str] = []
    held = 0.0
    try:
        try:
            if info is None:
                _check_new_place(database)
            else:
                _check_live_place(database, filesystem)
            _copy_source(source_connection, source, database, scratch)
        finally:
            source_connection.close()
        candidate = _make_usable(scratch, source, version, mountinfo)
        try:
            if info is None:
                try:
                    carry_over(candidate, Issued(), source, actor, clock())
                except sqlite3.Error as error:
                    raise copies.failure(database, error, "nothing restored") from None
                candidate.close()
                _link_new(scratch, database)
            else:
                if another_files is not None:
                    # Only now, a copy that will be refused never asked about (a retrial)
                    parted = changes_past_the_copy(database, source)
                    if parted is not None and not parted.shared and not another_files():
                        raise RestoreDeclined
                before, not_kept, others, held = _restore_in_place(
                    candidate, source, database, filesystem, clock, wait, force, actor, waiting
                )
        finally:
            candidate.close()
    finally:
        _remove_scratch(scratch)
    backups.sweep_temporaries(database.parent, database)
    backups.sweep_temporaries(database.parent / backups.FOLDER_NAME, database)  # a backup's
    # Opened as every pdca opens it (its journal mode set); the schema is already current.
    opened = open_database(database, create=False, mountinfo=mountinfo)
    try:
        rows = copies.integrity(opened.connection)
        current = schema.read_versions(opened.connection)[1]
    except sqlite3.Error as error:
        raise copies.failure(database, error, "the restore itself was committed") from None
    finally:
        opened.connection.close()
    if rows != ["ok"]:
        kept = f"; the contents before are in {before}" if before else ""
        raise DatabaseBroken(
            f"{database}: restored, but integrity_check says {copies.summary(rows)}{kept}"
        )
    return RestoreResult(
        database=database,
        source=source,
        lost=None if before is None else changes_past_the_copy(before, source),
        before_restore=before,
        schema_version=current,
        upgraded_from=version if version < current else None,
        integrity="ok",
        others=others,
        seconds=time.perf_counter() - started,
        held_seconds=held,
        not_kept=not_kept,
    )


def changes_past_the_copy(before: Path, source: Path) -> Parted | None:
    """How many changes (transactions) ``before`` (the contents a restore replaced) holds
    past the newest event it shares with ``source``, a copy of the same history (``Parted``,
    ``shared`` False when they share none: another file's copy); None when either cannot be
    read. A restore from a backup 6 s old dropped two readings cron had recorded, and said
    only where the contents before were kept (a sysadmin's trial); a backup taken before an
    earlier restore shares only the history before that one, and the changes made since were
    dropped without a word (a trial: two adds, then 48 of a colleague's loop)."""
    try:
        copy = copies.open_copy(source)
        try:
            kept = copies.open_copy(before)
            try:
                return _parted(copy, kept)
            finally:
                kept.close()
        finally:
            copy.close()
    except sqlite3.Error:
        return None


# Changes that stand: not a whole-file event (an earlier restore adds nothing the copy
# lacks); not an undo of a change the copy lacks too, nor a change undone since (a check-in
# and its undo, and that restore, were counted as lost, a retrial); but an undo of a change
# the copy holds is lost with the restore, which brings that change back (a reviewer).
# With them, the actions they touched: "2 changes" were a reassign of 4 and an import of
# 50 (a retrial).
_CHANGES_PAST = """
SELECT count(DISTINCT e.tx),
  count(DISTINCT CASE WHEN e.entity = 'action' THEN e.entity_id END)
FROM events e WHERE e.id > :shared AND e.entity <> 'database'
  AND CASE WHEN e.undo_of IS NULL
    THEN NOT EXISTS (SELECT 1 FROM events u WHERE u.undo_of = e.tx)
    ELSE e.undo_of <= :shared_tx END
"""


def _parted(copy: sqlite3.Connection, kept: sqlite3.Connection) -> Parted:
    (kept_newest,) = kept.execute("SELECT max(id) FROM events").fetchone()
    if kept_newest is None:  # the file held no change (a fresh init): nothing is lost
        return Parted(shared=True)
    (copy_newest,) = copy.execute("SELECT max(id) FROM events").fetchone()
    if copy_newest is None:  # a backup taken before the first change: a shared beginning
        shared, shared_tx = 0, 0
    else:
        found = _newest_shared_event(copy, kept, copy_newest)
        if found is None:
            return Parted(shared=False)
        shared, shared_tx = found
    count, actions = kept.execute(
        _CHANGES_PAST, {"shared": shared, "shared_tx": shared_tx}
    ).fetchone()
    # The copy went on apart only by changes of its own: its whole-file events alone (the
    # import that made it of this file's export) are no parting (a retrial)
    parted = (
        copy.execute(
            "SELECT 1 FROM events WHERE id > ? AND entity <> 'database' LIMIT 1", (shared,)
        ).fetchone()
        is not None
    )
    return Parted(shared=True, changes=int(count), actions=int(actions), parted=parted)


# What pdca writes of a change, beside its id and transaction: two events alike in these
# are one event of one history.
_AS_WRITTEN = "at, actor, entity, entity_id, op, after"


def _newest_shared_event(
    copy: sqlite3.Connection, kept: sqlite3.Connection, newest: int
) -> tuple[int, int] | None:
    """The id and transaction of the newest event of ``copy`` that ``kept`` holds alike,
    or None when not even the first is: found by halving the copy's ids, a history's events
    being alike up to where two files parted. A few indexed reads, on a million events too.

    Alike by what pdca writes of a change (its id, transaction, time, author, what it
    changed and the row as it made it), not by its summary: one summary edited by hand with
    sqlite3 split the history there, and 7 changes were said lost of 1 (a reviewer); the row
    it made tells two files begun in one second apart (a retrial's two teams)."""
    alike = f"id, tx, {_AS_WRITTEN}"
    newest_at_most = f"SELECT {alike} FROM events WHERE id <= ? ORDER BY id DESC LIMIT 1"
    same = (
        "SELECT 1 FROM events WHERE id = ? AND tx IS ? AND at IS ? AND actor IS ?"
        " AND entity IS ? AND entity_id IS ? AND op IS ? AND after IS ?"
    )
    low, high = 0, newest
    shared: tuple[int, int] | None = None
    while low < high:
        middle = (low + high + 1) // 2
        event = copy.execute(newest_at_most, (middle,)).fetchone()
        if event is None or kept.execute(same, tuple(event)).fetchone() is not None:
            low = middle
            shared = None if event is None else (event[0], event[1])
        else:
            high = middle - 1
    # Shared up to a whole change: two files begun in one second by one person, each with an
    # owner new to it, shared the import's first event (that person's) and nothing else (a
    # retrial and a reviewer: another team's file was said to part from this one).
    while shared is not None and not _same_change(copy, kept, shared[1]):
        before = copy.execute(
            f"SELECT {alike} FROM events WHERE tx < ? ORDER BY id DESC LIMIT 1", (shared[1],)
        ).fetchone()
        if before is None or kept.execute(same, tuple(before)).fetchone() is None:
            return None
        shared = (before[0], before[1])
    return shared


def _same_change(copy: sqlite3.Connection, kept: sqlite3.Connection, tx: int) -> bool:
    """Whether change ``tx`` is the same in both files, every event of it as written."""
    rows = f"SELECT id, {_AS_WRITTEN} FROM events WHERE tx = ? ORDER BY id"
    return copy.execute(rows, (tx,)).fetchall() == kept.execute(rows, (tx,)).fetchall()


def _check_new_place(database: Path) -> None:
    """No database at the path (a lost disk): its folder must be there and writable, and no
    removed database's journal may lie there (SQLite would replay it into the copy)."""
    refuse_orphaned_journals(database, "nothing restored")
    folder_info = copies.stat_or_none(database.parent, "--db")
    if folder_info is None or not stat.S_ISDIR(folder_info.st_mode):
        raise DatabaseProblem(
            f"{database}: folder {database.parent} does not exist; nothing restored"
        )
    if not os.access(database.parent, os.W_OK | os.X_OK):
        raise ReadOnlyDatabase(
            f"{database}: {login_name()} may not create files in {database.parent} "
            f"({describe_owner(database.parent)}); nothing restored"
        )


def _may_write_live(database: Path) -> None:
    """This user may write the live file and make its journals in its folder; else a
    refusal naming which of the two, and whose it is."""
    if not os.access(database, os.W_OK):
        raise ReadOnlyDatabase(
            f"{database}: {login_name()} may not write it ({describe_owner(database)});"
            f" nothing restored: {write_advice(database)}"
        )
    if not os.access(database.parent, os.W_OK | os.X_OK):
        raise ReadOnlyDatabase(
            f"{database}: {login_name()} may not create files in its folder"
            f" {database.parent} ({describe_owner(database.parent)}), where SQLite keeps"
            f" its journal; nothing restored: {write_advice(database)}"
        )


def _check_live_place(database: Path, filesystem: str) -> None:
    """The live file may be written by this user, and is pdca's (or empty, or damaged)."""
    _may_write_live(database)
    try:
        look = _connect_live(database, filesystem)
    except sqlite3.Error as error:
        raise copies.failure(database, error, "nothing restored") from None
    try:
        _check_live(look, database)
    finally:
        look.close()


def _copy_source(
    source: sqlite3.Connection, source_file: Path, database: Path, scratch: Path
) -> None:
    """Copy the checked file into the scratch copy beside the database (made as a new
    database there is made: the team's mode in a team's folder, else private)."""
    mode = 0o660 if directory_is_group_shared(database.parent) else 0o600
    try:
        copies.copy_into(source, scratch, mode)
    except sqlite3.Error as error:
        primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise InvalidInput(
                "FILE", str(source_file), copies.copy_failure(error) + "; nothing restored"
            ) from None
        raise DatabaseProblem(
            f"{database}: could not write a working copy beside it ({error}); nothing restored"
        ) from None
    except PermissionError as error:
        raise DatabaseProblem(
            f"{database}: could not write a working copy beside it ({error.strerror}); "
            "nothing restored"
        ) from None


def _make_usable(
    scratch: Path, source: Path, version: int, mountinfo: str | None
) -> sqlite3.Connection:
    """Open the scratch copy as pdca opens a file (an older schema upgraded), then require
    the schema of a new pdca database and a clean ``integrity_check``; a connection to it,
    back in the rollback-journal mode (nothing beside it), ready to be copied from. Anything
    short of that is a one-line refusal naming FILE."""
    try:
        opened = open_database(scratch, create=False, mountinfo=mountinfo)
    except PdcaError as error:
        raise _unusable(error, scratch, source, version) from None
    connection = opened.connection
    try:
        if opened.backup is not None:  # the upgrade's copy of the scratch: not wanted
            copies.remove_temporary(opened.backup)
        connection.execute("PRAGMA journal_mode = DELETE")
        # someone's own table, view or index beside pdca's is kept, as doctor leaves it be: a
        # backup of a file with one was refused that doctor called fine (a reviewer)
        problem = copies.shape_problem(connection)
        if problem is not None:
            upgraded = (
                f" (upgraded from schema version {version})"
                if version < schema.schema_version()
                else ""
            )
            raise InvalidInput(
                "FILE",
                str(source),
                f"has pdca's mark, but not the tables, indexes and triggers pdca makes{upgraded}: "
                f"{problem}; nothing restored",
            )
        rows = copies.integrity(connection)
        if rows != ["ok"]:
            raise InvalidInput(
                "FILE",
                str(source),
                f"is damaged once opened as pdca opens it ({copies.summary(rows)}); "
                "nothing restored",
            )
    except sqlite3.Error as error:
        connection.close()
        raise InvalidInput(
            "FILE", str(source), copies.copy_failure(error) + "; nothing restored"
        ) from None
    except BaseException:
        connection.close()
        raise
    return connection


def _unusable(error: PdcaError, scratch: Path, source: Path, version: int) -> InvalidInput:
    """Why opening the scratch copy failed, said of FILE (the scratch is nobody's business)."""
    cause = error.__cause__ or error.__context__
    if isinstance(cause, sqlite3.Error):
        why = str(cause)
    else:
        why = str(error).removeprefix(f"{scratch}: ").replace(str(scratch), str(source))
    if version < schema.schema_version():
        doing = f"cannot be upgraded from schema version {version} as pdca upgrades a file"
    else:
        doing = "cannot be opened as pdca opens a database"
    return InvalidInput("FILE", str(source), f"{doing} ({why}); nothing restored")


def _remove_scratch(scratch: Path) -> None:
    """The scratch copy, its journal files, and any copy an upgrade of it kept beside it
    (``<scratch>.vN.bak``: the scratch's name is this process's own, nobody else's)."""
    copies.remove_temporary(scratch)
    for upgrade_copy in scratch.parent.glob(f"{glob.escape(scratch.name)}.v*.bak"):
        upgrade_copy.unlink(missing_ok=True)


def _restore_in_place(
    source: sqlite3.Connection,
    source_file: Path,
    database: Path,
    filesystem: str,
    clock: Callable[[], datetime],
    wait: float | None,
    force: bool,
    actor: str,
    waiting: Callable[[str, float], None],
) -> tuple[Path | None, str | None, list[str], float]:
    """Keep the current contents, then copy ``source`` over them in one write transaction;
    (the copy kept, or why it was not, who had the file open when ``force`` restored under
    them, how long others' writes waited: held alone, or under ``force`` held from them)."""
    folder = backups.make_default_folder(database)
    if force:
        return _restore_under_others(
            source, source_file, database, filesystem, folder, clock, actor
        )
    connection = _alone(database, filesystem, wait, clock, waiting, actor)
    before, not_kept, held = _restore_held_alone(
        source, source_file, database, folder, connection, actor, clock, force=False
    )
    return before, not_kept, [], held


def _restore_held_alone(
    source: sqlite3.Connection,
    source_file: Path,
    database: Path,
    folder: Path,
    connection: sqlite3.Connection,
    actor: str,
    clock: Callable[[], datetime],
    *,
    force: bool,
) -> tuple[Path | None, str | None, float]:
    """The restore on ``connection``, which holds the file alone (EXCLUSIVE locking mode):
    nobody writes between what is kept, the counters read and the copy. Closed after."""
    taken = time.perf_counter()
    try:
        before, not_kept, nothing = _keep_and_prepare(
            source, connection, source_file, database, folder, actor, clock, force=force
        )
        try:
            source.backup(connection)  # one write transaction on the database
        except sqlite3.Error as error:
            raise _restore_failure(
                source, source_file, connection, database, error, _drop_kept(before, nothing)
            ) from None
    finally:
        connection.close()  # the last connection: SQLite checkpoints the copy into the file
    return before, not_kept, time.perf_counter() - taken


def _restore_under_others(
    source: sqlite3.Connection,
    source_file: Path,
    database: Path,
    filesystem: str,
    folder: Path,
    clock: Callable[[], datetime],
    actor: str,
) -> tuple[Path | None, str | None, list[str], float]:
    """``--force``: others have the file open, so it cannot be held alone. The copy's first
    step takes the write lock, and SQLite's backup keeps it to the end; the contents kept and
    the counters the copy carries on from are read after that step, on a connection of
    their own (it sees the last commit, and nobody can commit after it). Others' writes
    meanwhile wait, and are refused after their 10 s with nothing written, or land after
    the restore: none is lost, and no id is issued twice. They had been read before the copy
    took the lock: a colleague's adds in between (25 s on the 1 GB file) were in neither the
    kept copy nor the restored file, and their ids were issued again (a tester)."""
    others = _others(database, filesystem, clock())
    try:
        connection = _connect_writer(database, filesystem)
        wal = connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    except sqlite3.Error as error:
        raise copies.failure(database, error, "nothing restored") from None
    if not wal:
        # A rollback journal (a network filesystem): the copy's first step locks readers
        # out too, so nothing could read what is kept under it (a reviewer's restore hung
        # there for good). Between their reads readers hold no lock: the file is taken
        # alone, waiting as a write does, and the rest goes as without --force.
        connection.close()
        held = _hold_alone(database, filesystem)
        before, not_kept, took = _restore_held_alone(
            source, source_file, database, folder, held, actor, clock, force=True
        )
        return before, not_kept, others, took
    prepared: list[tuple[Path | None, str | None, str]] = []
    locked_at: list[float] = []
    asked = time.monotonic()

    def under_the_lock(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and not locked_at:
            # Python's backup tries again for ever: as long as a write waits, and no more.
            if time.monotonic() - asked > BUSY_TIMEOUT_SECONDS:
                raise DatabaseBusy(
                    f"{database} stayed busy for {BUSY_TIMEOUT_SECONDS:g} s (another process"
                    " held its lock that long); nothing restored, try again"
                )
            return
        if locked_at or status != sqlite3.SQLITE_OK:  # past the lock
            return
        locked_at.append(time.perf_counter())
        try:
            reader = _connect_writer(database, filesystem)
        except sqlite3.Error as error:
            raise copies.failure(database, error, "nothing restored") from None
        try:
            prepared.append(
                _keep_and_prepare(
                    source, reader, source_file, database, folder, actor, clock, force=True
                )
            )
        finally:
            reader.close()

    # 64 pages a step (one, for a copy of no more): the first step must not be the last, or
    # the copy would be in place before what it carries on from was read.
    (pages,) = source.execute("PRAGMA page_count").fetchone()
    # Each step waits for the lock in a short go, as a write does (db/lock_wait.py): the wait
    # is one C call, and a Ctrl-C during a 10 s one was answered when it ended (a reviewer).
    # Python's backup tries again after each go and calls ``under_the_lock``, which says how
    # long in all.
    connection.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SLICE_MS}")
    try:
        try:
            source.backup(connection, pages=64 if pages > 64 else 1, progress=under_the_lock)
        except sqlite3.Error as error:
            nothing = _drop_kept(prepared[0][0], prepared[0][2]) if prepared else "nothing restored"
            raise _restore_failure(
                source, source_file, connection, database, error, nothing
            ) from None
    finally:
        connection.close()  # the last connection here: SQLite checkpoints as it can
    if not prepared:  # the copy went in whole at its first step: never for a pdca file
        raise DatabaseProblem(f"{database}: the copy was too small to be a pdca database")
    before, not_kept, _ = prepared[0]
    return before, not_kept, others, time.perf_counter() - locked_at[0]


def _keep_and_prepare(
    source: sqlite3.Connection,
    live: sqlite3.Connection,
    source_file: Path,
    database: Path,
    folder: Path,
    actor: str,
    clock: Callable[[], datetime],
    *,
    force: bool,
) -> tuple[Path | None, str | None, str]:
    """Keep the live file's contents, then make the copy carry on where they leave off:
    (the copy kept, or why it was not, what a failure after this says of what is kept)."""
    before, damage = _keep_before(live, database, folder, datetime.now(UTC))
    not_kept = None
    if damage is not None:
        if not force:
            raise DatabaseBroken(
                f"{database}: its current contents cannot be copied (damaged: {damage}), "
                f"so they cannot be kept; nothing restored: save what is readable with "
                f"sqlite3 {shell_word(database)} .recover >"
                f" {shell_word(f'{database}.recovered.sql')}, then run "
                "again with --force to restore anyway"
            )
        not_kept = f"SQLite cannot copy them (damaged: {damage})"
    nothing = (
        f"nothing restored (the contents before are in {before})" if before else "nothing restored"
    )
    try:
        carry_over(source, _here(issued(live), database, live), source_file, actor, clock())
    except sqlite3.Error as error:
        raise DatabaseProblem(
            f"{database}: preparing the copy (its id counters, its history) failed "
            f"({error}); {_drop_kept(before, nothing)}"
        ) from None
    except BaseException:  # stopped (SIGTERM, Ctrl-C): nothing restored, so nothing kept
        _drop_kept(before, nothing)  # each stopped try had left a whole copy (a retrial)
        raise
    # From here the copy goes in whole: a stop lets the restore finish and say so. Marked
    # after the copy, a stop that came during it was raised once it was in (a retrial).
    commit_marks.committing()
    return before, not_kept, nothing


def _drop_kept(before: Path | None, nothing: str) -> str:
    """A restore refused after the contents were kept: the database is as it was, so the
    copy of it kept first is of no use, and each try on a full disk left one more, which no
    --keep removes (a tester). Removed; what the refusal says of it, returned."""
    if before is None:
        return nothing
    try:
        before.unlink()
    except OSError:
        return nothing  # still there: said so
    return "nothing restored"


def _restore_failure(
    source: sqlite3.Connection,
    source_file: Path,
    live: sqlite3.Connection,
    database: Path,
    error: sqlite3.Error,
    nothing: str,
) -> PdcaError:
    with contextlib.suppress(sqlite3.Error):
        source_page = source.execute("PRAGMA page_size").fetchone()[0]
        live_page = live.execute("PRAGMA page_size").fetchone()[0]
        if source_page != live_page:  # SQLite cannot change a WAL file's page size in place
            return InvalidInput(
                "FILE",
                str(source_file),
                f"has {source_page}-byte pages and the database {live_page}-byte ones; {nothing}",
            )
    return copies.failure(database, error, nothing)


def _keep_before(
    connection: sqlite3.Connection, database: Path, folder: Path, now: datetime
) -> tuple[Path | None, str | None]:
    """Copy the current contents, as they are (damaged or not), to ``...before-restore.db``:
    (the copy, None); or (None, SQLite's words) when SQLite cannot copy them because they
    are damaged. Any other failure (a full disk, say) is a refusal."""
    temporary = schema.temporary_name(folder / database.name, "bak")
    try:
        try:
            copies.copy_into(connection, temporary, copies.copy_mode(database), damaged=True)
        except sqlite3.Error as error:
            primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
            if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
                return None, str(error)
            raise DatabaseProblem(
                f"{database}: keeping its contents in {folder} first failed ({error}); "
                "nothing restored"
            ) from None
        if folder == backups.default_folder(database):  # root's, for someone's file: theirs
            backups.give_to_the_files_owner(
                temporary, database, keep_group=directory_is_group_shared(folder)
            )
        target = backups.link_numbered(temporary, folder, database, now, before=True)
    finally:
        copies.remove_temporary(temporary)
    copies.fsync_folder(folder)
    return target, None


def _link_new(scratch: Path, database: Path) -> None:
    """No database at the path: the checked scratch copy, closed, becomes it, linked into
    place complete, the way a new database is made (db/connection.py)."""
    try:
        commit_marks.committing()  # a stop now lets the restore finish and say so
        copies.link_into_place(scratch, database)
    except FileExistsError:
        raise DatabaseProblem(
            f"{database} appeared while the copy was written; nothing replaced: run the "
            "restore again to put the copy into it"
        ) from None
    copies.fsync_folder(database.parent)
