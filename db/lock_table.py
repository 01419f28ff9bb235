"""The machine's POSIX locks (``/proc/locks``), read to tell who has a database open without
opening it or its -wal and -shm (../shared/SQLITE.md: nothing but SQLite opens those).

A connection in WAL mode holds a read lock on the database file from its first read until it
closes, and one on the -shm while it has the -shm mapped: it locks the file before it maps
the -shm, and lets the -shm go before the file (SQLite's pager and wal code). So a -shm
locked while the file at its database's name is locked by nobody belongs to another file:
one that was at that name and was replaced (``mv backup.db team.db``) while a program still
has it open. SQLite takes a -wal and -shm by their names alone, and opening the file moved
in then writes the old file's changes into it ("malformed database schema", a trial).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

LOCKS = Path("/proc/locks")


# The bytes SQLite locks a database file by (os_unix.c: PENDING_BYTE, RESERVED_BYTE, then
# the SHARED range, to PENDING_BYTE + 2 + 510): a -shm is locked at bytes 120 to 128.
FILE_LOCK_BYTES = range(0x40000000, 0x40000000 + 2 + 510)


class Lock(NamedTuple):  # quick to make at import, as models.ActionFields
    pid: int
    device: str  # as the list writes it: "fe:00", major and minor in hex
    inode: int
    start: int  # the first byte locked


def locks_now(locks: Path = LOCKS) -> list[Lock] | None:
    """Every lock listed (``N: POSIX ADVISORY READ pid maj:min:inode start end``, a waiting
    one as ``N: -> POSIX ...``); None when there is no such list to read (no /proc)."""
    try:
        text = locks.read_text()
    except OSError:
        return None
    found = []
    for line in text.splitlines():
        fields = line.split()
        for at, value in enumerate(fields[1:], start=1):
            parts = value.split(":")
            if len(parts) == 3 and parts[2].isdigit() and fields[at - 1].lstrip("-").isdigit():
                start = fields[at + 1] if at + 1 < len(fields) else ""
                device = f"{parts[0]}:{parts[1]}"
                first = int(start) if start.isdigit() else -1
                found.append(Lock(int(fields[at - 1]), device, int(parts[2]), first))
                break
    return found


def login_of(pid: int, proc: Path = LOCKS.parent) -> str | None:
    """The login a process of this machine runs as (its ``/proc`` entry's owner; a stat
    opens nothing), or None when it is gone or the login is unknown."""
    import pwd

    try:
        return pwd.getpwuid(os.stat(proc / str(pid)).st_uid).pw_name
    except (OSError, KeyError):
        return None


def open_files_of(pid: int, proc: Path = LOCKS.parent) -> dict[tuple[int, int], str] | None:
    """The regular files a process holds open, (device, inode) to the name the kernel gives
    it now (`` (deleted)`` at the end when it has none); None when its descriptors are not
    this user's to see. ``/proc/PID/fd`` is read by ``stat`` and ``readlink``: nothing is
    opened."""
    folder = proc / str(pid) / "fd"
    try:
        entries = os.listdir(folder)
    except OSError:
        return None
    found: dict[tuple[int, int], str] = {}
    for entry in entries:
        link = folder / entry
        try:
            info = os.stat(link)
            if stat.S_ISREG(info.st_mode):
                found[(info.st_dev, info.st_ino)] = os.readlink(link)
        except OSError:
            continue
    return found


def device_as_listed(device: int) -> str:
    """``st_dev`` as /proc/locks writes a device (the kernel's ``%02x:%02x``)."""
    return f"{os.major(device):02x}:{os.minor(device):02x}"


class Replaced(NamedTuple):
    holders: set[int]  # the pids holding the -shm and the old file
    old_files: set[int]  # the old file's inode (a rename keeps it; ``mv`` within a folder)


def holders_of_a_replaced_files_journals(
    path: Path, info: os.stat_result, locks: Path = LOCKS
) -> Replaced:
    """The pids that lock ``path``'s -shm and another database file of its folder's
    filesystem, while no process locks the file at ``path`` (``info``, its ``stat``), and
    that file's inode: the -wal and -shm are that other file's, one replaced there while
    these processes have it open. Empty when they are this file's, when there are none,
    and when it cannot be told:
    - the -shm is matched by device and inode, so a lock of another filesystem's file with
      the same inode number never counts (where the list names another device than
      ``stat``, as overlay filesystems may, nothing is told);
    - the file at ``path`` by its inode alone, so any doubt lets the open go on as before;
    - and the old file must be held too (a lock in SQLite's bytes of a database file, on
      another inode of that filesystem): a program that dropped its own locks on this very
      file (an open and close of it beside its connection, ../shared/SQLITE.md) keeps only
      the -shm's, and its -wal, in use, is never taken for another file's."""
    nothing = Replaced(set(), set())
    try:
        shm = os.stat(f"{path}-shm", follow_symlinks=False)
    except OSError:
        return nothing
    listed = locks_now(locks)
    if not listed:
        return nothing
    device = device_as_listed(shm.st_dev)
    holders = {lock.pid for lock in listed if (lock.device, lock.inode) == (device, shm.st_ino)}
    if not holders or any(lock.inode == info.st_ino for lock in listed):
        return nothing
    old = [
        lock
        for lock in listed
        if lock.pid in holders
        and lock.device == device
        and lock.inode not in (info.st_ino, shm.st_ino)
        and lock.start in FILE_LOCK_BYTES
    ]
    return Replaced({lock.pid for lock in old}, {lock.inode for lock in old})
