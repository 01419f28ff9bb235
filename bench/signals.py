"""How many drifts the process-behaviour signals catch before any threshold is crossed, and
how many days earlier, on the large seeded database; and what the signals cost the KPI list.

    python bench/signals.py [--db large.db] [--runs 7]

A *drift* is a KPI whose readings, after its baseline (its first 20 readings), cross its warn
threshold (or alert, where there is no warn): the first reading worse than it is when the
threshold *sees* the drift. The signals *catch* it earlier when a signal alert would be open
at that reading (db/alerts.py ``apply_signals``: raised by a Western Electric signal on the
bad side, kept open while a signal fires at least every ``CLOSE_QUIET`` readings); the days
earlier are from the reading that raised that alert to the crossing. KPIs with a signal
alert but no crossing are listed too (warnings that no threshold confirmed, within the year).

The signals are replayed with the pure rules (db/xmr.py) on each KPI's whole history, which
gives the store's answers: no rule looks further back than ``CLOSE_QUIET`` readings.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.paint import NOW, large_database, options
from pdca.db import kpi_rules, xmr


def bad_detections(chart: xmr.XmrChart, direction: str) -> list[int]:
    bad = xmr.bad_side(direction)  # type: ignore[arg-type]
    values = chart.values
    found = {d.index for rule in xmr.RULES.values() for d in rule(values, chart) if d.side == bad}
    return sorted(found)


def raised_at(detections: list[int], upto: int) -> int | None:
    """The index of the reading that raised the signal alert still open at ``upto``."""
    earlier = [d for d in detections if d <= upto]
    if not earlier or upto - earlier[-1] >= xmr.CLOSE_QUIET:
        return None
    first = len(earlier) - 1
    while first > 0 and earlier[first] - earlier[first - 1] < xmr.CLOSE_QUIET:
        first -= 1
    return earlier[first]


def open_store(db: Path):  # type: ignore[no-untyped-def]
    from pdca.db.store import Store

    now = kpi_rules.parse_time(os.environ.get("PDCA_NOW", NOW))
    return Store.open(db, actor="alice", clock=lambda: now)


def days_between(a: str, b: str) -> float:
    return (kpi_rules.parse_time(b) - kpi_rules.parse_time(a)).total_seconds() / 86_400


def measure(db: Path) -> None:
    store = open_store(db)
    try:
        rows = store.conn.execute(
            "SELECT id, name, direction, warn, alert FROM kpis ORDER BY id"
        ).fetchall()
        caught: list[tuple[str, float]] = []
        missed: list[str] = []
        together: list[str] = []
        unconfirmed: list[str] = []
        for kpi in rows:
            readings = [
                (at, v)
                for at, v in store.conn.execute(
                    "SELECT at, value FROM kpi_readings WHERE kpi_id = ? ORDER BY at, id",
                    (kpi["id"],),
                )
            ]
            chart = xmr.chart(readings)
            if chart is None:
                continue
            line = kpi["warn"] if kpi["warn"] is not None else kpi["alert"]
            start = chart.baseline[1]
            crossing = next(
                (
                    i
                    for i in range(start, len(readings))
                    if line is not None and kpi_rules.worse(readings[i][1], line, kpi["direction"])
                ),
                None,
            )
            detections = bad_detections(chart, kpi["direction"])
            if crossing is None:
                if raised_at(detections, len(readings) - 1) is not None:
                    unconfirmed.append(kpi["name"])
                continue
            raised = raised_at(detections, crossing)
            if raised is None:
                missed.append(kpi["name"])
            elif raised == crossing:  # the same reading: seen at once, not earlier
                together.append(kpi["name"])
            else:
                days = days_between(readings[raised][0], readings[crossing][0])
                caught.append((kpi["name"], days))
    finally:
        store.close()
    drifts = len(caught) + len(together) + len(missed)
    early = sorted(d for _, d in caught)
    print(f"\ndrifts (a threshold crossed after the baseline): {drifts} of {len(rows)} KPIs")
    print(f"  caught by a signal alert before the crossing: {len(caught)}")
    print(f"  signal raised by the crossing reading itself: {len(together)}")
    print(f"  missed (no signal alert open at the crossing): {len(missed)}")
    if early:
        print(
            f"  days earlier: median {statistics.median(early):.1f}, "
            f"min {early[0]:.1f}, max {early[-1]:.1f}, "
            f"mean {statistics.mean(early):.1f}"
        )
        buckets = ((0, 7), (7, 14), (14, 28), (28, 10_000))
        print(
            "  of them "
            + ", ".join(
                f"{sum(lo <= d < hi for d in early)} {lo}-{hi if hi < 10_000 else ''} days"
                for lo, hi in buckets
            )
            + " earlier"
        )
    print(f"signal alert open now on a KPI that crossed no threshold: {len(unconfirmed)}")
    for name in missed:
        print(f"  missed: {name}")


def time_list(db: Path, runs: int) -> None:
    """``kpi_rows`` (the KPIs view and ``pdca kpi list``) with its signals, and the signal part
    alone (the baselines query and the charts on the readings the rows already read)."""
    from pdca.db import kpis, signals

    store = open_store(db)
    try:
        whole, part = [], []
        for _ in range(runs):
            start = time.perf_counter()
            kpis.kpi_rows(store)
            whole.append((time.perf_counter() - start) * 1000)
            listed = store.list_kpis()
            recent = kpis._recent(store, store.clock(), kpis.RECENT_SLOTS)
            start = time.perf_counter()
            bases = signals.baselines(store, listed)
            for k in listed:
                xmr.active(signals.chart_of(bases[k.id], recent.get(k.id, [])), k.direction)
            part.append((time.perf_counter() - start) * 1000)
    finally:
        store.close()
    w, p = statistics.median(whole), statistics.median(part)
    print(f"\nkpi_rows on {len(listed)} KPIs, median of {runs}: {w:.1f} ms")
    print(f"  of which signals (baselines query + charts + rules): {p:.1f} ms ({p / w:.0%})")


def main() -> None:
    chosen = options(__doc__ or "", runs=7)
    with large_database(chosen.db) as (db, _env):
        measure(db)
        time_list(db, chosen.runs)


if __name__ == "__main__":
    main()
