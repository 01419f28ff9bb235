"""The cycle report as one self-contained HTML file (``pdca report --format html``).

No network, no JavaScript: inline CSS and inline SVG charts, so a browser or a mail client
shows it as it is. Every piece of user text goes through ``esc`` (``html.escape``, quotes
too), in the page and inside the SVG alike: a title such as ``<script>`` or ``]]>`` is shown,
never run or parsed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from pdca.db.clock import local_day
from pdca.db.dates import minute_utc
from pdca.db.flow_models import Flow
from pdca.db.flow_rules import TREND_WORDS as CYCLE_TRENDS
from pdca.db.flow_rules import count_bars, number, percent, rounds_words
from pdca.db.kpi_rules import parse_time, target_by_words
from pdca.db.models import Action, Kpi, shown_number
from pdca.db.report import ChartLimits, ChartMarker, ChartSignal, Report, ReportKpi
from pdca.db.text_rules import UNSAFE, escape
from pdca.tui.report_md import (
    FOLLOWUP_ORDER,
    GROUP_ORDER,
    KPI_ORDER,
    MARKS_LISTED,
    PHASE_TITLES,
    audit_result,
    decision_words,
    followup_words,
    group_heading,
    grouped,
    late_words,
    more,
    rounds_done,
    status_of,
    trend_words,
)
from pdca.widgets.sparkline import sparkline

WIDTH, HEIGHT = 640, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 58, 150, 12, 22
LABEL_GAP = 12  # px between two right-hand labels' baselines (11px text)
CHAR_W = 6.2  # px: a generous average width of an 11px sans-serif character
MARK_CHAR_W = 5.8  # the same at 10px, for the action marks along the top
MARK_ROWS = 2  # rows of action-mark labels along the top before they become bare ticks


def esc(text: str | None) -> str:
    """User text for HTML: controls shown as escapes (as everywhere), then entity-escaped."""
    return html.escape(escape(text or "", UNSAFE), quote=True)


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return shown_number(value) + (f" {esc(unit)}" if unit else "")


def short(value: float) -> str:
    """A number for a chart's label: ``:g``, or three significant digits with a compact
    exponent when that is long (5.2668e+15 -> 5.27e15), so it stays inside the chart."""
    shown = f"{value:g}"
    if len(shown) <= 8 and "e" not in shown:
        return shown
    shown = f"{value:.3g}"
    if "e" in shown:
        mantissa, exponent = shown.split("e")
        shown = f"{mantissa}e{int(exponent)}"
    return shown


def merged_labels(lines: Sequence[tuple[str, float, str, str]]) -> list[tuple[str, float, str]]:
    """The right-hand labels, one per shown value: lines whose values read the same share one
    ("centre = baseline 10"; both natural limits on one value are "limits")."""
    by_text: dict[str, list[tuple[str, float, str]]] = {}
    for label, value, css, _ in lines:
        by_text.setdefault(short(value), []).append((label, value, css))
    merged = []
    for text, same in by_text.items():
        names = [name for name, _, _ in same]
        if "UNPL" in names and "LNPL" in names:
            names = [n for n in names if n != "LNPL"]
            names[names.index("UNPL")] = "limits"
        merged.append((f"{' = '.join(names)} {text}", same[0][1], same[0][2]))
    return merged


def spread(wanted: Sequence[float], gap: float, top: float, bottom: float) -> list[float]:
    """Label positions as near ``wanted`` (sorted, top down) as can be with ``gap`` between
    neighbours, all within ``top``..``bottom`` when they fit: pushed down, then back up."""
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, top, placed[-1] + gap if placed else top))
    for i in range(len(placed) - 1, -1, -1):
        limit = bottom if i == len(placed) - 1 else placed[i + 1] - gap
        placed[i] = min(placed[i], limit)
    return placed


def mark_rows(xs: Sequence[float], widths: Sequence[float], right: float) -> list[int] | None:
    """A row (0, 1, ...) for each action mark's label so none overlaps another or passes
    ``right``; None when ``MARK_ROWS`` rows are not enough (then they are bare ticks)."""
    ends = [float("-inf")] * MARK_ROWS
    rows = []
    for x, width in zip(xs, widths, strict=True):
        if x + width > right:
            return None
        row = next((r for r in range(MARK_ROWS) if ends[r] + 3 <= x), None)
        if row is None:
            return None
        ends[row] = x + width
        rows.append(row)
    return rows


def chart_start(readings: Sequence[tuple[str, float]], now: datetime, days: int = 365) -> datetime:
    """A chart's first day: its first reading of the period (a new KPI's chart is not a year
    of empty space), at least a week back."""
    start = now - timedelta(days=days)
    if readings:
        start = max(start, min(parse_time(readings[0][0]), now - timedelta(days=7)))
    return start


def x_of(start: datetime, now: datetime) -> Callable[[datetime], float]:
    """Where a moment falls across a chart from ``start`` to ``now``."""
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT

    def x(moment: datetime) -> float:
        return PAD_LEFT + inner_w * max(0.0, min(1.0, (moment - start) / (now - start)))

    return x


def svg_chart(
    readings: Sequence[tuple[str, float]],
    kpi: Kpi,
    now: datetime,
    *,
    days: int = 365,
    markers: Sequence[ChartMarker] = (),
    limits: ChartLimits | None = None,
    signals: Sequence[ChartSignal] = (),
) -> str:
    """A KPI's readings of the last ``days`` as an inline SVG line chart, with baseline,
    target, warn, alert and benchmark as labelled horizontal lines. ``limits`` (centre line
    and natural process limits) and ``signals`` (flagged readings, each with the rule that
    flagged it) are the XmR seam: drawn when given, absent until then."""
    points = [(parse_time(at), v) for at, v in readings]
    start = chart_start(readings, now, days)
    lines: list[tuple[str, float, str, str]] = [  # (label, value, css class, dash)
        ("baseline", kpi.baseline, "ref-baseline", "4 3"),
        ("target", kpi.target, "ref-target", ""),
    ]
    if kpi.warn is not None:
        lines.append(("warn", kpi.warn, "ref-warn", "6 3"))
    if kpi.alert is not None:
        lines.append(("alert", kpi.alert, "ref-alert", ""))
    if kpi.benchmark is not None:
        lines.append(("benchmark", kpi.benchmark, "ref-benchmark", "2 3"))
    if limits is not None:
        lines += [
            ("centre", limits.centre, "ref-centre", ""),
            ("UNPL", limits.upper, "ref-limit", "8 4"),
            ("LNPL", limits.lower, "ref-limit", "8 4"),
        ]
    values = [v for _, v in points] + [value for _, value, _, _ in lines]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.05
    low, high = low - margin, high + margin
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    x = x_of(start, now)

    def y(value: float) -> float:
        return PAD_TOP + inner_h * (high - value) / (high - low)

    name = esc(kpi.name)
    # The person's own days, as the readings' cells and the due dates are (a lead's weeks)
    first_day, last_day = (moment.astimezone().date().isoformat() for moment in (start, now))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{name}: readings from'
        f' {first_day} to {last_day}">',
        f"<title>{name}</title>",
        f'<rect class="frame" x="{PAD_LEFT}" y="{PAD_TOP}" width="{inner_w}" height="{inner_h}"/>',
    ]
    for label, value, css, dash in lines:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line class="{css}" x1="{PAD_LEFT}" x2="{PAD_LEFT + inner_w}" y1="{y(value):.1f}"'
            f' y2="{y(value):.1f}"{dashes}><title>{label} {short(value)}</title></line>'
        )
    # Right-hand labels: equal values share one, the rest are nudged apart (a leader line
    # goes back to the label's own line when it moved), and all end inside the chart.
    labels = sorted(merged_labels(lines), key=lambda item: y(item[1]))
    places = spread([y(v) + 4 for _, v, _ in labels], LABEL_GAP, 10.0, HEIGHT - 2.0)
    right = PAD_LEFT + inner_w
    for (text, value, css), at in zip(labels, places, strict=True):
        if abs(at - (y(value) + 4)) > 0.5:
            out.append(
                f'<line class="leader" x1="{right}" x2="{right + 4}" y1="{y(value):.1f}"'
                f' y2="{at - 4:.1f}"/>'
            )
        anchor = ' text-anchor="end"' if len(text) * CHAR_W > PAD_RIGHT - 6 else ""
        where = WIDTH - 2 if anchor else right + 6
        out.append(f'<text class="label {css}" x="{where}" y="{at:.1f}"{anchor}>{text}</text>')
    out += _marks(markers, start, x, inner_h)
    if points:
        path = " ".join(f"{x(at):.1f},{y(v):.1f}" for at, v in points)
        out.append(f'<polyline class="readings" points="{path}"/>')
        last_at, last = points[-1]
        out.append(
            f'<circle class="latest" cx="{x(last_at):.1f}" cy="{y(last):.1f}" r="3">'
            f"<title>latest {last:g} at {last_at.astimezone().date().isoformat()}</title></circle>"
        )
    else:
        out.append(
            f'<text class="empty" x="{PAD_LEFT + inner_w / 2}" y="{PAD_TOP + inner_h / 2}"'
            ' text-anchor="middle">no readings in this period</text>'
        )
    # One ring per reading, however many rules flag it; its title names them all.
    flagged: dict[str, list[ChartSignal]] = {}
    for signal in signals:
        flagged.setdefault(signal.at, []).append(signal)
    for flagged_at, marks in flagged.items():
        rules = "; ".join(dict.fromkeys(m.rule for m in marks))
        out.append(
            f'<circle class="signal" cx="{x(parse_time(flagged_at)):.1f}"'
            f' cy="{y(marks[0].value):.1f}" r="4"><title>{esc(rules)}</title></circle>'
        )
    out += [
        f'<text class="axis" x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" text-anchor="end">'
        f"{short(float(f'{high:.3g}'))}</text>",
        f'<text class="axis" x="{PAD_LEFT - 4}" y="{PAD_TOP + inner_h}" text-anchor="end">'
        f"{short(float(f'{low:.3g}'))}</text>",
        f'<text class="axis" x="{PAD_LEFT}" y="{HEIGHT - 6}">{first_day}</text>',
        f'<text class="axis" x="{PAD_LEFT + inner_w}" y="{HEIGHT - 6}" text-anchor="end">'
        f"{last_day}</text>",
        "</svg>",
    ]
    return "\n".join(out)


def shown_marks(markers: Sequence[ChartMarker], start: datetime) -> list[ChartMarker]:
    """The action marks within the chart (from its first day)."""
    return [m for m in markers if parse_time(m.at) >= start]


def _marks(
    markers: Sequence[ChartMarker], start: datetime, x: Callable[[datetime], float], inner_h: int
) -> list[str]:
    """The linked actions' marks: a dotted line each, labelled along the top in up to
    ``MARK_ROWS`` rows when the labels fit apart; else bare ticks (``»`` entering Do, ``✓``
    done and ``✗`` abandoned drawn apart) and the page lists them under the chart
    (``marks_list``)."""
    shown = shown_marks(markers, start)
    if not shown:
        return []
    xs = [x(parse_time(m.at)) for m in shown]
    widths = [len(m.label) * MARK_CHAR_W + 2 for m in shown]
    rows = mark_rows(xs, widths, PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT))
    bottom = PAD_TOP + inner_h
    if rows is None:  # one path per kind: a year of a busy KPI's marks stays small
        out = []
        for kind, css in (("»", "marker"), ("✓", "marker marker-done"), ("✗", "marker")):
            ticks = sorted(
                {f"{at:.1f}" for m, at in zip(shown, xs, strict=True) if m.label.startswith(kind)}
            )
            if ticks:
                path = " ".join(f"M{at} {PAD_TOP}V{bottom}" for at in ticks)
                out.append(f'<path class="{css}" d="{path}" stroke-dasharray="2 2"/>')
        return out
    out = []
    for marker, at, row in zip(shown, xs, rows, strict=True):
        out.append(
            f'<line class="marker" x1="{at:.1f}" x2="{at:.1f}" y1="{PAD_TOP}"'
            f' y2="{bottom}" stroke-dasharray="2 2"/>'
        )
        out.append(
            f'<text class="marker" x="{at + 2:.1f}" y="{PAD_TOP + 10 + 11 * row}">'
            f"{esc(marker.label)}</text>"
        )
    return out


def marks_list(
    markers: Sequence[ChartMarker], start: datetime, x_of: Callable[[datetime], float]
) -> str:
    """Under a chart whose marks are bare ticks: the latest ``MARKS_LISTED`` of them in
    words, and how many earlier; "" when the chart labels them itself."""
    shown = shown_marks(markers, start)
    xs = [x_of(parse_time(m.at)) for m in shown]
    widths = [len(m.label) * MARK_CHAR_W + 2 for m in shown]
    if not shown or mark_rows(xs, widths, WIDTH - PAD_RIGHT) is not None:
        return ""
    latest = shown[-MARKS_LISTED:]
    words = ", ".join(f"{esc(m.label)} {esc(local_day(m.at))}" for m in reversed(latest))
    earlier = len(shown) - len(latest)
    more = f", and {grouped(earlier)} earlier" if earlier else ""
    return (
        '<p class="marks muted">Linked actions (» entered Do, ✓ done, ✗ abandoned), latest'
        f" first: {words}{more}.</p>"
    )


STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430;
       max-width: 980px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { border-bottom: 2px solid #d8dee8;
     padding-bottom: 0.2em; margin-top: 1.6em; } h3 { margin-bottom: 0.3em; }
.meta { color: #5b6575; } .muted { color: #5b6575; }
table { border-collapse: collapse; margin: 0.5em 0; } th, td { padding: 0.2em 0.7em;
        border-bottom: 1px solid #e3e7ee; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.kpi { margin: 1em 0 1.5em; } .status { font-weight: bold; }
.status-alert { color: #b42318; } .status-warn { color: #b54708; }
.status-on-target { color: #067647; } .late { color: #b42318; font-weight: bold; }
.spark { font-family: ui-monospace, monospace; letter-spacing: -1px; }
.chart { max-width: 100%; height: auto; }
.chart .frame { fill: #fafbfc; stroke: #d8dee8; }
.chart .readings { fill: none; stroke: #1f4e99; stroke-width: 1.5; }
.chart .latest { fill: #1f4e99; } .chart .signal { fill: none; stroke: #b42318; stroke-width: 2; }
.chart line { stroke-width: 1.2; } .chart .label, .chart .axis, .chart .empty { font-size: 11px;
        fill: #5b6575; }
.chart .ref-baseline { stroke: #667085; } .chart .ref-target { stroke: #067647; }
.chart .ref-warn { stroke: #dc6803; } .chart .ref-alert { stroke: #b42318; }
.chart .ref-benchmark { stroke: #6941c6; } .chart .ref-centre { stroke: #344054; }
.chart .ref-limit { stroke: #344054; } .chart line.marker { stroke: #98a2b3; }
.chart text.marker { font-size: 10px; fill: #475467; } .chart path.marker { stroke: #98a2b3;
        fill: none; } .chart path.marker-done { stroke: #067647; }
.chart line.leader { stroke: #98a2b3; stroke-width: 0.8; } .marks { font-size: 0.9em; }
.chart text.ref-target { fill: #067647; } .chart text.ref-alert { fill: #b42318; }
.chart text.ref-warn { fill: #b54708; } .chart text.ref-benchmark { fill: #6941c6; }
"""


def _kpi(item: ReportKpi, now: datetime) -> str:
    kpi = item.row.kpi
    status, words = status_of(item.row, item.other_alerts)
    facts = [
        f'<span class="status status-{esc(status)}">{esc(words)}</span>',
        f"latest {fmt(kpi.latest_value, kpi.unit)}",
        f"trend {esc(trend_words(item.row))}",
        f"{'lower' if kpi.direction == 'down' else 'higher'} is better",
        esc(kpi.perspective),
    ]
    if kpi.owner:
        facts.append(f"owner {esc(kpi.owner)}")
    if kpi.target_date:
        by = target_by_words(kpi.target_date, item.row.target_missed, kpi.latest_value)
        facts.append(f"target{esc(by)}")
    bench = ""
    if kpi.benchmark is not None:
        source = f" ({esc(kpi.benchmark_source)})" if kpi.benchmark_source else ""
        bench = f"; benchmark {fmt(kpi.benchmark, kpi.unit)}{source}"
    chart = svg_chart(
        item.readings, kpi, now, markers=item.markers, limits=item.limits, signals=item.signals
    )
    if item.better_signals:  # the chart rings the worse side's alone: the better's in words
        from pdca.tui.report_md import signal_rules

        chart += f"\n<p>Signals for the better: {esc(signal_rules(item.better_signals))}</p>"
    start = chart_start(item.readings, now)
    listed = marks_list(item.markers, start, x_of(start, now))
    from pdca.tui.report_md import moved_here_words

    moved = f"<p><em>{esc(moved_here_words(kpi.initiative))}</em></p>\n" if item.moved_here else ""
    return (
        f'<section class="kpi"><h3>{esc(kpi.name)}</h3>\n<p>{" · ".join(facts)}</p>\n{moved}'
        f"<p>Baseline {fmt(kpi.baseline, kpi.unit)} → target {fmt(kpi.target, kpi.unit)}"
        f"{bench}</p>\n{chart}\n{listed + chr(10) if listed else ''}{_changes(item)}</section>"
    )


def _changes(item: ReportKpi) -> str:
    """The done actions' before and after under a KPI's chart (``report_md``'s words)."""
    from pdca.tui.report_md import changes_heading, computed_or_dash

    if not item.changes:
        return ""
    unit = f" {esc(item.row.kpi.unit)}" if item.row.kpi.unit else ""
    rows = "".join(
        f"<li>#{c.action_id} {esc(c.title)}: {esc(computed_or_dash(c.before_mean))} →"
        f" {esc(computed_or_dash(c.after_mean))}{unit} ({esc(c.verdict)})</li>"
        for c in item.changes
    )
    return f"<p>{esc(changes_heading(item))}</p>\n<ul>{rows}</ul>\n"


def _action_row(action: Action) -> str:
    due = esc(action.due or "–")
    if late_words(action):
        due = f'<span class="late">{due} {late_words(action)}</span>'
    cycle = f" (cycle {action.cycle})" if action.cycle > 1 else ""
    outcome = esc(decision_words(action))
    if action.done_at:
        outcome += f" {esc(local_day(action.done_at))}"
    return (
        f'<tr><td class="n">#{action.id}</td><td>{esc(action.title)}{cycle}</td>'
        f"<td>{esc(action.owner) if action.owner else '<em>no owner</em>'}</td><td>{due}</td>"
        f"<td>{esc(action.last_checkin_status or '–')}</td><td>{esc(action.verdict or '–')}</td>"
        f"<td>{outcome or '–'}</td></tr>"
    )


def _audit_result(result: str | None, done_at: str | None, due: str, today: str) -> str:
    """A follow-up audit's result and the (local) day it was recorded, or waiting (past its
    day when it is: ``report_md.audit_result``)."""
    shown = esc(audit_result(result, done_at, due, today))
    return shown if result and done_at else f"<em>{shown}</em>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    head = "".join(
        f'<th class="{"n" if i >= numeric_from else ""}">{h}</th>' for i, h in enumerate(headers)
    )
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="{"n" if i >= numeric_from else ""}">{cell}</td>'
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _flow(flow: Flow) -> str:
    phases = []
    for p in flow.phases:
        oldest = "–"
        if p.oldest_id is not None:
            oldest = f"#{p.oldest_id} {esc(p.oldest_title)} ({number(p.oldest_days)})"
        phases.append(
            [PHASE_TITLES[p.phase], str(p.wip), number(p.median_days), number(p.p85_days),
             str(p.stays), str(p.went_back), oldest]
        )  # fmt: skip
    weekly = [w.finished for w in flow.throughput]
    cycle = flow.cycle
    trend = CYCLE_TRENDS[cycle.trend]
    if cycle.trend != "unknown":
        trend += f" ({number(cycle.earlier_median_days)} → {number(cycle.recent_median_days)})"
    parts = [
        f"<h2>Flow — the last {flow.weeks} weeks</h2>",
        f'<p class="meta">Since {esc(local_day(flow.since))}: stays that ended then, moves back,'
        " work finished; work in progress and the oldest item now.</p>",
        _table(["Phase", "WIP", "Median stay", "85%", "Stays", "Back", "Oldest open"], phases),
        f'<p><b>Throughput</b> <span class="spark">{count_bars(weekly)}</span> {flow.finished}'
        f" finished (last week {weekly[-1] if weekly else 0}), {flow.abandoned} abandoned"
        f"{esc(rounds_words(flow, ', '))}</p>",
        f'<p><b>Cycle time</b> <span class="spark">'
        f"{sparkline([w.median_cycle_days for w in flow.throughput])}</span> median"
        f" {number(cycle.median_days)}, 85% within {number(cycle.p85_days)} ({cycle.count}"
        f" finished); {trend}</p>",
    ]
    if flow.owners:
        rows = [
            [esc(o.login), str(o.open), percent(o.cadence_kept),
             f"{o.weeks_kept}/{o.weeks_expected}", percent(o.late_share), str(o.late_of)]
            for o in flow.owners
        ]  # fmt: skip
        parts += [
            "<h3>Owners</h3>",
            _table(["Owner", "Open", "Check-in cadence", "Weeks", "Late", "Of"], rows),
        ]
    if flow.initiatives:
        rows = [
            [esc(i.name), str(i.standardize), str(i.adjust), str(i.abandon), str(i.holding),
             str(i.slipped), str(i.followups_waiting)]
            for i in flow.initiatives
        ]  # fmt: skip
        headers = ["Initiative", "Standardize", "Adjust", "Abandon", "Holding", "Slipped",
                   "Waiting"]  # fmt: skip
        parts += ["<h3>Decisions and follow-ups per initiative</h3>", _table(headers, rows)]
    return "\n".join(parts)


def html_page(report: Report) -> str:
    now = parse_time(report.generated_at)
    title = esc(report.title)
    body = [
        f"<h1>Cycle report: {title}</h1>",
        f'<p class="meta">{esc(minute_utc(report.generated_at))} · pdca</p>',
        "<h2>Objective</h2>",
    ]
    if report.objectives:
        body.append("<ul>")
        for o in report.objectives:
            owner = f' <span class="muted">(owner {esc(o.owner)})</span>' if o.owner else ""
            text = esc(o.objective) if o.objective else "<em>no objective written</em>"
            body.append(f"<li><b>{esc(o.name)}</b>{owner}: {text}</li>")
        body.append("</ul>")
    else:
        body.append("<p><em>No initiative.</em></p>")
    body.append("<h2>KPIs</h2>")
    body += [_kpi(item, now) for item in report.kpis] or ["<p><em>No KPI linked.</em></p>"]
    if more_line := more(report.kpi_total, len(report.kpis), KPI_ORDER):
        body.append(f'<p class="muted">{more_line}</p>')
    body.append("<h2>Actions by phase</h2>")
    headers = ["#", "Action", "Owner", "Due", "Last check-in", "Verdict", "Decision"]
    for group in report.groups:
        body.append(f"<h3>{esc(group_heading(group, report.decisions))}</h3>")
        body.append(_actions(headers, group.actions))
        if more_line := more(group.total, len(group.actions), GROUP_ORDER[group.name]):
            body.append(f'<p class="muted">{more_line}</p>')
    body.append("<h2>Decisions and follow-ups</h2>")
    decided = report.decisions
    body.append(
        f"<p>Decisions: standardize {decided.standardize}, adjust {decided.adjust},"
        f" abandon {decided.abandon}{rounds_done(decided.repeat_rounds)}.</p>"
    )
    tally = report.followup_tally
    if report.followups or tally.ahead:
        body.append(f"<p>{esc(followup_words(tally))}</p>")
    if report.followups:
        today = local_day(report.generated_at)
        rows = [
            [f"#{f.action_id} {esc(f.title)}", f"+{f.offset_days}d", esc(f.due),
             _audit_result(f.result, f.done_at, f.due, today)]
            for f in report.followups
        ]  # fmt: skip
        body.append(_table(["Action", "Audit", "Due", "Result"], rows, numeric_from=4))
        if more_line := more(tally.total, len(report.followups), FOLLOWUP_ORDER):
            body.append(f'<p class="muted">{more_line}</p>')
    elif not tally.ahead:
        body.append("<p><em>No follow-up audit recorded or due.</em></p>")
    body.append(_flow(report.flow))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Cycle report: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _actions(headers: Sequence[str], actions: Sequence[Action]) -> str:
    if not actions:
        return "<p><em>none</em></p>"
    head = "".join(f"<th>{h}</th>" for h in headers)
    rows = "\n".join(_action_row(a) for a in actions)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>"
