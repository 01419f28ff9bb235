"""Repeat rules in the store: created with their first action, instances made exactly once
(catching up with one), "after done" rules, stopping, undo, and the queries' indexes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pdca.db import recurrence
from pdca.db.errors import Conflict, GateUnmet, InvalidInput, NotFound
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft
from pdca.db.store import ActionFilter, Store
from tests.conftest import NOW_DT, events, last_event_id, open_as
from tests.unit.test_query_plans import _full_scans, _unbind


def later(path: Path, days: int, actor: str = "bob") -> Store:
    return open_as(path, actor, NOW_DT + timedelta(days=days))


def instances(store: Store, rule_id: int = 1) -> list[tuple[str, str, str]]:
    rows = store.conn.execute(
        "SELECT due, owner, created_by FROM actions WHERE recurrence_id = ? ORDER BY id",
        (rule_id,),
    )
    return [tuple(row) for row in rows]


def test_a_rule_comes_with_its_first_action_in_one_transaction(store: Store) -> None:
    # 2026-11-23 is a Monday: "week thu" without --due is first due on Thursday the 26th.
    action = recurrence.add_repeating_action(
        store, ActionDraft(title="Review", owner="dana"), "Week Thu"
    )
    assert (action.due, action.recurrence_id) == ("2026-11-26", 1)
    (rule,) = recurrence.list_rules(store)
    assert (rule.rule, rule.anchor, rule.next_due, rule.instances) == (
        "week thu",
        "2026-11-26",
        "2026-12-03",
        1,
    )
    logged = events(store)
    assert [(e["entity"], e["op"]) for e in logged if e["entity"] != "person"] == [
        ("recurrence", "create"),
        ("action", "create"),
    ]
    assert len({e["tx"] for e in logged if e["entity"] != "person"}) == 1


def test_a_bad_rule_writes_nothing(store: Store) -> None:
    before = last_event_id(store)
    with pytest.raises(InvalidInput, match="--every: 'fortnightly' is not a repeat rule"):
        recurrence.add_repeating_action(store, ActionDraft(title="x"), "fortnightly")
    assert last_event_id(store) == before
    assert store.counts()["action"] == 0


def test_an_instance_is_made_once_when_its_date_comes(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Standup", owner="dana"), "day")
    assert recurrence.run_due(store) == []  # today's is the first one: nothing more yet
    before = last_event_id(store)
    assert recurrence.run_due(store) == [] and last_event_id(store) == before  # wrote nothing
    tomorrow = later(db_path, 1)
    other = later(db_path, 1, "carol")
    try:
        made = recurrence.run_due(tomorrow)
        assert len(made) == 1
        assert recurrence.run_due(other) == []  # the second process finds it done
        assert instances(store) == [
            ("2026-11-23", "dana", "alice"),
            ("2026-11-24", "dana", "pdca"),
        ]
        created = tomorrow.get_action(made[0])
        assert (created.phase, created.title) == ("plan", "Standup")
    finally:
        tomorrow.close()
        other.close()


def test_weeks_untouched_catch_up_with_one_instance_the_latest(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review", owner="dana"), "week mon")
    away = later(db_path, 45)  # 2027-01-07, a Thursday
    try:
        assert len(recurrence.run_due(away)) == 1
        assert instances(store)[-1][0] == "2027-01-04"
        assert recurrence.list_rules(store)[0].next_due == "2027-01-11"
    finally:
        away.close()


def test_instances_copy_the_latest_one_so_a_new_owner_carries_on(
    store: Store, db_path: Path
) -> None:
    first = recurrence.add_repeating_action(
        store, ActionDraft(title="Audit", owner="dana", notes="the checklist"), "3 days"
    )
    store.edit_action(first.id, ActionChanges(owner="erin"))
    on = later(db_path, 3)
    try:
        (made,) = recurrence.run_due(on)
        action = on.get_action(made)
        assert (action.owner, action.notes, action.due) == ("erin", "the checklist", "2026-11-26")
    finally:
        on.close()


def test_an_instance_keeps_the_latest_ones_priority(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(
        store, ActionDraft(title="Review", owner="dana", priority="high"), "week"
    )
    on = later(db_path, 8)
    try:
        (made,) = recurrence.run_due(on)
        assert on.get_action(made).priority == "high"
    finally:
        on.close()


def test_after_done_makes_the_next_when_the_previous_is_done(store: Store, db_path: Path) -> None:
    first = recurrence.add_repeating_action(
        store, ActionDraft(title="Retro", owner="dana", due="2026-11-25"), "after 14 days"
    )
    assert recurrence.list_rules(store)[0].next_due is None
    done_later = later(db_path, 2, "dana")
    try:
        done = done_later.complete_action(first.id, "abandon")
        assert done.action.done_at is not None
        assert instances(store) == [
            ("2026-11-25", "dana", "alice"),
            ("2026-12-09", "dana", "dana"),
        ]
        assert recurrence.run_due(done_later) == []  # no calendar: nothing else comes due
    finally:
        done_later.close()


def test_an_adjusted_repeat_goes_on_as_its_next_cycle_and_repeats_after_that(
    store: Store, db_path: Path
) -> None:
    """Adjust on an "after" repeat made the next cycle and the next repeat at once, two new
    actions for one piece of work (a tester): the next cycle takes the rule over, and the
    repeat comes when that cycle is done."""
    first = recurrence.add_repeating_action(
        store, ActionDraft(title="Retro", owner="dana", due="2026-11-25"), "after 14 days"
    )
    store.move_action(first.id, "do")
    store.add_checkin(first.id, CheckinDraft(message="ran it", status="on-track"))
    store.move_action(first.id, "check")
    store.move_action(first.id, "act", verdict="partly")
    adjusted = store.complete_action(first.id, "adjust")
    assert adjusted.next_cycle is not None
    assert adjusted.next_cycle.recurrence_id == first.recurrence_id
    assert [row[0] for row in store.conn.execute("SELECT id FROM actions")] == [
        first.id,
        adjusted.next_cycle.id,
    ]
    assert recurrence.repeat_made_by_done(store, first.id) is None  # the cycle is no repeat
    assert recurrence.list_rules(store)[0].instances == 1
    done_later = later(db_path, 2, "dana")
    try:
        done_later.complete_action(adjusted.next_cycle.id, "abandon")
        assert instances(store)[-1] == ("2026-12-09", "dana", "dana")  # the repeat, now
        assert len(instances(store)) == 3
    finally:
        done_later.close()


def test_a_stopped_rule_makes_nothing_more(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review"), "day")
    with pytest.raises(Conflict):
        recurrence.stop(store, 1, expected_version=7)
    stopped = recurrence.stop(store, 1)
    assert stopped.stopped_by == "alice" and stopped.next_due is None
    with pytest.raises(GateUnmet, match="stopped already"):
        recurrence.stop(store, 1)
    with pytest.raises(NotFound):
        recurrence.stop(store, 9)
    on = later(db_path, 10)
    try:
        assert recurrence.run_due(on) == []
        assert len(instances(store)) == 1
        assert recurrence.list_rules(store) == []
        assert len(recurrence.list_rules(store, include_stopped=True)) == 1
    finally:
        on.close()


def test_undo_removes_the_action_and_its_rule(store: Store) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review"), "week")
    store.undo()
    assert store.counts()["action"] == 0
    assert recurrence.list_rules(store, include_stopped=True) == []


def test_a_reader_only_command_makes_nothing(store: Store, db_path: Path) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review"), "day")
    on = later(db_path, 5)  # past every zone's day since: one round, the latest
    try:
        on.writable = False  # as a file this user may only read
        assert recurrence.catch_up(on) == []
        on.writable = True
        assert len(recurrence.catch_up(on)) == 1
    finally:
        on.close()


def test_recurrence_queries_use_indexes(store: Store, db_path: Path) -> None:
    seen: list[str] = []
    on = later(db_path, 9)
    try:
        for conn in (store.conn, on.conn):
            conn.set_trace_callback(seen.append)
        first = recurrence.add_repeating_action(store, ActionDraft(title="a", owner="b"), "day")
        recurrence.add_repeating_action(store, ActionDraft(title="c", owner="b"), "after 2 days")
        store.complete_action(2, "abandon")
        recurrence.run_due(on)
        recurrence.list_rules(on)
        recurrence.stop(on, first.recurrence_id or 0)
        for conn in (store.conn, on.conn):
            conn.set_trace_callback(None)
        queries = {
            " ".join(sql.split())
            for sql in seen
            if "recurrence" in sql and sql.lstrip().upper().startswith(("SELECT", "UPDATE"))
        }
        assert len(queries) > 4
        problems = [scan for sql in sorted(queries) for scan in _full_scans(on, _unbind(sql))]
        assert problems == []
    finally:
        on.close()


def test_undoing_a_stop_starts_the_rule_again(store: Store) -> None:
    recurrence.add_repeating_action(store, ActionDraft(title="Review"), "week")
    recurrence.stop(store, 1)
    store.undo()
    (rule,) = recurrence.list_rules(store)
    assert (rule.stopped_at, rule.next_due) == (None, "2026-11-30")


def _created_at(path: Path, when: datetime) -> Store:
    return Store.open(path, actor="alice", clock=lambda: when, create=True)


def _set_rule(store: Store, text: str, rule_id: int = 1) -> None:
    """What an older pdca, or a restored export, may have left in the file."""
    store.conn.execute("UPDATE recurrences SET rule = ? WHERE id = ?", (text, rule_id))


def test_a_broken_rule_never_fails_list_done_or_run(store: Store, db_path: Path) -> None:
    first = recurrence.add_repeating_action(store, ActionDraft(title="Audit"), "day")
    recurrence.add_repeating_action(store, ActionDraft(title="Retro"), "after 3 days")
    _set_rule(store, "fortnightly")
    _set_rule(store, "after fortnight", 2)
    states = [(r.id, r.state, r.problem) for r in recurrence.list_rules(store)]
    assert states == [(1, "broken", recurrence.BROKEN), (2, "broken", recurrence.BROKEN)]
    assert recurrence.get(store, 1).after_done is False
    tomorrow = later(db_path, 1)
    try:
        before = last_event_id(tomorrow)
        assert recurrence.run_due(tomorrow) == []  # skipped, and nothing written
        assert last_event_id(tomorrow) == before
        assert tomorrow.complete_action(first.id, "abandon").action.done_at is not None
        assert tomorrow.complete_action(2, "abandon").action.done_at is not None
        assert store.counts()["action"] == 2  # finishing made no repeat
        assert recurrence.done_note(tomorrow, 2) is None
    finally:
        tomorrow.close()


def test_a_rule_with_dates_pdca_does_not_take_is_broken_not_fatal(
    store: Store, db_path: Path
) -> None:
    first = recurrence.add_repeating_action(store, ActionDraft(title="A"), "after 3 days")
    recurrence.add_repeating_action(store, ActionDraft(title="B"), "day")
    # Refused since schema 21 (recurrences' guard): a file from before, or the guard dropped.
    store.conn.execute("DROP TRIGGER recurrences_kinds_on_update")
    store.conn.execute("UPDATE recurrences SET anchor = '2026-02-30' WHERE id = 1")
    store.conn.execute("UPDATE recurrences SET next_due = '0001-01-01' WHERE id = 2")
    assert [r.state for r in recurrence.list_rules(store)] == ["broken", "broken"]
    assert recurrence.run_due(store) == []
    store.complete_action(first.id, "abandon")
    assert store.counts()["action"] == 2


def test_a_rule_stored_beyond_todays_limits_still_repeats(store: Store, db_path: Path) -> None:
    # "after 53 weeks" used to be saved as "after 371 days", which the parser then refused.
    first = recurrence.add_repeating_action(
        store, ActionDraft(title="Yearly audit", due="2026-11-23"), "after 52 weeks"
    )
    _set_rule(store, "after 371 days")
    assert recurrence.list_rules(store)[0].state == "active"
    store.complete_action(first.id, "abandon")
    assert instances(store)[-1][0] == "2027-11-29"
    assert recurrence.done_note(store, first.id) == "next: #2 due 2027-11-29"


def test_an_after_rule_is_first_due_n_days_from_today(store: Store) -> None:
    action = recurrence.add_repeating_action(store, ActionDraft(title="Retro"), "after 2 weeks")
    assert action.due == "2026-12-07"
    (rule,) = recurrence.list_rules(store)
    assert (rule.anchor, rule.next_due, rule.state) == ("2026-12-07", None, "active")


def test_a_two_monthly_rule_starts_on_its_first_date_from_today(db_path: Path) -> None:
    monday = _created_at(db_path, datetime(2026, 11, 2, 9, tzinfo=UTC))
    try:
        action = recurrence.add_repeating_action(monday, ActionDraft(title="Bill"), "2 months 1")
        assert action.due == "2026-12-01"  # not 2027-01-01
        assert recurrence.list_rules(monday)[0].next_due == "2027-02-01"
    finally:
        monday.close()


def test_done_names_the_repeat_it_made_and_only_that(store: Store, db_path: Path) -> None:
    plain = store.add_action(ActionDraft(title="Plain"))
    store.complete_action(plain.id, "abandon")
    assert recurrence.done_note(store, plain.id) is None
    daily = recurrence.add_repeating_action(store, ActionDraft(title="Daily"), "day")
    store.complete_action(daily.id, "abandon")
    assert recurrence.done_note(store, daily.id) is None  # a calendar rule makes none on done
    retro = recurrence.add_repeating_action(
        store, ActionDraft(title="Retro", due="2026-11-23"), "after 7 days"
    )
    store.complete_action(retro.id, "abandon")
    made = recurrence.repeat_made_by_done(store, retro.id)
    assert made is not None and (made.title, made.due) == ("Retro", "2026-11-30")
    assert recurrence.done_note(store, retro.id) == f"next: #{made.id} due 2026-11-30"


def test_repeats_use_the_local_date_like_every_due_date(db_path: Path, monkeypatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        # 23:30 UTC on Nov 1st is 08:30 on Nov 2nd in Tokyo: "today" there is the 2nd.
        tokyo = _created_at(db_path, datetime(2026, 11, 1, 23, 30, tzinfo=UTC))
        try:
            action = recurrence.add_repeating_action(tokyo, ActionDraft(title="D"), "day")
            assert action.due == "2026-11-02"
            assert recurrence.list_rules(tokyo)[0].next_due == "2026-11-03"
            assert tokyo.list_actions(ActionFilter(overdue=True)) == []
            # 23:30 UTC on the 2nd is the 3rd in Tokyo: the next one comes, due the 3rd.
            assert recurrence.run_due(tokyo) == []
        finally:
            tokyo.close()
        next_day = open_as(db_path, "bob", datetime(2026, 11, 2, 23, 30, tzinfo=UTC))
        try:
            assert recurrence.run_due(next_day) == [2]
            assert next_day.get_action(2).due == "2026-11-03"
        finally:
            next_day.close()
    finally:
        monkeypatch.undo()
        time.tzset()


def zone(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    import time

    monkeypatch.setenv("TZ", name)
    time.tzset()


def test_a_colleague_a_day_ahead_skips_no_ones_today(db_path: Path, monkeypatch) -> None:
    """ann in Los Angeles makes a daily rule; ben in Tokyo, already on the next day, ran pdca
    first: he made only his today's round, and ann's today (still going) had none (a
    tester). Both are made, each once; ann's run after finds nothing left to make."""
    import time

    try:
        zone(monkeypatch, "America/Los_Angeles")
        ann = _created_at(db_path, datetime(2027, 1, 31, 17, tzinfo=UTC))  # Jan 31, 09:00
        try:
            recurrence.add_repeating_action(ann, ActionDraft(title="Sync", owner="ann"), "day")
        finally:
            ann.close()
        zone(monkeypatch, "Asia/Tokyo")
        ben = open_as(db_path, "ben", datetime(2027, 2, 1, 17, tzinfo=UTC))  # Feb 2, 02:00
        try:
            assert len(recurrence.run_due(ben)) == 2
        finally:
            ben.close()
        zone(monkeypatch, "America/Los_Angeles")
        ann = open_as(db_path, "ann", datetime(2027, 2, 1, 17, 5, tzinfo=UTC))  # Feb 1, 09:05
        try:
            assert recurrence.run_due(ann) == []
            dues = [a.due for a in ann.list_actions(ActionFilter())]
            assert dues == ["2027-01-31", "2027-02-01", "2027-02-02"]
            assert recurrence.list_rules(ann)[0].next_due == "2027-02-03"
        finally:
            ann.close()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_date_ended_everywhere_is_caught_up_by_the_latest_alone(tmp_path: Path) -> None:
    """The 24th ends in the last zone (UTC-12) at 12:00 UTC on the 25th: before then a run
    on the 25th makes both rounds, after it the 25th's alone."""
    for hour, made in ((12, 1), (11, 2)):
        path = tmp_path / f"at{hour}.db"
        rule = _created_at(path, NOW_DT)  # the 23rd: its first round; next due the 24th
        try:
            recurrence.add_repeating_action(rule, ActionDraft(title="D"), "day")
        finally:
            rule.close()
        run = open_as(path, "bob", datetime(2026, 11, 25, hour, 59, tzinfo=UTC))
        try:
            assert len(recurrence.run_due(run)) == made, hour
        finally:
            run.close()


def test_at_the_end_of_the_date_range_a_rule_ends(db_path: Path) -> None:
    end = datetime(9998, 6, 1, 9, tzinfo=UTC)
    late = _created_at(db_path, end)
    try:
        action = recurrence.add_repeating_action(late, ActionDraft(title="Y"), "12 months")
        assert action.due == "9998-06-01"
        recurrence.add_repeating_action(late, ActionDraft(title="M", due="9998-11-15"), "month 15")
        rules = {r.id: r for r in recurrence.list_rules(late)}
    finally:
        late.close()
    assert (rules[1].next_due, rules[1].state) == (None, "ended")
    assert rules[1].problem == recurrence.ENDED
    assert (rules[2].next_due, rules[2].state) == ("9998-12-15", "active")
    december = open_as(db_path, "alice", datetime(9998, 12, 20, 9, tzinfo=UTC))
    try:
        assert recurrence.run_due(december) == [3]
        assert december.get_action(3).due == "9998-12-15"
        rule = recurrence.get(december, 2)
        assert (rule.next_due, rule.state) == (None, "ended")
        assert "ended: its next date would pass 9998-12-31" in events(december)[-1]["summary"]
        assert recurrence.run_due(december) == []
    finally:
        december.close()


def test_an_after_rule_at_the_last_date_ends_instead(db_path: Path) -> None:
    last = _created_at(db_path, datetime(9998, 12, 31, 9, tzinfo=UTC))
    try:
        with pytest.raises(InvalidInput, match="falls on no date up to 9998-12-31"):
            recurrence.add_repeating_action(last, ActionDraft(title="X"), "after 1 day")
        action = recurrence.add_repeating_action(
            last, ActionDraft(title="X", due="9998-12-31"), "after 1 day"
        )
        last.complete_action(action.id, "abandon")  # done: the next would pass the end
        assert last.counts()["action"] == 1
        rule = recurrence.get(last, 1)
        assert (rule.state, rule.problem) == ("ended", recurrence.ENDED)
    finally:
        last.close()


def test_a_round_of_repeating_work_standardized_schedules_no_audits(store: Store) -> None:
    """A weekly review standardized each round made three audits each time (a tester had
    six after two weeks): the routine is the standard; one-off work still gets its three."""
    from pdca.db import accountability

    action = recurrence.add_repeating_action(
        store, ActionDraft(title="Weekly KPI review", owner="dana"), "week mon"
    )
    store.move_action(action.id, "do")
    store.add_checkin(action.id, CheckinDraft(message="reviewed"))
    store.move_action(action.id, "check")
    store.move_action(action.id, "act", verdict="worked")
    store.complete_action(action.id, "standardize")
    assert accountability.list_followups(store, include_done=True) == []
    once = store.add_action(ActionDraft(title="Fix the pager", owner="dana", due="2026-12-01"))
    store.move_action(once.id, "do")
    store.add_checkin(once.id, CheckinDraft(message="fixed"))
    store.move_action(once.id, "check")
    store.move_action(once.id, "act", verdict="worked")
    store.complete_action(once.id, "standardize")
    assert len(accountability.list_followups(store)) == 3


def test_a_reassign_makes_a_done_rules_next_action_for_the_new_owner(
    store: Store, db_path: Path
) -> None:
    """The rule copies its latest action, owner and all: with dana's latest done, her next
    repeats kept coming to her after ``pdca reassign dana erin`` (a lead's trial)."""
    first = recurrence.add_repeating_action(
        store, ActionDraft(title="Sample tickets", owner="dana"), "week thu"
    )
    store.complete_action(first.id, "abandon")
    handed = store.hand_over("dana", "erin")
    assert (handed.actions, handed.followups) == ([], 0)
    [made] = handed.repeats
    assert instances(store)[-1] == ("2026-12-03", "erin", "alice")
    (rule,) = recurrence.list_rules(store)
    assert (rule.next_due, rule.latest_id, rule.latest_owner) == ("2026-12-10", made, "erin")
    week_on = later(db_path, 17)  # 2026-12-10: the next one copies erin's
    try:
        assert len(recurrence.run_due(week_on)) == 1
        assert instances(week_on)[-1] == ("2026-12-10", "erin", "pdca")
    finally:
        week_on.close()


def test_undoing_the_reassign_takes_the_repeat_made_for_it_back(store: Store) -> None:
    first = recurrence.add_repeating_action(
        store, ActionDraft(title="Sample tickets", owner="dana"), "week thu"
    )
    store.complete_action(first.id, "abandon")
    store.hand_over("dana", "erin")
    store.undo()
    assert instances(store) == [("2026-11-26", "dana", "alice")]
    (rule,) = recurrence.list_rules(store)
    assert rule.next_due == "2026-12-03"


def test_a_rule_whose_latest_is_open_follows_the_handed_action(store: Store) -> None:
    recurrence.add_repeating_action(
        store, ActionDraft(title="Sample tickets", owner="dana"), "week thu"
    )
    handed = store.hand_over("dana", "erin")
    assert (handed.actions, handed.repeats) == ([1], [])
    (rule,) = recurrence.list_rules(store)
    assert (rule.next_due, rule.latest_owner) == ("2026-12-03", "erin")


def test_an_after_rule_restarted_after_its_action_was_done_makes_the_next_one(
    store: Store, db_path: Path
) -> None:
    """The lead stopped it, dana finished its action (nothing made: it was stopped), the lead
    undid the stop: the rule said "ended" and made nothing, for good (a tester). The next
    look makes the next one, N days after that done."""
    recurrence.add_repeating_action(
        store, ActionDraft(title="Tidy backlog", owner="dana"), "after 2 weeks"
    )
    lead = open_as(db_path, "lead")
    try:
        recurrence.stop(lead, 1)
        store.complete_action(1, "abandon")
        assert len(instances(store)) == 1
        lead.undo()  # the stop
    finally:
        lead.close()
    made = recurrence.run_due(store)
    assert len(made) == 1 and instances(store)[-1][:2] == ("2026-12-07", "dana")
    assert recurrence.list_rules(store)[0].state == "active"
    assert recurrence.run_due(store) == []  # once


def test_a_round_is_done_from_plan_with_standardize_and_an_after_rule_goes_on(
    store: Store,
) -> None:
    """A chore is ticked off where it is (two testers: a weekly review took five commands,
    or was abandoned); its "after" rule makes the next round; no follow-up audits; the
    doctor's check finds nothing amiss; a one-off action in Plan is still refused."""
    from pdca.db.row_rules import half_done_actions

    action = recurrence.add_repeating_action(
        store, ActionDraft(title="Rotate keys", owner="dana"), "after 7 days"
    )
    done = store.complete_action(action.id, "standardize")
    assert (done.action.phase, done.action.decision, done.action.verdict) == (
        "plan",
        "standardize",
        None,
    )
    assert [a.title for a in store.list_actions()] == ["Rotate keys"]  # the next round
    assert store.conn.execute("SELECT count(*) FROM followups").fetchone()[0] == 0
    assert half_done_actions(store.conn) == []  # the doctor's check: nothing amiss
    one_off = store.add_action(ActionDraft(title="x"))
    with pytest.raises(GateUnmet, match="abandon works anywhere"):
        store.complete_action(one_off.id, "standardize")


def test_a_standardized_round_asked_for_its_follow_up_says_it_has_none_and_why(
    store: Store,
) -> None:
    """ "only standardized work has" of a standardized repeat read as a contradiction (a
    tester): a round of repeating work has no audits, its routine is the standard."""
    from pdca.db import accountability

    action = recurrence.add_repeating_action(
        store, ActionDraft(title="Sweep", owner="dana"), "week"
    )
    store.complete_action(action.id, "standardize")
    with pytest.raises(GateUnmet, match="is a round of repeating work: it has no follow-up"):
        accountability.due_followup_of(store, action.id)
