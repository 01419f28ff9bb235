"""Sparklines from block characters: one cell per cadence period, a space where none was taken.

Plain characters, so a sparkline reads the same in 16 colours, with ``NO_COLOR`` and in a
copied terminal: the bar heights carry the data, colour only adds the KPI's status.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
GAP = " "


def sparkline(values: Sequence[float | None], width: int | None = None) -> str:
    """The last ``width`` values (all when ``None``) as bars scaled between their min and max;
    ``None`` (no measurement in that period) is a gap. A flat series sits mid-height."""
    shown = list(values) if width is None else list(values)[-width:] if width > 0 else []
    # An infinity (9e999 put in a file by hand before schema 21) has no height: a gap.
    shown = [v if v is None or math.isfinite(v) else None for v in shown]
    known = [v for v in shown if v is not None]
    if not known:
        return GAP * len(shown)
    # Readings as far apart as -1e308 and 1e308 are valid floats whose difference is not:
    # then they are scaled down first, so the span is finite.
    scale = 1.0
    if not math.isfinite(max(known) - min(known)):
        scale = max(abs(v) for v in known)
    low, high = min(known) / scale, max(known) / scale
    span = high - low
    top = len(BLOCKS) - 1
    cells = []
    for value in shown:
        if value is None:
            cells.append(GAP)
        elif span == 0:
            cells.append(BLOCKS[top // 2])
        else:
            cells.append(BLOCKS[round((value / scale - low) / span * top)])
    return "".join(cells)
