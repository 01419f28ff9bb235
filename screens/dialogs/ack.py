"""Acknowledge a drift alert: what is being done about it, in a line. Returns the note."""

from __future__ import annotations

from textual.binding import Binding

from pdca.db.models import AcknowledgementNote, Alert, validated
from pdca.screens.dialogs.note import NoteModal
from pdca.widgets.when import short_time


def _acknowledgement(typed: str) -> str:
    return validated(AcknowledgementNote, note=typed).note


class AckModal(NoteModal):
    """Asks for the acknowledgement's note (required, like a check-in's message); the caller
    writes it."""

    BINDINGS = [Binding("ctrl+s", "save", "Acknowledge", id="ack-save")]

    def __init__(
        self,
        *,
        alert: Alert,
        draft: str | None = None,
        beside: list[int] | None = None,
        with_it: list[int] | None = None,
        actor: str | None = None,
    ) -> None:
        """``beside``: the KPI's other alerts that wait too, said (a again takes the next);
        ``with_it``: those its reading raised, acknowledged with it, said; ``actor``: who
        acknowledges, said when it is not the one it waits for."""
        cause = f"signal: {alert.rule_text}" if alert.rule_text else "threshold breach"
        about = (
            f"{cause}; raised {short_time(alert.raised_at)}, waiting for {alert.assignee}"
            f" by {short_time(alert.ack_due)}" + ("  OVERDUE" if alert.overdue else "")
        )
        if actor is not None and actor != alert.assignee:
            # Said only once saved ("acknowledged in their place"): from someone's list of
            # alerts, the form did not say whose it was being acknowledged for (a tester).
            about += f"; you acknowledge it in {alert.assignee}'s place"
        if with_it:
            ids = [str(other) for other in with_it]
            named = f" {ids[0]}" if len(ids) == 1 else f"s {', '.join(ids[:-1])} and {ids[-1]}"
            verb = "is" if len(ids) == 1 else "are"
            about += f"; alert{named}, of the same reading, {verb} acknowledged with it"
        if beside:
            named = ", ".join(str(other) for other in beside)
            about += (
                f"; alert {named} waits too" if len(beside) == 1 else f"; alerts {named} wait too"
            )
        super().__init__(
            heading=f"Acknowledge alert {alert.id}: {alert.kpi}",
            about=about,
            check=_acknowledgement,
            placeholder="what is being done about it",
            save_label="Acknowledge",
            draft=draft,
            about_id="ack-about",
        )
        self.alert = alert
