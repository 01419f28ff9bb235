"""What the flow metrics answer (``pdca flow --json``, the Flow view, the cycle report).

Durations are in days (one decimal), shares are fractions 0..1 (``None``: nothing to count).

Plain dataclasses, not pydantic models: the flow view reads and shows them without importing
pydantic (about 100 ms, as long as the figures' read on the large file). ``model_dump`` gives
the same dict a pydantic model would (``pdca flow --json``, tui/output.py ``to_json``: see
``db.plain``), and the cycle report's pydantic model holds a ``Flow`` as it is.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from pdca.db.plain import PlainRecord

CycleTrend = Literal["shorter", "longer", "flat", "unknown"]


@dataclasses.dataclass(slots=True)
class PhaseFlow(PlainRecord):
    phase: str
    wip: int  # open actions in this phase now
    stays: int  # stays in this phase that ended within the window (moved on, back, or done)
    median_days: float | None
    p85_days: float | None
    oldest_id: int | None  # the open action longest in this phase now (aging)
    oldest_title: str | None
    oldest_days: float | None
    went_back: int  # moves from this phase to an earlier one within the window


@dataclasses.dataclass(slots=True)
class WeekFlow(PlainRecord):
    start: str  # the first day of the 7-day period (YYYY-MM-DD, UTC)
    finished: int  # done through Act (standardize or adjust)
    abandoned: int
    median_cycle_days: float | None


@dataclasses.dataclass(slots=True)
class CycleTime(PlainRecord):
    count: int
    median_days: float | None
    p85_days: float | None
    recent_median_days: float | None  # the last RECENT_WEEKS weeks
    earlier_median_days: float | None  # the weeks of the window before those
    trend: CycleTrend


@dataclasses.dataclass(slots=True)
class OwnerFlow(PlainRecord):
    login: str
    open: int
    weeks_expected: int  # full weeks each open action has lived, summed (within the window)
    weeks_kept: int  # of those, weeks with at least one check-in on that action
    cadence_kept: float | None
    late: int
    late_of: int  # open actions with a due date, and those finished in the window with one
    late_share: float | None


@dataclasses.dataclass(slots=True)
class InitiativeFlow(PlainRecord):
    id: int | None
    name: str
    standardize: int
    adjust: int
    abandon: int
    holding: int  # follow-up audits recorded as holding
    slipped: int
    followups_waiting: int  # due and not recorded yet


@dataclasses.dataclass(slots=True)
class Flow(PlainRecord):
    now: str
    since: str  # the window's start: ``weeks`` weeks before now
    weeks: int
    phases: list[PhaseFlow]
    throughput: list[WeekFlow]  # oldest first
    finished: int
    abandoned: int
    repeat_rounds: int  # repeat rounds standardized before Act: neither of the two
    cycle: CycleTime
    owners: list[OwnerFlow]
    initiatives: list[InitiativeFlow]
