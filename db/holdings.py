"""What a person still answers for in the file besides their actions: read by the store
(a reassign's note) and by doctor (people who can no longer write the file)."""

from __future__ import annotations

import sqlite3


def held_besides_actions(conn: sqlite3.Connection, login: str) -> list[str]:
    """What ``login`` still answers for besides actions: the KPIs they own or are on the
    escalation path of, the initiatives they own, the alerts waiting for them (each read
    with an index or a small table: KPIs and initiatives are a few hundred at most)."""
    kpis = [
        f"KPI {name} ({'owner' if owner == login else 'escalation path'})"
        for (name, owner) in conn.execute(
            "SELECT name, owner FROM kpis WHERE owner = ? OR EXISTS (SELECT 1 FROM"
            " json_each(CASE WHEN json_valid(escalation) THEN escalation ELSE '[]' END)"
            " WHERE value = ?) ORDER BY owner IS NOT ?, name",
            (login, login, login),
        )
    ]
    initiatives = [
        f"initiative {name} (owner)"
        for (name,) in conn.execute(
            "SELECT name FROM initiatives WHERE owner = ? ORDER BY name", (login,)
        )
    ]
    # Alerts waiting for them: after a reassign, nobody else was told of them until each
    # missed its deadline (a lead's trial of someone who left). Open ones only: their
    # partial index (not named: a file whose index was dropped still answers).
    waiting = [
        f"alert #{alert_id} on {name} (waiting for them)"
        for (alert_id, name) in conn.execute(
            "SELECT a.id, k.name FROM alerts a"
            " JOIN kpis k ON k.id = a.kpi_id WHERE a.closed_at IS NULL"
            " AND a.acknowledged_at IS NULL AND a.assignee = ? ORDER BY a.id",
            (login,),
        )
    ]
    return kpis + initiatives + waiting
