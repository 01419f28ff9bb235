"""The check-in log (key 4): every check-in and follow-up result, newest first.

The large file holds 50 000 check-ins (the huge one 500 000), so the log reads one page at a
time down an index (keyset paging) and draws with the Line API. It holds a window of at most
``WINDOW`` check-ins: the next page is read as the cursor nears either end of it, and the far
side's page dropped; End/G reads the oldest page (as filtered) at once, Home/g the newest, as
``less`` does. Follow-ups due are pinned on top of the newest end; ``f`` records one.
Filters narrow by owner, initiative, status, the highlighted action and a date range; ``c``
checks in; enter jumps to the action on the board.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from pdca.db import accountability
from pdca.db.accountability_models import FOLLOWUP_RESULTS, Followup, LogEntry, LogFilter
from pdca.db.errors import DatabaseBroken, GateUnmet, NotFound, PdcaError, shell_word
from pdca.db.models import CHECKIN_STATUSES
from pdca.screens.context import UNDO_ON_THE_BOARD, PaletteEntry, services
from pdca.screens.owners import since
from pdca.screens.pick_filter import pick_filter_value
from pdca.screens.row_view import RowView
from pdca.widgets.marks import status_mark
from pdca.widgets.row_list import Row, RowList
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import filter_bar, fixed, literal, quoted
from pdca.widgets.when import short_time

PAGE = 200
# Check-ins held at most: past it a page is dropped at the far side. Wider than a page and
# the list's two margins (row_list.NEAR_END_ROWS), or reading at one end would ask at the other.
WINDOW = 5 * PAGE
DUE_SHOWN = 20  # follow-ups due pinned above the check-ins, the oldest first, at most
DUE_SHARE = 3  # ... and no more than a third of the rows on screen (at least DUE_LEAST)
DUE_LEAST = 3
RANGES = [
    ("today", "Today"),
    ("7", "Since 7 days ago"),  # as the rows say "7d ago": today and the 7 days before
    ("30", "Since 30 days ago"),
    ("all", "Any time"),
]
ROLE = {"on-track": "good", "at-risk": "warn", "blocked": "bad"}


@dataclass(frozen=True)
class LogColumns:
    """How wide the title and the state are: narrower on a small terminal, so the message
    (what the log is for) keeps at least ``MESSAGE_MIN`` cells instead of an ellipsis."""

    title: int = 34
    state: int = 20
    message: int = 0  # the cells left for the message on the line (0: not known)


MESSAGE_MIN = 24
FIXED_CELLS = 10 + 7 + 11  # when, #id, author


TITLE_MOST = 70


def columns_for(width: int) -> LogColumns:
    wide = LogColumns()
    room = width - FIXED_CELLS - wide.state - 1  # for the title and the message
    if room >= wide.title + MESSAGE_MIN:
        # On a wide terminal the title takes two fifths of the room, up to TITLE_MOST: at
        # 200 columns titles stopped at 34 cells beside a mostly empty message (a tester).
        title = max(wide.title, min(TITLE_MOST, room * 2 // 5))
        return LogColumns(title=title, message=_message_room(width, title, wide.state))
    state = 12  # "● on-track", "⚑ slipped", "⚑ 30d check" and a space before the message
    if width - FIXED_CELLS - state - 1 - MESSAGE_MIN >= 12:
        title = min(wide.title, width - FIXED_CELLS - state - MESSAGE_MIN - 1)
        return LogColumns(title=title, state=state, message=_message_room(width, title, state))
    # Narrower, the message is what is left to read: no title (the #id names the action,
    # enter opens it) and the state as its mark alone. At 60 columns the message had 4
    # cells, at 40 none (two testers).
    return LogColumns(title=0, state=GLYPH_ONLY, message=_message_room(width, 0, GLYPH_ONLY))


GLYPH_ONLY = 2  # the state as its mark and a space: "▲ "


def _message_room(width: int, title: int, state: int) -> int:
    """What a line ``width`` wide leaves the message (the scrollbar takes a cell)."""
    return max(0, width - 1 - FIXED_CELLS - (title + 1 if title else 0) - state)


def _title_cells(title: str, columns: LogColumns) -> list[tuple[str, str]]:
    return [(fixed(literal(title), columns.title) + " ", "bold")] if columns.title else []


def entry_row(entry: LogEntry, now: Any, columns: LogColumns = LogColumns()) -> Row:
    glyph, _ = status_mark(entry.status)
    message = literal(entry.message)
    if entry.kind == "followup":
        label = f"⚑ follow-up {entry.result}" if columns.state >= 20 else f"⚑ {entry.result}"
        # how late it was recorded, before its note: beside the result, "follow-up" went
        # from its label, unlike its neighbours' (a reviewer)
        late = f"{entry.days_late}d late" if entry.days_late else ""
        if late:
            message = f"{late}: {message}"
        if columns.state == GLYPH_ONLY:  # its result said before the note instead
            label, message = "⚑", f"{entry.result}{', ' if late else ': '}{message}"
        state: tuple[str, str] = (label, "good" if entry.result == "holding" else "bad")
    else:
        label = glyph if columns.state == GLYPH_ONLY else f"{glyph} {entry.status}"
        state = (label, ROLE[entry.status])
    return [
        (f"{since(entry.at, now):>9} ", "muted"),  # "yesterday", whole
        (f"#{entry.action_id} ".rjust(7), "id"),
        *_title_cells(entry.title, columns),
        (fixed(literal(entry.author), 10) + " ", ""),
        (state[0].ljust(columns.state), state[1]),
        (message, ""),
    ]


def followup_row(
    item: Followup,
    columns: LogColumns = LogColumns(),
    now: datetime | None = None,
    key: str = "f",
) -> Row:
    """``key``: the person's own key to record a follow-up ("press f" after f was moved
    named a key that did nothing: a keymap trial)."""
    label = (
        f"⚑ {item.offset_days}-day follow-up"
        if columns.state >= 20
        else "⚑"
        if columns.state == GLYPH_ONLY
        else f"⚑ {item.offset_days}d check"  # not "due": the line goes on "due 2026-…"
    )
    said = f"due {item.due}: press {key} to record holding or slipped"
    # 23 cells, whole from 80 columns: the sentence lost its key there, and at 120 (a tester)
    short = f"due {item.due}, press {key}"
    # Late by the local day, as the stand-up and pdca followups count it: "due" pinned over
    # an audit four days late, where the stand-up said "4d late" (a quality manager).
    try:
        late = (now.astimezone().date() - date.fromisoformat(item.due)).days if now else 0
    except ValueError:  # a date typed in by hand before schema 21: said as it is
        late = 0
    words = f"{late}d late" if late < 100 else f"{late}d"  # the column is 8 cells
    when = (words.rjust(8) + "  ", "bad") if late > 0 else ("     due  ", "accent")
    return [
        when,
        (f"#{item.action_id} ".rjust(7), "id"),
        *_title_cells(item.title, columns),
        (fixed(literal(item.owner or "-"), 10) + " ", ""),
        (label.ljust(columns.state), "accent"),
        (said if not columns.message or len(said) <= columns.message else short, "muted"),
    ]


class LogRows(Sequence[Row]):
    """The follow-ups pinned on top, then the check-ins, each row built when first drawn: a
    screenful at the first paint, not every row of the page read."""

    def __init__(
        self,
        due: list[Followup],
        entries: list[LogEntry],
        now: Any,
        columns: LogColumns,
        followup_key: str = "f",
    ) -> None:
        # Copies: the screen's list of check-ins grows in place as pages come in.
        self.due, self.entries = list(due), list(entries)
        self.now, self.columns, self.followup_key = now, columns, followup_key
        self._built: dict[int, Row] = {}

    def __len__(self) -> int:
        return len(self.due) + len(self.entries)

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        row = self._built.get(index)
        if row is None:
            if index < len(self.due):
                row = followup_row(self.due[index], self.columns, self.now, self.followup_key)
            else:
                row = entry_row(self.entries[index - len(self.due)], self.now, self.columns)
            self._built[index] = row
        return row


class LogScreen(RowView):
    """Dated progress notes and status updates, with follow-ups due on top."""

    VIEW = "Log"

    BINDINGS = [
        UNDO_ON_THE_BOARD,
        Binding("c", "check_in", "Check-in", id="log-checkin"),
        Binding("f", "record_followup", "Follow-up", id="log-followup"),
        Binding("o", "filter_owner", "Owner", id="log-filter-owner"),
        Binding("i", "filter_initiative", "Initiative", id="log-filter-initiative"),
        Binding("s", "filter_status", "Status", id="log-filter-status"),
        Binding("a", "filter_action", "This action", id="log-filter-action"),
        Binding("t", "filter_range", "Dates", id="log-filter-range"),
        # esc clears the filters first; with none, it goes back to the board (RowView's)
        Binding("escape", "clear_filters", "Back", id="log-clear"),
    ]

    DEFAULT_CSS = """
    LogScreen #log-filter { height: 1; padding: 0 1; background: $accent 20%; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = LogFilter()
        self.due: list[Followup] = []
        self.due_more = 0  # follow-ups due beyond the ones pinned on top
        self.entries: list[LogEntry] = []  # the window held, newest first
        self.exhausted = False  # nothing older than the window's last
        self.at_newest = True  # nothing newer than the window's first: the due rows show
        self._shown_columns: LogColumns | None = None
        self._said_left_out: set[str] = set()  # each follow-up left out is said once
        # The view that opened the log on its own rows (the stand-up's "more follow-ups due"):
        # esc goes back there, as it does from the alerts list the stand-up opens. esc cleared
        # the filter and then went to the board, two keys from where the person was (a
        # reviewer). Forgotten once the person leaves the log another way.
        self.back_to: str | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="log-filter")
        yield RowList(empty="no check-ins match", id="log-list")

    # ------------------------------------------------------------------ reading

    def reload(self) -> None:
        self.load(keep=True)  # back, or changed by someone: keep as many rows as were shown

    def load(self, keep: bool = False) -> None:
        """The follow-ups due and the first page (as many as were shown, when keeping).

        Kept away from the newest end (after ``G``), the same window is read again from its
        first check-in, so a change by someone else does not pull the view back up."""
        store = self.context.store
        was_on = self.highlighted if keep else None
        wanted = max(PAGE, len(self.entries)) if keep else PAGE
        from_first = keep and not self.at_newest and bool(self.entries)
        # The oldest few pinned on top (none under a status filter); a file with a thousand
        # due would push every check-in a thousand rows down. The bar says how many more
        # there are and where they are.
        shown = self.due_room() if self.filter.status is None else 0
        try:
            due, total = accountability.due_followups(
                store, shown, owner=self.filter.owner, action_id=self.filter.action_id
            )
            if from_first:
                first = self.entries[0]  # ids are whole numbers: id + 1 takes it in too
                entries = accountability.log_page(
                    store, self.filter, limit=wanted, after=(first.at, first.id + 1)
                )
            else:
                entries = accountability.log_page(store, self.filter, limit=wanted)
        except PdcaError as error:
            self.notify(str(error), severity="error")
            return
        self._say_left_out()
        self.due, self.due_more = due, max(0, total - len(due)) if shown else 0
        self.entries = entries
        self.exhausted = len(entries) < wanted
        self.at_newest = not from_first
        self._show_rows(keep, self._index_of(was_on))
        self._describe()

    def _index_of(self, item: LogEntry | Followup | None) -> int | None:
        """Where ``item`` is now among the rows: the cursor stays on the row it was on as
        new check-ins come in above it (it stayed at its place, and c opened a check-in on
        the one slid under it, a tester). None when it is not among them any more."""
        if item is None:
            return None
        due = self.due_shown
        if isinstance(item, Followup):
            return next((at for at, f in enumerate(due) if f.id == item.id), None)
        found = (at for at, e in enumerate(self.entries) if (e.id, e.kind) == (item.id, item.kind))
        at = next(found, None)
        return None if at is None else len(due) + at

    def due_room(self) -> int:
        """How many follow-ups due are pinned: a third of the rows on screen, up to 20. All
        20 filled an 80x24 log, and a new user on the big file saw no check-in at all (a
        tester); the line above says how many more there are."""
        rows = self.query_one(RowList).scrollable_content_region.height or self.app.size.height
        return max(DUE_LEAST, min(DUE_SHOWN, rows // DUE_SHARE))

    def _say_left_out(self) -> None:
        """A follow-up due that holds a value typed in by hand (``offset_days = 'x'``) is not
        pinned; say so once, as the command line says it on stderr."""
        store = self.context.store
        new = [said for said in store.left_out if said not in self._said_left_out]
        store.left_out.clear()
        if new:
            self._said_left_out.update(new)
            more = f" (and {len(new) - 1} more; see pdca doctor)" if len(new) > 1 else ""
            self.notify(f"left out {new[0]}{more}", severity="warning", markup=False)

    @property
    def due_shown(self) -> list[Followup]:
        """The follow-ups pinned on top: above the newest check-in, so only when it is held."""
        return self.due if self.at_newest else []

    def _rows(self) -> LogRows:
        columns = self._columns()
        self._shown_columns = columns
        key = services(self.app).key_named("log-followup", "f")
        return LogRows(self.due_shown, self.entries, self.context.clock(), columns, key)

    def _show_rows(self, keep: bool, cursor: int | None = None) -> None:
        rows_widget = self.query_one(RowList)
        self._mark_ends(rows_widget)
        rows = self._rows()
        rows_widget.show(rows, cursor if cursor is not None else rows_widget.cursor if keep else 0)

    def _mark_ends(self, rows_widget: RowList) -> None:
        rows_widget.more_before = not self.at_newest
        rows_widget.more_after = not self.exhausted

    def _columns(self) -> LogColumns:
        return columns_for(
            self.query_one(RowList).scrollable_content_region.width or self.app.size.width
        )

    def on_resize(self) -> None:
        # The first layout resizes the view once or twice: draw again only when the columns
        # change with the width, and read again when the room for the pinned follow-ups
        # does (a third of the screen: 12 kept at 120x40 took over half of 80x24, a tester).
        pinned = len(self.due)
        room = self.due_room()
        if (pinned > room or (self.due_more and pinned < room)) and self.filter.status is None:
            self.load(keep=True)
        elif (self.entries or self.due) and self._columns() != self._shown_columns:
            self._show_rows(keep=True)

    def _page(self, **where: Any) -> list[LogEntry] | None:
        try:
            return accountability.log_page(self.context.store, self.filter, limit=PAGE, **where)
        except PdcaError as error:
            self.notify(str(error), severity="error")
            return None

    @on(RowList.NearEnd)
    def next_page(self) -> None:
        """Older check-ins below; past ``WINDOW`` the newest held are dropped."""
        if self.exhausted or not self.entries:
            return
        last = self.entries[-1]
        more = self._page(after=(last.at, last.id))
        if more is None:
            return
        self.exhausted = len(more) < PAGE
        shown_due = len(self.due_shown)
        self.entries += more
        dropped = max(0, len(self.entries) - WINDOW)
        shift = 0
        if dropped:
            self.entries = self.entries[dropped:]
            shift = -(dropped + shown_due)  # the due rows go with the newest end
            self.at_newest = False
        rows_widget = self.query_one(RowList)
        self._mark_ends(rows_widget)
        rows_widget.reshape(self._rows(), shift)

    @on(RowList.NearStart)
    def previous_page(self) -> None:
        """Newer check-ins above (after ``G``); past ``WINDOW`` the oldest held are dropped."""
        if self.at_newest or not self.entries:
            return
        first = self.entries[0]
        more = self._page(before=(first.at, first.id))
        if more is None:
            return
        self.at_newest = len(more) < PAGE
        self.entries = more + self.entries
        if len(self.entries) > WINDOW:
            self.entries = self.entries[:WINDOW]
            self.exhausted = False
        rows_widget = self.query_one(RowList)
        self._mark_ends(rows_widget)
        rows_widget.reshape(self._rows(), len(more) + len(self.due_shown))

    @on(RowList.ToLast)
    def to_oldest(self) -> None:
        """End/G: the oldest page of the log (as filtered), the cursor on the oldest."""
        oldest = self._page(oldest=True)
        if oldest is None:
            return
        self.entries = oldest
        self.exhausted = True
        self.at_newest = len(oldest) < PAGE
        self._show_rows(keep=False, cursor=len(self.due_shown) + len(oldest) - 1)

    @on(RowList.ToFirst)
    def to_newest(self) -> None:
        """Home/g: the newest page, the follow-ups due on top."""
        self.load()

    def _describe(self) -> None:
        bar = self.query_one("#log-filter", Static)
        bar.display = self.filter.active or self.due_more > 0
        if not bar.display:
            return
        f = self.filter
        parts = []
        if f.owner:
            # on their actions, whoever wrote them: the rows name the writer, and a lead who
            # picked the name a row showed found nothing (a keyboard trial)
            parts.append(f"{literal(f.owner)}'s actions")
        if f.initiative:
            parts.append(f"initiative {literal(f.initiative)}")
        if f.status:
            parts.append(f"status {f.status}")
        if f.action_id:
            parts.append(f"action #{f.action_id}")
        if f.since:
            parts.append(f"since {f.since}")
        clear = services(self.app).key_named("log-clear", "esc")  # the person's own key
        text = filter_bar(parts, clear) if f.active else Text()
        if self.due_more:
            more = f"{self.due_more} more follow-up{'s' if self.due_more != 1 else ''} due"
            # Narrowed to one owner already, "o narrows" read as nonsense (a retrial): the
            # command that lists theirs is named instead.
            lists = (
                f"pdca followups --due --owner {literal(shell_word(f.owner))} lists them"
                if f.owner
                else "pdca followups lists them, o narrows"
            )
            text.append(f"{'  ' if f.active else ''}{more}: {lists}", style="dim")
        bar.update(text)

    # ------------------------------------------------------------------ the highlighted row

    @property
    def highlighted(self) -> LogEntry | Followup | None:
        index = self.query_one(RowList).cursor
        due = self.due_shown
        if index < len(due):
            return due[index]
        index -= len(due)
        return self.entries[index] if 0 <= index < len(self.entries) else None

    @on(RowList.Selected)
    def jump_to_action(self) -> None:
        item = self.highlighted
        if item is not None:
            self.open_board(item.action_id)

    @work(group="jump", exclusive=True)
    async def open_board(self, action_id: int) -> None:
        from pdca.screens.jump import open_on_board

        try:
            action = self.context.store.get_action(action_id)
        except PdcaError as error:
            self.notify(str(error), severity="error")
            return
        await open_on_board(self.app, action_id=action_id, done=action.done_at is not None)

    # ------------------------------------------------------------------ writing

    def _drop_kept_note(self, followup_id: int) -> None:
        if self.context.followup_notes.pop(followup_id, None) is not None:
            services(self.app).kept_may_be_saved()

    def _writable(self) -> bool:
        if self.context.writable:
            return True
        self.notify(f"read-only: {self.context.store.read_only_reason}", severity="warning")
        return False

    def action_check_in(self) -> None:
        item = self.highlighted
        if item is None:
            self.notify("no check-in here to follow", severity="warning")
            services(self.app).drop_typed_text()
        else:  # a read-only file is said by the flow; the keys typed with c wait for it
            services(self.app).hold_keys(until=self.checkin_flow(item.action_id))

    # Not exclusive: the next c (or f) would cancel this one while its save waits on a lock,
    # and what was typed went, unkept (a retrial). A "flow", as the board's: the keys typed
    # with c wait for its form (the first letter of a message typed fast went, and after a
    # refused c the rest ran as keys: 1 to the board, u undid, e edited, a tester).
    @work(group="flow")
    async def checkin_flow(self, action_id: int) -> None:
        from pdca.screens.checkin_elsewhere import check_in_elsewhere

        if await check_in_elsewhere(self, action_id):
            self.reload()  # the cursor stays on its row: it went to the top (a retrial)

    def action_record_followup(self) -> None:
        item = self.highlighted
        target: Followup | None
        if isinstance(item, Followup):
            target = item
        elif item is None:
            target = next(iter(self.due), None)
        else:
            target = next((f for f in self.due if f.action_id == item.action_id), None)
        if target is None:
            self.notify("no follow-up due here: due ones are listed on top", severity="warning")
            services(self.app).drop_typed_text()
        elif self._writable():
            services(self.app).hold_keys(until=self.followup_flow(target))

    # Not exclusive: the next c (or f) would cancel this one while its save waits on a lock,
    # and what was typed went, unkept (a retrial). A "flow", as the board's: the keys typed
    # with c wait for its form (the first letter of a message typed fast went, and after a
    # refused c the rest ran as keys: 1 to the board, u undid, e edited, a tester).
    @work(group="flow")
    async def followup_flow(self, item: Followup) -> None:
        from pdca.screens.dialogs import ChoiceModal
        from pdca.screens.dialogs.followup_note import FollowupNoteModal

        if ("followup", item.id) in self.context.saving:  # asked before the question
            self.notify(
                f"your follow-up of #{item.action_id} is still being recorded (someone holds"
                " the file): f on it again once it is in, or kept",
                severity="warning",
            )
            services(self.app).drop_typed_text()
            return
        result = await self.app.push_screen_wait(
            ChoiceModal(
                heading=f"{item.offset_days}-day follow-up of #{item.action_id}",
                prompt=f"Is the change to “{literal(item.title)}” holding?",
                choices=[
                    ("holding", "Holding: the change stuck"),
                    ("slipped", "Slipped: reopen it in Plan as the next cycle"),
                ],
            )
        )
        if result is None:
            return
        # Recorded by a teammate while the question was open: said now, not after a note
        # was typed for it and refused (a tester).
        if why := self._recorded_or_gone(item):
            self.notify(f"{why}: nothing to record", severity="warning", timeout=10, markup=False)
            self.reload()
            return
        # Its own words, as the command line's -m takes them: why it slipped is what the
        # next cycle's Plan starts from (the app had only pdca's stock words).
        note = await self.app.push_screen_wait(
            FollowupNoteModal(
                offset_days=item.offset_days,
                action_id=item.action_id,
                title=item.title,
                result=result,
                draft=self.context.followup_notes.get(item.id, (None, ""))[0],
            )
        )
        if note is None:
            self.notify("follow-up not recorded", timeout=3)  # esc said nothing (a tester)
            return
        self.context.saving.add(("followup", item.id))
        try:
            outcome = await self.context.write(
                lambda writer: accountability.record_followup(
                    writer,
                    item.id,
                    result,  # type: ignore[arg-type]
                    note or None,
                    expected_version=item.version,
                ),
                f"follow-up {result} of #{item.action_id}",  # said if it gives up after quitting
            )
        except DatabaseBroken:
            raise  # the app stops on it
        except PdcaError as error:
            if note and (why := self._recorded_or_gone(item, error)):
                # Recorded by someone else, or gone: no f on it will take the note again,
                # and kept for one it was lost unseen (a tester). What was typed is said.
                self._drop_kept_note(item.id)
                self.notify(
                    f"{why}; your note was not recorded: “{literal(note)}”",
                    severity="error",
                    timeout=20,
                    markup=False,
                )
                self.reload()
                return
            # The words typed are kept for the next f on it, as a check-in's are (a file busy
            # for 10 s lost them, a reviewer).
            if note:
                words = f"follow-up {result} of #{item.action_id}: {quoted(note)}"
                self.context.followup_notes[item.id] = (note, words)
                key = services(self.app).key_named("log-followup", "f")  # theirs (a keymap trial)
                services(self.app).notify_kept(
                    f"your note on the follow-up of #{item.action_id} is kept: press {key} on it"
                    " to record it again"
                )
            self.notify(str(error), severity="error", timeout=6)
            self.reload()
            return
        finally:
            self.context.saving.discard(("followup", item.id))
        self._drop_kept_note(item.id)
        if outcome.reopened is not None:
            nxt = outcome.reopened  # whose: the audit's holder, after a reassign not the old owner
            owner = f" for {literal(nxt.owner)}" if nxt.owner else ""
            self.notify(f"#{nxt.id} opened in Plan{owner}: cycle {nxt.cycle}")
        else:
            self.notify(f"#{item.action_id}: holding")
        self.reload()

    def _recorded_or_gone(self, item: Followup, error: PdcaError | None = None) -> str | None:
        """Why no f will take a note for the follow-up a write was refused for (recorded
        meanwhile, by someone else, or gone), in the words of the row it was on: the audit's
        own id and a UTC time read as another action's (a tester); None when one may.
        ``error``: the refusal a write met, if one did (a gate's is said as it is)."""
        what = f"#{item.action_id}'s {item.offset_days}-day follow-up"
        try:
            now = accountability.get_followup(self.context.store, item.id)
        except NotFound:
            return f"{what} is gone"
        except PdcaError:
            return None  # unreadable now: kept for the next f, which will say
        if now.done_at is None:
            return None if not isinstance(error, GateUnmet) else str(error)
        return (
            f"{what} was recorded meanwhile by {now.done_by} ({now.result},"
            f" {short_time(now.done_at)})"
        )

    # ------------------------------------------------------------------ filters

    def set_filter(self, wanted: LogFilter) -> None:
        self.filter = wanted
        self.load()

    def action_filter_owner(self) -> None:
        self.pick_flow("owner")

    def action_filter_initiative(self) -> None:
        self.pick_flow("initiative")

    @work(group="flow", exclusive=True)
    async def pick_flow(self, kind: Literal["owner", "initiative"]) -> None:
        picked = await pick_filter_value(
            self,
            kind,
            "Show the check-ins on one owner's actions, whoever wrote them"
            if kind == "owner"
            else "Show the check-ins on one initiative's actions",
        )
        if picked is not None:
            self.set_filter(
                replace(self.filter, owner=picked)
                if kind == "owner"
                else replace(self.filter, initiative=picked)
            )

    @work(group="flow", exclusive=True)
    async def action_filter_status(self) -> None:
        from pdca.screens.dialogs import ChoiceModal

        picked = await self.app.push_screen_wait(
            ChoiceModal(
                heading="Show check-ins by status",
                prompt="Which status?",
                # the follow-ups' results too, as pdca log --status takes them (a tester)
                choices=[(s, s) for s in (*CHECKIN_STATUSES, *FOLLOWUP_RESULTS)],
            )
        )
        if picked is not None:
            self.set_filter(replace(self.filter, status=picked))  # type: ignore[arg-type]

    def action_filter_action(self) -> None:
        item = self.highlighted
        if item is not None:
            self.set_filter(replace(self.filter, action_id=item.action_id))

    @work(group="flow", exclusive=True)
    async def action_filter_range(self) -> None:
        from pdca.screens.dialogs import ChoiceModal

        picked = await self.app.push_screen_wait(
            ChoiceModal(heading="Show check-ins from", prompt="Which days?", choices=RANGES)
        )
        if picked is None:
            return
        today = self.context.today()
        start = None
        if picked == "today":
            start = today
        elif picked != "all":
            # Back to the day a row calls "7d ago": from the 21st on the 28th, a check-in
            # shown as "7d ago" went with the last 7 days (a new user).
            start = today - timedelta(days=int(picked))
        self.set_filter(replace(self.filter, since=start, until=None))

    def open_for(self, wanted: LogFilter, back_to: str) -> None:
        """The log narrowed for another view, which esc returns to."""
        self.set_filter(wanted)
        self.back_to = back_to

    def on_screen_suspend(self) -> None:
        super().on_screen_suspend()
        self.back_to = None

    def action_clear_filters(self) -> None:
        if self.back_to is not None:
            # The filter was the opening view's, not the person's: it goes with them.
            back_to = self.back_to
            self.set_filter(LogFilter())
            self.app.switch_mode(back_to)
        elif self.filter.active:
            self.set_filter(LogFilter())
        else:
            self.action_back_to_board()

    def palette_commands(self) -> list[PaletteEntry]:
        return [
            PaletteEntry(
                "Check in",
                "Record progress on the highlighted action",
                self.action_check_in,
                "log-checkin",
            ),
            PaletteEntry(
                "Record follow-up",
                "Holding or slipped, for a follow-up due",
                self.action_record_followup,
                "log-followup",
            ),
            PaletteEntry(
                "Log: filter by owner",
                "Check-ins on one person's actions",
                self.action_filter_owner,
                "log-filter-owner",
            ),
            PaletteEntry(
                "Log: filter by initiative",
                "Check-ins of one initiative",
                self.action_filter_initiative,
                "log-filter-initiative",
            ),
            PaletteEntry(
                "Log: filter by status",
                "On-track, at-risk or blocked",
                self.action_filter_status,
                "log-filter-status",
            ),
            PaletteEntry(
                "Log: this action only",
                "Check-ins of the highlighted action",
                self.action_filter_action,
                "log-filter-action",
            ),
            PaletteEntry(
                "Log: date range",
                "Today, 7 or 30 days, any time",
                self.action_filter_range,
                "log-filter-range",
            ),
            PaletteEntry(
                "Log: clear filters", "Every check-in", self.action_clear_filters, "log-clear"
            ),
        ]
