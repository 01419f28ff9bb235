"""What the board's flows share: one write whose refusal is one line, and the action form.

A flow asks (dialogs), then writes through ``context.store`` on the writer thread. A refusal
becomes a notification; a conflict shows the card as it is now; a file that went wrong is
raised again, and the app stops on it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pdca.db.dates import minutes_utc_in
from pdca.db.errors import Conflict, DatabaseBroken, PdcaError, shell_word
from pdca.db.store import Store
from pdca.screens.context import services
from pdca.screens.cursor_change import changed_under_cursor
from pdca.widgets.text import literal
from pdca.widgets.when import short_time

if TYPE_CHECKING:
    import sqlite3

    from pdca.db.action_record import Action
    from pdca.screens.board import BoardScreen
    from pdca.screens.dialogs import ActionFormModal, ActionFormResult

T = TypeVar("T")
Flow = TypeVar("Flow", bound=Callable[..., Awaitable[None]])


def changes_a_card(flow: Flow) -> Flow:
    """``flow(board, action or its id, ...)`` counts in ``board.changing`` while it runs, so
    that no second change of the card starts from it as it was (``refuse_if_changing``)."""

    @functools.wraps(flow)
    async def counted(board: BoardScreen, target: Any, *args: Any) -> None:
        action_id = target if isinstance(target, int) else target.id
        board.changing[action_id] += 1
        try:
            await flow(board, target, *args)
        finally:
            board.changing[action_id] -= 1
            if not board.changing[action_id]:
                del board.changing[action_id]

    return cast(Flow, counted)


async def save(
    board: BoardScreen,
    call: Callable[[Store], T],
    kept: str | None = None,
    *,
    what: str | None = None,
    passes: tuple[type[PdcaError], ...] = (),
) -> T | None:
    """Run one write on the writer thread (the keys stay live while it waits for a lock);
    its refusal is shown in one line and gives ``None``. ``kept``: what an earlier step
    of the same flow did write, so the line does not say nothing was; ``what``: the write
    in a few words, for a failure said after the app has ended; ``passes``: refusals the
    caller says itself, raised to it."""
    return (await save_or_refusal(board, call, kept, what=what, passes=passes))[0]


async def save_or_refusal(
    board: BoardScreen,
    call: Callable[[Store], T],
    kept: str | None = None,
    *,
    what: str | None = None,
    passes: tuple[type[PdcaError], ...] = (),
) -> tuple[T | None, PdcaError | None]:
    """``save``, with the refusal it showed (None when written): a flow that keeps what was
    typed for later keeps it only where a later try may succeed."""
    try:
        written = await board.context.write(call, what)
    except passes:
        raise
    except PdcaError as error:  # a busy wait's names what it was (AppContext.write)
        refused(board, error, kept, what)
        return None, error
    services(board.app).kept_may_be_saved()
    return written, None


def app_times(words: str) -> str:
    """A refusal's words with its times as the app shows times: on the person's own clock,
    named (``2026-11-23 04:00 EST``), not as stored (``2026-11-23T09:00:00Z``, a retrial) nor
    in UTC beside the app's other times (a review)."""
    from pdca.widgets.when import local_minutes

    return local_minutes(minutes_utc_in(words))


def refused(
    board: BoardScreen, error: PdcaError, kept: str | None = None, what: str | None = None
) -> None:
    """A write was refused: a conflict shows the card as it is now; a file that went wrong
    is not a refusal but raised again, and the app stops on it. ``what``: the write refused,
    said beside what was ``kept`` ("the rest" read as a riddle, a tester)."""
    if isinstance(error, DatabaseBroken):
        raise error
    if isinstance(error, Conflict):
        rest = f"the {what}" if what else "the rest"
        show_conflict(board, error, f"{kept}; {rest} was not" if kept else "nothing written")
    else:
        said = app_times(str(error))
        board.notify(f"{said} ({kept})" if kept else said, severity="error", timeout=8)


def owner_is_new(board: BoardScreen, owner: str | None) -> bool:
    """Whether ``owner`` is a login this file has never seen, asked before the write that
    would make them one of its people: the store's question the command line asks too
    (``note: zzz is new to this file``)."""
    return owner is not None and not board.store.seen_before(owner)


def say_owner_is_new(board: BoardScreen, owner: str) -> None:
    """After the write: a typo (``zedd``) made a new person, in owners and stand-ups from now
    on; one line says so, as the command line's note does, with whom it was probably
    meant for ("Ann" beside ann: the command line asked, the board did not, a tester)."""
    # one it begins was offered by the form already, and saved as typed: not asked again
    alike = [other for other in board.store.people_meant_by(owner) if not other.startswith(owner)]
    meant = f"; did you mean {literal(alike[0])}?" if alike else ""
    # What to do about a typo, as the command line's note says it (a new user)
    undo = f" (a typo? pdca forget {literal(shell_word(owner))} once nothing is theirs)"
    board.notify(
        f"{literal(owner)} is new to this file: now one of its people{undo}{meant}",
        severity="warning",
        timeout=8,
        markup=False,
    )


def say_if_owner_cannot_write(board: BoardScreen, owner: str) -> None:
    """Each time work is given to someone who cannot write the file (outside its group), as
    the command line's note says it: the board said nothing (a lead's day one), then only
    for a person new to the file (a retrial)."""
    if board.store.path is None:
        return
    from pdca.db.access import cannot_write_words, why_login_cannot_write

    shut_out = why_login_cannot_write(owner, board.store.path)
    if shut_out:
        board.notify(
            cannot_write_words(literal(owner), shut_out),
            severity="warning",
            timeout=10,
            markup=False,
        )


def say_overdue_already(board: BoardScreen, action: Action) -> None:
    """A due date before today is taken (work found late is still work), and said, as the
    command line's note says it: "yesterday" in the edit form made the card late without a
    word (a new lead)."""
    if action.overdue and action.due is not None:
        board.notify(
            f"due {action.due} is before today: #{action.id} is overdue already",
            severity="warning",
            timeout=6,
        )


def by_finisher(store: Store, action_id: int, done_at: str | None) -> str:
    """`` by ann``: who finished the action (its finish in the log; `` by you``), else
    nothing: "#46 was done meanwhile" named nobody (a team's trial)."""
    try:
        finisher = store.finished_by(action_id, done_at) if done_at else None
    except PdcaError:
        return ""
    if finisher is None:
        return ""
    return f" by {'you' if finisher == store.actor else finisher}"


def done_meanwhile(store: Store, action_id: int) -> str | None:
    """``#3 was done by ben meanwhile (abandon)``: why a check-in on it was refused, as the
    app says it (the command line's refusal names the time, and its own next command); None
    when it is not done (or cannot be read now)."""
    try:
        row = store.row("action", action_id)
    except PdcaError:
        return None
    if row is None or row["done_at"] is None:
        return None
    return done_meanwhile_words(store, action_id, row)


def done_meanwhile_words(store: Store, action_id: int, row: sqlite3.Row) -> str:
    """``#3 was done by ben meanwhile (abandon)`` of the done action's ``row``."""
    how = f" ({row['decision']})" if row["decision"] else ""
    return f"#{action_id} was done{by_finisher(store, action_id, row['done_at'])} meanwhile{how}"


def show_conflict(board: BoardScreen, conflict: Conflict, kept: str) -> None:
    """Someone changed the card since it was drawn: show it as it is now, and say so. Put
    where it is now, it may take the cursor's card away (out of the filter, a column left
    empty): the next key, pressed at once, was for it and acted on another column's card (a
    retrial), so that is a change under the cursor too (screens/cursor_change.py)."""
    fresh = board.read_action(conflict.entity_id)
    before = board.under_cursor()
    if fresh is not None:
        board.place(fresh)
    moved = changed_under_cursor(before, board.under_cursor(), time.monotonic())
    board.cursor_change = moved or board.cursor_change
    shown = fresh is not None and any(
        column.index_of(fresh.id) is not None for column in board.columns.values()
    )
    who = f"{conflict.by} " if conflict.by else "someone "
    what = f": {conflict.what}" if conflict.what else ""
    when = f" at {short_time(conflict.at)}" if conflict.at else ""
    board.notify(
        literal(
            f"#{conflict.entity_id} changed since you looked ({who}{when.strip()}{what}); "
            f"{kept}" + (": it is shown as it is now" if shown else "")
        ),
        severity="error",
        timeout=8,
    )


def action_form(
    board: BoardScreen,
    heading: str,
    initial: ActionFormResult,
    *,
    require_owner_and_due: bool = False,
    repeat: bool = False,
    due_fixed: bool = False,
    start_on: str | None = None,
) -> ActionFormModal:
    """The action form, offering the people, initiatives and KPIs the file knows."""
    from pdca.screens.dialogs import ActionFormModal

    store = board.store

    def names_now() -> tuple[list[str], list[str], list[str]]:
        return (
            [person.login for person in store.list_people()],
            [initiative.name for initiative in store.list_initiatives()],
            [kpi.name for kpi in store.list_kpis()],
        )

    people, initiatives, kpis = names_now()
    return ActionFormModal(
        heading=heading,
        today=board.context.today(),
        people=people,
        initiatives=initiatives,
        kpis=kpis,
        initial=initial,
        require_owner_and_due=require_owner_and_due,
        repeat=repeat,
        names_now=names_now,
        due_fixed=due_fixed,
        start_on=start_on,
    )
