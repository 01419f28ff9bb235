"""A line of words about something already chosen (an alert's acknowledgement, why a change
slipped): one field, enter saves, esc cancels. Returns the words, or ``""`` when they may be
left out and were."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Footer, Input, Label

from pdca.db.errors import InvalidInput
from pdca.screens.dialogs.base import DialogButtons, FormDialog
from pdca.widgets.forms import FormRow
from pdca.widgets.literal_fields import LiteralInput
from pdca.widgets.text import plain


class NoteModal(FormDialog[str | None]):
    """Asks for a note (subclassed per use, for the save key's id). ``check`` turns what was
    typed into what is kept, or raises ``InvalidInput``, shown under the field (the draft
    models' own rule, so the dialog and the store never disagree)."""

    DEFAULT_CSS = """
    NoteModal {
        & .note--about { width: 1fr; }
        & #note { width: 1fr; background: $boost; }
        & #note:focus { background: $primary 25%; }
    }
    """

    # No bindings here: each use binds ctrl+s with its own id, so a keymap can remap one.

    def __init__(
        self,
        *,
        heading: str,
        about: str,
        check: Callable[[str], str],
        placeholder: str,
        save_label: str = "Save",
        hint: str | None = None,
        draft: str | None = None,
        about_id: str = "note-about",
    ) -> None:
        super().__init__()
        self._heading = heading
        self.about = about
        self.check = check
        self.placeholder = placeholder
        self.save_label = save_label
        self.hint = hint
        self.draft = draft  # a note kept from a refused save, to send again
        self.about_id = about_id

    def compose(self) -> ComposeResult:
        with self.frame():
            yield self.heading(self._heading)
            yield Label(plain(self.about, one_line=True), id=self.about_id, classes="note--about")
            yield FormRow(
                "Note",
                LiteralInput(
                    self.draft or "", placeholder=self.placeholder, id="note", compact=True
                ),
                id="row-note",
            )
            if self.hint:
                yield Label(self.hint, classes="dialog--muted")
            with DialogButtons():
                yield Button(self.save_label, variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Changed, "#note")
    def forget_old_error(self) -> None:
        self.query_one("#row-note", FormRow).show_error(None)

    @on(Input.Submitted)
    def save_from_field(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            kept = self.check(self.query_one("#note", Input).value)
        except InvalidInput as error:
            # Named as the field on screen is: the store's "message:" read as another field
            # (a tester's follow-up note).
            shown = InvalidInput("note", error.value, error.why)
            self.query_one("#row-note", FormRow).show_error(str(shown))
            self.query_one("#note", Input).focus()
            return
        self.dismiss(kept)
