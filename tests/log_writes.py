"""One step of a random sequence of writes to the event log, for the property tests of the
tables kept by triggers on it (tests/unit/test_flow_kept.py, test_digest_changes.py): a write
through the store, or a person's hand edit of the log with sqlite3."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from pdca.db.errors import PdcaError
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft
from pdca.db.store import Store

DUE = "2026-12-01"
STORE_WRITES = ("move", "done", "checkin", "hand", "add", "undo", "later")


def versions(conn: sqlite3.Connection) -> dict[int, int]:
    """Each action's version: the kept tables' triggers must never change one."""
    return dict(conn.execute("SELECT id, version FROM actions").fetchall())


def apply_step(
    stores: list[Store], clock: list[datetime], ids: list[int], step: tuple, events: list[int]
) -> bool:
    """Apply ``step``; True when it was a hand edit (no store write). ``events``: the ids of
    the events a hand edit may pick (step[1] indexes them, modulo their number)."""
    store, conn = stores[0], stores[0].conn
    kind = step[0]
    with contextlib.suppress(PdcaError):  # a gate unmet, nothing to undo: nothing written
        if kind == "move":
            verdict = "worked" if step[2] == "act" else None
            store.move_action(ids[step[1]], step[2], verdict=verdict)
        elif kind == "done":
            store.complete_action(ids[step[1]], step[2])
        elif kind == "checkin":
            store.add_checkin(ids[step[1]], CheckinDraft(message="m"))
        elif kind == "hand":
            store.edit_action(ids[step[1]], ActionChanges(owner=step[2]))
        elif kind == "add":
            ids.append(store.add_action(ActionDraft(title="n", owner=step[1], due=DUE)).id)
        elif kind == "undo":
            stores[1 if step[1] else 0].undo()
    if kind == "later":
        clock[0] += timedelta(hours=step[1])
    if kind in STORE_WRITES or not events:
        return False
    target = events[step[1] % len(events)]
    if kind == "forget":  # a person deletes an event with sqlite3 (an undo among them)
        conn.execute("DELETE FROM events WHERE id = ?", (target,))
    elif kind == "redo":  # ... or makes an undo undo nothing, or another transaction
        conn.execute(
            "UPDATE events SET undo_of = CASE WHEN undo_of IS NULL THEN NULL"
            " WHEN undo_of % 2 = 0 THEN NULL ELSE tx - 1 END WHERE id = ?",
            (target,),
        )
    elif kind == "retime":
        conn.execute(
            "UPDATE events SET at = strftime('%Y-%m-%dT%H:%M:%SZ', at, ? || ' hours') WHERE id = ?",
            (step[2], target),
        )
    elif kind == "drop":  # an action deleted by hand: its changes fall back to the snapshots
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM actions WHERE id = ?", (ids[step[1]],))
        conn.execute("PRAGMA foreign_keys = ON")
    else:  # an import copies an event in, under a transaction of its own
        conn.execute(
            "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, before, after,"
            " undo_of) SELECT (SELECT max(id) + 1 FROM events), at, actor, entity, entity_id,"
            " op, summary, before, after, undo_of FROM events WHERE id = ?",
            (target,),
        )
    return True


@contextmanager
def two_people(clock: list[datetime], actions: int) -> Iterator[tuple[list[Store], list[int]]]:
    """A new file in a folder of its own, alice's and bob's stores on it (one connection: the
    triggers see every write), and ``actions`` actions made by someone else and moved to Do
    with a check-in, for hand edits to find."""
    with tempfile.TemporaryDirectory() as folder:
        alice = Store.open(
            Path(folder) / "p.db", actor="alice", clock=lambda: clock[0], create=True
        )
        try:
            bob = Store(alice.conn, actor="bob", clock=lambda: clock[0])
            setup = Store(alice.conn, actor="setup", clock=lambda: clock[0])
            ids = [
                setup.add_action(ActionDraft(title=f"a{n}", owner="bob", due=DUE)).id
                for n in range(actions)
            ]
            for action_id in ids:
                setup.move_action(action_id, "do")
                setup.add_checkin(action_id, CheckinDraft(message="m"))
            yield [alice, bob], ids
        finally:
            alice.close()


def import_junk_move(conn: sqlite3.Connection, action_id: int, at: str) -> None:
    """What an old import or a hand edit can leave: a move of ``action_id`` whose snapshots
    are not JSON (its own transaction, 999). Kept tables and readers must pass over it. Since
    schema 21 the log's guard refuses it: it is dropped here, as in a file from before."""
    conn.execute("DROP TRIGGER IF EXISTS events_kinds_on_insert")
    conn.execute(
        "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, before, after)"
        " VALUES (999, ?, 'x', 'action', ?, 'update',"
        " 'moved #1 from plan to do', '{not json', '[1, 2')",
        (at, action_id),
    )
