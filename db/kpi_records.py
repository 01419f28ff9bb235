"""A KPI, its open alert, its signals and its line in the KPIs view, as the store returns them:
plain frozen dataclasses (``db.plain``), not pydantic models.

The KPIs view paints its first screenful from these; importing pydantic and building its
models cost about 120 ms of that view's start (issue 14). A KPI read back needs no validation
(the schema's CHECKs and types hold its values; what a person types is checked by the drafts
in ``db.records``). The pydantic models that hold one (``KpiDetail``, the reports) validate it
as the dataclass it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pdca.db.models import AlertsMode, Cadence, Direction, KpiStatus, Trend
from pdca.db.plain import PlainRecord


@dataclass(frozen=True, slots=True, kw_only=True)
class Kpi(PlainRecord):
    id: int
    name: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    target_date: str | None
    warn: float | None
    alert: float | None
    cadence: Cadence
    owner: str | None
    escalation: list[str]
    perspective: str
    benchmark: float | None
    benchmark_source: str | None
    initiative_id: int | None
    alerts_mode: AlertsMode = "both"
    baseline_from: str | None = None
    baseline_to: str | None = None
    initiative: str | None = None
    latest_value: float | None = None
    latest_at: str | None = None
    created_at: str
    updated_at: str
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert(PlainRecord):
    id: int
    kpi_id: int
    kpi: str
    reading_id: int | None
    raised_at: str
    assignee: str
    ack_due: str
    escalation_level: int
    acknowledged_at: str | None
    acknowledged_by: str | None
    ack_note: str | None
    closed_at: str | None
    version: int
    # The Western Electric rule that raised it ("we4") and its words; None: the threshold.
    rule: str | None = None
    rule_text: str | None = None
    # Derived from the clock when read: unacknowledged and open past its first deadline.
    overdue: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalMark(PlainRecord):
    """One Western Electric signal (db/xmr.py ``Signal``), by the times of its readings."""

    rule: str
    rule_text: str
    side: Literal["up", "down"]
    bad: bool  # on the KPI's bad side
    first_at: str
    at: str
    points: list[str]  # the times of the readings it covers


@dataclass(frozen=True, slots=True, kw_only=True)
class KpiRow(PlainRecord):
    """One line of the KPIs view and of ``pdca kpi list``: the KPI and what the rules say."""

    kpi: Kpi
    status: KpiStatus
    trend: Trend
    trend_sign: int  # 1 rising, -1 falling, 0 flat or unknown
    recent: list[float | None]  # one per cadence period, oldest first; None: not measured
    alert: Alert | None = None  # the open alert, if any
    # Process-behaviour signals in the bad direction holding at the latest reading (db/xmr.py)
    signals: list[SignalMark] = field(default_factory=list)
    # Its cadence missed (no reading within it and a day's grace), whatever the status says:
    # an alert or a warning 14 days old read as if measured today (a coach).
    measurement_overdue: bool = False
    target_missed: bool = False  # its target date passed, not on target (kpi_rules)
