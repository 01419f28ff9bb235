"""What the shell may complete from the database: open action ids, alerts waiting for an
acknowledgement, logins, initiative and KPI names, follow-ups waiting, repeat rules.
Read-only, never upgrades or creates a file, and a failure of any kind completes nothing (a
Tab key must never print a traceback into someone's prompt)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

LIMIT = 60  # a screenful of candidates; the shell narrows as the person types

# (value, help) pairs whose value starts with the typed prefix. ``substr`` rather than LIKE:
# a name may hold % or _, and LIKE would treat them as wildcards.
QUERIES = {
    "action": "SELECT id, title FROM actions WHERE done_at IS NULL"
    " AND substr(CAST(id AS TEXT), 1, length(:p)) = :p ORDER BY id DESC LIMIT :n",
    "alert": "SELECT a.id, k.name || ' → ' || a.assignee FROM alerts a"
    " JOIN kpis k ON k.id = a.kpi_id WHERE a.closed_at IS NULL AND a.acknowledged_at IS NULL"
    " AND substr(CAST(a.id AS TEXT), 1, length(:p)) = :p ORDER BY a.id DESC LIMIT :n",
    "login": "SELECT login, name FROM people"
    " WHERE substr(login, 1, length(:p)) = :p ORDER BY login LIMIT :n",
    "initiative": "SELECT name, objective FROM initiatives"
    " WHERE substr(lower(name), 1, length(:p)) = lower(:p) ORDER BY name LIMIT :n",
    "kpi": "SELECT name, unit FROM kpis"
    " WHERE substr(lower(name), 1, length(:p)) = lower(:p) ORDER BY name LIMIT :n",
    # The actions with a follow-up audit waiting (pdca followup ID), soonest first.
    "followup": "SELECT f.action_id, a.title || ' (due ' || min(f.due) || ')' FROM followups f"
    " JOIN actions a ON a.id = f.action_id WHERE f.done_at IS NULL"
    " AND substr(CAST(f.action_id AS TEXT), 1, length(:p)) = :p"
    " GROUP BY f.action_id ORDER BY min(f.due) LIMIT :n",
    "rule": "SELECT id, rule FROM recurrences WHERE stopped_at IS NULL"
    " AND substr(CAST(id AS TEXT), 1, length(:p)) = :p ORDER BY id LIMIT :n",
}


def candidates(path: Path, kind: str, prefix: str) -> list[tuple[str, str]]:
    """Values of ``kind`` starting with ``prefix``, each with a short help."""
    if kind in ("action", "alert", "followup", "rule"):
        prefix = prefix.removeprefix("#")
    if not path.is_file():
        return []
    # Read-only through SQLite itself (never pdca's opener, which may set the journal mode
    # or upgrade the schema): a Tab key must not change the file in any way, nor leave a
    # -wal/-shm of its own beside a file nobody has open (a reviewer: in the Tab-presser's
    # group, which locks a team out where the directory has no setgid).
    # On a network filesystem the file keeps a rollback journal, never a -wal/-shm, so
    # "none beside it" does not mean nobody has it open there: a plain read-only open, which
    # makes nothing for such a file (a reviewer).
    from pdca.db.connection import LENIENT_TEXT, uri_path
    from pdca.db.copies import open_copy
    from pdca.db.filesystem import filesystem_of, is_network_filesystem

    path = path.resolve()
    try:
        if is_network_filesystem(filesystem_of(path.parent)):
            connection = sqlite3.connect(f"file:{uri_path(path)}?mode=ro", uri=True, timeout=1)
            connection.text_factory = LENIENT_TEXT
        else:
            connection = open_copy(path, timeout=1)
    except sqlite3.Error:
        return []
    try:
        rows = connection.execute(QUERIES[kind], {"p": prefix, "n": LIMIT}).fetchall()
    except sqlite3.Error:  # not a database, not pdca's, busy, damaged: nothing to offer
        return []
    finally:
        connection.close()
    return [(str(value), str(help_text or "")) for value, help_text in rows]
