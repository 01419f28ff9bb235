"""From the accountability views to the board: one person's actions, or one action."""

from __future__ import annotations

import contextlib

from textual.app import App
from textual.worker import WorkerCancelled, WorkerError

from pdca.screens.board import BoardFilter, BoardScreen
from pdca.screens.context import services


async def undo_on_the_board(app: App[None], *, back_to: str | None = None) -> None:
    """To the board, then its ``u``: this person's last change reverted, and shown there.
    ``back_to``: the view to come back to once it is done (the stand-up: ``u`` mid-meeting
    left the meeting for the board, a stand-up's lead); its notice stays in sight."""
    await app.switch_mode("board")
    await back_to_the_board(app)
    if not isinstance(app.screen, BoardScreen):
        return
    app.screen.action_undo()
    if back_to is None:
        return
    for worker in [w for w in app.workers if w.name == "undo_flow" and not w.is_finished]:
        with contextlib.suppress(WorkerError, WorkerCancelled):  # said by the flow itself
            await worker.wait()
    await app.switch_mode(back_to)


async def back_to_the_board(app: App[None]) -> None:
    """The board mode's screens above the board (``!``'s list, a KPI's chart opened from it)
    closed: left open when the person went to another view, a jump to the board from there
    showed the old chart, its filter set on the board under it (a tester). Not while a flow
    waits on a dialog of its own: that is the person's unfinished work."""
    await back_to_the_view(app)


async def back_to_the_view(app: App[None]) -> None:
    """The current mode's screens above its view closed, as ``back_to_the_board`` does for
    the board: 3 reopened the KPI chart left open, not the KPIs (a tester)."""
    flows = [w for w in app.workers if w.group == "flow" and not w.is_finished]
    while not flows and len(app.screen_stack) > 1:
        await app.pop_screen()


async def open_on_board(
    app: App[None],
    *,
    owner: str | None = None,
    action_id: int | None = None,
    done: bool = False,
    initiative: str | None = None,
) -> None:
    """Switch to the board, filtered to ``owner`` (or ``initiative``) or with the cursor on
    ``action_id``."""
    await app.switch_mode("board")
    await back_to_the_board(app)
    board = app.screen
    if not isinstance(board, BoardScreen):
        return
    turned_on = done and not board.filter.include_done
    # Done ones shown by the person (D) stay shown: a jump only ever turns them on.
    shown = done or board.filter.include_done
    wanted = BoardFilter(owner=owner, initiative=initiative, include_done=shown)
    board.set_filter(wanted, around=action_id)
    if turned_on and action_id is not None:
        # The filter bar says so from now on; this says why it came on.
        hides = services(board.app).key_named("board-toggle-done", "D")
        board.notify(f"#{action_id} is done: showing done actions · {hides} hides them")
