"""Due dates as people type them: ``2026-12-01`` (or ``2026-12-1``), ``today``, ``+3d``,
``+2w``, ``+1m``, ``+1y`` (or ``in 3 days``), ``fri``, ``next fri`` (that day of next week),
``last fri``, ``dec 24`` (``24 dec``, ``dec 24 2027``), ``eow`` (this Friday), ``eom`` and
``eoy`` (the month's and the year's end), ``sow``, ``som`` and ``soy`` (their starts).

The forms a Taskwarrior user types every day (a power user's morning): refused, each sent them
to the README. Month names are English whatever the locale, as the weekdays are. A date with
slashes (``01/02/2027``) stays refused: January 2nd or February 1st, by where one lives; the
refusal names the ISO day of each reading. The year first (``2027/01/05``, ``2027.01.05``)
is read as ISO, whatever the separator: no one writes the day between year and month."""

from __future__ import annotations

from datetime import date, timedelta

from pdca.db.errors import InvalidInput
from pdca.db.lazy_pattern import lazy_pattern

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
_RELATIVE = lazy_pattern(r"^([+-])([0-9]+)([dwmy])$")
_IN = lazy_pattern(r"^in ([0-9]+) (day|week|month|year)s?$")  # "in 3 days"
# 2027-01-05, 2027-1-5, 2027/01/05, 2027.01.05 (one separator throughout)
_ISO = lazy_pattern(r"^([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})$")
# 05/01/2027, 5.1.2027: the 5th of January or May 1st, by where one lives
_DAY_FIRST_OR_MONTH = lazy_pattern(r"^([0-9]{1,2})([/.])([0-9]{1,2})\2([0-9]{4})$")
_ISO_T = lazy_pattern(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t")  # 2026-12-01T17:00
_MONTH_DAY = lazy_pattern(r"^([a-z]{3,9})\.? ([0-9]{1,2})(?:,? ([0-9]{4}))?$")  # dec 24 [2027]
_DAY_MONTH = lazy_pattern(r"^([0-9]{1,2}) ([a-z]{3,9})\.?(?: ([0-9]{4}))?$")  # 24 dec [2027]
# How other tools' exports write a day: Jira's CSV as 01/Dec/26 12:00 AM (the month by name,
# so not the refused 01/02/2027), many as an ISO day with a time. A programme lead's Jira
# export was refused row by row (a trial).
_EXPORTED_DAY = lazy_pattern(r"^([0-9]{1,2})/([a-z]{3})/([0-9]{2}|[0-9]{4})$")
_EXPORTED_TIME = lazy_pattern(
    r"^(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.[0-9]+)?)?"
    r"(?: ?(?P<half>[ap]m))?(?:z|[+-][0-9]{2}:?[0-9]{2})?$"
)
NOT_A_DATE = (
    "is not a date (use YYYY-MM-DD, today, tomorrow, yesterday, +3d, +2w, +1m, +1y,"
    " in 3 days, a weekday, next fri, last fri, dec 24, eow, eom, eoy, sow, som or soy)"
)

# Every date and time pdca takes in lies in these years. Far enough out for any plan, and a
# year inside what Python and ISO-8601 can hold, so the arithmetic done on a stored date (the
# day after, a window of 90 days, the next month) can never overflow.
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)
OUT_OF_RANGE = f"is out of range ({EARLIEST} to {LATEST})"


def in_range(day: date, text: str, field: str) -> date:
    """``day``, or an ``InvalidInput`` when it lies outside the years pdca takes."""
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(field, text, OUT_OF_RANGE)
    return day


def parse_date(text: str, today: date, field: str = "due", *, back: bool = False) -> date:
    """Turn what a person typed into a date; anything else is an ``InvalidInput`` naming the field.

    A weekday name means its next occurrence after today (``fri`` on a Friday is a week away),
    which is what "due friday" means in conversation. Looking ``back`` (``--since``), it means
    the last one before today: "since monday" was refused as later than now (a lead).
    """
    try:
        return in_range(_parse(text, today, field, back), text, field)
    except OverflowError:  # "+9999w" from a late today: past any date Python holds
        raise InvalidInput(field, text, OUT_OF_RANGE) from None


def nearer_last_year(text: str, taken: date, today: date) -> bool:
    """Whether ``text`` named a day without its year (``dec 3``) whose last occurrence lies
    nearer today than the next one it was ``taken`` as: to be said where it is taken (a lead's
    spreadsheet said "Dec 3" three days after it, and the action came in due a year later
    without a word). ``jan 15`` in December is next month's, and not said."""
    return past_one_nearer(text, taken, today) is not None


def past_one_nearer(text: str, taken: date, today: date) -> date | None:
    """The last occurrence of the day ``text`` names without its year, when it lies nearer
    today than the next one it was ``taken`` as (``nearer_last_year``); else None."""
    if not _without_its_year(text) or taken <= today:
        return None
    try:
        last = _parse(text, today, "due", back=True)
    except InvalidInput:
        return None
    # feb 29 in 2026: 2028's is nearer than 2024's, and not said (a retrial)
    return last if (today - last) < (taken - today) else None


def next_one_nearer(text: str, taken: date, today: date) -> date | None:
    """The next occurrence of the day ``text`` names without its year, when it lies nearer
    today than the last one it was ``taken`` as, looking back (a baseline's ``dec 1`` on
    November 23rd is a year gone, unremarked: a retrial); else None."""
    if not _without_its_year(text) or taken >= today:
        return None
    try:
        upcoming = _parse(text, today, "due")
    except InvalidInput:
        return None
    return upcoming if (upcoming - today) < (today - taken) else None


def _without_its_year(text: str) -> bool:
    """Whether ``text`` names a day of a month without its year (``dec 3``, ``3 december``)."""
    raw = " ".join(text.strip().lower().split())
    named = _MONTH_DAY.match(raw) or _DAY_MONTH.match(raw)
    return named is not None and not named[3]


def exported_day(text: str) -> str:
    """``text`` as a day pdca reads when another tool's export wrote it (``01/Dec/26 5:00 PM``,
    ``2026-12-01 17:00``, ``2026-12-01T17:00:00Z``: the day as written, its time left out, a
    due being a day); anything else as it is, for ``parse_date`` to take or refuse."""
    raw = " ".join(text.strip().lower().split())
    day, _, time = _ISO_T.sub(r"\1 ", raw).partition(" ")
    if time and not _a_time(time):
        return text
    jira = _EXPORTED_DAY.match(day)
    if jira:
        months = [n for n, name in enumerate(_MONTHS, 1) if name.startswith(jira[2])]
        if len(months) != 1:
            return text
        year = int(jira[3])
        if len(jira[3]) == 2:  # as Python's %y: 69-99 the 1900s (01/Dec/99 was 2099, a
            year += 1900 if year >= 69 else 2000  # reviewer), 00-68 the 2000s
        return f"{year:04d}-{months[0]:02d}-{int(jira[1]):02d}"
    if time and _ISO.match(day):
        return day
    return text


def _a_time(text: str) -> bool:
    """Whether ``text`` is a time of day as exports write it: 13:00 PM and 25:00 were taken,
    their day kept (a retrial)."""
    found = _EXPORTED_TIME.match(text)
    if not found:
        return False
    hour, minute = int(found["hour"]), int(found["minute"])
    second = int(found["second"] or 0)
    hours = range(1, 13) if found["half"] else range(24)
    return hour in hours and minute < 60 and second < 60


def _parse(text: str, today: date, field: str, back: bool = False) -> date:
    raw = " ".join(text.strip().lower().split())
    if raw in ("today", "now"):
        return today
    if raw == "tomorrow":
        return today + timedelta(days=1)
    if raw == "yesterday":
        return today - timedelta(days=1)
    spelled = _IN.match(raw)
    if spelled:  # "in 3 days": +3d
        raw = f"+{spelled[1]}{spelled[2][0]}"
    relative = _RELATIVE.match(raw)
    if relative:
        sign, amount, unit = relative.groups()
        digits = amount.lstrip("0") or "0"  # int() refuses a string of 4300 digits or more
        if len(digits) > 7:  # well-formed, past any date (not "not a date")
            raise InvalidInput(field, text, OUT_OF_RANGE)
        count = int(digits) * (-1 if sign == "-" else 1)
        if unit in "my":
            return _add_months(today, count * (12 if unit == "y" else 1), text, field)
        return today + timedelta(days=count * (7 if unit == "w" else 1))
    if raw == "eow":  # the end of the working week: this Friday, or next week's after it
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if raw == "eom":  # the month's last day (December's without a January after it: in 9998,
        # the last year pdca takes, the next month's first was out of range, a tester)
        if today.month == 12:
            return today.replace(day=31)
        return _add_months(today.replace(day=1), 1, text, field) - timedelta(days=1)
    if raw == "eoy":
        return today.replace(month=12, day=31)
    if raw == "sow":  # this week's Monday (weeks start on Monday, as "next mon" counts them)
        return today - timedelta(days=today.weekday())
    if raw in ("som", "soy"):
        return today.replace(day=1) if raw == "som" else today.replace(month=1, day=1)
    word, _, rest = raw.partition(" ")
    if word in ("next", "last") and rest:
        wanted, turn = rest, word
    else:
        wanted, turn = raw, None
    if len(wanted) >= 3:
        for index, name in enumerate(_WEEKDAYS):
            if name.startswith(wanted):
                if turn == "next":  # "next mon": that day of next week (Monday first)
                    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
                    return monday + timedelta(days=index)
                if back or turn == "last":  # its last occurrence before today
                    return today - timedelta(days=(today.weekday() - index - 1) % 7 + 1)
                ahead = (index - today.weekday() - 1) % 7 + 1
                return today + timedelta(days=ahead)
    iso = _ISO.match(raw)
    if iso:
        return _real_day(int(iso[1]), int(iso[3]), int(iso[4]), text, field)
    either = _DAY_FIRST_OR_MONTH.match(raw)
    if either:
        raise InvalidInput(field, text, _which_reading(int(either[1]), int(either[3]), either[4]))
    month_first = _MONTH_DAY.match(raw)
    named = month_first or _DAY_MONTH.match(raw)
    if named:
        month_word, day_digits = (named[1], named[2]) if month_first else (named[2], named[1])
        months = [n for n, name in enumerate(_MONTHS, 1) if name.startswith(month_word)]
        if len(months) == 1:  # dec, decem, december (three letters at least: ma is two)
            if named[3]:
                return _real_day(int(named[3]), months[0], int(day_digits), text, field)
            return _next_or_last(months[0], int(day_digits), today, text, field, back)
    raise InvalidInput(field, text, NOT_A_DATE)


def _which_reading(first: int, second: int, year: str) -> str:
    """Why ``05/01/2027`` is refused, naming each day it may be as ISO writes it: a person
    writes their own country's order, and guessing it moved a due date by months."""
    readings = []
    for day, month in ((first, second), (second, first)):
        try:
            readings.append(date(int(year), month, day).isoformat())
        except ValueError:
            continue
    if not readings:
        return "is not a real date"
    order = "(the day or the month first, by country)"
    if len(set(readings)) == 1:
        # ("is taken as YYYY-MM-DD only" read as if it were, a trial); the order is no
        # reason where day and month are one number (12/12, a reviewer)
        if first == second:
            return f"is no date pdca takes: write {readings[0]}"
        differs = "the order of day and month differs by country"
        return f"is no date pdca takes ({differs}): write {readings[0]}"
    return f"could be {readings[0]} or {readings[1]} {order}: write the one you mean as YYYY-MM-DD"


def _real_day(year: int, month: int, day: int, text: str, field: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(field, text, "is not a real date") from None


def _next_or_last(month: int, day: int, today: date, text: str, field: str, back: bool) -> date:
    """``dec 24`` without a year: its next occurrence from today (today itself counts: "due
    dec 5" on December 5th is today), or looking ``back``, its last one up to today."""
    _real_day(2000, month, day, text, field)  # a leap year: feb 29 is a real day, "feb 30" not
    year = today.year
    for _ in range(9):  # feb 29 comes back within eight years
        try:
            found = date(year, month, day)
        except ValueError:
            year += -1 if back else 1
            continue
        if (found < today and not back) or (found > today and back):
            year += -1 if back else 1
            continue
        return found
    raise InvalidInput(field, text, OUT_OF_RANGE)


def _add_months(start: date, months: int, text: str, field: str) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if not EARLIEST.year <= year <= LATEST.year:
        raise InvalidInput(field, text, OUT_OF_RANGE)
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise InvalidInput(field, text, OUT_OF_RANGE)  # unreachable: every month has a 28th


_STORED_MOMENT = lazy_pattern(r"\b([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}):[0-9]{2}Z")


def minutes_utc_in(words: str) -> str:
    """``words`` with each stored time in them (``2026-11-21T20:00:00Z``) as ``minute_utc``
    says it: an alert's log in a stand-up line read "(30 h at 2026-11-21T20:00:00Z)" beside
    "2026-11-25 22:00 UTC" (a tester)."""
    return _STORED_MOMENT.sub(r"\1 \2 UTC", words)


def minute_utc(at: str) -> str:
    """``2026-11-22 08:00 UTC``: a stored time (``2026-11-22T08:00:00Z``) as the stand-up,
    the reports and the chat message show it; text that is not one stays as it is."""
    return f"{at[:16].replace('T', ' ')} UTC" if len(at) >= 16 else at
