"""``pdca doctor``'s ``kept`` check and ``pdca doctor --repair``: the tables SQLite keeps by
triggers (action_stays, event_changes, each action's last check-in), drifted by hand, are
reported, then rebuilt from the event log, after which flow and the stand-up say what they
said before. Real processes, as a person or a cron job runs them."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from pdca.db import kept
from pdca.db.errors import ReadOnlyDatabase
from pdca.db.store import Store
from tests.conftest import NOW_DT, run_pdca


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded file, made once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("kept")
    home = folder / "home"
    home.mkdir()
    path = folder / "seeded.db"
    done = run_pdca("--db", str(path), "seed", env=_env(home))
    assert done.returncode == 0, done.stderr
    return path


def _env(home: Path) -> dict[str, str]:
    return {
        "PDCA_USER": "alice",
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TZ": "UTC",
    }


class File:
    """A copy of the seeded file and the pdca that runs on it."""

    def __init__(self, template: Path, folder: Path, name: str) -> None:
        self.path = folder / name
        home = folder / f"home-{name}"
        home.mkdir()
        self.env = _env(home)
        with sqlite3.connect(template) as source, sqlite3.connect(self.path) as copy:
            source.backup(copy)
        source.close()
        copy.close()

    def pdca(self, *args: str):  # type: ignore[no-untyped-def]
        return run_pdca("--db", str(self.path), *args, env=self.env)

    def sql(self, *statements: str) -> None:
        """A hand edit with sqlite3, around pdca's triggers."""
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            for statement in statements:
                conn.execute(statement)
        finally:
            conn.close()

    def views(self) -> tuple[str, str]:
        flow = self.pdca("flow", "--json")
        standup = self.pdca("standup", "--json")
        assert flow.returncode == 0 and standup.returncode == 0, flow.stderr + standup.stderr
        # The newest event when it was read: the repair's own event is one the twin lacks.
        digest = json.loads(standup.stdout)
        digest.pop("seen_event")
        return flow.stdout, json.dumps(digest, sort_keys=True)

    def kept_rows(self) -> tuple[list, ...]:
        conn = sqlite3.connect(self.path)
        try:
            return (
                conn.execute("SELECT * FROM action_stays ORDER BY id").fetchall(),
                conn.execute("SELECT * FROM event_changes ORDER BY at, id").fetchall(),
                conn.execute(
                    "SELECT id, last_checkin_at, last_checkin_status FROM actions ORDER BY id"
                ).fetchall(),
                conn.execute("SELECT * FROM checkin_weeks ORDER BY action_id, week").fetchall(),
                conn.execute("SELECT * FROM owner_weeks ORDER BY owner, week").fetchall(),
                conn.execute("SELECT * FROM audit_counts ORDER BY initiative, result").fetchall(),
            )
        finally:
            conn.close()

    def events(self) -> int:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            conn.close()


def _an_open_action_in_check(file: File) -> int:
    conn = sqlite3.connect(file.path)
    try:
        return conn.execute(
            "SELECT min(id) FROM actions WHERE phase = 'check' AND done_at IS NULL"
        ).fetchone()[0]
    finally:
        conn.close()


# (drift, its hand edit, the write pdca makes after it or None, the kept line doctor gives)
DRIFTS = [
    (
        "stays deleted",
        ["DELETE FROM action_stays WHERE id IN (SELECT id FROM action_stays LIMIT 5)"],
        None,
        "FAIL kept         action_stays: 5 rows differ from the event log",
    ),
    (
        "a stay changed",
        ["UPDATE action_stays SET days = days + 3 WHERE id = (SELECT min(id) FROM action_stays)"],
        None,
        "FAIL kept         action_stays: 1 row differs from the event log",
    ),
    (
        "stays trigger dropped, then a move",
        ["DROP TRIGGER events_stays_on_insert"],
        "move",
        "FAIL kept         action_stays: 1 row differs from the event log",
    ),
    (
        "changes deleted",
        ["DELETE FROM event_changes WHERE (at, id) IN (SELECT at, id FROM event_changes LIMIT 4)"],
        None,
        "FAIL kept         event_changes: 4 rows differ from the event log",
    ),
    (
        "a change changed",
        [
            "UPDATE event_changes SET person = 'mallory'"
            " WHERE (at, id) = (SELECT at, id FROM event_changes ORDER BY at DESC LIMIT 1)"
        ],
        None,
        "FAIL kept         event_changes: 1 row differs from the event log",
    ),
    (
        "changes trigger dropped, then a check-in",
        ["DROP TRIGGER events_changes_on_insert"],
        "checkin",
        "FAIL kept         event_changes: 1 row differs from the event log",
    ),
    (
        "a last check-in changed",
        [
            "DROP TRIGGER actions_last_on_update",
            "UPDATE actions SET last_checkin_status = 'blocked', last_checkin_at = NULL"
            " WHERE id IN (SELECT id FROM actions WHERE last_checkin_at IS NOT NULL LIMIT 2)",
        ],
        None,
        "FAIL kept         last check-ins: 2 rows differ from the check-ins",
    ),
    (
        "check-in trigger dropped, then a check-in",
        ["DROP TRIGGER checkins_last_on_insert"],
        "checkin",
        "FAIL kept         last check-ins: 1 row differs from the check-ins",
    ),
    (
        "a check-in week changed",  # no trigger of checkin_weeks fires on its count
        [
            "UPDATE checkin_weeks SET checkins = checkins + 5"
            " WHERE (action_id, week) = (SELECT action_id, week FROM checkin_weeks LIMIT 1)"
        ],
        None,
        "FAIL kept         checkin_weeks: 1 row differs from the check-ins",
    ),
    (
        "owner weeks changed",
        [
            "UPDATE owner_weeks SET actions = actions + 2"
            " WHERE (owner, week) IN (SELECT owner, week FROM owner_weeks LIMIT 3)"
        ],
        None,
        "FAIL kept         owner_weeks: 3 rows differ from the check-ins and actions",
    ),
    (
        "audit counts changed",
        ["UPDATE audit_counts SET audits = audits + 1 WHERE result = 'holding'"],
        None,
        "FAIL kept         audit_counts",
    ),
    (
        "owner weeks trigger dropped, then an owner changed",
        ["DROP TRIGGER actions_weeks_on_update"],
        "owner",
        "FAIL kept         owner_weeks",
    ),
]


def _write(file: File, write: str | None, action: int) -> None:
    if write == "move":
        done = file.pdca("move", str(action), "plan")
    elif write == "checkin":
        done = file.pdca("checkin", str(action), "hello from the drift test")
    elif write == "owner":  # to someone else: the action's weeks with a check-in go with it
        done = file.pdca("edit", str(action), "--owner", "zed")
    else:
        return
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("drift", "statements", "write", "line"), DRIFTS, ids=[d[0] for d in DRIFTS]
)
def test_a_drift_is_reported_then_repaired(
    template: Path,
    tmp_path: Path,
    drift: str,
    statements: list[str],
    write: str | None,
    line: str,
) -> None:
    # The twin takes the same write with every trigger in place: what the views should say.
    twin = File(template, tmp_path, "twin.db")
    file = File(template, tmp_path, "drifted.db")
    action = _an_open_action_in_check(twin)
    _write(twin, write, action)
    wanted_views, wanted_rows = twin.views(), twin.kept_rows()
    healthy = file.pdca("doctor")
    assert healthy.returncode == 0 and "FAIL" not in healthy.stdout, healthy.stdout
    assert healthy.stdout.count("ok   kept ") == 6

    file.sql(*statements)
    _write(file, write, action)
    assert file.kept_rows() != wanted_rows  # the drift is real
    found = file.pdca("doctor")
    assert found.returncode == 1
    assert line in found.stdout, found.stdout
    assert "doctor --repair" in found.stdout.split(line, 1)[1].splitlines()[0]
    assert found.stdout.count("FAIL kept ") == 1
    if any(s.startswith("DROP TRIGGER") for s in statements):
        objects = next(x for x in found.stdout.splitlines() if " objects " in x)
        assert objects.startswith("FAIL") and "doctor --repair" in objects, objects
        assert "restore a backup" not in objects

    events = file.events()
    repaired = file.pdca("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    name = line.split("kept", 1)[1].split(":")[0].strip()
    if ": " in line:
        count = line.split(": ", 1)[1].split(" ")[0]
        assert f"{name}: {count} row{'s' if count != '1' else ''} rebuilt" in repaired.stdout
    else:  # as many rows as the action had weeks with a check-in (and its new owner too)
        assert re.search(rf"{name}: \d+ rows? rebuilt", repaired.stdout), repaired.stdout
    if write is None and not statements[0].startswith("DROP"):
        assert "put back" not in repaired.stdout
    else:
        assert "trigger " in repaired.stdout and "put back" in repaired.stdout
    assert file.events() == events + 1  # the repair's own event, nothing else

    after = file.pdca("doctor")
    assert after.returncode == 0 and "FAIL" not in after.stdout, after.stdout
    assert file.kept_rows() == wanted_rows
    assert file.views() == wanted_views


def test_repair_of_a_healthy_file_changes_nothing(template: Path, tmp_path: Path) -> None:
    file = File(template, tmp_path, "healthy.db")
    rows, events = file.kept_rows(), file.events()
    done = file.pdca("doctor", "--repair")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("nothing to repair: every kept table equals its rebuild")
    assert file.kept_rows() == rows and file.events() == events


def test_a_dropped_kept_table_and_index_are_made_again(template: Path, tmp_path: Path) -> None:
    file = File(template, tmp_path, "dropped.db")
    rows = file.kept_rows()
    file.sql("DROP TABLE action_stays")
    found = file.pdca("doctor")
    assert found.returncode == 1
    assert "FAIL kept         action_stays: no table (see objects)" in found.stdout
    assert "no table action_stays" in found.stdout and "doctor --repair" in found.stdout
    repaired = file.pdca("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "table action_stays put back" in repaired.stdout
    assert "index idx_action_stays_phase put back" in repaired.stdout
    assert file.pdca("doctor").returncode == 0
    assert file.kept_rows() == rows


def test_a_dropped_kept_table_beside_another_tables_dropped_index_is_repaired(
    template: Path, tmp_path: Path
) -> None:
    """The indexes-first write logged an event, whose triggers keep action_stays, dropped:
    "no such table: main.action_stays", and nothing repaired (a retrial)."""
    file = File(template, tmp_path, "both.db")
    rows = file.kept_rows()
    file.sql("DROP TABLE action_stays", "DROP INDEX idx_checkins_at")
    repaired = file.pdca("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "table action_stays put back" in repaired.stdout
    assert "index idx_checkins_at put back" in repaired.stdout
    assert file.pdca("doctor").returncode == 0
    assert file.kept_rows() == rows


def test_an_altered_event_trigger_beside_a_dropped_index_is_repaired(
    template: Path, tmp_path: Path
) -> None:
    """The indexes-first write logged an event, which fired the altered trigger before it was
    made again: "table event_changes has no column named nosuch", nothing repaired (a
    reviewer). That write logs nothing; the repair's one event comes after."""
    file = File(template, tmp_path, "trigger.db")
    file.sql(
        "DROP TRIGGER events_changes_on_insert",
        "CREATE TRIGGER events_changes_on_insert AFTER INSERT ON events BEGIN"
        " INSERT INTO event_changes (nosuch) VALUES (1); END",
        "DROP INDEX idx_checkins_at",
    )
    repaired = file.pdca("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "index idx_checkins_at put back" in repaired.stdout
    assert "trigger events_changes_on_insert made again" in repaired.stdout
    assert file.pdca("doctor").returncode == 0


def test_objects_repair_cannot_mend_still_say_restore(template: Path, tmp_path: Path) -> None:
    file = File(template, tmp_path, "board.db")
    # A table of pdca's altered (an index dropped is repaired: every one is pdca's to remake)
    file.sql("ALTER TABLE actions ADD COLUMN mine TEXT")
    found = file.pdca("doctor")
    objects = next(x for x in found.stdout.splitlines() if " objects " in x)
    assert objects.startswith("FAIL") and "restore a backup" in objects, objects


def test_repair_is_refused_on_a_file_one_may_not_write(template: Path, tmp_path: Path) -> None:
    file = File(template, tmp_path, "readonly.db")
    file.sql("DELETE FROM action_stays WHERE id IN (SELECT id FROM action_stays LIMIT 2)")
    rows = file.kept_rows()
    os.chmod(file.path, 0o444)
    try:
        if os.geteuid() != 0:  # root may write anything: the store below stands in for it
            refused = file.pdca("doctor", "--repair")
            assert refused.returncode == 1
            assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
            assert "Traceback" not in refused.stderr
        store = Store.open(file.path, actor="alice", clock=lambda: NOW_DT)
        try:
            store.writable = False  # as a reader's store is
            with pytest.raises(ReadOnlyDatabase):
                kept.repair_store(store)
        finally:
            store.close()
    finally:
        os.chmod(file.path, 0o644)
    assert file.kept_rows() == rows


def test_writes_between_the_repairs_read_and_its_write_are_kept_right(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repair finds what differs before it takes the write lock; others' writes in
    between (every trigger in place) keep their own rows right, and the rows it found are
    rewritten from the log as it is at the write: nothing differs afterwards."""
    from pdca.db.models import CheckinDraft

    file = File(template, tmp_path, "busy.db")
    action = _an_open_action_in_check(file)
    file.sql(
        "DELETE FROM action_stays WHERE id IN (SELECT id FROM action_stays LIMIT 3)",
        "DELETE FROM event_changes WHERE (at, id) IN (SELECT at, id FROM event_changes LIMIT 2)",
    )
    other = Store.open(file.path, actor="bob", clock=lambda: NOW_DT)
    store = Store.open(file.path, actor="alice", clock=lambda: NOW_DT)
    found = kept._differing_keys

    def then_others_write(connection: sqlite3.Connection) -> kept.Keys:
        keys = found(connection)
        connection.execute("COMMIT")  # the read ends; bob writes before the repair's write
        other.move_action(action, "plan")
        other.add_checkin(action, CheckinDraft(message="between the two"))
        connection.execute("BEGIN")
        return keys

    monkeypatch.setattr(kept, "_differing_keys", then_others_write)
    try:
        done = kept.repair_store(store)
        assert done == ["action_stays: 3 rows rebuilt", "event_changes: 2 rows rebuilt"]
        connection = store.conn
        connection.execute("BEGIN")
        try:
            assert kept.differences(connection) == [
                ("action_stays", 0),
                ("event_changes", 0),
                ("last check-ins", 0),
                ("checkin_weeks", 0),
                ("owner_weeks", 0),
                ("audit_counts", 0),
            ]
        finally:
            connection.execute("COMMIT")
    finally:
        other.close()
        store.close()


def test_a_dropped_index_alone_is_put_back(template: Path, tmp_path: Path) -> None:
    """No row differs, yet an index of a kept table is gone: the repair still writes."""
    file = File(template, tmp_path, "index.db")
    file.sql("DROP INDEX idx_action_stays_tx")
    found = file.pdca("doctor")
    assert found.returncode == 1 and "ok   kept         action_stays" in found.stdout
    repaired = file.pdca("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert repaired.stdout.strip() == "index idx_action_stays_tx put back"
    assert file.pdca("doctor").returncode == 0


def test_a_kept_table_made_by_hand_is_made_again(template: Path, tmp_path: Path) -> None:
    file = File(template, tmp_path, "altered.db")
    rows = file.kept_rows()
    file.sql("DROP TABLE action_stays", "CREATE TABLE action_stays (id INTEGER PRIMARY KEY)")
    found = file.pdca("doctor")
    assert found.returncode == 1
    assert "FAIL kept         cannot compare: no such column: action_id" in found.stdout
    repaired = file.pdca("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "table action_stays made again" in repaired.stdout
    assert f"action_stays: {len(rows[0])} rows rebuilt" in repaired.stdout
    assert file.pdca("doctor").returncode == 0
    assert file.kept_rows() == rows


@pytest.mark.parametrize("other", ["--content", "--json"])
def test_repair_goes_alone(template: Path, tmp_path: Path, other: str) -> None:
    file = File(template, tmp_path, "alone.db")
    file.sql("DELETE FROM action_stays WHERE id IN (SELECT id FROM action_stays LIMIT 1)")
    rows, events = file.kept_rows(), file.events()
    refused = file.pdca("doctor", "--repair", other)
    assert refused.returncode == 1
    assert refused.stderr == f"pdca: --repair goes alone, not with {other}\n"
    assert refused.stdout == ""
    assert file.kept_rows() == rows and file.events() == events


def test_weeks_deleted_by_hand_are_rebuilt_and_their_owners_counts_said_put_right(
    template: Path, tmp_path: Path
) -> None:
    """Deleting checkin_weeks rows by hand counts them out of owner_weeks too (its triggers):
    doctor finds both; the repair rewrites the weeks, whose triggers put the owners' counts
    right, and says so for both tables (it had named only the weeks)."""
    file = File(template, tmp_path, "drifted.db")
    file.sql(  # three weeks that count for an owner: open, owned, lived through
        "DELETE FROM checkin_weeks WHERE (action_id, week) IN (SELECT w.action_id, w.week"
        " FROM checkin_weeks w JOIN actions a ON a.id = w.action_id WHERE a.done_at IS NULL"
        " AND a.owner > '' AND a.created_at <= w.week || 'T00:00:00Z' LIMIT 3)"
    )
    found = file.pdca("doctor")
    assert "FAIL kept         checkin_weeks: 3 rows differ" in found.stdout
    assert "FAIL kept         owner_weeks:" in found.stdout
    repaired = file.pdca("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "checkin_weeks: 3 rows rebuilt" in repaired.stdout
    assert re.search(r"owner_weeks: \d+ rows? put right with checkin_weeks", repaired.stdout)
    healthy = file.pdca("doctor")
    assert healthy.returncode == 0 and healthy.stdout.count("ok   kept ") == 6
