"""``pdca report``: the cycle report as Markdown and HTML, snapshot-tested on the known history
of tests/flow_support.py at the fixed clock, with user text that tries to be markup."""

from __future__ import annotations

import itertools
import re
import xml.dom.minidom
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pdca.db.store import Store
from tests.flow_support import build_history
from tests.tui.accountability_support import standardized_long_ago
from tests.unit.test_bad_input import assert_one_line_error

HOSTILE = "<script>alert(1)</script> ]]> *bold* [link](x) & \x1b[31m"


@pytest.fixture
def history(store: Store) -> Store:
    build_history(store, title=HOSTILE)
    return store


def report(cli, *args: str) -> str:
    result = cli("report", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_markdown_report_of_an_initiative(cli, history: Store, snapshot) -> None:
    text = report(cli, "Ops", "--format", "md")
    assert text == snapshot
    assert "# Cycle report: Ops" in text
    assert "- **Ops**: Quiet nights for on-call" in text
    assert "\\<script\\>alert(1)\\</script\\> \\]\\]\\> \\*bold\\* \\[link\\](x)" in text
    assert "\x1b" not in text and "\\x1b" in text
    assert "### Pages" in text and "baseline 10 · target 4 · warn 12 · alert 14" in text
    # the audits still ahead are said too: "0 waiting" of three scheduled read as none (a
    # programme lead)
    assert (
        "Follow-up audits: 1 holding, 0 slipped (100% holding), 0 waiting; 5 ahead, the next"
        " due 2026-12-13." in text
    )
    assert "## Flow — the last 13 weeks" in text


def test_no_share_holding_is_said_before_an_audit_is_recorded(cli, ok) -> None:
    """ "0 holding, 0 slipped (– holding)" read as a typo (a new user): no share of none."""
    ok("initiative", "add", "Quiet", "--objective", "fewer pages")
    text = report(cli, "Quiet", "--format", "md")
    assert "Follow-up audits: 0 holding, 0 slipped, 0 waiting." in text


def test_markdown_says_an_open_actions_last_check_in_even_when_none(cli, history: Store) -> None:
    """The HTML showed "–" where the Markdown said nothing at all (a tester)."""
    from pdca.db.models import ActionDraft

    fresh = history.add_action(ActionDraft(title="Cache deps", owner="bob", initiative="Ops"))
    text = report(cli, "Ops", "--format", "md")
    (line,) = [line for line in text.splitlines() if line.startswith(f"- #{fresh.id} ")]
    assert line.endswith("— last check-in none yet")


def test_html_report_is_one_safe_page_with_svg_charts(cli, history: Store, snapshot) -> None:
    page = report(cli, "Ops", "--format", "html")
    assert page == snapshot
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    # User text is shown, never markup: no script, no CDATA end, no link anywhere.
    assert "<script" not in page.lower() and "]]>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; *bold* [link](x) &amp; \\x1b[31m" in page
    assert not re.search(r"\b(src|href)\s*=", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    charts = re.findall(r"<svg.*?</svg>", page, re.DOTALL)
    assert len(charts) == 1  # the one KPI, Pages
    chart = xml.dom.minidom.parseString(charts[0])  # well-formed XML
    assert chart.getElementsByTagName("polyline")
    labels = [t.firstChild.data for t in chart.getElementsByTagName("text") if t.firstChild]
    assert {"baseline 10", "target 4", "warn 12", "alert 14"} <= set(labels)


def test_a_hostile_kpi_name_stays_text_inside_the_chart(cli, history: Store) -> None:
    from pdca.db.kpis import edit_kpi
    from pdca.db.models import KpiChanges

    edit_kpi(history, "Pages", KpiChanges(name="</svg><script>x()</script>"))
    page = report(cli, "Ops", "--format", "html")
    assert "<script" not in page
    chart = re.findall(r"<svg.*?</svg>", page, re.DOTALL)[0]
    title = xml.dom.minidom.parseString(chart).getElementsByTagName("title")[0]
    assert title.firstChild.data == "</svg><script>x()</script>"


def test_report_of_one_action_has_its_cycles(cli, history: Store) -> None:
    text = report(cli, "#2")
    assert text.startswith("# Cycle report: #2 ")  # pdca's #2: no backslash shown in chats
    assert "due 2026-11-10 (**done late**) — verdict worked — **standardize** 2026-11-15" in text
    assert "### Pages" in text  # its KPI
    assert "#1 Old runbook" not in text  # another action of the initiative


def test_team_report_and_out_file(cli, history: Store, tmp_path: Path) -> None:
    text = report(cli)
    assert text.startswith("# Cycle report: All initiatives")
    target = tmp_path / "review.html"
    result = cli("report", "Ops", "--format", "html", "--out", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == report(cli, "Ops", "--format", "html")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["Nope"], "“Nope” is not a known initiative"),
        (
            ["44"],
            "“44” is not a known initiative (list them: pdca initiative list; an action's"
            " report is #44)",
        ),  # without its #: said how (a tester)
        (["#999"], "no action #999"),
        (["#x"], "is not an action id"),
        (["Ops", "--format", "pdf"], "--format"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    cli, history: Store, tmp_path: Path, args: list[str], fragment: str
) -> None:
    target = tmp_path / "out.md"
    result = cli("report", *args, "--out", str(target))
    assert_one_line_error(result, fragment)
    assert result.stdout == "" and not target.exists()


def test_the_chart_draws_xmr_limits_and_signals_when_given(history: Store) -> None:
    """The seam for the signals work: limits and signal points drawn when handed in."""
    from pdca.db.report import ChartLimits, ChartMarker, ChartSignal
    from pdca.tui.report_html import svg_chart
    from pdca.tui.report_md import text_chart
    from tests.conftest import NOW_DT

    kpi = history.get_kpi("Pages")
    readings = [("2026-11-20T09:00:00Z", 7.0), ("2026-11-21T09:00:00Z", 13.0)]
    limits = ChartLimits(centre=8.0, lower=5.0, upper=11.0)
    signals = [ChartSignal(at="2026-11-21T09:00:00Z", value=13.0, rule="beyond a limit <b>")]
    markers = [ChartMarker(at="2026-11-20T12:00:00Z", label="✓ #2")]
    plain = svg_chart(readings, kpi, NOW_DT)
    chart = svg_chart(readings, kpi, NOW_DT, markers=markers, limits=limits, signals=signals)
    assert "ref-limit" not in plain and 'class="signal"' not in plain
    dom = xml.dom.minidom.parseString(chart)
    labels = [t.firstChild.data for t in dom.getElementsByTagName("text") if t.firstChild]
    assert {"centre 8", "UNPL 11", "LNPL 5", "✓ #2"} <= set(labels)
    [signal] = [
        c for c in dom.getElementsByTagName("circle") if c.getAttribute("class") == "signal"
    ]
    assert signal.getElementsByTagName("title")[0].firstChild.data == "beyond a limit <b>"
    line = text_chart(readings, kpi, NOW_DT, markers=markers, limits=limits, signals=signals)
    assert "limits 5–11 (centre 8)" in line and "✓ #2 2026-11-20" in line
    assert "signals: beyond a limit <b> (1 reading)" in line


def test_the_report_names_the_signals_for_the_better_too(cli, store: Store) -> None:
    """The A3 page named the spike before the programme and never the shift that proved the
    improvement, though kpi show listed it (a coach): both sides are named, the better's
    apart (and in words on the HTML page, whose chart rings the worse side's alone)."""
    from datetime import timedelta

    from pdca.db.models import InitiativeDraft, KpiDraft, ReadingDraft
    from tests.conftest import NOW_DT

    store.add_initiative(InitiativeDraft(name="Flow", objective="Resolution time down"))
    store.add_kpi(KpiDraft(name="Resolution", unit="h", baseline=30, target=20,
                           direction="down", initiative="Flow"))  # fmt: skip
    values = [30.0, 31.0, 29.0, 30.5, 29.5] * 4 + [22.0, 21.5, 22.5, 21.0, 22.0, 21.5, 22.5, 21.0]
    for days, value in zip(range(len(values), 0, -1), values, strict=True):
        store.record_reading(
            ReadingDraft(kpi="Resolution", value=value), NOW_DT - timedelta(days=days)
        )
    text = report(cli, "Flow", "--format", "md")
    assert "signals for the better: " in text and "below the centre line" in text
    page = report(cli, "Flow", "--format", "html")
    assert "<p>Signals for the better: " in page


def test_a_signal_counts_its_readings_once_however_many_rules_flag_them(history: Store) -> None:
    from pdca.db.report import ChartSignal
    from pdca.tui.report_html import svg_chart
    from pdca.tui.report_md import text_chart
    from tests.conftest import NOW_DT

    kpi = history.get_kpi("Pages")
    readings = [("2026-11-20T09:00:00Z", 13.0), ("2026-11-21T09:00:00Z", 13.5)]
    signals = [
        ChartSignal(at=at, value=v, rule=rule)
        for rule in ("beyond a limit", "2 of 3 beyond two sigma")
        for at, v in readings
    ]  # two rules on the same two readings: four pairs
    line = text_chart(readings, kpi, NOW_DT, signals=signals)
    assert "signals: beyond a limit; 2 of 3 beyond two sigma (2 readings)" in line
    dom = xml.dom.minidom.parseString(svg_chart(readings, kpi, NOW_DT, signals=signals))
    rings = [c for c in dom.getElementsByTagName("circle") if c.getAttribute("class") == "signal"]
    assert len(rings) == 2
    titles = {ring.getElementsByTagName("title")[0].firstChild.data for ring in rings}
    assert titles == {"beyond a limit; 2 of 3 beyond two sigma"}


def test_a_mention_broken_for_chat_is_not_shown_as_an_escape(cli, store: Store) -> None:
    """The zero-width space pdca puts after an @ (no chat ping) came out as a literal
    "\\u200b" in every report once the command line showed hidden characters escaped (a
    reviewer); a zero-width space typed in a title is still shown."""
    from pdca.db.models import ActionDraft

    store.add_action(ActionDraft(title="ping @here now"))
    store.add_action(ActionDraft(title="zero\u200bwidth"))
    text = report(cli, "--format", "md")
    assert "ping @\u200bhere now" in text and "\\u200bhere" not in text
    assert "zero\\\\u200bwidth" in text or "zero\\u200bwidth" in text


def test_each_done_action_says_what_it_did_to_its_kpi(cli, store: Store, db_path) -> None:
    """The A3 review's one line, "#2: 30 -> 24 (better)", was in kpi show and not in the
    report (a coach): under each KPI, its done actions' before and after, the latest first."""
    from datetime import timedelta

    from pdca.db.models import ActionDraft, CheckinDraft, InitiativeDraft, KpiDraft, ReadingDraft
    from tests.conftest import NOW_DT, open_as

    store.add_initiative(InitiativeDraft(name="Flow", objective="Lead time down 50% by Q2 2027"))
    store.add_kpi(KpiDraft(name="Lead time", unit="h", baseline=30, target=20, direction="down",
                           initiative="Flow"))  # fmt: skip
    for days in range(60, 0, -1):
        value = 30.0 if days > 30 else 24.0
        store.record_reading(
            ReadingDraft(kpi="Lead time", value=value), NOW_DT - timedelta(days=days)
        )
    early = open_as(db_path, "alice", NOW_DT - timedelta(days=35))
    action = early.add_action(ActionDraft(title="Pair on reviews", owner="bob", kpi="Lead time",
                                          due="2026-12-20", initiative="Flow"))  # fmt: skip
    early.move_action(action.id, "do")
    early.close()
    late = open_as(db_path, "alice", NOW_DT - timedelta(days=29, hours=12))
    late.add_checkin(action.id, CheckinDraft(message="done"))
    late.move_action(action.id, "check")
    late.move_action(action.id, "act", verdict="worked")
    late.complete_action(action.id, "standardize")
    late.close()
    text = report(cli, "Flow", "--format", "md")
    assert (
        "Done actions (1): mean of the 28 days before Do against after done\n"
        f"- #{action.id} Pair on reviews: 30 → 24 h (better)"
    ) in text
    page = report(cli, "Flow", "--format", "html")
    assert f"<li>#{action.id} Pair on reviews: 30 → 24 h (better)</li>" in page


def test_a_follow_up_audit_past_its_day_is_said_late(cli, store: Store, db_path) -> None:
    """ "1 waiting" never said that the 30-day audit was 10 days late (a retrial): the tally
    and the table say it is past its day."""
    action_id = standardized_long_ago(db_path, "Std", back=timedelta(days=40))
    text = report(cli, "--format", "md")
    assert "0 holding, 0 slipped, 1 waiting (1 past their day); 2 ahead" in text
    assert f"| #{action_id} Std | +30d | 2026-11-13 | *waiting, past its day* |" in text
    page = report(cli, "--format", "html")
    assert "<em>waiting, past its day</em>" in page


def test_an_open_signal_alert_is_said_on_the_kpi_line(cli, store: Store) -> None:
    from datetime import timedelta

    from pdca.db.models import InitiativeDraft, KpiDraft, ReadingDraft
    from tests.conftest import NOW_DT

    store.add_initiative(InitiativeDraft(name="Flow", objective="Lead time down 50% by Q2 2027"))
    store.add_kpi(KpiDraft(name="Lead time", unit="d", baseline=10, target=5, direction="down",
                           warn=20, alert=25, initiative="Flow"))  # fmt: skip
    values = [11.0, 9.0] * 10 + [10.5] * 8  # eight above the centre line: a signal alert
    for i, value in enumerate(values):
        at = NOW_DT - timedelta(days=len(values) - i)
        store.record_reading(ReadingDraft(kpi="Lead time", value=value), at)
    text = report(cli, "Flow", "--format", "md")
    # ↯ as the KPIs view marks a signal (⚑ is an alert waiting), and whom it waits for
    assert "**↯ signal: 8 readings in a row above the centre line · alert 1 waits for" in text
    assert "within thresholds" not in text
    page = report(cli, "Flow", "--format", "html")
    assert (
        '<span class="status status-alert">↯ signal: 8 readings in a row above the centre line'
        " · alert 1 waits for"
    ) in page


def _a_run_then(store: Store, last: list[float]) -> None:
    """A lead-time KPI of initiative Flow: a baseline, a run of 8 above its centre line (a
    signal alert), then the ``last`` readings, a day apart up to now."""
    from datetime import timedelta

    from pdca.db.models import InitiativeDraft, KpiDraft, ReadingDraft
    from tests.conftest import NOW_DT

    store.add_initiative(InitiativeDraft(name="Flow", objective="Lead time down 50% by Q2 2027"))
    store.add_kpi(KpiDraft(name="Lead time", unit="d", baseline=10, target=5, direction="down",
                           initiative="Flow"))  # fmt: skip
    values = [11.0, 9.0] * 10 + [10.5] * 8 + last
    for i, value in enumerate(values):
        at = NOW_DT - timedelta(days=len(values) - i)
        store.record_reading(ReadingDraft(kpi="Lead time", value=value), at)


def test_a_signal_alert_whose_run_is_over_is_said_with_its_day(cli, store: Store) -> None:
    """A run over for weeks, its alert still waiting, read "↯ signal: 8 readings in a row
    above the centre line" as a process shifted now (a coach): the day it was raised is said,
    and that it holds no more; kpi list says it in the past."""
    from pdca.db.clock import local_day

    _a_run_then(store, [9.5, 9.5])  # two below the line
    (alert,) = store.conn.execute("SELECT raised_at FROM alerts WHERE closed_at IS NULL")
    day = local_day(alert[0])
    text = report(cli, "Flow", "--format", "md")
    assert (
        f"**↯ signal of {day} (not holding now): 8 readings in a row above the centre line"
        " · alert 1 waits for"
    ) in text
    listed = cli("kpi", "list")
    assert "was 8 on one side (alert 1)" in listed.stdout


def test_an_open_threshold_alert_names_whom_it_waits_for(cli, store: Store, db_path) -> None:
    """The review is where an unanswered alert should be seen: the KPI line said only
    "■ alert" (a tester); it names the alert and its assignee, then who acknowledged it."""
    from pdca.db.models import InitiativeDraft, KpiDraft, ReadingDraft

    store.add_initiative(InitiativeDraft(name="Flow", objective="Lead time down 50% by Q2 2027"))
    store.add_kpi(KpiDraft(name="Lead time", unit="d", baseline=10, target=5, direction="down",
                           alert=25, owner="dana", initiative="Flow"))  # fmt: skip
    store.record_reading(ReadingDraft(kpi="Lead time", value=30))
    text = report(cli, "Flow", "--format", "md")
    assert "**■ alert · alert 1 waits for dana**" in text
    from pdca.db.alerts import acknowledge
    from tests.conftest import open_as

    dana = open_as(db_path, "dana")
    acknowledge(dana, 1, "looking into it")
    dana.close()
    text = report(cli, "Flow", "--format", "md")
    assert "**■ alert · alert 1 acknowledged by dana**" in text
    page = report(cli, "Flow", "--format", "html")
    assert '<span class="status status-alert">■ alert · alert 1 acknowledged by dana' in page


def test_a_signal_alert_beside_a_threshold_alert_is_said_too(cli, store: Store) -> None:
    """A KPI in alert by its threshold with a signal alert open beside it, waiting and late:
    the line said "■ alert · alert 2 waits for dana", the signal alert and its lateness
    nowhere (a coach)."""
    from datetime import timedelta

    from pdca.db.models import InitiativeDraft, KpiDraft, ReadingDraft
    from tests.conftest import NOW_DT

    store.add_initiative(InitiativeDraft(name="Flow", objective="Lead time down 50% by Q2 2027"))
    store.add_kpi(KpiDraft(name="Lead time", unit="d", baseline=10, target=5, direction="down",
                           alert=25, owner="dana", initiative="Flow",
                           alerts_mode="both"))  # fmt: skip
    values = [11.0, 9.0] * 10 + [10.5] * 8  # eight above the centre line: a signal alert
    for i, value in enumerate(values):
        at = NOW_DT - timedelta(days=len(values) + 2 - i)
        store.record_reading(ReadingDraft(kpi="Lead time", value=value), at)
    store.record_reading(ReadingDraft(kpi="Lead time", value=30))  # beyond the threshold
    text = report(cli, "Flow", "--format", "md")
    assert (
        "**■ alert · alert 2 waits for dana · ↯ signal: a reading above the upper natural limit"
        " · also alert 1 (↯ signal: 8 readings in a row above the centre line) waits for dana**"
    ) in text
    page = report(cli, "Flow", "--format", "html")
    assert "· also alert 1 (↯ signal: 8 readings in a row above the centre line) waits for" in page


def test_a_quiet_window_draws_its_throughput_as_the_lowest_bars(cli, store: Store) -> None:
    from pdca.db.models import InitiativeDraft

    store.add_initiative(InitiativeDraft(name="Calm", objective="Pages down 50% by Q2 2027"))
    assert "▁" * 13 in report(cli, "Calm", "--format", "md")
    page = report(cli, "Calm", "--format", "html")
    assert '<span class="spark">' + "▁" * 13 + "</span>" in page


def _linked_history(store: Store) -> None:
    """Pages' linked actions on top of the known history: #5 now in Check, #6 now in Act,
    #7 abandoned in Plan without ever entering Do, #8 of another initiative, abandoned in
    Do."""
    from datetime import date

    from pdca.db.models import ActionDraft, InitiativeDraft
    from tests.flow_support import at

    build_history(store)
    store.add_initiative(InitiativeDraft(name="Other"))
    at(store, 12)
    check = store.add_action(
        ActionDraft(
            title="In check", owner="bob", due=date(2026, 12, 1), kpi="Pages", initiative="Ops"
        )
    )
    act = store.add_action(
        ActionDraft(
            title="In act", owner="bob", due=date(2026, 12, 1), kpi="Pages", initiative="Ops"
        )
    )
    dropped = store.add_action(
        ActionDraft(
            title="Dropped", owner="bob", due=date(2026, 12, 1), kpi="Pages", initiative="Ops"
        )
    )
    other = store.add_action(
        ActionDraft(
            title="Elsewhere", owner="bob", due=date(2026, 12, 1), kpi="Pages", initiative="Other"
        )
    )
    at(store, 11)
    for action in (check, act, other):
        store.move_action(action.id, "do")
    at(store, 6)
    store.move_action(check.id, "check")
    store.move_action(act.id, "check")
    store.move_action(act.id, "act", verdict="worked")
    at(store, 4)
    store.complete_action(dropped.id, "abandon")
    at(store, 2)
    store.complete_action(other.id, "abandon")
    at(store, 0)


def test_every_linked_action_that_entered_do_is_marked_where_it_did(cli, store: Store) -> None:
    """Actions now in Check or Act are marked where they entered Do; a done one also where it
    was done; one abandoned in Plan is never drawn as done; other initiatives' count too (as
    ``pdca kpi show`` lists them)."""
    _linked_history(store)
    text = report(cli, "Ops", "--format", "md")
    [line] = [ln for ln in text.splitlines() if "readings in the last" in ln]
    marks = re.findall(r"([»✓✗]) #(\d+) (\S+)", line)
    assert ("»", "5", "2026-11-12") in marks and ("»", "6", "2026-11-12") in marks
    # abandoned: marked so, not with the ✓ of one done (a tester read a success)
    assert ("»", "8", "2026-11-12") in marks and ("✗", "8", "2026-11-21") in marks
    assert ("»", "2", "2026-10-26") in marks and ("✓", "2", "2026-11-15") in marks
    assert not [m for m in marks if m[1] == "7"]  # never in Do: no mark, least of all done
    assert [m for m in marks if m[1] in {"5", "6"}] == [
        ("»", "5", "2026-11-12"),
        ("»", "6", "2026-11-12"),
    ]  # not done: no ✓
    page = report(cli, "Ops", "--format", "html")
    section = re.findall(r'<section class="kpi">.*?</section>', page, re.DOTALL)[0]
    assert "#7" not in section and "» #5 2026-11-12" in section and "» #6 2026-11-12" in section


def test_a_signal_does_not_hide_a_warn(cli, store: Store) -> None:
    """A KPI in warn with an open signal shows both, as ``pdca kpi list`` says warn."""
    from datetime import timedelta

    from pdca.db.models import InitiativeDraft, KpiDraft, ReadingDraft
    from tests.conftest import NOW_DT

    store.add_initiative(InitiativeDraft(name="Flow", objective="Lead time down"))
    store.add_kpi(KpiDraft(name="Lead time", unit="d", baseline=10, target=5, direction="down",
                           warn=20, alert=25, initiative="Flow"))  # fmt: skip
    values = [11.0, 9.0] * 10 + [12.0, 14.0, 16.0, 18.0, 20.0, 21.0]  # rising into warn
    for i, value in enumerate(values):
        at = NOW_DT - timedelta(days=len(values) - i)
        store.record_reading(ReadingDraft(kpi="Lead time", value=value), at)
    listed = cli("kpi", "list")
    assert "warn" in listed.stdout
    text = report(cli, "Flow", "--format", "md")
    assert re.search(r"\*\*▲ warn · ↯ signal: [^*]+\*\*", text), text
    page = report(cli, "Flow", "--format", "html")
    assert re.search(r'<span class="status status-alert">▲ warn · ↯ signal: [^<]+</span>', page)


def test_a_kpi_measured_only_today_has_a_sparkline_and_one_reading(cli, store: Store) -> None:
    """Readings taken at the report's moment (or later today, by another clock) are in the
    last week's bar: the sparkline is never an empty ````, and one reading is "1 reading"."""
    from datetime import timedelta

    from pdca.db.models import InitiativeDraft, KpiDraft, ReadingDraft
    from pdca.tui.report_md import text_chart
    from tests.conftest import NOW_DT

    store.add_initiative(InitiativeDraft(name="New", objective="Measure it"))
    store.add_kpi(KpiDraft(name="Fresh", unit="ms", baseline=10, target=5, initiative="New"))
    store.record_reading(ReadingDraft(kpi="Fresh", value=7))  # at the fixed clock
    text = report(cli, "New", "--format", "md")
    [line] = [ln for ln in text.splitlines() if " in the last 52 weeks" in ln]
    assert line.startswith("1 reading in the last 52 weeks, as weekly means: `▄` baseline 10"), line
    later = [(f"2026-11-23T{hour}:00:00Z", 7.0) for hour in (10, 11)]
    chart = text_chart(later, store.get_kpi("Fresh"), NOW_DT)
    assert chart.startswith("`▄` baseline 10"), chart
    earlier = [((NOW_DT - timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ"), 7.0)]
    chart = text_chart(earlier, store.get_kpi("Fresh"), NOW_DT)  # none in the last year
    assert chart.startswith("*no readings* baseline 10"), chart


def _labels(chart: str) -> list[tuple[str, float, float, str]]:
    """(text, x, y, anchor) of a chart's right-hand labels."""
    dom = xml.dom.minidom.parseString(chart)
    return [
        (
            t.firstChild.data,
            float(t.getAttribute("x")),
            float(t.getAttribute("y")),
            t.getAttribute("text-anchor") or "start",
        )
        for t in dom.getElementsByTagName("text")
        if t.getAttribute("class").startswith("label")
    ]


def _assert_legible(chart: str) -> list[str]:
    from pdca.tui.report_html import CHAR_W, HEIGHT, WIDTH

    labels = _labels(chart)
    ys = sorted(y for _, _, y, _ in labels)
    assert all(b - a >= 11 for a, b in itertools.pairwise(ys)), labels  # none on another
    for text, x, y, anchor in labels:
        right = x if anchor == "end" else x + len(text) * CHAR_W
        assert right <= WIDTH and 0 < y <= HEIGHT, (text, x, y)  # inside the SVG
        assert "e+" not in text
    return [text for text, *_ in labels]


def test_right_hand_labels_never_overlap_and_stay_inside(history: Store) -> None:
    """The tester's cases: close values nudged apart, equal ones merged, huge ones short."""
    from pdca.db.kpis import edit_kpi
    from pdca.db.models import KpiChanges
    from pdca.db.report import ChartLimits
    from pdca.tui.report_html import svg_chart
    from tests.conftest import NOW_DT

    edit_kpi(
        history, "Pages", KpiChanges(baseline=6.3, target=15.7, warn=5.9, alert=5.4, direction="up")
    )
    kpi = history.get_kpi("Pages")
    readings = [(f"2026-11-{day:02d}T09:00:00Z", 6.0 + day % 3 * 0.5) for day in range(1, 22)]
    close = ChartLimits(centre=6.62, lower=4.8, upper=8.44)
    texts = _assert_legible(svg_chart(readings, kpi, NOW_DT, limits=close))
    assert {"centre 6.62", "baseline 6.3", "warn 5.9", "alert 5.4", "LNPL 4.8"} <= set(texts)

    flat = [(at, 10.0) for at, _ in readings]
    edit_kpi(history, "Pages", KpiChanges(baseline=10, target=12, warn=8, alert=6))
    kpi = history.get_kpi("Pages")
    texts = _assert_legible(
        svg_chart(flat, kpi, NOW_DT, limits=ChartLimits(centre=10, lower=10, upper=10))
    )
    assert sorted(texts) == ["alert 6", "baseline = centre = limits 10", "target 12", "warn 8"]

    huge = [(at, 9e14 + i * 1e13) for i, (at, _) in enumerate(readings)]
    edit_kpi(history, "Pages", KpiChanges(baseline=9e14, target=9.9e14))
    kpi = history.get_kpi("Pages")
    wide = ChartLimits(centre=9.5e14, lower=-3.4e15, upper=5.2668e15)
    texts = _assert_legible(svg_chart(huge, kpi, NOW_DT, limits=wide))
    assert "UNPL 5.27e15" in texts


def test_many_action_marks_are_bare_ticks_listed_under_the_chart(history: Store) -> None:
    from pdca.db.report import ChartMarker
    from pdca.tui.report_html import svg_chart
    from tests.conftest import NOW_DT

    kpi = history.get_kpi("Pages")
    readings = [(f"2026-{month:02d}-01T09:00:00Z", 8.0) for month in range(1, 12)]
    few = [ChartMarker(at="2026-03-01T09:00:00Z", label="» #196"),
           ChartMarker(at="2026-07-01T09:00:00Z", label="✓ #196")]  # fmt: skip
    dom = xml.dom.minidom.parseString(svg_chart(readings, kpi, NOW_DT, markers=few))
    marks = [t for t in dom.getElementsByTagName("text") if t.getAttribute("class") == "marker"]
    assert [t.firstChild.data for t in marks] == ["» #196", "✓ #196"]
    many = [
        ChartMarker(at=f"2026-{month:02d}-{day:02d}T09:00:00Z", label=f"» #{month * 100 + day}")
        for month in range(3, 11)
        for day in (3, 6, 9)
    ]
    chart = svg_chart(readings, kpi, NOW_DT, markers=many)
    dom = xml.dom.minidom.parseString(chart)
    assert not [t for t in dom.getElementsByTagName("text") if t.getAttribute("class") == "marker"]
    [ticks] = [p for p in dom.getElementsByTagName("path") if "marker" in p.getAttribute("class")]
    assert ticks.getAttribute("d").count("M") == 24
    from pdca.tui.report_html import chart_start, marks_list, x_of

    start = chart_start(readings, NOW_DT)
    listed = marks_list(many, start, x_of(start, NOW_DT))
    assert listed.startswith(
        '<p class="marks muted">Linked actions (» entered Do, ✓ done, ✗ abandoned)'
    )
    assert "» #1009 2026-10-09, » #1006 2026-10-06" in listed and "and 12 earlier" in listed
    assert marks_list(few, start, x_of(start, NOW_DT)) == ""  # labelled on the chart itself


def test_many_marks_in_markdown_are_the_latest_and_a_count(history: Store) -> None:
    from pdca.db.report import ChartMarker
    from pdca.tui.report_md import MARKS_LISTED, text_chart
    from tests.conftest import NOW_DT

    kpi = history.get_kpi("Pages")
    many = [
        ChartMarker(at=f"2026-10-{day:02d}T09:00:00Z", label=f"» #{day}") for day in range(1, 31)
    ]
    line = text_chart([("2026-11-20T09:00:00Z", 8.0)], kpi, NOW_DT, markers=many)
    assert f"{30 - MARKS_LISTED} earlier marks … » #{31 - MARKS_LISTED} 2026-10-" in line
    assert "» #30 2026-10-30" in line and "» #1 " not in line
    assert line.count("» #") == MARKS_LISTED


def test_a_kpi_of_another_initiative_is_said_to_be_moved_by_this_ones_actions(
    cli, history: Store
) -> None:
    """A tester: an initiative's report listed 17 KPIs where the initiative has 7, the others
    there because its actions move them, and nothing said so."""
    from pdca.db.models import ActionChanges, InitiativeDraft, KpiDraft

    history.add_initiative(InitiativeDraft(name="Costs", objective="Spend less by 2027-06-30"))
    history.add_kpi(
        KpiDraft(name="Cloud bill", unit="k$", baseline=10, target=8, initiative="Costs")
    )
    ops_action = next(a for a in history.list_actions() if a.initiative == "Ops")
    history.edit_action(ops_action.id, ActionChanges(kpi="Cloud bill"))
    text = report(cli, "Ops", "--format", "md")
    section = text[text.index("### Cloud bill") :]
    assert section.split("\n\n")[2] == (
        "*initiative Costs's KPI, here because this initiative's actions move it*"
    )
    assert "here because" not in text[text.index("### Pages") :].split("###")[1]
    page = report(cli, "Ops", "--format", "html")
    assert "<em>initiative Costs&#x27;s KPI, here because this initiative" in page


def test_an_action_id_without_its_hash_is_said_beside_close_names(cli, history: Store) -> None:
    """With an initiative whose name holds the digit ("Q1 goals"), the close name was
    offered and "an action's report is #1" lost (a reviewer): both are said."""
    assert cli("initiative", "add", "Q1 goals").exit_code == 0
    result = cli("report", "1")
    assert_one_line_error(result, "did you mean “Q1 goals”? (an action's report is #1)")


def test_report_days_are_the_persons_own_as_the_audits_due_dates_are(cli, ok, monkeypatch) -> None:
    """Done on a New York evening, the report said the next day (UTC) beside a +30d audit
    counted from the local one, so an audit looked recorded before it was due (a lead's
    weeks). Every day in the report is the person's own."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    try:
        time.tzset()
        monkeypatch.setenv("PDCA_NOW", "2026-11-24T03:00:00Z")  # the 23rd, 22:00 EST
        ok("add", "Rota", "--owner", "bob", "--due", "+2d")
        ok("move", "1", "do")
        ok("checkin", "1", "live")
        ok("move", "1", "check")
        ok("move", "1", "act", "--verdict", "worked")
        ok("done", "1", "--decision", "standardize")
        monkeypatch.setenv("PDCA_NOW", "2026-12-24T03:30:00Z")  # the 23rd, 22:30 EST
        ok("followup", "1", "holding", "still on")
        md = report(cli, "#1", "--format", "md")
        assert "— **standardize** 2026-11-23\n" in md
        assert "| #1 Rota | +30d | 2026-12-23 | holding 2026-12-23 |" in md
        html = report(cli, "#1", "--format", "html")
        assert "<td>standardize 2026-11-23</td>" in html
        assert "holding 2026-12-23</td>" in html
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_the_reports_format_follows_its_out_name_and_a_name_of_another_is_refused(
    store, cli, tmp_path: Path
) -> None:
    """``report --out rep.csv`` wrote Markdown into a .csv, and ``r.html --format md`` a
    Markdown page, where export refuses a name of another format (a tester). The name sets
    the format when --format does not."""
    for name, asked, said in (
        ("rep.csv", (), "ends in .csv, but the report is md (name it .md)"),
        ("r.html", ("--format", "md"), "ends in .html, but the report is md (name it .md)"),
        ("r.md", ("--format", "html"), "ends in .md, but the report is html (name it .html)"),
    ):
        refused = cli("report", "--out", str(tmp_path / name), *asked)
        assert refused.exit_code == 1 and refused.stderr.endswith(f"{said}\n"), refused.stderr
        assert not (tmp_path / name).exists()
    assert cli("report", "--out", str(tmp_path / "page.html")).exit_code == 0
    assert (tmp_path / "page.html").read_text().startswith("<!DOCTYPE html>")
    assert cli("report", "--out", str(tmp_path / "notes.txt")).exit_code == 0
    assert not (tmp_path / "notes.txt").read_text().startswith("<!DOCTYPE")  # md, by default


def test_repeat_rounds_ticked_off_before_act_are_no_decision(cli, store: Store) -> None:
    """A weekly review's rounds standardized from Plan read "standardize 15" beside 6
    follow-up audits (a coach): routine, they are no decision, the team's or an
    initiative's. A round taken through Act is one, as any action."""
    from pdca.db.models import ActionDraft, CheckinDraft, InitiativeDraft
    from pdca.db.recurrence import add_repeating_action
    from pdca.db.report import build_report

    store.add_initiative(InitiativeDraft(name="Ops"))
    ops: dict[str, Any] = {"initiative": "Ops", "owner": "bob", "due": "2026-12-30"}
    rounds = [
        add_repeating_action(store, ActionDraft(title=f"review {n}", **ops), "week mon")
        for n in range(3)
    ]
    real = store.add_action(ActionDraft(title="fix it", **ops))
    for action in rounds[:2]:
        store.complete_action(action.id, "standardize")  # ticked off from Plan
    for action_id in (real.id, rounds[2].id):  # through Act
        store.move_action(action_id, "do")
        store.add_checkin(action_id, CheckinDraft(message="ran it"))
        store.move_action(action_id, "check")
        store.move_action(action_id, "act", verdict="worked")
        store.complete_action(action_id, "standardize")
    for target in (None, "Ops"):
        decisions = build_report(store, target).decisions
        assert (decisions.standardize, decisions.adjust, decisions.abandon) == (2, 0, 0), target
        # and said beside them: the done list holds them, "standardize" each (a reviewer)
        assert decisions.repeat_rounds == 2, target
    text = report(cli, "--format", "md")
    assert "Decisions: standardize 2, adjust 0, abandon 0; 2 repeat rounds ticked off" in text
    # and in the done list, not "standardize" each (a retrial)
    assert text.count("**repeat round ticked off**") == 2 and text.count("**standardize**") == 2
    page = report(cli, "--format", "html")
    assert page.count("repeat round ticked off") == 2 and "2 repeat rounds ticked off" in page
    # and in one action's report (a reviewer: "#41" counted it a standardize)
    one = report(cli, f"#{rounds[0].id}", "--format", "md")
    assert "Decisions: standardize 0, adjust 0, abandon 0; 1 repeat round ticked off" in one


def test_a_reading_just_before_the_52_weeks_is_neither_counted_nor_charted(
    cli, store: Store
) -> None:
    """A reading a day before the chart's 52 weeks was counted ("324 readings", of 323) and
    averaged into its first week: int() rounds toward zero (an analyst's year)."""
    from datetime import timedelta

    from pdca.db.models import InitiativeDraft, KpiDraft, ReadingDraft
    from pdca.tui.report_md import weekly_means
    from tests.conftest import NOW_DT

    store.add_initiative(InitiativeDraft(name="Yield", objective="Fewer rejects"))
    store.add_kpi(KpiDraft(name="FPY", unit="%", baseline=90, target=95, initiative="Yield"))
    before = NOW_DT - timedelta(weeks=52, days=1)
    store.record_reading(ReadingDraft(kpi="FPY", value=80), before + timedelta(hours=23))
    store.record_reading(ReadingDraft(kpi="FPY", value=90), NOW_DT - timedelta(weeks=51, days=6))
    text = report(cli, "Yield", "--format", "md")
    [line] = [ln for ln in text.splitlines() if " in the last 52 weeks" in ln]
    assert line.startswith("1 reading in the last 52 weeks"), line
    stamp = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert weekly_means([(stamp, 80.0)], NOW_DT) == [None] * 52
    # nor in the HTML's chart, which drew what the text no longer counted (a retrial)
    from pdca.db.report import build_report

    [kpi] = build_report(store, "Yield").kpis
    assert [value for _at, value in kpi.readings] == [90.0]


def test_the_done_heading_says_how_many_were_abandoned(cli, ok) -> None:
    """ "Done (13)" counted 2 abandoned actions, read by a boss as delivered (a programme
    lead): "Done (3, 1 of them abandoned)"."""
    ok("initiative", "add", "Ship", "--objective", "Faster releases")
    for n in range(1, 4):
        ok("add", f"Step {n}", "--initiative", "Ship", "--owner", "dana", "--due", "+1w")
    ok("done", "1", "--decision", "abandon")
    for n in ("2", "3"):
        ok("move", n, "do")
        ok("checkin", n, "tried it")
        ok("move", n, "check")
    ok("move", "2", "act", "--verdict", "worked")
    ok("done", "2", "--decision", "standardize")
    ok("move", "3", "act", "--verdict", "did-not")
    ok("done", "3", "--decision", "abandon")
    text = report(cli, "Ship", "--format", "md")
    assert "### Done (3, 2 of them abandoned)" in text, text
    page = report(cli, "Ship", "--format", "html")
    assert "<h3>Done (3, 2 of them abandoned)</h3>" in page
    assert "No follow-up audit recorded or due" not in page  # three are ahead
    assert "0 waiting; 3 ahead, the next due 2026-12-23.</p>" in page, page


def test_abandoned_work_is_not_said_done_late() -> None:
    """An action given up after its due date was listed "done late", as if delivered late."""
    from types import SimpleNamespace

    from pdca.tui.report_md import late_words

    ended = {"done_at": "2026-11-20T09:00:00Z", "due": "2026-11-10", "overdue": False}
    assert late_words(SimpleNamespace(**ended, decision="abandon")) == ""  # type: ignore[arg-type]
    assert late_words(SimpleNamespace(**ended, decision="standardize")) == "done late"  # type: ignore[arg-type]


def test_a_signal_alert_whose_rule_is_over_names_the_signal_that_holds_now(
    cli, store: Store
) -> None:
    """The run its alert was raised for was over, another bad-side rule held now: "(not
    holding now)" read as the drift over, while kpi list and kpi show named today's signal (a
    month's trial). Both are said."""

    _a_run_then(store, [9.5, 20.0])  # one past the limit
    rules = [r[0] for r in store.conn.execute("SELECT rule FROM alerts WHERE closed_at IS NULL")]
    assert rules and "we1" not in rules, rules  # the run's alert, none for the limit
    text = report(cli, "Flow", "--format", "md")
    assert "(its rule no longer holding): 8 readings in a row above the centre line" in text
    assert "; signal now: a reading above the upper natural limit" in text
    assert "(not holding now)" not in text


def test_an_audit_recorded_in_the_window_counts_whenever_its_work_was_done(
    cli, store: Store, db_path
) -> None:
    """Today's slip of work standardized 18 weeks ago read "0 slipped" in the team's report,
    beside the initiatives' table that counted it (a retrial): the window's audits count."""
    from pdca.db import accountability as acc
    from tests.conftest import NOW_DT

    action_id = standardized_long_ago(
        db_path, "Old std", back=timedelta(weeks=18), due=date(2026, 7, 20)
    )
    for f in store.action_detail(action_id).followups:
        if f.due <= NOW_DT.date().isoformat():
            acc.record_followup(store, f.id, "slipped" if f.offset_days == 90 else "holding")
            if f.offset_days == 90:
                break
    text = report(cli, "--format", "md")
    assert "Follow-up audits: 2 holding, 1 slipped" in text, text.split("Follow-up audits")[1][:80]
    # and the ones still waiting, however long past their day (a reviewer)
    standardized_long_ago(db_path, "Older std", back=timedelta(weeks=20), due=date(2026, 7, 1))
    text = report(cli, "--format", "md")
    assert "3 waiting (3 past their day)" in text, text.split("Follow-up audits")[1][:80]
