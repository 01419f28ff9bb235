"""``pdca export`` and ``pdca import``.

- JSON export: every table, ids and history included, so it restores a database exactly.
  Importing it is a restore, into a database that holds nothing yet.
- CSV export: the actions, one row each, for spreadsheets. Importing a CSV adds its rows as
  new actions (columns: title, and optionally owner, phase, due, initiative, kpi, notes); every
  row is checked first, and one bad row means nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from db import schema
from db.clock import iso
from db.connection import refuse_database_file
from db.dates import parse_date
from db.errors import InvalidInput, PdcaError
from db.models import ActionDraft, validated
from db.store import Store

EXPORT_FORMAT = "pdca-export"
# Parents before children, so foreign keys hold as rows go in.
TABLE_ORDER = (
    "people",
    "initiatives",
    "kpis",
    "actions",
    "checkins",
    "kpi_readings",
    "alerts",
    "followups",
    "standups",
    "settings",
    "events",
)
CSV_COLUMNS = (
    "id",
    "title",
    "owner",
    "phase",
    "due",
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
CSV_IMPORT_COLUMNS = ("title", "owner", "phase", "due", "initiative", "kpi", "notes")


def export_json(store: Store) -> str:
    tables = {
        table: [dict(row) for row in store.conn.execute(f"SELECT * FROM {table} ORDER BY id")]
        for table in TABLE_ORDER
    }
    document = {
        "format": EXPORT_FORMAT,
        "schema_version": schema.schema_version(),
        "exported_at": iso(store.clock()),
        "exported_by": store.actor,
        "tables": tables,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def export_csv(store: Store) -> str:
    from db.store import ActionFilter

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for action in store.list_actions(ActionFilter(include_done=True)):
        data = action.model_dump()
        writer.writerow(["" if data[c] is None else data[c] for c in CSV_COLUMNS])
    return buffer.getvalue()


def import_file(store: Store, path: Path, today: date) -> str:
    """Import a JSON export (restore) or a CSV of actions (append); return a summary."""
    if store.path is not None:
        refuse_database_file(path, store.path, "file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            "file", str(path), "is not UTF-8 text (a JSON export or a CSV)"
        ) from None
    if text.lstrip().startswith("{"):
        return _restore_json(store, path, text)
    return _append_csv(store, path, text, today)


def _restore_json(store: Store, path: Path, text: str) -> str:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput("file", str(path), f"is not valid JSON (line {error.lineno})") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InvalidInput("file", str(path), "is not a pdca JSON export")
    version = document.get("schema_version")
    if not isinstance(version, int) or version > schema.schema_version():
        raise InvalidInput(
            "file",
            str(path),
            f"comes from schema version {version}; this pdca knows up to {schema.schema_version()}",
        )
    tables = document.get("tables")
    if not isinstance(tables, dict) or not set(tables) <= set(TABLE_ORDER):
        raise InvalidInput("file", str(path), "has no tables pdca knows")
    with store._write() as tx:  # noqa: SLF001  (one transaction shared with the store's log)
        held = sum(
            store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLE_ORDER
        )
        if held:
            raise InvalidInput(
                "file",
                str(path),
                f"is a full export; restore it into an empty database "
                f"(pdca --db new.db import {path.name}), this one holds {held} records",
            )
        store.conn.execute("PRAGMA defer_foreign_keys = ON")
        counts = {}
        for table in TABLE_ORDER:
            rows = tables.get(table, [])
            counts[table] = _insert_rows(store.conn, path, table, rows)
        tx.log(
            "database",
            0,
            "create",
            f"imported {path.name}: {counts['actions']} actions, {counts['events']} events",
            None,
            None,
        )
    return ", ".join(f"{count} {table}" for table, count in counts.items())


def _insert_rows(conn: sqlite3.Connection, path: Path, table: str, rows: Any) -> int:
    columns = [info[1] for info in conn.execute(f"PRAGMA table_info({table})")]
    if not isinstance(rows, list):
        raise InvalidInput("file", str(path), f"has a {table!r} that is not a list")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not set(row) <= set(columns):
            raise InvalidInput("file", str(path), f"{table} row {number} has unknown fields")
        names = list(row)
        try:
            conn.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [row[name] for name in names],
            )
        except (sqlite3.IntegrityError, sqlite3.InterfaceError) as error:
            raise InvalidInput(
                "file", str(path), f"{table} row {number} is invalid ({error}); nothing written"
            ) from None
    return len(rows)


def _append_csv(store: Store, path: Path, text: str, today: date) -> str:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if "title" not in header:
        raise InvalidInput(
            "file", str(path), "is neither a pdca JSON export nor a CSV with a title column"
        )
    unknown = [name for name in header if name not in (*CSV_IMPORT_COLUMNS, *CSV_COLUMNS)]
    if unknown:
        raise InvalidInput("file", str(path), f"has unknown columns: {', '.join(unknown)}")
    drafts, problems, skipped = [], [], 0
    for row in reader:
        line = reader.line_num
        values = {key.strip(): (value or "") for key, value in row.items() if key is not None}
        if values.get("done_at", "").strip():
            skipped += 1  # a finished action from an export is history, not new work
            continue
        try:
            drafts.append(_draft_from_row(values, today))
        except PdcaError as error:
            problems.append(f"line {line}: {error}")
    if problems:
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        raise InvalidInput(
            "file", str(path), f"has {len(problems)} bad rows, nothing written: {shown}"
        )
    if not drafts:
        raise InvalidInput("file", str(path), "has no rows")
    ids = store.add_actions(drafts)
    summary = f"{len(ids)} actions added (#{ids[0]}..#{ids[-1]})"
    return summary + (f", {skipped} done rows skipped" if skipped else "")


def _draft_from_row(values: dict[str, str], today: date) -> ActionDraft:
    def optional(name: str) -> str | None:
        text = values.get(name, "").strip()
        return text or None

    due_text = optional("due")
    return validated(
        ActionDraft,
        title=values.get("title", ""),
        owner=optional("owner"),
        phase=optional("phase") or "plan",
        due=parse_date(due_text, today, "due") if due_text else None,
        initiative=optional("initiative"),
        kpi=optional("kpi"),
        notes=values.get("notes", ""),
    )
