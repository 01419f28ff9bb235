"""The tables SQLite keeps by triggers, checked against the event log and rebuilt from it.

``action_stays`` (the flow view's phase stays, migration 0014), ``event_changes`` (the
stand-up's changes, 0015) and each action's last check-in on its row (``last_checkin_at``,
``last_checkin_status``, 0011) are kept by triggers; a hand edit that bypasses them (a row
deleted with sqlite3, a trigger dropped and then a write) leaves them wrong, quietly. Each is
compared with its own rebuild (the very statement its migration filled it with), EXCEPT both
ways; ``repair`` puts back any trigger, index or table of theirs that is missing or not
pdca's and rewrites the rows that differ, in the caller's write transaction.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pdca.db import copies, schema
from pdca.db.errors import shell_word

if TYPE_CHECKING:
    from pdca.db.store import Store


@dataclass(frozen=True)
class Kept:
    """One kept table: its name as doctor says it, the table's rows and their rebuild from the
    log (two SELECTs of the same columns, key first), the key's columns, and how to rewrite."""

    name: str
    table: str
    kept: str
    rebuilt: str
    key: str
    rebuild_of: Callable[[str], str]  # the INSERT that rebuilds the rows of these keys
    feeds: str = ""  # the kept table its rows' triggers change (compared in full after it)
    source: str = "the event log"  # what its rows are rebuilt from, as doctor says it

    def differing(self) -> str:
        """The keys of the rows that differ, either way (a changed row counts once)."""
        # The rebuild made once (it reads the whole log), then compared both ways.
        return (
            f"WITH rebuilt AS MATERIALIZED ({self.rebuilt})"
            f" SELECT {self.key} FROM ({self.kept} EXCEPT SELECT * FROM rebuilt)"
            f" UNION SELECT {self.key} FROM (SELECT * FROM rebuilt EXCEPT {self.kept})"
        )


def _select_of(insert: str) -> str:
    """The SELECT of an ``INSERT ... SELECT`` from db/schema.py (its rebuild from the log)."""
    start = insert.index(" SELECT ")
    assert insert.startswith("INSERT OR REPLACE INTO "), insert
    return insert[start + 1 :]


_STAYS = Kept(
    "action_stays",
    "action_stays",
    "SELECT id, action_id, tx, phase, next, at, days FROM action_stays",
    _select_of(schema._STAY_ROWS.format(events="1")),
    "id",
    lambda keys: schema._STAY_ROWS.format(events=f"e.id IN ({keys})"),
)
_CHANGES = Kept(
    "event_changes",
    "event_changes",
    "SELECT at, id, tx, kind, action_id, person FROM event_changes",
    _select_of(schema._CHANGE_ROW.format(e="e", source="FROM events e")),
    "at, id",
    lambda keys: schema._CHANGE_ROW.format(
        e="e",  # the events by id, from the keys (CROSS JOIN: in that order, not by entity)
        source=f"FROM (SELECT DISTINCT id FROM ({keys})) k CROSS JOIN events e ON e.id = k.id",
    ),
)
_LATEST = schema.LATEST_CHECKIN.format(id="a.id")
assert _LATEST.startswith("SELECT c.at, c.status "), _LATEST
_LATEST_FROM = _LATEST.removeprefix("SELECT c.at, c.status ")
_CHECKINS = Kept(
    "last check-ins",
    "actions",
    "SELECT id, last_checkin_at, last_checkin_status FROM actions",
    f"SELECT a.id, (SELECT c.at {_LATEST_FROM}), (SELECT c.status {_LATEST_FROM}) FROM actions a",
    "id",
    lambda keys: (
        "UPDATE actions SET (last_checkin_at, last_checkin_status)"
        f" = ({schema.LATEST_CHECKIN.format(id='actions.id')}) WHERE id IN ({keys})"
    ),
    source="the check-ins",
)
# The cadence kept (0018): each action's calendar weeks with a check-in, and per owner and week
# how many of their open actions had one. A week rewritten changes its owner's count (the
# triggers of checkin_weeks): owner_weeks is then compared in full.
_WEEKS = Kept(
    "checkin_weeks",
    "checkin_weeks",
    "SELECT action_id, week, checkins FROM checkin_weeks",
    schema.CHECKIN_WEEKS_OF.format(only="", having=""),
    "action_id, week",
    lambda keys: (
        "INSERT INTO checkin_weeks (action_id, week, checkins) "
        + schema.CHECKIN_WEEKS_OF.format(
            only=f" AND action_id IN (SELECT action_id FROM ({keys}))",
            having=f" HAVING (action_id, week) IN ({keys})",
        )
    ),
    feeds="owner_weeks",
    source="the check-ins",
)
# Compared with the check-ins themselves; rewritten from checkin_weeks, which is right by then
# (it comes first, and a rewrite of it has this one compared whole): the owners' open actions
# by their index, each one's weeks by its key.
_OWNER_WEEKS = Kept(
    "owner_weeks",
    "owner_weeks",
    "SELECT owner, week, actions FROM owner_weeks",
    schema.OWNER_WEEKS_OF.format(only=""),
    "owner, week",
    lambda keys: (
        "INSERT INTO owner_weeks (owner, week, actions)"
        " SELECT a.owner, w.week, count(*) FROM actions a"
        " JOIN checkin_weeks w ON w.action_id = a.id"
        f" WHERE a.owner IN (SELECT owner FROM ({keys})) AND (a.owner, w.week) IN ({keys})"
        f" AND {schema.CADENCE_COUNTS.format(a='a', week='w.week')} GROUP BY a.owner, w.week"
    ),
    source="the check-ins and actions",
)
# The audits recorded per initiative (0019): rewritten from the audits of the initiatives'
# actions, found by their index (0 is the work of no initiative).
_AUDITS = Kept(
    "audit_counts",
    "audit_counts",
    "SELECT initiative, result, audits FROM audit_counts",
    schema.AUDIT_COUNTS_OF.format(only=""),
    "initiative, result",
    lambda keys: (
        "INSERT INTO audit_counts (initiative, result, audits) "
        + schema.AUDIT_COUNTS_OF.format(
            only=f" AND (a.initiative_id IN (SELECT initiative FROM ({keys}))"
            f" OR (a.initiative_id IS NULL AND 0 IN (SELECT initiative FROM ({keys}))))"
            f" AND (coalesce(a.initiative_id, 0), f.result) IN ({keys})"
        )
    ),
    source="the follow-up audits",
)
KEPT: tuple[Kept, ...] = (_STAYS, _CHANGES, _CHECKINS, _WEEKS, _OWNER_WEEKS, _AUDITS)
SOURCES = {table.name: table.source for table in KEPT}

# The triggers that keep them, and the kept tables' own indexes: what a repair puts back.
TRIGGERS = (
    *schema._LAST_CHECKIN_TRIGGERS,
    *schema._STAY_TRIGGERS,
    *schema._CHANGE_TRIGGERS,
    *schema._CADENCE_TRIGGERS,
    *schema._AUDIT_TRIGGERS,
)
TABLES = ("action_stays", "event_changes", "checkin_weeks", "owner_weeks", "audit_counts")
# And the tables' kind guards (0021): they keep nothing, so one put back is all a repair does.
GUARDS = tuple(schema._kind_guards())


@functools.cache
def _fresh() -> dict[tuple[str, str], tuple[str, str]]:
    """Each object of a new pdca database: (type, name) -> (its table, its CREATE statement)."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        from pathlib import Path

        schema.migrate(connection, Path(":memory:"), writable=True, current=0)
        rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
        return {(kind, name): (table, sql) for kind, name, table, sql in rows if sql}
    finally:
        connection.close()


def repairable() -> set[tuple[str, str]]:
    """The objects a repair makes again: the kept tables, every index (an index only speeds
    reads: a dropped one made "restore a backup" the advice, a tester), the keeping triggers,
    and the kind guards."""
    return {
        key
        for key, (_table, _sql) in _fresh().items()
        if (key[0] == "table" and key[1] in TABLES)
        or key[0] == "index"
        or (key[0] == "trigger" and (key[1] in TRIGGERS or key[1] in GUARDS))
    }


def _missing_tables(connection: sqlite3.Connection) -> list[str]:
    present = {
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            f" AND name IN ({', '.join('?' for _ in TABLES)})",
            TABLES,
        )
    }
    return [table for table in TABLES if table not in present]


def differences(connection: sqlite3.Connection) -> list[tuple[str, int | None]]:
    """How many rows of each kept table differ from its rebuild (None: the table is missing).
    Reads only; the caller holds a read transaction, so all three see one snapshot."""
    missing = _missing_tables(connection)
    found: list[tuple[str, int | None]] = []
    for kept in KEPT:
        if kept.table in missing:
            found.append((kept.name, None))
            continue
        (count,) = connection.execute(f"SELECT count(*) FROM ({kept.differing()})").fetchone()
        found.append((kept.name, count))
    return found


def _keeps(kind: str, name: str) -> str | None:
    """The kept table whose rows an object makes or keeps (None: an index, only read)."""
    if kind == "table":
        return name
    if kind == "trigger":
        for triggers, kept in (
            (schema._LAST_CHECKIN_TRIGGERS, _CHECKINS),
            (schema._STAY_TRIGGERS, _STAYS),
            (schema._CHANGE_TRIGGERS, _CHANGES),
            (schema._CHECKIN_WEEKS_TRIGGERS, _WEEKS),
            (schema._OWNER_WEEKS_TRIGGERS, _OWNER_WEEKS),
            (schema._AUDIT_TRIGGERS, _AUDITS),
        ):
            if name in triggers:
                return kept.name
    return None


def _broken(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """The kept tables' objects that are missing or not pdca's, tables first (a table made
    again has lost its indexes)."""
    found = copies.shape(connection)
    fresh = _fresh()
    order = {"table": 0, "index": 1, "trigger": 2}
    return sorted(
        (key for key in repairable() if found.get(key) != copies._normal(fresh[key][1])),
        key=lambda key: (order[key[0]], key[1]),
    )


def _objects(
    connection: sqlite3.Connection, keys: list[tuple[str, str]] | None = None
) -> tuple[list[str], set[str]]:
    """Put back each kept table, index and trigger that is missing or not pdca's (of
    ``keys`` alone, when given). The words for what was done, and the kept tables whose rows
    may have drifted without them."""
    done = []
    drifted = set()
    for kind, name in _broken(connection) if keys is None else keys:
        found = copies.shape(connection)
        sql = _fresh()[kind, name][1]
        if found.get((kind, name)) == copies._normal(sql):
            continue  # an index gone with its table, already made again with it
        if (kind, name) in found:
            connection.execute(f"DROP {kind.upper()} {name}")
            done.append(f"{kind} {name} made again")
        else:
            done.append(f"{kind} {name} put back")
        connection.execute(sql)
        keeps = _keeps(kind, name)
        if keeps is not None:
            drifted.add(keeps)
    return done, drifted


Keys = dict[str, list[tuple[object, ...]]]


def _differing_keys(connection: sqlite3.Connection) -> Keys:
    """Each kept table's differing rows' keys, for the tables whose table and triggers are
    all in place (the others are compared inside the write)."""
    broken = {_keeps(kind, name) for kind, name in _broken(connection)}
    return {
        kept.name: connection.execute(kept.differing()).fetchall()
        for kept in KEPT
        if kept.name not in broken
    }


def repair(connection: sqlite3.Connection, known: Keys | None = None) -> list[str]:
    """Inside the caller's write transaction: the kept tables' triggers, indexes and tables put
    back where missing, then each kept table's differing rows rewritten from the log. One line
    per thing changed (``action_stays: 5 rows rebuilt``); none when all was right.

    ``known``: per kept table, the differing rows' keys as a read found them just before, with
    its table and keeping triggers in place (so every write since kept its other rows right):
    only those rows are rewritten, from the log as it is now, and the write lock is held for
    that alone, not for a comparison that reads the whole log (seconds on a large file;
    others' writes give up after 10). A table not in it, or whose table or a trigger had to be
    put back here, is compared here in full."""
    done, drifted = _objects(connection)
    fed: dict[str, str] = {}  # a kept table whose rows another's rewrite changed: by which
    for kept in KEPT:
        connection.execute("DROP TABLE IF EXISTS temp.kept_keys")
        if known is None or kept.name not in known or kept.name in drifted:
            connection.execute(f"CREATE TEMP TABLE kept_keys AS {kept.differing()}")
        else:
            rows = known.get(kept.name, [])
            if not rows:
                continue
            columns = [c.strip() for c in kept.key.split(",")]
            connection.execute(f"CREATE TEMP TABLE kept_keys ({', '.join(columns)})")
            marks = ", ".join("?" for _ in columns)
            connection.executemany(f"INSERT INTO temp.kept_keys VALUES ({marks})", rows)
        (count,) = connection.execute("SELECT count(*) FROM temp.kept_keys").fetchone()
        before = len((known or {}).get(kept.name, []))
        if not count and before and kept.name in fed:  # mended by the rewrite that feeds it
            done.append(
                f"{kept.name}: {before} row{'s' if before != 1 else ''} put right"
                f" with {fed[kept.name]}"
            )
        if count:
            keys = f"SELECT {kept.key} FROM temp.kept_keys"
            if kept.table != "actions":  # rows of actions are never deleted, only set again
                connection.execute(f"DELETE FROM {kept.table} WHERE ({kept.key}) IN ({keys})")
            connection.execute(kept.rebuild_of(keys))
            done.append(f"{kept.name}: {count} row{'s' if count != 1 else ''} rebuilt")
            if kept.feeds:  # its triggers changed that table's rows: compare it whole
                drifted.add(kept.feeds)
                fed[kept.feeds] = kept.name
        connection.execute("DROP TABLE temp.kept_keys")
    return done


def repair_command(path: object) -> str:
    """The command that mends a file's kept tables (doctor's advice names it)."""
    return f"pdca --db {shell_word(path)} doctor --repair"


def repair_store(store: Store) -> list[str]:
    """``pdca doctor --repair``: first a read (no lock) finds what differs; nothing is written
    when all is right. Else one write (``BEGIN IMMEDIATE``) mends it, logged as a change of
    the whole database (an open board reads everything again). What was changed, one line
    each."""
    if not store.writable:
        with store.write():  # refused in one line, as every write on a file one may not write
            pass
    connection = store.conn
    # pdca's indexes first, in a write of their own (a second or two): the comparison below
    # reads the kept tables through them, and without the check-ins' it read for 94 s on
    # the large file, saying nothing (a reviewer)
    broken = _broken(connection)
    remade = {name for kind, name in broken if kind == "table"}  # their indexes come with them
    indexes = [key for key in broken if key[0] == "index" and _fresh()[key][0] not in remade]
    first: list[str] = []
    if indexes:
        # No event in it: one fires the triggers that keep tables, which may be what is broken
        # ("no such table", a retrial; a trigger not pdca's, a reviewer). Said in the next.
        with store.write() as transaction:
            first, _drifted = _objects(transaction.conn, indexes)
    connection.execute("BEGIN")
    try:
        broken = _broken(connection)
        known = _differing_keys(connection)
    finally:
        if connection.in_transaction:  # SQLite may have ended it on an error
            connection.execute("COMMIT")
    if not first and not broken and not any(known.values()):
        return []  # all was right: nothing written
    with store.write() as transaction:
        done = repair(transaction.conn, known) if broken or any(known.values()) else []
        if first or done:  # one event for the whole repair, once all is in place
            transaction.log(
                "database",
                0,
                "update",
                "repaired kept tables: " + "; ".join(first + done),
                None,
                None,
            )
    return first + done
