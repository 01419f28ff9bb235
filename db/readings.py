"""Recording one KPI reading without a model: ``pdca kpi record`` (from cron and CI, the most
frequent write) answers in one line and so does not pay for importing pydantic (issue 14, the
way ``Store.record_checkin`` does for check-ins).

The same checks, write, event and alerts as ``Store.record_reading``: one ``BEGIN
IMMEDIATE`` transaction with its event row, then the KPI's alerts follow its newest reading
(``alerts.apply_breach``). ``--json`` turns the row into the ``Reading`` model afterwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pdca.db import alerts, convert
from pdca.db.alert_standing import SELECT_ALERTS, standing
from pdca.db.clock import iso
from pdca.db.errors import InvalidInput
from pdca.db.models import (
    NAME_MAX,
    NOTES_MAX,
    _at_most,
    checked_text,
    number_problem,
    shown_number,
)
from pdca.db.store import Store, Transaction, inserted_id


@dataclass(frozen=True)
class Recorded:
    """The new reading's row and its KPI's name (``row["id"]``, ``row["at"]``...)."""

    row: sqlite3.Row
    kpi: str
    again: bool = False  # the KPI held this reading already: nothing was written


@dataclass(frozen=True)
class RaisedAlert:
    """An alert a reading raised, as the command's reply names it."""

    id: int
    rule_text: str | None
    assignee: str
    ack_due: str
    closed: bool = False  # since: a colleague's reading closed it right after (a race)


def record(
    store: Store,
    kpi: str,
    value: float,
    note: str = "",
    at: datetime | None = None,
    *,
    kpi_id: int | None = None,
) -> Recorded:
    """Record ``value`` for the KPI named ``kpi`` (at ``at``, default now); ``kpi_id``: that
    KPI's, as the app read it, whatever its name is now (a form open while a colleague
    renamed it, and another KPI took its name, wrote to that other one, a reviewer)."""
    checked_text("kpi", kpi, NAME_MAX)
    problem = number_problem(value)
    if problem:
        raise InvalidInput("value", value, problem)
    try:
        _at_most(NOTES_MAX)(note)
    except ValueError as error:
        raise InvalidInput("note", note, str(error)) from None
    with store.write() as tx:
        if kpi_id is None:
            kpi_id = store.kpi_id(kpi)
            assert kpi_id is not None  # a name was given
        elif store.conn.execute("SELECT 1 FROM kpis WHERE id = ?", (kpi_id,)).fetchone() is None:
            raise InvalidInput("kpi", kpi, "is no longer in the file (removed meanwhile)")
        if at is not None:
            from pdca.db import kpi_rules

            kpi_rules.refuse_future_reading(at, store.clock(), "--at")
            # The same value at the same time: a cron job's retry, not a new reading (it
            # was kept twice, and skewed the signals; kpi import skipped such rows already).
            held = store.conn.execute(
                "SELECT * FROM kpi_readings WHERE kpi_id = ? AND at = ? AND value = ?"
                " ORDER BY id LIMIT 1",
                (kpi_id, iso(at), value),
            ).fetchone()
            if held is not None:
                name = store.conn.execute("SELECT name FROM kpis WHERE id = ?", (kpi_id,))
                return Recorded(row=held, kpi=name.fetchone()[0], again=True)
        cursor = store.conn.execute(
            "INSERT INTO kpi_readings (kpi_id, at, value, note, author) VALUES (?, ?, ?, ?, ?)",
            (kpi_id, iso(at) if at is not None else tx.at, value, note, tx.actor),
        )
        row = store.require("reading", inserted_id(cursor))
        # The KPI's name as stored: as typed, undo said "for KPI '  k20  '" (a tester)
        name = store.conn.execute("SELECT name FROM kpis WHERE id = ?", (kpi_id,)).fetchone()[0]
        tx.log(
            "reading",
            row["id"],
            "create",
            f"recorded {shown_number(value)} for KPI {name!r}",
            None,
            convert.snapshot(row),
        )
        if alerts.newest_reading_id(store, kpi_id) == row["id"]:
            # Raises or closes the KPI's alerts. A back-filled reading (older than the newest)
            # changes nothing, as the README says: it had closed an open signal alert, its
            # window of readings changed, "after 16 readings" with none new (a tester).
            alerts.apply_breach(store, tx, kpi_id)
    return Recorded(row=row, kpi=name)


def raised_by(store: Store, kpi_id: int, reading_id: int) -> list[RaisedAlert]:
    """``alerts.raised_by`` without the models: the alerts the reading raised (made, or
    reopened, in its own change), threshold first, each waiting for whom the escalation rule
    says now. Whatever became of them since: read as the open ones with its id, an alert a
    colleague's reading closed a moment later was left out of this one's reply, and eight
    scripts recording at once counted none raised where four were (a script's trial)."""
    change = _change_of_reading(store, reading_id)
    if change is None:
        return []
    # By the ids its change wrote, never down the KPI's alerts (all of them, without ANALYZE's
    # figures: 44 ms for 300 000 alerts of one KPI, a reviewer): the + keeps SQLite off the
    # KPI's index
    rows = store.conn.execute(
        SELECT_ALERTS + " WHERE a.id IN (SELECT e.entity_id FROM events e"
        " WHERE e.tx = ? AND e.entity = 'alert' AND (e.op = 'create' OR (e.op = 'update'"
        + _REOPENED
        + "))) AND +a.kpi_id = ?",
        (change, kpi_id),
    ).fetchall()
    return _as_raised(store, rows)


def _change_of_reading(store: Store, reading_id: int) -> int | None:
    """The transaction that recorded the reading ``reading_id``, or None."""
    found = store.conn.execute(
        "SELECT tx FROM events WHERE entity = 'reading' AND entity_id = ? AND op = 'create'",
        (reading_id,),
    ).fetchone()
    return None if found is None else int(found[0])


def raised_words(
    store: Store,
    raised: list[RaisedAlert],
    when: Callable[[str], str] = str,
    *,
    lead: str = "raised alert {id}",
) -> list[str]:
    """``raised alert 3 (41 h is above the alert threshold 34 h): dana to acknowledge by
    ...``, a line each alert a reading raised (the command line and the app say them);
    ``when`` writes the deadline (the app: as its other times, not the stored form);
    ``lead`` what is said of the alert before why."""
    breached = alerts.breach_words(store, [a.id for a in raised if not a.rule_text])
    lines = []
    for alert in raised:
        why = f" (signal: {alert.rule_text})" if alert.rule_text else ""
        why = f" ({breached[alert.id]})" if alert.id in breached else why
        # closed by another's reading right after: nobody is to acknowledge it (an edit's
        # alerts come as the app's models, open as raised: no such field)
        if getattr(alert, "closed", False):
            lines.append(f"{lead.format(id=alert.id)}{why}: closed since")
            continue
        lines.append(
            f"{lead.format(id=alert.id)}{why}: {alert.assignee} to acknowledge by"
            f" {when(alert.ack_due)}"
        )
    return lines


def stays_words(
    store: Store, kpi: str, waiting: list[RaisedAlert], when: Callable[[str], str] = str
) -> list[str]:
    """``alert 2 on KPI 'Cost' stays open (signal: ...): carol to acknowledge by ...``, a
    line each of ``still_waiting``'s alerts."""
    return raised_words(store, waiting, when, lead=f"alert {{id}} on KPI {kpi!r} stays open")


def still_waiting(
    store: Store,
    kpi_id: int,
    closed: list[int],
    raised: Sequence[int] = (),
) -> list[RaisedAlert]:
    """The KPI's alerts waiting still, when a reading closed those in ``closed`` (nothing when
    it closed none), but for those it ``raised`` (said as raised: named twice, a reviewer):
    "closed alert 1" alone read as if the breach were over, while the signal the same reading
    raised waited, and went overdue (a programme lead)."""
    if not closed:
        return []
    left_out = [*closed, *raised]
    marks = ", ".join("?" * len(left_out))
    rows = store.conn.execute(
        SELECT_ALERTS + " WHERE a.kpi_id = ? AND a.closed_at IS NULL"
        f" AND a.acknowledged_at IS NULL AND a.id NOT IN ({marks})",
        (kpi_id, *left_out),
    ).fetchall()
    return _as_raised(store, rows)


@dataclass(frozen=True)
class Told:
    """What a recording did, in the words the command line and the app both say: the
    reading (``recorded 41 for 'Lead time' at ...``), a note when it is older than the KPI's
    newest, and a line for each alert it raised or closed."""

    said: str
    note: str | None
    alerts: list[str]


def told(
    store: Store,
    done: Recorded,
    *,
    name: Callable[[str], str] = str,
    when: Callable[[str], str] = str,
) -> Told:
    """``done`` in words; ``name`` writes the KPI's name, ``when`` a time (the app: quoted,
    and as its other times are)."""
    row = done.row
    value, kpi, at = shown_number(row["value"]), name(done.kpi), when(row["at"])
    if done.again:
        return Told(f"already recorded: {value} for {kpi} at {at} (not written again)", None, [])
    newer = newer_reading(store, row["kpi_id"], row["id"])
    raised = raised_by(store, row["kpi_id"], row["id"])
    closed = closed_alerts_by(store, row["id"])
    waiting = still_waiting(
        store, row["kpi_id"], [alert for alert, _said in closed], [alert.id for alert in raised]
    )
    return Told(
        f"recorded {value} for {kpi} at {at}",
        None
        if newer is None
        else f"older than its newest reading ({when(newer)}): its alerts follow that one",
        [
            *raised_words(store, raised, when),
            *[said for _alert, said in closed],
            *stays_words(store, done.kpi, waiting, when),
        ],
    )


def newer_reading(store: Store, kpi_id: int, reading_id: int) -> str | None:
    """When the KPI's newest reading was taken, if the reading ``reading_id`` is not it (a
    back-fill: the alerts follow the newest, and said so; a reading "now" after one dated a
    few minutes ahead raised nothing, without a word, a retrial); else None."""
    newest = alerts.newest_reading_id(store, kpi_id)
    if newest is None or newest == reading_id:
        return None
    row = store.conn.execute("SELECT at FROM kpi_readings WHERE id = ?", (newest,)).fetchone()
    return None if row is None else str(row[0])


def _as_raised(store: Store, rows: list[sqlite3.Row]) -> list[RaisedAlert]:
    """Alert rows as a reply names them, threshold first, each waiting for whom the
    escalation rule says now."""
    rows.sort(key=lambda row: (row["rule"] is not None, row["id"]))  # two at most: no SQL sort
    now = store.clock()
    found = []
    for row in rows:
        state = standing(row, now)
        closed = row["closed_at"] is not None
        found.append(
            RaisedAlert(row["id"], row["rule_text"], state.assignee, iso(state.ack_due), closed)
        )
    return found


_CLOSED = (
    " AND json_extract(e.before, '$.closed_at') IS NULL"
    " AND json_extract(e.after, '$.closed_at') IS NOT NULL"
)
_REOPENED = (
    " AND json_extract(e.before, '$.closed_at') IS NOT NULL"
    " AND json_extract(e.after, '$.closed_at') IS NULL"
)


def closed_in(store: Store, tx: int) -> list[str]:
    """What transaction ``tx`` said of the alerts it closed, in the log's words."""
    return _alert_summaries(store, tx, _CLOSED)


def reopened_in(store: Store, tx: int) -> list[str]:
    """What transaction ``tx`` said of the alerts it reopened, in the log's words."""
    return _alert_summaries(store, tx, _REOPENED)


def alerts_said_in(store: Store, tx: int) -> list[str]:
    """What transaction ``tx`` said of every alert it changed (closed, or kept open and
    why), in the log's words: a removal that kept an alert open said nothing of it (a
    tester)."""
    return _alert_summaries(store, tx)


def _alert_summaries(store: Store, tx: int, only: str = "") -> list[str]:
    """The summaries of ``tx``'s alert updates (``only``: a further condition), by event."""
    return [summary for _alert, summary in _alert_updates(store, tx, only)]


def _alert_updates(store: Store, tx: int, only: str = "") -> list[tuple[int, str]]:
    """``tx``'s alert updates (``only``: a further condition) as (alert id, summary), by
    event."""
    rows = store.conn.execute(
        "SELECT e.id, e.entity_id, e.summary FROM events e WHERE e.tx = ?"
        " AND e.entity = 'alert' AND e.op = 'update'" + only,
        (tx,),
    ).fetchall()
    # by id: rows themselves do not sort (a removal that closed two alerts crashed, a tester)
    return [(int(alert), str(said)) for _id, alert, said in sorted(tuple(row) for row in rows)]


def closed_alerts_by(store: Store, reading_id: int) -> list[tuple[int, str]]:
    """What the reading's transaction said of the alerts it closed, with each alert's id:
    (4, ``closed alert 4 on KPI 'MTTR': 31 h is back under the alert threshold 34 h``). A
    reading that closes one says so, as one that raises one does (a tester)."""
    change = _change_of_reading(store, reading_id)
    return [] if change is None else _alert_updates(store, change, _CLOSED)


@dataclass(frozen=True)
class Removed:
    """A reading taken out (``remove``), as it was, with what its removal did to alerts."""

    row: sqlite3.Row  # the reading as it was
    kpi: str
    unit: str
    tx: int  # the removal's change: its alert lines are read from it (``alerts_said_in``)
    raised: list[RaisedAlert]  # the KPI's newest reading now breaches, with no alert open


def remove(store: Store, reading_id: int) -> Removed:
    """Take a wrong reading out (a typo by hand or by a cron job), as one change that
    ``pdca undo`` puts back: recording the right value beside it left the wrong one in the
    chart, its trend and its process limits, and the alerts it raised open (a new user).

    An alert it raised loses it. A threshold alert still open stays open, now raised by the
    newest reading left, when that one is beyond the threshold too (closing it and raising
    another gave a fresh day to acknowledge, a reviewer); else it closes, saying why. A
    signal alert it raised closes. Then the KPI's alerts follow its newest reading, as after
    a recording: the chart without the typo may signal, or stop signalling."""

    with store.write() as tx:
        row = store.require("reading", reading_id)
        kpi = store.conn.execute("SELECT * FROM kpis WHERE id = ?", (row["kpi_id"],)).fetchone()
        name, unit = kpi["name"], f" {kpi['unit']}" if kpi["unit"] else ""
        shown = f"{shown_number(row['value'])}{unit} at {row['at']}"
        newest = alerts.newest_left(store, kpi["id"], [reading_id])
        still_beyond = alerts.beyond_threshold(kpi, newest)
        raised_by_it = store.conn.execute(
            "SELECT * FROM alerts WHERE reading_id = ? ORDER BY id", (reading_id,)
        ).fetchall()
        for alert in raised_by_it:
            said = f"alert {alert['id']} on KPI {name!r}"
            role = "raised it" if _raised_by(store, alert["id"], reading_id) else "held it open"
            why = f"the reading that {role} ({shown}) was removed"
            if alert["closed_at"] is not None:
                # Closed already: only its link to the reading goes ("alert 8 ...: the reading
                # that raised it was removed" read as if something had happened to it, a
                # retrial).
                changes: dict[str, object] = {"reading_id": None}
                said += " (closed already)"
            elif alert["rule"] is None and still_beyond:
                assert newest is not None  # beyond it: there is one
                changes = {"reading_id": newest["id"]}
                why += (
                    f", and the newest, {shown_number(newest['value'])}{unit}, is beyond the"
                    " alert threshold too: it stays open"
                )
            else:
                changes = {"reading_id": None, "closed_at": tx.at}
                said = "closed " + said
            alerts.update(store, tx, alert, changes, f"{said}: {why}")
        if still_beyond:
            assert newest is not None
            _reopen_what_it_closed(store, tx, reading_id, f"{name!r}", shown, newest["value"], unit)
        store.conn.execute("DELETE FROM kpi_readings WHERE id = ?", (reading_id,))
        tx.log(
            "reading",
            reading_id,
            "delete",
            f"removed reading {reading_id} ({shown_number(row['value'])} for KPI {name!r}"
            f" at {row['at']})",
            convert.snapshot(row),
            None,
        )
        alerts.apply_breach(store, tx, kpi["id"])
        assert tx.tx is not None  # the delete was logged
        change = tx.tx
    return Removed(row=row, kpi=name, unit=kpi["unit"], tx=change, raised=raised_in(store, change))


def _raised_by(store: Store, alert_id: int, reading_id: int) -> bool:
    """Whether the reading raised the alert, not only held it open since its raiser was
    removed: "the reading that raised it (37 h)" was said of a 37 where a 36 had (a tester)."""
    made = store.conn.execute(
        "SELECT json_extract(after, '$.reading_id') FROM events WHERE entity = 'alert'"
        " AND entity_id = ? AND op = 'create' ORDER BY id LIMIT 1",
        (alert_id,),
    ).fetchone()
    return made is None or made[0] in (None, reading_id)  # no history: as it says now


def _reopen_what_it_closed(
    store: Store,
    tx: Transaction,
    reading_id: int,
    kpi: str,
    shown: str,
    newest: float,
    unit: str,
) -> None:
    """Reopen the threshold alert the removed reading closed (a typo of 3.6 for 36 "back
    under" the threshold), as it was: its holder, its escalation, its deadline. Removing the
    typo raised a new alert instead, back with the owner and a fresh day, and a cron's
    ``pdca alerts`` went quiet on an overdue one (a new user). Only while the newest
    reading left is beyond the threshold too. A threshold alert raised since (36, 20, 38:
    the 20 removed) waited on the same breach: it closes, and the older one stands for it,
    as after an undo (``alerts.close_doubles``; it stayed closed, a tester). Not over a
    newer one acknowledged (``alerts.may_reopen``): that one stands."""
    made_in = store.conn.execute(
        "SELECT tx FROM events WHERE entity = 'reading' AND entity_id = ? AND op = 'create'",
        (reading_id,),
    ).fetchone()
    if made_in is None or made_in[0] is None:
        return
    closed = store.conn.execute(
        "SELECT a.* FROM events e JOIN alerts a ON a.id = e.entity_id"
        " WHERE e.tx = ? AND e.entity = 'alert' AND e.op = 'update' AND a.rule IS NULL"
        " AND json_extract(e.before, '$.closed_at') IS NULL"
        " AND a.closed_at = json_extract(e.after, '$.closed_at') ORDER BY a.id DESC LIMIT 1",
        (made_in[0],),
    ).fetchone()
    newer = store.conn.execute(
        "SELECT a.* FROM alerts a JOIN kpi_readings r ON r.kpi_id = a.kpi_id WHERE r.id = ?"
        " AND a.closed_at IS NULL AND a.rule IS NULL ORDER BY a.id DESC LIMIT 1",
        (reading_id,),
    ).fetchone()
    # still closed as that reading left it, and losing nothing by coming back
    if closed is not None and alerts.may_reopen(closed, newer):
        alerts.update(
            store,
            tx,
            closed,
            alerts.reopened(closed, tx),
            f"reopened alert {closed['id']} on KPI {kpi}: the reading that closed it ({shown})"
            f" was removed, and the newest, {shown_number(newest)}{unit}, is beyond the alert"
            " threshold",
        )
        alerts.close_doubles(store, tx, closed["kpi_id"])


def raised_in(store: Store, tx: int) -> list[RaisedAlert]:
    """The alerts transaction ``tx`` raised, as ``raised_by`` gives them."""
    made = [
        alert_id
        for (alert_id,) in store.conn.execute(
            "SELECT entity_id FROM events WHERE tx = ? AND entity = 'alert' AND op = 'create'",
            (tx,),
        )
    ]
    if not made:
        return []
    rows = store.conn.execute(
        SELECT_ALERTS + f" WHERE a.id IN ({', '.join('?' * len(made))})", made
    ).fetchall()
    return _as_raised(store, rows)
