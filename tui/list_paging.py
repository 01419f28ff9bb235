"""Page keys on a list not drawn yet do nothing, instead of crashing the app.

Textual's ``OptionList`` pages from the line its highlighted option starts on; while the list
has no size (the command palette's, between a keystroke and its next layout), it has no lines,
and ``page_up``/``page_down`` raise ``KeyError`` (a tester: ctrl+p, s, backspace, PageUp took
the whole board down; kagan-sh/kagan-legacy#31 met the same). Until Textual guards it, the
page move is skipped then: the next key, on a drawn list, pages as usual.
"""

from __future__ import annotations

from textual._widget_navigation import Direction
from textual.widgets import OptionList

_move_page = OptionList._move_page


def _move_page_once_drawn(self: OptionList, direction: Direction) -> None:
    if self.highlighted is not None and self.highlighted not in self._index_to_line:
        return  # no lines yet: nothing on screen to page from
    _move_page(self, direction)


def page_only_drawn_lists() -> None:
    """Install the guard (idempotent)."""
    OptionList._move_page = _move_page_once_drawn  # type: ignore[method-assign]
