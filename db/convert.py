"""Rows become models here, and only here."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pdca.db import models, rules

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


def action(
    row: sqlite3.Row,
    now: datetime,
    today: date | None = None,
    stale_after_days: int = rules.STALE_AFTER_DAYS,
) -> Action:
    """``today`` (the local date of ``now``) may be passed in when converting many rows;
    ``stale_after_days`` is the team's setting."""
    return models.Action(**action_data(row, now, today, stale_after_days))


def action_data(
    row: sqlite3.Row,
    now: datetime,
    today: date | None = None,
    stale_after_days: int = rules.STALE_AFTER_DAYS,
) -> dict[str, Any]:
    """An action row and what the rules derive from it, as the plain dict
    ``action(...).model_dump(mode="json")`` is, in the model's order, without pydantic
    (``pdca list --json`` streams these: issue 14)."""
    data = {name: row[name] for name in ACTION_FIELDS}
    done = data["done_at"] is not None
    last_sign = data["last_checkin_at"] or data["created_at"]
    data["overdue"] = rules.is_overdue(data["due"], done, today or now.astimezone().date())
    data["days_since_checkin"] = rules.days_since(last_sign, now)
    data["stale"] = rules.is_stale(rules.elapsed_days(last_sign, now), done, stale_after_days)
    data["priority"] = row["priority"]
    return data


def checkin(row: sqlite3.Row) -> Checkin:
    return models.Checkin(**dict(row))


def event(row: sqlite3.Row) -> Event:
    data = dict(row)
    for key in ("before", "after"):
        data[key] = json.loads(data[key]) if data[key] else None
    return models.Event.from_row(data)


def initiative(row: sqlite3.Row) -> Initiative:
    return models.Initiative.from_row(dict(row))


def kpi(row: sqlite3.Row) -> Kpi:
    data = dict(row)
    data["escalation"] = json.loads(data["escalation"] or "[]")
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
