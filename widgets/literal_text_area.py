"""A ``TextArea`` that never sends user text's controls to the terminal, and keeps a burst of
keys in order: ``widgets.literal_fields`` says how and why. Apart from ``LiteralInput``
because Textual's text area costs about 6 ms to import, which the board's first paint (its
text filter is an ``LiteralInput``) need not pay.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import TextArea

from pdca.widgets.literal_fields import in_place, ran_own_binding, typed_format_character

# A line break of ``str.splitlines`` other than "\n" and "\r\n" (a lone carriage return,
# written with ``pdca add --notes`` or by another tool; a form feed, U+2028, NEL) is no line
# end to pdca, but the text area's document split the line there and joined it with a
# newline: a note edited anywhere came back with it made a "\n" (a trial, then a review for
# the others). Each stands in the document as a noncharacter of its own (never typed; a
# paste's are made U+FFFD; text holding one keeps the old way), drawn as its picture or
# escape, and given back as itself.
_HELD = {
    "\r": "\ufdd0", "\x0b": "\ufdd1", "\x0c": "\ufdd2", "\x1c": "\ufdd3", "\x1d": "\ufdd4",
    "\x1e": "\ufdd5", "\x85": "\ufdd6", "\u2028": "\ufdd7", "\u2029": "\ufdd8",
}  # fmt: skip
_GIVEN_BACK = {held: char for char, held in _HELD.items()}
_BREAKS = re.compile("\r(?!\n)|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Notes with both "\r\n" and "\n" line ends: the document joins every line with the first
# kind it finds, and an edit turned each "\n" into "\r\n" (a retrial). Each "\r" is held
# then, and the lines are the newlines'.
_BREAKS_WITH_EVERY_CR = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BARE_NEWLINE = re.compile("(?<!\r)\n")
_PASTED_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # a CR pasted: a line end
_HELD_CHARS = re.compile("[\ufdd0-\ufdd8]")


def _given_back(text: str) -> str:
    return _HELD_CHARS.sub(lambda found: _GIVEN_BACK[found.group()], text)


class LiteralTextArea(TextArea):
    """A ``TextArea`` whose lines are drawn literally, and whose keys keep their order (see
    the module's doc)."""

    # The start and the end of the whole text, as in every editor: Textual's text area has
    # no key for them, and " appended" typed after ctrl+end went to the notes' start (a trial)
    BINDINGS = [
        Binding("ctrl+home", "cursor_text_start", "Text start", show=False),
        Binding("ctrl+end", "cursor_text_end", "Text end", show=False),
        Binding("ctrl+shift+home", "cursor_text_start(True)", "Select to start", show=False),
        Binding("ctrl+shift+end", "cursor_text_end(True)", "Select to end", show=False),
    ]

    def action_cursor_text_start(self, select: bool = False) -> None:
        self.move_cursor((0, 0), select=select)

    def action_cursor_text_end(self, select: bool = False) -> None:
        self.move_cursor(self.document.end, select=select)

    async def _on_key(self, event: events.Key) -> None:
        if (char := typed_format_character(event)) is not None:  # kept, as a paste keeps it
            event.stop()
            event.prevent_default()
            if not self.read_only:  # as Textual types a character: over the selection
                self.replace(char, *self.selection, maintain_selection_offset=False)
            return
        if not await ran_own_binding(self, event):
            await super()._on_key(event)

    def __init__(self, text: str = "", **options: Any) -> None:
        mixed = "\r\n" in text and _BARE_NEWLINE.search(text) is not None
        breaks = _BREAKS_WITH_EVERY_CR if mixed else _BREAKS
        self._holds = bool(breaks.search(text)) and not _HELD_CHARS.search(text)
        held = breaks.sub(lambda found: _HELD[found.group()], text) if self._holds else text
        super().__init__(held, **options)
        self._given = text
        self._loaded = self.text  # the document joins lines with one newline of its own
        # (a "\r\n" file's, or "\n"): the text given can come back changed, untouched

    def _on_resize(self) -> None:
        # Textual's own handler (run too: handlers run up the class tree) wraps the lines
        # again at the new width, and asks to draw them only when their number changed:
        # narrowed with as many lines, the old ones stayed, cut at the new edge (a power
        # user's notes). The repaint comes after both.
        self.refresh()

    @property
    def kept_text(self) -> str:
        """The text, exactly as it was given while nobody has changed it."""
        if self.text == self._loaded:
            return self._given
        return _given_back(self.text) if self._holds else self.text

    @property
    def selected_text(self) -> str:
        """What is selected, as the text holds it (a copy gave U+FDD0 for a carriage return)."""
        selected = super().selected_text
        return _given_back(selected) if self._holds else selected

    def _incoming(self, text: str) -> str:
        """Pasted ``text`` as the document holds it: a form feed, U+2028 or NEL kept as
        itself (a paste made each a newline, and a copied one pasted back was lost: a
        review), a carriage return a line end as a terminal's paste means it; and the
        stand-ins, this field's own, never pasted (U+FFFD)."""
        if self._holds:
            text = _HELD_CHARS.sub("\ufffd", text)
        elif _PASTED_BREAKS.search(text) and not _HELD_CHARS.search(self.text + text):
            self._holds = True  # from now on: the text is given back with them
        if self._holds:
            text = _PASTED_BREAKS.sub(lambda found: _HELD[found.group()], text)
        return text

    async def _on_paste(self, event: events.Paste) -> None:
        held = self._incoming(event.text)
        if held != event.text:
            event.prevent_default()
            await super()._on_paste(events.Paste(held))

    def action_paste(self) -> None:
        if self.read_only:
            return
        if result := self._replace_via_keyboard(
            self._incoming(self.app.clipboard), *self.selection
        ):
            self.move_cursor(result.end_location)

    def action_cut(self) -> None:
        """As Textual's, the text cut given back as itself (the clipboard got U+FDD2 for a
        form feed: a review)."""
        if self.read_only:
            return
        start, end = self.selection
        cut = self._delete_cursor_line() if start == end else self._delete_via_keyboard(start, end)
        if cut is not None:
            replaced = cut.replaced_text
            self.app.copy_to_clipboard(_given_back(replaced) if self._holds else replaced)

    def get_line(self, line_index: int) -> Text:
        # ``TextArea.get_line`` is the hook Textual offers for restyling a line.
        line = self.document.get_line(line_index)
        if self._holds:
            line = _given_back(line)  # drawn as "␍", "␌", "�": one cell as the stand-in
        return Text(in_place(line, keep_tabs=True), end="", no_wrap=True)
