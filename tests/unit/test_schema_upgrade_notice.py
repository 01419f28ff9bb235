"""An upgrade is never silent, and a file a newer pdca upgraded is not written by this one.

- A command that upgrades a file says so in one line on stderr: the versions and the copy
  kept (``FILE.vN.bak``); the app says it as a notice (tests/tui/test_upgrade_under_the_app.py).
- A store opened before a newer pdca upgraded the file under it (``PRAGMA user_version``
  past what this code knows) refuses every write with one line, and writes nothing: the
  version is read inside each write's ``BEGIN IMMEDIATE``.

Releases before this one cannot be changed: an older pdca still running on a file goes on
writing after this one upgrades it; the notice tells whoever upgraded to have them restart.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pdca.db import schema
from pdca.db.errors import DatabaseProblem
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft
from pdca.db.presence import Presence
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO, run_pdca
from tests.unit.test_file_safety import make_old_database

NEWER = schema.schema_version() + 1


def _events(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


def _upgrade_as_a_newer_pdca(path: Path) -> None:
    """What a newer pdca's open does: its migration (a table here) and the version, in one
    ``BEGIN IMMEDIATE``, through SQLite, while others have the file open."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE from_the_future (id INTEGER PRIMARY KEY)")
        conn.execute(f"PRAGMA user_version = {NEWER}")
        conn.execute("COMMIT")
    finally:
        conn.close()


@pytest.mark.usefixtures("missing_db")
def test_a_command_that_upgrades_a_file_says_so_in_one_line(env: dict[str, str]) -> None:
    path = Path(env["PDCA_DB"])
    make_old_database(path, 4)
    listed = run_pdca("list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [a["title"] for a in json.loads(listed.stdout)] == ["old 1", "old 2"]
    backup = path.with_name(f"{path.name}.v4.bak")
    assert backup.exists()
    assert listed.stderr == (
        f"pdca: upgraded {path} from schema version 4 to {schema.schema_version()} (the file "
        f"as it was: {backup}); anyone running an older pdca on it must quit it and start "
        "this one\n"
    )
    again = run_pdca("list", env=env)  # upgraded once: nothing more to say
    assert again.returncode == 0 and again.stderr == ""


@pytest.mark.usefixtures("missing_db")
def test_an_upgrade_still_going_says_so_before_it_ends(
    env: dict[str, str], cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """On the 100k file the upgrade takes 8-11 s: a command silent that long reads as hung.
    Here the last step waits until the line has been said (from the upgrade's timer)."""
    import threading

    from pdca.tui import cli as cli_module

    path = Path(env["PDCA_DB"])
    make_old_database(path, 4)
    said = threading.Event()
    say = cli_module._say_while_it_goes

    def say_and_mark(line: str) -> None:
        say(line)
        said.set()

    name, last = schema.MIGRATIONS[-1]

    def slow_last_step(conn: sqlite3.Connection) -> None:
        assert said.wait(10), "the upgrade went on without a word"
        last(conn)

    monkeypatch.setattr(cli_module, "_say_while_it_goes", say_and_mark)
    monkeypatch.setattr(schema, "ANNOUNCE_AFTER", 0.0)
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:-1], (name, slow_last_step)])
    result = cli("list")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"pdca: upgrading {path} from schema version 4 to {schema.schema_version()} (a copy "
        "first); on a large file this takes a while, and others' writes wait for it"
    )
    assert lines[1].startswith(f"pdca: upgraded {path} from schema version 4 to ")
    assert len(lines) == 2


def _last_step_meets_a_full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last migration meets a file that may not grow (as on a full disk)."""
    name, _last = schema.MIGRATIONS[-1]

    def full_last_step(conn: sqlite3.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        conn.execute("CREATE TABLE filler (x)")
        conn.execute("INSERT INTO filler VALUES (zeroblob(1000000))")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:-1], (name, full_last_step)])


@pytest.mark.usefixtures("missing_db")
def test_an_upgrade_the_full_disk_refuses_leaves_no_copy_and_says_what_it_needs(
    env: dict[str, str], cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """On a nearly full disk the upgrade's copy was made, its steps refused, and the copy
    left whole: it took the room the next try needed, and every command, a read too, said
    only "the disk is full" (a tester). Here the last step meets a full file."""
    path = Path(env["PDCA_DB"])
    make_old_database(path, 4)
    _last_step_meets_a_full_disk(monkeypatch)
    result = cli("list")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"pdca: {path}: upgrading it from schema version 4 to {schema.schema_version()} needs"
        " room for a copy of it and for the upgrade (the file is about 1 MB), and the disk is"
        " full; nothing changed"
    )
    assert list(path.parent.glob("*.bak")) == []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()


@pytest.mark.usefixtures("missing_db")
def test_init_on_a_full_disk_names_the_folder_not_an_upgrade_of_a_scratch_file(
    env: dict[str, str], cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """``pdca init`` on a full tmpfs said "upgrading .new.db.vm.23167.b9fa04b2.new from
    schema version 0": a name nobody gave, and no upgrade (a tester)."""
    path = Path(env["PDCA_DB"])
    _last_step_meets_a_full_disk(monkeypatch)
    result = cli("init")
    assert result.exit_code == 1
    assert result.stderr == (
        f"pdca: the disk is full: no room to make a new database in {path.parent}; nothing"
        " made: free some space, then run pdca again\n"
    )
    assert not path.exists() and list(path.parent.glob(".*.new*")) == []


def test_a_file_at_this_version_opens_without_a_word(store: Store, cli) -> None:
    assert store.upgrade is None
    store.add_action(ActionDraft(title="one"))
    result = cli("list")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.add_action(ActionDraft(title="after the upgrade")),
        lambda s: s.edit_action(1, ActionChanges(title="renamed"), 1),
        lambda s: s.add_checkin(1, CheckinDraft(message="going")),
        lambda s: s.move_action(1, "do"),
        lambda s: s.undo(),
        lambda s: Presence(s, host="laptop", pid=1).join(),
    ],
    ids=["add", "edit", "checkin", "move", "undo", "presence"],
)
def test_a_store_open_across_a_newer_upgrade_writes_nothing(
    store: Store, db_path: Path, write
) -> None:  # type: ignore[no-untyped-def]
    store.add_action(ActionDraft(title="before", owner="bob", due="2026-12-01"))
    _upgrade_as_a_newer_pdca(db_path)
    before = _events(db_path)
    with pytest.raises(DatabaseProblem) as refused:
        write(store)
    assert str(refused.value) == (
        f"{db_path}: the file was upgraded to schema {NEWER} by a newer pdca (this one knows "
        f"up to {schema.schema_version()}); nothing written: use the newer pdca (install it, or"
        " restart this one if it was installed since it started)"
    )
    assert not store.conn.in_transaction  # the lock is let go at once
    assert _events(db_path) == before
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM actions").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    assert [a.title for a in store.list_actions()] == ["before"]  # reads go on


WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from pdca.db.errors import PdcaError
from pdca.db.models import ActionDraft
from pdca.db.store import Store

now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
store = Store.open(Path(sys.argv[1]), actor="bob", clock=lambda: now)
store.add_action(ActionDraft(title="while at this version"))
print("open", flush=True)
sys.stdin.readline()  # a newer pdca upgrades the file meanwhile
try:
    store.add_action(ActionDraft(title="after the upgrade"))
    print("written", flush=True)
except PdcaError as error:
    print(error, flush=True)
store.close()
"""


def test_a_long_lived_process_writes_nothing_after_a_newer_pdca_upgraded_the_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "team.db"
    env = {**env, "PDCA_DB": str(path)}
    assert run_pdca("init", env=env).returncode == 0
    bob = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert bob.stdout is not None
        assert bob.stdout.readline() == "open\n"
        _upgrade_as_a_newer_pdca(path)  # another process: a newer pdca's first open
        out, err = bob.communicate("go\n", timeout=60)
    finally:
        if bob.poll() is None:
            bob.kill()
            bob.wait()
    assert bob.returncode == 0, err
    assert out == (
        f"{path}: the file was upgraded to schema {NEWER} by a newer pdca (this one knows up "
        f"to {schema.schema_version()}); nothing written: use the newer pdca (install it, or"
        " restart this one if it was installed since it started)\n"
    )
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        titles = [t for (t,) in conn.execute("SELECT title FROM actions ORDER BY id")]
    assert titles == ["while at this version"]
    # A command started now refuses the file at once, as before.
    listed = run_pdca("list", env=env)
    assert listed.returncode == 1 and "upgrade pdca to open it" in listed.stderr


def test_the_upgrade_notice_names_the_copy_an_open_made(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    make_old_database(path, 4)
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT)
    try:
        assert store.upgrade is not None
        assert (store.upgrade.from_version, store.upgrade.to_version) == (
            4,
            schema.schema_version(),
        )
        assert store.upgrade.backup == tmp_path / "pdca.db.v4.bak"
        assert store.upgrade.backup.exists()
    finally:
        store.close()
    reopened = Store.open(path, actor="alice", clock=lambda: NOW_DT)
    try:
        assert reopened.upgrade is None
    finally:
        reopened.close()


@pytest.mark.usefixtures("missing_db")
def test_an_upgrade_into_the_guards_says_what_the_file_holds_that_they_refuse(
    env: dict[str, str],
) -> None:
    """A tester: an older file holding an alert's ack_due with no time zone, upgraded, then
    crashed most commands, and nothing had said why. The upgrade that brings the guards
    (schema 21) looks once and says so in its line; doctor names them too."""
    path = Path(env["PDCA_DB"])
    make_old_database(path, 20)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE actions SET due = 'tomorrow' WHERE id = 2")
    conn.close()
    listed = run_pdca("list", "--json", env=env)
    backup = path.with_name(f"{path.name}.v20.bak")
    upgraded, left_out = listed.stderr.splitlines()
    assert upgraded == (
        f"pdca: upgraded {path} from schema version 20 to {schema.schema_version()} (the file"
        f" as it was: {backup}); anyone running an older pdca on it must quit it and start"
        " this one; it holds values pdca cannot read (actions: 1 row (first id 2: due takes a"
        " date such as 2026-12-31 (a real day, 1900 to 9998))): put them right, see pdca"
        " doctor"
    )
    assert left_out.startswith("pdca: left out action 2: due holds 'tomorrow', not a date")
    again = run_pdca("list", env=env)  # said once, at the upgrade; then left out by name
    assert again.returncode == 0
    assert again.stderr.startswith("pdca: left out action 2: due holds 'tomorrow', not a date")


def test_a_reader_who_may_not_upgrade_is_told_who_owns_the_file_and_what_to_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tester: a read-only member meeting an older file got "ask its owner to run pdca
    once", naming neither the owner nor the mode, where every other read-only line does.
    Asked of an owner who may write it, only: of a file 0440, it was said to its owner too
    (a trial of upgrade day)."""
    path = tmp_path / "old.db"
    make_old_database(path, schema.schema_version() - 1)

    def refusal() -> str:
        return _read_only_upgrade_refusal(path)

    ask_the_owner = "): ask its owner to run any pdca command on it once, which upgrades it; or "
    said = refusal()  # its owner's own
    assert said.startswith(f"{path} needs upgrading from schema version ")
    assert "may not write it (owned by " in said and ", mode 0" in said
    assert ask_the_owner not in said
    someone_else = path.stat().st_uid + 1
    monkeypatch.setattr(schema.os, "geteuid", lambda: someone_else)  # as a colleague reads it
    assert ask_the_owner in refusal()
    tmp_path.chmod(0o555)  # nor its folder, where SQLite writes beside it (a reviewer)
    try:
        assert ask_the_owner not in refusal()
    finally:
        tmp_path.chmod(0o755)
    path.chmod(0o440)  # the owner may not write it either
    assert ask_the_owner not in refusal()
    path.chmod(0o660)


def test_a_member_who_may_write_the_file_but_not_its_folder_is_told_of_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file 0660 of the person's group in a folder 2750: the refusal said they "may not
    write it (owned by ann:team, mode 0660)", which they may; only the folder bars them (a
    trial of upgrade day). As a member sees them (root may write anything)."""
    path = tmp_path / "old.db"
    make_old_database(path, schema.schema_version() - 1)
    real_access = os.access
    monkeypatch.setattr(
        schema.os,
        "access",
        lambda where, mode: Path(where) != tmp_path and real_access(where, mode),
    )
    said = _read_only_upgrade_refusal(path)
    assert "may not write in its folder (owned by " in said
    assert "may not write it (" not in said


def _read_only_upgrade_refusal(path: Path) -> str:
    """What an upgrade of ``path`` says to one who may not write it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        with pytest.raises(DatabaseProblem) as caught:
            schema.migrate(conn, path, writable=False)
    finally:
        conn.close()
    return str(caught.value)


def test_an_upgrade_that_waits_for_a_colleague_says_it_waits_then_what_it_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Waiting for someone's write, the upgrade's word was "others' writes wait for it" (a
    reviewer). Its timer tells the stage it finds; the wait over, the upgrade itself is told.
    A stop before any word says nothing more than the stop."""
    monkeypatch.setattr(schema, "ANNOUNCE_AFTER", 3600.0)  # the timer's moment, by hand here
    path = tmp_path / "team.db"
    lines: list[str] = []
    told = schema._UpgradeTold(lines.append, path, 29)
    told.stopped()
    assert lines == []  # nothing said yet: "aborted" is enough
    told.enter("wait")
    told._say_the_stage()
    told._say_the_stage()  # once
    told.enter("change")
    told.done()
    told.stopped()
    upgrading = f"upgrading {path} from schema version 29 to {schema.schema_version()}"
    assert lines == [
        f"{upgrading}: waiting for another process's write to end first",
        f"{upgrading}: the wait is over; on a large file this takes a while, and others'"
        " writes wait for it",
        f"the upgrade of {path} was stopped: it is left at schema version 29, as it was",
    ]


def test_a_wait_after_the_copy_was_told_is_told_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The line came during the copy, and the wait for a colleague's write after it went
    without a word (a reviewer)."""
    import threading

    monkeypatch.setattr(schema, "ANNOUNCE_AFTER", 0.0)
    monkeypatch.setattr(schema, "WAIT_TOLD_AFTER", 0.0)
    path = tmp_path / "team.db"
    lines: list[str] = []
    said = threading.Event()

    def tell(line: str) -> None:
        lines.append(line)
        said.set()

    told = schema._UpgradeTold(tell, path, 29)
    assert said.wait(10)  # during the copy
    said.clear()
    told.enter("wait")
    assert said.wait(10)  # the wait, once it lasts
    told.done()
    upgrading = f"upgrading {path} from schema version 29 to {schema.schema_version()}"
    assert lines == [
        f"{upgrading} (a copy first); on a large file this takes a while, and others' writes"
        " wait for it",
        f"{upgrading}: waiting for another process's write to end first",
    ]


def test_an_upgrade_that_waited_for_another_pdcas_upgrade_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Two commands at once on an old file: the one that waited said "the wait is over; on a
    large file this takes a while" and then nothing, the file upgraded by the other (a
    trial of upgrade day). It says the other did it, and nothing more."""
    import threading
    import time

    monkeypatch.setattr(schema, "ANNOUNCE_AFTER", 0.0)
    monkeypatch.setattr(schema, "WAIT_TOLD_AFTER", 0.0)
    path = tmp_path / "team.db"
    make_old_database(path, schema.schema_version() - 1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other pdca, upgrading it
    lines: list[str] = []
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 20000")
    upgrade = threading.Thread(
        target=lambda: schema.migrate(conn, path, writable=True, announce=lines.append)
    )
    upgrade.start()
    deadline = time.monotonic() + 20
    while not any("waiting for another process's write" in line for line in lines):
        assert time.monotonic() < deadline, lines
        time.sleep(0.02)
    other.execute(f"PRAGMA user_version = {schema.schema_version()}")  # its upgrade, done
    other.execute("COMMIT")
    other.close()
    upgrade.join(20)
    conn.close()
    assert lines[-1] == (
        f"{path} was upgraded to schema version {schema.schema_version()} by another pdca"
        " meanwhile: nothing more to do"
    ), lines
    assert not any("the wait is over" in line for line in lines), lines
    assert not list(tmp_path.glob("team.db.v*.bak"))  # no copy of this one's kept


def test_a_timer_that_fires_after_another_pdcas_upgrade_was_found_says_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A timer already waiting on the lock as the upgrade found another's done said "the
    wait is over; … takes a while" after "nothing more to do" (a review)."""
    monkeypatch.setattr(schema, "ANNOUNCE_AFTER", 3600.0)  # the timer's moment, by hand here
    path = tmp_path / "team.db"
    lines: list[str] = []
    told = schema._UpgradeTold(lines.append, path, 29)
    told.enter("wait")
    told._say_the_stage()
    told.upgraded_meanwhile(schema.schema_version())
    told._say_the_stage()  # the timer that was already on its way
    assert lines[-1].endswith("by another pdca meanwhile: nothing more to do"), lines
    assert len(lines) == 2
