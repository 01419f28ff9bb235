"""A check-in typed outside the board (the log view's ``c``, the stand-up's ``c``), saved as
the board saves its own, and kept by the board when a lock refuses it.

The board keeps refused check-ins (``unsent_checkins``): counted in the header, printed at
quit, opened again by the next ``c`` on that action, here or there. One typed in the log
view and refused went with a toast (a retrial).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pdca.db import accountability
from pdca.db.errors import DatabaseBroken, GateUnmet, InvalidInput, NotFound, PdcaError
from pdca.db.models import validated
from pdca.screens.context import context_of, services

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from pdca.db.action_record import Action
    from pdca.screens.board import BoardScreen


async def check_in_elsewhere(screen: Screen[Any], action_id: int) -> bool:
    """The check-in form on ``action_id`` over ``screen``, then its save; whether it saved."""
    from pdca.screens.dialogs import CheckinModal

    context = context_of(screen.app)
    found = _action_or_refusal(context, action_id)
    if isinstance(found, Refusal):
        screen.notify(found.words, severity=found.severity, timeout=found.timeout, markup=False)
        services(screen.app).drop_typed_text()  # the message typed with c: not keys here
        return False
    action = found
    # A check-in kept from a refused save (here or on the board) opens as it was typed.
    board = the_board(screen)
    kept = board.unsent_checkins.get(action_id) if board is not None else None
    result = await screen.app.push_screen_wait(CheckinModal(action=action, draft=kept))
    if result is None:
        return False
    from pdca.db.models import CheckinDraft  # a draft (pydantic): the first paint needs none
    from pdca.screens.board_checkin import checkin_words

    what = checkin_words(action_id, result)
    context.saving.add(("checkin", action_id))
    try:
        draft = validated(CheckinDraft, message=result.message, status=result.status)
        await context.write(
            lambda writer: writer.add_checkin(action_id, draft),
            what,  # said if it gives up after quitting
        )
    except DatabaseBroken:
        raise  # the app stops on it
    except PdcaError as error:
        if isinstance(error, NotFound | GateUnmet | InvalidInput):
            # Done or gone meanwhile: why, with what was typed said whole, in one line, as
            # the board's c says it (a tester's words went unseen, only "#64 is done" was
            # said; then two toasts, the first naming nobody, a team's trial).
            from pdca.screens.board_writes import app_times, done_meanwhile

            said = done_meanwhile(context.store, action_id) or app_times(str(error))
            screen.notify(f"{said}: not saved: {what}", severity="warning", timeout=20)
            return False
        screen.notify(str(error), severity="error", timeout=6)
        if board is not None:
            # Not written (a lock held past the wait): kept as the board keeps its own,
            # counted in the header and said at quit; it was lost with a toast (a retrial).
            board.unsent_checkins[action_id] = result
            # the person's own key, of the screen it was made on (a keymap trial, a review)
            own = "standup-checkin" if type(screen).__name__ == "StandupScreen" else "log-checkin"
            key = services(screen.app).key_named(own, "c")
            services(screen.app).notify_kept(
                f"your check-in on #{action_id} is kept: press {key} on it to send it again"
            )
        return False
    finally:
        context.saving.discard(("checkin", action_id))
    if board is not None and board.unsent_checkins.pop(action_id, None) is not None:
        services(screen.app).kept_may_be_saved()
    return True


@dataclass(frozen=True)
class Refusal:
    """Why no check-in form opens, as said."""

    words: str
    severity: SeverityLevel = "warning"
    timeout: float | None = None


def _action_or_refusal(context: Any, action_id: int) -> Action | Refusal:
    """The open action a check-in form may open on, or why not (read-only, a save of one on
    it still waiting, gone, done)."""
    if not context.writable:
        return Refusal(f"read-only: {context.store.read_only_reason}")
    if ("checkin", action_id) in context.saving:
        return Refusal(
            f"your check-in on #{action_id} is still being saved (someone holds the file):"
            " c on it again once it is in, or kept"
        )
    store = context.store
    try:
        action: Action = store.get_action(action_id)
    except PdcaError as error:
        return Refusal(str(error), "error")
    if action.done_at is None:
        return action
    # Only where one is due does f help: a tester's c then f went round in a circle.
    try:
        accountability.due_followup_of(store, action_id)
        said = "record its follow-up (f in the log) instead"
    except PdcaError as error:
        said = f"check-ins are for open work; {str(error).removeprefix('id: ')}"
    return Refusal(f"#{action_id} is done: {said}", "information", 6)


def the_board(screen: Screen[Any]) -> BoardScreen | None:
    """The board, which keeps the check-ins a refused save left (``unsent_checkins``)."""
    from pdca.screens.board import BoardScreen

    stack = screen.app.get_screen_stack("board")
    return stack[0] if stack and isinstance(stack[0], BoardScreen) else None
