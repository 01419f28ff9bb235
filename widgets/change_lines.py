"""What an update changed, field by field (``due: 2026-11-30 → 2026-12-05``): the board's
detail and ``pdca show`` say it alike. No Textual, and Rich only for the app's cells
(``plain``: the command line's, which loaded Rich for it and took 100 ms more)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdca.db.models import Event

# Bookkeeping that changes with every write; listing it would bury what a person changed.
_NOT_CHANGES = frozenset({"version", "updated_at", "phase_since"})
_VALUE_WIDTH = 30  # a changed note is shown cut, the full text is in Notes


def changed_fields(
    event: Event, names: Mapping[str, Mapping[int, str]] | None = None, *, plain: bool = False
) -> list[str]:
    """``due: 2026-11-30 → 2026-12-05`` for each field an update changed, in column order;
    an initiative or KPI by its name in ``names`` (``#3`` when it is gone). ``plain``: cut
    by characters, escaped by the caller (the command line's ``printable``)."""
    cells, value = (len, _plain_value) if plain else _in_cells()
    if event.entity == "checkin" and event.op == "delete" and event.before:
        # A check-in taken out (an undo): its words are nowhere else now, and the history
        # said only "undid checked in on #41 (at-risk)" (an auditor).
        return [f"message: {value(event.before.get('message'))}"]
    if event.op != "update" or not event.before or not event.after:
        return []
    lines = []
    for name in [*event.before, *(k for k in event.after if k not in event.before)]:
        if name in _NOT_CHANGES or (event.entity == "followup" and name == "checkin_id"):
            continue  # (a follow-up's check-in: its row id, "checkin: — → 151", a keyboard trial)
        old, new = event.before.get(name), event.after.get(name)
        if old != new:
            if name in ("initiative_id", "kpi_id"):
                called = (names or {}).get(name, {})
                old, new = (_named(value, called) for value in (old, new))
            shown = name.removesuffix("_id")
            if name.endswith("_at") and not plain:
                # On the person's clock, as the line's own time above it: "11:00 EST ann done"
                # over "done_at: — → 2026-11-23T16:00:00Z" read as two moments (an auditor).
                from pdca.widgets.when import short_time

                old, new = (short_time(v) if isinstance(v, str) else v for v in (old, new))
            old, new = _from_first_difference(old, new, cells)
            lines.append(f"{shown}: {value(old)} → {value(new)}")
    return lines


def _in_cells() -> tuple[Callable[[str], int], Callable[[Any], str]]:
    from rich.cells import cell_len

    from pdca.widgets.text import fit, literal

    def value(shown: Any) -> str:
        if shown is None or shown == "":
            return "—"
        return fit(literal(str(shown)), _VALUE_WIDTH)

    return cell_len, value


def _plain_value(shown: Any) -> str:
    if shown is None or shown == "":
        return "—"
    text = str(shown)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


_CONTEXT = 8  # characters kept before the first difference, to say where it is


def _from_first_difference(old: Any, new: Any, cells: Callable[[str], int]) -> tuple[Any, Any]:
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
    if cells(old[:same]) <= _VALUE_WIDTH - _CONTEXT:  # cells: as fit() cuts (CJK: two)
        return old, new  # the difference shows already
    start = same - _CONTEXT
    return "…" + old[start:], "…" + new[start:]


def _named(value: Any, names: Mapping[int, str]) -> Any:
    return names.get(value, f"#{value}") if isinstance(value, int) else value
