"""The base of the line-drawn lists (widgets/line_list.py) on its own, in a harness app: the
keys move a cursor that stays on screen, a click picks the row under it, a double click
selects it. One-line rows, and cards of three lines (two drawn, a gap) under a header."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from pdca.widgets.line_list import LineList

ROWS = 50
HEIGHT = 10


class Numbers(LineList):
    DEFAULT_CSS = "Numbers { height: 10; scrollbar-size-vertical: 1; }"

    BINDINGS = [
        Binding("up", "cursor_up"),
        Binding("down", "cursor_down"),
        Binding("home", "cursor_first"),
        Binding("end", "cursor_last"),
        Binding("pageup", "page(-1)"),
        Binding("pagedown", "page(1)"),
        Binding("enter", "select"),
    ]

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, height: int = 1, lines: int = 1, header: int = 0) -> None:
        super().__init__()
        self._height = height
        self._lines = lines
        self.header_lines = header

    @property
    def row_count(self) -> int:
        return ROWS

    @property
    def row_height(self) -> int:
        return self._height

    @property
    def row_lines(self) -> int:
        return self._lines

    def page_rows(self) -> int:
        return max(1, (self.scrollable_content_region.height - self.header_lines) // self._height)

    def selected_message(self, index: int) -> Message:
        return self.Selected(index)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < self.header_lines:
            return Strip([Segment("header")]).extend_cell_length(width)
        index, line = divmod(y - self.header_lines + int(self.scroll_y), self._height)
        mark = ">" if index == self.cursor else " "
        text = f"{mark}row {index}" if line < self._lines and index < ROWS else ""
        return Strip([Segment(text)]).extend_cell_length(width)


class Harness(App[None]):
    def __init__(self, numbers: Numbers) -> None:
        super().__init__()
        self.numbers = numbers
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield self.numbers

    def on_mount(self) -> None:
        self.numbers.focus()

    def on_numbers_selected(self, message: Numbers.Selected) -> None:
        self.selected.append(message.index)


SHAPES = {
    "one-line rows": {"height": 1, "lines": 1, "header": 0},
    "cards under a header": {"height": 3, "lines": 2, "header": 1},
}


def on_screen(numbers: Numbers) -> bool:
    """Every drawn line of the cursor's row is inside the scrolling part of the widget."""
    top = numbers.cursor * numbers.row_height
    visible = numbers.scrollable_content_region.height - numbers.header_lines
    return numbers.scroll_y <= top and top + numbers.row_lines <= numbers.scroll_y + visible


@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
async def test_the_keys_move_the_cursor_and_it_stays_on_screen(shape: dict[str, int]) -> None:
    numbers = Numbers(**shape)
    app = Harness(numbers)
    async with app.run_test(size=(40, HEIGHT)) as pilot:
        await pilot.pause()
        assert numbers.virtual_size.height == ROWS * shape["height"] + shape["header"]
        await pilot.press("up")  # already at the top: it stays
        assert numbers.cursor == 0
        for expected in range(1, 13):
            await pilot.press("down")
            assert numbers.cursor == expected
            assert on_screen(numbers)
            # whole rows above: by lines, a column of cards began mid-card (two testers)
            assert numbers.scroll_y % numbers.row_height == 0
        assert numbers.scroll_y > 0  # it had to scroll to keep up
        await pilot.press("pagedown")
        assert numbers.cursor == 12 + numbers.page_rows()
        assert on_screen(numbers)
        await pilot.press("end")
        assert numbers.cursor == ROWS - 1
        assert on_screen(numbers)
        await pilot.press("down")  # past the last row: it stays
        assert numbers.cursor == ROWS - 1
        await pilot.press("pageup")
        assert numbers.cursor == ROWS - 1 - numbers.page_rows()
        assert on_screen(numbers)
        for _ in range(5):
            await pilot.press("up")
            assert on_screen(numbers)
        await pilot.press("home")
        assert numbers.cursor == 0
        assert numbers.scroll_y == 0
        assert app.selected == []  # moving is not choosing


@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
async def test_a_click_picks_the_row_under_it_and_a_double_click_selects_it(
    shape: dict[str, int],
) -> None:
    numbers = Numbers(**shape)
    app = Harness(numbers)
    height, header = shape["height"], shape["header"]
    async with app.run_test(size=(40, HEIGHT)) as pilot:
        await pilot.pause()
        await pilot.press("end")  # scrolled to the bottom, so the click maps through scroll_y
        scroll = int(numbers.scroll_y)
        assert scroll > 0
        y = header + 4
        clicked = (scroll + y - header) // height
        assert clicked != numbers.cursor
        assert await pilot.click(Numbers, offset=(3, y))
        await pilot.pause()
        assert numbers.cursor == clicked
        assert app.selected == []  # one click only moves the cursor
        assert await pilot.double_click(Numbers, offset=(3, y))
        await pilot.pause()
        assert app.selected[-1] == clicked
        if header:
            before = numbers.cursor
            assert await pilot.click(Numbers, offset=(3, 0))  # the header is no row
            await pilot.pause()
            assert numbers.cursor == before


async def test_enter_selects_the_cursor_row() -> None:
    numbers = Numbers()
    app = Harness(numbers)
    async with app.run_test(size=(40, HEIGHT)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert app.selected == [3]
