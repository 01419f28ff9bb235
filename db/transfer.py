"""``pdca export`` and ``pdca import``.

- JSON export: every table, ids and history included, so it restores a database exactly.
  Importing it is a restore, into a database that holds nothing yet.
- CSV export: the actions, one row each, for spreadsheets (a cell a spreadsheet would take
  for a formula is quoted: db.spreadsheet; import takes the quote off again). Importing a
  CSV adds its rows as new actions (columns: title, and optionally owner, phase, due,
  priority, initiative, kpi, notes); every row is checked first, and one bad row means nothing is
  written.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from pdca.db import rules, schema
from pdca.db.clock import Clock, iso
from pdca.db.connection import refuse_database_file
from pdca.db.dates import exported_day, parse_date, past_one_nearer
from pdca.db.errors import (
    DatabaseProblem,
    InvalidInput,
    PdcaError,
    RowChangedOutside,
    shell_word,
)
from pdca.db.input_files import (
    Outcome,
    Row,
    a_few,
    not_utf8,
    open_text,
    read_csv,
    refuse_other_separators,
    spool_checked,
    starts_as_sqlite,
)
from pdca.db.models import (
    ID_MAX,
    NOTES_MAX,
    OTHER_PRIORITY_WORDS,
    PHASES,
    PRIORITIES,
    TITLE_MAX,
    ActionDraft,
    not_one_of,
    number_problem,
    priority_of,
    validated_whole,
)
from pdca.db.other_tools_exports import (
    FINISHED_STATUSES,
    LACKING,
    STATUS_PHASES,
    OtherToolsExport,
    export_of,
    no_owner,
    status_word,
)
from pdca.db.row_rules import row_problem
from pdca.db.spreadsheet import neutralise, restore
from pdca.db.store import TABLES, Store, case_slip_refused

EXPORT_FORMAT = "pdca-export"
# Parents before children, so foreign keys hold as rows go in.
TABLE_ORDER = (
    "people",
    "initiatives",
    "kpis",
    "recurrences",
    "actions",
    "checkins",
    "kpi_readings",
    "alerts",
    "followups",
    "standups",
    "settings",
    # The team's channels and what was sent: without them a file moved by export and import
    # sent its whole history again and lost its webhook and command (a tester).
    "notify_settings",
    "notifications",
    "events",
)
CSV_COLUMNS = (
    "id",
    "title",
    "owner",
    "phase",
    "due",
    "priority",
    "initiative",
    "kpi",
    "cycle",
    "parent_id",
    "verdict",
    "decision",
    "done_at",
    "last_checkin_at",
    "created_at",
    "notes",
)
CSV_IMPORT_COLUMNS = ("title", "owner", "phase", "due", "priority", "initiative", "kpi", "notes")
# Every column an import reads: a hand-made file's and an export's own.
_READ_COLUMNS = frozenset((*CSV_IMPORT_COLUMNS, *CSV_COLUMNS))
# Other tools' names for those columns: a Jira or Linear export's Summary and Assignee were
# refused as no title column (a programme lead moving over).
CSV_COLUMN_ALIASES = {
    "summary": "title",
    "assignee": "owner",
    "due date": "due",
    "due_date": "due",
    "description": "notes",
    # Linear's and Jira's Status: their workflow's states, read as phases (STATUS_PHASES)
    "status": "phase",
}


def _column_name(name: str) -> str:
    """A CSV header's name as pdca reads it: any case, other tools' names as pdca's."""
    said = name.strip().lstrip("\ufeff").strip().lower()  # a BOM written twice (a retrial)
    return CSV_COLUMN_ALIASES.get(said, said)


def export_json(store: Store) -> str:
    return "".join(export_json_parts(store))


def export_json_parts(store: Store, *, ascii_only: bool = False) -> Generator[str, None, None]:
    """The JSON export in pieces, a row at a time: the very text ``json.dumps(document,
    indent=1)`` writes, without the document in memory (a gigabyte at 100 000 actions, and
    its copies). Read in one read transaction, so the tables agree with each other however
    long the writing takes. ``ascii_only``: every other character as JSON's own escape, for
    an ASCII terminal (whose own escapes, ``\\xe9``, are no JSON: a tester)."""

    def dumped(value: object, depth: int) -> str:
        text = json.dumps(value, ensure_ascii=ascii_only, indent=1)
        return text.replace("\n", "\n" + " " * depth)

    head: dict[str, object] = {
        "format": EXPORT_FORMAT,
        "schema_version": schema.schema_version(),
        "exported_at": iso(store.clock()),
        "exported_by": store.actor,
    }
    # One snapshot (no lock on writers, in WAL), ended when the generator is, early too (a
    # write that failed half way closes it). A pipe read slowly holds it, and WAL
    # checkpoints wait for it: the README says so.
    with store.reading():
        _refuse_blobs(store)  # before the first piece: a refusal leaves nothing half written
        # Each table's last id handed out, rows a restore took away included: imported, the
        # copy gave #100001 again to another action (a file's long life)
        head["issued"] = {
            str(name): seq
            for name, seq in store.conn.execute("SELECT name, seq FROM sqlite_sequence")
            if name in TABLE_ORDER and isinstance(seq, int)
        }
        yield dumped(head, 0).removesuffix("\n}") + ',\n "tables": {'
        for at, table in enumerate(TABLE_ORDER):
            yield ("," if at else "") + f"\n  {json.dumps(table)}: ["
            rows = store.conn.execute(f"SELECT * FROM {table} ORDER BY id")
            empty = True
            for row in rows:
                yield ("\n   " if empty else ",\n   ") + dumped(_exportable(table, row), 3)
                empty = False
            yield "]" if empty else "\n  ]"
    yield "\n }\n}\n"


# The small tables of settings, names and people, where a value typed in by hand stops an
# import of the export; the big ones (events, check-ins, readings, actions) are left to
# doctor, which names their odd values too.
CHECKED_ON_EXPORT = ("people", "initiatives", "kpis", "settings", "notify_settings", "standups")


def export_problems(store: Store) -> list[str]:
    """Rows of the small tables an import of this export would refuse (``row_rules``), as
    the import would name them: a tester's export of a file holding a setting typed in by
    hand went out without a word and could not be imported again."""
    found = []
    for table in CHECKED_ON_EXPORT:
        for row in store.conn.execute(f"SELECT * FROM {table} ORDER BY id"):
            data = dict(row)
            problem = _refused(table, data)
            if problem:
                found.append(f"{table} row {data.get('id', '?')}: {problem}")
    # And the values of any table that its guards refuse (put in by hand before them): the
    # export said nothing of a due date 'tomorrow' or a baseline 'abc' that its import then
    # refused (a tester). One pass over each table, as doctor's values check makes.
    from pdca.db.schema import unreadable_values

    checked = tuple(f"{table}:" for table in CHECKED_ON_EXPORT)  # named row by row above
    return found + [odd for odd in unreadable_values(store.conn) if not odd.startswith(checked)]


def _refuse_blobs(store: Store) -> None:
    """A blob anywhere is named (``_exportable``) before any of the export is written: one
    pass in SQLite over each table, where the rows would be read one by one."""
    for table in TABLE_ORDER:
        columns = [info[1] for info in store.conn.execute(f"PRAGMA table_info({table})")]
        if not columns:
            continue
        test = " OR ".join(f"typeof({column}) = 'blob'" for column in columns)
        row = store.conn.execute(f"SELECT * FROM {table} WHERE {test} LIMIT 1").fetchone()
        if row is not None:
            _exportable(table, row)


def _exportable(table: str, row: sqlite3.Row) -> dict[str, Any]:
    """The row as JSON takes it. A blob (only sqlite3 by hand puts one in, before schema 21's
    guards) has no JSON: named in one line instead of a crash (a tester's KPI target)."""
    data = dict(row)
    for column, value in data.items():
        if isinstance(value, bytes):
            from pdca.db.plain import shown_value

            raise RowChangedOutside(
                f"{table} row {data.get('id', '?')}: {column} holds {shown_value(value)}, which"
                " JSON cannot hold: changed outside pdca; put it right with sqlite3 (pdca doctor"
                " names every such value), or copy the file as it is with pdca backup"
            )
    return data


def export_csv(store: Store) -> str:
    return "".join(export_csv_parts(store))


def export_csv_parts(store: Store) -> Iterator[str]:
    """The CSV export a line at a time (the header first), read as it goes: whole, the huge
    file's actions took 215 MB (a tester), where the JSON export streams in 37."""
    from pdca.db.store import ActionFilter

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # Python 3.11's writer quotes a field holding its line end ("\n"), not one holding a
    # bare "\r", which a reader then takes for a line end: such a row, every field quoted
    # (a tester's round trip of a note with a "\r" in it broke).
    quoting_all = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def line(values: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        row = list(values)
        (quoting_all if any("\r" in value for value in row) else writer).writerow(row)
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for data in store.iter_action_data(ActionFilter(include_done=True)):
        yield line("" if data[c] is None else neutralise(str(data[c])) for c in CSV_COLUMNS)


def import_into_new(database: Path, source: Path, today: date, *, actor: str, clock: Clock) -> str:
    """``import_file`` into a database that is not there yet: made under a scratch name
    beside it (``schema.temporary_name``: nobody else knows it, so nobody has it open) and
    linked into place, complete and closed, only once the import succeeded. A refused
    import leaves nothing behind (a tester: ``pdca --db fresh.db import /etc/passwd`` left an
    empty pdca file), and no file anyone may have open is ever removed (SQLITE.md)."""
    from pdca.db import copies

    scratch = schema.temporary_name(database, "new")
    try:
        try:
            store = Store.open(scratch, actor=actor, clock=clock, create=True)
            try:
                summary = import_file(store, source, today, shown_as=database)
            finally:
                store.close()
        except DatabaseProblem as error:
            # Said of the file asked for: "/t/.new.db.vm.30610.9e5f.new: the disk is full"
            # named a scratch copy that is gone once this is read (a full disk's trial)
            said = str(error).replace(str(scratch), str(database))
            raise type(error)(said) if said != str(error) else error from None
        except OSError as error:
            if error.filename is None or not str(error.filename).startswith(str(scratch)):
                raise  # the source's, say: named as it is (a reviewer's /proc/self/mem)
            from pdca.db.access import read_only_mount, read_only_mount_said

            # the scratch copy's (a read-only mount, say): the file asked for, named
            mount = read_only_mount(database)
            why = read_only_mount_said(mount) if mount else error.strerror or str(error)
            raise DatabaseProblem(f"{database}: {why}; nothing imported") from None
        try:
            copies.link_into_place(scratch, database)
        except FileExistsError:
            raise DatabaseProblem(
                f"{database} appeared while the import was written; nothing replaced: import"
                " again to add to it, or into another file"
            ) from None
        copies.fsync_folder(database.parent)
    finally:
        copies.remove_temporary(scratch)
        from pdca.db.backup import FOLDER_NAME, sweep_temporaries

        sweep_temporaries(database.parent, database)  # killed imports' copies, an hour on
        sweep_temporaries(database.parent / FOLDER_NAME, database)  # and killed backups
    return summary


def import_file(
    store: Store,
    path: Path,
    today: date,
    *,
    shown_as: Path | None = None,
    skip_existing: bool = False,
) -> str:
    """Import a JSON export (restore) or a CSV of actions (append); return a summary.
    ``shown_as``: the database's own name, when ``store`` is a scratch copy of it.
    ``skip_existing``: a CSV's rows this file holds already are left out (``_held_here``)."""
    if store.path is not None:
        refuse_database_file(path, shown_as or store.path, "file")
    with open_text(path, encoding="utf-8-sig") as stream:  # -sig: a spreadsheet's BOM
        try:
            try:
                start = _first_character(stream)
            except OSError as error:  # "could not write the output" named the wrong end
                raise InvalidInput(
                    "file", str(path), f"cannot be read ({error.strerror})"
                ) from None
            stream.seek(0)
            tasks = _taskwarrior_tasks(path, stream, start)
            stream.seek(0)
            if tasks is not None:
                from pdca.db import taskwarrior_export

                for line, task in tasks:  # every task checked before any is added
                    problem = taskwarrior_export.task_problem(task)
                    if problem:
                        raise InvalidInput("file", str(path), f"line {line}: {problem}")
                other = taskwarrior_export.export()
                return _append_csv(
                    store,
                    path,
                    stream,
                    today,
                    skip_existing=skip_existing,
                    read=taskwarrior_export.rows(tasks, other),
                    other=other,
                )
            if start in ("{", "["):  # "[": JSON too, never a CSV header (a tester)
                if skip_existing:
                    raise InvalidInput(
                        "--skip-existing",
                        str(path),
                        "is for a CSV of actions; a JSON export loads whole into an empty database",
                    )
                return _restore_json(store, path, stream)
            return _append_csv(store, path, stream, today, skip_existing=skip_existing)
        except UnicodeDecodeError:
            if starts_as_sqlite(path):  # a database or a backup: restore's, not import's
                raise InvalidInput(
                    "file",
                    str(path),
                    "is a SQLite database, not a JSON export or a CSV: to bring back a pdca"
                    " database or one of its backups, use pdca restore",
                ) from None
            raise not_utf8(path) from None


EVERY_EXPORT_HOLDS = (  # the first schema's tables: every export since holds them
    "people",
    "initiatives",
    "kpis",
    "kpi_readings",
    "alerts",
    "actions",
    "checkins",
    "events",
)


_FIRST_TASK_WITHIN = 1 << 20


def _taskwarrior_tasks(path: Path, stream: TextIO, start: str) -> list[tuple[int, Any]] | None:
    """The tasks of a Taskwarrior ``task export`` (a JSON list, or one task a line), each
    with its line in the file; None for any other file. A pdca export is never read whole
    here: only a list, or a file whose first line is a task, is."""
    from pdca.db import taskwarrior_export

    if start not in ("{", "["):
        return None
    # Its first task looked at in the first MiB alone: a pdca export of a gigabyte on one
    # line (jq -c) is not read whole for it, nor any other large list.
    read = stream.read(_FIRST_TASK_WITHIN)
    head = read.lstrip()
    head = head[1:].lstrip() if start == "[" else head
    if start == "[" and head.rstrip() == "]":  # task export of no task: nothing to add
        return []
    try:
        first, _ = json.JSONDecoder().raw_decode(head)
        a_task = taskwarrior_export.is_a_task(first)
    except (json.JSONDecodeError, RecursionError, ValueError):
        # A first task longer than the MiB (an annotation of 3 MB) crashed the import: it was
        # taken for a pdca export (a tester). One that begins as a task does is read whole;
        # a pdca export begins with its "format", or a table, and is never read whole here.
        a_task = len(read) == _FIRST_TASK_WITHIN and taskwarrior_export.begins_as_a_task(head)
    if not a_task:
        return None
    stream.seek(0)
    text = stream.read()
    by_line = taskwarrior_export.tasks_of_lines(text)
    if by_line is not None or start == "{":
        return by_line
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError):
        return None  # said by the JSON import's own reading
    if not (isinstance(document, list) and document):
        return None
    if not all(taskwarrior_export.is_a_task(task) for task in document):
        return None
    # Each with the line it starts on: its place in the list was said as its line, and a
    # pretty-printed export's bad task on lines 7-11 was named as "line 2" (a retrial)
    lines = taskwarrior_export.lines_of_a_list(text)
    if lines is None or len(lines) != len(document):
        lines = list(range(1, len(document) + 1))
    return list(zip(lines, document, strict=True))


class _ReadWhole(Exception):
    """A file the export's row-at-a-time reading does not take as it comes (a key or a
    table twice, which json.load reads as the last one): read whole, as before."""


def _restore_json(store: Store, path: Path, stream: TextIO) -> str:
    """A JSON export into the empty ``store``: read twice a row at a time (checked, then
    written), its memory flat whatever its size; ``json.load`` of the huge file's export
    held more than 2 GB (a tester). A file in another shape is read whole."""
    try:
        try:
            return _restore_streamed(store, path, stream)
        except _ReadWhole:
            stream.seek(0)
            return _restore_whole(store, path, json.load(stream))
    except json.JSONDecodeError as error:
        raise InvalidInput("file", str(path), f"is not valid JSON (line {error.lineno})") from None
    except RecursionError:
        raise InvalidInput("file", str(path), "is nested too deeply to be a pdca export") from None
    except ValueError:  # an integer of thousands of digits, which Python will not read
        raise InvalidInput(
            "file", str(path), "holds a number of thousands of digits: not a pdca export"
        ) from None


def _check_head(path: Path, document: object) -> None:
    """Refuse what is no pdca export, or one of a newer schema."""
    if isinstance(document, list):
        # Taskwarrior's ``task export`` was told only "is not a pdca JSON export", with
        # nothing of what pdca would take instead (a Taskwarrior user's trial)
        from pdca.db.taskwarrior_export import is_a_task

        first = document[0] if document else None
        if is_a_task(first):  # a whole one is read as its tasks (_taskwarrior_tasks)
            wrong = next(
                (n for n, task in enumerate(document, start=1) if not is_a_task(task)), None
            )
            if wrong is None:  # every one a task, but not read as tasks (none expected)
                raise InvalidInput("file", str(path), "could not be read as a Taskwarrior export")
            raise InvalidInput(
                "file",
                str(path),
                f"is a Taskwarrior export (task export) whose entry {wrong} is no task (a"
                " uuid and a description): pdca imports a whole task export as it wrote it",
            )
        raise InvalidInput(
            "file",
            str(path),
            "is a JSON list, not a pdca JSON export: pdca imports its own export, Taskwarrior's"
            " task export, or a CSV with a title column (owner, phase, due, priority, notes"
            " beside it)",
        )
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InvalidInput("file", str(path), "is not a pdca JSON export")
    version = document.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput(
            "file", str(path), f"has schema_version {version!r}, which is not a whole number"
        )
    if version > schema.schema_version():
        raise InvalidInput(
            "file",
            str(path),
            f"comes from schema version {version}; this pdca knows up to {schema.schema_version()}",
        )


def _check_table_names(path: Path, names: Iterable[str]) -> None:
    given = set(names)
    unknown = sorted(str(name) for name in given - set(TABLE_ORDER))
    if unknown:
        raise InvalidInput("file", str(path), f"has a table pdca does not know: {unknown[0]!r}")
    # Every export holds these (empty or not): one without is cut or edited, and imported it
    # was "0 actions" and a success, the actions gone (a tester).
    missing = [table for table in EVERY_EXPORT_HOLDS if table not in given]
    if missing:
        raise InvalidInput(
            "file", str(path), f"has no {missing[0]!r} table: not a whole pdca export"
        )


def _restore_streamed(store: Store, path: Path, stream: TextIO) -> str:
    """The first reading checks the file's shape and keeps the small tables (names,
    settings: ``_refuse_every_bad_name`` reads them all at once); the second writes it, its
    tables in the file's order: the foreign keys are checked at the commit and the kept
    tables' triggers go both ways, so any order writes the same file (sorted by
    ``jq -S``, a tester's was read whole, 391 MB for the large file's export)."""
    from pdca.db.json_stream import ExportReader

    reader = ExportReader(stream)
    if reader.first() != "{":
        raise _ReadWhole  # no export: json.load says what it is (nested too deeply, ...)
    head, has_tables = reader.head()
    if not has_tables:
        _check_head(path, head)
        raise InvalidInput("file", str(path), "has no tables pdca knows")
    small: dict[str, Any] = {}
    names: list[str] = []
    for name, rows in reader.tables():
        if name in CHECKED_ON_EXPORT:
            small[name] = list(rows) if isinstance(rows, Iterator) else rows
        if name == "" and not isinstance(rows, Iterator):
            raise InvalidInput("file", str(path), "has no tables pdca knows")
        names.append(name)
    # The file's end: anything after the object is refused, as json.load does. A key again
    # is json.load's (the last one wins): read whole, as it would read it (a schema_version
    # 999 after the tables went unseen, a reviewer). The header may come after the tables:
    # all of it is checked before anything is written.
    rest = reader.rest()
    if set(rest) & {*head, "tables"} or len(set(names)) != len(names):
        raise _ReadWhole
    _check_head(path, {**head, **rest})
    _check_table_names(path, names)
    stream.seek(0)
    again = ExportReader(stream)
    again.head()
    rows_of = ((name, small.get(name, rows)) for name, rows in again.tables())
    return _write_export(store, path, small, rows_of, _issued({**head, **rest}))


def _restore_whole(store: Store, path: Path, document: Any) -> str:
    _check_head(path, document)
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput("file", str(path), "has no tables pdca knows")
    _check_table_names(path, tables)
    small = {name: tables[name] for name in CHECKED_ON_EXPORT if name in tables}
    return _write_export(
        store,
        path,
        small,
        ((table, tables[table]) for table in TABLE_ORDER if table in tables),
        _issued(document),
    )


def _issued(head: dict[str, Any]) -> dict[str, int]:
    """The export's ``issued`` counters (an older export has none), whole numbers alone."""
    given = head.get("issued")
    if not isinstance(given, dict):
        return {}
    return {
        str(table): seq
        for table, seq in given.items()
        if table in TABLE_ORDER
        and isinstance(seq, int)
        and not isinstance(seq, bool)
        and 0 <= seq <= ID_MAX
    }


def _write_export(
    store: Store,
    path: Path,
    small: dict[str, Any],
    tables: Iterable[tuple[str, Any]],
    issued: dict[str, int] | None = None,
) -> str:
    """Write the export's ``tables`` (in any order, each rows or what stands for them) into
    the empty store, in one transaction; ``small``: the small tables, read already."""
    with store.write() as tx:  # one transaction shared with the store's log
        counted = {
            table: store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLE_ORDER
        }
        held = sum(counted.values())
        if held:
            # Which, by table: "2 records" in a file whose board was empty (an add and its
            # undo, in the event log) read as a wrong count (a tester).
            which = ", ".join(f"{n} in {table}" for table, n in counted.items() if n)
            raise InvalidInput(
                "file",
                str(path),
                # NEWFILE, not new.db: a tester had just run it on a file of that name
                f"is a full export; restore it into an empty database "
                f"(pdca --db NEWFILE import {shell_word(path.name)}, NEWFILE a file not there"
                f" yet), this one holds {held} records ({which})",
            )
        _refuse_every_bad_name(path, small)
        store.conn.execute("PRAGMA defer_foreign_keys = ON")
        counts = dict.fromkeys(TABLE_ORDER, 0)
        hook_left, sending = False, ""
        for table, given in tables:
            rows = given
            if table == "notify_settings" and isinstance(given, list):
                # Never the command hook: it runs a shell command as whoever set it, and the
                # file would say who that was (a reviewer made it run as someone else).
                rows = [r for r in given if not (isinstance(r, dict) and r.get("key") == "command")]
                hook_left = len(rows) < len(given)
                sending = _sending_channels(rows)
            counts[table] = _insert_rows(store.conn, path, table, rows)
        dangling = _dangling_reference(store.conn)
        if dangling:
            raise InvalidInput("file", str(path), f"is incomplete: {dangling}; nothing written")
        looped = schema.parent_cycle(store.conn)
        if looped is not None:
            raise InvalidInput(
                "file",
                str(path),
                f"has action {looped}, whose earlier cycles (parent_id) run round in a loop;"
                " nothing written",
            )
        _counters_past_history(store.conn, issued or {})
        from pdca.db.doctor import log_counts_disagree

        short = log_counts_disagree(store.conn)
        tx.log(
            "database",
            0,
            "create",
            f"imported {path.name}: {counts['actions']} actions, {counts['events']} events",
            None,
            None,
        )
    said = ", ".join(_counted(count, table) for table, count in counts.items())
    if short:
        # A file cut or edited, its JSON still whole: imported as it is, but said (only
        # doctor told, later, a tester's 10 of 10 000 actions).
        said += (
            f"; warning: its history records {' and '.join(short)} it does not hold (cut or"
            " edited?): pdca doctor names them"
        )
    if hook_left:
        said += "; the notify command hook was not brought over: set it again yourself"
        said += " (pdca notify config command CMD)"
    if sending:
        said += f"; its notify settings came with it: {sending} (pdca notify config changes them)"
    return said


def _sending_channels(rows: list[Any]) -> str:
    """The channels an imported file turns on that send beyond this server's terminals, in
    words (``webhook https://chat.example/hook, mail on``): a file's webhook would post the
    team's action titles and alerts to its URL, and was brought over without a word (a
    tester's crafted export)."""
    from pdca.db.notify_rules import hide_credentials

    said = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("value"), str):
            continue
        if row.get("key") == "webhook" and row["value"].strip():
            said.append(f"webhook {hide_credentials(row['value'])}")
        elif row.get("key") == "mail" and row["value"] == "on":
            said.append("mail on")
    return ", ".join(said)


def _counted(count: int, table: str) -> str:
    """``1 initiative``, ``2 initiatives``, ``1 person``: a table's rows as a person says it."""
    if count != 1:
        return f"{count} {table}"
    return f"1 {'person' if table == 'people' else table.removesuffix('s')}"


def _insert_rows(conn: sqlite3.Connection, path: Path, table: str, rows: Any) -> int:
    """``rows`` (a list, or read a row at a time) inserted; how many. Every row pdca would
    refuse is looked for, and named at once (the first few, and how many): an export with
    six hand-made values was refused one per run (a trial). None is inserted after the
    first: nothing will be written."""
    declared = {info[1]: info[2].upper() for info in conn.execute(f"PRAGMA table_info({table})")}
    if not isinstance(rows, list | Iterator):
        raise InvalidInput("file", str(path), f"has a {table!r} that is not a list")
    names_seen: dict[str, str] = {}  # a KPI's or initiative's name_key: the name it was
    refused: list[str] = []  # the first few rows refused, said
    count = 0  # and how many
    number = 0
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise InvalidInput("file", str(path), f"{table} row {number} is not an object")
        problem = _row_refused(table, number, row, declared, names_seen)
        if problem is None and not count:
            names = list(row)
            try:
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(names)})"
                    f" VALUES ({', '.join('?' * len(names))})",
                    [row[name] for name in names],
                )
            except sqlite3.IntegrityError as error:
                said = str(error).removesuffix(": nothing written")  # the guard's own ending
                problem = f"{_row(table, number, row)}{_integrity_words(said, row)}"
        if problem is not None:
            count += 1
            if len(refused) < _BAD_ROWS_SHOWN:
                refused.append(problem)
    if count == 1:  # said as ever: the row, what is wrong with it
        ending = "" if " has unknown fields: " in refused[0] else "; nothing written"
        raise InvalidInput("file", str(path), refused[0] + ending)
    if count:
        more = f"; and {count - len(refused)} more" if count > len(refused) else ""
        raise InvalidInput(
            "file",
            str(path),
            f"has {count} {table} rows pdca would refuse: {'; '.join(refused)}{more}; put each"
            " right in the file (or in the file it came from, then export it again); nothing"
            " written",
        )
    return number


def _row_refused(
    table: str,
    number: int,
    row: dict[str, Any],
    declared: dict[str, str],
    names_seen: dict[str, str],
) -> str | None:
    """Why row ``number`` of ``table`` is refused before SQLite sees it, in words that name
    the row; None: it may go in."""
    unknown = sorted(set(row) - set(declared))
    if unknown:  # named: "has unknown fields" left a person to diff the row (a tester)
        named = ", ".join(repr(field) for field in unknown[:5])
        more = f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else ""
        return f"{_row(table, number, row)} has unknown fields: {named}{more}"
    for name, value in row.items():
        problem = _cell_problem(value, declared[name])
        if problem:
            return f"{_row(table, number, row)}: {name} {problem}"
    problem = row_problem(table, row)  # what pdca's own writes could never have stored
    if problem is None and table in ("kpis", "initiatives"):
        problem = _name_twice(names_seen, row.get("name"))
    return f"{_row(table, number, row)}: {problem}" if problem else None


def _row(table: str, number: int, row: dict[str, Any]) -> str:
    """``actions row 99 (id 100)``: where it stands, and its id where that is another
    number, which a person edits by (row 99 was taken for #99, the ids having a gap: a
    tester's jq edit of #100)."""
    ident = row.get("id")
    is_id = isinstance(ident, int) and not isinstance(ident, bool) and ident != number
    shown = f" (id {ident})" if is_id else ""
    return f"{table} row {number}{shown}"


def _integrity_words(said: str, row: dict[str, Any]) -> str:
    """SQLite's refusal of a row in words: "is invalid (UNIQUE constraint failed:
    actions.id)" was the one raw line among the import's refusals (a hostile tester)."""
    kind, _, columns = said.partition(" constraint failed: ")
    if not all("." in column for column in columns.split(", ")):  # an index's name, say
        return f" is invalid ({said})"
    named = [column.rpartition(".")[2] for column in columns.split(", ") if column]
    if kind == "UNIQUE" and named:
        values = ", ".join(f"{name} {row.get(name)!r}" for name in named)
        return f": its {values} is an earlier row's too (given twice)"
    if kind == "NOT NULL" and named:
        return f": it has no {named[0]}"
    return f" is invalid ({said})"


_BAD_ROWS_SHOWN = 5


def _refused(table: str, row: dict[str, Any]) -> str | None:
    """Why an import refuses this row of a small table, or None. The notify command is never
    imported (the import says to set it again): never refused either."""
    if table == "notify_settings" and row.get("key") == "command":
        return None
    return row_problem(table, row)


def _refuse_every_bad_name(path: Path, tables: dict[str, Any]) -> None:
    """Of the small tables' rows (initiatives, KPIs, people, settings), every one pdca would
    refuse, named at once: an older build's export with "none" and "#5" for names was
    refused one name per run, and no word said what to do (a tester). One bad row is left to
    the row-by-row check, which names it as ever."""
    problems = []
    for table in CHECKED_ON_EXPORT:
        rows = tables.get(table, [])
        if not isinstance(rows, list):
            continue
        seen: dict[str, str] = {}
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                continue
            problem = _refused(table, row)
            if problem is None and table in ("kpis", "initiatives"):
                problem = _name_twice(seen, row.get("name"))
            if problem:
                problems.append(f"{_row(table, number, row)}: {problem}")
    if len(problems) > 1:
        shown = "; ".join(problems[:_BAD_ROWS_SHOWN])
        more = (
            f"; and {len(problems) - _BAD_ROWS_SHOWN} more"
            if len(problems) > _BAD_ROWS_SHOWN
            else ""
        )
        raise InvalidInput(
            "file",
            str(path),
            f"has {len(problems)} rows pdca would refuse: {shown}{more}; put each right in the"
            " file (or in the file it came from, then export it again); nothing written",
        )


def _name_twice(seen: dict[str, str], name: object) -> str | None:
    """A KPI or initiative name read as one already imported (as ``kpi add`` and
    ``initiative add`` tell names apart: case, blanks, look-alike letters), or None; ``seen``
    gains it. Two such names came in by import and listed alike (a reviewer)."""
    if not isinstance(name, str):
        return None
    from pdca.db.text_rules import name_key

    key = name_key(name)
    if key in seen and seen[key] != name:
        return f"name {name!r} reads as {seen[key]!r}, another row's"
    seen.setdefault(key, name)
    return None


def _counters_past_history(conn: sqlite3.Connection, issued: dict[str, int]) -> None:
    """Each table's next id past every id its history names, not only past the rows the
    export holds: an undone create left no row but its events, and the id they name must
    never be handed out again (SQLite's own counter stops at the highest row inserted). And
    past every id the exported file handed out (``issued``), a restore's lost rows too."""
    counted = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
        )
    }
    for entity, table in TABLES.items():
        if table not in counted:
            continue
        (named,) = conn.execute(
            "SELECT coalesce(max(entity_id), 0) FROM events WHERE entity = ?", (entity,)
        ).fetchone()
        named = max(named, issued.get(table, 0))
        found = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        if found is None:
            if named > 0:
                conn.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, named)
                )
        elif found[0] < named:
            conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (named, table))


def _cell_problem(value: Any, declared: str) -> str | None:
    """Why ``value`` cannot go in a column of the declared type (SQLite would store any)."""
    if value is None:
        return None  # NOT NULL columns refuse it themselves
    if declared == "TEXT":
        if not isinstance(value, str):
            return "is not text"
        return "holds a NUL byte" if "\0" in value else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "is not a number"
    if declared == "INTEGER" and not isinstance(value, int):
        return "is not a whole number"
    if isinstance(value, int) and not -ID_MAX - 1 <= value <= ID_MAX:
        return "is out of range (64-bit)"
    if isinstance(value, float) and number_problem(value):
        return number_problem(value)
    return None


def _dangling_reference(conn: sqlite3.Connection) -> str | None:
    """The first row whose foreign key names a row that is not there, worded, or None."""
    found = conn.execute("PRAGMA foreign_key_check").fetchone()
    if found is None:
        return None
    table, rowid, parent, key = found
    column = next(
        (row[3] for row in conn.execute(f'PRAGMA foreign_key_list("{table}")') if row[0] == key),
        "a column",
    )
    return (
        f"{table} row with id {rowid}: its {column} names a row of {parent} that is not in the file"
    )


def _append_csv(
    store: Store,
    path: Path,
    stream: TextIO,
    today: date,
    *,
    skip_existing: bool = False,
    read: tuple[list[str], Iterator[Row]] | None = None,
    other: OtherToolsExport | None = None,
) -> str:
    """A CSV's rows added as actions, or (``read``, ``other``) another tool's file read as
    such rows."""
    entered_in_do: list[int] = []
    exported: list[tuple[int, str]] = []
    own_export: list[bool] = []  # whether it is a pdca CSV export, once its header is read
    held = [0]  # how many rows the file held already (``skip_existing``)
    keys: list[tuple[Any, ...]] = []  # each new row's key, for the look again (below)
    other_tool = [other] if other else []  # the tool whose whole export it is, if one
    here = _held_here(store, held, keys, other_tool) if skip_existing else None
    next_year: list[tuple[int, str, date, date]] = []  # (line, cell, day, its last) a year on
    drafts = _csv_drafts(
        path,
        stream,
        today,
        _startable(store),
        entered_in_do,
        exported,
        here,
        next_year,
        other_tool,
        read,
        lambda: _people_by_name(store),
        lambda: {person.login for person in store.list_people()},
        own_export,
    )
    with spool_checked(path, _as_values(drafts), "written") as rows:
        rows_word = "row" if rows.skipped == 1 else "rows"
        skipped = f", {rows.skipped} done {rows_word} skipped" if rows.skipped else ""
        if not rows.count:
            if held[0]:  # a cron job's second run: nothing new, and nothing wrong
                return f"nothing added: {held[0]} here already skipped{skipped}"
            if skip_existing:  # the tracker's open issues all finished: nothing wrong either
                return f"nothing added{skipped or ': no row'}"
            done = f" ({rows.skipped} done, skipped)" if rows.skipped else ""
            raise InvalidInput("file", str(path), f"has no open action to add{done}")
        new_rows: Iterator[ActionDraft] = _as_drafts(rows)
        held_since: list[int] = []  # places of the rows another import added meanwhile
        if skip_existing:
            new_rows = _not_held_since(store, new_rows, keys, held_since)
        try:
            # An export's own Ann and ann come back into a file with nobody yet; added to a
            # file with people, its owners are asked as any CSV's (export columns on a hand
            # sheet let ANN in beside ann: a reviewer)
            into_nobody = own_export == [True] and not store.list_people()
            first, last = store.add_actions(new_rows, case_slips=not into_nobody)
        except InvalidInput:
            if len(held_since) != rows.count:
                raise
            held[0] += len(held_since)  # every row came meanwhile: as a second run's
            return f"nothing added: {held[0]} here already skipped{skipped}"
    if held_since:
        held[0] += len(held_since)
        gone = set(held_since)
        entered_in_do[:] = _places_written(entered_in_do, held_since)
        for other in other_tool:
            other.into_plan = {
                lacking: _pairs_written(pairs, held_since)
                for lacking, pairs in other.into_plan.items()
            }
            other.unowned = _pairs_written(other.unowned, held_since)
            other.odd_status = _pairs_written(other.odd_status, held_since)
            other.titles_cut = _pairs_written(other.titles_cut, held_since)
        added_meanwhile = {keys[p][1] for p in gone if keys[p][0] == "made"}
        exported[:] = [(i, title) for i, title in exported if i not in added_meanwhile]
        rows.count -= len(held_since)
    again = _already_here(store, exported, first)
    # An export's rows by what they say too: imported twice into a file it did not come
    # from, its ids were this file's others, and "2 of them were here already" was said of
    # 30 repeated (a trial). The larger count is said, each in its own words.
    alike = _alike_here(store, first, last)
    if again >= alike:
        alike = 0
    else:
        again = 0
    added = f"#{first}" if first == last else f"#{first}..#{last}"
    summary = f"{rows.count} action{'s' if rows.count != 1 else ''} added ({added})"
    lowered = ""
    if entered_in_do:
        were = "was" if len(entered_in_do) == 1 else "were"
        ids = [first + position for position in entered_in_do]  # one insert, ids in order
        lowered = (
            f"; {len(entered_in_do)} that {were} in Check or Act came in as Do ({_ids(ids)}):"
            " the check-ins and verdicts those phases need are not in a CSV"
        )
    twice = ""
    if again:
        # The same export imported twice added every action again without a word, where kpi
        # import skips the readings it holds (a tester): said, with the way back.
        were = "was" if again == 1 else "were"
        twice = (
            f"; {again} of them {were} here already, by id and title (imported before? pdca undo"
            " takes this import back)"
        )
    elif alike:
        # A hand-made file has no ids: the same file imported twice doubled every action
        # without a word (a tester). Said by what the rows say.
        twice = (
            f"; {alike} of them {'repeats' if alike == 1 else 'repeat'} an open action or an"
            " earlier row (the same title, owner and due date; imported twice? pdca undo"
            " takes this import back)"
        )
    left_out = f", {held[0]} here already skipped" if held[0] else ""
    return (
        summary
        + skipped
        + left_out
        + lowered
        + _other_tools_words(other_tool, first)
        + twice
        + _overdue_words(store, first, last, today)
        + _next_year_words(next_year)
    )


def _places_written(places: list[int], gone: list[int]) -> list[int]:
    """Places among the rows to write, as places among those written: the rows ``gone``
    (another import added them meanwhile) left out, each later one moved up past them."""
    import bisect

    ordered, left_out = sorted(gone), set(gone)
    return [place - bisect.bisect_left(ordered, place) for place in places if place not in left_out]


def _people_by_name(store: Store) -> dict[str, set[str]]:
    """The logins of the file's people by their names, and of the accounts of the file's
    group by their full names, casefolded; each login by itself too: an assignee is a name,
    and Jira's ``Ann`` for ann, whose name the file did not hold, refused the whole import
    as a login differing in case (a newcomer's move)."""
    from pdca.db.access import full_names, team_accounts

    people = [(person.login, person.name) for person in store.list_people()]
    people.append((store.actor, ""))  # the one importing: ALICE refused the whole import
    logins = team_accounts(store.path)
    names = full_names(logins)
    accounts = [(login, names.get(login, "")) for login in logins]
    named: dict[str, set[str]] = {}
    for login, written in (*people, *accounts):
        for name in (written.strip().casefold(), login.casefold()):
            if name:
                named.setdefault(name, set()).add(login)
    return named


def _pairs_written(pairs: list[tuple[int, str]], gone: list[int]) -> list[tuple[int, str]]:
    """``_places_written`` of (place, words) pairs."""
    left_out = set(gone)
    still = [(place, words) for place, words in pairs if place not in left_out]
    places = _places_written([place for place, _ in still], gone)
    return [(place, words) for place, (_, words) in zip(places, still, strict=True)]


def _other_tools_words(other_tool: list[OtherToolsExport], first: int) -> str:
    """What an import of another tool's export left out or brought in as Plan."""
    if not other_tool:
        return ""
    other = other_tool[0]
    said = f"; a {other.tool} export: {other.kept}"
    if other.keys_not_kept:  # their notes at the limit already
        said += f" (not of {other.keys_not_kept}, whose notes had no room for it)"
    if other.left_out_columns:
        columns = other.left_out_columns
        said += (
            f"; {len(columns)} column{'s' if len(columns) != 1 else ''} pdca has no field for"
            f" left out ({a_few(columns)})"
        )
    if other.titles_cut:
        cut = other.titles_cut
        were = "was" if len(cut) == 1 else "were"
        said += (
            f"; {len(cut)} whose title {were} longer than pdca's {TITLE_MAX} characters came in"
            f" cut, the title as written first in the notes, as much as their {NOTES_MAX}"
            f" characters hold ({_ids([first + p for p, _ in cut])})"
        )
    for pairs, words in (
        (other.unowned, "assigned by a name that is no login here, nor the name of one"
         " person here ({}), came in unowned ({}): a on the board, or pdca edit --owner,"
         " gives them"),
        (other.odd_status, "in a status pdca does not know ({}) came in as Plan ({})"),
        *((other.into_plan.get(lacking, []), f"under way ({{}}) {lacking} came in as Plan"
           " ({}): Do needs an owner and a due date") for lacking in LACKING.values()),
    ):  # fmt: skip
        if pairs:
            written = a_few(list(dict.fromkeys(repr(text) for _, text in pairs)))
            ids = _ids([first + place for place, _ in pairs])
            were = "was" if len(pairs) == 1 else "were"
            said += f"; {len(pairs)} that {were} " + words.format(written, ids)
    return said + "".join(f"; {words}" for words in other.said)


def _next_year_words(next_year: list[tuple[int, str, date, date]]) -> str:
    """The dues written without a year that were taken as their next ones, their last one
    nearer (``dates.past_one_nearer``): a lead's "Dec 3", three days gone, came in due a
    year later without a word (a trial)."""
    if not next_year:
        return ""
    line, cell, day, last = next_year[0]
    if len(next_year) == 1:
        return (
            f"; 1 due without a year was taken as its next one (line {line}: {cell!r} as"
            f" {day.isoformat()}; write {last.isoformat()} for the one gone by, pdca edit"
            " changes it)"
        )
    lines = a_few([str(found[0]) for found in next_year])
    return (
        f"; {len(next_year)} dues without a year were taken as their next ones (lines {lines};"
        f" the first, {cell!r}, as {day.isoformat()}): write the year for one gone by"
    )


def _overdue_words(store: Store, first: int, last: int, today: date) -> str:
    """How many of the actions just added are due before today, and the earliest: a Jira
    file's 01/Dec/99 came in as 1999 without a word, where pdca add says a past due (a
    retrial, a programme lead). Read by their ids, so a colleague's add is not counted."""
    count, earliest = store.conn.execute(
        "SELECT count(*), min(due) FROM actions WHERE id BETWEEN ? AND ? AND nullif(due, '') < ?",
        (first, last, today.isoformat()),
    ).fetchone()
    if not count:
        return ""
    if count == 1:
        return f"; 1 of them due {earliest}, before today ({today.isoformat()}): overdue already"
    return (
        f"; {count} of them due before today ({today.isoformat()}), the earliest {earliest}:"
        " overdue already"
    )


def _held_here(
    store: Store,
    held: list[int],
    keys: list[tuple[Any, ...]],
    other_tool: list[OtherToolsExport] | None = None,
) -> Callable[[dict[str, str], ActionDraft], bool]:
    """Whether a CSV row names an action this file holds already, for ``--skip-existing`` (a
    cron job importing the same file each night doubled the work each run, a tester).
    ``held`` counts the rows left out; ``keys`` gets each other row's key, in order, to look
    again inside the write (``_not_held_since``)."""
    holds = _Holds(store)

    def held_here(values: dict[str, str], draft: ActionDraft) -> bool:
        number = _exported_id(values)
        made = values.get("created_at", "").strip()
        mine: tuple[Any, ...] = ("open", draft.title, draft.owner)
        key = ("made", number, made, *mine[1:]) if number is not None and made else mine
        # Another tool's issue by its key, which its notes keep: assigned or renamed here
        # since, it came in again each night (a retrial)
        issue = other_tool[0].tool_key(values) if other_tool else None
        if issue is not None:
            key = ("issue", issue, *mine[1:])
        is_here = holds(key)
        held[0] += is_here
        if not is_here:
            keys.append(key)
        return is_here

    return held_here


class _Holds:
    """Whether the file holds the action a row's key names: an export's row by its id and
    the time that action was made, which a rename or a new due date leaves as they were
    (matched by title, a renamed action came back, a retrial), else as a hand-made row is:
    by the title and owner of an open action (an export of another file, imported each
    night, came in anew each night: its ids are that file's). The open actions' titles and
    owners are read once, at the first look."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.open_ones: set[tuple[Any, ...]] | None = None
        self.issues: set[str] | None = None

    def __call__(self, key: tuple[Any, ...]) -> bool:
        if key[0] == "issue":
            if self.issues is None:  # the last line of each action's notes naming one
                tool = key[1].split(" ", 1)[0]
                self.issues = {
                    notes.rsplit("\n", 1)[-1]
                    for (notes,) in self.store.conn.execute(
                        "SELECT notes FROM actions WHERE instr(notes, ?) > 0", (f"{tool} ",)
                    )
                }
            # A Taskwarrior task imported before its uuid was kept whole: by its first 8
            short = key[1][: len("Taskwarrior ") + 8] if key[1].startswith("Taskwarrior ") else None
            if key[1] in self.issues or short in self.issues:
                return True
            key = ("open", *key[2:])
        if key[0] == "made":
            found = self.store.conn.execute(
                "SELECT created_at FROM actions WHERE id = ?", (key[1],)
            ).fetchone()
            if found is not None and found[0] == key[2]:
                return True
            key = ("open", *key[3:])
        if self.open_ones is None:
            self.open_ones = {
                tuple(row)
                for row in self.store.conn.execute(
                    "SELECT title, owner FROM actions WHERE done_at IS NULL"
                )
            }
        return (key[1], key[2]) in self.open_ones


def _not_held_since(
    store: Store, drafts: Iterator[ActionDraft], keys: list[tuple[Any, ...]], held: list[int]
) -> Iterator[ActionDraft]:
    """``drafts`` less those the file has come to hold since the first look: pulled by the
    write, inside its transaction, so an import that ran at the same time (two cron runs)
    is seen. Both added every row, each said "300 actions added" (a script author's trial).
    ``held`` gets the places of those left out."""
    holds = _Holds(store)
    for place, draft in enumerate(drafts):
        if holds(keys[place]):
            held.append(place)
        else:
            yield draft


def _first_character(stream: TextIO) -> str:
    """The first character that is not white space ("" for none): a JSON export behind
    50 MB of spaces was read as a CSV, whose field was "larger than field limit" (a
    hostile tester)."""
    while chunk := stream.read(65536):
        if start := chunk.lstrip():
            return start[0]
    return ""


def _exported_id(values: dict[str, str]) -> int | None:
    """A CSV row's id, when it is one a file could hold: past SQLite's integers, or "²9"
    (a digit to isdigit, no number to int), it crashed the import, once after writing the
    rows, so that each retry added them again (a hostile tester, a retrial)."""
    given = values.get("id", "").strip()
    if not (given.isascii() and given.isdigit()):
        return None
    number = int(given)
    return number if number <= ID_MAX else None


def _already_here(store: Store, exported: list[tuple[int, str]], first: int) -> int:
    """How many of an export's rows (its ids and titles) name an action the file held
    before this import, by the same id and title: each look-up by the primary key."""
    held = 0
    for start in range(0, len(exported), 500):
        batch = dict(exported[start : start + 500])
        marks = ",".join("?" * len(batch))
        found = store.conn.execute(
            f"SELECT id, title FROM actions WHERE id < ? AND id IN ({marks})", (first, *batch)
        )
        held += sum(1 for action_id, title in found if batch.get(action_id) == title)
    return held


def _alike_here(store: Store, first: int, last: int) -> int:
    """How many of the actions just added (``first`` to ``last``) have the title, owner and
    due date of an open action held before them, or of one added before them in this
    import: each open action's three read once."""
    held = {
        tuple(row)
        for row in store.conn.execute(
            "SELECT title, owner, due FROM actions WHERE id < ? AND done_at IS NULL", (first,)
        )
    }
    alike = 0
    for row in store.conn.execute(
        "SELECT title, owner, due FROM actions WHERE id BETWEEN ? AND ? ORDER BY id", (first, last)
    ):
        key = tuple(row)
        alike += key in held
        held.add(key)
    return alike


def _ids(numbers: list[int]) -> str:
    return a_few([f"#{n}" for n in numbers])


# A checked draft waits in the spool as a tuple of its fields: pickling the model itself
# costs ten times as much, and it was checked already, so it is rebuilt without checking.
_DRAFT_FIELDS = tuple(ActionDraft.model_fields)


def _as_values(outcomes: Iterator[Outcome[ActionDraft]]) -> Iterator[Outcome[tuple[Any, ...]]]:
    for line, outcome in outcomes:
        if isinstance(outcome, ActionDraft):
            yield line, tuple(getattr(outcome, name) for name in _DRAFT_FIELDS)
        else:
            yield line, outcome


def _as_drafts(rows: Iterable[tuple[Any, ...]]) -> Iterator[ActionDraft]:
    for values in rows:
        yield ActionDraft.model_construct(**dict(zip(_DRAFT_FIELDS, values, strict=True)))


def _startable(
    store: Store,
) -> Callable[[ActionDraft | None, str | None, str | None, str, bool], list[str]]:
    """What the write would refuse of a row: its phase's gate (of ``draft``, when the row
    made one), an initiative or KPI that is not in the file; so the first pass names its line
    with the other bad rows, every problem of the row at once (a retrial learnt of a row's
    KPI only after its initiative was put right). Each name is looked up once; the write
    checks again in its transaction."""
    found: dict[tuple[str, str], PdcaError | None] = {}
    case_slips: list[Callable[[str], str | None]] = []  # read at the first owner
    people: list[bool] = []  # whether the file has anybody yet, read once

    def nobody() -> bool:
        if not people:
            people.append(bool(store.list_people()))
        return not people[0]

    def problems(
        draft: ActionDraft | None,
        initiative: str | None,
        kpi: str | None,
        status: str = "",
        own_export: bool = False,
    ) -> list[str]:
        said = []
        # Not of a pdca export's rows into a file with nobody yet: its people are the
        # file's, Ann and ann both (a reviewer's round trip of a file that had both)
        if draft is not None and draft.owner is not None and not (own_export and nobody()):
            if not case_slips:
                case_slips.append(store.import_case_slip())
            if (meant := case_slips[0](draft.owner)) is not None:
                said.append(str(case_slip_refused("owner", draft.owner, meant)))
        if draft is not None:
            gate = rules.start_problem(draft.phase, draft.owner, draft.due, "owner, due columns")
            if gate and status_word(status) not in ("", draft.phase):
                # Another tool's status read as the phase: said, with the way into Plan (a
                # Linear export's In Progress without a due date named a phase column the file
                # did not have, a reviewer)
                said.append(
                    f"phase: {status!r} is {draft.phase.capitalize()}: {gate}, or Todo brings"
                    " it in Plan"
                )
            elif gate:
                said.append(f"phase: {gate}")
        for kind, name, lookup in (
            ("initiative", initiative, store.initiative_id),
            ("kpi", kpi, store.kpi_id),
        ):
            if name is not None and (kind, name) not in found:
                try:
                    lookup(name)
                    found[kind, name] = None
                except PdcaError as error:
                    found[kind, name] = error
            if name is not None and (refused := found[kind, name]) is not None:
                said.append(str(refused))
        return said

    return problems


def _csv_drafts(
    path: Path,
    stream: TextIO,
    today: date,
    startable: Callable[[ActionDraft | None, str | None, str | None, str, bool], list[str]],
    entered_in_do: list[int],
    exported: list[tuple[int, str]],
    held_here: Callable[[dict[str, str], ActionDraft], bool] | None = None,
    next_year: list[tuple[int, str, date, date]] | None = None,
    other_tool: list[OtherToolsExport] | None = None,
    read: tuple[list[str], Iterator[Row]] | None = None,
    people_named: Callable[[], dict[str, set[str]]] = dict,
    known_logins: Callable[[], set[str]] = set,
    own_export: list[bool] | None = None,
) -> Iterator[Outcome[ActionDraft]]:
    """Each row's line and its draft, the error that refused it, or None for a done row.
    ``held_here``: a row it says the file holds already is left out whole. ``next_year``
    gets each due written without a year that was taken as its next one, its last nearer.

    An export's open action in Check or Act comes in as Do, its place among the written rows
    added to ``entered_in_do``: the check-in and the verdict that let it past Do stay behind in the
    file it came from, and refusing the row made an export unreadable by import (a tester).
    A hand-written row that asks for Check or Act is refused, as ``pdca add`` refuses it.
    """
    # A spreadsheet's "Title,Owner" is pdca's title and owner: refused as "not a CSV with a
    # title column" (a tester), then as not lower case (another, who expected it read).
    # ``read``: another tool's file, already read as the header and rows of a CSV
    header, rows = read or read_csv(path, stream, _column_name, reads=_READ_COLUMNS)
    from_export = {"id", "created_at", "done_at"} <= set(header)  # pdca export's own columns
    if own_export is not None:
        own_export.append(from_export)
    if "title" not in header:
        refuse_other_separators(path, header, "")  # any names: Summary;Assignee too
        # The columns it read, and the one meant: a "titel" header got the same vague line
        # as a file that was no CSV at all (a tester).
        import difflib

        named = [name for name in header if name][:6]
        near = difflib.get_close_matches("title", [n.lstrip("\ufeff") for n in header], 1, 0.6)
        meant = f" (is {near[0]!r} meant to be 'title'?)" if near else ""
        if {"name", "at", "value"} <= {n.lstrip("\ufeff") for n in header}:
            # a file of KPI readings given to import, told only what actions need (a tester)
            meant = f": it holds KPI readings, which pdca kpi import {shell_word(str(path))} adds"
        its_first = f"; its first line names {a_few([repr(n) for n in named])}" if named else ""
        # The columns it reads, said here too: a lead named his own (task, status) and
        # learnt pdca's only at the next refusal
        raise InvalidInput(
            "file",
            str(path),
            f"is neither a pdca JSON export nor a CSV with a title column{its_first}{meant}"
            + ("" if meant else f" ({_READS_COLUMNS})"),
        )
    unknown = list(dict.fromkeys(n for n in header if n not in _READ_COLUMNS))
    other = other_tool[0] if other_tool else export_of(header)
    if other is not None:  # another tool's whole export: what pdca has no field for, left out
        if other_tool is not None and not other_tool:
            other_tool.append(other)
        other.people_named = people_named()
        other.logins = {login for logins in other.people_named.values() for login in logins}
        other.logins |= known_logins()
        key = other.key_column
        other.left_out_columns = [n for n in unknown if n != key and other.writes_column(n)]
        unknown = [n for n in unknown if n != key and not other.writes_column(n)]
    if unknown:
        # Which it reads, said first (a whole Jira export's many columns hid it, a retrial);
        # a header of thousands stays a short line (a tester)
        reads = f"{_READS_COLUMNS}: leave the others out"
        if len(unknown) <= 3:
            raise InvalidInput(
                "file", str(path), f"has unknown columns: {a_few(unknown)} ({reads})"
            )
        raise InvalidInput(
            "file", str(path), f"has {len(unknown)} unknown columns ({reads}): {a_few(unknown)}"
        )
    drafts = 0  # how many rows before this one are written: its place among the new ids
    for line, row in rows:
        if isinstance(row, InvalidInput):
            yield line, row
            continue
        values = {key: restore(value, escapes=from_export) for key, value in row.items()}
        into_plan = unowned = odd_status = cut = None
        if other is not None:
            if status_word(values.get("phase", "")) in FINISHED_STATUSES:
                yield line, None  # an issue that is over: no work to bring in
                continue
            other.keep_key(values)  # first: its room in the notes is the key's
            cut = other.title_cut(values)
            unowned = other.owner_by_name(values)
            odd_status = other.status_unknown(values)
            into_plan = other.under_way_without_owner_or_due(values)
        if values.get("done_at", "").strip():
            if from_export:
                yield line, None  # a finished action from an export is history, not new work
            else:  # by hand: whatever it says, a new action is not done (a tester's "garbage")
                yield line, InvalidInput("done_at", values["done_at"], "a new action is open")
            continue
        if from_export and values.get("phase", "").strip() in ("check", "act"):
            values["phase"] = "do"
            lowered = True
        else:
            lowered = False
        refused: list[str] = []
        try:
            draft: ActionDraft | None = _draft_from_row(values, today, from_export)
        except PdcaError as error:
            draft, refused = None, [str(error)]
        initiative, kpi = (values.get(key, "").strip() or None for key in ("initiative", "kpi"))
        refused += startable(draft, initiative, kpi, values.get("phase", "").strip(), from_export)
        if refused or draft is None:
            yield line, PdcaError("; ".join(refused))
        else:
            if held_here is not None and held_here(values, draft):
                continue
            if lowered:
                entered_in_do.append(drafts)
            if other is not None:
                if into_plan is not None:
                    status, lacking = into_plan
                    other.into_plan.setdefault(lacking, []).append((drafts, status))
                for found, kept_in in (
                    (unowned, other.unowned),
                    (odd_status, other.odd_status),
                    (cut, other.titles_cut),
                ):
                    if found is not None:
                        kept_in.append((drafts, found))
            due_text = values.get("due", "").strip()
            if next_year is not None and draft.due:
                gone_by = past_one_nearer(due_text, draft.due, today)
                if gone_by is not None:
                    next_year.append((line, due_text, draft.due, gone_by))
            if from_export and (number := _exported_id(values)) is not None:
                exported.append((number, draft.title))  # imported before? (below)
            drafts += 1
            yield line, draft


def _due_of(text: str, today: date) -> date:
    """A row's due, in pdca's forms or another tool's export's; a refusal names the cell as
    the file has it (not '2026-12-32' for a cell that said 32/Dec/26)."""
    try:
        return parse_date(exported_day(text), today, "due")
    except InvalidInput as refused:
        raise InvalidInput("due", text, refused.why) from None


_READS_COLUMNS = (
    f"pdca reads {', '.join(CSV_IMPORT_COLUMNS)}, and Summary, Assignee, Status, Due Date"
    " and Description as title, owner, phase, due and notes"
)


def _priority_of(text: str) -> str:
    """A row's priority, pdca's or another tool's word for one; a refusal names the cell as
    the file has it, and the other words taken (a tester's P6 was told 'p6' is not one of
    high, normal or low, though P1 comes in)."""
    taken = priority_of(text)
    if taken not in PRIORITIES:
        raise InvalidInput("priority", text, f"{not_one_of(PRIORITIES)} ({OTHER_PRIORITY_WORDS})")
    return taken


def _one_line(text: str, from_export: bool) -> str:
    """A title's line breaks (any Python reads as one: CR, LF, VT, FF, U+2028 …), each with
    the spaces around it, as one space; an export's text comes back as it was."""
    if from_export:
        return text
    parts = (part.strip() for part in text.splitlines())
    return " ".join(part for part in parts if part)


def _line_ends(text: str, from_export: bool) -> str:
    """A spreadsheet's line ends inside a cell (Excel's CRLF, an old Mac's CR) as pdca's
    ``\n``; an export's text comes back as it was, a bare CR too (a tester)."""
    return text if from_export else text.replace("\r\n", "\n").replace("\r", "\n")


def _draft_from_row(values: dict[str, str], today: date, from_export: bool = False) -> ActionDraft:
    """The row as a new action; refused, with every cell that is wrong said at once (one a
    try, a lead fixed a sheet over as many imports as it had mistakes)."""

    def optional(name: str) -> str | None:
        text = values.get(name, "").strip()
        return text or None

    problems: list[str] = []

    def checked(read: Callable[[], Any]) -> Any:
        try:
            return read()
        except PdcaError as refused:
            problems.append(str(refused))
            return None

    due_text = optional("due")
    owner = optional("owner")
    notes = values.get("notes", "")
    phase = status_word(optional("phase") or "plan")
    if phase in FINISHED_STATUSES:  # told what to do (a lead's day one)
        problems.append(
            str(
                InvalidInput(
                    "phase", values["phase"], "is not an open action's: leave done rows out"
                )
            )
        )
        phase = "plan"
    phase = STATUS_PHASES.get(phase, phase)
    due = checked(lambda: _due_of(due_text, today)) if due_text else None
    priority = checked(lambda: _priority_of(optional("priority") or "normal")) or "normal"
    unknown_phase = phase not in PHASES
    if unknown_phase:
        phase = "plan"  # the rest of the row checked as if in Plan; said below
    draft = checked(
        lambda: validated_whole(
            ActionDraft,
            # a title is one line: a spreadsheet cell's line break is a space in it (its
            # "\r\n" showed as such, a trial; then "\n", a reviewer); an export's as it was
            title=_one_line(values.get("title", ""), from_export),
            owner=None if owner is not None and no_owner(owner) else owner,  # as --owner
            # "DO" and "High", as a spreadsheet's cells say them, are do and high (a tester)
            phase=phase,
            due=due,
            priority=priority,
            initiative=optional("initiative"),
            kpi=optional("kpi"),
            # a spreadsheet's line ends inside a cell (Excel's CRLF, an old Mac's CR) as
            # pdca's: a CR kept in the notes showed as a control character (a trial); an
            # export's notes come back as they were, a bare CR too (a tester)
            notes=_line_ends(notes, from_export),
        )
    )
    if unknown_phase:
        # as the file wrote it, with the statuses taken ('blocked' for the file's Blocked,
        # a retrial), after the cells before it
        problems.append(
            str(
                InvalidInput(
                    "phase",
                    values["phase"],
                    "is not one of 'plan', 'do', 'check' or 'act' (or a status: Backlog, Todo,"
                    " In Progress, In Review …)",
                )
            )
        )
    if problems or not isinstance(draft, ActionDraft):
        raise PdcaError("; ".join(problems))
    return draft
