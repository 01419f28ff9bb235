"""A choice's keys are in the keys list (? and F1), as the footer shows them: the list had
only Cancel, and ? did nothing over a choice (a keyboard-only trial)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.screens.dialogs import ChoiceModal
from pdca.screens.keys_help import PdcaBindingsTable
from tests.tui.conftest import SIZE, wait_until


def _rows(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(PdcaBindingsTable).render_bindings_table()
    keys, words = table.columns[0]._cells, table.columns[1]._cells
    return [(str(k), str(w)) for k, w in zip(keys, words, strict=True)]


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_question_mark_over_a_choice_lists_its_digits_and_letters(
    make_app, board_db: Path, size: tuple[int, int]
) -> None:
    """At 80x24 too, where the list covers the dialog: it crashed there (a retrial)."""
    app = make_app(board_db)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("l", "l", "d")  # Done on a card in Check: only Abandon is offered
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: bool(app.screen.query(PdcaBindingsTable)))
        rows = _rows(app)
        assert ("3 b", "Abandon") in rows
        assert ("esc", "Cancel") in rows
        # the keys not offered here are not listed as if they were
        assert not any(words.startswith(("Standardize", "Adjust")) for _, words in rows)
        await pilot.press("f1")  # closes it, as on the views
        await wait_until(pilot, lambda: not app.screen.query(PdcaBindingsTable))
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("b")
        await wait_until(pilot, lambda: not isinstance(app.screen, ChoiceModal))


async def test_f1_over_a_pick_at_80_columns_lists_its_keys(make_app, board_db: Path) -> None:
    """The pick dialogs' list of names, laid out at no width under the keys list, crashed
    as the choices did (a retrial)."""
    from pdca.screens.dialogs import PickModal

    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")  # the owner filter's pick
        await wait_until(pilot, lambda: isinstance(app.screen, PickModal))
        await pilot.press("f1")
        await wait_until(pilot, lambda: bool(app.screen.query(PdcaBindingsTable)))
        assert ("↓", "Down") in _rows(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.screen.query(PdcaBindingsTable))
        assert isinstance(app.screen, PickModal) and app.is_running
