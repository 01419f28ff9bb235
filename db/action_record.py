"""An action as the store returns it: a plain frozen dataclass, not a pydantic model.

The board paints its first screenful from these, and importing pydantic and building the
models costs about 70 ms of a 400 ms start (issue 14). An action read back needs no
validation (the schema's CHECKs hold its values); the few pydantic calls made on it
elsewhere (``model_dump``, ``model_copy``) are kept with the same answers, and pydantic models
that hold one (``ActionDetail``, ``Completion``) validate it as the dataclass it is.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pdca.db.models import CheckinStatus, Decision, Phase, Priority, Verdict


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    id: int
    title: str
    notes: str
    owner: str | None
    phase: Phase
    due: str | None
    initiative_id: int | None
    initiative: str | None
    kpi_id: int | None
    kpi: str | None
    parent_id: int | None
    cycle: int
    verdict: Verdict | None
    decision: Decision | None
    phase_since: str
    done_at: str | None
    created_by: str
    created_at: str
    updated_at: str
    version: int
    last_checkin_at: str | None
    last_checkin_status: CheckinStatus | None
    recurrence_id: int | None = None  # the repeat rule that made it (db/recurrence.py)
    # Derived by the rules from the clock when the action was read.
    overdue: bool = False
    days_since_checkin: int = 0
    stale: bool = False
    priority: Priority = "normal"  # last: JSON fields are only ever added

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The fields in order, as pydantic's ``model_dump`` gave them: every value is already
        what JSON holds (text, numbers, booleans, None), so both modes are the same."""
        del mode
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Action:
        return dataclasses.replace(self, **(update or {}))


ACTION_FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in dataclasses.fields(Action))
