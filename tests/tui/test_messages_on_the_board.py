"""Terminal messages a board shows for its person (db/notify_channels.py): a few as a note
each, a burst as one note listing them, never as markup."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.tui.conftest import SIZE, settle_app


def _notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


async def test_a_burst_of_messages_is_one_note_listing_them(make_app, board_db: Path) -> None:
    """Of eight at once the board showed the last four; the rest were marked delivered and
    never seen (a tester)."""
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        before = len(_notes(app))
        # from the delivering thread, as the board's delivery calls it
        burst = [f"#{n} [bold]late[/bold]" for n in range(1, 11)]
        await asyncio.to_thread(app._show_messages_here, burst)
        await settle_app(app, pilot)
        [note] = _notes(app)[before:]
        lines = note.splitlines()
        assert lines[0] == "10 messages from pdca:"
        assert lines[1:3] == ["• #1 [bold]late[/bold]", "• #2 [bold]late[/bold]"]  # literal
        assert lines[-1] == "… and 2 more (written to your other terminals)"
        await asyncio.to_thread(app._show_messages_here, ["#11 alone"])
        await settle_app(app, pilot)
        assert _notes(app)[-1] == "message from pdca: #11 alone"


async def test_a_message_names_the_boards_keys_and_its_times(make_app, board_db: Path) -> None:
    """A new lead read "pdca edit 2 --due DATE" and "acknowledge by 2026-11-29T08:30:00Z:
    pdca alerts ack 2 MESSAGE" on the board, where a key does it; with the person's own keys
    when remapped."""
    app = make_app(board_db, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        sent = [
            "#2 'Buddy' was due 2026-11-26 and is not done; finish it or give it a new date:"
            " pdca edit 2 --due DATE",
            "alert 2 on 'Cost' escalated to you; acknowledge by 2026-11-29T08:30:00Z:"
            " pdca alerts ack 2 MESSAGE",
        ]
        await asyncio.to_thread(app._show_messages_here, sent)
        await settle_app(app, pilot)
        assert _notes(app)[-2:] == [
            "message from pdca: #2 'Buddy' was due 2026-11-26 and is not done; finish it or"
            " give it a new date: d or e on #2 on the board",
            "message from pdca: alert 2 on 'Cost' escalated to you; acknowledge by"
            " 2026-11-29 08:30 UTC: ! lists the alerts waiting for you, a acknowledges",
        ]
        app._keymap["board-edit"] = "f2"
        await asyncio.to_thread(app._show_messages_here, sent[:1])
        await settle_app(app, pilot)
        assert _notes(app)[-1].endswith("give it a new date: d or f2 on #2 on the board")
