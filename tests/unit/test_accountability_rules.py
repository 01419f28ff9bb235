"""The accountability rules, pure: staleness, follow-up dates, attention order, the digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pdca.db import accountability_rules as arules
from pdca.db import rules
from pdca.db.accountability_models import STANDING_FLAGS, UNOWNED, OwnerRow, flag_words
from pdca.db.dates import minute_utc
from pdca.db.errors import InvalidInput
from pdca.db.models import Event
from tests.conftest import NOW_DT


def test_stale_means_more_than_the_cadence_in_calendar_days() -> None:
    """NOW_DT is 2026-11-23 09:00 UTC (the tests' zone): cadence 7 makes the 15th stale to
    its last second and the 16th fresh from its first."""
    for cadence in (7, 3):
        first_fresh_day = NOW_DT.date() - timedelta(days=cadence)
        just_fresh = f"{first_fresh_day}T00:00:00Z"
        just_stale = f"{first_fresh_day - timedelta(days=1)}T23:59:59Z"
        assert not arules.is_stale_since(just_fresh, NOW_DT, cadence)
        assert arules.is_stale_since(just_stale, NOW_DT, cadence)


def test_followups_fall_due_at_the_offsets_after_done() -> None:
    assert arules.followup_schedule(date(2026, 11, 23), (30, 60, 90)) == [
        (30, date(2026, 12, 23)),
        (60, date(2027, 1, 22)),
        (90, date(2027, 2, 21)),
    ]
    assert arules.followup_schedule(date(2026, 1, 31), (14,)) == [(14, date(2026, 2, 14))]


def test_a_followup_after_the_last_day_pdca_keeps_is_refused_by_name() -> None:
    """Standardized in the last weeks of 9998: the file's guard refused the follow-up as
    "the database failed" (a tester). Named instead; the last day itself is fine."""
    assert arules.followup_schedule(date(9998, 12, 1), (30,)) == [(30, date(9998, 12, 31))]
    with pytest.raises(InvalidInput) as refused:
        arules.followup_schedule(date(9998, 12, 20), (7, 30))
    assert "30-day follow-up on 9999-01-19, after 9998-12-31" in str(refused.value)
    # Past Python's last date the sum itself overflowed: a crash, not a refusal (a tester)
    with pytest.raises(InvalidInput) as refused:
        arules.followup_schedule(date(9998, 12, 31), (3650,))
    assert "3650-day follow-up after the year 9999, after 9998-12-31" in str(refused.value)


def test_a_followup_is_due_on_its_day_until_it_is_recorded() -> None:
    today = date(2026, 12, 23)
    assert rules.is_followup_due("2026-12-23", False, today)
    assert rules.is_followup_due("2026-12-01", False, today)
    assert not rules.is_followup_due("2026-12-24", False, today)
    assert not rules.is_followup_due("2026-12-01", True, today)


@pytest.mark.parametrize(
    ("text", "expected"), [("30,60,90", (30, 60, 90)), (" +14d, 28 ", (14, 28)), ("7", (7,))]
)
def test_offsets_are_read_as_typed(text: str, expected: tuple[int, ...]) -> None:
    assert arules.parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["", "30,,90", "60,30", "30,30", "0", "-5", "x", "9999"])
def test_bad_offsets_name_the_field_and_value(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        arules.parse_offsets(text)
    assert str(raised.value).startswith(f"followup-offsets: {text!r}")


@pytest.mark.parametrize("text", ["0", "366", "week", "-1", ""])
def test_bad_cadence_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="stale-after-days"):
        arules.parse_cadence(text)
    assert arules.parse_cadence("10d") == 10


def test_who_needs_attention_comes_first() -> None:
    rows = [
        OwnerRow(login="calm", name="", open=9),
        OwnerRow(login="late", name="", open=2, overdue=2),
        OwnerRow(login="alerted", name="", open=1, alerts_waiting=2),
        OwnerRow(login="audit", name="", open=1, followups_due=1, stale=1),
        OwnerRow(login="busy", name="", open=12),
    ]
    ordered = arules.attention_order(rows)
    assert [r.login for r in ordered] == ["alerted", "late", "audit", "busy", "calm"]
    assert ordered[0].attention == 8


def test_anyone_with_an_alert_waiting_comes_before_any_amount_of_late_work() -> None:
    rows = [
        OwnerRow(login="very-late", name="", open=20, overdue=20),
        OwnerRow(login="one-alert", name="", open=1, alerts_waiting=1),
        OwnerRow(login="two-alerts", name="", open=1, alerts_waiting=2),
    ]
    ordered = [r.login for r in arules.attention_order(rows)]
    assert ordered == ["two-alerts", "one-alert", "very-late"]


def test_the_first_standup_looks_back_24_hours_then_from_the_last_one() -> None:
    # the first time, from this time on the last working day (NOW_DT is a Monday)
    assert arules.standup_since(None, NOW_DT) == "2026-11-20T09:00:00Z"
    assert arules.standup_since(None, NOW_DT + timedelta(days=1)) == "2026-11-23T09:00:00Z"
    assert arules.standup_since(None, NOW_DT - timedelta(days=1)) == "2026-11-20T09:00:00Z"
    assert arules.standup_since("2026-11-20T09:30:00Z", NOW_DT) == "2026-11-20T09:30:00Z"


def test_the_first_standup_after_a_clock_change_starts_at_the_same_time_on_friday(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Monday 09:00 PDT after the change to summer time: from Friday 09:00 PST, on the
    person's clock; 72 hours back gave 08:00 (a tester)."""
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        monday = datetime(2027, 3, 15, 16, tzinfo=UTC)  # 09:00 PDT
        assert arules.standup_since(None, monday) == "2027-03-12T17:00:00Z"  # 09:00 PST
    finally:
        monkeypatch.undo()
        time.tzset()


# --------------------------------------------------------------------------- the digest

SINCE, UNTIL = "2026-11-22T09:00:00Z", "2026-11-23T09:00:00Z"


def _event(
    number: int,
    entity: str,
    entity_id: int,
    op: str,
    before: dict | None = None,
    after: dict | None = None,
    *,
    at: str = "2026-11-22T12:00:00Z",
    tx: int | None = None,
    undo_of: int | None = None,
    actor: str = "alice",
) -> Event:
    return Event(
        id=number,
        tx=tx or number,
        at=at,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        op=op,  # type: ignore[arg-type]
        summary="",
        before=before,
        after=after,
        undo_of=undo_of,
    )


ALERT = {"kpi_id": 5, "assignee": "dave"}
ACTIONS = {
    1: arules.ActionBrief(1, "Shorten triage", "bob"),
    2: arules.ActionBrief(2, "Label backlog", "carol"),
}


def test_the_digest_reads_creations_moves_dones_checkins_and_alerts_from_events() -> None:
    events = [
        _event(1, "action", 1, "create", None, {"title": "Shorten triage", "owner": "bob"}),
        _event(2, "action", 1, "update", {"phase": "plan", "done_at": None},
               {"phase": "do", "done_at": None}),
        _event(3, "action", 2, "update", {"phase": "act", "done_at": None},
               {"phase": "act", "done_at": "x", "decision": "standardize"}),
        _event(4, "action", 2, "update", {"title": "a", "phase": "act", "done_at": None},
               {"title": "b", "phase": "act", "done_at": None}),  # an edit: not stand-up news
        _event(5, "checkin", 9, "create", None,
               {"action_id": 1, "kind": "checkin", "status": "blocked", "message": "waiting"}),
        _event(6, "checkin", 10, "create", None,
               {"action_id": 2, "kind": "followup", "result": "slipped", "message": "m"}),
        _event(7, "alert", 3, "create", None, {"kpi_id": 5, "assignee": "dave", "reading_id": 40}),
        _event(8, "alert", 3, "update", {**ALERT, "acknowledged_at": None},
               {**ALERT, "acknowledged_at": "t", "acknowledged_by": "dave", "ack_note": "on it"}),
        _event(9, "alert", 3, "update", {**ALERT, "acknowledged_at": "t"},
               {**ALERT, "acknowledged_at": "t", "closed_at": "u"}),  # closing: not an ack
        _event(10, "action", 1, "update", {"phase": "check", "done_at": None},
               {"phase": "act", "done_at": None, "verdict": "worked"}),
        _event(11, "alert", 4, "update", {"kpi_id": 5, "assignee": "dave", "ack_due": "d"},
               {"kpi_id": 5, "assignee": "erin", "ack_due": "e"}, actor="pdca"),
    ]  # fmt: skip
    digest = arules.digest(
        events,
        since=SINCE,
        until=UNTIL,
        actions=ACTIONS,
        kpis={5: arules.KpiBrief("Resolution time", 34, "h")},
        readings={40: 35.5},
    )
    assert [(i.kind, i.person, i.action_id) for i in digest.items] == [
        ("created", "bob", 1),
        ("moved", "bob", 1),
        ("done", "carol", 2),
        ("checkin", "bob", 1),
        ("followup", "carol", 2),
        ("alert-raised", "dave", None),
        ("alert-acknowledged", "dave", None),
        ("alert-closed", "dave", None),
        ("moved", "bob", 1),
        ("alert-escalated", "erin", None),
    ]
    details = [i.detail for i in digest.items]
    assert details[1] == "plan → do" and details[8] == "check → act, verdict worked"
    assert details[2] == "standardize"
    assert details[3] == "blocked: waiting"
    assert digest.items[5].title == "Resolution time"
    assert details[5] == "35.5 h is above the alert threshold 34 h"
    assert details[6] == "alert 3, by dave: on it"
    assert details[9] == "from dave, not acknowledged by d (threshold)"
    handed = _event(
        12,
        "alert",
        4,
        "update",
        {"kpi_id": 5, "assignee": "erin", "ack_due": "e", "escalation_level": 0},
        {"kpi_id": 5, "assignee": "fay", "ack_due": "f", "escalation_level": 0},
    )
    (item,) = arules.digest(
        [handed],
        since=SINCE,
        until=UNTIL,
        actions=ACTIONS,
        kpis={5: arules.KpiBrief("Resolution time", 34, "h")},
    ).items
    # handed on with the KPI to its new owner: nobody missed a deadline, and the stand-up
    # files it with the hand-overs, not the escalations (trials)
    assert (item.kind, item.person) == ("handed", "fay")
    assert item.detail == "its alert, from erin (threshold)"
    assert digest.people == ["bob", "carol", "dave", "erin"]
    assert digest.counts("bob")["checkin"] == 1 and digest.counts()["alert-raised"] == 1
    assert [i.kind for i in digest.of("dave")] == [
        "alert-raised",
        "alert-acknowledged",
        "alert-closed",
    ]


def test_an_acknowledgement_after_its_deadline_says_how_late() -> None:
    due = {**ALERT, "ack_due": "2026-11-22T09:00:00Z", "acknowledged_at": None}

    def acked(at: str, number: int) -> Event:
        after = {**due, "acknowledged_at": at, "acknowledged_by": "dave", "ack_note": "on it"}
        return _event(number, "alert", 3, "update", due, after)

    events = [
        acked("2026-11-22T08:59:59Z", 1),  # in time
        acked("2026-11-22T09:00:30Z", 2),  # within the minute: not worth a word
        acked("2026-11-22T14:30:00Z", 3),
        acked("2026-11-25T10:00:00Z", 4),
        acked("2026-11-24T08:50:00Z", 5),  # 47h 50m: "1d" understated it (a lead's trial)
    ]
    digest = arules.digest(
        events, since=SINCE, until=UNTIL, actions={}, kpis={5: arules.KpiBrief("Uptime")}
    )
    assert [i.detail for i in digest.items] == [
        "alert 3, by dave: on it",
        "alert 3, by dave: on it",
        "alert 3, by dave, 5h late: on it",
        "alert 3, by dave, 3d 1h late: on it",
        "alert 3, by dave, 1d 23h late: on it",
    ]


def test_an_escalation_recorded_with_the_acknowledgement_is_told_with_it() -> None:
    """dave's deadline passed and nobody's write recorded the escalation: the acknowledgement
    records it (erin holds it now, with a new deadline), and is late from dave's."""
    before = {**ALERT, "ack_due": "2026-11-22T09:00:00Z", "acknowledged_at": None}
    after = {
        **before,
        "assignee": "erin",
        "escalation_level": 1,
        "ack_due": "2026-11-23T09:00:00Z",
        "acknowledged_at": "2026-11-22T14:00:00Z",
        "acknowledged_by": "dave",
        "ack_note": "",
    }
    events = [_event(1, "alert", 3, "update", before, after)]
    digest = arules.digest(
        events, since=SINCE, until=UNTIL, actions={}, kpis={5: arules.KpiBrief("Uptime")}
    )
    [item] = digest.items
    assert (item.kind, item.person) == ("alert-acknowledged", "erin")
    assert item.detail == "alert 3, by dave, 5h after the first deadline (it had passed to erin)"


def test_a_level_typed_in_by_hand_past_all_dates_is_no_crash() -> None:
    """A reviewer's ``escalation_level = 1000000`` crashed the stand-up (a date before 1)."""
    held = {**ALERT, "escalation_level": 10**6, "ack_due": "2026-11-23T09:00:00Z"}
    after = {**held, "acknowledged_at": "2026-11-22T14:00:00Z", "acknowledged_by": "dave"}
    digest = arules.digest(
        [_event(1, "alert", 3, "update", {**held, "acknowledged_at": None}, after)],
        since=SINCE,
        until=UNTIL,
        actions={},
        kpis={5: arules.KpiBrief("Uptime")},
    )
    assert [i.detail for i in digest.items] == ["alert 3, by dave"]


def test_an_acknowledgement_after_a_recorded_escalation_is_as_late() -> None:
    """A tester: once a write had recorded the pass-on (a board does every minute), the
    acknowledgement was measured against the new holder's deadline and said nothing late."""
    held = {**ALERT, "assignee": "erin", "escalation_level": 1, "acknowledged_at": None,
            "ack_due": "2026-11-23T09:00:00Z"}  # dave's was 2026-11-22T09:00  # fmt: skip
    after = {**held, "acknowledged_at": "2026-11-22T14:00:00Z", "acknowledged_by": "dave",
             "ack_note": ""}  # fmt: skip
    digest = arules.digest(
        [_event(1, "alert", 3, "update", held, after)],
        since=SINCE,
        until=UNTIL,
        actions={},
        kpis={5: arules.KpiBrief("Uptime")},
    )
    assert [i.detail for i in digest.items] == ["alert 3, by dave, 5h after the first deadline"]


def test_a_due_date_or_priority_changed_on_open_work_is_told_and_on_done_work_not() -> None:
    plan = {"phase": "plan", "done_at": None, "due": "2026-11-25", "priority": "normal"}
    closing = _event(4, "alert", 3, "update", {**ALERT, "closed_at": None},
                     {**ALERT, "closed_at": "u"})  # fmt: skip
    closing = closing.model_copy(
        update={"summary": "closed alert 3 on KPI 'Resolution time': 30 is back within 34"}
    )
    events = [
        _event(1, "action", 1, "update", plan, {**plan, "due": "2026-12-02"}),
        _event(2, "action", 1, "update", plan, {**plan, "due": None, "priority": "high"}),
        _event(3, "action", 2, "update", plan, {**plan, "priority": "low"}, actor="lena"),
        closing,
        _event(5, "action", 2, "update", {**plan, "phase": "act"},
               {**plan, "phase": "act", "done_at": "x", "due": None}),  # the done is told
        _event(6, "action", 1, "update", {**plan, "owner": "dave", "due": None},
               {**plan, "owner": "bob", "due": "2026-12-20"}, actor="lena"),
    ]  # fmt: skip
    digest = arules.digest(
        events,
        since=SINCE,
        until=UNTIL,
        actions=ACTIONS,
        kpis={5: arules.KpiBrief("Resolution time", 34, "h")},
    )
    assert [(i.kind, i.person, i.detail) for i in digest.items] == [
        ("rescheduled", "bob", "due 2026-11-25 → 2026-12-02"),
        ("rescheduled", "bob", "due cleared (was 2026-11-25), priority normal → high"),
        ("reprioritized", "carol", "priority normal → low"),
        ("alert-closed", "dave", "30 is back within 34"),
        ("done", "carol", ""),
        ("handed", "bob", "dave → bob (by lena), due set 2026-12-20"),
    ]


def test_the_digest_keeps_to_its_window_and_leaves_out_undone_changes() -> None:
    events = [
        _event(1, "action", 1, "create", None, {"owner": "bob"}, at=SINCE),
        _event(2, "action", 2, "create", None, {"owner": "carol"}, at="2026-11-22T09:00:01Z"),
        _event(3, "checkin", 5, "create", None, {"action_id": 1, "kind": "checkin",
               "status": "on-track", "message": "x"}),
        _event(4, "checkin", 5, "delete", {"action_id": 1}, None, undo_of=3),
        _event(5, "action", 1, "update", {"phase": "plan", "done_at": None},
               {"phase": "do", "done_at": None}, at="2026-11-23T09:00:01Z"),
    ]  # fmt: skip
    digest = arules.digest(events, since=SINCE, until=UNTIL, actions=ACTIONS)
    assert [(i.kind, i.action_id) for i in digest.items] == [("created", 2)]


NOW_STANDUP = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _open(id_: int, owner: str | None, due: str | None, last: str, status=None):
    return arules.OpenAction(id_, f"action {id_}", owner, due, last, status)


def test_where_work_stands_late_at_risk_blocked_stale_unowned_alerts_followups() -> None:
    fresh = "2026-11-22T20:00:00Z"
    actions = [
        _open(33, "dave", "2026-11-21", fresh, "at-risk"),  # two days late and at risk
        _open(34, "dave", "2026-12-01", fresh, "on-track"),  # fine: not mentioned
        _open(35, "erin", None, fresh, "blocked"),
        _open(36, "erin", None, "2026-11-15T23:59:59Z"),  # 8 calendar days ago: stale
        _open(37, "erin", None, "2026-11-16T00:00:00Z"),  # 7 calendar days ago: not yet
        _open(38, None, None, fresh),  # nobody's: always listed
        _open(39, "dave", "2026-11-23", fresh, "on-track"),  # due today: a stand-up's question
    ]
    alerts = [arules.WaitingAlert(3, "Lead time", "erin", "2026-11-22T08:00:00Z", True)]
    followups = [arules.DueFollowup(9, "Rota", "frank", 30, "2026-11-23")]
    items = arules.standing(actions, alerts, followups, now=NOW_STANDUP, cadence_days=7)
    assert [(i.kind, i.person, i.action_id, i.flags) for i in items] == [
        ("alert", "erin", None, ["overdue"]),
        ("action", "dave", 33, ["late", "at-risk"]),
        ("action", "erin", 35, ["blocked"]),
        ("action", "erin", 36, ["stale"]),
        ("action", None, 38, ["no-owner"]),
        ("action", "dave", 39, ["due-today"]),
        ("followup", "frank", 9, ["due-today"]),
    ]
    assert {flag for i in items for flag in i.flags} <= set(STANDING_FLAGS)
    assert [(i.days_late, i.stale_days) for i in items[1:4]] == [(2, None), (None, None), (None, 8)]
    assert [flag_words(i) for i in items[:5]] == [
        ["overdue"],
        ["2d late", "at risk"],
        ["blocked"],
        ["stale 8d"],
        ["no owner"],
    ]
    assert items[-1].detail == "30-day follow-up due 2026-11-23"
    assert items[0].detail == "overdue since 2026-11-22 08:00 UTC"
    # Two alerts on one KPI (its threshold, a signal) say apart what raised each.
    both = [
        arules.WaitingAlert(3, "Lead time", "erin", "2026-11-22T08:00:00Z", False, "threshold"),
        arules.WaitingAlert(4, "Lead time", "erin", "2026-11-22T08:00:00Z", False, "8 on one side"),
    ]
    assert [i.detail for i in arules.standing([], both, [], now=NOW_STANDUP, cadence_days=7)] == [
        "acknowledge by 2026-11-22 08:00 UTC; threshold",
        "acknowledge by 2026-11-22 08:00 UTC; 8 on one side",
    ]
    # The team's cadence decides staleness.
    shorter = arules.standing(actions, [], [], now=NOW_STANDUP, cadence_days=2)
    assert [i.action_id for i in shorter if "stale" in i.flags] == [36, 37]


def test_people_with_work_that_needs_a_word_are_never_quiet() -> None:
    where = arules.standing(
        [_open(33, "dave", "2026-11-21", "2026-11-22T20:00:00Z", "at-risk")],
        [],
        [],
        now=NOW_STANDUP,
        cadence_days=7,
    )
    digest = arules.digest(
        [], since=SINCE, until=UNTIL, actions={}, standing=where, owners=["frank", "dave"]
    )
    assert digest.people == ["dave", "frank"]
    assert not digest.quiet("dave") and digest.quiet("frank")
    assert [i.action_id for i in digest.standing_of("dave")] == [33]


def test_nothing_falls_between_people() -> None:
    events = [
        _event(1, "checkin", 9, "create", None,
               {"action_id": 7, "kind": "checkin", "status": "on-track", "message": "x"}),
    ]  # fmt: skip
    unowned = {7: arules.ActionBrief(7, "Nobody's", None)}
    digest = arules.digest(events, since=SINCE, until=UNTIL, actions=unowned)
    assert digest.people == [UNOWNED]
    assert [i.action_id for i in digest.of(UNOWNED)] == [7]
    assert digest.of("bob") == []


def test_escalations_the_clock_made_in_the_window_show_under_who_it_went_to() -> None:
    steps = [
        arules.TimedEscalation(3, "Lead time", "dave", "erin", SINCE, "x"),  # at the start: in
        arules.TimedEscalation(3, "Lead time", "erin", "alice", "2026-11-22T21:00:00Z", "y", "we1"),
        arules.TimedEscalation(3, "Lead time", "alice", "bob", UNTIL, "z"),  # not yet passed
        arules.TimedEscalation(4, "Cost", "x", "y", "2026-11-21T00:00:00Z", "w"),  # before
    ]
    digest = arules.digest([], since=SINCE, until=UNTIL, actions={}, escalations=steps)
    assert [(i.kind, i.person, i.detail) for i in digest.items] == [
        ("alert-escalated", "erin",
         f"from dave, not acknowledged by {minute_utc(SINCE)} (threshold)"),
        ("alert-escalated", "alice", "from erin, not acknowledged by 2026-11-22 21:00 UTC"
         " (beyond a limit)"),
    ]  # fmt: skip


def _raised_said(raised: dict, kpi: arules.KpiBrief, value: float) -> list[str]:
    """What the digest says of an alert raised by reading 40 (of ``value``) on KPI 5."""
    digest = arules.digest(
        [_event(1, "alert", 3, "create", None, {**ALERT, "reading_id": 40, **raised})],
        since=SINCE,
        until=UNTIL,
        actions=ACTIONS,
        kpis={5: kpi},
        readings={40: value},
    )
    return [i.detail for i in digest.items]


def test_a_signal_alert_in_the_digest_names_its_rule_not_the_threshold() -> None:
    signal = {"rule": "we4", "rule_text": "8 readings in a row above"}
    # Past the threshold too: still the signal's alert; with the reading that raised it, as
    # a breach's line has (a lead could not see it).
    said = _raised_said(signal, arules.KpiBrief("Resolution time", 34, "h"), 35.5)
    assert said == ["signal: 8 readings in a row above (35.5 h)"]


def test_a_breach_of_a_kpi_where_higher_is_better_reads_below() -> None:
    """ "77 % is beyond 78" read oddly for CSAT (a lead's trial): the side it is on."""
    said = _raised_said({}, arules.KpiBrief("CSAT", 78, "%"), 77)
    assert said == ["77 % is below the alert threshold 78 %"]


def test_a_follow_up_past_its_day_is_late_with_its_days() -> None:
    """A tester's script could not tell a follow-up due today from one ten days over."""
    followups = [
        arules.DueFollowup(9, "Rota", "frank", 30, "2026-11-13"),
        arules.DueFollowup(10, "Pager", "frank", 60, "2026-11-23"),
    ]
    items = arules.standing([], [], followups, now=NOW_STANDUP, cadence_days=7)
    assert [(i.flags, i.days_late, flag_words(i)) for i in items] == [
        (["late"], 10, ["10d late"]),
        (["due-today"], None, ["due today"]),
    ]


def test_a_cleared_alerts_reason_is_read_past_a_kpi_name_holding_a_colon() -> None:
    closing = _event(1, "alert", 3, "update", {**ALERT, "closed_at": None},
                     {**ALERT, "closed_at": "u"})  # fmt: skip
    closing = closing.model_copy(
        update={"summary": "closed alert 3 on KPI 'Ops: uptime': 3 is back within 8"}
    )
    old = {"phase": "plan", "done_at": None, "due": None}  # a snapshot from before priority
    retimed = _event(2, "action", 1, "update", old, {**old, "priority": "high"})
    digest = arules.digest(
        [closing, retimed], since=SINCE, until=UNTIL, actions=ACTIONS,
        kpis={5: arules.KpiBrief("Ops: uptime", 8, "")},
    )  # fmt: skip
    assert [i.detail for i in digest.items] == ["3 is back within 8", "priority none → high"]


def test_days_recorded_late_counts_local_days_past_the_due_one() -> None:
    assert arules.days_recorded_late("2026-11-24", "2026-11-27T09:00:00Z") == 3
    assert arules.days_recorded_late("2026-11-24", "2026-11-20T09:00:00Z") == 0  # early
    assert arules.days_recorded_late("2026-11-24", None) == 0  # not recorded
    assert arules.days_recorded_late("11/24/2026", "2026-11-27T09:00:00Z") == 0  # set by hand
