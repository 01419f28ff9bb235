"""Text fields that never send user text's controls to the terminal (``LiteralInput`` here,
``LiteralTextArea`` in ``widgets.literal_text_area``).

Textual's ``Input`` and ``TextArea`` draw their value as it is: a title holding an ANSI escape,
a carriage return or an OSC sequence (typed with ``pdca add``, imported, pasted) would colour,
break or retitle the terminal of whoever edits it. These fields keep the value itself (a save
of an untouched field writes back exactly what was there) and draw each character that
``db.text_rules`` calls unsafe anywhere (``UNSAFE``: what a terminal acts on, or what
reorders the text around it) as one visible stand-in, in its place: a control as its Unicode
control picture (``␛`` for ESC, ``␍`` for a carriage return), anything else (a C1 control, a
bidirectional override) as ``�``. One character for one, so in an ``Input`` the cursor, the
selection and a click land where the value's own positions say. Emoji and their joiners and
modifiers are drawn as they are, as Textual draws them: an edited name keeps its ``❤️``.
A ``TextArea`` lays its lines out by the raw text, where a control is no cell wide: on a line
holding one, a click or a wrap falls a cell off per control (rare: text written outside pdca).

They also keep a burst of keys in order. Textual inserts a typed character in the field's own
key handler, but runs a bound key (backspace, the arrows, ctrl+k) only once the key has
bubbled up to the app, so a character typed just after it lands first: over SSH, where keys
arrive in bursts, "b", "a", backspace, "c" gave "bac", not "bc" (Textual issue #6605). A
field's own bindings run here, in its key handler, in the order the keys came; the keys that
leave a field still go up to the app, which holds what follows until focus has moved.
"""

from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import Input

from pdca.db.text_rules import UNSAFE

REPLACEMENT = "\ufffd"
_DELETE = "\u2421"  # ␡


def stand_in(char: str) -> str:
    """The one visible character drawn for ``char``."""
    point = ord(char)
    if point < 0x20:
        return chr(0x2400 + point)  # the control pictures: ␀ .. ␟
    if point == 0x7F:
        return _DELETE
    return REPLACEMENT


def in_place(text: str, *, keep_tabs: bool = False) -> str:
    """``text`` with each character never shown raw replaced by one visible character
    (``keep_tabs``: but a tab, which a ``TextArea`` lays out itself)."""

    def swap(match: re.Match[str]) -> str:
        found = match.group()
        return found if keep_tabs and found == "\t" else stand_in(found)

    return UNSAFE.sub(swap, text)


# Keys that leave a field (submit, save, close, next field) still go up to the app: the keys
# typed after them are held there until focus has moved (tui/typeahead.py), so "title",
# enter, "jj" moves on the board instead of ending the title in "jj".
LEAVING_KEYS = frozenset({"enter", "ctrl+s", "escape", "tab", "shift+tab"})


async def ran_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run ``widget``'s own binding of this key now, as the app would once the key reached
    it (priority bindings ran before the key came here); True when one ran."""
    if event.is_printable or event.key in LEAVING_KEYS:
        return False
    # The field's own bindings with the user's keymap applied, as the app's chain has them
    # for the focused widget. Not that chain itself: a key typed ahead may be handed to the
    # field before the screen has moved its focus there (tui/typeahead.py).
    own = widget._bindings
    if widget.app._keymap:  # applied to a copy: the field's own map stays as declared
        own = own.copy()
        own.apply_keymap(widget.app._keymap)
    for binding in own.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


def typed_format_character(event: events.Key) -> str | None:
    """The invisible format character a key typed (a zero-width joiner inside an emoji
    sequence, a direction mark), else None. Textual inserts only what ``isprintable`` calls
    printable, so typed ones were dropped where a paste kept them: a family emoji came
    apart into three faces without a word (a tester)."""
    char = event.character
    if char is None or len(char) != 1 or event.is_printable:
        return None
    return char if unicodedata.category(char) == "Cf" else None


class LiteralInput(Input):
    """An ``Input`` whose value is drawn literally, and whose keys keep their order (see the
    module's doc)."""

    async def _on_key(self, event: events.Key) -> None:
        if (char := typed_format_character(event)) is not None:
            event.stop()
            event.prevent_default()
            if self.selection.is_empty:
                self.insert_text_at_cursor(char)
            else:
                self.replace(char, *self.selection)
            return
        if not event.is_printable:
            await self._offer_now()
        if not await ran_own_binding(self, event):
            await super()._on_key(event)

    async def _offer_now(self) -> None:
        """The offer for what is typed, before a bound key runs: Textual asks the suggester on
        a worker once the value changed, so in a burst the right arrow (which takes the offer
        at the end) came before it: "fr", right arrow gave "fr", not "frank", typed at once."""
        suggester = self.suggester
        if not self.value or suggester is None or not self.cursor_at_end:
            return  # an offer is taken only at the end of what is typed
        if len(self._suggestion) > len(self.value):
            return  # it came already
        typed = self.value if suggester.case_sensitive else self.value.casefold()
        offer = await suggester.get_suggestion(typed)
        if offer is not None and len(offer) > len(self.value):
            self._suggestion = offer

    def _on_paste(self, event: events.Paste) -> None:
        """A paste of several lines goes in whole, its lines joined by spaces: Textual keeps
        the first line only, and a tester's pasted check-in lost everything after it."""
        lines = event.text.splitlines()
        # One line goes in as it is (" and " keeps its spaces); several are joined at their
        # ends, each line's own indentation and trailing blanks dropped.
        kept = [line.strip() for line in lines if line.strip()]
        joined = lines[0] if len(lines) == 1 else " ".join(kept)
        # and a tab (spreadsheet cells copied side by side) is a space, as a line end is: it
        # was kept, a title shown as "a\tb" everywhere (a global team's trial)
        joined = joined.replace("\t", " ")
        if joined:
            if self.selection.is_empty:
                self.insert_text_at_cursor(joined)
            else:
                self.replace(joined, *self.selection)
        event.prevent_default()  # Input's own handler, which would paste the first line again
        event.stop()

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        return Text(in_place(self.value), no_wrap=True, overflow="ignore", end="")

    # Where the cursor and a click fall: counted on what is drawn, not on the raw value (a
    # control is no cell wide; its stand-in is one).
    def _position_to_cell(self, position: int) -> int:
        return cell_len(in_place(self.value[:position]))

    def _cell_offset_to_index(self, offset: int) -> int:
        shown = in_place(self.value)
        scroll_x, _ = self.scroll_offset
        offset += scroll_x
        cell = 0
        for index, char in enumerate(shown):
            width = get_character_cell_size(char)
            if cell <= offset < cell + width:
                return index
            cell += width
        return max(0, min(offset, len(shown)))
