"""Repeating actions in the app: the new-action form's Repeat field (its hint, its error, what
it saves), the card's repeat mark, and the minute round making an instance that came due."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Label
from textual.worker import WorkerCancelled

from pdca.db import recurrence
from pdca.db.models import ActionDraft
from pdca.screens.dialogs import ActionFormModal
from pdca.widgets.marks import REPEAT_MARK
from tests.conftest import NOW_DT, open_as
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import board


def set_field(app, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(f"#{field}", Input).value = value


async def test_new_action_with_a_repeat_rule(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        set_field(app, "title", "Weekly KPI review")
        set_field(app, "every", "weakly")
        await pilot.pause()
        assert "?" in str(app.screen.query_one("#every-hint", Label).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActionFormModal)  # refused, in the form, nothing written
        assert "repeat: not a rule" in str(app.screen.query_one("#every-error").render())
        assert app.context.store.counts()["action"] == 5
        set_field(app, "every", "week mon")
        await pilot.pause()
        # 2026-11-23 (the fixed clock) is a Monday: the first is due today, then a week on.
        assert "Mon Nov 23, then Mon Nov 30" in str(
            app.screen.query_one("#every-hint", Label).render()
        )
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        added = app.context.store.get_action(6)
        assert (added.due, added.recurrence_id) == ("2026-11-23", 1)
        rules = recurrence.list_rules(app.context.store)
        assert [(r.rule, r.next_due) for r in rules] == [("week mon", "2026-11-30")]
        # When the next comes, as pdca add --every says ("added #6" alone, a new user)
        said = [str(n.message) for n in app._notifications]
        assert "added #6; repeats every week mon: the next is made on 2026-11-30" in said
        plan = board(app).query_one("#column-plan")
        painted = "\n".join(plan.render_line(y).text for y in range(plan.size.height))
        assert f"#6 {REPEAT_MARK} Weekly KPI review" in painted


async def test_the_edit_form_has_no_repeat_field(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        assert not app.screen.query("#every")


async def test_the_minute_round_makes_an_instance_that_came_due(
    make_app, store, db_path: Path
) -> None:
    earlier = open_as(db_path, "alice", NOW_DT - timedelta(days=8))
    try:
        recurrence.add_repeating_action(earlier, ActionDraft(title="Audit", owner="bob"), "week")
    finally:
        earlier.close()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        for _ in range(3):  # exclusive: a round the app starts itself may replace this one
            try:
                await app.escalate_alerts().wait()
                break
            except WorkerCancelled:
                continue
        app.check_for_changes()
        await settle_app(app, pilot)
        store = app.context.store
        made = store.conn.execute(
            "SELECT due, created_by FROM actions WHERE recurrence_id = 1 ORDER BY id"
        ).fetchall()
        assert [tuple(row) for row in made] == [("2026-11-15", "alice"), ("2026-11-22", "pdca")]
        plan = board(app).query_one("#column-plan")
        painted = "\n".join(plan.render_line(y).text for y in range(plan.size.height))
        assert painted.count(f"{REPEAT_MARK} Audit") == 2


async def detail_shown(make_app, db_path: Path) -> str:  # type: ignore[no-untyped-def]
    """The first card's detail (enter), as its labels draw it."""
    from pdca.screens.dialogs import ActionDetailScreen

    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionDetailScreen)
        return "\n".join(str(w.render()) for w in app.screen.query("Static, Label"))


async def test_the_detail_says_how_it_repeats(make_app, store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Audit", owner="bob"), "month 15")
    shown = await detail_shown(make_app, db_path)
    assert f"{REPEAT_MARK} every month 15" in shown and "rule 1" in shown


async def test_a_rule_written_by_hand_is_shown_literally(make_app, store, db_path: Path) -> None:
    """A rule put in with sqlite3 (pdca checks what it writes) holding an escape: the detail
    shows it as text, it does not retitle the terminal (a tester)."""
    recurrence.add_repeating_action(store, ActionDraft(title="Audit", owner="bob"), "day")
    store.conn.execute("UPDATE recurrences SET rule = 'week \x1b]2;PWNED\x07 mon'")
    shown = await detail_shown(make_app, db_path)
    assert f"{REPEAT_MARK} every week \\x1b]2;PWNED\\x07 mon" in shown
    assert "\x1b" not in shown


async def test_stop_repeating_from_the_palette_command(make_app, store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Audit", owner="bob"), "day")
    store.add_action(ActionDraft(title="Once"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "Stop repeating" in titles
        assert screen.current is not None and screen.current.title == "Audit"
        screen.action_stop_repeating()
        await settle_app(app, pilot)
        (rule,) = recurrence.list_rules(app.context.store, include_stopped=True)
        assert (rule.stopped_by, rule.next_due) == ("alice", None)
        said = [str(n.message) for n in app._notifications]
        assert "#1 stops repeating (day); the one it made stays" in said  # not "the 1 made stay"
        await pilot.press("down")  # the one-off action: nothing to stop, nothing written
        await settle_app(app, pilot)
        assert screen.current is not None and screen.current.title == "Once"
        screen.action_stop_repeating()
        await settle_app(app, pilot)
        assert recurrence.get(app.context.store, 1).version == rule.version
