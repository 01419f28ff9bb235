"""The Check -> Act verdict prompt shows the evidence of the linked KPI's process chart: a
sustained shift since the action entered Do, or its absence. The person still decides."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Label

from pdca.db.models import ActionDraft, CheckinDraft, KpiDraft, ReadingDraft
from pdca.db.store import Store
from pdca.screens.dialogs import ChoiceModal
from tests.conftest import NOW_DT, open_as
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import focused

BASE = [11.0, 9.0] * 10  # centre 10


def record(store: Store, value: float, days_ago: int) -> None:
    store.record_reading(ReadingDraft(kpi="Lead time", value=value), NOW_DT - timedelta(days_ago))


def make_db(store: Store, db_path: Path, since_do: list[float]) -> int:
    store.add_kpi(KpiDraft(name="Lead time", unit="d", baseline=10, target=5, direction="down"))
    for i, v in enumerate(BASE):
        record(store, v, 40 - i)
    early = open_as(db_path, "alice", NOW_DT - timedelta(days=15))
    try:
        action = early.add_action(ActionDraft(title="Pair on reviews", owner="bob",
                                              due=date(2026, 12, 30), kpi="Lead time"))  # fmt: skip
        early.move_action(action.id, "do")
    finally:
        early.close()
    for i, v in enumerate(since_do):
        record(store, v, 14 - i)
    store.add_checkin(action.id, CheckinDraft(message="reviews paired since"))
    store.move_action(action.id, "check")
    return action.id


@pytest.mark.parametrize(
    ("since_do", "evidence"),
    [
        ([7.0] * 9, "Lead time: shifted down since #1 entered Do, 9 readings in a row below"
                    " the old centre line (10)"),
        ([9.0, 11.0] * 5, "Lead time: no sustained shift since #1 entered Do (5 of 10 readings "
                          "below the old centre line)"),
    ],
)  # fmt: skip
async def test_the_verdict_prompt_shows_the_shift_or_its_absence(
    make_app, store: Store, db_path: Path, since_do: list[float], evidence: str
) -> None:
    action_id = make_db(store, db_path, since_do)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("check", action_id)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        shown = str(app.screen.query_one(".dialog--prompt", Label).render())
        assert evidence in shown.replace("\n", " ")
        assert "Did the change work?" in shown
        await pilot.press("1")  # the person decides: worked
        await settle_app(app, pilot)
        action = app.context.store.get_action(action_id)
        assert (action.phase, action.verdict) == ("act", "worked")
