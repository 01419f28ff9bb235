"""Flow (key 6): how work moves through the phases (db/flow.py: the kept stays, the actions).

Per phase the time actions stay (median, 85th percentile), work in progress, the oldest open
item and the moves back; throughput per week and cycle time with its trend; per owner the
check-in cadence kept and the late share; per initiative the decisions and whether the
follow-up audits hold. ``enter`` on a phase opens the board on its oldest action, on an owner
the board filtered to that person, on an initiative the board filtered to it. The headings
and the blank lines between the tables are never under the cursor.

The view paints at once with its heading and a line saying it is reading; the figures are
read on a thread (half a second on a file of 100 000 actions) and fill it in when they arrive. A
later read (``r``, someone else's change) keeps what is shown until its figures replace it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from pdca.db.errors import PdcaError
from pdca.db.flow_rules import (
    TREND_WORDS,
    WINDOW_WEEKS,
    count_bars,
    number,
    percent,
    rounds_words,
)
from pdca.screens.context import UNDO_ON_THE_BOARD, PaletteEntry, services
from pdca.screens.footer import footer_after_first_paint
from pdca.screens.from_thread import land
from pdca.screens.row_view import RowView
from pdca.widgets.row_list import Row, RowList
from pdca.widgets.sparkline import sparkline
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import fixed, literal
from pdca.widgets.when import local_day

if TYPE_CHECKING:  # the reading and its models (pydantic) are imported on the reading thread:
    # the frame paints without them (issue 13)
    from pdca.db.flow_models import Flow, InitiativeFlow, OwnerFlow, PhaseFlow

NAME_WIDTH = 22
CADENCE_WARN = 0.8  # under 80% of the weeks with a check-in stands out, under half is bad
CADENCE_BAD = 0.5
LATE_WARN = 0.25
LATE_BAD = 0.5
# The figures are read once the first paint is done, or after this long at the latest.
PAINT_WAIT_SECONDS = 0.5

PHASE_COLUMNS = [("WIP", 7), ("median", 9), ("85%", 9), ("stays", 8), ("back", 6)]
OWNER_COLUMNS = [("open", 7), ("cadence", 9), ("weeks", 10), ("late", 7), ("of", 6)]
INITIATIVE_COLUMNS = [("std", 7), ("adjust", 8), ("abandon", 8), ("holding", 9),
                      ("slipped", 9), ("waiting", 9)]  # fmt: skip


@dataclass(frozen=True)
class Target:
    """What ``enter`` on a row opens: an action on the board, or an owner's or an
    initiative's board."""

    action_id: int | None = None
    owner: str | None = None
    initiative: str | None = None
    # Said instead, where a row opens nothing (the board has no filter for it).
    note: str | None = None


NO_INITIATIVE = Target(
    note="the board filters by one initiative; work linked to none has no filter of its own"
)


def _heading(title: str, columns: list[tuple[str, int]], tail: str = "") -> Row:
    text = fixed(title, NAME_WIDTH) + "".join(label.rjust(width) for label, width in columns)
    return [(text + tail, "heading")]


def is_heading(row: Row) -> bool:
    """A table's heading or the blank line before it: nothing to open, skipped by the cursor."""
    return not row or row[0][1] == "heading"


def _cell(value: str, width: int, role: str = "") -> tuple[str, str]:
    return (value.rjust(width), role)


def phase_row(p: PhaseFlow) -> Row:
    widths = [width for _, width in PHASE_COLUMNS]
    row: Row = [(fixed(p.phase.capitalize(), NAME_WIDTH), "bold")]
    row.append(_cell(str(p.wip), widths[0]))
    row.append(_cell(number(p.median_days), widths[1]))
    row.append(_cell(number(p.p85_days), widths[2], "muted"))
    row.append(_cell(str(p.stays), widths[3], "muted"))
    row.append(_cell(str(p.went_back), widths[4], "warn" if p.went_back else "muted"))
    if p.oldest_id is not None:
        row.append((f"   #{p.oldest_id}", "id"))
        row.append((f" {number(p.oldest_days)} ", "warn"))
        row.append((literal(p.oldest_title), ""))
    return row


def _share_role(value: float | None, warn: float, bad: float, *, low_is_bad: bool) -> str:
    if value is None:
        return "muted"
    if low_is_bad:
        return "bad" if value < bad else "warn" if value < warn else "good"
    return "bad" if value >= bad else "warn" if value >= warn else ""


def owner_row(o: OwnerFlow) -> Row:
    widths = [width for _, width in OWNER_COLUMNS]
    cadence = _share_role(o.cadence_kept, CADENCE_WARN, CADENCE_BAD, low_is_bad=True)
    late = _share_role(o.late_share, LATE_WARN, LATE_BAD, low_is_bad=False)
    return [
        (fixed(literal(o.login), NAME_WIDTH), "bold"),
        _cell(str(o.open), widths[0]),
        _cell(percent(o.cadence_kept), widths[1], cadence),
        _cell(f"{o.weeks_kept}/{o.weeks_expected}", widths[2], "muted"),
        _cell(percent(o.late_share), widths[3], late),
        _cell(str(o.late_of), widths[4], "muted"),
    ]


def initiative_row(i: InitiativeFlow) -> Row:
    widths = [width for _, width in INITIATIVE_COLUMNS]
    values = [i.standardize, i.adjust, i.abandon, i.holding, i.slipped, i.followups_waiting]
    roles = ["good", "", "muted", "good", "bad", "warn"]
    row: Row = [(fixed(literal(i.name), NAME_WIDTH), "muted" if i.id is None else "bold")]
    for value, role, width in zip(values, roles, widths, strict=True):
        row.append(_cell(str(value) if value else "·", width, role if value else "muted"))
    return row


def flow_rows(figures: Flow) -> tuple[list[Row], list[Target | None]]:
    """The view's rows and what each opens: phases, then owners, then initiatives."""
    rows: list[Row] = [_heading("phase", PHASE_COLUMNS, "   oldest open item")]
    targets: list[Target | None] = [None]
    for p in figures.phases:
        rows.append(phase_row(p))
        targets.append(Target(action_id=p.oldest_id) if p.oldest_id is not None else None)
    if figures.owners:
        # What the cadence counts, beside its heading (README: Flow): whole calendar weeks.
        rows += [
            [],
            _heading("owner", OWNER_COLUMNS, "   cadence: weeks Mon–Sun UTC with a check-in"),
        ]
        targets += [None, None]
        for o in figures.owners:
            rows.append(owner_row(o))
            targets.append(Target(owner=o.login))
    if figures.initiatives:
        rows += [[], _heading("initiative (all time)", INITIATIVE_COLUMNS)]
        targets += [None, None]
        for i in figures.initiatives:
            rows.append(initiative_row(i))
            # The work linked to no initiative has no board filter of its own: enter says so.
            targets.append(Target(initiative=i.name) if i.id is not None else NO_INITIATIVE)
    return rows, targets


def summary_text(figures: Flow) -> Text:
    weekly = [w.finished for w in figures.throughput]
    medians = [w.median_cycle_days for w in figures.throughput]
    cycle = figures.cycle
    # Two lines that never wrap (CSS: a wrapped first line would push the second out of
    # sight); what does not fit is cut, the most telling figures first.
    text = Text()
    text.append("throughput  ", style="bold")
    text.append(count_bars(weekly))
    text.append(f"  {figures.finished} finished, last week {weekly[-1] if weekly else 0}")
    text.append(f" · {figures.abandoned} abandoned in {figures.weeks} weeks")
    text.append(rounds_words(figures, " · ") + "\n")
    text.append("cycle time  ", style="bold")
    text.append(sparkline(medians))
    text.append(f"  median {number(cycle.median_days)}, 85% within {number(cycle.p85_days)} · ")
    text.append(TREND_WORDS[cycle.trend], style="bold")
    if cycle.trend != "unknown":
        text.append(
            f" ({number(cycle.earlier_median_days)} → {number(cycle.recent_median_days)})",
            style="dim",
        )
    return text


class FlowScreen(RowView):
    """The improvement process itself: is work flowing, and do the changes stick?"""

    VIEW = "Flow"
    FOOTER_AFTER_FIRST_PAINT = False  # after the figures: mounted beside their read, it slowed it

    BINDINGS = [
        UNDO_ON_THE_BOARD,
        Binding("r", "reload", "Reload", show=False, id="flow-reload"),
    ]

    DEFAULT_CSS = """
    FlowScreen #flow-window { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    FlowScreen #flow-summary { height: 2; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """  # noqa: E501

    def __init__(self) -> None:
        super().__init__()
        self.figures: Flow | None = None
        self.targets: list[Target | None] = []
        self.rows: list[Row] = []
        self.last_cursor = 0  # where the cursor was: which way it was going past a heading
        self.reading = False  # a read of the figures is on its way
        self.read_again = False  # and a change came since it began: one more read after it

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="flow-window")
        yield Static(id="flow-summary")
        yield RowList(empty="", id="flow-list")

    def load(self) -> None:
        """The headings and a line saying what is being read, at once; the figures on a
        thread (DESIGN rule 6: on the huge file they take seconds)."""
        listed = self.query_one(RowList)
        listed.show([_heading("phase", PHASE_COLUMNS, "   oldest open item")], None)
        weeks = WINDOW_WEEKS
        self.query_one("#flow-window", Static).update(
            Text(f"reading the last {weeks} weeks of events…")
        )
        painted = threading.Event()
        # The thread starts now (so anyone waiting for the view's work sees it) but reads
        # after the first paint: its rows would otherwise hold the interpreter the paint needs.
        self.call_after_refresh(painted.set)
        read = self._start_read(painted)
        if read is not None:
            services(self.app).keys_wait_for_rows(read)

    def reload(self) -> None:
        """Read again on a thread; what is shown stays until the new figures replace it."""
        self._start_read(None)

    def _start_read(self, painted: threading.Event | None) -> Worker[None] | None:
        """One read at a time: a change seen while one is on its way asks for one more read
        after it, however many changes come (a burst of writes on a huge file would
        otherwise start a read of seconds per write, and each would outdate the last)."""
        if self.reading:
            self.read_again = True
            return None
        self.reading, self.read_again = True, False
        return self._read_flow(painted)

    @work(thread=True, group="flow-read")
    def _read_flow(self, painted: threading.Event | None) -> None:
        """A quarter of the event log: seconds on the huge file. Read on a thread with its
        own connection (DESIGN rule 6), so keys never wait for it."""
        if painted is not None:
            painted.wait(PAINT_WAIT_SECONDS)
        worker = get_current_worker()
        from pdca.db import flow as flow_store

        try:
            reader = self.context.open_reader()
            try:
                figures = flow_store.flow(reader)
            finally:
                reader.close()
        except PdcaError as error:
            if not worker.is_cancelled:  # cancelled: the view is gone
                land(self, self._read_done, None, str(error))
            return
        if not worker.is_cancelled:
            land(self, self._read_done, figures, None)

    def _read_done(self, figures: Flow | None, problem: str | None) -> None:
        """Show what was read (newer than what is shown, even when more changes came while
        it was read), then read once more if they did."""
        self.reading = False
        if figures is not None:
            self.show(figures)
        footer_after_first_paint(self)  # the keys, once the figures are painted (it mounts once)
        if problem is not None:
            self.notify(problem, severity="error")
        if self.read_again:
            self._start_read(None)

    def show(self, figures: Flow) -> None:
        rows, self.targets = flow_rows(figures)
        self.rows = rows
        listed = self.query_one(RowList)
        first = self.figures is None or listed.cursor == 0  # start on Plan, not the heading
        listed.show(rows, 1 if first else None)
        self.figures = figures
        # Stays, moves back and work finished: within the window; WIP and the oldest: now.
        since = local_day(figures.since)
        window = f"the last {figures.weeks} weeks (since {since}) · WIP and oldest: now"
        self.query_one("#flow-window", Static).update(Text(window))
        self.query_one("#flow-summary", Static).update(summary_text(figures))

    @on(RowList.Highlighted)
    def skip_headings(self, event: RowList.Highlighted) -> None:
        """A heading or a blank line is passed over in the way the cursor was going (back
        the other way at either end)."""
        if isinstance(event, RowList.Selected):
            return
        index = event.index
        if not (0 <= index < len(self.rows)) or not is_heading(self.rows[index]):
            self.last_cursor = index
            return
        step = 1 if index >= self.last_cursor else -1
        for way in (step, -step):
            spot = index + way
            while 0 <= spot < len(self.rows) and is_heading(self.rows[spot]):
                spot += way
            if 0 <= spot < len(self.rows):
                self.last_cursor = spot
                event.control.set_cursor(spot)
                return

    @on(RowList.Selected)
    def open_selected(self, event: RowList.Selected) -> None:
        target = self.targets[event.index] if 0 <= event.index < len(self.targets) else None
        if target is not None and target.note is not None:
            self.notify(target.note, markup=False)
        elif target is not None:
            self.open_board(target)

    def action_open(self) -> None:
        rows = self.query_one(RowList)
        self.open_selected(RowList.Selected(rows, rows.cursor))

    @work(group="jump", exclusive=True)
    async def open_board(self, target: Target) -> None:
        from pdca.screens.jump import open_on_board

        await open_on_board(
            self.app,
            owner=target.owner,
            action_id=target.action_id,
            initiative=target.initiative,
        )

    def action_reload(self) -> None:
        self._start_read(None)

    def palette_commands(self) -> list[PaletteEntry]:
        return [
            PaletteEntry(
                "Open the highlighted row on the board",
                "A phase's oldest action, an owner's or an initiative's actions (enter)",
                self.action_open,
            ),
            PaletteEntry(
                "Reload flow", "Read the flow figures again", self.action_reload, "flow-reload"
            ),
        ]
