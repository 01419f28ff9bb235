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

# A carriage return alone (written with ``pdca add --notes``, or by another tool) is no line
# end to the text area's document, which split the line there and joined it with a newline:
# a note edited anywhere came back with its untouched "\r" made a "\n" (a trial). It stands
# in the document as this noncharacter (never typed or pasted; text holding one keeps the
# old way), drawn as the carriage return's picture and saved as the carriage return again.
_LONE_CR = re.compile(r"\r(?!\n)")
_CR_HELD = "\ufdd0"


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
        self._holds_crs = "\r" in text and _CR_HELD not in text
        super().__init__(_LONE_CR.sub(_CR_HELD, text) if self._holds_crs else text, **options)
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
        return self.text.replace(_CR_HELD, "\r") if self._holds_crs else self.text

    def get_line(self, line_index: int) -> Text:
        # ``TextArea.get_line`` is the hook Textual offers for restyling a line.
        line = self.document.get_line(line_index)
        if self._holds_crs:
            line = line.replace(_CR_HELD, "\r")  # drawn as "␍", one cell as the stand-in
        return Text(in_place(line, keep_tabs=True), end="", no_wrap=True)
