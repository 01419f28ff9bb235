"""The pure PDCA rules in db/rules.py: phase gates, completion, overdue, staleness."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pdca.db import rules
from pdca.db.models import DECISIONS, PHASES, VERDICTS, Phase
from pdca.db.rules import (
    MoveFacts,
    completion_problem,
    days_since,
    is_overdue,
    is_stale,
    move_problem,
)

READY = MoveFacts(phase="plan", done=False, owner="dana", due="2026-12-01", progress_since_do=1)


def facts(phase: Phase, **changes: object) -> MoveFacts:
    return READY._replace(phase=phase, **changes)


# --------------------------------------------------------------------------- phase order


def test_phase_neighbours() -> None:
    assert [rules.next_phase(p) for p in PHASES] == ["do", "check", "act", None]
    assert [rules.previous_phase(p) for p in PHASES] == [None, "plan", "do", "check"]
    assert [rules.phase_index(p) for p in PHASES] == [0, 1, 2, 3]


# --------------------------------------------------------------------------- forward moves


@pytest.mark.parametrize(
    ("start", "target"),
    [("plan", "do"), ("do", "check"), ("check", "act")],
)
def test_one_step_forward_with_its_gate_met_is_allowed(start: Phase, target: Phase) -> None:
    assert move_problem(facts(start), target, "worked") is None


@pytest.mark.parametrize(
    ("start", "target"),
    [("plan", "check"), ("plan", "act"), ("do", "act")],
)
def test_skipping_a_phase_is_refused_naming_the_next_one(start: Phase, target: Phase) -> None:
    problem = move_problem(facts(start), target, "worked")
    assert problem is not None
    assert "one at a time" in problem
    assert f"moves next to {rules.next_phase(start)}" in problem


@pytest.mark.parametrize("phase", PHASES)
def test_moving_to_the_same_phase_is_refused(phase: Phase) -> None:
    problem = move_problem(facts(phase), phase, "worked")
    assert problem == f"it is already in {phase.capitalize()}"


# --------------------------------------------------------------------------- Plan -> Do


@pytest.mark.parametrize(
    ("owner", "due", "missing"),
    [
        (None, "2026-12-01", ["an owner"]),
        ("dana", None, ["a due date"]),
        (None, None, ["an owner", "a due date"]),
        ("", "", ["an owner", "a due date"]),
    ],
)
def test_plan_to_do_needs_owner_and_due(
    owner: str | None, due: str | None, missing: list[str]
) -> None:
    problem = move_problem(facts("plan", owner=owner, due=due), "do", None)
    assert problem == "Do needs " + " and ".join(missing)


def test_plan_to_do_ignores_progress_and_verdict() -> None:
    assert move_problem(facts("plan", progress_since_do=0), "do", None) is None


# --------------------------------------------------------------------------- Do -> Check


def test_do_to_check_needs_progress_since_do() -> None:
    problem = move_problem(facts("do", progress_since_do=0), "check", None)
    assert problem is not None
    assert "check-in or KPI reading" in problem


@pytest.mark.parametrize("progress", [1, 2, 50])
def test_do_to_check_with_any_progress_is_allowed(progress: int) -> None:
    assert move_problem(facts("do", progress_since_do=progress), "check", None) is None


def test_do_to_check_does_not_need_a_verdict() -> None:
    assert move_problem(facts("do"), "check", None) is None


# --------------------------------------------------------------------------- Check -> Act


def test_check_to_act_needs_a_verdict() -> None:
    problem = move_problem(facts("check"), "act", None)
    assert problem is not None
    assert "verdict" in problem
    for verdict in VERDICTS:
        assert verdict in problem


@pytest.mark.parametrize("verdict", VERDICTS)
def test_check_to_act_with_each_verdict(verdict: str) -> None:
    assert move_problem(facts("check"), "act", verdict) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------- backwards, done


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("do", "plan"),
        ("check", "plan"),
        ("check", "do"),
        ("act", "plan"),
        ("act", "do"),
        ("act", "check"),
    ],
)
def test_backward_moves_are_free(start: Phase, target: Phase) -> None:
    bare = facts(start, owner=None, due=None, progress_since_do=0)
    assert move_problem(bare, target, None) is None


@pytest.mark.parametrize("start", PHASES)
@pytest.mark.parametrize("target", PHASES)
def test_a_done_action_cannot_move_anywhere(start: Phase, target: Phase) -> None:
    assert move_problem(facts(start, done=True), target, "worked") == "it is done"


# --------------------------------------------------------------------------- completion


@pytest.mark.parametrize("decision", ["standardize", "adjust"])
def test_standardize_and_adjust_are_decided_in_act(decision: str) -> None:
    assert completion_problem("act", False, decision) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("decision", ["standardize", "adjust"])
@pytest.mark.parametrize("phase", ["plan", "do", "check"])
def test_standardize_and_adjust_outside_act_are_refused(phase: Phase, decision: str) -> None:
    problem = completion_problem(phase, False, decision)  # type: ignore[arg-type]
    assert problem is not None
    assert f"{decision} is decided in Act" in problem
    assert phase.capitalize() in problem
    assert "abandon works anywhere" in problem


@pytest.mark.parametrize("phase", ["plan", "do", "check"])
def test_a_round_of_repeating_work_is_standardized_wherever_it_is(phase: Phase) -> None:
    """Its routine is the standard: a weekly review took five commands to finish, or was
    counted as abandoned (two testers). Adjust still comes from Act."""
    assert completion_problem(phase, False, "standardize", repeat=True) is None
    problem = completion_problem(phase, False, "adjust", repeat=True)
    assert problem is not None and "standardize (a repeat's round) and abandon work" in problem


@pytest.mark.parametrize("phase", PHASES)
def test_abandon_works_in_every_phase(phase: Phase) -> None:
    assert completion_problem(phase, False, "abandon") is None


@pytest.mark.parametrize("phase", PHASES)
def test_done_needs_a_decision(phase: Phase) -> None:
    problem = completion_problem(phase, False, None)
    assert problem is not None
    assert "needs a decision" in problem
    for decision in DECISIONS:
        assert decision in problem


@pytest.mark.parametrize("decision", [*DECISIONS, None])
def test_an_action_is_done_only_once(decision: str | None) -> None:
    assert completion_problem("act", True, decision) == "it is done already"  # type: ignore[arg-type]


# --------------------------------------------------------------------------- overdue


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("due", "done", "expected"),
    [
        ("2026-11-22", False, True),
        ("2025-01-01", False, True),
        ("2026-11-23", False, False),  # due today is not overdue yet
        ("2026-11-24", False, False),
        (None, False, False),
        ("", False, False),
        ("2026-11-22", True, False),  # a done action is never overdue
    ],
)
def test_is_overdue(due: str | None, done: bool, expected: bool) -> None:
    assert is_overdue(due, done, TODAY) is expected


def test_is_overdue_compares_dates_across_years() -> None:
    assert is_overdue("2026-12-31", False, date(2027, 1, 1)) is True
    assert is_overdue("2027-01-01", False, date(2026, 12, 31)) is False


# --------------------------------------------------------------------------- days since, stale


NOW = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-23T09:00:00Z", 0),
        ("2026-11-23T00:00:00Z", 0),  # earlier today
        ("2026-11-22T23:59:59Z", 1),  # last night, nine hours ago: yesterday
        ("2026-11-22T09:00:01Z", 1),
        ("2026-11-22T00:00:00Z", 1),
        ("2026-11-21T23:59:59Z", 2),
        ("2026-11-16T09:00:00Z", 7),
        ("2026-11-16T08:59:59Z", 7),
        ("2026-11-15T23:00:00Z", 8),
        ("2025-11-23T09:00:00Z", 365),
        ("2026-11-24T09:00:00Z", 0),  # a time in the future never counts as negative
        ("2026-11-22T09:00:00+00:00", 1),
    ],
)
def test_days_since(moment: str, expected: int) -> None:
    """Calendar days in the local timezone (the tests run in UTC)."""
    assert days_since(moment, NOW) == expected


def test_days_since_follows_the_local_calendar(monkeypatch) -> None:
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        # 09:00 UTC is 04:00 in New York; 03:00 UTC was 22:00 there the evening before.
        assert days_since("2026-11-23T03:00:00Z", NOW) == 1
        assert days_since("2026-11-23T06:00:00Z", NOW) == 0
    finally:
        monkeypatch.undo()
        time.tzset()


def test_checkin_words() -> None:
    assert rules.checkin_words(None, 0) == "no check-in"
    assert rules.checkin_words(None, 5) == "no check-in"  # days counted from creation
    assert rules.checkin_words("x", 0) == "today"
    assert rules.checkin_words("x", 1) == "yesterday"
    assert rules.checkin_words("x", 9) == "9 days ago"


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, False), (6, False), (7, False), (8, True), (30, True)],
)
def test_is_stale_at_the_seven_day_boundary(days: int, expected: bool) -> None:
    assert rules.STALE_AFTER_DAYS == 7
    assert is_stale(days, done=False) is expected


def test_done_actions_are_never_stale() -> None:
    assert is_stale(100, done=True) is False


def test_stale_cadence_can_be_shortened() -> None:
    assert is_stale(2, done=False, cadence_days=1) is True
    assert is_stale(1, done=False, cadence_days=1) is False


@pytest.mark.parametrize(
    ("moment", "stale"),
    [
        ("2026-11-16T00:00:00Z", False),  # 7 calendar days ago, at its first second
        ("2026-11-15T23:59:59Z", True),  # 8 calendar days ago, though 7 days 9 hours
        ("2026-11-15T09:00:00Z", True),
    ],
)
def test_stale_counts_the_calendar_days_a_card_shows(moment: str, stale: bool) -> None:
    """A card read "8 days ago" and was not stale, counted in whole 24-hour days, and
    ``pdca list --stale`` found nothing (a tester): the days people read decide. The SQL
    bound (``stale_cutoff``) agrees with the rule to the second."""
    days = rules.days_since(moment, NOW)
    assert is_stale(days, done=False) is stale
    cutoff = rules.stale_cutoff(NOW, rules.STALE_AFTER_DAYS).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (moment <= cutoff) is stale


@pytest.mark.parametrize(
    "zone", ["UTC", "America/New_York", "America/Santiago", "Africa/Cairo", "Asia/Kolkata"]
)
def test_the_stale_bound_agrees_with_the_cards_days_every_day_of_the_year(
    monkeypatch, zone: str
) -> None:
    """The SQL bound (``stale_cutoff``) and the rule on the days a card shows must agree to
    the second on every day: where summer time starts at midnight (Santiago, Cairo) that
    midnight does not exist, the bound came out an hour early, and a card said stale while
    ``list --stale`` left it out (a reviewer)."""
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        start = datetime(2026, 1, 1, 15, 0, tzinfo=UTC)
        for day in range(366):
            now = start + timedelta(days=day)
            bound = rules.stale_cutoff(now, 7)
            for second in (0, 1):  # the bound itself (stale) and the second after (fresh)
                moment = (bound + timedelta(seconds=second)).astimezone(UTC)
                sign = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
                said = is_stale(rules.days_since(sign, now), done=False)
                assert said is (second == 0), (zone, now, sign)
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (None, "never"),
        ("2026-11-23T08:59:30Z", "just now"),
        ("2026-11-23T08:15:00Z", "45m ago"),
        ("2026-11-23T00:00:00Z", "9h ago"),  # the same day: in hours
        # an earlier day, as the card says it: "23h ago" beside "yesterday" (a trial)
        ("2026-11-22T10:00:00Z", "yesterday"),
        ("2026-11-22T23:50:00Z", "yesterday"),
        ("2026-11-21T09:00:00Z", "2d ago"),
        ("2026-11-15T23:59:59Z", "8d ago"),  # 7 days 9 hours, eight calendar days: as stale says
        ("yesterday", "?"),
    ],
)
def test_ago_words_count_calendar_days_past_a_day(moment: str | None, words: str) -> None:
    """The owners' and the log's "Nd ago", in the app and on the command line alike: the
    app's counted 24-hour days and said "7d ago" of a row counted stale (a tester)."""
    assert rules.ago_words(moment, NOW) == words


def test_ago_words_on_the_day_clocks_go_back_say_the_same_day_in_hours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check-in at 00:30 CEST on 25 October, seen at 23:59 CET: 25 hours on one calendar
    day. It read "1d ago" beside a card saying "today" (a trial)."""
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        now = datetime(2026, 10, 25, 22, 59, tzinfo=UTC)
        assert rules.ago_words("2026-10-24T22:30:00Z", now) == "24h ago"
        assert rules.days_since("2026-10-24T22:30:00Z", now) == 0  # the card's "today"
    finally:
        monkeypatch.undo()
        time.tzset()
