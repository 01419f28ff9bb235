"""A filter that matches no open card says why it may be empty: done ones are hidden."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Static

from pdca.db.models import ActionDraft
from pdca.db.store import Store
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import board, column_ids


def bar_text(app) -> str:  # type: ignore[no-untyped-def]
    bar = board(app).query_one("#filter-bar", Static)
    return str(bar.render()) if bar.display else ""


async def test_an_id_of_a_done_action_says_d_shows_it(
    make_app, store: Store, db_path: Path
) -> None:
    done = store.add_action(ActionDraft(title="Shipped", owner="bob", due=date(2026, 12, 1)))
    store.complete_action(done.id, "abandon")
    store.add_action(ActionDraft(title="Open one", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *f"#{done.id}", "enter")
        await settle_app(app, pilot)
        assert "D shows done ones too" in bar_text(app)
        await pilot.press("D")
        await settle_app(app, pilot)
        assert done.id in [i for phase in ("plan", "do", "check", "act")
                           for i in column_ids(app, phase)]  # fmt: skip
        assert "D shows done" not in bar_text(app)
        await pilot.press("escape")  # nothing filtered: no bar, no hint
        await settle_app(app, pilot)
        await pilot.press("slash", *"Open", "enter")
        await settle_app(app, pilot)
        assert "Open" in bar_text(app) and "D shows" not in bar_text(app)


async def test_finishing_the_last_match_says_so_at_once(
    make_app, store: Store, db_path: Path
) -> None:
    store.add_action(ActionDraft(title="Only match", owner="bob"))
    store.add_action(ActionDraft(title="Other"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *"Only", "enter")
        await settle_app(app, pilot)
        assert "D shows" not in bar_text(app)
        await pilot.press("d")  # done, from Plan: abandoned (the only choice, 1)
        await settle_app(app, pilot)
        await pilot.press("1")
        await settle_app(app, pilot)
        assert board(app).columns["plan"].total == 0
        assert "nothing open matches" in bar_text(app)
