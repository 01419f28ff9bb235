"""The KPI rules as pure functions: status, trend, breaches, escalation, before/after change.

No SQLite and no clock of their own: the store gathers the facts and passes ``now``, so the
tests fix time and the command line, the app and the seed all obey the same answers.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pdca.db.clock import day_start, iso, stored_moment
from pdca.db.errors import InvalidInput
from pdca.db.models import (
    STATUS_ORDER,
    Cadence,
    Direction,
    KpiStatus,
    Trend,
    shown_number,
    side_of,
)
from pdca.db.unknown_names import UnknownName

if TYPE_CHECKING:  # a pydantic model: the board's sparklines use these rules without it
    from pdca.db.models import ActionChange, Kpi, KpiDraft

__all__ = ["STATUS_ORDER", "KpiStatus", "Trend"]

ACK_HOURS = 24  # an alert's owner must acknowledge within this; so must each next person
CADENCE_DAYS: dict[str, int] = {"daily": 1, "weekly": 7, "monthly": 31}
GRACE_DAYS = 1  # a measurement a day late is late, not yet overdue
TREND_WINDOW = 7  # readings compared: the latest seven against the seven before
FLAT_SHARE = 0.05  # a move of less than 5% of the baseline-to-target distance is flat
# An abandoned linked action's before and after, in place of a verdict
ABANDONED_WORDS = "abandoned: not credited with the change"
CHANGE_WINDOW_DAYS = 28  # before/after: readings this many days either side of the action


def is_a_reading(value: object, at: object) -> bool:
    """A reading's value that is a number, at a time that looks like one (a cheap test: the
    rows walked together are many)."""
    return (
        isinstance(value, int | float)
        and isinstance(at, str)
        and at[:4].isdigit()
        and at[4:5] == "-"
    )


def parse_time(text: str) -> datetime:
    return stored_moment(text)


def worse(value: float, than: float, direction: Direction) -> bool:
    """Is ``value`` strictly on the bad side of ``than``?"""
    return value < than if direction == "up" else value > than


def at_or_better(value: float, than: float, direction: Direction) -> bool:
    return not worse(value, than, direction)


def beyond_words(value: float, threshold: float, unit: str | None, which: str = "alert") -> str:
    """``12 h is above the alert threshold 8 h``: with the unit, as its closing says it
    ("999 is above 227.5" for a cost: a tester); ``which``: the threshold's name."""
    unit = f" {unit}" if unit else ""
    return (
        f"{shown_number(value)}{unit} is {side_of(value, threshold)}"
        f" the {which} threshold {shown_number(threshold)}{unit}"
    )


def in_alert(value: float, alert: float | None, direction: Direction) -> bool:
    """A reading beyond (strictly past) the alert threshold."""
    return alert is not None and worse(value, alert, direction)


def measurement_overdue(latest_at: str | None, cadence: Cadence, now: datetime) -> bool:
    """The cadence was missed: no reading within the cadence and a day's grace, counted from
    the end of the day the reading stands for (a day after its time), in hours, the same for
    every reader. From its time alone, yesterday's reading given as "yesterday" (its
    midnight) each morning went overdue every night (a trial in five zones); in the reader's
    local days, or in UTC days, a KPI fed on time from one zone was overdue in another for
    hours a day, in the team's report too (a retrial)."""
    if latest_at is None:
        return False
    try:
        latest = parse_time(latest_at)
    except (ValueError, OverflowError):
        return False
    return now - latest > timedelta(days=CADENCE_DAYS[cadence] + GRACE_DAYS + 1)


def status(
    *,
    latest_value: float | None,
    latest_at: str | None,
    direction: Direction,
    target: float,
    warn: float | None,
    alert: float | None,
    cadence: Cadence,
    now: datetime,
) -> KpiStatus:
    """What the latest reading says; a bad value outranks a late measurement.

    ``on-target``: at or past the target. ``ok``: within the thresholds, target not reached.
    """
    if latest_value is None:
        return "no-data"
    if in_alert(latest_value, alert, direction):
        return "alert"
    if warn is not None and worse(latest_value, warn, direction):
        return "warn"
    if measurement_overdue(latest_at, cadence, now):
        return "overdue"
    return "on-target" if at_or_better(latest_value, target, direction) else "ok"


def status_now(kpi: Kpi, now: datetime) -> KpiStatus:
    """The KPI's status now, from its row alone (its latest reading is kept on it)."""
    return status(
        latest_value=kpi.latest_value,
        latest_at=kpi.latest_at,
        direction=kpi.direction,
        target=kpi.target,
        warn=kpi.warn,
        alert=kpi.alert,
        cadence=kpi.cadence,
        now=now,
    )


def trend(
    values: Sequence[float], direction: Direction, baseline: float, target: float
) -> tuple[Trend, int]:
    """(better / worse / flat / unknown, sign of the move: 1 up, -1 down, 0 none).

    The mean of the latest ``TREND_WINDOW`` readings against the mean of the window
    before; with fewer than two windows, the newer half against the older (the odd one in
    the newer); fewer than two readings say nothing. Nine weekly readings were the latest
    seven against two: spend that had fallen four weeks running was "worse (rising)",
    weighed against the two lowest, oldest weeks (a lead's trial).
    """
    if len(values) < 2:
        return "unknown", 0
    whole = len(values) >= 2 * TREND_WINDOW
    recent = values[-TREND_WINDOW:] if whole else values[len(values) // 2 :]
    earlier_end = len(values) - len(recent)
    earlier = values[max(0, earlier_end - TREND_WINDOW) : earlier_end]
    if not earlier:
        return "unknown", 0
    move = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    scale = abs(target - baseline) or abs(baseline) or 1.0
    if abs(move) < FLAT_SHARE * scale:
        return "flat", 0
    sign = 1 if move > 0 else -1
    improving = (sign > 0) == (direction == "up")
    return ("better" if improving else "worse"), sign


def check_escalation(owner: str | None, path: Sequence[str]) -> None:
    """The path passes an alert on from its owner: the owner again in it would hand it back
    to the one who let it pass (a tester's --owner dana --escalate-to dana was taken)."""
    if owner is not None and owner in path:
        raise InvalidInput(
            "--escalate-to",
            ",".join(path),
            f"holds {owner}, the KPI's owner: an alert they let pass would come back to them",
        )
    # In other capitals too: "--owner bob --escalate-to Bob" made a second person Bob, a typo
    # for the owner, as reassign refuses one (a tester).
    alike = [login for login in path if owner is not None and login.lower() == owner.lower()]
    if alike:
        raise InvalidInput(
            "--escalate-to",
            ",".join(path),
            f"holds {alike[0]}, the KPI's owner {owner} in other capitals: name the next person up",
        )


def check_kpi(kpi: KpiDraft) -> None:
    """Refuse thresholds that contradict the direction, and a benchmark source alone.

    Warn and alert sit on the bad side of the target, and alert no better than warn: a
    lower-is-better KPI with target 24 warns above 24 and alerts above the warning.
    """
    better = "lower" if kpi.direction == "down" else "higher"
    for name, value in (("warn", kpi.warn), ("alert", kpi.alert)):
        if value is not None and not worse(value, kpi.target, kpi.direction):
            raise InvalidInput(
                name,
                value,
                f"is not worse than the target {shown_number(kpi.target)} ({better} is better)",
            )
    if kpi.warn is not None and kpi.alert is not None and worse(kpi.warn, kpi.alert, kpi.direction):
        raise InvalidInput(
            "alert", kpi.alert, f"is better than warn {shown_number(kpi.warn)} ({better} is better)"
        )
    if kpi.baseline_from and kpi.baseline_to and kpi.baseline_to < kpi.baseline_from:
        raise InvalidInput(
            "baseline-to", kpi.baseline_to.isoformat(), "is before the baseline's start"
        )
    if kpi.benchmark_source is not None and kpi.benchmark is None:
        raise InvalidInput(
            "benchmark-source", kpi.benchmark_source, "needs a benchmark value (--benchmark)"
        )


def refuse_future_baseline(
    baseline_from: date | None, now: datetime, baseline_to: date | None = None
) -> None:
    """A baseline is readings already taken: a period that starts after today has none, and
    would silence the KPI's signals until it comes; one that ends after today is no period
    fixed yet (``--baseline-to +99999w`` was taken, "start to 3943-06-14", a tester).
    Today is the later of the UTC day the period is kept in and the day here, for add and
    edit alike: add judged by the day here and edit by UTC's, and ``today`` typed in
    Kiritimati was taken by one and refused by the other (a retrial)."""
    today = max(now.astimezone(UTC).date(), now.astimezone().date())
    for field, day in (("baseline-from", baseline_from), ("baseline-to", baseline_to)):
        if day is not None and day > today:
            raise InvalidInput(
                field,
                day.isoformat(),
                f"is in the future (today is {today.isoformat()}): a baseline is readings"
                " already taken",
            )


class UnknownKpi(UnknownName):
    """A KPI name that names no KPI, in one wording wherever a name is taken (``kpi show``,
    ``edit``, ``record``, ``import``, ``add --kpi``, ``edit --kpi``)::

        kpi: “Lead tme” is not a known KPI; did you mean “Lead time”?
        --kpi: “zzz” is not a known KPI (list them: pdca kpi list)

    ``field`` is what the person typed it as (``--kpi``, or ``kpi`` for the NAME argument)."""

    def __init__(self, field: str, wanted: str, names: Sequence[str]) -> None:
        super().__init__(field, wanted, names, kind="KPI", listing="pdca kpi list")


# --------------------------------------------------------------------------- alerts


BreachStep = Literal["raise", "close"]


def breach_step(
    value: float, alert: float | None, direction: Direction, has_open_alert: bool
) -> BreachStep | None:
    """What the KPI's newest reading does to its breach: one alert per breach, not per reading.

    Beyond the threshold with no open alert raises one; back within it closes the open one.
    """
    beyond = in_alert(value, alert, direction)
    if beyond and not has_open_alert:
        return "raise"
    if not beyond and has_open_alert:
        return "close"
    return None


def chain(owner: str | None, path: Sequence[str], fallback: str) -> list[str]:
    """Who holds an alert at each escalation level: the owner (else the first on the path,
    else whoever recorded the reading), then the path in order, nobody twice."""
    people = [owner or (path[0] if path else fallback)]
    for login in path:
        if login not in people:
            people.append(login)
    return people


def first_deadline(raised: datetime) -> datetime:
    return raised + timedelta(hours=ACK_HOURS)


@dataclass(frozen=True)
class Escalation:
    """Where an unacknowledged alert stands after its missed deadlines."""

    assignee: str
    level: int
    ack_due: datetime


def escalate(
    *, level: int, ack_due: datetime, people: Sequence[str], now: datetime
) -> Escalation | None:
    """Pass a missed alert on along ``people`` (see ``chain``), one per missed deadline.

    Each new deadline runs 24 hours from the missed one, not from when somebody happened to
    look, so the result does not depend on when the rule is applied. At the end of the chain
    the alert stays with the last person, past its deadline. ``None`` when nothing changes.
    """
    moved = False
    while now > ack_due and level + 1 < len(people):
        level += 1
        ack_due += timedelta(hours=ACK_HOURS)
        moved = True
    return Escalation(people[level], level, ack_due) if moved else None


def alert_overdue(acknowledged: bool, closed: bool, ack_due: datetime, now: datetime) -> bool:
    """An open alert whose current holder's deadline has passed (strictly: at the deadline it
    is still in time). An escalated alert is not overdue while its new holder is in time."""
    return not acknowledged and not closed and now > ack_due


@dataclass(frozen=True)
class AlertStanding:
    """Whom an alert waits for at a moment, and whether that person is late."""

    assignee: str
    level: int  # escalation level as stored: how many times it was passed on
    ack_due: datetime
    overdue: bool
    escalated: bool  # passed on by the clock since it was last written


def alert_standing(
    *,
    assignee: str,
    level: int,
    ack_due: datetime,
    acknowledged: bool,
    closed: bool,
    owner: str | None,
    path: Sequence[str],
    now: datetime,
) -> AlertStanding:
    """The one rule every reader of an alert applies: given the stored row (its holder, level
    and deadline), the KPI's owner and escalation path as they are now, and ``now``, who the
    alert waits for, at what level, by when, and whether that deadline has passed.

    A write (``alerts.escalate_due``) only records what this already says, so a command run
    before or after that write, or none at all, agrees. Acknowledged or closed alerts stay
    where they were.
    """
    if acknowledged or closed:
        return AlertStanding(assignee, level, ack_due, False, False)
    steps = escalation_steps(assignee=assignee, ack_due=ack_due, owner=owner, path=path, now=now)
    if steps:
        assignee, ack_due, level = steps[-1].to, steps[-1].ack_due, level + len(steps)
    return AlertStanding(
        assignee, level, ack_due, alert_overdue(False, False, ack_due, now), bool(steps)
    )


@dataclass(frozen=True)
class EscalationStep:
    """One missed deadline: at ``missed`` the alert passed from ``holder`` to ``to``, who has
    until ``ack_due``."""

    missed: datetime
    holder: str
    to: str
    ack_due: datetime


def escalation_steps(
    *, assignee: str, ack_due: datetime, owner: str | None, path: Sequence[str], now: datetime
) -> list[EscalationStep]:
    """Every pass-on of an unacknowledged alert from its stored holder up to ``now``, in order
    (none when its deadline has not passed). ``alert_standing`` is the last of them; the
    stand-up lists those in its window."""
    people = chain(owner, path, assignee)
    if assignee in people:  # the chain as it is now, continued from whoever holds the alert
        at = people.index(assignee)
    else:  # the path was edited since: start the holder over at its head
        people, at = [assignee, *people], 0
    steps: list[EscalationStep] = []
    while now > ack_due and at + 1 < len(people):  # ``escalate``, one deadline at a time
        nxt = ack_due + timedelta(hours=ACK_HOURS)
        steps.append(EscalationStep(ack_due, people[at], people[at + 1], nxt))
        at, ack_due = at + 1, nxt
    return steps


# --------------------------------------------------------------------------- before/after


# A before/after verdict needs at least this many readings on each side of the action.
CHANGE_READINGS_NEEDED = 3


def change_window_days(cadence: str) -> int:
    """How many days either side of a linked action its before/after reads: 28, or three
    of the KPI's periods when that is longer. 28 days held one monthly reading, and three are
    needed: a cost KPI's change could never be told (a coach)."""
    return max(CHANGE_WINDOW_DAYS, CHANGE_READINGS_NEEDED * CADENCE_DAYS.get(cadence, 1))


@dataclass(frozen=True)
class Change:
    """The KPI around one linked action: the mean before it entered Do against after it was
    done (within ``CHANGE_WINDOW_DAYS`` either side)."""

    before_mean: float | None
    before_count: int
    after_mean: float | None
    after_count: int
    delta: float | None
    verdict: Trend  # better / worse / flat, or unknown without readings on both sides
    abandoned: bool = False  # as ``ActionChange``'s: the report lists no abandoned one
    window_days: int = CHANGE_WINDOW_DAYS  # ``change_window_days`` of its KPI


def before_after(
    readings: Sequence[tuple[str, float]],
    entered_do: str,
    done_at: str | None,
    *,
    direction: Direction,
    baseline: float,
    target: float,
    window_days: int = CHANGE_WINDOW_DAYS,
) -> Change:
    """``readings`` are (ISO time, value). Without ``done_at`` there is no "after" yet."""
    start = parse_time(entered_do)
    window = timedelta(days=window_days)
    before = [v for at, v in readings if start - window <= parse_time(at) < start]
    after: list[float] = []
    if done_at is not None:
        end = parse_time(done_at)
        after = [v for at, v in readings if end < parse_time(at) <= end + window]
    before_mean = sum(before) / len(before) if before else None
    after_mean = sum(after) / len(after) if after else None
    if before_mean is None or after_mean is None:
        return Change(
            before_mean, len(before), after_mean, len(after), None, "unknown", False, window_days
        )
    delta = after_mean - before_mean
    scale = abs(target - baseline) or abs(baseline) or 1.0
    if min(len(before), len(after)) < CHANGE_READINGS_NEEDED:
        # Too few to judge by: one reading minutes after done read "worse", where the move
        # to Act said "too early to tell" (a new user). The means are still shown.
        verdict: Trend = "unknown"
    elif abs(delta) < FLAT_SHARE * scale:
        verdict = "flat"
    else:
        verdict = "better" if (delta > 0) == (direction == "up") else "worse"
    return Change(
        before_mean, len(before), after_mean, len(after), delta, verdict, False, window_days
    )


def verdict_words(
    verdict: Trend,
    before_count: int,
    after_count: int,
    done: bool = True,
    window_over: bool = False,
    window_days: int = CHANGE_WINDOW_DAYS,
) -> str:
    """A before/after verdict as said: ``better``, ..., or why there is none yet
    (``too early to tell: 1 reading after done``; ``too few readings before Do to tell: 2``;
    ``not done``; ``no readings before Do``).
    ``(unknown)`` after a done action with no reading since told nothing (a retrial).
    ``window_over``: the days after done it compares have passed, so no wait brings more
    readings: "too early to tell" two months on read as a wait (a retrial)."""
    if verdict != "unknown":
        return verdict
    if not done:
        return "not done"
    if not before_count:
        return "no readings before Do"
    if after_count < CHANGE_READINGS_NEEDED:
        count = (
            "no readings"
            if not after_count
            else f"{after_count} reading" + "s" * (after_count != 1)
        )
        if window_over:
            return f"too few readings after done to tell: {count} in the {window_days} days"
        return f"too early to tell: {count} after done"
    # Too few before Do: waiting will not bring more ("too early" said it would, a coach).
    return f"too few readings before Do to tell: {before_count}"


def change_window_over(
    done_at: str | None, now: datetime, window_days: int = CHANGE_WINDOW_DAYS
) -> bool:
    """Whether the days after done that a before/after compares have all passed."""
    return done_at is not None and now - parse_time(done_at) > timedelta(days=window_days)


def change_words(change: ActionChange | Change, done_at: str | None, now: datetime) -> str:
    """``verdict_words`` of one linked action's before and after (done at ``done_at``), as
    ``kpi show``, the app's detail and the report say it at ``now``. An abandoned one's
    means are shown, and no verdict: the KPI moved while the change was dropped, and
    "better" beside it credited a bug bash the team gave up (a coach)."""
    if change.abandoned:
        return ABANDONED_WORDS
    return verdict_words(
        change.verdict,
        change.before_count,
        change.after_count,
        done_at is not None,
        change_window_over(done_at, now, change.window_days),
        change.window_days,
    )


def target_missed(kpi: Kpi, today: date) -> bool:
    """Its target date has passed and its latest value is not at or past the target (or there
    is none): a target 24 h by 2026-09-30, 25.8 h in November, was said nowhere (an analyst).
    The value itself, not the status: an overdue measurement of 23 h met it (a reviewer)."""
    if kpi.target_date is None or kpi.target_date >= today.isoformat():
        return False
    latest = kpi.latest_value
    return latest is None or not at_or_better(latest, kpi.target, kpi.direction)


def target_by_words(target_date: str | None, missed: bool, latest: float | None) -> str:
    """`` by 2026-09-30``, `` by 2026-09-30 (passed, not on target now)``, ``(passed, never
    measured)``, or "" with no date. "not reached" was said of a target met by its date and
    lost since, and of a KPI never measured (a retrial)."""
    if target_date is None:
        return ""
    if not missed:
        return f" by {target_date}"
    why = "never measured" if latest is None else "not on target now"
    return f" by {target_date} (passed, {why})"


# --------------------------------------------------------------------------- sparkline slots


def period_of(moment: datetime, cadence: Cadence) -> date:
    """The first day of the cadence period holding ``moment`` on this process's clock (its
    local day, as every day pdca tells): day, ISO week, month."""
    return _period_of_day(moment.astimezone().date(), cadence)


def _period_of_day(day: date, cadence: Cadence) -> date:
    if cadence == "weekly":
        return day - timedelta(days=day.weekday())
    if cadence == "monthly":
        return day.replace(day=1)
    return day


def previous_period(start: date, cadence: Cadence) -> date:
    if cadence == "daily":
        return start - timedelta(days=1)
    if cadence == "weekly":
        return start - timedelta(days=7)
    return (start - timedelta(days=1)).replace(day=1)


def slots(
    readings: Sequence[tuple[str, float]],
    cadence: Cadence,
    now: datetime,
    count: int,
    *,
    shared: bool = False,
) -> list[float | None]:
    """The last ``count`` cadence periods up to now, oldest first: each period's last reading,
    ``None`` where no measurement was taken (a gap in the sparkline). Periods are the
    reader's local days (weeks, months): a reading at 00:30 in Berlin was drawn in the UTC
    day before, and the missed day showed no gap (an analyst). ``shared``: UTC periods, the
    same for every reader, for a figure everyone is told (``trend``)."""
    bounds = _bounds(cadence, now, count, shared)
    values: list[float | None] = [None] * count
    # By time alone, readings of one time in the order given (recorded, by id): sorted with
    # their values, two readings of one time drew the larger, where the latest value, the
    # status and the alerts took the one recorded last (a tester's 100 then 1).
    for at, value in sorted(((_stored_form(at), value) for at, value in readings), key=_time):
        i = bisect_right(bounds, at) - 1
        if 0 <= i < count:  # before the first period, or after the last (set ahead): no cell
            values[i] = value
    return values


def _time(reading: tuple[str, float]) -> str:
    return reading[0]


def _bounds(cadence: Cadence, now: datetime, count: int, shared: bool) -> tuple[str, ...]:
    if shared:
        latest = _period_of_day(now.astimezone(UTC).date(), cadence)
        return _period_bounds(latest, cadence, count, ("UTC",))
    return _period_bounds(period_of(now, cadence), cadence, count, _zone())


def _zone() -> tuple[object, ...]:
    """This process's clock, for the cache of ``_period_bounds``: a test may change it (two
    zones alike in names and offsets differ in their TZ, a reviewer)."""
    return (os.environ.get("TZ"), time.tzname, time.timezone, time.altzone)


@lru_cache(maxsize=32)
def _period_bounds(
    latest: date, cadence: Cadence, count: int, zone: tuple[object, ...]
) -> tuple[str, ...]:
    """When each of the ``count`` periods up to ``latest`` begins, oldest first, and when the
    last one ends, as stored times (UTC text, which sorts as time does): once per cadence
    for a list of 200 KPIs, and each reading then placed by comparing its text, unparsed
    (parsing each of 70 000 readings took most of the KPI list's time)."""
    periods = [latest]
    while len(periods) < count:
        periods.append(previous_period(periods[-1], cadence))
    periods.reverse()
    after = _next_period(latest, cadence)
    if zone == ("UTC",):
        return tuple(f"{start.isoformat()}T00:00:00Z" for start in [*periods, after])
    return tuple(iso(day_start(start)) for start in [*periods, after])


def _next_period(start: date, cadence: Cadence) -> date:
    if cadence == "daily":
        return start + timedelta(days=1)
    if cadence == "weekly":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _stored_form(at: str) -> str:
    """``at`` as pdca stores times (``2026-07-09T22:30:00Z``), to compare as text: one set by
    hand with an offset or a fraction is read and written again."""
    if len(at) == 20 and at[10] == "T" and at.endswith("Z"):
        return at
    try:
        if len(at) == 10:  # a day alone: its first moment here, as a day typed is read
            return iso(day_start(date.fromisoformat(at)))
        return iso(stored_moment(at))
    except (ValueError, OverflowError):
        return at


def slot_window_start(cadence: Cadence, now: datetime, count: int) -> datetime:
    """The earliest moment ``slots`` can use, local or shared: what the store reads from."""
    first = min(_bounds(cadence, now, count, shared) for shared in (False, True))[0]
    return stored_moment(first)


FUTURE_MARGIN = timedelta(minutes=5)  # clocks of two machines writing one file may differ
# Back-filled history is welcome (a KPI's readings may start long before pdca knew it), but
# not before the Unix epoch: no team measured a process then, and a year typed wrong (1926
# for 2026) would stand as the KPI's oldest reading, its baseline and its chart's left end.
EARLIEST_READING = datetime(1970, 1, 1, tzinfo=UTC)


def refuse_future_reading(at: datetime, now: datetime, field: str) -> None:
    """A reading records what was measured: one dated later than now would stand as the KPI's
    newest until that date, silencing its alerts and signals. A few minutes of skew pass.
    One dated before 1970-01-01 is refused too (``EARLIEST_READING``)."""
    if at > now + FUTURE_MARGIN:
        raise InvalidInput(field, iso(at), f"is in the future (now is {iso(now)})")
    if at < EARLIEST_READING:
        raise InvalidInput(
            field, iso(at), "is before 1970-01-01, the earliest a reading may be dated"
        )
