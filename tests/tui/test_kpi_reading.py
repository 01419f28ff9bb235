"""``r`` in the KPIs view and a KPI's detail: a reading recorded from the app, as ``pdca kpi
record`` records one (a newcomer found no way to record one in the app)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from pdca.db import alerts
from pdca.db.models import KpiDraft, ReadingDraft
from pdca.db.store import Store
from pdca.screens.dialogs.reading import ReadingModal
from pdca.screens.kpi_detail import KpiDetailScreen
from pdca.widgets.forms import FieldError
from pdca.widgets.kpi_table import KpiTable
from tests.conftest import NOW, NOW_DT
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_kpis import KPI, key_on_first_kpi, open_kpis


@pytest.fixture
def calm_db(store: Store, db_path: Path) -> Path:
    """Resolution time (h, lower is better, alert above 34) at 30, no alert open."""
    store.add_kpi(KpiDraft(name=KPI, unit="h", baseline=30, target=24, direction="down",
                           warn=32, alert=34, owner="alice", escalation=["bob"]))  # fmt: skip
    store.record_reading(ReadingDraft(kpi=KPI, value=30), NOW_DT - timedelta(days=1))
    return db_path


def readings_of(store: Store) -> list[tuple[float, str, str, str]]:
    rows = store.conn.execute("SELECT value, at, note, author FROM kpi_readings ORDER BY id")
    return [tuple(row) for row in rows]  # type: ignore[misc]


def said(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


async def test_r_records_a_reading_and_says_the_alert_it_raised(
    make_app, calm_db: Path, store: Store
) -> None:
    app = make_app(calm_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReadingModal)
        assert str(app.screen.query_one("#reading-about").render()).startswith("latest 30 h, ")
        await pilot.press(*"41", "tab", "tab", *"[b]pager storm", "enter")
        await settle_app(app, pilot)
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert app.screen is screen
        assert readings_of(store)[-1] == (41.0, NOW, "[b]pager storm", "alice")
        [alert] = alerts.list_alerts(store)
        assert alert.closed_at is None
        assert said(app)[-1] == (
            f"recorded 41 for '{KPI}' at {NOW[:10]} {NOW[11:16]} UTC\n"
            f"raised alert {alert.id} (41 h is above the alert threshold 34 h): alice to"
            " acknowledge by 2026-11-24 09:00 UTC"  # as the app writes times, not as stored
        )
        row = screen.query_one(KpiTable).rows[0]
        assert (row.status, row.kpi.latest_value) == ("alert", 41.0)


async def test_u_after_a_reading_says_what_it_undid_with_times_as_the_app_writes_them(
    make_app, calm_db: Path, store: Store
) -> None:
    """The undo note quoted "alice to acknowledge by 2026-11-24T09:00:00Z" where every other
    note writes "2026-11-24 09:00 UTC" (a retrial)."""
    app = make_app(calm_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"41", "enter")
        await settle_app(app, pilot)
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        await pilot.press("u")
        await settle_app(app, pilot)
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        note = said(app)[-1]
        assert note.startswith("undone: “recorded 41 for KPI 'Resolution time'")
        assert "acknowledge by 2026-11-24 09:00 UTC" in note and "T09:00:00Z" not in note
        assert alerts.list_alerts(store) == []


async def test_bad_values_are_refused_inline_and_nothing_is_written(
    make_app, calm_db: Path, store: Store
) -> None:
    app = make_app(calm_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        before = readings_of(store)
        await pilot.press("r")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ReadingModal)

        async def error_of(field: str) -> str:
            # keys after an enter that left no field wait a moment for focus to move: until
            # they are let go (a fixed pause ran out on a loaded machine)
            await settle_app(app, pilot)
            return str(modal.query_one(f"#row-{field}").query_one(FieldError).message)

        await pilot.press("enter")
        await pilot.pause()
        assert await error_of("value") == "value: '' is required: the number measured"
        await pilot.press(*"12x", "enter")
        await pilot.pause()
        assert await error_of("value") == (
            "value: '12x' is not a number: the number alone, without a unit or % (12)"
        )
        await pilot.press("backspace", "tab", *"tomorrow", "enter")
        await pilot.pause()
        assert await error_of("when") == (  # a day typed is a day to come (a trial)
            "when: 'tomorrow' is a day still to come (today is 2026-11-23)"
        )
        await pilot.press(*["backspace"] * 8, *"someday", "enter")
        await pilot.pause()
        assert await error_of("when") == (
            "when: 'someday' is not a time (like 2026-11-23T09:30:00Z) or a day (2026-11-23,"
            " yesterday, mon, -2d)"
        )
        assert app.screen is modal and readings_of(store) == before
        await pilot.press(*["backspace"] * 7, *"yesterday", "enter")
        await settle_app(app, pilot)
        await app.workers.wait_for_complete()
        value, at, _note, _author = readings_of(store)[-1]
        assert value == 12.0 and at < NOW and len(readings_of(store)) == len(before) + 1


async def test_esc_records_nothing(make_app, calm_db: Path, store: Store) -> None:
    app = make_app(calm_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpis(pilot)
        before = readings_of(store)
        await pilot.press("r", *"99", "escape", "escape")  # typed: the second esc leaves
        await settle_app(app, pilot)
        assert app.screen is screen and readings_of(store) == before


async def test_r_in_the_detail_records_and_the_chart_reads_again(
    make_app, calm_db: Path, store: Store
) -> None:
    app = make_app(calm_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, KpiDetailScreen)
        await pilot.press("r", *"25", "enter")
        await settle_app(app, pilot)
        await app.workers.wait_for_complete()
        await settle_app(app, pilot)
        assert app.screen is detail
        assert readings_of(store)[-1][0] == 25.0
        assert detail.detail is not None and detail.detail.row.kpi.latest_value == 25.0


async def test_a_reading_the_busy_file_refused_is_kept_for_the_next_r(
    make_app, calm_db: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import LockHolder

    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 0.5)
    app = make_app(calm_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        before = readings_of(store)
        await pilot.press("r")
        await pilot.pause()
        holder = LockHolder(calm_db)
        try:
            await pilot.press(*"33", "tab", "tab", *"from the dashboard", "ctrl+s")
            await settle_app(app, pilot)
            await app.workers.wait_for_complete()
        finally:
            holder.release()
        # when Record was pressed, kept with it (a retry later took the time of the retry)
        assert app.context.kept() == [
            f"reading 33 for '{KPI}' at 2026-11-23 09:00 UTC: 'from the dashboard'"
        ]
        assert readings_of(store) == before
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.query_one("#value").value == "33"  # type: ignore[attr-defined]
        assert app.screen.query_one("#when").value == NOW  # type: ignore[attr-defined]
        assert app.screen.query_one("#note").value == "from the dashboard"  # type: ignore[attr-defined]
        # sent again while the file is busy: let go as it is sent, not once it is in (a
        # quit then, the save going in all the same, said "not saved (kept…)": a review)
        monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 10.0)
        holder = LockHolder(calm_db)
        try:
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            assert app.context.kept() == []
        finally:
            holder.release()
        await settle_app(app, pilot)
        await app.workers.wait_for_complete()
        assert readings_of(store)[-1][:3] == (33.0, NOW, "from the dashboard")
        assert app.context.kept() == []


async def test_r_on_a_read_only_file_says_so_and_opens_nothing(
    make_app, calm_db: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.chmod(calm_db, 0o444)
    try:
        app = make_app(calm_db)
        if os.geteuid() == 0:  # root may write anything: read-only as a reader's store is
            app.context.store.writable = False
            monkeypatch.setattr("pdca.db.store.may_write_now", lambda path: False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_kpis(pilot)
            await pilot.press("r")
            await pilot.pause()
            assert app.screen is screen
            assert said(app)[-1].startswith("read-only: ")
    finally:
        os.chmod(calm_db, 0o644)


async def test_a_reading_older_than_the_newest_says_the_alerts_follow_that_one(
    make_app, calm_db: Path, store: Store
) -> None:
    """A reading "now" after one dated a few minutes ahead raised nothing, without a word
    (a retrial): said."""
    store.record_reading(ReadingDraft(kpi=KPI, value=31), NOW_DT + timedelta(minutes=3))
    app = make_app(calm_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_kpis(pilot)
        await pilot.press("r", *"41", "enter")
        await settle_app(app, pilot)
        await app.workers.wait_for_complete()
        assert said(app)[-1] == (
            f"recorded 41 for '{KPI}' at 2026-11-23 09:00 UTC\n"
            "older than its newest reading (2026-11-23 09:03 UTC): its alerts follow that one"
        )
        assert [a for a in alerts.list_alerts(store) if a.closed_at is None] == []


async def test_a_reading_goes_to_the_kpi_the_form_was_opened_on_whatever_its_name(
    make_app, calm_db: Path, store: Store
) -> None:
    """The form open, a colleague renamed its KPI and gave the name to another: the reading
    went to that other one (a reviewer). It goes by the KPI's id."""
    from pdca.db import kpis
    from pdca.db.models import KpiChanges
    from tests.conftest import open_as

    app = make_app(calm_db)
    async with app.run_test(size=SIZE) as pilot:
        await key_on_first_kpi(pilot, "r", ReadingModal)
        bob = open_as(calm_db, "bob")
        try:
            other = bob.add_kpi(KpiDraft(name="Other", unit="h", baseline=1, target=0))
            kpis.edit_kpi(bob, KPI, KpiChanges(name="Gamma"))
            kpis.edit_kpi(bob, "Other", KpiChanges(name=KPI))
        finally:
            bob.close()
        await pilot.press(*"41", "enter")
        await settle_app(app, pilot)
        await app.workers.wait_for_complete()
        rows = store.conn.execute("SELECT kpi_id, value FROM kpi_readings ORDER BY id").fetchall()
        assert tuple(rows[-1]) == (1, 41.0) and other.id != 1
