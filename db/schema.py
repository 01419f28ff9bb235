"""The schema: ordered, named, forward-only migrations, applied to new and old files alike.

``PRAGMA user_version`` is the number of migrations applied; ``PRAGMA application_id`` marks
the file as pdca's. Upgrades run inside ``BEGIN IMMEDIATE`` and re-read the version there,
because two people may start a new pdca release on the same file at the same moment.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from db.errors import DatabaseProblem, ReadOnlyDatabase

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
            database[table].create_index(columns, index_name=name)
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


Migration = tuple[str, Callable[[sqlite3.Connection], None]]

MIGRATIONS: list[Migration] = [
    ("0001_initial", _initial),
    ("0002_presence", _presence),
    ("0003_accountability", _accountability),
    ("0004_kpis", _kpis),
]


def schema_version() -> int:
    return len(MIGRATIONS)


def read_versions(conn: sqlite3.Connection) -> tuple[int, int]:
    """(application_id, user_version) of an open file; reading them writes nothing."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    return application_id, user_version


def check_compatible(conn: sqlite3.Connection, path: Path) -> int:
    """Refuse a file that is not pdca's or is newer than this pdca; return its schema version."""
    application_id, user_version = read_versions(conn)
    if application_id not in (0, APPLICATION_ID):
        raise DatabaseProblem(f"{path}: a SQLite database, but not a pdca one")
    if application_id == 0 and user_version == 0:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise DatabaseProblem(f"{path}: a SQLite database, but not a pdca one")
    if user_version > schema_version():
        raise DatabaseProblem(
            f"{path} has schema version {user_version}; this pdca knows up to version "
            f"{schema_version()}: upgrade pdca to open it"
        )
    return user_version


def backup_path_for(path: Path, version: int) -> Path:
    """A new, empty backup file's path, created here so that two pdca processes upgrading at
    once never pick the same name (``VACUUM INTO`` fills an empty file, refuses a full one)."""
    counter = 1
    while True:
        suffix = f"v{version}.bak" if counter == 1 else f"v{version}.{counter}.bak"
        candidate = path.with_name(f"{path.name}.{suffix}")
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            counter += 1
            continue
        return candidate


def migrate(conn: sqlite3.Connection, path: Path, *, writable: bool) -> Path | None:
    """Bring the file to this pdca's schema; return the backup made first, if one was."""
    current = check_compatible(conn, path)
    if current == schema_version():
        return None
    if not writable:
        raise ReadOnlyDatabase(
            f"{path} needs upgrading from schema version {current} to {schema_version()}, "
            "but you may not write it: ask its owner to run pdca once"
        )
    backup = None
    holds_data = current > 0
    if holds_data:
        backup = backup_path_for(path, current)
        try:
            conn.execute("VACUUM INTO ?", (str(backup),))
        except BaseException:
            backup.unlink(missing_ok=True)
            raise
        backup.chmod(path.stat().st_mode & 0o666)
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = check_compatible(conn, path)  # someone may have upgraded while we waited
        if current == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for _name, step in MIGRATIONS[current:]:
            step(conn)
        conn.execute(f"PRAGMA user_version = {schema_version()}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return backup
