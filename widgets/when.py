"""Stored moments (ISO-8601 UTC, ``2026-11-23T09:00:00Z``) as people read them in a dialog."""

from __future__ import annotations

from datetime import datetime


def short_time(at: str | None) -> str:
    """``2026-11-23 09:00`` (UTC, as stored); text that is not a moment is returned unchanged."""
    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at  # never hide what the database holds, even when it is odd
    return moment.strftime("%Y-%m-%d %H:%M")
