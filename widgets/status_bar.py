"""The line at the top: which file, who you are, the alerts waiting for you, and who else has
it open right now."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from pdca.widgets.text import literal


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
        text = Text()
        text.append("pdca", style="bold")
        text.append(f" {self.view}", style="bold")
        text.append(" · ")
        text.append(literal(self.database))
        if self.read_only:
            text.append(" (read-only)", style="bold")
        text.append(" · ")
        text.append(literal(self.login), style="bold")
        if self.alerts:
            # A flag and words, not only colour: it must read in 16 colours and NO_COLOR.
            plural = "s" if self.alerts != 1 else ""
            text.append(f" ⚑ {self.alerts} alert{plural} for you", style="bold reverse")
        if self.others:
            shown = ", ".join(literal(login) for login in self.others[:6])
            more = len(self.others) - 6
            if more > 0:
                shown += f" +{more}"
            text.append(f" · {shown} here")
        if self.saving:
            text.append(" · saving…", style="bold reverse")
        return text


def show_status(screen: Screen[None], view: str) -> None:
    """Fill a new view's status bar as the app fills the board's: file, login, who else."""
    context = getattr(screen.app, "context", None)
    for bar in screen.query(StatusBar):
        bar.view = view
        if context is not None:
            bar.database = context.path.name
            bar.login = context.actor
            bar.read_only = not context.writable
        bar.others = tuple(getattr(screen.app, "others", ()))
