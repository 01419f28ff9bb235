"""The flow rules on known histories: stays, moves back, weeks, cadence, late, trend."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pdca.db import flow_rules as fr

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def change(left: str, to: str | None, stay: float, ago: float = 1.0, action: int = 1):
    return fr.PhaseChange(action_id=action, left=left, to=to, stay_days=stay, ago_days=ago)


def open_action(
    id: int, phase: str = "do", in_phase: float = 1.0, owner: str | None = "bob",
    age: float = 30.0, due: str | None = None, title: str = "t",
) -> fr.OpenAction:  # fmt: skip
    return fr.OpenAction(
        id=id, title=title, phase=phase, in_phase_days=in_phase, owner=owner, age_days=age,
        due=due,
    )  # fmt: skip


def done_action(
    id: int, cycle: float, ago: float, decision: str = "standardize", owner: str = "bob",
    due: str | None = None, day: str = "2026-11-20",
) -> fr.DoneAction:  # fmt: skip
    return fr.DoneAction(
        id=id, owner=owner, cycle_days=cycle, done_ago_days=ago, decision=decision, due=due,
        done_day=day,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("share", "shown"),
    [(None, "–"), (0.0, "0%"), (0.004, "<1%"), (0.005, "<1%"), (0.01, "1%"), (0.285, "29%"),
     (0.325, "33%"), (0.625, "63%"), (0.994, ">99%"), (0.995, ">99%"), (0.99, "99%"),
     (1.0, "100%")],
)  # fmt: skip
def test_a_share_that_is_neither_none_nor_all_never_reads_0_or_100_percent(
    share: float | None, shown: str
) -> None:
    """199 late of 200 read "100%", 1 of 200 "0%", and 5 of 8 weeks "62%" (an analyst)."""
    assert fr.percent(share) == shown


@pytest.mark.parametrize(("part", "whole", "shown"), [(1999, 2000, ">99%"), (1, 2001, "<1%")])
def test_a_share_of_a_big_whole_is_never_none_nor_all(part: int, whole: int, shown: str) -> None:
    """The share was rounded to 3 places first: 1 999 of 2 000 read 100% (a retrial)."""
    assert fr.percent(fr.share(part, whole)) == shown
    assert fr.share(0, whole) == 0.0 and fr.share(whole, whole) == 1.0


def test_percentile_interpolates_between_ranks_and_median_halves() -> None:
    assert fr.percentile([], 0.85) is None
    assert fr.percentile([4.0], 0.85) == 4.0
    assert fr.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.85) == 9.5
    assert fr.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.5) == 6.0
    assert fr.median([1.0, 2.0, 10.0, 11.0]) == 6.0
    assert fr.median([]) is None


def test_went_back_is_a_move_to_an_earlier_phase_only() -> None:
    assert fr.went_back(change("check", "do", 1))
    assert fr.went_back(change("act", "plan", 1))
    assert not fr.went_back(change("do", "check", 1))
    assert not fr.went_back(change("act", None, 1))  # done in Act: finished, not back


def test_phase_flow_stays_wip_oldest_and_moves_back() -> None:
    changes = [
        change("plan", "do", 2.0, action=1),
        change("plan", "do", 4.0, action=2),
        change("plan", "do", 12.0, action=3),
        change("do", "check", 5.0, action=1),
        change("check", "do", 1.0, action=1),  # back
        change("act", None, 3.0, action=4),  # done from Act
    ]
    opened = [
        open_action(7, "do", in_phase=3.0),
        open_action(8, "do", in_phase=9.5, title="oldest"),
        open_action(9, "plan", in_phase=0.2),
    ]
    flows = {p.phase: p for p in fr.phase_flow(changes, opened)}
    assert list(flows) == ["plan", "do", "check", "act"]
    plan, do, check, act = flows["plan"], flows["do"], flows["check"], flows["act"]
    assert (plan.stays, plan.median_days, plan.p85_days) == (3, 4.0, 9.6)  # 4 + 0.7 x (12 - 4)
    assert (plan.wip, plan.oldest_id, plan.went_back) == (1, 9, 0)
    assert (do.wip, do.oldest_id, do.oldest_title, do.oldest_days) == (2, 8, "oldest", 9.5)
    assert (do.stays, do.median_days) == (1, 5.0)
    assert (check.stays, check.went_back) == (1, 1)
    assert (act.stays, act.median_days, act.wip, act.oldest_id) == (1, 3.0, 0, None)


def test_phase_flow_of_nothing_says_nothing() -> None:
    flows = fr.phase_flow([], [])
    assert all(p.wip == 0 and p.median_days is None and p.oldest_id is None for p in flows)


@pytest.mark.parametrize(
    ("ago", "index"),
    [
        (0.0, 12),
        (0.5, 12),
        (7.0, 12),
        (7.01, 11),
        (14.0, 11),
        (90.9, 0),
        (91.0, 0),
        (91.01, None),
        (-0.1, None),
    ],
)
def test_week_index_counts_whole_weeks_back_from_now(ago: float, index: int | None) -> None:
    assert fr.week_index(ago, 13) == index


def test_throughput_counts_finished_and_abandoned_per_week() -> None:
    done = [
        done_action(1, cycle=10, ago=1),
        done_action(2, cycle=20, ago=2, decision="adjust"),
        done_action(3, cycle=5, ago=3, decision="abandon"),
        done_action(4, cycle=30, ago=8),
        done_action(5, cycle=30, ago=200),  # outside the window
    ]
    weeks = fr.throughput(done, NOW, 13)
    assert len(weeks) == 13
    assert weeks[0].start == "2026-08-24T09:00:00Z" and weeks[-1].start == "2026-11-16T09:00:00Z"
    assert [(w.finished, w.abandoned) for w in weeks[-2:]] == [(1, 0), (2, 1)]
    assert weeks[-1].median_cycle_days == 15.0
    assert sum(w.finished for w in weeks) == 3


def test_cycle_time_and_its_trend() -> None:
    earlier = [done_action(i, cycle=40, ago=60 + i) for i in range(3)]
    recent = [done_action(10 + i, cycle=20, ago=5 + i) for i in range(3)]
    cycle = fr.cycle_time([*earlier, *recent], 13)
    assert (cycle.count, cycle.median_days) == (6, 30.0)
    assert (cycle.earlier_median_days, cycle.recent_median_days, cycle.trend) == (
        40.0, 20.0, "shorter",
    )  # fmt: skip
    assert fr.cycle_time(recent, 13).trend == "unknown"  # nothing earlier to compare with
    # one against one is too few: it was called "↗ longer" (an analyst)
    assert fr.cycle_time([earlier[0], recent[0]], 13).trend == "unknown"
    abandoned = [done_action(1, cycle=1, ago=1, decision="abandon")]
    assert fr.cycle_time(abandoned, 13).count == 0
    assert fr.cycle_trend(20.0, 10.0) == "longer"
    assert fr.cycle_trend(10.5, 10.0) == "flat"


def test_weeks_kept_counts_whole_weeks_lived_and_those_with_a_check_in() -> None:
    assert fr.weeks_kept(3.0, [1.0], 13) == (0, 0)  # not a whole week old yet
    assert fr.weeks_kept(21.5, [1.0, 2.0, 15.0], 13) == (3, 2)
    assert fr.weeks_kept(400.0, [], 13) == (13, 0)  # the window caps it
    assert fr.weeks_kept(400.0, [1.0, 300.0], 13) == (13, 1)  # one before the window
    # Days back from the start of this calendar week: this week's check-ins are in none of
    # the weeks counted; a week holds its first instant (7 days back is last week's first).
    assert fr.weeks_kept(21.5, [0.0, -3.0], 13) == (3, 0)
    assert fr.weeks_kept(21.5, [7.0, 14.0, 21.0], 13) == (3, 3)
    assert fr.weeks_kept(21.0, [21.0, 21.5], 13) == (3, 1)


def test_the_cadence_weeks_are_calendar_weeks_monday_to_sunday_in_utc() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    monday = datetime(2026, 11, 23, tzinfo=UTC)
    assert fr.cadence_start(datetime(2026, 11, 23, 9, tzinfo=UTC)) == monday
    assert fr.cadence_start(datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC)) == monday
    assert fr.cadence_start(datetime(2026, 11, 30, tzinfo=UTC)) == monday + timedelta(weeks=1)
    # Monday 01:00 in UTC+02:00 is still Sunday in UTC: last week's.
    east = timezone(timedelta(hours=2))
    assert fr.cadence_start(datetime(2026, 11, 30, 1, tzinfo=east)) == monday
    weeks = fr.cadence_weeks(datetime(2026, 11, 25, tzinfo=UTC), 3)
    assert weeks == [monday - timedelta(weeks=k) for k in (3, 2, 1)]


def test_is_late_open_past_due_or_finished_after_it() -> None:
    assert fr.is_late("2026-11-22", None, TODAY)
    assert not fr.is_late("2026-11-23", None, TODAY)  # due today is not late yet
    assert fr.is_late("2026-11-10", "2026-11-11", TODAY)
    assert not fr.is_late("2026-11-10", "2026-11-10", TODAY)
    assert not fr.is_late(None, None, TODAY)


def test_owner_flow_cadence_and_late_share() -> None:
    opened = [
        open_action(1, owner="bob", age=14.5, due="2026-11-01"),  # late
        open_action(2, owner="bob", age=7.5, due="2026-12-01"),
        open_action(3, owner=None, age=50.0),  # nobody's: no row
    ]
    done = [done_action(4, cycle=3, ago=2, owner="carol", due="2026-11-01", day="2026-11-02")]
    checkins = {1: [1.0, 2.0, 9.0], 2: [20.0]}
    rows = {r.login: r for r in fr.owner_flow(opened, done, checkins, TODAY, 13)}
    assert list(rows) == ["bob", "carol"]
    bob = rows["bob"]
    assert (bob.open, bob.weeks_expected, bob.weeks_kept, bob.cadence_kept) == (2, 3, 2, 0.667)
    assert (bob.late, bob.late_of, bob.late_share) == (1, 2, 0.5)
    carol = rows["carol"]
    assert (carol.open, carol.cadence_kept, carol.late_share) == (0, None, 1.0)


def test_late_share_leaves_abandoned_work_out_of_both_parts() -> None:
    # Four actions due 11-10: #1 standardized on the day, #2 a day late, #3 and #4 abandoned.
    done = [
        done_action(1, cycle=5, ago=12.4, due="2026-11-10", day="2026-11-10"),
        done_action(2, cycle=5, ago=12, due="2026-11-10", day="2026-11-11"),
        done_action(3, cycle=5, ago=12, due="2026-11-10", day="2026-11-11", decision="abandon"),
        done_action(4, cycle=5, ago=12, due="2026-11-10", day="2026-11-11", decision="abandon"),
    ]
    (bob,) = fr.owner_flow([], done, {}, TODAY, 13)
    assert (bob.late, bob.late_of, bob.late_share) == (1, 2, 0.5)
    adjusted = [done_action(5, cycle=5, ago=2, due="2026-11-10", decision="adjust")]
    (bob,) = fr.owner_flow([], adjusted, {}, TODAY, 13)
    assert (bob.late, bob.late_of) == (1, 1)  # adjust finished the cycle, late


def test_initiative_flow_counts_decisions_and_follow_ups() -> None:
    outcomes = {
        (1, "standardize"): 1,
        (1, "abandon"): 1,
        (1, "holding"): 1,
        (1, "slipped"): 1,
        (None, "adjust"): 1,
        (2, "waiting"): 1,
    }
    rows = fr.initiative_flow(outcomes, {2: "Beta", 1: "Alpha", 3: "Unused"})
    assert [r.name for r in rows] == ["Beta", "Alpha", "(no initiative)"]
    alpha = rows[1]
    assert (alpha.standardize, alpha.adjust, alpha.abandon) == (1, 0, 1)
    assert (alpha.holding, alpha.slipped, alpha.followups_waiting) == (1, 1, 0)
    assert rows[0].followups_waiting == 1 and rows[2].adjust == 1


def test_words() -> None:
    assert fr.number(None) == "–" and fr.number(7.0) == "7d" and fr.number(7.25) == "7.25d"
    assert fr.percent(0.667) == "67%" and fr.percent(None) == "–"


def test_moved_phases_reads_the_store_s_words() -> None:
    assert fr.moved_phases("moved #12 from do to act (verdict: worked)") == ("do", "act")
    assert fr.moved_phases("moved #3 from check to do") == ("check", "do")
    assert fr.moved_phases("done #3 (abandon)") is None


def test_phase_changes_chains_stays_from_a_start() -> None:
    events = [
        fr.HistoryEvent(1, 10, 30.0, "moved #1 from plan to do"),
        fr.HistoryEvent(2, 11, 25.0, "done #2 (abandon)"),
        fr.HistoryEvent(1, 12, 20.0, "moved #1 from do to check"),
        fr.HistoryEvent(1, 13, 18.0, "moved #1 from check to do"),
        fr.HistoryEvent(1, 14, 4.0, "done #1 (abandon)"),
        fr.HistoryEvent(3, 15, 2.0, "moved #3 from plan to do"),  # no start: left out
    ]
    starts = {1: (None, 35.0), 2: ("plan", 100.0)}
    changes = fr.phase_changes(events, starts)
    assert [(c.action_id, c.left, c.to, c.stay_days) for c in changes] == [
        (1, "plan", "do", 5.0),
        (2, "plan", None, 75.0),
        (1, "do", "check", 10.0),
        (1, "check", "do", 2.0),
        (1, "do", None, 14.0),
    ]


def test_throughput_bars_start_from_zero() -> None:
    assert fr.count_bars([0, 0, 0, 0]) == "▁▁▁▁"  # a quiet window: lowest, not mid-height
    assert fr.count_bars([]) == ""
    assert fr.count_bars([0, 1, 8, 4]) == "▁▂█▅"  # any work at least a step above none
    assert fr.count_bars([3, 3]) == "██"


def test_the_median_and_85th_percentile_of_a_few_ranked_values_are_those_of_all() -> None:
    """db/flow.py asks SQLite for the values at ``quantile_ranks`` only: the figures made of
    them are the very numbers ``median`` and ``percentile`` make of every value (ties, one
    value, even and odd counts, values that round at .x5)."""
    import random

    draw = random.Random(13)
    for count in [*range(1, 40), 101, 1000]:
        for _ in range(5):
            values = [round(draw.uniform(0, 60), draw.choice([0, 2, 9])) for _ in range(count)]
            ordered = sorted(values)
            ranks = fr.quantile_ranks(count)
            assert len(ranks) <= 4 and all(0 <= rank < count for rank in ranks)
            at = {rank: ordered[rank] for rank in ranks}
            assert fr.median_of_ranked(count, at) == fr.median(values)
            assert fr.percentile_of_ranked(count, at, fr.P85) == fr.percentile(values, fr.P85)
    assert fr.quantile_ranks(0) == set() and fr.median_of_ranked(0, {}) is None
    assert fr.percentile_of_ranked(0, {}, fr.P85) is None
