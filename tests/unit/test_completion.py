"""Shell completion as a shell asks for it: a real ``pdca`` process with click's variables,
completing commands, choices and the database's own ids and names."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys

import pytest

from pdca.db.models import ActionDraft, InitiativeDraft, KpiDraft
from pdca.db.store import Store
from tests.conftest import run_pdca


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_action(ActionDraft(title="Open one", owner="bob"))
    done = store.add_action(ActionDraft(title="Finished", owner="bonnie"))
    store.complete_action(done.id, decision="abandon")
    store.add_initiative(InitiativeDraft(name="50% faster_CI"))
    store.add_action(ActionDraft(title="Another", owner="carol", initiative="50% faster_CI"))
    store.add_kpi(KpiDraft(name="Lead time", unit="h", baseline=9, target=5))
    store.add_kpi(KpiDraft(name="Lint errors", unit="n", baseline=9, target=0))
    return store


def complete(env: dict[str, str], line: str) -> list[str]:
    """What bash would offer for ``line`` (the last word is the one being completed; click's
    bash script joins the words as typed with newlines, its IFS)."""
    words = line.split(" ")
    result = run_pdca(
        env={
            **env,
            "_PDCA_COMPLETE": "bash_complete",
            "COMP_WORDS": "\n".join(words),
            "COMP_CWORD": str(len(words) - 1),
        },
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    # as click's script reads each line: ``read`` without -r takes one backslash off
    return [
        re.sub(r"\\(.)", r"\1", row.split(",", 1)[1]) for row in result.stdout.splitlines() if row
    ]


def test_subcommands_options_and_choices_complete(env: dict[str, str]) -> None:
    assert "edit" in complete(env, "pdca ed")
    assert complete(env, "pdca list --phase ") == ["plan", "do", "check", "act"]
    assert "--overdue" in complete(env, "pdca list --ov")


def test_ids_and_names_come_from_the_database(env: dict[str, str], filled: Store) -> None:
    assert complete(env, "pdca edit ") == ["3", "1"]  # open actions, newest first
    assert complete(env, "pdca add x --owner bo") == ["bob", "bonnie"]
    assert complete(env, "pdca kpi edit L") == ["Lead\\ time", "Lint\\ errors"]
    assert complete(env, "pdca kpi edit li") == ["Lint\\ errors"]  # as names match: any case
    assert complete(env, "pdca add x --initiative 50%") == ["50%\\ faster_CI"]
    assert complete(env, "pdca add x --initiative 5_") == []  # _ is a character, not a wildcard
    assert complete(env, "pdca initiative edit 50") == ["50%\\ faster_CI"]
    assert complete(env, "pdca initiative add ") == []  # a new one's name: nothing to offer
    assert complete(env, "pdca reassign bo") == ["bob", "bonnie"]
    assert complete(env, "pdca kpi add x --escalate-to bob,c") == ["bob,carol"]
    assert complete(env, "pdca kpi add ") == []  # a new KPI's name: nothing to offer


def test_follow_ups_rules_reports_channels_and_waiting_alerts_complete(
    env: dict[str, str], filled: Store
) -> None:
    """A tester's Tab completed nothing after followup, recur stop, report and notify
    prefer LOGIN, and offered an alert already acknowledged."""
    from pdca.db import alerts, recurrence
    from pdca.db.models import ReadingDraft

    done = filled.add_action(ActionDraft(title="Rota", owner="bob", due="2026-11-30"))
    filled.conn.execute(
        "UPDATE actions SET phase = 'act', verdict = 'worked' WHERE id = ?", (done.id,)
    )
    filled.complete_action(done.id, "standardize")  # follow-ups at +30, +60, +90: one id
    recurrence.add_repeating_action(filled, ActionDraft(title="Weekly"), "week mon")
    filled.add_kpi(KpiDraft(name="Pages", unit="n", baseline=9, target=2, alert=5,
                            direction="down"))  # fmt: skip
    filled.record_reading(ReadingDraft(kpi="Pages", value=8))
    filled.record_reading(ReadingDraft(kpi="Lead time", value=99))
    assert complete(env, "pdca followup ") == [str(done.id)]
    assert complete(env, "pdca recur stop ") == ["1"]
    assert complete(env, "pdca report 50") == ["50%\\ faster_CI"]
    assert complete(env, "pdca kpi add x --target ") == []  # a number: nothing to offer
    assert complete(env, "pdca notify prefer bob ma") == ["mail"]
    assert complete(env, "pdca notify prefer bob mail,w") == ["mail,webhook"]
    waiting = [str(a.id) for a in alerts.list_alerts(filled)]
    assert sorted(complete(env, "pdca alerts ack ")) == sorted(waiting)
    alerts.acknowledge(filled, int(waiting[0]), "on it")
    assert waiting[0] not in complete(env, "pdca alerts ack ")


def test_db_after_the_command_is_the_file_completed_from(env, tmp_path, filled) -> None:
    other = tmp_path / "other.db"
    Store.open(other, actor="zed", clock=lambda: filled.clock(), create=True).add_action(
        ActionDraft(title="Elsewhere", owner="zed")
    )
    assert complete(env, f"pdca list --db {other} --owner ") == ["zed"]
    assert complete(env, f"pdca --db {other} list --owner ") == ["zed"]


@pytest.mark.parametrize("missing", ["nowhere.db", "not-a-db.txt"])
def test_no_database_completes_nothing_quietly(env, tmp_path, missing: str) -> None:
    (tmp_path / "not-a-db.txt").write_text("hello")
    assert complete(env, f"pdca --db {tmp_path / missing} edit ") == []
    assert not (tmp_path / "nowhere.db").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_its_script(env: dict[str, str], shell: str) -> None:
    result = run_pdca(env={**env, "_PDCA_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0 and "_PDCA_COMPLETE" in result.stdout


def test_a_name_is_quoted_for_bash_so_its_text_never_runs(env, store: Store) -> None:
    store.add_kpi(KpiDraft(name="Qx$(touch pwned); rm -rf x", unit="x", baseline=1, target=2))
    assert complete(env, "pdca kpi edit Q") == ["Qx\\$\\(touch\\ pwned\\)\\;\\ rm\\ -rf\\ x"]
    # inside a quote the person opened, escaped for that quote (readline closes it)
    assert complete(env, "pdca kpi edit 'Q") == ["Qx$(touch pwned); rm -rf x"]
    assert complete(env, 'pdca kpi edit "Q') == ["Qx\\$(touch pwned); rm -rf x"]
    zsh = run_pdca(
        env={
            **env,
            "_PDCA_COMPLETE": "zsh_complete",
            "COMP_WORDS": "pdca kpi edit Q",
            "COMP_CWORD": "3",
        }
    )
    assert "Qx$(touch pwned); rm -rf x" in zsh.stdout  # zsh quotes what it inserts itself


def test_completion_leaves_a_rollback_journal_file_as_it_was(env, store: Store, db_path) -> None:
    store.add_action(ActionDraft(title="Kept", owner="bob"))
    store.conn.execute("PRAGMA journal_mode = delete")
    store.close()
    before = os.stat(db_path).st_mtime_ns
    assert complete(env, "pdca edit ") == ["1"]
    assert os.stat(db_path).st_mtime_ns == before
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as check:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_completion_leaves_nothing_beside_a_file_nobody_has_open(
    env, store: Store, db_path
) -> None:
    """A reviewer: a Tab key on a WAL file nobody had open left a -wal and -shm in the
    presser's own group, which locks a team out where the directory has no setgid."""
    store.add_action(ActionDraft(title="Kept", owner="bob"))
    store.close()
    assert not os.path.exists(f"{db_path}-shm")
    assert complete(env, "pdca edit ") == ["1"]
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith("pdca.db")) == [
        "pdca.db"
    ]


def test_on_a_network_filesystem_a_live_file_is_not_read_as_it_stands(
    env, store: Store, db_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """There the file keeps a rollback journal, never a -wal/-shm: none beside it does not
    mean nobody writes it, so it is not read ``immutable`` (a reviewer)."""
    store.add_action(ActionDraft(title="Kept", owner="bob"))
    store.conn.execute("PRAGMA journal_mode = delete")
    store.close()

    def not_as_it_stands(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("read immutable")

    monkeypatch.setattr("pdca.db.filesystem.filesystem_of", lambda *_: "nfs")
    monkeypatch.setattr("pdca.db.copies.open_copy", not_as_it_stands)
    from pdca.db.completion import candidates

    assert candidates(db_path, "action", "") == [("1", "Kept")]
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith("pdca.db")) == [
        "pdca.db"
    ]


def test_real_bash_inserts_what_means_the_name_and_runs_nothing(
    env, store: Store, tmp_path
) -> None:
    """Through click's own bash script in a real bash: what lands on the command line, as
    typed or after a quote the person opened, reads back as the name, and nothing in it ran."""
    name = "Qx$(touch pwned); it's `id` \\ 50%"
    store.add_kpi(KpiDraft(name=name, unit="x", baseline=1, target=2))
    shim = tmp_path / "bin" / "pdca"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pdca.tui "$@"\n')
    shim.chmod(0o755)
    source = run_pdca(env={**env, "_PDCA_COMPLETE": "bash_source"}).stdout
    for typed, opened in (("Q", ""), ("'Q", "'"), ('"Q', '"')):
        script = (
            f"{source}\n"
            'COMP_WORDS=(pdca kpi show "$TYPED"); COMP_CWORD=3; _pdca_completion pdca\n'
            'for reply in "${COMPREPLY[@]}"; do\n'
            "  eval \"printf '%s\\n' $OPENED$reply$OPENED\"\n"
            "done\n"
        )
        shell_env = {**os.environ, **env, "TYPED": typed, "OPENED": opened}
        shell_env["PATH"] = f"{shim.parent}{os.pathsep}{shell_env['PATH']}"
        result = subprocess.run(
            ["bash", "--norc", "-c", script], capture_output=True, text=True, env=shell_env,
            cwd=tmp_path, timeout=60,
        )  # fmt: skip
        assert result.stdout.splitlines() == [name], (typed, result.stdout, result.stderr)
    assert not list(tmp_path.glob("pwned*"))


def test_a_name_holding_a_newline_is_left_out_and_help_is_one_line(
    env: dict[str, str], filled: Store
) -> None:
    """Shells read a completion a line (zsh three): a name with a newline split into two,
    and zsh's list went out of step after a title holding one (a tester)."""
    filled.add_initiative(InitiativeDraft(name="two"))  # as a pdca that took newlines left it
    filled.conn.execute("UPDATE initiatives SET name = ? WHERE name = 'two'", ("two\nlines",))
    filled.add_action(ActionDraft(title="Fix\nrm -rf", owner="bob"))
    assert complete(env, "pdca report t") == []
    result = run_pdca(
        env={**env, "_PDCA_COMPLETE": "zsh_complete", "COMP_WORDS": "pdca show ", "COMP_CWORD": "2"}
    )
    lines = result.stdout.splitlines()
    assert len(lines) % 3 == 0 and lines[0::3] == ["plain"] * (len(lines) // 3)
    assert "Fix\\nrm -rf" in lines
