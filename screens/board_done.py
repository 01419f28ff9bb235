"""The board's ``d`` (and ``>`` from Act): done, with a decision; adjust opens the next cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pdca.db.models import Action
from pdca.screens.board_move import VERDICT_CHOICES
from pdca.screens.board_writes import changes_a_card, save
from pdca.widgets.text import fit

if TYPE_CHECKING:
    from pdca.screens.board import BoardScreen

DECISION_CHOICES = [
    ("standardize", "Standardize: make it the way we work"),
    ("adjust", "Adjust: run another cycle, linked to this one"),
    ("abandon", "Abandon: stop here"),
]
# A round of repeating work is done wherever it is (rules.completion_problem): the first
# choice, under standardize's number
ROUND_DONE = ("standardize", "Standardize: done, the routine stands")


@changes_a_card
async def complete_flow(board: BoardScreen, action: Action) -> None:
    """Ask for the decision (only abandon before Act) and finish the action with it."""
    from pdca.screens.dialogs import ChoiceModal

    repeat_round = action.recurrence_id is not None and action.phase != "act"
    choices = (
        DECISION_CHOICES
        if action.phase == "act"
        else [ROUND_DONE, *DECISION_CHOICES[2:]]
        if repeat_round
        else DECISION_CHOICES[2:]
    )
    verdict = dict(VERDICT_CHOICES).get(action.verdict or "", "")
    prompt = (
        f"What now? The verdict: {verdict}"
        if action.phase == "act" and verdict
        else "What now?"
        if action.phase == "act"
        else (
            f"#{action.id} is a round of repeating work: done (standardize: its routine"
            " stands), or abandoned"
        )
        if repeat_round
        else (
            f"#{action.id} is in {action.phase.capitalize()}: standardize and adjust come "
            "after Act; it can be abandoned now (3 or b)"
        )
    )
    decision = await board.app.push_screen_wait(
        ChoiceModal(
            heading=f"Done with #{action.id} {fit(action.title, 40)}",  # which one (a tester)
            prompt=prompt,
            choices=choices,
            numbered_among=[value for value, _ in DECISION_CHOICES],
            # What the verdict points to, under the cursor: enter after "did not work"
            # standardized it (a new lead); the numbers stay as they are.
            highlighted="adjust" if action.verdict in ("partly", "did-not") else None,
            # Abandon alone, before Act: by its key, not by enter (d and an enter held down
            # abandoned a card in Plan, a tester)
            by_its_key=action.phase != "act" and not repeat_round,
        )
    )
    if decision is None:
        return
    completion = await save(
        board,
        lambda store: store.complete_action(
            action.id,
            decision,  # type: ignore[arg-type]
            expected_version=action.version,
        ),
        what=f"done of #{action.id} ({decision})",
    )
    if completion is None:
        return
    board.place(completion.action)
    if completion.next_cycle is not None:
        nxt = completion.next_cycle
        board.place(nxt)
        board.notify(f"#{nxt.id} opened in Plan: cycle {nxt.cycle} of #{action.id}")
    elif decision == "standardize" and action.verdict == "did-not" and action.recurrence_id is None:
        # As the command line says it: allowed, but never without a word (a tester).
        board.notify(
            f"#{action.id} standardized though its verdict was did-not: its follow-ups will"
            " check whether it holds",
            severity="warning",
        )
    elif action.recurrence_id is not None:
        # An "after N days" rule's next round, made by this done: named, as the command line
        # names it (it came onto the board unsaid, a tester).
        from pdca.db.recurrence import done_note

        made = done_note(board.store, action.id)
        board.notify(f"#{action.id} done ({decision})" + (f"; {made}" if made else ""))
    elif decision == "standardize":
        # When the audits come, as the command line says: "done (standardize)" alone left a
        # new user unaware that three were scheduled for its owner (a trial).
        from pdca.db.followup_reads import followups_of

        audits = followups_of(board.store, action.id)
        dates = ", ".join(f"{f.due}" for f in audits)
        when = f"; its follow-up audits are due {dates}" if audits else ""
        board.notify(f"#{action.id} done ({decision}){when}", markup=False)
    else:
        board.notify(f"#{action.id} done ({decision})")
