"""Values a file may hold from before schema 21's guards, typed in with sqlite3 by hand: an
alert's deadline without a time zone, an escalation path written as ``quinn, alice``, a
reading of ``12,5``. A tester's upgraded file crashed every command that read any alert or
that KPI (``alerts``, ``standup``, ``owners``, ``notify``, ``kpi list``, ``kpi record``).
Now a time without a zone reads as UTC (every time in the file is UTC), the path as the
command line reads that option, and a reading that is no number is left out of every figure;
doctor still names each of them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pdca.db.models import KpiDraft
from pdca.db.store import Store


@pytest.fixture
def odd_file(store: Store, db_path: Path, ok) -> Path:
    store.add_kpi(
        KpiDraft(
            name="Pages", unit="n", baseline=10, target=5, direction="down", alert=20,
            owner="bob", escalation=["quinn", "alice"],
        )
    )  # fmt: skip
    ok("kpi", "record", "Pages", "12", "--at", "2026-11-22T08:00:00Z")
    ok("kpi", "record", "Pages", "25")  # raises an alert, for bob by 2026-11-24T09:00:00Z
    with sqlite3.connect(db_path) as conn:
        for table in ("alerts", "kpis", "kpi_readings"):
            conn.execute(f"DROP TRIGGER {table}_kinds_on_update")
            conn.execute(f"DROP TRIGGER IF EXISTS {table}_kinds_on_insert")
        conn.execute("UPDATE alerts SET ack_due = '2026-11-23T06:00:00'")  # 3 h ago, no zone
        conn.execute("UPDATE kpis SET escalation = 'quinn, alice'")
        conn.execute(
            "INSERT INTO kpi_readings (kpi_id, at, value, author)"
            " VALUES (1, '2026-11-23T08:59:00Z', '12,5', 'old')"
        )
    conn.close()
    return db_path


@pytest.mark.parametrize(
    "command",
    [
        ("alerts",),
        ("standup",),
        ("owners",),
        ("notify", "--dry-run"),
        ("kpi", "list"),
        ("kpi", "show", "Pages"),
        ("report",),
    ],
    ids=lambda c: " ".join(c),
)
def test_each_reading_command_works_on_the_odd_values(odd_file: Path, cli, command) -> None:
    result = cli(*command)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_the_zoneless_deadline_counts_as_utc_and_the_alert_has_escalated(odd_file, js) -> None:
    """The deadline passed 3 hours ago in UTC, so the alert waits for quinn now."""
    (alert,) = js("alerts", "--json")
    assert alert["assignee"] == "quinn" and alert["ack_due"] == "2026-11-24T06:00:00Z"
    owners = {row["login"]: row for row in js("owners", "--json")}
    assert owners["quinn"]["alerts_waiting"] == 1 and "bob" not in owners


def test_the_path_written_by_hand_reads_as_logins(odd_file, js) -> None:
    assert js("kpi", "show", "Pages", "--json")["kpi"]["escalation"] == ["quinn", "alice"]


def test_a_reading_that_is_no_number_is_left_out_and_the_kpi_takes_new_ones(
    odd_file, js, ok, db_path: Path
) -> None:
    (kpi,) = js("kpi", "list", "--json")
    assert kpi["latest_value"] == 25  # the one before '12,5'
    ok("kpi", "record", "Pages", "3")
    (kpi,) = js("kpi", "list", "--json")
    assert kpi["latest_value"] == 3
    with sqlite3.connect(db_path) as conn:  # the odd one is still there, for doctor to name
        kept = conn.execute("SELECT count(*) FROM kpi_readings WHERE value = '12,5'").fetchone()
    conn.close()
    assert kept == (1,)


def test_doctor_still_names_every_odd_value(odd_file, cli) -> None:
    result = cli("doctor")
    assert result.exit_code == 1
    for named in ("alerts: 1 row", "kpis: 1 row", "kpi_readings: 1 row"):
        assert named in result.stdout


@pytest.mark.parametrize(
    ("stored", "path"),
    [
        ('["quinn", "alice"]', ["quinn", "alice"]),
        ("quinn, alice", ["quinn", "alice"]),
        ("quinn", ["quinn"]),
        ('["quinn", alice]', []),  # neither JSON nor logins: nobody past the owner
        ("quinn alice", []),
        ('"quinn"', []),
        ("5", []),
        ("", []),
        ("[1, 2]", []),  # kpi show crashed on it (a tester)
        ('["quinn", "al ice"]', []),
    ],
)
def test_an_escalation_path_is_read_as_logins_or_as_nobody(stored: str, path: list[str]) -> None:
    """A reviewer: split on commas whatever it held, ``["quinn", alice]`` escalated to
    ``["quinn"`` and ``alice]``, names nobody's header counts."""
    from pdca.db.convert import escalation_path

    assert escalation_path(stored) == path


def test_a_path_that_is_no_list_of_logins_is_named_by_kpi_list(odd_file, db_path, cli) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("""UPDATE kpis SET escalation = '["quinn", alice]'""")
    conn.close()
    result = cli("kpi", "list")  # left out of the list, and said
    assert result.exit_code == 0 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("pdca: left out kpi 1: escalation holds '[\"quinn\", alice]'")
    # The rules read it as nobody past the owner: the alert is bob's, late (exit status 3).
    late = cli("alerts")
    assert late.exit_code == 3 and "waiting for bob" in late.stdout, late.stderr


def test_a_deadline_or_a_reading_time_that_is_no_time_crashes_nothing(odd_file, db_path, cli):
    """A tester typed ``tomorrow`` into an alert's deadline and ``yesterday`` into a
    reading's time, before the upgrade: every command reading an alert, and kpi list, report
    and doctor --content crashed."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alerts SET ack_due = 'tomorrow'")
        conn.execute("UPDATE kpi_readings SET at = 'yesterday' WHERE value = 12")
    conn.close()
    commands = ["alerts", "standup", "owners", "notify --dry-run", "kpi list",
                "kpi show Pages", "report", "doctor --content"]  # fmt: skip
    for command in (line.split() for line in commands):
        result = cli(*command)
        assert "crashed" not in result.stderr and "Traceback" not in result.stderr, command
        assert result.exit_code in (0, 3), (command, result.stderr)  # 3: an alert is late


def test_kpi_show_names_a_path_of_numbers_instead_of_crashing(odd_file, db_path, cli) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE kpis SET escalation = '[1, 2]'")
    conn.close()
    result = cli("kpi", "show", "Pages")
    assert result.exit_code == 1 and "escalation holds '[1, 2]', not a list" in result.stderr


def test_a_check_in_time_that_is_no_time_leaves_its_action_out_and_crashes_nothing(
    store: Store, db_path: Path, cli, ok
) -> None:
    """A tester: one check-in at 'yesterday' (before schema 21) crashed owners, log and
    initiative list, and pdca list and the CSV export refused every action for it."""
    from pdca.db.models import ActionDraft, InitiativeDraft

    store.add_initiative(InitiativeDraft(name="Ops", objective="cut pages 20% by 2027-03-31"))
    odd = store.add_action(ActionDraft(title="odd", owner="bob", initiative="Ops"))
    store.add_action(ActionDraft(title="fine", owner="bob", initiative="Ops"))
    ok("checkin", str(odd.id), "started")
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER checkins_kinds_on_update")
        conn.execute("DROP TRIGGER actions_kinds_on_update")
        conn.execute("UPDATE checkins SET at = 'yesterday'")  # the trigger copies it across
    conn.close()
    for command in ("owners", "log", "initiative list", "standup", "owners --json"):
        result = cli(*command.split())
        assert result.exit_code == 0 and "crashed" not in result.stderr, (command, result)
    listed = cli("list", "--json")
    assert listed.exit_code == 0 and [a["title"] for a in json.loads(listed.stdout)] == ["fine"]
    assert listed.stderr.startswith(f"pdca: left out action {odd.id}: last_checkin_at holds")


def test_a_followup_whose_offset_is_no_number_is_left_out_of_lists_and_said(
    ok, js, cli, db_path: Path, monkeypatch
) -> None:
    """A tester's ``offset_days = 'x'``, typed in before schema 21, stopped ``pdca followups``
    for everyone (one line, exit 1) and took the due audits off the log; now the list shows the
    others and names the one it left out."""
    ok("add", "Triage rota", "--owner", "dana", "--due", "+1w")
    ok("move", "1", "do")
    ok("checkin", "1", "rota drafted")
    ok("move", "1", "check")
    ok("move", "1", "act", "--verdict", "worked")
    ok("done", "1", "--decision", "standardize")
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER followups_kinds_on_update")
        conn.execute("UPDATE followups SET offset_days = 'x' WHERE offset_days = 60")
    conn.close()
    monkeypatch.setenv("PDCA_NOW", "2027-03-01T09:00:00Z")  # all three due
    result = cli("followups", "--json")
    assert result.exit_code == 0, result.stderr
    assert [f["offset_days"] for f in json.loads(result.stdout)] == [30, 90]
    assert result.stderr.startswith("pdca: left out followup 2: offset_days holds 'x'")
    due = cli("followups", "--due")
    assert due.exit_code == 0 and "left out followup 2" in due.stderr
    assert "30d" in due.stdout and "90d" in due.stdout


@pytest.mark.parametrize(
    ("key", "stored", "default"),
    [("followup_offsets", "x,-1", "30,60,90"), ("stale_after_days", "0", "7")],
)
def test_a_setting_typed_in_by_hand_gives_way_to_its_default_and_is_named(
    ok, cli, db_path: Path, key: str, stored: str, default: str
) -> None:
    """A tester's ``followup_offsets = 'x,-1'`` stopped config, owners, standup and notify
    (cron, every minute) as if whoever ran them had typed it, and doctor said nothing."""
    ok("add", "Triage rota", "--owner", "dana")
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO settings (key, value, updated_at, updated_by)"
            " VALUES (?, ?, '2026-11-01T09:00:00Z', 'dana')",
            (key, stored),
        )
    conn.close()
    for command in (("owners",), ("standup",), ("notify", "--dry-run"), ("report",)):
        result = cli(*command)
        assert result.exit_code == 0, (command, result.stderr)
    shown = cli("config")
    assert shown.exit_code == 0
    assert f"{key.replace('_', '-')} = {default}" in shown.stdout
    assert f"its default {default} applies" in shown.stderr
    doctor = cli("doctor")
    (line,) = [line for line in doctor.stdout.splitlines() if line.startswith("FAIL settings")]
    assert f"{key.replace('_', '-')} holds '{stored}'" in line
    ok("config", key.replace("_", "-"), default)  # set again with pdca config: said no more
    assert cli("config").stderr == ""


def test_a_blob_from_before_the_guards_is_named_by_export_and_kpi_edit(
    store: Store, db_path: Path, cli
) -> None:
    """A tester's ``target = X'00ff'``: the JSON export and ``kpi edit`` crashed with a
    traceback (TypeError, ValidationError). Each says which value, in one line."""
    store.add_kpi(KpiDraft(name="Pages", unit="n", baseline=10, target=5, direction="down"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER kpis_kinds_on_update")
        conn.execute("UPDATE kpis SET target = X'00ff'")
    conn.close()
    exported = cli("export", "--format", "json")
    assert exported.exit_code == 1 and exported.stdout == ""
    assert exported.stderr == (
        "pdca: kpis row 1: target holds b'\\x00\\xff', which JSON cannot hold: changed outside"
        " pdca; put it right with sqlite3 (pdca doctor names every such value), or copy the"
        " file as it is with pdca backup\n"
    )
    edited = cli("kpi", "edit", "Pages", "--baseline", "3")
    assert edited.exit_code == 1 and edited.stderr.count("\n") == 1
    assert edited.stderr.startswith("pdca: kpi 1: target holds b'\\x00\\xff', not a number")
    assert store.conn.execute("SELECT baseline FROM kpis").fetchone()[0] == 10


def test_a_notify_switch_typed_in_by_hand_gives_way_to_its_default_and_is_named(
    ok, cli, js, db_path: Path
) -> None:
    """A tester's ``terminal = 'yes'`` turned the team's terminal notices off without a word,
    and doctor said all was well; ``mail = 'ON'`` (any case) is what notify config takes."""
    ok("add", "Triage rota", "--owner", "dana")
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO notify_settings (key, value, updated_at, updated_by)"
            " VALUES (?, ?, '2026-11-01T09:00:00Z', 'dana')",
            [("terminal", "yes"), ("mail", "ON")],
        )
    conn.close()
    shown = cli("notify", "config", "--json")
    assert shown.exit_code == 0
    settings = json.loads(shown.stdout)
    assert (settings["terminal"], settings["mail"]) == (True, True)
    assert shown.stderr == (
        "pdca: left out the notify setting terminal, which holds 'yes' (changed outside pdca):"
        " its default on applies until pdca notify config terminal on|off sets it\n"
    )
    (line,) = [x for x in cli("doctor").stdout.splitlines() if x.startswith("FAIL settings")]
    assert "notify terminal holds 'yes'" in line and "mail" not in line


def test_an_export_names_the_odd_values_of_any_table_its_import_will_refuse(odd_file, cli) -> None:
    """A due date 'tomorrow' or a baseline 'abc' put in by hand went out in a JSON export
    without a word, and its import refused it (a tester): named as doctor names them."""
    exported = cli("export", "--format", "json")
    assert exported.exit_code == 0
    notes = exported.stderr.splitlines()
    for named in ("alerts: 1 row", "kpis row 1: escalation", "kpi_readings: 1 row"):
        assert any(
            n.startswith(f"note: an import of this export will refuse {named}") for n in notes
        )
    assert notes[-1].startswith("note: put them right first")


def test_an_export_says_which_rows_its_import_will_refuse(ok, cli, db_path: Path) -> None:
    """A tester's export of a file holding a setting typed in by hand went out without a word,
    and could not be imported again."""
    ok("add", "Triage rota", "--owner", "dana")
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO settings (key, value, updated_at, updated_by)"
            " VALUES ('stale_after_days', '-3', '2026-11-01T09:00:00Z', 'dana')"
        )
    conn.close()
    exported = cli("export", "--format", "json")
    assert exported.exit_code == 0 and json.loads(exported.stdout)["tables"]["settings"]
    assert exported.stderr.splitlines() == [
        "note: an import of this export will refuse settings row 1: value '-3' is not a number"
        " of days from 1 to 365",
        "note: put them right first: a name with pdca initiative edit or pdca kpi edit NAME"
        " --name NEW, any other value with sqlite3 (pdca doctor names those)",
    ]
    clean = cli("export", "--format", "csv")
    assert clean.stderr == ""
