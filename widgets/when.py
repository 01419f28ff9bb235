"""Stored moments (ISO-8601 UTC, ``2026-11-23T09:00:00Z``) as people read them in the app."""

from __future__ import annotations

from datetime import datetime


def short_time(at: str | None) -> str:
    """``2026-11-23 10:00`` on the person's own clock (TZ), as every day the app counts is
    theirs (today, due, stale): shown in UTC unmarked, a stand-up "from 09:00" in New York
    read as an hour that had not yet come. Text that is not a moment is returned unchanged."""
    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at  # never hide what the database holds, even when it is odd
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")
