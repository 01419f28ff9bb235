"""Typed errors the store raises; the command line and screens turn them into one-line messages.

Every error's ``str()`` is that one line: it names the field or the thing that was wrong.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path


def shell_word(path: object) -> str:
    """``path`` as one word of a command a message tells someone to run: quoted when it holds
    a space or anything else the shell would act on (a tester's suggested
    ``pdca --db /tmp/my dir/x.db init`` ran as three words)."""
    import shlex  # only when a message names a command

    text = str(path)
    if text.isprintable():
        return shlex.quote(text)
    # A newline or another control: bash's $'...' spells it, so the word pastes as the path
    # (quoted as is, the one-line message showed '\n', which pasted named another file).
    return "$'" + "".join(_ansi_c(c) for c in text) + "'"


def _ansi_c(c: str) -> str:
    """One character as bash's $'...' reads it."""
    if c in "\\'":
        return "\\" + c
    if c.isprintable():
        return c
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if c in named:
        return named[c]
    if ord(c) < 0x80 or 0xDC80 <= ord(c) <= 0xDCFF:  # a byte; a name's non-UTF-8 byte too
        return "".join(f"\\x{byte:02x}" for byte in os.fsencode(c))
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


class PdcaError(Exception):
    """Base of every error pdca reports to a person instead of a traceback."""


class InvalidInput(PdcaError):
    """A value a person typed is not acceptable; the message names the field and the value."""

    def __init__(self, field: str, value: object, why: str) -> None:
        self.field = field
        self.value = value
        self.why = why
        # The length is said once: by the reason when it is about the length (a tester read
        # "(201 characters) is 201 characters long").
        if value == "" and why.startswith("is empty"):
            # "title: '' is empty" read as a program's message (a power user)
            super().__init__(f"{field} {why}")
            return
        super().__init__(f"{field}: {_show(value, counted='characters long' not in why)} {why}")


class NotFound(PdcaError):
    """An id or name that does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        shown = f"#{key}" if kind == "action" and isinstance(key, int) else _show(key)
        super().__init__(f"no {kind} {shown}")


class Conflict(PdcaError):
    """Someone else changed the row since the caller read it; nothing was written."""

    def __init__(
        self,
        entity: str,
        entity_id: int,
        by: str | None,
        at: str | None,
        what: str | None = None,
    ) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.by = by
        self.at = at
        self.what = what  # the last change's summary ("moved #7 from plan to check")
        who = f" by {by} at {at}" if by else ""
        done = f" ({what})" if what else ""
        super().__init__(
            f"{entity} #{entity_id} was changed{who}{done} since you read it; nothing written"
        )


class StandupOvertaken(PdcaError):
    """A change was written while the stand-up being recorded was read, in a second its
    window cannot be ended before: read it again, then record."""


class StandupRecordedAlready(StandupOvertaken):
    """Someone recorded the stand-up after this one was read: it stands recorded, by them;
    the command line says so and ends well (two leads' crons in one minute exited 1, and
    cron mailed about nothing wrong: a trial)."""


class GateUnmet(PdcaError):
    """A phase move or a completion lacks what the PDCA rules require."""


class UndoRefused(PdcaError):
    """The last change cannot be undone (nothing to undo, or someone changed the row since)."""


class UndoAsked(UndoRefused):
    """A board's undo would take back the person's change from before it opened: asked
    first (``Store.undo(confirmed=)``); nothing written."""

    def __init__(
        self,
        tx: int,
        summary: str,
        at: str,
        *,
        passed: str | None = None,
        more: int = 0,
        undone_elsewhere: str | None = None,
        undone_at: str | None = None,
        others: tuple[str, ...] = (),
    ) -> None:
        # ``passed``: the person's newest change made elsewhere since, which stays; ``more``:
        # how many other records the change wrote, which the undo takes back with it;
        # ``undone_elsewhere``: the board's own newer change, undone elsewhere since (then
        # the change asked about is the board's own, next in line)
        self.tx, self.summary, self.at, self.passed, self.more = tx, summary, at, passed, more
        self.others = others  # what else the change wrote, in words (a few are named)
        self.undone_elsewhere, self.undone_at = undone_elsewhere, undone_at
        if undone_elsewhere is not None:
            super().__init__(
                f"{undone_elsewhere!r} was undone elsewhere already: undo {self.named()!r} too?"
            )
        else:
            super().__init__(f"{self.named()!r} was made before this board opened ({at}): undo it?")

    def named(self) -> str:
        """``added #1``, or ``added #1 and 2 more with it``: the whole change asked about (an
        import of three was asked as its first and undone whole, a reviewer)."""
        # A few named: "edited #8: due, owner and 1 more" hid the move back to Plan that
        # y then made (a new lead)
        named = list(dict.fromkeys(o for o in self.others if o != self.summary))
        if self.more and 0 < len(named) <= 2 and len(named) == self.more:
            return f"{self.summary}, and {' and '.join(named)}"
        return f"{self.summary} and {self.more} more with it" if self.more else self.summary


class Interrupted(PdcaError):
    """A long read was stopped on purpose (``Store.interrupt``): it found nothing either way."""


class RowChangedOutside(PdcaError):
    """A row holds a value of the wrong kind (text in a number column), which only a write
    outside pdca can leave: named, instead of failing further on or printing it as data."""


# What to do with a file that is not pdca's: most often a --db or PDCA_DB that names another
# file than meant (a tester).
WHICH_FILE = ": is it the file you meant? pdca where says which file pdca uses and why"


class DatabaseProblem(PdcaError):
    """The file cannot be used: not a database, not pdca's, too new, unreadable or read-only."""


class BesideStrays(DatabaseProblem):
    """A write (or a restore) refused while another name's -wal or -journal lies beside the
    file: it may be this file's own, renamed (``connection.strays_refusal`` says how)."""


class ReadOnlyDatabase(DatabaseProblem):
    """The current user may read the database but not write it."""


class DatabaseBusy(DatabaseProblem):
    """Another process held the write lock for longer than the busy wait; nothing written."""

    def after(self, seconds: float) -> DatabaseBusy:
        """The same, said of a wait of ``seconds`` in all (tried again and again: a board
        that was asked to quit waits for its last save up to a minute, and then said "stayed
        busy for 10 s", a lead's trial)."""
        said = str(self).replace(BUSY_FOR, f"stayed busy for {round(seconds)} s", 1)
        return DatabaseBusy(said)


BUSY_FOR = "stayed busy for 10 s"  # the busy wait's words (connection.BUSY_TIMEOUT_SECONDS)


class DatabaseBroken(DatabaseProblem):
    """The file itself went wrong (damaged, unreadable disk, moved, removed or replaced).

    A long-lived process stops on this instead of carrying on: what it holds in memory may no
    longer be what is in the file, and writing on would only make things worse.
    """


# What SQLite raises; callers outside db/ catch these without importing sqlite3 themselves.
DATABASE_ERRORS = (sqlite3.Error,)

_READONLY_DBMOVED = 1032  # SQLITE_READONLY_DBMOVED: the file was renamed or deleted while open


IOERR_SHMSIZE = sqlite3.SQLITE_IOERR | (19 << 8)  # the -shm could not be grown


def database_failure(
    path: Path | str | None, error: sqlite3.Error, *, snapshot: bool = False
) -> PdcaError | None:
    """``error`` as a one-line, typed pdca error when it is about the file (busy, read-only,
    damaged, full, vanished); ``None`` when it is a bug to be reported as one.

    ``snapshot``: the error came through a reader's immutable snapshot (db/connection.py),
    which reads garbage when the file changes under it; that is not damage, and the advice
    to restore a backup would lose the team's recent work.
    """
    where = path or "the database"
    code = getattr(error, "sqlite_errorcode", None) or 0
    primary = code & 0xFF
    text = str(error)
    if snapshot and primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return DatabaseBroken(
            f"{where} changed while pdca read it as it stood (a read-only snapshot, taken"
            " when pdca may not write beside it or its disk is full); nothing is wrong with"
            " the file: run pdca again"
        )
    if code == _READONLY_DBMOVED:
        return DatabaseBroken(
            f"{where} was moved or deleted while pdca had it open; nothing written"
        )
    if primary == sqlite3.SQLITE_NOTADB:
        return DatabaseBroken(f"{where}: not a SQLite database (left untouched){WHICH_FILE}")
    if primary == sqlite3.SQLITE_CORRUPT:
        doctor = f"pdca --db {shell_word(path)} doctor" if path else "pdca doctor"
        return DatabaseBroken(
            f"{where} is damaged ({text}); nothing written: {doctor} names the damage; "
            "restore a backup copy"
        )
    if code == IOERR_SHMSIZE:
        # Every command, a read too, on a full disk: "disk I/O error ... the last change may
        # not have been written" read as damage (a tester). It fails before anything is done.
        return DatabaseProblem(
            f"{where}: no room on its disk for the -shm SQLite keeps beside it (the disk is"
            " full?); nothing done: free some space (pdca doctor says how much is left)"
        )
    if primary == sqlite3.SQLITE_IOERR:
        # It may strike during a commit, whose frames can still be recovered: do not promise.
        return DatabaseBroken(
            f"{where}: disk I/O error ({text}); the last change may not have been written: "
            "check the disk, then pdca doctor"
        )
    if primary == sqlite3.SQLITE_CANTOPEN:
        if path is not None:
            from pdca.db.access import planted_link_said, planted_links

            links = planted_links(Path(path))
            if links:  # "cannot be opened any more" read oddly of a link put beside it
                said = "; ".join(planted_link_said(link) for link in links)
                return DatabaseProblem(f"{where}: cannot be opened: {said}")
        return DatabaseBroken(f"{where}: cannot be opened any more ({text}); nothing written")
    if primary == sqlite3.SQLITE_FULL:
        return DatabaseProblem(f"{where}: the disk is full; nothing written")
    if primary == sqlite3.SQLITE_BUSY:
        return DatabaseBusy(
            # A read meets it too, behind a restore that holds the file alone (a reviewer
            # read "another long write" as someone writing): what may hold it so long, named
            # as what it may be (a script's own transaction too: said as fact, it misled a
            # soak's tester).
            f"{where} {BUSY_FOR} (another process held its lock that long: a"
            " restore, an upgrade, an import, or a script's transaction); nothing written,"
            " try again"
        )
    if primary == sqlite3.SQLITE_LOCKED:
        return DatabaseBusy(f"{where}: a table was locked ({text}); nothing written, try again")
    if primary == sqlite3.SQLITE_READONLY:
        return ReadOnlyDatabase(f"{where} is read-only for you; nothing written (see pdca doctor)")
    return None


def broken_reason(
    error: BaseException, path: Path | str | None, *, snapshot: bool = False
) -> str | None:
    """The one line to stop on when ``error`` means the file itself went wrong (damaged, a
    disk error, moved or removed); None for anything else (busy, refused, a bug)."""
    if isinstance(error, DatabaseBroken):
        return str(error)
    if isinstance(error, sqlite3.Error):
        known = database_failure(path, error, snapshot=snapshot)
        if isinstance(known, DatabaseBroken):
            return str(known)
    return None


_LONG_WORD = re.compile(r"\S{121,}")
_CLOSES = {"'": "'", '"': '"', "(": ")"}


def long_words_cut(message: str) -> str:
    """``message`` with every run of more than 120 characters without a blank cut as
    ``_show`` cuts a value: its first 50, then ``...`` and its length. Click's own messages
    quote a value whole (``pdca show "$(120 KB of a)"`` printed a line of 120 KB, a tester),
    and so did an unknown option or an extra argument."""

    def cut(found: re.Match[str]) -> str:
        word = found.group(0)
        stripped = word.rstrip(".,;:")  # the sentence's stop after a quoted value
        tail = word[len(stripped) :]
        opening = stripped[0] if stripped[0] in _CLOSES else ""
        closing = _CLOSES.get(opening, "")
        inner = stripped[len(opening) : -1 if closing and stripped.endswith(closing) else None]
        return f"{opening}{inner[:50]}...{closing} ({len(inner)} characters){tail}"

    return _LONG_WORD.sub(cut, message)


def one_readable_line(message: str, most: int = 2000) -> str:
    """``message`` with its long words cut, and, still past ``most`` characters (a value of
    many short words: "ab ab ab ..." of 100 KB, a retrial), its middle left out: its start
    names what was wrong, its end says why."""
    message = long_words_cut(message)
    if len(message) <= most:
        return message
    # room for a message that names several long paths whole (a restore's advice)
    return f"{message[:1400]} ... ({len(message) - 1800} characters) ... {message[-400:]}"


def _show(value: object, *, counted: bool = True) -> str:
    """Quote a value for a message, cutting very long ones so the message stays one line (with
    its length, unless ``counted`` is off)."""
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > 120:  # a pasted essay stays one readable line; paths fit whole
        length = f" ({len(value) if isinstance(value, str) else '?'} characters)"
        # Closed with the quote it opened with: repr uses " for a text holding ' ("bob's").
        quote = text[0] if isinstance(value, str) else ""
        text = text[:50] + "..." + quote + (length if counted else "")
    return text
