"""Aligned columns for the command line's tables (``list``, ``owners``, ``log``, ...), fitted
to the terminal they are printed on.

On a terminal a row wider than the window wrapped onto the next line, and a long login or
title widened every row of the table: at 80 columns ``pdca list`` read as a ragged mess.
As ``gh`` and Taskwarrior do, a table printed to a terminal now fits its width: the columns
that hold free text (titles, messages, logins) are cut, in an order each table chooses (a
title before a login, the name a row is known by last), each cut cell ending in ``…``; ids,
phases and dates are never cut. Sent to a pipe or a file the rows are
whole (a script greps every word; ``--json`` is the format meant for programs).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence

from pdca.tui.output import as_stdout_shows, printable

ELLIPSIS = "…"
PLAIN_ELLIPSIS = "~"  # one cell too, for a terminal that cannot show "…"
# What a cut left of a terminal's escape (``\U0001f680`` cut to ``\U0001f68``) before its
# cut mark, at the end or in the middle ("Deploy \U0001f~ (payments)", a reviewer).
_PART_OF_AN_ESCAPE = re.compile(r"\\(?:x[0-9a-f]?|u[0-9a-f]{0,3}|U[0-9a-f]{0,7})?(?=[…~])")

# A cut column keeps at least this many cells unless it says otherwise: narrower, a title
# says nothing, and a row that wraps reads better than one that says nothing.
NARROWEST = 8
LAST_RESORT = 6  # a cut column below its floor, when a cell or two still do not fit

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


def cut_to(text: str, width: int, *, middle: bool = False) -> str:
    """``text`` in at most ``width`` cells: whole if it fits, else cut with ``…`` at the end
    (a wide character that would straddle the edge goes whole). ``middle``: a name that ends
    in a bracket keeps it ("Lead time … (payments)"), as the app's KPI table cuts names:
    nine KPIs read "Code re…" once their team went (a reviewer)."""
    if width <= 0:
        return ""
    if text.isascii():
        if len(text) <= width:
            return text
    # No character takes 3 cells, and (zero-width marks aside) none takes less than one:
    # only a text of up to twice the width is measured (rich's measure cost the most).
    elif len(text) * 2 <= width or (len(text) <= 2 * width and cell_width(text) <= width):
        return text
    if middle and width >= 6:
        bracket = text.rfind(" (")
        # only a bracket, and with 4 cells of the name before it: a name's last letters, or
        # its first two, read as fragments (a reviewer)
        if bracket > 0 and text.endswith(")") and cell_width(text[bracket:]) <= width - 5:
            tail = text[bracket:]
            return cut_to(text[:bracket], width - cell_width(tail)) + tail
    if text.isascii():
        return text[: width - 1] + _ellipsis()
    from rich.cells import set_cell_size

    # set_cell_size pads with a space where a two-cell character would straddle the edge;
    # given only the text's start (no character is narrower than none, few are zero cells),
    # not a 100 000-character title to measure again and again.
    return set_cell_size(text[: 2 * width], width - 1).rstrip(" ") + _ellipsis()


def _ellipsis() -> str:
    """``…``, or ``~`` where stdout cannot show it: on a Latin-1 terminal each cut cell's
    "…" came out as "\\u2026", six cells, and every cut line was wider than the terminal (a
    tester). A title's own characters are escaped as they were: they are the person's."""
    try:
        ELLIPSIS.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (LookupError, UnicodeEncodeError):
        return PLAIN_ELLIPSIS
    return ELLIPSIS


# A column to cut: its header, or its header and the fewest cells it keeps (``NARROWEST``
# when not said; 0: the column may go altogether). A column may come twice: down to one
# floor first, to a lower one after others have given theirs.
Cut = str | tuple[str, int]


def natural_width(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """The cells a table of these takes uncut, as ``table`` measures its cells: a caller
    may say its rows in fewer words when they would not fit (``pdca alerts``)."""
    widths = [cell_width(printable(header)) for header in headers]
    for row in rows:
        for index, cell in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], cell_width(printable(cell)))
    return sum(widths) + 2 * (len(widths) - 1)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    cut: Sequence[Cut] = (),
    middle: Collection[str] = (),
    width: int | None = None,
) -> str:
    """Columns padded to their widest cell, in terminal cells; the last column is ragged.
    The columns in ``cut`` are cut to fit ``width`` (see ``table_lines``)."""
    return "\n".join(table_lines(headers, rows, cut=cut, middle=middle, width=width))


def table_lines(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    cut: Sequence[Cut] = (),
    middle: Collection[str] = (),
    width: int | None = None,
) -> Iterator[str]:
    """``table``'s lines, one at a time. The columns in ``cut`` give up cells, in that order
    (the first as far as its floor before the next gives any), so that each line fits
    ``width`` cells (the terminal's when not given: ``terminal_width``; whole when that is
    None); those in ``middle`` are cut in the middle (``cut_to``). Every row is read before
    the first line (the widths need them all), each kept as one string: 50 000 rows as lists
    of cells took 70 MB (a tester; ``pdca list`` on the huge file)."""
    room = terminal_width() if width is None else width
    shows = as_stdout_shows()
    titles = list(headers) if shows is None else [shows(h) for h in headers]
    natural = [cell_width(h) for h in titles]
    last = len(headers) - 1
    # The last column's width matters only to fit the table; it is never padded.
    measured = last if room is not None else last - 1
    packed = []
    for row in rows:
        cells = [printable(cell) for cell in row]
        if shows is not None:
            cells = [shows(cell) for cell in cells]
        for index in range(measured + 1):
            natural[index] = max(natural[index], cell_width(cells[index]))
        packed.append(_CELLS.join(cells))
    order = []
    for entry in cut:
        header, floor = (entry, NARROWEST) if isinstance(entry, str) else entry
        if header in headers:
            order.append((headers.index(header), floor))
    widths = natural if room is None else fitted(natural, order, room)
    cutting = list(
        dict.fromkeys((i, headers[i] in middle) for i, _ in order if 0 < widths[i] < natural[i])
    )
    yield _line([cut_to(h, w) for h, w in zip(titles, widths, strict=True)], widths)
    for index, joined in enumerate(packed):
        packed[index] = ""  # let each row go once it is written
        cells = joined.split(_CELLS)
        for i, in_middle in cutting:
            cells[i] = cut_to(cells[i], widths[i], middle=in_middle)
            if shows is not None:  # "\U0001f68…" is no character: the escape goes whole
                cells[i] = _PART_OF_AN_ESCAPE.sub("", cells[i])
        yield _line(cells, widths)


def fitted(natural: list[int], order: list[tuple[int, int]], room: int) -> list[int]:
    """The widths that fit ``room`` cells: the columns in ``order`` (index, floor) give up
        cells one after the other, each down to its floor at most, until the line fits; the
        names a row is known by come last (a KPI's name had gone down with its trend's words,
        to "Code re…", a reviewer). A column of floor 0 goes whole, its gap with it, or stays
        whole; then, if the line still does not fit, below their floors to ``LAST_RESORT``. What
    cannot fit even so is left to wrap."""
    widths = list(natural)
    over = sum(widths) + 2 * (len(widths) - 1) - room
    for index, floor in order:
        if over <= 0:
            break
        if floor == 0:
            over -= widths[index] + 2
            widths[index] = 0
            continue
        given = min(over, max(0, widths[index] - floor))
        widths[index] -= given
        over -= given
    # Still over by a cell or two with every column at its floor: they go below it, to
    # ``LAST_RESORT`` cells, rather than every line wrap for one cell ("Hold a" and a lone
    # "…" on a line of its own at 40 columns, a tester).
    below = {i: max(0, widths[i] - LAST_RESORT) for i, floor in order if floor > LAST_RESORT}
    if 0 < over <= sum(below.values()):  # only when the line then fits
        for index, spare in below.items():
            given = min(over, spare)
            widths[index] -= given
            over -= given
    # A column gone whole may leave cells over: back to those cut, the one named last in the
    # order first (the name a row is known by).
    for index in reversed(list(dict.fromkeys(index for index, _ in order))):
        if over >= 0:
            break
        if 0 < widths[index] < natural[index]:
            back = min(-over, natural[index] - widths[index])
            widths[index] += back
            over += back
    return widths


def wrapped(text: str, width: int | None) -> str:
    """``text``'s lines longer than ``width`` wrapped at words, each under its own start
    (two cells in): the terminal broke them mid-word (``pdca standup``, ``pdca flow``'s
    sentences, testers). None: as it is (a pipe, a file)."""
    if not width:
        return text
    return "\n".join(
        _wrapped_line(line, width) if cell_width(line) > width else line
        for line in text.split("\n")
    )


def wrapped_under(line: str, width: int | None, column: int) -> str:
    """One ``line`` wrapped at words to ``width``, its later lines starting at ``column`` (a
    labelled field's text under its start: ``doctor``'s checks ran to 146 columns on a
    terminal of 50, broken mid-word, a retrial), or two cells in on a terminal too narrow for
    that. A word longer than a line (a path, a command to copy) is left whole, for the
    terminal to fold: cut into lines, it was copied broken (a review). None: as it is."""
    if not width or cell_width(line) <= width:
        return line
    return _fill(line, width, " " * (column if column < width // 2 else 2), cut_words=False)


GLUE = "\ue000"  # a private character: the space between a number and its unit, while wrapping


def _wrapped_line(line: str, width: int) -> str:
    """One long line wrapped at words. A number and the word after it stay together ("27 %",
    "50.3 min"): the line broke between them, "27" at one line's end and "% is above ..." on
    the next (a new user). Not in a line that holds the private character itself."""
    import re

    glued = GLUE not in line
    text = re.sub(r"(?<=\d) (?=\S)", GLUE, line) if glued else line
    filled = _fill(text, width, " " * (len(line) - len(line.lstrip()) + 2))
    return filled.replace(GLUE, " ") if glued else filled


def _fill(text: str, width: int, indent: str, *, cut_words: bool = True) -> str:
    """``text`` wrapped at its spaces into lines of at most ``width`` terminal cells (the
    first keeps its own indent, the rest take ``indent``); a word wider than a line is cut
    into pieces that fit. In cells, not characters: a title in Japanese or with an emoji ran
    past the edge, and the terminal broke it mid-word (a tester). The spaces within a line
    stay as they are: the flow's sparklines begin with blank weeks (a reviewer)."""
    import re

    room = max(1, width - len(indent))
    lines: list[str] = []
    current, used, pending = "", 0, ""
    for token in re.findall(r"\S+|\s+", text):
        if token.isspace():
            pending += token
            continue
        # A number glued to its unit gives way before a word is cut ("50 日本語…")
        glued = token.split(GLUE) if GLUE in token and cell_width(token) > room else [token]
        pieces = [(n > 0 and i == 0, p) for n, part in enumerate(glued)
                  for i, p in enumerate(_pieces(part, room) if cut_words else [part])]  # fmt: skip
        for spaced, piece in pieces:
            if spaced:
                pending = " "
            cells = cell_width(piece)
            spacing = cell_width(pending)
            if not current.strip() or used + spacing + cells <= width:
                current += pending + piece
                # added up, not the whole line measured again at each word: that made a
                # stand-up of 50 people at a terminal 0.6 s slower than into a pipe
                used += spacing + cells
            else:
                lines.append(current)
                current, used = indent + piece, len(indent) + cells
            pending = ""
    lines.append(current)
    return "\n".join(lines)


def _pieces(word: str, width: int) -> list[str]:
    """``word`` cut into pieces of at most ``width`` cells (whole when it fits), each measured
    whole, as a line measures it (joined emoji take fewer cells than their parts)."""
    if cell_width(word) <= width:
        return [word]
    pieces, piece = [], ""
    for char in word:
        if piece and cell_width(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def _line(cells: list[str], widths: list[int]) -> str:
    # A column given up whole is gone, its gap too; the last one kept is ragged.
    kept = [(cell, width) for cell, width in zip(cells, widths, strict=True) if width]
    padded = [cell + " " * (width - cell_width(cell)) for cell, width in kept[:-1]]
    return "  ".join([*padded, kept[-1][0]]).rstrip() if kept else ""
