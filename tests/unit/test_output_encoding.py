"""In a locale that is not UTF-8 (Latin-1 here, by PYTHONIOENCODING) a title with an emoji,
or the digests' own dashes, crashed list, show, standup, report, flow and export with a
UnicodeEncodeError (a tester). A pipe gets UTF-8 (what JSON and CSV are read as); a
terminal keeps its encoding and shows what it cannot as escapes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import run_pdca
from tests.pty_run import run_on_a_terminal

TITLE = "emoji 🚀 ✓ → café"


@pytest.fixture
def latin1(env: dict[str, str]) -> dict[str, str]:
    made = run_pdca("add", TITLE, "--owner", "bob", env=env)
    assert made.returncode == 0, made.stderr
    return {**env, "PYTHONIOENCODING": "latin-1"}


@pytest.mark.parametrize(
    "command",
    [["list"], ["show", "1"], ["standup"], ["report"], ["flow"], ["export", "--format", "csv"]],
)
def test_a_pipe_gets_utf_8_whatever_the_locale(latin1: dict[str, str], command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pdca.tui", *command],
        capture_output=True,
        env={**os.environ, **latin1},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    done.stdout.decode("utf-8")  # all of it UTF-8
    if command[0] in ("list", "show", "export"):
        assert TITLE.encode("utf-8") in done.stdout


def test_json_in_a_latin_1_locale_reads_back_exactly(latin1: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pdca.tui", "list", "--json"],
        capture_output=True,
        env={**os.environ, **latin1},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [a["title"] for a in json.loads(done.stdout.decode("utf-8"))] == [TITLE]


def test_a_latin_1_terminal_shows_what_it_cannot_encode_as_escapes(latin1: dict[str, str]) -> None:
    status, received = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui", "list"], {**os.environ, **latin1}
    )
    assert status == 0
    shown = received.decode("latin-1")
    # pdca's own marks, in a title too, as their look-alikes (an arrow): the rest escaped
    assert "emoji \\U0001f680 v -> café" in shown
    assert "crashed" not in shown


def test_an_ascii_terminal_gets_escapes_not_utf_8(latin1: dict[str, str]) -> None:
    """click wrote UTF-8 to a stream it took for a misconfigured ASCII one: raw bytes beside
    pdca's own ASCII cut marks (two testers)."""
    status, received = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui", "list"],
        {**os.environ, **latin1, "PYTHONIOENCODING": "ascii"},
    )
    assert status == 0
    assert received.isascii()
    assert "emoji \\U0001f680 v -> caf\\xe9" in received.decode("ascii")


def test_json_on_an_ascii_terminal_is_json(latin1: dict[str, str]) -> None:
    """The terminal's backslashreplace gave "caf\\xe9", which is no JSON (a reviewer):
    JSON's own escapes instead."""
    status, received = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui", "list", "--json"],
        {**os.environ, **latin1, "PYTHONIOENCODING": "ascii"},
        stderr_too=False,
    )
    assert status == 0 and received.isascii()
    assert [a["title"] for a in json.loads(received.decode("ascii"))] == [TITLE]


def test_an_export_on_an_ascii_terminal_is_json(latin1: dict[str, str]) -> None:
    """``pdca export`` went out through the terminal's escapes (``\\xe9``, ``\\U0001f680``):
    no JSON (a tester). Every other ``--json`` output was."""
    status, received = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui", "export"],
        {**os.environ, **latin1, "PYTHONIOENCODING": "ascii"},
        stderr_too=False,
    )
    assert status == 0 and received.isascii()
    exported = json.loads(received.decode("ascii"))
    assert [a["title"] for a in exported["tables"]["actions"]] == [TITLE]


def test_pdcas_own_marks_come_out_as_ascii_look_alikes() -> None:
    """A stand-up line's dash came out as ``\\u2014``, flow's bars as ``\\u2581\\u2583`` (two
    testers); what has no look-alike is still an escape, never lost."""
    from pdca.tui.ascii_terminal import MARKS_ERRORS, register

    codec = register()
    said = "#2 Canary — 8d late · “ok” ↗ ▁▃▅█ … café 🚀"
    assert said.encode(codec, errors=MARKS_ERRORS) == (
        b'#2 Canary - 8d late . "ok" ^ _-=# ~ caf\\xe9 \\U0001f680'
    )
    assert "—é".encode("latin-1", errors=MARKS_ERRORS) == "-é".encode("latin-1")
    # the report's marks: entered Do, done, abandoned (came out as ", \u2713, \u2717)
    assert "» #16 ✓ #16 ✗ #18 «x»".encode(codec, errors=MARKS_ERRORS) == b">> #16 v #16 x #18 <<x>>"


def test_json_and_a_csv_export_on_a_latin_1_or_ascii_terminal_are_the_data(
    latin1: dict[str, str], env: dict[str, str]
) -> None:
    """pdca's look-alikes made a title's “quotes” JSON's and CSV's own: '""alpha, beta"
    rollout"' was no JSON, and the CSV line read as 17 fields (a reviewer)."""
    title = "“alpha, beta” rollout — x"
    subprocess.run(
        [sys.executable, "-m", "pdca.tui", "add", title], env={**os.environ, **env}, check=True
    )
    for encoding in ("latin-1", "ascii"):
        terminal = {**os.environ, **latin1, "PYTHONIOENCODING": encoding}
        _, listed = run_on_a_terminal(
            [sys.executable, "-m", "pdca.tui", "list", "--json"], terminal, stderr_too=False
        )
        assert title in [a["title"] for a in json.loads(listed.decode(encoding))]
        _, exported = run_on_a_terminal(
            [sys.executable, "-m", "pdca.tui", "export", "--format", "csv"],
            terminal,
            stderr_too=False,
        )
        rows = list(csv.reader(exported.decode(encoding).splitlines()))
        assert {len(row) for row in rows} == {16}
        assert "\\u201calpha, beta\\u201d rollout \\u2014 x" in [row[1] for row in rows]


def test_a_table_on_an_ascii_terminal_fits_its_width_as_shown(env: dict[str, str]) -> None:
    """Cells were measured before the terminal's escapes: three emoji made a row 27 cells
    wider than counted, and ``list`` at 100 columns printed 142 (a tester)."""
    long_title = "rocket 🚀🚀🚀 launch review with a rather long title that surely needs cutting"
    assert run_pdca("add", long_title, "--owner", "dana", env=env).returncode == 0
    status, received = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui", "list"],
        {**os.environ, **env, "PYTHONIOENCODING": "ascii", "COLUMNS": "80"},
    )
    assert status == 0
    lines = received.decode("ascii").splitlines()
    assert "\\U0001f680\\U0001f680" in lines[1] and lines[1].endswith("~")
    assert max(len(line) for line in lines) == 80
