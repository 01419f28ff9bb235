"""The form for a new action or an edit: title, owner, due, repeat (new ones), priority,
initiative, KPI, notes.

It returns what was typed, checked by the same rules the store applies (``ActionDraft``,
``parse_date``); the caller writes it. Every bad field is reported at once, each under its
field, so a person fixes them in one pass instead of one save per mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer, Input, Label, TextArea

from pdca.db.dates import parse_date
from pdca.db.errors import InvalidInput
from pdca.db.models import PRIORITIES, ActionDraft, priority_of, validated
from pdca.db.plain import shown_value
from pdca.db.recurrence_rules import EXPECTED as RULE_EXPECTED
from pdca.db.recurrence_rules import parse as parse_rule
from pdca.screens.dialogs.base import DialogButtons, FormDialog
from pdca.widgets.forms import (
    REPEAT_EXAMPLES,
    FormRow,
    completion,
    due_hint,
    known_name,
    repeat_hint,
    suggest_from,
)
from pdca.widgets.literal_fields import LiteralInput
from pdca.widgets.literal_text_area import LiteralTextArea
from pdca.widgets.text import plain

FIELDS = ("title", "owner", "due", "every", "priority", "initiative", "kpi", "notes")
# ActionDraft needs a title to exist at all; this stand-in lets each other field be checked
# on its own, so one bad field does not hide the next.
_STAND_IN_TITLE = "-"


@dataclass(frozen=True)
class ActionFormResult:
    """What the form holds once valid; ``None`` means "none" for the optional fields."""

    title: str
    owner: str | None
    due: date | None
    initiative: str | None
    kpi: str | None
    notes: str
    every: str | None = None  # a repeat rule (db/recurrence_rules.py), new actions only
    priority: str = "normal"


def check_action_form(
    *,
    title: str,
    owner: str,
    due: str,
    initiative: str,
    kpi: str,
    notes: str,
    today: date,
    initiatives: Sequence[str],
    kpis: Sequence[str],
    require_owner_and_due: bool = False,
    every: str = "",
    priority: str = "normal",
) -> tuple[ActionFormResult | None, dict[str, str]]:
    """The result, or the one-line error of every bad field (keyed by field, in form order)."""
    errors: dict[str, str] = {}

    def check(field: str, **values: object) -> None:
        try:
            validated(ActionDraft, **{"title": _STAND_IN_TITLE, **values})
        except InvalidInput as error:
            errors[field] = str(error)

    check("title", title=title)

    owner_login = owner.strip() or None
    if owner_login is not None and owner_login.lower() == "none":  # as the command line says it
        owner_login = None
    if owner_login is None:
        if require_owner_and_due:
            errors["owner"] = "owner: Do needs an owner"
    else:
        check("owner", owner=owner_login)

    due_date: date | None = None
    # "none" clears it, as the command line's --due none does (the form refused it: a trial)
    if not due.strip() or due.strip().lower() == "none":
        if require_owner_and_due:
            errors["due"] = "due: Do needs a due date"
    else:
        try:
            due_date = parse_date(due, today, "due")
        except InvalidInput as error:
            errors["due"] = str(error)

    rule: str | None = None
    if every.strip():
        try:
            rule = parse_rule(every).text()
        except InvalidInput as error:
            if error.why == RULE_EXPECTED:
                errors["every"] = f"repeat: not a rule; try {REPEAT_EXAMPLES}"
            else:  # a rule, but N out of range or a day twice: said, as the command line does
                why = error.why.split(" (expected one of:")[0]
                errors["every"] = str(InvalidInput("repeat", every.strip(), why))
    # What the field offers greyed is what saving takes ("hig" showed "high" and was
    # refused), and what the command line takes: urgent, medium, P1 (the form refused
    # "urgent" that --priority took, a Taskwarrior user's trial).
    chosen_priority = priority_of(priority) if priority.strip() else "normal"
    check("priority", priority=chosen_priority)

    names: dict[str, str | None] = {}
    for field, text, known, kind in (
        ("initiative", initiative, initiatives, "initiative"),
        ("kpi", kpi, kpis, "KPI"),
    ):
        try:
            names[field] = known_name(field, text, known, kind)
        except InvalidInput as error:
            errors[field] = str(error)

    check("notes", notes=notes)

    if errors:
        return None, {field: errors[field] for field in FIELDS if field in errors}
    result = ActionFormResult(
        title=title,
        owner=owner_login,
        due=due_date,
        initiative=names["initiative"],
        kpi=names["kpi"],
        notes=notes,
        every=rule,
        priority=chosen_priority,
    )
    return result, {}


def _input(
    name: str,
    value: str | None,
    placeholder: str,
    suggest: Sequence[str] | None = None,
    *,
    select_on_focus: bool = True,
) -> Input:
    """A one-line field; compact, so the whole form fits 80x24 with room for its errors."""
    return LiteralInput(
        value or "",
        placeholder=placeholder,
        suggester=suggest_from(suggest) if suggest else None,
        select_on_focus=select_on_focus,
        compact=True,
        id=name,
    )


class ActionFormModal(FormDialog[ActionFormResult | None]):
    """Asks for an action's fields; dismisses with an ``ActionFormResult`` only when valid."""

    DEFAULT_CSS = """
    ActionFormModal {
        & FormRow { margin-bottom: 0; }
        & Input.-textual-compact { width: 1fr; background: $boost; }
        & Input.-textual-compact:focus { background: $primary 25%; }
        & #due { width: 22; }
        & #every { width: 22; }
        & #priority { width: 22; }
        /* the text under the other fields' (a text area's left padding stood it a cell right) */
        & #notes { height: 6; width: 1fr; background: $boost; padding: 0 1 0 0; }
        & #notes:focus { background: $primary 25%; }
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="action-form-save"),
        # Tab takes an initiative's or KPI's name shown greyed, as enter does, then moves on:
        # "Faster" with "Faster support" offered was refused on save (a tester).
        Binding("tab", "take_and_next", show=False, priority=True),
    ]

    def __init__(
        self,
        *,
        heading: str,
        today: date,
        people: list[str],
        initiatives: list[str],
        kpis: list[str],
        initial: ActionFormResult | None = None,
        require_owner_and_due: bool = False,
        repeat: bool = False,
        names_now: Callable[[], tuple[list[str], list[str], list[str]]] | None = None,
        due_fixed: bool = False,
        start_on: str | None = None,
    ) -> None:
        super().__init__()
        # A done action's due date is what it was done against (it says whether it finished
        # late): shown, not typed over (a quality manager moved one to hide a late finish).
        self.due_fixed = due_fixed
        self.repeat = repeat  # a new action may repeat; an edit leaves its rule as it is
        # The file's people, initiatives and KPIs as they are now, read again when a name
        # the form does not know is saved.
        self.names_now = names_now
        self._heading = heading
        self.today = today
        self.people = list(people)
        self.initiatives = list(initiatives)
        self.kpis = list(kpis)
        self.initial = initial or ActionFormResult("", None, None, None, None, "")
        self.require_owner_and_due = require_owner_and_due
        # Asked for what a move needs: the cursor starts on the first field missing.
        needed = (("owner", self.initial.owner), ("due", self.initial.due))
        missing = [name for name, value in needed if not value and require_owner_and_due]
        # Else where it was asked to (the owner, for a): its text selected, so typing
        # replaces it.
        self.start_on = missing[0] if missing else start_on
        # A new owner the form asked about ("er: did you mean erin?"): saved as typed when
        # saved again unchanged.
        self.owner_asked: str | None = None

    def typed_meaning(self, name: str, value: str) -> str:
        if name != "due":
            return ""
        try:
            meant = f"{parse_date(value, self.today):%Y-%m-%d}"
        except InvalidInput:
            return ""
        return "" if meant == value.strip() else f" (meaning {meant})"  # a date says itself

    def compose(self) -> ComposeResult:
        start = self.initial
        due_text = start.due.isoformat() if start.due else ""
        must = " (needed)" if self.require_owner_and_due else ""
        with self.frame():
            yield self.heading(self._heading)
            # Editing a title should not wipe it on the first key, so no select-on-focus.
            title = _input("title", start.title, "what will change", select_on_focus=False)
            yield FormRow("Title", title, id="row-title")
            owner_hint = f"a login{must or ', or blank for nobody'}"
            owner = _input("owner", start.owner, owner_hint, suggest=self.people)
            yield FormRow("Owner", owner, id="row-owner")
            # An example date ahead of today: a fixed one was a date gone by (a tester)
            due = _input("due", due_text, f"fri, +2w, {self.today + timedelta(days=30)}{must}")
            hint = due_hint(due_text, self.today)
            if self.due_fixed:  # an example date there read as its value (a reviewer)
                due.disabled, due.placeholder = True, "none"
                # as the command line says it: "done against it: stays" read terse (a retrial)
                hint = "the date it was done against stays" if due_text else "done with none"
            yield FormRow("Due", due, hint=Label(plain(hint), id="due-hint"), id="row-due")
            if self.repeat:
                yield FormRow(
                    "Repeat",
                    _input("every", start.every, "blank: once"),
                    hint=Label("", id="every-hint"),
                    id="row-every",
                )
            priority = _input("priority", start.priority, "high, normal or low", list(PRIORITIES))
            # Shown beside it: the field holds "normal", so its placeholder never showed, and a
            # new lead had to guess the others (a trial).
            choices = Label("high, normal or low", id="priority-hint")
            yield FormRow("Priority", priority, hint=choices, id="row-priority")
            initiative = _input(
                "initiative", start.initiative, "a known initiative, or blank", self.initiatives
            )
            yield FormRow("Initiative", initiative, id="row-initiative")
            kpi = _input("kpi", start.kpi, "a known KPI, or blank", suggest=self.kpis)
            yield FormRow("KPI", kpi, id="row-kpi")
            notes = LiteralTextArea(start.notes, soft_wrap=True, compact=True, id="notes")
            yield FormRow("Notes", notes, id="row-notes")
            with DialogButtons():
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        if self.start_on is not None:  # before the screen's own first focus (on the title)
            self.set_focus(self.query_one(f"#{self.start_on}", Input))

    # ------------------------------------------------------------------ as you type

    @on(Input.Changed, "#due")
    def show_resolved_due(self, event: Input.Changed) -> None:
        if self.due_fixed:  # its value set at mount: the hint says why it stays
            return
        self.query_one("#due-hint", Label).update(plain(due_hint(event.value, self.today)))

    @on(Input.Changed, "#every")
    def show_repeat(self, event: Input.Changed) -> None:
        due = self.query_one("#due", Input).value
        hint = repeat_hint(event.value, due, self.today)
        self.query_one("#every-hint", Label).update(plain(hint))

    @on(Input.Changed)
    @on(TextArea.Changed)
    def forget_old_error(self, event: Input.Changed | TextArea.Changed) -> None:
        # The message described the old text; keeping it while the person fixes it misleads.
        field_id = event.control.id if event.control else None
        if field_id in FIELDS:
            self.query_one(f"#row-{field_id}", FormRow).show_error(None)

    # ------------------------------------------------------------------ saving

    def _take_completion(self, field: Input) -> bool:
        """Put the completion offered for ``field`` in it; whether there was one."""
        names = {"owner": self.people, "initiative": self.initiatives, "kpi": self.kpis}
        offered = completion(field.value, names.get(field.id or "", []))
        if offered is None:
            return False
        field.value = offered
        field.cursor_position = len(offered)
        return True

    @on(Input.Submitted)
    def save_from_field(self, event: Input.Submitted) -> None:
        # Enter while a completion is shown greyed takes it, as it looks it will: saving "al"
        # when "alice" was offered would quietly make a new person "al".
        if not self._take_completion(event.input):
            self.action_save()

    def action_take_and_next(self) -> None:
        # Only where a name must already exist: a new owner "ann" is no typo of "anna", and
        # tab taking "anna" would hand the action to the wrong person (a reviewer).
        field = self.focused
        if isinstance(field, Input) and field.id in ("initiative", "kpi"):
            # Tab is a priority binding: it runs before the field has handled the letters
            # typed just ahead of it, still in its queue. Taken there, after them: "Fas" tab
            # completed "F" and then got "as" ("Faster supportas", a tester typing fast).
            field.call_later(self._take_then_next, field)
        else:
            self.focus_next()

    def _take_then_next(self, field: Input) -> None:
        if self.focused is field:  # not moved meanwhile (a click, a second tab)
            self._take_completion(field)
            self.focus_next()

    def action_save(self) -> None:
        """Check every field; show each error under its field, or dismiss with the result."""

        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        def check() -> tuple[ActionFormResult | None, dict[str, str]]:
            return check_action_form(
                title=text("title"),
                owner=text("owner"),
                due=text("due"),
                initiative=text("initiative"),
                kpi=text("kpi"),
                priority=text("priority"),
                notes=self.query_one("#notes", LiteralTextArea).kept_text,
                today=self.today,
                initiatives=self.initiatives,
                kpis=self.kpis,
                require_owner_and_due=self.require_owner_and_due,
                every=text("every") if self.repeat else "",
            )

        result, errors = check()
        if ("initiative" in errors or "kpi" in errors) and self.names_now is not None:
            # Named since the form opened (or renamed back): the file's names as they are now,
            # not as they were (a tester could not save a KPI that existed again).
            self.people, self.initiatives, self.kpis = self.names_now()
            result, errors = check()
        for row in self.query(FormRow):
            row.show_error(errors.get((row.id or "").removeprefix("row-")))
        if result is None:
            self.query_one(f"#{next(iter(errors))}").focus()
            return
        if self._refused_as_a_case_slip(result.owner) or self._asked_about_new_owner(result.owner):
            return
        self.dismiss(result)

    def _refused_as_a_case_slip(self, owner: str | None) -> bool:
        """An owner new to the file that differs from one of its people only in case (``Bob``
        beside bob) is refused under its field, as the store refuses it: saved, it made a
        person of its own and the work left bob's list (a Taskwarrior user's trial)."""
        if owner is None or owner in self.people or owner == self.initial.owner:
            return False  # (as it came: a new action's is the one writing, whatever its case)
        alike = sorted((p for p in self.people if p.lower() == owner.lower()), key=_lower_first)
        if not alike:
            from pdca.db.store import case_slip_outside_the_file

            # an account here not yet in the file (Ben for ben): the store refuses it, and
            # the form closed on it (a reviewer)
            meant = case_slip_outside_the_file(owner, self.initial.owner or "")
            alike = [meant] if meant is not None else []
        if not alike:
            return False
        self.query_one("#row-owner", FormRow).show_error(
            f"owner: {shown_value(owner)} is not one of this file's people; did you mean"
            f" {alike[0]}? (logins are case-sensitive)"
        )
        self.query_one("#owner", Input).focus()
        return True

    def _asked_about_new_owner(self, owner: str | None) -> bool:
        """Ask once before an owner new to the file who begins a known person's login is
        saved: "er" typed, tab pressed (which takes an initiative's offer, not an owner's) and
        saved made a person "er" where "erin" was meant (a new user). Saved again unchanged,
        it is saved as typed: "ann" may be new beside "anna"."""
        if owner is None or owner == self.owner_asked:
            return False
        if self.names_now is not None and completion(owner, self.people) is not None:
            self.people = self.names_now()[0]  # someone may be new since the form opened
        offered = completion(owner, self.people)
        if offered is None:
            return False
        from pdca.db.access import a_persons_account

        # looked up only when there is something to ask (not at every save)
        if a_persons_account(owner):  # ann beside anne: a person of their own (a retrial)
            return False
        self.owner_asked = owner
        self.query_one("#row-owner", FormRow).show_error(
            f"owner: {shown_value(owner)} is new to this file; did you mean {shown_value(offered)}?"
            " → takes it; ctrl+s saves it as typed"
        )
        self.query_one("#owner", Input).focus()
        return True


def _lower_first(login: str) -> tuple[bool, str]:
    """A login in lower case before one alike in capitals, as logins are (the store's order)."""
    return login != login.lower(), login
