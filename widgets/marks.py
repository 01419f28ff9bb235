"""The check-in status marks: shapes that differ, so they read without colour too.

``status_mark`` gives the glyph and the name of its colour role (``on-track``, ``at-risk``,
``blocked`` or ``none``); each widget maps the role to a component class or a theme colour.
"""

from __future__ import annotations

MARKS: dict[str, str] = {
    "on-track": "●",
    "at-risk": "▲",
    "blocked": "■",
    "none": "○",
}

# Theme variables for the roles, for widgets that style with CSS rather than classes.
COLOURS: dict[str, str] = {
    "on-track": "$success",
    "at-risk": "$warning",
    "blocked": "$error",
    "none": "$text-muted",
}


# A KPI's state: shapes that differ too (the KPIs view, its detail, a stand-up's KPI row).
KPI_MARKS: dict[str, str] = {
    "alert": "■",
    "warn": "▲",
    "overdue": "◔",
    "no-data": "○",
    "ok": "●",
    "on-target": "★",
}


# A card that repeats (pdca add --every): the next one comes by itself.
REPEAT_MARK = "↻"


def status_mark(status: str | None) -> tuple[str, str]:
    """(glyph, role) for a check-in status; ``None`` (never checked in) is an open circle."""
    role = status if status in MARKS else "none"
    return MARKS[role], role
