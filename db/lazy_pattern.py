"""Regular expressions compiled when first used, not when their module is imported.

Every command imports the text, date and clock rules, and compiling their few dozen patterns
took about 10 ms of each start, most of them for patterns that command never uses (issue 14:
a command-line write within 3x Taskwarrior's ``task add``). ``lazy_pattern`` is
``re.compile`` that waits: the object stands for the pattern and compiles it the first time
anything of it is asked for.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        # Only what the object itself lacks comes here: the pattern's methods and fields
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_pattern({self._source!r})"


def lazy_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled at its first use. Not for ``re.sub(pattern,
    ...)``, ``isinstance`` or ``match.re is pattern``: use its methods (``pattern.sub``)."""
    return cast("re.Pattern[str]", _LazyPattern(source, flags))
