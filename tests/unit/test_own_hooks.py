"""A command hook runs only in the runs of the login that set that very command on that file,
and has not replaced or turned it off since: kept in its own folder, which nobody else can
write (tui/own_hooks.py). A hostile tester, as ben, wrote a hook under ann's name
(PDCA_USER=ann, or sqlite3 on the shared file), and ann's cron ran it as ann; a reviewer
turned on again a command ann had withdrawn."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pdca.tui.own_hooks import (
    HookNotKept,
    hooks_path,
    record_problem,
    remember_command,
    set_by_me,
)
from tests.conftest import run_pdca


def _home(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_the_command_set_on_a_file_is_ones_own_until_replaced_or_turned_off(
    tmp_path: Path,
) -> None:
    environ, team, other = _home(tmp_path), tmp_path / "team.db", tmp_path / "other.db"
    team.write_bytes(b"")  # (the files themselves: a hook is kept for the file at the path)
    other.write_bytes(b"")
    mine = set_by_me(environ, team)
    assert not mine("cat >> hooks.log")  # nothing set yet
    remember_command(environ, team, "cat >> hooks.log")
    remember_command(environ, team, "cat >> hooks.log")  # once is enough
    assert mine("cat >> hooks.log") and not mine("cat >> hooks.log; id")
    assert not set_by_me(environ, other)("cat >> hooks.log")  # set on that file only
    link = tmp_path / "link.db"
    link.symlink_to(team)
    assert set_by_me(environ, link)("cat >> hooks.log")  # the same file by another name
    remember_command(environ, other, "true")
    remember_command(environ, team, "cat >> other.log")  # replaced: the old one is gone
    assert not mine("cat >> hooks.log") and mine("cat >> other.log")
    remember_command(environ, team, None)  # none: no command is its own on that file
    assert not mine("cat >> other.log") and set_by_me(environ, other)("true")
    # another file put in the place of one: not the file the hook was set on (a retrial)
    other.rename(tmp_path / "other.db.saved")
    (tmp_path / "planted.db").write_bytes(b"")
    (tmp_path / "planted.db").rename(other)
    assert not set_by_me(environ, other)("true")
    path = hooks_path(environ)
    assert path == tmp_path / "config" / "pdca" / "notify-commands"
    assert path.stat().st_mode & 0o777 == 0o600
    assert "cat" not in path.read_text() and "team" not in path.read_text()  # digests
    assert sorted(path.parent.iterdir()) == [path, path.with_name(f"{path.name}.lock")]
    assert path.with_name(f"{path.name}.lock").stat().st_mode & 0o777 == 0o600


def test_two_at_once_lose_neither(tmp_path: Path) -> None:
    """Read, changed and written whole with no lock, two at once lost one: a withdrawal on
    one file among them left its hook authorised (a reviewer, 90 times in 200)."""
    import threading

    environ = _home(tmp_path)
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    for round_ in range(40):
        remember_command(environ, first, "true")
        start = threading.Barrier(2)

        def withdraw(start: threading.Barrier = start) -> None:
            start.wait()
            remember_command(environ, first, None)

        def add(start: threading.Barrier = start, round_: int = round_) -> None:
            start.wait()
            remember_command(environ, second, f"echo {round_}")

        threads = [threading.Thread(target=withdraw), threading.Thread(target=add)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not set_by_me(environ, first)("true"), round_
        assert set_by_me(environ, second)(f"echo {round_}"), round_


def test_folders_made_for_it_are_the_persons_alone_under_a_teams_umask(tmp_path: Path) -> None:
    """Under pdca's umask for a team's file (007), ~/.config was made 0770 (a reviewer)."""
    from pdca.db.filesystem import share_with_the_group

    environ = _home(tmp_path)
    os.umask(0o022)  # the person's own (the test's umask comes back after it)
    share_with_the_group()  # as opening a team's file does: 007 from here on
    remember_command(environ, tmp_path / "team.db", "true")
    for folder in (tmp_path / "config", tmp_path / "config" / "pdca"):
        assert not folder.stat().st_mode & 0o022, oct(folder.stat().st_mode)
    assert (tmp_path / "config" / "pdca").stat().st_mode & 0o777 == 0o700


def test_a_file_or_folder_others_may_write_proves_nothing_and_is_not_written(
    tmp_path: Path,
) -> None:
    environ, team = _home(tmp_path), tmp_path / "team.db"
    remember_command(environ, team, "true")
    path = hooks_path(environ)
    path.chmod(0o660)
    assert not set_by_me(environ, team)("true")
    assert record_problem(environ) == (
        f"{path} is not yours alone (mode 0660): chmod go-w {path}, then set the hook again"
    )
    path.chmod(0o600)
    assert record_problem(environ) is None
    path.parent.chmod(0o775)  # a folder others may write: the file could be anyone's
    try:
        assert record_problem(environ) is not None
        assert not set_by_me(environ, team)("true")
        # Refused as it is set, saying why: it was taken, and then refused at every run
        # with advice that could not work (a reviewer).
        with pytest.raises(HookNotKept, match="is not yours alone .* chmod go-w"):
            remember_command(environ, team, "false")
    finally:
        path.parent.chmod(0o700)


def test_a_link_in_place_of_the_file_is_not_followed(tmp_path: Path) -> None:
    environ, team = _home(tmp_path), tmp_path / "team.db"
    elsewhere = {"XDG_CONFIG_HOME": str(tmp_path / "other")}
    remember_command(elsewhere, team, "true")
    planted = tmp_path / "planted"
    planted.write_text(hooks_path(elsewhere).read_text())
    hooks_path(environ).parent.mkdir(parents=True, mode=0o700)
    hooks_path(environ).symlink_to(planted)
    assert not set_by_me(environ, team)("true")
    remember_command(environ, team, "false")  # replaces the link, never writes through it
    assert planted.read_text() == hooks_path(elsewhere).read_text()
    assert not hooks_path(environ).is_symlink()


def test_no_home_knows_no_hook_of_its_own(tmp_path: Path) -> None:
    assert not set_by_me({"HOME": "relative"}, tmp_path / "team.db")("true")


# pdca with a wait for others' locks of a second, where it is 10 s.
WAITS_A_SECOND = """
import sys
from pdca.db import connection
from pdca.tui.entry import main

connection.BUSY_TIMEOUT_SECONDS = 1.0
sys.argv[0] = "pdca"
main()
"""


def _hook_env(env: dict[str, str], home: Path, user: str) -> dict[str, str]:
    return {**env, "PDCA_USER": user, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "cfg")}


def test_a_hook_written_under_a_colleagues_name_never_runs_in_their_runs(
    env: dict[str, str], db_path: Path, tmp_path: Path
) -> None:
    """ben sets a hook as PDCA_USER=ann, writes another straight into the file under her
    name, and turns on again one she withdrew: ann's pdca notify runs none of them, and
    names the command it refused. Her own, set by her, runs. (ann and ben are two homes
    here: the check reads the running login's own folder.)"""
    ann_home, ben_home = tmp_path / "ann", tmp_path / "ben"
    ann_home.mkdir()
    ben_home.mkdir()
    ann, ben = _hook_env(env, ann_home, "ann"), _hook_env(env, ben_home, "ann")
    ran = tmp_path / "ran"

    def late(title: str, due: str) -> None:
        added = run_pdca("add", title, "--owner", "ann", "--due", due, env=ann)
        assert added.returncode == 0, added.stderr

    late("late", "2026-11-19")
    assert run_pdca("notify", "config", "terminal", "off", env=ann).returncode == 0
    forged = run_pdca("notify", "config", "command", f"id >> {ran}; cat >/dev/null", env=ben)
    assert forged.returncode == 0, forged.stderr
    # What ann reads of it says it is not hers: "(runs as ann)" read as hers, and copying it
    # from there into config would approve ben's command (a retrial).
    shown = run_pdca("notify", "config", env=ann).stdout
    assert "(under ann's name, but not set by them from this login: it does not run" in shown
    planned = run_pdca("notify", "--dry-run", env=ann)
    assert "is under ann's name but was not set by them from this login: the run will" in (
        planned.stderr
    )
    assert "(runs as ann)" in run_pdca("notify", "config", env=ben).stdout  # ben's own view
    done = run_pdca("notify", env=ann)
    assert not ran.exists() and done.returncode != 0
    status = json.loads(run_pdca("notify", "--status", "--json", env=ann).stdout)
    said = status[0]["last_error"]  # the command named, so that nobody sets again one not theirs
    # (the command cut at 80 characters: the start of it, as long paths go)
    assert said.startswith(f"the command hook '{f'id >> {ran}'[:40]}") and (
        "' is not one ann set on this file from this login" in said
    )
    with sqlite3.connect(db_path) as conn:  # straight into the file, as a colleague can
        conn.execute(
            "UPDATE notify_settings SET value = ?, updated_by = 'ann' WHERE key = 'command'",
            (f"echo sql >> {ran}; cat >/dev/null",),
        )
    conn.close()
    late("later", "2026-11-20")
    again = run_pdca("notify", env=ann)
    assert again.returncode != 0 and "is not one ann set" in again.stderr and not ran.exists()
    own = run_pdca("notify", "config", "command", f"cat >> {ran}", env=ann)
    assert own.returncode == 0, own.stderr
    late("latest", "2026-11-21")  # its day ended everywhere: told
    assert run_pdca("notify", env=ann).returncode == 0
    assert "#3" in ran.read_text() and "#1" not in ran.read_text()
    # a set the file refuses (a colleague's lock held past the wait) leaves hers as it was
    from tests.conftest import LockHolder

    holder = LockHolder(db_path)
    try:
        refused = subprocess.run(
            [sys.executable, "-c", WAITS_A_SECOND, "notify", "config", "command", "cat"],
            capture_output=True,
            text=True,
            env={**os.environ, **ann},
            timeout=60,
        )
    finally:
        holder.release()
    assert refused.returncode == 75 and "stayed busy" in refused.stderr, refused.stderr
    assert "(runs as ann)" in run_pdca("notify", "config", env=ann).stdout
    # ann withdraws it; ben turns that very command on again under her name
    assert run_pdca("notify", "config", "command", "none", env=ann).returncode == 0
    back = run_pdca("notify", "config", "command", f"cat >> {ran}", env=ben)
    assert back.returncode == 0, back.stderr
    late("last", "2026-11-21")
    withdrawn = run_pdca("notify", env=ann)
    assert withdrawn.returncode != 0 and "#4" not in ran.read_text()
    assert os.stat(hooks_path(ann)).st_mode & 0o777 == 0o600


def test_an_undo_of_a_hook_brings_none_back_as_ones_own(
    env: dict[str, str], tmp_path: Path
) -> None:
    """ann withdrew her hook, set another, and undid that: the file said none again, and the
    one withdrawn stayed hers, for a colleague to turn on under her name (a reviewer). After
    an undo that touches the hook, none is hers until she sets it again."""
    home = tmp_path / "ann"
    home.mkdir()
    ann = _hook_env(env, home, "ann")
    for value in ("cat >> z.log", "none", "cat >> y.log"):
        assert run_pdca("notify", "config", "command", value, env=ann).returncode == 0
    undone = run_pdca("undo", env=ann)
    assert undone.returncode == 0, undone.stderr
    assert "note: no notify command hook is set now" in undone.stderr
    database = Path(env["PDCA_DB"])
    assert not set_by_me(ann, database)("cat >> y.log")
    assert not set_by_me(ann, database)("cat >> z.log")
    # Her own folder unusable now: the undo is written, so it is said as done (exit 1 after
    # it, and a retry undid a second change: a reviewer), with why the folder was not told.
    assert run_pdca("notify", "config", "command", "cat >> x.log", env=ann).returncode == 0
    (tmp_path / "a file").write_text("")
    unusable = {**ann, "XDG_CONFIG_HOME": str(tmp_path / "a file")}
    undone = run_pdca("undo", "--yes", env=unusable)
    assert undone.returncode == 0 and undone.stdout.startswith("undid: "), undone.stderr
    assert "note: cannot keep the command in" in undone.stderr
    shown = json.loads(run_pdca("notify", "config", "--json", env=ann).stdout)
    assert shown["command"] is None  # as before x: undone once
    # no home at all: the same (it said only "no home directory", exit 1, a retrial)
    assert run_pdca("notify", "config", "command", "cat >> w.log", env=ann).returncode == 0
    homeless = {k: v for k, v in ann.items() if k != "XDG_CONFIG_HOME"}
    homeless["HOME"] = str(tmp_path / "a file")
    undone = subprocess.run(
        [sys.executable, "-m", "pdca.tui", "undo", "--yes"],
        capture_output=True, text=True, env={**os.environ, **homeless}, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert undone.returncode == 0 and undone.stdout.startswith("undid: "), undone.stderr
    assert "note: no home directory" in undone.stderr


def test_an_undo_of_a_hook_says_whose_hook_the_file_holds_now(
    env: dict[str, str], tmp_path: Path
) -> None:
    """ben set his hook over ann's, then undid it: told "does not run until you set it
    again", while ann's, back, ran in her runs (a retrial). Said as it is: hers again, or
    mine brought back (which does not run until set again)."""
    ann_home, ben_home = tmp_path / "ann", tmp_path / "ben"
    ann_home.mkdir()
    ben_home.mkdir()
    ann, ben = _hook_env(env, ann_home, "ann"), _hook_env(env, ben_home, "ben")
    assert run_pdca("notify", "config", "command", "cat >> ann.log", env=ann).returncode == 0
    assert run_pdca("notify", "config", "command", "cat >> ben.log", env=ben).returncode == 0
    undone = run_pdca("undo", "--yes", env=ben)
    assert undone.returncode == 0, undone.stderr
    assert "note: the notify command hook is ann's again; it runs in ann's pdca notify" in (
        undone.stderr
    )
    database = Path(env["PDCA_DB"])
    assert set_by_me(ann, database)("cat >> ann.log")  # hers, as she set it
    assert run_pdca("notify", "config", "command", "cat >> ann2.log", env=ann).returncode == 0
    undone = run_pdca("undo", "--yes", env=ann)
    assert "note: the notify command hook does not run until you set it again" in undone.stderr


def test_a_hook_that_cannot_be_kept_leaves_the_files_hook_as_it_was(
    env: dict[str, str], tmp_path: Path
) -> None:
    """ben's ``notify config command`` with no config folder, or one others may write in,
    exited 1 saying it was not kept, and had replaced ann's working hook in the team's file
    all the same (a script author): refused before the file is written, nothing written."""
    ann_home, ben_home = tmp_path / "ann", tmp_path / "ben"
    ann_home.mkdir()
    ben_home.mkdir()
    ann, ben = _hook_env(env, ann_home, "ann"), _hook_env(env, ben_home, "ben")
    set_by_ann = run_pdca("notify", "config", "command", "cat > /dev/null", env=ann)
    assert set_by_ann.returncode == 0, set_by_ann.stderr

    def file_hook() -> tuple[str, str]:
        shown = json.loads(run_pdca("notify", "config", "--json", env=ann).stdout)
        return shown["command"], shown["command_by"]

    (tmp_path / "a file").write_text("")
    homeless = {**ben, "XDG_CONFIG_HOME": str(tmp_path / "a file")}  # no folder to keep it in
    (ben_home / "cfg" / "pdca").mkdir(parents=True, mode=0o700)
    (ben_home / "cfg" / "pdca").chmod(0o777)  # anyone's: proves nothing, not written
    for tried in (homeless, ben):
        for command in ("true", "none"):
            refused = run_pdca("notify", "config", "command", command, env=tried)
            assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
            assert "nothing written" in refused.stderr  # not "it does not run": none was set
            assert file_hook() == ("cat > /dev/null", "ann")
        empty = run_pdca("notify", "config", "command", " ", env=tried)  # the value first
        assert empty.returncode == 1 and "keep" not in empty.stderr, empty.stderr


def test_a_folder_of_someone_elses_is_said_to_be_theirs(tmp_path: Path) -> None:
    """HOME pointed at ben's home: ann was told "chmod go-w" of his 0700 folder, which she
    cannot (a retrial). It is said to be his."""
    environ, team = _home(tmp_path), tmp_path / "team.db"
    folder = hooks_path(environ).parent
    folder.mkdir(parents=True, mode=0o700)
    os.chown(folder, 4321, 4321)
    with pytest.raises(HookNotKept, match=r"is 4321's, not yours \(HOME or XDG_CONFIG_HOME"):
        remember_command(environ, team, "true")
