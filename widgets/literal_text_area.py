"""A ``TextArea`` that never sends user text's controls to the terminal, and keeps a burst of
keys in order: ``widgets.literal_fields`` says how and why. Apart from ``LiteralInput``
because Textual's text area costs about 6 ms to import, which the board's first paint (its
text filter is an ``LiteralInput``) need not pay.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.widgets import TextArea

from pdca.widgets.literal_fields import in_place, ran_own_binding, typed_format_character


class LiteralTextArea(TextArea):
    """A ``TextArea`` whose lines are drawn literally, and whose keys keep their order (see
    the module's doc)."""

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
        super().__init__(text, **options)
        self._given = text
        self._loaded = self.text  # the document splits lines at a lone \r too, and joins them
        # with one newline of its own: the text given can come back changed, untouched

    def _on_resize(self) -> None:
        # Textual's own handler (run too: handlers run up the class tree) wraps the lines
        # again at the new width, and asks to draw them only when their number changed:
        # narrowed with as many lines, the old ones stayed, cut at the new edge (a power
        # user's notes). The repaint comes after both.
        self.refresh()

    @property
    def kept_text(self) -> str:
        """The text, exactly as it was given while nobody has changed it."""
        return self._given if self.text == self._loaded else self.text

    def get_line(self, line_index: int) -> Text:
        # ``TextArea.get_line`` is the hook Textual offers for restyling a line.
        line = self.document.get_line(line_index)
        return Text(in_place(line, keep_tabs=True), end="", no_wrap=True)
