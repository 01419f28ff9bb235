"""The KPI rules as pure functions, at a fixed clock: status, trend, breach, escalation,
before/after change and sparkline slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdca.db import kpi_rules as r
from pdca.db.errors import InvalidInput
from pdca.db.models import KpiDraft
from tests.conftest import NOW_DT


def _status(value: float | None, *, at: datetime = NOW_DT, cadence: str = "daily",
            direction: str = "down") -> str:  # fmt: skip
    # A lower-is-better KPI: target 24, warn above 30, alert above 34.
    return r.status(
        latest_value=value,
        latest_at=None if value is None else at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        direction=direction,  # type: ignore[arg-type]
        target=24 if direction == "down" else 80,
        warn=30 if direction == "down" else 70,
        alert=34 if direction == "down" else 60,
        cadence=cadence,  # type: ignore[arg-type]
        now=NOW_DT,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "no-data"),
        (20, "on-target"),
        (24, "on-target"),  # reaching the target counts
        (27, "ok"),
        (30, "ok"),  # at the threshold is not beyond it
        (30.5, "warn"),
        (34, "warn"),
        (34.1, "alert"),
    ],
)
def test_status_of_a_lower_is_better_kpi(value, expected) -> None:
    assert _status(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(85, "on-target"), (75, "ok"), (65, "warn"),
                                                  (59, "alert")])  # fmt: skip
def test_status_of_a_higher_is_better_kpi(value, expected) -> None:
    assert _status(value, direction="up") == expected


@pytest.mark.parametrize(
    ("cadence", "age", "overdue"),
    [
        # from the end of the day a reading stands for (a day after its time), the cadence
        # and a day's grace: a daily reading three days old is overdue, not before
        ("daily", timedelta(days=2, hours=23), False),
        ("daily", timedelta(days=3, hours=1), True),
        ("weekly", timedelta(days=9), False),
        ("weekly", timedelta(days=9, hours=1), True),
        ("monthly", timedelta(days=33), False),
        ("monthly", timedelta(days=33, hours=1), True),
    ],
)
def test_a_missed_cadence_is_overdue(cadence, age, overdue) -> None:
    assert (_status(27, at=NOW_DT - age, cadence=cadence) == "overdue") is overdue


def test_a_bad_value_outranks_a_late_measurement() -> None:
    assert _status(35, at=NOW_DT - timedelta(days=10)) == "alert"


def test_trend_compares_the_latest_week_with_the_one_before() -> None:
    falling = [30.0] * 7 + [26.0] * 7
    assert r.trend(falling, "down", 30, 24) == ("better", -1)
    assert r.trend(falling, "up", 30, 24) == ("worse", -1)
    assert r.trend([30.0] * 7 + [30.2] * 7, "down", 30, 24) == ("flat", 0)
    assert r.trend([30.0], "down", 30, 24) == ("unknown", 0)
    # Older readings beyond two windows do not count.
    assert r.trend([100.0] * 5 + [30.0] * 7 + [30.0] * 7, "down", 30, 24) == ("flat", 0)


def test_with_fewer_than_two_windows_the_newer_half_is_weighed_against_the_older() -> None:
    """Nine weekly readings of spend, falling four weeks running: the latest seven against
    the two oldest, lowest ones said "worse (rising)" (a lead's trial)."""
    spend = [101.0, 103, 112, 108, 111, 106, 104, 100, 98]
    assert r.trend(spend, "down", 100, 85) == ("better", -1)
    assert r.trend([20.0, 30, 40], "up", 20, 40) == ("better", 1)  # 20 against 35
    assert r.trend([5.0] * 6 + [9.0] * 7, "up", 5, 9) == ("better", 1)  # 13: halves


def test_one_alert_per_breach_and_back_within_closes() -> None:
    steps = []
    has_open = False
    for value in (33, 35, 36, 40, 33, 36):
        step = r.breach_step(value, 34, "down", has_open)
        steps.append(step)
        if step == "raise":
            has_open = True
        elif step == "close":
            has_open = False
    assert steps == [None, "raise", None, None, "close", "raise"]
    assert r.breach_step(99, None, "down", False) is None  # no threshold, no alert


def test_chain_starts_with_the_owner_and_names_nobody_twice() -> None:
    assert r.chain("dana", ["erin", "dana", "alice"], "bot") == ["dana", "erin", "alice"]
    assert r.chain(None, ["erin", "alice"], "bot") == ["erin", "alice"]
    assert r.chain(None, [], "bot") == ["bot"]


def test_escalation_passes_on_one_person_per_missed_deadline() -> None:
    people = ["dana", "erin", "alice"]
    due = NOW_DT - timedelta(hours=1)
    step = r.escalate(level=0, ack_due=due, people=people, now=NOW_DT)
    assert step == r.Escalation("erin", 1, due + timedelta(hours=24))
    # Not yet due: nothing changes.
    assert r.escalate(level=0, ack_due=NOW_DT, people=people, now=NOW_DT) is None
    # Two deadlines missed: on twice, each deadline a day after the one missed.
    two = r.escalate(level=0, ack_due=NOW_DT - timedelta(hours=25), people=people, now=NOW_DT)
    assert two == r.Escalation("alice", 2, NOW_DT + timedelta(hours=23))
    # The end of the path: it stays with the last person, past due.
    assert r.escalate(level=2, ack_due=due, people=people, now=NOW_DT) is None


def test_escalation_does_not_depend_on_when_it_is_applied() -> None:
    people = ["dana", "erin", "alice"]
    raised = NOW_DT - timedelta(hours=60)
    due = r.first_deadline(raised)
    late = r.escalate(level=0, ack_due=due, people=people, now=NOW_DT)
    early = r.escalate(level=0, ack_due=due, people=people, now=due + timedelta(minutes=1))
    assert early is not None and late is not None
    again = r.escalate(level=early.level, ack_due=early.ack_due, people=people, now=NOW_DT)
    assert again == late


def test_overdue_alerts() -> None:
    past, future = NOW_DT - timedelta(hours=1), NOW_DT + timedelta(hours=1)
    assert r.alert_overdue(False, False, past, NOW_DT)
    assert not r.alert_overdue(False, False, future, NOW_DT)
    assert not r.alert_overdue(False, False, NOW_DT, NOW_DT)  # at the deadline: still in time
    assert not r.alert_overdue(True, False, past, NOW_DT)
    assert not r.alert_overdue(False, True, past, NOW_DT)


def _standing(now, *, assignee="dana", level=0, due=NOW_DT, path=("erin", "alice"), **kw):
    return r.alert_standing(
        assignee=assignee,
        level=level,
        ack_due=due,
        acknowledged=kw.get("acknowledged", False),
        closed=False,
        owner=kw.get("owner", "dana"),
        path=path,
        now=now,
    )


def test_alert_standing_at_the_first_deadline() -> None:
    second = timedelta(seconds=1)
    before, at, after = (_standing(NOW_DT + d) for d in (-second, timedelta(0), second))
    assert (before.assignee, before.level, before.ack_due, before.overdue) == (
        "dana", 0, NOW_DT, False
    )  # fmt: skip
    assert (at.assignee, at.overdue, at.escalated) == ("dana", False, False)
    # One second late: erin holds it, with a fresh day; nobody is late yet.
    assert (after.assignee, after.level, after.overdue, after.escalated) == ("erin", 1, False, True)
    assert after.ack_due == NOW_DT + timedelta(hours=24)


def test_alert_standing_at_the_end_of_the_path_is_overdue_only_past_the_last_deadline() -> None:
    last = NOW_DT + timedelta(hours=48)  # alice's deadline: dana's, then erin's day passed
    second = timedelta(seconds=1)
    before, at, after = (_standing(last + d) for d in (-second, timedelta(0), second))
    assert [(s.assignee, s.level, s.overdue) for s in (before, at, after)] == [
        ("alice", 2, False),
        ("alice", 2, False),
        ("alice", 2, True),
    ]
    assert after.ack_due == last  # stays with alice, past due


def test_alert_standing_agrees_with_a_recorded_escalation() -> None:
    """Read before or after the write that records an escalation: the same answer."""
    now = NOW_DT + timedelta(hours=20)  # dana's deadline passed; erin's not yet
    unwritten = _standing(now)
    written = _standing(now, assignee="erin", level=1, due=NOW_DT + timedelta(hours=24))
    assert (unwritten.assignee, unwritten.level, unwritten.ack_due) == (
        written.assignee, written.level, written.ack_due
    )  # fmt: skip
    assert not written.escalated and unwritten.escalated


def test_alert_standing_of_acknowledged_and_edited_paths() -> None:
    late = NOW_DT + timedelta(hours=100)
    acked = _standing(late, acknowledged=True)
    assert (acked.assignee, acked.overdue) == ("dana", False)
    # The holder is no longer on the path: it starts over at the path's head.
    moved = _standing(NOW_DT + timedelta(seconds=1), assignee="zoe", path=("erin",))
    assert (moved.assignee, moved.level) == ("dana", 1)


def _day(n: int) -> str:
    return (NOW_DT - timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_before_after_means_around_an_action() -> None:
    readings = [(_day(60 - d), 30.0 if d < 30 else 25.0) for d in range(60)]
    change = r.before_after(readings, _day(35), _day(28), direction="down", baseline=30, target=24)
    assert (change.before_mean, change.after_mean) == (30.0, 25.0)
    assert change.delta == -5.0 and change.verdict == "better"
    assert change.before_count == 25 and change.after_count == 27  # days 60..36, 27..1
    # Not done yet: no "after".
    open_one = r.before_after(readings, _day(35), None, direction="down", baseline=30, target=24)
    assert open_one.after_mean is None and open_one.verdict == "unknown"
    # Readings outside the 28-day windows do not count.
    narrow = r.before_after(readings, _day(35), _day(28), direction="down", baseline=30,
                            target=24, window_days=3)  # fmt: skip
    assert (narrow.before_count, narrow.after_count) == (3, 3)


def test_a_before_after_on_a_reading_or_two_is_too_early_to_tell() -> None:
    """One reading minutes after done read "worse" in the KPI detail and kpi show, where the
    move to Act said "too early to tell" (a new user). The means stay; the verdict waits."""
    before = [(_day(30 - d), 18.0) for d in range(8)]  # weekly-ish, well before Do
    one_after = [*before, (_day(0), 24.0)]
    change = r.before_after(one_after, _day(20), _day(1), direction="down", baseline=18,
                            target=9)  # fmt: skip
    assert (change.before_mean, change.after_mean, change.delta) == (18.0, 24.0, 6.0)
    assert change.verdict == "unknown"
    assert r.verdict_words(change.verdict, change.before_count, change.after_count) == (
        "too early to tell: 1 reading after done"
    )
    three_after = [*one_after, (_day(0), 25.0), (_day(0), 26.0)]
    settled = r.before_after(three_after, _day(20), _day(1), direction="down", baseline=18,
                             target=9)  # fmt: skip
    assert settled.verdict == "worse" and r.verdict_words("worse", 8, 3) == "worse"
    # too few before Do: no wait helps, so not "too early" (a coach)
    assert r.verdict_words("unknown", 2, 5) == "too few readings before Do to tell: 2"
    # none since done: "(unknown)" told nothing (a retrial)
    assert r.verdict_words("unknown", 8, 0) == "too early to tell: no readings after done"
    assert r.verdict_words("unknown", 0, 4) == "no readings before Do"
    assert r.verdict_words("unknown", 8, 0, done=False) == "not done"


def test_slots_leave_gaps_for_missed_measurements() -> None:
    readings = [(_day(3), 1.0), (_day(2), 2.0), (_day(0), 4.0)]
    assert r.slots(readings, "daily", NOW_DT, 5) == [None, 1.0, 2.0, None, 4.0]
    # NOW is a Monday: days 8 and 1 are the Sundays ending the two weeks before.
    weekly = r.slots([(_day(8), 5.0), (_day(2), 6.0), (_day(1), 7.0)], "weekly", NOW_DT, 4)
    assert weekly == [None, 5.0, 7.0, None]  # a period's last reading stands for it
    monthly = r.slots([(_day(40), 1.0)], "monthly", NOW_DT, 3)
    assert monthly == [None, 1.0, None]
    start = r.slot_window_start("monthly", NOW_DT, 3)
    assert start == datetime(2026, 9, 1, tzinfo=UTC)


def test_two_readings_of_one_time_are_drawn_as_the_one_recorded_last() -> None:
    """Readings of one time (a corrected file imported again with days alone, a retyped
    reading) were sorted by their values: the slot drew 100 where the latest value, the
    status and the alerts took the 1 recorded after it (a tester). In the order given."""
    same = _day(0)
    assert r.slots([(_day(1), 50.0), (same, 100.0), (same, 1.0)], "daily", NOW_DT, 2) == [
        50.0,
        1.0,
    ]
    assert r.slots([(_day(1), 50.0), (same, 1.0), (same, 100.0)], "daily", NOW_DT, 2) == [
        50.0,
        100.0,
    ]


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"warn": 20}, "warn: 20.0 is not worse than the target 24"),
        ({"alert": 24}, "alert: 24.0 is not worse than the target 24"),
        ({"warn": 32, "alert": 31}, "alert: 31.0 is better than warn 32"),
        ({"benchmark_source": "APQC"}, "benchmark-source: 'APQC' needs a benchmark value"),
    ],
)
def test_contradictory_thresholds_are_refused(fields, fragment) -> None:
    draft = KpiDraft(name="K", unit="h", baseline=30, target=24, direction="down", **fields)
    with pytest.raises(InvalidInput) as raised:
        r.check_kpi(draft)
    assert fragment in str(raised.value)


def test_sensible_thresholds_pass() -> None:
    r.check_kpi(KpiDraft(name="K", unit="h", baseline=30, target=24, direction="down",
                         warn=32, alert=34, benchmark=20, benchmark_source="APQC"))  # fmt: skip


@given(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=9))])))  # fmt: skip
def test_a_time_set_by_hand_in_another_form_is_compared_as_pdca_stores_it(
    moment: datetime,
) -> None:
    from pdca.db.clock import iso

    expected = iso(moment)
    assert r._stored_form(expected) == expected
    assert r._stored_form(moment.isoformat()) == expected  # an offset, a fraction: converted


def test_slots_are_the_readers_local_days(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reading at 00:30 in Berlin was drawn in the day before's cell, as its UTC day: the
    missed day showed no gap, and today's two readings were split (an analyst's year)."""
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        noon = [(f"2026-07-0{day}T10:00:00Z", 10.0) for day in range(1, 9)]  # 12:00 CEST
        late = [("2026-07-09T22:30:00Z", 9.0), ("2026-07-10T18:00:00Z", 6.0)]  # 10 July
        now = datetime(2026, 7, 10, 19, tzinfo=UTC)
        assert r.slots(noon + late, "daily", now, 4) == [10.0, 10.0, None, 6.0]
        # a week begins on Monday at local midnight: Sunday 23:30 UTC is Monday in Berlin
        weekly = r.slots([("2026-07-05T22:30:00Z", 3.0)], "weekly", now, 2)
        assert weekly == [None, 3.0]
        assert r.slot_window_start("daily", now, 4) == datetime(2026, 7, 6, 22, tzinfo=UTC)
        # a reading after the last period (set ahead by hand) is in no cell
        assert r.slots([("2026-07-10T22:30:00Z", 1.0)], "daily", now, 2) == [None, None]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_yesterdays_reading_given_each_morning_is_never_overdue_for_anyone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Entered at 09:00 as "yesterday" (the writer's local midnight), a daily reading went
    overdue every night (a trial in five zones), and counted in local days it was overdue
    in Auckland while fed on time from Los Angeles (a retrial). Hour by hour over a week,
    for writers and readers in three zones, it never is; a missed morning makes it so."""
    import time

    from pdca.db.clock import iso

    zones = ("Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata")
    try:
        for writer in zones:
            monkeypatch.setenv("TZ", writer)
            time.tzset()
            # each morning at 09:00 there, the day before's reading at its midnight
            mornings = [datetime(2026, 11, day, 9).astimezone(UTC) for day in range(10, 18)]
            stamps = [
                (morning, (morning.astimezone() - timedelta(days=1)).replace(hour=0))
                for morning in mornings
            ]
            for reader in zones:
                monkeypatch.setenv("TZ", reader)
                time.tzset()
                for hour in range(int((mornings[-1] - mornings[0]).total_seconds() // 3600)):
                    now = mornings[0] + timedelta(hours=hour)
                    latest = max(stamp for entered, stamp in stamps if entered <= now)
                    assert not r.measurement_overdue(iso(latest), "daily", now), (writer, now)
                skipped = mornings[-1] + timedelta(days=2)  # two mornings missed
                assert r.measurement_overdue(iso(stamps[-1][1]), "daily", skipped)
    finally:
        monkeypatch.undo()
        time.tzset()
