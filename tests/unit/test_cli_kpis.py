"""``pdca kpi ...`` and ``pdca alerts ...`` through click's runner, at the fixed clock."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import NOW
from tests.unit.test_bad_input import assert_one_line_error, sha256

KPI = "Resolution time"
EVERY_FIELD = [
    "--unit", "h", "--baseline", "30", "--target", "24", "--direction", "down",
    "--warn", "32", "--alert", "34", "--owner", "dana", "--target-date", "2027-03-31",
    "--cadence", "weekly", "--perspective", "delivery", "--escalate-to", "erin,alice",
    "--benchmark", "20", "--benchmark-source", "HDI 2025", "--initiative", "Faster support",
]  # fmt: skip


@pytest.fixture
def js(ok):
    """These tests name the command; --json is added (the shared js takes it as given)."""
    return lambda *args: json.loads(ok(*args, "--json").stdout)


@pytest.fixture
def kpi(ok) -> str:
    ok("initiative", "add", "Faster support")
    ok("kpi", "add", KPI, *EVERY_FIELD)
    return KPI


def test_kpi_add_names_every_missing_option_at_once(cli, ok) -> None:
    """--unit, then --baseline, came one refusal at a time (a lead ran kpi add three times)."""
    said = cli("kpi", "add", "Lead time", "--target", "10")
    assert said.exit_code != 0 and "Missing options '--unit', '--baseline'." in said.stderr
    said = cli("kpi", "add", "Lead time", "--unit", "h", "--baseline", "12")
    assert said.exit_code != 0 and "Missing option '--target'." in said.stderr
    assert json.loads(ok("kpi", "list", "--json").stdout) == []  # nothing written
    ok("kpi", "add", "Lead time", "--unit", "h", "--baseline", "12", "--target", "10")


def test_kpi_add_takes_every_field(js, kpi) -> None:
    [made] = js("kpi", "list")
    assert (made["cadence"], made["perspective"], made["escalation"]) == (
        "weekly",
        "delivery",
        ["erin", "alice"],
    )
    assert (made["benchmark"], made["benchmark_source"], made["target_date"]) == (
        20,
        "HDI 2025",
        "2027-03-31",
    )
    assert (made["warn"], made["alert"], made["owner"], made["initiative"]) == (
        32,
        34,
        "dana",
        "Faster support",
    )
    assert (made["status"], made["trend"], made["open_alert"]) == ("no-data", "unknown", None)


def test_kpi_edit_changes_and_clears(js, ok, kpi) -> None:
    edited = js("kpi", "edit", KPI, "--alert", "40", "--benchmark", "none", "--escalate-to",
                "frank", "--cadence", "daily", "--name", "TTR")  # fmt: skip
    assert (edited["name"], edited["alert"], edited["cadence"]) == ("TTR", 40, "daily")
    assert (edited["benchmark"], edited["benchmark_source"]) == (None, None)
    assert edited["escalation"] == ["frank"] and edited["version"] == 2
    assert ok("kpi", "edit", "TTR", "--owner", "none").stdout == "edited KPI TTR\n"
    assert js("kpi", "show", "TTR")["kpi"]["owner"] is None


def test_a_reading_older_than_the_newest_says_its_alerts_follow_that_one(cli, ok, kpi) -> None:
    """A reading now, after one dated a few minutes ahead (clock skew), raised nothing and
    said nothing of why (a retrial)."""
    ok("kpi", "record", KPI, "30", "--at", "2026-11-23T09:03:00Z")
    result = cli("kpi", "record", KPI, "35")
    assert result.exit_code == 0
    assert result.stdout == f"recorded 35 for {KPI} at {NOW}\n"
    assert result.stderr == (
        "note: older than its newest reading (2026-11-23T09:03:00Z): its alerts follow that one\n"
    )


def test_record_raises_then_closes_and_alerts_lists_and_acks(cli, ok, js, kpi) -> None:
    text = ok("kpi", "record", KPI, "35").stdout
    assert text.splitlines() == [
        f"recorded 35 for {KPI} at {NOW}",
        # what raised it, with the unit, as the signal's says its rule (a new user)
        "raised alert 1 (35 h is above the alert threshold 34 h): dana to acknowledge by"
        " 2026-11-24T09:00:00Z",
    ]
    listed = js("alerts")
    assert [(a["id"], a["assignee"], a["overdue"]) for a in listed] == [(1, "dana", False)]
    # a table whose rows say what raised each alert (a threshold's said nothing: a tester)
    head, row = ok("alerts").stdout.splitlines()
    assert head.split() == ["ID", "KPI", "RAISED", "WHY", "STATE"]
    assert row.split("  ")[0] == "1"
    assert "  35 h is above the alert threshold 34 h  waiting for dana by " in row
    assert js("alerts", "--mine") == []  # alice is not the owner
    acked = js("alerts", "ack", "1", "draining the queue")
    assert (acked["acknowledged_by"], acked["ack_note"]) == ("alice", "draining the queue")
    again = cli("alerts", "ack", "1", "me too")
    assert_one_line_error(again, "alert 1 was acknowledged by alice at", "nothing written")
    # What is being done is in the lines too, as in the app (a long note cut: --json has it),
    # in a NOTE column of its own that gives way first (whole in STATE, it had pushed RAISED
    # and WHY out of the table below 160 columns, a tester).
    listed = ok("alerts").stdout.splitlines()
    assert listed[0].split() == ["ID", "KPI", "RAISED", "WHY", "STATE", "NOTE"]
    assert listed[1].endswith(f"acknowledged by alice {NOW}  draining the queue")
    shown = ok("kpi", "show", KPI).stdout
    assert shown.count(": draining the queue\n") == 1
    assert "  35 h is above the alert threshold 34 h  acknowledged by" in shown  # its why
    closed = ok("kpi", "record", KPI, "30").stdout.splitlines()  # said, as raising is
    assert closed[1:] == [
        f"closed alert 1 on KPI {KPI!r}: 30 h is back under the alert threshold 34 h"
    ]
    assert js("alerts") == []


def test_a_busy_file_still_lists_the_alerts_with_their_pass_ons(
    cli, ok, kpi, monkeypatch, db_path
) -> None:
    """A lock held past the wait while a pass-on was due: ``pdca alerts --overdue`` (the
    README's cron line) exited 75 with no list, and ``kpi record`` 75 "nothing written" after
    its reading was written (a retrial). The pass-ons apply to what is shown all the same."""
    from pdca.db import connection
    from tests.conftest import LockHolder

    ok("kpi", "record", KPI, "35")
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setenv("PDCA_NOW", "2026-11-26T09:00:01Z")  # past every deadline on the path
    holder = LockHolder(db_path)
    try:
        late = cli("alerts", "--overdue")
    finally:
        holder.release()
    assert late.exit_code == 3, late.stderr
    assert "waiting for alice by 2026-11-26T09:00:00Z (escalated 2x)  OVERDUE" in late.stdout
    assert late.stderr.startswith("note: the file is busy: alerts past their deadline")
    escalated = "SELECT count(*) FROM events WHERE summary LIKE 'escalated alert%'"
    assert json.loads(cli("alerts", "--json").stdout)[0]["escalation_level"] == 2
    with sqlite3.connect(db_path) as conn:
        assert conn.execute(escalated).fetchone()[0] == 2  # written down by the next one


def test_alerts_exit_3_when_one_was_not_acknowledged_in_time(cli, ok, kpi, monkeypatch) -> None:
    ok("kpi", "record", KPI, "35")
    monkeypatch.setenv("PDCA_USER", "erin")
    # An hour past dana's deadline: erin holds it, in time; nothing is overdue.
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T10:00:00Z")
    mine = cli("alerts", "--mine")
    assert mine.exit_code == 0
    assert "waiting for erin by 2026-11-25T09:00:00Z (escalated 1x)\n" in mine.stdout
    none = cli("alerts", "--overdue")  # silent for cron, which mails any output (a lead)
    assert (none.exit_code, none.stdout, none.stderr) == (0, "", "")
    # alice, the last on the path, has until 2026-11-26T09:00:00Z.
    for now, code in (("08:59:59", 0), ("09:00:00", 0), ("09:00:01", 3)):
        monkeypatch.setenv("PDCA_NOW", f"2026-11-26T{now}Z")
        every, late = cli("alerts"), cli("alerts", "--overdue")
        assert (every.exit_code, late.exit_code) == (code, code), now
        assert ("OVERDUE" in every.stdout) == (code == 3) == (late.stdout == every.stdout), now
    assert "waiting for alice by 2026-11-26T09:00:00Z (escalated 2x)  OVERDUE" in late.stdout
    assert late.stderr == "pdca: 1 alert not acknowledged in time\n"
    assert cli("alerts", "--overdue", "--json").exit_code == 3
    ok("alerts", "ack", "1", "on it")
    assert cli("alerts", "--overdue").exit_code == 0


def test_a_threshold_moved_away_and_back_reopens_the_acknowledged_alert(ok, js) -> None:
    """150, 160, 150 again over a reading of 155 acknowledged: a new alert asked ann again,
    with a fresh day (a tester). The same alert reopens, acknowledged as it was."""
    ok("kpi", "add", "Backlog", "--unit", "tickets", "--baseline", "100", "--target", "80",
       "--alert", "150", "--owner", "ann")  # fmt: skip
    ok("kpi", "record", "Backlog", "155")
    ok("alerts", "ack", "1", "known: the migration")
    ok("kpi", "edit", "Backlog", "--alert", "160")
    said = ok("kpi", "edit", "Backlog", "--alert", "150")
    assert said.stdout.splitlines()[1] == (
        "reopened alert 1 on KPI 'Backlog': 155 tickets is above the alert threshold 150"
        " tickets again, as the threshold is edited now"
    )
    assert "raised" not in said.stdout + said.stderr
    [alert] = js("alerts", "--json")
    assert (alert["id"], alert["acknowledged_by"]) == (1, "alice")
    assert "Alert reopened: Backlog — 155 tickets is above" in ok("standup").stdout
    ok("undo")
    assert js("alerts", "--json") == []


def test_kpi_list_names_whom_a_passed_on_alert_waits_for(ok, monkeypatch) -> None:
    """``dana`` alone hid that lena was to answer now (a new user); the app says both."""
    ok("kpi", "add", "Queue", "--unit", "min", "--baseline", "20", "--target", "10",
       "--alert", "30", "--owner", "dana", "--escalate-to", "lena")  # fmt: skip
    ok("kpi", "record", "Queue", "31")
    assert "dana → lena" not in ok("kpi", "list").stdout
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T10:00:00Z")
    assert "dana → lena" in ok("kpi", "list").stdout
    ok("alerts", "ack", "1", "on it")
    assert "dana → lena" not in ok("kpi", "list").stdout


def test_kpi_list_says_an_alert_waits_beside_a_status_that_looks_fine(ok) -> None:
    """ "On-call pages  ok" while its alert waited for dave: the app flagged it and the report
    said so, the list did not (a lead's Monday)."""
    ok("kpi", "add", "Queue", "--unit", "min", "--baseline", "20", "--target", "10",
       "--alert", "30", "--owner", "dana")  # fmt: skip
    ok("kpi", "record", "Queue", "31")
    assert "alert, alert 1 waits" in ok("kpi", "list").stdout
    # a second one open beside it (a signal's): both named (one of two was, a retrial)
    conn = sqlite3.connect(os.environ["PDCA_DB"])
    with conn:
        columns = [c[1] for c in conn.execute("PRAGMA table_info(alerts)") if c[1] != "id"]
        names = ", ".join(columns)
        picked = ", ".join("'we1'" if c == "rule" else c for c in columns)
        conn.execute(f"INSERT INTO alerts ({names}) SELECT {picked} FROM alerts WHERE id = 1")
    conn.close()
    assert "alert, alerts 1, 2 wait" in ok("kpi", "list").stdout
    # One reading raised both: one acknowledgement answers both (a quality manager's second
    # went on to escalate), and says so.
    acked = ok("alerts", "ack", "1", "on it")
    assert acked.stdout == "acknowledged alerts 1 and 2 (Queue): both of one reading\n"
    assert acked.stderr == (  # both dana's: "it waited" of two (a retrial)
        "note: they waited for dana: acknowledged in their place, they escalate no further\n"
    )
    assert "wait" not in ok("kpi", "list").stdout
    ok("undo")  # one change: both wait again
    assert "alert, alerts 1, 2 wait" in ok("kpi", "list").stdout
    # a script reads which went with it (the alert alone was printed, a reviewer)
    shown = json.loads(ok("alerts", "ack", "2", "on it", "--json").stdout)
    assert (shown["id"], shown["acknowledged_with"]) == (2, [1])


def test_kpi_list_names_a_signal_alert_open_when_the_chart_shows_none_now(ok) -> None:
    """SIGNAL said "-" for a KPI whose signal alert waited, which the KPIs view marks ↯
    (a quality lead): the alert is named there."""
    ok("kpi", "add", "Pages", "--unit", "n", "--baseline", "5", "--target", "2")
    ok("kpi", "record", "Pages", "4")
    conn = sqlite3.connect(os.environ["PDCA_DB"])
    with conn:
        conn.execute(
            "INSERT INTO alerts (kpi_id, reading_id, rule, raised_at, assignee, ack_due)"
            " SELECT k.id, r.id, 'we1', r.at, 'dana', r.at FROM kpis k"
            " JOIN kpi_readings r ON r.kpi_id = k.id WHERE k.name = 'Pages'"
        )
    conn.close()
    (line,) = [row for row in ok("kpi", "list").stdout.splitlines() if row.startswith("Pages")]
    assert "was beyond a limit (alert 1)" in line  # not now: the signal held then


def test_acknowledging_someone_elses_alert_says_it_ends_their_escalation(ok, monkeypatch) -> None:
    """Anyone may acknowledge (a holiday, a lead stepping in), but frank's ack of grace's
    alert ended its escalation without a word (a quality manager)."""
    for name in ("Queue", "Wait"):
        ok("kpi", "add", name, "--unit", "min", "--baseline", "20", "--target", "10",
           "--alert", "30", "--owner", "dana")  # fmt: skip
        ok("kpi", "record", name, "31")
    monkeypatch.setenv("PDCA_USER", "frank")
    said = ok("alerts", "ack", "1", "on it").stderr
    assert (
        said == "note: it waited for dana: acknowledged in their place, it escalates no further\n"
    )
    monkeypatch.setenv("PDCA_USER", "dana")
    assert ok("alerts", "ack", "2", "mine").stderr == ""


def test_a_warning_nobody_measured_since_says_its_reading_is_overdue(ok, js, monkeypatch) -> None:
    """A daily KPI in warning, not measured for 14 days, read "warn" as if measured today,
    with no mark of the missed cadence (a coach): the status outranks "overdue", and the
    list says both."""
    ok("kpi", "add", "Backlog", "--unit", "tickets", "--baseline", "100", "--target", "50",
       "--warn", "110", "--cadence", "daily")  # fmt: skip
    ok("kpi", "record", "Backlog", "115")
    [row] = js("kpi", "list")
    assert (row["status"], row["measurement_overdue"]) == ("warn", False)
    assert "warn, overdue" not in ok("kpi", "list").stdout
    monkeypatch.setenv("PDCA_NOW", "2026-12-07T09:00:00Z")
    [row] = js("kpi", "list")
    assert (row["status"], row["measurement_overdue"]) == ("warn", True)
    assert "warn, overdue" in ok("kpi", "list").stdout


def test_a_kpi_with_an_alert_nobody_acknowledged_is_listed_first(ok, js, monkeypatch) -> None:
    """A signal alert stays open after a good reading; sorted by that reading ("ok"), the KPI
    with an overdue alert nobody acknowledged came below a quiet one in warning (a coach). An
    alert waiting ranks as an alert."""
    ok("kpi", "add", "Alpha", "--unit", "min", "--baseline", "20", "--target", "10",
       "--warn", "25")  # fmt: skip
    ok("kpi", "add", "Beta", "--unit", "min", "--baseline", "20", "--target", "10",
       "--warn", "50", "--alert", "60", "--alerts", "both")  # fmt: skip
    for day in range(1, 21):  # a steady process: its natural limits
        monkeypatch.setenv("PDCA_NOW", f"2026-10-{day:02d}T09:00:00Z")
        ok("kpi", "record", "Beta", str(19 + day % 3))
    monkeypatch.setenv("PDCA_NOW", "2026-10-21T09:00:00Z")
    ok("kpi", "record", "Beta", "45")  # beyond the upper limit: a signal alert
    ok("kpi", "record", "Alpha", "26")  # in warning
    monkeypatch.setenv("PDCA_NOW", "2026-10-22T09:00:00Z")
    ok("kpi", "record", "Beta", "20")  # back: "ok", the alert still open
    rows = js("kpi", "list")
    beta = next(r for r in rows if r["name"] == "Beta")
    assert beta["status"] == "ok" and beta["open_alert"]["acknowledged_at"] is None
    assert [r["name"] for r in rows] == ["Beta", "Alpha"]
    ok("alerts", "ack", str(beta["open_alert"]["id"]), "looking into it")
    assert [r["name"] for r in js("kpi", "list")] == ["Alpha", "Beta"]  # answered: by reading


def test_a_signal_alert_closes_once_the_kpi_shifts_to_its_good_side(ok, cli, monkeypatch) -> None:
    """A weekly KPI's drift raised a signal alert; eight readings in a row on its good side
    since, kpi list still led with the drift's alert, to stay 16 readings (a lead's quarter).
    It closes once the KPI signals on its good side, a run's length after the bad one."""
    ok("kpi", "add", "Res", "--unit", "h", "--baseline", "20", "--target", "10",
       "--direction", "down", "--alerts", "signals")  # fmt: skip
    day = 0

    def record(value: float) -> str:
        nonlocal day
        day += 1
        monkeypatch.setenv("PDCA_NOW", f"2026-{9 + day // 28:02d}-{1 + day % 28:02d}T09:00:00Z")
        return ok("kpi", "record", "Res", str(value)).stdout

    for n in range(20):  # a steady process: its natural limits, centre 20
        record(19 + n % 3)
    assert "raised alert 1" in record(45)  # beyond the upper limit: worse
    said = [record(17) for _ in range(7)]  # seven in a row below the centre line: not yet
    assert not any("closed alert 1" in line for line in said)
    assert [a["id"] for a in json.loads(cli("alerts", "--json").stdout)] == [1]
    eighth = record(17)  # eight: a shift for the better, a run after the drift's signal
    assert "closed alert 1 on KPI 'Res': it shifted to its good side since (" in eighth
    assert eighth.rstrip().endswith("below the centre line), no signal on the bad side")
    assert json.loads(cli("alerts", "--json").stdout) == []


def test_record_json_says_the_alerts_it_raised_and_closed(js, kpi) -> None:
    """The text said "raised alert 1 ..." where --json gave the reading alone (a tester)."""
    made = js("kpi", "record", KPI, "35")
    assert made["value"] == 35 and made["kpi"] == KPI and made["closed"] == []
    assert made["raised"] == [
        {
            "id": 1,
            "rule_text": None,
            "assignee": "dana",
            "ack_due": "2026-11-24T09:00:00Z",
            "closed": False,
        }
    ]
    back = js("kpi", "record", KPI, "30")
    assert back["raised"] == [] and back["closed"] == [
        {
            "id": 1,
            "said": f"closed alert 1 on KPI {KPI!r}: 30 h is back under the alert threshold 34 h",
        }
    ]


def test_a_long_acknowledgement_note_gives_way_before_why_on_a_terminal(
    ok, kpi, env: dict[str, str]
) -> None:
    """A note said whole took RAISED and WHY out of ``pdca alerts`` below 160 columns (a
    tester): at 150 the note is cut and the rest of the row stays."""
    import sys

    from tests.pty_run import run_on_a_terminal

    ok("kpi", "record", KPI, "35")
    ok("alerts", "ack", "1", "draining the queue " * 8)
    status, shown = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui", "alerts"], {**env, "COLUMNS": "150"}
    )
    head, row = shown.decode().replace("\r", "").splitlines()
    assert status == 0 and len(row) <= 150
    assert head.split() == ["ID", "KPI", "RAISED", "WHY", "STATE", "NOTE"]
    assert "35 h is above the alert threshold 34 h" in row and "draining the queue dr" in row
    assert row.endswith("…")
    # at 80 the note goes before WHY does, as the README says: two open alerts said no reason
    # beside a note nobody was to act on (a KPI trial)
    ok("kpi", "record", KPI, "36", "--at", "2026-11-23T09:00:00Z")
    status, shown = run_on_a_terminal(
        [sys.executable, "-m", "pdca.tui", "alerts"], {**env, "COLUMNS": "80"}
    )
    head, *rows = shown.decode().replace("\r", "").splitlines()
    assert head.split() == ["ID", "KPI", "WHY", "STATE"], head
    assert all("35 h > alert 34 h" in row and len(row) <= 80 for row in rows), rows
    # and an acknowledged one's STATE as short as a waiting one's (with the year, it cut the
    # open alerts' WHY, a retrial)
    assert any(row.rstrip().endswith("ack'd by alice 11-23 09:00Z") for row in rows), rows


def test_at_80_columns_alerts_say_why_and_whom_in_fewer_words(ok, kpi, env: dict[str, str]) -> None:
    """At 80 columns WHY went, so a breach read like a signal, and "waiting for ... by
    2026-11-24T06:10:06Z (escalated 1x)" still wrapped (testers): in fewer words, both stay."""
    import sys

    from tests.pty_run import run_on_a_terminal

    ok("kpi", "record", KPI, "35")
    later = {**env, "COLUMNS": "80", "PDCA_NOW": "2026-11-24T10:00:00Z"}
    _, shown = run_on_a_terminal([sys.executable, "-m", "pdca.tui", "alerts"], later)
    head, row = shown.decode().replace("\r", "").splitlines()[:2]
    assert head.split() == ["ID", "KPI", "WHY", "STATE"]
    assert row.split("  ")[-1] == "erin by 11-25 09:00Z (esc. 1x)"
    assert "35 h > alert 34 h" in row and len(row) <= 80
    wide = {**later, "COLUMNS": "160"}
    _, shown = run_on_a_terminal([sys.executable, "-m", "pdca.tui", "alerts"], wide)
    assert "waiting for erin by 2026-11-25T09:00:00Z (escalated 1x)" in shown.decode()


def test_at_80_columns_kpi_list_keeps_whom_an_escalated_alert_waits_on(
    ok, kpi, env: dict[str, str]
) -> None:
    """ "bob → e…": whom the alert waits on now was cut first, the name a lead looks for (a
    newcomer); the owner column gives way last, the app's KPI table widens it too."""
    import sys

    from pdca.widgets.kpi_table import Layout
    from tests.pty_run import run_on_a_terminal

    ok("kpi", "record", KPI, "35")
    ok("kpi", "add", "Onboarding time of the enterprise tier's customers", "--unit", "days",
       "--baseline", "9", "--target", "5", "--perspective", "customer experience")  # fmt: skip
    later = {**env, "COLUMNS": "80", "PDCA_NOW": "2026-11-24T10:00:00Z"}
    _, shown = run_on_a_terminal([sys.executable, "-m", "pdca.tui", "kpi", "list"], later)
    head, *rows = shown.decode().replace("\r", "").splitlines()
    [row] = [row for row in rows if row.startswith("Resolution")]
    assert head.split()[-1] == "OWNER" and row.endswith("dana → erin"), (head, row)
    assert all(len(line) <= 80 for line in rows)
    assert Layout.for_width(79, len("heidi → alice")).owner == len("heidi → alice")
    assert Layout.for_width(79, len("heidi → alice")).spark >= 8
    assert Layout.for_width(79).owner == 8  # no one escalated: as it was


def test_kpi_show_lists_the_newest_readings_and_remove_reading_takes_one_out(
    cli, ok, js, kpi
) -> None:
    """A typo'd reading could not be found without --json, nor taken out (a new user)."""
    ok("kpi", "record", KPI, "30", "--at", "2026-11-22T09:00:00Z")
    ok("kpi", "record", KPI, "9999", "--note", "cron slip")
    shown = ok("kpi", "show", KPI).stdout.splitlines()
    newest = shown.index("readings: 2 in the last year")
    assert shown[newest + 1 : newest + 4] == [
        f"  2  9999 h  {NOW}  alice: cron slip",
        "  1  30 h  2026-11-22T09:00:00Z  alice",
        "  (a wrong one: pdca kpi remove-reading ID)",
    ]
    said = ok("kpi", "remove-reading", "#2").stdout.splitlines()
    assert said[0] == f"removed reading 2: 9999 h for {KPI} at {NOW} by alice"
    assert said[1].startswith(f"closed alert 1 on KPI {KPI!r}: the reading that raised it")
    assert [r["value"] for r in js("kpi", "show", KPI)["readings"]] == [30]
    assert_one_line_error(cli("kpi", "remove-reading", "2"), "no reading 2")
    assert_one_line_error(cli("kpi", "remove-reading", "x"), "id: 'x' is not a reading id")
    assert "9999 for KPI" in ok("undo").stdout
    removed = js("kpi", "remove-reading", "2", "--json")
    assert (removed["removed"]["value"], removed["raised"]) == (9999, [])


def test_remove_reading_says_every_alert_it_closed_or_kept_open(cli, ok) -> None:
    """A cron typo that raised a threshold and a signal alert: removing it closed both and
    crashed sorting their lines (a tester). One kept open says so too."""
    ok("kpi", "add", "lat", "--unit", "ms", "--baseline", "100", "--target", "50", "--alert", "120")
    for value in ("90", "85", "82", "78", "75"):
        ok("kpi", "record", "lat", value)
    raised = ok("kpi", "record", "lat", "1200").stdout
    assert "raised alert 1" in raised and "raised alert 2 (signal:" in raised
    said = ok("kpi", "remove-reading", "6").stdout.splitlines()
    assert said[1].startswith("closed alert 1 on KPI 'lat': the reading that raised it")
    assert said[2].startswith("closed alert 2 on KPI 'lat': the reading that raised it")
    ok("kpi", "record", "lat", "130")  # alert 3
    ok("kpi", "record", "lat", "140")
    kept = ok("kpi", "remove-reading", "7").stdout.splitlines()
    assert kept[1].endswith("the newest, 140 ms, is beyond the alert threshold too: it stays open")
    # What holds it open now is the newest, not the removed reading (130 named, a tester).
    # Removing the 140 now: it held the alert open, it did not raise it (a tester).
    assert "the reading that held it open (140 ms" in cli("kpi", "remove-reading", "8").stdout
    ok("undo")
    why = "140 ms is above the alert threshold 120 ms"
    assert why in ok("alerts").stdout and "130 ms" not in ok("alerts").stdout
    assert f"acknowledge by 2026-11-24 09:00 UTC; {why})" in ok("standup").stdout
    assert "Alert raised: lat — by a reading since removed" in ok("standup").stdout


def test_removing_a_typo_that_closed_an_alert_reopens_it_as_it_was(ok, js, monkeypatch) -> None:
    """3.6 typed for 36 closed the breach's alert; removing it raised a new one, back with
    the owner and a fresh day, where erin already held it (a new user). The closed one is
    reopened as it was; undo closes it again."""
    ok("kpi", "add", "Res", "--unit", "h", "--baseline", "30", "--target", "24", "--alert",
       "34", "--owner", "dana", "--escalate-to", "erin")  # fmt: skip
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T08:00:00Z")
    ok("kpi", "record", "Res", "35")
    monkeypatch.setenv("PDCA_NOW", "2026-11-25T09:05:00Z")
    ok("alerts")  # writes its pass to erin, missed by dana
    assert "closed alert 1" in ok("kpi", "record", "Res", "3.6").stdout
    said = ok("kpi", "remove-reading", "2").stdout.splitlines()
    assert said[1] == (
        "reopened alert 1 on KPI 'Res': the reading that closed it (3.6 h at"
        " 2026-11-25T09:05:00Z) was removed, and the newest, 35 h, is beyond the alert threshold"
    )
    [alert] = js("alerts", "--json")
    assert (alert["id"], alert["assignee"], alert["escalation_level"]) == (1, "erin", 1)
    assert alert["raised_at"] == "2026-11-24T08:00:00Z"
    ok("undo")
    assert js("alerts", "--json") == []
    # A typo below the threshold with the newest left within it: nothing to reopen.
    ok("kpi", "record", "Res", "36")  # alert 2
    ok("kpi", "record", "Res", "30")  # closes it
    ok("kpi", "record", "Res", "3")  # within too
    assert "reopened" not in ok("kpi", "remove-reading", "5").stdout
    assert js("alerts", "--json") == []


def _res_kpi(ok, alert: str = "34") -> None:
    ok("kpi", "add", "Res", "--unit", "h", "--baseline", "30", "--target", "24", "--alert",
       alert, "--owner", "ann")  # fmt: skip


def _as(monkeypatch, who: str, minute: int) -> None:
    monkeypatch.setenv("PDCA_USER", who)
    monkeypatch.setenv("PDCA_NOW", f"2026-11-23T09:{minute:02d}:00Z")


def _recorded(ok, monkeypatch, *readings: tuple[str, int, str]) -> None:
    """Readings of Res, each (who, minute past 09:00, value)."""
    for who, minute, value in readings:
        _as(monkeypatch, who, minute)
        ok("kpi", "record", "Res", value)


def test_undoing_a_reading_keeps_the_alert_a_colleagues_later_reading_still_breaches(
    ok, js, monkeypatch
) -> None:
    """ann's 50 raised alert 1, ben's 55 since: ann's undo deleted the alert, and the KPI sat
    beyond its threshold with none, silent (a reviewer). It stays, carried by the 55, as
    ``kpi remove-reading`` keeps it; undoing the 55 then closes it."""
    _res_kpi(ok)
    _recorded(ok, monkeypatch, ("ann", 0, "50"), ("ben", 5, "55"))
    _as(monkeypatch, "ann", 10)
    said = ok("undo", "--yes").stdout.splitlines()
    assert said == [
        "undid: “recorded 50 for KPI 'Res'”",
        "alert 1 on KPI 'Res' stays open: the newest reading left, 55 h, is beyond the alert"
        " threshold too",
    ]
    [alert] = js("alerts", "--json")
    assert (alert["id"], alert["assignee"], alert["raised_at"]) == (
        1,
        "ann",
        "2026-11-23T09:00:00Z",
    )
    _as(monkeypatch, "ben", 15)  # refused before: "other records refer to it now"
    said = ok("undo", "--yes").stdout.splitlines()
    assert said[1] == "closed alert 1 on KPI 'Res': the reading that held it open was undone"
    assert js("alerts", "--json") == []
    assert "ok" in ok("doctor").stdout


def test_undoing_a_closing_reading_leaves_one_alert_for_the_breach(ok, js, monkeypatch) -> None:
    """50 raised alert 1, ann's 20 closed it, ben's 55 raised alert 2; ann's undo reopened
    alert 1 beside alert 2, two waiting for one breach (a reviewer). The older stands."""
    _res_kpi(ok)
    _recorded(ok, monkeypatch, ("ben", 0, "50"), ("ann", 5, "20"), ("ben", 7, "55"))
    _as(monkeypatch, "ann", 10)
    said = ok("undo", "--yes").stdout.splitlines()
    assert said[-1] == "closed alert 2 on KPI 'Res': alert 1 stands for the same drift"
    assert [alert["id"] for alert in js("alerts", "--json")] == [1]


def test_undoing_a_threshold_edit_judges_the_alerts_raised_under_it_again(
    ok, js, monkeypatch
) -> None:
    """The alert at 60 tightened to 34, ben's 50 raised an alert under it; ann's undo put 60
    back and left the alert open over a KPI within its threshold (a reviewer)."""
    _res_kpi(ok, alert="60")
    _as(monkeypatch, "ann", 0)
    ok("kpi", "record", "Res", "20")
    ok("kpi", "edit", "Res", "--alert", "34")
    _as(monkeypatch, "ben", 5)
    ok("kpi", "record", "Res", "50")
    _as(monkeypatch, "ann", 10)
    said = ok("undo", "--yes").stdout.splitlines()
    assert said == [
        "undid: “edited KPI 'Res': alert”",
        "closed alert 1 on KPI 'Res': 50 h is under the new alert threshold 60 h",
    ]
    assert js("alerts", "--json") == []
    # The closing was the undo's own: ann's next undo is her change before, not a redo.
    assert ok("undo", "--yes").stdout.startswith("undid: “recorded 20 for KPI 'Res'”")


def test_removing_the_dip_between_two_breaches_reopens_the_older_alert(ok, js) -> None:
    """36, 20, 38 over an alert at 30: the 20 removed, the breach never ended. The older
    alert stayed closed and the newer waited alone, the older's holder lost (a tester): the
    older reopens and the newer closes into it; removing the 38 then keeps the older."""
    ok("kpi", "add", "Lat", "--unit", "ms", "--baseline", "25", "--target", "10", "--alert",
       "30", "--owner", "dana")  # fmt: skip
    for value in ("36", "20", "38"):
        ok("kpi", "record", "Lat", value)
    said = ok("kpi", "remove-reading", "2").stdout.splitlines()
    assert said[1].startswith("reopened alert 1 on KPI 'Lat': the reading that closed it (20 ms")
    assert said[2] == "closed alert 2 on KPI 'Lat': alert 1 stands for the same drift"
    assert [alert["id"] for alert in js("alerts", "--json")] == [1]
    # The stand-up tells it waits again, not only that it closed by a reading since gone.
    told = ok("standup").stdout
    # its time as the stand-up's others are said, not the log's ISO (a tester)
    assert (
        "Alert reopened: Lat — the reading that closed it (20 ms at 2026-11-23 09:00 UTC)" in told
    )
    assert "Alert closed: Lat — alert 1 stands for the same drift" in told
    ok("kpi", "remove-reading", "3")
    [alert] = js("alerts", "--json")
    assert alert["id"] == 1 and alert["raised_at"] == "2026-11-23T09:00:00Z"
    ok("undo")
    ok("undo")  # the 20 back: alert 1 closed by it, alert 2 open again as the 38 left it
    assert [alert["id"] for alert in js("alerts", "--json")] == [2]


def test_a_reopened_alert_gets_back_the_time_it_had_and_never_beats_an_acknowledged_one(
    ok, js, monkeypatch
) -> None:
    """Three days closed by a typo: it came back overdue, at lena at once, and the undo
    was then refused (testers). Its clock stopped while it was closed. And over a newer
    alert dana had acknowledged, the older came back and her note was lost (a reviewer)."""
    ok("kpi", "add", "Lat", "--unit", "ms", "--baseline", "10", "--target", "5", "--alert",
       "30", "--owner", "dana", "--escalate-to", "lena")  # fmt: skip
    for at, value in (("2026-11-20T09:00", "36"), ("2026-11-20T10:00", "20"),
                      ("2026-11-23T09:00", "38")):  # fmt: skip
        monkeypatch.setenv("PDCA_NOW", f"{at}:00Z")
        ok("kpi", "record", "Lat", value)
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:00:00Z")
    ok("kpi", "remove-reading", "2")
    [alert] = js("alerts", "--json")
    # closed an hour after raising, 23 h left: 23 h from now, with dana still
    assert (alert["id"], alert["assignee"], alert["ack_due"]) == (1, "dana", "2026-11-24T09:00:00Z")
    assert "reopened alert 1" in ok("undo").stdout
    ok("alerts", "ack", "2", "on it: rollback planned")
    ok("kpi", "remove-reading", "2")
    [alert] = js("alerts", "--json")
    assert (alert["id"], alert["ack_note"]) == (2, "on it: rollback planned")


def test_a_reopened_alert_past_its_deadline_as_it_closed_is_due_now_and_escalations_stand(
    ok, js, monkeypatch
) -> None:
    """Closed a day overdue, it came back "overdue since" a moment it was closed (a tester):
    it is due as it reopens. And an older alert reopened over a newer one already passed to
    bob took the breach back to dana, and bob got it twice (a tester): the newer stands."""
    ok("kpi", "add", "Res", "--unit", "h", "--baseline", "30", "--target", "24", "--alert",
       "34", "--owner", "dana", "--escalate-to", "bob,carl")  # fmt: skip
    for at, value in (("2026-11-20T09:00", "35"), ("2026-11-22T09:00", "30")):
        monkeypatch.setenv("PDCA_NOW", f"{at}:00Z")
        ok("kpi", "record", "Res", value)
    monkeypatch.setenv("PDCA_NOW", "2026-11-25T09:00:00Z")
    ok("kpi", "remove-reading", "2")
    [alert] = js("alerts", "--json")
    assert alert["id"] == 1 and alert["ack_due"] >= "2026-11-25T09:00:00Z"
    ok("undo")
    for at, value in (("2026-11-26T09:00", "36"),):  # alert 2, dana's, then passed to bob
        monkeypatch.setenv("PDCA_NOW", f"{at}:00Z")
        ok("kpi", "record", "Res", value)
    monkeypatch.setenv("PDCA_NOW", "2026-11-27T12:00:00Z")
    ok("alerts")  # writes the pass to bob
    ok("kpi", "remove-reading", "2")  # the 30 that closed alert 1
    [alert] = js("alerts", "--json")
    assert (alert["id"], alert["assignee"]) == (2, "bob")


def test_an_at_without_a_zone_is_the_persons_own_time(ok, js, kpi, monkeypatch) -> None:
    """``--at 2026-11-21`` west of UTC was UTC midnight: the evening before, on their clock (a
    tester's cron back-filled "today" into yesterday). A time with a zone is as said."""
    monkeypatch.setenv("TZ", "America/New_York")
    try:
        time.tzset()
        assert ok("kpi", "record", KPI, "30", "--at", "2026-11-21").stdout.endswith(
            "at 2026-11-21T05:00:00Z\n"
        )
        assert ok("kpi", "record", KPI, "31", "--at", "2026-11-21 10:00").stdout.endswith(
            "at 2026-11-21T15:00:00Z\n"
        )
        assert ok("kpi", "record", KPI, "32", "--at", "2026-11-21T10:00:00Z").stdout.endswith(
            "at 2026-11-21T10:00:00Z\n"
        )
    finally:
        monkeypatch.setenv("TZ", "UTC")  # as the env fixture set it, the clock read again
        time.tzset()


def test_a_day_whose_midnight_the_clock_skips_begins_when_it_does(ok, kpi, monkeypatch) -> None:
    """Santiago's summer time begins at 00:00 on 2026-09-06 (clocks go to 01:00): a reading
    for that day landed at 23:00 the day before (a reviewer). It is the day's first moment,
    01:00 -03, as ``standup --since`` begins it too."""
    monkeypatch.setenv("TZ", "America/Santiago")
    try:
        time.tzset()
        # the 6th begins at 01:00 -03, the 5th at 00:00 -04: both 04:00 in UTC
        for day in ("2026-09-06", "2026-09-05"):
            said = ok("kpi", "record", KPI, "30", "--at", day).stdout
            assert said.endswith(f"at {day}T04:00:00Z\n")
        from pdca.db.accountability import day_start

        assert day_start(date(2026, 9, 6)) == "2026-09-06T04:00:00Z"
    finally:
        monkeypatch.setenv("TZ", "UTC")  # as the env fixture set it, the clock read again
        time.tzset()


def test_kpi_show_text_and_json(ok, js, kpi) -> None:
    ok("kpi", "record", KPI, "33", "--at", "2026-11-22")
    text = ok("kpi", "show", KPI).stdout
    assert f"{KPI}  [warn]" in text and "escalates to erin, alice" in text
    assert "benchmark    20 h (HDI 2025)" in text
    assert "  trend        -" in text.splitlines()  # one reading tells no trend
    # An action linked but still in Plan has no before/after: the count says whose it gives.
    ok("add", "Linked, in Plan", "--kpi", KPI)
    # and none said as none, not as a rule of means over nothing (a new lead)
    assert "linked actions that entered Do: none yet" in ok("kpi", "show", KPI).stdout
    shown = js("kpi", "show", KPI)
    assert set(shown) == {"kpi", "readings", "changes", "alerts", "limits", "signals"}
    assert shown["kpi"]["status"] == "warn" and len(shown["readings"]) == 1


def test_import_good_and_bad(cli, ok, kpi, db_path: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    # the note's field left off where there is none, as a cron job writes it (refused for a
    # while, as an action CSV's short row is: a reviewer)
    good.write_text(
        f"name,at,value,note\n{KPI},2026-11-20,31\n,,,\n{KPI},2026-11-21,35,spike\n,,\n"
    )  # and rows of empty cells, as spreadsheets write a cleared row: skipped (a tester)
    assert ok("kpi", "import", str(good)).stdout == (
        f"imported {good}: 2 readings, 1 KPI, 1 alert raised\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(f"name,at,value\n{KPI},2026-11-22,31\nNope,2026-11-22,1\n{KPI},soon,1\n")
    digest = sha256(db_path)
    result = cli("kpi", "import", str(bad))
    assert_one_line_error(
        result, "line 3: name: “Nope” is not a known KPI", "line 4: at: 'soon'", "nothing imported"
    )
    assert sha256(db_path) == digest
    # a row of a note alone: "name: “” is not a known KPI" named no problem (a review)
    noted = tmp_path / "noted.csv"
    noted.write_text(f"name,at,value,note\n,,,a note\n{KPI},2026-11-23,30\n")
    assert_one_line_error(
        cli("kpi", "import", str(noted)), "line 2: name is empty: each row names its KPI"
    )
    assert sha256(db_path) == digest


def test_an_import_run_again_adds_no_reading_twice(ok, js, kpi, tmp_path: Path) -> None:
    """A tester's cron job imported the same file twice: every reading was there twice,
    skewing the signals. A reading the KPI holds already (time and value) is skipped and
    counted; another value at the same time is a reading of its own."""
    readings = tmp_path / "readings.csv"
    readings.write_text(
        f"name,at,value\n{KPI},2026-11-20,31\n{KPI},2026-11-20,31\n{KPI},2026-11-21,32\n"
    )
    first = ok("kpi", "import", str(readings)).stdout
    assert (
        first
        == f"imported {readings}: 2 readings, 1 KPI, 0 alerts raised, 1 already there (skipped)\n"
    )
    again = js("kpi", "import", str(readings), "--json")
    assert again == {"readings": 0, "kpis": 0, "alerts_raised": 0, "skipped": 3}
    readings.write_text(f"name,at,value\n{KPI},2026-11-20,30.5\n")
    assert js("kpi", "import", str(readings), "--json")["readings"] == 1
    shown = js("kpi", "show", KPI)["readings"]
    assert sorted((r["at"], r["value"]) for r in shown) == [
        ("2026-11-20T00:00:00Z", 30.5), ("2026-11-20T00:00:00Z", 31), ("2026-11-21T00:00:00Z", 32)
    ]  # fmt: skip


def test_an_import_counts_each_alert_it_raised_and_says_those_it_closed(
    ok, js, kpi, tmp_path: Path
) -> None:
    """A breach and the signal its reading made were said as "1 alert raised", and an alert
    the import closed went unsaid, where kpi record names each (a tester)."""
    readings = tmp_path / "readings.csv"
    steady = "".join(f"{KPI},2026-10-{day:02d},{30 + day % 2}\n" for day in range(1, 21))
    readings.write_text("name,at,value\n" + steady)
    assert js("kpi", "import", str(readings))["alerts_raised"] == 0
    readings.write_text(f"name,at,value\n{KPI},2026-11-21,60\n")
    said = js("kpi", "import", str(readings))
    open_alerts = js("alerts")
    assert len(open_alerts) == 2 and said["alerts_raised"] == 2, (said, open_alerts)
    assert "alerts_closed" not in said
    readings.write_text(f"name,at,value\n{KPI},2026-11-22,31\n")
    shown = ok("kpi", "import", str(readings)).stdout
    assert shown.endswith(": 1 reading, 1 KPI, 0 alerts raised, 1 alert closed\n"), shown
    assert len(js("alerts")) == 1  # the threshold's closed, the signal's waits


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["kpi", "add", "X", "--unit", "h", "--baseline", "30", "--target", "24", "--alert", "20"],
         ("--alert: 20 is not worse than the target 24",)),
        (["kpi", "add", "X", "--unit", "h", "--baseline", "1", "--target", "2", "--benchmark",
          "lots"], ("benchmark: 'lots' is not a number",)),
        (["kpi", "add", "X", "--unit", "h", "--baseline", "1", "--target", "2", "--escalate-to",
          "ok,bad login"], ("--escalate-to: 'ok,bad login'", "is not a login")),
        (["kpi", "add", "X", "--unit", "h", "--baseline", "1", "--target", "2",
          "--benchmark-source", "APQC"], ("benchmark-source: 'APQC' needs a benchmark value",)),
        (["kpi", "edit", "Nope", "--unit", "x"], ("kpi: “Nope” is not a known KPI",)),
        (["kpi", "edit", KPI, "--warn", "36"],
         ("--warn: 36 would leave alert 34 as it is, which is better than warn 36",)),
        (["kpi", "edit", KPI, "--target-date", "someday"], ("target-date: 'someday'",)),
        (["kpi", "show", "Nope"], ("kpi: “Nope” is not a known KPI",)),
        (["kpi", "add", "None", "--unit", "h", "--baseline", "1", "--target", "2"],
         ("name: 'None' means nothing (--kpi none and --initiative none clear a link)",)),
        (["initiative", "add", "none"], ("name: 'none' means nothing",)),
        (["initiative", "add", "#999"], ("name: '#999' starts with '#', as an action's id",)),
        (["initiative", "add", "#abc"], ("name: '#abc' starts with '#'",)),  # testers
        (["kpi", "add", "# 3", "--unit", "h", "--baseline", "1", "--target", "2"],
         ("name: '# 3' starts with '#'",)),
        (["kpi", "import", "missing.csv"], ("file: 'missing.csv' does not exist",)),
        (["alerts", "ack", "x1"], ("id: 'x1' is not an alert id",)),
        (["alerts", "ack", "99", "on it"], ("no alert 99",)),
        (["alerts", "ack", "1"], ("message is empty: say what is being done",)),
        (["alerts", "ack", "1", "  "], ("message: '  ' is empty", "alerts ack ID MESSAGE")),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(cli, kpi, db_path: Path, args, fragments):
    digest = sha256(db_path)
    assert_one_line_error(cli(*args), *fragments)
    assert sha256(db_path) == digest


def test_kpi_edit_needs_a_field(cli, kpi) -> None:
    assert_one_line_error(cli("kpi", "edit", KPI), "give at least one field")


def test_an_empty_escalation_path_is_refused_and_none_clears_it(cli, ok, js, kpi) -> None:
    """A cron's unset ``--escalate-to "$ESC"`` wiped the path with exit 0 (a tester)."""
    for empty in ("", " "):
        said = cli("kpi", "edit", KPI, "--escalate-to", empty)
        shown = f"--escalate-to: {empty!r}" if empty else "--escalate-to"
        assert_one_line_error(said, f"{shown} is empty (none: nobody)")
        add = cli("kpi", "add", "K2", "--unit", "x", "--baseline", "1", "--target", "2",
                  "--escalate-to", empty)  # fmt: skip
        assert_one_line_error(add, "is empty (none: nobody)")
    assert js("kpi", "show", KPI)["kpi"]["escalation"] == ["erin", "alice"]
    ok("kpi", "edit", KPI, "--escalate-to", "none")
    assert js("kpi", "show", KPI)["kpi"]["escalation"] == []


def test_kpi_edit_says_which_alerts_it_closed_and_raised(cli, monkeypatch) -> None:
    add = ["kpi", "add", "Pages", "--unit", "n", "--baseline", "9", "--target", "3"]
    assert cli(*add, "--direction", "down", "--alert", "20").exit_code == 0
    assert cli("kpi", "record", "Pages", "30").exit_code == 0
    cleared = cli("kpi", "edit", "Pages", "--alert", "none")
    assert cleared.exit_code == 0  # in the words kpi record and undo use (a tester)
    assert "closed alert 1 on KPI 'Pages': its alert threshold was cleared" in cleared.stdout
    # The threshold back where the same reading breaches it: the same alert, reopened (a
    # new one asked again of a breach acknowledged an hour before, a tester).
    reopened = cli("kpi", "edit", "Pages", "--alert", "25").stdout
    assert "reopened alert 1 on KPI 'Pages': 30 n is above the alert threshold 25 n again" in (
        reopened
    )
    assert "raised" not in reopened
    back = cli("kpi", "edit", "Pages", "--alert", "35")
    assert (  # the value did not move: the threshold did
        "closed alert 1 on KPI 'Pages': 30 n is under the new alert threshold 35 n" in back.stdout
    )
    assert cli("kpi", "edit", "Pages", "--alert", "none").exit_code == 0
    # Two days closed: its clock stopped meanwhile, so it comes back with the day it had
    # left, not overdue at once (testers).
    monkeypatch.setenv("PDCA_NOW", "2026-11-25T09:00:00Z")
    again = cli("kpi", "edit", "Pages", "--alert", "25", "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["alert"] == 25
    assert again.stderr.startswith(  # stdout stays one JSON document
        "reopened alert 1 on KPI 'Pages': 30 n is above the alert threshold 25 n again"
    )
    [alert] = json.loads(cli("alerts", "--json").stdout)
    assert (alert["id"], alert["ack_due"], alert["overdue"]) == (1, "2026-11-26T09:00:00Z", False)
    # An alert open before the edit is not this edit's: neither an edit of another field
    # nor one that changes nothing says it raised it (a tester was told so by every edit).
    for edit in (["--unit", "pages"], ["--unit", "pages"]):
        result = cli("kpi", "edit", "Pages", *edit)
        assert result.exit_code == 0 and "raised" not in result.stdout + result.stderr
    assert result.stdout == "KPI Pages unchanged (already as given)\n"


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["kpi", "edit", KPI, "--baseline-from", "2027-01-01"],
         ("baseline-from: '2027-01-01' is in the future (today is 2026-11-23)",)),
        (["kpi", "edit", KPI, "--baseline-from", "+3d"], ("baseline-from: '2026-11-26'",)),
        (["kpi", "edit", KPI, "--baseline-from", "2026-06-01", "--baseline-to", "2026-05-01"],
         ("baseline-to: '2026-05-01' is before the baseline's start",)),
        (["kpi", "add", "X", "--unit", "h", "--baseline", "1", "--target", "2",
          "--baseline-from", "2026-12-01"], ("baseline-from: '2026-12-01' is in the future",)),
        # a period that ends after today is no period fixed yet (+99999w: 3943, a tester)
        (["kpi", "edit", KPI, "--baseline-to", "+99999w"],
         ("baseline-to: '3943-", "is in the future (today is 2026-11-23)")),
        (["kpi", "add", "X", "--unit", "h", "--baseline", "1", "--target", "2",
          "--baseline-to", "2026-11-24"], ("baseline-to: '2026-11-24' is in the future",)),
    ],
)  # fmt: skip
def test_a_baseline_period_that_has_not_started_is_refused(cli, kpi, db_path: Path, args,
                                                           fragments):  # fmt: skip
    digest = sha256(db_path)
    assert_one_line_error(cli(*args), *fragments)
    assert sha256(db_path) == digest


@pytest.mark.parametrize(
    ("zone", "now", "day"),
    [("Pacific/Kiritimati", "2026-11-23T20:00:00Z", "today"),  # the 24th there, UTC's 23rd
     ("Pacific/Pago_Pago", "2026-11-23T05:00:00Z", "2026-11-23")],  # the 22nd there
)  # fmt: skip
def test_add_and_edit_take_the_same_baseline_days_in_any_zone(
    cli, kpi, monkeypatch: pytest.MonkeyPatch, zone: str, now: str, day: str
) -> None:
    """add judged "after today" by the day here and edit by UTC's: ``today`` typed in
    Kiritimati was taken by add and refused by edit, and UTC's today the other way round
    in Pago Pago (a retrial). Both take the later of the two days."""
    import time

    monkeypatch.setenv("TZ", zone)
    monkeypatch.setenv("PDCA_NOW", now)
    time.tzset()
    try:
        edited = cli("kpi", "edit", KPI, "--baseline-from", "2026-11-01", "--baseline-to", day)
        added = cli("kpi", "add", "Zoned", "--unit", "h", "--baseline", "1", "--target", "2",
                    "--baseline-from", "2026-11-01", "--baseline-to", day)  # fmt: skip
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert (edited.exit_code, added.exit_code) == (0, 0), (edited.stderr, added.stderr)


def test_a_baseline_from_today_or_before_is_taken(ok, js, kpi) -> None:
    assert js("kpi", "edit", KPI, "--baseline-from", "2026-11-23")["baseline_from"] == "2026-11-23"
    assert js("kpi", "edit", KPI, "--baseline-from", "2026-01-01")["baseline_from"] == "2026-01-01"


def test_a_baseline_day_without_its_year_is_the_past_one(ok, js, kpi) -> None:
    """A baseline is readings taken: ``nov 1`` is this month's first, not next year's refused
    as in the future (a retrial). The clock is 2026-11-23."""
    assert js("kpi", "edit", KPI, "--baseline-from", "nov 1")["baseline_from"] == "2026-11-01"
    edited = js("kpi", "edit", KPI, "--baseline-from", "oct 1", "--baseline-to", "fri")
    assert (edited["baseline_from"], edited["baseline_to"]) == ("2026-10-01", "2026-11-20")


def test_a_target_date_without_its_year_taken_as_next_years_is_said(cli) -> None:
    """``--target-date "nov 20"`` three days after it is next year's, said as an action's due
    is; a day ahead is said nothing of."""
    added = cli("kpi", "add", "Gone", "--unit", "h", "--baseline", "9", "--target", "5",
                "--target-date", "nov 20")  # fmt: skip
    assert added.exit_code == 0 and added.stderr.startswith(
        "note: --target-date 'nov 20' is taken as 2027-11-20, the next one (write 2026-11-20"
        " for the one gone by)\n"
    )
    ahead = cli("kpi", "edit", "Gone", "--target-date", "dec 20")
    assert ahead.exit_code == 0 and "the next one" not in ahead.stderr


def test_a_target_on_the_bad_side_of_the_baseline_gets_a_smart_note(cli) -> None:
    added = cli("kpi", "add", "Backwards2", "--baseline", "10", "--target", "20", "--direction",
                "down", "--unit", "x", "--target-date", "2027-01-01")  # fmt: skip
    assert added.exit_code == 0
    assert "target: 20 is worse than the baseline 10 (lower is better" in added.stderr
    fine = cli("kpi", "add", "Forwards", "--baseline", "10", "--target", "5", "--direction",
               "down", "--unit", "x", "--target-date", "2027-01-01")  # fmt: skip
    assert fine.exit_code == 0 and "worse than the baseline" not in fine.stderr


def test_an_edit_that_puts_the_target_on_the_bad_side_gets_the_same_note(cli) -> None:
    """An edit of the direction or the target alone said nothing (a tester): "higher is
    better" with a target below the baseline went unnoticed, in show and doctor too."""
    cli("kpi", "add", "Turned", "--baseline", "30", "--target", "20", "--direction", "down",
        "--unit", "min", "--target-date", "2027-01-01")  # fmt: skip
    turned = cli("kpi", "edit", "Turned", "--direction", "up")
    assert turned.exit_code == 0
    assert "target: 20 is worse than the baseline 30 (higher is better" in turned.stderr
    renamed = cli("kpi", "edit", "Turned", "--unit", "minutes")  # not about the goal: quiet
    assert renamed.exit_code == 0 and "worse than the baseline" not in renamed.stderr
    mended = cli("kpi", "edit", "Turned", "--target", "40")
    assert mended.exit_code == 0 and "worse than the baseline" not in mended.stderr


def test_zero_variation_any_other_reading_is_a_signal_in_kpi_show(ok) -> None:
    ok("kpi", "add", "Flat", "--unit", "x", "--baseline", "10", "--target", "5")
    for day in range(1, 21):
        ok("kpi", "record", "Flat", "10", "--at", f"2026-10-{day:02d}T09:00:00Z")
    recorded = ok("kpi", "record", "Flat", "10.1").stdout
    assert "raised alert 1 (signal: a reading above the upper natural limit)" in recorded
    shown = ok("kpi", "show", "Flat").stdout
    assert "limits       10 to 10" in shown
    assert "no variation in the baseline: any other reading is a signal" in shown
    assert "routine variation" not in shown
    assert "a reading above the upper natural limit (worse, 1 reading)" in shown


def test_a_flat_trend_is_said_once() -> None:
    """A tester read "flat (flat)" in kpi list."""
    from types import SimpleNamespace

    from pdca.tui.cli_kpis import _trend_words

    assert _trend_words(SimpleNamespace(trend="flat", trend_sign=0)) == "flat"
    assert _trend_words(SimpleNamespace(trend="better", trend_sign=-1)) == "better (falling)"
    assert _trend_words(SimpleNamespace(trend="unknown", trend_sign=0)) == "-"


def test_kpi_add_without_an_owner_says_whom_its_alerts_go_to(ok) -> None:
    """An alert on a KPI nobody owns went to whoever recorded the reading, a CI account,
    unannounced (a tester)."""
    base = ("--unit", "h", "--baseline", "30", "--target", "24", "--target-date", "2027-03-31")
    base += ("--direction", "down")  # no note of the direction taken
    said = ok("kpi", "add", "R", *base, "--cadence", "weekly", "--perspective", "cost").stderr
    assert said == (
        "note: owner: none, so its alerts go to whoever records the reading that raises them"
        " (pdca kpi edit R --owner LOGIN)\n"
    )
    quiet = ("--cadence", "weekly", "--perspective", "cost", "--escalate-to", "dana")
    assert "owner: none" not in ok("kpi", "add", "S", *base, *quiet).stderr


def test_kpi_add_names_the_defaults_it_took(ok) -> None:
    """A weekly KPI added without --cadence was read as daily, overdue after two days, and
    its unchosen perspective was warned of as its initiative's only one (testers)."""
    base = ("--unit", "h", "--baseline", "30", "--target", "24", "--target-date", "2027-03-31")
    base += ("--owner", "dana")  # else a note says whom its alerts go to
    ok("add", "dana's first", "--owner", "dana")  # a person already: no note of that
    said = ok("kpi", "add", "R", *base).stderr
    assert said == (  # the direction too, from baseline to target (a new user)
        "note: by default --direction down, --cadence daily and --perspective quality"
        " (pdca kpi edit R to change)\n"
    )
    base += ("--direction", "down")
    said = ok("kpi", "add", "S", *base, "--cadence", "weekly").stderr
    assert said == "note: by default --perspective quality (pdca kpi edit S to change)\n"
    assert ok("kpi", "add", "T", *base, "--cadence", "weekly", "--perspective", "cost").stderr == ""
    helped = " ".join(ok("kpi", "add", "--help").stdout.split())
    assert "(default: daily)" in helped and "(default: quality)" in helped


def test_kpi_add_says_a_new_perspective_and_a_target_date_gone_by(ok) -> None:
    """--perspective delivry made a new perspective, and a target date already past was
    taken, both without a word (a new user): SMART's time-bound, and a typo's note, as a
    new owner gets one."""
    base = ("--unit", "h", "--baseline", "30", "--target", "24", "--direction", "down")
    base += ("--cadence", "weekly", "--owner", "dana")
    ok("add", "dana's first", "--owner", "dana")
    said = ok("kpi", "add", "R", *base, "--target-date", "2026-01-01", "--perspective",
              "delivry").stderr.splitlines()  # fmt: skip
    assert said == [
        "note: perspective: delivry is new to this file (known here: cost, delivery, people,"
        " quality; a typo? pdca kpi edit R --perspective ...)",
        "note: target date: 2026-01-01 has passed (by when, from now?)",
    ]
    again = ok("kpi", "add", "S", *base, "--target-date", "2027-03-31", "--perspective", "delivry")
    assert again.stderr == ""  # in use now: one of the file's own, and the date is ahead
    edited = ok("kpi", "edit", "S", "--target-date", "2026-11-01").stderr
    assert edited == "note: target date: 2026-11-01 has passed (by when, from now?)\n"
    # an edit's new perspective too; blanks at its ends make no perspective of their own
    assert ok("kpi", "edit", "S", "--perspective", " cost ").stderr == ""
    assert ok("kpi", "list", "--json").stdout.count('"perspective": "cost"') == 1
    assert ok("kpi", "edit", "S", "--perspective", "peple").stderr == (
        "note: perspective: peple is new to this file (known here: cost, delivery, delivry, people,"
        " quality; a typo? pdca kpi edit S --perspective ...)\n"
    )
    assert "; did you mean quality? pdca kpi edit S" in (
        ok("kpi", "edit", "S", "--perspective", "Quality").stderr
    )


def test_a_kpi_owner_is_not_on_its_own_escalation_path(cli) -> None:
    """--owner dana --escalate-to dana was taken: an alert dana let pass came back to her (a
    tester)."""
    add = ["kpi", "add", "Rev", "--unit", "n", "--baseline", "1", "--target", "2"]
    refused = cli(*add, "--owner", "dana", "--escalate-to", "erin,dana")
    assert refused.exit_code == 1
    assert "--escalate-to: 'erin,dana' holds dana, the KPI's owner" in refused.stderr
    assert cli(*add, "--owner", "dana", "--escalate-to", "erin").exit_code == 0
    moved = cli("kpi", "edit", "Rev", "--owner", "erin")
    assert moved.exit_code == 1 and "holds erin, the KPI's owner" in moved.stderr
    assert cli("kpi", "edit", "Rev", "--owner", "erin", "--escalate-to", "dana").exit_code == 0
    # in other capitals too: a typo made a second person "Erin" (a tester)
    capital = cli("kpi", "edit", "Rev", "--escalate-to", "Erin")
    assert capital.exit_code == 1 and "holds Erin, the KPI's owner erin in other" in capital.stderr


def test_a_perspective_with_a_newline_is_refused(cli, ok) -> None:
    """A perspective is a label KPIs are grouped by: one holding a newline was kept, and
    listed as ``a\\nb`` (a tester)."""
    ok("init")
    base = ("--unit", "h", "--baseline", "30", "--target", "24")
    for label in ("a\nb", "x\ty", "bell\x07"):
        result = cli("kpi", "add", "R", *base, "--perspective", label)
        assert_one_line_error(result, "--perspective")
        assert "shows as an escape" in result.stderr
    assert ok("kpi", "list", "--json").stdout.strip() == "[]"


def test_a_units_escape_is_refused_and_one_stored_is_printed_as_an_escape(cli, ok, store) -> None:
    """``--unit $'ms\\x1b]0;PWNED\\x07'`` was taken, and ``kpi record`` then set the terminal's
    title with it in its "raised alert (30 ms is above ...)" line (a tester)."""
    hostile = "ms\x1b]0;PWNED\x07"
    refused = cli("kpi", "add", "T", "--unit", hostile, "--baseline", "10", "--target", "5")
    assert_one_line_error(refused, "--unit", "holds \\x1b, which pdca shows as an escape")
    ok("kpi", "add", "T", "--unit", "ms", "--baseline", "10", "--target", "5", "--alert", "20")
    store.conn.execute("UPDATE kpis SET unit = ? WHERE name = 'T'", (hostile,))  # by hand
    said = ok("kpi", "record", "T", "30").stdout
    assert "\x1b" not in said and "\x07" not in said
    assert "(30 ms\\x1b]0;PWNED\\x07 is above the alert threshold 20 ms\\x1b]0;PWNED" in said


def test_an_alert_raised_before_its_threshold_was_cleared_is_not_said_as_removed(
    ok, monkeypatch
) -> None:
    """ "Alert raised: MTTR — by a reading since removed" was said once the threshold was
    cleared, nothing removed (a reviewer)."""
    ok("kpi", "add", "MTTR", "--unit", "h", "--baseline", "40", "--target", "20", "--alert", "34")
    ok("kpi", "record", "MTTR", "41")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:00:00Z")
    ok("kpi", "edit", "MTTR", "--alert", "none")
    said = ok("standup").stdout
    assert "Alert raised: MTTR" in said and "since removed" not in said


def test_an_undo_that_leaves_two_open_alerts_keeps_the_older_escalated_one(
    ok, js, monkeypatch
) -> None:
    """Two typos taken out by two people, then one removal undone: both the 16th's breach
    alert and the 18th's were open, and the older was closed, the breach back with dana for
    a fresh day (a tester). The older stands, its clock stopped while it was closed: dana's
    deadline had come when the typo closed it, so it is due as it reopens."""
    ok("kpi", "add", "RT", "--unit", "h", "--baseline", "30", "--target", "24", "--alert",
       "34", "--owner", "dana", "--escalate-to", "erin,fay")  # fmt: skip
    for day, value in (("16", "36"), ("17", "20"), ("18", "38")):
        monkeypatch.setenv("PDCA_NOW", f"2026-11-{day}T09:00:00Z")
        ok("kpi", "record", "RT", value)
    monkeypatch.setenv("PDCA_NOW", "2026-11-18T10:00:00Z")
    ok("alerts")  # writes what escalated
    ok("kpi", "remove-reading", "3")  # alice's: the 38
    monkeypatch.setenv("PDCA_USER", "dana")
    ok("kpi", "remove-reading", "2")  # dana's: the 20 that closed alert 1
    [alert] = js("alerts", "--json")
    assert (alert["id"], alert["assignee"], alert["ack_due"]) == (1, "dana", "2026-11-18T10:00:00Z")
    monkeypatch.setenv("PDCA_USER", "alice")
    ok("undo")  # the 38 back, and with it alert 2
    [alert] = js("alerts", "--json")
    assert (alert["id"], alert["assignee"], alert["escalation_level"]) == (1, "dana", 0)


def test_an_open_alerts_why_is_its_threshold_as_it_is_now(ok) -> None:
    """Raised at 3, the threshold then moved to 4.5 (5 still beyond): WHY named 3 (a
    tester). It says what holds the alert open now."""
    ok("kpi", "add", "E6", "--unit", "h", "--baseline", "2", "--target", "1")
    ok("kpi", "record", "E6", "5")
    assert (
        "(5 h is above the alert threshold 3 h)" in ok("kpi", "edit", "E6", "--alert", "3").stdout
    )
    ok("kpi", "edit", "E6", "--alert", "4.5")
    said = ok("alerts").stdout
    assert "5 h is above the alert threshold 4.5 h" in said and "threshold 3 h" not in said


def test_an_undo_never_closes_a_colleagues_acknowledged_alert_for_an_older_one(
    ok, js, monkeypatch
) -> None:
    """50 raised alert 1; ann's threshold edit to 60 closed it; bob's 65 raised alert 2 and
    bob acknowledged it; ann's undo reopened alert 1 and closed bob's as its double: the
    breach waited again, his acknowledgement lost (a reviewer). His stands."""
    _res_kpi(ok, alert="40")
    _as(monkeypatch, "ann", 0)
    ok("kpi", "record", "Res", "50")
    _as(monkeypatch, "ann", 10)
    ok("kpi", "edit", "Res", "--alert", "60")
    _as(monkeypatch, "bob", 20)
    ok("kpi", "record", "Res", "65")
    ok("alerts", "ack", "2", "rolling back the deploy")
    _as(monkeypatch, "ann", 50)
    said = ok("undo", "--yes").stdout.splitlines()
    assert said[-1] == "closed alert 1 on KPI 'Res': alert 2 stands for the same drift"
    [alert] = js("alerts", "--json")  # the one open: bob's, his acknowledgement kept
    assert (alert["id"], alert["acknowledged_by"]) == (2, "bob")


def test_undoing_a_reading_keeps_the_signal_alert_a_colleagues_reading_still_signals(
    ok, js, monkeypatch
) -> None:
    """ann's 25 raised a threshold alert and a signal alert, bob's 24 since signals as much:
    ann's undo kept the threshold alert, but deleted the signal one and raised it again, a
    new alert with a new deadline, told to its owner as new (a retrial). Both stay."""
    ok("seed")
    kpi = "Change failure rate"
    _as(monkeypatch, "ann", 0)
    ok("kpi", "record", kpi, "25")
    before = {a["id"]: a["ack_due"] for a in js("alerts", "--json") if a["kpi"] == kpi}
    assert len(before) == 2  # a threshold alert and a signal alert
    _as(monkeypatch, "bob", 5)
    ok("kpi", "record", kpi, "24")
    _as(monkeypatch, "ann", 10)
    said = ok("undo", "--yes").stdout.splitlines()
    assert said[0] == f"undid: “recorded 25 for KPI '{kpi}'”"
    after = {a["id"]: a["ack_due"] for a in js("alerts", "--json") if a["kpi"] == kpi}
    assert after == before  # the same ids, the same deadlines
    assert any(
        line.endswith("stays open: its chart still signals without the reading") for line in said
    )


def test_undoing_the_reading_a_signal_stood_on_takes_its_alert_out(ok, js, monkeypatch) -> None:
    """Kept only while the chart still signals without the reading: here bob's 15 is back
    inside the limits, and the alert ann's 25 raised goes with her undo, said as undone."""
    ok("seed")
    kpi = "Change failure rate"
    ok("kpi", "edit", kpi, "--alerts", "signals")
    _as(monkeypatch, "ann", 0)
    ok("kpi", "record", kpi, "25")
    [raised] = [a["id"] for a in js("alerts", "--json") if a["kpi"] == kpi]
    _as(monkeypatch, "bob", 5)
    ok("kpi", "record", kpi, "15")
    _as(monkeypatch, "ann", 10)
    said = ok("undo", "--yes").stdout.splitlines()
    assert said == [
        f"undid: “recorded 25 for KPI '{kpi}'”, “raised alert {raised} on KPI '{kpi}': signal:"
        " a reading above the upper natural limit; carol to acknowledge by 2026-11-24T09:00:00Z”"
    ]
    assert [a for a in js("alerts", "--json") if a["kpi"] == kpi] == []


def test_undoing_a_reading_that_raised_two_alerts_writes_only_their_undoing(
    ok, js, monkeypatch, db_path: Path
) -> None:
    """A reading that raised a threshold alert and a signal alert, undone: its history said
    the signal alert "stays open: its chart still signals", then "closed ...: no signal on its
    bad side for 16 readings", then that its raising was undone (a trial). Each of the three
    records is undone, once, and nothing else is written."""
    ok("seed")
    kpi = "Change failure rate"
    _as(monkeypatch, "ann", 0)
    ok("kpi", "record", kpi, "25")
    assert len([a for a in js("alerts", "--json") if a["kpi"] == kpi]) == 2
    _as(monkeypatch, "ann", 5)
    ok("undo", "--yes")
    with sqlite3.connect(db_path) as conn:
        undoing = conn.execute(
            "SELECT entity, op, summary FROM events WHERE undo_of IS NOT NULL ORDER BY id"
        ).fetchall()
    conn.close()
    assert [(entity, op) for entity, op, _ in undoing] == [
        ("alert", "delete"),
        ("alert", "delete"),
        ("reading", "delete"),
    ]
    assert all(summary.startswith("undid ") for _, _, summary in undoing)
    assert [a for a in js("alerts", "--json") if a["kpi"] == kpi] == []


def test_an_undo_barred_by_pdcas_own_escalation_says_what_to_do_instead(
    ok, cli, monkeypatch
) -> None:
    """ann's reading raised an alert nobody acknowledged; a day on, pdca passed it on, and
    her undo was refused for good with no way out said (a retrial)."""
    from tests.unit.test_cli import one_line_error

    ok("kpi", "add", "Res", "--unit", "h", "--baseline", "30", "--target", "24", "--alert",
       "34", "--owner", "ann", "--escalate-to", "bob")  # fmt: skip
    _as(monkeypatch, "ann", 0)
    ok("kpi", "record", "Res", "50")
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T10:05:00Z")
    said = one_line_error(cli("undo", "--yes"))
    assert said.startswith("cannot undo ") and "pdca changed alert 1 since" in said
    assert "pdca's own escalations are not undone: put the KPI back by hand (pdca kpi edit," in said


def test_removing_the_reading_of_a_closed_alert_says_it_was_closed_already(ok, monkeypatch) -> None:
    """ "alert 8 on KPI ...: the reading that raised it was removed", of an alert closed
    before, read as if something had happened to it (a retrial)."""
    _res_kpi(ok)
    _recorded(ok, monkeypatch, ("bob", 0, "50"), ("ann", 5, "20"))  # the 20 closes alert 1
    _as(monkeypatch, "bob", 10)
    said = ok("kpi", "remove-reading", "1").stdout.splitlines()
    assert said[1] == (
        "alert 1 on KPI 'Res' (closed already): the reading that raised it (50 h at"
        " 2026-11-23T09:00:00Z) was removed"
    )


def test_a_reading_that_closes_one_alert_says_the_other_of_its_reading_waits_still(
    ok, cli, monkeypatch
) -> None:
    """A reading back under the threshold closed alert 1 and said nothing of alert 2, the
    signal the same breach raised; then "alerts ack 1" said "nothing waits for an
    acknowledgement" while alert 2 waited, overdue (a programme lead's trial)."""
    ok("kpi", "add", "Cost", "--unit", "EUR", "--baseline", "18", "--target", "15",
       "--alert", "20", "--owner", "carol", "--alerts", "both")  # fmt: skip
    for day in range(1, 21):
        ok("kpi", "record", "Cost", "18", "--at", f"2026-10-{day:02d}T09:00:00Z")
    raised = ok("kpi", "record", "Cost", "20.5", "--at", "2026-11-02T09:00:00Z").stdout
    assert "raised alert 1 (" in raised and "raised alert 2 (signal" in raised, raised
    as_json = json.loads(ok("kpi", "record", "Cost", "18", "--json").stdout)
    assert [c["id"] for c in as_json["closed"]] == [1]
    [still] = as_json["still_open"]
    assert still["id"] == 2 and still["said"].startswith("alert 2 on KPI 'Cost' stays open (")
    ok("undo")  # the reading taken back, alert 1 open again: the same said as text
    back = ok("kpi", "record", "Cost", "18").stdout
    assert "closed alert 1 " in back
    assert "alert 2 on KPI 'Cost' stays open (signal: a reading above the upper natural" in back
    assert "carol to acknowledge" in back, back
    again = json.loads(ok("kpi", "record", "Cost", "17", "--json").stdout)
    assert again["closed"] == [] and again["still_open"] == []  # none closed: none said
    refused = cli("alerts", "ack", "1", "on it")
    assert refused.exit_code == 1
    assert "nothing waits for an acknowledgement" not in refused.stderr
    assert refused.stderr.startswith("pdca: alert 1 (Cost) was closed at "), refused.stderr
    assert "; alert 2 of this KPI still waits: acknowledge that one instead" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    monkeypatch.setenv("PDCA_USER", "carol")
    assert "acknowledged alert 2" in ok("alerts", "ack", "2", "on it").stdout
    again = cli("alerts", "ack", "1", "on it")
    assert again.exit_code == 1 and "nothing waits for an acknowledgement" in again.stderr


def test_kpi_list_tells_a_long_signal_from_its_first_reading_as_kpi_show_does(ok, js) -> None:
    """kpi list read the newest 40 readings only: a run below the centre 60 readings long
    was said to begin at the 40th from the end, with 40 points, where kpi show said 60 (an
    analyst's year of readings)."""
    ok("kpi", "add", "Yield", "--unit", "%", "--baseline", "95", "--target", "98",
       "--alerts", "thresholds")  # fmt: skip
    for day in range(20):
        value = "95.5" if day % 2 else "94.5"
        ok("kpi", "record", "Yield", value, "--at", f"2026-08-{day + 1:02d}T09:00:00Z")
    for day in range(60):
        at = f"2026-{9 + day // 30:02d}-{day % 30 + 1:02d}T09:00:00Z"
        ok("kpi", "record", "Yield", "94.8" if day % 3 else "94.6", "--at", at)
    listed = js("kpi", "list", "--json")[0]["signals"]
    shown = js("kpi", "show", "Yield", "--json")["kpi"]["signals"]
    run = [s for s in shown if s["rule"] == "we4"]  # eight or more in a row on one side
    assert run and run[0]["first_at"] == "2026-09-01T09:00:00Z", shown
    assert len(run[0]["points"]) == 60
    assert listed == shown


def test_a_target_date_gone_by_with_the_target_not_reached_is_said(ok, js) -> None:
    """Lead time's target, 24 h by 2026-09-30, was missed (25.8 h in November), and nothing
    said so: not kpi show, kpi list, the report nor the app (an analyst's year)."""
    ok("kpi", "add", "Lead", "--unit", "h", "--baseline", "30", "--target", "24",
       "--target-date", "2026-09-30", "--alerts", "thresholds")  # fmt: skip
    ok("kpi", "add", "Met", "--unit", "h", "--baseline", "30", "--target", "24",
       "--target-date", "2026-09-30", "--alerts", "thresholds")  # fmt: skip
    ok("kpi", "record", "Lead", "25.8")
    # met, though not measured since: its overdue status is not "not reached" (a reviewer)
    ok("kpi", "record", "Met", "23", "--at", "2026-11-01T09:00:00Z")
    shown = ok("kpi", "show", "Lead").stdout
    assert "target 24 h by 2026-09-30 (passed, not on target now)" in shown, shown
    assert "(passed" not in ok("kpi", "show", "Met").stdout
    ok("kpi", "add", "Never", "--unit", "h", "--baseline", "30", "--target", "24",
       "--target-date", "2026-09-30", "--alerts", "thresholds")  # fmt: skip
    assert "by 2026-09-30 (passed, never measured)" in ok("kpi", "show", "Never").stdout
    listed = {k["name"]: k["target_missed"] for k in js("kpi", "list", "--json")}
    assert listed == {"Lead": True, "Met": False, "Never": True}
    assert js("kpi", "show", "Lead", "--json")["kpi"]["target_missed"] is True


def test_kpi_list_reads_a_run_that_joins_the_baseline_in_its_tail_as_kpi_show(ok, js) -> None:
    """The newest 40 readings charted right after the baseline joined a run onto its last
    reading: kpi list said the run began there, where kpi show, with the readings between,
    said six days later (a retrial)."""
    ok("kpi", "add", "Yield", "--unit", "%", "--baseline", "100", "--target", "98",
       "--alerts", "thresholds", "--direction", "down")  # fmt: skip
    from datetime import timedelta

    from tests.conftest import NOW_DT

    values = ["98", "102"] * 10 + ["99"] * 5 + ["101"] * 45
    for day, value in enumerate(values):
        at = (NOW_DT - timedelta(days=len(values) - day)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ok("kpi", "record", "Yield", value, "--at", at)
    listed = js("kpi", "list", "--json")[0]["signals"]
    shown = js("kpi", "show", "Yield", "--json")["kpi"]["signals"]
    assert [len(s["points"]) for s in shown] == [45], shown
    assert listed == shown


def test_an_alert_a_reading_raises_as_it_closes_another_is_said_once_as_raised(
    ok, monkeypatch
) -> None:
    """Back under the threshold, and the eighth in a row above the centre line: the signal
    it raised was named twice, raised and "stays open" (a reviewer)."""
    monkeypatch.setenv("PDCA_USER", "carol")
    ok("kpi", "add", "Cost", "--unit", "EUR", "--baseline", "18", "--target", "15",
       "--alert", "19.5", "--owner", "carol", "--alerts", "both")  # fmt: skip
    for day in range(1, 21):
        ok(
            "kpi",
            "record",
            "Cost",
            "19" if day % 2 else "17",
            "--at",
            f"2026-10-{day:02d}T09:00:00Z",
        )
    for day in range(1, 8):
        ok("kpi", "record", "Cost", "19.7", "--at", f"2026-11-0{day}T09:00:00Z")
    said = json.loads(ok("kpi", "record", "Cost", "19.4", "--at", "2026-11-08T09:00:00Z",
                         "--json").stdout)  # fmt: skip
    assert [c["id"] for c in said["closed"]] == [1]
    assert [r["id"] for r in said["raised"]] == [2]
    assert said["still_open"] == []


def test_the_trend_is_the_same_for_readers_in_every_zone(ok, js, monkeypatch) -> None:
    """Two readings a day, one each side of Auckland's midnight: on local days Auckland's
    trend was worse and Los Angeles' better, in the report the team was sent too (a trial in
    five zones). The trend is on UTC periods; the sparkline on the reader's own days."""
    ok("kpi", "add", "Queue", "--unit", "items", "--baseline", "50", "--target", "20",
       "--alerts", "thresholds")  # fmt: skip
    for day in range(1, 11):
        ok("kpi", "record", "Queue", str(30 + day), "--at", f"2026-11-{day:02d}T10:30:00Z")
        ok("kpi", "record", "Queue", str(45 - day), "--at", f"2026-11-{day:02d}T11:30:00Z")
    monkeypatch.setenv("PDCA_NOW", "2026-11-12T12:00:00Z")
    seen = {}
    try:
        for zone in ("Pacific/Auckland", "America/Los_Angeles", "UTC"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            [row] = js("kpi", "list", "--json")
            seen[zone] = row["trend"]
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert seen == dict.fromkeys(seen, "better"), seen


def test_a_monthly_kpis_run_is_told_from_its_readings_however_far_the_baseline_is(
    ok, js, tmp_path
) -> None:
    """kpi show charted only the year's readings after a baseline years back: a monthly
    KPI's run was joined onto the baseline, or cut at the year's start, and disagreed with
    kpi list (a reviewer). Both chart every reading since the baseline."""
    ok("kpi", "add", "Yield", "--unit", "%", "--baseline", "95", "--target", "98",
       "--alerts", "thresholds", "--cadence", "monthly")  # fmt: skip
    rows = ["name,at,value"]
    for index in range(73):
        year, month = 2020 + (10 + index) // 12, (10 + index) % 12 + 1
        value = "94.8" if index >= 55 else ("95.5" if index % 2 else "94.5")
        rows.append(f"Yield,{year}-{month:02d}-01T09:00:00Z,{value}")
    sheet = tmp_path / "readings.csv"
    sheet.write_text("\n".join(rows) + "\n")
    ok("kpi", "import", str(sheet))
    listed = js("kpi", "list", "--json")[0]["signals"]
    shown = js("kpi", "show", "Yield", "--json")
    run = [s for s in shown["kpi"]["signals"] if s["rule"] == "we4"]
    # from May 2025: its 94.5 is below the centre line too
    assert run and run[0]["first_at"] == "2025-05-01T09:00:00Z" and len(run[0]["points"]) == 19
    assert listed == shown["kpi"]["signals"]
    assert all(s["at"] >= "2025-11-23" for s in shown["signals"])  # the year's signals
