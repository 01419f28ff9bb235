"""After holding or slipped, a follow-up's own words: why it slipped, what shows it holds.
Optional, as on the command line (``pdca followup ID slipped -m ...``): enter on an empty
field records pdca's stock words."""

from __future__ import annotations

from textual.binding import Binding

from pdca.db.models import FollowupNote, validated
from pdca.screens.dialogs.note import NoteModal


def _followup_words(typed: str) -> str:
    if not typed.strip():
        return ""
    return validated(FollowupNote, message=typed).message or ""


class FollowupNoteModal(NoteModal):
    """Returns the note ("" for none) or ``None`` when cancelled: nothing is recorded then."""

    BINDINGS = [Binding("ctrl+s", "save", "Record", id="followup-save")]

    def __init__(
        self,
        *,
        offset_days: int,
        action_id: int,
        title: str,
        result: str,
        draft: str | None = None,
    ) -> None:
        slipped = result == "slipped"
        super().__init__(
            heading=f"{offset_days}-day follow-up of #{action_id}: {result}",
            about=f"#{action_id} {title}",
            check=_followup_words,
            placeholder="why it slipped" if slipped else "what shows it is holding",
            save_label="Record",
            hint=(
                "optional: enter records it"
                + (", and reopens the action in Plan as the next cycle" if slipped else "")
                + " · esc records nothing"
            ),
            draft=draft,
        )
