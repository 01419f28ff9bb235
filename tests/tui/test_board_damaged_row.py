"""A card whose row was given a value of the wrong kind with sqlite3 by hand (a blob for a
title): the board opens, shows that card with its title naming what is wrong and the others
as they are; opening or editing it says so in a toast, and nothing is written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pdca.db.models import ActionDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.widgets.phase_column import CARD_HEIGHT, PhaseColumn
from tests.tui.conftest import SIZE, settle_app


async def test_the_board_opens_with_the_damaged_card_named(
    make_app, store: Store, db_path: Path
) -> None:
    store.add_action(ActionDraft(title="damaged", owner="bob"))
    store.add_action(ActionDraft(title="intact", owner="bob"))
    with sqlite3.connect(db_path) as conn:  # the guard dropped (0021 refuses it otherwise)
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("UPDATE actions SET title = X'1b5d303b78' WHERE id = 1")  # ESC ] 0 ; x
    conn.close()
    events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        column = screen.columns["plan"]
        assert isinstance(column, PhaseColumn)
        titles = {a.id: a.title for a in column.actions}
        assert titles == {
            1: r"title holds b'\x1b]0;x', not text: changed outside pdca",
            2: "intact",
        }
        drawn = "\n".join(column.render_line(y).text for y in range(CARD_HEIGHT * 2))
        assert "#1 title holds b'\\x1b]0" in drawn and "\x1b" not in drawn
        await pilot.press("e")  # the damaged card has focus: its edit is refused by name
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert any(m.startswith("action 1: title holds b'\\x1b]0;x', not text") for m in said)
        assert len(app.screen_stack) == 1  # no form opened on it
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == events
    conn.close()


async def test_the_board_opens_with_a_title_that_is_not_utf8(
    make_app, store: Store, db_path: Path
) -> None:
    """A tester's one such title (``CAST(X'41FF42' AS TEXT)``) stopped the app at its start."""
    store.add_action(ActionDraft(title="damaged", owner="bob"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE actions SET title = CAST(X'41FF42' AS TEXT) WHERE id = 1")
    conn.close()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        column = screen.columns["plan"]
        assert isinstance(column, PhaseColumn)
        assert [a.title for a in column.actions] == ["A\ufffdB"]
        assert "#1 A\ufffdB" in column.render_line(0).text


async def test_the_stand_up_names_a_due_set_by_hand_and_the_board_stays(
    make_app, store: Store, db_path: Path
) -> None:
    """A due written past the guards ('12/01/2026' after ``sqlite-utils transform`` dropped
    the triggers, or a number) crashed the stand-up, and key 5 ended everyone's board (a
    tester). The row is listed, its due named as the board's card names it."""
    from pdca.screens.standup import StandupScreen

    first = store.add_action(ActionDraft(title="slash date", owner="bob", due="2026-12-01"))
    second = store.add_action(ActionDraft(title="number date", owner="bob", due="2026-12-02"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("UPDATE actions SET due = '12/01/2026' WHERE id = ?", (first.id,))
        conn.execute("UPDATE actions SET due = 12345 WHERE id = ?", (second.id,))
    conn.close()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("5")
        await settle_app(app, pilot)
        screen = app.screen
        assert isinstance(screen, StandupScreen) and screen.digest is not None
        details = {
            item.action_id: (item.flags, item.detail)
            for item in screen.digest.standing
            if item.kind == "action"
        }
        assert details[first.id] == (
            [],
            "due holds '12/01/2026', not a date: changed outside pdca",
        )
        assert details[second.id][1] == "due holds '12345', not a date: changed outside pdca"
        assert app.is_running


async def test_an_open_action_in_no_phase_is_named_on_the_board_and_by_list(
    make_app, store: Store, db_path: Path, cli
) -> None:
    """A phase 'Do' written past the guards: no column holds it, and the action was gone from
    the board and every open list without a word (a retrial). Said at the board's start, and
    by pdca list as it leaves it out."""
    cased = store.add_action(ActionDraft(title="cased", owner="bob"))
    store.add_action(ActionDraft(title="intact", owner="bob"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("PRAGMA ignore_check_constraints = 1")
        conn.execute("UPDATE actions SET phase = 'Do' WHERE id = ?", (cased.id,))
    conn.close()
    said = (
        f"action {cased.id}: phase holds 'Do', not one of plan, do, check, act: changed outside"
        " pdca (put it right with sqlite3, or restore a backup)"
    )
    listed = cli("list", "--owner", "bob")
    assert listed.exit_code == 0 and "intact" in listed.stdout
    assert listed.stderr == f"pdca: left out {said}\n"
    # not in a list its filter would not show (carol's in dave's, a retrial; any filter, a
    # reviewer)
    assert "left out" not in cli("list", "--owner", "none").stderr
    assert "left out" not in cli("list", "--priority", "low").stderr
    # the owners view counted it as Plan, unsaid (a retrial): said, with how it was taken
    assert cli("owners").stderr == f"pdca: {said}; counted here as Plan\n"
    assert cli("standup").stderr == f"pdca: {said}; read here as open work\n"
    app = make_app(db_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        assert f"{said}; not on the board" in [str(n.message) for n in app._notifications]
