"""Process-behaviour charts (XmR, Wheeler and Deming) and the Western Electric signals: pure.

No SQLite, no clock: callers pass readings as ``(ISO time, value)`` pairs in time order.

Public API (the cycle report and the views use only this):

- ``chart(readings, baseline=None) -> XmrChart | None``: the individuals chart. ``baseline``
  is the ``(start, end)`` slice of ``readings`` the limits come from (default: the first
  ``BASELINE_READINGS``). ``None`` when the baseline has fewer than ``MIN_BASELINE`` readings.
  ``XmrChart`` holds ``centre`` (baseline mean), ``mr_bar`` (mean moving range), ``lower`` /
  ``upper`` (natural process limits, centre -+ 2.66 mR̄), ``url`` (upper range limit,
  3.268 mR̄), ``sigma`` (mR̄ / 1.128), ``baseline`` (the slice) and ``points`` (every reading).
- ``signals(chart) -> list[Signal]``: every signal of the five rules on the chart's points,
  oldest first. A ``Signal`` names its ``rule_id`` ("we1".."we5"), ``rule_text`` ("8
  readings in a row above the centre line"), the ``indexes`` of the points it covers, its
  ``side`` ("up": above the centre or rising; "down": below or falling), ``at`` (the time of
  its last detection) and ``first_at`` (the time of its first reading, ``indexes[0]``: the
  start of the run that makes it). Detections that overlap are one signal.
- ``active(chart, direction) -> list[Signal]``: the signals in the bad direction of a KPI
  (``direction`` "up" means higher is better) that hold at the latest reading: what raises
  alerts. ``quiet_since(chart, rule_id, side)``: how many readings since that rule last fired.
- ``shift_since(readings, start, direction)``: before and after, for the verdict prompt.
- ``RULES``: rule id -> the pure rule function ``(values, chart) -> list[Detection]``.

Edge cases, chosen: fewer than ``MIN_BASELINE`` baseline readings give no chart (and so no
signals). Zero variation in the baseline (every moving range 0) gives a chart with
``sigma == 0`` and both limits on the centre line: any other reading is beyond a limit (we1,
what ``kpi show``'s "limits 10 to 10" says); the two sigma-zone rules (we2, we3) would only
repeat it and stay silent; the run rules (8 on one side, 6 rising or falling) still apply. Gaps in
time (a missed measurement) do not break a run: an XmR chart is of successive readings.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

Side = Literal["up", "down"]
Direction = Literal["up", "down"]

BASELINE_READINGS = 20  # the default baseline: the first twenty readings
MIN_BASELINE = 6  # fewer baseline readings give limits too loose to mean anything
NPL_FACTOR = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two
URL_FACTOR = 3.268  # D4 for moving ranges of two (Wheeler's; 3.27 rounded it)
D2 = 1.128
RUN_LENGTH = 8  # we4
TREND_LENGTH = 6  # we5
CLOSE_QUIET = 2 * RUN_LENGTH  # a signal alert closes after this many readings without one
SETTLE_READINGS = 8  # before/after: readings since Do before a shift can be told


@dataclass(frozen=True)
class XmrChart:
    centre: float
    mr_bar: float
    lower: float
    upper: float
    url: float
    sigma: float
    baseline: tuple[int, int]  # [start, end) indexes of ``points`` the limits come from
    points: tuple[tuple[str, float], ...]

    @property
    def values(self) -> list[float]:
        return [v for _, v in self.points]


@dataclass(frozen=True)
class Detection:
    """One place a rule fires: ``index`` is the point where it is seen (the window's last),
    ``indexes`` the points that make it."""

    index: int
    indexes: tuple[int, ...]
    side: Side


@dataclass(frozen=True)
class Signal:
    rule_id: str
    rule_text: str
    indexes: tuple[int, ...]
    side: Side
    at: str  # time of the last detection
    first_at: str  # time of the first reading of the signal (``indexes[0]``)
    last_index: int  # index of the last detection


def chart(
    readings: Sequence[tuple[str, float]], baseline: tuple[int, int] | None = None
) -> XmrChart | None:
    """The XmR chart of ``readings`` with limits from ``readings[start:end]``."""
    start, end = baseline if baseline is not None else (0, BASELINE_READINGS)
    start, end = max(0, start), min(len(readings), end)
    base = [v for _, v in readings[start:end]]
    if len(base) < MIN_BASELINE:
        return None
    centre = sum(base) / len(base)
    ranges = [abs(b - a) for a, b in itertools.pairwise(base)]
    mr_bar = sum(ranges) / len(ranges)
    return XmrChart(
        centre=centre,
        mr_bar=mr_bar,
        lower=centre - NPL_FACTOR * mr_bar,
        upper=centre + NPL_FACTOR * mr_bar,
        url=URL_FACTOR * mr_bar,
        sigma=mr_bar / D2,
        baseline=(start, end),
        points=tuple(readings),
    )


def moving_ranges(values: Sequence[float]) -> list[float]:
    return [abs(b - a) for a, b in itertools.pairwise(values)]


# --------------------------------------------------------------------------- the rules


def _side(value: float, centre: float) -> Side | None:
    return "up" if value > centre else "down" if value < centre else None


def beyond_limits(values: Sequence[float], c: XmrChart) -> list[Detection]:
    """we1: a reading beyond a natural process limit (strictly; with zero variation, any
    reading off the centre line)."""
    found: list[Detection] = []
    for i, v in enumerate(values):
        if v > c.upper:
            found.append(Detection(i, (i,), "up"))
        elif v < c.lower:
            found.append(Detection(i, (i,), "down"))
    return found


def _k_of_n(values: Sequence[float], c: XmrChart, k: int, n: int, sigmas: float) -> list[Detection]:
    """k of n successive readings beyond ``sigmas`` on one side (the n ending at each point,
    the point itself among the k: a detection is seen when its last reading arrives)."""
    if c.sigma <= 0:
        return []
    found: list[Detection] = []
    high, low = c.centre + sigmas * c.sigma, c.centre - sigmas * c.sigma
    # Each reading's side once, not once per window it is in (a year of daily readings for
    # each of 200 KPIs is a team report's largest cost).
    sides: tuple[tuple[Side, list[bool]], ...] = (
        ("up", [v > high for v in values]),
        ("down", [v < low for v in values]),
    )
    for i in range(len(values)):
        for side, beyond in sides:
            if beyond[i]:  # the point itself must be among the k
                hits = tuple(j for j in range(max(0, i - n + 1), i + 1) if beyond[j])
                if len(hits) >= k:
                    found.append(Detection(i, hits, side))
    return found


def two_of_three(values: Sequence[float], c: XmrChart) -> list[Detection]:
    """we2: 2 of 3 successive readings beyond two sigma on one side."""
    return _k_of_n(values, c, 2, 3, 2.0)


def four_of_five(values: Sequence[float], c: XmrChart) -> list[Detection]:
    """we3: 4 of 5 successive readings beyond one sigma on one side."""
    return _k_of_n(values, c, 4, 5, 1.0)


def run_one_side(values: Sequence[float], c: XmrChart) -> list[Detection]:
    """we4: 8 readings in a row on one side of the centre line (one on it breaks the run)."""
    found: list[Detection] = []
    run_start, run_side = 0, None
    for i, v in enumerate(values):
        side = _side(v, c.centre)
        if side != run_side or side is None:
            run_start, run_side = i, side
        if side is not None and i - run_start + 1 >= RUN_LENGTH:
            found.append(Detection(i, tuple(range(i - RUN_LENGTH + 1, i + 1)), side))
    return found


def trend(values: Sequence[float], c: XmrChart) -> list[Detection]:
    """we5: 6 readings in a row each higher (or each lower) than the one before (a tie breaks
    the run)."""
    found: list[Detection] = []
    rising = falling = 1  # length of the run ending at i
    for i in range(1, len(values)):
        rising = rising + 1 if values[i] > values[i - 1] else 1
        falling = falling + 1 if values[i] < values[i - 1] else 1
        for length, side in ((rising, "up"), (falling, "down")):
            if length >= TREND_LENGTH:
                span = tuple(range(i - TREND_LENGTH + 1, i + 1))
                found.append(Detection(i, span, side))  # type: ignore[arg-type]
    return found


RuleFunction = Callable[[Sequence[float], XmrChart], list[Detection]]
RULES: dict[str, RuleFunction] = {
    "we1": beyond_limits,
    "we2": two_of_three,
    "we3": four_of_five,
    "we4": run_one_side,
    "we5": trend,
}
_WINDOW = {"we1": 1, "we2": 3, "we3": 5, "we4": RUN_LENGTH, "we5": TREND_LENGTH}


def rule_text(rule_id: str, side: Side) -> str:
    """The rule as a person reads it, on its side."""
    where = "above" if side == "up" else "below"
    return {
        "we1": f"a reading {where} the {'upper' if side == 'up' else 'lower'} natural limit",
        "we2": f"2 of 3 readings beyond two sigma {where} the centre line",
        "we3": f"4 of 5 readings beyond one sigma {where} the centre line",
        "we4": f"{RUN_LENGTH} readings in a row {where} the centre line",
        "we5": f"{TREND_LENGTH} readings in a row {'rising' if side == 'up' else 'falling'}",
    }[rule_id]


SHORT_TEXT = {  # for narrow columns: the rule in a few words
    "we1": "beyond a limit",
    "we2": "2 of 3 beyond 2 sigma",
    "we3": "4 of 5 beyond 1 sigma",
    "we4": "8 on one side",
    "we5": "6 in a trend",
}


def short(rule_ids: Sequence[str]) -> str:
    """The strongest of several rules (we1 first) in a few words, and how many more."""
    if not rule_ids:
        return ""
    more = len(rule_ids) - 1
    return SHORT_TEXT[min(rule_ids)] + (f" +{more}" if more else "")


def listed(rule_ids: Sequence[str]) -> str:
    """Every rule, strongest first, in a few words each: where there is room (a KPI's
    detail), rather than "beyond a limit +1", which a tester could not read."""
    return ", ".join(SHORT_TEXT[rule] for rule in sorted(set(rule_ids)))


def _merge(rule_id: str, found: list[Detection], c: XmrChart) -> list[Signal]:
    """Detections of one rule on one side whose windows touch are one signal."""
    merged: list[Signal] = []
    for side in ("up", "down"):
        group: list[Detection] = []
        for d in (d for d in found if d.side == side):
            if group and d.index - group[-1].index > _WINDOW[rule_id]:
                merged.append(_signal(rule_id, side, group, c))
                group = []
            group.append(d)
        if group:
            merged.append(_signal(rule_id, side, group, c))
    return merged


def _signal(rule_id: str, side: Side, group: list[Detection], c: XmrChart) -> Signal:
    indexes = tuple(sorted({i for d in group for i in d.indexes}))
    return Signal(
        rule_id=rule_id,
        rule_text=rule_text(rule_id, side),
        indexes=indexes,
        side=side,
        at=c.points[group[-1].index][0],
        first_at=c.points[indexes[0]][0],
        last_index=group[-1].index,
    )


def signals(c: XmrChart | None) -> list[Signal]:
    """Every signal of every rule on the chart's points, by when it was last seen."""
    if c is None:
        return []
    values = c.values
    found = [s for rule_id, rule in RULES.items() for s in _merge(rule_id, rule(values, c), c)]
    return sorted(found, key=lambda s: (s.last_index, s.rule_id))


def bad_side(direction: Direction) -> Side:
    """Higher is better ("up"): the bad side is down."""
    return "down" if direction == "up" else "up"


def active(c: XmrChart | None, direction: Direction) -> list[Signal]:
    """Signals on the bad side that fire at the latest reading: what raises an alert. Each
    is the same signal ``signals`` gives (all its readings, ``first_at`` its first one).

    Only the last ``RUN_LENGTH`` readings are looked at (no rule's window is longer), so the
    KPI list can afford this for every KPI."""
    if c is None or not c.points:
        return []
    offset = max(0, len(c.points) - RUN_LENGTH)
    tail, last = [v for _, v in c.points[offset:]], len(c.points) - 1
    bad = bad_side(direction)
    if not _may_fire(tail, c, 1 if bad == "up" else -1):
        return []
    found: list[Signal] = []
    for rule_id, rule in RULES.items():
        if any(d.index + offset == last and d.side == bad for d in rule(tail, c)):
            # Rare (a signal holds now): the whole signal, as ``signals`` tells it, so that
            # its readings and its first one are the same wherever it is shown.
            whole = _merge(rule_id, rule(c.values, c), c)
            found += [s for s in whole if s.side == bad and s.last_index == last]
    return found


def _may_fire(tail: Sequence[float], c: XmrChart, sign: int) -> bool:
    """What every rule needs to fire at the last reading on the bad side (``sign`` 1: above):
    the reading beyond one sigma (we1-we3), the whole tail on the bad side (we4), or the last
    six each worse than the one before (we5). Most readings fail all three at once."""
    if sign * (tail[-1] - c.centre) > c.sigma:  # beyond a limit too when sigma is 0
        return True
    if len(tail) >= RUN_LENGTH and all(sign * (v - c.centre) > 0 for v in tail[-RUN_LENGTH:]):
        return True
    run = tail[-TREND_LENGTH:]
    return len(run) == TREND_LENGTH and all(sign * (b - a) > 0 for a, b in itertools.pairwise(run))


def quiet_since(c: XmrChart | None, rule_id: str, side: Side) -> int:
    """How many readings came after ``rule_id`` last fired on ``side`` (all of them if never):
    a signal alert closes once every rule has been quiet for ``CLOSE_QUIET`` readings."""
    if c is None:
        return 10**9
    values = c.values
    hits = [d.index for d in RULES[rule_id](values, c) if d.side == side]
    return len(values) - 1 - hits[-1] if hits else len(values)


# --------------------------------------------------------------------------- before/after


@dataclass(frozen=True)
class Shift:
    """The KPI since a linked action entered Do, against the chart of the readings before."""

    before: XmrChart | None  # limits from the readings before Do (up to BASELINE_READINGS)
    after: XmrChart | None  # limits recomputed on the readings since (None: too few)
    after_count: int  # readings since Do
    good_run: int  # the run that tells a shift (the last of RUN_LENGTH or more), else the longest
    good_count: int  # readings since Do on the good side of the old centre line
    shifted: bool  # a sustained shift in the good direction: the last run of RUN_LENGTH or more
    worse: bool  # ... or in the bad direction
    bad_run: int  # the length of that run, when it is in the bad direction
    after_run: int  # readings since that run ended (0: it goes on to the latest reading)
    after_good: int  # ... of them on the good side of the old centre line
    settled: bool  # enough readings since Do (SETTLE_READINGS) to tell
    before_count: int  # readings before Do (up to BASELINE_READINGS)
    before_mean: float | None  # their mean, and the mean of those since: all a lead has
    after_mean: float | None  # to go on while too few readings tell a shift


def shift_since(readings: Sequence[tuple[str, float]], start: str, direction: Direction) -> Shift:
    """``readings`` in time order; ``start`` the ISO time the action entered Do.

    Sustained means Western Electric's run rule: ``RUN_LENGTH`` readings in a row since Do on
    one side of the old centre line (or a limit crossed and held by the rule of 2 of 3).
    """
    cut = next((i for i, (at, _) in enumerate(readings) if at >= start), len(readings))
    old = chart(readings, (max(0, cut - BASELINE_READINGS), cut))
    since = list(readings[cut:])
    new = chart(since, (0, len(since))) if len(since) >= MIN_BASELINE else None
    good = "up" if direction == "up" else "down"
    # The runs since Do, in order, as (side, length); a reading on the line ends a run.
    runs: list[tuple[Side | None, int]] = []
    count = 0
    if old is not None:
        for _, v in since:
            side = _side(v, old.centre)
            count += side == good
            if runs and side is not None and runs[-1][0] == side:
                runs[-1] = (side, runs[-1][1] + 1)
            else:
                runs.append((side, 1))
    # The last sustained run tells which way it went: a run of 10 worse in December, then
    # the best readings on record, read "shifted up (worse): no improvement" at the verdict
    # (a lead's trial); so did a shift kept for 10 readings and then lost for 9.
    last = next(
        (i for i in range(len(runs) - 1, -1, -1) if runs[i][0] and runs[i][1] >= RUN_LENGTH),
        None,
    )
    side, length = runs[last] if last is not None else (None, 0)
    longest_good = max((n for s, n in runs if s == good), default=0)
    return Shift(
        before=old,
        after=new,
        after_count=len(since),
        good_run=length if side == good else longest_good,
        good_count=count,
        shifted=side == good,
        worse=side not in (good, None),
        bad_run=length if side not in (good, None) else 0,
        after_run=sum(n for _, n in runs[last + 1 :]) if last is not None else 0,
        after_good=sum(n for s, n in runs[last + 1 :] if s == good) if last is not None else 0,
        settled=len(since) >= SETTLE_READINGS,
        before_count=cut - max(0, cut - BASELINE_READINGS),
        before_mean=_mean([v for _, v in readings[max(0, cut - BASELINE_READINGS) : cut]]),
        after_mean=_mean([v for _, v in since]),
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _means_so_far(shift: Shift, direction: Direction) -> str:
    """While no shift can be told: the means before and since, and which way is better. A
    weekly KPI needs months of readings for a shift, and every verdict of a quarter said
    only "too few readings" where kpi show later said "better" (a lead's quarter)."""
    if shift.before_mean is None or shift.after_mean is None:
        return ""
    better = "higher" if direction == "up" else "lower"
    return (
        f"; the means so far: {shift.before_mean:.4g} before, {shift.after_mean:.4g} since"
        f" ({better} is better)"
    )


def shift_words(kpi: str, action_id: int, shift: Shift, direction: Direction) -> str:
    """One line of evidence for the verdict prompt, whichever way it went."""
    good = "up" if direction == "up" else "down"
    where = "above" if good == "up" else "below"
    head = f"{kpi}: "
    since = f"since #{action_id} entered Do"
    if shift.before is None:
        return (
            # "to tell a shift" told a newcomer nothing: whether the action moved the number
            head + f"too few readings before #{action_id} entered Do to tell whether it moved"
            f" the KPI ({shift.before_count} readings of the {MIN_BASELINE} needed before it)"
            + _means_so_far(shift, direction)
        )
    if not shift.settled:
        count = shift.after_count
        readings = "no readings" if not count else f"only {count} reading{'s' * (count != 1)}"
        return (
            head
            + f"{readings} {since}: too early to tell ({SETTLE_READINGS} needed)"
            + _means_so_far(shift, direction)
        )
    line = f"the old centre line ({shift.before.centre:.4g})"
    # A run that ended: the readings after it, and how many of them are on the good side.
    later = f"then {shift.after_good} of the {shift.after_run} since {where} it"
    if shift.shifted:
        # "in a row": the run, not a count of the readings on that side (an analyst read
        # 37 of 39 as wrong)
        words = head + f"shifted {good} {since}, {shift.good_run} readings in a row {where} {line}"
        return words + (f", {later}" if shift.after_run else "")
    if shift.worse:
        bad = "down" if good == "up" else "up"
        if shift.after_run:
            return (
                head + f"shifted {bad} (worse) for {shift.bad_run} readings {since}, {later}"
                f" ({line}): no sustained improvement yet"
            )
        return head + f"shifted {bad} (worse) {since}: no improvement"
    return (
        head + f"no sustained shift {since} ({shift.good_count} of {shift.after_count} "
        f"readings {where} the old centre line)"
    )
