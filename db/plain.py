"""The base of records the store returns as plain dataclasses instead of pydantic models.

A record read back from SQLite needs no validation (the schema's CHECKs hold its values), and
importing pydantic and building its models costs about 70 ms of a view's start (issue 14).
``model_dump`` and ``model_copy`` give what a pydantic model's did, so callers (``--json``
output, ``tui/output.py``) treat both kinds alike; a pydantic model that holds one validates
it as the dataclass it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Self


def plain(value: Any) -> Any:
    """``value`` as plain data: records (plain or pydantic) as dicts, inside lists and dicts
    too. Every other value a record holds is a str, int, float, bool or None already."""
    if hasattr(type(value), "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


class PlainRecord:
    """What a plain record shares with a pydantic model: its data as a dict, and a changed
    copy. Subclasses are dataclasses."""

    __slots__ = ()

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        """Fields in their order; nested records as dicts (``mode`` is accepted for pydantic's
        sake: every value is what JSON holds already, so both modes are the same)."""
        del mode
        return {
            field.name: plain(getattr(self, field.name))
            for field in dataclasses.fields(self)  # type: ignore[arg-type]
        }

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    @classmethod
    def from_row(cls, data: Mapping[str, Any]) -> Self:
        """The record from a row (or dict) holding its fields and maybe more: a column added
        by hand with sqlite3 is left out, as pydantic left it, instead of failing the read."""
        names = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{key: value for key, value in data.items() if key in names})
