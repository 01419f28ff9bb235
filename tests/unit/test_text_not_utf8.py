"""Text that is not UTF-8 in the file (sqlite3 run in a Latin-1 terminal, or ``CAST(X'41FF42'
AS TEXT)``): SQLite keeps the bytes and no guard can refuse them. A tester's one such title
stopped the app at its start and every command that read the row (export included) for the
whole team, while doctor said all was well. Now the bad bytes read as U+FFFD everywhere, and
doctor and the upgrade notice name the value."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from pdca.db.models import KpiDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT


@pytest.fixture
def latin1_file(store: Store, db_path: Path, ok) -> Path:
    ok("add", "Triage rota", "--owner", "bob")
    ok("add", "Label the backlog", "--owner", "bob")
    store.add_kpi(KpiDraft(name="Pages", unit="n", baseline=10, target=5, direction="down"))
    with sqlite3.connect(db_path) as conn:  # 'Caf\xe9', as a Latin-1 terminal types it
        conn.execute("UPDATE actions SET title = CAST(X'436166E9' AS TEXT) WHERE id = 1")
        conn.execute("UPDATE kpis SET unit = CAST(X'FF' AS TEXT)")
    conn.close()
    return db_path


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "--json"),
        ("show", "1"),
        ("log",),
        ("owners",),
        ("standup",),
        ("report",),
        ("flow",),
        ("kpi", "list"),
        ("kpi", "show", "Pages"),
        ("export", "--format", "csv"),
    ],
    ids=lambda c: " ".join(c),
)
def test_every_command_reads_the_row(latin1_file: Path, cli, command) -> None:
    result = cli(*command)
    assert result.exit_code == 0, result.stderr
    assert "decode" not in result.stderr and "Traceback" not in result.stderr


def test_the_bad_bytes_read_as_the_replacement_character(latin1_file: Path, js) -> None:
    assert [a["title"] for a in js("list", "--json")] == ["Caf\ufffd", "Label the backlog"]
    assert js("kpi", "show", "Pages", "--json")["kpi"]["unit"] == "\ufffd"


def test_the_export_carries_the_row_and_imports_again(latin1_file: Path, cli, tmp_path) -> None:
    exported = cli("export", "--format", "json")
    assert exported.exit_code == 0, exported.stderr
    document = json.loads(exported.stdout)
    titles = [a["title"] for a in document["tables"]["actions"]]
    assert titles == ["Caf\ufffd", "Label the backlog"]
    (tmp_path / "x.json").write_text(exported.stdout, encoding="utf-8")
    again = cli("--db", str(tmp_path / "new.db"), "import", str(tmp_path / "x.json"))
    assert again.exit_code == 0, again.stderr


def test_an_edit_of_the_row_writes_utf8(latin1_file: Path, ok, js, db_path: Path) -> None:
    ok("edit", "1", "--title", "Café")
    assert js("list", "--json")[0]["title"] == "Café"
    with sqlite3.connect(db_path) as conn:
        (stored,) = conn.execute("SELECT CAST(title AS BLOB) FROM actions WHERE id = 1").fetchone()
    conn.close()
    assert stored == "Café".encode()


def test_doctor_names_each_table_holding_such_text(latin1_file: Path, cli) -> None:
    result = cli("doctor")
    assert result.exit_code == 1
    (line,) = [line for line in result.stdout.splitlines() if "values" in line]
    assert "actions: 1 row (first id 1: title holds text that is not UTF-8)" in line
    assert "kpis: 1 row (first id 1: unit holds text that is not UTF-8)" in line


def test_an_owner_not_in_utf8_is_counted_in_the_standup_under_the_stand_in(
    latin1_file: Path, js, db_path: Path
) -> None:
    """The stand-up reads its changes' people as bytes and decodes each name once (issue 14:
    a Python call per change was 20 ms at 100 000 actions): a name that is not UTF-8 still
    reads as the replacement character, with its changes counted under it."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE actions SET owner = CAST(X'626FFF' AS TEXT) WHERE id = 2")
    conn.close()
    counts = js("standup", "--json", "--since", "2000-01-01")["change_counts"]
    assert counts["bo\ufffd"]["created"] == 1 and counts["bob"]["created"] == 1


def test_a_next_cycle_and_a_repeat_copy_such_an_owner_and_title_as_stored(
    store: Store, db_path: Path, ok
) -> None:
    """Copied through Python, the owner came back as 'bo\\ufffdb', a login nobody has:
    done --decision adjust failed with "FOREIGN KEY constraint failed" (a tester), and a
    title lost its byte. Both are copied as the file holds them."""
    ok("add", "Rota", "--owner", "bob", "--due", "2026-12-30")
    ok("add", "Daily", "--owner", "bob", "--every", "day")
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("UPDATE people SET login = CAST(X'626FFF62' AS TEXT) WHERE login = 'bob'")
        conn.execute("UPDATE actions SET owner = CAST(X'626FFF62' AS TEXT)")
        conn.execute("UPDATE actions SET title = CAST(X'436166E9' AS TEXT) WHERE id = 1")
    conn.close()
    for step in (("move", "1", "do"), ("checkin", "1", "went"), ("move", "1", "check")):
        ok(*step)
    ok("move", "1", "act", "--verdict", "partly")
    ok("done", "1", "--decision", "adjust")
    ok("done", "2", "--decision", "standardize")  # a repeat's next comes with its date
    later = Store.open(db_path, actor="x", clock=lambda: NOW_DT + timedelta(days=1))
    try:
        from pdca.db import recurrence

        assert recurrence.run_due(later)
    finally:
        later.close()
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT id, hex(owner), hex(title) FROM actions ORDER BY id").fetchall()
    conn.close()
    owners = {row[1] for row in rows}
    assert owners == {"626FFF62"}, rows
    assert rows[2][2] == "436166E9"  # #3, the next cycle of #1: its title's byte kept
