"""The board's ``e``: editing an action that others may be editing too: nothing is ever
overwritten unseen.

An edit is the fields the person changed from the version they saw (``changes_between``).
When someone saved the action meanwhile, the person sees both versions and chooses:

- keep theirs: nothing written;
- write mine: only the fields *they* changed are written over the saved version, which
  keeps every other field as the other person left it, and is checked again by version;
- edit again: the form reopens on the saved version with their changes applied, and saving
  it is checked against that version (so a third change in between asks again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from pdca.db import models
from pdca.db.errors import Conflict, NotFound, PdcaError
from pdca.db.models import Action, validated
from pdca.db.store import Store
from pdca.screens.board_writes import (
    action_form,
    changes_a_card,
    owner_is_new,
    refused,
    say_if_owner_cannot_write,
    say_overdue_already,
    say_owner_is_new,
)
from pdca.screens.context import services
from pdca.widgets.text import quoted
from pdca.widgets.when import short_time

if TYPE_CHECKING:
    from pdca.db.models import ActionChanges, Phase
    from pdca.screens.board import BoardScreen
    from pdca.screens.dialogs import ActionFormResult


def form_of(action: Action) -> ActionFormResult:
    from pdca.screens.dialogs import ActionFormResult

    return ActionFormResult(
        title=action.title,
        owner=action.owner,
        due=date.fromisoformat(action.due) if action.due else None,
        initiative=action.initiative,
        kpi=action.kpi,
        notes=action.notes,
        priority=action.priority,
    )


# The fields a person edits in the form, by their names on the action too (``every`` is a
# new action's only).
EDITED_FIELDS = ("title", "owner", "due", "initiative", "kpi", "notes", "priority")


def seen_as_stored_now(kept: ActionFormResult, base: Action, stored: Action) -> Action:
    """The version a kept edit is shown on again: the fields the person changed as they
    were when they typed them (still asked about if changed since), the others as stored
    now, which the form shows. It showed them as they were before a colleague's change
    since (their new owner as the old one), though saving left them as stored (a retrial);
    saved as shown over the old version, the colleague's value of the moment was written
    back over their later change (a team's morning)."""
    typed = _typed(kept, base)
    return base.model_copy(update={f: getattr(stored, f) for f in EDITED_FIELDS if f not in typed})


def _typed(form: ActionFormResult, base: Action) -> list[str]:
    """The fields of ``form`` that differ from ``base``: what the person typed."""
    before = form_of(base)
    return [f for f in EDITED_FIELDS if getattr(form, f) != getattr(before, f)]


def changes_between(base: Action, wanted: ActionFormResult) -> ActionChanges:
    """The edit that turns ``base`` into what the form holds (unchanged fields left out)."""
    values: dict[str, Any] = {}
    if wanted.title != base.title:
        values["title"] = wanted.title
    if wanted.notes != base.notes:
        values["notes"] = wanted.notes
    if wanted.priority != base.priority:
        values["priority"] = wanted.priority
    for name in ("owner", "initiative", "kpi"):
        new, old = getattr(wanted, name), getattr(base, name)
        if new != old:
            if new is None:
                values[f"clear_{name}"] = True
            else:
                values[name] = new
    new_due = wanted.due.isoformat() if wanted.due else None
    if new_due != base.due:
        if wanted.due is None:
            values["clear_due"] = True
        else:
            values["due"] = wanted.due
    return validated(models.ActionChanges, **values)


def with_changes(form: ActionFormResult, changes: ActionChanges) -> ActionFormResult:
    """``form`` (someone's saved version) with ``changes`` (the person's edit) applied."""
    values: dict[str, Any] = {}
    for name in ("title", "notes", "owner", "initiative", "kpi", "due", "priority"):
        if getattr(changes, f"clear_{name}", False):
            values[name] = None
        elif getattr(changes, name) is not None:
            values[name] = getattr(changes, name)
    return replace(form, **values)


def is_empty(changes: ActionChanges) -> bool:
    return not changes.model_dump(exclude_defaults=True)


def fields_of(changes: ActionChanges) -> set[str]:
    """The fields ``changes`` sets or clears, by their names in ``comparable``."""
    return {name.removeprefix("clear_") for name in changes.model_dump(exclude_defaults=True)}


def compared(seen: Action, theirs: Action, mine: ActionChanges) -> tuple[set[str], set[str]]:
    """Of the fields ``mine`` changes: those whose value differs from theirs (one both set
    alike is no more mine), and of them those the other version changed too since ``seen``
    (the same due set by both asked which, a reviewer)."""
    before, now = comparable(seen), comparable(theirs)
    wanted = comparable(with_changes(form_of(theirs), mine))
    own = {name for name in fields_of(mine) if wanted[name] != now[name]}
    return own, {name for name in own if now[name] != before[name]}


def without_fields(changes: ActionChanges, names: set[str]) -> ActionChanges:
    """``changes`` less those of the fields ``names`` (set or cleared)."""
    dropped = {f"{prefix}{name}": None for name in names for prefix in ("", "clear_")}
    kept = {
        key: value
        for key, value in changes.model_dump(exclude_defaults=True).items()
        if key not in dropped
    }
    return validated(models.ActionChanges, **kept)


def comparable(item: Action | ActionFormResult) -> dict[str, str]:
    """The fields a person edits, as text, for the conflict dialog."""
    due = item.due.isoformat() if isinstance(item.due, date) else item.due
    return {
        "title": item.title,
        "owner": item.owner or "",
        "due": due or "",
        "priority": item.priority,
        "initiative": item.initiative or "",
        "kpi": item.kpi or "",
        "notes": item.notes,
    }


def _edit(
    action_id: int, changes: ActionChanges, seen: Action, then_move: Phase | None = None
) -> Callable[[Store], Action]:
    """The write of ``changes``, checked against ``seen`` (the version the person saw, and
    its values: one changed by another tool leaves the version as it was), and with
    ``then_move`` the move it was asked for, in the same change."""
    version, values = seen.version, comparable(seen)
    if then_move is not None:
        target = then_move
        return lambda store: store.edit_then_move(action_id, changes, target, version, values)
    return lambda store: store.edit_action(action_id, changes, version, values)


def edit_words(action_id: int, mine: ActionChanges, cut: int | None = 60) -> str:
    """``edit of #29: title 'Rota v2', due 2026-12-04``: what a failed save says once the
    board has ended, enough to make it again (a tester read only "edit of #29")."""
    said = []
    for name in ("title", "owner", "due", "priority", "initiative", "kpi", "notes"):
        value = getattr(mine, name)
        if value is not None:
            shown = quoted(value, cut) if isinstance(value, str) else str(value)
            said.append(f"{name} {shown}")
        elif getattr(mine, f"clear_{name}", False):
            said.append(f"{name} cleared")
    return f"edit of #{action_id}: " + ", ".join(said)


@dataclass(frozen=True)
class EditAgain:
    """Reopen the form on ``base`` (the saved version) holding ``form`` (with my changes);
    ``later``: kept for the next ``e`` (a save refused, or the conflict put off with esc),
    rather than the person choosing to edit again (the form opens at once)."""

    base: Action
    form: ActionFormResult
    later: bool = False
    # The move it was typed for (the gate form's >), said with it at quit: "edit of #29: due
    # 2026-12-20" alone read as an edit, the move to Do forgotten (a lead's trial).
    then_move: Phase | None = None


async def save_edit(
    board: BoardScreen, base: Action, form: ActionFormResult, then_move: Phase | None = None
) -> Action | EditAgain | None:
    """Write the form's changes over ``base`` (the version the person saw).

    Returns the saved action; ``None`` when the person kept the other version; or
    ``EditAgain``: after a conflict, or a refusal (a gate, a busy file), said in one line,
    with what was typed. A refused "write mine" and a save that outwaited a lock had closed
    the form and lost it (a tester). An action gone meanwhile (``NotFound``) is raised.
    """
    from pdca.screens.dialogs import ConflictModal

    mine = changes_between(base, form)
    seen = base
    chosen_mine = False  # "Write mine" was chosen and met another change
    merged: list[str] = []  # said once the edit is saved beside another's change
    while True:
        if is_empty(mine):
            for said in merged:  # theirs kept where both changed, and nothing else was mine
                board.notify(said)
            return seen
        try:
            saved = await board.context.write(
                _edit(base.id, mine, seen, then_move),
                edit_words(base.id, mine, cut=None),
            )
            for said in merged:  # after the write: one a rule refused was said saved (a retrial)
                board.notify(said)
            return saved
        except Conflict as conflict:
            theirs = board.read_action(base.id)
            if theirs is None:
                say_gone(board, base.id, mine)
                return None
            if then_move is not None and theirs.done_at is not None:
                # The form of a move over a card finished meanwhile: no move left to make,
                # and what it asked for was for the move; kept as an edit, "write mine" put
                # an owner and a due date on the abandoned action (a tester).
                who = f" by {conflict.by}" if conflict.by else ""
                board.notify(
                    f"#{base.id} was finished{who} meanwhile: not moved to"
                    f" {then_move.capitalize()}; nothing written"
                    f" ({edit_words(base.id, mine, cut=None)})",
                    severity="warning",
                    timeout=15,
                )
                board.place(theirs)
                return None
            if theirs.done_at is not None and (mine.due is not None or mine.clear_due):
                # Finished meanwhile: the date it was done against stays, so the edit's new
                # date goes (kept, it could never be saved, and the form showed it fixed: a
                # reviewer could only quit); the rest of the edit is still theirs to settle.
                mine = mine.model_copy(update={"due": None, "clear_due": False})
                rest = "nothing written" if is_empty(mine) else "the rest of your edit goes on"
                who = f" by {conflict.by}" if conflict.by else ""
                board.notify(
                    f"#{base.id} was finished{who} meanwhile: your due date is dropped (a done"
                    f" action keeps the date it was done against); {rest}",
                    severity="warning",
                )
                if is_empty(mine):
                    board.place(theirs)
                    return theirs
            if is_empty(changes_between(theirs, with_changes(form_of(theirs), mine))):
                # Someone saved the very same change meanwhile: nothing to choose between, and
                # put off it was kept as an edit of nothing that held quitting back (a tester).
                who = f" ({conflict.by} changed it meanwhile)" if conflict.by else ""
                board.notify(f"#{base.id} already holds your change{who}")
                board.place(theirs)
                return theirs
            own, clashing = compared(seen, theirs, mine)
            # A move asked for from a phase it left: its form was for that move
            moved_phase = bool(then_move) and theirs.phase != seen.phase
            # or a card finished: Keep theirs keeps theirs whole, as it always did
            moved_away = moved_phase or bool(theirs.done_at)
            # nor with a move asked for: Keep theirs makes none (it moved the card, a reviewer)
            theirs_whole = moved_away or then_move is not None
            if not moved_phase and not clashing:
                # Each change its own fields: both stand, nothing to choose (a moved card
                # asked "#5 changed while you edited it" over a due date, a lead's day one).
                # A finish too is a change of other fields: a title typed as ann abandoned
                # the card asked with "≠ title" as if she had changed it (a team's trial).
                who = f" by {conflict.by}" if conflict.by else ""
                what = f" ({conflict.what})" if conflict.what else ""
                moved = f" and the move to {then_move.capitalize()}" if then_move else ""
                merged.append(
                    f"#{base.id} was changed{who} meanwhile{what}: your"
                    f" {', '.join(sorted(own))}{moved} saved with it, as neither changed the"
                    " other's"
                )
                seen = theirs
                continue
            # A card finished meanwhile leaves the board when done cards are hidden, taking
            # the focus with it: that is no going on to other work (its edit was kept, with
            # nothing asked, a retrial), so the choice is asked here.
            vanished = (
                theirs.done_at is not None
                and not board.filter.include_done
                and board.app.screen is board
            )
            if moved_on(board, base.id) and not vanished:
                # The save waited (another process's lock) and the person went on to other
                # work: the dialog opened over their next form and took its keys, "e" of a
                # word for Edit again, "t" for Keep theirs (a tester). Kept as it was made,
                # on the version they saw: the next e meets the conflict, when it is theirs.
                who = f" by {conflict.by}" if conflict.by else ""
                # "while your edit waited to be saved" was said of a form only open (a tester)
                board.notify(f"#{base.id} was changed{who} before your edit was saved")
                return EditAgain(
                    seen, with_changes(form_of(seen), mine), later=True, then_move=then_move
                )
            choice = await board.app.push_screen_wait(
                ConflictModal(
                    action_id=base.id,
                    mine=comparable(with_changes(form_of(theirs), mine)),
                    theirs=comparable(theirs),
                    by=conflict.by,
                    at=conflict.at,
                    what=conflict.what,
                    again=chosen_mine,
                    me=board.context.actor,
                    clashing=tuple(sorted(clashing)),
                    # saved whichever is chosen: not when Keep theirs drops the move's edit
                    mine_alone=() if theirs_whole else tuple(sorted(own - clashing)),
                    # the move Write mine makes (a moved-on or finished card takes none)
                    move_to=then_move.capitalize() if then_move and not moved_away else None,
                    moving=then_move is not None,
                    pending=edit_words(base.id, mine, cut=None)
                    + (f", then the move to {then_move.capitalize()}" if then_move else ""),
                )
            )
            if choice == "mine":
                seen = theirs  # only my fields, over their version, checked by its version
                chosen_mine = True
                merged.clear()  # "neither changed the other's" no longer holds (a reviewer)
                # The move asked for was from the phase seen: moved on meanwhile (bob took
                # it on to Check), the caller's own move of it meets the change; still there,
                # it goes with the edit, one change still (a reviewer's u left it half).
                if theirs.phase != base.phase:
                    then_move = None
                continue
            if choice == "edit":
                return EditAgain(theirs, with_changes(form_of(theirs), mine), then_move=then_move)
            if choice is None:  # esc: put off, not thrown away (a tester's notes went so)
                # on the version it was made on: the choice put off is asked again at the
                # next save (kept on theirs, it wrote over ben's title unasked, a retrial)
                return EditAgain(
                    seen, with_changes(form_of(seen), mine), later=True, then_move=then_move
                )
            # Keep theirs: theirs where both changed; my other fields, which they did not
            # touch, are saved beside it (a retrial's new title went without a word with the
            # due date both had changed)
            mine_only = without_fields(mine, clashing)
            if is_empty(mine_only) or theirs_whole:
                board.place(theirs)  # my changes go, as chosen
                return None
            merged.append(
                f"#{base.id}: theirs kept for {', '.join(sorted(clashing))}; your"
                f" {', '.join(sorted(fields_of(mine_only)))} saved with it"
            )
            mine, seen = mine_only, theirs
            continue
        except PdcaError as error:
            if isinstance(error, NotFound) and (error.kind, error.key) == ("action", base.id):
                raise  # the action itself went: said by save_edit_shown
            refused(board, error)  # a file gone wrong is raised again from here
            return EditAgain(
                seen, with_changes(form_of(seen), mine), later=True, then_move=then_move
            )


@changes_a_card
async def edit_flow(board: BoardScreen, action_id: int, start_on: str | None = None) -> None:
    """The form on the action as stored now (or an edit of it kept from a refused save, on
    the version it was made on, so a change since is a conflict to settle); saved over it,
    or reopened on a conflict. ``start_on``: the field the cursor starts in (``owner``)."""
    # Kept until a save of it ends one way or another: esc on it keeps it still, as a kept
    # check-in stays (a reviewer lost a kept edit to esc).
    kept = board.unsent_edits.get(action_id)
    base = kept.base if kept else board.read_action(action_id)
    if base is None:
        return
    initial = kept.form if kept else form_of(base)
    # A kept edit of a card finished since: its date is the one it was done against now.
    stored = board.read_action(action_id) if kept else base
    if stored is not None and stored.done_at is not None and base.done_at is None:
        initial = replace(initial, due=form_of(stored).due)
    done_now = stored is not None and stored.done_at is not None
    seen = base  # the version the form is saved over, its fields as the form shows them
    if kept and stored is not None and stored.version != base.version:
        seen = seen_as_stored_now(initial, base, stored)
    shown = replace(form_of(seen), **{f: getattr(initial, f) for f in _typed(initial, base)})
    while True:
        form = await board.app.push_screen_wait(
            action_form(
                board,
                f"Edit #{base.id}",
                shown,
                require_owner_and_due=base.phase != "plan" and base.done_at is None,
                # done since a kept edit was made on it: fixed too (it was typed over, a
                # retrial, and refused at save)
                due_fixed=done_now or base.done_at is not None,
                start_on=start_on,
            )
        )
        if form is None:
            if initial != form_of(base):  # esc on "Edit again": put off, as the dialog's
                # esc puts it off; it threw the edit away without a word (a tester)
                again_now(board, EditAgain(base, initial, later=True))
            return
        board.unsent_edits.pop(action_id, None)  # saved now, or kept again by again_now
        outcome = await save_edit_shown(board, seen, form)
        if not isinstance(outcome, EditAgain) or not again_now(board, outcome):
            return
        base, initial = outcome.base, outcome.form  # their version, my changes on it
        seen, shown = base, initial


def moved_on(board: BoardScreen, action_id: int) -> bool:
    """Whether the person has gone on from the card since a flow on it began: another
    screen or dialog up, or the focus on another card."""
    return board.app.screen is not board or board.focused_id != action_id


def again_now(
    board: BoardScreen, again: EditAgain, then: str = "", reopen: str | None = None
) -> bool:
    """Whether the form opens again now; else the edit is kept for the next ``e`` on it, and
    the person told so (``then``: what they had asked for after it, which waits for them;
    ``reopen``: the key that opens it again, for them)."""
    if not again.later:  # the person chose to edit again: the form, now
        return True
    # Refused: kept as typed for the next e (a tester retyped one from memory), never a form
    # opened by itself, which took the keys typed meanwhile for something else (testers).
    board.unsent_edits[again.base.id] = again
    if reopen is None:  # the person's own edit key (a keymap trial)
        reopen = f"press {services(board.app).key_named('board-edit', 'e')} on it"
    where = reopen
    # As it is now: the version kept may be the one seen before a wait for the lock (a
    # reviewer), finished by someone else meanwhile.
    try:
        now = board.store.get_action(again.base.id)
    except PdcaError:  # gone: said where the save found it so
        now = again.base
    done = now.done_at is not None
    # What was asked after the edit (a move) is no step to take on a done action: "then > to
    # move it to Do" was refused when followed (a tester).
    after = f", {then}" if then and not done else ""
    if done and not board.filter.include_done:
        # done meanwhile, so off the board: "press e on it" of a card nobody could see (a
        # tester)
        where = f"#{again.base.id} is done now, so D shows it, then e on it"
    elif board.filter.active and not _still_matches(board, again.base.id):
        # out of the filter meanwhile (a new title), so off the board: the same (a trial)
        where = f"#{again.base.id} no longer matches the filter, so esc shows it, then e on it"
    services(board.app).notify_kept(
        f"your edit of #{again.base.id} is kept: {where} to open it again{after}"
    )
    return False


def _still_matches(board: BoardScreen, action_id: int) -> bool:
    try:
        return board.store.matches(board.filter.as_store_filter(), action_id)
    except PdcaError:
        return True  # not known: said as before


def say_gone(
    board: BoardScreen,
    action_id: int,
    mine: ActionChanges | None = None,
    *,
    not_saved: str | None = None,
) -> None:
    """The card went while its form was open (a restore of a copy without it, an undo of
    its creation): say so, by whom and how, rather than "no action #12" (a tester), and
    what the edit was, to be made again elsewhere (a second tester). ``not_saved``: what
    another form (a check-in) lost, said in its place."""
    board.gone_said.add(action_id)
    gone = board.store.changed_since("action", action_id)
    how = " ".join(part for part in (gone.by, short_time(gone.at) if gone.at else "") if part)
    what = f": {gone.what}" if gone.what else ""
    if board.store.gone_unlogged("action", action_id):
        how, what = "deleted outside pdca, with no change logged", ""
    lost = f" ({edit_words(action_id, mine, cut=None)})" if mine is not None else ""
    if mine is not None:
        board.context.gone_edits.append(edit_words(action_id, mine, cut=None))
    said = not_saved or f"your edit was not saved{lost}"
    board.notify(
        f"#{action_id} is gone since you opened it ({how}{what}); {said}",
        severity="error",
        timeout=20,
    )


async def save_edit_shown(
    board: BoardScreen, base: Action, form: ActionFormResult, then_move: Phase | None = None
) -> Action | EditAgain | None:
    """Save the form over ``base``, asking whose version wins on a conflict; the saved card
    is shown at once, a refusal in one line; an owner new to the file is said to be."""
    changed = form.owner != base.owner
    new_owner = form.owner if changed and owner_is_new(board, form.owner) else None
    try:
        outcome = await save_edit(board, base, form, then_move)
    except NotFound:  # save_edit raises only the action's own: any other is kept there
        say_gone(board, base.id, changes_between(base, form))
        return None
    except PdcaError as error:  # a file gone wrong: refused raises it again, the app stops
        refused(board, error)
        return None
    if isinstance(outcome, Action):
        board.place(outcome)
        if new_owner is not None and outcome.owner == new_owner:
            say_owner_is_new(board, new_owner)
        if outcome.owner is not None and outcome.owner != base.owner:
            say_if_owner_cannot_write(board, outcome.owner)
        if outcome.due != base.due and outcome.done_at is None:
            say_overdue_already(board, outcome)
    return outcome
