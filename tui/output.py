"""How the command line prints records: stable JSON for scripts, aligned text for people.

User text is data: in text output every control character (ANSI escapes included) is shown
as a visible ``\\x1b``-style escape, so a title can never drive the terminal. JSON output
carries the text exactly as stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str | None) -> str:
    if text is None:
        return ""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def to_json(value: Any) -> str:
    def plain(item: Any) -> Any:
        if isinstance(item, BaseModel):
            return item.model_dump(mode="json")
        if isinstance(item, list | tuple):
            return [plain(entry) for entry in item]
        if isinstance(item, dict):
            return {key: plain(entry) for key, entry in item.items()}
        return item

    return json.dumps(plain(value), ensure_ascii=False, indent=2)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is left ragged."""
    materialized = [[printable(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in materialized:
        for index, cell in enumerate(row[:-1]):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in [list(headers), *materialized]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
