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
"""

from __future__ import annotations

TRIGGERS = frozenset("=+-@\t\r\x00")
QUOTE = "'"


def _guarded(cell: str) -> bool:
    """Whether ``cell``, once its leading quotes are set aside, begins with a trigger."""
    return cell.lstrip(QUOTE)[:1] in TRIGGERS  # "" (nothing left) is no trigger


def neutralise(cell: str) -> str:
    """``cell`` as written to a CSV: never beginning with a formula trigger."""
    return QUOTE + cell if _guarded(cell) else cell


def restore(cell: str) -> str:
    """The text ``neutralise`` was given, from what it wrote (other cells are left as is)."""
    if cell.startswith(QUOTE) and _guarded(cell[1:]):
        return cell[1:]
    return cell
