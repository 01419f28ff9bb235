"""The flow view (key 6): the figures the store computes, and enter jumping to the board."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Footer

from pdca.db import flow
from pdca.db.models import CheckinDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.flow import FlowScreen
from pdca.widgets.row_list import RowList
from tests.conftest import NOW_DT, open_as
from tests.flow_support import build_history
from tests.tui.conftest import SIZE, settle_app


@pytest.fixture
def history(store: Store, db_path: Path) -> Path:
    build_history(store, title="[bold]Triage[/bold] rota")
    return db_path


def row_text(screen: FlowScreen, index: int) -> str:
    return "".join(text for text, _ in screen.query_one(RowList).rows[index])


async def test_key_6_shows_the_figures_the_store_computes(
    make_app, history: Path, store: Store
) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, FlowScreen) and app.current_mode == "flow"
        assert screen.figures == flow.flow(store)
        rows = screen.query_one(RowList)
        assert rows.cursor == 1  # on Plan, not on the heading
        do = row_text(screen, 2).split()
        assert do[:6] == ["Do", "1", "10d", "12.1d", "3", "0"]
        assert "#3 18d Paging policy" in row_text(screen, 2)
        assert row_text(screen, 3).split()[:6] == ["Check", "0", "1d", "1d", "3", "1"]
        owners = [row_text(screen, i).split()[0] for i in range(7, 9)]
        assert owners == ["bob", "carol"]
        assert row_text(screen, 8).split()[1:3] == ["1", "0%"]  # carol: no check-in kept
        summary = str(screen.query_one("#flow-summary").render())
        assert "2 finished, last week 0 · 1 abandoned in 13 weeks" in summary
        assert "median 21d" in summary


async def test_enter_on_a_phase_opens_its_oldest_action_and_on_an_owner_their_board(
    make_app, history: Path
) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle_app(pilot.app, pilot)  # keys sent during the switch can land nowhere
        await pilot.press("down", "enter")  # Do: its oldest item is #3
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.focused_id == 3
        await pilot.press("6")
        await settle_app(pilot.app, pilot)
        flow_screen = app.screen
        assert isinstance(flow_screen, FlowScreen)
        flow_screen.query_one(RowList).set_cursor(8)  # carol
        await pilot.press("enter")
        await settle_app(pilot.app, pilot)
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.filter.owner == "carol"


async def test_the_cursor_passes_over_headings_and_enter_opens_an_initiative(
    make_app, history: Path
) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, FlowScreen)
        rows = screen.query_one(RowList)
        await pilot.press("up")  # above Plan is only the heading: stays on Plan
        await pilot.pause()
        assert rows.cursor == 1
        await pilot.press("down", "down", "down", "down")  # Act, then past the owners' heading
        await pilot.pause()
        assert row_text(screen, rows.cursor).split()[0] == "bob"
        await pilot.press("up")
        await pilot.pause()
        assert row_text(screen, rows.cursor).split()[0] == "Act"
        await pilot.press("end", "up")  # the work of no initiative, then Ops
        await pilot.pause()
        assert row_text(screen, rows.cursor).split()[0] == "Ops"
        await pilot.press("up")  # past the initiatives' heading: carol
        await pilot.pause()
        assert row_text(screen, rows.cursor).split()[0] == "carol"
        await pilot.press("home")
        await pilot.pause()
        assert rows.cursor == 1
        await pilot.press("end", "enter")  # no initiative: no board filter, and it says so
        await settle_app(pilot.app, pilot)
        assert isinstance(app.screen, FlowScreen)
        said = [str(n.message) for n in app._notifications]
        assert any("work linked to none has no filter" in m for m in said), said
        await pilot.press("end", "up", "enter")
        await settle_app(pilot.app, pilot)
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.filter.initiative == "Ops"


async def test_flow_reloads_when_someone_else_writes(make_app, history: Path) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, FlowScreen)
        before = screen.figures
        assert before is not None and before.owners[1].weeks_kept == 0
        # A check-in of last week's (this week's counts once the week is over).
        other = open_as(history, "carol", NOW_DT - timedelta(days=7))
        other.add_checkin(3, CheckinDraft(message="policy live"))
        other.close()
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        assert screen.figures is not None and screen.figures.owners[1].weeks_kept == 1
        assert "1/2" in row_text(screen, 8)


async def test_the_palette_has_show_flow(make_app, history: Path) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Show flow" in titles


def test_a_quiet_window_draws_its_throughput_as_the_lowest_bars(store: Store) -> None:
    from pdca.screens.flow import summary_text

    first = str(summary_text(flow.flow(store))).splitlines()[0]
    assert "▁" * 13 in first and "▄" not in first


class Gate:
    """Stands in for db/flow.py's ``flow`` (the view imports it on its reading thread): each
    read waits until the test opens the gate."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.reads = 0
        self.real = flow.flow

    def flow(self, store: Store, *args, **kwargs) -> flow.Flow:  # type: ignore[no-untyped-def]
        self.reads += 1
        assert self.open.wait(10), "the test never opened the gate"
        return self.real(store, *args, **kwargs)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    gated = Gate()
    monkeypatch.setattr(flow, "flow", gated.flow)
    return gated


async def test_the_view_paints_its_heading_and_a_reading_line_then_the_figures(
    make_app, history: Path, store: Store, gate: Gate
) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FlowScreen)
        assert screen.figures is None
        window = str(screen.query_one("#flow-window").render())
        assert window == "reading the last 13 weeks of events…"
        # The footer's keys come after the figures: mounted beside their read, they slowed
        # it by as much as they cost (on the huge file about twice as long).
        assert not screen.query(Footer)
        assert len(screen.query_one(RowList).rows) == 1
        assert row_text(screen, 0).split()[:2] == ["phase", "WIP"]
        gate.open.set()
        await settle_app(pilot.app, pilot)
        assert screen.figures == flow.flow(store)
        assert screen.query(Footer)
        assert "the last 13 weeks (since" in str(screen.query_one("#flow-window").render())
        assert row_text(screen, 2).split()[:2] == ["Do", "1"]
        assert screen.query_one(RowList).cursor == 1


async def test_keys_work_while_the_figures_are_read(
    make_app, history: Path, store: Store, gate: Gate
) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert isinstance(app.screen, FlowScreen) and app.screen.figures is None
        await pilot.press("1")  # the board, while the flow read still waits
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert gate.reads == 1 and not gate.open.is_set()
        gate.open.set()
        await settle_app(pilot.app, pilot)
        await pilot.press("6")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, FlowScreen)
        assert screen.figures == flow.flow(store)


async def test_a_later_read_keeps_the_figures_shown_until_the_new_ones_come(
    make_app, history: Path, gate: Gate
) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        gate.open.set()
        await pilot.press("6")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, FlowScreen)
        assert "0/2" in row_text(screen, 8)  # carol: no check-in kept
        gate.open.clear()
        # A check-in of last week's (this week's counts once the week is over).
        other = open_as(history, "carol", NOW_DT - timedelta(days=7))
        other.add_checkin(3, CheckinDraft(message="policy live"))
        other.close()
        app.check_for_changes()
        await pilot.pause()
        reads = gate.reads
        assert reads >= 2  # the new read waits at the gate
        assert "0/2" in row_text(screen, 8)  # the old figures, not a blank view
        assert "reading" not in str(screen.query_one("#flow-window").render())
        gate.open.set()
        await settle_app(pilot.app, pilot)
        assert screen.figures is not None and screen.figures.owners[1].weeks_kept == 1
        assert "1/2" in row_text(screen, 8)


async def test_changes_during_a_read_ask_for_one_more_read_not_one_each(
    make_app, history: Path, store: Store, gate: Gate
) -> None:
    app = make_app(history)
    async with app.run_test(size=SIZE) as pilot:
        gate.open.set()
        await pilot.press("6")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, FlowScreen) and screen.figures is not None
        before = gate.reads  # one, or two when the view's resume came long after its mount
        gate.open.clear()
        other = open_as(history, "carol")
        for message in ("policy live", "paging quieter", "rota agreed"):
            other.add_checkin(3, CheckinDraft(message=message))
            app.check_for_changes()
            await pilot.pause()
        other.close()
        assert gate.reads == before + 1  # the first change's read waits; the rest mark it stale
        gate.open.set()
        await settle_app(pilot.app, pilot)
        assert gate.reads == before + 2  # one more, after it, for the changes it may have missed
        assert screen.figures == flow.flow(store)
