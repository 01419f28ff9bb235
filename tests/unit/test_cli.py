"""Every `pdca` command through click's runner, a few as real processes, and the README's word
on commands, options and JSON fields held against the code."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from pdca.db import schema
from pdca.tui.cli import cli as pdca_group
from tests.conftest import NOW, REPO, run_pdca

README = (REPO / "README.md").read_text(encoding="utf-8")


def _documented_action_keys() -> list[str]:
    block = README.split("An action:", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    return list(json.loads(block))


def _documented_list(label: str) -> list[str]:
    """The field names README gives in backticks in the sentence after ``label``
    (parenthesised remarks, such as the values of ``op``, left out)."""
    flat = " ".join(README.split())
    match = re.search(re.escape(label) + r"(.*?)\.(?: |$)", flat)
    assert match, f"README no longer documents {label!r}"
    sentence = re.sub(r"\([^)]*\)", "", match.group(1))
    return [name.strip() for span in re.findall(r"`([^`]+)`", sentence) for name in span.split(",")]


ACTION_KEYS = _documented_action_keys()
CHECKIN_KEYS = _documented_list("A check-in:")
EVENT_KEYS = _documented_list("A history event:")


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("pdca: ")
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    assert "Traceback" not in result.stderr
    return result.stderr.removeprefix("pdca: ").rstrip("\n")


@pytest.fixture
def team(ok) -> None:
    """The README's first session, up to the check-in."""
    ok("init")
    ok("initiative", "add", "Faster support", "--objective", "Cut resolution time 20% in Q3")
    ok("kpi", "add", "Resolution time", "--unit", "h", "--baseline", "30", "--target", "24")
    ok(
        "add",
        "Triage rota for L2 tickets",
        "--owner",
        "dana",
        "--due",
        "+2w",
        "--initiative",
        "Faster support",
        "--kpi",
        "Resolution time",
    )


# --------------------------------------------------------------------------- README vs code


def test_readme_action_example_has_exactly_the_fields_list_prints(team, js) -> None:
    listed = js("list", "--json")
    assert isinstance(listed, list) and len(listed) == 1
    assert list(listed[0]) == ACTION_KEYS


def _documented_commands() -> list[tuple[list[str], set[str]]]:
    found = []
    for line in README.splitlines():
        if not line.startswith("| `pdca"):
            continue
        first_cell = line.split("` |", 1)[0] + "`"
        for span in re.findall(r"`pdca ([^`]*)`", first_cell):
            words = re.findall(r"(?<![-\w])[a-z]+(?:-[a-z]+)*(?![-\w])", span.split("[")[0])
            options = set(re.findall(r"--[a-z][a-z-]*", span))
            found.append((words, options))
    return found


def _command(words: list[str]) -> click.Command:
    """The command ``words`` name, as click finds it (modules of lazy commands included)."""
    command: click.Command = pdca_group
    for word in words:
        if not isinstance(command, click.Group):
            break
        found = command.get_command(click.Context(command), word)
        if found is None:
            break
        command = found
    return command


def _top_commands() -> dict[str, click.Command]:
    context = click.Context(pdca_group)
    names = pdca_group.list_commands(context)
    return {name: _command([name]) for name in names}


def test_every_documented_command_and_option_exists() -> None:
    documented = _documented_commands()
    assert len(documented) >= 18
    for words, options in documented:
        command = _command(words)
        assert command is not pdca_group, f"pdca {' '.join(words)} is not a command"
        known = {opt for param in command.params for opt in param.opts}
        assert options <= known, f"pdca {' '.join(words)}: {options - known} undocumented in code"


def test_every_command_is_documented() -> None:
    documented = {tuple(words[:2]) for words, _ in _documented_commands()}
    commands = _top_commands()
    assert {"owners", "standup", "kpi", "alerts"} <= set(commands)  # the lazily imported ones
    for name, command in commands.items():
        if isinstance(command, click.Group):
            for sub in command.commands:
                assert any(d[:2] == (name, sub) for d in documented), f"pdca {name} {sub}"
        else:
            assert any(d[:1] == (name,) for d in documented), f"pdca {name}"


def test_write_commands_documented_to_take_json_do() -> None:
    sentence = README.split("Write commands (", 1)[1].split(")", 1)[0]
    names = re.findall(r"`([a-z ]+)`", sentence)
    assert len(names) == 9
    for name in names:
        command = _command(name.split())
        assert "--json" in {opt for param in command.params for opt in param.opts}, name


# --------------------------------------------------------------------------- init, no command


@pytest.mark.usefixtures("missing_db")
def test_init_creates_then_leaves_alone(ok, db_path: Path) -> None:
    assert ok("init").stdout == f"created {db_path}\n"
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
    finally:
        conn.close()
    assert ok("init").stdout == f"uses existing {db_path}\n"


@pytest.mark.usefixtures("missing_db")
def test_no_command_says_what_it_would_open(ok, db_path: Path) -> None:
    text = ok().stdout
    # Without a terminal (click's runner, a script) it only says what it would open.
    assert text.startswith(f"pdca would open the board on {db_path} (from $PDCA_DB; no file is")
    assert "pdca init makes it" in text and "pdca list" in text  # a tester: it said nothing
    assert not db_path.exists()


def test_version_and_help(ok) -> None:
    assert ok("--version").stdout.startswith("pdca, version ")
    helped = ok("--help").stdout
    for name in ("add", "move", "done", "checkin", "list", "show", "undo", "kpi", "where"):
        assert f"  {name} " in helped
    said = " ".join(helped.split())  # a script's writer found them in the README alone
    assert "Exit status: 0 done; 1 refused or failed" in said and "75 the file stayed busy" in said


def test_the_help_names_what_the_commands_take(ok) -> None:
    """A newcomer found sow, som, soy and a bare weekday in the refusal but not in add's
    help, followup's RESULT not said to be one of them, and learnt done's --decision was needed
    from the refusal."""
    added = " ".join(ok("add", "--help").stdout.split())
    assert "a weekday (fri)" in added and "eoy, sow, som, soy" in added
    followed = " ".join(ok("followup", "--help").stdout.split())
    assert "followup [OPTIONS] ID RESULT [MESSAGE]" in followed
    assert "RESULT is holding, or slipped" in followed
    assert "Required: standardize or adjust" in " ".join(ok("done", "--help").stdout.split())


def test_every_option_says_what_it_is_for_and_help_uses_a_wide_terminal() -> None:
    """``followups --owner`` and ``kpi record --note`` said nothing; ``pdca --help`` cut each
    summary at about 45 characters at any width (a new user reading the help alone)."""
    import click

    from pdca.tui.cli import cli as group

    def commands(cmd: click.Command, path: str):  # type: ignore[no-untyped-def]
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from commands(sub, f"{path} {name}")

    silent = [
        f"{path} {param.opts[0]}"
        for path, cmd in commands(group, "pdca")
        for param in cmd.params
        if isinstance(param, click.Option) and not param.hidden and not param.help
    ]
    assert silent == []
    import subprocess
    import sys

    wide = subprocess.run(
        [sys.executable, "-m", "pdca.tui", "--help"],
        env={**os.environ, "COLUMNS": "160"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "missed deadlines are escalated before they are listed" in wide


# --------------------------------------------------------------------------- add


def test_add_with_every_option_as_json(team, js) -> None:
    added = js(
        "add",
        "Second rota",
        "--owner",
        "bob",
        "--phase",
        "do",
        "--due",
        "2026-12-24",
        "--initiative",
        "faster support",
        "--kpi",
        "RESOLUTION TIME",
        "--notes",
        "EU first",
        "--json",
    )
    assert list(added) == ACTION_KEYS
    expected = {
        "id": 2,
        "title": "Second rota",
        "notes": "EU first",
        "owner": "bob",
        "phase": "do",
        "due": "2026-12-24",
        "initiative_id": 1,
        "initiative": "Faster support",
        "kpi_id": 1,
        "kpi": "Resolution time",
        "parent_id": None,
        "cycle": 1,
        "verdict": None,
        "decision": None,
        "phase_since": NOW,
        "done_at": None,
        "created_by": "alice",
        "created_at": NOW,
        "updated_at": NOW,
        "version": 1,
        "last_checkin_at": None,
        "last_checkin_status": None,
        "recurrence_id": None,
        "overdue": False,
        "days_since_checkin": 0,
        "stale": False,
        "priority": "normal",
    }
    assert added == expected


def test_add_prints_one_line(ok) -> None:
    assert ok("add", "Cut flaky tests").stdout == "added #1 [plan] Cut flaky tests\n"
    assert ok("add", "second", "--due", "fri").stdout == "added #2 [plan] second\n"


def test_a_write_to_a_file_that_is_not_there_makes_none_until_init(
    cli, ok, missing_db: Path
) -> None:
    """A mistyped --db or $PDCA_DB made a new, empty database with no word, and a cron job's
    writes went to a file nobody else saw (a tester). Only init makes the file a path names
    (your own default is made by the first write, saying so)."""
    message = one_line_error(cli("add", "Cut flaky tests"))
    assert message == f"no database at {missing_db} (create one with: pdca --db {missing_db} init)"
    assert not missing_db.exists()
    ok("init")
    assert ok("add", "Cut flaky tests").stdout == "added #1 [plan] Cut flaky tests\n"


def test_add_relative_due_dates_use_the_fixed_clock(ok, js) -> None:
    ok("add", "a", "--due", "+2w")
    ok("add", "b", "--due", "tomorrow")
    ok("add", "c", "--due", "fri")
    dues = {a["title"]: a["due"] for a in js("list", "--json")}
    assert dues == {"a": "2026-12-07", "b": "2026-11-24", "c": "2026-11-27"}


def test_add_into_do_without_owner_names_the_gate(cli) -> None:
    message = one_line_error(cli("add", "x", "--phase", "do"))
    assert message.startswith("phase: a new action in Do needs an owner and a due date")


# --------------------------------------------------------------------------- action ids


@pytest.mark.parametrize("written", ["1", "#1", "01"])
def test_action_ids_with_or_without_hash(team, js, written: str) -> None:
    assert js("show", written, "--json")["action"]["id"] == 1


# --------------------------------------------------------------------------- edit


def test_edit_every_field(team, ok, js) -> None:
    ok("initiative", "add", "Quality")
    ok("kpi", "add", "Reopen rate", "--unit", "%", "--baseline", "8", "--target", "4")
    edited = js(
        "edit",
        "#1",
        "--title",
        "Renamed",
        "--owner",
        "erin",
        "--due",
        "2027-01-15",
        "--notes",
        "new notes",
        "--initiative",
        "Quality",
        "--kpi",
        "Reopen rate",
        "--json",
    )
    assert list(edited) == ACTION_KEYS
    assert (edited["title"], edited["owner"], edited["due"], edited["notes"]) == (
        "Renamed",
        "erin",
        "2027-01-15",
        "new notes",
    )
    assert (edited["initiative"], edited["kpi"], edited["version"]) == (
        "Quality",
        "Reopen rate",
        2,
    )
    assert ok("edit", "1", "--title", "Again").stdout == "edited #1 [plan] Again\n"


def test_edit_of_several_actions_is_one_change_refused_whole(
    team, ok, cli, js, monkeypatch
) -> None:
    """`pdca edit 41 42 --priority high` was "Got unexpected extra argument" (a Taskwarrior
    user: `task 41-43 modify`): now each is edited, as one change that one undo takes back,
    and an id that cannot take it refuses them all, nothing written."""
    for title in ("two", "three", "four"):
        ok("add", title)
    lines = ok("edit", "2", "3-4", "--priority", "high", "--owner", "erin").stdout.splitlines()
    assert lines == ["edited #2 [plan] two", "edited #3 [plan] three", "edited #4 [plan] four"]
    listed = {a["id"]: (a["priority"], a["owner"]) for a in js("list", "--json")}
    assert [listed[i] for i in (2, 3, 4)] == [("high", "erin")] * 3
    assert listed[1][0] == "normal"
    ok("undo")  # one undo: all three back
    listed = {a["id"]: (a["priority"], a["owner"]) for a in js("list", "--json")}
    assert [listed[i] for i in (2, 3, 4)] == [("normal", None)] * 3
    # an undo refused for one of them says the others stay too (it named #3 alone)
    ok("edit", "2", "3", "--priority", "low")
    monkeypatch.setenv("PDCA_USER", "bob")
    ok("edit", "3", "--notes", "bob's")
    monkeypatch.setenv("PDCA_USER", "alice")
    said = one_line_error(cli("undo"))
    assert said.startswith("cannot undo 'edited #3: priority': bob changed #3 since"), said
    assert said.endswith("made as one with 'edited #2: priority', which stays too"), said
    ok("edit", "2", "3", "--priority", "normal", "--notes", "")
    refused = cli("edit", "2,3", "99", "--priority", "low")
    assert one_line_error(refused) == (
        "no action #99; nothing written: the 3 actions stay as they were"  # not #2, #3 edited
    )
    late = cli("edit", "2", "3", "--due", "2020-01-01")  # one note, not a line each
    assert late.stderr == (
        "note: due 2020-01-01 is before today (2026-11-23): #2, #3 are overdue already\n"
    )
    ok("undo")
    assert [a["priority"] for a in js("list", "--json")] == ["normal"] * 4  # nothing written
    assert [a["id"] for a in js("edit", "3", "2", "--priority", "low", "--json")] == [3, 2]
    assert one_line_error(cli("edit", "2", "3", "--title", "x")) == (
        "--title: 'x' names one action: give one ID with it"
    )
    assert "'4-2' is not a range" in one_line_error(cli("edit", "4-2", "--priority", "low"))
    single = js("edit", "2", "--priority", "high", "--json")  # one id: one object, as ever
    assert single["id"] == 2
    # a range or a list is a list, whatever it holds: a script's one match gave an object
    assert [a["id"] for a in js("edit", "2-2", "--priority", "low", "--json")] == [2]
    assert [a["id"] for a in js("edit", "2", "#2", "--priority", "low", "--json")] == [2]
    assert one_line_error(cli("edit", "1--3", "--priority", "low")) == (
        "Invalid value for 'ID...': '1--3' is not an id, a range (12-15) or a list (12,14) of them"
    )
    assert "'1,,2' is not an id, a range" in one_line_error(cli("edit", "1,,2", "--priority", "h"))
    assert one_line_error(cli("edit", "1-1000", "1001-1200", "--priority", "h")) == (
        "edit: 1200 ids given; one edit takes 1000 at most"
    )


@pytest.mark.parametrize("spelling", ["none", "NONE", " None "])
def test_edit_clears_with_none(team, js, spelling: str) -> None:
    cleared = js(
        "edit",
        "1",
        "--owner",
        spelling,
        "--due",
        spelling,
        "--initiative",
        spelling,
        "--kpi",
        spelling,
        "--json",
    )
    assert (cleared["owner"], cleared["due"], cleared["initiative"], cleared["kpi"]) == (
        None,
        None,
        None,
        None,
    )
    assert (cleared["initiative_id"], cleared["kpi_id"]) == (None, None)


def test_edit_without_any_option_is_a_one_line_usage_error(team, cli) -> None:
    message = one_line_error(cli("edit", "1"))
    assert "give at least one of --title" in message


def test_usage_errors_are_one_plain_line(team, cli) -> None:
    """``pdca kpi`` alone printed its whole help on one line; a missing phase listed its
    choices as ``\\tplan, \\tdo`` (a tester)."""
    assert one_line_error(cli("kpi")) == (
        "kpi needs a command: add, edit, import, list, record, remove-reading, show"
        " (pdca kpi --help)"
    )
    assert one_line_error(cli("move", "1")) == (
        "Missing argument 'PHASE'. Choose from: plan, do, check, act"
    )


@pytest.mark.parametrize("as_json", [False, True])
def test_an_edit_that_changes_nothing_says_so_and_undo_is_not_taken_for_it(
    team, ok, cli, as_json: bool
) -> None:
    """A tester's: ``edit 1 --title s1`` with s1 already the title said "edited" and wrote
    nothing, and the ``pdca undo`` after it took back someone's add."""
    ok("add", "Someone's later add")
    title = json.loads(ok("show", "1", "--json").stdout)["action"]["title"]
    result = cli("edit", "1", "--title", title, *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.stderr
    if as_json:
        assert json.loads(result.stdout)["title"] == title
    else:
        assert result.stdout == f"unchanged #1 [plan] {title}\n"
    assert result.stderr == (
        "note: already as given: nothing written (pdca undo would take back an earlier change)\n"
    )
    changed = cli("edit", "1", "--priority", "high")
    assert changed.stdout.startswith("edited #1 ") and changed.stderr == ""


def test_edit_cannot_clear_the_owner_of_an_action_in_do(team, ok, cli) -> None:
    ok("move", "1", "do")
    message = one_line_error(cli("edit", "1", "--owner", "none"))
    assert message == "owner: #1 is in Do, which needs an owner; it stays"


# --------------------------------------------------------------------------- move, done


def test_move_through_every_phase(team, ok, js, cli, monkeypatch) -> None:
    assert ok("move", "1", "do").stdout == "moved #1 [do] Triage rota for L2 tickets\n"
    refused = one_line_error(cli("move", "1", "check"))
    assert refused == (  # with the command that meets it (a trial)
        "#1 cannot move to check: Check needs a check-in or KPI reading since it entered Do:"
        ' pdca checkin 1 "what happened", then move it'
    )
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T09:00:00Z")
    ok("checkin", "1", "Rota live for the EU shift", "--status", "on-track")
    assert js("move", "1", "check", "--json")["phase"] == "check"
    refused = one_line_error(cli("move", "1", "act"))
    assert refused == (
        "#1 cannot move to act: Act needs a verdict (worked, partly or did-not):"
        " pdca move 1 act --verdict VERDICT"
    )
    acted = js("move", "1", "act", "--verdict", "did-not", "--json")
    assert (acted["phase"], acted["verdict"]) == ("act", "did-not")


def test_a_word_from_before_do_opens_no_check_in_the_same_second(team, ok, cli) -> None:
    """Times are kept to the second, and every command here runs at one: a check-in or a
    reading written in Plan, in the second of the move into Do, let the action into Check
    with no word since Do (a newcomer's script). One written after the move, in that same
    second, still counts."""
    ok("checkin", "1", "Planned with the team")  # in Plan
    ok("kpi", "record", "Resolution time", "27.5")  # its KPI, in Plan
    ok("move", "1", "do")
    refused = one_line_error(cli("move", "1", "check"))
    assert refused.startswith("#1 cannot move to check: Check needs a check-in"), refused
    ok("checkin", "1", "Rota live for the EU shift")  # after the move, in its second
    assert ok("move", "1", "check").stdout == "moved #1 [check] Triage rota for L2 tickets\n"
    ok("move", "1", "do")  # back: that check-in was before this move into Do
    refused = one_line_error(cli("move", "1", "check"))
    assert refused.startswith("#1 cannot move to check: Check needs a check-in"), refused
    ok("kpi", "record", "Resolution time", "26")  # a reading after it opens Check
    assert ok("move", "1", "check").stdout.startswith("moved #1 [check] ")
    # An undo puts back the Do it had, with its start: that reading still counts (the
    # undo was taken for a move into Do, and it stopped counting: a retrial)
    ok("undo", "--yes")
    assert ok("move", "1", "check").stdout.startswith("moved #1 [check] ")
    ok("move", "1", "plan")
    ok("undo", "--yes")  # back in Check; and back in Do, by moving it, needs a new word
    ok("move", "1", "do")
    assert one_line_error(cli("move", "1", "check")).startswith("#1 cannot move to check")
    ok("checkin", "1", "Rota in use")  # in Do: counts, though a move undone comes after it
    ok("move", "1", "plan")
    ok("move", "1", "do")
    ok("undo", "--yes")
    ok("undo", "--yes")  # both undone: back in the Do this check-in was made in (a reviewer)
    assert ok("move", "1", "check").stdout.startswith("moved #1 [check] ")


def test_a_kpi_reading_opens_check(team, ok, monkeypatch) -> None:
    """And says so: the move passed without a word, the card still "no check-in" (a new
    lead). A check-in since Do says nothing more."""
    ok("move", "1", "do")
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T09:00:00Z")
    ok("kpi", "record", "Resolution time", "27.5")
    said = ok("move", "1", "check").stdout.splitlines()
    assert said[1] == (
        "note: no check-in since it entered Do: a reading of KPI 'Resolution time' met the"
        " gate (27.5 h, 2026-11-24 09:00 UTC)"
    )
    ok("move", "1", "do")
    ok("checkin", "1", "rota live")
    assert len(ok("move", "1", "check").stdout.splitlines()) == 1


def test_move_refusals_name_the_missing_gate(team, ok, cli) -> None:
    ok("add", "bare")
    assert one_line_error(cli("move", "2", "do")) == (
        "#2 cannot move to do: Do needs an owner and a due date:"
        " pdca edit 2 --owner LOGIN --due DATE, then move it"
    )
    assert "one at a time" in one_line_error(cli("move", "2", "act", "--verdict", "worked"))
    assert one_line_error(cli("move", "2", "plan")) == (
        "#2 cannot move to plan: it is already in Plan"
    )
    for shape in ((), ("--json",)):  # a verdict only goes with Act: never dropped unsaid
        assert one_line_error(cli("move", "1", "do", "--verdict", "worked", *shape)) == (
            "verdict: 'worked' is for the move to Act, not to Do"
        )


def test_a_phase_in_any_case_is_taken_and_done_is_pointed_to_pdca_done(team, ok, js, cli) -> None:
    """``move 1 Do`` and ``list --phase Do`` were refused for the capital (an import takes
    ``DO``); ``move 1 done`` named only the four phases (a Taskwarrior user's trial)."""
    assert js("move", "1", "Do", "--json")["phase"] == "do"
    assert [a["id"] for a in js("list", "--phase", " DO", "--json")] == [1]
    assert one_line_error(cli("move", "1", "done")) == (
        "Invalid value for 'PHASE': 'done' is not a phase (plan, do, check, act): pdca done ID"
        " --decision standardize|adjust|abandon ends an action"
    )
    assert js("list", "--json")[0]["phase"] == "do"  # nothing written


def test_move_backwards_is_free(team, ok, js) -> None:
    ok("move", "1", "do")
    assert js("move", "1", "plan", "--json")["phase"] == "plan"


def test_done_standardize(team, ok, js, monkeypatch) -> None:
    ok("move", "1", "do")
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T09:00:00Z")
    ok("checkin", "1", "going")
    ok("move", "1", "check")
    ok("move", "1", "act", "--verdict", "worked")
    result = ok("done", "1", "--decision", "standardize")
    assert result.stdout == (
        "done (standardize) #1 [act] Triage rota for L2 tickets\n"
        # when its audits come, as adjust names its next cycle (a lead had to look them up)
        "follow-ups: 30-day 2026-12-24, 60-day 2027-01-23, 90-day 2027-02-22 (pdca followups"
        " lists them)\n"
    )
    shown = js("show", "1", "--json")["action"]
    assert (shown["decision"], shown["done_at"]) == ("standardize", "2026-11-24T09:00:00Z")
    assert js("list", "--json") == []
    assert [a["id"] for a in js("list", "--all", "--json")] == [1]


def test_done_adjust_prints_the_next_cycle(team, ok, js) -> None:
    def to_act(title: str) -> None:
        added = js("add", title, "--phase", "do", "--owner", "dana", "--due", "+1w", "--json")
        ok("checkin", str(added["id"]), "going")
        ok("move", str(added["id"]), "check")
        ok("move", str(added["id"]), "act", "--verdict", "partly")

    ok("edit", "1", "--notes", "keep")
    to_act("later")
    done = ok("done", "2", "--decision", "adjust")
    assert done.stdout == "done (adjust) #2 [act] later\nnext cycle 2: #3 [plan] later\n"
    # its move to Do would be refused for want of a due date, unsaid till then (a coach)
    assert done.stderr == "note: Do needs an owner and a due date: pdca edit 3 --due DATE\n"
    assert "  cycle       1; next: #3\n" in ok("show", "2").stdout  # the link forward
    assert "  cycle       2 (follows #2)\n" in ok("show", "3").stdout
    to_act("again")
    result = js("done", "4", "--decision", "adjust", "--json")
    assert set(result) == {"action", "next_cycle"}
    assert list(result["action"]) == ACTION_KEYS and list(result["next_cycle"]) == ACTION_KEYS
    assert result["action"]["decision"] == "adjust"
    child = result["next_cycle"]
    assert (child["id"], child["parent_id"], child["cycle"], child["phase"]) == (5, 4, 2, "plan")


def test_done_abandon_anywhere_json_has_null_next_cycle(team, js) -> None:
    result = js("done", "1", "--decision", "abandon", "--json")
    assert result["next_cycle"] is None
    assert (result["action"]["decision"], result["action"]["phase"]) == ("abandon", "plan")


def test_standardizing_after_a_did_not_verdict_says_so(team, ok, cli) -> None:
    ok("move", "1", "do")
    ok("checkin", "1", "tried", "--status", "on-track")
    ok("move", "1", "check")
    ok("move", "1", "act", "--verdict", "did-not")
    # in the card's words wherever it is read (did-not here, "did not work" there, a newcomer)
    assert "phase       act, verdict did not work" in ok("show", "1").stdout
    assert "check → act, verdict did not work" in ok("standup").stdout
    result = cli("done", "1", "--decision", "standardize")
    assert result.exit_code == 0
    assert result.stderr == (
        "note: #1's verdict was 'did not work': standardized all the same, and its follow-ups will"
        " check whether it holds\n"
    )


def test_done_refusals(team, ok, cli) -> None:
    assert one_line_error(cli("done", "1")) == (
        "done: give --decision: standardize or adjust (from Act; standardize anywhere for"
        " a round of repeating work), or abandon"
    )
    assert one_line_error(cli("done", "1", "--decision", "standardize")).startswith(
        "#1 cannot be done: standardize is decided in Act, and it is in Plan"
    )
    ok("done", "1", "--decision", "abandon")
    assert one_line_error(cli("done", "1", "--decision", "abandon")) == (
        "#1 cannot be done: it is done already"
    )
    # who finished it and when (a check-in refused so named nobody, a team's trial)
    assert one_line_error(cli("checkin", "1", "late")) == (
        "#1 is done (abandon, by you at 2026-11-23 09:00 UTC)"
    )


# --------------------------------------------------------------------------- check-ins


@pytest.mark.parametrize("status", ["on-track", "at-risk", "blocked"])
def test_checkin_with_status(team, ok, js, status: str) -> None:
    assert ok("checkin", "1", "note", "--status", status).stdout == (
        f"checked in on #1 ({status})\n"
    )
    written = js("checkin", "#1", "another", "--status", status, "--json")
    assert list(written) == CHECKIN_KEYS
    assert (written["action_id"], written["author"], written["status"]) == (1, "alice", status)
    assert (written["message"], written["at"], written["kind"]) == ("another", NOW, "checkin")
    action = js("list", "--json")[0]
    assert (action["last_checkin_at"], action["last_checkin_status"]) == (NOW, status)


def test_checkin_status_defaults_to_on_track(team, js) -> None:
    assert js("checkin", "1", "fine", "--json")["status"] == "on-track"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("blocked", "blocked"),
        ("At risk", "at-risk"),
        ("on_track", "on-track"),
        ("ONTRACK", "on-track"),
        ("Blocked…", "blocked"),  # the punctuation around it is no word (a retrial)
        ("«at risk?»", "at-risk"),
    ],
)
def test_a_message_that_is_only_another_status_is_refused(team, cli, ok, js, typed, meant) -> None:
    """``pdca checkin 1 blocked`` saved an on-track check-in saying "blocked" (a Taskwarrior
    user's trial), and with --status on-track it did still (a review): a message that is only
    a status word other than the one recorded is refused, the option named; nothing written.
    The board's form refuses the same."""
    other = "on-track" if meant != "on-track" else "blocked"
    ok("checkin", "1", "stage set", "--status", other)  # the status a check-in keeps
    written = len(js("log", "--action", "1", "--json"))
    assert one_line_error(cli("checkin", "1", typed)) == (
        f"message: {typed!r} is a status, not what happened: pdca checkin 1 MESSAGE --status"
        f" {meant}"
    )
    assert one_line_error(cli("checkin", "1", typed, "--status", other)) == (
        f"message: {typed!r} is a status, not what happened (--status is {other})"
    )
    assert len(js("log", "--action", "1", "--json")) == written
    assert ok("checkin", "1", typed, "--status", meant).stdout.startswith("checked in on #1")
    said = ok("checkin", "1", "Blocked by vendor").stderr
    if meant != "blocked":  # as before: blocked, said
        assert said == (
            "note: the message begins 'blocked', the check-in is"
            f" {meant}: pdca checkin 1 MESSAGE --status blocked says it is\n"
        )
    else:
        assert said == ""
    # the status kept is the one it names now: nothing is said against it
    assert ok("checkin", "1", f"{typed}.").stdout.startswith(f"checked in on #1 ({meant}")


# --------------------------------------------------------------------------- list


@pytest.fixture
def board(ok, monkeypatch) -> None:
    """Five actions made on NOW; the clock then moves to 2026-12-03 (ten days on)."""
    ok("initiative", "add", "Ops")
    ok("add", "Alpha", "--owner", "dana", "--due", "2026-11-30")  # 1: overdue, stale
    ok("add", "Beta", "--owner", "bob", "--initiative", "Ops")  # 2: stale
    ok("add", "Gamma", "--owner", "dana", "--due", "2026-12-31")  # 3
    ok("add", "Delta", "--due", "2026-12-01")  # 4: overdue, stale
    ok("add", "Epsilon", "--initiative", "Ops")  # 5: done
    ok("move", "1", "do")
    ok("move", "3", "do")
    ok("done", "5", "--decision", "abandon")
    monkeypatch.setenv("PDCA_NOW", "2026-11-27T09:00:00Z")
    ok("checkin", "3", "fresh")
    monkeypatch.setenv("PDCA_NOW", "2026-12-03T09:00:00Z")


def listed_ids(js, *args: str) -> list[int]:
    return [a["id"] for a in js("list", *args, "--json")]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), [4, 2, 1, 3]),
        (("--all",), [4, 2, 5, 1, 3]),
        (("--owner", "dana"), [1, 3]),
        (("--owner", "none"), [4]),
        (("--phase", "do"), [1, 3]),
        (("--phase", "plan"), [4, 2]),
        (("--initiative", "Ops"), [2]),
        (("--initiative", "Ops", "--all"), [2, 5]),
        (("--overdue",), [4, 1]),
        (("--stale",), [4, 2, 1]),
        (("--stale", "--owner", "dana"), [1]),
        (("--limit", "3"), [4, 2, 1]),
        # a Taskwarrior user's due.before: (a power user's morning): by is on or before
        (("--due-by", "2026-12-01"), [4, 1]),
        (("--due-after", "2026-12-01"), [3]),
        (("--due-after", "2026-11-30", "--due-by", "eom"), [4, 3]),
        (("--due-by", "2026-11-30", "--all"), [1]),
    ],
)
def test_list_filters(board, js, args: tuple[str, ...], expected: list[int]) -> None:
    assert listed_ids(js, *args) == expected


def test_every_choice_is_taken_in_any_case(board, ok, js) -> None:
    """move PLAN and --priority H were taken, --status Blocked, --format JSON, --direction UP
    and --cadence Daily refused (a hostile trial): a choice is one in any case."""
    ok("checkin", "1", "waiting on the vendor", "--status", "Blocked")
    assert js("log", "--action", "1", "--json")[0]["status"] == "blocked"
    assert js("export", "--format", "JSON")["format"] == "pdca-export"
    ok("kpi", "add", "Uptime", "--unit", "%", "--baseline", "99", "--target", "99.9",
       "--direction", "UP", "--cadence", "Daily")  # fmt: skip
    kpi = js("kpi", "show", "Uptime", "--json")["kpi"]
    assert (kpi["direction"], kpi["cadence"]) == ("up", "daily")
    assert ok("standup", "--format", "MD").stdout.startswith("**Stand-up**")


@pytest.mark.parametrize("after", ["2027-01-01", "2026-12-31"])
def test_list_due_after_its_due_by_is_refused(board, cli, after: str) -> None:
    """No day is after the one and by the other: "no actions match", exit 0, where log
    refuses its own empty window (a hostile trial)."""
    refused = one_line_error(cli("list", "--due-by", "2026-12-31", "--due-after", after))
    assert refused == f"--due-after: '{after}' is not before --due-by '2026-12-31'"


@pytest.mark.parametrize("after", ["+1w", "yesterday"])
def test_list_overdue_due_after_yesterday_is_refused(board, cli, after: str) -> None:
    """Overdue is due before today: "no actions match", exit 0, for a window that holds no
    such day (a retrial); the day before yesterday still lists."""
    refused = one_line_error(cli("list", "--overdue", "--due-after", after))
    assert refused == f"--due-after: '{after}' leaves nothing overdue (due before today)"
    assert cli("list", "--overdue", "--due-after", "-3d").exit_code == 0


def test_list_limit_says_when_more_match(board, cli) -> None:
    """``--limit 3`` said nothing of the rest, where ``log --limit`` does (a programme lead):
    a note on stderr, the table or the JSON left as they were."""
    import json

    cut = cli("list", "--limit", "3")
    assert cut.exit_code == 0 and len(cut.stdout.splitlines()) == 4  # the header and three
    assert cut.stderr == "note: the first 3 shown; more match (--limit N shows more)\n"
    as_json = cli("list", "--limit", "3", "--json")
    assert [a["id"] for a in json.loads(as_json.stdout)] == [4, 2, 1]
    assert "more match" in as_json.stderr
    whole = cli("list", "--limit", "4")
    assert len(whole.stdout.splitlines()) == 5 and whole.stderr == ""


def test_list_json_shape(board, js) -> None:
    actions = js("list", "--all", "--json")
    assert all(list(a) == ACTION_KEYS for a in actions)
    by_id = {a["id"]: a for a in actions}
    assert (by_id[1]["overdue"], by_id[1]["stale"], by_id[1]["days_since_checkin"]) == (
        True,
        True,
        10,
    )
    assert (by_id[3]["overdue"], by_id[3]["stale"], by_id[3]["days_since_checkin"]) == (
        False,
        False,
        6,
    )
    assert by_id[5]["done_at"] == NOW and by_id[5]["decision"] == "abandon"
    assert by_id[2]["initiative"] == "Ops" and by_id[2]["initiative_id"] == 1


def test_list_text_table(board, ok) -> None:
    lines = ok("list", "--all").stdout.splitlines()
    header = ["ID", "PHASE", "OWNER", "PRI", "DUE", "CHECK-IN", "TITLE"]
    assert re.split(r"\s{2,}", lines[0]) == header
    rows = {line.split()[0]: line for line in lines[1:]}
    assert list(rows) == ["#4", "#2", "#5", "#1", "#3"]
    assert re.split(r"\s{2,}", rows["#1"]) == [
        "#1",
        "do",
        "dana",
        "-",
        "2026-11-30 !",
        "no check-in stale",
        "Alpha",
    ]
    assert re.split(r"\s{2,}", rows["#5"])[1] == "done"
    assert re.split(r"\s{2,}", rows["#2"])[4] == "-"
    assert re.split(r"\s{2,}", rows["#3"])[5] == "6 days ago"
    # a blocked or at-risk check-in is said, as the board's mark says it (a colour-blind
    # trial: "today" beside an on-track one's "today")
    ok("checkin", "3", "waiting on DBA", "--status", "blocked")
    ok("checkin", "2", "fine", "--status", "on-track")
    rows = {line.split()[0]: line for line in ok("list").stdout.splitlines()[1:]}
    assert re.split(r"\s{2,}", rows["#3"])[5] == "today blocked"
    assert re.split(r"\s{2,}", rows["#2"])[5] == "today"


def test_list_with_nothing_to_show(ok, cli) -> None:
    """A new file says it has none yet, and how to add one ("no actions match" read as if a
    filter were on, a lead's day one); a filter that shows none says so."""
    ok("init")
    result = cli("list")
    said = "no actions yet: pdca add TITLE adds one\n"
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", said)
    assert ok("list", "--json").stdout == "[]\n"
    ok("add", "x")
    ok("done", "1", "--decision", "abandon")
    result = cli("list")  # all of them done: said so, not as a filter's (a retrial)
    said = "no open actions (pdca list --all shows the done ones)\n"
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", said)
    result = cli("list", "--owner", "none")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no actions match\n")
    assert ok("list", "--all").stdout.splitlines()[1].startswith("#1")


def test_list_owner_must_be_one_of_the_files_people(board, cli, ok) -> None:
    """A typo (--owner BOB) listed nothing, as if bob had no work (a tester)."""
    assert one_line_error(cli("list", "--owner", "BOB")) == (
        "--owner: 'BOB' is not one of this file's people; did you mean bob?"
    )
    assert one_line_error(cli("list", "--owner", "zed")) == (
        "--owner: 'zed' is not one of this file's people (its people: bob, dana)"
    )
    # one's own login in capitals, not yet one of the file's people: named, as add names it
    # (list --owner Ann listed the file's people, a docs trial)
    assert one_line_error(cli("list", "--owner", "Alice")) == (  # PDCA_USER is alice
        "--owner: 'Alice' is not one of this file's people; did you mean alice?"
    )


def test_owner_me_lists_nothing_for_someone_new_to_the_file(board, cli, monkeypatch) -> None:
    """A newcomer's `list --owner me` was refused as a typo, "'root' is not one of this
    file's people" (a trial): nothing is theirs yet, and that is what it says."""
    monkeypatch.setenv("PDCA_USER", "newbie")
    result = cli("list", "--owner", "me")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no actions match\n")
    assert cli("list", "--owner", "me", "--json").stdout == "[]\n"
    assert one_line_error(cli("list", "--owner", "newbee")).startswith(
        "--owner: 'newbee' is not one of this file's people"
    )


def test_me_is_the_person_at_the_keyboard_and_a_priority_its_first_letters(
    board, js, cli, ok, monkeypatch
) -> None:
    """`--owner me` was "not one of this file's people" and `--priority h` not a priority (a
    Taskwarrior user's morning: Linear's "My issues", Taskwarrior's priority:H)."""
    monkeypatch.setenv("PDCA_USER", "dana")
    assert listed_ids(js, "--owner", "me") == listed_ids(js, "--owner", "dana") == [1, 3]
    assert listed_ids(js, "--owner", "Me", "--phase", "do") == [1, 3]
    ok("add", "Mine", "--owner", "me", "--priority", "H")
    (mine,) = [a for a in js("list", "--json") if a["title"] == "Mine"]
    assert (mine["owner"], mine["priority"]) == ("dana", "high")
    assert listed_ids(js, "--priority", "hi") == [mine["id"]]
    ok("edit", str(mine["id"]), "--priority", "l", "--owner", "ME")
    assert [a["priority"] for a in js("list", "--json") if a["title"] == "Mine"] == ["low"]
    assert "'x' is not one of 'high', 'normal', 'low'" in one_line_error(
        cli("list", "--priority", "x")
    )
    # with the other words it takes: urgent, P3 and medium looked refused (a newcomer)
    assert "(or h, n, l, P0-P5, Urgent" in one_line_error(cli("add", "T", "--priority", "urgent2"))
    assert "(or h, n, l, P0-P5, Urgent" in one_line_error(cli("add", "T", "--priority", ""))
    assert [a["id"] for a in js("log", "--owner", "me", "--json")] == [
        a["id"] for a in js("log", "--owner", "dana", "--json")
    ]
    # in a comma list too: it made a person named "me" (a retrial)
    ok("kpi", "add", "Pages", "--unit", "n", "--baseline", "9", "--target", "3",
       "--owner", "bob", "--escalate-to", "me,bob2")  # fmt: skip
    (pages,) = [k for k in js("kpi", "list", "--json") if k["name"] == "Pages"]
    assert pages["escalation"] == ["dana", "bob2"]
    assert "me" not in [p["login"] for p in js("owners", "--json")]


def test_list_text_finds_words_owners_and_ids_as_the_boards_filter_does(board, js, cli) -> None:
    """A Taskwarrior user's `pdca list review` found nothing (no search on the CLI)."""
    everything = js("list", "--all", "--json")
    word = everything[0]["title"].split()[0].upper()
    found = js("list", "--all", "--text", word, "--json")
    assert found and all(word.lower() in (a["title"] + a["notes"]).lower() for a in found)
    assert [a["id"] for a in js("list", "--all", "--text", "#3", "--json")] == [3]
    assert one_line_error(cli("list", "--text", " ")) == "--text: ' ' is empty"


def test_an_option_given_as_another_options_value_is_refused(ok, cli, db_path: Path) -> None:
    """``--note --json`` saved the note "--json" and printed text, not JSON; ``--unit
    --baseline`` made the unit "--baseline" (a tester). Refused in one line, nothing written;
    ``--notes=--due`` still means the text."""
    ok("add", "Seed")

    def events_count() -> int:
        conn = sqlite3.connect(db_path)
        try:
            return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
        finally:
            conn.close()

    before = events_count()
    for args, said in [
        (["add", "T", "--notes", "--due"], "--notes needs a value, and --due is one of"),
        (["kpi", "add", "KZ", "--unit", "--baseline", "--baseline", "3"], "--unit needs a value"),
        (["--db", "--version"], "--db needs a value, and --version is one of"),
        # a subcommand's option before the command's name: "init" made a file named "--json"
        (["--db", "--json", "init"], "--db needs a value, and --json starts with -- as an"),
        (["add", "T", "--owner", "--json=1"], "--owner needs a value, and --json=1 is one of"),
        (["add", "T", "--notes", "--", "--json"], "--notes needs a value, and -- is none"),
    ]:
        assert one_line_error(cli(*args)).startswith(said), args
    assert events_count() == before
    assert "--due" in ok("add", "T", "--notes=--due", "--json").stdout


def test_list_text_finds_letters_beyond_ascii_in_any_case_and_either_spelling(ok, js) -> None:
    """SQLite's lower() changes ASCII letters only: "Über" found nothing in "Überprüfung der
    Ölpumpe", nor "café" in a title typed with a combining accent (a tester)."""
    ok("add", "Überprüfung der Ölpumpe")
    ok("add", "Cafe\u0301 bar rota")
    ok("add", "Straße sweep")
    ok("add", "İstanbul ışık rota")  # "İ" lowers to "i" and a dot: "istanbul" missed it
    ok("add", "Oven at 5\u212a", "--notes", "Kelvin sign")  # lowers to an ASCII k
    # folded as a search box folds them: "STRASSE", a ligature's "ﬁ", a soft hyphen, the
    # Arabic and Persian yeh (a retrial found none of them); what is typed as it stands is
    # found as it stands ("m²", "CO₂": a reviewer found them no more once folded to "m2")
    ok("add", "ﬁnance m² CO₂ soft\u00adhyphen", "--notes", "هفتگی")
    for typed, ids in [
        ("Über", [1]), ("über", [1]), ("ÖLPUMPE", [1]), ("prüfung", [1]),
        ("café", [2]), ("Cafe\u0301", [2]), ("CAFÉ", [2]), ("straße", [3]), ("strasse", [3]),
        ("STRASSE", [3]), ("istanbul", [4]), ("İSTANBUL", [4]), ("ışık", [4]), ("5k", [5]),
        ("kelvin", [5]), ("finance", [6]), ("m²", [6]), ("CO₂", [6]), ("softhyphen", [6]),
        ("هفتگي", [6]), ("m2", []),
    ]:  # fmt: skip
        assert [a["id"] for a in js("list", "--text", typed, "--json")] == ids, typed
    ok("initiative", "add", "İyileştirme")
    assert js("add", "x", "--initiative", "iyileştirme", "--json")["initiative"] == "İyileştirme"


def test_reassign_gives_every_open_action_and_undo_takes_it_back(board, ok, js, cli) -> None:
    """Someone leaves: their open work to another owner in one change (a tester looped over
    list --json with edit); done ones keep their owner; one undo reverts it all."""
    before = {a["id"]: a["owner"] for a in js("list", "--all", "--json")}
    dana_open = js("list", "--owner", "dana", "--json")
    result = ok("reassign", "dana", "erin")
    assert result.stdout.startswith(f"handed {len(dana_open)} open action")
    assert "erin is new to this file" in result.stderr
    after = {a["id"]: a["owner"] for a in js("list", "--all", "--json")}
    changed = {i for i in before if before[i] != after[i]}
    assert changed and all(before[i] == "dana" and after[i] == "erin" for i in changed)
    assert js("list", "--owner", "dana", "--json") == []
    assert ok("undo").stdout.count("(reassign)") == len(changed)
    assert {a["id"]: a["owner"] for a in js("list", "--all", "--json")} == before
    assert one_line_error(cli("reassign", "DANA", "erin")) == (
        "FROM: 'DANA' is not one of this file's people; did you mean dana?"
    )
    assert one_line_error(cli("reassign", "dana", "dana")) == "TO: 'dana' owns them already"
    assert "is not a login" in one_line_error(cli("reassign", "dana", "b d"))
    # none and pdca are no people; a case typo of one is refused before anything moves
    assert "means nobody" in one_line_error(cli("reassign", "dana", "none"))
    assert "is pdca's own name" in one_line_error(cli("reassign", "dana", "pdca"))
    assert one_line_error(cli("reassign", "dana", "BOB")).endswith("did you mean bob?")
    assert js("list", "--owner", "dana", "--json")  # nothing handed over by those


def test_reassign_makes_a_done_repeat_rules_next_action_for_the_new_owner(ok, js) -> None:
    ok("add", "Sample tickets", "--owner", "dana", "--every", "week wed")
    ok("done", "1", "--decision", "abandon")
    said = ok("reassign", "dana", "erin").stdout.splitlines()
    assert said == ["made the next repeat for erin now (due 2026-12-02): #2 [plan] Sample tickets"]
    handed = js("reassign", "erin", "dana", "--json")
    assert (handed["actions"], handed["repeats"]) == ([2], [])  # open: handed, not made


def test_reassign_names_the_kpis_and_initiatives_left_with_the_person(ok) -> None:
    """A tester's: carol left, her actions were handed over, and her KPI raised its next
    alert for her, to miss a deadline before anyone else saw it."""
    ok("init")
    ok("kpi", "add", "Build failures", "--unit", "x", "--baseline", "9", "--target", "3",
       "--owner", "carol")  # fmt: skip
    ok("kpi", "add", "Lead", "--unit", "h", "--baseline", "9", "--target", "3", "--owner",
       "dave", "--escalate-to", "carol")  # fmt: skip
    ok("initiative", "add", "Faster", "--owner", "carol")
    ok("kpi", "add", "Cost", "--unit", "EUR", "--baseline", "9", "--target", "3")
    ok("add", "hers", "--owner", "carol")
    told = ok("reassign", "carol", "erin").stderr.splitlines()
    assert told[-1] == (
        "note: carol still answers for KPI Build failures (owner); KPI Lead (escalation path);"
        " initiative Faster (owner) (pdca kpi edit NAME --owner / --escalate-to, pdca"
        " initiative edit NAME --owner)"
    )
    dave = ok("reassign", "dave", "erin", "--json")  # said with --json too, on stderr
    assert "note: dave still answers for KPI Lead (owner) (" in dave.stderr
    assert json.loads(dave.stdout)["from"] == "dave"
    ok("kpi", "edit", "Lead", "--owner", "erin")
    assert "still answers" not in ok("reassign", "dave", "erin").stderr
    # An alert waiting for someone who left is named too (nobody else heard of it until it
    # missed its deadline, a lead's trial); acknowledged, it is theirs no more.
    ok("kpi", "edit", "Lead", "--owner", "dave", "--alert", "5")
    ok("kpi", "record", "Lead", "8")
    told = ok("reassign", "dave", "erin").stderr
    assert (
        "note: dave still answers for KPI Lead (owner); alert #1 on Lead (waiting for them)" in told
    )
    assert "pdca alerts ack ID MESSAGE" in told
    ok("alerts", "ack", "1", "erin looks into it")
    told = ok("reassign", "dave", "erin").stderr
    assert "alert #1" not in told and "alerts ack" not in told  # the ways of what is held


def test_follow_ups_to_do_go_with_their_owner(board, ok, js) -> None:
    """A standardized action's audits stayed with its old owner after reassign and after an
    edit of the owner, reminded for good (a tester)."""
    done = js("add", "audit me", "--owner", "erin", "--json")["id"]
    for phase in ("do", "check"):
        ok("edit", str(done), "--due", "+3d")
        ok("checkin", str(done), "progress")
        ok("move", str(done), phase)
    ok("move", str(done), "act", "--verdict", "worked")
    ok("done", str(done), "--decision", "standardize")

    def owners_of_audits() -> set[str | None]:
        return {f["owner"] for f in js("followups", "--json") if f["action_id"] == done}

    assert owners_of_audits() == {"erin"}
    said = ok("reassign", "erin", "zed").stdout
    assert said == "handed 0 open actions and 3 follow-ups to do from erin to zed\n"
    assert owners_of_audits() == {"zed"}
    ok("edit", str(done), "--owner", "dana")
    assert owners_of_audits() == {"dana"}
    ok("undo")
    assert owners_of_audits() == {"zed"}
    ok("undo")
    assert owners_of_audits() == {"erin"}


def test_undo_is_never_stuck_on_a_write_that_only_made_a_person(board, ok, cli, js) -> None:
    """reassign of nobody's work once made TO a person and nothing else; undo then chose that
    change, skipped the person, wrote nothing, and chose it again for good (a tester)."""
    gone = js("add", "gone", "--owner", "erin", "--json")["id"]
    ok("done", str(gone), "--decision", "abandon")  # erin: a person with no open action now
    ok("edit", "1", "--notes", "mine")
    assert ok("reassign", "erin", "zed").stderr.startswith("erin owns no open action and no")
    assert ok("undo").stdout == "undid: “edited #1: notes”\n"


def test_undo_passes_over_a_change_that_only_made_a_person(store, db_path) -> None:
    """A write that made a person and changed nothing else: undo chose it, skipped the
    person, wrote nothing, and chose it again, for good (a tester)."""
    from pdca.db.models import ActionDraft

    store.add_action(ActionDraft(title="mine"))
    with store.write() as tx:
        store.ensure_person(tx, "zed")
    undone = store.undo()
    assert len(undone.summaries) == 1 and "#1" in undone.summaries[0], undone.summaries


def test_list_limit_must_be_positive(ok, cli) -> None:
    ok("init")
    assert "--limit" in one_line_error(cli("list", "--limit", "0"))


# --------------------------------------------------------------------------- show


def test_show_text(team, ok, monkeypatch) -> None:
    ok("edit", "1", "--notes", "first line\nsecond line")
    ok("move", "1", "do")
    monkeypatch.setenv("PDCA_NOW", "2026-11-25T09:00:00Z")
    ok("checkin", "1", "Rota live", "--status", "at-risk")
    text = ok("show", "1").stdout
    lines = text.splitlines()
    assert lines[0] == "#1 Triage rota for L2 tickets"
    assert "  phase       do" in lines
    assert "  owner       dana" in lines
    assert "  due         2026-12-07" in lines
    assert "  priority    normal" in lines
    assert "  initiative  Faster support" in lines
    assert "  kpi         Resolution time" in lines
    assert "  cycle       1" in lines
    assert "  check-in    today" in lines
    assert "  created     2026-11-23T09:00:00Z by alice" in lines
    assert "  version     3 (changed 2026-11-23T09:00:00Z)" in lines
    assert lines[lines.index("notes:") + 1 : lines.index("notes:") + 3] == [
        "  first line",
        "  second line",
    ]
    assert "check-ins (1):" in lines
    assert "  2026-11-25T09:00:00Z  alice  at-risk  Rota live" in lines
    history = lines[lines.index("history:") + 1 :]
    assert history == [
        f"  {NOW}  alice  added #1",
        f"  {NOW}  alice  edited #1: notes",
        "      notes: — → first line\\nsecond line",  # what it changed, as the board says
        f"  {NOW}  alice  moved #1 from plan to do",
        "  2026-11-25T09:00:00Z  alice  checked in on #1 (at-risk)",
    ]


def test_show_text_of_a_bare_action(ok) -> None:
    ok("add", "bare", "--priority", "high")
    lines = ok("show", "1").stdout.splitlines()
    assert "  priority    high" in lines
    assert "  owner       -" in lines and "  due         -" in lines
    assert "check-ins (0):" in lines and "  none yet" in lines
    assert "  check-in    no check-in" in lines
    assert "notes:" not in lines


def test_show_breaks_notes_at_line_ends_alone_and_escapes_the_other_separators(ok) -> None:
    """splitlines() broke notes at "\\r", U+2028 and U+2029 as well, which the README says
    are shown escaped: a note could fake lines of ``show``'s own (a tester)."""
    ok("add", "seps", "--notes", "a\u2028b\u2029c\rd\nsecond line\n")
    shown = ok("show", "1").stdout
    notes = shown.split("notes:\n", 1)[1].split("\n\n", 1)[0]
    assert notes.split("\n") == ["  a\\u2028b\\u2029c\\rd", "  second line"]


def test_show_json(team, ok, js) -> None:
    ok("checkin", "1", "first", "--status", "blocked")
    ok("move", "1", "do")
    shown = js("show", "#1", "--json")
    assert list(shown) == ["action", "checkins", "history", "names", "next_cycles", "followups"]
    assert shown["next_cycles"] == [] and shown["followups"] == []
    assert list(shown["action"]) == ACTION_KEYS
    assert [list(c) for c in shown["checkins"]] == [CHECKIN_KEYS]
    assert shown["checkins"][0]["message"] == "first"
    assert all(list(e) == EVENT_KEYS for e in shown["history"])
    ops = [(e["entity"], e["op"]) for e in shown["history"]]
    assert ops == [("action", "create"), ("checkin", "create"), ("action", "update")]
    move = shown["history"][-1]
    assert (move["before"]["phase"], move["after"]["phase"]) == ("plan", "do")
    assert move["actor"] == "alice" and move["undo_of"] is None
    assert move["entity_id"] == 1


def test_show_unknown_action(ok, cli) -> None:
    ok("init")
    assert one_line_error(cli("show", "42")) == "no action #42"


# --------------------------------------------------------------------------- initiatives


def test_initiative_add_and_list(ok, js, db_path: Path) -> None:
    assert ok("initiative", "add", "Ops").stdout == "added initiative Ops\n"
    made = js(
        "initiative", "add", "Faster support", "--objective", "Cut 20%", "--owner", "dana", "--json"
    )
    assert (made["name"], made["objective"], made["owner"], made["version"]) == (
        "Faster support",
        "Cut 20%",
        "dana",
        1,
    )
    ok("add", "x", "--initiative", "Ops")
    listed = js("initiative", "list", "--json")
    # Worst health first: Faster support has nothing planned (at risk); Ops a fresh action,
    # and nothing to measure whether it works (at risk too)
    assert [(i["name"], i["open_actions"]) for i in listed] == [("Faster support", 0), ("Ops", 1)]
    assert [(i["health"], i["reasons"]) for i in listed] == [
        ("at-risk", ["nothing planned: no open action, no KPI"]),
        ("at-risk", ["no KPI of its own measures it"]),
    ]
    stored = _columns(db_path, "initiatives")
    assert all(stored <= set(i) for i in listed)
    text = ok("initiative", "list").stdout.splitlines()
    assert re.split(r"\s{2,}", text[0]) == [
        "NAME", "HEALTH", "OWNER", "OPEN P/D/C/A", "KPIS", "BY", "WHY"
    ]  # fmt: skip
    assert re.split(r"\s{2,}", text[1]) == [
        "Faster support", "AT RISK", "dana", "0/0/0/0", "0", "-",
        "nothing planned: no open action, no KPI",
    ]  # fmt: skip


def test_initiative_names_are_unique(ok, cli) -> None:
    ok("initiative", "add", "Ops")
    assert one_line_error(cli("initiative", "add", "ops")) == (
        "name: 'ops' is taken by the initiative 'Ops'"
    )


def _columns(path: Path, table: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    finally:
        conn.close()


# --------------------------------------------------------------------------- KPIs


@pytest.mark.parametrize(
    ("baseline", "target", "given", "expected"),
    [
        ("30", "24", None, "down"),
        ("80", "95", None, "up"),
        ("5", "5", None, "up"),
        ("30", "24", "up", "up"),
    ],
)
def test_kpi_direction_defaults_to_the_way_to_target(
    js, baseline: str, target: str, given: str | None, expected: str
) -> None:
    args = ["kpi", "add", "K", "--unit", "h", "--baseline", baseline, "--target", target]
    if given:
        args += ["--direction", given]
    assert js(*args, "--json")["direction"] == expected


def test_kpi_add_with_every_option(ok, js, db_path: Path) -> None:
    ok("initiative", "add", "Faster support")
    made = js(
        "kpi",
        "add",
        "Resolution time",
        "--unit",
        "h",
        "--baseline",
        "30",
        "--target",
        "24",
        "--direction",
        "down",
        "--warn",
        "32",
        "--alert",
        "34.5",
        "--owner",
        "dana",
        "--target-date",
        "+1m",
        "--initiative",
        "Faster support",
        "--json",
    )
    assert _columns(db_path, "kpis") <= set(made)
    assert (made["baseline"], made["target"], made["warn"], made["alert"]) == (30, 24, 32, 34.5)
    assert (made["target_date"], made["owner"], made["initiative"]) == (
        "2026-12-23",
        "dana",
        "Faster support",
    )
    assert ok("kpi", "add", "Cost", "--unit", "EUR", "--baseline", "1e3", "--target", "800").stdout
    assert made["latest_value"] is None


def test_kpi_record_and_list(ok, js, db_path: Path) -> None:
    ok("kpi", "add", "Resolution time", "--unit", "h", "--baseline", "30", "--target", "24")
    text = ok("kpi", "record", "Resolution time", "27.5").stdout
    assert text == f"recorded 27.5 for Resolution time at {NOW}\n"
    older = js(
        "kpi",
        "record",
        "resolution time",
        "29",
        "--at",
        "2026-11-20T08:00:00+01:00",
        "--note",
        "backfill",
        "--json",
    )
    assert older["at"] == "2026-11-20T07:00:00Z"
    assert (older["value"], older["note"], older["kpi"], older["author"]) == (
        29,
        "backfill",
        "Resolution time",
        "alice",
    )
    assert _columns(db_path, "kpi_readings") <= set(older)
    listed = js("kpi", "list", "--json")
    assert len(listed) == 1 and _columns(db_path, "kpis") <= set(listed[0])
    assert (listed[0]["latest_value"], listed[0]["latest_at"]) == (27.5, NOW)
    lines = ok("kpi", "list").stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == [
        "NAME",
        "STATUS",
        "LATEST",
        "TARGET",
        "TREND",
        "SIGNAL",
        "OWNER",
        "PERSPECTIVE",
    ]
    assert re.split(r"\s{2,}", lines[1]) == [
        "Resolution time",
        "ok",
        "27.5 h",
        "24 h",  # the target in its unit, as the latest value is (a new user)
        "better (falling)",
        "-",
        "-",
        "quality",
    ]


def test_negative_kpi_values(ok, js) -> None:
    made = js(
        "kpi",
        "add",
        "Margin",
        "--unit",
        "%",
        "--baseline",
        "-5",
        "--target",
        "2",
        "--warn",
        "-7",
        "--json",
    )
    assert (made["baseline"], made["target"], made["warn"], made["direction"]) == (-5, 2, -7, "up")
    # A negative reading is a value, not an unknown option.
    assert ok("kpi", "record", "Margin", "-3.5").stdout.startswith("recorded -3.5 for Margin")
    older = js("kpi", "record", "Margin", "--at", "2026-11-20", "-4", "--note", "n", "--json")
    assert (older["value"], older["at"], older["note"]) == (-4, "2026-11-20T00:00:00Z", "n")
    assert js("kpi", "list", "--json")[0]["latest_value"] == -3.5


# --------------------------------------------------------------------------- undo


def test_undo_text_and_json(team, ok, js, cli) -> None:
    ok("checkin", "1", "hi")  # its action is the one it touched ("actions": [], a soak)
    assert js("undo", "--json")["actions"] == [1]
    ok("move", "1", "do")
    assert ok("undo").stdout == "undid: “moved #1 from plan to do”\n"
    assert js("show", "1", "--json")["action"]["phase"] == "plan"
    undone = js("undo", "--json")
    assert list(undone) == ["tx", "summaries", "actions", "after"]
    assert undone["summaries"] == ["added #1"] and undone["actions"] == [1]
    assert js("list", "--json") == []
    ok("undo")  # the KPI
    ok("undo")  # the initiative
    assert one_line_error(cli("undo")) == "nothing to undo: alice has no change left to revert"


def test_undo_at_a_terminal_names_the_change_and_asks_first(team, ok, js, env) -> None:
    """One undo too many took an action away, nothing to bring it back (a trial): at a
    terminal, as Taskwarrior's undo, it names the change and asks; no is nothing written,
    yes undoes that one. A script's pipe, --yes and --json are never asked."""
    import sys

    from tests.pty_run import run_on_a_terminal

    ok("add", "One undo too many")
    pdca = [sys.executable, "-m", "pdca.tui", "undo"]
    status, shown = run_on_a_terminal(pdca, env, typed=b"n\n")
    said = shown.decode().replace("\r", "")
    assert status == 1  # nothing done, as a refusal says
    assert "undo “added #2” (yours, 2026-11-23 09:00 UTC)? [y/N]: " in said
    assert said.endswith("pdca: nothing undone\n")
    assert [a["id"] for a in js("list", "--json")] == [1, 2]
    # Any other answer is a no, said once: "maybe" and ESC were met by click's "Error:
    # invalid input" and the question again (a hostile trial)
    for typed in (b"maybe\n", b"\x1b\n", b"YES please\n"):
        status, shown = run_on_a_terminal(pdca, env, typed=typed)
        said = shown.decode().replace("\r", "")
        assert status == 1 and said.endswith("pdca: nothing undone\n"), said
        assert "invalid" not in said and said.count("[y/N]") == 1, said
    status, shown = run_on_a_terminal(pdca, env, typed=b"\x04")  # ctrl+d: a line of its own
    said = shown.decode().replace("\r", "")
    assert status == 1 and "[y/N]: \npdca: aborted" in said, said
    assert [a["id"] for a in js("list", "--json")] == [1, 2]
    status, shown = run_on_a_terminal(pdca, env, typed=b"y\n")
    assert status == 0 and shown.decode().replace("\r", "").endswith("undid: “added #2”\n")
    assert [a["id"] for a in js("list", "--json")] == [1]
    status, shown = run_on_a_terminal([*pdca, "--yes"], env)
    assert status == 0 and b"?" not in shown and b"undid:" in shown
    # A change of several records is named whole: a few by name (a move that went with an
    # edit was "1 more", and y moved the card back unsaid: a new lead), more by count
    ok("add", "Third")
    ok("add", "Fourth")
    ok("edit", "3", "4", "--priority", "high")
    status, shown = run_on_a_terminal(pdca, env, typed=b"n\n")
    assert "undo “edited #3: priority, and edited #4: priority” (yours," in shown.decode()
    for title in ("Fifth", "Sixth"):
        ok("add", title)
    ok("edit", "3-6", "--priority", "low")
    status, shown = run_on_a_terminal(pdca, env, typed=b"n\n")
    assert "undo “edited #3: priority and 3 more with it” (yours," in shown.decode()
    status, shown = run_on_a_terminal(pdca, env, typed=b" Yes \n")  # yes, in any case
    assert status == 0 and "undid: “edited #3: priority" in shown.decode(), shown


def test_undo_asked_about_a_change_undone_meanwhile_undoes_nothing_else(
    team, ok, cli, js, monkeypatch
) -> None:
    """Between the question and the answer the change was undone elsewhere: the second ask
    came out as the board's question, "was made before this board opened" (a reviewer)."""

    from tests.conftest import open_as

    ok("add", "Undone elsewhere")

    def undone_meanwhile(*_args: object, **_kwargs: object) -> bool:
        other = open_as(Path(os.environ["PDCA_DB"]), "alice")
        try:
            other.undo()
        finally:
            other.close()
        return True

    monkeypatch.setattr("pdca.tui.cli._at_a_terminal", lambda: True)
    monkeypatch.setattr("pdca.tui.cli.asked_yes", undone_meanwhile)
    assert one_line_error(cli("undo")) == (
        "nothing undone: the change asked about was undone meanwhile, elsewhere (pdca undo"
        " again asks about your last change now)"
    )
    assert [a["id"] for a in js("list", "--json")] == [1]  # #1 stays: only the other undo ran


def test_end_of_input_at_the_undo_question_says_nothing_written_only_if_so(
    team, ok, cli, monkeypatch
) -> None:
    """The undo records the escalations that fell due before it asks: Ctrl-D at the question
    said "aborted; nothing written" with one just written (a reviewer)."""
    import click

    monkeypatch.setattr("pdca.tui.cli._at_a_terminal", lambda: True)

    def end_of_input(*_args: object, **_kwargs: object) -> bool:
        raise click.exceptions.Abort

    monkeypatch.setattr("pdca.tui.cli.asked_yes", end_of_input)
    ok("add", "Asked about")
    assert one_line_error(cli("undo")) == "aborted; nothing written"
    ok("kpi", "add", "Esc", "--unit", "h", "--baseline", "30", "--target", "24", "--alert",
       "34", "--owner", "alice", "--escalate-to", "bob")  # fmt: skip
    ok("kpi", "record", "Esc", "99")  # an alert, passed on to bob a day later
    ok("add", "Asked about next")
    monkeypatch.setenv("PDCA_NOW", "2026-11-25T09:00:00Z")
    assert one_line_error(cli("undo")) == "aborted"  # the escalation went in first


def test_a_check_in_a_colleagues_move_to_check_stood_on_is_not_undone_from_under_it(
    ok, cli, monkeypatch
) -> None:
    """ann's only check-in since Do, bob's move to Check on it, ann's undo: the action sat in
    Check with no check-in at all, its evidence gone from every view (an auditor). Refused
    until it is back in Do; a second check-in, or one's own move made with it, are no bar."""
    ok("init")
    ok("add", "Gate evidence", "--owner", "alice", "--due", "+1w", "--phase", "do")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T09:05:00Z")
    ok("checkin", "1", "the only evidence")
    monkeypatch.setenv("PDCA_USER", "bob")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T09:10:00Z")
    ok("move", "1", "check")
    monkeypatch.setenv("PDCA_USER", "alice")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T09:15:00Z")
    assert one_line_error(cli("undo", "--yes")) == (
        "cannot undo 'checked in on #1 (on-track)': bob moved #1 to Check on it since, at"
        " 2026-11-23T09:10:00Z, and it is the only check-in since Do began; a check-in after"
        " it corrects it, or bob can move #1 back to Do"
    )
    monkeypatch.setenv("PDCA_USER", "bob")
    ok("move", "1", "do")  # bob's own move back
    monkeypatch.setenv("PDCA_USER", "alice")
    assert ok("undo", "--yes").stdout == "undid: “checked in on #1 (on-track)”\n"


def test_undo_refused_when_someone_else_changed_it(team, ok, cli, monkeypatch) -> None:
    ok("edit", "1", "--title", "alice's")
    monkeypatch.setenv("PDCA_USER", "bob")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:00:00Z")
    ok("edit", "1", "--notes", "bob's")
    monkeypatch.setenv("PDCA_USER", "alice")
    message = one_line_error(cli("undo"))
    assert "bob changed #1 since, at 2026-11-23T10:00:00Z" in message


# --------------------------------------------------------------------------- export, import


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        names = ("people", "initiatives", "kpis", "actions", "checkins", "kpi_readings", "events")
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in names}
    finally:
        conn.close()


def test_json_export_import_round_trip(team, ok, cli, tmp_path: Path, db_path: Path) -> None:
    def cli_in(path: Path, *args: str) -> Result:
        return cli("--db", str(path), *args)

    ok("checkin", "1", "note \x1b[31m[b]x[/b] 🚀", "--status", "at-risk")
    ok("kpi", "record", "Resolution time", "27.5")
    ok("done", "1", "--decision", "abandon")
    exported = ok("export").stdout
    document = json.loads(exported)
    assert document["format"] == "pdca-export"
    assert document["exported_by"] == "alice" and document["exported_at"] == NOW
    dump = tmp_path / "dump.json"
    dump.write_text(exported, encoding="utf-8")
    target = tmp_path / "restored.db"
    assert "1 action," in ok("--db", str(target), "import", str(dump)).stdout
    original, restored = _tables(db_path), _tables(target)
    for table in original:
        if table != "events":
            assert restored[table] == original[table], table
    assert restored["events"][:-1] == original["events"]
    again = json.loads(ok("--db", str(target), "export").stdout)
    for table, rows in document["tables"].items():
        if table != "events":
            assert again["tables"][table] == rows
    # Into a file whose board is empty but whose history is not: refused, saying what it
    # holds ("2 records" read as a wrong count, a tester).
    used = tmp_path / "used.db"
    ok("--db", str(used), "init")
    ok("--db", str(used), "add", "x")
    ok("--db", str(used), "undo")
    refused = one_line_error(cli_in(used, "import", str(dump)))
    assert refused.endswith("this one holds 2 records (2 in events)")


def test_csv_export_import_round_trip(ok, js, tmp_path: Path) -> None:
    ok("initiative", "add", "Ops")
    ok("add", 'Alpha, "quoted"', "--owner", "dana", "--due", "+1w", "--notes", "line1\nline2")
    ok(
        "add",
        "Beta",
        "--phase",
        "do",
        "--owner",
        "bob",
        "--due",
        "2026-12-24",
        "--initiative",
        "Ops",
    )
    ok("add", "Gamma \x1b[31mred\x1b[0m [bold]x[/]")
    ok("add", "Finished")
    ok("done", "4", "--decision", "abandon")
    exported = ok("export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["title"] for r in rows] == [
        'Alpha, "quoted"',
        # its escapes written as text: a cat of the file ran them (a hostile member's
        # trial); the import below reads them back, and the round trip is exact
        "Gamma \\x1b[31mred\\x1b[0m [bold]x[/]",
        "Finished",
        "Beta",
    ]
    path = tmp_path / "actions.csv"
    path.write_text(exported, encoding="utf-8")
    target = tmp_path / "copy.db"
    ok("--db", str(target), "init")
    ok("--db", str(target), "initiative", "add", "Ops")  # names must exist where rows land
    result = ok("--db", str(target), "import", str(path))
    assert "3 actions added" in result.stdout and "1 done row skipped" in result.stdout

    def essence(actions: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        keys = ("title", "owner", "phase", "due", "initiative", "kpi", "notes")
        return [tuple(a[k] for k in keys) for a in actions]

    assert essence(js("--db", str(target), "list", "--json")) == essence(js("list", "--json"))


def test_a_bare_carriage_return_survives_the_csv_round_trip(ok, js, tmp_path: Path) -> None:
    """Python 3.11's CSV writer quoted a field holding "\\n" but not one holding a bare
    "\\r", which a reader takes for a line end: the import broke (a tester)."""
    ok("add", "cr\rin the title", "--notes", "one\rtwo\nthree")
    ok("add", "plain")
    exported = ok("export", "--format", "csv").stdout
    path = tmp_path / "actions.csv"
    path.write_bytes(exported.encode("utf-8"))
    target = tmp_path / "copy.db"
    ok("--db", str(target), "import", str(path))
    original = [(a["title"], a["notes"]) for a in js("list", "--json")]
    assert original[0] == ("cr\rin the title", "one\rtwo\nthree")
    copied = js("--db", str(target), "list", "--json")
    assert [(a["title"], a["notes"]) for a in copied] == original


def test_csv_export_to_a_file(ok, cli, tmp_path: Path) -> None:
    ok("add", "x")
    out = tmp_path / "out.csv"
    result = ok("export", "--format", "csv", "--out", str(out))
    assert result.stdout == "" and result.stderr == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("1,x,,plan,")
    # Named .csv, it is CSV without --format; named the other way, refused (a tester's
    # x.json of CSV was imported as actions to add again).
    named = tmp_path / "named.CSV"
    ok("export", "--out", str(named))
    assert named.read_text(encoding="utf-8").startswith("id,title,")
    refused = cli("export", "--format", "csv", "--out", str(tmp_path / "x.json"))
    assert refused.exit_code == 1 and refused.stderr == (
        f"pdca: --out: '{tmp_path / 'x.json'}' ends in .json, but --format csv was asked"
        " (name it .csv)\n"
    )
    assert not (tmp_path / "x.json").exists()
    ok("export", "--out", str(tmp_path / ".csv"))  # a name that is its suffix alone
    assert (tmp_path / ".csv").read_text(encoding="utf-8").startswith("id,title,")
    ok("export", "--out", str(tmp_path / "all.json"))
    assert (tmp_path / "all.json").read_text(encoding="utf-8").startswith("{")


# --------------------------------------------------------------------------- doctor


def test_doctor_is_happy_with_a_healthy_database(team, ok, db_path: Path) -> None:
    result = ok("doctor")
    assert result.stdout.splitlines()[0] == f"path        {db_path} (from $PDCA_DB)"
    assert "FAIL" not in result.stdout
    assert result.stderr == ""


def test_doctor_on_a_big_file_at_a_terminal_says_it_takes_a_while(
    team, cli, db_path: Path, monkeypatch
) -> None:
    """doctor on 100 000 actions printed nothing for 39 s and read as hung (a trial at
    scale): at a terminal, a file past the size says so first; JSON and a pipe do not."""
    import pdca.tui.cli as cli_module

    monkeypatch.setattr(cli_module, "LONG_CHECK_BYTES", db_path.stat().st_size)
    monkeypatch.setattr(cli_module, "_at_a_terminal", lambda: True)
    said = cli("doctor").stderr.splitlines()[0]
    assert said.startswith("pdca: checking ") and said.endswith(
        "its integrity too: on a file this size that takes a while"
    ), said
    assert "checking" not in cli("doctor", "--json").stderr
    monkeypatch.setattr(cli_module, "_at_a_terminal", lambda: False)
    assert "checking" not in cli("doctor").stderr


def test_doctor_json_says_the_same_checks_as_one_object(team, ok, cli, db_path: Path) -> None:
    """``pdca doctor --json``: the checks as JSON (it had printed the text report unless
    --content was given); a failing check: ``ok`` false, exit status 1, one line on stderr."""
    import sqlite3

    healthy = json.loads(ok("doctor", "--json").stdout)
    assert healthy["path"] == str(db_path) and healthy["ok"] is True
    statuses = {check["name"]: check["status"] for check in healthy["checks"]}
    assert statuses["integrity"] == "ok" and "kept" in statuses
    assert all(check["status"] in ("ok", "warn") for check in healthy["checks"])
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO owner_weeks VALUES ('ghost', '2026-11-16', 1)")  # a drift
    conn.commit()
    conn.close()
    found = cli("doctor", "--json")
    assert found.exit_code == 1
    report = json.loads(found.stdout)
    assert report["ok"] is False
    assert [c["name"] for c in report["checks"] if c["status"] == "fail"] == ["kept"]
    assert found.stderr.startswith("pdca: kept: owner_weeks:") and found.stderr.count("\n") == 1


# --------------------------------------------------------------------------- real processes


@pytest.mark.usefixtures("missing_db")
def test_real_process_first_session(env: dict[str, str], db_path: Path) -> None:
    assert run_pdca("init", env=env).stdout == f"created {db_path}\n"
    added = run_pdca("add", "Real one", "--owner", "dana", "--due", "+3d", "--json", env=env)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["due"] == "2026-11-26"
    listed = run_pdca("list", "--json", env=env)
    assert [a["title"] for a in json.loads(listed.stdout)] == ["Real one"]
    shown = run_pdca("show", "#1", env=env)
    assert shown.returncode == 0 and shown.stdout.startswith("#1 Real one\n")


def test_real_process_gate_refusal_and_no_command(env: dict[str, str]) -> None:
    run_pdca("add", "bare", env=env)
    refused = run_pdca("move", "1", "do", env=env)
    assert refused.returncode == 1
    assert refused.stderr.startswith("pdca: #1 cannot move to do: Do needs an owner and a due date")
    assert refused.stderr.count("\n") == 1
    bare = run_pdca(env=env)
    assert bare.returncode == 0
    assert bare.stdout.startswith(f"pdca would open the board on {env['PDCA_DB']}")


def test_no_command_with_stdin_closed_says_what_it_would_open(env: dict[str, str]) -> None:
    """``pdca <&-`` (stdin closed: None in Python) crashed on None.isatty() (a tester); it is
    no terminal, said as for a pipe."""
    full_env = {**os.environ, **env}
    for args in ((), ("demo",)):
        closed = subprocess.run(
            f"exec {shlex.quote(sys.executable)} -m pdca.tui {' '.join(args)} <&-",
            shell=True,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
            cwd=env["HOME"],
        )
        assert closed.returncode == 0 and "Error" not in closed.stderr  # demo says "seeding"
        assert "pdca would open the board on" in closed.stdout
        assert "but this is not a terminal" in closed.stdout


def test_db_option_after_any_subcommand_names_the_same_file(cli, tmp_path):
    """``--db PATH`` after the command (nested ones too) opens that file, as before it does."""
    path = str(tmp_path / "after.db")
    assert cli("init", "--db", path).exit_code == 0
    assert cli("add", "Written after", "--db", path).exit_code == 0
    listed = cli("list", "--json", "--db", path)
    assert [a["title"] for a in json.loads(listed.stdout)] == ["Written after"]
    assert (
        cli(
            "kpi",
            "add",
            "Lead time",
            "--unit",
            "h",
            "--baseline",
            "9",
            "--target",
            "5",
            "--db",
            path,
        ).exit_code
        == 0
    )
    assert json.loads(cli("--db", path, "kpi", "list", "--json").stdout)[0]["name"] == "Lead time"

    def each_command(group: click.Group, path: str) -> Iterator[tuple[str, click.Command]]:
        context = click.Context(group)
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            assert command is not None, name
            yield f"{path} {name}", command
            if isinstance(command, click.Group):  # pdca initiative list --db F (a tester)
                yield from each_command(command, f"{path} {name}")

    named = dict(each_command(pdca_group, "pdca"))
    assert "pdca initiative list" in named and "pdca kpi record" in named
    for name, command in named.items():  # lazily registered ones and nested ones included
        assert any("--db" in p.opts for p in command.params), name


def test_db_option_given_twice_differently_is_refused(cli, tmp_path):
    result = cli("--db", str(tmp_path / "a.db"), "list", "--db", str(tmp_path / "b.db"))
    assert result.exit_code == 1
    assert "--db" in result.stderr and "differs" in result.stderr
    assert not (tmp_path / "a.db").exists() and not (tmp_path / "b.db").exists()
    same = cli("--db", str(tmp_path / "a.db"), "init", "--db", str(tmp_path / "." / "a.db"))
    assert same.exit_code == 0, same.stderr  # two spellings of one file are one --db


@pytest.mark.parametrize("where", ["before", "after"])
def test_demo_refuses_a_db_it_would_ignore(cli, tmp_path, where: str) -> None:
    path = str(tmp_path / "mine.db")
    args = ["--db", path, "demo"] if where == "before" else ["demo", "--db", path]
    result = cli(*args)
    assert result.exit_code == 1 and "is not for demo" in result.stderr
    assert not (tmp_path / "mine.db").exists()


def test_demo_over_a_demo_file_made_something_else_says_to_remove_it(
    cli, tmp_path, monkeypatch
) -> None:
    """Its own throwaway file, overwritten with text: demo --fresh, made to seed it anew,
    was refused with no next step (a tester)."""
    monkeypatch.delenv("PDCA_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    demo_file = tmp_path / "data" / "pdca" / "demo-small.db"
    demo_file.parent.mkdir(parents=True)
    demo_file.write_text("not a db\n")
    result = cli("demo", "--fresh")
    assert result.exit_code == 1
    assert result.stderr == (
        f"pdca: {demo_file}: not a SQLite database (left untouched): it is pdca's throwaway"
        f" demo file: remove it (rm {demo_file}) and run pdca demo again\n"
    )
    assert demo_file.read_text() == "not a db\n"


# --------------------------------------------------------------------------- streamed JSON

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(),
)


@given(st.lists(st.dictionaries(st.text(), _SCALARS, max_size=6), max_size=4))
def test_json_array_writes_what_to_json_writes(items: list[dict[str, object]]) -> None:
    """The streamed array (its flat records written from the C encoder's pieces, issue 14)
    is the very text ``to_json`` gives the whole list: any key, any text, control
    characters and separators escaped the same way."""
    from pdca.tui.output import json_array, to_json

    assert "".join(json_array(items)) == to_json(items) + "\n"


@given(st.lists(st.dictionaries(st.text(max_size=3), st.floats() | st.lists(_SCALARS), max_size=3)))
def test_json_array_falls_back_to_json_dumps_for_other_values(
    items: list[dict[str, object]],
) -> None:
    from pdca.tui.output import json_array, to_json

    assert "".join(json_array(items)) == to_json(items) + "\n"


def test_the_version_pdca_prints_is_the_installed_packages(ok) -> None:
    """--version is written in tui/cli.py (no importlib.metadata at run time): it must be
    pyproject's, and the schema it names the one this pdca makes and opens."""
    from importlib.metadata import version

    from pdca.db.schema import schema_version

    said = f"pdca, version {version('pdca')} (schema {schema_version()})\n"
    assert ok("--version").stdout == said


@pytest.mark.parametrize("shape", [(), ("--json",)])
def test_an_owner_new_to_the_file_is_said_after_the_write(ok, cli, db_path, shape) -> None:
    """Any login is an owner (people are registered on first mention), so a typo makes a new
    person: each write that does so says it on stderr, and only then."""
    assert one_line_error(cli("add", "", "--owner", "bob", *shape)) == "title is empty"
    assert cli("list", "--json").stdout == "[]\n"  # bad input: nothing written
    new = (
        "note: bob is new to this file: now one of its people"
        " (a typo? pdca forget bob once nothing is theirs)\n"
    )
    assert ok("add", "first", "--owner", "bob", *shape).stderr == new
    assert ok("add", "second", "--owner", "bob", *shape).stderr == ""
    assert ok("edit", "2", "--owner", "zed", *shape).stderr == new.replace("bob", "zed")
    # two letters swapped: asked about (a lead's bne beside ben went without a word)
    assert ok("edit", "2", "--owner", "bbo", *shape).stderr == new.replace("bob", "bbo")[:-1] + (
        "; did you mean bob?\n"
    )
    assert ok("edit", "2", "--owner", "none", *shape).stderr == ""
    assert ok("add", "third", *shape).stderr == ""
    # A login that differs only in case is refused (a tester's --owner Bob beside bob made a
    # person of its own, and the work left bob's list), the one probably meant named.
    assert one_line_error(cli("edit", "3", "--owner", "Bob", *shape)) == (
        "owner: 'Bob' is not one of this file's people; did you mean bob? (logins are"
        " case-sensitive)"
    )
    assert json.loads(ok("show", "3", "--json").stdout)["action"]["owner"] is None


@pytest.mark.parametrize("shape", [(), ("--json",)])
def test_a_due_date_before_today_is_taken_and_said(ok, cli, shape) -> None:
    """A slip of the year (2025 for 2026) made a card overdue from its first minute, with no
    word: the date is kept (work found late is still work), and a note says so. The clock is
    2026-11-23."""
    note = "note: due {} is before today (2026-11-23): #{} is overdue already\n"
    assert ok("add", "late", "--due", "2025-11-30", *shape).stderr == note.format("2025-11-30", 1)
    assert ok("add", "on time", "--due", "today", *shape).stderr == ""
    assert ok("edit", "2", "--due", "yesterday", *shape).stderr == note.format("2026-11-22", 2)
    assert ok("edit", "2", "--due", "+1d", *shape).stderr == ""
    assert "overdue" not in ok("edit", "1", "--due", "2025-11-30", *shape).stderr  # unchanged
    assert ok("edit", "1", "--title", "late still", *shape).stderr == ""  # not its due
    ok("done", "1", "--decision", "abandon")
    # done: late no more, so an edit of it says nothing of lateness (its due date stays)
    assert ok("edit", "1", "--title", "late, done", *shape).stderr == ""


@pytest.mark.parametrize("shape", [(), ("--json",)])
def test_a_due_without_its_year_taken_as_next_years_is_said(ok, shape) -> None:
    """``--due "nov 20"`` three days after it is next year's, as the README says a day without
    its year is: said, with the date to write for the one gone by (a lead's "Dec 3" came in
    a year later without a word). The clock is 2026-11-23."""
    note = (
        "note: due 'nov 20' is taken as 2027-11-20, the next one (write 2026-11-20 for the"
        " one gone by)\n"
    )
    assert ok("add", "x", "--due", "nov 20", *shape).stderr == note
    assert ok("add", "y", "--due", "dec 20", *shape).stderr == ""  # next month's
    assert ok("edit", "2", "--due", "nov 20", *shape).stderr == note
    assert ok("edit", "1", "--due", "2026-11-20", *shape).stderr.startswith("note: due 2026-11-20")


def test_a_due_filter_without_its_year_taken_as_next_years_is_said(ok) -> None:
    """``list --due-by "nov 20"`` three days after it listed a year of work without a word."""
    ok("add", "x", "--due", "2026-11-30")
    listed = ok("list", "--due-by", "nov 20")
    assert listed.stderr == (
        "note: --due-by 'nov 20' is taken as 2027-11-20, the next one (write 2026-11-20 for"
        " the one gone by)\n"
    )
    assert "2026-11-30" in listed.stdout  # due in a week: within next year's nov 20
    assert "the next one" not in ok("list", "--due-by", "2026-11-20").stderr


def test_forget_takes_a_typo_out_of_the_people_once_nothing_is_theirs(ok, cli, monkeypatch) -> None:
    """``--owner bne`` then the fix ``--owner ben``: bne stayed a person for good, offered by
    the picker and taken by list --owner and reassign without a word (a new user)."""
    ok("add", "Rollback runbook", "--owner", "bne")
    held = cli("forget", "bne")
    assert held.exit_code == 1 and held.stderr.startswith(
        "pdca: bne stays one of this file's people: owns 1 open action, #1 (pdca edit 1 --owner"
        " LOGIN hands it over)"
    )
    ok("notify", "prefer", "bne", "terminal")
    ok("edit", "1", "--owner", "ben")
    assert ok("forget", "bne").stdout == "forgot bne: no longer one of this file's people\n"
    assert "bne" not in ok("notify", "config").stdout  # their preference went with them
    assert "not one of this file's people" in cli("list", "--owner", "bne").stderr
    # The people named where few: ``pdca owners`` lists those with open work only, and a
    # KPI's escalation path was not there (a new user); where many, pointed to it.
    assert cli("forget", "bne").stderr == (
        "pdca: login: 'bne' is not one of this file's people (its people: ben)\n"
    )
    for n in range(12):
        ok("kpi", "add", f"k{n}", "--unit", "h", "--baseline", "2", "--target", "1",
           "--escalate-to", f"lead{n}")  # fmt: skip
    assert cli("forget", "bne").stderr.endswith("(pdca owners lists those with work)\n")
    for _ in range(12):
        ok("undo")
    assert "forgot person bne" in ok("undo").stdout
    assert cli("list", "--owner", "bne").exit_code == 0  # back
    ok("forget", "bne")
    monkeypatch.setenv("PDCA_USER", "bob")
    ok("add", "again", "--owner", "bne")  # bob names bne: a person again
    monkeypatch.setenv("PDCA_USER", "alice")
    assert "is one of this file's people again" in cli("undo").stderr
    monkeypatch.setenv("PDCA_USER", "bob")
    ok("add", "mine", "--owner", "bob")
    ok("edit", "3", "--owner", "ben")  # bob owns nothing now, but his changes name him
    assert "bob stays one of this file's people: they made changes" in cli("forget", "bob").stderr


def test_no_new_person_note_for_oneself_or_for_someone_with_changes_in_the_file(
    ok, cli, monkeypatch
) -> None:
    """ "lead is new to this file … a typo?" was said of a lead with months of changes, put
    on a KPI's escalation path for the first time, and of one's own login as owner (a new
    user): neither is a typo."""
    monkeypatch.setenv("PDCA_USER", "lead")
    ok("initiative", "add", "Faster support")  # lead's change; lead owns nothing
    ok("add", "Mine", "--owner", "lead")
    monkeypatch.setenv("PDCA_USER", "alice")
    kpi = ("kpi", "add", "Lead time", "--unit", "d", "--baseline", "9", "--target", "3")
    assert "new to this file" not in ok(*kpi, "--escalate-to", "lead").stderr
    monkeypatch.setenv("PDCA_USER", "mo")
    ok("initiative", "add", "Other")  # mo's first change names nobody
    monkeypatch.setenv("PDCA_USER", "alice")
    assert "new to this file" not in ok("add", "x", "--owner", "mo").stderr
    assert "kim is new to this file" in ok("add", "y", "--owner", "kim").stderr
    # cut short: named as the board's form names it (a tester's "dan" beside dana)
    ok("add", "z", "--owner", "dana")
    said = ok("add", "w", "--owner", "dan").stderr
    assert said.rstrip().endswith("once nothing is theirs); did you mean dana?")
    # spelled nearly alike: each made a person with only "a typo?" said (a trial)
    for person in ("heidi", "dave", "bob", "carol"):  # alice writes: no work of her own
        ok("add", f"{person}'s", "--owner", person)
    for typo, meant in (("a1ice", "alice"), ("heldi", "heidi"), ("dave.", "dave"),
                        ("carrol", "carol"), ("daev", "dave"), ("obb", "bob")):  # fmt: skip
        said = ok("add", "t", "--owner", typo).stderr
        assert said.rstrip().endswith(f"; did you mean {meant}?"), (typo, said)
    assert "did you mean" not in ok("add", "t", "--owner", "quentin").stderr
    assert "did you mean" not in ok("add", "t", "--owner", "rob").stderr  # a name of its own
    from tests.conftest import pretend_accounts

    pretend_accounts(monkeypatch, anne=1042, zoe=1043, heidl=2)  # heidl is a system's
    ok("add", "t", "--owner", "annette")
    assert "did you mean" not in ok("add", "t", "--owner", "anne").stderr
    said = ok("add", "t", "--owner", "heidl").stderr  # a system account is no one's: asked
    assert "is new to this file" in said and "did you mean heidi?" in said, said
    hand = Path(os.environ["PDCA_DB"]).parent / "people.csv"  # an import asks it too
    hand.write_text("title,owner\nX,heldi2\nY,zed\n")
    said = ok("import", str(hand)).stderr
    assert "heldi2 (did you mean heldi?), zed; a typo?" in said, said
    # A login differing in case only from a person of the file (ANNE), the one writing
    # (ALICE, alice owning nothing yet) or an account here not yet in the file (ZOE, a
    # retrial's ANN) is refused: it made a person of its own, and the work left their list
    # (a Taskwarrior user's trial); nothing written.
    for typed, meant in (("ANNE", "anne"), ("ALICE", "alice"), ("Zoe", "zoe")):
        for command in (["add", "t", "--owner", typed], ["edit", "1", "--owner", typed]):
            assert one_line_error(cli(*command)) == (
                f"owner: {typed!r} is not one of this file's people; did you mean {meant}?"
                " (logins are case-sensitive)"
            ), command
    assert "did you mean" not in ok("add", "t", "--owner", "zoe").stderr


def test_an_undo_takes_back_the_person_its_change_made_unless_they_are_used(
    ok, js, monkeypatch
) -> None:
    """``add x --owner zedd`` (a typo), then undo: zedd stayed one of the file's people, so
    the next ``--owner zedd`` said nothing and ``list --owner zedd`` took the typo (a trial).
    A person someone refers to since stays."""
    new = (
        "note: zedd is new to this file: now one of its people"
        " (a typo? pdca forget zedd once nothing is theirs)\n"
    )
    assert ok("add", "x", "--owner", "zedd").stderr == new
    ok("undo")
    assert "zedd" not in [p["login"] for p in js("owners", "--json")]
    assert ok("add", "y", "--owner", "zedd").stderr == new  # told again
    ok("add", "z", "--owner", "zedd")  # zedd owns #3 beside #2: the undo of #3 keeps them
    ok("undo")
    assert ok("add", "w", "--owner", "zedd").stderr == ""
    ok("add", "u", "--owner", "kim")
    monkeypatch.setenv("PDCA_USER", "bob")
    kpi = ("kpi", "add", "Lead time", "--unit", "d", "--baseline", "9", "--target", "3")
    ok(*kpi, "--escalate-to", "kim")  # bob put kim on a path since: kept
    monkeypatch.setenv("PDCA_USER", "alice")
    ok("undo")
    assert ok("add", "v", "--owner", "kim").stderr == ""


def test_list_owner_none_lists_the_work_nobody_owns(ok, js) -> None:
    """'none' is nobody for add and edit; list took it for a person called none (a
    reviewer), so only the undocumented "(unowned)" found such work."""
    ok("add", "nobody's")
    ok("add", "bob's", "--owner", "bob")
    assert [a["title"] for a in js("list", "--owner", "none", "--json")] == ["nobody's"]
    assert [a["title"] for a in js("list", "--owner", "bob", "--json")] == ["bob's"]


def test_a_kpi_or_initiative_naming_someone_new_says_so(ok) -> None:
    """A tester: ``kpi add --owner brandnew`` made a person without a word, who would get the
    KPI's alerts unseen; ``add`` and ``edit`` said it."""

    def new(*logins: str) -> str:
        return "".join(
            f"note: {login} is new to this file: now one of its people"
            f" (a typo? pdca forget {login} once nothing is theirs)\n"
            for login in logins
        )

    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    kpi += ("--cadence", "weekly", "--perspective", "delivery", "--direction", "down")
    said = ok("kpi", "add", "K", *kpi, "--owner", "dana", "--escalate-to", "erin,frank").stderr
    assert said == new("dana", "erin", "frank")
    assert ok("kpi", "edit", "K", "--owner", "dana").stderr == ""
    assert ok("kpi", "edit", "K", "--escalate-to", "erin,fay").stderr == new("fay")
    objective = ("--objective", "cut pages 20% by 2027-03-31")
    assert ok("initiative", "add", "Ops", *objective, "--owner", "gus").stderr == new("gus")


def test_add_with_owner_none_has_nobody_yet_as_edit_says_it(store, ok, cli) -> None:
    """A tester: ``pdca add z --owner none`` made a person called "none" (and passed Do's
    "needs an owner" gate with them), where ``edit --owner none`` clears the owner."""
    assert ok("add", "z", "--owner", "none").stdout == "added #1 [plan] z\n"
    assert ok("add", "y", "--owner", "NONE", "--json").stdout.count('"owner": null') == 1
    assert store.get_action(1).owner is None
    assert [p.login for p in store.list_people()] == []
    message = one_line_error(cli("add", "x", "--owner", "None", "--phase", "do", "--due", "+2d"))
    # the owner alone is missing, and said alone (a retrial read "and a due date" beside one)
    assert message == "phase: a new action in Do needs an owner (--owner, --due)"
    # --due none is no due date, as the board's form takes it (it was "not a date", a retrial)
    assert ok("add", "w", "--due", "None").stdout == "added #3 [plan] w\n"
    assert store.get_action(3).due is None
    message = one_line_error(cli("add", "v", "--owner", "bob", "--phase", "do", "--due", "none"))
    assert message == "phase: a new action in Do needs a due date (--owner, --due)"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("add", "Rota", "--owner", "PDCA"), "owner: 'PDCA' is pdca's own name"),
        (("initiative", "add", "Ops", "--objective", "x", "--owner", "pdca"), "owner: 'pdca'"),
        (
            ("kpi", "add", "Lead", "--unit", "d", "--baseline", "5", "--target", "2",
             "--escalate-to", "none,erin"),
            "--escalate-to: 'none,erin' holds none, which means nobody",
        ),
        (
            ("kpi", "add", "Lead", "--unit", "d", "--baseline", "5", "--target", "2",
             "--escalate-to", "erin,pdca"),
            "--escalate-to: 'erin,pdca' holds pdca, which is pdca's own name",
        ),
        (
            ("kpi", "add", "Lead", "--unit", "d", "--baseline", "5", "--target", "2",
             "--escalate-to", "erin,erin"),
            "--escalate-to: 'erin,erin' names erin twice",
        ),
    ],
)  # fmt: skip
def test_no_owner_or_escalation_is_pdca_itself_nobody_or_twice_one(
    store, cli, args: tuple[str, ...], said: str
) -> None:
    """``--escalate-to none,erin`` made a person "none" (alerts "waiting for none") and
    ``--owner pdca`` one named as pdca's automatic changes are (a tester)."""
    assert one_line_error(cli(*args)).startswith(said)
    assert store.list_people() == [] and store.list_actions() == []


@pytest.mark.parametrize(("login", "why"), [("pdca", "is pdca's own name"), ("None", "means")])
def test_pdca_user_may_not_be_pdca_itself_or_nobody(
    store, cli, monkeypatch, login: str, why: str
) -> None:
    """A tester ran ``PDCA_USER=pdca pdca undo`` and undid an automatic escalation."""
    monkeypatch.setenv("PDCA_USER", login)
    message = one_line_error(cli("list"))
    assert message.startswith(f"PDCA_USER: {login!r} {why}")


@pytest.mark.usefixtures("missing_db")
@pytest.mark.parametrize(
    "args",
    [
        ("add", "rep", "--owner", "alice", "--owner", "bob"),
        ("list", "--phase", "plan", "--phase", "do"),
        ("add", "x", "--due=tomorrow", "--due", "+2d"),
        ("kpi", "add", "K", "--unit", "h", "--unit", "m", "--baseline", "1", "--target", "2"),
        ("kpi", "record", "K", "-3", "--note", "a", "--note", "b"),  # its own settings kept
    ],
)
def test_an_option_given_twice_is_refused_not_settled_by_the_last(
    cli, db_path: Path, args: tuple[str, ...]
) -> None:
    """click kept the last value without a word: ``--owner alice --owner bob`` gave bob the
    action (a tester)."""
    option = next(a for a in args[2:] if a.startswith("--")).split("=")[0]
    assert one_line_error(cli(*args)) == f"{option} was given more than once; give it once"
    assert not db_path.exists()  # refused before the file was made


def test_completing_a_line_with_an_option_given_twice_still_completes(monkeypatch) -> None:
    """The refusal printed into the shell while it completed, and offered nothing (a
    reviewer)."""
    from click.testing import CliRunner

    from pdca.tui.cli import cli as command

    monkeypatch.setenv("_PDCA_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "pdca list --phase plan --phase do --own")
    monkeypatch.setenv("COMP_CWORD", "6")
    result = CliRunner().invoke(command, [], prog_name="pdca")
    assert "--owner" in result.output and "more than once" not in result.output


def test_the_groups_own_options_given_twice_are_refused_too(cli, tmp_path: Path) -> None:
    """``pdca --db a --db b add`` wrote to b (a tester)."""
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    result = cli("--db", str(first), "--db", str(second), "add", "x")
    assert one_line_error(result) == "--db was given more than once; give it once"
    assert not first.exists() and not second.exists()


def test_help_after_an_option_given_twice_is_help(ok) -> None:
    assert ok("add", "X", "--owner", "a", "--owner", "b", "-h").stdout.startswith("Usage:")


def test_a_flag_given_twice_is_still_one_flag(ok) -> None:
    ok("init")
    assert ok("list", "--json", "--json").stdout.startswith("[")


def test_a_done_action_keeps_the_due_date_it_was_done_against(ok, cli, js) -> None:
    """A late finish tidied away: ``edit 6 --due`` after done moved the owner's late share
    from 1 of 2 to 0 (a quality manager). Refused alone or in a range, nothing written; its
    other fields still take an edit."""
    ok("add", "late one", "--owner", "ann", "--due", "2026-11-20")
    ok("add", "open one", "--owner", "ann", "--due", "2026-11-30")
    ok("done", "1", "--decision", "abandon")
    said = one_line_error(cli("edit", "1", "--due", "2026-12-30"))
    assert said == "due: #1 is done (2026-11-23); the due date it was done against stays"
    assert "#1 is done" in one_line_error(cli("edit", "2", "1", "--due", "fri"))
    assert "#1 is done" in one_line_error(cli("edit", "1", "--due", "none"))
    assert {a["id"]: a["due"] for a in js("list", "--all", "--json")} == {
        1: "2026-11-20",
        2: "2026-11-30",
    }
    assert ok("edit", "1", "--due", "2026-11-20").stdout.startswith("unchanged #1 [done]")
    assert ok("edit", "1", "--priority", "high").stdout == "edited #1 [done] late one\n"
    ok("add", "no date")  # done with none: "stays" of none read oddly (a reviewer)
    ok("done", "3", "--decision", "abandon")
    said = one_line_error(cli("edit", "3", "--due", "fri"))
    assert said == "due: #3 is done (2026-11-23); done with no due date, it keeps none"
    # A range with more than one done: all named at once (found one refusal at a time, a
    # retrial), and still nothing written.
    said = one_line_error(cli("edit", "1-3", "--due", "fri"))
    assert said.startswith(
        "due: #1 and #3 are done; a done action keeps the due date it was done against, or"
        " none (leave them out of the range); nothing written: the 3 actions stay as they were"
    ), said
    assert {a["id"]: a["due"] for a in js("list", "--all", "--json")}[2] == "2026-11-30"


def test_an_edit_of_a_done_action_says_done(ok) -> None:
    """``edited #3 [plan]`` of an abandoned action read as open work (a tester)."""
    ok("add", "x")
    assert ok("done", "1", "--decision", "abandon").stdout == "done (abandon) #1 [plan] x\n"
    assert ok("edit", "1", "--notes", "why").stdout == "edited #1 [done] x\n"
    assert ok("edit", "1", "--notes", "again", "--json").stdout.startswith("{")


def test_a_new_owner_made_by_someone_else_meanwhile_is_not_said_new_here(
    store: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two adds naming ann at once both said "ann is new to this file" (a tester's soak):
    only the write that made her says so."""
    from pdca.db.models import ActionDraft
    from pdca.tui.cli import saying_who_is_new
    from tests.conftest import open_as

    with saying_who_is_new(store, "ann"):  # someone else's write makes ann meanwhile
        other = open_as(store.path, "bob")
        other.add_action(ActionDraft(title="theirs", owner="ann"))
        other.close()
        store.add_action(ActionDraft(title="mine", owner="ann"))
    with saying_who_is_new(store, "cat"):
        store.add_action(ActionDraft(title="mine", owner="cat"))
    said = capsys.readouterr().err
    assert "ann is new" not in said and "cat is new to this file" in said


@pytest.mark.usefixtures("missing_db")
def test_a_folder_for_ones_own_database_that_cannot_be_made_is_named_with_what_to_do(
    cli, tmp_path: Path, monkeypatch
) -> None:
    """A tester's ``HOME=/ pdca add x`` said only "/.local: Permission denied"."""
    monkeypatch.delenv("PDCA_DB")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    monkeypatch.chdir(tmp_path)  # no pdca.db above here
    result = cli("add", "x")
    assert result.exit_code == 1
    assert result.stderr == (
        f"pdca: cannot make the folder for your own database {blocker}/pdca/pdca.db: Not a"
        f" directory ({blocker}/pdca); name one with --db or PDCA_DB\n"
    )


@pytest.mark.usefixtures("missing_db")
def test_a_first_read_with_no_database_anywhere_says_where_one_comes_from(
    cli, tmp_path: Path, monkeypatch
) -> None:
    """A new user's first ``pdca list`` was told to mkdir -p a hidden folder and init a
    database by its full path; the README's first session runs pdca init."""
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    result = cli("list")
    assert result.exit_code == 1
    assert result.stderr == (
        "pdca: no database here: no --db, no $PDCA_DB, no pdca.db in this folder or above, and"
        f" none of your own yet ({tmp_path}/data/pdca/pdca.db): pdca init makes ./pdca.db"
        " here; pdca add starts your own; or cd to your team's folder\n"
    )
    assert not (tmp_path / "data").exists()


@pytest.mark.usefixtures("missing_db")
@pytest.mark.parametrize("shape", [(), ("--json",)])
def test_an_add_into_do_refused_makes_no_file_of_ones_own(
    cli, tmp_path: Path, monkeypatch, shape
) -> None:
    """``pdca add x --phase Do`` with no owner, where one has no file yet: refused, and the
    file of one's own was made first (bad input writes nothing, a Taskwarrior user's trial)."""
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    result = cli("add", "x", "--phase", "Do", *shape)
    assert one_line_error(result) == (
        "phase: a new action in Do needs an owner and a due date (--owner, --due)"
    )
    assert not (tmp_path / "data").exists()


def test_another_tools_fields_in_a_title_are_kept_and_said(ok, js) -> None:
    """``pdca add "Fix login due:fri +urgent"`` kept them as words and the action had no due
    date, without a word (a Taskwarrior user's trial). Kept, and said; C++, +1 and 10:30
    are no fields."""
    said = ok("add", "Fix login due:fri +urgent project:web C++ +1 at 10:30").stderr
    assert said == (
        "note: the title keeps due:fri, +urgent, project:web as words: --due, --priority and"
        " --initiative set those here (pdca has no tags)\n"
    )
    [added] = js("list", "--json")
    assert (added["title"], added["due"]) == (
        "Fix login due:fri +urgent project:web C++ +1 at 10:30",
        None,
    )
    assert ok("add", "Bump C++ to 20, +1 on the review", "--json").stderr == ""


@pytest.mark.usefixtures("missing_db")
def test_an_owner_in_other_capitals_refused_makes_no_file_of_ones_own(
    cli, tmp_path: Path, monkeypatch
) -> None:
    """``PDCA_USER=ann pdca add x --owner Ann`` with no file yet: refused, and the file of
    one's own was made first (a retrial); ``kpi add --owner Ann`` the same."""
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.setenv("PDCA_USER", "ann")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    refused = "owner: 'Ann' is not one of this file's people; did you mean ann? (logins are"
    assert one_line_error(cli("add", "x", "--owner", "Ann")).startswith(refused)
    kpi = ["kpi", "add", "K", "--unit", "h", "--baseline", "1", "--target", "0"]
    assert one_line_error(cli(*kpi, "--owner", "Ann")).startswith(f"--{refused}")  # its options
    said = one_line_error(cli(*kpi, "--escalate-to", "bob,Ann"))
    assert said.startswith("--escalate-to: 'Ann'"), said
    initiative = one_line_error(cli("initiative", "add", "Ops", "--owner", "Ann"))
    assert initiative.startswith(refused), initiative
    assert not (tmp_path / "data").exists()


@pytest.mark.usefixtures("missing_db")
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("add", "x", "--kpi", "Lead time"), "--kpi: “Lead time” is not a known KPI: your own"),
        (("add", "x", "--kpi", "MTTR", "--json"), "--kpi: “MTTR” is not a known KPI: your own"),
        (("add", "x", "--initiative", "Q3", "--every", "day"), "--initiative: “Q3” is not a"),
        (
            ("kpi", "add", "K", "--unit", "h", "--baseline", "1", "--target", "0",
             "--initiative", "Q3"),
            "--initiative: “Q3” is not a known initiative: your own database",
        ),
        (("import", "actions.csv"), "file: 'actions.csv' has 1 bad row, nothing written"),
    ],
)  # fmt: skip
def test_a_kpi_or_initiative_named_where_ones_own_file_is_still_to_make_makes_none(
    cli, tmp_path: Path, monkeypatch, args: tuple[str, ...], said: str
) -> None:
    """``pdca add x --kpi nope`` with no file yet: one's own file was made, then the name
    refused (bad input wrote a file). A new file holds none: refused first, as worded,
    without "list them: pdca kpi list", which has no file to list from either. An import
    refused leaves no folder made for it."""
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "actions.csv").write_text("title,initiative\nRota,Q3\n")
    refused = one_line_error(cli(*args))
    assert refused.startswith(said), refused
    assert "list them" not in refused or args[0] == "import", refused
    assert not (tmp_path / "data").exists()
    assert cli("add", "x", "--kpi", "none").exit_code == 0  # none: no KPI, and the file made
    assert (tmp_path / "data" / "pdca" / "pdca.db").exists()


def test_ones_own_login_in_capitals_owns_work_whatever_the_accounts(ok, js, monkeypatch) -> None:
    """``PDCA_USER=Ann`` beside an account ann: ``--owner me`` and ``--owner Ann`` were
    refused as a slip for ann, and the board's n could not save its own default (a retrial)."""
    from tests.conftest import pretend_accounts

    pretend_accounts(monkeypatch, ann=1042)
    monkeypatch.setenv("PDCA_USER", "Ann")
    ok("add", "mine", "--owner", "me")
    ok("add", "mine too", "--owner", "Ann")
    assert {a["owner"] for a in js("list", "--json")} == {"Ann"}


def test_a_kpi_owner_in_other_capitals_is_said_as_the_owners_fault(ok, cli) -> None:
    """``kpi edit S --owner Ben`` with ben on its escalation path was told as the path's fault
    ("--escalate-to: 'ben' holds ben, the KPI's owner Ben in other capitals", a retrial)."""
    ok("add", "x", "--owner", "ben")
    ok("kpi", "add", "S", "--unit", "h", "--baseline", "5", "--target", "2", "--owner", "ann",
       "--escalate-to", "ben")  # fmt: skip
    assert one_line_error(cli("kpi", "edit", "S", "--owner", "Ben")) == (
        "--owner: 'Ben' is not one of this file's people; did you mean ben? (logins are"
        " case-sensitive)"
    )


def test_a_baseline_day_taken_a_year_back_is_said(ok, cli) -> None:
    """``--baseline-from "dec 1"`` on November 23rd is last year's, unremarked (a retrial)."""
    ok("kpi", "add", "S", "--unit", "h", "--baseline", "5", "--target", "2")
    assert ok("kpi", "edit", "S", "--baseline-from", "dec 1").stderr == (
        "note: --baseline-from 'dec 1' is taken as 2025-12-01, the last one (a baseline is of"
        " days gone by)\n"
    )
    assert ok("kpi", "edit", "S", "--baseline-from", "nov 1").stderr == ""


def test_an_edited_title_with_another_tools_fields_is_said(ok) -> None:
    ok("add", "x")
    for shape in ((), ("--json",)):
        assert ok("edit", "1", "--title", f"C++ due:fri {shape}", *shape).stderr == (
            "note: the title keeps due:fri as words: --due, --priority and --initiative set"
            " those here (pdca has no tags)\n"
        )


def test_a_list_of_the_done_phase_points_to_all(cli) -> None:
    assert one_line_error(cli("list", "--phase", "done")) == (
        "Invalid value for '--phase': 'done' is not a phase (plan, do, check, act): --all"
        " lists the done ones too"
    )


def test_a_reading_recorded_again_at_its_time_is_not_kept_twice(ok, js, db_path: Path) -> None:
    """A cron job's retry of ``kpi record --at`` kept the same reading twice (a tester), where
    ``kpi import`` skipped it: it is said to be there, and nothing is written."""
    import sqlite3

    ok("kpi", "add", "Resolution time", "--unit", "h", "--baseline", "30", "--target", "24")
    at = "2026-11-20T06:00:00Z"
    first = ok("kpi", "record", "Resolution time", "7", "--at", at).stdout
    assert first == f"recorded 7 for Resolution time at {at}\n"
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    again = ok("kpi", "record", "Resolution time", "7", "--at", at).stdout
    assert again == f"already recorded: 7 for Resolution time at {at} (not written again)\n"
    assert js("kpi", "record", "Resolution time", "7", "--at", at, "--json")["value"] == 7
    ok("kpi", "record", "Resolution time", "7.5", "--at", at)  # a correction is a reading
    with sqlite3.connect(db_path) as conn:
        values = [r[0] for r in conn.execute("SELECT value FROM kpi_readings ORDER BY id")]
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == before + 1
    assert values == [7, 7.5]


def test_a_checkin_without_a_status_keeps_the_last_one(ok, cli) -> None:
    """ "still waiting on DBA access" without --status marked a blocked action on-track, and
    it left the stand-up's blocked work; the board's form keeps the last status (a new
    user). Said when kept; --status still changes it."""
    ok("add", "Move the DB", "--owner", "bob")
    assert ok("checkin", "1", "first").stdout == "checked in on #1 (on-track)\n"
    ok("checkin", "1", "stuck", "--status", "blocked")
    said = ok("checkin", "1", "still waiting").stdout
    assert said == "checked in on #1 (blocked, as before: --status changes it)\n"
    assert json.loads(ok("checkin", "1", "and still", "--json").stdout)["status"] == "blocked"
    ok("checkin", "1", "unblocked", "--status", "on-track")
    assert ok("checkin", "1", "going").stdout == "checked in on #1 (on-track)\n"
    shown = json.loads(ok("show", "1", "--json").stdout)
    assert shown["action"]["last_checkin_status"] == "on-track"
    assert cli("checkin", "9", "x").exit_code == 1


def test_list_initiative_none_lists_the_work_of_no_initiative(ok, js) -> None:
    """As --initiative none clears a link: it was refused as "not a known initiative; add
    one", and none may be added by that name (a tester)."""
    ok("initiative", "add", "Faster support")
    ok("add", "Linked", "--initiative", "Faster support")
    ok("add", "Loose")
    assert [a["title"] for a in js("list", "--initiative", "none", "--json")] == ["Loose"]
    assert [a["title"] for a in js("list", "--initiative", "Faster support", "--json")] == [
        "Linked"
    ]


@pytest.mark.parametrize("as_json", [False, True])
def test_notes_of_blanks_alone_are_no_notes(ok, as_json: bool) -> None:
    """``edit --notes "   "`` wrote blanks as a change, where a blank title is refused (a
    tester): blanks alone are no notes, on the fast path and through the model alike."""
    json_flag = ["--json"] if as_json else []
    ok("add", "Tidy", "--notes", "  \n ", *json_flag)
    assert json.loads(ok("show", "1", "--json").stdout)["action"]["notes"] == ""
    said = ok("edit", "1", "--notes", "   ", *json_flag)
    assert as_json or said.stdout.startswith("unchanged #1")
    assert json.loads(ok("show", "1", "--json").stdout)["action"]["notes"] == ""


def test_forget_of_someone_whose_work_is_all_done_says_done_work_keeps_them(ok, cli) -> None:
    """It pointed to reassign, which hands over no done work ("nothing handed over"), and
    forget refused again: a loop (a lead's trial of someone who left)."""
    ok("add", "Old work", "--owner", "nina")
    ok("add", "Open work", "--owner", "nina")
    ok("done", "1", "--decision", "abandon")
    held = cli("forget", "nina").stderr
    # the open one named, not the done #1 (a reviewer)
    assert "owns 1 open action, #2 (pdca edit 2 --owner LOGIN" in held
    ok("reassign", "nina", "ann")
    held = cli("forget", "nina")
    assert held.exit_code == 1 and held.stderr.startswith(
        "pdca: nina stays one of this file's people: did 1 done action, #1 the first, and done"
        " work keeps who did it"
    )
    assert len(held.stderr.splitlines()) == 1 and "reassign" not in held.stderr  # no loop


def test_a_title_longer_than_pdca_writes_is_cut_in_a_reply(store, cli, db_path) -> None:
    """A title of 100 000 characters set with sqlite3 filled the terminal after a one-field
    edit (a tester): the reply cuts it where pdca's own limit is."""
    import sqlite3

    from pdca.db.models import TITLE_MAX, ActionDraft

    action = store.add_action(ActionDraft(title="short"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE actions SET title = ? WHERE id = ?", ("x" * 100_000, action.id))
    conn.close()
    done = cli("edit", str(action.id), "--priority", "low")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"edited #{action.id} [plan] {'x' * (TITLE_MAX - 1)}…\n"
