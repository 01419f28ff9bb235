"""How work flows through the phases, as pure functions over facts read from the event log.

No SQLite, no clock: db/flow.py reads the facts and hands them here with ``now``.

Definitions (README, "Flow"):
- A *stay* is the time an action spent in one phase: from when it entered the phase (the
  ``phase_since`` its history recorded) to when it left it, by a move forward, a move back, or
  being done. Stays are counted in the window when they *ended* within it.
- *Went back*: a move from a phase to an earlier one (Check -> Do, Act -> Plan ...), counted
  under the phase it left. An undo is not a move, and a move that was undone is not counted.
- *Finished*: done with the decision standardize or adjust (the cycle went through Act);
  abandoned work is counted apart, and so are *repeat rounds*: rounds of repeating work done
  before Act (a weekly review ticked off from Plan is routine, not a cycle: counted finished,
  a daily chore's rounds of a few hours pulled the cycle time down and read as throughput).
  *Cycle time*: from when the action was created (it enters Plan then, or Do when started
  there) to done, for finished actions.
- *Weeks* are 7-day periods counted back from now, so the last one is always whole.
- *Check-in cadence kept*: for each open action, the whole weeks of the window it has lived
  through, and how many of them had at least one check-in on it.
- *Late share*: of an owner's open actions with a due date and of those finished in the window
  with one (standardize or adjust: abandoned work and repeat rounds count in neither part), the
  share past due now or finished after their due date.
- Repeat rounds are left out of the stays and the decisions too: routine, not improvement.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from pdca.db import rules
from pdca.db.models import PHASES

if TYPE_CHECKING:  # the models (pydantic) are imported where they are built, not with the
    # words and numbers below: the flow view's frame paints without pydantic (issue 13)
    from pdca.db.flow_models import (
        CycleTime,
        CycleTrend,
        Flow,
        InitiativeFlow,
        OwnerFlow,
        PhaseFlow,
        WeekFlow,
    )

WINDOW_WEEKS = 13  # a quarter
RECENT_WEEKS = 6  # cycle-time trend: these last weeks against the ones before
FLAT_SHARE = 0.1  # a change of the median cycle time within 10% is flat
FINISHED = ("standardize", "adjust")
WEEK_DAYS = 7

# Times come in as *days before now* (floats, computed by SQLite from the ISO times), so the
# rules compare numbers and never parse a timestamp: the large file has tens of thousands.
# The facts are named tuples, built straight from query rows (``_make``), in field order.


class PhaseChange(NamedTuple):
    """One event of an action's history that ended a stay: a phase move or being done."""

    action_id: int
    left: str  # the phase it was in
    to: str | None  # the phase it moved to; None when it was done in ``left``
    stay_days: float  # from entering ``left`` to this event
    ago_days: float  # how long before now the event was


class HistoryEvent(NamedTuple):
    """A phase move or a completion as the event log's index holds it (no snapshots)."""

    action_id: int
    event_id: int
    ago_days: float
    summary: str  # "moved #N from X to Y[ (verdict: V)]" or "done #N (decision)"


def moved_phases(summary: str) -> tuple[str, str] | None:
    """(from, to) of a move's summary (store.move_action's words); None for "done #.."."""
    if not summary.startswith("moved #"):
        return None
    words = summary.split(" ", 6)  # moved #12 from do to act (verdict: worked)
    return words[3], words[5]


def phase_changes(
    events: Iterable[tuple[int, int, float, str]], starts: Mapping[int, tuple[str | None, float]]
) -> list[PhaseChange]:
    """The stays that ``events`` (``HistoryEvent``s or rows of its fields, in time order)
    ended. Each stay began at the action's previous event, or for its first one at
    ``starts[action_id]``: (the phase it was in, or None when the move's own words say it;
    days ago it entered it). An action without a start is left out."""
    state: dict[int, tuple[str | None, float]] = {}
    found = []
    for action_id, _event_id, ago, summary in events:  # by position: rows serve as well
        begun = state.get(action_id) or starts.get(action_id)
        if begun is None:
            continue
        if summary.startswith("moved #"):  # moved_phases(summary), inline: thousands
            words = summary.split(" ", 6)
            left, to = words[3], words[5]
        else:
            phase = begun[0]
            if phase is None:
                continue
            left, to = phase, None
        found.append(PhaseChange(action_id, left, to, begun[1] - ago, ago))
        state[action_id] = (to, ago)
    return found


class OpenAction(NamedTuple):
    id: int
    title: str
    phase: str
    in_phase_days: float  # since it entered its phase
    owner: str | None
    age_days: float  # from its creation to the start of this calendar week (the cadence's)
    due: str | None
    initiative_id: int | None = None


class DoneAction(NamedTuple):
    id: int
    owner: str | None
    cycle_days: float  # created to done
    done_ago_days: float
    decision: str | None
    due: str | None
    done_day: str  # the local day it was done (YYYY-MM-DD), against its due date
    initiative_id: int | None = None
    round_before_act: bool = False  # a repeat round standardized before Act: routine


def finished_cycle(action: DoneAction) -> bool:
    """Done through Act (standardize or adjust), not a repeat round ticked off before it."""
    return action.decision in FINISHED and not action.round_before_act


def repeat_rounds(done: Iterable[DoneAction], weeks: int = WINDOW_WEEKS) -> int:
    """The rounds of repeating work standardized before Act in the window: counted apart."""
    return sum(
        1 for a in done if a.round_before_act and week_index(a.done_ago_days, weeks) is not None
    )


# How many decisions of a kind (standardize, adjust, abandon) and follow-up audits of a result
# (holding, slipped, or "waiting": due, not recorded) each initiative (None: none) has.
Outcomes = Mapping[tuple[int | None, str], int]


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


P85 = 0.85


def quantile_ranks(count: int, share: float = P85) -> set[int]:
    """Which of ``count`` values, in order (0: the least), the median and the ``share``
    quantile are made of: SQLite hands over these few, not every value (db/flow.py)."""
    if not count:
        return set()
    rank = share * (count - 1)
    return {(count - 1) // 2, count // 2, math.floor(rank), math.ceil(rank)}


def median_of_ranked(count: int, at: Mapping[int, float]) -> float | None:
    """``median`` of ``count`` values of which ``at`` holds those at ``quantile_ranks``: the
    same arithmetic as ``statistics.median``, so the same number."""
    if not count:
        return None
    middle = count // 2
    value = at[middle] if count % 2 else (at[middle - 1] + at[middle]) / 2
    return round(value, 1)


def percentile_of_ranked(count: int, at: Mapping[int, float], share: float) -> float | None:
    """``percentile`` of ``count`` values of which ``at`` holds those at ``quantile_ranks``."""
    if not count:
        return None
    rank = share * (count - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return round(at[low] + (at[high] - at[low]) * (rank - low), 1)


def window_start(now: datetime, weeks: int = WINDOW_WEEKS) -> datetime:
    return now - timedelta(weeks=weeks)


def week_starts(now: datetime, weeks: int = WINDOW_WEEKS) -> list[datetime]:
    """The start of each 7-day period of the window, oldest first."""
    return [now - timedelta(weeks=weeks - k) for k in range(weeks)]


def week_index(ago_days: float, weeks: int = WINDOW_WEEKS) -> int | None:
    """Which period of the window (0 oldest) holds the moment ``ago_days`` before now; None
    outside it. A period holds its first instant; now itself is in the last one."""
    if ago_days < 0:
        return None
    back = max(1, math.ceil(ago_days / WEEK_DAYS))  # whole weeks back, rounded up
    index = weeks - back
    return index if 0 <= index < weeks else None


RANK: dict[str, int] = {phase: rank for rank, phase in enumerate(PHASES)}


def went_back(change: PhaseChange) -> bool:
    return change.to is not None and RANK[change.to] < RANK[change.left]


class PhaseNow(NamedTuple):
    """A phase's open work now: how many, and the one longest in it (ties: the lowest id)."""

    wip: int
    oldest_id: int
    oldest_title: str
    oldest_in_phase_days: float


def phase_now(open_actions: Iterable[OpenAction]) -> dict[str, PhaseNow]:
    """``PhaseNow`` per phase from the open actions themselves (db/flow.py asks SQLite)."""
    here: dict[str, list[OpenAction]] = defaultdict(list)
    for action in open_actions:
        here[action.phase].append(action)
    now = {}
    for phase, actions in here.items():
        oldest = max(actions, key=lambda a: (a.in_phase_days, -a.id))
        now[phase] = PhaseNow(len(actions), oldest.id, oldest.title, oldest.in_phase_days)
    return now


def phase_flow(
    changes: Iterable[PhaseChange], open_actions: Sequence[OpenAction]
) -> list[PhaseFlow]:
    return phase_figures(changes, phase_now(open_actions))


def phase_figures(
    changes: Iterable[PhaseChange], open_now: Mapping[str, PhaseNow]
) -> list[PhaseFlow]:
    """Per phase: WIP, the stays that ended (median, 85th percentile), the oldest open item,
    and the moves back. ``changes`` are those of the window."""
    tally = StayTally()
    for _, left, to, stay_days, _ in changes:  # by position: thousands of them
        tally.add(left, to, stay_days)
    return tally_figures(tally, open_now)


class StayTally:
    """The stays that ended per phase (days, never below zero) and the moves back from it:
    what ``phase_figures`` needs of the changes, gathered without a ``PhaseChange`` each."""

    def __init__(self) -> None:
        self.stays: dict[str, list[float]] = defaultdict(list)
        self.back: dict[str, int] = defaultdict(int)

    def add(self, left: str, to: str | None, stay_days: float) -> None:
        self.stays[left].append(max(0.0, stay_days))
        if to is not None and RANK[to] < RANK[left]:  # went_back(change)
            self.back[left] += 1


class PhaseStays(NamedTuple):
    """A phase's stays that ended in the window, counted: how many, their median and 85th
    percentile, and how many of them were moves back."""

    ended: int  # ``count`` would hide tuple.count
    median: float | None
    p85: float | None
    went_back: int


NO_STAYS = PhaseStays(0, None, None, 0)


def tally_figures(tally: StayTally, open_now: Mapping[str, PhaseNow]) -> list[PhaseFlow]:
    """``phase_figures`` of the stays already tallied."""
    stays, back = tally.stays, tally.back
    counted: dict[str, PhaseStays] = {
        phase: PhaseStays(
            len(stays[phase]), median(stays[phase]), percentile(stays[phase], P85), back[phase]
        )
        for phase in PHASES
    }
    return stays_figures(counted, open_now)


def stays_figures(
    stays: Mapping[str, PhaseStays], open_now: Mapping[str, PhaseNow]
) -> list[PhaseFlow]:
    """``phase_figures`` of the stays counted per phase (``PhaseStays``)."""
    from pdca.db.flow_models import PhaseFlow

    result = []
    for phase in PHASES:
        here = open_now.get(phase)
        mine = stays.get(phase, NO_STAYS)
        result.append(
            PhaseFlow(
                phase=phase,
                wip=here.wip if here else 0,
                stays=mine.ended,
                median_days=mine.median,
                p85_days=mine.p85,
                oldest_id=here.oldest_id if here else None,
                oldest_title=here.oldest_title if here else None,
                oldest_days=round(max(0.0, here.oldest_in_phase_days), 1) if here else None,
                went_back=mine.went_back,
            )
        )
    return result


def throughput(
    done: Iterable[DoneAction], now: datetime, weeks: int = WINDOW_WEEKS
) -> list[WeekFlow]:

    finished: list[list[float]] = [[] for _ in range(weeks)]
    abandoned = [0] * weeks
    for action in done:
        index = week_index(action.done_ago_days, weeks)
        if index is None or action.round_before_act:
            continue
        if finished_cycle(action):
            finished[index].append(max(0.0, action.cycle_days))
        else:
            abandoned[index] += 1
    return weeks_figures(
        [len(cycles) for cycles in finished], abandoned, [median(c) for c in finished], now
    )


def weeks_figures(
    finished: Sequence[int],
    abandoned: Sequence[int],
    medians: Sequence[float | None],
    now: datetime,
) -> list[WeekFlow]:
    """``throughput`` of the weeks counted (oldest first): finished, abandoned, and the
    median cycle time of those finished, each week."""
    from pdca.db.flow_models import WeekFlow

    weeks = len(finished)
    return [
        WeekFlow(
            # The moment it starts: weeks are the 7 days back from now, and their day alone
            # (a UTC one) put a finish in the week before it to a reader (a lead's weeks).
            start=start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            finished=finished[k],
            abandoned=abandoned[k],
            median_cycle_days=medians[k],
        )
        for k, start in enumerate(week_starts(now, weeks))
    ]


def cycle_time(
    done: Iterable[DoneAction], weeks: int = WINDOW_WEEKS, recent_weeks: int = RECENT_WEEKS
) -> CycleTime:
    """Cycle time of the actions finished in the window, and its trend: the median of the
    last ``recent_weeks`` weeks against the weeks before (within ``FLAT_SHARE``: flat)."""

    every: list[float] = []
    recent: list[float] = []
    earlier: list[float] = []
    for action in done:
        index = week_index(action.done_ago_days, weeks)
        if index is None or not finished_cycle(action):
            continue
        value = max(0.0, action.cycle_days)
        every.append(value)
        (recent if index >= weeks - recent_weeks else earlier).append(value)
    return cycle_figures(every, recent, earlier)


# Finished actions each side needs for a trend: one against one was called "↗ longer" (an
# analyst)
TREND_AT_LEAST = 3


def cycle_figures(every: list[float], recent: list[float], earlier: list[float]) -> CycleTime:
    """``cycle_time`` of the cycles counted (``recent`` and ``earlier`` of them): its trend
    from the two medians, when each side has ``TREND_AT_LEAST``."""
    from pdca.db.flow_models import CycleTime

    recent_median, earlier_median = median(recent), median(earlier)
    enough = min(len(recent), len(earlier)) >= TREND_AT_LEAST
    return CycleTime(
        count=len(every),
        median_days=median(every),
        p85_days=percentile(every, P85),
        recent_median_days=recent_median,
        earlier_median_days=earlier_median,
        trend=cycle_trend(recent_median, earlier_median) if enough else "unknown",
    )


def cycle_trend(recent: float | None, earlier: float | None) -> CycleTrend:
    if recent is None or earlier is None:
        return "unknown"
    if abs(recent - earlier) <= FLAT_SHARE * max(earlier, 1.0):
        return "flat"
    return "shorter" if recent < earlier else "longer"


def cadence_start(now: datetime) -> datetime:
    """The first instant of this calendar week (Monday 00:00 UTC): the cadence counts the whole
    weeks before it, one grid for every writer whatever their time zone (db/schema.py keeps
    each owner's weeks on it)."""
    day = now.astimezone(UTC).date()
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def cadence_weeks(now: datetime, weeks: int = WINDOW_WEEKS) -> list[datetime]:
    """The first instant of each of the last ``weeks`` whole calendar weeks, oldest first."""
    start = cadence_start(now)
    return [start - timedelta(weeks=weeks - k) for k in range(weeks)]


def weeks_kept(
    age_days: float, checkin_agos: Iterable[float], weeks: int = WINDOW_WEEKS
) -> tuple[int, int]:
    """(whole calendar weeks of the last ``weeks`` an action lived through, how many of them
    had a check-in on it): its cadence kept. Both are measured in days back from the start of
    this week (``cadence_start``): its creation ``age_days`` before, each check-in ``ago``
    before (a week holds its first instant; this week's check-ins, at or after the start, are
    in none of them)."""
    lived = max(0, min(weeks, math.floor(age_days / WEEK_DAYS)))
    marked = {math.ceil(ago / WEEK_DAYS) for ago in checkin_agos if ago > 0}
    return lived, sum(1 for back in marked if back <= lived)


def is_late(due: str | None, done_day: str | None, today: date) -> bool:
    """Past due now (open: ``done_day`` None), or finished on a later day than its due date."""
    if not due:
        return False
    if done_day is None:
        return rules.is_overdue(due, False, today)
    return done_day > due  # ISO dates sort as text


class OwnerOpen(NamedTuple):
    """An owner's open work, counted: how many, their cadence (``weeks_kept``'s two numbers
    summed), and of those with a due date (``dated``) how many are past it (``late``)."""

    login: str
    open: int
    weeks_expected: int
    weeks_kept: int
    late: int
    dated: int


def owner_open(
    open_actions: Iterable[OpenAction],
    checkins: Mapping[int, Sequence[float]],
    today: date,
    weeks: int = WINDOW_WEEKS,
) -> list[OwnerOpen]:
    """``OwnerOpen`` per owner from the open actions and their check-ins (db/flow.py asks
    SQLite for the same sums)."""
    open_of: dict[str, list[OpenAction]] = defaultdict(list)
    for action in open_actions:
        if action.owner:
            open_of[action.owner].append(action)
    counted = []
    for login, mine in open_of.items():
        expected = kept = 0
        for action in mine:
            lived, with_checkin = weeks_kept(action.age_days, checkins.get(action.id, ()), weeks)
            expected, kept = expected + lived, kept + with_checkin
        dated = [a.due for a in mine if a.due]
        late = sum(is_late(due, None, today) for due in dated)
        counted.append(OwnerOpen(login, len(mine), expected, kept, late, len(dated)))
    return counted


def owner_flow(
    open_actions: Sequence[OpenAction],
    done: Sequence[DoneAction],
    checkins: Mapping[int, Sequence[float]],
    today: date,
    weeks: int = WINDOW_WEEKS,
) -> list[OwnerFlow]:
    """One row per owner of open work (or of work finished in the window), by login.
    ``checkins``: each open action's check-ins, as days before the start of this calendar week
    (``cadence_start``)."""
    return owner_figures(owner_open(open_actions, checkins, today, weeks), done, today)


def owner_figures(
    open_work: Iterable[OwnerOpen], done: Sequence[DoneAction], today: date
) -> list[OwnerFlow]:
    """One row per owner of open work (``open_work``, counted) or of work finished in the
    window (``done``), by login."""
    done_of: dict[str, list[DoneAction]] = defaultdict(list)
    for finished in done:
        if finished.owner:
            done_of[finished.owner].append(finished)
    counted = {}
    for login, mine in done_of.items():
        # Finished means standardize or adjust: abandoned work is neither late nor on time,
        # and a repeat round ticked off before Act is routine (a coach: "late 100%", 10 of
        # its 15 a weekly review's rounds ticked a day late).
        dated = [(a.due, a.done_day) for a in mine if a.due and finished_cycle(a)]
        counted[login] = OwnerDone(len(dated), sum(is_late(due, day, today) for due, day in dated))
    return owners_figures(open_work, counted)


class OwnerDone(NamedTuple):
    """An owner's work done in the window, counted: of that finished (standardize or adjust)
    with a due date, how many, and how many were finished on a later day."""

    dated: int
    late: int


def owners_figures(
    open_work: Iterable[OwnerOpen], done: Mapping[str, OwnerDone]
) -> list[OwnerFlow]:
    """``owner_figures`` of the work counted: one row per owner of open work or of work done
    in the window (``done`` has a row for each, abandoned work alone included), by login."""
    from pdca.db.flow_models import OwnerFlow

    open_of = {counted.login: counted for counted in open_work}
    rows = []
    for login in sorted(open_of.keys() | done.keys()):
        mine = open_of.get(login) or OwnerOpen(login, 0, 0, 0, 0, 0)
        finished = done.get(login) or OwnerDone(0, 0)
        late = mine.late + finished.late
        late_of = mine.dated + finished.dated
        rows.append(
            OwnerFlow(
                login=login,
                open=mine.open,
                weeks_expected=mine.weeks_expected,
                weeks_kept=mine.weeks_kept,
                cadence_kept=share(mine.weeks_kept, mine.weeks_expected),
                late=late,
                late_of=late_of,
                late_share=share(late, late_of),
            )
        )
    return rows


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` to 3 places, but never 0 or 1 for a part that is neither none
    nor all: 1 999 of 2 000 read 100% (a retrial)."""
    if not whole:
        return None
    rounded = round(part / whole, 3)
    if 0 < part < whole and rounded in (0.0, 1.0):
        return round(part / whole, 6)
    return rounded


def initiative_flow(
    outcomes: Outcomes, names: Mapping[int, str], unlinked: str = "(no initiative)"
) -> list[InitiativeFlow]:
    """Decisions and follow-up audits per initiative, in the order of ``names`` (then the
    work linked to none, if any)."""
    from pdca.db.flow_models import InitiativeFlow

    present = {initiative for initiative, _ in outcomes}
    order: list[int | None] = [i for i in names if i in present]
    if None in present:
        order.append(None)

    def count(key: int | None, kind: str) -> int:
        return outcomes.get((key, kind), 0)

    return [
        InitiativeFlow(
            id=key,
            name=names[key] if key is not None else unlinked,
            standardize=count(key, "standardize"),
            adjust=count(key, "adjust"),
            abandon=count(key, "abandon"),
            holding=count(key, "holding"),
            slipped=count(key, "slipped"),
            followups_waiting=count(key, "waiting"),
        )
        for key in order
    ]


# --------------------------------------------------------------------------- words

TREND_WORDS: dict[str, str] = {
    "shorter": "↘ shorter",
    "longer": "↗ longer",
    "flat": "→ flat",
    "unknown": "too few to tell",  # no mark: "?" read as a stray character, "·" doubled " · "
}


# The block characters of widgets/sparkline.py (db imports nothing from the UI).
BARS = "▁▂▃▄▅▆▇█"


def count_bars(counts: Sequence[int]) -> str:
    """Counts per week (throughput) as bars from zero: a week with none is the lowest bar, any
    other at least one step above it, the busiest the highest. A quiet window is all lowest
    bars, never the mid-height line a min-max sparkline draws for a flat series."""
    most = max(counts, default=0)
    top = len(BARS) - 1
    return "".join(
        BARS[0] if count <= 0 else BARS[max(1, round(count / most * top))] for count in counts
    )


def number(value: float | None, unit: str = "d") -> str:
    """``7.3d``, or ``–`` for nothing measured."""
    return "–" if value is None else f"{value:g}{unit}"


def percent(value: float | None) -> str:
    """A share as a whole percent, rounded half up; never 0% or 100% for a share that is
    neither: 199 late of 200 read "100%", 1 of 200 "0%", and 62.5% "62%" (an analyst)."""
    if value is None:
        return "–"
    if 0 < value < 0.01:
        return "<1%"
    if 0.99 < value < 1:
        return ">99%"
    # rounded to 9 places first: 0.285 * 100 is 28.499999999999996 in binary
    return f"{math.floor(round(value * 100, 9) + 0.5)}%"


def rounds_words(flow: Flow, before: str) -> str:
    """``, 7 repeat rounds done``: routine, said apart from the finished cycles (nothing when
    there were none)."""
    if not flow.repeat_rounds:
        return ""
    plural = "s" if flow.repeat_rounds != 1 else ""
    return f"{before}{flow.repeat_rounds} repeat round{plural} done"
