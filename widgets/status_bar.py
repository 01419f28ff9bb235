"""The line at the top: which file, who you are, the alerts waiting for you, and who else has
it open right now."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from pdca.widgets.text import fit, literal


class StatusBar(Widget):
    """Dumb: the app sets its reactives; it draws them."""

    DEFAULT_CSS = """
    StatusBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    database: reactive[str] = reactive("")
    login: reactive[str] = reactive("")
    others: reactive[tuple[str, ...]] = reactive(())
    read_only: reactive[bool] = reactive(False)
    view: reactive[str] = reactive("Board")
    alerts: reactive[int] = reactive(0)  # alerts waiting for this login to acknowledge
    saving: reactive[bool] = reactive(False)  # a write is waiting (for another's lock)

    class AlertsRequested(Message):
        """The person clicked the header while alerts wait for them: show those."""

    def on_click(self, event: events.Click) -> None:
        if self.alerts:
            self.post_message(self.AlertsRequested())

    def render(self) -> Text:
        """One line that fits: what must be seen (the view, who you are, your alerts, a save
        waiting) first, then who else is here, as many names as fit; the file's name gives
        up cells before any of them. At 80 columns the line wrapped, and its hidden second
        line took "saving…" with it (a tester)."""
        room = self.content_size.width or 10_000
        database = literal(self.database)
        text = self._line(database)
        least = len(self._here(0))  # "· 5 here": others are never left out altogether
        if text.cell_len + least > room:  # the file's name, cut, keeps at least a few cells
            keep = max(8, cell_len(database) - (text.cell_len + least - room))
            text = self._line(fit(database, keep))
        others = self._here(room - text.cell_len)
        if others:
            text.append(others)
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def _line(self, database: str) -> Text:
        text = Text()
        text.append("pdca", style="bold")
        text.append(f" {self.view}", style="bold")
        text.append(" · ")
        text.append(database)
        if self.read_only:
            text.append(" (read-only)", style="bold")
        text.append(" · ")
        text.append(literal(self.login), style="bold")
        if self.alerts:
            # A flag and words, not only colour: it must read in 16 colours and NO_COLOR.
            plural = "s" if self.alerts != 1 else ""
            text.append(f" ⚑ {self.alerts} alert{plural} for you", style="bold reverse")
        if self.saving:
            text.append(" · saving…", style="bold reverse")
        return text

    def _here(self, room: int) -> str:
        """`` · bob, carol +3 here``: as many of the others' names as ``room`` holds (six at
        most), the rest counted; ``· 5 here`` when not one name fits."""
        count = len(self.others)
        for shown in range(min(count, 6), 0, -1):
            names = ", ".join(literal(login) for login in self.others[:shown])
            words = f" · {names}{f' +{count - shown}' if count > shown else ''} here"
            if cell_len(words) <= room:
                return words
        return f" · {count} here" if count else ""
