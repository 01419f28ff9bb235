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

A control character a terminal acts on (every C0 one but tab, newline and carriage return,
DEL, and the C1 ones: an escape sequence) is written as its escape, ``\x1b``, as pdca
shows it everywhere: a ``cat`` or ``grep`` of the file set a colleague's window title and
cleared the screen (a hostile member's trial). Import reads the escape as the text it is;
the JSON export keeps such characters exactly.
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r\x00")
QUOTE = "'"
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _guarded(cell: str) -> bool:
    """Whether ``cell``, once its leading quotes are set aside, begins with a trigger."""
    return cell.lstrip(QUOTE)[:1] in TRIGGERS  # "" (nothing left) is no trigger


def neutralise(cell: str) -> str:
    """``cell`` as written to a CSV: never beginning with a formula trigger, and holding no
    control a terminal acts on."""
    cell = _TERMINAL_CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", cell)
    return QUOTE + cell if _guarded(cell) else cell


def restore(cell: str) -> str:
    """The text ``neutralise`` was given, from what it wrote (other cells are left as is)."""
    if cell.startswith(QUOTE) and _guarded(cell[1:]):
        return cell[1:]
    return cell
