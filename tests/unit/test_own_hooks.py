"""A command hook runs only in the runs of the login that set that very command: what it set
is kept in its own folder, which nobody else can write (tui/own_hooks.py). A hostile tester,
as ben, wrote a hook under ann's name (PDCA_USER=ann, or sqlite3 on the shared file), and
ann's cron ran it as ann."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from pdca.tui.own_hooks import HookNotKept, hooks_path, remember_command, set_by_me
from tests.conftest import run_pdca


def test_a_command_set_is_known_as_ones_own_and_no_other(tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    mine = set_by_me(environ)
    assert not mine("cat >> hooks.log")  # nothing set yet
    remember_command(environ, "cat >> hooks.log")
    remember_command(environ, "cat >> hooks.log")  # once is enough
    assert mine("cat >> hooks.log") and not mine("cat >> hooks.log; id")
    path = hooks_path(environ)
    assert path == tmp_path / "config" / "pdca" / "notify-commands"
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(path.read_text().splitlines()) == 1
    assert "cat" not in path.read_text()  # digests: the file says nothing of the commands


def test_a_file_others_may_write_proves_nothing_and_is_not_written(tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    remember_command(environ, "true")
    path = hooks_path(environ)
    path.chmod(0o660)
    assert not set_by_me(environ)("true")
    with pytest.raises(HookNotKept, match="not yours alone"):
        remember_command(environ, "false")
    path.chmod(0o600)
    path.parent.chmod(0o777)  # a folder anyone may write: the file could be anyone's
    try:
        assert not set_by_me(environ)("true")
    finally:
        path.parent.chmod(0o700)


def test_a_link_in_place_of_the_file_is_not_followed(tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    elsewhere = tmp_path / "planted"
    remember_command({"XDG_CONFIG_HOME": str(tmp_path / "other")}, "true")
    elsewhere.write_text(hooks_path({"XDG_CONFIG_HOME": str(tmp_path / "other")}).read_text())
    hooks_path(environ).parent.mkdir(parents=True)
    hooks_path(environ).symlink_to(elsewhere)
    assert not set_by_me(environ)("true")
    with pytest.raises(HookNotKept, match="cannot keep the command"):
        remember_command(environ, "true")


def test_no_home_knows_no_hook_of_its_own() -> None:
    assert not set_by_me({"HOME": "relative"})("true")


def _hook_env(env: dict[str, str], home: Path, user: str) -> dict[str, str]:
    return {**env, "PDCA_USER": user, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "cfg")}


def test_a_hook_written_under_a_colleagues_name_never_runs_in_their_runs(
    env: dict[str, str], db_path: Path, tmp_path: Path
) -> None:
    """ben sets a hook as PDCA_USER=ann, and writes another straight into the file under
    her name: ann's pdca notify runs neither, and says why. Her own, set by her, runs."""
    ann_home, ben_home = tmp_path / "ann", tmp_path / "ben"
    ann_home.mkdir()
    ben_home.mkdir()
    ann, ben = _hook_env(env, ann_home, "ann"), _hook_env(env, ben_home, "ann")
    ran = tmp_path / "ran"
    assert run_pdca("add", "late", "--owner", "ann", "--due", "2026-11-20", env=ann).returncode == 0
    assert run_pdca("notify", "config", "terminal", "off", env=ann).returncode == 0
    forged = run_pdca("notify", "config", "command", f"id >> {ran}; cat >/dev/null", env=ben)
    assert forged.returncode == 0, forged.stderr
    done = run_pdca("notify", env=ann)
    assert not ran.exists()
    assert done.returncode != 0 and "is not one ann set from this login" in done.stderr
    with sqlite3.connect(db_path) as conn:  # straight into the file, as a colleague can
        conn.execute(
            "UPDATE notify_settings SET value = ?, updated_by = 'ann' WHERE key = 'command'",
            (f"echo sql >> {ran}; cat >/dev/null",),
        )
    conn.close()
    assert (
        run_pdca("add", "later", "--owner", "ann", "--due", "2026-11-21", env=ann).returncode == 0
    )
    again = run_pdca("notify", env=ann)
    assert again.returncode != 0 and "is not one ann set" in again.stderr and not ran.exists()
    own = run_pdca("notify", "config", "command", f"cat >> {ran}", env=ann)
    assert own.returncode == 0, own.stderr
    assert (
        run_pdca("add", "latest", "--owner", "ann", "--due", "2026-11-22", env=ann).returncode == 0
    )
    assert run_pdca("notify", env=ann).returncode == 0
    assert "#3" in ran.read_text() and "#1" not in ran.read_text()
    assert os.stat(hooks_path(ann)).st_mode & 0o777 == 0o600
