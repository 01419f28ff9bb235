"""The board's ``n``: a new action in Plan, once or repeating."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pdca.db import models
from pdca.db.models import validated
from pdca.db.other_tools_syntax import fields_in_title
from pdca.screens.board_writes import (
    action_form,
    owner_is_new,
    save,
    say_if_owner_cannot_write,
    say_overdue_already,
    say_owner_is_new,
)
from pdca.screens.context import services
from pdca.widgets.text import literal, quoted

if TYPE_CHECKING:
    from pdca.screens.board import BoardScreen
    from pdca.screens.dialogs import ActionFormResult


async def new_flow(board: BoardScreen) -> None:
    """Ask for the action (owner and initiative: the ones the board is filtered to, else me
    and none), add it, and put the cursor on it. (Under the "(unowned)" filter the owner was
    me, and the new card hidden at once: a tester.)"""
    from pdca.db.models import UNOWNED
    from pdca.screens.dialogs import ActionFormResult

    wanted = board.filter.owner
    initial = ActionFormResult(
        title="",
        owner=None if wanted == UNOWNED else wanted or board.context.actor,
        due=None,
        initiative=board.filter.initiative,
        kpi=None,
        notes="",
    )
    if board.unsent_new is not None:  # a refused one, kept as typed
        initial = board.unsent_new
    form = await board.app.push_screen_wait(
        action_form(board, "New action in Plan", initial, repeat=True)
    )
    if form is None:  # a kept one stays kept (a reviewer lost one to esc)
        return
    board.unsent_new = None  # added now, or kept again below
    board.saving_new += 1
    try:
        added = await _add(board, form)
    finally:
        board.saving_new -= 1
    if not added:
        # Not written (a lock held past the wait, a name gone meanwhile): kept as typed
        # for the next n (a tester retyped one from memory), never a form opened by
        # itself, which took the keys typed meanwhile for something else (testers).
        board.unsent_new = form
        new = services(board.app).key_named("board-new", "n")  # theirs (a keymap trial)
        services(board.app).notify_kept(f"your new action is kept: press {new} to open it again")


def new_words(form: ActionFormResult, cut: int | None = 60) -> str:
    """``new action 'Rota' for 'bob' due 2026-12-04, priority high, notes '…'``: what a
    failed or kept one was, every field typed (at quit, all that is left of it: the notes,
    priority, initiative and KPI were missing, a tester). ``cut``: user text cut to so
    many cells (None: whole)."""
    words = f"new action {quoted(form.title, cut)}"
    words += f" for {quoted(form.owner, cut)}" if form.owner else ""
    words += f" due {form.due.isoformat()}" if form.due else ""
    more = [f"priority {form.priority}"] if form.priority != "normal" else []
    for name, value in (
        ("initiative", form.initiative),
        ("kpi", form.kpi),
        ("every", form.every),
        ("notes", form.notes),
    ):
        if value:
            more.append(f"{name} {quoted(value, cut)}")
    return ", ".join([words, *more])


async def _add(board: BoardScreen, form: ActionFormResult) -> bool:
    """Add the form's action and put the cursor on it; False when it was not written."""
    from pdca.db import recurrence

    draft = validated(
        models.ActionDraft,
        title=form.title,
        owner=form.owner,
        due=form.due,
        initiative=form.initiative,
        kpi=form.kpi,
        notes=form.notes,
        priority=form.priority,
    )
    new_owner = owner_is_new(board, draft.owner)
    every = form.every
    what = new_words(form, cut=None)  # said whole once the board has ended
    if every is not None:
        added = await save(
            board, lambda store: recurrence.add_repeating_action(store, draft, every), what=what
        )
    else:
        added = await save(board, lambda store: store.add_action(draft), what=what)
    if not added:
        return False
    board.place(added)
    said = f"added #{added.id}"
    if every is not None and added.recurrence_id is not None:
        # When the next comes, as pdca add --every says: "added #9" alone left it to guess
        # (a new user)
        said += f"; {recurrence.next_note(board.store, added.recurrence_id)}"
    board.notify(said, markup=False)
    if new_owner and added.owner is not None:
        say_owner_is_new(board, added.owner)
    if added.owner is not None:
        say_if_owner_cannot_write(board, added.owner)
    say_overdue_already(board, added)
    if found := fields_in_title(added.title):
        # "Deploy canary due:fri +ops" came in with no due date, unremarked (a Taskwarrior
        # user's trial), as pdca add says it
        board.notify(
            f"#{added.id}'s title keeps {literal(', '.join(found))} as words: the form's Due,"
            " Priority and Initiative set those here (pdca has no tags)",
            severity="warning",
            markup=False,
        )
    return True
