"""The schema: ordered, named, forward-only migrations, applied to new and old files alike.

``PRAGMA user_version`` is the number of migrations applied; ``PRAGMA application_id`` marks
the file as pdca's. Upgrades run inside ``BEGIN IMMEDIATE`` and re-read the version there,
because two people may start a new pdca release on the same file at the same moment.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from pdca.db.errors import WHICH_FILE, DatabaseProblem, ReadOnlyDatabase, shell_word
from pdca.db.lock_wait import begin_in_goes

APPLICATION_ID = 0x50444341  # "PDCA" in ASCII

_INITIAL_TABLES = """
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE initiatives (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    objective TEXT NOT NULL DEFAULT '',
    owner TEXT REFERENCES people(login),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE kpis (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL DEFAULT 'up' CHECK (direction IN ('up', 'down')),
    baseline REAL NOT NULL,
    target REAL NOT NULL,
    target_date TEXT,
    warn REAL,
    alert REAL,
    cadence TEXT NOT NULL DEFAULT 'daily' CHECK (cadence IN ('daily', 'weekly', 'monthly')),
    owner TEXT REFERENCES people(login),
    escalation TEXT NOT NULL DEFAULT '[]',
    perspective TEXT NOT NULL DEFAULT 'quality',
    benchmark REAL,
    benchmark_source TEXT,
    initiative_id INTEGER REFERENCES initiatives(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    owner TEXT REFERENCES people(login),
    phase TEXT NOT NULL DEFAULT 'plan' CHECK (phase IN ('plan', 'do', 'check', 'act')),
    due TEXT,
    initiative_id INTEGER REFERENCES initiatives(id),
    kpi_id INTEGER REFERENCES kpis(id),
    parent_id INTEGER REFERENCES actions(id),
    cycle INTEGER NOT NULL DEFAULT 1,
    verdict TEXT CHECK (verdict IN ('worked', 'partly', 'did-not')),
    decision TEXT CHECK (decision IN ('standardize', 'adjust', 'abandon')),
    phase_since TEXT NOT NULL,
    done_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id),
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'on-track'
        CHECK (status IN ('on-track', 'at-risk', 'blocked')),
    kind TEXT NOT NULL DEFAULT 'checkin' CHECK (kind IN ('checkin', 'followup')),
    result TEXT CHECK (result IN ('holding', 'slipped')),
    message TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE kpi_readings (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    at TEXT NOT NULL,
    value REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    reading_id INTEGER REFERENCES kpi_readings(id),
    raised_at TEXT NOT NULL,
    assignee TEXT NOT NULL,
    ack_due TEXT NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    ack_note TEXT,
    closed_at TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
-- The history: one row per changed record. Every row of one transaction shares ``tx``
-- (the id of its first event), which is what ``pdca undo`` reverts as a whole.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    tx INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
    summary TEXT NOT NULL,
    before TEXT,
    after TEXT,
    undo_of INTEGER
);
"""

# Every query the store runs is served by one of these (see tests/unit/test_query_plans.py).
_INITIAL_INDEXES: list[tuple[str, list[str], str | None]] = [
    ("actions", ["done_at", "phase", "due"], None),
    ("actions", ["owner", "done_at"], None),
    ("actions", ["initiative_id"], None),
    ("actions", ["kpi_id"], None),
    ("actions", ["parent_id"], None),
    ("actions", ["due"], "done_at IS NULL"),
    ("checkins", ["action_id", "at"], None),
    ("checkins", ["at"], None),
    ("checkins", ["author", "at"], None),
    ("kpi_readings", ["kpi_id", "at"], None),
    ("kpis", ["initiative_id"], None),
    ("alerts", ["kpi_id", "closed_at"], None),
    ("alerts", ["assignee", "acknowledged_at"], None),
    ("events", ["actor", "id"], None),
    ("events", ["entity", "entity_id", "id"], None),
    ("events", ["tx"], None),
    ("events", ["at"], None),
    ("events", ["undo_of"], "undo_of IS NOT NULL"),
]

# Views for people who open the file with sqlite3, sqlite-utils or Datasette.
_INITIAL_VIEWS = {
    "open_actions": """
        SELECT a.id, a.title, a.owner, a.phase, a.due,
               a.due IS NOT NULL AND a.due < date('now') AS overdue,
               i.name AS initiative, k.name AS kpi, a.cycle,
               (SELECT max(c.at) FROM checkins c WHERE c.action_id = a.id) AS last_checkin_at,
               a.phase_since, a.created_at, a.updated_at
        FROM actions a
        LEFT JOIN initiatives i ON i.id = a.initiative_id
        LEFT JOIN kpis k ON k.id = a.kpi_id
        WHERE a.done_at IS NULL
    """,
    "owner_load": """
        SELECT a.owner,
               count(*) AS open_actions,
               sum(a.phase = 'plan') AS plan, sum(a.phase = 'do') AS do,
               sum(a.phase = 'check') AS "check", sum(a.phase = 'act') AS act,
               sum(a.due IS NOT NULL AND a.due < date('now')) AS overdue
        FROM actions a
        WHERE a.done_at IS NULL AND a.owner IS NOT NULL
        GROUP BY a.owner
    """,
    "kpi_latest": """
        SELECT k.id, k.name, k.unit, k.direction, k.baseline, k.target, k.warn, k.alert,
               r.value AS latest_value, r.at AS latest_at
        FROM kpis k
        LEFT JOIN kpi_readings r ON r.id = (
            SELECT r2.id FROM kpi_readings r2 WHERE r2.kpi_id = k.id
            ORDER BY r2.at DESC, r2.id DESC LIMIT 1)
    """,
}


def _initial(conn: sqlite3.Connection) -> None:
    import sqlite_utils  # imported here: only a migration needs it, and it is slow to import

    for statement in _INITIAL_TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    database = sqlite_utils.Database(conn)
    for table, columns, where in _INITIAL_INDEXES:
        name = f"idx_{table}_{'_'.join(columns)}"
        if where is None:
            database.table(table).create_index(columns, index_name=name)
        else:
            # sqlite-utils has no partial indexes; these two are written out.
            conn.execute(f"CREATE INDEX {name} ON {table} ({', '.join(columns)}) WHERE {where}")
    for name, sql in _INITIAL_VIEWS.items():
        database.create_view(name, sql.strip())


def _presence(conn: sqlite3.Connection) -> None:
    """Who has the file open: one row per running app, refreshed by a heartbeat.

    Not domain data, so no events: a heartbeat must not look like a change to the board.
    """
    conn.execute(
        "CREATE TABLE sessions (id INTEGER PRIMARY KEY, login TEXT NOT NULL,"
        " host TEXT NOT NULL, pid INTEGER NOT NULL, started_at TEXT NOT NULL,"
        " seen_at TEXT NOT NULL)"
    )
    conn.execute("CREATE INDEX idx_sessions_seen_at ON sessions (seen_at)")


_ACCOUNTABILITY = """
CREATE TABLE followups (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id),
    owner TEXT REFERENCES people(login),
    offset_days INTEGER NOT NULL CHECK (offset_days > 0),
    due TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at TEXT,
    done_by TEXT,
    result TEXT CHECK (result IN ('holding', 'slipped')),
    checkin_id INTEGER REFERENCES checkins(id),
    reopened_id INTEGER REFERENCES actions(id),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (action_id, offset_days)
);
CREATE INDEX idx_followups_due ON followups (due) WHERE done_at IS NULL;
CREATE INDEX idx_followups_owner_done_at_due ON followups (owner, done_at, due);
CREATE TABLE standups (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    since TEXT NOT NULL,
    people TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX idx_standups_at ON standups (at);
-- Team-wide settings (the stale cadence, the follow-up offsets): one file, one team, one rule.
CREATE TABLE settings (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
"""


def _accountability(conn: sqlite3.Connection) -> None:
    """Follow-up audits at +30/+60/+90 days, recorded stand-ups, and team-wide settings.

    ``followups.action_id`` is served by the UNIQUE (action_id, offset_days) index.
    """
    for statement in _ACCOUNTABILITY.split(";"):
        if statement.strip():
            conn.execute(statement)


def _kpis(conn: sqlite3.Connection) -> None:
    """Indexes for the alert queries: what waits to be escalated, and what is open."""
    conn.execute(
        "CREATE INDEX idx_alerts_ack_due ON alerts (ack_due)"
        " WHERE acknowledged_at IS NULL AND closed_at IS NULL"
    )
    conn.execute("CREATE INDEX idx_alerts_open ON alerts (raised_at) WHERE closed_at IS NULL")


# Tables whose rows can be deleted (an undone create) and whose ids people see or the event
# log names: their ids must never be handed out twice, or two records' histories would mix.
_NEVER_REUSED = {
    "people": "person",
    "initiatives": "initiative",
    "kpis": "kpi",
    "actions": "action",
    "checkins": "checkin",
    "kpi_readings": "reading",
    "alerts": "alert",
    "followups": "followup",
    "standups": "standup",
    "settings": "setting",
}


def _ids_never_reused(conn: sqlite3.Connection) -> None:
    """``AUTOINCREMENT`` on every table of records: an undone create never frees its id.

    SQLite adds it only by rebuilding a table (sqlite.org/lang_altertable.html, "other kinds of
    table schema changes"): create the new table, copy, drop, rename, then rebuild its indexes
    and the views. Each table's counter starts past the highest id it or the event log ever
    used, so an id an older pdca freed by an undo is not handed out again either.
    """
    views = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'"))
    for name in views:
        conn.execute(f"DROP VIEW {name}")
    for table, entity in _NEVER_REUSED.items():
        (create,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        indexes = [
            sql
            for (sql,) in conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                " AND sql IS NOT NULL",
                (table,),
            )
        ]
        _head, rest = create.split("(", 1)
        assert "id INTEGER PRIMARY KEY," in rest, table
        rest = rest.replace("id INTEGER PRIMARY KEY,", "id INTEGER PRIMARY KEY AUTOINCREMENT,", 1)
        conn.execute(f"CREATE TABLE {table}_rebuilt ({rest}")
        conn.execute(f"INSERT INTO {table}_rebuilt SELECT * FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
        for sql in indexes:
            conn.execute(sql)
        highest = conn.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0),"
            " coalesce((SELECT max(entity_id) FROM events WHERE entity = ?), 0))",
            (entity,),
        ).fetchone()[0]
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest))
    for sql in views.values():
        conn.execute(sql)


_NOTIFY = """
-- One row per thing told to one person on one channel: a run claims it (inserts it, or takes
-- over a failed one whose retry time came) inside BEGIN IMMEDIATE before delivering, so two
-- runs never deliver the same row, and UNIQUE keeps a fact from being told twice.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    recipient TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('terminal', 'mail', 'webhook', 'command')),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'delivered', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_at TEXT,
    delivered_at TEXT,
    last_error TEXT,
    next_try_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (key, recipient, channel)
);
CREATE INDEX idx_notifications_state_next_try_at ON notifications (state, next_try_at);
-- The team's channels (terminal, mail, webhook, command) and each person's choice
-- (prefer:LOGIN), set with pdca notify config / pdca notify prefer.
CREATE TABLE notify_settings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
"""


def _notify(conn: sqlite3.Connection) -> None:
    """Notifications delivered exactly once (pdca notify), and where they go."""
    for statement in _NOTIFY.split(";"):
        if statement.strip():
            conn.execute(statement)


def _signals(conn: sqlite3.Connection) -> None:
    """Process-behaviour signals (db/xmr.py): per KPI, which alerts it raises (threshold
    breaches, Western Electric signals, or both) and the period its XmR limits come from
    (NULL: the first readings); per alert, the rule that raised it (NULL: the threshold)."""
    conn.execute(
        "ALTER TABLE kpis ADD COLUMN alerts_mode TEXT NOT NULL DEFAULT 'both'"
        " CHECK (alerts_mode IN ('thresholds', 'signals', 'both'))"
    )
    conn.execute("ALTER TABLE kpis ADD COLUMN baseline_from TEXT")
    conn.execute("ALTER TABLE kpis ADD COLUMN baseline_to TEXT")
    conn.execute("ALTER TABLE alerts ADD COLUMN rule TEXT")
    conn.execute("ALTER TABLE alerts ADD COLUMN rule_text TEXT")


_RECURRENCE = """
-- A repeat rule (pdca add --every): its text (db/recurrence_rules.py), the first due date
-- it counts from, and the next date an instance falls due. Whoever first sees next_due come
-- (the app's minute round, any command, a cron pdca recur run) creates the instance and
-- advances next_due in the same BEGIN IMMEDIATE transaction: each instance exactly once.
CREATE TABLE recurrences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    anchor TEXT NOT NULL,
    next_due TEXT,
    stopped_at TEXT,
    stopped_by TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX idx_recurrences_next_due ON recurrences (next_due) WHERE stopped_at IS NULL;
ALTER TABLE actions ADD COLUMN recurrence_id INTEGER REFERENCES recurrences(id);
CREATE INDEX idx_actions_recurrence_id ON actions (recurrence_id)
    WHERE recurrence_id IS NOT NULL
"""


def _recurrence(conn: sqlite3.Connection) -> None:
    """Recurring actions: the rules, and each action's link to the rule that made it."""
    for statement in _RECURRENCE.split(";"):
        if statement.strip():
            conn.execute(statement)


def _flow(conn: sqlite3.Connection) -> None:
    """The flow metrics read the actions' phase moves and completions from the event log by
    time: this index holds only the actions' updates (a third of the log), and every column
    that read needs, so it never touches the rows and their snapshots. (entity and op lead so
    that the planner prefers it to the (entity, entity_id, id) index.)"""
    conn.execute(
        "CREATE INDEX idx_events_action_updates"
        " ON events (entity, op, at, entity_id, tx, undo_of, summary)"
        " WHERE entity = 'action' AND op = 'update'"
    )


# The board's order within a phase (issue 14, issue 16's priorities): priority, then due date
# with none last, then id. db/store.py orders by these very expressions, so that SQLite reads
# a column's first page, or any later one, straight off ``idx_actions_board``.
PRIORITY_RANK = "CASE priority WHEN 'high' THEN 0 WHEN 'low' THEN 2 ELSE 1 END"
DUE_KEY = "coalesce(due, '9999-12-31')"


def _scale(conn: sqlite3.Connection) -> None:
    """Priorities (high, normal, low) and the board's index: an open column's cards in board
    order, so a page of them costs the same at 100 000 actions as at 1 000."""
    conn.execute(
        "ALTER TABLE actions ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'"
        " CHECK (priority IN ('high', 'normal', 'low'))"
    )
    conn.execute(
        f"CREATE INDEX idx_actions_board ON actions (phase, {PRIORITY_RANK}, {DUE_KEY}, id)"
        " WHERE done_at IS NULL"
    )
    # The owners view's counts, read off an index without touching the rows; and the open
    # actions made lately, which (with the check-ins made lately) are all that is not stale.
    conn.execute(
        "CREATE INDEX idx_actions_open_owner ON actions (owner, phase, due) WHERE done_at IS NULL"
    )
    conn.execute(
        "CREATE INDEX idx_actions_open_created_at ON actions (created_at) WHERE done_at IS NULL"
    )


# The stand-up's order within a person's open actions (due date, none last, then id): the
# very expressions of ``idx_actions_open_standup``, so a person's first few are read in order.
STANDUP_ORDER = "due IS NULL, due, id"

# An action's latest check-in, the one every view calls its last: latest ``at``, then highest
# id (the (action_id, at) index gives ties in id order). ``{id}`` is the action's id.
LATEST_CHECKIN = (
    "SELECT c.at, c.status FROM checkins c WHERE c.action_id = {id}"
    " ORDER BY c.at DESC, c.id DESC LIMIT 1"
)


def _kept(action_id: str) -> str:
    """The statement a trigger runs to set one action's last check-in from its check-ins."""
    latest = LATEST_CHECKIN.format(id="actions.id")
    return (
        f"UPDATE actions SET (last_checkin_at, last_checkin_status) = ({latest})"
        f" WHERE id {action_id}"
    )


_LAST_CHECKIN_TRIGGERS = {
    # Every write path meets these: the app, the command line, undo, import, restore, and a
    # person with sqlite3. They touch only the two columns: never ``version`` nor
    # ``updated_at``, and they log nothing, so a check-in beside someone's edit of the same
    # action is no conflict, as it never was.
    "checkins_last_on_insert": (
        "AFTER INSERT ON checkins",
        None,
        _kept("= NEW.action_id"),
    ),
    "checkins_last_on_delete": (
        "AFTER DELETE ON checkins",
        None,
        _kept("= OLD.action_id"),
    ),
    "checkins_last_on_update": (
        "AFTER UPDATE OF action_id, at, status ON checkins",
        None,
        _kept("IN (OLD.action_id, NEW.action_id)"),
    ),
    # The two columns follow the check-ins, whoever writes the row: an undo that puts an
    # action's older snapshot back, an import's or a hand edit's values are put right.
    "actions_last_on_insert": (
        "AFTER INSERT ON actions",
        f"(NEW.last_checkin_at, NEW.last_checkin_status) IS NOT"
        f" ({LATEST_CHECKIN.format(id='NEW.id')})",
        _kept("= NEW.id"),
    ),
    "actions_last_on_update": (
        "AFTER UPDATE OF last_checkin_at, last_checkin_status ON actions",
        f"(NEW.last_checkin_at, NEW.last_checkin_status) IS NOT"
        f" ({LATEST_CHECKIN.format(id='NEW.id')})",
        _kept("= NEW.id"),
    ),
}


def _last_checkin(conn: sqlite3.Connection) -> None:
    """Each action's last check-in (its time and status; NULL: never checked in) on the
    action's row, kept by triggers (issue 14): the stand-up, the stale rule and the cards
    read it from the row, or from an index, instead of probing the check-ins of every open
    action. The stand-up's own index holds every column it asks of an open action."""
    conn.execute("ALTER TABLE actions ADD COLUMN last_checkin_at TEXT")
    conn.execute("ALTER TABLE actions ADD COLUMN last_checkin_status TEXT")
    latest = LATEST_CHECKIN.format(id="actions.id")
    conn.execute(
        f"UPDATE actions SET (last_checkin_at, last_checkin_status) = ({latest})"
        " WHERE id IN (SELECT DISTINCT action_id FROM checkins)"
    )
    for name, (when, condition, statement) in _LAST_CHECKIN_TRIGGERS.items():
        guard = f" WHEN {condition}" if condition else ""
        conn.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW{guard} BEGIN {statement}; END")
    conn.execute(
        f"CREATE INDEX idx_actions_open_standup ON actions (owner, {STANDUP_ORDER},"
        " last_checkin_status, last_checkin_at, created_at) WHERE done_at IS NULL"
    )
    conn.execute("DROP VIEW open_actions")
    conn.execute(f"CREATE VIEW open_actions AS {_OPEN_ACTIONS_VIEW}")


# The plain-data view of open work (first made by 0001_initial), reading the kept column.
_OPEN_ACTIONS_VIEW = """SELECT a.id, a.title, a.owner, a.phase, a.due,
               a.due IS NOT NULL AND a.due < date('now') AS overdue,
               i.name AS initiative, k.name AS kpi, a.cycle,
               a.last_checkin_at,
               a.phase_since, a.created_at, a.updated_at
        FROM actions a
        LEFT JOIN initiatives i ON i.id = a.initiative_id
        LEFT JOIN kpis k ON k.id = a.kpi_id
        WHERE a.done_at IS NULL"""


def _owners_index(conn: sqlite3.Connection) -> None:
    """The owners view's counts (open, late, due soon, stale) in one pass down the open
    actions' (owner, phase) index, the last check-in and the creation on it too: no action row
    and no check-in read (issue 14). The index of recent creations only that view used goes."""
    conn.execute("DROP INDEX idx_actions_open_owner")
    conn.execute("DROP INDEX idx_actions_open_created_at")
    conn.execute(
        "CREATE INDEX idx_actions_open_owner ON actions"
        " (owner, phase, due, last_checkin_at, created_at) WHERE done_at IS NULL"
    )


def _initiative_index(conn: sqlite3.Connection) -> None:
    """Each initiative's open actions counted off an index of the open ones alone: the count
    walked every action the initiative ever had (all of 100 000 for 20 initiatives)."""
    conn.execute(
        "CREATE INDEX idx_actions_open_initiative ON actions (initiative_id) WHERE done_at IS NULL"
    )


# The stays the flow view counts (issue 13): one row per move or completion of an action that
# no undo took back, under the event's id, with the phase it left (its snapshot before), where it
# went (after; NULL: done), when, and how long it had been in that phase (since the snapshot's
# phase_since). A JSON that is not valid, or says no phase, is left out, never an error: a
# trigger must not make anyone's write fail.
# ``+`` on entity and op: a trigger's search by the event's id or transaction goes down that
# key (idx_events_tx), not down the actions' updates (a third of the log) once per event a hand
# edit touches (an UPDATE of 3 692 events took 36 s on the large file).
_STAY_COUNTED = (
    "+e.entity = 'action' AND +e.op = 'update' AND e.undo_of IS NULL"
    " AND (e.summary LIKE 'moved #%' OR e.summary LIKE 'done #%')"
    " AND CASE WHEN json_valid(e.before) THEN json_extract(e.before, '$.phase') END IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undo_of = e.tx)"
)


def _changed(*columns: str) -> str:
    """An UPDATE trigger's condition: one of ``columns`` of the row changed (undo_of always
    counts: an undo undone or redone changes what every kept table holds)."""
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in (*columns, "undo_of"))


_STAY_ROWS = (
    "INSERT OR REPLACE INTO action_stays (id, action_id, tx, phase, next, at, days)"
    " SELECT e.id, e.entity_id, e.tx, json_extract(e.before, '$.phase'),"
    " CASE WHEN e.summary LIKE 'moved #%' AND json_valid(e.after)"
    " THEN json_extract(e.after, '$.phase') END,"
    " e.at, julianday(e.at) - julianday(json_extract(e.before, '$.phase_since'))"
    " FROM events e WHERE ({events}) AND " + _STAY_COUNTED
)
_STAY_TRIGGERS = {
    # Every write path meets these (the app, the command line, undo, import, restore, a person
    # with sqlite3); they write only action_stays: no row's version, no event.
    "events_stays_on_insert": (
        "AFTER INSERT ON events",
        "NEW.undo_of IS NOT NULL OR (NEW.entity = 'action' AND NEW.op = 'update')",
        [
            "DELETE FROM action_stays WHERE tx = NEW.undo_of",  # an undo takes its moves back
            _STAY_ROWS.format(events="e.id = NEW.id"),
        ],
    ),
    "events_stays_on_delete": (
        "AFTER DELETE ON events",
        None,
        [
            "DELETE FROM action_stays WHERE id = OLD.id",
            # An undo gone: the moves it took back count again (unless another undid them).
            _STAY_ROWS.format(events="OLD.undo_of IS NOT NULL AND e.tx = OLD.undo_of"),
        ],
    ),
    "events_stays_on_update": (  # a hand edit: every event of the transactions it touches
        "AFTER UPDATE ON events",
        # Only when a column a stay is made of changed (not, say, the actor's name).
        _changed("id", "tx", "at", "entity", "entity_id", "op", "summary", "before", "after"),
        [
            "DELETE FROM action_stays WHERE id = OLD.id"
            " OR tx IN (OLD.tx, NEW.tx, OLD.undo_of, NEW.undo_of)",
            _STAY_ROWS.format(
                events="e.id = NEW.id OR e.tx IN (OLD.tx, NEW.tx, OLD.undo_of, NEW.undo_of)"
            ),
        ],
    ),
}


def _create_stay_triggers(conn: sqlite3.Connection) -> None:
    for name, (when, condition, statements) in _STAY_TRIGGERS.items():
        guard = f" WHEN {condition}" if condition else ""
        body = "; ".join(statements)
        conn.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW{guard} BEGIN {body}; END")


def _flow_kept(conn: sqlite3.Connection) -> None:
    """The flow view's figures without reading the event log at every paint (issue 13): the
    actions' stays kept in ``action_stays`` by triggers on ``events`` and read down its (phase,
    at) index; the check-ins proper by action (the cadence kept), the open actions by phase
    and phase_since (each phase's oldest) and by owner and creation (the weeks each lived),
    the done ones by initiative and decision: each an index that holds what its count reads."""
    conn.execute(
        "CREATE TABLE action_stays (id INTEGER PRIMARY KEY, action_id INTEGER NOT NULL,"
        " tx INTEGER NOT NULL, phase TEXT NOT NULL, next TEXT, at TEXT NOT NULL, days REAL)"
    )
    conn.execute(_STAY_ROWS.format(events="1"))
    conn.execute(
        "CREATE INDEX idx_action_stays_phase ON action_stays (phase, at, days, next, action_id)"
    )
    conn.execute("CREATE INDEX idx_action_stays_tx ON action_stays (tx)")
    _create_stay_triggers(conn)
    # done_at (NULL, or a time, in every entry) and kind are in these indexes only so that
    # SQLite (3.40) reads the index alone: it reads the row for a column of an index's WHERE.
    conn.execute(
        "CREATE INDEX idx_checkins_action_checkin ON checkins (action_id, at, kind)"
        " WHERE kind = 'checkin'"
    )
    conn.execute(
        "CREATE INDEX idx_actions_open_phase_since ON actions (phase, phase_since, done_at)"
        " WHERE done_at IS NULL"
    )
    conn.execute(
        "CREATE INDEX idx_actions_open_created ON actions (owner, created_at, due, done_at)"
        " WHERE done_at IS NULL"
    )
    conn.execute(
        "CREATE INDEX idx_actions_decisions ON actions (initiative_id, decision, done_at)"
        " WHERE done_at > ''"
    )


# Which event is which change a stand-up tells, and whose (issue 14), as
# ``accountability_rules._item`` decides it: ``{e}`` is the event (``e`` or a trigger's
# ``NEW``). Undo events and the entities a stand-up ignores are never changes. The person is
# the action's owner today when the action is there (db/accountability.py joins it: a handed
# action's history moves with it), else ``person``: an alert's assignee, the owner an action
# was written with, a check-in's author. A follow-up handed over (``pdca reassign``) is its
# new owner's, whoever owns the done action: it has no action to join (0024).
_CHANGE_KIND = """CASE
  WHEN {e}.entity = 'action' AND {e}.op = 'create' THEN 'created'
  WHEN {e}.entity = 'action' AND {e}.op = 'update' THEN CASE
    WHEN json_extract({e}.before, '$.done_at') IS NULL
     AND json_extract({e}.after, '$.done_at') IS NOT NULL THEN 'done'
    WHEN json_extract({e}.before, '$.phase') IS NOT json_extract({e}.after, '$.phase')
     AND json_extract({e}.after, '$.done_at') IS NULL THEN 'moved'
    WHEN json_extract({e}.before, '$.owner') IS NOT json_extract({e}.after, '$.owner')
     AND json_extract({e}.after, '$.done_at') IS NULL THEN 'handed'
    WHEN json_extract({e}.before, '$.due') IS NOT json_extract({e}.after, '$.due')
     AND json_extract({e}.after, '$.done_at') IS NULL THEN 'rescheduled'
    WHEN json_extract({e}.before, '$.priority') IS NOT json_extract({e}.after, '$.priority')
     AND json_extract({e}.after, '$.done_at') IS NULL THEN 'reprioritized' END
  WHEN {e}.entity = 'checkin' AND {e}.op = 'create' THEN
    CASE WHEN json_extract({e}.after, '$.kind') = 'followup' THEN 'followup' ELSE 'checkin' END
  WHEN {e}.entity = 'alert' AND {e}.op = 'create' THEN 'alert-raised'
  WHEN {e}.entity = 'alert' AND {e}.op = 'update' THEN CASE
    WHEN ifnull(json_extract({e}.after, '$.acknowledged_at'), '') <> ''
     AND ifnull(json_extract({e}.before, '$.acknowledged_at'), '') = '' THEN 'alert-acknowledged'
    WHEN json_extract({e}.before, '$.assignee') IS NOT json_extract({e}.after, '$.assignee')
     AND ifnull(json_extract({e}.after, '$.acknowledged_at'), '') = ''
     AND ifnull(json_extract({e}.before, '$.assignee'), '') <> '' THEN 'alert-escalated'
    WHEN ifnull(json_extract({e}.after, '$.closed_at'), '') <> ''
     AND ifnull(json_extract({e}.before, '$.closed_at'), '') = '' THEN 'alert-closed'
    WHEN ifnull(json_extract({e}.before, '$.closed_at'), '') <> ''
     AND ifnull(json_extract({e}.after, '$.closed_at'), '') = '' THEN 'alert-reopened' END
  WHEN {e}.entity = 'followup' AND {e}.op = 'update'
   AND json_extract({e}.before, '$.owner') IS NOT json_extract({e}.after, '$.owner')
   AND json_extract({e}.after, '$.done_at') IS NULL THEN 'handed'
  END"""
_CHANGE_ACTION = """CASE
  WHEN {e}.entity = 'action' THEN {e}.entity_id
  WHEN {e}.entity = 'checkin' AND json_type({e}.after, '$.action_id') = 'integer'
  THEN json_extract({e}.after, '$.action_id') END"""
_CHANGE_PERSON = """CASE
  WHEN {e}.entity = 'alert' THEN json_extract({e}.after, '$.assignee')
  WHEN {e}.entity = 'followup' THEN json_extract({e}.after, '$.owner')
  WHEN {e}.entity = 'action' THEN json_extract({e}.after, '$.owner')
  ELSE json_extract({e}.after, '$.author') END"""
# The change ``{e}`` is, if it is one (a JSON that is not valid is no change, never an error:
# a trigger must not make anyone's write fail).
_CHANGE_ROW = (
    "INSERT OR REPLACE INTO event_changes (at, id, tx, kind, action_id, person)"
    " SELECT * FROM (SELECT {e}.at AS at, {e}.id, {e}.tx,"
    f" {_CHANGE_KIND} AS kind, {_CHANGE_ACTION}, {_CHANGE_PERSON}"
    " {source} WHERE {e}.undo_of IS NULL"
    " AND {e}.entity IN ('action', 'checkin', 'alert', 'followup')"
    " AND ({e}.before IS NULL OR json_valid({e}.before))"
    " AND ({e}.after IS NULL OR json_valid({e}.after))) WHERE kind IS NOT NULL"
)
_CHANGE_TRIGGERS = {
    # Every write path meets these: the store, undo, import, restore, a person with sqlite3.
    "events_changes_on_insert": (
        "AFTER INSERT ON events",
        None,
        [
            # An INSERT OR REPLACE by hand (or an import's) replaces an event without its
            # delete trigger (recursive triggers are off): its old change goes first.
            "DELETE FROM event_changes WHERE id = NEW.id",
            _CHANGE_ROW.format(e="NEW", source=""),
        ],
    ),
    "events_changes_on_delete": (
        "AFTER DELETE ON events",
        None,
        ["DELETE FROM event_changes WHERE at = OLD.at AND id = OLD.id"],
    ),
    "events_changes_on_update": (
        "AFTER UPDATE ON events",
        _changed("id", "tx", "at", "entity", "entity_id", "op", "before", "after"),
        [
            "DELETE FROM event_changes WHERE at = OLD.at AND id = OLD.id",
            _CHANGE_ROW.format(e="NEW", source=""),
        ],
    ),
}


def _create_change_triggers(conn: sqlite3.Connection) -> None:
    for name, (when, condition, statements) in _CHANGE_TRIGGERS.items():
        guard = f" WHEN {condition}" if condition else ""
        body = "".join(f" {statement};" for statement in statements)
        conn.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW{guard} BEGIN{body} END")


def _event_changes(conn: sqlite3.Connection) -> None:
    """The stand-up's changes without reading the event log's snapshots at every stand-up
    (issue 14): each event that is a change a stand-up tells (``_CHANGE_KIND``) has a row in
    ``event_changes``, kept by triggers on ``events``, in time order (its primary key), with
    its transaction (the undo check), kind, action and fallback person. The actions' (id,
    owner) index gives each change's owner today without reading the action's row."""
    conn.execute(
        "CREATE TABLE event_changes (at TEXT NOT NULL, id INTEGER NOT NULL,"
        " tx INTEGER NOT NULL, kind TEXT NOT NULL, action_id INTEGER, person TEXT,"
        " PRIMARY KEY (at, id)) WITHOUT ROWID"
    )
    conn.execute(_CHANGE_ROW.format(e="e", source="FROM events e"))
    _create_change_triggers(conn)
    conn.execute("CREATE INDEX idx_event_changes_id ON event_changes (id)")
    conn.execute("CREATE INDEX idx_actions_id_owner ON actions (id, owner)")


def _standup_kinds(conn: sqlite3.Connection) -> None:
    """The stand-up tells a due date or a priority changed and an alert closed
    (``rescheduled``, ``reprioritized``, ``alert-closed``): the triggers made again with the
    new ``_CHANGE_KIND``, and the changes of those kinds already in the log added (the
    updates only: no other event's kind changed)."""
    for name in _CHANGE_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    _create_change_triggers(conn)
    # The new kinds' rows alone, added: every other update's row is there already, and
    # writing each again held the lock 7 s on a file of a million events (a reviewer).
    fill = _CHANGE_ROW.format(
        e="e",
        source="FROM (SELECT * FROM events WHERE op = 'update'"
        " AND entity IN ('action', 'alert')) e",
    )
    assert fill.startswith("INSERT OR REPLACE ") and fill.endswith(" WHERE kind IS NOT NULL")
    conn.execute(
        "INSERT OR IGNORE "
        + fill.removeprefix("INSERT OR REPLACE ").removesuffix(" WHERE kind IS NOT NULL")
        + " WHERE kind IN ('rescheduled', 'reprioritized', 'alert-closed')"
    )


def _followup_handovers(conn: sqlite3.Connection) -> None:
    """The stand-up tells a follow-up audit handed to someone (``pdca reassign``, a done
    action's new owner): the triggers made again with the new ``_CHANGE_KIND``, and the
    handovers already in the log added. carl heard of the three audits ann left him only on
    the day the first fell due (a lead's trial)."""
    for name in _CHANGE_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    _create_change_triggers(conn)
    conn.execute(
        _CHANGE_ROW.format(
            e="e",
            source="FROM (SELECT * FROM events WHERE entity = 'followup' AND op = 'update') e",
        )
    )


def _health_index(conn: sqlite3.Connection) -> None:
    """The initiatives view's counts (db/initiatives.py ``overview``: each initiative's open
    actions by phase, late, stale, reported blocked or at risk) off one index that holds all
    they read, in initiative order; and the flow figures' work done in the window
    (db/flow.py ``_DONE_PLACED``) likewise: no action row read (issue 14, at 100 000 actions a
    row read each is most of their time). done_at is in them so SQLite reads the index alone."""
    conn.execute(
        "CREATE INDEX idx_actions_open_health ON actions (initiative_id, phase, due,"
        " last_checkin_at, last_checkin_status, created_at, done_at) WHERE done_at IS NULL"
    )
    conn.execute(
        "CREATE INDEX idx_actions_done_flow ON actions (done_at, owner, created_at, decision,"
        " due, initiative_id) WHERE done_at IS NOT NULL"
    )


def _flow_ranks(conn: sqlite3.Connection) -> None:
    """The flow figures on the huge file (issue 14): a phase's stays in order of length, so
    the few at the median's and the 85th percentile's ranks are found by walking the index
    to them (``LIMIT 1 OFFSET rank``) instead of sorting a quarter's stays (100 000 rows on
    the huge file: 130 ms, now 25 ms); and each owner's work done with the decision and the
    due date in the (owner, done_at) index, so the late count reads no action row (35 ms,
    now 14 ms). The old (owner, done_at) index is a prefix of the new one: dropped."""
    conn.execute(
        "CREATE INDEX idx_action_stays_days ON action_stays (phase, days, at, next, action_id)"
        " WHERE days IS NOT NULL"
    )
    conn.execute("DROP INDEX idx_actions_owner_done_at")
    conn.execute(
        "CREATE INDEX idx_actions_owner_done_at_decision ON actions (owner, done_at, decision, due)"
    )


# The cadence kept (the flow view's per owner: of the whole weeks each open action lived
# through, how many had a check-in on it), counted per calendar week, Monday to Sunday in UTC:
# one grid for every writer, whatever their time zone. A week is named by its Monday
# (``YYYY-MM-DD``); a time SQLite cannot read is in no week. An action counts for a week when
# it is open, has an owner and was created by the week's first instant.
CADENCE_WEEK = "date({at}, '-6 days', 'weekday 1')"
CADENCE_COUNTS = (
    "{a}.done_at IS NULL AND {a}.owner > '' AND {a}.created_at <= {week} || 'T00:00:00Z'"
)
# Each action's weeks with a check-in (the check-ins proper), and how many in each ({only}: a
# condition on the check-ins, {having} on the weeks, for a rebuild of some).
CHECKIN_WEEKS_OF = (
    f"SELECT action_id, {CADENCE_WEEK.format(at='at')} AS week, count(*) FROM checkins"
    f" WHERE kind = 'checkin' AND {CADENCE_WEEK.format(at='at')} IS NOT NULL{{only}}"
    " GROUP BY action_id, week{having}"
)
# Per owner and week, how many of their actions that count for it had a check-in in it: from
# the check-ins themselves ({only}: a condition on the owner and the week).
OWNER_WEEKS_OF = (
    "SELECT a.owner, w.week, count(*) FROM (SELECT DISTINCT action_id,"
    f" {CADENCE_WEEK.format(at='at')} AS week FROM checkins WHERE kind = 'checkin'"
    f" AND {CADENCE_WEEK.format(at='at')} IS NOT NULL) w JOIN actions a ON a.id = w.action_id"
    f" WHERE {CADENCE_COUNTS.format(a='a', week='w.week')}{{only}} GROUP BY a.owner, w.week"
)


def _week_counted(row: str, sign: str) -> str:
    """A check-in of ``row`` (NEW or OLD) counted into (+) or out of (-) its week."""
    week = CADENCE_WEEK.format(at=f"{row}.at")
    where = f"{row}.kind = 'checkin' AND {week} IS NOT NULL"
    if sign == "+":
        return (
            f"INSERT INTO checkin_weeks (action_id, week, checkins) SELECT {row}.action_id,"
            f" {week}, 1 WHERE {where}"
            " ON CONFLICT (action_id, week) DO UPDATE SET checkins = checkins + 1"
        )
    return (
        f"UPDATE checkin_weeks SET checkins = checkins - 1 WHERE {where}"
        f" AND action_id = {row}.action_id AND week = {week}"
    )


def _weeks_emptied(row: str) -> str:
    """The week of a check-in of ``row`` (NEW or OLD) gone when none is left in it: that one
    row, by its key (not each of the action's weeks)."""
    return (
        f"DELETE FROM checkin_weeks WHERE action_id = {row}.action_id"
        f" AND week = {CADENCE_WEEK.format(at=f'{row}.at')} AND checkins <= 0"
    )


def _owner_weeks_of(action: str, sign: str) -> str:
    """The weeks with a check-in of the action ``action`` (NEW or OLD: as it is or as it was)
    counted into (+) or out of (-) its owner's, those it counts for."""
    weeks = f"checkin_weeks w WHERE w.action_id = {action}.id AND " + CADENCE_COUNTS.format(
        a=action, week="w.week"
    )
    if sign == "+":
        return (
            f"INSERT INTO owner_weeks (owner, week, actions) SELECT {action}.owner, w.week, 1"
            f" FROM {weeks} ON CONFLICT (owner, week) DO UPDATE SET actions = actions + 1"
        )
    return (
        f"UPDATE owner_weeks SET actions = actions - 1 WHERE owner = {action}.owner"
        f" AND week IN (SELECT w.week FROM {weeks})"
    )


_OWNER_WEEKS_EMPTIED = "DELETE FROM owner_weeks WHERE owner = {owner} AND actions <= 0"
_CHECKIN_WEEKS_TRIGGERS = {
    # Every write path meets these (the app, the command line, undo, import, restore, a person
    # with sqlite3); they write only the two kept tables: no row's version, no event.
    "checkins_weeks_on_insert": (
        "AFTER INSERT ON checkins",
        "NEW.kind = 'checkin'",
        [_week_counted("NEW", "+")],
    ),
    "checkins_weeks_on_delete": (
        "AFTER DELETE ON checkins",
        "OLD.kind = 'checkin'",
        [_week_counted("OLD", "-"), _weeks_emptied("OLD")],
    ),
    "checkins_weeks_on_update": (
        "AFTER UPDATE OF action_id, at, kind ON checkins",
        "OLD.action_id IS NOT NEW.action_id OR OLD.at IS NOT NEW.at OR OLD.kind IS NOT NEW.kind",
        [
            _week_counted("OLD", "-"),
            _weeks_emptied("OLD"),
            _week_counted("NEW", "+"),
        ],
    ),
}
_OWNER_WEEKS_TRIGGERS = {
    # A week of an action's that has a check-in now, or has none any more: its owner's count.
    "checkin_weeks_on_insert": (
        "AFTER INSERT ON checkin_weeks",
        None,
        [
            "INSERT INTO owner_weeks (owner, week, actions) SELECT a.owner, NEW.week, 1"
            " FROM actions a WHERE a.id = NEW.action_id AND "
            + CADENCE_COUNTS.format(a="a", week="NEW.week")
            + " ON CONFLICT (owner, week) DO UPDATE SET actions = actions + 1"
        ],
    ),
    "checkin_weeks_on_delete": (
        "AFTER DELETE ON checkin_weeks",
        None,
        [
            "UPDATE owner_weeks SET actions = actions - 1 WHERE week = OLD.week AND owner ="
            " (SELECT a.owner FROM actions a WHERE a.id = OLD.action_id AND "
            + CADENCE_COUNTS.format(a="a", week="OLD.week")
            + ")",
            # By its key: the owner's week, not every owner's (a scan per week emptied).
            "DELETE FROM owner_weeks WHERE week = OLD.week AND actions <= 0 AND owner ="
            " (SELECT a.owner FROM actions a WHERE a.id = OLD.action_id)",
        ],
    ),
    # An action that changes owner, is done or reopened, or gets another creation time (undo,
    # import, a hand edit): its weeks leave the owner it counted for and join the one it does.
    "actions_weeks_on_insert": (
        "AFTER INSERT ON actions",
        None,
        [_owner_weeks_of("NEW", "+")],
    ),
    "actions_weeks_on_update": (
        "AFTER UPDATE OF id, owner, done_at, created_at ON actions",
        "OLD.id IS NOT NEW.id OR OLD.owner IS NOT NEW.owner OR OLD.created_at IS NOT"
        " NEW.created_at OR (OLD.done_at IS NULL) IS NOT (NEW.done_at IS NULL)",
        [
            _owner_weeks_of("OLD", "-"),
            _owner_weeks_of("NEW", "+"),
            _OWNER_WEEKS_EMPTIED.format(owner="OLD.owner"),
        ],
    ),
    "actions_weeks_on_delete": (
        "AFTER DELETE ON actions",
        None,
        [
            _owner_weeks_of("OLD", "-"),
            _OWNER_WEEKS_EMPTIED.format(owner="OLD.owner"),
        ],
    ),
}
_CADENCE_TRIGGERS = {**_CHECKIN_WEEKS_TRIGGERS, **_OWNER_WEEKS_TRIGGERS}


def _cadence_kept(conn: sqlite3.Connection) -> None:
    """The flow view's cadence kept without reading every open action's check-ins of the
    quarter (issue 14: on the huge file 170 000 of them, 140 ms at every paint): each
    action's calendar weeks with a check-in (``checkin_weeks``) and, per owner and week, how
    many of their open actions had one (``owner_weeks``), kept by triggers on check-ins and
    actions. The flow reads 13 weeks of each owner's counts."""
    conn.execute(
        "CREATE TABLE checkin_weeks (action_id INTEGER NOT NULL, week TEXT NOT NULL,"
        " checkins INTEGER NOT NULL, PRIMARY KEY (action_id, week)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE owner_weeks (owner TEXT NOT NULL, week TEXT NOT NULL,"
        " actions INTEGER NOT NULL, PRIMARY KEY (owner, week)) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT INTO checkin_weeks (action_id, week, checkins) "
        + CHECKIN_WEEKS_OF.format(only="", having="")
    )
    conn.execute("INSERT INTO owner_weeks (owner, week, actions) " + OWNER_WEEKS_OF.format(only=""))
    for name, (when, condition, statements) in _CADENCE_TRIGGERS.items():
        guard = f" WHEN {condition}" if condition else ""
        body = "".join(f" {statement};" for statement in statements)
        conn.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW{guard} BEGIN{body} END")


# The follow-up audits recorded, per initiative (0: none) and result, kept for the flow view's
# outcomes: an audit counts when it is recorded (done_at set) holding or slipped and its action
# is there. ``{only}``: a condition on the audits and their actions, for a rebuild of some.
# An audit counts once it was recorded itself, with its check-in. A slip closes the action's
# later audits too (result 'slipped', no check-in of their own: "closed, slipped earlier"):
# one slip is one slipped audit, not three (0020).
_AUDIT_COUNTED = (
    "{f}.done_at IS NOT NULL AND {f}.checkin_id IS NOT NULL"
    " AND {f}.result IN ('holding', 'slipped')"
)
AUDIT_COUNTS_OF = (
    "SELECT coalesce(a.initiative_id, 0) AS initiative, f.result, count(*)"
    " FROM followups f JOIN actions a ON a.id = f.action_id"
    f" WHERE {_AUDIT_COUNTED.format(f='f')}{{only}} GROUP BY initiative, f.result"
)


def _audit_counted(audit: str, sign: str) -> str:
    """The audit ``audit`` (NEW or OLD) counted into (+) or out of (-) its initiative's."""
    found = f"FROM actions a WHERE a.id = {audit}.action_id AND {_AUDIT_COUNTED.format(f=audit)}"
    if sign == "+":
        return (
            "INSERT INTO audit_counts (initiative, result, audits)"
            f" SELECT coalesce(a.initiative_id, 0), {audit}.result, 1 {found}"
            " ON CONFLICT (initiative, result) DO UPDATE SET audits = audits + 1"
        )
    return (
        "UPDATE audit_counts SET audits = audits - 1 WHERE result = "
        f"{audit}.result AND initiative = (SELECT coalesce(a.initiative_id, 0) {found})"
    )


def _action_audits(action: str, sign: str) -> str:
    """The recorded audits of the action ``action`` (NEW or OLD: as it is or as it was)
    counted into (+) or out of (-) its initiative's."""
    audits = f"FROM followups f WHERE f.action_id = {action}.id AND {_AUDIT_COUNTED.format(f='f')}"
    key = f"coalesce({action}.initiative_id, 0)"
    if sign == "+":
        return (
            "INSERT INTO audit_counts (initiative, result, audits)"
            f" SELECT {key}, f.result, count(*) {audits} GROUP BY f.result"
            " ON CONFLICT (initiative, result) DO UPDATE SET audits = audits + excluded.audits"
        )
    return (
        "UPDATE audit_counts SET audits = audits - (SELECT count(*)"
        f" {audits} AND f.result = audit_counts.result) WHERE initiative = {key}"
    )


_AUDITS_EMPTIED = "DELETE FROM audit_counts WHERE audits <= 0"
_AUDIT_TRIGGERS = {
    # Every write path meets these (the app, the command line, undo, import, restore, a person
    # with sqlite3); they write only audit_counts: no row's version, no event.
    "followups_audits_on_insert": ("AFTER INSERT ON followups", None, [_audit_counted("NEW", "+")]),
    "followups_audits_on_delete": (
        "AFTER DELETE ON followups",
        None,
        [_audit_counted("OLD", "-"), _AUDITS_EMPTIED],
    ),
    "followups_audits_on_update": (
        "AFTER UPDATE OF action_id, done_at, result, checkin_id ON followups",
        "OLD.action_id IS NOT NEW.action_id OR OLD.done_at IS NOT NEW.done_at"
        " OR OLD.result IS NOT NEW.result OR OLD.checkin_id IS NOT NEW.checkin_id",
        [_audit_counted("OLD", "-"), _AUDITS_EMPTIED, _audit_counted("NEW", "+")],
    ),
    # An action put under another initiative (undo, import, a hand edit), gone, or back.
    "actions_audits_on_insert": ("AFTER INSERT ON actions", None, [_action_audits("NEW", "+")]),
    "actions_audits_on_update": (
        "AFTER UPDATE OF id, initiative_id ON actions",
        "OLD.id IS NOT NEW.id OR OLD.initiative_id IS NOT NEW.initiative_id",
        [_action_audits("OLD", "-"), _AUDITS_EMPTIED, _action_audits("NEW", "+")],
    ),
    "actions_audits_on_delete": (
        "AFTER DELETE ON actions",
        None,
        [_action_audits("OLD", "-"), _AUDITS_EMPTIED],
    ),
}


def _audits_kept(conn: sqlite3.Connection) -> None:
    """The flow view's follow-up audits recorded, per initiative and result, without joining
    every audit ever made to its action at every paint (issue 14: 72 000 on the huge file,
    85 ms): ``audit_counts``, kept by triggers on the audits and the actions. Those due and
    not recorded depend on the day: read from the open audits' own (due) index."""
    conn.execute(
        "CREATE TABLE audit_counts (initiative INTEGER NOT NULL, result TEXT NOT NULL,"
        " audits INTEGER NOT NULL, PRIMARY KEY (initiative, result)) WITHOUT ROWID"
    )
    _count_audits(conn)


def _count_audits(conn: sqlite3.Connection) -> None:
    """``audit_counts`` filled from the audits, and the triggers that keep it made."""
    conn.execute(
        "INSERT INTO audit_counts (initiative, result, audits) " + AUDIT_COUNTS_OF.format(only="")
    )
    for name, (when, condition, statements) in _AUDIT_TRIGGERS.items():
        guard = f" WHEN {condition}" if condition else ""
        body = "".join(f" {statement};" for statement in statements)
        conn.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW{guard} BEGIN{body} END")


def _audits_recorded(conn: sqlite3.Connection) -> None:
    """Audits count once recorded themselves (``_AUDIT_COUNTED``): the audits a slip closes
    with it no longer count as slipped. The counts are made again, and their triggers."""
    for name in _AUDIT_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute("DELETE FROM audit_counts")
    _count_audits(conn)


# The columns of each table pdca writes, by kind: text (TEXT) or a number (INTEGER, REAL).
# SQLite keeps what it is given where its type affinity cannot convert it: a blob anywhere,
# text that is no number in a number column. Only a write outside pdca (sqlite3 by hand) can
# give one, and reads then failed far from the cause (a blob title crashed every view). The
# triggers of 0021 refuse such a write at once, naming the column, whoever makes it.
# Affinity is applied before a BEFORE trigger sees NEW (checked on SQLite 3.40): 14 written
# to a text column is '14' there, '15' to a number column 15. Kept tables are left out:
# SQLite's own triggers fill them from these.
_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "actions": (
        ("title", "notes", "owner", "phase", "due", "verdict", "decision", "phase_since",
         "done_at", "created_by", "created_at", "updated_at", "priority", "last_checkin_at",
         "last_checkin_status"),
        ("initiative_id", "kpi_id", "parent_id", "cycle", "version", "recurrence_id"),
    ),
    "checkins": (
        ("at", "author", "status", "kind", "result", "message"),
        ("action_id", "version"),
    ),
    "kpi_readings": (("at", "note", "author"), ("kpi_id", "value", "version")),
    "people": (("login", "name", "created_at"), ("version",)),
    "initiatives": (
        ("name", "objective", "owner", "created_at", "updated_at"),
        ("version",),
    ),
    "kpis": (
        ("name", "unit", "direction", "target_date", "cadence", "owner", "escalation",
         "perspective", "benchmark_source", "created_at", "updated_at", "alerts_mode",
         "baseline_from", "baseline_to"),
        ("baseline", "target", "warn", "alert", "benchmark", "initiative_id", "version"),
    ),
    "alerts": (
        ("raised_at", "assignee", "ack_due", "acknowledged_at", "acknowledged_by", "ack_note",
         "closed_at", "rule", "rule_text"),
        ("kpi_id", "reading_id", "escalation_level", "version"),
    ),
    "followups": (
        ("owner", "due", "created_at", "done_at", "done_by", "result"),
        ("action_id", "offset_days", "checkin_id", "reopened_id", "version"),
    ),
    "settings": (("key", "value", "updated_at", "updated_by"), ("version",)),
    "notify_settings": (("key", "value", "updated_at", "updated_by"), ("version",)),
    "recurrences": (
        ("rule", "anchor", "next_due", "stopped_at", "stopped_by", "created_by", "created_at",
         "updated_at"),
        ("version",),
    ),
    "standups": (("at", "by", "since", "people"), ("version",)),
    "notifications": (
        ("key", "recipient", "channel", "kind", "text", "state", "created_at", "claimed_by",
         "claimed_at", "delivered_at", "last_error", "next_try_at"),
        ("attempts", "version"),
    ),
    "sessions": (("login", "host", "started_at", "seen_at"), ("pid",)),
    "events": (
        ("at", "actor", "entity", "op", "summary", "before", "after"),
        ("tx", "entity_id", "undo_of"),
    ),
}  # fmt: skip


# And the shape of what the text columns that pdca reads as dates, times and JSON hold: a
# hand-typed due date of '2026-13-45' or 'tomorrow' crashed every board that showed its card,
# a check-in at 'soon' the log and the owners, broken JSON in the event log the detail and
# undo (a tester). A date is a real day as YYYY-MM-DD (SQLite's date() gives it back
# unchanged; with a modifier it also moves 2026-02-30 on to March), a time UTC to the second as
# pdca writes it (clock.iso).
_DATES: dict[str, tuple[str, ...]] = {
    "actions": ("due",),
    "followups": ("due",),
    "kpis": ("target_date", "baseline_from", "baseline_to"),
    "recurrences": ("anchor", "next_due"),
}
_TIMES: dict[str, tuple[str, ...]] = {
    "actions": ("phase_since", "done_at", "created_at", "updated_at", "last_checkin_at"),
    "checkins": ("at",),
    "kpi_readings": ("at",),
    "people": ("created_at",),
    "initiatives": ("created_at", "updated_at"),
    "kpis": ("created_at", "updated_at"),
    "alerts": ("raised_at", "ack_due", "acknowledged_at", "closed_at"),
    "followups": ("created_at", "done_at"),
    "settings": ("updated_at",),
    "notify_settings": ("updated_at",),
    "recurrences": ("stopped_at", "created_at", "updated_at"),
    "standups": ("at", "since"),
    "notifications": ("created_at", "claimed_at", "delivered_at", "next_try_at"),
    "sessions": ("started_at", "seen_at"),
    "events": ("at",),
}
# The columns whose CHECK names their values: the guard says them too, so that a write with
# ``PRAGMA ignore_check_constraints`` on (a tester put phase 'doing' in so: the board stopped
# on it, and doctor, reading, could not see it) is refused all the same.
_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "actions": {
        "phase": ("plan", "do", "check", "act"),
        "verdict": ("worked", "partly", "did-not"),
        "decision": ("standardize", "adjust", "abandon"),
        "priority": ("high", "normal", "low"),
    },
    "checkins": {
        "status": ("on-track", "at-risk", "blocked"),
        "kind": ("checkin", "followup"),
        "result": ("holding", "slipped"),
    },
    "followups": {"result": ("holding", "slipped")},
    "kpis": {
        "direction": ("up", "down"),
        "cadence": ("daily", "weekly", "monthly"),
        "alerts_mode": ("thresholds", "signals", "both"),
    },
    "notifications": {
        "channel": ("terminal", "mail", "webhook", "command"),
        "state": ("pending", "delivered", "failed", "skipped"),
    },
    "events": {"op": ("create", "update", "delete")},
}
_JSON: dict[str, tuple[str, ...]] = {"events": ("before", "after")}
# The REAL columns: a KPI's numbers, within what pdca takes (models.NUMBER_LIMIT); every
# other number column is INTEGER.
_MEASURES = {
    "kpi_readings": ("value",),
    "kpis": ("baseline", "target", "warn", "alert", "benchmark"),
}
_LISTS: dict[str, tuple[str, ...]] = {"kpis": ("escalation",), "standups": ("people",)}


# Each shape: its columns, the SQL test that is true when a value ({v}) is not of it, and
# what the column takes in words.
# Dates and times within the years pdca takes (db/dates.py; Python reads no year 0).
_SHAPES: list[tuple[dict[str, tuple[str, ...]], str, str]] = [
    (
        _DATES,
        "date({v}, '+0 days') IS NOT {v} OR {v} < '1900-01-01' OR {v} > '9998-12-31'",
        "a date such as 2026-12-31 (a real day, 1900 to 9998)",
    ),
    (
        _TIMES,
        "strftime('%Y-%m-%dT%H:%M:%SZ', {v}, '+0 seconds') IS NOT {v} OR {v} < '1900-01-01'",
        "a UTC time such as 2026-12-31T09:00:00Z",
    ),
    # Valid JSON that starts with "{" is an object (one parse, not two: doctor reads the
    # million snapshots of the huge file in half the time).
    (_JSON, "NOT json_valid({v}) OR substr(ltrim({v}), 1, 1) != '{{'", "a JSON object"),
    (_LISTS, "NOT json_valid({v}) OR substr(ltrim({v}), 1, 1) != '['", "a JSON list such as []"),
]


def _one_of(value: str, kinds: Sequence[str]) -> str:
    """``value = 'a' OR value = 'b'``: the same as ``value IN ('a', 'b')``, but SQLite ran the
    lists of a guard's WHEN, ten of them, at over 100 µs a row: an import of 20 000 readings
    held the write lock for 2.5 s in their events' guard alone, 0.2 s written this way."""
    return "(" + " OR ".join(f"{value} = '{kind}'" for kind in kinds) + ")"


def value_tests(table: str, row: str = "NEW.") -> dict[str, tuple[str, str]]:
    """Each column of ``table`` that ``_KINDS`` and the shapes cover: (an SQL test true when
    the value in ``row`` (``NEW.`` in a trigger, empty for a table's own rows) is wrong, what
    the column takes in words). Doctor asks the same of the rows already there."""
    text, numbers = _KINDS[table]
    tests: dict[str, tuple[str, str]] = {}
    for column in text:
        value = f'{row}"{column}"'
        wrong, takes = f"typeof({value}) = 'blob'", "text, not a value of another kind"
        shaped = next((shape for shape in _SHAPES if column in shape[0].get(table, ())), None)
        if shaped is not None:
            wrong += f" OR ({value} IS NOT NULL AND ({shaped[1].format(v=value)}))"
            takes = shaped[2]
        elif column in _CHOICES.get(table, {}):
            choices = _CHOICES[table][column]
            wrong += f" OR ({value} IS NOT NULL AND NOT {_one_of(value, choices)})"
            takes = "one of " + ", ".join(choices)
        tests[column] = (wrong, takes)
    for column in numbers:
        value = f'{row}"{column}"'
        if column in _MEASURES.get(table, ()):  # an infinity (9e999) is a REAL too
            wrong = f"{_one_of(f'typeof({value})', ('text', 'blob'))} OR abs({value}) > 1e15"
            tests[column] = (wrong, "a number from -1e15 to 1e15")
        else:  # 1.5 in a count or an id is a REAL in an INTEGER column
            wrong = _one_of(f"typeof({value})", ("text", "blob", "real"))
            tests[column] = (wrong, "a whole number, not a value of another kind")
    return tests


def _kind_guards() -> dict[str, str]:
    """The CREATE TRIGGER of each table's guard, on insert and on update, by name: one test
    of every column (``WHEN``) on the way in, then the first wrong column named. An update is
    tested on the columns it changes alone: a row that held an odd value from before the
    guards (read as ever) is still written by pdca's own updates of its other columns (a
    reviewer: an alert's old ``raised_at`` stopped every escalation and notification)."""
    made = {}
    for table in _KINDS:
        tests = value_tests(table)
        for op in ("insert", "update"):
            changed = {
                column: wrong
                if op == "insert"
                else f'NEW."{column}" IS NOT OLD."{column}" AND ({wrong})'
                for column, (wrong, _) in tests.items()
            }
            body = "".join(
                f" SELECT RAISE(ABORT, '{table}.{column} takes {takes}: nothing written')"
                f" WHERE {changed[column]};"
                for column, (_, takes) in tests.items()
            )
            guard = " OR ".join(f"({test})" for test in changed.values())
            name = f"{table}_kinds_on_{op}"
            made[name] = (
                f"CREATE TRIGGER {name} BEFORE {op.upper()} ON {table} FOR EACH ROW"
                f" WHEN {guard} BEGIN{body} END"
            )
    return made


def unreadable_values(conn: sqlite3.Connection) -> list[str]:
    """The values already in a file that its guards would refuse (``value_tests``): per
    table, how many rows and the first with its column (``alerts: 1 row (first id 88: ack_due
    takes a UTC time …)``). One pass over each table; a table or column an older schema lacks
    is passed over. What doctor's ``values`` check and an upgrade to schema 21 say."""
    found = []
    for table in _KINDS:
        # Only the columns the file has: SQLite reads a double-quoted name it does not know
        # as a string, and "priority" failed every row of a file from before that column
        # (a tester: doctor failed every healthy file older than schema 10).
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        tests = {
            column: test for column, test in value_tests(table, row="").items() if column in columns
        }
        if not tests:
            continue  # an older schema without that table yet
        wrong = " OR ".join(f"({test})" for test, _ in tests.values())
        try:
            rows = conn.execute(f"SELECT id FROM {table} WHERE {wrong}").fetchall()
        except sqlite3.OperationalError:  # an older schema's table of another shape
            continue
        if not rows:
            continue
        first = rows[0][0]
        column, takes = next(
            (column, takes)
            for column, (test, takes) in tests.items()
            if conn.execute(f"SELECT 1 FROM {table} WHERE id = ? AND ({test})", (first,)).fetchone()
        )
        count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        found.append(f"{table}: {count} (first id {first}: {column} takes {takes})")
    return found + text_not_utf8(conn)


def _holds_bytes_not_utf8(*values: bytes | None) -> bool:
    for value in values:
        if value is not None:
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return True
    return False


def text_not_utf8(conn: sqlite3.Connection) -> list[str]:
    """Text values that are not UTF-8, which no guard can refuse (SQLite keeps the bytes it is
    given): per table, how many rows and the first with its column. pdca reads their bad bytes
    as U+FFFD (connection.LENIENT_TEXT). The event log is passed over: pdca writes it, from
    text it has read, and it is the biggest table by far."""
    conn.create_function("pdca_not_utf8", -1, _holds_bytes_not_utf8, deterministic=True)
    found = []
    for table, (texts, _) in _KINDS.items():
        if table == "events":
            continue
        try:
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            columns = [column for column in texts if column in present]
            if not columns:
                continue
            blobs = ", ".join(  # text only: a blob is named by the kinds check, as a blob
                f"""CASE WHEN typeof("{column}") = 'text' THEN CAST("{column}" AS BLOB) END"""
                for column in columns
            )
            rows = conn.execute(f"SELECT id FROM {table} WHERE pdca_not_utf8({blobs})").fetchall()
        except sqlite3.OperationalError:  # a table an older schema has not got yet
            continue
        if not rows:
            continue
        first = rows[0][0]
        column = next(
            column
            for column in columns
            if conn.execute(
                f"""SELECT typeof("{column}") = 'text'"""
                f""" AND pdca_not_utf8(CAST("{column}" AS BLOB)) FROM {table} WHERE id = ?""",
                (first,),
            ).fetchone()[0]
        )
        count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        found.append(f"{table}: {count} (first id {first}: {column} holds text that is not UTF-8)")
    return found


def _kinds_guarded(conn: sqlite3.Connection) -> None:
    """Each table refuses a value SQLite would keep in the wrong kind (``_KINDS``), and a
    date, time or JSON that pdca could not read (``value_tests``)."""
    for sql in _kind_guards().values():
        conn.execute(sql)


def _guards_without_lists(conn: sqlite3.Connection) -> None:
    """The guards again, their ``IN`` lists written as ``OR``s (``_one_of``): the same tests,
    a tenth of the time a bulk write spent in them. Also puts right a file whose guards came
    from an earlier build of schema 21."""
    for name, sql in _kind_guards().items():
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute(sql)


def _stay_triggers_remade(conn: sqlite3.Connection) -> None:
    """The flow's stays triggers made again as 0014 makes them now: a file made by a build
    of schema 14 from before they were amended (searching the log by id and transaction)
    kept the first ones, which doctor named as not pdca's and restore refused in every
    backup of that file (a tester). What they keep is the same; only the search differs.

    Only over the table they write as it is now: a build of its first six minutes made it
    with other columns, and today's triggers on it refused every write ("no column named
    id", a reviewer); there the first triggers stay, as they were, for doctor --repair."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(action_stays)")}
    if not {"id", "action_id", "tx", "phase", "next", "at", "days"} <= columns:
        return
    for name in _STAY_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    _create_stay_triggers(conn)


def _local_days(conn: sqlite3.Connection) -> None:
    """The plain-data views' overdue flag on the reader's local day, as pdca counts days
    (README: "Dates and times"): on the UTC day, work due today was overdue every evening
    west of UTC in sqlite3 (a tester). ``localtime`` is the reading process's own zone.

    Its own migration, never folded into 0025: a build that had it there for half an hour
    upgraded a team's file to 25 with the old views, and no later upgrade would have mended
    it (a tester). So a view already on the local day is left as it is."""
    for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'view'"
        " AND name IN ('open_actions', 'owner_load')"
    ).fetchall():
        if "date('now')" in sql:
            conn.execute(f"DROP VIEW {name}")
            conn.execute(sql.replace("date('now')", "date('now', 'localtime')"))


def _checkin_history(conn: sqlite3.Connection) -> None:
    """An action's history names its undone check-ins too (``pdca show``, the board's detail):
    their rows are gone, so only the change they made says whose they were (a tester saw
    "undid: checked in on #1" and then no trace of it in ``pdca show 1``)."""
    conn.execute("CREATE INDEX idx_event_changes_action ON event_changes (action_id, kind)")


def _child_indexes(conn: sqlite3.Connection) -> None:
    """The follow-ups' references to an action and a check-in indexed: deleting an action
    (an undo of an import) made SQLite's foreign-key check read every follow-up, 10 ms an
    action, and an undone import of 8 000 rows held the lock for 74 s while others' writes
    failed (a reviewer, on the 100k file). And the acknowledgements notify tells of, read
    down their own index rather than every change of the last days (82 000 at 100k)."""
    conn.execute("CREATE INDEX idx_followups_reopened_id ON followups (reopened_id)")
    conn.execute("CREATE INDEX idx_followups_checkin_id ON followups (checkin_id)")
    conn.execute(
        "CREATE INDEX idx_event_changes_acknowledged ON event_changes (at)"
        " WHERE kind = 'alert-acknowledged'"
    )


def _alert_reopened(conn: sqlite3.Connection) -> None:
    """The stand-up tells an alert reopened (``alert-reopened``: the reading that closed it
    removed, ``pdca kpi remove-reading``): it said the alert had closed, by a reading gone,
    and never that it waited again (a tester). The triggers made again with the new
    ``_CHANGE_KIND``, and the reopenings already in the log added (alert updates only)."""
    for name in _CHANGE_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    _create_change_triggers(conn)
    fill = _CHANGE_ROW.format(
        e="e", source="FROM (SELECT * FROM events WHERE entity = 'alert' AND op = 'update') e"
    )
    conn.execute(fill.replace("WHERE kind IS NOT NULL", "WHERE kind = 'alert-reopened'"))


def _undos_by_time(conn: sqlite3.Connection) -> None:
    """The undos of a time window, read down their own small index by time: a stand-up
    checks each of its changes against the window's undos, and searching the undos' index
    once per change cost a third of its reading (37 600 changes in a weekend at 100 000
    actions). The undos by ``undo_of`` alone were read in full, whenever they were, to find
    the window's: a file's years of undos (an undone import writes thousands) would have
    grown every stand-up with them."""
    conn.execute(
        "CREATE INDEX idx_events_undos_at ON events (at, id, undo_of, entity)"
        " WHERE undo_of IS NOT NULL"
    )


Migration = tuple[str, Callable[[sqlite3.Connection], None]]

MIGRATIONS: list[Migration] = [
    ("0001_initial", _initial),
    ("0002_presence", _presence),
    ("0003_accountability", _accountability),
    ("0004_kpis", _kpis),
    ("0005_ids_never_reused", _ids_never_reused),
    ("0006_notify", _notify),
    ("0007_signals", _signals),
    ("0008_recurrence", _recurrence),
    ("0009_flow", _flow),
    ("0010_scale", _scale),
    ("0011_last_checkin", _last_checkin),
    ("0012_owners_index", _owners_index),
    ("0013_initiative_index", _initiative_index),
    ("0014_flow_kept", _flow_kept),
    ("0015_event_changes", _event_changes),
    ("0016_health_index", _health_index),
    ("0017_flow_ranks", _flow_ranks),
    ("0018_cadence_kept", _cadence_kept),
    ("0019_audits_kept", _audits_kept),
    ("0020_audits_recorded", _audits_recorded),
    ("0021_kinds_guarded", _kinds_guarded),
    ("0022_guards_without_lists", _guards_without_lists),
    ("0023_standup_kinds", _standup_kinds),
    ("0024_followup_handovers", _followup_handovers),
    ("0025_stay_triggers_remade", _stay_triggers_remade),
    ("0026_local_days", _local_days),
    ("0027_checkin_history", _checkin_history),
    ("0028_child_indexes", _child_indexes),
    ("0029_alert_reopened", _alert_reopened),
    ("0030_undos_by_time", _undos_by_time),
]


def schema_version() -> int:
    return len(MIGRATIONS)


class Upgrade(NamedTuple):  # quick to make at import, as models.ActionFields
    """An upgrade this process made: the file, from which schema version to which, and the
    copy of it kept before (``FILE.vN.bak``)."""

    path: Path
    from_version: int
    to_version: int
    backup: Path
    # What the file held that pdca cannot read (``unreadable_values``), looked for once, when
    # an upgrade brings the guards (schema 21): a tester's old odd values then crashed whole
    # commands, and nothing had said why.
    unreadable: tuple[str, ...] = ()

    def notice(self) -> str:
        """One line for stderr or the app (no ``pdca:`` in front): what changed, where the
        file as it was is, and what the others on it must do (an older pdca already running
        does not know; one started anew refuses the file)."""
        said = (
            f"upgraded {self.path} from schema version {self.from_version} to "
            f"{self.to_version} (the file as it was: {self.backup}); anyone running an older "
            "pdca on it must quit it and start this one"
        )
        if self.unreadable:
            said += (
                f"; it holds values pdca cannot read ({'; '.join(self.unreadable[:2])}"
                f"{' …' if len(self.unreadable) > 2 else ''}): put them right, see pdca doctor"
            )
        return said


def newer_than_known(path: Path | str, version: int) -> str:
    """Why a process that knows up to ``schema_version()`` writes nothing more to a file a
    newer pdca upgraded under it to ``version``: one line, nothing written."""
    return (
        f"{path}: the file was upgraded to schema {version} by a newer pdca (this one knows "
        f"up to {schema_version()}); nothing written: use the newer pdca (install it, or"
        " restart this one if it was installed since it started)"
    )


def read_versions(conn: sqlite3.Connection) -> tuple[int, int]:
    """(application_id, user_version) of an open file; reading them writes nothing."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    return application_id, user_version


def bytes_but_no_database(conn: sqlite3.Connection, path: Path | None = None) -> bool:
    """Whether the file ``conn`` reads (at ``path``) holds bytes that SQLite reads as an
    empty database: ``echo > team.db`` is one byte and no page. It was called "an empty
    file", and init wrote a database over it (a hostile trial): it is no database."""
    if conn.execute("PRAGMA page_count").fetchone()[0] != 0:
        return False
    if path is None:  # the main database's own file, as SQLite names it
        path = Path(conn.execute("PRAGMA database_list").fetchone()[2] or "")
    try:
        return os.stat(path).st_size > 0 if str(path) else False
    except OSError:  # gone: what SQLite read stands
        return False


def identify(conn: sqlite3.Connection, path: Path) -> int | None:
    """The file's pdca schema version, or None for an empty file; anything else is refused.

    Only reads: SQLite answers "file is not a database" without changing a byte, and reading
    the schema table finds a damaged first page or schema.
    """
    if bytes_but_no_database(conn, path):
        raise DatabaseProblem(f"{path}: not a SQLite database (left untouched){WHICH_FILE}")
    if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
        return None
    application_id, user_version = read_versions(conn)
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if application_id == 0 and user_version == 0 and tables == 0:
        return None  # a SQLite file nobody has put anything in yet
    if application_id != APPLICATION_ID:
        from pdca.db.copies import mark_set_back  # read only off the usual path

        if said := mark_set_back(conn, path):  # pdca's tables, its mark cleared by hand
            raise DatabaseProblem(f"{path}: {said}")
        raise DatabaseProblem(
            f"{path}: a SQLite database, but not a pdca one (left untouched){WHICH_FILE}"
        )
    if user_version < 1:  # pdca sets its mark and version 1 or more in one transaction
        raise DatabaseProblem(
            f"{path} has pdca's mark but schema version {user_version}, which no pdca writes "
            "(left untouched): restore a backup, or ask whoever changed it"
        )
    if user_version > schema_version():
        raise DatabaseProblem(
            f"{path} has schema version {user_version}; this pdca knows up to version "
            f"{schema_version()}: upgrade pdca to open it (or restart it, if it was upgraded"
            " since it started)"
        )  # an open board met this, and its person had the newer pdca already (a tester)
    return user_version


def backup_name(path: Path, version: int, counter: int) -> Path:
    """``pdca.db.v4.bak``, then ``pdca.db.v4.2.bak`` ... : the copy kept before an upgrade."""
    suffix = f"v{version}.bak" if counter == 1 else f"v{version}.{counter}.bak"
    return path.with_name(f"{path.name}.{suffix}")


def _publish(temporary: Path, path: Path, version: int) -> Path:
    """Give the complete copy ``temporary`` its backup name, never replacing another's."""
    counter = 1
    while True:
        candidate = backup_name(path, version, counter)
        try:
            os.link(temporary, candidate)
        except FileExistsError:
            counter += 1
            continue
        except OSError:  # no hard links on this filesystem: rename, looking first
            if os.path.lexists(candidate):
                counter += 1
                continue
            os.rename(temporary, candidate)
        return candidate


def kept_copy_of(path: Path, version: int) -> Path | None:
    """The live file ``path`` is the copy kept before an upgrade of (``pdca.db.vN.bak`` of
    ``pdca.db``, holding an older schema), or None."""
    kept = re.fullmatch(r"(.+)\.v\d+(\.\d+)?\.bak", Path(path).name)
    if kept is None or not 0 < version < schema_version():
        return None
    return Path(path).with_name(kept.group(1))


def refuse_the_kept_copy(path: Path, version: int) -> None:
    """Refuse to open ``pdca.db.vN.bak`` (the copy kept before an upgrade) when it would be
    upgraded: it would no longer be the file as it was before the upgrade it was kept for
    (a tester opened one to look, and the copy itself was upgraded)."""
    live = kept_copy_of(path, version)
    if live is None:
        return
    raise DatabaseProblem(
        f"{path} is the copy kept before an upgrade (schema {version}): this pdca would"
        f" upgrade the copy itself; nothing changed: to go back to it, pdca --db"
        f" {shell_word(live)} restore {shell_word(Path(path))}"
    )


# An upgrade still going after this long is said before it ends (``migrate``'s ``announce``):
# on the 100k file it takes 8-11 s, with the copy, and a silent command that long reads as
# hung, while everyone else's writes wait on it.
ANNOUNCE_AFTER = 1.0
WAIT_TOLD_AFTER = 1.0  # a wait for the write lock, once the copy was told: told if it lasts


def migrate(
    conn: sqlite3.Connection,
    path: Path,
    *,
    writable: bool,
    current: int | None = None,
    announce: Callable[[str], None] | None = None,
) -> Path | None:
    """Bring the file to this pdca's schema; return the backup made first, if one was.

    ``announce`` is given one line, from another thread, when the upgrade of a file that
    holds data is still going after ``ANNOUNCE_AFTER`` seconds (a small file's upgrade says
    nothing until it is done).

    The backup is written by SQLite (``VACUUM INTO``) under a temporary name and given its
    real name only once complete and only by the process that really upgrades (inside the
    write lock): a migration killed half-way never leaves a partial copy under the name
    people are told to restore. ``current``: the version the caller has just read (else it
    is read here); it is read again inside the write lock before anything changes.
    """
    if current is None:
        current = identify(conn, path) or 0
    if current == schema_version():
        return None
    if not writable:
        from pdca.db.access import describe_owner, login_name, write_advice

        # Who owns what, and what to ask for, as every other read-only line says (a tester).
        # The simple way first: it read as last resort after the group's chmod (a tester);
        # but only when the owner may write it: of a file 0440 it was said to its owner too
        # (a trial of upgrade day).
        owner_may = _owner_may_write(Path(path))
        # The file writable, its folder not: the folder named (the file's 0660 with the
        # person in its group was said to bar them, a trial of upgrade day).
        folder = Path(path).parent
        barred = (
            f"may not write in its folder ({describe_owner(folder)})"
            if os.access(path, os.W_OK) and not os.access(folder, os.W_OK | os.X_OK)
            else f"may not write it ({describe_owner(Path(path))})"
        )
        raise ReadOnlyDatabase(
            f"{path} needs upgrading from schema version {current} to {schema_version()}, "
            f"but {login_name()} {barred}: "
            + (
                "ask its owner to run any pdca command on it once, which upgrades it; or "
                if owner_may
                else ""
            )
            + write_advice(Path(path))
        )
    temporary = temporary_name(path, "bak") if current > 0 else None
    told = _UpgradeTold(announce if temporary is not None else None, path, current)
    try:
        backup = _upgrade(conn, path, current, temporary, told)
    except sqlite3.OperationalError as error:
        # A step meets what a later one made: the version was lowered by hand ("table
        # notifications already exists; owned by root", a tester). Said, with its PRAGMA,
        # when the file's objects are this pdca's very own; read only once it failed.
        if "already exists" in str(error):
            from pdca.db.copies import mark_set_back

            if said := mark_set_back(conn, path):
                raise DatabaseProblem(f"{path}: {said}") from None
        raise
    except BaseException as error:
        if not isinstance(error, Exception):  # a stop (Ctrl-C, SIGTERM), before its own word
            with contextlib.suppress(sqlite3.Error):
                if conn.execute("PRAGMA user_version").fetchone()[0] == current:
                    told.stopped()
        raise
    finally:
        told.done()
    sweep_leftovers(path)
    return backup


def _owner_may_write(path: Path) -> bool:
    """Whether someone else owns ``path`` and may write it: its owner's write bit, and the
    folder's for them (SQLite writes its -wal and -shm there; a file of ben's in root's
    0755 folder was "ask its owner", whose pdca refused too: a reviewer). The folder's
    group bits are taken as theirs when it has the file's group (a team folder)."""
    try:
        info = path.stat()
        folder = path.parent.stat()
    except OSError:
        return False
    if info.st_uid == os.geteuid() or not info.st_mode & 0o200:
        return False
    if folder.st_uid == info.st_uid:
        return bool(folder.st_mode & 0o200)
    if folder.st_gid == info.st_gid:
        return bool(folder.st_mode & 0o020)
    return bool(folder.st_mode & 0o002)


class _UpgradeTold:
    """What a person is told of an upgrade that takes long (``announce``; None: nothing):
    one line after ``ANNOUNCE_AFTER`` seconds, which says what it is doing then. Waiting for
    a colleague's write, it said "others' writes wait for it" (a reviewer); once the wait is
    over, that line follows. A stop after a word says the file was left as it was."""

    def __init__(self, announce: Callable[[str], None] | None, path: Path, version: int) -> None:
        self.announce = announce
        self.upgrading = f"upgrading {path} from schema version {version} to {schema_version()}"
        self.path = path
        self.version = version
        self.stage = "copy"  # "copy", "wait" (for the write lock), "change"
        self.said: list[str] = []  # the stages told
        self._lock = threading.Lock()
        self._timer = None
        if announce is not None:
            self._timer = threading.Timer(ANNOUNCE_AFTER, self._say_the_stage)
            self._timer.daemon = True
            self._timer.start()

    def _say(self, stage: str) -> None:
        if self.announce is None or stage in self.said:
            return
        self.said.append(stage)
        if stage == "wait":
            self.announce(f"{self.upgrading}: waiting for another process's write to end first")
        else:  # its copy is made by now, after a wait
            first = ": the wait is over" if "wait" in self.said else " (a copy first)"
            self.announce(
                f"{self.upgrading}{first}; on a large file this takes a while, and others'"
                " writes wait for it"
            )

    def _say_the_stage(self) -> None:
        with self._lock:
            if self.stage == "done":  # a timer that fired as another's upgrade was found
                return
            self._say("wait" if self.stage == "wait" else "change")

    def enter(self, stage: str) -> None:
        with self._lock:
            self.stage = stage
            if stage == "change" and "wait" in self.said:  # the wait was told: now the rest
                self._say("change")
            if stage == "wait" and self.said and self._timer is not None:
                # Told already, during the copy: a wait after it is told once it lasts (a
                # reviewer: it waited without a word).
                self._timer.cancel()
                self._timer = threading.Timer(WAIT_TOLD_AFTER, self._say_the_stage)
                self._timer.daemon = True
                self._timer.start()

    def upgraded_meanwhile(self, version: int) -> None:
        """The write waited for was another pdca's upgrade of the file: nothing left to do,
        said after a word of this one's (and no word more)."""
        with self._lock:
            self.stage = "done"
            if self._timer is not None:
                self._timer.cancel()
            if self.said and self.announce is not None:
                self.announce(
                    f"{self.path} was upgraded to schema version {version} by another pdca"
                    " meanwhile: nothing more to do"
                )

    def stopped(self) -> None:
        with self._lock:
            if self.said and self.announce is not None:
                self.announce(
                    f"the upgrade of {self.path} was stopped: it is left at schema version"
                    f" {self.version}, as it was"
                )

    def done(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _upgrade(
    conn: sqlite3.Connection,
    path: Path,
    current: int,
    temporary: Path | None,
    told: _UpgradeTold,
) -> Path | None:
    """``migrate``'s work: the copy kept (to ``temporary``, when the file holds data), then
    the change in one write transaction; the copy kept, or None."""
    copied = current
    backup = None
    seen = 0

    try:
        if temporary is not None:  # it holds data: keep a copy as it was
            # Copied before the write lock is taken, so that others' writes do not wait
            # for the copy of a big file as well as for the upgrade (5 s at 1 GB).
            seen = _data_version(conn)
            _copy_into(conn, temporary, path)
        # A table rebuild drops a table that others refer to; SQLite's own procedure turns
        # the checks off around it (only possible outside a transaction) and checks every
        # reference before the commit instead.
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            told.enter("wait")
            begin_in_goes(conn)  # a stop while another holds the lock is answered at once
            current = identify(conn, path) or 0  # someone may have upgraded while we waited
            if current >= schema_version():
                # "the wait is over; … this takes a while", then not a word: the write waited
                # for was a colleague's upgrade of the file (a trial's two commands at once)
                told.upgraded_meanwhile(current)
            else:
                told.enter("change")
                dangling = len(conn.execute("PRAGMA foreign_key_check").fetchall())
                if temporary is not None:
                    if _data_version(conn) != seen:
                        # Someone wrote after the copy began: the copy "as it was" lacked
                        # their last writes (a trial: 3 check-ins of a colleague's loop). It
                        # is made again, now that nobody else can write, through a second
                        # connection: this one's open transaction cannot VACUUM.
                        temporary.unlink(missing_ok=True)
                        _copy_through_another_connection(temporary, path)
                        copied = current
                    backup = _publish(temporary, path, copied)
                if current == 0:
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                for _name, step in MIGRATIONS[current:]:
                    step(conn)
                conn.execute(f"PRAGMA user_version = {schema_version()}")
                if len(conn.execute("PRAGMA foreign_key_check").fetchall()) > dangling:
                    raise DatabaseProblem(
                        f"{path}: the upgrade would leave dangling references; nothing changed"
                    )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if backup is not None:  # a copy of the file as it still is: ours, of no use now
                # Left whole by an upgrade the full disk refused, it took the room the next
                # try needed, and every command said only "the disk is full" (a tester).
                backup.unlink(missing_ok=True)
                backup = None
            raise
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode != sqlite3.SQLITE_FULL:
            raise
        if copied == 0:  # a new file, under its scratch name: "upgrading .new.db.vm.1.new
            # from schema version 0" named neither the file nor what failed (a tester)
            raise DatabaseProblem(
                f"the disk is full: no room to make a new database in {path.parent}; nothing"
                " made: free some space, then run pdca again"
            ) from None
        size = path.stat().st_size
        raise DatabaseProblem(
            f"{path}: upgrading it from schema version {copied} to {schema_version()} needs"
            f" room for a copy of it and for the upgrade (the file is about"
            f" {max(1, round(size / 2**20))} MB), and the disk is full; nothing changed:"
            " free some space, then run pdca again"
        ) from None
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
        if temporary is not None:
            temporary.unlink(missing_ok=True)
            Path(f"{temporary}-journal").unlink(missing_ok=True)
    return backup


def _data_version(conn: sqlite3.Connection) -> int:
    """SQLite's count of the commits others made to the file (``PRAGMA data_version``)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _copy_into(conn: sqlite3.Connection, temporary: Path, path: Path) -> None:
    """A copy of the file through ``conn`` (SQLite's ``VACUUM INTO``), with the file's mode
    and group. The name's bytes, cast to text: a folder whose name is not UTF-8 has no str
    SQLite can be given (a reviewer's upgrade there crashed)."""
    conn.execute("VACUUM INTO CAST(? AS TEXT)", (os.fsencode(temporary),))
    temporary.chmod(path.stat().st_mode & 0o660)
    _give_the_directory_group(temporary)


def _copy_through_another_connection(temporary: Path, path: Path) -> None:
    """``_copy_into`` through a read-only connection of its own, while this process holds the
    write lock on another: it reads the last commit, which nobody can follow now."""
    from pdca.db.connection import uri_path  # it imports this module

    reader = sqlite3.connect(f"file:{uri_path(path)}?mode=ro", uri=True, isolation_level=None)
    try:
        _copy_into(reader, temporary, path)
    finally:
        reader.close()


def _host() -> str:
    """This machine's name for temporary copies. ``os.uname`` is what ``socket.gethostname``
    reads on Unix; importing socket (and secrets) cost every command line run ~10 ms."""
    return os.uname().nodename.replace(".", "-") or "host"


def readable_reading(alias: str = "") -> str:
    """The SQL test (`` AND ...``) a KPI reading passes when pdca can read it: a number, at a
    time. One typed in by hand before schema 21 (``12,5``, ``yesterday``) makes no figure:
    it failed every chart and alert of its KPI, and sorted as its "latest" reading (a
    tester). ``alias``: the table's, with its dot (``r2.``). In Python:
    ``kpi_rules.is_a_reading``."""
    return f" AND typeof({alias}value) IN ('integer', 'real') AND julianday({alias}at) IS NOT NULL"


def _give_the_directory_group(made: Path) -> None:
    """A copy made in a team directory without setgid gets the directory's group, as the
    database and its -wal/-shm do: a tester's upgrade copy was left in the upgrader's own
    group, which the rest of the team could not open to restore."""
    from pdca.db.filesystem import directory_is_group_shared

    if directory_is_group_shared(made.parent):
        with contextlib.suppress(OSError):
            os.chown(made, -1, made.parent.stat().st_gid, follow_symlinks=False)


def temporary_name(path: Path, kind: str) -> Path:
    """``.pdca.db.<host>.<pid>.<random>.<kind>``: a name nobody else will pick, which says
    whose it is, so that only its own host sweeps it up once that process is gone."""
    return path.with_name(f".{path.name}.{_host()}.{os.getpid()}.{os.urandom(4).hex()}.{kind}")


def sweep_leftovers(path: Path) -> None:
    """Remove the temporary copies (``temporary_name``) that pdca processes killed half-way
    left behind: only names of that form, made on this host, by a process that is no longer
    running, at least an hour ago. Never the database's own files."""
    host = _host()
    kinds = ("bak", "new", "bak-journal", "new-journal")
    for leftover in path.parent.glob(f".{path.name}.{host}.*"):
        parts = leftover.name.removeprefix(f".{path.name}.{host}.").split(".")
        if len(parts) != 3 or parts[2] not in kinds or not parts[0].isdigit():
            continue
        try:
            if time.time() - leftover.lstat().st_mtime < LEFTOVER_AGE_SECONDS:
                continue
            os.kill(int(parts[0]), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except (OSError, OverflowError):
            continue  # gone already, or another user's process that still runs


LEFTOVER_AGE_SECONDS = 3600


def parent_cycle(conn: sqlite3.Connection) -> int | None:
    """An action whose chain of earlier cycles (``parent_id``) leads back to itself, or None.
    pdca's own writes cannot make one (a parent is always older); a tester's hand-made export
    could, and a report of the action's cycles then listed unrelated ones: import refuses
    one, doctor names one. Every action a walk down from the first cycles (no parent) does
    not reach is in a loop or below one, references being whole (both callers check that
    first): one step per action, where walking up from each was quadratic (a reviewer's
    3 000-deep chain took 23 s)."""
    found = conn.execute(
        "WITH RECURSIVE down(id) AS ("
        " SELECT id FROM actions WHERE parent_id IS NULL"
        " UNION SELECT a.id FROM actions a JOIN down ON a.parent_id = down.id)"
        " SELECT id FROM actions WHERE id NOT IN (SELECT id FROM down) ORDER BY id LIMIT 1"
    ).fetchone()
    return None if found is None else int(found[0])
