"""Copies of a database made by SQLite, never by Python (shared/SQLITE.md): written under
a temporary name, checked, and linked into place, so no name ever holds half a copy.

What a backup and a restore (db/backup.py, db/restore.py) share: looking at a copy without
leaving anything beside it, copying every page in one step, and giving the finished file
its name without replacing another. Every other look at a file is ``os.stat``.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from pdca.db import schema
from pdca.db.access import cannot_reach
from pdca.db.connection import BUSY_TIMEOUT_SECONDS, LENIENT_TEXT, uri_path
from pdca.db.errors import (
    DatabaseProblem,
    InvalidInput,
    PdcaError,
    database_failure,
    shell_word,
)

_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


@contextlib.contextmanager
def read_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """``open_copy`` for a ``with`` block."""
    connection = open_copy(path)
    try:
        yield connection
    finally:
        connection.close()


def open_copy(path: Path, timeout: float = BUSY_TIMEOUT_SECONDS) -> sqlite3.Connection:
    """A read-only connection to a copy (a backup, a file to restore), or for a glance at a
    live file (shell completion), that leaves nothing beside it: read as it stands
    (``immutable``) unless it has a ``-wal`` or ``-shm`` of its own, which SQLite must then
    read through (a read-only open of a WAL file would otherwise leave a ``-wal`` and
    ``-shm`` behind)."""
    in_use = any(os.path.lexists(f"{path}{suffix}") for suffix in ("-wal", "-shm"))
    uri = f"file:{uri_path(path)}?mode=ro" + ("" if in_use else "&immutable=1")
    connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    connection.text_factory = LENIENT_TEXT
    return connection


def integrity(connection: sqlite3.Connection) -> list[str]:
    return [row[0] for row in connection.execute("PRAGMA integrity_check")]


INTEGRITY_LINES_MOST = 100  # integrity_check's own limit: more lines mean "or more"


def structure_problems(connection: sqlite3.Connection) -> list[str]:
    """``integrity_check``'s findings (``summary``'s lines), none for "ok", but for rows whose
    value breaks a CHECK (a shell's phase 'Do' past the guards): those are the rows', which
    reads leave out and name, and doctor's "values" check names; as damage, they stopped
    every board and asked for a backup (a tester). SQLite leaves them out itself under
    ``ignore_check_constraints``: filtered after, 100 of them used up the check's 100 lines
    and hid an index's damage (a reviewer)."""
    connection.execute("PRAGMA ignore_check_constraints = ON")
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.execute("PRAGMA ignore_check_constraints = OFF")
    return [line for line in _lines(rows) if line != "ok"]


def _lines(rows: list[str]) -> list[str]:
    return [
        line.strip()
        for row in rows
        for line in str(row).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]


def summary(rows: list[str]) -> str:
    """The first two problems ``integrity_check`` found, and how many more, on one line. A
    row may hold many lines (``*** in database main ***`` and a line a page): a tester's
    backup of a damaged file printed 2.7 KB of them as its "one line"."""
    lines = _lines(rows)
    shown = "; ".join(line[:120] for line in lines[:2])
    return shown + (f" (and {len(lines) - 2} more)" if len(lines) > 2 else "")


def version_problem(connection: sqlite3.Connection) -> tuple[int, str | None]:
    """(schema version, why it is not a pdca database this pdca can use, or None)."""
    if schema.bytes_but_no_database(connection):
        return 0, "is not a SQLite database"
    if connection.execute("PRAGMA page_count").fetchone()[0] == 0:
        return 0, "is an empty file, not a pdca database"
    application_id, version = schema.read_versions(connection)
    if application_id != schema.APPLICATION_ID:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if application_id == 0 and version == 0 and tables == 0:  # as commands name it
            return version, "is an empty SQLite database, not a pdca one"
        return version, "is a SQLite database, but not a pdca one"
    if version < 1:  # pdca writes its mark and version 1 or more in one transaction
        return version, f"has pdca's mark but schema version {version}, which no pdca writes"
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
        with read_copy(path) as connection:
            return copy_problem(connection)
    except sqlite3.Error as error:
        return 0, copy_failure(error)


def copy_problem(connection: sqlite3.Connection) -> tuple[int, str | None]:
    """``check_copy`` on a connection already open (sqlite3.Error when it cannot be read)."""
    version, problem = version_problem(connection)
    if problem:
        return version, problem
    rows = integrity(connection)
    if rows != ["ok"]:
        return version, f"is damaged ({summary(rows)})"
    return version, None


Shape = dict[tuple[str, str], str]

_QUOTES = re.compile(r'["`\[\]]')
_SPACED = re.compile(r"\s*([(),=])\s*")


def _normal(sql: str | None) -> str:
    """One statement's text with the differences that mean nothing taken out: whitespace,
    and how identifiers are quoted (SQLite stores the text as it was typed)."""
    return _SPACED.sub(r"\1", " ".join(_QUOTES.sub("", sql or "").split()))


def shape(connection: sqlite3.Connection) -> Shape:
    """Every table, index, view and trigger of a file, and its normalised SQL; left out are
    SQLite's own (``sqlite_sequence``, ``sqlite_stat1``, automatic indexes) and Litestream's
    (``_litestream_seq``, ``_litestream_lock``: it adds them to the file it replicates, and a
    copy it restores has them; README: Litestream)."""
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master"
        " WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT LIKE '!_litestream!_%' ESCAPE '!'"
    )
    return {(kind, name): _normal(sql) for kind, name, sql in rows}


def fresh_shape() -> Shape:
    """The shape of a new pdca database, made the way the app makes one (``schema.migrate``
    on an empty file, as db/connection.py's ``_create_database`` does), in memory."""
    return _fresh()[0]


@functools.cache
def _fresh() -> tuple[Shape, dict[str, tuple[str, ...]]]:
    """A new pdca database made once in memory: its shape, and each table's columns."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        schema.migrate(connection, Path(":memory:"), writable=True, current=0)
        made = shape(connection)
        tables = [name for (kind, name) in made if kind == "table"]
        columns = {
            table: tuple(row[1] for row in connection.execute(f"PRAGMA table_info({table})"))
            for table in tables
        }
        return made, columns
    finally:
        connection.close()


@functools.cache
def _shape_at(version: int) -> Shape:
    """The shape of a pdca database at schema ``version``, made in memory by today's steps:
    not always what an older pdca made at it (a step builds from constants later steps share),
    so a version whose shape is the latest's is never judged lowered, only passed over."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for _name, step in schema.MIGRATIONS[:version]:
            step(connection)
        return shape(connection)
    finally:
        connection.close()


def mark_set_back(connection: sqlite3.Connection, path: Path) -> str | None:
    """What a file whose pdca mark or schema version was changed outside pdca (``PRAGMA
    application_id = 0``, ``user_version = 5`` from a shell) is, and the command that puts it
    back, when its tables, indexes and triggers are this pdca's very own; else None. It was
    refused as "not a pdca one", or its upgrade failed on a table already there ("owned by
    root:root, mode 0644"), and doctor said all was well (a tester)."""
    application_id, version = schema.read_versions(connection)
    latest = schema.schema_version()
    if (application_id, version) == (schema.APPLICATION_ID, latest) or version > latest:
        return None
    if shape(connection) != fresh_shape():
        return None
    # An older version with the latest's objects is a real older file only when the
    # migrations since changed no object (data alone): then nothing is said.
    # (0 too: a mark and version both zeroed was put back by halves, a reviewer)
    lowered = 0 <= version < latest and _shape_at(version) != fresh_shape()
    cleared = application_id != schema.APPLICATION_ID
    if not lowered and not cleared:
        return None
    fixes = [f"PRAGMA application_id = {schema.APPLICATION_ID}"] * cleared
    fixes += [f"PRAGMA user_version = {latest}"] * lowered
    what = " and ".join(
        [*["its pdca mark (application_id) was cleared"] * cleared,
         *[f"its schema version says {version} of tables that are version {latest}'s"] * lowered]
    )  # fmt: skip
    return (
        f"{what}: changed outside pdca (left untouched); if it is the team's file, put it"
        f" back: sqlite3 {shell_word(path)} {shell_word('; '.join(fixes))}"
    )


def shape_difference(
    found: Shape, wanted: Shape, added: dict[str, list[str]] | None = None
) -> str | None:
    """How ``found`` differs from ``wanted``, in a few words (the first three differences),
    or None when they are the same. ``added``: the columns pdca does not make of each table
    (``columns_added``), named with it. pdca's own objects missing or changed come before
    someone's own beside them: six FTS tables hid a column added to actions in "(and 6
    more)" (a trial)."""
    order = {"table": 0, "view": 1, "index": 2, "trigger": 3}

    def ordered(keys: set[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(keys, key=lambda key: (order.get(key[0], 4), key))

    def changed(kind: str, name: str) -> str:
        columns = (added or {}).get(name) if kind == "table" else None
        made = f" (a column pdca does not make: {', '.join(columns)})" if columns else ""
        return f"{kind} {name} is not pdca's{made}"

    words = [f"no {kind} {name}" for kind, name in ordered(wanted.keys() - found.keys())]
    words += [
        changed(kind, name)
        for kind, name in ordered(wanted.keys() & found.keys())
        if wanted[kind, name] != found[kind, name]
    ]
    # someone's own triggers first of theirs: they act on pdca's writes (three FTS triggers
    # hid behind its tables' "(and 5 more)", a retrial)
    extra = sorted(found.keys() - wanted.keys(), key=lambda key: (key[0] != "trigger", key))
    words += [f"an extra {kind} {name}" for kind, name in extra]
    if not words:
        return None
    more = f" (and {len(words) - 3} more)" if len(words) > 3 else ""
    return "; ".join(words[:3]) + more


def columns_added(connection: sqlite3.Connection) -> dict[str, list[str]]:
    """Of each of pdca's tables, the columns the file has that pdca does not make (a
    ``sqlite-utils add-column``): what a person takes out to put the table right."""
    added = {}
    for table, wanted in _fresh()[1].items():
        have = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
        if extra := [column for column in have if column not in wanted]:
            added[table] = extra
    return added


def shape_problem(connection: sqlite3.Connection) -> str | None:
    """What of a file's tables, indexes, views and triggers pdca cannot work with, in words
    (``shape_difference``): its own missing or changed, or a trigger of someone's own, which
    acts on every write; None when the rest are as pdca makes them, someone's own table,
    view or index beside them (which pdca leaves be, as doctor says). What restore refuses
    in a copy, and backup says of the copy it made."""
    found, fresh = shape(connection), fresh_shape()
    differing = {key for key in fresh if found.get(key) != fresh[key]}
    triggers = {key for key in found.keys() - fresh.keys() if key[0] == "trigger"}
    if not differing and not triggers:
        return None
    mattering = {key: sql for key, sql in found.items() if key in fresh or key in triggers}
    return shape_difference(mattering, fresh, columns_added(connection))


def copy_failure(error: sqlite3.Error) -> str:
    primary = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    if primary == sqlite3.SQLITE_NOTADB:
        return "is not a SQLite database"
    if primary == sqlite3.SQLITE_CORRUPT:
        return f"is damaged ({error})"
    return f"cannot be read ({error})"


def stat_or_none(path: Path, field_name: str) -> os.stat_result | None:
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


def copy_mode(database: Path) -> int:
    """The database's own read/write bits for its owner and group, never anyone else's:
    ``0660`` for a team's file, ``0600`` for a private one."""
    try:
        mode = os.stat(database).st_mode & 0o660
    except OSError:
        mode = 0o600
    return mode | 0o600


def fsync_folder(folder: Path) -> None:
    """Make the new name itself durable (a folder, never a database file, is opened)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def link_into_place(temporary: Path, target: Path) -> None:
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


def remove_temporary(temporary: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        name = Path(f"{temporary}{suffix}")
        # Looked for first: on a read-only mount, unlinking a name that is not there fails
        # with EROFS, which hid why nothing was made (a retrial)
        if os.path.lexists(name):
            name.unlink(missing_ok=True)


def copy_into(
    source: sqlite3.Connection, temporary: Path, mode: int, *, damaged: bool = False
) -> float:
    """Copy every page of ``source`` into the new file ``temporary`` in one step (one read
    transaction on the source); the seconds that read lasted. The copy has no presence rows
    (nobody has it open) and is left in the rollback-journal mode, so opening it later makes
    no -wal or -shm beside it (``damaged``: a copy kept as it is even when SQLite cannot read
    its schema to change that)."""
    target = sqlite3.connect(f"file:{uri_path(temporary)}?mode=rwc", uri=True, isolation_level=None)
    try:
        os.chmod(temporary, mode)
        target.execute("PRAGMA journal_mode = OFF")  # a copy that fails is thrown away
        began = time.perf_counter()
        source.backup(target)
        seconds = time.perf_counter() - began
        for step in (_forget_sessions, _rollback_journal):
            try:
                step(target)
            except sqlite3.DatabaseError:
                if not damaged:
                    raise
        return seconds
    finally:
        target.close()


def _forget_sessions(copy: sqlite3.Connection) -> None:
    """Presence is who has a file open (db/presence.py): nobody has a new copy open."""
    if copy.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'"
    ).fetchone():
        copy.execute("DELETE FROM sessions")


def _rollback_journal(copy: sqlite3.Connection) -> None:
    copy.execute("PRAGMA journal_mode = DELETE")


def failure(database: Path, error: sqlite3.Error, nothing: str) -> PdcaError:
    """A SQLite failure on the database, in one line ending with what was not done."""
    known = database_failure(database, error)
    if known is None:
        return DatabaseProblem(f"{database}: {error}; {nothing}")
    return type(known)(f"{known}; {nothing}")
