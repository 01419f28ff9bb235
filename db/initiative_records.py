"""An initiative, and the initiatives view's line for it, as the store returns them: plain
frozen dataclasses (``db.plain``), not pydantic models.

The initiatives view paints from these; importing pydantic and building its models cost about
120 ms of that view's start (issue 14). An initiative read back needs no validation (what a
person types is checked by ``InitiativeDraft`` in ``db.records``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pdca.db.models import KpiStatus
from pdca.db.plain import PlainRecord


@dataclass(frozen=True, slots=True, kw_only=True)
class Initiative(PlainRecord):
    id: int
    name: str
    objective: str
    owner: str | None
    created_at: str
    updated_at: str
    version: int
    open_actions: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class InitiativeKpi(PlainRecord):
    """One KPI as the initiatives view shows it beside its initiative."""

    id: int
    name: str
    unit: str
    status: KpiStatus
    latest_value: float | None
    target: float
    target_date: str | None
    recent: list[float | None]  # one per cadence period, oldest first (the sparkline)
    target_missed: bool = False  # its target date passed, not on target (kpi_rules)


@dataclass(frozen=True, slots=True, kw_only=True)
class InitiativeOverview(Initiative):
    """An initiative with its health derived from its data (db/initiative_rules.py): what the
    initiatives view and ``pdca initiative list --json`` show."""

    health: Literal["on-track", "at-risk", "off-track"] = "on-track"
    reasons: list[str] = field(default_factory=list)
    objective_date: str | None = None
    open_by_phase: dict[str, int] = field(default_factory=dict)
    late_actions: int = 0
    stale_actions: int = 0
    kpis: list[InitiativeKpi] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # SMART checks (db/smart_rules.py)
