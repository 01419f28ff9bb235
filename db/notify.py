"""Notifications, delivered exactly once: what is due to whom, claiming it, recording how it
went, and the channel settings. The rules are db/notify_rules.py; delivery (terminals, mail,
webhook, command) is db/notify_channels.py and never touches SQLite.

Exactly once: a run first *claims* each notification inside ``BEGIN IMMEDIATE`` (inserts its
row, UNIQUE (key, recipient, channel), marked with the run's token; or takes over a failed one
whose retry time came), and only then delivers what it claimed, outside the lock. Two runs at
once: the second finds the rows there and claims nothing. A run that dies between delivering
and recording leaves its claim ``pending``; after ``CLAIM_LEASE_SECONDS`` another run takes it
over (at most one repeat, and only then).

Writes are logged as the actor ``pdca`` (as escalations are): the rules did them, so nobody's
``pdca undo`` reverts one. Settings are logged as the person who set them.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from pdca.db import alerts, kpi_rules, rules
from pdca.db import notify_rules as nrules
from pdca.db.alert_standing import deadline_of
from pdca.db.clock import LAST_ZONE, iso
from pdca.db.convert import escalation_path, snapshot
from pdca.db.errors import InvalidInput
from pdca.db.models import PDCA_ACTOR
from pdca.db.pydantic_setup import skip_plugin_discovery
from pdca.db.store import Store, Transaction

skip_plugin_discovery()  # before the first model is built

ORDER = {name: index for index, name in enumerate(("terminal", "command", "mail", "webhook"))}


class Notification(BaseModel):
    """A row of ``notifications``, as ``pdca notify --status --json`` prints it."""

    id: int
    key: str
    recipient: str
    channel: str
    kind: str
    text: str
    state: str
    attempts: int
    created_at: str
    delivered_at: str | None
    last_error: str | None
    next_try_at: str | None


@dataclass(frozen=True)
class Outcome:
    state: str  # delivered, failed, skipped
    error: str | None = None
    # False: not handed to its channel at all (the channel hung or was down earlier in the
    # run): no try used, due again at once. Counted, a hook that hung on one notification
    # used up every other one's tries while they waited behind it (a reviewer).
    tried: bool = True


@dataclass
class RunReport:
    delivered: list[Notification] = field(default_factory=list)
    failed: list[Notification] = field(default_factory=list)
    skipped: list[Notification] = field(default_factory=list)
    escalated: int = 0  # alerts this run passed on (their missed deadline) before delivering


def _notification(row: sqlite3.Row) -> Notification:
    return Notification(**{name: row[name] for name in Notification.model_fields})


# --------------------------------------------------------------------------- settings


# A switch with no row: the team's settings as ``ChannelSettings`` starts them.
_DEFAULTS = {"terminal": nrules.ChannelSettings.terminal, "mail": nrules.ChannelSettings.mail}


def channel_settings(store: Store) -> nrules.ChannelSettings:
    rows = store.conn.execute("SELECT key, value, updated_by FROM notify_settings").fetchall()
    values = {row["key"]: row["value"] for row in rows}
    by = {row["key"]: row["updated_by"] for row in rows}
    prefer = {
        key.removeprefix("prefer:"): tuple(value.split(","))
        for key, value in values.items()
        if key.startswith("prefer:")
    }
    return nrules.ChannelSettings(
        terminal=_switch(store, values, "terminal", default=_DEFAULTS["terminal"]),
        mail=_switch(store, values, "mail", default=_DEFAULTS["mail"]),
        webhook=_webhook(store, values),
        command=values.get("command") or None,
        command_by=by.get("command"),
        prefer=prefer,
    )


def _switch(store: Store, values: dict[str, Any], key: str, *, default: bool) -> bool:
    """A channel's on or off, as ``notify config`` writes it in any case (``ON``). Anything
    else, typed in with sqlite3 (``yes``), gives way to the default and is said in
    ``store.left_out``: it had turned the channel off for the whole team without a word
    (a tester); doctor names it."""
    raw = values.get(key)
    if raw is None:
        return default
    text = str(raw).strip().lower()
    if text in ("on", "off"):
        return text == "on"
    from pdca.db.plain import shown_value

    store.left_out[
        f"the notify setting {key}, which holds {shown_value(raw)} (changed outside pdca):"
        f" its default {'on' if default else 'off'} applies until pdca notify config {key}"
        " on|off sets it"
    ] = None
    return default


def _webhook(store: Store, values: dict[str, Any]) -> str | None:
    """The webhook URL, if it is one ``notify config`` would take now: one with a user and
    password, stored before 0024 refused them, failed every delivery (``standup --post``
    crashed on it) and was shown to everyone (a tester). Such a URL is off, and said in
    ``store.left_out`` (doctor names it), its password hidden."""
    raw = values.get("webhook")
    if not raw:
        return None
    try:
        return nrules.parse_url(str(raw))
    except InvalidInput as error:
        store.left_out[
            f"the notify webhook {nrules.hide_credentials(str(raw))!r} {error.why}: no webhook"
            " is used until pdca notify config webhook URL sets one"
        ] = None
        return None


SETTING_NAMES = ("terminal", "mail", "webhook", "command")


def set_channel(store: Store, name: str, text: str) -> nrules.ChannelSettings:
    """``terminal on|off``, ``mail on|off``, ``webhook URL|none``, ``command CMD|none``:
    checked first, then one transaction with its event."""
    if name in ("terminal", "mail"):
        value: str | None = "on" if nrules.parse_switch(name, text) else "off"
    elif name == "webhook":
        value = nrules.parse_url(text)
    elif name == "command":
        value = nrules.parse_command(text)
    else:
        raise InvalidInput("setting", name, f"is not one of {', '.join(SETTING_NAMES)}")
    _put(store, name, value, turned_off=name if value in (None, "off") else None)
    return channel_settings(store)


def quiet_made_up_people(store: Store, tx: Transaction | None = None) -> bool:
    """The terminal channel off in a seeded or demo file, unless set there already (its
    people are made up, and a board wrote their alerts to real logins of those names: a new
    user's trial; a demo made by an older pdca went on doing so after its upgrade, a trial).
    Whether it wrote. ``tx``: in that write (the seed's: in its own, a seed stopped between
    the two said "nothing written" of 10 000 actions written, a trial)."""
    set_already = store.conn.execute(
        "SELECT 1 FROM notify_settings WHERE key = 'terminal'"
    ).fetchone()
    if set_already is not None:
        return False
    # pdca's change, as the seed's alerts are: not the person's first undo (a new user's u)
    if tx is not None:
        put_in(store, tx, "terminal", "off", turned_off="terminal")
    else:
        _put(store, "terminal", "off", turned_off="terminal", actor=PDCA_ACTOR)
    return True


def set_preference(store: Store, login: str, text: str) -> nrules.ChannelSettings:
    """``prefer LOGIN terminal,mail`` (or ``default``): the person's channels."""
    nrules.check_login(login)
    channels = nrules.parse_channels(text)
    known = store.conn.execute("SELECT 1 FROM people WHERE login = ?", (login,)).fetchone()
    if known is None and channels is not None:  # a typo would silently choose for nobody
        # named as every other login is, with whom it may have meant ("Bob": bob?)
        meant = store.not_a_person_hint(login)
        raise InvalidInput(
            "login",
            login,
            f"is nobody pdca knows yet{meant} (people come with their first action)",
        )
    _put(store, f"prefer:{login}", None if channels is None else ",".join(channels))
    return channel_settings(store)


def _put(
    store: Store,
    key: str,
    value: str | None,
    turned_off: str | None = None,
    actor: str | None = None,
) -> None:
    """Set (or with None clear) a notify setting, one transaction with its event.
    ``turned_off``: that channel is off from now on, and what waits to go out on it, or
    failed on it, is skipped in the same write: a tester's webhook, once off, kept failing
    every run and doctor, the rows that had used up their tries for good. ``actor``: whose
    change it is, when not the store's person (pdca's own)."""
    with store.write() as tx:
        if actor is not None:
            tx.actor = actor
        put_in(store, tx, key, value, turned_off)


def put_in(
    store: Store, tx: Transaction, key: str, value: str | None, turned_off: str | None = None
) -> None:
    """``_put`` inside a write under way (``tx``): the seed's own, so a seed lands whole."""
    if turned_off is not None:
        _skip_waiting_on(store, tx, turned_off)
    before = store.conn.execute("SELECT * FROM notify_settings WHERE key = ?", (key,)).fetchone()
    if value is None:
        if before is None:
            return  # nothing to clear: nothing written
        store.conn.execute("DELETE FROM notify_settings WHERE id = ?", (before["id"],))
        tx.log(
            "notify_setting",
            before["id"],
            "delete",
            f"cleared notify {key}",
            snapshot(before),
            None,
        )
        return
    if before is None and key in _DEFAULTS and _DEFAULTS[key] == (value == "on"):
        return  # so already, by default: "terminal on" logged a change an undo took back
    same = before is not None and before["value"] == value
    if same and (key != "command" or before["updated_by"] == tx.actor):
        # As it was: no write, no event in everyone's history (a tester). Not a hook
        # set again by someone else: it runs as whoever set it, now them (a reviewer).
        return
    if before is None:
        cursor = store.conn.execute(
            "INSERT INTO notify_settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)",
            (key, value, tx.at, tx.actor),
        )
        row_id, op, old = cursor.lastrowid or 0, "create", None
    else:
        row_id, op, old = before["id"], "update", snapshot(before)
        store.conn.execute(
            "UPDATE notify_settings SET value = ?, updated_at = ?, updated_by = ?,"
            " version = version + 1 WHERE id = ?",
            (value, tx.at, tx.actor, row_id),
        )
    after = store.conn.execute("SELECT * FROM notify_settings WHERE id = ?", (row_id,))
    tx.log(
        "notify_setting",
        row_id,
        op,
        f"set notify {key} to {value}",
        old,
        snapshot(after.fetchone()),
    )


def _skip_waiting_on(store: Store, tx: Transaction, channel: str) -> None:
    waiting = store.conn.execute(
        "SELECT * FROM notifications WHERE channel = ? AND state IN ('pending', 'failed')"
        " AND claimed_by IS NULL",
        (channel,),
    ).fetchall()  # (a claimed one is a run's now: it finds the channel off and skips it)
    for before in waiting:
        store.conn.execute(
            "UPDATE notifications SET state = 'skipped', last_error = ?, next_try_at = NULL,"
            " version = version + 1 WHERE id = ?",
            (f"the {channel} channel was turned off by {tx.actor}", before["id"]),
        )
        _log(store, tx, before["id"], before, "skipped")


# --------------------------------------------------------------------------- what is due


def _holders(
    conn: sqlite3.Connection, row: sqlite3.Row, path: Sequence[str], now: datetime
) -> list[str]:
    """Who held an open alert, in order, up to whom it waits for now: its history's holders,
    then the passes the clock made since. Not the KPI's chain as it is today: after the KPI
    changed owner, that named the new owner as the one who let it pass (a tester)."""
    held = [
        login
        for (login,) in conn.execute(
            "SELECT json_extract(after, '$.assignee') FROM events"
            " WHERE entity = 'alert' AND entity_id = ? ORDER BY id",
            (row["id"],),
        )
        if isinstance(login, str)
    ]
    if not held:  # no history (an import): the KPI's chain up to its holder, as it is now
        chain = kpi_rules.chain(row["kpi_owner"], path, row["assignee"])
        # a holder off today's chain: nobody on it held the alert before them (a reviewer)
        at = chain.index(row["assignee"]) if row["assignee"] in chain else 0
        held = [*chain[:at], row["assignee"]]
    elif held[-1] != row["assignee"]:  # a change the history does not show: as stored
        held.append(row["assignee"])
    # One write may record several passes (notify had not run for days): the ones between
    # follow the chain from whoever first held it, along the path.
    people = kpi_rules.chain(held[0], path, held[0])
    written = held[:1]
    for login in held[1:]:
        if written[-1] in people and login in people:
            written += people[people.index(written[-1]) + 1 : people.index(login)]
        written.append(login)
    steps = kpi_rules.escalation_steps(
        assignee=row["assignee"],
        ack_due=deadline_of(row, now),
        owner=row["kpi_owner"],
        path=path,
        now=now,
    )
    written += [step.to for step in steps]
    return [login for at, login in enumerate(written) if at == 0 or written[at - 1] != login]


def _told_of(conn: sqlite3.Connection, alert_id: int, login: str) -> bool:
    """Whether ``login`` was ever told alert ``alert_id`` waited for them (a notification of
    it delivered to them, other than a note that it passed them), down the key index."""
    found = conn.execute(
        "SELECT 1 FROM notifications WHERE key >= ? AND key < ? AND recipient = ?"
        " AND key NOT LIKE ? AND +state = 'delivered' LIMIT 1",  # not every delivered
        (*nrules.alert_keys(alert_id, "level"), login, "%" + nrules.PASSED),
    ).fetchone()
    return found is not None


def _told_acknowledged(conn: sqlite3.Connection, alert_id: int, login: str) -> str | None:
    """The acknowledgement time of the last note that told ``login`` someone else had
    acknowledged alert ``alert_id`` (None: never told so), down the key index."""
    found = conn.execute(
        "SELECT max(key) FROM notifications WHERE key >= ? AND key < ? AND recipient = ?"
        " AND +state = 'delivered'",
        (*nrules.alert_keys(alert_id, "acknowledged"), login),
    ).fetchone()
    told = nrules.parse_alert_key(found[0]) if found and found[0] else None
    return told.rest if told else None


def _acknowledged_lately(conn: sqlite3.Connection, since: str) -> list[nrules.AcknowledgedFact]:
    """The alerts acknowledged since ``since`` (the stand-up's changes of that kind, down
    their own index in time order: not every change of the window, 82 000 at 100k), with
    whoever was told one waited for them and not since that it passed them. Older ones are
    left: a first run must not send the whole backlog."""
    facts: list[nrules.AcknowledgedFact] = []
    for row in conn.execute(
        "SELECT a.id, k.name, a.acknowledged_by, a.acknowledged_at, a.ack_note"
        " FROM event_changes c INDEXED BY idx_event_changes_acknowledged"
        " JOIN events e ON e.id = c.id JOIN alerts a ON a.id = e.entity_id"
        " JOIN kpis k ON k.id = a.kpi_id"
        " WHERE c.at >= ? AND c.kind = 'alert-acknowledged' AND a.acknowledged_at IS NOT NULL",
        (since,),
    ):
        if any(fact.id == row["id"] for fact in facts):  # acknowledged, undone, again
            continue
        latest: dict[str, tuple[int, str]] = {}  # each person's last note of it, any channel
        for told_id, login, key in conn.execute(
            # +state: down the key's index, never every delivered notification's
            "SELECT id, recipient, key FROM notifications WHERE key >= ? AND key < ?"
            " AND +state = 'delivered'",
            nrules.alert_keys(row["id"], "level"),
        ):
            if told_id > latest.get(login, (0, ""))[0]:
                latest[login] = (told_id, key)
        theirs = sorted(
            login for login, (_, key) in latest.items() if not key.endswith(nrules.PASSED)
        )
        if theirs:
            facts.append(
                nrules.AcknowledgedFact(
                    id=row["id"],
                    kpi=row["name"],
                    acknowledged_by=row["acknowledged_by"] or "",
                    acknowledged_at=row["acknowledged_at"],
                    note=row["ack_note"] or "",
                    still_theirs=tuple(theirs),
                )
            )
    return facts


def due_notices(store: Store) -> list[nrules.Notice]:
    """Every notice the database's state calls for now (pure rules over gathered facts)."""
    from pdca.db.accountability import team_settings

    now = store.clock()
    today = now.astimezone().date()
    conn = store.conn
    alert_facts = []
    for row in conn.execute(
        "SELECT a.*, k.name, k.unit, k.alert, k.owner AS kpi_owner,"
        " k.escalation AS kpi_escalation, r.value FROM alerts a JOIN kpis k ON k.id = a.kpi_id"
        " LEFT JOIN kpi_readings r ON r.id = a.reading_id"
        " WHERE a.closed_at IS NULL AND a.acknowledged_at IS NULL ORDER BY a.id"
    ):
        # Whom it waits for now, by the rule every reader applies (alerts.standing): a dry
        # run and a run that writes the escalation first (alerts.escalate_due) agree.
        standing = alerts.standing(row, now)
        path = escalation_path(row["kpi_escalation"])
        held_by = _holders(conn, row, path, now)
        previous = held_by[-2] if standing.level > 0 and len(held_by) > 1 else None
        # at the first level, someone before: it was handed on (a KPI's new owner)
        handed_from = held_by[-2] if standing.level == 0 and len(held_by) > 1 else None
        # Whose KPI it is: its owner now, where they held it (handed it with the KPI, its
        # old owner was told it passed them, a tester), else whoever held it first.
        owner = row["kpi_owner"] if row["kpi_owner"] in held_by else held_by[0]
        alert_facts.append(
            nrules.AlertFact(
                id=row["id"],
                kpi=row["name"],
                unit=row["unit"],
                value=row["value"],
                threshold=row["alert"],
                assignee=standing.assignee,
                level=standing.level,
                ack_due=iso(standing.ack_due),
                previous=previous,
                rule_text=row["rule_text"],
                first_holder=owner,
                overdue=standing.overdue,
                # the KPI's owner hears of their own alert however it went (a note of its own)
                previous_told=previous in (None, owner) or _told_of(conn, row["id"], previous),
                handed_from=handed_from,
                handed_told=handed_from is not None and _told_of(conn, row["id"], handed_from),
                with_the_kpi=row["kpi_owner"] == standing.assignee,
                told_acknowledged=_told_acknowledged(conn, row["id"], standing.assignee),
            )
        )
    cadence_days = team_settings(store).stale_after_days
    acknowledged = _acknowledged_lately(conn, iso(now - timedelta(days=cadence_days)))
    # Only the open actions the rules can speak of: due within the cadence window and past
    # (nrules.overdue_notice), or no sign of life since the stale cutoff (nrules.stale_notice).
    # The same bounds the rules apply, so no notice is lost; at 100 000 actions the others
    # (most of them) never become Python objects (issue 14: every minute in the app).
    ended_everywhere = now.astimezone(LAST_ZONE).date()  # never after anyone's today
    window_start = (ended_everywhere - timedelta(days=cadence_days)).isoformat()
    stale_before = iso(rules.stale_everywhere_cutoff(now, cadence_days))
    last_sign = "coalesce(a.last_checkin_at, a.created_at)"  # kept on the row by triggers
    rows = conn.execute(
        f"SELECT a.id, a.title, a.owner, a.due, {last_sign} AS last_sign,"
        " a.last_checkin_at IS NULL AS never FROM actions a"
        " WHERE a.done_at IS NULL AND a.owner IS NOT NULL"
        f" AND ((a.due < ? AND a.due >= ?) OR {last_sign} <= ?)"
        # A round of repeating work left open once the next is made is not reminded of: its
        # newest round is. Ignored for a week, a 3-day chore sent 27 reminders (a lead's
        # weeks); the stand-up and the owners view still show every round.
        " AND (a.recurrence_id IS NULL OR NOT EXISTS (SELECT 1 FROM actions b"
        "  WHERE b.recurrence_id = a.recurrence_id AND b.id > a.id AND b.done_at IS NULL))",
        (today.isoformat(), window_start, stale_before),
    ).fetchall()
    rows.sort(key=lambda row: row["id"])  # the few found, in id order: no sort of every open one
    actions = [
        nrules.ActionFact(
            row["id"], row["title"], row["owner"], row["due"], row["last_sign"], bool(row["never"])
        )
        for row in rows
    ]
    followups = [
        nrules.FollowupFact(
            row["id"], row["action_id"], row["title"], row["owner"], row["offset_days"], row["due"]
        )
        for row in conn.execute(
            "SELECT f.id, f.action_id, a.title, f.owner, f.offset_days, f.due FROM followups f"
            " JOIN actions a ON a.id = f.action_id"
            " WHERE f.done_at IS NULL AND f.due <= ? AND f.owner IS NOT NULL ORDER BY f.id",
            # due once its day has begun everywhere: a run in Kolkata told ben in Los Angeles
            # of an audit his pdca followup refused as not due until tomorrow (a trial)
            (ended_everywhere.isoformat(),),
        )
    ]
    return nrules.notices(
        alerts=alert_facts,
        actions=actions,
        acknowledged=acknowledged,
        followups=followups,
        now=now,
        today=today,
        cadence_days=cadence_days,
        # Told to the owner, whose day it is: the runner's clock told ben in Los Angeles his
        # action was overdue at noon on the day it was due, from a run in Tokyo (a trial).
        # Once the due day has ended everywhere, it has ended for them.
        ended_everywhere=ended_everywhere,
    )


@dataclass(frozen=True)
class Planned:
    """A notification a run would claim: a notice on one channel."""

    notice: nrules.Notice
    channel: str


def _not_for(runner: str | None, settings: nrules.ChannelSettings) -> set[str]:
    """Channels this runner leaves to someone else: the command hook runs only in the run of
    whoever set it, so anyone else's run must not even claim its rows."""
    if runner is not None and settings.command is not None and settings.command_by != runner:
        return {"command"}
    return set()


def channels_for_run(store: Store, runner: str | None) -> list[str]:
    """The channels ``runner``'s run delivers on: none means it sends nothing, whatever is
    due (every channel off, or only another person's command hook on)."""
    settings = channel_settings(store)
    skipped = _not_for(runner, settings)
    return [channel for channel in settings.enabled() if channel not in skipped]


def unsent_notices(store: Store) -> list[nrules.Notice]:
    """The notices due that no channel has had yet: what a run with every channel off
    leaves unsaid (one told on some channel already is not waiting)."""
    return [notice for notice in due_notices(store) if not _told(store.conn, notice)]


def left_to_boards(store: Store, runner: str | None = None, *, board: bool = False) -> set[str]:
    """Whose terminal messages wait for their own open board on this machine, which shows
    them and writes them to their other terminals (a run by someone's board claims its own
    person's): written on the terminal under a board, a cron's message scrambled it until a
    redraw (a tester). A board on another machine cannot reach this one's terminals."""
    from pdca.db.presence import boards_open

    waiting = boards_open(store, on_this_host=True)
    if board and runner is not None and runner == unix_login():
        waiting.discard(runner)
    return waiting


def unix_login() -> str | None:
    """The login this process runs as (not ``PDCA_USER``): whose terminals it may write."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return None


def may_write_others_terminals() -> bool:
    """Whether this process may write to another login's terminal, as write(1) does: root,
    or a member of group ``tty`` (README: run the cron job in group tty)."""
    if os.geteuid() == 0:
        return True
    try:
        return grp.getgrnam("tty").gr_gid in (os.getegid(), *os.getgroups())
    except KeyError:
        return False


@dataclass(frozen=True)
class TerminalsLeft:
    """Whose terminal messages a run leaves to another: those waiting for their open board,
    and, in a run that may not write another login's terminal, everyone's but its own. Such
    a run (a board, a person's own cron) took ben's, failed "Permission denied" at each try,
    and kept them from the run that could write them: 13 minutes late (a tester)."""

    boards: frozenset[str]
    own: str | None
    others_too: bool

    def leaves(self, recipient: str) -> bool:
        return recipient in self.boards or (not self.others_too and recipient != self.own)


def terminals_left(
    store: Store, runner: str | None = None, *, board: bool = False
) -> TerminalsLeft:
    return TerminalsLeft(
        frozenset(left_to_boards(store, runner, board=board)),
        unix_login(),
        may_write_others_terminals(),
    )


def plan(
    store: Store,
    runner: str | None = None,
    *,
    board: bool = False,
    held: bool = False,
    left: TerminalsLeft | None = None,
) -> list[Planned]:
    """The notifications not claimed yet (``--dry-run``) that ``runner``'s run would claim
    (``board``: a run by ``runner``'s open board), or (``held``) the terminal messages it
    leaves to open boards instead (``left``: the run's ``terminals_left``, when the caller has
    it): nothing is written."""
    settings = channel_settings(store)
    skipped = _not_for(runner, settings)
    left = left or terminals_left(store, runner, board=board)
    found = []
    for notice in due_notices(store):
        for channel in nrules.channels_for(notice.recipient, settings):
            if channel in skipped:
                continue
            terminal = channel == "terminal"
            if held:
                wanted = terminal and notice.recipient in left.boards
            else:
                wanted = not (terminal and left.leaves(notice.recipient))
            if wanted and not _told(store.conn, notice, channel):
                found.append(Planned(notice, channel))
    return found


def _told(conn: sqlite3.Connection, notice: nrules.Notice, channel: str | None = None) -> bool:
    """Whether ``notice`` was made for its person already (on ``channel``, else on any): its
    key, or one of its family recently (``Notice.family``)."""
    on_channel = "" if channel is None else " AND channel = ?"
    extra = () if channel is None else (channel,)
    if notice.family is None or notice.told_since is None:
        return (
            conn.execute(
                f"SELECT 1 FROM notifications WHERE key = ? AND recipient = ?{on_channel} LIMIT 1",
                (notice.key, notice.recipient, *extra),
            ).fetchone()
            is not None
        )
    # A range over the key's prefix (the family ends in ":"). The notice's own key is in it
    # (made today, after ``told_since``): one query, not two, for each of thousands of stale
    # actions a minute.
    return (
        conn.execute(
            "SELECT 1 FROM notifications WHERE key >= ? AND key < ? AND recipient = ?"
            f"{on_channel} AND created_at >= ? LIMIT 1",
            (
                *nrules.key_range(notice.family),
                notice.recipient,
                *extra,
                notice.told_since,
            ),
        ).fetchone()
        is not None
    )


def _retry_rows(
    conn: sqlite3.Connection,
    at: str,
    lease_end: str,
    skipped: frozenset[str] | set[str] = frozenset(),
    left: TerminalsLeft | None = None,
    limit: int | None = None,
) -> list[sqlite3.Row]:
    """Failed ones whose retry time came, and claims left by a run that died (but none on a
    channel this run leaves to someone else, nor a terminal message it leaves, ``left``):
    the first ``limit`` of them."""
    # Channels left out in the SQL: a down webhook's thousands were read and passed over
    # at every batch (a reviewer)
    out = sorted(skipped)
    marks = ", ".join("?" for _ in out)
    rows = conn.execute(
        "SELECT * FROM notifications WHERE ((state = 'failed' AND next_try_at IS NOT NULL"
        " AND next_try_at <= ?) OR (state = 'pending' AND claimed_at <= ?))"
        f" AND channel NOT IN ({marks}) ORDER BY id",
        (at, lease_end, *out),
    )
    found: list[sqlite3.Row] = []
    for row in rows:
        if row["channel"] == "terminal" and left is not None and left.leaves(row["recipient"]):
            continue
        found.append(row)
        if limit is not None and len(found) >= limit:
            break
    return found


def _alert_passed_by(conn: sqlite3.Connection, key: str, kind: str) -> str | None:
    """Why a notice about an alert (its key ``alert:ID:level:N...``) no longer holds: the
    alert closed, was acknowledged, or (a notice that it is yours) passed on since. None
    while it holds, and for other notices. A plan made before an acknowledgement, claimed
    a batch later, told alice it was escalated to her, acknowledge by...; a retry after a
    webhook's outage asked heidi to acknowledge an alert closed since (a notify trial)."""
    told = nrules.parse_alert_key(key)
    if told is None:
        return None
    alert = conn.execute(
        "SELECT closed_at, acknowledged_at, acknowledged_by, escalation_level FROM alerts"
        " WHERE id = ?",
        (told.alert_id,),
    ).fetchone()
    if alert is None:
        return f"alert {told.alert_id} is gone"
    if told.part == "acknowledged":
        # "acknowledged by erin, nothing left for you", retried after erin's undo, while it
        # waited for them again (a reviewer). The key ends in the acknowledgement's time.
        if alert["acknowledged_at"] != told.rest:
            return f"the acknowledgement of alert {told.alert_id} was undone since"
        return None
    if alert["closed_at"] is not None:
        return f"alert {told.alert_id} closed since"
    if alert["acknowledged_by"] is not None:
        return f"alert {told.alert_id} was acknowledged since, by {alert['acknowledged_by']}"
    level = told.rest.split(":", 1)[0]
    yours = kind in ("alert", "escalation") and level.isdigit()  # "it waits for you"
    if yours and int(level) < alert["escalation_level"]:
        return f"alert {told.alert_id} passed on since"
    return None


# --------------------------------------------------------------------------- claiming, recording


CLAIM_BATCH = 200  # notifications claimed per write transaction: about 0.1 s of the lock
# A webhook that failed this many times in a row is down for the rest of the run: a receiver
# answering 500 is down as surely as one that cannot be reached
FAILURES_IN_A_ROW = 3
# SQLite's busy handler sleeps and tries again (up to 100 ms between tries): a batch begun at
# once after the last would leave a waiting writer almost no moment to get in.
CLAIM_PAUSE_SECONDS = 0.1


def claim(store: Store, token: str, runner: str | None = None) -> list[Notification]:
    """Claim what is due (new notices on each channel, retries whose time came) for the run
    ``token``; what another run claimed first is not returned. Writes only when there is
    something to claim, so a cron run every minute leaves a quiet file alone."""
    claimed = [n for batch in claim_batches(store, token, runner) for n in batch]
    return sorted(claimed, key=lambda n: (ORDER.get(n.channel, 9), n.id))


def claim_batches(
    store: Store,
    token: str,
    runner: str | None = None,
    *,
    board: bool = False,
    down: set[str] | None = None,
) -> Iterator[list[Notification]]:
    """``claim``, a batch at a time: each batch is claimed in a transaction of its own when
    the one before has been handled, and comes local channels first. A run that stops (the
    app quitting) claims no more than it handled, give or take a batch. ``down``: channels
    the caller found down meanwhile, of which later batches claim nothing.

    A batch per transaction: the first run after a quiet week on a big file has thousands
    to claim (53 000 at 100 000 actions, 8 s in one transaction, while everyone else's
    writes waited on the lock, near the busy timeout). Each claim stands alone (its key is
    unique), so a batch is as good as the whole; others' writes go between batches. Retries
    too: a webhook down for an hour had 6 000 to try again, all claimed (an event each) at
    every run, then all recorded "not tried" behind the first (an event each): 80 MB of
    events a minute (a sysadmin's trial)."""
    left = terminals_left(store, runner, board=board)
    planned = plan(store, runner, board=board, left=left)
    skipped = _not_for(runner, channel_settings(store))
    down = set() if down is None else down
    now = store.clock()
    lease_end = iso(now - timedelta(seconds=nrules.CLAIM_LEASE_SECONDS))
    if not planned and not _retry_rows(store.conn, iso(now), lease_end, skipped, left, limit=1):
        return
    start, retries_left = 0, True
    while start < len(planned) or retries_left:
        # A down channel's items are told at a later run, when it may be up again; a batch
        # of nothing else is no transaction and no pause: 83 of them, each taking the lock
        # and sleeping, made a run 9 s while a webhook was down (a trial at 100 000 actions)
        chunk = [item for item in planned[start : start + CLAIM_BATCH] if item.channel not in down]
        if not chunk and not retries_left:
            start += CLAIM_BATCH
            continue
        if start:  # a pause between batches, long enough for a waiting writer's next try
            time.sleep(CLAIM_PAUSE_SECONDS)
        ids: list[int] = []
        with store.write() as tx:
            tx.actor = PDCA_ACTOR
            for item in chunk:
                if item.notice.family and _told(store.conn, item.notice, item.channel):
                    continue  # another run told it since the plan was made (a day's edge)
                if _alert_passed_by(store.conn, item.notice.key, item.notice.kind):
                    continue  # planned before it was acknowledged or closed (a batch ago)
                cursor = store.conn.execute(
                    "INSERT OR IGNORE INTO notifications (key, recipient, channel, kind, text,"
                    " created_at, claimed_by, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        item.notice.key,
                        item.notice.recipient,
                        item.channel,
                        item.notice.kind,
                        item.notice.text,
                        tx.at,
                        token,
                        tx.at,
                    ),
                )
                if cursor.rowcount == 1:
                    ids.append(cursor.lastrowid or 0)
            start += CLAIM_BATCH
            _log_batch(store, tx, [(row_id, None) for row_id in ids], "claimed")
            # The retries whose time came, read again in the lock, a batch at a time: one
            # claimed here is pending under this run's claim, so the next read passes it.
            # Read no more once a read found fewer than a batch (a reviewer: 19 ms a batch).
            lease_end = iso(tx.now - timedelta(seconds=nrules.CLAIM_LEASE_SECONDS))
            again = (
                _retry_rows(store.conn, tx.at, lease_end, skipped | down, left, limit=CLAIM_BATCH)
                if retries_left
                else []
            )
            retries_left = len(again) == CLAIM_BATCH
            passed: list[sqlite3.Row] = []
            for before in again:
                if why := _alert_passed_by(store.conn, before["key"], before["kind"]):
                    # Its alert closed or was acknowledged while it waited: skipped, said why
                    store.conn.execute(
                        "UPDATE notifications SET state = 'skipped', last_error = ?,"
                        " next_try_at = NULL, claimed_by = NULL, version = version + 1"
                        " WHERE id = ?",
                        (why, before["id"]),
                    )
                    passed.append(before)
                    continue
                store.conn.execute(
                    "UPDATE notifications SET state = 'pending', claimed_by = ?,"
                    " claimed_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                    (token, tx.at, before["id"], before["version"]),
                )
                ids.append(before["id"])
            skipped_ids = {row["id"] for row in passed}
            claimed = [(row["id"], row) for row in again if row["id"] not in skipped_ids]
            _log_batch(store, tx, claimed, "claimed again")
            _log_batch(store, tx, [(row["id"], row) for row in passed], "skipped")
        if not ids:
            continue
        marks = ", ".join("?" for _ in ids)
        rows = store.conn.execute(
            f"SELECT * FROM notifications WHERE id IN ({marks}) AND state = 'pending'"
            " AND claimed_by = ?",
            [*ids, token],
        ).fetchall()
        batch = [_notification(row) for row in rows]
        yield sorted(batch, key=lambda n: (ORDER.get(n.channel, 9), n.id))


def _log(store: Store, tx: Transaction, row_id: int, before: sqlite3.Row | None, verb: str) -> None:
    after = store.conn.execute("SELECT * FROM notifications WHERE id = ?", (row_id,)).fetchone()
    summary = (
        f"{verb} notification {row_id} ({after['key']} for {after['recipient']} by "
        f"{after['channel']})"
    )
    op = "create" if before is None else "update"
    tx.log(
        "notification", row_id, op, summary, snapshot(before) if before else None, snapshot(after)
    )


def _log_batch(
    store: Store, tx: Transaction, rows: Sequence[tuple[int, sqlite3.Row | None]], verb: str
) -> None:
    """One event for what one transaction did to many notifications alike: a first board on
    a big file claimed and skipped 26 000 (nobody logged in), and the log took two events,
    43 MB, for each (a tester). One alone keeps its own event, with its row before and after.
    """
    if len(rows) <= 1:
        for row_id, before in rows:
            _log(store, tx, row_id, before, verb)
        return
    ids = [row_id for row_id, _ in rows]
    marks = ", ".join("?" for _ in ids)
    channels = store.conn.execute(
        f"SELECT channel, count(*) FROM notifications WHERE id IN ({marks})"
        " GROUP BY channel ORDER BY channel",
        ids,
    ).fetchall()
    by_channel = ", ".join(f"{count} by {channel}" for channel, count in channels)
    summary = f"{verb} {len(ids)} notifications ({by_channel})"
    # Rows made here are a create, as one alone is logged; a state they reached, an update.
    op = "create" if all(before is None for _, before in rows) else "update"
    tx.log("notification", ids[0], op, summary, None, {"ids": ids})


def record(store: Store, token: str, notification_id: int, outcome: Outcome) -> Notification | None:
    """How the delivery of a claimed notification went: one transaction. None when the claim
    is no longer this run's (it outlived its lease and another run took it over)."""
    (recorded,) = record_all(store, token, [(notification_id, outcome)])
    return recorded


def record_all(
    store: Store, token: str, outcomes: Sequence[tuple[int, Outcome]]
) -> list[Notification | None]:
    """``record`` for several claimed notifications in one transaction, each as it would be
    alone (None: that claim is no longer this run's)."""
    recorded: list[Notification | None] = []
    with store.write() as tx:
        tx.actor = PDCA_ACTOR
        logged: dict[str, list[tuple[int, sqlite3.Row | None]]] = {}
        for notification_id, outcome in outcomes:
            before = store.conn.execute(
                "SELECT * FROM notifications WHERE id = ? AND claimed_by = ? AND state = 'pending'",
                (notification_id, token),
            ).fetchone()
            if before is None:
                recorded.append(None)
                continue
            attempts = before["attempts"] + (1 if outcome.tried else 0)
            error = None if outcome.error is None else outcome.error[:500]
            next_try = None
            if outcome.state == "failed" and not outcome.tried:
                next_try = tx.at  # the next run tries it, by when the one that hung waits
            elif outcome.state == "failed" and attempts < nrules.MAX_ATTEMPTS:
                next_try = iso(tx.now + nrules.retry_delay(attempts))
            store.conn.execute(
                "UPDATE notifications SET state = ?, attempts = ?, last_error = ?,"
                " next_try_at = ?, delivered_at = ?, claimed_by = NULL, version = version + 1"
                " WHERE id = ?",
                (
                    outcome.state,
                    attempts,
                    error,
                    next_try,
                    tx.at if outcome.state == "delivered" else None,
                    notification_id,
                ),
            )
            logged.setdefault(outcome.state, []).append((notification_id, before))
            row = store.conn.execute(
                "SELECT * FROM notifications WHERE id = ?", (notification_id,)
            ).fetchone()
            recorded.append(_notification(row))
        for state, rows in logged.items():
            _log_batch(store, tx, rows, state)
    return recorded


def run(
    store: Store,
    token: str,
    deliver: Callable[[Notification], Outcome],
    runner: str | None = None,
    stop: Callable[[], bool] | None = None,
    *,
    board: bool = False,
) -> RunReport:
    """Claim (as ``runner``: see ``_not_for``) a batch, deliver each (local channels first,
    webhooks last, within the batch), record each outcome; then the next batch. ``stop``
    (the app quitting) ends the run between deliveries. ``board``: the run of ``runner``'s
    open board, which shows its own person's terminal messages (``left_to_boards``).

    A delivery is recorded at once, in its own transaction: a run killed between delivering
    and recording would deliver it again. A skip (nobody to tell: not logged in, a channel
    off) and one not tried (its channel down) reached nobody, so a batch's are recorded
    together, and a channel found down claims no more in the run: a backlog of
    thousands (a run that died, a quiet week) was a write per notification beside everyone's
    moves, each waiting on the lock a little (a move at 100 000 actions: 77 ms instead of 44).
    """
    report = RunReport()
    # A missed deadline moves the alert first: then its next person is the one notified.
    report.escalated = alerts.escalate_due(store)
    skips: list[tuple[int, Outcome]] = []
    down: set[str] = set()  # channels that failed so that the rest were not tried
    in_a_row: dict[str, int] = {}  # each channel's failures since its last delivery
    back: set[str] = set()  # channels that delivered in this run

    def note(recorded: Notification | None) -> None:
        if recorded is not None:
            getattr(report, recorded.state).append(recorded)

    for batch in claim_batches(store, token, runner, board=board, down=down):
        for notification in batch:
            if stop is not None and stop():
                break  # the rest stay claimed, as a killed run's: delivered after the lease
            channel = notification.channel
            if channel == "webhook" and in_a_row.get(channel, 0) >= FAILURES_IN_A_ROW:
                # A receiver answering 500 to each: the whole backlog was posted every run,
                # an event and a stderr line each (a retrial): down, as one unreachable is
                outcome = Outcome(
                    "failed",
                    f"{nrules.NOT_TRIED}the {channel} failed {FAILURES_IN_A_ROW} times in a row"
                    " earlier in this run",
                    tried=False,
                )
            else:
                try:
                    outcome = deliver(notification)
                except Exception as error:  # a channel's bug must not stop the others'
                    outcome = Outcome("failed", f"{type(error).__name__}: {error}")
            if outcome.tried:
                in_a_row[channel] = in_a_row.get(channel, 0) + 1 if outcome.state == "failed" else 0
            # One URL for everyone: three failures in a row are the receiver's. Not mail's, a
            # hook's or a terminal's, which fail for one person alone (a reviewer).
            webhook_down = channel == "webhook" and in_a_row[channel] >= FAILURES_IN_A_ROW
            if not outcome.tried or webhook_down:  # none of it claimed from here on
                down.add(channel)
            if outcome.state == "skipped" or not outcome.tried:  # reached nobody: together
                skips.append((notification.id, outcome))
                continue
            note(record(store, token, notification.id, outcome))
            if channel == "webhook" and outcome.state == "delivered" and channel not in back:
                back.add(channel)
                _due_now_on_the_webhook(store)
        if skips:
            for recorded in record_all(store, token, skips):
                note(recorded)
            skips = []
        if stop is not None and stop():
            break  # no more claimed
    return report


# Failed on the webhook, waiting out their back-off (``_due_now_on_the_webhook``)
_BACKING_OFF_ON_THE_WEBHOOK = (
    "SELECT * FROM notifications WHERE state = 'failed' AND next_try_at > ?"
    " AND channel = 'webhook' ORDER BY id"
)
# Failed with no try left, made by now (``retry_given_up``)
_GIVEN_UP = (
    "SELECT * FROM notifications WHERE state = 'failed' AND next_try_at IS NULL"
    " AND created_at <= ? ORDER BY id"
)


def _due_now_on_the_webhook(store: Store) -> None:
    """The webhook delivered: those that failed on it, waiting out their back-off, are due
    at once. Tried first while it was down, the alerts (the oldest) waited 6 minutes after
    it came back, behind 16 000 reminders that went at once (a trial at 100 000 actions).
    The webhook alone: mail, hooks and terminals fail for one person, not for all."""
    if store.conn.execute(_BACKING_OFF_ON_THE_WEBHOOK, (iso(store.clock()),)).fetchone():
        _make_due(store, _BACKING_OFF_ON_THE_WEBHOOK, tries_anew=False)  # most runs: none


def retry_given_up(store: Store) -> int:
    """Failed notifications that ran out of tries made due now, with their tries anew: the
    receiver is back after a long outage (``pdca notify --retry``). How many."""
    return _make_due(store, _GIVEN_UP, tries_anew=True)


def _make_due(store: Store, select: str, *, tries_anew: bool) -> int:
    """The notifications ``select`` finds (its one parameter: now) due now, in one
    transaction and one event ("due again"); ``tries_anew``: their tries counted from 0.
    How many."""
    with store.write() as tx:
        tx.actor = PDCA_ACTOR
        rows = store.conn.execute(select, (tx.at,)).fetchall()
        attempts = "attempts = 0, " if tries_anew else ""
        store.conn.executemany(
            f"UPDATE notifications SET {attempts}next_try_at = ?, version = version + 1"
            " WHERE id = ?",
            [(tx.at, row["id"]) for row in rows],
        )
        _log_batch(store, tx, [(row["id"], row) for row in rows], "due again")
    return len(rows)


def gave_up(notification: Notification) -> bool:
    """Failed, with no try left (``retry_given_up`` makes it due again)."""
    return notification.state == "failed" and notification.next_try_at is None


def unfinished(store: Store) -> list[Notification]:
    """Pending and failed notifications, oldest first: ``pdca notify --status``."""
    rows = store.conn.execute(
        "SELECT * FROM notifications WHERE state IN ('pending', 'failed') ORDER BY id"
    )
    return [_notification(row) for row in rows]


def by_state(store: Store) -> dict[str, int]:
    counts = dict.fromkeys(nrules.STATES, 0)
    counts.update(
        dict(store.conn.execute("SELECT state, count(*) FROM notifications GROUP BY state"))
    )
    return counts


def keys(notifications: Iterable[Notification]) -> list[tuple[str, str, str]]:
    return [(n.key, n.recipient, n.channel) for n in notifications]


def deliver_due(
    store: Store,
    runner: str,
    environ: Mapping[str, str],
    stop: Callable[[], bool] | None = None,
    *,
    own_terminal: int | None = None,
    shown_here: Callable[[Notification], None] | None = None,
    set_by_me: Callable[[str], bool],
) -> RunReport:
    """One run as ``runner`` (``pdca notify`` from cron, or the app while it is open): every
    channel the team set up, a token naming this host and process for the claims. The app
    names its own terminal (``Channels``): a message for it is shown on the board.
    ``set_by_me``: whether this login set a command hook itself (``Channels``)."""
    settings, now = channel_settings(store), store.clock()
    channels: Callable[[Notification], Outcome] | None = None

    def deliver(notification: Notification) -> Outcome:
        # The channels (mail, webhooks: urllib and its kin) are imported for the first
        # notification only: most runs, every minute in the app, have none to deliver.
        nonlocal channels
        if channels is None:
            from pdca.db.notify_channels import Channels
            from pdca.db.presence import board_terminals

            channels = Channels(
                settings,
                runner=runner,
                now=now,
                environ=environ,
                own_terminal=own_terminal,
                shown_here=shown_here,
                own_login=unix_login(),
                board_terminals=lambda login: board_terminals(store, login),
                set_by_me=set_by_me,
            )
        return channels(notification)

    token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    return run(store, token, deliver, runner, stop, board=shown_here is not None)
