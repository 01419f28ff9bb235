"""The card under the board's cursor, changed a moment ago by someone else's write: a move,
back or done pressed then was meant for what was there before.

A colleague moved #2 from Plan to Do and, 0.3 s after the board showed it, ann's ``>``
(pressed for Plan → Do) opened Do → Check: the card was one phase further than she meant (a
trial). With a check-in on it, it would have gone to Check without a word. Such a key does
nothing and says why; pressed again, it acts on the card as it is now. "Someone else's
change" was said of ann's own, made by her script (a soak): the board does not know whose.
"""

from __future__ import annotations

from dataclasses import dataclass

from pdca.db.models import Action

# Longer than a key pressed before the eye took the change in, shorter than a second look.
JUST_CHANGED_SECONDS = 1.0

Place = tuple[int, str]  # the action under the cursor, and its phase


def under_cursor(action: Action | None) -> Place | None:
    return (action.id, action.phase) if action is not None else None


@dataclass(frozen=True, slots=True)
class CursorChange:
    before: Place
    now: Place
    at: float  # time.monotonic() when the board showed it
    # Made while something covered the board (the palette, a dialog): the next command on
    # the card was chosen for the one before, however long after. "Next phase" picked in a
    # palette opened on #39, moved by a colleague meanwhile, moved #35 (a palette trial).
    unseen: bool = False

    def words(self) -> str:
        (was, _), (now, phase) = self.before, self.now
        when = "while the board was covered" if self.unseen else "a moment ago"
        if was == now:
            return f"#{now} moved to {phase.capitalize()} {when} (a change made elsewhere)"
        return f"#{was} left the cursor {when} (a change made elsewhere); #{now} is there now"


def changed_under_cursor(
    before: Place | None, now: Place | None, at: float, *, unseen: bool = False
) -> CursorChange | None:
    """What changed under the cursor between two readings of it (None: nothing did)."""
    if before is None or now is None or before == now:
        return None
    return CursorChange(before, now, at, unseen)


def pressed_too_soon(change: CursorChange | None, action: Action, at: float) -> bool:
    """Whether a key pressed at ``at`` on ``action`` was meant for what ``change`` replaced."""
    return (
        change is not None
        and change.now == under_cursor(action)
        and (change.unseen or at - change.at < JUST_CHANGED_SECONDS)
    )
