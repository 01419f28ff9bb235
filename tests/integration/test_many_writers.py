"""Many real processes writing one file at the same moment: nothing is lost, nothing is locked.

Each worker opens the file after a shared start signal and makes its writes as separate
``BEGIN IMMEDIATE`` transactions, so the busy wait, not luck, is what keeps them apart.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pdca.db.store import Store
from tests.conftest import NOW_DT
from tests.integration.support import check_reports, run_together, start_pdca

WORKERS = 8
OPS = 100
OWNERS = ["ann", "bob", "cyd"]  # shared by every worker: each is registered exactly once


def _make_database(path: Path) -> None:
    Store.open(path, actor="setup", clock=lambda: NOW_DT, create=True).close()


def test_eight_processes_write_one_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    _make_database(path)
    specs = [
        {"job": "writes", "db": str(path), "actor": f"w{n}", "ops": OPS, "owners": OWNERS}
        for n in range(WORKERS)
    ]
    reports = run_together(specs, tmp_path / "rendezvous")

    check_reports(path, reports, OWNERS)
    assert [len(r["committed"]) for r in reports] == [OPS] * WORKERS
    assert {r["journal_mode"] for r in reports} == {"wal"}


# --------------------------------------------------------------------------- the real CLI


def _cli_env(tmp_path: Path, user: str) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "PDCA_USER": user,
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "PDCA_DB": str(tmp_path / "pdca.db"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TZ": "UTC",
    }


def _run_all(commands: list[tuple[str, list[str]]], tmp_path: Path) -> list[str]:
    """Start every ``(user, args)`` command at once; all must succeed; return their stdouts."""
    processes = [start_pdca(*args, env=_cli_env(tmp_path, user)) for user, args in commands]
    outputs = []
    for (user, args), process in zip(commands, processes, strict=True):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"{user} {args}: {err}"
        assert "locked" not in err and "busy" not in err
        # Only the note that an owner is new (whichever process named them first says it).
        # notes about the people named (new here; a login of this machine that cannot write
        # the file, when the machine has one of that name) are not this test's concern
        said = [
            line
            for line in err.splitlines()
            if " is new to this file: " not in line and " cannot write this file (" not in line
        ]
        assert said == [], f"{user} {args}: {err}"
        outputs.append(out)
    return outputs


@pytest.mark.usefixtures("missing_db")
def test_eight_pdca_commands_at_once_create_and_fill_one_file(tmp_path: Path) -> None:
    """Eight ``pdca init`` on a file that does not exist yet (all of them race to create and
    migrate it), eight ``pdca add``, then four ``pdca checkin`` and four more ``pdca add``, each
    round at once."""
    path = tmp_path / "pdca.db"
    made = _run_all([(f"u{n}", ["init"]) for n in range(WORKERS)], tmp_path)
    assert sum(out.startswith("created ") for out in made) == 1, made
    first = _run_all(
        [
            (f"u{n}", ["add", f"first {n}", "--owner", "ann", "--due", "+7d", "--json"])
            for n in range(WORKERS)
        ],
        tmp_path,
    )
    first_ids = {json.loads(out)["title"]: json.loads(out)["id"] for out in first}
    assert sorted(first_ids) == sorted(f"first {n}" for n in range(WORKERS))

    second = _run_all(
        [(f"u{n}", ["checkin", str(first_ids[f"first {n}"]), f"note {n}"]) for n in range(4)]
        + [(f"u{n}", ["add", f"second {n}", "--json"]) for n in range(4, WORKERS)],
        tmp_path,
    )
    checked = [first_ids[f"first {n}"] for n in range(4)]
    assert second[:4] == [f"checked in on #{action} (on-track)\n" for action in checked]
    second_ids = {json.loads(out)["title"]: json.loads(out)["id"] for out in second[4:]}

    store = Store.open(path, actor="checker", clock=lambda: NOW_DT)
    try:
        conn = store.conn
        assert [row[0] for row in conn.execute("PRAGMA integrity_check")] == ["ok"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        titles = dict(conn.execute("SELECT title, id FROM actions").fetchall())
        assert titles == {**first_ids, **second_ids}
        creators = Counter(row[0] for row in conn.execute("SELECT created_by FROM actions"))
        assert creators == Counter(f"u{n}" for n in range(WORKERS)) + Counter(
            f"u{n}" for n in range(4, WORKERS)
        )
        checkins = sorted(
            tuple(row) for row in conn.execute("SELECT action_id, author, message FROM checkins")
        )
        assert checkins == sorted((first_ids[f"first {n}"], f"u{n}", f"note {n}") for n in range(4))
        # 12 actions, 4 check-ins, and ann registered once by whichever add came first.
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 12 + 4 + 1
        assert [row[0] for row in conn.execute("SELECT login FROM people")] == ["ann"]
        assert store.counts()["person"] == 1
    finally:
        store.close()
