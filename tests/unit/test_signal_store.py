"""Signal alerts in the store: raised by a Western Electric signal on the KPI's bad side,
through the same path as a threshold breach (owner, deadline, escalation, notification), at
most one open per KPI, beside a threshold alert; closed when the signals go quiet; the mode
and the baseline period set per KPI."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pdca.db import alerts, kpis, notify
from pdca.db.errors import InvalidInput
from pdca.db.models import KpiChanges, KpiDraft, ReadingDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, events, last_event_id, open_as

KPI = "Lead time"
BASE = [11.0, 9.0] * 10  # centre 10, mR̄ 2: limits 4.68 to 15.32


@pytest.fixture
def kpi(store: Store) -> str:
    store.add_kpi(
        KpiDraft(
            name=KPI,
            unit="d",
            baseline=10,
            target=5,
            direction="down",
            warn=20,
            alert=25,
            owner="dana",
            escalation=["erin"],
        )
    )
    return KPI


def feed(store: Store, values: list[float], start_days_ago: int) -> None:
    """Daily readings, the last ``start_days_ago - len(values) + 1`` days ago."""
    for i, v in enumerate(values):
        at = NOW_DT - timedelta(days=start_days_ago - i)
        store.record_reading(ReadingDraft(kpi=KPI, value=v), at)


def signal_alerts(store: Store) -> list:
    return [a for a in alerts.list_alerts(store, include_closed=True) if a.rule is not None]


def test_a_drift_inside_the_thresholds_raises_one_signal_alert(store: Store, kpi: str) -> None:
    feed(store, BASE, 40)
    assert alerts.list_alerts(store) == []
    before = last_event_id(store)
    feed(store, [10.5] * 7, 20)
    assert alerts.list_alerts(store) == []  # seven above the centre: not yet
    feed(store, [10.5], 13)
    [alert] = alerts.list_alerts(store)
    assert alert.rule == "we4"
    assert alert.rule_text == "8 readings in a row above the centre line"
    assert (alert.assignee, alert.escalation_level) == ("dana", 0)
    feed(store, [10.6, 10.4, 12.0, 12.0, 12.0], 12)  # more rules fire: still one alert
    assert len(alerts.list_alerts(store)) == 1
    created = [e for e in events(store, before) if e["entity"] == "alert"]
    assert [e["op"] for e in created] == ["create"]
    assert "signal: 8 readings in a row above the centre line" in created[0]["summary"]


def test_the_good_direction_raises_nothing(store: Store, kpi: str) -> None:
    feed(store, BASE + [9.5] * 10, 40)  # lower is better: eight below the centre is good news
    assert alerts.list_alerts(store) == []
    [row] = kpis.kpi_rows(store)
    assert row.signals == []
    detail = kpis.kpi_detail(store, KPI)
    assert [(s.rule, s.bad) for s in detail.signals] == [("we4", False)]


def test_a_signal_and_a_threshold_alert_are_both_open_and_close_apart(
    store: Store, kpi: str
) -> None:
    feed(store, BASE + [12.0] * 8, 50)
    feed(store, [26.0], 20)  # beyond the alert threshold, and beyond the upper limit
    open_now = alerts.list_alerts(store)
    assert sorted((a.rule or "threshold") for a in open_now) == ["threshold", "we3"]
    feed(store, [12.0], 19)  # back within the threshold: the threshold alert closes
    assert [a.rule for a in alerts.list_alerts(store)] == ["we3"]  # 4 of 5 beyond one sigma
    feed(store, [9.0, 11.0] * 7 + [9.0], 18)  # routine again: fifteen readings
    assert [a.rule for a in alerts.list_alerts(store)] == ["we3"]
    feed(store, [11.0], 3)  # the sixteenth without a signal on the bad side closes it
    assert alerts.list_alerts(store) == []
    [closed] = signal_alerts(store)
    assert closed.closed_at is not None


def test_a_pause_in_the_run_does_not_close_and_raise_again(store: Store, kpi: str) -> None:
    feed(store, BASE + [10.5] * 8 + [9.5] + [10.5] * 8, 40)
    assert len(signal_alerts(store)) == 1


def test_signal_alerts_escalate_and_are_notified_like_breaches(store: Store, kpi: str) -> None:
    feed(store, BASE + [10.5] * 8, 40)
    [alert] = alerts.list_alerts(store)
    texts = [n.text for n in notify.due_notices(store) if n.kind == "alert"]
    assert texts == [
        f"alert {alert.id} on KPI 'Lead time': signal, 8 readings in a row above the centre"
        f" line; acknowledge by {alert.ack_due}: pdca alerts ack {alert.id} MESSAGE"
    ]
    assert store.path is not None
    later = open_as(store.path, "pdca", NOW_DT + timedelta(hours=25))
    try:
        [moved] = alerts.list_alerts(later)
        assert (moved.assignee, moved.escalation_level, moved.overdue) == ("erin", 1, False)
        assert alerts.escalate_due(later) == 1
    finally:
        later.close()


def test_the_mode_decides_which_alerts(store: Store, kpi: str) -> None:
    kpis.edit_kpi(store, KPI, KpiChanges(alerts_mode="thresholds"))
    feed(store, BASE + [12.0] * 8, 40)
    assert alerts.list_alerts(store) == []
    kpis.edit_kpi(store, KPI, KpiChanges(alerts_mode="signals"))  # judged again at once
    assert [a.rule for a in alerts.list_alerts(store)] == ["we3"]
    feed(store, [30.0], 10)  # beyond the threshold, but the KPI raises signals only
    assert all(a.rule is not None for a in alerts.list_alerts(store))
    edited = kpis.edit_kpi(store, KPI, KpiChanges(alerts_mode="thresholds"))
    assert [a.rule for a in alerts.list_alerts(store)] == [None]
    assert [a.rule for a in edited.closed] == ["we3"] and [a.rule for a in edited.raised] == [None]
    assert store.get_kpi(KPI).alerts_mode == "thresholds"


def test_the_baseline_period_is_settable_and_clearable(store: Store, kpi: str) -> None:
    feed(store, [50.0] * 10 + BASE, 40)
    default = kpis.kpi_detail(store, KPI).limits
    assert default is not None and default.centre == pytest.approx((500 + 100) / 20)
    start = (NOW_DT - timedelta(days=30)).date()
    kpis.edit_kpi(store, KPI, KpiChanges(baseline_from=start))
    limits = kpis.kpi_detail(store, KPI).limits
    assert limits is not None and limits.centre == pytest.approx(10)
    assert limits.baseline_count == 20
    kpis.edit_kpi(store, KPI, KpiChanges(clear=frozenset({"baseline_from"})))
    assert kpis.kpi_detail(store, KPI).limits == default
    with pytest.raises(InvalidInput, match="baseline-to"):
        kpis.edit_kpi(
            store, KPI, KpiChanges(baseline_from=date(2026, 5, 2), baseline_to=date(2026, 5, 1))
        )


def test_too_few_readings_give_no_limits(store: Store, kpi: str) -> None:
    feed(store, [10.0, 11.0, 12.0], 5)
    detail = kpis.kpi_detail(store, KPI)
    assert detail.limits is None and detail.signals == []
    assert alerts.list_alerts(store) == []


def test_a_kpi_measured_late_still_lists_the_signal_its_last_readings_hold(
    store: Store, kpi: str
) -> None:
    """The list's recent window is by time; signals come from the newest readings however old."""
    feed(store, BASE + [12.0] * 8, 120)  # eight above the centre, the newest 93 days ago
    [row] = kpis.kpi_rows(store)
    assert row.status == "overdue" and "we4" in {s.rule for s in row.signals}


def test_a_back_filled_reading_closes_and_raises_nothing(store: Store, kpi: str, tmp_path) -> None:
    """A tester back-filled one old reading (``kpi record --at`` a month back) while a signal
    alert was open: it closed "after 16 readings" with none new. The README says a reading
    older than the newest changes no alert; nor does an import of older history."""
    feed(store, BASE, 40)
    feed(store, [10.5] * 8, 20)
    [alert] = alerts.list_alerts(store)
    before = last_event_id(store)
    store.record_reading(ReadingDraft(kpi=KPI, value=30), NOW_DT - timedelta(days=45))
    assert [a.id for a in alerts.list_alerts(store)] == [alert.id]  # still open
    assert [(e["entity"], e["op"]) for e in events(store)[-1:]] == [("reading", "create")]
    assert last_event_id(store) == before + 1  # the reading's event alone
    older = tmp_path / "older.csv"
    older.write_text(f"name,at,value\n{KPI},2026-09-01T09:00:00Z,40\n")
    summary = kpis.import_readings(store, older)
    assert (summary["readings"], summary["kpis"], summary["alerts_raised"]) == (1, 1, 0)
    assert [a.id for a in alerts.list_alerts(store)] == [alert.id]
