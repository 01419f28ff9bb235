"""Rows become models here, and only here."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pdca.db import models, rules
from pdca.db.clock import iso, stored_moment
from pdca.db.errors import RowChangedOutside

if TYPE_CHECKING:  # the classes come from models on first use: pydantic only when needed
    from pdca.db.models import Action, Checkin, Event, Initiative, Kpi, Person, Reading


# ``models.Action``'s fields in its order (tests/unit/test_store.py holds them equal): what
# ``action_data`` gives without building the model.
ACTION_FIELDS = (
    "id",
    "title",
    "notes",
    "owner",
    "phase",
    "due",
    "initiative_id",
    "initiative",
    "kpi_id",
    "kpi",
    "parent_id",
    "cycle",
    "verdict",
    "decision",
    "phase_since",
    "done_at",
    "created_by",
    "created_at",
    "updated_at",
    "version",
    "last_checkin_at",
    "last_checkin_status",
    "recurrence_id",
)


# The SQL the store's action reads add as ``kinds_held``: each column of the wrong kind for
# ``Action``'s field makes it 0 (tests/unit/test_action_kinds_by_hand.py tries each column).
# Comparisons, not typeof(): SQLite orders NULL < numbers < text < blobs, so text is what is at
# least '' and below the least blob (the empty one), and a whole number is what equals itself
# made whole; half of typeof()'s cost over the 100 000 rows of ``pdca list --json``. The id
# (the rowid) needs none; phase, verdict, decision and priority are held by the schema's
# CHECKs, unless someone set those aside (``PRAGMA ignore_check_constraints``, a tester).
_TEXT = ("a.title", "a.notes", "a.created_by", "a.created_at", "a.updated_at", "a.phase_since")
_TEXT_OR_NONE = (
    *("a.owner", "a.due", "i.name", "k.name", "a.done_at", "a.last_checkin_at"),
    "a.last_checkin_status",
)
_WHOLE = ("a.cycle", "a.version")
_CHOICES = {
    "phase": models.PHASES,
    "priority": models.PRIORITIES,
    "verdict": models.VERDICTS,
    "decision": models.DECISIONS,
}
_CHOSEN = {"phase", "priority"}  # never empty
_WHOLE_OR_NONE = ("a.initiative_id", "a.kpi_id", "a.parent_id", "a.recurrence_id")
ACTION_KINDS_HELD = (
    "("
    + " AND ".join(
        [f"({c} >= '' AND {c} < CAST('' AS BLOB))" for c in _TEXT]
        + [f"({c} IS NULL OR ({c} >= '' AND {c} < CAST('' AS BLOB)))" for c in _TEXT_OR_NONE]
        + [f"{c} = CAST({c} AS INTEGER)" for c in _WHOLE]
        + [f"({c} IS NULL OR {c} = CAST({c} AS INTEGER))" for c in _WHOLE_OR_NONE]
        + [
            f"({'' if column in _CHOSEN else f'a.{column} IS NULL OR '}"
            f"a.{column} IN ({', '.join(repr(w) for w in words)}))"
            for column, words in _CHOICES.items()
        ]
    )
    + ")"
)


def action(
    row: sqlite3.Row,
    now: datetime,
    today: date | None = None,
    stale_after_days: int = rules.STALE_AFTER_DAYS,
    *,
    stand_in: bool = False,
) -> Action:
    """``today`` (the local date of ``now``) may be passed in when converting many rows;
    ``stale_after_days`` is the team's setting. A value of the wrong kind (sqlite3 by hand)
    is refused by name, or with ``stand_in`` left out and named in the title."""
    return models.Action(**action_data(row, now, today, stale_after_days, stand_in=stand_in))


def action_data(
    row: sqlite3.Row,
    now: datetime,
    today: date | None = None,
    stale_after_days: int = rules.STALE_AFTER_DAYS,
    *,
    stand_in: bool = False,
) -> dict[str, Any]:
    """An action row and what the rules derive from it, as the plain dict
    ``action(...).model_dump(mode="json")`` is, in the model's order, without pydantic
    (``pdca list --json`` streams these: issue 14)."""
    data = {name: row[name] for name in ACTION_FIELDS}
    priority = row["priority"]
    if not row["kinds_held"]:  # a value of the wrong kind, put there by hand: named
        data, priority = _wrong_kinds_named(data, priority, stand_in, now)
    try:
        _derive(data, now, today, stale_after_days)
    except ValueError:  # a date or time of no shape pdca reads (only by hand: schema 21)
        data = _unreadable_dates_named(data, stand_in, now)
        _derive(data, now, today, stale_after_days)
    data["priority"] = priority
    return data


def _derive(data: dict[str, Any], now: datetime, today: date | None, stale_after_days: int) -> None:
    """What the rules derive from the row's dates, put in ``data``; a date or time that is
    none raises ValueError (the due date is read as the board reads it)."""
    done = data["done_at"] is not None
    last_sign = data["last_checkin_at"] or data["created_at"]
    if data["due"] is not None:
        date.fromisoformat(data["due"])
    data["overdue"] = rules.is_overdue(data["due"], done, today or now.astimezone().date())
    data["days_since_checkin"] = rules.days_since(last_sign, now)
    data["stale"] = rules.is_stale(data["days_since_checkin"], done, stale_after_days)


def _unreadable_dates_named(data: dict[str, Any], stand_in: bool, now: datetime) -> dict[str, Any]:
    """Name the date or time that cannot be read (the first), as ``_wrong_kinds_named`` names
    a value of the wrong kind: refused in one line, or for a board's card left out (the due
    date none, a time now) with the title saying what is wrong."""
    checks = {"due": date.fromisoformat, "last_checkin_at": stored_moment}
    checks["created_at"] = stored_moment
    wrong = []
    for key, parse in checks.items():
        try:
            if data[key] is not None:
                parse(data[key])
        except ValueError:
            wrong.append(key)
    if not wrong:  # something else went wrong: not this function's to hide
        raise ValueError(f"action {data['id']}: its dates could not be read")
    kind = "a date such as 2026-12-31" if wrong[0] == "due" else "a time"
    from pdca.db.plain import shown_value

    said = f"{wrong[0]} holds {shown_value(data[wrong[0]])}, not {kind}: changed outside pdca"
    if not stand_in:
        raise RowChangedOutside(
            f"action {data['id']}: {said} (put it right with sqlite3, or restore a backup)"
        )
    kept = {**data, "title": said}
    for key in wrong:
        kept[key] = None if key != "created_at" else iso(now)
    return kept


def _wrong_kinds_named(
    data: dict[str, Any], priority: Any, stand_in: bool, now: datetime
) -> tuple[dict[str, Any], Any]:
    """Refuse the row in one line naming the column; or, for a ``stand_in``, the row with
    those values left out and its title saying what is wrong (a board's card: the rest of
    the board stays readable, and a write to it is refused by name in ``Transaction.log``)."""
    from pdca.db import plain
    from pdca.db.action_record import Action

    values = {**data, "priority": priority}
    if not stand_in:
        plain.refuse_wrong_kinds(Action, values, data["id"])
        return data, priority
    wrong = plain.wrong_kinds(Action, values)
    if not wrong:
        return data, priority
    kept = plain.stand_in(Action, values)
    # Times the rules read (how long since a check-in) stand in as the row's own last change
    # when that is readable, else as when it was read: a card, not a figure, is at stake.
    when = data["updated_at"] if isinstance(data["updated_at"], str) else iso(now)
    for key in ("phase_since", "created_at", "updated_at"):
        kept[key] = kept[key] or when
    priority = kept.pop("priority") or "normal"
    return {**kept, "title": wrong[0]}, priority


def checkin(row: sqlite3.Row) -> Checkin:
    from pydantic import ValidationError

    from pdca.db.plain import shown_value

    data = dict(row)
    try:
        return models.Checkin(**data)
    except ValidationError as error:
        # Set by hand past the schema's CHECKs (a status "meh", bytes for the message): one
        # line naming it, not pydantic's page (a tester).
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise RowChangedOutside(
            f"check-in {data.get('id')}: {where} holds {shown_value(first.get('input'))}:"
            " changed outside pdca (put it right with sqlite3, or restore a backup)"
        ) from None


def event(row: sqlite3.Row) -> Event:
    data = dict(row)
    for key in ("before", "after"):
        data[key] = json.loads(data[key]) if data[key] else None
    return models.Event.from_row(data)


def initiative(row: sqlite3.Row) -> Initiative:
    return models.Initiative.from_row(dict(row))


def stored_logins(text: Any) -> Any:
    """A list of logins as the file keeps it (a JSON array: an escalation path, a stand-up's
    people). Schema 21 refuses anything else; text typed in by hand before it, such as
    ``quinn, alice``, is read as the command line reads that option (logins between commas)
    rather than failing every view of the KPI (doctor names it). Anything that is no list of
    logins comes back as the text it is, for the record to name (``escalation holds '5',
    not a list``)."""
    if not text:
        return []
    try:
        value = json.loads(text)
    except (ValueError, TypeError):  # not JSON (TypeError: a blob)
        value = [piece.strip() for piece in str(text).split(",")]
    if isinstance(value, list) and all(
        isinstance(item, str) and models.LOGIN.fullmatch(item) for item in value
    ):
        return value
    # No list of logins (``["quinn", alice]``, ``[1, 2]``: kpi show crashed on one): the
    # text as it is, for the record to name.
    return text


def escalation_path(text: Any) -> list[str]:
    """A KPI's escalation path for the rules: ``stored_logins``, where anything but a list of
    logins is nobody beyond the owner (a record read of the KPI names the odd value)."""
    path = stored_logins(text)
    return path if isinstance(path, list) else []


def kpi(row: sqlite3.Row) -> Kpi:
    data = dict(row)
    data["escalation"] = stored_logins(data["escalation"])
    return models.Kpi.from_row(data)


def reading(row: sqlite3.Row) -> Reading:
    return models.Reading(**dict(row))


def person(row: sqlite3.Row) -> Person:
    return models.Person(**dict(row))


# Columns SQLite keeps from other rows (an action's last check-in, kept by triggers: db/schema.py
# ``0011_last_checkin``): not the record's own data, so not in its history. A check-in changes
# them with no event of the action's, and an undo never writes them back.
KEPT_COLUMNS = ("last_checkin_at", "last_checkin_status")


def snapshot(row: sqlite3.Row | None) -> dict[str, Any] | None:
    """A row as the event log stores it: every column of its own, plain JSON values."""
    if row is None:
        return None
    data = dict(row)
    for key in KEPT_COLUMNS:
        data.pop(key, None)
    return data
