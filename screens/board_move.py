"""The board's ``>`` and ``<``: one phase on, asking what its gate needs, or one phase back.

Into Do the action needs an owner and a due date (the form asks for what is missing); into
Check a check-in (asked when the store says one is missing); into Act a verdict, shown
beside the linked KPI's evidence. A move is checked against the version and the phase the
card had when the key was pressed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pdca.db.errors import GateUnmet, PdcaError
from pdca.db.models import Action, Phase, Verdict
from pdca.screens.board_checkin import ask_checkin
from pdca.screens.board_writes import action_form, changes_a_card, refused, save
from pdca.screens.context import services
from pdca.screens.edit_flow import EditAgain, again_now, form_of, moved_on, save_edit_shown
from pdca.widgets.text import fit

if TYPE_CHECKING:
    from pdca.screens.board import BoardScreen
    from pdca.screens.dialogs.action_form import ActionFormResult

VERDICT_CHOICES = [
    ("worked", "Worked: the change did what we hoped"),
    ("partly", "Partly: some effect, not all"),
    ("did-not", "Did not: no effect, or worse"),
]


def rules_reason(message: str) -> str:
    """The part of a gate message that says what is missing, for a prompt's first line."""
    return message.split(": ", 1)[-1]


@changes_a_card
async def move_back_flow(board: BoardScreen, action: Action, target: Phase) -> None:
    moved = await save(
        board,
        lambda store: store.move_action(
            action.id, target, expected_version=action.version, expected_phase=action.phase
        ),
        what=f"move of #{action.id} back to {target}",
    )
    if moved:
        board.place(moved)


@changes_a_card
async def move_flow(board: BoardScreen, action: Action, target: Phase) -> None:
    """Ask what the gate into ``target`` needs, then move; a missing check-in is asked for
    when the store refuses for want of one."""
    seen_phase = action.phase  # the move is from where the card was when the key was pressed
    verdict: Verdict | None = None
    if target == "do" and not (action.owner and action.due):
        ready = await _owner_and_due(board, action)
        if ready is None or ready.phase == target:  # saved and moved, as one change
            return
        if ready.phase != seen_phase:
            # "Write mine" over a card moved on meanwhile saved the edit alone (save_edit):
            # the move from Plan met that very save, "changed since you looked (you ...);
            # nothing written" (a tester).
            board.notify(
                f"#{action.id}: your owner and due date are saved; it was moved to"
                f" {ready.phase.capitalize()} meanwhile, so not to {target.capitalize()}",
                timeout=10,
            )
            return
        action = ready  # the move is checked against the version just saved
    elif target == "act":
        verdict = await _verdict(board, action)
        if verdict is None:
            return
    seen = action.version
    moved: Action | None
    try:
        moved = await board.context.write(
            lambda store: store.move_action(
                action.id, target, verdict=verdict, expected_version=seen, expected_phase=seen_phase
            ),
            f"move of #{action.id} to {target}",
        )
    except GateUnmet as unmet:
        if target != "check" or moved_on(board, action.id):
            # Asked only of a person still on the card: a move that waited for a lock must
            # not open the check-in over what they went on to (as a conflict does not).
            board.notify(str(unmet), severity="error", timeout=6)
            return
        saved = await ask_checkin(
            board,
            action,
            reason=rules_reason(str(unmet)),
            # Checked by the phase seen alone: the check-in form stays open a while, and
            # someone's priority edit meanwhile split it from its move (a tester); a move
            # back, or on, is still met (the phase).
            save=lambda store, draft: store.checkin_then_move(
                action.id, draft, target, expected_version=None, expected_phase=seen_phase
            ),
            # c would send the check-in alone, and say nothing of the move (a reviewer); the
            # person's own keys (a review)
            resend=(
                f"press {services(board.app).key_named('board-next', '>')} on it to send it and"
                f" move it to Check ({services(board.app).key_named('board-checkin', 'c')} sends"
                " it alone)"
            ),
        )
        if saved is None:
            return
        _, moved_or_refusal = saved  # one change: one u takes back both
        if isinstance(moved_or_refusal, PdcaError):
            # The card changed meanwhile: the check-in is saved, the move refused, as said.
            refused(
                board,
                moved_or_refusal,
                kept="your check-in was saved",
                what=f"move of #{action.id} to {target}",
            )
        else:
            board.place(cast(Action, moved_or_refusal))
        return
    except PdcaError as error:
        refused(board, error)
        return
    if moved:
        board.place(moved)
        if target == "check" and (how := board.store.check_passed_on_a_reading(action.id)):
            board.notify(f"#{action.id} moved to Check; {how}", timeout=8, markup=False)


async def _owner_and_due(board: BoardScreen, action: Action) -> Action | None:
    """Into Do: the form, asking for the owner and due date; the action as saved and moved
    (one change, so one ``u`` takes both back), or None. A refusal or a conflict asks again,
    with what was typed (``save_edit``), kept for the next ``>``: it opened empty, the kept
    edit left for an ``e`` that made the move a second change (a tester)."""
    kept = board.unsent_edits.get(action.id)
    if kept is not None:
        action, initial = kept.base, kept.form  # checked against the version it was made on
    else:
        initial = form_of(action)
    while True:
        form = await board.app.push_screen_wait(
            action_form(
                board,
                _do_heading(action.id, initial),
                initial,
                require_owner_and_due=True,
            )
        )
        if form is None:
            return None  # esc: a kept edit stays kept
        board.unsent_edits.pop(action.id, None)  # saved now, or kept again by again_now
        saved = await save_edit_shown(board, action, form, then_move="do")
        if not isinstance(saved, EditAgain):
            return saved if isinstance(saved, Action) else None
        again = "save it, and it moves to Do (e opens it alone)"
        reopen = f"press {services(board.app).key_named('board-next', '>')} on it"
        if not again_now(board, saved, then=again, reopen=reopen):
            return None  # the move is the person's to ask again, once the edit is saved
        action, initial = saved.base, saved.form


def _do_heading(action_id: int, initial: ActionFormResult) -> str:
    """What the form must still be given for Do: "an owner and a due date" was said beside
    an owner already there (a trial), and beside both, typed before a conflict's "Edit
    again" (a reviewer)."""
    missing = [
        word
        for word, given in (("an owner", initial.owner), ("a due date", initial.due))
        if not given
    ]
    if not missing:
        return f"#{action_id} to Do with this owner and due date"
    return f"#{action_id} to Do needs {' and '.join(missing)}"


async def _verdict(board: BoardScreen, action: Action) -> Verdict | None:
    """Into Act: did the change work? Asked beside the linked KPI's evidence."""
    from pdca.db import kpis
    from pdca.screens.dialogs import ChoiceModal

    evidence = kpis.verdict_evidence(board.store, action.id)
    chosen = await board.app.push_screen_wait(
        ChoiceModal(
            heading=f"#{action.id} {fit(action.title, 40)} to Act: the verdict",
            prompt=(f"{evidence}\n" if evidence else "") + "Did the change work?",
            choices=VERDICT_CHOICES,
        )
    )
    # The modal gives one of VERDICT_CHOICES' keys, which are the verdicts.
    return cast("Verdict | None", chosen)
