"""A card's owner line at the widths an 80-column board gives its columns."""

from __future__ import annotations

from datetime import date

from pdca.widgets.phase_column import _owner_cut_to_fit, due_words


def test_the_owner_and_the_lateness_both_stay_before_either_is_cut() -> None:
    """At 80x24 compact cards read "○ frank  ! 5d la…": the lateness is what a lead scans;
    then "hei…", "car…": whose it is went (three testers). The lateness is said shorter
    ("! 15d") before the owner goes under 6 cells; cut further, the owner gives way."""
    parts = [("○ ", "mark"), ("frank", ""), ("  ! 15d late", "late")]
    spaced = [("○ ", "mark"), ("frank", ""), (" ! 15d late", "late")]
    assert _owner_cut_to_fit(parts, 1, 18) == spaced  # one space less is enough
    assert _owner_cut_to_fit(parts, 1, 16) == [("○ ", "mark"), ("frank", ""), (" ! 15d", "late")]
    cut = _owner_cut_to_fit(parts, 1, 11)
    assert cut == [("○ ", "mark"), ("fr…", ""), (" ! 15d", "late")]
    assert _owner_cut_to_fit(parts, 1, 40) == parts  # room enough: as it was
    assert _owner_cut_to_fit([("carol", "")], 0, 3) == [("ca…", "")]  # alone: cut as before


def test_a_done_cards_owner_keeps_its_cells_before_the_decision_does() -> None:
    """Done cards shown at 80 columns read "z… ✓ standardize", "er… ✓ standardize": whose
    it was went (a newcomer). The decision gives way to the done mark first."""
    parts = [("zoe_k", ""), ("  ✓ standardize", "muted")]
    assert _owner_cut_to_fit(parts, 0, 17) == [("zoe_k", ""), (" ✓", "muted")]
    assert _owner_cut_to_fit(parts, 0, 30) == parts  # room enough: as it was


def test_long_owners_alike_at_their_start_are_cut_in_the_middle() -> None:
    """ "alice_with_a_ver…" on every card, whoever of them it was (a tester)."""
    cuts = {
        _owner_cut_to_fit([(f"alice_with_a_very_long_login_{n}", ""), ("  due Dec 3", "")], 0, 30)[
            0
        ][0]
        for n in (1, 2, 3)
    }
    assert len(cuts) == 3 and all(cut.startswith("alice_wi") for cut in cuts), cuts


def test_a_due_date_far_off_keeps_its_day() -> None:
    """On 2 December, 6 January next year read "Jan 2027", as did every January day."""
    today = date(2026, 12, 2)
    assert due_words(date(2027, 1, 6), today) == "Jan 6"
    assert due_words(date(2026, 12, 20), today) == "Dec 20"
    assert due_words(date(2027, 9, 30), today) == "2027-09-30"
    assert due_words(date(2025, 12, 1), today) == "2025-12-01"
