"""The PDCA rules as pure functions: phase gates, overdue, staleness. No SQLite, no clock.

The store asks these before it writes, and the command line and the app obey the same answers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from pdca.db.clock import stored_moment
from pdca.db.models import PHASES, Decision, Phase, Verdict

STALE_AFTER_DAYS = 7


class MoveFacts(NamedTuple):  # quick to make at import, as models.ActionFields
    """What a phase gate needs to know about an action, gathered by the store."""

    phase: Phase
    done: bool
    owner: str | None
    due: str | None
    progress_since_do: int  # check-ins and linked KPI readings since the action entered Do


def phase_index(phase: Phase) -> int:
    return PHASES.index(phase)


def next_phase(phase: Phase) -> Phase | None:
    index = phase_index(phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def previous_phase(phase: Phase) -> Phase | None:
    index = phase_index(phase)
    return PHASES[index - 1] if index > 0 else None


def move_problem(facts: MoveFacts, target: Phase, verdict: Verdict | None) -> str | None:
    """Why the action may not move to ``target`` now, or ``None`` when it may.

    Forward moves go one phase at a time and must meet the gate of the phase they enter;
    moving back to an earlier phase is always allowed (re-planning is part of PDCA).
    """
    if facts.done:
        return "it is done"
    if target == facts.phase:
        return f"it is already in {target.capitalize()}"
    if phase_index(target) < phase_index(facts.phase):
        return None
    if phase_index(target) > phase_index(facts.phase) + 1:
        following = next_phase(facts.phase)
        return f"phases advance one at a time: {facts.phase} moves next to {following}"
    if target == "do":
        missing = [
            name
            for name, value in (("an owner", facts.owner), ("a due date", facts.due))
            if not value
        ]
        if missing:
            return "Do needs " + " and ".join(missing)
    if target == "check" and facts.progress_since_do == 0:
        return "Check needs a check-in or KPI reading since it entered Do"
    if target == "act" and verdict is None:
        return "Act needs a verdict (worked, partly or did-not)"
    return None


def start_problem(
    phase: Phase, owner: str | None, due: object, fields: str = "--owner, --due"
) -> str | None:
    """Why a new action may not start in ``phase``, or ``None`` when it may; ``fields`` is
    where the person gives an owner and a due date (options, or a CSV's columns).

    Work already under way may be entered straight into Do (with its owner and due date);
    Check and Act are reached only through their gates: a check-in since Do, a verdict.
    """
    if phase == "do" and not (owner and due):
        # what is missing alone: "an owner and a due date" beside a due given (a retrial)
        wanted = " and ".join(
            words for words, given in (("an owner", owner), ("a due date", due)) if not given
        )
        return f"a new action in Do needs {wanted} ({fields})"
    if phase == "check":
        return (
            "a new action cannot start in Check: add it in Do, check in, "
            "then move it (pdca move ID check)"
        )
    if phase == "act":  # Act is reached from Check, with a verdict (it named only Check)
        return (
            "a new action cannot start in Act: add it in Do, check in, move it to Check,"
            " then to Act with a verdict (pdca move ID act --verdict worked)"
        )
    return None


def completion_problem(
    phase: Phase, done: bool, decision: Decision | None, *, repeat: bool = False
) -> str | None:
    """Why the action may not be marked done with ``decision``, or ``None`` when it may.

    Standardize and adjust are the Act phase's decisions; abandoning is possible at any time.
    A round of repeating work (``repeat``: a rule made it) is standardized wherever it is: its
    routine is the standard, and a weekly review took five commands to finish, or counted as
    abandoned (two testers).
    """
    if done:
        return "it is done already"
    if decision is None:
        return "done needs a decision (standardize, adjust or abandon)"
    if decision == "standardize" and repeat:
        return None
    if decision != "abandon" and phase != "act":
        anywhere = "standardize (a repeat's round) and abandon work" if repeat else "abandon works"
        return (
            f"{decision} is decided in Act, and it is in {phase.capitalize()} ({anywhere} anywhere)"
        )
    return None


def is_overdue(due: str | None, done: bool, today: date) -> bool:
    if not due or done:
        return False
    return due < today.isoformat()  # ISO dates sort as text


def days_since(moment: str, now: datetime) -> int:
    """Calendar days from ``moment`` to ``now`` in the local timezone: 0 is today, 1 yesterday
    (a check-in last evening is "yesterday" however few hours ago it was). What people read."""
    then = stored_moment(moment)
    return max(0, (now.astimezone().date() - then.astimezone().date()).days)


def days_since_if_known(moment: str | None, now: datetime) -> int | None:
    """``days_since``, or None for no moment or one that is no time (typed in by hand)."""
    try:
        return days_since(moment, now) if moment else None
    except ValueError:
        return None


def is_stale(days: int, done: bool, cadence_days: int = STALE_AFTER_DAYS) -> bool:
    """An open action with no check-in within the cadence (counted from creation if none):
    more than ``cadence_days`` calendar days since (``days_since``), the days a card says.
    Whole 24-hour days were counted once: a card read "8 days ago" and not stale, and
    ``pdca list --stale`` found nothing (a tester)."""
    return not done and days > cadence_days


def stale_cutoff(now: datetime, cadence_days: int) -> datetime:
    """A last sign of life at or before this moment means stale (``is_stale`` as a bound SQL
    compares stored times with): the last second of the local day ``cadence_days + 1``
    before today. A local midnight by the system's zone, summer time and all."""
    first_fresh_day = now.astimezone().date() - timedelta(days=cadence_days)
    return first_moment_of(first_fresh_day) - timedelta(seconds=1)


def stale_everywhere_cutoff(now: datetime, cadence_days: int) -> datetime:
    """A last sign of life at or before this moment is stale on every clock: more than
    ``cadence_days`` calendar days ago wherever it is read, as it is ``cadence_days + 1``
    whole days ago, and an hour more for a night the clocks go back (eight days of 24 hours
    over it are seven local days and 23 hours there, a reviewer). ``pdca notify`` tells the
    owner, whose zone it cannot know: a run in Kolkata told ann in Berlin her work was stale
    while her own list said "7 days ago" (a trial)."""
    return now - timedelta(days=cadence_days + 1, hours=1)


def first_moment_of(day: date) -> datetime:
    """The first second whose local date is ``day``. Not ``datetime(day).astimezone()``: in a
    zone whose summer time starts at midnight (America/Santiago, Africa/Cairo) that midnight
    does not exist and resolved an hour early, and a card and ``list --stale`` disagreed (a
    reviewer). Searched, to the second, within hours of that guess."""
    guess = datetime(day.year, day.month, day.day).astimezone()
    low, high = guess - timedelta(hours=4), guess + timedelta(hours=4)  # low before, high in
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone().date() >= day:
            high = middle
        else:
            low = middle
    return high


def ago_words(at: str | None, now: datetime) -> str:
    """``3d ago``, ``yesterday``, ``5h ago``, ``just now``: how long before ``now`` a stored
    moment was, the owners' and the log's column (app and command line alike). By calendar
    days as the board, ``list`` and staleness count them: on an earlier day, ``yesterday``
    or ``Nd ago``; on the same day, in hours and minutes. By elapsed time, a check-in at
    23:50 read "20m ago" beside a card saying "yesterday", and one at 00:30 on the day clocks
    go back read "1d ago" beside "today" (a trial)."""
    if not at:
        return "never"
    try:
        then = stored_moment(at)
    except ValueError:  # typed in by hand, no time at all (doctor names it)
        return "?"
    days = days_since(at, now)
    if days >= 1:
        return "yesterday" if days == 1 else f"{days}d ago"
    seconds = max(0, int((now - then).total_seconds()))
    for size, unit in ((3_600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def checkin_words(last_checkin_at: str | None, days: int) -> str:
    """ "no check-in", "today", "yesterday", "3 days ago": the last check-in as people say it."""
    if last_checkin_at is None:
        return "no check-in"
    if days <= 1:
        return ("today", "yesterday")[days]
    return f"{days} days ago"


def is_followup_due(due: str, done: bool, today: date) -> bool:
    """A follow-up audit not recorded yet whose day came (``due`` an ISO date)."""
    return not done and due <= today.isoformat()  # ISO dates sort as text
