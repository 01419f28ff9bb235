"""The KPIs view's rows, drawn line by line: 200 KPIs cost what the visible twenty cost.

A ``ScrollView`` with Textual's Line API, like the board's columns: its first line is the
column header (it stays put while the rows scroll). It is dumb: the screen hands it
``KpiRow`` models; it keeps a cursor and posts ``Highlighted`` and ``Selected``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from pdca.db.models import KpiRow
from pdca.widgets.line_list import LineList
from pdca.widgets.marks import KPI_MARKS
from pdca.widgets.sparkline import sparkline
from pdca.widgets.text import fit, fit_name, literal

# Shapes that differ, so a status reads without colour too.
STATUS_MARKS = KPI_MARKS
STATUS_WORDS = {
    "alert": "alert",
    "warn": "warn",
    "overdue": "overdue",  # as pdca kpi list says it ("late" said it otherwise, a tester)
    "no-data": "no data",
    "ok": "ok",
    "on-target": "on target",
}
TREND_ARROWS = {1: "↗", -1: "↘", 0: "→"}


SIGNAL_MARK = "↯"


# Big numbers in a narrow cell, as dashboards and finance write them: 123k, 4.5M, 2.1B, 7T.
_SCALES = ((1e3, "k"), (1e6, "M"), (1e9, "B"), (1e12, "T"))
_COMPACT_UP_TO = 1e15  # beyond, an exponent (1e+15): no suffix people read at sight


def number(value: float | None, extra: int = 0, *, scale_of: float | None = None) -> str:
    """A KPI figure in at most seven cells: four significant digits under a thousand (27.5,
    0.1234), whole numbers up to 99999, then a suffix (123k, 1.23M); ``.4g`` had shown
    12 345 as ``1.234e+04``. ``extra`` digits tell close values apart (a chart's axis);
    ``scale_of``: written in the style that value takes, so an axis reads one way (it mixed
    "-99998.25" and "-100.005k", a tester)."""
    if value is None:
        return "-"
    if value == 0 or not math.isfinite(value):  # inf and nan from files of older pdcas
        return "0" if value == 0 else str(value)
    size = abs(value) if scale_of is None else max(abs(scale_of), abs(value))
    if scale_of is not None and abs(value) < size / 1000:
        size = abs(value)  # a tick tiny beside the widest: its own style (3, not 0.003k)
    if size < 1000:
        return f"{value:.{4 + extra}g}"
    if abs(round(value)) < 1e5 and size < 1e5:  # whole (-99999.5 is -100k: its style)
        return str(round(value)) if not extra else f"{value:.{5 + extra}g}"
    for scale, suffix in _SCALES if size < _COMPACT_UP_TO else ():
        scaled = f"{value / scale:.{3 + extra}g}"  # the smallest scale under 1000 once rounded
        if "e" not in scaled and abs(float(scaled)) < 1000:
            return scaled + suffix
    return f"{value:.{3 + extra}g}"


OWNER_MOST = 20  # cells the owner column takes from the chart and the name, at most


@dataclass(frozen=True)
class Layout:
    """Column widths for a table ``width`` cells wide (0: the column is left out)."""

    name: int
    status: int
    perspective: int
    latest: int
    spark: int
    target: int
    owner: int

    @classmethod
    def for_width(cls, width: int, owners: int = 0) -> Layout:
        """``owners``: the cells the widest owner cell holds ("heidi → alice", an alert passed
        on): from 60 columns the chart, then the name, give it up to OWNER_MOST cells."""
        wide = width >= 110
        status = 10 if wide else 0
        # Headed PERSPECTIVE as kpi list and --perspective name it: "VIEW" read as a view of
        # pdca (a new user)
        perspective = 11 if width >= 72 else 0
        # The owner column holds "bob → lena" (who an alert waits for now): at 8 cells the
        # alerts box (106 wide) showed "bob → l…" beside an empty chart (a tester).
        latest, target, owner = 11, 7, (12 if width >= 90 else 8)
        # Narrow: the target, then the owner give way (the KPI's detail has them): at 40
        # columns a name kept four cells, "■ ⚑ ↯ L…es", and the owner ran past the edge (a
        # tester). The name and the latest value are the row.
        target = target if width >= 56 else 0
        owner = owner if width >= 48 else 0
        # the owner's 4 more cells from 90 come from the chart, not the name (it shrank by 4
        # from 89 to 90 columns: a reviewer)
        spark = max(8, min(40, (width - 60) // 2) - (owner - 8)) if width >= 60 else 0
        if spark and owners > owner:
            # whom an escalated alert waits on is the name a lead looks for: at 80 columns it
            # was "bob → e…" beside a chart (a newcomer)
            more = min(owners, OWNER_MOST) - owner
            owner += more
            spark = max(8, spark - more)
        fixed = 3 + status + perspective + latest + spark + target + 3 + owner  # ▌, mark, ↗!
        gaps = sum(1 for w in (status, perspective, latest, spark, target, owner) if w)
        name = max(8, width - fixed - gaps - 1)
        return cls(name, status, perspective, latest, spark, target, owner)


class KpiTable(LineList):
    """One row per KPI with a cursor; the screen decides what happens to them."""

    DEFAULT_CSS = """
    KpiTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    KpiTable > .kpi-table--header { color: $text-muted; text-style: bold; background: $panel; }
    KpiTable > .kpi-table--cursor { background: $boost; }
    KpiTable:focus > .kpi-table--cursor { background: $primary 35%; }
    KpiTable > .kpi-table--marker { color: $accent; }
    KpiTable > .kpi-table--muted { color: $text-muted; }
    KpiTable > .kpi-table--name { text-style: bold; }
    KpiTable > .kpi-table--alert { color: $text-error; text-style: bold; }
    KpiTable > .kpi-table--warn { color: $text-warning; }
    KpiTable > .kpi-table--overdue { color: $text-warning; }
    KpiTable > .kpi-table--no-data { color: $text-muted; }
    KpiTable > .kpi-table--ok { color: $text-success; }
    KpiTable > .kpi-table--on-target { color: $text-success; text-style: bold; }
    KpiTable > .kpi-table--better { color: $text-success; }
    KpiTable > .kpi-table--worse { color: $text-error; }
    KpiTable > .kpi-table--spark { color: $accent; }
    KpiTable > .kpi-table--empty { color: $text-muted; text-style: italic; }
    """

    COMPONENT_CLASSES = {
        "kpi-table--header",
        "kpi-table--cursor",
        "kpi-table--marker",
        "kpi-table--muted",
        "kpi-table--name",
        "kpi-table--alert",
        "kpi-table--warn",
        "kpi-table--overdue",
        "kpi-table--no-data",
        "kpi-table--ok",
        "kpi-table--on-target",
        "kpi-table--better",
        "kpi-table--worse",
        "kpi-table--spark",
        "kpi-table--empty",
    }

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="kpi-up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="kpi-down"),
        Binding("home,g", "cursor_to(0)", "First", show=False, id="kpi-first"),
        Binding("end,G", "cursor_to(-1)", "Last", show=False, id="kpi-last"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="kpi-page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="kpi-page-down"),
        Binding("enter", "select", "Open", id="kpi-open"),
    ]

    header_lines = 1  # the column header stays put

    class Highlighted(Message):
        def __init__(self, table: KpiTable, kpi_id: int | None) -> None:
            super().__init__()
            self.table = table
            self.kpi_id = kpi_id

        @property
        def control(self) -> KpiTable:
            return self.table

    class Selected(Highlighted):
        """Enter or a double click on a row: the screen opens the KPI."""

    def __init__(
        self,
        *,
        id: str | None = None,
        empty: str = "no KPIs yet: pdca kpi add NAME --unit U --baseline X --target Y",
    ) -> None:
        super().__init__(id=id)
        self.empty = empty  # what an empty table says
        self.rows: list[KpiRow] = []
        self.owner_cells = 0  # the widest owner cell of the rows (owner_words)

    # ------------------------------------------------------------------ data in

    def show(self, rows: list[KpiRow], keep_id: int | None = None) -> None:
        self.rows = rows
        self.owner_cells = max((cell_len(owner_words(row)) for row in rows), default=0)
        self.update_virtual_size()
        index = next((i for i, r in enumerate(rows) if r.kpi.id == keep_id), None)
        self.set_cursor(self.cursor if index is None else index)
        self.refresh()

    @property
    def current(self) -> KpiRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    # ------------------------------------------------------------------ the base's hooks

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def highlighted_message(self, index: int) -> Message:
        current = self.current
        return self.Highlighted(self, current.kpi.id if current else None)

    def selected_message(self, index: int) -> Message | None:
        current = self.current
        return None if current is None else self.Selected(self, current.kpi.id)

    # ------------------------------------------------------------------ drawing

    def _style(self, name: str):
        return self.get_component_rich_style(name) if name else None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = Layout.for_width(width, self.owner_cells)
        if y == 0:
            style = self.rich_style + self.get_component_rich_style("kpi-table--header")
            cells = [(" ", ""), *self._cells(layout, None)]
            return self._strip([(t, "") for t, _ in cells], style, width)
        if not self.rows:
            if y == 2:
                style = self.rich_style + self.get_component_rich_style("kpi-table--empty")
                text = " " + self.empty
                return Strip([Segment(fit(text, width), style)]).extend_cell_length(width, style)
            return Strip.blank(width, self.rich_style)
        index = y - 1 + int(self.scroll_y)
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        base, over = self.rich_style, None
        if index == self.cursor:
            # Over each cell's own style too, which carries the table's background: under
            # it, the cursor row looked like every other (a tester).
            cursor = self.get_component_rich_style("kpi-table--cursor")
            base, over = base + cursor, Style(bgcolor=cursor.bgcolor)
        # A shape at the cursor too, as the board and the other views have: in a terminal
        # without colour its background alone showed no row chosen (a tester).
        marker = ("▌" if index == self.cursor and self.has_focus else " ", "kpi-table--marker")
        return self._strip([marker, *self._cells(layout, self.rows[index])], base, width, over)

    def _strip(
        self, cells: list[tuple[str, str]], base: Style, width: int, over: Style | None = None
    ) -> Strip:
        segments = []
        used = 0
        for text, name in cells:
            style = base + self.get_component_rich_style(name) if name else base
            segments.append(Segment(text, style + over if over else style))
            used += cell_len(text)
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def _cells(self, layout: Layout, row: KpiRow | None) -> list[tuple[str, str]]:
        """(text, component class) pieces of one line, padded to the layout's widths."""

        def cell(
            text: str, size: int, name: str = "", right: bool = False, middle: bool = False
        ) -> tuple[str, str]:
            shown = fit_name(text, size) if middle else fit(text, size)
            pad = " " * (size - cell_len(shown))
            return ((pad + shown) if right else (shown + pad)) + " ", name

        if row is None:
            parts = [(" " * 2, "")]
            parts.append(cell("KPI", layout.name))
            if layout.status:
                parts.append(cell("STATUS", layout.status))
            if layout.perspective:
                parts.append(cell("PERSPECTIVE", layout.perspective))
            parts.append(cell("LATEST", layout.latest, right=True))
            if layout.spark:
                parts.append(cell("RECENT", layout.spark))
            if layout.target:
                parts.append(cell("TARGET", layout.target, right=True))
            parts.append(("   ", ""))
            if layout.owner:
                parts.append(cell("OWNER", layout.owner))
            return parts
        kpi = row.kpi
        state = f"kpi-table--{row.status}"
        waiting = row.alert is not None and row.alert.acknowledged_at is None
        parts = [(STATUS_MARKS[row.status] + " ", state)]
        # ⚑ an alert waiting; ↯ a process signal on the bad side now (db/xmr.py), which can
        # show a drift before any threshold does, or the row's alert is a signal's.
        signal = row.signals or (row.alert is not None and row.alert.rule is not None)
        name = ("⚑ " if waiting else "") + (f"{SIGNAL_MARK} " if signal else "")
        # ◔ its cadence missed, beside a status that outranks saying so (alert, warn): a
        # warning 14 days old read as today's (a coach)
        if row.measurement_overdue and row.status != "overdue":
            name += STATUS_MARKS["overdue"] + " "
        name += literal(kpi.name)
        style = "kpi-table--alert" if waiting else "kpi-table--name"
        parts.append(cell(name, layout.name, style, middle=True))
        if layout.status:
            parts.append(cell(STATUS_WORDS[row.status], layout.status, state))
        if layout.perspective:
            parts.append(cell(literal(kpi.perspective), layout.perspective, "kpi-table--muted"))
        latest = "-" if kpi.latest_value is None else f"{number(kpi.latest_value)} {kpi.unit}"
        parts.append(cell(literal(latest), layout.latest, state, right=True))
        if layout.spark:
            spark = sparkline(row.recent, layout.spark)
            parts.append(cell(spark, layout.spark, "kpi-table--spark"))
        if layout.target:
            parts.append(cell(number(kpi.target), layout.target, "kpi-table--muted", right=True))
        arrow = " " if row.trend == "unknown" else TREND_ARROWS[row.trend_sign]
        trend_class = {"better": "kpi-table--better", "worse": "kpi-table--worse"}
        # "!" after a worse one: red and green alone told them apart, which a colour-blind
        # or monochrome terminal does not show (a trial); as a late card's "!" says it
        worse = "!" if row.trend == "worse" else " "
        parts.append((arrow + worse + " ", trend_class.get(row.trend, "kpi-table--muted")))
        if not layout.owner:
            return parts
        parts.append(
            cell(
                owner_words(row),
                layout.owner,
                "kpi-table--alert" if waiting else "kpi-table--muted",
            )
        )
        return parts


def owner_words(row: KpiRow) -> str:
    """The owner cell: the KPI's owner, and whom its unacknowledged alert waits for now when
    escalated past them (``bob → erin``)."""
    owner = literal(row.kpi.owner) or "-"
    alert = row.alert
    if alert is not None and alert.acknowledged_at is None and alert.assignee != row.kpi.owner:
        owner += " → " + literal(alert.assignee)  # escalated: whom it waits for now
    return owner
