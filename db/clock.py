"""The clock every write and rule uses, so tests and demos can fix time with ``PDCA_NOW``."""

from __future__ import annotations

import os
import re
import time as system_time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone

from pdca.db.dates import OUT_OF_RANGE, in_range
from pdca.db.errors import InvalidInput
from pdca.db.lazy_pattern import lazy_pattern

Clock = Callable[[], datetime]
# The last zone on Earth to leave a date (UTC-12): until then the date is someone's today.
LAST_ZONE = timezone(timedelta(hours=-12))

NOT_A_TIME = "is not an ISO-8601 time (like 2026-11-23T09:30:00Z)"


def system_clock() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def parse_timestamp(
    text: str, field: str = "timestamp", *, local: bool = False, either_fold: bool = False
) -> datetime:
    """An ISO-8601 timestamp (or a bare date, meaning midnight) as an aware UTC datetime.
    Without a zone it is UTC, or with ``local`` the person's own clock: what someone types
    (``kpi record --at 2026-12-04``) means their day, as every date pdca takes does (a
    reading back-filled for "today" landed on yesterday evening west of UTC, a tester).
    A local time the clock skips, or shows twice, is refused, naming the zones to say it in
    (01:30 on the autumn night was silently the first, a tester); ``either_fold``: the
    caller tells which itself. A bare date is its day's first moment, whatever the clock."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            parsed = datetime.combine(date.fromisoformat(raw), datetime.min.time())
        else:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        # 2026-02-30 has the shape and is no day: said so, as --due says it (a tester read
        # "not an ISO-8601 time" and looked for what was wrong with the format).
        # The example only where the form was wrong: after "not a real date" it read as the
        # date pdca had made of it (a tester).
        why = "is not a real date" if _no_such_day(raw) else NOT_A_TIME
        raise InvalidInput(field, text, why) from None
    # The local date is checked before the shift to UTC, which would overflow at year 1,
    # and the UTC one after it (9998-12-31T23:59-23:59 is already 9999 in UTC).
    in_range(parsed.date(), text, field)
    if parsed.tzinfo is None and not local:
        parsed = parsed.replace(tzinfo=UTC)
    elif parsed.tzinfo is None and len(raw) == 10:
        try:
            parsed = day_start(parsed.date())  # its first moment, a midnight skipped or not
        except (OverflowError, ValueError):  # the local clock cannot hold it (year 1, 9999)
            raise InvalidInput(field, text, OUT_OF_RANGE) from None
    elif parsed.tzinfo is None and len(raw) != 10 and not either_fold:
        _refuse_unclear_local(parsed, text, field)
    try:
        moment = parsed.astimezone(UTC).replace(microsecond=0)  # naive: read as local
    except (OverflowError, ValueError):  # the local clock cannot hold it (year 1, 9999)
        raise InvalidInput(field, text, OUT_OF_RANGE) from None
    in_range(moment.date(), text, field)
    return moment


def parse_given_time(text: str, field: str) -> datetime:
    """A time a person typed, as an aware UTC datetime: ISO-8601 or a bare date (on their
    own clock unless it says its zone), ``2026-12-04 10:00 UTC`` as the stand-up prints one,
    or ``2026-12-04 05:00 EST`` as the app shows one. ``kpi record --at`` took the ISO form
    only, and refused the very form its DST refusal told a person to type (a reviewer)."""
    raw = _as_24_hour(text.strip(), text, field)
    if raw.upper().endswith((" UTC", " GMT")):  # as the stand-up prints it (a tester's copy
        raw = raw[:-4].strip() + "Z"  # was refused), and GMT, the same clock
    try:
        named = parse_named_local(raw, field)
        return named if named is not None else parse_timestamp(raw, field, local=True)
    except InvalidInput as error:
        if error.value == text:
            raise
        # What was typed, not the 24-hour text it was read as ("8:30 PM EST" was quoted
        # back as "20:30 EST", a reviewer)
        raise InvalidInput(field, text, error.why) from None


# A day, then a time on a 12-hour clock ("2026-11-22 8:30 PM", "8:30pm", "8:30 p.m."), and
# perhaps its zone: "PM" was taken for a zone's name, and "8:30 pm" for no time (a tester).
_TWELVE_HOUR = lazy_pattern(
    r"(?P<day>\d{4}-\d{2}-\d{2})[T ](?P<hour>\d{1,2})"
    r"(?P<rest>(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?)\s*"  # "8 PM" too, and seconds' fractions
    r"(?P<half>[ap])\.?m\.?(?P<zone>\s*[+-]\d{2}:?\d{2}|\s*Z|\s+\S+)?",  # 8:30PM+01:00
    re.IGNORECASE,
)
# A one-digit hour, as "8:30" is typed: Python's ISO reading takes two (a tester's copy of
# pdca's own example, "2026-11-22T8:30+HH:MM", was refused).
_ONE_DIGIT_HOUR = lazy_pattern(r"(\d{4}-\d{2}-\d{2}[T ])(\d)(?=:)")


def _as_24_hour(raw: str, text: str, field: str) -> str:
    """``raw`` with a 12-hour time written as a 24-hour one, and a one-digit hour given its
    0; else as it is."""
    raw = _ONE_DIGIT_HOUR.sub(r"\g<1>0\2", raw)
    found = _TWELVE_HOUR.fullmatch(raw)
    if found is None:
        return raw
    hour = int(found["hour"])
    if not 1 <= hour <= 12:
        raise InvalidInput(field, text, "is no time on a 12-hour clock (1 to 12, then AM or PM)")
    hour = hour % 12 + (12 if found["half"].lower() == "p" else 0)
    zone = found["zone"] or ""
    if zone.strip()[:1] in ("+", "-", "Z", "z"):  # an offset goes on the time itself
        zone = zone.strip()
    return f"{found['day']} {hour:02d}{found['rest'] or ':00'}{zone}"


def _refuse_unclear_local(naive: datetime, text: str, field: str) -> None:
    """Refuse a local wall time the clock skips (spring forward) or shows twice (fall back)."""
    try:
        first, second = (naive.replace(fold=fold).astimezone() for fold in (0, 1))
    except (OverflowError, ValueError):  # the ends of the calendar: checked by the caller
        return
    if first.astimezone(UTC) == second.astimezone(UTC):
        return
    if first.replace(tzinfo=None) != naive:  # the clock never shows it: it jumps over it
        # The two readings of it, on the clock as it is then: one before the jump, one after.
        before, after = sorted(m.astimezone(UTC) for m in (first, second))
        before, after = before.astimezone(), after.astimezone()
        raise InvalidInput(
            field,
            text,
            f"is no time on this clock, which skips from {before.tzname()} to"
            f" {after.tzname()} then: say {after:%Y-%m-%d %H:%M} {after.tzname()},"
            f" or {before:%Y-%m-%d %H:%M} {before.tzname()}",  # its own day (a reviewer)
        )
    # The example is the first of the two: within the repeated hour the second is still
    # ahead, and "like ... EST" was then refused as in the future (an analyst)
    raise InvalidInput(
        field,
        text,
        f"is twice on this clock, in {first.tzname()} and {second.tzname()}: add which,"
        f" like {naive:%Y-%m-%d %H:%M} {first.tzname()}",
    )


def parse_named_local(text: str, field: str) -> datetime | None:
    """``2026-12-04 05:00 EST``, a time as the app shows it (named by the local clock's
    zone), as an aware UTC datetime; None when ``text`` ends in no such name. The name must
    be the zone's at that moment: EST in July, or the first 01:30 of the autumn's repeated
    hour called EST, was taken an hour off (a tester)."""
    import time

    head, _, zone = text.strip().rpartition(" ")
    if not head:
        return None
    if zone not in time.tzname:
        if re.fullmatch(r"[A-Z]{2,5}", zone) and re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\S+", head):
            # A time as a colleague's app shows it, in their zone: "is not a time" said
            # nothing of why (a tester's "2027-02-02 08:00 JST" in Los Angeles).
            ours = "/".join(dict.fromkeys(time.tzname))
            raise InvalidInput(
                field,
                text,
                f"names the zone {zone}, not this clock's ({ours}): give it with its offset"
                f" from UTC (like {head.replace(' ', 'T')}{_offset_of(zone, head)}) or in UTC"
                " (ending in Z)",
            )
        return None
    naive = parse_timestamp(head, field, local=True, either_fold=True)
    naive = naive.astimezone().replace(tzinfo=None)
    named = None
    for fold in (0, 1):  # the repeated hour's first and second time
        moment = naive.replace(fold=fold).astimezone()
        named = moment.tzname()
        if named == zone:
            return moment.astimezone(UTC).replace(microsecond=0)
    raise InvalidInput(field, text, f"is not {zone} on this clock, which is {named} then")


def _offset_of(zone: str, head: str) -> str:
    """``+09:00``: the offset the zones called ``zone`` at that time have, when they agree
    (CST is China's and America's); else ``+HH:MM``. An example of +09:00 for EST put a time
    14 hours off (a retrial). Read only for a refusal: it looks through the zone database."""
    from zoneinfo import ZoneInfo, available_timezones

    try:
        moment = datetime.fromisoformat(head.replace(" ", "T"))
    except ValueError:
        return "+HH:MM"
    offsets = set()
    for name in available_timezones():
        try:
            local = moment.replace(tzinfo=ZoneInfo(name))
        except (OSError, ValueError):
            continue
        if local.tzname() == zone and (offset := local.utcoffset()) is not None:
            offsets.add(offset)
    if len(offsets) != 1:
        return "+HH:MM"
    minutes = int(offsets.pop().total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _no_such_day(raw: str) -> bool:
    """Whether ``raw`` starts with a date's shape (``2026-02-30``) that is no day."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", raw):
        return False
    try:
        date.fromisoformat(raw[:10])
    except ValueError:
        return True
    return False


def stored_moment(text: str) -> datetime:
    """A time as the database holds it, as an aware datetime. pdca stores UTC with a ``Z``
    (schema 21 refuses anything else), but a file edited by hand before that may hold one
    without a zone: read it as UTC, what every time in the file is (DESIGN rule 7), rather
    than let one such row fail every view that compares it with now (doctor names it).
    Text that is no time at all raises ValueError."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def clock_from_env(environ: Mapping[str, str]) -> Clock:
    """``PDCA_NOW`` fixes the clock; without it, the system clock in UTC."""
    fixed = environ.get("PDCA_NOW", "")
    if not fixed:  # unset or set empty: the usual way to switch a variable off
        return system_clock
    moment = parse_timestamp(fixed, "PDCA_NOW")
    return lambda: moment


# A rule the C library reads from TZ itself: a zone's name of three letters or more, or one
# in <>, then its offset ("EST5EDT", "JST-9", "<+0330>-3:30", "UTC+3").
_POSIX_RULE = lazy_pattern(r"(<[^>]+>|[A-Za-z]{3,})[+-]?[0-9]")
_ZONE_FILES = "/usr/share/zoneinfo"  # the C library's own, when TZDIR is unset
# UTC's names, UTC with or without a zone file (a machine without tzdata has none)
_NAMES_OF_UTC = frozenset({"UTC", "UCT", "GMT", "Z", "ZULU", "UNIVERSAL", "GREENWICH"})


def zone_folder(environ: Mapping[str, str]) -> str:
    """Where the C library looks for a zone named in TZ."""
    return environ.get("TZDIR") or _ZONE_FILES


def unknown_zone(environ: Mapping[str, str]) -> str | None:
    """``TZ`` as set, when it names no zone this machine knows: neither a zone file nor a
    rule with an offset. The C library then keeps UTC without a word (``Europe/Berlim``,
    ``CEST``), and every local day pdca counts (due today, a stand-up's yesterday, a KPI's
    week) was UTC's while the person read it as theirs (a tester). None when TZ is unset or
    empty (UTC, as meant) or when the clock is not UTC (the library found a zone)."""
    zone = environ.get("TZ")
    if not zone or system_time.timezone != 0 or system_time.daylight:
        return None
    name = zone.removeprefix(":")
    if not name or _POSIX_RULE.match(name) or name.upper().removeprefix("ETC/") in _NAMES_OF_UTC:
        return None
    folder = zone_folder(environ)
    if os.path.isfile(name if name.startswith("/") else os.path.join(folder, name)):
        return None
    return zone


def local_day(stamp: str) -> str:
    """The (local) day of a stored UTC time, as every other date people are told is: a
    check-in at 09:00 in Auckland was said to be "since" the day before (a lead's weeks).
    A day alone stays as it is (read as UTC midnight, it was the day before west of UTC)."""
    if len(stamp) <= 10:
        return stamp
    try:
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:  # stored times are UTC, said or not
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone().date().isoformat()
    except (ValueError, OverflowError):  # set by hand past the schema, or year 9999: as stored
        return stamp[:10]


def day_start(day: date) -> datetime:
    """The first moment of ``day`` on this process's clock, as an aware local datetime. Where
    the clock skips midnight (Santiago's summer time begins at 00:00) the day begins at
    01:00: a plain ``astimezone`` made it 23:00 of the day before (a reviewer)."""
    naive = datetime.combine(day, time())
    moments = {naive.replace(fold=fold).astimezone() for fold in (0, 1)}
    on_the_day = [moment for moment in moments if moment.date() == day]
    return min(on_the_day or moments)


def iso(moment: datetime) -> str:
    """The one timestamp format pdca stores: ISO-8601 UTC with a Z, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


NOT_A_MOMENT = (
    "is not a time (like 2026-11-23T09:30:00Z) or a day (2026-11-23, yesterday, mon, -2d)"
)


def typed_moment(text: str, now: datetime, field: str) -> datetime:
    """A moment a person typed, ``now`` being the clock's: a time in any form
    ``parse_given_time`` reads, ``now``, or a day as every date here is typed (``yesterday``,
    ``mon``: the last one, ``-2d``), meaning its first moment on their clock, as a bare date
    does. ``kpi record --at yesterday`` was refused while ``--due yesterday`` was taken (a
    new user)."""
    from pdca.db.dates import NOT_A_DATE, parse_date

    if text.strip().lower() == "now":  # refused as "not a time" (a retrial)
        return now
    today = now.astimezone().date()
    try:
        moment = parse_given_time(text, field)
    except InvalidInput as not_a_time:
        try:
            day = parse_date(text, now.astimezone().date(), field, back=True)
        except InvalidInput as not_a_day:
            if not_a_time.why != NOT_A_TIME:  # a time's shape, wrong: "not a real date"
                raise not_a_time from None
            if not_a_day.why != NOT_A_DATE:  # a day's words, out of range ("-400000d")
                raise not_a_day from None
            raise InvalidInput(field, text, NOT_A_MOMENT) from None
    else:
        if not _BARE_DAY.fullmatch(text.strip()):
            return moment
        day = date.fromisoformat(text.strip())
    if day > today:
        # "tomorrow" at 23:57 is three minutes on, within the skew allowed a reading, and
        # was taken as a reading measured then (a trial): a day typed is a day to come.
        raise InvalidInput(field, text, f"is a day still to come (today is {today.isoformat()})")
    return parse_timestamp(day.isoformat(), field, local=True)


_BARE_DAY = lazy_pattern(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
