"""A file moved over the team's while a program has the old one open: the old -wal and -shm
stay under the name, and SQLite takes them by name alone. A trial's ``mv backup.db team.db``
beside a board and a loop of ``pdca checkin``: the check-ins in the second before the board
set them aside wrote the old file's changes into the one moved in, and the next were refused
as "damaged"; a ``sqlite3`` shell on the old file left them there for good, and doctor's own
read replayed them. Whoever opens the file first sets them aside (db/lock_table.py tells
whose they are); real processes here, as the trials had them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pdca.db.connection import journals_of
from pdca.db.errors import DatabaseBroken
from pdca.db.lock_table import (
    Replaced,
    device_as_listed,
    holders_of_a_replaced_files_journals,
    locks_now,
)
from pdca.db.models import ActionDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, run_pdca

# A pdca command that keeps the file open until told to go (one running at the swap), after
# a read, so SQLite holds its locks on the file and its -shm.
HOLDER = (
    "import sys\n"
    "from datetime import UTC, datetime\n"
    "from pathlib import Path\n"
    "from pdca.db.store import Store\n"
    "store = Store.open(Path(sys.argv[1]), actor='bob', clock=lambda: datetime.now(UTC))\n"
    "store.conn.execute('SELECT count(*) FROM actions').fetchone()\n"
    "print('open', flush=True)\n"
    "sys.stdin.readline()\n"
    "store.close()\n"
)


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "HOME": str(home),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "PDCA_USER": "alice",
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "TZ": "UTC",
    }


def _file(path: Path, *titles: str) -> None:
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    for title in titles:
        store.add_action(ActionDraft(title=title))
    store.close()


def _holding(path: Path, code: str) -> subprocess.Popen[str]:
    """A program (``code``) with ``path`` open after a read, until told to go."""
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
    return holder


def _replaced_under_a_holder(
    tmp_path: Path, holder_code: str = HOLDER
) -> tuple[Path, subprocess.Popen[str]]:
    """The team's file, held open by another program, with a colleague's check-in in its
    -wal; then a backup of other contents moved over it."""
    path = tmp_path / "pdca.db"
    _file(path, "The team's own")
    other = tmp_path / "backup.db"
    _file(other, "Moved in, first", "Moved in, second")
    holder = _holding(path, holder_code)
    checked = run_pdca("--db", str(path), "checkin", "1", "before the move", env=_env(tmp_path))
    assert checked.returncode == 0, checked.stderr
    assert Path(f"{path}-wal").stat().st_size > 0  # the holder keeps it from being folded in
    os.replace(other, path)
    return path, holder


def _titles_and_integrity(path: Path) -> tuple[list[str], str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        titles = [row[0] for row in conn.execute("SELECT title FROM actions ORDER BY id")]
        return titles, conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# The same, held by another program than pdca (a sqlite3 shell after a read): it leaves the
# journals behind as it ends.
PLAIN_HOLDER = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1])\n"
    "conn.execute('SELECT count(*) FROM actions').fetchone()\n"
    "print('open', flush=True)\n"
    "sys.stdin.readline()\n"
    "conn.close()\n"
)


def _checkins(path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT action_id, message FROM checkins ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("holder_code", [HOLDER, PLAIN_HOLDER], ids=["pdca", "sqlite3"])
def test_the_first_open_of_the_file_moved_in_sets_the_old_files_journals_aside(
    tmp_path: Path, holder_code: str
) -> None:
    path, holder = _replaced_under_a_holder(tmp_path, holder_code)
    try:
        assert holders_of_a_replaced_files_journals(path, os.stat(path)).holders == {holder.pid}
        checked = run_pdca("--db", str(path), "checkin", "2", "after", env=_env(tmp_path))
        assert checked.returncode == 0, checked.stderr
        warned = checked.stderr.strip()
        assert "\n" not in warned and "Traceback" not in warned
        assert "was put in place while a program still had the file it replaced open" in warned
        assert "pdca.db-wal.left-by-the-old-file-" in warned
        assert _checkins(path) == [(2, "after")]  # and not the old file's "before the move"
    finally:
        holder.communicate("go\n", timeout=30)
    # The holder ended (a sqlite3 shell leaves the old journals as it goes, under the names
    # they were set aside as): the file moved in is whole, with what was written to it.
    titles, integrity = _titles_and_integrity(path)
    assert (titles, integrity) == (["Moved in, first", "Moved in, second"], "ok")
    listed = run_pdca("--db", str(path), "list", "--json", env=_env(tmp_path))
    assert [a["title"] for a in json.loads(listed.stdout)] == titles, listed.stderr
    assert _checkins(path) == [(2, "after")]
    kept = sorted(p.name.partition(".left")[0] for p in tmp_path.glob("pdca.db-*.left-by-*"))
    assert kept == ["pdca.db-shm", "pdca.db-wal"]


def test_doctor_sets_them_aside_and_names_them_rather_than_read_them_in(tmp_path: Path) -> None:
    path, holder = _replaced_under_a_holder(tmp_path, PLAIN_HOLDER)
    try:
        checked = run_pdca("--db", str(path), "doctor", env=_env(tmp_path))
    finally:
        holder.communicate("go\n", timeout=30)
    said = checked.stdout + checked.stderr
    assert "damaged" not in said and "FAIL" not in said, said
    assert "set aside" in said and "left-by-the-old-file" in said
    assert _titles_and_integrity(path) == (["Moved in, first", "Moved in, second"], "ok")


def test_a_process_that_has_the_old_file_open_reads_no_other_as_it(tmp_path: Path) -> None:
    """A report's second connection, opened after the swap: it read the file moved in as
    the one it began on (and waited 5 s for itself, a retrial)."""
    path = tmp_path / "pdca.db"
    _file(path, "The team's own")
    other = tmp_path / "backup.db"
    _file(other, "Moved in")
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT)
    try:
        store.conn.execute("SELECT count(*) FROM actions").fetchone()
        os.replace(other, path)
        with pytest.raises(DatabaseBroken, match="was replaced by another file while open"):
            Store.open(path, actor="alice", clock=lambda: NOW_DT)
    finally:
        store.close()  # and sets them aside, as it closes on a replaced file
    assert _titles_and_integrity(path) == (["Moved in"], "ok")


def test_an_ordinary_open_file_is_never_taken_for_a_replaced_one(tmp_path: Path) -> None:
    """The same program holding the file, not replaced: its -shm and the file are both
    locked, so nothing waits."""
    path = tmp_path / "pdca.db"
    _file(path, "Ours")
    holder = _holding(path, HOLDER)
    try:
        locks = locks_now()
        assert locks is not None and any(lock.pid == holder.pid for lock in locks)
        assert holders_of_a_replaced_files_journals(path, os.stat(path)).holders == set()
    finally:
        holder.communicate("go\n", timeout=30)


def test_the_lock_list_is_matched_by_the_shms_device_and_inode_and_the_files_inode(
    tmp_path: Path,
) -> None:
    """Read from a list written as the kernel writes /proc/locks: the -shm and an old file
    of its filesystem held (SQLite's bytes of a database file) while this one is not. A
    lock of another filesystem's file with the -shm's inode number is not the -shm's; any
    lock with the file's inode number counts as the file held; and a -shm held with no old
    file (a program that dropped its locks on this one) is this file's (a doubt lets the
    open go on as before)."""
    path = tmp_path / "pdca.db"
    path.touch()
    Path(f"{path}-shm").touch()  # names only: stat-ed, never a database here
    info, shm = os.stat(path), os.stat(f"{path}-shm")
    device = device_as_listed(shm.st_dev)
    old_inode = max(info.st_ino, shm.st_ino) + 1  # the file replaced, still held
    locks = tmp_path / "locks"

    def holders(*lines: str) -> set[int]:
        locks.write_text("".join(f"{n}: {line}\n" for n, line in enumerate(lines, start=1)))
        return holders_of_a_replaced_files_journals(path, info, locks).holders

    def shm_held(pid: int, dev: str = device) -> str:
        return f"POSIX  ADVISORY  READ {pid} {dev}:{shm.st_ino} 128 128"

    def old_held(pid: int, dev: str = device, start: int = 1073741826) -> str:
        return f"POSIX  ADVISORY  READ {pid} {dev}:{old_inode} {start} 1073742335"

    assert holders(shm_held(7), old_held(7)) == {7}
    assert holders(shm_held(7), old_held(7, start=1073741824)) == {7}  # PENDING, to close
    assert holders(f"-> POSIX  ADVISORY  WRITE 8 {device}:{shm.st_ino} 120 120", old_held(8)) == {8}
    assert holders(shm_held(7)) == set()  # its locks on this file dropped: no old file held
    assert holders(shm_held(7), old_held(7, start=0)) == set()  # not SQLite's database bytes
    assert holders(shm_held(7), old_held(7, dev="ff:7f")) == set()  # another filesystem
    assert holders(shm_held(7), old_held(9)) == set()  # another program's file
    assert holders(shm_held(7, dev="ff:7f"), old_held(7)) == set()
    assert (
        holders(shm_held(7), old_held(7), f"POSIX  ADVISORY  READ 9 00:2a:{info.st_ino} 1 1")
        == set()
    )
    assert holders() == set()
    assert holders_of_a_replaced_files_journals(path, info, tmp_path / "none").holders == set()


def test_a_store_closing_on_a_replaced_file_moves_only_its_own_journals(
    tmp_path: Path,
) -> None:
    """A process with the old file open and the new one too (a board's reader opened after
    another command set the old journals aside): closing the old file's store moved the new
    file's -wal, a colleague's committed write in it (a reviewer)."""
    path = tmp_path / "pdca.db"
    _file(path, "The team's own")
    other = tmp_path / "backup.db"
    _file(other, "Moved in")
    old = Store.open(path, actor="alice", clock=lambda: NOW_DT)
    old.conn.execute("SELECT count(*) FROM actions").fetchone()
    os.replace(other, path)
    listed = run_pdca("--db", str(path), "list", env=_env(tmp_path))  # sets the old aside
    assert listed.returncode == 0 and "set aside" in listed.stderr, listed.stderr
    new = Store.open(path, actor="alice", clock=lambda: NOW_DT)  # this process, the new file
    try:
        added = run_pdca("--db", str(path), "add", "A colleague's", env=_env(tmp_path))
        assert added.returncode == 0, added.stderr
        live = journals_of(path)
        assert live  # the new file's, kept by the store on it
        old.close()
        assert journals_of(path) == live  # not moved from under the write in them
    finally:
        new.close()
    assert _titles_and_integrity(path) == (["Moved in", "A colleague's"], "ok")


def test_journals_made_anew_between_the_look_and_the_move_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run set the old ones aside and opened the file moved in while this one read
    the locks: the -wal and -shm at the name now are that file's, and stay (a reviewer's
    paused run moved a live -wal). Names only here: stat-ed and renamed, never databases."""
    from pdca.db import connection

    path = tmp_path / "pdca.db"
    path.touch()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").write_text("old")

    looks = []

    def meanwhile(_path: Path, _info: os.stat_result) -> Replaced:
        looks.append(1)
        if len(looks) > 1:  # looked at again: the new file's, held with it, are no other's
            return Replaced(set(), set())
        for suffix in ("-wal", "-shm"):
            os.rename(f"{path}{suffix}", f"{path}{suffix}.set-aside-by-another")
            Path(f"{path}{suffix}").write_text("new")
        return Replaced({os.getpid() + 1}, set())

    monkeypatch.setattr(connection, "holders_of_a_replaced_files_journals", meanwhile)
    assert connection.set_aside_a_replaced_files_journals(path) == []
    assert [Path(f"{path}{s}").read_text() for s in ("-wal", "-shm")] == ["new", "new"]
    assert len(looks) == 2


@pytest.mark.parametrize(
    ("first", "moved_to"), [("list", "old.db"), ("doctor", "old.db"), ("list", "sub/old.db")]
)
def test_renamed_within_its_folder_the_old_file_gets_its_journals_back(
    tmp_path: Path, first: str, moved_to: str
) -> None:
    """``mv pdca.db old.db; mv backup.db pdca.db`` under a sqlite3 shell: the first command
    after put the old file's -wal under a name doctor says to remove, and old.db lacked its
    last change (a retrial); a board puts its own beside the new name."""
    path = tmp_path / "pdca.db"
    _file(path, "The team's own")
    other = tmp_path / "backup.db"
    _file(other, "Moved in")
    holder = _holding(path, PLAIN_HOLDER)
    try:
        checked = run_pdca("--db", str(path), "checkin", "1", "the last", env=_env(tmp_path))
        assert checked.returncode == 0, checked.stderr
        old = tmp_path / moved_to
        old.parent.mkdir(exist_ok=True)
        os.rename(path, old)
        os.replace(other, path)
        ran = run_pdca("--db", str(path), first, env=_env(tmp_path))
        said = " ".join((ran.stdout + ran.stderr).split())  # doctor says it too (it did not)
        # the whole path where it is another folder (a retrial looked for it here)
        shown = "old.db-wal" if old.parent == tmp_path else f"{old}-wal"
        assert ran.returncode == 0 and f"moved beside that file as {shown}" in said, said
        assert Path(f"{old}-wal").exists() and not list(tmp_path.glob("*.left-by-*"))
    finally:
        holder.communicate("go\n", timeout=30)
    assert _checkins(old) == [(1, "the last")]  # its last change, found again by SQLite
    assert _titles_and_integrity(path) == (["Moved in"], "ok")


def test_an_aside_name_is_never_one_taken(tmp_path: Path) -> None:
    """A second swap in the same second found the first's name taken and moved nothing (a
    retrial); a rename onto it would have replaced the first."""
    from pdca.db.connection import _aside_name

    left = str(tmp_path / "pdca.db-wal")
    first = _aside_name(left, "20261207T005541Z")
    assert first == f"{left}.left-by-the-old-file-20261207T005541Z"
    Path(first).write_text("the first swap's")
    assert _aside_name(left, "20261207T005541Z") == f"{first}-2"


# A program that had the file open, then dropped its own locks on it (an open and close of
# the file beside its connection, SQLITE.md's hazard) and holds another database: its -shm
# lock and the other file's look as a replaced file's would.
DROPS_ITS_LOCKS = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1])\n"
    "conn.execute('SELECT count(*) FROM actions').fetchone()\n"
    "print('open', flush=True)\n"
    "sys.stdin.readline()\n"
    "open(sys.argv[1], 'rb').close()\n"
    "other = sqlite3.connect(sys.argv[2], isolation_level=None)\n"
    "other.execute('BEGIN')\n"
    "other.execute('SELECT count(*) FROM t').fetchone()\n"
    "print('dropped', flush=True)\n"
    "sys.stdin.readline()\n"
)


def test_a_program_that_dropped_its_locks_keeps_this_files_journals(tmp_path: Path) -> None:
    """A reviewer's script with a second database: the file's own -wal, a committed action
    in it, was moved beside that database and the action was gone from the board."""
    path = tmp_path / "pdca.db"
    _file(path, "First")
    other = tmp_path / "c.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", DROPS_ITS_LOCKS, str(path), str(other)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        added = run_pdca("--db", str(path), "add", "Second, in the wal", env=_env(tmp_path))
        assert added.returncode == 0, added.stderr
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "dropped"
        listed = run_pdca("--db", str(path), "list", "--json", env=_env(tmp_path))
        assert listed.returncode == 0 and "warning" not in listed.stderr, listed.stderr
        assert [a["title"] for a in json.loads(listed.stdout)] == ["First", "Second, in the wal"]
        assert not Path(f"{other}-wal").exists()
    finally:
        holder.communicate("go\n", timeout=30)
