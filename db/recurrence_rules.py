"""Recurrence rules, pure: the grammar of ``--every`` and the dates a rule falls on.

The grammar (case-insensitive, words separated by spaces)::

    day | N days                    every day, every N days
    week [DAYS] | N weeks [DAYS]    weekly (every N weeks) on DAYS: mon,thu (default: the
                                    weekday of the first due date)
    month [WHEN] | N months [WHEN]  monthly on WHEN: a day 1..31 (a short month uses its last
                                    day), last (the month's last day), last-fri (its last
                                    Friday); default: the day of the first due date
    after N days | after N weeks    N days (weeks) after the previous one is done

N is at most a year in every form (``LIMITS``: 366 days, 52 weeks, 12 months), so what
``parse`` accepts it reads back from ``Rule.text`` ("after 52 weeks" is "after 364 days").
A rule stored before these limits is still read (``parse(..., stored=True)``).

Dates are calendar dates (``date``): "today" is the local date of the clock, as everywhere in
pdca (db/dates.py). A rule's ``anchor`` is the due date of its first action: "every 3 days"
and "every 2 weeks" count from it. No date past ``dates.LATEST`` is ever returned: a rule
whose next date would pass it ends (``None``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from pdca.db.dates import LATEST
from pdca.db.errors import InvalidInput

Kind = Literal["days", "weeks", "months", "after"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Spelled out here, not from ``calendar.day_name``, which follows the process's locale.
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LAST_DAY = 0  # ``Rule.day`` for "the month's last day"
# The most N may be, per unit, in every form ("after N weeks" included): about a year.
LIMITS = {"day": 366, "week": 52, "month": 12}
FORMS = (
    "day, 3 days, weekdays, week mon,thu, 2 weeks fri, month 15, month last, month last-fri,"
    " after 7 days"
)
EXPECTED = f"is not a repeat rule (expected one of: {FORMS})"


@dataclass(frozen=True)
class Rule:
    """One parsed rule. ``weekdays`` (0 = Monday) for weeks; ``day`` (1..31, or LAST_DAY)
    or ``last_weekday`` (0..6) for months; ``every`` is N (days for "after")."""

    kind: Kind
    every: int = 1
    weekdays: tuple[int, ...] = ()
    day: int | None = None
    last_weekday: int | None = None

    @property
    def after_done(self) -> bool:
        return self.kind == "after"

    def text(self) -> str:
        """The canonical spelling, which ``parse`` reads back to the same rule."""
        if self.kind == "after":
            return f"after {self.every} day" + ("s" if self.every != 1 else "")
        head = {"days": "day", "weeks": "week", "months": "month"}[self.kind]
        words = [head if self.every == 1 else f"{self.every} {head}s"]
        if self.kind == "weeks" and self.weekdays:
            words.append(",".join(WEEKDAYS[d] for d in self.weekdays))
        if self.kind == "months":
            if self.last_weekday is not None:
                words.append(f"last-{WEEKDAYS[self.last_weekday]}")
            elif self.day == LAST_DAY:
                words.append("last")
            elif self.day is not None:
                words.append(str(self.day))
        return " ".join(words)


def _fail(text: str) -> InvalidInput:
    return InvalidInput("--every", text, EXPECTED)


def _weekday(word: str, text: str) -> int:
    for index, name in enumerate(WEEKDAYS):
        if word[:3] == name and DAY_NAMES[index].startswith(word):
            return index
    raise _fail(text)


_FORM = re.compile(
    r"(?P<after>after )?(?:(?P<n>[0-9]{1,4}) )?(?P<unit>day|week|month)s?(?: (?P<when>\S+))?"
)


# Words people use for a rhythm, and the forms they mean
_SAID = {"daily": "day", "weekly": "week", "monthly": "month"}


def _days_alone(text: str) -> bool:
    """``monday``, ``mon,thu``: weekdays named alone, each a day's name or its start."""
    words = text.split(",")
    return all(len(w) >= 3 and any(day.startswith(w) for day in DAY_NAMES) for w in words)


def parse(text: str, *, stored: bool = False) -> Rule:
    """``--every`` text as a rule; anything else is one ``InvalidInput`` naming the forms, or
    the limit N passed. ``stored``: a rule read back from the file, held to the grammar but
    not to ``LIMITS`` (a rule saved by an older pdca keeps working)."""
    normal = re.sub(r"\s*,\s*", ",", " ".join(text.lower().split()))
    # As people say it: "every monday", "weekly", "daily" were refused (testers)
    normal = _SAID.get(normal.removeprefix("every "), normal.removeprefix("every "))
    if _days_alone(normal):  # "monday", "mon,thu": weekly on those days
        normal = f"week {normal}"
    if normal in ("weekdays", "weekday"):  # Monday to Friday, as Taskwarrior's (a lead's trial)
        return Rule("weeks", 1, weekdays=(0, 1, 2, 3, 4))
    match = _FORM.fullmatch(normal)
    if match is None:
        raise _fail(text)
    every = int(match["n"] or 1)
    unit, when = match["unit"], match["when"]
    limit = LIMITS[unit]
    if every < 1 or (not stored and every > limit):
        raise InvalidInput(
            "--every",
            text,
            (  # in the words typed: "has N 0" read as code (a reviewer)
                f"{'comes' if match['after'] else 'repeats every'} 0 {unit}s"
                f"{' after' if match['after'] else ''}: at least 1 {unit}"
                if every < 1
                else f"{'comes' if match['after'] else 'repeats every'} {every} {unit}s"
                f"{' after' if match['after'] else ''}: at most {limit} {unit}s (a year)"
            )
            + f" (expected one of: {FORMS})",
        )
    if match["after"]:
        if when is not None or unit == "month":
            raise _fail(text)
        return Rule("after", every * (7 if unit == "week" else 1))
    if unit == "day":
        if when is not None:
            raise _fail(text)
        return Rule("days", every)
    if unit == "week":
        if when is None:
            return Rule("weeks", every)
        names = when.split(",")
        if not all(names):
            raise _fail(text)
        days = [_weekday(w, text) for w in names]
        twice = next((d for n, d in enumerate(days) if d in days[:n]), None)
        if twice is not None and not stored:  # as --escalate-to names one twice (a tester)
            raise InvalidInput("--every", text, f"names {DAY_NAMES[twice]} twice")
        return Rule("weeks", every, weekdays=tuple(sorted(set(days))))
    if when is None:
        return Rule("months", every)
    if when == "last":
        return Rule("months", every, day=LAST_DAY)
    if when.startswith("last-"):
        return Rule("months", every, last_weekday=_weekday(when.removeprefix("last-"), text))
    if re.fullmatch(r"[0-9]{1,2}", when) and 1 <= int(when) <= 31:
        return Rule("months", every, day=int(when))
    raise _fail(text)


def anchored(rule: Rule, anchor: date) -> Rule:
    """The rule with what was left to the first due date filled in (its weekday, its day)."""
    if rule.kind == "weeks" and not rule.weekdays:
        return replace(rule, weekdays=(anchor.weekday(),))
    if rule.kind == "months" and rule.day is None and rule.last_weekday is None:
        return replace(rule, day=anchor.day)
    return rule


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def day_in_month(rule: Rule, year: int, month: int) -> date:
    """The date a monthly rule falls on in one month: the 31st of a 30-day month is its 30th,
    the 30th of February its 28th or 29th."""
    end = last_day(year, month)
    if rule.last_weekday is not None:
        last = date(year, month, end)
        return last - timedelta(days=(last.weekday() - rule.last_weekday) % 7)
    if rule.day is None or rule.day == LAST_DAY:
        return date(year, month, end)
    return date(year, month, min(rule.day, end))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def next_after(rule: Rule, anchor: date, after: date) -> date | None:
    """The first date strictly after ``after`` the (anchored) rule falls on, or None when it
    would pass ``LATEST`` (the rule ends there). For an "after done" rule, ``after`` is the
    day the previous one was done."""
    rule = anchored(rule, anchor)
    if (LATEST - after).days < 1:
        return None
    if rule.kind == "after":
        return _within(after, rule.every)
    if rule.kind == "days":
        if after < anchor:
            return anchor
        steps = (after - anchor).days // rule.every + 1
        return _within(anchor, steps * rule.every)
    if rule.kind == "weeks":
        found: date | None = max(after + timedelta(days=1), _monday(anchor))
        while found is not None and found <= LATEST:
            weeks = (_monday(found) - _monday(anchor)).days // 7
            if weeks % rule.every == 0:
                if found.weekday() in rule.weekdays:
                    return found
                found += timedelta(days=1)
            else:  # skip to the Monday of the next week in the rhythm
                found = _within(_monday(found), 7 * (rule.every - weeks % rule.every))
        return None
    index = max(after.year * 12 + after.month - 1, anchor.year * 12 + anchor.month - 1)
    start = anchor.year * 12 + anchor.month - 1
    index += (start - index) % rule.every  # the first month in the rhythm from there on
    while index // 12 <= LATEST.year:
        day = day_in_month(rule, index // 12, index % 12 + 1)
        if day > after:
            return day if day <= LATEST else None
        index += rule.every
    return None


def _within(start: date, days: int) -> date | None:
    """``start`` plus ``days``, or None past ``LATEST`` (never an OverflowError)."""
    return start + timedelta(days=days) if days <= (LATEST - start).days else None


def latest_due(rule: Rule, anchor: date, next_due: date, today: date) -> date:
    """Catching up: the latest date the rule fell on from ``next_due`` to ``today`` (both
    included; ``next_due <= today``). One instance for it, not one for every missed date."""
    rule = anchored(rule, anchor)
    if rule.kind == "days":
        steps = (today - anchor).days // rule.every
        return max(next_due, anchor + timedelta(days=steps * rule.every))
    current = next_due
    while True:
        following = next_after(rule, anchor, current)
        if following is None or following > today:
            return current
        current = following


def dates_to_make(
    rule: Rule, anchor: date, next_due: date, today: date, *, all_since: bool
) -> list[date]:
    """Catching up (``next_due <= today``): with ``all_since``, every date the rule fell on
    from ``next_due`` to ``today``; without, the latest of them alone (a file nobody opened
    for weeks gets one round, not one for every missed date)."""
    if not all_since:
        return [latest_due(rule, anchor, next_due, today)]
    dates: list[date] = []
    day: date | None = next_due
    while day is not None and day <= today:
        dates.append(day)
        day = next_after(rule, anchor, day)
    return dates


def first_date(rule: Rule, today: date) -> date | None:
    """The first due date of a new rule given no ``--due``: a calendar rule's first matching
    date from today on, whatever its rhythm ("2 months 1" on Nov 2nd: Dec 1st, which then
    sets the rhythm); an "after N days" rule's today + N, as if one had been done today.
    None when that passes ``LATEST``."""
    if rule.after_done:
        return _within(today, rule.every)
    return next_after(replace(rule, every=1), today, today - timedelta(days=1))


def first_on_or_after(rule: Rule, anchor: date, day: date) -> date | None:
    return next_after(rule, anchor, day - timedelta(days=1))
