"""Aligned columns for the command line's tables (``list``, ``owners``, ``log``, ...), fitted
to the terminal they are printed on.

On a terminal a row wider than the window wrapped onto the next line, and a long login or
title widened every row of the table: at 80 columns ``pdca list`` read as a ragged mess.
As ``gh`` and Taskwarrior do, a table printed to a terminal now fits its width: the columns
that hold free text (titles, messages, logins) are cut, the widest first, each cut cell
ending in ``…``; ids, phases and dates are never cut. Sent to a pipe or a file the rows are
whole (a script greps every word; ``--json`` is the format meant for programs).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence

from pdca.tui.output import printable

ELLIPSIS = "…"

# A cut column keeps at least this many cells (or its header's, if wider): narrower, a title
# says nothing, and a row that wraps reads better than one that says nothing.
NARROWEST = 8

# Joins a row's cells while the widths are found: ``printable`` has escaped every control
# character in them, this one included, so it cannot be part of a cell.
_CELLS = "\x1f"


def terminal_width() -> int | None:
    """The width a table is fitted to: the terminal's (``COLUMNS`` when set, as ``ls`` and
    Python's ``shutil`` read it), or None when stdout is no terminal."""
    stream = sys.stdout
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):  # a closed or replaced stream
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdecimal() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, OSError, ValueError):
        return None


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes, as the app counts them (Rich's tables, which
    know emoji sequences and Hangul): by ``len`` a column after a title in Chinese or with an
    emoji came out of line (a tester). Rich is imported only for text that is not ASCII
    (5 ms that most commands never pay)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def cut_to(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells: whole if it fits, else cut with ``…`` at the end
    (a wide character that would straddle the edge goes whole)."""
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    if text.isascii():
        return text[: width - 1] + ELLIPSIS
    from rich.cells import set_cell_size

    # set_cell_size pads with a space where a two-cell character would straddle the edge
    return set_cell_size(text, width - 1).rstrip(" ") + ELLIPSIS


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    cut: Collection[str] = (),
    width: int | None = None,
) -> str:
    """Columns padded to their widest cell, in terminal cells; the last column is ragged.
    The columns named in ``cut`` are cut to fit ``width`` (see ``table_lines``)."""
    return "\n".join(table_lines(headers, rows, cut=cut, width=width))


def table_lines(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    cut: Collection[str] = (),
    width: int | None = None,
) -> Iterator[str]:
    """``table``'s lines, one at a time. The columns whose headers are in ``cut`` are cut
    so each line fits ``width`` cells (the terminal's when not given: ``terminal_width``;
    whole when that is None). Every row is read before the first line (the widths need them
    all), each kept as one string: 50 000 rows as lists of cells took 70 MB (a tester;
    ``pdca list`` on the huge file)."""
    room = terminal_width() if width is None else width
    natural = [cell_width(h) for h in headers]
    last = len(headers) - 1
    # The last column's width matters only to fit the table; it is never padded.
    measured = last if room is not None else last - 1
    packed = []
    for row in rows:
        cells = [printable(cell) for cell in row]
        for index in range(measured + 1):
            natural[index] = max(natural[index], cell_width(cells[index]))
        packed.append(_CELLS.join(cells))
    cuttable = [i for i, header in enumerate(headers) if header in cut]
    widths = natural if room is None else fitted(natural, headers, cuttable, room)
    fits = widths == natural
    yield _line(list(headers), widths)
    for index, joined in enumerate(packed):
        packed[index] = ""  # let each row go once it is written
        cells = joined.split(_CELLS)
        if not fits:
            for i in cuttable:
                cells[i] = cut_to(cells[i], widths[i])
        yield _line(cells, widths)


def fitted(natural: list[int], headers: Sequence[str], cuttable: list[int], room: int) -> list[int]:
    """The widths that fit ``room`` cells: the ``cuttable`` columns brought down to one
    level, the widest first (a long title gives up cells before a login does), none below
    its floor (``NARROWEST``, or its header). What cannot fit even so is left to wrap."""
    gaps = 2 * (len(natural) - 1)
    if sum(natural) + gaps <= room or not cuttable:
        return natural
    fixed = gaps + sum(w for i, w in enumerate(natural) if i not in cuttable)
    floors = {i: min(natural[i], max(cell_width(headers[i]), NARROWEST)) for i in cuttable}

    def taken(level: int) -> int:
        return sum(max(floors[i], min(natural[i], level)) for i in cuttable)

    low, high = 0, max(natural[i] for i in cuttable)
    while low < high:  # the highest level that fits
        middle = (low + high + 1) // 2
        if fixed + taken(middle) <= room:
            low = middle
        else:
            high = middle - 1
    widths = [max(floors[i], min(w, low)) if i in floors else w for i, w in enumerate(natural)]
    spare = room - fixed - taken(low)
    for i in cuttable:  # the cells a whole level could not give out, one each, left first
        if spare > 0 and widths[i] < natural[i]:
            widths[i] += 1
            spare -= 1
    return widths


def _line(cells: list[str], widths: list[int]) -> str:
    padded = [cell + " " * (widths[i] - cell_width(cell)) for i, cell in enumerate(cells[:-1])]
    return "  ".join([*padded, cells[-1]]).rstrip()
