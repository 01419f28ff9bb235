"""Initiatives (key 7): each initiative's health derived from its data, worst first.

One block per initiative: its health and name, the objective's date and owner; the objective
with its SMART warnings beside it; open actions by phase, late and stale; why the health is
what it is; then its KPIs, each with a sparkline, its latest value against the target and its
status. ``enter`` opens the board on the initiative's actions.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.worker import get_current_worker

from pdca.db.errors import PdcaError
from pdca.db.initiatives import overview
from pdca.db.kpi_rules import target_by_words
from pdca.db.models import InitiativeKpi, InitiativeOverview
from pdca.db.store import Store
from pdca.screens.context import UNDO_ON_THE_BOARD, PaletteEntry
from pdca.screens.from_thread import land
from pdca.screens.row_view import RowView
from pdca.widgets.kpi_table import number
from pdca.widgets.marks import status_mark
from pdca.widgets.row_list import Row, RowList
from pdca.widgets.sparkline import sparkline
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import fit_name, literal, padded

SPARK_CELLS = 16
KPI_NAME_WIDTH = 26  # at least: as wide as an initiative's longest KPI name, room allowing
NAME_LEAST = 12  # what a KPI's name keeps on a narrow line, the rest given to its numbers
LATEST_WIDTH = 14  # the latest reading's column, where the line has room
STATUS_WIDTH = 11  # and the state's ("on-target" and two spaces)
SCROLLBAR = 2  # the list's vertical scrollbar, when it has one
# The health as a shape (reads without colour) and a role.
HEALTH = {
    "on-track": (status_mark("on-track")[0], "good", "on track"),
    "at-risk": (status_mark("at-risk")[0], "warn", "at risk"),
    "off-track": (status_mark("blocked")[0], "bad", "off track"),
}
KPI_ROLES = {"alert": "bad", "warn": "warn", "overdue": "warn", "no-data": "muted",
             "ok": "", "on-target": "good"}  # fmt: skip


def shown_overview(store: Store) -> list[InitiativeOverview]:
    """The initiatives with as many periods of readings as a sparkline shows: the same lines
    as the whole 40, in less time (fewer readings read)."""
    return overview(store, slots=SPARK_CELLS)


def kpi_row(
    kpi: InitiativeKpi,
    name_width: int = KPI_NAME_WIDTH,
    latest_width: int = LATEST_WIDTH,
    status_width: int = STATUS_WIDTH,
) -> Row:
    spark = sparkline(kpi.recent, SPARK_CELLS)
    by = target_by_words(kpi.target_date, kpi.target_missed, kpi.latest_value)
    return [
        ("    ", ""),
        (spark, KPI_ROLES[kpi.status] or "accent"),
        ("  ", ""),
        # cut in the middle, as the KPIs view cuts them: "First-contact reso…" three times
        # over at 80 columns, the teams' ends cut off (a reviewer)
        (padded(fit_name(literal(kpi.name), name_width), name_width), ""),
        # two spaces after it however long: "1.23M tickets/weekok" (a reviewer)
        (padded(_latest(kpi), max(latest_width, cell_len(_latest(kpi)) + 2)), "bold"),
        # the status before the target: last, it was what 80 columns cut (a new user)
        (f"{kpi.status}  ".ljust(status_width), KPI_ROLES[kpi.status] or "muted"),
        (f"→ {number(kpi.target)} {literal(kpi.unit)}{by}", "muted"),
    ]


def _latest(kpi: InitiativeKpi) -> str:
    return f" {number(kpi.latest_value)} {literal(kpi.unit)}"


def short_warning(warning: str) -> str:
    """A SMART warning without its advice in brackets, but with what it could not read
    ("objective: no date ('2026-02-30' is not a date)"), as the command line names it."""
    head = warning.split(" (")[0]
    unread = re.search(r"'[^']*' is not a date", warning)
    return f"{head} ({unread[0]})" if unread else head


def initiative_rows(item: InitiativeOverview, line_width: int = 0) -> list[Row]:
    """The lines of one initiative's block (the last one blank, between blocks)."""
    mark, role, words = HEALTH[item.health]
    head: Row = [
        (f"{mark} ", role),
        (literal(item.name), "heading"),
        (f"  {words}", role),
    ]
    if item.objective_date:
        head.append((f"  · by {item.objective_date}", "muted"))
    if item.owner:
        head.append((f"  · {literal(item.owner)}", "muted"))
    objective: Row = [("  ", ""), (literal(item.objective) or "no objective yet", "")]
    for warning in item.warnings:
        objective.append((f"  ⚠ {literal(short_warning(warning))}", "warn"))
    phases = item.open_by_phase
    counts: Row = [
        ("  open ", "muted"),
        (" ".join(f"{p[0].upper()} {phases.get(p, 0)}" for p in ("plan", "do", "check", "act")),
         "bold"),
        (f"  · {item.late_actions} late", "bad" if item.late_actions else "muted"),
        (f"  · {item.stale_actions} stale", "warn" if item.stale_actions else "muted"),
        (f"  · {len(item.kpis)} KPI{'s' if len(item.kpis) != 1 else ''}", "muted"),
    ]  # fmt: skip
    rows = [head, objective, counts, *why_rows(item.reasons, role, line_width)]
    # Names a wide terminal has room for were cut at 26 cells: as wide as the longest here,
    # as far as the line's other cells leave room (measured: a long unit widens them).
    longest = max((cell_len(literal(kpi.name)) for kpi in item.kpis), default=0)
    rest = max((sum(cell_len(t) for t, _ in kpi_row(kpi, 0)) for kpi in item.kpis), default=0)
    latest, status = LATEST_WIDTH, STATUS_WIDTH
    if line_width and rest + KPI_NAME_WIDTH > line_width:
        # Narrow: the latest readings' and the states' columns as wide as what they hold,
        # and the names give way, to NAME_LEAST: at 80 columns the targets' dates were cut
        # beside padded columns and whole names (a newcomer)
        latest = min(LATEST_WIDTH, max(cell_len(_latest(kpi)) for kpi in item.kpis) + 2)
        status = min(STATUS_WIDTH, max(len(kpi.status) for kpi in item.kpis) + 2)
        rest -= LATEST_WIDTH - latest + STATUS_WIDTH - status
        width = max(NAME_LEAST, min(longest, line_width - rest))
    else:
        width = max(KPI_NAME_WIDTH, min(longest, line_width - rest))
    rows += [kpi_row(kpi, width, latest, status) for kpi in item.kpis]
    rows.append([])
    return rows


WHY = "  why: "


def why_rows(reasons: list[str], role: str, line_width: int = 0) -> list[Row]:
    """``why: …``, the reasons of an initiative's health, on as many lines as ``line_width``
    needs (0: one), whole reasons a line where they fit: cut at the edge, the last ones could
    be read nowhere in the app (a keys trial); one longer than a line goes on over the next,
    broken at its spaces (a retrial)."""
    if not reasons:
        return []
    said = [literal(reason) for reason in reasons]
    if line_width <= 0:
        return [[(WHY, "muted"), ("; ".join(said), role)]]
    room = line_width - len(WHY) - 1  # and the ";" that ends a line between reasons
    lines: list[str] = []
    ends_reason: list[bool] = []  # whether each line ends a reason (";" after it, not last)
    for reason in said:
        pieces = _at_spaces(reason, room)
        if lines and ends_reason[-1] and cell_len(f"{lines[-1]}; {pieces[0]}") <= room:
            lines[-1] = f"{lines[-1]}; {pieces[0]}"
            ends_reason[-1] = len(pieces) == 1
            pieces = pieces[1:]
        for n, piece in enumerate(pieces, 1):
            lines.append(piece)
            ends_reason.append(n == len(pieces))
    last = len(lines) - 1
    return [
        [
            (WHY if n == 0 else " " * len(WHY), "muted"),
            (line + (";" if n < last and ends_reason[n] else ""), role),
        ]
        for n, line in enumerate(lines)
    ]


def _at_spaces(text: str, room: int) -> list[str]:
    """``text`` in pieces of at most ``room`` cells, broken at spaces (a word longer than
    that is a piece of its own, cut at the edge): "2 KPIs in alert (Alpha KPI 1 with long
    name; Alpha KPI 2 …" lost the names it listed (a retrial)."""
    if cell_len(text) <= room or room <= 0:
        return [text]
    pieces: list[str] = []
    for word in text.split(" "):
        if pieces and cell_len(f"{pieces[-1]} {word}") <= room:
            pieces[-1] = f"{pieces[-1]} {word}"
            continue
        # a word longer than a line (a KPI named p95-latency-of-the-checkout-api-…) goes on
        # over the next ones: cut at the edge, the name was read nowhere (a retrial)
        rest = word
        while cell_len(rest) > room:
            head = set_cell_size(rest, room).rstrip() or rest[0]  # a wide character: whole
            pieces.append(head)
            rest = rest[len(head) :]
        pieces.append(rest)
    return pieces


class InitiativesScreen(RowView):
    """Which initiatives are healthy, from their data; the worst on top."""

    VIEW = "Initiatives"

    BINDINGS = [
        UNDO_ON_THE_BOARD,
        Binding("r", "reload", "Reload", show=False, id="initiatives-reload"),
    ]

    DEFAULT_CSS = """
    InitiativesScreen #initiatives-summary { height: auto; max-height: 2; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[InitiativeOverview] = []
        self.owner_of_row: list[int] = []  # each row's initiative, an index into ``items``

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="initiatives-summary")
        yield RowList(
            empty="no initiatives yet (pdca initiative add NAME --objective TEXT)",
            id="initiatives-list",
        )

    def load(self) -> None:
        try:
            items = shown_overview(self.context.store)
        except PdcaError as error:
            self.notify(str(error), severity="error")
            return
        self.show(items)

    def reload(self) -> None:
        self.read_again()

    @work(thread=True, exclusive=True, group="initiatives-reload")
    def read_again(self) -> None:
        try:
            items = self.context.read(shown_overview)
        except PdcaError as error:
            land(self, self.notify, str(error), severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way: not this one
            land(self, self.show, items)

    def on_resize(self) -> None:
        if self.items:  # the KPI names' width follows the terminal's
            self.show(self.items)

    def show(self, items: list[InitiativeOverview]) -> None:
        keep = self.current.id if self.current else None
        self.items = items
        rows: list[Row] = []
        owners: list[int] = []
        start = None
        for index, item in enumerate(items):
            if item.id == keep:
                start = len(rows)
            block = initiative_rows(item, self.size.width - SCROLLBAR)
            rows += block
            owners += [index] * len(block)
        if rows and not rows[-1]:  # the blank between blocks: after the last, G landed on it
            rows.pop()
            owners.pop()
        self.owner_of_row = owners
        listed = self.query_one(RowList)
        listed.stops = [i for i, owner in enumerate(owners) if i == 0 or owners[i - 1] != owner]
        listed.show(rows, start)
        summary = Text()
        summary.append(f"{len(items)} initiative{'s' if len(items) != 1 else ''}", style="bold")
        for level in ("off-track", "at-risk", "on-track"):
            count = sum(i.health == level for i in items)
            mark, _, words = HEALTH[level]
            summary.append(f" · {mark} {count} {words}")
        summary.append(
            " · health from the data: KPIs, late and stale actions, follow-ups", style="dim"
        )
        self.query_one("#initiatives-summary", Static).update(summary)

    @property
    def current(self) -> InitiativeOverview | None:
        lists = self.query(RowList)
        if not lists or not self.items:
            return None
        index = lists.first().cursor
        if 0 <= index < len(self.owner_of_row):
            return self.items[self.owner_of_row[index]]
        return None

    @on(RowList.Selected)
    def open_selected(self) -> None:
        self.action_open_initiative()

    def action_open_initiative(self) -> None:
        item = self.current
        if item is not None:
            self.open_board(item.name)

    @work(group="jump", exclusive=True)
    async def open_board(self, name: str) -> None:
        from pdca.screens.jump import open_on_board

        await open_on_board(self.app, initiative=name)

    def action_reload(self) -> None:
        self.load()

    def palette_commands(self) -> list[PaletteEntry]:
        return [
            PaletteEntry(
                "Open the board of this initiative",
                "The highlighted initiative's actions (enter)",
                self.action_open_initiative,
            ),
            PaletteEntry(
                "Reload initiatives",
                "Read the initiatives again",
                self.action_reload,
                "initiatives-reload",
            ),
        ]
