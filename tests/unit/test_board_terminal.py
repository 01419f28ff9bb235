"""``pdca`` with no command opens the board only where a person can see it: Textual draws on
stderr, and with stderr sent away (``2>/dev/null``) the board ran unseen, taking keys; with
``TERM=dumb`` (an editor's shell) it came out as escape codes (testers). Both refuse in one
line, exit 1, and make no file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.pty_run import run_on_a_terminal


def _bare_pdca(env: dict[str, str], *, stderr_on_terminal: bool, term: str) -> tuple[int, str]:
    """``pdca`` with stdin and stdout on a pseudo-terminal (stderr too, or sent away): its
    exit status and all the terminal showed."""
    status, shown = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui"],
        {**os.environ, **env, "TERM": term},
        stderr_too=stderr_on_terminal,
    )
    return status, shown.decode("utf-8", "replace")


@pytest.mark.usefixtures("missing_db")
def test_stderr_sent_away_is_refused_where_it_is_seen(env: dict[str, str]) -> None:
    status, shown = _bare_pdca(env, stderr_on_terminal=False, term="xterm-256color")
    assert status == 1
    assert shown.strip().splitlines() == [
        "pdca: the board is drawn on stderr, which is not this terminal (2>...): run pdca"
        " with stderr on the terminal; nothing opened"
    ]
    assert not Path(env["PDCA_DB"]).exists()


@pytest.mark.usefixtures("missing_db")
def test_a_dumb_terminal_is_refused_in_one_line(env: dict[str, str]) -> None:
    status, shown = _bare_pdca(env, stderr_on_terminal=True, term="dumb")
    assert status == 1
    [line] = shown.strip().splitlines()
    assert line.startswith("pdca: TERM=dumb: this terminal cannot draw the board")
    assert "\x1b" not in shown
    assert not Path(env["PDCA_DB"]).exists()


def test_demo_fresh_with_stderr_sent_away_changes_nothing(env: dict[str, str]) -> None:
    """It reseeded the demo file, then refused (a reviewer): refused first."""
    status, received = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui", "demo", "--fresh"],
        {**os.environ, **{k: v for k, v in env.items() if k != "PDCA_DB"}},
        stderr_too=False,
    )
    assert status == 1
    assert "seeded" not in received.decode("utf-8", "replace")
    assert not list(Path(env["HOME"]).rglob("demo-*.db"))


@pytest.mark.usefixtures("missing_db")
def test_a_terminal_that_is_not_utf_8_is_refused_in_one_line(env: dict[str, str]) -> None:
    """In an ISO-8859-1 locale the board's lines and marks came out as escapes over the
    layout (a tester): refused, saying what it needs; the commands still work there."""
    status, shown = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui"],
        {**os.environ, **env, "TERM": "xterm-256color", "PYTHONIOENCODING": "latin-1"},
    )
    text = shown.decode("latin-1")
    assert status == 1
    [line] = text.strip().splitlines()
    assert line.startswith("pdca: this terminal's encoding is iso8859-1; the board needs UTF-8")
    assert not Path(env["PDCA_DB"]).exists()


def test_a_colour_system_textual_does_not_know_is_refused_in_one_line(
    env: dict[str, str],
) -> None:
    """``TEXTUAL_COLOR_SYSTEM=bogus`` crashed the board (KeyError), and the crash line sent
    the person to ``pdca doctor``, which checks the file (a tester)."""
    status, shown = _bare_pdca(
        {**env, "TEXTUAL_COLOR_SYSTEM": "bogus"}, stderr_on_terminal=True, term="xterm-256color"
    )
    assert status == 1
    [line] = shown.strip().splitlines()
    assert line == (
        "pdca: TEXTUAL_COLOR_SYSTEM='bogus' is not one of auto, standard, 256, truecolor,"
        " windows; unset it to let the terminal say"
    )
