"""One action in full: its fields, notes, check-ins and history, in one scrollable view.

Everything a person typed (title, notes, messages, names, event summaries) is drawn through
``literal``, so "[bold]" or an escape sequence in a title shows as those characters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, Static

from pdca.db.accountability_models import Followup
from pdca.db.accountability_rules import days_recorded_late
from pdca.db.errors import PdcaError
from pdca.db.models import VERDICT_WORDS, ActionDetail, Checkin, Event
from pdca.screens.context import PaletteEntry
from pdca.screens.dialogs.base import THE_APPS_KEYS, Dialog
from pdca.widgets.change_lines import changed_fields
from pdca.widgets.marks import COLOURS, REPEAT_MARK, status_mark
from pdca.widgets.text import literal
from pdca.widgets.when import local_day, short_time

_MUTED = "$text-muted"
_LABEL_WIDTH = 11

Shown = tuple[ActionDetail, "str | None"]  # the action in full, and its repeat rule


def _fact(label: str, *parts: str | tuple[str, str]) -> Content:
    return Content.assemble((label.ljust(_LABEL_WIDTH), _MUTED), *parts)


def _section(title: str, id: str | None = None) -> Label:
    return Label(title, classes="action-detail--section", markup=False, id=id)


AT_THE_END = math.inf  # ``scrolled``: at the end of the history


class ActionDetailScreen(Dialog[str | None]):
    """Shows one action; dismisses with "edit", "checkin", "next", "back", "undo" or
    ``None``."""

    DEFAULT_CSS = """
    ActionDetailScreen {
        & > .dialog--frame { width: 78; height: 1fr; }
        & > .dialog--frame:focus { border: round $accent; }
        & .action-detail--section { text-style: bold; color: $primary; margin-top: 1; }
        & Static { width: 1fr; }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close", id="detail-close"),
        Binding("e", "answer('edit')", "Edit", id="detail-edit"),
        Binding("c", "answer('checkin')", "Check-in", id="detail-checkin"),
        # The board's > and < (its ids: remapped there, remapped here), then the detail again
        Binding("greater_than_sign,shift+right", "answer('next')", "Next phase", id="board-next"),
        Binding("less_than_sign,shift+left", "answer('back')", "Back", id="board-back"),
        # As in every view (it did nothing here, a tester): closes, and undoes on the board.
        Binding("u", "answer('undo')", "Undo", id="board-undo"),
        # j, k, g and G scroll it as in every view (they did nothing here, a keyboard trial)
        Binding("j", "scroll_by(1)", "Scroll down", show=False, id="detail-down"),
        Binding("k", "scroll_by(-1)", "Scroll up", show=False, id="detail-up"),
        Binding("g", "scroll_to_end(False)", "Top", show=False, id="detail-top"),
        Binding("G", "scroll_to_end(True)", "Bottom", show=False, id="detail-bottom"),
        *THE_APPS_KEYS,
    ]

    def action_scroll_by(self, lines: int) -> None:
        self.query_one(".dialog--frame", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_scroll_to_end(self, bottom: bool) -> None:
        frame = self.query_one(".dialog--frame", VerticalScroll)
        (frame.scroll_end if bottom else frame.scroll_home)(animate=False)

    def palette_commands(self) -> list[PaletteEntry]:
        """The detail's keys by name in the palette: none were there, and "back" found
        Suspend (a palette trial). Not those the detail's keys would not run (an action
        gone: nothing left to edit or check in on)."""
        entries = [
            PaletteEntry("Edit action", "Edit this action", partial(self.action_answer, "edit"),
                         "detail-edit"),
            PaletteEntry("Check in", "Record progress on this action",
                         partial(self.action_answer, "checkin"), "detail-checkin"),
            PaletteEntry("Next phase: move on", "Plan → Do → Check → Act, asking what each needs",
                         partial(self.action_answer, "next"), "board-next"),
            PaletteEntry("Back: move to the previous phase", "Back one phase",
                         partial(self.action_answer, "back"), "board-back"),
            PaletteEntry("Undo", "Revert your last change", partial(self.action_answer, "undo"),
                         "board-undo"),
        ]  # fmt: skip
        allowed = [
            entry
            for entry, answer in zip(
                entries, ("edit", "checkin", "next", "back", "undo"), strict=True
            )
            if self.check_action("answer", (answer,)) is not False
        ]
        close = PaletteEntry(
            "Close the action",
            "Back to where it was opened",
            self.action_cancel,
            "detail-close",
        )
        return [*allowed, close]

    def __init__(
        self,
        *,
        detail: ActionDetail,
        today: date,
        repeats: str | None = None,
        reread: Callable[[], Shown | None] | None = None,
        scrolled: float = 0,
    ) -> None:
        """``scrolled``: where the detail this one follows was scrolled to (a key answered
        there, a refused ``<`` or an edit, opens it again: it opened at its top, a tester's
        place at the history lost)."""
        super().__init__()
        self.scrolled = scrolled
        self.detail = detail
        self.today = today
        self.repeats = repeats  # its repeat rule ("week mon", or "stopped"), if it has one
        # The action as it is now, when someone wrote (None once it is gone): a detail that
        # stayed as it was opened showed a check-in made since as none (a tester).
        self.reread = reread
        self.gone = False

    def compose(self) -> ComposeResult:
        # The frame is focusable so arrows and page keys scroll it.
        with self.frame(can_focus=True):
            yield Static(id="detail-title")
            yield Static(id="detail-facts")
            yield _section("Notes")
            yield Static(id="notes")
            yield _section("Check-ins", id="detail-checkins-title")
            yield Static(id="detail-checkins")
            # Only for standardized work: the others never have follow-up audits.
            yield _section("Follow-ups", id="detail-followups-title")
            yield Static(id="detail-followups")
            yield _section("History")
            yield Static(id="detail-history")
        yield Footer()

    def on_mount(self) -> None:
        self.show_detail()
        frame = self.query_one(".dialog--frame", VerticalScroll)
        if self.scrolled == AT_THE_END:  # at the history's end, where what just happened is
            self.call_after_refresh(frame.scroll_end, animate=False)
        elif self.scrolled:
            self.call_after_refresh(frame.scroll_to, y=self.scrolled, animate=False)

    def show_detail(self) -> None:
        action = self.detail.action
        title = Content.assemble((f"#{action.id} ", "bold"), (literal(action.title), "bold"))
        if self.gone:
            title += Content.styled("  (no longer in the file)", "$error bold")
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-facts", Static).update(Content("\n").join(self._facts()))
        notes = literal(action.notes, one_line=False)
        self.query_one("#notes", Static).update(
            Content(notes) if notes else Content.styled("none", _MUTED)
        )
        checkins = self.query_one("#detail-checkins-title", Label)
        checkins.update(f"Check-ins ({len(self.detail.checkins)})")
        self.query_one("#detail-checkins", Static).update(
            self._lines(map(_checkin, self.detail.checkins))
        )
        followups = self.detail.followups
        for part in ("#detail-followups-title", "#detail-followups"):
            self.query_one(part).display = bool(followups)
        self.query_one("#detail-followups", Static).update(self._lines(map(_followup, followups)))
        self.query_one("#detail-history", Static).update(
            self._lines(_event(e, self.detail.names) for e in self.detail.history)
        )

    def on_database_changed(self) -> None:
        if self.reread is None or self.gone:
            return
        try:
            shown = self.reread()
        except PdcaError as error:  # read again in a message handler: said, never a crash
            self.notify(str(error), severity="error", timeout=8)
            return
        if shown is None:
            self.gone = True
            self.refresh_bindings()  # e and c: nothing left to edit or check in on
        else:
            self.detail, self.repeats = shown
        frame = self.query_one(".dialog--frame", VerticalScroll)
        at_end = frame.scroll_y >= frame.max_scroll_y  # one that fits is read to its end
        self.show_detail()
        if at_end:  # read at its end, it follows what is added there (a retrial's stayed put)
            self.call_after_refresh(frame.scroll_end, animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and self.gone and parameters != ("undo",):
            return False  # nothing left to edit or check in on; an undo is the person's
        return super().check_action(action, parameters)

    @staticmethod
    def _lines(lines: Iterable[Content]) -> Content:
        joined = Content("\n").join(lines)
        return joined if joined.plain else Content.styled("none", _MUTED)

    def _facts(self) -> list[Content]:
        action = self.detail.action
        if action.done_at:  # as pdca show says it: "phase Plan" on an abandoned card (a tester)
            ended = (f"  from {action.phase.capitalize()}, {local_day(action.done_at)}", _MUTED)
            facts = [_fact("phase", f"Done ({action.decision})", ended)]
        else:
            since = (f"  since {local_day(action.phase_since)}", _MUTED)
            facts = [_fact("phase", action.phase.capitalize(), since)]
        # "—", not "nobody": nobody is a login (the unprivileged user's) a person may own
        facts.append(_fact("owner", literal(action.owner) if action.owner else ("—", _MUTED)))
        facts.append(_fact("due", *self._due()))
        facts.append(_fact("priority", action.priority))
        facts.append(
            _fact("initiative", literal(action.initiative) if action.initiative else ("—", _MUTED))
        )
        facts.append(_fact("KPI", literal(action.kpi) if action.kpi else ("—", _MUTED)))
        cycle = f"cycle {action.cycle}"
        if action.parent_id is not None:
            cycle += f" of #{action.parent_id}"
        if self.detail.next_cycles:
            cycle += "; next: " + ", ".join(f"#{n}" for n in self.detail.next_cycles)
        facts.append(_fact("cycle", cycle))
        if self.repeats is not None:
            words = (  # the rule as stored: written by pdca, or by hand with sqlite3
                literal(self.repeats)
                if self.repeats.startswith(("after", "stopped"))
                else f"every {literal(self.repeats)}"
            )
            rule = f"  rule {action.recurrence_id} (pdca recur list)"
            facts.append(_fact("repeats", f"{REPEAT_MARK} {words}", (rule, _MUTED)))
        glyph, role = status_mark(action.last_checkin_status)
        if action.last_checkin_at:
            last: tuple[str, ...] = (
                f"{action.last_checkin_status}, {short_time(action.last_checkin_at)}",
            )
        else:
            last = ("never",)
        stale = ("  stale", "$warning bold") if action.stale else ""
        facts.append(_fact("check-in", (glyph, COLOURS[role]), " ", *last, stale))
        if action.verdict:
            facts.append(_fact("verdict", VERDICT_WORDS.get(action.verdict, action.verdict)))
        if action.decision:
            facts.append(_fact("decision", action.decision))
        if action.done_at:
            facts.append(_fact("done", short_time(action.done_at)))
        facts.append(
            _fact("created", f"{short_time(action.created_at)} by {literal(action.created_by)}")
        )
        return facts

    def _due(self) -> tuple[str | tuple[str, str], ...]:
        action = self.detail.action
        if not action.due:
            return (("none", _MUTED),)
        try:
            due = date.fromisoformat(action.due)
        except ValueError:
            return (literal(action.due),)
        shown = f"{due:%a} {action.due}"
        late = (self.today - due).days
        if action.done_at is None and late > 0:
            # "!" as well as colour: an overdue date must read on a monochrome terminal.
            return ((f"{shown}  ! {late}d late", "$error bold"),)
        return (shown,)

    def action_answer(self, answer: str) -> None:
        frame = self.query_one(".dialog--frame", VerticalScroll)
        # At the end it opens at the end, however much the answer added (a move, a conflict
        # and "write mine" put their lines below the screen, a reviewer)
        at_end = frame.max_scroll_y > 0 and frame.scroll_y >= frame.max_scroll_y
        self.scrolled = AT_THE_END if at_end else frame.scroll_y
        self.dismiss(answer)


def _checkin(checkin: Checkin) -> Content:
    glyph, role = status_mark(checkin.status)
    colour, said = COLOURS[role], str(checkin.status)
    if checkin.kind == "followup":
        # What the audit found, as the log says it: "● on-track follow-up (holding)" read
        # as an ordinary check-in (a tester).
        glyph, colour, said = "⚑", "$accent", f"follow-up {checkin.result or ''}".rstrip()
    return Content.assemble(
        (short_time(checkin.at), _MUTED),
        " ",
        literal(checkin.author),
        " ",
        (glyph, colour),
        f" {said}: ",
        literal(checkin.message, one_line=False),
    )


def _followup(followup: Followup) -> Content:
    """``60-day  due 2027-01-22  ben`` for one to do; what it found, when and by whom,
    for one done."""
    due = Content.assemble(f"{followup.offset_days}-day".ljust(8), f"due {followup.due}  ")
    if followup.done_at is None:
        holder = literal(followup.owner) if followup.owner else ("—", _MUTED)
        late = ("  ! due", "$warning bold") if followup.is_due else ""
        return Content.assemble(due, holder, late)
    reopened = f" (reopened as #{followup.reopened_id})" if followup.reopened_id else ""
    if followup.closed_by_a_slip:  # not a second slip: one counted as two (a tester)
        closed = f"closed {local_day(followup.done_at)}: an earlier one slipped{reopened}"
        return Content.assemble(due, (closed, _MUTED))
    days_late = days_recorded_late(followup.due, followup.done_at)
    return Content.assemble(
        due,
        ("⚑", "$accent"),
        f" {followup.result} {local_day(followup.done_at)} by ",
        literal(followup.done_by or "—"),
        (f", {days_late}d late", "$warning") if days_late else "",
        reopened,
    )


def _event(event: Event, names: Mapping[str, Mapping[int, str]]) -> Content:
    head = Content.assemble(
        (short_time(event.at), _MUTED), " ", literal(event.actor), " ", literal(event.summary)
    )
    changes = [Content.styled(f"    {line}", _MUTED) for line in changed_fields(event, names)]
    return Content("\n").join([head, *changes])
