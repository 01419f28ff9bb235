"""A radio button whose choice shows in its shape, not in its colour alone.

Textual draws every radio button with the same ``●``, the chosen one in another colour: on a
terminal without colour, or to a person who cannot tell the two apart, all look chosen (a
tester, in the check-in form). The chosen one is drawn with a tick, the others empty.
"""

from __future__ import annotations

from textual.content import ContentText
from textual.widgets import RadioButton

CHOSEN, NOT_CHOSEN = "✓", " "


class MarkedRadioButton(RadioButton):
    """A ``RadioButton`` drawn ``▐✓▌`` when chosen and ``▐ ▌`` when not."""

    def __init__(self, label: ContentText = "", value: bool = False, **kwargs: str) -> None:
        super().__init__(label, value, **kwargs)  # type: ignore[arg-type]
        self.BUTTON_INNER = CHOSEN if value else NOT_CHOSEN

    def watch_value(self) -> None:
        self.BUTTON_INNER = CHOSEN if self.value else NOT_CHOSEN  # Textual draws it per render
        super().watch_value()
