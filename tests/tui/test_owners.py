"""The owners view (key 2): rows, order, and enter opening the board filtered."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.owners import OwnersScreen
from pdca.widgets.row_list import RowList
from tests.conftest import open_as
from tests.tui.accountability_support import team_db
from tests.tui.conftest import SIZE, settle_app


@pytest.fixture
def team(store: Store, db_path: Path) -> Path:
    return team_db(store, db_path)


def row_text(screen: OwnersScreen, index: int) -> str:
    return "".join(text for text, _ in screen.query_one(RowList).rows[index])


async def open_owners(pilot) -> OwnersScreen:  # type: ignore[no-untyped-def]
    await pilot.press("2")
    await settle_app(pilot.app, pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OwnersScreen)
    return screen


async def test_key_2_shows_one_row_per_person_most_behind_first(make_app, team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_owners(pilot)
        assert [r.login for r in screen.owners] == ["bob", "carol"]
        bob = screen.owners[0]
        assert (bob.open, bob.overdue, bob.followups_due) == (1, 1, 1)
        assert row_text(screen, 0).startswith("bob")
        assert "██████████ 1" in row_text(screen, 0)  # the heaviest load fills the bar
        assert "2 people · 1 late" in str(screen.query_one("#owners-summary").render())


async def test_enter_opens_the_board_filtered_to_that_person(make_app, team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle_app(pilot.app, pilot)  # keys sent during the switch can land nowhere
        await pilot.press("down", "enter")
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.filter.owner == "carol"
        shown = [a.owner for column in board.columns.values() for a in column.actions]
        assert shown == ["carol"]


async def test_the_unowned_row_opens_the_board_on_work_nobody_owns(
    make_app, team: Path, store: Store
) -> None:
    """A tester: enter on "(unowned)" opened the whole board, and the board's ``o`` had no way
    to show only the work nobody owns."""
    from pdca.db.accountability_models import UNOWNED
    from pdca.db.models import ActionDraft

    nobody = store.add_action(ActionDraft(title="Whose is this", owner=None))
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_owners(pilot)
        await pilot.press(*["down"] * [r.login for r in screen.owners].index(UNOWNED), "enter")
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen) and board.filter.owner == UNOWNED
        shown = [a.id for column in board.columns.values() for a in column.actions]
        assert shown == [nobody.id]
        assert "no owner" in str(board.query_one("#filter-bar").render())
        await pilot.press("escape", "o")
        await settle_app(pilot.app, pilot)
        await pilot.press(*"unowned", "enter")
        await settle_app(pilot.app, pilot)
        assert board.filter.owner == UNOWNED
        assert [a.id for c in board.columns.values() for a in c.actions] == [nobody.id]
        await pilot.press("n")  # a new one here is nobody's too, so it stays in sight
        await settle_app(pilot.app, pilot)
        await pilot.press(*"Also nobody's", "ctrl+s")
        await settle_app(pilot.app, pilot)
        shown = [a.title for c in board.columns.values() for a in c.actions]
        assert "Also nobody's" in shown
        added = max(a.id for a in store.list_actions())
        assert store.get_action(added).owner is None


async def test_owners_reload_when_someone_else_writes(make_app, team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle_app(pilot.app, pilot)
        from pdca.db.models import ActionDraft

        other = open_as(team, "dave")
        try:
            other.add_action(ActionDraft(title="new", owner="dave"))
        finally:
            other.close()
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        assert "dave" in [r.login for r in app.screen.owners]


async def test_palette_offers_the_views(make_app, team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle_app(pilot.app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Show owners", "Show log", "Show stand-up", "Open the board of this owner"):
            assert title in titles


def test_counts_in_the_thousands_keep_a_space_between_them() -> None:
    from datetime import datetime

    from pdca.db.accountability_models import OwnerRow
    from pdca.screens.owners import heading, owner_row, widths_for

    row = OwnerRow(login="vera", name="Vera", plan=561, do=541, check=280, act=1224, open=2606)
    widths = widths_for([row])
    text = "".join(cell for cell, _ in owner_row(row, datetime(2026, 11, 23), 2606, widths))
    assert " 561 541 280 1224 " in text
    assert heading(widths).split()[1:5] == ["P", "D", "C", "A"]


def test_a_light_load_beside_a_heavy_one_still_shows() -> None:
    """2 open beside 46 drew an empty bar, read as none (a lead's trial); none stays empty."""
    from datetime import datetime

    from pdca.db.accountability_models import OwnerRow
    from pdca.screens.owners import owner_row

    def bar(open_: int) -> str:
        row = OwnerRow(login="carl", name="", do=open_, open=open_)
        return "".join(cell for cell, _ in owner_row(row, datetime(2026, 11, 23), 46)[-3:-1])

    assert bar(2).startswith("█") and bar(46) == "█" * 10 and "█" not in bar(0)


async def test_the_headings_stand_over_their_columns(make_app, team: Path) -> None:
    from tests.tui.test_wide_text import screen_lines

    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await open_owners(pilot)
        lines = screen_lines(app)
        heading = next(line for line in lines if "owner" in line and "late" in line)
        bob = next(line for line in lines if line.lstrip(" ▌").startswith("bob "))
        # the login under "owner", and each figure ends where its heading ends
        assert heading.index("owner") == bob.index("bob")
        for label in ("P", "D", "C", "A", "late", "f-ups", "checked in"):
            end = heading.index(f" {label} ") + len(label)
            assert bob[end] != " " and bob[end + 1] == " ", label


async def test_long_logins_are_told_apart_where_the_terminal_has_room(
    make_app, store: Store, db_path: Path
) -> None:
    """At 10 cells, abcdefghijk and abcdefghijkl were one "abcdefghi…" at any width (a
    tester); at 80 columns the table keeps its width and cuts them."""
    from pdca.db.models import ActionDraft
    from tests.tui.test_wide_text import screen_lines

    for login in ("abcdefghijk", "abcdefghijkl"):
        store.add_action(ActionDraft(title="t", owner=login))
    for size, whole in (((160, 40), True), ((80, 24), False)):
        app = make_app(db_path)
        async with app.run_test(size=size) as pilot:
            await open_owners(pilot)
            lines = screen_lines(app)
            heading = next(line for line in lines if "owner" in line and "late" in line)
            rows = [line for line in lines if "abcdef" in line]
            assert len(rows) == 2, lines
            assert ("abcdefghijkl " in "".join(rows)) is whole, size
            # Cut in the middle where there is no room: told apart by their ends.
            assert len({row.split()[0] for row in rows}) == 2, rows
            for row in rows:  # the columns stand where their headings say, long login or not
                end = heading.index(" late ") + len("late")
                assert row[end] in "·0123456789" and row[end + 1] == " ", (size, row)


@pytest.mark.parametrize(("columns", "shown"), [(60, False), (80, True)])
async def test_checked_in_is_shown_whole_or_not_at_all(
    make_app, team: Path, columns: int, shown: bool
) -> None:
    """At 60 columns "15h ago" was cut to "1…", a different number (a tester): the column is
    left out where it cannot be whole."""
    from textual.widgets import Static

    app = make_app(team)
    async with app.run_test(size=(columns, 20)) as pilot:
        await pilot.press("2")
        await settle_app(app, pilot)
        heading = str(app.screen.query_one("#owners-heading", Static).render())
        assert ("checked in" in heading) is shown
        listed = app.screen.query_one(RowList)
        line = listed.render_line(0).text
        assert ("just now" in line) is shown, line  # bob's last check-in, whole or absent


def test_the_bars_compare_people_not_the_unowned_pile() -> None:
    """On the large file the unowned pile (356) had the full bar and the busiest person (166)
    half of one (a new user); now the busiest person's bar is full, and the pile's too."""
    from datetime import datetime

    from pdca.db.accountability_models import OwnerRow
    from pdca.screens.owners import heaviest_of, owner_row

    rows = [
        OwnerRow(login="(unowned)", name="", plan=356, open=356, unowned=True),
        OwnerRow(login="wendy", name="", do=166, open=166),
        OwnerRow(login="uma", name="", do=24, open=24),
    ]
    heaviest = heaviest_of(rows)
    bars = [
        "".join(c for c, _ in owner_row(r, datetime(2026, 11, 23), heaviest)[-3:-1]) for r in rows
    ]
    assert heaviest == 166 and bars[0] == bars[1] == "█" * 10
    assert bars[2].count("█") == 1
    assert heaviest_of(rows[:1]) == 356  # nobody else: the pile is the measure


async def test_slash_finds_a_person_among_many(make_app, store: Store, db_path: Path) -> None:
    """Fifty people on one file: the lead scrolled to "tara" by j (a lead's trial). / narrows
    a list of the people shown as one types, and enter puts the cursor on that row."""
    from pdca.db.models import ActionDraft

    for n in range(30):
        store.add_action(ActionDraft(title=f"work {n}", owner=f"person{n:02d}"))
    store.add_action(ActionDraft(title="hers", owner="tara"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_owners(pilot)
        rows = screen.query_one(RowList)
        assert rows.cursor == 0 and screen.owners[0].login != "tara"
        await pilot.press("slash")
        await settle_app(app, pilot)
        await pilot.press(*"tar", "enter")
        await settle_app(app, pilot)
        assert app.screen is screen
        assert screen.current is not None and screen.current.login == "tara"
        assert row_text(screen, rows.cursor).startswith("tara") and rows.has_focus
        await pilot.press("slash")
        await settle_app(app, pilot)
        await pilot.press("escape")  # nothing picked: the cursor stays
        await settle_app(app, pilot)
        assert app.screen is screen and screen.current.login == "tara"


@pytest.mark.parametrize("columns", [80, 70, 120])
async def test_a_load_of_ten_or_more_shows_whole_beside_a_shorter_bar(
    make_app, store: Store, db_path: Path, columns: int
) -> None:
    """At 80 columns a whole bar pushed a load of 10 or more past the edge: "██████████ …"
    (a trial of terminal sizes). The bar gives way; the figure is always whole."""
    from pdca.db.models import ActionDraft

    for n in range(123):
        store.add_action(ActionDraft(title=f"work {n}", owner="heidi"))
    store.add_action(ActionDraft(title="one", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=(columns, 20)) as pilot:
        screen = await open_owners(pilot)
        listed = screen.query_one(RowList)
        lines = [listed.render_line(y).text.rstrip() for y in range(2)]
        assert lines[0].endswith(" 123") and "…" not in lines[0], lines
        assert lines[1].endswith(" 1"), lines
        assert "█" in lines[0] and "█" in lines[1]  # a bar still, shorter where it must be
        bar = lines[0].count("█") + lines[0].count("░")
        assert 3 <= bar <= 10 and (bar == 10 or columns < 100), (columns, lines[0])


@pytest.mark.parametrize(
    ("width", "said"),
    [
        (120, " · stale after 7 days without a check-in"),
        (74, " · stale after 7d"),
        (60, ""),
    ],
)
async def test_the_stale_rule_is_said_as_the_room_allows_never_cut(
    make_app, team: Path, width: int, said: str
) -> None:
    """At 80 columns the summary ended "stale afte…" (a team of three): the rule is said in
    full, short, or not at all."""
    app = make_app(team)
    async with app.run_test(size=(width, 24)) as pilot:
        screen = await open_owners(pilot)
        summary = str(screen.query_one("#owners-summary").render())
        assert summary.endswith(f"follow-up due{said}"), summary
        assert len(summary) <= width - 2
