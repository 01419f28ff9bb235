"""The line at the top: which file, who you are, the alerts waiting for you, changes kept
unsaved, and who else has it open right now."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from pdca.widgets.text import fit, literal


@dataclass(frozen=True)
class _Squeeze:
    """One way to shorten the line: the file's name and the login cut to so many cells
    (None: whole), the others named or counted or left out, the alerts as a number."""

    database: int | None = None
    login: int | None = None
    names: bool = True
    others: bool = True
    short_alerts: bool = False


_SQUEEZES = (  # tried in order until the line fits
    _Squeeze(),
    _Squeeze(database=24),
    _Squeeze(database=24, names=False),
    _Squeeze(database=8, names=False),
    _Squeeze(database=8, names=False, short_alerts=True),
    _Squeeze(database=8, login=8, names=False, short_alerts=True),
    _Squeeze(database=8, login=8, others=False, short_alerts=True),
)


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
    # Changes kept after a refused save, not in the file: said for as long as they are kept
    # (a tester missed the passing note, and thought a kept edit saved).
    kept: reactive[int] = reactive(0)
    # A newer pdca upgraded the file under this app: every view shows the file as it was
    # (only the board and the KPIs have the banner that says so, a reviewer).
    out_of_date: reactive[bool] = reactive(False)

    class AlertsRequested(Message):
        """The person clicked the header while alerts wait for them: show those."""

    def on_click(self, event: events.Click) -> None:
        if self.alerts:
            self.post_message(self.AlertsRequested())

    def render(self) -> Text:
        """One line that fits: the view, who you are, your alerts and a save waiting are
        never pushed off it. When the line is too long, in this order: the file's name is cut
        (to 24 cells at most), the others' names give way to their count, the file's name is
        cut to 8,
        the alerts say only their number, the login is cut to 8, and last the others' count
        goes. At 80 columns the line wrapped, and its hidden second line took "saving…" with
        it; a long login did the same at 60 (testers)."""
        room = self.content_size.width or 10_000
        database, login = literal(self.database), literal(self.login)
        whole = cell_len(database)
        for step in _SQUEEZES:
            login_shown = fit(login, step.login or cell_len(login))
            bare = self._line("", login_shown, short_alerts=step.short_alerts).cell_len
            least = min(whole, step.database or whole)  # the file's name at this step's floor
            here, named = "", False
            if step.others:
                here, named = self._here(room - bare - least, names=step.names)
                if step.names and self.others and not named:
                    continue  # not one name fits yet: the file's name gives way first
            # the file's name takes what the rest leaves, never less than the step's floor
            shown = fit(database, max(least, room - bare - cell_len(here)))
            text = self._line(shown, login_shown, short_alerts=step.short_alerts)
            text.append(here)
            if text.cell_len <= room:
                break
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def _line(self, database: str, login: str, *, short_alerts: bool = False) -> Text:
        text = Text()
        text.append("pdca", style="bold")
        text.append(f" {self.view}", style="bold")
        text.append(" · ")
        text.append(database)
        if self.read_only:
            text.append(" (read-only)", style="bold")
        text.append(" · ")
        text.append(login, style="bold")
        if self.alerts:
            # A flag and words, not only colour: it must read in 16 colours and NO_COLOR.
            plural = "s" if self.alerts != 1 else ""
            words = (
                f" ⚑ {self.alerts}" if short_alerts else f" ⚑ {self.alerts} alert{plural} for you"
            )
            text.append(words, style="bold reverse")
        if self.saving:
            text.append(" · saving…", style="bold reverse")
        if self.kept:
            words = f" ✎ {self.kept}" if short_alerts else f" ✎ {self.kept} not saved"
            text.append(" ·")
            text.append(words, style="bold reverse")
        if self.out_of_date:
            text.append(" ·")
            words = " out of date" if short_alerts else " out of date: quit, start again"
            text.append(words, style="bold reverse")
        return text

    def _here(self, room: int, *, names: bool = True) -> tuple[str, bool]:
        """`` · bob, carol +3 here``: as many of the others' names as ``room`` holds (six at
        most), the rest counted; ``· 5 here`` when not one name fits (or ``names`` is off).
        And whether a name is in it."""
        count = len(self.others)
        for shown in range(min(count, 6) if names else 0, 0, -1):
            logins = ", ".join(literal(login) for login in self.others[:shown])
            words = f" · {logins}{f' +{count - shown}' if count > shown else ''} here"
            if cell_len(words) <= room:
                return words, True
        return (f" · {count} here" if count else ""), False
