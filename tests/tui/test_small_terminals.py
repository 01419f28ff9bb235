"""What a plain terminal shows: the focused card's background in one piece, whatever colours
its pieces have (with 16 colours a piece's own background broke it into stripes)."""

from __future__ import annotations

from pathlib import Path

from pdca.widgets.phase_column import CARD_LINES, PhaseColumn
from tests.tui.conftest import SIZE


async def test_the_focused_card_has_one_background_across_its_pieces(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        column = app.focused
        assert isinstance(column, PhaseColumn) and column.cursor == 0
        for y in range(CARD_LINES):
            strip = column.render_line(y)
            backgrounds = {seg.style.bgcolor for seg in strip if seg.style and seg.text.strip()}
            assert len(backgrounds) == 1, (y, [(s.text, s.style) for s in strip])
