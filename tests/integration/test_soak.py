"""The mix a team really runs: boards left open all day beside colleagues' commands.

Two real app processes (the Textual app headless, with its presence heartbeats, change poll,
reloads and escalation running, writing through its own keys and dialogs) and four
command-line colleagues running short-lived ``pdca`` processes, all on one file, until a
count of writes is done (so many in all, and so many by each app and each command line: a
fast machine ends early, a loaded one takes longer, the test proves the same). The apps'
presence heartbeats and escalation rounds run every second instead of every ten and sixty,
so a short run holds many of them. Afterwards every write any process showed as done
is in the file, exactly once, made from what the person saw; the event log holds nothing
else; ``integrity_check`` is ok; and no process saw an error other than ordinary teamwork.

This is the test that the short-lived-only suite lacked: closing any descriptor of the
database in a long-lived process drops its locks, and only a process mix like this shows it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pdca.db.seed import seed_database
from pdca.db.store import Store
from tests.conftest import REPO
from tests.integration.support import worker_env

# Logins the seeded team does not use, so each one's events are exactly their soak writes.
APPS = ["app-ann", "app-cat"]
COMMAND_LINES = ["cli-dan", "cli-eve", "cli-fay", "cli-gus"]
WRITES = 30  # in all
APP_WRITES = 3  # by each app at least
CLI_WRITES = 2  # by each command line at least
# Only a safety net for a machine far slower than CI: the run then stops there and is
# checked all the same (each process must still have written).
HARD_LIMIT_SECONDS = 300.0


def _start(module: str, spec: dict[str, Any], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, json.dumps(spec)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read(report: Path) -> list[dict[str, Any]]:
    """The report's complete lines: read while its process may be writing one, the part
    after the last newline is not a line yet."""
    if not report.exists():
        return []
    lines = report.read_text().split("\n")[:-1]
    return [json.loads(line) for line in lines if line.strip()]


def _committed(report: Path) -> int:
    return sum(1 for entry in _read(report) if "committed" in entry)


def _enough(reports: dict[str, Path]) -> bool:
    counts = {actor: _committed(path) for actor, path in reports.items()}
    return (
        sum(counts.values()) >= WRITES
        and all(counts[actor] >= APP_WRITES for actor in APPS)
        and all(counts[actor] >= CLI_WRITES for actor in COMMAND_LINES)
    )


def test_two_boards_and_four_command_lines_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    setup = Store.open(path, actor="setup", clock=_now, create=True)
    seed_database(setup, size="small", seed=7)
    setup.close()  # the test process holds no connection while the others run

    home = tmp_path / "home"
    home.mkdir()
    env = {
        **worker_env(),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "TERM": "xterm-256color",
    }
    env.pop("PDCA_NOW", None)  # real time: presence, polls and escalation as in the field
    go, stop = tmp_path / "go", tmp_path / "stop"
    reports = {actor: tmp_path / f"report-{actor}.jsonl" for actor in APPS + COMMAND_LINES}
    processes: dict[str, subprocess.Popen[str]] = {}
    for number, actor in enumerate(APPS + COMMAND_LINES):
        spec = {
            "db": str(path),
            "actor": actor,
            "seed": number,
            "seconds": HARD_LIMIT_SECONDS,
            "ready": str(tmp_path / f"ready-{actor}"),
            "go": str(go),
            "stop": str(stop),
            "report": str(reports[actor]),
        }
        module = "tests.integration.soak_app" if actor in APPS else "tests.integration.soak_cli"
        processes[actor] = _start(module, spec, env)
    try:
        deadline = time.monotonic() + 120  # six processes importing at once on two cores
        while not all((tmp_path / f"ready-{actor}").exists() for actor in processes):
            for actor, process in processes.items():
                assert process.poll() is None, f"{actor} died: {process.communicate()[1]}"
            assert time.monotonic() < deadline, "the processes did not all start"
            time.sleep(0.05)
        started = time.monotonic()
        go.touch()
        while not _enough(reports) and time.monotonic() - started < HARD_LIMIT_SECONDS:
            for actor, process in processes.items():
                if process.poll() is not None:
                    _, err = process.communicate()
                    raise AssertionError(f"{actor} exited {process.returncode} early: {err}")
            time.sleep(0.1)
        stop.touch()
        outputs = {}
        for actor, process in processes.items():
            _out, err = process.communicate(timeout=240)  # the write in hand, then out
            outputs[actor] = (process.returncode, err)
        duration = time.monotonic() - started
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()

    entries = {actor: _read(report) for actor, report in reports.items()}
    for actor, (code, err) in outputs.items():
        errors = [e["error"] for e in entries[actor] if "error" in e]
        assert code == 0 and errors == [], f"{actor}: exit {code}, errors {errors}, {err[-2000:]}"
        assert entries[actor][-1] == {"exit": "ok"}, f"{actor} did not finish: {err[-2000:]}"
    committed = {a: [e["committed"] for e in entries[a] if "committed" in e] for a in entries}
    total = sum(len(ops) for ops in committed.values())
    counts = {actor: len(ops) for actor, ops in committed.items()}
    assert total >= WRITES or duration >= HARD_LIMIT_SECONDS, (counts, duration)
    for actor in APPS + COMMAND_LINES:
        assert committed[actor], f"{actor} made no write: {counts}"
    print(f"soak: {len(processes)} processes, {total} writes {counts}, {duration:.0f} s")  # -s

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for actor, ops in committed.items():
            try:
                _check_in_file(conn, actor, ops)
            except AssertionError as failure:  # with what the person was shown, to read why
                told = [e for e in entries[actor] if "said" in e or "refused" in e]
                raise AssertionError(f"{failure}; {actor}'s report: {told}") from None
    finally:
        conn.close()


def _check_in_file(conn: sqlite3.Connection, actor: str, ops: list[list[Any]]) -> None:
    """Each write ``actor`` was shown as done is in the file, made from what they saw; and
    ``actor`` made no other write (the event log and the writes agree)."""
    for op in ops:
        if op[0] == "add":
            found = conn.execute(
                "SELECT count(*) FROM actions WHERE title = ? AND created_by = ?", (op[1], actor)
            ).fetchone()[0]
            assert found == 1, f"{actor}: added {op[1]!r}, found {found} times"
        elif op[0] == "checkin":
            found = conn.execute(
                "SELECT count(*) FROM checkins WHERE action_id = ? AND message = ? AND author = ?",
                (op[1], op[2], actor),
            ).fetchone()[0]
            assert found == 1, f"{actor}: checked in {op[2]!r} on #{op[1]}, found {found}"
        else:
            _, action_id, seen, goal = op
            # A colleague's command names where to. The app moves the card as it shows it
            # when the key lands: a colleague's move of that very card may land between the
            # driver's look and its key (the card then moves from where it went, with the
            # version the board just read), so for the app the log must hold a move of
            # that card by that person; the count of transactions below stays exact.
            summary = (
                f"moved #{action_id} from %"
                if seen is not None
                else f"moved #{action_id} from % to {goal}%"
            )
            found = conn.execute(
                "SELECT count(*) FROM events WHERE actor = ? AND entity = 'action'"
                " AND entity_id = ? AND summary LIKE ?",
                (actor, action_id, summary),
            ).fetchone()[0]
            assert found >= 1, f"{actor}: moved #{action_id} from {seen} to {goal}: not in the log"
    transactions = conn.execute(
        "SELECT count(DISTINCT tx) FROM events WHERE actor = ?", (actor,)
    ).fetchone()[0]
    assert transactions == len(ops), f"{actor}: {transactions} transactions, {len(ops)} writes"


def _now():  # type: ignore[no-untyped-def]
    from pdca.db.clock import system_clock

    return system_clock()
