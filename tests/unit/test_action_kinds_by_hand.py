"""An action's column given a value of the wrong kind with sqlite3 by hand (a blob for a
title, text in a number column: SQLite keeps what it is given). A read names the row, the
column and the value in one line (exit 1 on the command line); the board shows the card
with its title saying what is wrong, so one damaged row does not take the board down; a
write to it is refused by name, and nothing is written. Since 0021 the table refuses such a
write itself (tests/unit/test_kinds_guarded.py): these files had it dropped."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from pdca.db.errors import RowChangedOutside
from pdca.db.models import ActionChanges, ActionDraft, InitiativeDraft, KpiDraft
from pdca.db.store import ActionFilter, Store

# Each column of an action, a value of the wrong kind for it, and how the value is named.
WRONG = [
    ("title", "X'ff00'", r"b'\xff\x00', not text"),
    ("notes", "X'00'", r"b'\x00', not text"),
    ("owner", "X'37'", "b'7', not text or empty"),
    ("due", "X'31'", "b'1', not text or empty"),
    ("initiative_id", "'abc'", "'abc', not a whole number or empty"),
    ("kpi_id", "1.5", "1.5, not a whole number or empty"),
    ("parent_id", "'x'", "'x', not a whole number or empty"),
    ("cycle", "'two'", "'two', not a whole number"),
    ("created_by", "X'00'", r"b'\x00', not text"),
    ("created_at", "X'35'", "b'5', not text"),
    ("updated_at", "X'00'", r"b'\x00', not text"),
    ("phase_since", "X'00'", r"b'\x00', not text"),
    ("version", "'v'", "'v', not a whole number"),
    ("recurrence_id", "'r'", "'r', not a whole number or empty"),
]


@pytest.fixture
def damaged(store: Store, db_path: Path) -> Store:
    store.add_initiative(InitiativeDraft(name="Ops", objective="cut pages 20% by 2027-03-31"))
    store.add_kpi(KpiDraft(name="Pages", unit="n", baseline=10, target=5, direction="down"))
    store.add_action(
        ActionDraft(title="first", owner="bob", initiative="Ops", kpi="Pages", due="2026-12-31")
    )
    store.add_action(ActionDraft(title="second", owner="bob"))
    return store


def _set_by_hand(db_path: Path, column: str, value: str) -> None:
    """With the table's kind guard dropped first (0021 refuses the write itself): a file
    damaged before it, or by someone who dropped it."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute(f"UPDATE actions SET {column} = {value} WHERE id = 1")
    conn.close()


@pytest.mark.parametrize(("column", "value", "named"), WRONG, ids=[w[0] for w in WRONG])
def test_a_read_names_the_row_the_column_and_the_value(
    damaged: Store, db_path: Path, cli, column: str, value: str, named: str
) -> None:
    _set_by_hand(db_path, column, value)
    with pytest.raises(RowChangedOutside) as refused:
        damaged.get_action(1)
    assert str(refused.value).startswith(f"action 1: {column} holds {named}: changed outside")
    # A list leaves it out and says so (one such row stopped pdca list for everyone: a
    # tester); the action asked for by its id is refused, naming why.
    for command in (["list"], ["list", "--json"]):
        result = cli(*command)
        assert result.exit_code == 0 and "second" in result.stdout, (command, result.stdout)
        assert result.stderr == f"pdca: left out {refused.value}\n"
    result = cli("show", "1")
    assert result.exit_code == 1 and result.stderr == f"pdca: {refused.value}\n"


@pytest.mark.parametrize(("column", "value", "named"), WRONG, ids=[w[0] for w in WRONG])
def test_the_board_shows_the_card_named_and_the_rest_as_they_are(
    damaged: Store, db_path: Path, column: str, value: str, named: str
) -> None:
    _set_by_hand(db_path, column, value)
    cards = damaged.action_page(ActionFilter(phase="plan"), 0, 10)
    by_id = {card.id: card for card in cards}
    assert set(by_id) == {1, 2}
    assert by_id[1].title == f"{column} holds {named}: changed outside pdca"
    assert by_id[2].title == "second" and by_id[2].owner == "bob"
    wrong = getattr(by_id[1], column)
    assert not isinstance(wrong, bytes)  # left out: None, or its kind's zero
    if column != "title":
        assert wrong in (None, "", 0) or column in ("created_at", "updated_at", "phase_since")


@pytest.mark.parametrize("column", ["title", "notes", "due"])
def test_a_write_to_a_row_holding_a_blob_is_refused_by_name_and_nothing_is_written(
    damaged: Store, db_path: Path, cli, column: str
) -> None:
    _set_by_hand(db_path, column, "X'ff'")
    events = damaged.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(RowChangedOutside, match=rf"^action 1: {column} holds b'\\xff', not"):
        damaged.edit_action(1, ActionChanges(title="renamed"))
    for command in (["edit", "1", "--title", "renamed"], ["move", "1", "do"]):
        result = cli(*command)
        assert result.exit_code == 1, (command, result.stdout)
        assert result.stderr.startswith(f"pdca: action 1: {column} holds b'\\xff', not text")
        assert result.stderr.count("\n") == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == events
        assert conn.execute("SELECT phase, version FROM actions WHERE id = 1").fetchone() == (
            "plan",
            1,
        )
    conn.close()


def test_a_megabyte_pasted_by_hand_is_not_repeated_in_the_message(
    damaged: Store, db_path: Path
) -> None:
    _set_by_hand(db_path, "title", "randomblob(1000000)")
    with pytest.raises(RowChangedOutside) as refused:
        damaged.get_action(1)
    assert len(str(refused.value)) < 200


@pytest.mark.parametrize("due", ["2026-13-45", "tomorrow", "2026-02-30"])
def test_a_due_date_of_no_shape_is_named_and_the_board_shows_the_card(
    damaged: Store, db_path: Path, cli, due: str
) -> None:
    """A tester typed due='2026-13-45' with sqlite3 (before schema 21's guard refused it):
    every board that showed the card crashed (``date.fromisoformat``)."""
    _set_by_hand(db_path, "due", f"'{due}'")
    said = f"due holds {due!r}, not a date such as 2026-12-31: changed outside pdca"
    with pytest.raises(RowChangedOutside, match=f"^action 1: {re.escape(said)} "):
        damaged.get_action(1)
    result = cli("list")
    assert result.exit_code == 0 and result.stderr.startswith(f"pdca: left out action 1: {said}")
    cards = {card.id: card for card in damaged.action_page(ActionFilter(phase="plan"), 0, 10)}
    assert cards[1].title == said and cards[1].due is None
    assert cards[2].title == "second"


def _set_past_the_checks(db_path: Path, sql: str) -> None:
    """A value the schema's CHECKs refuse, written with them and the kind guard set aside (a
    tester's ``PRAGMA ignore_check_constraints = 1`` and ``DROP TRIGGER``)."""
    table = sql.split()[1]
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = 1")
        conn.execute(f"DROP TRIGGER {table}_kinds_on_update")
        conn.execute(sql)
    conn.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [("phase", "weird"), ("priority", "urgent"), ("verdict", "meh"), ("decision", "maybe")],
)
def test_a_choice_past_the_schemas_checks_is_named_and_nothing_crashes(
    damaged: Store, db_path: Path, cli, column: str, value: str
) -> None:
    """A phase of "weird" crashed pdca owners, pdca move and the report (a tester)."""
    _set_past_the_checks(db_path, f"UPDATE actions SET {column} = '{value}' WHERE id = 1")
    with pytest.raises(RowChangedOutside, match=f"^action 1: {column} holds '{value}', not one"):
        damaged.get_action(1)
    if column != "phase":  # a phase none of the board's columns holds: on none of them
        cards = {c.id: c for c in damaged.action_page(ActionFilter(phase="plan"), 0, 10)}
        assert cards[1].title.startswith(f"{column} holds '{value}', not one of ")
        assert cards[2].title == "second"
    for command in (["owners"], ["report"], ["standup"], ["flow"], ["list"]):
        result = cli(*command)
        assert "crashed" not in result.stderr and result.exit_code == 0, (command, result.stderr)
    result = cli("move", "1", "do")
    assert "crashed" not in result.stderr and result.stderr.count("\n") <= 1
    if column == "phase":
        assert result.exit_code == 1
        assert result.stderr.startswith("pdca: action 1: phase holds 'weird', not one of plan")


def test_a_check_in_past_the_schemas_checks_is_named_in_one_line(
    damaged: Store, db_path: Path, cli
) -> None:
    from pdca.db.models import CheckinDraft

    damaged.add_checkin(1, CheckinDraft(message="fine", status="on-track"))
    _set_past_the_checks(db_path, "UPDATE checkins SET status = 'meh'")
    result = cli("show", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith("pdca: check-in 1: status holds 'meh': changed outside pdca")
    assert result.stderr.count("\n") == 1


def test_a_title_that_is_not_text_shows_as_what_it_holds_in_every_summary(
    damaged: Store, db_path: Path, cli
) -> None:
    """Bytes for a title crashed the stand-up and the report's flow (a tester)."""
    from pdca.db.text_rules import escape

    assert escape(b"AB\x00") == r"b'AB\x00' (not text: changed outside pdca)"  # type: ignore[arg-type]
    _set_by_hand(db_path, "title", "X'41424300'")
    for command in (
        ["report"], ["standup"], ["flow"], ["report", "--format", "html"], ["standup", "--json"],
        ["log", "--json"],
    ):  # fmt: skip
        result = cli(*command)
        assert "crashed" not in result.stderr and result.exit_code == 0, (command, result.stderr)
