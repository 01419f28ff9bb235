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
those escapes back, and only those. A backslash is written twice only where it stands
before such an escape's letters or such a character, so a text that held an escape as typed
(``\x1b``, four characters) is written ``\\x1b`` and comes back as typed: it came back as
the character (a new lead's round trip). Every other backslash is written once, so an export
of an earlier release (``\\srv``, ``C:\temp``) reads as it did (a reviewer); in one, an
escape typed as text still comes back as the character.
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r\x00")
QUOTE = "'"
_TERMINAL_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_TO_WRITE = re.compile(f"[{_TERMINAL_CONTROLS}]")
# The escapes ``neutralise`` writes, and no others (``\x41`` is text), after the backslash
_ESCAPE_LETTERS = r"x(?:0[0-8]|0[b-f]|1[0-9a-f]|7f|[89][0-9a-f])|u(?:202[a-e]|206[6-9])"
# A run of backslashes before such letters or such a character: written twice over
_BACKSLASHES_TO_DOUBLE = re.compile(rf"\\+(?={_ESCAPE_LETTERS}|[{_TERMINAL_CONTROLS}])")
# A run of backslashes and the letters after it: half the run is text, and an odd one left
# over makes the letters the escape of a character
_TO_READ = re.compile(rf"(\\+)({_ESCAPE_LETTERS})")


def _written(found: re.Match[str]) -> str:
    point = ord(found.group())
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def _read(found: re.Match[str]) -> str:
    backslashes, letters = found.groups()
    text = backslashes[: len(backslashes) // 2]
    if len(backslashes) % 2 == 0:
        return text + letters  # typed so: its backslashes were doubled
    return text + chr(int(letters[1:], 16))


def _guarded(cell: str) -> bool:
    """Whether ``cell``, once its leading quotes are set aside, begins with a trigger."""
    return cell.lstrip(QUOTE)[:1] in TRIGGERS  # "" (nothing left) is no trigger


def neutralise(cell: str) -> str:
    """``cell`` as written to a CSV: never beginning with a formula trigger, and holding no
    control a terminal acts on."""
    cell = _TO_WRITE.sub(_written, _BACKSLASHES_TO_DOUBLE.sub(r"\g<0>\g<0>", cell))
    return QUOTE + cell if _guarded(cell) else cell


def restore(cell: str, *, escapes: bool = False) -> str:
    """The text ``neutralise`` was given, from what it wrote (other cells are left as is);
    ``escapes``: its escapes read back too (a pdca export's cells)."""
    if cell.startswith(QUOTE) and _guarded(cell[1:]):
        cell = cell[1:]
    return _TO_READ.sub(_read, cell) if escapes else cell
