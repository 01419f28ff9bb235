"""The check-in log's ends (issue 14): End/G shows the oldest check-in at once, Home/g the
newest, and walking either way pages in what is next without a gap or a repeat while only a
bounded window is held.

On the small seeded file (149 check-ins) with pages of 20 and a window of 120 check-ins, so
every page turn, both drops and both ends are met in a few keystrokes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.db import accountability
from pdca.db.accountability_models import Followup, LogEntry, LogFilter
from pdca.db.seed import seed_database
from pdca.db.store import Store
from pdca.screens import log as log_module
from pdca.screens.board import BoardScreen
from pdca.screens.dialogs import ChoiceModal
from pdca.screens.log import LogScreen
from pdca.widgets.row_list import RowList
from tests.tui.conftest import SIZE, settle_app

PAGE, WINDOW = 20, 120  # a window wider than a page and both ends' 40-row margins


@pytest.fixture
def seeded(store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    seed_database(store, size="small", seed=1)
    monkeypatch.setattr(log_module, "PAGE", PAGE)
    monkeypatch.setattr(log_module, "WINDOW", WINDOW)
    return db_path


def every_entry(store: Store, where: LogFilter | None = None) -> list[LogEntry]:
    return accountability.log_page(store, where, limit=100_000)


async def open_log(app, pilot) -> LogScreen:
    await pilot.press("4")
    await settle_app(app, pilot)
    screen = app.screen
    assert isinstance(screen, LogScreen)
    return screen


def shown_entry(screen: LogScreen) -> LogEntry:
    item = screen.highlighted
    assert isinstance(item, LogEntry), item
    return item


async def test_end_shows_the_oldest_checkin_and_k_walks_up_without_gaps(
    make_app, seeded, store
) -> None:
    everything = every_entry(store)
    assert len(everything) > WINDOW + PAGE  # the walk drops pages on the way
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(app, pilot)
        assert isinstance(screen.highlighted, Followup)  # the due ones pinned on top
        await pilot.press("G")
        await settle_app(app, pilot)
        assert shown_entry(screen) == everything[-1]
        held = len(screen.entries)  # the oldest page, and those read up to fill the screen
        assert PAGE <= held <= WINDOW and screen.entries == everything[-held:]
        assert screen.due_shown == []
        walked = [shown_entry(screen)]
        rows = screen.query_one(RowList)
        for _ in range(len(everything) + len(screen.due) + 1):
            if rows.cursor == 0:
                break
            await pilot.press("k")
            await settle_app(app, pilot)
            assert len(screen.entries) <= WINDOW
            item = screen.highlighted
            if isinstance(item, LogEntry):
                walked.append(item)
        assert walked == everything[::-1]  # each check-in once, in order, none skipped
        assert screen.at_newest and isinstance(screen.highlighted, Followup)
        assert screen.due_shown == screen.due != []


async def test_j_walks_down_to_the_oldest_holding_only_a_window(make_app, seeded, store) -> None:
    everything = every_entry(store)
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(app, pilot)
        rows = screen.query_one(RowList)
        walked: list[LogEntry] = []
        for _ in range(len(everything) + len(screen.due) + 1):
            if walked and walked[-1] == everything[-1]:
                break
            item = screen.highlighted
            if isinstance(item, LogEntry):
                walked.append(item)
            await pilot.press("j")
            await settle_app(app, pilot)
            assert len(screen.entries) <= WINDOW
            assert len(walked) <= len(everything)
        assert walked == everything
        assert screen.exhausted and not screen.at_newest and screen.due_shown == []
        assert rows.cursor == len(rows.rows) - 1


async def test_g_goes_back_to_the_newest_and_the_due_followups(make_app, seeded, store) -> None:
    everything = every_entry(store)
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(app, pilot)
        first_row = screen.query_one(RowList).rows[0]
        await pilot.press("end")
        await settle_app(app, pilot)
        assert shown_entry(screen) == everything[-1]
        await pilot.press("g")
        await settle_app(app, pilot)
        assert screen.query_one(RowList).cursor == 0
        assert screen.query_one(RowList).rows[0] == first_row
        assert isinstance(screen.highlighted, Followup)
        assert screen.entries[0] == everything[0]
        await pilot.press("G", "home")
        await settle_app(app, pilot)
        assert screen.highlighted == screen.due[0]


async def test_a_filter_then_end_shows_its_oldest(make_app, seeded, store) -> None:
    on_track = every_entry(store, LogFilter(status="on-track"))
    assert len(on_track) > 3 * PAGE  # G must skip unread pages to reach it
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("1")  # on-track
        await settle_app(app, pilot)
        assert screen.entries == on_track[: len(screen.entries)] and not screen.exhausted
        await pilot.press("G")
        await settle_app(app, pilot)
        assert shown_entry(screen) == on_track[-1]
        assert screen.entries == on_track[-len(screen.entries) :]
        await pilot.press("escape", "G")  # cleared: the oldest of all
        await settle_app(app, pilot)
        assert shown_entry(screen) == every_entry(store)[-1]


async def test_at_the_oldest_end_a_refresh_keeps_the_view_and_enter_jumps(
    make_app, seeded, store
) -> None:
    everything = every_entry(store)
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(app, pilot)
        await pilot.press("G", "k", "k")
        await settle_app(app, pilot)
        seen = shown_entry(screen)
        assert seen == everything[-3]
        screen.reload()  # what a change by someone else runs
        await settle_app(app, pilot)
        assert shown_entry(screen) == seen and screen.entries[-1] == everything[-1]
        await pilot.press("enter")
        await settle_app(app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.current is not None and board.current.id == seen.action_id
