"""What every screen is handed by the app: the store, who is acting, and the clock.

Screens reach the store only through this (never a global), so the tests build the same
context around a temporary database. Reads that take a millisecond use ``store`` on the UI
thread; every write goes through ``write``, which runs it on the writer thread (its own
connection), so a write waiting for another process's lock never freezes the keys. A worker
thread that reads a lot opens its own connection with ``open_reader``.
"""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar, cast, runtime_checkable

from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from pdca.db.clock import Clock
from pdca.db.connection import not_the_file_opened
from pdca.db.errors import DatabaseBroken, DatabaseBusy, NotFound, PdcaError
from pdca.db.store import Store
from pdca.db.store_thread import StoreThread
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import plain

T = TypeVar("T")

SAVING_SHOWN_AFTER_SECONDS = 0.25  # a write slower than this says "saving…" in the header


class KeptAck(NamedTuple):
    note: str
    words: str  # what it was, said whole at quit
    kpi_id: int  # a on this KPI offers it again, whichever of its alerts is most pressing


@dataclass
class AppContext:
    store: Store
    path: Path
    actor: str
    clock: Clock
    # Told True when a write is slow enough to say so, False when it is done.
    on_saving: Callable[[bool], None] = field(default=lambda saving: None)
    # Told (on the writer thread) the outcome of a write whose flow was cancelled meanwhile
    # (another key, quitting): the write still happens, and the app shows what became of it.
    on_orphan: Callable[[BaseException | None], None] = field(default=lambda error: None)
    # Failures of such writes not shown yet, with what each was ("check-in on #6: 'Rota
    # live'"): what quitting leaves is printed after the app, where nothing else says it.
    unshown: list[tuple[str | None, BaseException]] = field(default_factory=list)
    # The file as the header names it (``file_shown``), worked out once it is opened
    shown_name: str = ""

    @property
    def file_name(self) -> str:
        """The file as the header names it."""
        return self.shown_name or self.path.name

    # What the board keeps of refused saves for the person's next c, e or n, in words (the
    # board answers it, from what it keeps): quitting with any asks twice and then prints
    # them, where they had vanished without a word (a tester).
    kept_by_board: Callable[[], list[str]] = field(default=list)
    # Acknowledgement notes refused by a busy or read-only file, by alert id: for the next a
    # on that KPI, in any view.
    unsent_acks: dict[int, KeptAck] = field(default_factory=dict)
    # Kept notes dropped at quit, their alert settled meanwhile: printed once as pdca ends.
    settled_acks: list[str] = field(default_factory=list)
    # Edits whose action went while they were typed: said at once, in a toast, and printed
    # again as pdca ends, where the words can be copied (a hostile tester's went with the toast).
    gone_edits: list[str] = field(default_factory=list)
    # Alerts whose acknowledgement is on its way (it may wait for a lock): not asked again.
    acknowledging: set[int] = field(default_factory=set)
    # Check-ins and follow-ups from the log and the stand-up whose save is on its way, by
    # (kind, id): not opened again meanwhile. A second form on one, saved, dropped the words
    # the first's refused save had kept (a reviewer).
    saving: set[tuple[str, int]] = field(default_factory=set)
    # Follow-up notes a refused write kept, by follow-up id: (the note, the change in words),
    # for the log's next f on it; counted and printed at quit as the board's kept changes
    # are (one went silently at quit, exit 0: a retrial).
    followup_notes: dict[int, tuple[str, str]] = field(default_factory=dict)
    # Readings a refused write kept, by KPI id: (value, when and note as typed, the reading in
    # words), for the next r on that KPI; counted and printed at quit as the notes above.
    unsent_readings: dict[int, tuple[tuple[str, str, str], str]] = field(default_factory=dict)
    # Why the file may no longer be used (damaged, removed, replaced); then nothing is written.
    broken: str | None = None
    writer: StoreThread = field(init=False)
    opened_at_event: int = field(init=False)
    closed: bool = field(default=False, init=False)  # the file closed: what is kept stays so
    # The file at the path is no longer the one opened (replaced, removed): its connections
    # stay open until the process ends (db/connection.py ``set_aside_what_it_left``).
    left_open: bool = field(default=False, init=False)

    def kept(self) -> list[str]:
        """What is kept of refused saves, in words: quitting with any asks twice and then
        prints them, where they had vanished without a word (a tester)."""
        self._settle_kept_acks()
        return (
            self.kept_by_board()
            + [kept.words for kept in self.unsent_acks.values()]
            + [words for _note, words in self.followup_notes.values()]
            + [words for _typed, words in self.unsent_readings.values()]
        )

    def kept_count(self) -> int:
        """How many changes are kept, without settling any (the header's count, at every
        poll): ``kept`` drops the notes whose alert settled, and the next a then found its
        own note gone, and said nothing of it (a reviewer)."""
        return (
            len(self.kept_by_board())
            + len(self.unsent_acks)
            + len(self.followup_notes)
            + len(self.unsent_readings)
        )

    def drop_settled_acks(self) -> list[tuple[int, str, str]]:
        """Forget the kept acknowledgement notes whose alert nobody need acknowledge any
        more (someone did, or it closed): quitting warned of one for ever (a reviewer).
        Returns (alert id, why, what the note was) of each dropped, for the caller to say
        whole (it went without its text, a reviewer); a read that fails keeps them."""
        from pdca.db import alerts

        dropped: list[tuple[int, str, str]] = []
        if self.closed:  # looked at as the file closed (``close``): no read after that
            return dropped
        for alert_id in list(self.unsent_acks):
            try:
                alert = alerts.get_alert(self.store, alert_id)
            except NotFound:
                alert = None
            except PdcaError:
                continue
            if alert is None:
                why = "it is gone"
            elif alert.acknowledged_at is not None:
                why = f"{alert.acknowledged_by} acknowledged it"
            elif alert.closed_at is not None:
                why = "it closed"
            else:
                continue
            dropped.append((alert_id, why, self.unsent_acks.pop(alert_id).words))
        return dropped

    def _settle_kept_acks(self) -> None:
        for _alert_id, why, words in self.drop_settled_acks():
            self.settled_acks.append(f"{words} ({why})")

    def __post_init__(self) -> None:
        self.writer = StoreThread(self.open_reader, self._guard)
        # The file's last change as the app opened: its u takes back its own changes since,
        # or the person's from before, never a script's under the same login meanwhile.
        self.opened_at_event = self.store.last_event_id()

    def _guard(self, writer: Store) -> None:
        """Before each write, on the writer thread: not into a file gone wrong, nor into
        another file than the one the app opened (replaced since)."""
        if self.broken is not None:
            raise DatabaseBroken(self.broken)
        if writer.identity != self.store.identity or (
            writer.identity is not None and not_the_file_opened(self.path, writer.identity)
        ):
            raise DatabaseBroken(
                f"{self.path} was removed or replaced while open; nothing more written"
            )

    @property
    def writable(self) -> bool:
        return self.store.writable

    def today(self) -> date:
        return self.clock().astimezone().date()

    def open_reader(self) -> Store:
        """A connection of its own, for another thread (SQLite connections stay in theirs).
        Never to another file than the one opened: SQLite opening a file moved over it
        would take the old file's -wal, still under the name, for the new one's and replay
        it into it (a reviewer: a read in the moment before the board saw the swap)."""
        if self.store.identity is not None and not_the_file_opened(self.path, self.store.identity):
            raise DatabaseBroken(
                f"{self.path} was removed or replaced while open; nothing more written"
            )
        return Store.open(self.path, actor=self.actor, clock=self.clock)

    def read(self, call: Callable[[Store], T]) -> T:
        """``call`` on a connection of its own, closed after: for a worker thread's reads.
        Opening can fail as the reading can (the file gone, damaged): both raise here."""
        reader = self.open_reader()
        try:
            return call(reader)
        finally:
            reader.close()

    async def write(self, call: Callable[[Store], T], what: str | None = None) -> T:
        """Run ``call(store)`` on the writer thread and wait for it without blocking the UI.

        Its errors come back here as raised; a write slower than a moment shows "saving…".
        ``what`` names it where its failure is said after the app has ended, and in a busy
        wait's refusal, seconds after the key: the file's wait alone named nothing (testers
        had moved on and could not tell what was not saved).
        """
        if self.broken is not None:
            broken = DatabaseBroken(self.broken)
            if what:  # said at the end with the rest: the form that asked has closed
                self.unshown.append((what, broken))
            raise broken
        # Shielded: cancelling the flow that asked (another key, quitting) must not cancel a
        # write already asked for, or it would vanish without a word.
        future = self.writer.submit(call)
        done = asyncio.wrap_future(future)
        try:
            try:
                return await asyncio.wait_for(asyncio.shield(done), SAVING_SHOWN_AFTER_SECONDS)
            except TimeoutError:
                self.on_saving(True)
                try:
                    return await asyncio.shield(done)
                finally:
                    self.on_saving(False)
        except DatabaseBusy as busy:
            if what:
                raise DatabaseBusy(f"{what}: {busy}") from None
            raise
        except DatabaseBroken as broken:
            # The file moved over or removed while the save waited: the app stops on it, and
            # the check-in typed was gone without a word (a retrial). Said at the end.
            if what:
                self.unshown.append((what, broken))
            raise
        except asyncio.CancelledError:
            future.add_done_callback(lambda landed: self._orphan_landed(landed, what))
            # Its outcome is reported there; asyncio need not complain that nobody asked.
            done.add_done_callback(lambda landed: landed.cancelled() or landed.exception())
            raise

    def _orphan_landed(self, future: Future[T], what: str | None) -> None:
        error = None if future.cancelled() else future.exception()
        if error is not None:
            self.unshown.append((what, error))
        self.on_orphan(error)

    def close(self) -> None:
        """Every write waited for, the kept notes' alerts looked at, then the file closed:
        the lines said at quit read the alerts from a closed file, and pdca ended "the
        database failed", the note lost (a retrial)."""
        self.writer.close()
        self._settle_kept_acks()
        self.closed = True
        if not self.left_open:
            self.store.close()


# ``u`` in every view: the undo happens on the board, where what it gave back is seen (it
# did nothing, and said nothing, outside the board: a tester). The board's own id, so one
# remapping in settings.toml moves it everywhere (screens/jump.py ``undo_on_the_board``).
UNDO_ON_THE_BOARD = Binding("u", "app.undo_on_board", "Undo", show=False, id="board-undo")


class ViewKey(NamedTuple):
    key: str
    mode: str
    description: str
    show: bool  # in the footer; the rest are in ? and the palette


# The views' number keys, bound by the app and again by the action detail (a dialog, which
# cuts the app's keys off): 1..7 there did nothing, and said nothing (a tester).
VIEW_KEYS = (
    ViewKey("1", "board", "Board", True),
    ViewKey("2", "owners", "Owners", True),
    ViewKey("3", "kpis", "KPIs", True),
    ViewKey("4", "log", "Log", True),
    ViewKey("5", "standup", "Stand-up", True),
    ViewKey("6", "flow", "Flow", True),
    ViewKey("7", "initiatives", "Initiatives", False),  # off the footer: full at 80 columns
)


def view_bindings(action: str, *, in_footer: bool = True) -> list[Binding]:
    """A binding per view, running ``action`` with the mode's name (ids ``view-MODE``, so a
    key remapped in settings.toml moves in the app and the detail alike). Not ``in_footer``:
    listed by ``?`` alone."""
    return [
        Binding(
            v.key,
            f"{action}({v.mode!r})",
            v.description,
            show=v.show and in_footer,
            id=f"view-{v.mode}",
        )
        for v in VIEW_KEYS
    ]


class DatabaseChanged(Message):
    """Someone (another session, the command line, a write of this app's that its flow no
    longer waits for) changed the file: the view should read it again. ``outside``: by a
    write that left no event (``sqlite3``, ``sqlite-utils``, Datasette): the event log does
    not say what it changed, so what the view shows is read again whole."""

    def __init__(self, outside: bool = False) -> None:
        super().__init__()
        self.outside = outside


class AppServices(Protocol):
    """What screens use of the running app (``tui.app.PdcaApp``, which they don't import:
    tui depends on screens, not the other way). The app declares that it provides this, so
    renaming one of these on the app is a type error, not a silent ``getattr`` default."""

    context: AppContext
    changes_seen: int  # how many times the event log was seen to grow, by anyone
    outside_changes_seen: int  # and the file to change with no event (another tool's write)
    others: tuple[str, ...]  # who else has the file open

    def refresh_status(self) -> None: ...

    def hold_keys(self, until: Worker[Any] | None = None) -> None: ...

    def keys_wait_for_rows(self, read: Worker[Any], *, every_key: bool = False) -> None: ...

    def drop_typed_text(self, passing_for: str | None = None) -> None: ...

    def keys_stay_here(self, passing: frozenset[str]) -> None: ...

    def key_named(self, binding_id: str, default: str) -> str: ...

    def notify_kept(self, message: str) -> None: ...

    def kept_may_be_saved(self) -> None: ...

    def withdraw_messages_of_alerts(self, alert_ids: Iterable[int]) -> None: ...


class PaletteEntry(NamedTuple):
    """One command of the palette. ``binding_id`` names the key binding that does the same
    thing: the palette shows that binding's key as the person's keymap has it, after the
    help ("Add an action to Plan (n)", or "(f2)" once ``board-new = "f2"``)."""

    title: str
    help: str
    callback: Callable[[], object]
    binding_id: str | None = None


@runtime_checkable
class PaletteProvider(Protocol):
    """A screen whose keys are also commands in the palette."""

    def palette_commands(self) -> Iterable[PaletteEntry]: ...


def services(app: object) -> AppServices:
    return cast(AppServices, app)


def context_of(app: object) -> AppContext:
    """The running app's context."""
    return services(app).context


def write_banner(store: Store, newer: int | None, unreadable: str | None) -> str | None:
    """The line a view shows under its header while this user cannot save (a newer pdca
    upgraded the file, ``newer``: ``store.upgraded_past_this_code()``; the user may no
    longer open it, ``unreadable``: ``store.cannot_read_now()``, each asked once by the
    caller, which acts on them too; the file is read-only for them, or its -wal or -shm is),
    or None. Asked again as the app polls: an owner's chmod takes effect on an open board,
    so the line comes and goes with it (a tester's stayed for minutes after the file was
    made writable)."""
    if newer is not None:
        # Said for as long as it lasts: only passing notes said it, and the board looked
        # current while it showed the file as it was (a team's soak).
        return (
            f"out of date: a newer pdca upgraded the file to schema {newer}; this board shows"
            " it as it was and saves nothing: quit (q) and start the newer pdca (pdca"
            " --version says the schema each knows)"
        )
    if unreadable is not None:
        # The open connection reads on, the views' own readers cannot open the file: the
        # board froze under "read-only" while others wrote (an owner's chgrp, a trial).
        return (
            # "shown as it was": "out of date" read as an upgrade, where access went (a trial)
            f"shown as it was: {unreadable}; what you see is the file as it was then, and"
            " others' changes show again once that is done"
        )
    if not store.writable:
        return f"read-only: {store.read_only_words(refused=False)}"
    if (blocked := store.write_blocker()) is not None:
        return f"writes will be refused: {blocked}"
    return None


def write_banner_widget(store: Store) -> Static:
    """The ``#read-only`` line a view composes, hidden while nothing stops a save."""
    words = write_banner(store, store.upgraded_past_this_code(), store.cannot_read_now())
    banner = Static(plain(words or ""), id="read-only")
    banner.display = words is not None
    return banner


def show_write_banner(screen: Screen[Any], words: str | None) -> None:
    """Put ``words`` (``write_banner``'s) on ``screen``'s ``#read-only`` line, if it has one."""
    shown = plain(words or "")
    for banner in screen.query("#read-only").results(Static):
        # Asked at every refresh of the header: only a change repaints (and lays out) it.
        if banner.content != shown:
            banner.update(shown)
        banner.display = words is not None


def file_shown(path: Path) -> str:
    """The open file as the header names it: in a folder a group writes (a team's, as the
    README sets it up), with that folder (``teamb/pdca.db``): two teams' boards, and
    one's own file, all read "pdca.db" (a trial). Asked once, as the app opens the file
    (``AppContext.shown_name``), not at each refresh."""
    try:
        # written by a group (or set to give one its files): a folder made under umask 022
        # reads but is no team's (a retrial: a personal file read "proj/pdca.db")
        shared = path.parent.stat().st_mode & (stat.S_IWGRP | stat.S_ISGID)
    except OSError:
        shared = 0
    return f"{path.parent.name}/{path.name}" if shared and path.parent.name else path.name


def show_status(screen: Screen[None], view: str) -> None:
    """Fill a new view's status bar as the app fills the board's: file, login, who else."""
    app = services(screen.app)
    for bar in screen.query(StatusBar):
        bar.view = view
        bar.database = app.context.file_name
        bar.login = app.context.actor
        bar.read_only = not app.context.writable
        bar.others = app.others
