"""Someone else's change that replaced what this session had just written to an action.

Two leads edited one card a second apart: the second got the conflict dialog and chose
"Write mine", and the first was never told that their title was gone (a team's trial). The
board's live refresh asks this module, for the events it has not seen, which of them set a
field of an action whose last change before was this session's own, over the value it wrote
(a change of another field, or of the same card by others in between, hides nothing).
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

# Each unseen update of an action by another transaction, of an action this session changed,
# or the person's login elsewhere since the session began (?4: their command line's edit
# that a board's "Write mine" replaced went untold, their own board open, a team's trial):
# the unseen ones down the events' key (the actions' updates index read every one the file
# ever had, 90 ms at 100 000 actions), the session's own down the transactions' index, the
# login's down (actor, id).
_REPLACING = """
SELECT e.id, e.actor, e.at, e.entity_id, e.before, e.after FROM events e NOT INDEXED
WHERE e.id > ?1 AND e.entity = 'action' AND e.op = 'update' AND e.undo_of IS NULL
  AND e.tx NOT IN (SELECT value FROM json_each(?2)) AND e.actor IS NOT ?3
  AND e.entity_id IN (SELECT m.entity_id FROM events m INDEXED BY idx_events_tx
    WHERE m.tx IN (SELECT value FROM json_each(?2)) AND m.entity = 'action'
    UNION ALL SELECT m.entity_id FROM events m INDEXED BY idx_events_actor_id
    WHERE m.actor = ?3 AND m.id > ?4 AND m.entity = 'action')
ORDER BY e.id
"""
# Not: the session's own login elsewhere as the one replacing (their own command line over
# their board's value is no news, a reviewer's).

# The action's changes before one, the latest first, down (entity, entity_id, id).
_EARLIER = """
SELECT id, tx, actor, op, undo_of IS NOT NULL, before, after FROM events
WHERE entity = 'action' AND entity_id = ? AND id < ? ORDER BY id DESC LIMIT ?
"""
LOOKED_BACK = 200  # changes of one action looked through for who set a field last
# The fields a card is made with that the person typed (not defaults: normal, Plan)
TYPED = frozenset({"title", "notes", "owner", "due", "kpi_id", "initiative_id"})


class Overwritten(NamedTuple):
    """``actor`` set ``fields`` of action ``action_id`` at ``at`` over this session's values;
    ``title`` is the action's title after; ``values``: (field, the person's value, theirs)
    of each replaced field that reads as words (not an id's, nor notes)."""

    actor: str
    at: str
    action_id: int
    fields: tuple[str, ...]
    title: str
    values: tuple[tuple[str, str, str], ...] = ()


# The replaced fields whose two values are said: "replaced your title of #41 Ann task 1 by
# ben" read as if her own title were that one (a team's trial).
SAID_WITH_VALUES = ("title", "owner", "due", "priority", "phase", "verdict", "decision")


class Mine(NamedTuple):
    """Whose changes are the person's: the session's own transactions, and any of their
    login's after event ``since`` (their command line while the board is open)."""

    transactions: frozenset[int]
    login: str
    since: int | None

    def made(self, event_id: int, tx: int, actor: str | None) -> bool:
        return tx in self.transactions or (
            self.since is not None and actor == self.login and event_id > self.since
        )


def overwritten_since(
    store: Store, event_id: int, own: Iterable[int], login_since: int | None = None
) -> list[Overwritten]:
    """Others' updates after event ``event_id`` that replaced a value the session's own
    change set last (``own``: its transactions; and, given ``login_since``, any change of
    the session's login after that event), the oldest first."""
    mine = Mine(frozenset(own), store.actor, login_since)
    if not mine.transactions and login_since is None:
        return []
    found = []
    for change_id, actor, at, action_id, before, after in store.conn.execute(
        _REPLACING,
        (
            event_id,
            json.dumps(sorted(mine.transactions)),
            store.actor,
            login_since if login_since is not None else 2**62,
        ),
    ):
        theirs_then, theirs = (json.loads(text or "{}") for text in (before, after))
        changed = [name for name in FIELD_WORDS if theirs.get(name) != theirs_then.get(name)]
        replaced = _set_last_by(store, action_id, change_id, changed, theirs_then, mine)
        if replaced:
            fields = tuple(FIELD_WORDS[name] for name in changed if name in replaced)
            values = tuple(
                (FIELD_WORDS[name], _said(theirs_then.get(name)), _said(theirs.get(name)))
                for name in changed
                if name in replaced and name in SAID_WITH_VALUES
            )
            title = str(theirs.get("title", ""))
            found.append(Overwritten(actor, at, action_id, fields, title, values))
    return found


def _said(value: object) -> str:
    """A field's value as words: none as "none"."""
    return "none" if value is None or value == "" else str(value)


def _set_last_by(
    store: Store,
    action_id: int,
    before_id: int,
    fields: list[str],
    values: dict[str, object],
    mine: Mine,
) -> set[str]:
    """Of ``fields``, those whose value in ``values`` was set last, before event
    ``before_id``, by one of ``mine``: a change of another field, or of other cards, in
    between hid them (a retrial: ben's bulk priority, then his title over ann's).

    An undo of the session's puts back a value set before: whose it is, is who set that
    (ann's title A1, A2, undone to A1: ben's over A1 is over hers, a retrial). A card made
    in the session holds its values, but not a blank: a colleague filling in the notes of a
    card made today is no news, nor a field the card is made with whatever was typed (a
    priority of normal, the phase Plan)."""
    left, replaced = set(fields), set()
    put_back: dict[str, object] = {}  # a field an undo of the session's put back: to what
    for change_id, tx, actor, op, undo, before, after in store.conn.execute(
        _EARLIER, (action_id, before_id, LOOKED_BACK)
    ):
        if not left:
            break
        by_me = mine.made(change_id, tx, actor)
        then, now = (json.loads(text or "{}") for text in (before, after))
        for name in [name for name in left if now.get(name) != then.get(name)]:
            if name in put_back:
                if now.get(name) != put_back[name]:
                    continue  # what the undo took back
                del put_back[name]
            elif undo and by_me:
                put_back[name] = now.get(name)  # whoever set that before is its setter
                continue
            left.discard(name)  # its last setter: this change
            set_here = now.get(name)
            made_blank = op == "create" and (set_here in (None, "") or name not in TYPED)
            if by_me and not undo and not made_blank and set_here == values.get(name):
                replaced.add(name)
    return replaced
