"""db/flow.py as it was before migration 0014 (commit 2a00f96's parent): every figure read
from the event log at each call. Kept, unchanged but for this note, as the reference the
kept-table reads are checked against (tests/unit/test_flow_kept.py): the same numbers on the
same file.

Flow metrics read from the event log and the actions, each read down an index."""

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
# calendar weeks of the window each action lived, and how many of those had a check-in), and
# how many with a due date are past it. Week ``k`` back is ``[m0 - 7k days, m0 - 7(k-1) days)``
# (``m0``: this week's Monday 00:00 UTC; a week holds its first instant): the check-ins of each
# action are read
# down (action_id, at) from the start of its first whole week lived, and put in their week by
# comparing ISO times, not by parsing each one. The actions are read in owner order down
# (owner, done_at), so grouping sorts nothing (``+done_at``: the done_at index would read them
# in no owner order); count(DISTINCT) sorts the 13 weeks of one action at most.
_OWNERS_OPEN = """
SELECT owner, count(*), sum(lived),
  sum((SELECT count(DISTINCT {week}) FROM checkins c
       WHERE c.action_id = mine.id AND c.at >= {first_week} AND c.at < :m0
         AND c.kind = 'checkin')),
  count(CASE WHEN due < :today THEN 1 END), count(due)
FROM (
  SELECT id, owner, nullif(due, '') AS due,
    max(0, min(:weeks, CAST((julianday(:m0) - julianday(created_at)) / 7 AS INTEGER))) AS lived
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
    """``:wk``: when the calendar week ``k`` weeks back began (``k`` = 1 is last week), and
    ``:m0`` this week's start (flow_rules.cadence_start: Monday 00:00 UTC)."""
    start = fr.cadence_start(now)
    return {
        "m0": iso(start),
        **{f"w{k}": iso(start - timedelta(days=fr.WEEK_DAYS * k)) for k in range(1, weeks + 1)},
    }


_DONE_SINCE = """
SELECT id, owner, julianday(done_at) - julianday(created_at),
       julianday(:now) - julianday(done_at), decision, due, date(done_at, 'localtime'),
       initiative_id, recurrence_id IS NOT NULL AND phase <> 'act' AND decision = 'standardize'
FROM actions WHERE done_at >= :since{scope}
"""
# Decisions of all time, as (initiative, decision) pairs a Counter takes as they come: ``> ''``
# (every done_at is an ISO time) is a range on the done_at index.
_DECISIONS = (
    "SELECT initiative_id, decision FROM actions WHERE done_at > ''{scope}"
    " AND NOT (recurrence_id IS NOT NULL AND phase <> 'act' AND decision = 'standardize')"
)
# The repeat rounds ticked off before Act, of all time: none of their stays is counted.
_ROUNDS = (
    "SELECT id FROM actions WHERE recurrence_id IS NOT NULL AND done_at > ''"
    " AND phase <> 'act' AND decision = 'standardize'"
)
# Follow-up audits as (initiative, what they count as): their result once recorded (with their
# own check-in: not those a slip closed with it), "waiting" when due and not recorded; those
# neither are left out in SQLite. The scope is the action's.
_FOLLOWUPS = """
SELECT initiative_id, kind FROM (
  SELECT a.initiative_id,
    CASE WHEN f.done_at IS NOT NULL THEN (CASE WHEN f.checkin_id IS NOT NULL THEN f.result END)
         WHEN f.due <= :today THEN 'waiting' END AS kind
  FROM followups f JOIN (SELECT id, initiative_id FROM actions WHERE 1{scope}) a
    ON a.id = f.action_id
) WHERE kind IS NOT NULL
"""


@dataclass(frozen=True)
class Scope:
    """Which actions the figures cover: all, one initiative's, or a few by id."""

    initiative_id: int | None = None
    action_ids: Collection[int] | None = None

    def where(self, by_index: bool = True) -> tuple[str, dict[str, object]]:
        """Which actions it covers, as a condition on ``actions`` (`` AND ...``, or nothing)
        and its parameters. ``by_index=False``: SQLite is not to find the actions by
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
    rounds = {i for (i,) in cursor.execute(_ROUNDS)}
    tally = _stays(cursor, times, in_scope, created_ago, weeks * fr.WEEK_DAYS, rounds)
    in_owner_order = _owners_open_sql(weeks, scope.where(by_index=False)[0])
    weekly_params = {**params, **_week_starts(now, weeks)}
    owners_open = [fr.OwnerOpen._make(r) for r in cursor.execute(in_owner_order, weekly_params)]
    weekly = fr.throughput(done, now, weeks)
    return Flow(
        now=iso(now),
        since=since,
        weeks=weeks,
        phases=fr.tally_figures(tally, _phases_now(cursor, scoped, params)),
        throughput=weekly,
        finished=sum(w.finished for w in weekly),
        abandoned=sum(w.abandoned for w in weekly),
        repeat_rounds=fr.repeat_rounds(done, weeks),
        cycle=fr.cycle_time(done, weeks),
        owners=fr.owner_figures(owners_open, done, today),
        initiatives=fr.initiative_flow(
            _outcomes(cursor, scoped, params), _initiative_names(store, scope)
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


def _stays(
    cursor: sqlite3.Cursor,
    times: dict[str, object],
    in_scope: set[int] | None,
    created_ago: dict[int, float],
    window_days: float,
    rounds: set[int],
) -> fr.StayTally:
    """The stays that ended in the window, tallied per phase (``fr.phase_changes`` and
    ``fr.phase_figures`` in one pass, no row kept). Scoped: the actions open now or done in
    the window (an action that ended a stay in the window is one or the other).

    Each stay began at the action's previous move; its first in the window, at its creation
    when that was in the window too (a move's words say the phase it left); otherwise the
    event's snapshot says it (one lookup by id, after the pass: that action's later stays
    wait for it, as they are left out with it when the snapshot does not say)."""
    tally = fr.StayTally()
    stays, back, rank = tally.stays, tally.back, fr.RANK  # tally.add, inline: thousands
    # Where each action is after its last event seen: (phase or None when done, days ago).
    state: dict[int, tuple[str | None, float]] = {}
    # An action whose first stay waits for its snapshot: its first event (id, days ago, the
    # move's two phases or None for a completion) and its later stays (left, to, days).
    waiting: dict[int, tuple[int, float, tuple[str, str] | None, list]] = {}
    for action_id, event_id, ago, summary in cursor.execute(_HISTORY, times).fetchall():
        if (in_scope is not None and action_id not in in_scope) or action_id in rounds:
            continue
        begun = state.get(action_id)
        if summary.startswith("moved #"):  # fr.moved_phases(summary), inline
            words = summary.split(" ", 6)
            left, to = words[3], words[5]
            if begun is None:  # its first event of the window
                created = created_ago.get(action_id)
                if created is not None and created <= window_days:
                    stays[left].append(max(0.0, created - ago))
                    if rank[to] < rank[left]:
                        back[left] += 1
                else:
                    waiting[action_id] = (event_id, ago, (left, to), [])
                state[action_id] = (to, ago)
                continue
        else:  # done
            if begun is None:  # its first event of the window: in the phase its snapshot says
                waiting[action_id] = (event_id, ago, None, [])
                state[action_id] = (None, ago)
                continue
            left, to = begun[0], None
            if left is None:
                continue  # done in no phase: no stay ended
        later = waiting.get(action_id)
        if later is not None:
            later[3].append((left, to, begun[1] - ago))
        else:
            stays[left].append(max(0.0, begun[1] - ago))
            if to is not None and rank[to] < rank[left]:
                back[left] += 1
        state[action_id] = (to, ago)
    ids = [first[0] for first in waiting.values()]
    for offset in range(0, len(ids), _CHUNK):
        chunk = ids[offset : offset + _CHUNK]
        sql = _BEFORE.format(marks=", ".join("?" for _ in chunk))
        for action_id, phase, entered in cursor.execute(sql, [times["now"], *chunk]):
            if phase is None or entered is None:
                continue  # a history written before phase_since was recorded: left out
            _, ago, phases, stays_after = waiting[action_id]
            left, to = phases if phases is not None else (phase, None)
            tally.add(left, to, entered - ago)
            for stay in stays_after:
                tally.add(*stay)
    return tally


def _outcomes(cursor: sqlite3.Cursor, scoped: str, params: dict[str, object]) -> fr.Outcomes:
    """Decisions and follow-up results per initiative, counted as the rows come (no row is
    looked at in Python: ``Counter`` counts the pairs)."""
    counts: Counter[tuple[int | None, str]] = Counter()
    counts.update(cursor.execute(_DECISIONS.format(scope=scoped), params))
    counts.update(cursor.execute(_FOLLOWUPS.format(scope=scoped), params))
    return counts


def _initiative_names(store: Store, scope: Scope) -> dict[int, str]:
    rows = store.conn.execute("SELECT id, name FROM initiatives ORDER BY name COLLATE NOCASE")
    return {
        r["id"]: r["name"]
        for r in rows
        if scope.initiative_id is None or r["id"] == scope.initiative_id
    }
