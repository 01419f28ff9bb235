"""Stored moments (ISO-8601 UTC, ``2026-11-23T09:00:00Z``) as people read them in the app."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from pdca.db import clock

# What the zones that sit on UTC call themselves (tzdata): any other name at offset zero is a
# TZ the C library did not find ("Nowhere/Bogus"), which it runs as UTC under the name given.
_NAMES_AT_ZERO = frozenset({"UTC", "GMT", "WET", "UCT", "+00", "-00", "Z"})


def short_time(at: str | None, *, seconds: bool = False) -> str:
    """``2026-11-23 04:00 EST``: on the person's own clock (TZ), as every day the app counts
    is theirs (today, due, stale), and named, as the stand-up's and the reports' UTC times
    are: unnamed, a stand-up "since 09:00" in New York read as an hour that had not come, and
    beside "06:10 UTC" lines one deadline read as two (testers). Text that is not a moment is
    returned unchanged; one the local clock cannot hold (year 9999 east of UTC) stays UTC.
    ``seconds``: to the second (two moments in one minute read as one)."""
    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at  # never hide what the database holds, even when it is odd
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # as db.clock.stored_moment reads one
    try:
        local = moment.astimezone()
    except (OverflowError, ValueError, OSError):  # past the ends of the calendar
        local = moment.astimezone(UTC)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    name = f"{local:%Z}"
    if local.utcoffset() == timedelta(0) and name not in _NAMES_AT_ZERO:
        name = "UTC"  # said as what it is: "09:20 Nowhere" read as a real zone (a tester)
    return f"{local.year:04d}-{local:%m-%d} {clock} {name}".rstrip()  # %Y: "1" for 0001


def local_day(at: str | None) -> str:
    """``2026-12-04``: the day a stored moment falls on, on the person's own clock, as
    ``short_time`` shows its time. The first ten characters are its UTC day: beside a
    created time in +13:45 they read as the day before (a tester). A day alone stays."""
    return clock.local_day(at) if at else ""


# A minute as the stand-up's rules write it for the command line (``db.dates.minute_utc``).
_UTC_MINUTE = re.compile(r"\b([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}) UTC\b")


def local_minutes(words: str) -> str:
    """``words`` pdca wrote (an alert's "acknowledge by 2026-11-24 06:07 UTC") with each UTC
    minute on the person's clock, as the rest of the app shows times: the stand-up said IST
    in its header and UTC on its lines (a tester); an alert log's ISO times come to the
    stand-up as such minutes (``dates.minutes_utc_in``). Only for text pdca made: a note's
    words are the person's, and stay as typed."""
    return _UTC_MINUTE.sub(lambda m: short_time(f"{m[1]}T{m[2]}:00Z"), words)
