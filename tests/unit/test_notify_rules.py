"""The notification rules as pure functions: who is told what, under which key, on which
channels, when a failure is retried, and what reaches a terminal."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from pdca.db import notify_rules as nr
from pdca.db import rules
from pdca.db.clock import iso
from pdca.db.errors import InvalidInput

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def _alert(level: int = 0, previous: str | None = None, assignee: str = "dana") -> nr.AlertFact:
    return nr.AlertFact(
        12, "MTTR", "h", 9.0, 8.0, assignee, level, "2026-12-11T09:00:00Z", previous
    )


def _action(due: str | None = None, last_sign: str = "2026-12-09T09:00:00Z") -> nr.ActionFact:
    return nr.ActionFact(33, "Fix triage", "bob", due, last_sign)


def test_a_new_alert_goes_to_whoever_it_waits_for() -> None:
    [notice] = nr.alert_notices(_alert())
    assert (notice.key, notice.recipient, notice.kind) == ("alert:12:level:0", "dana", "alert")
    assert "pdca alerts ack 12" in notice.text and "9 h is above 8" in notice.text


def test_an_escalation_tells_the_next_person_and_the_one_it_passed() -> None:
    to_next, passed = nr.alert_notices(_alert(level=1, previous="dana", assignee="erin"))
    assert (to_next.key, to_next.recipient, to_next.kind) == (
        "alert:12:level:1",
        "erin",
        "escalation",
    )
    assert "from dana" in to_next.text
    assert (passed.key, passed.recipient, passed.kind) == (
        "alert:12:level:1:passed",
        "dana",
        "passed",
    )
    assert "passed to erin" in passed.text


def test_an_alert_at_the_end_of_its_path_past_its_deadline_is_said_overdue() -> None:
    """frank, the path's last, was told to acknowledge "by" an hour that had gone before
    notify ran (a tester)."""
    late = replace(_alert(level=2, previous="erin", assignee="frank"), overdue=True)
    text = nr.alert_notices(late)[0].text
    assert "overdue since 2026-12-11T09:00:00Z: acknowledge now, pdca alerts ack 12" in text
    assert "acknowledge by" not in text
    assert "acknowledge by 2026-12-11" in nr.alert_notices(_alert())[0].text


def test_overdue_is_keyed_by_its_due_date_and_only_after_it() -> None:
    assert nr.overdue_notice(_action(due=TODAY.isoformat()), TODAY, 7) is None
    assert nr.overdue_notice(_action(due=None), TODAY, 7) is None
    notice = nr.overdue_notice(_action(due="2026-12-08"), TODAY, 7)
    assert (
        notice is not None and notice.key == "overdue:#33:2026-12-08" and notice.recipient == "bob"
    )


def test_overdue_is_told_only_while_it_is_news() -> None:
    """Work late for longer than the cadence was told when it became late; turning notify on
    for a team with a backlog does not send the backlog."""
    week_ago = (TODAY - timedelta(days=7)).isoformat()
    assert nr.overdue_notice(_action(due=week_ago), TODAY, 7) is not None
    older = (TODAY - timedelta(days=8)).isoformat()
    assert nr.overdue_notice(_action(due=older), TODAY, 7) is None


def test_a_stale_notice_names_the_day_and_the_cadence_before_it() -> None:
    """Keyed by the day it is told; told at most once a cadence: any notice of the action's
    staleness since the first of the cadence's days (six before today, at 7) counts."""
    fresh = _action(last_sign=(NOW - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert nr.stale_notice(fresh, NOW, TODAY, 7) is None
    old = _action(last_sign="2026-11-01T09:00:00Z")
    notice = nr.stale_notice(old, NOW, TODAY, 7)
    assert notice is not None
    assert notice.key == f"stale:#33:told-{TODAY.isoformat()}"
    assert notice.family == "stale:#33:"
    assert notice.told_since == iso(rules.first_moment_of(TODAY - timedelta(days=6)))
    assert notice.told_since == nr.stale_told_since(TODAY, 7)


def test_a_stale_notice_says_never_checked_in_as_such() -> None:
    """ "no check-in since 2027-02-08" was the day it was added: it never had one (a tester)."""
    old = _action(last_sign="2026-11-01T09:00:00Z")
    days = (NOW - datetime(2026, 11, 1, 9, tzinfo=UTC)).days
    assert (
        f"has had no check-in for at least {days} days (the"
        in nr.stale_notice(old, NOW, TODAY, 7).text
    )
    new = replace(old, never_checked_in=True)
    said = nr.stale_notice(new, NOW, TODAY, 7).text
    assert f"has had no check-in since it was added, at least {days} days ago (the" in said


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Europe/Berlin", "UTC", "Pacific/Kiritimati"])
def test_a_stale_notice_is_stale_on_every_clock(monkeypatch: pytest.MonkeyPatch, zone) -> None:
    """The runner's day decided it: a run in UTC told ann in Berlin, whose check-in was at
    00:30 on her 17th, that her work had been stale "since 2026-11-16", while her own list
    said 7 days ago; from Kolkata she was not told (a trial). Told once it is stale on every
    clock (8 whole days with a 7-day cadence), in whole days, whatever the runner's zone."""
    checked = _action(last_sign="2026-11-16T23:30:00Z")
    monkeypatch.setenv("TZ", zone)
    try:
        time.tzset()
        seven_days = datetime(2026, 11, 24, 12, tzinfo=UTC)
        assert nr.stale_notice(checked, seven_days, seven_days.astimezone().date(), 7) is None
        eight_days = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # and an hour (below)
        assert nr.stale_notice(checked, eight_days, eight_days.astimezone().date(), 7) is None
        later = eight_days + timedelta(hours=1)
        notice = nr.stale_notice(checked, later, later.astimezone().date(), 7)
        assert notice is not None and "has had no check-in for at least 8 days (the" in notice.text
        # over the night the clocks go back: eight days of 24 hours are seven local days and
        # 23 hours in Berlin, not stale there yet (a reviewer)
        autumn = _action(last_sign="2026-10-17T22:30:00Z")
        at = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)
        assert nr.stale_notice(autumn, at, at.astimezone().date(), 7) is None
        at += timedelta(hours=1)
        assert nr.stale_notice(autumn, at, at.astimezone().date(), 7) is not None
        found = nr.notices(
            alerts=[], actions=[checked], followups=[], now=seven_days,
            today=seven_days.astimezone().date(), cadence_days=7,
        )  # fmt: skip
        assert found == []
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_stale_notice_of_a_time_typed_in_by_hand() -> None:
    """A time without its zone (a file edited by hand) is UTC, as every stored time; text
    that is no time is said as it stands: "for 2026-11-01T09:00:00 days" (a reviewer)."""
    bare = _action(last_sign="2026-11-01T09:00:00")
    assert (
        "has had no check-in for at least 39 days (the" in nr.stale_notice(bare, NOW, TODAY, 7).text
    )
    odd = _action(last_sign="2026-11-01 sometime")
    assert (
        "has had no check-in since 2026-11-01 sometime (the"
        in nr.stale_notice(odd, NOW, TODAY, 7).text
    )


def test_a_followup_is_told_once_its_day_has_begun_everywhere() -> None:
    """A run in Kolkata told ben in Los Angeles that his audit due 2027-03-02 was due
    today, on his 1 March, and his pdca followup was refused as not due (a trial)."""
    fact = nr.FollowupFact(7, 33, "F", "ben", 30, "2027-03-02")
    early = datetime(2027, 3, 1, 20, tzinfo=UTC)  # 2 March in Kolkata, 1 March in LA

    def told(now: datetime, today: date, everywhere: date) -> list[nr.Notice]:
        return nr.notices(
            alerts=[], actions=[], followups=[fact], now=now, today=today, cadence_days=7,
            ended_everywhere=everywhere,
        )  # fmt: skip

    assert told(early, date(2027, 3, 2), date(2027, 3, 1)) == []
    begun = datetime(2027, 3, 2, 12, tzinfo=UTC)  # 2 March at UTC-12 too
    assert [n.key for n in told(begun, date(2027, 3, 3), date(2027, 3, 2))] == ["followup:7"]
    assert "is due (2027-03-02)" in told(begun, date(2027, 3, 3), date(2027, 3, 2))[0].text


def test_a_followup_is_told_once_it_falls_due() -> None:
    fact = nr.FollowupFact(7, 33, "Fix triage", "bob", 30, "2026-12-10")
    assert nr.followup_notice(fact, date(2026, 12, 9)) is None
    notice = nr.followup_notice(fact, TODAY)
    assert notice is not None and notice.key == "followup:7" and notice.recipient == "bob"
    # on its day it "is due", after it "has been due since" (a lead's weeks); not "today":
    # east of UTC-12 its day there is the day after (a retrial)
    assert "'Fix triage' is due (2026-12-10): is the change holding?" in notice.text
    later = nr.followup_notice(fact, date(2026, 12, 12))
    assert later is not None and "'Fix triage' has been due since 2026-12-10: is" in later.text


def test_notices_gathers_every_kind() -> None:
    found = nr.notices(
        alerts=[_alert()],
        actions=[_action(due="2026-12-05", last_sign="2026-11-01T00:00:00Z")],
        followups=[nr.FollowupFact(7, 33, "t", "bob", 30, "2026-12-01")],
        now=NOW,
        today=TODAY,
        cadence_days=7,
    )
    assert [n.kind for n in found] == ["alert", "overdue", "stale", "followup"]


def test_channels_a_person_gets() -> None:
    team = nr.ChannelSettings(terminal=True, mail=False, webhook="https://x.test/h")
    assert nr.channels_for("dana", team) == ("terminal", "webhook")
    chosen = nr.ChannelSettings(
        terminal=True, webhook="https://x.test/h", prefer={"dana": ("webhook", "mail")}
    )
    assert nr.channels_for("dana", chosen) == ("webhook",)  # mail is off for the team
    assert nr.channels_for("erin", chosen) == ("terminal", "webhook")
    # Only channels that are off: the team's, rather than silence (a tester's prefer mail).
    silenced = nr.ChannelSettings(terminal=True, prefer={"dana": ("mail",)})
    assert nr.channels_for("dana", silenced) == ("terminal",)


def test_retry_backoff_doubles_up_to_six_hours() -> None:
    assert [nr.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert nr.retry_delay(40) == timedelta(hours=6)


@pytest.mark.parametrize(
    "text",
    ["ftp://x.test/", "x.test/hook", "http://", "https://a b/", "http://x.test/\x1b[2J", "",
     "http://x.test:99999/", "https://" + "a" * 2001,
     "http://u:p@127.0.0.1:18765/hook", "https://token@hooks.example.com/x",  # a tester
     "https://hooks.example.com/a\u200fb"],  # a mark: two addresses alike (a reviewer)
)  # fmt: skip
def test_a_webhook_must_be_an_http_url(text: str) -> None:
    with pytest.raises(InvalidInput):
        nr.parse_url(text)


def test_good_settings_are_taken() -> None:
    assert nr.parse_url("https://hooks.example.com/T/1?x=2") == "https://hooks.example.com/T/1?x=2"
    assert nr.parse_url("none") is None
    assert nr.parse_channels("Terminal, mail") == ("terminal", "mail")
    assert nr.parse_channels("default") is None
    assert nr.parse_switch("mail", "ON") is True
    assert nr.parse_command("logger -t pdca") == "logger -t pdca"


@pytest.mark.parametrize("text", ["sms", "terminal,terminal", "", "terminal,"])
def test_bad_channel_lists_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        nr.parse_channels(text)


@pytest.mark.parametrize("text", ["", "  ", "a\nb", "x" * 1001, "notify-send\u200f hi"])
def test_bad_commands_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        nr.parse_command(text)


def test_who_output_is_parsed_and_odd_lines_skipped() -> None:
    output = (
        "dana     pts/3        2026-12-01 10:02 (10.0.0.5)\n"
        "dana     pts/7        2026-12-01 11:00 (10.0.0.5)\n"
        "erin     tty1         2026-12-01 08:00\n"
        "frank    :0           2026-12-01 08:00 (:0)\n"
        "evil     ../etc/passwd 2026-12-01\n"
        "\n"
        "dana     pts/3        2026-12-01 10:02 (10.0.0.5)\n"
    )
    who = nr.parse_who(output)
    assert nr.terminals_of("dana", who) == ["/dev/pts/3", "/dev/pts/7"]
    assert nr.terminals_of("erin", who) == ["/dev/tty1"]
    assert nr.terminals_of("frank", who) == [] and nr.terminals_of("evil", who) == []


def test_terminal_text_has_no_live_control_or_bidi_character() -> None:
    shown = nr.for_terminal("title \x1b[2J\x07 evil\u202etxt.exe\rover\nnext")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\x1b[2J" in shown and "\\u202e" in shown and "\\r" in shown
    assert shown.endswith("\r\nnext")
    assert nr.one_line("a\nb") == "a\\nb"
    assert nr.for_chat("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@\u200bU1&gt;"
    # Markdown chats (Mattermost, Teams): no disguised link, remote image or channel ping
    # from a title; an address stays as typed.
    assert nr.for_chat("[click](http://e.x) ![i](http://e.x/i.png) @here a@b.c") == (
        "[click]\u200b(http://e.x) ![i]\u200b(http://e.x/i.png) @\u200bhere a@b.c"
    )
    # Mattermost trims ":.-_" off a word before it looks for a mention: each is broken too
    for before in (".", ":", "-", "_", ":.", "("):
        assert nr.for_chat(f"x {before}@channel") == f"x {before}@\u200bchannel"
    assert nr.for_chat("ann.b@c.d a_1@b.c") == "ann.b@c.d a_1@b.c"  # addresses stay


def test_mesg_is_the_group_write_bit() -> None:
    assert nr.accepts_messages(0o20620) and not nr.accepts_messages(0o20600)
