"""A check-in on one action: a short message and how it is going (on-track, at-risk, blocked)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet

from pdca.db.errors import InvalidInput
from pdca.db.models import (
    CHECKIN_STATUSES,
    Action,
    CheckinDraft,
    CheckinStatus,
    status_begun,
    status_word,
    validated,
)
from pdca.screens.dialogs.base import DialogButtons, FormDialog
from pdca.widgets.forms import FormRow
from pdca.widgets.literal_fields import LiteralInput
from pdca.widgets.marked_radio import MarkedRadioButton
from pdca.widgets.marks import COLOURS, status_mark
from pdca.widgets.text import literal, plain


@dataclass(frozen=True)
class CheckinResult:
    message: str
    status: CheckinStatus


def status_label(status: str) -> Content:
    """The status with its mark; the shape tells them apart where colour cannot."""
    glyph, role = status_mark(status)
    return Content.assemble((glyph, COLOURS[role]), " ", status)


STATUSES_IN_A_ROW = 70  # the screen's width below which the statuses are stacked


class StatusSet(RadioSet):
    """The statuses, where enter picks the highlighted one and saves, as enter saves in the
    message field (after 2 for at risk, enter did nothing a person could see, a tester).
    Space still only picks."""

    BINDINGS = [Binding("enter", "pick_and_save", "Save", show=False)]

    def highlight(self, index: int) -> None:
        self._selected = index  # the digit's status is the highlighted one too

    def action_pick_and_save(self) -> None:
        screen = self.screen
        if isinstance(screen, CheckinModal):
            screen.pick_and_save(self._selected)


class CheckinModal(FormDialog[CheckinResult | None]):
    """Asks for a check-in message and status; the caller records it."""

    DEFAULT_CSS = """
    CheckinModal {
        & #checkin-action { width: 1fr; }
        & #checkin-reason { color: $text-warning; width: 1fr; }
        & #message { width: 1fr; background: $boost; }
        & #message:focus { background: $primary 25%; }
        & #status { layout: horizontal; width: 1fr; }
        & #status > RadioButton { width: auto; margin-right: 2; }
        &.-stacked #status { layout: vertical; }
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="checkin-save"),
        # Digits type into the message; they pick a status from the status row or buttons.
        Binding("1", "status(0)", "On track", show=False, id="checkin-on-track"),
        Binding("2", "status(1)", "At risk", show=False, id="checkin-at-risk"),
        Binding("3", "status(2)", "Blocked", show=False, id="checkin-blocked"),
    ]

    def __init__(
        self, *, action: Action, reason: str | None = None, draft: CheckinResult | None = None
    ) -> None:
        super().__init__()
        self.target = action
        self.reason = reason
        self.draft = draft  # what was typed for a check-in that was not written: typed again

    def compose(self) -> ComposeResult:
        action = self.target
        with self.frame():
            yield self.heading(f"Check-in on #{action.id}")
            yield Label(
                Content.assemble((f"#{action.id} ", "$text-muted"), literal(action.title)),
                id="checkin-action",
            )
            if self.reason:
                yield Label(plain(self.reason, one_line=True), id="checkin-reason")
            yield FormRow(
                "Message",
                LiteralInput(
                    self.draft.message if self.draft else "",
                    placeholder="what happened, what is next",
                    id="message",
                    compact=True,
                    # A kept draft is added to, not typed over by the first key (a tester).
                    select_on_focus=self.draft is None,
                ),
                id="row-message",
            )
            # From the last check-in's status, as an issue keeps its state: a blocked card
            # checked in with enter became on track without anyone choosing it (a tester).
            last = action.last_checkin_status or CHECKIN_STATUSES[0]
            chosen = self.draft.status if self.draft else last
            buttons = (
                MarkedRadioButton(status_label(each), value=each == chosen, id=f"status-{each}")
                for each in CHECKIN_STATUSES
            )
            yield FormRow("Status", StatusSet(*buttons, id="status", compact=True), id="row-status")
            # The status keys type into the message, so they are not in the footer: said here
            # (a tester could not find them).
            # As the person's keymap has them: "2 at risk" after it moved to a, and a 2
            # pressed for it saved the check-in on track (a retrial)
            keys = self._status_keys()
            said = " · ".join(
                f"{key} {status.replace('-', ' ')}"
                for key, status in zip(keys, CHECKIN_STATUSES, strict=True)
            )
            yield Label(f"tab to the status, then {said}", classes="dialog--muted")
            with DialogButtons():
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def _status_keys(self) -> list[str]:
        """The keys that pick each status, as the person's keymap has them."""
        named = getattr(self.app, "key_named", lambda _id, default: default)
        return [named(f"checkin-{each}", str(n)) for n, each in enumerate(CHECKIN_STATUSES, 1)]

    def on_resize(self, event: events.Resize) -> None:
        # The three statuses side by side need about 70 columns: at 60 "blocked" was cut off
        # the edge, and at 40 its radio too (testers). Narrower, they stand one above another.
        self.set_class(event.size.width < STATUSES_IN_A_ROW, "-stacked")

    def on_mount(self) -> None:
        self.query_one("#message", Input).focus()

    def pick_and_save(self, index: int | None) -> None:
        if index is not None:
            self.action_status(index)
        self.action_save()

    def action_status(self, index: int) -> None:
        self.query_one(f"#status-{CHECKIN_STATUSES[index]}", RadioButton).value = True
        self.query_one(StatusSet).highlight(index)
        # Said at once: the set learns of it by a message, after an enter typed with the
        # digit (2 then enter saved "on track").
        self._chosen: CheckinStatus | None = CHECKIN_STATUSES[index]

    @on(RadioSet.Changed, "#status")
    def remember_status(self, event: RadioSet.Changed) -> None:
        self._chosen = CHECKIN_STATUSES[event.index]

    def chosen_status(self) -> CheckinStatus:
        chosen = getattr(self, "_chosen", None)
        if chosen is not None:
            return chosen
        pressed = self.query_one("#status", RadioSet).pressed_index
        return CHECKIN_STATUSES[pressed] if pressed >= 0 else "on-track"

    @on(Input.Changed, "#message")
    def forget_old_error(self) -> None:
        self.query_one("#row-message", FormRow).show_error(None)

    @on(Input.Submitted)
    def save_from_field(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        message = self.query_one("#message", Input).value
        try:
            draft = validated(CheckinDraft, message=message, status=self.chosen_status())
            if (meant := status_word(message)) is not None and meant != draft.status:
                # "blocked" typed as the message saved an on-track check-in saying so, which
                # the command line refuses (a hostile trial). Its key is pressed on the status
                # row: in the message it is typed (a review's "blocked3")
                key = self._status_keys()[CHECKIN_STATUSES.index(meant)]
                raise InvalidInput(
                    "message",
                    message,
                    f"is a status, not what happened: tab to the status and press {key}"
                    f" ({meant.replace('-', ' ')}), and say what happened",
                )
        except InvalidInput as error:
            self.query_one("#row-message", FormRow).show_error(str(error))
            self.query_one("#message", Input).focus()
            return
        begun = status_begun(message)
        if begun is not None and begun != draft.status:
            # as the command line notes it: "blocked on vendor" saved on track unremarked
            self.app.notify(
                f"the message begins {begun.replace('-', ' ')!r}, the check-in is"
                f" {draft.status.replace('-', ' ')}: pick the status in the form to say it is",
                severity="warning",
            )
        self.dismiss(CheckinResult(message=draft.message, status=draft.status))
