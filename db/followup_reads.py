"""Reading follow-up audits into records: the few lines every list of them shares.

Apart from db/accountability.py (the writes, the owners and the stand-up) so that ``pdca show``
can list an action's audits without loading all of that (about 85 ms, a profile).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from pdca.db.accountability_models import Followup
from pdca.db.errors import RowChangedOutside
from pdca.db.rules import is_followup_due

if TYPE_CHECKING:
    from pdca.db.store import Store

FOLLOWUP_SELECT = (
    "SELECT f.*, a.title AS title FROM followups f JOIN actions a ON a.id = f.action_id"
)


def followup(row: sqlite3.Row, today: date) -> Followup:
    data = dict(row)
    data["is_due"] = is_followup_due(data["due"], data["done_at"] is not None, today)
    return Followup.from_row(data)


def readable_followups(store: Store, rows: Iterable[sqlite3.Row], today: date) -> list[Followup]:
    """The follow-ups of ``rows`` that pdca can read; one holding a value typed in by hand
    before schema 21 (``offset_days = 'x'``) is left out and named in ``store.left_out``, as
    lists of actions and KPIs do: it stopped ``pdca followups`` and the log's pinned audits
    for everyone (a tester)."""
    readable = []
    for row in rows:
        try:
            readable.append(followup(row, today))
        except RowChangedOutside as error:
            store.left_out[str(error)] = None
    return readable


def followups_of(store: Store, action_id: int, *, include_done: bool = False) -> list[Followup]:
    """The follow-up audits of one action still to do (and those done, with
    ``include_done``), the soonest first (its UNIQUE (action_id, offset_days) index)."""
    today = store.clock().astimezone().date()
    pending = "" if include_done else " AND f.done_at IS NULL"
    rows = store.conn.execute(
        FOLLOWUP_SELECT + f" WHERE f.action_id = ?{pending} ORDER BY f.due, f.id",
        (action_id,),
    )
    return readable_followups(store, rows, today)
