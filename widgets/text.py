"""User text made safe to draw: data, never markup, never terminal control, never wider
or narrower than it was counted.

Titles, notes and messages may hold ``[bold]``, ANSI escapes, control characters,
bidirectional overrides or emoji sequences that terminals draw at different widths. Widgets
put user text on screen only through these helpers (or a ``rich.text.Text`` built from
``literal(...)``), so a title can neither style itself, drive the terminal, reorder the text
beside it, nor move a column border (``db.text_rules`` says which characters are escaped).
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from pdca.db.text_rules import UNSAFE_IN_CELLS, UNSAFE_IN_CELLS_EXCEPT_NEWLINE, escape

ELLIPSIS = "…"
_REGIONAL_LETTERS = "".join(chr(n) for n in range(0x1F1E6, 0x1F200))  # a flag is two of them


def literal(text: str | None, *, one_line: bool = True) -> str:
    """``text`` with unsafe characters shown as escapes (``\\x1b``, ``\\u200b``; newlines
    too when ``one_line``), and what glues emoji left out (``db.text_rules``)."""
    if not text:
        return ""
    return escape(text, UNSAFE_IN_CELLS if one_line else UNSAFE_IN_CELLS_EXCEPT_NEWLINE)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, ending in an ellipsis when it was longer."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    kept = set_cell_size(text, width - 1)
    run = len(kept) - len(kept.rstrip(_REGIONAL_LETTERS))
    if run % 2:  # a flag cut between its letters: the lone one goes, as a blank
        kept = kept[:-1] + " "  # (escaped later, it took ten cells: a reviewer)
    return kept + ELLIPSIS


def quoted(text: str, cut: int | None = None) -> str:
    """User text as a line printed once the board has ended names it: its repr (controls
    escaped: a KPI name's ESC cleared a reviewer's screen), cut to ``cut`` cells first."""
    return repr(text if cut is None else fit(text, cut))


def fixed(text: str, width: int) -> str:
    """``text`` fitted to ``width`` cells and padded with spaces to fill them: a table column
    that stays one width whatever the text (``str.ljust`` counts characters, not cells)."""
    shown = fit(text, width)
    return shown + " " * (width - cell_len(shown))


def padded(text: str, width: int) -> str:
    """``text`` with spaces after it to fill ``width`` cells, never cut: ``str.ljust`` counts
    characters, and a unit of 時間 put the next column two cells out (a CJK team's trial)."""
    return text + " " * max(0, width - cell_len(text))


def plain(text: str | None, style: str = "", *, one_line: bool = False) -> Text:
    """A ``Text`` that shows ``text`` literally: never parsed as markup, controls escaped."""
    return Text(literal(text, one_line=one_line), style=style)


def filter_bar(parts: list[str], clear: str = "esc") -> Text:
    """The line above a filtered list: ``filter: owner bob · status blocked   esc clears``
    (``parts`` already literal), the same on the board and in the log; ``clear``: the key
    that clears it, as the person's keymap has it."""
    text = Text("filter: ", style="bold")
    text.append(" · ".join(parts))
    text.append(f"   {clear} clears", style="dim")
    return text


def fit_name(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells in the middle, so that names telling teams apart by
    their end ("Change failure rate (platform)", "... (payments)") stay apart in a narrow
    column: a trailing bracket is kept whole when it takes at most three fifths of the width,
    else the last third of the width is."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    cut = text.rfind(" (")
    if cut > 0 and text.endswith(")") and cell_len(text[cut:]) <= width * 3 // 5:
        tail = text[cut:]
    else:
        tail = _last_cells(text, width // 3)
    head = text[: len(text) - len(tail)]
    return set_cell_size(head, width - 1 - cell_len(tail)) + ELLIPSIS + tail


def _last_cells(text: str, cells: int) -> str:
    """The longest end of ``text`` within ``cells`` cells."""
    start = len(text)
    while start > 0 and cell_len(text[start - 1 :]) <= cells:
        start -= 1
    return text[start:]
