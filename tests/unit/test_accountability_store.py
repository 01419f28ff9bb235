"""The accountability store: follow-ups scheduled and recorded, owners, the log, stand-ups.

Every write is checked against what was persisted and against its event rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from pdca.db import accountability as acc
from pdca.db import accountability_rules as arules
from pdca.db.accountability_models import LogFilter
from pdca.db.clock import iso
from pdca.db.errors import Conflict, GateUnmet, InvalidInput, NotFound
from pdca.db.models import ActionDraft, CheckinDraft, InitiativeDraft
from pdca.db.records import ActionChanges
from pdca.db.store import Store
from tests.conftest import NOW_DT, events, last_event_id, open_as
from tests.unit.test_query_plans import _full_scans, _unbind
from tests.unit.test_store import Ticker

DUE = date(2026, 12, 1)


@pytest.fixture
def ticker() -> Ticker:
    return Ticker(NOW_DT)


@pytest.fixture
def timed(db_path: Path, ticker: Ticker) -> Iterator[Store]:
    opened = Store.open(db_path, actor="alice", clock=ticker, create=True)
    yield opened
    opened.close()


def to_act(store: Store, title: str = "Shorten triage", owner: str = "bob") -> int:
    action = store.add_action(ActionDraft(title=title, owner=owner, due=DUE))
    store.move_action(action.id, "do")
    store.add_checkin(action.id, CheckinDraft(message="going"))
    store.move_action(action.id, "check")
    store.move_action(action.id, "act", verdict="worked")
    return action.id


def standardized(store: Store, **kwargs: str) -> int:
    action_id = to_act(store, **kwargs)
    store.complete_action(action_id, "standardize")
    return action_id


# --------------------------------------------------------------------------- scheduling


def test_standardize_schedules_followups_for_the_owner_at_30_60_90(timed: Store) -> None:
    action_id = standardized(timed)
    followups = acc.list_followups(timed)
    assert [(f.action_id, f.owner, f.offset_days, f.due) for f in followups] == [
        (action_id, "bob", 30, "2026-12-23"),
        (action_id, "bob", 60, "2027-01-22"),
        (action_id, "bob", 90, "2027-02-21"),
    ]
    assert not any(f.is_due for f in followups)


def test_a_new_owner_takes_the_audits_and_no_owner_leaves_them_where_they_are(
    timed: Store,
) -> None:
    """A done action given to carol: its audits still to do go with it. Its owner cleared:
    they stayed with nobody, reminded to no one (a reviewer); they stay with whoever had
    them."""
    action_id = standardized(timed)
    timed.edit_action(action_id, ActionChanges(owner="carol"))
    assert {f.owner for f in acc.list_followups(timed)} == {"carol"}
    timed.edit_action(action_id, ActionChanges(clear_owner=True))
    assert timed.get_action(action_id).owner is None
    assert {f.owner for f in acc.list_followups(timed)} == {"carol"}


@pytest.mark.parametrize("decision", ["adjust", "abandon"])
def test_other_decisions_schedule_no_followup(timed: Store, decision: str) -> None:
    action_id = to_act(timed)
    timed.complete_action(action_id, decision)  # type: ignore[arg-type]
    assert acc.list_followups(timed, include_done=True) == []


def test_offsets_are_a_team_setting_kept_in_the_file(timed: Store, db_path: Path) -> None:
    mark = last_event_id(timed)
    acc.set_team_setting(timed, "followup-offsets", "14,45")
    [event] = events(timed, mark)
    assert (event["entity"], event["op"], event["summary"]) == (
        "setting",
        "create",
        "set followup-offsets to 14,45",
    )
    other = open_as(db_path, "bob")  # another member's pdca reads the same rule
    try:
        assert acc.team_settings(other).followup_offsets == (14, 45)
    finally:
        other.close()
    standardized(timed)
    assert [f.offset_days for f in acc.list_followups(timed)] == [14, 45]
    acc.set_team_setting(timed, "stale-after-days", "3")
    assert acc.team_settings(timed).stale_after_days == 3


def test_a_bad_setting_writes_nothing(timed: Store) -> None:
    mark = last_event_id(timed)
    for key, value in (("followup-offsets", "90,30"), ("stale-after-days", "0"), ("x", "1")):
        with pytest.raises(InvalidInput):
            acc.set_team_setting(timed, key, value)
    assert events(timed, mark) == []


def test_undoing_standardize_takes_its_followups_back(timed: Store) -> None:
    action_id = standardized(timed)
    timed.undo()
    assert acc.list_followups(timed, include_done=True) == []
    assert timed.get_action(action_id).done_at is None


# --------------------------------------------------------------------------- recording


def test_a_followup_recorded_without_words_is_said_once_in_the_standup(
    timed: Store, ticker: Ticker, cli
) -> None:
    """The app records an audit with no message ("30-day follow-up: holding"): the stand-up
    said "holding: 30-day follow-up: holding", and ``show`` listed it as an on-track
    check-in (testers)."""
    action_id = standardized(timed)
    ticker.advance(days=31)
    acc.record_followup(timed, acc.due_followup_of(timed, action_id).id, "holding")
    ticker.advance(hours=1)
    [said] = [i.detail for i in acc.standup_digest(timed).items if i.kind == "followup"]
    assert said == "30-day follow-up: holding"
    shown = cli("show", str(action_id)).stdout
    assert "alice  follow-up holding  30-day follow-up: holding" in shown


def test_show_lists_the_followups_their_holders_and_their_history(
    timed: Store, ticker: Ticker, cli
) -> None:
    """``show`` of standardized work: each audit, who holds it now, what one done found; and
    the history has their scheduling, results and handovers (it had none of them, a tester)."""
    action_id = standardized(timed)
    ticker.advance(days=31)
    acc.record_followup(timed, acc.due_followup_of(timed, action_id).id, "holding")
    ticker.advance(hours=1)
    timed.hand_over("bob", "carl")
    detail = timed.action_detail(action_id)
    assert [(f.offset_days, f.owner, f.result) for f in detail.followups] == [
        (30, "bob", "holding"),
        (60, "carl", None),
        (90, "carl", None),
    ]
    shown = cli("show", str(action_id)).stdout
    section = shown.split("follow-ups:\n")[1].split("\n\n")[0].splitlines()
    assert section == [
        # recorded a day past its day, said as followups --all says it (a retrial)
        "  30-day  due 2026-12-23  holding at 2026-12-24T09:00:00Z by alice, 1d late",
        "  60-day  due 2027-01-22  carl",
        "  90-day  due 2027-02-21  carl",
    ]
    history = shown.split("history:\n")[1]
    assert "scheduled the 60-day follow-up of #1 for 2027-01-22" in history
    assert "recorded the 30-day follow-up of #1: holding" in history
    assert "result: — → holding" in history
    assert "checkin: —" not in history  # its check-in's row id (a keyboard trial)
    assert "handed the 90-day follow-up of #1 to carl" in history


def test_the_history_keeps_the_follow_ups_an_undone_done_scheduled(
    timed: Store, ticker: Ticker
) -> None:
    """An undo of "done (standardize)" named the follow-ups it took out, and the action's
    history then had neither their scheduling nor their removal (an auditor)."""
    action_id = standardized(timed)
    ticker.advance(minutes=5)
    timed.undo()
    said = [event.summary for event in timed.action_detail(action_id).history]
    for days, due in ((30, "2026-12-23"), (60, "2027-01-22"), (90, "2027-02-21")):
        scheduled = f"scheduled the {days}-day follow-up of #{action_id} for {due}"
        assert scheduled in said and f"undid {scheduled}" in said


def test_show_tells_audits_closed_by_an_earlier_slip_apart_from_the_slip(
    timed: Store, ticker: Ticker, cli
) -> None:
    """The 30-day one slipped; the 60- and 90-day ones closed with it: one slip, not three
    (``show`` said "slipped" for each, a tester)."""
    action_id = standardized(timed)
    ticker.advance(days=31)
    acc.record_followup(timed, acc.due_followup_of(timed, action_id).id, "slipped")
    shown = cli("show", str(action_id)).stdout
    section = shown.split("follow-ups:\n")[1].split("\n\n")[0].splitlines()
    assert section == [
        "  30-day  due 2026-12-23  slipped at 2026-12-24T09:00:00Z by alice, 1d late"
        " (reopened as #2)",
        "  60-day  due 2027-01-22  closed at 2026-12-24T09:00:00Z: an earlier one slipped"
        " (reopened as #2)",
        "  90-day  due 2027-02-21  closed at 2026-12-24T09:00:00Z: an earlier one slipped"
        " (reopened as #2)",
    ]


def test_show_of_work_without_followups_has_no_such_section(timed: Store, cli) -> None:
    action = timed.add_action(ActionDraft(title="x", owner="bob"))
    assert timed.action_detail(action.id).followups == []
    assert "follow-ups:" not in cli("show", str(action.id)).stdout


def test_a_holding_followup_is_a_followup_checkin(timed: Store, ticker: Ticker) -> None:
    action_id = standardized(timed)
    ticker.advance(days=31)
    due = acc.due_followup_of(timed, action_id)
    assert (due.offset_days, due.is_due) == (30, True)
    mark = last_event_id(timed)
    outcome = acc.record_followup(timed, due.id, "holding", "still at 18h", expected_version=1)
    assert outcome.reopened is None
    assert (outcome.checkin.kind, outcome.checkin.result, outcome.checkin.message) == (
        "followup",
        "holding",
        "still at 18h",
    )
    assert (outcome.followup.result, outcome.followup.checkin_id) == ("holding", outcome.checkin.id)
    assert outcome.followup.done_by == "alice" and outcome.followup.version == 2
    written = events(timed, mark)
    assert [(e["entity"], e["op"]) for e in written] == [
        ("checkin", "create"),
        ("followup", "update"),
    ]
    assert len({e["tx"] for e in written}) == 1
    assert written[1]["before"]["done_at"] is None and written[1]["after"]["result"] == "holding"
    # The next one is not due for another month.
    with pytest.raises(GateUnmet, match="60-day.*not due until 2027-01-22"):
        acc.due_followup_of(timed, action_id)


def test_a_slipped_audit_handed_over_reopens_the_work_for_its_new_holder(
    timed: Store, ticker: Ticker
) -> None:
    """bob left; carl holds his audits: the slipped work is carl's to plan again, not bob's
    (it went to bob, and nobody was told it was theirs, a tester)."""
    action_id = standardized(timed)
    timed.hand_over("bob", "carl")
    ticker.advance(days=30)
    outcome = acc.record_followup(timed, acc.due_followup_of(timed, action_id).id, "slipped")
    assert outcome.reopened is not None and outcome.reopened.owner == "carl"
    assert timed.get_action(action_id).owner == "bob"  # done work keeps its history


def test_a_slipped_followup_reopens_the_work_in_plan_linked(timed: Store, ticker: Ticker) -> None:
    timed.add_initiative(InitiativeDraft(name="Ops"))
    action = timed.add_action(ActionDraft(title="Rota", owner="bob", due=DUE, initiative="Ops"))
    timed.move_action(action.id, "do")
    timed.add_checkin(action.id, CheckinDraft(message="x"))
    timed.move_action(action.id, "check")
    timed.move_action(action.id, "act", verdict="worked")
    timed.complete_action(action.id, "standardize")
    ticker.advance(days=30)
    due = acc.due_followup_of(timed, action.id)
    mark = last_event_id(timed)
    outcome = acc.record_followup(timed, due.id, "slipped")
    reopened = outcome.reopened
    assert reopened is not None
    assert (reopened.phase, reopened.parent_id, reopened.cycle) == ("plan", action.id, 2)
    assert (reopened.title, reopened.owner, reopened.initiative) == ("Rota", "bob", "Ops")
    assert outcome.followup.reopened_id == reopened.id
    assert outcome.checkin.message == "30-day follow-up: slipped"
    assert outcome.checkin.status == "at-risk"
    written = events(timed, mark)
    assert [(e["entity"], e["op"]) for e in written] == [
        ("checkin", "create"),
        ("action", "create"),
        ("followup", "update"),
        ("followup", "update"),  # the 60-day one, closed with it
        ("followup", "update"),  # the 90-day one
    ]
    assert len({e["tx"] for e in written}) == 1
    assert timed.get_action(action.id).done_at is not None  # the original stays done
    # The later audits of the slipped work close: never due, never recordable as holding.
    rest = [f for f in acc.list_followups(timed, include_done=True) if f.offset_days > 30]
    assert [(f.offset_days, f.result, f.checkin_id, f.reopened_id) for f in rest] == [
        (60, "slipped", None, reopened.id),
        (90, "slipped", None, reopened.id),
    ]
    ticker.advance(days=90)
    assert acc.list_followups(timed, due_only=True) == []
    with pytest.raises(GateUnmet, match="slipped at its 30-day follow-up.*reopened as #2"):
        acc.due_followup_of(timed, action.id)
    with pytest.raises(GateUnmet, match="recorded already \\(slipped"):
        acc.record_followup(timed, rest[1].id, "holding")
    # Undo takes the whole slip back, closed follow-ups included.
    timed.undo()
    pending = acc.list_followups(timed)
    assert [f.offset_days for f in pending if f.action_id == action.id] == [30, 60, 90]


def test_a_followup_is_recorded_once_and_never_over_a_newer_version(
    timed: Store, ticker: Ticker, db_path: Path
) -> None:
    action_id = standardized(timed)
    ticker.advance(days=30)
    due = acc.due_followup_of(timed, action_id)
    bob = open_as(db_path, "bob", ticker.now)
    try:
        acc.record_followup(bob, due.id, "holding")
    finally:
        bob.close()
    mark = last_event_id(timed)
    with pytest.raises(Conflict, match="by bob"):
        acc.record_followup(timed, due.id, "slipped", expected_version=1)
    with pytest.raises(GateUnmet, match="recorded already \\(holding, by bob"):
        acc.record_followup(timed, due.id, "slipped")
    assert events(timed, mark) == []


def test_recording_bad_input_writes_nothing(timed: Store) -> None:
    standardized(timed)
    mark = last_event_id(timed)
    with pytest.raises(InvalidInput, match="result: 'maybe'"):
        acc.record_followup(timed, 1, "maybe")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="message: '  '"):
        acc.record_followup(timed, 1, "holding", "  ")
    with pytest.raises(InvalidInput, match=r"\.\.\.' is 1000000 characters long; the most is 2000"):
        acc.record_followup(timed, 1, "holding", "m" * 1_000_000)  # the rule check-ins follow
    with pytest.raises(NotFound):
        acc.record_followup(timed, 99, "holding")
    with pytest.raises(GateUnmet, match="no follow-up pending"):
        acc.due_followup_of(timed, timed.add_action(ActionDraft(title="x")).id)
    assert [e["entity"] for e in events(timed, mark)] == ["action"]  # only the add


# --------------------------------------------------------------------------- owners


def test_owners_count_open_work_lateness_staleness_alerts_and_followups(
    timed: Store, ticker: Ticker, db_path: Path
) -> None:
    standardized(timed, title="Done one", owner="carol")
    timed.add_action(ActionDraft(title="late", owner="bob", due=date(2026, 11, 20)))
    soon = timed.add_action(ActionDraft(title="soon", owner="bob", due=date(2026, 11, 25)))
    timed.move_action(soon.id, "do")
    timed.add_action(ActionDraft(title="later", owner="dave", due=date(2027, 3, 1)))
    timed.conn.execute(
        "INSERT INTO alerts (kpi_id, raised_at, assignee, ack_due) VALUES (?, ?, ?, ?)",
        (_kpi(timed), "2026-11-23T08:00:00Z", "erin", "2026-11-24T08:00:00Z"),
    )
    ticker.advance(days=31)  # carol's 30-day follow-up is due; bob's and dave's work is stale
    as_bob = open_as(db_path, "bob", ticker.now)
    try:
        as_bob.add_checkin(soon.id, CheckinDraft(message="fresh", status="at-risk"))
    finally:
        as_bob.close()
    rows = {r.login: r for r in acc.owners(timed)}
    bob = rows["bob"]
    assert (bob.plan, bob.do, bob.open, bob.overdue, bob.stale) == (1, 1, 2, 2, 1)
    assert bob.last_checkin_at == "2026-12-24T09:00:00Z"
    assert rows["carol"].last_checkin_at is None  # alice's check-ins, on work now done
    assert rows["dave"].last_checkin_at is None
    [later] = [a for a in timed.list_actions() if a.owner == "dave"]
    timed.add_checkin(later.id, CheckinDraft(message="for dave, at the stand-up"))
    # by alice on his open work: a lead who checks in for the team made it "never" (a tester)
    assert {r.login: r for r in acc.owners(timed)}["dave"].last_checkin_at is not None
    assert "alice" not in rows  # she owns nothing open, waits on nothing: not a row
    assert rows["carol"].followups_due == 1 and rows["carol"].open == 0
    assert rows["erin"].alerts_waiting == 1
    assert rows["dave"].stale == 1 and rows["dave"].overdue == 0
    # An alert waiting comes first, before any amount of late work (it escalates in 24 h).
    assert [r.login for r in acc.owners(timed)][:2] == ["erin", "bob"]
    acc.set_team_setting(timed, "stale-after-days", "60")
    assert {r.login: r.stale for r in acc.owners(timed)}["dave"] == 0


def test_unowned_open_work_has_its_own_row_so_the_rows_add_up(timed: Store) -> None:
    timed.add_action(ActionDraft(title="nobody's", due=date(2026, 11, 20)))
    timed.add_action(ActionDraft(title="nobody's either"))
    timed.add_action(ActionDraft(title="bob's", owner="bob"))
    rows = acc.owners(timed)
    assert [(r.login, r.unowned, r.open, r.plan, r.overdue) for r in rows] == [
        ("bob", False, 1, 1, 0),
        ("(unowned)", True, 2, 2, 1),  # last, whatever it weighs
    ]
    assert sum(r.open for r in rows) == len(timed.list_actions())


def test_due_soon_counts_the_next_seven_days(timed: Store) -> None:
    for days in (0, 7, 8):
        due = date(2026, 11, 23) + timedelta(days=days)
        timed.add_action(ActionDraft(title=f"+{days}", owner="bob", due=due))
    [bob] = acc.owners(timed)
    assert (bob.due_soon, bob.overdue) == (2, 0)


def _kpi(store: Store) -> int:
    from pdca.db.models import KpiDraft

    return store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4)).id


# --------------------------------------------------------------------------- the log


def test_the_log_pages_newest_first_without_gaps_or_repeats(timed: Store, ticker: Ticker) -> None:
    a = timed.add_action(ActionDraft(title="A", owner="bob"))
    b = timed.add_action(ActionDraft(title="B", owner="carol"))
    for n in range(25):
        ticker.advance(minutes=30 if n % 3 else 0)  # some share a second: the id breaks ties
        timed.add_checkin((a if n % 2 else b).id, CheckinDraft(message=f"m{n}"))
    seen, after = [], None
    while page := acc.log_page(timed, limit=7, after=after):
        seen += page
        after = (page[-1].at, page[-1].id)
    assert [e.message for e in seen] == [f"m{n}" for n in reversed(range(25))]
    assert acc.log_page(timed, LogFilter(owner="bob"), limit=100)[0].title == "A"
    assert {e.action_id for e in acc.log_page(timed, LogFilter(action_id=b.id))} == {b.id}


def test_the_log_pages_up_from_its_oldest_end_without_gaps_or_repeats(
    timed: Store, ticker: Ticker
) -> None:
    """The far end (``oldest``) and the pages newer than a shown one (``before``) come back
    newest first, and walking up from the oldest meets every check-in once: the same rows,
    in the same order, as paging down from the newest."""
    a = timed.add_action(ActionDraft(title="A", owner="bob"))
    b = timed.add_action(ActionDraft(title="B", owner="carol"))
    for n in range(25):
        ticker.advance(minutes=30 if n % 3 else 0)  # some share a second: the id breaks ties
        timed.add_checkin((a if n % 2 else b).id, CheckinDraft(message=f"m{n}"))
    down = acc.log_page(timed, limit=100)
    oldest = acc.log_page(timed, limit=7, oldest=True)
    assert [e.message for e in oldest] == [f"m{n}" for n in reversed(range(7))]
    seen = list(oldest)
    while page := acc.log_page(timed, limit=7, before=(seen[0].at, seen[0].id)):
        seen = page + seen
    assert seen == down
    bobs = acc.log_page(timed, LogFilter(owner="bob"), limit=3, oldest=True)
    assert [e.message for e in bobs] == ["m5", "m3", "m1"]
    newer = acc.log_page(timed, LogFilter(owner="bob"), limit=2, before=(bobs[0].at, bobs[0].id))
    assert [e.message for e in newer] == ["m9", "m7"]


def test_the_log_filters_by_status_initiative_and_dates(timed: Store, ticker: Ticker) -> None:
    timed.add_initiative(InitiativeDraft(name="Ops"))
    a = timed.add_action(ActionDraft(title="A", initiative="Ops"))
    b = timed.add_action(ActionDraft(title="B"))
    timed.add_checkin(a.id, CheckinDraft(message="day one", status="blocked"))
    ticker.advance(days=2)
    timed.add_checkin(b.id, CheckinDraft(message="day three"))
    assert [e.message for e in acc.log_page(timed, LogFilter(status="blocked"))] == ["day one"]
    assert [e.message for e in acc.log_page(timed, LogFilter(initiative="Ops"))] == ["day one"]
    assert [e.message for e in acc.log_page(timed, LogFilter(since=date(2026, 11, 24)))] == [
        "day three"
    ]
    assert [e.message for e in acc.log_page(timed, LogFilter(until=date(2026, 11, 23)))] == [
        "day one"
    ]


# --------------------------------------------------------------------------- stand-ups


def test_a_standup_digest_starts_from_the_last_recorded_one(timed: Store, ticker: Ticker) -> None:
    early = timed.add_action(ActionDraft(title="early", owner="bob"))
    ticker.advance(hours=2)
    digest = acc.standup_digest(timed)  # no stand-up yet: since Friday (a Monday)
    assert digest.since == "2026-11-20T11:00:00Z"
    assert [(i.kind, i.action_id) for i in digest.items] == [("created", early.id)]
    mark = last_event_id(timed)
    standup = acc.record_standup(timed, digest.since, ["bob"])
    assert (standup.at, standup.by, standup.people) == ("2026-11-23T11:00:00Z", "alice", ["bob"])
    assert [(e["entity"], e["op"]) for e in events(timed, mark)] == [("standup", "create")]
    ticker.advance(hours=1)
    late = timed.add_action(ActionDraft(title="late", owner="carol", due=date(2026, 11, 30)))
    timed.move_action(late.id, "do")
    digest = acc.standup_digest(timed)
    assert digest.since == standup.at
    assert [(i.kind, i.person) for i in digest.items] == [("created", "carol"), ("moved", "carol")]
    assert digest.people == ["bob", "carol"]  # bob has open work: he gets his turn


def test_an_undo_of_a_change_an_earlier_standup_told_is_told(
    timed: Store, ticker: Ticker, db_path: Path
) -> None:
    """A done told in a stand-up, then undone: the next stand-up said nothing, and the team
    went on thinking it abandoned (a tester). An undo of a change the earlier stand-up did
    not tell (a title) stays untold, and one inside a window hides both, as before."""
    from pdca.db.models import ActionChanges

    work = timed.add_action(ActionDraft(title="Sixteen", owner="bob"))
    quiet = timed.add_action(ActionDraft(title="Quiet", owner="carol"))
    timed.complete_action(work.id, "abandon")
    timed.edit_action(quiet.id, ActionChanges(title="Quieter"), expected_version=1)
    ticker.advance(hours=1)
    lead = Store.open(db_path, actor="lena", clock=ticker)  # the lead records it
    digest = acc.standup_digest(lead)
    acc.record_standup(lead, digest.since, ["bob"], until=digest.until)
    lead.close()
    ticker.advance(hours=1)
    timed.undo()  # the title
    timed.undo()  # the done
    later = acc.standup_digest(timed)
    assert [(i.kind, i.person, i.action_id, i.detail, i.actor) for i in later.items] == [
        ("undone", "bob", work.id, "done (abandon)", "alice")
    ]  # its number once, in the line's own "#1" (a trial: "#1 … — done #1 (abandon)")
    assert later.change_counts["bob"]["undone"] == 1 and "bob" in later.people
    assert timed.get_action(work.id).done_at is None


def test_more_of_a_persons_changes_keeps_the_undone_ones_among_them(
    timed: Store, ticker: Ticker, db_path: Path
) -> None:
    """bob's page showed "↶ undone #16 …" beside his check-ins and "and 5 more"; "more"
    listed the check-ins alone, the undone row gone and "and 1 more change" opening nothing
    (a stand-up's trial). The longer list holds every change the counts count."""
    work = timed.add_action(ActionDraft(title="Sixteen", owner="bob"))
    told = timed.add_checkin(work.id, CheckinDraft(message="told", status="blocked"))
    assert told is not None
    ticker.advance(hours=1)
    lead = Store.open(db_path, actor="lena", clock=ticker)
    digest = acc.standup_digest(lead)
    acc.record_standup(lead, digest.since, ["bob"], until=digest.until)
    lead.close()
    ticker.advance(hours=1)
    timed.undo()  # the check-in the stand-up told
    for n in range(4):
        ticker.advance(minutes=1)
        timed.add_checkin(work.id, CheckinDraft(message=f"again {n}", status="at-risk"))
    shown = acc.standup_digest(timed, most=2)
    assert sum(shown.change_counts["bob"].values()) == 5
    more = acc.standup_changes(timed, shown, "bob", 10)
    assert sorted(i.kind for i in more) == ["checkin"] * 4 + ["undone"]


def test_an_alert_cleared_then_undone_is_told_by_its_kpis_name(
    timed: Store, ticker: Ticker, db_path: Path
) -> None:
    """The undone clearing had no title: an alert's row holds none (a tester)."""
    from pdca.db.models import KpiDraft, ReadingDraft

    timed.add_kpi(
        KpiDraft(
            name="Pages", unit="/wk", baseline=10, target=4, alert=14, owner="bob", direction="down"
        )
    )
    timed.record_reading(ReadingDraft(kpi="Pages", value=20))  # raised
    timed.record_reading(ReadingDraft(kpi="Pages", value=5))  # cleared
    ticker.advance(hours=1)
    lead = Store.open(db_path, actor="lena", clock=ticker)
    digest = acc.standup_digest(lead)
    assert ("alert-closed", "Pages") in [(i.kind, i.title) for i in digest.items]
    acc.record_standup(lead, digest.since, [], until=digest.until)
    lead.close()
    ticker.advance(hours=1)
    timed.undo()  # the reading that cleared it
    [undone] = [i for i in acc.standup_digest(timed).items if i.kind == "undone"]
    assert (undone.title, undone.person) == ("Pages", "bob")
    assert undone.detail.startswith("closed alert")


def test_the_undo_of_a_change_of_many_rows_an_earlier_standup_told_is_told(
    timed: Store, ticker: Ticker, db_path: Path
) -> None:
    """An undo writes its rows in reverse: a standardize's began with its follow-ups, and
    only that first row was looked at, so the undone done went untold (a tester). An adjust
    told a done and a next cycle: both are said undone, the gone cycle by its title."""
    kept = to_act(timed, "Kept")
    timed.complete_action(kept, "standardize")
    carol = Store.open(db_path, actor="carol", clock=ticker)  # each undoes their own
    again = to_act(carol, "Again", owner="carol")
    carol.complete_action(again, "adjust")
    ticker.advance(hours=1)
    lead = Store.open(db_path, actor="lena", clock=ticker)
    digest = acc.standup_digest(lead)
    acc.record_standup(lead, digest.since, [], until=digest.until)
    lead.close()
    ticker.advance(hours=1)
    carol.undo()  # the adjust: its done and its next cycle
    carol.close()
    timed.undo()  # the standardize: its done and its three follow-ups
    said = [
        (i.person, i.action_id, i.title, i.detail)
        for i in acc.standup_digest(timed).items
        if i.kind == "undone"
    ]
    assert ("bob", kept, "Kept", "done (standardize)") in said
    assert ("carol", again, "Again", "done (adjust)") in said
    [(whose, gone_id, gone_title, gone_said)] = [s for s in said if s[1] not in (kept, again)]
    assert (whose, gone_title) == ("carol", "Again") and gone_id not in (kept, again)
    assert gone_said.startswith(f"added, cycle 2 of #{again}")
    assert len(said) == 3


def test_a_standup_someone_recorded_meanwhile_is_not_recorded_again(
    timed: Store, ticker: Ticker, db_path: Path
) -> None:
    """The lead's view was open when a colleague ran ``standup --record``; the lead's r then
    wrote a second stand-up over the same window, with nothing new in it (a tester)."""
    from pdca.db.errors import StandupOvertaken

    timed.add_action(ActionDraft(title="rota", owner="bob"))
    ticker.advance(hours=1)
    shown = acc.standup_digest(timed)  # on the lead's screen
    ticker.advance(minutes=5)
    colleague = Store.open(db_path, actor="carol", clock=ticker)
    theirs = acc.standup_digest(colleague)
    acc.record_standup(colleague, theirs.since, [], theirs.until, seen_event=theirs.seen_event)
    colleague.close()
    mark = last_event_id(timed)
    with pytest.raises(StandupOvertaken, match="carol recorded it already, up to 2026-11-23 10:05"):
        acc.record_standup(timed, shown.since, ["bob"], shown.until, seen_event=shown.seen_event)
    assert last_event_id(timed) == mark  # nothing written


def test_a_standup_recorded_by_a_clock_behind_the_last_one_is_refused(
    timed: Store, ticker: Ticker
) -> None:
    """A clock a day behind the last stand-up recorded one that ended before it began, said
    the next would start from it, and counted for nothing (a trial's fortnight)."""
    from pdca.db.errors import PdcaError

    timed.add_action(ActionDraft(title="rota", owner="bob"))
    ticker.advance(hours=1)
    digest = acc.standup_digest(timed)
    acc.record_standup(timed, digest.since, ["bob"], until=digest.until)
    ticker.advance(days=-1)
    behind = acc.standup_digest(timed)
    mark = last_event_id(timed)
    with pytest.raises(PdcaError, match=r"it would end \(2026-11-22 10:00 UTC\) before it began"):
        acc.record_standup(timed, behind.since, ["bob"], until=behind.until)
    # whose stand-up it began at, and that either clock may be the wrong one: the question
    # "is this machine's clock right?" blamed a right one (a trial)
    with pytest.raises(
        PdcaError, match=r"UTC, (\w+)'s stand-up\); not recorded: \1's clock, which"
    ):
        acc.record_standup(timed, behind.since, ["bob"], since_by="carol")  # now
    with pytest.raises(PdcaError, match="not recorded: your clock, which recorded it, or"):
        acc.record_standup(timed, behind.since, ["bob"], since_by=timed.actor)
    # and the stand-up read so says its start is later than now here
    assert arules.whose_standup(behind).endswith(f"'s stand-up{arules.CLOCKS_DISAGREE})")
    # and where the changes before it are: the log lists check-ins alone (a lead's weeks)
    assert "changes before it: pdca standup --since yesterday" in arules.whose_standup(behind)
    # seconds behind: said to the second ("09:00 before 09:00" read as no reason, a retrial)
    ticker.advance(days=1, seconds=30)
    recorded = acc.standup_digest(timed)
    assert arules.whose_standup(recorded).endswith("'s stand-up)")  # the clock right again
    acc.record_standup(timed, recorded.since, ["bob"], until=recorded.until)
    mark = last_event_id(timed)
    ticker.advance(seconds=-20)
    with pytest.raises(PdcaError, match=r"\(2026-11-23 10:00:10 UTC\) before it began \(2026"):
        acc.record_standup(timed, recorded.until, ["bob"])
    assert last_event_id(timed) == mark  # nothing written


def test_a_standup_recorded_again_in_the_same_second_is_not_recorded(
    timed: Store, ticker: Ticker
) -> None:
    """A second ``--record`` in the very second of the last one recorded an empty stand-up,
    as if one had been held (a retrial); it is said to be recorded already, nothing written."""
    from pdca.db.errors import StandupRecordedAlready

    timed.add_action(ActionDraft(title="rota", owner="bob"))
    ticker.advance(hours=1)
    first = acc.standup_digest(timed)
    acc.record_standup(timed, first.since, ["bob"], until=first.until)
    again = acc.standup_digest(timed)
    mark = last_event_id(timed)
    with pytest.raises(StandupRecordedAlready, match="you recorded it already, up to 2026-11-23"):
        acc.record_standup(timed, again.since, ["bob"])  # no digest shown: now, the same second
    assert last_event_id(timed) == mark


def test_a_change_in_the_second_a_standup_was_recorded_is_in_the_next(
    timed: Store, ticker: Ticker
) -> None:
    """Times are kept to the second: three check-ins, each right after a --record in the same
    second, were in no stand-up at all (a tester). They are the next one's."""
    from pdca.db.models import CheckinDraft

    work = timed.add_action(ActionDraft(title="rota", owner="bob"))
    ticker.advance(hours=1)
    digest = acc.standup_digest(timed)
    acc.record_standup(timed, digest.since, ["bob"], until=digest.until)
    timed.add_checkin(work.id, CheckinDraft(message="right after", status="on-track"))
    assert [i.kind for i in acc.standup_digest(timed).items] == ["checkin"]


def test_an_action_created_in_do_is_said_to_be_created_in_do(timed: Store, ticker: Ticker) -> None:
    """A tester's ``pdca add --phase do`` was "created in Plan" in the stand-up."""
    made = timed.add_action(
        ActionDraft(title="Swarm on P1s", owner="erin", due=date(2026, 11, 30), phase="do")
    )
    planned = timed.add_action(ActionDraft(title="Later", owner="erin"))
    ticker.advance(hours=1)
    said = {i.action_id: i.detail for i in acc.standup_digest(timed).items if i.kind == "created"}
    assert said == {made.id: "in Do", planned.id: "in Plan"}


def test_the_digest_says_where_work_stands_and_what_the_clock_escalated(
    timed: Store, ticker: Ticker
) -> None:
    from pdca.db import alerts
    from pdca.db.models import KpiDraft, ReadingDraft

    timed.add_kpi(KpiDraft(name="Lead time", unit="h", baseline=30, target=24, direction="down",
                           alert=34, owner="dave", escalation=["erin"]))  # fmt: skip
    timed.record_reading(ReadingDraft(kpi="Lead time", value=40))  # dave has until +24h
    late = timed.add_action(ActionDraft(title="Builds", owner="dave", due=date(2026, 11, 21)))
    timed.add_checkin(late.id, CheckinDraft(message="slow going", status="at-risk"))
    ticker.advance(hours=30)  # dave's deadline passed 6 hours ago; nothing wrote that
    before = last_event_id(timed)
    digest = acc.standup_digest(timed, since=iso(NOW_DT + timedelta(hours=20)))
    assert last_event_id(timed) == before  # read only
    [dave] = [i for i in digest.standing_of("dave") if i.kind == "action"]
    assert (dave.action_id, dave.flags, dave.days_late) == (late.id, ["late", "at-risk"], 3)
    assert [(i.kind, i.title) for i in digest.standing_of("erin")] == [("alert", "Lead time")]
    [escalated] = digest.of("erin")
    assert (escalated.kind, escalated.at) == ("alert-escalated", "2026-11-24T09:00:00Z")
    assert not digest.quiet("dave") and digest.people == ["dave", "erin"]
    # Once a write records the escalation, the digest says the same thing once.
    alerts.escalate_due(timed)
    again = acc.standup_digest(timed, since=iso(NOW_DT + timedelta(hours=20)))
    assert [i.kind for i in again.of("erin")] == ["alert-escalated"]
    # An unowned open action has its own section.
    timed.add_action(ActionDraft(title="nobody's"))
    unowned = acc.standup_digest(timed).standing_of("(unowned)")
    assert [(i.title, i.flags) for i in unowned] == [("nobody's", ["no-owner"])]


def test_an_escalation_told_as_the_clocks_is_not_told_again_once_written(
    timed: Store, ticker: Ticker
) -> None:
    """A stand-up recorded after dave's deadline tells the clock's escalation to erin; a
    write that records it after that stand-up must not make the next one tell it again (a
    lead's trial: told on two mornings running, with no notify cron)."""
    from pdca.db import alerts
    from pdca.db.models import KpiDraft, ReadingDraft

    timed.add_kpi(KpiDraft(name="Lead time", unit="h", baseline=30, target=24, direction="down",
                           alert=34, owner="dave", escalation=["erin"]))  # fmt: skip
    timed.record_reading(ReadingDraft(kpi="Lead time", value=40))  # dave has until +24h
    ticker.advance(hours=25)
    shown = acc.standup_digest(timed)
    assert [i.kind for i in shown.of("erin")] == ["alert-escalated"]
    acc.record_standup(timed, shown.since, shown.people, shown.until)
    ticker.advance(minutes=5)
    assert alerts.escalate_due(timed) == 1  # a command, a board's tick: now it is written
    ticker.advance(hours=22)
    following = acc.standup_digest(timed)
    assert following.of("erin") == []
    assert following.change_counts.get("erin", {}).get("alert-escalated", 0) == 0


def test_an_audit_handed_over_is_told_under_its_holder_when_recorded(
    timed: Store, ticker: Ticker
) -> None:
    """carl holds bob's audits since the reassign: what he found is his, in the counts and
    the items (it was under bob, whose the done action still is, a lead's trial)."""
    action_id = standardized(timed)
    timed.hand_over("bob", "carl")
    ticker.advance(days=30)
    since = iso(ticker())
    ticker.advance(minutes=1)
    acc.record_followup(timed, acc.due_followup_of(timed, action_id).id, "holding")
    ticker.advance(minutes=1)
    digest = acc.standup_digest(timed, since=since)
    assert [(i.kind, i.person) for i in digest.items] == [("followup", "carl")]
    assert digest.change_counts["carl"]["followup"] == 1 and "bob" not in digest.change_counts


# --------------------------------------------------------------------------- indexes


def test_every_accountability_query_uses_an_index(timed: Store, ticker: Ticker) -> None:
    seen: list[str] = []
    timed.conn.set_trace_callback(seen.append)
    action_id = standardized(timed)
    ticker.advance(days=30)
    acc.owners(timed)
    acc.record_followup(timed, acc.due_followup_of(timed, action_id).id, "slipped")
    for where in (LogFilter(), LogFilter(owner="bob"), LogFilter(action_id=1),
                  LogFilter(status="blocked", since=date(2026, 1, 1))):  # fmt: skip
        acc.log_page(timed, where, after=("2026-12-01T00:00:00Z", 5))
    acc.list_followups(timed, due_only=True)
    acc.record_standup(timed, acc.standup_digest(timed).since, [])
    timed.conn.set_trace_callback(None)
    queries = {
        " ".join(sql.split())
        for sql in seen
        if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
        and "count(*) FROM" not in sql
    }
    problems = [scan for sql in sorted(queries) for scan in _full_scans(timed, _unbind(sql))]
    assert problems == []


def test_handing_an_action_to_someone_else_is_a_change_of_the_new_owner(
    timed: Store, ticker: Ticker
) -> None:
    from pdca.db.models import ActionChanges

    action = timed.add_action(ActionDraft(title="Rota", owner="dave"))
    ticker.advance(hours=2)
    since = iso(ticker.now)
    ticker.advance(hours=1)
    timed.edit_action(action.id, ActionChanges(owner="erin"), expected_version=1)
    timed.edit_action(action.id, ActionChanges(title="Rota v2"), expected_version=2)  # no hand
    digest = acc.standup_digest(timed, since=since)
    # Handed by someone else than its owner (a lead): said who, or it read as dave's own.
    assert [(i.kind, i.person, i.detail) for i in digest.items] == [
        ("handed", "erin", f"dave → erin (by {timed.actor})")
    ]
    assert digest.counts("erin")["handed"] == 1 and digest.counts("dave")["handed"] == 0


def test_an_alert_handed_on_with_its_kpi_is_told_as_a_hand_over(
    timed: Store, ticker: Ticker
) -> None:
    """gus's KPI given to hana while its alert waits: the stand-up files it under hana as a
    hand-over, in the line and in the counts, not as an escalation gus let pass (a trial)."""
    from pdca.db import kpis
    from pdca.db.models import KpiChanges, KpiDraft, ReadingDraft

    timed.add_kpi(KpiDraft(name="Lead time", unit="h", baseline=30, target=24, direction="down",
                           alert=34, owner="gus", escalation=["erin"]))  # fmt: skip
    timed.record_reading(ReadingDraft(kpi="Lead time", value=40))
    since = iso(ticker())
    ticker.advance(hours=2)  # within gus's 24 hours
    kpis.edit_kpi(timed, "Lead time", KpiChanges(owner="hana"))
    digest = acc.standup_digest(timed, since=since)
    [handed] = digest.of("hana")
    assert (handed.kind, handed.title) == ("handed", "Lead time")
    assert handed.detail == "its alert, from gus (threshold)"
    assert digest.counts("hana")["handed"] == 1
    assert digest.counts("hana")["alert-escalated"] == 0


@pytest.mark.parametrize(
    ("summary", "said"),
    [
        ("moved #12 from plan to do", "moved from plan to do"),
        ("checked in on #12 (at-risk)", "checked in (at-risk)"),
        ("recorded the 30-day follow-up of #12: holding", "recorded the 30-day follow-up: holding"),
        ("added #12, cycle 2 of #3", "added, cycle 2 of #3"),
        ("edited #123: due", "edited #123: due"),  # another action's number stays
    ],
)
def test_an_undone_change_names_its_action_once(summary: str, said: str) -> None:
    assert acc._without_its_number(summary, 12) == said
