"""Repeating actions are made exactly once when many real processes see them fall due at the
same moment: eight ``pdca`` commands at once (``recur run`` from cron, ``list``, ``recur list``
and ``add``, which all catch up at their start) beside the real app, headless, running its
minute round back to back (tests/integration/recur_app.py). Rounds move the clock on by days
and weeks (a file left alone for a month catches up with one instance per rule, not a burst);
each round's expected count comes from the pure rules, and the file must hold exactly that,
each (rule, due) once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from pdca.db import recurrence
from pdca.db import recurrence_rules as rr
from pdca.db.models import ActionDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO
from tests.integration.support import start_pdca, worker_env

RULES = ["day", "3 days", "week mon,thu", "2 weeks fri", "month 15", "month last-fri", "month 31"]
RULE_COUNT = 42
PROCESSES = 8
DAYS = ["2026-11-24", "2026-11-27", "2026-12-20", "2026-12-21", "2027-02-05", "2027-02-05"]


def _expected_per_round(store: Store) -> list[int]:
    """What the rules say each round should make: one per rule whose date came."""
    state = {
        row["id"]: (rr.parse(row["rule"]), date.fromisoformat(row["anchor"]),
                    date.fromisoformat(row["next_due"]))
        for row in store.conn.execute("SELECT * FROM recurrences")
    }  # fmt: skip
    counts = []
    for text in DAYS:
        today, made = date.fromisoformat(text), 0
        for rule_id, (rule, anchor, next_due) in state.items():
            if next_due <= today:
                made += 1
                due = rr.latest_due(rule, anchor, next_due, today)
                state[rule_id] = (rule, anchor, rr.next_after(rule, anchor, due))
        counts.append(made)
    return counts


def _write_atomically(path: Path, text: str) -> None:
    """A plain write truncates first, and the app's clock once read the empty file between."""
    partial = path.with_suffix(".partial")
    partial.write_text(text)
    os.replace(partial, path)


def _commands(round_number: int) -> list[tuple[str, ...]]:
    kinds = [("recur", "run"), ("list",), ("recur", "list", "--json")]
    commands = [kinds[n % 3] for n in range(PROCESSES - 1)]
    return [*commands, ("add", f"written in round {round_number}")]


def test_many_processes_make_each_instance_once(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    home = tmp_path / "home"
    home.mkdir()
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    for n in range(RULE_COUNT):
        draft = ActionDraft(title=f"ritual {n}", owner=f"p{n % 5}")
        recurrence.add_repeating_action(store, draft, RULES[n % len(RULES)])
    expected = _expected_per_round(store)
    first = store.conn.execute("SELECT count(*) FROM actions").fetchone()[0]
    now_file = tmp_path / "now"
    _write_atomically(now_file, DAYS[0])
    app_spec = {
        "db": str(path),
        "actor": "erin",
        "now": str(now_file),
        "stop": str(tmp_path / "stop"),
        "ready": str(tmp_path / "app-ready"),
    }
    loop = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.recur_app", json.dumps(app_spec)],
        cwd=REPO,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    env = {
        "PDCA_USER": "cron",
        "PDCA_DB": str(path),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TZ": "UTC",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    made: list[int] = []
    try:
        for number, day in enumerate(DAYS):
            _write_atomically(now_file, day)  # the app reads it any moment: never half written
            runs = [
                start_pdca(*command, env={**env, "PDCA_NOW": f"{day}T09:00:00Z"})
                for command in _commands(number)
            ]
            for run in runs:
                _, err = run.communicate(timeout=120)
                assert run.returncode == 0, err
            deadline = time.monotonic() + 60
            while not (tmp_path / f"done-{day}").exists():  # the long-lived one saw the day
                assert loop.poll() is None, loop.communicate()[1]
                assert time.monotonic() < deadline
                time.sleep(0.01)
            total = store.conn.execute(
                "SELECT count(*) FROM actions WHERE recurrence_id IS NOT NULL"
            ).fetchone()[0]
            made.append(total - first - sum(made))
    finally:
        (tmp_path / "stop").touch()
        out, err = loop.communicate(timeout=60)
    report = json.loads(out)
    assert report["errors"] == [] and report["exit"] in (None, 0), err
    sys.stderr.write(
        f"recur concurrency: {PROCESSES} commands per round + the app (headless), "
        f"{len(DAYS)} rounds, {RULE_COUNT} rules: expected {sum(expected)} instances "
        f"{expected}, created {sum(made)} {made}\n"
    )
    assert made == expected
    assert sum(expected) > RULE_COUNT  # the rounds did make many, and more than one each
    duplicates = store.conn.execute(
        "SELECT recurrence_id, due, count(*) FROM actions WHERE recurrence_id IS NOT NULL"
        " GROUP BY recurrence_id, due HAVING count(*) > 1"
    ).fetchall()
    assert duplicates == []
    creates = store.conn.execute(
        "SELECT count(*) FROM events WHERE entity = 'action' AND op = 'create' AND actor = 'pdca'"
    ).fetchone()[0]
    assert creates == sum(made)
    assert [row[0] for row in store.conn.execute("PRAGMA integrity_check")] == ["ok"]
    store.close()
