"""The repeat rules, pure: the --every grammar and the dates a rule falls on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdca.db import recurrence_rules as rr
from pdca.db.errors import InvalidInput

FORMS = [
    "day",
    "3 days",
    "weekdays",
    "week mon,thu",
    "2 weeks fri",
    "month 15",
    "month last",
    "month last-fri",
    "after 7 days",
    "week",
    "month",
    "2 months 31",
]


@pytest.mark.parametrize("text", FORMS)
def test_every_documented_form_parses_and_reads_back(text: str) -> None:
    rule = rr.parse(text)
    assert rr.parse(rule.text()) == rule


def test_spelling_is_forgiving_about_case_plurals_and_spaces() -> None:
    assert rr.parse("Week  Mon, Thu") == rr.parse("week mon,thu")
    assert rr.parse("1 week monday") == rr.Rule("weeks", 1, weekdays=(0,))
    assert rr.parse("after 2 weeks") == rr.Rule("after", 14)
    # Monday to Friday, as Taskwarrior spells it: refused before, naming no form that fit
    assert rr.parse(" Weekdays ") == rr.parse("week mon,tue,wed,thu,fri") == rr.parse("weekday")
    assert rr.parse("weekdays").text() == "week mon,tue,wed,thu,fri"


@pytest.mark.parametrize(
    "text",
    ["", "weakly", "month 32", "month 0", "after", "after 3 days mon", "week funday", "0 days",
     "367 days", "after 2 months", "3 days mon", "week mon,,thu", "month last-xyz"],
)  # fmt: skip
def test_bad_text_is_one_message_naming_the_forms(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        rr.parse(text)
    message = str(caught.value)
    assert message.startswith("--every: ")
    assert "week mon,thu" in message and "\n" not in message


def test_a_day_named_twice_is_refused_but_read_back_from_a_file() -> None:
    """As ``--escalate-to alice,alice`` is refused (a tester's ``week mon,mon`` was taken
    as ``week mon``); a rule an older pdca stored that way keeps working."""
    with pytest.raises(InvalidInput) as caught:
        rr.parse("week mon,thu,monday")
    assert str(caught.value) == "--every: 'week mon,thu,monday' names monday twice"
    assert rr.parse("week mon,mon", stored=True) == rr.Rule("weeks", 1, weekdays=(0,))


def test_the_31st_falls_on_each_months_last_day_when_shorter() -> None:
    rule = rr.parse("month 31")
    anchor = date(2026, 1, 31)
    days, day = [], anchor
    for _ in range(4):
        day = rr.next_after(rule, anchor, day)
        days.append(day)
    assert days == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]


def test_leap_years_give_february_its_29th() -> None:
    rule = rr.parse("month 30")
    assert rr.next_after(rule, date(2028, 1, 30), date(2028, 1, 30)) == date(2028, 2, 29)
    assert rr.next_after(rule, date(2027, 1, 30), date(2027, 1, 30)) == date(2027, 2, 28)
    assert rr.next_after(rr.parse("month last"), date(2100, 1, 1), date(2100, 1, 31)) == date(
        2100, 2, 28
    )  # 2100 is not a leap year


def test_last_weekday_of_the_month() -> None:
    rule = rr.parse("month last-fri")
    assert rr.next_after(rule, date(2026, 1, 1), date(2026, 1, 1)) == date(2026, 1, 30)
    assert rr.next_after(rule, date(2026, 1, 1), date(2026, 1, 30)) == date(2026, 2, 27)
    assert rr.next_after(rr.parse("month last-sun"), date(2026, 5, 1), date(2026, 5, 1)) == date(
        2026, 5, 31
    )


def test_every_two_weeks_counts_from_the_first_due_week() -> None:
    rule = rr.parse("2 weeks fri")
    anchor = date(2026, 12, 4)  # a Friday
    assert rr.next_after(rule, anchor, anchor) == date(2026, 12, 18)
    assert rr.next_after(rule, anchor, date(2026, 12, 18)) == date(2027, 1, 1)  # across a year


def test_week_without_days_takes_the_first_due_dates_weekday() -> None:
    anchor = date(2026, 12, 2)  # a Wednesday
    assert rr.next_after(rr.parse("week"), anchor, anchor) == date(2026, 12, 9)


def test_dates_are_plain_days_across_daylight_saving_changes() -> None:
    # 2026-03-29 and 2026-10-25 are the EU clock changes: a day is a day.
    rule = rr.parse("day")
    assert rr.next_after(rule, date(2026, 3, 28), date(2026, 3, 28)) == date(2026, 3, 29)
    assert rr.next_after(rule, date(2026, 10, 24), date(2026, 10, 25)) == date(2026, 10, 26)


def test_after_done_counts_from_the_day_it_was_done() -> None:
    assert rr.next_after(rr.parse("after 7 days"), date(2026, 1, 1), date(2026, 2, 26)) == date(
        2026, 3, 5
    )


def test_catching_up_after_weeks_gives_the_latest_date_only() -> None:
    rule = rr.parse("week mon")
    anchor = date(2026, 1, 5)
    assert rr.latest_due(rule, anchor, date(2026, 1, 12), date(2026, 3, 4)) == date(2026, 3, 2)
    assert rr.latest_due(rule, anchor, date(2026, 1, 12), date(2026, 1, 12)) == date(2026, 1, 12)
    assert rr.latest_due(rr.parse("3 days"), anchor, date(2026, 1, 8), date(2026, 1, 31)) == date(
        2026, 1, 29
    )


rules = st.sampled_from([r for r in FORMS if not r.startswith("after")]).map(rr.parse)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))


@given(rules, days, st.integers(min_value=0, max_value=800))
def test_next_is_after_and_on_the_rule(rule: rr.Rule, anchor: date, offset: int) -> None:
    after = anchor + timedelta(days=offset)
    following = rr.next_after(rule, anchor, after)
    assert following > after
    fixed = rr.anchored(rule, anchor)
    if fixed.kind == "weeks":
        assert following.weekday() in fixed.weekdays
    if fixed.kind == "months":
        assert following == rr.day_in_month(fixed, following.year, following.month)
    if fixed.kind == "days":
        assert (following - anchor).days % fixed.every == 0
    # Nothing the rule falls on is skipped: no date of the rule lies between.
    assert rr.latest_due(rule, anchor, following, following) == following


@given(
    rules, days, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400)
)
def test_catch_up_is_a_date_of_the_rule_at_most_today(
    rule: rr.Rule, anchor: date, start: int, wait: int
) -> None:
    next_due = rr.first_on_or_after(rule, anchor, anchor + timedelta(days=start))
    today = next_due + timedelta(days=wait)
    latest = rr.latest_due(rule, anchor, next_due, today)
    assert next_due <= latest <= today
    assert rr.next_after(rule, anchor, latest) > today
    assert rr.first_on_or_after(rule, anchor, latest) == latest


@pytest.mark.parametrize(
    ("text", "limit"),
    [("367 days", "1..366"), ("53 weeks", "1..52"), ("after 53 weeks", "1..52"),
     ("after 367 days", "1..366"), ("13 months", "1..12"), ("200 months", "1..12")],
)  # fmt: skip
def test_n_beyond_a_year_is_refused_naming_the_limit(text: str, limit: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        rr.parse(text)
    most = f"at most {limit.removeprefix('1..')} "
    assert most in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["366 days", "52 weeks fri", "after 52 weeks", "12 months 31"])
def test_the_longest_rules_read_back_as_themselves(text: str) -> None:
    rule = rr.parse(text)
    assert rr.parse(rule.text()) == rule  # "after 52 weeks" is stored as "after 364 days"


def test_a_stored_rule_is_read_without_the_limits_but_with_the_grammar() -> None:
    # What an older pdca saved ("after 53 weeks" became "after 371 days") still reads.
    assert rr.parse("after 371 days", stored=True) == rr.Rule("after", 371)
    assert rr.parse("200 months", stored=True) == rr.Rule("months", 200)
    with pytest.raises(InvalidInput):
        rr.parse("fortnightly", stored=True)


END = date(9998, 12, 31)


@pytest.mark.parametrize(
    ("text", "anchor", "after"),
    [("200 months", date(9998, 6, 1), date(9998, 6, 1)),
     ("366 weeks", date(9998, 6, 1), date(9998, 6, 1)),
     ("12 months", date(9998, 6, 1), date(9998, 6, 1)),
     ("after 9999 days", date(9998, 6, 1), date(9998, 6, 1)),
     ("day", date(9998, 6, 1), END),
     ("week", date(9998, 12, 1), date(9998, 12, 29)),
     ("month last", date(9998, 11, 30), END)],
)  # fmt: skip
def test_a_rule_ends_rather_than_pass_the_last_date(text: str, anchor: date, after: date) -> None:
    rule = rr.parse(text, stored=True)
    assert rr.next_after(rule, anchor, after) is None
    assert rr.first_date(rule, after) is None or rr.first_date(rule, after) <= END


@given(
    st.sampled_from([*FORMS, "9999 days", "9999 weeks mon", "9999 months last-fri"]),
    st.dates(min_value=date(9990, 1, 1), max_value=END),
    st.integers(min_value=0, max_value=4000),
)
def test_near_the_end_nothing_crashes_or_passes_it(text: str, anchor: date, offset: int) -> None:
    rule = rr.parse(text, stored=True)
    after = anchor + timedelta(days=min(offset, (END - anchor).days))
    following = rr.next_after(rule, anchor, after)
    assert following is None or after < following <= END
    if following is not None:
        assert rr.latest_due(rule, anchor, following, END) <= END


def test_the_first_date_is_the_first_match_from_today_whatever_the_rhythm() -> None:
    monday = date(2026, 11, 2)
    assert rr.first_date(rr.parse("2 months 1"), monday) == date(2026, 12, 1)  # not 2027-01-01
    assert rr.first_date(rr.parse("2 weeks mon"), monday + timedelta(days=1)) == date(2026, 11, 9)
    assert rr.first_date(rr.parse("3 days"), monday) == monday
    assert rr.first_date(rr.parse("month 2"), monday) == monday
    # An "after" rule's first one: N days from today, as if one had been done today.
    assert rr.first_date(rr.parse("after 2 weeks"), monday) == date(2026, 11, 16)
    # Then the rhythm counts from that first date.
    first = date(2026, 12, 1)
    assert rr.next_after(rr.parse("2 months 1"), first, first) == date(2027, 2, 1)


def test_the_forms_repeat_hint_shows_the_dates_a_save_would_give() -> None:
    from pdca.widgets.forms import repeat_hint

    monday = date(2026, 11, 2)
    assert repeat_hint("2 months 1", "", monday).startswith("→ Tue Dec 01, then Mon Feb 01")
    assert (
        repeat_hint("after 7 days", "", monday)
        == "→ first Mon Nov 09, then 7 days after each is done"
    )
    assert repeat_hint("month 31", "", date(9998, 12, 31)) == "→ Thu Dec 31, the last one"


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("every monday", "week mon"),
        ("Monday", "week mon"),
        ("mon, thu", "week mon,thu"),
        ("weekly", "week"),
        ("daily", "day"),
        ("monthly", "month"),
        ("every 2 weeks fri", "2 weeks fri"),
        ("every weekday", "weekdays"),
    ],
)
def test_a_rule_as_people_say_it_means_its_form(said: str, meant: str) -> None:
    """ "every monday" and "weekly" were refused (a new user, a tester): the words people use
    for a rhythm read as the form they mean; "monthly" is no Monday."""
    assert rr.parse(said) == rr.parse(meant)


@pytest.mark.parametrize("text", ["every", "mo", "mon,funday", "every every day", "month,mon"])
def test_words_that_are_no_rhythm_are_still_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        rr.parse(text)
