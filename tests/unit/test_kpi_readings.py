"""``pdca kpi record``'s path without models (db/readings.py) writes exactly what the store's
``record_reading`` writes: the same readings, events and alerts, and refuses the same input."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pdca.db import alerts, readings
from pdca.db.errors import InvalidInput, NotFound
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


def test_a_wrong_reading_is_removed_its_alerts_closed_and_undo_puts_it_back(
    tmp_path: Path,
) -> None:
    """A cron job's typo raised an alert; the right value recorded beside it left the typo in
    the chart and its alerts open (a new user). Removed, its open alerts close and the KPI's
    alerts follow its newest reading left; undo puts all of it back."""
    store = _store(tmp_path / "a.db")
    store.clock = lambda: NOW_DT - timedelta(hours=1)
    readings.record(store, KPI, 30)
    store.clock = lambda: NOW_DT
    typo = readings.record(store, KPI, 9999).row["id"]
    (alert,) = readings.raised_by(store, store.kpi_id(KPI) or 0, typo)
    before = _written(store)

    removed = readings.remove(store, typo)
    assert (removed.row["value"], removed.kpi, removed.unit, removed.raised) == (9999, KPI, "h", [])
    assert readings.closed_in(store, removed.tx) == [
        f"closed alert {alert.id} on KPI {KPI!r}: the reading that raised it"
        f" (9999 h at {removed.row['at']}) was removed"
    ]
    assert store.conn.execute("SELECT count(*) FROM kpi_readings").fetchone()[0] == 1
    closed = store.conn.execute("SELECT closed_at, reading_id FROM alerts").fetchone()
    assert tuple(closed) == ("2026-11-23T09:00:00Z", None)
    store.undo()
    after = _written(store)
    assert after[0] == before[0]  # the reading, as it was
    assert [{**a, "version": 0} for a in after[1]] == [{**a, "version": 0} for a in before[1]]
    with pytest.raises(NotFound, match="no reading 99"):
        readings.remove(store, 99)


def test_removing_the_newest_reading_judges_the_kpi_by_the_one_before(tmp_path: Path) -> None:
    """The right value recorded after the typo closed its alert; the right one taken out
    instead (by mistake), the typo is the newest again: its breach's alert is open again,
    the one it raised (a new one had a fresh day to acknowledge, a new user)."""
    store = _store(tmp_path / "a.db")
    store.clock = lambda: NOW_DT - timedelta(hours=1)
    typo = readings.record(store, KPI, 9999).row["id"]
    store.clock = lambda: NOW_DT
    right = readings.record(store, KPI, 30).row["id"]
    assert _open_alerts(store) == []
    removed = readings.remove(store, right)
    assert removed.raised == [] and _open_alerts(store) == [(1, typo)]
    assert alerts.list_alerts(store)[0].assignee == "dana"


def _open_alerts(store: Store) -> list[tuple[int, int | None]]:
    return [
        (row[0], row[1])
        for row in store.conn.execute(
            "SELECT id, reading_id FROM alerts WHERE closed_at IS NULL ORDER BY id"
        )
    ]


def test_removing_an_older_breaching_reading_keeps_its_alert_while_the_kpi_still_breaches(
    tmp_path: Path,
) -> None:
    """50 raised alert 1, and 45 and 44 are beyond 34 too: taking 50 out closed alert 1 and
    left the KPI in breach with no alert, the next reading raising one with a fresh day to
    acknowledge (a reviewer). It stays open, raised by the newest reading left."""
    store = _store(tmp_path / "a.db")
    for hours, value in ((3, 50), (2, 45), (1, 44)):
        store.clock = lambda hours=hours: NOW_DT - timedelta(hours=hours)
        readings.record(store, KPI, value)
    store.clock = lambda: NOW_DT
    first = store.conn.execute("SELECT id FROM kpi_readings ORDER BY at LIMIT 1").fetchone()[0]
    (alert_id, _) = _open_alerts(store)[0]
    removed = readings.remove(store, first)
    newest = store.conn.execute("SELECT id FROM kpi_readings ORDER BY at DESC LIMIT 1").fetchone()
    assert _open_alerts(store) == [(alert_id, newest[0])]
    assert removed.raised == [] and readings.closed_in(store, removed.tx) == []


def test_an_undo_of_a_removal_after_a_newer_alert_leaves_one_open(tmp_path: Path) -> None:
    """Removed 50 (alert 1 closed), then 45 raised alert 2; the undo put 50 and alert 1
    back beside alert 2: two waited for one breach, and 30 later closed only the newest (a
    reviewer). The undo closes the newer: the older stands, with its holder and escalation
    (closing it reset an escalated breach, a tester)."""
    store = _store(tmp_path / "a.db")
    store.clock = lambda: NOW_DT - timedelta(hours=3)
    typo = readings.record(store, KPI, 50).row["id"]
    store.clock = lambda: NOW_DT - timedelta(hours=2)
    readings.remove(store, typo)
    assert _open_alerts(store) == []
    other = Store.open(store.path, actor="ben", clock=lambda: NOW_DT - timedelta(hours=1))
    readings.record(other, KPI, 45)
    other.close()
    store.clock = lambda: NOW_DT
    store.undo()
    assert [alert_id for alert_id, _ in _open_alerts(store)] == [1]
    store.clock = lambda: NOW_DT + timedelta(hours=1)
    readings.record(store, KPI, 30)
    assert _open_alerts(store) == []


def test_removal_names_only_the_alerts_it_raised(tmp_path: Path) -> None:
    """An acknowledged alert of the newest reading left was said to be "raised" (a
    reviewer)."""
    store = _store(tmp_path / "a.db")
    store.clock = lambda: NOW_DT - timedelta(hours=2)
    readings.record(store, KPI, 50)
    store.clock = lambda: NOW_DT - timedelta(hours=1)
    second = readings.record(store, KPI, 45).row["id"]
    store.clock = lambda: NOW_DT
    assert readings.remove(store, second).raised == []


def test_breach_words_of_an_alert_raised_in_other_words_come_from_its_reading(
    tmp_path: Path,
) -> None:
    """A seeded file's alerts were raised in words of their own: the stand-up said
    "threshold" alone for them, as it did for every alert before (a tester)."""
    store = _store(tmp_path / "a.db")
    readings.record(store, KPI, 36)
    [alert] = alerts.list_alerts(store)
    raised = alerts.breach_words(store, [alert.id])[alert.id]
    store.conn.execute(
        "UPDATE events SET summary = 'seeded alert' WHERE entity = 'alert' AND op = 'create'"
    )
    assert alerts.breach_words(store, [alert.id]) == {alert.id: raised}
    assert raised == "36 h is above the alert threshold 34 h"


def test_an_alert_closed_by_a_colleagues_reading_right_after_is_still_one_this_raised(
    tmp_path: Path,
) -> None:
    """Eight scripts recording at once: each reply said the alerts its reading raised that
    were open still, and a 300 closed a moment later by another's 100 was said by none (a
    script's trial). The reading's own change tells what it raised; closed since, it says so."""
    store = _store(tmp_path / "a.db")
    high = readings.record(store, KPI, 50).row
    other = Store.open(tmp_path / "a.db", actor="bob", clock=lambda: NOW_DT)
    try:
        readings.record(other, KPI, 30)  # back under the threshold: closes it
    finally:
        other.close()
    (alert,) = readings.raised_by(store, high["kpi_id"], high["id"])
    assert alert.closed
    assert readings.raised_words(store, [alert]) == [
        f"raised alert {alert.id} (50 h is above the alert threshold 34 h): closed since"
    ]
    store.close()
