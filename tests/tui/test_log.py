"""The check-in log (key 4): newest first, follow-ups due on top, filters, c, f and enter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len

from pdca.db import accountability
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.dialogs import CheckinModal, ChoiceModal
from pdca.screens.dialogs.followup_note import FollowupNoteModal
from pdca.screens.log import LogScreen
from pdca.tui.typeahead import DROP_PAUSE_SECONDS
from pdca.widgets.row_list import RowList
from tests.conftest import NOW_DT, open_as
from tests.tui.accountability_support import team_db
from tests.tui.conftest import SIZE, settle_app, wait_until


@pytest.fixture
def team(store: Store, db_path: Path) -> Path:
    return team_db(store, db_path)


def texts(screen: LogScreen) -> list[str]:
    return ["".join(t for t, _ in row) for row in screen.query_one(RowList).rows]


async def test_key_4_lists_due_followups_then_checkins_newest_first(make_app, team) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, LogScreen)
        rows = texts(screen)
        assert "⚑ 30-day follow-up" in rows[0] and "#1" in rows[0]
        assert [e.message for e in screen.entries] == ["[red]help[/red]", "on it", "drafted"]
        assert "[red]help[/red]" in rows[1]  # literal, not markup
        assert "Triage [bold]rota[/bold]" in rows[3]


async def test_filters_narrow_and_escape_clears(make_app, team) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        await pilot.press("down", "down", "a")  # the "on it" row: action #3 only
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert [e.message for e in screen.entries] == ["on it"] and screen.due == []
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("3")  # blocked
        await settle_app(pilot.app, pilot)
        assert [e.status for e in screen.entries] == ["blocked"]
        await pilot.press("escape")
        await settle_app(pilot.app, pilot)
        assert len(screen.entries) == 3
        await pilot.press("s")  # a follow-up's result too, as pdca log --status (a tester)
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        assert [value for value, _ in app.screen.choices][-2:] == ["holding", "slipped"]
        await pilot.press("4")  # holding: none yet
        await settle_app(pilot.app, pilot)
        assert screen.filter.status == "holding" and screen.entries == []


async def test_an_owners_filter_says_it_shows_their_actions_whoever_wrote(
    make_app, store: Store, db_path: Path
) -> None:
    """A row names the check-in's writer (bob) and ``o`` an action's owner (dave): a lead who
    picked bob found nothing (a keyboard trial). The picker and the bar say which."""
    from pdca.db.models import ActionDraft, CheckinDraft
    from pdca.screens.dialogs import PickModal

    action = store.add_action(ActionDraft(title="Rota", owner="dave"))
    bob = open_as(db_path, "bob")
    try:
        bob.add_checkin(action.id, CheckinDraft(message="covered for dave"))
    finally:
        bob.close()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        log = app.screen
        assert isinstance(log, LogScreen) and " bob " in texts(log)[0]
        await pilot.press("o")
        await settle_app(pilot.app, pilot)
        assert isinstance(app.screen, PickModal)
        assert "one owner's actions, whoever wrote them" in app.screen._heading
        await pilot.press(*"dave", "enter")
        await settle_app(pilot.app, pilot)
        assert [e.message for e in log.entries] == ["covered for dave"]
        assert "dave's actions" in str(log.query_one("#log-filter").render())


async def test_the_last_7_days_keep_a_row_said_as_7d_ago(make_app, team) -> None:
    """On the 23rd, "The last 7 days" began on the 17th, and a check-in its row called "7d
    ago" (the 16th) went (a new user)."""
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "t")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("2")  # the last 7 days
        await settle_app(pilot.app, pilot)
        assert app.screen.filter.since == date(2026, 11, 16)


async def test_f_records_a_followup_and_c_checks_in(make_app, team, store: Store) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "f")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("2")  # slipped
        await pilot.pause()
        assert isinstance(app.screen, FollowupNoteModal)
        await pilot.press("enter")  # no words of one's own: pdca's
        await settle_app(pilot.app, pilot)
        done, *closed = [
            f for f in accountability.list_followups(store, include_done=True) if f.done_at
        ]
        assert (done.offset_days, done.result, done.done_by) == (30, "slipped", "alice")
        # The later follow-ups of the slipped work closed with it.
        assert [(f.offset_days, f.checkin_id) for f in closed] == [(60, None), (90, None)]
        reopened = store.get_action(done.reopened_id or 0)
        assert (reopened.phase, reopened.parent_id) == ("plan", 1)
        said = [n.message for n in app._notifications]  # whose it is, after a reassign too
        assert f"#{reopened.id} opened in Plan for {reopened.owner}: cycle 2" in said
        screen = app.screen
        assert isinstance(screen, LogScreen)
        assert screen.entries[0].kind == "followup" and screen.due == []
        await pilot.press("down", "c")  # the "[red]help[/red]" row: action #2 is open
        await pilot.pause()
        assert isinstance(app.screen, CheckinModal)
        await pilot.press(*"unblocked", "ctrl+s")
        await settle_app(pilot.app, pilot)
        assert screen.entries[0].message == "unblocked" and screen.entries[0].action_id == 2


async def _saved_on_2_behind_a_lock(app, pilot, team: Path, words: str):  # type: ignore[no-untyped-def]
    """``words`` typed as a check-in on #2 from the log, and ctrl+s while another process
    holds the file's write lock: the holder, to release."""
    from tests.conftest import LockHolder

    await _check_in_typed_on_2(app, pilot, words)
    holder = LockHolder(team)
    await pilot.press("ctrl+s")
    return holder


async def _until_kept(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Until a refused save is kept (it gives up after the busy wait), 10 s at most."""
    for _ in range(200):
        if app.context.kept():
            return
        await pilot.pause(0.05)


async def _check_in_typed_on_2(app, pilot, words: str) -> None:  # type: ignore[no-untyped-def]
    """From the log (4), c on the "[red]help[/red]" row (action #2, open), ``words`` typed."""
    await pilot.press("4")
    await settle_app(pilot.app, pilot)
    await pilot.press("down", "c")
    await pilot.pause()
    assert isinstance(app.screen, CheckinModal)
    await pilot.press(*words)


async def test_a_check_in_refused_because_the_action_was_done_meanwhile_says_its_words(
    make_app, team
) -> None:
    """bob finishes #2 while alice types a check-in on it from the log: the save is refused,
    and what she typed is said whole, as the board's c says it (only "#2 is done" was said,
    and the words were gone, a tester)."""
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await _check_in_typed_on_2(app, pilot, "log words")
        bob = open_as(team, "bob")
        bob.complete_action(2, "abandon")
        bob.close()
        await pilot.press("ctrl+s")
        await settle_app(pilot.app, pilot)
        said = [n.message for n in app._notifications]
        assert (
            "#2 was done by bob meanwhile (abandon): not saved: check-in on #2 (blocked):"
            " 'log words'"  # its last status
        ) in said


async def test_f_takes_the_followups_own_words_and_esc_records_nothing(
    make_app, team, store: Store
) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "f")
        await pilot.pause()
        await pilot.press("1")  # holding
        await pilot.pause()
        assert isinstance(app.screen, FollowupNoteModal)
        await pilot.press("escape")  # leaves without recording
        await settle_app(pilot.app, pilot)
        assert isinstance(app.screen, LogScreen)
        assert not [f for f in accountability.list_followups(store, include_done=True) if f.done_at]
        await pilot.press("f", "2")  # slipped, and why
        await pilot.pause()
        await pilot.press(*"rota [b]reverted[/b]", "enter")
        await settle_app(pilot.app, pilot)
        done = next(f for f in accountability.list_followups(store, include_done=True) if f.done_at)
        assert done.result == "slipped" and done.reopened_id is not None
        entry = app.screen.entries[0]
        assert (entry.kind, entry.message) == ("followup", "rota [b]reverted[/b]")


async def test_a_followups_note_a_refused_write_kept_comes_back_with_f(
    make_app, team, store: Store
) -> None:
    """A file busy for 10 s refused the write and the note typed was gone (a reviewer): kept,
    as a check-in's is. Here a colleague's change to the follow-up refuses it."""
    from textual.widgets import Input

    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "f")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        store.conn.execute("UPDATE followups SET version = version + 1")  # someone else's
        await pilot.press(*"carol's review slipped", "enter")
        await settle_app(pilot.app, pilot)
        assert not [f for f in accountability.list_followups(store, include_done=True) if f.done_at]
        # Kept as the board keeps its own: counted, and printed at quit (it went silently at
        # quit, exit 0: a retrial).
        assert app.context.kept() == ['follow-up slipped of #1: "carol\'s review slipped"']
        await pilot.press("f", "2")
        await pilot.pause()
        assert isinstance(app.screen, FollowupNoteModal)
        assert app.screen.query_one("#note", Input).value == "carol's review slipped"
        await pilot.press("enter")
        await settle_app(pilot.app, pilot)
        done, *_later = [
            f for f in accountability.list_followups(store, include_done=True) if f.done_at
        ]
        assert (done.offset_days, done.result) == (30, "slipped")
        assert app.context.kept() == []


async def test_a_followups_note_a_colleague_beat_is_said_not_lost(
    make_app, team, store: Store, db_path
) -> None:
    """A colleague recorded the follow-up first: no f on it will take the note again, and
    it was kept for one, lost unseen (a tester). The refusal says what was typed."""
    from tests.conftest import open_as

    app = make_app(team)
    notices: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "f")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        colleague = open_as(team, "carol")
        (due,) = accountability.list_followups(colleague, due_only=True)
        accountability.record_followup(colleague, due.id, "holding")
        colleague.close()
        original = app.notify

        def kept(message: str, *args, **kwargs):  # type: ignore[no-untyped-def]
            notices.append(message)
            return original(message, *args, **kwargs)

        app.notify = kept  # type: ignore[method-assign]
        await pilot.press(*"[b]reverted[/b] again", "enter")
        await settle_app(pilot.app, pilot)
    said = [n for n in notices if "your note was not recorded" in n]
    assert said and said[0].endswith("your note was not recorded: “[b]reverted[/b] again”")
    # In the words of the row it was on (the audit's own id and a UTC time read as
    # another action's, a tester)
    assert said[0].startswith(
        "#1's 30-day follow-up was recorded meanwhile by carol (holding, 2026-11-23 09:00 UTC)"
    )


async def test_a_follow_up_recorded_while_its_question_is_open_is_said_at_the_choice(
    make_app, team
) -> None:
    """Holding or slipped was still asked after carol recorded it, and said only after a
    note was typed and refused (a tester): said at the choice, no note asked."""
    from pdca.screens.dialogs.followup_note import FollowupNoteModal
    from tests.conftest import open_as

    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "f")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        colleague = open_as(team, "carol")
        (due,) = accountability.list_followups(colleague, due_only=True)
        accountability.record_followup(colleague, due.id, "slipped")
        colleague.close()
        await pilot.press("1")  # holding
        await settle_app(pilot.app, pilot)
        assert not isinstance(app.screen, FollowupNoteModal)
        said = [n.message for n in app._notifications]
        assert any(
            m.startswith("#1's 30-day follow-up was recorded meanwhile by carol (slipped")
            and m.endswith(": nothing to record")
            for m in said
        ), said


async def test_enter_jumps_to_the_action_on_the_board(make_app, team) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        log = app.screen
        assert isinstance(log, LogScreen) and isinstance(app.focused, RowList)
        await pilot.press("down", "down")
        assert log.highlighted is not None and log.highlighted.action_id == 3
        await pilot.press("enter")
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.current is not None and board.current.id == 3


async def test_the_log_pages_in_more_as_the_cursor_nears_the_end(make_app, store, db_path):
    from pdca.db.models import ActionDraft, CheckinDraft

    action = store.add_action(ActionDraft(title="busy"))
    for n in range(450):
        store.add_checkin(action.id, CheckinDraft(message=f"m{n}"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert len(screen.entries) == 200
        await pilot.press(*["pagedown"] * 5)
        await settle_app(pilot.app, pilot)
        assert len(screen.entries) == 400  # the next page, read as the cursor neared the end
        await pilot.press(*["pagedown"] * 5)
        await settle_app(pilot.app, pilot)
        assert len(screen.entries) == 450 and screen.exhausted
        assert len({e.id for e in screen.entries}) == 450
        rows = screen.query_one(RowList).rows  # one row each, none twice
        assert len(rows) == 450 and rows[449][-1][0] == "m0"
        await pilot.press("home", "end")  # End reads the oldest page at once
        await settle_app(pilot.app, pilot)
        assert screen.highlighted is not None and screen.highlighted.message == "m0"


async def test_at_80x24_the_message_keeps_its_column(make_app, team) -> None:
    """A narrow terminal shortens titles and states so each row's message still shows."""
    app = make_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, LogScreen)
        width = screen.query_one(RowList).scrollable_content_region.width
        rows = texts(screen)
        assert "⚑ 30d check" in rows[0]
        shown = [row[:width] for row in rows[1:]]
        assert "[red]help[/red]" in shown[0] and "on it" in shown[1], shown
        await pilot.resize_terminal(160, 40)
        await settle_app(pilot.app, pilot)
        assert "⚑ 30-day follow-up" in texts(screen)[0]  # wide again: the full labels


async def test_enter_jumps_to_an_action_far_down_its_column(make_app, store, db_path) -> None:
    """The board reads a screenful per column: the jump reads the window where the action
    is, puts the cursor on it and shows it mid-screen."""
    from pdca.db.models import ActionDraft, CheckinDraft

    ids = [store.add_action(ActionDraft(title=f"item {n}")).id for n in range(120)]
    store.add_checkin(ids[99], CheckinDraft(message="the one to find"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        await pilot.press("enter")
        await settle_app(pilot.app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.current is not None and board.current.id == ids[99]
        plan = board.columns["plan"]
        first, shown = plan.visible_range()
        assert first < 99 < first + shown - 2  # on screen, not just loaded


async def test_many_follow_ups_due_pin_only_the_oldest_and_say_how_many_more(
    make_app, store, db_path
) -> None:
    """A big file with hundreds due: the first 20 on top, a line saying how many more,
    and the check-ins right below them (not hundreds of rows down)."""
    from datetime import date, timedelta

    from pdca.db.models import ActionDraft, CheckinDraft
    from pdca.screens.log import DUE_SHOWN

    store.close()
    earlier = open_as(db_path, "bob", NOW_DT - timedelta(days=40))  # standardized 40 days ago
    for n in range(DUE_SHOWN + 5):
        draft = ActionDraft(title=f"std {n}", owner="bob", due=date(2026, 10, 30))
        action = earlier.add_action(draft)
        earlier.move_action(action.id, "do")
        earlier.add_checkin(action.id, CheckinDraft(message="done"))
        earlier.move_action(action.id, "check")
        earlier.move_action(action.id, "act", verdict="worked")
        earlier.complete_action(action.id, "standardize")
    earlier.close()
    # A third of the rows on screen: 20 filled an 80x24 log (a tester saw no check-in).
    for size, most in ((SIZE, 40 // 3), ((80, 24), 24 // 3), ((200, 70), DUE_SHOWN)):
        app = make_app(db_path)
        async with app.run_test(size=size) as pilot:
            await pilot.press("4")
            await settle_app(pilot.app, pilot)
            log = app.screen
            assert isinstance(log, LogScreen)
            pinned = len(log.due)
            assert most - 2 <= pinned <= most and log.due_more == DUE_SHOWN + 5 - pinned, size
            said = f"{DUE_SHOWN + 5 - pinned} more follow-ups due"
            assert said in str(log.query_one("#log-filter").render())
            assert texts(log)[pinned].endswith("done")  # the newest check-in, right below
            if size == SIZE:  # a resize reads them again: 12 kept took over half of 80x24
                await pilot.resize_terminal(80, 24)
                await settle_app(pilot.app, pilot)
                assert len(log.due) <= 24 // 3 and log.due_more == DUE_SHOWN + 5 - len(log.due)


async def test_c_on_a_done_action_says_when_its_next_follow_up_is_due(
    make_app, team, store: Store
) -> None:
    """A tester: c said "record its follow-up (f) instead", and f then "no follow-up due
    here". Where none is due, c says when the next one is."""
    (due,) = accountability.list_followups(store, due_only=True)
    accountability.record_followup(store, due.id, "holding")  # the 60-day one is next
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        screen = app.screen
        assert isinstance(screen, LogScreen) and screen.highlighted is not None
        assert screen.highlighted.action_id == 1  # the follow-up just recorded
        await pilot.press("c")
        await settle_app(pilot.app, pilot)
        assert len(app.screen_stack) == 1
        said = [n.message for n in app._notifications][-1]
        assert said.startswith("#1 is done: check-ins are for open work; #1's next follow-up")
        assert "(60-day) is not due until" in said


@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
def test_a_rows_state_and_message_never_run_together(width: int) -> None:
    """At 80 columns a due follow-up read "⚑ 30d checkdue 2026-11-24" (two testers)."""
    from pdca.db.accountability_models import Followup
    from pdca.screens.log import columns_for, followup_row

    columns = columns_for(width)
    for days in (30, 60, 90):
        item = Followup(
            id=1, action_id=7, title="Rota", owner="ann", offset_days=days, due="2026-11-24",
            created_at="2026-10-25T09:00:00Z", done_at=None, done_by=None, result=None,
            checkin_id=None, reopened_id=None, version=1, is_due=True,
        )  # fmt: skip
        row = followup_row(item, columns)
        label, message = row[-2][0], row[-1][0]
        assert label.endswith(" ") and message.startswith("due 2026-11-24")
        # and the key that records it is never what gets cut: whole within the line
        used = sum(cell_len(text) for text, _ in row[:-1])
        if width >= 80:  # below, a title keeps 12 cells and the message is cut
            assert "press f" in message and used + len(message) <= width - 1, (width, message)


async def test_no_list_shows_an_empty_sideways_scrollbar(make_app, team) -> None:
    """Every list view kept an empty horizontal scrollbar above the footer, a row lost (its
    width counted the vertical scrollbar's cell, a tester): rows are cut, never scrolled."""
    from textual.scroll_view import ScrollView

    app = make_app(team)
    async with app.run_test(size=(80, 9)) as pilot:  # short: each list scrolls up and down
        for view in "2345":
            await pilot.press(view)
            await settle_app(pilot.app, pilot)
            lists = [w for w in app.screen.query(ScrollView) if w.display]
            assert lists and not any(w.show_horizontal_scrollbar for w in lists), view


@pytest.mark.parametrize("width", [40, 60, 76])
def test_below_77_columns_the_message_takes_the_titles_room(width: int) -> None:
    """At 60 columns a check-in's message had 4 cells, at 40 none (two testers): narrower
    than a title and a readable message, the title goes (the #id names the action) and the
    state is its mark alone; the message is what is left."""
    from datetime import UTC, datetime

    from pdca.db.accountability_models import LogEntry
    from pdca.screens.log import columns_for, entry_row

    columns = columns_for(width)
    assert columns.title == 0 and columns.message >= width - 31
    entry = LogEntry(
        id=1, action_id=21, title="Add structured logging", owner="bob", initiative=None,
        at="2026-11-23T05:00:00Z", author="bob", status="at-risk", kind="checkin", result=None,
        message="Took longer than planned",
    )  # fmt: skip
    row = entry_row(entry, datetime(2026, 11, 23, 9, 0, tzinfo=UTC), columns)
    texts = [text for text, _ in row]
    assert "Add structured" not in "".join(texts) and texts[-1] == "Took longer than planned"
    used = sum(cell_len(text) for text in texts[:-1])
    assert used + columns.message <= width - 1


async def test_c_again_while_a_check_in_is_saving_opens_no_second_form_and_it_is_kept(
    make_app, team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a check-in's save waited on a colleague's lock, c again opened a second form
    and cancelled the first: its words went unkept, and q quit with exit 0 (a retrial). Then,
    the first kept, a second form's save dropped them (a reviewer). c on it waits for it."""

    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 1.0)
    app = make_app(team, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        holder = await _saved_on_2_behind_a_lock(app, pilot, team, "first words")
        try:
            await pilot.pause()
            await pilot.press("c")  # again, while the first save waits
            # held, as keys after a form's save are, until the save shows it waits

            def told() -> bool:
                said = [n.message for n in app._notifications]
                return bool(said) and said[-1].startswith("your check-in on #2 is still being")

            await wait_until(pilot, told)
            assert isinstance(app.screen, LogScreen)
            said = [n.message for n in app._notifications]
            assert said[-1].startswith("your check-in on #2 is still being saved"), said
            await _until_kept(app, pilot)
        finally:
            holder.release()
        assert app.context.kept() == ["check-in on #2 (blocked): 'first words'"]
        await settle_app(pilot.app, pilot)
        # past the pause that ends what was typed with the refused c (dropped, not keys)
        await pilot.pause(DROP_PAUSE_SECONDS)
        await pilot.press("c")  # now it opens, with the words kept
        await pilot.pause()
        assert isinstance(app.screen, CheckinModal)
        await pilot.press("ctrl+s")
        await settle_app(pilot.app, pilot)
        assert app.context.kept() == []


async def test_a_check_in_the_lock_outwaited_is_kept_and_opens_again_as_typed(
    make_app, team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log's check-in met a lock held past the wait: the words went with a toast, where
    the board keeps its own (a retrial). Kept as the board keeps them: said at quit, and the
    next c on it opens with them and sends them."""

    monkeypatch.setattr("pdca.db.connection.BUSY_TIMEOUT_SECONDS", 0.5)
    app = make_app(team, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        holder = await _saved_on_2_behind_a_lock(app, pilot, team, "locked words")
        try:
            await _until_kept(app, pilot)
        finally:
            holder.release()
        assert app.context.kept() == ["check-in on #2 (blocked): 'locked words'"]
        said = [n.message for n in app._notifications]
        assert any(s.startswith("check-in on #2 (blocked): 'locked words': ") for s in said)
        await settle_app(pilot.app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CheckinModal)
        await pilot.press("ctrl+s")  # as it was typed
        await settle_app(pilot.app, pilot)
        assert app.context.kept() == []
        screen = app.screen
        assert isinstance(screen, LogScreen)
        assert screen.entries[0].message == "locked words"


async def _on_a_check_in_on_3(pilot):  # type: ignore[no-untyped-def]
    """The log (4), the cursor down to carol's check-in on #3: the log and that row."""
    await pilot.press("4")
    await settle_app(pilot.app, pilot)
    log = pilot.app.screen
    assert isinstance(log, LogScreen)
    while log.highlighted is None or log.highlighted.action_id != 3:
        await pilot.press("down")
    return log, log.highlighted


async def test_the_cursor_stays_on_its_check_in_as_new_ones_come_in_above(make_app, team) -> None:
    """With a colleague checking in, the cursor stayed at its place on screen while the rows
    slid under it, and c opened a check-in on another action (a tester on a busy file)."""
    from pdca.db.models import CheckinDraft
    from tests.conftest import open_as

    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        log, chosen = await _on_a_check_in_on_3(pilot)
        carol = open_as(team, "carol")
        try:
            for n in range(3):
                carol.add_checkin(2, CheckinDraft(message=f"news {n}"))
        finally:
            carol.close()
        app.check_for_changes()
        await settle_app(pilot.app, pilot)
        assert log.entries[0].message == "news 2"  # the new ones are in, above
        assert log.highlighted == chosen


async def test_the_cursor_stays_on_its_row_after_ones_own_check_in(make_app, team) -> None:
    """A check-in saved from the log threw the cursor to the top row (a retrial)."""
    from pdca.screens.dialogs import CheckinModal

    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        log, chosen = await _on_a_check_in_on_3(pilot)
        await pilot.press("c")
        await settle_app(pilot.app, pilot)
        assert isinstance(app.screen, CheckinModal)
        await pilot.press(*"vendor replied", "ctrl+s")
        await settle_app(pilot.app, pilot)
        assert log.entries[0].message == "vendor replied"  # saved, and listed above
        assert log.highlighted == chosen


def test_a_pinned_follow_up_past_its_day_says_how_late() -> None:
    """An audit due four days ago was pinned as "due" where the stand-up said "4d late" (a
    quality manager): the log counts the days late as the stand-up does, by the local day."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from pdca.db.accountability_models import Followup
    from pdca.screens.log import columns_for, followup_row

    item = Followup(
        id=1, action_id=7, title="Rota", owner="ann", offset_days=30, due="2026-11-19",
        created_at="2026-10-20T09:00:00Z", done_at=None, done_by=None, result=None,
        checkin_id=None, reopened_id=None, version=1, is_due=True,
    )  # fmt: skip
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert followup_row(item, columns_for(120), now)[0] == (" 4d late  ", "bad")
    long_ago = replace(item, due="2026-01-19")
    assert followup_row(long_ago, columns_for(120), now)[0] == ("    308d  ", "bad")
    today = replace(item, due="2026-11-23")
    assert followup_row(today, columns_for(120), now)[0] == ("     due  ", "accent")


async def test_a_due_follow_up_names_the_persons_own_key_to_record_it(
    make_app, team, env: dict[str, str]
) -> None:
    """With the follow-up key moved to F, the pinned row still said "press f", and f did
    nothing there (a keymap trial's list)."""
    from tests.tui.test_keymap import write_settings

    write_settings(env, '[keys]\nlog-followup = "F"\n')
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(pilot.app, pilot)
        rows = texts(app.screen)
        assert "⚑ 30-day follow-up" in rows[0] and rows[0].rstrip().endswith("press F"), rows[0]
