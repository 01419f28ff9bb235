"""The cycle report's data (``pdca report``): an A3 page a lead brings to a review.

What it holds, for the whole team, one initiative, or one action and its cycles: the
objective(s), the KPIs with baseline, target, benchmark, thresholds, status and a year of
readings for the chart, the actions by phase with owners and verdicts, the decisions and the
follow-up audits, and the flow figures (db/flow.py) of the same actions. Rendering is
tui/report_md.py and tui/report_html.py.

Which actions: an initiative's and an action's cycle chain, all of them; the whole team's,
the open ones and those done within the flow window (13 weeks), or the page would list years.
A page stays a page however many there are: each phase lists its ``LIST_CAP`` most pressing
open actions (late first: earliest due date, then the undated, oldest first), the done ones
their ``LIST_CAP`` latest, and the follow-up audits their ``LIST_CAP`` most pressing (waiting
ones, longest due first, then slipped, then holding, latest first); each with its total, so
the page says "and 12 345 more". Only those are read as actions; the totals, the decisions
and the audits' tallies are counted in SQL, down the actions' indexes.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from pdca.db import alerts, flow, kpis, signals, xmr
from pdca.db.clock import iso
from pdca.db.errors import InvalidInput
from pdca.db.flow_models import Flow
from pdca.db.flow_rules import WINDOW_WEEKS as WINDOW
from pdca.db.flow_rules import window_start
from pdca.db.kpi_rules import parse_time
from pdca.db.models import PHASES, Action, Alert, Initiative, Kpi, KpiRow, record_id
from pdca.db.pydantic_setup import skip_plugin_discovery
from pdca.db.store import Store

skip_plugin_discovery()  # before the first model is built

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


class ReportChange(BaseModel):
    """What a linked action done in the window did to its KPI: the mean of the readings
    before it entered Do against after it was done, as ``pdca kpi show`` says it. The one
    line an A3 review needs, which the report did not have (a coach)."""

    action_id: int
    title: str
    done_at: str
    before_mean: float | None
    after_mean: float | None
    verdict: str  # better, worse, flat, or why none (kpi_rules.verdict_words)


CHANGES_LISTED = 5  # a KPI's done actions said, the latest first


class ReportKpi(BaseModel):
    row: KpiRow  # the KPI, its status and trend, as the KPIs view shows them
    readings: list[tuple[str, float]]  # (at, value) of the last year, oldest first
    # In an initiative's report, a KPI another initiative (or none) holds, here because this
    # one's actions move it: said, or a reader takes it for this initiative's (a tester).
    moved_here: bool = False
    markers: list[ChartMarker] = []
    changes: list[ReportChange] = []  # its done actions' before and after, the latest first
    limits: ChartLimits | None = None
    signals: list[ChartSignal] = []
    # The better side's: the shift that shows an improvement held, which an A3 page is for
    # (the report named only the worse side's, a coach)
    better_signals: list[ChartSignal] = []
    # Its other open alerts (the row's is the most pressing): an overdue signal alert beside
    # a threshold one was nowhere in the report (a coach).
    other_alerts: list[Alert] = []


class ReportFollowup(BaseModel):
    id: int
    action_id: int
    title: str
    owner: str | None
    offset_days: int
    due: str
    result: str | None  # holding, slipped; None: not recorded yet
    done_at: str | None


CHART_WEEKS = 52  # a KPI's chart in a report: its readings of the last 52 weeks
GroupName = Literal["plan", "do", "check", "act", "done"]
GROUPS: tuple[GroupName, ...] = ("plan", "do", "check", "act", "done")
LIST_CAP = 20  # actions per phase, done ones, follow-up audits: what a page lists


class ActionGroup(BaseModel):
    """One phase's open actions (or the done ones): how many, and the first ``LIST_CAP``."""

    name: GroupName
    total: int
    actions: list[Action]  # open: late first (due date, undated last, then id); done: latest


class Decisions(BaseModel):
    standardize: int = 0
    adjust: int = 0
    abandon: int = 0
    # Rounds of repeating work ticked off before Act (flow.ROUTINE_ROUNDS): listed among the
    # done, "standardize" each, and in no decision, which read as a wrong count (a reviewer).
    repeat_rounds: int = 0


class FollowupTally(BaseModel):
    holding: int = 0
    slipped: int = 0
    waiting: int = 0  # fell due, no result recorded yet
    past_day: int = 0  # of them, due before today: late (the report never said so, a retrial)
    total: int = 0
    ahead: int = 0  # scheduled, not due yet
    next_due: str | None = None  # the first of those


class Report(BaseModel):
    scope: ReportScope
    title: str
    generated_at: str
    objectives: list[Objective]
    kpis: list[ReportKpi]  # the first LIST_CAP, worst status first (the KPIs view's order)
    kpi_total: int = 0  # how many the scope has
    groups: list[ActionGroup]  # plan, do, check, act (open), then done
    decisions: Decisions  # of the done ones (the whole team's: within the window)
    followups: list[ReportFollowup]  # the first LIST_CAP: waiting, slipped, then holding
    followup_tally: FollowupTally
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
    chain: list[Action] = []
    if target is None:
        scope: ReportScope = "team"
        title = "All initiatives"
        chosen = initiatives
        part = _Part(since=since)
        scoped = flow.EVERYTHING
    elif action_id is not None:
        scope = "action"
        root = store.get_action(action_id)  # NotFound names the id
        chain = _cycles(store, root)
        title = f"#{root.id} {root.title}"
        chosen = [i for i in initiatives if i.id == root.initiative_id]
        part = _Part(action_ids=sorted(a.id for a in chain))
        scoped = flow.Scope(action_ids={a.id for a in chain})
    else:
        found = _initiative_named(initiatives, target)
        if found is None:
            typed = target.strip()
            hint = (
                f"; an action's report is #{typed}" if typed.isascii() and typed.isdigit() else ""
            )
            from pdca.db.unknown_names import UnknownName

            names = [i.name for i in initiatives]
            raise UnknownName(
                "report",
                target,
                names,
                kind="initiative",
                listing="pdca initiative list",
                also=hint,
            )
        scope, title, chosen = "initiative", found.name, [found]
        part = _Part(initiative_id=found.id)
        scoped = flow.Scope(initiative_id=found.id)
    chosen_ids = {i.id for i in chosen}
    linked_kpis = _linked_kpis(store, part, chain)
    rows = [
        r
        for r in kpis.kpi_rows(store)
        if scope == "team" or r.kpi.id in linked_kpis or r.kpi.initiative_id in chosen_ids
    ]
    if scope == "action":
        rows = [r for r in rows if r.kpi.id in linked_kpis]
    # A page stays a page: a team of 200 KPIs shows its 20 in the worst state, with a chart
    # each, and says how many more there are.
    kpi_total, rows = len(rows), rows[:LIST_CAP]
    # The chart's weeks, no more: the HTML chart drew a reading from the day before them,
    # which the text no longer counted (a retrial)
    start = iso(now - timedelta(weeks=CHART_WEEKS))
    bases = signals.baselines(store, [r.kpi for r in rows])
    only = set(part.action_ids) if part.action_ids is not None else None
    markers, changes = _markers(store, [r.kpi for r in rows], start, only)
    open_alerts = alerts.open_alerts_of_each_kpi(store)
    groups, decisions = _chain_groups(chain) if scope == "action" else _groups(store, part)
    followups, tally = _followups(store, part)
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
            ).model_copy(
                update={
                    "changes": changes.get(r.kpi.id, []),
                    "moved_here": scope == "initiative" and r.kpi.initiative_id not in chosen_ids,
                    "other_alerts": [
                        a
                        for a in open_alerts.get(r.kpi.id, [])
                        if r.alert is None or a.id != r.alert.id
                    ],
                }
            )
            for r in rows
        ],
        kpi_total=kpi_total,
        groups=groups,
        decisions=decisions,
        followups=followups,
        followup_tally=tally,
        flow=flow.flow(store, scoped, _weeks(chain, now) if scope == "action" else WINDOW),
    )


@dataclass(frozen=True)
class _Part:
    """Which actions the lists cover: the whole team's (open, or done ``since``), one
    initiative's, or a few by id (one action's cycles)."""

    since: str | None = None
    initiative_id: int | None = None
    action_ids: list[int] | None = None


def _initiative_named(initiatives: list[Initiative], typed: str) -> Initiative | None:
    """The initiative ``typed`` names: exactly, else the one that reads the same in lower
    case and Unicode's composed form, without end blanks (casefold had made "Maße" name
    "Masse", and a manager read the wrong report: a tester)."""
    from pdca.db.text_rules import name_key

    exact = [i for i in initiatives if i.name == typed]
    alike = exact or [i for i in initiatives if name_key(i.name) == name_key(typed)]
    return alike[0] if len(alike) == 1 else None


def _linked_kpis(store: Store, part: _Part, chain: list[Action]) -> set[int]:
    """The KPIs the part's actions are linked to (the whole team's: all are shown anyway)."""
    if part.initiative_id is not None:
        rows = store.conn.execute(
            "SELECT kpi_id FROM actions WHERE initiative_id = ? AND kpi_id IS NOT NULL",
            (part.initiative_id,),
        )
        return {r[0] for r in rows}
    return {a.kpi_id for a in chain if a.kpi_id is not None}


def _open_key(due: str | None, action_id: int) -> tuple[bool, str, int]:
    """An open action's place in its phase's list: late first (the earliest due date), the
    undated after the dated, then the oldest (lowest id)."""
    return (due is None, due or "", action_id)


def _groups(store: Store, part: _Part) -> tuple[list[ActionGroup], Decisions]:
    """Each phase's open actions and the done ones, counted, their first ``LIST_CAP`` read as
    actions; with the done ones' decisions. The whole team's done ones: since ``part.since``
    (the flow window); an initiative's: all of them."""
    picked: dict[str, list[int]] = {}
    totals: dict[str, int] = {}
    if part.initiative_id is not None:
        # An initiative's own, off its indexes: the open ones' and the decisions' (id, due and
        # done_at need only a look-up by rowid each), sorted here, a few thousand at most.
        open_rows = store.conn.execute(
            "SELECT id, phase, due FROM actions WHERE initiative_id = ? AND done_at IS NULL",
            (part.initiative_id,),
        ).fetchall()
        for phase in PHASES:
            here = sorted(_open_key(r["due"], r["id"]) for r in open_rows if r["phase"] == phase)
            totals[phase] = len(here)
            picked[phase] = [key[2] for key in here[:LIST_CAP]]
        done_rows = store.conn.execute(
            "SELECT id, decision, done_at FROM actions WHERE initiative_id = ? AND done_at > ''",
            (part.initiative_id,),
        ).fetchall()
        latest = sorted(((r["done_at"], r["id"]) for r in done_rows), reverse=True)
        totals["done"] = len(done_rows)
        picked["done"] = [action_id for _, action_id in latest[:LIST_CAP]]
        routine = {r[0] for r in store.conn.execute(flow.ROUTINE_ROUNDS)}  # not cycles
        tally = Counter(r["decision"] for r in done_rows if r["id"] not in routine)
        decisions = Decisions(
            standardize=tally["standardize"],
            adjust=tally["adjust"],
            abandon=tally["abandon"],
            repeat_rounds=sum(r["id"] in routine for r in done_rows),
        )
    else:
        # The whole team's: counts and pages straight off (done_at, phase, due).
        since = part.since or ""
        totals.update(
            store.conn.execute(
                "SELECT phase, count(*) FROM actions WHERE done_at IS NULL GROUP BY phase"
            ).fetchall()
        )
        for phase in PHASES:
            ids = [
                r[0]
                for r in store.conn.execute(
                    "SELECT id FROM actions WHERE done_at IS NULL AND phase = ?"
                    " AND due IS NOT NULL ORDER BY due, id LIMIT ?",
                    (phase, LIST_CAP),
                )
            ]
            if len(ids) < LIST_CAP:
                ids += [
                    r[0]
                    for r in store.conn.execute(
                        "SELECT id FROM actions WHERE done_at IS NULL AND phase = ?"
                        " AND due IS NULL ORDER BY id LIMIT ?",
                        (phase, LIST_CAP - len(ids)),
                    )
                ]
            picked[phase] = ids
        counted = store.conn.execute(
            # Rounds of repeating work ticked off before Act are routine, not a decision
            # (flow.ROUTINE_ROUNDS): "standardize 15" beside 6 audits (a coach).
            "SELECT count(*), sum(decision = 'standardize' AND NOT routine),"
            " sum(decision = 'adjust'), sum(decision = 'abandon'), sum(routine) FROM ("
            f"  SELECT decision, id IN ({flow.ROUTINE_ROUNDS}) AS routine"
            "  FROM actions WHERE done_at >= ?)",
            (since,),
        ).fetchone()
        totals["done"] = counted[0]
        decisions = Decisions(
            standardize=counted[1] or 0,
            adjust=counted[2] or 0,
            abandon=counted[3] or 0,
            repeat_rounds=counted[4] or 0,
        )
        picked["done"] = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM actions WHERE done_at >= ? ORDER BY done_at DESC LIMIT ?",
                (since, LIST_CAP),
            )
        ]
    found = {a.id: a for a in store.actions_by_id([i for ids in picked.values() for i in ids])}
    groups = [
        ActionGroup(
            name=name,
            total=totals.get(name, 0),
            actions=[found[i] for i in picked[name] if i in found],
        )
        for name in GROUPS
    ]
    groups[-1].actions.sort(key=lambda a: (a.done_at or "", a.id), reverse=True)
    return groups, decisions


def _chain_groups(chain: list[Action]) -> tuple[list[ActionGroup], Decisions]:
    """One action's cycles, grouped and ordered as the others (a chain is short)."""
    groups = []
    for phase in PHASES:
        here = sorted(
            (a for a in chain if a.done_at is None and a.phase == phase),
            key=lambda a: _open_key(a.due, a.id),
        )
        groups.append(ActionGroup(name=phase, total=len(here), actions=here[:LIST_CAP]))
    done = sorted(
        (a for a in chain if a.done_at is not None),
        key=lambda a: (a.done_at or "", a.id),
        reverse=True,
    )
    groups.append(ActionGroup(name="done", total=len(done), actions=done[:LIST_CAP]))
    rounds = [a for a in done if routine_round(a)]  # no decision (flow.ROUTINE_ROUNDS)
    tally = Counter(a.decision for a in done if a not in rounds)
    return groups, Decisions(
        standardize=tally["standardize"],
        adjust=tally["adjust"],
        abandon=tally["abandon"],
        repeat_rounds=len(rounds),
    )


def routine_round(action: Action) -> bool:
    """A round of repeating work ticked off before Act: routine, no decision
    (``flow.ROUTINE_ROUNDS``, for an action read already)."""
    return (
        action.recurrence_id is not None
        and action.phase != "act"
        and action.decision == "standardize"
    )


def _report_kpi(
    row: KpiRow,
    readings: list[tuple[str, float]],
    markers: list[ChartMarker],
    baseline: list[tuple[str, float]],
) -> ReportKpi:
    """A KPI's chart data with its XmR limits and the readings of its signals, each side's."""
    chart = signals.chart_of(baseline, readings)
    limits = signals.limits_of(chart)
    value_at = dict(readings)
    flagged = [
        (ChartSignal(at=at, value=value_at[at], rule=mark.rule_text), mark.bad)
        for mark in signals.marks(chart, xmr.signals(chart) if chart else [], row.kpi.direction)
        for at in mark.points
        if at in value_at
    ]
    return ReportKpi(
        row=row,
        readings=readings,
        markers=markers,
        limits=ChartLimits(centre=limits.centre, lower=limits.lower, upper=limits.upper)
        if limits is not None
        else None,
        signals=[signal for signal, bad in flagged if bad],
        better_signals=[signal for signal, bad in flagged if not bad],
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


def _markers(
    store: Store, kpis_shown: list[Kpi], start: str, only: set[int] | None
) -> tuple[dict[int, list[ChartMarker]], dict[int, list[ReportChange]]]:
    """Each KPI's marks for the actions linked to it (of any initiative, as ``pdca kpi show``
    lists them; ``only``: just these, one action's cycles): ``»`` where one entered Do (from
    the event log, as ``kpi show`` finds it), ``✓`` where it was done if it ever was in Do,
    ``✗`` where it was abandoned (a ``✓`` read as a success, a tester).
    One that never entered Do (dropped in Plan) has no mark: it changed nothing on the chart.
    Marks before ``start`` (the chart's first day) are left off. With them, what each of
    the latest ``CHANGES_LISTED`` done (not abandoned) did to its KPI (``ReportChange``)."""
    # id, kpi, done at, decision, title
    linked: list[tuple[int, Kpi, str | None, str | None, str]] = []
    for kpi in kpis_shown:
        linked += [
            (r["id"], kpi, r["done_at"], r["decision"], r["title"])
            for r in store.conn.execute(
                "SELECT id, done_at, decision, title FROM actions WHERE kpi_id = ?"
                " AND (done_at IS NULL OR done_at >= ?) ORDER BY id",
                (kpi.id, start),
            )
            if only is None or r["id"] in only
        ]
    entered = signals.entered_do(store, [row[0] for row in linked])
    found: dict[int, list[ChartMarker]] = {}
    done_ones: dict[int, list[tuple[str, int, str, str]]] = {}  # done at, id, title, began
    for action_id, kpi, done_at, decision, title in linked:
        began = entered.get(action_id)
        if began is None:
            continue
        marks = found.setdefault(kpi.id, [])
        if began >= start:
            marks.append(ChartMarker(at=began, label=f"» #{action_id}"))
        if done_at is not None:
            done = "✗" if decision == "abandon" else "✓"
            marks.append(ChartMarker(at=done_at, label=f"{done} #{action_id}"))
            if decision != "abandon":
                done_ones.setdefault(kpi.id, []).append((done_at, action_id, title, began))
    by_id = {kpi.id: kpi for kpi in kpis_shown}
    changes = {
        kpi_id: [
            _change(store, by_id[kpi_id], action_id, title, began, done_at)
            for done_at, action_id, title, began in sorted(done, reverse=True)[:CHANGES_LISTED]
        ]
        for kpi_id, done in done_ones.items()
    }
    marked = {kpi_id: sorted(marks, key=lambda m: m.at) for kpi_id, marks in found.items()}
    return marked, changes


def _change(
    store: Store, kpi: Kpi, action_id: int, title: str, began: str, done_at: str
) -> ReportChange:
    """One done action's before and after on ``kpi``, as ``pdca kpi show`` works it out."""
    from pdca.db.kpi_rules import before_after, change_window_days, change_words

    window = change_window_days(kpi.cadence)
    change = before_after(
        kpis.readings_around(store, kpi.id, began, done_at, window),
        began,
        done_at,
        direction=kpi.direction,
        baseline=kpi.baseline,
        target=kpi.target,
        window_days=window,
    )
    return ReportChange(
        action_id=action_id,
        title=title,
        done_at=done_at,
        before_mean=change.before_mean,
        after_mean=change.after_mean,
        verdict=change_words(change, done_at, store.clock()),
    )


def _readings(store: Store, kpi_id: int, start: str) -> list[tuple[str, float]]:
    rows = store.conn.execute(
        f"SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at >= ?{signals.NUMBER}"
        " ORDER BY at, id",
        (kpi_id, start),
    )
    return [(r[0], r[1]) for r in rows]


def _followups(store: Store, part: _Part) -> tuple[list[ReportFollowup], FollowupTally]:
    """The part's follow-up audits that were recorded or fell due (the whole team's: recorded
    or due since ``part.since``): their tally, and the first ``LIST_CAP`` by what a review
    needs first: waiting ones (longest due first), then slipped, then holding (latest
    first)."""
    today = store.clock().astimezone().date().isoformat()
    scope = ""
    scoped: list[object] = []
    if part.initiative_id is not None:
        scope = " AND f.action_id IN (SELECT id FROM actions WHERE initiative_id = ?)"
        scoped.append(part.initiative_id)
    elif part.action_ids is not None:
        scope = f" AND f.action_id IN ({', '.join('?' for _ in part.action_ids)})"
        scoped += part.action_ids
    else:
        # The team's audits of the window: due or recorded in it, whenever their work was
        # done. By the work's done date, today's slip of work done 18 weeks ago read
        # "0 slipped" beside the initiatives' table that counted it (a retrial).
        # and every one still waiting, however long past its day (those due before the
        # window dropped out: "1 waiting" beside the initiative's 3, a reviewer)
        scope = " AND (f.done_at IS NULL OR max(coalesce(f.done_at, ''), f.due) >= ?)"
        scoped += [(part.since or "")[:10]]
    # Recorded with its own check-in (those a slip closed with it were never audited: one
    # slip is one slipped audit), or due and not recorded yet.
    where = (
        "(f.done_at IS NOT NULL AND f.checkin_id IS NOT NULL OR f.done_at IS NULL AND f.due <= ?)"
        + scope
    )
    params: list[object] = [today, *scoped]
    counted = store.conn.execute(
        "SELECT count(*), sum(f.result = 'holding'), sum(f.result = 'slipped'),"
        " sum(f.result IS NULL), sum(f.result IS NULL AND f.due < ?)"
        f" FROM followups f WHERE {where}",
        [today, *params],
    ).fetchone()
    ahead, next_due = store.conn.execute(
        "SELECT count(*), min(f.due) FROM followups f"
        f" WHERE f.done_at IS NULL AND f.due > ?{scope}",
        [today, *scoped],
    ).fetchone()
    tally = FollowupTally(
        total=counted[0],
        holding=counted[1] or 0,
        slipped=counted[2] or 0,
        waiting=counted[3] or 0,
        past_day=counted[4] or 0,
        ahead=ahead,
        next_due=next_due,
    )
    if not tally.total:
        return [], tally
    rows = store.conn.execute(
        "SELECT f.id, f.action_id, f.owner, f.offset_days, f.due, f.result, f.done_at"
        f" FROM followups f WHERE {where} ORDER BY"
        " CASE f.result WHEN 'slipped' THEN 1 WHEN 'holding' THEN 2 ELSE 0 END,"
        " CASE WHEN f.result IS NULL THEN f.due END, f.done_at DESC, f.id LIMIT ?",
        [*params, LIST_CAP],
    ).fetchall()
    titles = {a.id: a.title for a in store.actions_by_id(sorted({r["action_id"] for r in rows}))}
    return [ReportFollowup(**dict(r), title=titles.get(r["action_id"], "")) for r in rows], tally
