"""A radio button whose choice shows in its shape, not in its colour alone.

Textual draws every radio button with the same ``●``, the chosen one in another colour: on a
terminal without colour, or to a person who cannot tell the two apart, all look chosen (a
tester, in the check-in form). The chosen one is drawn with a tick, the others empty.
"""

from __future__ import annotations

from textual.widgets import RadioButton


class MarkedRadioButton(RadioButton):
    """A ``RadioButton`` drawn ``▐✓▌`` when chosen and ``▐ ▌`` when not."""

    @property  # type: ignore[override]  # a class constant in Textual, read per render
    def BUTTON_INNER(self) -> str:  # Textual's name
        return "✓" if self.value else " "
