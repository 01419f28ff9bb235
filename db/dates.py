"""Due dates as people type them: ``2026-12-01``, ``today``, ``+3d``, ``+2w``, ``fri``,
``next fri`` (that day of next week), ``eow`` (this Friday) and ``eom`` (the month's end)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from pdca.db.errors import InvalidInput

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_RELATIVE = re.compile(r"^([+-])([0-9]+)([dwm])$")
NOT_A_DATE = (
    "is not a date (use YYYY-MM-DD, today, tomorrow, yesterday, +3d, +2w, +1m, a weekday,"
    " next fri, eow or eom)"
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


def _parse(text: str, today: date, field: str, back: bool = False) -> date:
    raw = text.strip().lower()
    if raw == "today":
        return today
    if raw == "tomorrow":
        return today + timedelta(days=1)
    if raw == "yesterday":
        return today - timedelta(days=1)
    relative = _RELATIVE.match(raw)
    if relative:
        sign, amount, unit = relative.groups()
        digits = amount.lstrip("0") or "0"  # int() refuses a string of 4300 digits or more
        if len(digits) > 7:  # well-formed, past any date (not "not a date")
            raise InvalidInput(field, text, OUT_OF_RANGE)
        count = int(digits) * (-1 if sign == "-" else 1)
        if unit == "m":
            return _add_months(today, count, text, field)
        return today + timedelta(days=count * (7 if unit == "w" else 1))
    if raw == "eow":  # the end of the working week: this Friday, or next week's after it
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if raw == "eom":  # the month's last day (December's without a January after it: in 9998,
        # the last year pdca takes, the next month's first was out of range, a tester)
        if today.month == 12:
            return today.replace(day=31)
        return _add_months(today.replace(day=1), 1, text, field) - timedelta(days=1)
    following = raw.removeprefix("next ").strip() if raw.startswith("next ") else None
    wanted = following if following is not None else raw
    if len(wanted) >= 3:
        for index, name in enumerate(_WEEKDAYS):
            if name.startswith(wanted):
                if following is not None:  # "next mon": that day of next week (Monday first)
                    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
                    return monday + timedelta(days=index)
                if back:
                    return today - timedelta(days=(today.weekday() - index - 1) % 7 + 1)
                ahead = (index - today.weekday() - 1) % 7 + 1
                return today + timedelta(days=ahead)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(field, text, "is not a real date") from None
    raise InvalidInput(field, text, NOT_A_DATE)


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


_STORED_MOMENT = re.compile(r"\b([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}):[0-9]{2}Z")


def minutes_utc_in(words: str) -> str:
    """``words`` with each stored time in them (``2026-11-21T20:00:00Z``) as ``minute_utc``
    says it: an alert's log in a stand-up line read "(30 h at 2026-11-21T20:00:00Z)" beside
    "2026-11-25 22:00 UTC" (a tester)."""
    return _STORED_MOMENT.sub(r"\1 \2 UTC", words)


def minute_utc(at: str) -> str:
    """``2026-11-22 08:00 UTC``: a stored time (``2026-11-22T08:00:00Z``) as the stand-up,
    the reports and the chat message show it; text that is not one stays as it is."""
    return f"{at[:16].replace('T', ' ')} UTC" if len(at) >= 16 else at
