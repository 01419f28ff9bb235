"""Rows become models here, and only here."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pdca.db import models, rules

if TYPE_CHECKING:  # the classes come from models on first use: pydantic only when needed
    from pdca.db.models import Action, Checkin, Event, Initiative, Kpi, Person, Reading


def action(
    row: sqlite3.Row,
    now: datetime,
    today: date | None = None,
    stale_after_days: int = rules.STALE_AFTER_DAYS,
) -> Action:
    """``today`` (the local date of ``now``) may be passed in when converting many rows;
    ``stale_after_days`` is the team's setting."""
    data = dict(row)
    done = data["done_at"] is not None
    last_sign = data["last_checkin_at"] or data["created_at"]
    return models.Action(
        **data,
        overdue=rules.is_overdue(data["due"], done, today or now.astimezone().date()),
        days_since_checkin=rules.days_since(last_sign, now),
        stale=rules.is_stale(rules.elapsed_days(last_sign, now), done, stale_after_days),
    )


def checkin(row: sqlite3.Row) -> Checkin:
    return models.Checkin(**dict(row))


def event(row: sqlite3.Row) -> Event:
    data = dict(row)
    for key in ("before", "after"):
        data[key] = json.loads(data[key]) if data[key] else None
    return models.Event(**data)


def initiative(row: sqlite3.Row) -> Initiative:
    return models.Initiative(**dict(row))


def kpi(row: sqlite3.Row) -> Kpi:
    data = dict(row)
    data["escalation"] = json.loads(data["escalation"] or "[]")
    return models.Kpi(**data)


def reading(row: sqlite3.Row) -> Reading:
    return models.Reading(**dict(row))


def person(row: sqlite3.Row) -> Person:
    return models.Person(**dict(row))


def snapshot(row: sqlite3.Row | None) -> dict[str, Any] | None:
    """A row as the event log stores it: every column, plain JSON values."""
    return dict(row) if row is not None else None
