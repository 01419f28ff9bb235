"""The child side of the integration tests: one real process doing one job on the database.

Run as ``python -m tests.integration.worker '<json spec>'`` (see tests/integration/support.py).
Every job goes through the store as pdca itself does; whatever a job wants the parent to check
it prints as one JSON line on stdout, and every exception it meets is reported, never hidden.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pdca.db.connection import open_database
from pdca.db.models import ActionFields
from pdca.db.store import Store

NOW = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
DUE = date(2026, 12, 4)
GO_DEADLINE_SECONDS = 60.0


def _clock() -> datetime:
    return NOW


def _wait_for_go(spec: dict[str, Any]) -> None:
    """Say this process is up, then wait for the parent's signal so every worker starts at once."""
    Path(spec["ready"]).touch()
    _wait_for(Path(spec["go"]))


def _wait_for(go: Path) -> None:
    deadline = time.monotonic() + GO_DEADLINE_SECONDS
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("worker: no go signal from the parent")
        time.sleep(0.001)


def _open(spec: dict[str, Any]) -> tuple[Store, str]:
    """Open the store the way Store.open does, but with the spec's fake mountinfo if any."""
    opened = open_database(
        Path(spec["db"]), create=spec.get("create", False), mountinfo=spec.get("mountinfo")
    )
    store = Store(
        opened.connection,
        actor=spec["actor"],
        clock=_clock,
        path=opened.path,
        writable=opened.writable,
    )
    return store, opened.journal_mode


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def writes(spec: dict[str, Any]) -> dict[str, Any]:
    """``ops`` writes in a fixed rhythm: add an action, move it to Do, check in on it."""
    from pdca.db.models import ActionDraft, CheckinDraft  # pydantic: only the jobs that use it

    _wait_for_go(spec)
    errors: list[str] = []
    committed: list[list[Any]] = []
    try:
        store, journal_mode = _open(spec)
    except Exception as error:  # reported, and the parent fails on it
        return {"actor": spec["actor"], "committed": [], "errors": [_error(error)]}
    owners: list[str] = spec["owners"]
    last_action: int | None = None
    for index in range(spec["ops"]):
        try:
            if index % 3 == 0 or last_action is None:
                title = f"{spec['actor']} action {index}"
                draft = ActionDraft(title=title, owner=owners[(index // 3) % len(owners)], due=DUE)
                last_action = store.add_action(draft).id
                committed.append(["add", last_action, title])
            elif index % 3 == 1:
                moved = store.move_action(last_action, "do")
                committed.append(["move", moved.id, moved.phase])
            else:
                message = f"{spec['actor']} check-in {index}"
                checkin = store.add_checkin(last_action, CheckinDraft(message=message))
                committed.append(["checkin", checkin.id, message, last_action])
        except Exception as error:
            errors.append(_error(error))
    journal_now = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
    store.close()
    return {
        "actor": spec["actor"],
        "committed": committed,
        "errors": errors,
        "journal_mode": journal_mode,
        "journal_mode_at_end": journal_now,
    }


def crash_writer(spec: dict[str, Any]) -> None:
    """Add actions until killed, printing each id once its transaction has committed.

    Through the store's command-line write (``pdca add``'s: the same transaction as the
    app's, without importing pydantic), so a writer is up in a moment and a test can start
    many.

    With a ``go`` file in the spec it stops after its first commit until that file appears:
    writers looping at full speed starve one another of the lock for seconds (SQLite's busy
    wait), so the parent lets them loop only once each has committed once. With ``pause``
    it sleeps that long after each commit, so writers that run for long all make progress."""
    store, _ = _open(spec)
    index = 0
    while True:
        action = store.add_action_line(ActionFields(title=f"{spec['prefix']}-{index}"))
        sys.stdout.write(f"{action.id} {action.title}\n")
        sys.stdout.flush()
        if index == 0 and "go" in spec:
            _wait_for(Path(spec["go"]))
        if "pause" in spec:
            time.sleep(spec["pause"])  # room for the others between commits
        index += 1


def permissions(spec: dict[str, Any]) -> dict[str, Any]:
    """Create the database under the spec's umask, write, and report the files' modes while
    the connection (and so the -wal and -shm) is still open."""
    _wait_for_go(spec)
    os.umask(spec["umask"])
    path = Path(spec["db"])
    store = Store.open(path, actor="perms", clock=_clock, create=True)
    store.add_action_line(ActionFields(title="written under a umask"))
    files = {}
    for suffix in ("", "-wal", "-shm"):
        info = Path(f"{path}{suffix}").stat()
        files[suffix or "db"] = {"mode": info.st_mode & 0o7777, "gid": info.st_gid}
    store.close()
    return {"files": files}


def _count_migration(conn: Any) -> None:
    """The extra migration: a new column, and a row saying which process applied it."""
    conn.execute("ALTER TABLE actions ADD COLUMN effort TEXT")
    conn.execute("CREATE TABLE migration_runs (pid INTEGER NOT NULL)")
    conn.execute("INSERT INTO migration_runs (pid) VALUES (?)", (os.getpid(),))


def migrate(spec: dict[str, Any]) -> dict[str, Any]:
    """Run a pdca that knows one migration more than the file has, started with the others."""
    from pdca.db import schema

    schema.MIGRATIONS.append(("0099_effort", _count_migration))
    _wait_for_go(spec)
    try:
        opened = open_database(Path(spec["db"]), create=False)
    except Exception as error:
        return {"pid": os.getpid(), "errors": [_error(error)]}
    version = opened.connection.execute("PRAGMA user_version").fetchone()[0]
    columns = [row[1] for row in opened.connection.execute("PRAGMA table_info(actions)")]
    opened.connection.close()
    return {
        "pid": os.getpid(),
        "errors": [],
        "user_version": version,
        "schema_version": schema.schema_version(),
        "backup": str(opened.backup) if opened.backup else None,
        "columns": columns,
    }


JOBS = {
    "writes": writes,
    "crash_writer": crash_writer,
    "permissions": permissions,
    "migrate": migrate,
}


def main(argv: list[str]) -> None:
    spec = json.loads(argv[1])
    result = JOBS[spec["job"]](spec)
    if result is not None:
        sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv)
