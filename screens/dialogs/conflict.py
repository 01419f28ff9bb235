"""Someone saved the action while you edited it: whose version wins, or edit again.

Nothing is overwritten silently (the house rule); the person sees both versions side by side,
the fields that differ marked by a sign as well as colour, and decides.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import Button, Footer, Label

from pdca.screens.dialogs.base import Dialog, DialogButtons
from pdca.widgets.text import literal, plain
from pdca.widgets.when import short_time

DIFFERS = "≠"


def changed_line(
    action_id: int, by: str | None, at: str | None, what: str | None = None, me: str | None = None
) -> str:
    """``bob changed #12 at 2026-11-23 09:00 since you opened it (moved #12 from plan to
    do)``: what the change was, too, a restore above all (its file and time), which a person
    must know to choose between the versions. ``me``: who is asked; their own change came
    from elsewhere ("ann changed #28" was said to ann of her other session, a tester)."""
    when = f" at {short_time(at)}" if at else ""
    how = f" ({literal(what)})" if what else ""
    if by is not None and by == me:
        return f"You changed #{action_id}{when} elsewhere (another pdca, or the command line){how}"
    who = literal(by) if by else "Someone"
    who = who[:1].upper() + who[1:] if who.startswith("you ") else who  # "You and ben"
    return f"{who} changed #{action_id}{when} since you opened it{how}"


CONTEXT = 8  # characters kept before the first difference of two long values
# Values this long or shorter show whole in the dialog's columns at 80 columns and wider:
# "…card A small y" was cut from a 20-character title that fitted at 120 (a trial)
FITS_WHOLE = 32


def from_the_difference(yours: str, theirs: str) -> tuple[str, str]:
    """Both values from a little before where they first differ, marked with "…", when
    they share a long start: a title both people added a word to the end of read the same
    in both columns, the difference cut off."""
    same = 0
    for a, b in zip(yours, theirs, strict=False):
        if a != b:
            break
        same += 1
    if yours == theirs or same <= 2 * CONTEXT or max(len(yours), len(theirs)) <= FITS_WHOLE:
        return yours, theirs
    start = same - CONTEXT
    word = yours.rfind(" ", 0, start) + 1  # from the start of that word, when it is near
    if word and start - word <= CONTEXT:
        start = word
    return "…" + yours[start:], "…" + theirs[start:]


class ConflictModal(Dialog[str | None]):
    """Dismisses with "theirs", "mine" or "edit" (or ``None`` on esc)."""

    DEFAULT_CSS = """
    ConflictModal {
        /* Wide, and a field that differs wraps over a few lines: at 76 columns both titles
           were cut before the words that differed, and choosing was a guess (a tester). */
        & > .dialog--frame { width: 96%; max-width: 140; }
        & #conflict-by { color: $text-warning; width: 1fr; margin-bottom: 1; }
        & #conflict-both { width: 1fr; margin-top: 1; }
        & #conflict-table {
            grid-size: 4;
            grid-columns: 2 11 1fr 1fr;
            grid-gutter: 0 1;
            height: auto;
        }
        & #conflict-table > Label {
            width: 1fr;
            height: 1;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        & #conflict-table > .-header { text-style: bold; color: $text-muted; }
        & #conflict-table > .-differs {
            color: $text-warning; text-style: bold; height: auto; max-height: 4; text-wrap: wrap;
        }
        /* Under 50 columns the three buttons stack (the third was cut off at 40, a tester)
           and the values get the field column's room (a due date read "2026-11-…"). */
        &.-tight {
            & > .dialog--frame { width: 100%; }
            & #conflict-table { grid-columns: 1 9 1fr 1fr; }
            & .dialog--buttons { layout: vertical; }
            & .dialog--buttons > Button { margin-right: 0; }
        }
    }
    """
    # Its own breakpoints: the app's are -narrow under 100 columns (the help panel's).
    HORIZONTAL_BREAKPOINTS = [(0, "-tight"), (50, "-narrow"), (100, "-roomy")]

    BINDINGS = [
        # esc keeps the edit for the next e on the card: "Cancel" did not say what went
        Binding("escape", "cancel", "Later", id="conflict-later"),
        Binding("t", "resolve('theirs')", "Keep theirs", id="conflict-theirs"),
        Binding("m", "resolve('mine')", "Write mine", id="conflict-mine"),
        Binding("e", "resolve('edit')", "Edit again", id="conflict-edit"),
    ]

    def __init__(
        self,
        *,
        action_id: int,
        mine: dict[str, str],
        theirs: dict[str, str],
        by: str | None,
        at: str | None,
        what: str | None = None,
        again: bool = False,
        pending: str | None = None,
        me: str | None = None,
        clashing: tuple[str, ...] = (),
        mine_alone: tuple[str, ...] = (),
        move_to: str | None = None,
        moving: bool = False,
    ) -> None:
        """``again``: "Write mine" met yet another change: said in the heading, else the
        dialog came back looking the same, and m seemed to do nothing (a tester).
        ``pending``: the edit waiting on the choice, in words (``edit of #27: title ...``).
        ``clashing``: the fields both changed; ``mine_alone``: those only mine changed,
        saved whichever is chosen (Keep theirs seemed to drop them, a retrial).
        ``moving``: it came from a move's form (> asking for an owner and a due date), which
        the heading says ("changed while you edited it" to a lead moving a card)."""
        super().__init__()
        self.moving = moving
        self.clashing = clashing
        self.mine_alone = mine_alone
        self.move_to = move_to  # the form's move: said, which choice makes it (a retrial)
        self.again = again
        self.pending = pending
        self.action_id = action_id
        self.mine = dict(mine)
        self.theirs = dict(theirs)
        self.by = by
        self.at = at
        self.what = what
        self.me = me

    def typed_words(self) -> str | None:
        """The edit waiting on this choice, as typed words: quit, a kill or a hang-up over
        the dialog lost it without a word, where the form it came from would have printed
        it (a hostile tester)."""
        return None if self._answered else self.pending

    def fields(self) -> list[str]:
        """Mine first, in the caller's order, then any only theirs has."""
        return [*self.mine, *(name for name in self.theirs if name not in self.mine)]

    def compose(self) -> ComposeResult:
        with self.frame():
            yield self.heading(
                f"#{self.action_id} changed again while you chose: nothing written yet"
                if self.again
                else f"#{self.action_id} changed while you {'moved' if self.moving else 'edited'}"
                " it"
            )
            yield Label(
                plain(changed_line(self.action_id, self.by, self.at, self.what, self.me)),
                id="conflict-by",
            )
            with Grid(id="conflict-table"):
                # "if mine": theirs with my changes, what Write mine writes; "yours" read
                # as the form as it was, and showed the other person's due date (a tester).
                for text in ("", "field", "if mine", "theirs"):
                    yield Label(text, classes="-header", markup=False)
                for name in self.fields():
                    yours, others = self.mine.get(name, ""), self.theirs.get(name, "")
                    differs = "-differs" if yours != others else ""
                    yield Label(DIFFERS if differs else "", classes=differs, markup=False)
                    yield Label(plain(name, one_line=True), classes=differs)
                    # One line per field: notes run to "…"; a newline shows as \n. Two long
                    # values that differ late start near where they differ.
                    yours, others = from_the_difference(yours, others)
                    yield Label(plain(yours or "—", one_line=True), classes=differs)
                    yield Label(plain(others or "—", one_line=True), classes=differs)
            if self.move_to is not None:
                yield Label(
                    f"Write mine also moves it to {self.move_to}; Keep theirs saves none of"
                    " yours and leaves it where it is.",
                    id="conflict-both",
                    markup=False,
                )
            elif self.clashing and self.mine_alone:
                yield Label(
                    f"Both changed {', '.join(self.clashing)}: that is the choice. Keep theirs"
                    f" and Write mine both save your {', '.join(self.mine_alone)}.",
                    id="conflict-both",
                    markup=False,
                )
            with DialogButtons():
                yield Button("Keep theirs (t)", id="theirs", compact=True)
                yield Button("Write mine (m)", id="mine", variant="warning", compact=True)
                yield Button("Edit again (e)", id="edit", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        # Editing again loses nothing, so it is where enter lands.
        self.query_one("#edit", Button).focus()

    def action_resolve(self, choice: str) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def resolve_from_button(self, event: Button.Pressed) -> None:
        if event.button.id in ("theirs", "mine", "edit"):
            self.action_resolve(event.button.id)
