"""Record a KPI reading from the app: a value, when it was measured (now unless said) and a
note. ``pdca kpi record`` was the only way, and the KPIs view named none (a newcomer looked
for one in the view, the detail, the palette and the check-in form, whose gate into Check
says "a check-in or KPI reading")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer, Input, Label

from pdca.db.clock import typed_moment
from pdca.db.errors import InvalidInput
from pdca.db.kpi_rules import refuse_future_reading
from pdca.db.models import NOTES_MAX, Kpi, _at_most, parse_number, shown_number
from pdca.screens.dialogs.base import DialogButtons, FormDialog
from pdca.widgets.forms import FormRow
from pdca.widgets.literal_fields import LiteralInput
from pdca.widgets.text import plain
from pdca.widgets.when import short_time


@dataclass(frozen=True)
class ReadingEntry:
    """What the form holds: as typed (kept when the write fails), and as read."""

    value_text: str
    when_text: str
    note: str
    value: float = 0.0
    at: datetime | None = None  # None: now, as the write takes it


FIELDS = ("value", "when", "note")


class ReadingModal(FormDialog[ReadingEntry | None]):
    """Asks for a reading of ``kpi``; the caller records it. ``now``: the clock's, for the
    days people type (``yesterday``)."""

    DEFAULT_CSS = """
    ReadingModal {
        & #reading-about { width: 1fr; }
        & #value, & #when, & #note { width: 1fr; background: $boost; }
        & #value:focus, & #when:focus, & #note:focus { background: $primary 25%; }
    }
    """

    BINDINGS = [Binding("ctrl+s", "save", "Record", id="reading-save")]

    def __init__(self, *, kpi: Kpi, now: datetime, draft: ReadingEntry | None = None) -> None:
        super().__init__()
        self.kpi = kpi
        self.now = now
        self.draft = draft  # what was typed for a reading that was not written: typed again

    def compose(self) -> ComposeResult:
        kpi, draft = self.kpi, self.draft
        unit = f" {kpi.unit}" if kpi.unit else ""
        latest = (
            f"latest {shown_number(kpi.latest_value)}{unit}, {short_time(kpi.latest_at)}"
            if kpi.latest_value is not None and kpi.latest_at
            else "no reading yet"
        )
        with self.frame():
            yield self.heading(f"Record a reading: {kpi.name}")
            yield Label(plain(latest, one_line=True), id="reading-about")
            typed = draft or ReadingEntry("", "", "")
            for name, label, placeholder, text in (
                ("value", "Value", f"a number{' in' + unit if unit else ''}", typed.value_text),
                ("when", "When", "now (or 2026-11-23T09:30, yesterday, -2d)", typed.when_text),
                ("note", "Note", "why, or where from (optional)", typed.note),
            ):
                yield FormRow(
                    label,
                    LiteralInput(text, placeholder=placeholder, id=name, compact=True),
                    id=f"row-{name}",
                )
            with DialogButtons():
                yield Button("Record", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    @on(Input.Changed)
    def forget_old_error(self, event: Input.Changed) -> None:
        if event.input.id in FIELDS:
            self.query_one(f"#row-{event.input.id}", FormRow).show_error(None)

    @on(Input.Submitted)
    def save_from_field(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        typed = {name: self.query_one(f"#{name}", Input).value for name in FIELDS}
        try:
            entry = self.read(typed)
        except InvalidInput as error:
            self.query_one(f"#row-{error.field}", FormRow).show_error(str(error))
            self.query_one(f"#{error.field}", Input).focus()
            return
        self.dismiss(entry)

    def read(self, typed: dict[str, str]) -> ReadingEntry:
        """The entry, or ``InvalidInput`` naming the field (``value``, ``when``, ``note``)."""
        if not typed["value"].strip():
            raise InvalidInput("value", typed["value"], "is required: the number measured")
        value = parse_number(typed["value"], "value")
        at = None
        if typed["when"].strip() and typed["when"].strip().lower() != "now":  # now: at Record
            at = typed_moment(typed["when"], self.now, "when")
            try:
                refuse_future_reading(at, self.now, "when")
            except InvalidInput as error:  # as typed, with what it means (as the CLI says it)
                if typed["when"].strip() == error.value:
                    raise
                why = f"means {error.value}, which {error.why}"
                raise InvalidInput("when", typed["when"], why) from None
        try:
            _at_most(NOTES_MAX)(typed["note"])
        except ValueError as error:
            raise InvalidInput("note", typed["note"], str(error)) from None
        return ReadingEntry(typed["value"], typed["when"], typed["note"], value, at)
