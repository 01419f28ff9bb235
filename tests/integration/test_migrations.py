"""Files pdca must not touch, and a schema upgrade run by two new pdca processes at once.

- A file newer than this pdca, a SQLite file that is not pdca's, and a text file: every
  command refuses in one line and leaves the file byte-for-byte as it was.
- Two processes that know one more migration start on the same file together: the migration
  runs once, both succeed, and the backup taken first holds the old version and all the data.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pdca.db import schema
from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, run_pdca
from tests.integration.support import run_together, sha256, siblings

COMMANDS = [
    ["list"],
    ["add", "never written"],
    ["checkin", "1", "never written"],
    ["show", "1"],
    ["export"],
]


def _env(tmp_path: Path, path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "PDCA_USER": "alice",
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "PDCA_DB": str(path),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TZ": "UTC",
    }


def _refused_untouched(tmp_path: Path, path: Path, *needles: str) -> None:
    """Every command exits 1 with one stderr line holding ``needles``; the file is as it was."""
    before = sha256(path)
    for command in COMMANDS:
        result = run_pdca(*command, env=_env(tmp_path, path))
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (command, result.stderr)
        assert lines[0].startswith(f"pdca: {path}"), (command, lines[0])
        for needle in needles:
            assert needle in lines[0], (command, lines[0])
        assert result.stdout == "", command
        assert sha256(path) == before, f"{command} changed the file"
    assert siblings(path) == []


def _filled(path: Path) -> list[str]:
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    try:
        first = store.add_action(ActionDraft(title="Shorten triage", owner="ann"))
        store.add_action(ActionDraft(title="Label backlog"))
        store.add_checkin(first.id, CheckinDraft(message="started"))
        return [a.title for a in store.list_actions()]
    finally:
        store.close()


def test_a_newer_schema_is_refused_naming_both_versions(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    _filled(path)
    newer = schema.schema_version() + 5
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    _refused_untouched(
        tmp_path,
        path,
        f"schema version {newer}",
        f"knows up to version {schema.schema_version()}",
    )


def test_a_sqlite_file_that_is_not_pdcas_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.close()
    _refused_untouched(tmp_path, path, "not a pdca one")


@pytest.mark.parametrize(
    "content",
    [b"hello, world\n", b"\x00" * 64, b"SQLite format 2\x00 old"],
    ids=["text", "zeros", "old-sqlite-header"],
)
def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    _refused_untouched(tmp_path, path, "not a SQLite database")
    assert path.read_bytes() == content


def test_two_processes_upgrading_at_once_migrate_once(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    titles = _filled(path)
    old = schema.schema_version()
    specs = [{"job": "migrate", "db": str(path)} for _ in range(2)]

    reports = run_together(specs, tmp_path / "rendezvous")

    for report in reports:
        assert report["errors"] == []
        assert report["user_version"] == report["schema_version"] == old + 1
        assert "effort" in report["columns"]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old + 1
        runs = [row[0] for row in conn.execute("SELECT pid FROM migration_runs")]
        kept = [row[0] for row in conn.execute("SELECT title FROM actions ORDER BY id")]
    conn.close()
    assert len(runs) == 1 and runs[0] in {r["pid"] for r in reports}
    assert sorted(kept) == sorted(titles)

    # The backup every upgrader made first: the old version, with every row.
    backups = {Path(r["backup"]) for r in reports if r["backup"]}
    first = path.with_name(f"pdca.db.v{old}.bak")
    assert first in backups
    for backup in backups:
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == old
            assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
            columns = [row[1] for row in conn.execute("PRAGMA table_info(actions)")]
            assert "effort" not in columns
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        restored = Store.open(backup, actor="alice", clock=lambda: NOW_DT)
        try:
            assert sorted(a.title for a in restored.list_actions()) == sorted(titles)
            assert restored.counts()["checkin"] == 1
        finally:
            restored.close()

    # And this (older) pdca now refuses the upgraded file instead of misreading it.
    refused = run_pdca("list", env=_env(tmp_path, path))
    assert refused.returncode == 1
    assert f"schema version {old + 1}" in refused.stderr
