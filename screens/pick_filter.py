"""Ask for the owner, initiative or priority to filter a view by: the board's ``o``/``i``/``p``
and the log's ``o``/``i``."""

from __future__ import annotations

from textual.screen import Screen

from pdca.db.models import PRIORITIES, UNOWNED
from pdca.screens.context import context_of


async def pick_filter_value(
    screen: Screen, kind: str, heading: str, *, nobody: bool = False
) -> str | None:
    """A login (``kind`` "owner"), initiative name or priority picked by the user, or None.
    ``nobody``: the owners may be ``UNOWNED`` too (the board's work nobody owns). Call from a
    worker: it waits for the dialog."""
    from pdca.screens.dialogs import PickModal  # dialogs are imported when first opened

    store = context_of(screen.app).store
    if kind == "owner":
        options = [person.login for person in store.list_people()]
        if nobody:
            options.append(UNOWNED)
    elif kind == "priority":
        options = list(PRIORITIES)
    else:
        options = [initiative.name for initiative in store.list_initiatives()]
    if not options:
        screen.notify(f"no {kind}s yet", severity="warning")
        return None
    return await screen.app.push_screen_wait(PickModal(heading=heading, options=options))
