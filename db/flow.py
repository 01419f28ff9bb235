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

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass

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

_OPEN = """
SELECT id, title, phase, julianday(:now) - julianday(phase_since), owner,
       julianday(:now) - julianday(created_at), due, initiative_id
FROM actions WHERE done_at IS NULL
"""
_DONE_SINCE = """
SELECT id, owner, julianday(done_at) - julianday(created_at),
       julianday(:now) - julianday(done_at), decision, due, date(done_at, 'localtime'),
       initiative_id
FROM actions WHERE done_at >= :since
"""
_CHECKINS_SINCE = (
    "SELECT action_id, julianday(:now) - julianday(at) FROM checkins"
    " WHERE at >= :since AND kind = 'checkin'"
)
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


EVERYTHING = Scope()


def flow(store: Store, scope: Scope = EVERYTHING, weeks: int = fr.WINDOW_WEEKS) -> Flow:
    now = store.clock()
    since = iso(fr.window_start(now, weeks))
    times = {"now": iso(now), "since": since}
    cursor = _tuples(store)
    everything = scope == EVERYTHING
    open_actions = [
        fr.OpenAction._make(r)
        for r in cursor.execute(_OPEN, times)
        if everything or scope.holds(r[0], r[7])
    ]
    done = [
        fr.DoneAction._make(r)
        for r in cursor.execute(_DONE_SINCE, times)
        if everything or scope.holds(r[0], r[7])
    ]
    in_scope = None if everything else {a.id for a in open_actions} | {a.id for a in done}
    open_ids = {a.id for a in open_actions}
    checkins: dict[int, list[float]] = defaultdict(list)
    for action_id, ago in cursor.execute(_CHECKINS_SINCE, times):
        if action_id in open_ids:
            checkins[action_id].append(ago)
    created_ago = {a.id: a.age_days for a in open_actions}
    created_ago.update({a.id: a.cycle_days + a.done_ago_days for a in done})
    changes = _changes(cursor, times, in_scope, created_ago, weeks * fr.WEEK_DAYS)
    weekly = fr.throughput(done, now, weeks)
    today = now.astimezone().date()  # the day people see, as the board's "late"
    return Flow(
        now=iso(now),
        since=since,
        weeks=weeks,
        phases=fr.phase_flow(changes, open_actions),
        throughput=weekly,
        finished=sum(w.finished for w in weekly),
        abandoned=sum(w.abandoned for w in weekly),
        cycle=fr.cycle_time(done, weeks),
        owners=fr.owner_flow(open_actions, done, checkins, today, weeks),
        initiatives=fr.initiative_flow(
            _outcomes(cursor, scope, today.isoformat()), _initiative_names(store, scope)
        ),
    )


def _tuples(store: Store) -> sqlite3.Cursor:
    """A cursor of plain tuples: thousands of rows, read by position."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return cursor


def _changes(
    cursor: sqlite3.Cursor,
    times: dict[str, str],
    in_scope: set[int] | None,
    created_ago: dict[int, float],
    window_days: float,
) -> list[fr.PhaseChange]:
    """The stays that ended in the window. Scoped: the actions open now or done in the window
    (an action that ended a stay in the window is one or the other).

    Each stay began at the action's previous move; its first in the window, at its creation
    when that was in the window too (a move's words say the phase it left); otherwise the
    event's snapshot says it (one lookup by id)."""
    history: list[tuple[int, int, float, str]] = [  # fr.HistoryEvent's fields, as rows
        r for r in cursor.execute(_HISTORY, times) if in_scope is None or r[0] in in_scope
    ]
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
