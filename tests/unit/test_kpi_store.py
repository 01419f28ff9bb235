"""KPIs and alerts in the store, at a fixed clock: breaches raise one alert and close it,
escalation moves along the path, acknowledging is first-wins, imports are all or nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pdca.db import alerts, kpis
from pdca.db.errors import Conflict, InvalidInput, NotFound, UndoRefused
from pdca.db.kpi_rules import ABANDONED_WORDS, change_words
from pdca.db.models import ActionDraft, CheckinDraft, KpiChanges, KpiDraft, ReadingDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, events, last_event_id, open_as

KPI = "Resolution time"


@pytest.fixture
def kpi(store: Store) -> str:
    store.add_kpi(
        KpiDraft(
            name=KPI,
            unit="h",
            baseline=30,
            target=24,
            direction="down",
            warn=32,
            alert=34,
            owner="dana",
            escalation=["erin", "alice"],
        )
    )
    return KPI


def record(store: Store, value: float, hours_ago: float = 0) -> None:
    store.record_reading(ReadingDraft(kpi=KPI, value=value), NOW_DT - timedelta(hours=hours_ago))


def test_a_breach_raises_one_alert_for_the_owner_due_in_a_day(store: Store, kpi: str) -> None:
    record(store, 33, 3)
    assert alerts.list_alerts(store) == []
    before = last_event_id(store)
    record(store, 35, 2)
    record(store, 36, 1)  # the same breach: no second alert
    record(store, 40)
    [alert] = alerts.list_alerts(store)
    assert (alert.kpi, alert.assignee, alert.escalation_level) == (KPI, "dana", 0)
    assert alert.ack_due == "2026-11-24T09:00:00Z" and not alert.overdue
    created = [e for e in events(store, before) if e["entity"] == "alert"]
    assert [(e["op"], e["entity_id"]) for e in created] == [("create", alert.id)]
    assert created[0]["after"]["assignee"] == "dana"
    assert alerts.count_waiting(store, "dana") == 1
    assert alerts.count_waiting(store, "alice") == 0


def test_back_within_the_threshold_closes_the_breach(store: Store, kpi: str) -> None:
    record(store, 35, 2)
    before = last_event_id(store)
    record(store, 33, 1)
    assert alerts.list_alerts(store) == []
    [closed] = alerts.list_alerts(store, include_closed=True)
    assert closed.closed_at is not None
    [event] = [e for e in events(store, before) if e["entity"] == "alert"]
    assert event["op"] == "update" and event["after"]["closed_at"] == "2026-11-23T09:00:00Z"
    record(store, 35)  # a new breach: a new alert
    assert len(alerts.list_alerts(store)) == 1
    assert len(alerts.list_alerts(store, include_closed=True)) == 2


def test_a_backfilled_reading_does_not_change_the_breach(store: Store, kpi: str) -> None:
    record(store, 30, 1)
    record(store, 50, 48)  # older than the newest
    assert alerts.list_alerts(store) == []


def test_a_kpi_without_alert_threshold_never_alerts(store: Store) -> None:
    store.add_kpi(KpiDraft(name="Cost", unit="EUR", baseline=10, target=5))
    store.record_reading(ReadingDraft(kpi="Cost", value=1e9))
    assert alerts.list_alerts(store) == []


def _at(store: Store, hours: float) -> Store:
    return open_as(store.path, "bob", NOW_DT + timedelta(hours=hours))  # type: ignore[arg-type]


def test_unacknowledged_alerts_escalate_along_the_path(store: Store, kpi: str) -> None:
    record(store, 35)
    later = _at(store, 25)
    try:
        assert alerts.escalate_due(later) == 1
        [alert] = alerts.list_alerts(later)
        assert (alert.assignee, alert.escalation_level) == ("erin", 1)
        assert alert.ack_due == "2026-11-25T09:00:00Z" and not alert.overdue  # erin in time
        assert alerts.escalate_due(later) == 0  # applied once; nothing due now
        [event] = [e for e in events(later) if e["entity"] == "alert" and e["op"] == "update"]
        assert event["actor"] == "pdca"  # the rules did it, not bob who looked
        assert (event["before"]["assignee"], event["after"]["assignee"]) == ("dana", "erin")
    finally:
        later.close()
    much_later = _at(store, 24 * 5)
    try:
        assert alerts.escalate_due(much_later) == 1
        [alert] = alerts.list_alerts(much_later, overdue=True)
        assert (alert.assignee, alert.escalation_level) == ("alice", 2)  # end of the path
        assert alerts.escalate_due(much_later) == 0  # stays with alice, past due
        assert alerts.list_alerts(much_later, assignee="alice") == [alert]
    finally:
        much_later.close()


def test_every_reader_agrees_on_whom_an_alert_waits_for_without_a_write(
    store: Store, kpi: str
) -> None:
    from pdca.db import accountability

    record(store, 35)
    later = _at(store, 25)  # dana's deadline passed an hour ago; nobody ran pdca alerts
    try:
        before = last_event_id(later)
        [alert] = alerts.list_alerts(later)
        assert (alert.assignee, alert.escalation_level, alert.overdue) == ("erin", 1, False)
        assert alerts.list_alerts(later, assignee="erin") == [alert]
        assert alerts.list_alerts(later, assignee="dana") == []
        assert alerts.list_alerts(later, overdue=True) == []
        assert alerts.count_waiting(later, "erin") == 1 and alerts.count_waiting(later, "dana") == 0
        assert alerts.get_alert(later, alert.id) == alert
        [row] = [r for r in kpis.kpi_rows(later) if r.alert is not None]
        assert row.alert == alert
        assert kpis.kpi_detail(later, KPI).alerts == [alert]
        waiting = {o.login: o.alerts_waiting for o in accountability.owners(later)}
        assert waiting.get("erin") == 1 and not waiting.get("dana")
        assert last_event_id(later) == before  # all of it without writing
        alerts.escalate_due(later)  # the write records what the rule said
        assert alerts.list_alerts(later) == [alert.model_copy(update={"version": 2})]
    finally:
        later.close()


def test_an_acknowledged_alert_does_not_escalate(store: Store, kpi: str) -> None:
    record(store, 35)
    [alert] = alerts.list_alerts(store)
    acked = alerts.acknowledge(store, alert.id, "looking into the queue")
    assert (acked.acknowledged_by, acked.ack_note) == ("alice", "looking into the queue")
    assert alerts.count_waiting(store, "dana") == 0
    later = _at(store, 48)
    try:
        assert alerts.escalate_due(later) == 0
    finally:
        later.close()
    update = [e for e in events(store) if e["entity"] == "alert" and e["op"] == "update"][-1]
    assert update["after"]["acknowledged_at"] == "2026-11-23T09:00:00Z"
    assert update["before"]["acknowledged_at"] is None


def test_acknowledging_records_whom_it_waited_for_then(store: Store, kpi: str) -> None:
    record(store, 35)
    later = _at(store, 25)  # escalated to erin by the clock; no write recorded it
    try:
        [alert] = alerts.list_alerts(later)
        acked = alerts.acknowledge(later, alert.id, "erin's on it", expected_version=1)
        assert (acked.assignee, acked.escalation_level, acked.acknowledged_by) == ("erin", 1, "bob")
        update = [e for e in events(later) if e["entity"] == "alert"][-1]
        assert (update["before"]["assignee"], update["after"]["assignee"]) == ("dana", "erin")
        assert alerts.escalate_due(later) == 0
    finally:
        later.close()


def test_two_people_acknowledging_one_wins(store: Store, kpi: str, db_path: Path) -> None:
    record(store, 35)
    [alert] = alerts.list_alerts(store)
    bob = open_as(db_path, "bob")
    try:
        alerts.acknowledge(bob, alert.id, "mine")
        before = last_event_id(store)
        with pytest.raises(Conflict) as lost:
            alerts.acknowledge(store, alert.id, "no, mine", expected_version=alert.version)
        assert "acknowledged by bob at 2026-11-23T09:00:00Z already" in str(lost.value)
        assert last_event_id(store) == before
        assert alerts.get_alert(store, alert.id).ack_note == "mine"
    finally:
        bob.close()
    with pytest.raises(NotFound):
        alerts.acknowledge(store, 999, "which one?")


def test_a_stale_version_is_a_conflict(store: Store, kpi: str) -> None:
    record(store, 35)
    [alert] = alerts.list_alerts(store)
    later = _at(store, 25)
    try:
        alerts.escalate_due(later)
    finally:
        later.close()
    with pytest.raises(Conflict):
        alerts.acknowledge(store, alert.id, "late", expected_version=alert.version)


def test_undo_of_a_reading_removes_the_alert_it_raised(store: Store, kpi: str) -> None:
    record(store, 35)
    store.undo()
    assert alerts.list_alerts(store, include_closed=True) == []


def test_edit_kpi_changes_fields_and_judges_the_breach_again(store: Store, kpi: str) -> None:
    record(store, 33)
    before = last_event_id(store)
    edited = kpis.edit_kpi(
        store,
        KPI.upper(),
        KpiChanges(
            alert=32.5,
            warn=32.2,
            escalation=["frank"],
            benchmark=20,
            benchmark_source="HDI 2025",
            perspective="delivery",
        ),
    )
    [raised] = edited.raised  # 33 is beyond the new alert threshold: said, not silent
    assert edited.closed == [] and raised.assignee == "dana"
    edited = edited.kpi
    assert (edited.alert, edited.escalation, edited.benchmark) == (32.5, ["frank"], 20)
    assert edited.perspective == "delivery" and edited.version == 2
    ops = [(e["entity"], e["op"]) for e in events(store, before)]
    assert ops == [("person", "create"), ("kpi", "update"), ("alert", "create")]
    cleared = kpis.edit_kpi(store, KPI, KpiChanges(clear=frozenset({"benchmark", "owner"}))).kpi
    assert (cleared.benchmark, cleared.benchmark_source, cleared.owner) == (None, None, None)
    with pytest.raises(InvalidInput, match="alert: 20.0 is not worse than the target"):
        kpis.edit_kpi(store, KPI, KpiChanges(alert=20))
    with pytest.raises(Conflict):
        kpis.edit_kpi(store, KPI, KpiChanges(unit="min"), expected_version=1)
    with pytest.raises(NotFound):
        kpis.edit_kpi(store, "nope", KpiChanges(unit="min"))


def test_rows_are_worst_first_with_gaps_and_trend(store: Store, kpi: str) -> None:
    store.add_kpi(KpiDraft(name="Cost", unit="EUR", baseline=10, target=5, direction="down",
                           warn=12, alert=15))  # fmt: skip
    store.add_kpi(KpiDraft(name="Empty", unit="x", baseline=1, target=2))
    for day, value in ((5, 31), (4, 31), (2, 33), (0, 35)):
        record(store, value, day * 24)
    store.record_reading(ReadingDraft(kpi="Cost", value=4))
    rows = kpis.kpi_rows(store, slots=6)
    assert [(r.kpi.name, r.status) for r in rows] == [
        (KPI, "alert"),
        ("Empty", "no-data"),
        ("Cost", "on-target"),
    ]
    assert rows[0].recent == [31, 31, None, 33, None, 35]  # Nov 18..23: two gaps
    assert rows[0].alert is not None and rows[0].alert.assignee == "dana"
    assert rows[1].recent == [None] * 6


def test_the_view_reads_recent_readings_in_one_query(store: Store) -> None:
    for n in range(5):
        store.add_kpi(KpiDraft(name=f"K{n}", unit="x", baseline=1, target=2))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    kpis.kpi_rows(store)
    store.conn.set_trace_callback(None)
    # The latest reading (list_kpis), the recent ones, the baselines of the XmR limits and
    # the newest readings the signals read: four statements, not one per KPI.
    assert sum("kpi_readings" in sql for sql in seen) == 4


def test_perspective_warning(store: Store) -> None:
    from pdca.db.models import InitiativeDraft

    store.add_initiative(InitiativeDraft(name="Faster support"))
    store.add_initiative(InitiativeDraft(name="Balanced"))
    store.add_initiative(InitiativeDraft(name="Lone"))
    wanted = [
        ("A", "Faster support", "quality"),
        ("B", "Faster support", "quality"),
        ("C", "Balanced", "cost"),
        ("D", "Balanced", "people"),
        ("E", "Lone", "cost"),
    ]
    for name, initiative, view in wanted:
        store.add_kpi(KpiDraft(name=name, unit="x", baseline=1, target=2, perspective=view,
                               initiative=initiative))  # fmt: skip
    assert kpis.perspective_warnings(store.list_kpis()) == [
        "Faster support: every KPI is quality",
        "Lone: its one KPI is cost",  # "every KPI" of one read oddly (a new user)
    ]


@pytest.mark.parametrize(
    ("verdict", "decision", "said"),
    [("worked", "standardize", "better"), ("did-not", "abandon", ABANDONED_WORDS)],
)
def test_detail_has_before_after_for_linked_actions(
    store: Store, kpi: str, db_path: Path, verdict: str, decision: str, said: str
) -> None:
    """An abandoned action's means are shown and not credited: "12.25 -> 11.67 (better)"
    beside a bug bash the team gave up read as its effect (a coach)."""
    # The action enters Do 20 days ago and is done 10 days ago; readings fall 31 -> 26.
    past = open_as(db_path, "alice", NOW_DT - timedelta(days=20))
    try:
        action = past.add_action(ActionDraft(title="Triage rota", owner="dana", due="2026-12-30",
                                             kpi=KPI))  # fmt: skip
        past.move_action(action.id, "do")
        past.add_checkin(action.id, CheckinDraft(message="going"))
        past.move_action(action.id, "check")
        past.move_action(action.id, "act", verdict=verdict)
    finally:
        past.close()
    done = open_as(db_path, "alice", NOW_DT - timedelta(days=10))
    try:
        done.complete_action(action.id, decision)
    finally:
        done.close()
    store.add_action(ActionDraft(title="Never started", kpi=KPI))
    for day in range(30):
        record(store, 31 if day > 15 else 26, day * 24 + 1)
    detail = kpis.kpi_detail(store, KPI)
    [change] = detail.changes
    assert change.action_id == action.id and change.done_at is not None
    assert (change.before_mean, change.after_mean) == (31, 26)
    assert change.delta == -5 and change.abandoned is (decision == "abandon")
    assert change.verdict == ("unknown" if change.abandoned else "better")
    assert change_words(change, change.done_at, NOW_DT) == said
    assert len(detail.readings) == 30 and detail.row.status == "ok"


def test_a_monthly_kpis_before_and_after_reads_three_months(store: Store, db_path: Path) -> None:
    """28 days either side held one monthly reading, and three are needed: a cost KPI's
    change could never be told (a coach). A monthly KPI's window is three of its months."""
    store.add_kpi(KpiDraft(name="Cloud spend", unit="k$", baseline=170, target=150,
                           direction="down", cadence="monthly"))  # fmt: skip
    for month in range(1, 8):  # monthly readings: 172 before, 158 after
        value = 172.0 if month > 3 else 158.0
        store.record_reading(
            ReadingDraft(kpi="Cloud spend", value=value), NOW_DT - timedelta(days=30 * month)
        )
    past = open_as(db_path, "alice", NOW_DT - timedelta(days=118))
    try:
        action = past.add_action(ActionDraft(title="Delete orphaned volumes", owner="dana",
                                             due="2026-12-30", kpi="Cloud spend"))  # fmt: skip
        past.move_action(action.id, "do")
        past.add_checkin(action.id, CheckinDraft(message="going"))
        past.move_action(action.id, "check")
        past.move_action(action.id, "act", verdict="worked")
        past.complete_action(action.id, "standardize")
    finally:
        past.close()
    [change] = kpis.kpi_detail(store, "Cloud spend").changes
    assert change.window_days == 93
    assert (change.before_count, change.after_count) == (4, 3)  # 120-210 days ago; 30-90
    assert (change.before_mean, change.after_mean, change.verdict) == (172, 158, "better")


def test_import_good_rows(store: Store, kpi: str, tmp_path: Path) -> None:
    file = tmp_path / "r.csv"
    file.write_text(
        "name,at,value,note\n"
        f"{KPI},2026-11-21T08:00:00Z,31,\n"
        f"resolution time,2026-11-22,36,spike\n"
        f"{KPI},2026-11-20T08:00:00+01:00,30,\n"
    )
    before = last_event_id(store)
    summary = kpis.import_readings(store, file)
    assert summary == {"readings": 3, "kpis": 1, "alerts_raised": 1}
    readings = store.conn.execute("SELECT at, value, note FROM kpi_readings ORDER BY at")
    assert [tuple(r) for r in readings] == [
        ("2026-11-20T07:00:00Z", 30, ""),
        ("2026-11-21T08:00:00Z", 31, ""),
        ("2026-11-22T00:00:00Z", 36, "spike"),
    ]
    kinds = [(e["entity"], e["op"]) for e in events(store, before)]
    assert kinds == [("reading", "create")] * 3 + [("alert", "create")]
    assert len({e["tx"] for e in events(store, before)}) == 1  # one transaction


def test_import_bad_rows_names_lines_and_writes_nothing(
    store: Store, kpi: str, tmp_path: Path
) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(
        "name,at,value\n"
        f"{KPI},2026-11-21,31\n"
        "Nope,2026-11-21,31\n"
        f"{KPI},yesterday-ish,31\n"
        f"{KPI},2026-11-21,abc\n"
        f"{KPI},2026-11-21,nan\n"
    )
    before = store.counts()
    with pytest.raises(InvalidInput) as bad:
        kpis.import_readings(store, file)
    message = str(bad.value)
    assert "\n" not in message
    assert "line 3: name: “Nope” is not a known KPI (list them: pdca kpi list)" in message
    assert "line 4: at: 'yesterday-ish'" in message
    assert "line 5: value: 'abc' is not a number" in message
    assert "line 6: value: 'nan' is not a finite number" in message
    assert "line 2" not in message
    assert store.counts() == before


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("title,value\nx,1\n", "has no column name, at"),
        # a misspelt note column was read as no note, its text lost (a tester)
        ("name,at,value,ntoe\nLead,2026-01-09,5,context\n", "has unknown columns: 'ntoe' \\(name"),
    ],
)
def test_import_bad_files(store: Store, kpi: str, tmp_path: Path, content, fragment) -> None:
    file = tmp_path / "f.csv"
    file.write_text(content)
    with pytest.raises(InvalidInput, match=fragment):
        kpis.import_readings(store, file)


def test_a_header_alone_imports_nothing_and_writes_nothing(store, kpi, tmp_path) -> None:
    """A cron's file with nothing new today failed the job (a tester)."""
    file = tmp_path / "f.csv"
    file.write_text("name,at,value\n")
    before = store.counts(), store.events(limit=1)
    assert kpis.import_readings(store, file) == {"readings": 0, "kpis": 0, "alerts_raised": 0}
    assert (store.counts(), store.events(limit=1)) == before


def test_sparklines_for_some_kpis_read_only_theirs(store: Store) -> None:
    for n in range(3):
        store.add_kpi(KpiDraft(name=f"K{n}", unit="x", baseline=1, target=2))
        store.record_reading(ReadingDraft(kpi=f"K{n}", value=n + 1), NOW_DT - timedelta(hours=1))
    every = kpis.sparklines(store, 8)
    assert set(every) == {1, 2, 3}
    assert every[2][-1] == 2
    assert kpis.sparklines(store, 8, [2]) == {2: every[2]}
    assert kpis.sparklines(store, 8, []) == {}


def test_a_reading_dated_in_the_future_is_refused_and_nothing_written(store, tmp_path) -> None:
    store.add_kpi(KpiDraft(name="Fut", unit="x", baseline=10, target=5, alert=20, direction="down"))
    later = NOW_DT + timedelta(days=1)
    with pytest.raises(InvalidInput, match="--at: .* is in the future"):
        store.record_reading(ReadingDraft(kpi="Fut", value=10), at=later)
    store.record_reading(ReadingDraft(kpi="Fut", value=10), at=NOW_DT + timedelta(minutes=2))
    csv = tmp_path / "r.csv"
    csv.write_text(f"name,at,value\nFut,{later.isoformat()},11\n")
    with pytest.raises(InvalidInput, match="line 2.*is in the future"):
        kpis.import_readings(store, csv)
    assert store.conn.execute("SELECT count(*) FROM kpi_readings").fetchone()[0] == 1


def test_the_first_rows_alone_carry_readings_and_keep_the_whole_order(store: Store) -> None:
    """``kpi_rows(first=N)`` (the KPIs view's first paint): its first N rows are the whole
    list's, the rest are those KPIs in the same order with their status and alert only."""
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=2)
    every = kpis.kpi_rows(store)
    first = kpis.kpi_rows(store, first=12)
    assert first[:12] == every[:12]
    assert any(r.signals for r in every[:12]) or any(r.recent for r in every[:12])
    assert [(r.kpi.id, r.status, r.alert) for r in first] == [
        (r.kpi.id, r.status, r.alert) for r in every
    ]
    assert all(r.recent == [] and r.signals == [] for r in first[12:])
    assert kpis.kpi_rows(store, first=len(every)) == every


def test_detail_compares_an_action_older_than_the_charts_year(
    store: Store, kpi: str, db_path: Path
) -> None:
    """The chart reads a year of readings; the before/after of an action two years back read
    from those alone and showed "- → -" (a tester, on the huge file). They are read around
    the action, whatever its age."""
    long_ago = NOW_DT - timedelta(days=kpis.DETAIL_DAYS + 300)
    past = open_as(db_path, "alice", long_ago)
    try:
        action = past.add_action(ActionDraft(title="Old rota", owner="dana", due="2025-01-30",
                                             kpi=KPI))  # fmt: skip
        past.move_action(action.id, "do")
    finally:
        past.close()
    done = open_as(db_path, "alice", long_ago + timedelta(days=10))
    try:
        done.complete_action(action.id, "abandon")
    finally:
        done.close()
    hours_ago = (NOW_DT - long_ago).total_seconds() / 3600
    for day in range(-5, 15):  # 31 in the days before Do, 26 after done
        record(store, 31 if day < 0 else 26, int(hours_ago - day * 24 - 1))
    detail = kpis.kpi_detail(store, KPI)
    [change] = detail.changes
    assert (change.before_mean, change.after_mean) == (31, 26)
    assert detail.readings == []  # none in the chart's year


@pytest.mark.parametrize("recorded_first", [False, True])
def test_a_new_owner_counts_from_the_edit_not_back_to_a_missed_deadline(
    store: Store, db_path: Path, kpi: str, recorded_first: bool
) -> None:
    """A tester's: dana missed her deadline, so the alert had passed to erin by the rule of
    time; the lead then made frank the KPI's owner, and the alert went to frank, past erin,
    unless some command had happened to record the pass-on first. Now both agree: erin."""
    record(store, 35)  # dana's by NOW + 24 h
    later = open_as(db_path, "lena", NOW_DT + timedelta(hours=26))
    try:
        if recorded_first:
            alerts.escalate_due(later)
        kpis.edit_kpi(later, KPI, KpiChanges(owner="frank"))
        (alert,) = alerts.list_alerts(later)
        assert (alert.assignee, alert.escalation_level) == ("erin", 1)
    finally:
        later.close()


def test_passes_on_written_late_are_one_event_each_at_the_deadline_each_missed(
    store: Store, db_path: Path, kpi: str
) -> None:
    """A tester's: nothing wrote for two days, then one write moved the alert from dana to
    alice; the stand-up said "from dana" under alice and erin's turn was gone."""
    record(store, 35)  # dana's by NOW + 24 h, then erin's by NOW + 48 h
    before = last_event_id(store)
    later = open_as(db_path, "lena", NOW_DT + timedelta(hours=50))
    try:
        assert alerts.escalate_due(later) == 1
        written = events(later, before)
        assert [e["summary"] for e in written] == [
            f"escalated alert 1 on KPI {KPI!r} from dana to erin: not acknowledged by"
            " 2026-11-24T09:00:00Z",
            f"escalated alert 1 on KPI {KPI!r} from erin to alice: not acknowledged by"
            " 2026-11-25T09:00:00Z",
        ]
        assert [e["after"]["escalation_level"] for e in written] == [1, 2]
        (alert,) = alerts.list_alerts(later)
        assert (alert.assignee, alert.escalation_level) == ("alice", 2)
    finally:
        later.close()


def test_a_new_owner_takes_the_owners_turn_at_once_and_an_undo_gives_it_back(
    store: Store, db_path: Path, kpi: str
) -> None:
    """A lead's trial: the KPI went from dana to frank before her deadline; the alert stayed
    dana's, frank was told nothing, and it came to him a day later as an "escalation",
    which put erin's turn a day late. Now frank holds it from the edit, with a day from
    then, in the edit's own events; the undo gives it back to dana as it was. Once it has
    passed on from frank, the undo is refused, naming the pass-on (a reviewer's: the undo
    had skipped frank's turn, never recorded)."""
    record(store, 35)  # dana's by NOW + 24 h
    lead = open_as(db_path, "alice", NOW_DT + timedelta(hours=1))
    edit = kpis.edit_kpi(lead, KPI, KpiChanges(owner="frank"))
    lead.close()
    assert edit.handed_words == (
        f"handed alert 1 on KPI {KPI!r} from dana to frank with the KPI"
        " (until 2026-11-24T10:00:00Z)",
    )
    (alert,) = alerts.list_alerts(store)
    assert (alert.assignee, alert.escalation_level, alert.ack_due) == (
        "frank",
        0,
        "2026-11-24T10:00:00Z",
    )
    soon = open_as(db_path, "alice", NOW_DT + timedelta(hours=2))
    try:
        soon.undo()
        (alert,) = alerts.list_alerts(soon)
        assert (alert.assignee, alert.ack_due) == ("dana", "2026-11-24T09:00:00Z")
    finally:
        soon.close()
    lead = open_as(db_path, "alice", NOW_DT + timedelta(hours=3))
    kpis.edit_kpi(lead, KPI, KpiChanges(owner="frank"))
    lead.close()
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=28))  # frank's deadline passed
    try:
        with pytest.raises(UndoRefused, match="from frank to erin"):
            later.undo()
        (alert,) = alerts.list_alerts(later)
        assert (alert.assignee, alert.escalation_level) == ("erin", 1)
    finally:
        later.close()


def test_owner_and_path_swapped_in_one_edit_hand_the_owners_turn_to_the_new_owner(
    store: Store, db_path: Path, kpi: str
) -> None:
    """A quality lead's trial: dana owned the KPI with erin on its path; one edit made erin
    the owner and dana the path. The alert at the owner's turn stayed dana's (she is on the
    new path), went overdue in her name, and erin was never told."""
    record(store, 35)  # dana's by NOW + 24 h
    lead = open_as(db_path, "alice", NOW_DT + timedelta(hours=6))
    try:
        edit = kpis.edit_kpi(lead, KPI, KpiChanges(owner="erin", escalation=["dana"]))
        assert edit.handed_words == (
            f"handed alert 1 on KPI {KPI!r} from dana to erin with the KPI"
            " (until 2026-11-24T15:00:00Z)",
        )
        (alert,) = alerts.list_alerts(lead)
        assert (alert.assignee, alert.escalation_level) == ("erin", 0)
    finally:
        lead.close()
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=31))  # erin's day has passed
    try:
        alerts.escalate_due(later)
        (alert,) = alerts.list_alerts(later)
        assert (alert.assignee, alert.escalation_level) == ("dana", 1)  # then the path's
    finally:
        later.close()


def test_someone_added_after_an_overdue_end_of_the_path_gets_a_day_from_then(
    store: Store, db_path: Path, kpi: str
) -> None:
    """A lead's trial: alice, the end of the path, missed her deadline; the lead added mo
    after her, and the alert waited for mo overdue at once, "overdue since" a time before
    he was on the path. He has a day from the edit."""
    record(store, 35)  # dana by +24 h, erin by +48 h, alice by +72 h
    lead = open_as(db_path, "lena", NOW_DT + timedelta(hours=80))
    try:
        (alert,) = alerts.list_alerts(lead)
        assert (alert.assignee, alert.overdue) == ("alice", True)
        edit = kpis.edit_kpi(lead, KPI, KpiChanges(escalation=["erin", "alice", "mo"]))
        assert edit.handed_words == (
            f"escalated alert 1 on KPI {KPI!r} from alice to mo: not acknowledged by"
            " 2026-11-26T09:00:00Z, and mo is next on the path now (until 2026-11-27T17:00:00Z)",
        )
        (alert,) = alerts.list_alerts(lead)
        assert (alert.assignee, alert.escalation_level, alert.overdue) == ("mo", 3, False)
        assert alert.ack_due == "2026-11-27T17:00:00Z"
    finally:
        lead.close()


def test_a_closed_alert_is_not_acknowledged(store: Store, kpi: str) -> None:
    """A tester's ``alerts ack`` of an alert closed that morning was taken and written, with
    nobody waiting for it: it is refused, and nothing is written."""
    from pdca.db.errors import InvalidInput

    record(store, 35, 2)
    record(store, 33, 1)
    [closed] = alerts.list_alerts(store, include_closed=True)
    before = last_event_id(store)
    # said as read: its KPI named, the time to the minute ("alert: '96' was closed at
    # 2026-12-05T07:21:19Z" read oddly, a tester)
    said = rf"^alert {closed.id} \({kpi}\) was closed at 2026-11-23 09:00 UTC: nothing waits"
    with pytest.raises(InvalidInput, match=said):
        alerts.acknowledge(store, closed.id, "on it")
    assert last_event_id(store) == before
