"""What the line-drawn lists share: a cursor over rows, keeping it on screen, keys and clicks.

A ``ScrollView`` drawn with Textual's Line API (the subclass writes ``render_line``). A row
is ``row_height`` lines, the first ``row_lines`` of them drawn (the rest a gap before the next
row); ``header_lines`` lines at the top stay put while the rows scroll. The subclass says how
many rows there are (``row_count``) and which message a highlighted or selected row posts
(``highlighted_message``, ``selected_message``); the base keeps the cursor, scrolls, maps a
click to its row and refreshes on focus. It has no bindings of its own: each subclass keeps
its own keys and binding ids, pointing at the actions below.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.geometry import Offset, Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView


class LineList(ScrollView, can_focus=True):
    """Rows with a cursor, drawn line by line; the subclass draws them and names the messages."""

    # Rows are cut to the width, never scrolled sideways: the virtual width counted the
    # vertical scrollbar's cell, and every list showed an empty horizontal scrollbar, a row
    # lost above the footer (a tester).
    DEFAULT_CSS = """
    LineList { overflow-x: hidden; }
    """

    # No repaint of its own: ``watch_cursor`` draws what the move changed.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    header_lines = 0  # lines at the top that do not scroll (a column header)
    # Scrolled by the wheel since the person's last key or click here: the view stays where
    # they put it when a reload sets the cursor again (each colleague's write snapped a
    # wheeled column back to its cursor, a mouse user's trial). A key or a click ends it.
    wheeled = False
    # Focus comes with a press of the mouse here: the click that follows picks the row under
    # the pointer, so taking focus must not scroll the view first (a wheeled column jumped
    # back to its cursor, and the click landed on another card, a trial: #28 opened for #57).
    pressed = False

    # ------------------------------------------------------------------ the subclass's hooks

    @property
    def row_count(self) -> int:
        """How many rows there are (loaded or not)."""
        raise NotImplementedError

    @property
    def row_height(self) -> int:
        """Lines a row takes, its gap to the next row included."""
        return 1

    @property
    def row_lines(self) -> int:
        """Lines of a row that must be on screen when the cursor is on it."""
        return self.row_height

    def page_rows(self) -> int:
        """Rows one page key moves: a screenful less one line, so one row stays in view."""
        return max(1, self.scrollable_content_region.height - 1)

    def highlighted_message(self, index: int) -> Message | None:
        """The message posted when the cursor rests on row ``index`` (None: nothing)."""
        return None

    def selected_message(self, index: int) -> Message | None:
        """The message posted when row ``index`` is chosen (enter, double click)."""
        return None

    # ------------------------------------------------------------------ size

    def update_virtual_size(self) -> None:
        """The scrollable height follows the row count: call it when the rows change."""
        self.virtual_size = Size(
            self.size.width, self.row_count * self.row_height + self.header_lines
        )

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(
            event.size.width, self.row_count * self.row_height + self.header_lines
        )
        # The cursor's row stays on screen as the list gets shorter: a window made smaller
        # left the focused card below the edge, and no card marked at all (a tester).
        if self.row_count:
            self.call_after_refresh(self.scroll_to_row, self.cursor)

    # ------------------------------------------------------------------ the cursor

    def set_cursor(self, index: int) -> None:
        count = self.row_count
        self.cursor = max(0, min(index, count - 1)) if count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        scrolled = self.scroll_offset
        if self.row_count and not self.wheeled:
            self.scroll_to_row(new)
        if old != new and self.scroll_offset == scrolled:
            # Only the two rows the cursor left and reached look different: the whole list
            # drawn again was 5.5 KB a j over SSH, at 120x40 (a trial).
            for index in (old, new):
                self.refresh_lines(self.header_lines + index * self.row_height, self.row_height)
        else:
            self.refresh()  # scrolled, or set again to where it was (its rows read anew)
        message = self.highlighted_message(new)
        if message is not None:
            self.post_message(message)
        # Now, with the rows drawn again: the terminal is told where it goes only with a
        # screen's update (after it, the next key's update showed it, one key late)
        self.point_the_terminal_cursor()

    def point_the_terminal_cursor(self) -> None:
        """The terminal's own (hidden) cursor at the start of the cursor's row, as an input
        puts it at its caret: screen readers and braille displays follow it, and it stayed at
        the top left whatever was focused (a trial of terminals)."""
        if not self.has_focus or not self.row_count or not self.is_mounted:
            return
        if not self.screen.is_active:  # under a dialog: its field's caret is where it is
            return
        region = self.content_region
        y = region.y + self.header_lines + self.cursor * self.row_height - round(self.scroll_y)
        if region.y <= y < region.bottom:
            self.app.cursor_position = Offset(region.x, y)

    def scroll_to_row(self, index: int) -> None:
        """Scroll the least whole rows that put row ``index``'s drawn lines on screen. By
        lines, a column of cards began mid-card, its top rows blank, and stayed so once the
        card that had it scroll went (a move undone: two testers)."""
        visible = self.scrollable_content_region.height - self.header_lines
        if visible <= 0:
            return
        top = index * self.row_height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + self.row_lines > self.scroll_y + visible:
            rows_above = -(-(top + self.row_lines - visible) // self.row_height)  # rounded up
            y = min(top, rows_above * self.row_height)
            self.scroll_to(y=y, animate=False, immediate=True)

    def row_shown(self, index: int) -> bool:
        """Row ``index``'s drawn lines are all on screen (as ``scroll_to_row`` counts)."""
        top = index * self.row_height
        visible = self.scrollable_content_region.height - self.header_lines
        return self.scroll_y <= top and top + self.row_lines <= self.scroll_y + visible

    def center_row(self, index: int) -> None:
        """Scroll row ``index`` to mid-screen, whole rows at the top: where a jump lands."""
        visible = self.scrollable_content_region.height - self.header_lines
        rows = max(1, visible // self.row_height)
        self.scroll_to(y=max(0, index - rows // 2) * self.row_height, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self.set_cursor(self.cursor + step)

    def action_cursor_to(self, index: int) -> None:
        """Row ``index``; a negative index counts from the end (-1: the last row)."""
        self.set_cursor(index if index >= 0 else self.row_count + index)

    def action_cursor_up(self) -> None:
        self.set_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.set_cursor(self.cursor + 1)

    def action_cursor_first(self) -> None:
        self.set_cursor(0)

    def action_cursor_last(self) -> None:
        self.set_cursor(self.row_count - 1)

    def action_page(self, direction: int) -> None:
        self.set_cursor(self.cursor + direction * self.page_rows())

    def action_select(self) -> None:
        if self.row_count:
            message = self.selected_message(self.cursor)
            if message is not None:
                self.post_message(message)

    def row_at(self, y: int) -> int | None:
        """The row under line ``y`` of the widget, its gap included (None: the header or past
        the last row)."""
        if y < self.header_lines:
            return None
        index = int(y - self.header_lines + self.scroll_y) // self.row_height
        return index if 0 <= index < self.row_count else None

    def on_mouse_scroll_down(self) -> None:
        self.wheeled = True

    def on_mouse_scroll_up(self) -> None:
        self.wheeled = True

    def on_key(self) -> None:
        self.wheeled = False  # the keyboard again: the cursor is kept on screen
        self.pressed = False

    def focus_on_click(self) -> bool:
        """Asked by Textual as the mouse goes down here, before it gives focus."""
        self.pressed = True
        return super().focus_on_click()

    def on_mouse_up(self) -> None:
        self.pressed = False

    def on_click(self, event: events.Click) -> None:
        self.pressed = False
        index = self.row_at(event.y)
        if index is not None:
            # a row chosen: the view follows the cursor again (a click on the header keeps
            # the wheeled view, else the next colleague's write snapped it back, a reviewer)
            self.wheeled = False
            self.focus()
            self.set_cursor(index)
            if event.chain >= 2:
                self.action_select()

    def on_focus(self) -> None:
        if self.wheeled and not self.pressed:  # come to with h or l: its cursor shown
            self.wheeled = False
            self.scroll_to_row(self.cursor)
        # read once: a press that ended elsewhere (a drag out of the list) left it set, and
        # focus by h or l later kept the cursor off screen (a reviewer)
        self.pressed = False
        self.refresh()

    def watch_has_focus(self, focus: bool) -> None:
        super().watch_has_focus(focus)
        # As focus moves, before the frame that draws it: from on_focus the terminal was
        # told only with the next key's frame
        if focus:
            self.point_the_terminal_cursor()
            # and once laid out: the first focus comes before the first layout
            self.call_after_refresh(self.point_the_terminal_cursor)

    def on_blur(self) -> None:
        self.pressed = False
        self.refresh()


def point_the_terminal_cursor_of(screen: Screen[Any]) -> None:
    """Back on ``screen`` (another view, a dialog closed): the terminal's cursor where its
    focused list's cursor is, not where the last view left it."""
    if isinstance(screen.focused, LineList):
        screen.focused.point_the_terminal_cursor()
