"""User text is data: stored and returned byte-exact, shown escaped, carried exactly in JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pdca.db.models import (
    ActionChanges,
    ActionDraft,
    CheckinDraft,
    InitiativeDraft,
    KpiDraft,
    ReadingDraft,
)
from pdca.db.store import Store
from pdca.tui.output import printable
from tests.conftest import NOW_DT, open_as

MARKUP = "[bold red]x[/]"
ANSI = "\x1b[31mred\x1b[0m"
EMOJI = "🚀 ship it"
RTL = "תיקון באג"
CONTROLS = "bell\x07 back\x08 del\x7f csi\x9b2J tab\t cr\r end"
TEXTS = {"markup": MARKUP, "ansi": ANSI, "emoji": EMOJI, "rtl": RTL, "controls": CONTROLS}
NOTES = "line one\nline two\r\nline three\rline four \x1b[2J\n\n[i]last[/i] 🚀 שלום\n"

# Anything a terminal could act on, except the newline that separates lines.
RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def assert_no_raw_control(text: str) -> None:
    found = RAW_CONTROL.findall(text)
    assert not found, f"raw control characters {found!r} in {text!r}"


# --------------------------------------------------------------------------- the printable rule


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (ANSI, "\\x1b[31mred\\x1b[0m"),
        (MARKUP, MARKUP),
        (EMOJI, EMOJI),
        (RTL, RTL),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("\x00\x07\x7f\x9b", "\\x00\\x07\\x7f\\x9b"),
        ("tab\there", "tab\\there"),
        ("back\\slash", "back\\slash"),
        (None, ""),
    ],
)
def test_printable(raw: str | None, shown: str) -> None:
    assert printable(raw) == shown
    assert_no_raw_control(printable(raw))


# --------------------------------------------------------------------------- the store


@pytest.mark.parametrize("name", ["ansi", "controls"])
def test_a_new_name_holding_a_control_is_refused(store: Store, name: str) -> None:
    """Shown as an escape ("ctl\\x07name"), such a name could not be typed to be found: no
    command or field reached it (a tester). Titles and notes keep theirs."""
    from pdca.db.errors import InvalidInput
    from pdca.db.models import KpiChanges, validated

    hostile = f"K {TEXTS[name]}"
    with pytest.raises(InvalidInput, match="which pdca shows as an escape"):
        validated(InitiativeDraft, name=hostile)
    with pytest.raises(InvalidInput, match="which pdca shows as an escape"):
        validated(KpiDraft, name=hostile, unit="h", baseline=1, target=2)
    with pytest.raises(InvalidInput, match="which pdca shows as an escape"):
        validated(KpiChanges, name=hostile)
    assert validated(ActionDraft, title=hostile).title == hostile  # a title keeps them


@pytest.mark.parametrize("name", list(TEXTS))
def test_store_keeps_every_text_byte_exact(store: Store, db_path: Path, name: str) -> None:
    text = TEXTS[name]
    store.add_initiative(InitiativeDraft(name="I", objective=text))
    store.add_kpi(KpiDraft(name="K", unit="h", baseline=1, target=2))
    # Names with controls are refused now (below); a file from before holds them, and every
    # text path must still keep them byte for byte: written as that pdca did.
    store.conn.execute("UPDATE initiatives SET name = ?", (f"I {text}",))
    store.conn.execute("UPDATE kpis SET name = ?", (f"K {text}",))
    store.add_action(
        ActionDraft(title=text, notes=NOTES + text, initiative=f"I {text}", kpi=f"K {text}")
    )
    store.add_checkin(1, CheckinDraft(message=text))
    store.record_reading(ReadingDraft(kpi=f"K {text}", value=1, note=text))
    store.edit_action(1, ActionChanges(title=text + " (2)"))

    reader = open_as(db_path, "bob", NOW_DT)
    try:
        detail = reader.action_detail(1)
        assert detail.action.title == text + " (2)"
        assert detail.action.notes == NOTES + text
        assert detail.action.initiative == f"I {text}"
        assert detail.action.kpi == f"K {text}"
        assert detail.checkins[0].message == text
        edit = detail.history[-1]
        assert edit.before is not None and edit.before["title"] == text
        assert edit.after is not None and edit.after["title"] == text + " (2)"
        assert [i.objective for i in reader.list_initiatives()] == [text]
        kpi = reader.get_kpi(f"K {text}")
        assert kpi.name == f"K {text}" and kpi.latest_value == 1
        row = reader.conn.execute("SELECT title, notes FROM actions WHERE id = 1").fetchone()
        assert (row["title"], row["notes"]) == (text + " (2)", NOTES + text)
        note = reader.conn.execute("SELECT note FROM kpi_readings").fetchone()[0]
        assert note == text
    finally:
        reader.close()


# --------------------------------------------------------------------------- the command line


def _named_as_before(env: dict[str, str], table: str, name: str, text: str) -> None:
    """``name`` given ``text`` as a pdca from before names with controls were refused left
    it in the file (what they are now is ``test_a_new_name_holding_a_control_is_refused``)."""
    import sqlite3

    with sqlite3.connect(env["PDCA_DB"]) as conn:
        conn.execute(f"UPDATE {table} SET name = ? WHERE name = ?", (f"{name} {text}", name))
    conn.close()


@pytest.fixture
def filled(cli, env: dict[str, str]) -> dict[str, Any]:
    """Every hostile text through the command line; returns what went in."""
    for index, (name, text) in enumerate(TEXTS.items(), start=1):
        assert cli("initiative", "add", f"I {name}", "--objective", text).exit_code == 0
        kpi_args = ["--unit", "h", "--baseline", "1", "--target", "2"]
        assert cli("kpi", "add", f"K {name}", *kpi_args).exit_code == 0
        _named_as_before(env, "initiatives", f"I {name}", text)
        _named_as_before(env, "kpis", f"K {name}", text)
        result = cli(
            "add",
            text,
            "--notes",
            NOTES + text,
            "--initiative",
            f"I {name} {text}",
            "--kpi",
            f"K {name} {text}",
        )
        assert result.exit_code == 0, result.stderr
        assert_no_raw_control(result.stdout)
        assert cli("checkin", str(index), text, "--status", "at-risk").exit_code == 0
        assert cli("kpi", "record", f"K {name} {text}", "3", "--note", text).exit_code == 0
    return TEXTS


def test_json_carries_text_exactly(filled: dict[str, Any], cli) -> None:
    listed = json.loads(cli("list", "--json").stdout)
    assert sorted(a["title"] for a in listed) == sorted(filled.values())
    for index, text in enumerate(filled.values(), start=1):
        shown = json.loads(cli("show", str(index), "--json").stdout)
        assert shown["action"]["title"] == text
        assert shown["action"]["notes"] == NOTES + text
        assert shown["checkins"][0]["message"] == text
        assert shown["history"][0]["after"]["title"] == text
    kpis = json.loads(cli("kpi", "list", "--json").stdout)
    assert {k["name"] for k in kpis} == {f"K {n} {t}" for n, t in filled.items()}
    initiatives = json.loads(cli("initiative", "list", "--json").stdout)
    assert {i["objective"] for i in initiatives} == set(filled.values())


def test_json_written_by_write_commands_is_exact(cli) -> None:
    for text in TEXTS.values():
        added = json.loads(cli("add", text, "--notes", NOTES, "--json").stdout)
        assert (added["title"], added["notes"]) == (text, NOTES)
        checked = json.loads(cli("checkin", str(added["id"]), text, "--json").stdout)
        assert checked["message"] == text
        edited = json.loads(cli("edit", str(added["id"]), "--title", text + "!", "--json").stdout)
        assert edited["title"] == text + "!"


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--all"],
        ["show", "1"],
        ["show", "2"],
        ["show", "5"],
        ["kpi", "list"],
        ["initiative", "list"],
        ["move", "5", "do", "--verdict", "worked"],  # refused: the error line too
        ["edit", "5", "--title", CONTROLS + "!"],
        ["done", "5", "--decision", "abandon"],
        ["undo"],
    ],
)
def test_plain_text_output_never_carries_raw_control_characters(
    filled: dict[str, Any], cli, args: list[str]
) -> None:
    result = cli(*args)
    assert_no_raw_control(result.stdout)
    assert_no_raw_control(result.stderr)


def test_plain_text_shows_the_escapes_and_keeps_the_rest_literal(filled, cli) -> None:
    listed = cli("list").stdout
    assert "\\x1b[31mred\\x1b[0m" in listed
    assert MARKUP in listed and EMOJI in listed and RTL in listed
    assert "bell\\x07 back\\x08 del\\x7f csi\\x9b2J tab\\t cr\\r end" in listed
    shown = cli("show", "2").stdout
    assert shown.splitlines()[0] == "#2 \\x1b[31mred\\x1b[0m"
    # A bare carriage return is shown escaped, as the README says: it would move the cursor.
    assert "  line three\\rline four \\x1b[2J" in shown.splitlines()
    assert "  [i]last[/i] 🚀 שלום" in shown.splitlines()
    assert "  kpi         K ansi \\x1b[31mred\\x1b[0m" in shown.splitlines()
    assert "at-risk  \\x1b[31mred\\x1b[0m" in shown


def test_text_from_an_imported_file_cannot_drive_the_terminal(cli, tmp_path: Path) -> None:
    """A restored export may hold anything in its free-text columns; plain text still escapes
    it. Columns with a form (logins, dates) refuse it, in a line that escapes it too."""
    assert cli("add", "x", "--owner", "dana", "--due", "+1w").exit_code == 0
    assert cli("checkin", "1", "hi").exit_code == 0
    document = json.loads(cli("export").stdout)
    evil = "\x1b]0;pwned\x07\x1b[2J"
    document["tables"]["actions"][0].update(title="x" + evil, notes=evil)
    document["tables"]["checkins"][0].update(message=evil)
    crafted = tmp_path / "crafted.json"
    crafted.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "restored.db"
    assert cli("--db", str(target), "import", str(crafted)).exit_code == 0
    for args in (["list"], ["show", "1"], ["log"]):
        result = cli("--db", str(target), *args)
        assert result.exit_code == 0, result.stderr
        assert_no_raw_control(result.stdout)
        assert "\\x1b]0;pwned\\x07" in result.stdout
    shown = json.loads(cli("--db", str(target), "show", "1", "--json").stdout)
    assert shown["action"]["title"] == "x" + evil  # JSON still carries it exactly

    document["tables"]["actions"][0].update(created_by=evil)
    crafted.write_text(json.dumps(document), encoding="utf-8")
    refused = cli("--db", str(tmp_path / "other.db"), "import", str(crafted))
    assert refused.exit_code == 1
    assert "created_by" in refused.stderr and "is not a login" in refused.stderr
    assert_no_raw_control(refused.stderr)


def test_escaped_output_through_a_real_process(env: dict[str, str]) -> None:
    from tests.conftest import run_pdca

    added = run_pdca("add", ANSI + " " + EMOJI, "--notes", NOTES, env=env)
    assert added.returncode == 0, added.stderr
    for args in (["list"], ["show", "1"]):
        done = run_pdca(*args, env=env)
        assert_no_raw_control(done.stdout)
        assert "\\x1b[31mred\\x1b[0m 🚀 ship it" in done.stdout
    raw = run_pdca("list", "--json", env=env).stdout
    assert "\x1b" not in raw  # JSON escapes it as \u001b ...
    assert json.loads(raw)[0]["title"] == ANSI + " " + EMOJI  # ... and decodes exactly


def test_an_old_name_holding_controls_is_found_typed_as_it_is_listed(cli, env) -> None:
    """Listed as ``Cloud\\x1b[2Jcost``, and typed so it was "not a known KPI; did you mean"
    the same name (a tester): typed as shown, it is the one shown."""
    kpi_args = ["--unit", "h", "--baseline", "1", "--target", "2"]
    assert cli("kpi", "add", "Cloud", *kpi_args).exit_code == 0
    assert cli("initiative", "add", "Quiet").exit_code == 0
    _named_as_before(env, "kpis", "Cloud", "\x1b[2J\x07cost")
    _named_as_before(env, "initiatives", "Quiet", "on\ncall")
    assert cli("kpi", "record", "Cloud \\x1b[2J\\x07cost", "3").exit_code == 0
    shown = cli("kpi", "show", "Cloud \\x1b[2J\\x07cost")
    assert shown.exit_code == 0 and "Cloud \\x1b[2J\\x07cost" in shown.stdout
    added = cli("add", "x", "--initiative", "Quiet on\\ncall")
    assert added.exit_code == 0, added.stderr
    # one whose emoji the app shows without their joiner (an import's): typed as shown
    assert cli("kpi", "add", "Pages", *kpi_args).exit_code == 0
    _named_as_before(env, "kpis", "Pages", "👩\u200d🔧")
    assert cli("kpi", "record", "Pages 👩🔧", "4").exit_code == 0


def test_a_moments_day_is_the_persons_own_as_its_time_is() -> None:
    """A tester in +13:45: "phase Plan since 2026-12-03" beside "created 2026-12-04 04:19",
    the same moment: the first was its UTC day."""
    import os
    import time

    from pdca.widgets.when import local_day, short_time

    before = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Chatham"
    time.tzset()
    try:
        assert local_day("2026-12-03T14:34:00Z") == "2026-12-04"
        assert short_time("2026-12-03T14:34:00Z").startswith("2026-12-04 04:19")
        assert local_day("2026-12-03") == "2026-12-03"  # a day alone stays
    finally:  # the clock put back for the tests after this one, in this process
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
