"""A list of one-line rows drawn with the Line API: thousands of rows cost what a screenful does.

Dumb, like the board's columns: the screen hands it rows already cut into (text, role) pieces
(text made literal by the screen with ``widgets.text.literal``), it keeps a cursor, and it
posts ``Highlighted``, ``Selected`` and ``NearEnd`` (time to page in more) upward.

A screen that holds a window of a longer list (the check-in log) sets ``more_before`` and
``more_after``: then ``NearStart`` asks for the rows above the window, and Home/End post
``ToFirst``/``ToLast`` for the screen to read the list's true ends, instead of stopping at the
window's; ``reshape`` puts the new rows in and keeps the cursor and the view on the same rows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from pdca.widgets.line_list import LineList
from pdca.widgets.text import fit, literal

Piece = tuple[str, str]  # (text, role: "" or one of ROLES)
Row = list[Piece]
ROLES = ("muted", "bold", "id", "good", "warn", "bad", "heading", "accent")
NEAR_END_ROWS = 40


class RowList(LineList):
    """Rows with a cursor; the screen decides what a row means."""

    DEFAULT_CSS = """
    RowList { height: 1fr; scrollbar-size-vertical: 1; background: $surface; }
    RowList > .row-list--cursor { background: $boost; }
    RowList:focus > .row-list--cursor { background: $primary 35%; }
    RowList > .row-list--muted { color: $text-muted; }
    RowList > .row-list--bold { text-style: bold; }
    RowList > .row-list--id { color: $text-muted; }
    RowList > .row-list--good { color: $text-success; }
    RowList > .row-list--warn { color: $text-warning; text-style: bold; }
    RowList > .row-list--bad { color: $text-error; text-style: bold; }
    RowList > .row-list--heading { text-style: bold; color: $accent; }
    RowList > .row-list--accent { color: $accent; }
    RowList > .row-list--empty { color: $text-muted; text-style: italic; }
    """

    COMPONENT_CLASSES = {"row-list--cursor", "row-list--empty"} | {f"row-list--{r}" for r in ROLES}

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="rows-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="rows-down"),
        Binding("home,g", "cursor_first", "First", show=False, id="rows-first"),
        Binding("end,G", "cursor_last", "Last", show=False, id="rows-last"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="rows-page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="rows-page-down"),
        Binding("enter", "select", "Open", id="rows-select"),
    ]

    class Highlighted(Message):
        def __init__(self, rows: RowList, index: int) -> None:
            super().__init__()
            self.rows = rows
            self.index = index

        @property
        def control(self) -> RowList:
            return self.rows

    class Selected(Highlighted):
        """Enter (or a double click) on a row."""

    class Paging(Message):
        """What the paging messages share (a handler of one never sees the others: Textual
        hands a message to the handlers of its base classes too)."""

        def __init__(self, rows: RowList) -> None:
            super().__init__()
            self.rows = rows

        @property
        def control(self) -> RowList:
            return self.rows

    class NearEnd(Paging):
        """The cursor came close to the last row: the screen may page in more."""

    class NearStart(Paging):
        """The cursor came close to the first row and ``more_before``: page in the rows above."""

    class ToFirst(Paging):
        """Home with ``more_before``: the screen reads the list's first rows."""

    class ToLast(Paging):
        """End with ``more_after``: the screen reads the list's last rows, the cursor on it."""

    def __init__(self, *, empty: str = "nothing here", id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[Row] = []  # a list, or a sequence that builds rows when drawn
        self.empty = empty
        self.more_before = False  # rows above the first one held (the screen's window)
        self.more_after = False  # rows past the last one held
        self._asked_at = -1
        self._asked_start_at = -1
        # The rows the cursor steps between (a block's first row each), or None: every row.
        # The initiatives' blocks took six j's each, one a line (a new user).
        self.stops: list[int] | None = None

    # ------------------------------------------------------------------ data in

    def show(self, rows: Sequence[Row], keep: int | None = None) -> None:
        self.rows = rows
        self._asked_at = self._asked_start_at = -1
        self.update_virtual_size()
        self.set_cursor(self.cursor if keep is None else keep)
        self.refresh()

    def reshape(self, rows: Sequence[Row], shift: int = 0) -> None:
        """New rows in which the old row ``i`` is row ``i + shift`` (rows put on top: a
        positive shift; rows dropped from the top: a negative one): the cursor and the view
        stay on the same rows, so paging in or dropping a page does not move what is seen."""
        self.rows = rows
        self._asked_at = self._asked_start_at = -1
        self.update_virtual_size()
        if shift:
            y = max(0, int(self.scroll_y) + shift * self.row_height)
            self.scroll_to(y=y, animate=False, immediate=True)
        self.set_cursor(self.cursor + shift)
        self.refresh()

    def extend(self, rows: list[Row]) -> None:
        self.rows = [*self.rows, *rows]
        self.update_virtual_size()
        self.refresh()

    # ------------------------------------------------------------------ the base's hooks

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def highlighted_message(self, index: int) -> Message:
        return self.Highlighted(self, index)

    def selected_message(self, index: int) -> Message:
        return self.Selected(self, index)

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        if self.rows and len(self.rows) - new <= NEAR_END_ROWS and self._asked_at != len(self.rows):
            self._asked_at = len(self.rows)
            self.post_message(self.NearEnd(self))
        if self.more_before and new < NEAR_END_ROWS and self._asked_start_at != len(self.rows):
            self._asked_start_at = len(self.rows)
            self.post_message(self.NearStart(self))

    def action_cursor_down(self) -> None:
        if not self.stops:
            super().action_cursor_down()
            return
        after = bisect_right(self.stops, self.cursor)
        if after < len(self.stops):
            self.set_cursor(self.stops[after])
            # the whole block in sight when it fits: its last line, then its first
            end = self.stops[after + 1] - 1 if after + 1 < len(self.stops) else self.row_count - 1
            self.scroll_to_row(end)
            self.scroll_to_row(self.cursor)

    def action_cursor_up(self) -> None:
        if not self.stops:
            super().action_cursor_up()
            return
        before = bisect_left(self.stops, self.cursor)
        if before > 0:
            self.set_cursor(self.stops[before - 1])

    def action_page(self, direction: int) -> None:
        was = self.cursor
        super().action_page(direction)
        if not self.stops:
            return
        # Onto the start of the block it landed in, and a block on at least: a page shorter
        # than a block landed in the block it began in, and pgdn went nowhere (a reviewer)
        at = bisect_right(self.stops, self.cursor) - 1
        if direction > 0 and self.stops[max(0, at)] <= was:
            at = bisect_right(self.stops, was)
        elif direction < 0 and self.stops[max(0, at)] >= was:
            at = bisect_left(self.stops, was) - 1
        self.set_cursor(self.stops[min(max(0, at), len(self.stops) - 1)])

    def action_cursor_first(self) -> None:
        if self.more_before:
            self.post_message(self.ToFirst(self))
        else:
            super().action_cursor_first()

    def action_cursor_last(self) -> None:
        if self.more_after:
            self.post_message(self.ToLast(self))
        elif self.stops:  # the last block's start, as j and k land
            self.set_cursor(self.stops[-1])
            self.scroll_to_row(self.row_count - 1)
            self.scroll_to_row(self.cursor)
        else:
            super().action_cursor_last()

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_y)
        base = self.rich_style
        if not self.rows:
            if y == 0:
                style = base + self.get_component_rich_style("row-list--empty")
                return Strip([Segment(fit(f" {self.empty}", width), style)]).extend_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        # The cursor's background goes over each piece's own style, which carries the list's
        # background: under it, the cursor row looked like every other (a tester).
        over: Style | None = None  # the cursor's background, on its row alone
        if index == self.cursor:
            cursor = self.get_component_rich_style("row-list--cursor")
            base, over = base + cursor, Style(bgcolor=cursor.bgcolor)
        marker = "▌" if index == self.cursor and self.has_focus else " "
        accent = base + self.get_component_rich_style("row-list--accent")
        segments = [Segment(marker, accent + over if over else accent)]
        room = width - 1
        row = self.rows[index]
        for at, (shown, role) in enumerate(row):
            if room <= 0:
                break
            # Whatever a view forgot, no row draws terminal control: a KPI's name in the
            # initiatives' "why" cleared the screen (a tester). Escaping twice changes nothing.
            text = literal(shown)
            piece = fit(text, room)
            if cell_len(text) == room and any(more for more, _ in row[at + 1 :]):
                # It fills the line to the last cell and more was to come: the cut is shown,
                # as it is inside a piece (a tester read "#7032 … catalog" as nothing to raise,
                # its "— 8d late, blocked" gone without a mark).
                piece = fit(text + " ", room)
            style = base + self.get_component_rich_style(f"row-list--{role}") if role else base
            segments.append(Segment(piece, style + over if over else style))
            room -= cell_len(piece)
        return Strip(segments).extend_cell_length(width, base).crop(0, width)
