"""``pdca doctor`` names what is wrong with a file and how to fix it, and changes nothing."""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import re
import sqlite3
from pathlib import Path

import pytest

from pdca.db.access import describe_owner as describe
from pdca.db.doctor import diagnose
from pdca.db.models import ActionDraft
from pdca.db.schema import schema_version
from tests.conftest import by_hand


def _by_name(path: Path, **kwargs) -> dict[str, tuple[bool, str]]:
    return {check.name: (check.ok, check.detail) for check in diagnose(path, **kwargs)}


def test_a_healthy_private_database_passes(store, cli):
    store.add_action(ActionDraft(title="x"))
    result = cli("doctor")
    assert result.exit_code == 0, result.stdout + result.stderr
    for name in ("file", "schema", "journal", "integrity", "references", "access"):
        assert f"ok   {name}" in result.stdout


def test_a_wal_left_by_a_database_not_there_is_said_by_doctor_and_every_command(store, cli, ok):
    """a.db renamed b.db after a crash: b.db lacked the changes in a.db-wal, and neither
    list nor doctor said a word (a tester). An empty -wal holds nothing: not said."""
    store.add_action(ActionDraft(title="x"))
    folder = store.path.parent
    (folder / "empty.db-wal").write_bytes(b"")
    (folder / "lab-journal").write_text("Mon: retro notes")  # no database's name
    assert "strays" not in cli("doctor").stdout
    (folder / "old.db-wal").write_bytes(b"pages")
    doctor = cli("doctor")
    [line] = [ln for ln in doctor.stdout.splitlines() if "strays" in ln]
    assert line.startswith(  # a failure: every write is refused meanwhile
        "FAIL strays       old.db-wal lies beside it, holding the last changes of a database"
        " named old.db, which is not here: if this file is that database renamed, move it back"
        " to get them (pdca backup first, then,"
    )
    assert line.endswith("once nobody runs pdca on old.db; until then pdca writes nothing to it")
    assert doctor.exit_code == 1
    listed = ok("list")
    assert listed.stderr == (  # in short: a refused write then says it whole, once
        "pdca: warning: old.db-wal lies beside it, perhaps this file's last changes under an"
        " old name: pdca writes nothing to it until that is settled (pdca doctor says how)\n"
    )
    # a write refused for it: its one line says it whole, no warning before it (two lines, a
    # script's trial)
    refused = cli("add", "into the renamed file")
    assert refused.exit_code == 1
    [said] = refused.stderr.splitlines()
    assert said.startswith(f"pdca: {store.path}: old.db-wal lies beside it, holding"), said
    assert said.endswith("; nothing written"), said
    # Older than the file's last write: another database's leftover, not this file's own
    # renamed (one removed beside the team's file stopped every write to it, a reviewer).
    # Said, and the file is written; never "move it back".
    written = os.stat(store.path).st_mtime
    os.utime(folder / "old.db-wal", (written - 3600, written - 3600))
    added = ok("add", "written beside another's leftover")
    assert "this file was written after it, so it must not go back under that name" in (
        added.stderr
    )
    assert "mv " not in added.stderr
    doctor = cli("doctor")
    assert doctor.exit_code == 0 and "warn strays" in doctor.stdout


def tmp_db(env) -> str:  # type: ignore[no-untyped-def]
    return env["PDCA_DB"]


@pytest.mark.usefixtures("missing_db")
def test_missing_file_fails(env, cli):
    result = cli("doctor")
    assert result.exit_code == 1
    assert "no database at" in result.stdout
    # stderr repeats the problem in one line, for whoever reads only that (cron, scripts)
    assert (
        result.stderr.strip()
        == f"pdca: file: no database at {tmp_db(env)} (create one with: pdca --db"
        f" {tmp_db(env)} init)"
    )


def test_a_missing_file_whose_journals_are_left_says_to_move_them_first(
    store, db_path: Path, cli
) -> None:
    """A tester's board had its file removed under it: doctor said to restore the newest
    backup, and restore refused for the -wal and -shm left there (SQLite would replay
    them), telling them to "restore the database"."""
    cli("backup")
    store.add_action(ActionDraft(title="the -wal is there while it is open"))
    # Removed while open, as a person's rm does: this process never opens the file again.
    os.unlink(db_path)
    os.unlink(f"{db_path}-shm")
    told = cli("doctor")
    assert told.exit_code == 1
    line = told.stderr.strip()
    assert line.startswith(
        f"pdca: file: no database at {db_path}, and {db_path.name}-wal of the removed or renamed"
        " one is still there: a -wal may hold its database's last changes: renamed away, that"
        f" database gets them back when moved back to {db_path.name} (not one written to since:"
        " the -wal would damage it); else, once nobody runs pdca on it,"
        f" move {db_path.name}-wal out of {db_path.parent}, then bring back the newest good"
        " backup with: "
    ), line
    restored = cli("restore", line.rsplit(" ", 1)[1])
    assert restored.exit_code == 1
    assert "restore the database" not in restored.stderr
    assert restored.stderr.strip().endswith(
        f"once nobody runs pdca on it, move {db_path.name}-wal out of {db_path.parent}, then"
        f" restore again with --db {db_path}; nothing restored"
    )


def test_a_missing_file_in_a_missing_folder_says_to_make_the_folder(env, cli, tmp_path):
    told = cli("--db", str(tmp_path / "nofolder" / "x.db"), "doctor")
    assert told.exit_code == 1
    assert f"its folder {tmp_path / 'nofolder'} does not exist" in told.stderr
    assert f"mkdir -p {tmp_path / 'nofolder'}" in told.stderr


def test_not_a_database_fails_and_stays_untouched(env, cli, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello, not sqlite\n" * 10)
    digest = hashlib.sha256(junk.read_bytes()).hexdigest()
    result = cli("--db", str(junk), "doctor")
    assert result.exit_code == 1
    assert "not a SQLite database" in result.stdout
    assert hashlib.sha256(junk.read_bytes()).hexdigest() == digest


def test_group_directory_without_setgid_is_reported(store, tmp_path):
    shared = tmp_path / "team"
    shared.mkdir()
    os.chmod(shared, 0o770)
    path = shared / "pdca.db"
    from pdca.db.store import Store

    Store.open(path, actor="alice", clock=store.clock, create=True).close()
    ok, detail = _by_name(path)["group"]
    assert not ok and "chmod g+s" in detail
    os.chmod(shared, 0o2770)
    ok, detail = _by_name(path)["group"]
    assert ok, detail


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_a_link_planted_beside_the_file_is_said_as_one_never_a_chmod(
    store, env, tmp_path: Path, suffix: str
) -> None:
    """A colleague put a symbolic link to ann's private file where the -wal goes: ann's
    commands failed naming the link's target's mode, and doctor told her to chmod g+rw it,
    which opened her private file to the group (a hostile tester)."""
    from tests.conftest import run_pdca

    shared = tmp_path / "team"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    path = shared / "pdca.db"
    from pdca.db.store import Store

    Store.open(path, actor="alice", clock=store.clock, create=True).close()
    private = tmp_path / "private.txt"
    private.write_text("secret")
    private.chmod(0o600)
    link = Path(f"{path}{suffix}")
    link.symlink_to(private)
    checks = [c for c in diagnose(path) if not c.ok]
    said = [c.detail for c in checks if "symbolic link" in c.detail]
    me = pwd.getpwuid(os.getuid()).pw_name  # who made the link
    line = (
        f"{link} is a symbolic link (to {private}, made by {me}), which SQLite never uses:"
        f" remove it (not chmod, which changes what it points to): rm {link}"
    )
    # the permissions check, and the open's: not "cannot be opened any more" (a retrial)
    assert sorted(said) == sorted([f"{path}: cannot be opened: {line}", line])
    assert not any("chmod g+rw" in c.detail for c in checks), checks
    listed = run_pdca("list", env={**env, "PDCA_DB": str(path)})
    assert listed.returncode == 1 and "is a symbolic link" in listed.stderr
    assert f"rm {link}" in listed.stderr and "Traceback" not in listed.stderr
    assert private.stat().st_mode & 0o777 == 0o600 and private.read_text() == "secret"


@pytest.mark.parametrize("members", [["ann", "ben"], []], ids=["a team", "a user's own"])
def test_a_group_writable_file_in_a_folder_its_group_may_not_write_is_reported(
    store, tmp_path, monkeypatch, members
):
    """A tester's 2750 folder holding a 0664 file: everyone else's writes were refused, and
    doctor said "ok, private directory". A user's own group (umask 002) has no one else in
    it: that file is private, as before."""

    from pdca.db.store import Store

    folder = tmp_path / "nogw"
    folder.mkdir()
    os.chmod(folder, 0o2750)
    path = folder / "pdca.db"
    Store.open(path, actor="alice", clock=store.clock, create=True).close()
    os.chmod(path, 0o664)
    real = grp.getgrgid(path.stat().st_gid)
    found = grp.struct_group((real.gr_name, real.gr_passwd, real.gr_gid, members))
    monkeypatch.setattr(grp, "getgrgid", lambda gid: found)
    monkeypatch.setattr(pwd, "getpwall", list)  # nobody's own group it is
    ok, detail = _by_name(path)["group"]
    if members:
        assert not ok
        assert detail.startswith(f"pdca.db is group-writable, but its directory {folder} is not")
        assert detail.endswith(f"chmod g+ws {folder}")
    else:
        assert ok and detail == "private directory (not group-writable)"


@pytest.mark.usefixtures("missing_db")
@pytest.mark.parametrize(
    ("free", "ok", "warning", "said"),
    [
        (3 * 4096, False, False, "the disk is full, every write is refused; free some space"),
        # low, not full: a warning (8.8 MB free beside a 4 MB file failed doctor, a tester)
        (30 * 4096, True, True, "writes may be refused when it fills; free some"),
        (300 * 4096, True, True, "less than the database's"),
        (10**6 * 4096, True, False, "4.1 GB free in"),
    ],
    ids=["full", "nearly full", "less than a copy", "room"],
)
def test_the_room_left_beside_the_file_is_checked(
    store, db_path: Path, monkeypatch, free, ok, warning, said
):
    """A tester's full disk: every write was refused, and doctor said all was well."""
    import os as real_os

    from pdca.db import doctor

    class Found:
        f_bavail = free // 4096
        f_frsize = 4096
        f_flag = 0  # mounted read-write

    monkeypatch.setattr(doctor.os, "statvfs", lambda path: Found())
    monkeypatch.setattr(doctor, "SPACE_LOW", 100 * 4096)  # a small file here, for the middle
    with sqlite3.connect(db_path) as conn:  # a file bigger than 300 pages, for the middle case
        conn.execute("CREATE TABLE padding (x)")
        conn.executemany("INSERT INTO padding VALUES (?)", [(b"x" * 4000,)] * 400)
    conn.close()
    assert real_os.stat(db_path).st_size > 300 * 4096
    [check] = [c for c in diagnose(db_path) if c.name == "disk"]
    assert (check.ok, check.warning) == (ok, warning)
    assert said in check.detail


def test_on_a_full_disk_doctor_says_the_wal_holds_changes_not_yet_in_the_file(
    store, db_path: Path, monkeypatch
) -> None:
    """A trial's full disk: the -wal was the biggest file there, and removing it lost the
    writes in it and damaged the file; doctor said only "free some space"."""
    from pdca.db import doctor

    class Found:
        f_bavail, f_frsize, f_flag = 3, 4096, 0

    monkeypatch.setattr(doctor.os, "statvfs", lambda path: Found())
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")  # the writes stay in the -wal
    store.add_action(ActionDraft(title="only in the -wal"))
    assert os.stat(f"{db_path}-wal").st_size > 0
    [check] = [c for c in diagnose(db_path) if c.name == "disk"]
    assert not check.ok
    assert re.search(r"free some space; never remove pdca\.db-wal \(\d+\.\d MB\)", check.detail)
    assert check.detail.endswith(
        ": it holds changes not yet in the file, folded in once there is room"
    )


def test_world_writable_file_is_reported(store):
    os.chmod(store.path, 0o666)
    ok, detail = _by_name(store.path)["permissions"]
    assert not ok and "world-writable" in detail and "chmod o-w" in detail


def test_wal_on_a_network_filesystem_is_reported(store):
    mountinfo = f"36 35 0:40 / {store.path.parent} rw - nfs4 server:/x rw\n"
    checks = _by_name(store.path, mountinfo=mountinfo)
    assert checks["filesystem"][1].startswith("nfs4")
    assert checks["journal"][0] is False


def test_a_database_on_tmpfs_is_warned_of_as_gone_at_a_reboot(store):
    """doctor said "ok filesystem tmpfs (local: WAL)" of a file in /dev/shm, and backups went
    beside it (a tester): all gone at the next reboot."""
    from pdca.db.doctor import diagnose

    mountinfo = f"36 35 0:40 / {store.path.parent} rw - tmpfs tmpfs rw\n"
    (check,) = [c for c in diagnose(store.path, mountinfo=mountinfo) if c.name == "filesystem"]
    assert (check.ok, check.warning) == (True, True)
    assert "gone at the next reboot" in check.detail


def test_newer_schema_is_reported(store):
    store.conn.execute("PRAGMA user_version = 99")
    ok, detail = _by_name(store.path)["schema"]
    assert not ok and "99" in detail


@pytest.mark.parametrize("version", [-5, -1])
def test_a_schema_version_no_pdca_writes_fails_as_every_command_refuses_it(store, cli, version):
    """A tester: doctor said "pdca will upgrade it" while every command refused the file."""
    store.conn.execute(f"PRAGMA user_version = {version}")
    ok, detail = _by_name(store.path)["schema"]
    assert not ok and f"schema version {version}, which no pdca writes" in detail
    assert "upgrade" not in detail
    assert "which no pdca writes" in cli("list").stderr


@pytest.mark.parametrize("pragma", ["PRAGMA foreign_keys = OFF"])
def test_dangling_reference_is_reported(store, pragma):
    store.conn.execute(pragma)
    store.conn.execute(
        "INSERT INTO checkins (action_id, at, author, message)"
        " VALUES (404, '2026-11-23T09:00:00Z', 'a', 'm')"
    )
    ok, detail = _by_name(store.path)["references"]
    assert not ok and "1 dangling" in detail


def test_doctor_writes_nothing(store):
    store.add_action(ActionDraft(title="x"))
    path = store.path
    store.close()  # no connection open while this process reads the file's bytes
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    diagnose(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM actions").fetchone()[0] == 1


def test_a_trigger_or_index_dropped_outside_pdca_fails_the_objects_check(
    cli, tmp_path: Path
) -> None:
    """A file whose tables, indexes and triggers differ from what pdca makes: a dropped
    trigger would leave each card's last check-in standing still, unseen by integrity_check."""
    path = tmp_path / "team.db"
    assert cli("--db", str(path), "init").exit_code == 0
    good = cli("--db", str(path), "doctor")
    assert "ok   objects      tables, indexes and triggers as pdca makes them" in good.stdout
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER checkins_last_on_insert")
    conn.execute("DROP INDEX idx_actions_board")
    conn.close()
    bad = cli("--db", str(path), "doctor")
    assert bad.exit_code == 1
    wanted = "FAIL objects      no index idx_actions_board; no trigger checkins_last_on_insert"
    assert wanted in bad.stdout


@pytest.mark.parametrize(
    ("sql", "kind", "name"),
    [
        ("CREATE VIEW my_view AS SELECT id FROM actions", "view", "my_view"),
        ("CREATE INDEX my_idx ON actions(title)", "index", "my_idx"),
        ("CREATE TABLE notes_of_mine (x)", "table", "notes_of_mine"),
    ],
)
def test_a_view_index_or_table_of_ones_own_is_a_warning_with_its_drop(
    cli, tmp_path: Path, sql: str, kind: str, name: str
) -> None:
    """Someone's own view for a report: doctor failed the file and said "restore a backup",
    which would throw away the day's work, though pdca reads and writes as before (a
    tester). A warning, naming the DROP that takes it away."""
    path = tmp_path / "team.db"
    assert cli("--db", str(path), "init").exit_code == 0
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.close()
    done = cli("--db", str(path), "doctor")
    assert done.exit_code == 0
    assert (
        f"warn objects      an extra {kind} {name}: added outside pdca, and pdca leaves it be"
        f" (to take it away: sqlite3 {path} 'DROP {kind.upper()} \"{name}\"')"
    ) in done.stdout


def test_a_column_added_by_another_tool_is_named_with_the_alter_that_takes_it_out(
    cli, tmp_path: Path
) -> None:
    """``sqlite-utils add-column``: doctor said "table actions is not pdca's ... restore a
    backup", which loses the day's work while the newest backups hold the column too (two
    trials): the column is named, with the command that takes it out."""
    path = tmp_path / "team.db"
    assert cli("--db", str(path), "init").exit_code == 0
    by_hand(path, "ALTER TABLE actions ADD COLUMN estimate INTEGER")
    bad = cli("--db", str(path), "doctor")
    assert bad.exit_code == 1
    assert (
        "FAIL objects      table actions is not pdca's (a column pdca does not make: estimate):"
        f" changed outside pdca; take out what pdca does not make: sqlite3 {path}"
        ' \'ALTER TABLE "actions" DROP COLUMN "estimate"\', then pdca doctor again; restore a'
        " backup (pdca restore)"
    ) in bad.stdout, bad.stdout
    by_hand(path, 'ALTER TABLE "actions" DROP COLUMN "estimate"')
    assert "ok   objects" in cli("--db", str(path), "doctor").stdout
    # with an index of one's own on it: dropped first, or SQLite refuses the ALTER (a retrial)
    by_hand(path, "ALTER TABLE actions ADD COLUMN estimate INTEGER",
            "CREATE INDEX idx_actions_estimate ON actions (estimate)")  # fmt: skip
    said = cli("--db", str(path), "doctor").stdout
    [line] = [line for line in said.splitlines() if "objects" in line]
    command = line.split(f"sqlite3 {path} '")[1].split("', then")[0]
    assert command == (
        'DROP INDEX "idx_actions_estimate"; ALTER TABLE "actions" DROP COLUMN "estimate"'
    ), line
    by_hand(path, *command.split("; "))
    assert "ok   objects" in cli("--db", str(path), "doctor").stdout


def test_a_full_text_index_is_taken_away_by_the_drop_doctor_says(cli, tmp_path: Path) -> None:
    """``sqlite-utils enable-fts``: the DROP doctor gave named the FTS table's own tables,
    which went with it, and failed (a trial)."""
    import sqlite_utils

    path = tmp_path / "team.db"
    assert cli("--db", str(path), "init").exit_code == 0
    sqlite_utils.Database(path)["actions"].enable_fts(["title", "notes"])
    said = cli("--db", str(path), "doctor").stdout
    [line] = [line for line in said.splitlines() if "objects" in line]
    drops = line.split(f"sqlite3 {path} '")[1].rstrip("')")
    assert drops == 'DROP TABLE "actions_fts"', line
    by_hand(path, drops)
    assert "ok   objects" in cli("--db", str(path), "doctor").stdout


def test_a_trigger_of_ones_own_fails_with_its_drop_and_a_dropped_index_is_repaired(
    cli, tmp_path: Path
) -> None:
    """A trigger acts on every write pdca makes: it fails, with the DROP TRIGGER. Any of
    pdca's indexes dropped is put back by --repair, not "restore a backup" (a tester)."""
    path = tmp_path / "team.db"
    assert cli("--db", str(path), "init").exit_code == 0
    conn = sqlite3.connect(path)
    conn.execute("CREATE TRIGGER my_audit AFTER INSERT ON actions BEGIN SELECT 1; END")
    conn.close()
    bad = cli("--db", str(path), "doctor")
    assert bad.exit_code == 1
    assert (
        "FAIL objects      an extra trigger my_audit: changed outside pdca; take away the"
        f" other: sqlite3 {path} 'DROP TRIGGER \"my_audit\"'"
    ) in bad.stdout
    # beside a view of one's own, a dropped index of pdca's is still --repair's (a reviewer)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER my_audit")
    conn.execute("CREATE VIEW mine AS SELECT id FROM actions")
    conn.execute("DROP INDEX idx_checkins_at")
    conn.close()
    both = cli("--db", str(path), "doctor")
    assert (
        "FAIL objects      no index idx_checkins_at; an extra view mine: changed outside pdca;"
        f" put back what is pdca's: pdca --db {path} doctor --repair"
    ) in both.stdout
    assert cli("--db", str(path), "doctor", "--repair").exit_code == 0
    conn = sqlite3.connect(path)
    conn.execute("DROP VIEW mine")
    conn.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX idx_actions_kpi_id")
    conn.close()
    dropped = cli("--db", str(path), "doctor")
    assert (
        "FAIL objects      no index idx_actions_kpi_id: changed outside pdca; put back what is"
        f" pdca's: pdca --db {path} doctor --repair"
    ) in dropped.stdout
    repaired = cli("--db", str(path), "doctor", "--repair")
    assert "index idx_actions_kpi_id put back" in repaired.stdout
    assert cli("--db", str(path), "doctor").exit_code == 0


def test_a_value_past_a_check_is_the_rows_not_damage_to_the_file(store, db_path) -> None:
    """A phase 'Do' written past the guards (triggers dropped, CHECKs ignored): integrity_check
    lists it, and the board took the file for damaged, stopped everyone's work and asked for a
    backup (a tester). The row is left out and named (values); the file is sound."""
    action = store.add_action(ActionDraft(title="cased", owner="bob"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("PRAGMA ignore_check_constraints = 1")
        conn.execute("UPDATE actions SET phase = 'Do' WHERE id = ?", (action.id,))
    conn.close()
    assert store.damage() is None
    checks = _by_name(db_path)
    assert checks["integrity"] == (True, "ok")
    assert checks["values"][0] is False and f"first id {action.id}: phase" in checks["values"][1]


@pytest.mark.parametrize(
    ("pragmas", "fixes"),
    [
        ("PRAGMA user_version = 5", "PRAGMA user_version = {latest}"),
        ("PRAGMA application_id = 0", "PRAGMA application_id = {mark}"),
        # both zeroed: both put back at once (by halves, a reviewer)
        (
            "PRAGMA application_id = 0; PRAGMA user_version = 0",
            "PRAGMA application_id = {mark}; PRAGMA user_version = {latest}",
        ),
    ],
)
def test_a_mark_or_version_changed_by_hand_is_named_with_the_command_that_puts_it_back(
    cli, tmp_path: Path, pragmas: str, fixes: str
) -> None:
    """user_version lowered from a shell: every command failed on "table notifications
    already exists; owned by root:root", and doctor said "pdca will upgrade it"; the mark
    cleared: "not a pdca one", and doctor all ok (a tester). Both name what changed and the
    PRAGMA that puts it back, and nothing is written."""
    from pdca.db import schema

    path = tmp_path / "team.db"
    assert cli("--db", str(path), "init").exit_code == 0
    conn = sqlite3.connect(path)
    conn.executescript(pragmas)
    conn.close()
    before = path.read_bytes()
    fix = fixes.format(latest=schema.schema_version(), mark=schema.APPLICATION_ID)
    refused = cli("--db", str(path), "list")
    assert refused.exit_code == 1
    assert "changed outside pdca (left untouched); if it is the team's file, put it back:" in (
        refused.stderr
    )
    assert refused.stderr.rstrip().endswith(f"sqlite3 {path} '{fix}'")
    checked = cli("--db", str(path), "doctor")
    assert checked.exit_code == 1 and "FAIL schema " in checked.stdout
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    conn.executescript(fix)
    conn.close()
    assert cli("--db", str(path), "list").exit_code == 0


def test_index_damage_is_found_behind_a_hundred_rows_of_bad_values(store, db_path) -> None:
    """integrity_check stops at 100 lines: 150 actions past a CHECK used them up, and the
    damage of a check-ins index, checked after them, was taken for none, by doctor and the
    board (a reviewer)."""
    from pdca.db.models import CheckinDraft
    from pdca.db.store import Store
    from tests.conftest import NOW_DT

    for n in range(150):
        action = store.add_action(ActionDraft(title=f"a{n}", owner="bob"))
    for n in range(3):
        store.add_checkin(action.id, CheckinDraft(message=f"m{n}", status="on-track"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("PRAGMA ignore_check_constraints = 1")
        conn.execute("UPDATE actions SET priority = 'urgent'")
        # an index that disagrees with its table, its SQL pdca's own
        (kept,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'idx_checkins_at'"
        ).fetchone()
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX idx_checkins_at ON checkins (author)'"
            " WHERE name = 'idx_checkins_at'"
        )
    conn.close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("REINDEX idx_checkins_at")
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'idx_checkins_at'", (kept,))
    conn.close()
    fresh = Store.open(db_path, actor="alice", clock=lambda: NOW_DT)
    try:
        assert "idx_checkins_at" in (fresh.damage() or "")
    finally:
        fresh.close()
    ok, detail = _by_name(db_path)["integrity"]
    assert not ok and "idx_checkins_at" in detail
    # only an index's entries: a REINDEX tried first, where a restore alone lost every write
    # since (a retrial); the backup's advice after it, for when the table is the damaged side
    # (a reviewer)
    assert (
        "; only indexes differ from their tables; try first, while nobody writes: sqlite3"
        f" {db_path} 'REINDEX \"idx_checkins_at\"'; restore the last good copy"
    ) in detail
    assert "or more" not in detail


def test_a_record_deleted_by_hand_is_named_and_an_undone_one_is_not(store, db_path):
    """The log recorded a check-in that is gone with no delete logged (a DELETE with sqlite3):
    a warning naming it. A check-in undone (its delete logged) and a record added by hand are
    told apart. Nothing is changed."""
    from pdca.db.models import CheckinDraft

    action = store.add_action(ActionDraft(title="x", owner="bob"))
    kept = store.add_checkin(action.id, CheckinDraft(message="kept", status="on-track"))
    store.add_checkin(action.id, CheckinDraft(message="undone", status="on-track"))
    store.undo()
    assert _by_name(db_path)["history"] == (
        True,
        "every action and check-in the log recorded is in the file",
    )
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM checkins WHERE id = ?", (kept.id,))
    conn.close()
    (found,) = [c for c in diagnose(db_path) if c.name == "history"]
    assert found.ok and found.warning
    assert found.detail.startswith(
        f"1 check-in the log recorded gone from the file with no delete logged ({kept.id})"
    )
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO actions (title, phase, phase_since, created_by, created_at, updated_at)"
            " VALUES ('by hand', 'plan', '2026-01-01T00:00:00Z', 'x', '2026-01-01T00:00:00Z',"
            " '2026-01-01T00:00:00Z')"
        )
    conn.close()
    (found,) = [c for c in diagnose(db_path) if c.name == "history"]
    assert "1 action in the file with no history (#" in found.detail


def test_a_log_edited_by_hand_is_told_apart_from_a_missing_record(store, db_path):
    """A create event copied by hand counts one more check-in than there is, none missing
    by id: said so, never as a count of zero or less."""
    from pdca.db.models import CheckinDraft

    action = store.add_action(ActionDraft(title="x", owner="bob"))
    store.add_checkin(action.id, CheckinDraft(message="kept", status="on-track"))
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary)"
            " SELECT tx, at, actor, entity, entity_id, op, summary FROM events"
            " WHERE entity = 'checkin' AND op = 'create'"
        )
    conn.close()
    (found,) = [c for c in diagnose(db_path) if c.name == "history"]
    assert found.warning and found.detail == (
        "the log records 1 more check-in than the file holds, none missing by id"
        " (its events edited by hand?)"
    )


def test_a_record_deleted_and_another_added_by_hand_are_both_named(store, db_path):
    """One check-in deleted by hand and one put in by hand: the counts agree, yet the file
    holds an id the log never made; both are named by id."""
    from pdca.db.models import CheckinDraft

    action = store.add_action(ActionDraft(title="x", owner="bob"))
    first = store.add_checkin(action.id, CheckinDraft(message="one", status="on-track"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM checkins WHERE id = ?", (first.id,))
        conn.execute(
            "INSERT INTO checkins (action_id, at, author, status, message)"
            " VALUES (?, '2026-11-23T09:00:00Z', 'bob', 'on-track', 'by hand')",
            (action.id,),
        )
        (added,) = conn.execute("SELECT max(id) FROM checkins").fetchone()
    conn.close()
    (found,) = [c for c in diagnose(db_path) if c.name == "history"]
    assert found.warning
    assert f"1 check-in the log recorded gone from the file with no delete logged ({first.id})" in (
        found.detail
    )
    assert f"1 check-in in the file with no history ({added}): added by hand?" in found.detail


def test_temporary_copies_a_killed_run_left_are_named(store, db_path: Path, cli) -> None:
    """A tester killed ``pdca restore`` twice: each left a whole copy beside the database,
    and doctor said nothing. Now it warns, naming them (exit 0); a copy whose process still
    runs (a restore under way) is not named."""
    import socket
    import subprocess
    import sys

    from pdca.db.schema import temporary_name

    host = socket.gethostname().replace(".", "-") or "host"
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    gone = int(finished.stdout)
    left = db_path.with_name(f".{db_path.name}.{host}.{gone}.0badf00d.new")
    left.write_bytes(b"x" * 2_000_000)
    running = temporary_name(db_path, "new")  # this process's: it still runs
    running.write_bytes(b"y")
    result = cli("doctor")
    assert result.exit_code == 0, result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("warn leftovers"))
    assert line == (
        f"warn leftovers    1 temporary copy left by interrupted pdca runs (2.0 MB): {left.name};"
        " the next backup, restore or import removes them an hour on, or remove them yourself"
        " (never the database or its -wal/-shm)"
    )
    assert left.exists() and running.exists()  # doctor removes nothing
    # With no database there yet (an import killed before it was linked into place): named.
    missing = db_path.with_name("new.db")
    orphan = missing.with_name(f".new.db.{host}.{gone}.0badf00d.new")
    orphan.write_bytes(b"x")
    said = [c for c in diagnose(missing) if c.name == "leftovers"]
    assert len(said) == 1 and orphan.name in said[0].detail
    # A backup killed mid-copy leaves its copy in the backups folder: named too (a soak).
    left.unlink()
    (db_path.parent / "backups").mkdir()
    in_backups = db_path.parent / "backups" / f".{db_path.name}.{host}.{gone}.f050a4b0.bak"
    in_backups.write_bytes(b"x" * 1_000_000)
    said = [c for c in diagnose(db_path) if c.name == "leftovers"]
    assert len(said) == 1 and f"(1.0 MB): backups/{in_backups.name};" in said[0].detail
    # with its journal beside it: still one copy, both named (a soak counted three)
    journal = in_backups.with_name(in_backups.name + "-journal")
    journal.write_bytes(b"j")
    [said_both] = [c for c in diagnose(db_path) if c.name == "leftovers"]
    assert said_both.detail.startswith("1 temporary copy left") and journal.name in said_both.detail
    # Three copies and a -shm: the copies are named before the part (a soak's list named a
    # -shm third and hid a copy behind "…").
    shm = in_backups.with_name(in_backups.name + "-shm")
    shm.write_bytes(b"s")
    later = in_backups.with_name(f".{db_path.name}.{host}.{gone}.f050a4b1.bak")  # after -shm
    beside = db_path.parent / f".{db_path.name}.{host}.{gone}.00000001.new"
    for other in (later, beside):
        other.write_bytes(b"x")
    [said_all] = [c for c in diagnose(db_path) if c.name == "leftovers"]
    named = said_all.detail.split(": ", 1)[1].split(";")[0]
    assert said_all.detail.startswith("3 temporary copies left")
    assert "-shm" not in named and "-journal" not in named and named.endswith(" …")


def test_values_pdca_cannot_read_are_named_by_table_row_and_column(store, db_path: Path) -> None:
    """A tester's hand edits (a due date of '2026-13-45', a check-in at 'soon', broken JSON
    in the log) crashed boards and commands while doctor said all was well. The guards refuse
    them now (tests/unit/test_kinds_guarded.py); a file from before them, or one written with
    a guard dropped, is named here."""
    store.add_action(ActionDraft(title="x", owner="bob"))
    store.add_action(ActionDraft(title="y", owner="bob"))
    ok, detail = _by_name(db_path)["values"]
    assert ok and detail == "every value is of a kind and shape pdca reads"
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("DROP TRIGGER events_kinds_on_update")
        conn.execute("UPDATE actions SET due = '2026-13-45'")
        conn.execute("UPDATE events SET after = '{broken' WHERE id = 1")
    conn.close()
    ok, detail = _by_name(db_path)["values"]
    assert not ok
    assert detail == (
        "values pdca cannot read, changed outside pdca: actions: 2 rows (first id 1: due takes"
        " a date such as 2026-12-31 (a real day, 1900 to 9998)); events: 1 row (first id 1:"
        " after takes a JSON object); put them right with sqlite3, or restore a backup"
    )


def test_actions_done_without_a_decision_are_named(store, db_path: Path) -> None:
    """Neither a move nor ``done`` can take such an action on (a tester imported one)."""
    for title in ("x", "y", "z"):
        store.add_action(ActionDraft(title=title, owner="bob"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE actions SET done_at = '2026-11-20T09:00:00Z' WHERE id = 1")
        conn.execute("UPDATE actions SET decision = 'adjust' WHERE id = 3")
        conn.execute(
            "UPDATE actions SET decision = 'standardize', done_at = '2026-11-20T09:00:00Z'"
            " WHERE id = 2"
        )  # Act's decision, from Plan
    conn.close()
    ok, detail = _by_name(db_path)["values"]
    assert not ok and "actions: 3 whose decision does not fit (done without one" in detail
    assert "outside Act) (#1, #2, #3)" in detail


def test_dangling_references_are_named_by_table_and_first_row(store, db_path: Path) -> None:
    """A tester deleted a KPI with sqlite3: doctor said "410 dangling references", no more."""
    from pdca.db.models import KpiDraft

    store.add_kpi(KpiDraft(name="Pages", unit="n", baseline=10, target=5))
    for title in ("a", "b"):
        store.add_action(ActionDraft(title=title, kpi="Pages"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM kpis")  # foreign keys are off on a plain connection
    conn.close()
    ok, detail = _by_name(db_path)["references"]
    assert not ok
    assert detail == (
        "2 dangling references, to rows no longer there (actions to kpis: 2 (first actions row"
        " 1)): deleted outside pdca; put them back or clear the references with sqlite3, or"
        " restore a backup"
    )


def test_values_are_checked_in_a_file_pdca_will_upgrade_too(store, db_path: Path) -> None:
    """A reviewer: on an older file doctor said all was well and that pdca would upgrade it,
    which is when the values it holds meet the guards."""
    store.add_action(ActionDraft(title="x"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("UPDATE actions SET due = 'tomorrow'")
        conn.execute("PRAGMA user_version = 20")
    conn.close()
    checks = _by_name(db_path)
    assert checks["schema"] == (True, f"version 20; pdca will upgrade it to {schema_version()}")
    ok, detail = checks["values"]
    assert not ok and "actions: 1 row (first id 1: due takes a date" in detail


def test_an_older_file_its_reader_may_not_write_fails_the_schema_check(
    store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "pdca will upgrade it" to a reader whose every command refused to, for want of
    writing it (a trial of upgrade day). Root may write anything: the probe is pretended."""
    from pdca.db import doctor
    from tests.unit.test_file_safety import make_old_database

    older = db_path.with_name("older.db")
    make_old_database(older, 20)  # an older pdca's file (a lowered user_version is named)
    monkeypatch.setattr(doctor, "file_lets_me_write", lambda path: False)
    ok, detail = _by_name(older)["schema"]
    assert not ok and detail.startswith(f"version 20: pdca must upgrade it to {schema_version()}")
    assert "may not write it: someone who may write it and its folder runs any pdca" in detail


def test_a_loop_of_earlier_cycles_is_named(store, db_path: Path) -> None:
    """A reviewer: actions each other's earlier cycle, written with sqlite3 (import refuses
    them), passed doctor as "every reference resolves"."""
    from pdca.db.models import ActionDraft

    for title in ("one", "two"):
        store.add_action(ActionDraft(title=title))
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE actions SET parent_id = 3 - id")  # 1 -> 2 -> 1
    conn.close()
    ok, detail = _by_name(db_path)["references"]
    assert not ok and detail.startswith("action 1's earlier cycles (parent_id) run round in a")
    with sqlite3.connect(db_path) as conn:  # a first cycle and its next, then a loop below
        conn.execute("UPDATE actions SET parent_id = NULL WHERE id = 1")
        for title in ("three", "four", "five"):
            conn.execute(
                "INSERT INTO actions (title, phase_since, created_by, created_at, updated_at)"
                " VALUES (?, '2026-11-23T09:00:00Z', 'a', '2026-11-23T09:00:00Z',"
                " '2026-11-23T09:00:00Z')",
                (title,),
            )
        conn.execute("UPDATE actions SET parent_id = 1 WHERE id = 2")
        conn.execute("UPDATE actions SET parent_id = 7 - id WHERE id IN (3, 4)")  # 3 <-> 4
        conn.execute("UPDATE actions SET parent_id = 4 WHERE id = 5")
    conn.close()
    ok, detail = _by_name(db_path)["references"]
    assert not ok and detail.startswith("action 3's earlier cycles"), detail


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o660])
def test_doctor_leaves_no_wal_or_shm_beside_a_file_nobody_has_open(
    store, db_path: Path, cli, mode: int
) -> None:
    """A tester: a read-only open left them with the file's mode, and a 0600 file's kept the
    team out even after its owner made the file itself 0660 as doctor advised."""
    store.add_action(ActionDraft(title="x"))
    store.close()
    os.chmod(db_path, mode)
    assert not Path(f"{db_path}-wal").exists() and not Path(f"{db_path}-shm").exists()
    cli("doctor")
    assert not Path(f"{db_path}-wal").exists() and not Path(f"{db_path}-shm").exists()


def test_a_mode_problem_names_the_file_its_owner_its_mode_and_who_runs_the_fix(
    store, db_path: Path, tmp_path: Path
) -> None:
    """A tester: "world-writable: p.db: chmod o-w" named neither the owner nor the mode, and
    told a member who could not run it to do so."""
    store.add_action(ActionDraft(title="x"))
    store.close()
    os.chmod(db_path.parent, 0o2770)
    os.chmod(db_path, 0o646)
    checks = _by_name(db_path)
    owner = describe(db_path)
    ok, said = checks["permissions"]
    assert not ok and said == f"world-writable: {db_path} ({owner}): run: chmod o-w {db_path}"
    ok, said = checks["group"]
    assert not ok and said == (
        f"not group read-writable: {db_path} ({owner}): run: chmod g+rw {db_path}"
    )
    os.chmod(db_path, 0o440)  # the owner lacks them too: "g+rw" gave 0460, owner locked out
    ok, said = _by_name(db_path)["group"]
    assert not ok and said.startswith(
        f"not group read-writable: {db_path} ({describe(db_path)}): run: chmod ug+rw {db_path}"
    ), said


def test_a_setting_under_a_name_pdca_never_reads_is_named(store, db_path: Path) -> None:
    """A tester typed the key as pdca config prints it; pdca keeps it with underscores."""
    store.conn.execute(
        "INSERT INTO settings (key, value, updated_at, updated_by)"
        " VALUES ('stale-after-days', '3', '2026-11-01T09:00:00Z', 'dana')"
    )
    ok, said = _by_name(db_path)["settings"]
    assert not ok and said.startswith(
        "'stale-after-days' is no setting pdca reads (pdca keeps it as stale_after_days)"
    )


@pytest.mark.parametrize("version", range(1, schema_version()))
def test_a_healthy_file_of_any_older_schema_passes_the_values_check(
    tmp_path: Path, version: int
) -> None:
    """SQLite reads a double-quoted column name it does not know as a string: the check of
    a column added later ("priority", schema 10) failed every row of every healthy older
    file (a tester, upgrading from an older release)."""
    from tests.unit.test_file_safety import make_old_database

    path = tmp_path / "old.db"
    make_old_database(path, version)
    checks = _by_name(path)
    assert checks["values"] == (True, "every value is of a kind and shape pdca reads")


def test_the_copy_kept_before_an_upgrade_is_named_as_such_with_no_backup_advice(
    store, db_path: Path
) -> None:
    """doctor on ``pdca.db.v20.bak`` said pdca would upgrade it and to back it up hourly
    (a tester): pdca refuses to open it, and it is no file to work on."""
    from tests.unit.test_file_safety import make_old_database

    store.add_action(ActionDraft(title="x"))
    kept = db_path.with_name(f"{db_path.name}.v20.bak")
    make_old_database(kept, 20)
    checks = _by_name(kept)
    ok, detail = checks["schema"]
    assert ok and detail.startswith(
        f"version 20: the copy kept before an upgrade of {db_path.name}"
    )
    assert f"restore {kept}" in detail
    assert "backup" not in checks


def test_a_file_that_is_not_pdcas_gets_no_backup_advice(tmp_path: Path) -> None:
    """ "make one with pdca backup" for a file that command refuses (a tester)."""
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    checks = _by_name(other)
    assert checks["schema"] == (
        False,
        f"{other}: a SQLite database, but not a pdca one (left untouched): is it the file you"
        " meant? pdca where says which file pdca uses and why",
    )
    assert "backup" not in checks


def test_no_backup_yet_names_the_copy_a_restore_kept(cli, db_path: Path, tmp_path: Path) -> None:
    """After a restore from a copy kept elsewhere, doctor said "none yet in .../backups"
    beside the copy the restore kept there, as if it were not (two testers)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert cli("backup", str(elsewhere / "copy.db")).exit_code == 0
    assert cli("restore", str(elsewhere / "copy.db")).exit_code == 0
    (kept,) = (db_path.parent / "backups").glob("*.before-restore.db")
    said = cli("doctor").stdout
    assert f"none yet in {db_path.parent / 'backups'} (only {kept.name}, kept by a restore)" in said


def test_a_backup_opened_itself_is_not_told_to_have_backups(store, db_path: Path) -> None:
    """doctor --db backups/x.db warned "none yet in .../backups/backups" (a retrial): a
    backup is not backed up; said so, not as a warning."""
    from pdca.db.backup import backup
    from tests.conftest import NOW_DT

    store.add_action(ActionDraft(title="x"))
    store.close()
    made = backup(db_path, now=NOW_DT).path
    ok, said = _by_name(made)["backup"]
    assert (
        ok and said == f"{made.name} is in a backups folder, a backup itself: none are made of it"
    )


def test_a_file_whose_owner_has_no_account_is_named(store, db_path: Path) -> None:
    """Its maker removed (userdel): doctor said "ok file ... owned by 1004:team", while only
    root could change its mode, and an account given uid 1004 later would own the team's
    file (a sysadmin's trial)."""
    store.close()
    os.chown(db_path, 4321, -1)  # a uid with no account here
    checks = _by_name(db_path)
    ok, said = checks["owner"]
    assert not ok and "uid 4321 has no account here" in said, said
    assert said.endswith(f"ask root to run: chown LOGIN {db_path} (LOGIN: one of the team)")
    assert checks["file"][0] and "integrity" in checks  # the other checks go on (a reviewer)


def test_a_hidden_or_oddly_named_databases_wal_is_a_stray_too(tmp_path: Path) -> None:
    """A hidden .pdca.db, and team.pdca renamed team.pdca.old, left -wal files nobody saw,
    and a write under the new name was lost on the move back (a retrial). pdca's own
    temporaries (.new, .bak) and a notebook's "lab-journal" are no database's."""
    from pdca.db.connection import stray_journals

    here = tmp_path / "team.pdca.old"
    here.write_bytes(b"x")
    for name in (".pdca.db-wal", "team.pdca-wal", ".team.db.host.1.ab.new-wal", "lab-journal",
                 "notes.bak-wal", "plain-wal"):  # fmt: skip
        (tmp_path / name).write_bytes(b"pages")
    assert stray_journals(here) == [".pdca.db-wal", "team.pdca-wal"]


def test_backups_that_are_not_the_teams_are_named(store, db_path: Path) -> None:
    """Someone let in by an ACL, outside the team's group, made ``backups/`` (their chmod
    dropped setgid) and each later backup took its maker's group: ben could restore none of
    them, and doctor said ok (a sysadmin's trial). Named, with the chgrp that mends it."""
    from datetime import UTC, datetime

    from pdca.db.backup import backup

    store.add_action(ActionDraft(title="x"))
    store.close()
    os.chmod(db_path.parent, 0o2770)
    made = backup(db_path, now=datetime.now(UTC))  # doctor reads its age on the real clock
    ok, said = _by_name(db_path)["backup"]
    assert ok and "not the team's" not in said, said
    folder = made.path.parent
    os.chmod(folder, 0o770)  # as a chmod by someone outside its group leaves it
    team = grp.getgrgid(db_path.stat().st_gid).gr_name
    other = (
        4243
        if os.geteuid() == 0
        else next((g for g in os.getgroups() if g != db_path.stat().st_gid), None)
    )
    if other is not None:  # a backup in another group (root may give it any)
        os.chown(made.path, -1, other)
    ok, said = _by_name(db_path)["backup"]
    assert ok and said.startswith(f"{made.path.name}, "), said  # the newest, as before
    assert f"; {folder} is not the team's (" in said, said
    assert f"chgrp {team} {folder} && chmod 2770 {folder}" in said
    if other is not None:
        assert f"1 backup not in the team's group {team}, which others of it may not" in said
        assert f"chgrp {team} {folder}/*.db" in said


def test_someones_own_triggers_are_named_before_their_tables() -> None:
    """Three FTS triggers, which fail the file, hid behind its five tables' "(and 5 more)"
    (a retrial): someone's own triggers come first of their objects."""
    from pdca.db.copies import shape_difference

    wanted = {("table", "actions"): "CREATE TABLE actions(id)"}
    found = {
        **wanted,
        **{("table", f"actions_fts_{n}"): "CREATE TABLE x(y)" for n in range(5)},
        ("trigger", "actions_ai"): "CREATE TRIGGER actions_ai ...",
    }
    said = shape_difference(found, wanted)
    assert said is not None and said.startswith("an extra trigger actions_ai; an extra table")
