"""CSV cells a spreadsheet will not run: formula triggers neutralised on export, restored on import.

Excel, LibreOffice Calc and Google Sheets read a cell that begins with ``=``, ``+``, ``-``
or ``@`` as a formula (``=HYPERLINK(...)`` can send the sheet's contents away), and a
leading tab or carriage return can hide one. OWASP's "CSV Injection" advice is to prefix
such a cell with a single quote, which spreadsheets take as "this is text" and do not show;
OWASP ASVS 5.0 (1.2.10) adds NUL to the list, so it is a trigger here too.

``neutralise`` adds the quote; ``restore`` takes it off again when the file comes back, so
an exported title reads the same after import. The quote is added also when a cell's
leading quotes are followed by a trigger (``'=x`` becomes ``''=x``): ``restore`` removes
exactly one quote from such a cell, so a title that really begins ``'=`` survives, and
text that begins with a quote followed by anything else is never touched.

A control character a terminal acts on (every C0 one but tab and newline, DEL, the C1
ones: an escape sequence; and the bidirectional embeddings, overrides and isolates, which
reorder what is drawn) is written as its escape, ``\x1b`` or ``\u202e``, as pdca shows it
everywhere: a ``cat`` or ``grep`` of the file set a colleague's window title and cleared the
screen (a hostile member's trial). ``restore(escapes=True)``, for pdca's own exports, reads
those escapes back, and only those: no backslash is written twice, so an export of an
earlier release (``\\srv``, ``C:\temp``) reads as it did (a reviewer). A text that held
such an escape as typed (``\x1b``, four characters) comes back as the character, which
pdca shows as those four characters all the same.
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r\x00")
QUOTE = "'"
_TERMINAL_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_TO_WRITE = re.compile(f"[{_TERMINAL_CONTROLS}]")
# The escapes ``neutralise`` writes, and no others (``\x41`` is text)
_TO_READ = re.compile(r"\\x(?:0[0-8]|0[b-f]|1[0-9a-f]|7f|[89][0-9a-f])|\\u(?:202[a-e]|206[6-9])")


def _written(found: re.Match[str]) -> str:
    point = ord(found.group())
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def _read(found: re.Match[str]) -> str:
    return chr(int(found.group()[2:], 16))  # noqa: FURB166 (\x, not 0x)


def _guarded(cell: str) -> bool:
    """Whether ``cell``, once its leading quotes are set aside, begins with a trigger."""
    return cell.lstrip(QUOTE)[:1] in TRIGGERS  # "" (nothing left) is no trigger


def neutralise(cell: str) -> str:
    """``cell`` as written to a CSV: never beginning with a formula trigger, and holding no
    control a terminal acts on."""
    cell = _TO_WRITE.sub(_written, cell)
    return QUOTE + cell if _guarded(cell) else cell


def restore(cell: str, *, escapes: bool = False) -> str:
    """The text ``neutralise`` was given, from what it wrote (other cells are left as is);
    ``escapes``: its escapes read back too (a pdca export's cells)."""
    if cell.startswith(QUOTE) and _guarded(cell[1:]):
        cell = cell[1:]
    return _TO_READ.sub(_read, cell) if escapes else cell
