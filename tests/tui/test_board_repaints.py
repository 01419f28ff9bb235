"""What the board draws again, and what it leaves: over SSH every repaint is bytes on the
wire (a trial at 120x40: 5.5 KB a j, 6 KB to every open board for each colleague's write)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import ActionFilter, Store
from pdca.widgets.phase_column import PhaseColumn
from tests.conftest import open_as
from tests.tui.conftest import settle_app
from tests.tui.test_board import board


@pytest.fixture
def many(store: Store, db_path: Path) -> Path:
    """Thirty cards in Plan: more than a screen holds."""
    for n in range(30):
        store.add_action(ActionDraft(title=f"card {n}", owner="bob"))
    return db_path


def spy(monkeypatch: pytest.MonkeyPatch, column: PhaseColumn) -> list[tuple[Any, ...]]:
    """Each refresh of ``column``: its regions (empty: the whole column)."""
    calls: list[tuple[Any, ...]] = []
    real = column.refresh

    def refresh(*regions: Any, **options: Any) -> Any:
        calls.append(regions)
        return real(*regions, **options)

    monkeypatch.setattr(column, "refresh", refresh)
    return calls


async def test_a_move_of_the_cursor_draws_the_two_cards_only(
    make_app, many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        calls = spy(monkeypatch, plan)
        await pilot.press("j")
        await settle_app(app, pilot)
        assert plan.cursor == 1
        assert calls and all(regions for regions in calls), calls  # never the whole column
        tops = sorted(region.y for regions in calls for region in regions)
        assert tops == [0, plan.card_height]  # the card it left and the one it reached
        calls.clear()
        await pilot.press(*"j" * 12)  # past the screen's end: it scrolls, drawn whole
        await settle_app(app, pilot)
        assert plan.cursor == 13 and any(not regions for regions in calls)


async def test_a_colleagues_write_out_of_sight_draws_nothing(
    make_app, many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        first, count = plan.visible_range()
        colleague = open_as(many, "carol")
        in_order = [a.id for a in colleague.list_actions(ActionFilter(phase="plan"))]
        out_of_sight, on_screen = in_order[first + count + 3], in_order[first + 1]
        calls = spy(monkeypatch, plan)
        try:
            colleague.add_checkin(out_of_sight, CheckinDraft(message="far down"))
            app.check_for_changes()  # as its watch does, twice a second
            await settle_app(app, pilot)
            assert calls == []
            colleague.add_checkin(on_screen, CheckinDraft(message="in view", status="blocked"))
            app.check_for_changes()
            await settle_app(app, pilot)
            assert calls  # the card changed on screen: drawn
            assert "■" in "".join(plan.render_line(y).text for y in range(2 * plan.card_height))
        finally:
            colleague.close()


async def test_a_colleagues_reorder_above_the_cursor_draws_the_column_again(
    make_app, many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague's new priority put a card first, above the cursor, the count the same:
    only the cursor's rows were drawn, and the column showed one card twice and lost the
    one moved up (a reviewer)."""
    from pdca.db.models import ActionChanges

    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("j", "j")
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        colleague = open_as(many, "carol")
        in_order = [a.id for a in colleague.list_actions(ActionFilter(phase="plan"))]
        moved = in_order[4]  # on screen, below the cursor
        calls = spy(monkeypatch, plan)
        try:
            colleague.edit_action(moved, ActionChanges(priority="high"))
            app.check_for_changes()
            await settle_app(app, pilot)
        finally:
            colleague.close()
        assert any(not regions for regions in calls), calls  # drawn whole, not two rows
        drawn = [plan.render_line(n * plan.card_height).text for n in range(5)]
        wanted = [moved, *[i for i in in_order if i != moved][:4]]
        assert [line.split()[0].lstrip("▌") for line in drawn] == [f"#{i}" for i in wanted]


async def test_the_focused_columns_header_is_the_lit_one(make_app, many: Path) -> None:
    """Plan's header stayed lit wherever focus went: Textual did not restyle a lane's header
    on :focus-within when focus left it (a trial on plain terminals)."""
    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        screen = board(app)

        def lit() -> list[str]:
            return [p for p, header in screen.headers.items() if header.has_class("-focused")]

        assert lit() == ["plan"]
        screen.columns["do"].focus()
        await settle_app(app, pilot)
        assert lit() == ["do"]


async def test_at_midnight_the_board_counts_from_the_new_day(
    store: Store, db_path: Path, env: dict[str, str]
) -> None:
    """Left open across midnight, the board said "due today" of what was late, and L left
    the newly late out, until someone wrote, and then only in the column written to (a
    trial across midnight): the poll sees the day turn and reads every card again."""
    from datetime import date, datetime, timedelta

    from pdca.db.models import ActionDraft
    from pdca.tui.app import create_app
    from tests.conftest import NOW_DT

    due = store.add_action(ActionDraft(title="Due today", owner="bob", due=date(2026, 11, 23)))
    now = [NOW_DT]

    def clock() -> datetime:
        return now[0]

    app = create_app(db_path, actor="alice", clock=clock, environ=env, presence=False)
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("L")  # late only: nothing yet
        await settle_app(app, pilot)
        screen = board(app)
        assert screen.columns["plan"].total == 0
        app.check_for_changes()  # the day seen first
        now[0] = NOW_DT + timedelta(days=1)  # midnight has passed
        app.check_for_changes()
        await settle_app(app, pilot)
        assert [a.id for a in screen.columns["plan"].actions] == [due.id]  # late now
        card = "".join(screen.columns["plan"].render_line(y).text for y in range(3))
        assert "1d late" in card, card


async def test_new_sparklines_draw_only_columns_with_a_card_that_shows_one(
    make_app, many: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sparklines, read after the first paint, drew every column again (18 KB at 120x40
    as the board opened over SSH) when no card on screen had a KPI."""
    from datetime import date

    from pdca.db.models import KpiDraft, ReadingDraft

    kpi = store.add_kpi(KpiDraft(name="Pages", unit="n", baseline=10, target=5))
    store.record_reading(ReadingDraft(kpi="Pages", value=7))
    due = date(2026, 12, 30)
    linked = store.add_action(ActionDraft(title="Fewer pages", owner="bob", kpi="Pages", due=due))
    store.move_action(linked.id, "do")
    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        plan, do = board(app).columns["plan"], board(app).columns["do"]
        plan_calls, do_calls = spy(monkeypatch, plan), spy(monkeypatch, do)
        board(app).show_sparklines({kpi.id: [7.0, 6.0, 5.0]})
        assert plan_calls == [] and do_calls, (plan_calls, do_calls)
        assert plan.sparklines == do.sparklines == {kpi.id: [7.0, 6.0, 5.0]}
        do_calls.clear()
        board(app).show_sparklines({kpi.id: [7.0, 6.0, 5.0]})  # the same again: nothing
        assert do_calls == []
        await pilot.pause()
        assert "▁" in "".join(do.render_line(y).text for y in range(do.card_height))


async def test_the_footer_takes_a_row_held_for_it_and_no_lane_changes_size(
    make_app, many: Path
) -> None:
    """Mounted after the first paint into free room, the footer shrank every lane by a row,
    and Textual sent the whole screen again (20 KB at 120x40)."""
    from textual.widgets import Footer

    from pdca.screens.footer import FooterRoom

    app = make_app(many)
    async with app.run_test(size=(120, 40)) as pilot:
        lanes = board(app).query_one("#lanes")
        (room,) = board(app).query(FooterRoom)  # the footer's row, held from the first paint
        before = lanes.region
        await settle_app(app, pilot)
        footer = board(app).query_one(Footer)
        assert footer.parent is room and lanes.region == before
        assert footer.region.y == 39 and footer.region.height == 1


async def test_a_page_key_while_a_colleagues_change_is_read_skips_no_card(
    make_app, store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read of a colleague's check-in began before a page down and landed after it: its
    cards were of the page left, the cursor fell back to them, and a read around the card
    centred it, so three cards were never shown (a trial paging 16 000 cards in Do)."""
    import threading
    from datetime import date

    import pdca.screens.board as board_module

    ids = []
    for n in range(60):
        action = store.add_action(
            ActionDraft(title=f"card {n:02}", owner="bob", due=date(2026, 12, 1))
        )
        store.move_action(action.id, "do")
        ids.append(action.id)
    app = make_app(db_path)
    colleague = open_as(db_path, "carol")
    go_on = threading.Event()
    real_read = board_module.read_changes

    def slow_read(*args: Any, **kwargs: Any) -> Any:
        found = real_read(*args, **kwargs)
        go_on.wait(10)  # until the page key is in
        return found

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle_app(app, pilot)
            await pilot.press("l")
            await settle_app(app, pilot)
            do = board(app).columns["do"]
            first, _count = do.visible_range()
            last_seen = do.card(first + 2 * do.page_rows() - 1).id  # two pages on
            monkeypatch.setattr(board_module, "read_changes", slow_read)
            colleague.add_checkin(ids[1], CheckinDraft(message="meanwhile"))
            app.check_for_changes()  # its read begins, for the page shown now
            await pilot.pause()
            await pilot.press("pagedown", "pagedown")  # past what it reads
            go_on.set()
            await settle_app(app, pilot)
            monkeypatch.setattr(board_module, "read_changes", real_read)
            await settle_app(app, pilot)
            order = [a.id for a in colleague.list_actions(ActionFilter(phase="do"))]
            first, _count = do.visible_range()
            assert order.index(do.card(first).id) <= order.index(last_seen) + 1  # no gap
            assert do.cursor - first == do.page_rows() - 1  # at the page's foot, as always
    finally:
        go_on.set()
        colleague.close()


async def test_under_a_text_filter_a_write_to_no_card_it_shows_is_not_read_again(
    make_app, many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each colleague's write read every row's text again in a board filtered by text: 0.13 s
    of CPU a write at 100 000 actions (a trial). A write to a card it shows, or one that
    makes a card match, is read."""
    from pdca.db.models import ActionChanges

    app = make_app(many)
    colleague = open_as(many, "carol")
    passes: list[str] = []
    real = Store.few_matches

    def counted(self: Store, *args: Any, **kwargs: Any) -> Any:
        passes.append("text")
        return real(self, *args, **kwargs)

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle_app(app, pilot)
            await pilot.press("slash", *"card 7", "enter")  # "card" and "7": three cards
            await settle_app(app, pilot)
            plan = board(app).columns["plan"]
            shown = [a.title for a in plan.actions]
            assert shown == ["card 7", "card 17", "card 27"]
            monkeypatch.setattr(Store, "few_matches", counted)
            others = [
                a for a in colleague.list_actions(ActionFilter(phase="plan")) if "7" not in a.title
            ]
            colleague.add_checkin(others[0].id, CheckinDraft(message="elsewhere"))
            app.check_for_changes()
            await settle_app(app, pilot)
            assert passes == []  # nothing it shows: no pass over the rows
            (seven,) = [
                a for a in colleague.list_actions(ActionFilter(phase="plan")) if a.title == "card 7"
            ]
            colleague.add_checkin(seven.id, CheckinDraft(message="here", status="blocked"))
            app.check_for_changes()
            await settle_app(app, pilot)
            assert passes and plan.actions[0].last_checkin_status == "blocked"
            colleague.edit_action(others[1].id, ActionChanges(title="card 7b"))  # now matches
            app.check_for_changes()
            await settle_app(app, pilot)
            assert sorted(a.title for a in plan.actions) == [
                "card 17",
                "card 27",
                "card 7",
                "card 7b",
            ]
    finally:
        colleague.close()
