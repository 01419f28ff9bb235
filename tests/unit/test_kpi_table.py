"""The KPIs view's name column at 80 columns: names that differ only by their team in brackets
stay apart (the middle gives way, not the end)."""

from __future__ import annotations

from rich.cells import cell_len

from pdca.widgets.kpi_table import Layout, number
from pdca.widgets.text import fit_name

TEAMS = ["checkout", "data", "growth", "identity", "mobile", "payments", "platform", "search",
         "support desk"]  # fmt: skip
MEASURES = ["Change failure rate", "Employee engagement", "Build success rate"]


def test_team_names_stay_apart_in_the_80_column_name_cell() -> None:
    width = Layout.for_width(79).name  # 80 columns less the scrollbar
    for prefix in ("", "↯ ", "⚑ ↯ "):
        for measure in MEASURES:
            names = [f"{prefix}{measure} ({team})" for team in TEAMS]
            shown = [fit_name(name, width) for name in names]
            assert len(set(shown)) == len(names), shown
            assert all(cell_len(s) <= width for s in shown)
            assert all(s.startswith(prefix + measure[:5]) for s in shown), shown


def test_fit_name_keeps_a_bracket_and_cuts_the_middle() -> None:
    assert fit_name("Change failure rate (platform)", 25) == "Change failur… (platform)"
    assert fit_name("short", 25) == "short"
    assert fit_name("A very long name without brackets at all here", 20) == "A very long n…l here"
    wide = fit_name("日本語の長い名前のKPIです (チーム)", 21)
    assert cell_len(wide) <= 21 and wide.endswith("(チーム)")
    assert fit_name("anything", 0) == ""


def test_figures_fit_a_cell_without_an_exponent_people_must_decode() -> None:
    """12 345 read ``1.234e+04`` in the KPI table and detail: whole up to 99 999, then a
    suffix, and an exponent only past what a suffix names."""
    assert [number(v) for v in (27.5, -0.1234, 1234.5, 12345, -99999)] == [
        "27.5", "-0.1234", "1234", "12345", "-99999",
    ]  # fmt: skip
    assert [number(v) for v in (123456, 999_949, 1_234_567, -2.1e9, 7e12)] == [
        "123k", "1M", "1.23M", "-2.1B", "7T",
    ]  # fmt: skip
    assert number(1e15) == "1e+15" and number(None) == "-"


def test_a_flag_cut_between_its_letters_leaves_a_blank_not_a_lone_letter() -> None:
    """A lone regional letter, escaped where it is drawn, took ten cells (a reviewer)."""
    from pdca.widgets.text import fit, literal

    for n in range(30, 35):
        shown = fit("x" * n + "🇫🇷🇩🇪 trip", 34)
        assert cell_len(shown) == 34 and cell_len(literal(shown)) == 34, shown


def test_the_owner_column_holds_an_escalated_pair_from_90_cells() -> None:
    """ "bob → lena" (an alert passed on) was cut to "bob → l…" in the alerts box, 106 cells
    wide, beside an empty chart column (a tester)."""
    assert Layout.for_width(106).owner >= len("bob → lena")
    assert Layout.for_width(80).owner == 8  # narrower: the name and the chart come first
    # the owner's cells come from the chart: the name does not narrow where the owner widens
    assert Layout.for_width(90).name >= Layout.for_width(89).name
