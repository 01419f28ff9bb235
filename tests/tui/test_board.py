"""The board from the keyboard: focus, moves, undo, filters, others' changes, read-only."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import date
from pathlib import Path

import pytest
from textual import events

from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.widgets.phase_column import CARD_HEIGHT, PhaseColumn
from tests.conftest import open_as
from tests.tui.conftest import SETTLE_SECONDS as WAIT_SECONDS
from tests.tui.conftest import SIZE, settle_app


def board(app) -> BoardScreen:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def column_ids(app, phase: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [a.id for a in board(app).columns[phase].actions]


def focused(app) -> tuple[str, int | None]:  # type: ignore[no-untyped-def]
    column = app.focused
    assert isinstance(column, PhaseColumn)
    return column.phase, column.current.id if column.current else None


def drawn_text(column: PhaseColumn) -> str:
    return "\n".join(column.render_line(y).text for y in range(CARD_HEIGHT * 3))


async def after_bob(app, pilot, board_db: Path, change) -> None:  # type: ignore[no-untyped-def]
    """bob's write (``change(his store)``) from another connection, and the board's look
    at the file after it, taken in."""
    bob = open_as(board_db, "bob")
    try:
        change(bob)
    finally:
        bob.close()
    app.check_for_changes()
    await app.workers.wait_for_complete()
    await settle_app(app, pilot)


async def test_opens_on_the_first_card_of_plan_with_counts(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)
        headers = {phase: str(label.render()) for phase, label in board(app).headers.items()}
        assert headers == {"plan": "Plan  2", "do": "Do  1", "check": "Check  1", "act": "Act  1"}
        assert column_ids(app, "plan") == [1, 2]


async def test_focus_opens_on_first_non_empty_column(make_app, store, db_path: Path) -> None:
    action = store.add_action(ActionDraft(title="Only in Do", owner="bob", due="2026-12-01"))
    store.move_action(action.id, "do")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("do", action.id)


async def test_h_and_l_with_nothing_that_way_say_so(make_app, store, db_path: Path) -> None:
    """l at the last column with cards did nothing, and said nothing (a tester)."""
    action = store.add_action(ActionDraft(title="Only in Do", owner="bob", due="2026-12-01"))
    store.move_action(action.id, "do")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        assert focused(app) == ("do", action.id)
        assert app._notifications and list(app._notifications)[-1].message == (
            "no cards to the right: Check and Act are empty"
        )
        await pilot.press("h")
        await pilot.pause()
        assert list(app._notifications)[-1].message == "no cards to the left: Plan is empty"


async def test_arrows_and_hjkl_move_focus(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        assert focused(app) == ("plan", 2)
        await pilot.press("k")
        assert focused(app) == ("plan", 1)
        await pilot.press("down")
        assert focused(app) == ("plan", 2)
        await pilot.press("l")
        assert focused(app)[0] == "do"
        await pilot.press("right", "right")
        assert focused(app) == ("act", 5)
        await pilot.press("right")  # nothing right of Act: focus stays
        assert focused(app) == ("act", 5)
        await pilot.press("h", "left", "left")
        assert focused(app)[0] == "plan"


async def test_keys_typed_faster_than_the_screen_repaints_each_move_a_column(
    make_app, board_db: Path
) -> None:
    """Three ``l`` in one burst (a tester's ``tmux send-keys l l l`` on the large file only
    reached Do): each key starts from the column the one before it focused."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app)[0] == "plan"
        for _ in range(3):  # queued together: no pause for a focus callback between them
            app.post_message(events.Key("l", "l"))
        await settle_app(app, pilot)
        assert focused(app)[0] == "act"
        for key in ("j", "h", "h"):
            app.post_message(events.Key(key, key))
        await settle_app(app, pilot)
        assert focused(app)[0] == "do"


async def test_greater_than_moves_a_ready_card_to_do_and_focus_follows(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        assert focused(app) == ("do", 1)
        assert 1 in column_ids(app, "do") and 1 not in column_ids(app, "plan")
        assert app.context.store.get_action(1).phase == "do"
        await pilot.press("less_than_sign")  # and back: moving back needs nothing
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)
        assert app.context.store.get_action(1).phase == "plan"
        await pilot.press("shift+right")
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).phase == "do"
        await pilot.press("shift+left")
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).phase == "plan"


async def test_back_from_plan_says_so_and_writes_nothing(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        events_before = app.context.store.last_event_id()
        await pilot.press("less_than_sign")
        await settle_app(app, pilot)
        assert app.context.store.last_event_id() == events_before
        assert any("first phase" in n.message for n in app._notifications)


async def test_undo_reverts_the_last_move(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).phase == "do"
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).phase == "plan"
        assert column_ids(app, "plan") == [1, 2]
        assert any(n.message.startswith("undone: ") for n in app._notifications)


async def test_undo_takes_back_the_boards_own_change_not_a_script_of_the_same_login(
    make_app, board_db: Path
) -> None:
    """A cron job recording readings as alice: the board's u undid its latest reading, not
    the move just made, and a loop's next command met "no action #45" (a soak). The board
    takes back its own changes, and the person's from before it opened."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("greater_than_sign")  # #1 to Do
        await settle_app(app, pilot)
        script = open_as(board_db, "alice")
        try:
            script.add_action(ActionDraft(title="made by alice's cron job"))
        finally:
            script.close()
        await pilot.press("u")
        await settle_app(app, pilot)
        store = app.context.store
        assert store.get_action(1).phase == "plan"
        assert store.get_action(6).title == "made by alice's cron job"  # still there
        await pilot.press("u")  # then alice's from before it opened: asked first (a soak's
        await settle_app(app, pilot)  # u u deleted two actions added from the shell)
        assert store.get_action(5).phase == "act"
        said = [n.message for n in app._notifications]
        assert said[-1].startswith("u again to undo “moved #5 from check to act (verdict")
        # the cron job's newer change stays, and the question says so (a trial)
        assert said[-1].endswith(
            "; your newer “added #6”, made elsewhere, stays (pdca undo takes it back)"
        )
        asked = board(app).undo_asked
        assert asked is not None
        board(app).undo_asked = (asked[0], asked[1] - 60)  # a minute on: asked again
        await pilot.press("u")
        await settle_app(app, pilot)
        assert store.get_action(5).phase == "act"
        assert [n.message for n in app._notifications][-1].startswith("u again to undo")
        # another key between: asked again too (j, k, then u took it back, a trial)
        await pilot.press("j", "k", "u")
        await settle_app(app, pilot)
        assert store.get_action(5).phase == "act"
        assert [n.message for n in app._notifications][-1].startswith("u again to undo")
        await pilot.press("u")
        await settle_app(app, pilot)
        assert store.get_action(6).title == "made by alice's cron job"
        assert store.get_action(5).phase == "check"


async def test_u_asks_first_when_its_own_newer_change_was_undone_elsewhere(
    make_app, board_db: Path
) -> None:
    """pdca undo in a shell took back the board's last change; the board's u then took the
    one before it without a word (one person in two places). Asked, each with its time."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("greater_than_sign")  # #1 to Do
        await settle_app(app, pilot)
        await pilot.press("less_than_sign")  # and back
        await settle_app(app, pilot)
        shell = open_as(board_db, "alice")
        try:
            assert shell.undo().summaries == ["moved #1 from do to plan"]
        finally:
            shell.close()
        await pilot.press("u")
        await settle_app(app, pilot)
        store = app.context.store
        assert store.get_action(1).phase == "do"  # nothing taken back yet
        [said] = [n.message for n in app._notifications if n.message.startswith("u again")]
        assert said.startswith("u again to undo “moved #1 from plan to do” ("), said
        assert "your newer change here, “moved #1 from do to plan” (" in said, said
        assert said.endswith("was undone elsewhere already"), said
        await pilot.press("u")
        await settle_app(app, pilot)
        assert store.get_action(1).phase == "plan"


async def test_undo_says_so_once_the_cards_show_it(make_app, board_db: Path) -> None:
    """ "undone" stood for a second beside the card still where the move had put it (a
    tester, on a big file): the words come with the cards."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        screen = board(app)
        seen_when_said: list[list[int]] = []
        said = screen.notify

        def notify(message: str, **kw) -> None:  # type: ignore[no-untyped-def]
            seen_when_said.append(column_ids(app, "plan"))
            said(message, **kw)

        screen.notify = notify  # type: ignore[method-assign]
        await pilot.press("u")
        await settle_app(app, pilot)
        assert seen_when_said == [[1, 2]]


async def test_text_filter_narrows_as_typed_and_escape_clears(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.press(*"idea")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        shown = [a.id for c in board(app).columns.values() for a in c.actions]
        assert shown == [2]
        await pilot.press("enter")  # keeps the filter, back to the board
        assert isinstance(app.focused, PhaseColumn)
        assert board(app).filter.text == "idea"
        # The box goes (the filter bar at the top says the filter); "/" brings it back with
        # the text (it stayed over the board's last rows: a tester).
        box = app.screen.query_one("#text-filter")
        assert not box.display
        await pilot.press("slash")
        assert box.display and app.focused is box and box.value == "idea"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        shown = sorted(a.id for c in board(app).columns.values() for a in c.actions)
        assert shown == [1, 2, 3, 4, 5]
        assert board(app).filter.text is None


async def test_a_text_filter_typed_fast_is_read_once_and_enter_waits_for_it(
    make_app, board_db: Path, monkeypatch
) -> None:
    """Each key of the text filter read the columns again and waited for the read before
    the next (5000 keys took 40 s to settle): a burst is read once, after it; enter right
    after it applies it at once, and the keys after enter are for the filtered cards."""
    from pdca.screens.board import BoardScreen

    reads: list[str | None] = []
    original = BoardScreen.reload

    def counted(self: BoardScreen, **options: object) -> object:
        reads.append(self.filter.text)
        return original(self, **options)  # type: ignore[arg-type]

    # A pause longer than a loaded machine takes between two of the test's keys: at 0.15 s,
    # a CI run read "Doing i" too, and at 0.6 s one read "Doi". What is tested is the rule,
    # not the person's pace.
    monkeypatch.setattr("pdca.screens.board.FILTER_TYPING_PAUSE_SECONDS", 2.0)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        monkeypatch.setattr(BoardScreen, "reload", counted)
        await pilot.press("slash", *"Doing it")
        await settle_app(app, pilot)
        assert reads == ["Doing it"]  # one read, of the whole text
        assert [a.id for c in board(app).columns.values() for a in c.actions] == [3]
        await pilot.press("escape")
        await settle_app(app, pilot)
        await pilot.press("slash", *"Doing", "escape")  # esc before the pause: cleared
        await settle_app(app, pilot)
        await pilot.pause(2.3)  # past the pause: the typed filter would have come back
        assert board(app).filter.text is None
        assert len([a for c in board(app).columns.values() for a in c.actions]) == 5
        reads.clear()
        await pilot.press("slash", *"Checking", "enter", "c")  # no pause before enter
        await settle_app(app, pilot)
        under = app.screen_stack[-2]
        assert isinstance(under, BoardScreen) and under.filter.text == "Checking"
        assert reads[-1] == "Checking"
        from pdca.screens.dialogs import CheckinModal

        assert isinstance(app.screen, CheckinModal)
        assert "#4" in str(app.screen.query_one(".dialog--heading").render())


async def test_show_done_toggle(make_app, board_db: Path) -> None:
    open_as(board_db, "bob").complete_action(2, "abandon")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        assert column_ids(app, "plan") == [1]
        await pilot.press("D")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [1, 2]
        assert "✓ abandon" in drawn_text(board(app).columns["plan"])


async def test_done_cards_shown_come_after_the_open_work(make_app, board_db: Path) -> None:
    """#1 (due 11-30) done sorted above #2 (no due date) by date alone: open work first."""
    open_as(board_db, "bob").complete_action(1, "abandon")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [2]
        await pilot.press("D")
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [2, 1]
        assert focused(app) == ("plan", 2)
        await pilot.press("j", "e")  # the done card keeps its place after an edit
        await settle_app(app, pilot)
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [2, 1] and focused(app) == ("plan", 1)


async def test_a_change_from_another_connection_appears_and_focus_stays(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        assert focused(app) == ("plan", 2)
        bob = open_as(board_db, "bob")
        added = bob.add_action(ActionDraft(title="Bob's new idea", owner="bob", due="2026-11-24"))
        bob.close()
        # The app polls about once a second: wait for the card, ending as soon as it shows.
        deadline = time.monotonic() + WAIT_SECONDS
        while added.id not in column_ids(app, "plan") and time.monotonic() < deadline:
            await settle_app(app, pilot)
            await asyncio.sleep(0.05)
        assert added.id in column_ids(app, "plan")
        assert focused(app) == ("plan", 2)


async def test_focus_goes_to_a_near_card_when_someone_empties_its_column(
    make_app, board_db: Path
) -> None:
    """Someone's change took away the focused card, the only one in Do (an undo of an
    import): focus stayed in the empty column, no card lit, and j, k and g did nothing a
    person could see (a trial). It goes to the nearest column with cards, the left first."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        assert focused(app) == ("do", 3)
        await after_bob(app, pilot, board_db, lambda bob: bob.complete_action(3, "abandon"))
        assert column_ids(app, "do") == []
        assert focused(app) == ("plan", 1)
        assert board(app).focused_id == 1
        await pilot.press("j")
        assert focused(app) == ("plan", 2)


async def bob_moves_1_under(app, pilot, board_db: Path, opening: str) -> BoardScreen:  # type: ignore[no-untyped-def]
    """``opening`` pressed on #1 (a form, the detail), then bob's move of #1 to Do taken in
    by the board under it; the board."""
    await settle_app(app, pilot)
    shown = board(app)
    await pilot.press(opening)
    await settle_app(app, pilot)
    assert not isinstance(app.screen, BoardScreen)
    bob = open_as(board_db, "bob")
    bob.move_action(1, "do")
    bob.close()
    app.check_for_changes()
    await settle_app(app, pilot)  # the flow waits on what it opened: not for it
    return shown


async def test_a_form_open_for_another_card_does_not_take_the_cursor_along(
    make_app, board_db: Path
) -> None:
    """ann's n form was open when bob moved the card under her cursor: after esc her
    cursor was in bob's column, on his card, and > asked to move it on (a reviewer)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await bob_moves_1_under(app, pilot, board_db, "n")
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 2)


async def _bob_finishes_3_under_the_cursor(app, pilot, board_db: Path) -> None:  # type: ignore[no-untyped-def]
    """The cursor on #3, the only card in Do; bob abandons it."""
    await pilot.press("l")
    await settle_app(app, pilot)
    assert focused(app) == ("do", 3)
    bob = open_as(board_db, "bob")
    bob.complete_action(3, "abandon")
    bob.close()


async def test_a_column_emptied_under_the_cursor_says_where_the_cursor_went(
    make_app, board_db: Path
) -> None:
    """bob finished #3, the only card in Do, under ann's cursor: the cursor went to another
    column with no word of it, and e with words typed edited the card there (a retrial)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await _bob_finishes_3_under_the_cursor(app, pilot, board_db)
        app.check_for_changes()
        await settle_app(app, pilot)
        phase, card = focused(app)
        notes = [n.message for n in app._notifications]
        assert "#3 was done by bob meanwhile (abandon); D shows done cards" in notes
        assert f"Do has no card left: the cursor is on #{card} in {phase.capitalize()}" in notes


async def test_a_filter_that_leaves_the_cursors_column_empty_says_no_card_left(
    make_app, board_db: Path
) -> None:
    """A new filter with none of Do's cards: "Do has no card left" was said of a column whose
    cards were only filtered out (a reviewer)."""
    from dataclasses import replace

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("l")
        await settle_app(app, pilot)
        board(app).set_filter(replace(board(app).filter, text="Ready"))
        await settle_app(app, pilot)
        assert not any("no card left" in n.message for n in app._notifications)


@pytest.mark.parametrize(
    ("filtered", "said"),
    [
        (None, "#1 was done by bob meanwhile (abandon); D shows done cards"),
        ("a", "#1 changed meanwhile and no longer matches the filter"),
    ],
)
async def test_a_card_that_leaves_the_board_under_the_cursor_is_said_so(
    make_app, board_db: Path, filtered: str | None, said: str
) -> None:
    """bob finished the card under ann's cursor, or re-dated the only late card her L showed:
    another card took its place without a word (a team's morning), where a move to another
    phase is said."""
    from dataclasses import replace

    from pdca.db.models import ActionChanges

    def change(bob: Store) -> object:
        if filtered is None:
            return bob.complete_action(1, "abandon")
        return bob.edit_action(1, ActionChanges(title="Fix it"))  # no "a" in it

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        if filtered is not None:
            board(app).set_filter(replace(board(app).filter, text=filtered))
            await settle_app(app, pilot)
        assert column_ids(app, "plan") == [1, 2] and focused(app) == ("plan", 1)
        await after_bob(app, pilot, board_db, change)
        assert focused(app) == ("plan", 2)
        assert said in [n.message for n in app._notifications]


async def test_a_key_just_after_a_refusal_moved_the_cursor_to_another_column_waits_too(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """> on a card bob had finished, before the board showed it: refused, the card shown as
    it is (gone, as done), and the cursor went to another column's card; d pressed at once,
    meant for the card gone, asked to finish that one (a retrial)."""
    monkeypatch.setattr("pdca.screens.cursor_change.JUST_CHANGED_SECONDS", 60.0)  # a loaded CI
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await _bob_finishes_3_under_the_cursor(app, pilot, board_db)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert said[-1].startswith("#3 changed since you looked") and "shown as" not in said[-1]
        assert focused(app) == ("plan", 1)
        await pilot.press("d")
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)  # no decision asked for #1
        assert "nothing done" in [n.message for n in app._notifications][-1]


async def test_a_card_whose_detail_is_open_takes_the_cursor_along_with_a_colleagues_move(
    make_app, board_db: Path
) -> None:
    """The detail open on #1, bob moved it: the cursor stayed in Plan, and the detail's own
    edit then ended on the board, the detail gone (a reviewer). The person is on the card."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await bob_moves_1_under(app, pilot, board_db, "enter")
        assert shown.focused_id == 1 and shown.focused_column is shown.columns["do"]


async def test_ones_own_undo_of_a_new_card_is_no_change_made_elsewhere(
    make_app, board_db: Path
) -> None:
    """n, then u: "#6 is gone meanwhile by alice", and the c after it was refused as "a
    change made elsewhere" (a reviewer)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("n", *"temp card", "ctrl+s")
        await settle_app(app, pilot)
        assert board(app).focused_id == 6
        await pilot.press("u")
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert not any("meanwhile" in m for m in said), said
        await pilot.press("c")
        await settle_app(app, pilot)
        assert not isinstance(app.screen, BoardScreen)  # the check-in form, at once


async def test_finishing_the_only_card_in_a_column_leaves_focus_on_a_near_card(
    make_app, board_db: Path
) -> None:
    """d 3 on #3, the only card in Do: focus stayed on the empty column and j did nothing (a
    reviewer), as it had for a colleague's write."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        assert focused(app) == ("do", 3)
        await pilot.press("d")
        await settle_app(app, pilot)
        await pilot.press("3")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert column_ids(app, "do") == []
        assert focused(app) == ("plan", 1) and board(app).focused_id == 1


async def test_a_move_key_just_after_someone_moved_the_card_waits_for_a_second_press(
    make_app, board_db: Path, monkeypatch
) -> None:
    """bob moved #3 back to Plan, the only card in Do (so the cursor went with it), and ann's
    > a moment after the board showed it (meant for the card she had seen in Do) would have
    sent it on again without a word (a trial). It says so; pressed again, it acts."""
    # "A moment" long enough for a loaded machine (CI) between the change shown and the key
    monkeypatch.setattr("pdca.screens.cursor_change.JUST_CHANGED_SECONDS", 60.0)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await settle_app(app, pilot)
        assert focused(app) == ("do", 3)
        await after_bob(app, pilot, board_db, lambda bob: bob.move_action(3, "plan"))
        assert focused(app) == ("plan", 3)
        await pilot.press("greater_than_sign")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert said[-1] == (
            "#3 moved to Plan a moment ago (a change made elsewhere): nothing done; the same"
            " key again acts on #3 in Plan"
        )
        watcher = open_as(board_db, "bob")
        assert watcher.get_action(3).phase == "plan"
        await pilot.press("greater_than_sign")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert watcher.get_action(3).phase == "do"
        # Once the moment has passed, a key acts at once.
        monkeypatch.setattr("pdca.screens.cursor_change.JUST_CHANGED_SECONDS", 0.0)
        watcher.move_action(3, "plan")
        app.check_for_changes()
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 3)
        await pilot.press("greater_than_sign")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert watcher.get_action(3).phase == "do"
        watcher.close()


async def test_a_card_someone_moves_to_another_column_leaves_the_cursor_in_its_column(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bob moved #1 on while alice's cursor was on it (a quality lead's trial: to Act, from
    Check); her cursor went along, and her > a moment later asked her to finish his card.
    The cursor stays in the column, on the card that took its place, and the move is said;
    a key pressed at once is for what was there before, so it waits for a second press."""
    monkeypatch.setattr("pdca.screens.cursor_change.JUST_CHANGED_SECONDS", 60.0)  # a loaded CI
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)
        await after_bob(app, pilot, board_db, lambda bob: bob.move_action(1, "do"))
        assert focused(app) == ("plan", 2) and board(app).focused_id == 2
        said = [n.message for n in app._notifications]
        assert "#1 moved to Do meanwhile; the cursor stays in Plan" in said
        assert set(column_ids(app, "do")) == {1, 3}
        await pilot.press("greater_than_sign")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert said[-1] == (
            "#1 left the cursor a moment ago (a change made elsewhere); #2 is there now:"
            " nothing done; the same key again acts on #2 in Plan"
        )
        await pilot.press("j")
        assert focused(app) == ("plan", 2)  # the only card left in Plan


@pytest.mark.parametrize("key", ["c", "e"])
async def test_a_check_in_or_edit_typed_just_after_a_card_slid_under_the_cursor_waits_too(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    """bob moved #24 away and #38 slid under ann's cursor; her c and message, typed 0.6 s
    later, saved the check-in on #38, and e with an edit saved it there too (a trial). Said
    as for a move; what was typed with the key is dropped, not run as board keys."""
    monkeypatch.setattr("pdca.screens.cursor_change.JUST_CHANGED_SECONDS", 60.0)  # a loaded CI
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await after_bob(app, pilot, board_db, lambda bob: bob.move_action(1, "do"))
        assert focused(app) == ("plan", 2)
        watcher = open_as(board_db, "bob")
        before = watcher.action_detail(2)
        await pilot.press(key, *"meant for one", "ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        said = [n.message for n in app._notifications]
        assert any(
            m.startswith("#1 left the cursor a moment ago") and "nothing done" in m for m in said
        ), said
        after = watcher.action_detail(2)
        watcher.close()
        assert (after.checkins, after.action.title) == (before.checkins, before.action.title)
        await pilot.press(key)  # again: it acts, on the card as it is now
        await settle_app(app, pilot)
        assert not isinstance(app.screen, BoardScreen)
        assert f"#{2}" in str(app.screen.query_one(".dialog--heading").render())


async def test_a_move_key_just_after_someones_write_took_the_card_away_waits_too(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bob finished #1 under alice's cursor and #2 took its place: her > a moment later
    (meant for #1) acted on #2 at once (a retrial). Said, as for a card moved on."""
    monkeypatch.setattr("pdca.screens.cursor_change.JUST_CHANGED_SECONDS", 60.0)  # a loaded CI
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        assert focused(app) == ("plan", 1)
        await after_bob(app, pilot, board_db, lambda bob: bob.complete_action(1, "abandon"))
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 2)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)  # not the flow's end: a form would wait for an answer
        assert isinstance(app.screen, BoardScreen)  # no form for #2
        said = [n.message for n in app._notifications]
        assert said[-1] == (
            "#1 left the cursor a moment ago (a change made elsewhere); #2 is there now: nothing"
            " done; the same key again acts on #2 in Plan"
        )


async def test_a_key_on_a_card_changed_before_the_board_showed_it_says_so(
    make_app, board_db: Path
) -> None:
    """bob finished #1 and alice's d, before her board showed it, asked for a decision and
    then refused it (a retrial): said at once, with what changed, and #1 shown as it is."""
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        assert focused(app) == ("plan", 1)
        bob = open_as(board_db, "bob")
        bob.complete_action(1, "abandon")
        bob.close()
        await pilot.press("d")
        await settle_app(app, pilot)  # a dialog would wait for an answer
        assert isinstance(app.screen, BoardScreen)
        said = [n.message for n in app._notifications]
        assert said[-1].startswith("#1 changed since you looked (bob at ")
        # done, it leaves the board: not "shown as it is now" (a retrial)
        assert said[-1].endswith(": done #1 (abandon)); nothing done")
        assert 1 not in column_ids(app, "plan")


async def test_ones_own_keys_typed_together_each_act_on_the_board_the_last_left(
    make_app, board_db: Path, monkeypatch
) -> None:
    """ "< <" typed together: the second was refused, "your last change to it is still being
    saved"; "u >" judged > on the card as it was before the undo (a retrial). Keys typed
    behind a write wait for it."""
    from pdca.db.store import Store

    real_move, real_undo = Store.move_action, Store.undo

    def slow(real):  # type: ignore[no-untyped-def]
        def write(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            time.sleep(0.15)  # a busy machine: the next key comes before the write is done
            return real(self, *args, **kwargs)

        return write

    monkeypatch.setattr(Store, "move_action", slow(real_move))
    monkeypatch.setattr(Store, "undo", slow(real_undo))
    # Slow, not waiting for another's lock: past this a write reads as waiting for one, and
    # the keys held behind it go on (a loaded machine's 0.15 s write took longer, in CI)
    monkeypatch.setattr("pdca.screens.context.SAVING_SHOWN_AFTER_SECONDS", WAIT_SECONDS)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "l")
        assert focused(app) == ("act", 5)
        await pilot.press("less_than_sign", "less_than_sign")
        store = app.context.store
        deadline = time.monotonic() + WAIT_SECONDS
        # the second key waits for the first write, then writes
        while store.get_action(5).phase != "do" and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert store.get_action(5).phase == "do", [str(n.message) for n in app._notifications]
        await pilot.press("u", "greater_than_sign")
        # not the flows' end: > asks for a verdict
        while isinstance(app.screen, BoardScreen) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        said = [str(n.message) for n in app._notifications]
        assert not any("changed since you looked" in m or "still being" in m for m in said)
        assert store.get_action(5).phase == "check"  # back to Check by u ...
        assert not isinstance(app.screen, BoardScreen)  # ... and > asks Check's verdict
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert store.get_action(5).phase == "act"


async def test_user_text_is_drawn_literally(make_app, store, db_path: Path) -> None:
    store.add_action(ActionDraft(title="[bold red]x[/] \x1b[31mred", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        text = drawn_text(board(app).columns["plan"])
        assert "[bold red]x[/]" in text
        assert "\x1b" not in text and "\\x1b[31m" in text


async def test_an_act_card_shows_what_check_found(make_app, store, db_path: Path) -> None:
    """The verdict given at the move to Act is on the card that waits for the decision (a
    new user: "Act cards do not show the verdict"); a done card says its decision instead."""
    for title, verdict in (("Worked one", "worked"), ("Half one", "partly"), ("Flop", "did-not")):
        action = store.add_action(ActionDraft(title=title, owner="carol", due=date(2026, 12, 9)))
        store.move_action(action.id, "do")
        store.add_checkin(action.id, CheckinDraft(message="progress"))
        store.move_action(action.id, "check")
        store.move_action(action.id, "act", verdict=verdict)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        lines = [line[1:].rstrip() for line in drawn_text(board(app).columns["act"]).split("\n")]
        cards = [lines[at : at + CARD_HEIGHT] for at in range(0, len(lines), CARD_HEIGHT)]
        said = {card[0].split(" ", 1)[1]: card[3] for card in cards}
        assert said == {"Worked one": "worked", "Half one": "partly worked", "Flop": "did not work"}


async def test_read_only_database_shows_a_banner_and_refuses_writes(
    make_app, board_db: Path, monkeypatch
) -> None:
    os.chmod(board_db, 0o444)
    try:
        app = make_app(board_db)
        if os.geteuid() == 0:
            # root may write anything; make the store read-only the way a reader's is, and
            # the file stay so for it.
            app.context.store.writable = False
            monkeypatch.setattr("pdca.db.store.may_write_now", lambda path: False)
        # Each key on its own, not text typed after a refused n (tui/typeahead.py drops that).
        monkeypatch.setattr("pdca.tui.typeahead.DROP_PAUSE_SECONDS", 0.0)
        async with app.run_test(size=SIZE) as pilot:
            await settle_app(app, pilot)
            banner = app.screen.query_one("#read-only")
            assert "read-only" in str(banner.render())
            # The whole reason, the file and what to ask included, on as many lines as it
            # takes (one line cut off what to ask at 120 columns).
            reason = app.context.store.read_only_reason
            assert len(reason) > SIZE[0] and banner.size.height >= 2
            # Below the header (file, login, who is here), not over it (both docked to the
            # top hid the header: a tester).
            header = app.screen.query_one("StatusBar")
            assert banner.region.y >= header.region.bottom and header.region.height == 1
            for view in ("3", "1"):  # the KPIs' too (its banner hid its header, a retrial)
                await pilot.press(view)
                await settle_app(app, pilot)
                banner = app.screen.query_one("#read-only")
                header = app.screen.query_one("StatusBar")
                assert banner.display and banner.region.y >= header.region.bottom, view
            # Through SQLite: reading the file's bytes would drop the app's own locks.
            before = (app.context.store.last_event_id(), app.context.store.counts())
            for key in ("n", "greater_than_sign", "c", "d", "u", "e"):
                await pilot.press(key)
                await settle_app(app, pilot)
            assert (app.context.store.last_event_id(), app.context.store.counts()) == before
            assert len(app.screen_stack) == 1  # no form opened
            assert all("read-only" in n.message for n in app._notifications)
    finally:
        os.chmod(board_db, 0o644)


async def test_a_board_opened_read_only_says_to_restart_once_the_file_lets_it_write(
    make_app, board_db: Path
) -> None:
    """The owner fixed the modes; the board still named the mode the file had at open (a
    tester). SQLite keeps the -shm as the process first opened it, so no new connection of
    the running app can write (a reviewer): it says so, and that a restart is what it takes."""
    app = make_app(board_db)
    app.context.store.writable = False  # opened read-only; the file lets us write now
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("n")
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 1
        said = [n.message for n in app._notifications][-1]
        assert "the file lets you write now" in said and "quit and start pdca again" in said


async def test_the_banner_comes_and_goes_with_the_files_modes_while_the_board_is_open(
    make_app, board_db: Path, monkeypatch
) -> None:
    """The owner takes write away while the board is open: within a poll the banner and the
    header say read-only and n is refused; write given back, both go and n opens its form
    (a tester's board went on writing, another's banner stayed for minutes)."""
    allowed = {"now": True}
    monkeypatch.setattr("pdca.db.store.file_lets_me_write", lambda path: allowed["now"])
    monkeypatch.setattr("pdca.db.store.may_write_now", lambda path: allowed["now"])
    monkeypatch.setattr("pdca.tui.typeahead.DROP_PAUSE_SECONDS", 0.0)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        banner = app.screen.query_one("#read-only")
        header = app.screen.query_one("StatusBar")
        assert not banner.display and not header.read_only
        allowed["now"] = False
        await pilot.pause(1.2)  # two polls
        assert banner.display and str(banner.render()).startswith("read-only: ")
        assert "nothing written" not in str(banner.render())
        assert header.read_only
        await pilot.press("n")
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 1
        assert "read-only" in [n.message for n in app._notifications][-1]
        allowed["now"] = True
        await pilot.pause(1.2)
        assert not banner.display and not header.read_only
        await pilot.press("n")
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 2  # the new action's form


async def test_a_file_whose_shm_the_user_cannot_write_says_so_at_open(
    make_app, board_db: Path, monkeypatch
) -> None:
    """The file 0660, its -shm 0640 from another user: the board opened as writable, and
    every save was refused once its form was typed (a tester). Said at open instead."""
    monkeypatch.setattr("pdca.db.store.may_write_now", lambda path: False)  # as for ben
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        banner = app.screen.query_one("#read-only")
        assert str(banner.render()).startswith("writes will be refused: ")


async def test_the_footer_is_composed_again_only_when_its_keys_change(
    make_app, board_db: Path, monkeypatch
) -> None:
    """Moving between columns changes no key: the footer (a widget per key) is not composed
    again, which was most of a key press's cost at 100 000 actions (issue 14); a view with
    other keys still gets its own footer."""
    from textual.widgets._footer import FooterKey

    from pdca.screens.footer import PdcaFooter

    composed: list[int] = []
    original = PdcaFooter.compose

    def counting(self: PdcaFooter):  # type: ignore[no-untyped-def]
        composed.append(1)
        return original(self)

    monkeypatch.setattr(PdcaFooter, "compose", counting)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        before = len(composed)
        assert before >= 1 and app.screen.query(FooterKey)  # the keys are there
        for key in ("l", "l", "h", "j", "k", "h"):
            await pilot.press(key)
            await pilot.pause()
        assert focused(app)[0] == "plan"
        assert len(composed) == before
        await pilot.press("2")  # another view, other keys
        await settle_app(app, pilot)
        assert len(composed) > before
        keys = {key.action for key in app.screen.query(FooterKey)}
        assert "new_action" not in keys and keys  # the board's n is not among them


async def test_a_text_filter_leaves_focus_where_its_cards_are(make_app, board_db: Path) -> None:
    """Focused on Act (#5), a filter that matches only #3 in Do: enter puts focus on it, not
    on an empty column where > and c would have nothing to act on."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("l", "l", "l")
        assert focused(app) == ("act", 5)
        await pilot.press("slash", *"Doing")
        await settle_app(app, pilot)
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert focused(app) == ("do", 3)
        await pilot.press("escape", "l", "l")  # back to every card, then over to Act
        await settle_app(app, pilot)
        await pilot.press("slash", *"Acting")  # #5 is in Act, where focus was: it stays
        await settle_app(app, pilot)
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert focused(app) == ("act", 5)


@pytest.mark.parametrize(
    ("owner", "due", "asked"),
    [("bob", None, "a due date"), (None, date(2026, 12, 1), "an owner"),
     (None, None, "an owner and a due date")],
)  # fmt: skip
async def test_the_form_into_do_asks_only_for_what_is_missing(
    make_app, store: Store, db_path: Path, owner: str | None, due: date | None, asked: str
) -> None:
    """ "#5238 to Do needs an owner and a due date" was said above an owner already there (a
    trial): the heading names what is missing."""
    from pdca.screens.dialogs import ActionFormModal

    action = store.add_action(ActionDraft(title="Half planned", owner=owner, due=due))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", action.id)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        assert app.screen._heading == f"#{action.id} to Do needs {asked}"


async def test_a_colleagues_new_stale_after_days_shows_on_the_open_board(
    make_app, board_db: Path
) -> None:
    """ben set stale-after-days to 3: pdca list and the owners view called the quiet card
    stale, and an open board went on not marking it until restarted (a trial)."""
    from datetime import timedelta

    from pdca.db.accountability import set_team_setting
    from tests.conftest import NOW_DT

    earlier = open_as(board_db, "bob", NOW_DT - timedelta(days=4))
    try:
        quiet = earlier.add_action(ActionDraft(title="Quiet one", owner="bob"))
    finally:
        earlier.close()
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)

        def shown() -> bool:
            return next(a for a in board(app).columns["plan"].actions if a.id == quiet.id).stale

        assert not shown()  # 4 days with no check-in: not stale by 7
        await after_bob(
            app, pilot, board_db, lambda bob: set_team_setting(bob, "stale-after-days", "3")
        )
        assert shown()


async def test_a_palette_command_on_a_card_a_colleague_moved_meanwhile_does_nothing(
    make_app, board_db: Path
) -> None:
    """ "Next phase" picked in a palette opened on #1, which bob moved meanwhile, moved the
    card that slid under the cursor, seconds later, without a word (a palette trial)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)
        await pilot.press("ctrl+p")
        await settle_app(app, pilot)
        await after_bob(app, pilot, board_db, lambda bob: bob.move_action(1, "do"))
        await pilot.press("escape")
        await settle_app(app, pilot)
        await asyncio.sleep(1.1)  # longer than a key pressed before the eye took it in
        assert focused(app) == ("plan", 2)
        board(app).action_move_next()  # as the palette's "Next phase" runs it
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)  # nothing asked of #2, nothing moved
        said = [n.message for n in app._notifications]
        assert said[-1] == (
            "#1 left the cursor while the board was covered (a change made elsewhere); #2 is"
            " there now: nothing done; the same key again acts on #2 in Plan"
        ), said


async def test_the_terminals_own_cursor_follows_the_focused_card(make_app, board_db: Path) -> None:
    """It stayed at the top left whatever was focused: screen readers and braille displays,
    which follow it, could not find the card (a trial of terminals)."""
    app = make_app(board_db)  # two cards in Plan, one in each other phase
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        column = app.focused
        assert isinstance(column, PhaseColumn)
        first = app.cursor_position
        assert (first.x, first.y) == (column.content_region.x, column.content_region.y)
        await pilot.press("j")
        await settle_app(app, pilot)
        assert app.cursor_position.y == first.y + column.row_height
        await pilot.press("l")
        await settle_app(app, pilot)
        assert isinstance(app.focused, PhaseColumn) and app.focused is not column
        assert app.cursor_position.x == app.focused.content_region.x > first.x
        # under a dialog, the board's own changes leave the field's caret where it is (a
        # reviewer: a colleague's add moved it onto a board row)
        column = app.focused
        await pilot.press("n")
        await settle_app(app, pilot)
        caret = app.cursor_position
        column.point_the_terminal_cursor()
        assert app.cursor_position == caret and app.screen is not column.screen
