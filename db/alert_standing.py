"""Whom an open alert waits for now, and how many wait for each person: the header's count.

Apart from db/alerts.py (raising, escalating, acknowledging; pydantic models) because every
view's header reads this count before its first paint (issue 14).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from pdca.db import kpi_rules
from pdca.db.convert import escalation_path
from pdca.db.store import Store

SELECT_ALERTS = (
    "SELECT a.*, k.name AS kpi, k.owner AS kpi_owner, k.escalation AS kpi_escalation"
    " FROM alerts a JOIN kpis k ON k.id = a.kpi_id"
)
OPEN_WAITING = SELECT_ALERTS + " WHERE a.acknowledged_at IS NULL AND a.closed_at IS NULL"


def deadline_of(row: sqlite3.Row | dict[str, Any], now: datetime) -> datetime:
    """The alert's acknowledgement deadline. One typed in by hand before schema 21 that is no
    time (``tomorrow``) crashed every command reading any alert (a tester): it is read as
    due now instead, so the alert waits for its holder, and doctor names the value."""
    try:
        return kpi_rules.parse_time(row["ack_due"])
    except (ValueError, TypeError):
        return now


def standing(row: sqlite3.Row | dict[str, Any], now: datetime) -> kpi_rules.AlertStanding:
    """``kpi_rules.alert_standing`` for a row read with ``SELECT_ALERTS`` (the KPI's owner and
    path)."""
    return kpi_rules.alert_standing(
        assignee=row["assignee"],
        level=row["escalation_level"],
        ack_due=deadline_of(row, now),
        acknowledged=row["acknowledged_at"] is not None,
        closed=row["closed_at"] is not None,
        owner=row["kpi_owner"],
        path=escalation_path(row["kpi_escalation"]),
        now=now,
    )


def waiting_by_person(store: Store) -> dict[str, int]:
    """How many open, unacknowledged alerts wait for each person now (by the rule)."""
    now = store.clock()
    counts: dict[str, int] = {}
    for row in store.conn.execute(OPEN_WAITING):
        login = standing(row, now).assignee
        counts[login] = counts.get(login, 0) + 1
    return counts


def count_waiting(store: Store, login: str) -> int:
    """Alerts waiting for ``login`` to acknowledge: the header's number."""
    return waiting_by_person(store).get(login, 0)
