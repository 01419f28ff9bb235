"""``pdca`` with no command opens the board only where a person can see it: Textual draws on
stderr, and with stderr sent away (``2>/dev/null``) the board ran unseen, taking keys; with
``TERM=dumb`` (an editor's shell) it came out as escape codes (testers). Both refuse in one
line, exit 1, and make no file."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path


def _bare_pdca(env: dict[str, str], *, stderr_on_terminal: bool, term: str) -> tuple[int, str]:
    """``pdca`` with stdin and stdout on a pseudo-terminal (stderr too, or to a pipe): its
    exit status and all the terminal showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pdca.tui"],
        stdin=follower,
        stdout=follower,
        stderr=follower if stderr_on_terminal else subprocess.DEVNULL,
        env={**os.environ, **env, "TERM": term},
    )
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return process.wait(timeout=60), received.decode("utf-8", "replace")


def test_stderr_sent_away_is_refused_where_it_is_seen(env: dict[str, str]) -> None:
    status, shown = _bare_pdca(env, stderr_on_terminal=False, term="xterm-256color")
    assert status == 1
    assert shown.strip().splitlines() == [
        "pdca: the board is drawn on stderr, which is not this terminal (2>...): run pdca"
        " with stderr on the terminal; nothing opened"
    ]
    assert not Path(env["PDCA_DB"]).exists()


def test_a_dumb_terminal_is_refused_in_one_line(env: dict[str, str]) -> None:
    status, shown = _bare_pdca(env, stderr_on_terminal=True, term="dumb")
    assert status == 1
    [line] = shown.strip().splitlines()
    assert line.startswith("pdca: TERM=dumb: this terminal cannot draw the board")
    assert "\x1b" not in shown
    assert not Path(env["PDCA_DB"]).exists()


def test_demo_fresh_with_stderr_sent_away_changes_nothing(env: dict[str, str]) -> None:
    """It reseeded the demo file, then refused (a reviewer): refused first."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pdca.tui", "demo", "--fresh"],
        stdin=follower,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **{k: v for k, v in env.items() if k != "PDCA_DB"}},
    )
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 1
    assert "seeded" not in received.decode("utf-8", "replace")
    assert not list(Path(env["HOME"]).rglob("demo-*.db"))
