"""SMART checks, pure: gentle warnings about goals that cannot be judged, never refusals.

- An initiative's objective should say how much (a number) and by when (a date).
- A KPI should have a baseline, a target that differs from it, and a target date.
- An action past Plan should have an owner and a due date (the phase gate asks for them; a
  CSV import or an older file may still hold one without).
- A KPI should be measured within its cadence (a day's grace, as the KPI status counts).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from pdca.db import kpi_rules
from pdca.db.dates import EARLIEST, LATEST, OUT_OF_RANGE
from pdca.db.initiative_rules import date_spans, written_date
from pdca.db.models import shown_number

# Date words whose digits or names are no amount: "2026-09-30", "Q3", "H2", "September",
# "sep", "by end of year", "this quarter"... (a bare year is one only where the health rules
# read it so, "by 2027": "cut cost to 2000 EUR" says how much).
_DATE = re.compile(
    r"\b\d{4}-\d{2}(?:-\d{2})?\b|\b[qh][1-4]\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
    r"|\b(?:week|month|quarter|year|weekend)\b|\b(?:today|tomorrow|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d")
# Written as a date but none: "2026-13-45", "2026-02-30", "Q5 2026", "H3". Taken out before
# looking for a date, so "by Q5 2026" is not dated by its year (initiative_rules.objective_date
# reads none from it either).
_NOT_A_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{4}-\d{2}\b|\b[qh]\d(?:\s*\d{4})?\b", re.IGNORECASE
)


def _unreadable(match: re.Match[str]) -> bool:
    token = match[0]
    if token[0] in "qQhH":
        return not 1 <= int(token[1]) <= (4 if token[0] in "qQ" else 2)
    try:
        date.fromisoformat(token if len(token) == 10 else token + "-01")
    except ValueError:
        return True
    return False


# Amounts said in words: "halve the failure rate", "double the deploys", "zero escapes".
_AMOUNT_WORDS = re.compile(
    r"\b(?:halve[ds]?|halving|half|double[ds]?|doubling|triple[ds]?|tripling|quadruple[ds]?"
    r"|twice|zero|eliminate[ds]?|eliminating"
    # "down a quarter", "by two thirds", "ten percent" (a lead's objective read as having no
    # number): a fraction, or a number in words before percent
    r"|(?:a|one|two|three|four)\s+(?:quarter|third|fifth|tenth)s?"
    r"|(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty)"
    r"\s+(?:percent|per\s+cent))\b",
    re.IGNORECASE,
)
# Any day: whether an objective names a date does not depend on when it was written.
_ANY_DAY = date(2000, 1, 1)


def _why_not_a_date(token: str) -> str:
    """A day, but outside the years pdca takes (9999-12-31), is told as every other field
    tells it; anything else "is not a date"."""
    try:
        day = date.fromisoformat(token.strip())
    except ValueError:
        return "is not a date"
    return "is not a date" if EARLIEST <= day <= LATEST else OUT_OF_RANGE


def objective_warnings(objective: str) -> list[str]:
    """What an initiative's objective lacks to be judged: how much, by when. "By when" is
    what the health rules read (``initiative_rules.written_date``): an objective they read
    no date from ("by 05/06/2026", "Q5 2026") is warned of, never passed as dated."""
    text = objective.strip()
    if not text:
        return ["objective: none yet (what outcome, how much, by when?)"]
    warnings = []
    # Dates, and tokens written as one but none ("Q5 2026"), are not how much (a tester).
    undated = text
    for start, end in reversed(date_spans(text)):
        undated = undated[:start] + " " + undated[end:]
    undated = _DATE.sub(" ", _NOT_A_DATE.sub(" ", undated))
    if not (_NUMBER.search(undated) or _AMOUNT_WORDS.search(text)):
        warnings.append("objective: no number (how much? e.g. 20%)")
    if written_date(text, _ANY_DAY) is None:
        bad = [m[0] for m in _NOT_A_DATE.finditer(text) if _unreadable(m)]
        bad += [text[a:b] for a, b in date_spans(text)]
        unread = f" {bad[0].strip()!r} {_why_not_a_date(bad[0])};" if bad else ""
        warnings.append(f"objective: no date (by when?{unread} e.g. Q3 2026 or 2026-09-30)")
    return warnings


def kpi_warnings(
    baseline: float | None,
    target: float | None,
    target_date: str | None,
    direction: str | None = None,
    today: str | None = None,
) -> list[str]:
    """``direction`` ("up": higher is better), when given, also checks that the target asks
    for an improvement on the baseline, not a decline; ``today`` (ISO), that the target date
    is still ahead (a KPI added with a date gone by was taken without a word, a new user)."""
    warnings = []
    if baseline is None:
        warnings.append("baseline: none (where do we start?)")
    if target is None:
        warnings.append("target: none (where do we want to be?)")
    elif baseline is not None and target == baseline:
        warnings.append("target: the same as the baseline (no change asked)")
    elif baseline is not None and direction in ("up", "down"):
        sign = 1 if direction == "up" else -1
        if sign * (target - baseline) < 0:
            better = "higher" if direction == "up" else "lower"
            warnings.append(
                f"target: {shown_number(target)} is worse than the baseline "
                f"{shown_number(baseline)} ({better} is "
                "better: the goal asks for a decline)"
            )
    if not target_date:
        warnings.append("target date: none (by when?)")
    elif today is not None and str(target_date) < today:
        warnings.append(f"target date: {target_date} has passed (by when, from now?)")
    return warnings


def action_warnings(phase: str, done: bool, owner: str | None, due: str | None) -> list[str]:
    if done or phase == "plan":
        return []
    warnings = []
    if not owner:
        warnings.append(f"owner: none, yet in {phase.capitalize()}")
    if not due:
        warnings.append(f"due: none, yet in {phase.capitalize()}")
    return warnings


def reading_warnings(
    latest_at: str | None, cadence: str, created_at: str, now: datetime
) -> list[str]:
    """A KPI not measured for longer than its cadence (and a day's grace)."""
    days = kpi_rules.CADENCE_DAYS[cadence] + kpi_rules.GRACE_DAYS
    if latest_at is None:
        if now - kpi_rules.parse_time(created_at) > timedelta(days=days):
            return [f"readings: none yet, though {cadence}"]
        return []
    if kpi_rules.measurement_overdue(latest_at, cadence, now):  # type: ignore[arg-type]
        gap = (now - kpi_rules.parse_time(latest_at)).days
        return [f"readings: none for {gap} days, though {cadence}"]
    return []
