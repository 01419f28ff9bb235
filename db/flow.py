"""Flow metrics read from the event log and the actions, each read down an index.

The rules (what a stay, a move back, finished, cadence and late mean) are db/flow_rules.py;
this module only gathers their facts. Every query here is checked for full scans by
tests/unit/test_flow_query_plans.py:

- phase moves and completions: the actions' update events of the window, down
  ``idx_events_action_updates`` (entity, op, at), leaving out undos and the moves they
  undid. Only ``move_action`` and ``complete_action`` change an action's phase or done_at;
  their summaries ("moved #..", "done #..", pdca's own words) skip the edits before any JSON
  is read, and the snapshots then say what changed;
- open work: ``actions`` where ``done_at IS NULL``; work done in the window: ``done_at >= ?``
  (both down the (done_at, phase, due) index);
- check-ins of the window: down ``checkins (at)``;
- decisions of all time: ``done_at IS NOT NULL``; follow-up audits: ``followups`` (small:
  three per standardized action) joined to their actions by id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from db import flow_rules as fr
from db.clock import iso
from db.flow_models import Flow
from db.kpi_rules import parse_time
from db.store import Store

_CHANGES = """
SELECT entity_id, at,
       json_extract(before, '$.phase') AS left_phase,
       json_extract(before, '$.phase_since') AS entered_at,
       json_extract(after, '$.phase') AS to_phase,
       json_extract(before, '$.done_at') AS was_done,
       json_extract(after, '$.done_at') AS done_at
FROM events
WHERE entity = 'action' AND op = 'update' AND at >= ? AND undo_of IS NULL
  AND (summary LIKE 'moved #%' OR summary LIKE 'done #%')
  AND (left_phase IS NOT to_phase OR (was_done IS NULL AND done_at IS NOT NULL))
  AND tx NOT IN (SELECT undo_of FROM events WHERE undo_of IS NOT NULL)
"""

_OPEN = (
    "SELECT id, title, phase, phase_since, owner, created_at, due, initiative_id"
    " FROM actions WHERE done_at IS NULL"
)
_DONE_SINCE = (
    "SELECT id, owner, created_at, done_at, decision, due, initiative_id"
    " FROM actions WHERE done_at >= ?"
)
_CHECKINS_SINCE = "SELECT action_id, at FROM checkins WHERE at >= ? AND kind = 'checkin'"
# ``> ''``: every done_at is an ISO time, and a range walks the done_at index.
_DECISIONS = "SELECT id, initiative_id, decision FROM actions WHERE done_at > ''"
_FOLLOWUPS = (
    "SELECT f.action_id, f.result, f.due, f.done_at, a.initiative_id"
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
    conn = store.conn
    open_rows = [r for r in conn.execute(_OPEN) if scope.holds(r["id"], r["initiative_id"])]
    open_actions = [
        fr.OpenAction(
            id=r["id"],
            title=r["title"],
            phase=r["phase"],
            phase_since=parse_time(r["phase_since"]),
            owner=r["owner"],
            created_at=parse_time(r["created_at"]),
            due=r["due"],
        )
        for r in open_rows
    ]
    done = [
        fr.DoneAction(
            id=r["id"],
            owner=r["owner"],
            created_at=parse_time(r["created_at"]),
            done_at=parse_time(r["done_at"]),
            decision=r["decision"],
            due=r["due"],
        )
        for r in conn.execute(_DONE_SINCE, (since,))
        if scope.holds(r["id"], r["initiative_id"])
    ]
    in_scope = {a.id for a in open_actions} | {a.id for a in done}
    changes = _changes(store, since, scope, in_scope)
    open_ids = {a.id for a in open_actions}
    checkins: dict[int, list[datetime]] = defaultdict(list)
    for action_id, at in conn.execute(_CHECKINS_SINCE, (since,)):
        if action_id in open_ids:
            checkins[action_id].append(parse_time(at))
    weekly = fr.throughput(done, now, weeks)
    return Flow(
        now=iso(now),
        since=since,
        weeks=weeks,
        phases=fr.phase_flow(changes, open_actions, now),
        throughput=weekly,
        finished=sum(w.finished for w in weekly),
        abandoned=sum(w.abandoned for w in weekly),
        cycle=fr.cycle_time(done, now, weeks),
        owners=fr.owner_flow(open_actions, done, checkins, now, weeks),
        initiatives=fr.initiative_flow(
            _outcomes(store, scope, now), _initiative_names(store, scope)
        ),
    )


def _changes(store: Store, since: str, scope: Scope, in_scope: set[int]) -> list[fr.PhaseChange]:
    """The stays that ended in the window. Scoped: the actions open now or done in the window
    (an action that ended a stay in the window is one or the other)."""
    scoped = scope != EVERYTHING
    found = []
    for row in store.conn.execute(_CHANGES, (since,)):
        if scoped and row["entity_id"] not in in_scope:
            continue
        done_now = row["done_at"] is not None and row["was_done"] is None
        if row["left_phase"] == row["to_phase"] and not done_now:
            continue  # an edit, not a move
        if row["left_phase"] is None or row["entered_at"] is None:
            continue  # a history written before phase_since was recorded
        found.append(
            fr.PhaseChange(
                action_id=row["entity_id"],
                at=parse_time(row["at"]),
                left=row["left_phase"],
                entered_at=parse_time(row["entered_at"]),
                to=None if done_now else row["to_phase"],
            )
        )
    return found


def _outcomes(store: Store, scope: Scope, now: datetime) -> list[fr.Outcome]:
    today = now.astimezone().date().isoformat()
    outcomes = [
        fr.Outcome(initiative_id=r["initiative_id"], decision=r["decision"])
        for r in store.conn.execute(_DECISIONS)
        if scope.holds(r["id"], r["initiative_id"])
    ]
    for r in store.conn.execute(_FOLLOWUPS):
        if not scope.holds(r["action_id"], r["initiative_id"]):
            continue
        if r["done_at"] is not None and r["result"]:
            outcomes.append(fr.Outcome(initiative_id=r["initiative_id"], followup=r["result"]))
        elif r["done_at"] is None and r["due"] <= today:
            outcomes.append(fr.Outcome(initiative_id=r["initiative_id"], followup="waiting"))
    return outcomes


def _initiative_names(store: Store, scope: Scope) -> dict[int, str]:
    rows = store.conn.execute("SELECT id, name FROM initiatives ORDER BY name COLLATE NOCASE")
    return {
        r["id"]: r["name"]
        for r in rows
        if scope.initiative_id is None or r["id"] == scope.initiative_id
    }
