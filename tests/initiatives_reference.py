"""db/initiatives.py's ``overview`` as it was before it counted the open actions in SQLite
(one Python step per open action). Kept as the reference the counts are checked against
(tests/unit/test_initiatives.py): the same overview on the same file."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import NamedTuple

from pdca.db import initiative_rules as irules
from pdca.db import kpi_rules, rules, smart_rules
from pdca.db import kpis as kpi_reads
from pdca.db.models import (
    PHASES,
    STATUS_ORDER,
    ContentWarning,
    InitiativeKpi,
    InitiativeOverview,
    Kpi,
    KpiStatus,
)
from pdca.db.store import Store

_OPEN_ACTIONS = """
SELECT a.initiative_id, a.phase, a.due, a.created_at, a.last_checkin_at AS last_at,
       a.last_checkin_status AS last_status
FROM actions a
WHERE a.done_at IS NULL AND a.initiative_id IS NOT NULL
"""


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
    alerted = dict(store.conn.execute(_ALERTED).fetchall())
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
    phases: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(PHASES, 0))
    late: dict[int, int] = defaultdict(int)
    stale_days: dict[int, list[int]] = defaultdict(list)
    reported: dict[int, dict[str, int]] = defaultdict(lambda: {"blocked": 0, "at-risk": 0})
    news: dict[int, str] = {}
    started: dict[int, str] = {}  # the newest open action's creation, per initiative
    for action in store.conn.execute(_OPEN_ACTIONS):
        key = action["initiative_id"]
        phases[key][action["phase"]] += 1
        if rules.is_overdue(action["due"], False, today):
            late[key] += 1
        sign = action["last_at"] or action["created_at"]
        days = rules.days_since(sign, now)
        if rules.is_stale(days, False, cadence):
            stale_days[key].append(days)
        elif action["last_status"] in ("blocked", "at-risk"):
            # A fresh report counts; a stale one is outweighed by its staleness.
            reported[key][action["last_status"]] += 1
        if action["last_at"] and action["last_at"] > news.get(key, ""):
            news[key] = action["last_at"]
        if action["created_at"] > started.get(key, ""):
            started[key] = action["created_at"]
    audits_late: dict[int, int] = defaultdict(int)  # every follow-up looked at in Python
    for due, done_at, initiative_id in store.conn.execute(
        "SELECT f.due, f.done_at, a.initiative_id FROM followups f JOIN actions a"
        " ON a.id = f.action_id"
    ):
        if done_at is None and initiative_id is not None and date.fromisoformat(due) < today:
            audits_late[initiative_id] += 1
    result = []
    for initiative in store.list_initiatives():
        key = initiative.id
        rows = by_initiative.get(key, [])
        latest = max([news.get(key, "")] + [r.kpi.latest_at or "" for r in rows])
        # Silence is judged from the start of the work too: a new initiative, action or KPI.
        start = max(
            [initiative.created_at, started.get(key, "")] + [r.kpi.created_at for r in rows]
        )
        # the local day the objective was set
        written = datetime.fromisoformat(initiative.created_at).astimezone().date()
        due_by = irules.objective_date(
            initiative.objective, (r.kpi.target_date for r in rows), written
        )
        facts = irules.InitiativeFacts(
            today=today,
            stale_after_days=cadence,
            kpi_statuses=tuple(r.status for r in rows),
            kpi_open_alerts=tuple(r.alerted for r in rows),
            kpi_acknowledged_alerts=tuple(r.acknowledged for r in rows),
            kpi_names=tuple(r.kpi.name for r in rows),
            open_actions=initiative.open_actions,
            late=late.get(key, 0),
            stale_days=tuple(stale_days.get(key, [])),
            blocked=reported.get(key, {}).get("blocked", 0),
            at_risk=reported.get(key, {}).get("at-risk", 0),
            followups_late=audits_late.get(key, 0),
            days_since_news=rules.days_since(latest, now) if latest else None,
            days_since_start=rules.days_since(start, now),
            objective_date=due_by,
        )
        level, reasons = irules.health(facts)
        result.append(
            InitiativeOverview(
                **initiative.model_dump(),
                health=level,
                reasons=reasons,
                objective_date=due_by.isoformat() if due_by else None,
                open_by_phase=dict(phases[key]) if key in phases else dict.fromkeys(PHASES, 0),
                late_actions=facts.late,
                stale_actions=len(facts.stale_days),
                kpis=[_kpi(r) for r in rows],
                warnings=smart_rules.objective_warnings(initiative.objective),
            )
        )
    result.sort(key=lambda i: (irules.HEALTH_ORDER.index(i.health), i.name.lower()))
    return result


def content_warnings(store: Store) -> list[ContentWarning]:
    """The SMART checks over the whole file: objectives, KPIs, open actions, readings."""
    now = store.clock()
    found: list[ContentWarning] = []
    for initiative in store.list_initiatives():
        found.extend(
            ContentWarning(
                entity="initiative", entity_id=initiative.id, name=initiative.name,
                warning=warning,
            )
            for warning in smart_rules.objective_warnings(initiative.objective)
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
