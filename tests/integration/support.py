"""The parent side: start real worker processes together, and run ``pdca`` as a real process."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pdca.db.connection import open_database
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO

START_DEADLINE_SECONDS = 60.0
RUN_TIMEOUT_SECONDS = 120.0


def worker_command(spec: dict[str, Any]) -> list[str]:
    return [sys.executable, "-m", "tests.integration.worker", json.dumps(spec)]


def worker_env() -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "TZ": "UTC"}


def start_worker(spec: dict[str, Any]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        worker_command(spec),
        cwd=REPO,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_together(specs: list[dict[str, Any]], rendezvous: Path) -> list[dict[str, Any]]:
    """Start one worker per spec, let them all go at the same instant, return their reports.

    Each worker touches its own ``ready`` file and then waits for the ``go`` file, so none
    begins before every one of them is running.
    """
    rendezvous.mkdir()
    go = rendezvous / "go"
    for number, spec in enumerate(specs):
        spec["ready"] = str(rendezvous / f"ready-{number}")
        spec["go"] = str(go)
    processes = [start_worker(spec) for spec in specs]
    try:
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while not all(Path(spec["ready"]).exists() for spec in specs):
            for process in processes:
                if process.poll() is not None:
                    _, err = process.communicate()
                    raise AssertionError(f"a worker died before the start: {err}")
            assert time.monotonic() < deadline, "workers did not all start"
            time.sleep(0.005)
        go.touch()
        reports = []
        for process in processes:
            out, err = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
            assert process.returncode == 0, f"worker exited {process.returncode}: {err}"
            assert err == "", f"worker wrote to stderr: {err}"
            reports.append(json.loads(out))
        return reports
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def pdca_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pdca.tui", *args]


def start_pdca(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start ``pdca`` as a real process without waiting for it (see tests/conftest.run_pdca)."""
    return subprocess.Popen(
        pdca_command(*args),
        env={**os.environ, **env},
        cwd=env.get("HOME", str(REPO)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> list[str]:
    """The -wal, -shm and -journal files next to ``path`` that exist right now."""
    return [suffix for suffix in ("-wal", "-shm", "-journal") if Path(f"{path}{suffix}").exists()]


def open_checker(path: Path, mountinfo: str | None = None) -> Store:
    """The parent's own look at the file (with the workers' mountinfo, so its journal stays)."""
    opened = open_database(path, create=False, mountinfo=mountinfo)
    return Store(opened.connection, actor="checker", clock=lambda: NOW_DT, path=opened.path)


def check_reports(
    path: Path,
    reports: list[dict[str, Any]],
    owners: list[str],
    mountinfo: str | None = None,
    *,
    restored: bool = False,
) -> None:
    """Every write each worker saw committed is in the file, exactly once, and nothing else
    (``restored``: but for the one event a ``pdca restore`` into the file writes last)."""
    for report in reports:
        assert report["errors"] == [], f"{report['actor']}: {report['errors']}"
        assert not any("locked" in error for error in report["errors"])
    store = open_checker(path, mountinfo)
    try:
        conn = store.conn
        assert [row[0] for row in conn.execute("PRAGMA integrity_check")] == ["ok"]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        total = 0
        for report in reports:
            actor = report["actor"]
            total += len(report["committed"])
            for op, row_id, *rest in report["committed"]:
                if op == "add":
                    row = conn.execute(
                        "SELECT title, created_by FROM actions WHERE id = ?", (row_id,)
                    ).fetchone()
                    assert row is not None, f"{actor}: action #{row_id} lost"
                    assert tuple(row) == (rest[0], actor)
                elif op == "move":
                    phase = conn.execute(
                        "SELECT phase FROM actions WHERE id = ?", (row_id,)
                    ).fetchone()
                    assert phase is not None and phase[0] == "do" == rest[0]
                    moves = conn.execute(
                        "SELECT count(*) FROM events WHERE entity = 'action' AND entity_id = ?"
                        " AND op = 'update' AND actor = ?",
                        (row_id, actor),
                    ).fetchone()[0]
                    assert moves == 1
                else:
                    row = conn.execute(
                        "SELECT message, action_id, author FROM checkins WHERE id = ?", (row_id,)
                    ).fetchone()
                    assert row is not None, f"{actor}: check-in #{row_id} lost"
                    assert tuple(row) == (rest[0], rest[1], actor)
            mine = conn.execute(
                "SELECT count(*) FROM events WHERE actor = ? AND entity != 'person'", (actor,)
            ).fetchone()[0]
            assert mine == len(report["committed"]), actor
        adds = sum(op == "add" for r in reports for op, *_ in r["committed"])
        checkins = sum(op == "checkin" for r in reports for op, *_ in r["committed"])
        assert conn.execute("SELECT count(*) FROM actions").fetchone()[0] == adds
        assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == checkins
        people = [row[0] for row in conn.execute("SELECT login FROM people ORDER BY login")]
        assert people == sorted(owners)
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        restore_events = conn.execute(
            "SELECT count(*) FROM events"
            " WHERE entity = 'database' AND summary LIKE 'restored from %'"
        ).fetchone()[0]
        assert restore_events == (1 if restored else 0)
        assert events == total + len(owners) + restore_events
        person_events = conn.execute(
            "SELECT count(*) FROM events WHERE entity = 'person'"
        ).fetchone()[0]
        assert person_events == len(owners)
        # Each write is one transaction: its events share a tx no other write uses.
        transactions = conn.execute("SELECT count(DISTINCT tx) FROM events").fetchone()[0]
        assert transactions == total + restore_events
    finally:
        store.close()
