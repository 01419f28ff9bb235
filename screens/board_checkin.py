"""The board's ``c``: a check-in on the focused action (and the move to Check that needs one)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from pdca.db import models
from pdca.db.errors import GateUnmet, NotFound, PdcaError
from pdca.db.models import Action, validated
from pdca.screens.board_writes import app_times, by_finisher, done_meanwhile, save_or_refusal
from pdca.screens.context import services

if TYPE_CHECKING:
    from pdca.db.models import Checkin
    from pdca.db.store import Store
    from pdca.screens.board import BoardScreen
    from pdca.screens.dialogs.checkin import CheckinResult


T = TypeVar("T")


def checkin_alone(action_id: int) -> Callable[[Store, models.CheckinDraft], Checkin]:
    """The check-in's own write, nothing beside it."""
    return lambda store, draft: store.add_checkin(action_id, draft)


def checkin_words(action_id: int, result: CheckinResult) -> str:
    """``check-in on #6 (on-track): 'Rota live'``: what a failed or kept one was."""
    return f"check-in on #{action_id} ({result.status}): {result.message!r}"


async def ask_checkin(
    board: BoardScreen,
    action: Action,
    reason: str | None = None,
    save: Callable[[Store, models.CheckinDraft], T] | None = None,
    resend: str | None = None,
) -> T | Checkin | None:
    """Ask for a check-in and write it: what the write gave, or None when nothing was
    written. A check-in adds a row and overwrites nothing, so it is not refused because the
    card changed meanwhile (a done action still refuses). ``save``: the write, when more goes
    with the check-in in one change (the move it was asked for), and ``resend`` what a kept
    one's note says to do then."""
    from pdca.screens.dialogs import CheckinModal

    if board.saving_checkins[action.id]:
        board.notify(
            f"#{action.id}: your last check-in on it is still being saved;"
            f" {services(board.app).key_named('board-checkin', 'c')} again once it is",
            severity="warning",
        )
        services(board.app).drop_typed_text()
        return None
    kept = board.unsent_checkins.get(action.id)
    modal = CheckinModal(action=action, reason=reason, draft=kept)
    board.checking_in[action.id] += 1
    try:
        result = await board.app.push_screen_wait(modal)
    finally:
        board.checking_in[action.id] -= 1
        if not board.checking_in[action.id]:
            del board.checking_in[action.id]
    if result is None:  # escape: a kept draft stays kept (a reviewer)
        if (done := done_meanwhile(board.store, action.id)) is not None and action.done_at is None:
            # done while the form was open, unsaid then (``checking_in``): said now, once
            under = _told_done(board, action.id)
            shows = "" if board.filter.include_done else f"; {board.shows_done_cards()}"
            board.notify(f"{done}{shows}{under}")
        return None
    draft = validated(models.CheckinDraft, message=result.message, status=result.status)
    what = checkin_words(action.id, result)
    board.saving_checkins[action.id] += 1
    try:
        added, refusal = await save_or_refusal(
            board,
            lambda store: (save or checkin_alone(action.id))(store, draft),
            what=what,
            passes=(NotFound, GateUnmet),
        )
    except GateUnmet as error:
        # One line with what was typed: "#46 is done (abandon, by ann at …)" and "not saved:
        # check-in on #46 …" came as two toasts, the first naming nobody (a team's trial)
        added, refusal = None, error
        said = done_meanwhile(board.store, action.id)
        under = _told_done(board, action.id) if said is not None else ""
        said = said or app_times(str(error))
        board.notify(f"{said}: not saved: {what}{under}", severity="warning", timeout=20)
    except NotFound as error:
        added, refusal = None, error
        if (error.kind, error.key) == ("action", action.id):
            # gone while the form was open (a restore, an undo): by whom and how, as an edit
            # says it, not "no action #12" and a second toast (a trial)
            from pdca.screens.edit_flow import say_gone

            say_gone(board, action.id, not_saved=f"not saved: {what}")
            board.context.gone_edits.append(what)  # said again as pdca ends, to be copied
        else:
            board.notify(f"{error}; not saved: {what}", severity="warning", timeout=20)
    finally:
        board.saving_checkins[action.id] -= 1
        if not board.saving_checkins[action.id]:
            del board.saving_checkins[action.id]
    if added is not None:
        if board.unsent_checkins.pop(action.id, None) is not None:
            # The header's "✎ 1 not saved" was refreshed by the save, before the kept one
            # went: it stayed until another form closed (a tester).
            services(board.app).kept_may_be_saved()
        return added
    if isinstance(refusal, NotFound | GateUnmet):
        # Done or gone meanwhile: no c on it will ever send it, and kept it warned at every
        # q with no way to drop it (a tester). What was typed is said instead (of a gone
        # one, above).
        board.unsent_checkins.pop(action.id, None)
        return None
    # Not written (a lock held past the wait, the file gone read-only): what was typed is
    # kept for the next ``c`` on this card, not lost with the form (a tester).
    board.unsent_checkins[action.id] = result
    if resend is None:  # the person's own key: "press c" after c moved to C (a review)
        resend = (
            f"press {services(board.app).key_named('board-checkin', 'c')} on it to send it again"
        )
    services(board.app).notify_kept(f"your check-in on #{action.id} is kept: {resend}")
    return None


def _told_done(board: BoardScreen, action_id: int) -> str:
    """Its finish said: not again by the refresh that takes the card away, when one is to come
    (the card still drawn); one that came while the form was open said nothing of it, and
    the card that took its place is named with it (returned: ``; #9 is under the cursor
    now``). That change under the cursor is seen now: the next key, a second on, acts on the
    card there, where it was refused as "made while the board was covered" and the words
    typed with it dropped (a retrial)."""
    if any(column.index_of(action_id) is not None for column in board.columns.values()):
        board.told_done.add(action_id)
        return ""
    change = board.cursor_change
    if change is None or change.before[0] != action_id:
        return ""
    board.cursor_change = replace(change, unseen=False, at=time.monotonic())
    return f"; #{change.now[0]} is under the cursor now"


def let_go_of_kept_on_finished(board: BoardScreen, pressed_on: int | None) -> None:
    """The kept check-ins of actions finished (or gone) since, but for ``pressed_on``'s
    (said by ``refuse_checkin_if_done``): said whole and let go at the next ``c`` on any
    card, as the README says; only a ``c`` on that very card did, and "✎ 1 not saved" stood
    (one person in two places)."""
    for action_id in [i for i in board.unsent_checkins if i != pressed_on]:
        try:
            action = board.store.get_action(action_id)
        except NotFound:
            action = None
        except PdcaError:
            continue  # unreadable now: asked again at the next c
        if action is not None and action.done_at is None:
            continue
        kept = board.unsent_checkins.pop(action_id)
        services(board.app).kept_may_be_saved()
        if action is None:
            why = "is gone"
        else:
            who = by_finisher(board.store, action.id, action.done_at)
            why = f"was finished{who} meanwhile ({action.decision})"
        board.notify(
            f"#{action_id} {why}: not saved: {checkin_words(action_id, kept)}",
            severity="warning",
            timeout=20,
        )


def refuse_checkin_if_done(board: BoardScreen, action: Action) -> bool:
    """A done action takes no check-in: said before the form opens, as the log's c does (a
    tester typed a whole note only to have it refused on save), from the board or the
    detail; True when refused."""
    if action.done_at is None:
        return False
    services(board.app).drop_typed_text()
    then = (
        "its follow-ups are recorded in the log (4, then f)"
        if action.decision == "standardize"
        else "add a new action for more work"
    )
    decision = f" ({action.decision})" if action.decision else ""
    kept = board.unsent_checkins.pop(action.id, None)
    # A check-in kept from a refused save can never be sent now: said whole and let go, or
    # the header's "✎ 1 not saved" stayed until quit (a reviewer)
    said = f"#{action.id} is done{decision}: check-ins are for open work; {then}"
    if kept is None:
        board.notify(said, severity="warning")
        return True
    services(board.app).kept_may_be_saved()  # first: it takes the kept warnings away
    board.notify(
        f"{said}; not saved: {checkin_words(action.id, kept)}", severity="warning", timeout=20
    )
    return True


async def checkin_flow(board: BoardScreen, action: Action) -> None:
    """Check in, then show the card as it is now."""
    if await ask_checkin(board, action):
        fresh = board.read_action(action.id)
        if fresh:
            board.place(fresh)
