"""The board's ``enter``: one action's notes, check-ins and history, and edit or check in
from there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pdca.db.errors import NotFound, PdcaError
from pdca.screens.board_checkin import checkin_flow, refuse_checkin_if_done
from pdca.screens.board_undo import undo_flow
from pdca.screens.edit_flow import edit_flow, moved_on

if TYPE_CHECKING:
    from pdca.db.models import ActionDetail  # a model: pydantic, not before a detail opens
    from pdca.screens.board import BoardScreen


async def detail_flow(board: BoardScreen, action_id: int) -> None:
    """The detail; its ``e`` or ``c`` runs the form in this flow and then shows the detail
    again, as it is now (a tester was put back on the board, the detail closed). While it
    is open the card is ``board.viewing``: a colleague's move of it takes the cursor along."""
    board.viewing[action_id] += 1
    try:
        await _detail_flow(board, action_id)
    finally:
        board.viewing[action_id] -= 1
        if not board.viewing[action_id]:
            del board.viewing[action_id]


async def _detail_flow(board: BoardScreen, action_id: int) -> None:
    from pdca.db import recurrence
    from pdca.screens.dialogs import ActionDetailScreen

    store = board.store

    def read() -> tuple[ActionDetail, str | None]:
        detail = store.action_detail(action_id)
        rule = detail.action.recurrence_id
        return detail, None if rule is None else recurrence.rule_text(store, rule) or "stopped"

    def reread() -> tuple[ActionDetail, str | None] | None:
        try:
            return read()
        except NotFound:
            return None

    scrolled = 0.0
    while True:
        try:
            detail, repeats = read()
        except NotFound:
            if action_id not in board.gone_said:  # a form's save said so, by whom: not again
                board.notify(f"#{action_id} is no longer in the file", severity="error")
            return
        except PdcaError as error:
            board.notify(str(error), severity="error", timeout=6)
            return
        shown = ActionDetailScreen(
            detail=detail,
            today=board.context.today(),
            repeats=repeats,
            reread=reread,
            scrolled=scrolled,
        )
        choice = await board.app.push_screen_wait(shown)
        scrolled = shown.scrolled
        # As it showed when the key came: it reads again when someone writes (the check-in
        # form over it named the title from before a colleague's edit, a tester)
        detail = shown.detail
        if choice == "edit" and board.writable() and not board.refuse_if_changing(detail.action):
            await edit_flow(board, action_id)
        elif choice == "checkin" and board.writable():
            if refuse_checkin_if_done(board, detail.action):
                continue  # the detail again, the refusal said over it
            await checkin_flow(board, detail.action)
        elif choice in ("next", "back"):
            # > and < from the opened action, as on its card (a power user had to esc first)
            step = board.phase_step(detail.action, forward=choice == "next")
            if step is not None:
                flow, args = step
                await flow(board, *args)
        elif choice == "undo":
            if board.writable():
                await undo_flow(board)
            return
        else:
            return
        if moved_on(board, action_id):
            return  # its save waited, and the person went on: not the detail over that
