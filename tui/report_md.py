"""The cycle report as Markdown, for chat and wikis (``pdca report --format md``).

User text (titles, names, objectives, logins) is data: every character Markdown would act on
is escaped, and control characters are shown as escapes (``tui.output.md_escape``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pdca.db.accountability_rules import days_recorded_late
from pdca.db.clock import local_day
from pdca.db.dates import minute_utc
from pdca.db.flow_rules import percent
from pdca.db.kpi_rules import parse_time, target_by_words
from pdca.db.models import VERDICT_WORDS, Action, Alert, Kpi, KpiRow, shown_number
from pdca.db.report import (
    CHART_WEEKS,
    ActionGroup,
    ChartLimits,
    ChartMarker,
    ChartSignal,
    Decisions,
    FollowupTally,
    Report,
    ReportKpi,
    routine_round,
)
from pdca.tui import flow_text
from pdca.tui.output import md_escape
from pdca.widgets.sparkline import sparkline

STATUS_WORDS = {
    "alert": "■ alert",
    "warn": "▲ warn",
    "overdue": "◔ measurement overdue",
    "no-data": "○ no data",
    "ok": "● within thresholds",
    "on-target": "★ on target",
}
# The KPIs view's mark for a signal (widgets/kpi_table.py): ⚑ is an alert waiting there, and
# the report put it on a signal alert acknowledged weeks before (a lead's trial).
SIGNAL_MARK = "↯ signal"
MARKS_LISTED = 12  # a chart's linked-action marks said in words: the latest, then a count


def decision_words(action: Action) -> str:
    """The decision a done action shows: a repeat round ticked off before Act is no decision
    (``flow.ROUTINE_ROUNDS``), said so; it read "standardize" beside a decisions line that
    counted none (a retrial)."""
    if routine_round(action):
        return "repeat round ticked off"
    return action.decision or ""


def rounds_done(rounds: int) -> str:
    """``; 3 repeat rounds ticked off (routine, no decision)``, after the decisions: the done
    list holds them, each "standardize"."""
    if not rounds:
        return ""
    plural = "s" if rounds != 1 else ""
    return f"; {rounds} repeat round{plural} ticked off (routine, no decision)"


def status_of(row: KpiRow, others: Sequence[Alert] = ()) -> tuple[str, str]:
    """``status_words``, then the KPI's other open alerts (``others``), each with whom it
    waits for: an overdue signal alert beside a threshold one was said nowhere (a coach)."""
    named = frozenset(o.rule_text or o.rule or "" for o in others if o.rule)
    status, words = status_words(row, signals_named=named)
    for other in others:
        rule = f"{SIGNAL_MARK}: {other.rule_text or other.rule}" if other.rule else "threshold"
        words += f" · also alert {other.id} ({rule})" + _standing(other).removeprefix(
            f" · alert {other.id}"
        )
    return ("alert" if others else status), words


def status_words(row: KpiRow, *, signals_named: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(status class, words) of a KPI on the report: its value's status, and what an open
    alert or a process signal adds. Any open alert puts it in alert (as initiative health
    counts it); a signal alert, or a signal holding with alerts off, is named by its rule
    after the value's status (``▲ warn · ↯ signal: ...``), which a signal never hides; only
    "within thresholds" gives way to it. The words are pdca's own (never user text),
    unescaped."""
    words = STATUS_WORDS.get(row.status, row.status)
    if row.status == "alert":
        said = words + (_standing(row.alert) if row.alert is not None else "")
        signal = row.signals[0].rule_text or row.signals[0].rule if row.signals else None
        if signal and (row.alert is None or row.alert.rule is None) and signal not in signals_named:
            # a process signal holding now, beside the threshold's alert: said too (a coach),
            # once (its own alert, open too, names it)
            said += f" · {SIGNAL_MARK}: {signal}"
        return "alert", said
    if row.alert is not None:
        if row.alert.rule is None:
            return "alert", _both(row.status, f"{STATUS_WORDS['alert']} open") + _standing(
                row.alert
            )
        rule_text = row.alert.rule_text or row.alert.rule
        # who it waits for, or who acknowledged it, as a threshold alert's line says
        now = row.signals  # the bad side's, holding at the latest reading
        holds = any(signal.rule == row.alert.rule for signal in now)
        said = _both(row.status, f"{_signal_then(row.alert, holds, bool(now))}: {rule_text}")
        if now and not holds:
            # Another rule holds now: "not holding now" read as the drift over, while kpi
            # list and kpi show named the signal of today (a month's trial)
            said += f"; signal now: {now[0].rule_text or now[0].rule}"
        said += _standing(row.alert)
        return "alert", said
    if row.signals:
        rule_text = row.signals[0].rule_text or row.signals[0].rule
        return "alert", _both(row.status, f"{SIGNAL_MARK}: {rule_text}")
    return row.status, words


def _signal_then(alert: Alert, holds: bool, any_now: bool) -> str:
    """``↯ signal``, with the day a signal alert was raised when its rule holds no more: a
    run over for weeks read as the process shifted now (a coach); "(not holding now)" only
    when no other rule holds on the bad side either."""
    if holds:  # its own rule, at the latest reading
        return SIGNAL_MARK
    still = "its rule no longer holding" if any_now else "not holding now"
    return f"{SIGNAL_MARK} of {local_day(alert.raised_at)} ({still})"


def _standing(alert: Alert) -> str:
    """Who an open alert waits for, and whether past its deadline: the review is where an
    unanswered one should be seen (the report said only "alert", a tester)."""
    if alert.acknowledged_at is not None:
        return f" · alert {alert.id} acknowledged by {alert.acknowledged_by}"
    late = ", OVERDUE" if alert.overdue else ""
    return f" · alert {alert.id} waits for {alert.assignee}{late}"


def _both(status: str, more: str) -> str:
    """The value's status, then what an alert or signal adds; "within thresholds" is left
    out (the rest says more, and both would read as a contradiction)."""
    if status == "ok":
        return more
    return f"{STATUS_WORDS.get(status, status)} · {more}"


def signal_rules(signals: Sequence[ChartSignal]) -> str:
    """The rules that fired, once each, and how many readings they cover."""
    return f"{'; '.join(dict.fromkeys(s.rule for s in signals))} ({signal_count(signals)})"


def signal_count(signals: Sequence[ChartSignal]) -> str:
    """How many readings the signals flag: a reading two rules flag is one reading."""
    count = len({signal.at for signal in signals})
    return f"{count} reading{'s' if count != 1 else ''}"


# The arrow says which way the readings go (as the KPIs view draws it), the word whether that
# is good: a cost that rises is ↗ worse, never ↘.
TREND_ARROWS = {1: "↗", -1: "↘", 0: "→"}


def trend_words(row: KpiRow) -> str:
    if row.trend == "unknown":
        return "–"
    return f"{TREND_ARROWS.get(row.trend_sign, '→')} {row.trend}"


PHASE_TITLES = {"plan": "Plan", "do": "Do", "check": "Check", "act": "Act"}
GROUP_TITLES = {**PHASE_TITLES, "done": "Done"}
# What a capped list shows first, said after "and N more" (db/report.py picks them).
OPEN_ORDER = "late first: earliest due date, then the undated, oldest first"
GROUP_ORDER = {**dict.fromkeys(PHASE_TITLES, OPEN_ORDER), "done": "the latest shown"}
FOLLOWUP_ORDER = "waiting ones first, then slipped, then holding"


def grouped(count: int) -> str:
    """12345 as "12 345": a count a reader takes in at a glance."""
    return f"{count:,}".replace(",", " ")


def group_heading(group: ActionGroup, decisions: Decisions) -> str:
    """``Done (13, 2 of them abandoned)``: a boss read 13 as delivered (a programme lead)."""
    count = grouped(group.total)
    if group.name == "done" and decisions.abandon:
        if decisions.abandon >= group.total:  # "Done (1, 1 of them abandoned)" (a retrial)
            return f"Done ({count}, {'all' if group.total > 1 else 'it'} abandoned)"
        return f"Done ({count}, {grouped(decisions.abandon)} of them abandoned)"
    return f"{GROUP_TITLES[group.name]} ({count})"


def followup_words(tally: FollowupTally) -> str:
    """``Follow-up audits: 1 holding, 0 slipped (100% holding), 0 waiting; 3 ahead, the
    next due 2026-12-16.`` "0 waiting" alone, of three audits scheduled, read as none (a
    programme lead)."""
    recorded = tally.holding + tally.slipped
    # The share only of audits recorded: "0 slipped (– holding)" read as a typo (a new user).
    share = f" ({percent(tally.holding / recorded)} holding)" if recorded else ""
    ahead = f"; {grouped(tally.ahead)} ahead, the next due {tally.next_due}" if tally.ahead else ""
    # past their day: late, which "1 waiting" never said (a retrial)
    late = f" ({grouped(tally.past_day)} past their day)" if tally.past_day else ""
    return (
        f"Follow-up audits: {grouped(tally.holding)} holding, {grouped(tally.slipped)}"
        f" slipped{share}, {grouped(tally.waiting)} waiting{late}{ahead}."
    )


def audit_result(result: str | None, done_at: str | None, due: str, today: str) -> str:
    """A follow-up audit's result and the (local) day it was recorded; waiting, and past its
    day when it is."""
    if result and done_at:
        late = days_recorded_late(due, done_at)
        return f"{result} {local_day(done_at)}" + (f" ({late}d late)" if late else "")
    return "waiting, past its day" if due < today else "waiting"


KPI_ORDER = "in a better state; pdca kpi list shows them all"


def more(total: int, shown: int, order: str) -> str:
    """ "and 12 345 more (late first ...)" under a capped list; "" when it shows them all."""
    if total <= shown:
        return ""
    return f"and {grouped(total - shown)} more ({order})"


def value(number: float | None, unit: str = "") -> str:
    if number is None:
        return "–"
    shown = shown_number(number)
    return f"{shown} {md_escape(unit)}" if unit else shown


def computed(number: float) -> str:
    """A figure pdca computed (a process limit): four significant digits, never an exponent
    (``shown_number`` of the rounded value: 12345.6 reads 12350, 0.000123456 reads 0.0001235)."""
    return shown_number(float(f"{number:.4g}"))


def weekly_means(
    readings: Sequence[tuple[str, float]], now: datetime, weeks: int = CHART_WEEKS
) -> list[float | None]:
    """The mean of each 7-day period of the last ``weeks`` weeks (None: nothing measured).
    A reading taken at ``now`` or later (today's, by a clock a little ahead) is in the last."""
    sums = [0.0] * weeks
    counts = [0] * weeks
    start = now - timedelta(weeks=weeks)
    for at, reading in readings:
        # floored: int() rounds toward zero, and a reading up to a week before the window
        # was averaged into its first week (an analyst's year)
        index = min((parse_time(at) - start) // timedelta(weeks=1), weeks - 1)
        if index >= 0:
            sums[index] += reading
            counts[index] += 1
    return [sums[k] / counts[k] if counts[k] else None for k in range(weeks)]


def text_chart(
    readings: Sequence[tuple[str, float]],
    kpi: Kpi,
    now: datetime,
    *,
    markers: Sequence[ChartMarker] = (),
    limits: ChartLimits | None = None,
    signals: Sequence[ChartSignal] = (),
    better: Sequence[ChartSignal] = (),
) -> str:
    """A KPI's year as one sparkline of weekly means, with its reference lines in words.
    ``limits`` and ``signals``: the XmR chart (natural process limits, flagged readings);
    ``better``: the readings in signals on the better side."""
    means = weekly_means(readings, now)
    while means and means[0] is None:  # from the first week measured
        means.pop(0)
    line = sparkline(means)
    refs = [f"baseline {value(kpi.baseline)}", f"target {value(kpi.target)}"]
    if kpi.warn is not None:
        refs.append(f"warn {value(kpi.warn)}")
    if kpi.alert is not None:
        refs.append(f"alert {value(kpi.alert)}")
    if kpi.benchmark is not None:
        refs.append(f"benchmark {value(kpi.benchmark)}")
    if limits is not None:
        # Computed, not typed: four significant digits, as the KPI's detail shows them
        # (4.80153846153846 printed whole, a tester).
        low, high, centre = (computed(v) for v in (limits.lower, limits.upper, limits.centre))
        refs.append(f"limits {low}–{high} (centre {centre})")
    if markers:  # the latest MARKS_LISTED, oldest first, after how many came earlier
        latest = markers[-MARKS_LISTED:]
        earlier = len(markers) - len(latest)
        said = " ".join(f"{m.label} {local_day(m.at)}" for m in latest)
        refs.append(f"{grouped(earlier)} earlier marks … {said}" if earlier else said)
    if signals:  # the rules that fired on the bad side, and how many readings they cover
        refs.append(f"signals: {signal_rules(signals)}")
    if better:
        refs.append(f"signals for the better: {signal_rules(better)}")
    shown = f"`{line}`" if line.strip() else "*no readings*"  # never an empty ``
    return f"{shown} {' · '.join(refs)}"


def moved_here_words(initiative: str | None) -> str:
    """Why a KPI of another initiative is in this one's report."""
    whose = f"initiative {initiative}'s KPI" if initiative else "a KPI of no initiative"
    return f"{whose}, here because this initiative's actions move it"


def _kpi_section(item: ReportKpi, now: datetime) -> list[str]:
    kpi = item.row.kpi
    lines = [f"### {md_escape(kpi.name)}", ""]
    facts = [
        f"**{md_escape(status_of(item.row, item.other_alerts)[1])}**",
        f"latest {value(kpi.latest_value, kpi.unit)}",
        f"trend {trend_words(item.row)}",
        f"{'lower' if kpi.direction == 'down' else 'higher'} is better",
        f"{md_escape(kpi.perspective)}",
    ]
    if kpi.owner:
        facts.append(f"owner {md_escape(kpi.owner)}")
    if kpi.target_date:
        facts.append(
            f"target{target_by_words(kpi.target_date, item.row.target_missed, kpi.latest_value)}"
        )
    lines.append(" · ".join(facts))
    lines.append("")
    if item.moved_here:
        lines += [f"*{md_escape(moved_here_words(kpi.initiative))}*", ""]
    lines.append(
        f"Baseline {value(kpi.baseline, kpi.unit)} → target {value(kpi.target, kpi.unit)}"
        + (
            f"; benchmark {value(kpi.benchmark, kpi.unit)}"
            + (f" ({md_escape(kpi.benchmark_source)})" if kpi.benchmark_source else "")
            if kpi.benchmark is not None
            else ""
        )
    )
    lines.append("")
    chart = text_chart(
        item.readings,
        kpi,
        now,
        markers=item.markers,
        limits=item.limits,
        signals=item.signals,
        better=item.better_signals,
    )
    count = len(item.readings)
    # "as weekly means", not "weekly": that read as the KPI's cadence, a daily one's too (a
    # new user)
    shown_as = ", as weekly means" if count else ""
    lines.append(
        f"{count} reading{'s' if count != 1 else ''} in the last {CHART_WEEKS} weeks"
        f"{shown_as}: {chart}"
    )
    if item.changes:
        lines += ["", changes_heading(item)]
        lines += [
            f"- #{c.action_id} {md_escape(c.title)}: {computed_or_dash(c.before_mean)} →"
            f" {computed_or_dash(c.after_mean)}{unit_after(kpi.unit)} ({c.verdict})"
            for c in item.changes
        ]
    return lines


def changes_heading(item: ReportKpi) -> str:
    """What the before/after lines under a KPI compare, as the app's detail says it."""
    from pdca.db.kpi_rules import change_window_days

    count = len(item.changes)
    latest = ", the latest first" if count > 1 else ""
    days = change_window_days(item.row.kpi.cadence)
    return f"Done actions ({count}{latest}): mean of the {days} days before Do against after done"


def computed_or_dash(number: float | None) -> str:
    return "–" if number is None else computed(number)


def unit_after(unit: str) -> str:
    return f" {md_escape(unit)}" if unit else ""


def late_words(action: Action) -> str:
    """``late`` for open work past its due date, ``done late`` for work finished on a later
    (local) day than it: the done list hid what the flow's late share counted (a lead's
    quarter). Else ""."""
    if action.done_at is None:
        return "late" if action.overdue else ""
    if action.decision == "abandon":  # given up, not delivered late (a retrial read it so)
        return ""
    return "done late" if action.due and local_day(action.done_at) > action.due else ""


def _action_line(action: Action) -> str:
    parts = [f"#{action.id} {md_escape(action.title)}"]
    parts.append(md_escape(action.owner) if action.owner else "*no owner*")
    if action.cycle > 1:
        parts.append(f"cycle {action.cycle}")
    if action.due:  # done work too: was it done by its date? (the HTML report shows it)
        late = f" (**{late_words(action)}**)" if late_words(action) else ""
        parts.append(f"due {action.due}{late}")
    if action.done_at is None:  # said when there is none too, as the HTML's "–" (a tester)
        parts.append(f"last check-in {action.last_checkin_status or 'none yet'}")
    if action.verdict:
        parts.append(f"verdict {VERDICT_WORDS.get(action.verdict, action.verdict)}")
    if action.decision:
        outcome = decision_words(action)
        parts.append(f"**{outcome}** {local_day(action.done_at) if action.done_at else ''}")
    return "- " + " — ".join(parts)


def _title(report: Report) -> str:
    """The report's title, its user text escaped: an action's ``#2`` is pdca's, and "\\#2"
    showed its backslash in chats that keep it (a new user)."""
    number, _, rest = report.title.partition(" ")
    if report.scope == "action" and number[1:].isdecimal():
        return f"{number} {md_escape(rest)}"
    return md_escape(report.title)


def markdown(report: Report) -> str:
    now = parse_time(report.generated_at)
    lines = [
        f"# Cycle report: {_title(report)}",
        "",
        f"*{minute_utc(report.generated_at)} · pdca*",
        "",
        "## Objective",
        "",
    ]
    if report.objectives:
        for o in report.objectives:
            owner = f" (owner {md_escape(o.owner)})" if o.owner else ""
            text = md_escape(o.objective) if o.objective else "*no objective written*"
            lines.append(f"- **{md_escape(o.name)}**{owner}: {text}")
    else:
        lines.append("*No initiative.*")
    lines += ["", "## KPIs", ""]
    if not report.kpis:
        lines.append("*No KPI linked.*")
    for item in report.kpis:
        lines += [*_kpi_section(item, now), ""]
    if more_line := more(report.kpi_total, len(report.kpis), KPI_ORDER):
        lines += [f"*{more_line}*", ""]
    lines += ["", "## Actions by phase", ""]
    for group in report.groups:
        lines += [f"### {group_heading(group, report.decisions)}", ""]
        lines += [_action_line(a) for a in group.actions] or ["*none*"]
        if more_line := more(group.total, len(group.actions), GROUP_ORDER[group.name]):
            lines.append(f"- *{more_line}*")
        lines.append("")
    lines += ["## Decisions and follow-ups", ""]
    decided = report.decisions
    lines.append(
        f"Decisions: standardize {decided.standardize}, adjust {decided.adjust},"
        f" abandon {decided.abandon}{rounds_done(decided.repeat_rounds)}."
    )
    tally = report.followup_tally
    lines.append(followup_words(tally))
    if report.followups:
        lines += ["", "| action | audit | due | result |", "| --- | ---: | --- | --- |"]
        today = local_day(report.generated_at)
        for f in report.followups:
            result = audit_result(f.result, f.done_at, f.due, today)
            result = result if f.result and f.done_at else f"*{result}*"
            lines.append(
                f"| #{f.action_id} {md_escape(f.title)} | +{f.offset_days}d | {f.due} | {result} |"
            )
        if more_line := more(tally.total, len(report.followups), FOLLOWUP_ORDER):
            lines += ["", f"*{more_line}*"]
    lines += ["", flow_text.markdown(report.flow, heading="##")]
    return "\n".join(lines) + "\n"
