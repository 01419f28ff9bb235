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
screen (a hostile member's trial). So that an export comes back exactly, a backslash that
would otherwise read as the start of such an escape is written twice (``\\x1b`` for the
text ``\x1b``, ``C:\\\\srv`` for ``C:\\srv``); any other stays as it is (``C:\temp``).
``restore(escapes=True)``, for pdca's own exports, reads them back; a hand-made CSV's cells
are read as they are.
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r\x00")
QUOTE = "'"
_TERMINAL_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# What is written as its escape, and the backslashes written twice: one followed by another,
# by such a character, or by what reads as an escape
_TO_WRITE = re.compile(
    f"[{_TERMINAL_CONTROLS}]|\\\\(?=[\\\\{_TERMINAL_CONTROLS}]|x[0-9a-f]{{2}}|u[0-9a-f]{{4}})"
)
_TO_READ = re.compile(r"\\\\|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}")


def _written(found: re.Match[str]) -> str:
    char = found.group()
    if char == "\\":
        return "\\\\"
    point = ord(char)
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def _read(found: re.Match[str]) -> str:
    text = found.group()
    return "\\" if text == "\\\\" else chr(int(text[2:], 16))  # noqa: FURB166 (\x, not 0x)


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
