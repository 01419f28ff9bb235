"""``pdca flow`` through click's runner, on the known history of tests/flow_support.py."""

from __future__ import annotations

import json

import pytest

from pdca.db.store import Store
from tests.flow_support import build_history
from tests.unit.test_bad_input import assert_one_line_error

HOSTILE = "<script>x</script> *b* |pipe| \x1b[31mred"


@pytest.fixture
def history(store: Store) -> Store:
    build_history(store, title=HOSTILE)
    return store


def test_flow_json_carries_every_figure(cli, history: Store) -> None:
    result = cli("flow", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "now", "since", "weeks", "phases", "throughput", "finished", "abandoned", "repeat_rounds",
        "cycle", "owners", "initiatives",
    }  # fmt: skip
    assert data["weeks"] == 13 and len(data["throughput"]) == 13
    assert [p["phase"] for p in data["phases"]] == ["plan", "do", "check", "act"]
    assert [p["went_back"] for p in data["phases"]] == [0, 0, 1, 0]
    assert data["phases"][1] | {"oldest_days": 18.0} == data["phases"][1]
    assert data["cycle"]["median_days"] == 21.0 and data["finished"] == 2
    assert {o["login"] for o in data["owners"]} == {"bob", "carol"}
    assert data["initiatives"][0]["name"] == "Ops"
    assert "\x1b" not in result.stdout  # JSON writes controls as \u001b
    assert cli("flow", "--format", "json").stdout == result.stdout


def test_flow_text_and_markdown(cli, history: Store) -> None:
    text = cli("flow").stdout
    assert "flow of the last 13 weeks" in text
    assert text.splitlines()[2].split() == ["PHASE", "WIP", "MEDIAN", "85%", "STAYS", "BACK",
                                            "OLDEST"]  # fmt: skip
    check = next(line for line in text.splitlines() if line.startswith("Check"))
    assert check.split() == ["Check", "0", "1d", "1d", "3", "1", "–"]
    md = cli("flow", "--format", "md").stdout
    assert "## Flow — the last 13 weeks" in md
    assert "| Do | 1 | 10d |" in md
    assert "| Ops | 2 | 0 | 0 | 1 | 0 | 0 |" in md
    assert "\x1b" not in md and "\x1b" not in text


def test_flow_of_an_empty_file_and_bad_format(cli, store: Store) -> None:
    result = cli("flow", "--json")
    assert json.loads(result.stdout)["finished"] == 0
    assert_one_line_error(cli("flow", "--format", "pdf"), "--format")


def test_json_with_another_format_is_refused_in_one_line(cli, history: Store) -> None:
    result = cli("flow", "--format", "md", "--json")
    assert_one_line_error(result, "--json", "--format md")
    assert result.stdout == ""
    assert_one_line_error(cli("flow", "--json", "--format", "text"), "--format text")
    assert cli("flow", "--format", "json", "--json").exit_code == 0


def test_a_quiet_window_draws_its_throughput_as_lowest_bars(cli, store: Store) -> None:
    text = cli("flow").stdout
    (line,) = [line for line in text.splitlines() if "finished in 13 weeks" in line]
    assert "▁" * 13 in line and "▄" not in line
    assert "▁" * 13 in cli("flow", "--format", "md").stdout


def test_the_oldest_title_is_whole_in_a_pipe(cli, store: Store) -> None:
    """Cut at 40 characters always ("Add triage macros for admin console tic…" in a file, a
    tester): whole in a pipe, as every table's cells are; a terminal cuts it to its width."""
    from pdca.db.models import ActionDraft

    title = "Fix the top three email sender complaints from the last survey"
    store.add_action(ActionDraft(title=title, owner="dana", due="2026-12-01"))
    result = cli("flow")
    assert result.exit_code == 0 and f"#1 0d {title}" in result.stdout, result.stdout
