"""User text made safe to draw: data, never markup and never terminal control.

Titles, notes and messages may hold ``[bold]``, ANSI escapes or other control characters.
Widgets put user text on screen only through these helpers (or a ``rich.text.Text`` built
from ``literal(...)``), so a title can neither style itself nor drive the terminal.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ELLIPSIS = "…"


def _visible(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]  # "\x1b" shows as the four characters \x1b


def literal(text: str | None, *, one_line: bool = True) -> str:
    """``text`` with control characters shown as escapes (newlines too when ``one_line``)."""
    if not text:
        return ""
    pattern = _CONTROL_OR_NEWLINE if one_line else _CONTROL
    return pattern.sub(_visible, text)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, ending in an ellipsis when it was longer."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + ELLIPSIS


def plain(text: str | None, style: str = "", *, one_line: bool = False) -> Text:
    """A ``Text`` that shows ``text`` literally: never parsed as markup, controls escaped."""
    return Text(literal(text, one_line=one_line), style=style)
