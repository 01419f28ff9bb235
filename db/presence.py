"""Who else has the file open right now: one row per running app, kept fresh by a heartbeat.

A session writes its row when the app starts, touches ``seen_at`` every ``HEARTBEAT_SECONDS``
and deletes it on the way out; one not seen for ``PRESENT_WITHIN_SECONDS`` (a killed SSH
session) no longer counts and is swept on the next join. Heartbeats write no events, so the
board's change detection (which watches the event log) never reloads because of them. A
reader who may not write the file is simply not listed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pdca.db.clock import iso

if TYPE_CHECKING:
    from pdca.db.store import Store

HEARTBEAT_SECONDS = 10
PRESENT_WITHIN_SECONDS = 3 * HEARTBEAT_SECONDS
FORGET_AFTER = timedelta(days=1)


class Presence:
    """This app's row in ``sessions``, and a look at everyone else's."""

    def __init__(self, store: Store, *, host: str, pid: int) -> None:
        self.store = store
        self.host = host
        self.pid = pid
        self.session_id: int | None = None

    def join(self) -> None:
        if not self.store.writable:
            return
        now = self.store.clock()
        with self.store.write():  # a plain write: presence is not domain data, so no event
            self.store.conn.execute(
                "DELETE FROM sessions WHERE seen_at < ?", (iso(now - FORGET_AFTER),)
            )
            cursor = self.store.conn.execute(
                "INSERT INTO sessions (login, host, pid, started_at, seen_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.store.actor, self.host, self.pid, iso(now), iso(now)),
            )
            self.session_id = cursor.lastrowid

    def beat(self) -> None:
        if self.session_id is None:
            return
        with self.store.write():
            updated = self.store.conn.execute(
                "UPDATE sessions SET seen_at = ? WHERE id = ?",
                (iso(self.store.clock()), self.session_id),
            ).rowcount
        if not updated:  # swept while this machine slept: come back
            self.session_id = None
            self.join()

    def leave(self) -> None:
        if self.session_id is None:
            return
        # On the way out: never hold up quitting for someone's lock (an unswept row simply
        # stops counting after PRESENT_WITHIN_SECONDS).
        self.store.conn.execute("PRAGMA busy_timeout = 300")
        with self.store.write():
            self.store.conn.execute("DELETE FROM sessions WHERE id = ?", (self.session_id,))
        self.session_id = None

    def others(self) -> list[str]:
        """Logins other than ours with a live session, in alphabetical order."""
        cutoff = iso(self.store.clock() - timedelta(seconds=PRESENT_WITHIN_SECONDS))
        rows = self.store.conn.execute(
            "SELECT DISTINCT login FROM sessions WHERE seen_at >= ? AND login != ? ORDER BY login",
            (cutoff, self.store.actor),
        )
        return [row[0] for row in rows]
