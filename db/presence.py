"""Who else has the file open right now: one row per running app, kept fresh by a heartbeat.

A session writes its row when the app starts, touches ``seen_at`` every ``HEARTBEAT_SECONDS``
and deletes it on the way out; one not seen for ``PRESENT_WITHIN_SECONDS`` (a killed SSH
session) no longer counts and is swept on the next join. Heartbeats write no events, so the
board's change detection (which watches the event log) never reloads because of them. A
reader who may not write the file is simply not listed.

A session belongs to the file it was opened on, but a copy of the file (``sqlite3 .backup``,
``pdca backup``) carries the original's rows. So a row only counts when its process may have
this very file open: on another host nobody here can tell, so it counts; on this host its
process must be running and hold this file (its ``/proc/<pid>/fd`` links, stat-ed by their
targets' device and inode: nothing is opened), or, when its descriptors are another login's
to see, hold a SQLite lock on it (``/proc/locks``: a WAL connection holds one from its first
read until it closes; a rollback-journal one holds none between reads, so then it counts).
Copies pdca makes leave the rows out (db/copies.py). A board suspended with ctrl+z beats no
more: on this host, a stopped process that holds the file still counts (``present_rows``).
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pdca.db.clock import iso
from pdca.db.lock_table import locks_now, login_of

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from datetime import datetime

    from pdca.db.store import Store

HEARTBEAT_SECONDS = 10
PRESENT_WITHIN_SECONDS = 3 * HEARTBEAT_SECONDS
FORGET_AFTER = timedelta(days=1)
PROC = Path("/proc")


class Presence:
    """This app's row in ``sessions``, and a look at everyone else's."""

    def __init__(self, store: Store, *, host: str, pid: int) -> None:
        self.store = store
        self.host = host
        self.pid = pid
        self.session_id: int | None = None
        self.started_at = ""

    # A row is this session's by all it was written with, not its id alone: ids are reused
    # (no AUTOINCREMENT), and a board whose row was swept while it was paused beat into the
    # next board's row, made with its old id, and was never listed again (a lead's trial);
    # its leave would have deleted that board's row.
    _MINE = "id = ? AND login = ? AND host = ? AND pid = ? AND started_at = ?"

    def _mine(self) -> tuple[object, ...]:
        return (self.session_id, self.store.actor, self.host, self.pid, self.started_at)

    def join(self) -> None:
        if not self.store.writable:
            return
        now = self.store.clock()
        with self.store.write():  # a plain write: presence is not domain data, so no event
            # Not a board of this machine that is stopped (ctrl+z overnight): it still holds
            # the file, and swept it was named by no header nor restore (a review)
            old = self.store.conn.execute(
                "SELECT id, host, pid FROM sessions WHERE seen_at < ?", (iso(now - FORGET_AFTER),)
            ).fetchall()
            self.store.conn.executemany(
                "DELETE FROM sessions WHERE id = ?",
                [(id_,) for id_, host, pid in old if not (host == self.host and _stopped(pid))],
            )
            cursor = self.store.conn.execute(
                "INSERT INTO sessions (login, host, pid, started_at, seen_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.store.actor, self.host, self.pid, iso(now), iso(now)),
            )
            self.session_id, self.started_at = cursor.lastrowid, iso(now)

    def beat(self) -> None:
        if self.session_id is None:
            return
        with self.store.write():
            updated = self.store.conn.execute(
                f"UPDATE sessions SET seen_at = ? WHERE {self._MINE}",
                (iso(self.store.clock()), *self._mine()),
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
            self.store.conn.execute(f"DELETE FROM sessions WHERE {self._MINE}", self._mine())
        self.session_id = None

    def others(self) -> list[str]:
        """Logins other than ours with a live session, in alphabetical order."""
        return sorted(boards_open(self.store) - {self.store.actor})


def present_rows(
    conn: sqlite3.Connection, now: datetime, proc: Path = PROC
) -> list[tuple[str, str, int]]:
    """The (login, host, pid) of the sessions that count as open: seen within
    ``PRESENT_WITHIN_SECONDS``, or of this machine with their process stopped. A board
    suspended with ctrl+z beats no more but keeps the file open: it left the others' headers
    after 30 s, and a restore refused for it could not say whose it was (a trial)."""
    cutoff = iso(now - timedelta(seconds=PRESENT_WITHIN_SECONDS))
    rows = conn.execute(
        "SELECT DISTINCT login, host, pid, seen_at >= ? FROM sessions"
        " WHERE seen_at >= ? OR host = ?",
        (cutoff, cutoff, socket.gethostname()),
    ).fetchall()
    return [(login, host, pid) for login, host, pid, fresh in rows if fresh or _stopped(pid, proc)]


def _stopped(pid: object, proc: Path = PROC) -> bool:
    """Whether process ``pid`` of this machine is stopped (ctrl+z, SIGSTOP): its state in
    ``/proc/<pid>/stat``, which any login may read; False when it is gone or unknown. A
    kernel's file about the process, never the database, its -wal or -shm: opening it
    touches no SQLite lock (../shared/SQLITE.md), as the ``fd`` links' ``stat`` beside it."""
    if not isinstance(pid, int):
        return False
    try:
        stat = (proc / str(pid) / "stat").read_bytes()
    except OSError:
        return False
    return stat.rpartition(b") ")[2][:1] in (b"T", b"t")


def boards_open(store: Store, *, on_this_host: bool = False) -> set[str]:
    """The logins with a board open on this file now (a live session), ours included;
    ``on_this_host``: only the boards of this machine."""
    rows = present_rows(store.conn, store.clock())
    if on_this_host:  # and only those run by the login itself, not as PDCA_USER
        rows = [row for row in rows if row[1] == socket.gethostname() and _run_by(row[2]) == row[0]]
    here = on_this_file(
        [(row[1], row[2]) for row in rows], store.identity, lambda: is_wal(store.conn)
    )
    return {row[0] for row in rows if (row[1], row[2]) in here}


def _run_by(pid: int, proc: Path = PROC) -> str | None:
    return login_of(pid, proc)


def board_terminals(store: Store, login: str, proc: Path = PROC) -> set[int]:
    """The terminals (device numbers) ``login``'s open boards on this machine draw on (their
    stderr), as far as this process may see: a board's note written raw over another board
    of the same person scrambled it (a tester)."""
    cutoff = iso(store.clock() - timedelta(seconds=PRESENT_WITHIN_SECONDS))
    found = set()
    for (pid,) in store.conn.execute(
        "SELECT pid FROM sessions WHERE login = ? AND host = ? AND seen_at >= ?",
        (login, socket.gethostname(), cutoff),
    ):
        try:
            found.add(os.stat(proc / str(pid) / "fd" / "2").st_rdev)
        except OSError:
            continue
    return found


def is_wal(conn: sqlite3.Connection) -> bool:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"


def on_this_file(
    sessions: list[tuple[str, int]],
    identity: tuple[int, int] | None,
    wal: Callable[[], bool],
    *,
    this_host: str | None = None,
    proc: Path = PROC,
) -> set[tuple[str, int]]:
    """The (host, pid) of ``sessions`` that may have the file ``identity`` (device, inode)
    open: all but those this machine can see do not (a copy's rows, a process gone). ``wal``:
    is the file in WAL mode (asked only when a process's descriptors cannot be read)."""
    this_host = socket.gethostname() if this_host is None else this_host
    if identity is None or not (proc / "self" / "fd").is_dir():  # no /proc (macOS): who knows
        return set(sessions)
    here: set[tuple[str, int]] = set()
    unread = object()
    locks: object | set[int] | None = unread  # pids locking this file; None: cannot tell
    for host, pid in sessions:
        if host != this_host:
            here.add((host, pid))
            continue
        holds = _holds(proc / str(pid) / "fd", identity)
        if holds is None:  # another login's process: its locks tell, in WAL mode only
            if locks is unread:
                locks = _lockers(proc / "locks", identity[1]) if wal() else None
            holds = not isinstance(locks, set) or pid in locks
        if holds:
            here.add((host, pid))
    return here


def _holds(fds: Path, identity: tuple[int, int]) -> bool | None:
    """Does the process whose descriptors are ``fds`` hold the file ``identity``? None when
    they are not ours to see. ``os.stat`` through each link opens nothing."""
    try:
        names = os.listdir(fds)
    except FileNotFoundError:  # no such process (it ended)
        return False
    except OSError:
        return None
    for name in names:
        try:
            info = os.stat(fds / name)
        except OSError:  # closed meanwhile
            continue
        if (info.st_dev, info.st_ino) == identity:
            return True
    return False


def _lockers(locks: Path, inode: int) -> set[int] | None:
    """The pids holding a POSIX lock on a file with this inode number. The inode alone is
    matched: the device a lock names can differ from the one ``stat`` says (overlay
    filesystems), and a wrong match only keeps a row counted. None when there is no such
    list to read."""
    listed = locks_now(locks)
    return None if listed is None else {lock.pid for lock in listed if lock.inode == inode}
