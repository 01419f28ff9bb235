"""The alerts waiting for you (``!``, or a click on the header's "⚑ N alerts for you"): the
KPIs whose open alert waits for this login by the rule of time, ``a`` acknowledges one with a
note, ``enter`` opens its detail, ``esc`` goes back."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Label
from textual.worker import Worker

from pdca.db import alerts, kpis
from pdca.db.errors import PdcaError
from pdca.db.models import Alert, KpiRow
from pdca.db.store import Store
from pdca.screens.context import UNDO_ON_THE_BOARD, context_of, services
from pdca.screens.dialogs.base import THE_APPS_KEYS, Dialog
from pdca.screens.from_thread import land
from pdca.screens.kpis import KpiRowsActions
from pdca.widgets.kpi_table import KpiTable
from pdca.widgets.when import short_time


def waiting_for(rows: list[KpiRow], waiting: list[Alert]) -> list[KpiRow]:
    """One row for each alert in ``waiting`` (those waiting for this login now): its KPI's
    row, holding that alert. A KPI's row shows the one alert most in need of someone, and a
    tester's signal alert waiting for them was missing behind the KPI's threshold alert,
    escalated to someone else, while the header counted it."""
    by_kpi = {row.kpi.id: row for row in rows}
    # The signal's mark (↯) on the signal alert's row only: a KPI's two alerts read as two
    # identical rows (a tester); its threshold alert's row is the plain ⚑.
    return [
        by_kpi[alert.kpi_id].model_copy(
            update={"alert": alert, "signals": by_kpi[alert.kpi_id].signals if alert.rule else []}
        )
        for alert in waiting
        if alert.kpi_id in by_kpi
    ]


HINT = "{ack} acknowledge with a note · enter the KPI's chart · esc back"  # the person's key


class MyAlertsScreen(KpiRowsActions, Dialog[None]):
    """A dialog over the current view: what the header's flag counts, to act on at once."""

    ALERT_PER_KPI = False  # a row per alert waiting for me: that one, as it stands now

    DEFAULT_CSS = """
    MyAlertsScreen {
        & > .dialog--frame { width: 110; }
        & #my-alerts { height: 12; }
        /* on as many lines as it needs: at 80 columns it ended "acknowledge by 2026-11-3",
           the day and "late" gone unmarked (a KPI trial) */
        & #my-alert-said { width: 1fr; height: auto; }
    }
    """

    ACK_KEY_ID = "my-alerts-ack"  # the key its messages name
    BINDINGS = [
        # A list to look at, not a form: esc goes back, as its hint says ("Cancel" read as if
        # something would be undone).
        Binding("escape", "cancel", "Back", id="dialog-cancel"),
        Binding("a", "acknowledge", "Acknowledge", id="my-alerts-ack"),
        UNDO_ON_THE_BOARD,
        *THE_APPS_KEYS,
    ]

    def __init__(self, person: str | None = None) -> None:
        """``person``: whose alerts (the stand-up's "more alerts waiting" of someone); None,
        this login's."""
        super().__init__()
        self.person = person
        # Until the first read comes: "no alert waits for you now" showed for a second over
        # a header that counted 86 (a tester, on a big file), and one might close on it.
        self.table = KpiTable(id="my-alerts", empty="reading…")
        self.asked = 0  # reads asked for: only the newest one's rows are shown

    def _hint(self) -> str:
        return HINT.format(ack=services(self.app).key_named(self.ACK_KEY_ID, "a"))

    def compose(self) -> ComposeResult:
        with self.frame():
            yield self.heading(f"Alerts waiting for {self.whose}")
            yield self.table
            yield Label("", id="my-alert-said", markup=False)
            yield Label(self._hint(), id="my-alerts-hint", classes="dialog--muted")
        yield Footer()  # its own keys: the board's showed under it, and did nothing (a tester)

    def on_mount(self) -> None:
        self.table.focus()
        # Keys typed with ! (! a) are for the alerts it lists: before they came, a was told
        # "no alert waits for you now" over an empty list, and was lost (a tester).
        services(self.app).keys_wait_for_rows(self.reload(), every_key=True)

    @property
    def whose(self) -> str:
        return self.person or context_of(self.app).actor

    def reload(self) -> Worker[None]:
        self.asked += 1
        return self._read(self.asked)

    @work(thread=True, exclusive=True, group="my-alerts-reload")
    def _read(self, asked: int) -> None:
        def read(reader: Store) -> list[KpiRow]:
            waiting = alerts.most_pressing_first(alerts.list_alerts(reader, assignee=self.whose))
            return waiting_for(kpis.kpi_rows(reader), waiting)

        try:
            # Opening too, as every view reads: a file upgraded by a newer pdca under the
            # board refused the open, and ! crashed the app (a tester's upgrade day).
            rows = context_of(self.app).read(read)
        except PdcaError as error:
            land(self, self.notify, str(error), severity="error")
            return
        land(self, self._show, asked, rows)

    def _show(self, asked: int, rows: list[KpiRow]) -> None:
        # Only the newest read: a thread worker that "exclusive" cancelled still ends, and
        # an older read (before the acknowledgement) shown last put the alert just
        # acknowledged back in the list (a tester, on the huge file).
        if asked == self.asked:
            mine = self.whose == context_of(self.app).actor
            self.table.empty = f"no alert waits for {'you' if mine else self.whose} now"
            self.table.show(rows)
            self.say_highlighted()
            # No a or enter offered over an empty list (they did nothing there, a tester).
            self.query_one("#my-alerts-hint", Label).update(self._hint() if rows else "esc back")

    def after_acknowledge(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        # Back from a KPI's detail: an alert acknowledged there had stayed listed here, and
        # `a` on it was refused as acknowledged already (a tester).
        self.reload()

    def on_database_changed(self) -> None:
        self.reload()

    @on(KpiTable.Highlighted)
    def say_highlighted(self) -> None:
        """Which alert the highlighted row is: a KPI's threshold alert and its signal alert
        are two rows of one KPI, alike but for this line (a tester)."""
        row = self.table.current
        alert = row.alert if row is not None else None
        said = ""
        if alert is not None:
            why = alert.rule_text or "threshold breach"
            late = ", late" if alert.overdue else ""
            said = f"alert {alert.id}: {why}; acknowledge by {short_time(alert.ack_due)}{late}"
        self.query_one("#my-alert-said", Label).update(said)

    @on(KpiTable.Selected)
    def open_kpi(self, message: KpiTable.Selected) -> None:
        self.open_highlighted()
