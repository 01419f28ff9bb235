"""Recurrence rules, pure: the grammar of ``--every`` and the dates a rule falls on.

The grammar (case-insensitive, words separated by spaces)::

    day | N days                    every day, every N days
    week [DAYS] | N weeks [DAYS]    weekly (every N weeks) on DAYS: mon,thu (default: the
                                    weekday of the first due date)
    month [WHEN] | N months [WHEN]  monthly on WHEN: a day 1..31 (a short month uses its last
                                    day), last (the month's last day), last-fri (its last
                                    Friday); default: the day of the first due date
    after N days | after N weeks    N days (weeks) after the previous one is done

Dates are calendar dates (``date``), free of time zones and daylight saving: pdca counts
days in UTC. A rule's ``anchor`` is the due date of its first action: "every 3 days" and
"every 2 weeks" count from it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from pdca.db.errors import InvalidInput

Kind = Literal["days", "weeks", "months", "after"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Spelled out here, not from ``calendar.day_name``, which follows the process's locale.
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LAST_DAY = 0  # ``Rule.day`` for "the month's last day"
MAX_INTERVAL = 366
FORMS = "day, 3 days, week mon,thu, 2 weeks fri, month 15, month last, month last-fri, after 7 days"
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


def parse(text: str) -> Rule:
    """``--every`` text as a rule; anything else is one ``InvalidInput`` naming the forms."""
    normal = re.sub(r"\s*,\s*", ",", " ".join(text.lower().split()))
    match = _FORM.fullmatch(normal)
    if match is None:
        raise _fail(text)
    every = int(match["n"] or 1)
    if not 1 <= every <= MAX_INTERVAL:
        raise InvalidInput(
            "--every", text, f"has N out of 1..{MAX_INTERVAL} (expected one of: {FORMS})"
        )
    unit, when = match["unit"], match["when"]
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
        return Rule("weeks", every, weekdays=tuple(sorted({_weekday(w, text) for w in names})))
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


def next_after(rule: Rule, anchor: date, after: date) -> date:
    """The first date strictly after ``after`` the (anchored) rule falls on. For an "after
    done" rule, ``after`` is the day the previous one was done."""
    rule = anchored(rule, anchor)
    if rule.kind == "after":
        return after + timedelta(days=rule.every)
    if rule.kind == "days":
        if after < anchor:
            return anchor
        steps = (after - anchor).days // rule.every + 1
        return anchor + timedelta(days=steps * rule.every)
    if rule.kind == "weeks":
        day = max(after + timedelta(days=1), _monday(anchor))
        while True:
            weeks = (_monday(day) - _monday(anchor)).days // 7
            if weeks % rule.every == 0:
                if day.weekday() in rule.weekdays:
                    return day
                day += timedelta(days=1)
            else:  # skip to the Monday of the next week in the rhythm
                day = _monday(day) + timedelta(weeks=rule.every - weeks % rule.every)
    index = max(after.year * 12 + after.month - 1, anchor.year * 12 + anchor.month - 1)
    start = anchor.year * 12 + anchor.month - 1
    while True:
        if (index - start) % rule.every == 0:
            found = day_in_month(rule, index // 12, index % 12 + 1)
            if found > after:
                return found
        index += 1


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
        if following > today:
            return current
        current = following


def first_on_or_after(rule: Rule, anchor: date, day: date) -> date:
    return next_after(rule, anchor, day - timedelta(days=1))
