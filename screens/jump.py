"""From the accountability views to the board: one person's actions, or one action."""

from __future__ import annotations

import contextlib

from textual.app import App
from textual.worker import WorkerCancelled, WorkerError

from pdca.db.errors import PdcaError
from pdca.screens.board import BoardFilter, BoardScreen
from pdca.screens.context import services


async def undo_on_the_board(app: App[None], *, back_to: str | None = None) -> None:
    """To the board, then its ``u``: this person's last change reverted, and shown there.
    ``back_to``: the view to come back to once it is done (the stand-up: ``u`` mid-meeting
    left the meeting for the board, a stand-up's lead); its notice stays in sight."""
    board = await back_to_the_board(app)
    if board is None:
        return
    board.action_undo()
    if back_to is not None:
        come_back_after(app, "undo_flow", back_to)


async def move_on_the_board(app: App[None], action_id: int, *, forward: bool, back_to: str) -> None:
    """``>`` or ``<`` on a row of another view (the stand-up's, as each person speaks): the
    board's own move of ``action_id``, its questions (the verdict, the decision) asked there,
    then back to ``back_to``. ``>`` there did nothing, and said nothing (a stand-up's lead)."""
    # The board as the person left it: a fresh filter (open_on_board's) cleared theirs
    # without a word (a retrial)
    board = await back_to_the_board(app)
    if board is None:
        return
    try:
        action = board.store.get_action(action_id)
    except PdcaError as error:
        board.notify(str(error), severity="error")
        await app.switch_mode(back_to)
        return
    step = board.phase_step(action, forward=forward)
    if step is None:  # said why on the board; the notice goes with the person
        await app.switch_mode(back_to)
        return
    flow, args = step
    # The card its questions are about is the one under the board's cursor behind them:
    # "#21 to Act: the verdict" was asked over #29 (a retrial)
    board.focus_action(action_id)
    board.start(flow, *args, dialogs=forward)
    come_back_after(app, flow.__name__, back_to)


def come_back_after(app: App[None], flow: str, back_to: str) -> None:
    """Back to the view ``back_to`` once the board's workers named ``flow`` are done (their
    questions answered, their writes in). Waited for in a worker of its own: the app's keys
    must reach those questions meanwhile."""
    running = [w for w in app.workers if w.name == flow and not w.is_finished]

    async def wait_then_go() -> None:
        for worker in running:
            with contextlib.suppress(WorkerError, WorkerCancelled):  # said by the flow itself
                await worker.wait()
        await app.switch_mode(back_to)

    app.run_worker(wait_then_go(), group="come-back", exit_on_error=False)


async def back_to_the_board(app: App[None]) -> BoardScreen | None:
    """To the board, the board mode's screens above it (``!``'s list, a KPI's chart opened
    from it) closed: left open when the person went to another view, a jump to the board
    from there showed the old chart, its filter set on the board under it (a tester). Not
    while a flow waits on a dialog of its own: that is the person's unfinished work. The
    board, or None when a dialog of that flow is on it."""
    await app.switch_mode("board")
    await back_to_the_view(app)
    return app.screen if isinstance(app.screen, BoardScreen) else None


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
    board = await back_to_the_board(app)
    if board is None:
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
