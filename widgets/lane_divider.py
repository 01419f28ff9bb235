"""The thin line between two lanes of the board.

A widget of its own rather than a CSS ``border-right`` on each lane: Textual draws a border
cell by cell, building and hashing a style for every line of every lane at every repaint,
which was a measurable part of the board's first paint (issue 14). This draws one cached
strip per line.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

LINE = "▕"


class LaneDivider(Widget):
    DEFAULT_CSS = """
    LaneDivider { width: 1; height: 1fr; color: $panel; }
    """

    _strip: Strip | None = None

    def notify_style_update(self) -> None:
        self._strip = None  # the theme changed: draw in its colour
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        if self._strip is None:
            self._strip = Strip([Segment(LINE, self.rich_style)], 1)
        return self._strip
