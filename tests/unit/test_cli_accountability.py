"""``pdca owners``, ``log``, ``followups``, ``followup``, ``standup`` and ``config``."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result

LATER_30 = "2026-12-23T10:00:00Z"  # 30 days after the fixed clock's standardize
LATER_60 = "2027-01-22T10:00:00Z"

OWNER_KEYS = [
    "login", "name", "plan", "do", "check", "act", "open", "overdue", "due_soon", "stale",
    "alerts_waiting", "followups_due", "last_checkin_at", "attention", "unowned",
]  # fmt: skip
LOG_KEYS = [
    "id", "action_id", "title", "owner", "initiative", "at", "author", "status", "kind",
    "result", "message", "days_late",
]  # fmt: skip
FOLLOWUP_KEYS = [
    "id", "action_id", "title", "owner", "offset_days", "due", "created_at", "done_at",
    "done_by", "result", "checkin_id", "reopened_id", "version", "is_due", "closed_by_a_slip",
]  # fmt: skip


def one_line_error(result: Result, *fragments: str) -> str:
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("pdca: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    return result.stderr


@pytest.fixture
def standardized(ok) -> None:
    """#1 done with standardize by dana at the fixed time; #2 open, late, dana's too."""
    ok("add", "Triage rota *for* [bold]L2[/bold]", "--owner", "dana", "--due", "+1w")
    ok("move", "1", "do")
    ok("checkin", "1", "rota drafted", "--status", "at-risk")
    ok("move", "1", "check")
    ok("move", "1", "act", "--verdict", "worked")
    ok("done", "1", "--decision", "standardize")
    ok("add", "Label the backlog", "--owner", "dana", "--due", "yesterday")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_owners_json_and_text(standardized, ok, js) -> None:
    rows = js("owners", "--json")
    assert [list(r) for r in rows] == [OWNER_KEYS]
    dana = rows[0]
    assert (dana["login"], dana["open"], dana["plan"], dana["overdue"]) == ("dana", 1, 1, 1)
    text = ok("owners").stdout.splitlines()
    assert text[0].split()[:3] == ["OWNER", "P/D/C/A", "OPEN"]
    assert text[1].split()[:3] == ["dana", "1/0/0/0", "1"]


def test_log_newest_first_with_filters(standardized, ok, js, cli, monkeypatch) -> None:
    monkeypatch.setenv("PDCA_NOW", "2026-11-25T09:00:00Z")
    ok("checkin", "2", "labels half done", "--status", "blocked")
    entries = js("log", "--json")
    assert [list(e) for e in entries][0] == LOG_KEYS
    assert [(e["action_id"], e["message"]) for e in entries] == [
        (2, "labels half done"),
        (1, "rota drafted"),
    ]
    assert [e["action_id"] for e in js("log", "--action", "#1", "--json")] == [1]
    assert [e["action_id"] for e in js("log", "--since", "2026-11-24", "--json")] == [2]
    assert [e["action_id"] for e in js("log", "--until", "2026-11-23", "--json")] == [1]
    assert "not one of this file's people" in cli("log", "--owner", "nobody").stderr
    assert [e["status"] for e in js("log", "--status", "blocked", "--json")] == ["blocked"]
    text = ok("log").stdout
    assert "2d ago" in text and "#2" in text and "labels half done — Label the backlog" in text
    # Cut at --limit, said on stderr (a script got 50 of 300 with nothing to say so)
    cut = ok("log", "--json", "--limit", "1")
    assert [e["action_id"] for e in json.loads(cut.stdout)] == [2]
    assert cut.stderr == (
        "note: the newest 1 shown; more match (--limit N shows more; --since and --until"
        " narrow them)\n"
    )
    assert ok("log", "--limit", "1").stderr == cut.stderr
    assert ok("log", "--json", "--limit", "2").stderr == ""  # all of them: nothing more
    everything = ok("log", "--json", "--limit", str(2**63 - 1))  # a script's "all" (a reviewer)
    assert len(json.loads(everything.stdout)) == 2 and everything.stderr == ""


def test_followups_fall_due_and_are_recorded(standardized, ok, js, monkeypatch) -> None:
    scheduled = js("followups", "--json")
    assert [list(f) for f in scheduled][0] == FOLLOWUP_KEYS
    assert [(f["offset_days"], f["due"], f["owner"]) for f in scheduled] == [
        (30, "2026-12-23", "dana"),
        (60, "2027-01-22", "dana"),
        (90, "2027-02-21", "dana"),
    ]
    assert js("followups", "--due", "--json") == []
    monkeypatch.setenv("PDCA_NOW", LATER_30)
    assert [f["offset_days"] for f in js("followups", "--due", "--json")] == [30]
    assert "2026-12-23 DUE" in ok("followups").stdout
    monkeypatch.setenv("PDCA_NOW", "2027-01-17T09:00:00Z")  # 25 days after: said as actions are
    assert "2026-12-23 ! 25d late" in ok("followups").stdout
    monkeypatch.setenv("PDCA_NOW", LATER_30)
    assert ok("followup", "#1", "holding", "still 18h").stdout == (
        "recorded the 30-day follow-up of #1: holding\n"
    )
    assert js("followups", "--due", "--json") == []
    [entry] = js("log", "--action", "1", "--json")[:1]
    assert (entry["kind"], entry["result"], entry["message"]) == (
        "followup",
        "holding",
        "still 18h",
    )
    monkeypatch.setenv("PDCA_NOW", LATER_60)
    outcome = js("followup", "1", "slipped", "--json")
    assert set(outcome) == {"followup", "checkin", "reopened"}
    reopened = outcome["reopened"]
    assert (reopened["phase"], reopened["parent_id"], reopened["cycle"]) == ("plan", 1, 2)
    assert outcome["followup"]["reopened_id"] == reopened["id"]
    # --status takes a follow-up's result too, as the log's STATUS column shows it
    for result in ("holding", "slipped"):
        found = js("log", "--status", result, "--json")
        assert [(e["kind"], e["result"]) for e in found] == [("followup", result)]
    recorded = [f for f in js("followups", "--all", "--json") if f["done_at"]]
    assert [(f["offset_days"], f["result"], f["closed_by_a_slip"]) for f in recorded] == [
        (30, "holding", False),
        (60, "slipped", False),
        # closed with the slip, nothing left to audit: told apart (an auditor counted it twice)
        (90, "slipped", True),
    ]
    assert "closed (slipped earlier)" in ok("followups", "--all").stdout
    assert js("followups", "--json") == []


def test_an_audit_recorded_past_its_day_says_how_late(standardized, ok, js, monkeypatch) -> None:
    """One recorded ten days over read "holding" as one recorded on its day (a PDCA coach);
    and the log said "holding" alone (a newcomer)."""
    from pdca.db.accountability_models import LogEntry
    from pdca.screens.log import GLYPH_ONLY, LogColumns, entry_row

    monkeypatch.setenv("PDCA_NOW", "2026-12-26T09:00:00Z")  # the 30-day audit was due 12-23
    ok("followup", "1", "holding", "still 18h")
    [line] = [row for row in ok("followups", "--all").stdout.splitlines() if " 30d " in row]
    assert "holding, 3d late" in line
    monkeypatch.setenv("PDCA_NOW", "2027-01-22T09:00:00Z")  # the 60-day one, on its day
    ok("followup", "1", "holding")
    [line] = [row for row in ok("followups", "--all").stdout.splitlines() if " 60d " in row]
    assert "holding" in line and "late" not in line
    on_time, late = [e for e in js("log", "--json") if e["kind"] == "followup"]
    assert (on_time["days_late"], late["days_late"]) == (None, 3)
    assert [e["days_late"] for e in js("log", "--json") if e["kind"] == "checkin"] == [None]
    assert "follow-up holding, 3d late" in ok("log").stdout
    entry = LogEntry(**late)
    now = datetime(2027, 1, 22, 9, tzinfo=UTC)
    shown = [
        "".join(text for text, _ in entry_row(entry, now, columns))
        for columns in (
            LogColumns(),
            LogColumns(title=20, state=12),
            LogColumns(title=0, state=GLYPH_ONLY),
        )
    ]
    assert "⚑ follow-up holding" in shown[0] and "3d late: still 18h" in shown[0]
    assert "⚑ holding   3d late: still 18h" in shown[1]
    assert "⚑ holding, 3d late: still 18h" in shown[2]


def test_a_followup_of_work_audited_to_the_end_says_so(standardized, ok, cli, monkeypatch) -> None:
    """Every audit recorded holding: it said "no follow-up pending (only standardized work
    has)" of work that was standardized (a trial)."""
    for moment in (LATER_30, LATER_60, "2027-02-21T10:00:00Z"):
        monkeypatch.setenv("PDCA_NOW", moment)
        ok("followup", "1", "holding")
    assert one_line_error(cli("followup", "1", "holding")) == (
        "pdca: #1's follow-ups are all recorded (30-day holding, 60-day holding, 90-day holding)\n"
    )


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["followup", "1", "maybe"], ("RESULT", "'maybe'")),
        (["followup", "x1", "holding"], ("id: 'x1'", "not an action id")),
        (["followup", "1", "holding", "  "], ("message: '  '", "is empty")),
        (["followup", "2", "holding"], ("#2 has no follow-up pending",)),
        (["followup", "1", "holding"], ("not due until 2026-12-23",)),
        (["followup", "99", "holding"], ("no action #99",)),
        (["log", "--since", "someday"], ("since: 'someday'", "is not a date")),
        (["log", "--since", "2027-01-01"], ("--since: '2027-01-01' is later than today",)),
        (["log", "--action", "abc"], ("action: 'abc'", "not an action id")),
        (["log", "--action", "42"], ("no action #42",)),
        (["log", "--initiative", "Nope"], ("--initiative: “Nope”",)),
        (["standup", "--since", "2026-13-01"], ("since: '2026-13-01'",)),
        (["standup", "--since", "2026-11-01Tnoon"], ("since: '2026-11-01Tnoon'",)),
        (
            ["standup", "--since", "2030-01-01"],
            ("since: '2030-01-01' is a day still to come (today is 2026-11-23)",),
        ),
        (
            ["standup", "--since", "+3d"],
            ("since: '+3d' is a day still to come (today is 2026-11-23)",),
        ),
        (["standup", "--format", "html"], ("'html'",)),
        (["config", "followup-offsets", "90,30"], ("followup-offsets: '90,30'", "must go up")),
        (["config", "stale-after-days", "0"], ("stale-after-days: '0'",)),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    standardized, cli, db_path: Path, args: list[str], fragments: tuple[str, ...]
) -> None:
    before = sha(db_path)
    one_line_error(cli(*args), *fragments)
    assert sha(db_path) == before


def test_standup_markdown_text_json_and_recording(standardized, ok, js, cli, monkeypatch) -> None:
    md = ok("standup").stdout
    lines = md.splitlines()
    assert (
        lines[0] == "**Stand-up** 2026-11-23 09:00 UTC — since 2026-11-20 09:00 UTC"
    )  # the title line
    assert lines[1:3] == ["", "**dana**"]
    # Where dana's work stands comes first, then what changed.
    assert lines[3] == "- Open: #2 Label the backlog — 1d late (due 2026-11-22)"
    # User text is shown as typed: Markdown and markup in a title cannot format the chat.
    assert "\\*for\\* \\[bold\\]L2\\[/bold\\]" in md
    assert "- Done: #1" in md and "- Created: #2 Label the backlog" in md
    digest = js("standup", "--format", "json")
    assert set(digest) == {
        "since", "until", "items", "standing", "people", "standing_more", "followups_more",
        "alerts_more", "kpis_more", "changes_more", "change_counts", "after_event",
        "seen_event", "since_by", "part_of",
    }  # fmt: skip
    kinds = [i["kind"] for i in digest["items"]]
    assert kinds.count("created") == 2 and "done" in kinds and "checkin" in kinds
    assert digest["people"] == ["dana"]
    assert [(i["kind"], i["action_id"]) for i in digest["standing"]] == [("action", 2)]
    text = ok("standup", "--format", "text").stdout
    assert (
        text.splitlines()[0] == "stand-up 2026-11-23 09:00 UTC, since 2026-11-20 09:00 UTC"
    )  # as md says it
    # in words, as the Markdown says them, not the kinds of the JSON
    assert "    Done: #1" in text and "    Created: #2 Label the backlog" in text
    assert "    Open: #2" in text and "created " not in text
    recorded = ok("standup", "--record")
    assert recorded.stderr == "recorded: the next stand-up starts from 2026-11-23 09:00 UTC\n"
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T09:00:00Z")
    ok("checkin", "2", "on it")
    later = js("standup", "--format", "json")
    assert later["since"] == "2026-11-23T09:00:00Z"
    # whose stand-up the window starts at: a second lead's looked like their own (a trial)
    assert later["since_by"] == "alice" and monkeypatch is not None
    monkeypatch.setenv("PDCA_USER", "mark")
    assert ok("standup", "--format", "text").stdout.splitlines()[0] == (
        "stand-up 2026-11-24 09:00 UTC, since 2026-11-23 09:00 UTC (alice's stand-up)"
    )
    monkeypatch.setenv("PDCA_USER", "alice")
    assert [(i["kind"], i["action_id"]) for i in later["items"]] == [("checkin", 2)]
    monday = js("standup", "--since", "mon", "--format", "json")  # on Tuesday the 24th
    assert monday["since"] == "2026-11-23T00:00:00Z"
    since_day = js("standup", "--since", "2026-11-20", "--format", "json")
    assert since_day["since"] == "2026-11-20T00:00:00Z" and len(since_day["items"]) > 1
    # The time as the stand-up prints it is taken back (a tester's copy was refused), and
    # a time without the T
    for given in ("2026-11-23 09:00 UTC", "2026-11-23 09:00", "2026-11-23T09:00"):
        assert js("standup", "--since", given, "--format", "json")["since"] == (
            "2026-11-23T09:00:00Z"
        ), given
    # a 12-hour clock's, and a one-digit hour ("PM" was a zone's name, "8:30 pm" no time,
    # and "T8:30", pdca's own example, refused: a tester)
    for given, meant in (
        ("2026-11-22 08:30 PM", "2026-11-22T20:30:00Z"),
        ("2026-11-22 8:30pm", "2026-11-22T20:30:00Z"),
        ("2026-11-22 12:15 a.m. UTC", "2026-11-22T00:15:00Z"),
        ("2026-11-22 12:00 PM", "2026-11-22T12:00:00Z"),
        ("2026-11-22T8:30+01:00", "2026-11-22T07:30:00Z"),
        ("2026-11-22 8 PM", "2026-11-22T20:00:00Z"),  # and these (a reviewer)
        ("2026-11-22 8:30PM+01:00", "2026-11-22T19:30:00Z"),
    ):
        assert js("standup", "--since", given, "--format", "json")["since"] == meant, given
    thirteen = cli("standup", "--since", "2026-11-22 13:00 PM")
    assert thirteen.exit_code == 1 and "is no time on a 12-hour clock" in thirteen.stderr
    # a refusal quotes what was typed, not the 24-hour text it was read as
    zoned = cli("standup", "--since", "2026-11-22 8:30 PM JST")
    assert "since: '2026-11-22 8:30 PM JST' names the zone JST" in zoned.stderr, zoned.stderr
    # and as the app shows one, named by the clock's own zone
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    try:
        time.tzset()
        shown = js("standup", "--since", "2026-11-23 03:00 EST", "--format", "json")
        assert shown["since"] == "2026-11-23T08:00:00Z"
        # the autumn's repeated hour: EDT the first 01:30, EST the second
        edt = js("standup", "--since", "2026-11-01 01:30 EDT", "--format", "json")
        est = js("standup", "--since", "2026-11-01 01:30 EST", "--format", "json")
        assert (edt["since"], est["since"]) == ("2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z")
        # A colleague's zone, as their app shows a time: named, with what to give instead
        # ("is not a time" said nothing of why, a tester)
        tokyo = cli("standup", "--since", "2026-11-23 08:00 JST")
        assert tokyo.exit_code == 1 and tokyo.stderr.startswith(
            "pdca: since: '2026-11-23 08:00 JST' names the zone JST, not this clock's"
            " (EST/EDT): give it with its offset from UTC (like 2026-11-23T08:00+09:00)"
        ), tokyo.stderr
        # with that zone's own offset (+09:00 was said for every zone, a retrial), and GMT
        # is UTC's other name
        berlin = cli("standup", "--since", "2026-11-23 08:00 CET")
        assert "(like 2026-11-23T08:00+01:00)" in berlin.stderr, berlin.stderr
        gmt = js("standup", "--since", "2026-11-23 08:00 GMT", "--format", "json")
        assert gmt["since"] == "2026-11-23T08:00:00Z"
        summer = cli("standup", "--since", "2026-07-04 10:00 EST")
        assert summer.exit_code == 1 and "is not EST on this clock, which is EDT then" in (
            summer.stderr
        )
        # Without a zone, the repeated hour is refused, as the hour the clock skips is: both
        # were taken silently, the first as EDT, the other as some time nearby (a tester).
        twice = cli("standup", "--since", "2026-11-01 01:30")
        assert twice.exit_code == 1 and twice.stderr.endswith(
            "is twice on this clock, in EDT and EST: add which, like 2026-11-01 01:30 EDT\n"
        )
        # the example given is taken within the repeated hour itself, when the other is
        # still ahead (it named EST, then refused it as in the future: an analyst)
        monkeypatch.setenv("PDCA_NOW", "2026-11-01T05:45:00Z")  # 01:45 EDT
        ok("kpi", "add", "hour", "--unit", "h", "--baseline", "1", "--target", "2")
        taken = ok("kpi", "record", "hour", "1", "--at", "2026-11-01 01:30 EDT").stdout
        assert taken.endswith("at 2026-11-01T05:30:00Z\n")
        monkeypatch.setenv("PDCA_NOW", "2026-11-23T09:00:00Z")
        skipped = cli("kpi", "record", "x", "1", "--at", "2026-03-08T02:30")
        assert skipped.exit_code == 1 and skipped.stderr.endswith(
            "is no time on this clock, which skips from EST to EDT then:"
            " say 2026-03-08 03:30 EDT, or 2026-03-08 01:30 EST\n"
        )
        # and the forms it says are taken, by kpi record --at too (it refused them, a reviewer)
        ok("kpi", "add", "x", "--unit", "h", "--baseline", "1", "--target", "2")
        for typed, stored in [
            ("2026-03-08 03:30 EDT", "2026-03-08T07:30:00Z"),
            ("2026-11-01 01:30 EST", "2026-11-01T06:30:00Z"),
            ("2026-11-01 01:30 UTC", "2026-11-01T01:30:00Z"),
        ]:
            assert ok("kpi", "record", "x", "1", "--at", typed).stdout.endswith(f"at {stored}\n")
        said = js("standup", "--since", "2026-03-08 03:30 EDT", "--format", "json")
        assert said["since"] == "2026-03-08T07:30:00Z"
        assert js("standup", "--since", "2026-03-08", "--format", "json")["since"] == (
            "2026-03-08T05:00:00Z"  # a day is its first moment, whatever the clock does
        )
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_standup_lists_each_persons_first_changes_and_all_with_all(
    standardized, ok, js, monkeypatch
) -> None:
    from pdca.db import accountability

    every = js("standup", "--format", "json")["items"]
    assert len(every) == 7  # dana's: two created, three moves, a check-in, done
    monkeypatch.setattr(accountability, "CHANGES_MOST", 3)
    digest = js("standup", "--format", "json")
    # Her first changes other than check-ins come first (a dozen check-ins hid a done).
    assert digest["items"] == [i for i in every if i["kind"] != "checkin"][:3]
    assert digest["items"] != every[:3]  # her check-in came before her third move
    assert digest["changes_more"] == {"dana": 4}
    assert sum(digest["change_counts"]["dana"].values()) == 7
    md = ok("standup").stdout.splitlines()
    assert md[-1] == "- and 4 more changes (pdca standup --all lists them)"
    assert len([line for line in md if line.startswith(("- Created", "- Moved", "- Done"))]) <= 3
    text = ok("standup", "--format", "text").stdout.splitlines()
    assert text[-1] == "    and 4 more changes (pdca standup --all lists them)"
    assert js("standup", "--all", "--format", "json")["items"] == every


def test_standup_markdown_leaves_out_the_quiet(ok, monkeypatch) -> None:
    ok("init")
    ok("add", "Quiet work", "--owner", "frank", "--due", "2026-12-30")
    ok("add", "Late work", "--owner", "dave", "--due", "2026-11-21")
    ok("standup", "--record")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:00:00Z")
    md = ok("standup").stdout
    assert "**dave**" in md and "frank" not in md
    text = ok("standup", "--format", "text").stdout
    assert "frank: nothing to report" in text
    assert "dave: nothing to report" not in text


def test_config_shows_and_sets_team_settings(ok, js) -> None:
    ok("init")
    assert ok("config").stdout == "stale-after-days = 7\nfollowup-offsets = 30,60,90\n"
    assert ok("config", "followup-offsets", "14, 28").stdout == (
        "stale-after-days = 7\nfollowup-offsets = 14,28\n"
    )
    assert js("config", "--json") == {"stale_after_days": 7, "followup_offsets": [14, 28]}
    # one key's JSON in the same spelling and shape (it was {"followup-offsets": "14,28"})
    assert js("config", "followup-offsets", "--json") == {"followup_offsets": [14, 28]}
    assert js("config", "stale-after-days", "--json") == {"stale_after_days": 7}
    assert ok("config", "stale-after-days").stdout == "stale-after-days = 7\n"
    # as --json spells it, taken too (it was refused, a trial)
    assert ok("config", "stale_after_days").stdout == "stale-after-days = 7\n"
    # set to what it is: nothing written, and no undo step that reverts nothing (a tester)
    same = ok("config", "stale-after-days", "07")
    assert same.stderr == "note: stale-after-days was so already: nothing written\n"
    assert ok("undo").stdout == "undid: “set followup-offsets to 14,28”\n"


def test_log_and_followups_refuse_an_owner_who_is_not_one_of_the_files_people(ok, cli) -> None:
    """``--owner nobody`` listed nothing, exit 0, as if they had no work (a tester)."""
    from tests.unit.test_cli import one_line_error

    ok("add", "Rota", "--owner", "dana")
    for command in ("log", "followups"):
        assert one_line_error(cli(command, "--owner", "DANA")) == (
            "--owner: 'DANA' is not one of this file's people; did you mean dana?"
        )
        assert cli(command, "--owner", "dana").exit_code == 0


def test_markdown_shows_an_entity_as_typed() -> None:
    from pdca.tui.output import md_escape

    assert md_escape("R&D &amp; ops") == "R\\&D \\&amp; ops"  # chat shows "&amp;" as typed
    assert md_escape("*x* [y](z)") == "\\*x\\* \\[y\\](z)"
    # A # only where a heading would take it: first, or closing the line (a tester's chat
    # showed "cycle 2 of \\#6" with its backslash).
    assert md_escape("cycle 2 of #6") == "cycle 2 of #6"
    assert md_escape("#6 first") == "\\#6 first"
    assert md_escape("Fix C #") == "Fix C \\#"
    # a mention in user text pings nobody from the chat (a tester's "@here" in a title)
    assert md_escape("tell @here and @dana") == "tell @\u200bhere and @\u200bdana"
    assert md_escape("mail ops@example.com") == "mail ops@example.com"  # an address stays
    assert md_escape("_@here_") == "\\_@\u200bhere\\_"  # italic, and still a mention
    assert md_escape("a.b@c.d and @@here") == "a.b@c.d and @@\u200bhere"


def test_owners_on_60_columns_fits_by_leaving_out_the_split_then_the_follow_ups(
    standardized, env: dict[str, str]
) -> None:
    """At 60 columns every row of ``pdca owners`` wrapped: with the split by phase gone it
    was still 68 cells wide (found trying it). The follow-ups go next; the counts a stand-up
    asks about (open, late, stale, alerts) and the last check-in stay."""
    import subprocess
    import sys

    from pdca.tui.columns import cell_width
    from tests.pty_run import run_on_a_terminal

    env = {**env, "COLUMNS": "60"}
    status, shown = run_on_a_terminal([sys.executable, "-m", "pdca.tui", "owners"], env)
    lines = shown.decode().replace("\r", "").splitlines()
    assert status == 0, lines
    assert lines[0].split() == [
        "OWNER",
        "OPEN",
        "LATE",
        "DUE",
        "7D",
        "STALE",
        "ALERTS",
        "CHECKED",
        "IN",
    ]
    assert lines[1].split()[:3] == ["dana", "1", "1"] and lines[1].endswith("never")
    assert max(cell_width(line) for line in lines) <= 60, lines
    piped = subprocess.run(
        [sys.executable, "-m", "pdca.tui", "owners"], env=env, capture_output=True, text=True
    )
    assert "FOLLOW-UPS" in piped.stdout and "P/D/C/A" in piped.stdout  # a pipe: all of it


def test_the_stand_up_tells_the_follow_ups_a_reassign_handed_over(
    standardized, ok, js, monkeypatch
) -> None:
    """carl's stand-up said "nothing to report" after ``pdca reassign ann carl`` handed him
    three audits (a lead's trial): each is told under him, with its day and who handed it."""
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:00:00Z")
    assert "and 3 follow-ups" in ok("reassign", "dana", "erin").stdout
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T11:00:00Z")
    items = js("standup", "--json")["items"]
    handed = [i["detail"] for i in items if i["kind"] == "handed" and i["person"] == "erin"]
    audits = [d for d in handed if "follow-up" in d]
    assert len(audits) == 3, handed
    assert audits[0].startswith("30-day follow-up due ") and audits[0].endswith(
        "dana → erin (by alice)"
    )
    text = ok("standup", "--format", "text").stdout
    assert "Handed over: #1 Triage rota" in text and "30-day follow-up due" in text


def test_a_reassigned_actions_history_names_only_its_own_follow_ups(standardized, ok) -> None:
    """#2's history listed the handover of #1's three audits, made in the same reassign: every
    handed action's history filled with other actions' follow-ups (a programme lead's trial)."""
    ok("reassign", "dana", "erin")
    two = ok("show", "2").stdout
    assert "handed #2 from dana to erin" in two
    assert "follow-up of #1" not in two, two
    one = ok("show", "1").stdout
    assert one.count("follow-up of #1 to erin") == 3, one
    ok("undo")
    assert "follow-up of #1" not in ok("show", "2").stdout


def test_an_undone_hand_over_of_follow_ups_is_told_to_whom_they_had_gone(
    standardized, ok, js, monkeypatch
) -> None:
    """The undo of a reassign told in an earlier stand-up was told under the done action's
    owner; erin, told the audits were hers, never heard they went back (a reviewer)."""
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:00:00Z")
    ok("reassign", "dana", "erin")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:10:00Z")
    monkeypatch.setenv("PDCA_USER", "lena")  # the lead records it: alice's undo is the reassign
    ok("standup", "--record")
    monkeypatch.setenv("PDCA_USER", "alice")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:20:00Z")
    assert "handed the 30-day follow-up" in ok("undo").stdout
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T11:00:00Z")
    items = js("standup", "--json")["items"]
    undone = [i for i in items if i["kind"] == "undone" and "follow-up" in i["detail"]]
    assert len(undone) == 3 and {i["person"] for i in undone} == {"erin"}, items


def test_an_alert_a_kpi_edit_hands_on_is_in_the_stand_up_whenever_its_deadline_was(
    ok, js, monkeypatch
) -> None:
    """gus missed his deadline on the 2nd with nobody after him; the lead put dana on the
    path on the 3rd, after the stand-up: the stand-up took the pass-on for the clock's,
    told by the stand-up before, and left it out (a reviewer)."""
    monkeypatch.setenv("PDCA_NOW", "2026-12-01T09:00:00Z")
    ok("kpi", "add", "Lead time", "--unit", "d", "--baseline", "9", "--target", "3",
       "--alert", "12", "--owner", "gus")  # fmt: skip
    ok("kpi", "record", "Lead time", "15")
    monkeypatch.setenv("PDCA_NOW", "2026-12-03T09:00:00Z")
    ok("standup", "--record")
    monkeypatch.setenv("PDCA_NOW", "2026-12-03T12:00:00Z")
    said = ok("kpi", "edit", "Lead time", "--escalate-to", "dana").stdout
    assert "escalated alert 1 on KPI 'Lead time' from gus to dana" in said
    digest = js("standup", "--format", "json")
    assert [(i["kind"], i["person"]) for i in digest["items"]] == [("alert-escalated", "dana")]
    assert digest["change_counts"]["dana"]["alert-escalated"] == 1


def test_repeats_pdca_made_are_listed_after_a_persons_other_changes(ok, js, monkeypatch) -> None:
    """A month of erin's repeats, made by pdca on their dates, filled her ten lines and hid
    the alert escalated to her behind "and 32 more changes" (a lead's trial): they come after
    her other changes, as check-ins do, and are counted all the same."""
    monkeypatch.setenv("PDCA_NOW", "2026-12-01T08:00:00Z")
    ok("add", "Check the backups", "--owner", "erin", "--every", "day")
    ok("kpi", "add", "Lead time", "--unit", "d", "--baseline", "9", "--target", "3",
       "--alert", "12", "--owner", "gus", "--escalate-to", "erin")  # fmt: skip
    ok("standup", "--record")
    for day in range(2, 15):  # a repeat a day, each made by the first command of the day
        monkeypatch.setenv("PDCA_NOW", f"2026-12-{day:02}T08:00:00Z")
        ok("recur", "run")
    ok("kpi", "record", "Lead time", "15")  # gus has a day
    ok("checkin", "1", "the backup disk is full", "--status", "blocked")
    monkeypatch.setenv("PDCA_NOW", "2026-12-15T09:00:00Z")
    ok("alerts")  # passes it on to erin
    digest = js("standup", "--format", "json")
    erins = [i["kind"] for i in digest["items"] if i["person"] == "erin"]
    # and the check-in, ahead of the repeats too (they hid a blocked one: a reviewer)
    assert "alert-escalated" in erins and "checkin" in erins and len(erins) == 10, erins
    assert digest["change_counts"]["erin"]["created"] == 14  # the 2nd to the 15th


def test_an_ignored_repeat_is_one_line_of_where_work_stands(ok, js, monkeypatch) -> None:
    """A daily check ignored for two weeks listed each round late and stale, and filled
    erin's lines (a tester): its oldest round is listed, with how many newer ones need a word
    too, and is counted once in "N more"."""
    monkeypatch.setenv("PDCA_NOW", "2026-12-01T08:00:00Z")
    ok("add", "Check the backups", "--owner", "erin", "--due", "2026-12-01", "--every", "day")
    ok("add", "Weekly review", "--owner", "erin", "--due", "2026-12-01", "--every", "week")
    ok("add", "One-off", "--owner", "erin", "--due", "2026-12-02")
    for day in range(2, 16):
        monkeypatch.setenv("PDCA_NOW", f"2026-12-{day:02}T08:00:00Z")
        ok("recur", "run")
    standing = js("standup", "--format", "json")["standing"]
    erins = [(i["action_id"], i["detail"]) for i in standing if i["kind"] == "action"]
    assert erins == [
        (
            1,
            "due 2026-12-01; 14 newer rounds of it need a word too",
        ),  # the 2nd..15th, the 15th due today
        (2, "due 2026-12-01; 2 newer rounds of it need a word too"),  # the 8th, the 15th (today)
        (3, "due 2026-12-02"),
    ], erins
    ok("done", "1", "--decision", "abandon")  # the oldest round done: the next one stands
    standing = js("standup", "--format", "json")["standing"]
    assert (4, "due 2026-12-02; 13 newer rounds of it need a word too") in [
        (i["action_id"], i["detail"]) for i in standing
    ]
    from pdca.db import accountability

    most = accountability.STANDING_MOST
    monkeypatch.setattr(accountability, "STANDING_MOST", 1)
    digest = js("standup", "--format", "json")
    assert digest["standing_more"] == {"erin": 2}  # two repeats and a one-off: three lines
    monkeypatch.setattr(accountability, "STANDING_MOST", most)
    ok("edit", "6", "--owner", "ben")  # one round handed over: ben's, and in his stand-up
    standing = js("standup", "--format", "json")["standing"]
    said = {(i["person"], i["action_id"], i["detail"]) for i in standing if i["kind"] == "action"}
    assert ("ben", 6, "due 2026-12-04") in said
    assert ("erin", 4, "due 2026-12-02; 12 newer rounds of it need a word too") in said


def test_log_initiative_none_lists_the_check_ins_of_no_initiative(ok, js) -> None:
    """As pdca list --initiative none: refused with "add one", which none may (a reviewer)."""
    ok("initiative", "add", "Faster support")
    ok("add", "Linked", "--initiative", "Faster support")
    ok("add", "Loose")
    ok("checkin", "1", "on the linked one")
    ok("checkin", "2", "on the loose one")
    listed = js("log", "--initiative", "none", "--json")
    assert [entry["message"] for entry in listed] == ["on the loose one"]


def test_a_log_day_without_its_year_taken_as_last_years_is_said(ok, cli) -> None:
    """``log --until "dec 24"`` on November 23rd was last year's, and the log came out empty
    without a word, where list says a day taken as next year's (a retrial)."""
    ok("add", "Linked")
    ok("checkin", "1", "today's")
    result = cli("log", "--until", "dec 24")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "note: --until 'dec 24' is taken as 2025-12-24, the last one (the log looks back)"
    )
    assert "note" not in cli("log", "--until", "nov 20").stderr  # three days gone: the last


def test_a_standup_recorded_from_after_the_last_ones_end_says_what_it_leaves_untold(
    standardized, ok, js, monkeypatch
) -> None:
    """A record up to 09:00, a check-in at 09:02, then ``standup --since 09:04 --record``:
    the next began at 09:05, and the 09:02 check-in came up in no stand-up, without a word
    (a trial). Recorded as asked (a team back from a break records from Monday), and said,
    with undo to take it back; and undone, the next one covers the gap."""
    ok("standup", "--record")  # up to 2026-11-23 09:00
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T09:02:00Z")
    ok("checkin", "2", "in the gap")
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T09:05:00Z")
    recorded = ok("standup", "--since", "2026-11-23 09:04 UTC", "--record")
    assert recorded.stderr.splitlines()[-1] == (
        "note: what changed from 2026-11-23 09:00 UTC (the last stand-up's end) to 2026-11-23"
        " 09:04 UTC comes up in no stand-up (pdca undo takes this record back)"
    )
    assert js("standup", "--format", "json")["since"] == "2026-11-23T09:05:00Z"
    ok("undo", "--yes")
    after = js("standup", "--format", "json")
    assert after["since"] == "2026-11-23T09:00:00Z"
    assert [i["detail"] for i in after["items"] if i["kind"] == "checkin"] == [
        "on-track: in the gap"
    ]
    # from the last one's end, or without --since: no word of a gap
    assert "note:" not in ok("standup", "--since", "2026-11-23 09:00 UTC", "--record").stderr
    # from before the last one's end: recorded as asked, told twice rather than never (it
    # said "recorded it already", and recorded nothing, whatever --since: a retrial)
    monkeypatch.setenv("PDCA_NOW", "2026-11-23T10:00:00Z")
    again = ok("standup", "--since", "2026-11-23 08:30 UTC", "--record")
    assert again.stderr == "recorded: the next stand-up starts from 2026-11-23 10:00 UTC\n"
    assert js("standup", "--format", "json")["since"] == "2026-11-23T10:00:00Z"
    # the same run again in the same second: not recorded twice (a review)
    twice = ok("standup", "--since", "2026-11-23 08:30 UTC", "--record")
    assert twice.stderr.startswith("note: stand-up: you recorded it already, up to 2026-11-23")


@pytest.mark.parametrize("after_one", [False, True])
def test_a_standup_a_colleague_recorded_meanwhile_ends_well(
    ok, cli, monkeypatch, after_one: bool
) -> None:
    """Two leads' crons recorded the stand-up in one minute: the second exited 1 with the
    stand-up printed, and cron mailed about nothing wrong (a trial). It is recorded, by the
    other: said on stderr, exit 0, nothing written twice; in the very second of the last
    stand-up too, where times kept to the second hid the other's record (a retrial)."""
    import os

    from pdca.db import accountability
    from pdca.db.store import Store
    from tests.conftest import NOW_DT

    ok("add", "rota", "--owner", "bob")
    if after_one:  # the last stand-up in the same second: since == the other's at
        monkeypatch.setenv("PDCA_USER", "ann")
        ok("standup", "--record")
        ok("checkin", "1", "news")
        monkeypatch.setenv("PDCA_USER", "alice")
    read = accountability.standup_digest

    def read_then_colleague_records(store, *args, **kwargs):  # type: ignore[no-untyped-def]
        digest = read(store, *args, **kwargs)
        colleague = Store.open(Path(os.environ["PDCA_DB"]), actor="carol", clock=lambda: NOW_DT)
        theirs = read(colleague)
        accountability.record_standup(
            colleague, theirs.since, [], theirs.until, seen_event=theirs.seen_event
        )
        colleague.close()
        return digest

    monkeypatch.setattr(accountability, "standup_digest", read_then_colleague_records)
    result = cli("standup", "--record")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("note: stand-up: carol recorded it already, up to ")
    assert "rota" in result.stdout  # the stand-up, as it was read
    import sqlite3

    conn = sqlite3.connect(os.environ["PDCA_DB"])
    try:
        by = conn.execute("SELECT by FROM standups ORDER BY id").fetchall()
        assert by == ([("ann",)] if after_one else []) + [("carol",)]
    finally:
        conn.close()


def test_a_record_between_a_digests_reads_is_seen(ok, cli, monkeypatch) -> None:
    """ben's digest read the last stand-up, carol recorded hers, then ben's digest read the
    newest event: carol's record was "seen", and ben recorded the same check-in again in
    the same second (a retrial). The digest is one read: carol's record comes after it."""
    import os
    import sqlite3

    from pdca.db import accountability
    from pdca.db.store import Store
    from tests.conftest import NOW_DT

    ok("add", "rota", "--owner", "bob")
    monkeypatch.setenv("PDCA_USER", "ann")
    ok("standup", "--record")
    ok("checkin", "1", "news")
    real = accountability.last_standup
    done = []

    def then_carol_records(store):  # type: ignore[no-untyped-def]
        previous = real(store)
        if not done:
            done.append(True)
            carol = Store.open(Path(os.environ["PDCA_DB"]), actor="carol", clock=lambda: NOW_DT)
            theirs = accountability.standup_digest(carol)
            accountability.record_standup(
                carol, theirs.since, [], theirs.until, seen_event=theirs.seen_event
            )
            carol.close()
        return previous

    monkeypatch.setattr(accountability, "last_standup", then_carol_records)
    monkeypatch.setenv("PDCA_USER", "ben")
    result = cli("standup", "--record")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("note: stand-up: carol recorded it already"), result.stderr
    conn = sqlite3.connect(os.environ["PDCA_DB"])
    try:
        assert conn.execute("SELECT by FROM standups ORDER BY id").fetchall() == [
            ("ann",),
            ("carol",),
        ]
    finally:
        conn.close()


def test_standup_owner_gives_one_persons_part(standardized, ok, cli, js) -> None:
    """A lead had only the whole team's stand-up, for a one-to-one or one person's post (a
    stand-up's lead): --owner gives theirs alone, in every format; none, nobody's work."""
    ok("add", "Nobody's", "--due", "2026-11-01")
    ok("add", "Dana's late", "--owner", "dana", "--due", "2026-11-01")
    whole = js("standup", "--json")
    assert {"dana", "(unowned)"} <= set(whole["people"])
    dana = js("standup", "--json", "--owner", "dana")
    assert dana["people"] == ["dana"]
    assert {i["person"] for i in dana["items"] + dana["standing"]} == {"dana"}
    assert dana["standing"] == [i for i in whole["standing"] if i["person"] == "dana"]
    nobody = js("standup", "--json", "--owner", "none")
    assert [i["title"] for i in nobody["standing"]] == ["Nobody's"]
    md = ok("standup", "--format", "md", "--owner", "dana").stdout
    assert "**dana**" in md and "Nobody's" not in md
    # Its heading says whose part it is: posted, it read as the whole team's stand-up
    assert md.splitlines()[0].endswith(" · only dana's part"), md
    assert dana["part_of"] == "dana" and whole["part_of"] is None
    text = ok("standup", "--format", "text", "--owner", "none").stdout
    assert text.splitlines()[0].endswith(" · only the work nobody owns"), text
    quiet = ok("standup", "--format", "text", "--owner", "alice").stdout  # nothing of hers
    assert quiet.splitlines()[-1] == "nothing to report", quiet
    refused = cli("standup", "--owner", "zed")
    assert refused.exit_code == 1 and "'zed' is not one of this file's people" in refused.stderr
    refused = cli("standup", "--owner", "dana", "--record")
    assert refused.exit_code == 1 and refused.stderr == (
        "pdca: --record records the whole team's stand-up: leave --owner out\n"
    )
