"""Late, stale and alert words read on every theme, light ones too."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.color import Color

from pdca.db.store import Store
from pdca.tui.readable_colours import (
    LEAST_CONTRAST,
    LEAST_FOR_GRAPHICS,
    STATUS_VARIABLES,
    backgrounds,
    contrast,
    with_readable_colours,
)
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import board

THEMES = sorted(App().available_themes)


@pytest.mark.parametrize("theme", THEMES)
def test_status_colours_read_on_every_background_of_every_theme(theme: str) -> None:
    app = App()
    app.theme = theme
    variables = app.get_css_variables()
    made = with_readable_colours(variables)
    grounds = backgrounds(variables)
    for name in STATUS_VARIABLES:
        colour = Color.parse(made[name])
        if colour.ansi is not None:  # the terminal's own colours: left to it
            assert made[name] == variables[name]
            continue
        for ground, least in grounds:
            assert contrast(colour, ground) >= least, (theme, name, made[name], ground.hex)
        before = Color.parse(variables[name])
        if all(contrast(before, ground) >= least for ground, least in grounds):
            assert made[name] == variables[name]  # readable already: the theme's own
    # The sparklines and bars ($accent): 3 on the plain backgrounds (1.3 on textual-light)
    accent = Color.parse(made["accent"])
    if accent.ansi is None:
        for ground, least in grounds:
            if least == LEAST_CONTRAST:
                assert contrast(accent, ground) >= LEAST_FOR_GRAPHICS, (theme, made["accent"])


def test_contrast_is_wcags() -> None:
    assert round(contrast(Color(0, 0, 0), Color(255, 255, 255)), 1) == 21.0
    assert contrast(Color(119, 119, 119), Color(255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast(Color(10, 20, 30), Color(10, 20, 30)) == 1.0


async def test_a_stale_card_on_the_light_theme_reads_on_its_column(
    make_app, store: Store, db_path: Path
) -> None:
    """Amber on white read at 3.0 on textual-light (a trial of the themes)."""
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        app.theme = "textual-light"
        await settle_app(app, pilot)
        column = board(app).columns["plan"]
        surface = Color.parse(app.theme_variables["surface"])
        for part in ("stale", "due-soon", "overdue", "on-track", "blocked"):
            style = column.get_component_rich_style(f"phase-column--{part}")
            assert style.color is not None and style.color.triplet is not None
            shown = Color(*style.color.triplet)
            assert contrast(shown, surface) >= LEAST_CONTRAST, (part, shown.hex)
        spark = column.get_component_rich_style("phase-column--spark")  # a card's sparkline
        assert spark.color is not None and spark.color.triplet is not None
        assert contrast(Color(*spark.color.triplet), surface) >= LEAST_FOR_GRAPHICS


@pytest.mark.parametrize(("theme", "late", "soon"), [
    ("textual-dark", 9, 11), ("textual-light", 1, 3), ("nord", 9, 11)])  # fmt: skip
async def test_on_sixteen_colours_late_is_the_terminals_red(
    make_app, store: Store, db_path: Path, theme: str, late: int, soon: int, monkeypatch
) -> None:
    """On TERM=xterm (16 colours) the readable colours fell to the nearest of the 16: late and
    on-track white, calmer than a yellow "due in 3d" (a trial of plain terminals). They are
    the terminal's own red, yellow and green, bright on a dark theme."""
    import textual.constants
    from rich.color import ColorSystem

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")  # as TERM=xterm says
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.console.color_system == "standard"
        app.theme = theme
        await settle_app(app, pilot)
        column = board(app).columns["plan"]
        numbers = {}
        for part in ("overdue", "due-soon", "on-track"):
            style = column.get_component_rich_style(f"phase-column--{part}")
            assert style.color is not None
            numbers[part] = style.color.downgrade(ColorSystem.STANDARD).number
        assert numbers == {"overdue": late, "due-soon": soon, "on-track": late + 1}, numbers


def test_on_sixteen_colours_a_theme_of_the_terminals_own_colours_is_left_alone() -> None:
    """ansi-light's background is the terminal's own, read as dark: bright yellow on a light
    terminal (a reviewer). Such a theme keeps its own colours."""
    from pdca.tui.readable_colours import for_sixteen_colours

    app = App()
    for theme in ("ansi-light", "ansi-dark"):
        app.theme = theme
        variables = app.get_css_variables()
        assert for_sixteen_colours(variables) == variables, theme
    app.theme = "textual-light"
    made = for_sixteen_colours(app.get_css_variables())
    assert (made["text-error"], made["text-warning"]) == ("#aa0000", "#aa5500")


async def test_a_placeholder_and_the_option_enter_picks_show_without_colour(
    make_app, store: Store, db_path: Path
) -> None:
    """On a monochrome terminal a placeholder read as a typed value and the highlighted
    option of a pick list was not to be seen (a trial): italic, and bold."""
    from textual.widgets import Input, OptionList

    from pdca.db.models import ActionDraft

    store.add_action(ActionDraft(title="One", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("o")
        await settle_app(app, pilot)
        field = app.screen.query_one("#pick-text", Input)
        assert field.get_component_rich_style("input--placeholder").italic
        options = app.screen.query_one("#pick-options", OptionList)
        assert options.get_component_rich_style("option-list--option-highlighted").bold
