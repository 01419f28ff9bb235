"""Drift alerts: raised and closed by readings, escalated when nobody acknowledges them.

Functions over a ``Store`` (its connection, clock and transaction machinery), kept out of
db/store.py so the KPI work stays in modules of its own. The rules are db/kpi_rules.py.

Events: raising is ``entity="alert", op="create"``; acknowledging, closing and escalating are
``op="update"`` with the whole row before and after (``after.acknowledged_at`` set when
acknowledged), which is what the stand-up digest and ``pdca undo`` read.

Whom an alert waits for is a rule of time (``kpi_rules.alert_standing``): every read here
(``to_alert``, the lists, the per-person counts) applies it to the stored row, so every command
and view agrees at any moment without a write. ``escalate_due`` then records what the rule
already says (``pdca alerts``, ``pdca kpi record``, the app in the background), for the event
log and the stand-up; because each new deadline runs from the missed one, the outcome does not
depend on when that write happens. Escalations are logged as
the actor ``pdca`` (the rules did it, not the person who happened to look), so nobody's
``pdca undo`` reverts one by accident.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pdca.db import kpi_rules, signals, xmr
from pdca.db.alert_standing import OPEN_WAITING, SELECT_ALERTS, deadline_of
from pdca.db.alert_standing import count_waiting as count_waiting  # importable here as before
from pdca.db.alert_standing import standing as standing
from pdca.db.alert_standing import waiting_by_person as waiting_by_person
from pdca.db.clock import iso, parse_timestamp
from pdca.db.convert import escalation_path, snapshot
from pdca.db.errors import Conflict, InvalidInput, NotFound
from pdca.db.models import PDCA_ACTOR, shown_number, validated
from pdca.db.store import Store, Transaction

if TYPE_CHECKING:  # pydantic and the accountability rules come where used, not to record
    from pdca.db.accountability_rules import TimedEscalation
    from pdca.db.models import Alert


_SELECT = SELECT_ALERTS
_OPEN_WAITING = OPEN_WAITING


class AlreadyAcknowledged(Conflict):
    """Someone acknowledged the alert first; their note stands and nothing was written."""

    def __init__(self, alert_id: int, by: str | None, at: str | None) -> None:
        super().__init__("alert", alert_id, by, at)
        self.args = (f"alert {alert_id} was acknowledged by {by} at {at} already; nothing written",)


def to_alert(row: sqlite3.Row | dict[str, Any], now: datetime) -> Alert:
    """An alert as it stands at ``now``: whoever the escalation rule says it waits for, by when,
    whether or not a write has recorded the escalation yet."""
    from pdca.db.models import Alert

    data = dict(row)
    state = standing(data, now)
    data.pop("kpi_owner", None)
    data.pop("kpi_escalation", None)
    data.update(
        assignee=state.assignee,
        escalation_level=state.level,
        ack_due=iso(state.ack_due),
        overdue=state.overdue,
    )
    return Alert.from_row(data)


# --------------------------------------------------------------------------- breaches


def newest_reading_id(store: Store, kpi_id: int) -> int | None:
    """The id of the KPI's newest reading (by time, then id) that pdca can read."""
    found = store.conn.execute(
        f"SELECT id FROM kpi_readings WHERE kpi_id = ?{signals.NUMBER}"
        " ORDER BY at DESC, id DESC LIMIT 1",
        (kpi_id,),
    ).fetchone()
    return None if found is None else int(found[0])


def apply_breach(store: Store, tx: Transaction, kpi_id: int, *, edited: bool = False) -> int | None:
    """Raise or close the KPI's alerts for its newest reading (by time): its threshold alert
    and its signal alerts (``apply_signals``), as its ``alerts_mode`` asks; return a raised
    one's id (the threshold's first). Ids, not models: recording a reading needs no pydantic.

    Called inside the write that added readings, or edited the KPI (``edited``: its
    threshold may have moved, not the value). A back-filled reading older than the newest
    one changes nothing: the breach state follows what the KPI measures now.
    """
    conn = store.conn
    kpi = conn.execute("SELECT * FROM kpis WHERE id = ?", (kpi_id,)).fetchone()
    latest = conn.execute(
        f"SELECT id, at, value FROM kpi_readings WHERE kpi_id = ?{signals.NUMBER}"
        " ORDER BY at DESC, id DESC LIMIT 1",
        (kpi_id,),
    ).fetchone()
    if kpi is None or latest is None:
        return None
    open_alert = conn.execute(
        "SELECT * FROM alerts WHERE kpi_id = ? AND closed_at IS NULL AND rule IS NULL"
        " ORDER BY id DESC LIMIT 1",
        (kpi_id,),
    ).fetchone()
    threshold = None if kpi["alerts_mode"] == "signals" else kpi["alert"]
    step = kpi_rules.breach_step(
        latest["value"], threshold, kpi["direction"], open_alert is not None
    )
    # The threshold's first, so ids and the lines that name them go in one order: "raised
    # alert 2" was said before "raised alert 1 (signal ...)" (a new user)
    breached = None
    if step == "raise":
        breached = _reopen_same_breach(store, tx, kpi, latest, edited=edited) or _raise(
            store, tx, kpi, latest
        )
    raised = apply_signals(store, tx, kpi, latest)
    if breached is not None:
        return breached
    if step == "close":
        assert open_alert is not None
        why = (
            "it raises signal alerts only"
            if kpi["alerts_mode"] == "signals"
            else "its alert threshold was cleared"
            if kpi["alert"] is None
            else _back_within(latest["value"], kpi, edited=edited)
        )
        update(
            store,
            tx,
            open_alert,
            {"closed_at": tx.at},
            f"closed alert {open_alert['id']} on KPI {kpi['name']!r}: {why}",
        )
    return raised[0] if raised else None


def _back_within(value: float, kpi: sqlite3.Row, *, edited: bool = False) -> str:
    """``30 h is back under the alert threshold 34 h``: which side, with the unit, as the
    alert's raising said it ("4 is back within 2" read as wrong for a KPI where higher is
    better, a lead's trial). ``edited``: the threshold moved, not the value ("155 is back
    under 160" of a value that never moved, a tester): "is under the new alert threshold"."""
    unit = f" {kpi['unit']}" if kpi["unit"] else ""
    side = "under" if kpi["direction"] == "down" else "over"
    at = "at or " if value == kpi["alert"] else ""
    moved, new = ("", "new ") if edited else ("back ", "")
    return (
        f"{shown_number(value)}{unit} is {moved}{at}{side} the {new}alert threshold"
        f" {shown_number(kpi['alert'])}{unit}"
    )


def may_reopen(closed: sqlite3.Row, newer: sqlite3.Row | None = None) -> bool:
    """Whether a closed threshold alert comes back, as it was, for the same breach: never
    over a newer one that got further while it was not acknowledged: acknowledged (that
    acknowledgement was lost, a reviewer) or passed on further (the breach went back to
    dana, passed over already, and reached bob a second time, a tester)."""
    if newer is None or closed["acknowledged_at"]:
        return True
    return not (newer["acknowledged_at"] or newer["escalation_level"] > closed["escalation_level"])


def reopened(closed: sqlite3.Row, tx: Transaction) -> dict[str, object]:
    """The changes that reopen ``closed``: its holder and escalation as they were, and, still
    waiting, the time it had left when it closed: its clock stopped while it was closed. A
    deadline run out meanwhile brought it back overdue, passed to the path's end at once
    (testers), and a fresh day with the owner undid an escalation earned (a tester)."""
    changes: dict[str, object] = {"closed_at": None}
    if not closed["acknowledged_at"] and closed["closed_at"]:
        paused = tx.now - parse_timestamp(str(closed["closed_at"]))
        if paused > timedelta(0):
            # One already past its deadline as it closed is due now, not at a moment while
            # it was closed (a tester read "overdue since" a time it was not open).
            due = max(parse_timestamp(str(closed["ack_due"])) + paused, tx.now)
            changes["ack_due"] = iso(due)
    return changes


def _reopen_same_breach(
    store: Store, tx: Transaction, kpi: sqlite3.Row, latest: sqlite3.Row, *, edited: bool
) -> int | None:
    """Reopen the threshold alert a threshold edit closed, when the newest reading, the one
    that raised it, breaches again (150, 160, then 150 again): the same breach, as it was,
    acknowledged or escalated. A new alert with a fresh day asked the owner again of a
    breach acknowledged an hour before (a tester). Its clock stopped while it was closed
    (``reopened``). None when none is reopened."""
    again = store.conn.execute(  # max(id): the newest, without a sort (test_query_plans)
        "SELECT * FROM alerts WHERE id = (SELECT max(id) FROM alerts WHERE kpi_id = ?"
        " AND reading_id = ? AND rule IS NULL AND closed_at IS NOT NULL)",
        (kpi["id"], latest["id"]),
    ).fetchone()
    if again is None or not may_reopen(again):
        return None
    what = kpi_rules.beyond_words(latest["value"], kpi["alert"], kpi["unit"])
    # Said as it came back: an edit of the threshold, or a removal that left its reading
    # the newest again ("as the threshold is edited now" of a removal, a reviewer).
    why = "as the threshold is edited now" if edited else "its reading the newest again"
    update(
        store,
        tx,
        again,
        reopened(again, tx),
        f"reopened alert {again['id']} on KPI {kpi['name']!r}: {what} again, {why}",
    )
    alert_id: int = again["id"]
    return alert_id


def apply_signals(
    store: Store, tx: Transaction, kpi: sqlite3.Row, latest: sqlite3.Row
) -> list[int]:
    """Raise an alert when a Western Electric signal on the KPI's bad side holds at its newest
    reading (``xmr.active``; of several, the first rule in order: a limit crossed outranks a
    run) and the KPI has no open signal alert; close it once no rule has fired on the bad side
    for ``xmr.CLOSE_QUIET`` readings (twice a run's length, so a run that pauses for a reading
    does not close and raise again), or when the KPI no longer raises signal alerts.

    One drift is one alert, not one per rule that sees it: at most one open signal alert per
    KPI (so at most one per KPI and rule), beside its threshold alert. Same owner, deadline,
    escalation and notification as a threshold breach (``_raise``)."""
    row = store.conn.execute(
        "SELECT * FROM alerts WHERE kpi_id = ? AND closed_at IS NULL AND rule IS NOT NULL"
        " ORDER BY id DESC LIMIT 1",
        (kpi["id"],),
    ).fetchone()
    chart = None
    if kpi["alerts_mode"] != "thresholds":
        chart = signals.chart_for(store, kpi["id"], kpi["baseline_from"], kpi["baseline_to"])
    if row is None:
        active = sorted(xmr.active(chart, kpi["direction"]), key=lambda s: s.rule_id)
        return [_raise(store, tx, kpi, latest, active[0])] if active else []
    bad = xmr.bad_side(kpi["direction"])
    if kpi["alerts_mode"] == "thresholds":
        why = "it raises threshold alerts only"
    elif chart is None:
        why = "too few baseline readings for process limits"
    elif all(xmr.quiet_since(chart, rule, bad) >= xmr.CLOSE_QUIET for rule in xmr.RULES):
        why = f"no signal on its bad side for {xmr.CLOSE_QUIET} readings"
    elif (better := _shifted_to_the_good_side(chart, kpi["direction"])) is not None:
        why = f"it shifted to its good side since ({better}), no signal on the bad side"
    else:
        return []
    summary = f"closed alert {row['id']} on KPI {kpi['name']!r}: {why}"
    update(store, tx, row, {"closed_at": tx.at}, summary)
    return []


def _shifted_to_the_good_side(chart: xmr.XmrChart, direction: xmr.Direction) -> str | None:
    """The rule by which the KPI now signals on its good side, a run's length after its last
    signal on the bad side; else None. A weekly KPI back to its best for eight readings kept
    its drift's alert open, leading its line in kpi list, for the 16 weeks the quiet takes
    (a lead's quarter)."""
    bad = xmr.bad_side(direction)
    if any(xmr.quiet_since(chart, rule, bad) < xmr.RUN_LENGTH for rule in xmr.RULES):
        return None
    # A run or a cluster, not one reading past the good limit (one good outlier closed it,
    # a reviewer)
    good = [
        s for s in xmr.active(chart, "down" if direction == "up" else "up") if s.rule_id != "we1"
    ]
    return good[0].rule_text if good else None


def _raise(
    store: Store,
    tx: Transaction,
    kpi: sqlite3.Row,
    reading: sqlite3.Row,
    signal: xmr.Signal | None = None,
) -> int:
    path = escalation_path(kpi["escalation"])
    assignee = kpi_rules.chain(kpi["owner"], path, tx.actor)[0]
    raised = kpi_rules.parse_time(reading["at"])
    # The deadline runs from the breach or from now, whichever is later: a back-filled breach
    # still gives its owner a full day.
    due = kpi_rules.first_deadline(max(raised, tx.now))
    rule = None if signal is None else signal.rule_id
    words = None if signal is None else signal.rule_text
    cursor = store.conn.execute(
        "INSERT INTO alerts (kpi_id, reading_id, raised_at, assignee, ack_due, rule, rule_text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (kpi["id"], reading["id"], tx.at, assignee, iso(due), rule, words),
    )
    alert_id = cursor.lastrowid
    assert alert_id is not None
    row = store.conn.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    what = (
        kpi_rules.beyond_words(reading["value"], kpi["alert"], kpi["unit"])
        if signal is None
        else f"signal: {words}"
    )
    summary = (
        f"raised alert {alert_id} on KPI {kpi['name']!r}: {what}; "
        f"{assignee} to acknowledge by {iso(due)}"
    )
    tx.log("alert", alert_id, "create", summary, None, snapshot(row))
    return alert_id


def newest_left(store: Store, kpi_id: int, gone: Iterable[int]) -> sqlite3.Row | None:
    """The KPI's newest reading (by time) but ``gone`` (readings on their way out): what
    its alerts follow once they are."""
    found: sqlite3.Row | None = store.conn.execute(
        f"SELECT id, value FROM kpi_readings WHERE kpi_id = ?{signals.NUMBER}"
        " AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY at DESC, id DESC LIMIT 1",
        (kpi_id, json.dumps(sorted(gone))),
    ).fetchone()
    return found


def beyond_threshold(kpi: sqlite3.Row, reading: sqlite3.Row | None) -> bool:
    """Whether ``reading`` is past the KPI's alert threshold (none in signals-only mode)."""
    threshold = None if kpi["alerts_mode"] == "signals" else kpi["alert"]
    return reading is not None and kpi_rules.in_alert(reading["value"], threshold, kpi["direction"])


def carried_past_undone_readings(
    store: Store, tx: Transaction, readings: set[int], created: set[int], undo_of: int
) -> set[int]:
    """Before an undo takes out ``readings`` (recorded by the change undone, which raised the
    alerts ``created``): an open threshold alert one of them raised or held stays open,
    carried by the newest reading left, when that one is beyond the threshold too, as
    ``readings.remove`` keeps it. The undo deleted the alert a colleague's later reading still
    breached, and the breach went silent: no alert, no escalation (a reviewer). Another
    change's alert the reading held otherwise closes (closed, it lets go of the reading),
    where the undo was refused as "other records refer to it". The ids kept open, whose
    raising the undo leaves."""
    kept: set[int] = set()
    if not readings:
        return kept
    undone = json.dumps(sorted(readings))
    held = store.conn.execute(
        # By their KPIs first, through an index: alerts grow with the file.
        "SELECT * FROM alerts WHERE kpi_id IN (SELECT kpi_id FROM kpi_readings WHERE id IN"
        " (SELECT value FROM json_each(?1))) AND reading_id IN (SELECT value FROM json_each(?1))"
        " ORDER BY id",
        (undone,),
    ).fetchall()
    for alert in held:
        kpi = store.conn.execute("SELECT * FROM kpis WHERE id = ?", (alert["kpi_id"],)).fetchone()
        unit = f" {kpi['unit']}" if kpi["unit"] else ""
        said = f"alert {alert['id']} on KPI {kpi['name']!r}"
        newest = newest_left(store, alert["kpi_id"], readings)
        if alert["closed_at"] is None and alert["rule"] is None and beyond_threshold(kpi, newest):
            assert newest is not None
            changes: dict[str, object] = {"reading_id": newest["id"]}
            summary = (
                f"{said} stays open: the newest reading left,"
                f" {shown_number(newest['value'])}{unit}, is beyond the alert threshold too"
            )
            kept.add(alert["id"])
        elif (
            alert["closed_at"] is None
            and alert["rule"] is not None
            and newest is not None
            and (alert["id"] not in created or _signal_holds_without(store, kpi["id"], undone))
        ):
            # A signal alert: whether the drift still signals is known once the readings are
            # out (``signal_still_holds``, after the undo): held by the newest left till then.
            # Deleted and raised again, the same drift came back as a new alert with a new
            # deadline, told to its owner as new (a retrial). One the undone change raised is
            # kept only if it signals without them (a look inside a savepoint): kept, then
            # closed "for 16 readings" and then undone, its history said all three (a trial).
            changes = {"reading_id": newest["id"]}
            summary = f"{said} stays open: its chart still signals without the reading"
            kept.add(alert["id"])
        elif alert["id"] in created:
            continue  # the undo takes it out with its reading
        elif alert["closed_at"] is None:
            changes = {"reading_id": None, "closed_at": tx.at}
            summary = f"closed {said}: the reading that held it open was undone"
        else:
            changes, summary = {"reading_id": None}, f"{said} no longer refers to an undone reading"
        update(store, tx, alert, changes, summary, undo_of=undo_of)
    return kept


def _signal_holds_without(store: Store, kpi_id: int, readings: str) -> bool:
    """Whether a signal on the KPI's bad side would hold without ``readings`` (a JSON list
    of ids): they are taken out inside a savepoint, looked at, and put back."""
    store.conn.execute("SAVEPOINT without_the_readings")
    try:
        store.conn.execute(
            "UPDATE alerts SET reading_id = NULL WHERE reading_id IN"
            " (SELECT value FROM json_each(?))",
            (readings,),
        )
        store.conn.execute(
            "DELETE FROM kpi_readings WHERE id IN (SELECT value FROM json_each(?))", (readings,)
        )
        return signal_still_holds(store, kpi_id)
    finally:
        if store.conn.in_transaction:  # else SQLite ended it (a full disk): its error stands
            store.conn.execute("ROLLBACK TO without_the_readings")
            store.conn.execute("RELEASE without_the_readings")


def signal_still_holds(store: Store, kpi_id: int) -> bool:
    """Whether a signal on the KPI's bad side holds at its newest reading now (as
    ``apply_signals`` would raise one)."""
    kpi = store.conn.execute("SELECT * FROM kpis WHERE id = ?", (kpi_id,)).fetchone()
    if kpi is None or kpi["alerts_mode"] == "thresholds":
        return False
    chart = signals.chart_for(store, kpi["id"], kpi["baseline_from"], kpi["baseline_to"])
    return bool(xmr.active(chart, kpi["direction"]))


def close_doubles(store: Store, tx: Transaction, kpi_id: int, undo_of: int | None = None) -> None:
    """One open alert per KPI and kind (threshold, signal): an undo (``undo_of``, its change)
    or a removed reading that put an older one back (reopened after a newer reading raised
    its own) closes all but one, which stands for them (two waited for the same breach, a
    reviewer): the one acknowledged or passed on furthest, else the oldest, which keeps its
    holder and its escalation: closing it gave the breach a fresh day with its owner, its
    escalation to fay gone (a tester)."""
    name = store.conn.execute("SELECT name FROM kpis WHERE id = ?", (kpi_id,)).fetchone()
    for kind in ("rule IS NULL", "rule IS NOT NULL"):
        rows = store.conn.execute(
            f"SELECT * FROM alerts WHERE kpi_id = ? AND closed_at IS NULL AND {kind} ORDER BY id",
            (kpi_id,),
        ).fetchall()
        if len(rows) < 2:
            continue
        # The one that got furthest stands, as ``may_reopen`` has it: acknowledged, then
        # passed on furthest, then the oldest. An undo reopened an older alert beside a
        # colleague's acknowledged one and closed theirs: the breach waited again, its
        # acknowledgement lost (a reviewer).
        stands = min(
            rows, key=lambda r: (r["acknowledged_at"] is None, -r["escalation_level"], r["id"])
        )
        for other in rows:
            if other["id"] == stands["id"]:
                continue
            update(
                store,
                tx,
                other,
                {"closed_at": tx.at},
                f"closed alert {other['id']} on KPI {name[0]!r}: alert {stands['id']}"
                " stands for the same drift",
                undo_of=undo_of,
            )


def update(
    store: Store,
    tx: Transaction,
    before: sqlite3.Row,
    changes: dict[str, object],
    summary: str,
    undo_of: int | None = None,
) -> sqlite3.Row:
    """Write ``changes`` to the alert ``before`` is of, checked by its version, with its event
    in ``tx`` (``undo_of``: an undo's own); the alert as it is now."""
    columns = ", ".join(f"{name} = ?" for name in changes)
    cursor = store.conn.execute(
        f"UPDATE alerts SET {columns}, version = version + 1 WHERE id = ? AND version = ?",
        (*changes.values(), before["id"], before["version"]),
    )
    if cursor.rowcount != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as a guard
        raise Conflict("alert", before["id"], None, None)
    after = store.conn.execute("SELECT * FROM alerts WHERE id = ?", (before["id"],)).fetchone()
    tx.log(
        "alert", before["id"], "update", summary, snapshot(before), snapshot(after), undo_of=undo_of
    )
    row: sqlite3.Row = after
    return row


# --------------------------------------------------------------------------- escalation


def _pending(
    store: Store, now: datetime
) -> list[tuple[sqlite3.Row, list[kpi_rules.EscalationStep]]]:
    """Open, unacknowledged alerts the rule has moved on since they were last written, each
    with its passes-on (``kpi_rules.escalation_steps``, what ``standing`` reads)."""
    found = []
    for row in store.conn.execute(_OPEN_WAITING + " AND a.ack_due < ?", (iso(now),)).fetchall():
        steps = kpi_rules.escalation_steps(
            assignee=row["assignee"],
            ack_due=deadline_of(row, now),
            owner=row["kpi_owner"],
            path=escalation_path(row["kpi_escalation"]),
            now=now,
        )
        if steps:
            found.append((row, steps))
    return found


def escalate_due(store: Store) -> int:
    """Pass on every alert whose deadline was missed; how many moved. Writes only when one
    must move (a read-only file, or nothing due, writes nothing)."""
    if not store.writable or not _pending(store, store.clock()):
        return 0
    moved = 0
    with store.write() as tx:
        tx.actor = PDCA_ACTOR
        for row, steps in _pending(store, tx.now):  # again: someone may have acted meanwhile
            current = store.conn.execute(
                "SELECT * FROM alerts WHERE id = ?", (row["id"],)
            ).fetchone()
            # One event per pass-on, each at the deadline it missed: written in one after
            # two deadlines passed, carol -> alice, the stand-up lost bob's turn (a tester).
            level = row["escalation_level"]
            for step in steps:
                level += 1
                current = update(
                    store,
                    tx,
                    current,
                    {"assignee": step.to, "escalation_level": level, "ack_due": iso(step.ack_due)},
                    f"escalated alert {row['id']} on KPI {row['kpi']!r} from {step.holder} "
                    f"to {step.to}: not acknowledged by {iso(step.missed)}",
                )
            moved += 1
    return moved


def escalate_due_unless_busy(store: Store) -> bool:
    """``escalate_due``, unless another process holds the file past the wait: then nothing,
    and False. For a command whose own work is done or is a read: the rule of time applies
    the pass-ons to what it shows all the same, and the next command writes them down. A
    busy file made ``pdca alerts --overdue`` (the README's cron line) list nothing, and ``kpi
    record`` exit 75 "nothing written" after its reading was written (a retrial)."""
    from pdca.db.errors import DatabaseBusy

    try:
        escalate_due(store)
    except DatabaseBusy:
        return False
    return True


def follow_new_chain(store: Store, tx: Transaction, kpi_id: int, before: sqlite3.Row) -> list[str]:
    """Inside the edit of KPI ``kpi_id`` (``before``: its row before), its open alerts that
    wait for nobody left to wait for under the new owner or path, each with its event; the
    one who takes one over has a full ``ACK_HOURS`` from now. An alert at the old owner's
    turn goes to the new owner (it stayed with the old one, and came to the new one as an
    "escalation" a day later, a lead's trial); one whose holder's deadline passed at the end
    of the old path goes to whoever now follows them (added after it, they were overdue at
    once, with a deadline from before they were on the path). What each event says."""
    said: list[str] = []
    kpi = store.conn.execute("SELECT * FROM kpis WHERE id = ?", (kpi_id,)).fetchone()
    path, old_path = escalation_path(kpi["escalation"]), escalation_path(before["escalation"])
    now = tx.now
    rows = store.conn.execute(_OPEN_WAITING + " AND a.kpi_id = ?", (kpi_id,)).fetchall()
    for row in rows:
        holder, level = row["assignee"], row["escalation_level"]
        people = kpi_rules.chain(kpi["owner"], path, holder)
        was_owners = kpi_rules.chain(before["owner"], old_path, holder)[0] == holder
        # At the owner's turn it is the new owner's, even when the old owner is on the new
        # path (owner and path swapped in one edit: it stayed the old owner's, a lead's trial).
        if level == 0 and was_owners and people[0] != holder:
            to, why = people[0], f"handed alert {row['id']} on KPI {row['kpi']!r} from {holder}"
            why += f" to {people[0]} with the KPI"
        elif holder in people and deadline_of(row, now) < now and people[-1] != holder:
            to, level = people[people.index(holder) + 1], level + 1
            why = (
                f"escalated alert {row['id']} on KPI {row['kpi']!r} from {holder} to {to}: "
                f"not acknowledged by {row['ack_due']}, and {to} is next on the path now"
            )
        else:
            continue
        deadline = iso(now + timedelta(hours=kpi_rules.ACK_HOURS))
        changes = {"assignee": to, "escalation_level": level, "ack_due": deadline}
        own = store.conn.execute("SELECT * FROM alerts WHERE id = ?", (row["id"],)).fetchone()
        update(store, tx, own, changes, f"{why} (until {deadline})")  # its own columns only
        said.append(f"{why} (until {deadline})")
    return said


# --------------------------------------------------------------------------- reads, acknowledging


def breach_words(store: Store, alert_ids: Iterable[int]) -> dict[int, str]:
    """What holds each threshold alert open, as its raising said it (``12 h is above the
    alert threshold 8 h``): ``pdca alerts`` said "threshold" alone (a new user). Read off each
    alert's create event, down the events' entity index: the threshold may have changed.
    An alert whose raising reading was removed, kept open by a newer one beyond the threshold
    (``readings.remove``), is told by that one: its words named the removed typo (a tester)."""
    words: dict[int, str] = {}
    for alert_id in alert_ids:
        row = store.conn.execute(
            "SELECT summary, json_extract(after, '$.reading_id') FROM events"
            " WHERE entity = 'alert' AND entity_id = ? AND op = 'create'"
            " ORDER BY id DESC LIMIT 1",
            (alert_id,),
        ).fetchone()
        now = store.conn.execute(
            "SELECT r.id, r.value, k.alert, k.unit, a.closed_at IS NULL FROM alerts a"
            " JOIN kpis k ON k.id = a.kpi_id JOIN kpi_readings r ON r.id = a.reading_id"
            " WHERE a.id = ?",
            (alert_id,),
        ).fetchone()
        # An open one says what holds it open now: its reading against the threshold as it
        # is (raised to 4.5 since, it still named 3, a tester), or the newer reading that
        # kept it open when its own was removed.
        if now is not None and now[2] is not None and (now[4] or (row and now[0] != row[1])):
            words[alert_id] = kpi_rules.beyond_words(now[1], now[2], now[3])
            continue
        said = str(row[0]) if row else ""
        head = f"raised alert {alert_id} on KPI "
        rest = said[len(head) :] if said.startswith(head) else ""
        ends = [at for at in (rest.find("': "), rest.find('": ')) if at >= 0]  # the name's repr
        if ends:
            words[alert_id] = rest[min(ends) + 3 :].split("; ", 1)[0]
        elif now is not None and now[2] is not None:  # raised in other words (a seeded file)
            words[alert_id] = kpi_rules.beyond_words(now[1], now[2], now[3])
    return words


def list_alerts(
    store: Store,
    *,
    assignee: str | None = None,
    overdue: bool = False,
    include_closed: bool = False,
) -> list[Alert]:
    """Open alerts (acknowledged or not), newest first; ``assignee`` keeps those still waiting
    for that person, ``overdue`` those nobody acknowledged in time."""
    clauses: list[str] = []
    params: list[object] = []
    if not include_closed:
        clauses.append("a.closed_at IS NULL")
    if assignee is not None:
        clauses.append("a.acknowledged_at IS NULL")
    sql = _SELECT + (" WHERE " + " AND ".join(clauses) if clauses else "")
    sql += " ORDER BY a.raised_at DESC, a.id DESC"
    now = store.clock()
    alerts = [to_alert(row, now) for row in store.conn.execute(sql, params)]
    if assignee is not None:  # whom it waits for now, by the rule, not as last written
        alerts = [a for a in alerts if a.assignee == assignee]
    return [a for a in alerts if a.overdue] if overdue else alerts


def unrecorded_escalations(store: Store) -> list[TimedEscalation]:
    """The escalations the clock has made (``kpi_rules.escalation_steps``) that no write has
    recorded yet: what the stand-up lists besides the logged ones."""
    from pdca.db.accountability_rules import TimedEscalation

    return [
        TimedEscalation(
            row["id"], row["kpi"], s.holder, s.to, iso(s.missed), iso(s.ack_due), row["rule"]
        )
        for row, steps in _pending(store, store.clock())  # the passes-on escalate_due writes
        for s in steps
    ]


def get_alert(store: Store, alert_id: int) -> Alert:
    row = store.conn.execute(_SELECT + " WHERE a.id = ?", (alert_id,)).fetchone()
    if row is None:
        raise NotFound("alert", alert_id)
    return to_alert(row, store.clock())


def raised_by(store: Store, kpi_id: int, reading_id: int) -> list[Alert]:
    """The open alerts ``reading_id`` raised (a threshold breach, signals), threshold first."""
    rows = store.conn.execute(
        _SELECT + " WHERE a.kpi_id = ? AND a.closed_at IS NULL AND a.reading_id = ?"
        " ORDER BY a.rule IS NOT NULL, a.id",
        (kpi_id, reading_id),
    )
    now = store.clock()
    return [to_alert(row, now) for row in rows]


def alerts_of_kpi(store: Store, kpi_id: int) -> list[Alert]:
    """Every alert the KPI raised, newest first, as each stands now."""
    now = store.clock()
    rows = store.conn.execute(_SELECT + " WHERE a.kpi_id = ? ORDER BY a.id DESC", (kpi_id,))
    return [to_alert(row, now) for row in rows]


def open_alerts_by_kpi(store: Store) -> dict[int, Alert]:
    """Each KPI's open alert, if it has one; of several (a threshold breach and signals), the
    one a person must act on first: waiting for acknowledgement, escalated or late (a tester
    saw only the other one), then the threshold's, then the oldest (it was the newest)."""
    return {kpi_id: found[0] for kpi_id, found in open_alerts_of_each_kpi(store).items()}


def open_alerts_of_each_kpi(store: Store) -> dict[int, list[Alert]]:
    """Each KPI's open alerts, the one a person must act on first first
    (``open_alerts_by_kpi``'s order)."""
    now = store.clock()
    rows = store.conn.execute(_SELECT + " WHERE a.closed_at IS NULL")
    found: dict[int, list[Alert]] = {}
    for alert in sorted((to_alert(row, now) for row in rows), key=_most_pressing):
        found.setdefault(alert.kpi_id, []).append(alert)
    return found


def waiting_beside(store: Store, alert: Alert) -> list[int]:
    """The ids of the KPI's other open alerts nobody has acknowledged: ``a`` on a KPI with a
    threshold alert and a signal one asked about the first and said nothing of the second
    (a lead's Monday). Not those ``alert``'s reading raised: acknowledged with it."""
    rows = store.conn.execute(
        "SELECT id FROM alerts WHERE kpi_id = ? AND closed_at IS NULL"
        " AND acknowledged_at IS NULL AND id <> ? AND reading_id IS NOT ? ORDER BY id",
        (alert.kpi_id, alert.id, alert.reading_id if alert.reading_id is not None else -1),
    )
    return [row[0] for row in rows]


def most_pressing_open(
    store: Store, kpi_id: int, person: str | None = None, prefer: int | None = None
) -> Alert | None:
    """The KPI's open alert a person must act on first, as the file holds it now (one search
    of the (kpi_id, closed_at) index: its open alerts only, not every one it ever raised).
    ``person``: one waiting for them comes before one waiting for someone else (bob's ``a``
    opened erin's escalated alert over his own, a tester). ``prefer``: that one while it waits
    for them (``first_to_act_on``)."""
    now = store.clock()
    rows = store.conn.execute(_SELECT + " WHERE a.kpi_id = ? AND a.closed_at IS NULL", (kpi_id,))
    return first_to_act_on([to_alert(row, now) for row in rows], person, prefer)


def first_to_act_on(
    open_alerts: list[Alert], person: str | None, prefer: int | None = None
) -> Alert | None:
    """Of a KPI's open alerts, the one ``person`` acts on first: ``prefer`` while it waits
    for them (the stand-up row they chose), else the most pressing waiting for them, else
    the most pressing of all (``most_pressing_open``, on alerts read already)."""
    found = most_pressing_first(open_alerts)
    theirs = [a for a in found if a.acknowledged_at is None and a.assignee == person]
    chosen = [a for a in theirs if a.id == prefer]
    if chosen:
        return chosen[0]
    return theirs[0] if theirs else found[0] if found else None


def most_pressing_first(found: list[Alert]) -> list[Alert]:
    """``found`` in the order a person should take them: the KPI views' and ``!``'s order."""
    return sorted(found, key=_most_pressing)


def _most_pressing(alert: Alert) -> tuple[bool, bool, bool, bool, str, int]:
    """Waiting first; of those, one past its deadline now, then one that escalated (a
    deadline missed already: late, though its new holder may still be in time, which
    ``overdue`` alone does not say). Of two escalated, the one in time came first, by its
    raising (a stand-up's lead)."""
    waiting = alert.acknowledged_at is None
    pressing = alert.overdue or alert.escalation_level > 0
    return (
        not waiting,
        not alert.overdue,
        not pressing,
        alert.rule is not None,
        alert.raised_at,
        alert.id,
    )


class AlertClosed(InvalidInput):
    """The alert closed before its acknowledgement came: nothing waits for it, nothing written.
    Said as a person reads it ("alert: '96' was closed at 2026-12-05T07:21:19Z" read oddly, a
    tester): ``alert 96 (Attrition) was closed at 2026-12-05 07:21 UTC: ...``."""

    def __init__(
        self, alert_id: int, kpi: str | None, closed_at: str, waiting: list[int] | None = None
    ) -> None:
        from pdca.db.dates import minute_utc

        super().__init__("alert", str(alert_id), "was closed")
        self.waiting = list(waiting or [])  # the KPI's alerts still waiting, by id
        named = f" ({kpi})" if kpi is not None else ""
        closed = f"alert {alert_id}{named} was closed at {minute_utc(closed_at)}"
        if not waiting:
            self.args = (f"{closed}: nothing waits for an acknowledgement",)
            return
        # The KPI's other alert waits (a signal its breach raised): "nothing waits" sent a
        # lead away while it went overdue (a programme lead).
        if len(waiting) == 1:
            which = f"alert {waiting[0]} of this KPI still waits: acknowledge that one instead"
        else:
            ids = ", ".join(str(n) for n in waiting[:-1]) + f" and {waiting[-1]}"
            which = f"alerts {ids} of this KPI still wait: acknowledge those instead"
        self.args = (f"{closed}; {which}",)


@dataclass(frozen=True)
class Acknowledgement:
    """The alert acknowledged, and the others its reading raised, acknowledged with it."""

    alert: Alert
    with_it: list[int]


def acknowledge(
    store: Store, alert_id: int, note: str, *, expected_version: int | None = None
) -> Alert:
    """``acknowledge_raised_together``'s alert."""
    return acknowledge_raised_together(
        store, alert_id, note, expected_version=expected_version
    ).alert


def acknowledge_raised_together(
    store: Store, alert_id: int, note: str, *, expected_version: int | None = None
) -> Acknowledgement:
    """Acknowledge an alert (anyone may; the note, required, says what is being done), and
    with it, the same note, the KPI's other waiting alerts its reading raised: a breach and a
    signal of one reading are one event, and acknowledged apart the second went on to
    escalate after the first was answered (a quality manager). One change, one undo.

    Two people acknowledging the same alert: the first wins, the second gets
    ``AlreadyAcknowledged`` naming who and when, and nothing of theirs is written.
    """
    from pdca.db.models import AcknowledgementNote

    note = validated(AcknowledgementNote, note=note).note
    with store.write() as tx:
        before = store.conn.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        if before is None:
            raise NotFound("alert", alert_id)
        if before["acknowledged_at"] is not None:
            by, at = before["acknowledged_by"], before["acknowledged_at"]
            raise AlreadyAcknowledged(alert_id, by, at)
        if before["closed_at"] is not None:  # it was written, and waited for by nobody
            kpi = store.conn.execute(
                "SELECT name FROM kpis WHERE id = ?", (before["kpi_id"],)
            ).fetchone()
            waiting = [
                row[0]
                for row in store.conn.execute(
                    "SELECT id FROM alerts WHERE kpi_id = ? AND closed_at IS NULL"
                    " AND acknowledged_at IS NULL ORDER BY id",
                    (before["kpi_id"],),
                )
            ]
            name = kpi["name"] if kpi else None
            raise AlertClosed(alert_id, name, before["closed_at"], waiting)
        if expected_version is not None and before["version"] != expected_version:
            raise store.conflict("alert", before)  # names a restore since, if one came
        others = _raised_with(store, before)
        for row in [before, *others]:
            _acknowledge_row(store, tx, row, note)
    with_it = [row["id"] for row in others]
    return Acknowledgement(get_alert(store, alert_id), with_it)


def _raised_with(store: Store, alert: sqlite3.Row | dict[str, Any]) -> list[sqlite3.Row]:
    """The KPI's other open alerts, waiting still, that ``alert``'s reading raised (its row,
    or its ``id``, ``kpi_id`` and ``reading_id``)."""
    if alert["reading_id"] is None:
        return []
    return store.conn.execute(
        "SELECT * FROM alerts WHERE kpi_id = ? AND reading_id = ? AND id <> ?"
        " AND closed_at IS NULL AND acknowledged_at IS NULL ORDER BY id",
        (alert["kpi_id"], alert["reading_id"], alert["id"]),
    ).fetchall()


def acknowledged_words(acknowledgement: Acknowledgement, kpi: str) -> str:
    """``alert 1 (KPI)``; ``alerts 1 and 5 (KPI): both of one reading``: every alert one
    acknowledgement answered, named (``kpi`` as the caller shows a name), for the command
    line's reply and the app's."""
    ids = [str(n) for n in sorted([acknowledgement.alert.id, *acknowledgement.with_it])]
    if len(ids) == 1:
        return f"alert {ids[0]} ({kpi})"
    # "of one reading", not "raised by": a removed reading's alerts follow the one left (a
    # reviewer read "one reading raised both" of two it had not)
    both = "both" if len(ids) == 2 else "all"
    return f"alerts {', '.join(ids[:-1])} and {ids[-1]} ({kpi}): {both} of one reading"


def raised_with(store: Store, alert: Alert) -> list[int]:
    """The ids of the waiting alerts an acknowledgement of ``alert`` acknowledges with it."""
    known = {"id": alert.id, "kpi_id": alert.kpi_id, "reading_id": alert.reading_id}
    return [other["id"] for other in _raised_with(store, known)]


def _acknowledge_row(store: Store, tx: Transaction, before: sqlite3.Row, note: str) -> None:
    joined = store.conn.execute(_SELECT + " WHERE a.id = ?", (before["id"],)).fetchone()
    name = joined["kpi"]
    # Whom it waited for when acknowledged, by the rule of time, recorded with the note
    # (an escalation no write had recorded yet must not be lost from the history).
    state = standing(joined, tx.now)
    changes: dict[str, object] = {}
    if state.escalated:
        changes = {
            "assignee": state.assignee,
            "escalation_level": state.level,
            "ack_due": iso(state.ack_due),
        }
    changes |= {"acknowledged_at": tx.at, "acknowledged_by": tx.actor, "ack_note": note}
    update(store, tx, before, changes, f"acknowledged alert {before['id']} on KPI {name!r}: {note}")
