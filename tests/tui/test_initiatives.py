"""The initiatives view (key 7): health and its reasons, the objective's SMART warnings beside
it, KPIs with sparklines, enter opening the board on the initiative, and the palette."""

from __future__ import annotations

from pathlib import Path

from pdca.db.models import ActionDraft, InitiativeDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.initiatives import InitiativesScreen
from pdca.widgets.row_list import RowList
from tests.conftest import open_as
from tests.tui.conftest import SIZE, settle_app
from tests.unit.test_initiatives import two  # noqa: F401 (the two-initiative fixture)


def lines(screen: InitiativesScreen) -> list[str]:
    return ["".join(text for text, _ in row) for row in screen.query_one(RowList).rows]


async def open_initiatives(pilot) -> tuple[InitiativesScreen, RowList, int]:  # type: ignore[no-untyped-def]
    """Key 7: the view, its list, and the row where "Faster support"'s block begins."""
    await pilot.press("7")
    await settle_app(pilot.app, pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InitiativesScreen)
    start = lines(screen).index(next(s for s in lines(screen) if "Faster support" in s))
    return screen, screen.query_one(RowList), start


async def test_key_7_shows_health_reasons_warnings_and_kpis(make_app, two: Store) -> None:  # noqa: F811
    app = make_app(two.path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, InitiativesScreen)
        shown = lines(screen)
        assert shown[0].startswith("■ Quiet ops  off track")
        # The objective's SMART warnings beside it; gentle, nothing refused.
        assert shown[1] == "  Fewer pages  ⚠ objective: no number  ⚠ objective: no date"
        assert shown[2].startswith("  open P 0 D 1 C 0 A 0  · 0 late  · 1 stale  · 1 KPI")
        assert shown[3] == "  why: 1 KPI in alert (Pages); no check-in on 1 action for 20 days"
        pages = shown[4]
        assert (
            "Pages" in pages
            and "15 /wk       alert" in pages
            and pages.rstrip().endswith("→ 4 /wk")
        )
        support = shown.index(next(s for s in shown if "Faster support" in s))
        assert shown[support].startswith("● Faster support  on track  · by 2027-03-31")
        summary = str(screen.query_one("#initiatives-summary").render())
        assert "2 initiatives · ■ 1 off track · ▲ 0 at risk · ● 1 on track" in summary
        # No blank line after the last block (G landed on it, a tester); G lands on the last
        # block's first line, as j and k do
        assert shown[-1].strip() and "" in shown  # blank lines between blocks only
        await pilot.press("G")
        await settle_app(pilot.app, pilot)
        assert screen.query_one(RowList).cursor == support


async def test_j_and_k_step_from_initiative_to_initiative(make_app, two: Store) -> None:  # noqa: F811
    """j went a line at a time, six to the next initiative (a new user): one a block."""
    app = make_app(two.path)
    async with app.run_test(size=SIZE) as pilot:
        screen, rows, second = await open_initiatives(pilot)
        assert second > 1 and rows.cursor == 0
        await pilot.press("j")
        assert rows.cursor == second and screen.current.name == "Faster support"  # type: ignore[union-attr]
        await pilot.press("j")  # the last: stays
        assert rows.cursor == second
        await pilot.press("k")
        assert rows.cursor == 0 and screen.current.name == "Quiet ops"  # type: ignore[union-attr]
        # a page shorter than a block still goes a block on, and back (pgdn went nowhere)
        rows.page_rows = lambda: 2  # type: ignore[method-assign]
        await pilot.press("pagedown")
        assert rows.cursor == second
        await pilot.press("pageup")
        assert rows.cursor == 0


async def test_enter_opens_the_board_on_the_initiative(make_app, two: Store) -> None:  # noqa: F811
    app = make_app(two.path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, rows, target = await open_initiatives(pilot)
        rows.set_cursor(target + 2)  # any line of its block
        await pilot.press("enter")
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.filter.initiative == "Faster support"
        titles = sorted(a.title for column in board.columns.values() for a in column.actions)
        assert titles == ["Rota 0", "Rota 1", "Rota 2"]


async def test_the_view_follows_others_writes_and_is_in_the_palette(
    make_app,
    store: Store,
    db_path: Path,
) -> None:
    store.add_initiative(InitiativeDraft(name="Ops", objective="Pages down 50% by Q2 2027"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Show initiatives" in titles
        await pilot.press("7")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, InitiativesScreen)
        assert lines(screen)[0].startswith("▲ Ops  at risk")
        assert lines(screen)[3] == "  why: nothing planned: no open action, no KPI"
        other = open_as(db_path, "bob")
        try:
            other.add_action(ActionDraft(title="Tune", owner="bob", initiative="Ops"))
        finally:
            other.close()
        app.check_for_changes()
        await settle_app(pilot.app, pilot)  # the reload runs in a worker; settle waits for it
        assert lines(screen)[2].startswith("  open P 1 D 0 C 0 A 0")


def test_a_warning_about_an_unreadable_date_names_it_in_the_view() -> None:
    """The view shortens a SMART warning to its head, but keeps what it could not read, as the
    command line and the README name it (a tester saw only "objective: no date")."""
    from pdca.db import smart_rules
    from pdca.screens.initiatives import short_warning

    (warning,) = smart_rules.objective_warnings("cut tickets 20% by 2026-02-30")
    assert short_warning(warning) == "objective: no date ('2026-02-30' is not a date)"
    (number,) = smart_rules.objective_warnings("faster by 2026-09-30")
    assert short_warning(number) == "objective: no number"


async def test_a_long_kpi_name_is_shown_whole_where_there_is_room(make_app, two: Store) -> None:  # noqa: F811
    """KPI names were cut at 26 cells on any terminal (a note from an earlier session)."""
    from pdca.db import kpis
    from pdca.db.models import KpiChanges

    long_name = "Pages per week outside business hours"  # 37 cells
    kpis.edit_kpi(two, "Pages", KpiChanges(name=long_name))
    for size, whole in (((160, 40), True), ((80, 24), False)):
        app = make_app(two.path)
        async with app.run_test(size=size) as pilot:
            await pilot.press("7")
            await settle_app(pilot.app, pilot)
            shown = lines(app.screen)  # type: ignore[arg-type]
            [kpi_line] = [line for line in shown if "/wk" in line]  # the "why" names it too
            assert (long_name in kpi_line) is whole, size


async def test_a_kpi_name_with_terminal_control_is_drawn_as_text_in_the_why(
    make_app,
    two: Store,  # noqa: F811
) -> None:
    """The health reasons name the KPIs: an ESC in a name reached the terminal and cleared it
    (a tester). Every line the list draws is checked, not the rows' data alone."""
    # As a file from before such names were refused holds it (db.records._told_apart).
    two.conn.execute("UPDATE kpis SET name = ? WHERE name = 'Pages'", ("Pa\x1b[2J\x1b[Hges",))
    app = make_app(two.path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await settle_app(pilot.app, pilot)
        listed = app.screen.query_one(RowList)
        drawn = [listed.render_line(y).text for y in range(len(listed.rows))]
        assert not [line for line in drawn if "\x1b" in line]
        assert any("why: 1 KPI in alert (Pa\\x1b[2J\\x1b[Hges)" in line for line in drawn)


def test_a_kpi_line_keeps_its_status_at_80_columns() -> None:
    """The status came last and 80 columns cut it ("→ 10 % by 2027-0…", a new user): it
    comes before the target, which may be cut instead."""
    from pdca.db.initiative_records import InitiativeKpi
    from pdca.screens.initiatives import kpi_row

    kpi = InitiativeKpi(
        id=1, name="Change failure rate", unit="%", status="alert", latest_value=12.1,
        target=10.0, target_date="2027-03-31", recent=[],
    )  # fmt: skip
    line = "".join(text for text, _ in kpi_row(kpi))
    assert line.index("alert") < line.index("→ 10 %") and line.index("alert") < 78


def test_at_80_columns_a_kpis_target_and_date_stay_whole() -> None:
    """At 80 columns "→ 88…" was all of the target, its date cut, beside padded columns and
    whole names (a newcomer): there the columns are as wide as what they hold and the names
    give way; a wide line keeps its columns as they were."""
    from rich.cells import cell_len

    from pdca.db.initiative_records import InitiativeKpi, InitiativeOverview
    from pdca.screens.initiatives import initiative_rows

    kpis = [
        InitiativeKpi(id=n, name=name, unit=unit, status=status, latest_value=latest,
                      target=target, target_date="2027-03-20", recent=[])
        for n, (name, unit, status, latest, target) in enumerate([
            ("Customer satisfaction", "%", "ok", 85.8, 88.0),
            ("Escaped defects", "count", "warn", 16.0, 5.0),
        ])
    ]  # fmt: skip
    item = InitiativeOverview(id=1, name="Faster support", objective="", owner=None,
                              created_at="", updated_at="", version=1, kpis=kpis)  # fmt: skip
    for width in (79, 99, 150):
        lines = ["".join(t for t, _ in row) for row in initiative_rows(item, width)[-3:-1]]
        assert lines[0].endswith("→ 88 % by 2027-03-20"), (width, lines)
        assert lines[1].endswith("→ 5 count by 2027-03-20"), (width, lines)
        assert all(cell_len(line) <= width for line in lines), (width, lines)
        assert "Escaped defects" in lines[1]
        assert lines[0].index("→") == lines[1].index("→")  # the columns still line up
    wide = "".join(t for t, _ in initiative_rows(item, 150)[-3])
    assert "Customer satisfaction      85.8 %       ok         →" in wide  # as before


async def test_a_board_shows_an_initiative_renamed_elsewhere(
    make_app,  # type: ignore[no-untyped-def]
    store: Store,
    db_path: Path,
) -> None:
    """Two boards kept "Faster support" on the cards after a colleague's pdca initiative edit
    renamed it (a retrial): the rename reads the columns on screen again."""
    from pdca.db.initiative_edit import edit_initiative
    from pdca.db.records import InitiativeChanges
    from pdca.widgets.phase_column import PhaseColumn

    store.add_initiative(InitiativeDraft(name="Faster support", objective="Tickets down 20%"))
    store.add_action(ActionDraft(title="Tune", owner="bob", initiative="Faster support"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(pilot.app, pilot)
        assert isinstance(app.screen, BoardScreen)

        def shown() -> str:
            columns = app.screen.query(PhaseColumn)
            return " ".join(str(a.initiative) for column in columns for a in column.actions)

        assert "Faster support" in shown()
        other = open_as(db_path, "bob")
        try:
            edit_initiative(other, "Faster support", InitiativeChanges(name="Fast support"))
        finally:
            other.close()
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        assert "Fast support" in shown() and "Faster support" not in shown(), shown()


def test_a_kpi_lines_columns_stay_put_whatever_the_units_width() -> None:
    """A unit of 時間 (two cells a character) put the status two cells out of its column
    and cut the target at 80 columns (a CJK team's trial): columns go by cells."""
    from rich.cells import cell_len

    from pdca.db.initiative_records import InitiativeKpi
    from pdca.screens.initiatives import kpi_row

    def status_at(unit: str) -> int:
        kpi = InitiativeKpi(
            id=1, name="処理時間", unit=unit, status="alert", latest_value=36,
            target=10.0, target_date=None, recent=[],
        )  # fmt: skip
        line = "".join(text for text, _ in kpi_row(kpi))
        return cell_len(line[: line.index("alert")])

    assert status_at("時間") == status_at("hh")


def test_the_reasons_of_an_initiatives_health_wrap_whole_to_the_width() -> None:
    """At 120 columns Quiet on-call's last reason ended "1 follow-up audit…", and nothing in
    the app showed it whole (a keys trial): the reasons go on the next lines, none split."""
    from rich.cells import cell_len

    from pdca.screens.initiatives import why_rows

    reasons = [
        "2 of 5 actions late",
        "no check-in on 2 actions for 21 days or more",
        "1 action reported at risk",
        "1 follow-up audit slipped",
    ]
    shown = ["".join(text for text, _ in row) for row in why_rows(reasons, "warn", 60)]
    assert shown == [
        "  why: 2 of 5 actions late;",
        "       no check-in on 2 actions for 21 days or more;",
        "       1 action reported at risk; 1 follow-up audit slipped",
    ]
    assert all(cell_len(line) <= 60 for line in shown)
    assert ["".join(t for t, _ in row) for row in why_rows(reasons, "warn", 0)] == [
        "  why: " + "; ".join(reasons)
    ]
    assert why_rows([], "warn", 60) == []
    # one reason longer than a line goes on over the next, at its spaces (the KPIs it named
    # were cut off, a retrial); the ";" only where a reason ends
    long = "2 KPIs in alert (Alpha KPI 1 with a long name; Alpha KPI 2 with a long name)"
    shown = ["".join(text for text, _ in row) for row in why_rows([long, "1 late"], "warn", 50)]
    assert shown == [
        "  why: 2 KPIs in alert (Alpha KPI 1 with a long",
        "       name; Alpha KPI 2 with a long name);",
        "       1 late",
    ]
    assert all(cell_len(line) <= 50 for line in shown)
    # and a word longer than a line, over the next ones (a KPI's name was cut, a retrial)
    name = "p95-latency-of-the-checkout-api-in-eu-west-1-production-cluster-ms"
    shown = [
        "".join(text for text, _ in row)
        for row in why_rows([f"1 KPI in alert ({name})"], "bad", 40)
    ]
    assert "".join(line[7:] for line in shown).replace(" ", "") == f"1KPIinalert({name})"
    assert all(cell_len(line) <= 40 for line in shown), shown


def test_a_kpi_lines_long_reading_and_names_alike_stay_apart() -> None:
    """ "1.23M tickets/weekok": a reading longer than its column ran into the state; and at
    80 columns three names alike to their end read "First-contact reso…" each (a
    reviewer): two spaces after the reading whatever its length, names cut in the middle."""
    from pdca.db.initiative_records import InitiativeKpi, InitiativeOverview
    from pdca.screens.initiatives import initiative_rows

    kpis = [
        InitiativeKpi(id=n, name=f"First-contact resolution ({team})", unit="tickets/week",
                      status="ok", latest_value=1234567.89, target=50.0,
                      target_date="2027-03-20", recent=[])
        for n, team in enumerate(("platform", "payments"))
    ]  # fmt: skip
    item = InitiativeOverview(id=1, name="Support", objective="", owner=None, created_at="",
                              updated_at="", version=1, kpis=kpis)  # fmt: skip
    for width in (79, 150):
        lines = ["".join(t for t, _ in row) for row in initiative_rows(item, width)[-3:-1]]
        assert all("tickets/week  ok" in line for line in lines), lines
        names = [line.split(" 1.23M")[0] for line in lines]
        assert names[0] != names[1] and all(n.rstrip().endswith(")") for n in names), names
