"""Reads and writes of the accountability views, over the store's connection and clock.

Writes go through the store's own transaction (``Store.write``: ``BEGIN IMMEDIATE``, version
check, one event row per changed record), so they obey the same rules as every other write;
``schedule_followups`` runs inside ``Store.complete_action``'s transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from itertools import compress, count, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from pdca.db import accountability_rules as arules
from pdca.db import clock, convert, kpi_rules, rules, xmr
from pdca.db.accountability_models import (
    DIGEST_KINDS,
    FOLLOWUP_RESULTS,
    UNOWNED,
    Digest,
    DigestItem,
    Followup,
    FollowupOutcome,
    FollowupResult,
    LogEntry,
    LogFilter,
    OwnerRow,
    StandingItem,
    Standup,
    TeamSettings,
)
from pdca.db.clock import iso
from pdca.db.connection import LENIENT_TEXT
from pdca.db.dates import minute_utc
from pdca.db.errors import (
    GateUnmet,
    InvalidInput,
    NotFound,
    PdcaError,
    StandupOvertaken,
    StandupRecordedAlready,
)
from pdca.db.followup_reads import (  # followups_of: for callers of this module
    FOLLOWUP_SELECT,
    followup,
    followups_of,
    readable_followups,
)
from pdca.db.models import PDCA_ACTOR, PHASES, validated
from pdca.db.schema import STANDUP_ORDER
from pdca.db.sql_params import numbered

if TYPE_CHECKING:
    from pdca.db.kpi_records import Alert
    from pdca.db.models import Event
    from pdca.db.store import Store, Transaction

SETTING_KEYS = ("stale_after_days", "followup_offsets")
Few = TypeVar("Few")
LOG_PAGE = 200


# --------------------------------------------------------------------------- settings


def team_settings(store: Store) -> TeamSettings:
    """The team's settings, each kept one read as the command line writes it. One typed in
    with sqlite3 that pdca cannot read (``followup_offsets = 'x,-1'``) gives way to its
    default, said in ``store.left_out``: it stopped ``owners``, ``standup``, ``notify`` (run
    from cron every minute) and ``config`` itself, and emptied the owners and stand-up views,
    as if whoever ran them had typed it (a tester). Doctor names it."""
    values = dict(store.conn.execute("SELECT key, value FROM settings").fetchall())
    settings = arules.DEFAULT_SETTINGS
    for key, parse in arules.SETTING_PARSERS.items():
        if key not in values:
            continue
        try:
            settings = settings.model_copy(update={key: parse(str(values[key]))})
        except InvalidInput:
            store.left_out[_default_said(key)] = None
    return settings


def _default_said(key: str) -> str:
    default = getattr(arules.DEFAULT_SETTINGS, key)
    shown = ",".join(map(str, default)) if isinstance(default, tuple) else str(default)
    dashed = key.replace("_", "-")
    return (
        f"the setting {dashed}, which holds a value pdca cannot read (changed outside pdca):"
        f" its default {shown} applies until pdca config {dashed} VALUE sets it"
    )


def set_team_setting(store: Store, key: str, text: str) -> tuple[TeamSettings, bool]:
    """Change one team-wide setting (checked first); one transaction, one event. The settings
    after, and whether it changed: set to what it is already, nothing is written."""
    name = key.replace("-", "_")
    if name == "stale_after_days":
        value = str(arules.parse_cadence(text))
    elif name == "followup_offsets":
        value = ",".join(str(o) for o in arules.parse_offsets(text))
    else:
        raise InvalidInput("key", key, "is not a setting (stale-after-days, followup-offsets)")
    with store.write() as tx:
        before = store.conn.execute("SELECT * FROM settings WHERE key = ?", (name,)).fetchone()
        if before is None:  # the default holds: the same unless a row says otherwise
            default = getattr(TeamSettings(), name)
            now_text = ",".join(map(str, default)) if isinstance(default, tuple) else str(default)
        else:  # as stored: one typed in by hand is replaced even by its default's value
            now_text = before["value"]
        if now_text == value:
            # As it is already: no write, no event, no undo step that reverts nothing (a
            # tester's undo said "set stale-after-days to 7" and changed nothing).
            return team_settings(store), False
        if before is None:
            cursor = store.conn.execute(
                "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)",
                (name, value, tx.at, tx.actor),
            )
            row_id = cursor.lastrowid or 0
            op, old = "create", None
        else:
            row_id = before["id"]
            store.conn.execute(
                "UPDATE settings SET value = ?, updated_at = ?, updated_by = ?,"
                " version = version + 1 WHERE id = ? AND version = ?",
                (value, tx.at, tx.actor, row_id, before["version"]),
            )
            op, old = "update", convert.snapshot(before)
        after = convert.snapshot(store.conn.execute(
            "SELECT * FROM settings WHERE id = ?", (row_id,)
        ).fetchone())  # fmt: skip
        tx.log("setting", row_id, op, f"set {name.replace('_', '-')} to {value}", old, after)
    return team_settings(store), True


# --------------------------------------------------------------------------- follow-ups


def schedule_followups(store: Store, tx: Transaction, action: sqlite3.Row) -> list[int]:
    """Inside the standardize transaction: one follow-up per configured offset, for the owner."""
    offsets = team_settings(store).followup_offsets
    done_on = tx.now.astimezone().date()
    made = []
    for offset, due in arules.followup_schedule(done_on, offsets):
        cursor = store.conn.execute(
            "INSERT INTO followups (action_id, owner, offset_days, due, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (action["id"], action["owner"], offset, due.isoformat(), tx.at),
        )
        followup_id = cursor.lastrowid or 0
        row = store.conn.execute("SELECT * FROM followups WHERE id = ?", (followup_id,)).fetchone()
        summary = f"scheduled the {offset}-day follow-up of #{action['id']} for {due}"
        tx.log("followup", followup_id, "create", summary, None, convert.snapshot(row))
        made.append(followup_id)
    return made


def list_followups(
    store: Store, *, due_only: bool = False, owner: str | None = None, include_done: bool = False
) -> list[Followup]:
    today = store.clock().astimezone().date()
    clauses, params = [], []
    if not include_done or due_only:
        clauses.append("f.done_at IS NULL")
    if due_only:
        clauses.append("f.due <= ?")
        params.append(today.isoformat())
    if owner is not None:
        clauses.append("f.owner = ?")
        params.append(owner)
    sql = FOLLOWUP_SELECT
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY f.due, f.id"
    return readable_followups(store, store.conn.execute(sql, params), today)


def due_followups(
    store: Store, most: int, *, owner: str | None = None, action_id: int | None = None
) -> tuple[list[Followup], int]:
    """The ``most`` oldest follow-ups due (``list_followups(due_only=True)``'s order: by due
    date, then id), of ``owner`` and of ``action_id`` when named, and how many are due in all:
    what the log pins on top. Read down the due ones' index, a screenful whatever the file
    holds (1 578 due at 100 000 actions were all read and built to show 20)."""
    today = store.clock().astimezone().date().isoformat()
    clauses = ["f.done_at IS NULL", "f.due <= ?"]
    params: list[str | int] = [today]
    if owner is not None:
        clauses.append("f.owner = ?")
        params.append(owner)
    if action_id is not None:  # unary +: down the due date's index, in its order, not by action
        clauses.append("+f.action_id = ?")
        params.append(action_id)
    where = " AND ".join(clauses)
    count = f"SELECT count(*) FROM followups f WHERE {where}"
    (total,) = store.conn.execute(count, params).fetchone()
    if not total or most <= 0:
        return [], total
    rows = store.conn.execute(
        f"{FOLLOWUP_SELECT} WHERE {where} ORDER BY f.due, f.id LIMIT ?", [*params, most]
    )
    return readable_followups(store, rows, store.clock().astimezone().date()), total


def get_followup(store: Store, followup_id: int) -> Followup:
    row = store.conn.execute(FOLLOWUP_SELECT + " WHERE f.id = ?", (followup_id,)).fetchone()
    if row is None:
        raise NotFound("follow-up", followup_id)
    return followup(row, store.clock().astimezone().date())


def due_followup_of(store: Store, action_id: int) -> Followup:
    """The action's earliest follow-up that is due and not recorded yet; refused saying why
    there is none. Reads the action's own audits (it read every audit in the file)."""
    action = store.get_action(action_id)  # NotFound names the action
    today = store.clock().astimezone().date()
    audits = followups_of(store, action_id, include_done=True)
    pending = [f for f in audits if f.done_at is None]
    due = [f for f in pending if f.is_due]
    if due:
        return due[0]
    if pending:
        raise GateUnmet(
            f"#{action_id}'s next follow-up ({pending[0].offset_days}-day) is not due "
            f"until {pending[0].due}; today is {today}"
        )
    slipped = [f for f in audits if f.result == "slipped" and f.checkin_id is not None]
    if slipped:
        raise GateUnmet(
            f"#{action_id} slipped at its {slipped[0].offset_days}-day follow-up and was "
            f"reopened as #{slipped[0].reopened_id}; its later follow-ups were closed then"
        )
    if audits:  # it said "only standardized work has" of work standardized and audited
        told = ", ".join(f"{f.offset_days}-day {f.result}" for f in audits)
        raise GateUnmet(f"#{action_id}'s follow-ups are all recorded ({told})")
    if action.recurrence_id is not None and action.decision == "standardize":
        # It was standardized: "only standardized work has" read as a contradiction (a tester)
        raise GateUnmet(
            f"#{action_id} is a round of repeating work: it has no follow-up audits, its"
            " routine is the standard"
        )
    raise GateUnmet(f"#{action_id} has no follow-up pending (only standardized work has)")


def record_followup(
    store: Store,
    followup_id: int,
    result: FollowupResult,
    message: str | None = None,
    *,
    expected_version: int | None = None,
) -> FollowupOutcome:
    """Record a follow-up: a check-in of kind follow-up; ``slipped`` reopens the work in Plan
    as the next cycle, linked to the original. One transaction."""
    if result not in ("holding", "slipped"):
        raise InvalidInput("result", result, "is not one of 'holding', 'slipped'")
    from pdca.db.models import FollowupNote  # a draft (pydantic): only a write needs it

    message = validated(FollowupNote, message=message).message  # the rule all messages follow
    reopened_id = None
    with store.write() as tx:
        before = store.conn.execute(
            "SELECT * FROM followups WHERE id = ?", (followup_id,)
        ).fetchone()
        if before is None:
            raise NotFound("follow-up", followup_id)
        if expected_version is not None and before["version"] != expected_version:
            raise store.conflict("followup", before)  # names a restore since, if one came
        if before["done_at"] is not None:
            raise GateUnmet(
                f"the {before['offset_days']}-day follow-up of #{before['action_id']} was "
                f"recorded already ({before['result']}, by {before['done_by']} at "
                f"{before['done_at']})"
            )
        action = store.require("action", before["action_id"])
        text = message or f"{before['offset_days']}-day follow-up: {result}"
        status = "on-track" if result == "holding" else "at-risk"
        cursor = store.conn.execute(
            "INSERT INTO checkins (action_id, at, author, status, kind, result, message)"
            " VALUES (?, ?, ?, ?, 'followup', ?, ?)",
            (action["id"], tx.at, tx.actor, status, result, text),
        )
        checkin_id = cursor.lastrowid or 0
        checkin_row = store.row("checkin", checkin_id)
        tx.log(
            "checkin",
            checkin_id,
            "create",
            f"followed up on #{action['id']} ({result})",
            None,
            convert.snapshot(checkin_row),
        )
        if result == "slipped":
            # The work goes back to whoever holds the audit: the action's owner, unless it
            # was handed over since (a reassign); the old owner may have left (a tester).
            reopened_id = store.spawn_next_cycle(tx, action, followup_id=before["id"])
        cursor = store.conn.execute(
            "UPDATE followups SET done_at = ?, done_by = ?, result = ?, checkin_id = ?,"
            " reopened_id = ?, version = version + 1 WHERE id = ? AND version = ?",
            (tx.at, tx.actor, result, checkin_id, reopened_id, followup_id, before["version"]),
        )
        if cursor.rowcount != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as a guard
            raise store.conflict("followup", before)
        after = store.conn.execute("SELECT * FROM followups WHERE id = ?", (followup_id,))
        summary = f"recorded the {before['offset_days']}-day follow-up of #{action['id']}: {result}"
        if reopened_id is not None:
            summary += f", reopened as #{reopened_id}"
        tx.log(
            "followup",
            followup_id,
            "update",
            summary,
            convert.snapshot(before),
            convert.snapshot(after.fetchone()),
        )
        if result == "slipped":
            _close_remaining_followups(store, tx, action["id"], before["offset_days"], reopened_id)
    assert checkin_row is not None
    return FollowupOutcome(
        followup=get_followup(store, followup_id),
        checkin=convert.checkin(checkin_row),
        reopened=store.get_action(reopened_id) if reopened_id is not None else None,
    )


def _close_remaining_followups(
    store: Store, tx: Transaction, action_id: int, offset: int, reopened_id: int | None
) -> None:
    """Slipped work is reopened as the next cycle: auditing whether it still holds later makes
    no sense, so its other open follow-ups close with it (result ``slipped``, no check-in of
    their own, the same ``reopened_id``), each with its event."""
    for before in store.conn.execute(
        "SELECT * FROM followups WHERE action_id = ? AND done_at IS NULL ORDER BY due, id",
        (action_id,),
    ).fetchall():
        store.conn.execute(
            "UPDATE followups SET done_at = ?, done_by = ?, result = 'slipped',"
            " reopened_id = ?, version = version + 1 WHERE id = ? AND version = ?",
            (tx.at, tx.actor, reopened_id, before["id"], before["version"]),
        )
        after = store.conn.execute("SELECT * FROM followups WHERE id = ?", (before["id"],))
        summary = (
            f"closed the {before['offset_days']}-day follow-up of #{action_id}: "
            f"the work slipped at its {offset}-day follow-up"
        )
        tx.log(
            "followup",
            before["id"],
            "update",
            summary,
            convert.snapshot(before),
            convert.snapshot(after.fetchone()),
        )


# --------------------------------------------------------------------------- owners


def owners(store: Store) -> list[OwnerRow]:
    """One row per person, most in need of attention first; then one "(unowned)" row for open
    work and follow-ups nobody owns, when there is any, so the rows add up to the board."""
    now = store.clock()
    today = now.astimezone().date()
    settings = team_settings(store)
    cutoff = iso(rules.stale_cutoff(now, settings.stale_after_days))
    soon = (today + timedelta(days=arules.DUE_SOON_DAYS)).isoformat()
    rows: dict[str | None, dict[str, Any]] = {}
    for person in store.conn.execute(
        "SELECT p.login, p.name, (SELECT max(c.at) FROM checkins c WHERE c.author = p.login)"
        " AS last_checkin_at FROM people p"
    ):
        rows[person["login"]] = dict(person)
    # Open actions by owner and phase, with late, soon-due and stale counts, in one pass down
    # one index without reading a row (issue 14: flat as the file grows). Stale: no check-in
    # since the cutoff (the last one is kept on the row by triggers) and made before it
    # (``rules.is_stale`` on the last check-in, else the creation).
    for row in store.conn.execute(
        "SELECT a.owner, a.phase, count(*) AS n,"
        " sum(a.due IS NOT NULL AND a.due < ?1) AS overdue,"
        " sum(a.due IS NOT NULL AND a.due >= ?1 AND a.due <= ?2) AS due_soon,"
        " sum((a.last_checkin_at IS NULL OR a.last_checkin_at <= ?3) AND a.created_at <= ?3)"
        " AS stale, max(a.last_checkin_at) AS latest"
        " FROM actions a INDEXED BY idx_actions_open_owner WHERE a.done_at IS NULL"
        " GROUP BY a.owner, a.phase",
        numbered(today.isoformat(), soon, cutoff),
    ):
        entry = _owner_entry(rows, row["owner"])
        # A phase set by hand past the schema's CHECK counts in Plan, where the board shows
        # that card, named (it took the view down, a tester).
        phase = row["phase"] if row["phase"] in PHASES else "plan"
        entry[phase] = entry.get(phase, 0) + row["n"]
        entry["open"] = entry.get("open", 0) + row["n"]
        # The latest check-in by them or on their open work: a lead who checks in for the
        # team at the stand-up made everyone's "checked in" say never (a tester).
        if row["latest"] and row["latest"] > (entry.get("last_checkin_at") or ""):
            entry["last_checkin_at"] = row["latest"]
        for key, n in (
            ("overdue", row["overdue"]),
            ("due_soon", row["due_soon"]),
            ("stale", row["stale"]),
        ):
            entry[key] = entry.get(key, 0) + (n or 0)
    from pdca.db.alert_standing import waiting_by_person  # builds on the store, as this does

    for login, n in waiting_by_person(store).items():  # whom each waits for now
        _owner_entry(rows, login)["alerts_waiting"] = n
    for login, n in store.conn.execute(_FOLLOWUPS_DUE_BY_OWNER, numbered(today.isoformat())):
        _owner_entry(rows, login)["followups_due"] = n
    people = [OwnerRow(**row) for row in rows.values()]
    # A person with nothing open, waiting or due (a service account, someone who moved on)
    # is not a row: the view is about who has work.
    busy = [p for p in people if p.open or p.alerts_waiting or p.followups_due]
    return arules.attention_order(busy)


# The follow-ups due of each owner (NULL: nobody's): one search of the (owner, done_at, due)
# index per owner, where GROUP BY walked every follow-up ever made (72 000 at 100 000 actions).
_FOLLOWUPS_DUE_BY_OWNER = """
WITH RECURSIVE o(owner) AS (
 SELECT (SELECT min(owner) FROM followups INDEXED BY idx_followups_owner_done_at_due)
 UNION ALL SELECT (SELECT min(owner) FROM followups INDEXED BY idx_followups_owner_done_at_due
  WHERE owner > o.owner) FROM o WHERE o.owner IS NOT NULL)
SELECT o.owner, (SELECT count(*) FROM followups f INDEXED BY idx_followups_owner_done_at_due
 WHERE f.owner = o.owner AND f.done_at IS NULL AND f.due <= ?1) AS n
FROM o WHERE o.owner IS NOT NULL AND n > 0
UNION ALL SELECT NULL, count(*) FROM followups INDEXED BY idx_followups_owner_done_at_due
 WHERE owner IS NULL AND done_at IS NULL AND due <= ?1 HAVING count(*) > 0
"""


def _owner_entry(rows: dict[str | None, dict[str, Any]], login: str | None) -> dict[str, Any]:
    if login is None:
        return rows.setdefault(None, {"login": UNOWNED, "name": "", "unowned": True})
    return rows.setdefault(login, {"login": login, "name": ""})


# --------------------------------------------------------------------------- the log


def _log_entry(row: dict[str, Any]) -> LogEntry:
    """A log row as an entry: a follow-up's due day (read beside it) said as how late it was
    recorded, when it was (the log showed "holding" where pdca followups said "holding, 9d
    late", a newcomer)."""
    due = row.pop("due")
    late = arules.days_recorded_late(due, row["at"]) if isinstance(due, str) else 0
    return LogEntry(**row, days_late=late or None)


def log_page(
    store: Store,
    where: LogFilter | None = None,
    *,
    limit: int = LOG_PAGE,
    after: tuple[str, int] | None = None,
    before: tuple[str, int] | None = None,
    oldest: bool = False,
) -> list[LogEntry]:
    """Check-ins newest first; ``after`` = (at, id) of the last one shown gives the next page.

    ``before`` = (at, id) of the first one shown gives the ``limit`` check-ins just newer
    than it, and ``oldest`` the ``limit`` oldest (the log's far end, its ``G``): both read
    up the index in ascending order and come back newest first, like every page.
    Keyset paging down the (at) index: every page costs the same, however deep the scroll.
    """
    where = where or LogFilter()
    clauses: list[str] = []
    params: list[Any] = []
    if where.owner is not None:
        clauses.append("a.owner = ?")
        params.append(where.owner)
    if where.action_id is not None:
        clauses.append("c.action_id = ?")
        params.append(where.action_id)
    if where.initiative is not None and store.no_initiative(where.initiative):
        # as pdca list --initiative none (a reviewer); "+": down the check-ins' (at) index,
        # not the actions' of no initiative, whose check-ins would all be sorted first
        clauses.append("+a.initiative_id IS NULL")
    elif where.initiative is not None:
        clauses.append("a.initiative_id = ?")
        params.append(store.initiative_id(where.initiative))
    if where.status in FOLLOWUP_RESULTS:
        clauses.append("c.kind = 'followup' AND c.result = ?")
        params.append(where.status)
    elif where.status is not None:
        clauses.append("c.status = ?")
        params.append(where.status)
    if where.since is not None:
        clauses.append("c.at >= ?")
        params.append(day_start(where.since))
    if where.until is not None:
        clauses.append("c.at < ?")
        params.append(day_start(where.until + timedelta(days=1)))
    if after is not None:
        clauses.append("(c.at < ? OR (c.at = ? AND c.id < ?))")
        params += [after[0], after[0], after[1]]
    if before is not None:
        clauses.append("(c.at > ? OR (c.at = ? AND c.id > ?))")
        params += [before[0], before[0], before[1]]
    ascending = before is not None or oldest
    sql = (
        "SELECT c.id, c.action_id, c.at, c.author, c.status, c.kind, c.result, c.message,"
        " a.title, a.owner, i.name AS initiative, CASE WHEN c.kind = 'followup' THEN"
        " (SELECT f.due FROM followups f WHERE f.checkin_id = c.id) END AS due"
        " FROM checkins c JOIN actions a ON a.id = c.action_id"
        " LEFT JOIN initiatives i ON i.id = a.initiative_id"
    )
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    order = "ASC" if ascending else "DESC"
    sql += f" ORDER BY c.at {order}, c.id {order} LIMIT ?"
    params.append(limit)
    entries = [_log_entry(dict(row)) for row in store.conn.execute(sql, params)]
    if ascending:
        entries.reverse()
    return entries


def day_start(day: date) -> str:
    """The stored moment a local day starts at (times are stored in UTC)."""
    return iso(clock.day_start(day))


# --------------------------------------------------------------------------- stand-ups


def _standup(row: sqlite3.Row) -> Standup:
    data = dict(row)
    # A list typed in by hand that is not all logins ('[1, null, "bob"]') reads as nobody
    # (doctor names it): it emptied the stand-up for everyone (a tester).
    data["people"] = convert.escalation_path(data["people"])
    return Standup.from_row(data)


def last_standup(store: Store) -> Standup | None:
    row = store.conn.execute("SELECT * FROM standups ORDER BY at DESC, id DESC LIMIT 1").fetchone()
    return _standup(row) if row else None


# Row columns a stand-up never tells (accountability_rules._item reads none of them): left
# out of the events it reads.
_UNTOLD = ", ".join(
    f"'$.{key}'"
    for key in (
        "id", "notes", "initiative_id", "phase_since", "created_by",
        "created_at", "updated_at", "version", "last_checkin_at", "last_checkin_status",
    )
)  # fmt: skip
_TOLD = (
    "SELECT id, tx, at, actor, entity, entity_id, op, summary, undo_of,"
    f" json_remove(before, {_UNTOLD}) AS before, json_remove(after, {_UNTOLD}) AS after"
    " FROM events"
)

# A stand-up lists at most this many of one person's changes (the earliest first) and says
# how many more: a busy day at 100 000 actions has thousands, and the screen shows a few.
CHANGES_MOST = 10
ROUTINE_KINDS = frozenset({"checkin"})  # listed after a person's other changes, when many
# Listed after what was done, moved, made and alerted: a morning's reassign filled a
# person's ten lines with handovers and hid the done after them (a lead's trial).
BOOKKEEPING_KINDS = frozenset({"handed", "rescheduled", "reprioritized"})


def _tier(kind: str, made_by_pdca: bool) -> int:
    """Which of a person's changes are listed first, when they have many: what people did
    (0: done, moved, created, follow-ups, alerts), then handovers and new dates or
    priorities (1), then check-ins (2), then the repeats pdca made on their dates (3). A
    month of repeats hid an escalation behind "and 32 more changes" (a lead's trial), and
    then a blocked check-in (a reviewer). ``_CHANGES`` works out the same in SQL."""
    if kind == "created" and made_by_pdca:
        return 3
    if kind in ROUTINE_KINDS:
        return 2
    return 1 if kind in BOOKKEEPING_KINDS else 0


TIERS = 4


# Which event is which change, and whose, as ``accountability_rules._item`` decides it: kept
# beside the log in ``event_changes`` by triggers (db/schema.py ``0015_event_changes``; the
# equivalence with the events' own snapshots is tested on seeded files and random writes), so
# the window's changes are read in time order off that table's key, without parsing one
# snapshot: only the changes a stand-up lists are read in full and built. An action's person
# is its owner today (off the actions' (id, owner) index), else the one it was written with;
# a check-in's is its action's owner (else its author); an alert's is its assignee.
# Whether an event was undone in the window: the window's undos are read once, down their
# own index by time (``0030_undos_by_time``), and each change looked up among them. Searching
# the undos' index once per change was a third of the reading (37 600 changes at 100 000
# actions). The last column is the change's tier (``_tier``), worked out here, not per row
# in Python: whether pdca made it is looked up among pdca's own events (the actor index),
# not in the log's rows themselves, which are large (5 ms of 3 400 creations).
# The window: after ``since`` up to ``until``; and in the second of ``since`` itself, what
# came after the event that recorded the last stand-up (?3). Times are kept to the second: a
# change made in the second a stand-up was recorded, after it, was in no stand-up at all (a
# tester: three check-ins, each right after a --record). An escalation whose deadline was
# missed before the window but written in it was told by the stand-up before, as the clock's
# (``accountability_rules.told_as_the_clocks``); one a person's KPI edit wrote is not. An
# action created in the window and taken back since by an undo (a repeat made from a done
# that was undone) is no news. A
# follow-up's result is its audit's holder's
# (``pdca reassign`` hands audits over; the done action keeps its old owner).
# An escalation that did not escalate: a person's KPI edit handed the alert on ("handed").
_HANDED_ON = """(SELECT
  json_extract(e.before, '$.escalation_level') IS json_extract(e.after, '$.escalation_level')
  FROM events e WHERE e.id = c.id)"""
_CHANGES = f"""
SELECT c.id, CAST(CASE WHEN c.kind = 'alert-escalated' AND {_HANDED_ON}
  THEN 'handed' ELSE c.kind END AS BLOB), CAST(CASE
  WHEN c.kind = 'followup' THEN coalesce((SELECT f.owner FROM followups f
   WHERE f.action_id = c.action_id AND f.checkin_id = (SELECT e.entity_id FROM events e
   WHERE e.id = c.id)), a.owner, c.person)
  WHEN a.id IS NOT NULL THEN a.owner ELSE c.person END AS BLOB),
 CASE WHEN c.kind = 'checkin' THEN 2
  WHEN c.kind IN ('handed', 'rescheduled', 'reprioritized') THEN 1
  WHEN c.kind = 'alert-escalated' AND {_HANDED_ON} THEN 1
  WHEN c.kind = 'created' AND EXISTS (SELECT 1 FROM events e INDEXED BY idx_events_actor_id
   WHERE e.actor = ?4 AND e.id = c.id) THEN 3
  ELSE 0 END
FROM event_changes c LEFT JOIN actions a INDEXED BY idx_actions_id_owner ON a.id = c.action_id
WHERE c.at >= ?1 AND c.at <= ?2 AND (c.at > ?1 OR c.id > ?3)
 AND (c.kind <> 'alert-escalated' OR coalesce((SELECT json_extract(e.before, '$.ack_due')
  FROM events e WHERE e.id = c.id AND json_type(e.before, '$.ack_due') = 'text'
  AND e.actor = 'pdca'), ?1) >= ?1)
 AND NOT (c.kind = 'created' AND a.id IS NULL AND EXISTS (SELECT 1 FROM events d
  WHERE d.entity = 'action' AND d.entity_id = c.action_id AND d.op = 'delete'
  AND d.undo_of IS NOT NULL))
 AND c.tx NOT IN (SELECT u.undo_of FROM events u INDEXED BY idx_events_undos_at
  WHERE u.undo_of IS NOT NULL AND u.at >= ?1 AND u.at <= ?2 AND (u.at > ?1 OR u.id > ?3)
  AND u.entity IN ('action', 'checkin', 'alert', 'followup'))
ORDER BY c.at, c.id
"""


# Undos in the window of changes told before it (a done reported, then undone): the earlier
# stand-up's word stands corrected only if this one says so (a tester: #16 reported abandoned,
# then silently open again). Undos of changes in the window itself hide both (``_CHANGES``).
_UNDONE_EARLIER = """
SELECT u.id, u.at, u.actor, u.summary, u.tx, u.entity, u.entity_id,
 CASE WHEN u.entity = 'action' THEN u.entity_id
  ELSE json_extract(coalesce(u.before, u.after), '$.action_id') END AS action_id,
 json_extract(coalesce(u.before, u.after), '$.title') AS title_then,
 json_extract(coalesce(u.before, u.after), '$.owner') AS owner_then,
 json_extract(coalesce(u.before, u.after), '$.assignee') AS assignee,
 json_extract(coalesce(u.before, u.after), '$.kpi_id') AS kpi_id
FROM events u INDEXED BY idx_events_undos_at
WHERE u.undo_of IS NOT NULL AND u.at >= ?1 AND u.at <= ?2 AND (u.at > ?1 OR u.id > ?3)
 AND u.entity IN ('action', 'checkin', 'alert', 'followup')
 AND (u.before IS NULL OR json_valid(u.before)) AND (u.after IS NULL OR json_valid(u.after))
 AND EXISTS (SELECT 1 FROM events t INDEXED BY idx_events_entity_entity_id_id
  JOIN event_changes c ON c.at = t.at AND c.id = t.id
  WHERE t.entity = u.entity AND t.entity_id = u.entity_id AND t.tx = u.undo_of
  AND (t.at < ?1 OR (t.at = ?1 AND t.id <= ?3)))
"""  # each undo event that reverts a change told: in no order, a few, sorted by the caller.
# Down the entity's own events (a few), never the undone transaction's: an undone import of
# 8 000 actions read its 8 000 events once per undo event, and a stand-up took 54 s, rising
# with the square of the rows (a team's soak hung every stand-up for minutes).


def _undone_earlier(
    store: Store, since: str, until: str, after_event: int | None
) -> list[DigestItem]:
    """The window's undos of changes a stand-up before it told, as "undone" changes (one for
    each change reverted: a done, the next cycle it opened, each of a reassign's handovers),
    under the action's owner now (else the alert's assignee, else who undid it). An undo
    writes its rows in reverse: the first of them was a follow-up's, and a standardize's
    undo went untold (a tester)."""
    found = []
    window = numbered(since, until, arules.events_after(after_event))
    rows = store.conn.execute(_UNDONE_EARLIER, window).fetchall()
    for row in sorted(rows, key=lambda row: (row["at"], row["id"])):
        action_id = row["action_id"] if isinstance(row["action_id"], int) else None
        action = None
        if action_id is not None:
            action = store.conn.execute(
                "SELECT owner, title FROM actions WHERE id = ?", (action_id,)
            ).fetchone()
        title = action["title"] if action else row["title_then"]  # gone: as it was
        owner = action["owner"] if action else row["owner_then"]  # gone: whose it was
        if row["entity"] == "alert" and isinstance(row["kpi_id"], int):
            # Its KPI's name, as the alert's own lines have (an undone clearing had none).
            title = store.kpi_name_of(row["kpi_id"]) or title
        person = owner or row["assignee"] or row["actor"]
        if row["entity"] == "followup":  # whose audit it was made by what is undone
            person = row["owner_then"] or row["actor"]
        found.append(
            DigestItem(
                kind="undone",
                person=person,
                at=row["at"],
                actor=row["actor"],
                action_id=action_id,
                title=title if isinstance(title, str) else "",
                detail=_without_its_number(str(row["summary"]).removeprefix("undid "), action_id),
            )
        )
    return found


def _without_its_number(summary: str, action_id: int | None) -> str:
    """An undone change's summary, less the number of the action its line names already:
    "#1 Fix builds — moved #1 from plan to do" said it twice (a trial). Another action's
    number stays ("added #8, cycle 2 of #1" under #8: "added, cycle 2 of #1")."""
    if action_id is None:
        return summary
    return re.sub(rf" (?:on |of )?#{action_id}(?![0-9])", "", summary)


def standup_digest(
    store: Store,
    since: str | None = None,
    *,
    most: int | None = None,
    standing_most: int | None = None,
    window_of: Digest | None = None,
) -> Digest:
    """``read_digest`` in one read transaction: the last stand-up and the newest event it
    saw are of one moment. Read apart, a colleague's record between them went unseen by
    this one's record, and one check-in stood in two recorded stand-ups (a retrial)."""
    with store.reading():
        return read_digest(
            store, since, most=most, standing_most=standing_most, window_of=window_of
        )


def read_digest(
    store: Store,
    since: str | None = None,
    *,
    most: int | None = None,
    standing_most: int | None = None,
    window_of: Digest | None = None,
) -> Digest:
    """Where work stands now, and what changed since ``since`` (else the last stand-up, else
    24 hours ago) from the event log; the rules are ``accountability_rules.digest``.
    ``window_of``: an earlier digest whose window this one keeps, read again, with the
    stand-up it began from (a meeting under way: a lead's own check-in read the window
    again as a bare time, "(lena's stand-up)" left the header, a trial, and a change of
    that stand-up's last second came back).

    Each person's first ``most`` changes are listed (``standup_changes`` gives more), and
    ``changes_more`` and ``change_counts`` tell all of them: what it holds does not grow
    with the file, however busy the day was. Likewise the first ``standing_most`` open
    actions a person that need a word, and ``standing_more``.
    """
    from pdca.db import alerts  # imported here: db.alerts builds on the store, as this module does

    most = CHANGES_MOST if most is None else most
    now = store.clock()
    after_event = None
    since_by = None
    if window_of is not None:
        since = window_of.since
        after_event, since_by = window_of.after_event, window_of.since_by
    elif since is None:
        previous = last_standup(store)
        since = arules.standup_since(previous.at if previous else None, now)
        if previous is not None:
            after_event = _recorded_by(store, previous.id)
            since_by = previous.by
    until = iso(now)
    cadence = team_settings(store).stale_after_days
    standing_most = STANDING_MOST if standing_most is None else standing_most
    open_actions, more = _open_actions(store, now, cadence, standing_most)
    # The most pressing first, as the KPI views and ``!`` take them: newest first put an
    # alert in time above one overdue (a stand-up's lead).
    open_alerts = alerts.list_alerts(store)
    unacknowledged = alerts.most_pressing_first(
        [a for a in open_alerts if a.acknowledged_at is None]
    )
    # A threshold alert says its breach ("41 h is above the alert threshold 34 h"), as
    # ``pdca alerts`` does: "threshold" alone told nothing (a tester).
    breached = alerts.breach_words(store, [a.id for a in unacknowledged if a.rule is None])
    waiting = [
        arules.WaitingAlert(
            a.id,
            a.kpi,
            a.assignee,
            a.ack_due,
            a.overdue,
            reason=breached.get(a.id) or xmr.SHORT_TEXT.get(a.rule or "", "threshold"),
        )
        for a in unacknowledged
    ]
    # ``standing_most`` a person too, the most pressing first: 82
    # waiting for one lead took her block before her open work was reached (a soak).
    kept_waiting, alerts_more = _a_few_each(waiting, lambda a: a.assignee, standing_most)
    # ``list_followups(due_only=True)``'s, as the five fields the rules read; ``standing_most``
    # a person, as their open actions are (59 listed for one person on a busy file, a tester),
    # the rest counted apart: the board their "more" row opens shows no done work.
    due, followups_more = _a_few_each(
        [
            arules.DueFollowup(*row)
            for row in store.conn.execute(
                "SELECT f.action_id, a.title, f.owner, f.offset_days, f.due FROM followups f"
                " JOIN actions a ON a.id = f.action_id"
                " WHERE f.done_at IS NULL AND f.due <= ? ORDER BY f.due, f.id",
                (now.astimezone().date().isoformat(),),
            )
        ],
        lambda f: f.owner,
        standing_most,
    )
    off_course, kpis_more = _kpis_off_course(store, open_alerts, now, standing_most)
    where = arules.standing(
        open_actions, kept_waiting, due, now=now, cadence_days=cadence, kpis=off_course
    )
    owners_open = store.conn.execute(_OPEN_OWNERS + " SELECT owner FROM o WHERE owner IS NOT NULL")
    # Read before the window's changes: whatever is newer may not have been shown.
    seen_event = store.conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
    counts, listed = _change_counts(store, since, until, most, after_event=after_event)
    digest = _digest_of(
        store,
        listed,
        since=since,
        until=until,
        after_event=after_event,
        escalations=alerts.unrecorded_escalations(store),
        standing=where,
        owners=[row[0] for row in owners_open],
    )
    for item in digest.items:  # the clock's escalations: not in the event log
        if item.kind == "alert-escalated" and item.actor is None:
            kinds = counts.setdefault(item.person or UNOWNED, dict.fromkeys(DIGEST_KINDS, 0))
            kinds["alert-escalated"] += 1
    undone = _undone_earlier(store, since, until, after_event)
    if undone:
        for item in undone:
            kinds = counts.setdefault(item.person or UNOWNED, dict.fromkeys(DIGEST_KINDS, 0))
            kinds["undone"] += 1
        named = {p for p in digest.people if p != UNOWNED} | {i.person for i in undone if i.person}
        people = sorted(named) + ([UNOWNED] if UNOWNED in digest.people else [])
        merged = sorted([*digest.items, *undone], key=lambda item: item.at)  # stable
        digest = digest.model_copy(update={"items": merged, "people": people})
    items = _first_of_each(digest.items, most)
    shown: dict[str, int] = {}
    for item in items:
        shown[item.person or UNOWNED] = shown.get(item.person or UNOWNED, 0) + 1
    changes_more = {
        who: sum(kinds.values()) - shown.get(who, 0)
        for who, kinds in counts.items()
        if sum(kinds.values()) > shown.get(who, 0)
    }
    return digest.model_copy(
        update={
            "items": items,
            "standing_more": more,
            "followups_more": followups_more,
            "alerts_more": alerts_more,
            "kpis_more": kpis_more,
            "changes_more": changes_more,
            "change_counts": counts,
            "seen_event": seen_event,
            "since_by": since_by,
        }
    )


def _kpis_off_course(
    store: Store, open_alerts: list[Alert], now: datetime, most: int
) -> tuple[list[arules.KpiOffCourse], dict[str, int]]:
    """Each person's KPIs past a threshold or with a reading overdue (the worst first: in
    alert, in warn, then overdue alone; ``most`` a person), and how many more each has. Not
    one with an alert waiting: that is listed as the alert. Read off the KPIs' rows alone,
    which keep their latest reading: 200 KPIs cost no reading of their history."""
    waiting: dict[int, list[str]] = {}  # whom each KPI's unacknowledged alerts wait on
    for alert in open_alerts:
        if alert.acknowledged_at is None:
            waiting.setdefault(alert.kpi_id, []).append(alert.assignee)
    acknowledged = {a.kpi_id: a.acknowledged_by for a in open_alerts if a.acknowledged_at}
    found: list[tuple[int, arules.KpiOffCourse]] = []
    for kpi in store.list_kpis():
        # One whose alert waits on its owner is that alert's row; escalated to someone else,
        # the owner still answers for the number (it left grace's part, a retrial)
        if kpi.owner in waiting.get(kpi.id, []) or kpi.latest_value is None:
            continue  # a KPI never read yet is no drift
        state = kpi_rules.status_now(kpi, now)
        overdue = kpi_rules.measurement_overdue(kpi.latest_at, kpi.cadence, now)
        if state not in ("alert", "warn") and not overdue and kpi.id not in waiting:
            continue
        threshold = kpi.alert if state == "alert" else kpi.warn if state == "warn" else None
        found.append(
            (
                ("alert", "warn").index(state) if state in ("alert", "warn") else 2,
                arules.KpiOffCourse(
                    name=kpi.name,
                    owner=kpi.owner,
                    status=state if state in ("alert", "warn") else "overdue",
                    latest=kpi.latest_value,
                    unit=kpi.unit,
                    threshold=threshold,
                    latest_at=kpi.latest_at,
                    reading_overdue=overdue,
                    acknowledged_by=acknowledged.get(kpi.id),
                    alert_waits_on=", ".join(dict.fromkeys(waiting.get(kpi.id, []))) or None,
                ),
            )
        )
    found.sort(key=lambda pair: pair[0])  # stable: by name within each
    return _a_few_each([off for _rank, off in found], lambda off: off.owner, most)


def _a_few_each(
    items: Iterable[Few], whose: Callable[[Few], str | None], most: int
) -> tuple[list[Few], dict[str, int]]:
    """The first ``most`` of ``items`` of each person (``whose``; nobody's: ``UNOWNED``), in
    their order, and how many more each has: what a stand-up names, and says it left out."""
    kept: list[Few] = []
    of: dict[str, int] = {}
    more: dict[str, int] = {}
    for item in items:
        person = whose(item) or UNOWNED
        of[person] = of.get(person, 0) + 1
        if of[person] <= most:
            kept.append(item)
        else:
            more[person] = more.get(person, 0) + 1
    return kept, more


def standup_changes(store: Store, digest: Digest, person: str, most: int) -> list[DigestItem]:
    """``person``'s first ``most`` changes in ``digest``'s window (``UNOWNED``: nobody's),
    in the digest's order: what "more" shows."""
    from pdca.db import alerts  # imported here: db.alerts builds on the store, as this module does

    _counts, listed = _change_counts(
        store, digest.since, digest.until, most, person, after_event=digest.after_event
    )
    found = _digest_of(
        store,
        listed,
        since=digest.since,
        until=digest.until,
        after_event=digest.after_event,
        escalations=alerts.unrecorded_escalations(store),
    )
    # With the undos of changes told before, as the digest lists them (``read_digest``):
    # left out, "more" hid the undone row the first page showed, and its "and 1 more change"
    # opened nothing (a stand-up's trial)
    undone = [
        item
        for item in _undone_earlier(store, digest.since, digest.until, digest.after_event)
        if (item.person or UNOWNED) == person
    ]
    items = sorted([*found.items, *undone], key=lambda item: item.at)  # stable
    return _first_of_each([i for i in items if (i.person or UNOWNED) == person], most)


def _first_unseen_change(store: Store, until: str, seen_event: int) -> str | None:
    """The time of the earliest change a stand-up tells, up to ``until``, written after event
    ``seen_event`` (the newest when the digest was read); None: there is none. A write takes
    its time when it takes the lock and commits later: one that straddled the read has
    changes before ``until``'s second that the digest never saw (a reviewer: a reassign of
    3 243 actions, in no stand-up). Searched by id, the changes since the read: a few."""
    row = store.conn.execute(
        "SELECT min(at) FROM (SELECT min(at) AS at FROM event_changes"
        " INDEXED BY idx_event_changes_id WHERE id > ?1 AND at <= ?2"
        # An undo is told too: among the events since the read (by id, a few). Down the
        # undos' own index, every undo the file ever had was read.
        " UNION ALL SELECT min(at) FROM events NOT INDEXED"
        " WHERE id > ?1 AND undo_of IS NOT NULL AND at <= ?2)",
        numbered(seen_event, until),
    ).fetchone()
    return row[0] if row else None


def _recorded_by(store: Store, standup_id: int) -> int | None:
    """The event that recorded stand-up ``standup_id`` (None: none is left, an import's)."""
    row = store.conn.execute(
        "SELECT max(id) FROM events WHERE entity = 'standup' AND entity_id = ? AND op = 'create'",
        (standup_id,),
    ).fetchone()
    return row[0] if row else None


def _change_counts(
    store: Store,
    since: str,
    until: str,
    most: int,
    person: str | None = None,
    *,
    after_event: int | None = None,
) -> tuple[dict[str, dict[str, int]], list[int]]:
    """How many changes of each kind each person has in the window (``UNOWNED`` for
    nobody's), and the events of each person's first ``most`` (of ``person``'s alone, when
    named). One pass over the window's changes, read a batch at a time, so memory stays flat
    whatever the window holds.

    A weekend at 100 000 actions holds 37 600 changes, so nothing is done per change in
    Python that C can do: they are counted by ``Counter``, and their person and kind come as
    bytes, decoded once per name. As text, each value went through the connection's lenient
    decoder (``LENIENT_TEXT``), a Python call: 20 ms of the stand-up."""
    counted: Counter[tuple[bytes | None, bytes]] = Counter()
    # Each person's first ``most`` changes other than check-ins, and first ``most`` check-ins:
    # the ones listed are the first of the former, then of the latter. In time order alone, a
    # dozen check-ins filled the list and hid the move to Act and the done after them (a
    # lead's trial). A longer list (``most`` larger: "more") holds a shorter one.
    # (``_tier``: and the repeats pdca made after the check-ins)
    # (the place in the window's time order, the event) of each person's first ones, by the
    # name as stored: two stored names that read as one (text that is not UTF-8) are merged
    # afterwards in time order (two testers: in id order, an edit of the clock's past came
    # first)
    firsts: dict[tuple[bytes | None, int], list[tuple[int, int]]] = {}
    window = numbered(since, until, arules.events_after(after_event), PDCA_ACTOR)
    cursor = store.conn.cursor()
    cursor.row_factory = None  # plain tuples: a ``sqlite3.Row`` a change cost 8 ms more
    cursor.execute(_CHANGES, window)
    read = 0
    # (person, tier) with its ``most`` firsts already: 0 here (``dict.get``'s default 1 for
    # every other key picks their rows out, in C)
    full: dict[tuple[bytes | None, int], int] = {}
    while rows := cursor.fetchmany(4096):
        if person is not None:
            rows = [row for row in rows if _person_named(row[2]) == person]
        counted.update(map(_WHOSE_AND_KIND, rows))
        # Only the rows of a (person, tier) that has not its ``most`` yet, picked out in C:
        # past the window's first few hundred changes nearly every row is a full one's, and
        # looking at each in Python was 15 ms of a stand-up at 100 000 actions.
        keys = list(map(_WHOSE_AND_TIER, rows))
        wanted = compress(zip(count(read), rows, keys), map(full.get, keys, repeat(1)))
        for place, (event_id, *_rest), key in wanted:
            ids = firsts.get(key)
            if ids is None:
                ids = firsts[key] = []
            if len(ids) < most:
                ids.append((place, event_id))
            if len(ids) >= most:
                full[key] = 0
        read += len(rows)
    counts: dict[str, dict[str, int]] = {}
    for (whose, kind), n in counted.items():
        kinds = counts.setdefault(_person_named(whose), dict.fromkeys(DIGEST_KINDS, 0))
        kinds[kind.decode()] += n  # one of DIGEST_KINDS: ASCII, written by pdca's triggers
    mine: dict[str, list[list[tuple[int, int]]]] = {}  # each person's tiers
    for (whose, tier), ids in firsts.items():
        tiers = mine.setdefault(_person_named(whose), [[] for _ in range(TIERS)])
        tiers[tier] = sorted(tiers[tier] + ids)[:most] if tiers[tier] else ids
    listed = []
    for tiers in mine.values():
        theirs: list[int] = []
        for ids in tiers:
            theirs += [event_id for _place, event_id in ids[: most - len(theirs)]]
        listed += theirs
    return counts, listed


def _person_named(whose: bytes | None) -> str:
    """The person a ``_CHANGES`` row names, as text (``UNOWNED``: nobody)."""
    return LENIENT_TEXT(whose) if whose else UNOWNED


_WHOSE_AND_KIND = itemgetter(2, 1)  # of a ``_CHANGES`` row
_WHOSE_AND_TIER = itemgetter(2, 3)


def _digest_of(
    store: Store,
    event_ids: list[int],
    *,
    since: str,
    until: str,
    after_event: int | None = None,
    escalations: Iterable[arules.TimedEscalation] = (),
    standing: Iterable[StandingItem] = (),
    owners: Iterable[str] = (),
) -> Digest:
    """The digest of these events (read in full here), by ``accountability_rules.digest``."""
    events = []
    for start in range(0, len(event_ids), 500):  # stay under SQLite's variable limit
        chunk = event_ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = store.conn.execute(f"{_TOLD} WHERE id IN ({marks})", chunk)
        events += [convert.event(row) for row in rows]
    events.sort(key=lambda e: e.id)
    alert_events = [e.after for e in events if e.entity == "alert" and e.after is not None]
    holders = {}  # each follow-up result's audit holder (as ``_CHANGES`` counts it)
    for e in events:
        if e.entity == "checkin" and e.after and e.after.get("kind") == "followup":
            row = store.conn.execute(
                "SELECT owner FROM followups WHERE action_id = ? AND checkin_id = ?",
                (e.after.get("action_id"), e.entity_id),
            ).fetchone()
            if row is not None and row[0]:
                holders[e.entity_id] = row[0]
    kpis = _kpi_briefs(store, {int(a.get("kpi_id") or 0) for a in alert_events})
    raised_by = {int(a["reading_id"]) for a in alert_events if a.get("reading_id")}
    return arules.digest(
        events,
        since=since,
        until=until,
        after_event=after_event,
        actions=_briefs(store, _mentioned_actions(events)),
        kpis=kpis,
        readings=_reading_values(store, raised_by),
        audit_holders=holders,
        escalations=escalations,
        standing=standing,
        owners=owners,
    )


def _first_of_each(items: list[DigestItem], most: int) -> list[DigestItem]:
    """Each person's first ``most`` items, in the order given: their first changes other
    than check-ins, then their first check-ins (as ``_change_counts`` lists them)."""
    tiers: dict[tuple[str | None, int], int] = {}  # how many of each person's in each tier
    for item in items:
        key = (item.person, _tier(item.kind, item.actor == PDCA_ACTOR))
        tiers[key] = tiers.get(key, 0) + 1
    seen: dict[tuple[str | None, int], int] = {}
    kept = []
    for item in items:
        tier = _tier(item.kind, item.actor == PDCA_ACTOR)
        before = sum(tiers.get((item.person, t), 0) for t in range(tier))  # listed ahead
        room = most - min(before, most)
        n = seen.get((item.person, tier), 0)
        if n < room:
            kept.append(item)
        seen[item.person, tier] = n + 1
    return kept


# A stand-up names at most this many of one person's open actions that need a word (the
# latest first), and says how many more: at 100 000 actions a person can have hundreds, and
# a stand-up that lists them all is read by nobody (and costs what the file holds).
STANDING_MOST = 10


# What makes an open action need a word (``accountability_rules.standing`` decides which):
# no owner, due today or past due, at risk or blocked, or quiet past the cadence. ?1 is
# today, ?2 the stale cutoff; the last check-in is the one the triggers keep on the row
# (db/schema.py). Due today: a stand-up's first question, and the board said it where the
# stand-up did not (a stand-up's lead).
_NEEDS_A_WORD = (
    "(x.owner IS NULL OR x.due <= ?1 OR x.last_checkin_status IN ('at-risk', 'blocked')"
    " OR coalesce(x.last_checkin_at, x.created_at) <= ?2)"
)
# The owners of open work, one search down the open actions' (owner, ...) index per owner
# (a skip scan: 50 searches, where DISTINCT walked all 50 000 entries); NULL (nobody) is not
# among them.
_OPEN_OWNERS = """WITH RECURSIVE o(owner) AS (
 SELECT (SELECT min(owner) FROM actions INDEXED BY idx_actions_open_owner WHERE done_at IS NULL)
 UNION ALL SELECT (SELECT min(owner) FROM actions INDEXED BY idx_actions_open_owner
  WHERE done_at IS NULL AND owner > o.owner) FROM o WHERE o.owner IS NOT NULL)"""
# A repeat nobody did (a daily check ignored for three weeks) is its person's oldest round
# that needs a word, said with how many newer ones of theirs do too: one line a round filled
# a person's ten (a tester). A round handed to someone else is theirs to see (it went from
# their stand-up, a reviewer). Only a repeat's rounds are probed, down its index.
_OLDER_ROUND = (
    "SELECT 1 FROM actions y INDEXED BY idx_actions_recurrence_id WHERE y.recurrence_id ="
    " x.recurrence_id AND y.owner IS x.owner AND y.done_at IS NULL AND y.id < x.id AND "
    + _NEEDS_A_WORD.replace("x.", "y.")
)
_FIRST_ROUND = f"(x.recurrence_id IS NULL OR NOT EXISTS ({_OLDER_ROUND}))"
_X_ORDER = ", ".join(f"x.{term}" for term in STANDUP_ORDER.split(", "))  # the index's order
# Each person's first ``?3`` in the stand-up's order, down their part of the stand-up's
# index (no sort); only those rows are read, for their titles.
_FIRST_OPEN = f"""
SELECT a.id, a.title, a.owner, a.due, coalesce(a.last_checkin_at, a.created_at),
 a.last_checkin_status, a.recurrence_id
FROM ({_OPEN_OWNERS} SELECT owner FROM o WHERE owner IS NOT NULL
 UNION ALL SELECT NULL WHERE EXISTS (SELECT 1 FROM actions INDEXED BY idx_actions_open_owner
 WHERE done_at IS NULL AND owner IS NULL)) AS p
JOIN actions a ON a.id IN (SELECT x.id FROM actions x INDEXED BY idx_actions_open_standup
 WHERE x.done_at IS NULL AND x.owner IS p.owner AND {_NEEDS_A_WORD} AND {_FIRST_ROUND}
 ORDER BY {_X_ORDER} LIMIT ?3)
"""
# How many each person has: one pass down the same index, no action row read; less the
# rounds of their repeats said with an older one (``_REPEAT_ROUNDS``). Told apart row by row
# the pass read every open action's row (the 100k file's stand-up took 130 ms more).
_OPEN_COUNTS = f"""
SELECT x.owner, count(*) FROM actions x INDEXED BY idx_actions_open_standup
WHERE x.done_at IS NULL AND {_NEEDS_A_WORD} GROUP BY x.owner
"""
_REPEAT_ROUNDS = f"""
SELECT x.recurrence_id, x.owner FROM actions x INDEXED BY idx_actions_recurrence_id
WHERE x.recurrence_id IS NOT NULL AND x.done_at IS NULL AND {_NEEDS_A_WORD}
"""


def _open_actions(
    store: Store, now: datetime, cadence_days: int, most: int
) -> tuple[list[arules.OpenAction], dict[str, int]]:
    """The open actions that may need a word (``_NEEDS_A_WORD``), ``most`` a person (by due
    date, none last, then id) in that order, and how many more each person has. The last
    check-in of each is on its row (kept by triggers), and the stand-up's index holds every
    column asked: the cost is a pass down that index, not a probe of every action's
    check-ins."""
    if most <= 0:  # none named, none counted (SQLite's LIMIT -1 would mean all)
        return [], {}
    values = (
        now.astimezone().date().isoformat(),
        iso(rules.stale_cutoff(now, cadence_days)),
        most,
    )
    rows = store.conn.execute(_FIRST_OPEN, numbered(*values)).fetchall()
    # str(): a due set by hand as a number sorted beside text raised TypeError (a tester)
    rows.sort(key=lambda row: (row[3] is None, str(row[3] or ""), row[0]))
    # Each repeat's rounds that need a word, by (rule, owner): one read serves the counts
    # and the "N newer rounds" of the oldest round listed.
    rounds = Counter(
        (rule, owner) for rule, owner in store.conn.execute(_REPEAT_ROUNDS, numbered(*values[:2]))
    )
    hidden = Counter[str | None]()
    for (_rule, owner), n in rounds.items():
        hidden[owner] += n - 1  # said with the oldest of them
    counted = [
        (owner, n - hidden.get(owner, 0))
        for owner, n in store.conn.execute(_OPEN_COUNTS, numbered(*values[:2]))
    ]
    more = {(owner or UNOWNED): n - most for owner, n in counted if n > most}
    return [
        arules.OpenAction(
            id_, title, owner, due, sign, status, max(0, rounds[(rule, owner)] - 1) if rule else 0
        )
        for id_, title, owner, due, sign, status, rule in rows
    ], more


def _kpi_briefs(store: Store, ids: set[int]) -> dict[int, arules.KpiBrief]:
    if not ids:
        return {}
    ordered = sorted(ids)
    marks = ", ".join("?" for _ in ordered)
    rows = store.conn.execute(
        f"SELECT id, name, alert, unit FROM kpis WHERE id IN ({marks})", ordered
    )
    return {row["id"]: arules.KpiBrief(row["name"], row["alert"], row["unit"]) for row in rows}


def _reading_values(store: Store, ids: set[int]) -> dict[int, float]:
    ordered = sorted(ids)[:500]  # alerts raised in one stand-up's window: few
    if not ordered:
        return {}
    marks = ", ".join("?" for _ in ordered)
    rows = store.conn.execute(f"SELECT id, value FROM kpi_readings WHERE id IN ({marks})", ordered)
    return {row["id"]: row["value"] for row in rows}


def _mentioned_actions(events: Iterable[Event]) -> set[int]:
    ids = set()
    for event in events:
        if event.entity == "action":
            ids.add(event.entity_id)
        elif event.entity in ("checkin", "followup") and event.after is not None:
            action_id = event.after.get("action_id")
            if isinstance(action_id, int):
                ids.add(action_id)
    return ids


def _briefs(store: Store, ids: set[int]) -> dict[int, arules.ActionBrief]:
    briefs: dict[int, arules.ActionBrief] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):  # stay under SQLite's variable limit
        chunk = ordered[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in store.conn.execute(
            f"SELECT id, title, owner, due FROM actions WHERE id IN ({marks})", chunk
        ):
            briefs[row["id"]] = arules.ActionBrief(
                row["id"], row["title"], row["owner"], row["due"]
            )
    return briefs


def _recorded_already(store: Store, by: str, up_to: str) -> StandupRecordedAlready:
    """A stand-up recorded already by ``by``, "you" when that is the one writing ("ben
    recorded it already" was said to ben, of his own other run: a retrial)."""
    who = "you" if by == store.actor else by
    return StandupRecordedAlready(f"stand-up: {who} recorded it already, up to {up_to}")


def ends_before_it_began(since: str, at: str, since_by: str | None, actor: str) -> str | None:
    """Why a stand-up from ``since`` to ``at`` is not recorded, when it would end before it
    began (None: it would not). A clock behind the last stand-up: recorded, it ended before it
    began, said the next starts from it, and counted for nothing (a trial's fortnight). Begun
    at a stand-up recorded later than this clock's now: that clock or this one is wrong, and
    "is this machine's clock right?" blamed this one, right or not (a trial)."""
    if at >= since:
        return None
    # to the second when the minutes read alike ("09:00 before 09:00", a retrial)
    end, start = minute_utc(at), minute_utc(since)
    if end == start:
        end, start = (f"{t[:19].replace('T', ' ')} UTC" for t in (at, since))
    by = "your" if since_by == actor else f"{since_by}'s"
    doubt = (
        f"{by} clock, which recorded it, or this machine's is wrong"
        if since_by is not None
        else "is this machine's clock right?"
    )
    whose = f", {since_by}'s stand-up" if since_by is not None else ""
    return f"stand-up: it would end ({end}) before it began ({start}{whose}); not recorded: {doubt}"


def gap_before(store: Store, since: str) -> str | None:
    """What a stand-up from ``since`` leaves untold, when it starts after the last recorded
    one ended: that window, in words ("from … to …"); None when there is no gap. A trial's
    ``standup --since 09:44 --record`` after a record up to 09:40 left a check-in at 09:42 in
    no stand-up, without a word."""
    last = store.conn.execute(
        "SELECT at FROM standups ORDER BY at DESC, id DESC LIMIT 1"
    ).fetchone()
    if last is None or since <= last["at"]:
        return None
    start, end = minute_utc(last["at"]), minute_utc(since)
    if start == end:  # to the second when the minutes read alike
        start, end = (f"{t[:19].replace('T', ' ')} UTC" for t in (last["at"], since))
    return f"from {start} (the last stand-up's end) to {end}"


def _recorded_with_nothing_since(
    store: Store, at: str, since: str | None = None
) -> sqlite3.Row | None:
    """The newest stand-up recorded up to ``at`` (from ``since``, when given) with nothing
    but stand-ups written after it: one a second record in that very second would repeat."""
    found: sqlite3.Row | None = store.conn.execute(
        "SELECT s.by FROM standups s WHERE s.at = ? AND (? IS NULL OR s.since = ?)"
        " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.entity != 'standup' AND e.id >"
        " (SELECT max(r.id) FROM events r WHERE r.entity = 'standup' AND r.entity_id = s.id))"
        " ORDER BY s.id DESC LIMIT 1",
        (at, since, since),
    ).fetchone()
    return found


def record_standup(
    store: Store,
    since: str,
    people: list[str],
    until: str | None = None,
    *,
    seen_event: int | None = None,
    since_by: str | None = None,
    since_asked: bool = False,
) -> Standup:
    """Remember a stand-up over ``since`` .. ``until`` (the window of the digest that was
    shown: ``Digest.until``), stepping through ``people``. The next stand-up starts where
    this one's window ended, not at the moment it was recorded: what changed while the
    digest was on screen (the question open, a long round) was never shown, and is the
    next one's. ``until`` None: now (a stand-up recorded without a digest shown).

    ``people`` are logins: the digest's stop for work nobody owns (``UNOWNED``) is left out.
    It was kept once, and an export of such a file could not be imported (not a login).

    ``seen_event``: the newest event when the digest was read (``Digest.seen_event``). Times
    are kept to the second, and the next stand-up takes, of its first second, only what came
    after this record: a change made in the second of ``until`` after the digest was read
    was in neither (a reviewer). When there is one, this stand-up ends a second earlier and
    the next one takes that whole second: what it had shown of it comes up again, rather
    than something never coming up at all.

    ``since_by``: who recorded the stand-up ``since`` is from (``Digest.since_by``), named
    if this one would end before it began.

    ``since_asked``: ``since`` was given (``standup --since``), not the last record's end: a
    window over a record made since is what was asked for, and recorded (it was said to be
    "recorded already", and nothing was, whatever --since: a retrial)."""
    people = [person for person in people if person != UNOWNED]
    with store.write() as tx:
        at = tx.at if until is None else until
        refused = ends_before_it_began(since, at, since_by, tx.actor)
        if refused is not None:
            raise PdcaError(refused)
        if until is not None and not since_asked:
            # Someone recorded a stand-up after this one was read (from the shell, beside the
            # lead's open view): a second record of it was written, empty, as if news.
            later = store.conn.execute(
                "SELECT by, at FROM standups WHERE at > ? ORDER BY at DESC, id DESC LIMIT 1",
                (since,),
            ).fetchone()
            if later is None and seen_event is not None:
                # ... or in the second it was read: times are kept to the second, and two
                # crons' records of one window in one second both stood (a retrial)
                later = store.conn.execute(
                    "SELECT s.by, s.at FROM events e JOIN standups s ON s.id = e.entity_id"
                    " WHERE e.id > ? AND e.entity = 'standup' AND e.op = 'create'"
                    " AND e.undo_of IS NULL ORDER BY e.id DESC LIMIT 1",
                    (seen_event,),
                ).fetchone()
            if later is not None:
                raise _recorded_already(
                    store,
                    later["by"],
                    f"{minute_utc(later['at'])}; not recorded again: the next one starts there",
                )
        unseen = None
        if until is not None and seen_event is not None:
            unseen = _first_unseen_change(store, until, seen_event)
        if unseen is not None:
            at = arules.second_before(unseen)
            if at < since:  # no earlier end to give the next stand-up that second whole
                raise StandupOvertaken(
                    f"stand-up: a change was written while it was read (at {unseen}); not"
                    " recorded: read it again (it is, now), then record it"
                )
        if at == since and unseen is None and not since_asked:
            # In the very second of the last record (two runs of one cron line, a second
            # --record), nothing written since it: an empty stand-up was recorded, as if one
            # had been held (a retrial). A change after it in that second is this one's news.
            last = _recorded_with_nothing_since(store, since)
            if last is not None:
                raise _recorded_already(
                    store,
                    last["by"],
                    f"{since[:19].replace('T', ' ')} UTC (this second); not recorded again",
                )
        if since_asked:
            # The same --since window recorded already in this very second, nothing written
            # after it: a second run of one cron line recorded it twice (a review)
            same = _recorded_with_nothing_since(store, at, since)
            if same is not None:
                raise _recorded_already(store, same["by"], f"{minute_utc(at)}; not recorded again")
        cursor = store.conn.execute(
            "INSERT INTO standups (at, by, since, people) VALUES (?, ?, ?, ?)",
            (at, tx.actor, since, json.dumps(people, ensure_ascii=False)),
        )
        standup_id = cursor.lastrowid or 0
        row = store.conn.execute("SELECT * FROM standups WHERE id = ?", (standup_id,)).fetchone()
        who = "1 person" if len(people) == 1 else f"{len(people)} people"
        summary = f"recorded a stand-up ({who})"
        tx.log("standup", standup_id, "create", summary, None, convert.snapshot(row))
    return _standup(row)
