"""Initiative health and the SMART checks, pure."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from pdca.db import initiative_rules as ir
from pdca.db import smart_rules as sr

TODAY = date(2026, 11, 23)


def facts(**values: object) -> ir.InitiativeFacts:
    base: dict[str, object] = {
        "today": TODAY,
        "stale_after_days": 7,
        "kpi_statuses": ("ok",),
        "open_actions": 4,
        "days_since_news": 1,
    }
    return ir.InitiativeFacts(**{**base, **values})  # type: ignore[arg-type]


def test_fresh_data_and_nothing_wrong_is_on_track() -> None:
    assert ir.health(facts()) == ("on-track", [])


def test_a_kpi_in_alert_is_off_track_with_its_reason() -> None:
    level, reasons = ir.health(facts(kpi_statuses=("alert", "alert", "warn")))
    assert level == "off-track"
    assert reasons == ["2 KPIs in alert", "1 KPI in warning"]


def test_late_actions_put_it_at_risk_then_off_track_from_half() -> None:
    assert ir.health(facts(open_actions=7, late=3)) == ("at-risk", ["3 of 7 actions late"])
    assert ir.health(facts(open_actions=6, late=3))[0] == "off-track"


def test_stale_data_outweighs_what_people_last_reported() -> None:
    # Their last check-ins said on track; two of them are 14 and 20 days old.
    level, reasons = ir.health(facts(open_actions=7, stale_days=(20, 14)))
    assert (level, reasons) == ("at-risk", ["no check-in on 2 actions for 14 days or more"])


def test_no_news_at_all_for_two_cadences_is_off_track() -> None:
    assert ir.health(facts(days_since_news=15)) == (
        "off-track",
        ["no check-in or reading for 15 days"],
    )
    assert ir.health(facts(days_since_news=None))[1] == ["no check-in or reading ever"]
    assert ir.health(facts(days_since_news=14))[0] == "on-track"


def test_silence_is_counted_from_the_start_of_the_work() -> None:
    # Begun today with a KPI never measured: at risk for that, not off track for want of news.
    new = facts(kpi_statuses=("no-data",), open_actions=0, days_since_news=None, days_since_start=0)
    assert ir.health(new) == ("at-risk", ["1 KPI never measured"])
    assert ir.health(replace(new, days_since_start=14))[0] == "at-risk"
    assert ir.health(replace(new, days_since_start=15)) == (
        "off-track",
        ["no check-in or reading ever", "1 KPI never measured"],
    )
    # Old news, but an action added three days ago: the work has started again.
    assert ir.health(facts(days_since_news=40, days_since_start=3)) == ("on-track", [])
    # ... and 56 days ago: the days the rule counted are said, not the news's 116 (a tester)
    assert ir.health(facts(days_since_news=116, days_since_start=56))[1] == [
        "no check-in or reading in the 56 days since its newest action or KPI began"
    ]


def test_an_open_alert_of_any_kind_puts_its_kpi_in_alert_once() -> None:
    # A process-signal alert on KPIs whose values are within (or only warning of) thresholds.
    level, reasons = ir.health(
        facts(kpi_statuses=("ok", "warn", "ok"), kpi_open_alerts=(True, True, False))
    )
    assert (level, reasons) == ("off-track", ["2 KPIs in alert"])
    assert ir.health(facts(kpi_open_alerts=(False,))) == ("on-track", [])


def test_a_kpi_whose_open_alerts_are_acknowledged_and_back_within_is_a_risk() -> None:
    """Acknowledged signal alerts stay open until enough readings pass without a signal: an
    initiative read "off track: 3 KPIs in alert" for weeks while each KPI said ok (a tester).
    Back within the threshold, it is on the mend; past it, or unacknowledged, in alert."""
    names = ("CFR", "Deploys", "Lead time")
    level, reasons = ir.health(
        facts(
            kpi_statuses=("ok", "warn", "alert"),
            kpi_open_alerts=(False, False, False),
            kpi_acknowledged_alerts=(True, True, True),
            kpi_names=names,
        )
    )
    assert level == "off-track"
    assert reasons == [
        "1 KPI in alert (Lead time)",
        "1 KPI with an acknowledged alert still open, its latest reading in no alert (CFR)",
        "1 KPI in warning",  # Deploys: past its warning line, said so (a tester)
    ]
    one = facts(kpi_acknowledged_alerts=(True,), kpi_names=("CFR",))
    assert ir.health(one) == (
        "at-risk",
        ["1 KPI with an acknowledged alert still open, its latest reading in no alert (CFR)"],
    )
    waiting = replace(one, kpi_open_alerts=(True,))  # another alert nobody acknowledged
    assert ir.health(waiting) == ("off-track", ["1 KPI in alert (CFR: an alert not acknowledged)"])


def test_a_kpi_on_the_mend_nobody_measured_since_is_late_too() -> None:
    """A tester's Monday: every KPI overdue in kpi list, and the initiative said only that
    they were back within the threshold with acknowledged alerts."""
    mending_and_late = facts(
        kpi_statuses=("overdue", "overdue"),
        kpi_acknowledged_alerts=(True, False),
        kpi_open_alerts=(False, False),
        kpi_names=("CFR", "Deploys"),
    )
    assert ir.health(mending_and_late) == (
        "at-risk",
        [
            "1 KPI with an acknowledged alert still open, its latest reading in no alert (CFR)",
            "2 KPIs not measured on time",
        ],
    )


def test_kpis_not_measured_blocked_and_at_risk_reports_are_risks() -> None:
    level, reasons = ir.health(facts(kpi_statuses=("overdue", "no-data"), blocked=1, at_risk=2))
    assert level == "at-risk"
    assert reasons == [
        "1 KPI not measured on time",
        "1 KPI never measured",
        "1 action blocked",
        "2 actions reported at risk",
    ]


def test_follow_up_audits_past_their_day_are_a_risk() -> None:
    assert ir.health(facts(followups_late=2)) == ("at-risk", ["2 follow-up audits past their day"])


def test_nothing_planned_is_a_risk() -> None:
    assert ir.health(facts(kpi_statuses=(), open_actions=0, days_since_news=None)) == (
        "at-risk",
        ["nothing planned: no open action, no KPI"],
    )


def test_work_with_no_kpi_to_measure_it_is_a_risk() -> None:
    """Actions on track and nothing to say whether the outcome moves: read as healthy (a
    quality manager)."""
    assert ir.health(facts(kpi_statuses=(), open_actions=3)) == (
        "at-risk",
        ["no KPI of its own measures it"],
    )
    assert ir.health(facts(kpi_statuses=("on-target",), open_actions=3)) == ("on-track", [])


def test_a_passed_objective_date_with_a_target_not_met_is_off_track() -> None:
    passed = facts(objective_date=date(2026, 9, 30))
    assert ir.health(passed) == (
        "off-track",
        ["objective date 2026-09-30 passed, target not met"],
    )
    met = facts(objective_date=date(2026, 9, 30), kpi_statuses=("on-target",))
    assert ir.health(met) == ("on-track", [])


@pytest.mark.parametrize(
    ("objective", "kpi_dates", "expected"),
    [
        ("Cut resolution time 20% by 2027-03-31", ["2027-06-30"], date(2027, 3, 31)),
        ("Cut resolution time 20% in Q3", [], date(2027, 9, 30)),  # written in November
        ("Cut resolution time 20% in Q4", [], date(2026, 12, 31)),  # this year's, not passed
        ("Escaped defects under 5 in q1 2027", [], date(2027, 3, 31)),
        ("Faster support", ["2027-01-10", None, "2027-02-01"], date(2027, 2, 1)),
        ("Faster support", [None], None),
        ("Broken date 2026-02-30 then Q4", [], date(2026, 12, 31)),
        ("Grow by 5 in 2026-13-45", [], None),
        ("Grow 5% by Q5 2026", [], None),
        # Written as people write them: the SMART check took them as dated, and the health
        # rules read none, so "passed, target not met" never came (a tester).
        ("Reduce by 5 percent before 30 June 2026", [], date(2026, 6, 30)),
        ("Reduce 5% by June 2026", [], date(2026, 6, 30)),
        ("Reduce 5% by June 30, 2026", [], date(2026, 6, 30)),
        ("Reduce 5% by 31/12/2026", [], date(2026, 12, 31)),
        ("Reduce 5% by end of 2026", [], date(2026, 12, 31)),
        ("Reduce 5% by 2027", ["2027-03-31"], date(2027, 12, 31)),
        ("Reduce 5% in H2", [], date(2026, 12, 31)),
        ("Reduce 5% by September", [], date(2027, 9, 30)),  # written in November
        ("Reduce 5% by the end of the quarter", [], date(2026, 12, 31)),
        ("Reduce 5% next quarter", [], date(2027, 3, 31)),
        ("Reduce 5% by 05/06/2026", [], None),  # May or June: not guessed
        ("Cut cost to 2000 EUR", [], None),  # a year only after "by", "in", "end of"
        ("Reduce 5% by 31 June 2026", [], None),
        # A baseline's date before the deadline: the deadline (a reviewer).
        ("Beat the March 2025 baseline by 10% by 2026-09-30", [], date(2026, 9, 30)),
        ("Cut MTTR from 40h in 2025 to 30h by Q3 2026", [], date(2026, 9, 30)),
        ("Cut 10% by the 1st of July 2027", [], date(2027, 7, 1)),
        ("Cut 10% by 2027-Q3", [], date(2027, 9, 30)),
        ("Cut 10% by 2027 Q3", [], date(2027, 9, 30)),
        ("Cut 10% by 1899-12-31", [], None),  # outside the years pdca takes
        # The demo's own objective read as undated (a tester): year end, EOY, quarter-end.
        ("Halve the failure rate by year end", ["2027-03-16"], date(2026, 12, 31)),
        ("Cut 10% by EOY", [], date(2026, 12, 31)),
        ("Cut 10% by quarter-end", [], date(2026, 12, 31)),
        ("Cut 10% by month end", [], date(2026, 11, 30)),
    ],
)
def test_the_objectives_date(objective: str, kpi_dates: list[str | None], expected) -> None:
    assert ir.objective_date(objective, kpi_dates, TODAY) == expected


@pytest.mark.parametrize(
    ("objective", "expected"),
    [
        ("Cut ticket resolution time 20% in Q3", []),
        ("Escaped defects down to 5 a month by 2027-06-30", []),
        ("Faster support", ["number", "date"]),
        ("Reduce cloud spend 15%", ["date"]),
        ("Deploy any weekday by Q2", ["number"]),  # Q2's digit is a date, not an amount
        # Written as dates, but none can be read (the objective's date is empty): warned.
        ("Grow by 5 in 2026-13-45", ["'2026-13-45' is not a date"]),
        # a day outside pdca's years is told as every other field tells it (a tester)
        ("Cut 20% by 9999-12-31", ["'9999-12-31' is out of range (1900-01-01 to 9998-12-31)"]),
        ("Cut 20% by 0001-01-01", ["'0001-01-01' is out of range (1900-01-01 to 9998-12-31)"]),
        ("Grow by 5% by Q5 2026", ["'Q5 2026' is not a date"]),
        ("Be better by Q5 2026", ["number", "'Q5 2026' is not a date"]),  # its digits: no amount
        ("Grow by 5% by 2026-02-30 or H2", []),  # H2 is a date
        ("Halve on-call pages by 2027-03-31", []),  # "halve" says how much
        # a fraction or a number in words says it too (a lead's "a quarter" was warned of)
        ("Storage spend down a quarter by 2027-03-31", []),
        ("Cut pages by two thirds by 2027-03-31", []),
        ("Cut pages by ten percent by 2027-03-31", []),
        ("Review the quarter by 2027-03-31", ["number"]),  # a quarter of the year: no amount
        ("Reduce 5% by end of 2026", []),
        ("Reduce 5% by 05/06/2026", ["'05/06/2026' is not a date"]),
        ("Cut cost to 2000 EUR", ["date"]),
        ("  ", ["none yet"]),
    ],
)
def test_objective_warnings(objective: str, expected: list[str]) -> None:
    warnings = sr.objective_warnings(objective)
    assert len(warnings) == len(expected)
    for warning, word in zip(warnings, expected, strict=True):
        assert warning.startswith("objective: ") and word in warning


def test_kpi_warnings() -> None:
    assert sr.kpi_warnings(30, 24, "2027-03-31") == []
    assert sr.kpi_warnings(30, 30, None) == [
        "target: the same as the baseline (no change asked)",
        "target date: none (by when?)",
    ]
    assert [w.split(":")[0] for w in sr.kpi_warnings(None, None, "2027-01-01")] == [
        "baseline",
        "target",
    ]


def test_action_warnings_only_past_plan_and_while_open() -> None:
    assert sr.action_warnings("plan", False, None, None) == []
    assert sr.action_warnings("do", True, None, None) == []
    assert sr.action_warnings("do", False, None, "2026-12-01") == ["owner: none, yet in Do"]
    assert sr.action_warnings("check", False, "dana", None) == ["due: none, yet in Check"]


def test_reading_warnings_after_the_cadence_and_a_days_grace() -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    created = "2026-10-01T09:00:00Z"
    assert sr.reading_warnings("2026-11-15T09:00:00Z", "weekly", created, now) == []
    assert sr.reading_warnings("2026-11-14T08:00:00Z", "weekly", created, now) == [
        "readings: none for 9 days, though weekly"
    ]
    assert sr.reading_warnings(None, "daily", created, now) == ["readings: none yet, though daily"]
    assert sr.reading_warnings(None, "monthly", "2026-11-20T09:00:00Z", now) == []


@pytest.mark.parametrize(
    "objective",
    [
        "Grow by 5 in 2026-13-45",
        "Grow 5% by Q5 2026",
        "Grow 5% by 2026-02-30",
        "Grow 5% by 2026-13",
    ],
)
def test_an_objective_whose_date_cannot_be_read_is_warned_of_it(objective: str) -> None:
    assert ir.objective_date(objective, [], TODAY) is None
    warnings = sr.objective_warnings(objective)
    assert [w for w in warnings if w.startswith("objective: no date")], warnings
