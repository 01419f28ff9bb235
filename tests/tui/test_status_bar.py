"""The header line fits its width: what must be seen (the view, who you are, alerts, a save
waiting) is never pushed off the line by others' names or a long file name."""

from __future__ import annotations

from textual.app import App, ComposeResult

from pdca.widgets.status_bar import StatusBar


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusBar()


async def _shown(width: int, **values: object) -> str:
    app = Harness()
    async with app.run_test(size=(width, 3)) as pilot:
        bar = app.query_one(StatusBar)
        for name, value in values.items():
            setattr(bar, name, value)
        await pilot.pause()
        return "".join(segment.text for segment in bar.render_line(0)).rstrip()


async def test_a_save_waiting_shows_at_80_columns_with_others_here() -> None:
    """At 80 columns the line wrapped: its hidden second line took "saving…" (a tester)."""
    line = await _shown(
        80, database="big.db", login="alice", alerts=3, saving=True,
        others=("bob", "carol", "dave"),
    )  # fmt: skip
    assert "saving…" in line and "⚑ 3 alerts for you" in line
    assert len(line) <= 80
    assert line.endswith(" here")  # the names that fit, counted past them: never cut mid-name


async def test_names_that_do_not_fit_are_counted_and_a_long_file_name_is_cut() -> None:
    line = await _shown(
        60, database="x" * 70 + ".db", login="alice", others=tuple(f"user{n}" for n in range(9))
    )
    assert "alice" in line and "…" in line and len(line) <= 60
    assert line.endswith(" here") and ("+" in line or " 9 here" in line)


async def test_the_file_name_gives_way_to_24_cells_before_the_names_of_others() -> None:
    """The others' names went while the file's name kept 30 cells (a reviewer); cut to 16
    whatever the room, two boards' names read alike (another): it keeps 24 at least."""
    line = await _shown(
        80, database="team-improvement-board-2026-shared.db", login="ann", saving=True,
        others=("bob", "carol", "dave", "erin"),
    )  # fmt: skip
    assert "bob" in line and "saving…" in line and len(line) <= 78, line
    assert "team-improvement-board-2026-shared.db" not in line
    assert "team-improvement-board-2" in line


async def test_a_long_login_at_60_columns_keeps_saving_and_the_others_count() -> None:
    """A 27-character login pushed "saving…" and the others off the line at 60 (testers)."""
    line = await _shown(
        60, view="Board", database="pdca.db", login="alexandra.konstantinopoulou",
        alerts=2, saving=True, others=("bob", "carol"),
    )  # fmt: skip
    assert "saving…" in line and "⚑ 2" in line and line.endswith(" here"), line
    assert len(line) <= 60


async def test_the_file_name_is_cut_only_as_far_as_the_line_needs() -> None:
    """Cut to 16 cells whatever the room, a 53-character name showed 15 of them on a line
    with 20 cells to spare (a reviewer)."""
    name = "a-very-long-database-name-for-the-whole-plant-2026.db"
    line = await _shown(60, database=name, login="alice")
    assert len(line) == 58 and line.endswith("… · alice"), line  # 58: the bar's padding
