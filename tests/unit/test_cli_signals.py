"""``pdca kpi show|list`` carry the XmR limits and signals; ``kpi add|edit`` set the alerts
mode and the baseline period; ``kpi record`` says when a signal raised an alert."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW_DT
from tests.unit.test_bad_input import assert_one_line_error, sha256

KPI = "Lead time"
BASE = [11.0, 9.0] * 10


@pytest.fixture
def js(ok):
    """These tests name the command; --json is added (the shared js takes it as given)."""
    return lambda *args: json.loads(ok(*args, "--json").stdout)


def day(days_ago: int) -> str:
    return (NOW_DT - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def kpi(ok, tmp_path: Path) -> str:
    ok("kpi", "add", KPI, "--unit", "d", "--baseline", "10", "--target", "5", "--alert", "25",
       "--owner", "dana")  # fmt: skip
    rows = "".join(f"{KPI},{day(40 - i)},{v}\n" for i, v in enumerate(BASE + [10.5] * 7))
    path = tmp_path / "r.csv"
    path.write_text("name,at,value\n" + rows)
    ok("kpi", "import", str(path))
    return KPI


def test_show_prints_limits_and_signals(ok, kpi) -> None:
    out = ok("kpi", "record", KPI, "10.5").stdout
    assert "(signal: 8 readings in a row above the centre line): dana to acknowledge" in out
    text = ok("kpi", "show", KPI).stdout
    assert "process limits (XmR, baseline the first readings: 20 readings" in text
    assert "  centre       10 d" in text
    assert "  limits       4.68 to 15.32 d (mean moving range 2, upper range limit 6.536)" in text
    assert "  signal now   8 readings in a row above the centre line" in text
    assert "8 readings in a row above the centre line (worse, 8 readings)" in text
    assert "alerts on    threshold breaches and process signals" in text
    assert "signal: 8 readings in a row above the centre line  waiting for dana" in text


def test_show_says_which_readings_a_later_baseline_does_not_judge(ok, kpi) -> None:
    """A re-baseline made "signals in the last year (0)" of a year whose earlier readings no
    rule judged any more (a coach lost the shift the re-baseline followed): the list says
    from when it judges, and how many readings before it are not judged."""
    from pdca.db.clock import local_day

    before = ok("kpi", "show", KPI).stdout
    assert "signals in the last year (" in before and "not judged" not in before
    ok("kpi", "edit", KPI, "--baseline-from", day(30)[:10])
    text = ok("kpi", "show", KPI).stdout
    assert f"signals since the baseline began on {local_day(day(30))} (" in text
    assert "  (the 10 readings before it are not judged by these limits)" in text
    assert "signals in the last year" not in text


def test_show_json_carries_limits_and_signals(ok, js, kpi) -> None:
    ok("kpi", "record", KPI, "10.5")
    shown = js("kpi", "show", KPI)
    limits = shown["limits"]
    assert limits["centre"] == pytest.approx(10) and limits["mr_bar"] == pytest.approx(2)
    assert limits["upper"] == pytest.approx(15.32) and limits["url"] == pytest.approx(6.536)
    assert limits["baseline_count"] == 20
    [signal] = shown["signals"]
    assert (signal["rule"], signal["side"], signal["bad"]) == ("we4", "up", True)
    assert len(signal["points"]) == 8
    assert [s["rule"] for s in shown["kpi"]["signals"]] == ["we4"]
    assert shown["alerts"][0]["rule"] == "we4"
    [row] = js("kpi", "list")
    assert [s["rule_text"] for s in row["signals"]] == ["8 readings in a row above the centre line"]
    assert "8 on one side" in ok("kpi", "list").stdout


def test_no_limits_yet_says_so(ok, js) -> None:
    ok("kpi", "add", "New", "--unit", "x", "--baseline", "1", "--target", "2")
    ok("kpi", "record", "New", "1")
    assert "process limits: too few baseline readings yet" in ok("kpi", "show", "New").stdout
    assert js("kpi", "show", "New")["limits"] is None


def test_alerts_mode_and_baseline_period(ok, js, kpi) -> None:
    made = js("kpi", "edit", KPI, "--alerts", "thresholds", "--baseline-from", day(30)[:10])
    assert (made["alerts_mode"], made["baseline_from"]) == ("thresholds", day(30)[:10])
    ok("kpi", "record", KPI, "10.5")
    assert js("alerts") == []  # thresholds only
    assert "alerts on    threshold breaches only" in ok("kpi", "show", KPI).stdout
    cleared = js("kpi", "edit", KPI, "--baseline-from", "none", "--alerts", "both")
    assert (cleared["alerts_mode"], cleared["baseline_from"]) == ("both", None)
    assert [a["rule"] for a in js("alerts")] == ["we4"]  # judged again at the edit
    added = js("kpi", "add", "Other", "--unit", "x", "--baseline", "1", "--target", "2",
               "--alerts", "signals", "--baseline-to", "2026-11-01")  # fmt: skip
    assert (added["alerts_mode"], added["baseline_to"]) == ("signals", "2026-11-01")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["kpi", "edit", KPI, "--baseline-from", "2026-11-02", "--baseline-to", "2026-11-01"],
         ("baseline-to: '2026-11-01' is before the baseline's start",)),
        (["kpi", "edit", KPI, "--baseline-from", "someday"], ("baseline-from: 'someday'",)),
    ],
)  # fmt: skip
def test_bad_baseline_is_one_line_and_writes_nothing(cli, kpi, db_path: Path, args, fragments):
    digest = sha256(db_path)
    assert_one_line_error(cli(*args), *fragments)
    assert sha256(db_path) == digest


def test_move_to_act_prints_the_evidence_line_the_verdict_prompt_shows(
    cli, ok, store, db_path: Path
) -> None:
    from tests.tui.test_verdict_evidence import make_db

    action_id = make_db(store, db_path, [7.0] * 9)
    moved = ok("move", str(action_id), "act", "--verdict", "worked")
    assert moved.stdout.splitlines() == [
        f"moved #{action_id} [act] Pair on reviews",
        f"Lead time: shifted down since #{action_id} entered Do, 9 readings in a row below the old "
        "centre line (10)",
    ]


def test_move_to_act_of_an_action_without_a_kpi_prints_only_the_move(ok) -> None:
    ok("add", "x", "--owner", "bo", "--due", "+1w")
    ok("move", "1", "do")
    ok("checkin", "1", "going")
    ok("move", "1", "check")
    assert ok("move", "1", "act", "--verdict", "worked").stdout == "moved #1 [act] x\n"


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["kpi", "show", "Deploy frequency"],
         ("kpi: “Deploy frequency” is not a known KPI; ",
          "did you mean “Deploy frequency (checkout)”, ",
          "“Deploy frequency (payments)” (and 1 more: pdca kpi list)?")),
        (["kpi", "show", "Deploy frequncy (data)"], ("did you mean “Deploy frequency (data)”",)),
        (["kpi", "edit", "deploy freq", "--unit", "x"],
         ("kpi: “deploy freq” is not a known KPI; did you mean",)),
        (["kpi", "record", "Deploy frequency", "3"],
         ("kpi: “Deploy frequency” is not a known KPI; did you mean",)),
        (["kpi", "show", "zzz"], ("kpi: “zzz” is not a known KPI (list them: pdca kpi list)",)),
    ],
)  # fmt: skip
def test_an_unknown_kpi_name_suggests_up_to_five_close_ones(
    cli, ok, db_path: Path, args, fragments
) -> None:
    for team in ("checkout", "data", "growth", "identity", "payments", "search"):
        ok("kpi", "add", f"Deploy frequency ({team})", "--unit", "n", "--baseline", "5",
           "--target", "9")  # fmt: skip
    digest = sha256(db_path)
    error = assert_one_line_error(cli(*args), *fragments)
    assert error.count("“Deploy frequency (") <= 5
    if "zzz" in args:
        assert "did you mean" not in error
    assert sha256(db_path) == digest


def test_the_baseline_period_is_utc_days_for_everyone_and_signal_days_the_persons_own(
    ok, js, tmp_path: Path, monkeypatch
) -> None:
    """The baseline's limits decide which readings raise an alert: taken on the reader's
    own days, a cron job in UTC and a lead in Auckland got different limits from one file
    (a reviewer). The period is UTC days, said so; the signals' days are the person's own,
    as the chart's (a lead's weeks). Readings at 20:00 UTC are the next morning there."""
    import time

    ok("kpi", "add", "Incidents", "--unit", "n", "--baseline", "5", "--target", "2")
    rows = "".join(f"Incidents,2026-11-{d:02}T20:00:00Z,{d}\n" for d in range(1, 21))
    path = tmp_path / "r.csv"
    path.write_text("name,at,value\n" + rows)
    ok("kpi", "import", str(path))
    ok("kpi", "edit", "Incidents", "--baseline-from", "2026-11-02", "--baseline-to", "2026-11-11")
    limits = {}
    for zone in ("UTC", "Pacific/Auckland"):
        monkeypatch.setenv("TZ", zone)
        try:
            time.tzset()
            limits[zone] = js("kpi", "show", "Incidents")["limits"]
            text = ok("kpi", "show", "Incidents").stdout
        finally:
            monkeypatch.setenv("TZ", "UTC")
            time.tzset()
        # its readings by their UTC days too, in every zone: by Auckland's they fell outside
        # the period just set (a trial)
        assert (
            "baseline 2026-11-02 to 2026-11-11, UTC days: 10 readings 2026-11-02 to 2026-11-11)"
            in text
        )
        assert "signals since the baseline began on 2026-11-02 (" in text  # the same day
    assert limits["UTC"] == limits["Pacific/Auckland"]
    # the readings of the 2nd..11th UTC evening
    assert (limits["UTC"]["baseline_count"], limits["UTC"]["centre"]) == (10, pytest.approx(6.5))
    # the run's days as the chart shows them there: the 21st is the 20th's evening, UTC
    assert "  2026-11-11..2026-11-21  a reading above the upper natural limit" in text
