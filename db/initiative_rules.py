"""An initiative's health, derived from its data (never typed in), pure.

Three levels: ``on-track``, ``at-risk``, ``off-track``; the worst reason wins, and every reason
is said in words ("2 KPIs in alert", "3 of 7 actions late", "no check-in on 2 actions for 14
days"). What people last reported does not outweigh stale data: an action whose last check-in
said "on track" three weeks ago counts as stale, not as on track.

The thresholds (documented in the README):

- off track: a KPI in alert (its value past the alert threshold, or an open alert on it not
  acknowledged yet: a process signal too); half or more of the open actions late; half or
  more of them stale; no check-in and no KPI reading at all for twice the stale cadence
  (14 days by default), silence counted from the initiative's start (its creation, or its
  newest open action's or KPI's) when that is later: a new initiative is not off track for
  want of news;
  the objective's date passed with a KPI short of its target.
- at risk: a KPI in warning, not measured within its cadence, or never measured; a KPI whose
  open alerts are all acknowledged and whose value is back within its thresholds (a
  signal alert stays open until enough readings pass without one: weeks of "off track" for
  a KPI on the mend, a tester); any action
  late, stale, blocked or reported at risk; a follow-up audit of a done action past its day;
  nothing planned (no open action, no KPI).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pdca.db.dates import EARLIEST, LATEST

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
    # signal) not acknowledged yet. Empty: none has.
    kpi_open_alerts: tuple[bool, ...] = ()
    # Beside each status: the KPI has open alerts, every one acknowledged. Empty: none has.
    kpi_acknowledged_alerts: tuple[bool, ...] = ()
    kpi_names: tuple[str, ...] = ()  # beside each status, when known: named in the reasons
    open_actions: int = 0
    late: int = 0
    stale_days: tuple[int, ...] = ()  # days since the last check-in of each stale action
    blocked: int = 0
    at_risk: int = 0  # open actions whose last check-in said at-risk
    followups_late: int = 0  # follow-up audits of its done actions past their day
    days_since_news: int | None = None  # since its last check-in or reading; None: never
    # Since the initiative, or its newest open action or KPI, was created; None: unknown.
    days_since_start: int | None = None
    objective_date: date | None = None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


NAMED_MOST = 3  # KPIs named in a reason; the rest are counted in it already


def _named(facts: InitiativeFacts, judged: list[str], verdict: str) -> str:
    """`` (Escaped defects: an alert not acknowledged; MTTR)``: the KPIs judged ``verdict``,
    when known. One in alert by an open alert while its latest value is not past the
    threshold (a process signal, one not closed yet) is said so: the KPI lines under it read
    "warn" and "ok" (a tester); "an open alert" read as wrong beside "warn" (a new user)."""
    if len(facts.kpi_names) != len(judged):
        return ""
    named = [
        f"{name}: an alert not acknowledged" if verdict == "alert" and status != "alert" else name
        for name, status, seen in zip(facts.kpi_names, facts.kpi_statuses, judged, strict=True)
        if seen == verdict
    ]
    more = " …" if len(named) > NAMED_MOST else ""
    return f" ({'; '.join(named[:NAMED_MOST])}{more})"


def health(facts: InitiativeFacts) -> tuple[Health, list[str]]:
    """The level and its reasons, worst first (no reason: on track)."""
    off: list[str] = []
    risk: list[str] = []
    statuses = facts.kpi_statuses
    flagged = facts.kpi_open_alerts or (False,) * len(statuses)
    acknowledged = facts.kpi_acknowledged_alerts or (False,) * len(statuses)
    # A KPI with an open alert nobody acknowledged is in alert whatever its latest value
    # says; one whose open alerts are acknowledged, back within its thresholds, is on the
    # mend (at risk), and one still past its warning line is in warning. Each counted once.
    judged = [
        "alert" if alerted else ("mending" if acked and status not in ("alert", "warn") else status)
        for status, alerted, acked in zip(statuses, flagged, acknowledged, strict=True)
    ]
    if alerts := judged.count("alert"):
        off.append(f"{_plural(alerts, 'KPI')} in alert{_named(facts, judged, 'alert')}")
    if mending := judged.count("mending"):
        # Not "back within the alert threshold": one that raises signal alerts alone has no
        # threshold to be back within (a KPI trial); its latest reading is in no alert, and
        # an acknowledged alert of it is still open, whatever raised it
        open_ones = (
            "an acknowledged alert still open, its latest reading"
            if mending == 1
            else "acknowledged alerts still open, their latest readings"
        )
        risk.append(
            f"{_plural(mending, 'KPI')} with {open_ones} in no alert"
            + _named(facts, judged, "mending")
        )
    if warns := judged.count("warn"):
        risk.append(f"{_plural(warns, 'KPI')} in warning")
    # A KPI on the mend that nobody measured since is late all the same: "back within the
    # alert threshold" alone hid four days without a reading (a tester).
    late_kpis = sum(
        1
        for seen, status in zip(judged, statuses, strict=True)
        if status == "overdue" and seen != "alert"
    )
    if late_kpis:
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
    if facts.followups_late:
        # is the change holding? nobody looked when it was due (a coach)
        their = "its" if facts.followups_late == 1 else "their"
        risk.append(f"{_plural(facts.followups_late, 'follow-up audit')} past {their} day")
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
    elif not statuses:
        # Work with nothing to say whether the outcome moves: on track by its actions alone,
        # an objective nobody measures read as healthy (a quality manager).
        risk.append("no KPI of its own measures it")
    short = [s for s in statuses if s != "on-target"]
    if facts.objective_date is not None and facts.objective_date < facts.today and short:
        off.append(f"objective date {facts.objective_date.isoformat()} passed, target not met")
    if off:
        return "off-track", off + risk
    if risk:
        return "at-risk", risk
    return "on-track", []


_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Not the start of 2026-13-45, nor the year of "2027 Q3" (its quarter is the date).
_YEAR = r"(?P<year>(?:19|20)\d{2})(?![-/.]?\d|[\s/-]*[qQhH]\d)"
_UNTIL = r"\b(?:by|in|before|until|till|through|during|within|end\s+of)\s+(?:the\s+)?"
# Ways people write when: each gives a day (``_day_of``); the first readable one in the text
# is the objective's date. Those the health rules could not read were still taken as dated
# by the SMART check ("by June 2026", "31/12/2026", "by end of 2026"): never judged late.
_WHEN = re.compile(
    "|".join(
        (
            r"\b(?P<iso>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})\b",
            rf"\b(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+"
            rf"{_MONTH.replace('month', 'dm_m')},?\s+(?P<dm_y>\d{{4}})\b",
            rf"\b{_MONTH.replace('month', 'md_m')}\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
            r"(?P<md_y>\d{4})\b",
            r"\b(?P<n1>\d{1,2})[/.](?P<n2>\d{1,2})[/.](?P<n_y>\d{4})\b",
            rf"\b{_MONTH.replace('month', 'my_m')}\s+(?P<my_y>\d{{4}})\b",
            r"\b(?P<ym_y>\d{4})-(?P<ym_m>\d{2})\b(?!-\d)",
            r"\b(?P<year_first>(?:19|20)\d{2})[\s/-]*(?P<yf_part>[qh])(?P<yf_n>\d)\b",  # 2027-Q3
            r"\b(?P<part>[qh])(?P<part_n>\d)(?:[\s/-]*(?:of\s+)?(?P<part_y>(?:19|20)\d{2}))?\b",
            rf"{_UNTIL}(?:end\s+of\s+)?{_YEAR.replace('year', 'until_y')}",
            rf"{_UNTIL}(?:end\s+of\s+)?{_MONTH.replace('month', 'until_m')}\b(?!\s*,?\s*\d)",
            r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?|this\s+)"
            r"(?P<this>year|quarter|month)\b",
            r"\bnext\s+(?P<next>year|quarter|month)\b",
            # "by year end", "year-end", "EOY": the demo's own objective read as undated
            r"\b(?P<ends>year|quarter|month)[\s-]+end\b|\b(?P<eo>eoy|eoq|eom)\b",
        )
    ),
    re.IGNORECASE,
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _next_end(written: date, year: int | None, last_month: int) -> date:
    """The period ending in ``last_month`` of ``year``, or without a year the first such end
    on or after ``written`` ("in Q3" written in December is next year's)."""
    end = _month_end(written.year if year is None else year, last_month)
    if year is None and end < written:
        end = _month_end(written.year + 1, last_month)
    return end


def _day_of(found: re.Match[str], written: date) -> date | None:
    """The day one match of ``_WHEN`` names; None when it names none (2026-02-30, Q5)."""
    g = found.groupdict()
    try:
        if g["iso"]:
            return date(int(g["iso"]), int(g["iso_m"]), int(g["iso_d"]))
        if g["dm_d"]:
            return date(int(g["dm_y"]), _month_number(g["dm_m"]), int(g["dm_d"]))
        if g["md_d"]:
            return date(int(g["md_y"]), _month_number(g["md_m"]), int(g["md_d"]))
        if g["n1"]:
            first, second, year = int(g["n1"]), int(g["n2"]), int(g["n_y"])
            if first <= 12 and second <= 12 and first != second:
                return None  # 05/06/2026: May or June? Not guessed (2026-06-05 is read)
            day, month = (first, second) if first > 12 or second <= 12 else (second, first)
            return date(year, month, day)
        if g["my_m"]:
            return _month_end(int(g["my_y"]), _month_number(g["my_m"]))
        if g["ym_y"]:
            return _month_end(int(g["ym_y"]), int(g["ym_m"]))
        if g["part"] or g["year_first"]:
            part, digit = (g["part"], g["part_n"]) if g["part"] else (g["yf_part"], g["yf_n"])
            number, per_year = int(digit), (4 if part in "qQ" else 2)
            if not 1 <= number <= per_year:
                return None
            year_text = g["part_y"] if g["part"] else g["year_first"]
            in_year = int(year_text) if year_text else None
            return _next_end(written, in_year, number * 12 // per_year)
        if g["until_y"]:
            return date(int(g["until_y"]), 12, 31)
        if g["until_m"]:
            return _next_end(written, None, _month_number(g["until_m"]))
        if g["ends"] or g["eo"]:
            short = {"eoy": "year", "eoq": "quarter", "eom": "month"}
            g["this"] = g["ends"] or short[g["eo"].lower()]
        if g["this"] or g["next"]:
            unit = (g["this"] or g["next"]).lower()
            ahead = 1 if g["next"] else 0
            if unit == "year":
                return date(written.year + ahead, 12, 31)
            months = {"quarter": 3, "month": 1}[unit]
            index = (written.month - 1) // months + ahead  # periods since January
            year, first = written.year + index * months // 12, index * months % 12
            return _month_end(year, first + months)
    except ValueError:  # a day the month has not (2026-02-30, 31 June 2026)
        return None
    return None


def written_date(objective: str, written: date) -> date | None:
    """The day the objective names, the latest one readable: 2026-09-30, 30 June 2026, June
    30, 2026, 31/12/2026 (day and month told apart only when one is over 12), June 2026 and
    2026-06 (the month's last day), Q3 2026 and H2 2026 (the period's last day), "by 2027"
    and "end of 2026" (the year's), "by June", "in Q3", "end of the quarter", "by year end"
    or "EOY", "next year"
    (counted from ``written``, the day the objective was written: "in Q3" written in
    December means next year's, where this year's made a new initiative late the day it
    began, a tester). None when it names none."""
    # The latest: a deadline comes after any baseline the objective names ("from 40 h in
    # 2025 to 30 h by Q3 2026" was due 2025-12-31, late the day it was written, a reviewer).
    days = [day for found in _WHEN.finditer(objective) if (day := _day_of(found, written))]
    # Within the years every other date of pdca's is (1899-12-31 was judged long passed).
    return max((day for day in days if EARLIEST <= day <= LATEST), default=None)


def date_spans(objective: str) -> list[tuple[int, int]]:
    """Where the objective writes a date, readable or not (their digits are no amount)."""
    return [found.span() for found in _WHEN.finditer(objective)]


def objective_date(
    objective: str, kpi_target_dates: Iterable[str | None], written: date
) -> date | None:
    """When the objective is due: the date written in it (``written_date``), else its KPIs'
    latest target date, else none."""
    day = written_date(objective, written)
    if day is not None:
        return day
    dates = [d for d in kpi_target_dates if d]
    return date.fromisoformat(max(dates)) if dates else None
