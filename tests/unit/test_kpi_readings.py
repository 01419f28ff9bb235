"""``pdca kpi record``'s path without models (db/readings.py) writes exactly what the store's
``record_reading`` writes: the same readings, events and alerts, and refuses the same input."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pdca.db import readings
from pdca.db.errors import InvalidInput
from pdca.db.models import KpiDraft, ReadingDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, events

KPI = "Resolution time"
# within, a breach (alert), and a run of eight above the centre line (a signal alert)
VALUES = [30.0, 31.0, 29.0, 30.5, 29.5, 30.0, 31.0, 29.0, 35.0, 30.0] + [31.5] * 8


def _store(path: Path) -> Store:
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    store.add_kpi(
        KpiDraft(
            name=KPI,
            unit="h",
            baseline=30,
            target=24,
            direction="down",
            alert=34,
            owner="dana",
            escalation=["erin"],
        )
    )
    return store


def _written(store: Store) -> tuple[list, list, list]:
    def rows(sql: str) -> list:
        return [dict(r) for r in store.conn.execute(sql)]

    def strip(e: dict) -> dict:
        return {k: v for k, v in e.items() if k not in ("id", "tx")}

    return (
        rows("SELECT * FROM kpi_readings ORDER BY id"),
        rows("SELECT * FROM alerts ORDER BY id"),
        [strip(e) for e in events(store)],
    )


def test_record_writes_what_the_store_writes(tmp_path: Path) -> None:
    by_store, by_path = _store(tmp_path / "a.db"), _store(tmp_path / "b.db")
    raised: list[list[str]] = []
    for i, value in enumerate(VALUES):
        at = NOW_DT - timedelta(days=len(VALUES) - i)
        model = by_store.record_reading(ReadingDraft(kpi=KPI, value=value, note=f"n{i}"), at)
        done = readings.record(by_path, KPI, value, f"n{i}", at)
        assert (done.kpi, done.row["id"], done.row["at"]) == (model.kpi, model.id, model.at)
        found = readings.raised_by(by_path, done.row["kpi_id"], done.row["id"])
        raised.append([a.rule_text or "threshold" for a in found])
    assert _written(by_store) == _written(by_path)
    assert ["threshold"] in raised and any(r and r[0].startswith("8 readings") for r in raised)
    by_store.close()
    by_path.close()


@pytest.mark.parametrize(
    ("kpi", "value", "note", "field"),
    [
        ("  ", 1.0, "", "kpi"),
        ("Nope", 1.0, "", "kpi"),
        (KPI, 2e15, "", "value"),
        (KPI, float("nan"), "", "value"),
        (KPI, 1.0, "x" * 100_000, "note"),
        (KPI, 1.0, "a\0b", "note"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    tmp_path: Path, kpi: str, value: float, note: str, field: str
) -> None:
    store = _store(tmp_path / "a.db")
    before = _written(store)
    with pytest.raises(InvalidInput) as refused:
        readings.record(store, kpi, value, note)
    assert refused.value.field == field
    assert _written(store) == before
    store.close()
