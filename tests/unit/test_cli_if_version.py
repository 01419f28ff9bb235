"""``pdca edit/move --if-version N``: a script that read an action and then writes refuses
to overwrite a change someone made in between (HTTP's If-Match), with or without --json."""

from __future__ import annotations

import pytest


@pytest.fixture
def changed_by_alice(ok, js, monkeypatch) -> int:
    """#1 as bob's script read it (its version), then edited by alice."""
    ok("add", "Triage rota", "--owner", "bob", "--due", "+1w")
    (read,) = js("list", "--json")
    monkeypatch.setenv("PDCA_USER", "alice")
    ok("edit", "1", "--title", "Triage rota, by alice")
    monkeypatch.setenv("PDCA_USER", "bob")
    return int(read["version"])


@pytest.mark.parametrize("as_json", [(), ("--json",)], ids=["line", "json"])
@pytest.mark.parametrize(
    "write", [("edit", "1", "--title", "bob's"), ("move", "1", "do")], ids=["edit", "move"]
)
def test_a_write_from_an_old_version_is_refused_and_writes_nothing(
    changed_by_alice: int, cli, js, write, as_json
) -> None:
    result = cli(*write, "--if-version", str(changed_by_alice), *as_json)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("pdca: action #1 was changed by alice at ")
    assert result.stderr.endswith("nothing written\n") and result.stderr.count("\n") == 1
    (now,) = js("list", "--json")
    assert (now["title"], now["phase"]) == ("Triage rota, by alice", "plan")


@pytest.mark.parametrize("as_json", [(), ("--json",)], ids=["line", "json"])
def test_a_write_from_the_current_version_goes_through(
    changed_by_alice: int, ok, js, as_json
) -> None:
    current = str(changed_by_alice + 1)
    ok("edit", "1", "--title", "bob's", "--if-version", current, *as_json)
    ok("move", "1", "do", "--if-version", str(changed_by_alice + 2), *as_json)
    (now,) = js("list", "--json")
    assert (now["title"], now["phase"], now["version"]) == ("bob's", "do", changed_by_alice + 3)


@pytest.mark.parametrize("given", ["0", "-1", "x", ""])
def test_a_version_that_is_no_version_is_one_line(changed_by_alice: int, cli, given) -> None:
    result = cli("edit", "1", "--title", "bob's", "--if-version", given)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "--if-version" in result.stderr and "Traceback" not in result.stderr
    # in pdca's words, as every number it takes ("not a valid integer range" was click's)
    assert "is not a whole number of 1 or more" in result.stderr


def test_a_version_the_action_never_had_says_so(changed_by_alice: int, cli) -> None:
    """A reviewer: ``--if-version 99`` on an action at version 2 said someone had changed it
    "since you read it"."""
    result = cli("edit", "1", "--title", "bob's", "--if-version", "99")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert result.stderr == (
        "pdca: if-version: '99' is newer than action #1 has ever been (it is at version"
        f" {changed_by_alice + 1}); nothing written\n"
    )
