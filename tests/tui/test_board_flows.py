"""The board's flows through its dialogs: each phase gate's prompt, new, edit, check-in,
done with each decision, the conflict dialog. Asserts on what was persisted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from pdca.db.models import ActionChanges, CheckinDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.dialogs import (
    ActionDetailScreen,
    ActionFormModal,
    CheckinModal,
    ChoiceModal,
    ConflictModal,
    PickModal,
)
from pdca.widgets.forms import FieldError
from tests.conftest import NOW_DT, open_as
from tests.tui.conftest import SIZE, settle_app, wait_until
from tests.tui.test_board import board, column_ids, focused


def check_ins_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every check-in gives up as after the 10 s lock wait, nothing written."""
    from pdca.db.errors import DatabaseBusy
    from pdca.db.store import Store

    def busy(self: Store, *args: Any, **kwargs: Any) -> Any:
        raise DatabaseBusy("the database stayed busy for 10 s; nothing written, try again")

    monkeypatch.setattr(Store, "add_checkin", busy)


def set_field(app, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(f"#{field}", Input).value = value


def said_new(login: str, meant: str = "") -> str:
    """The board's notice of a login new to the file, as the command line's note says it."""
    also = f"; did you mean {meant}?" if meant else ""
    return (
        f"{login} is new to this file: now one of its people"
        f" (a typo? pdca forget {login} once nothing is theirs){also}"
    )


async def test_plan_to_do_without_due_asks_for_owner_and_due(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")  # #2 Bare idea: no owner, no due
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        assert app.focused is not None and app.focused.id == "owner"  # the first one missing
        await pilot.press("ctrl+s")  # both missing: errors beside the fields, nothing written
        await pilot.pause()
        assert isinstance(app.screen, ActionFormModal)
        assert app.context.store.get_action(2).phase == "plan"
        set_field(app, "owner", "dana")
        set_field(app, "due", "+3d")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        moved = app.context.store.get_action(2)
        assert (moved.phase, moved.owner, moved.due) == ("do", "dana", "2026-11-26")
        assert focused(app) == ("do", 2)
        assert new_person_notes(app) == [said_new("dana")]


async def _gate_form_filled(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """> on #2 (Plan, no owner nor due): its form, filled with dana and three days on."""
    await pilot.press("j", "greater_than_sign")
    await settle_app(app, pilot)
    set_field(app, "owner", "dana")
    set_field(app, "due", "+3d")


async def _write_mine_over_bobs_move(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Save the filled gate form of #2, which bob took on to Check: the conflict dialog
    asks, and "write mine" keeps dana and the date typed on it, in Check."""
    await pilot.press("ctrl+s")
    await settle_app(app, pilot)
    assert isinstance(app.screen, ConflictModal), [n.message for n in app._notifications]
    # the lead was moving it, not editing it (a team's trial)
    assert (
        app.screen.query_one(".dialog--heading").render().plain == "#2 changed while you moved it"
    )
    await pilot.press("m")
    await settle_app(app, pilot)
    saved = app.context.store.get_action(2)
    assert (saved.phase, saved.owner, saved.due) == ("check", "dana", "2026-11-26")


async def test_one_undo_takes_back_the_gate_form_and_its_move(make_app, board_db: Path) -> None:
    """> through the form is one change: u puts #2 back in Plan with no owner and no due
    (it was two, and u left the owner and date just typed on a card still in Plan)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _gate_form_filled(app, pilot)
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert app.context.store.get_action(2).phase == "do"
        await pilot.press("u")
        await settle_app(app, pilot)
        back = app.context.store.get_action(2)
        assert (back.phase, back.owner, back.due) == ("plan", None, None)
        assert focused(app) == ("plan", 2)


async def test_a_gate_form_kept_after_the_action_was_done_meanwhile_asks_for_no_move(
    make_app, board_db: Path
) -> None:
    """bob finishes #2 while alice fills its owner and due for >: no move is left to make,
    and what the form asked was for it. Kept as an edit, "write mine" put them on the
    abandoned action (a tester); "then > to move it to Do" was refused when followed (a
    tester). Nothing is written, and the note says what was typed."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _gate_form_filled(app, pilot)
        open_as(board_db, "bob").complete_action(2, "abandon")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert not isinstance(app.screen, ConflictModal)
        said = [n.message for n in app._notifications]
        assert (
            "#2 was finished by bob meanwhile: not moved to Do; nothing written (edit of #2:"
            " owner 'dana', due 2026-11-26)"
        ) in said, said
        assert not [s for s in said if s.startswith("your edit of #2 is kept")]
        assert 2 not in board(app).unsent_edits
        assert app.context.store.get_action(2).owner is None


async def test_write_mine_over_a_card_moved_on_meanwhile_says_the_edit_alone_was_saved(
    make_app, board_db: Path
) -> None:
    """bob took #2 on to Check while alice filled its gate form; "write mine" saved her
    owner and due, and the move from Plan then met her own save: "changed since you looked
    (alice ...); nothing written" (a tester). Said as it is: saved, and not moved. The
    board reads bob's move only when the save meets it: a poll landing first moved focus off
    the card on a loaded CI run, and the save was kept for later instead (left as it is)."""
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await _gate_form_filled(app, pilot)
        bob = open_as(board_db, "bob")
        bob.edit_then_move(2, ActionChanges(owner="bob", due="2026-11-30"), "do", 1)
        bob.checkin_then_move(
            2, CheckinDraft(message="started"), "check", expected_version=None, expected_phase="do"
        )
        bob.close()
        await _write_mine_over_bobs_move(app, pilot)
        said = [n.message for n in app._notifications]
        assert (
            "#2: your owner and due date are saved; it was moved to Check meanwhile, so not to Do"
        ) in said, said
        assert not [s for s in said if "nothing written" in s], said


async def test_edit_again_after_a_gate_forms_conflict_says_what_it_has_not_needs(
    make_app, board_db: Path
) -> None:
    """ "Edit again" over bob's owner: the form came back headed "#2 to Do needs an owner
    and a due date" with both typed in it (a reviewer)."""
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await _gate_form_filled(app, pilot)
        bob = open_as(board_db, "bob")
        bob.edit_action(2, ActionChanges(owner="bob"))
        bob.close()
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ConflictModal), [n.message for n in app._notifications]
        await pilot.press("e")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        heading = app.screen.query_one(".dialog--heading").render().plain
        assert heading == "#2 to Do with this owner and due date"


async def test_escape_leaves_the_gate_form_without_writing(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        before = app.context.store.last_event_id()
        await pilot.press("j", "greater_than_sign")
        await settle_app(app, pilot)
        set_field(app, "owner", "dana")
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert app.context.store.last_event_id() == before
        assert app.context.store.get_action(2).owner is None


async def _greater_on_the_do_card(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """``>`` on #3, the Do column's card."""
    await pilot.press("l")
    assert focused(app) == ("do", 3)
    await pilot.press("greater_than_sign")
    await settle_app(app, pilot)


async def test_do_to_check_asks_for_a_check_in_first(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _greater_on_the_do_card(app, pilot)
        assert isinstance(app.screen, CheckinModal)
        set_field(app, "message", "rolled out to 10%")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        detail = app.context.store.action_detail(3)
        assert detail.action.phase == "check"
        assert [c.message for c in detail.checkins] == ["rolled out to 10%"]
        # One change: one u takes back the move and the check-in it asked for (it took two).
        await pilot.press("u")
        await settle_app(app, pilot)
        detail = app.context.store.action_detail(3)
        assert (detail.action.phase, detail.checkins) == ("do", [])


async def test_do_to_check_on_a_kpi_reading_alone_says_so(make_app, board_db: Path) -> None:
    """The move passed without a word and the card still said "no check-in" (a new lead)."""
    from pdca.db.models import KpiDraft, ReadingDraft

    store = open_as(board_db, "alice")
    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4))
    store.edit_action(3, ActionChanges(kpi="Pages"))
    store.record_reading(ReadingDraft(kpi="Pages", value=7), NOW_DT)
    store.close()
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _greater_on_the_do_card(app, pilot)
        assert app.context.store.action_detail(3).action.phase == "check"
        said = [n.message for n in app._notifications][-1]
        assert said == (
            "#3 moved to Check; no check-in since it entered Do: a reading of KPI 'Pages' met"
            " the gate (7 /wk, 2026-11-23 09:00 UTC)"
        )


async def test_a_check_in_and_its_move_go_together_past_an_edit_of_another_field(
    make_app, board_db: Path
) -> None:
    """bob set #3's priority while alice wrote the check-in > asked for: the check-in was
    saved and the move refused, two halves of one change (a tester). The phase is what the
    move is checked by."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "greater_than_sign")
        await settle_app(app, pilot)
        assert isinstance(app.screen, CheckinModal)
        open_as(board_db, "bob").edit_action(3, ActionChanges(priority="low"))
        set_field(app, "message", "ready to measure")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        detail = app.context.store.action_detail(3)
        assert (detail.action.phase, detail.action.priority) == ("check", "low")
        await pilot.press("u")
        await settle_app(app, pilot)
        detail = app.context.store.action_detail(3)
        assert (detail.action.phase, detail.checkins, detail.action.priority) == ("do", [], "low")


async def test_a_move_refused_after_its_check_in_says_which_move(make_app, board_db: Path) -> None:
    """The check-in was saved, the move not (bob moved the card back meanwhile): it said
    "the rest was not", a riddle (a tester)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "greater_than_sign")
        await settle_app(app, pilot)
        assert isinstance(app.screen, CheckinModal)
        open_as(board_db, "bob").move_action(3, "plan")
        set_field(app, "message", "rolled out to 10%")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        said = " ".join(n.message for n in app._notifications)
        shown = said + " ".join(str(s.query_one("*").render()) for s in app.screen_stack[1:])
        assert "your check-in was saved; the move of #3 to check was not" in shown, shown
        detail = app.context.store.action_detail(3)
        assert detail.action.phase == "plan" and len(detail.checkins) == 1


async def test_check_to_act_asks_the_verdict(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l")
        assert focused(app) == ("check", 4)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("2")  # partly
        await settle_app(app, pilot)
        action = app.context.store.get_action(4)
        assert (action.phase, action.verdict) == ("act", "partly")


@pytest.mark.parametrize("key,decision", [("1", "standardize"), ("2", "adjust"), ("3", "abandon")])
async def test_done_from_act_with_each_decision(
    make_app, board_db: Path, key: str, decision: str
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "l")
        assert focused(app) == ("act", 5)
        await pilot.press("d")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press(key)
        await settle_app(app, pilot)
        done = app.context.store.get_action(5)
        assert done.decision == decision and done.done_at is not None
        assert 5 not in column_ids(app, "act")
        children = [a for a in app.context.store.list_actions() if a.parent_id == 5]
        if decision == "adjust":
            assert [(c.phase, c.cycle) for c in children] == [("plan", 2)]
            assert children[0].id in column_ids(app, "plan")
        else:
            assert children == []
        said = [n.message for n in app._notifications][-1]
        if decision == "standardize":  # when its audits come, as the command line says
            assert said == (
                "#5 done (standardize); its follow-up audits are due 2026-12-23, 2027-01-22,"
                " 2027-02-21"
            ), said
        else:
            assert "follow-up" not in said


@pytest.mark.parametrize(("verdict", "on"), [("worked", "standardize"), ("did-not", "adjust")])
async def test_the_decision_starts_on_what_the_verdict_points_to(
    make_app, board_db: Path, verdict: str, on: str
) -> None:
    """Enter after "did not work" standardized it, the first choice (a new lead): the
    cursor starts on adjust then; on standardize when it worked. The digits stay."""

    store = Store.open(board_db, actor="alice", clock=lambda: NOW_DT)
    try:  # as if Check had said so at the move to Act
        store.conn.execute("UPDATE actions SET verdict = ? WHERE id = 5", (verdict,))
    finally:
        store.close()
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "l", "d")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert app.context.store.get_action(5).decision == on


async def test_undoing_a_done_puts_focus_back_on_the_card(make_app, board_db: Path) -> None:
    """d, adjust (focus on the next cycle, in Plan), then u: focus went to Plan's first card,
    not to #5, back in Act (a tester)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "l")
        assert focused(app) == ("act", 5)
        await pilot.press("d")
        await settle_app(app, pilot)
        await pilot.press("2")  # adjust
        await settle_app(app, pilot)
        assert focused(app)[0] == "plan"  # on the next cycle
        await pilot.press("u")
        await settle_app(app, pilot)
        assert app.context.store.get_action(5).done_at is None
        assert focused(app) == ("act", 5)


@pytest.mark.parametrize("view", ["2", "3", "4", "6", "7"])
async def test_u_in_another_view_undoes_on_the_board(make_app, board_db: Path, view: str) -> None:
    """u did nothing, and said nothing, outside the board (a tester): from any view it goes
    to the board and undoes there, with focus on the card it gave back. (The stand-up, a
    meeting, comes back to itself: tests/tui/test_standup.py.)"""
    from pdca.screens.board import BoardScreen

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "l", "d")
        await settle_app(app, pilot)
        await pilot.press("3")  # abandon #5, from Act
        await settle_app(app, pilot)
        assert app.context.store.get_action(5).done_at is not None
        await pilot.press(view)
        await settle_app(app, pilot)
        assert not isinstance(app.screen, BoardScreen)
        await pilot.press("u")
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        assert app.context.store.get_action(5).done_at is None
        assert focused(app) == ("act", 5)
        assert "undone: “done #5 (abandon)”" in [n.message for n in app._notifications][-1]


async def test_u_in_an_actions_detail_closes_it_and_undoes(make_app, board_db: Path) -> None:
    """u in the detail (enter on a card) did nothing and said nothing (a tester)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await settle_app(app, pilot)
        await pilot.press("3")  # abandon #1, in Plan: focus goes to #2
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).done_at is not None
        await pilot.press("enter")  # the detail of the focused card
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 2
        await pilot.press("u")
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 1
        assert app.context.store.get_action(1).done_at is None


async def test_the_app_keys_work_in_an_actions_detail(make_app, board_db: Path) -> None:
    """? q and 1..7 did nothing in the detail, and said nothing (a tester): a dialog cuts
    the app's keys off, so the detail binds them again."""
    from tests.tui.conftest import the_apps_keys_work_over

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await the_apps_keys_work_over(app, pilot, ("enter",), ActionDetailScreen, "kpis")


async def test_done_in_plan_offers_only_abandon(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert [value for value, _ in app.screen.choices] == ["abandon"]
        # Abandon keeps its number and letter from Act (3, b): 1 and a, which mean
        # standardize and adjust there, pick nothing here.
        await pilot.press("1", "a")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        said = [n.message for n in app._notifications]
        assert said[-2:] == [
            "standardize is not one of the choices here",
            "adjust is not one of the choices here",
        ]
        assert "3  Abandon" in str(app.screen.query_one("#choices").get_option_at_index(0).prompt)
        # Not by enter: d and an enter held down abandoned a card for good (a tester)
        await pilot.press("enter", "enter")
        await settle_app(app, pilot)
        assert (
            isinstance(app.screen, ChoiceModal) and app.context.store.get_action(1).done_at is None
        )
        assert "it can be abandoned now (3 or b)" in app.screen.prompt
        await pilot.press("3")
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).decision == "abandon"


async def test_new_action_refuses_an_empty_title_then_adds(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActionFormModal)
        assert "title" in str(app.screen.query_one("#title-error").render())
        assert app.context.store.counts()["action"] == 5
        set_field(app, "title", "Cache the [dim]search[/] results")
        set_field(app, "due", "fri")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        added = app.context.store.get_action(6)
        assert (added.title, added.owner, added.due) == (
            "Cache the [dim]search[/] results",
            "alice",
            "2026-11-27",
        )
        assert focused(app) == ("plan", 6)


async def test_edit_with_an_impossible_date_shows_the_error_and_writes_nothing(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        before = app.context.store.last_event_id()
        await pilot.press("e")
        await settle_app(app, pilot)
        set_field(app, "due", "2026-02-30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "2026-02-30" in str(app.screen.query_one("#due-error").render())
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert app.context.store.last_event_id() == before


async def test_a_due_date_before_today_is_saved_and_said_late(make_app, board_db: Path) -> None:
    """ "yesterday" in the edit form made the card late without a word, where pdca edit
    notes it (a new lead); a new action's the same."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await settle_app(app, pilot)
        set_field(app, "due", "yesterday")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).due == "2026-11-22"
        said = [n.message for n in app._notifications]
        assert "due 2026-11-22 is before today: #1 is overdue already" in said, said
        await pilot.press("n")
        await settle_app(app, pilot)
        set_field(app, "title", "Found late")
        set_field(app, "due", "2026-11-20")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert "due 2026-11-20 is before today: #6 is overdue already" in said, said


async def test_edit_saves_changes(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await settle_app(app, pilot)
        set_field(app, "title", "Ready to start, renamed")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        action = app.context.store.get_action(1)
        assert (action.title, action.version) == ("Ready to start, renamed", 2)


async def test_a_gives_the_card_to_the_login_typed_over_its_owner(make_app, board_db: Path) -> None:
    """A lead from Linear pressed a to assign a card, and nothing happened. a opens the
    edit form in the owner field, its text selected: the login typed replaces it."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        before = app.context.store.get_action(1)
        await pilot.press("a")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        assert app.screen.focused is app.screen.query_one("#owner", Input)
        assert before.owner == "bob"
        await pilot.press(*"carol", "ctrl+s")
        await settle_app(app, pilot)
        action = app.context.store.get_action(1)
        assert (action.owner, action.title, action.version) == ("carol", before.title, 2)


async def _check_in_by_form(app, pilot, message: str) -> None:  # type: ignore[no-untyped-def]
    """``c`` on the focused card, ``message`` typed, ctrl+s, and what follows settled."""
    await pilot.press("c")
    await settle_app(app, pilot)
    set_field(app, "message", message)
    await pilot.press("ctrl+s")
    await settle_app(app, pilot)


async def test_check_in_key_records_a_check_in(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _check_in_by_form(app, pilot, "design reviewed")
        checkins = app.context.store.action_detail(1).checkins
        assert [(c.message, c.author) for c in checkins] == [("design reviewed", "alice")]


async def test_a_check_in_saying_only_a_status_is_refused_in_the_form(
    make_app, board_db: Path
) -> None:
    """ "blocked" typed as the message saved an on-track check-in saying "blocked", which the
    command line refuses (a hostile trial): said in the form, with the key that picks it;
    picked, the same words are taken."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _check_in_by_form(app, pilot, "Blocked.")
        assert type(app.screen).__name__ == "CheckinModal"
        said = str(app.screen.query_one("#row-message").error.render())
        assert "is a status, not what happened: tab to the status and press 3" in said, said
        assert app.context.store.action_detail(1).checkins == []
        await pilot.press("tab", "3")  # as it says (3 in the message typed "Blocked.3")
        await settle_app(app, pilot)
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        checkins = app.context.store.action_detail(1).checkins
        assert [(c.message, c.status) for c in checkins] == [("Blocked.", "blocked")]


async def test_a_check_in_beginning_with_another_status_is_saved_and_said(
    make_app, board_db: Path
) -> None:
    """ "blocked on vendor" saved an on-track check-in without a word, where the command line
    notes it (a retrial): saved as typed, and said."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _check_in_by_form(app, pilot, "Blocked on vendor access")
        checkins = app.context.store.action_detail(1).checkins
        assert [(c.message, c.status) for c in checkins] == [
            ("Blocked on vendor access", "on-track")
        ]
        said = [str(n.message) for n in app._notifications]
        assert any(
            "the message begins 'blocked', the check-in is on track" in line for line in said
        ), said


async def test_enter_opens_the_detail_with_history(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionDetailScreen)
        history = str(app.screen.query_one("#detail-history").render())
        assert "added #1" in history
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 1


async def test_the_opened_action_moves_with_its_cards_keys(make_app, board_db: Path) -> None:
    """> and < did nothing in the opened action (a power user esc'ed to the board first):
    they move it as on its card, then show it again as it is now; > into Check asks for the
    check-in its gate needs."""
    app = make_app(board_db)

    def shown_in(phase: str) -> bool:
        screen = app.screen
        return isinstance(screen, ActionDetailScreen) and screen.detail.action.phase == phase

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # #1, in Plan, with an owner and a due date
        await wait_until(pilot, lambda: shown_in("plan"))
        await pilot.press("greater_than_sign")
        # the dialog goes while the move is saved, then comes back: waited for, not settled
        await wait_until(pilot, lambda: shown_in("do"))
        assert app.context.store.get_action(1).phase == "do"
        await pilot.press("greater_than_sign")  # no check-in since Do began: asked for
        await wait_until(pilot, lambda: isinstance(app.screen, CheckinModal))
        await pilot.press("escape")
        await wait_until(pilot, lambda: shown_in("do"))
        assert app.context.store.get_action(1).phase == "do"
        await pilot.press("less_than_sign")
        await wait_until(pilot, lambda: shown_in("plan"))
        assert app.context.store.get_action(1).phase == "plan"
        await pilot.press("less_than_sign")  # Plan is the first phase: said, nothing written
        said = "#1 is in Plan, the first phase"
        await wait_until(pilot, lambda: said in [n.message for n in app._notifications])
        assert shown_in("plan")


async def test_the_detail_of_standardized_work_lists_its_followups(
    make_app, board_db: Path, store
) -> None:
    """Each audit with who holds it; work that has none shows no such section."""
    store.complete_action(5, "standardize")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # #1, in Plan
        await settle_app(app, pilot)
        assert not app.screen.query_one("#detail-followups").display
        await pilot.press("escape", "D", "l", "l", "l")  # done work shown; to Act
        await settle_app(app, pilot)
        assert focused(app) == ("act", 5)
        await pilot.press("enter")
        await settle_app(app, pilot)
        followups = app.screen.query_one("#detail-followups")
        assert followups.display
        assert str(followups.render()).splitlines() == [
            "30-day  due 2026-12-23  carol",
            "60-day  due 2027-01-22  carol",
            "90-day  due 2027-02-21  carol",
        ]


async def test_a_key_answered_in_the_detail_keeps_where_it_was_scrolled(
    make_app, board_db: Path
) -> None:
    """G to the history, then < on a Plan card (refused: the first phase): the detail
    opened again at its top (a keyboard trial)."""
    from textual.containers import VerticalScroll

    bob_writes_notes(board_db, 1, [f"note {n}" for n in range(30)])  # a long history
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot)
        await pilot.press("G")
        await settle_app(app, pilot)
        at = detail.query_one(".dialog--frame", VerticalScroll).scroll_y
        assert at > 10
        await pilot.press("less_than_sign")
        await settle_app(app, pilot)
        again = app.screen
        assert isinstance(again, ActionDetailScreen) and again is not detail
        await wait_until(
            pilot, lambda: again.query_one(".dialog--frame", VerticalScroll).scroll_y == at
        )
        assert again.query_one(".dialog--frame", VerticalScroll).scroll_y == at
        # > into Do adds to the history: at its end, it opens at its new end (a reviewer's
        # move and conflict were below the screen)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        moved = app.screen
        assert isinstance(moved, ActionDetailScreen) and moved.detail.action.phase == "do"
        frame = moved.query_one(".dialog--frame", VerticalScroll)
        await wait_until(pilot, lambda: frame.scroll_y == frame.max_scroll_y > at)
        assert frame.scroll_y == frame.max_scroll_y > at


def bob_writes_notes(board_db: Path, action_id: int, notes: list[str]) -> None:
    """bob, elsewhere, edits the action's notes once for each of ``notes``."""
    bob = open_as(board_db, "bob")
    try:
        for text in notes:
            bob.edit_action(action_id, ActionChanges(notes=text))
    finally:
        bob.close()


async def open_detail(app, pilot) -> ActionDetailScreen:  # type: ignore[no-untyped-def]
    """The focused card's detail, opened with enter and read."""
    await pilot.press("enter")
    await settle_app(app, pilot)
    assert isinstance(app.screen, ActionDetailScreen)
    return app.screen


async def test_the_detail_follows_other_peoples_writes(make_app, board_db: Path) -> None:
    """A check-in and a new title written elsewhere show in the open detail; an action gone
    since says so (a tester's detail stayed as it was opened)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot)
        bob = open_as(board_db, "bob")
        try:
            bob.add_checkin(1, CheckinDraft(message="bob's news"))
            bob.edit_action(1, ActionChanges(title="Renamed by bob"))
        finally:
            bob.close()
        app.check_for_changes()
        await settle_app(app, pilot)
        assert app.screen is detail
        assert "bob's news" in str(detail.query_one("#detail-checkins").render())
        assert "Check-ins (1)" in str(detail.query_one("#detail-checkins-title").render())
        assert "Renamed by bob" in str(detail.query_one("#detail-title").render())
        assert "edited #1: title" in str(detail.query_one("#detail-history").render())


async def test_a_detail_read_at_its_end_follows_what_others_add(make_app, board_db: Path) -> None:
    """At the history's end, a colleague's edits went below the screen without a sign (a
    retrial); read higher up, it stays where it is."""
    from textual.containers import VerticalScroll

    bob_writes_notes(board_db, 1, [f"note {n}" for n in range(30)])  # a long history
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot)
        frame = detail.query_one(".dialog--frame", VerticalScroll)
        await pilot.press("G")
        await settle_app(app, pilot)
        end = frame.scroll_y
        for n in range(3):
            bob_writes_notes(board_db, 1, [f"more {n}"])
            app.check_for_changes()
            await settle_app(app, pilot)
        await wait_until(pilot, lambda: frame.scroll_y == frame.max_scroll_y > end)
        assert frame.scroll_y == frame.max_scroll_y > end
        await pilot.press("k", "k")
        await settle_app(app, pilot)
        higher = frame.scroll_y
        bob_writes_notes(board_db, 1, ["last"])
        app.check_for_changes()
        await settle_app(app, pilot)
        assert frame.scroll_y == higher < frame.max_scroll_y
        await pilot.press("escape", "j")  # #2: a detail that fits, grown past the screen
        await settle_app(app, pilot)
        short = await open_detail(app, pilot)
        frame = short.query_one(".dialog--frame", VerticalScroll)
        assert frame.max_scroll_y == 0
        bob_writes_notes(board_db, 2, [f"note {n}" for n in range(30)])
        app.check_for_changes()
        await settle_app(app, pilot)
        await wait_until(pilot, lambda: frame.scroll_y == frame.max_scroll_y > 0)
        assert frame.scroll_y == frame.max_scroll_y > 0


async def test_a_check_in_from_the_detail_names_the_action_as_it_is_now(
    make_app, board_db: Path
) -> None:
    """The check-in form over the detail named the title from before a colleague's edit,
    which the detail already showed (a tester)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot)
        bob = open_as(board_db, "bob")
        try:
            bob.edit_action(1, ActionChanges(title="Renamed by bob"))
        finally:
            bob.close()
        app.check_for_changes()
        await settle_app(app, pilot)
        assert "Renamed by bob" in str(detail.query_one("#detail-title").render())
        await pilot.press("c")
        await settle_app(app, pilot)
        assert isinstance(app.screen, CheckinModal)
        assert str(app.screen.query_one("#checkin-action").render()) == "#1 Renamed by bob"


async def test_the_detail_shows_this_sessions_own_save_that_landed_late(
    make_app, board_db: Path
) -> None:
    """A save that waited for a lock lands after the detail opened: the detail shows it (a
    tester's stayed as it was opened, though the card behind it changed)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot)
        await app.context.write(lambda store: store.edit_action(1, ActionChanges(title="Mine")))
        app.check_for_changes()
        await settle_app(app, pilot)
        assert app.screen is detail
        assert "#1 Mine" in str(detail.query_one("#detail-title").render())


async def test_a_check_in_or_edit_from_the_detail_comes_back_to_it(
    make_app, board_db: Path
) -> None:
    """A tester: ``c`` or ``e`` in the detail, then ctrl+s or esc, put them on the board with
    the detail closed; they expected the detail, showing the new check-in."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle_app(app, pilot)
        await pilot.press("c")
        await settle_app(app, pilot)
        await pilot.press(*"Rota drafted", "ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionDetailScreen)
        assert "Rota drafted" in str(app.screen.query_one("#detail-checkins").render())
        await pilot.press("e")
        await settle_app(app, pilot)
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionDetailScreen)
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 1


async def test_owner_and_initiative_filters(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await settle_app(app, pilot)
        assert isinstance(app.screen, PickModal)
        await pilot.press(*"carol", "enter")
        await settle_app(app, pilot)
        shown = sorted(a.id for c in board(app).columns.values() for a in c.actions)
        assert shown == [3, 4, 5]
        assert "owner carol" in str(app.screen.query_one("#filter-bar").render())
        await pilot.press("escape")
        await settle_app(app, pilot)
        shown = sorted(a.id for c in board(app).columns.values() for a in c.actions)
        assert shown == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("choice", ["t", "m", "e"])
async def test_conflict_dialog_keeps_theirs_writes_mine_or_edits_again(
    make_app, board_db: Path, choice: str
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await settle_app(app, pilot)
        set_field(app, "title", "Alice's title")
        bob = open_as(board_db, "bob")  # bob saves first, while alice's form is open
        bob.edit_action(1, ActionChanges(title="Bob's title"))
        bob.close()
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ConflictModal)
        assert app.context.store.get_action(1).title == "Bob's title"  # nothing overwritten
        await pilot.press(choice)
        await settle_app(app, pilot)
        stored = app.context.store.get_action(1)
        if choice == "t":
            assert stored.title == "Bob's title"
            assert len(app.screen_stack) == 1
        elif choice == "m":
            assert (stored.title, stored.version) == ("Alice's title", 3)
        else:
            assert isinstance(app.screen, ActionFormModal)
            assert app.screen.query_one("#title", Input).value == "Alice's title"
            await pilot.press("ctrl+s")
            await settle_app(app, pilot)
            assert app.context.store.get_action(1).title == "Alice's title"


def new_person_notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications if "is new to this file" in n.message]


async def test_an_owner_new_to_the_file_is_said_after_an_edit(make_app, board_db: Path) -> None:
    """As ``pdca edit 1 --owner zedd`` notes it: a typo makes a new person, so say so."""
    app = make_app(board_db)
    store = app.context.store
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")  # #1, bob's
        await settle_app(app, pilot)
        await pilot.press("tab")  # title, then owner
        assert app.focused is not None and app.focused.id == "owner"
        await pilot.press("ctrl+u", *"zedd", "ctrl+s")
        await settle_app(app, pilot)
        assert store.get_action(1).owner == "zedd" and store.has_person("zedd")
        assert new_person_notes(app) == [said_new("zedd")]
        await pilot.press("e", "tab", "ctrl+u", *"carol", "ctrl+s")  # one it knows: no note
        await settle_app(app, pilot)
        assert store.get_action(1).owner == "carol"
        await pilot.press("e", "tab", "ctrl+u", *"zedd", "ctrl+s")  # known now: no note
        await settle_app(app, pilot)
        assert store.get_action(1).owner == "zedd"
        assert len(new_person_notes(app)) == 1


async def test_another_tools_fields_in_a_new_title_are_said(make_app, board_db: Path) -> None:
    """``n`` "Deploy canary due:fri +ops" came in with no due date, unremarked (a Taskwarrior
    user's trial): kept as typed, and said."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Deploy canary due:fri +ops", "ctrl+s")
        await settle_app(app, pilot)
        added = app.context.store.get_action(6)
        assert (added.title, added.due) == ("Deploy canary due:fri +ops", None)
        assert (
            "#6's title keeps due:fri, +ops as words: the form's Due, Priority and Initiative"
            " set those here (pdca has no tags)"
        ) in [n.message for n in app._notifications]


async def test_an_owner_new_to_the_file_is_said_after_adding(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    store = app.context.store
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Known owner", "tab", "ctrl+u", *"bob", "ctrl+s")
        await settle_app(app, pilot)
        assert store.get_action(6).owner == "bob" and new_person_notes(app) == []
        await pilot.press("n", *"Typo owner", "tab", "ctrl+u", *"bbo", "ctrl+s")
        await settle_app(app, pilot)
        assert store.get_action(7).owner == "bbo"
        assert new_person_notes(app) == [said_new("bbo", meant="bob")]  # two letters swapped
        # A login differing in case only is refused: it made a person of its own, and the
        # work left bob's list (a Taskwarrior user's trial); the form stays, words kept.
        await pilot.press("n", *"Case owner", "tab", "ctrl+u", *"Bob", "ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        said = app.screen.query_one("#owner-error", FieldError).message
        assert said == (
            "owner: 'Bob' is not one of this file's people; did you mean bob? (logins are"
            " case-sensitive)"
        )
        await pilot.press("ctrl+s")  # not taken when saved again unchanged
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        assert [a.id for a in store.list_actions() if a.title == "Case owner"] == []
        assert not store.has_person("Bob")


async def test_an_owner_who_cannot_write_the_file_is_said_as_the_command_line_says(
    make_app, board_db: Path
) -> None:
    """``pdca add --owner carl`` notes that carl, outside the file's group, cannot answer for
    what is his; the board's form said only that he was new (a lead's day one)."""
    from tests.unit.test_access_advice import _a_login_outside

    outside = _a_login_outside(board_db)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Pager", "tab", "ctrl+u", *outside, "ctrl+s")
        await settle_app(app, pilot)
        assert app.context.store.get_action(6).owner == outside
        said = [n.message for n in app._notifications if "cannot write this file" in n.message]
        assert said == [
            f"{outside} cannot write this file (not in group {_group_of(board_db)}): what is"
            " theirs here, they cannot answer (check in, acknowledge)"
        ], [n.message for n in app._notifications]
        # each time work becomes theirs, not only when they are new (a retrial)
        await pilot.press("n", *"Rota", "tab", "ctrl+u", *outside, "ctrl+s")
        await settle_app(app, pilot)
        # (Textual keeps one of two notes alike: the newest, after the second add's)
        notes = [n.message for n in app._notifications]
        assert notes.index("added #7") < notes.index(said[0]), notes


def _group_of(path: Path) -> str:
    import grp

    return grp.getgrgid(path.stat().st_gid).gr_name


async def test_an_owner_begun_as_a_known_login_is_asked_about_once(
    make_app, board_db: Path
) -> None:
    """ "car" saved where carol is known made a person "car" (a new user: tab did not take the
    offer, as it does in the initiative field). Asked once: the arrow takes carol; a second
    save keeps "car" as typed."""
    app = make_app(board_db)
    store = app.context.store
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Meant carol", "tab", "ctrl+u", *"car", "ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal) and not store.has_person("car")
        said = app.screen.query_one("#owner-error", FieldError).message or ""
        assert "'car' is new to this file; did you mean 'carol'?" in said
        await pilot.press("right", "ctrl+s")  # takes the offer
        await settle_app(app, pilot)
        assert store.get_action(6).owner == "carol" and new_person_notes(app) == []
        await pilot.press("n", *"Meant car", "tab", "ctrl+u", *"car", "ctrl+s")
        await settle_app(app, pilot)
        await pilot.press("ctrl+s")  # saved again unchanged: as typed
        await settle_app(app, pilot)
        assert store.get_action(7).owner == "car"
        assert new_person_notes(app) == [said_new("car")]


async def _owner_zedd_over_bobs_title(app: Any, pilot: Any, board_db: Path) -> None:
    """Edit #1's owner to zedd (new to the file) while bob saves a title and another owner
    first: a conflict."""
    await pilot.press("e", "tab", "ctrl+u", *"zedd")
    await settle_app(app, pilot)
    bob = open_as(board_db, "bob")
    bob.edit_action(1, ActionChanges(title="bob's", owner="erin"))
    bob.close()
    await pilot.press("ctrl+s")
    await settle_app(app, pilot)


async def test_an_edit_kept_as_theirs_says_no_one_is_new(make_app, board_db: Path) -> None:
    """Someone saved first, and their version is kept: nobody was added, nothing said."""
    app = make_app(board_db)
    store = app.context.store
    async with app.run_test(size=SIZE) as pilot:
        await _owner_zedd_over_bobs_title(app, pilot, board_db)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("t")  # keep theirs
        await settle_app(app, pilot)
        assert not isinstance(app.screen, ConflictModal)
        assert store.get_action(1).owner == "erin" and not store.has_person("zedd")
        assert new_person_notes(app) == []


async def test_an_edit_written_over_a_conflict_says_the_owner_is_new(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    store = app.context.store
    async with app.run_test(size=SIZE) as pilot:
        await _owner_zedd_over_bobs_title(app, pilot, board_db)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("m")  # write mine: my owner over theirs, their title kept
        await settle_app(app, pilot)
        saved = store.get_action(1)
        assert (saved.title, saved.owner) == ("bob's", "zedd")
        assert new_person_notes(app) == [said_new("zedd")]


async def test_the_check_in_forms_chosen_status_shows_in_its_shape(
    make_app, board_db: Path
) -> None:
    """Not in colour alone (Textual draws every radio button ``●``: a tester could not tell
    which status was chosen): the chosen one is ticked, the others empty."""
    from pdca.widgets.marked_radio import MarkedRadioButton

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle_app(app, pilot)
        assert isinstance(app.screen, CheckinModal)

        def drawn() -> list[str]:
            return [str(button.render())[:3] for button in app.screen.query(MarkedRadioButton)]

        assert drawn() == ["▐✓▌", "▐ ▌", "▐ ▌"]  # on-track chosen
        app.screen.query_one("#status-blocked", MarkedRadioButton).value = True
        await pilot.pause()
        assert drawn() == ["▐ ▌", "▐ ▌", "▐✓▌"]


async def test_a_check_in_for_a_move_not_written_says_to_press_greater_than_again(
    make_app, board_db: Path, monkeypatch
) -> None:
    """The check-in > asked for, kept after a busy file, said "press c on it to send it
    again", which sends it alone and says nothing of the move (a reviewer); > sends both."""
    from pdca.db.errors import DatabaseBusy
    from pdca.db.store import Store

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        assert focused(app) == ("do", 3)

        def busy(self: Store, *args: Any, **kwargs: Any) -> Any:
            raise DatabaseBusy("the database stayed busy for 10 s; nothing written, try again")

        written = Store.checkin_then_move
        monkeypatch.setattr(Store, "checkin_then_move", busy)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        set_field(app, "message", "rolled out")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert (
            "your check-in on #3 is kept: press > on it to send it and move it to Check"
            " (c sends it alone)" in said
        )
        monkeypatch.setattr(Store, "checkin_then_move", written)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        assert app.screen.query_one("#message", Input).value == "rolled out"
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert app.context.store.get_action(3).phase == "check"


async def test_a_check_in_not_written_is_kept_for_the_next_try(
    make_app, board_db: Path, monkeypatch
) -> None:
    """A tester: a check-in that gave up after the 10 s lock wait said "nothing written, try
    again", and what they had typed was gone with the form. Now the next ``c`` on that card
    opens with it, status too, and sends it."""
    from pdca.db.store import Store

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        card = focused(app)[1]
        assert card is not None
        written = Store.add_checkin
        check_ins_busy(monkeypatch)
        await pilot.press("c")
        await settle_app(app, pilot)
        set_field(app, "message", "rota live for the EU shift")
        assert isinstance(app.screen, CheckinModal)
        app.screen.action_status(2)  # blocked
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert f"your check-in on #{card} is kept: press c on it to send it again" in said
        # Given up seconds after the key: which change it was is said with it (a tester).
        assert any(
            m.startswith(f"check-in on #{card} (blocked): 'rota live for the EU shift': the")
            and "stayed busy for 10 s" in m
            for m in said
        ), said
        monkeypatch.setattr(Store, "add_checkin", written)
        await pilot.press("c")
        await settle_app(app, pilot)
        await pilot.press("escape")  # looked at, not sent: still kept (a reviewer)
        await settle_app(app, pilot)
        await pilot.press("c")
        await settle_app(app, pilot)
        assert isinstance(app.screen, CheckinModal)
        kept = app.screen.query_one("#message", Input)
        assert kept.value == "rota live for the EU shift"
        assert kept.selection.is_empty  # added to, not typed over by the first key
        assert app.screen.chosen_status() == "blocked"
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        checkins = app.context.store.action_detail(card).checkins
        assert [(c.message, c.status) for c in checkins][-1:] == [
            ("rota live for the EU shift", "blocked")
        ]
        await pilot.press("c")  # sent: the next form is empty again
        await settle_app(app, pilot)
        assert app.screen.query_one("#message", Input).value == ""


async def test_c_on_a_done_card_says_so_before_any_form_opens(make_app, board_db: Path) -> None:
    """A tester typed a whole check-in on a done card, refused only on save."""
    open_as(board_db, "bob").complete_action(1, "abandon")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("D", "j")
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)
        events = app.context.store.last_event_id()
        await pilot.press("c", "x")  # the x typed for the form that did not open: dropped
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 1
        said = [n.message for n in app._notifications]
        assert said[-2:] == [
            "#1 is done (abandon): check-ins are for open work; add a new action for more work",
            "c opened nothing: what you typed after it was dropped",
        ]
        assert app.context.store.last_event_id() == events
        assert focused(app) == ("plan", 1)
        from pdca.tui.typeahead import DROP_PAUSE_SECONDS

        await pilot.pause(DROP_PAUSE_SECONDS)  # the x above was the last key of that form
        await pilot.press("enter", "c")  # from its detail too (a reviewer)
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionDetailScreen)
        assert [n.message for n in app._notifications][-1].startswith("#1 is done (abandon)")


@pytest.mark.parametrize("key", ["greater_than_sign", "less_than_sign", "d"])
async def test_a_done_card_is_refused_at_once_without_a_dialog(
    make_app, board_db: Path, key: str
) -> None:
    """A tester's ``>`` on a done card opened the decision dialog, refused only after a choice."""
    open_as(board_db, "bob").complete_action(1, "abandon")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("D")
        await settle_app(app, pilot)
        await pilot.press("j")  # the done #1, after the open #2
        await settle_app(app, pilot)
        assert focused(app) == ("plan", 1)
        events = app.context.store.last_event_id()
        await pilot.press(key)
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 1  # no dialog
        assert [n.message for n in app._notifications][-1] == (
            "#1 is done (abandon): a done action moves no more"
        )
        assert app.context.store.last_event_id() == events


def _repeating(board_db: Path, title: str, every: str) -> Any:
    """A repeat rule's first round, dana's, due on the clock's day: made by alice."""
    from pdca.db import recurrence
    from pdca.db.models import ActionDraft

    store = open_as(board_db, "alice")
    try:
        rule = ActionDraft(title=title, owner="dana", priority="high", due="2026-11-23")
        return recurrence.add_repeating_action(store, rule, every)
    finally:
        store.close()


async def test_d_on_a_round_of_repeating_work_in_plan_offers_standardize(
    make_app, board_db: Path
) -> None:
    """A weekly review could only be abandoned before Act (two testers): a round of
    repeating work is done where it is, its routine the standard."""
    made = _repeating(board_db, "Weekly review", "week")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", made.id)
        await pilot.press("d")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert [value for value, _ in app.screen.choices] == ["standardize", "abandon"]
        await pilot.press("1")
        await settle_app(app, pilot)
        done = app.context.store.get_action(made.id)
        assert (done.phase, done.decision) == ("plan", "standardize")
        assert f"#{made.id} done (standardize)" in [n.message for n in app._notifications]


async def test_d_on_an_after_rules_round_names_the_next_round_it_made(
    make_app, board_db: Path
) -> None:
    """An "after 7 days" round done makes the next: named, as pdca done names it (it came
    onto the board unsaid, a tester)."""
    made = _repeating(board_db, "Tidy runbooks", "after 7 days")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert focused(app) == ("plan", made.id)
        await pilot.press("d", "1")
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications]
        assert f"#{made.id} done (standardize); next: #{made.id + 1} due 2026-11-30" in said


async def test_a_gate_form_saved_after_the_board_showed_the_cards_move_asks_which_to_keep(
    make_app, board_db: Path
) -> None:
    """The same, with the board's refresh landing before the save: focus follows #2 to Check
    under the form, so alice has not gone on from it, and the conflict dialog asks (a save
    kept for later with a notice is for a person who moved on meanwhile)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _gate_form_filled(app, pilot)
        shown = app.screen_stack[-2]  # the board, under the form
        assert isinstance(shown, BoardScreen)
        bob = open_as(board_db, "bob")
        bob.edit_then_move(2, ActionChanges(owner="bob", due="2026-11-30"), "do", 1)
        shown.on_database_changed()  # the poll's refresh, under the open form: #2 in Do
        await settle_app(app, pilot)
        bob.checkin_then_move(
            2, CheckinDraft(message="started"), "check", expected_version=None, expected_phase="do"
        )
        bob.close()
        shown.on_database_changed()  # and again: in Check
        await settle_app(app, pilot)
        assert shown.columns["check"].index_of(2) is not None  # the board shows bob's move
        assert shown.focused_id == 2 and shown.focused_column is shown.columns["check"]
        await _write_mine_over_bobs_move(app, pilot)


async def test_a_done_cards_form_shows_its_due_date_fixed(make_app, board_db: Path) -> None:
    """A late finish tidied away by moving its due date after done (a quality manager): the
    form shows the date it was done against and passes over it; the rest still saves."""
    Store.open(board_db, actor="alice", clock=lambda: NOW_DT).complete_action(1, "abandon")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await settle_app(app, pilot)
        await pilot.press("j")  # done cards below the open ones
        assert focused(app) == ("plan", 1)
        await pilot.press("e")
        await settle_app(app, pilot)
        due = app.screen.query_one("#due", Input)
        assert (due.value, due.disabled) == ("2026-11-30", True)
        assert "stays" in str(app.screen.query_one("#due-hint").render())
        await pilot.press("tab", "tab")  # title, owner, then priority: past the date
        assert app.screen.focused is app.screen.query_one("#priority", Input)
        set_field(app, "priority", "high")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        action = app.context.store.get_action(1)
        assert (action.due, action.priority) == ("2026-11-30", "high")


@pytest.mark.parametrize("choice", ["m", "escape", None])
async def test_a_due_date_edited_on_a_card_finished_meanwhile_is_dropped_not_kept_for_ever(
    make_app, board_db: Path, choice: str | None
) -> None:
    """ben finished #1 while alice's edit of its due date was open: her save was refused and
    kept, and every e after reopened it with her date fixed in the form, never to be saved
    (a reviewer could only quit). The date goes, said; the rest of the edit goes on: asked
    when ben changed the title too (``choice``), else saved beside his finish (None)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await settle_app(app, pilot)
        set_field(app, "title", "Alice's title")
        set_field(app, "due", "2026-12-05")
        bob = open_as(board_db, "bob")
        if choice is not None:
            bob.edit_action(1, ActionChanges(title="Bob's title"))
        bob.complete_action(1, "abandon")
        bob.close()
        # the board sees it while the form is open: done cards hidden, #1 leaves it, and the
        # focus with it (the edit was then kept, nothing asked: a retrial)
        under = next(s for s in app.screen_stack if isinstance(s, BoardScreen))
        under.reload()
        await settle_app(app, pilot)
        assert 1 not in [a.id for a in under.columns["plan"].actions]
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        said = [str(n.message) for n in app._notifications]
        assert any("your due date is dropped" in line for line in said), said
        if choice is None:
            assert not isinstance(app.screen, ConflictModal)
            stored = app.context.store.get_action(1)
            assert (stored.title, stored.due) == ("Alice's title", "2026-11-30")
            assert not app.screen.unsent_edits
            return
        assert isinstance(app.screen, ConflictModal)
        await pilot.press(choice)
        await settle_app(app, pilot)
        if choice == "m":
            stored = app.context.store.get_action(1)
            assert (stored.title, stored.due) == ("Alice's title", "2026-11-30")
            assert not app.screen.unsent_edits  # nothing kept to come back to
            return
        # put off: kept, and e on the done card opens it with the date it was done against,
        # fixed (it was open to typing, and refused at save: a retrial)
        await pilot.press("D", "j", "e")
        await settle_app(app, pilot)
        due = app.screen.query_one("#due", Input)
        assert (due.value, due.disabled) == ("2026-11-30", True)
        assert app.screen.query_one("#title", Input).value == "Alice's title"


def test_a_refusal_on_the_board_writes_its_times_as_the_app_does() -> None:
    """An undo refused on the board said "at 2026-11-23T09:10:00Z" where every other note
    writes "2026-11-23 09:10 UTC" (a retrial)."""
    from types import SimpleNamespace

    from pdca.db.errors import UndoRefused
    from pdca.screens.board_writes import refused

    notes: list[str] = []
    board = SimpleNamespace(notify=lambda text, **_: notes.append(text))
    refused(board, UndoRefused("cannot undo 'x': bob moved #1 since, at 2026-11-23T09:10:00Z"))  # type: ignore[arg-type]
    assert notes == ["cannot undo 'x': bob moved #1 since, at 2026-11-23 09:10 UTC"]


def test_a_refusal_on_the_board_writes_its_times_on_the_persons_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In New York, "#12 is done (abandon, by ann at 2026-12-07 23:05 UTC)" stood beside
    "replaced your title … at 2026-12-07 18:05 EST" (a review): the app's times are the
    person's."""
    import time
    from types import SimpleNamespace

    from pdca.db.errors import GateUnmet
    from pdca.screens.board_writes import refused

    notes: list[str] = []
    board = SimpleNamespace(notify=lambda text, **_: notes.append(text))
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        refused(board, GateUnmet("#12 is done (abandon, by ann at 2026-12-07 23:05 UTC)"))  # type: ignore[arg-type]
    finally:
        monkeypatch.undo()
        time.tzset()
    assert notes == ["#12 is done (abandon, by ann at 2026-12-07 18:05 EST)"]


async def test_an_owner_who_logs_in_here_is_not_asked_about(
    make_app, board_db: Path, monkeypatch
) -> None:
    """ "ann" beside "anne" was asked "did you mean 'anne'?" in the form, though ann logs in
    on this machine (a retrial): a person's own account is saved as typed at once."""
    import pwd

    real = pwd.getpwnam

    def accounts(login: str) -> pwd.struct_passwd:
        if login == "car":
            return pwd.struct_passwd(("car", "x", 1050, 1050, "", "/home/car", "/bin/sh"))
        return real(login)

    monkeypatch.setattr(pwd, "getpwnam", accounts)
    app = make_app(board_db)
    store = app.context.store
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"For car", "tab", "ctrl+u", *"car", "ctrl+s")
        await settle_app(app, pilot)
        assert not isinstance(app.screen, ActionFormModal)
        assert store.get_action(6).owner == "car"
        assert new_person_notes(app) == [said_new("car")]  # no "did you mean carol?" either
