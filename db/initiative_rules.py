"""An initiative's health, derived from its data (never typed in), pure.

Three levels: ``on-track``, ``at-risk``, ``off-track``; the worst reason wins, and every reason
is said in words ("2 KPIs in alert", "3 of 7 actions late", "no check-in on 2 actions for 14
days"). What people last reported does not outweigh stale data: an action whose last check-in
said "on track" three weeks ago counts as stale, not as on track.

The thresholds (documented in the README):

- off track: a KPI in alert (its value past the alert threshold, or any open alert on it: a
  process signal too); half or more of the open actions late; half or more of them stale;
  no check-in and no KPI reading at all for twice the stale cadence (14 days by default),
  silence counted from the initiative's start (its creation, or its newest open action's or
  KPI's) when that is later: a new initiative is not off track for want of news;
  the objective's date passed with a KPI short of its target.
- at risk: a KPI in warning, not measured within its cadence, or never measured; any action
  late, stale, blocked or reported at risk; nothing planned (no open action, no KPI).
"""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

Health = Literal["on-track", "at-risk", "off-track"]
HEALTH_ORDER: tuple[Health, ...] = ("off-track", "at-risk", "on-track")
OFF_TRACK_SHARE = 0.5  # late (or stale) open actions from this share on: off track
NO_NEWS_FACTOR = 2  # no news at all for this many stale cadences: off track


@dataclass(frozen=True)
class InitiativeFacts:
    """What the rules look at, read from the file at one moment."""

    today: date
    stale_after_days: int
    kpi_statuses: tuple[str, ...] = ()  # kpi_rules.status of each of its KPIs
    # Beside each status: the KPI has an open alert (of any kind: a threshold or a process
    # signal). Empty: none has.
    kpi_open_alerts: tuple[bool, ...] = ()
    open_actions: int = 0
    late: int = 0
    stale_days: tuple[int, ...] = ()  # days since the last check-in of each stale action
    blocked: int = 0
    at_risk: int = 0  # open actions whose last check-in said at-risk
    days_since_news: int | None = None  # since its last check-in or reading; None: never
    # Since the initiative, or its newest open action or KPI, was created; None: unknown.
    days_since_start: int | None = None
    objective_date: date | None = None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def health(facts: InitiativeFacts) -> tuple[Health, list[str]]:
    """The level and its reasons, worst first (no reason: on track)."""
    off: list[str] = []
    risk: list[str] = []
    statuses = facts.kpi_statuses
    flagged = facts.kpi_open_alerts or (False,) * len(statuses)
    # A KPI with an open alert is in alert whatever its latest value says; it is counted once.
    judged = [
        "alert" if alerted else status for status, alerted in zip(statuses, flagged, strict=True)
    ]
    if alerts := judged.count("alert"):
        off.append(f"{_plural(alerts, 'KPI')} in alert")
    if warns := judged.count("warn"):
        risk.append(f"{_plural(warns, 'KPI')} in warning")
    if late_kpis := judged.count("overdue"):
        risk.append(f"{_plural(late_kpis, 'KPI')} not measured on time")
    if unmeasured := judged.count("no-data"):
        risk.append(f"{_plural(unmeasured, 'KPI')} never measured")
    total = facts.open_actions
    if facts.late:
        reason = f"{facts.late} of {_plural(total, 'action')} late"
        (off if facts.late >= total * OFF_TRACK_SHARE else risk).append(reason)
    if stale := len(facts.stale_days):
        days = min(facts.stale_days)
        # The least stale of them: the others have waited longer (a tester read 16 days of
        # three actions 30, 29 and 16 days without one).
        least = f"{days} days" if stale == 1 else f"{days} days or more"
        reason = f"no check-in on {_plural(stale, 'action')} for {least}"
        (off if stale >= total * OFF_TRACK_SHARE else risk).append(reason)
    if facts.blocked:
        risk.append(f"{_plural(facts.blocked, 'action')} blocked")
    if facts.at_risk:
        risk.append(f"{_plural(facts.at_risk, 'action')} reported at risk")
    quiet = facts.stale_after_days * NO_NEWS_FACTOR
    known = [d for d in (facts.days_since_news, facts.days_since_start) if d is not None]
    silence = min(known) if known else None  # news, or a start, resets the silence
    if (total or statuses) and (silence is None or silence > quiet):
        # The days the rule judged: since the news, or since newer work began (a tester read
        # 116 days, the news's, where the rule had counted 56 from a newer action).
        if silence is None or facts.days_since_news is None:
            since = "ever"
        elif silence == facts.days_since_news:
            since = f"for {silence} days"
        else:
            since = f"in the {silence} days since its newest action or KPI began"
        off.append(f"no check-in or reading {since}")
    if not total and not statuses:
        risk.append("nothing planned: no open action, no KPI")
    short = [s for s in statuses if s != "on-target"]
    if facts.objective_date is not None and facts.objective_date < facts.today and short:
        off.append(f"objective date {facts.objective_date.isoformat()} passed, target not met")
    if off:
        return "off-track", off + risk
    if risk:
        return "at-risk", risk
    return "on-track", []


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_QUARTER = re.compile(r"\bQ([1-4])\s*(\d{4})?\b", re.IGNORECASE)


def objective_date(
    objective: str, kpi_target_dates: Iterable[str | None], written: date
) -> date | None:
    """When the objective is due: a date written in it (2026-09-30; "Q3 2026" is that
    quarter's last day, and "in Q3" the first such day on or after ``written``, the day the
    objective was written: "in Q3" written in December means next year's, where this year's
    made a new initiative late the day it began (a tester)), else its KPIs' latest target
    date, else none."""
    for match in _ISO_DATE.finditer(objective):
        with contextlib.suppress(ValueError):
            return date(int(match[1]), int(match[2]), int(match[3]))
    quarter = _QUARTER.search(objective)
    if quarter:
        month = int(quarter[1]) * 3
        year = int(quarter[2]) if quarter[2] else written.year
        end = date(year, month, calendar.monthrange(year, month)[1])
        if not quarter[2] and end < written:
            end = date(year + 1, month, calendar.monthrange(year + 1, month)[1])
        return end
    dates = [d for d in kpi_target_dates if d]
    return date.fromisoformat(max(dates)) if dates else None
