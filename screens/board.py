"""The board: the team's open actions in four columns, Plan | Do | Check | Act.

The screen decides and the store persists: keys start small flows (ask what a phase gate
needs, then write), every write goes through ``context.store`` and its errors become one
line in a notification. The columns are dumb (widgets/phase_column.py). A move repaints
from the action the store returned, at once; a full reload runs in a worker thread on its
own connection, when anyone (this session included) changed the file.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from pdca.db import kpis, recurrence, rules
from pdca.db.errors import Conflict, DatabaseBroken, GateUnmet, PdcaError
from pdca.db.models import (
    PHASES,
    Action,
    ActionDraft,
    CheckinDraft,
    Phase,
    Priority,
    Verdict,
    validated,
)
from pdca.db.store import PRIORITY_RANKS, ActionFilter, Store
from pdca.screens.context import AppContext, context_of, services
from pdca.screens.edit_flow import EditAgain, form_of, save_edit
from pdca.screens.footer import footer_after_first_paint
from pdca.screens.pick_filter import pick_filter_value
from pdca.widgets.phase_column import (
    CARD_HEIGHT,
    SPARK_CELLS,
    PageSource,
    PhaseColumn,
)
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import literal
from pdca.widgets.when import short_time

if TYPE_CHECKING:
    # The dialogs are imported when first opened, not before the first paint.
    from pdca.screens.dialogs import ActionFormResult

T = TypeVar("T")


def first_page_size(screen_height: int) -> int:
    """Cards per phase read before the first paint: a screenful, and one more to scroll to."""
    return max(1, screen_height // CARD_HEIGHT) + 1


VERDICT_CHOICES = [
    ("worked", "Worked: the change did what we hoped"),
    ("partly", "Partly: some effect, not all"),
    ("did-not", "Did not: no effect, or worse"),
]
DECISION_CHOICES = [
    ("standardize", "Standardize: make it the way we work"),
    ("adjust", "Adjust: run another cycle, linked to this one"),
    ("abandon", "Abandon: stop here"),
]


@dataclass(frozen=True)
class Reloaded:
    """What a refresh read: up to which event, and the columns it read again."""

    last_event: int
    counts: dict[str, int]
    pages: dict[Phase, tuple[int, list[Action]]]
    sparklines: dict[int, list[float | None]] | None
    today: date


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: open actions, narrowed by owner, initiative, priority and text."""

    owner: str | None = None
    initiative: str | None = None
    priority: Priority | None = None
    text: str | None = None
    include_done: bool = False

    @property
    def active(self) -> bool:
        return bool(self.owner or self.initiative or self.priority or self.text)

    def as_store_filter(self) -> ActionFilter:
        return ActionFilter(
            owner=self.owner,
            initiative=self.initiative,
            priority=self.priority,
            text=self.text or None,
            include_done=self.include_done,
        )

    def describe(self) -> Text:
        text = Text("filter: ", style="bold")
        parts = []
        if self.owner:
            parts.append(f"owner {literal(self.owner)}")
        if self.initiative:
            parts.append(f"initiative {literal(self.initiative)}")
        if self.priority:
            parts.append(f"priority {self.priority}")
        if self.text:
            parts.append(f"text “{literal(self.text)}”")
        text.append(" · ".join(parts))
        text.append("   esc clears", style="dim")
        return text


def _order(action: Action) -> tuple[int, str, int]:
    """The store's order within a phase: priority, due date (none last), then id."""
    return (PRIORITY_RANKS[action.priority], action.due or "9999-12-31", action.id)


class BoardScreen(Screen[None]):
    """Plan | Do | Check | Act, driven from the keyboard."""

    BINDINGS = [
        Binding("left,h", "focus_column(-1)", "Left", show=False, id="board-left"),
        Binding("right,l", "focus_column(1)", "Right", show=False, id="board-right"),
        Binding("greater_than_sign,shift+right", "move_next", "Next phase", id="board-next"),
        Binding("less_than_sign,shift+left", "move_back", "Back", id="board-back"),
        Binding("n", "new_action", "New", id="board-new"),
        Binding("e", "edit_action", "Edit", id="board-edit"),
        Binding("enter", "open_action", "Open", show=False, id="board-open"),
        Binding("c", "check_in", "Check-in", id="board-checkin"),
        Binding("d", "done", "Done", id="board-done"),
        Binding("u", "undo", "Undo", id="board-undo"),
        Binding("slash", "filter_text", "Filter", id="board-filter-text"),
        Binding("o", "filter_owner", "Owner", id="board-filter-owner"),
        Binding("i", "filter_initiative", "Initiative", id="board-filter-initiative"),
        Binding("p", "filter_priority", "Priority", show=False, id="board-filter-priority"),
        Binding("D", "toggle_done", "Show done", show=False, id="board-toggle-done"),
        Binding("escape", "clear_filters", "Clear filter", show=False, id="board-clear"),
    ]

    DEFAULT_CSS = """
    BoardScreen #lanes { height: 1fr; }
    BoardScreen .lane { width: 1fr; min-width: 16; border-right: vkey $panel; }
    BoardScreen .lane-header {
        width: 1fr;
        height: 1;
        padding: 0 1;
        text-style: bold;
        background: $panel;
        color: $text-muted;
    }
    BoardScreen .lane:focus-within > .lane-header { background: $primary 40%; color: $text; }
    BoardScreen #read-only { dock: top; height: 1; background: $warning 30%; padding: 0 1; }
    BoardScreen #filter-bar { height: 1; padding: 0 1; background: $accent 20%; }
    BoardScreen #text-filter { dock: bottom; height: 3; display: none; }
    BoardScreen #text-filter.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = BoardFilter()
        self.focused_id: int | None = None
        self.columns: dict[str, PhaseColumn] = {}
        self.headers: dict[str, Label] = {}
        self.changes_shown = 0  # the app's ``changes_seen`` when the board was last read
        self.seen_event = 0  # the newest event the columns on screen have taken in
        # Bumped by every ``place``: a reload whose read began before the latest one would
        # put back what the write just changed, so it is read again instead.
        self.placed = 0

    @property
    def context(self) -> AppContext:
        return context_of(self.app)

    @property
    def store(self) -> Store:
        return self.context.store

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield StatusBar()
        if not self.context.writable:
            yield Static(Text(f"read-only: {self.store.read_only_reason}"), id="read-only")
        yield Static(id="filter-bar")
        with Horizontal(id="lanes"):
            for phase in PHASES:
                with Vertical(classes="lane", id=f"lane-{phase}"):
                    header = Label(phase.capitalize(), classes="lane-header")
                    self.headers[phase] = header
                    yield header
                    column = PhaseColumn(phase, id=f"column-{phase}")
                    self.columns[phase] = column
                    yield column

    def on_mount(self) -> None:
        self.query_one("#filter-bar").display = False
        # First paint from one screenful per phase, read off the board's index: a board of
        # 100 000 actions opens as fast as an empty one. Columns read further pages as they
        # scroll (PhaseColumn.source); nothing reads the whole board.
        self.changes_shown = services(self.app).changes_seen
        self.seen_event = self.store.last_event_id()
        wanted = self.filter.as_store_filter()
        size = first_page_size(self.app.size.height)
        counts = self.store.count_actions(wanted)
        pages = {
            phase: (0, self.store.action_page(replace(wanted, phase=phase), 0, size))
            for phase in PHASES
        }
        linked = sorted({a.kpi_id for _, page in pages.values() for a in page if a.kpi_id})
        self.show_sparklines(kpis.sparklines(self.store, SPARK_CELLS, linked))
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
            where = replace(wanted.as_store_filter(), phase=phase)
            return self.store.action_page(where, offset, count, self.columns[phase].total)

        return read

    def show_pages(
        self,
        pages: dict[Phase, tuple[int, list[Action]]],
        counts: dict[str, int],
        today: date,
        keep_id: int | None,
    ) -> None:
        """Columns ``pages`` show their cards (start, cards) of ``counts`` each; the others
        stay as they are."""
        for phase, (start, cards) in pages.items():
            column = self.columns[phase]
            column.source = self._source(phase, self.filter)
            keep = keep_id if column is self.focused_column or keep_id is None else None
            column.show(cards, today, keep, total=counts[phase], start=start)
        self._show_counts()
        if keep_id is not None:
            self.focus_action(keep_id)
        bar = self.query_one("#filter-bar", Static)
        bar.display = self.filter.active
        if self.filter.active:
            bar.update(self.filter.describe())

    def _show_counts(self) -> None:
        for phase, column in self.columns.items():
            self.headers[phase].update(f"{phase.capitalize()}  {column.total}")

    def show_sparklines(self, sparklines: dict[int, list[float | None]]) -> None:
        """Cards linked to a KPI draw its recent readings (one query for every KPI)."""
        for column in self.columns.values():
            column.sparklines = sparklines
            column.refresh()

    def focus_action(self, action_id: int) -> bool:
        """Put focus on ``action_id`` wherever it is now; False when it is not on the board."""
        for column in self.columns.values():
            index = column.index_of(action_id)
            if index is not None:
                column.set_cursor(index)
                if self.focused_column is not column and self._board_has_focus():
                    column.focus()
                return True
        return False

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

    def reload(self, *, everything: bool = True) -> None:
        """Read the columns again in a worker thread, the cards on screen only; focus stays
        on the same action. ``everything`` False: only what the event log says changed since
        the board last looked (another person's write), and nothing when nothing it shows
        did."""
        self.changes_shown = services(self.app).changes_seen
        windows = {phase: column.visible_range() for phase, column in self.columns.items()}
        since = None if everything else self.seen_event
        self._reload(self.filter, self.placed, windows, since)

    def on_screen_resume(self) -> None:
        """Back from another view or a dialog: catch up with what changed meanwhile."""
        services(self.app).refresh_status()
        if self.is_mounted and self.changes_shown != services(self.app).changes_seen:
            self.reload(everything=False)

    @work(thread=True, exclusive=True, group="board-sparklines")
    def _all_sparklines(self) -> None:
        """Every KPI's sparkline, after the first paint: cards scrolled to later draw theirs."""
        try:
            reader = self.context.open_reader()
            try:
                sparklines = kpis.sparklines(reader, SPARK_CELLS)
            finally:
                reader.close()
        except DatabaseBroken:
            raise  # the app stops on it
        except PdcaError:
            return  # the cards keep what they have; the next refresh tries again
        self.app.call_from_thread(self.show_sparklines, sparklines)

    @work(thread=True, exclusive=True, group="board-reload")
    def _reload(
        self,
        wanted: BoardFilter,
        placed: int,
        windows: dict[Phase, tuple[int, int]],
        since: int | None,
    ) -> None:
        try:
            reader = self.context.open_reader()
            try:
                read = self._read_changes(reader, wanted, windows, since)
            finally:
                reader.close()
        except DatabaseBroken:
            raise  # the app stops on it
        except PdcaError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._apply_reload, wanted, placed, read)

    def _read_changes(
        self,
        reader: Store,
        wanted: BoardFilter,
        windows: dict[Phase, tuple[int, int]],
        since: int | None,
    ) -> Reloaded:
        """On the worker's connection: what changed, then the affected columns' cards."""
        phases: set[str] = set(PHASES)
        sparklines = None
        if since is None:
            last = reader.last_event_id()
            sparklines = kpis.sparklines(reader, SPARK_CELLS)
        else:
            changes = reader.changes_since(since)
            last = changes.last_event
            if not changes.everything:
                phases = changes.phases
            if changes.other or changes.everything:
                sparklines = kpis.sparklines(reader, SPARK_CELLS)
        counts: dict[str, int] = {}
        pages: dict[Phase, tuple[int, list[Action]]] = {}
        if phases:
            counts = reader.count_actions(wanted.as_store_filter())
            for phase in PHASES:
                if phase in phases:
                    first, count = windows[phase]
                    where = replace(wanted.as_store_filter(), phase=phase)
                    first = max(0, min(first, counts[phase] - count))
                    pages[phase] = (first, reader.action_page(where, first, count, counts[phase]))
        return Reloaded(last, counts, pages, sparklines, self.context.today())

    def _apply_reload(self, wanted: BoardFilter, placed: int, read: Reloaded) -> None:
        if wanted != self.filter:
            return  # the filter changed while reading; a newer reload is on its way
        if placed != self.placed:
            self.reload()  # read before this session's latest write: read again
            return
        self.seen_event = read.last_event  # lower only when the log was emptied and refilled
        if read.sparklines is not None:
            self.show_sparklines(read.sparklines)
        if read.pages:
            # Focus stays where the person has it now, not where it was when the read began.
            self.show_pages(read.pages, read.counts, read.today, self.focused_id)

    def on_database_changed(self) -> None:
        """Called by the app when someone (anyone) changed the file: what they changed."""
        self.reload(everything=False)

    @on(PhaseColumn.Highlighted)
    def remember_focus(self, message: PhaseColumn.Highlighted) -> None:
        if message.column is self.focused_column and message.action_id is not None:
            self.focused_id = message.action_id

    def on_descendant_focus(self) -> None:
        column = self.focused_column
        if column is not None and column.current is not None:
            self.focused_id = column.current.id

    @on(PhaseColumn.Selected)
    def open_clicked(self, message: PhaseColumn.Selected) -> None:
        self.focused_id = message.action_id
        self.action_open_action()

    # ------------------------------------------------------------------ moving focus

    def action_focus_column(self, step: int) -> None:
        phases = list(PHASES)
        column = self.focused_column
        start = phases.index(column.phase) if column else 0
        index = start + step
        while 0 <= index < len(phases):
            target = self.columns[phases[index]]
            if target.total:
                if column is not None and column.total:
                    # Land on the card at the same height on screen.
                    visible_row = column.cursor - int(column.scroll_y) // 5
                    target.set_cursor(int(target.scroll_y) // 5 + visible_row)
                target.focus()
                return
            index += step

    # ------------------------------------------------------------------ writing

    def _writable(self) -> bool:
        if self.context.writable:
            return True
        self.notify(f"read-only: {self.store.read_only_reason}", severity="warning")
        return False

    async def _save(self, call: Callable[[Store], T], kept: str | None = None) -> T | None:
        """Run one write on the writer thread (the keys stay live while it waits for a lock);
        its refusal is shown in one line and gives ``None``. ``kept``: what an earlier step
        of the same flow did write, so the line does not say nothing was."""
        try:
            return await self.context.write(call)
        except PdcaError as error:
            self._refused(error, kept)
        return None

    def _refused(self, error: PdcaError, kept: str | None = None) -> None:
        """A write was refused: a conflict shows the card as it is now; a file that went wrong
        is not a refusal but raised again, and the app stops on it."""
        if isinstance(error, DatabaseBroken):
            raise error
        if isinstance(error, Conflict):
            self._show_conflict(error, f"{kept}; the rest was not" if kept else "nothing written")
        else:
            self.notify(f"{error} ({kept})" if kept else str(error), severity="error", timeout=8)

    def _show_conflict(self, conflict: Conflict, kept: str) -> None:
        """Someone changed the card since it was drawn: show it as it is now, and say so."""
        fresh = self.read_action(conflict.entity_id)
        if fresh is not None:
            self.place(fresh)
        who = f"{conflict.by} " if conflict.by else "someone "
        what = f": {conflict.what}" if conflict.what else ""
        when = f" at {short_time(conflict.at)}" if conflict.at else ""
        self.notify(
            literal(
                f"#{conflict.entity_id} changed since you looked ({who}{when.strip()}{what}); "
                f"{kept}: it is shown as it is now"
            ),
            severity="error",
            timeout=8,
        )

    def read_action(self, action_id: int) -> Action | None:
        """The action as stored now (a small indexed read), or None with the reason shown."""
        try:
            return self.store.get_action(action_id)
        except PdcaError as error:
            self.notify(str(error), severity="error", timeout=6)
            return None

    def _target(self) -> Action | None:
        action = self.current
        if action is None:
            self.notify("no action here: press n to add one", severity="warning")
        return action

    def place(self, action: Action) -> None:
        """Show ``action`` as the store just returned it, before any refresh comes back: out
        of the column it was in, into its column's window where its order puts it."""
        self.placed += 1
        for column in self.columns.values():
            index = column.index_of(action.id)
            if index is not None:
                kept = [a for a in column.actions if a.id != action.id]
                column.show(kept, column.today, total=column.total - 1, start=column.start)
        if action.done_at is None or self.filter.include_done:
            column = self.columns[action.phase]
            where = self.filter.as_store_filter()
            position = self.store.position_of(where, action)
            column.total += 1
            # A screenful around the card (not a whole window): a move repaints at once.
            shown = column.visible_range()[1]
            first = max(0, min(position - shown // 2, column.total - 2 * shown))
            cards = self.store.action_page(
                replace(where, phase=action.phase), first, 2 * shown, column.total
            )
            if not any(a.id == action.id for a in cards):  # outside the filter: shown anyway
                bisect.insort(cards, action, key=_order)
            column.source = self._source(action.phase, self.filter)
            column.show(cards, column.today, action.id, total=column.total, start=first)
            if self._board_has_focus():
                column.focus()
            self.focused_id = action.id
        self._show_counts()

    def action_move_next(self) -> None:
        action = self._target()
        if action is None or not self._writable():
            return
        if action.phase == "act":
            self.complete_flow(action)
            return
        target = rules.next_phase(action.phase)
        assert target is not None
        self.move_flow(action, target)

    def action_move_back(self) -> None:
        action = self._target()
        if action is None or not self._writable():
            return
        target = rules.previous_phase(action.phase)
        if target is None:
            self.notify(f"#{action.id} is in Plan, the first phase", severity="warning")
            return
        self.move_back_flow(action, target)

    @work(group="write", exclusive=False)
    async def move_back_flow(self, action: Action, target: Phase) -> None:
        moved = await self._save(
            lambda store: store.move_action(
                action.id, target, expected_version=action.version, expected_phase=action.phase
            )
        )
        if moved:
            self.place(moved)

    @work(group="flow", exclusive=True)
    async def move_flow(self, action: Action, target: Phase) -> None:
        from pdca.screens.dialogs import ActionFormModal, ChoiceModal

        verdict: Verdict | None = None
        seen_phase = action.phase  # the move is from where the card was when the key was pressed
        if target == "do" and not (action.owner and action.due):
            form = await self.app.push_screen_wait(
                ActionFormModal(
                    heading=f"#{action.id} to Do needs an owner and a due date",
                    today=self.context.today(),
                    people=self._people(),
                    initiatives=self._initiatives(),
                    kpis=self._kpis(),
                    initial=form_of(action),
                    require_owner_and_due=True,
                )
            )
            if form is None:
                return
            saved = await self._save_edit(action, form)
            if not isinstance(saved, Action):
                return
            action = saved  # the move is checked against the version just saved
        elif target == "act":
            evidence = kpis.verdict_evidence(self.store, action.id)
            chosen = await self.app.push_screen_wait(
                ChoiceModal(
                    heading=f"#{action.id} to Act: the verdict",
                    prompt=(f"{evidence}\n" if evidence else "") + "Did the change work?",
                    choices=VERDICT_CHOICES,
                )
            )
            if chosen is None:
                return
            verdict = chosen  # type: ignore[assignment]
        seen = action.version
        try:
            moved = await self.context.write(
                lambda store: store.move_action(
                    action.id,
                    target,
                    verdict=verdict,
                    expected_version=seen,
                    expected_phase=seen_phase,
                )
            )
        except GateUnmet as unmet:
            if target != "check":
                self.notify(str(unmet), severity="error", timeout=6)
                return
            checked = await self._ask_checkin(action, reason=rules_reason(str(unmet)))
            if not checked:
                return
            moved = await self._save(
                lambda store: store.move_action(
                    action.id, target, expected_version=seen, expected_phase=seen_phase
                ),
                kept="your check-in was saved",
            )
        except PdcaError as error:
            self._refused(error)
            return
        if moved:
            self.place(moved)

    @work(group="flow", exclusive=True)
    async def complete_flow(self, action: Action) -> None:
        from pdca.screens.dialogs import ChoiceModal

        choices = DECISION_CHOICES if action.phase == "act" else DECISION_CHOICES[2:]
        prompt = (
            "What now?"
            if action.phase == "act"
            else (
                f"#{action.id} is in {action.phase.capitalize()}: standardize and adjust come "
                "after Act; it can be abandoned now"
            )
        )
        decision = await self.app.push_screen_wait(
            ChoiceModal(heading=f"Done with #{action.id}", prompt=prompt, choices=choices)
        )
        if decision is None:
            return
        completion = await self._save(
            lambda store: store.complete_action(
                action.id,
                decision,  # type: ignore[arg-type]
                expected_version=action.version,
            )
        )
        if completion is None:
            return
        self.place(completion.action)
        if completion.next_cycle is not None:
            nxt = completion.next_cycle
            self.place(nxt)
            self.notify(f"#{nxt.id} opened in Plan: cycle {nxt.cycle} of #{action.id}")
        else:
            self.notify(f"#{action.id} done ({decision})")

    async def _ask_checkin(self, action: Action, reason: str | None = None) -> bool:
        """Ask for a check-in and write it. A check-in adds a row and overwrites nothing, so
        it is not refused because the card changed meanwhile (a done action still refuses)."""
        from pdca.screens.dialogs import CheckinModal

        result = await self.app.push_screen_wait(CheckinModal(action=action, reason=reason))
        if result is None:
            return False
        draft = validated(CheckinDraft, message=result.message, status=result.status)
        return await self._save(lambda store: store.add_checkin(action.id, draft)) is not None

    def action_check_in(self) -> None:
        action = self._target()
        if action is None or not self._writable():
            return
        self.checkin_flow(action)

    @work(group="flow", exclusive=True)
    async def checkin_flow(self, action: Action) -> None:
        if await self._ask_checkin(action):
            fresh = self.read_action(action.id)
            if fresh:
                self.place(fresh)

    def action_done(self) -> None:
        action = self._target()
        if action is None or not self._writable():
            return
        self.complete_flow(action)

    def action_undo(self) -> None:
        if self._writable():
            self.undo_flow()

    @work(group="write", exclusive=False)
    async def undo_flow(self) -> None:
        undone = await self._save(lambda store: store.undo())
        if undone:
            self.notify("undone: " + "; ".join(literal(s) for s in undone.headline()))
            self.reload()

    def action_stop_repeating(self) -> None:
        """The palette's "Stop repeating": no more repeats of the focused action (those made
        stay); ``u`` undoes it."""
        action = self._target()
        if action is None or not self._writable():
            return
        if action.recurrence_id is None:
            self.notify(f"#{action.id} does not repeat", severity="warning")
            return
        self.stop_repeating_flow(action.recurrence_id, action.id)

    @work(group="write", exclusive=False)
    async def stop_repeating_flow(self, rule_id: int, action_id: int) -> None:
        stopped = await self._save(lambda store: recurrence.stop(store, rule_id))
        if stopped:
            self.notify(
                f"#{action_id} stops repeating ({literal(stopped.rule)}); "
                f"the {stopped.instances} made stay"
            )

    # ------------------------------------------------------------------ forms

    def _people(self) -> list[str]:
        return [person.login for person in self.store.list_people()]

    def _initiatives(self) -> list[str]:
        return [initiative.name for initiative in self.store.list_initiatives()]

    def _kpis(self) -> list[str]:
        return [kpi.name for kpi in self.store.list_kpis()]

    def action_new_action(self) -> None:
        if self._writable():
            self.new_flow()

    @work(group="flow", exclusive=True)
    async def new_flow(self) -> None:
        from pdca.screens.dialogs import ActionFormModal, ActionFormResult

        initial = ActionFormResult(
            title="",
            owner=self.context.actor,
            due=None,
            initiative=self.filter.initiative,
            kpi=None,
            notes="",
        )
        form = await self.app.push_screen_wait(
            ActionFormModal(
                heading="New action in Plan",
                today=self.context.today(),
                people=self._people(),
                initiatives=self._initiatives(),
                kpis=self._kpis(),
                initial=initial,
                repeat=True,
            )
        )
        if form is None:
            return
        draft = validated(
            ActionDraft,
            title=form.title,
            owner=form.owner,
            due=form.due,
            initiative=form.initiative,
            kpi=form.kpi,
            notes=form.notes,
            priority=form.priority,
        )
        every = form.every
        if every is not None:
            added = await self._save(
                lambda store: recurrence.add_repeating_action(store, draft, every)
            )
        else:
            added = await self._save(lambda store: store.add_action(draft))
        if added:
            self.place(added)
            self.notify(f"added #{added.id}")

    def action_edit_action(self) -> None:
        action = self._target()
        if action is None or not self._writable():
            return
        self.edit_flow(action.id)

    @work(group="flow", exclusive=True)
    async def edit_flow(self, action_id: int) -> None:
        from pdca.screens.dialogs import ActionFormModal

        base = self.read_action(action_id)
        if base is None:
            return
        initial = form_of(base)
        while True:
            form = await self.app.push_screen_wait(
                ActionFormModal(
                    heading=f"Edit #{base.id}",
                    today=self.context.today(),
                    people=self._people(),
                    initiatives=self._initiatives(),
                    kpis=self._kpis(),
                    initial=initial,
                    require_owner_and_due=base.phase != "plan" and base.done_at is None,
                )
            )
            if form is None:
                return
            outcome = await self._save_edit(base, form)
            if not isinstance(outcome, EditAgain):
                return
            base, initial = outcome.base, outcome.form  # their version, my changes on it

    async def _save_edit(self, base: Action, form: ActionFormResult) -> Action | EditAgain | None:
        """Save the form over ``base``, asking whose version wins on a conflict."""
        try:
            outcome = await save_edit(self, base, form)
        except PdcaError as error:
            self._refused(error)
            return None
        if isinstance(outcome, Action):
            self.place(outcome)
        return outcome

    def action_open_action(self) -> None:
        action = self._target()
        if action is not None:
            self.detail_flow(action.id)

    @work(group="flow", exclusive=True)
    async def detail_flow(self, action_id: int) -> None:
        from pdca.screens.dialogs import ActionDetailScreen

        try:
            detail = self.store.action_detail(action_id)
            rule = detail.action.recurrence_id
            repeats = None if rule is None else recurrence.rule_text(self.store, rule) or "stopped"
        except PdcaError as error:
            self.notify(str(error), severity="error", timeout=6)
            return
        choice = await self.app.push_screen_wait(
            ActionDetailScreen(detail=detail, today=self.context.today(), repeats=repeats)
        )
        if choice == "edit" and self._writable():
            self.edit_flow(action_id)
        elif choice == "checkin" and self._writable():
            self.checkin_flow(detail.action)

    # ------------------------------------------------------------------ filters

    def set_filter(self, wanted: BoardFilter) -> None:
        self.filter = wanted
        self.reload()

    def _text_box(self) -> Input | None:
        found = self.query("#text-filter")
        return found.first(Input) if found else None

    def action_filter_text(self) -> None:
        box = self._text_box()
        if box is None:  # mounted on first use: one widget less before the first paint
            box = Input(placeholder="filter by text (enter keeps it, esc clears)", id="text-filter")
            self.mount(box, after=self.query_one("#lanes"))
        box.add_class("-shown")
        box.focus()

    @on(Input.Changed, "#text-filter")
    def filter_as_typed(self, event: Input.Changed) -> None:
        self.set_filter(replace(self.filter, text=event.value.strip() or None))

    @on(Input.Submitted, "#text-filter")
    def keep_text_filter(self) -> None:
        box = self._text_box()
        if box is not None and not box.value.strip():
            box.remove_class("-shown")
        self._focus_board()

    def _focus_board(self) -> None:
        column = self.columns[self._phase_of(self.focused_id)] if self.focused_id else None
        target = column or next((c for c in self.columns.values() if c.total), self.columns["plan"])
        target.focus()

    def _phase_of(self, action_id: int | None) -> str:
        for phase, column in self.columns.items():
            if action_id is not None and column.index_of(action_id) is not None:
                return phase
        return "plan"

    def action_filter_owner(self) -> None:
        self.pick_flow("owner")

    def action_filter_initiative(self) -> None:
        self.pick_flow("initiative")

    def action_filter_priority(self) -> None:
        self.pick_flow("priority")

    @work(group="flow", exclusive=True)
    async def pick_flow(self, kind: str) -> None:
        picked = await pick_filter_value(self, kind, f"Show the actions of one {kind}")
        if picked is not None:
            self.set_filter(replace(self.filter, **{kind: picked}))

    def action_clear_filters(self) -> None:
        box = self._text_box()
        if box is not None:
            box.remove_class("-shown")
            if box.value:
                with box.prevent(Input.Changed):
                    box.value = ""
        self._focus_board()
        if self.filter.active:
            self.set_filter(BoardFilter(include_done=self.filter.include_done))

    def action_toggle_done(self) -> None:
        showing = not self.filter.include_done
        self.set_filter(replace(self.filter, include_done=showing))
        self.notify("showing done actions" if showing else "done actions hidden")

    # ------------------------------------------------------------------ the palette

    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """(title, help, callback) for the command palette: every board key, by name."""
        return [
            ("New action", "Add an action to Plan (n)", self.action_new_action),
            ("Move to next phase", "Plan → Do → Check → Act, asking what each needs (>)",
             self.action_move_next),
            ("Move to previous phase", "Back one phase (<)", self.action_move_back),
            ("Edit action", "Edit the focused action (e)", self.action_edit_action),
            ("Open action", "Notes, check-ins and history (enter)", self.action_open_action),
            ("Check in", "Record progress on the focused action (c)", self.action_check_in),
            ("Done", "Finish with a decision (d)", self.action_done),
            ("Undo", "Revert your last change (u)", self.action_undo),
            ("Filter by text", "Show actions whose title or notes match (/)",
             self.action_filter_text),
            ("Filter by owner", "Show one person's actions (o)", self.action_filter_owner),
            ("Filter by initiative", "Show one initiative's actions (i)",
             self.action_filter_initiative),
            ("Filter by priority", "Show the high, normal or low priority actions (p)",
             self.action_filter_priority),
            ("Clear filters", "Show every open action (esc)", self.action_clear_filters),
            ("Show or hide done actions", "Toggle done actions on the board (D)",
             self.action_toggle_done),
            ("Stop repeating", "No more repeats of the focused action (pdca recur stop)",
             self.action_stop_repeating),
        ]  # fmt: skip


def rules_reason(message: str) -> str:
    """The part of a gate message that says what is missing, for a prompt's first line."""
    return message.split(": ", 1)[-1]
