"""One row of the event log as the store returns it: a plain frozen dataclass (``db.plain``).

The stand-up builds one per change it lists (hundreds on a busy day at 100 000 actions); as a
pydantic model each cost a validation, and the first one pydantic's import (issue 14). The
log is written only by the store, so a row read back needs no checking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pdca.db.plain import PlainRecord


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(PlainRecord):
    id: int
    tx: int
    at: str
    actor: str
    entity: str
    entity_id: int
    op: Literal["create", "update", "delete"]
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undo_of: int | None
