"""Text fields draw user text literally: a stored title's escapes never reach the terminal of
whoever edits it, and a save of an untouched field writes back exactly what was there."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App
from textual.widgets import Input, TextArea

from pdca.db.models import ActionDraft
from pdca.db.text_rules import UNSAFE
from pdca.widgets.forms import completion, offerable
from pdca.widgets.literal_fields import in_place
from tests.tui.conftest import SIZE, settle_app

HOSTILE_TITLE = "esc \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 cr\rbell\x07 \u202eevil \x9b2J"
HOSTILE_NOTES = "line \x1b[5mblink\x1b[0m\nsecond\r line\ttabbed"
RAW = ("\x1b", "\r", "\x07", "\u202e", "\x9b")


def drawn(widget: Input | TextArea, lines: int = 1) -> str:
    return "\n".join(widget.render_line(y).text for y in range(lines))


async def _edit_form(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """The board up, and ``e`` on its first card: the edit form open."""
    await settle_app(app, pilot)
    await pilot.press("e")
    await settle_app(app, pilot)


@given(st.text())
def test_in_place_swaps_one_character_for_one(text: str) -> None:
    shown = in_place(text)
    assert len(shown) == len(text)
    assert not UNSAFE.search(shown)
    assert all(a == b for a, b in zip(text, shown, strict=True) if not UNSAFE.match(a))


def test_controls_are_drawn_as_their_pictures() -> None:
    assert in_place("a\x1b[1m\r\x7f\x00") == "a\u241b[1m\u240d\u2421\u2400"
    assert in_place("\u202e\x9b") == "\ufffd\ufffd"
    assert in_place("a\tb", keep_tabs=True) == "a\tb"
    # Emoji as they are, joiners, selectors and modifiers too: not terminal control.
    for emoji in ("\U0001f1eb\U0001f1f7", "\u2764\ufe0f", "\U0001f44d\U0001f3fd", "a\u200db"):
        assert in_place(emoji) == emoji


async def test_the_edit_form_draws_a_hostile_title_literally_and_keeps_it(
    make_app, store, db_path: Path
) -> None:
    action = store.add_action(ActionDraft(title=HOSTILE_TITLE, notes=HOSTILE_NOTES, owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _edit_form(app, pilot)
        title = app.screen.query_one("#title", Input)
        notes = app.screen.query_one("#notes", TextArea)
        assert title.value == HOSTILE_TITLE  # the value itself is kept
        shown_title, shown_notes = drawn(title), drawn(notes, 3)
        for char in RAW:
            assert char not in shown_title and char not in shown_notes
        assert "\u241b[31mRED" in shown_title and "\u240d" in shown_title
        assert "\u241b[5mblink" in shown_notes
        # The cursor at the end of the title sits one cell past what is drawn.
        title.cursor_position = len(title.value)
        assert title._cursor_offset == len(in_place(HOSTILE_TITLE)) + 1
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        kept = app.context.store.get_action(action.id)
        assert (kept.title, kept.notes) == (HOSTILE_TITLE, HOSTILE_NOTES)


async def test_a_carriage_return_in_the_notes_outlives_an_edit_of_another_line(
    make_app, store, db_path: Path
) -> None:
    """``pdca add --notes $'a cr\\rover'``, then e, a letter typed at the end and ctrl+s:
    the "\\r" nobody touched came back a newline (a trial). It is drawn as ␍ and kept."""
    notes_given = "a cr\rover\r\nnext line"
    action = store.add_action(ActionDraft(title="Rota", notes=notes_given, owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _edit_form(app, pilot)
        notes = app.screen.query_one("#notes", TextArea)
        assert drawn(notes, 1).startswith("a cr\u240dover")  # one line, its CR shown
        notes.focus()
        notes.move_cursor(notes.document.end)
        await pilot.press("x")
        # what quitting now would print as not saved: the CR, not the stand-in (a review)
        words = app.screen.typed_words()  # type: ignore[attr-defined]
        assert "\ufdd0" not in words and "a cr\\rover" in words, words
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert app.context.store.get_action(action.id).notes == notes_given + "x"


async def test_every_line_break_but_the_newline_is_kept_shown_copied_and_never_pasted() -> None:
    """A form feed, U+2028 or NEL in notes came back a newline after an edit, as a lone CR
    had; a copy of the notes and the text printed at quit gave the stand-in U+FDD0, and a
    pasted U+FDD0 was saved as a carriage return (a review)."""
    from textual import events
    from textual.app import App

    from pdca.widgets.literal_text_area import LiteralTextArea

    given = "a\x0cb\u2028c\x85d\re\x0bf\nnext"

    class Notes(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield LiteralTextArea(given, id="notes")

    app = Notes()
    async with app.run_test(size=SIZE) as pilot:
        notes = app.query_one(LiteralTextArea)
        assert notes.document.line_count == 2  # one break: the newline
        # "\r\n" beside "\n": an edit made every "\n" a "\r\n" (a retrial)
        mixed = LiteralTextArea("a\r\nb\nc")
        await app.mount(mixed)
        mixed.move_cursor(mixed.document.end)
        mixed.insert("Z")
        assert mixed.kept_text == "a\r\nb\ncZ" and mixed.document.line_count == 3
        # all "\r\n": the text area's own way, kept
        windows = LiteralTextArea("a\r\nb")
        await app.mount(windows)
        windows.move_cursor(windows.document.end)
        windows.insert("Z")
        assert windows.kept_text == "a\r\nbZ"
        assert drawn(notes).startswith("a\u240cb\ufffdc\ufffdd\u240de\u240bf")
        notes.select_all()
        assert notes.selected_text == given
        notes.move_cursor(notes.document.end)
        notes.focus()
        app.post_message(events.Paste("\ufdd0!"))  # as the terminal's: to the app
        await pilot.pause()
        assert notes.kept_text == given + "\ufffd!"
        # cut: the clipboard gets the form feed, not its stand-in; pasted back, it is one
        # again, not a newline (a review)
        notes.selection = type(notes.selection)((0, 1), (0, 2))
        notes.action_cut()
        assert app.clipboard == "\x0c"
        notes.move_cursor(notes.document.end)
        notes.action_paste()
        app.post_message(events.Paste("x\u2028y"))
        await pilot.pause()
        assert notes.kept_text == "ab\u2028c\x85d\re\x0bf\nnext\ufffd!\x0cx\u2028y"
        assert notes.document.line_count == 2
        # a note with no break of its own takes a pasted one as itself too
        plain = LiteralTextArea("plain")
        await app.mount(plain)
        plain.focus()
        plain.move_cursor(plain.document.end)
        app.post_message(events.Paste(" x\x0cy"))
        await pilot.pause()
        assert plain.kept_text == "plain x\x0cy" and plain.document.line_count == 1


async def test_ctrl_end_and_ctrl_home_go_to_the_notes_end_and_start(
    make_app, store, db_path: Path
) -> None:
    """ctrl+end did nothing in the notes, and " appended" typed after it went to their
    start (a trial)."""
    action = store.add_action(ActionDraft(title="Rota", notes="one\ntwo", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _edit_form(app, pilot)
        app.screen.query_one("#notes", TextArea).focus()
        await pilot.pause()
        await pilot.press("ctrl+end", *" end", "ctrl+home", *"start ", "ctrl+s")
        await settle_app(app, pilot)
        assert app.context.store.get_action(action.id).notes == "start one\ntwo end"


async def _check_in_message(app, pilot) -> Input:  # type: ignore[no-untyped-def]
    """The board's check-in form opened on the first card, its message field focused."""
    await settle_app(app, pilot)
    await pilot.press("c")
    await settle_app(app, pilot)
    message = app.screen.query_one("#message", Input)
    message.focus()
    return message


async def test_a_pasted_escape_in_a_check_in_is_drawn_literally(
    make_app, store, db_path: Path
) -> None:
    action = store.add_action(ActionDraft(title="plain", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        message = await _check_in_message(app, pilot)
        message.insert_text_at_cursor("done \x1b[2J\x1b]0;x\x07")
        await pilot.pause()
        assert "\x1b" not in drawn(message) and "\u241b[2J" in drawn(message)
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        checkins = app.context.store.action_detail(action.id).checkins
        assert [c.message for c in checkins] == ["done \x1b[2J\x1b]0;x\x07"]


def test_a_name_holding_an_escape_is_never_offered_as_typed() -> None:
    """An offer is drawn greyed after the typed text by Textual, raw: such a name is not
    offered (it can still be typed in full)."""
    names = ["Evil \x1b]0;pwned\x07 init", "Everyday ops", "\u2764\ufe0f NPS"]
    assert offerable(names) == ["Everyday ops", "\u2764\ufe0f NPS"]  # emoji are offered
    assert completion("ev", names) == "Everyday ops"
    assert completion("evil", names) is None


async def test_a_burst_of_keys_keeps_its_order_in_the_forms_fields(
    make_app, board_db: Path
) -> None:
    """Keys sent at once, as SSH delivers a burst: a backspace or an arrow between typed
    characters applies where it came (Textual ran bound keys after the characters typed just
    after them: "b", "a", backspace, "c" gave "bac"; Textual issue #6605)."""
    from textual import events

    burst = [("b", "b"), ("a", "a"), ("backspace", None), ("c", "c"), ("left", None), ("x", "x")]
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle_app(app, pilot)
        message = app.screen.query_one("#message", Input)
        message.focus()
        await pilot.pause()
        for key, character in burst:
            app.post_message(events.Key(key, character))
        await settle_app(app, pilot)
        assert message.value == "bxc"
        await pilot.press("escape", "escape")  # the second leaves without it
        await settle_app(app, pilot)
        await pilot.press("e")
        await settle_app(app, pilot)
        notes = app.screen.query_one("#notes", TextArea)
        notes.focus()
        notes.text = ""
        await pilot.pause()
        for key, character in burst:
            app.post_message(events.Key(key, character))
        await settle_app(app, pilot)
        assert notes.text == "bxc"


def test_the_textual_parts_the_fields_rely_on_are_there() -> None:
    """The fields lean on a few private parts of Textual (its drawing of an Input's value, its
    cell arithmetic, the screen's binding chain): a release that renames them fails here."""
    from textual.screen import Screen

    for name in ("_value", "_position_to_cell", "_cell_offset_to_index", "_on_key"):
        assert hasattr(Input, name), name
    assert hasattr(TextArea, "_on_key") and hasattr(TextArea, "get_line")
    assert hasattr(Screen, "_modal_binding_chain")  # tui/footer.py
    from textual.binding import BindingsMap

    assert hasattr(Input(), "_bindings") and hasattr(BindingsMap, "apply_keymap")
    assert isinstance(App()._keymap, dict)


async def test_right_arrow_in_a_burst_takes_the_offer_for_what_was_just_typed(
    make_app, board_db: Path
) -> None:
    """ "b", right arrow typed at once in the owner field: "bob", as typed slowly (Textual
    asks the suggester on a worker, which had not answered when the arrow came)."""
    from textual import events

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle_app(app, pilot)
        owner = app.screen.query_one("#owner", Input)
        owner.focus()
        await pilot.pause()
        for key, character in [("b", "b"), ("right", None), ("x", "x")]:
            app.post_message(events.Key(key, character))
        await settle_app(app, pilot)
        assert owner.value == "bobx"


async def test_a_whole_form_typed_at_once_takes_the_offer_before_moving_on(
    make_app, board_db: Path
) -> None:
    """n, a title, tab, "b", right arrow, tab, all at once: the owner is "bob". The keys
    after a tab are handed to the owner field before the screen's focus is there, and the
    arrow then bubbled to the app behind the second tab (the owner stayed "b"; a tester)."""
    from textual import events

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        for key in ["n", "T", "tab", "b", "right", "tab"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle_app(app, pilot)
        assert app.screen.query_one("#owner", Input).value == "bob"


async def test_a_pasted_paragraph_goes_into_a_one_line_field_whole(
    make_app, store, db_path: Path
) -> None:
    """A tester pasted two lines into the check-in message: only the first was saved. A tab
    (spreadsheet cells side by side) is a space, as a line end is (a global team's trial)."""
    from textual import events

    action = store.add_action(ActionDraft(title="plain", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        message = await _check_in_message(app, pilot)
        message.post_message(events.Paste(" and "))  # one line: as it is, spaces kept
        await pilot.pause()
        assert message.value == " and "
        message.value = ""
        message.post_message(events.Paste("line one\r\n\n  line two\tmore\n"))
        await pilot.pause()
        assert message.value == "line one line two more"
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
    said = [c.message for c in app.context.store.action_detail(action.id).checkins]
    assert said == ["line one line two more"]


async def test_typed_joiners_and_direction_marks_are_kept_as_a_paste_keeps_them() -> None:
    """Textual inserts only what isprintable() calls printable: a family emoji typed (its
    zero-width joiners between the faces) came apart into three faces, where a paste kept it
    (a tester). Both fields keep every format character typed."""
    from textual import events

    from pdca.widgets.literal_fields import LiteralInput
    from pdca.widgets.literal_text_area import LiteralTextArea

    family = "👩\u200d👩\u200d👧 \u200ftext"

    class Fields(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield LiteralInput(id="one")
            yield LiteralTextArea(id="many")

    app = Fields()
    async with app.run_test(size=SIZE) as pilot:
        for selector in ("#one", "#many"):
            field = app.query_one(selector)
            field.focus()
            await pilot.pause()
            for char in family:
                field.post_message(events.Key(char, char))
            await pilot.pause()
            value = field.value if isinstance(field, Input) else field.text  # type: ignore[union-attr]
            assert value == family, (selector, value)
        # Over a selection, then typing on: the mark stays, as a typed letter would
        many = app.query_one("#many", LiteralTextArea)
        many.text = "hello world"
        many.select_line(0)
        many.selection = type(many.selection)((0, 0), (0, 5))
        for char in ("\u200d", "x"):
            many.post_message(events.Key(char, char))
        await pilot.pause()
        assert many.text == "\u200dx world"
