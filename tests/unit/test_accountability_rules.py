"""The accountability rules, pure: staleness, follow-up dates, attention order, the digest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from db import accountability_rules as arules
from db.accountability_models import OwnerRow
from db.clock import iso
from db.errors import InvalidInput
from db.models import Event
from tests.conftest import NOW_DT


def test_stale_means_more_than_the_cadence_in_whole_days() -> None:
    for cadence in (7, 3):
        just_fresh = iso(NOW_DT - timedelta(days=cadence + 1) + timedelta(seconds=1))
        just_stale = iso(NOW_DT - timedelta(days=cadence + 1))
        assert not arules.is_stale_since(just_fresh, NOW_DT, cadence)
        assert arules.is_stale_since(just_stale, NOW_DT, cadence)


def test_followups_fall_due_at_the_offsets_after_done() -> None:
    assert arules.followup_schedule(date(2026, 11, 23), (30, 60, 90)) == [
        (30, date(2026, 12, 23)),
        (60, date(2027, 1, 22)),
        (90, date(2027, 2, 21)),
    ]
    assert arules.followup_schedule(date(2026, 1, 31), (14,)) == [(14, date(2026, 2, 14))]


def test_a_followup_is_due_on_its_day_until_it_is_recorded() -> None:
    today = date(2026, 12, 23)
    assert arules.is_followup_due("2026-12-23", False, today)
    assert arules.is_followup_due("2026-12-01", False, today)
    assert not arules.is_followup_due("2026-12-24", False, today)
    assert not arules.is_followup_due("2026-12-01", True, today)


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


def test_the_first_standup_looks_back_24_hours_then_from_the_last_one() -> None:
    assert arules.standup_since(None, NOW_DT) == "2026-11-22T09:00:00Z"
    assert arules.standup_since("2026-11-20T09:30:00Z", NOW_DT) == "2026-11-20T09:30:00Z"


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
        _event(7, "alert", 3, "create", None, {"kpi_id": 5, "assignee": "dave"}),
        _event(8, "alert", 3, "update", {**ALERT, "acknowledged_at": None},
               {**ALERT, "acknowledged_at": "t", "acknowledged_by": "dave"}),
        _event(9, "alert", 3, "update", {"kpi_id": 5, "acknowledged_at": "t"},
               {"kpi_id": 5, "acknowledged_at": "t", "closed_at": "u"}),  # closing: not an ack
    ]  # fmt: skip
    digest = arules.digest(
        events, since=SINCE, until=UNTIL, actions=ACTIONS, kpis={5: "Resolution time"}
    )
    assert [(i.kind, i.person, i.action_id) for i in digest.items] == [
        ("created", "bob", 1),
        ("moved", "bob", 1),
        ("done", "carol", 2),
        ("checkin", "bob", 1),
        ("followup", "carol", 2),
        ("alert-raised", "dave", None),
        ("alert-acknowledged", "dave", None),
    ]
    assert digest.items[1].detail == "plan → do"
    assert digest.items[3].detail == "blocked: waiting"
    assert digest.items[5].title == "Resolution time"
    assert digest.people == ["bob", "carol", "dave"]
    assert digest.counts("bob")["checkin"] == 1 and digest.counts()["alert-raised"] == 1
    assert [i.kind for i in digest.of("dave")] == ["alert-raised", "alert-acknowledged"]


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


def test_newly_overdue_work_and_quiet_owners_join_the_round_robin() -> None:
    late = arules.ActionBrief(7, "Rota", "erin", "2026-11-22")
    digest = arules.digest(
        [], since=SINCE, until=UNTIL, actions={}, newly_overdue=[late], owners=["frank", "erin"]
    )
    assert [(i.kind, i.person, i.detail) for i in digest.items] == [
        ("overdue", "erin", "was due 2026-11-22")
    ]
    assert digest.people == ["erin", "frank"]
