"""Who is told what, as pure functions: notices from the database's facts and the clock, their
dedup keys, the channels each person gets, retry backoff, and the checks on every setting.

No SQLite, no clock of its own, no I/O: db/notify.py gathers the facts and passes ``now``.

A notice's ``key`` names the fact it reports, so the same fact is never told twice: the
``notifications`` table is UNIQUE (key, recipient, channel).

- ``alert:12:level:0``: a new alert, to whoever it waits for;
- ``alert:12:level:1``: it escalated, to the next person; ``alert:12:level:1:passed`` to the
  one it passed (they did not acknowledge in time);
- ``overdue:#33:2026-12-08``: the action's due date passed (a new due date, a new notice);
- ``stale:#33:told-2026-12-08``: no check-in within the team's cadence, told on that (local)
  day; at most once a cadence: one made in the cadence before counts as told (``Notice.family``
  and ``Notice.told_since``). Periods fixed on the calendar (``stale:#33:period-N``, before)
  told an action that went stale on a period's last day twice running (a tester); those old
  keys are in the family, so the first run after the upgrade tells nobody again.
- ``followup:7``: a follow-up audit fell due.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from pdca.db import rules
from pdca.db.clock import iso, stored_moment
from pdca.db.errors import InvalidInput
from pdca.db.models import LOGIN, LOGIN_RULE, shown_number, side_of
from pdca.db.text_rules import (
    UNSAFE,
    UNSAFE_EXCEPT_NEWLINE,
    UNSAFE_IN_AN_ADDRESS,
    escape,
    no_mentions,
)

CHANNELS = ("terminal", "mail", "webhook", "command")
STATES = ("pending", "delivered", "failed", "skipped")
FIRST_RETRY_SECONDS = 60  # one cron minute; doubled at each failure
MAX_RETRY_SECONDS = 6 * 3600
# The start of a failure's last_error when it was never handed to its channel (that one was
# down earlier in the run): no try used, and said apart from the failures
NOT_TRIED = "not tried: "
# Then the notification stays failed, for ``pdca notify --status`` and ``--retry``. Twenty:
# about three days of tries, a weekend's outage (ten, 8.5 hours, lost a night's backlog for
# good, a notify trial).
MAX_ATTEMPTS = 20
CLAIM_LEASE_SECONDS = 600  # a run that died after claiming: its claims are retried after this
URL_MAX = 2000
COMMAND_MAX = 1000


# ------------------------------------------------------------------ an alert notice's key
# One spelling of ``alert:ID:level:N[...]`` and ``alert:ID:acknowledged:AT``, made here and
# read by notify.py (the run looks a notice up again as it claims it, and asks who was told).
PASSED = ":passed"  # last in a key: a note that an alert passed someone, not "it is yours"


def alert_level_key(alert_id: int, level: int) -> str:
    return f"alert:{alert_id}:level:{level}"


def alert_acknowledged_key(alert_id: int, acknowledged_at: str) -> str:
    return f"alert:{alert_id}:acknowledged:{acknowledged_at}"


def alert_keys(alert_id: int, part: str) -> tuple[str, str]:
    """The range of keys ``alert:ID:PART:...``, for the notifications key index."""
    return key_range(f"alert:{alert_id}:{part}:")


def key_range(prefix: str) -> tuple[str, str]:
    """``(prefix, its successor)``: every key starting with ``prefix`` lies between them, so
    the UNIQUE (key, recipient, channel) index serves it (LIKE would not: it ignores case,
    the index does not)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


@dataclass(frozen=True)
class AlertKey:
    alert_id: int
    part: str  # "level" or "acknowledged"
    rest: str  # the level and what follows, or the acknowledgement's time


def parse_alert_key(key: str) -> AlertKey | None:
    """The parts of an alert notice's key; None for other notices (most of a big plan,
    reminders: no split of each key) and for keys of another shape."""
    if not key.startswith("alert:"):
        return None
    parts = key.split(":", 3)
    if len(parts) < 4 or not parts[1].isdigit() or parts[2] not in ("level", "acknowledged"):
        return None
    return AlertKey(int(parts[1]), parts[2], parts[3])


@dataclass(frozen=True)
class AlertFact:
    id: int
    kpi: str
    unit: str
    value: float | None
    threshold: float | None
    assignee: str
    level: int
    ack_due: str
    previous: str | None  # who held it before the current person (escalations only)
    rule_text: str | None = None  # a signal alert's rule ("8 readings in a row above ...")
    first_holder: str | None = None  # whom it waited for first (the KPI's owner)
    overdue: bool = False  # its deadline has passed and nobody is left to pass it to
    # whether ``previous`` was ever told it was theirs: a note that it "passed" from someone
    # never told (nobody ran notify while it was theirs) read as blame (a lead's trial)
    previous_told: bool = True
    # Who held it before, at the first level still: it was handed on with the KPI (a new
    # owner), not passed for want of an acknowledgement; and whether they were told it
    handed_from: str | None = None
    handed_told: bool = False
    with_the_kpi: bool = False  # the one it waits for owns the KPI now
    # When the one it waits for was told someone else had acknowledged it (that note's
    # acknowledgement time), and it waits again: the acknowledgement was undone since
    told_acknowledged: str | None = None


@dataclass(frozen=True)
class AcknowledgedFact:
    """An alert acknowledged lately, and who were told it waited for them and not since that
    it passed them: they still think it is theirs (``acknowledged_notices``)."""

    id: int
    kpi: str
    acknowledged_by: str
    acknowledged_at: str
    note: str
    still_theirs: tuple[str, ...]


@dataclass(frozen=True)
class ActionFact:
    id: int
    title: str
    owner: str
    due: str | None
    last_sign: str  # the last check-in, else when it was created
    never_checked_in: bool = False  # last_sign is its creation


@dataclass(frozen=True)
class FollowupFact:
    id: int
    action_id: int
    title: str
    owner: str
    offset_days: int
    due: str


@dataclass(frozen=True)
class Notice:
    """One thing to tell one person (before it is expanded into channels)."""

    key: str
    recipient: str
    kind: str  # alert, escalation, passed, acknowledged, overdue, stale, followup
    text: str
    # Told already if any notice whose key starts with ``family`` was made for the same person
    # and channel at or after ``told_since``: a reminder at most once in a while, not once a key.
    family: str | None = None
    told_since: str | None = None


# --------------------------------------------------------------------------- notices


def alert_notices(alert: AlertFact) -> list[Notice]:
    notices = _alert_notices(alert)
    if alert.told_acknowledged and notices and notices[0].recipient == alert.assignee:
        # Told "acknowledged by ben, nothing left for you", then ben's undo: it waited for
        # them again, and nothing said so for 22 hours (a reviewer). A key of its own.
        first = notices[0]
        notices[0] = replace(
            first,
            key=f"{first.key}:after:{alert.told_acknowledged}",
            text=f"{first.text} (its acknowledgement was taken back)",
        )
    return notices


def _alert_notices(alert: AlertFact) -> list[Notice]:
    base = alert_level_key(alert.id, alert.level)
    what = alert_named(alert.id, alert.kpi)
    if alert.rule_text is not None:
        what += f": signal, {alert.rule_text}"
    elif alert.value is not None and alert.threshold is not None:
        side = side_of(alert.value, alert.threshold)
        what += f": {shown_number(alert.value)} {alert.unit} is {side} "
        unit = f" {alert.unit}" if alert.unit else ""  # "above 47.5" of what (a trial)
        what += f"{shown_number(alert.threshold)}{unit}"
    ack = f"acknowledge by {alert.ack_due}: pdca alerts ack {alert.id} MESSAGE"
    if alert.overdue:  # the end of its path, past the deadline: not "by" a time gone by
        ack = f"overdue since {alert.ack_due}: acknowledge now, pdca alerts ack {alert.id} MESSAGE"
    if alert.level == 0 and alert.handed_from and alert.handed_from != alert.assignee:
        # A hand-over with the KPI read as a brand-new alert, and the one who had it was
        # never told it was no longer theirs (a lead's weeks)
        kpi = " with the KPI" if alert.with_the_kpi else ""
        # Each hand-over its own keys (its deadline in them): handed back to someone told it
        # was no longer theirs, the first key was theirs already, and they heard nothing (a
        # reviewer). ":passed" stays last: a note that it passed is no "it is yours".
        handed = f"{base}:{alert.ack_due}"
        notices = [
            Notice(
                handed,
                alert.assignee,
                "alert",
                f"{what}; handed to you from {alert.handed_from}{kpi}; {ack}",
            )
        ]
        if alert.handed_told:
            moved = (
                f"the KPI is {alert.assignee}'s now, so it waits for them"
                if alert.with_the_kpi
                else f"it was handed to {alert.assignee}, and waits for them"
            )
            notices.append(
                Notice(
                    f"{handed}{PASSED}", alert.handed_from, "passed", f"{what}; {moved}, not you"
                )
            )
        return notices
    if alert.level == 0:
        return [Notice(base, alert.assignee, "alert", f"{what}; {ack}")]
    passed_from = f" from {alert.previous}" if alert.previous else ""
    notices = [
        Notice(
            base,
            alert.assignee,
            "escalation",
            f"{what}; escalated to you{passed_from} (not acknowledged in time); {ack}",
        )
    ]
    if alert.previous and alert.previous != alert.assignee and alert.previous_told:
        notices.append(
            Notice(
                f"{base}{PASSED}",
                alert.previous,
                "passed",
                f"{what}; not acknowledged in time, so it passed to {alert.assignee}",
            )
        )
    first = alert.first_holder
    if first and first not in (alert.assignee, alert.previous):
        # The owner's note that it passed them, under the key the first escalation's note to
        # them has: nothing new where that went out (a reviewer saw it twice). Where notify
        # had not run since then (a day without cron), the owner heard nothing of their own
        # KPI's alert while it escalated past them (a tester).
        notices.append(
            Notice(
                alert_level_key(alert.id, 1) + PASSED,
                first,
                "passed",
                f"{what}; not acknowledged in time, it passed on and now waits for"
                f" {alert.assignee}",
            )
        )
    return notices


def alert_named_start(alert_id: int) -> str:
    """How every notice of an alert begins (a board takes its notes of them off the screen
    by it once the alert is acknowledged there)."""
    return f"alert {alert_id} on KPI "


def alert_named(alert_id: int, kpi: str) -> str:
    return f"{alert_named_start(alert_id)}{kpi!r}"


def acknowledged_notices(alert: AcknowledgedFact) -> list[Notice]:
    """Whoever was told an alert waited for them hears that someone else acknowledged it:
    the next on the path took it before notify said it had passed, and the one told "it is
    yours" never heard of it again (a lead's weeks)."""
    # quoted as titles are: its escapes and newlines went raw to the webhook and the hook
    # (a notify trial)
    note = f": {alert.note!r}" if alert.note else ""
    what = alert_named(alert.id, alert.kpi)
    return [
        Notice(
            # each acknowledgement its own key: one undone, then another, is told too
            alert_acknowledged_key(alert.id, alert.acknowledged_at),
            login,
            "acknowledged",
            f"{what}; acknowledged by {alert.acknowledged_by} at {alert.acknowledged_at},"
            f" nothing left for you{note}",
        )
        for login in alert.still_theirs
        if login != alert.acknowledged_by
    ]


def overdue_notice(action: ActionFact, today: date, window_days: int) -> Notice | None:
    """An action that *became* overdue: its due date passed within the last ``window_days``
    (the team's check-in cadence). Work late for longer was told then, and shows in the
    stand-up and the owners view; a first run must not send the whole backlog."""
    if not rules.is_overdue(action.due, False, today):
        return None
    assert action.due is not None
    if action.due < (today - timedelta(days=window_days)).isoformat():
        return None
    return Notice(
        f"overdue:#{action.id}:{action.due}",
        action.owner,
        "overdue",
        f"#{action.id} {action.title!r} was due {action.due} and is not done; "
        # A check-in does not end "overdue" (a lead's trial): finishing it or a new date does.
        f"finish it or give it a new date: pdca edit {action.id} --due DATE",
    )


def stale_notice(
    action: ActionFact,
    now: datetime,
    today: date,
    cadence_days: int,
    *,
    stale_before: str | None = None,
    told_since: str | None = None,
) -> Notice | None:
    """Stale on every clock: the last sign of life more than the cadence in calendar days
    ago wherever the owner is (``rules.stale_everywhere_cutoff``), so their own list says
    stale too. ``stale_before``: that cutoff, and ``told_since``: the first moment of the
    cadence's days before today, each found once for many actions (finding one is a search
    over the local clock: done for each of 17 000 stale actions, it took 1.5 s of every
    minute in each open app, a profile)."""
    if stale_before is None:
        stale_before = iso(rules.stale_everywhere_cutoff(now, cadence_days))
    if action.last_sign > stale_before:
        return None
    if told_since is None:
        told_since = stale_told_since(today, cadence_days)
    # In whole days, true on every clock: "since 2026-11-16", the runner's day, was the day
    # before the owner's check-in in Berlin (a trial). "At least": the owner's list counts
    # calendar days, and read "22d" beside "in the 21 days since it was added" (a quarter's
    # walk). A time typed in by hand that is no time at all, as it stands.
    try:
        days: int | None = (now - stored_moment(action.last_sign)).days
    except (ValueError, TypeError, OverflowError):
        days = None
    if days is None:
        since = f"since {action.last_sign} "
    elif action.never_checked_in:
        since = f"since it was added, at least {days} days ago "
    else:
        since = f"for at least {days} days "
    return Notice(
        f"stale:#{action.id}:told-{today.isoformat()}",
        action.owner,
        "stale",
        f"#{action.id} {action.title!r} has had no check-in "
        + since
        + f"(the team checks in every {cadence_days} days): pdca checkin {action.id} MESSAGE",
        family=f"stale:#{action.id}:",
        told_since=told_since,
    )


def stale_told_since(today: date, cadence_days: int) -> str:
    """A stale reminder made at or after this counts as this cadence's: on any of its days
    before today (local), by the cadence set now (a change of it neither repeats a reminder
    nor skips one)."""
    return iso(rules.first_moment_of(today - timedelta(days=cadence_days - 1)))


def followup_notice(followup: FollowupFact, today: date) -> Notice | None:
    if not rules.is_followup_due(followup.due, False, today):
        return None
    # On its day "is due": "has been due since" today read as late (a lead's weeks); not
    # "today": its day at UTC-12 (``notices``) is the day after it east of there, where the
    # owner's own list says late (a retrial)
    when = (
        f"is due ({followup.due})"
        if followup.due == today.isoformat()
        else f"has been due since {followup.due}"
    )
    return Notice(
        f"followup:{followup.id}",
        followup.owner,
        "followup",
        f"the {followup.offset_days}-day follow-up of #{followup.action_id} "
        f"{followup.title!r} {when}: is the change holding? "
        f"pdca followup {followup.action_id} holding|slipped",
    )


def notices(
    *,
    alerts: Iterable[AlertFact],
    actions: Iterable[ActionFact],
    acknowledged: Iterable[AcknowledgedFact] = (),
    followups: Iterable[FollowupFact],
    now: datetime,
    today: date,
    cadence_days: int,
    ended_everywhere: date | None = None,
) -> list[Notice]:
    """Every notice the facts call for ``now`` (``today`` is the runner's local date;
    ``ended_everywhere``, the date at UTC-12: an action is told overdue to its owner once its
    due day has ended there, and a follow-up due once its day has begun there, whatever the
    runner's zone; None: ``today``)."""
    found: list[Notice] = []
    for alert in alerts:
        found += alert_notices(alert)
    for taken in acknowledged:
        found += acknowledged_notices(taken)
    stale_before = iso(rules.stale_everywhere_cutoff(now, cadence_days))
    told_since = stale_told_since(today, cadence_days)
    for action in actions:
        stale = stale_notice(
            action, now, today, cadence_days, stale_before=stale_before, told_since=told_since
        )
        overdue = overdue_notice(action, ended_everywhere or today, cadence_days)
        for notice in (overdue, stale):
            if notice is not None:
                found.append(notice)
    for followup in followups:
        notice = followup_notice(followup, ended_everywhere or today)
        if notice is not None:
            found.append(notice)
    return found


# --------------------------------------------------------------------------- channels


@dataclass(frozen=True)
class ChannelSettings:
    """The team's channels and each person's choice among them (``notify_settings``)."""

    terminal: bool = True
    mail: bool = False
    webhook: str | None = None
    command: str | None = None
    command_by: str | None = None  # who set the command: only their runs execute it
    prefer: Mapping[str, tuple[str, ...]] | None = None

    def enabled(self) -> tuple[str, ...]:
        on = {
            "terminal": self.terminal,
            "mail": self.mail,
            "webhook": self.webhook is not None,
            "command": self.command is not None,
        }
        return tuple(name for name in CHANNELS if on[name])


def channels_for(login: str, settings: ChannelSettings) -> tuple[str, ...]:
    """The person's chosen channels that the team has set up, else every one it has: a
    choice of channels that are all off silenced everything for that person (a tester's
    ``prefer dana mail`` with the team's mail off)."""
    enabled = settings.enabled()
    chosen = (settings.prefer or {}).get(login)
    if chosen is None:
        return enabled
    return tuple(name for name in chosen if name in enabled) or enabled


def retry_delay(attempts: int) -> timedelta:
    """After the ``attempts``-th failure: 1 minute, then doubled each time, at most 6 hours."""
    seconds = FIRST_RETRY_SECONDS * 2 ** max(0, min(attempts - 1, 20))
    return timedelta(seconds=min(seconds, MAX_RETRY_SECONDS))


# --------------------------------------------------------------------------- settings


def parse_switch(name: str, text: str) -> bool:
    value = text.strip().lower()
    if value not in ("on", "off"):
        raise InvalidInput(name, text, "is not on or off")
    return value == "on"


def hide_credentials(url: str) -> str:
    """``url`` with any user and password in it shown as ``***``: a URL typed with them (or
    stored by a pdca before 0024 refused them) is never said in full."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.username is None and parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"***@{host}").geturl()


def parse_url(text: str, *, credentials_ok: bool = False) -> str | None:
    """A webhook URL (http or https, with a host), or None for ``none``. ``credentials_ok``:
    one with a user and password is taken too (a row an older pdca stored, in a file or its
    export: kept as data, never used, ``notify.channel_settings``)."""
    if text.strip().lower() == "none":
        return None
    if len(text) > URL_MAX:
        raise InvalidInput(
            "webhook", text, f"is {len(text)} characters long; the most is {URL_MAX}"
        )
    if UNSAFE_IN_AN_ADDRESS.search(text) or any(c.isspace() for c in text):
        raise InvalidInput("webhook", text, "holds spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a port that is not a number up to 65535
    except ValueError:
        raise InvalidInput("webhook", text, "is not a URL") from None
    if port == 0:
        raise InvalidInput("webhook", text, "names port 0, which nothing listens on")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("webhook", text, "is not an http:// or https:// URL with a host")
    if not credentials_ok and (parts.username is not None or parts.password is not None):
        # Taken for a host name, it failed every delivery ("Name or service not known"), and
        # notify config would show the password to everyone (a tester).
        raise InvalidInput(
            "webhook",
            hide_credentials(text),
            "holds a user or password (user:pass@), which pdca does not send and would show"
            " to everyone; use a URL with a token in it, as chat webhooks give",
        )
    return text


def quoted_command(command: str, most: int = 80) -> str:
    """A command hook for a message, quoted and cut, its control characters escaped."""
    from pdca.db.text_rules import escape

    shown = escape(command)
    return "'" + (shown if len(shown) <= most else shown[: most - 1] + "…") + "'"


def parse_command(text: str) -> str | None:
    """A shell command line for the command hook, or None for ``none``."""
    if text.strip().lower() == "none":
        return None
    if not text.strip():
        raise InvalidInput("command", text, "is empty (none turns the hook off)")
    if len(text) > COMMAND_MAX:
        raise InvalidInput(
            "command", text, f"is {len(text)} characters long; the most is {COMMAND_MAX}"
        )
    if UNSAFE_IN_AN_ADDRESS.search(text):
        raise InvalidInput("command", text, "holds a newline or control character")
    return text


def parse_channels(text: str) -> tuple[str, ...] | None:
    """``terminal,mail``: a person's channels in order; ``default`` (None) for the team's."""
    if text.strip().lower() == "default":
        return None
    names = [part.strip().lower() for part in text.split(",")]
    if not names or any(name not in CHANNELS for name in names) or len(set(names)) != len(names):
        raise InvalidInput(
            "channels", text, f"is not a list of {', '.join(CHANNELS)} (each once), or default"
        )
    return tuple(names)


def check_login(text: str) -> str:
    if not LOGIN.fullmatch(text):
        raise InvalidInput("login", text, LOGIN_RULE)
    return text


# --------------------------------------------------------------------------- text and terminals


def for_terminal(text: str) -> str:
    """A notification as written to a terminal: every control character (escapes, bells, a
    carriage return that would overwrite the line) and bidi override shown escaped."""
    return escape(text, UNSAFE_EXCEPT_NEWLINE).replace("\n", "\r\n")


def one_line(text: str) -> str:
    return escape(text, UNSAFE)


def for_chat(text: str) -> str:
    """Slack, Mattermost and Teams read ``<...>`` as links and mentions: user text is data.
    Mattermost and Teams also read Markdown, where a title's ``[click](http://…)`` became a
    disguised link, ``![x](http://…)`` a remote image, and ``@here`` pinged the channel (a
    tester): a zero-width space, drawn as nothing, breaks each (a backslash would show in
    Slack, which reads no Markdown escapes)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return no_mentions(text.replace("](", "]\u200b("))


@dataclass(frozen=True)
class Login:
    """One line of ``who``: a login on a terminal."""

    user: str
    line: str


def parse_who(output: str) -> list[Login]:
    """``who``'s lines (``dana  pts/3  2026-12-01 10:02 (10.0.0.5)``) as logins on terminals.

    A line that is not a login and a terminal device name is skipped, never guessed at.
    """
    found = []
    for line in output.splitlines():
        fields = line.split()
        if len(fields) < 2 or not LOGIN.fullmatch(fields[0]):
            continue
        device = fields[1]
        if not re.fullmatch(r"[A-Za-z0-9/]{1,32}", device) or ".." in device:
            continue
        if device.startswith(":"):  # an X display, not a terminal
            continue
        found.append(Login(fields[0], device))
    return found


def terminals_of(login: str, who: Sequence[Login]) -> list[str]:
    """The /dev paths of ``login``'s terminals, each once, in ``who``'s order."""
    paths: list[str] = []
    for entry in who:
        path = f"/dev/{entry.line}"
        if entry.user == login and path not in paths:
            paths.append(path)
    return paths


def accepts_messages(mode: int) -> bool:
    """``mesg y``: the terminal is group-writable (write(1) checks the same bit)."""
    return bool(mode & 0o020)
