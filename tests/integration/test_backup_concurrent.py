"""``pdca backup`` while real processes keep writing, then ``pdca restore`` of one backup; and
a backup by someone who may only read the file.

Each writer commits actions one after another and prints each one once its transaction has
committed (tests/integration/worker.py, ``crash_writer``). A backup is the database as of one
commit, so from each writer it holds a prefix of that writer's actions: every action the
writer reported before the backup started, and no gap.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from pdca.db.backup import list_backups
from pdca.db.copies import check_copy
from pdca.db.models import ActionDraft
from pdca.db.seed import seed_database
from pdca.db.store import Store
from tests.conftest import NOW_DT
from tests.integration.support import start_pdca, start_worker
from tests.integration.test_permissions import _nobody_runner, public_dir  # noqa: F401

WRITERS = ["alpha", "beta"]
BACKUPS = 5
PROGRESS_DEADLINE_SECONDS = 60.0


class Committed:
    """The titles a writer reported committed, read from its stdout as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.titles: list[str] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            _, title = line.rstrip("\n").split(" ", 1)
            with self.lock:
                self.titles.append(title)

    def snapshot(self) -> list[str]:
        with self.lock:
            return list(self.titles)


def _wait_for_more(writers: dict[str, Committed], than: dict[str, int], more: int) -> None:
    deadline = time.monotonic() + PROGRESS_DEADLINE_SECONDS
    while any(len(w.snapshot()) < than[name] + more for name, w in writers.items()):
        for name, writer in writers.items():
            assert writer.process.poll() is None, f"{name} died: {writer.process.stderr.read()}"
        assert time.monotonic() < deadline, "the writers stopped making progress"
        time.sleep(0.02)


def _pdca(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    process = start_pdca(*args, env=env)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def _titles_by_writer(path: Path) -> dict[str, list[str]]:
    conn = _read_only(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        found = {}
        for writer in WRITERS:
            rows = conn.execute(
                "SELECT title FROM actions WHERE title LIKE ? ORDER BY id", (f"{writer}-%",)
            )
            found[writer] = [row[0] for row in rows]
        return found
    finally:
        conn.close()


def test_backups_while_others_write_hold_every_committed_write(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    setup = Store.open(path, actor="setup", clock=lambda: NOW_DT, create=True)
    seed_database(setup, size="small", seed=3)
    setup.close()
    env = {"PDCA_USER": "backup-job", "HOME": str(tmp_path), "TZ": "UTC"}
    folder = tmp_path / "offsite"
    folder.mkdir()

    writers = {
        name: Committed(
            start_worker(
                {
                    "job": "crash_writer",
                    "db": str(path),
                    "actor": name,
                    "prefix": name,
                    "pause": 0.002,  # each writer makes progress beside the other
                }
            )
        )
        for name in WRITERS
    }
    made: list[tuple[Path, dict[str, list[str]]]] = []
    try:
        seen = dict.fromkeys(WRITERS, 0)
        for _ in range(BACKUPS):
            _wait_for_more(writers, seen, more=20)
            before = {name: w.snapshot() for name, w in writers.items()}
            done = _pdca(env, "--db", str(path), "backup", str(folder), "--keep", "100", "--json")
            assert done.returncode == 0, done.stderr
            made.append((Path(json.loads(done.stdout)["path"]), before))
            seen = {name: len(titles) for name, titles in before.items()}
    finally:
        for writer in writers.values():
            writer.process.send_signal(signal.SIGKILL)
            writer.process.wait()
            writer.thread.join(timeout=10)

    assert len({backup for backup, _ in made}) == BACKUPS
    for backup, reported in made:
        in_backup = _titles_by_writer(backup)
        for name in WRITERS:
            titles = in_backup[name]
            # A prefix of the writer's sequence: name-0, name-1, ... with no gap ...
            assert titles == [f"{name}-{index}" for index in range(len(titles))], backup
            # ... holding at least every write reported committed before the backup began.
            assert titles[: len(reported[name])] == reported[name], (backup, name)
    # Later backups hold more: the copies were not all the same moment.
    counts = [sum(len(t) for t in _titles_by_writer(b).values()) for b, _ in made]
    assert counts == sorted(counts) and counts[0] < counts[-1]

    # Put the third one back (the writers are gone: nobody else has the file open).
    chosen, _ = made[2]
    done = _pdca(env, "--db", str(path), "restore", str(chosen), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["integrity"] == "ok"
    assert Path(report["before_restore"]).exists()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    assert _titles_by_writer(path) == _titles_by_writer(chosen)
    # The copy kept before the restore holds everything the writers reported committed (and
    # at most the one write each was killed between committing and reporting).
    kept = _titles_by_writer(Path(report["before_restore"]))
    for name, writer in writers.items():
        reported = writer.snapshot()
        assert kept[name][: len(reported)] == reported
        assert len(kept[name]) - len(reported) in (0, 1)


def test_a_reader_who_may_not_write_backs_up_into_a_folder_of_their_own(
    public_dir: Path,  # noqa: F811
) -> None:
    """As root: ``nobody`` (another real uid) reads the file 0644 in a 0755 folder. As anyone
    else: the owner reads the file made 0444 in a 0555 folder."""
    shared = public_dir / "shared"
    shared.mkdir()
    path = shared / "pdca.db"
    setup = Store.open(path, actor="owner", clock=lambda: NOW_DT, create=True)
    seed_database(setup, size="small", seed=5)
    setup.close()
    work = public_dir / "work"
    work.mkdir()
    work.chmod(0o755)
    if os.geteuid() == 0:
        path.chmod(0o644)
        shared.chmod(0o755)
        run = _nobody_runner(path, work)
        mine = work / "home" / "copies"
        mine.mkdir()
        os.chown(mine, *_ids("nobody"))
    else:
        from tests.integration.test_permissions import _self_runner

        path.chmod(0o444)
        shared.chmod(0o555)
        run = _self_runner(path, work)
        mine = work / "home" / "copies"
        mine.mkdir()
    expected = _dump(path)

    refused = run("backup")  # backups/ beside the file: this reader may not make it
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("pdca: ")
    assert "name a folder you may write" in refused.stderr
    assert not (shared / "backups").exists()

    done = run("backup", str(mine), "--json")
    assert done.returncode == 0, done.stderr
    written = Path(json.loads(done.stdout)["path"])
    assert written.parent == mine
    assert _dump(written) == expected
    assert sorted(p.name for p in shared.iterdir()) == ["pdca.db"]  # no -wal, -shm made there

    if os.geteuid() != 0:
        return  # the owner reading a 0444 file cannot also be the writer holding it open
    # And while a writer has it open (its -wal and -shm there, which this reader may read but
    # not write): the reader's copy holds the writer's last commit.
    holder = Store.open(path, actor="owner", clock=lambda: NOW_DT)
    try:
        holder.add_action(ActionDraft(title="committed while the reader copies"))
        assert (shared / "pdca.db-wal").exists() and (shared / "pdca.db-shm").exists()
        done = run("backup", str(mine), "--json")
        assert done.returncode == 0, done.stderr
        conn = _read_only(Path(json.loads(done.stdout)["path"]))
        try:
            titles = [row[0] for row in conn.execute("SELECT title FROM actions")]
        finally:
            conn.close()
        assert "committed while the reader copies" in titles
    finally:
        holder.close()


def _ids(login: str) -> tuple[int, int]:
    import pwd

    user = pwd.getpwnam(login)
    return user.pw_uid, user.pw_gid


def _dump(path: Path) -> list[Any]:
    conn = _read_only(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_backup_killed_half_way_leaves_no_partial_file_under_a_backups_name(
    tmp_path: Path,
) -> None:
    """Killed at moments spread over its run, ``pdca backup`` leaves, under the names
    people restore from, only whole backups; a half-written copy has only a dot-name."""
    path = tmp_path / "pdca.db"
    store = Store.open(path, actor="setup", clock=lambda: NOW_DT, create=True)
    store.add_actions(ActionDraft(title=f"action {n}", notes="n" * 3000) for n in range(6000))
    store.close()
    env = {"PDCA_USER": "backup-job", "HOME": str(tmp_path), "TZ": "UTC"}
    folder = tmp_path / "backups"
    killed = 0
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8):
        process = start_pdca("--db", str(path), "backup", "--keep", "100", env=env)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.communicate(timeout=120)
        for found in list_backups(path, folder):
            _version, problem = check_copy(found.path)
            assert problem is None, (found.path, problem)
    assert killed > 0, "every backup finished before it could be killed: make the file larger"
    names = [p.name for p in folder.iterdir()]
    assert all(name.startswith((".pdca.db.", "pdca.")) for name in names)
