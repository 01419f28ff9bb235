"""A filter that matches no open card says why it may be empty: done ones are hidden."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Static

from pdca.db.models import ActionChanges, ActionDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.dialogs import PickModal
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import board, column_ids


def bar_text(app) -> str:  # type: ignore[no-untyped-def]
    bar = board(app).query_one("#filter-bar", Static)
    return str(bar.render()) if bar.display else ""


async def test_an_id_of_a_done_action_says_d_shows_it(
    make_app, store: Store, db_path: Path
) -> None:
    done = store.add_action(ActionDraft(title="Shipped", owner="bob", due=date(2026, 12, 1)))
    store.complete_action(done.id, "abandon")
    store.add_action(ActionDraft(title="Open one", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *f"#{done.id}", "enter")
        await settle_app(app, pilot)
        assert f"#{done.id} is bob's, done: D shows done too" in bar_text(app)  # whole at 80
        await pilot.press("D")
        await settle_app(app, pilot)
        assert done.id in [i for phase in ("plan", "do", "check", "act")
                           for i in column_ids(app, phase)]  # fmt: skip
        assert "D shows done" not in bar_text(app)
        await pilot.press("escape")  # nothing filtered: no bar, no hint
        await settle_app(app, pilot)
        await pilot.press("slash", *"Open", "enter")
        await settle_app(app, pilot)
        assert "Open" in bar_text(app) and "D shows" not in bar_text(app)


async def test_an_id_of_a_removed_action_says_there_is_none(
    make_app, store: Store, db_path: Path
) -> None:
    """ "#N" of a removed action said "D shows done too", and D showed nothing (a tester)."""
    gone = store.add_action(ActionDraft(title="Gone soon", owner="bob"))
    store.undo()  # its creation: the only way an action leaves the file
    store.add_action(ActionDraft(title="Open one", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *f"#{gone.id}", "enter")
        await settle_app(app, pilot)
        assert f"no action #{gone.id} (removed)" in bar_text(app)
        assert "D shows" not in bar_text(app)
        await pilot.press("D")
        await settle_app(app, pilot)
        assert "showing done" in bar_text(app)
        assert f"no action #{gone.id} (removed)" in bar_text(app)
        assert "nothing matches" not in bar_text(app)
        await pilot.press("escape", "slash", *"#9999", "enter")  # never issued
        await settle_app(app, pilot)
        assert "no action #9999" in bar_text(app) and "removed" not in bar_text(app)


async def test_an_id_hidden_by_another_filter_says_whose_it_is(
    make_app, store: Store, db_path: Path
) -> None:
    """Under carol's filter, "#41" of another's open action said "D shows done too", then
    "nothing matches, done or open" (a retrial): whose and where, and esc shows it."""
    hers = store.add_action(ActionDraft(title="Carol's", owner="carol"))
    other = store.add_action(
        ActionDraft(title="Alexandra's", owner="alexandra", phase="do", due=date(2027, 1, 4))
    )
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("o")
        await settle_app(app, pilot)
        await pilot.press(*"carol", "enter")
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [hers.id]
        await pilot.press("slash", *f"#{other.id}", "enter")
        await settle_app(app, pilot)
        said = bar_text(app)
        assert f"#{other.id} is alexandra's, in Do: esc clears the filters" in said, said
        assert "D shows" not in said
        store.complete_action(other.id, "abandon")  # done now: esc keeps it hidden (a reviewer)
        await pilot.press("escape", "o")
        await settle_app(app, pilot)
        await pilot.press(*"carol", "enter")
        await settle_app(app, pilot)
        await pilot.press("slash", *f"#{other.id}", "enter")
        await settle_app(app, pilot)
        said = bar_text(app)
        assert (
            f"#{other.id} is alexandra's, done: esc clears the filters, then D shows done" in said
        )


async def test_a_bare_number_may_be_in_a_done_title_so_d_is_still_offered(
    make_app, store: Store, db_path: Path
) -> None:
    """ "2026" is searched in titles too: "no action #2026" said nothing existed, and D then
    showed the done "Budget 2026 review" (a reviewer)."""
    done = store.add_action(ActionDraft(title="Budget 2026 review", owner="bob"))
    store.complete_action(done.id, "abandon")
    store.add_action(ActionDraft(title="Open one", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *"2026", "enter")
        await settle_app(app, pilot)
        assert "none open: D shows done too" in bar_text(app)
        assert "no action" not in bar_text(app)


async def test_finishing_the_last_match_says_so_at_once(
    make_app, store: Store, db_path: Path
) -> None:
    store.add_action(ActionDraft(title="Only match", owner="bob"))
    store.add_action(ActionDraft(title="Other"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *"Only", "enter")
        await settle_app(app, pilot)
        assert "D shows" not in bar_text(app)
        await pilot.press("d")  # done, from Plan: abandoned (the only choice, 3 as in Act)
        await settle_app(app, pilot)
        await pilot.press("3")
        await settle_app(app, pilot)
        assert board(app).columns["plan"].total == 0
        assert "none open: D shows done too" in bar_text(app)


async def test_nothing_matching_done_ones_too_is_said_with_done_shown(
    make_app, store: Store, db_path: Path
) -> None:
    """D with a filter that matches nothing said "showing done" alone: the empty board read
    as cards hidden (a tester)."""
    store.add_action(ActionDraft(title="Other"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *"zzz", "enter", "D")
        await settle_app(app, pilot)
        assert "showing done" in bar_text(app)
        assert "nothing matches, done or open" in bar_text(app)


async def test_a_filter_no_done_action_matches_either_does_not_send_you_to_d(
    make_app, store: Store, db_path: Path
) -> None:
    """ "/zzzz" said "none open: D shows done too", and D then said nothing matches, done or
    open (a trial): said at once."""
    done = store.add_action(ActionDraft(title="Done one", owner="bob"))
    store.complete_action(done.id, "abandon")
    store.add_action(ActionDraft(title="Other"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *"zzzz", "enter")
        await settle_app(app, pilot)
        assert "nothing matches, done or open" in bar_text(app)
        assert "D shows" not in bar_text(app)
        await pilot.press("escape", "slash", *"Done", "enter")
        await settle_app(app, pilot)
        assert "none open: D shows done too" in bar_text(app)


async def test_a_jump_to_a_done_card_says_done_ones_are_shown_until_d(
    make_app, store: Store, db_path: Path
) -> None:
    """Enter on a done action's follow-up (the log, key 4) turns "show done" on to reach it:
    the bar says so, esc (which clears filters) keeps it, and D hides them and the bar."""
    from tests.tui.accountability_support import team_db

    team_db(store, db_path)  # #1 done (its 30-day follow-up due); #2 and #3 open in Plan
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert bar_text(app) == ""  # nothing filtered, nothing done shown: no bar
        await pilot.press("4")
        await settle_app(app, pilot)
        await pilot.press("enter")  # the follow-up due on top: done action #1
        await settle_app(app, pilot)
        assert board(app).current is not None and board(app).current.id == 1
        assert bar_text(app) == "showing done · D hides them"
        assert any("#1 is done: showing done" in n.message for n in app._notifications)
        await pilot.press("escape")  # clears filters, not done ones: the bar stays
        await settle_app(app, pilot)
        assert "showing done · D hides them" in bar_text(app)
        await pilot.press("o")  # a filter beside it: both said
        await settle_app(app, pilot)
        assert isinstance(app.screen, PickModal)
        await pilot.press(*"bob", "enter")
        await settle_app(app, pilot)
        assert bar_text(app).startswith("filter: owner bob")
        assert bar_text(app).endswith("showing done · D hides them")
        await pilot.press("escape", "D")
        await settle_app(app, pilot)
        assert bar_text(app) == ""
        assert column_ids(app, "act") == []
        assert store.get_action(1).done_at is not None  # only the view changed


async def test_d_pressed_says_done_ones_are_shown_in_the_bar(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("D")
        await settle_app(app, pilot)
        assert bar_text(app) == "showing done · D hides them"
        await pilot.press("D")
        await settle_app(app, pilot)
        assert bar_text(app) == ""


async def test_a_jump_to_an_owner_keeps_done_ones_shown_when_d_showed_them(
    make_app, store: Store, db_path: Path
) -> None:
    """D is the person's choice: a jump from another view (enter on an owner) filters the
    board and keeps done ones shown; only D hides them (a jump had turned them off)."""
    from tests.tui.accountability_support import team_db

    team_db(store, db_path)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("D")
        await settle_app(app, pilot)
        assert bar_text(app) == "showing done · D hides them"
        await pilot.press("2")
        await settle_app(app, pilot)
        await pilot.press("enter")  # an owner: the board filtered to them
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen) and board(app).filter.owner is not None
        assert board(app).filter.include_done
        assert bar_text(app).endswith("showing done · D hides them")


async def test_a_jump_to_a_done_card_far_down_its_column_shows_it(
    make_app, store: Store, db_path: Path
) -> None:
    """A jump that turns done ones on lands with the card on screen, mid-column: the column
    has grown by the done cards when it scrolls (it had stopped at the old height, the card
    one below the fold)."""
    from pdca.db.seed import seed_database
    from pdca.screens.jump import open_on_board

    seed_database(store, size="small", seed=1)
    from pdca.db.store import PRIORITY_RANKS, ActionFilter

    def order(action):  # type: ignore[no-untyped-def]  # the store's order in a phase
        return (PRIORITY_RANKS[action.priority], action.due or "9999-12-31", action.id)

    acts = store.list_actions(ActionFilter(phase="act", include_done=True))
    last_done = max((a for a in acts if a.done_at is not None), key=order).id  # the lowest
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await open_on_board(app, action_id=last_done, done=True)
        await settle_app(app, pilot)
        column = board(app).columns["act"]
        index = column.index_of(last_done)
        assert index is not None and board(app).focused_id == last_done
        # The card's lines (a row is row_height lines, its card the first row_lines of them)
        # within the lines the column shows.
        first, shown = column.scroll_offset.y, column.scrollable_content_region.height
        card = column.header_lines + index * column.row_height
        assert first <= card and card + column.row_lines <= first + shown, (first, card, shown)


async def test_a_new_action_the_filter_hides_is_said_and_the_focus_stays(
    make_app, store: Store, db_path: Path
) -> None:
    """A tester added an action under a text filter it did not match: it was slipped past
    its column's end, out of sight, and the focus landed on an unrelated card."""
    for n in range(3):
        store.add_action(ActionDraft(title=f"rollback plan {n}", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *"rollback", "enter")
        await settle_app(app, pilot)
        focused = board(app).focused_id
        await pilot.press("n")
        await settle_app(app, pilot)
        await pilot.press(*"Brand new thing", "ctrl+s")
        await settle_app(app, pilot)
        added = max(a.id for a in store.list_actions())
        said = [n.message for n in app._notifications]
        assert f"#{added} is not shown: the filter hides it (esc clears it)" in said
        assert added not in column_ids(app, "plan") and board(app).focused_id == focused
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert added in column_ids(app, "plan")


def test_a_long_text_filter_is_cut_and_the_hints_stay() -> None:
    """2000 typed characters left "filter: text" alone on the bar (the word wrapped away),
    and a long phrase pushed "esc clears" off it (a tester)."""
    from pdca.screens.board_filters import FILTER_TEXT_CELLS, BoardFilter

    bar = BoardFilter(text="x" * 2000).describe(empty=True).plain
    assert "x" * (FILTER_TEXT_CELLS - 1) + "…”" in bar
    assert "esc clears" in bar and "none open: D shows done too" in bar
    assert len(bar) < 120


async def test_someones_change_seen_as_a_filter_is_set_does_not_keep_the_old_cards(
    make_app, store: Store, db_path: Path
) -> None:
    """The refresh for a colleague's write reads only what changed, and it replaces a read
    started a moment before (one board read at a time): when that read was the new filter's,
    the columns kept the old cards under the new filter's bar, or no bar (a CI run's
    ``o bob enter`` left the board as it was)."""
    bobs = store.add_action(ActionDraft(title="Bob's", owner="bob"))
    store.add_action(ActionDraft(title="Carol's", owner="carol"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        screen.set_filter(replace(screen.filter, owner="bob"))
        screen.on_database_changed()  # in the same moment: before the filter's read began
        await settle_app(app, pilot)
        assert bar_text(app).startswith("filter: owner bob")
        assert column_ids(app, "plan") == [bobs.id]


async def test_keys_typed_with_a_filter_wait_for_the_read_that_replaced_its_read(
    make_app, store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague's change refreshed the board just after ``/Bob enter``: its read cancelled
    the filter's before it ran, and the keys typed after enter waited for that cancelled
    read, which never ends, for 5 s (a reviewer). They wait for the read that replaced it."""
    from pdca.screens.dialogs.checkin import CheckinModal

    # Enter comes before the typing pause's own read, as typed at once: on a slow run (CI)
    # the pause ran out between "Bob" and enter, and enter had nothing left to set.
    monkeypatch.setattr("pdca.screens.board.FILTER_TYPING_PAUSE_SECONDS", 30.0)
    bobs = store.add_action(ActionDraft(title="Bob's", owner="bob"))
    store.add_action(ActionDraft(title="Carol's", owner="carol"))
    app = make_app(db_path)
    waited_for = []
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        set_filter = screen.set_filter

        def and_someones_change(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            set_filter(*args, **kwargs)
            screen.on_database_changed()  # in the same moment
            app.key_hold._check()  # the hold's next look
            hold = app.key_hold._hold
            waited_for.append(hold.rows if hold is not None else None)

        screen.set_filter = and_someones_change  # type: ignore[method-assign]
        await pilot.press("slash", *"Bob", "enter", "c")
        await settle_app(app, pilot)
        [rows] = waited_for
        assert rows is not None and not rows.is_cancelled  # the read that will come
        assert isinstance(app.screen, CheckinModal) and app.screen.target.id == bobs.id


async def test_a_filter_set_says_so_at_once_while_its_cards_are_read(
    make_app, store: Store, db_path: Path
) -> None:
    """On a big file under load the cards took a second or two, and the unfiltered board
    read as the pick not taken (a tester picked again)."""
    from pdca.screens.board_filters import BoardFilter

    store.add_action(ActionDraft(title="Bob's", owner="bob"))
    store.add_action(ActionDraft(title="Carol's", owner="carol"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        screen.set_filter(replace(BoardFilter(), owner="bob"))
        assert bar_text(app).startswith("filter: owner bob")  # before the read lands
        assert bar_text(app).endswith("reading…")
        await settle_app(app, pilot)
        assert "reading…" not in bar_text(app) and "owner bob" in bar_text(app)
        screen.set_filter(BoardFilter())
        # what the board will show, not "filter cleared": hiding done ones (D) said that of
        # no filter at all (a new user)
        assert bar_text(app) == "every open action   reading…"
        await settle_app(app, pilot)
        assert bar_text(app) == ""


async def test_a_filter_whose_read_fails_is_put_back_not_left_reading(
    make_app, store: Store, db_path: Path, monkeypatch
) -> None:
    """A reviewer: a read that failed left "reading…" over the old cards for good."""
    from pdca.db.errors import DatabaseBusy
    from pdca.screens import board as board_module
    from pdca.screens.board_filters import BoardFilter

    store.add_action(ActionDraft(title="Bob's", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        screen = board(app)

        def busy(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise DatabaseBusy("the file stayed busy for 10 s; nothing read")

        monkeypatch.setattr(board_module, "read_changes", busy)
        screen.set_filter(replace(BoardFilter(), owner="bob"))
        await settle_app(app, pilot)
        assert screen.filter == screen.filter_shown == BoardFilter()
        assert bar_text(app) == ""


async def test_a_long_filter_bar_wraps_rather_than_losing_its_hints(
    make_app, store: Store, db_path: Path
) -> None:
    """At 80 columns a bar of owner, initiative and priority ended at "esc clears": "showing
    done · D hides them" and "nothing matches" were cut off (testers). It takes a second
    line."""
    from pdca.db.models import InitiativeDraft

    name = "Faster support for our customers"
    store.add_initiative(InitiativeDraft(name=name))
    store.add_action(ActionDraft(title="x", owner="bob", initiative=name, priority="high"))
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        screen = board(app)
        screen.set_filter(replace(screen.filter, owner="bob", priority="low",
                                  initiative="Faster support for our customers",
                                  include_done=True))  # fmt: skip
        await settle_app(app, pilot)
        bar = screen.query_one("#filter-bar", Static)
        assert "nothing matches, done or open" in bar_text(app)
        assert bar.size.height >= 2  # wrapped, every word on screen
        drawn = " ".join(strip.text for strip in bar.render_lines(bar.region.reset_offset))
        assert "D hides them" in drawn and "nothing matches" in drawn, drawn


async def test_shift_l_shows_the_late_actions_only(make_app, store: Store, db_path: Path) -> None:
    """The board had no way to show what is late, as pdca list --overdue does (a lead's
    trial): L narrows to the actions past their due date, with the other filters; again, or
    esc, shows them all."""
    late = store.add_action(ActionDraft(title="Late one", owner="bob", due=date(2026, 11, 1)))
    store.add_action(ActionDraft(title="On time", owner="bob", due=date(2027, 1, 1)))
    other = store.add_action(ActionDraft(title="Carol late", owner="carol", due=date(2026, 11, 2)))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("L")
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [late.id, other.id]
        assert bar_text(app).startswith("filter: late")
        assert board(app).columns["plan"].total == 2
        await pilot.press("o")
        await settle_app(app, pilot)
        await pilot.press(*"carol", "enter")
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [other.id]
        assert "owner carol" in bar_text(app) and "late" in bar_text(app)
        await pilot.press("L")  # off again: carol's work, late or not
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [other.id] and "late" not in bar_text(app)
        await pilot.press("escape", "L")
        await settle_app(app, pilot)
        store.edit_action(late.id, ActionChanges(due=date(2027, 2, 1)))
        store.edit_action(other.id, ActionChanges(due=date(2027, 2, 1)))
        await pilot.press("escape", "L")
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == []
        assert "nothing late" in bar_text(app) and "D shows" not in bar_text(app)
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert len(column_ids(app, "plan")) == 3 and bar_text(app) == ""
        store.edit_action(late.id, ActionChanges(due=date(2026, 11, 1)))  # late again
        await pilot.press("o")
        await settle_app(app, pilot)
        await pilot.press(*"carol", "enter", "L")  # carol's: none late, bob's is
        await settle_app(app, pilot)
        assert "none of these is late" in bar_text(app)


async def test_hash_starts_an_action_number_as_in_linear(
    make_app, store: Store, db_path: Path
) -> None:
    """#82736 typed on the board: # did nothing, and the digits switched views (a trial)."""
    wanted = store.add_action(ActionDraft(title="Wanted", owner="bob"))
    store.add_action(ActionDraft(title="Other", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *"Oth", "escape")  # a text left in the box: # replaces it
        await settle_app(app, pilot)
        await pilot.press("number_sign", *str(wanted.id), "enter")
        await settle_app(app, pilot)
        assert app.current_mode == "board"
        assert board(app).filter.text == f"#{wanted.id}"
        assert column_ids(app, "plan") == [wanted.id]


async def test_a_paragraph_pasted_into_the_filter_is_searched_not_a_crash(
    make_app, store: Store, db_path: Path
) -> None:
    """A tester pasted 1 000 words into ``/``: SQLite refused the search as an expression
    tree too deep, and the board crashed. Every word is asked for, as for two."""
    from textual import events

    store.add_action(ActionDraft(title="Rota for w1 and w998", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash")
        await settle_app(app, pilot)
        app.post_message(events.Paste(" ".join(f"w{n}" for n in range(1000))))
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert app.is_running and [column_ids(app, p) for p in ("plan", "do")] == [[], []]
        await pilot.press("escape", "slash")
        await settle_app(app, pilot)
        app.post_message(events.Paste(" ".join(["w1", "w998"] * 500)))  # each word twice
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert column_ids(app, "plan") == [1]
