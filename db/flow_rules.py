"""How work flows through the phases, as pure functions over facts read from the event log.

No SQLite, no clock: db/flow.py reads the facts and hands them here with ``now``.

Definitions (README, "Flow"):
- A *stay* is the time an action spent in one phase: from when it entered the phase (the
  ``phase_since`` its history recorded) to when it left it, by a move forward, a move back, or
  being done. Stays are counted in the window when they *ended* within it.
- *Went back*: a move from a phase to an earlier one (Check -> Do, Act -> Plan ...), counted
  under the phase it left. An undo is not a move, and a move that was undone is not counted.
- *Finished*: done with the decision standardize or adjust (the cycle went through Act);
  abandoned work is counted apart. *Cycle time*: from when the action was created (it enters
  Plan then, or Do when started there) to done, for finished actions.
- *Weeks* are 7-day periods counted back from now, so the last one is always whole.
- *Check-in cadence kept*: for each open action, the whole weeks of the window it has lived
  through, and how many of them had at least one check-in on it.
- *Late share*: of an owner's open actions with a due date and of those finished in the window
  with one, the share past due now or finished after their due date.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from db import rules
from db.flow_models import CycleTime, CycleTrend, InitiativeFlow, OwnerFlow, PhaseFlow, WeekFlow
from db.models import PHASES

WINDOW_WEEKS = 13  # a quarter
RECENT_WEEKS = 6  # cycle-time trend: these last weeks against the ones before
FLAT_SHARE = 0.1  # a change of the median cycle time within 10% is flat
FINISHED = ("standardize", "adjust")
WEEK_SECONDS = 7 * 86_400


@dataclass(frozen=True)
class PhaseChange:
    """One event of an action's history that ended a stay: a phase move or being done."""

    action_id: int
    at: datetime
    left: str  # the phase it was in
    entered_at: datetime  # when it entered that phase
    to: str | None  # the phase it moved to; None when it was done in ``left``


@dataclass(frozen=True)
class OpenAction:
    id: int
    title: str
    phase: str
    phase_since: datetime
    owner: str | None
    created_at: datetime
    due: str | None


@dataclass(frozen=True)
class DoneAction:
    id: int
    owner: str | None
    created_at: datetime
    done_at: datetime
    decision: str | None
    due: str | None


@dataclass(frozen=True)
class Outcome:
    """One done action's decision, or one follow-up audit, under its initiative."""

    initiative_id: int | None
    decision: str | None = None
    followup: str | None = None  # holding, slipped, or "waiting" (due, not recorded)


def days(span: timedelta) -> float:
    return round(span.total_seconds() / 86_400, 1)


def percentile(values: Sequence[float], share: float) -> float | None:
    """The ``share`` quantile (0..1) by linear interpolation between the closest ranks (the
    method spreadsheets call PERCENTILE.INC); ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    value = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return round(value, 1)


def median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def window_start(now: datetime, weeks: int = WINDOW_WEEKS) -> datetime:
    return now - timedelta(weeks=weeks)


def went_back(change: PhaseChange) -> bool:
    return change.to is not None and PHASES.index(change.to) < PHASES.index(change.left)


def phase_flow(
    changes: Iterable[PhaseChange], open_actions: Sequence[OpenAction], now: datetime
) -> list[PhaseFlow]:
    """Per phase: WIP, the stays that ended (median, 85th percentile), the oldest open item,
    and the moves back. ``changes`` are those of the window."""
    stays: dict[str, list[float]] = defaultdict(list)
    back: dict[str, int] = defaultdict(int)
    for change in changes:
        stays[change.left].append(max(0.0, days(change.at - change.entered_at)))
        back[change.left] += went_back(change)
    result = []
    for phase in PHASES:
        here = [a for a in open_actions if a.phase == phase]
        oldest = min(here, key=lambda a: (a.phase_since, a.id), default=None)
        result.append(
            PhaseFlow(
                phase=phase,
                wip=len(here),
                stays=len(stays[phase]),
                median_days=median(stays[phase]),
                p85_days=percentile(stays[phase], 0.85),
                oldest_id=oldest.id if oldest else None,
                oldest_title=oldest.title if oldest else None,
                oldest_days=max(0.0, days(now - oldest.phase_since)) if oldest else None,
                went_back=back[phase],
            )
        )
    return result


def week_starts(now: datetime, weeks: int = WINDOW_WEEKS) -> list[datetime]:
    """The start of each 7-day period of the window, oldest first."""
    return [now - timedelta(weeks=weeks - k) for k in range(weeks)]


def week_index(moment: datetime, now: datetime, weeks: int = WINDOW_WEEKS) -> int | None:
    """Which period of the window (0 oldest) holds ``moment``; None outside it. A period
    holds its first instant; ``now`` itself is in the last one."""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return None
    back = max(1, math.ceil(seconds / WEEK_SECONDS))  # whole weeks back, rounded up
    index = weeks - back
    return index if 0 <= index < weeks else None


def cycle_days(action: DoneAction) -> float:
    return max(0.0, days(action.done_at - action.created_at))


def throughput(
    done: Iterable[DoneAction], now: datetime, weeks: int = WINDOW_WEEKS
) -> list[WeekFlow]:
    finished: list[list[float]] = [[] for _ in range(weeks)]
    abandoned = [0] * weeks
    for action in done:
        index = week_index(action.done_at, now, weeks)
        if index is None:
            continue
        if action.decision in FINISHED:
            finished[index].append(cycle_days(action))
        else:
            abandoned[index] += 1
    return [
        WeekFlow(
            start=start.date().isoformat(),
            finished=len(finished[k]),
            abandoned=abandoned[k],
            median_cycle_days=median(finished[k]),
        )
        for k, start in enumerate(week_starts(now, weeks))
    ]


def cycle_time(
    done: Iterable[DoneAction],
    now: datetime,
    weeks: int = WINDOW_WEEKS,
    recent_weeks: int = RECENT_WEEKS,
) -> CycleTime:
    """Cycle time of the actions finished in the window, and its trend: the median of the
    last ``recent_weeks`` weeks against the weeks before (within ``FLAT_SHARE``: flat)."""
    every: list[float] = []
    recent: list[float] = []
    earlier: list[float] = []
    for action in done:
        index = week_index(action.done_at, now, weeks)
        if index is None or action.decision not in FINISHED:
            continue
        value = cycle_days(action)
        every.append(value)
        (recent if index >= weeks - recent_weeks else earlier).append(value)
    recent_median, earlier_median = median(recent), median(earlier)
    return CycleTime(
        count=len(every),
        median_days=median(every),
        p85_days=percentile(every, 0.85),
        recent_median_days=recent_median,
        earlier_median_days=earlier_median,
        trend=cycle_trend(recent_median, earlier_median),
    )


def cycle_trend(recent: float | None, earlier: float | None) -> CycleTrend:
    if recent is None or earlier is None:
        return "unknown"
    if abs(recent - earlier) <= FLAT_SHARE * max(earlier, 1.0):
        return "flat"
    return "shorter" if recent < earlier else "longer"


def weeks_kept(
    created_at: datetime,
    checkins: Sequence[datetime],
    now: datetime,
    weeks: int = WINDOW_WEEKS,
    starts: Sequence[datetime] | None = None,
) -> tuple[int, int]:
    """(whole weeks of the window the action lived through, weeks with a check-in on it).
    ``starts``: ``week_starts(now, weeks)``, when the caller has it already."""
    starts = week_starts(now, weeks) if starts is None else starts
    first = next((k for k, start in enumerate(starts) if start >= created_at), weeks)
    marked = {week_index(at, now, weeks) for at in checkins}
    return weeks - first, sum(1 for k in marked if k is not None and k >= first)


def is_late(due: str | None, done_at: datetime | None, today: date) -> bool:
    """Past due now (open), or finished on a later day than its due date."""
    if not due:
        return False
    if done_at is None:
        return rules.is_overdue(due, False, today)
    return done_at.astimezone().date().isoformat() > due  # ISO dates sort as text


def owner_flow(
    open_actions: Sequence[OpenAction],
    done: Sequence[DoneAction],
    checkins: Mapping[int, Sequence[datetime]],
    now: datetime,
    weeks: int = WINDOW_WEEKS,
) -> list[OwnerFlow]:
    """One row per owner of open work (or of work finished in the window), by login."""
    today = now.astimezone().date()  # the day people see, as the board's "late"
    open_of: dict[str, list[OpenAction]] = defaultdict(list)
    done_of: dict[str, list[DoneAction]] = defaultdict(list)
    for action in open_actions:
        if action.owner:
            open_of[action.owner].append(action)
    for finished in done:
        if finished.owner:
            done_of[finished.owner].append(finished)
    starts = week_starts(now, weeks)
    rows = []
    for login in sorted(open_of.keys() | done_of.keys()):
        mine = open_of[login]
        expected = kept = 0
        for action in mine:
            found = checkins.get(action.id, ())
            e, k = weeks_kept(action.created_at, found, now, weeks, starts)
            expected, kept = expected + e, kept + k
        dated = [(a.due, None) for a in mine if a.due]
        dated += [(a.due, a.done_at) for a in done_of[login] if a.due]
        late = sum(is_late(due, done_at, today) for due, done_at in dated)
        rows.append(
            OwnerFlow(
                login=login,
                open=len(mine),
                weeks_expected=expected,
                weeks_kept=kept,
                cadence_kept=share(kept, expected),
                late=late,
                late_of=len(dated),
                late_share=share(late, len(dated)),
            )
        )
    return rows


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def initiative_flow(
    outcomes: Iterable[Outcome], names: Mapping[int, str], unlinked: str = "(no initiative)"
) -> list[InitiativeFlow]:
    """Decisions and follow-up audits per initiative, in the order of ``names`` (then the
    work linked to none, if any)."""
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for outcome in outcomes:
        bucket = counts[outcome.initiative_id]
        if outcome.decision:
            bucket[outcome.decision] += 1
        if outcome.followup:
            bucket[outcome.followup] += 1
    order: list[int | None] = [i for i in names if i in counts]
    if None in counts:
        order.append(None)
    return [
        InitiativeFlow(
            id=key,
            name=names[key] if key is not None else unlinked,
            standardize=counts[key]["standardize"],
            adjust=counts[key]["adjust"],
            abandon=counts[key]["abandon"],
            holding=counts[key]["holding"],
            slipped=counts[key]["slipped"],
            followups_waiting=counts[key]["waiting"],
        )
        for key in order
    ]
