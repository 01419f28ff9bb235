"""One KPI in detail: a plotext chart of its readings with baseline, target, thresholds and
benchmark as lines, marks where linked actions entered Do and were done, and for each such
action the mean before against the mean after.

Every line carries its own marker and a legend label, so the chart reads without colour
(16 colours, ``NO_COLOR``). ``a`` acknowledges the KPI's open alert; ``esc`` goes back.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from pdca.db import alerts, kpis, xmr
from pdca.db.clock import local_day
from pdca.db.errors import PdcaError, shell_word
from pdca.db.kpi_rules import (
    change_window_days,
    change_words,
    parse_time,
    target_by_words,
)
from pdca.db.models import KpiDetail, number_problem
from pdca.screens.context import UNDO_ON_THE_BOARD, PaletteEntry, context_of, services
from pdca.screens.footer import PdcaFooter
from pdca.screens.from_thread import land
from pdca.screens.kpi_reading import RecordsReadings
from pdca.screens.kpis import AcknowledgesAlerts, refresh_header
from pdca.widgets.kpi_chart import KpiChart
from pdca.widgets.kpi_table import SIGNAL_MARK, STATUS_MARKS, STATUS_WORDS, number
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import literal
from pdca.widgets.when import short_time

# (label, marker, colour) of each reference line; markers differ so NO_COLOR still tells.
LINES = {
    "baseline": ("·", "gray"),
    "target": ("=", "green"),
    "warn": ("~", "orange"),
    "alert": ("!", "red"),
    "benchmark": ("b", "cyan"),
    "centre": ("-", "white"),
    "limits": (":", "yellow"),
}
# On a light theme's background white is unseen and yellow nearly (a reviewer): darker there.
ON_LIGHT = {"white": "black", "yellow": "blue"}
DO_MARK, DONE_MARK = "»", "✓"


def line_style(name: str, *, dark: bool) -> tuple[str, str]:
    """A reference line's (marker, colour) on a dark or a light theme."""
    marker, colour = LINES[name]
    return marker, colour if dark else ON_LIGHT.get(colour, colour)


RICH_COLOURS = {"gray": "grey50", "orange": "dark_orange"}  # plotext's names Rich lacks
MARKED_ACTIONS = 8  # the newest linked actions marked on the chart
# Readings in a signal: bad side and good side, told apart by shape as well as colour.
SIGNAL_MARKS = {
    True: (SIGNAL_MARK, "red", "signal (worse)"),
    False: ("o", "green", "signal (better)"),
}
POINT_MARKS = {DO_MARK, DONE_MARK, *(mark for mark, _, _ in SIGNAL_MARKS.values())}


class KpiDetailScreen(AcknowledgesAlerts, RecordsReadings, Screen[None]):
    ACK_KEY_ID = "kpi-detail-ack"  # the keys its messages name (a keymap's retrial)
    READING_KEY_ID = "kpi-detail-reading"
    BINDINGS = [
        UNDO_ON_THE_BOARD,
        Binding("escape,backspace", "app.pop_screen", "Back", id="kpi-detail-back"),
        Binding("a", "acknowledge", "Acknowledge", id="kpi-detail-ack"),
        Binding("r", "record_reading", "Reading", id="kpi-detail-reading"),
        # j and k as in every view (a tester's scrolled nothing here: arrows only)
        Binding("j", "scroll_body(1)", "Scroll down", show=False, id="kpi-detail-down"),
        Binding("k", "scroll_body(-1)", "Scroll up", show=False, id="kpi-detail-up"),
    ]

    DEFAULT_CSS = """
    KpiDetailScreen #kpi-facts { height: auto; padding: 0 1; }
    KpiDetailScreen #kpi-body { height: 1fr; }
    KpiDetailScreen #kpi-chart { height: 1fr; min-height: 13; }
    KpiDetailScreen #kpi-legend { height: auto; padding: 0 1; }
    KpiDetailScreen #kpi-changes { height: auto; padding: 0 1; }
    """

    def __init__(
        self, name: str, for_person: str | None = None, alert_id: int | None = None
    ) -> None:
        """``for_person``: opened from a stand-up row of an alert waiting for them: ``a``
        takes theirs (it took the one waiting for someone else, a retrial); ``alert_id``: the
        row's own alert, while it waits for them (of two waiting for bob, ``a`` took the
        other, more pressing one, a retrial)."""
        super().__init__()
        self.kpi_name = name
        self.for_person = for_person
        self.for_alert = alert_id
        self.detail: KpiDetail | None = None
        self.gone = False  # removed since it was opened (said once)
        # What the chart draws, for the legend under it: (marker, colour, label).
        self.legend: list[tuple[str, str, str]] = []
        self.legend_lines = 0  # the most lines the legend took at this width
        self.legend_for: Size | None = None  # the chart's size the legend was worked out at

    def compose(self) -> ComposeResult:
        bar = StatusBar()
        bar.view = "KPI"
        yield bar
        # One scrolled body, focused, opening at its top: its keys reach every linked action
        # (a tester could not reach 172 of 183), and on a short terminal the facts stay in
        # reach. A scrolled box of its own for the actions, focused at the bottom, made the
        # screen open scrolled down to it, the KPI's facts out of reach (a tester, 80x24).
        with VerticalScroll(id="kpi-body"):
            yield Static(id="kpi-facts")
            yield KpiChart(id="kpi-chart")
            yield Static(id="kpi-legend")
            yield Static(id="kpi-changes")
        yield PdcaFooter()

    def on_mount(self) -> None:
        self.load()
        refresh_header(self)

    def load(self) -> None:
        """The first read, before the first paint (the screen opens with its KPI drawn)."""
        try:
            self.show(kpis.kpi_detail(context_of(self.app).store, self.kpi_name))
        except PdcaError as error:
            self.notify(str(error), severity="error")

    @work(thread=True, exclusive=True, group="kpi-detail-reload")
    def reload(self) -> None:
        """A read again, off the UI thread: a year of readings and every linked action took
        a quarter of a second at 100 000 actions, at every change anyone made."""
        name = self.kpi_name
        try:
            detail = context_of(self.app).read(lambda store: kpis.kpi_detail(store, name))
        except PdcaError as error:
            land(self, self.notify, str(error), severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way: not this one
            land(self, self.show, detail)

    def show(self, detail: KpiDetail) -> None:
        self.detail = detail
        self.kpi_name = detail.row.kpi.name
        self.query_one("#kpi-facts", Static).update(
            facts(
                detail,
                self.for_person or context_of(self.app).store.actor,
                self.for_alert,
                services(self.app).key_named(self.ACK_KEY_ID, "a"),  # the person's own key
            )
        )
        self.query_one("#kpi-changes", Static).update(changes(detail, context_of(self.app).clock()))
        self.draw_chart(detail)

    def on_database_changed(self) -> None:
        """Someone wrote: the KPI as it is now, found by its id (renamed meanwhile, by its
        new name); one gone since says so once and the screen keeps what it showed."""
        if self.detail is not None:
            name = context_of(self.app).store.kpi_name_of(self.detail.row.kpi.id)
            if name is None:
                if not self.gone:
                    self.gone = True
                    self.say_gone()
                return
            self.kpi_name = name
        self.reload()

    def after_acknowledge(self) -> None:
        self.reload()

    def after_reading(self) -> None:
        self.reload()

    def action_record_reading(self) -> None:
        self.record_reading(self.detail.row.kpi if self.detail and not self.gone else None)

    def on_screen_resume(self) -> None:
        # Back from what was opened over it (``!`` and an acknowledgement there, this app's
        # own write, which tells no view): read again (a tester's still showed the alert).
        if self.detail is not None:
            self.on_database_changed()

    def say_gone(self) -> None:
        self.notify(
            f"KPI {self.kpi_name!r} is no longer in the file", severity="warning", timeout=8
        )

    def action_scroll_body(self, lines: int) -> None:
        body = self.query_one("#kpi-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    def action_acknowledge(self) -> None:
        if self.gone:  # not "has no open alert": the KPI itself is gone (a tester)
            self.say_gone()
        elif self.detail is not None:
            self.acknowledge_row(self.detail.row)

    def draw_chart(self, detail: KpiDetail) -> None:
        plot = self.query_one("#kpi-chart", KpiChart)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        self.legend = []
        self.legend_for = None
        self.call_after_refresh(self.show_legend)
        kpi = detail.row.kpi
        now = context_of(self.app).clock()
        points = [(days_ago(r.at, now), r.value) for r in detail.readings]
        if not points:
            # Readings come from the command line (cron, CI): say how, as the empty board does.
            plt.title(literal(f"no readings yet: pdca kpi record {shell_word(kpi.name)} VALUE"))
            plot.refresh()
            return
        limits = detail.limits
        if any(number_problem(v) for _, v in points):
            # Values pdca now refuses, kept from an older release: plotext cannot scale them.
            plt.title("readings beyond ±1e15 (from an older pdca): no chart; see pdca kpi show")
            plot.refresh()
            return
        # At least a day wide: one reading alone would make an axis of hundredths of a day.
        left, right = min(min(x for x, _ in points), -1.0), 0.0
        bands: dict[str, float] = {}
        if limits is not None:
            bands = {"centre": limits.centre, "lower": limits.lower, "upper": limits.upper}
        lines = {"baseline": kpi.baseline, "target": kpi.target, "warn": kpi.warn,
                 "alert": kpi.alert, "benchmark": kpi.benchmark}  # fmt: skip
        low, high, off = fit_axis([v for _, v in points], bands, lines)
        dark = self.app.current_theme.dark

        def line(name: str) -> tuple[str, str]:
            return line_style(name, dark=dark)

        for name, value in lines.items():
            if value is None:
                continue
            marker, colour = line(name)
            self.legend.append((marker, colour, f"{name} {number(value)}{off_words(off, name)}"))
            if name not in off:
                plt.plot([left, right], [value, value], marker=marker, color=colour)
        if limits is not None:  # the process's own voice: centre line and natural limits
            # From the baseline's first reading on: a baseline set later drew its limits over
            # the readings before it, which no rule judges by them (a coach saw October's
            # readings below the new lower limit, unmarked).
            first = days_ago(limits.baseline_first, now)
            earlier = any(x < first for x, _ in points)  # readings the limits do not judge
            begin = first if earlier else left
            since = f" from {local_day(limits.baseline_first)}" if earlier else ""
            marker, colour = line("centre")
            centre = f"centre {number(limits.centre)}{since}{off_words(off, 'centre')}"
            self.legend.append((marker, colour, centre))
            if "centre" not in off:
                plt.plot([begin, right], [limits.centre] * 2, marker=marker, color=colour)
            marker, colour = line("limits")
            label = f"limits {number(limits.lower)}..{number(limits.upper)}{since}"
            gone = [band for band in ("lower", "upper") if band in off]
            if gone:
                label += f" ({gone[0] if len(gone) == 1 else 'both'} {OFF_CHART}"
            self.legend.append((marker, colour, label))
            for band in ("upper", "lower"):
                if band not in off:
                    plt.plot([begin, right], [bands[band]] * 2, marker=marker, color=colour)
        labelled = set()
        # Actions as short ticks along the bottom, under the readings (drawn first), the
        # newest few only: full-height columns for dozens of actions hid the newest reading.
        tick = low + (high - low) * 0.08
        for change in detail.changes[-MARKED_ACTIONS:]:
            for when, mark in ((change.entered_do, DO_MARK), (change.done_at, DONE_MARK)):
                if when is None:
                    continue
                x = days_ago(when, now)
                if x < left:
                    continue
                if mark not in labelled:
                    label = "entered Do" if mark == DO_MARK else "done"
                    self.legend.append((mark, "magenta", label))
                    labelled.add(mark)
                plt.plot([x, x], [low, tick], marker=mark, color="magenta")
        # The readings over the reference lines, the signals over the readings.
        for segment in runs(points, gap=1.5 if kpi.cadence == "daily" else 8.0):
            xs, ys = zip(*segment, strict=True)
            plt.plot(list(xs), list(ys), marker="braille", color="blue")
        self.draw_signals(detail, now)
        plt.xticks(*day_ticks(left))
        plt.ylim(low, high)
        plt.yticks(*value_ticks(low, high))
        plt.xlabel("days before today")
        plt.title(literal(f"{kpi.name} ({kpi.unit})"))  # plotext output is read as ANSI
        plot.refresh()

    def draw_signals(self, detail: KpiDetail, now: datetime) -> None:
        """The readings in signals on the worse side (``↯``), over the line."""
        plt = self.query_one("#kpi-chart", KpiChart).plt
        value_at = {r.at: r.value for r in detail.readings}
        # Only the worse side: the better side of an improving KPI would cover the whole line
        # (kpi show lists both).
        for bad in (True,):
            times = sorted({t for s in detail.signals if s.bad == bad for t in s.points})
            shown = [t for t in times if t in value_at]
            if shown:
                marker, colour, label = SIGNAL_MARKS[bad]
                plt.scatter([days_ago(t, now) for t in shown], [value_at[t] for t in shown],
                            marker=marker, color=colour)  # fmt: skip
                self.legend.append((marker, colour, label))

    def on_resize(self) -> None:
        self.legend_lines = 0  # a new width: the legend's lines are laid out again
        self.legend_for = None
        self.call_after_refresh(self.show_legend)

    @on(KpiChart.Painted)
    def legend_at_the_charts_size(self, message: KpiChart.Painted) -> None:
        # Settles: at one width the legend only grows (``show_legend``), so the chart only
        # shrinks, a line at a time, until the legend's lines stop growing.
        if message.size != self.legend_for:
            self.show_legend()

    def show_legend(self) -> None:
        """The legend under the chart (inside it, it covered the plot's top left), each line
        with its marker; a line another one covers at this size is said to be hidden.

        What is hidden depends on the chart's height, and the chart's on the legend's: a
        legend that took a second line for a "(covered)" made the chart a row shorter, where
        that line showed again (a new user's chart after a resize). So the legend never
        gets shorter at one width: the chart settles at the shorter height."""
        plot = self.query_one("#kpi-chart", KpiChart)
        shown = canvas_marks(plot) if self.legend else set()
        box = self.query_one("#kpi-legend", Static)
        text = self._legend_text(shown)
        box.update(text)
        width = box.content_region.width
        if width > 0:  # laid out
            self.legend_for = plot.size
            self.legend_lines = max(self.legend_lines, len(text.wrap(self.app.console, width)))
            box.styles.min_height = self.legend_lines

    def _legend_text(self, shown: set[str]) -> Text:
        """The legend, a line whose marker is not in ``shown`` said to be hidden."""
        text = Text()
        for marker, colour, label in self.legend:
            if text:
                text.append("  ")
            style = RICH_COLOURS.get(colour, colour)
            text.append(marker if marker in POINT_MARKS else marker * 2, style=style)
            text.append(f" {label}")
            if marker not in shown and not label.endswith(OFF_CHART):
                text.append(" (covered)", style="dim")
        return text

    def palette_commands(self) -> list[PaletteEntry]:
        return [
            PaletteEntry(
                "Acknowledge alert",
                "Acknowledge this KPI's alert with a note",
                self.action_acknowledge,
                "kpi-detail-ack",
            ),
            PaletteEntry(
                "Record reading",
                "Record a reading of this KPI: a value, when, a note",
                self.action_record_reading,
                "kpi-detail-reading",
            ),
            PaletteEntry(
                "Back to KPIs", "Leave the detail", self.app.pop_screen, "kpi-detail-back"
            ),
        ]


ANSI = re.compile(r"\x1b\[[0-9;]*m")
DAY_STEPS = (1, 2, 5, 7, 14, 30, 60, 91, 182, 365, 730)


def canvas_marks(plot: KpiChart) -> set[str]:
    """The characters drawn inside the chart's frame at the plot's size (not the title, the
    axes or their labels)."""
    width, height = plot.size.width, plot.size.height
    if width <= 0 or height <= 0:
        return set()
    plot.plt.plotsize(width, height)
    plot.plt._set_size(width, height)  # as PlotextPlot.render does: plotsize alone lags
    marks: set[str] = set()
    for line in ANSI.sub("", plot.plt.build()).splitlines():
        edges = [at for at in (line.find("┤"), line.find("│")) if at >= 0]
        end = line.rfind("│")
        start = min(edges, default=-1)
        if 0 <= start < end:
            marks.update(line[start + 1 : end])
    return marks


OFF_CHART = "off chart)"  # how a legend label ends when its line is not drawn
NEAR = 0.5  # a line this many spans of the data beyond it still widens the axis to show it


def fit_axis(
    readings: list[float], bands: dict[str, float], lines: dict[str, float | None]
) -> tuple[float, float, dict[str, str]]:
    """The value axis: the readings and the process limits (``bands``), widened for a line
    (target, thresholds...) close to them. Lines far off, and limits beyond what a chart can
    scale (±1e15), are left out so they do not squash the readings: ``off`` names each with
    where it is ("above"/"below"), for the legend."""
    off: dict[str, str] = {}
    core = list(readings)
    for name, value in bands.items():
        if number_problem(value):
            off[name] = "above" if value > 0 else "below"
        else:
            core.append(value)
    low, high = min(core), max(core)
    if low == high:
        # One reading, or a flat run: nothing to squash, so the lines set the scale (a lone
        # reading of 9 h showed on an axis of 8.5..9.5 with baseline 10 and target 5 "off").
        sane = [v for v in lines.values() if v is not None and not number_problem(v)]
        low, high = min([low, *sane]), max([high, *sane])
    span = high - low or max(abs(high) * 0.1, 1.0)
    reach_low, reach_high = low - NEAR * span, high + NEAR * span
    for name, line in lines.items():
        if line is None:
            continue
        if line > reach_high or line < reach_low or number_problem(line):
            off[name] = "above" if line > high else "below"
        else:
            low, high = min(low, line), max(high, line)
    if low == high:
        low, high = low - span / 2, high + span / 2
    return low, high, off


def off_words(off: dict[str, str], name: str) -> str:
    return f" ({off[name]}, {OFF_CHART}" if name in off else ""


def day_ticks(left: float) -> tuple[list[float], list[str]]:
    """Whole days back from today (0) to ``left`` (negative), at most five steps."""
    span = -left
    step = next((s for s in DAY_STEPS if span / s <= 5), DAY_STEPS[-1])
    ticks = [-float(step * k) for k in range(int(span // step) + 1)]
    return ticks[::-1], [str(int(t)) if t else "0" for t in ticks[::-1]]


MORE_TICK_DIGITS = 4  # a range of 200 at 1.5M reads 1.50005M; past that, ticks may repeat


def value_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], list[str]]:
    """Round values (1, 2, 2.5 or 5 times a power of ten apart, about ``count`` of them)
    from ``low`` to ``high``, labelled as the KPI table writes numbers (``1e+15``, never
    ``833333333333333.2``). Round, so each label is the value of its row: evenly spread
    ticks were labelled rounded (15 for 15.4), and the alert line at 16 sat on the row
    labelled 15 (a new user)."""
    if high <= low:
        return [low], [number(low)]
    raw = (high - low) / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = min((power * m for m in (1, 2, 2.5, 5, 10)), key=lambda s: abs(math.log(s / raw)))
    first = math.ceil(low / step - 1e-9)
    ticks = [(first + k) * step for k in range(int((high - low) / step + 1e-9) + 2)]
    ticks = [t for t in ticks if t <= high + step * 1e-9]
    widest = max(ticks, key=abs)
    for extra in range(MORE_TICK_DIGITS + 1):  # as few digits as tell the ticks apart
        labels = [number(t, extra, scale_of=widest) for t in ticks]
        if len(set(labels)) == len(labels):
            break
    return ticks, labels


def days_ago(moment: str, now: datetime) -> float:
    return -round((now - parse_time(moment)).total_seconds() / 86_400, 2)


def runs(points: list[tuple[float, float]], gap: float) -> list[list[tuple[float, float]]]:
    """Split the series where a measurement is missing, so the chart shows the gap."""
    found: list[list[tuple[float, float]]] = []
    for point in points:
        if found and point[0] - found[-1][-1][0] <= gap:
            found[-1].append(point)
        else:
            found.append([point])
    return found


def taken_by_a(detail: KpiDetail, person: str | None, alert_id: int | None = None) -> int | None:
    """The alert ``a`` acknowledges (``alerts.most_pressing_open``, from what was read):
    ``alert_id`` while it waits for ``person``, else the most pressing one waiting for them,
    else the most pressing open one."""
    open_ones = [a for a in detail.alerts if not a.closed_at]
    chosen = alerts.first_to_act_on(open_ones, person, prefer=alert_id)
    return None if chosen is None else chosen.id


def facts(
    detail: KpiDetail, person: str | None = None, alert_id: int | None = None, ack: str = "a"
) -> Text:
    row, kpi = detail.row, detail.row.kpi
    taken = taken_by_a(detail, person, alert_id)
    text = Text()
    text.append(f"{STATUS_MARKS[row.status]} {STATUS_WORDS[row.status]}  ", style="bold")
    if row.measurement_overdue and row.status != "overdue":
        # its cadence missed beside a state that outranks it, as its row in the list says
        # (the header said "alert" alone where pdca kpi list said "alert, overdue", a newcomer)
        overdue = f"{STATUS_MARKS['overdue']} {STATUS_WORDS['overdue']}  "
        text.append(overdue, style="bold")
    text.append(literal(kpi.name), style="bold")
    latest = "-" if kpi.latest_value is None else f"{number(kpi.latest_value)} {kpi.unit}"
    target = f"{number(kpi.target)} {kpi.unit}"  # in its unit, as the latest beside it
    text.append(f"  latest {literal(latest)}  target {literal(target)}")
    text.append(target_by_words(kpi.target_date, row.target_missed, kpi.latest_value))
    better = "lower" if kpi.direction == "down" else "higher"
    text.append(f" ({better} is better)  {kpi.cadence}  {literal(kpi.perspective)}\n")
    path = ", ".join(literal(p) for p in kpi.escalation) or "nobody"
    text.append(f"owner {literal(kpi.owner) or '-'}, escalates to {path}")
    if kpi.benchmark is not None:
        source = f" ({literal(kpi.benchmark_source)})" if kpi.benchmark_source else ""
        text.append(f"  benchmark {number(kpi.benchmark)}{source}")
    limits = detail.limits
    text.append("\n")
    if limits is None:
        text.append("process limits: too few baseline readings yet", style="dim")
    else:
        text.append(
            f"centre {number(limits.centre)}  limits {number(limits.lower)}.."
            f"{number(limits.upper)} (: on the chart, from {limits.baseline_count} readings)"
        )
        now = xmr.listed([s.rule for s in row.signals])
        if now:
            text.append(f"  {SIGNAL_MARK} signal: {now}", style="bold")
    alert = row.alert
    if alert is not None:
        text.append("\n")
        if alert.acknowledged_at is None:
            late = "  OVERDUE" if alert.overdue else ""
            rule = f" ({literal(alert.rule_text)})" if alert.rule_text else ""
            takes = f"  ({ack} acknowledges)" if taken in (None, alert.id) else ""
            text.append(
                f"⚑ alert {alert.id}{rule}: waiting for {literal(alert.assignee)} to "
                f"acknowledge by {short_time(alert.ack_due)}{late}{takes}",
                style="bold",
            )
        else:
            text.append(
                f"alert {alert.id} acknowledged by {literal(alert.acknowledged_by)}: "
                + literal(alert.ack_note or "")
            )
    # The KPI's other open alerts, waiting too (a threshold breach and a signal at once): a
    # tester saw only one, and the other, escalated and late, nowhere on the KPI's screens.
    # (the reading of the one a takes, while it waits: its other alerts go with it)
    taken_reading = next(
        (a.reading_id for a in detail.alerts if a.id == taken and not a.acknowledged_at), None
    )
    for other in detail.alerts:
        if other.closed_at or (alert and other.id == alert.id):
            continue
        rule = f" ({literal(other.rule_text)})" if other.rule_text else " (threshold)"
        if other.acknowledged_at:  # still open: said too, or it seemed never raised
            by = literal(other.acknowledged_by)
            text.append(f"\n  also alert {other.id}{rule}: acknowledged by {by}")
            continue
        late = "  OVERDUE" if other.overdue else ""
        # a takes the KPI's most pressing alert as it stands (or the one waiting for whom
        # the screen was opened for): this one, after the first, or this one now; one of the
        # same reading goes with it ("once the one above is acknowledged" asked for a
        # second a that one a had made needless: a KPI trial)
        takes = (
            f"{ack} acknowledges"
            if other.id == taken
            else f"acknowledged with alert {taken}: one reading's"
            if other.reading_id is not None and other.reading_id == taken_reading
            else f"{ack}, once the one above is acknowledged"
            if taken == (alert.id if alert else None)
            else f"{ack}, in its turn"
        )
        text.append(
            f"\n  also alert {other.id}{rule}: waiting for {literal(other.assignee)} by"
            f" {short_time(other.ack_due)}{late}  ({takes})"
        )
    return text


def changes(detail: KpiDetail, now: datetime) -> Text:
    """The linked actions that entered Do, the latest to do so first; their count leads."""
    count = f" ({len(detail.changes)}, the latest first)" if len(detail.changes) > 1 else ""
    text = Text(
        f"Linked actions{count}: mean of the {change_window_days(detail.row.kpi.cadence)}"
        " days before Do against"
        f" after done   {DO_MARK} entered Do  {DONE_MARK} done\n",
        style="bold",
    )
    if not detail.changes:
        text.append("none has entered Do yet", style="dim")
    for c in sorted(detail.changes, key=lambda c: (c.entered_do, c.action_id), reverse=True):
        before = "-" if c.before_mean is None else number(c.before_mean)
        after = (
            "not done"
            if c.done_at is None
            else "-"
            if c.after_mean is None
            else number(c.after_mean)
        )
        text.append(f"#{c.action_id} ")
        text.append(literal(c.title))
        text.append(f": {before} → {after}")
        said = change_words(c, c.done_at, now)
        if c.delta is not None:
            text.append(f" ({c.delta:+.3g}, {said})")
        elif c.done_at is not None:  # "- → 13.5" alone told nothing of why (a new lead)
            text.append(f" ({said})")
        text.append("\n")
    return text
