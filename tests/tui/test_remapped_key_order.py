"""A remapped key keeps its binding's place in the footer and the ``?`` panel: Textual adds
a remapped key at the end of its bindings, and at 120 columns the footer then cut off the
board's "Next phase" (found by a tester remapping ``board-next``)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from pdca.screens.keys_help import PdcaBindingsTable
from pdca.tui.settings import settings_path
from tests.tui.conftest import SIZE


def _descriptions(table: PdcaBindingsTable) -> list[str]:
    return [str(cell) for cell in table.render_bindings_table().columns[1]._cells]


async def test_a_remapped_key_stays_where_its_binding_is_declared(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    file = settings_path(env)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text('[keys]\nboard-next = "f5"\n')
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = [(key.key, key.description) for key in app.screen.query(FooterKey)]
        assert footer[:3] == [
            ("question_mark", "Keys"),
            ("f5", "Next phase"),
            ("less_than_sign", "Back"),
        ]
        assert footer[-1] == ("ctrl+p", "palette")
        assert [d for _, d in footer].index("Flow") < [d for _, d in footer].index("Quit")
        await pilot.press("question_mark")
        await pilot.pause()
        panel = _descriptions(app.screen.query_one(PdcaBindingsTable))
        assert panel.index("Right") + 1 == panel.index("Next phase") == panel.index("Back") - 1
        views = "views: Board, Owners, KPIs, Log, Stand-up, Flow, Initiatives"
        assert panel.index(views) < panel.index("Quit")


async def test_the_views_own_esc_is_listed_though_esc_closes_the_panel_first(
    make_app, board_db: Path
) -> None:
    """While the panel is open, esc is the app's (it closes the panel): the board's esc,
    which clears its filter, was never listed (a tester)."""
    app = make_app(board_db)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        panel = _descriptions(app.screen.query_one(PdcaBindingsTable))
        assert "Clear filter" in panel
        await pilot.press("4", "question_mark")  # another view: its own esc
        await pilot.pause()
        # the log's esc clears its filter, or with none goes back to the board
        assert "Back" in _descriptions(app.screen.query_one(PdcaBindingsTable))
