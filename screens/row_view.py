"""What the owners, log and stand-up views share: a status bar, a ``RowList``, and reading the
store when they open, when they come back, and when someone changed the file."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding
from textual.screen import Screen

from pdca.screens.context import AppContext, context_of, services, show_status
from pdca.screens.footer import footer_after_first_paint, hold_footer_row
from pdca.widgets.line_list import point_the_terminal_cursor_of
from pdca.widgets.row_list import RowList

# esc in a view with nothing of its own to undo goes back to the board, as esc steps back
# everywhere else: at 80 columns the footer had no room for "1 Board", and esc did nothing
# (a tester found no way back on the screen).
BACK_TO_BOARD = Binding("escape", "back_to_board", "Back", id="view-back")


def back_to_board(screen: Screen[None]) -> None:
    screen.app.switch_mode("board")  # the switch is scheduled; nothing here waits for it


class RowView(Screen[None]):
    """Subclasses name their ``VIEW`` and read the store in ``load`` (``reload`` when they
    come back or the file changed, if that should keep more than ``load`` does)."""

    BINDINGS = [BACK_TO_BOARD]

    def action_back_to_board(self) -> None:
        back_to_board(self)

    VIEW: ClassVar[str] = ""
    # False: the view mounts its footer itself, once what it reads on a thread is shown (the
    # footer's keys, mounted beside that read, slowed it by as much as they cost).
    FOOTER_AFTER_FIRST_PAINT: ClassVar[bool] = True
    _read_at_changes: int | None = None  # the app's ``changes_seen`` at the last read
    # Textual resumes a new view twice straight after mounting it (``switch_mode``): the
    # mount's read is enough. A resume reads again after the view was away (another view,
    # a dialog over it): told by that, not by time (half a second read twice under load).
    _away = False

    @property
    def context(self) -> AppContext:
        return context_of(self.app)

    def on_mount(self) -> None:
        if self.FOOTER_AFTER_FIRST_PAINT:
            footer_after_first_paint(self)
        else:  # its row held: put in later, it laid the whole view out again (a reviewer)
            hold_footer_row(self)
        show_status(self, self.VIEW)
        self._read(self.load)
        self.query_one(RowList).focus()
        # The alerts waiting for me (the header's flag), as the board and KPIs show it.
        self.call_after_refresh(services(self.app).refresh_status)

    def on_screen_resume(self) -> None:
        services(self.app).refresh_status()
        point_the_terminal_cursor_of(self)
        away, self._away = self._away, False
        if away or self._read_at_changes != self._changes_seen():
            self._read(self.reload)

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_database_changed(self) -> None:
        self._read(self.reload)

    def load(self) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        self.load()

    def _changes_seen(self) -> int:
        return services(self.app).changes_seen

    def _read(self, read: Callable[[], None]) -> None:
        changes = self._changes_seen()
        read()
        self._read_at_changes = changes
