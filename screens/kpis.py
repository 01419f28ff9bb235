"""The KPIs view (key 3): one row per KPI, worst first, with a sparkline of recent readings.

The rows come from one store call (db/kpis.py: one indexed query for the KPIs' recent
readings); the first paint reads a screenful of them in full and the whole list right after,
on a thread; the table draws only the visible lines (widgets/kpi_table.py). ``enter`` opens the
detail with its chart; ``a`` acknowledges the highlighted KPI's alert, with a note.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from pdca.db import alerts, kpis
from pdca.db.errors import DatabaseBroken, DatabaseProblem, PdcaError
from pdca.db.models import Alert, KpiRow
from pdca.db.store import Store
from pdca.screens.context import (
    UNDO_ON_THE_BOARD,
    AppContext,
    KeptAck,
    PaletteEntry,
    context_of,
    services,
    write_banner_widget,
)
from pdca.screens.footer import footer_after_first_paint
from pdca.screens.from_thread import land
from pdca.screens.kpi_reading import RecordsReadings
from pdca.screens.row_view import BACK_TO_BOARD, back_to_board
from pdca.widgets.kpi_table import KpiTable
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import literal, quoted
from pdca.widgets.when import short_time


def refresh_header(screen: Screen) -> None:
    """Ask the app to redraw the header (alerts waiting for me may have changed)."""
    services(screen.app).refresh_status()


class AcknowledgesAlerts:
    """``a`` on a KPI: ask for a note, acknowledge its alert, say why not when it cannot be.

    Shared by the KPIs view and the detail; ``after_acknowledge`` re-reads what they show.
    """

    # A row stands for its KPI (and so for the alert most pressing now), not for one alert.
    ALERT_PER_KPI = True
    # Its key's binding id, named in its messages as the person's keymap has it: the detail's
    # said the list's key, which did nothing there (a retrial)
    ACK_KEY_ID = "kpis-ack"

    def acknowledge_row(self, row: KpiRow) -> None:
        screen: Any = self
        context = context_of(screen.app)
        if not context.writable:
            screen.notify(f"read-only: {context.store.read_only_reason}", severity="warning")
            return
        if context.acknowledging:
            # A second flow would cancel the first, whose note would then be neither saved
            # nor kept (a reviewer): one at a time, as the board's n and c.
            ack = services(screen.app).key_named(screen.ACK_KEY_ID, "a")  # the person's own key
            screen.notify(
                f"your last acknowledgement is still being saved; {ack} again once it is",
                severity="warning",
            )
            return
        try:
            # As it stands now, not as the row was drawn: an a pressed right after an
            # acknowledgement, before the view read again, opened that alert again and its
            # note was refused (a tester). A KPI's row means its most pressing alert now.
            for _alert_id, why, words in context.drop_settled_acks():
                screen.notify(
                    f"not sent, {literal(why)}: {literal(words)}", severity="warning", timeout=12
                )
            alert = row.alert
            if self.ALERT_PER_KPI:
                # The alert a kept note was typed for, while it waits: the most pressing
                # one may be another by now, and the note was never offered again.
                kept = [i for i, k in context.unsent_acks.items() if k.kpi_id == row.kpi.id]
                alert = (
                    alerts.get_alert(context.store, kept[0])
                    if kept
                    else alerts.most_pressing_open(
                        context.store,
                        row.kpi.id,
                        getattr(self, "for_person", None) or context.store.actor,
                        getattr(self, "for_alert", None),  # a stand-up row's own alert
                    )
                )
            elif alert is not None:
                alert = alerts.get_alert(context.store, alert.id)
        except PdcaError as error:
            screen.notify(str(error), severity="error")
            return
        if alert is None:
            screen.notify(f"{literal(row.kpi.name)} has no open alert", severity="warning")
            return
        if alert.closed_at is not None:  # ! lists an alert that closed since it was read
            screen.notify(f"alert {alert.id} on {literal(alert.kpi)} is closed", severity="warning")
            return
        if alert.acknowledged_at is not None:
            screen.notify(
                f"alert {alert.id} was acknowledged by {literal(alert.acknowledged_by)} "
                f"at {short_time(alert.acknowledged_at)}",
                severity="warning",
            )
            return
        screen.ack_flow(row, alert)

    @work(group="flow", exclusive=True)
    async def ack_flow(self, row: KpiRow, alert: Alert) -> None:
        from pdca.screens.dialogs.ack import AckModal

        screen: Any = self
        context = context_of(screen.app)
        kept = context.unsent_acks.get(alert.id)
        draft = kept.note if kept else None
        try:
            beside = alerts.waiting_beside(context.store, alert)
            with_it = alerts.raised_with(context.store, alert)
        except PdcaError:
            beside, with_it = [], []  # said by the write, if it matters
        note = await screen.app.push_screen_wait(
            AckModal(
                alert=alert,
                draft=draft,
                beside=beside,
                with_it=with_it,
                actor=context.store.actor,
            )
        )
        if note is None:  # a kept note stays kept
            return
        context.unsent_acks.pop(alert.id, None)
        context.acknowledging.add(alert.id)
        try:
            done = await context.write(
                lambda writer: alerts.acknowledge_raised_together(
                    writer, alert.id, note, expected_version=alert.version
                ),
                ack_words(alert, note),
            )
        except DatabaseBroken:
            raise  # the app stops on it
        except DatabaseProblem as error:
            # A lock held past the wait, the file gone read-only: kept for the next a, as a
            # check-in is (the note was gone with the form, a tester).
            context.unsent_acks[alert.id] = KeptAck(note, ack_words(alert, note), alert.kpi_id)
            screen.notify(str(error), severity="error", timeout=8)
            ack = services(screen.app).key_named(screen.ACK_KEY_ID, "a")  # the person's own
            services(screen.app).notify_kept(
                f"your acknowledgement of alert {alert.id} is kept: press {ack} on"
                f" {literal(row.kpi.name)} to send it again"
            )
        except alerts.AlertClosed as error:
            if not error.waiting:
                screen.notify(f"{error}; not saved: {ack_words(alert, note)}", severity="error",
                              timeout=12, markup=False)  # fmt: skip
            else:
                # Closed while the note was typed, another of the KPI's waiting: the note is
                # kept for it (it was said and gone, to be typed again, a retrial)
                other = error.waiting[0]
                words = f"acknowledgement of alert {other} on {quoted(alert.kpi)}: {quoted(note)}"
                context.unsent_acks[other] = KeptAck(note, words, alert.kpi_id)
                screen.notify(
                    f"{error}; your note is kept for alert {other}:"
                    f" {services(screen.app).key_named(screen.ACK_KEY_ID, 'a')} sends it",
                    severity="warning",
                    timeout=12,
                    markup=False,
                )
        except PdcaError as error:  # someone was first: say who, keep their note
            screen.notify(f"{error}; not saved: {ack_words(alert, note)}", severity="error",
                          timeout=12, markup=False)  # fmt: skip
        else:
            ack = services(screen.app).key_named(screen.ACK_KEY_ID, "a")
            more = f"; alert {beside[0]} waits too: {ack} again" if beside else ""
            said = alerts.acknowledged_words(done, literal(row.kpi.name))
            if done.alert.assignee != context.store.actor:  # as pdca alerts ack says it
                more += (
                    f"; it waited for {literal(done.alert.assignee)}: acknowledged in their place"
                )
            services(screen.app).withdraw_messages_of_alerts([alert.id, *done.with_it])
            screen.notify(f"acknowledged {said}{more}")
            services(screen.app).kept_may_be_saved()
        finally:
            context.acknowledging.discard(alert.id)
        screen.after_acknowledge()
        refresh_header(screen)


def ack_words(alert: Alert, note: str) -> str:
    """``acknowledgement of alert 2 on 'Lead time': 'looking into it'``: what a refused or
    kept one was, said whole once the app has ended."""
    return f"acknowledgement of alert {alert.id} on {quoted(alert.kpi)}: {quoted(note)}"


class KpiRowsActions(AcknowledgesAlerts, RecordsReadings):
    """What a screen listing KPI rows in ``self.table`` does with the highlighted one: ``a``
    acknowledges its alert, ``enter`` opens its detail (the KPIs view, the alerts for me)."""

    table: KpiTable

    def action_acknowledge(self) -> None:
        row = self.table.current
        if row is None:  # said, not nothing (a tester, on an empty list of alerts)
            self.say_no_row("acknowledge")
        else:
            self.acknowledge_row(row)

    def action_record_reading(self) -> None:
        row = self.table.current
        if row is None:
            self.say_no_row("record a reading of")
        else:
            self.record_reading(row.kpi)

    def say_no_row(self, to: str) -> None:
        screen: Any = self
        screen.notify(f"nothing here to {to}: {self.table.empty}", severity="warning")

    def open_highlighted(self) -> None:
        row = self.table.current
        if row is None:
            self.say_no_row("open")
        else:
            from pdca.screens.kpi_detail import KpiDetailScreen  # plotext only when a chart opens

            screen: Any = self
            screen.app.push_screen(KpiDetailScreen(row.kpi.name))


def _readable_rows(store: Store, first: int | None = None) -> tuple[list[KpiRow], list[str]]:
    """The KPI rows, and what the read left out (a KPI holding a value pdca cannot read)."""
    rows = kpis.kpi_rows(store, first=first)
    left_out = list(store.left_out)
    store.left_out.clear()
    return rows, left_out


PERSPECTIVES_SHOWN = 3  # initiatives named in the "one perspective only" line


class KpisScreen(KpiRowsActions, Screen[None]):
    """Every KPI at a glance; the worst on top."""

    BINDINGS = [
        UNDO_ON_THE_BOARD,
        Binding("a", "acknowledge", "Acknowledge", id="kpis-ack"),
        Binding("r", "record_reading", "Reading", id="kpis-reading"),
        BACK_TO_BOARD,
    ]

    DEFAULT_CSS = """
    /* On $panel, not a tint of $warning: an ANSI theme cannot blend, and the line was yellow
       on yellow (a trial). tui/readable_colours.py makes $text-warning read on $panel. */
    KpisScreen #kpi-warnings { height: auto; max-height: 4; padding: 0 1; color: $text-warning;
                               background: $panel; text-overflow: ellipsis; }
    /* Not docked: docked to the top with the header it covered it (a retrial), as the
       board's once did */
    KpisScreen #read-only {
        height: auto; max-height: 4; background: $panel; color: $text-warning;
        text-style: bold; padding: 0 1;
    }
    """

    def action_back_to_board(self) -> None:
        back_to_board(self)

    def __init__(self) -> None:
        super().__init__()
        self.table = KpiTable(id="kpi-table")

    @property
    def context(self) -> AppContext:
        return context_of(self.app)

    @property
    def store(self) -> Store:
        return self.context.store

    def compose(self) -> ComposeResult:
        bar = StatusBar()
        bar.view = "KPIs"
        yield bar
        yield write_banner_widget(self.store)
        yield Static(id="kpi-warnings")
        yield self.table

    def on_mount(self) -> None:
        footer_after_first_paint(self)
        # First paint straight from the store, but only a screenful of rows with their
        # readings and signals (the rest by status alone, in the right order); the whole list
        # is read on a thread once that is painted, before anyone can scroll to it.
        self.changes_shown = services(self.app).changes_seen
        screenful = max(1, self.app.size.height)
        try:
            rows, left_out = _readable_rows(self.store, first=screenful)
        except DatabaseBroken:
            raise  # the app stops on it
        except PdcaError as error:  # a row changed outside pdca: said, the view stays
            self.notify(str(error), severity="error", timeout=12)
            rows, left_out = [], []
        self.show_rows(rows, left_out=left_out)
        if len(rows) > screenful:
            self.call_after_refresh(self.reload)
        self.table.focus()
        refresh_header(self)

    def on_screen_resume(self) -> None:
        refresh_header(self)
        if self.is_mounted and self.changes_shown != services(self.app).changes_seen:
            self.reload()  # readings or alerts came in while another view was showing

    def show_rows(
        self, rows: list[KpiRow], keep_id: int | None = None, left_out: list[str] | None = None
    ) -> None:
        found = self.query("#kpi-warnings")
        if not found:  # a read that ended after the view was taken down: nothing to show
            return
        self.table.show(rows, keep_id)
        warnings = kpis.perspective_warnings([row.kpi for row in rows])
        box = found.first(Static)
        box.display = bool(warnings or left_out)
        text = Text()
        if left_out:  # KPIs pdca cannot read: not shown, and said so here (in two lines)
            more = len(left_out) - 1
            text.append("⚠ left out: ", style="bold")
            text.append(literal(left_out[0]))
            if more:
                text.append(f" (and {more} more: pdca kpi list names each)", style="bold")
            text.append("\n")
        if warnings:
            # The first few, and how many more: 60 initiatives' filled the box's four lines
            # and stopped mid-list, saying nothing of the rest (a tester, on the huge file).
            text.append("⚠ one perspective only: ", style="bold")
            text.append("; ".join(literal(w) for w in warnings[:PERSPECTIVES_SHOWN]))
            if len(warnings) > PERSPECTIVES_SHOWN:
                text.append(f" (and {len(warnings) - PERSPECTIVES_SHOWN} more)", style="bold")
        text.rstrip()
        box.update(text)

    changes_shown = 0  # the app's ``changes_seen`` when the rows were last read

    def reload(self) -> None:
        self.changes_shown = services(self.app).changes_seen
        current = self.table.current
        self._reload(current.kpi.id if current else None)

    @work(thread=True, exclusive=True, group="kpis-reload")
    def _reload(self, keep_id: int | None) -> None:
        try:
            rows, left_out = self.context.read(_readable_rows)
        except PdcaError as error:
            land(self, self.notify, str(error), severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way: not this one
            land(self, self.show_rows, rows, keep_id, left_out)

    def on_database_changed(self) -> None:
        self.reload()

    # ------------------------------------------------------------------ detail

    @on(KpiTable.Selected)
    def open_kpi(self, message: KpiTable.Selected) -> None:
        self.open_highlighted()

    # ------------------------------------------------------------------ acknowledging

    def after_acknowledge(self) -> None:
        self.reload()

    def after_reading(self) -> None:
        self.reload()

    def palette_commands(self) -> list[PaletteEntry]:
        return [
            PaletteEntry(
                "Open KPI",
                "The chart, thresholds and before/after of the highlighted KPI (enter)",
                self.table.action_select,
            ),
            PaletteEntry(
                "Acknowledge alert",
                "Acknowledge the highlighted KPI's alert with a note",
                self.action_acknowledge,
                "kpis-ack",
            ),
            PaletteEntry(
                "Record reading",
                "Record a reading of the highlighted KPI: a value, when, a note",
                self.action_record_reading,
                "kpis-reading",
            ),
        ]
