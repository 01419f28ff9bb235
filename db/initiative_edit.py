"""Changing an initiative: its name, objective or owner, in one versioned write and its event.

An initiative's objective is what its SMART check reads, and a name typed wrong stays in every
report: without an edit, ``initiative add`` made the only one for good (a tester).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pdca.db import convert
from pdca.db.errors import InvalidInput
from pdca.db.unknown_names import taken_why

if TYPE_CHECKING:
    from pdca.db.models import Initiative, InitiativeChanges
    from pdca.db.store import Store


@dataclass(frozen=True)
class InitiativeEdit:
    initiative: Initiative
    changed: bool  # False: every field given was as it is already; nothing written


def edit_initiative(
    store: Store, name: str, changes: InitiativeChanges, *, expected_version: int | None = None
) -> InitiativeEdit:
    """The initiative named ``name`` with ``changes`` written; unchanged fields are not
    written, and nothing is written (no event, no new version) when nothing differs."""
    with store.write() as tx:
        initiative_id = store.initiative_id(name)
        before = store.conn.execute(
            "SELECT * FROM initiatives WHERE id = ?", (initiative_id,)
        ).fetchone()
        store.check_version("initiative", before, expected_version)
        wanted: dict[str, Any] = {}
        if changes.name is not None:
            taken = store.name_taken("initiatives", changes.name, but=before["id"])
            if taken is not None:
                raise InvalidInput(
                    "name", changes.name, taken_why("initiative", changes.name, taken)
                )
            wanted["name"] = changes.name
        if changes.objective is not None:
            wanted["objective"] = changes.objective
        if changes.clear_owner:
            wanted["owner"] = None
        elif changes.owner is not None:
            store.ensure_person(tx, changes.owner)
            wanted["owner"] = changes.owner
        changed = {column: value for column, value in wanted.items() if before[column] != value}
        if changed:
            renamed = changed.get("name", before["name"])
            store.update_versioned(
                tx,
                "initiative",
                before,
                changed,
                f"edited initiative {renamed!r}: {', '.join(sorted(changed))}",
            )
        row = store.conn.execute(
            "SELECT i.*, (SELECT count(*) FROM actions a WHERE a.initiative_id = i.id"
            " AND a.done_at IS NULL) AS open_actions FROM initiatives i WHERE i.id = ?",
            (before["id"],),
        ).fetchone()
    return InitiativeEdit(convert.initiative(row), bool(changed))
