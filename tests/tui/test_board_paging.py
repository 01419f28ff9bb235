"""A long column pages through the store (issue 14) and orders by priority (issue 16)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pdca.db.models import ActionChanges, ActionDraft
from pdca.db.store import ActionFilter, Store
from pdca.widgets.phase_column import WINDOW_CARDS
from tests.conftest import open_as
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import board, drawn_text, focused

CARDS = 400


@pytest.fixture
def long_db(store: Store, db_path: Path) -> Path:
    """Four hundred Plan actions of every priority; a few in Do."""
    priorities = ("normal", "low", "high")
    store.add_actions(
        ActionDraft(
            title=f"card {n}",
            priority=priorities[n % 3],  # type: ignore[arg-type]
            due=date(2026, 12, 1 + n % 20) if n % 5 else None,
        )
        for n in range(CARDS)
    )
    for n in range(3):
        store.add_action(
            ActionDraft(title=f"doing {n}", owner="bob", due=date(2026, 12, 2), phase="do")
        )
    return db_path


def order(path: Path, phase: str = "plan") -> list[int]:
    reader = open_as(path, "alice")
    try:
        return [a.id for a in reader.list_actions(ActionFilter(phase=phase))]  # type: ignore[arg-type]
    finally:
        reader.close()


async def test_a_long_column_holds_a_window_and_scrolls_to_its_end(make_app, long_db: Path) -> None:
    expected = order(long_db)
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        assert plan.total == CARDS and "Plan  400" in str(board(app).headers["plan"].render())
        assert len(plan.actions) < WINDOW_CARDS  # the first paint read a screenful
        assert focused(app) == ("plan", expected[0])
        await pilot.press("G")
        await settle_app(app, pilot)
        assert focused(app) == ("plan", expected[-1])
        assert len(plan.actions) <= WINDOW_CARDS  # never the whole column in memory
        for _ in range(3):
            await pilot.press("pageup")
        await settle_app(app, pilot)
        assert focused(app)[1] == expected[plan.cursor]
        await pilot.press("g")
        await settle_app(app, pilot)
        assert focused(app) == ("plan", expected[0])


async def test_high_priority_cards_come_first_with_a_mark(make_app, long_db: Path) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        first = board(app).columns["plan"].actions[0]
        assert first.priority == "high"
        assert f"#{first.id} ↑ " in drawn_text(board(app).columns["plan"])


async def test_a_move_deep_in_a_column_lands_where_its_order_puts_it(
    make_app, long_db: Path
) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("l")  # Do: owner and due, so < needs no form
        await settle_app(app, pilot)
        moving = focused(app)[1]
        await pilot.press("less_than_sign")
        await settle_app(app, pilot)
        assert focused(app) == ("plan", moving)
        plan = board(app).columns["plan"]
        assert plan.total == CARDS + 1
        assert plan.cursor == order(long_db).index(moving)


async def test_another_persons_high_priority_action_appears_on_top(make_app, long_db: Path) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        bob = open_as(long_db, "bob")
        added = bob.add_action(
            ActionDraft(title="on fire", priority="high", due=date(2026, 11, 23))
        )
        bob.close()
        app.check_for_changes()
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        assert plan.actions[0].id == added.id and plan.total == CARDS + 1
        assert board(app).seen_event == app.context.store.last_event_id()


async def test_the_board_filters_by_priority(make_app, long_db: Path) -> None:
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        screen.set_filter(replace(screen.filter, priority="low"))
        await settle_app(app, pilot)
        plan = screen.columns["plan"]
        assert plan.total == len([n for n in range(CARDS) if n % 3 == 1])
        assert {a.priority for a in plan.actions} == {"low"}
        assert "priority low" in str(screen.query_one("#filter-bar").render())


async def test_a_new_filter_or_compact_cards_show_each_column_from_a_whole_first_card(
    make_app, long_db: Path
) -> None:
    """A tester scrolled Plan far down, went to Do and filtered: Plan kept its old scroll and
    hid its first matches. ``z`` keeps a whole card at the top."""
    reader = open_as(long_db, "alice")
    lows = [a.id for a in reader.list_actions(ActionFilter(phase="plan", priority="low"))]
    reader.close()
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        await pilot.press("G")  # Plan to its end
        await settle_app(app, pilot)
        await pilot.press("l")  # to Do; Plan stays scrolled
        await settle_app(app, pilot)
        assert plan.scroll_y > 0
        board(app).set_filter(replace(board(app).filter, priority="low"))
        await settle_app(app, pilot)
        assert (plan.scroll_y, plan.cursor) == (0, 0)
        assert plan.current is not None and plan.current.id == lows[0]
        await pilot.press("h", "j", "j", "j", "z")
        await settle_app(app, pilot)
        assert plan.scroll_y % plan.card_height == 0  # a whole card at the top
        await pilot.press("z")
        await settle_app(app, pilot)
        assert plan.scroll_y % plan.card_height == 0


@pytest.mark.parametrize("change", ["far down", "to do"])
async def test_focus_follows_a_card_someone_else_moves_out_of_sight_in_its_column(
    make_app, long_db: Path, change: str
) -> None:
    """bob gives the focused card a late due date (it goes hundreds of cards down): focus
    stayed at the top, on another card, which the next key acted on (a tester). Moved on
    to Do, it leaves the cursor in Plan, said (a quality lead's: the cursor went along to
    another column, and > there acted on a colleague's card)."""
    first = order(long_db)[0]
    app = make_app(long_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", first)
        bob = open_as(long_db, "bob")
        if change == "far down":
            bob.edit_action(first, ActionChanges(priority="low", due=date(2027, 6, 30)))
        else:
            bob.edit_action(first, ActionChanges(owner="bob", due=date(2026, 12, 9)))
            bob.move_action(first, "do")
        bob.close()
        app.check_for_changes()  # what the twice-a-second poll does
        await settle_app(app, pilot)
        column = board(app).columns["plan"]
        assert column.row_shown(column.cursor)  # on screen
        if change == "far down":
            assert focused(app) == ("plan", first)
            assert order(long_db).index(first) > CARDS // 2  # it did go far
        else:
            assert focused(app)[0] == "plan" and board(app).focused_id != first
            said = [n.message for n in app._notifications]
            assert f"#{first} moved to Do meanwhile; the cursor stays in Plan" in said


async def test_focus_stays_on_a_card_that_others_new_cards_push_down(
    make_app, long_db: Path
) -> None:
    """bob adds cards that sort before the focused one: it went out of the window read
    again, focus fell on whichever card took its place, and the next key acted on that one
    (a tester's > moved a colleague's card after n, 12 times in 12)."""
    first = order(long_db)[0]
    app = make_app(long_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", first)
        bob = open_as(long_db, "bob")
        bob.add_actions(
            ActionDraft(title=f"urgent {n}", priority="high", due=date(2026, 11, 24))
            for n in range(40)
        )
        bob.close()
        assert order(long_db).index(first) == 40
        app.check_for_changes()
        await settle_app(app, pilot)
        assert focused(app) == ("plan", first)
        column = board(app).columns["plan"]
        assert column.row_shown(column.cursor)


async def test_focus_stays_when_cards_are_added_while_the_refresh_reads(
    make_app, long_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the huge file a colleague's loop of adds landed between the refresh's look at
    where the focused card is and its read of the page around it: the card was pushed out
    of that page and focus left it by itself (a tester, every 10 to 30 s)."""
    first = order(long_db)[0]
    app = make_app(long_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", first)
        real_page = Store.action_page
        added: list[int] = []

        def page_after_an_add(self: Store, *args: object, **kwargs: object) -> object:
            if not added:  # once: bob's burst lands in the middle of the refresh's reads
                bob = open_as(long_db, "bob")
                bob.add_actions(
                    ActionDraft(title=f"mid-read {n}", priority="high", due=date(2026, 11, 24))
                    for n in range(40)
                )
                bob.close()
                added.append(1)
            return real_page(self, *args, **kwargs)  # type: ignore[arg-type]

        bob = open_as(long_db, "bob")
        bob.add_action(ActionDraft(title="the change that starts the refresh", priority="low"))
        bob.close()
        monkeypatch.setattr(Store, "action_page", page_after_an_add)
        app.check_for_changes()
        await settle_app(app, pilot)
        monkeypatch.setattr(Store, "action_page", real_page)
        assert added
        app.check_for_changes()
        await settle_app(app, pilot)
        assert focused(app) == ("plan", first)


async def test_the_read_around_a_pushed_out_card_lands_on_it(make_app, long_db: Path) -> None:
    """A refresh that read without following the focused card (the person moved onto it
    while the read ran) found it pushed out: the read around it centred the column on it
    but left the cursor on the card that took its place, off screen (a reviewer)."""
    first = order(long_db)[0]
    app = make_app(long_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        bob = open_as(long_db, "bob")
        bob.add_actions(
            ActionDraft(title=f"urgent {n}", priority="high", due=date(2026, 11, 24))
            for n in range(40)
        )
        bob.close()
        screen = board(app)
        windows = {phase: c.visible_range() for phase, c in screen.columns.items()}
        screen._reload(screen.filter, screen.placed, windows, screen.seen_event, None, None)
        await settle_app(app, pilot)
        assert focused(app) == ("plan", first)
        column = screen.columns["plan"]
        assert column.row_shown(column.cursor)


async def test_a_focused_card_that_went_is_not_read_around_at_every_refresh(
    make_app, long_db: Path
) -> None:
    """Focus on the last card of Do, which bob abandons: every later refresh read the whole
    board again around the gone card (a reviewer: five times the reads per colleague's
    write on the huge file)."""
    from pdca.screens.board import BoardScreen

    app = make_app(long_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        doing = [a.id for a in screen.columns["do"].actions]
        await pilot.press("l")
        await settle_app(app, pilot)
        bob = open_as(long_db, "bob")
        for action_id in doing:
            bob.complete_action(action_id, "abandon")
        bob.close()
        app.check_for_changes()
        await settle_app(app, pilot)
        reads: list[object] = []
        original = BoardScreen.reload

        def counted(self: BoardScreen, **options: object) -> object:
            reads.append(options.get("around"))
            return original(self, **options)  # type: ignore[arg-type]

        BoardScreen.reload = counted  # type: ignore[method-assign]
        try:
            for n in range(3):
                bob = open_as(long_db, "bob")
                bob.add_action(ActionDraft(title=f"later {n}", priority="low"))
                bob.close()
                app.check_for_changes()
                await settle_app(app, pilot)
        finally:
            BoardScreen.reload = original  # type: ignore[method-assign]
        assert reads == [None, None, None]  # one read a change, none around a gone card


async def test_a_focused_card_the_filter_no_longer_shows_is_not_followed(
    make_app, long_db: Path
) -> None:
    """Under a text filter, bob renames the focused card and gives it a far due date: the
    column jumped to where it would be, past a hundred cards, though it was not shown there
    (a reviewer). The column stays where it was."""
    app = make_app(long_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        screen.set_filter(replace(screen.filter, text="card 1"))
        await settle_app(app, pilot)
        plan = screen.columns["plan"]
        _, first = focused(app)
        assert first is not None and plan.start == 0 and plan.total > 100
        bob = open_as(long_db, "bob")
        bob.edit_action(first, ActionChanges(title="renamed", due=date(2027, 6, 30)))
        bob.close()
        app.check_for_changes()
        await settle_app(app, pilot)
        assert plan.start == 0 and plan.cursor == 0  # still at the top
        assert focused(app)[1] != first


async def test_esc_clearing_a_filter_keeps_the_card_focused_under_it(
    make_app, long_db: Path
) -> None:
    """esc put every column back at its top, the card the person was on lost among the
    hundreds now shown (a tester)."""
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        screen.set_filter(replace(screen.filter, text="card 19"))
        await settle_app(app, pilot)
        await pilot.press("G")
        await settle_app(app, pilot)
        _, deep = focused(app)
        assert deep is not None and order(long_db).index(deep) > 50
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert not screen.filter.active
        assert focused(app) == ("plan", deep)
        plan = screen.columns["plan"]
        assert plan.row_shown(plan.cursor)


async def test_a_card_moved_past_the_window_of_another_column_leaves_the_cursor_in_its_own(
    make_app, long_db: Path
) -> None:
    """The card under the cursor, moved by someone else into a column whose window does not
    hold it (most moves on a big file), took the cursor along all the same: the board read
    around it. The cursor stays in its column there too, the move said."""
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("G")  # Plan's window at its end, far from where Do's cards go back
        await settle_app(app, pilot)
        await pilot.press("l")
        await settle_app(app, pilot)
        screen = board(app)
        phase, card = focused(app)
        assert phase == "do"
        plan_window = {a.id for a in screen.columns["plan"].actions}
        bob = open_as(long_db, "bob")
        bob.move_action(card, "plan")
        bob.close()
        app.check_for_changes()
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert card not in plan_window and card in order(long_db, "plan")
        assert focused(app)[0] == "do" and screen.focused_id != card
        said = [n.message for n in app._notifications]
        assert f"#{card} moved to Plan meanwhile; the cursor stays in Do" in said
