"""The row list (widgets/row_list.py) in a harness app: a row longer than the line shows
where it was cut, even where one piece fills the line to its last cell and the next is lost
whole (a tester's stand-up line lost its "— 8d late, blocked" without a mark)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from pdca.widgets.row_list import Row, RowList

WIDTH = 12  # the cursor's cell, then 11 for the row


class Harness(App[None]):
    CSS = f"RowList {{ width: {WIDTH}; height: 3; scrollbar-size-vertical: 0; }}"

    def __init__(self, row: Row) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        yield RowList()

    def on_mount(self) -> None:
        self.query_one(RowList).show([self.row])


@pytest.mark.parametrize(
    ("row", "drawn"),
    [
        ([("#7 catalog.", "bold"), (" — 8d late", "bad")], "#7 catalog…"),  # fills, then more
        ([("#7 catalog!!", "bold"), (" — late", "bad")], "#7 catalog…"),  # overflows itself
        ([("#7 catalog.", "bold")], "#7 catalog."),  # fills, nothing more: no mark
        ([("#7 catalog.", "bold"), ("", "bad")], "#7 catalog."),  # only an empty piece after
        ([("#7 ", "id"), ("go", "bold"), (" — late", "bad")], "#7 go — la…"),
    ],
)
async def test_a_cut_row_ends_in_an_ellipsis(row: Row, drawn: str) -> None:
    app = Harness(row)
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        line = app.query_one(RowList).render_line(0).text
        assert line[1:] == drawn
