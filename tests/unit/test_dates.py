"""db/dates.py parse_date: due dates as people type them, and refusals that name field and value."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdca.db.dates import EARLIEST, LATEST, nearer_last_year, parse_date
from pdca.db.errors import InvalidInput

MONDAY = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2024-02-29", date(2024, 2, 29)),  # a real leap day
        ("1999-01-01", date(1999, 1, 1)),
        ("today", MONDAY),
        ("tomorrow", date(2026, 11, 24)),
        ("yesterday", date(2026, 11, 22)),
        ("+0d", MONDAY),
        ("+3d", date(2026, 11, 26)),
        ("+10d", date(2026, 12, 3)),  # across a month end
        ("+2w", date(2026, 12, 7)),
        ("+1m", date(2026, 12, 23)),
        ("+2m", date(2027, 1, 23)),  # across a year end
        ("+12m", date(2027, 11, 23)),
        ("-1d", date(2026, 11, 22)),
        ("-1w", date(2026, 11, 16)),
        ("-11m", date(2025, 12, 23)),
        ("+99999d", date(2300, 9, 7)),  # any number of days that lands in range
        ("+" + "0" * 5000 + "1d", date(2026, 11, 24)),  # int() refused it: a crash (a reviewer)
        ("-23d", date(2026, 10, 31)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-1-5", date(2026, 1, 5)),  # unpadded
        ("+1y", date(2027, 11, 23)),
        ("-2y", date(2024, 11, 23)),
        ("in 3 days", date(2026, 11, 26)),
        ("in 1 week", date(2026, 11, 30)),
        ("In  2  Months", date(2027, 1, 23)),
        ("in 1 year", date(2027, 11, 23)),
        ("now", MONDAY),
        ("last fri", date(2026, 11, 20)),
        ("last monday", date(2026, 11, 16)),  # never today
        ("dec 24", date(2026, 12, 24)),
        ("24 dec", date(2026, 12, 24)),
        ("December 24", date(2026, 12, 24)),
        ("sept 3", date(2027, 9, 3)),  # its next one: this year's has been
        ("nov 23", MONDAY),  # today counts
        ("nov 22", date(2027, 11, 22)),
        ("dec 24 2027", date(2027, 12, 24)),
        ("Dec 24, 2027", date(2027, 12, 24)),
        ("24 dec 2027", date(2027, 12, 24)),
        ("feb 29", date(2028, 2, 29)),  # the next leap day
        ("eoy", date(2026, 12, 31)),
        ("sow", MONDAY),  # a Monday: itself
        ("som", date(2026, 11, 1)),
        ("soy", date(2026, 1, 1)),
        ("2027/01/05", date(2027, 1, 5)),  # the year first: ISO's order, another separator
        ("2027.1.5", date(2027, 1, 5)),
    ],
)
def test_the_forms_a_taskwarrior_user_types(text: str, expected: date) -> None:
    """eoy, in 3 days, dec 24, 2027-1-5, +1y... were each refused (a power user's morning)."""
    assert parse_date(text, MONDAY) == expected


def test_a_month_and_day_looking_back_is_its_last_one() -> None:
    assert parse_date("nov 24", MONDAY, back=True) == date(2025, 11, 24)
    assert parse_date("nov 23", MONDAY, back=True) == MONDAY
    assert parse_date("feb 29", MONDAY, back=True) == date(2024, 2, 29)
    assert parse_date("sow", date(2026, 11, 29)) == MONDAY  # a Sunday: its week's Monday


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("nov 20", True),  # three days gone: its next is a year on
        ("20 Nov", True),
        ("nov 23", False),  # today
        ("nov 24", False),  # tomorrow
        ("jan 15", False),  # next month but one, its last ten months gone
        ("may 20", False),  # 178 days ahead: the nearer still
        ("may 30", True),  # 188 days ahead, its last 177 days gone
        ("nov 20 2027", False),  # the year written
        ("+360d", False),  # not a day named without its year
        ("fri", False),
        ("feb 29", False),  # 2028's, nearer than 2024's (a retrial: "write 2024-02-29")
    ],
)
def test_a_day_without_its_year_is_said_when_its_last_is_nearer(text: str, said: bool) -> None:
    """A lead's "Dec 3", three days after it, came in due a year later without a word: which
    such days are said where they are taken."""
    taken = parse_date(text, MONDAY)
    assert nearer_last_year(text, taken, MONDAY) is said


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2026, 1, 31), "+1m", date(2026, 2, 28)),  # the month is shorter: its last day
        (date(2028, 1, 31), "+1m", date(2028, 2, 29)),  # a leap year
        (date(2026, 3, 31), "+1m", date(2026, 4, 30)),
        (date(2026, 3, 31), "-1m", date(2026, 2, 28)),
        (date(2026, 12, 31), "+2m", date(2027, 2, 28)),
        (date(2026, 1, 30), "+1m", date(2026, 2, 28)),
        (date(2026, 1, 28), "+1m", date(2026, 2, 28)),
        (date(2026, 5, 31), "+1m", date(2026, 6, 30)),
    ],
)
def test_months_clamp_to_the_end_of_a_shorter_month(today: date, text: str, expected: date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tue", date(2026, 11, 24)),
        ("tuesday", date(2026, 11, 24)),
        ("wed", date(2026, 11, 25)),
        ("wedn", date(2026, 11, 25)),
        ("thu", date(2026, 11, 26)),
        ("thurs", date(2026, 11, 26)),
        ("fri", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ("sat", date(2026, 11, 28)),
        ("sun", date(2026, 11, 29)),
        ("sunday", date(2026, 11, 29)),
        # Today is Monday: "mon" is next week's Monday, never today.
        ("mon", date(2026, 11, 30)),
        ("monday", date(2026, 11, 30)),
    ],
)
def test_weekday_names_and_prefixes_mean_the_next_occurrence(text: str, expected: date) -> None:
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (MONDAY, "eow", date(2026, 11, 27)),  # this Friday
        (date(2026, 11, 27), "eow", date(2026, 11, 27)),  # on a Friday: today
        (date(2026, 11, 28), "eow", date(2026, 12, 4)),  # at the weekend: next week's
        (MONDAY, "eom", date(2026, 11, 30)),
        (date(2027, 2, 10), "EOM", date(2027, 2, 28)),
        (date(2026, 12, 3), "eom", date(2026, 12, 31)),
        (date(9998, 12, 1), "eom", LATEST),  # refused as out of range (a tester)
        (MONDAY, "next fri", date(2026, 12, 4)),  # that day of next week, not this Friday
        (MONDAY, "next monday", date(2026, 11, 30)),
        (date(2026, 11, 29), "next mon", date(2026, 11, 30)),  # a Sunday: tomorrow's week
        (date(2026, 11, 25), "next  Wed ", date(2026, 12, 2)),
    ],
)
def test_the_end_of_the_week_or_month_and_next_weeks_days(
    today: date, text: str, expected: date
) -> None:
    """What a Taskwarrior or Linear user types (a tester's "eow" and "next monday" were
    refused)."""
    assert parse_date(text, today) == expected


@pytest.mark.parametrize("offset", range(7))
def test_a_weekday_is_always_one_to_seven_days_ahead(offset: int) -> None:
    today = date(2026, 11, 23 + offset)
    for name in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        result = parse_date(name, today)
        assert 1 <= (result - today).days <= 7
        assert result.strftime("%a").lower() == name
    same_day = today.strftime("%a").lower()
    assert (parse_date(same_day, today) - today).days == 7


@pytest.mark.parametrize("offset", range(7))
def test_looking_back_a_weekday_is_one_to_seven_days_before(offset: int) -> None:
    """``--since monday``: the last Monday ("later than now" was said, a lead)."""
    today = date(2026, 11, 23 + offset)
    for name in ("monday", "tue", "wed", "thu", "fri", "sat", "sun"):
        result = parse_date(name, today, "since", back=True)
        assert 1 <= (today - result).days <= 7
        assert result.strftime("%a").lower() == name[:3]
    assert parse_date("yesterday", today, back=True) == today - timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TODAY", MONDAY),
        ("  Tomorrow ", date(2026, 11, 24)),
        ("\tFriday\n", date(2026, 11, 27)),
        ("FRI", date(2026, 11, 27)),
        (" +3D ", date(2026, 11, 26)),
        ("+2W", date(2026, 12, 7)),
        (" 2026-12-01 ", date(2026, 12, 1)),
    ],
)
def test_case_and_surrounding_whitespace_do_not_matter(text: str, expected: date) -> None:
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2026-02-30", "is not a real date"),
        ("2026-13-01", "is not a real date"),
        ("2026-00-10", "is not a real date"),
        ("2025-02-29", "is not a real date"),  # not a leap year
        ("someday", "is not a date"),
        ("", "is not a date"),
        ("   ", "is not a date"),
        ("+d", "is not a date"),
        ("+3", "is not a date"),
        ("3d", "is not a date"),
        ("+3x", "is not a date"),
        ("+-3d", "is not a date"),
        ("+99999999d", "is out of range"),  # well-formed: past any date, said as such
        ("+520000w", "is out of range"),
        ("+99999999999999999999999d", "is out of range"),
        ("fr", "is not a date"),  # too short to be a weekday
        ("fridays", "is not a date"),
        ("2026-1-32", "is not a real date"),
        ("2026/12-01", "is not a date"),  # two separators
        ("2026/13/01", "is not a real date"),
        # January 15th, the only reading: said as ISO, never taken (the order differs by country)
        (
            "01/15/2027",
            "is no date pdca takes (the order of day and month differs by country):"
            " write 2027-01-15",
        ),
        ("12/12/2026", "is no date pdca takes: write 2026-12-12"),
        (
            "05.01.2027",
            "could be 2027-01-05 or 2027-05-01 (the day or the month first, by"
            " country): write the one you mean as YYYY-MM-DD",
        ),
        ("31/31/2027", "is not a real date"),
        ("feb 30", "is not a real date"),
        ("ma 3", "is not a date"),  # may or march
        ("in 3 fortnights", "is not a date"),
        ("last week", "is not a date"),
        ("next fr", "is not a date"),  # too short after "next"
        ("next week", "is not a date"),
    ],
)
def test_impossible_dates_raise_invalid_input_naming_field_and_value(text: str, why: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, MONDAY)
    error = caught.value
    assert error.field == "due"
    assert error.value == text
    message = str(error)
    assert message.startswith(f"due: {text!r} ")
    assert why in message
    assert "\n" not in message


def test_the_field_name_is_the_one_given() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date("2026-02-30", MONDAY, "target-date")
    assert str(caught.value) == "target-date: '2026-02-30' is not a real date"


def test_a_month_offset_past_year_9999_is_out_of_range() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date("+9999m", date(9990, 1, 1))
    assert str(caught.value) == "due: '+9999m' is out of range (1900-01-01 to 9998-12-31)"


@pytest.mark.parametrize(
    ("text", "today"),
    [
        ("+9999w", date(9998, 1, 1)),  # past anything Python's dates hold
        ("+1d", date(9998, 12, 31)),
        ("-1d", date(1900, 1, 1)),
        ("9999-12-31", date(2026, 12, 1)),
        ("1899-12-31", date(2026, 12, 1)),
        ("0001-01-01", date(2026, 12, 1)),
    ],
)
def test_dates_outside_the_years_pdca_takes_are_refused(text: str, today: date) -> None:
    with pytest.raises(InvalidInput, match="out of range"):
        parse_date(text, today)


@pytest.mark.parametrize("text", ["２０２６-01-01", "+３d", "٢٠٢٦-01-01"])
def test_dates_are_written_in_ascii_digits(text: str) -> None:
    with pytest.raises(InvalidInput, match="is not a date"):
        parse_date(text, date(2026, 12, 1))


@given(st.text(max_size=30), st.dates())
def test_any_text_is_a_date_in_range_or_one_invalid_input(text: str, today: date) -> None:
    try:
        parsed = parse_date(text, today)
    except InvalidInput as error:
        assert "\n" not in str(error)
    else:
        assert EARLIEST <= parsed <= LATEST
