"""``pdca backup`` and ``pdca restore``: copies made and put back by SQLite alone.

- A backup holds exactly the database's rows, is a whole pdca file in the rollback-journal
  mode (nothing beside it), is never world-readable or -writable, and lands under its name
  complete. Rotation keeps the newest N and removes nothing but pdca's own backups.
- Restore checks the file first and refuses, in one line and leaving the database exactly as
  it was, anything but a whole pdca database this pdca can use: it is opened (and upgraded)
  on a scratch copy, whose schema must equal a new pdca database's, before the database is
  touched. It keeps the contents before as a backup (damaged contents SQLite cannot copy:
  only with --force), refuses while others have the file open (naming who), and puts a
  backup back into a damaged (even truncated) or a missing database.
- ``pdca backup <its folder>/backups`` makes that folder as the default one is made.
- ``pdca doctor`` warns with no backup, fails on a stale one, and names the exact restore
  command for a damaged file.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pdca.db import backup as backups
from pdca.db import schema
from pdca.db.errors import InvalidInput
from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.presence import Presence
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO, by_hand, run_pdca
from tests.unit.test_file_safety import AUDITED, _python, make_old_database

T0 = datetime(2026, 11, 20, 8, 0, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- helpers


def dump(path: Path) -> list[str]:
    """Every row and schema statement, read through SQLite (never the file's bytes)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def records(path: Path) -> list[str]:
    """Every row and schema statement without what a restore changes on purpose: the id
    counters it keeps past every id the file issued before (``sqlite_sequence``), each row's
    version, which it numbers past every version the file had, and its own event."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = [
            f"{kind} {name}: {sql}"
            for kind, name, sql in conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name != 'sqlite_sequence'"
                " ORDER BY type, name"
            )
        ]
        tables = [
            name for line in found if line.startswith("table ") for name in [line.split(":")[0][6:]]
        ]
        for table in tables:
            columns = [
                f'"{row[1]}"'
                for row in conn.execute(f'PRAGMA table_info("{table}")')
                if row[1] != "version"
            ]
            rows = conn.execute(f'SELECT {", ".join(columns)} FROM "{table}"')
            for line in sorted(f"{table} {row!r}" for row in rows):
                if table == "events" and "'restored from " in line and "'database', 0" in line:
                    continue
                found.append(line)
        return found
    finally:
        conn.close()


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT title FROM actions ORDER BY id")]
    finally:
        conn.close()


def one_line_error(result, *fragments: str) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("pdca: "), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    return result.stderr


def fill(path: Path, count: int = 3) -> None:
    """A database with actions, check-ins and their events; closed afterwards."""
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    for number in range(count):
        action = store.add_action(ActionDraft(title=f"action {number}"))
        store.add_checkin(action.id, CheckinDraft(message=f"note {number}"))
    store.close()


def add(path: Path, title: str) -> None:
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT)
    store.add_action(ActionDraft(title=title))
    store.close()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def db(env: dict[str, str]) -> Path:
    path = Path(env["PDCA_DB"])
    fill(path)
    return path


def make_backup(db: Path, when: datetime, **options) -> Path:  # type: ignore[no-untyped-def]
    return backups.backup(db, now=when, **options).path


# --------------------------------------------------------------------------- backup


def test_backup_holds_every_row_and_is_a_whole_pdca_file(cli, db: Path) -> None:
    result = cli("backup")
    assert result.exit_code == 0, result.stderr
    written = Path(result.stdout.split()[0])
    assert written.parent == db.parent / "backups"
    assert backups._pattern(db).match(written.name)
    assert result.stdout.strip().endswith(("KiB", "MiB", "bytes"))
    assert dump(written) == dump(db)
    conn = sqlite3.connect(f"file:{written}?mode=ro&immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    finally:
        conn.close()
    # Nothing beside it: no -wal, -shm, -journal, and no temporary copy left behind.
    assert listing(written.parent) == [written.name]


def test_backup_json(cli, db: Path) -> None:
    result = cli("backup", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "database", "path", "bytes", "seconds", "read_seconds", "removed", "not_pdcas"
    }  # fmt: skip
    assert data["not_pdcas"] is None
    assert data["database"] == str(db)
    assert data["bytes"] == Path(data["path"]).stat().st_size > 0
    assert data["removed"] == []


def test_backup_into_a_named_folder_and_to_a_new_file(cli, db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    result = cli("backup", str(folder))
    assert result.exit_code == 0, result.stderr
    (made,) = folder.iterdir()
    assert backups._pattern(db).match(made.name)
    target = tmp_path / "copy.db"
    result = cli("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{target}  ")
    assert dump(target) == dump(db)


def test_backups_made_in_one_second_get_their_own_names(db: Path) -> None:
    first = make_backup(db, T0)
    second = make_backup(db, T0)
    assert first != second and first.exists() and second.exists()
    assert second.name == first.name.replace("Z.db", "Z-2.db")
    assert [b.path for b in backups.list_backups(db)] == [second, first]


def test_backup_sees_the_last_commit_of_a_connection_still_open(cli, db: Path) -> None:
    other = Store.open(db, actor="bob", clock=lambda: NOW_DT)
    try:
        other.add_action(ActionDraft(title="written by bob, not yet checkpointed"))
        result = cli("backup")
        assert result.exit_code == 0, result.stderr
        assert "written by bob, not yet checkpointed" in titles(Path(result.stdout.split()[0]))
    finally:
        other.close()


def _bad_dest_cases(tmp_path: Path, db: Path) -> list[tuple[list[str], tuple[str, ...]]]:
    existing = tmp_path / "existing.db"
    existing.write_text("someone's file\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    dangling = tmp_path / "dangling.db"
    dangling.symlink_to(tmp_path / "nowhere" / "x.db")
    not_folder = tmp_path / "plain.txt"
    not_folder.write_text("x")
    return [
        ([str(db)], ("DEST", "is the database itself")),
        ([f"{db}-wal"], ("DEST", "is the database itself")),
        ([f"{db}-shm"], ("DEST", "is the database itself")),
        ([f"{db}-journal"], ("DEST", "is the database itself")),
        ([str(tmp_path / "missing" / "x.db")], ("DEST", "folder", "missing", "does not exist")),
        ([str(tmp_path / "missing") + "/"], ("DEST", "not an existing folder")),
        ([str(existing)], ("DEST", "exists; pdca never overwrites a file")),
        ([str(fifo)], ("DEST", "not a regular file or a folder")),
        (["/dev/null"], ("DEST", "not a regular file or a folder")),
        ([str(dangling)], ("DEST", "is a link to")),
        ([str(not_folder / "x.db")], ("DEST", "not a folder")),
        ([""], ("DEST", "is not a path")),
        # no such database: still a name SQLite reads as a lost one's journal (a tester)
        ([str(tmp_path / "q.db-wal")], ("DEST", "a name SQLite keeps beside a database")),
        ([str(tmp_path / "q.sqlite-journal")], ("DEST", "SQLite keeps beside a database")),
        (["--keep", "0"], ("'--keep'", "'0' is not a whole number from 1 to 10000")),
        (["--keep", "-3"], ("'--keep'", "'-3' is not a whole number")),
        (["--keep", "1000000"], ("'--keep'", "'1000000' is too big (at most 10000)")),
        (["--keep", "٣"], ("'--keep'", "'٣' is not a whole number")),
        (["--keep", "+3"], ("'--keep'", "'+3' is not a whole number")),
        (["--keep", "lots"], ("--keep", "lots")),
        ([str(tmp_path / "one.db"), "--keep", "2"], ("--keep: 2", "applies to a folder")),
    ]


def test_bad_destinations_are_refused_in_one_line(cli, db: Path, tmp_path: Path) -> None:
    cases = _bad_dest_cases(tmp_path, db)
    before = dump(db)

    def files() -> list[str]:  # what SQLite keeps beside the database aside
        return [name for name in listing(tmp_path) if not name.startswith(db.name)]

    for args, fragments in cases:
        found = files()
        result = cli("backup", *args)
        one_line_error(result, *fragments)
        assert result.stdout == ""
        # Nothing written anywhere: no backup, no temporary copy, nothing over the database.
        assert files() == found, args
        assert listing(tmp_path / "backups") == [], args
    assert (tmp_path / "existing.db").read_text() == "someone's file\n"
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
    assert dump(db) == before


def test_a_folder_that_may_not_be_written_is_refused(
    cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = tmp_path / "closed"
    closed.mkdir()
    real_access = os.access

    def access(path, mode, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == closed and mode & os.W_OK:
            return False  # as for someone outside the folder's group (the tests run as root)
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(backups.os, "access", access)
    one_line_error(cli("backup", str(closed)), "DEST", "may not write")
    one_line_error(cli("backup", str(closed / "x.db")), "DEST's folder", "may not write")
    assert listing(closed) == []


@pytest.mark.usefixtures("missing_db")
def test_backup_of_a_missing_or_foreign_file_is_refused(cli, env, tmp_path: Path) -> None:
    one_line_error(cli("backup"), "no database at")
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    one_line_error(cli("--db", str(foreign), "backup"), "not a pdca one")
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite\n" * 100)
    one_line_error(cli("--db", str(junk), "backup"), "not a SQLite database")
    assert listing(tmp_path / "backups") == []


def test_a_damaged_database_is_not_backed_up_and_good_backups_stay(cli, db: Path) -> None:
    good = make_backup(db, T0, keep=1)
    _spoil(db)
    result = cli("backup", "--keep", "1")
    stderr = one_line_error(result, "damaged", "no backup written")
    assert f"pdca --db {db} restore {good}" in stderr
    assert [b.path for b in backups.list_backups(db)] == [good]  # rotation never ran


def test_a_copy_restore_would_refuse_is_said_and_pushes_no_backup_out(cli, db: Path) -> None:
    """A column added with sqlite-utils: every hourly backup was one ``pdca restore``
    refuses, and ``--keep`` removed the good ones before it (a trial). The copy is made (the
    file as it is), said on stderr, and every older backup stays."""
    good = [make_backup(db, T0 + timedelta(hours=hour)) for hour in range(2)]
    by_hand(db, "ALTER TABLE actions ADD COLUMN estimate INTEGER")
    result = cli("backup", "--keep", "1")
    assert result.exit_code == 0
    assert result.stderr == (
        "pdca: warning: the file holds what pdca did not make (table actions is not pdca's (a"
        " column pdca does not make: estimate)):"
        " pdca restore refuses this copy until that is taken out (pdca doctor says how);"
        " no older backup removed\n"
    )
    made = Path(result.stdout.split()[0])
    assert [b.path for b in backups.list_backups(db)] == [made, *reversed(good)]
    restored = cli("restore", str(made), "--force")
    assert (
        restored.exit_code == 1
        and "not the tables, indexes and triggers pdca makes" in restored.stderr
    )
    assert json.loads(cli("backup", "--json").stdout)["not_pdcas"] == (
        "table actions is not pdca's (a column pdca does not make: estimate)"
    )


def _spoil(path: Path) -> None:
    """Overwrite pages in the middle of a file nobody has open (a test's own damage)."""
    size = path.stat().st_size
    assert size > 8 * 4096, size
    with open(path, "r+b") as handle:
        handle.seek(2 * 4096)
        handle.write(b"\xa5" * (size - 3 * 4096))


# --------------------------------------------------------------------------- rotation


def test_rotation_keeps_the_newest_and_removes_only_pdcas_own_backups(db: Path) -> None:
    folder = backups.default_folder(db)
    made = [make_backup(db, T0 + timedelta(hours=hour), keep=100) for hour in range(5)]
    # Look-alikes that must survive: by name they could be backups, but they are not pdca's,
    # not backups of this database, copies kept before a restore, links, or in use.
    old = T0 - timedelta(days=30)
    text = folder / backups.backup_file_name(db, old)
    text.write_text("notes that happen to have a backup's name\n")
    foreign = folder / backups.backup_file_name(db, old + timedelta(seconds=1))
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    other_db = folder / backups.backup_file_name(folder / "other.db", old)
    fill(other_db, count=1)
    before_restore = folder / backups.backup_file_name(db, old, before=True)
    fill(before_restore, count=1)
    link = folder / backups.backup_file_name(db, old + timedelta(seconds=2))
    link.symlink_to(db)
    in_use = folder / backups.backup_file_name(db, old + timedelta(seconds=3))
    fill(in_use, count=1)
    user = Store.open(in_use, actor="bob", clock=lambda: NOW_DT)  # its -wal/-shm exist now
    user.list_actions()
    unrelated = folder / "notes.txt"
    unrelated.write_text("keep me")
    try:
        result = backups.backup(db, now=T0 + timedelta(hours=10), keep=2)
    finally:
        user.close()
    newest = result.path
    assert sorted(result.removed) == sorted(made[:4])
    for path in made[:4]:
        assert not path.exists()
    for path in (made[4], newest, text, foreign, other_db, before_restore, in_use, unrelated):
        assert path.exists(), path
    assert link.is_symlink()
    assert text.read_text().startswith("notes")
    assert db.exists() and dump(db)  # the database itself, untouched


def test_a_backups_folder_that_is_a_colleagues_link_is_not_used(
    cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague's link named ``backups`` beside the team's file, into ann's private
    backups (both files named pdca.db): the team's ``backup --keep 2`` wrote there and
    deleted two of hers (a reviewer). Refused, naming the link, nothing written or removed;
    doctor says it too. A link of one's own is used, as before."""
    from pdca.db.doctor import diagnose

    private = tmp_path / "private-backups"
    private.mkdir(mode=0o700)
    hers = [make_backup(db, T0 + timedelta(hours=hour), dest=f"{private}/") for hour in range(3)]
    link = backups.default_folder(db)
    link.symlink_to(private)
    with monkeypatch.context() as patched:
        if os.geteuid() == 0:  # a colleague's link, really
            os.lchown(link, 4242, 4242)
        else:  # this login's own link, seen as by another login
            real = os.getuid()
            patched.setattr(os, "getuid", lambda: real + 4242)
        one_line_error(
            cli("backup", "--keep", "2"),
            f"backups folder: '{link}' goes through a link: {link} is a symbolic link made by ",
            f"(to {private}); pdca keeps backups in a real folder, or through a link of your",
            "remove that link",
        )
        one_line_error(cli("backup", f"{link}/"), f"'{link}' goes through a link: {link} is")
        # one folder up: ben's link to ann's private folder, her backups in it (a reviewer)
        (tmp_path / "ann" / "bk").mkdir(parents=True)
        up = tmp_path / "nightly"
        up.symlink_to(tmp_path / "ann")
        if os.geteuid() == 0:
            os.lchown(up, 4242, 4242)
        one_line_error(
            cli("backup", "--keep", "1", f"{up}/bk/"),
            f"goes through a link: {up} is a symbolic link made by",
        )
        one_line_error(
            cli("export", "--out", f"{up}/bk/notes.json"),
            f"goes through a link: {up} is a symbolic link made by",
        )
        assert list((tmp_path / "ann" / "bk").iterdir()) == []
        other = tmp_path / "team-dest"  # a folder named on the command line, a link too
        (tmp_path / "elsewhere").mkdir()
        other.symlink_to(tmp_path / "elsewhere")
        if os.geteuid() == 0:
            os.lchown(other, 4242, 4242)
        one_line_error(cli("backup", f"{other}/"), f"DEST: '{other}' goes through a link: ")
        [check] = [c for c in diagnose(db) if c.name == "backup"]
        assert not check.ok and check.detail.startswith(
            f"{link} goes through a link: {link} is a symbolic link made by "
        )
    assert sorted(private.iterdir()) == sorted(hers)  # nothing written, nothing removed
    if os.geteuid() == 0:
        os.lchown(link, os.getuid(), os.getgid())  # now one's own link: used
    assert cli("backup", "--keep", "2").exit_code == 0
    assert len(list(private.iterdir())) == 2


def test_keep_counts_from_the_command_line(cli, db: Path) -> None:
    for hour in range(3):
        make_backup(db, T0 + timedelta(hours=hour))
    result = cli("backup", "--keep", "2")
    assert result.exit_code == 0, result.stderr
    assert "removed 2 older" in result.stdout
    assert len(list(backups.list_backups(db))) == 2


def test_a_backup_without_keep_never_thins_a_folder_kept_longer(db: Path) -> None:
    """A teammate's plain ``pdca backup`` cut a folder the cron keeps at 48 down to 7 (a
    soak): without --keep, as many stay as the folder held, and at least 7."""
    for hour in range(12):
        make_backup(db, T0 + timedelta(hours=hour), keep=48)
    plain = backups.backup(db, now=T0 + timedelta(hours=20))
    assert len(plain.removed) == 1  # the oldest: 12 stay, as there were
    assert len(list(backups.list_backups(db))) == 12
    for hour in range(3):  # a young folder grows to 7 and stays there
        backups.backup(db, now=T0 + timedelta(hours=30 + hour), keep=2)
    for hour in range(8):
        backups.backup(db, now=T0 + timedelta(hours=40 + hour))
    assert len(list(backups.list_backups(db))) == 7


def test_backups_in_one_second_keep_the_newest(db: Path) -> None:
    """Five runs of --keep 2 in one second: a name a rotation freed (the second's first) was
    taken again, sorted as the oldest, and the newest backup was the next one removed (a
    tester)."""
    made = [make_backup(db, T0, keep=2) for _ in range(5)]
    kept = [b.path for b in backups.list_backups(db)]
    assert kept == [made[4], made[3]]  # the two newest, newest first
    assert [b.counter for b in backups.list_backups(db)] == [5, 4]


# --------------------------------------------------------------------------- modes


@pytest.fixture
def ordinary_umask():  # type: ignore[no-untyped-def]
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_team_folder_backups_are_group_shared_never_other(tmp_path: Path, ordinary_umask) -> None:
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2770)
    db = team / "pdca.db"
    fill(db)
    assert db.stat().st_mode & 0o777 == 0o660
    os.umask(0)  # even a careless umask gives nobody else anything
    path = make_backup(db, T0)
    folder = path.parent
    assert folder.stat().st_mode & 0o7777 == 0o2770
    assert folder.stat().st_gid == team.stat().st_gid
    assert path.stat().st_mode & 0o777 == 0o660
    assert path.stat().st_gid == team.stat().st_gid


def test_private_backups_are_private(tmp_path: Path, ordinary_umask) -> None:
    private = tmp_path / "private"
    private.mkdir()
    private.chmod(0o700)
    db = private / "pdca.db"
    fill(db)
    os.chmod(db, 0o600)
    os.umask(0)
    path = make_backup(db, T0)
    assert path.parent.stat().st_mode & 0o7777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
    os.chmod(db, 0o644)  # a database others may read: its copy is still nobody else's
    copy = make_backup(db, T0 + timedelta(minutes=1), keep=10)
    assert copy.stat().st_mode & 0o777 == 0o640


# --------------------------------------------------------------------------- restore


def test_restore_round_trip_keeps_the_contents_before(cli, db: Path) -> None:
    saved = make_backup(db, T0)
    wanted = records(saved)
    add(db, "written after the backup")
    current = dump(db)
    result = cli("restore", str(saved))
    assert result.exit_code == 0, result.stderr
    (kept,) = [b for b in backups.list_backups(db) if b.before_restore]
    # what the restore took out is counted: two readings cron recorded went without a word
    # (a sysadmin's trial)
    assert result.stderr == (
        f"pdca: 1 change made since that backup is not in the restored file, only in {kept.path}\n"
    )
    assert records(db) == wanted
    assert "written after the backup" not in titles(db)
    assert kept.path.name.endswith(".before-restore.db")
    assert dump(kept.path) == current
    assert f"in {kept.path}" in result.stdout
    # and with --json, as a cron job runs it: its mail had no word of it (a trial of scripts)
    add(db, "written after the restore")
    again = cli("restore", str(saved), "--json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["changes_only_before"] == 1
    assert again.stderr.startswith("pdca: 1 change made since that backup is not in the restored")
    assert "integrity ok" in result.stdout
    # The restored file is pdca's again, writable, its ids never reused.
    add(db, "written after the restore")
    assert titles(db)[-1] == "written after the restore"


def test_a_backup_older_than_an_earlier_restore_says_what_it_drops(
    cli, db: Path, tmp_path: Path
) -> None:
    """A backup taken before the file was restored from an older one shares only the history
    before that restore: the changes made since were dropped without a word (a trial: two
    adds, then 48 of a colleague's loop). They are counted from the last change the two
    share; a backup of another file says the whole file was replaced."""
    older = make_backup(db, T0)
    add(db, "x1")
    add(db, "x2")
    newer = make_backup(db, T0 + timedelta(minutes=1))
    add(db, "y1")
    assert cli("restore", str(older)).exit_code == 0
    add(db, "v1")
    add(db, "v2")
    result = cli("restore", str(newer))
    assert result.exit_code == 0, result.stderr
    assert "pdca: 2 changes are not in the restored file, only in " in result.stderr
    assert "that backup and this file parted after the last change they share" in result.stderr
    assert cli("restore", str(older)).exit_code == 0
    add(db, "v3")
    data = json.loads(cli("restore", str(newer), "--json").stdout)
    assert (data["changes_only_before"], data["same_history"]) == (1, True)
    assert "v3" in titles(Path(data["before_restore"]))
    assert cli("restore", str(older)).exit_code == 0
    many = tmp_path / "many.csv"  # one change, 5 actions: said (a retrial's "2 changes")
    many.write_text("title\n" + "".join(f"row {n}\n" for n in range(5)))
    assert cli("import", str(many)).exit_code == 0
    said = cli("restore", str(older)).stderr
    assert "pdca: 1 change made since that backup (to 5 actions) is not in the restored" in (
        said
    ), said
    other = tmp_path / "other.db"  # another team's file, begun in the same second by alice
    theirs = Store.open(other, actor="alice", clock=lambda: NOW_DT, create=True)
    theirs.add_action(ActionDraft(title="theirs"))
    theirs.close()
    foreign = make_backup(other, T0)
    # Not at a terminal: refused, the whole file untouched (a trial: another team's backup
    # replaced all, said only after); with --yes, done and said.
    before = dump(db)
    refused = cli("restore", str(foreign))
    one_line_error(refused, f"{foreign} is not a copy of this file's history", "restore --yes")
    assert dump(db) == before
    replaced = cli("restore", str(foreign), "--yes")
    assert replaced.exit_code == 0, replaced.stderr
    assert (
        f"pdca: {foreign} is not a copy of this file's history: the whole file was replaced;"
        " what it held is only in "
    ) in replaced.stderr
    again = json.loads(cli("restore", str(newer), "--json", "-y").stdout)  # back to ours
    assert again["same_history"] is False and again["changes_only_before"] is None


def test_another_files_copy_is_asked_about_at_a_terminal(
    cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.db"
    theirs = Store.open(other, actor="alice", clock=lambda: NOW_DT, create=True)
    theirs.add_action(ActionDraft(title="theirs"))
    theirs.close()
    foreign = make_backup(other, T0)
    ours = make_backup(db, T0)  # this file's own copy: never asked about
    monkeypatch.setattr("pdca.tui.cli._at_a_terminal", lambda: True)
    before = dump(db)
    # A copy it would refuse is refused, never asked about first (a retrial: asked, then
    # refused as damaged)
    unusable = _variant(other, tmp_path, "theirs-unusable", "DROP TABLE checkins")
    refused = cli("restore", str(unusable), input="y\n")
    assert refused.exit_code == 1 and "no table checkins" in refused.stderr, refused.stderr
    assert "replace all of" not in refused.stderr and dump(db) == before
    declined = cli("restore", str(foreign), input="n\n")
    assert declined.exit_code == 1 and "replace all of" in declined.stderr, declined.stderr
    assert "nothing restored" in declined.stderr and dump(db) == before
    taken = cli("restore", str(foreign), input="y\n")
    assert taken.exit_code == 0 and "restored " in taken.stdout, taken.stderr
    assert "theirs" in cli("list").stdout
    back = cli("restore", str(ours), input="")  # ours again: theirs is another file's
    assert "replace all of" in back.stderr and "theirs" in cli("list").stdout
    mine = cli("restore", str(make_backup(db, T0 + timedelta(minutes=1))), input="")
    assert mine.exit_code == 0 and "replace all of" not in mine.stderr, mine.stderr


def test_what_a_restore_drops_is_counted_whatever_the_histories_hold(
    cli, env: dict[str, str], tmp_path: Path
) -> None:
    """A reviewer's cases: a summary edited by hand with sqlite3 split the history (7 changes
    said lost of 1); a backup taken before the first change was "another file"; a restore
    into a fresh file said what it held was kept; an undo made after the backup, which the
    restore takes back, was not counted."""
    db = Path(env["PDCA_DB"])
    assert cli("init").exit_code == 0
    empty = make_backup(db, T0)
    for n in range(10):
        add(db, f"t{n}")
    copy = make_backup(db, T0 + timedelta(minutes=1))
    add(db, "after")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE events SET summary = 'added #5 (fixed by hand)' WHERE id = 5")
    conn.close()
    data = json.loads(cli("restore", str(copy), "--json").stdout)
    assert (data["changes_only_before"], data["same_history"]) == (1, True)
    result = cli("restore", str(empty))
    assert result.exit_code == 0, result.stderr
    assert "pdca: 10 changes made since that backup are not in the restored file" in (
        result.stderr
    ), result.stderr
    fresh = tmp_path / "fresh.db"
    assert cli("--db", str(fresh), "init").exit_code == 0
    into_fresh = cli("--db", str(fresh), "restore", str(copy))
    assert into_fresh.exit_code == 0 and into_fresh.stderr == "", into_fresh.stderr
    assert cli("--db", str(fresh), "undo", "--yes").exit_code == 1  # a restore is not undone
    # two teams' files begun in one second by one person, each action with an owner new to
    # it: the first event (that person) alike, the change not (a retrial, a reviewer)
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    for path, title in ((ours, "ours"), (theirs, "theirs")):
        assert cli("--db", str(path), "init").exit_code == 0
        assert cli("--db", str(path), "add", f"team {title}", "--owner", "bob").exit_code == 0
    their_copy = make_backup(theirs, T0)
    replaced = json.loads(
        cli("--db", str(ours), "restore", str(their_copy), "--json", "--yes").stdout
    )
    assert replaced["same_history"] is False
    # a file made by importing this file's export, then restored: its import is no parting
    exported = tmp_path / "ours.json"
    assert cli("--db", str(ours), "export", "--out", str(exported)).exit_code == 0
    twin = tmp_path / "twin.db"
    assert cli("--db", str(twin), "import", str(exported)).exit_code == 0
    assert cli("--db", str(ours), "add", "only here").exit_code == 0
    back_from_twin = cli("--db", str(ours), "restore", str(twin))
    assert "pdca: 1 change made since that backup is not in the restored file" in (
        back_from_twin.stderr
    ), back_from_twin.stderr
    undone = tmp_path / "undone.db"
    assert cli("--db", str(undone), "init").exit_code == 0
    add(undone, "one")
    add(undone, "two")
    both = make_backup(undone, T0 + timedelta(minutes=2))
    assert cli("--db", str(undone), "undo", "--yes").exit_code == 0  # takes "two" back
    back = json.loads(cli("--db", str(undone), "restore", str(both), "--json").stdout)
    assert back["changes_only_before"] == 1  # the undo: the restore brings "two" back
    assert back["actions_only_before"] == 1


def test_restore_json(cli, db: Path) -> None:
    saved = make_backup(db, T0)
    data = json.loads(cli("restore", str(saved), "--json").stdout)
    assert data["database"] == str(db) and data["source"] == str(saved)
    assert data["integrity"] == "ok" and data["schema_version"] == schema.schema_version()
    assert data["before_restore"].endswith(".before-restore.db")
    assert data["upgraded_from"] is None and data["others"] == []
    assert {"seconds", "held_seconds"} <= set(data)
    assert data["changes_only_before"] == 0  # nothing written since that backup
    assert data["same_history"] is True
    # an earlier restore, and a change with its undo, are no changes lost (a retrial)
    add(db, "written, then undone")
    assert cli("undo", "--yes").exit_code == 0
    again = json.loads(cli("restore", str(saved), "--json").stdout)
    assert again["changes_only_before"] == 0


def test_restore_an_older_schema_upgrades_it(cli, db: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_old_database(old, 3)
    result = cli("restore", str(old), "--json", "--yes")  # another file's copy
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["upgraded_from"] == 3 and data["schema_version"] == schema.schema_version()
    assert titles(db) == ["old 1", "old 2"]


def _restore_refusals(tmp_path: Path, db: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """(name, FILE, what the one line says), each made in ``tmp_path``."""
    folder = tmp_path / "folder"
    folder.mkdir()
    text = tmp_path / "notes.txt"
    text.write_text("hello\n" * 50)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    damaged = tmp_path / "damaged.db"
    backups.backup(db, damaged, now=T0)
    _spoil(damaged)
    newer = tmp_path / "newer.db"
    backups.backup(db, newer, now=T0)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {schema.schema_version() + 1}")
    conn.commit()
    conn.close()
    return [
        ("missing", str(tmp_path / "nope.db"), ("FILE", "does not exist")),
        ("folder", str(folder), ("FILE", "is a folder")),
        ("text", str(text), ("FILE", "not a SQLite database", "nothing restored")),
        ("empty", str(empty), ("FILE", "empty file", "nothing restored")),
        ("foreign", str(foreign), ("FILE", "not a pdca one", "nothing restored")),
        ("damaged", str(damaged), ("FILE", "damaged", "nothing restored")),
        ("newer", str(newer), ("FILE", "schema version", "upgrade pdca", "nothing restored")),
        ("itself", str(db), ("FILE", "is the database itself")),
        ("its wal", f"{db}-wal", ("FILE",)),
        ("blank", "", ("FILE", "is not a path")),
    ]


def test_restore_refusals_leave_the_database_as_it_was(cli, db: Path, tmp_path: Path) -> None:
    cases = _restore_refusals(tmp_path, db)
    before = dump(db)
    for name, file, fragments in cases:
        result = cli("restore", file)
        one_line_error(result, *fragments)
        assert result.stdout == "", name
        assert dump(db) == before, name
        assert listing(tmp_path / "backups") == [], name  # not even a before-restore copy


def test_a_restore_refused_after_the_contents_were_kept_keeps_no_copy(cli, db: Path) -> None:
    """The copy refused half-way (a full disk, here pages of another size): the database is
    as it was, and the copy of it kept first is removed, not left to fill the disk with
    one more at each try (a tester)."""
    saved = make_backup(db, T0)
    with sqlite3.connect(saved, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA page_size = 8192")
        conn.execute("VACUUM")
    conn.close()
    before = dump(db)
    result = cli("restore", str(saved))
    one_line_error(result, "has 8192-byte pages and the database 4096-byte ones")
    assert result.stderr.rstrip().endswith("; nothing restored")
    assert dump(db) == before
    assert [b for b in backups.list_backups(db) if b.before_restore] == []


def test_restore_of_a_fifo_never_waits_on_it(env: dict[str, str], db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    before = dump(db)
    done = run_pdca("restore", str(fifo), env=env, timeout=60)  # an open() would block here
    assert done.returncode == 1
    assert done.stderr == f"pdca: FILE: '{fifo}' is not a regular file\n"
    assert dump(db) == before


def test_restore_refuses_a_foreign_live_file(cli, db: Path, tmp_path: Path) -> None:
    saved = make_backup(db, T0)
    theirs = tmp_path / "theirs.sqlite"
    conn = sqlite3.connect(theirs)
    conn.execute("CREATE TABLE precious (x)")
    conn.execute("INSERT INTO precious VALUES (42)")
    conn.commit()
    conn.close()
    before = dump(theirs)
    one_line_error(cli("--db", str(theirs), "restore", str(saved)), "not a pdca one")
    assert dump(theirs) == before


def test_restore_refuses_a_live_file_a_newer_pdca_wrote(cli, db: Path) -> None:
    """The live file is at a schema this pdca does not know: a tester's restore put an older
    copy in under the newer pdca's users (schema 999). Refused, the file as it was."""
    saved = make_backup(db, T0)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = dump(db)
    result = cli("--db", str(db), "restore", str(saved))
    one_line_error(result, "newer pdca (schema 999")
    assert "nothing restored" in result.stderr
    assert dump(db) == before
    # said first, with a board open on it: "open elsewhere (ann on vm): ask them to quit"
    # sent the team away for a restore refused anyway (a two-version trial)
    from pdca.db.schema import schema_version

    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {schema_version()}")  # as this pdca knows it, to join
    conn.close()
    board = Store.open(db, actor="ann", clock=lambda: NOW_DT)
    Presence(board, host="vm", pid=4242).join()
    try:
        board.conn.execute("PRAGMA user_version = 999")
        result = cli("--db", str(db), "restore", str(saved))
        one_line_error(result, "newer pdca (schema 999")
    finally:
        board.close()


def test_a_restore_refused_for_ones_own_board_says_so(cli, db: Path) -> None:
    """ "open elsewhere (ann on vm); ask them to quit pdca": ann's own board (a tester)."""
    import socket

    saved = make_backup(db, T0)
    board = Store.open(db, actor="alice", clock=lambda: NOW_DT)
    Presence(board, host=socket.gethostname(), pid=os.getpid()).join()
    try:
        stderr = one_line_error(cli("restore", str(saved)), "open in a board of yours")
        assert (
            f"board of yours (alice on {socket.gethostname()}); nothing restored: quit your boards,"
            in stderr
        )
        assert "--force (restore under them)" in stderr and "--wait" not in stderr, stderr
        # the wait names it so too, as the refusal after it does (a soak read both)
        waited = cli("restore", str(saved), "--wait", "--timeout", "1")
        host = socket.gethostname()
        assert waited.stderr.splitlines()[0] == (
            f"pdca: waiting up to 1 s for them to close the database: alice on {host}: yours"
        )
    finally:
        board.close()


def test_a_restore_of_no_database_under_a_board_names_the_file_first(
    cli, db: Path, tmp_path: Path
) -> None:
    """A JSON export given to restore with a board open said "open in a board of yours:
    quit your boards", and only once they were quit that it was no database (a new lead's
    trial): the copy is looked at first, the export's own command named."""
    import socket

    export = tmp_path / "exp.json"
    assert cli("--db", str(db), "export", "--out", str(export)).exit_code == 0
    board = Store.open(db, actor="alice", clock=lambda: NOW_DT)
    Presence(board, host=socket.gethostname(), pid=os.getpid()).join()
    try:
        before = dump(db)
        stderr = one_line_error(cli("--db", str(db), "restore", str(export)), "import")
        assert "board" not in stderr and "is not a SQLite database" in stderr, stderr
        assert "pdca --db NEW.db import" in stderr, stderr
        assert dump(db) == before
    finally:
        board.close()


def test_restore_refused_while_others_have_it_open_names_them(
    cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = make_backup(db, T0)
    add(db, "after the backup")
    before = dump(db)
    board = Store.open(db, actor="bob", clock=lambda: NOW_DT)
    Presence(board, host="laptop", pid=4242).join()
    try:
        before = dump(db)
        # Refused before the copy is read: seconds on a big file before it said so (a tester).
        from pdca.db import restore as restoring

        copy = restoring._copy_source
        monkeypatch.setattr(restoring, "_copy_source", lambda *a: pytest.fail("copied first"))
        stderr = one_line_error(cli("restore", str(saved)), "open elsewhere", "bob on laptop")
        monkeypatch.setattr(restoring, "_copy_source", copy)
        assert "--wait" in stderr and "--force" in stderr
        assert dump(db) == before
        assert [b for b in backups.list_backups(db) if b.before_restore] == []
        waited = cli("restore", str(saved), "--wait", "--timeout", "1")
        said, refusal = waited.stderr.splitlines()  # whom it waits for, then why it gave up
        assert said == "pdca: waiting up to 1 s for them to close the database: bob on laptop"
        assert waited.exit_code == 1 and "after waiting 1 s" in refusal
        assert dump(db) == before
        one_line_error(cli("restore", str(saved), "--wait", "--force"), "one of --wait")
        forced = cli("restore", str(saved), "--force")
        assert forced.exit_code == 0, forced.stderr
        assert "restored under: bob on laptop" in forced.stdout
        # The board that stayed open reads the restored contents, from the same file.
        assert [a.title for a in board.list_actions()] == titles(saved)
    finally:
        board.close()


def test_restore_refused_while_a_plain_connection_is_open(cli, db: Path) -> None:
    """No presence row (a command, a reader, sqlite3): the lock alone tells."""
    saved = make_backup(db, T0)
    add(db, "after the backup")
    other = sqlite3.connect(db)
    other.execute("SELECT count(*) FROM actions").fetchone()
    try:
        before = dump(db)
        one_line_error(cli("restore", str(saved)), "open elsewhere", "a pdca command")
        assert dump(db) == before
    finally:
        other.close()
    assert cli("restore", str(saved)).exit_code == 0
    assert "after the backup" not in titles(db)


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM actions").fetchone()
print("holding", flush=True)
sys.stdin.readline()
conn.close()
"""


def test_restore_wait_waits_until_the_others_have_gone(cli, db: Path) -> None:
    saved = make_backup(db, T0)
    add(db, "after the backup")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "holding\n"
        one_line_error(cli("restore", str(saved)), "open elsewhere")
        # The holder lets go once the restore is already waiting (after its first try).
        threading.Timer(1.0, lambda: (holder.stdin.write("\n"), holder.stdin.flush())).start()
        result = cli("restore", str(saved), "--wait", "--timeout", "120")
        assert result.exit_code == 0, result.stderr
        assert "after the backup" not in titles(db)
        # Said while it waits, once: a tester's --wait was silent for half a minute.
        waited = [line for line in result.stderr.splitlines() if "waiting" in line]
        assert waited == [
            "pdca: waiting up to 120 s for them to close the database: a pdca command,"
            " or another SQLite program"
        ]
    finally:
        holder.kill()
        holder.wait()


def test_restore_into_a_damaged_database(cli, db: Path) -> None:
    saved = make_backup(db, T0)
    _spoil(db)
    doctor = cli("doctor")
    assert doctor.exit_code == 1
    assert f"restore the newest good backup: pdca --db {db} restore {saved}" in doctor.stderr
    result = cli("restore", str(saved))
    assert result.exit_code == 0, result.stderr
    assert records(db) == records(saved)
    (kept,) = [b for b in backups.list_backups(db) if b.before_restore]
    assert kept.path.exists()  # the damaged contents, kept as they were
    assert cli("doctor").stdout.count("FAIL integrity") == 0


def test_restore_makes_a_missing_database(cli, db: Path, tmp_path: Path) -> None:
    saved = make_backup(db, T0, dest=tmp_path / "offsite.db")
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2770)
    lost = team / "pdca.db"
    result = cli("--db", str(lost), "restore", str(saved))
    assert result.exit_code == 0, result.stderr
    assert "made it anew" in result.stdout
    assert records(lost) == records(saved)
    assert lost.stat().st_mode & 0o777 == 0o660
    assert [name for name in listing(team) if name.startswith(".")] == []


def test_restore_refuses_to_make_a_database_beside_a_removed_ones_wal(
    cli, db: Path, tmp_path: Path
) -> None:
    saved = make_backup(db, T0, dest=tmp_path / "offsite.db")
    lost = tmp_path / "gone.db"
    Path(f"{lost}-wal").write_bytes(b"")
    one_line_error(cli("--db", str(lost), "restore", str(saved)), "gone.db-wal", "move")
    assert not lost.exists()


def test_backup_and_restore_open_the_files_through_sqlite_only(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    fill(path)
    saved = tmp_path / "saved.db"
    commands = [
        ["--db", str(path), "backup"],
        ["--db", str(path), "backup", str(saved)],
        ["--db", str(path), "backup", "--keep", "1"],
        ["--db", str(path), "restore", str(saved)],
        ["--db", str(path), "restore", f"{path}-wal"],
        ["--db", str(path), "backup", str(path)],
        ["--db", str(path), "doctor"],
    ]
    done = _python(
        f"import sys; sys.argv = ['x', {str(path)!r}, {json.dumps(commands)!r}]\n{AUDITED}",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
    assert records(path) == records(saved)


# --------------------------------------------------------------------------- doctor


def _doctor_line(result, name: str) -> str:  # type: ignore[no-untyped-def]
    (line,) = [ln for ln in result.stdout.splitlines() if ln[5:].startswith(f"{name} ")]
    return line


def test_doctor_warns_without_a_backup_and_passes_with_a_fresh_one(cli, db: Path) -> None:
    result = cli("doctor")
    assert result.exit_code == 0, result.stdout
    line = _doctor_line(result, "backup")
    assert line.startswith("warn backup") and "none yet" in line
    assert f"pdca --db {db} backup" in line
    made = cli("backup")
    assert made.exit_code == 0
    line = _doctor_line(cli("doctor"), "backup")
    assert line.startswith("ok   backup") and Path(made.stdout.split()[0]).name in line


def test_doctor_fails_on_a_stale_backup(cli, db: Path) -> None:
    stale = make_backup(db, datetime.now(UTC) - timedelta(days=2))
    result = cli("doctor")
    assert result.exit_code == 1
    line = _doctor_line(result, "backup")
    assert line.startswith("FAIL backup") and stale.name in line and "2 days old" in line
    assert f"pdca --db {db} backup" in result.stderr
    # A copy kept before a restore is not a backup job's work: it does not count.
    now = datetime.now(UTC)
    kept = backups.default_folder(db) / backups.backup_file_name(db, now, before=True)
    backups.backup(db, kept, now=now)
    assert _doctor_line(cli("doctor"), "backup").startswith("FAIL backup")


def test_doctor_names_the_restore_for_a_missing_database(cli, db: Path, tmp_path: Path) -> None:
    saved = make_backup(db, T0)
    lost = tmp_path / "lost"
    lost.mkdir()
    # The database's folder keeps its backups, the database itself is gone.
    moved = lost / "pdca.db"
    (lost / "backups").mkdir()
    backups.backup(db, lost / "backups" / saved.name, now=T0)
    result = cli("--db", str(moved), "doctor")
    assert result.exit_code == 1
    assert f"pdca --db {moved} restore {lost / 'backups' / saved.name}" in result.stderr


def test_list_backups_ignores_what_is_not_named_as_pdca_names_them(db: Path) -> None:
    folder = backups.default_folder(db)
    folder.mkdir()
    for name in ("pdca.db", "pdca.2026-11-20.db", "pdca.20261120T080000Z.db.bak", "x.db"):
        (folder / name).write_text("x")
    (folder / "pdca.20261120T080000Z.db").mkdir()  # a folder by that name
    assert backups.list_backups(db) == []


def test_keep_limits_are_checked_before_anything_is_opened(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="--keep"):
        backups.backup(tmp_path / "absent.db", now=T0, keep=0)


# --------------------------------------------------------------------------- hostile input


def test_restore_keeps_the_contract_on_hostile_input(db: Path, env, tmp_path: Path) -> None:
    """Whatever FILE and options are typed: exit 0 or 1; a refusal is one line and leaves
    the database exactly as it was; a restore leaves exactly the backup's contents."""
    from click.testing import CliRunner
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.unit.test_hostile_input import _invoke, hostile_values

    good = make_backup(db, T0, dest=tmp_path / "good.db")
    wanted = records(good)
    add(db, "after the backup")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "folder").mkdir()
    (tmp_path / "text.db").write_text("not a database\n")
    paths = [
        str(good),
        str(db),
        f"{db}-wal",
        f"{db}-shm",
        str(fifo),
        str(tmp_path / "folder"),
        str(tmp_path / "text.db"),
        "/dev/zero",
        "/",
        "",
        " ",
        str(tmp_path / "missing" / "x.db"),
    ]
    values = hostile_values(paths)
    runner = CliRunner()

    @st.composite
    def lines(draw: st.DrawFn) -> list[str]:
        line = ["restore", draw(st.one_of(st.just(str(good)), values))]  # half good
        for option in ("--wait", "--force", "--json"):
            if draw(st.booleans()):
                line.append(option)  # noqa: PERF401 - one draw per option
        if draw(st.booleans()):
            line += ["--timeout", draw(st.one_of(st.sampled_from(["1", "5"]), values))]
        return line

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(lines())
    def run(line: list[str]) -> None:
        before = dump(db)
        result = _invoke(runner, line, env)
        shown = [repr(part)[:60] for part in line]
        assert result.exit_code in (0, 1), (shown, result.exit_code, result.stderr)
        assert "Traceback" not in result.stderr and "crashed" not in result.stderr, shown
        assert "\x1b" not in result.stdout + result.stderr, shown
        if result.exit_code == 1:
            assert result.stderr.startswith("pdca: ") and result.stderr.count("\n") == 1, shown
            assert dump(db) == before, shown
        else:
            assert records(db) == wanted, shown

    run()


# --------------------------------------------------------------------------- restore: never worse


def _variant(db: Path, tmp_path: Path, name: str, *statements: str) -> Path:
    """A backup of ``db`` changed by ``statements`` (a hostile tester's copy)."""
    path = tmp_path / f"{name}.db"
    backups.backup(db, path, now=T0)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()
    return path


def _hidden(folder: Path) -> list[str]:
    """Temporary names pdca makes (``.pdca.db.<host>...``) and upgrade copies (``.vN.bak``)."""
    return [n for n in listing(folder) if n.startswith(".") or n.endswith(".bak")]


UNUSABLE_COPIES = [
    # Marked version 3, but its tables are already version 5's: the upgrade fails.
    ("stale-version", ("PRAGMA user_version = 3",), ("idx_alerts_ack_due already exists",)),
    ("no-checkins", ("DROP TABLE checkins",), ("no table checkins",)),
    (
        "extra-trigger",
        ("CREATE TRIGGER mine AFTER INSERT ON actions BEGIN SELECT 1; END",),
        ("an extra trigger mine",),
    ),
    ("changed-table", ("ALTER TABLE actions ADD COLUMN colour TEXT",), ("table actions",)),
    ("negative-version", ("PRAGMA user_version = -1",), ("schema version -1",)),
    ("version-zero", ("PRAGMA user_version = 0",), ("schema version 0",)),
]


@pytest.mark.parametrize(
    ("statements", "fragments"),
    [case[1:] for case in UNUSABLE_COPIES],
    ids=[case[0] for case in UNUSABLE_COPIES],
)
def test_a_copy_pdca_could_not_use_is_refused_before_the_database_is_touched(
    cli, db: Path, tmp_path: Path, statements: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    bad = _variant(db, tmp_path, "bad", *statements)
    add(db, "written after the backup")
    before = dump(db)
    for options in ((), ("--force",)):
        result = cli("restore", str(bad), *options)
        one_line_error(result, f"FILE: '{bad}'", "nothing restored", *fragments)
        assert result.stdout == ""
        assert dump(db) == before
        assert _hidden(tmp_path) == []  # no scratch copy, no upgrade copy left beside it
        assert [b for b in backups.list_backups(db) if b.before_restore] == []
    listed = cli("list")
    assert listed.exit_code == 0, listed.stderr
    assert "written after the backup" in listed.stdout


def test_a_copy_with_an_index_of_ones_own_is_restored_with_it(
    cli, db: Path, tmp_path: Path
) -> None:
    """Doctor leaves someone's own index be and called its backup fine, and restore refused
    that backup (a reviewer): a table, view or index of one's own beside pdca's comes back
    with the rest."""
    mine = _variant(db, tmp_path, "mine", "CREATE INDEX mine ON actions (title)")
    add(db, "written after the backup")
    result = cli("restore", str(mine), "--force")
    assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'mine'").fetchone()
    finally:
        conn.close()
    assert "written after the backup" not in cli("list").stdout


def test_an_older_copy_is_upgraded_before_it_is_put_in_place(cli, db: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_old_database(old, 3)
    result = cli("restore", str(old), "--yes")  # another file's copy
    assert result.exit_code == 0, result.stderr
    assert "upgraded from schema version 3" in result.stdout
    # The upgrade ran on the scratch copy: nothing beside the database but what SQLite keeps.
    assert _hidden(tmp_path) == []
    assert _hidden(old.parent) == []
    assert titles(db) == ["old 1", "old 2"]


def test_litestreams_own_tables_do_not_make_a_copy_unusable(cli, db: Path, tmp_path: Path) -> None:
    """Litestream adds two tables to the file it replicates; a copy it restores has them."""
    replica = _variant(
        db,
        tmp_path,
        "replica",
        "CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)",
        "CREATE TABLE _litestream_lock (id INTEGER)",
        "ANALYZE",  # and SQLite's own statistics tables
    )
    result = cli("restore", str(replica))
    assert result.exit_code == 0, result.stderr
    assert titles(db) == titles(replica)


def _truncate(path: Path) -> None:
    """Cut a file nobody has open in half (a test's own damage)."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)


def test_restore_into_a_truncated_database_keeps_what_it_can(cli, db: Path) -> None:
    saved = make_backup(db, T0)
    _truncate(db)
    result = cli("restore", str(saved))
    assert result.exit_code == 0, result.stderr
    assert records(db) == records(saved)
    (kept,) = [b for b in backups.list_backups(db) if b.before_restore]
    assert f"in {kept.path}" in result.stdout
    assert cli("list").exit_code == 0


def test_damaged_contents_sqlite_cannot_copy_need_force(
    cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.db import copies

    saved = make_backup(db, T0)
    add(db, "after the backup")
    before = dump(db)
    real_copy_into = copies.copy_into

    def copy_into(source, temporary, mode, *, damaged=False):  # type: ignore[no-untyped-def]
        if damaged:  # keeping the contents before: as SQLite says of a damaged file
            error = sqlite3.DatabaseError("database disk image is malformed")
            error.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]
            raise error
        return real_copy_into(source, temporary, mode)

    monkeypatch.setattr(copies, "copy_into", copy_into)
    stderr = one_line_error(
        cli("restore", str(saved)), "cannot be copied", "damaged", "nothing restored"
    )
    assert f"sqlite3 {db} .recover" in stderr and "--force" in stderr
    assert dump(db) == before
    result = cli("restore", str(saved), "--force")
    assert result.exit_code == 0, result.stderr
    assert "not kept" in result.stdout and "damaged" in result.stdout
    assert records(db) == records(saved)
    assert [b for b in backups.list_backups(db) if b.before_restore] == []
    data = json.loads(cli("restore", str(saved), "--force", "--json").stdout)
    assert data["before_restore"] is None and "damaged" in data["not_kept"]


def test_damage_met_while_taking_the_file_is_not_called_busy(
    cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.db import restore

    saved = make_backup(db, T0)
    real = restore._connect_writer

    class Damaged:
        def __init__(self, connection: sqlite3.Connection) -> None:
            self.connection = connection

        def execute(self, sql: str, *args):  # type: ignore[no-untyped-def]
            if sql.startswith("BEGIN EXCLUSIVE"):
                error = sqlite3.DatabaseError("database disk image is malformed")
                error.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]
                raise error
            return self.connection.execute(sql, *args)

        @property
        def in_transaction(self) -> bool:  # asked after a failed BEGIN (db/lock_wait.py)
            return self.connection.in_transaction

        def close(self) -> None:
            self.connection.close()

    monkeypatch.setattr(restore, "_connect_writer", lambda *a: Damaged(real(*a)))
    stderr = one_line_error(cli("restore", str(saved)), str(db), "damaged", "nothing restored")
    assert "open elsewhere" not in stderr
    assert "the database doctor" not in stderr


def test_backup_into_the_default_folders_path_makes_that_folder(cli, db: Path) -> None:
    folder = db.parent / "backups"
    for dest in (str(folder), f"{folder}/"):
        result = cli("backup", dest)
        assert result.exit_code == 0, result.stderr
        assert folder.is_dir()
        assert Path(result.stdout.split()[0]).parent == folder
        assert folder.stat().st_mode & 0o777 == 0o700
    plain = cli("backup")
    assert plain.exit_code == 0, plain.stderr
    assert len(backups.list_backups(db)) == 3
    assert _doctor_line(cli("doctor"), "backup").startswith("ok   backup")


def test_doctor_fails_when_the_backups_folder_is_a_file(cli, db: Path) -> None:
    (db.parent / "backups").write_text("not a folder\n")
    result = cli("doctor")
    assert result.exit_code == 1
    line = _doctor_line(result, "backup")
    assert line.startswith("FAIL backup") and "not a folder" in line, line
    one_line_error(cli("backup"), "not a folder", "move it away")


def test_integrity_problems_are_summed_up_on_one_short_line() -> None:
    """integrity_check can answer with one row of hundreds of lines: a tester's backup of a
    damaged file printed 2.7 KB of them as its one-line message."""
    from pdca.db.copies import summary

    row = "*** in database main ***\n" + "\n".join(f"Page {n} is never used" for n in range(300))
    said = summary([row, "wrong # of entries in index idx_x"])
    assert said == "Page 0 is never used; Page 1 is never used (and 299 more)"
    assert summary(["row 5 missing from index idx_a"]) == "row 5 missing from index idx_a"


def test_a_backup_the_disk_has_no_room_for_says_so_not_disk_io_error(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a full disk the copy's write came back as SQLite's "disk I/O error", and the
    backup blamed the hardware (a tester); the room left on the backups' disk says which."""
    from types import SimpleNamespace

    from pdca.db import copies
    from pdca.db.errors import PdcaError

    store.add_action(ActionDraft(title="x"))

    def write_fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorcode = 778  # SQLITE_IOERR_WRITE, as ENOSPC on a tmpfs gave it
        raise error

    monkeypatch.setattr(copies, "copy_into", write_fails)
    monkeypatch.setattr(os, "statvfs", lambda path: SimpleNamespace(f_bavail=3, f_frsize=4096))
    with pytest.raises(PdcaError) as full:
        backups.backup(db_path, now=NOW_DT)
    # not "the disk is full" where some room is left (a tester's 3.6 MB beside a 3.9 MB file)
    assert re.search(
        r": no room for the backup there \(it takes \d+\.\d MB, 0\.0 MB free\); no backup written$",
        str(full.value),
    ), full.value
    assert not (db_path.parent / "backups").exists()  # no empty folder left by it
    monkeypatch.setattr(os, "statvfs", lambda path: SimpleNamespace(f_bavail=10**9, f_frsize=4096))
    with pytest.raises(PdcaError) as other:  # room enough: some other I/O trouble, said so
        backups.backup(db_path, now=NOW_DT)
    assert "failed (disk I/O error); no backup written" in str(other.value)


def test_a_backup_sweeps_old_leftovers_beside_the_database_and_in_its_folder(db: Path) -> None:
    """doctor said "the next backup, restore or import removes them", but a backup swept
    only its own folder, a restore or import only beside the database (a tester)."""
    import time

    make_backup(db, T0)  # the folder is there
    host = schema.temporary_name(db, "bak").name.split(".")[3]
    dead = 2**22 + 12345  # above the usual pid_max: no such process
    beside = db.parent / f".{db.name}.{host}.{dead}.0a0b0c0d.new"
    within = db.parent / "backups" / f".{db.name}.{host}.{dead}.1a1b1c1d.bak"
    old = time.time() - 7200
    for left in (beside, within):
        left.write_bytes(b"x")
        os.utime(left, (old, old))
    assert len(backups.temporaries_of(db)) == 2
    make_backup(db, T0 + timedelta(hours=1))
    assert not beside.exists() and not within.exists()
    assert backups.temporaries_of(db) == []


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("export.json", "(a JSON export goes into a new file: pdca --db NEW.db import "),
        ("actions.csv", "(a CSV's actions are added by pdca import "),
    ],
)
def test_restore_of_an_export_names_the_command_that_reads_one(
    cli, db_path: Path, tmp_path: Path, name: str, hint: str
) -> None:
    """A tester gave restore the JSON export a backup had not been: "is not a SQLite
    database; nothing restored", and no word of pdca import."""
    export = tmp_path / name
    assert cli("export", "--out", str(export)).exit_code == 0
    before = db_path.read_bytes()
    result = cli("restore", str(export))
    assert result.exit_code == 1
    assert f"is not a SQLite database; nothing restored {hint}{export})" in result.stderr
    assert db_path.read_bytes() == before


def _what_root_gives(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int]]:
    """Where these tests do not run as root: run as if they did, each ``chown`` recorded (as
    (path, uid, gid)) rather than made, so what root would give, and to whom, is seen. As
    root, the list stays empty and the files' owners say it."""
    given: list[tuple[str, int, int]] = []
    if os.geteuid() != 0:
        monkeypatch.setattr(os, "geteuid", lambda: 0)
        monkeypatch.setattr(
            os, "chown", lambda path, uid, gid, **_: given.append((str(path), uid, gid))
        )
    return given


def test_what_root_makes_for_someones_file_is_theirs(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """root's backup of ann's private file made ``backups/`` root:root 0700, and ann could
    neither back up nor read her backups again (a sysadmin's trial): the folder and the
    backup are the file's owner's. Anyone else's are their own, as Unix makes them."""
    store.close()
    if os.geteuid() == 0:  # ann's file, really
        os.chown(db_path, 4242, 4243)
    owner = (db_path.stat().st_uid, db_path.stat().st_gid)
    given = _what_root_gives(monkeypatch)
    made = backups.backup(db_path, now=NOW_DT)
    if given:
        assert {(Path(p).parent, uid, gid) for p, uid, gid in given} >= {
            (made.path.parent.parent, *owner),  # the folder
            (made.path.parent, *owner),  # the backup, given before it took its name
        }
    else:
        for path in (made.path.parent, made.path):
            info = path.stat()
            assert (info.st_uid, info.st_gid) == owner, path
    assert stat.S_IMODE(made.path.parent.stat().st_mode) == 0o700
    # The copy a restore keeps there is the owner's too: root's, it locked ann out of the
    # one copy of her file as it was (a reviewer)
    from pdca.db import restore as restoring

    given.clear()
    done = restoring.restore(db_path, made.path, clock=lambda: NOW_DT, force=True)
    assert done.before_restore is not None
    if os.geteuid() != 0:
        assert (done.before_restore.parent, *owner) in {(Path(p).parent, u, g) for p, u, g in given}
    else:
        kept = done.before_restore.stat()
        assert (kept.st_uid, kept.st_gid) == owner
    # A backup into a folder root names is root's own, not given away (a reviewer)
    given.clear()
    elsewhere = db_path.parent / "roots"
    elsewhere.mkdir()
    copy = backups.backup(db_path, str(elsewhere) + "/", now=NOW_DT)
    assert not given and copy.path.stat().st_uid == os.geteuid()


def test_a_database_root_makes_in_someones_folder_is_theirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """root's import into a new file in ann's own folder made it root:root 0644, a file ann
    could only read (a retrial): a file root makes in someone's folder is theirs."""
    folder = tmp_path / "ann"
    folder.mkdir()
    if os.geteuid() == 0:  # ann's folder, really
        os.chown(folder, 4242, 4243)
    owner = (folder.stat().st_uid, folder.stat().st_gid)
    import pwd
    from types import SimpleNamespace

    real_account = pwd.getpwuid
    monkeypatch.setattr(  # ann's home holds her folder
        pwd,
        "getpwuid",
        lambda uid: SimpleNamespace(pw_dir=str(tmp_path)) if uid == owner[0] else real_account(uid),
    )
    given = _what_root_gives(monkeypatch)
    path = folder / "pdca.db"
    Store.open(path, actor="root", clock=lambda: NOW_DT, create=True).close()
    if given:
        assert [(Path(p).parent, uid, gid) for p, uid, gid in given][:1] == [(folder, *owner)]
    else:
        assert (path.stat().st_uid, path.stat().st_gid) == owner
    # A folder a group shares is the team's, whoever owns it: its file stays root's (a
    # review: carl, outside the team, owned it and was given the team's file)
    given.clear()
    folder.chmod(0o2770)
    shared = folder / "team.db"
    Store.open(shared, actor="root", clock=lambda: NOW_DT, create=True).close()
    assert not [p for p, _, _ in given if Path(p).name.startswith((".team.db", "team.db"))]
    if os.geteuid() == 0:
        assert shared.stat().st_uid == 0


def test_a_read_only_mount_is_named_where_a_copy_would_go(
    store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a read-only mount, backup DEST and export --out blamed the folder's mode ("may not
    write (mode 0755)"), sending an admin to chmod; an import into a new file named its
    scratch copy, as unlinking a name that is not there fails there too (a retrial)."""
    from pdca.db import access, copies
    from pdca.tui import out_file

    store.close()
    mount = tmp_path / "ro"
    mount.mkdir()
    for module in (access, backups):
        monkeypatch.setattr(module, "read_only_mount", lambda path: mount)
    real_access = os.access

    def on_the_mount(path: str | Path, mode: int) -> bool:  # entered and read, never written
        writes = bool(mode & os.W_OK) and mount in (Path(path), *Path(path).parents)
        return real_access(path, mode) and not writes

    monkeypatch.setattr(os, "access", on_the_mount)
    said = "is on a mount no one may write: its filesystem"
    with pytest.raises(InvalidInput, match=said):
        backups.backup(db_path, str(mount) + "/", now=NOW_DT)
    with pytest.raises(InvalidInput, match=said):
        out_file.writable_target(str(mount / "e.json"))
    on_it = mount / "pdca.db"  # its own backups folder, there: the mount named too
    db_path.rename(on_it)
    with pytest.raises(InvalidInput, match="cannot be made, on a mount no one may write"):
        backups.backup(on_it, now=NOW_DT)

    def read_only(self: Path, missing_ok: bool = False) -> None:
        raise OSError(30, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "unlink", read_only)
    copies.remove_temporary(mount / ".pdca.db.vm.1.2.new")  # nothing there: nothing said


def test_a_killed_backups_copy_is_named_and_swept_before_the_next_one_needs_its_room(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A killed backup's 919 MB copy took the room of every backup after it: "no room"
    named neither it nor what removes it, and it was swept only after a backup that fitted,
    so never (a file's long life). Swept first once an hour old, and named until then."""
    import socket
    import time

    from pdca.db.errors import DatabaseProblem

    store.close()
    folder = backups.make_default_folder(db_path)
    host = socket.gethostname().replace(".", "-") or "host"
    dead = 4_000_000  # no such process
    old = folder / f".{db_path.name}.{host}.{dead}.0badf00d.bak"
    fresh = folder / f".{db_path.name}.{host}.{dead}.0beef000.bak"
    for leftover in (old, fresh):
        leftover.write_bytes(b"x" * 2_000_000)
    an_hour_ago = time.time() - 7200
    os.utime(old, (an_hour_ago, an_hour_ago))
    monkeypatch.setattr(backups, "_room_for", lambda database, where: (10, 10**9))

    def no_room(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseProblem(f"{folder}: {backups._no_room_said(db_path, folder)}; no backup")

    monkeypatch.setattr(backups, "_copy_checked", no_room)
    with pytest.raises(DatabaseProblem) as refused:
        backups.backup(db_path, now=NOW_DT)
    assert not old.exists() and fresh.exists()  # the hour-old one went first
    said = str(refused.value)
    assert "no room for the backup there" in said
    assert f"2.0 MB of it is 1 copy killed runs left: rm {fresh}" in said, said
