"""The cycle report's data (``pdca report``): an A3 page a lead brings to a review.

What it holds, for the whole team, one initiative, or one action and its cycles: the
objective(s), the KPIs with baseline, target, benchmark, thresholds, status and a year of
readings for the chart, the actions by phase with owners and verdicts, the decisions and the
follow-up audits, and the flow figures (db/flow.py) of the same actions. Rendering is
tui/report_md.py and tui/report_html.py.

Which actions: an initiative's and an action's cycle chain, all of them; the whole team's,
the open ones and those done within the flow window (13 weeks), or the page would list years.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from pdca.db import flow, kpis, signals, xmr
from pdca.db.clock import iso
from pdca.db.errors import InvalidInput
from pdca.db.flow_models import Flow
from pdca.db.flow_rules import WINDOW_WEEKS as WINDOW
from pdca.db.flow_rules import window_start
from pdca.db.kpi_rules import parse_time
from pdca.db.models import Action, KpiRow, record_id
from pdca.db.store import ActionFilter, Store

ReportScope = Literal["team", "initiative", "action"]


class Objective(BaseModel):
    initiative_id: int
    name: str
    objective: str
    owner: str | None


class ChartLimits(BaseModel):
    """A KPI's XmR chart on the report: centre line, lower and upper natural process limits
    (db/xmr.py, from the KPI's baseline readings)."""

    centre: float
    lower: float
    upper: float


class ChartSignal(BaseModel):
    """One reading in a Western Electric signal on the KPI's bad side (``rule`` names it)."""

    at: str
    value: float
    rule: str


class ChartMarker(BaseModel):
    """A linked action on the KPI's chart: ``»`` where it is in Do since, ``✓`` where it
    was done (as the KPI detail marks them)."""

    at: str
    label: str


class ReportKpi(BaseModel):
    row: KpiRow  # the KPI, its status and trend, as the KPIs view shows them
    readings: list[tuple[str, float]]  # (at, value) of the last year, oldest first
    markers: list[ChartMarker] = []
    limits: ChartLimits | None = None
    signals: list[ChartSignal] = []


class ReportFollowup(BaseModel):
    id: int
    action_id: int
    title: str
    owner: str | None
    offset_days: int
    due: str
    result: str | None  # holding, slipped; None: not recorded yet
    done_at: str | None


class Report(BaseModel):
    scope: ReportScope
    title: str
    generated_at: str
    objectives: list[Objective]
    kpis: list[ReportKpi]
    actions: list[Action]  # open ones by phase, then done ones, newest first
    followups: list[ReportFollowup]
    flow: Flow


def build_report(store: Store, target: str | None) -> Report:
    """The report for ``target``: None (the whole team), an initiative's name, or ``#ID``
    (``ID``) of an action. Unknown ones raise ``InvalidInput`` / ``NotFound``."""
    now = store.clock()
    since = iso(window_start(now))
    initiatives = store.list_initiatives()
    action_id = None
    if target is not None and target.startswith("#"):  # an initiative name may be "12"
        action_id = record_id(target)
        if action_id is None:
            raise InvalidInput("report", target, "is not an action id (#12)")
    if target is None:
        scope: ReportScope = "team"
        title = "All initiatives"
        chosen = initiatives
        actions = [
            a
            for a in store.list_actions(ActionFilter(include_done=True))
            if a.done_at is None or a.done_at >= since
        ]
        scoped = flow.EVERYTHING
    elif action_id is not None:
        scope = "action"
        root = store.get_action(action_id)  # NotFound names the id
        actions = _cycles(store, root)
        title = f"#{root.id} {root.title}"
        chosen = [i for i in initiatives if i.id == root.initiative_id]
        scoped = flow.Scope(action_ids={a.id for a in actions})
    else:
        found = next((i for i in initiatives if i.name.casefold() == target.casefold()), None)
        if found is None:
            raise InvalidInput(
                "report", target, "is not a known initiative (list them: pdca initiative list)"
            )
        scope, title, chosen = "initiative", found.name, [found]
        actions = store.list_actions(ActionFilter(initiative=found.name, include_done=True))
        scoped = flow.Scope(initiative_id=found.id)
    ids = {a.id for a in actions}
    chosen_ids = {i.id for i in chosen}
    linked_kpis = {a.kpi_id for a in actions if a.kpi_id is not None}
    rows = [
        r
        for r in kpis.kpi_rows(store)
        if scope == "team" or r.kpi.id in linked_kpis or r.kpi.initiative_id in chosen_ids
    ]
    if scope == "action":
        rows = [r for r in rows if r.kpi.id in linked_kpis]
    start = iso(now - timedelta(days=kpis.DETAIL_DAYS))
    bases = signals.baselines(store, [r.kpi for r in rows])
    markers = _markers(store, [r.kpi.id for r in rows], start, ids if scope == "action" else None)
    return Report(
        scope=scope,
        title=title,
        generated_at=iso(now),
        objectives=[
            Objective(initiative_id=i.id, name=i.name, objective=i.objective, owner=i.owner)
            for i in chosen
        ],
        kpis=[
            _report_kpi(
                r, _readings(store, r.kpi.id, start), markers.get(r.kpi.id, []), bases[r.kpi.id]
            )
            for r in rows
        ],
        actions=_ordered(actions),
        followups=_followups(store, ids, since if scope == "team" else None),
        flow=flow.flow(store, scoped, _weeks(actions, now) if scope == "action" else WINDOW),
    )


def _report_kpi(
    row: KpiRow,
    readings: list[tuple[str, float]],
    markers: list[ChartMarker],
    baseline: list[tuple[str, float]],
) -> ReportKpi:
    """A KPI's chart data with its XmR limits and the readings of its bad-side signals."""
    chart = signals.chart_of(baseline, readings)
    limits = signals.limits_of(chart)
    value_at = dict(readings)
    return ReportKpi(
        row=row,
        readings=readings,
        markers=markers,
        limits=ChartLimits(centre=limits.centre, lower=limits.lower, upper=limits.upper)
        if limits is not None
        else None,
        signals=[
            ChartSignal(at=at, value=value_at[at], rule=mark.rule_text)
            for mark in signals.marks(chart, xmr.signals(chart) if chart else [], row.kpi.direction)
            if mark.bad
            for at in mark.points
            if at in value_at
        ],
    )


def _weeks(actions: list[Action], now: datetime) -> int:
    """One action's cycles: a window from the first one's creation, at least a quarter."""
    first = min(parse_time(a.created_at) for a in actions)
    return max(WINDOW, math.ceil((now - first) / timedelta(weeks=1)))


def _cycles(store: Store, root: Action) -> list[Action]:
    """The action with every cycle before it (its parents) and after it (adjust's children)."""
    chain = [root]
    seen = {root.id}
    current = root
    while current.parent_id is not None and current.parent_id not in seen:
        current = store.get_action(current.parent_id)
        chain.append(current)
        seen.add(current.id)
    frontier = [root.id]
    while frontier:
        marks = ", ".join("?" for _ in frontier)
        children = [
            r["id"]
            for r in store.conn.execute(
                f"SELECT id FROM actions WHERE parent_id IN ({marks})", frontier
            )
            if r["id"] not in seen
        ]
        seen.update(children)
        chain += [store.get_action(child) for child in children]
        frontier = children
    return chain


_PHASE_ORDER = {"plan": 0, "do": 1, "check": 2, "act": 3}


def _ordered(actions: list[Action]) -> list[Action]:
    open_ = sorted(
        (a for a in actions if a.done_at is None),
        key=lambda a: (_PHASE_ORDER[a.phase], a.due is None, a.due or "", a.id),
    )
    done = sorted((a for a in actions if a.done_at is not None), key=lambda a: a.done_at or "")
    return open_ + done[::-1]


def _markers(
    store: Store, kpi_ids: list[int], start: str, only: set[int] | None
) -> dict[int, list[ChartMarker]]:
    """Each KPI's marks for the actions linked to it (of any initiative, as ``pdca kpi show``
    lists them; ``only``: just these, one action's cycles): ``»`` where one entered Do (from
    the event log, as ``kpi show`` finds it), ``✓`` where it was done if it ever was in Do.
    One that never entered Do (dropped in Plan) has no mark: it changed nothing on the chart.
    Marks before ``start`` (the chart's first day) are left off."""
    linked: list[tuple[int, int, str | None]] = []  # (id, kpi id, done at)
    for kpi_id in kpi_ids:
        linked += [
            (r["id"], kpi_id, r["done_at"])
            for r in store.conn.execute(
                "SELECT id, done_at FROM actions WHERE kpi_id = ?"
                " AND (done_at IS NULL OR done_at >= ?) ORDER BY id",
                (kpi_id, start),
            )
            if only is None or r["id"] in only
        ]
    entered: dict[int, str] = {}
    for at in range(0, len(linked), _CHUNK):
        entered.update(kpis._entered_do(store, [row[0] for row in linked[at : at + _CHUNK]]))
    found: dict[int, list[ChartMarker]] = {}
    for action_id, kpi_id, done_at in linked:
        began = entered.get(action_id)
        if began is None:
            continue
        marks = found.setdefault(kpi_id, [])
        if began >= start:
            marks.append(ChartMarker(at=began, label=f"» #{action_id}"))
        if done_at is not None:
            marks.append(ChartMarker(at=done_at, label=f"✓ #{action_id}"))
    return {kpi_id: sorted(marks, key=lambda m: m.at) for kpi_id, marks in found.items()}


_CHUNK = 5000  # ids per IN (...) list: well under SQLite's variable limit


def _readings(store: Store, kpi_id: int, start: str) -> list[tuple[str, float]]:
    rows = store.conn.execute(
        "SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at >= ? ORDER BY at, id",
        (kpi_id, start),
    )
    return [(r["at"], r["value"]) for r in rows]


def _followups(store: Store, action_ids: set[int], since: str | None) -> list[ReportFollowup]:
    """Follow-up audits of ``action_ids`` that were recorded, or fell due; ``since``: only
    those recorded or due since then (the whole team's report)."""
    if not action_ids:
        return []
    today = store.clock().astimezone().date().isoformat()
    rows = store.conn.execute(
        "SELECT f.id, f.action_id, a.title, f.owner, f.offset_days, f.due, f.result, f.done_at"
        " FROM followups f JOIN actions a ON a.id = f.action_id"
        " WHERE f.done_at IS NOT NULL OR f.due <= ? ORDER BY f.due, f.id",
        (today,),
    )
    found = []
    for r in rows:
        if r["action_id"] not in action_ids:
            continue
        if since is not None and max(r["done_at"] or "", r["due"]) < since[:10]:
            continue
        found.append(ReportFollowup(**dict(r)))
    return found
