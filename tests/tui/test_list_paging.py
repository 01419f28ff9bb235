"""PageUp/PageDown on an option list with no lines yet (the palette's, between a key and its
next layout) do nothing: Textual's ``OptionList`` raised ``KeyError`` and the board crashed."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import OptionList

import pdca.tui.app  # noqa: F401  (installs the guard, as the app does on import)


class _UndrawnList(App[None]):
    CSS = "OptionList { height: 0; border: none; }"  # no room: no lines to page from

    def compose(self) -> ComposeResult:
        yield OptionList("first", "second", "third")


class _DrawnList(App[None]):
    CSS = "OptionList { height: 2; border: none; }"

    def compose(self) -> ComposeResult:
        yield OptionList(*(f"option {n}" for n in range(10)))


async def test_page_keys_on_a_list_not_drawn_do_nothing() -> None:
    app = _UndrawnList()
    async with app.run_test() as pilot:
        options = app.query_one(OptionList)
        options.highlighted = 1
        options.action_page_up()  # KeyError: 1 without the guard
        options.action_page_down()
        await pilot.pause()
        assert options.highlighted == 1


async def test_page_keys_on_a_drawn_list_still_page() -> None:
    app = _DrawnList()
    async with app.run_test() as pilot:
        options = app.query_one(OptionList)
        options.focus()
        options.highlighted = 0
        await pilot.press("pagedown")
        assert options.highlighted == 2
        await pilot.press("pageup")
        assert options.highlighted == 0
