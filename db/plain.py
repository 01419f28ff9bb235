"""The base of records the store returns as plain dataclasses instead of pydantic models.

A record read back from SQLite needs no validation (the schema's CHECKs hold its values), and
importing pydantic and building its models costs about 70 ms of a view's start (issue 14).
``model_dump`` and ``model_copy`` give what a pydantic model's did, so callers (``--json``
output, ``tui/output.py``) treat both kinds alike; a pydantic model that holds one validates
it as the dataclass it is.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, Self

from pdca.db.errors import RowChangedOutside


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
        by hand with sqlite3 is left out, as pydantic left it, instead of failing the read.
        A value of the wrong kind (text in a number column: SQLite keeps what it is given) is
        refused in one line naming the row, as pydantic refused it."""
        kinds = _kinds(cls)  # type: ignore[arg-type]  # a class is hashable
        values = {key: value for key, value in data.items() if key in kinds}
        refuse_wrong_kinds(cls, values, data.get("id", "?"))
        return cls(**values)


def refuse_wrong_kinds(cls: type, values: Mapping[str, Any], row_id: object) -> None:
    """Raise ``RowChangedOutside`` naming the first of ``values`` that is not of the kind
    ``cls`` (a dataclass) annotates for it: one line with the row, the column and the
    value."""
    wrong = wrong_kinds(cls, values)
    if wrong:
        raise RowChangedOutside(
            f"{cls.__name__.lower()} {row_id}: {wrong[0]}"
            " (put it right with sqlite3, or restore a backup)"
        )


def wrong_kinds(cls: type, values: Mapping[str, Any]) -> list[str]:
    """Each of ``values`` that is not of the kind ``cls`` (a dataclass) annotates for it, as
    "title holds b'\\xff', not text: changed outside pdca"."""
    kinds, choices = _kinds(cls), _choices(cls)
    wrong = []
    for key, value in values.items():
        if key in kinds and not isinstance(value, kinds[key]):
            wrong.append(f"{key} holds {shown_value(value)}, not {_words(kinds[key])}")
        elif key in choices and value is not None and value not in choices[key]:
            # A phase of "weird" (CHECKs set aside with PRAGMA ignore_check_constraints)
            # took the owners view and moves down (a tester).
            wrong.append(f"{key} holds {shown_value(value)}, not one of {', '.join(choices[key])}")
    return [f"{said}: changed outside pdca" for said in wrong]


def stand_in(cls: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with each one of the wrong kind for ``cls`` replaced by nothing (None),
    or where a field cannot be empty, by its kind's zero (``""``, ``0``)."""
    kinds, choices = _kinds(cls), _choices(cls)
    kept = dict(values)
    for key, value in values.items():
        if key in kinds and not isinstance(value, kinds[key]):
            allowed = kinds[key]
            kept[key] = None if type(None) in allowed else allowed[0]()
        if key in choices and kept[key] is not None and kept[key] not in choices[key]:
            # the first choice: a card with a phase of "weird" stands in Plan, named
            kept[key] = None if type(None) in kinds[key] else choices[key][0]
    return kept


def shown_value(value: Any) -> str:
    """A value as a message names it: its repr (controls escaped), cut short, since a
    hand-pasted megabyte is not repeated."""
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{shown[:37]}..."


@functools.cache
def _kinds(cls: type) -> dict[str, tuple[type, ...]]:
    """Each field's Python types as its annotation says them (a float takes an int too;
    ``Any`` and anything unknown take anything)."""
    hints = typing.get_type_hints(cls)
    found: dict[str, tuple[type, ...]] = {}
    for field in dataclasses.fields(cls):
        kinds: set[type] = set()
        _add(hints[field.name], kinds)
        found[field.name] = tuple(kinds)
    return found


@functools.cache
def _choices(cls: type) -> dict[str, tuple[str, ...]]:
    """The words each field of a ``Literal`` of words takes (a phase: plan, do, check, act)."""
    hints = typing.get_type_hints(cls)
    found: dict[str, tuple[str, ...]] = {}
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        parts = typing.get_args(hint) if union else (hint,)  # Verdict | None, or Phase
        words = [
            word
            for part in parts
            if typing.get_origin(part) is typing.Literal
            for word in typing.get_args(part)
        ]
        if words and all(isinstance(word, str) for word in words):
            found[field.name] = tuple(words)
    return found


def _add(hint: Any, kinds: set[type]) -> None:
    origin = typing.get_origin(hint)
    if hint is type(None):
        kinds.add(type(None))
    elif origin is typing.Literal:
        kinds.update(type(arg) for arg in typing.get_args(hint))
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            _add(arg, kinds)
    elif origin is not None and isinstance(origin, type):
        kinds.add(origin)  # list[str] -> list, dict[...] -> dict
    elif hint is float:
        kinds.update((float, int))
    elif isinstance(hint, type):
        kinds.add(hint)
    else:
        kinds.add(object)


def _words(kinds: tuple[type, ...]) -> str:
    """What a field takes, in words ("a number or empty")."""
    named = {_word(kind) for kind in kinds if not (kind is int and float in kinds)}
    return " or ".join(sorted(named, key=lambda word: word == "empty"))


def _word(kind: type) -> str:
    return {
        float: "a number",
        int: "a whole number",
        str: "text",
        bool: "true or false",
        list: "a list",
        dict: "an object",
        type(None): "empty",
    }.get(kind, kind.__name__)
