"""The dialogs from the keyboard, each in a tiny harness app at 80x24: results, esc, errors."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from rich.console import Console
from textual import events
from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList

from pdca.db.models import Action, ActionDetail, Checkin, Event
from pdca.screens.board_done import DECISION_CHOICES
from pdca.screens.board_move import VERDICT_CHOICES
from pdca.screens.dialogs import (
    ActionDetailScreen,
    ActionFormModal,
    ActionFormResult,
    CheckinModal,
    CheckinResult,
    ChoiceModal,
    ConflictModal,
    PickModal,
    check_action_form,
)
from pdca.screens.dialogs.choice import mnemonics
from pdca.screens.dialogs.pick import narrowed
from pdca.widgets.change_lines import changed_fields
from pdca.widgets.forms import FieldError, due_hint
from tests.tui.conftest import wait_until

SIZE = (80, 24)
TODAY = date(2026, 11, 23)  # a Monday
PEOPLE = ["alice", "bob", "carol"]
INITIATIVES = ["Faster tickets", "Calmer on-call"]
KPIS = ["Resolution time", "Pages per week"]
VERDICTS = VERDICT_CHOICES
DECISIONS = DECISION_CHOICES
MISSING = object()


class Harness(App[None]):
    """Pushes one dialog on mount and keeps what it dismissed with."""

    def __init__(self, dialog: ModalScreen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.result: Any = MISSING
        self.animation_level = "none"

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.keep)

    def keep(self, result: Any) -> None:
        self.result = result


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text (the way export_screenshot renders it)."""
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)


async def text_once_shown(app: App[Any], pilot: Any, *needles: str) -> str:
    """The screen's text once it holds every needle, or as it is after two seconds.

    Textual's Footer recomposes a refresh or more after the screen mounts: on a loaded
    machine one pause is not always enough to see its keys.
    """
    await wait_until(pilot, lambda: all(needle in screen_text(app) for needle in needles))
    return screen_text(app)


def make_action(**changes: Any) -> Action:
    values: dict[str, Any] = {
        "id": 12,
        "title": "Shorten triage",
        "notes": "",
        "owner": "bob",
        "phase": "do",
        "due": "2026-11-30",
        "initiative_id": 1,
        "initiative": "Faster tickets",
        "kpi_id": 2,
        "kpi": "Resolution time",
        "parent_id": 7,
        "cycle": 2,
        "verdict": None,
        "decision": None,
        "phase_since": "2026-11-10T08:00:00Z",
        "done_at": None,
        "created_by": "alice",
        "created_at": "2026-11-01T08:00:00Z",
        "updated_at": "2026-11-10T08:00:00Z",
        "version": 3,
        "last_checkin_at": "2026-11-22T10:00:00Z",
        "last_checkin_status": "at-risk",
        "overdue": False,
        "days_since_checkin": 1,
        "stale": False,
    }
    values.update(changes)
    return Action(**values)


def form(**options: Any) -> ActionFormModal:
    return ActionFormModal(
        heading=options.pop("heading", "New action in Plan"),
        today=TODAY,
        people=PEOPLE,
        initiatives=INITIATIVES,
        kpis=KPIS,
        **options,
    )


def error_of(app: App[Any], field: str) -> str | None:
    return app.screen.query_one(f"#{field}-error", FieldError).message


def set_value(app: App[Any], field: str, value: str) -> None:
    app.screen.query_one(f"#{field}", Input).value = value


# ---------------------------------------------------------------------- ActionFormModal


async def test_action_form_happy_path_returns_every_field() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "title"
        await pilot.press(*"Shorten triage")
        await pilot.press("tab", *"bob", "tab", *"2026-12-01", "tab", *"High", "tab")
        await pilot.press(*"faster tickets", "tab", *"Resolution time", "tab", *"why")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == ActionFormResult(
        title="Shorten triage",
        owner="bob",
        due=date(2026, 12, 1),
        initiative="Faster tickets",  # typed in another case, returned as stored
        kpi="Resolution time",
        notes="why",
        priority="high",
    )


async def test_a_burst_of_keys_with_tabs_fills_one_field_after_another() -> None:
    """Keys that arrive together (typed fast, pasted, ``tmux send-keys 'x1' Tab 'y2'``) go
    where a slow typist's would: a tester's burst had put the owner into the title."""
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in [*"Shorten", "tab", *"bob", "tab", *"+2d", "shift+tab", "shift+tab"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "title"
        values = {
            name: app.screen.query_one(f"#{name}", Input).value
            for name in ("title", "owner", "due")
        }
        assert values == {"title": "Shorten", "owner": "bob", "due": "+2d"}


async def test_action_form_refuses_an_unknown_priority_beside_the_field() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        set_value(app, "title", "T")
        set_value(app, "priority", "pressing")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is MISSING
        message = error_of(app, "priority")
        assert message is not None and message.startswith("priority: 'pressing' is not one of")
        assert app.focused is not None and app.focused.id == "priority"


async def test_action_form_refuses_a_person_in_other_capitals_but_not_its_own_owner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``Alice`` beside alice is refused under the field, and ``Dana`` for an account dana not
    yet in the file (the store refused it, and the form closed on it: a reviewer); the owner
    the form came with (a new action's is the one writing, whatever its case) is taken."""
    from tests.conftest import pretend_accounts

    pretend_accounts(monkeypatch, dana=1042)
    for typed, meant in (("Dana", "dana"), (PEOPLE[0].capitalize(), PEOPLE[0])):
        app = Harness(form())
        async with app.run_test(size=SIZE) as pilot:
            set_value(app, "title", "T")
            set_value(app, "owner", typed)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.result is MISSING
            assert (error_of(app, "owner") or "").endswith(
                f"did you mean {meant}? (logins are case-sensitive)"
            )
    mine = PEOPLE[0].capitalize()
    app = Harness(form(initial=ActionFormResult("T", mine, None, None, None, "")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == ActionFormResult("T", mine, None, None, None, "")


async def test_action_form_enter_in_a_field_saves_and_blank_means_none() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Tidy the runbook", "enter")
        await pilot.pause()
    assert app.result == ActionFormResult("Tidy the runbook", None, None, None, None, "")


async def test_action_form_enter_takes_the_offered_completion_first() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Pair on it", "tab", *"al")
        await pilot.pause()  # the suggester answers in a worker
        await pilot.press("enter")
        await pilot.pause()
        assert app.result is MISSING
        assert app.screen.query_one("#owner", Input).value == "alice"
        await pilot.press("tab", "tab", "tab", *"calm", "enter", "enter")
        await pilot.pause()
    assert isinstance(app.result, ActionFormResult)
    assert (app.result.owner, app.result.initiative) == ("alice", "Calmer on-call")


async def test_action_form_tab_takes_an_offered_initiative_and_moves_on() -> None:
    """ "Faster" with "Faster support" shown greyed, then tab: the save was refused as not a
    known initiative (a tester)."""
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Pair on it", "tab", *"al")
        await pilot.pause()  # the suggester answers in a worker
        await pilot.press("tab")
        await pilot.pause()
        # An owner may be someone new: "al" stays "al" (a reviewer: "ann" became "anna")
        assert app.screen.query_one("#owner", Input).value == "al"
        await pilot.press("tab", "tab", *"calm")
        await pilot.pause()
        await pilot.press("tab", "ctrl+s")
        await pilot.pause()
        assert app.result is MISSING  # "al: did you mean alice?", asked once
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, ActionFormResult)
    assert (app.result.owner, app.result.initiative) == ("al", "Calmer on-call")


async def test_action_form_starts_from_initial_and_save_button_works() -> None:
    initial = ActionFormResult("Old", "carol", date(2026, 12, 5), None, "Pages per week", "a\nb")
    app = Harness(form(heading="Edit #3", initial=initial))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Edit #3" in screen_text(app)
        await pilot.click("#save")
        await pilot.pause()
    assert app.result == initial


async def test_action_form_esc_with_nothing_typed_leaves_at_once() -> None:
    app = Harness(
        form(heading="Edit #3", initial=ActionFormResult("Old", None, None, None, None, "a note"))
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_action_form_esc_after_typing_asks_again_before_throwing_it_away() -> None:
    """One esc threw a typed title and a long note away without a word (a power user): the
    first says what a second does, and a second leaves."""
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"half typed", "escape")
        await pilot.pause()
        assert app.result is MISSING  # still open, the text still there
        assert app.screen.query_one("#title", Input).value == "half typed"
        said = [n.message for n in app._notifications]
        assert said == ["not saved: esc again leaves without it, ^s saves"]
        await pilot.press("escape")
        await pilot.pause()
        # gone with the form: it stayed beside the next view's dialog (a reviewer)
        assert [n.message for n in app._notifications] == []
    assert app.result is None


async def test_a_form_saved_after_its_esc_warning_takes_the_warning_with_it() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"kept after all", "escape")
        await pilot.pause()
        assert len(app._notifications) == 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [n.message for n in app._notifications] == []
    assert app.result is not None and app.result.title == "kept after all"


async def test_action_form_esc_asks_again_after_more_typing() -> None:
    """The warning was about what was typed then: typed on, the next esc asks again."""
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"half", "escape", *" typed", "escape")
        await pilot.pause()
        assert app.result is MISSING
        assert len(app._notifications) == 2
        await pilot.click("#cancel")  # the button says what it does: no second ask
        await pilot.pause()
    assert app.result is None


async def test_action_form_empty_title_shows_error_under_the_field() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", *"bob", "ctrl+s")
        await pilot.pause()
        assert app.result is MISSING  # not dismissed
        assert error_of(app, "title") == "title is empty"
        assert "title is empty" in screen_text(app)
        field = app.screen.query_one("#title", Input).region
        error = app.screen.query_one("#title-error", FieldError)
        assert error.has_class("-error")
        assert (error.region.x, error.region.y) == (field.x, field.y + 1)
        assert app.focused is not None and app.focused.id == "title"
        # Fixing it and saving again goes through.
        await pilot.press(*"Now named", "ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, ActionFormResult)
    assert app.result.title == "Now named"


async def test_action_form_title_of_300_characters_is_refused() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        set_value(app, "title", "x" * 300)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is MISSING
        message = error_of(app, "title")
        assert message is not None
        assert message.startswith("title: ")
        assert message.endswith("is 300 characters long; the most is 200")
        assert "\n" not in message


async def test_action_form_due_someday_is_refused() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        set_value(app, "title", "Something")
        set_value(app, "due", "someday")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is MISSING
        message = error_of(app, "due")
        assert message is not None and message.startswith("due: 'someday' is not a date")
        assert app.focused is not None and app.focused.id == "due"


async def test_action_form_fri_resolves_and_is_shown_while_typing() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Something", "tab", "tab", *"fri")
        await pilot.pause()
        assert "→ Fri 2026-11-27" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, ActionFormResult)
    assert app.result.due == date(2026, 11, 27)


async def test_action_form_unknown_initiative_and_kpi_are_refused_together() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        set_value(app, "initiative", "x")
        set_value(app, "kpi", "nope")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is MISSING
        # Every bad field at once, focus on the first of them.
        assert error_of(app, "title") == "title is empty"
        assert error_of(app, "initiative") == "initiative: “x” is not a known initiative"
        assert error_of(app, "kpi") == "kpi: “nope” is not a known KPI"
        assert error_of(app, "owner") is None
        assert app.focused is not None and app.focused.id == "title"


async def test_action_form_requires_owner_and_due_when_asked() -> None:
    initial = ActionFormResult("Bare idea", None, None, None, None, "")
    app = Harness(form(initial=initial, require_owner_and_due=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is MISSING
        assert error_of(app, "owner") == "owner: Do needs an owner"
        assert error_of(app, "due") == "due: Do needs a due date"
        assert app.focused is not None and app.focused.id == "owner"
        await pilot.press(*"dana", "tab", *"+2w", "ctrl+s")
        await pilot.pause()
    assert app.result == ActionFormResult("Bare idea", "dana", date(2026, 12, 7), None, None, "")


async def test_action_form_bad_owner_login_is_refused() -> None:
    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        set_value(app, "title", "T")
        set_value(app, "owner", "not a login")
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = error_of(app, "owner")
        assert message is not None and message.startswith("owner: 'not a login' is not a login")


async def test_action_form_with_every_error_still_fits_and_scrolls_in_80x24() -> None:
    app = Harness(form(require_owner_and_due=True))
    async with app.run_test(size=SIZE) as pilot:
        set_value(app, "due", "someday")
        set_value(app, "initiative", "x")
        set_value(app, "kpi", "y")
        await pilot.press("ctrl+s")
        await pilot.pause()
        frame = app.screen.query_one(".dialog--frame")
        assert frame.region.bottom <= SIZE[1] - 1  # the footer's line stays free
        # The save button can still be reached from the keyboard.
        app.screen.query_one("#save").focus()
        await pilot.pause()
        assert app.screen.query_one("#save").region.bottom <= SIZE[1]


async def test_save_stays_in_sight_with_an_error_under_every_field_at_80x24() -> None:
    """Errors under five fields pushed Save and Cancel below the frame (a trial): they stay
    at its foot, and a field's hint gives way to its error (which says it all again) until
    the text changes."""
    app = Harness(form(repeat=True))
    async with app.run_test(size=SIZE) as pilot:
        for field, value in [("due", "zzz"), ("every", "xyz"), ("initiative", "x"), ("kpi", "y")]:
            set_value(app, field, value)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(app, "title") and error_of(app, "due") and error_of(app, "every")
        frame = app.screen.query_one(".dialog--frame")
        for button in ("#save", "#cancel"):
            shown = app.screen.query_one(button).region
            assert shown.height and frame.region.contains_region(shown), (button, shown)
        hint = app.screen.query_one("#due-hint", Label)
        assert not hint.display
        set_value(app, "due", "fri")
        await pilot.pause()
        assert error_of(app, "due") is None and hint.display


async def test_a_narrow_form_puts_a_hint_under_its_field() -> None:
    """At 40 columns the due date's "→ Fri 2026-11-27" had no room beside the field, and at
    50 read "→ Fri 2026" (a tester): under it, whole; beside it where there is room."""
    for size, under in (((40, 15), True), (SIZE, False)):
        app = Harness(form())
        async with app.run_test(size=size) as pilot:
            set_value(app, "due", "fri")
            await pilot.pause()
            hint = app.screen.query_one("#due-hint", Label)
            field = app.screen.query_one("#due", Input)
            assert "Fri 2026-11-27" in str(hint.render()) and hint.region.width >= 16
            assert (hint.region.y > field.region.y) is under, (size, hint.region, field.region)


async def test_the_priority_field_says_its_choices_beside_it() -> None:
    """The field holds "normal", so its placeholder never showed, and a new lead had to guess
    the others: said beside it, on its row, at 80x24 too."""
    for size in ((80, 24), SIZE):
        app = Harness(form(repeat=True))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            hint = app.screen.query_one("#priority-hint", Label)
            field = app.screen.query_one("#priority", Input)
            assert str(hint.render()) == "high, normal or low"
            assert hint.region.y == field.region.y and hint.region.width >= 19, size
            frame = app.screen.query_one(".dialog--frame")
            assert frame.region.contains_region(app.screen.query_one("#save").region), size


def test_check_action_form_is_pure_and_reports_in_form_order() -> None:
    result, errors = check_action_form(
        title="",
        owner="",
        due="never",
        initiative="",
        kpi="?",
        notes="",
        today=TODAY,
        initiatives=INITIATIVES,
        kpis=KPIS,
        require_owner_and_due=True,
    )
    assert result is None
    assert list(errors) == ["title", "owner", "due", "kpi"]


@pytest.mark.parametrize(
    ("typed", "taken"),
    [("hig", "high"), ("L", "low"), ("", "normal"), ("Urgent", "high"), ("M", "normal"),
     ("P4", "low"), ("medium", "normal")],
)  # fmt: skip
def test_a_priority_begun_is_the_one_offered(typed: str, taken: str) -> None:
    """The field showed "high" greyed after "hig", and saving refused 'hig' (a tester); it
    refused "urgent" that ``--priority`` takes (a Taskwarrior user's trial)."""
    result, errors = check_action_form(
        title="Rota", owner="", due="", initiative="", kpi="", notes="", priority=typed,
        today=TODAY, initiatives=INITIATIVES, kpis=KPIS,
    )  # fmt: skip
    assert errors == {} and result is not None and result.priority == taken


@pytest.mark.parametrize("typed", ["none", " None "])
def test_a_due_of_none_clears_it_as_the_command_line_does(typed: str) -> None:
    """The edit form refused "none" that ``pdca edit --due none`` takes (a hostile trial);
    where Do needs a due date, it is said so."""
    result, errors = check_action_form(
        title="Rota", owner="", due=typed, initiative="", kpi="", notes="",
        today=TODAY, initiatives=INITIATIVES, kpis=KPIS,
    )  # fmt: skip
    assert errors == {} and result is not None and result.due is None
    assert due_hint(typed, TODAY) == "→ no due date"
    _result, errors = check_action_form(
        title="Rota", owner="ann", due=typed, initiative="", kpi="", notes="",
        today=TODAY, initiatives=INITIATIVES, kpis=KPIS, require_owner_and_due=True,
    )  # fmt: skip
    assert errors == {"due": "due: Do needs a due date"}


def test_due_hint_is_quiet_while_half_typed() -> None:
    assert due_hint("", TODAY) == ""
    assert due_hint("tomorrow", TODAY) == "→ Tue 2026-11-24"
    # a day without its year, its last nearer: said, as the command line's note says it
    assert due_hint("nov 20", TODAY) == "→ Sat 2027-11-20, not the past one"
    assert due_hint("dec 20", TODAY) == "→ Sun 2026-12-20"
    assert due_hint("fr", TODAY).startswith("?")


# ---------------------------------------------------------------------- CheckinModal


async def test_checkin_happy_path_with_default_status() -> None:
    app = Harness(CheckinModal(action=make_action(last_checkin_status=None)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "message"
        await pilot.press(*"waiting on ops", "enter")
        await pilot.pause()
    assert app.result == CheckinResult(message="waiting on ops", status="on-track")


async def test_a_checkin_starts_from_the_last_ones_status() -> None:
    """A blocked card checked in with enter became on track without anyone choosing it (a
    tester): the form starts where the last check-in left it, as an issue keeps its state."""
    app = Harness(CheckinModal(action=make_action(last_checkin_status="blocked")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"still waiting on infra", "enter")
        await pilot.pause()
    assert app.result == CheckinResult(message="still waiting on infra", status="blocked")


async def test_checkin_status_by_digit_and_by_arrows() -> None:
    app = Harness(CheckinModal(action=make_action(), reason="Check needs a check-in"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Check needs a check-in" in screen_text(app)
        # The keys are said in the dialog (a tester could not find them).
        assert "tab to the status, then 1 on track · 2 at risk · 3 blocked" in screen_text(app)
        await pilot.press(*"stuck", "tab", "3")  # on the status row digits pick
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == CheckinResult(message="stuck", status="blocked")

    app = Harness(CheckinModal(action=make_action()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"slipping", "tab", "right", "enter", "ctrl+s")
        await pilot.pause()
    assert app.result == CheckinResult(message="slipping", status="at-risk")


async def test_checkin_empty_message_is_refused_and_esc_returns_none() -> None:
    app = Harness(CheckinModal(action=make_action(title="[bold]loud[/bold]")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "#12 [bold]loud[/bold]" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is MISSING
        assert error_of(app, "message") == "message is empty"
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


# ---------------------------------------------------------------------- ChoiceModal


def choice(choices: list[tuple[str, str]] = VERDICTS) -> ChoiceModal:
    return ChoiceModal(heading="#12 to Act: the verdict", prompt="Did it work?", choices=choices)


async def test_choice_enter_picks_the_highlighted() -> None:
    app = Harness(choice())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.result == "partly"


async def test_choice_digits_and_letters_pick() -> None:
    for keys, expected in ((["3"], "did-not"), (["w"], "worked"), (["p"], "partly")):
        app = Harness(choice())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
        assert app.result == expected
    # "adjust" and "abandon" share a first letter: abandon gets its next free one.
    assert mnemonics([value for value, _ in DECISIONS]) == ["s", "a", "b"]
    for key, expected in (("a", "adjust"), ("b", "abandon"), ("1", "standardize")):
        app = Harness(choice(DECISIONS))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            await pilot.pause()
        assert app.result == expected


async def test_a_yes_no_choice_takes_y_and_n_as_the_command_line_does() -> None:
    """y at "Record this stand-up?" did nothing (a stand-up's lead); a choice that is no
    question of yes or no keeps y and n for nothing."""
    yes_no = [("record", "Record it"), ("cancel", "Cancel: keep going")]
    for key, expected in (("y", "record"), ("n", "cancel"), ("r", "record")):
        app = Harness(
            ChoiceModal(heading="Record this stand-up?", prompt="?", choices=yes_no, yes_no=True)
        )
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            await pilot.pause()
        assert app.result == expected
    app = Harness(choice())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y", "n")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_q_over_a_choice_quits_unless_it_picks_one() -> None:
    """q over "Record this stand-up?" did nothing, and nothing said why (a crash hunter's
    trial): it quits, as on the views; a choice whose letter is q keeps it."""
    yes_no = [("record", "Record it"), ("cancel", "Cancel: keep going")]
    app = Harness(ChoiceModal(heading="Record?", prompt="?", choices=yes_no, yes_no=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.result is MISSING
    app = Harness(choice([("quarter", "Quarter"), ("year", "Year")]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.result == "quarter"


async def test_choice_esc_returns_none_and_keys_show_in_footer() -> None:
    app = Harness(choice())
    async with app.run_test(size=SIZE) as pilot:
        text = await text_once_shown(app, pilot, "1  Worked", "3 Did not")
        assert "1  Worked: the change did what we hoped" in text
        assert "3 Did not" in text  # the footer names the digit keys
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


# ---------------------------------------------------------------------- ConflictModal


def conflict(by: str | None = "bob") -> ConflictModal:
    mine = {"title": "Shorten triage", "owner": "bob", "due": "2026-11-30", "notes": "a\nb"}
    theirs = {"title": "Shorten triage", "owner": "carol", "due": "2026-12-05", "notes": "a\nb"}
    return ConflictModal(action_id=12, mine=mine, theirs=theirs, by=by, at="2026-11-23T09:00:00Z")


async def test_conflict_at_40_columns_shows_every_button_and_whole_dates() -> None:
    """Under 50 columns the buttons stack and the values take the room: the third button was
    cut off, and both due dates read "2026-1…" (a tester at 40x15)."""
    app = Harness(conflict())
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for shown in ("Keep theirs (t)", "Write mine (m)", "Edit again (e)"):
            assert shown in text, text
        assert "2026-11-30" in text and "2026-12-05" in text, text


async def test_conflict_shows_who_and_what_differs() -> None:
    app = Harness(conflict())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "bob changed #12 at 2026-11-23 09:00 UTC since you opened it" in text
        differing = [label for label in app.screen.query(Label) if label.has_class("-differs")]
        shown = {str(label.render()) for label in differing}
        assert {"owner", "carol", "due", "2026-12-05"} <= shown
        assert "title" not in shown and "notes" not in shown


async def test_conflict_keys_and_buttons() -> None:
    for keys, expected in (
        (["t"], "theirs"),
        (["m"], "mine"),
        (["e"], "edit"),
        (["enter"], "edit"),
    ):
        app = Harness(conflict(by=None))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "Someone changed #12" in screen_text(app)
            await pilot.press(*keys)
            await pilot.pause()
        assert app.result == expected
    app = Harness(conflict())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#mine")
        await pilot.pause()
    assert app.result == "mine"


async def test_conflict_esc_returns_none() -> None:
    app = Harness(conflict())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


# ---------------------------------------------------------------------- PickModal


OWNERS = [f"owner{n:02d}" for n in range(48)] + ["Alice", "malik"]


async def test_pick_narrows_as_you_type_and_enter_picks() -> None:
    app = Harness(PickModal(heading="Show the actions of one owner", options=OWNERS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"ALI")
        await pilot.pause()
        listing = app.screen.query_one("#pick-options", OptionList)
        assert [str(option.prompt) for option in listing.options] == ["Alice", "malik"]
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.result == "malik"


async def test_pick_no_match_picks_nothing_and_esc_returns_none() -> None:
    app = Harness(PickModal(heading="Pick", options=OWNERS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zzz", "enter")
        await pilot.pause()
        assert app.result is MISSING
        assert "no match" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_pick_with_200_names_and_markup_in_one() -> None:
    names = [f"Initiative {n}" for n in range(199)] + ["[bold]Loud[/bold]"]
    app = Harness(PickModal(heading="Show the actions of one initiative", options=names))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"loud")
        await pilot.pause()
        assert "[bold]Loud[/bold]" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == "[bold]Loud[/bold]"


async def test_pick_cuts_a_long_name_on_its_own_line() -> None:
    """Broken mid-word over two lines, a login's end read as another name (a tester)."""
    long = "a_really_long_login_name_that_goes_on_and_on_indeed_64char"
    app = Harness(PickModal(heading="Pick", options=["bob", long]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "a_really_long_login_name_that" in text and "…" in text
        assert "_indeed_64char" not in text


def test_narrowed_keeps_order_and_ignores_case() -> None:
    assert narrowed(["Bob", "abby", "carl"], "B") == ["Bob", "abby"]
    assert narrowed(["x"], "  ") == ["x"]


def test_a_name_typed_whole_comes_first() -> None:
    """ "ann" typed whole picked "Ann", listed above it (a tester): the exact one first, then
    the same in another case, then those it begins."""
    people = ["Ann", "BEN", "joanna", "anna", "ann", "ben"]
    assert narrowed(people, "ann") == ["ann", "Ann", "anna", "joanna"]
    assert narrowed(people, "Ann") == ["Ann", "ann", "anna", "joanna"]
    assert narrowed(people, "be") == ["BEN", "ben"]


# ---------------------------------------------------------------------- ActionDetailScreen


def detail(**changes: Any) -> ActionDetail:
    action = make_action(**changes)
    checkin = Checkin(
        id=1,
        action_id=12,
        at="2026-11-22T10:00:00Z",
        author="bob",
        status="at-risk",
        kind="checkin",
        result=None,
        message="waiting on [red]ops[/red]",
        version=1,
    )
    created = Event(
        id=1,
        tx=1,
        at="2026-11-01T08:00:00Z",
        actor="alice",
        entity="action",
        entity_id=12,
        op="create",
        summary="added #12",
        before=None,
        after={"title": action.title, "version": 1},
        undo_of=None,
    )
    edited = Event(
        id=2,
        tx=2,
        at="2026-11-23T09:00:00Z",
        actor="carol",
        entity="action",
        entity_id=12,
        op="update",
        summary="edited #12: due",
        before={"due": "2026-11-30", "version": 1, "updated_at": "a", "phase_since": "x"},
        after={"due": "2026-12-05", "version": 2, "updated_at": "b", "phase_since": "y"},
        undo_of=None,
    )
    return ActionDetail(action=action, checkins=[checkin], history=[created, edited])


async def test_detail_shows_fields_checkins_and_history() -> None:
    shown = detail(notes="first line\nsecond line", due="2026-11-20")
    app = Harness(ActionDetailScreen(detail=shown, today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "#12 Shorten triage" in text
        assert "cycle 2 of #7" in text
        assert "Faster tickets" in text and "Resolution time" in text
        assert "! 3d late" in text
        assert "│ priority   normal " in text
        lines = text.splitlines()
        first = next(n for n, line in enumerate(lines) if "first line" in line)
        assert "second line" in lines[first + 1]  # the notes keep their line breaks
        assert "bob ▲ at-risk: waiting on [red]ops[/red]" in text
        # History is further down: scroll the focused frame to its end.
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "carol edited #12: due" in text
        assert "due: 2026-11-30 → 2026-12-05" in text
        assert "version" not in text and "updated_at" not in text


async def test_j_k_g_and_big_g_scroll_the_detail_as_in_every_view() -> None:
    """j and G did nothing in the action's detail, where every view and the KPI detail
    scroll by them (a keyboard trial)."""
    from textual.containers import VerticalScroll

    shown = detail(notes="\n".join(f"line {n}" for n in range(60)))
    app = Harness(ActionDetailScreen(detail=shown, today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frame = app.screen.query_one(".dialog--frame", VerticalScroll)
        assert frame.scroll_y == 0 and frame.max_scroll_y > 3
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert frame.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert frame.scroll_y == 2
        await pilot.press("G")
        await pilot.pause()
        assert frame.scroll_y == frame.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert frame.scroll_y == 0


async def test_a_done_actions_detail_says_done_not_the_phase_it_ended_in() -> None:
    """An action abandoned from Plan read "phase Plan since …" in its detail, where pdca show
    said "phase done (abandon)" (a tester)."""
    shown = detail(phase="plan", decision="abandon", done_at="2026-11-22T10:00:00Z")
    app = Harness(ActionDetailScreen(detail=shown, today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "│ phase      Done (abandon)  from Plan, 2026-11-22" in text, text
        assert "since" not in text.split("│ phase", 1)[1].split("\n", 1)[0]


async def test_detail_markup_and_ansi_in_title_show_literally() -> None:
    title = "[bold]Not bold[/bold] \x1b[31mnot red"
    app = Harness(ActionDetailScreen(detail=detail(title=title, notes="[i]x[/i]"), today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        svg = app.export_screenshot()
    assert "#12 [bold]Not bold[/bold] \\x1b[31mnot red" in text
    assert "[i]x[/i]" in text
    assert "\x1b" not in text
    assert "\x1b" not in svg


async def test_detail_keys() -> None:
    for key, expected in (("escape", None), ("e", "edit"), ("c", "checkin")):
        app = Harness(ActionDetailScreen(detail=detail(), today=TODAY))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            await pilot.pause()
        assert app.result == expected


def test_changed_fields_skip_bookkeeping() -> None:
    history = detail().history
    assert changed_fields(history[0]) == []  # a create lists no changes
    assert changed_fields(history[1]) == ["due: 2026-11-30 → 2026-12-05"]


def test_a_changed_moment_is_on_the_persons_clock_in_the_app_and_stored_in_show(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "11:00 EST ann done #41" over "done_at: — → 2026-11-23T16:00:00Z" read as two
    moments (an auditor). ``pdca show`` keeps the stored time, as its lines do."""
    import time

    done = (
        detail()
        .history[1]
        .model_copy(
            update={"before": {"done_at": None}, "after": {"done_at": "2026-11-23T16:00:00Z"}}
        )
    )
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert changed_fields(done) == ["done_at: — → 2026-11-23 11:00 EST"]
        assert changed_fields(done, plain=True) == ["done_at: — → 2026-11-23T16:00:00Z"]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_check_in_taken_out_keeps_its_words_in_the_history() -> None:
    """ "undid checked in on #41 (at-risk)" and its words nowhere any more (an auditor)."""
    undone = (
        detail()
        .history[1]
        .model_copy(
            update={
                "entity": "checkin",
                "op": "delete",
                "before": {"message": "the only evidence", "status": "at-risk"},
                "after": None,
            }
        )
    )
    assert changed_fields(undone) == ["message: the only evidence"]
    assert changed_fields(undone, plain=True) == ["message: the only evidence"]


def test_a_long_text_change_shows_from_where_it_differs() -> None:
    """A line added to a long note showed the same cut words on both sides (a tester)."""
    note = "Measure: compare the KPI over the four weeks before and after"
    changed = (
        detail()
        .history[1]
        .model_copy(update={"before": {"notes": note}, "after": {"notes": note + "\nDesign doc"}})
    )
    (line,) = changed_fields(changed)
    old, new = line.removeprefix("notes: ").split(" → ")
    assert old.startswith("…") and old.endswith(" after") and new.startswith(old)
    assert "Design doc" in new
    wide = changed.model_copy(
        update={"before": {"notes": "短" * 20 + "a"}, "after": {"notes": "短" * 20 + "b"}}
    )
    (line,) = changed_fields(wide)  # two cells a character: cut as the screen cuts it
    assert line.endswith("短a → …短短短短短短短短b"), line
    short = changed.model_copy(update={"before": {"notes": "ab"}, "after": {"notes": "ac"}})
    assert changed_fields(short) == ["notes: ab → ac"]  # nothing to cut


def test_changed_initiatives_and_kpis_show_by_name_and_a_gone_one_by_id() -> None:
    moved = (
        detail()
        .history[1]
        .model_copy(
            update={
                "before": {"initiative_id": None, "kpi_id": 3, "version": 2},
                "after": {"initiative_id": 1, "kpi_id": 4, "version": 3},
            }
        )
    )
    names = {"initiative_id": {1: "[b]Faster[/b] tickets"}, "kpi_id": {3: "Lead time"}}
    assert changed_fields(moved, names) == [
        "initiative: — → [b]Faster[/b] tickets",
        "kpi: Lead time → #4",
    ]


def test_a_conflict_shows_two_long_values_from_where_they_differ() -> None:
    from pdca.screens.dialogs.conflict import from_the_difference

    mine = "Add contract tests between the billing and the ledger services bob"
    theirs = "Add contract tests between the billing and the ledger services alice"
    shown = from_the_difference(mine, theirs)
    assert shown == ("…services bob", "…services alice")
    assert from_the_difference("short", "shirt") == ("short", "shirt")  # nothing to skip
    assert from_the_difference(mine, mine) == (mine, mine)
    # a short one shows whole: "…card A small y" of a title that fitted (a trial)
    short = ("Twice card A small y", "Twice card A small")
    assert from_the_difference(*short) == short


def test_an_owner_of_none_in_the_form_is_nobody_as_on_the_command_line() -> None:
    """Not a person called "none" (a tester made one with ``pdca add --owner none``)."""
    fields = {"title": "t", "due": "", "initiative": "", "kpi": "", "notes": ""}
    for typed in ("none", " None "):
        result, errors = check_action_form(
            owner=typed, today=TODAY, initiatives=INITIATIVES, kpis=KPIS, **fields
        )
        assert errors == {} and result is not None and result.owner is None
    result, errors = check_action_form(
        owner="none",
        today=TODAY,
        initiatives=INITIATIVES,
        kpis=KPIS,
        require_owner_and_due=True,
        **fields,
    )
    assert result is None and errors["owner"] == "owner: Do needs an owner"


async def test_checkin_enter_on_the_status_saves_with_the_status_chosen() -> None:
    """Tab to the status, 2, enter: nothing happened (a tester)."""
    app = Harness(CheckinModal(action=make_action()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"waiting on ops", "tab")
        await pilot.pause()  # in the app, keys after tab wait for the focus (tui/typeahead.py)
        await pilot.press("2", "enter")
        await pilot.pause()
    assert app.result == CheckinResult(message="waiting on ops", status="at-risk")


@pytest.mark.parametrize("button", ["#save", "#cancel"])
async def test_the_form_dialogs_buttons_save_and_cancel(button: str) -> None:
    """Save and Cancel, as ctrl+s and esc, in each dialog that has them (one base's
    handlers: FormDialog)."""
    from pdca.screens.dialogs.followup_note import FollowupNoteModal

    dialogs = [
        (CheckinModal(action=make_action()), "x"),
        (FollowupNoteModal(offset_days=30, action_id=1, title="t", result="holding"), "x"),
        (form(initial=ActionFormResult("Old", None, None, None, None, "")), None),
    ]
    for dialog, typed in dialogs:
        app = Harness(dialog)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            if typed:
                await pilot.press(*typed)
            await pilot.click(button)
            await pilot.pause()
        assert app.result is not MISSING, type(dialog).__name__  # answered, either way
        assert (app.result is not None) is (button == "#save"), type(dialog).__name__


async def test_a_follow_up_note_too_long_is_named_as_the_field_on_screen() -> None:
    """The field says Note; the refusal said "message:" (the store's name), as if another
    field were wrong (a tester)."""
    from pdca.screens.dialogs.followup_note import FollowupNoteModal
    from pdca.widgets.forms import FormRow

    app = Harness(FollowupNoteModal(offset_days=30, action_id=1, title="t", result="slipped"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#note").value = "n" * 2_500
        await pilot.press("enter")
        await pilot.pause()
        shown = app.screen.query_one("#row-note", FormRow).error.message or ""
    assert shown.startswith("note: ") and "2500 characters long" in shown, shown
    assert app.result is MISSING  # not dismissed: nothing recorded


def test_a_repeat_rule_out_of_range_says_why_as_the_command_line_does() -> None:
    """'0 days' is a rule with N 0: the form said only "not a rule" (a tester)."""

    def every_error(every: str) -> str:
        _result, errors = check_action_form(
            title="t", owner="", due="", initiative="", kpi="", notes="", today=TODAY,
            initiatives=INITIATIVES, kpis=KPIS, every=every,
        )  # fmt: skip
        return errors.get("every", "")

    assert every_error("0 days") == "repeat: '0 days' repeats every 0 days: at least 1 day"
    assert every_error("week mon,mon") == "repeat: 'week mon,mon' names monday twice"
    assert every_error("weakly").startswith("repeat: not a rule; try ")
    assert every_error("2 weeks fri") == ""


async def test_the_field_typed_in_stays_in_sight_when_the_terminal_shrinks() -> None:
    """Notes focused at 120x40, then the terminal made 40x15: the form kept its scroll, Notes
    went out of view and typing went on unseen (a tester)."""
    from pdca.screens.dialogs import ActionFormModal

    form = ActionFormModal(
        heading="New action", today=TODAY, people=PEOPLE, initiatives=[], kpis=[], repeat=True
    )
    app = Harness(form)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form.query_one("#notes").focus()
        await pilot.press(*"NOTES")
        await pilot.resize_terminal(40, 15)
        for _ in range(3):
            await pilot.pause()
        assert "NOTES" in screen_text(app), screen_text(app)


async def test_each_field_tabbed_to_is_in_sight_above_save_and_cancel() -> None:
    """Textual scrolled a field that took focus into view only when it was not wholly in
    view, and one under the docked Save and Cancel counted as in view: tabbing down the form
    at 40x12 left each field there, typed into unseen (a keyboard trial)."""
    from pdca.screens.dialogs import ActionFormModal

    form = ActionFormModal(
        heading="New action", today=TODAY, people=PEOPLE, initiatives=[], kpis=[], repeat=True
    )
    app = Harness(form)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        for typed in ("OWN", "zz", "REP"):  # owner, a due that is no date (its hint grows)
            await pilot.press("tab", *typed)
            for _ in range(3):
                await pilot.pause()
            assert typed in screen_text(app), (typed, screen_text(app))
        buttons = form.query_one(".dialog--buttons")
        field = form.focused
        assert field is not None and field.id == "every"
        assert field.region.bottom <= buttons.region.y, (field.region, buttons.region)
        # Save and Cancel last, wherever the frame is scrolled: Textual orders focus by place,
        # and at 40x12 tab went from Priority to Save (a retrial)
        order = []
        for _ in range(6):
            await pilot.press("tab")
            await pilot.pause()
            order.append(form.focused.id if form.focused is not None else None)
        assert order == ["priority", "initiative", "kpi", "notes", "save", "cancel"], order


async def test_notes_wrap_again_when_the_terminal_narrows() -> None:
    """Resized from 120 to 60 columns with the edit form open, the notes kept their old lines,
    cut at the new edge: "...over the two week" then "after.", the words between unseen (a
    power user). Their lines are the same in number, so nothing had asked to draw them again."""
    notes = "Measure: compare the KPI over the two weeks before and after."
    initial = ActionFormResult("Old", None, None, None, None, notes)
    app = Harness(form(heading="Edit #3", initial=initial))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "two weeks before and" in screen_text(app)
        await pilot.resize_terminal(60, 20)
        await wait_until(
            pilot, lambda: "weeks before and after." in " ".join(screen_text(app).split())
        )
        shown = " ".join(screen_text(app).split())
        assert "weeks before and after." in shown, screen_text(app)


async def test_the_focused_fields_caption_is_the_one_lit() -> None:
    """Title's caption stayed bold whatever field had focus, and with 16 colours it read as an
    error (a tester): the lit caption follows the focus."""
    from pdca.widgets.forms import FormRow

    app = Harness(form())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        def lit() -> list[str]:
            return [row.caption for row in app.screen.query(FormRow) if row.has_class("-focused")]

        assert lit() == ["Title"]
        await pilot.press("tab", "tab")
        await pilot.pause()
        assert lit() == ["Due"]
        caption = app.screen.query_one("#row-due").query_one(".form-row--caption")
        title = app.screen.query_one("#row-title").query_one(".form-row--caption")
        assert caption.styles.text_style.bold and not title.styles.text_style.bold


async def test_a_click_on_a_caption_focuses_its_field() -> None:
    """A click on "KPI" did nothing (a tester): as a label in a web form, it is its field."""
    app = Harness(form())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert await pilot.click("#row-kpi .form-row--caption")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#kpi", Input)


def test_a_conflict_with_ones_own_other_session_says_you_not_your_login() -> None:
    """ "ann changed #28 since you opened it" was said to ann, of her own other session (a
    tester): it says "You changed #28 ... elsewhere"."""
    from pdca.screens.dialogs.conflict import changed_line

    said = changed_line(28, "ann", "2026-11-23T09:00:00Z", me="ann")
    assert said == (
        "You changed #28 at 2026-11-23 09:00 UTC elsewhere (another pdca, or the command line)"
    )
    assert changed_line(28, "bob", None, me="ann") == "bob changed #28 since you opened it"
    assert changed_line(28, "you and bob", None, me="ann").startswith("You and bob changed #28")


def test_an_audit_recorded_past_its_day_says_how_late_in_the_detail() -> None:
    """One recorded three days over read as one recorded on its day (a PDCA coach)."""
    from pdca.db.accountability_models import Followup
    from pdca.screens.dialogs.detail import _followup

    def audit(done_at: str) -> str:
        item = Followup(
            id=1, action_id=7, title="Rota", owner="ann", offset_days=30, due="2026-11-24",
            created_at="2026-10-25T09:00:00Z", done_at=done_at, done_by="ann",
            result="holding", checkin_id=3, reopened_id=None, version=2,
        )  # fmt: skip
        return _followup(item).plain

    assert audit("2026-11-27T09:00:00Z").endswith("holding 2026-11-27 by ann, 3d late")
    assert audit("2026-11-24T09:00:00Z").endswith("holding 2026-11-24 by ann")
