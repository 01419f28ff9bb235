"""The accountability rules as pure functions: staleness cutoffs, follow-up dates, who needs
attention first, and the stand-up digest computed from event rows. No SQLite, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pdca.db import rules
from pdca.db.accountability_models import (
    DIGEST_KINDS,
    UNOWNED,
    Digest,
    DigestItem,
    DigestKind,
    OwnerRow,
    StandingItem,
    TeamSettings,
)
from pdca.db.clock import iso, local_day, stored_moment
from pdca.db.dates import LATEST, minute_utc, minutes_utc_in
from pdca.db.errors import InvalidInput
from pdca.db.kpi_rules import ACK_HOURS, beyond_words
from pdca.db.models import ID_MAX, PDCA_ACTOR, VERDICT_WORDS, shown_number

if TYPE_CHECKING:
    from pdca.db.models import Event

DEFAULT_SETTINGS = TeamSettings()
STANDUP_FIRST_WINDOW = timedelta(days=1)  # on the wall clock: a day, whatever its hours
DUE_SOON_DAYS = 7
MAX_CADENCE_DAYS = 365
MAX_OFFSET_DAYS = 3650
_DAYS = re.compile(r"[0-9]{1,4}")  # ASCII digits, short enough for int() to be cheap


# --------------------------------------------------------------------------- settings


def parse_cadence(text: str) -> int:
    """The stale cadence in whole days (1 to 365)."""
    raw = text.strip().removesuffix("d")
    if not _DAYS.fullmatch(raw) or not 1 <= int(raw) <= MAX_CADENCE_DAYS:
        raise InvalidInput("stale-after-days", text, "is not a number of days from 1 to 365")
    return int(raw)


def parse_offsets(text: str) -> tuple[int, ...]:
    """Follow-up offsets as typed: ``30,60,90`` (days after done), ascending, no repeats."""
    parts = [part.strip().removeprefix("+").removesuffix("d") for part in text.split(",")]
    if not parts or not all(_DAYS.fullmatch(p) and 1 <= int(p) <= MAX_OFFSET_DAYS for p in parts):
        raise InvalidInput(
            "followup-offsets", text, "is not a list of days such as 30,60,90 (1 to 3650 each)"
        )
    offsets = tuple(int(p) for p in parts)
    if list(offsets) != sorted(set(offsets)):
        raise InvalidInput("followup-offsets", text, "must go up, each day once (30,60,90)")
    return offsets


# Each team setting's key as kept in the file, and how its text is read: the one table the
# settings, doctor and the import's row check go by.
SETTING_PARSERS: dict[str, Callable[[str], object]] = {
    "stale_after_days": parse_cadence,
    "followup_offsets": parse_offsets,
}


# --------------------------------------------------------------------------- staleness


def is_stale_since(last_sign: str, now: datetime, cadence_days: int) -> bool:
    return last_sign <= iso(rules.stale_cutoff(now, cadence_days))


# --------------------------------------------------------------------------- follow-ups


def followup_schedule(done_on: date, offsets: Iterable[int]) -> list[tuple[int, date]]:
    """(offset, due date) for each follow-up of an action standardized on ``done_on``; one
    that would fall after the last day pdca keeps is refused by name (the file's guard
    refused it as "the database failed", a tester)."""
    schedule = []
    for offset in offsets:
        if offset > (LATEST - done_on).days:  # before the sum: past year 9999 it overflows
            try:
                shown = f"on {done_on + timedelta(days=offset)}"
            except OverflowError:  # a tester's 3650-day audit on 9998-12-31 crashed
                shown = "after the year 9999"
            raise InvalidInput(
                "decision",
                "standardize",
                f"on {done_on} puts its {offset}-day follow-up {shown}, after {LATEST}, the"
                " last day pdca keeps; nothing written",
            )
        due = done_on + timedelta(days=offset)
        schedule.append((offset, due))
    return schedule


# --------------------------------------------------------------------------- owners


def attention(row: OwnerRow) -> int:
    """How much a person's row asks for the lead's attention.

    Alerts waiting for acknowledgement weigh most (they escalate within 24 hours), then late
    work, then follow-ups due and stale actions; a heavy load breaks ties.
    """
    return 4 * row.alerts_waiting + 3 * row.overdue + 2 * row.followups_due + 2 * row.stale


def attention_order(rows: Iterable[OwnerRow]) -> list[OwnerRow]:
    """People most in need of attention first: whoever has alerts waiting (most first: they
    escalate within 24 hours), then by ``attention``; the unowned row (nobody's work) last.
    By the score alone, seven alerts came below ten late actions, and two testers read "alerts
    weigh most" as the order it was not."""
    scored = [row.model_copy(update={"attention": attention(row)}) for row in rows]
    return sorted(
        scored, key=lambda r: (r.unowned, -r.alerts_waiting, -r.attention, -r.open, r.login)
    )


# --------------------------------------------------------------------------- stand-ups


def standup_since(last_standup_at: str | None, now: datetime) -> str:
    """The last recorded stand-up, or (the first time) this time on the last working day:
    24 hours ago, or Friday's from a weekend or a Monday. A first stand-up on a Monday
    covered Sunday alone and left out Friday's work, with nothing to say so (a new user)."""
    if last_standup_at:
        return last_standup_at
    # Days on the person's own clock, at the same time of day: 72 hours back from a Monday
    # after the change to summer time was 08:00 on Friday, not 09:00 (a tester).
    since = now.astimezone().replace(tzinfo=None) - STANDUP_FIRST_WINDOW
    while since.weekday() >= 5:  # Saturday, Sunday
        since -= STANDUP_FIRST_WINDOW
    return iso(since.astimezone())  # a local time read in the zone of its own day


@dataclass(frozen=True)
class ActionBrief:
    """What the digest needs of an action it mentions: its title and owner today."""

    id: int
    title: str
    owner: str | None
    due: str | None = None


@dataclass(frozen=True)
class OpenAction:
    """An open action as the stand-up weighs it: its last sign of life (the last check-in, else
    its creation) and the status of its last check-in."""

    id: int
    title: str
    owner: str | None
    due: str | None
    last_sign: str
    last_status: str | None
    newer_rounds: int = 0  # a repeat's: its newer open rounds that need a word too


@dataclass(frozen=True)
class KpiOffCourse:
    """A KPI whose latest reading is past its warn or alert threshold, or whose reading is
    overdue, with no alert waiting on anyone (that one is listed as an alert): a KPI in the
    warn band for days, or in alert once its alert was acknowledged, was in no stand-up (a
    stand-up's lead)."""

    name: str
    owner: str | None
    status: str  # "alert", "warn", or "overdue" (the value within its thresholds)
    latest: float | None
    unit: str | None
    threshold: float | None  # the one it is past
    latest_at: str | None
    reading_overdue: bool
    acknowledged_by: str | None = None  # of its open alert, acknowledged
    alert_waits_on: str | None = None  # whom its alert waits on, escalated past its owner


def kpi_item(kpi: KpiOffCourse) -> StandingItem:
    """A KPI off course as the stand-up names it: ``alert`` or ``warn`` and the reading past
    its threshold, ``reading-overdue`` and the day of the last one."""
    from pdca.db.kpi_rules import beyond_words

    flags: list[str] = [kpi.status] if kpi.status in ("alert", "warn") else []
    said = []
    if kpi.latest is not None and kpi.threshold is not None and flags:
        said.append(beyond_words(kpi.latest, kpi.threshold, kpi.unit, kpi.status))
    if kpi.acknowledged_by:
        said.append(f"its alert acknowledged by {kpi.acknowledged_by}")
    if kpi.alert_waits_on:
        said.append(f"its alert waits on {kpi.alert_waits_on}")
    if kpi.reading_overdue:
        flags.append("reading-overdue")
        said.append(f"last reading {local_day(kpi.latest_at)}" if kpi.latest_at else "no reading")
    return StandingItem(
        kind="kpi", person=kpi.owner, title=kpi.name, flags=flags, detail="; ".join(said)
    )


@dataclass(frozen=True)
class WaitingAlert:
    """An open, unacknowledged alert as it stands now (``kpi_rules.alert_standing``)."""

    id: int
    kpi: str
    assignee: str
    ack_due: str
    overdue: bool
    # What raised it ("8 on one side", "threshold"): a KPI with a threshold alert and a
    # signal alert open shows two lines, which say apart why.
    reason: str = ""


@dataclass(frozen=True)
class DueFollowup:
    action_id: int
    title: str
    owner: str | None
    offset_days: int
    due: str


@dataclass(frozen=True)
class KpiBrief:
    name: str
    alert: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class TimedEscalation:
    """An escalation the clock made that no write has recorded yet (``kpi_rules``'s steps)."""

    alert_id: int
    kpi: str
    holder: str
    to: str
    missed: str  # the deadline the holder missed: the moment it passed on
    ack_due: str
    rule: str | None = None  # the process rule that raised it; None: the threshold


def alert_reason(rule: object) -> str:
    """What raised an alert, in a few words: ``threshold`` or the process rule
    (``beyond a limit``). Two alerts on one KPI passed on together read the same without it
    (a tester)."""
    from pdca.db.xmr import SHORT_TEXT

    return SHORT_TEXT.get(rule, "threshold") if isinstance(rule, str) else "threshold"


def standing(
    actions: Iterable[OpenAction],
    alerts: Iterable[WaitingAlert],
    followups: Iterable[DueFollowup],
    *,
    now: datetime,
    cadence_days: int,
    kpis: Iterable[KpiOffCourse] = (),
) -> list[StandingItem]:
    """Where work stands now, for the stand-up's first half: open actions that are late, due
    today, at risk (last check-in), blocked or stale (elapsed time past the team's cadence),
    and every open action nobody owns; alerts waiting on their current holder; follow-ups
    due. Alerts first: they escalate."""
    today = now.astimezone().date()
    today_text = today.isoformat()
    stale_at = iso(rules.stale_cutoff(now, cadence_days))  # ``is_stale_since``, as text: cheap
    items = [
        StandingItem(
            kind="alert",
            person=alert.assignee,
            title=alert.kpi,
            alert_id=alert.id,
            flags=["overdue"] if alert.overdue else [],
            # The deadline first: at 80 columns the stand-up view cut "(beyond a limit; ack…"
            # and the time it is about was gone (a tester).
            detail=("overdue since " if alert.overdue else "acknowledge by ")
            + minute_utc(alert.ack_due)  # not the stored 2026-11-22T08:00:00Z (a tester)
            + (f"; {alert.reason}" if alert.reason else ""),
        )
        for alert in alerts
    ]
    items += map(kpi_item, kpis)  # then the KPIs off course, the owner's to speak to
    for action in actions:
        flags = [] if action.owner else ["no-owner"]  # unowned work is always worth a word
        days_late = stale_days = None
        # A due set by hand past the schema's guards ('12/01/2026', a number) crashed the
        # stand-up, and every board with it (a tester): said as the board's card says it.
        due = action.due if _is_a_day(action.due) else None
        if due and due < today_text:  # ``rules.is_overdue``
            flags.append("late")
            days_late = (today - date.fromisoformat(due)).days
        elif due == today_text:
            flags.append("due-today")
        if action.last_status in ("at-risk", "blocked"):
            flags.append(action.last_status)
        if action.last_sign <= stale_at:
            flags.append("stale")
            stale_days = rules.days_since_if_known(action.last_sign, now)
        if flags or due != action.due:
            detail = f"due {due}" if due else "no due date"
            if due != action.due:
                from pdca.db.plain import shown_value

                detail = f"due holds {shown_value(action.due)}, not a date: changed outside pdca"
            if action.newer_rounds:
                # "open too" counted only these: a round due today was open and not counted
                one = action.newer_rounds == 1
                rounds = "round of it needs" if one else "rounds of it need"
                detail += f"; {action.newer_rounds} newer {rounds} a word too"
            items.append(
                StandingItem(
                    kind="action",
                    person=action.owner,
                    action_id=action.id,
                    title=action.title,
                    flags=flags,
                    detail=detail,
                    days_late=days_late,
                    stale_days=stale_days,
                )
            )
    items += [
        StandingItem(
            kind="followup",
            person=f.owner,
            action_id=f.action_id,
            title=f.title,
            # Past its day, a follow-up is late as an action is (a tester's script could not
            # tell one due today from one ten days over).
            flags=["late"] if f.due < today_text else ["due-today"] if f.due == today_text else [],
            detail=f"{f.offset_days}-day follow-up due {f.due}",
            days_late=_days_late(f.due, today) if f.due < today_text else None,
        )
        for f in followups
    ]
    return items


def _is_a_day(due: object) -> bool:
    """``due`` is a day as pdca writes it (2026-12-31), or none."""
    if due is None:
        return True
    try:
        return isinstance(due, str) and len(due) == 10 and bool(date.fromisoformat(due))
    except ValueError:
        return False


def days_recorded_late(due: str, done_at: str | None) -> int:
    """How many days after its due day a follow-up audit was recorded (the local day), or 0.
    One recorded ten days over read "holding" as one recorded on its day (a PDCA coach)."""
    if not done_at:
        return 0
    late = _days_late(due, _a_date(local_day(done_at)))
    return max(late or 0, 0)


def _a_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:  # set by hand past the schema: counted as on its day
        return date.min


def _days_late(due: str, today: date) -> int | None:
    try:
        return (today - date.fromisoformat(due)).days
    except ValueError:  # a date typed in by hand before schema 21
        return None


def whose_standup(digest: Digest) -> str:
    """`` (lena's stand-up)``: whose recorded stand-up the window starts at, or nothing; and
    when it is later than this clock's now, that one of the two clocks is wrong. A stand-up
    recorded by a clock a day ahead began every window after it, and nothing said so: the
    team's check-ins of that day were in none (a trial). Then, for one person's part alone,
    whose: ``standup --owner ann --post`` read in the chat as the whole team's."""
    whose = ""
    if digest.since_by:
        ahead = digest.since > digest.until
        whose = f" ({digest.since_by}'s stand-up{CLOCKS_DISAGREE if ahead else ''})"
    if digest.part_of is None:
        return whose
    part = "the work nobody owns" if digest.part_of == UNOWNED else f"{digest.part_of}'s part"
    return f"{whose} · only {part}"


# Short: at 80x24 the stand-up's header lost its end, "(n: one at a time)" (a retrial)
# The log lists check-ins alone: the moves, handovers and alerts a stand-up tells are in no
# log (a lead's two weeks); a window given by hand has them all.
CLOCKS_DISAGREE = (
    ", later than now here: a clock is wrong; changes before it: pdca standup --since yesterday"
)


def second_before(moment: str) -> str:
    """The ISO-8601 UTC time one second before ``moment`` (as the event log writes times)."""
    return iso(datetime.fromisoformat(moment) - timedelta(seconds=1))


def events_after(after_event: int | None) -> int:
    """The id after which a window takes the events of its first second: ``after_event``,
    or none of them (a window by time alone, ``--since``)."""
    return ID_MAX if after_event is None else after_event


def digest(
    events: Iterable[Event],
    *,
    since: str,
    until: str,
    after_event: int | None = None,
    actions: Mapping[int, ActionBrief],
    kpis: Mapping[int, KpiBrief] | None = None,
    readings: Mapping[int, float] | None = None,
    audit_holders: Mapping[int, str] | None = None,
    escalations: Iterable[TimedEscalation] = (),
    standing: Iterable[StandingItem] = (),
    owners: Iterable[str] = (),
) -> Digest:
    """The stand-up: ``standing`` (where work stands now), then what changed after ``since``
    up to ``until`` (inclusive), one item per event a stand-up cares for. The start is
    exclusive so that what a recorded stand-up saw is not seen twice; but in the second of
    ``since``, what came after ``after_event`` (the event that recorded that stand-up) is in
    the window: times are kept to the second, and such a change was in no stand-up at all.

    Undone changes (and the undo events themselves) are left out: they did not happen.
    ``escalations`` are the ones the clock made and no write recorded yet; those whose missed
    deadline falls in the window are listed under the person the alert went to, like the
    recorded ones. ``owners`` (of open work) are in the round-robin even when quiet.
    ``audit_holders``: whose audit each follow-up result (a check-in's id) was, when it is
    not the action's owner's (handed over by ``pdca reassign``).
    """
    kpis = kpis or {}
    readings = readings or {}
    after = events_after(after_event)
    window = [
        e for e in events if (since < e.at or (since == e.at and e.id > after)) and e.at <= until
    ]
    undone = {e.undo_of for e in window if e.undo_of is not None}
    items: list[DigestItem] = []
    for event in window:
        if event.undo_of is not None or event.tx in undone:
            continue
        item = _item(event, actions, kpis, readings, audit_holders or {})
        if item is not None and not told_as_the_clocks(item, event, since):
            items.append(item)
    items.extend(
        DigestItem(
            kind="alert-escalated",
            person=step.to,
            at=step.missed,
            actor=None,
            title=step.kpi,
            detail=(
                f"from {step.holder}, not acknowledged by {minute_utc(step.missed)}"
                f" ({alert_reason(step.rule)})"
            ),
        )
        for step in escalations
        if since <= step.missed < until
    )
    items.sort(key=lambda item: item.at)
    where = list(standing)
    named = {i.person for i in items if i.person} | {i.person for i in where if i.person}
    people = sorted(named | set(owners))
    if any(i.person is None for i in items) or any(i.person is None for i in where):
        people.append(UNOWNED)
    counts: dict[str, dict[str, int]] = {}
    for i in items:
        kinds = counts.setdefault(i.person or UNOWNED, dict.fromkeys(DIGEST_KINDS, 0))
        kinds[i.kind] += 1
    return Digest(
        since=since,
        until=until,
        after_event=after_event,
        items=items,
        standing=where,
        people=people,
        change_counts=counts,
    )


def told_as_the_clocks(item: DigestItem, event: Event, since: str) -> bool:
    """An escalation written after ``since`` whose deadline was missed before it: the stand-up
    before, which found it unwritten, told it as the clock's (``escalations``, at the missed
    deadline). Told again when a later write recorded it (a lead's trial). ``_CHANGES`` in
    db/accountability.py leaves the same ones out of the counts."""
    if item.kind != "alert-escalated" or event.before is None or event.actor != PDCA_ACTOR:
        # a person's KPI edit handed it on (alerts.follow_new_chain): nobody told it before,
        # the clock had no one to pass it to (a reviewer's stand-up left it out)
        return False
    missed = event.before.get("ack_due")
    return isinstance(missed, str) and missed < since


def _replanned(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What an edit did to an action's due date and priority, in words: ``due 2026-12-02 →
    2026-12-09``, ``due set 2026-12-11`` (a first date is no slip, a lead's trial), ``due
    cleared (was 2026-12-02)``, ``priority normal → high``."""
    said = []
    was, now = before.get("due"), after.get("due")
    if was != now:
        if was is None:
            said.append(f"due set {now}")
        elif now is None:
            said.append(f"due cleared (was {was})")
        else:
            said.append(f"due {was} → {now}")
    if before.get("priority") != after.get("priority"):
        said.append(
            f"priority {before.get('priority') or 'none'} → {after.get('priority') or 'none'}"
        )
    return said


def _first_deadline(due: object, level: object) -> str | None:
    """The deadline an alert had before its ``level`` passes-on, each a day after the last."""
    if not isinstance(due, str):
        return None
    steps = level if isinstance(level, int) and not isinstance(level, bool) and level > 0 else 0
    try:
        return iso(stored_moment(due) - timedelta(hours=ACK_HOURS * steps))
    except (ValueError, OverflowError):  # typed in by hand: no time, a level past all dates
        return None


def _late_by(due: object, done: object) -> str:
    """``5h``, ``2d``, ``1d 23h``, ``40m``: how long after its deadline an alert was
    acknowledged, or "" when it was in time. A late acknowledgement read as an on-time one
    in the stand-up, and the 24 hours are what escalation is about."""
    if not isinstance(due, str) or not isinstance(done, str):
        return ""
    try:
        seconds = int((stored_moment(done) - stored_moment(due)).total_seconds())
    except ValueError:  # typed in by hand, no time at all (doctor names it)
        return ""
    if seconds < 60:  # in time, or within the minute: not worth a word
        return ""
    days, hours = divmod(seconds // 3_600, 24)
    if days:  # with its hours: 47h 50m late read "1d" (a lead's trial)
        return f"{days}d {hours}h" if hours else f"{days}d"
    for size, unit in ((3_600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return ""


def _item(
    event: Event,
    actions: Mapping[int, ActionBrief],
    kpis: Mapping[int, KpiBrief],
    readings: Mapping[int, float],
    audit_holders: Mapping[int, str],
) -> DigestItem | None:
    before, after = event.before or {}, event.after or {}

    def item(kind: DigestKind, person: str | None, detail: str, **about: Any) -> DigestItem:
        return DigestItem(
            kind=kind, person=person, detail=detail, at=event.at, actor=event.actor, **about
        )

    if event.entity == "action":
        brief = actions.get(event.entity_id)
        title = brief.title if brief else str(after.get("title") or before.get("title") or "")
        owner = brief.owner if brief else after.get("owner")

        def moved(kind: DigestKind, detail: str) -> DigestItem:
            return item(kind, owner, detail, action_id=event.entity_id, title=title)

        if event.op == "create":
            parent = after.get("parent_id")
            # The phase it was created in (``add --phase do``: a tester read "in Plan").
            phase = str(after.get("phase") or "plan").capitalize()
            return moved(
                "created", f"cycle {after.get('cycle')} of #{parent}" if parent else f"in {phase}"
            )
        if event.op != "update":
            return None
        if before.get("done_at") is None and after.get("done_at") is not None:
            return moved("done", str(after.get("decision") or ""))
        # A date that moves is the first sign of work slipping (a lead's trial): said with
        # whatever else the one edit changed, a handover or a move (a lead's reassignment that
        # also put the date back ten days told the handover alone, testers).
        replanned = _replanned(before, after)
        if before.get("phase") != after.get("phase") and after.get("done_at") is None:
            detail = f"{before.get('phase')} → {after.get('phase')}"
            if after.get("verdict") and after.get("verdict") != before.get("verdict"):
                verdict = str(after.get("verdict"))
                detail += f", verdict {VERDICT_WORDS.get(verdict, verdict)}"
            return moved("moved", ", ".join([detail, *replanned]))
        if before.get("owner") != after.get("owner") and after.get("done_at") is None:
            handed = f"{before.get('owner') or 'nobody'} → {after.get('owner') or 'nobody'}"
            if event.actor and event.actor != before.get("owner"):
                # A lead's reassignment read as the old owner's own handover (a tester).
                handed += f" (by {event.actor})"
            return moved("handed", ", ".join([handed, *replanned]))
        if after.get("done_at") is not None or not replanned:
            return None
        due_changed = before.get("due") != after.get("due")
        return moved("rescheduled" if due_changed else "reprioritized", ", ".join(replanned))
    if event.entity == "followup":
        # A follow-up audit handed to someone (``pdca reassign``, a done action's new owner):
        # told under its new owner, who heard of it only on the day it fell due (a lead's
        # trial). The kind is db/schema.py's ``_CHANGE_KIND``, to the letter.
        if event.op != "update" or before.get("owner") == after.get("owner"):
            return None
        if after.get("done_at") is not None:
            return None
        action_id = after.get("action_id")
        action_id = action_id if isinstance(action_id, int) else None
        brief = actions.get(action_id) if action_id is not None else None
        audit = f"{after.get('offset_days')}-day follow-up due {after.get('due')}"
        handed = f"{before.get('owner') or 'nobody'} → {after.get('owner') or 'nobody'}"
        if event.actor and event.actor != before.get("owner"):
            handed += f" (by {event.actor})"
        return item(
            "handed",
            after.get("owner"),
            f"{audit}: {handed}",
            action_id=action_id,
            title=brief.title if brief else "",
        )
    if event.entity == "checkin" and event.op == "create":
        action_id = after.get("action_id")
        brief = actions.get(action_id) if isinstance(action_id, int) else None
        followup = after.get("kind") == "followup"
        detail = str(after.get("result") if followup else after.get("status"))
        message = str(after.get("message", ""))
        # A follow-up recorded without words has "5-day follow-up: holding" for its message:
        # said once, not "holding: 5-day follow-up: holding" (a tester).
        said = message if followup and message.endswith(f"follow-up: {detail}") else None
        owner = brief.owner if brief else after.get("author")
        return item(
            "followup" if followup else "checkin",
            audit_holders.get(event.entity_id, owner) if followup else owner,
            said or f"{detail}: {message}",
            action_id=action_id if isinstance(action_id, int) else None,
            title=brief.title if brief else "",
        )
    if event.entity == "alert":
        kpi = kpis.get(after.get("kpi_id") or before.get("kpi_id") or 0, KpiBrief("a KPI"))
        if event.op == "create":
            value = readings.get(after.get("reading_id") or 0)
            detail = ""
            unit = f" {kpi.unit}" if kpi.unit else ""
            if after.get("rule_text"):  # a process signal, not a threshold breach
                detail = f"signal: {after['rule_text']}"
                if value is not None:  # the reading that raised it, as a breach's says (a lead)
                    detail += f" ({shown_number(value)}{unit})"
            elif value is not None and kpi.alert is not None:
                detail = beyond_words(value, kpi.alert, kpi.unit)
            elif value is None and kpi.alert is not None and after.get("reading_id"):
                # Its reading gone (``pdca kpi remove-reading``), not its threshold cleared
                # since, which said so too (a reviewer).
                detail = "by a reading since removed"
            return item("alert-raised", after.get("assignee"), detail, title=kpi.name)
        if event.op != "update":
            return None
        if after.get("acknowledged_at") and not before.get("acknowledged_at"):
            by = after.get("acknowledged_by") or event.actor
            note = after.get("ack_note")
            # An escalation no write had recorded yet is recorded with the acknowledgement
            # (alerts.acknowledge): it is told here, and lateness runs from the deadline
            # first missed, not from the new holder's.
            # Late from the first deadline, the owner's: each pass-on's comes a day after
            # the one missed, so it is the deadline now less a day for each. Whether a write
            # had recorded the passes-on first must not change what is said (a tester).
            passed_from = before.get("assignee")
            escalated = bool(passed_from) and passed_from != after.get("assignee")
            late = _late_by(
                _first_deadline(after.get("ack_due"), after.get("escalation_level")),
                after.get("acknowledged_at"),
            )
            level = after.get("escalation_level")
            # Once passed on, the time runs from the first holder's deadline: "by lena, 1d
            # late" blamed lena, who acknowledged within her own (a lead's trial).
            passed = isinstance(level, int) and not isinstance(level, bool) and level > 0
            late_words = f"{late} after the first deadline" if passed else f"{late} late"
            # Its id: one acknowledgement of a breach and a signal of one reading read as the
            # same line twice (a lead's week).
            detail = (
                f"alert {event.entity_id}, by {by}"
                + (f", {late_words}" if late else "")
                + (f" (it had passed to {after.get('assignee')})" if escalated else "")
                + (f": {note}" if note else "")
            )
            return item("alert-acknowledged", after.get("assignee"), detail, title=kpi.name)
        if (
            before.get("assignee") != after.get("assignee")
            and not after.get("acknowledged_at")
            and before.get("assignee")
        ):
            missed = before.get("ack_due")
            missed_words = minute_utc(missed) if isinstance(missed, str) else missed
            reason = alert_reason(after.get("rule") or before.get("rule"))
            detail = f"from {before.get('assignee')}, not acknowledged by {missed_words} ({reason})"
            level = before.get("escalation_level")
            if isinstance(level, int) and level == after.get("escalation_level"):
                # handed on with the KPI to its new owner (alerts.follow_new_chain): nobody
                # missed a deadline (the stand-up said gus had, a trial)
                # A hand-over, said as one: "escalated" said gus had let it pass (a trial);
                # ``_CHANGES`` in db/accountability.py counts it so too.
                detail = f"its alert, from {before.get('assignee')} ({reason})"
                return item("handed", after.get("assignee"), detail, title=kpi.name)
            return item("alert-escalated", after.get("assignee"), detail, title=kpi.name)
        if after.get("closed_at") and not before.get("closed_at"):
            # Its summary says why ("closed alert 4 on KPI 'x': 3.1 is back within 4").
            # The last ": ": the KPI's name before it may hold one ("Ops: uptime"); no
            # reason pdca writes does (a reviewer).
            why = event.summary.rsplit(": ", 1)[1] if ": " in event.summary else ""
            why = minutes_utc_in(why)  # as the stand-up's other times are said
            return item("alert-closed", after.get("assignee"), why, title=kpi.name)
        if before.get("closed_at") and not after.get("closed_at"):
            # "reopened alert 4 on KPI 'x': the reading that closed it (3.6 h at ...) was
            # removed, ...": the words after the KPI's name say why (a name may hold ": ");
            # of a KPI renamed since, those from "the reading" (a removal's).
            _, named, why = event.summary.partition(f" on KPI {kpi.name!r}: ")
            if not named:
                _, marker, rest = event.summary.rpartition(": the reading ")
                why = f"the reading {rest}" if marker else ""
            why = minutes_utc_in(why)
            return item("alert-reopened", after.get("assignee"), why, title=kpi.name)
    return None
