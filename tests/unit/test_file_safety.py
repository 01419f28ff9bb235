"""The file is touched by SQLite alone, and what it is decides what pdca does with it.

- No pdca code path opens, reads, copies, renames or truncates the database or its -wal,
  -shm or -journal outside SQLite (an audit hook watches every Python-level file operation
  while the commands run); and a process that holds a connection and opens the store again
  keeps its locks, so another process's exit never deletes the WAL under it.
- An empty file is refused by every command but ``init`` (which makes it a pdca database); a
  foreign one by all; a damaged one with one line naming the damage, and nothing is written.
- An undone create never frees its id, in new files and in files upgraded from before.
- An upgrade keeps a complete copy under ``pdca.db.vN.bak``; killed half-way, it leaves no
  copy under that name.
- ``pdca init`` makes ./pdca.db here; ``--db ""`` is refused; ``pdca demo --fresh`` reseeds its file
  in place, through SQLite, so a board that has it open keeps working.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from pdca.db import schema
from pdca.db.models import ActionDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO, run_pdca
from tests.integration.support import sha256


def _env(tmp_path: Path, path: Path | None) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "PDCA_USER": "alice",
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TZ": "UTC",
        "PDCA_DB": str(path) if path else "",
    }


def _python(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TZ": "UTC"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_old_database(path: Path, version: int) -> None:
    """A pdca file as an older pdca left it: the first ``version`` migrations, and data."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    for _name, step in schema.MIGRATIONS[:version]:
        step(conn)
    conn.execute(f"PRAGMA user_version = {version}")
    at = "2026-11-20T09:00:00Z"
    for number in (1, 2, 3):
        conn.execute(
            "INSERT INTO actions (id, title, phase_since, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, 'alice', ?, ?)",
            (number, f"old {number}", at, at, at),
        )
        conn.execute(
            "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, after)"
            " VALUES (?, ?, 'alice', 'action', ?, 'create', ?, '{}')",
            (number, at, number, f"added #{number}"),
        )
    # An older pdca undid #3's creation by deleting the row: its id was free to reuse.
    conn.execute("DELETE FROM actions WHERE id = 3")
    conn.execute(
        "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, before, undo_of)"
        " VALUES (4, ?, 'alice', 'action', 3, 'delete', 'undid added #3', '{}', 3)",
        (at,),
    )
    conn.execute("COMMIT")
    conn.close()


# --------------------------------------------------------------------------- only SQLite


AUDITED = """
import json, os, sys
from pathlib import Path

db = os.path.abspath(sys.argv[1])
names = {db, db + "-wal", db + "-shm", db + "-journal"}
touched = []

def audit(event, args):
    # Linking a new, complete, closed file INTO the name creates the database: allowed.
    watched = {"os.link": 1}.get(event, 2)
    if event in ("open", "os.rename", "os.remove", "os.truncate", "shutil.copyfile",
                 "os.link", "os.replace"):
        for arg in args[:watched]:
            if isinstance(arg, (str, bytes, os.PathLike)):
                text = os.fsdecode(arg)
                if os.path.abspath(text) in names:
                    touched.append([event, text])

sys.addaudithook(audit)
from pdca.tui.cli import cli

def run(*args):
    try:
        cli.main(list(args), prog_name="pdca")
    except SystemExit:
        pass

commands = json.loads(sys.argv[2])
for command in commands:
    run(*command)
print(json.dumps(touched))
"""


def test_no_command_opens_the_database_files_outside_sqlite(tmp_path: Path) -> None:
    """Every command, on a new file, an existing one and one to upgrade, under an audit hook
    that records any Python-level open, rename, removal, copy or truncation of the files."""
    path = tmp_path / "pdca.db"
    old = tmp_path / "old.db"
    make_old_database(old, 4)
    csv = tmp_path / "actions.csv"
    csv.write_text("title,owner\nFrom a spreadsheet,dana\n", encoding="utf-8")
    commands = [
        ["--db", str(path), "init"],
        ["--db", str(path), "add", "First", "--owner", "dana", "--due", "+3d"],
        ["--db", str(path), "move", "1", "do"],
        ["--db", str(path), "checkin", "1", "going well"],
        ["--db", str(path), "edit", "1", "--title", "First, renamed"],
        ["--db", str(path), "list"],
        ["--db", str(path), "show", "1"],
        ["--db", str(path), "undo"],
        ["--db", str(path), "kpi", "add", "Lead time", "--unit", "d", "--baseline", "9",
         "--target", "5", "--alert", "12", "--direction", "down", "--owner", "dana"],
        ["--db", str(path), "kpi", "record", "Lead time", "13"],
        ["--db", str(path), "alerts"],
        ["--db", str(path), "owners"],
        ["--db", str(path), "log"],
        ["--db", str(path), "standup", "--record"],
        ["--db", str(path), "import", str(csv)],
        ["--db", str(path), "export", "--out", str(tmp_path / "export.json")],
        ["--db", str(path), "doctor"],
        ["--db", str(old), "list"],  # upgrades it, keeping a backup copy first
        ["--db", str(old), "doctor"],
    ]  # fmt: skip
    done = _python(
        f"import sys; sys.argv = ['x', {str(path)!r}, {json.dumps(commands)!r}]\n{AUDITED}",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
    done = _python(
        f"import sys; sys.argv = ['x', {str(old)!r}, '[]']\n{AUDITED}", tmp_path
    )  # the hook itself reports (an empty run)
    assert json.loads(done.stdout.splitlines()[-1]) == []
    assert path.with_name("old.db.v4.bak").exists()


HOLDER = """
import sys, time
from pathlib import Path
from pdca.db.store import Store
from pdca.db.clock import system_clock

path = Path(sys.argv[1])
first = Store.open(path, actor="alice", clock=system_clock)
first.list_actions()
# A long-lived process opens the store again (a reload, presence, escalation) ...
for _ in range(3):
    Store.open(path, actor="alice", clock=system_clock).close()
print("ready", flush=True)
sys.stdin.readline()  # ... and still has the first open while another process comes and goes
print("wal" if Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists() else "gone")
from pdca.db.models import CheckinDraft
first.add_checkin(1, CheckinDraft(message="after the others left"))
first.close()
"""


def test_opening_the_store_again_keeps_the_locks_of_the_first(tmp_path: Path) -> None:
    """While a process holds a connection, another process that opens and closes the file
    must not think it is the last user and delete the WAL under it."""
    path = tmp_path / "pdca.db"
    store = Store.open(path, actor="setup", clock=lambda: NOW_DT, create=True)
    store.add_action(ActionDraft(title="shared"))
    store.close()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TZ": "UTC"}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready", holder.stderr
        listed = run_pdca("list", env=_env(tmp_path, path))  # comes, reads, closes, goes
        assert listed.returncode == 0, listed.stderr
        out, err = holder.communicate("go\n", timeout=60)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert holder.returncode == 0, err
    assert out.strip() == "wal"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        messages = [row[0] for row in conn.execute("SELECT message FROM checkins")]
    conn.close()
    assert messages == ["after the others left"]


# --------------------------------------------------------------------------- what a file is

READERS = [["list"], ["show", "1"], ["owners"], ["log"], ["kpi", "list"], ["export"]]
WRITERS = [["add", "x"], ["checkin", "1", "x"], ["kpi", "record", "Lead", "1"], ["undo"]]


# Many commands, each in a process of its own, for the price of one import: the runner
# imports pdca's command line once, then forks a child per command that runs the console
# script's ``main`` with that command's arguments and environment, its stdout and stderr in
# files, and ends as ``python -m pdca.tui`` ends (sys.exit, interpreter shutdown). After each
# command it notes the watched file's bytes, so a test still names the command that wrote.
FORKING_RUNNER = r"""
import hashlib, json, os, sys, time
from pdca.tui.cli import main

spec = json.loads(sys.argv[1])


def fingerprint():
    try:
        with open(spec["watch"], "rb") as watched:
            return hashlib.sha256(watched.read()).hexdigest()
    except OSError as error:
        return repr(error)


def run(number, args):
    pid = os.fork()
    if pid:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    os.environ.clear()
    os.environ.update(spec["env"])
    time.tzset()
    os.chdir(spec["cwd"])
    for fd, name in ((1, "out"), (2, "err")):
        os.dup2(os.open(f"{spec['dir']}/{number}.{name}", os.O_WRONLY | os.O_CREAT, 0o600), fd)
    sys.argv = ["pdca", *args]
    main()
    sys.exit(0)


report = []
for number, args in enumerate(spec["commands"]):
    report.append([run(number, args), fingerprint()])
print(json.dumps(report))
"""


def run_pdca_each(
    commands: list[list[str]], env: dict[str, str], watch: Path
) -> list[tuple[subprocess.CompletedProcess[str], str]]:
    """Each command as its own ``pdca`` process (forked, see FORKING_RUNNER), in order; with
    the sha256 of ``watch`` after it."""
    with tempfile.TemporaryDirectory() as folder:
        spec = {
            "commands": commands,
            "env": {**os.environ, **env},
            "cwd": env.get("HOME", str(REPO)),
            "dir": folder,
            "watch": str(watch),
        }
        runner = subprocess.run(
            [sys.executable, "-c", FORKING_RUNNER, json.dumps(spec)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            cwd=folder,
            timeout=300,
        )
        assert runner.returncode == 0 and runner.stderr == "", runner.stderr[-3000:]
        results = []
        for number, (code, fingerprint) in enumerate(json.loads(runner.stdout)):
            out = Path(folder, f"{number}.out").read_text()
            err = Path(folder, f"{number}.err").read_text()
            command = ["pdca", *commands[number]]
            results.append((subprocess.CompletedProcess(command, code, out, err), fingerprint))
        return results


def _one_line_refusal(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def _empty_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("VACUUM")
    conn.close()


@pytest.mark.parametrize(
    "make", [lambda p: p.write_bytes(b""), _empty_sqlite], ids=["0-bytes", "no-tables"]
)
def test_an_empty_file_is_refused_by_every_command_but_init(tmp_path: Path, make) -> None:
    path = tmp_path / "empty.db"
    make(path)
    before = sha256(path)  # no connection is open in this process
    commands = READERS + WRITERS
    for command, (result, after) in zip(
        commands, run_pdca_each(commands, _env(tmp_path, path), path), strict=True
    ):
        # a SQLite file of no tables is no empty file (a retrial of sizes)
        empty = "an empty file," if path.stat().st_size == 0 else "an empty SQLite database,"
        _one_line_refusal(result, str(path), empty, "pdca --db")
        assert after == before, f"{command} wrote into the empty file"
    assert sorted(os.listdir(tmp_path)) == ["empty.db", "home"]

    made = run_pdca("--db", str(path), "init", env=_env(tmp_path, None))
    assert made.returncode == 0, made.stderr
    assert made.stdout == f"made a database of {path}\n"  # not "uses existing" (a tester)
    added = run_pdca("add", "now it is one", env=_env(tmp_path, path))
    assert added.returncode == 0, added.stderr


def test_a_foreign_sqlite_file_is_refused_even_by_init(tmp_path: Path) -> None:
    path = tmp_path / "theirs.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    _refused_by_every_command(tmp_path, path, "not a pdca one")


def _refused_by_every_command(tmp_path: Path, path: Path, *said: str) -> None:
    """``init`` and every reader and writer refuse ``path`` in one line holding ``said``,
    and write nothing into it."""
    before = sha256(path)
    commands = [["init"], *READERS, *WRITERS]
    for command, (result, after) in zip(
        commands, run_pdca_each(commands, _env(tmp_path, path), path), strict=True
    ):
        _one_line_refusal(result, str(path), *said)
        assert after == before, f"{command} wrote into {path.name}"


@pytest.mark.parametrize("content", [b"x", b"\n"], ids=["a-byte", "a-newline"])
def test_a_file_of_a_byte_is_no_empty_database_even_to_init(tmp_path: Path, content) -> None:
    """SQLite reads a file of a byte as an empty database: ``echo > team.db`` was "an empty
    file", and init wrote a database over the byte (a hostile trial). It is no database,
    left as it is."""
    path = tmp_path / "one.db"
    path.write_bytes(content)
    _refused_by_every_command(tmp_path, path, "not a SQLite database (left untouched)")
    assert sorted(os.listdir(tmp_path)) == ["home", "one.db"]
    # doctor and restore say so too: doctor sent its reader to init, restore called it empty
    doctor = run_pdca("doctor", env=_env(tmp_path, path))
    assert f"FAIL schema       {path}: not a SQLite database (left untouched)" in doctor.stdout
    other = tmp_path / "other.db"
    restored = run_pdca("--db", str(other), "restore", "--yes", str(path), env=_env(tmp_path, None))
    assert restored.returncode == 1 and "is not a SQLite database; nothing restored" in (
        restored.stderr
    ), restored.stderr
    # and a restore onto it: it wrote a database over the byte, "kept" as an empty one
    made = run_pdca("--db", str(other), "init", env=_env(tmp_path, None))
    assert made.returncode == 0, made.stderr
    onto = run_pdca("--db", str(path), "restore", "--yes", str(other), env=_env(tmp_path, None))
    assert onto.returncode == 1 and "not a SQLite database" in onto.stderr, onto.stderr
    assert "nothing restored" in onto.stderr
    assert path.read_bytes() == content


def _damaged(tmp_path: Path) -> Path:
    """A pdca file with a valid header whose actions table pages are garbage."""
    path = tmp_path / "damaged.db"
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    store.add_actions([ActionDraft(title=f"action {n}", notes="x" * 400) for n in range(300)])
    (root,) = store.conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'actions'"
    ).fetchone()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = store.conn.execute("PRAGMA page_size").fetchone()[0]
    store.close()  # every connection closed before the bytes are spoiled
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
    return path


def test_a_damaged_file_is_refused_in_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    path = _damaged(tmp_path)
    before = sha256(path)
    commands = [["list"], ["show", "1"], ["add", "x"], ["checkin", "1", "x"]]
    for command, (result, after) in zip(
        commands, run_pdca_each(commands, _env(tmp_path, path), path), strict=True
    ):
        _one_line_refusal(result, str(path), "damaged", "doctor")
        assert after == before, f"{command} wrote into the damaged file"
    doctor = run_pdca("doctor", env=_env(tmp_path, path))
    assert doctor.returncode != 0
    assert "integrity" in doctor.stdout + doctor.stderr
    assert "Traceback" not in doctor.stderr


# --------------------------------------------------------------------------- ids


def test_an_undone_create_never_frees_its_id(store: Store) -> None:
    first = store.add_action(ActionDraft(title="kept"))
    undone = store.add_action(ActionDraft(title="added then undone"))
    store.undo()
    later = store.add_action(ActionDraft(title="someone else's"))
    assert later.id not in (first.id, undone.id)
    history = store.action_detail(later.id).history
    assert [event.summary for event in history] == [f"added #{later.id}"]


def test_an_upgraded_file_does_not_reuse_an_id_freed_before(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_old_database(path, 4)
    store = Store.open(path, actor="bob", clock=lambda: NOW_DT)
    try:
        added = store.add_action(ActionDraft(title="after the upgrade"))
        assert added.id == 4  # #3 was created and undone by the older pdca
        assert [a.title for a in store.list_actions()] == ["old 1", "old 2", "after the upgrade"]
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()


def test_the_copy_kept_before_an_upgrade_is_not_upgraded_when_opened(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """A tester opened ``pdca.db.v9.bak`` to look at it, and this pdca upgraded the copy
    itself (and kept a copy of the copy). Refused in one line naming the restore that puts
    it back; the copy keeps its schema and every byte."""
    folder = tmp_path / "team"
    folder.mkdir()
    path = folder / "pdca.db"
    make_old_database(path, 9)
    Store.open(path, actor="bob", clock=lambda: NOW_DT).close()
    kept = folder / "pdca.db.v9.bak"
    assert kept.exists()
    before = kept.read_bytes()
    result = run_pdca("--db", str(kept), "list", env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "copy kept before an upgrade" in result.stderr
    assert f"restore {kept}" in result.stderr
    assert kept.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["pdca.db", "pdca.db.v9.bak"]


def test_the_upgraded_schema_equals_a_new_files(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    make_old_database(old, 4)
    Store.open(old, actor="a", clock=lambda: NOW_DT).close()
    Store.open(new, actor="a", clock=lambda: NOW_DT, create=True).close()

    def shape(path: Path) -> list[tuple[str, str]]:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                " ORDER BY type, name"
            ).fetchall()
        conn.close()
        return rows

    assert shape(old) == shape(new)


# --------------------------------------------------------------------------- backups

KILLED_MID_BACKUP = """
import os, sys
from pathlib import Path
from pdca.db import connection

path = Path(sys.argv[1])
original = connection.connect_file

def connect_then_die_in_vacuum(path, writable, *rest, **named):
    conn, snapshot = original(path, writable, *rest, **named)
    steps = [0]

    def progress():
        # Once the copy has begun to be written, die at once (as SIGKILL would: no cleanup).
        if any(name.startswith(".pdca.db.") for name in os.listdir(path.parent)):
            os._exit(9)
        return 0

    conn.set_progress_handler(progress, 20)
    return conn, snapshot

connection.connect_file = connect_then_die_in_vacuum
connection.open_database(path, create=False)
"""


def test_an_upgrade_killed_mid_backup_leaves_no_copy_under_the_backup_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pdca.db"
    make_old_database(path, 4)
    killed = _python(f"import sys; sys.argv = ['x', {str(path)!r}]\n{KILLED_MID_BACKUP}", tmp_path)
    assert killed.returncode == 9, killed.stderr
    assert not any(
        name.endswith(".bak") and not name.startswith(".") for name in os.listdir(tmp_path)
    )
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4  # untouched
    conn.close()

    for leftover in tmp_path.glob(".pdca.db.*"):  # as if it was left an hour and more ago
        os.utime(leftover, (time.time() - 7200, time.time() - 7200))
    listed = run_pdca("list", env=_env(tmp_path, path))  # upgrades, with a complete copy
    assert listed.returncode == 0, listed.stderr
    backup = tmp_path / "pdca.db.v4.bak"
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        titles = [row[0] for row in conn.execute("SELECT title FROM actions ORDER BY id")]
    conn.close()
    assert titles == ["old 1", "old 2"]
    assert not any(name.startswith(".pdca.db.") for name in os.listdir(tmp_path))  # swept


# --------------------------------------------------------------------------- team setup


def test_init_makes_pdca_db_in_the_current_directory(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    env = _env(tmp_path, None)
    env["HOME"] = str(team)  # run_pdca runs in $HOME
    made = run_pdca("init", env=env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == f"created {team / 'pdca.db'}"
    assert (team / "pdca.db").is_file()
    again = run_pdca("init", env=env)
    assert again.stdout.strip() == f"uses existing {team / 'pdca.db'}"
    where = run_pdca("where", env=env)
    assert where.stdout.splitlines()[0] == str(team / "pdca.db")
    assert not (tmp_path / "home" / ".local" / "share" / "pdca").exists()


def test_where_names_the_pdca_db_here_that_pdca_db_passed_over(tmp_path: Path) -> None:
    """In team B's folder with $PDCA_DB naming team A's file, a write went to team A's, and
    pdca where said only "from $PDCA_DB" (a trial): it names the file here it passed over."""
    team_b = tmp_path / "teamb"
    team_b.mkdir()
    env = _env(tmp_path, None)
    env["HOME"] = str(team_b)  # run_pdca runs in $HOME
    assert run_pdca("init", env=env).returncode == 0
    env["PDCA_DB"] = str(tmp_path / "teama.db")
    where = run_pdca("where", env=env)
    assert where.stdout.splitlines() == [str(tmp_path / "teama.db"), "rule: from $PDCA_DB"]
    assert where.stderr.endswith(
        f"note: not {team_b / 'pdca.db'}, the nearest pdca.db here: $PDCA_DB names another\n"
    )
    link = tmp_path / "link.db"  # the same file by a link's name: no other (a retrial)
    link.symlink_to(team_b / "pdca.db")
    env["PDCA_DB"] = str(link)
    assert "nearest pdca.db here" not in run_pdca("where", env=env).stderr
    hard = tmp_path / "hard.db"  # a hard link's name: no other either (a reviewer)
    os.link(team_b / "pdca.db", hard)
    env["PDCA_DB"] = str(hard)
    assert "nearest pdca.db here" not in run_pdca("where", env=env).stderr
    del env["PDCA_DB"]
    assert "nearest pdca.db here" not in run_pdca("where", env=env).stderr  # it is the one


@pytest.mark.parametrize("command", [["init"], ["list"], ["add", "x"]])
def test_an_empty_db_option_is_refused(tmp_path: Path, command: list[str]) -> None:
    result = run_pdca("--db", "", *command, env=_env(tmp_path, None))
    _one_line_refusal(result, "--db", "not a path")


def test_demo_reseeds_its_file_in_place_while_it_is_open(tmp_path: Path) -> None:
    env = _env(tmp_path, None)
    first = run_pdca("demo", env=env)
    assert first.returncode == 0, first.stderr
    path = Path(env["XDG_DATA_HOME"]) / "pdca" / "demo-small.db"
    inode = os.stat(path).st_ino
    board = Store.open(path, actor="alice", clock=lambda: NOW_DT)  # a board has it open
    try:
        board.add_action(ActionDraft(title="typed on the board"))
        second = run_pdca("demo", "--fresh", env=env)
        assert second.returncode == 0, second.stderr
        assert os.stat(path).st_ino == inode  # the same file, reseeded through SQLite
        titles = [a.title for a in board.list_actions()]
        assert "typed on the board" not in titles and titles
        assert board.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        board.close()


def test_a_demo_an_older_pdca_seeded_has_its_terminal_channel_turned_off(tmp_path: Path) -> None:
    """Seeded before seeds turned it off, a demo kept the terminal channel on after its
    upgrade, and its boards wrote the made-up people's alerts to real logins (a trial):
    reopened, it is turned off (pdca's change, not the person's to undo)."""
    env = _env(tmp_path, None)
    assert run_pdca("demo", env=env).returncode == 0
    path = Path(env["XDG_DATA_HOME"]) / "pdca" / "demo-small.db"
    conn = sqlite3.connect(path)
    try:
        with conn:  # as an older pdca left it: no setting, so on by default
            conn.execute("DELETE FROM notify_settings")
    finally:
        conn.close()
    assert run_pdca("demo", env=env).returncode == 0
    conn = sqlite3.connect(path)
    try:
        setting = conn.execute("SELECT value FROM notify_settings WHERE key = 'terminal'")
        assert setting.fetchone() == ("off",)
        last = conn.execute("SELECT actor FROM events ORDER BY id DESC LIMIT 1").fetchone()
        assert last == ("pdca",)
    finally:
        conn.close()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal", " (a link)", " (to -journal)"])
def test_import_and_export_refuse_the_database_itself(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / "pdca.db"
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    store.add_action(ActionDraft(title="precious"))
    store.close()
    target = Path(f"{path}{suffix}")
    if suffix == " (a link)":
        target = tmp_path / "innocent.csv"
        target.symlink_to(path)
    elif suffix == " (to -journal)":  # a link to a journal that does not exist (WAL mode)
        target = tmp_path / "innocent.csv"
        target.symlink_to(f"{path}-journal")
    env = _env(tmp_path, path)
    exported = run_pdca("export", "--out", str(target), env=env)
    _one_line_refusal(exported, "--out", "is the database itself")
    if target.exists():
        imported = run_pdca("import", str(target), env=env)
        _one_line_refusal(imported, "file", "is the database itself")
    listed = run_pdca("list", env=env)
    assert "precious" in listed.stdout


def test_only_old_leftovers_of_gone_processes_on_this_host_are_swept(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    host = schema.temporary_name(path, "bak").name.split(".")[3]
    dead = 2**22 + 12345  # above the usual pid_max: no such process
    names = {
        f".pdca.db.{host}.{dead}.0a0b0c0d.bak": "swept",
        f".pdca.db.{host}.{dead}.0a0b0c0d.bak-journal": "swept",
        f".pdca.db.{host}.{dead}.1a1b1c1d.new": "fresh",  # kept: not an hour old
        f".pdca.db.{host}.{os.getpid()}.2a2b2c2d.bak": "alive",  # kept: its process runs
        f".pdca.db.elsewhere.{dead}.3a3b3c3d.bak": "other host",  # kept: not ours to judge
        "pdca.db": "database",
        "pdca.db-wal": "database",
        "pdca.db.v4.bak": "backup",
    }
    old = time.time() - 7200
    for name, kind in names.items():
        (tmp_path / name).write_bytes(b"")
        if kind != "fresh":
            os.utime(tmp_path / name, (old, old))
    schema.sweep_leftovers(path)
    left = {name for name in names if (tmp_path / name).exists()}
    assert left == {name for name, kind in names.items() if kind != "swept"}


def test_a_database_with_two_names_is_refused(tmp_path: Path) -> None:
    """SQLite keeps a -wal per name: writes through one hard link are lost to the other."""
    path = tmp_path / "pdca.db"
    Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True).close()
    os.link(path, tmp_path / "other-name.db")
    from pdca.db.doctor import diagnose
    from pdca.db.filesystem import mount_of

    # the whole filesystem is searched, as root: "find <the folder>" missed a link in a
    # colleague's own folder (a hostile member's trial)
    mount = mount_of(path)
    where = mount.mount_point if mount is not None else "/"
    for target in (path, tmp_path / "other-name.db"):
        result = run_pdca("--db", str(target), "add", "x", env=_env(tmp_path, None))
        _one_line_refusal(result, str(target), "2 names", f"find {where} -xdev -samefile")
        assert "run it as root" in result.stderr
    [said] = [c.detail for c in diagnose(path) if c.name == "file"]
    assert f"find {where} -xdev -samefile {path} finds them; run it as root" in said
    os.unlink(tmp_path / "other-name.db")
    assert run_pdca("--db", str(path), "add", "x", env=_env(tmp_path, None)).returncode == 0


@pytest.mark.usefixtures("missing_db")
@pytest.mark.parametrize("left", ["-wal", "-shm", "-journal"])
def test_no_new_database_where_a_removed_ones_journal_lies(tmp_path: Path, left: str) -> None:
    """rm pdca.db while a board had it open leaves its -wal: SQLite would replay it into a
    new pdca.db. Nothing is created until it is moved away."""
    path = tmp_path / "pdca.db"
    Path(f"{path}{left}").write_bytes(b"left by a removed database")
    for command in (["init"], ["add", "x"]):
        result = run_pdca("--db", str(path), *command, env=_env(tmp_path, None))
        done = "nothing created" if command == ["init"] else "nothing done"  # add makes none
        _one_line_refusal(result, str(path), f"pdca.db{left}", done)
        assert not path.exists()
        # Not "restore the database": a restore refuses them too (a tester went in a circle)
        assert f"move pdca.db{left} out of {tmp_path}, then restore a backup" in result.stderr
    # A read says the same, not "create one with pdca init", which refuses them.
    listed = run_pdca("--db", str(path), "list", env=_env(tmp_path, None))
    _one_line_refusal(
        listed, f"no database at {path}, but pdca.db{left} of a removed or renamed database"
    )
    os.rename(f"{path}{left}", tmp_path / "moved-away")
    assert run_pdca("--db", str(path), "init", env=_env(tmp_path, None)).returncode == 0


def test_restore_beside_a_removed_files_wal_says_which_file_to_name(tmp_path: Path) -> None:
    """In the team's folder, its file removed under a -wal: restore refused, saying to move
    the -wal and "restore again". With it moved, the folder no longer said which file was
    meant, and the same command restored into the person's own file (a tester). The advice
    names it, and following it restores the team's."""
    env = _env(tmp_path, None)
    saved = tmp_path / "saved.db"
    assert run_pdca("--db", str(saved), "init", env=env).returncode == 0
    assert run_pdca("--db", str(saved), "add", "kept", env=env).returncode == 0
    team = tmp_path / "home" / "pdca.db"  # the folder the command runs in
    Path(f"{team}-wal").write_bytes(b"left by a removed database")
    refused = run_pdca("restore", str(saved), env=env)
    _one_line_refusal(refused, str(team), "nothing restored")
    assert f"then restore again with --db {team};" in refused.stderr
    os.rename(f"{team}-wal", tmp_path / "moved-away")
    assert run_pdca("restore", "--db", str(team), str(saved), env=env).returncode == 0
    listed = run_pdca("--db", str(team), "list", "--json", env=env)
    assert [a["title"] for a in json.loads(listed.stdout)] == ["kept"]


def _with_no_room(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``pdca`` with files limited to 1 KiB (the shell's ``ulimit -f``, set in the child
    alone): SQLite cannot grow a -shm, as on a full disk."""
    import sys

    return subprocess.run(
        ["sh", "-c", 'ulimit -f 1 && exec "$0" -m pdca.tui "$@"', sys.executable, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=env["HOME"],
        timeout=60,
    )


def test_a_full_disk_still_lets_the_file_be_read_and_backed_up_elsewhere(tmp_path: Path) -> None:
    """No room for the -shm a read makes: every command had refused, list, export and a
    backup to another disk too (a tester, as the admin of a full disk). With no changes
    waiting in a -wal the file is read as it stands; a write says why it cannot be."""
    path = tmp_path / "pdca.db"
    env = _env(tmp_path, path)
    assert run_pdca("init", env=env).returncode == 0
    assert run_pdca("add", "kept", env=env).returncode == 0
    listed = _with_no_room("list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [a["title"] for a in json.loads(listed.stdout)] == ["kept"]
    exported = _with_no_room("export", env=env)
    assert exported.returncode == 0 and '"kept"' in exported.stdout
    added = _with_no_room("add", "lost?", env=env)
    _one_line_refusal(added, "no room on its disk", "nothing written")
    after = run_pdca("list", "--json", env=env)
    assert [a["title"] for a in json.loads(after.stdout)] == ["kept"]
    doctor = _with_no_room("doctor", env=env)
    assert "FAIL open" not in doctor.stdout and "ok   integrity" in doctor.stdout


def test_a_full_disk_still_lets_a_backup_kept_in_delete_mode_be_read(tmp_path: Path) -> None:
    """pdca's backups are kept in delete mode; opening one switched it to WAL first, which on
    a full disk had no room: list, export and a backup elsewhere refused it, so an admin could
    not read the backups lying beside the database (a retrial). It is read as it stands."""
    path = tmp_path / "pdca.db"
    env = _env(tmp_path, path)
    assert run_pdca("init", env=env).returncode == 0
    assert run_pdca("add", "kept", env=env).returncode == 0
    copy = tmp_path / "copy.db"
    assert run_pdca("backup", str(copy), env=env).returncode == 0
    mode = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    assert mode.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    mode.close()
    listed = _with_no_room("--db", str(copy), "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [a["title"] for a in json.loads(listed.stdout)] == ["kept"]
    added = _with_no_room("--db", str(copy), "add", "lost?", env=env)
    _one_line_refusal(added, "no room on its disk", "nothing written")
    assert not Path(f"{copy}-wal").exists()


def test_a_dangling_link_as_the_database_says_so(tmp_path: Path) -> None:
    link = tmp_path / "pdca.db"
    link.symlink_to(tmp_path / "gone" / "team.db")
    result = run_pdca("--db", str(link), "add", "x", env=_env(tmp_path, None))
    _one_line_refusal(result, str(link), "a link to", "does not exist")


def test_a_big_write_does_not_leave_the_wal_at_its_size(store: Store, db_path: Path) -> None:
    """A tester: after a restore with a board open, the -wal stayed as big as the database
    (113 MB) for good. Once checkpointed, the next writer shrinks it to 8 MiB."""
    other = Store.open(db_path, actor="bob", clock=lambda: NOW_DT)  # a board, reading
    other.conn.execute("SELECT count(*) FROM actions").fetchone()
    wal = Path(f"{db_path}-wal")
    store.conn.execute("CREATE TABLE filler (x BLOB)")  # 12 MiB through the -wal
    store.conn.execute("BEGIN IMMEDIATE")  # one transaction: as a restore or an import
    store.conn.executemany("INSERT INTO filler VALUES (randomblob(1 << 20))", [()] * 12)
    store.conn.execute("COMMIT")
    assert wal.stat().st_size > 12 << 20
    for n in range(2):  # the first checkpoints, the next starts the -wal over, shrunk
        store.add_action(ActionDraft(title=f"after {n}"))
        store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    other.close()
    assert wal.stat().st_size <= 8 << 20


def test_a_file_with_the_first_stays_triggers_of_schema_14_gets_pdcas_own(tmp_path: Path) -> None:
    """A build of schema 14 from before its stays triggers were amended (they search the log
    by id and transaction now) left the first ones in the file; every later upgrade kept them,
    doctor said they were not pdca's and restore refused every backup of the file (a tester).
    Upgrading to 25 makes them as a new file has them."""
    from pdca.db import copies

    path = tmp_path / "team.db"
    make_old_database(path, 24)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE name LIKE 'events_stays_on_%'"
        ).fetchall():
            first = sql.replace("+e.entity", "e.entity").replace("+e.op", "e.op")
            if name == "events_stays_on_update":  # it had no WHEN: it fired on every edit
                first = re.sub(r" WHEN .*? BEGIN ", " BEGIN ", first, count=1)
            assert first != sql
            conn.execute(f"DROP TRIGGER {name}")
            conn.execute(first)
        found = copies.shape(conn)  # what later schemas add left aside: what it holds
        held = {key: sql for key, sql in copies.fresh_shape().items() if key in found}
        assert copies.shape_difference(found, held) == (
            "view open_actions is not pdca's; view owner_load is not pdca's; trigger"
            " events_stays_on_delete is not pdca's (and 2 more)"
        )  # the views: 26 reads overdue on the local day
    finally:
        conn.close()
    Store.open(path, actor="a", clock=lambda: NOW_DT).close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert copies.shape_difference(copies.shape(conn), copies.fresh_shape()) is None
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
    finally:
        conn.close()


READ_THE_VIEWS_IN_A_ZONE = """
import datetime, json, sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
today = datetime.datetime.now().date().isoformat()  # this process's local day
rows = conn.execute("SELECT due, overdue FROM open_actions ORDER BY id").fetchall()
load = conn.execute("SELECT overdue FROM owner_load").fetchone()[0]
print(json.dumps({"today": today, "rows": rows, "load": load}))
"""


def test_the_views_overdue_flag_is_on_the_readers_local_day(tmp_path: Path) -> None:
    """``open_actions`` and ``owner_load`` said overdue on the UTC day: west of UTC, work due
    today was overdue every evening in sqlite3, while pdca counts local days (a tester). In
    +14 and -11 hours one of the two has another date than UTC at any moment."""
    from datetime import UTC, datetime, timedelta

    path = tmp_path / "team.db"
    utc_today = datetime.now(UTC).date()
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    try:
        for due in (utc_today - timedelta(days=1), utc_today, utc_today + timedelta(days=1)):
            store.add_action(ActionDraft(title="t", owner="ann", due=due.isoformat()))
    finally:
        store.close()
    days_apart = set()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        done = subprocess.run(
            [sys.executable, "-c", READ_THE_VIEWS_IN_A_ZONE, str(path)],
            env={**os.environ, "TZ": zone},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        seen = json.loads(done.stdout)
        expected = [[due, int(due < seen["today"])] for due, _ in seen["rows"]]
        assert seen["rows"] == expected, zone
        assert seen["load"] == sum(flag for _, flag in expected), zone
        days_apart.add(seen["today"] != datetime.now(UTC).date().isoformat())
    assert True in days_apart  # so the UTC day would have said otherwise somewhere


@pytest.mark.parametrize("views", ["utc", "local"])
def test_a_file_of_schema_25_gets_the_views_on_the_local_day_whichever_build_made_it(
    tmp_path: Path, views: str
) -> None:
    """A build had the views' change in 0025 for half an hour, and a team's file was upgraded
    to 25 by the build before it (a tester): 0026 mends the one, and leaves the other."""
    from pdca.db import copies

    path = tmp_path / "team.db"
    make_old_database(path, 25)
    if views == "local":
        conn = sqlite3.connect(path, isolation_level=None)
        schema.MIGRATIONS[25][1](conn)  # as the half-hour's build left it
        conn.close()
    Store.open(path, actor="a", clock=lambda: NOW_DT).close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert copies.shape_difference(copies.shape(conn), copies.fresh_shape()) is None
        sql = conn.execute("SELECT group_concat(sql) FROM sqlite_master WHERE type = 'view'")
        assert "date('now')" not in sql.fetchone()[0]
    finally:
        conn.close()


def test_a_file_whose_stays_table_had_other_columns_keeps_taking_writes(tmp_path: Path) -> None:
    """The first minutes of schema 14 named the stays table's key ``event_id``: 0025 put
    today's triggers on it, and every write was refused, "no column named id" (a reviewer).
    Such a file keeps its own triggers, and its writes."""
    path = tmp_path / "team.db"
    make_old_database(path, 24)
    conn = sqlite3.connect(path, isolation_level=None)
    try:  # the triggers follow the renamed column, as that build's did
        conn.execute("ALTER TABLE action_stays RENAME COLUMN id TO event_id")
    finally:
        conn.close()
    store = Store.open(path, actor="a", clock=lambda: NOW_DT)
    try:
        action = store.add_action(ActionDraft(title="still saved", owner="ann", due="2026-12-01"))
        store.move_action(action.id, "do")
        assert store.get_action(action.id).phase == "do"
    finally:
        store.close()


WRITTEN_DURING_THE_UPGRADES_COPY = """
import subprocess, sys
from pathlib import Path
from pdca.db import connection, schema

path = Path(sys.argv[1])
COLLEAGUE = '''
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("UPDATE actions SET title = 'written by a colleague' WHERE id = 1")
conn.close()
'''
taking_the_lock = schema.begin_in_goes

def a_colleague_writes_first(conn, *rest):
    # Between the copy and the write lock: an older pdca's write lands, in its own process.
    subprocess.run([sys.executable, "-c", COLLEAGUE, str(path)], check=True)
    taking_the_lock(conn, *rest)

schema.begin_in_goes = a_colleague_writes_first
connection.open_database(path, create=False).connection.close()
"""


def test_the_copy_kept_before_an_upgrade_holds_what_others_wrote_as_it_was_made(
    tmp_path: Path,
) -> None:
    """A colleague's writes between the copy and the upgrade's write lock were in the
    upgraded file and not in ``pdca.db.v4.bak``, "the file as it was" (a trial: 3 check-ins
    of a loop); rolled back with it, they were lost."""
    path = tmp_path / "pdca.db"
    make_old_database(path, 4)
    ran = _python(
        f"import sys; sys.argv = ['x', {str(path)!r}]\n{WRITTEN_DURING_THE_UPGRADES_COPY}",
        tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    kept = tmp_path / "pdca.db.v4.bak"
    with sqlite3.connect(f"file:{kept}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        title = conn.execute("SELECT title FROM actions WHERE id = 1").fetchone()[0]
    conn.close()
    assert title == "written by a colleague"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
        assert conn.execute("SELECT title FROM actions WHERE id = 1").fetchone()[0] == title
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".pdca")) == []


def test_a_write_refused_after_its_folder_was_renamed_says_renamed_and_where(
    tmp_path: Path,
) -> None:
    """A save that waited for the lock while the folder was renamed said "removed or
    replaced", under the board's own "renamed to …" (a trial)."""
    from pdca.db.errors import DatabaseBroken, PdcaError
    from pdca.db.models import ActionDraft
    from pdca.db.store import Store
    from tests.conftest import NOW_DT

    (tmp_path / "team").mkdir()
    path = tmp_path / "team" / "pdca.db"
    store = Store.open(path, actor="ann", clock=lambda: NOW_DT, create=True)
    store.add_action(ActionDraft(title="before"))
    os.rename(tmp_path / "team", tmp_path / "moved")
    moved = tmp_path / "moved" / "pdca.db"
    said = f"was renamed to {re.escape(str(moved))} while open[:;] nothing written"
    # a write asked now: not "ann may not read it (No such file or directory)"
    with pytest.raises(PdcaError, match=said):
        store.add_action(ActionDraft(title="after the rename"))
    # one that had waited for the lock, and looks again inside it
    with pytest.raises(DatabaseBroken, match=said):
        store._refuse_if_not_the_file_opened()
    assert store.get_action(1).title == "before"
    store.close()


def test_no_write_goes_into_a_file_replaced_or_removed_while_open(tmp_path: Path) -> None:
    """A write that waited for the lock (a board's check-in, its presence row's goodbye) went
    into the old file's -wal after ``mv other.db team.db``, and that -wal then damaged the
    file moved in (a trial). Checked inside the lock: nothing is written."""
    from pdca.db.errors import DatabaseBroken, PdcaError
    from pdca.db.models import ActionDraft
    from pdca.db.store import Store
    from tests.conftest import NOW_DT

    path, other = tmp_path / "team.db", tmp_path / "other.db"
    store = Store.open(path, actor="ann", clock=lambda: NOW_DT, create=True)
    Store.open(other, actor="ann", clock=lambda: NOW_DT, create=True).close()
    store.add_action(ActionDraft(title="before"))
    wal = os.stat(f"{path}-wal").st_size
    os.replace(other, path)
    with pytest.raises(DatabaseBroken, match="was replaced by another file while open; nothing"):
        store.add_action(ActionDraft(title="after the move"))
    assert os.stat(f"{path}-wal").st_size == wal  # the old file's, not one byte more
    os.unlink(path)
    with pytest.raises(PdcaError):  # refused as unwritable, before the lock is even asked
        store.add_action(ActionDraft(title="after the removal"))
    store.close()


def test_the_old_files_wal_is_moved_beside_its_new_name_or_aside(tmp_path: Path) -> None:
    """What a board does once its file was replaced (db/connection.py): the -wal and -shm it
    holds leave the name, beside the old file's new name when it has one (which then opens
    with its last change), aside when it has none; a file renamed away with nothing in its
    place keeps them for its move back."""
    from pdca.db.connection import set_aside_what_it_left
    from pdca.db.models import ActionDraft
    from pdca.db.store import Store
    from tests.conftest import NOW_DT

    def opened(name: str) -> Store:
        store = Store.open(tmp_path / name, actor="ann", clock=lambda: NOW_DT, create=True)
        store.add_action(ActionDraft(title=f"last in {name}"))  # held in its -wal
        return store

    def titles(name: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "pdca.tui", "--db", str(tmp_path / name), "list", "--json"],
            capture_output=True, text=True, env={**os.environ, "PDCA_USER": "ann"}, check=True,
        )  # fmt: skip
        return [action["title"] for action in json.loads(done.stdout)]

    team, new = tmp_path / "team.db", tmp_path / "new.db"
    store = opened("team.db")
    identity = store.identity
    assert identity is not None
    Store.open(new, actor="ann", clock=lambda: NOW_DT, create=True).close()
    os.rename(team, tmp_path / "old.db")  # renamed away, nothing in its place: kept
    assert set_aside_what_it_left(team, identity, "S") == []
    os.replace(new, team)  # then another file moved in
    moved = set_aside_what_it_left(team, identity, "S")
    assert moved == [
        (f"{team}-wal", f"{tmp_path}/old.db-wal"),
        (f"{team}-shm", f"{tmp_path}/old.db-shm"),
    ]
    assert titles("team.db") == [] and titles("old.db") == ["last in team.db"]
    store.close()

    store = opened("gone.db")
    identity = store.identity
    assert identity is not None
    os.unlink(tmp_path / "gone.db")  # removed: aside, under a name SQLite never takes
    moved = set_aside_what_it_left(tmp_path / "gone.db", identity, "S")
    assert [to for _, to in moved] == [
        f"{tmp_path}/gone.db-wal.left-by-the-old-file-S",
        f"{tmp_path}/gone.db-shm.left-by-the-old-file-S",
    ]
    store.close()
    # doctor names them (after rm it only said to make a new file, a retrial)
    from pdca.db.doctor import diagnose

    [aside] = [check for check in diagnose(tmp_path / "gone.db") if check.name == "set aside"]
    assert aside.detail.startswith(
        "gone.db-shm.left-by-the-old-file-S, gone.db-wal.left-by-the-old-file-S: moved away"
    )


def test_a_write_waiting_for_the_lock_ends_when_its_file_is_replaced(tmp_path: Path) -> None:
    """A board's save waited on a colleague's lock while the file was moved over: it said
    "stayed busy for 10 s ... try again", where a try again would write into the other file
    (a retrial). The wait ends with the file's fate, and nothing is written."""
    import threading

    from pdca.db.errors import DatabaseBroken, PdcaError
    from pdca.db.models import ActionDraft
    from pdca.db.store import Store
    from tests.conftest import NOW_DT, LockHolder

    path, other = tmp_path / "team.db", tmp_path / "other.db"
    Store.open(path, actor="ann", clock=lambda: NOW_DT, create=True).close()
    Store.open(other, actor="ann", clock=lambda: NOW_DT, create=True).close()
    holder = LockHolder(path)
    failed: list[PdcaError] = []
    opened = threading.Event()

    def save() -> None:  # a connection of its own, as the board's writer thread has
        store = Store.open(path, actor="ann", clock=lambda: NOW_DT)
        opened.set()
        try:
            store.add_action(ActionDraft(title="typed while the lock was held"))
        except PdcaError as error:
            failed.append(error)
        finally:
            store.close()

    saving = threading.Thread(target=save)
    try:
        saving.start()
        assert opened.wait(30)
        os.replace(other, path)
        saving.join(timeout=60)
    finally:
        holder.release()
    assert [type(error) for error in failed] == [DatabaseBroken], failed


def test_a_renamed_file_takes_no_write_while_its_old_names_wal_lies_beside_it(
    tmp_path: Path,
) -> None:
    """A board held team.db's last change in its -wal when the file was renamed moved.db;
    ``pdca add`` under the new name exited 0 with a warning, and the move back (pdca's own
    advice) put the old -wal beside a file written since: SQLite's replay of it lost the
    write, without a word (a tester). Refused now, and the move back brings everything."""
    team, moved = tmp_path / "team.db", tmp_path / "moved.db"
    env = _env(tmp_path, team)
    assert run_pdca("init", env=env).returncode == 0
    assert run_pdca("add", "first", env=env).returncode == 0
    holder = subprocess.Popen(  # a board: it keeps the -wal from being folded in at the end
        [sys.executable, "-c", "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_autocheckpoint = 0')\n"
         "c.execute('SELECT count(*) FROM actions').fetchall(); print('open', flush=True)\n"
         "sys.stdin.readline()\n", str(team)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        assert run_pdca("add", "while the board is open", env=env).returncode == 0
        os.rename(team, moved)
    finally:
        holder.kill()  # as kill -9: nothing folded in, its -wal stays under the old name
        holder.wait()
    assert os.path.getsize(f"{team}-wal") > 0
    refused = run_pdca("--db", str(moved), "add", "under the new name", env=env)
    assert refused.returncode == 1
    last = refused.stderr.strip().splitlines()[-1]
    assert last.startswith(
        f"pdca: {moved}: team.db-wal lies beside it, holding the last changes of a database"
        " named team.db, which is not here: if this file is that database renamed, move it"
        f" back to get them (pdca backup first, then, in {tmp_path}: mv moved.db team.db);"
        " if it is not, move team.db-wal team.db-shm out of"
    )
    assert last.endswith("once nobody runs pdca on team.db; nothing written")
    assert "Traceback" not in refused.stderr
    # A backup is made as the file is, said; a restore onto it is refused as a write is (it
    # wrote, and the move back damaged the file: a retrial)
    copy = tmp_path / "copy.db"
    backed = run_pdca("--db", str(moved), "backup", str(copy), env=env)
    assert backed.returncode == 0 and "warning: backed up as the file is now; " in backed.stderr
    restored = run_pdca("--db", str(moved), "restore", str(copy), "--force", env=env)
    assert restored.returncode == 1 and restored.stderr.rstrip().endswith("nothing restored")
    os.rename(moved, team)
    listed = run_pdca("list", "--json", env=env)
    assert [a["title"] for a in json.loads(listed.stdout)] == ["first", "while the board is open"]
    checked = run_pdca("doctor", env=env)
    assert "ok   integrity" in checked.stdout
