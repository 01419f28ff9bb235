"""Typed errors the store raises; the command line and screens turn them into one-line messages.

Every error's ``str()`` is that one line: it names the field or the thing that was wrong.
"""

from __future__ import annotations


class PdcaError(Exception):
    """Base of every error pdca reports to a person instead of a traceback."""


class InvalidInput(PdcaError):
    """A value a person typed is not acceptable; the message names the field and the value."""

    def __init__(self, field: str, value: object, why: str) -> None:
        self.field = field
        self.value = value
        self.why = why
        super().__init__(f"{field}: {_show(value)} {why}")


class NotFound(PdcaError):
    """An id or name that does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        shown = f"#{key}" if kind == "action" and isinstance(key, int) else _show(key)
        super().__init__(f"no {kind} {shown}")


class Conflict(PdcaError):
    """Someone else changed the row since the caller read it; nothing was written."""

    def __init__(self, entity: str, entity_id: int, by: str | None, at: str | None) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.by = by
        self.at = at
        who = f" by {by} at {at}" if by else ""
        super().__init__(
            f"{entity} #{entity_id} was changed{who} since you read it; nothing written"
        )


class GateUnmet(PdcaError):
    """A phase move or a completion lacks what the PDCA rules require."""


class UndoRefused(PdcaError):
    """The last change cannot be undone (nothing to undo, or someone changed the row since)."""


class DatabaseProblem(PdcaError):
    """The file cannot be used: not a database, not pdca's, too new, unreadable or read-only."""


class ReadOnlyDatabase(DatabaseProblem):
    """The current user may read the database but not write it."""


def _show(value: object) -> str:
    """Quote a value for a message, cutting very long ones so the message stays one line."""
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > 120:  # a pasted essay stays one readable line; paths fit whole
        text = text[:50] + f"...' ({len(value) if isinstance(value, str) else '?'} characters)"
    return text
