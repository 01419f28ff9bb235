"""Values for SQL written with numbered parameters (``?1``, ``?2``: one value used in several
places), given by number as a mapping.

Python 3.12.0 to 3.12.3 (Ubuntu 24.04's) took numbered parameters for named ones and warned
that a sequence for them is deprecated (CPython issue 117995): under ``-W error`` the owners
view and the stand-up crashed. A mapping binds them on every Python.
"""

from __future__ import annotations

from typing import Any


def numbered(*values: Any) -> dict[str, Any]:
    """``?1`` is the first of ``values``, ``?2`` the second, and so on."""
    return {str(number): value for number, value in enumerate(values, start=1)}
