"""One answer out of a few (the verdict, the decision): arrows and enter, a digit, or a letter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from pdca.screens.dialogs.base import Dialog
from pdca.widgets.text import literal, plain

CHOICE_KEY_ID = "dialog-choice"  # every choice's keys: listed by ? and F1, never remapped


def mnemonics(values: list[str]) -> list[str | None]:
    """A distinct letter per value: its first letter not taken by an earlier one.

    "standardize", "adjust", "abandon" get s, a and b: a key per choice, no ambiguity.
    """
    taken: set[str] = set()
    keys: list[str | None] = []
    for value in values:
        key = next((ch for ch in value.lower() if ch.isascii() and ch.isalpha()), None)
        if key in taken:
            key = next(
                (ch for ch in value.lower() if ch.isascii() and ch.isalpha() and ch not in taken),
                None,
            )
        if key is not None:
            taken.add(key)
        keys.append(key)
    return keys


def _short(label: str) -> str:
    """The words before a colon ("Worked: the change did...") name a choice in the footer."""
    return label.split(":", 1)[0].strip() or label


def _prompt(number: int, label: str, key: str | None) -> Content:
    """``1  Worked: ...`` with the letter key underlined, where the label has it."""
    shown = literal(label)
    where = shown.lower().find(key) if key else -1
    if where < 0:
        return Content.assemble((f"{number}  ", "bold"), shown)
    return Content.assemble(
        (f"{number}  ", "bold"),
        shown[:where],
        (shown[where], "bold underline"),
        shown[where + 1 :],
    )


class ChoiceModal(Dialog[str | None]):
    """Shows (value, label) choices; dismisses with the picked value."""

    DEFAULT_CSS = """
    ChoiceModal {
        & > .dialog--frame { width: 64; }
        & #choices { height: auto; max-height: 12; }
        /* Never 0 wide: the keys list over the whole screen (under 100 columns) left the
           dialog no width, and laying out its options crashed (a retrial). */
        & #choices { min-width: 8; }
    }
    """

    def __init__(
        self,
        *,
        heading: str,
        prompt: str,
        choices: list[tuple[str, str]],
        numbered_among: list[str] | None = None,
        highlighted: str | None = None,
        yes_no: bool = False,
        by_its_key: bool = False,
    ) -> None:
        """``numbered_among``: the values of the full list ``choices`` is a part of.
        ``highlighted``: the value the cursor starts on (enter takes it), else the first.
        ``yes_no``: a question of two (do it, or not): y takes the first and n the second
        too, as ``pdca undo``'s and restore's questions take them (a stand-up's lead pressed
        y at "Record this stand-up?" and nothing happened).

        A choice keeps the digit and letter it has in that list (abandon is 3 and b before
        Act as in Act), so a hand that learnt them never picks another choice by them.

        ``by_its_key``: no choice under the cursor at first, so enter takes none: a choice
        that cannot be taken back lightly is taken by its digit or letter, or after an arrow
        (d and an enter held down abandoned a card, a tester).
        """
        super().__init__()
        self._heading = heading
        self.prompt = prompt
        self.choices = list(choices)
        values = [value for value, _ in self.choices]
        self.start: int | None = (
            None if by_its_key else values.index(highlighted) if highlighted in values else 0
        )
        among = numbered_among or [value for value, _ in self.choices]
        letters = dict(zip(among, mnemonics(among), strict=True))
        self.numbers = [among.index(value) + 1 for value, _ in self.choices]
        self.keys = [letters[value] for value, _ in self.choices]
        # Keys depend on the choices, so they are bound per dialog rather than in BINDINGS.
        for index, ((_, label), number, key) in enumerate(
            zip(self.choices, self.numbers, self.keys, strict=True)
        ):
            if number <= 9:
                self._bind_choice(str(number), index, _short(label), show=True)
            if key is not None:
                self._bind_choice(key, index, _short(label))
        if yes_no:
            self._bind_choice("y", 0, _short(self.choices[0][1]))
            last = len(self.choices) - 1
            self._bind_choice("n", last, _short(self.choices[last][1]))
        # No field here takes a typed ?: it shows the keys, as on the views (it did nothing,
        # and F1's list had only Cancel: a keyboard-only trial)
        self._bindings.bind("question_mark", "app.toggle_keys", show=False)
        if "q" not in letters.values():
            # q quits, as it does on the views: over "Record this stand-up?" it did nothing,
            # and nothing said why (a crash hunter's trial); the app asks again if anything
            # would be lost
            self._bindings.bind("q", "app.quit", show=False)
        # The keys of the choices of the full list not offered here say so, not nothing
        # (1 and s before Act, where only abandon is: a tester).
        offered = {value for value, _ in self.choices}
        for number, (value, key) in enumerate(zip(among, letters.values(), strict=True), 1):
            if value in offered:
                continue
            for pressed in (str(number), key):
                if pressed is not None:
                    self._bindings.bind(pressed, f"not_offered({value!r})", show=False)

    def _bind_choice(self, key: str, index: int, description: str, *, show: bool = False) -> None:
        """``key`` takes choice ``index``. With an id, as pdca's keys have, so the keys list
        (? and F1) names it: Textual's ``bind`` gives none, and the list showed only Cancel.
        No keymap names it (``CHOICE_KEY_ID`` is no id of settings.toml's)."""
        binding = Binding(key, f"choose({index})", description, show=show, id=CHOICE_KEY_ID)
        self._bindings.key_to_bindings.setdefault(key, []).append(binding)

    def compose(self) -> ComposeResult:
        with self.frame():
            yield self.heading(self._heading)
            yield Label(plain(self.prompt), classes="dialog--prompt")
            yield OptionList(
                *(
                    Option(_prompt(number, label, key), id=str(index))
                    for index, ((_, label), number, key) in enumerate(
                        zip(self.choices, self.numbers, self.keys, strict=True)
                    )
                ),
                id="choices",
            )
        yield Footer()

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        choices.highlighted = self.start if self.choices else None
        choices.focus()

    def action_not_offered(self, value: str) -> None:
        self.notify(f"{value} is not one of the choices here", severity="warning", timeout=4)

    def action_choose(self, index: int) -> None:
        self.dismiss(self.choices[index][0])

    @on(OptionList.OptionSelected, "#choices")
    def choose_highlighted(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option_index)
