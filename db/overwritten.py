"""Someone else's change that replaced what this session had just written to an action.

Two leads edited one card a second apart: the second got the conflict dialog and chose
"Write mine", and the first was never told that their title was gone (a team's trial). The
board's live refresh asks this module, for the events it has not seen, which of them set a
field of an action whose previous change was this session's own, over the value it wrote.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pdca.db.store import Store

# An action's fields as people name them; the rest (version, updated_at, ...) follow them.
FIELD_WORDS = {
    "title": "title",
    "notes": "notes",
    "owner": "owner",
    "due": "due date",
    "priority": "priority",
    "phase": "phase",
    "kpi_id": "KPI",
    "initiative_id": "initiative",
    "parent_id": "parent",
    "verdict": "verdict",
    "decision": "decision",
}

# Each unseen update of an action by another transaction, with the change before it on that
# action when that one was this session's (from before its transaction's first change of the
# action: the move form's edit and move are two), the unseen ones down the events' key (the actions'
# updates index read every one the file ever had, 90 ms at 100 000 actions), then each one's
# previous change down (entity, entity_id, id).
_REPLACING = """
SELECT e.actor, e.at, e.entity_id, e.before, e.after, (
  SELECT t.before FROM events t INDEXED BY idx_events_tx
  WHERE t.tx = p.tx AND t.entity = 'action' AND t.entity_id = e.entity_id
  ORDER BY t.id LIMIT 1), p.after
FROM events e NOT INDEXED JOIN events p ON p.id = (
  SELECT max(q.id) FROM events q
  WHERE q.entity = 'action' AND q.entity_id = e.entity_id AND q.id < e.id)
WHERE e.id > ?1 AND e.entity = 'action' AND e.op = 'update' AND e.undo_of IS NULL
  AND e.tx NOT IN (SELECT value FROM json_each(?2)) AND e.actor IS NOT ?3
  AND p.tx IN (SELECT value FROM json_each(?2)) AND p.op IN ('create', 'update')
  AND p.undo_of IS NULL
ORDER BY e.id
"""
# Not: the session's own login elsewhere (their own command line over their board's value is
# no news, a reviewer's), nor a change the session undid (its undo is the change before).


class Overwritten(NamedTuple):
    """``actor`` set ``fields`` of action ``action_id`` at ``at`` over this session's values;
    ``title`` is the action's title after."""

    actor: str
    at: str
    action_id: int
    fields: tuple[str, ...]
    title: str


def overwritten_since(store: Store, event_id: int, own: Iterable[int]) -> list[Overwritten]:
    """Others' updates after event ``event_id`` that replaced a value the session's own
    change before them set (``own``: its transactions), the oldest first."""
    mine = json.dumps(list(own))
    if mine == "[]":
        return []
    found = []
    # Every one, the fields compared here: a limit in SQL was taken by a bulk edit of other
    # fields of the same cards, and the clashes after it were never said (a reviewer).
    for actor, at, action_id, before, after, mine_before, mine_after in store.conn.execute(
        _REPLACING, (event_id, mine, store.actor)
    ):
        theirs_then, theirs, set_before, set_by_me = (
            json.loads(text or "{}") for text in (before, after, mine_before, mine_after)
        )
        fields = tuple(
            word
            for name, word in FIELD_WORDS.items()
            if set_by_me.get(name) != set_before.get(name)  # this session set it
            and theirs_then.get(name) == set_by_me.get(name)  # still as it set it
            and theirs.get(name) != theirs_then.get(name)  # and they changed it
        )
        if fields:
            found.append(Overwritten(actor, at, action_id, fields, str(theirs.get("title", ""))))
    return found
