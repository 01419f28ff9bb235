"""The mouse as a terminal sends it, through the app as the driver's events come (a Pilot's
clicks go round the app): only the left button acts; the second click of a double click that
closed a screen does not act on the one under it; a list scrolled with the wheel stays where
it was put when a colleague's write comes in."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import events
from textual.app import App
from textual.geometry import Offset
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.dialogs.checkin import CheckinModal
from pdca.widgets.phase_column import CARD_HEIGHT, PhaseColumn
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import board, focused


def footer_key(screen: Screen[object], key: str) -> Offset:
    """Where the footer's ``key`` is drawn on ``screen``."""
    (found,) = [k for k in screen.query(FooterKey) if k.key == key]
    return found.region.offset + Offset(1, 0)


def wheel_down(app: App[None], at: Offset, notches: int = 8) -> None:
    """The wheel turned down ``notches`` times over ``at``, as a terminal sends it."""
    for _ in range(notches):
        args = (at.x, at.y, 0, 0, 0, False, False, False)
        app.post_message(events.MouseScrollDown(None, *args, screen_x=at.x, screen_y=at.y))


async def terminal_click(app: App[None], at: Offset, button: int = 1) -> None:
    """A press and a release at ``at``, as a terminal sends them (1: the left button)."""
    for event in (events.MouseDown, events.MouseUp):
        args = (at.x, at.y, 0, 0, button, False, False, False)
        app.post_message(event(None, *args, screen_x=at.x, screen_y=at.y))
        await asyncio.sleep(0.02)


async def test_a_double_click_on_cancel_does_not_reach_the_board_under_it(
    make_app, board_db: Path, store: Store
) -> None:
    """The dialog's "esc Cancel" and the board's "> Next phase" share a footer cell: the
    second click of a double click moved the card to Do (a mouse user's trial)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)  # ready for Do: > moves it without a question
        await pilot.press("c")
        await settle_app(app, pilot)
        assert isinstance(app.screen, CheckinModal)
        cancel = footer_key(app.screen, "escape")
        (under,) = [s for s in app.screen_stack if isinstance(s, BoardScreen)]
        forward = footer_key(under, "greater_than_sign")
        assert cancel.y == forward.y
        await terminal_click(app, cancel)
        await terminal_click(app, forward)  # as fast as a double click
        await settle_app(app, pilot)
        assert not isinstance(app.screen, CheckinModal)
        assert store.get_action(1).phase == "plan"
        await asyncio.sleep(0.6)  # later, a click of its own: it acts
        await terminal_click(app, forward)
        await settle_app(app, pilot)
        assert store.get_action(1).phase == "do"


async def test_only_the_left_button_acts(make_app, board_db: Path) -> None:
    """A right click (a paste in PuTTY) on "c Check-in" opened a check-in (a trial)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        checkin = footer_key(app.screen, "c")
        for button in (3, 2):
            await terminal_click(app, checkin, button)
            await settle_app(app, pilot)
            assert not isinstance(app.screen, CheckinModal), button
        await terminal_click(app, checkin)
        await settle_app(app, pilot)
        assert isinstance(app.screen, CheckinModal)


async def test_a_column_scrolled_by_the_wheel_stays_put_when_others_write(
    make_app, board_db: Path, store: Store
) -> None:
    """Each colleague's write snapped a wheeled column back to its cursor, and its end could
    not be reached while a teammate worked (a mouse user's trial); a key shows the cursor."""
    for n in range(30):
        store.add_action(ActionDraft(title=f"Idea {n}"))
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        assert isinstance(plan, PhaseColumn) and plan.cursor == 0
        at = plan.region.offset + Offset(2, 3)
        wheel_down(app, at)
        await settle_app(app, pilot)
        scrolled = plan.scroll_y
        assert scrolled > CARD_HEIGHT and not plan.row_shown(0)
        store.add_checkin(4, CheckinDraft(message="meanwhile"))  # a colleague's, in Check
        board(app).reload(everything=False)
        await settle_app(app, pilot)
        assert plan.scroll_y == scrolled and plan.cursor == 0
        await pilot.press("j")  # the keyboard again: the cursor on screen
        await pilot.pause()
        assert plan.cursor == 1 and plan.row_shown(1)


async def test_a_click_in_a_wheeled_column_lands_on_the_card_under_it(
    make_app, board_db: Path, store: Store
) -> None:
    """Focus in Do, Plan scrolled by the wheel, a click on a Plan card: the column jumped
    back to its cursor as it took focus, and the click (and a double click's detail) went
    to the card that came under the pointer (a trial: #28 opened for #57)."""
    for n in range(30):
        store.add_action(ActionDraft(title=f"Idea {n}"))
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("l")
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        assert isinstance(plan, PhaseColumn) and not plan.has_focus
        at = plan.region.offset + Offset(2, 3)
        wheel_down(app, at)
        await settle_app(app, pilot)
        scrolled = plan.scroll_y
        assert scrolled > CARD_HEIGHT
        target = plan.row_at(3)
        assert target is not None and target > 0
        await terminal_click(app, at)
        await settle_app(app, pilot)
        assert plan.has_focus and plan.cursor == target
        # the view stayed where the person put it, the clicked card whole on screen
        assert abs(plan.scroll_y - scrolled) < CARD_HEIGHT and plan.row_shown(target)


async def test_a_press_dragged_out_of_a_column_leaves_h_showing_its_cursor(
    make_app, board_db: Path, store: Store
) -> None:
    """A press on a Plan card let go over Do left Plan thinking the mouse was on it: come
    back to with h after a wheel, its cursor stayed off screen (a reviewer)."""
    for n in range(30):
        store.add_action(ActionDraft(title=f"Idea {n}"))
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        plan, do = board(app).columns["plan"], board(app).columns["do"]
        assert isinstance(plan, PhaseColumn)
        down = plan.region.offset + Offset(2, 3)
        up = do.region.offset + Offset(2, 3)
        for event, at in ((events.MouseDown, down), (events.MouseUp, up)):
            args = (at.x, at.y, 0, 0, 1, False, False, False)
            app.post_message(event(None, *args, screen_x=at.x, screen_y=at.y))
            await asyncio.sleep(0.02)
        await settle_app(app, pilot)
        await pilot.press("l")
        await settle_app(app, pilot)
        wheel_down(app, down)
        await settle_app(app, pilot)
        assert not plan.row_shown(plan.cursor)
        await pilot.press("h")
        await settle_app(app, pilot)
        assert plan.has_focus and plan.row_shown(plan.cursor)
