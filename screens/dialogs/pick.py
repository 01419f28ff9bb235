"""Pick one name from many (an owner, an initiative) by typing part of it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Label, OptionList

from pdca.screens.dialogs.base import Dialog
from pdca.widgets.literal_fields import LiteralInput
from pdca.widgets.text import literal, plain


def narrowed(options: list[str], text: str) -> list[str]:
    """The options holding ``text`` anywhere, ignoring case: the one typed exactly first,
    then those it matches in any case, those it begins, the rest, each in their given order.
    "ann" typed whole picked "Ann", listed above "ann" (a tester)."""
    typed = text.strip()
    wanted = typed.casefold()
    if not wanted:
        return list(options)

    def rank(option: str) -> tuple[bool, bool, bool]:  # False sorts first
        folded = option.casefold()
        return option != typed, folded != wanted, not folded.startswith(wanted)

    return sorted((o for o in options if wanted in o.casefold()), key=rank)


class PickModal(Dialog[str | None]):
    """An input that narrows a list as you type; enter picks the highlighted name."""

    KEEPS_TYPED = False  # what narrows a list is no work to keep
    TYPES_IN = True  # its narrowing field: pick-down on "j" typed a j (a reviewer)

    DEFAULT_CSS = """
    PickModal {
        & > .dialog--frame { width: 60; }
        & #pick-text { width: 1fr; background: $boost; }
        & #pick-text:focus { background: $primary 25%; }
        /* A long login cut with an ellipsis, on its own line: broken mid-word, its end read
           as another name (a tester). */
        & #pick-options {
            height: auto; max-height: 14; text-wrap: nowrap; text-overflow: ellipsis;
            min-width: 8;  /* never 0 wide under the keys list (ChoiceModal says why) */
        }
        & #pick-count { color: $text-muted; width: 1fr; }
        /* Bold too: by its background alone, the option enter picks was not to be seen on a
           monochrome terminal (a trial). */
        & #pick-options > .option-list--option-highlighted { text-style: bold; }
    }
    """

    # The list's own keys work when it has focus; these make them work while typing too.
    BINDINGS = [
        Binding("down", "move(1)", "Down", show=False, id="pick-down"),
        Binding("up", "move(-1)", "Up", show=False, id="pick-up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="pick-page-down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="pick-page-up"),
        Binding("enter", "pick", "Pick", id="pick-pick"),
    ]

    def __init__(self, *, heading: str, options: list[str]) -> None:
        super().__init__()
        self._heading = heading
        self.options = list(options)
        self.shown: list[str] = list(options)

    def compose(self) -> ComposeResult:
        with self.frame():
            yield self.heading(self._heading)
            yield LiteralInput(placeholder="type to narrow the list", id="pick-text", compact=True)
            yield Label("", id="pick-count", markup=False)
            # markup=False: names are data, "[x]" in a name is shown, not parsed.
            yield OptionList(*map(literal, self.options), id="pick-options", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_count()
        listing = self.query_one("#pick-options", OptionList)
        listing.highlighted = 0 if self.shown else None
        self.query_one("#pick-text", Input).focus()

    @on(Input.Changed, "#pick-text")
    def narrow(self, event: Input.Changed) -> None:
        self.shown = narrowed(self.options, event.value)
        listing = self.query_one("#pick-options", OptionList)
        listing.set_options(map(literal, self.shown))
        listing.highlighted = 0 if self.shown else None
        listing.display = bool(self.shown)  # "no match" says it; an empty box adds nothing
        self._show_count()

    def _show_count(self) -> None:
        count = len(self.shown)
        shown = "no match" if not count else f"{count} of {len(self.options)}"
        # The input holds the focus, so the footer cannot show the list's keys; say them here.
        text = f"{shown}   ↑↓ move · enter picks · esc cancels"
        self.query_one("#pick-count", Label).update(plain(text))

    def action_move(self, step: int) -> None:
        listing = self.query_one("#pick-options", OptionList)
        if not self.shown:
            return
        current = listing.highlighted if listing.highlighted is not None else 0
        listing.highlighted = max(0, min(len(self.shown) - 1, current + step))

    @on(Input.Submitted, "#pick-text")
    def pick_from_input(self) -> None:
        self.action_pick()

    def action_pick(self) -> None:
        index = self.query_one("#pick-options", OptionList).highlighted
        if index is not None and 0 <= index < len(self.shown):
            self.dismiss(self.shown[index])

    @on(OptionList.OptionSelected, "#pick-options")
    def pick_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])
