"""A KPI's recent readings, slotted by its cadence: the sparkline a board card draws.

Apart from db/kpis.py (the KPIs view, the detail, alerts and signals) so that the board,
which draws only these, does not import all of that before its first paint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pdca.db import kpi_rules
from pdca.db.clock import iso
from pdca.db.store import Store


def recent_readings(
    store: Store, now: datetime, slots: int, kpi_ids: Sequence[int] | None = None
) -> dict[int, list[tuple[str, float]]]:
    """Every KPI's (or only ``kpi_ids``') readings within its last ``slots`` cadence periods,
    in ONE query that walks the (kpi_id, at) index once per KPI, however many there are."""
    starts = {
        cadence: iso(kpi_rules.slot_window_start(cadence, now, slots))
        for cadence in ("daily", "weekly", "monthly")
    }
    only = ""
    parameters: list[Any] = [starts["daily"], starts["weekly"], starts["monthly"]]
    if kpi_ids is not None:
        only = f" WHERE k.id IN ({', '.join('?' for _ in kpi_ids)})"
        parameters += kpi_ids
    rows = store.conn.execute(
        "SELECT r.kpi_id, r.at, r.value FROM kpis k JOIN kpi_readings r ON r.kpi_id = k.id"
        " AND r.at >= CASE k.cadence WHEN 'daily' THEN ? WHEN 'weekly' THEN ? ELSE ? END"
        f"{only} ORDER BY r.kpi_id, r.at, r.id",
        parameters,
    )
    found: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for kpi_id, at, value in rows:
        if kpi_rules.is_a_reading(value, at):
            found[kpi_id].append((at, value))
    return found


def sparklines(
    store: Store, slots: int, kpi_ids: Sequence[int] | None = None
) -> dict[int, list[float | None]]:
    """Recent readings per KPI id (every KPI, or only ``kpi_ids``: the board's first screen
    needs only its own cards'), for the board's cards (one query, like ``kpi_rows``)."""
    now = store.clock()
    if kpi_ids is not None and not kpi_ids:
        return {}
    recent = recent_readings(store, now, slots, kpi_ids)
    cadences = dict(store.conn.execute("SELECT id, cadence FROM kpis").fetchall())
    return {
        kpi_id: kpi_rules.slots(readings, cadences[kpi_id], now, slots)
        for kpi_id, readings in recent.items()
    }
