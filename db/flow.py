"""Flow metrics read from the event log and the actions, each read down an index.

The rules (what a stay, a move back, finished, cadence and late mean) are db/flow_rules.py;
this module only gathers their facts. Every query here is checked for full scans and big
sorts by tests/unit/test_flow_store.py:

- phase moves and completions: the actions' update events of the window, from the index
  ``idx_events_action_updates`` alone (entity, op, at, entity_id, tx, undo_of, summary: no
  row, no snapshot is read), leaving out undos and the moves they undid. Only
  ``move_action`` and ``complete_action`` change an action's phase or done_at, and their
  summaries ("moved #N from X to Y", "done #N (decision)": pdca's own words, never user
  text) say where a move went. A stay begins at the action's previous event; the first one
  of the window at its creation when that was in the window too, else where that event's
  snapshot says (one lookup by id per such action);
- open work: ``actions`` where ``done_at IS NULL``; work done in the window: ``done_at >= ?``
  (both down the (done_at, phase, due) index);
- check-ins of the window: down ``checkins (at)``;
- decisions of all time: ``done_at > ''`` (a range on the same index); follow-up audits:
  ``followups`` (three per standardized action) joined to their actions by id.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from pdca.db import flow_rules as fr
from pdca.db.clock import iso
from pdca.db.flow_models import Flow
from pdca.db.store import Store

# :now is the clock's time; julianday() differences are days, so nothing is parsed in Python.
# Index only (idx_events_action_updates covers it), in time order (the index's order).
_HISTORY = """
SELECT entity_id, id, julianday(:now) - julianday(at), summary
FROM events
WHERE entity = 'action' AND op = 'update' AND at >= :since AND undo_of IS NULL
  AND (summary LIKE 'moved #%' OR summary LIKE 'done #%')
  AND tx NOT IN (SELECT undo_of FROM events WHERE undo_of IS NOT NULL)
ORDER BY at, entity_id, tx
"""
# Where an action's first event of the window began its stay: its snapshot before.
_BEFORE = """
SELECT entity_id, json_extract(before, '$.phase'),
       julianday(?) - julianday(json_extract(before, '$.phase_since'))
FROM events WHERE id IN ({marks})
"""
_CHUNK = 500  # ids per IN list

# Open work per phase now, counted by SQLite: how many, and how long the longest has been in it
# (the same difference as each action's, so the oldest is found by equality below).
_PHASES_NOW = """
SELECT phase, count(*), max(julianday(:now) - julianday(phase_since))
FROM actions WHERE done_at IS NULL{scope} GROUP BY phase
"""
# A phase's oldest open item: the lowest id of those that long in it.
_OLDEST = """
SELECT min(id), title FROM actions
WHERE done_at IS NULL AND phase = :phase AND julianday(:now) - julianday(phase_since) = :top{scope}
"""
# How long ago each open action was created: where its first stay of the window began.
_OPEN_CREATED = """
SELECT id, julianday(:now) - julianday(created_at) FROM actions WHERE done_at IS NULL{scope}
"""
# Per owner of open work: how many, the cadence kept (flow_rules.weeks_kept in SQL: the whole
# weeks of the window each action lived, and how many of those had a check-in), and how many
# with a due date are past it. Week ``k`` back is ``[now - 7k days, now - 7(k-1) days)`` (a
# week holds its first instant, flow_rules.week_index): the check-ins of each action are read
# down (action_id, at) from the start of its first whole week lived, and put in their week by
# comparing ISO times, not by parsing each one. The actions are read in owner order down
# (owner, done_at), so grouping sorts nothing (``+done_at``: the done_at index would read them
# in no owner order); count(DISTINCT) sorts the 13 weeks of one action at most.
_OWNERS_OPEN = """
SELECT owner, count(*), sum(lived),
  sum((SELECT count(DISTINCT {week}) FROM checkins c
       WHERE c.action_id = mine.id AND c.at >= {first_week} AND c.at <= :now
         AND c.kind = 'checkin')),
  count(CASE WHEN due < :today THEN 1 END), count(due)
FROM (
  SELECT id, owner, nullif(due, '') AS due,
    max(0, min(:weeks, CAST((julianday(:now) - julianday(created_at)) / 7 AS INTEGER))) AS lived
  FROM actions WHERE +done_at IS NULL AND owner > ''{scope}
) AS mine
GROUP BY owner
"""


def _owners_open_sql(weeks: int, scope: str) -> str:
    """``_OWNERS_OPEN`` for a window of ``weeks``: week k begins at the parameter ``:wk``."""
    week = "CASE " + " ".join(f"WHEN c.at >= :w{k} THEN {k}" for k in range(1, weeks + 1))
    first = "CASE mine.lived " + " ".join(f"WHEN {k} THEN :w{k}" for k in range(1, weeks + 1))
    return _OWNERS_OPEN.format(week=week + " END", first_week=first + " ELSE '~' END", scope=scope)


def _week_starts(now: datetime, weeks: int) -> dict[str, str]:
    """``:wk``: when the week ``k`` weeks back began (``k`` = 1 is the last one)."""
    return {f"w{k}": iso(now - timedelta(days=fr.WEEK_DAYS * k)) for k in range(1, weeks + 1)}


_DONE_SINCE = """
SELECT id, owner, julianday(done_at) - julianday(created_at),
       julianday(:now) - julianday(done_at), decision, due, date(done_at, 'localtime'),
       initiative_id
FROM actions WHERE done_at >= :since{scope}
"""
# ``> ''``: every done_at is an ISO time, and a range walks the done_at index.
_DECISIONS = "SELECT id, initiative_id, decision FROM actions WHERE done_at > ''"
_FOLLOWUPS = (
    "SELECT f.action_id, a.initiative_id, f.result, f.due, f.done_at"
    " FROM followups f JOIN actions a ON a.id = f.action_id"
)


@dataclass(frozen=True)
class Scope:
    """Which actions the figures cover: all, one initiative's, or a few by id."""

    initiative_id: int | None = None
    action_ids: Collection[int] | None = None

    def holds(self, action_id: int, initiative_id: int | None) -> bool:
        if self.action_ids is not None and action_id not in self.action_ids:
            return False
        return self.initiative_id is None or initiative_id == self.initiative_id

    def where(self, by_index: bool = True) -> tuple[str, dict[str, object]]:
        """The same test as ``holds``, as a condition on ``actions`` (`` AND ...``, or
        nothing) and its parameters. ``by_index=False``: SQLite is not to find the actions by
        their initiative or id (a query that reads another index for its order)."""
        sql, params = "", dict[str, object]()
        plain = "" if by_index else "+"  # a unary plus keeps SQLite off a column's index
        if self.initiative_id is not None:
            sql += f" AND {plain}initiative_id = :scope_initiative"
            params["scope_initiative"] = self.initiative_id
        if self.action_ids is not None:
            sql += f" AND {plain}id IN (SELECT value FROM json_each(:scope_ids))"
            params["scope_ids"] = json.dumps(sorted(self.action_ids))
        return sql, params


EVERYTHING = Scope()


def flow(store: Store, scope: Scope = EVERYTHING, weeks: int = fr.WINDOW_WEEKS) -> Flow:
    now = store.clock()
    since = iso(fr.window_start(now, weeks))
    today = now.astimezone().date()  # the day people see, as the board's "late"
    scoped, params = scope.where()
    times: dict[str, object] = {
        "now": iso(now),
        "since": since,
        "today": today.isoformat(),
        "weeks": weeks,
    }
    params.update(times)
    cursor = _tuples(store)
    done = [
        fr.DoneAction._make(r) for r in cursor.execute(_DONE_SINCE.format(scope=scoped), params)
    ]
    created_ago = dict(cursor.execute(_OPEN_CREATED.format(scope=scoped), params).fetchall())
    in_scope = None if scope == EVERYTHING else set(created_ago) | {a.id for a in done}
    created_ago.update({a.id: a.cycle_days + a.done_ago_days for a in done})
    changes = _changes(cursor, times, in_scope, created_ago, weeks * fr.WEEK_DAYS)
    in_owner_order = _owners_open_sql(weeks, scope.where(by_index=False)[0])
    weekly_params = {**params, **_week_starts(now, weeks)}
    owners_open = [fr.OwnerOpen._make(r) for r in cursor.execute(in_owner_order, weekly_params)]
    weekly = fr.throughput(done, now, weeks)
    return Flow(
        now=iso(now),
        since=since,
        weeks=weeks,
        phases=fr.phase_figures(changes, _phases_now(cursor, scoped, params)),
        throughput=weekly,
        finished=sum(w.finished for w in weekly),
        abandoned=sum(w.abandoned for w in weekly),
        cycle=fr.cycle_time(done, weeks),
        owners=fr.owner_figures(owners_open, done, today),
        initiatives=fr.initiative_flow(
            _outcomes(cursor, scope, today.isoformat()), _initiative_names(store, scope)
        ),
    )


def _phases_now(
    cursor: sqlite3.Cursor, scoped: str, params: dict[str, object]
) -> dict[str, fr.PhaseNow]:
    """Each phase's open work now: four small reads instead of every open action."""
    found = {}
    counted = cursor.execute(_PHASES_NOW.format(scope=scoped), params).fetchall()
    for phase, wip, top in counted:
        oldest_id, title = cursor.execute(
            _OLDEST.format(scope=scoped), {**params, "phase": phase, "top": top}
        ).fetchone()
        found[phase] = fr.PhaseNow(wip, oldest_id, title, top)
    return found


def _tuples(store: Store) -> sqlite3.Cursor:
    """A cursor of plain tuples: thousands of rows, read by position."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return cursor


def _changes(
    cursor: sqlite3.Cursor,
    times: dict[str, object],
    in_scope: set[int] | None,
    created_ago: dict[int, float],
    window_days: float,
) -> list[fr.PhaseChange]:
    """The stays that ended in the window. Scoped: the actions open now or done in the window
    (an action that ended a stay in the window is one or the other).

    Each stay began at the action's previous move; its first in the window, at its creation
    when that was in the window too (a move's words say the phase it left); otherwise the
    event's snapshot says it (one lookup by id)."""
    # fr.HistoryEvent's fields, as rows
    history: list[tuple[int, int, float, str]] = cursor.execute(_HISTORY, times).fetchall()
    if in_scope is not None:
        history = [r for r in history if r[0] in in_scope]
    starts: dict[int, tuple[str | None, float]] = {}
    lookups: list[int] = []
    for action_id, event_id, _ago, summary in history:
        if action_id in starts:
            continue
        created = created_ago.get(action_id)
        if created is not None and created <= window_days and summary.startswith("moved"):
            starts[action_id] = (None, created)
        else:
            lookups.append(event_id)  # looked up below, once per action
            starts[action_id] = (None, 0.0)  # marks it seen; replaced or removed below
    for offset in range(0, len(lookups), _CHUNK):
        chunk = lookups[offset : offset + _CHUNK]
        sql = _BEFORE.format(marks=", ".join("?" for _ in chunk))
        for action_id, phase, entered in cursor.execute(sql, [times["now"], *chunk]):
            if phase is None or entered is None:
                del starts[action_id]  # a history written before phase_since was recorded
            else:
                starts[action_id] = (phase, entered)
    return fr.phase_changes(history, starts)


def _outcomes(cursor: sqlite3.Cursor, scope: Scope, today: str) -> fr.Outcomes:
    counts: Counter[tuple[int | None, str]] = Counter()
    everything = scope == EVERYTHING
    if everything:  # the common case, counted without a call per row
        counts.update(
            (initiative, decision) for _, initiative, decision in cursor.execute(_DECISIONS)
        )
    else:
        counts.update(
            (initiative, decision)
            for action_id, initiative, decision in cursor.execute(_DECISIONS)
            if scope.holds(action_id, initiative)
        )
    for action_id, initiative, result, due, done_at in cursor.execute(_FOLLOWUPS):
        if not everything and not scope.holds(action_id, initiative):
            continue
        if done_at is not None and result:
            counts[(initiative, result)] += 1
        elif done_at is None and due <= today:
            counts[(initiative, "waiting")] += 1
    return counts


def _initiative_names(store: Store, scope: Scope) -> dict[int, str]:
    rows = store.conn.execute("SELECT id, name FROM initiatives ORDER BY name COLLATE NOCASE")
    return {
        r["id"]: r["name"]
        for r in rows
        if scope.initiative_id is None or r["id"] == scope.initiative_id
    }
