"""The store: every read and write pdca makes, over one injected connection and clock.

Every write is one ``BEGIN IMMEDIATE`` transaction that checks the row's ``version``, writes,
and appends one event per changed row (who, when, what, before and after), so the data and
its history never disagree. A version mismatch raises ``Conflict``; nothing is overwritten.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from pdca.db import commit_marks, convert, models, rules
from pdca.db.access import (
    RESTART_TO_WRITE,
    cannot_reach,
    describe_owner,
    file_lets_me_write,
    files_report,
    folder_shut_to_writes,
    journals_shut_to_me,
    login_name,
    may_read_now,
    may_write_now,
    read_only_mount,
    read_only_mount_said,
    unreachable_directory,
    write_advice,
)
from pdca.db.clock import Clock, iso
from pdca.db.connection import (
    file_identity,
    how_it_went,
    journals_of,
    not_the_file_opened,
    open_database,
    set_aside_what_it_left,
    strays_refusal,
    strays_refusing_writes,
)
from pdca.db.errors import (
    BesideStrays,
    Conflict,
    DatabaseBroken,
    DatabaseProblem,
    GateUnmet,
    Interrupted,
    InvalidInput,
    NotFound,
    ReadOnlyDatabase,
    RowChangedOutside,
    UndoAsked,
    UndoRefused,
    database_failure,
    shell_word,
)
from pdca.db.holdings import held_besides_actions
from pdca.db.lazy_pattern import lazy_pattern
from pdca.db.lock_wait import begin_in_goes
from pdca.db.models import (
    CHECKIN_STATUSES,
    PDCA_ACTOR,
    PHASES,
    ActionFields,
    ChangeFields,
    checked_action,
    checked_changes,
    checked_text,
    not_one_of,
)
from pdca.db.schema import (
    DUE_KEY,
    PRIORITY_RANK,
    Upgrade,
    newer_than_known,
    readable_reading,
    schema_version,
)
from pdca.db.sql_balanced import balanced
from pdca.db.sql_params import numbered
from pdca.db.text_rules import FOLDS_TO_ASCII, as_stored, name_key, search_key
from pdca.db.unknown_names import taken_why

SEARCH_KEY = "pdca_search_key"  # search_key, as an SQL function of every store's connection

if TYPE_CHECKING:  # the models come on first use: a write that needs none skips pydantic
    from pdca.db.models import (
        Action,
        ActionChanges,
        ActionDetail,
        ActionDraft,
        Checkin,
        CheckinDraft,
        Completion,
        Decision,
        Initiative,
        InitiativeDraft,
        Kpi,
        KpiDraft,
        Person,
        Phase,
        Priority,
        Reading,
        ReadingDraft,
        UndoResult,
        Verdict,
    )

# Which table holds each kind of record the event log speaks of.
TABLES = {
    "action": "actions",
    "checkin": "checkins",
    "initiative": "initiatives",
    "kpi": "kpis",
    "reading": "kpi_readings",
    "alert": "alerts",
    "person": "people",
    "followup": "followups",
    "standup": "standups",
    "setting": "settings",
    "notify_setting": "notify_settings",
    "recurrence": "recurrences",
}

# And the records an undo may put back beside them: turning a notify channel off skips, in the
# same write, what waits on it, under the person's name. Its undo refused for good ("not one
# record", a tester), and with it every change of theirs before it. Not exported or restored
# as records: notifications are the file's own bookkeeping.
UNDOABLE = {**TABLES, "notification": "notifications"}

# The action's last check-in (``last_checkin_at``, ``last_checkin_status``) is on its row,
# kept by triggers on the check-ins (db/schema.py ``0011_last_checkin``).
# Open actions whose phase is none of the four, off idx_actions_done_at_phase_due (done_at,
# phase): a range seek below, between and above them (an OR of them scanned every open row)
_OFF_THE_COLUMNS = " UNION ALL ".join(
    f"SELECT id FROM actions WHERE done_at IS NULL AND {outside}"
    for outside in (
        "phase < 'act'",
        "phase > 'act' AND phase < 'check'",
        "phase > 'check' AND phase < 'do'",
        "phase > 'do' AND phase < 'plan'",
        "phase > 'plan'",
    )
)
# The last event that replaced the file's contents (a restore, an import): no undo reaches a
# change before it, whoever made that change (the rows it wrote may be another file's now).
# A few such events a file, found down the (entity, entity_id, id) index from the newest.
_LAST_BARRIER = """
SELECT id, at, actor, summary FROM events
WHERE entity = 'database' AND entity_id = 0
  AND (summary LIKE 'restored from %' OR summary LIKE 'imported %')
ORDER BY id DESC LIMIT 1
"""
# How an undo's refusal names a record of each kind, and the column people know it by
_LABELS: dict[str, tuple[str, str | None]] = {
    "initiative": ("initiative", "name"),
    "kpi": ("KPI", "name"),
    "setting": ("setting", "key"),
    "notify_setting": ("notify setting", "key"),
    "person": ("person", "login"),
    "checkin": ("check-in", None),
    "reading": ("reading", None),
    "followup": ("follow-up", None),
    "standup": ("stand-up", None),
    "recurrence": ("repeat rule", None),
}
_NOT_ASKED = object()
# A conflict reads at most this many changes since the version the caller read, and names
# at most _CHANGES_NAMED of them (a person's edits of fields as one).
_CHANGES_READ = 50
_CHANGES_NAMED = 4
_PEOPLE_NAMED = 3  # and who made them: the latest few, then how many more
_LOGINS_LISTED = 12  # a file's people named in a hint while no more than this
_EDITED = re.compile(r"(edited #\d+): (.+)")
_MENTION = lazy_pattern(r"#[0-9]+")  # a search word naming an action as people write one

# Done actions a refused due date for a range names, before "and N more".
DONE_NAMED = 10


def _changes_in_words(changes: list[tuple[str | None, str]], total: int) -> str:
    """Changes (by whom, when several people made them; their summaries), oldest first,
    each person's field edits as one, where their last edit came (``edited #1: notes,
    priority, title``): three edits and a move named the last three only, and the field in
    conflict was among those left out (a tester). ``total``: how many changes stand in all
    (more than were read, maybe); those not named are counted first."""
    items: list[tuple[tuple[str | None, str] | None, str]] = []  # (a person's edits, words)
    fields: dict[tuple[str | None, str], set[str]] = {}
    merged: dict[tuple[str | None, str], int] = {}  # how many edits each stands for
    for actor, summary in changes:
        edited = _EDITED.fullmatch(summary)
        if edited is None:
            items.append((None, f"{actor}: {summary}" if actor else summary))
            continue
        key = (actor, edited.group(1))
        fields.setdefault(key, set()).update(f.strip() for f in edited.group(2).split(","))
        merged[key] = merged.get(key, 0) + 1
        items = [item for item in items if item[0] != key] + [(key, "")]
    said: list[str] = []
    counts: list[int] = []
    for edits, words in items:
        if edits is None:
            said.append(words)
            counts.append(1)
        else:
            who, head = edits
            named = ", ".join(sorted(fields[edits]))
            said.append((f"{who}: " if who else "") + f"{head}: {named}")
            counts.append(merged[edits])
    shown = "; ".join(said[-_CHANGES_NAMED:])
    more = total - sum(counts[-_CHANGES_NAMED:])
    return f"{more} earlier change{'s' if more != 1 else ''}, then {shown}" if more > 0 else shown


# Who may refer to a record of each kind, by an indexed column: (table, column, its entity in
# the log). An undo cannot take away a record others refer to; the refusal names the newest.
_REFERRED_BY = {
    "action": (
        ("checkins", "action_id", "checkin"),
        ("followups", "action_id", "followup"),
        ("actions", "parent_id", "action"),
    ),
    "kpi": (
        ("kpi_readings", "kpi_id", "reading"),
        ("actions", "kpi_id", "action"),
        ("alerts", "kpi_id", "alert"),
    ),
    "initiative": (("actions", "initiative_id", "action"), ("kpis", "initiative_id", "kpi")),
    "recurrence": (("actions", "recurrence_id", "action"),),
}
# ``kinds_held`` is 0 when a column holds a value of the wrong kind (text in a number column, a
# blob for a title: only sqlite3 by hand can leave one), checked by SQLite as it reads, so that
# ``convert.action_data`` names it instead of failing later or printing it as data.
_ACTION_SELECT = f"""
SELECT a.*, i.name AS initiative, k.name AS kpi, {convert.ACTION_KINDS_HELD} AS kinds_held
FROM actions a
LEFT JOIN initiatives i ON i.id = a.initiative_id
LEFT JOIN kpis k ON k.id = a.kpi_id
"""
_PHASE_ORDER = "CASE a.phase WHEN 'plan' THEN 0 WHEN 'do' THEN 1 WHEN 'check' THEN 2 ELSE 3 END"
# Within a phase: priority, due date (none last), id; the very expressions of
# ``idx_actions_board`` (db/schema.py), so SQLite walks that index instead of sorting.
_BOARD_KEYS = (
    PRIORITY_RANK.replace("priority", "a.priority"),
    DUE_KEY.replace("due", "a.due"),
    "a.id",
)
_BOARD_ORDER = ", ".join(_BOARD_KEYS)
_BOARD_ORDER_DESC = ", ".join(f"{key} DESC" for key in _BOARD_KEYS)
# Done cards shown (``include_done``): after a column's open ones, so open work stays on top
# (done ones, due long ago, came first and buried it). Only then: an open column's order stays
# the index's very expressions.
_DONE_LAST = "(a.done_at IS NOT NULL)"
PRIORITY_RANKS: dict[str, int] = {"high": 0, "normal": 1, "low": 2}
# A running repeat rule whose next date came (idx_recurrences_next_due): db/recurrence.py's probe.
_REPEAT_DUE = "SELECT 1 FROM recurrences WHERE stopped_at IS NULL AND next_due <= ? LIMIT 1"
# A running "after N days" rule whose latest action is done and made no next one (done while
# the rule was stopped, the stop undone since): recurrence.run_due makes it. Down the same
# partial index (next_due IS NULL); without this look only the app and `recur` made it.
# The rules whose latest action is done and that made no next one, running with no date:
# also what recurrence.run_due reads them by (one query, two readers).
AFTER_DONE_WAITING = """
FROM recurrences r
JOIN actions l ON l.id = (SELECT max(a.id) FROM actions a WHERE a.recurrence_id = r.id)
WHERE r.stopped_at IS NULL AND r.next_due IS NULL AND l.done_at IS NOT NULL
"""
_AFTER_RULE_WAITING = "SELECT 1" + AFTER_DONE_WAITING + " AND r.rule LIKE 'after%' LIMIT 1"


class Handover(NamedTuple):
    """What ``Store.hand_over`` gave the new owner: the open actions' ids, how many follow-up
    audits, and the ids of the repeat rules' next actions it made for them."""

    actions: list[int]
    followups: int
    repeats: list[int]


class ActionFilter(NamedTuple):  # quick to make at import, as models.ActionFields
    owner: str | None = None
    phase: Phase | None = None
    initiative: str | None = None
    priority: Priority | None = None
    overdue: bool = False
    stale: bool = False
    include_done: bool = False
    text: str | None = None
    limit: int | None = None
    due_by: date | None = None  # due on this day or before (a date set)
    due_after: date | None = None  # due after this day


_INSERT_ACTION = (
    "INSERT INTO actions (title, notes, owner, phase, due, priority, initiative_id, kpi_id,"
    " phase_since, created_by, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class ActionLine(NamedTuple):
    """An action as a command's one-line reply names it (``moved #12 [do] title``): what a
    write returns when no model is wanted, so a command-line write never imports pydantic."""

    id: int
    phase: str
    title: str
    done_at: str | None = None  # done: the reply says [done], not the phase it ended in
    changed: bool = True  # an edit that asked for what was already so wrote nothing


class Changes:
    """What the event log says changed since an event (``Store.changes_since``). A plain
    class, quick to make at import, as models.ActionFields."""

    def __init__(self, last_event: int) -> None:
        self.last_event = last_event
        self.actions: set[int] = set()
        self.phases: set[str] = set()
        self.other = False
        self.everything = False


def _board_order(where: ActionFilter, *, desc: bool = False) -> str:
    """A column's order in SQL: done cards last when shown, then ``_BOARD_ORDER``."""
    order = _BOARD_ORDER_DESC if desc else _BOARD_ORDER
    if where.include_done:
        order = f"{_DONE_LAST}{' DESC' if desc else ''}, {order}"
    return order


def board_order(action: Action) -> tuple[int, bool, int, str, int]:
    """The board's order (phase, open before done, priority, due date with none last, id),
    in Python: the same as ``_PHASE_ORDER, _board_order(...)`` in SQL, for a page already
    read."""
    return (
        PHASES.index(action.phase),
        action.done_at is not None,
        PRIORITY_RANKS[action.priority],
        action.due or "9999-12-31",
        action.id,
    )


class Transaction:
    """One write in progress: its time, its actor, and the event rows it appends."""

    def __init__(self, conn: sqlite3.Connection, actor: str, now: datetime) -> None:
        self.conn = conn
        self.actor = actor
        self.now = now
        self.at = iso(now)
        self.tx: int | None = None
        self.summaries: list[str] = []
        self.people: set[str] = set()  # logins known to be in people, so far in this write
        # An undo's change, while it judges the KPIs it touched again: the alerts that raises
        # or closes are the undo's own, never a change of the person's to undo next.
        self.undoing: int | None = None

    def log(
        self,
        entity: str,
        entity_id: int,
        op: str,
        summary: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        undo_of: int | None = None,
    ) -> None:
        if self.tx is None:
            # Writers are serialized by BEGIN IMMEDIATE, so the next id is ours to take.
            self.tx = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM events").fetchone()[0]
        self.conn.execute(
            "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, before, after,"
            " undo_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.tx,
                self.at,
                self.actor,
                entity,
                entity_id,
                op,
                summary,
                _json(entity, entity_id, before),
                _json(entity, entity_id, after),
                undo_of if undo_of is not None else self.undoing,
            ),
        )
        self.summaries.append(summary)

    def log_created(self, entity: str, table: str, first: int, summary_sql: str) -> None:
        """One "create" event for each row of ``table`` from id ``first`` on, written by SQLite
        in one statement: a bulk write's log without a round trip per row. The snapshot holds
        every column, keys sorted, as ``log`` stores one; ``summary_sql`` is an SQL expression
        over the row (pdca's own constant, never user text). Like ``convert.snapshot``, it leaves
        out the columns SQLite keeps from other rows."""
        if self.tx is None:
            self.tx = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM events").fetchone()[0]
        columns = sorted(
            info[1]
            for info in self.conn.execute(f"PRAGMA table_info({table})")
            if info[1] not in convert.KEPT_COLUMNS
        )
        snapshot = "json_object(" + ", ".join(f"'{name}', {name}" for name in columns) + ")"
        self.conn.execute(
            "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, before, after)"
            f" SELECT ?, ?, ?, ?, id, 'create', {summary_sql}, NULL, {snapshot}"
            f" FROM {table} WHERE id >= ? ORDER BY id",
            (self.tx, self.at, self.actor, entity, first),
        )
        self.summaries.append(f"added {entity}s from #{first} on")


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just added (sqlite3 types it as maybe None)."""
    row_id = cursor.lastrowid
    if row_id is None:  # pragma: no cover - only after a statement that inserted nothing
        raise RuntimeError("no row was inserted")
    return row_id


def _json(entity: str, entity_id: int, value: dict[str, Any] | None) -> str | None:
    """A snapshot as the event log keeps it. A blob in a column (sqlite3 by hand can put one
    anywhere) has no JSON: named in one line, and the write goes no further."""
    if value is None:
        return None
    for key, held in value.items():
        if isinstance(held, bytes):
            from pdca.db.plain import shown_value

            raise RowChangedOutside(
                f"{entity} {entity_id}: {key} holds {shown_value(held)}, not text or a number:"
                " changed outside pdca (put it right with sqlite3, or restore a backup)"
            )
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_SELECT_KPIS = (
    "SELECT k.*, i.name AS initiative, r.value AS latest_value, r.at AS latest_at"
    " FROM kpis k LEFT JOIN initiatives i ON i.id = k.initiative_id"
    " LEFT JOIN kpi_readings r ON r.id = (SELECT r2.id FROM kpi_readings r2"
    f"   WHERE r2.kpi_id = k.id{readable_reading('r2.')}"
    "   ORDER BY r2.at DESC, r2.id DESC LIMIT 1)"
)


_K = TypeVar("_K")


def _recorded(event: sqlite3.Row, key: str, kind: type[_K]) -> _K | None:
    """``key`` of the row an event stored (after it, else before it), when it is a ``kind``:
    a snapshot put in by hand may hold anything, or be no JSON at all."""
    try:
        snapshot = json.loads(event["after"] or event["before"] or "{}")
    except ValueError:
        return None
    found = snapshot.get(key) if isinstance(snapshot, dict) else None
    return found if isinstance(found, kind) and not isinstance(found, bool) else None


def _action_touched(event: sqlite3.Row) -> int | None:
    """The action an event changed: its own, or a check-in's or follow-up's (an undone
    check-in said ``"actions": []``, though the card's last check-in changed, a soak)."""
    if event["entity"] == "action":
        return int(event["entity_id"])
    if event["entity"] not in ("checkin", "followup"):
        return None
    return _recorded(event, "action_id", int)


class Store:
    """Reads and writes on one connection, as one actor, by one clock."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        actor: str,
        clock: Clock,
        path: Path | None = None,
        writable: bool = True,
        identity: tuple[int, int] | None = None,
        snapshot: bool = False,
        created: bool = False,
        upgrade: Upgrade | None = None,
        initialized: bool = False,
        disk_full: bool = False,
    ) -> None:
        conn.row_factory = sqlite3.Row
        # For searches beyond ASCII (``_where``): made once, as the connection opens; SQLite
        # refuses to make a function while a statement of its connection is open.
        conn.create_function(SEARCH_KEY, 1, search_key, deterministic=True)
        self.conn = conn
        self.actor = actor
        self.clock = clock
        self.path = path
        self.opened_writable = writable
        self._blocker: object = _NOT_ASKED  # write_blocker's answer, once asked
        # The file's (device, inode) when opened, to notice it being removed or replaced.
        self.identity = identity
        # Its -wal and -shm, (device, inode) each, as its first read found them: only these
        # are set aside when it closes on a replaced file (a process may have the new file's
        # open too, and they were moved from under another program's write, a reviewer).
        self.journals = journals_of(path) if path is not None and not snapshot else frozenset()
        # A reader's immutable copy, which never sees later writes (db/connection.py).
        self.snapshot = snapshot
        self.created = created  # this open made the file (two at once: only one did)
        self.upgrade = upgrade  # this open upgraded the file: its notice is said once
        self.initialized = initialized  # this open made an existing empty file a database
        # Read as it stands, for want of room for its -shm: nothing can be written.
        self.disk_full = disk_full
        # The transactions this connection wrote lately: let the app tell its own writes
        # (already on screen) from other people's (to be reloaded).
        # A board's u takes back its own (``undo(opened_at=)``): a day's work of one board
        self.own_transactions: deque[int] = deque(maxlen=4096)
        self.interrupted = False  # interrupt() was called: a read it stops found nothing
        # Rows a read left out because they cannot be read (``list_kpis``), each named once:
        # the command line says them on stderr, the app beside what it shows.
        self.left_out: dict[str, None] = {}

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        actor: str,
        clock: Clock,
        create: bool = False,
        initialize: bool = False,
        announce: Callable[[str], None] | None = None,
    ) -> Store:
        """``announce``: told an upgrade of the file that is taking long, while it goes."""
        opened = open_database(path, create=create, initialize=initialize, announce=announce)
        return cls(
            opened.connection,
            actor=actor,
            clock=clock,
            path=opened.path,
            writable=opened.writable,
            identity=opened.identity,
            snapshot=opened.snapshot,
            created=opened.created,
            upgrade=opened.upgrade,
            initialized=opened.initialized,
            disk_full=opened.disk_full,
        )

    def close(self) -> None:
        if (
            self.path is not None
            and self.identity is not None
            and not_the_file_opened(self.path, self.identity)
        ):
            # Replaced while open (mv backup.db team.db): SQLite leaves the old file's -wal
            # and -shm under the name as it closes, and the next open wrote them into the
            # file moved in (a trial; a board sets them aside as it sees the swap, and a
            # command, on its way out, does now too).
            set_aside_what_it_left(self.path, self.identity, only=self.journals)
        self.conn.close()

    def wait_for_lock_at_most(self, seconds: float) -> None:
        """The next writes wait at most ``seconds`` for another process's lock (then
        ``DatabaseBusy``); 0 tries once."""
        self.conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def interrupt(self) -> None:
        """Stop the statement this connection runs now, from any thread (SQLite's
        ``sqlite3_interrupt``): a long read nobody waits for any more ends at once, and
        raises ``Interrupted`` in the thread that ran it."""
        self.interrupted = True
        with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile: nothing runs
            self.conn.interrupt()

    # ------------------------------------------------------------------ transactions

    @property
    def writable(self) -> bool:
        """Opened for writing, and the file and its folder let this user write now: an
        owner's ``chmod g-w`` counts from the next write, as it does for a command."""
        return self.opened_writable and (self.path is None or file_lets_me_write(self.path))

    @writable.setter
    def writable(self, value: bool) -> None:
        self.opened_writable = value

    @property
    def read_only_reason(self) -> str:
        """Why this user may not write the file, in words for a refused write (or, asked once
        the modes were fixed, that a restart is what it takes now)."""
        return self.read_only_words(refused=True)

    def read_only_words(self, *, refused: bool) -> str:
        """Why this user may not write the file: for a refused write (``nothing written``)
        or for a banner, which is said before anything was tried (a tester read "nothing
        written" at open as a write lost)."""
        if self.disk_full:
            lost = ": nothing written" if refused else ""
            return (
                f"{self.path or 'the database'}: no room on its disk to write (the disk is"
                f" full?){lost}; free some space, then run pdca again (pdca doctor says how"
                " much is left)"
            )
        if self.path is not None and (mount := read_only_mount(self.path)) is not None:
            lost = "; nothing written" if refused else ""
            return f"{self.path}: {read_only_mount_said(mount)}{lost}"
        if self.path is not None and may_write_now(self.path) and not self.opened_writable:
            return RESTART_TO_WRITE
        if self.path is not None and file_lets_me_write(self.path):
            # The file lets me write, its -wal or -shm does not (made by someone while the
            # file was not group-writable): those named, and the command to fix them. The
            # banner named the file, mode 0660, and "ask the team's admin" (a tester).
            lost = ": nothing written" if refused else ""
            return f"{self.path} cannot be written{lost}: {files_report(self.path)}"
        lost = ": nothing written" if refused else ""
        if (
            self.path is not None
            and self.identity is not None
            and file_identity(self.path) is None
            and unreachable_directory(self.path) is None
        ):
            # Its folder renamed (or the file removed) since it was opened: said so, not
            # "root may not read it (No such file or directory): ask the team's admin" (a
            # trial's write after a mv of the folder)
            return f"{self.path} was {how_it_went(self.path, self.identity)} while open{lost}"
        if self.path is not None and (unreadable := self.cannot_read_now()) is not None:
            # A folder shut to this user asked for "chmod g+w" of it, which was set and would
            # not let them in: what lets them in (g+x, the group) is what is asked (a retrial)
            return f"{unreadable}{lost}"
        who = login_name()
        if self.path is not None and (shut := folder_shut_to_writes(self.path, who)):
            return f"{self.path} cannot be written{lost}; {shut}"
        where = self.path or "the database"
        owner = describe_owner(self.path) if self.path else "read-only"
        advice = write_advice(self.path) if self.path else "ask the team's admin"
        # The Unix login the permissions are about, not PDCA_USER: "read-only for svc_bot"
        # (or for root, who could write it) sent the fix to the wrong account (a tester).
        return f"{where} is read-only for {who} ({owner}){lost} (see pdca doctor); {advice}"

    def cannot_read_now(self) -> str | None:
        """Why this user may no longer open the file (its owner's chgrp or chmod since this
        connection opened it), in words; None: they may. This connection reads on; a new
        one, as each view's reads open, is refused."""
        if self.path is None:
            return None
        if not may_read_now(self.path):
            return cannot_reach(self.path)
        # A -wal or -shm made meanwhile that this user may not open (a root cron job's, given
        # the file's owner and group while the file was out of the team's): SQLite opens
        # neither, and the board said it was live again once the file's group was back
        # (a retrial).
        if journals_shut_to_me(self.path):
            return f"{self.path} cannot be opened again: {files_report(self.path)}"
        return None

    def write_blocker(self) -> str | None:
        """What stops a write to a file this user may write (its -wal or -shm, made by
        another user with modes the group cannot write), in words; None: nothing. Asked
        once, as the file is opened: SQLite keeps the -wal and -shm it opened then, so a
        later change of their modes stops new sessions, not this one (a banner saying
        nothing could be saved while saves went in, a tester)."""
        if self._blocker is _NOT_ASKED:
            blocked = self.writable and self.path is not None and not may_write_now(self.path)
            self._blocker = (
                f"{files_report(self.path)}; nothing can be saved until then"
                if blocked and self.path is not None
                else None
            )
        return self._blocker  # type: ignore[return-value]

    def upgraded_past_this_code(self) -> int | None:
        """The schema version a newer pdca upgraded the file to under this open store, or
        None (one pragma: cheap enough for every poll of an open board)."""
        try:
            version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.Error:
            return None
        return version if version > schema_version() else None

    def _read_only_error(self) -> ReadOnlyDatabase:
        return ReadOnlyDatabase(self.read_only_reason)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Several reads that must agree with each other (a count, then the rows at ranks of
        it): one read transaction, so they all see the file as one moment (WAL: one
        snapshot), not a write committed by someone else between two of them. Inside a
        transaction already, that one serves."""
        if self.conn.in_transaction:
            yield
            return
        try:
            self.conn.execute("BEGIN")
        except sqlite3.DatabaseError as error:
            raise self._translate(error) from None
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")  # only read: nothing to keep or lose

    def _refuse_if_not_the_file_opened(self) -> None:
        """``DatabaseBroken`` when the file at the path is not the one opened (removed or
        replaced since). ``os.stat``: opens nothing."""
        if (
            self.path is not None
            and self.identity is not None
            and not_the_file_opened(self.path, self.identity)
        ):
            went = how_it_went(self.path, self.identity)
            raise DatabaseBroken(f"{self.path} was {went} while open; nothing written")

    def _refuse_beside_strays(self) -> None:
        """No write beside another name's -wal: it may be this file's, renamed (``os.scandir``
        of the folder: opens nothing). A write under the new name, then the move back, lost
        that write to SQLite's replay of the old -wal (a tester)."""
        if self.path is None:
            return
        strays = strays_refusing_writes(self.path)
        if strays:
            raise BesideStrays(strays_refusal(self.path, strays))

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One write: ``BEGIN IMMEDIATE`` ... ``COMMIT``, the transaction for its event rows.

        The public way in for feature modules (``with store.write() as tx:``); any error
        rolls back, and SQLite's errors come out as one line (read-only, busy, disk full).
        """
        if not self.writable:
            raise self._read_only_error()
        self._refuse_beside_strays()  # a look at the folder, before the lock is taken
        try:
            # A stop during a wait for the lock is answered at once, and the file moved or
            # removed meanwhile ends the wait.
            begin_in_goes(self.conn, between=self._refuse_if_not_the_file_opened)
            # A newer pdca may have upgraded the file under this open connection: its
            # schema is not what this code writes. One pragma read inside the lock.
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            self._rollback()
            raise self._translate(error) from None
        except BaseException:  # a stop as the lock was taken: let go of it (a reviewer)
            self._rollback()
            raise
        if version > schema_version():  # what this code writes; past it: a newer pdca's
            self._rollback()
            raise DatabaseProblem(newer_than_known(self.path or "the database", version))
        # Inside the lock, so a write that waited for it is checked too: the file removed or
        # replaced (mv) while open, a board's check-in waiting for a lock, and its presence
        # row's goodbye, went into the old file's -wal, which then damaged the file moved in
        # by SQLite's own replay (a trial).
        try:
            self._refuse_if_not_the_file_opened()
        except DatabaseBroken:
            self._rollback()
            raise
        transaction = Transaction(self.conn, self.actor, self.clock())
        try:
            yield transaction
            commit_marks.committing()  # a stop from now on lets the command say what it saved
            self.conn.execute("COMMIT")
            if transaction.tx is not None:
                self.own_transactions.append(transaction.tx)
        except sqlite3.DatabaseError as error:
            self._rollback()
            raise self._translate(error) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            # SQLite may have rolled back by itself already (an I/O error, a full disk).
            with contextlib.suppress(sqlite3.DatabaseError):
                self.conn.execute("ROLLBACK")

    def _translate(self, error: sqlite3.DatabaseError) -> BaseException:
        """A failed write as one line; a programming error stays what it is."""
        known = database_failure(self.path, error)
        if isinstance(known, ReadOnlyDatabase):
            if self.writable and self.path is not None:
                if may_write_now(self.path):
                    return ReadOnlyDatabase(f"{RESTART_TO_WRITE}; nothing written")
                # We may write the file itself: what stops SQLite is its -wal or -shm.
                return ReadOnlyDatabase(
                    f"{self.path} cannot be written: {files_report(self.path)}; nothing written"
                )
            return self._read_only_error()
        if known is not None:
            return known
        if isinstance(error, sqlite3.OperationalError):
            return DatabaseProblem(f"{self.path or 'the database'}: {error}")
        return error

    def _now(self) -> datetime:
        return self.clock()

    # ------------------------------------------------------------------ lookups

    def row(self, entity: str, entity_id: int) -> sqlite3.Row | None:
        """The row of ``entity`` (a name in ``UNDOABLE``) with this id, or None."""
        table = UNDOABLE[entity]
        row: sqlite3.Row | None = self.conn.execute(
            f"SELECT * FROM {table} WHERE id = ?", (entity_id,)
        ).fetchone()
        return row

    def require(self, entity: str, entity_id: int) -> sqlite3.Row:
        """The row of ``entity`` with this id; ``NotFound`` when there is none."""
        row = self.row(entity, entity_id)
        if row is None:
            raise NotFound(entity, entity_id)
        return row

    def check_version(self, entity: str, row: sqlite3.Row, expected: int | None) -> None:
        """``Conflict`` if the caller read another version of ``row`` than it holds now; a
        version it never had (``--if-version 99`` at version 2) is no one's change since."""
        if expected is None or row["version"] == expected:
            return
        if isinstance(row["version"], int) and expected > row["version"]:
            raise InvalidInput(
                "if-version",
                str(expected),
                f"is newer than {entity} #{row['id']} has ever been (it is at version"
                f" {row['version']}); nothing written",
            )
        raise self.conflict(entity, row, since_version=expected)

    def conflict(
        self, entity: str, row: sqlite3.Row, *, since_version: int | None = None
    ) -> Conflict:
        """The row changed since the caller read it (at ``since_version``, when known): who
        changed it, when and how."""
        return self.changed_since(entity, int(row["id"]), since_version)

    def why_gone(self, entity: str, entity_id: int) -> Conflict | None:
        """Who took away a record that was once in the file, when and how (an undo of its
        creation, a restore of a copy without it); None for an id never issued. The command
        line said only "no action #25" after a colleague's restore took it (a soak)."""
        issued = self.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (TABLES[entity],)
        ).fetchone()
        if issued is None or entity_id > issued[0]:
            return None
        # Its own removal, when the log holds it: a restore since then did not take it (an
        # action undone before the backup was restored from was said to be the restore's)
        removed = self.conn.execute(
            "SELECT actor, at, summary FROM events WHERE entity = ? AND entity_id = ?"
            " AND op = 'delete' ORDER BY id DESC LIMIT 1",
            (entity, entity_id),
        ).fetchone()
        if removed is not None:
            return Conflict(entity, entity_id, removed["actor"], removed["at"], removed["summary"])
        gone = self.changed_since(entity, entity_id)
        return gone if gone.by is not None else None

    def finished_by(self, action_id: int, done_at: str) -> str | None:
        """Who finished the action at ``done_at`` (its finish in the log: done from open), or
        None when nothing pdca logged did (an import, a restore). A few events of one action,
        down the log's (entity, entity_id, id) index; a snapshot another tool wrote that is no
        JSON is passed over."""
        row = self.conn.execute(
            "SELECT actor FROM events WHERE entity = 'action' AND entity_id = ?"
            " AND op = 'update'"
            " AND CASE WHEN json_valid(after) THEN json_extract(after, '$.done_at') END = ?"
            " AND CASE WHEN json_valid(before) THEN json_extract(before, '$.done_at')"
            "  ELSE 'unread' END IS NULL ORDER BY id DESC LIMIT 1",
            (action_id, done_at),
        ).fetchone()
        return str(row[0]) if row is not None and row[0] else None

    def gone_unlogged(self, entity: str, entity_id: int) -> bool:
        """The row is not in the file and nothing pdca logged took it (its last change is no
        delete, and no restore or import came since): deleted with sqlite3 or another tool.
        Named so: a form's "gone (heidi …: edited #29: notes)" blamed a change of two days
        before (a tester)."""
        if self.row(entity, entity_id) is not None:
            return False
        last = self.conn.execute(
            "SELECT id, op FROM events WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1",
            (entity, entity_id),
        ).fetchone()
        barrier = self.conn.execute(_LAST_BARRIER).fetchone()
        if barrier is not None and (last is None or barrier["id"] > last["id"]):
            return False
        return last is not None and last["op"] != "delete"

    def changed_since(
        self, entity: str, entity_id: int, since_version: int | None = None
    ) -> Conflict:
        """The last change to a row, or the restore or import since that replaced it: what
        a conflict names, and what a form names when the row it edits is gone. Given the
        version the caller read, every change since is named, oldest first: only the last
        was, and an edit of the title before a move went unsaid (three testers)."""
        last = self.conn.execute(
            "SELECT id, actor, at, summary FROM events WHERE entity = ? AND entity_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (entity, entity_id),
        ).fetchone()
        # A restore or an import since the row's own last change replaced it (and numbered
        # its version past the old ones): that is what to name, not the change before it (a
        # tester was told carol had changed #20, weeks ago).
        barrier = self.conn.execute(_LAST_BARRIER).fetchone()
        if barrier is not None and (last is None or barrier["id"] > last["id"]):
            return Conflict(entity, entity_id, barrier["actor"], barrier["at"], barrier["summary"])
        if last is None:
            return Conflict(entity, entity_id, None, None)
        if since_version is None:
            return Conflict(entity, entity_id, last["actor"], last["at"], last["summary"])
        # The changes since the version read that stand: a change and its undo, both since,
        # are left out together (an edit undone since was named as if it held, a reviewer);
        # an undo of a change from before it is a change the reader did not see.
        window = "json_valid({0}.after) AND json_extract({0}.after, '$.version') > ?"
        since = (
            " FROM events e WHERE e.entity = ? AND e.entity_id = ? AND "
            + window.format("e")
            + " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undo_of = e.tx"
            "  AND u.entity = e.entity AND u.entity_id = e.entity_id AND "
            + window.format("u")
            + ") AND NOT (e.undo_of IS NOT NULL AND EXISTS (SELECT 1 FROM events t"
            "  WHERE t.entity = e.entity AND t.entity_id = e.entity_id AND t.tx = e.undo_of"
            "  AND " + window.format("t") + "))"
        )
        params = (entity, entity_id, since_version, since_version, since_version)
        changes = self.conn.execute(
            "SELECT e.actor, e.at, e.summary" + since + " ORDER BY e.id DESC LIMIT ?",
            (*params, _CHANGES_READ),
        ).fetchall()[::-1]
        if not changes:  # all undone since: what the log says last
            return Conflict(entity, entity_id, last["actor"], last["at"], last["summary"])
        if len(changes) == 1:
            (only,) = changes
            return Conflict(entity, entity_id, only["actor"], only["at"], only["summary"])
        total, people = self.conn.execute(
            "SELECT count(*), count(DISTINCT e.actor)" + since, params
        ).fetchone()
        latest = {row["actor"]: index for index, row in enumerate(changes)}
        who = sorted(latest, key=latest.__getitem__)  # by when each last changed it

        def person(login: str) -> str:
            # the reader among others, from elsewhere, is "you" ("ben and ann changed #1"
            # was said to ann, a retrial). Alone, their login is kept: the dialog says "You
            # changed #1 ... elsewhere" of it (a reviewer)
            return "you" if login == self.actor and people > 1 else login

        said = _changes_in_words(
            [(person(row["actor"]) if people > 1 else None, row["summary"]) for row in changes],
            total,
        )
        named = [person(name) for name in who[-_PEOPLE_NAMED:]]
        others = people - len(named)
        if others > 0:
            named.append(f"{others} more")
        # "you, carl and ben", not "you and carl and ben" (a retrial)
        by = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
        return Conflict(entity, entity_id, by, changes[-1]["at"], said)

    def no_initiative(self, name: str) -> bool:
        """Whether ``name`` asks for no initiative: "none", unless a file from before that
        word was refused as a name holds an initiative called so."""
        if name.strip().lower() != "none":
            return False
        return self._row_named("initiatives", name) is None

    def initiative_id(self, name: str | None, field: str = "initiative") -> int | None:
        """The id of the initiative with this name (None for None); ``UnknownName`` (an
        ``InvalidInput``) naming close names if unknown, in the KPIs' words, with ``field``
        as the person typed it (``initiative``, ``--initiative``)."""
        if name is None:
            return None
        row = self._row_named("initiatives", name)
        if row is None:
            from pdca.db.unknown_names import UnknownInitiative

            names = [found for (found,) in self.conn.execute("SELECT name FROM initiatives")]
            raise UnknownInitiative(field, name, names)
        initiative_id: int = row["id"]
        return initiative_id

    def kpi_id(self, name: str | None, field: str = "kpi") -> int | None:
        """The id of the KPI with this name (None for None); ``kpi_rules.UnknownKpi`` (an
        ``InvalidInput``) naming close names if unknown, as every command words it, and
        ``field`` as the person typed it (``kpi``, ``--kpi``)."""
        if name is None:
            return None
        row = self._row_named("kpis", name)
        if row is None:
            raise self.unknown_kpi(name, field)
        kpi_id: int = row["id"]
        return kpi_id

    def unknown_kpi(self, name: str, field: str = "kpi") -> InvalidInput:
        """``kpi: “X” is not a known KPI``, with up to five close names: the one wording of
        every command that takes a KPI name (``kpi_rules.UnknownKpi``, a ``NotFound`` too)."""
        from pdca.db.kpi_rules import UnknownKpi

        names = [found for (found,) in self.conn.execute("SELECT name FROM kpis")]
        return UnknownKpi(field, name, names)

    def status_kept(self, action_id: int) -> str:
        """The status a check-in on ``action_id`` without one takes: its last check-in's,
        else on-track (``record_checkin`` decides it again inside its write)."""
        row = self.conn.execute(
            "SELECT last_checkin_status FROM actions WHERE id = ?", (action_id,)
        ).fetchone()
        return (row[0] if row else None) or "on-track"

    def has_person(self, login: str) -> bool:
        """Whether ``login`` is one of this file's people (an owner, an author, a reader)."""
        found = self.conn.execute("SELECT 1 FROM people WHERE login = ?", (login,)).fetchone()
        return found is not None

    def seen_before(self, login: str) -> bool:
        """Whether ``login`` is no stranger to this file: one of its people, the one writing
        now, or someone who made changes in it. "new to this file … a typo?" was said of a
        lead with months of changes, named owner for the first time (a new user)."""
        if login == self.actor or self.has_person(login):
            return True
        return (
            self.conn.execute("SELECT 1 FROM events WHERE actor = ? LIMIT 1", (login,)).fetchone()
            is not None
        )

    def added_person(self, login: str) -> bool:
        """Whether one of this store's own writes added ``login`` to the file's people: two
        commands naming a new owner at once both said "new to this file", though one made
        them (a tester's soak)."""
        row = self.conn.execute(
            "SELECT e.tx FROM people p JOIN events e ON e.entity = 'person'"
            " AND e.entity_id = p.id AND e.op = 'create' WHERE p.login = ?"
            " ORDER BY e.id DESC LIMIT 1",
            (login,),
        ).fetchone()
        return row is not None and row[0] in self.own_transactions

    def people_spelled_alike(self, login: str) -> list[str]:
        """This file's other logins that differ from ``login`` only in case (``Alice`` for
        ``alice``): Unix logins are case-sensitive, so both are people, and a note names the
        one a person probably meant: a lower-case one first, as logins are (``ALICE`` was
        pointed to ``Alice``, a typo made a person, not to ``alice``, a tester)."""
        rows = self.conn.execute(
            "SELECT login FROM people WHERE login = ? COLLATE NOCASE AND login != ?"
            " ORDER BY login <> lower(login), login",
            (login, login),
        )
        return [row[0] for row in rows]

    def case_slip_of(self, login: str) -> str | None:
        """The login ``login`` differs from only in case: a person of this file, the one
        writing, or a person's account on this machine (not one of its own); else None."""
        from pdca.db.access import a_persons_account

        if login == self.actor or a_persons_account(login):
            return None  # one's own login, whatever the accounts (a PDCA_USER of Ann)
        alike = self.people_spelled_alike(login)
        return alike[0] if alike else case_slip_outside_the_file(login, self.actor)

    def import_case_slip(self) -> Callable[[str], str | None]:
        """For an import: the login of the file's people, or of the one importing, that an
        owner differs from in case alone (``ANN`` for ann), or None. Made a person, ANN split
        ann's work in two, and ``add --owner ANN`` was then refused all the same (a trial).
        Of the people before the import (and the accounts here) only: two new logins alike
        are said after it; nor an account of its own here (ann, beside a person Ann). A pdca
        export's rows are not asked (``add_actions(case_slips=False)``): its people are its
        file's, Ann and ann both."""
        from pdca.db.access import a_persons_account

        people = {row[0] for row in self.conn.execute("SELECT login FROM people")}
        spelled: dict[str, str] = {}
        for login in sorted(people, key=lambda login: (login == login.lower(), login)):
            spelled[login.lower()] = login  # a lower-case one last: named, as logins are
        spelled.setdefault(self.actor.lower(), self.actor)
        said: dict[str, str | None] = {}

        def meant(login: str) -> str | None:
            if login in people or login == self.actor:
                return None
            if login not in said:
                lower = login.lower()
                alike = spelled.get(lower)
                if alike is None and lower != login and a_persons_account(lower):
                    alike = lower  # ANN for ann, an account here, as add refuses it
                said[login] = None if alike is None or a_persons_account(login) else alike
            return said[login]

        return meant

    def people_begun_by(self, login: str) -> list[str]:
        """This file's logins that begin with ``login`` and go on (``dana`` for ``dan``), the
        shortest first: a login cut short made a new person, where the board's form asks
        "did you mean dana?" (a tester)."""
        rows = self.conn.execute(
            "SELECT login FROM people WHERE substr(login, 1, length(?1)) = ?1 AND login <> ?1"
            " ORDER BY length(login), login LIMIT 3",
            numbered(login),
        )
        return [row[0] for row in rows]

    def people_meant_by(self, login: str, among: set[str] | None = None) -> list[str]:
        """Whom a login new to this file was probably meant for (of ``among`` alone, when
        given: the people before an import): one differing in case only, else one it was
        cut short from, else one spelled nearly alike (``a1ice``, ``heldi``, ``dave.``: each
        made a person beside alice, heidi and dave with only "a typo?" said, a trial). The
        one writing counts too, whether or not they own anything (a retrial: ``a1ice``
        typed by alice). Read only when a login is new, so every login once."""
        from pdca.db.access import a_persons_account, team_accounts

        if a_persons_account(login):  # a person of their own here (a retrial's ann)
            return []

        def known(found: list[str]) -> list[str]:
            return [other for other in found if among is None or other in among]

        if login != self.actor and login.lower() == self.actor.lower():
            return [self.actor]  # ben's own Ben, in a file that had no ben yet (a lead's day one)
        if (meant := login_of_address(login, self.actor, self.has_person)) is not None:
            return [meant]
        if login != login.lower() and a_persons_account(login.lower()):
            return [login.lower()]  # ANN for ann, a person of this machine (a retrial)
        found = known(self.people_spelled_alike(login) or self.people_begun_by(login))
        if found:
            return found
        logins = {row[0] for row in self.conn.execute("SELECT login FROM people")}
        logins.add(self.actor)
        # and the accounts of the file's group, people here whom it does not know yet
        return spelled_nearly(login, known(list(logins)) + sorted(team_accounts(self.path)))

    def not_a_person_hint(self, login: str) -> str:
        """What follows "is not one of this file's people": the login differing in case only,
        else the people themselves while few. "pdca owners lists them" pointed to a list of
        those with open work, without a KPI's escalation path (a new user)."""
        alike = self.people_spelled_alike(login)
        if alike:
            return f"; did you mean {alike[0]}?"
        # One's own login in other capitals, as add --owner names it (a docs trial); not
        # another account not yet of the file's people: list refuses it too (a retrial)
        if login != self.actor and login.lower() == self.actor.lower():
            return f"; did you mean {self.actor}?"
        logins = self.conn.execute(
            "SELECT login FROM people ORDER BY login LIMIT ?", (_LOGINS_LISTED + 1,)
        ).fetchall()
        if not logins:
            return " (it has none yet)"
        if len(logins) > _LOGINS_LISTED:
            return " (pdca owners lists those with work)"
        return f" (its people: {', '.join(str(row[0]) for row in logins)})"

    def ensure_person(
        self,
        tx: Transaction,
        login: str | None,
        *,
        typed: bool = True,
        field: str = "owner",
        case_slip: Callable[[str], str | None] | None = None,
    ) -> None:
        """Owners are people; the first mention of a login registers them. One ``typed`` by
        hand that differs only in case from a person of the file, the one writing, or an
        account here (``Ann`` for ann) is refused: it made a person of its own and the work
        left ann's list, told after (a Taskwarrior user's trial); ``list --owner Ann`` and
        ``reassign`` refused it already. An import's (``typed=False``) is refused when
        ``case_slip`` names the login it was meant for (``import_case_slip``), and is
        otherwise said after it."""
        if login is None or login in tx.people:
            return
        if self.conn.execute("SELECT 1 FROM people WHERE login = ?", (login,)).fetchone():
            tx.people.add(login)
            return
        if typed and (meant := self.case_slip_of(login)) is not None:
            raise case_slip_refused(field, login, meant)
        if case_slip is not None and (meant := case_slip(login)) is not None:
            raise case_slip_refused(field, login, meant)
        tx.people.add(login)
        cursor = self.conn.execute(
            "INSERT INTO people (login, created_at) VALUES (?, ?)", (login, tx.at)
        )
        person_id = inserted_id(cursor)
        after = convert.snapshot(self.require("person", person_id))
        tx.log("person", person_id, "create", f"added person {login}", None, after)

    # ------------------------------------------------------------------ reads

    def open_actions_off_the_columns(self, where: ActionFilter | None = None) -> list[str]:
        """What is wrong with each open action whose phase is none of the four (``'Do'``,
        written past the guards by another tool), a line each as a read that leaves it out
        says it. No column holds it: it was gone from the board and every open list without
        a word (a retrial). Five seeks of an index: each range between and beyond the four."""
        said = []
        for (action_id,) in self.conn.execute(_OFF_THE_COLUMNS):
            # only those the list's filter would show: "left out" of dave's list named carol's
            # (a retrial), of Alpha's Bravo's (a reviewer)
            if where is not None and not self.matches(where, action_id):
                continue
            try:
                self.get_action(action_id)
            except RowChangedOutside as error:
                said.append(str(error))
        return said

    def get_action(self, action_id: int) -> Action:
        row = self.conn.execute(_ACTION_SELECT + " WHERE a.id = ?", (action_id,)).fetchone()
        if row is None:
            raise NotFound("action", action_id)
        return convert.action(row, self._now(), stale_after_days=self.stale_after_days())

    def repeats_due(self) -> bool:
        """Whether a repeat rule's date may have come (one indexed read, no lock): a command
        imports and runs ``recurrence.catch_up`` only then. A failed read says yes, so that
        catch_up meets the failure and handles it as it always did."""
        if not self.writable or self.snapshot:
            return False
        day = self.clock().astimezone().date().isoformat()
        try:
            found = self.conn.execute(_REPEAT_DUE, (day,)).fetchone()
            if found is None:
                found = self.conn.execute(_AFTER_RULE_WAITING).fetchone()
        except sqlite3.Error:
            return True
        return found is not None

    def stale_after_days(self) -> int:
        """The team's ``stale-after-days`` setting (kept in the database), else the default."""
        row = self.conn.execute(
            "SELECT value FROM settings WHERE key = 'stale_after_days'"
        ).fetchone()
        if row is None:  # the usual case: no import of the accountability rules (pydantic)
            return rules.STALE_AFTER_DAYS
        from pdca.db import accountability_rules

        try:
            return accountability_rules.parse_cadence(row[0])
        except InvalidInput:  # a hand-edited value: the default, as doctor would advise
            return rules.STALE_AFTER_DAYS

    def list_actions(self, where: ActionFilter | None = None) -> list[Action]:
        return list(self.iter_actions(where))

    def iter_actions(self, where: ActionFilter | None = None) -> Iterator[Action]:
        """``list_actions`` one action at a time, for outputs that stream: memory stays flat
        however many match."""
        for row, now, today, cadence in self._action_rows(where or ActionFilter()):
            try:
                yield convert.action(row, now, today, cadence)
            except RowChangedOutside as error:  # left out and said, as list_kpis does
                self.left_out[str(error)] = None

    def iter_action_data(self, where: ActionFilter | None = None) -> Iterator[dict[str, Any]]:
        """``iter_actions`` as the plain dicts their ``model_dump(mode="json")`` gives, built
        without pydantic: ``pdca list --json`` streams these (issue 14). An action holding a
        value pdca cannot read is left out and named in ``left_out``: one such row stopped
        ``pdca list`` and the CSV export for everyone (a tester)."""
        for row, now, today, cadence in self._action_rows(where or ActionFilter()):
            try:
                data = convert.action_data(row, now, today, cadence)
            except RowChangedOutside as error:
                self.left_out[str(error)] = None
                continue
            yield data

    def _action_rows(
        self, where: ActionFilter
    ) -> Iterator[tuple[sqlite3.Row, datetime, date, int]]:
        """The rows ``iter_actions`` converts, with the clock's reading and the cadence."""
        if where.phase is None and not where.include_done:
            # Column by column, each in the board's index order: no sort of every open action.
            left = where.limit
            for phase in PHASES:
                if left is not None and left <= 0:
                    return
                for found in self._action_rows(where._replace(phase=phase, limit=left)):
                    yield found
                    left = None if left is None else left - 1
            for said in self.open_actions_off_the_columns(where):  # in no phase's column
                self.left_out[said] = None
            return
        now = self._now()
        clauses, params = self._filter_clauses(where, now)
        sql = _ACTION_SELECT
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        # One phase: its board order, straight off the board's index; else phase by phase.
        order = _board_order(where)
        order = order if where.phase else f"{_PHASE_ORDER}, {order}"
        sql += f" ORDER BY {order}"
        if where.limit is not None:
            sql += " LIMIT ?"
            params.append(where.limit)
        today, cadence = now.astimezone().date(), self.stale_after_days()
        for row in self.conn.execute(sql, params):
            yield row, now, today, cadence

    def action_page(
        self, where: ActionFilter, offset: int, limit: int, total: int | None = None
    ) -> list[Action]:
        """Cards ``offset`` to ``offset + limit`` of one column (``where.phase``), in board
        order: what a column shows, read a screenful at a time (issue 14).

        The ids come off ``idx_actions_board`` alone, from the nearer end of the column when
        ``total`` (the column's count) is known, so the last page costs what the first does;
        only the page's own rows are then joined with their initiative, KPI and check-in."""
        assert where.phase is not None, "a page is of one column"
        now = self._now()
        if limit <= 0 or offset < 0:
            return []
        clauses, params = self._filter_clauses(where, now)
        order = _board_order(where)
        if total is not None and offset > total // 2:  # nearer the end: walk the index back
            order = _board_order(where, desc=True)
            skip = max(0, total - offset - limit)
            limit = max(0, min(limit, total - offset))
            offset = skip
        sql = "SELECT a.id FROM actions a"
        sql += " WHERE " + " AND ".join(clauses) if clauses else ""
        sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
        ids = [row[0] for row in self.conn.execute(sql, [*params, limit, offset])]
        return self.actions_by_id(ids)

    def few_matches(self, where: ActionFilter, most: int) -> dict[str, list[int]] | None:
        """Each column's ids under ``where``, in board order, read in one pass over the rows
        when they are at most ``most`` in all; None when there are more.

        A text filter reads every row's title and notes (no index holds words): a rare word
        was read five times over, once for the counts and once per column's page, each a
        pass over the column (0.3 to 0.6 s at 100 000 actions). A common one stops the pass
        at once, and its pages come off the index as ever."""
        clauses, params = self._filter_clauses(where, self._now())
        keys = ", ".join(f"{key} AS k{n}" for n, key in enumerate(_BOARD_KEYS))
        inner = f"SELECT a.phase, {_DONE_LAST} AS done, {keys} FROM actions a"
        inner += (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.conn.execute(  # materialized: merged, it sorted every match first
            f"WITH m AS MATERIALIZED ({inner} LIMIT ?)"
            " SELECT phase, k2 FROM m ORDER BY done, k0, k1, k2",
            [*params, most + 1],
        ).fetchall()
        if len(rows) > most:
            return None
        found: dict[str, list[int]] = {phase: [] for phase in PHASES}
        for phase, action_id in rows:
            found.setdefault(phase, []).append(action_id)
        return found

    def actions_by_id(self, ids: list[int]) -> list[Action]:
        """The actions ``ids`` (those that exist) in board order (phase by phase)."""
        if not ids:
            return []
        now = self._now()
        today, cadence = now.astimezone().date(), self.stale_after_days()
        rows = self.conn.execute(
            _ACTION_SELECT + " WHERE a.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )
        # A card's row changed by hand to hold a value of the wrong kind is shown, named in its
        # title, rather than take the whole column (the board) down with it.
        found = [convert.action(row, now, today, cadence, stand_in=True) for row in rows]
        return sorted(found, key=board_order)

    def matching(self, where: ActionFilter, ids: set[int]) -> set[int]:
        """Those of actions ``ids`` that ``where`` shows (each by its id: a few rows)."""
        if not ids:
            return set()
        clauses, params = self._filter_clauses(where, self._now())
        # The ids first (CROSS JOIN keeps that order): with "a.id IN (...)", SQLite walked
        # every open action down the filter's index and looked each up in the list
        sql = "SELECT a.id FROM json_each(?) AS i CROSS JOIN actions a ON a.id = i.value"
        sql += (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return {row[0] for row in self.conn.execute(sql, [json.dumps(sorted(ids)), *params])}

    def any_action(self, where: ActionFilter) -> bool:
        """Whether ``where`` shows any action at all (the first found ends the search)."""
        clauses, params = self._filter_clauses(where, self._now())
        sql = "SELECT 1 FROM actions a" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        return self.conn.execute(sql + " LIMIT 1", params).fetchone() is not None

    def matches(self, where: ActionFilter, action_id: int) -> bool:
        """Whether action ``action_id`` is one ``where`` shows (one row, by its id)."""
        clauses, params = self._filter_clauses(where, self._now())
        sql = "SELECT 1 FROM actions a WHERE " + " AND ".join([*clauses, "a.id = ?"])
        return self.conn.execute(sql, [*params, action_id]).fetchone() is not None

    def position_of(self, where: ActionFilter, action: Action) -> int:
        """How many cards come before ``action`` in its column under ``where``.

        Three counts, each a range of ``idx_actions_board`` (priority before, then due date
        before, then id before): one row-value comparison would walk the whole column. With
        done cards shown, an open card's place is among the open ones (they come first); a
        done card's is after all of them, among the done ones."""
        before = 0
        if where.include_done:
            open_only = where._replace(include_done=False)
            if action.done_at is None:
                return self.position_of(open_only, action)
            before = self.count_actions(open_only._replace(phase=action.phase))[action.phase]
        clauses, params = self._filter_clauses(where._replace(phase=action.phase), self._now())
        if where.include_done:
            clauses.append("a.done_at IS NOT NULL")
        rank, due_key = _BOARD_KEYS[0], _BOARD_KEYS[1]
        mine = (PRIORITY_RANKS[action.priority], action.due or "9999-12-31", action.id)
        parts: list[tuple[str, list[Any]]] = [
            (f"{rank} < ?", [mine[0]]),
            (f"{rank} = ? AND {due_key} < ?", [mine[0], mine[1]]),
            (f"{rank} = ? AND {due_key} = ? AND a.id < ?", list(mine)),
        ]
        total = before
        for part, values in parts:
            sql = "SELECT count(*) FROM actions a"
            sql += " WHERE " + " AND ".join([*clauses, part])
            total += self.conn.execute(sql, [*params, *values]).fetchone()[0]
        return total

    def changes_since(self, since_event: int, most: int = 2000) -> Changes:
        """What changed since event ``since_event``, read off the event log (the change
        feed): the actions whose cards changed (their own events and their check-ins' and
        follow-ups'), the phases they left or entered, and whether anything else changed
        (a KPI reading, for the sparklines). More than ``most`` events: ``everything``.

        The board's refresh reads this, then only what it names; never the whole board."""
        changes = Changes(last_event=since_event)
        rows = self.conn.execute(
            "SELECT id, entity, entity_id, json_extract(coalesce(after, before), '$.action_id'),"
            " json_extract(before, '$.phase'), json_extract(after, '$.phase')"
            " FROM events WHERE id > ? ORDER BY id LIMIT ?",
            (since_event, most + 1),
        ).fetchall()
        if (
            len(rows) > most
            or (not rows and self.last_event_id() < since_event)
            or any(row[1] == "database" for row in rows)
        ):
            # Too much to sort out, a log that went backwards (emptied and refilled, as a
            # reseeded demo is), or the whole file replaced (a restore, an import: their
            # event's entity is the database): read everything on screen again.
            changes.everything = True
            changes.last_event = self.last_event_id()
            return changes
        for event_id, entity, entity_id, action_id, before, after in rows:
            changes.last_event = event_id
            if entity == "action":
                changes.actions.add(entity_id)
                changes.phases.update(p for p in (before, after) if p is not None)
            elif action_id is not None and entity in ("checkin", "followup"):
                changes.actions.add(action_id)
            else:
                changes.other = True
                if entity in ("initiative", "kpi", "setting"):
                    # A rename shows on every card of it: the columns on screen are read
                    # again (a screenful each; boards kept the old name, a retrial); so does
                    # the team's stale-after-days, which every card's stale mark is read by
                    # (an open board kept the old one while its owners view had the new)
                    changes.phases.update(PHASES)
        missing = sorted(changes.actions)
        if missing:  # a check-in changes its action's card, in the phase it is in now
            found = self.conn.execute(
                "SELECT phase FROM actions WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(missing),),
            )
            changes.phases.update(phase for (phase,) in found)
        return changes

    def count_actions(self, where: ActionFilter | None = None) -> dict[str, int]:
        """How many actions each phase holds under ``where`` (every phase present, maybe 0)."""
        where = where or ActionFilter()
        clauses, params = self._filter_clauses(where, self._now())
        sql = "SELECT a.phase, count(*) FROM actions a"
        sql += (" WHERE " + " AND ".join(clauses)) if clauses else ""
        sql += " GROUP BY a.phase"
        counts = dict.fromkeys(("plan", "do", "check", "act"), 0)
        counts.update(dict(self.conn.execute(sql, params)))
        return counts

    def _filter_clauses(self, where: ActionFilter, now: datetime) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if not where.include_done:
            clauses.append("a.done_at IS NULL")
        if where.owner == models.UNOWNED:  # the owners view's "(unowned)" row: work nobody owns
            clauses.append("a.owner IS NULL")
        elif where.owner is not None:
            clauses.append("a.owner = ?")
            params.append(where.owner)
        if where.phase is not None:
            clauses.append("a.phase = ?")
            params.append(where.phase)
        if where.initiative is not None and self.no_initiative(where.initiative):
            # As --initiative none clears a link: the work of no initiative, which nothing
            # listed ("'none' is not a known initiative; add one", refused as a name: a tester)
            clauses.append("a.initiative_id IS NULL")
        elif where.initiative is not None:
            clauses.append("a.initiative_id = ?")
            params.append(self.initiative_id(where.initiative))
        if where.priority is not None:
            clauses.append("a.priority = ?")
            params.append(where.priority)
        if where.overdue:
            # ``+``: not the due-date range but the board's index, so the rows come in board
            # order as they stream, with no sort of every overdue action first.
            clauses.append("a.done_at IS NULL AND +a.due IS NOT NULL AND +a.due < ?")
            params.append(now.astimezone().date().isoformat())
        if where.due_by is not None:  # ``+``: the board's index still orders the rows
            clauses.append("+a.due IS NOT NULL AND +a.due <= ?")
            params.append(where.due_by.isoformat())
        if where.due_after is not None:
            clauses.append("+a.due IS NOT NULL AND +a.due > ?")
            params.append(where.due_after.isoformat())
        if where.stale:
            # Same rule as rules.is_stale: more than the team's cadence in calendar days.
            cutoff = rules.stale_cutoff(now, self.stale_after_days())
            clauses.append("a.done_at IS NULL AND coalesce(a.last_checkin_at, a.created_at) <= ?")
            params.append(iso(cutoff))
        # Each word on its own, all of them ("canary admin" found nothing in "Add a canary
        # to the admin console", a trial), as Taskwarrior's and Linear's searches take them
        typed = (where.text or "").split()
        # a word twice asks no more than once, "Rota" and "rota" too
        words = list({search_key(word): word for word in typed}.values())
        each: list[str] = []
        ids = [w for w in words if w.startswith("#") and models.record_id(w)]
        if len(ids) > 1:
            # "#12 #13": either of them (each must match, and none did: a reviewer), and the
            # other words besides ("#12 #13 pin": the one of them with "pin", a retrial). The
            # ids off the key; the words as text only in a title or notes holding a "#": 400
            # ids read 400 words' worth of every row, 3 s on the large file (a reviewer).
            words_params: list[Any] = []
            for word in ids:
                self._word_clause(word, each, words_params, bare_id=False, by_id=False)
            clauses.append(
                "(a.id IN (SELECT value FROM json_each(?)) OR ((instr(a.title, '#') > 0"
                f" OR instr(a.notes, '#') > 0) AND {balanced(each, 'OR')}))"
            )
            params += [json.dumps([models.record_id(word) for word in ids]), *words_params]
            words, each = [w for w in words if w not in ids], []
        for word in words:
            # A bare number is an id only alone ("12"): "card 7" took #7 as well (card 6)
            self._word_clause(word, each, params, bare_id=len(typed) == 1)
        if each:
            clauses.append(balanced(each, "AND"))
        return clauses, params

    @staticmethod
    def _word_clause(
        word: str, clauses: list[str], params: list[Any], *, bare_id: bool, by_id: bool = True
    ) -> None:
        """The text filter's clause for one word: in the title or the notes, the owner's
        login, or (``#12``, and ``12`` when ``bare_id``; not unless ``by_id``) the action's
        id."""
        # The owner too, by login ("frank": his cards, as Linear's search finds an
        # assignee; a tester's search for a name found nothing).
        # SQLite's lower() leaves "Ü" as it is: beyond ASCII, pdca's own (a little slower).
        # An ASCII search reads ASCII text with SQLite's own lower, and the rest with
        # pdca's: "İstanbul" (and the Kelvin sign's "K") lower to ASCII letters.
        key = search_key(word) or ""
        ascii_only = key.isascii()
        # Only text holding one of the two is read by pdca's own (5x slower on a file of
        # accented titles, a reviewer). Text that is not ASCII (its bytes outnumber its
        # characters: two lengths SQLite knows, where a GLOB for them read every character
        # of every row, 70 ms of a keystroke's 180 at 100 000 actions) is all that can hold
        # them, or match a search that is not ASCII.
        beyond_ascii = "length(a.{c}) <> length(CAST(a.{c} AS BLOB))"
        found = (
            # and text holding what draws nothing (a joiner inside "pay\u200droll": no
            # "payroll" found it, a retrial), which pdca's own leaves out
            "instr(lower(a.{c}), ?) > 0"
            f" OR ({beyond_ascii} AND a.{{c}} GLOB '*[{FOLDS_TO_ASCII}]*'"
            f" AND instr({SEARCH_KEY}(a.{{c}}), ?) > 0)"
            if ascii_only
            else f"{beyond_ascii} AND instr({SEARCH_KEY}(a.{{c}}), ?) > 0"
        )
        if _MENTION.fullmatch(word):
            # "#12" in a title or notes as a whole number: "see #123" is no mention of #12
            # (the search found both). The first test is the cheap one, as the others'.
            found = "(instr(a.{c}, ?) > 0 AND (a.{c} GLOB ? OR a.{c} GLOB ?))"
            params += [word, f"*{word}", f"*{word}[^0-9]*"] * 2
        else:
            params += [key] * (4 if ascii_only else 2)
        match = " OR ".join(
            [*(found.format(c=column) for column in ("title", "notes")), "lower(a.owner) = ?"]
        )
        params.append(word.lower())
        named = models.record_id(word) if by_id and (bare_id or word.startswith("#")) else None
        if named is not None:  # "5272" or "#5272": that action too, as people name one
            match += " OR a.id = ?"
            params.append(named)
        clauses.append(f"({match})")

    def action_detail(self, action_id: int) -> ActionDetail:
        action = self.get_action(action_id)
        checkins = [
            convert.checkin(row)
            for row in self.conn.execute(
                "SELECT * FROM checkins WHERE action_id = ? ORDER BY at, id", (action_id,)
            )
        ]
        history = [
            convert.event(row)
            for row in self.conn.execute(
                "SELECT * FROM events WHERE (entity = 'action' AND entity_id = ?)"
                " OR (entity = 'checkin' AND entity_id IN"
                "     (SELECT id FROM checkins WHERE action_id = ?"
                # an undone check-in's row is gone; the change it made still names the action
                "      UNION SELECT e.entity_id FROM event_changes c JOIN events e ON e.id = c.id"
                "      WHERE c.action_id = ? AND c.kind IN ('checkin', 'followup')))"
                " OR (entity = 'followup' AND entity_id IN"
                "     (SELECT id FROM followups WHERE action_id = ?))"
                # Follow-ups gone with an undo of their "done": made and taken out in changes
                # of the action itself. Their scheduling vanished from its history, though
                # the undo had named it (an auditor).
                # Of this action's follow-ups only: a reassign hands many actions and the
                # audits of done ones in one change (#2's history listed #1's, a lead).
                # Down the transactions' index from the action's own changes: as "tx IN" it
                # read every follow-up's change the file had (0.2 s an action at 100 000
                # actions, 4.5 s on a file not read yet: a detail opened 5 s after enter).
                " OR id IN (SELECT f.id FROM events a"
                "     JOIN events f INDEXED BY idx_events_tx ON f.tx = a.tx"
                "     WHERE a.entity = 'action' AND a.entity_id = ? AND f.entity = 'followup'"
                "     AND CASE WHEN json_valid(coalesce(f.after, f.before))"
                "     THEN json_extract(coalesce(f.after, f.before), '$.action_id') END = ?)"
                " ORDER BY id",
                (action_id, action_id, action_id, action_id, action_id, action_id),
            )
        ]
        names = self._names_in(history)
        following = [
            row_id
            for (row_id,) in self.conn.execute(
                "SELECT id FROM actions WHERE parent_id = ? ORDER BY id", (action_id,)
            )
        ]
        from pdca.db.followup_reads import followups_of

        return models.ActionDetail(
            action=action,
            checkins=checkins,
            history=history,
            names=names,
            next_cycles=following,
            followups=followups_of(self, action_id, include_done=True),
        )

    def _names_in(self, history: list[Any]) -> dict[str, dict[int, str]]:
        """The current names of the initiatives and KPIs ``history``'s changes name by id."""
        names: dict[str, dict[int, str]] = {}
        for column, table in (("initiative_id", "initiatives"), ("kpi_id", "kpis")):
            ids = {
                value
                for event in history
                for side in (event.before, event.after)
                if side and isinstance(value := side.get(column), int)
            }
            if ids:
                marks = ", ".join("?" * len(ids))
                rows = self.conn.execute(
                    f"SELECT id, name FROM {table} WHERE id IN ({marks})", sorted(ids)
                )
                names[column] = {row[0]: row[1] for row in rows}
        return names

    def list_initiatives(self) -> list[Initiative]:
        rows = self.conn.execute(
            "SELECT i.*, (SELECT count(*) FROM actions a WHERE a.initiative_id = i.id"
            " AND a.done_at IS NULL) AS open_actions FROM initiatives i ORDER BY i.name"
        )
        return [convert.initiative(row) for row in rows]

    def list_kpis(self) -> list[Kpi]:
        """Every KPI pdca can read. One holding a value changed by hand that it cannot (text
        in a number column, from before schema 21) is left out and named in ``left_out``:
        it stopped every KPI command and view for everyone (a tester)."""
        kept = []
        for row in self.conn.execute(_SELECT_KPIS + " ORDER BY k.name"):
            try:
                kept.append(convert.kpi(row))
            except RowChangedOutside as error:
                self.left_out[str(error)] = None
        return kept

    def list_people(self) -> list[Person]:
        return [convert.person(r) for r in self.conn.execute("SELECT * FROM people ORDER BY login")]

    def events(self, *, limit: int = 50, actor: str | None = None) -> list[Any]:
        sql, params = "SELECT * FROM events", list[Any]()
        if actor is not None:
            sql += " WHERE actor = ?"
            params.append(actor)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [convert.event(row) for row in self.conn.execute(sql, params)]

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the file.

        Answered from SQLite's own change counter, without reading any table, so the app
        can ask it many times a second.
        """
        version: int = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return version

    def presence_mark(self) -> tuple[object, ...]:
        """What the open boards' sessions hold now, in one cheap row (a handful of rows): a
        commit that moved neither this nor the event log was no board's heartbeat and no
        pdca change, but another tool's write (``sqlite3``), or pdca's own bookkeeping."""
        row = self.conn.execute(
            "SELECT count(*), max(seen_at), total(pid), group_concat(seen_at) FROM sessions"
        ).fetchone()
        return tuple(row)

    def last_event_id(self) -> int:
        """The newest event's id: it moves exactly when the team's data changed."""
        newest: int = self.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
        return newest

    def replaced_since(self, event_id: int) -> tuple[str, str, str] | None:
        """Who replaced the file's contents (a restore, an import) after event ``event_id``,
        when, and how (``restored from pdca.20261123.db``); None: nobody did."""
        barrier = self.conn.execute(_LAST_BARRIER).fetchone()
        if barrier is None or barrier["id"] <= event_id:
            return None
        return barrier["actor"], barrier["at"], barrier["summary"]

    def others_wrote_since(self, event_id: int, own: Iterable[int] | None = None) -> bool:
        """Did anyone add events after ``event_id`` in transactions other than ``own`` (by
        default this connection's own recent ones)?"""
        mine = json.dumps(list(self.own_transactions if own is None else own))
        row = self.conn.execute(
            "SELECT 1 FROM events WHERE id > ? AND tx NOT IN (SELECT value FROM json_each(?))"
            " LIMIT 1",
            (event_id, mine),
        ).fetchone()
        return row is not None

    def damage(self) -> str | None:
        """What SQLite's ``integrity_check`` finds wrong in the whole file (indexes that
        disagree with their tables too), in one line, or None. Reads every page (0.4 s on the
        large file): for a long-lived process once at its start, not for every command."""
        from pdca.db.copies import structure_problems

        try:
            damaged = structure_problems(self.conn)
        except sqlite3.DatabaseError as error:
            if self.interrupted:  # stopped on purpose (the app quitting): nothing was found
                raise Interrupted("the whole-file check was stopped before its end") from None
            known = database_failure(self.path, error)
            if known is None:
                raise
            return str(known)
        if not damaged:  # "ok", or only rows whose values reads leave out and name
            return None
        where = self.path or "the database"
        doctor = f"pdca --db {shell_word(self.path)} doctor" if self.path else "pdca doctor"
        return (
            f"{where} is damaged ({damaged[0]}); nothing more written: {doctor} names the"
            " damage; restore a backup copy"
        )

    def counts(self) -> dict[str, int]:
        """How many rows each table holds (for seed summaries and doctor)."""
        return {
            entity: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for entity, table in {**TABLES, "event": "events"}.items()
        }

    # ------------------------------------------------------------------ action writes

    def add_action(self, draft: ActionDraft) -> Action:
        with self.write() as tx:
            action_id = self.insert_action(tx, draft)
            # Read inside the transaction: a committed write is never reported as failed.
            return self.get_action(action_id)

    def add_action_line(self, fields: ActionFields) -> ActionLine:
        """``add_action`` from fields checked without pydantic, answering with the new
        action's line instead of its model."""
        checked_action(fields)
        with self.write() as tx:
            return self._line(self.insert_action(tx, fields))

    def add_actions(
        self, drafts: Iterable[ActionDraft], *, case_slips: bool = True
    ) -> tuple[int, int]:
        """Add many actions in one transaction: all of them, or (on any error) none. Returns
        the first and the last new id (ids only grow, so the rest lie between).

        Built for imports of hundreds of thousands: one ``executemany`` for the rows and one
        statement for their events keep the write lock short (bench/imports.py)."""
        names: dict[tuple[str, str | None], int | None] = {}
        # ``case_slips``: an owner in other capitals of the file's people is refused (not
        # of a pdca export's own rows, whose people are the file's: ``import_case_slip``)
        case_slip = self.import_case_slip() if case_slips else None

        def resolved(kind: str, name: str | None) -> int | None:
            if (kind, name) not in names:  # each name looked up once per import
                names[kind, name] = self._named_id(kind, name)
            return names[kind, name]

        def rows(tx: Transaction) -> Iterator[tuple[Any, ...]]:
            for draft in drafts:
                problem = rules.start_problem(draft.phase, draft.owner, draft.due)
                if problem:
                    raise GateUnmet(f"phase: {problem}")
                self.ensure_person(tx, draft.owner, typed=False, case_slip=case_slip)
                yield self._action_values(tx, draft, resolved)

        with self.write() as tx:
            start = self.conn.execute("SELECT coalesce(max(id), 0) FROM actions").fetchone()[0]
            self.conn.executemany(_INSERT_ACTION, rows(tx))
            first, last = self.conn.execute(
                "SELECT min(id), max(id) FROM actions WHERE id > ?", (start,)
            ).fetchone()
            if first is None:
                raise InvalidInput("actions", "", "is empty: nothing to add")
            tx.log_created("action", "actions", first, "'added #' || id")
        return first, last

    def insert_action(
        self, tx: Transaction, draft: ActionDraft | ActionFields, recurrence_id: int | None = None
    ) -> int:
        """Add one action inside ``tx`` (its gate checked, its owner registered), logged."""
        problem = rules.start_problem(draft.phase, draft.owner, draft.due)
        if problem:
            raise GateUnmet(f"phase: {problem}")
        self.ensure_person(tx, draft.owner)
        values = self._action_values(tx, draft, self._named_id)
        # fetchall: the statement is finished before the next one runs.
        row = self.conn.execute(_INSERT_ACTION + " RETURNING *", values).fetchall()[0]
        action_id: int = row["id"]
        if recurrence_id is not None:  # the first action of a repeat rule (db/recurrence.py)
            row = self.conn.execute(
                "UPDATE actions SET recurrence_id = ? WHERE id = ? RETURNING *",
                (recurrence_id, action_id),
            ).fetchall()[0]
        tx.log("action", action_id, "create", f"added #{action_id}", None, convert.snapshot(row))
        return action_id

    def _named_id(self, kind: str, name: str | None) -> int | None:
        return self.initiative_id(name) if kind == "initiative" else self.kpi_id(name)

    @staticmethod
    def _action_values(
        tx: Transaction,
        draft: ActionDraft | ActionFields,
        resolved: Callable[[str, str | None], int | None],
    ) -> tuple[Any, ...]:
        return (
            draft.title,
            draft.notes,
            draft.owner,
            draft.phase,
            draft.due.isoformat() if draft.due else None,
            draft.priority,
            resolved("initiative", draft.initiative),
            resolved("kpi", draft.kpi),
            tx.at,
            tx.actor,
            tx.at,
            tx.at,
        )

    def _update_action(
        self,
        tx: Transaction,
        before: sqlite3.Row,
        changes: dict[str, Any],
        summary: str,
    ) -> None:
        self.update_versioned(tx, "action", before, changes, summary)

    def update_versioned(
        self,
        tx: Transaction,
        entity: str,
        before: sqlite3.Row,
        changes: dict[str, Any],
        summary: str,
    ) -> sqlite3.Row:
        """Write ``changes`` to the row ``before`` (of ``entity``'s table) at its version, one
        up, with its event (before and after); the row after. The one versioned update of
        an action, a KPI and an initiative (each had its own copy)."""
        columns = ", ".join(f"{name} = ?" for name in changes)
        cursor = self.conn.execute(
            f"UPDATE {TABLES[entity]} SET {columns}, updated_at = ?, version = version + 1"
            " WHERE id = ? AND version = ?",
            (*changes.values(), tx.at, before["id"], before["version"]),
        )
        if cursor.rowcount != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as a guard
            raise self.conflict(entity, before)
        after = self.row(entity, before["id"])
        assert after is not None  # written just now, in this transaction
        tx.log(
            entity,
            before["id"],
            "update",
            summary,
            convert.snapshot(before),
            convert.snapshot(after),
        )
        return after

    def edit_action(
        self,
        action_id: int,
        edit: ActionChanges,
        expected_version: int | None = None,
        seen: Mapping[str, str] | None = None,
    ) -> Action:
        """``seen``: the values the caller read of the fields it edits (``title``, ``owner``,
        ``due``, ``priority``, ``initiative``, ``kpi``, ``notes``, as text, "" for none): one
        changed since without a new version (``sqlite3``, which no event logs) is a
        ``Conflict`` too, never written over unasked (a trial's ``UPDATE`` of a title)."""
        return self.edit_actions_telling([action_id], edit, expected_version, seen)[0][0]

    def edit_action_telling(
        self, action_id: int, edit: ActionChanges, expected_version: int | None = None
    ) -> tuple[Action, bool]:
        """``edit_action``, and whether it changed anything (else nothing was written)."""
        return self.edit_actions_telling([action_id], edit, expected_version)[0]

    def edit_actions_line(
        self, ids: list[int], edit: ChangeFields, expected_version: int | None = None
    ) -> list[ActionLine]:
        """``edit_action_line`` of each of ``ids``, as one change (one ``pdca undo`` takes all
        of them back); refused whole, nothing written, when one of them cannot take it."""
        checked_changes(edit)
        with self.write() as tx:
            self._refuse_dues_of_done(ids, edit)
            changed = [self._edit(tx, action_id, edit, expected_version) for action_id in ids]
            return [
                self._line(action_id)._replace(changed=was)
                for action_id, was in zip(ids, changed, strict=True)
            ]

    def edit_actions_telling(
        self,
        ids: list[int],
        edit: ActionChanges,
        expected_version: int | None = None,
        seen: Mapping[str, str] | None = None,
    ) -> list[tuple[Action, bool]]:
        """``edit_action_telling`` of each of ``ids``, as one change (``seen``: as
        ``edit_action``'s)."""
        with self.write() as tx:
            self._refuse_dues_of_done(ids, edit)
            changed = [self._edit(tx, action_id, edit, expected_version, seen) for action_id in ids]
            return [
                (self.get_action(action_id), was)
                for action_id, was in zip(ids, changed, strict=True)
            ]

    def edit_then_move(
        self,
        action_id: int,
        edit: ActionChanges,
        target: Phase,
        expected_version: int,
        seen: Mapping[str, str] | None = None,
    ) -> Action:
        """``edit`` (what the gate into ``target`` asked for: an owner, a due date), then the
        move, as one change: one undo takes back both (the board's ``>`` through its form had
        been two, and ``u`` left the card in Plan with the owner and date just typed).
        ``seen``: as ``edit_action``'s."""
        with self.write() as tx:
            self._edit(tx, action_id, edit, expected_version, seen)  # checks what was seen
            self._move(tx, action_id, target, None, None, None)
            return self.get_action(action_id)

    def edit_action_line(
        self, action_id: int, edit: ChangeFields, expected_version: int | None = None
    ) -> ActionLine:
        """``edit_action`` from fields checked without pydantic, answering with the action's
        line instead of its model."""
        return self.edit_actions_line([action_id], edit, expected_version)[0]

    def _refuse_dues_of_done(self, ids: list[int], edit: ActionChanges | ChangeFields) -> None:
        """A new due date for several actions of which more than one is done: refused naming
        them all (``_edit`` names one, the first; to re-date a range's open work a person
        found the done ones one refusal at a time, a retrial)."""
        if len(ids) < 2 or not (edit.clear_due or edit.due is not None):
            return
        due = None if edit.clear_due or edit.due is None else edit.due.isoformat()
        done = [
            row[0]
            for row in self.conn.execute(
                "SELECT id FROM actions WHERE done_at IS NOT NULL AND due IS NOT ?"
                " AND id IN (SELECT value FROM json_each(?)) ORDER BY id",
                (due, json.dumps(ids)),
            )
        ]
        if len(done) < 2:
            return
        named = [f"#{n}" for n in done[:DONE_NAMED]]
        if len(done) > DONE_NAMED:
            named.append(f"{len(done) - DONE_NAMED} more")
        shown = f"{', '.join(named[:-1])} and {named[-1]}"
        raise GateUnmet(  # "due dates ... stay" of one done with none read wrong (a reviewer)
            f"due: {shown} are done; a done action keeps the due date it was done against,"
            " or none (leave them out of the range)"
        )

    def _edit(
        self,
        tx: Transaction,
        action_id: int,
        edit: ActionChanges | ChangeFields,
        expected_version: int | None,
        seen: Mapping[str, str] | None = None,
    ) -> bool:
        """Write what the edit changes; whether it changed anything."""
        before = self.require("action", action_id)
        self.check_version("action", before, expected_version)
        wanted: dict[str, Any] = {}
        if edit.title is not None:
            wanted["title"] = edit.title
        if edit.notes is not None:
            wanted["notes"] = edit.notes
        if edit.clear_owner:
            wanted["owner"] = None
        elif edit.owner is not None:
            self.ensure_person(tx, edit.owner)
            wanted["owner"] = edit.owner
        if edit.clear_due:
            wanted["due"] = None
        elif edit.due is not None:
            wanted["due"] = edit.due.isoformat()
        if edit.priority is not None:
            wanted["priority"] = edit.priority
        if edit.clear_initiative:
            wanted["initiative_id"] = None
        elif edit.initiative is not None:
            wanted["initiative_id"] = self.initiative_id(edit.initiative)
        if edit.clear_kpi:
            wanted["kpi_id"] = None
        elif edit.kpi is not None:
            wanted["kpi_id"] = self.kpi_id(edit.kpi)
        if seen is not None:
            self._refuse_a_change_unlogged(before, wanted, seen)
        changes = {k: v for k, v in wanted.items() if before[k] != v}
        if before["done_at"] is not None and "due" in changes:
            # The date it was done against is what says it finished late: moved afterwards,
            # a late finish left the owner's late share unseen (a quality manager).
            kept = (
                "the due date it was done against stays"
                if before["due"]
                else "done with no due date, it keeps none"  # "stays" of none (a reviewer)
            )
            raise GateUnmet(f"due: #{action_id} is done ({before['done_at'][:10]}); {kept}")
        if before["phase"] != "plan" and before["done_at"] is None:
            for column, label in (("owner", "an owner"), ("due", "a due date")):
                if column in changes and changes[column] is None:
                    raise GateUnmet(
                        f"{column}: #{action_id} is in {before['phase'].capitalize()}, "
                        f"which needs {label}; it stays"
                    )
        if changes:
            fields = ", ".join(sorted(k.removesuffix("_id") for k in changes))
            self._update_action(tx, before, changes, f"edited #{action_id}: {fields}")
            # Its audits still to do go to a new owner (they stayed, a tester); with the owner
            # cleared they stay with whoever had them: nobody's are reminded to no one.
            if changes.get("owner") is not None:
                self._hand_followups(tx, "action_id = ?", (action_id,), changes["owner"])
        return bool(changes)

    def _refuse_a_change_unlogged(
        self, before: sqlite3.Row, wanted: Mapping[str, Any], seen: Mapping[str, str]
    ) -> None:
        """``Conflict`` when a field to be written holds another value than the caller saw,
        the version being the same: changed by another tool, which logs nothing and leaves
        the version as it was (a colleague's ``sqlite3`` title went under a board's save)."""
        for column in wanted:
            name = column.removesuffix("_id")
            if name not in seen:
                continue
            value = before[column]
            if column in ("initiative_id", "kpi_id") and value is not None:
                table = "initiatives" if column == "initiative_id" else "kpis"
                row = self.conn.execute(f"SELECT name FROM {table} WHERE id = ?", (value,))
                value = next((name for (name,) in row), None)
            if ("" if value is None else str(value)) != seen[name]:
                raise Conflict(
                    "action",
                    before["id"],
                    None,
                    None,
                    "changed outside pdca, with no change logged",
                )

    def still_held_by(self, login: str) -> list[str]:
        """What ``login`` still answers for besides actions (``held_besides_actions``)."""
        return held_besides_actions(self.conn, login)

    def hand_over(self, from_login: str, to_login: str) -> Handover:
        """Every open action of ``from_login`` given to ``to_login``, and every follow-up
        audit still to do, each with its event, in one transaction (one undo): the work of
        someone who leaves, or moves on, to another owner. Done actions keep their owner
        (history); a repeat rule whose latest action is done and theirs makes its next one
        now, for ``to_login`` (``recurrence.hand_over``)."""
        with self.write() as tx:
            if not self.has_person(from_login):
                meant = self.not_a_person_hint(from_login)
                raise InvalidInput("FROM", from_login, f"is not one of this file's people{meant}")
            if to_login == from_login:
                raise InvalidInput("TO", to_login, "owns them already")
            if not self.has_person(to_login) and (alike := self.people_spelled_alike(to_login)):
                # All of someone's work handed to a typo first, told after (a tester).
                raise InvalidInput(
                    "TO", to_login, f"is not one of this file's people; did you mean {alike[0]}?"
                )
            rows = self.conn.execute(
                "SELECT * FROM actions WHERE owner = ? AND done_at IS NULL ORDER BY id",
                (from_login,),
            ).fetchall()
            audits = self.conn.execute(
                "SELECT count(*) FROM followups WHERE owner = ? AND done_at IS NULL",
                (from_login,),
            ).fetchone()[0]
            from pdca.db import recurrence  # builds on this module

            repeats = recurrence.held_by(self, from_login)
            if rows or audits or repeats:  # nothing handed over makes nobody a person
                self.ensure_person(tx, to_login)
            for before in rows:
                # Said as a handover: "edited #22: owner" read as an ordinary edit in the
                # action's history, who from and why gone (an auditor).
                self._update_action(
                    tx,
                    before,
                    {"owner": to_login},
                    f"handed #{before['id']} from {from_login} to {to_login} (reassign)",
                )
            # The follow-up audits still to do of their done work too: they stayed with
            # someone who left, reminded for good (a tester).
            handed = self._hand_followups(tx, "owner = ?", (from_login,), to_login)
            made = recurrence.hand_over(self, tx, repeats, to_login)
            return Handover([int(row["id"]) for row in rows], handed, made)

    def _hand_followups(
        self, tx: Transaction, where: str, params: tuple[Any, ...], to_login: str | None
    ) -> int:
        """The follow-ups still to do that ``where`` picks given to ``to_login``, each with
        its event (one undo with the change that asked for it); how many."""
        rows = self.conn.execute(
            f"SELECT * FROM followups WHERE done_at IS NULL AND {where} ORDER BY id", params
        ).fetchall()
        for before in rows:
            self.conn.execute(
                "UPDATE followups SET owner = ?, version = version + 1 WHERE id = ?",
                (to_login, before["id"]),
            )
            after = self.row("followup", before["id"])
            tx.log(
                "followup",
                before["id"],
                "update",
                f"handed the {before['offset_days']}-day follow-up of #{before['action_id']}"
                f" to {to_login or 'nobody'}",
                convert.snapshot(before),
                convert.snapshot(after),
            )
        return len(rows)

    def _progress_since(self, action: sqlite3.Row) -> int:
        return self._evidence_since(action["id"], action["kpi_id"], action["phase_since"])

    def _evidence_since(
        self,
        action_id: int,
        kpi_id: int | None,
        since: str,
        *,
        left_do_at: int | None = None,
        leaving_out: int | None = None,
    ) -> int:
        """Check-ins of the action (but ``leaving_out``) and readings of its KPI since it
        entered Do at ``since`` (and left it by the event ``left_do_at``, None: it is in Do).
        Times are kept to the second: one written in that very second counts unless the log
        shows it written before the move into Do. A check-in made in Plan in the second of the
        move let the action into Check with no word since Do (a newcomer's script, and every
        run under one PDCA_NOW)."""
        # The change that moved it into Do (0: none known). Not an undo: it puts back the Do
        # the action had, with its start, and the check-ins of that second made before the
        # undo stopped counting (a retrial's undone move to Check); nor a move undone since
        # (a reviewer's move to Plan and back, both undone), as the stays read them.
        entered = self.conn.execute(
            "SELECT coalesce(max(e.id), 0) FROM events e WHERE e.entity = 'action'"
            " AND e.entity_id = ? AND e.id < ? AND json_extract(e.after, '$.phase') = 'do'"
            " AND e.undo_of IS NULL"
            " AND (e.before IS NULL OR json_extract(e.before, '$.phase') IS NOT 'do')"
            " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undo_of = e.tx)",
            (action_id, left_do_at if left_do_at is not None else models.ID_MAX),
        ).fetchone()[0]
        made_before = (  # written before that change, by the log (a row with no log counts)
            "EXISTS (SELECT 1 FROM events e WHERE e.entity = '{entity}' AND e.entity_id = {row}"
            " AND e.op = 'create' AND e.id < :entered)"
        )
        checkin_before = made_before.format(entity="checkin", row="c.id")
        total: int = self.conn.execute(
            "SELECT count(*) FROM checkins c WHERE c.action_id = :action AND c.at >= :since"
            f" AND c.id IS NOT :left AND (c.at > :since OR NOT {checkin_before})",
            {"action": action_id, "since": since, "left": leaving_out, "entered": entered},
        ).fetchone()[0]
        if kpi_id is not None:
            reading_before = made_before.format(entity="reading", row="r.id")
            total += self.conn.execute(
                "SELECT count(*) FROM kpi_readings r WHERE r.kpi_id = :kpi AND r.at >= :since"
                f" AND (r.at > :since OR NOT {reading_before})",
                {"kpi": kpi_id, "since": since, "entered": entered},
            ).fetchone()[0]
        return total

    def check_passed_on_a_reading(self, action_id: int) -> str | None:
        """After a move into Check with no check-in since Do began: the linked KPI's reading
        that met the gate, as words; else None. The move passed without a word and the card
        still said "no check-in" (a new lead): one reading of a KPI the team shares lets
        every linked card in Do through."""
        from pdca.db.dates import minute_utc

        action = self.conn.execute(
            "SELECT phase, kpi_id FROM actions WHERE id = ?", (action_id,)
        ).fetchone()
        if action is None or action["phase"] != "check" or action["kpi_id"] is None:
            return None
        moved = self.conn.execute(  # the move in: its "before" holds when Do began
            "SELECT json_extract(before, '$.phase_since'), id FROM events WHERE entity = 'action'"
            " AND entity_id = ? AND op = 'update' AND json_extract(before, '$.phase') = 'do'"
            " ORDER BY id DESC LIMIT 1",
            (action_id,),
        ).fetchone()
        if moved is None or moved[0] is None:
            return None
        if self._evidence_since(action_id, None, moved[0], left_do_at=moved[1]):
            return None
        reading = self.conn.execute(
            "SELECT r.value, r.at, k.name, k.unit FROM kpi_readings r JOIN kpis k"
            " ON k.id = r.kpi_id WHERE r.kpi_id = ? AND r.at >= ? ORDER BY r.at DESC LIMIT 1",
            (action["kpi_id"], moved[0]),
        ).fetchone()
        if reading is None:
            return None
        unit = f" {reading['unit']}" if reading["unit"] else ""
        return (
            f"no check-in since it entered Do: a reading of KPI {reading['name']!r} met the gate"
            f" ({models.shown_number(reading['value'])}{unit}, {minute_utc(reading['at'])})"
        )

    def move_action(
        self,
        action_id: int,
        target: Phase,
        *,
        verdict: Verdict | None = None,
        expected_version: int | None = None,
        expected_phase: Phase | None = None,
    ) -> Action:
        """Move one phase on (through its gate) or back. ``expected_version`` and
        ``expected_phase`` are what the person saw: a move from anywhere else is a conflict."""
        with self.write() as tx:
            self._move(tx, action_id, target, verdict, expected_version, expected_phase)
            return self.get_action(action_id)

    def move_action_line(
        self,
        action_id: int,
        target: Phase,
        *,
        verdict: Verdict | None = None,
        expected_version: int | None = None,
    ) -> ActionLine:
        """``move_action`` answering with the action's line instead of its model."""
        with self.write() as tx:
            self._move(tx, action_id, target, verdict, expected_version, None)
            return self._line(action_id)

    def _line(self, action_id: int) -> ActionLine:
        row = self.require("action", action_id)
        return ActionLine(row["id"], row["phase"], row["title"], row["done_at"])

    def _move(
        self,
        tx: Transaction,
        action_id: int,
        target: Phase,
        verdict: Verdict | None,
        expected_version: int | None,
        expected_phase: Phase | None,
    ) -> None:
        before = self.require("action", action_id)
        self.check_version("action", before, expected_version)
        if before["phase"] not in PHASES:  # set by hand past the schema's CHECK (a tester)
            from pdca.db import action_record, plain

            plain.refuse_wrong_kinds(action_record.Action, {"phase": before["phase"]}, action_id)
        if expected_phase is not None and before["phase"] != expected_phase:
            raise self.conflict("action", before)
        facts = rules.MoveFacts(
            phase=before["phase"],
            done=before["done_at"] is not None,
            owner=before["owner"],
            due=before["due"],
            progress_since_do=self._progress_since(before) if before["phase"] == "do" else 0,
        )
        problem = rules.move_problem(facts, target, verdict)
        if problem:
            raise GateUnmet(f"#{action_id} cannot move to {target}: {problem}")
        changes: dict[str, Any] = {"phase": target, "phase_since": tx.at}
        if target == "act":
            changes["verdict"] = verdict
        elif before["verdict"] is not None:
            changes["verdict"] = None  # back before Act: the verdict is to be given again
        summary = f"moved #{action_id} from {before['phase']} to {target}"
        if target == "act":
            summary += f" (verdict: {verdict})"
        self._update_action(tx, before, changes, summary)

    def complete_action(
        self,
        action_id: int,
        decision: Decision | None,
        *,
        expected_version: int | None = None,
    ) -> Completion:
        with self.write() as tx:
            before = self.require("action", action_id)
            self.check_version("action", before, expected_version)
            problem = rules.completion_problem(
                before["phase"],
                before["done_at"] is not None,
                decision,
                repeat=before["recurrence_id"] is not None,
            )
            if problem:
                raise GateUnmet(f"#{action_id} cannot be done: {problem}")
            self._update_action(
                tx,
                before,
                {"done_at": tx.at, "decision": decision},
                f"done #{action_id} ({decision})",
            )
            next_id = None
            if decision == "adjust":
                # The next cycle is the same repeating work going on: it takes the repeat
                # rule over, and an "after N days" rule repeats once it is done, not now (a
                # tester's adjust made the next cycle and the next repeat, two new actions).
                next_id = self.spawn_next_cycle(tx, before, keeps_repeat=True)
            elif decision == "standardize" and before["recurrence_id"] is None:
                # Is the change holding? asked at +30/+60/+90. Not of one round of repeating
                # work (a weekly review): the routine is the standard, and each round made
                # three more audits (a tester had six after two weeks).
                # Imported here: the board's first paint and most commands never need it.
                from pdca.db import accountability

                accountability.schedule_followups(self, tx, before)
            if before["recurrence_id"] is not None and next_id is None:  # "after N days"
                from pdca.db import recurrence

                recurrence.after_done(self, tx, action_id)
            next_cycle = self.get_action(next_id) if next_id is not None else None
            return models.Completion(action=self.get_action(action_id), next_cycle=next_cycle)

    def spawn_next_cycle(
        self,
        tx: Transaction,
        parent: sqlite3.Row,
        *,
        keeps_repeat: bool = False,
        followup_id: int | None = None,
    ) -> int:
        """The next PDCA cycle of ``parent`` (a new action in plan), logged in ``tx``; with
        ``keeps_repeat`` it carries on ``parent``'s repeat rule, if any. Its owner is
        ``parent``'s, or the owner of the follow-up ``followup_id`` (a slipped audit) when
        that has one."""
        # Copied in SQL, as stored: a value that is not UTF-8 (typed in with sqlite3) reads
        # back with U+FFFD in Python, and written back so it named nobody, an owner failing
        # its reference ("FOREIGN KEY constraint failed" at done --decision adjust, a tester).
        cursor = self.conn.execute(
            "INSERT INTO actions (title, notes, owner, phase, priority, initiative_id, kpi_id,"
            " parent_id, cycle, phase_since, created_by, created_at, updated_at, recurrence_id)"
            " SELECT title, notes, coalesce((SELECT owner FROM followups WHERE id = ?), owner),"
            " 'plan', priority, initiative_id, kpi_id, id, cycle + 1, ?, ?, ?, ?,"
            " CASE WHEN ? THEN recurrence_id END FROM actions WHERE id = ?",
            (followup_id, tx.at, tx.actor, tx.at, tx.at, keeps_repeat, parent["id"]),
        )
        new_id = inserted_id(cursor)
        after = convert.snapshot(self.row("action", new_id))
        summary = f"added #{new_id}, cycle {parent['cycle'] + 1} of #{parent['id']}"
        tx.log("action", new_id, "create", summary, None, after)
        return new_id

    def add_checkin(self, action_id: int, draft: CheckinDraft) -> Checkin:
        return convert.checkin(self._insert_checkin(action_id, draft.message, draft.status))

    def record_checkin(
        self, action_id: int, message: str, status: str | None
    ) -> tuple[int, str, bool]:
        """``add_checkin`` from plain text, checked by the draft's rules without pydantic:
        the new check-in's id, its status, and whether that was kept from the last one
        (``status`` None: as the last check-in said, else on-track, decided inside the write,
        so a check-in another writer made meanwhile is the one kept from, a reviewer)."""
        checked_text("message", message)
        if status is not None and status not in CHECKIN_STATUSES:
            raise InvalidInput("status", status, not_one_of(CHECKIN_STATUSES))
        row: sqlite3.Row = self._insert_checkin(action_id, message, status)
        return int(row["id"]), str(row["status"]), status is None and row["status"] != "on-track"

    def checkin(self, checkin_id: int) -> Checkin:
        """One check-in, as a model."""
        return convert.checkin(self.require("checkin", checkin_id))

    def checkin_then_move(
        self,
        action_id: int,
        draft: CheckinDraft,
        target: Phase,
        *,
        expected_version: int | None,
        expected_phase: Phase,
    ) -> tuple[Checkin, Action | Conflict | GateUnmet]:
        """A check-in, then the move it was asked for (the gate into Check), as one change:
        one undo takes back both (the board's ``>`` through its check-in had been two). The
        check-in is kept when the move is refused (the card changed meanwhile): the refusal
        comes back beside it; a move refuses before it writes anything."""
        with self.write() as tx:
            row = self._checkin_in(tx, action_id, draft.message, draft.status)
            try:
                self._move(tx, action_id, target, None, expected_version, expected_phase)
            except (Conflict, GateUnmet) as refusal:
                return convert.checkin(row), refusal
            return convert.checkin(row), self.get_action(action_id)

    def _insert_checkin(self, action_id: int, message: str, status: str | None) -> sqlite3.Row:
        with self.write() as tx:
            return self._checkin_in(tx, action_id, message, status)

    def _checkin_in(
        self, tx: Transaction, action_id: int, message: str, status: str | None
    ) -> sqlite3.Row:
        action = self.require("action", action_id)
        status = status or action["last_checkin_status"] or "on-track"
        if action["done_at"] is not None:
            # Where its news goes now, by how it was done: an abandoned one has neither
            # a follow-up nor a next cycle to check in on (a tester).
            where = {
                "standardize": "; record its follow-ups with pdca followup",
                "adjust": "; check in on its next cycle",
            }.get(action["decision"], "")
            # By whom and when: a check-in typed as a colleague abandoned the card was refused
            # with "#46 is done (abandon)" alone, naming nobody (a team's trial).
            how = [action["decision"]] if action["decision"] else []
            finisher = self.finished_by(action_id, action["done_at"])
            if finisher is not None:
                from pdca.db.dates import minute_utc

                who = "you" if finisher == self.actor else finisher
                how.append(f"by {who} at {minute_utc(action['done_at'])}")
            said = f" ({', '.join(how)})" if how else ""
            raise GateUnmet(f"#{action_id} is done{said}{where}")
        cursor = self.conn.execute(
            "INSERT INTO checkins (action_id, at, author, status, message) VALUES (?, ?, ?, ?, ?)",
            (action_id, tx.at, tx.actor, status, message),
        )
        row = self.require("checkin", inserted_id(cursor))
        tx.log(
            "checkin",
            inserted_id(cursor),
            "create",
            f"checked in on #{action_id} ({status})",
            None,
            convert.snapshot(row),
        )
        return row

    # ------------------------------------------------------------------ initiatives, KPIs

    def _row_named(self, table: str, name: str) -> sqlite3.Row | None:
        """The row of ``table`` (kpis, initiatives) named ``name``: exactly (ASCII in any case,
        by the column's NOCASE), else as new names are kept (``as_stored``), else the one
        name that reads the same in lower case (Ärger for ärger: a tester's "CAFÉ" found the
        KPI in ``kpi show`` but not in ``kpi record``)."""
        row = self.conn.execute(f"SELECT id FROM {table} WHERE name = ?", (name,)).fetchone()
        if row is None and as_stored(name) != name:
            row = self.conn.execute(
                f"SELECT id FROM {table} WHERE name = ?", (as_stored(name),)
            ).fetchone()
        if row is None:
            held = self.name_taken(table, name) or self.named_as_shown(table, name)
            if held is not None:
                row = self.conn.execute(
                    f"SELECT id FROM {table} WHERE name = ?", (held,)
                ).fetchone()
        return row  # type: ignore[no-any-return]

    def named_as_shown(self, table: str, typed: str) -> str | None:
        """The name in ``table`` (kpis, initiatives) that pdca shows as ``typed``: one from
        before names with controls were refused is listed escaped (``Cloud\x1b[2Jcost``), and
        typed as listed it was "not a known KPI; did you mean" the same (a tester). So is one
        whose emoji the app shows without their joiners (an import's)."""
        if "\\" not in typed and typed.isascii():
            return None
        from pdca.db.text_rules import UNSAFE, UNSAFE_IN_CELLS, escape

        for (held,) in self.conn.execute(f"SELECT name FROM {table}"):
            if isinstance(held, str) and typed in (
                escape(held, UNSAFE),
                escape(held, UNSAFE_IN_CELLS),
            ):
                return held
        return None

    def name_taken(self, table: str, name: str, but: int | None = None) -> str | None:
        """The name in ``table`` (kpis, initiatives) that ``name`` would be read as, other than
        row ``but``'s: the same letters in any case and either Unicode form (SQLite's NOCASE
        folds ASCII only: a tester's "CAFÉ" beside "Café")."""
        wanted = name_key(name)
        for row_id, held in self.conn.execute(f"SELECT id, name FROM {table}"):
            if row_id != but and isinstance(held, str) and name_key(held) == wanted:
                return held
        return None

    def add_initiative(self, draft: InitiativeDraft) -> Initiative:
        with self.write() as tx:
            if (taken := self.name_taken("initiatives", draft.name)) is not None:
                raise InvalidInput("name", draft.name, taken_why("initiative", draft.name, taken))
            self.ensure_person(tx, draft.owner)
            cursor = self.conn.execute(
                "INSERT INTO initiatives (name, objective, owner, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (draft.name, draft.objective, draft.owner, tx.at, tx.at),
            )
            initiative_id = inserted_id(cursor)
            row = self.require("initiative", initiative_id)
            summary = f"added initiative {draft.name!r}"
            tx.log("initiative", initiative_id, "create", summary, None, convert.snapshot(row))
        return convert.initiative(row)

    def add_kpi(self, draft: KpiDraft) -> Kpi:
        with self.write() as tx:
            if (taken := self.name_taken("kpis", draft.name)) is not None:
                raise InvalidInput("name", draft.name, taken_why("KPI", draft.name, taken))
            from pdca.db import kpi_rules

            kpi_rules.check_kpi(draft)
            self.ensure_person(tx, draft.owner)  # first: its capitals are its own fault
            kpi_rules.check_escalation(draft.owner, draft.escalation)
            for login in draft.escalation:
                self.ensure_person(tx, login, field="escalate-to")
            cursor = self.conn.execute(
                "INSERT INTO kpis (name, unit, direction, baseline, target, target_date, warn,"
                " alert, cadence, owner, perspective, initiative_id, created_at, updated_at,"
                " escalation, benchmark, benchmark_source, alerts_mode, baseline_from,"
                " baseline_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.name,
                    draft.unit,
                    draft.direction,
                    draft.baseline,
                    draft.target,
                    draft.target_date.isoformat() if draft.target_date else None,
                    draft.warn,
                    draft.alert,
                    draft.cadence,
                    draft.owner,
                    draft.perspective,
                    self.initiative_id(draft.initiative),
                    tx.at,
                    tx.at,
                    json.dumps(draft.escalation),
                    draft.benchmark,
                    draft.benchmark_source,
                    draft.alerts_mode,
                    draft.baseline_from.isoformat() if draft.baseline_from else None,
                    draft.baseline_to.isoformat() if draft.baseline_to else None,
                ),
            )
            row = self.require("kpi", inserted_id(cursor))
            summary = f"added KPI {draft.name!r}"
            tx.log("kpi", inserted_id(cursor), "create", summary, None, convert.snapshot(row))
        return self.get_kpi(draft.name)

    def kpi_name_of(self, kpi_id: int) -> str | None:
        """The KPI's name now, by id (None when it is gone): a view that shows one follows a
        rename."""
        row = self.conn.execute("SELECT name FROM kpis WHERE id = ?", (kpi_id,)).fetchone()
        return None if row is None or not isinstance(row[0], str) else row[0]

    def get_kpi(self, name: str) -> Kpi:
        """The KPI by name (any case); one that cannot be read is refused naming why."""
        found = self.conn.execute(_SELECT_KPIS + " WHERE k.name = ? COLLATE NOCASE", (name,))
        row = found.fetchone()
        if row is None and as_stored(name) != name:
            name = as_stored(name)
            found = self.conn.execute(_SELECT_KPIS + " WHERE k.name = ? COLLATE NOCASE", (name,))
            row = found.fetchone()
        if row is None:  # SQLite's NOCASE folds ASCII only: Ärger is ärger too
            stored = [n for (n,) in self.conn.execute("SELECT name FROM kpis")]
            # and as names are told apart (text_rules.name_key): "Lat 2" finds a "Lat\u00a02"
            # that an edit made (a tester)
            key = name_key(name)
            same = [n for n in stored if isinstance(n, str) and name_key(n) == key]
            shown = self.named_as_shown("kpis", name)  # typed as listed, escapes and all
            if same or shown:
                row = self.conn.execute(
                    _SELECT_KPIS + " WHERE k.name = ?", [*same, shown][:1]
                ).fetchone()
        if row is None:
            raise NotFound("KPI", name)
        return convert.kpi(row)

    def record_reading(self, draft: ReadingDraft, at: datetime | None = None) -> Reading:
        """``readings.record`` (one write: the reading, its event, the KPI's alerts), as the
        ``Reading`` model."""
        from pdca.db import readings  # it builds on this module

        recorded = readings.record(self, draft.kpi, draft.value, draft.note, at)
        return convert.reading({**dict(recorded.row), "kpi": recorded.kpi})  # type: ignore[arg-type]

    # ------------------------------------------------------------------ undo

    def undone(self, tx: int) -> bool:
        """Whether the change ``tx`` has been undone (by anyone, anywhere)."""
        found = self.conn.execute("SELECT 1 FROM events WHERE undo_of = ? LIMIT 1", (tx,))
        return found.fetchone() is not None

    def _made_elsewhere_since(self, event_id: int) -> sqlite3.Row | None:
        """The actor's newest change not undone after ``event_id`` that no write of this
        store made (a script's, a cron job's, another board's): its summary and time."""
        found: sqlite3.Row | None = self.conn.execute(
            "SELECT summary, at FROM events e WHERE e.actor = ? AND e.undo_of IS NULL"
            " AND e.id > ? AND e.entity <> 'database'"
            " AND NOT (e.entity = 'person' AND e.op <> 'delete')"
            " AND e.tx NOT IN (SELECT value FROM json_each(?))"
            " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undo_of = e.tx)"
            " ORDER BY e.id DESC LIMIT 1",
            (self.actor, event_id, json.dumps(list(self.own_transactions))),
        ).fetchone()
        return found

    def _ask_if_mine_undone_elsewhere(self, target_tx: int, events: list[sqlite3.Row]) -> None:
        """A board's ``u`` whose own newer change was undone elsewhere (``pdca undo``, another
        board) since: asked first (``UndoAsked``), not taken back silently. The board's u
        then undid the change before it, and both of the person's edits were gone (a trial
        of one person in two places)."""
        mine = json.dumps(list(self.own_transactions))
        # The newest of the board's own changes after it that was undone elsewhere, and not
        # passed since: the board has not undone an older change after that undo (its own
        # undo past it, the question's answer). Asked once, each older one after goes as it
        # comes (a reviewer); a change the board undid itself before, or one after, hides
        # nothing (a trial at 100 000 actions; a retrial's R1, R2 gone, R3 and its u).
        after = self.conn.execute(
            "SELECT e.summary, e.at FROM events e JOIN events u ON u.undo_of = e.tx"
            " WHERE e.tx > ? AND e.undo_of IS NULL AND e.tx IN (SELECT value FROM json_each(?))"
            " AND u.tx NOT IN (SELECT value FROM json_each(?))"
            " AND NOT EXISTS (SELECT 1 FROM events v WHERE v.id > u.id AND v.undo_of < e.tx"
            " AND v.tx IN (SELECT value FROM json_each(?)))"
            " ORDER BY e.id DESC LIMIT 1",
            (target_tx, mine, mine, mine),
        ).fetchone()
        if after is None:
            return
        said = [e for e in events if e["entity"] != "person" or e["op"] == "delete"]
        first = min(said or events, key=lambda event: event["id"])
        raise UndoAsked(
            target_tx,
            first["summary"],
            first["at"],
            more=len(said) - 1 if said else 0,
            others=tuple(e["summary"] for e in said if e is not first),
            undone_elsewhere=after["summary"],
            undone_at=after["at"],
        )

    def _refuse_as_made_elsewhere(self, barrier: int) -> None:
        """A board with nothing of its own to undo, while the actor changed something since
        it opened, elsewhere (a script, a cron job, another board): said, not taken back."""
        elsewhere = self._made_elsewhere_since(barrier)
        if elsewhere is not None:
            raise UndoRefused(
                f"nothing this board did to undo: your last change, {elsewhere['summary']!r}"
                f" at {elsewhere['at']}, was made elsewhere since it opened (pdca undo takes"
                " it back)"
            )

    def undo(self, *, opened_at: int | None = None, confirmed: int | None = None) -> UndoResult:
        """Revert this actor's last change that is not undone yet, by writing its inverse.

        Refused when anyone changed one of its rows since (changes since that were themselves
        undone do not count), so an undo never overwrites another person's work.

        ``opened_at`` (a board's: the last event when it opened): only this store's own
        changes since then, or the actor's from before. A board's ``u`` undid the reading a
        cron job had just recorded under the same login, not the move just made (a soak).
        One from before is asked first (``UndoAsked``, nothing written) unless ``confirmed``
        names it: ``u`` after ``u`` on a board just opened deleted two actions added from
        the command line minutes before, without a word (a soak).
        """
        # Whom an alert waits for follows its KPI's owner and path: an undo of an edit of
        # them counts from now, as the edit did (kpis.edit_kpi), so the passes-on due under
        # them are recorded first (a reviewer's undo skipped the new owner's turn).
        from pdca.db import alerts

        alerts.escalate_due(self)
        with self.write() as tx:
            barrier = self.conn.execute(_LAST_BARRIER).fetchone()
            last = self.conn.execute(
                # A change of the whole file (a repair of the kept tables) is no one's to
                # undo, and no wall before one's older changes (a tester's undo was refused
                # for good after a doctor --repair); a restore or an import is the barrier.
                "SELECT e.tx FROM events e WHERE e.actor = ? AND e.undo_of IS NULL AND e.id > ?"
                # A person made alone (a write that then changed nothing) is no change to
                # revert: chosen, it was skipped, nothing written, and chosen again for good
                # (a tester's undo stuck after a reassign that handed nothing over).
                " AND e.entity <> 'database' AND NOT (e.entity = 'person' AND e.op <> 'delete')"
                " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undo_of = e.tx)"
                + (
                    ""
                    if opened_at is None
                    else " AND (e.id <= ? OR e.tx IN (SELECT value FROM json_each(?)))"
                )
                + " ORDER BY e.id DESC LIMIT 1",
                (self.actor, barrier["id"] if barrier else 0)
                + (
                    ()
                    if opened_at is None
                    else (opened_at, json.dumps(list(self.own_transactions)))
                ),
            ).fetchone()
            if last is None and opened_at is not None:
                self._refuse_as_made_elsewhere(barrier["id"] if barrier else 0)
            if last is None and barrier is not None:
                raise UndoRefused(
                    f"nothing to undo: {self.actor} has changed nothing since "
                    f"{barrier['summary']!r} at {barrier['at']}, and undo does not reach back"
                    " past it (the file's contents were replaced)"
                )
            if last is None:
                raise UndoRefused(f"nothing to undo: {self.actor} has no change left to revert")
            target_tx = last["tx"]
            events = self.conn.execute(
                "SELECT * FROM events WHERE tx = ? ORDER BY id DESC", (target_tx,)
            ).fetchall()
            events = self._with_repeats_made_since(events)
            for event in events:
                if event["entity"] == "person" and event["op"] != "delete":
                    continue  # a registered person stays; others may already refer to them
                if event["entity"] == "person":  # forgotten (forget_person): back, unless
                    self._refuse_if_person_again(event)  # someone's write made them again
                if event["entity"] not in UNDOABLE:
                    raise UndoRefused(f"cannot undo {event['summary']!r}: it is not one record")
                try:
                    self._refuse_if_changed_since(event)
                    self._refuse_if_changed_outside(event)
                    self._refuse_if_a_gate_stood_on_it(event)
                except UndoRefused as refused:
                    raise UndoRefused(_with_the_rest(str(refused), event, events)) from None
            if (
                opened_at is not None
                and target_tx not in self.own_transactions
                and target_tx != confirmed
            ):
                # Named as the undo will say it: a person it registered is no change of its
                # own ("added person bob" was asked, and #3 went, a reviewer).
                said = [e for e in events if e["entity"] != "person" or e["op"] == "delete"]
                first = min(said or events, key=lambda event: event["id"])
                # Out of order: a newer change of theirs, made elsewhere since the board
                # opened, stays. The question names it ("added #7" was asked and taken
                # back while the edits made after it stood, not a word said: a trial).
                newer = self._made_elsewhere_since(opened_at)
                raise UndoAsked(
                    target_tx,
                    first["summary"],
                    first["at"],
                    passed=newer["summary"] if newer is not None else None,
                    more=len(said) - 1 if said else 0,
                    others=tuple(e["summary"] for e in said if e is not first),
                )
            if opened_at is not None and target_tx != confirmed:
                self._ask_if_mine_undone_elsewhere(target_tx, events)
            first_after = len(tx.summaries)
            kept = alerts.carried_past_undone_readings(
                self,
                tx,
                {
                    e["entity_id"]
                    for e in events
                    if e["entity"] == "reading" and e["op"] == "create"
                },
                {e["entity_id"] for e in events if e["entity"] == "alert" and e["op"] == "create"},
                target_tx,
            )
            after = tx.summaries[first_after:]
            for event in events:
                if event["entity"] == "alert" and event["entity_id"] in kept:
                    continue  # stays open, carried by a later reading
                if event["entity"] != "person" or event["op"] == "delete":
                    # All under the undone change's tx, a repeat made from it since included:
                    # marked as the catch-up's, its other rules' repeats read as undone too
                    # (gone from the stand-up, a reviewer).
                    self._apply_inverse(tx, event, undo_of=target_tx)
            for event in events:
                if event["entity"] == "person" and event["op"] == "create":
                    self._forget_person_if_unused(tx, event)
            judged_from = len(tx.summaries)
            self._judge_alerts_again(tx, events, target_tx)
            let_go = self._let_go_of_quiet_signals(tx, kept, events, target_tx)
            # A signal alert let go after all is said as undone, not as kept, nor twice.
            deleted = let_go - kept
            after = [
                line
                for line in after + tx.summaries[judged_from:]
                if not line.startswith("undid ")
                and not any(line.startswith(f"alert {i} on KPI ") for i in let_go)
                and not any(re.search(rf"\balert {i} on KPI ", line) for i in deleted)
            ]
            # The raising of an alert that stays open is not said as undone.
            events = [e for e in events if not (e["entity"] == "alert" and e["entity_id"] in kept)]
            # The person's own change first, then what it did beside it: the notifications a
            # channel turned off skipped came first, and "cleared notify webhook" was one of
            # "24 more" (a tester).
            in_order = events[::-1]  # as written
            in_order.sort(key=lambda e: e["entity"] == "notification")  # stable
            return models.UndoResult(
                tx=target_tx,
                summaries=[
                    e["summary"] for e in in_order if e["entity"] != "person" or e["op"] == "delete"
                ],
                actions=list(
                    dict.fromkeys(
                        found for e in in_order if (found := _action_touched(e)) is not None
                    )
                ),
                after=after,
            )

    def _let_go_of_quiet_signals(
        self, tx: Transaction, kept: set[int], events: list[sqlite3.Row], undone: int
    ) -> set[int]:
        """A signal alert kept past the undone readings (``alerts.carried_past_undone_
        readings``) whose drift no longer signals without them: taken out as the undo would
        have, when the undone change raised it; else closed, saying why."""
        from pdca.db import alerts

        raised_by = {
            e["entity_id"]: e for e in events if e["entity"] == "alert" and e["op"] == "create"
        }
        let_go: set[int] = set()
        for alert_id in sorted(kept):
            row = self.conn.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
            if row is None or row["rule"] is None:
                continue
            # Closed by the judging just now (quiet long enough), or no longer signalling.
            if row["closed_at"] is None and alerts.signal_still_holds(self, row["kpi_id"]):
                continue
            let_go.add(alert_id)
            if alert_id in raised_by:
                self._apply_inverse(tx, raised_by[alert_id], undo_of=undone)
                kept.discard(alert_id)  # its raising is said as undone after all
            elif row["closed_at"] is None:
                name = self.conn.execute(
                    "SELECT name FROM kpis WHERE id = ?", (row["kpi_id"],)
                ).fetchone()[0]
                alerts.update(
                    self,
                    tx,
                    row,
                    {"closed_at": tx.at},
                    f"closed alert {alert_id} on KPI {name!r}: no signal holds without the"
                    " reading undone",
                    undo_of=undone,
                )
        return let_go

    def _judge_alerts_again(self, tx: Transaction, events: list[sqlite3.Row], undone: int) -> None:
        """The alerts of each KPI whose readings or thresholds the undo put back, judged
        against the file as it is now, colleagues' readings and edits since included, as a
        recording or an edit judges them: an undone closing reopened an alert beside the one
        a later reading raised (two open for one breach), and an undone threshold edit left
        open an alert raised under it (a reviewer). One alert per kind stays, the oldest."""
        from pdca.db import alerts

        touched: dict[int, bool] = {}  # KPI id: whether its settings were put back
        for event in events:
            if event["entity"] == "kpi" and event["op"] == "update":
                touched[event["entity_id"]] = True
            elif event["entity"] == "reading":
                kpi_id = _recorded(event, "kpi_id", int)
                if kpi_id is not None:
                    touched.setdefault(kpi_id, False)
        tx.undoing = undone
        try:
            for kpi_id, edited in touched.items():
                alerts.close_doubles(self, tx, kpi_id, undo_of=undone)
                alerts.apply_breach(self, tx, kpi_id, edited=edited)
        finally:
            tx.undoing = None

    def _refuse_if_person_again(self, event: sqlite3.Row) -> None:
        login = _recorded(event, "login", str)
        if login is not None and self.has_person(login):
            raise UndoRefused(
                f"cannot undo {event['summary']!r}: {login} is one of this file's people again"
            )

    def forget_person(self, login: str) -> None:
        """Take a login nothing refers to out of the file's people: a typo (``--owner bne``)
        made a person for good, offered by the owner picker and taken by ``list --owner`` and
        ``reassign`` without a word (a new user). Refused, saying what holds them, while
        anything refers to them or they made a change themselves; ``pdca undo`` puts them
        back."""
        with self.write() as tx:
            row = self.conn.execute("SELECT * FROM people WHERE login = ?", (login,)).fetchone()
            if row is None:
                meant = self.not_a_person_hint(login)
                raise InvalidInput("login", login, f"is not one of this file's people{meant}")
            held = self._what_holds(login)
            if held:
                raise GateUnmet(f"{login} stays one of this file's people: {held}")
            # Their notify preference goes with them (notify config listed it still, and
            # prefer refused them as nobody, a reviewer); the undo puts it back.
            prefer = self.conn.execute(
                "SELECT * FROM notify_settings WHERE key = ?", (f"prefer:{login}",)
            ).fetchone()
            if prefer is not None:
                self.conn.execute("DELETE FROM notify_settings WHERE id = ?", (prefer["id"],))
                tx.log(
                    "notify_setting",
                    prefer["id"],
                    "delete",
                    f"cleared notify preference of {login}",
                    convert.snapshot(prefer),
                    None,
                )
            self.conn.execute("DELETE FROM people WHERE id = ?", (row["id"],))
            tx.log(
                "person", row["id"], "delete", f"forgot person {login}", convert.snapshot(row), None
            )

    def _what_holds(self, login: str) -> str | None:
        """What refers to ``login`` (the first found, with what to do), else None."""
        owned = self.conn.execute(
            "SELECT count(*), min(id), count(*) FILTER (WHERE done_at IS NULL),"
            " min(id) FILTER (WHERE done_at IS NULL) FROM actions WHERE owner = ?",
            (login,),
        ).fetchone()
        if owned[2]:  # open work: handed over first, named as such (not a done one first)
            if owned[2] == 1:  # "owns 1 action(s)" (a tester)
                return (
                    f"owns 1 open action, #{owned[3]} (pdca edit {owned[3]} --owner LOGIN hands"
                    " it over)"
                )
            return (
                f"owns {owned[2]} open actions, #{owned[3]} the first (pdca list --owner {login}"
                f" shows them; pdca reassign {login} LOGIN hands them all over)"
            )
        if owned[0]:
            # Done work keeps who did it: reassign leaves it, and pointed back at itself
            # ("owns 30 actions ... reassign hands them all over", then "nothing handed
            # over", a lead's trial of someone who left).
            done = "1 done action" if owned[0] == 1 else f"{owned[0]} done actions"
            return (
                f"did {done}, #{owned[1]} the first, and done work keeps who did it; forget"
                " takes out only a login nothing refers to (a typo). Someone who left, with no"
                " open work, needs nothing more"
            )
        if self.conn.execute("SELECT 1 FROM events WHERE actor = ? LIMIT 1", (login,)).fetchone():
            return "they made changes in this file, which name them"
        held = self.still_held_by(login)
        if held:
            return "holds " + ", ".join(held)
        for table, what in (("followups", "a follow-up audit"), ("alerts", "an alert")):
            column = "owner" if table == "followups" else "assignee"
            if self.conn.execute(
                f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", (login,)
            ).fetchone():
                return f"{what} is theirs"
        return None

    def _forget_person_if_unused(self, tx: Transaction, event: sqlite3.Row) -> None:
        """The person the undone change made (a new owner's login) goes with it, unless
        something refers to them now: an owner (the foreign keys refuse), a KPI's escalation
        path, an alert, or a change they made themselves. Kept, a typo's one "new to this
        file" note was spent: ``pdca add y --owner zedd`` after the undo said nothing (a
        trial)."""
        login = _recorded(event, "login", str)
        if login is None:
            return
        used = self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM events WHERE actor = ?)"
            " OR EXISTS (SELECT 1 FROM alerts WHERE assignee = ?)"
            " OR EXISTS (SELECT 1 FROM kpis WHERE instr(escalation, ?))",
            (login, login, json.dumps(login)),
        ).fetchone()[0]
        current = self.row("person", event["entity_id"])
        if used or current is None:
            return
        try:
            self.conn.execute("DELETE FROM people WHERE id = ?", (event["entity_id"],))
        except sqlite3.IntegrityError:
            return  # an owner of something still
        tx.log(
            "person",
            event["entity_id"],
            "delete",
            f"undid {event['summary']}",
            convert.snapshot(current),
            None,
            undo_of=event["tx"],
        )

    def _with_repeats_made_since(self, events: list[sqlite3.Row]) -> list[sqlite3.Row]:
        """``events`` (newest first) and, before them, the events of a repeat made since from
        a done among them (``recurrence.made_from_done_since``) or by a rule's start among
        them (``made_from_start_since``), which the undo takes back too, or refuses over as
        over any of its own rows."""
        if not any(e["entity"] in ("action", "recurrence") and e["op"] == "update" for e in events):
            return events
        from pdca.db import recurrence

        later = [
            made
            for e in events
            for found in (recurrence.made_from_done_since, recurrence.made_from_start_since)
            for made in found(self, e)
        ]
        return sorted(later, key=lambda e: e["id"], reverse=True) + events

    def _refuse_if_changed_since(self, event: sqlite3.Row) -> None:
        # A repeat rule's own runs (pdca's: a repeat made, the next date moved on) are no
        # one's change to a rule: a start was refused for good once it made its repeat (a
        # reviewer); undone, the rule stops again and what it made stays, as a stop leaves it.
        later = self.conn.execute(
            "SELECT e.actor, e.at, e.summary FROM events e"
            " WHERE e.entity = ? AND e.entity_id = ? AND e.id > ? AND e.undo_of IS NULL"
            " AND NOT (e.entity = 'recurrence' AND e.actor = ?)"
            # The same change's later write of the row (a gate's edit, then its move) is
            # undone with it, newest first.
            " AND e.tx IS NOT ?"
            " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undo_of = e.tx)"
            " ORDER BY e.id DESC LIMIT 1",
            (event["entity"], event["entity_id"], event["id"], PDCA_ACTOR, event["tx"]),
        ).fetchone()
        if later is not None:
            label = (
                f"#{event['entity_id']}"
                if event["entity"] == "action"
                else self._named_label(event["entity"], event["entity_id"])
            )
            # One's own change made elsewhere (a script, another board): "rita changed #3
            # since" read to rita as someone else's (a tester).
            who = (
                f"you changed {label} since, elsewhere (a script or another board?),"
                if later["actor"] == self.actor
                else f"{later['actor']} changed {label} since,"
            )
            by_hand = ""
            if later["actor"] == PDCA_ACTOR and event["entity"] == "alert":
                # pdca's escalation is nobody's to undo, and it barred one's own threshold
                # edit or reading for good, with no way out said (a retrial).
                by_hand = (
                    "; pdca's own escalations are not undone: put the KPI back by hand"
                    " (pdca kpi edit, pdca kpi remove-reading)"
                )
            raise UndoRefused(
                f"cannot undo {event['summary']!r}: {who} at {later['at']} ({later['summary']})"
                f"{by_hand}"
            )

    def _refuse_if_a_gate_stood_on_it(self, event: sqlite3.Row) -> None:
        """A check-in that let its action into Check, moved there since by another change:
        undone, the action sat in Check with no check-in at all, its evidence gone from every
        view (an auditor). Refused while it is the only evidence since Do began and the
        action has not gone back to Do; the move back comes first."""
        if event["entity"] != "checkin" or event["op"] != "create":
            return
        action_id = _recorded(event, "action_id", int)
        if action_id is None:
            return
        moved = self.conn.execute(
            "SELECT e.actor, e.at, json_extract(e.before, '$.phase_since'), e.id FROM events e"
            " WHERE e.entity = 'action' AND e.entity_id = ? AND e.id > ? AND e.op = 'update'"
            " AND e.tx <> ? AND e.undo_of IS NULL"
            " AND json_extract(e.before, '$.phase') = 'do'"
            " AND json_extract(e.after, '$.phase') = 'check'"
            " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undo_of = e.tx)"
            " ORDER BY e.id DESC LIMIT 1",
            (action_id, event["id"], event["tx"]),
        ).fetchone()
        action = self.conn.execute(
            "SELECT phase, kpi_id FROM actions WHERE id = ?", (action_id,)
        ).fetchone()
        if moved is None or moved[2] is None or action is None or action["phase"] == "do":
            return
        if action["phase"] == "plan":
            return
        if self._evidence_since(
            action_id,
            action["kpi_id"],
            moved[2],
            left_do_at=moved[3],
            leaving_out=event["entity_id"],
        ):
            return
        # Not "move it back to Do first": one's own move back is then the change an undo
        # takes, and the check-in is refused again (a retrial).
        who = "you" if moved["actor"] == self.actor else moved["actor"]
        back = (
            f"; a check-in after it corrects it, or {who} can move #{action_id} back to Do"
            if who != "you"
            else "; a check-in after it corrects it"
        )
        raise UndoRefused(
            f"cannot undo {event['summary']!r}: {who} moved #{action_id} to Check on it since,"
            f" at {moved['at']}, and it is the only check-in since Do began{back}"
        )

    def _named_label(self, entity: str, entity_id: int) -> str:
        """``initiative 'Faster support'`` for a record people know by its name (KPIs,
        initiatives, settings: "initiative 1" was no name anyone knew, a tester, and an undo
        refused over "notify_setting 1"), else its kind as people say it and its id."""
        said, named_by = _LABELS.get(entity, (entity, None))
        if named_by is not None:
            row = self.conn.execute(
                f"SELECT {named_by} FROM {TABLES[entity]} WHERE id = ?", (entity_id,)
            ).fetchone()
            if row is not None:
                return f"{said} {row[0]!r}"
        return f"{said} {entity_id}"

    def _refuse_if_changed_outside(self, event: sqlite3.Row) -> None:
        """A record deleted, or put back, outside pdca (with sqlite3: no event says so) is
        not undone over: the undo would change a row that is not there, or add one twice."""
        present = self.row(event["entity"], event["entity_id"]) is not None
        if present == (event["op"] != "delete"):
            return
        state = "is no longer in the file" if not present else "is back in the file"
        how = "deleted" if not present else "put back"
        raise UndoRefused(
            f"cannot undo {event['summary']!r}: {self._undo_label(event)} {state} ({how}"
            " outside pdca, with no change logged)"
        )

    def _undo_label(self, event: sqlite3.Row) -> str:
        """``#13`` for an action, as every message names one; else ``_named_label``'s."""
        if event["entity"] == "action":
            return f"#{event['entity_id']}"
        return self._named_label(event["entity"], event["entity_id"])

    def _apply_inverse(self, tx: Transaction, event: sqlite3.Row, *, undo_of: int) -> None:
        entity, entity_id = event["entity"], event["entity_id"]
        table = UNDOABLE[entity]
        current = self.row(entity, entity_id)
        before = json.loads(event["before"]) if event["before"] else None
        summary = f"undid {event['summary']}"
        try:
            if event["op"] == "create":
                self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (entity_id,))
                tx.log(
                    entity,
                    entity_id,
                    "delete",
                    summary,
                    convert.snapshot(current),
                    None,
                    undo_of=undo_of,
                )
            elif event["op"] == "delete":
                assert before is not None
                columns = ", ".join(before)
                marks = ", ".join("?" for _ in before)
                self.conn.execute(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(before.values())
                )
                tx.log(entity, entity_id, "create", summary, None, before, undo_of=undo_of)
            else:
                assert before is not None and current is not None
                made = json.loads(event["after"]) if event["after"] else {}
                # The columns the change made alone: the whole row put back took a title a
                # colleague set with sqlite3 since an owner edit with it (a trial), and one of
                # them changed since by another tool is not undone over
                restored = {
                    k: v
                    for k, v in before.items()
                    if k not in ("id", "version", "updated_at") and made.get(k, v) != v
                }
                since = [k for k in restored if k in made and current[k] != made[k]]
                if since:
                    raise UndoRefused(
                        f"cannot undo {event['summary']!r}: {self._undo_label(event)}'s"
                        f" {', '.join(since)} changed since, outside pdca (no change logged)"
                    )
                if "updated_at" in before:
                    # The undo is the row's latest change: "changed" went back to the time
                    # before the undone one, older than the undo itself (a soak).
                    restored["updated_at"] = tx.at
                assignments = ", ".join(f"{k} = ?" for k in restored)
                self.conn.execute(
                    f"UPDATE {table} SET {assignments}, version = version + 1 WHERE id = ?",
                    (*restored.values(), entity_id),
                )
                after = convert.snapshot(self.row(entity, entity_id))
                tx.log(
                    entity,
                    entity_id,
                    "update",
                    summary,
                    convert.snapshot(current),
                    after,
                    undo_of=undo_of,
                )
        except sqlite3.IntegrityError:
            # Naming who refers to it only where that is why: taking a record away (an
            # undone create). An edit undone fails on a link to a record gone since, or a
            # name taken since; naming a check-in there was a wrong cause (a reviewer).
            why = (
                "other records refer to it now" + self._referred_by_since(event)
                if event["op"] == "create"
                else "what it would put back refers to a record gone since, or a name taken since"
            )
            raise UndoRefused(f"cannot undo {event['summary']!r}: {why}") from None

    def _referred_by_since(self, event: sqlite3.Row) -> str:
        """`` (cat at ...: checked in on #217)``: the newest live record that refers to the
        record ``event`` made, and so keeps it; the refusal named nobody (a tester). Read
        through the referring columns' indexes, never down the event log (a reviewer: 0.7 s
        of lock at a million events, and a check-in undone since named as the one)."""
        newest: sqlite3.Row | None = None
        for table, column, entity in _REFERRED_BY.get(event["entity"], ()):
            row = self.conn.execute(
                f"SELECT max(id) FROM {table} WHERE {column} = ?", (event["entity_id"],)
            ).fetchone()
            if row[0] is None:
                continue
            made = self.conn.execute(
                "SELECT id, actor, at, summary FROM events WHERE entity = ? AND entity_id = ?"
                " ORDER BY id DESC LIMIT 1",
                (entity, row[0]),
            ).fetchone()
            if made is not None and (newest is None or made["id"] > newest["id"]):
                newest = made
        if newest is None:
            return ""
        return f" ({newest['actor']} at {newest['at']}: {newest['summary']})"


def _with_the_rest(said: str, event: sqlite3.Row, events: list[sqlite3.Row]) -> str:
    """A refused undo of one change of several made as one (``pdca edit 28 29``): said with
    the others, which stay as they are too. It named #29 alone, and #28 stayed as edited
    without a word (a retrial)."""
    others = [e["summary"] for e in events if e["id"] != event["id"] and e["entity"] != "person"]
    if not others:
        return said
    more = f"{len(others)} more" if len(others) > 3 else ", ".join(repr(o) for o in others)
    return f"{said}; made as one with {more}, which stay{'s' if len(others) == 1 else ''} too"


def case_slip_outside_the_file(login: str, actor: str) -> str | None:
    """The login ``login`` differs from only in case that needs no file to know: the one
    writing (``actor``), or a person's account on this machine; else None. Asked before a
    file of one's own is made, so a refused owner makes none (a retrial)."""
    from pdca.db.access import a_persons_account

    if login == actor or a_persons_account(login):
        return None
    if login.lower() == actor.lower():
        return actor
    lower = login.lower()
    return lower if lower != login and a_persons_account(lower) else None


def case_slip_refused(field: str, login: str, meant: str) -> InvalidInput:
    """The refusal of an owner ``login`` typed for ``meant`` in other capitals."""
    return InvalidInput(
        field,
        login,
        f"is not one of this file's people; did you mean {meant}? (logins are case-sensitive)",
    )


def login_of_address(login: str, actor: str, is_person: Callable[[str], bool]) -> str | None:
    """The login a mail address was probably meant for: its local part, when that is the one
    writing, one of the file's people or a person's account here (a Linear export's
    ``ann@corp.com`` made a person beside ann, asked only "a typo?", a Linear user's trial)."""
    from pdca.db.access import a_persons_account

    local, at, _domain = login.partition("@")
    local = local.lower()
    if not at or not local:
        return None
    known = local == actor or is_person(local) or a_persons_account(local)
    return local if known else None


def spelled_nearly(login: str, logins: Iterable[str]) -> list[str]:
    """The one of ``logins`` that ``login`` was probably a slip of: spelled nearly alike
    (a1ice, heldi, dave.), else with two letters swapped (bne for ben, which difflib rates
    0.67: a lead's import made bne without a word)."""
    import difflib

    others = sorted(set(logins) - {login})
    swapped = [
        other
        for other in others
        if len(other) == len(login)
        and sorted(other) == sorted(login)
        and sum(a != b for a, b in zip(other, login, strict=True)) == 2
    ]
    return difflib.get_close_matches(login, others, 1, 0.8) or swapped[:1]
