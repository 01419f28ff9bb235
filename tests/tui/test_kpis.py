"""The KPIs view (key 3), its detail chart and acknowledging alerts, driven through Pilot."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Static
from textual_plotext import PlotextPlot

from pdca.db import alerts, kpis
from pdca.db.models import ActionDraft, KpiChanges, KpiDetail, KpiDraft, ReadingDraft
from pdca.db.store import Store
from pdca.screens.dialogs.ack import AckModal
from pdca.screens.kpi_detail import KpiDetailScreen
from pdca.screens.kpis import KpisScreen
from pdca.widgets.kpi_table import KpiTable
from pdca.widgets.status_bar import StatusBar
from tests.conftest import NOW_DT, open_as
from tests.tui.conftest import SIZE, settle_app, wait_until

T = TypeVar("T")

KPI = "Resolution time"


@pytest.fixture
def kpi_db(store: Store, db_path: Path) -> Path:
    """Resolution time (alice's) in alert with a gap two days ago; Cost on target."""
    store.add_kpi(KpiDraft(name=KPI, unit="h", baseline=30, target=24, direction="down",
                           warn=32, alert=34, owner="alice", escalation=["bob"]))  # fmt: skip
    store.add_kpi(KpiDraft(name="Cost", unit="EUR", baseline=10, target=5, direction="down"))
    for days, value in ((4, 30), (3, 31), (1, 33), (0, 36)):
        store.record_reading(ReadingDraft(kpi=KPI, value=value), NOW_DT - timedelta(days=days))
    store.record_reading(ReadingDraft(kpi="Cost", value=4))
    store.add_action(ActionDraft(title="Triage rota", owner="bob", due="2026-12-01", kpi=KPI))
    return db_path


async def open_kpis(pilot: Pilot) -> KpisScreen:
    await pilot.press("3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, KpisScreen)
    return screen


async def key_on_first_kpi(pilot: Pilot, key: str, opens: type[T]) -> T:
    """The KPIs view, then ``key`` on its first row: the screen it ``opens``."""
    await open_kpis(pilot)
    await pilot.press(key)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, opens)
    return screen


async def open_my_alerts(app, pilot: Pilot) -> None:  # type: ignore[no-untyped-def]
    """The board up, then ``!``: the alerts waiting for me."""
    from pdca.screens.my_alerts import MyAlertsScreen

    await settle_app(app, pilot)
    await pilot.press("exclamation_mark")
    await settle_app(app, pilot)
    assert isinstance(app.screen, MyAlertsScreen)


async def open_first_detail(pilot: Pilot) -> KpiDetailScreen:
    """The KPIs view, then enter on its first row: the KPI's detail."""
    return await key_on_first_kpi(pilot, "enter", KpiDetailScreen)


async def first_detail_with_limits(pilot: Pilot) -> tuple[KpiDetailScreen, KpiDetail, str]:
    """The first KPI's detail once read, with process limits, and its chart's legend."""
    detail = await open_first_detail(pilot)
    await wait_until(pilot, lambda: detail.detail is not None)
    await pilot.pause()  # the legend, under the chart, follows its first paint
    read = detail.detail
    assert read is not None and read.limits is not None
    return detail, read, str(detail.query_one("#kpi-legend").render())


async def test_key_3_lists_kpis_worst_first_with_sparklines(make_app, kpi_db: Path) -> None:
    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        table = screen.query_one(KpiTable)
        assert [r.kpi.name for r in table.rows] == [KPI, "Cost"]
        assert [r.status for r in table.rows] == ["alert", "on-target"]
        line = "".join(s.text for s in table.render_line(1))
        assert "⚑ Resolution time" in line and "36 h" in line
        assert "▁▂ ▅█" in line  # the missed day two days ago is a gap
        # rising, and that is worse here: "!" says so without colour (a colour-blind trial)
        assert "alert" in line and "↗!" in line
        assert screen.query_one(StatusBar).alerts == 1
        assert "⚑ 1 alert for you" in str(screen.query_one(StatusBar).render())


@pytest.mark.parametrize("columns", [40, 52])
async def test_a_narrow_terminal_keeps_the_name_and_the_latest_value(
    make_app, kpi_db: Path, columns: int
) -> None:
    """At 40 columns a name kept four cells ("■ ⚑ ↯ L…es") beside the target and an owner run
    past the edge (a tester): the target, then the owner give way; nothing passes the edge."""
    app = make_app(kpi_db)
    async with app.run_test(size=(columns, 15)) as pilot:
        table = (await open_kpis(pilot)).query_one(KpiTable)
        width = table.scrollable_content_region.width
        lines = ["".join(s.text for s in table.render_line(y)) for y in range(3)]
        assert all(len(line.rstrip()) <= width for line in lines), lines
        assert "⚑ Resolution time" in lines[1] and "36 h" in lines[1]
        assert ("OWNER" in lines[0]) is (columns >= 48) and "TARGET" not in lines[0]
        assert ("alice" in lines[1]) is (columns >= 48)


async def test_the_board_card_shows_its_kpis_sparkline(make_app, kpi_db: Path) -> None:
    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        column = app.screen.query_one("#column-plan")
        card_kpi_line = "".join(s.text for s in column.render_line(3))
        assert "⌁ " in card_kpi_line and "▁▂ ▅█ Resolution time" in card_kpi_line


async def test_a_new_filter_keeps_the_cards_sparklines_without_reading_them_again(
    make_app, kpi_db: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every KPI's sparkline was read again at each filter change (46 ms of the read at
    100 000 actions): a filter changes no reading. A colleague's reading does."""
    import pdca.screens.board as board_module

    reads: list[object] = []
    original = board_module.read_sparklines

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(args)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        monkeypatch.setattr(board_module, "read_sparklines", counted)
        await pilot.press("D")  # done ones shown: a new filter
        await settle_app(app, pilot)
        await pilot.press("D")
        await settle_app(app, pilot)
        assert reads == []
        column = app.screen.query_one("#column-plan")
        assert "▁▂ ▅█ Resolution time" in "".join(s.text for s in column.render_line(3))
        colleague = open_as(db_path, "bob")
        colleague.record_reading(ReadingDraft(kpi=KPI, value=20))
        colleague.close()
        app.check_for_changes()  # what the twice-a-second poll does
        await settle_app(app, pilot)
        assert len(reads) == 1


async def test_enter_opens_the_detail_chart_and_esc_returns(make_app, kpi_db: Path) -> None:
    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_first_detail(pilot)
        assert detail.detail is not None
        assert [r.value for r in detail.detail.readings] == [30, 31, 33, 36]
        chart = detail.query_one(PlotextPlot)
        assert chart.plt.build()
        await pilot.pause()  # the legend, under the chart, follows its first paint
        drawn = str(detail.query_one("#kpi-legend").render())
        for label in ("baseline 30", "target 24", "warn 32", "alert 34"):
            assert label in drawn
        facts = str(detail.query_one("#kpi-facts").render())
        assert "waiting for alice to acknowledge by 2026-11-24 09:00" in facts
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, KpisScreen)


async def test_3_from_another_view_opens_the_kpis_not_the_chart_left_open(
    make_app, kpi_db: Path
) -> None:
    """3 reopened the KPI chart left open over the list, where enter then did nothing (a
    tester): README says 3 is the KPIs view from anywhere."""
    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_detail(pilot)
        await pilot.press("1")
        await settle_app(app, pilot)
        await pilot.press("3")
        await settle_app(app, pilot)
        assert isinstance(app.screen, KpisScreen) and len(app.screen_stack) == 1


async def test_the_form_says_an_alert_waiting_for_someone_else_is_acknowledged_in_their_place(
    make_app, kpi_db: Path, store: Store
) -> None:
    """From bob's list of alerts (the stand-up's "more alerts waiting"), the form did not say
    whose it was; only the message after saving did (a tester)."""
    store.conn.execute("UPDATE alerts SET assignee = 'bob'")
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AckModal)
        about = str(app.screen.query_one("#ack-about", Label).render())
        assert about.endswith(
            "waiting for bob by 2026-11-24 09:00 UTC; you acknowledge it in bob's place"
        )


async def test_a_acknowledges_with_a_note(make_app, kpi_db: Path, store: Store) -> None:
    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AckModal)
        about = str(app.screen.query_one("#ack-about", Label).render())
        assert about.startswith("threshold breach; raised")  # not a signal: says which it is
        assert "place" not in about  # alice's own
        await pilot.press(*"[bold]on it", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "kpis-reload"])
        await pilot.pause()
        [alert] = alerts.list_alerts(store)
        assert (alert.acknowledged_by, alert.ack_note) == ("alice", "[bold]on it")
        assert screen.query_one(StatusBar).alerts == 0
        assert screen.query_one(KpiTable).rows[0].alert.acknowledged_at is not None  # type: ignore[union-attr]
        await pilot.press("a")  # again: says who acknowledged, asks nothing
        await pilot.pause()
        assert isinstance(app.screen, KpisScreen)


async def test_acknowledging_takes_pdcas_message_about_that_alert_off_the_screen(
    make_app, kpi_db: Path, store: Store
) -> None:
    """The note "message from pdca: alert 1 … acknowledge by …" stayed after the alert was
    acknowledged, and at 80x24 lay over the form (a lead's trial). Another alert's stays."""
    from pdca.db.notify_rules import alert_named

    app = make_app(kpi_db, watch_changes=False)
    [alert] = alerts.list_alerts(store)
    about = f"{alert_named(alert.id, KPI)}: 36 h is above 34 h; acknowledge by …"
    other = f"{alert_named(alert.id + 1, 'Cost')}: 9 EUR is above 8 EUR"
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        # as a delivery shows them, from its thread
        await asyncio.to_thread(app._show_messages_here, [about, other])
        await pilot.pause()
        about, other = (f"message from pdca: {text}" for text in (about, other))
        assert {about, other} <= {n.message for n in app._notifications}
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AckModal)
        await pilot.press(*"on it", "enter")
        await settle_app(app, pilot)
        shown = [n.message for n in app._notifications]
        assert about not in shown and other in shown
        assert any(m.startswith("acknowledged alert") for m in shown), shown


async def test_acknowledging_takes_its_line_out_of_a_note_listing_several_messages(
    make_app, kpi_db: Path, store: Store
) -> None:
    """Five messages at once are one note listing them: acknowledged, the alert stayed
    listed as waiting (a retrial). Its line goes; the others are shown again. One of the
    "… and N more" is counted out too."""
    from pdca.db.notify_rules import alert_named

    [alert] = alerts.list_alerts(store)
    mine = f"{alert_named(alert.id, KPI)}: 36 h is above 34 h; acknowledge by …"
    others = [f"#{n}: due today" for n in range(2, 6)]
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        await asyncio.to_thread(app._show_messages_here, [mine, *others])
        await pilot.pause()
        [listing] = [n.message for n in app._notifications]
        assert listing.startswith("5 messages from pdca:\n• alert 1 on KPI"), listing
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"on it", "enter")
        await settle_app(app, pilot)
        shown = [n.message for n in app._notifications]
        assert listing not in shown
        assert "4 messages from pdca:\n" + "\n".join(f"• {o}" for o in others) in shown, shown
        app.clear_notifications()
        many = [f"#{n}: due today" for n in range(10, 19)]
        store.record_reading(ReadingDraft(kpi=KPI, value=33))  # back within: it closes
        store.record_reading(ReadingDraft(kpi=KPI, value=40))  # and over: a second alert
        [second] = [a for a in alerts.list_alerts(store) if a.acknowledged_at is None]
        late = f"{alert_named(second.id, KPI)}: 40 h is above 34 h; acknowledge by …"
        await asyncio.to_thread(app._show_messages_here, [*many, late])  # it under "… more"
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"again", "enter")
        await settle_app(app, pilot)
        [listed] = [n.message for n in app._notifications if "messages from pdca" in n.message]
        assert listed.startswith("9 messages from pdca:"), listed
        assert listed.endswith("… and 1 more (written to your other terminals)"), listed


async def test_acknowledging_from_the_alerts_list_takes_the_note_off_the_board_behind_it(
    make_app, kpi_db: Path, store: Store
) -> None:
    """Acknowledged from ! (a dialog over the board), the alert's note stayed on the board
    behind it until the list was closed: Textual refreshed the notes of the top screen only
    (a retrial)."""
    from textual.widgets._toast import Toast

    from pdca.db.notify_rules import alert_named

    [alert] = alerts.list_alerts(store)
    about = f"{alert_named(alert.id, KPI)}: 36 h is above 34 h; acknowledge by …"
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        await asyncio.to_thread(app._show_messages_here, [about])

        def shown() -> list[str]:
            return [str(t.render()) for s in app.screen_stack for t in s.query(Toast)]

        await wait_until(pilot, lambda: any(KPI in note for note in shown()))
        await pilot.press("!")
        await settle_app(app, pilot)
        await pilot.press("a")
        await settle_app(app, pilot)
        await pilot.press(*"on it", "enter")
        await settle_app(app, pilot)
        await pilot.pause(0.1)
        assert not any("message from pdca" in note for note in shown()), shown()


async def test_acknowledging_second_gets_a_clear_conflict(
    make_app, kpi_db: Path, store: Store
) -> None:
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await _ack_form(pilot)
        bob = open_as(kpi_db, "bob")
        try:
            alerts.acknowledge(bob, alerts.list_alerts(bob)[0].id, "bob was first")
        finally:
            bob.close()
        await pilot.press(*"mine", "enter")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("acknowledged by bob" in m and "nothing written" in m for m in messages)
        [alert] = alerts.list_alerts(store)
        assert alert.ack_note == "bob was first"


async def test_an_empty_note_is_refused_inline(make_app, kpi_db: Path, store: Store) -> None:
    from pdca.widgets.forms import FieldError

    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        await _ack_form(pilot)
        await pilot.press("space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AckModal)  # still open, saying why
        error = app.screen.query_one("#row-note").query_one(FieldError).message
        assert error == "note: ' ' is empty"
        assert alerts.list_alerts(store)[0].acknowledged_at is None
        await pilot.press(*"on it", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert alerts.list_alerts(store)[0].ack_note == " on it"


async def test_a_pasted_note_over_the_limit_is_kept_and_refused_by_its_length(
    make_app, kpi_db: Path, store: Store
) -> None:
    """The note field capped its length: a paste of more vanished whole and enter said the
    note was empty; typing past it cut the note silently (a tester). It holds what was
    pasted, and the save says how long it is, as the check-in's message does."""
    from textual import events

    from pdca.widgets.forms import FieldError

    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        await _ack_form(pilot)
        note = app.screen.query_one("#note")
        note.post_message(events.Paste("y" * 3000))
        await pilot.pause()
        assert len(note.value) == 3000
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AckModal)
        error = app.screen.query_one("#row-note").query_one(FieldError).message
        assert error.endswith("is 3000 characters long; the most is 2000"), error
        assert alerts.list_alerts(store)[0].acknowledged_at is None


async def test_esc_in_the_ack_dialog_writes_nothing(make_app, kpi_db: Path, store: Store) -> None:
    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        await _ack_form(pilot)
        await pilot.press(*"maybe", "escape", "escape")  # the second: leave without it
        await pilot.pause()
        assert isinstance(app.screen, KpisScreen)
        assert alerts.list_alerts(store)[0].acknowledged_at is None


async def test_the_headers_flag_opens_the_alerts_waiting_for_me(make_app, kpi_db: Path) -> None:
    from pdca.screens.my_alerts import MyAlertsScreen
    from tests.tui.conftest import settle_app

    app = make_app(kpi_db, watch_changes=False)  # alice: Resolution time's alert waits for her
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        bar = app.screen.query_one(StatusBar)
        assert bar.alerts == 1
        await pilot.click(StatusBar)
        await settle_app(app, pilot)
        assert isinstance(app.screen, MyAlertsScreen)
        table = app.screen.query_one(KpiTable)
        assert [row.kpi.name for row in table.rows] == [KPI]  # not Cost: no alert
        # Its own keys in its footer, not the board's (which did nothing there).
        from textual.widgets import Footer

        shown = {b.key for (_, b, enabled, _) in app.screen.active_bindings.values() if b.show}
        assert "a" in shown and "n" not in shown and app.screen.query(Footer)
        # esc goes back, as the box's hint says: "Cancel" read as undoing something.
        said = {b.key: b.description for (_, b, _, _) in app.screen.active_bindings.values()}
        assert said["escape"] == "Back"
        await pilot.press("a")
        await settle_app(app, pilot)
        assert isinstance(app.screen, AckModal)
        await pilot.press(*"Rota extended", "ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, MyAlertsScreen)
        assert app.screen.query_one(KpiTable).rows == []  # acknowledged: it waits no more
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert app.screen.query_one(StatusBar).alerts == 0
    store = open_as(kpi_db, "alice")
    try:
        [alert] = alerts.list_alerts(store, include_closed=False)
        assert alert.acknowledged_by == "alice" and alert.ack_note == "Rota extended"
    finally:
        store.close()


async def _acknowledge_then_back(app, pilot: Pilot) -> None:  # type: ignore[no-untyped-def]
    """a on the screen's alert, a note, save, then esc back to what was under it."""
    await pilot.press("a")
    await settle_app(app, pilot)
    await pilot.press(*"On it", "ctrl+s")
    await settle_app(app, pilot)
    await pilot.press("escape")
    await settle_app(app, pilot)


async def test_an_alert_acknowledged_in_its_kpis_detail_leaves_my_alerts(
    make_app, kpi_db: Path
) -> None:
    """``!``, enter (the KPI's detail), ``a`` there, esc: the list still showed the alert,
    and ``a`` on it was refused as acknowledged already (a tester)."""
    from pdca.screens.my_alerts import MyAlertsScreen

    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("exclamation_mark")
        await settle_app(app, pilot)
        assert [row.kpi.name for row in app.screen.query_one(KpiTable).rows] == [KPI]
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert isinstance(app.screen, KpiDetailScreen)
        await _acknowledge_then_back(app, pilot)
        assert isinstance(app.screen, MyAlertsScreen)
        assert app.screen.query_one(KpiTable).rows == []


async def test_more_kpis_than_a_screenful_get_their_readings_after_the_first_paint(
    make_app, store: Store, db_path: Path
) -> None:
    """The first paint reads a screenful of rows with their readings; the rest follow on a
    thread, in the same order, before anyone scrolls to them."""
    for n in range(60):
        store.add_kpi(KpiDraft(name=f"KPI {n:02}", unit="h", baseline=30, target=24))
        for days in (2, 1, 0):
            reading = ReadingDraft(kpi=f"KPI {n:02}", value=30 + n % 7 - days)
            store.record_reading(reading, NOW_DT - timedelta(days=days))
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kpis(pilot)
        table = screen.query_one(KpiTable)
        assert len(table.rows) == 60  # all of them at once, the first ones with readings
        assert all(any(v is not None for v in r.recent) for r in table.rows[:30])
        for _ in range(3):  # the read of the rest starts after a refresh, on a thread
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        assert all(any(v is not None for v in r.recent) for r in table.rows)  # every one read
        assert [r.kpi.name for r in table.rows] == sorted(r.kpi.name for r in table.rows)
        table.action_scroll_end()
        await pilot.pause()
        lines = ["".join(s.text for s in table.render_line(y)) for y in range(table.size.height)]
        (last,) = [line for line in lines if "KPI 59" in line]
        assert any(mark in last for mark in "▁▂▃▄▅▆▇█")  # its sparkline


async def test_a_toast_naming_a_kpi_shows_its_name_literally(
    make_app, kpi_db: Path, store: Store
) -> None:
    """A KPI named with a closing tag and an escape: the toast that names it shows both as
    text. Read as markup it crashed the app (MarkupError); the escape drove the terminal."""
    hostile = "CSAT [/] \x1b]2;PWNED\x1b\\ [bold]x"
    # As a file from before names with controls were refused holds it.
    store.conn.execute("UPDATE kpis SET name = ? WHERE name = 'Cost'", (hostile,))
    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        table = screen.query_one(KpiTable)
        table.set_cursor([r.kpi.name for r in table.rows].index(hostile))
        await pilot.press("a")  # Cost has no open alert: a toast names it
        await pilot.pause()
        assert app.return_code is None  # still running
        (toast,) = list(app._notifications)
        assert toast.markup is False
        assert toast.message == "CSAT [/] \\x1b]2;PWNED\\x1b\\ [bold]x has no open alert"


def test_an_alerts_rule_words_written_by_hand_are_shown_literally(
    kpi_db: Path, store: Store
) -> None:
    """The detail's alert line shows the rule's words as text, whoever wrote them (a rule
    text put in with sqlite3 retitled the terminal; a tester)."""
    from pdca.db import kpis
    from pdca.screens.kpi_detail import facts

    store.conn.execute("UPDATE alerts SET rule_text = 'eight \x1b]2;PWNED\x07 on one side'")
    shown = facts(kpis.kpi_detail(store, KPI)).plain
    assert "(eight \\x1b]2;PWNED\\x07 on one side)" in shown and "\x1b" not in shown


async def test_the_detail_lists_every_linked_action_latest_first_and_scrolls(
    make_app, store: Store, db_path: Path
) -> None:
    """A tester saw 11 of the 183 actions a KPI had moved, with no way to reach the rest:
    the list says how many, the latest to enter Do first, and its keys scroll it."""
    from textual.containers import VerticalScroll

    store.add_kpi(KpiDraft(name=KPI, unit="h", baseline=30, target=24, direction="down"))
    for n in range(30):
        action = store.add_action(
            ActionDraft(title=f"Step {n}", owner="bob", due="2026-12-30", kpi=KPI)
        )
        store.move_action(action.id, "do")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_first_detail(pilot)
        listed = str(detail.query_one("#kpi-changes").render()).splitlines()
        assert listed[0].startswith("Linked actions (30, the latest first)")
        assert listed[1].startswith("#30 Step 29") and listed[-1].startswith("#1 Step 0")
        box = detail.query_one("#kpi-body", VerticalScroll)
        assert app.focused is box and box.max_scroll_y > 0
        await pilot.press("j", "j", "j")  # as in every view (a tester's did nothing)
        await pilot.pause()
        assert box.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert box.scroll_y == 2
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y


def _signal_alert_for_alice(store: Store, reading: int = 3) -> None:
    """A signal alert on Resolution time, beside its threshold alert, waiting for alice: of
    the reading before the one that breached (one reading's alerts are acknowledged
    together), unless ``reading`` says that one (4)."""
    store.conn.execute(
        "INSERT INTO alerts (kpi_id, reading_id, raised_at, assignee, ack_due, rule, rule_text)"
        " VALUES (1, ?, ?, 'alice', '2026-11-24T09:00:00Z', 'we1', 'a reading above the upper"
        " natural limit')",
        (reading, "2026-11-23T09:00:00Z"),
    )


async def _ack_form(pilot: Pilot) -> AckModal:
    """The KPIs view, then a on its first KPI: the acknowledgement's form."""
    return await key_on_first_kpi(pilot, "a", AckModal)


async def _acknowledged(pilot: Pilot, note: str = "on it") -> str:
    """The form's note typed and sent: what the app said last."""
    await pilot.press(*note, "enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    return [str(n.message) for n in pilot.app._notifications][-1]


async def test_every_alert_waiting_for_me_is_listed_not_only_each_kpis_first(
    make_app, kpi_db: Path, store: Store
) -> None:
    """A tester: the header counted a signal alert waiting for them, but ``!`` listed one row
    per KPI, with the KPI's threshold alert, escalated to someone else, so it was missing."""
    from pdca.screens.my_alerts import MyAlertsScreen
    from tests.tui.conftest import settle_app

    store.conn.execute("UPDATE alerts SET assignee = 'bob', escalation_level = 1")  # escalated
    _signal_alert_for_alice(store)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert app.screen.query_one(StatusBar).alerts == 1
        await pilot.press("exclamation_mark")
        await settle_app(app, pilot)
        assert isinstance(app.screen, MyAlertsScreen)
        rows = app.screen.query_one(KpiTable).rows
        assert [(row.kpi.name, row.alert and row.alert.rule) for row in rows] == [(KPI, "we1")]
        said = str(app.screen.query_one("#my-alert-said").render())
        assert said.startswith(f"alert {rows[0].alert.id}: a reading above the upper natural")
        await pilot.press("a")
        await settle_app(app, pilot)
        await pilot.press(*"Looking at it", "ctrl+s")
        await settle_app(app, pilot)
        assert app.screen.query_one(KpiTable).rows == []
    acknowledged = {a.rule: a.acknowledged_by for a in alerts.list_alerts(store)}
    assert acknowledged == {"we1": "alice", None: None}  # the signal's, not the threshold's


async def test_a_on_a_kpi_opens_the_alert_waiting_for_me_first(
    make_app, kpi_db: Path, store: Store
) -> None:
    """The KPI's threshold alert escalated to bob comes first for the team, but alice's ``a``
    opened it over her own signal alert (a tester): the one waiting for her comes first."""
    store.conn.execute("UPDATE alerts SET assignee = 'bob', escalation_level = 1")
    _signal_alert_for_alice(store)
    assert alerts.most_pressing_open(store, 1).assignee == "bob"  # the team's order
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await _ack_form(pilot)
        assert (form.alert.assignee, form.alert.rule) == ("alice", "we1")
        # the other one waiting is said, here and once this one is acknowledged (a lead
        # acknowledged one of two and took the KPI for settled)
        signal = form.alert.id
        about = str(form.query_one("#ack-about", Label).render())
        assert about.endswith("; alert 1 waits too")
        said = await _acknowledged(pilot)
        assert said == f"acknowledged alert {signal} ({KPI}); alert 1 waits too: a again"


def test_a_kpis_late_alert_is_the_one_shown_and_its_other_open_one_is_named(
    kpi_db: Path, store: Store
) -> None:
    """A tester: a KPI's threshold alert waiting for its owner and its signal alert, late and
    escalated, were both open; the KPI's screens showed only the threshold's."""
    from pdca.db import kpis
    from pdca.screens.kpi_detail import facts

    store.conn.execute(
        "INSERT INTO alerts (kpi_id, reading_id, raised_at, assignee, ack_due, rule, rule_text)"
        " VALUES (1, 4, '2026-11-21T08:00:00Z', 'alice', '2026-11-22T08:00:00Z', 'we1',"
        " 'a reading above the upper natural limit')"
    )  # raised two days ago, never acknowledged: escalated to bob, late
    shown = alerts.open_alerts_by_kpi(store)[1]
    assert (shown.rule, shown.overdue, shown.assignee) == ("we1", True, "bob")
    # Escalated a day ago to bob, whose own deadline is still ahead: not late, yet first.
    store.conn.execute(
        "UPDATE alerts SET raised_at = '2026-11-22T08:30:00Z', ack_due = '2026-11-23T08:30:00Z'"
        " WHERE rule = 'we1'"
    )
    shown = alerts.open_alerts_by_kpi(store)[1]
    assert (shown.rule, shown.overdue, shown.escalation_level) == ("we1", False, 1)
    said = facts(kpis.kpi_detail(store, KPI)).plain
    threshold = [a for a in alerts.list_alerts(store) if a.rule is None][0]
    assert f"⚑ alert {shown.id} (a reading above the upper natural limit): waiting for bob" in said
    assert f"also alert {threshold.id} (threshold): waiting for alice by" in said
    # Opened for alice (her stand-up row), a takes hers, and the screen says so: it took
    # bob's, the first shown (a retrial)
    detail = kpis.kpi_detail(store, KPI)
    for_alice = facts(detail, "alice").plain
    assert "(threshold): waiting for alice by" in for_alice
    assert for_alice.count("(a acknowledges)") == 1
    assert for_alice.index("(a acknowledges)") > for_alice.index(f"also alert {threshold.id}")
    assert "once the one above" not in for_alice
    for_bob = facts(detail, "bob").plain
    assert for_bob.index("(a acknowledges)") < for_bob.index(f"also alert {threshold.id}")
    # Both acknowledged and still open: both named, not only the one the KPI shows first.
    store.conn.execute(
        "UPDATE alerts SET acknowledged_at = '2026-11-23T08:00:00Z', acknowledged_by = assignee"
    )
    said = facts(kpis.kpi_detail(store, KPI)).plain
    for alert in alerts.list_alerts(store):
        assert f"alert {alert.id} " in said and f"acknowledged by {alert.assignee}" in said, said


async def test_a_kpi_pdca_cannot_read_is_left_out_and_said_the_rest_shown(
    make_app, kpi_db: Path, store: Store
) -> None:
    """A tester: one KPI with a baseline of '12,5' (typed in before schema 21) and the view
    said "no KPIs yet" on a file with 200, the error gone with its toast."""
    store.conn.execute("DROP TRIGGER kpis_kinds_on_update")
    store.conn.execute("UPDATE kpis SET baseline = '12,5' WHERE name = 'Cost'")
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        await settle_app(app, pilot)
        assert [row.kpi.name for row in screen.table.rows] == [KPI]
        said = str(screen.query_one("#kpi-warnings").render())
        assert "left out: kpi 2: baseline holds '12,5', not a number" in said


async def test_the_kpi_detail_follows_other_peoples_writes(make_app, kpi_db: Path) -> None:
    """A reading recorded elsewhere while the detail is open shows in it, and a rename is
    followed: the detail had stayed as opened, and its ``a`` answered "no open alert" for
    an alert raised since (a tester)."""
    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_detail(pilot)
        assert screen.detail is not None and screen.detail.readings[-1].value == 36
        bob = open_as(kpi_db, "bob")
        try:
            bob.record_reading(ReadingDraft(kpi=KPI, value=38))
            kpis.edit_kpi(bob, KPI, KpiChanges(name="MTTR"))
        finally:
            bob.close()
        app.check_for_changes()
        await settle_app(app, pilot)
        assert app.screen is screen and screen.detail.readings[-1].value == 38
        assert screen.kpi_name == "MTTR"
        assert "MTTR" in str(screen.query_one("#kpi-facts", Static).render())


async def test_a_kpis_two_alerts_in_my_alerts_are_told_apart_by_their_marks(
    make_app, kpi_db: Path, store: Store
) -> None:
    """Its threshold alert and its signal alert read as two identical rows (a tester): the
    signal's row has the ↯, the threshold's the plain ⚑."""

    _signal_alert_for_alice(store)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_my_alerts(app, pilot)
        table = app.screen.query_one(KpiTable)
        drawn = ["".join(s.text for s in table.render_line(y)) for y in (1, 2)]
        assert sorted(row.alert.rule or "" for row in table.rows) == ["", "we1"]
        marks = sorted("↯" in line for line in drawn)
        assert marks == [False, True] and all("⚑" in line for line in drawn)


async def test_my_alerts_shows_only_its_newest_read(make_app, kpi_db: Path) -> None:
    """An older read, from before an acknowledgement, ended last and put the acknowledged
    alert back in the list (a tester, on the huge file)."""
    from pdca.screens.my_alerts import MyAlertsScreen

    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("exclamation_mark")
        await settle_app(app, pilot)
        screen = app.screen
        assert isinstance(screen, MyAlertsScreen)
        table = screen.query_one(KpiTable)
        shown = list(table.rows)
        assert shown
        screen.reload()  # a newer read is asked for ...
        screen._show(screen.asked - 1, [])  # ... and an older one ends after it: not shown
        assert table.rows == shown
        await settle_app(app, pilot)
        assert [r.kpi.name for r in table.rows] == [r.kpi.name for r in shown]


async def test_the_one_perspective_warning_names_a_few_and_counts_the_rest(
    make_app, store: Store, db_path: Path
) -> None:
    """Sixty initiatives' warnings filled the box and stopped mid-list (a tester)."""
    from pdca.db.models import InitiativeDraft
    from pdca.screens.kpis import PERSPECTIVES_SHOWN

    for n in range(PERSPECTIVES_SHOWN + 4):
        store.add_initiative(InitiativeDraft(name=f"Init {n}", objective="Cut 20% by Q3"))
        store.add_kpi(
            KpiDraft(name=f"K{n}", unit="h", baseline=3, target=2, initiative=f"Init {n}")
        )
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        await settle_app(app, pilot)
        said = str(screen.query_one("#kpi-warnings", Static).render())
        assert said.startswith("⚠ one perspective only: Init 0: its one KPI is quality;")
        assert said.endswith("(and 4 more)")


async def test_the_kpi_detail_reads_again_after_an_acknowledgement_over_it(
    make_app, kpi_db: Path
) -> None:
    """Acknowledged through ! opened over the detail: the detail still showed the alert
    waiting, and offered to acknowledge it again (a tester)."""
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_first_detail(pilot)
        assert "waiting for alice" in str(detail.query_one("#kpi-facts", Static).render())
        await pilot.press("exclamation_mark")
        await settle_app(app, pilot)
        await _acknowledge_then_back(app, pilot)
        assert app.screen is detail
        assert "waiting for alice" not in str(detail.query_one("#kpi-facts", Static).render())


async def test_a_right_after_an_acknowledgement_opens_the_kpis_next_alert(
    make_app, kpi_db: Path, store: Store
) -> None:
    """ctrl+s and a in one burst opened the alert just acknowledged again, the row not read
    again yet, and its note was refused as acknowledged already (a tester). The row as it
    was drawn is what that a met: the KPI's alert is read as it stands now."""
    _signal_alert_for_alice(store)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        drawn = screen.table.current
        assert drawn is not None and drawn.alert is not None
        await pilot.press("a", *"noted", "ctrl+s")
        await settle_app(app, pilot)
        assert alerts.get_alert(store, drawn.alert.id).acknowledged_by == "alice"
        screen.acknowledge_row(drawn)  # the a of the burst, on the row before the read
        await pilot.pause()
        assert isinstance(app.screen, AckModal)
        assert app.screen.alert.id != drawn.alert.id
        assert app.screen.alert.acknowledged_at is None


async def test_an_acknowledgement_the_busy_file_refused_is_kept_for_the_next_a(
    make_app, kpi_db: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock held past the wait: the note was gone with the form, and q said nothing of it
    (a tester). Kept, like a check-in: the next a opens it, and q names it."""
    from tests.conftest import LockHolder

    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 0.5)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await _ack_form(pilot)
        holder = LockHolder(kpi_db)
        try:
            await pilot.press(*"ack during lock", "ctrl+s")
            await settle_app(app, pilot)
        finally:
            holder.release()
        [kept] = app.context.kept()
        assert kept.startswith("acknowledgement of alert ") and kept.endswith(": 'ack during lock'")
        assert alerts.list_alerts(store)[0].acknowledged_at is None
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one("#note").value == "ack during lock"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert alerts.list_alerts(store)[0].ack_note == "ack during lock"
        assert app.context.kept() == []


async def _kept_note(app, pilot, kpi_db: Path, note: str) -> int:  # type: ignore[no-untyped-def]
    """a, then ``note`` refused by a held lock: kept; the alert it was typed for."""
    from tests.conftest import LockHolder

    await _ack_form(pilot)
    alert_id = app.screen.alert.id
    holder = LockHolder(kpi_db)
    try:
        await pilot.press(*note, "ctrl+s")
        await settle_app(app, pilot)
    finally:
        holder.release()
    assert list(app.context.unsent_acks) == [alert_id]
    return int(alert_id)


async def test_a_kept_note_is_said_at_quit_after_the_file_is_closed(
    make_app, kpi_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """q twice with a kept acknowledgement: the lines said at quit read the alert from a
    file already closed, and pdca ended "the database failed", the note lost (a retrial).
    Its alert is looked at before the file closes; the note is said."""
    from pdca.tui.app import _unsaved_lines

    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 0.5)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        alert_id = await _kept_note(app, pilot, kpi_db, "busy ack two")
    app.context.close()  # as run_app does, before it says what was not saved
    [line] = _unsaved_lines(app)
    assert line.startswith(
        f"pdca: not saved (kept after a refused save): acknowledgement of alert {alert_id} "
    )
    assert line.endswith(": 'busy ack two'")


async def test_a_kept_note_is_offered_for_its_own_alert_whichever_is_most_pressing(
    make_app, kpi_db: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note is kept by its alert, and a opens the KPI's most pressing alert: once that
    was another, the note was never offered again and q warned of it for ever (a reviewer)."""
    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 0.5)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        alert_id = await _kept_note(app, pilot, kpi_db, "kept note")
        monkeypatch.setattr(alerts, "most_pressing_open", lambda *_args: None)
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.alert.id == alert_id  # type: ignore[attr-defined]
        assert app.screen.query_one("#note").value == "kept note"  # type: ignore[attr-defined]


def _bob_acknowledges(db: Path, alert_id: int) -> None:
    """Another person acknowledges the alert, from a connection of their own."""
    bob = open_as(db, "bob", NOW_DT)
    try:
        alerts.acknowledge(bob, alert_id, "on it")
    finally:
        bob.close()


async def test_a_kept_note_is_dropped_once_someone_else_acknowledges_its_alert(
    make_app, kpi_db: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 0.5)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        alert_id = await _kept_note(app, pilot, kpi_db, "too late")
        _bob_acknowledges(kpi_db, alert_id)
        assert app.context.kept() == []  # q no longer warns of it
        assert app.context.unsent_acks == {}
        # ... and pdca says it, note and all, as it ends (it went without a word, a reviewer)
        [settled] = app.context.settled_acks
        assert settled.endswith(": 'too late' (bob acknowledged it)"), settled


async def test_a_kept_note_whose_alert_settled_is_said_whole_at_the_next_a(
    make_app, kpi_db: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 0.5)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        alert_id = await _kept_note(app, pilot, kpi_db, "my important note")
        _bob_acknowledges(kpi_db, alert_id)
        app.refresh_status()  # as a poll does: the header's count settled the note (a reviewer)
        await pilot.press("a")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(
            m.startswith("not sent, bob acknowledged it: acknowledgement of alert")
            and m.endswith(": 'my important note'")
            for m in said
        ), said


def test_my_alerts_say_reading_until_their_first_read_comes() -> None:
    """Not "no alert waits for you now" for the second a big file takes (a tester)."""
    from pdca.screens.my_alerts import MyAlertsScreen

    assert MyAlertsScreen().table.empty == "reading…"


async def test_a_on_an_empty_list_of_my_alerts_says_so(make_app, kpi_db: Path) -> None:
    from pdca.screens.my_alerts import MyAlertsScreen

    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        app.context.store.conn.execute("UPDATE alerts SET assignee = 'bob'")
        await pilot.press("exclamation_mark")
        await settle_app(app, pilot)
        assert isinstance(app.screen, MyAlertsScreen)
        assert str(app.screen.query_one("#my-alerts-hint").render()) == "esc back"
        assert app.screen.table.render_line(2).text.strip() == "no alert waits for you now"
        await pilot.press("a")
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == (
            "nothing here to acknowledge: no alert waits for you now"
        )


async def test_the_cursor_row_is_marked_in_every_cell(make_app, kpi_db: Path) -> None:
    """Each cell's own style carried the table's background over the cursor's: the KPI list
    showed no cursor at all (a tester); the other lists lost it under a few cells."""
    from pdca.widgets.row_list import RowList

    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        lines = [screen.table.render_line(y) for y in (1, 2)]  # under the heading
        cursor = screen.table.get_component_rich_style("kpi-table--cursor").bgcolor
        assert cursor is not None
        assert {segment.style.bgcolor for segment in lines[0]} == {cursor}  # type: ignore[union-attr]
        assert cursor not in {segment.style.bgcolor for segment in lines[1]}  # type: ignore[union-attr]
        # ... and a shape, as on the board: without colour the background shows nothing.
        texts = ["".join(segment.text for segment in line) for line in lines]
        assert texts[0].startswith("▌") and not texts[1].startswith("▌")
        await pilot.press("j")
        moved = ["".join(s.text for s in screen.table.render_line(y)) for y in (1, 2)]
        assert not moved[0].startswith("▌") and moved[1].startswith("▌")
        await pilot.press("2")
        await settle_app(app, pilot)
        rows = app.screen.query_one(RowList)
        cursor = rows.get_component_rich_style("row-list--cursor").bgcolor
        assert {segment.style.bgcolor for segment in rows.render_line(0)} == {cursor}  # type: ignore[union-attr]


async def test_the_app_keys_work_over_my_alerts(make_app, kpi_db: Path) -> None:
    """1..7, q and ? did nothing over ! (a dialog cuts the app's keys off), and said nothing."""
    from pdca.screens.my_alerts import MyAlertsScreen
    from tests.tui.conftest import the_apps_keys_work_over

    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await the_apps_keys_work_over(app, pilot, ("exclamation_mark",), MyAlertsScreen, "owners")


async def test_a_second_a_while_an_acknowledgement_waits_is_refused(
    make_app, kpi_db: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second a while the first note waited for a lock cancelled the first flow: its note
    was neither saved nor kept (a reviewer). Refused, as the board's second n is."""
    from tests.conftest import LockHolder

    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 1.5)
    _signal_alert_for_alice(store)
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        holder = LockHolder(kpi_db)
        try:
            await pilot.press("a", *"first note", "ctrl+s")
            await pilot.pause()
            assert app.context.acknowledging
            screen = app.screen
            assert isinstance(screen, KpisScreen)
            screen.action_acknowledge()  # the second a, while the first save waits
            await pilot.pause()
            assert isinstance(app.screen, KpisScreen)
            assert (
                "your last acknowledgement is still being saved"
                in ([n.message for n in app._notifications][-1])
            )
        finally:
            holder.release()
        await settle_app(app, pilot)
        acknowledged = [a for a in alerts.list_alerts(store) if a.acknowledged_at]
        assert [a.ack_note for a in acknowledged] == ["first note"]


async def test_the_detail_says_the_target_in_its_unit(make_app, kpi_db: Path) -> None:
    """ "latest 36 h  target 24": the target without its unit, where kpi list has it now (a
    retrial)."""
    from pdca.screens.kpi_detail import facts

    app = make_app(kpi_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_first_detail(pilot)
        await pilot.pause()
        assert detail.detail is not None
        assert "latest 36 h  target 24 h" in facts(detail.detail).plain


async def test_the_detail_opened_for_someone_acknowledges_the_alert_waiting_for_them(
    make_app, kpi_db: Path, store: Store
) -> None:
    """From the stand-up, enter on the alert waiting for alice opened the KPI, and a there
    took the one waiting for bob, the most pressing (a retrial)."""
    from pdca.screens.dialogs.ack import AckModal
    from pdca.screens.kpi_detail import KpiDetailScreen

    store.conn.execute(
        "INSERT INTO alerts (kpi_id, reading_id, raised_at, assignee, ack_due, rule, rule_text)"
        " VALUES (1, 4, '2026-11-22T08:30:00Z', 'bob', '2026-11-23T08:30:00Z', 'we1',"
        " 'a reading above the upper natural limit')"
    )
    mine = [a for a in alerts.list_alerts(store) if a.assignee == "alice"][0]
    assert alerts.most_pressing_open(store, 1).assignee == "bob"  # the first, for anyone else
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(KpiDetailScreen(KPI, for_person="alice"))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AckModal) and app.screen.alert.id == mine.id


async def test_the_detail_opened_for_a_stand_up_row_acknowledges_that_rows_alert(
    make_app, kpi_db: Path, store: Store
) -> None:
    """Of two alerts waiting for alice on one KPI, enter on the stand-up's row of the less
    pressing one opened the KPI where a took the other (a retrial): a takes the row's own
    while it waits for her, and the detail says so."""
    from pdca.screens.dialogs.ack import AckModal
    from pdca.screens.kpi_detail import KpiDetailScreen, facts

    store.conn.execute(
        "INSERT INTO alerts (kpi_id, reading_id, raised_at, assignee, ack_due, rule, rule_text)"
        " VALUES (1, 4, '2026-11-22T08:30:00Z', 'alice', '2026-11-23T20:30:00Z', 'we1',"
        " 'a reading above the upper natural limit')"
    )
    first = alerts.most_pressing_open(store, 1, "alice")
    row = [a for a in alerts.list_alerts(store) if a.assignee == "alice" and a.id != first.id][0]
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(KpiDetailScreen(KPI, for_person="alice", alert_id=row.id))
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, KpiDetailScreen)
        await wait_until(pilot, lambda: detail.detail is not None)
        assert detail.detail is not None
        said = facts(detail.detail, "alice", row.id).plain
        assert f"also alert {row.id} (" in said and said.count("a acknowledges") == 1, said
        assert said.index("a acknowledges") > said.index(f"also alert {row.id} (")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AckModal) and app.screen.alert.id == row.id


def test_the_charts_lines_on_a_light_theme_are_dark_enough_to_see() -> None:
    """The centre line was white and the limits yellow on a light theme's white (a
    reviewer): darker there, their markers as they were."""
    from pdca.screens.kpi_detail import line_style

    assert line_style("centre", dark=True) == ("-", "white")
    assert line_style("centre", dark=False) == ("-", "black")
    assert line_style("limits", dark=False) == (":", "blue")
    assert line_style("target", dark=False) == line_style("target", dark=True)


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light", "textual-light", "textual-dark"])
async def test_the_kpi_warnings_line_reads_on_every_theme(
    make_app, kpi_db: Path, store: Store, theme: str
) -> None:
    """On an ANSI theme, ``$warning 10%`` cannot be blended: the warnings line was yellow on
    yellow, and bright red on bright red (a trial of plain terminals)."""
    store.conn.execute("DROP TRIGGER kpis_kinds_on_update")
    store.conn.execute("UPDATE kpis SET baseline = '12,5' WHERE name = 'Cost'")
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        screen = await open_kpis(pilot)
        await settle_app(app, pilot)
        line = screen.query_one("#kpi-warnings")
        assert "left out" in str(line.render())
        style = line.rich_style
        assert style.color is not None and style.bgcolor is not None
        assert style.color != style.bgcolor, (theme, style)


async def test_a_acknowledges_the_alerts_one_reading_raised_together(
    make_app, kpi_db: Path, store: Store
) -> None:
    """A breach and a signal of the same reading were two acknowledgements, and the second
    went on to escalate after the first was answered (a quality manager): the form says the
    other goes with it, and both are acknowledged, with one note, in one change."""
    _signal_alert_for_alice(store, reading=4)  # the breach's own reading
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await _ack_form(pilot)
        other = 3 - form.alert.id
        about = str(form.query_one("#ack-about", Label).render())
        assert about.endswith(f"; alert {other}, of the same reading, is acknowledged with it")
        said = await _acknowledged(pilot)
        assert said == f"acknowledged alerts 1 and 2 ({KPI}): both of one reading"
    notes = store.conn.execute("SELECT ack_note, acknowledged_by FROM alerts ORDER BY id")
    assert [tuple(row) for row in notes] == [("on it", "alice"), ("on it", "alice")]


async def test_an_alert_acknowledged_for_someone_else_says_so_in_the_app(
    make_app, kpi_db: Path, store: Store
) -> None:
    """The command line said "acknowledged in their place"; the app's a said nothing of it
    (a reviewer), though it ends the other person's escalation."""
    store.conn.execute("UPDATE alerts SET assignee = 'bob', escalation_level = 1")
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await _ack_form(pilot)
        said = await _acknowledged(pilot)
        assert said.endswith("; it waited for bob: acknowledged in their place"), said


def test_the_ack_form_names_every_alert_of_the_reading_in_words_that_agree() -> None:
    """ "alert 2 and 3, raised by the same reading, is acknowledged with it" (a reviewer):
    one is, several are, listed as the command line lists them."""
    from pdca.db.models import Alert

    alert = Alert(
        id=1, kpi_id=1, kpi=KPI, reading_id=4, raised_at="2026-11-23T09:00:00Z",
        assignee="alice", ack_due="2026-11-24T09:00:00Z", escalation_level=0,
        acknowledged_at=None, acknowledged_by=None, ack_note=None, closed_at=None, version=1,
    )  # fmt: skip
    one = AckModal(alert=alert, with_it=[2]).about
    assert one.endswith("; alert 2, of the same reading, is acknowledged with it")
    three = AckModal(alert=alert, with_it=[2, 3, 4]).about
    assert three.endswith("; alerts 2, 3 and 4, of the same reading, are acknowledged with it")


def test_a_linked_action_without_a_before_and_after_says_why() -> None:
    """ "#5 Record the walkthrough: - → 13.5" said nothing of why there was no verdict (a new
    lead): done, it says which side is missing; not done, "not done" stands for it."""
    from pdca.db.records import ActionChange
    from pdca.screens.kpi_detail import changes

    def line(**kwargs: object) -> str:
        fields: dict[str, object] = {
            "action_id": 5, "title": "Walkthrough", "phase": "act", "entered_do": "2026-11-01",
            "done_at": "2026-11-10T09:00:00Z", "before_mean": None, "before_count": 0,
            "after_mean": 13.5, "after_count": 1, "delta": None, "verdict": "unknown",
        }  # fmt: skip
        daily = SimpleNamespace(kpi=SimpleNamespace(cadence="daily"))
        detail = SimpleNamespace(changes=[ActionChange(**{**fields, **kwargs})], row=daily)
        return changes(detail, NOW_DT).plain.splitlines()[1]  # type: ignore[arg-type]

    assert line() == "#5 Walkthrough: - → 13.5 (no readings before Do)"
    assert line(before_mean=12.0, before_count=4, after_mean=None, after_count=0) == (
        "#5 Walkthrough: 12 → - (too early to tell: no readings after done)"
    )
    # two months after done, no wait brings the readings: said so (a retrial)
    long_ago = {"done_at": "2026-09-10T09:00:00Z", "entered_do": "2026-09-01"}
    assert line(before_mean=12.0, before_count=4, after_mean=20.0, after_count=1, **long_ago) == (
        "#5 Walkthrough: 12 → 20 (too few readings after done to tell: 1 reading in the 28 days)"
    )
    assert line(done_at=None, phase="do", after_mean=None, after_count=0) == (
        "#5 Walkthrough: - → not done"
    )


async def test_a_note_for_an_alert_closed_meanwhile_is_kept_for_the_one_waiting(
    make_app, kpi_db: Path, store: Store
) -> None:
    """The alert closed while its note was typed, and another of the KPI's was raised: the
    note was said "not saved" and gone, to be typed again for the other (a retrial). It is
    kept for the one waiting, and a sends it."""
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await _ack_form(pilot)
        bob = open_as(kpi_db, "bob")
        try:  # back under the threshold, then over it again: alert 1 closed, alert 2 raised
            bob.record_reading(ReadingDraft(kpi=KPI, value=30), NOW_DT + timedelta(minutes=1))
            bob.record_reading(ReadingDraft(kpi=KPI, value=37), NOW_DT + timedelta(minutes=2))
        finally:
            bob.close()
        said = await _acknowledged(pilot, "looking into it")
        assert "alert 1 (Resolution time) was closed at" in said
        assert said.endswith("; your note is kept for alert 2: a sends it"), said
        app.check_for_changes()
        await settle_app(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AckModal)
        assert app.screen.query_one("#note").value == "looking into it"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
    waiting = [a for a in alerts.list_alerts(store) if a.closed_at is None]
    assert [(a.id, a.ack_note) for a in waiting] == [(2, "looking into it")]


async def test_limits_of_a_later_baseline_are_drawn_from_its_first_reading(
    make_app, store: Store, db_path: Path
) -> None:
    """A baseline set later drew its limits over the readings before it, which no rule
    judges by them: October's readings sat below the new lower limit, unmarked (a coach).
    The lines start at the baseline's first reading, and the legend says from when."""
    from pdca.db.clock import local_day

    store.add_kpi(KpiDraft(name="FCR", unit="%", baseline=60, target=70, direction="up",
                           baseline_from=(NOW_DT - timedelta(days=15)).date()))  # fmt: skip
    for days in range(30, -1, -1):
        at = NOW_DT - timedelta(days=days)
        store.record_reading(ReadingDraft(kpi="FCR", value=58 + (days % 2) + (days < 16) * 5), at)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        detail, read, drawn = await first_detail_with_limits(pilot)
        assert read.limits is not None
        began = local_day(read.limits.baseline_first)
        assert f"from {began}" in drawn and "centre" in drawn, drawn
        plt = detail.query_one(PlotextPlot).plt
        drawn_lines: list[list[float]] = []
        plot = plt.plot

        def recorded(xs: list[float], ys: list[float], **kwargs: object) -> None:
            if len(ys) == 2 and ys[0] == ys[1]:  # a level line (the readings are not)
                drawn_lines.append(xs)
            plot(xs, ys, **kwargs)

        plt.plot = recorded
        detail.draw_chart(read)  # as it was drawn, its lines seen
        starts = {round(xs[0]) for xs in drawn_lines}
        assert -15 in starts or -16 in starts, starts  # the limits, from the baseline's first day
        assert -30 in starts  # the KPI's own lines (baseline, target) over every reading


async def test_a_default_baseline_says_no_from_day(make_app, store: Store, db_path: Path) -> None:
    """Every reading within the last day: the chart's left edge (a day back) lay before the
    first reading, and the legend said "from today" of limits that judge every reading (a
    reviewer)."""
    store.add_kpi(KpiDraft(name="Fast", unit="n", baseline=5, target=2, direction="down"))
    for hours in range(16, 0, -2):
        store.record_reading(
            ReadingDraft(kpi="Fast", value=5 + hours % 3), NOW_DT - timedelta(hours=hours)
        )
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        _detail, _read, drawn = await first_detail_with_limits(pilot)
        assert "centre" in drawn and " from " not in drawn, drawn


def _two_alerts_and_keys(store: Store, env: dict[str, str], keys: str) -> None:
    """The threshold alert escalated to bob, a signal alert waiting for alice, and the
    person's ``[keys]`` table in their settings."""
    from tests.tui.test_keymap import write_settings

    write_settings(env, f"[keys]\n{keys}\n")
    store.conn.execute("UPDATE alerts SET assignee = 'bob', escalation_level = 1")
    _signal_alert_for_alice(store)


async def test_the_next_alert_is_named_with_the_persons_own_acknowledge_key(
    make_app, kpi_db: Path, store: Store, env: dict[str, str]
) -> None:
    """With acknowledge moved to A, "alert 1 waits too: a again" named a key that did
    nothing there (a keymap trial's list)."""
    _two_alerts_and_keys(store, env, 'kpis-ack = "A"')
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await key_on_first_kpi(pilot, "A", AckModal)
        said = await _acknowledged(pilot)
        assert said == f"acknowledged alert {form.alert.id} ({KPI}); alert 1 waits too: A again"


async def test_the_kpi_detail_names_its_own_acknowledge_key(
    make_app, kpi_db: Path, store: Store, env: dict[str, str]
) -> None:
    """With the detail's acknowledge moved to K (and the list's to A), the detail said "(a
    acknowledges)" and, once one was acknowledged, "A again": neither key did anything there
    (a retrial)."""
    _two_alerts_and_keys(store, env, 'kpis-ack = "A"\nkpi-detail-ack = "K"')
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_first_detail(pilot)
        await settle_app(app, pilot)
        said = str(detail.query_one("#kpi-facts").render())
        assert "(K acknowledges)" in said and "(a acknowledges)" not in said, said
        await pilot.press("K")
        await pilot.pause()
        assert isinstance(app.screen, AckModal)
        done = await _acknowledged(pilot)
        assert done.endswith("waits too: K again"), done


async def test_the_alerts_list_names_its_own_acknowledge_key(
    make_app, kpi_db: Path, store: Store, env: dict[str, str]
) -> None:
    """Its hint said "a acknowledge with a note" after a keymap moved it (a review)."""
    from textual.widgets import Label

    _two_alerts_and_keys(store, env, 'my-alerts-ack = "X"')
    app = make_app(kpi_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_my_alerts(app, pilot)
        hint = str(app.screen.query_one("#my-alerts-hint", Label).render())
        assert hint.startswith("X acknowledge with a note"), hint


def test_an_alert_of_the_same_reading_is_said_to_go_with_the_first(
    kpi_db: Path, store: Store
) -> None:
    """A reading raised a threshold alert and a signal alert: the detail said the second
    waited for "a, once the one above is acknowledged", and one a acknowledged both (a KPI
    trial). It says the second goes with the first."""
    from pdca.screens.kpi_detail import facts

    _signal_alert_for_alice(store, reading=4)  # of the reading that breached
    detail = kpis.kpi_detail(store, KPI)
    taken = [a for a in detail.alerts if not a.closed_at]
    assert len(taken) == 2 and len({a.reading_id for a in taken}) == 1
    said = facts(detail, "alice").plain
    assert said.count("(a acknowledges)") == 1 and "once the one above" not in said, said
    assert ": one reading's)" in said, said


def test_the_details_header_says_a_reading_is_overdue_beside_its_alert(store: Store) -> None:
    """``pdca kpi list`` said "alert, overdue" and the detail's header "alert" alone (a
    newcomer): the missed cadence is said there too, as the KPIs view marks its row."""
    from pdca.screens.kpi_detail import facts

    store.add_kpi(KpiDraft(name="Queue", unit="h", baseline=30, target=24, direction="down",
                           warn=32, alert=34, owner="alice"))  # fmt: skip
    store.record_reading(ReadingDraft(kpi="Queue", value=36), NOW_DT - timedelta(days=5))
    detail = kpis.kpi_detail(store, "Queue")
    assert (detail.row.status, detail.row.measurement_overdue) == ("alert", True)
    assert facts(detail).plain.startswith("■ alert  ◔ overdue  Queue"), facts(detail).plain
    store.record_reading(ReadingDraft(kpi="Queue", value=36))  # read today: not overdue
    assert facts(kpis.kpi_detail(store, "Queue")).plain.startswith("■ alert  Queue")
