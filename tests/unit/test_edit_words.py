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


def test_a_kept_new_action_is_named_with_every_field_typed() -> None:
    """At quit a kept new action printed its title, owner and due only: the notes, priority,
    initiative and KPI typed into it were gone with the board (a tester)."""
    from pdca.screens.board_new import new_words
    from pdca.screens.dialogs.action_form import ActionFormResult

    form = ActionFormResult(
        title="Kept new W",
        owner="ann",
        due=date(2026, 12, 6),
        initiative="Faster support",
        kpi="Backlog",
        notes="Long careful notes: step one, step two, step three. " * 3,
        every="week mon",
        priority="high",
    )
    said = new_words(form, cut=None)
    assert said.startswith("new action 'Kept new W' for 'ann' due 2026-12-06, priority high")
    assert "initiative 'Faster support', kpi 'Backlog', every 'week mon'" in said
    assert f"notes {form.notes!r}" in said  # whole: all that is left of it
    assert len(new_words(form)) < len(said)  # in the app, long text is cut
    plain = ActionFormResult(
        title="Bare", owner=None, due=None, initiative=None, kpi=None, notes=""
    )
    assert new_words(plain) == "new action 'Bare'"
