"""Pieces the dialogs build forms from: a captioned row with its error line, and field checks.

A row is dumb: the dialog puts a control in it and later tells it which error to show. The
checks are pure functions (no Textual), so a form's rules are testable without an app.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Label

from pdca.db.dates import nearer_last_year, parse_date
from pdca.db.errors import InvalidInput
from pdca.widgets.literal_fields import in_place
from pdca.widgets.text import plain

DATE_FORMS = "YYYY-MM-DD, today, +3d, +2w, fri, next fri, eow, eom"
REPEAT_EXAMPLES = "day, week mon, 2 weeks fri, month 15, month last-fri, after 7 days"


class FieldError(Label):
    """The one-line message under a field; takes no room while there is nothing wrong."""

    DEFAULT_CSS = """
    FieldError {
        width: 1fr;
        color: $text-error;
        text-style: bold;
        display: none;
        &.-shown { display: block; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", classes="-error", markup=False, id=id)
        self.message: str | None = None

    def show(self, message: str | None) -> None:
        """Show ``message`` (the one-line error, which may quote user text), or hide."""
        self.message = message or None
        self.update(plain(message, one_line=True))
        self.set_class(bool(message), "-shown")


class FormRow(HorizontalGroup):
    """A caption, then the field (with an optional hint beside it) and its error under it."""

    DEFAULT_CSS = """
    FormRow {
        height: auto;
        & > .form-row--caption { width: 12; color: $text-muted; }
        /* -focused, not :focus-within: Textual restyled the row, not its caption, as focus
           moved, and Title's stayed lit whatever field had focus (a tester). */
        &.-focused > .form-row--caption { color: $text-accent; text-style: bold; }
        & > .form-row--body { width: 1fr; height: auto; }
        & .form-row--line { height: auto; }
        /* At most half the line, wrapped within it: a long hint ("? YYYY-MM-DD, today, ...")
           was cut at the frame, even at 120 columns (a tester). */
        & .form-row--hint {
            color: $text-muted; width: auto; max-width: 50%; height: auto; margin-left: 1;
        }
        /* Too narrow for a hint beside its field: under it (at 40 columns "→ Fri 2026-12-11"
           had no room at all, and at 50 read "→ Fri 2026", a tester). */
        &.-stacked .form-row--line { layout: vertical; }
        &.-stacked .form-row--hint { max-width: 100%; margin-left: 0; }
    }
    """
    STACKED_BELOW = 60  # a row narrower than this puts its hint under the field

    def __init__(
        self, caption: str, field: Widget, *, hint: Widget | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.caption = caption
        self.field = field
        self.hint = hint
        # The error's id follows the field's, so tests and callers can find "#title-error".
        self.error = FieldError(id=f"{field.id}-error" if field.id else None)

    def compose(self) -> ComposeResult:
        yield Label(plain(self.caption), classes="form-row--caption")
        with VerticalGroup(classes="form-row--body"):
            with HorizontalGroup(classes="form-row--line"):
                yield self.field
                if self.hint is not None:
                    self.hint.add_class("form-row--hint")
                    yield self.hint
            yield self.error

    def on_resize(self) -> None:
        self.set_class(self.hint is not None and self.size.width < self.STACKED_BELOW, "-stacked")

    def on_click(self, event: events.Click) -> None:
        # A click on the caption is one on its field, as a label's is in a web form (a
        # tester's click on "KPI" did nothing).
        if event.widget is not None and event.widget.has_class("form-row--caption"):
            self.field.focus()

    def on_descendant_focus(self) -> None:
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")

    class Refused(Message):
        """An error is shown under this row's field: the key that was to save and leave the
        form (enter, ctrl+s) did not leave it, and the keys typed after it are the form's."""

    def show_error(self, message: str | None) -> None:
        self.error.show(message)
        if message:
            self.post_message(self.Refused())
        if self.hint is not None:
            # The error says what the hint says, and more ("? YYYY-MM-DD, today, ..." above
            # "due: 'zzz' is not a date (use YYYY-MM-DD, today, ...)"): two lines each took
            # the room the form's Save needed at 80x24 (a trial). Back as the text changes.
            self.hint.display = not message


def offerable(names: Sequence[str]) -> list[str]:
    """The names a field may offer as it is typed: an offer is drawn greyed after the text as
    it is (``Input`` draws it raw), so a name holding a control or an escape is never offered;
    it can still be typed, and picked from a list."""
    return [name for name in names if in_place(name) == name]


def suggest_from(names: Sequence[str]) -> SuggestFromList:
    """Completion from a list of names; case does not matter, the stored spelling is offered."""
    return SuggestFromList(offerable(names), case_sensitive=False)


def completion(text: str, names: Sequence[str]) -> str | None:
    """The name ``SuggestFromList`` offers for ``text`` (first one it starts), unless complete.

    ``None`` when nothing is typed, nothing matches, or the text already is a name in any case.
    """
    folded = text.casefold()
    if not folded or any(name.casefold() == folded for name in names):
        return None
    return next((name for name in offerable(names) if name.casefold().startswith(folded)), None)


def known_name(field: str, text: str, names: Sequence[str], kind: str) -> str | None:
    """A blank means none; a known name in any case is given back as stored; others are refused.

    The database compares these names without case (``COLLATE NOCASE``), so "ops" finds "Ops".
    """
    wanted = text.strip()
    if not wanted:
        return None
    found = matching_name(wanted, names)
    if found is None:  # in the command line's words: curly quotes, close names offered
        from pdca.db.unknown_names import UnknownName

        raise UnknownName(field, wanted, names, kind=kind, listing="")
    return found


def matching_name(typed: str, names: Sequence[str]) -> str | None:
    """The name ``typed`` means: itself, else the one name that reads the same in lower case
    and Unicode's composed form. Not casefold: "Maße" then meant "Masse", and a tester's
    action was linked to the wrong initiative without a word."""
    if typed in names:
        return typed
    from pdca.db.text_rules import name_key

    alike = [name for name in names if name_key(name) == name_key(typed)]
    if len(alike) != 1:  # else typed as the app shows it: an emoji without its joiner, an
        # escape spelled out ("is not a known KPI; did you mean" the same, a retrial)
        from pdca.widgets.text import literal

        alike = [name for name in names if literal(name) == typed]
    return alike[0] if len(alike) == 1 else None


def due_hint(text: str, today: date) -> str:
    """What a due date as typed resolves to, for the hint beside the field.

    Quiet while typing: half a word ("fr") is not an error until the form is saved.
    """
    if not text.strip():
        return ""
    if text.strip().lower() == "none":  # clears it, as --due none does
        return "→ no due date"
    try:
        resolved = parse_date(text, today)
    except InvalidInput:
        return f"? {DATE_FORMS}"
    if nearer_last_year(text, resolved, today):  # "Dec 3" three days gone (a retrial)
        return f"→ {resolved:%a %Y-%m-%d}, not the past one"
    return f"→ {resolved:%a %Y-%m-%d}"


def repeat_hint(text: str, due_text: str, today: date) -> str:
    """What a repeat rule as typed means, for the hint beside the field: its first date (the
    due date typed, or the rule's first from today) and the one after."""
    from pdca.db import recurrence_rules as rr

    if not text.strip():
        return ""
    try:
        rule = rr.parse(text)
    except InvalidInput:
        return f"? {REPEAT_EXAMPLES}"
    try:
        due = parse_date(due_text, today) if due_text.strip() else None
    except InvalidInput:
        due = None
    if rule.after_done:
        first_due = due or rr.first_date(rule, today)
        when = f"first {first_due:%a %b %d}, then " if first_due else ""
        return f"→ {when}{rule.every} days after each is done"
    first = due or rr.first_date(rule, today)  # the date a save would give it
    if first is None:  # the rule's dates all lie past the last one pdca schedules
        return "→ no date ahead"
    following = rr.next_after(rule, first, first)
    if following is None:
        return f"→ {first:%a %b %d}, the last one"
    return f"→ {first:%a %b %d}, then {following:%a %b %d}, …"
