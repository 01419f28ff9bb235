"""What every dialog shares: a centred, bordered frame that scrolls, a footer, esc to cancel.

The frame's CSS is scoped by the ``Dialog`` type, which every dialog inherits, so it applies
to the dialogs only; each dialog adds its own rules scoped by its own class.
"""

from __future__ import annotations

import sys
import time
from typing import TypeVar

from textual import events, on
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, TextArea

from pdca.screens.context import view_bindings
from pdca.screens.notes_on_screen import withdraw_notes
from pdca.widgets.text import plain, quoted

ResultT = TypeVar("ResultT")
CANCEL_AGAIN_SECONDS = 12  # a second esc within this (the warning still shown) leaves

# The app's keys, which a dialog cuts off (Textual's modal binding chain), for a dialog that
# is a view to read rather than a form: ? q and 1..7 did nothing there (testers).
THE_APPS_KEYS = [
    Binding("question_mark,f1", "app.toggle_keys", "Keys", id="app-keys"),
    Binding("q", "app.quit", "Quit", show=False, id="app-quit"),
    # The views' digits: listed by ? alone. In the footer they cut the dialog's own keys and
    # the palette's off the edge at 120 columns ("6 F", a new lead's first day)
    *view_bindings("leave_for", in_footer=False),
]


class DialogButtons(HorizontalGroup):
    """A dialog's Save and Cancel, docked at the foot of its frame, and last in its tab
    order. Textual orders focus by place, and a docked row's place is the frame's foot as
    scrolled: at 40x12 tab went from Priority to Save and Cancel, then back up to the fields
    under them, and the text typed there went nowhere to be seen (a retrial)."""

    DEFAULT_CLASSES = "dialog--buttons"

    @property
    def _focus_sort_key(self) -> tuple[int, int]:
        return (sys.maxsize, 0)


class Dialog(ModalScreen[ResultT]):
    """A modal with a frame (``.dialog--frame``) over the dimmed screen; esc gives ``None``."""

    # What is typed in it is work, kept if the app quits under it (``typed_words``); a search
    # is not: a "q" left in Find a person was kept as unsaved work, and every board after it
    # said to make it again (a new user).
    KEEPS_TYPED = True
    # Its text fields take keys as they are typed: a binding of it on a character or on a
    # field's own key (backspace) never runs, and a person's keymap may not put one there
    # (tui/keymap.py form_binding_ids)
    TYPES_IN = False

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        & > .dialog--frame {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 1fr;
            border: round $primary;
            background: $surface;
            padding: 0 1;
            scrollbar-size-vertical: 1;
        }
        & .dialog--heading { text-style: bold; color: $primary; width: 1fr; }
        & .dialog--prompt { width: 1fr; margin-bottom: 1; }
        & .dialog--muted { color: $text-muted; width: 1fr; }
        /* Docked: in sight while the form above scrolls (errors under five fields pushed
           Save and Cancel below the frame at 80x24, a trial). */
        & .dialog--buttons { height: auto; padding-top: 1; dock: bottom; background: $surface; }
        & .dialog--buttons > Button { margin-right: 2; }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel"),
        # Priority: taken as the key arrives, before the keys after it go to the field that
        # has focus. Else a burst (typed fast, pasted, sent by tmux) "x1<Tab>y2" put "y2" in
        # the same field, as the field's tab bubbles up only after the rest was routed.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
        # As on the board: a dialog took ctrl+z for nothing, and the shell's fg typed next
        # went into its field (a tester). A notes field's own ctrl+z (its undo) comes first.
        Binding("ctrl+z", "app.suspend_process", show=False),
        # F1 alone: ? is typed in a form's fields. It did nothing in a form, where the
        # README says it shows the keys that work there (a retrial).
        Binding("f1", "app.toggle_keys", "Keys", id="dialog-keys", show=False),
    ]

    _answered = False
    _started_with: dict[int, str] | None = None  # each text field's value before any typing

    def on_mount(self) -> None:
        # Textual runs this after a dialog's own on_mount (each class's handler in turn, the
        # dialog's first): the fields hold what they opened with (a kept draft, the card's
        # values), and nothing typed yet. Keys typed ahead of the form are replayed into it
        # later; noted after a refresh, they counted as its start (a reviewer's burst).
        self._note_start()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Textual scrolls a field that takes focus into view only when it is not wholly in
        # view, and a field under the docked Save and Cancel counts as in view: tabbing down a
        # form at 60x20 left each field there, typed into unseen, and its error with it (a
        # keyboard trial). Scrolled to as Textual scrolls to a widget, clear of the dock.
        self.call_after_refresh(event.widget.scroll_visible, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        # The field being typed in stays in sight when the terminal shrinks: made 40x15 with
        # Notes focused, the form scrolled it out of view and typing went on unseen (a tester).
        focused = self.focused
        if focused is not None:
            self.call_after_refresh(focused.scroll_visible, animate=False)

    def _text_fields(self) -> list[tuple[str, str, int]]:
        """(name, value, identity) of each field text is typed into."""
        return [
            # a LiteralTextArea's own text, not its document's stand-ins (a review)
            (
                field.id or "text",
                field.value if isinstance(field, Input) else _text_of(field),
                id(field),
            )
            for field in self.query("Input, TextArea").results()
            if isinstance(field, Input | TextArea)
        ]

    def _note_start(self) -> None:
        self._started_with = {key: value for _, value, key in self._text_fields()}

    def typed_words(self) -> str | None:
        """What was typed into this dialog and not saved, in words printed once the app has
        ended (``title 'Rota'``), or None: ctrl+q over a form quit at once, and what was
        typed was gone without a word (a tester)."""
        if self._answered or self._started_with is None or not self.KEEPS_TYPED:
            return None
        changed = [
            f"{name} {quoted(value)}{self.typed_meaning(name, value)}"
            for name, value, key in self._text_fields()
            if value.strip() and value != self._started_with.get(key, "")
        ]
        if not changed:
            return None
        headings = self.query(".dialog--heading")
        heading = str(headings.first(Label).render()) if headings else type(self).__name__
        return f"{heading}: {', '.join(changed)}"

    def typed_meaning(self, name: str, value: str) -> str:
        """What field ``name``'s ``value`` stood for when typed, said after it (`` (due
        2026-11-30)``), or "": a due of '+1w' kept in a file meant another day when typed
        again (a tester)."""
        return ""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Answer once. A second key before the dialog has gone (enter pressed twice, a slow
        terminal) is ignored: answering again would close the screen beneath it."""
        if self._answered:
            return AwaitComplete()
        self._answered = True
        return super().dismiss(result)

    def frame(self, *, can_focus: bool = False) -> VerticalScroll:
        """The dialog's box: it scrolls when the terminal is too small for it (80x24 and less)."""
        return VerticalScroll(classes="dialog--frame", can_focus=can_focus)

    @staticmethod
    def heading(text: str) -> Label:
        return Label(plain(text, one_line=True), classes="dialog--heading")

    def action_leave_for(self, mode: str) -> None:
        """A view's number key (``THE_APPS_KEYS``): the dialog closes and that view opens."""
        self.dismiss(None)
        self.app.call_later(self.app.switch_mode, mode)

    def action_cancel(self) -> None:
        """Leave without an answer; the caller writes nothing."""
        self.dismiss(None)


class FormDialog(Dialog[ResultT]):
    """A dialog saved and left with its Save and Cancel buttons (``#save``, ``#cancel``) as
    with its keys: the check-in, the action form and the note dialogs."""

    TYPES_IN = True

    # The text field typed in last (changed while it had focus): the one focused last was an
    # empty Note tabbed through, and "5" meant for the value went there (a retrial)
    _typing_in: Input | TextArea | None = None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self._typing_in = event.input

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.has_focus:
            self._typing_in = event.text_area

    def on_key(self, event: events.Key) -> None:
        """A character typed with the focus on a button or a choice (a tab too many) goes on
        into the text field typed in last (else the first), and focus with it: "all good"
        typed on Save saved the check-in at its space, the words gone (a review); typed on
        the status choices, it was dropped with "e does nothing here" (a keys trial). A key
        the focused control or the form binds (a choice's space, a status digit) does what it
        does; a space on a button, which binds none, is typed too ("Rota livefor", a retrial)."""
        focused = self.focused
        if (
            not event.is_printable
            or event.character is None
            or focused is None
            or isinstance(focused, Input | TextArea)
            or event.key in self.active_bindings
        ):
            return
        covers = getattr(self.app, "keys_list_covers", None)  # pdca's app (not a harness's)
        if covers is not None and covers():
            return  # under the ? list: the key closes it and does no more (the app's)
        field: Widget | None = self._typing_in
        if field is None or not field.is_attached or field.disabled:
            field = next(
                (f for f in self.query("Input, TextArea").results() if not f.disabled), None
            )
        if not isinstance(field, Input | TextArea):
            return
        event.stop()
        event.prevent_default()
        # a field taking focus selects its text, and the next key replaced it
        selects = isinstance(field, Input) and field.select_on_focus
        if isinstance(field, Input) and selects:
            field.select_on_focus = False
        self.set_focus(field)  # at once: the keys after it go there (``focus()`` waits)
        if selects:
            field.call_later(setattr, field, "select_on_focus", True)  # after its Focus
        # At the end of its text, whatever was selected there: tabbing into a field selects
        # it all, and the selection stayed, so "and" typed on Save replaced a whole message
        # (a retrial). The words go on where they were going.
        if isinstance(field, Input):
            field.cursor_position = len(field.value)
            field.insert_text_at_cursor(event.character)
        elif not field.read_only:
            field.move_cursor(field.document.end)
            field.insert(event.character)

    _cancel_warned_of: str | None = None  # what the last "esc again" warning was about
    _cancel_warned_at = -float(CANCEL_AGAIN_SECONDS)
    _cancel_warning: str | None = None  # its words, taken off the screen with the form

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        # The form gone, saved or left, its "esc again" warning goes too: it stayed for its
        # 12 s beside "added #41", and over the next view's dialog (a reviewer).
        if (warning := self._cancel_warning) is not None:
            withdraw_notes(self.app, lambda message: message == warning)
        return super().dismiss(result)

    def action_cancel(self) -> None:
        """Leave without an answer; with text typed and not saved, only when asked again: one
        esc threw a long note away without a word and with no way back (a power user)."""
        typed = self.typed_words()
        fresh = time.monotonic() - self._cancel_warned_at < CANCEL_AGAIN_SECONDS
        if typed is not None and not (fresh and typed == self._cancel_warned_of):
            self._cancel_warned_of, self._cancel_warned_at = typed, time.monotonic()
            key = self._key_of("dialog-cancel", "esc")
            save = self._key_of(None, "ctrl+s", action="save")
            self._cancel_warning = f"not saved: {key} again leaves without it, {save} saves"
            self.notify(self._cancel_warning, severity="warning", timeout=CANCEL_AGAIN_SECONDS)
            # Keys typed on as if the form had closed (esc 3 for the KPIs, board keys) are
            # not this form's text: they went into its field ("abc3"). A second esc leaves.
            stay = getattr(self.app, "keys_stay_here", None)  # pdca's app (not a harness's)
            if stay is not None:
                stay(frozenset({"escape"}))
            return
        self.dismiss(None)

    def on_form_row_refused(self) -> None:
        # Its save refused (an error under a field): the keys typed after the enter go on
        # into the form at once, not after the half second a key that leaves a field holds
        # them; enter held down on an empty check-in kept esc waiting 15 s (a tester)
        stays = getattr(self.app, "form_stays", None)  # pdca's app (not a harness's)
        if stays is not None:
            stays()

    def _key_of(self, binding_id: str | None, default: str, *, action: str | None = None) -> str:
        """The key that runs a binding of this dialog now (a person may have remapped it)."""
        for active in self.active_bindings.values():
            binding = active.binding
            if (binding_id is not None and binding.id == binding_id) or (
                action is not None and binding.action == action
            ):
                return self.app.get_key_display(binding)
        return default

    def action_save(self) -> None:
        raise NotImplementedError

    @on(Button.Pressed, "#save")
    def save_from_button(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def cancel_from_button(self) -> None:
        self.dismiss(None)  # the button says what it does: no second ask


def _text_of(field: TextArea) -> str:
    """A text area's text as it would be saved: a ``LiteralTextArea``'s ``kept_text``."""
    kept = getattr(field, "kept_text", None)
    return kept if isinstance(kept, str) else field.text
