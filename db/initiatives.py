"""Initiatives with their health (db/initiative_rules.py) and the SMART checks over the whole
file (db/smart_rules.py): reads only.

``overview`` counts each initiative's open actions in SQLite (by phase, late, stale from the
latest check-in kept on the row, reported blocked or at risk: one row per initiative, not one
per action), reads the linked KPIs' statuses, alerts and recent readings
(``kpis_by_initiative``: not the trends and signals the KPIs view works out), and applies the
rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from pdca.db import initiative_rules as irules
from pdca.db import kpi_rules, rules, smart_rules
from pdca.db import kpis as kpi_reads
from pdca.db.clock import iso
from pdca.db.models import (
    PHASES,
    STATUS_ORDER,
    Initiative,
    InitiativeKpi,
    InitiativeOverview,
    Kpi,
    KpiStatus,
)
from pdca.db.store import Store

if TYPE_CHECKING:  # a pydantic model: made by doctor --content, not by the view
    from pdca.db.models import ContentWarning

# Each initiative's open actions counted, down the open actions' (initiative_id) index in its
# order (grouping sorts nothing). An action's last sign of life is its latest check-in (kept on
# its row), else its creation; stale (``rules.is_stale``): that sign at or before the cutoff,
# ``now`` less the cadence and a day (ISO times compare as text, as the owners view counts
# them). Of the stale ones, the latest sign (the fewest days: ``rules.days_since`` of it);
# of the others, those whose last check-in reported blocked or at risk.
_OPEN_COUNTS = """
SELECT initiative_id, {plan}, {do}, {check}, {act}, {late}, {stale},
  max(CASE WHEN sign <= :cutoff THEN sign END), {blocked}, {at_risk},
  max(nullif(last_checkin_at, '')), max(created_at)
FROM (
  SELECT initiative_id, phase, due, last_checkin_status, last_checkin_at, created_at,
    coalesce(nullif(last_checkin_at, ''), created_at) AS sign
  FROM actions INDEXED BY idx_actions_open_health
  WHERE done_at IS NULL AND initiative_id IS NOT NULL
)
GROUP BY initiative_id
""".format(
    **{
        name: f"count(CASE WHEN {condition} THEN 1 END)"
        for name, condition in {
            "plan": "phase = 'plan'",
            "do": "phase = 'do'",
            "check": "phase = 'check'",
            "act": "phase = 'act'",
            "late": "nullif(due, '') < :today",
            "stale": "sign <= :cutoff",
            "blocked": "sign > :cutoff AND last_checkin_status = 'blocked'",
            "at_risk": "sign > :cutoff AND last_checkin_status = 'at-risk'",
        }.items()
    }
)


# Each initiative's follow-up audits past their day: a standardized change nobody audited
# did not touch its health (a coach), down the open follow-ups' due index, each to its action.
# (Counted here, not by GROUP BY: that sorted them in a temporary B-tree.)
_FOLLOWUPS_LATE = """
SELECT a.initiative_id
FROM followups f INDEXED BY idx_followups_due JOIN actions a ON a.id = f.action_id
WHERE f.done_at IS NULL AND f.due < :today AND a.initiative_id IS NOT NULL
"""


class OpenCounts(NamedTuple):
    """One initiative's open actions, counted by ``_OPEN_COUNTS``."""

    initiative_id: int
    plan: int
    do: int
    check: int
    act: int
    late: int
    stale: int
    stale_latest: str | None  # the latest sign of life of a stale one
    blocked: int
    at_risk: int
    news: str | None  # the latest check-in
    started: str  # the newest one's creation


# The linked KPIs with an open alert (a threshold's or a signal's), each KPI looked up down
# the (kpi_id, closed_at) index: the alerts' order and rows are not needed, only whether.
_ALERTED = """
SELECT k.id, EXISTS (SELECT 1 FROM alerts a WHERE a.kpi_id = k.id AND a.closed_at IS NULL
  AND ifnull(a.acknowledged_at, '') = '') AS waiting
FROM kpis k
WHERE k.initiative_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM alerts a WHERE a.kpi_id = k.id AND a.closed_at IS NULL)
"""


class LinkedKpi(NamedTuple):
    """What an initiative shows and weighs of one of its KPIs."""

    kpi: Kpi
    status: KpiStatus
    alerted: bool  # an open alert of any kind, not acknowledged yet
    acknowledged: bool  # open alerts, every one of them acknowledged
    recent: list[float | None]
    target_missed: bool = False  # its target date passed, not on target


def _kpi(row: LinkedKpi) -> InitiativeKpi:
    kpi = row.kpi
    return InitiativeKpi(
        id=kpi.id,
        name=kpi.name,
        unit=kpi.unit,
        status=row.status,
        latest_value=kpi.latest_value,
        target=kpi.target,
        target_date=kpi.target_date,
        recent=row.recent,
        target_missed=row.target_missed,
    )


def kpis_by_initiative(store: Store, slots: int) -> dict[int, list[LinkedKpi]]:
    """Each initiative's KPIs in the KPIs view's order (worst status first, then by name),
    with what an initiative shows of them: status, whether an alert is open, and the last
    ``slots`` periods' readings. Not their trend or signals (``kpi_reads.kpi_rows`` works
    those out too: most of its time), and only the readings of KPIs linked to an initiative."""
    now = store.clock()
    linked = [kpi for kpi in store.list_kpis() if kpi.initiative_id is not None]
    status = {kpi.id: kpi_reads.status_of(kpi, now) for kpi in linked}
    linked.sort(key=lambda k: (STATUS_ORDER.index(status[k.id]), k.name.lower()))
    recent = kpi_reads.recent_readings(store, now, slots, [kpi.id for kpi in linked])
    alerted = dict(store.conn.execute(_ALERTED).fetchall())  # KPI id: one waits for someone
    found: dict[int, list[LinkedKpi]] = defaultdict(list)
    for kpi in linked:
        assert kpi.initiative_id is not None  # linked
        found[kpi.initiative_id].append(
            LinkedKpi(
                kpi=kpi,
                status=status[kpi.id],
                alerted=bool(alerted.get(kpi.id)),
                acknowledged=alerted.get(kpi.id) == 0,
                recent=kpi_rules.slots(recent.get(kpi.id, []), kpi.cadence, now, slots),
                target_missed=kpi_rules.target_missed(kpi, now.astimezone().date()),
            )
        )
    return found


def overview(store: Store, slots: int = kpi_reads.RECENT_SLOTS) -> list[InitiativeOverview]:
    """Every initiative with its health and reasons, objective date, open actions by phase,
    KPIs with their recent readings and SMART warnings: worst health first, then by name."""
    now = store.clock()
    today = now.astimezone().date()
    cadence = store.stale_after_days()
    by_initiative = kpis_by_initiative(store, slots)
    cutoff = iso(rules.stale_cutoff(now, cadence))  # more than the cadence in calendar days
    counts = {
        row[0]: OpenCounts._make(row)
        for row in store.conn.execute(_OPEN_COUNTS, {"today": today.isoformat(), "cutoff": cutoff})
    }
    audits_late = Counter(
        initiative_id
        for (initiative_id,) in store.conn.execute(_FOLLOWUPS_LATE, {"today": today.isoformat()})
    )
    result = []
    for initiative in store.list_initiatives():
        key = initiative.id
        rows = by_initiative.get(key, [])
        mine = counts.get(key)
        latest = max([(mine and mine.news) or ""] + [r.kpi.latest_at or "" for r in rows])
        # Silence is judged from the start of the work too: a new initiative, action or KPI.
        start = max(
            [initiative.created_at, mine.started if mine else ""] + [r.kpi.created_at for r in rows]
        )
        due_by = irules.objective_date(
            initiative.objective, (r.kpi.target_date for r in rows), _written_on(initiative, today)
        )
        facts = irules.InitiativeFacts(
            today=today,
            stale_after_days=cadence,
            kpi_statuses=tuple(r.status for r in rows),
            kpi_open_alerts=tuple(r.alerted for r in rows),
            kpi_acknowledged_alerts=tuple(r.acknowledged for r in rows),
            kpi_names=tuple(r.kpi.name for r in rows),
            open_actions=initiative.open_actions,
            late=mine.late if mine else 0,
            stale_days=_stale_days(mine, now),
            blocked=mine.blocked if mine else 0,
            at_risk=mine.at_risk if mine else 0,
            followups_late=audits_late.get(key, 0),
            days_since_news=rules.days_since_if_known(latest, now),
            days_since_start=rules.days_since_if_known(start, now),
            objective_date=due_by,
        )
        level, reasons = irules.health(facts)
        result.append(
            InitiativeOverview(
                **initiative.model_dump(),
                health=level,
                reasons=reasons,
                objective_date=due_by.isoformat() if due_by else None,
                open_by_phase=_by_phase(mine),
                late_actions=facts.late,
                stale_actions=mine.stale if mine else 0,
                kpis=[_kpi(r) for r in rows],
                warnings=smart_rules.objective_warnings(initiative.objective),
            )
        )
    result.sort(key=lambda i: (irules.HEALTH_ORDER.index(i.health), i.name.lower()))
    return result


def _by_phase(mine: OpenCounts | None) -> dict[str, int]:
    if mine is None:
        return dict.fromkeys(PHASES, 0)
    return {"plan": mine.plan, "do": mine.do, "check": mine.check, "act": mine.act}


def _written_on(initiative: Initiative, today: date) -> date:
    """The day the initiative's objective was written (made), or today where that cannot be
    read (a time typed in by hand)."""
    try:  # the team's local day, as ``today`` is (a UTC day differs on a server in Sydney)
        made = datetime.fromisoformat(initiative.created_at)
    except (TypeError, ValueError, AttributeError):
        return today
    return made.astimezone().date() if made.tzinfo else made.date()


def _stale_days(mine: OpenCounts | None, now: datetime) -> tuple[int, ...]:
    """What the health rules weigh of the stale actions: how many, and the fewest days since
    a sign of life among them (``irules.health`` reads their count and minimum alone)."""
    if mine is None or not mine.stale or mine.stale_latest is None:
        return ()
    fewest = rules.days_since_if_known(mine.stale_latest, now)
    return () if fewest is None else (fewest,) * mine.stale


def content_warnings(store: Store) -> list[ContentWarning]:
    """The SMART checks over the whole file: objectives, KPIs, open actions, readings."""
    from pdca.db.models import ContentWarning

    now = store.clock()
    found: list[ContentWarning] = []
    measured = {row[0] for row in store.conn.execute("SELECT DISTINCT initiative_id FROM kpis")}
    for initiative in store.list_initiatives():
        warnings = smart_rules.objective_warnings(initiative.objective)
        if initiative.id not in measured:
            warnings.append("no KPI of its own measures it (pdca kpi edit NAME --initiative ...)")
        found.extend(
            ContentWarning(
                entity="initiative", entity_id=initiative.id, name=initiative.name,
                warning=warning,
            )
            for warning in warnings
        )  # fmt: skip
    for kpi in store.list_kpis():
        warnings = smart_rules.kpi_warnings(kpi.baseline, kpi.target, kpi.target_date)
        warnings += smart_rules.reading_warnings(kpi.latest_at, kpi.cadence, kpi.created_at, now)
        found.extend(
            ContentWarning(entity="kpi", entity_id=kpi.id, name=kpi.name, warning=warning)
            for warning in warnings
        )
    rows = store.conn.execute(
        "SELECT id, title, phase, owner, due FROM actions WHERE done_at IS NULL"
        " AND phase != 'plan' AND (owner IS NULL OR due IS NULL) ORDER BY id"
    )
    for row in rows:
        found.extend(
            ContentWarning(entity="action", entity_id=row["id"], name=row["title"], warning=warning)
            for warning in smart_rules.action_warnings(
                row["phase"], False, row["owner"], row["due"]
            )
        )
    return found
