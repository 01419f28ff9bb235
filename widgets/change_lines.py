"""What an update changed, field by field (``due: 2026-11-30 → 2026-12-05``): the board's
detail and ``pdca show`` say it alike. Rich only, no Textual: the command line uses it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.cells import cell_len

from pdca.db.models import Event
from pdca.widgets.text import fit, literal

# Bookkeeping that changes with every write; listing it would bury what a person changed.
_NOT_CHANGES = frozenset({"version", "updated_at", "phase_since"})
_VALUE_WIDTH = 30  # a changed note is shown cut, the full text is in Notes


def changed_fields(event: Event, names: Mapping[str, Mapping[int, str]] | None = None) -> list[str]:
    """``due: 2026-11-30 → 2026-12-05`` for each field an update changed, in column order;
    an initiative or KPI by its name in ``names`` (``#3`` when it is gone)."""
    if event.op != "update" or not event.before or not event.after:
        return []
    lines = []
    for name in [*event.before, *(k for k in event.after if k not in event.before)]:
        if name in _NOT_CHANGES:
            continue
        old, new = event.before.get(name), event.after.get(name)
        if old != new:
            if name in ("initiative_id", "kpi_id"):
                called = (names or {}).get(name, {})
                old, new = (_named(value, called) for value in (old, new))
            shown = name.removesuffix("_id")
            old, new = _from_first_difference(old, new)
            lines.append(f"{shown}: {_value(old)} → {_value(new)}")
    return lines


_CONTEXT = 8  # characters kept before the first difference, to say where it is


def _from_first_difference(old: Any, new: Any) -> tuple[Any, Any]:
    """Two long texts from a little before where they first differ (``…`` for what is left
    out): both cut at the same width showed the same words on either side of the arrow, and
    a line added to a note was never seen (a tester)."""
    if not (isinstance(old, str) and isinstance(new, str)):
        return old, new
    same = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        same += 1
    if cell_len(old[:same]) <= _VALUE_WIDTH - _CONTEXT:  # cells: as fit() cuts (CJK: two)
        return old, new  # the difference shows already
    start = same - _CONTEXT
    return "…" + old[start:], "…" + new[start:]


def _named(value: Any, names: Mapping[int, str]) -> Any:
    return names.get(value, f"#{value}") if isinstance(value, int) else value


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return fit(literal(str(value)), _VALUE_WIDTH)
