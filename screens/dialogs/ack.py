"""Acknowledge a drift alert: what is being done about it, in a line. Returns the note."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.widgets import Button, Footer, Input, Label

from pdca.db.errors import InvalidInput
from pdca.db.models import AcknowledgementNote, Alert, validated
from pdca.screens.dialogs.base import Dialog
from pdca.widgets.forms import FormRow
from pdca.widgets.literal_fields import LiteralInput
from pdca.widgets.text import plain
from pdca.widgets.when import short_time


class AckModal(Dialog[str | None]):
    """Asks for the acknowledgement's note (required, like a check-in's message); the caller
    writes it."""

    DEFAULT_CSS = """
    AckModal {
        & #ack-about { width: 1fr; }
        & #note { width: 1fr; background: $boost; }
        & #note:focus { background: $primary 25%; }
    }
    """

    BINDINGS = [Binding("ctrl+s", "save", "Acknowledge", id="ack-save")]

    def __init__(self, *, alert: Alert, draft: str | None = None) -> None:
        super().__init__()
        self.alert = alert
        self.draft = draft  # a note kept from a refused save, to send again

    def compose(self) -> ComposeResult:
        alert = self.alert
        with self.frame():
            yield self.heading(f"Acknowledge alert {alert.id}: {alert.kpi}")
            cause = f"signal: {alert.rule_text}" if alert.rule_text else "threshold breach"
            about = (
                f"{cause}; raised {short_time(alert.raised_at)}, waiting for {alert.assignee}"
                f" by {short_time(alert.ack_due)}" + ("  OVERDUE" if alert.overdue else "")
            )
            yield Label(plain(about, one_line=True), id="ack-about")
            yield FormRow(
                "Note",
                LiteralInput(
                    self.draft or "",
                    placeholder="what is being done about it",
                    id="note",
                    compact=True,
                ),
                id="row-note",
            )
            with HorizontalGroup(classes="dialog--buttons"):
                yield Button("Acknowledge", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Changed, "#note")
    def forget_old_error(self) -> None:
        self.query_one("#row-note", FormRow).show_error(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save_from_field(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def cancel_from_button(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        try:
            draft = validated(AcknowledgementNote, note=self.query_one("#note", Input).value)
        except InvalidInput as error:
            self.query_one("#row-note", FormRow).show_error(str(error))
            self.query_one("#note", Input).focus()
            return
        self.dismiss(draft.note)
