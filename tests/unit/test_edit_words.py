"""What a failed save names once the board has ended: enough to make the edit again."""

from __future__ import annotations

from datetime import date

from pdca.db.models import ActionChanges
from pdca.screens.edit_flow import edit_words


def test_an_edit_is_named_by_its_fields_and_values() -> None:
    """A tester read "not saved: edit of #29", nothing of what the edit was."""
    mine = ActionChanges(title="Rota v2", due=date(2026, 12, 4), clear_owner=True)
    assert edit_words(29, mine) == "edit of #29: title 'Rota v2', owner cleared, due 2026-12-04"


def test_long_notes_are_cut() -> None:
    said = edit_words(3, ActionChanges(notes="n" * 500))
    assert said.startswith("edit of #3: notes 'nnn") and len(said) < 90


def test_every_text_value_is_shown_with_its_controls_escaped() -> None:
    said = edit_words(3, ActionChanges(kpi="Pages\x1b[2J", initiative="Ops\u202eevil"))
    assert said.isprintable() and "'Pages\\x1b[2J'" in said and "'Ops\\u202eevil'" in said
