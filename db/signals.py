"""Process-behaviour signals over the store: the readings an XmR chart's limits come from, the
chart of a KPI, and signals as models. The rules themselves are pure, in db/xmr.py.

A KPI's baseline (where its limits come from) is, by default, its first ``BASELINE_READINGS``
readings ever: stable, so a slow drift shows against where the process started. ``pdca kpi
edit --baseline-from DATE --baseline-to DATE`` sets a period instead: both, the readings
within it; only ``from``, the first twenty from that day; only ``to``, the last twenty up to
that day. Every reader (the KPIs view, ``kpi list``, ``kpi show``, the detail, the alerts)
takes the same baseline and applies the same rules, so they agree.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pdca.db import xmr
from pdca.db.kpi_rules import is_a_reading
from pdca.db.schema import readable_reading
from pdca.db.store import Store

# Only readings pdca can read make a figure (``schema.readable_reading``). Where many KPIs'
# readings are walked together the test is made in Python instead (``is_a_reading``): in SQL
# it read every reading's row before the time window left most of them out (twice as slow).
NUMBER = readable_reading()


if TYPE_CHECKING:  # the models (pydantic) come where a reader asks for them
    from pdca.db.models import Limits, SignalMark

Pairs = list[tuple[str, float]]
N = xmr.BASELINE_READINGS
_MAX_BASELINE = 1000  # a period of years of daily readings is still a baseline, just long


def _day_after(day: str) -> str:
    """The first moment after UTC day ``day`` ends, as stored times are written."""
    return _day_start((date.fromisoformat(day[:10]) + timedelta(days=1)).isoformat())


def _day_start(day: str) -> str:
    """The first moment of UTC day ``day`` as stored times are written. UTC, not the
    reader's own days: the limits decide which readings raise an alert, and a cron job in
    UTC and a lead in Auckland got different limits, one raising an alert the other did not
    (a reviewer). ``kpi show`` says the period is in UTC days."""
    return f"{day[:10]}T00:00:00Z"


def _custom(conn: sqlite3.Connection, kpi_id: int, start: object, end: object) -> Pairs:
    start, end = (str(day) if day else None for day in (start, end))  # a date, or its text
    if start and end:
        sql = f"SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at >= ? AND at < ?{NUMBER}"
        window = (_day_start(start), _day_after(end))
        rows = conn.execute(sql + " ORDER BY at, id LIMIT ?", (kpi_id, *window, _MAX_BASELINE))
        return [(at, v) for at, v in rows]
    if start:
        rows = conn.execute(
            f"SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at >= ?{NUMBER}"
            " ORDER BY at, id LIMIT ?",
            (kpi_id, _day_start(start), N),
        )
        return [(at, v) for at, v in rows]
    assert end is not None
    rows = conn.execute(
        f"SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at < ?{NUMBER}"
        " ORDER BY at DESC, id DESC LIMIT ?",
        (kpi_id, _day_after(end), N),
    )
    return [(at, v) for at, v in reversed(rows.fetchall())]


def baselines(store: Store, kpis: Sequence[Any]) -> dict[int, Pairs]:
    """Each KPI's baseline readings (``kpis``: anything with ``id``, ``baseline_from`` and
    ``baseline_to``). The default ones in ONE query walking the (kpi_id, at) index up to each
    KPI's twentieth reading."""
    found: dict[int, Pairs] = defaultdict(list)
    default = [k.id for k in kpis if not (k.baseline_from or k.baseline_to)]
    if default:
        marks = ", ".join("?" for _ in default)
        rows = store.conn.execute(
            "SELECT r.kpi_id, r.at, r.value FROM kpis k JOIN kpi_readings r ON r.kpi_id = k.id"
            " AND r.at <= coalesce((SELECT r2.at FROM kpi_readings r2 WHERE r2.kpi_id = k.id"
            f"   ORDER BY r2.at LIMIT 1 OFFSET {N - 1}), '9999')"
            f" WHERE k.id IN ({marks}) ORDER BY r.kpi_id, r.at, r.id",
            default,
        )
        for kpi_id, at, value in rows:
            if len(found[kpi_id]) < N and is_a_reading(value, at):
                found[kpi_id].append((at, value))
    for k in kpis:
        if k.baseline_from or k.baseline_to:
            found[k.id] = _custom(store.conn, k.id, k.baseline_from, k.baseline_to)
    return found


TAIL = 40  # newest readings a list looks at: no rule reaches back more than eight


def tails(store: Store, kpi_ids: Sequence[int] | None = None) -> dict[int, Pairs]:
    """Every KPI's (or only ``kpi_ids``') newest ``TAIL`` readings, however old they are (a
    KPI measured late still shows the signal its last readings hold), in ONE query walking
    the (kpi_id, at) index."""
    only = ""
    if kpi_ids is not None:
        only = f" WHERE k.id IN ({', '.join('?' for _ in kpi_ids)})"
    rows = store.conn.execute(
        # CROSS JOIN keeps SQLite walking KPIs first: joined the other way it scanned every
        # reading and ran the subquery for each (160 ms against 11 on the large file).
        "SELECT r.kpi_id, r.at, r.value FROM kpis k CROSS JOIN kpi_readings r ON r.kpi_id = k.id"
        " AND r.at >= coalesce((SELECT r2.at FROM kpi_readings r2 WHERE r2.kpi_id = k.id"
        f"   ORDER BY r2.at DESC LIMIT 1 OFFSET {TAIL - 1}), ''){only}"
        " ORDER BY k.id, r.at, r.id",
        list(kpi_ids or ()),
    )
    found: dict[int, Pairs] = defaultdict(list)
    for kpi_id, at, value in rows:
        if is_a_reading(value, at):
            found[kpi_id].append((at, value))
    return found


def chart_of(baseline: Pairs, later: Sequence[tuple[str, float]]) -> xmr.XmrChart | None:
    """The chart of the baseline followed by the ``later`` readings after it (those within or
    before the baseline are in it or left out: the chart runs forward from the baseline)."""
    if not baseline:
        return None
    end = baseline[-1][0]
    points = list(baseline) + [(at, v) for at, v in later if at > end]
    return xmr.chart(points, (0, len(baseline)))


def chart_for(
    store: Store,
    kpi_id: int,
    baseline_from: str | None,
    baseline_to: str | None,
    recent: int = TAIL,
) -> xmr.XmrChart | None:
    """One KPI's chart on its baseline and its newest ``recent`` readings (what alerts use:
    no rule looks back more than eight readings from the newest)."""
    base = baselines(store, [_Facts(kpi_id, baseline_from, baseline_to)])[kpi_id]
    rows = store.conn.execute(
        f"SELECT at, value FROM kpi_readings WHERE kpi_id = ?{NUMBER}"
        " ORDER BY at DESC, id DESC LIMIT ?",
        (kpi_id, recent),
    ).fetchall()
    return chart_of(base, [(at, v) for at, v in reversed(rows)])


@dataclass(frozen=True)
class _Facts:
    id: int
    baseline_from: str | None
    baseline_to: str | None


def limits_of(c: xmr.XmrChart | None) -> Limits | None:
    from pdca.db.models import Limits

    if c is None:
        return None
    start, end = c.baseline
    return Limits(
        centre=c.centre,
        mr_bar=c.mr_bar,
        lower=c.lower,
        upper=c.upper,
        url=c.url,
        sigma=c.sigma,
        baseline_first=c.points[start][0],
        baseline_last=c.points[end - 1][0],
        baseline_count=end - start,
    )


def marks(c: xmr.XmrChart | None, found: Sequence[xmr.Signal], direction: str) -> list[SignalMark]:
    from pdca.db.models import SignalMark

    if c is None:
        return []
    bad = xmr.bad_side(direction)  # type: ignore[arg-type]
    return [
        SignalMark(
            rule=s.rule_id,
            rule_text=s.rule_text,
            side=s.side,
            bad=s.side == bad,
            first_at=s.first_at,
            at=s.at,
            points=[c.points[i][0] for i in s.indexes],
        )
        for s in found
    ]


# --------------------------------------------------------------------------- before/after


def entered_do(store: Store, action_ids: list[int]) -> dict[int, str]:
    """When each action first entered Do: its first event, undos left out, that left it in Do
    coming from Plan, or its creation in Do. A few actions (a KPI's, one verdict) are read
    from their own histories; thousands (a whole team's report) from the move events."""
    if len(action_ids) <= _FEW:
        return _entered_do_by_history(store, action_ids)
    return _entered_do_by_moves(store, action_ids)


_FEW = 500


def _entered_do_by_history(store: Store, action_ids: list[int]) -> dict[int, str]:
    if not action_ids:
        return {}
    marks = ", ".join("?" for _ in action_ids)
    # The phases read by SQLite, as the kept tables' triggers read them: a snapshot that is
    # not JSON (a hand edit, an old import) is no phase, never an error.
    rows = store.conn.execute(
        "SELECT entity_id, at, op,"
        " CASE WHEN json_valid(before) THEN json_extract(before, '$.phase') END,"
        " CASE WHEN json_valid(after) THEN json_extract(after, '$.phase') END"
        " FROM events WHERE entity = 'action'"
        f" AND entity_id IN ({marks}) AND undo_of IS NULL AND after IS NOT NULL ORDER BY id",
        action_ids,
    )
    found: dict[int, str] = {}
    for action_id, at, op, was, now in rows:
        if action_id not in found and now == "do" and (op == "create" or was == "plan"):
            found[action_id] = at
    return found


def verdict_evidence(store: Store, action_id: int) -> str | None:
    """One line of evidence for the Check -> Act verdict: has the linked KPI shifted since the
    action entered Do (``xmr.shift_since``: limits from the twenty readings before Do, a run
    of eight since on one side of that centre line)? Said either way, or ``None`` when the
    action has no KPI or never entered Do. The person still decides."""
    row = store.conn.execute(
        "SELECT k.id, k.name, k.direction FROM actions a JOIN kpis k ON k.id = a.kpi_id"
        " WHERE a.id = ?",
        (action_id,),
    ).fetchone()
    if row is None:
        return None
    entered = entered_do(store, [action_id]).get(action_id)
    if entered is None:
        return None
    before = store.conn.execute(
        f"SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at < ?{NUMBER}"
        " ORDER BY at DESC, id DESC LIMIT ?",
        (row["id"], entered, xmr.BASELINE_READINGS),
    ).fetchall()
    since = store.conn.execute(
        f"SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at >= ?{NUMBER} ORDER BY at, id",
        (row["id"], entered),
    ).fetchall()
    readings = [(at, v) for at, v in reversed(before)] + [(at, v) for at, v in since]
    shift = xmr.shift_since(readings, entered, row["direction"])
    return xmr.shift_words(row["name"], action_id, shift, row["direction"])


def _entered_do_by_moves(store: Store, action_ids: list[int]) -> dict[int, str]:
    """``_entered_do_by_history``'s answer for tens of thousands of actions at once (the
    team's report), without parsing their ~200 000 snapshots in Python (7 s at 100 000):

    - moves from Plan to Do are the summaries "moved #N from plan to do" (pdca's own words;
      only ``move_action`` changes a phase), read off the actions' updates index alone;
    - a creation in Do is the action's first event, looked up (one row each) only for those
      with no such move, or moved back to Plan before their first one."""
    wanted = set(action_ids)
    moved: dict[int, str] = {}
    back_first: list[int] = []  # to Plan before any Plan -> Do: maybe created past Plan
    rows = store.conn.execute(
        "SELECT entity_id, at, summary FROM events WHERE entity = 'action' AND op = 'update'"
        " AND at > '' AND undo_of IS NULL AND summary LIKE 'moved #%'"
        " AND (summary LIKE '% from plan to do' OR summary LIKE '% to plan') ORDER BY at"
    )
    for action_id, at, summary in rows:
        if action_id not in wanted or action_id in moved:
            continue
        if summary.endswith(" from plan to do"):
            moved[action_id] = at
        elif summary.endswith(" to plan"):
            back_first.append(action_id)
    unsure = sorted({i for i in wanted if i not in moved} | set(back_first))
    found = dict(moved)
    for at in range(0, len(unsure), _CHUNK):
        part = unsure[at : at + _CHUNK]
        marks = ", ".join("?" for _ in part)
        created = store.conn.execute(
            "SELECT e.entity_id, e.at FROM events e WHERE e.id IN (SELECT (SELECT min(f.id)"
            " FROM events f WHERE f.entity = 'action' AND f.entity_id = a.id)"
            f" FROM actions a WHERE a.id IN ({marks})) AND e.op = 'create'"
            " AND e.undo_of IS NULL AND json_extract(e.after, '$.phase') = 'do'",
            part,
        )
        found.update((action_id, created_at) for action_id, created_at in created)
    return found


_CHUNK = 5000  # ids per IN (...) list: well under SQLite's variable limit
