"""Every table pdca writes refuses, at the write, a value SQLite would keep in the wrong kind (a
blob anywhere, text that is no number in a number column), whoever writes it: a person with
sqlite3 gets one line naming the column, and nothing is written (migration 0021). Values that
SQLite's type affinity converts (14 into a text column, '15' into a number column) pass."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pdca.db import schema
from pdca.db.seed import seed_database
from pdca.db.store import Store
from tests.conftest import NOW_DT

NOW = "2026-11-23T09:00:00Z"

COLUMNS = [
    (table, column, kind)
    for table, (text, numbers) in schema._KINDS.items()
    for kind, columns in (("text", text), ("a number", numbers))
    for column in columns
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small team's file, and a row of each table the seed leaves empty."""
    path = tmp_path_factory.mktemp("kinds") / "pdca.db"
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    seed_database(store, size="small", seed=1)
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO sessions (login, host, pid, started_at, seen_at)"
            " VALUES ('alice', 'h', 1, :now, :now)",
            {"now": NOW},
        )
        conn.execute(
            "INSERT INTO notifications (key, recipient, channel, kind, text, state, attempts,"
            " created_at) VALUES ('k', 'alice', 'terminal', 'alert', 't', 'pending', 0, ?)",
            (NOW,),
        )
        for table in ("notify_settings", "settings"):
            conn.execute(
                f"INSERT INTO {table} (key, value, updated_at, updated_by)"
                " VALUES ('k', 'v', ?, 'alice')",
                (NOW,),
            )
        conn.execute(
            "INSERT INTO recurrences (rule, anchor, created_by, created_at, updated_at)"
            " VALUES ('weekly', '2026-01-05', 'alice', :now, :now)",
            {"now": NOW},
        )
        conn.execute(
            "INSERT INTO standups (at, by, since) VALUES (:now, 'alice', :now)", {"now": NOW}
        )
    conn.close()
    return path


def test_every_table_pdca_writes_is_guarded(seeded: Path) -> None:
    with sqlite3.connect(seeded) as conn:
        tables = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        }
        for table, (text, numbers) in schema._KINDS.items():
            declared = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            assert declared - {"id"} == set(text) | set(numbers), table
    conn.close()
    kept = {"action_stays", "event_changes", "audit_counts", "checkin_weeks", "owner_weeks"}
    assert tables - kept == set(schema._KINDS)


@pytest.mark.parametrize(
    ("table", "column", "kind"), COLUMNS, ids=[f"{t}.{c}" for t, c, _ in COLUMNS]
)
def test_a_value_of_the_wrong_kind_is_refused_by_name_and_nothing_is_written(
    seeded: Path, table: str, column: str, kind: str
) -> None:
    wrong = "X'ff'" if kind == "text" else "'abc'"
    takes = schema.value_tests(table)[column][1]
    # a date, a time, JSON: text of a shape; a whole number, or a KPI's within its limits
    assert takes.startswith((kind, "a whole number")) or kind == "text"
    with sqlite3.connect(seeded) as conn:
        row_id, before = conn.execute(
            f'SELECT id, "{column}" FROM {table} ORDER BY id DESC LIMIT 1'
        ).fetchone()
        with pytest.raises(sqlite3.IntegrityError) as refused:
            conn.execute(f'UPDATE {table} SET "{column}" = {wrong} WHERE id = ?', (row_id,))
        assert str(refused.value) == f"{table}.{column} takes {takes}: nothing written"
        after = conn.execute(f'SELECT "{column}" FROM {table} WHERE id = ?', (row_id,)).fetchone()
        assert after[0] == before
        if kind == "a number":  # a blob is refused too
            with pytest.raises(sqlite3.IntegrityError, match=f"^{table}.{column} takes a "):
                conn.execute(f"UPDATE {table} SET \"{column}\" = X'00' WHERE id = ?", (row_id,))
    conn.close()


SHAPED = [
    (table, column, bad)
    for shapes, bads in (
        (
            schema._DATES,
            ("2026-13-45", "tomorrow", "2026-02-30", "2026-12-1", "2026-12-01 ", "0000-01-01"),
        ),
        (
            schema._TIMES,
            ("soon", "2026-11-23 09:00:00", "2026-02-30T09:00:00Z", "2026-11-23")
            + ("0000-01-01T00:00:00Z",),
        ),
        (schema._JSON, ("[1,", "{broken", "[]", '"x"')),
        (schema._LISTS, ("5", "{}", "[1,")),
        (schema._CHOICES, ("doing", "PLAN", "")),
    )
    for table, columns in shapes.items()
    for column in columns
    for bad in bads
]


def _refused(seeded: Path, table: str, column: str, bad: object) -> None:
    """Writing ``bad`` into ``column`` of ``table``'s last row is refused, naming them."""
    takes = schema.value_tests(table)[column][1]
    with sqlite3.connect(seeded) as conn:
        row_id = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError) as refused:
            conn.execute(f'UPDATE {table} SET "{column}" = ? WHERE id = ?', (bad, row_id))
        assert str(refused.value) == f"{table}.{column} takes {takes}: nothing written"
    conn.close()


@pytest.mark.parametrize(("table", "column", "bad"), SHAPED)
def test_a_date_time_or_json_pdca_could_not_read_is_refused(
    seeded: Path, table: str, column: str, bad: str
) -> None:
    """A tester typed due='2026-13-45' (and 'tomorrow') with sqlite3: every board that showed
    the card crashed. A check-in at 'soon' crashed the log and the owners; broken JSON in the
    event log crashed the detail and undo."""
    _refused(seeded, table, column, bad)


def test_a_check_turned_off_does_not_let_a_phase_pdca_does_not_know_in(seeded: Path) -> None:
    """A tester: ``PRAGMA ignore_check_constraints = 1`` then phase 'doing' (the board then
    stopped on it; doctor, reading only, could not see it)."""
    with sqlite3.connect(seeded) as conn:
        conn.execute("PRAGMA ignore_check_constraints = 1")
        with pytest.raises(sqlite3.IntegrityError, match="^actions.phase takes one of plan, do"):
            conn.execute("UPDATE actions SET phase = 'doing' WHERE id = 1")
    conn.close()


@pytest.mark.parametrize(
    ("table", "column", "bad"),
    [
        *((table, column, bad) for table, columns in schema._MEASURES.items()
          for column in columns for bad in (9e999, -9e999, 1e16)),
        ("actions", "cycle", 1.5),
        ("actions", "version", 2.5),
        ("checkins", "action_id", 1.5),
    ],
)  # fmt: skip
def test_a_number_pdca_could_not_read_is_refused(
    seeded: Path, table: str, column: str, bad: float
) -> None:
    """A tester put 9e999 in a reading (the board crashed on its sparkline: pdca refuses more
    than 1e15 either way) and 1.5 in a cycle (read as "not a whole number")."""
    _refused(seeded, table, column, bad)


def test_the_shapes_pdca_writes_pass(seeded: Path) -> None:
    with sqlite3.connect(seeded) as conn:
        conn.execute("UPDATE actions SET due = '2028-02-29', done_at = ? WHERE id = 1", (NOW,))
        conn.execute("UPDATE actions SET due = NULL, last_checkin_at = NULL WHERE id = 2")
        conn.execute('UPDATE kpis SET escalation = \'["bob", "carol"]\' WHERE id = 1')
        conn.execute("UPDATE events SET before = NULL, after = '{\"id\": 1}' WHERE id = 1")
        conn.rollback()
    conn.close()


def test_values_that_affinity_converts_pass(seeded: Path) -> None:
    with sqlite3.connect(seeded) as conn:
        conn.execute("UPDATE actions SET title = 14, version = '15' WHERE id = 1")
        assert conn.execute("SELECT title, version FROM actions WHERE id = 1").fetchone() == (
            "14",
            15,
        )
        conn.rollback()
    conn.close()


def test_an_insert_of_the_wrong_kind_is_refused_too(seeded: Path) -> None:
    with sqlite3.connect(seeded) as conn:
        count = conn.execute("SELECT count(*) FROM people").fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError, match=r"^people\.login takes text"):
            conn.execute(
                "INSERT INTO people (login, name, created_at) VALUES (X'41', 'A', ?)", (NOW,)
            )
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == count
    conn.close()


def test_doctor_names_a_dropped_guard_and_repair_puts_it_back(
    store: Store, db_path: Path, cli
) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER checkins_kinds_on_insert")
    conn.close()
    said = cli("doctor")
    assert said.exit_code == 1
    assert "no trigger checkins_kinds_on_insert: changed outside pdca; put back what is pdca's" in (
        said.stdout
    )
    repaired = cli("doctor", "--repair")
    assert repaired.exit_code == 0, repaired.stderr
    assert "trigger checkins_kinds_on_insert put back" in repaired.stdout
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match=r"^checkins\.message takes text"):
        conn.execute(
            "INSERT INTO checkins (action_id, at, author, status, kind, message)"
            " VALUES (1, ?, 'a', 'on-track', 'checkin', X'00')",
            (NOW,),
        )
    conn.close()


def test_an_update_is_tested_on_the_columns_it_changes(seeded: Path) -> None:
    """A reviewer: one alert whose raised_at was written long ago as '…+00:00' (read as ever)
    made every later update of it fail, and with it every escalation and notification."""
    with sqlite3.connect(seeded) as conn:
        guard = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'alerts_kinds_on_update'"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER alerts_kinds_on_update")
        conn.execute("UPDATE alerts SET raised_at = '2026-11-20T09:00:00+00:00' WHERE id = 1")
        conn.execute(guard)  # as in a file from before the guards, once upgraded
        conn.execute("UPDATE alerts SET escalation_level = escalation_level + 1 WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match=r"^alerts\.raised_at takes a UTC time"):
            conn.execute("UPDATE alerts SET raised_at = 'soon' WHERE id = 1")
        conn.execute("UPDATE alerts SET raised_at = '2026-11-20T09:00:00Z' WHERE id = 1")
        conn.rollback()
    conn.close()


def test_the_guards_test_no_lists_which_sqlite_runs_slowly_there() -> None:
    """Ten ``IN (...)`` lists in one guard's WHEN cost over 100 µs a row: a 20 000-reading
    import held the write lock 2.5 s longer for them (bench/imports.py). The same tests are
    written as ORs."""
    from pdca.db import schema

    guards = schema._kind_guards()
    assert guards and not [name for name, sql in guards.items() if " IN (" in sql]
