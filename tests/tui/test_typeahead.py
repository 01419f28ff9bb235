"""Keys typed at once (a fast typist, a paste, tmux send-keys) go where the person meant.

Each burst is posted to the app in one go, as a terminal delivers it, without waiting between
keys as Pilot's ``press`` does: what opens (a form, a view) is not up yet when the keys after
the first arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from pdca.db.models import ActionChanges
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.dialogs import ActionFormModal
from pdca.screens.flow import FlowScreen
from pdca.screens.log import LogScreen
from pdca.screens.row_view import RowView
from pdca.tui.app import PdcaApp
from pdca.tui.esc_keys import GLUED_TO_ESC
from pdca.tui.typeahead import KeyHold
from tests.conftest import open_as
from tests.flow_support import build_history
from tests.tui.accountability_support import team_db
from tests.tui.conftest import SETTLE_SECONDS, SIZE, settle_app
from tests.tui.test_kpis import kpi_db  # noqa: F401 (the fixture: an alert waits for alice)


def burst(app: PdcaApp, *keys: str) -> None:
    """``keys`` as one read from the terminal: all queued before the first is handled."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


async def test_a_title_typed_with_n_goes_into_the_form_not_to_the_board(
    make_app, board_db: Path
) -> None:
    store: Store = open_as(board_db, "alice")
    store.edit_action(1, ActionChanges(title="Ready to start now"), expected_version=1)
    store.close()
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        # On the board, u would undo that edit and e would open another form.
        burst(app, "n", *"Quick use edit")
        await settle_app(app, pilot)
        form = app.screen
        assert isinstance(form, ActionFormModal)
        assert form.query_one("#title", Input).value == "Quick use edit"
        assert app.context.store.get_action(1).title == "Ready to start now"


async def test_a_view_key_and_the_moves_after_it_reach_the_view(
    make_app, store: Store, db_path: Path
) -> None:
    app = make_app(team_db(store, db_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "4", "down", "down")
        await settle_app(app, pilot)
        log = app.screen
        assert isinstance(log, LogScreen)
        assert log.highlighted is not None and log.highlighted.action_id == 3
        burst(app, "enter", "5")  # to the board on #3, then on to the stand-up
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "StandupScreen"
        burst(app, "1")
        await settle_app(app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.current is not None and board.current.id == 3


async def test_keys_after_a_move_wait_for_it_then_act_on_the_moved_board(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A loaded machine's first write (it opens the writer's connection) is no lock waited
    # for: past this threshold the keys behind it would go on before it
    monkeypatch.setattr("pdca.screens.context.SAVING_SHOWN_AFTER_SECONDS", SETTLE_SECONDS)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "greater_than_sign", "j")  # #1 to Do, then down from it in Do
        await settle_app(app, pilot)
        assert app.context.store.get_action(1).phase == "do"
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.focused_column is board.columns["do"]
        assert board.current is not None and board.current.id == 3  # the card under #1


@pytest.mark.parametrize("slow_mount", [False, True])
async def test_moves_typed_with_the_flow_key_wait_for_its_figures(
    make_app, store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch, slow_mount: bool
) -> None:
    """The flow view reads its figures on a thread after its frame: 6, down, enter typed at
    once reach the rows, not the empty frame (Do's oldest item is #3). On a busy machine
    the view's on_mount (which says what its first rows wait on) came over a tenth of a
    second after the switch, and the keys went on to the empty frame (CI): ``slow_mount``."""
    build_history(store, title="Triage rota")
    if slow_mount:
        mount = RowView.on_mount

        async def mounted_late(self: RowView) -> None:
            await asyncio.sleep(0.3)
            mount(self)

        monkeypatch.setattr(FlowScreen, "on_mount", mounted_late)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "6", "down", "enter")
        await settle_app(app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.focused_id == 3


async def test_keys_typed_while_the_held_ones_are_replayed_come_after_them(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held keys go back through the app's queue; keys that reached the queue just before
    they did wait behind them (a tester typing at 40 ms a key got 'lloHe world')."""
    release = KeyHold.release

    def release_as_more_keys_arrive(self: KeyHold) -> None:
        monkeypatch.setattr(KeyHold, "release", release)
        burst(app, *"llo")  # in the queue ahead of the replays about to be posted
        release(self)

    monkeypatch.setattr(KeyHold, "release", release_as_more_keys_arrive)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "n", "H", "e")
        await settle_app(app, pilot)
        burst(app, *" world")
        await settle_app(app, pilot)
        assert app.screen.query_one("#title", Input).value == "Hello world"


async def test_keys_after_enter_in_a_form_go_to_the_board_it_returns_to(
    make_app, board_db: Path
) -> None:
    """n, a title, enter (save), then j: j moves on the board, it is not in the title."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "n", *"Run1", "enter", "j", "j")
        await settle_app(app, pilot)
        titles = [a.title for a in app.context.store.list_actions()]
        assert "Run1" in titles and not any(t.startswith("Run1j") for t in titles)
        assert isinstance(app.screen, BoardScreen)


@pytest.mark.parametrize("key", ["c", "n", "slash"])
async def test_keys_after_enter_in_a_field_already_open_leave_it(
    make_app, board_db: Path, key: str
) -> None:
    """A field already open takes "msg", enter, "jj" as one burst: the message is saved
    without the jj, which go to the board (the check-in, a new action's title, the text
    filter; the fields' own bindings once ran enter in the field and the jj followed it in)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, key)
        await settle_app(app, pilot)
        burst(app, *"Run1", "enter", "j", "j")
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        if key == "c":
            messages = [c.message for c in app.context.store.action_detail(1).checkins]
            assert messages[-1] == "Run1"
        elif key == "n":
            titles = [a.title for a in app.context.store.list_actions()]
            assert "Run1" in titles and not any(t.startswith("Run1j") for t in titles)
        else:
            assert app.screen.query_one("#text-filter", Input).value == "Run1"


async def test_a_paste_right_after_c_lands_in_the_check_in(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "c")
        app.post_message(events.Paste("pasted straight after c"))
        await settle_app(app, pilot)
        assert app.screen.query_one("#message", Input).value == "pasted straight after c"


async def test_esc_then_a_key_read_as_alt_key_is_both_keys(make_app, board_db: Path) -> None:
    """Within Textual's escape delay, esc then j arrives as alt+j, bound to nothing: it is
    the esc (leaving the dialog) and then the j (one card down)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "c")
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 2  # the check-in dialog
        burst(app, "alt+j")
        await settle_app(app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.current is not None and board.current.id == 2


@pytest.mark.parametrize("keys", [("alt+j",), ("escape", "j")], ids=["alt+j", "esc-j"])
async def test_a_move_typed_with_the_esc_that_clears_a_filter_moves_among_all_cards(
    make_app, store: Store, db_path: Path, keys: tuple[str, ...]
) -> None:
    """Over SSH, "esc j" came as one read: the j moved among the filtered cards, and the read
    of every card then put focus back on the card esc left (a tester: the next > moved a
    card nobody meant). The j waits for that read, as keys after a new filter do."""
    from pdca.db.seed import seed_database

    seed_database(store, size="small", seed=1)
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        for _ in range(3):
            await pilot.press("g", "slash", *"heidi", "enter")
            await settle_app(app, pilot)
            board = app.screen
            assert isinstance(board, BoardScreen) and board.filter.text == "heidi"
            before = board.focused_id
            column = board.focused_column
            assert column is not None and before is not None
            burst(app, *keys)
            await settle_app(app, pilot)
            assert board.filter.text is None  # esc cleared it
            ids = [a.id for a in column.actions]
            assert board.focused_id == ids[ids.index(before) + 1]  # one card down, of all


def test_esc_then_a_key_read_together_are_both_keys_and_a_pound_is_a_pound() -> None:
    """Textual's parser read esc then 3 in one read as "£" (WezTerm's Option+3): typed in a
    form's field, it saved "£" and left the form open; esc then / as "/" alone, which stayed
    in the filter's field (testers). pdca's parser (the driver's, ``guard_pastes``) reads
    esc and the key; a "£" typed as such stays one; known sequences keep their meaning."""
    import pdca.tui.app  # noqa: F401  (it drops the table's esc digits when loaded)
    from pdca.tui.paste_guard import PasteSafeParser

    def keys(data: str) -> list[tuple[str, str | None]]:
        parser = PasteSafeParser()
        read = list(parser.feed(data))
        with contextlib.suppress(Exception):  # the end of input: a held esc comes out
            read += list(parser.feed(""))
        return [(e.key, e.character) for e in read if isinstance(e, events.Key)]

    esc = ("escape", "\x1b")
    assert keys("\x1b3") == [esc, ("3", "3")]
    assert keys("\x1b/x") == [esc, ("slash", "/"), ("x", "x")]
    assert keys("\x1bD") == [esc, ("D", "D")]
    assert keys("\x1bn") == [esc, ("n", "n")]
    assert keys("£") == [("pound_sign", "£")]
    assert keys("\x1b[A") == [("up", None)]
    assert keys("\x1b") == [esc]
    # Not before what is no typed character: Alt+Backspace (ESC ^H) and Alt+Enter (ESC CR)
    # closed a form as esc and lost its text (a reviewer); ESC [ may be a split sequence.
    assert keys("\x1b\x08") == [("backspace", "\x08")]
    assert keys("\x1b\r") == [("enter", "\r")]
    assert keys("\x1b[") == [("left_square_bracket", "[")]
    # Esc, a key, esc in one read: Textual turned the first esc into "^", and a fast
    # "n esc e esc c" saved a new action titled "^e^c" (a tester). A "^" typed stays one.
    assert keys("n\x1be\x1bc") == [("n", "n"), esc, ("e", "e"), esc, ("c", "c")]
    assert keys("\x1b>\x1bd\x1b") == [esc, ("greater_than_sign", ">"), esc, ("d", "d"), esc]
    assert keys("^\x1b^") == [("circumflex_accent", "^"), esc, ("circumflex_accent", "^")]


async def test_esc_then_a_digit_in_a_forms_field_leaves_the_form_for_that_view(
    make_app, board_db: Path
) -> None:
    """Esc 3 typed fast in the new-action form: the form closes, nothing is saved, the KPIs
    view opens; the board had kept the form open with "abc£" in it (a tester). With text
    typed, the first esc asks again (one threw it away without a word, a power user), and
    the 3 typed behind it is neither a view's key nor the title's text ("abc3")."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        before = len(app.context.store.list_actions())
        burst(app, "n")
        await settle_app(app, pilot)
        burst(app, "alt+3")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "KpisScreen"  # nothing typed: left at once
        burst(app, "1", "n", *"abc")
        await settle_app(app, pilot)
        assert len(app.screen_stack) == 2
        burst(app, "alt+3")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "ActionFormModal"
        assert app.screen.query_one("#title", Input).value == "abc"
        notes = [n.message for n in app._notifications]
        assert "not saved: esc again leaves without it, ^s saves" in notes
        assert "what you typed after it was dropped" in notes
        burst(app, "alt+3")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "KpisScreen"
        assert len(app.context.store.list_actions()) == before


async def test_tab_in_the_initiative_field_completes_all_that_was_typed_before_it(
    make_app, store: Store, board_db: Path
) -> None:
    """Tab runs before the field has taken the letters typed just ahead of it: "Fas" tab
    completed "F" and then added "as" ("Faster supportas", a tester typing fast)."""
    from pdca.db.models import InitiativeDraft

    store.add_initiative(InitiativeDraft(name="Faster support", objective="Replies in 1 day"))
    store.add_initiative(InitiativeDraft(name="Fast builds", objective="Builds in 5 minutes"))
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "n", *"Rota")
        await settle_app(app, pilot)
        form = app.screen
        assert isinstance(form, ActionFormModal)
        form.query_one("#initiative", Input).focus()
        await settle_app(app, pilot)
        burst(app, *"Faste", "tab", *"x")
        await settle_app(app, pilot)
        assert form.query_one("#initiative", Input).value == "Faster support"
        assert form.focused is form.query_one("#kpi", Input)
        assert form.query_one("#kpi", Input).value == "x"


async def _on_an_empty_filter(app: PdcaApp, pilot) -> BoardScreen:  # type: ignore[no-untyped-def]
    """The board, a text filter on that matches no card: c there opens nothing."""
    await settle_app(app, pilot)
    board = app.screen
    assert isinstance(board, BoardScreen)
    board.set_filter(replace(board.filter, text="matches nothing"))
    await settle_app(app, pilot)
    return board


async def test_text_typed_with_c_on_no_card_is_not_run_as_board_keys(
    make_app, board_db: Path
) -> None:
    """c on a column with no card opened nothing, and "update" typed with it ran u (undo of
    the person's last change) and p; a q in it quit the board (a tester)."""
    store: Store = open_as(board_db, "alice")
    store.edit_action(1, ActionChanges(title="Renamed before"), expected_version=1)
    store.close()
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        board = await _on_an_empty_filter(app, pilot)
        burst(app, "c", *"update quickly")
        await settle_app(app, pilot)
        assert app.is_running and app.screen is board  # no q, no picker from p
        assert app.context.store.get_action(1).title == "Renamed before"  # no u
        notes = [n.message for n in app._notifications]
        assert "c opened nothing: what you typed after it was dropped" in notes  # named
        burst(app, "escape")  # the end of what was typed: the board's keys work again
        await settle_app(app, pilot)
        burst(app, "escape")
        await settle_app(app, pilot)
        assert not board.filter.active


@pytest.mark.parametrize("key", ["e", "c"])
async def test_the_key_a_refusal_names_acts_right_after_it(
    make_app, board_db: Path, key: str
) -> None:
    """ "no card matches the filter: esc clears it", then e and esc at once: the esc it asked
    for was dropped as the end of the form e did not open, "what you typed after it was
    dropped" (a tester). The key the refusal names acts; an esc elsewhere after a refused
    key is still dropped: n esc on the KPIs had left the view without a word (a reviewer)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        board = await _on_an_empty_filter(app, pilot)
        burst(app, key, "escape")
        await settle_app(app, pilot)
        assert not board.filter.active
        notes = [n.message for n in app._notifications]
        assert not any("what you typed after it was dropped" in note for note in notes), notes
        burst(app, "3")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "KpisScreen"
        burst(app, "n", "escape")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "KpisScreen"


@pytest.mark.parametrize("moving", ["end", "home", "left", "backspace", "tab"])
async def test_a_key_that_moves_about_a_form_in_text_typed_after_a_refused_key_is_dropped_too(
    make_app, board_db: Path, moving: str
) -> None:
    """e refused, then end (to the end of the title the person thought open) and words:
    end ran on the board, and so did the words after it: D showed done cards, 2 went to
    the owners, a opened an assign the rest of them saved (a team's soak)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        board = await _on_an_empty_filter(app, pilot)
        burst(app, "c", moving, *" BOARD Dx 2", "ctrl+s")
        await settle_app(app, pilot)
        assert app.screen is board and not board.filter.include_done
        notes = [n.message for n in app._notifications]
        assert "c opened nothing: what you typed after it was dropped" in notes


async def test_ctrl_z_after_a_refused_key_still_suspends(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ctrl+z is no form text in pdca: after a refused c, it was dropped with the words,
    and the person's suspend did nothing (a reviewer)."""
    from pdca.tui import job_control

    monkeypatch.setattr(job_control, "no_shell_to_come_back_to", lambda: True)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _on_an_empty_filter(app, pilot)
        burst(app, "c", *"up", "end", "ctrl+z")
        await settle_app(app, pilot)
        assert any("no shell here" in n.message for n in app._notifications)


async def test_text_typed_with_n_where_n_is_no_key_is_not_run_as_keys(
    make_app, board_db: Path
) -> None:
    """n in the KPIs view opens nothing, and "tui new" typed with it ran u, which undid the
    person's check-in, and i, which opened the board's initiative picker (a team's soak)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "c", *"mine", "enter")
        await settle_app(app, pilot)
        checkins = app.context.store.action_detail(1).checkins
        assert [c.message for c in checkins] == ["mine"]
        burst(app, "3")
        await settle_app(app, pilot)
        burst(app, "n", *"tui new R2")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "KpisScreen" and len(app.screen_stack) == 1
        assert [c.message for c in app.context.store.action_detail(1).checkins] == ["mine"]
        assert "n does nothing here: what you typed after it was dropped" in [
            n.message for n in app._notifications
        ]


async def test_words_typed_on_a_forms_button_or_choice_go_on_into_its_text(
    make_app, board_db: Path
) -> None:
    """tab once too often, then words: on Save, "all good" saved the check-in at its space,
    the words gone (a review); on the status choices, "hello ben" was dropped with "e does
    nothing here" (a keys trial). They go on into the text typed in last; nothing is saved."""
    from textual.widgets import Button, RadioSet

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("c")
        await settle_app(app, pilot)
        message = app.screen.query_one("#message", Input)
        message.value = "status:"
        message.cursor_position = len(message.value)
        while not isinstance(app.focused, RadioSet):
            await pilot.press("tab")
        burst(app, *"hello ben")
        await settle_app(app, pilot)
        assert (message.value, app.focused) == ("status:hello ben", message)
        # tabbed into, the field selects its text, and the selection stays: "and" typed on a
        # button replaced the whole message (a retrial); the words go on at its end
        await pilot.press("tab", "shift+tab")
        await settle_app(app, pilot)
        assert app.focused is message and message.selected_text == "status:hello ben"
        while not isinstance(app.focused, Button):
            await pilot.press("tab")
        burst(app, *"; all good")  # its space typed in the text, not on Save
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "CheckinModal"
        assert app.context.store.action_detail(1).checkins == []
        assert (message.value, app.focused) == ("status:hello ben; all good", message)
        assert not any("does nothing here" in n.message for n in app._notifications)
        # a space first on a button, which binds none, is typed too ("Rota livefor", a retrial)
        while not isinstance(app.focused, Button):
            await pilot.press("tab")
        burst(app, *" ok")
        await settle_app(app, pilot)
        assert (message.value, app.focused) == ("status:hello ben; all good ok", message)


async def test_words_typed_on_a_button_go_into_the_field_typed_in_last(
    make_app, board_db: Path
) -> None:
    """The title typed, then tab through the empty fields onto Save, "rota": it went into
    Notes, the field focused last, not the title (a retrial)."""
    from textual.widgets import Button

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("n")
        await settle_app(app, pilot)
        burst(app, *"Fix the pager")
        await settle_app(app, pilot)
        while not isinstance(app.focused, Button):
            await pilot.press("tab")
        burst(app, *" rota")
        await settle_app(app, pilot)
        title = app.screen.query_one("#title", Input)
        assert (title.value, app.focused) == ("Fix the pager rota", title)
        assert app.screen.query_one("#notes").text == ""  # type: ignore[attr-defined]


async def test_text_typed_with_a_form_key_moved_away_is_not_run_as_keys(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """Check-in moved to n: "cu" typed from habit said where c went, and ran u, which undid
    the check-in just made (a retrial)."""
    from pdca.tui.settings import settings_path

    file = settings_path(env)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text('[keys]\nboard-checkin = "n"\nboard-new = "ctrl+n"\n')
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "n", *"mine", "enter")
        await settle_app(app, pilot)
        assert [c.message for c in app.context.store.action_detail(1).checkins] == ["mine"]
        burst(app, "c", "u")
        await settle_app(app, pilot)
        assert [c.message for c in app.context.store.action_detail(1).checkins] == ["mine"]
        assert "c does nothing here: what you typed after it was dropped" in [
            n.message for n in app._notifications
        ]


async def test_the_board_key_and_a_jump_to_the_board_show_the_board_not_what_was_above_it(
    make_app, store: Store, db_path: Path
) -> None:
    """A KPI's chart opened from the board (! then enter), then 2: 1 showed the chart again,
    and enter on an owner set the filter on the board under it (a tester)."""
    from pdca.db.models import KpiDraft
    from pdca.screens.kpi_detail import KpiDetailScreen

    team_db(store, db_path)
    store.add_kpi(KpiDraft(name="Pages", unit="n", baseline=9, target=3))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        app.push_screen(KpiDetailScreen("Pages"))
        await settle_app(app, pilot)
        burst(app, "2")
        await settle_app(app, pilot)
        burst(app, "1")
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        app.push_screen(KpiDetailScreen("Pages"))
        await settle_app(app, pilot)
        burst(app, "2")
        await settle_app(app, pilot)
        burst(app, "enter")  # the owners view's first row: to the board, filtered to them
        await settle_app(app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen) and board.filter.owner is not None


async def test_a_message_typed_slowly_after_a_refused_c_is_not_run_as_board_keys(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """c on a done card, then "Test done" at 0.45 s a key: past the 0.3 s pause the drop
    had, its e opened an edit of the done card and the rest went into its title (a tester)."""
    # each key well within the pause that ends the dropping, however loaded the machine
    monkeypatch.setattr("pdca.tui.typeahead.DROP_PAUSE_SECONDS", 5.0)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _on_an_empty_filter(app, pilot)
        burst(app, "c")
        for key in "Te":  # a slow typist's message; its e would open the edit form
            await asyncio.sleep(0.45)
            burst(app, key)
            await settle_app(app, pilot)
        burst(app, "enter")
        await settle_app(app, pilot)
        assert not isinstance(app.screen, ActionFormModal)
        assert "c opened nothing: what you typed after it was dropped" in (
            [n.message for n in app._notifications]
        )


async def test_a_key_after_a_pause_past_a_refused_c_is_the_persons_again(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the burst typed with c is dropped: the hint said "press n to add one", and an n
    pressed after reading it was dropped too (a reviewer)."""
    monkeypatch.setattr("pdca.tui.typeahead.DROP_PAUSE_SECONDS", 0.05)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await _on_an_empty_filter(app, pilot)
        burst(app, "c")
        await settle_app(app, pilot)
        await asyncio.sleep(0.1)  # the person reads the hint
        burst(app, "n")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)


def test_an_inputs_enter_is_not_taken_for_handled_before_it_comes_back_up() -> None:
    """Textual stops the app's own copy of a key it hands to the focused Input; the hold took
    that for a text area's newline (handled, no binding) and let the keys after enter go into
    the field it was leaving: "/slo enter j c", typed while the board was busy starting,
    filtered for "slojc" (a tester). A text area's newline still counts as handled."""
    import time

    from textual import events
    from textual.widgets import Input, TextArea

    from pdca.tui.typeahead import KeyHold, _Hold

    for field, handled in ((Input(), False), (TextArea(), True)):
        enter = events.Key("enter", "\r")
        enter.stop()
        hold = _Hold(None, field, time.monotonic(), key=enter, leaving=True)
        assert KeyHold._ready(hold, None, field, time.monotonic()) is handled, field


async def test_a_typed_with_the_alerts_key_acknowledges_the_first_alert_listed(
    make_app,
    kpi_db: Path,  # noqa: F811
) -> None:
    """``! a`` at once: the list's rows are read on a thread, and ``a`` came before them, was
    told "no alert waits for you now" and was lost (a tester)."""
    from pdca.screens.dialogs.ack import AckModal

    app = make_app(kpi_db, watch_changes=False)  # alice: an alert waits for her
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        app.post_message(events.Key("exclamation_mark", "!"))
        app.post_message(events.Key("a", "a"))
        await settle_app(app, pilot)
        assert isinstance(app.screen, AckModal)


async def test_a_message_typed_with_c_in_the_log_and_stand_up_reaches_the_form_whole(
    make_app, store: Store, db_path: Path
) -> None:
    """c and a message typed at once, in the log and the stand-up: the first letter went (6
    runs in 20, a tester), the check-in form being opened by a worker the keys did not wait
    for. They wait for it, as on the board."""
    from pdca.screens.dialogs import CheckinModal
    from pdca.screens.standup import StandupScreen

    app = make_app(team_db(store, db_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        for view in ("4", "5"):
            burst(app, view)
            await settle_app(app, pilot)
            if isinstance(app.screen, StandupScreen):
                burst(app, "n")  # bob's turn: his first row names an action
                await settle_app(app, pilot)
            else:  # down to a check-in on open work (the log's first rows are #1's, done)
                log = app.screen
                assert isinstance(log, LogScreen)
                while log.highlighted is None or log.highlighted.action_id == 1:
                    await pilot.press("down")
            burst(app, "c", *"k5-abcdef")
            await settle_app(app, pilot)
            form = app.screen
            assert isinstance(form, CheckinModal), view
            assert form.query_one("#message", Input).value == "k5-abcdef", view
            burst(app, "escape", "escape")  # the second leaves without it
            await settle_app(app, pilot)


async def test_text_typed_with_a_refused_c_in_the_log_is_not_run_as_keys(
    make_app, store: Store, db_path: Path
) -> None:
    """c on a done action's check-in in the log said so, and "1 user reports it" typed with
    it ran 1 (the board), u (an undo), e (an edit of another card that took the rest): a
    tester's. The text is dropped, as the board drops it."""
    path = team_db(store, db_path)
    for action in store.list_actions():
        if action.done_at is None:
            store.complete_action(action.id, "abandon", expected_version=action.version)
    events_before = store.last_event_id()
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "4")
        await settle_app(app, pilot)
        log = app.screen
        assert isinstance(log, LogScreen) and log.highlighted is not None
        burst(app, "c", *"1 user reports it")
        await settle_app(app, pilot)
        assert app.screen is log and app.current_mode == "log"
        # Nothing of the person's: no undo, no edit. pdca's own deliveries of the follow-up
        # due may come meanwhile on a loaded machine ("claimed notification 1 ...", actor
        # pdca), as they would for anyone (a CI run).
        written = app.context.store.conn.execute(
            "SELECT id, actor, summary FROM events WHERE id > ? AND actor <> 'pdca'",
            (events_before,),
        ).fetchall()
        assert [tuple(row) for row in written] == [], [n.message for n in app._notifications]


def test_a_key_whose_binding_asked_for_the_hold_keeps_it_though_the_key_was_stopped() -> None:
    """A binding's key is stopped as a key a widget took is: the log's c asked the keys to
    wait for its flow, and they went on before it had said no ("cfirst message": f opened a
    follow-up, s answered it, a retrial)."""
    from pdca.tui.typeahead import _Hold

    key = events.Key("c", "c")
    key.stop()
    asked = _Hold(None, None, 0.0, key=key, opening=True)
    assert KeyHold._ready(asked, None, None, 0.0) is False  # it waits for the key's binding
    taken = _Hold(None, None, 0.0, key=key)
    assert KeyHold._ready(taken, None, None, 0.0) is True  # a widget took it: no binding


def test_an_enter_after_held_text_is_judged_after_it_not_before() -> None:
    """ "cfirst message" held for the log's c, which said no (the text to drop), then an
    enter in the next read: judged on arrival, it ended the dropping before the held text
    was replayed, and f opened a follow-up that s answered (a retrial)."""
    from pdca.tui.typeahead import _Hold

    class FakeApp:
        def __init__(self) -> None:
            self.posted: list[events.Event] = []
            self.workers: list[object] = []

        def post_message(self, message: events.Event) -> None:
            self.posted.append(message)

    app = FakeApp()
    hold = KeyHold(app)  # type: ignore[arg-type]
    hold._hold = _Hold(None, None, 0.0, opening=True)  # c's flow is on its way
    for key in "first":
        assert hold.take(events.Key(key, key))
    hold.drop_text()  # the flow said no
    assert hold.take(events.Key("enter", "\r"))  # the next read: behind the held ones
    hold.release()  # the flow ended
    assert app.posted == []  # all of it dropped, the enter too


def glued(key: str) -> events.Key:
    """``key`` as it comes in one read with the esc before it (Alt+u: ESC u)."""
    event = events.Key(key, key if len(key) == 1 else None)
    setattr(event, GLUED_TO_ESC, True)
    return event


@pytest.mark.parametrize(
    "opening",
    [("e", "end", *" v2"), ("e",), ("n",), ("slash", *"pay"), ("enter",), ("ctrl+p", *"the")],
)
async def test_alt_keys_that_leave_a_form_or_field_do_not_act_on_the_board(
    make_app, board_db: Path, opening: tuple[str, ...]
) -> None:
    """Alt+u (readline's word case; read as esc then u) in a form, with typing or without,
    the filter, the palette, the detail: the esc left, and u undid the person's check-in on
    the board (a terminal trial, then a reviewer). A view's key still leaves for its view."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("c", *"Rota live", "enter")
        await settle_app(app, pilot)
        assert len(app.context.store.action_detail(1).checkins) == 1
        await pilot.press(*opening)
        await settle_app(app, pilot)
        for _ in range(2):  # each ESC u as it comes from the terminal: one read
            burst(app, "escape")
            app.post_message(glued("u"))
            await settle_app(app, pilot)
        assert len(app.context.store.action_detail(1).checkins) == 1  # not undone
        burst(app, "escape")
        app.post_message(glued("3"))
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "KpisScreen"


@pytest.mark.parametrize(("key", "form"), [("n", "ActionFormModal"), ("c", "CheckinModal")])
async def test_a_form_key_in_one_read_with_an_esc_on_the_board_opens_its_form(
    make_app, board_db: Path, key: str, form: str
) -> None:
    """esc then n, fast over SSH, came in one read: the n was dropped, and the title typed
    after it ran as board keys, where its u undid the person's check-in (a keyboard trial).
    On a view (no field, no dialog) the form key is the key as typed, and the text is the
    form's."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("c", *"Rota live", "enter")
        await settle_app(app, pilot)
        burst(app, "escape")
        app.post_message(glued(key))
        burst(app, *"undo notes")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == form
        assert "undo notes" in [field.value for field in app.screen.query(Input)]
        assert len(app.context.store.action_detail(1).checkins) == 1  # nothing undone


async def test_text_after_a_dropped_alt_key_is_dropped_too(make_app, board_db: Path) -> None:
    """Alt+u left the edit form and u was dropped, but "ndo it" after it ran as board keys:
    n opened a new action that took the rest (a keyboard trial's esc u, on the same path).
    The text behind a dropped key goes with it, and the notice names why."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        await pilot.press("c", *"Rota live", "enter", "e")
        await settle_app(app, pilot)
        count = len(app.context.store.list_actions())
        burst(app, "escape")
        app.post_message(glued("u"))
        burst(app, *"ndo it", "enter")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "BoardScreen"
        assert len(app.context.store.action_detail(1).checkins) == 1
        assert len(app.context.store.list_actions()) == count  # no "do it" added
        said = [str(n.message) for n in app._notifications]
        assert "esc and u came as one key (alt+u): what you typed after it was dropped" in said


@pytest.mark.parametrize("key", ["j", "q", "3", "slash"])
async def test_a_key_in_one_read_with_the_first_esc_of_a_typed_form_is_dropped(
    make_app, board_db: Path, key: str
) -> None:
    """esc then q, in one read, in a form with a title typed: the first esc only warns, and
    q went into the title ("Titleq"), so the next esc warned again (a retrial; j, k and 3
    alike). What comes behind that first esc is dropped, read in one go with it or not."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("n", *"Title")
        await settle_app(app, pilot)
        burst(app, "escape")
        app.post_message(glued(key))
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "ActionFormModal" and app.is_running
        assert app.screen.query_one("#title", Input).value == "Title"
        await pilot.press("escape")  # the second esc leaves, as said
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "BoardScreen"


async def test_f1_in_a_form_shows_its_keys_and_types_nothing(make_app, board_db: Path) -> None:
    """F1 in the edit form did nothing, where the README says ? or F1 show the keys that work
    where you are (? is typed in a form's field: F1 is the way there) (a retrial)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("e")
        await settle_app(app, pilot)
        title = app.screen.query_one("#title", Input).value
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "ActionFormModal" and app.screen.query("HelpPanel")
        await pilot.press("f1")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
        assert app.screen.query_one("#title", Input).value == title


async def test_a_refused_enter_lets_the_keys_after_it_go_on_at_once(
    make_app, board_db: Path
) -> None:
    """Each enter on an empty check-in held the keys after it half a second, waiting for a
    form that would not close: 30 enters (enter held down) kept the esc after them waiting
    15 s, the form deaf to every key (a tester). Refused, the keys go on at once."""
    from pdca.screens.dialogs.checkin import CheckinModal

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        burst(app, "c")
        await settle_app(app, pilot)
        assert isinstance(app.screen, CheckinModal)
        burst(app, "enter")
        for _ in range(3):
            await pilot.pause()
        assert "message is empty" in str(app.screen.query_one("#row-message").error.render())
        assert not app.key_hold.holding  # not waiting for the form to close: it will not
        burst(app, *["enter"] * 30, "escape")
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        assert app.context.store.action_detail(1).checkins == []


async def test_the_keypads_enter_sent_as_a_line_feed_is_enter(make_app, board_db: Path) -> None:
    """tmux sends the keypad's Enter as a line feed, read as ctrl+j: it opened no card and
    saved no form (a trial of terminals)."""
    from pdca.screens.dialogs.detail import ActionDetailScreen

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("ctrl+j")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionDetailScreen)
        await pilot.press("escape", "n")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        burst(app, *"Saved by the keypad")
        await pilot.press("ctrl+j")
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        titles = [a.title for a in app.context.store.list_actions()]
        assert "Saved by the keypad" in titles
