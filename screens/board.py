"""The board: the team's open actions in four columns, Plan | Do | Check | Act.

The screen is a table of contents: its keys, the short actions that start flows, and the
loading and paging of the columns. Each flow of dialogs is a module of its own (new, move,
edit, check-in, done, detail, filters, undo: screens/board_*.py and screens/edit_flow.py);
it asks what it needs, writes through ``context.store`` (screens/board_writes.py turns a
refusal into one line) and shows the result with ``place``. The columns are dumb
(widgets/phase_column.py). A move repaints from the action the store returned, at once; a
full reload runs in a worker thread on its own connection, when anyone (this session
included) changed the file.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.worker import Worker

from pdca.db import rules
from pdca.db.errors import DatabaseBroken, PdcaError
from pdca.db.models import PHASES, Action, Phase, record_id
from pdca.db.sparklines import sparklines as read_sparklines
from pdca.db.store import Store
from pdca.screens.board_checkin import (
    checkin_flow,
    let_go_of_kept_on_finished,
    refuse_checkin_if_done,
)
from pdca.screens.board_detail import detail_flow
from pdca.screens.board_done import complete_flow
from pdca.screens.board_filters import (
    BoardFilter,
    HiddenCard,
    close_text_box,
    open_text_box,
    pick_flow,
)
from pdca.screens.board_move import move_back_flow, move_flow
from pdca.screens.board_new import new_flow
from pdca.screens.board_undo import start_repeating_flow, stop_repeating_flow, undo_flow
from pdca.screens.board_writes import done_meanwhile_words, show_conflict
from pdca.screens.context import (
    AppContext,
    DatabaseChanged,
    PaletteEntry,
    context_of,
    services,
    write_banner_widget,
)
from pdca.screens.cursor_change import (
    CursorChange,
    Place,
    changed_under_cursor,
    pressed_too_soon,
    under_cursor,
)
from pdca.screens.edit_flow import EditAgain, edit_flow
from pdca.screens.footer import footer_after_first_paint
from pdca.screens.from_thread import land
from pdca.widgets.lane_divider import LaneDivider
from pdca.widgets.lanes import Lanes
from pdca.widgets.line_list import point_the_terminal_cursor_of
from pdca.widgets.phase_column import (
    CARD_HEIGHT,
    COMPACT_HEIGHT,
    SPARK_CELLS,
    PageSource,
    PhaseColumn,
)
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import literal

if TYPE_CHECKING:  # the dialogs are imported on first use: not before the first paint
    from pdca.screens.dialogs.action_form import ActionFormResult
    from pdca.screens.dialogs.checkin import CheckinResult

# After a jump from another view, the moment when the card is put mid-column once more if the
# layout of the screen switched to has scrolled its column back (seen in a terminal).
JUMP_SETTLE_SECONDS = 0.1


def first_page_size(screen_height: int, card_height: int = CARD_HEIGHT) -> int:
    """Cards per phase read before the first paint: a screenful, and one more to scroll to."""
    return max(1, screen_height // card_height) + 1


# How long typing in the text filter pauses before the columns are read again for it.
FILTER_TYPING_PAUSE_SECONDS = 0.15


@runtime_checkable
class RemembersCompact(Protocol):
    """An app that remembers the compact cards per person (tui/app.py, in settings.toml)."""

    @property
    def compact_cards(self) -> bool: ...

    def remember_compact(self, compact: bool) -> None: ...


@dataclass(frozen=True)
class Reloaded:
    """What a refresh read: up to which event, and the columns it read again."""

    last_event: int
    counts: dict[str, int]
    pages: dict[Phase, tuple[int, list[Action]]]
    sparklines: dict[int, list[float | None]] | None
    today: date
    # A text filter's matches, every column's, when few (``Store.few_matches``); else None
    matched: frozenset[int] | None = None


FOUR_LANES_WIDTH = 64  # four lanes of 15 cells and their dividers: narrower, one at a time
LANE_SHOW_TRIES = 5  # refreshes a narrowed board's scroll to the focused lane is checked for
FEW_MATCHES = 2000  # a text filter's matches read in one pass up to this many (few_matches)


def read_changes(
    reader: Store,
    wanted: BoardFilter,
    windows: dict[Phase, tuple[int, int]],
    since: int | None,
    today: date,
    around: int | None = None,
    follow: int | None = None,
    *,
    with_sparklines: bool = True,
    matched: frozenset[int] | None = None,
) -> Reloaded:
    """On the worker's connection: what changed, then the affected columns' cards; with
    ``around``, its column reads the window where that action is (a jump to it from another
    view: it may be thousands of cards down). ``follow``: the focused action, whose column
    reads where it went if a change moved it out of what is shown. ``matched``: the text
    filter's matches as last read, when few."""
    phases: set[str] = set(PHASES)
    sparklines = None
    if since is None:
        last = reader.last_event_id()
        if with_sparklines:  # a new filter alone changes no KPI's readings
            sparklines = read_sparklines(reader, SPARK_CELLS)
    else:
        changes = reader.changes_since(since)
        last = changes.last_event
        if not changes.everything:
            phases = changes.phases
        if changes.other or changes.everything:
            sparklines = read_sparklines(reader, SPARK_CELLS)
        if wanted.text and matched is not None and phases and not changes.everything:
            # Changes to cards the text filter showed none of, then or now, change none of
            # its columns: a pass over every row's text at each colleague's write was 0.13 s
            # of CPU in each board filtered so (a trial at 100 000 actions).
            now = reader.matching(wanted.as_store_filter(), changes.actions)
            if not changes.actions & matched and not now and around is None:
                phases = set()
    # A text filter's matches, when few, in one pass (each query of it reads every row); not
    # when no column is read again (a KPI reading someone recorded).
    few = None
    if wanted.text and (phases or around is not None):
        few = reader.few_matches(wanted.as_store_filter(), FEW_MATCHES)
    if around is not None:
        windows = {**windows, **window_around(reader, wanted, windows, around, few=few)}
    if around is None and follow is not None and phases:
        # Someone's edit took the focused card out of the window (a due date far on, another
        # phase), or their new cards, sorted before it, pushed it out: focus went to
        # whichever card took its place, and the next key acted on that one (two testers:
        # a card just added, then >, moved a colleague's). One look at where it is now.
        windows = {
            **windows,
            **window_around(reader, wanted, windows, follow, moved=True, few=few),
        }
    counts: dict[str, int] = {}
    pages: dict[Phase, tuple[int, list[Action]]] = {}
    if phases and few is not None:
        counts = {phase: len(few[phase]) for phase in PHASES}
        for phase in PHASES:
            if phase in phases:
                first, count = windows[phase]
                first = max(0, min(first, counts[phase] - count))
                pages[phase] = (first, reader.actions_by_id(few[phase][first : first + count]))
    elif phases:
        counts = reader.count_actions(wanted.as_store_filter())
        for phase in PHASES:
            if phase in phases:
                first, count = windows[phase]
                where = wanted.as_store_filter()._replace(phase=phase)
                first = max(0, min(first, counts[phase] - count))
                pages[phase] = (first, reader.action_page(where, first, count, counts[phase]))
    if few is not None:
        matched = frozenset(action_id for ids in few.values() for action_id in ids)
    elif pages and wanted.text:
        matched = None  # read again, and many: not known one by one
    return Reloaded(last, counts, pages, sparklines, today, matched)


def window_around(
    reader: Store,
    wanted: BoardFilter,
    windows: dict[Phase, tuple[int, int]],
    action_id: int,
    *,
    moved: bool = False,
    few: dict[str, list[int]] | None = None,
) -> dict[Phase, tuple[int, int]]:
    """The window of ``action_id``'s column that puts it mid-screen; none when it is gone
    (or hidden by the filter), or, ``moved``, when the window read already holds it.
    ``few``: the filter's matches, each column's in board order (``Store.few_matches``)."""
    try:
        action = reader.get_action(action_id)
    except PdcaError:
        return {}
    where = wanted.as_store_filter()
    if few is not None:
        try:
            position = few[action.phase].index(action_id)
        except ValueError:  # not a match (handed to someone else under an owner filter)
            return {}
    elif not reader.matches(where, action_id):  # handed to someone else under an owner filter
        return {}
    else:
        position = reader.position_of(where, action)
    first, shown = windows[action.phase]
    if moved and first <= position < first + shown:
        return {}
    return {action.phase: (max(0, position - shown // 2), shown)}


class BoardScreen(Screen[None]):
    """Plan | Do | Check | Act, driven from the keyboard."""

    BINDINGS = [
        Binding("left,h", "focus_column(-1)", "Left", show=False, id="board-left"),
        Binding("right,l", "focus_column(1)", "Right", show=False, id="board-right"),
        # Textual's own focus keys, named: they moved between columns, round from Act to
        # Plan, and neither ? nor the README said so (a power user). ? says them on Right's
        # and Left's rows.
        Binding("tab", "app.focus_next", "Right", show=False, id="board-next-column"),
        Binding("shift+tab", "app.focus_previous", "Left", show=False, id="board-previous-column"),
        Binding("greater_than_sign,shift+right", "move_next", "Next phase", id="board-next"),
        Binding("less_than_sign,shift+left", "move_back", "Back", id="board-back"),
        Binding("n", "new_action", "New", id="board-new"),
        Binding("e", "edit_action", "Edit", id="board-edit"),
        # As in Linear: a gives the card to someone, in the edit form's owner field (a lead
        # from Linear pressed a and nothing happened).
        Binding("a", "assign", "Assign", show=False, id="board-assign"),
        # Undo before check-in and done: at 80 columns the footer ends at the fourth key
        # after Back, and a new user found no u but through ? (a tester).
        Binding("u", "undo", "Undo", id="board-undo"),
        Binding("enter", "open_action", "Open", show=False, id="board-open"),
        Binding("c", "check_in", "Check-in", id="board-checkin"),
        Binding("d", "done", "Done", id="board-done"),
        Binding("slash", "filter_text", "Filter", id="board-filter-text"),
        # As in Linear: # starts an action's number (/ then #N); the digits typed after it
        # switched views (a trial typed #82736 on the board).
        Binding("number_sign", "find_number", "Find #N", show=False, id="board-find-number"),
        Binding("o", "filter_owner", "Owner", id="board-filter-owner"),
        Binding("i", "filter_initiative", "Initiative", id="board-filter-initiative"),
        Binding("p", "filter_priority", "Priority", show=False, id="board-filter-priority"),
        Binding("D", "toggle_done", "Show done", show=False, id="board-toggle-done"),
        # What is late, on the board as `pdca list --overdue` has it (a lead's trial).
        Binding("L", "toggle_late", "Late only", show=False, id="board-filter-late"),
        Binding("escape", "clear_filters", "Clear filter", show=False, id="board-clear"),
        Binding("z", "toggle_compact", "Compact", show=False, id="board-compact"),
    ]

    DEFAULT_CSS = """
    BoardScreen #lanes { height: 1fr; }
    BoardScreen .lane { width: 1fr; min-width: 15; }
    /* Too narrow for four lanes: one lane at a time, the whole width, never a sliver of the
       next one (a tester's 60 columns showed one lane and scraps of Do). */
    BoardScreen #lanes.-one-lane > .lane { width: 100%; }
    BoardScreen .lane-header {
        width: 1fr;
        height: 1;
        padding: 0 1;
        text-style: bold;
        background: $panel;
        color: $text-muted;
    }
    /* A class the board sets, not :focus-within: Textual did not restyle the header of the
       lane focus left, and Plan's stayed lit wherever focus went (a trial). */
    BoardScreen .lane-header.-focused { background: $primary 40%; color: $text; }
    BoardScreen #read-only {  /* $panel: an ANSI theme's $warning, unblended, hid the text */
        height: auto; max-height: 4; background: $panel; color: $text-warning; text-style: bold;
        padding: 0 1;
    }
    BoardScreen #filter-bar { height: auto; max-height: 3; padding: 0 1; background: $accent 20%; }
    BoardScreen #text-filter { dock: bottom; height: 3; display: none; }
    BoardScreen #text-filter.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = BoardFilter()
        self.filter_shown = self.filter  # the filter of the cards on screen
        self.one_lane = False  # too narrow for four lanes: one at a time (on_resize)
        # A change from before the board opened that u asked about: the next u takes it back.
        self.undo_asked: tuple[int, float] | None = None  # (its change, when asked)
        self.last_column: PhaseColumn | None = None  # focused last (the text box may be now)
        self.focused_id: int | None = None
        self.pending_around: int | None = None  # a jump's action, until a read shows it
        self._headers_said: dict[str, str] = {}  # each lane's header as last drawn
        self._typed_read: Worker[None] | None = None  # the read of the text filter typed
        self.flow_focus: int | None = None  # the focused card when the latest flow began
        self.cursor_change: CursorChange | None = None  # by someone's write, a moment ago
        self.refreshed_from: Place | None = None  # under the cursor as a refresh lost it
        self._done_matched: tuple[BoardFilter, bool] | None = None  # (filter, done ones match)
        self.columns: dict[str, PhaseColumn] = {}
        self.headers: dict[str, Label] = {}
        self.changes_shown = 0  # the app's ``changes_seen`` when the board was last read
        self.outside_shown = 0  # and its ``outside_changes_seen`` when it was read whole
        self.seen_event = 0  # the newest event the columns on screen have taken in
        # The text filter's matches as last read, when few: a colleague's write to none of
        # them is not read again (``read_changes``)
        self.text_matched: frozenset[int] | None = None
        # Bumped by every ``place``: a reload whose read began before the latest one would
        # put back what the write just changed, so it is read again instead.
        self.placed = 0
        self.compact = False  # two lines a card (``z``), remembered per person by the app
        # Check-ins typed but not written (refused, or a lock held too long), by action: the
        # next check-in form on that card opens with them (screens/board_checkin.py).
        self.unsent_checkins: dict[int, CheckinResult] = {}
        # Likewise an edit (by action) and a new action: kept when the refusal came after the
        # person had moved on, to be opened again by their e or n (screens/board_writes.py).
        self.unsent_edits: dict[int, EditAgain] = {}
        self.unsent_new: ActionFormResult | None = None
        # Actions a flow of this board is changing (its write may wait seconds for a lock):
        # counted by the flows themselves (``changes_a_card``), however they were started.
        self.changing: Counter[int] = Counter()
        # Cards whose detail is open over the board: the person is on the card, and a
        # colleague's move of it takes the cursor along (the detail's e came back to it).
        self.viewing: Counter[int] = Counter()
        # Cards a check-in form is open on: their leaving (done meanwhile) is said by its save
        # or, left with esc, as it closes; said by the refresh too, it was said twice (a review).
        self.checking_in: Counter[int] = Counter()
        self.told_done: set[int] = set()  # cards whose finish one of those said already
        # Cards this board's own u just took away or moved: their leaving is no one else's
        # change, neither said "meanwhile" nor a reason to refuse the next key (a reviewer).
        self.left_by_me: set[int] = set()
        # The card a refresh lost under the cursor, to say why once it is read around: not
        # one a form or detail is open on (its flow says what became of it, more exactly)
        self.left_unsaid: int | None = None
        # New actions and check-ins (by action) whose save is on its way: a second one
        # typed meanwhile, refused too, took the place of the first one kept, lost without
        # a word (a tester). Refused at the key instead, as a second edit is.
        self.saving_new = 0
        self.saving_checkins: Counter[int] = Counter()
        # Actions a form's save found gone and said so (by whom): not said again by the detail.
        self.gone_said: set[int] = set()

    def kept_words(self) -> list[str]:
        """What is kept of refused saves, in words (the app says them at quit): an edit's
        values whole, as that line is all that is left of it then (a reviewer)."""
        from pdca.screens.board_checkin import checkin_words
        from pdca.screens.board_new import new_words
        from pdca.screens.edit_flow import changes_between, edit_words

        words = [checkin_words(i, result) for i, result in self.unsent_checkins.items()]
        words += [
            edit_words(i, changes_between(kept.base, kept.form), cut=None)
            + (f", then the move to {kept.then_move.capitalize()}" if kept.then_move else "")
            for i, kept in self.unsent_edits.items()
        ]
        kept_new = self.unsent_new
        return words + ([new_words(kept_new, cut=None)] if kept_new is not None else [])

    @property
    def context(self) -> AppContext:
        return context_of(self.app)

    @property
    def store(self) -> Store:
        return self.context.store

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        self.compact = isinstance(self.app, RemembersCompact) and self.app.compact_cards
        yield StatusBar()
        # Read-only, or a -wal or -shm this user cannot write: every save would be refused
        # after the form was typed (a tester). Said at open, and kept true as modes change.
        yield write_banner_widget(self.store)
        yield Static(id="filter-bar")
        with Lanes(id="lanes"):
            for phase in PHASES:
                with Vertical(classes="lane", id=f"lane-{phase}"):
                    header = Label(phase.capitalize(), classes="lane-header")
                    self.headers[phase] = header
                    yield header
                    column = PhaseColumn(phase, id=f"column-{phase}")
                    column.set_compact(self.compact)
                    self.columns[phase] = column
                    yield column
                yield LaneDivider()

    def on_mount(self) -> None:
        self.context.kept_by_board = self.kept_words
        self.query_one("#filter-bar").display = False
        # First paint from one screenful per phase, read off the board's index: a board of
        # 100 000 actions opens as fast as an empty one. Columns read further pages as they
        # scroll (PhaseColumn.source); nothing reads the whole board.
        self.changes_shown = services(self.app).changes_seen
        self.seen_event = self.store.last_event_id()
        wanted = self.filter.as_store_filter()
        size = first_page_size(
            self.app.size.height, COMPACT_HEIGHT if self.compact else CARD_HEIGHT
        )
        counts = self.store.count_actions(wanted)
        pages = {
            phase: (0, self.store.action_page(wanted._replace(phase=phase), 0, size))
            for phase in PHASES
        }
        linked = sorted({a.kpi_id for _, page in pages.values() for a in page if a.kpi_id})
        self.show_sparklines(read_sparklines(self.store, SPARK_CELLS, linked))
        self.show_pages(pages, counts, self.context.today(), None)
        first = next((c for c in self.columns.values() if c.total), self.columns["plan"])
        first.focus()
        self.focused_id = first.current.id if first.current else None
        # The footer's keys (a widget each) follow the cards' first paint by a frame.
        footer_after_first_paint(self)
        self.call_after_refresh(self._all_sparklines)

    # ------------------------------------------------------------------ showing data

    def _source(self, phase: Phase, wanted: BoardFilter) -> PageSource:
        """How column ``phase`` reads the cards it scrolls to: a page off the index."""

        def read(offset: int, count: int) -> list[Action]:
            where = wanted.as_store_filter()._replace(phase=phase)
            return self.store.action_page(where, offset, count, self.columns[phase].total)

        return read

    def show_pages(
        self,
        pages: dict[Phase, tuple[int, list[Action]]],
        counts: dict[str, int],
        today: date,
        keep_id: int | None,
    ) -> bool:
        """Columns ``pages`` show their cards (start, cards) of ``counts`` each; the others
        stay as they are. False when ``keep_id`` is given and is no longer on the board."""
        for phase, (start, cards) in pages.items():
            column = self.columns[phase]
            column.source = self._source(phase, self.filter)
            keep = keep_id if column is self.focused_column or keep_id is None else None
            column.show(cards, today, keep, total=counts[phase], start=start)
        self._show_counts()
        kept = keep_id is None or self.focus_action(keep_id)
        self._show_filter_bar()
        return kept

    def show_empty_hint(self) -> None:
        """An empty Plan with nothing filtered away says how to add one, by the person's own
        key (a new lead's board said "no actions" four times, the key only in the footer);
        none on a file this person may not write."""
        plan = self.columns.get("plan")
        if plan is None:
            return
        new = services(self.app).key_named("board-new", "n")
        adds = not self.filter.active and self.context.writable
        said = f" no actions: {new} adds one" if adds else " no actions"
        # Drawn again only when it changed and shows: every refresh of the board comes here,
        # and a colleague's write out of sight drew the whole column (a test).
        if said != plan.empty_text:
            plan.empty_text = said
            if not plan.total:
                plan.refresh()

    def _show_filter_bar(self, *, reading: bool = False) -> None:
        """``reading``: the filter just set, its cards on their way. Said at once: on a big
        file under load the cards took a second or two, and the unfiltered board read as the
        pick not taken (a tester picked again)."""
        self.show_empty_hint()
        bar = self.query_one("#filter-bar", Static)
        if reading:
            said = self.filter.describe() if self.filter.shown else Text("every open action")
            said.append("   reading…", style="dim italic")
            bar.display = True
            bar.update(said)
            return
        bar.display = self.filter.shown
        if self.filter.shown:
            empty = self.filter.active and not any(c.total for c in self.columns.values())
            # "#N" only: a bare number is searched in the titles too ("2026"), where done ones
            # may hold it, and D would show them (a reviewer).
            typed = (self.filter.text or "").strip()
            named = record_id(typed) if empty and typed.startswith("#") else None
            held = None if named is None else self.store.row("action", named)
            hidden = None
            if held is not None:  # on file: hidden as done, or by the other filters
                hidden = HiddenCard(held["id"], held["owner"], held["phase"], bool(held["done_at"]))
                named = None
            removed = named is not None and self.store.why_gone("action", named) is not None
            done_match = not (empty and hidden is None and named is None) or (
                self.filter.include_done or self.filter.late or self._done_match(self.filter)
            )
            keys = (
                services(self.app).key_named("board-clear", "esc"),
                services(self.app).key_named("board-toggle-done", "D"),
            )
            bar.update(
                self.filter.describe(
                    empty,
                    no_such_id=named,
                    removed=removed,
                    hidden=hidden,
                    keys=keys,
                    done_match=done_match,
                )
            )

    def _done_match(self, wanted: BoardFilter) -> bool:
        """Whether a done action matches ``wanted``: asked once a filter (a text filter that
        matches nothing reads every done row, on the UI thread: not at each refresh)."""
        if self._done_matched is None or self._done_matched[0] != wanted:
            where = wanted.as_store_filter()._replace(include_done=True)
            self._done_matched = (wanted, self.store.any_action(where))
        return self._done_matched[1]

    def _show_counts(self) -> None:
        # One lane at a time (under 64 columns): which of the four, and the keys to the
        # others; "Plan  15" alone gave no sign there were more (a tester).
        heads = {p: f"{p.capitalize()}  {c.total}" for p, c in self.columns.items()}
        # In one lane, ‹ and › in the same place in every lane: after "Plan 8" and "Do 7" they
        # moved, and a second click on › landed on h and went back (a terminal trial).
        width = max(map(len, heads.values())) if self.one_lane else 0
        for number, phase in enumerate(self.columns, start=1):
            where = f"   ‹ {number} of {len(self.columns)} › h l" if self.one_lane else ""
            # A header is one line of its lane's width whatever it says: no layout of the
            # whole screen for a count (it was most of a move's repaint at 100k actions).
            said = f"{heads[phase].ljust(width)}{where}"
            if self._headers_said.get(phase) != said:  # the same again: no repaint (SSH)
                self._headers_said[phase] = said
                self.headers[phase].update(said, layout=False)

    def show_sparklines(self, sparklines: dict[int, list[float | None]]) -> None:
        """Cards linked to a KPI draw its recent readings (one query for every KPI)."""
        for column in self.columns.values():
            column.show_sparklines(sparklines)

    def focus_action(self, action_id: int) -> bool:
        """Put focus on ``action_id`` wherever it is now; False when it is not on the board."""
        for column in self.columns.values():
            index = column.index_of(action_id)
            if index is not None:
                if index != column.cursor or not column.row_shown(index):
                    column.set_cursor(index)  # the same place again: no repaint (SSH)
                if self.focused_column is not column and self._board_has_focus():
                    column.focus()
                return True
        return False

    def under_cursor(self) -> Place | None:
        """The focused action and its phase (focus itself moves to its column later)."""
        if self.focused_id is None:
            return None
        for column in self.columns.values():
            index = column.index_of(self.focused_id)
            if index is not None:
                return under_cursor(column.card(index))
        return None

    def _board_has_focus(self) -> bool:
        return self.focused is None or isinstance(self.focused, PhaseColumn)

    @property
    def focused_column(self) -> PhaseColumn | None:
        focused = self.focused
        return focused if isinstance(focused, PhaseColumn) else None

    @property
    def current(self) -> Action | None:
        column = self.focused_column
        return column.current if column else None

    def reload(
        self, *, everything: bool = True, around: int | None = None, sparklines: bool = True
    ) -> Worker[None]:
        """Read the columns again in a worker thread, the cards on screen only; focus stays
        on the same action. ``everything`` False: only what the event log says changed since
        the board last looked (another person's write), and nothing when nothing it shows
        did. ``around``: that action's column reads where it is (until a read has shown it:
        a reload for someone's change, started meanwhile, must not lose the jump)."""
        self.changes_shown = services(self.app).changes_seen
        if everything:
            self.outside_shown = services(self.app).outside_changes_seen
        if around is not None:
            self.pending_around = around
        windows = {phase: column.visible_range() for phase, column in self.columns.items()}
        jumping = self.pending_around is not None
        # A filter whose cards are not on screen yet: its read may be the one this replaces
        # (one board read at a time), so this one reads every column, not only what changed.
        filtering = self.filter != self.filter_shown
        since = None if everything or jumping or filtering else self.seen_event
        # Someone's change, or a read this replaces (it may be for one): readings too. Looked
        # for only when a new filter would leave them out: refreshes come every half second.
        sparklines = sparklines or not everything or self._reading()
        return self._reload(
            self.filter,
            self.placed,
            windows,
            since,
            self.pending_around,
            self.focused_id,
            sparklines=sparklines,
            matched=self.text_matched if since is not None else None,
        )

    def _reading(self) -> bool:
        """A read of the columns is on its way (the next replaces it: one at a time)."""
        return any(
            w.group == "board-reload" and w.node is self and not w.is_finished
            for w in self.app.workers
        )

    def on_screen_resume(self) -> None:
        """Back from another view or a dialog: catch up with what changed meanwhile."""
        services(self.app).refresh_status()
        point_the_terminal_cursor_of(self)
        if self.is_mounted and self.changes_shown != services(self.app).changes_seen:
            # another tool's write seen meanwhile: no event says what it changed
            outside = self.outside_shown != services(self.app).outside_changes_seen
            self.reload(everything=self._day_turned() or outside)

    @work(thread=True, exclusive=True, group="board-sparklines")
    def _all_sparklines(self) -> None:
        """Every KPI's sparkline, after the first paint: cards scrolled to later draw theirs."""
        try:
            reader = self.context.open_reader()
            try:
                sparklines = read_sparklines(reader, SPARK_CELLS)
            finally:
                reader.close()
        except DatabaseBroken:
            raise  # the app stops on it
        except PdcaError:
            return  # the cards keep what they have; the next refresh tries again
        land(self, self.show_sparklines, sparklines)

    @work(thread=True, exclusive=True, group="board-reload")
    def _reload(
        self,
        wanted: BoardFilter,
        placed: int,
        windows: dict[Phase, tuple[int, int]],
        since: int | None,
        around: int | None = None,
        follow: int | None = None,
        *,
        sparklines: bool = True,
        matched: frozenset[int] | None = None,
    ) -> None:
        try:
            reader = self.context.open_reader()
            try:
                today = self.context.today()
                # One read transaction, one moment of the file: where the focused card is and
                # the page around it, read apart, let a colleague's add between them push it
                # out of the page (a tester, on the huge file: focus left the card by itself).
                with reader.reading():
                    read = read_changes(
                        reader,
                        wanted,
                        windows,
                        since,
                        today,
                        around,
                        follow,
                        with_sparklines=sparklines,
                        matched=matched,
                    )
            finally:
                reader.close()
        except DatabaseBroken:
            raise  # the app stops on it
        except PdcaError as error:
            land(self, self._reload_failed, wanted, str(error))
            return
        land(self, self._apply_reload, wanted, placed, read, around, (windows, since))

    def _moved_on(
        self, windows: dict[Phase, tuple[int, int]], pages: dict[Phase, tuple[int, list[Action]]]
    ) -> bool:
        """A column the read has cards for was scrolled (a page key, the wheel) since the read
        of ``windows`` began. Its height may have changed (the filter bar shown): that is
        the same place. Another column's scroll keeps this read (a reviewer: held page keys
        put off every other column's changes)."""
        return any(
            self.columns[phase].visible_range()[0] != windows[phase][0]
            for phase in pages
            if phase in windows
        )

    def _stay_in_lane(self, lane: PhaseColumn) -> bool:
        """The focused card moved to another phase by someone else leaves the person in the
        column (or the one lane) they were in, on the card that took its place, told where
        it went. One lane: the whole screen turned to its new lane without a word, and the
        next j or > acted there (a tester); four columns: the cursor went along to Act, and
        > there asked ben to finish ann's card (a quality lead). A column left empty is no
        place for keys: there the cursor goes along with the card, as before. Whether it
        stayed (the cursor is on a card it may rest on)."""
        card = self.focused_id
        if card is None or lane.index_of(card) is not None:
            return False
        if card in self.changing or card in self.viewing:
            # A form open on it over the board: the person is still on the card, and their
            # save asks about the move (``moved_on``), as it should. Any other dialog (n's
            # form, the palette) is no reason to go along (a reviewer: > after esc then asked
            # to finish a colleague's card).
            return False
        phases = list(self.columns)
        moved_to = next((p for p, c in self.columns.items() if c.index_of(card) is not None), None)
        if moved_to is None:
            # Not among the cards read (a long column's window: on a big file, most moves):
            # where it is now, a small read by its id.
            try:
                row = self.store.row("action", card)
            except PdcaError:
                return False  # read around it, as before, which says what it can
            if row is None or row["done_at"] is not None or row["phase"] == lane.phase:
                return False
            moved_to = row["phase"]
        if not self.one_lane and lane.current is None:
            return False
        lane.focus()  # after the focus that followed the card (focus() runs later): it wins
        self.focused_id = lane.current.id if lane.current else None
        went = f"#{card} moved to {moved_to.capitalize()} meanwhile"
        if self.one_lane:
            said = services(self.app).key_named  # as the person's keymap names them
            right = phases.index(moved_to) > phases.index(lane.phase)
            key = said("board-right", "l") if right else said("board-left", "h")
            self.notify(f"{went} ({key} shows it)")
        else:
            self.notify(f"{went}; the cursor stays in {lane.phase.capitalize()}")
        return True

    def _say_kept_edits_of_cards_gone(self) -> None:
        """A kept edit whose card went since (an undo of its add, a colleague's): said, as
        an open form's is, and printed at quit as not saved because its action was gone; it
        stayed "✎ 1 not saved" with nothing said of the card, and quit called it kept after
        a refused save (a retrial). One indexed read per kept edit, only while any is kept."""
        from pdca.screens.edit_flow import changes_between, say_gone

        for card, kept in list(self.unsent_edits.items()):
            try:
                gone = self.store.row("action", card) is None
            except PdcaError:
                return  # not known now: the next refresh looks again
            if gone:
                del self.unsent_edits[card]
                say_gone(self, card, changes_between(kept.base, kept.form))
                services(self.app).refresh_status()

    def _say_why_it_left(self, card: int | None) -> None:
        """The card under the cursor left the board by someone's write (finished, or no
        longer matching the filter, or taken away): said, as a move to another phase is.
        Another card took its place without a word (a team's morning on one board)."""
        if card is None or card in self.unsent_edits:
            return  # an edit of it kept: its note said why and how to reach it, more exactly
        if card in self.told_done:  # its check-in's refusal said who finished it
            self.told_done.discard(card)
            return
        try:
            row = self.store.row("action", card)
            gone = self.store.why_gone("action", card) if row is None else None
            # deleted with sqlite3: its last logged change took nothing ("is gone meanwhile
            # by hugo: added #7753" named who made it, a trial)
            unlogged = gone is not None and self.store.gone_unlogged("action", card)
        except PdcaError:
            return
        if row is None and unlogged:
            self.notify(f"#{card} is gone meanwhile (deleted outside pdca, with no change logged)")
        elif row is None:
            # A restore is said by the app, whole (``restored from …``): not card by card
            if gone is not None and not (gone.what or "").startswith("restored from "):
                by = f" by {gone.by}" if gone.by else ""
                self.notify(literal(f"#{card} is gone meanwhile{by}: {gone.what}"))
        elif row["done_at"] is not None and not self.filter.include_done:
            said = done_meanwhile_words(self.store, card, row)  # by whom (a team's trial)
            self.notify(literal(f"{said}; {self.shows_done_cards()}"))
        elif self.filter.active:
            self.notify(f"#{card} changed meanwhile and no longer matches the filter")

    def shows_done_cards(self) -> str:
        """``D shows done cards``, with the person's own key."""
        return f"{services(self.app).key_named('board-toggle-done', 'D')} shows done cards"

    def _reload_failed(self, wanted: BoardFilter, said: str) -> None:
        """A read that failed (the file busy past the wait): said. Its filter is not on the
        cards, so the one they show is put back and said; "reading…" stayed for good over
        them (a reviewer)."""
        self.notify(said, severity="error")
        if wanted == self.filter and wanted != self.filter_shown:
            self.filter = self.filter_shown
            self._show_filter_bar()

    def _apply_reload(
        self,
        wanted: BoardFilter,
        placed: int,
        read: Reloaded,
        around: int | None = None,
        asked: tuple[dict[Phase, tuple[int, int]], int | None] | None = None,
    ) -> None:
        """Show what ``_reload`` read; ``asked``: the windows it read, and the event it read
        from (None: everything)."""
        if wanted != self.filter:
            return  # the filter changed while reading; a newer reload is on its way
        if placed != self.placed:
            self.reload()  # read before this session's latest write: read again
            return
        if around is None and asked is not None and self._moved_on(asked[0], read.pages):
            # The person moved on while it read (a page key as a colleague wrote): its cards
            # are of where they were, and shown, the cursor fell back to them, then the read
            # around it centred the card: pages skipped cards (a trial at 100 000 actions).
            # Read again for where they are now.
            self.reload(everything=asked[1] is None)
            return
        self.seen_event = read.last_event  # lower only when the log was emptied and refilled
        if self.unsent_edits:
            self._say_kept_edits_of_cards_gone()
        self.text_matched = read.matched if wanted.text else None
        since_filter_changed, self.filter_shown = wanted != self.filter_shown, wanted
        if read.sparklines is not None:
            self.show_sparklines(read.sparklines)
        if read.pages:
            was_under_cursor = self.under_cursor()
            mine = was_under_cursor is not None and was_under_cursor[0] in self.left_by_me
            if around is None:  # a refresh of its own: a place lost before is not waited for
                self.refreshed_from = None
            # Focus stays where the person has it now, not where it was when the read began.
            # A read around a card lands on that card, not on whichever the cursor fell on
            # meanwhile (the card that took its place: a reviewer's cursor stayed on it, off
            # screen, with the column centred on the card it was meant to land on).
            focus = around if around is not None else self.focused_id
            lane = self.focused_column if around is None else None
            kept = self.show_pages(read.pages, read.counts, read.today, focus)
            if lane is not None and not since_filter_changed and not mine:
                kept = self._stay_in_lane(lane) or kept
            if around is not None and kept:
                self.left_unsaid = None  # found where it is: nothing to say
            if not kept and around is None and not since_filter_changed:
                # Not in what was read (pushed out since the read began): read where it is,
                # rather than leave focus on the card that took its place, which the next
                # key would act on.
                # gone, maybe: said when that is read (unless this board's own u took it)
                self.refreshed_from = None if mine else was_under_cursor
                card = None if mine or was_under_cursor is None else was_under_cursor[0]
                on_it = (
                    card in self.changing
                    or card in self.viewing
                    or card in self.unsent_edits
                    or card in self.checking_in
                )
                self.left_unsaid = None if on_it else card
                self.reload(everything=False, around=focus)
            elif not kept:
                if around is not None and self.left_unsaid == around:
                    self._say_why_it_left(around)  # the card a refresh lost under the cursor
                self.left_unsaid = None
                # Gone, or filtered out: focus is the card the cursor is on now. Left naming
                # the gone card, every later refresh read again around it (a reviewer).
                # Its column emptied (an undo of an import took the only card in Do): focus
                # stayed there, no card lit, and j, k, g did nothing to see (a trial). Keys
                # never land on an empty column; nor does this.
                emptied = self.focused_column
                self._leave_an_empty_column()
                column = self.focused_column
                self.focused_id = column.current.id if column and column.current else None
                went_elsewhere = emptied is not None and column not in (None, emptied)
                if went_elsewhere and self.focused_id and not since_filter_changed:
                    # Said: after the note of the card that left, e and words edited the card
                    # the cursor had gone to, in another column, unseen (a retrial).
                    assert emptied is not None and column is not None
                    left = "matching the filter" if self.filter.active else "left"
                    self.notify(
                        f"{emptied.phase.capitalize()} has no card {left}: the cursor is on"
                        f" #{self.focused_id} in {column.phase.capitalize()}"
                    )
            column = self.focused_column
            if since_filter_changed and column is not None and not column.total:
                self._first_with_cards().focus()  # a new filter emptied it: where cards are
            before = was_under_cursor if around is None else None
            if around is not None and self.refreshed_from and self.refreshed_from[0] == around:
                # The read again around a card someone's write took away: another card took
                # its place, and > on it at once moved that one (a retrial).
                before, self.refreshed_from = self.refreshed_from, None
            if before is not None and not since_filter_changed and not mine:
                moved = changed_under_cursor(
                    before, self.under_cursor(), time.monotonic(), unseen=not self.is_active
                )
                self.cursor_change = moved or self.cursor_change
        if around is not None and around == self.pending_around:
            self.pending_around = None
            for column in self.columns.values():
                index = column.index_of(around)
                if index is not None:
                    column.center_row(index)
                    # Again once the column has its new height: cards the read added (done
                    # ones shown) are not yet in the scrollable size the first try was held to;
                    # and once more a moment later, for the layout of a screen switched to
                    # (in a terminal it put the column back at its top after both).
                    self.call_after_refresh(column.center_row, index)
                    self.set_timer(JUMP_SETTLE_SECONDS, partial(self._land_jump, column, around))

    def _land_jump(self, column: PhaseColumn, action_id: int) -> None:
        """The jump's card mid-column, if it is still the one focused and is off screen."""
        index = column.index_of(action_id)
        if index is None or self.focused_id != action_id or column.row_shown(index):
            return
        column.center_row(index)

    def on_database_changed(self, message: DatabaseChanged | None = None) -> None:
        """Called by the app when someone (anyone) changed the file: what they changed; or
        when the day turned, or another tool wrote (no event says what): every card on
        screen, its marks counted from the new day."""
        outside = message is not None and message.outside
        self.reload(everything=self._day_turned() or outside)

    def _day_turned(self) -> bool:
        """The columns show another day than today's (midnight came while they were up)."""
        today = self.context.today()
        return any(column.today != today for column in self.columns.values())

    @on(PhaseColumn.Highlighted)
    def remember_focus(self, message: PhaseColumn.Highlighted) -> None:
        if message.column is self.focused_column and message.action_id is not None:
            self.focused_id = message.action_id

    def on_descendant_focus(self) -> None:
        column = self.focused_column
        if column is not None:
            self.last_column = column
            self._show_focused_lane(column)
        for phase, header in self.headers.items():  # the focused column's header lit
            header.set_class(column is not None and phase == column.phase, "-focused")
        if column is not None and column.current is not None:
            self.focused_id = column.current.id

    def _show_focused_lane(self, column: PhaseColumn, tries: int = LANE_SHOW_TRIES) -> None:
        """Too narrow for four lanes (under 64 columns), the lanes overflow to the right:
        the focused one is scrolled to the left edge, so a person sees the card they act on,
        and no sliver of its neighbour."""
        lane = column.parent
        lanes = self.query_one("#lanes")
        if isinstance(lane, Widget) and lanes.max_scroll_x:
            lanes.scroll_to(x=lane.virtual_region.x, animate=False, force=True)
            if self.one_lane and tries > 0:
                self.call_after_refresh(self._lane_landed, column, tries)

    def _lane_landed(self, column: PhaseColumn, tries: int) -> None:
        """Made narrow, the scroll was now and then taken from the layout before it (the
        lanes of 120 columns), and stayed between Do and Check (a loaded CI run): once drawn,
        the focused lane must fill the lanes, or it is scrolled to again, a few times."""
        lane, lanes = column.parent, self.query_one("#lanes")
        if not self.one_lane or column is not self.focused_column or not isinstance(lane, Widget):
            return  # four lanes again, or focus moved on: its own move shows its lane
        if (lane.region.x, lane.region.width) != (lanes.region.x, lanes.region.width):
            self._show_focused_lane(column, tries - 1)

    @on(Lanes.Resized)
    def _lanes_resized(self, message: Lanes.Resized) -> None:
        """Made narrow with focus on a right-hand lane, the board showed Plan and no focus
        at all (a tester): the focused lane is brought into view once laid out again. The
        lanes' width, not the screen's: the keys panel takes half of 120 columns."""
        one_lane = message.width < FOUR_LANES_WIDTH
        if one_lane != self.one_lane:  # the counts are drawn at every move: no query there
            self.one_lane = one_lane
            self.query_one("#lanes").set_class(one_lane, "-one-lane")
            self._show_counts()
        column = self.focused_column or self.last_column
        if column is not None:
            self.call_after_refresh(self._show_focused_lane, column)

    @on(PhaseColumn.Selected)
    def open_clicked(self, message: PhaseColumn.Selected) -> None:
        self.focused_id = message.action_id
        self.action_open_action()

    # ------------------------------------------------------------------ moving focus

    def on_click(self, event: events.Click) -> None:
        """One lane at a time: its header's ‹ and › go to the lane before and after, as h and
        l do (a mouse user clicked them, and nothing happened)."""
        if not self.one_lane:
            return
        for phase, header in self.headers.items():
            said = self._headers_said.get(phase, "")
            if event.widget is header and "‹" in said:
                x = event.x - header.styles.padding.left
                hint = said.rindex("h l")  # the keys said after them are clicked too
                if abs(x - said.index("‹")) <= 1 or x == hint:
                    self.action_focus_column(-1)
                elif abs(x - said.index("›")) <= 1 or x == hint + 2:
                    self.action_focus_column(1)

    def action_focus_column(self, step: int) -> None:
        phases: list[str] = list(PHASES)
        column = self.focused_column
        start = phases.index(column.phase) if column else 0
        index = start + step
        while 0 <= index < len(phases):
            target = self.columns[phases[index]]
            if target.total:
                if column is not None and column.total:
                    # Land on the card at the same height on screen.
                    visible_row = column.cursor - int(column.scroll_y) // column.card_height
                    target.set_cursor(int(target.scroll_y) // target.card_height + visible_row)
                # At once, not ``target.focus()`` (which waits for a callback): keys typed
                # quickly (``l l l``) were each read from the column focus had not left yet.
                self.set_focus(target)
                return
            index += step
        if column is not None and 0 <= start + step < len(phases):
            # Nothing happened and nothing said so (a tester pressed l at an empty Act).
            beyond = phases[start + 1 :] if step > 0 else phases[:start]
            passed = [phase.capitalize() for phase in beyond]
            named = " and ".join([", ".join(passed[:-1]), passed[-1]] if passed[:-1] else passed)
            self.notify(
                f"no cards {'to the right' if step > 0 else 'to the left'}:"
                f" {named} {'is' if len(passed) == 1 else 'are'} empty"
            )

    # ------------------------------------------------------------------ keys that start flows
    # Each flow is a module of its own (screens/board_*.py, screens/edit_flow.py): it asks
    # what it needs in dialogs, writes through the store and shows the result with ``place``.

    def start(self, flow: Callable[..., Awaitable[None]], *args: Any, dialogs: bool = True) -> None:
        """Run ``flow(self, *args)`` in a worker, beside any other: one started while an
        earlier one waits on its write (another process's lock) must not cancel the rest of
        that one (a move whose due date was saved, the move itself then lost). A flow that
        shows a dialog takes the keys, so two never ask at once."""
        self.flow_focus = self.focused_id  # place() follows the card unless focus moves on
        worker = self.run_worker(
            partial(flow, self, *args),
            name=flow.__name__,
            group="flow" if dialogs else "write",
        )
        # Keys typed meanwhile are for its dialog, or for the board as the write leaves it:
        # "u >" or "< <" typed together judged the second key on the card as it was, and
        # refused it ("still being saved", "changed since you looked": a retrial). They wait
        # for the write (at most a couple of seconds: typeahead.LONGEST_HOLD_SECONDS).
        services(self.app).hold_keys(until=worker)

    def action_new_action(self) -> None:
        if not self.writable(text_follows=True):
            return
        if self.saving_new:
            self.notify(
                f"your last new action is still being saved;"
                f" {services(self.app).key_named('board-new', 'n')} again once it is",
                severity="warning",
            )
            services(self.app).drop_typed_text()
            return
        self.start(new_flow)

    def action_edit_action(self, start_on: str | None = None) -> None:
        action = self._target(text_follows=True)
        if action is None or not self.writable(text_follows=True):
            return
        if self._pressed_too_soon(action, text_follows=True):
            return
        if self.refuse_if_changing(action):
            services(self.app).drop_typed_text()
        else:
            self.start(edit_flow, action.id, start_on)

    def action_assign(self) -> None:
        self.action_edit_action(start_on="owner")

    def action_open_action(self) -> None:
        action = self._target()
        if action is not None:
            self.start(detail_flow, action.id)

    def refuse_if_changing(self, action: Action) -> bool:
        """A change of mine to this card is still on its way (waiting for another process's
        lock): another made now starts from the card as it was, and came back as a conflict
        with myself, "theirs" being my own first edit (a tester). Said, not started."""
        if action.id not in self.changing:
            return False
        self.notify(
            f"#{action.id}: your last change to it is still being saved; try again once it is",
            severity="warning",
        )
        return True

    def _refuse_if_done(self, action: Action) -> bool:
        """A done action moves no more: said at once, before a dialog asks for a decision that
        is then refused (a tester's ``>`` on a done card)."""
        if action.done_at is None:
            return False
        decision = f" ({action.decision})" if action.decision else ""
        self.notify(
            f"#{action.id} is done{decision}: a done action moves no more", severity="warning"
        )
        return True

    def may_change(self, action: Action | None) -> Action | None:
        """``action`` if a move or done may start on it now (said why not, else)."""
        if action is None or not self.writable() or self._refuse_if_done(action):
            return None
        if self._pressed_too_soon(action) or self.refuse_if_changing(action):
            return None
        return None if self._changed_unshown(action) else action

    def _changed_unshown(self, action: Action) -> bool:
        """Someone's write the board has not shown yet (it does within a second): the key
        was meant for the card as drawn. ``d`` on a card a colleague had just finished asked
        for a decision, then refused it (a retrial). Said now, the card shown as it is, as
        the write would have been refused ("changed since you looked")."""
        try:
            stored = self.store.get_action(action.id)
        except PdcaError:
            return False  # gone: the flow says so, as before
        if stored.version == action.version:
            return False
        since = self.store.changed_since("action", action.id, action.version)
        show_conflict(self, since, "nothing done")
        return True

    def _pressed_too_soon(self, action: Action, *, text_follows: bool = False) -> bool:
        """A key on a card someone's write put under the cursor a moment ago: said, not done
        (screens/cursor_change.py); pressed again, it acts. ``text_follows``: c and e, whose
        text typed with them saved a check-in and an edit on the card that had slid under
        the cursor (a trial): that text is dropped, not run as board keys."""
        change, self.cursor_change = self.cursor_change, None
        if not pressed_too_soon(change, action, time.monotonic()):
            return False
        if text_follows:
            services(self.app).drop_typed_text()
        assert change is not None
        self.notify(
            f"{change.words()}: nothing done; the same key again acts on #{action.id}"
            f" in {action.phase.capitalize()}",
            severity="warning",
        )
        return True

    def action_move_next(self) -> None:
        if (step := self.phase_step(self._target(), forward=True)) is not None:
            flow, args = step
            self.start(flow, *args)

    def action_move_back(self) -> None:
        if (step := self.phase_step(self._target(), forward=False)) is not None:
            flow, args = step
            self.start(flow, *args, dialogs=False)

    def phase_step(
        self, action: Action | None, *, forward: bool
    ) -> tuple[Callable[..., Awaitable[None]], tuple[Any, ...]] | None:
        """The flow that moves ``action`` one phase on (or back) and its arguments: ``>``
        and ``<`` on the board and in the opened action. None, said why, when it may not."""
        action = self.may_change(action)
        if action is None:
            return None
        if forward:
            if action.phase == "act":  # on from Act is done, with a decision
                return complete_flow, (action,)
            target = rules.next_phase(action.phase)
            assert target is not None
            return move_flow, (action, target)
        back = rules.previous_phase(action.phase)
        if back is None:
            self.notify(f"#{action.id} is in Plan, the first phase", severity="warning")
            return None
        return move_back_flow, (action, back)

    def action_check_in(self) -> None:
        action = self._target(text_follows=True)
        let_go_of_kept_on_finished(self, action.id if action is not None else None)
        if action is None or not self.writable(text_follows=True):
            return
        if self._pressed_too_soon(action, text_follows=True):
            return
        if not refuse_checkin_if_done(self, action):
            self.start(checkin_flow, action)

    def action_done(self) -> None:
        action = self.may_change(self._target())
        if action is not None:
            self.start(complete_flow, action)

    def on_key(self, event: events.Key) -> None:
        """A key other than undo's ends a "u again to undo ..." question: j, k and a wait
        later, the next u took back a change from before the board opened without asking
        again (one person in two places)."""
        if self.undo_asked is None:
            return
        live = self.active_bindings.get(event.key)
        if live is None or live.binding.id != "board-undo":
            self.undo_asked = None

    def action_undo(self) -> None:
        if self.writable():
            self.start(undo_flow, dialogs=False)

    def action_stop_repeating(self) -> None:
        """The palette's "Stop repeating": no more repeats of the focused action (those made
        stay); ``u`` undoes it."""
        self._on_repeat_rule(stop_repeating_flow)

    def action_start_repeating(self) -> None:
        """The palette's "Start repeating": the focused action's stopped rule runs again."""
        self._on_repeat_rule(start_repeating_flow)

    def _on_repeat_rule(self, flow: Callable[..., Awaitable[None]]) -> None:
        """``flow`` on the focused action's repeat rule; said when it has none."""
        action = self._target()
        if action is None or not self.writable():
            return
        if action.recurrence_id is None:
            self.notify(f"#{action.id} does not repeat", severity="warning")
            return
        self.start(flow, action.recurrence_id, action.id, dialogs=False)

    def writable(self, *, text_follows: bool = False) -> bool:
        """Whether writes may be tried; said when not. ``text_follows``: the key opens a form
        whose text may be typed with it (n, e, c), which is then not run as board keys."""
        if self.context.writable:
            return True
        self.notify(f"read-only: {self.store.read_only_reason}", severity="warning")
        if text_follows:
            services(self.app).drop_typed_text()
        return False

    def _target(self, *, text_follows: bool = False) -> Action | None:
        action = self.current
        if action is None:
            said = services(self.app).key_named
            hint = (
                f"no card matches the filter: {said('board-clear', 'esc')} clears it"
                if self.filter.active
                else f"no action here: press {said('board-new', 'n')} to add one"
            )
            self.notify(hint, severity="warning")
            if text_follows:  # typed for a form that did not open: not board keys, but
                # the key the hint names
                services(self.app).drop_typed_text("board-clear" if self.filter.active else None)
        return action

    # ------------------------------------------------------------------ what a flow wrote

    def read_action(self, action_id: int) -> Action | None:
        """The action as stored now (a small indexed read), or None with the reason shown."""
        try:
            return self.store.get_action(action_id)
        except PdcaError as error:
            self.notify(str(error), severity="error", timeout=6)
            return None

    def place(self, action: Action) -> None:
        """Show ``action`` as the store just returned it, before any refresh comes back: out
        of the column it was in, into its column's window where its order puts it. Focus
        follows it, unless the person moved on while the flow ran (a save waiting seconds
        for another process's lock): then focus stays where they went."""
        follow = self.flow_focus is None or self.focused_id == self.flow_focus
        self.placed += 1
        where = self.filter.as_store_filter()
        # The counts as stored, not the shown ones plus or minus one: a refresh for someone's
        # change (or this write's) may have counted the card already (Plan said 8 of 7).
        counts = self.store.count_actions(where)
        for phase, column in self.columns.items():
            index = column.index_of(action.id)
            if index is not None:
                kept = [a for a in column.actions if a.id != action.id]
                column.show(kept, column.today, total=counts[phase], start=column.start)
            elif column.total != counts[phase]:
                column.total = counts[phase]
                column.update_virtual_size()
        if action.done_at is None or self.filter.include_done:
            column = self.columns[action.phase]
            position = self.store.position_of(where, action)
            # A screenful around the card (not a whole window): a move repaints at once.
            shown = column.visible_range()[1]
            first = max(0, min(position - shown // 2, column.total - 2 * shown))
            cards = self.store.action_page(
                where._replace(phase=action.phase), first, 2 * shown, column.total
            )
            if any(a.id == action.id for a in cards):
                column.source = self._source(action.phase, self.filter)
                keep = action.id if follow else self.focused_id
                column.show(cards, column.today, keep, total=column.total, start=first)
                if follow:
                    if self._board_has_focus():
                        column.focus()
                    self.focused_id = self.flow_focus = action.id  # a second place follows
            else:
                # Outside the filter: said, not slipped in. A tester's new card was put past
                # its column's end, out of sight, and the focus landed on another card.
                self.notify(f"#{action.id} is not shown: the filter hides it (esc clears it)")
        if self._leave_an_empty_column() and follow:
            self.flow_focus = self.focused_id  # the flow's next card (a new cycle) is followed
        self._show_counts()
        self._show_filter_bar()  # the last match done: "nothing open matches" at once

    def _leave_an_empty_column(self) -> bool:
        """Focus on a column this write emptied (the only card in Do finished, or edited out
        of the filter) goes to the nearest with cards, as for a colleague's write: it stayed,
        and j did nothing, > said no card matches with cards beside it (a reviewer)."""
        column = self.focused_column
        if column is None or column.total:
            return False
        nearest = self._nearest_with_cards(column)
        if nearest is column:
            return False
        self.set_focus(nearest)
        self.focused_id = nearest.current.id if nearest.current else None
        return True

    # ------------------------------------------------------------------ filters

    def set_filter(self, wanted: BoardFilter, *, around: int | None = None) -> None:
        """Each column starts from its first match (the focused card keeps focus when it is
        among the first); kept scrolled, the other columns showed matches from far down.
        ``around``: focus goes to that action, wherever in its column it is."""
        read = self._apply_filter(wanted, around=around)
        # Keys typed with the filter (o heidi enter, then j c) are for its cards: they wait.
        services(self.app).keys_wait_for_rows(read, every_key=True)

    def _apply_filter(self, wanted: BoardFilter, *, around: int | None = None) -> Worker[None]:
        self.filter = wanted
        for column in self.columns.values():
            column.to_top()
        if around is not None:
            self.focused_id = around
        if wanted != self.filter_shown:
            self._show_filter_bar(reading=True)
        # The cards' sparklines are every KPI's already: 46 ms of the read at 100 000 actions.
        return self.reload(around=around, sparklines=False)

    def action_filter_text(self) -> None:
        open_text_box(self)

    def action_find_number(self) -> None:
        open_text_box(self, "#")

    @on(Input.Changed, "#text-filter")
    def filter_as_typed(self, event: Input.Changed) -> None:
        self._filter_after_typing(event.value.strip() or None)

    @work(exclusive=True, group="board-filter-typing")
    async def _filter_after_typing(self, text: str | None) -> None:
        """The columns read again once typing pauses, not at every key: each key waited for
        the read of the one before (5000 keys took 40 s to settle, and a key at 100 000
        actions 300 ms, testers). A key typed meanwhile cancels this and starts its own."""
        await asyncio.sleep(FILTER_TYPING_PAUSE_SECONDS)
        if text != self.filter.text:
            self._typed_read = self._apply_filter(replace(self.filter, text=text))

    @on(Input.Submitted, "#text-filter")
    def keep_text_filter(self, event: Input.Submitted) -> None:
        text = event.value.strip() or None
        self.workers.cancel_group(self, "board-filter-typing")
        read = self._typed_read
        if text != self.filter.text or (read is not None and not read.is_finished):
            # Enter before the pause, or before its read came: the keys after it (j, c) are
            # for the filtered cards, so they wait for them as after o heidi enter.
            self.set_filter(replace(self.filter, text=text))
        close_text_box(self, clear=False)
        self._focus_board()

    def _focus_board(self) -> None:
        """Focus on the card focused before, else the column focused before if it has cards,
        else the first column with cards."""
        column = next(
            (c for c in self.columns.values() if self.focused_id and c.index_of(self.focused_id)),
            None,
        )
        (column or self._first_with_cards()).focus()

    def _nearest_with_cards(self, column: PhaseColumn) -> PhaseColumn:
        """The column with cards nearest ``column``, the one to its left first (``column``
        itself when the board is empty)."""
        phases: list[str] = list(PHASES)
        start = phases.index(column.phase)
        for step in range(1, len(phases)):
            for index in (start - step, start + step):
                if 0 <= index < len(phases) and self.columns[phases[index]].total:
                    return self.columns[phases[index]]
        return column

    def _first_with_cards(self) -> PhaseColumn:
        if self.last_column is not None and self.last_column.total:
            return self.last_column
        return next((c for c in self.columns.values() if c.total), self.columns["plan"])

    def action_filter_owner(self) -> None:
        self.start(pick_flow, "owner")

    def action_filter_initiative(self) -> None:
        self.start(pick_flow, "initiative")

    def action_filter_priority(self) -> None:
        self.start(pick_flow, "priority")

    def action_clear_filters(self) -> None:
        # A filter typed a moment ago and not read yet must not come back after esc (it did,
        # 0.15 s later, a reviewer).
        self.workers.cancel_group(self, "board-filter-typing")
        close_text_box(self, clear=True)
        self._focus_board()
        if self.filter.active:
            # On the card focused under the filter, wherever the whole column has it: the
            # columns started at their tops, the place lost (a tester).
            cleared = BoardFilter(include_done=self.filter.include_done)
            self.set_filter(cleared, around=self.focused_id)

    def action_toggle_compact(self) -> None:
        """Two lines a card or four; the app remembers the choice for this person."""
        self.compact = not self.compact
        for column in self.columns.values():
            column.set_compact(self.compact)
        if isinstance(self.app, RemembersCompact):
            self.app.remember_compact(self.compact)

    def action_toggle_done(self) -> None:
        showing = not self.filter.include_done
        self.set_filter(replace(self.filter, include_done=showing), around=self.focused_id)
        self.notify("showing done actions" if showing else "done actions hidden")

    def action_toggle_late(self) -> None:
        """Only the actions past their due date, with any other filter; again: all of them."""
        self.set_filter(replace(self.filter, late=not self.filter.late), around=self.focused_id)

    # ------------------------------------------------------------------ the palette

    def palette_commands(self) -> list[PaletteEntry]:
        """The command palette's entries: every board key, by name."""
        return [
            PaletteEntry(
                "New action", "Add an action to Plan", self.action_new_action, "board-new"
            ),
            PaletteEntry(
                "Next phase: move on",
                "Plan → Do → Check → Act, asking what each needs",
                self.action_move_next,
                "board-next",
            ),
            PaletteEntry(
                "Back: move to the previous phase",
                "Back one phase",
                self.action_move_back,
                "board-back",
            ),
            PaletteEntry(
                "Edit action", "Edit the focused action", self.action_edit_action, "board-edit"
            ),
            PaletteEntry(
                "Assign: give it to someone",
                "Reassign the focused action: its owner, in its form",
                self.action_assign,
                "board-assign",
            ),
            PaletteEntry(
                "Open action", "Notes, check-ins and history", self.action_open_action, "board-open"
            ),
            PaletteEntry(
                "Check in",
                "Record progress on the focused action",
                self.action_check_in,
                "board-checkin",
            ),
            PaletteEntry(
                "Done",
                "Finish with a decision: standardize, adjust or abandon",
                self.action_done,
                "board-done",
            ),
            PaletteEntry("Undo", "Revert your last change", self.action_undo, "board-undo"),
            PaletteEntry(
                "Search: filter by text",
                "Show actions whose title or notes match",
                self.action_filter_text,
                "board-filter-text",
            ),
            PaletteEntry(  # "find" found nothing, though ? lists "Find #N" (a power user)
                "Find #N: go to an action by its number",
                "The filter box, started with # for the number",
                self.action_find_number,
                "board-find-number",
            ),
            PaletteEntry(
                "Filter by owner",
                "Show one person's actions",
                self.action_filter_owner,
                "board-filter-owner",
            ),
            PaletteEntry(
                "Filter by initiative",
                "Show one initiative's actions",
                self.action_filter_initiative,
                "board-filter-initiative",
            ),
            PaletteEntry(
                "Filter by priority",
                "Show the high, normal or low priority actions",
                self.action_filter_priority,
                "board-filter-priority",
            ),
            PaletteEntry(
                "Clear filters", "Show every open action", self.action_clear_filters, "board-clear"
            ),
            PaletteEntry(
                "Late only",
                "Show only the actions past their due date (again: all of them)",
                self.action_toggle_late,
                "board-filter-late",
            ),
            PaletteEntry(
                "Show or hide done actions",
                "Toggle done actions on the board",
                self.action_toggle_done,
                "board-toggle-done",
            ),
            PaletteEntry(
                "Compact cards",
                "Two lines a card or four, remembered for you",
                self.action_toggle_compact,
                "board-compact",
            ),
            PaletteEntry(
                "Stop repeating",
                "No more repeats of the focused action (pdca recur stop)",
                self.action_stop_repeating,
            ),
            PaletteEntry(
                "Start repeating",
                "The focused action's stopped rule runs again (pdca recur start)",
                self.action_start_repeating,
            ),
        ]
