"""A restore never winds back the id counters (README: ids are never reused; nobody's write
is silently lost). A tester's story: bob's board has #N's edit form open; carol restores a
backup made before #N existed, under him (--force), then adds an action. Before the fix that
action took #N again, and bob's save, checked against version 1 as both rows were, wrote
over carol's action. Now her action gets a new id and bob's save meets "no action #N".
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from pdca.db import backup as backups
from pdca.db.errors import Conflict, NotFound
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft
from pdca.db.presence import Presence
from pdca.db.restore import restore
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO, open_as, run_pdca


def _counters(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT name, seq FROM sqlite_sequence"))


def _events(path: Path) -> list[tuple[int, str, str, str]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT id, actor, entity, summary FROM events ORDER BY id").fetchall()


def test_after_a_restore_every_table_issues_ids_past_what_it_issued_before(
    store: Store, db_path: Path, cli
) -> None:
    first = store.add_action(ActionDraft(title="in the backup", owner="bob"))
    saved = backups.backup(db_path, now=NOW_DT).path
    # After the backup: a record of each kind the counters must remember, one of them
    # made and undone (no row left, only its events).
    later = store.add_action(ActionDraft(title="ORIGINAL-ZZ", owner="dave"))
    store.add_checkin(later.id, CheckinDraft(message="after the backup"))
    undone = store.add_action(ActionDraft(title="made and undone"))
    store.undo()
    before = _counters(db_path)
    last_event = _events(db_path)[-1][0]

    result = cli("restore", str(saved), "--force")
    assert result.exit_code == 0, result.stderr
    assert [a.title for a in store.list_actions()] == ["in the backup"]
    after = _counters(db_path)
    for table, seq in before.items():
        assert after[table] >= seq, table
    assert after["actions"] == undone.id
    # The restore is in the history, numbered past every event the file had.
    newest = _events(db_path)[-1]
    assert newest[0] == last_event + 1
    assert newest[1:] == ("alice", "database", f"restored from {saved.name}")

    added = cli("add", "DIFFERENT-ZZ payroll task")
    assert added.stdout.startswith(f"added #{undone.id + 1} "), added.stdout
    # A check-in and a person made now get ids past the ones the restore took away.
    assert store.add_checkin(first.id, CheckinDraft(message="x")).id == before["checkins"] + 1
    store.add_action(ActionDraft(title="erin's", owner="erin"))
    (erin,) = store.conn.execute("SELECT id FROM people WHERE login = 'erin'").fetchone()
    assert erin == before["people"] + 1  # not dave's id, whom the backup never had


def test_a_store_opened_before_the_restore_meets_no_such_action(
    store: Store, db_path: Path, cli
) -> None:
    """In one process: bob's connection holds #N at version 1 across the restore."""
    store.add_action(ActionDraft(title="in the backup"))
    saved = backups.backup(db_path, now=NOW_DT).path
    original = store.add_action(ActionDraft(title="ORIGINAL-ZZ"))
    bob = open_as(db_path, "bob")
    try:
        seen = bob.get_action(original.id)
        assert cli("restore", str(saved), "--force").exit_code == 0
        carol = cli("add", "DIFFERENT-ZZ payroll task")
        assert not carol.stdout.startswith(f"added #{original.id} "), carol.stdout
        newest = bob.last_event_id()
        try:
            bob.edit_action(original.id, ActionChanges(title="ORIGINAL-ZZ bob-edit"), seen.version)
        except NotFound as error:
            assert str(error) == f"no action #{original.id}"
        else:
            raise AssertionError("bob's save went through")
        assert bob.last_event_id() == newest  # nothing written
        titles = [a.title for a in bob.list_actions()]
        assert titles == ["in the backup", "DIFFERENT-ZZ payroll task"]
    finally:
        bob.close()


def test_a_version_read_before_a_restore_is_a_conflict_after_it(
    store: Store, db_path: Path, cli, monkeypatch
) -> None:
    """A tester: bob's form held #1 at the version after an edit; the restore brought back
    the backup's #1 a version lower, carol's edit raised it to bob's number again, and bob's
    save overwrote carol's title without a word. Versions now go past the file's before."""
    first = store.add_action(ActionDraft(title="Triage rota"))
    saved = backups.backup(db_path, now=NOW_DT).path
    bob = open_as(db_path, "bob")
    try:
        bob.edit_action(first.id, ActionChanges(title="bob's title"))
        seen = bob.get_action(first.id)  # the form opens on this version
        assert cli("restore", str(saved), "--force").exit_code == 0
        monkeypatch.setenv("PDCA_USER", "carol")
        assert cli("edit", str(first.id), "--title", "carol's title").exit_code == 0
        newest = bob.last_event_id()
        try:
            bob.edit_action(first.id, ActionChanges(title="bob's again"), seen.version)
        except Conflict as error:
            assert "carol" in str(error) and "(edited #1: title)" in str(error)
        else:
            raise AssertionError("bob's save went through over carol's")
        assert bob.last_event_id() == newest  # nothing written
        assert bob.get_action(first.id).title == "carol's title"
        versions = dict(bob.conn.execute("SELECT 'actions', min(version) FROM actions"))
        assert versions["actions"] > seen.version
    finally:
        bob.close()


def test_boards_open_across_a_restore_stay_present_and_see_it(
    store: Store, db_path: Path, cli
) -> None:
    """The live file's sessions go on (a board's presence row is not wound back to the
    backup's), and the change feed says "read everything again", never goes back."""
    store.add_action(ActionDraft(title="in the backup"))
    saved = backups.backup(db_path, now=NOW_DT).path
    store.add_action(ActionDraft(title="after"))
    board = open_as(db_path, "bob")
    presence = Presence(board, host="laptop", pid=4242)
    presence.join()
    try:
        seen = board.last_event_id()
        assert cli("restore", str(saved), "--force").exit_code == 0
        rows = store.conn.execute("SELECT id, login, host FROM sessions").fetchall()
        assert [tuple(row) for row in rows] == [(presence.session_id, "bob", "laptop")]
        assert Presence(store, host="", pid=0).others() == ["bob"]
        changes = board.changes_since(seen)
        assert changes.everything and changes.last_event == seen + 1
        assert board.others_wrote_since(seen)
    finally:
        presence.leave()
        board.close()


def test_a_missing_database_made_from_a_backup_records_the_restore(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    store.add_action(ActionDraft(title="kept"))
    saved = backups.backup(db_path, now=NOW_DT, dest=tmp_path / "offsite.db").path
    lost = tmp_path / "lost.db"
    restore(lost, saved, clock=lambda: NOW_DT, actor="carol")
    assert _events(lost)[-1][1:] == ("carol", "database", "restored from offsite.db")


# --------------------------------------------------------------------------- real processes

BOB = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from pdca.db.errors import PdcaError
from pdca.db.models import ActionChanges
from pdca.db.store import Store

now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
store = Store.open(Path(sys.argv[1]), actor="bob", clock=lambda: now)
action_id = int(sys.argv[2])
seen = store.get_action(action_id)  # the edit form opens on it
print("open", flush=True)
sys.stdin.readline()  # ... and is saved after the restore
try:
    store.edit_action(action_id, ActionChanges(title=seen.title + " bob-edit"), seen.version)
    print(json.dumps({"saved": True}), flush=True)
except PdcaError as error:
    print(json.dumps({"saved": False, "error": str(error)}), flush=True)
store.close()
"""


def test_the_testers_story_with_real_processes(env: dict[str, str], tmp_path: Path) -> None:
    team = str(tmp_path / "team.db")
    carol = {**env, "PDCA_USER": "carol", "PDCA_DB": team}

    def pdca(*args: str) -> str:
        done = run_pdca(*args, env=carol)
        assert done.returncode == 0, done.stderr
        return done.stdout

    pdca("init")
    pdca("add", "before the backup")
    pdca("backup", str(tmp_path / "B.db"))
    original = json.loads(pdca("add", "ORIGINAL-ZZ", "--json"))["id"]
    bob = subprocess.Popen(
        [sys.executable, "-c", BOB, team, str(original)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert bob.stdout is not None and bob.stdin is not None
        assert bob.stdout.readline() == "open\n"
        pdca("restore", str(tmp_path / "B.db"), "--force")
        different = json.loads(pdca("add", "DIFFERENT-ZZ payroll task", "--json"))["id"]
        assert different > original
        out, err = bob.communicate("save\n", timeout=60)
    finally:
        if bob.poll() is None:
            bob.kill()
            bob.wait()
    assert bob.returncode == 0, err
    assert json.loads(out) == {"saved": False, "error": f"no action #{original}"}
    shown = run_pdca("show", str(original), env=carol)
    assert shown.returncode == 1 and f"no action #{original}" in shown.stderr
    listed = json.loads(pdca("list", "--json"))
    assert [a["title"] for a in listed] == ["before the backup", "DIFFERENT-ZZ payroll task"]
    assert not any(e[1] == "bob" for e in _events(Path(team)))  # bob wrote nothing


def test_a_version_that_is_no_number_does_not_stop_the_renumbering(
    store: Store, db_path: Path, cli
) -> None:
    """A reviewer: one version 'x' (from before schema 21) made the table's maximum 'x', and
    none of its rows was renumbered; #1 came back at a version the file had had."""
    first = store.add_action(ActionDraft(title="Triage rota"))
    store.add_action(ActionDraft(title="Label the backlog"))
    saved = backups.backup(db_path, now=NOW_DT).path  # #1 at version 1
    for n in range(4):
        store.edit_action(first.id, ActionChanges(title=f"Triage rota {n}"))
    store.conn.execute("DROP TRIGGER actions_kinds_on_update")
    store.conn.execute("UPDATE actions SET version = 'x' WHERE id = 2")
    assert store.get_action(first.id).version == 5
    assert cli("restore", str(saved), "--force").exit_code == 0
    reader = open_as(db_path, "dave")
    try:
        versions = dict(reader.conn.execute("SELECT id, version FROM actions"))
    finally:
        reader.close()
    assert versions[first.id] == 1 + 5  # past every whole-number version the file had


def test_a_conflict_after_a_restore_names_the_restore(store: Store, db_path: Path, cli) -> None:
    """A tester's form met the restore's renumbered version, and the conflict named carol's
    change from weeks before, not the restore that replaced the row."""
    first = store.add_action(ActionDraft(title="Triage rota"))
    saved = backups.backup(db_path, now=NOW_DT).path
    bob = open_as(db_path, "bob")
    try:
        seen = bob.get_action(first.id)
        assert cli("restore", str(saved), "--force").exit_code == 0
        try:
            bob.edit_action(first.id, ActionChanges(title="bob's"), seen.version)
        except Conflict as error:
            assert f"(restored from {saved.name}) since you read it" in str(error), str(error)
        else:
            raise AssertionError("bob's save went through")
    finally:
        bob.close()


def test_a_backup_row_at_version_0_goes_past_the_live_versions(
    store: Store, db_path: Path, cli
) -> None:
    """A reviewer: version 0 in the backup landed on the live table's highest version, and a
    form that had read that version saved without a conflict."""
    store.add_action(ActionDraft(title="Triage rota"))
    saved = backups.backup(db_path, now=NOW_DT).path
    for n in range(3):
        store.edit_action(1, ActionChanges(title=f"Triage rota {n}"))  # live version 4
    with sqlite3.connect(saved) as conn:  # the guard set aside for it, as by hand
        (guard,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'actions_kinds_on_update'"
        ).fetchone()
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("UPDATE actions SET version = 0")
        conn.execute(guard)
    conn.close()
    restored = cli("restore", str(saved), "--force")
    assert restored.exit_code == 0, restored.stderr
    reader = open_as(db_path, "dave")
    try:
        (version,) = reader.conn.execute("SELECT version FROM actions WHERE id = 1").fetchone()
    finally:
        reader.close()
    assert version == 5


def test_an_acknowledgement_across_a_restore_names_the_restore(
    store: Store, db_path: Path, cli
) -> None:
    """A reviewer: follow-up and acknowledgement conflicts named the change before the
    restore, as action conflicts had (now one Store.conflict for all)."""
    from pdca.db import alerts
    from pdca.db.models import KpiDraft, ReadingDraft

    store.add_kpi(
        KpiDraft(
            name="MTTR", unit="h", baseline=5, target=2, alert=8, owner="dana", direction="down"
        )
    )
    store.record_reading(ReadingDraft(kpi="MTTR", value=9))  # raises alert 1
    saved = backups.backup(db_path, now=NOW_DT).path
    bob = open_as(db_path, "bob")
    try:
        seen = alerts.get_alert(bob, 1)
        assert cli("restore", str(saved), "--force").exit_code == 0
        try:
            alerts.acknowledge(bob, 1, "on it", expected_version=seen.version)
        except Conflict as error:
            assert f"(restored from {saved.name}) since you read it" in str(error), str(error)
        else:
            raise AssertionError("the acknowledgement went through")
    finally:
        bob.close()


def test_a_write_while_a_forced_restore_runs_is_neither_lost_nor_given_an_old_id(
    store: Store, db_path: Path, env: dict[str, str], cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A tester's: a colleague's adds went on while ``restore --force`` copied a 1 GB file.
    The counters had been read before the copy took the lock: adds in between printed
    "added #N", were in neither the copy kept nor the restored file, and their ids were
    given again. Here a colleague's ``pdca add`` (a real process) comes while the restore
    prepares the copy: it waits for the restore, then lands after it, with a new id."""
    import contextlib
    import os

    from pdca.db import restore as restore_module

    store.add_action(ActionDraft(title="in the backup"))
    saved = backups.backup(db_path, now=NOW_DT).path
    later = store.add_action(ActionDraft(title="after the backup"))
    prepare = restore_module.carry_over
    colleague: list[subprocess.Popen[str]] = []

    def carry_over_while_a_colleague_adds(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not colleague:
            colleague.append(
                subprocess.Popen(
                    [sys.executable, "-m", "pdca.tui", "add", "meanwhile"],
                    env={**os.environ, **env, "PDCA_USER": "bob"},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            with contextlib.suppress(subprocess.TimeoutExpired):  # the restore holds the lock
                colleague[0].wait(5)
        return prepare(*args, **kwargs)

    monkeypatch.setattr(restore_module, "carry_over", carry_over_while_a_colleague_adds)
    assert cli("restore", str(saved), "--force").exit_code == 0
    out, err = colleague[0].communicate(timeout=60)
    assert colleague[0].returncode == 0, err
    number = int(out.split()[1].lstrip("#"))
    assert number > later.id  # never an id the file had issued
    titles = {a.id: a.title for a in store.list_actions()}
    assert titles == {1: "in the backup", number: "meanwhile"}


ROLLBACK_RESTORE = """
import sys
from datetime import UTC, datetime
from pathlib import Path

from pdca.db.restore import restore

database, backup, mountinfo = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
result = restore(database, backup, clock=lambda: now, force=True, mountinfo=mountinfo)
print(result.integrity, flush=True)
"""


def test_a_forced_restore_of_a_rollback_journal_file_ends(tmp_path: Path) -> None:
    """A reviewer's: on a network filesystem (rollback journal) the copy's first step locks
    readers out, and what is kept was read under it on another connection: the restore
    waited for itself for good, the file locked to everyone. Run as its own process, with
    a time limit: a hang is a failure, not a stuck suite."""
    from pdca.db.connection import open_database

    database = tmp_path / "team.db"
    mountinfo = f"36 35 0:40 / {tmp_path} rw - nfs4 server:/x rw\n"
    opened = open_database(database, create=True, mountinfo=mountinfo)
    assert opened.journal_mode == "delete"
    store = Store(opened.connection, actor="ann", clock=lambda: NOW_DT, path=database)
    store.add_action(ActionDraft(title="in the backup"))
    saved = backups.backup(database, now=NOW_DT, mountinfo=mountinfo).path
    later = store.add_action(ActionDraft(title="after the backup"))
    store.close()
    done = subprocess.run(
        [sys.executable, "-c", ROLLBACK_RESTORE, str(database), str(saved), mountinfo],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        titles = [t for (t,) in conn.execute("SELECT title FROM actions ORDER BY id")]
        (seq,) = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'actions'").fetchone()
    conn.close()
    assert titles == ["in the backup"] and seq >= later.id


def test_a_forced_restore_that_never_gets_the_lock_gives_up_as_a_write_does(
    store: Store, db_path: Path, env: dict[str, str]
) -> None:
    """A reviewer: Python's backup tries a busy step again for ever, so a forced restore
    behind another long write waited with no end and no word. Run as its own process, with
    a time limit: a hang is a failure, not a stuck suite."""
    from tests.conftest import LockHolder

    store.add_action(ActionDraft(title="in the backup"))
    saved = backups.backup(db_path, now=NOW_DT).path
    store.add_action(ActionDraft(title="after the backup"))
    holder = LockHolder(db_path)
    try:
        result = run_pdca("restore", str(saved), "--force", env=env, timeout=90)
    finally:
        holder.release()
    assert result.returncode == 75  # busy: try again (EX_TEMPFAIL), not a mistake
    assert result.stderr.startswith(f"pdca: {db_path} stayed busy for 10 s (another process held")
    assert result.stderr.rstrip().endswith("nothing restored, try again")
    assert [a.title for a in store.list_actions()] == ["in the backup", "after the backup"]


def test_a_restore_refused_to_a_reader_leaves_nothing_beside_the_file(
    store: Store, db_path: Path, monkeypatch
) -> None:
    """A team member who may only read the file ran ``pdca restore``: the look for boards
    open made its -wal and -shm, in his group without write, and the owner's own writes were
    refused until someone removed them (a tester). Refused now before anything opens it."""
    import os

    from pdca.db.errors import ReadOnlyDatabase

    store.add_action(ActionDraft(title="kept", owner="bob"))
    saved = backups.backup(db_path, now=NOW_DT).path
    store.close()
    beside = [Path(f"{db_path}-wal"), Path(f"{db_path}-shm")]
    assert not any(p.exists() for p in beside)
    real_access = os.access

    def reader_access(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == db_path and mode & os.W_OK:
            return False  # as for ben, in the group, the file 0640
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", reader_access)
    try:
        restore(db_path, saved, clock=lambda: NOW_DT, actor="ben")
    except ReadOnlyDatabase as refused:
        assert "may not write it (owned by " in str(refused)  # which of file and folder: named
    else:
        raise AssertionError("a reader's restore was not refused")
    assert not any(p.exists() for p in beside), [p.name for p in beside if p.exists()]
