"""The app around the board: themes remembered, the palette, keys help, presence, small and
colourless terminals."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from textual.widgets import HelpPanel
from textual.widgets._toast import Toast

from pdca.db.models import ActionDraft
from pdca.screens.board import BoardScreen
from pdca.screens.dialogs import ActionDetailScreen
from pdca.tui.settings import DEFAULT_THEME, settings_path
from pdca.tui.typeahead import is_text_field
from pdca.widgets.phase_column import CARD_HEIGHT, PhaseColumn
from pdca.widgets.status_bar import StatusBar
from tests.conftest import open_as
from tests.tui.conftest import SETTLE_SECONDS as WAIT_SECONDS
from tests.tui.conftest import SIZE, settle_app, wait_until
from tests.tui.test_board import board, focused


async def test_the_chosen_theme_is_remembered_for_the_next_run(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    first = make_app(board_db)
    async with first.run_test(size=SIZE) as pilot:
        assert first.theme == DEFAULT_THEME
        first.theme = "nord"
        await pilot.pause()
    assert 'theme = "nord"' in settings_path(env).read_text()

    second = make_app(board_db)
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert second.theme == "nord"


@pytest.mark.parametrize("content", ["theme = [not toml", 'theme = "no-such-theme"', "theme = 3"])
async def test_a_broken_settings_file_falls_back_to_the_default_theme(
    make_app, board_db: Path, env: dict[str, str], content: str
) -> None:
    file = settings_path(env)
    file.parent.mkdir(parents=True)
    file.write_text(content)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert focused(app) == ("plan", 1)  # and the board opened as usual


async def test_every_board_key_is_a_palette_command(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        titles = [command.title for command in app.get_system_commands(app.screen)]
        await _find_in_palette(app, pilot, "redraw", "Redraw")  # "redraw" found nothing
        await pilot.press("escape")
        # by its help's words: a new lead's "add" found nothing
        await _find_in_palette(app, pilot, "add", "New action")
    assert len(titles) == len(set(titles)), titles  # no command offered twice
    # Textual's words for its own said as pdca does it (a new user)
    assert commands["Quit"].startswith("Quit pdca and exit, asking first if something you typed")
    assert commands["Keys"] == "Help: this view's keys, then everywhere's (?)"
    assert commands["Suspend"].endswith("(ctrl+z)") and commands["Redraw"].endswith("(ctrl+l)")
    expected = {
        "New action",
        "Next phase: move on",
        "Back: move to the previous phase",
        "Edit action",
        "Open action",
        "Check in",
        "Done",
        "Undo",
        "Search: filter by text",
        "Filter by owner",
        "Filter by initiative",
        "Clear filters",
        "Show or hide done actions",
        "Show board",
        "Keys",  # Textual's own, kept: Theme, Quit, Keys
        "Theme",
        "Quit",
    }
    assert expected <= set(titles)


def _highlighted_in_palette(app) -> str:  # type: ignore[no-untyped-def]
    """The palette's highlighted command ("" while it is still searching)."""
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found or found.first().highlighted is None:
        return ""
    command_list = found.first()
    option = command_list.get_option_at_index(command_list.highlighted)
    return getattr(option.prompt, "plain", str(option.prompt))


async def _find_in_palette(app, pilot, typed: str, command: str) -> None:  # type: ignore[no-untyped-def]
    """Open the palette, type ``typed``, and wait for ``command`` to be the highlighted one
    (the palette searches in a worker)."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    deadline = time.monotonic() + WAIT_SECONDS
    while not _highlighted_in_palette(app).startswith(command):
        assert time.monotonic() < deadline, _highlighted_in_palette(app)
        await asyncio.sleep(0.02)
        await pilot.pause()


async def _run_from_palette(app, pilot, typed: str, command: str) -> None:  # type: ignore[no-untyped-def]
    """``_find_in_palette``, and run it."""
    await _find_in_palette(app, pilot, typed, command)
    await pilot.press("enter")


async def test_the_palette_runs_a_board_command(make_app, board_db: Path, store) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _run_from_palette(app, pilot, "next phase", "Next phase: move on")
        await settle_app(app, pilot)  # the move runs on the writer thread
    assert store.get_action(1).phase == "do"


@pytest.mark.parametrize("key", ["question_mark", "f1"])  # F1 as mc and htop (a trial)
async def test_question_mark_shows_and_hides_every_key(make_app, board_db: Path, key) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.query(HelpPanel)
        await pilot.press(key)
        await pilot.pause()
        assert len(app.screen.query(HelpPanel)) == 1
        await pilot.press(key)
        await pilot.pause()
        assert not app.screen.query(HelpPanel)


async def test_the_keys_panel_says_first_how_to_close_it(make_app, board_db: Path) -> None:
    """At 80x24 the list covers the whole board and nothing said how to get it back (a
    trial): its first row says ? and esc close it, and ? is not listed a second time."""
    import io

    from rich.console import Console

    from pdca.screens.keys_help import PdcaBindingsTable

    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("question_mark")
        await settle_app(app, pilot)
        table = app.screen.query_one(PdcaBindingsTable)
        (_, first_entries), *_ = table.sections()
        keys, said = first_entries[0]
        assert said.plain == "Close this list" and keys.plain.split() == ["?", "f1", "esc"]
        drawn = Console(width=80, record=True, file=io.StringIO())
        drawn.print(table.render_bindings_table())
        listed = drawn.export_text()
        assert listed.count("? f1") == 1 and "Keys" not in listed
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert not app.screen.query(HelpPanel)
        # over a form or the detail too: its own esc ("Cancel", "Close") had the first row
        for opening in ("n", "enter"):
            await pilot.press(opening)
            await settle_app(app, pilot)
            await pilot.press("f1")
            await settle_app(app, pilot)
            (_, first_entries), *_ = app.screen.query_one(PdcaBindingsTable).sections()
            keys, said = first_entries[0]
            assert said.plain == "Close this list" and "esc" in keys.plain.split(), opening
            await pilot.press("escape", "escape")
            await settle_app(app, pilot)


async def test_a_key_over_the_keys_list_covering_a_form_types_nothing_unseen(
    make_app, board_db: Path
) -> None:
    """At 80x24 F1 in the new-action form covers it with the list of keys: 3 and q went
    into the title nobody could see, and the list stayed (a review). Such a key closes the
    list and does no more, as a view's key does over a view."""
    from textual.widgets import Input

    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("n")
        await settle_app(app, pilot)
        await pilot.press(*"what", "f1")
        await settle_app(app, pilot)
        for key in ("3", "q"):
            assert app.screen.query(HelpPanel)
            await pilot.press(key)
            await settle_app(app, pilot)
            assert not app.screen.query(HelpPanel), key
            assert app.screen.query_one("#title", Input).value == "what", key
            await pilot.press("f1")
            await settle_app(app, pilot)
        await pilot.press("escape")  # the list
        await settle_app(app, pilot)
        await pilot.press("x")  # the form's field, in sight again, types
        await settle_app(app, pilot)
        assert app.screen.query_one("#title", Input).value == "whatx"
        await pilot.press("escape", "escape")  # the form, asked first
        await settle_app(app, pilot)
        # a check-in's status: 1, 2, 3 chose one under the list, unseen (a retrial)
        await pilot.press("c")
        await settle_app(app, pilot)
        form = app.screen
        before = form.chosen_status()  # type: ignore[attr-defined]
        await pilot.press("tab", "f1")
        await settle_app(app, pilot)
        for key in ("3", "2", "q"):
            assert form.query(HelpPanel), key
            await pilot.press(key)
            await settle_app(app, pilot)
            assert not form.query(HelpPanel) and form.chosen_status() == before, key  # type: ignore[attr-defined]
            await pilot.press("f1")
            await settle_app(app, pilot)
        assert app.screen is form and app.is_running


async def test_a_keys_panel_longer_than_the_screen_says_so_and_pages(
    make_app, board_db: Path
) -> None:
    """At 60x20 the panel ended at "o Owner", the rest out of reach, and pgdn paged the board
    behind it (a tester): it says how to reach the rest, and pgup/pgdn page it while open."""
    import io

    from rich.console import Console

    from pdca.screens.keys_help import PdcaBindingsTable, PdcaKeyPanel

    app = make_app(board_db)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle_app(app, pilot)
        before = focused(app)
        await pilot.press("question_mark")
        await settle_app(app, pilot)
        panel = app.screen.query_one(PdcaKeyPanel)
        table = app.screen.query_one(PdcaBindingsTable)
        drawn = Console(width=60, record=True, file=io.StringIO())
        drawn.print(table.render_bindings_table())
        listed = drawn.export_text()
        assert "more keys, below" in listed and panel.max_scroll_y > 0
        assert "Page down" in listed  # the board's own, listed still (a reviewer)
        await pilot.press("pagedown")
        await settle_app(app, pilot)
        assert panel.scroll_y > 0 and focused(app) == before  # the panel moved, not the board
        await pilot.press("pageup")
        await settle_app(app, pilot)
        assert panel.scroll_y == 0
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert not app.screen.query(HelpPanel)
    async with make_app(board_db).run_test(size=SIZE) as pilot:  # one that fits: not said
        await pilot.press("question_mark")
        await pilot.pause()
        assert pilot.app.screen.query_one(PdcaKeyPanel).max_scroll_y == 0
    async with make_app(board_db).run_test(size=(80, 15)) as pilot:  # two lists, still long
        await settle_app(pilot.app, pilot)
        await pilot.press("question_mark")
        await settle_app(pilot.app, pilot)
        drawn = Console(width=80, record=True, file=io.StringIO())
        drawn.print(pilot.app.screen.query_one(PdcaBindingsTable).render_bindings_table())
        assert "more keys, below" in drawn.export_text()


async def test_escape_closes_the_keys_panel_and_then_does_what_it_did(
    make_app, board_db: Path
) -> None:
    """Only ? closed it (a tester); with the panel gone, esc clears the board's filter."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("slash", *"zzz", "enter")
        await settle_app(app, pilot)
        board = app.screen
        assert isinstance(board, BoardScreen) and board.filter.text == "zzz"
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert not app.screen.query(HelpPanel) and board.filter.text == "zzz"
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert not board.filter.text


async def test_views_switch_with_digits_and_only_built_views_have_keys(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view_keys = {b.key for b in app.BINDINGS if b.id and b.id.startswith("view-")}
        assert view_keys == {"1", "2", "3", "4", "5", "6", "7"}
        await pilot.press("3")
        await pilot.pause()
        assert app.current_mode == "kpis"
        await pilot.press("1")
        await pilot.pause()
        assert app.current_mode == "board"
        assert focused(app) == ("plan", 1)


async def test_esc_in_a_view_goes_back_to_the_board(make_app, board_db: Path) -> None:
    """At 80 columns the footer had no room for "1 Board", and esc did nothing: no way back
    on the screen (a tester). The log's esc clears its filter first."""
    from pdca.db.accountability_models import LogFilter

    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("2", "3", "5", "6", "7", "4"):
            await pilot.press(key)
            await settle_app(app, pilot)
            assert app.current_mode != "board", key
            if key == "4":  # a filter set: esc clears it, and stays
                app.screen.set_filter(LogFilter(status="blocked"))
                await settle_app(app, pilot)
                await pilot.press("escape")
                await settle_app(app, pilot)
                assert app.current_mode == "log" and not app.screen.filter.active
            await pilot.press("escape")
            await settle_app(app, pilot)
            assert app.current_mode == "board", key


async def test_the_header_names_who_else_has_the_file_open(make_app, board_db: Path) -> None:
    alice = make_app(board_db, actor="alice", presence=True, watch_changes=False)
    bob = make_app(board_db, actor="bob", presence=True, watch_changes=False)
    async with alice.run_test(size=SIZE) as alice_pilot:
        async with bob.run_test(size=SIZE) as bob_pilot:
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:  # both presence threads join within a moment
                await asyncio.sleep(0.05)
                alice.check_for_changes()
                bob.check_for_changes()
                await alice_pilot.pause()
                await bob_pilot.pause()
                if alice.others == ("bob",) and bob.others == ("alice",):
                    break
            assert alice.others == ("bob",)
            status = str(alice.screen.query_one(StatusBar).render())
            assert "alice" in status and "bob here" in status
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:  # bob quit: his session row went with him
            await asyncio.sleep(0.05)
            alice.check_for_changes()
            await alice_pilot.pause()
            if alice.others == ():
                break
        assert alice.others == ()
        assert "here" not in str(alice.screen.query_one(StatusBar).render())


async def test_a_board_killed_leaves_the_header_before_its_beat_would_have_gone_stale(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bob's board killed (kill -9, a dropped SSH session) was named as here for up to 10 s
    more, a beat (a team's trial): who is here is looked at between beats. Here the beat is
    ten minutes apart, so only that look can see bob go."""
    import signal
    import subprocess
    import sys

    from pdca.tui import app as app_module

    monkeypatch.setattr(app_module, "HEARTBEAT_SECONDS", 600)
    board = subprocess.Popen(
        [sys.executable, "-c", (
            "import os, socket, sys, time\n"
            "from datetime import datetime, timezone\n"
            "from pdca.db.presence import Presence\n"
            "from pdca.db.store import Store\n"
            "now = lambda: datetime.now(timezone.utc)\n"
            "store = Store.open(sys.argv[1], actor='bob', clock=now)\n"
            "Presence(store, host=socket.gethostname(), pid=os.getpid()).join()\n"
            "print('joined', flush=True)\n"
            "time.sleep(600)\n"
        ), str(board_db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert board.stdout is not None and board.stdout.readline() == "joined\n"
        alice = make_app(board_db, actor="alice", presence=True, watch_changes=False)
        async with alice.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: alice.others == ("bob",), WAIT_SECONDS)
            assert alice.others == ("bob",)
            board.send_signal(signal.SIGKILL)
            board.wait()
            await wait_until(pilot, lambda: alice.others == (), WAIT_SECONDS)
            assert alice.others == ()
    finally:
        if board.poll() is None:
            board.kill()
            board.wait()


async def test_a_board_that_may_only_read_names_who_is_here(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """carl, who may only read, saw no one while ann and ben wrote (a soak): a reader is not
    listed itself, and sees the others; one who goes goes from its header too."""
    import os
    import socket

    from pdca.db import presence
    from pdca.db.presence import Presence

    reader = make_app(board_db, actor="carl", presence=True, watch_changes=False)
    reader.context.store.writable = False  # as a reader's is, opened so:
    reader.use_presence = False  # it joins no presence (it may not write)
    ann = open_as(board_db, "ann")
    board = Presence(ann, host=socket.gethostname(), pid=os.getpid())  # a live board here
    board.join()
    try:
        async with reader.run_test(size=SIZE) as pilot:
            reader.check_for_changes()
            await pilot.pause()
            assert reader.others == ("ann",)
            assert "ann here" in str(reader.screen.query_one(StatusBar).render())
            assert "carl" not in Presence(ann, host="", pid=0).others()  # not listed itself
            # ann's board killed: no write says so, her session only stops being renewed
            monkeypatch.setattr(presence, "PRESENT_WITHIN_SECONDS", -1)
            reader.check_for_changes()
            await pilot.pause()
            assert reader.others == ()
    finally:
        ann.close()


async def test_at_80x24_long_titles_end_in_an_ellipsis(make_app, store, db_path: Path) -> None:
    store.add_action(ActionDraft(title="A title far too long to fit an 80 column terminal"))
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        column = board(app).columns["plan"]
        first_line = column.render_line(0).text
        assert first_line.rstrip().endswith("…")
        assert len(first_line) <= column.size.width
        assert column.size.width < 20  # four columns share 80 cells


async def test_no_color_keeps_the_focus_visible_without_colour(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.no_color
        column = app.focused
        assert isinstance(column, PhaseColumn)
        marks = [column.render_line(y).text[:1] for y in range(CARD_HEIGHT * 2)]
        # The focused card is marked by a character, not by a colour alone.
        assert marks[: CARD_HEIGHT - 1] == ["▌"] * (CARD_HEIGHT - 1)
        assert "▌" not in marks[CARD_HEIGHT:]


async def test_a_click_focuses_a_card_and_a_double_click_opens_it(make_app, board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#column-plan", offset=(2, CARD_HEIGHT + 1))  # the second card
        await pilot.pause()
        assert focused(app) == ("plan", 2)
        await pilot.click("#column-do", offset=(2, 1))
        await pilot.pause()
        assert focused(app) == ("do", 3)
        assert not isinstance(app.screen, ActionDetailScreen)
        await pilot.click("#column-do", offset=(2, 1), times=2)
        await settle_app(app, pilot)  # the detail opens and reads in a worker
        assert isinstance(app.screen, ActionDetailScreen)
        assert "Doing it" in str(app.screen.query_one("#detail-title").render())


async def test_changes_made_while_another_view_shows_appear_back_on_the_board(
    make_app, board_db: Path
) -> None:
    """The board is not on screen when dave adds an action; it catches up when it returns."""
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "owners"
        other = open_as(board_db, "dave")
        other.add_action(ActionDraft(title="Added while away"))
        other.close()
        app.check_for_changes()  # what the twice-a-second poll does
        await pilot.press("1")
        await pilot.pause()
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "board-reload"])
        await pilot.pause()
        assert 6 in [a.id for a in board(app).columns["plan"].actions]


async def test_the_header_is_filled_even_when_a_dialog_opened_first(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")  # before the first refresh of the header has run
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        status = str(board(app).query_one(StatusBar).render())
        assert board_db.name in status
        assert "alice" in status


async def test_the_footer_lists_the_board_keys_without_a_keypress(make_app, board_db: Path) -> None:
    """The footer is mounted just after the first paint; it must still show its keys."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.screen.query("Footer FooterKey"))
        keys = [str(key.description) for key in app.screen.query("Footer FooterKey")]
        assert {"Next phase", "New", "Check-in", "Done", "Board", "Quit"} <= set(keys)


async def test_a_view_reads_once_when_first_shown_and_again_when_returned_to(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.screens import standup

    reads: list[int] = []
    digest = standup.accountability.standup_digest

    def counted(store, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(1)
        return digest(store, *args, **kwargs)

    monkeypatch.setattr(standup.accountability, "standup_digest", counted)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        await pilot.pause()
        assert len(reads) == 1  # mounted and resumed at once: one read
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("5")
        await settle_app(app, pilot)  # read again on a thread
        assert len(reads) == 2  # back to it later: read again


async def test_a_change_seen_while_the_view_switches_is_caught_up_not_a_crash(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between two views Textual's screen stack is empty for a moment; the change poll ticked
    then and crashed the app (IndexError), found by the full suite on enter in initiatives.
    The change is counted, and the view that comes reads again when it resumes."""
    from pdca.tui.app import PdcaApp

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        seen = app.changes_seen
        with monkeypatch.context() as patched:
            patched.setattr(PdcaApp, "screen_stack", property(lambda self: []))
            app._view_changed()
        assert app.changes_seen == seen + 1
        open_as(board_db, "bob").add_action(ActionDraft(title="Added meanwhile", owner="bob"))
        await pilot.press("2", "1")  # away and back: the board catches up by the count
        await settle_app(app, pilot)
        assert any(a.title == "Added meanwhile" for a in board(app).columns["plan"].actions)
    assert app.return_code in (None, 0)


async def test_a_theme_pdca_does_not_have_is_said_once_not_ignored(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    file = settings_path(env)
    file.parent.mkdir(parents=True)
    file.write_text('theme = "no-such-theme"\n')
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("theme 'no-such-theme' is not one pdca has" in m for m in said), said
        assert app.theme == DEFAULT_THEME


@pytest.mark.parametrize(
    ("typed", "found"),
    [("back", "Back: move to the previous phase"), ("search", "Search: filter by text"),
     ("acknowledge", "My alerts: acknowledge what waits for me"),
     ("find", "Find #N: go to an action by its number"),
     # a palette-driven lead's words that found nothing (a tester)
     ("check-in", "Check in"), ("help", "Keys"), ("abandon", "Done"), ("exit", "Quit"),
     ("reassign", "Assign: give it to someone")],
)  # fmt: skip
async def test_the_palette_finds_a_command_by_the_footers_word(
    make_app, board_db: Path, typed: str, found: str
) -> None:
    """ "back" (the footer's word for <), "search", "acknowledge" and "find" (? says "Find #N")
    found nothing (testers)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _find_in_palette(app, pilot, typed, found)  # asserts it comes, in time


async def test_the_palette_undoes_from_a_view_other_than_the_board(
    make_app, board_db: Path, store
) -> None:
    """u undoes in every view, but the palette said "No matches" for undo in the KPIs view
    (a tester): it has Undo there too, and it reverts the last change on the board."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("greater_than_sign")  # #1 to Do
        await settle_app(app, pilot)
        assert store.get_action(1).phase == "do"
        await pilot.press("3")
        await settle_app(app, pilot)
        await _run_from_palette(app, pilot, "undo", "Undo")
        await settle_app(app, pilot)
    assert store.get_action(1).phase == "plan"


@pytest.mark.parametrize(("width", "widest"), [(40, 38), (120, 60)])  # the rack scrolls: 2
async def test_a_message_is_never_wider_than_the_screen(
    make_app, board_db: Path, width: int, widest: int
) -> None:
    """At 40 columns a message's lines were cut at the edge, and with them the words that
    said a check-in was saved (a tester); on a wide screen it keeps Textual's 60."""
    from textual.widgets._toast import Toast

    app = make_app(board_db)
    async with app.run_test(size=(width, 15), notifications=True) as pilot:
        await settle_app(app, pilot)
        app.notify("the change was saved, " * 6 + "END")
        await settle_app(app, pilot)
        [toast] = app.screen.query(Toast)
        assert toast.region.right <= width and toast.region.width == widest
        said = " ".join(toast.render_lines(toast.region.reset_offset)[i].text.strip()
                        for i in range(toast.region.height))  # fmt: skip
        assert "END" in said


async def test_no_color_draws_empty_columns_and_an_empty_kpi_list(
    make_app, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's monochrome filter met the unstyled padding of "no actions" and "no KPIs
    yet": a new file's board crashed under NO_COLOR, and 3 too (a tester)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(db_path)  # a new file: every column empty, no KPI
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert app.no_color and isinstance(app.screen, BoardScreen)
        plan = app.screen.query_one("#column-plan", PhaseColumn)
        # an empty Plan says how to add one (a new lead's board said "no actions" four times)
        assert plan.render_line(1).text.startswith(" no actions: n adds one")
        do = app.screen.query_one("#column-do", PhaseColumn)
        assert do.render_line(1).text.rstrip() == " no actions"
        for key, view in zip("2345671", ("owners", "kpis", "log", "standup", "flow",
                                          "initiatives", "board"), strict=True):  # fmt: skip
            await pilot.press(key)
            await settle_app(app, pilot)
            assert app.current_mode == view and app.return_code is None


async def test_an_empty_plan_says_how_to_add_one_on_two_lines_when_narrow(
    make_app, db_path: Path
) -> None:
    """At 80 columns the hint read "no actions: n add…" (a newcomer): on two lines there."""
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        plan = app.screen.query_one("#column-plan", PhaseColumn)
        assert [plan.render_line(y).text.rstrip() for y in (1, 2, 3)] == [
            " no actions:",
            " n adds one",
            "",
        ]
        do = app.screen.query_one("#column-do", PhaseColumn)
        assert (
            do.render_line(1).text.rstrip() == " no actions" and not do.render_line(2).text.strip()
        )


async def test_no_color_keeps_a_late_mark_as_bright_as_the_text(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Colours turn to greys by their lightness: red's "! 9d late" came out dimmer than the
    owner beside it (a tester). Under NO_COLOR the urgent marks take the text's colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        column = app.screen.query_one("#column-plan", PhaseColumn)
        for mark in ("overdue", "high", "stale", "blocked"):
            style = column.get_component_rich_style(f"phase-column--{mark}")
            assert style.color == column.rich_style.color, mark
        assert column.get_component_rich_style("phase-column--overdue").bold


async def test_the_palettes_screenshot_is_saved_in_your_own_folder_and_says_where(
    make_app, board_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's went to ~/Downloads, rarely there on a server: "Failed to save screenshot",
    no why, no where (a tester)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(board_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle_app(app, pilot)
        [command] = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        command.callback()
        await pilot.pause(0.3)
        [saved] = (tmp_path / "state" / "pdca").glob("*.svg")
        assert "Board" in saved.read_text(encoding="utf-8")
        said = [n.message for n in app._notifications]
        assert f"screenshot saved: {saved}" in said
        (tmp_path / "a file").write_text("")
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "a file"))  # no folder to make
        command.callback()
        await pilot.pause(0.3)
        said = [n.message for n in app._notifications]
        assert f"no screenshot saved in {tmp_path / 'a file' / 'pdca'}: Not a directory" in said


async def test_the_same_words_again_replace_the_toast_on_screen(make_app, board_db: Path) -> None:
    """Six u's refused alike stacked six toasts of four lines over the board (a tester): the
    same words again replace the ones shown; other words stack as ever."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        for _ in range(3):
            app.notify("cannot undo 'edited #1: notes': bob changed #1 since")
        app.notify("something else")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said.count("cannot undo 'edited #1: notes': bob changed #1 since") == 1
        assert said[-1] == "something else"


async def test_a_view_key_over_the_keys_panel_that_covers_the_screen_only_closes_it(
    make_app, board_db: Path
) -> None:
    """At 80x24 the panel covers the board, and > behind it moved a card nobody saw to Do;
    pgdn paged the hidden board first (a trial). A key of the view hidden behind it closes
    the panel and does nothing else; pgdn pages the panel alone."""
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        before = focused(app)
        await pilot.press("question_mark")
        await settle_app(app, pilot)
        assert app.screen.query("PdcaKeyPanel")
        await pilot.press("pagedown")
        await settle_app(app, pilot)
        assert focused(app) == before and app.screen.query("PdcaKeyPanel")
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
        assert not app.screen.query("PdcaKeyPanel")
        assert app.context.store.get_action(before[1]).phase == "plan"
        assert focused(app) == before
        # An app key the person moved (the KPIs view to f3) still does its work over it
        app.set_keymap({"view-kpis": "f3"})
        await pilot.press("question_mark", "f3")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "KpisScreen"


async def test_the_arrows_read_the_keys_panel_that_covers_a_narrow_screen(
    make_app, board_db: Path
) -> None:
    """At 40x15 the panel covers the screen, and ↓ moved the board hidden behind it: a key
    typed next acted on a card nobody saw (a tester). The arrows, j/k, home and end read the
    panel; closed, they move the board again. Wide, the panel beside the board leaves them."""
    from pdca.screens.keys_help import PdcaKeyPanel

    app = make_app(board_db)
    async with app.run_test(size=(40, 15)) as pilot:
        await settle_app(app, pilot)
        before = focused(app)
        await pilot.press("question_mark")
        await settle_app(app, pilot)
        panel = app.screen.query_one(PdcaKeyPanel)
        await pilot.press("down", "down", "j")
        await settle_app(app, pilot)
        assert focused(app) == before and panel.scroll_y == 3
        for _ in range(3):  # keys come in one packet over SSH: handled before any refresh
            app.action_scroll_keys_by(1)
        await settle_app(app, pilot)
        assert panel.scroll_y == 6  # each moved it (they moved it one line, a retrial)
        app.action_scroll_keys_by(-3)
        await pilot.press("end")
        await settle_app(app, pilot)
        assert panel.scroll_y == panel.max_scroll_y > 3
        await pilot.press("g")  # as in every list (it closed the panel and moved the board)
        await settle_app(app, pilot)
        assert panel.scroll_y == 0 and app.screen.query(PdcaKeyPanel)
        await pilot.press("G")
        await settle_app(app, pilot)
        assert panel.scroll_y == panel.max_scroll_y
        await pilot.press("home", "escape")
        await settle_app(app, pilot)
        assert panel.scroll_y == 0 or not app.screen.query(PdcaKeyPanel)
        await pilot.press("j")
        await settle_app(app, pilot)
        assert focused(app) != before  # the board's j again
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        await settle_app(pilot.app, pilot)
        before = focused(pilot.app)
        await pilot.press("question_mark", "j")
        await settle_app(pilot.app, pilot)
        assert focused(pilot.app) != before


def test_a_help_matches_by_the_starts_of_its_words_not_letters_in_order() -> None:
    from pdca.tui.palette_words import help_matches

    assert help_matches("add", "Add an action to Plan")
    assert help_matches("ADD pl", "Add an action to Plan")
    assert not help_matches("add", "Draw the whole screen again, after something wrote over it")
    assert not help_matches("", "Add an action to Plan")
    assert help_matches("check-in", "Check in")  # a hyphen splits words
    assert not help_matches("-", "Check in")  # no word at all: no match


async def test_ctrl_z_with_no_shell_to_come_back_to_names_a_quit_that_works_in_a_form(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It said "q quits" with a form open, and q went into the title (a tester)."""
    from pdca.tui import job_control

    monkeypatch.setattr(job_control, "no_shell_to_come_back_to", lambda: True)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("n")
        await pilot.press("ctrl+z")
        await pilot.pause()
        said = [n.message for n in app._notifications if "no shell here" in n.message]
        assert said and said[-1].endswith("; ctrl+q quits"), said


async def test_a_settings_file_of_someone_elses_is_not_left_for_you_to_mend(
    make_app, board_db: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ben, with ann's XDG_CONFIG_HOME kept by su, could not read her settings and was told
    to mend them (a retrial): it says whose they are."""
    from pdca.db import filesystem

    file = settings_path(env)
    file.parent.mkdir(parents=True)
    file.write_text("theme = [\n")  # as good as unreadable: a problem, left alone
    monkeypatch.setattr(filesystem, "someone_elses", lambda path: "a folder of ann's")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("z")
        await pilot.pause()
        said = [n.message for n in app._notifications if n.message.startswith("not remembered")]
        assert said == [
            f"not remembered: {file} could not be used; it is in a folder of ann's (HOME or"
            " XDG_CONFIG_HOME names it)"
        ], said
    assert file.read_text() == "theme = [\n"


async def test_ctrl_c_names_q_as_the_key_that_quits(make_app, board_db: Path) -> None:
    """ctrl+c said "Press ctrl+q", where the footer and README say q (a new user)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Press q to quit the app"]


async def test_the_header_names_a_team_files_folder(make_app, store, db_path: Path) -> None:
    """Two teams' boards, and one's own file, all read "pdca.db" (a trial): a file in a
    folder shared with a group is named with its folder; one's own (a private folder) not."""
    from pdca.screens.context import file_shown

    team = db_path.parent / "teamb"
    team.mkdir()
    team.chmod(0o2770)
    assert file_shown(team / "pdca.db") == "teamb/pdca.db"
    own = db_path.parent / "own"
    own.mkdir(mode=0o700)
    assert file_shown(own / "pdca.db") == "pdca.db"
    readable = db_path.parent / "proj"  # made under umask 022: read by a group, no team's
    readable.mkdir()
    readable.chmod(0o755)
    assert file_shown(readable / "pdca.db") == "pdca.db"
    shared = team / "pdca.db"
    store.close()
    db_path.rename(shared)
    app = make_app(shared)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert "teamb/pdca.db" in str(board(app).query_one(StatusBar).render())


async def test_the_details_palette_has_its_keys_by_name(make_app, board_db: Path, store) -> None:
    """The detail's footer offered Edit, Check-in, Next, Back and Undo; its palette none of
    them, and "back" found Suspend (a palette trial)."""
    from pdca.screens.dialogs import ActionDetailScreen

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionDetailScreen)
        await _find_in_palette(app, pilot, "back", "Back: move to the previous phase")
        await pilot.press("escape")
        await settle_app(app, pilot)
        await _run_from_palette(app, pilot, "next ph", "Next phase: move on")
        await settle_app(app, pilot)
        assert store.get_action(1).phase == "do"  # moved, and the detail shown again


async def test_under_no_color_the_palettes_chosen_command_is_light_on_dark_turned_round(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It differed from the rest by two greys: which command enter runs could not be seen
    (a trial of plain terminals); Textual's own reverse for it is not drawn."""
    from textual.command import CommandList

    monkeypatch.setenv("NO_COLOR", "1")  # read as the app is made
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.no_color
        await _find_in_palette(app, pilot, "undo", "Undo")
        commands = app.screen.query_one(CommandList)
        chosen = commands.get_visual_style("option-list--option", "option-list--option-highlighted")
        other = commands.get_visual_style("option-list--option")
        assert chosen.background.brightness - other.background.brightness > 0.5
        assert chosen.foreground.brightness < chosen.background.brightness


@pytest.mark.parametrize(
    ("typed", "found"),
    [("check", "Check in"), ("phase", "Next phase: move on"), ("back", "Back: move to")],
)
async def test_the_stand_ups_palette_has_its_moves_and_check_in_by_name(
    make_app, board_db: Path, typed: str, found: str
) -> None:
    """ "check", "phase" and "move" found nothing in the stand-up, where c, > and < act on
    the row's action (a stand-up's lead)."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle_app(app, pilot)
        await _find_in_palette(app, pilot, typed, found)


async def test_q_closes_the_keys_list_that_covers_the_view_as_less_does(
    make_app, board_db: Path
) -> None:
    """At 80x24, ? then q quit the board from the list of keys (a trial); q leaves the list,
    as it leaves less and man, and the next q quits. Beside the view (120 columns) q quits."""
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("question_mark")
        await settle_app(app, pilot)
        assert app.screen.query(HelpPanel)
        await pilot.press("q")
        await settle_app(app, pilot)
        assert app.is_running and not app.screen.query(HelpPanel)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    app = make_app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("question_mark", "q")
        await pilot.pause()
        assert not app.is_running
    app = make_app(board_db)  # the palette's Quit quits, the list open or not (a reviewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("question_mark")
        await settle_app(app, pilot)
        app._pressing = "enter"  # as the palette's enter leaves it
        await app.action_quit()
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_leaving_a_view_closes_its_keys_list(
    make_app, board_db: Path, size: tuple[int, int]
) -> None:
    """? then 3 then 1 left the list of keys open on the board, over it at 80x24: the next
    key typed there (/) only closed it, and the d after it opened Done (a newcomer's
    trial). The list goes as its view is left; back on the board, / opens the filter."""
    app = make_app(board_db)
    async with app.run_test(size=size) as pilot:
        await settle_app(app, pilot)
        await pilot.press("question_mark")
        await settle_app(app, pilot)
        assert app.screen.query(HelpPanel)
        for view in ("3", "1"):  # to the KPIs and back
            await pilot.press(view)
            await settle_app(app, pilot)
        assert app.current_mode == "board" and not app.screen.query(HelpPanel)
        await pilot.press("slash")
        await settle_app(app, pilot)
        assert is_text_field(app.focused), app.focused


async def test_the_screen_is_drawn_again_as_a_toast_goes(
    make_app, board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a resize, expired toasts stayed drawn over the focused card until a key was
    pressed, in a real terminal (a keyboard trial): a toast's going now draws the screen
    under it again, whole, as ctrl+l does. Watched here through Textual's own expiry."""
    app = make_app(board_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle_app(app, pilot)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        drawn: list[bool] = []
        screen = app.screen
        real = screen.refresh

        def refresh(*args: object, layout: bool = False, **kwargs: object) -> object:
            drawn.append(layout)
            return real(*args, layout=layout, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(screen, "refresh", refresh)
        app.notify("toast-going", timeout=1)

        def gone() -> bool:
            return all(n.message != "toast-going" for n in app._notifications)

        def shown() -> bool:
            return any(
                toast._notification.message == "toast-going" for toast in app.screen.query(Toast)
            )

        await wait_until(pilot, shown)
        assert shown()  # as a toast, first
        await wait_until(pilot, lambda: gone() and True in drawn)
        assert gone() and True in drawn and not shown()
