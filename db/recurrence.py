"""Recurring actions: repeat rules, and their instances created exactly once.

A rule (``pdca add --every``) is a row of ``recurrences``; every action it made carries its
id in ``actions.recurrence_id``. A calendar rule's next instance is made when its date comes,
by whichever process sees it first: the app's minute round, the start of any command, or a
cron ``pdca recur run``. The claim is the rule row itself: inside ``BEGIN IMMEDIATE`` the run
re-reads the rules whose ``next_due`` came, creates one instance each and moves ``next_due``
on (version checked) in the same transaction, so a second process, serialized behind the
first, finds nothing left to do. A date not yet ended everywhere (``still_today_somewhere``)
is made with the later ones that came; a file nobody opened for longer gets ONE instance per
rule, due on the latest date that came, not one per missed date.

An "after N days" rule has no calendar: its next instance is made inside the transaction that
finishes the previous one (``Store.complete_action``), due N days after that day; its first
one is due N days after the day the rule was made (unless given a due date).

"Today" is the local date of the clock, as for every due date and "overdue" in pdca. A rule
whose next date would pass ``dates.LATEST`` ends there (``next_due`` NULL, ``state``
"ended"). A stored rule text that no longer parses never fails a command: it is listed as
"broken", ``recur run`` skips it, and finishing its action makes nothing.

Instances are written as the actor ``pdca`` (as notify's runs are): the rule made them, so
nobody's ``pdca undo`` reverts one.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple

from pydantic import BaseModel

from pdca.db import convert
from pdca.db import recurrence_rules as rrules
from pdca.db.clock import LAST_ZONE, stored_moment
from pdca.db.dates import LATEST, in_range
from pdca.db.errors import (
    DATABASE_ERRORS,
    Conflict,
    GateUnmet,
    InvalidInput,
    NotFound,
    PdcaError,
)
from pdca.db.models import PDCA_ACTOR, Action, ActionDraft
from pdca.db.pydantic_setup import skip_plugin_discovery
from pdca.db.store import AFTER_DONE_WAITING, Store, Transaction

skip_plugin_discovery()  # before the first model is built


_DUE = "SELECT id FROM recurrences WHERE stopped_at IS NULL AND next_due <= ?"


class Recurrence(BaseModel):
    """A repeat rule as ``pdca recur list --json`` prints it, with its latest instance."""

    id: int
    rule: str
    anchor: str
    next_due: str | None
    after_done: bool
    stopped_at: str | None
    stopped_by: str | None
    created_by: str
    created_at: str
    version: int
    instances: int
    latest_id: int | None
    latest_title: str | None
    latest_owner: str | None
    latest_due: str | None
    latest_done: bool
    # Fields added later (JSON only ever gains fields): "active", "stopped", "ended" (its
    # next date would pass the last date pdca takes) or "broken" (its text no longer parses).
    state: Literal["active", "stopped", "ended", "broken"] = "active"
    problem: str | None = None  # why it is broken or ended, in one line


ENDED = f"ended: its next date would pass {LATEST.isoformat()}"
BROKEN = "broken: its rule or dates no longer read; stop it and add it again"


def _local(moment: datetime) -> date:
    return moment.astimezone().date()


def still_today_somewhere(day: date, now: datetime) -> bool:
    """Whether ``day`` has not ended everywhere yet. Its round is then made with any later
    one that came: a colleague in Tokyo, a day ahead of one in Los Angeles, made only their
    own today's round, and the Los Angeles today's was never made (a tester)."""
    end = datetime.combine(day + timedelta(days=1), time(), LAST_ZONE)
    return now < end


def today(store: Store) -> date:
    """The local date of the clock: the "today" of due dates and "overdue" everywhere."""
    return _local(store.clock())


def stored_rule(row: sqlite3.Row) -> rrules.Rule | None:
    """A rule row's rule as the file holds it, or None when it is broken: its text no longer
    parses, or its anchor or next date is not a date pdca takes (a hand-edited file)."""
    try:
        rule = rrules.parse(str(row["rule"]), stored=True)
        for column in ("anchor", "next_due"):
            value = row[column]
            if column == "anchor" or value is not None:
                in_range(date.fromisoformat(str(value)), str(value), column)
    except (InvalidInput, ValueError):
        return None
    return rule


def add_repeating_action(store: Store, draft: ActionDraft, every: str) -> Action:
    """The first action of a new rule, and the rule: one transaction. Without a due date, a
    calendar rule's first action is due on the rule's first date from today on, an "after N
    days" rule's N days from today."""
    rule = rrules.parse(every)
    due = draft.due
    if due is None:
        due = rrules.first_date(rule, today(store))
        if due is None:
            raise InvalidInput("--every", every, f"falls on no date up to {LATEST.isoformat()}")
        draft = draft.model_copy(update={"due": due})
    anchor = due
    rule = rrules.anchored(rule, anchor)
    next_due = None if rule.after_done else rrules.next_after(rule, anchor, anchor)
    with store.write() as tx:
        # The rule is logged before its action, so an undo removes the action first.
        row = store.conn.execute(
            "INSERT INTO recurrences (rule, anchor, next_due, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
            (rule.text(), anchor.isoformat(), _iso(next_due), tx.actor, tx.at, tx.at),
        ).fetchall()[0]
        tx.log(
            "recurrence",
            row["id"],
            "create",
            f"added repeat rule {row['id']} ({rule.text()})",
            None,
            convert.snapshot(row),
        )
        action_id = store.insert_action(tx, draft, recurrence_id=row["id"])
        return store.get_action(action_id)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _due_rows(store: Store, day: date) -> list[sqlite3.Row]:
    """The rules whose date came, broken ones left out (skipped, never written)."""
    rows = store.conn.execute(
        "SELECT * FROM recurrences WHERE id IN (" + _DUE + ") ORDER BY id", (day.isoformat(),)
    ).fetchall()
    return [row for row in rows if stored_rule(row) is not None]


# Running "after N days" rules whose latest action is done and made no next one: it was done
# while the rule was stopped, and the stop undone since (a tester's rule said "ended" for
# good). Their next one is made as if then: N days after that done, today at the earliest.
_AFTER_DONE_WAITING = "SELECT r.*, l.done_at AS latest_done_at" + AFTER_DONE_WAITING


def _waiting_after_rows(store: Store) -> list[sqlite3.Row]:
    found = []
    for row in store.conn.execute(_AFTER_DONE_WAITING).fetchall():
        rule = stored_rule(row)
        if rule is None or not rule.after_done:
            continue  # a calendar rule that ended, or a broken one: nothing to make
        done_on = _local(stored_moment(row["latest_done_at"]))
        if rrules.next_after(rule, date.fromisoformat(row["anchor"]), done_on) is not None:
            found.append(row)
    return found


def run_due(store: Store) -> list[int]:
    """Create the instances whose date came; the ids of those this run created (none when
    another process got there first). Writes only when something is due."""
    if not _due_rows(store, today(store)) and not _waiting_after_rows(store):  # the cheap look
        return []
    created: list[int] = []
    with store.write() as tx:
        tx.actor = PDCA_ACTOR
        day = _local(tx.now)
        for waiting in _waiting_after_rows(store):  # read again in the lock, as the others
            row = store.conn.execute(
                "SELECT * FROM recurrences WHERE id = ?", (waiting["id"],)
            ).fetchone()  # the rule's own columns: what its event keeps
            rule = stored_rule(row)
            assert rule is not None
            done_on = _local(stored_moment(waiting["latest_done_at"]))
            due = rrules.next_after(rule, date.fromisoformat(row["anchor"]), done_on)
            assert due is not None  # _waiting_after_rows keeps only those with one
            # N days after that done, but not before today: restarted months on, it came
            # months overdue (a reviewer)
            due = max(due, day)
            new_id = _instance(store, tx, row, due)
            _advance(store, tx, row, {}, due, new_id)
            if new_id is not None:
                created.append(new_id)
        for row in _due_rows(store, day):  # read inside the lock: another run's work is seen
            rule = stored_rule(row)
            assert rule is not None  # _due_rows keeps only rules that parse
            anchor = date.fromisoformat(row["anchor"])
            first = date.fromisoformat(row["next_due"])
            dues = rrules.dates_to_make(
                rule, anchor, first, day, all_since=still_today_somewhere(first, tx.now)
            )
            following = rrules.next_after(rule, anchor, dues[-1])
            made: list[tuple[int, date]] = []
            for due in dues:
                new_id = _instance(store, tx, row, due)
                if new_id is None:
                    break
                made.append((new_id, due))
            next_due = None if following is None else following.isoformat()
            last_id, last_due = made[-1] if made else (None, dues[-1])
            _advance(store, tx, row, {"next_due": next_due}, last_due, last_id, made[:-1])
            created += [made_id for made_id, _ in made]
    return created


def after_done(store: Store, tx: Transaction, action_id: int) -> int | None:
    """Inside the transaction finishing ``action_id``: an "after N days" rule's next instance,
    if this was its latest one and the rule runs."""
    action = store.conn.execute(
        "SELECT recurrence_id FROM actions WHERE id = ?", (action_id,)
    ).fetchone()
    row = store.conn.execute(
        "SELECT * FROM recurrences WHERE id = ? AND stopped_at IS NULL", (action["recurrence_id"],)
    ).fetchone()
    if row is None:
        return None
    rule = stored_rule(row)  # a broken rule makes nothing; the action is still done
    if rule is None or not rule.after_done or _latest(store.conn, row["id"]) != action_id:
        return None
    due = rrules.next_after(rule, date.fromisoformat(row["anchor"]), _local(tx.now))
    if due is None:  # past the last date pdca takes: the rule ends, listed as "ended"
        return None
    new_id = _instance(store, tx, row, due)
    _advance(store, tx, row, {}, due, new_id)
    return new_id


def made_from_done_since(store: Store, event: sqlite3.Row) -> list[sqlite3.Row]:
    """When ``event`` is the done of an "after N days" rule's action, and the rule's next
    action was made from that done in a later transaction (the rule was stopped when it was
    done and started again since: ``run_due``'s waiting rules), that transaction's events for
    this rule, newest first; else none. An undo of the done takes them back with it: it left
    the action open beside the repeat made from its done, two open repeats of one rule (a
    trial). Made in the done's own transaction, the next one is undone with it anyway."""
    if event["entity"] != "action" or event["op"] != "update":
        return []
    before, after = (json.loads(event[side] or "null") for side in ("before", "after"))
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    rule_id = after.get("recurrence_id")
    if rule_id is None or before.get("done_at") is not None or after.get("done_at") is None:
        return []
    row = store.conn.execute("SELECT * FROM recurrences WHERE id = ?", (rule_id,)).fetchone()
    rule = None if row is None else stored_rule(row)
    if rule is None or not rule.after_done:
        return []
    made = store.conn.execute(
        "SELECT min(id) FROM actions WHERE recurrence_id = ? AND id > ?",
        (rule_id, event["entity_id"]),
    ).fetchone()[0]
    if made is None:
        return []
    created = store.conn.execute(
        "SELECT tx, actor FROM events WHERE entity = 'action' AND entity_id = ? AND op = 'create'"
        " AND id > ? ORDER BY id LIMIT 1",
        (made, event["id"]),
    ).fetchone()
    if created is None or created["actor"] != PDCA_ACTOR or created["tx"] == event["tx"]:
        return []  # made by someone (an adjust's next cycle), or with the done itself
    return list(
        store.conn.execute(
            "SELECT * FROM events WHERE tx = ? AND ((entity = 'action' AND entity_id = ?)"
            " OR (entity = 'recurrence' AND entity_id = ?)) ORDER BY id DESC",
            (created["tx"], made, rule_id),
        )
    )


def made_from_start_since(store: Store, event: sqlite3.Row) -> list[sqlite3.Row]:
    """When ``event`` starts an "after N days" rule again whose latest action was done while
    it was stopped, the catch-up that made its next one from that done (``start``'s own
    ``run_due``, or a command's soon after): that transaction's events for this rule, newest
    first; else none. An undo of the start takes them back with it, as it says: left open
    under the stopped rule, the next undo (of that done) took the repeat back and started the
    rule again, the start's undo undone unasked (a tester)."""
    if event["entity"] != "recurrence" or event["op"] != "update":
        return []
    before, after = (json.loads(event[side] or "null") for side in ("before", "after"))
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    if before.get("stopped_at") is None or after.get("stopped_at") is not None:
        return []
    rule_id = event["entity_id"]
    row = store.conn.execute("SELECT * FROM recurrences WHERE id = ?", (rule_id,)).fetchone()
    rule = None if row is None else stored_rule(row)
    if rule is None or not rule.after_done:
        return []
    created = store.conn.execute(
        "SELECT e.tx, e.entity_id FROM events e JOIN actions a ON a.id = e.entity_id"
        " WHERE e.entity = 'action' AND e.op = 'create' AND e.id > ? AND e.actor = ?"
        " AND a.recurrence_id = ? ORDER BY e.id LIMIT 1",
        (event["id"], PDCA_ACTOR, rule_id),
    ).fetchone()
    if created is None:
        return []
    source = store.conn.execute(
        "SELECT done_at FROM actions WHERE recurrence_id = ? AND id < ? ORDER BY id DESC LIMIT 1",
        (rule_id, created["entity_id"]),
    ).fetchone()
    if source is None or source["done_at"] is None or source["done_at"] > event["at"]:
        return []  # made from a done after the start: the rule's own later run
    return list(
        store.conn.execute(
            "SELECT * FROM events WHERE tx = ? AND ((entity = 'action' AND entity_id = ?)"
            " OR (entity = 'recurrence' AND entity_id = ?)) ORDER BY id DESC",
            (created["tx"], created["entity_id"], rule_id),
        )
    )


def _latest(conn: sqlite3.Connection, rule_id: int) -> int | None:
    row = conn.execute("SELECT max(id) FROM actions WHERE recurrence_id = ?", (rule_id,)).fetchone()
    latest: int | None = row[0]
    return latest


def _instance(
    store: Store, tx: Transaction, rule: sqlite3.Row, due: date, owner: str | None = None
) -> int | None:
    """A new action in Plan, like the rule's latest one (title, notes, owner, priority,
    initiative, KPI: edits made to the latest carry on), due on ``due``; ``owner``'s, when
    given, instead of the latest's."""
    latest = _latest(store.conn, rule["id"])
    if latest is None:
        return None  # every instance was removed (undone): nothing to copy
    # Copied in SQL, as stored: text that is not UTF-8 reads back changed in Python
    # (Store.spawn_next_cycle says how that failed).
    row = store.conn.execute(
        "INSERT INTO actions (title, notes, owner, priority, phase, due, initiative_id,"
        " kpi_id, recurrence_id, phase_since, created_by, created_at, updated_at)"
        " SELECT title, notes, coalesce(?, owner), priority, 'plan', ?, initiative_id, kpi_id,"
        " ?, ?, ?, ?, ? FROM actions WHERE id = ? RETURNING *",
        (owner, due.isoformat(), rule["id"], tx.at, tx.actor, tx.at, tx.at, latest),
    ).fetchall()[0]
    summary = f"added #{row['id']}, repeat of #{latest} ({rule['rule']}), due {due.isoformat()}"
    tx.log("action", row["id"], "create", summary, None, convert.snapshot(row))
    return int(row["id"])


def _advance(
    store: Store,
    tx: Transaction,
    before: sqlite3.Row,
    changes: dict[str, str | None],
    due: date,
    new_id: int | None,
    earlier: list[tuple[int, date]] | None = None,
) -> None:
    """The rule moved on after making ``new_id`` due ``due`` (and ``earlier`` rounds before
    it, in the same catch-up), or stopped when there was nothing to copy (``new_id`` None)."""
    if new_id is None:  # nothing left to copy from: the rule stops rather than spin
        changes = {"next_due": None, "stopped_at": tx.at, "stopped_by": PDCA_ACTOR}
    columns = "".join(f"{name} = ?, " for name in changes)
    cursor = store.conn.execute(
        f"UPDATE recurrences SET {columns}updated_at = ?, version = version + 1"
        " WHERE id = ? AND version = ?",
        (*changes.values(), tx.at, before["id"], before["version"]),
    )
    if cursor.rowcount != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as a guard
        raise Conflict("recurrence", before["id"], None, None)
    after = store.conn.execute("SELECT * FROM recurrences WHERE id = ?", (before["id"],)).fetchone()
    rounds = [*(earlier or []), (new_id, due)]
    summary = (
        f"repeat rule {before['id']}: made "
        + ", ".join(f"#{made_id} due {made_due.isoformat()}" for made_id, made_due in rounds)
        if new_id is not None
        else f"stopped repeat rule {before['id']}: no action left to repeat"
    )
    if new_id is not None and "next_due" in changes and changes["next_due"] is None:
        summary += f"; {ENDED}"
    tx.log("recurrence", before["id"], "update", summary, dict(before), dict(after))


# The running calendar rules whose latest action is done and was ``?``'s: their next one
# would be made for ``?`` again, whatever was handed over (idx_actions_recurrence_id).
_HELD_BY = """
SELECT r.* FROM recurrences r JOIN actions l ON l.id = (SELECT max(a.id) FROM actions a
 WHERE a.recurrence_id = r.id)
WHERE r.stopped_at IS NULL AND r.next_due IS NOT NULL AND l.done_at IS NOT NULL AND l.owner = ?
ORDER BY r.id
"""


def held_by(store: Store, login: str) -> list[sqlite3.Row]:
    """The running calendar rules (broken ones left out) whose next action would be made for
    ``login``, whose done action is their latest."""
    rows = store.conn.execute(_HELD_BY, (login,)).fetchall()
    return [row for row in rows if stored_rule(row) is not None]


def hand_over(store: Store, tx: Transaction, held: list[sqlite3.Row], to_login: str) -> list[int]:
    """Inside ``pdca reassign``'s transaction: each rule of ``held`` (``held_by`` the person
    leaving) makes its next action now, for ``to_login``, due on its next date (the rule
    moves on past it). A rule copies its latest action, owner and all: after a reassign it
    went on making actions for the person who left (a lead's trial). A rule whose latest is
    open needs nothing: that action is handed over, and the rule copies it. The new
    actions' ids."""
    made = []
    for row in held:
        rule = stored_rule(row)
        assert rule is not None  # held_by keeps only rules that parse
        due = date.fromisoformat(row["next_due"])
        new_id = _instance(store, tx, row, due, owner=to_login)
        following = rrules.next_after(rule, date.fromisoformat(row["anchor"]), due)
        next_due = None if following is None else following.isoformat()
        _advance(store, tx, row, {"next_due": next_due}, due, new_id)
        if new_id is not None:
            made.append(new_id)
    return made


def catch_up(store: Store) -> list[int]:
    """At a command's start: create what came due, quietly. A file this user may only read,
    or a busy one, is left for the next process (the app, cron, someone else's command)."""
    if not store.writable or store.snapshot:
        return []
    try:
        return run_due(store)
    except (PdcaError, *DATABASE_ERRORS):
        return []


def _rule_to_change(store: Store, rule_id: int, expected_version: int | None) -> sqlite3.Row:
    """Inside a write: the rule's row, refused when there is none or it changed since the
    caller read ``expected_version``."""
    before = store.conn.execute("SELECT * FROM recurrences WHERE id = ?", (rule_id,)).fetchone()
    if before is None:
        raise NotFound("repeat rule", rule_id)
    if expected_version is not None and before["version"] != expected_version:
        raise store.conflict("recurrence", before)
    row: sqlite3.Row = before
    return row


def stop(store: Store, rule_id: int, expected_version: int | None = None) -> Recurrence:
    """No more instances from this rule (those made stay). One transaction, one event."""
    with store.write() as tx:
        before = _rule_to_change(store, rule_id, expected_version)
        if before["stopped_at"] is not None:
            raise GateUnmet(
                f"repeat rule {rule_id} was stopped already, by {before['stopped_by']}"
                f" at {before['stopped_at']}"
            )
        store.conn.execute(
            "UPDATE recurrences SET stopped_at = ?, stopped_by = ?, next_due = NULL,"
            " updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
            (tx.at, tx.actor, tx.at, rule_id, before["version"]),
        )
        after = store.conn.execute("SELECT * FROM recurrences WHERE id = ?", (rule_id,)).fetchone()
        tx.log(
            "recurrence",
            rule_id,
            "update",
            f"stopped repeat rule {rule_id} ({before['rule']})",
            dict(before),
            dict(after),
        )
    return get(store, rule_id)


class Started(NamedTuple):
    """``start``'s rule as it runs now, and the id of the repeat it made at once, if any."""

    rule: Recurrence
    made: int | None


def start(store: Store, rule_id: int, expected_version: int | None = None) -> Started:
    """A stopped rule runs again, from today on: a calendar rule's next date is its first
    from today (after the latest action it made, so none is made twice), not one gone by
    while it was stopped; an "after N days" rule whose latest action was done meanwhile
    makes its next one now, due N days after that done but not before today (it came
    overdue by months, a reviewer); one whose latest is open waits for it, as before. One
    transaction, then the catch-up any command runs (``run_due``: a repeat is pdca's, and an
    undo of the done it came from takes it back). Before, only an undo started one again, and
    that took back every later change of the person who stopped it first (a lead's trial)."""
    with store.write() as tx:
        before = _rule_to_change(store, rule_id, expected_version)
        if before["stopped_at"] is None:
            raise GateUnmet(f"repeat rule {rule_id} runs already (pdca recur list says when)")
        rule = stored_rule(before)
        if rule is None:
            raise GateUnmet(f"repeat rule {rule_id}: {BROKEN}")
        next_due: date | None = None
        if not rule.after_done:
            latest_due = store.conn.execute(
                "SELECT max(due) FROM actions WHERE recurrence_id = ? AND due IS NOT NULL",
                (rule_id,),
            ).fetchone()[0]
            after = max(_local(tx.now) - timedelta(days=1), _made_until(latest_due))
            next_due = rrules.next_after(rule, date.fromisoformat(before["anchor"]), after)
            if next_due is None:
                raise GateUnmet(f"repeat rule {rule_id}: {ENDED}")
        store.conn.execute(
            "UPDATE recurrences SET stopped_at = NULL, stopped_by = NULL, next_due = ?,"
            " updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
            (_iso(next_due), tx.at, rule_id, before["version"]),
        )
        after_row = store.conn.execute(
            "SELECT * FROM recurrences WHERE id = ?", (rule_id,)
        ).fetchone()
        tx.log(
            "recurrence",
            rule_id,
            "update",
            f"started repeat rule {rule_id} ({before['rule']}) again",
            dict(before),
            dict(after_row),
        )
    # An "after" rule whose latest was done meanwhile makes its next now, as any command's
    # catch-up would (written by pdca, as every repeat: the undo of that done takes it back).
    made = [i for i in run_due(store) if _rule_of(store.conn, i) == rule_id]
    return Started(get(store, rule_id), made[0] if made else None)


def _rule_of(conn: sqlite3.Connection, action_id: int) -> int | None:
    row = conn.execute("SELECT recurrence_id FROM actions WHERE id = ?", (action_id,)).fetchone()
    rule_id: int | None = None if row is None else row[0]
    return rule_id


def _made_until(latest_due: object) -> date:
    """The latest due date a rule's actions hold (one typed in by hand that is no date:
    none)."""
    try:
        return date.fromisoformat(str(latest_due))
    except ValueError:
        return date.min


_LIST = """
SELECT r.*, (SELECT count(*) FROM actions a WHERE a.recurrence_id = r.id
    AND a.parent_id IS NULL) AS instances,
       l.id AS latest_id, l.title AS latest_title, l.owner AS latest_owner,
       l.due AS latest_due, l.done_at IS NOT NULL AS latest_done
FROM recurrences r
LEFT JOIN actions l ON l.id = (SELECT max(a.id) FROM actions a WHERE a.recurrence_id = r.id)
"""


def _model(row: sqlite3.Row) -> Recurrence:
    data = dict(row)
    rule = stored_rule(row)
    data["after_done"] = rule is not None and rule.after_done
    data["latest_done"] = bool(data["latest_done"])
    data["problem"] = None
    if rule is None:
        data["state"], data["problem"] = "broken", BROKEN
    elif row["stopped_at"] is not None:
        data["state"] = "stopped"
    elif row["next_due"] is None and (not rule.after_done or data["latest_done"]):
        data["state"], data["problem"] = "ended", ENDED
    else:
        data["state"] = "active"
    return Recurrence(**{name: data[name] for name in Recurrence.model_fields})


def list_rules(store: Store, *, include_stopped: bool = False) -> list[Recurrence]:
    where = "" if include_stopped else " WHERE r.stopped_at IS NULL"
    rows = store.conn.execute(_LIST + where + " ORDER BY r.id").fetchall()
    return [_model(row) for row in rows]


def get(store: Store, rule_id: int) -> Recurrence:
    row = store.conn.execute(_LIST + " WHERE r.id = ?", (rule_id,)).fetchone()
    if row is None:
        raise NotFound("repeat rule", rule_id)
    return _model(row)


def rule_text(store: Store, rule_id: int) -> str | None:
    """The rule an action repeats by, for its detail ("week mon"); None once stopped."""
    row = store.conn.execute(
        "SELECT rule FROM recurrences WHERE id = ? AND stopped_at IS NULL", (rule_id,)
    ).fetchone()
    return None if row is None else str(row["rule"])


def repeat_made_by_done(store: Store, action_id: int) -> Action | None:
    """The repeat that finishing ``action_id`` made (an "after" rule's next one, written in
    the same transaction, so created at its ``done_at``), for ``pdca done`` to name."""
    row = store.conn.execute(
        "SELECT n.id FROM actions a JOIN actions n ON n.recurrence_id = a.recurrence_id"
        " AND n.id > a.id AND n.created_at = a.done_at AND n.parent_id IS NULL"
        " WHERE a.id = ? ORDER BY n.id LIMIT 1",  # not its next cycle (adjust), which follows it
        (action_id,),
    ).fetchone()
    return None if row is None else store.get_action(int(row["id"]))


def earlier_round_note(store: Store, action_id: int) -> str | None:
    """Said when an earlier round of a repeat is handed to someone: the rule copies its
    newest round, owner and all, so the rounds to come stay with the owner it had (a lead's
    weeks: four more rounds went to mark after lena took an older one)."""
    rule_id = _rule_of(store.conn, action_id)
    latest = _latest(store.conn, rule_id) if rule_id is not None else None
    if latest is None or latest == action_id:
        return None
    return (
        f"note: #{action_id} is an earlier round of repeat rule {rule_id}: its next rounds copy"
        f" the newest, #{latest} (pdca edit {latest} --owner LOGIN hands them on)"
    )


def done_note(store: Store, action_id: int) -> str | None:
    """``next: #N due DATE`` when finishing ``action_id`` made its rule's next repeat."""
    made = repeat_made_by_done(store, action_id)
    return None if made is None else f"next: #{made.id} due {made.due}"


def next_note(store: Store, rule_id: int) -> str:
    """What ``pdca add --every`` says of its rule: when the next repeat comes (after the
    catch-up made the one whose date came, if it could), never a date gone by: nobody waits
    for a date that already passed (a tester)."""
    rule = get(store, rule_id)
    parsed = rrules.parse(rule.rule, stored=True)
    if parsed.after_done:
        later = rule.rule.removeprefix("after ")
        # Its own date too, as a calendar rule says its next: "after 2 weeks" left the
        # first one's due date to pdca show (a new user).
        due = f" (due {rule.latest_due})" if rule.latest_due else ""
        return f"repeats: when #{rule.latest_id}{due} is done, the next is made, due {later} later"
    if rule.next_due is None:
        return (
            f"repeats every {rule.rule}: none follows, as the next date would pass"
            f" {LATEST.isoformat()}, the last pdca takes"
        )
    next_due, day = date.fromisoformat(rule.next_due), today(store)
    if next_due <= day:  # not made yet (the file busy): whoever looks next makes it
        made = rrules.latest_due(parsed, date.fromisoformat(rule.anchor), next_due, day)
        return (
            f"repeats every {rule.rule}: the next, due {made.isoformat()}, is made by the"
            " next pdca that opens the file"
        )
    said = f"repeats every {rule.rule}: the next is made on {rule.next_due}"
    first = date.fromisoformat(rule.anchor)
    if rrules.first_on_or_after(parsed, first, first) != first:
        # --every "week mon" --due tomorrow (a Thursday): said, not found out later (a tester)
        said += f"; the first, due {first:%a} {first.isoformat()}, is not on the rule"
    return said
