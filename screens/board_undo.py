"""The board's ``u`` and the palette's "Stop repeating" and "Start repeating": writes that
take something back or put it back."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

from textual.worker import WorkerError

from pdca.db.dates import minutes_utc_in
from pdca.db.errors import UndoAsked
from pdca.screens.board_writes import save
from pdca.screens.context import services
from pdca.widgets.text import literal
from pdca.widgets.when import short_time

if TYPE_CHECKING:
    from pdca.screens.board import BoardScreen

UNDO_FOLLOWS_MOST = 10  # an undone import of thousands: the board stays where it is
# Seconds a "u again to undo ..." stands, its notice as long: a u much later is asked again
# (an hour on it took the change back without a word, a reviewer; a u 20 s on, the notice
# gone after 10, did too, one person in two places). Any other key asks it again as well.
ASKED_FOR = 10.0


async def undo_flow(board: BoardScreen) -> None:
    """Revert this person's last change, say what it was, and read the board again. One
    made before the board opened (from the command line, another board) is asked about
    first: ``u`` again takes it back."""
    opened_at, asked = board.context.opened_at_event, None
    if board.undo_asked is not None and time.monotonic() - board.undo_asked[1] < ASKED_FOR:
        asked = board.undo_asked[0]  # "u again": this one, while the question is fresh
    try:
        undone = await save(
            board,
            lambda store: store.undo(opened_at=opened_at, confirmed=asked),
            # said where a save gave up after the app ended: "not saved:" and the file's
            # wait alone named nothing (a lead's trial)
            what="undo of your last change",
            passes=(UndoAsked,),
        )
    except UndoAsked as ask:
        board.undo_asked = (ask.tx, time.monotonic())
        # The person's own undo key: "u again" after undo moved to U, and u did nothing (a
        # keymap trial)
        again = f"{services(board.app).key_named('board-undo', 'u')} again"
        if ask.undone_elsewhere is not None:
            # Its own newer change was undone elsewhere (pdca undo): the next one back was
            # taken without a word, and both edits were gone (one person in two places)
            # Each with its time: two check-ins on one card read the same (a retrial)
            undone_at = f" ({short_time(ask.undone_at)})" if ask.undone_at else ""
            board.notify(
                f"{again} to undo “{literal(ask.named())}” ({short_time(ask.at)}): your newer"
                f" change here, “{literal(ask.undone_elsewhere)}”{undone_at}, was undone"
                " elsewhere already",
                severity="warning",
                timeout=ASKED_FOR,
            )
            return
        stays = (
            f"; your newer “{literal(ask.passed)}”, made elsewhere, stays (pdca undo takes it back)"
            if ask.passed is not None
            else ""
        )
        board.notify(
            f"{again} to undo “{literal(ask.named())}”: your change from before this board"
            f" opened ({short_time(ask.at)}){stays}",
            severity="warning",
            timeout=ASKED_FOR,
        )
        return
    board.undo_asked = None
    if undone:
        # Focus on the card it gave back (a done one back in Act, a moved one back where it
        # was), not on whatever took the place of the card it removed (a tester).
        few = undone.actions if len(undone.actions) <= UNDO_FOLLOWS_MOST else []
        back = [i for i in few if board.store.matches(board.filter.as_store_filter(), i)]
        board.left_by_me = set(undone.actions)
        if back:
            board.focused_id = back[0]
            read = board.reload(around=back[0])
        else:
            read = board.reload()
        # Said once the cards show it: said first, "undone" stood for a second beside the
        # card still where the undone move had put it (a tester, on a big file).
        with contextlib.suppress(WorkerError):  # a newer read replaced it, or it failed
            await read.wait()
        board.left_by_me = set()
        # Times as the app writes them: "by 2026-11-24T09:00:00Z" stood out (a retrial).
        words = ", ".join(f"“{literal(minutes_utc_in(s))}”" for s in undone.headline(shown=3))
        beside = "".join(f"; {literal(minutes_utc_in(line))}" for line in undone.after[:2])
        board.notify(f"undone: {words}{undone.more(shown=3)}{beside}")  # 3 lines, not 11


async def stop_repeating_flow(board: BoardScreen, rule_id: int, action_id: int) -> None:
    """No more repeats of ``action_id``'s rule; the repeats already made stay."""
    from pdca.db import recurrence

    stopped = await save(
        board, lambda store: recurrence.stop(store, rule_id), what=f"stop of #{action_id}'s repeat"
    )
    if stopped:
        board.notify(
            f"#{action_id} stops repeating ({literal(stopped.rule)}); "
            + (  # "the 1 made stay" (a new user)
                "the one it made stays"
                if stopped.instances == 1
                else f"the {stopped.instances} it made stay"
            )
        )


async def start_repeating_flow(board: BoardScreen, rule_id: int, action_id: int) -> None:
    """``action_id``'s stopped rule runs again, from today on (``recurrence.start``)."""
    from pdca.db import recurrence

    started = await save(
        board,
        lambda store: recurrence.start(store, rule_id),
        what=f"start of #{action_id}'s repeat again",
    )
    if started:
        said = (
            f"made #{started.made}, as #{action_id}'s rule had its latest done meanwhile"
            if started.made is not None
            else recurrence.next_note(board.store, rule_id)
        )
        board.notify(f"#{action_id}'s rule runs again; {literal(said)}")  # said "repeats" twice
