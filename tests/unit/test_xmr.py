"""The XmR chart and the Western Electric rules, as pure functions on known series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdca.db import xmr

START = datetime(2026, 1, 1, 9, tzinfo=UTC)


def series(values: list[float], *, step_days: list[int] | None = None) -> list[tuple[str, float]]:
    at, out = START, []
    for i, v in enumerate(values):
        out.append((at.strftime("%Y-%m-%dT%H:%M:%SZ"), v))
        at += timedelta(days=(step_days[i] if step_days else 1))
    return out


# A baseline alternating 11, 9: centre 10, every moving range 2, so mR̄ 2, sigma 2/1.128.
BASE = [11.0, 9.0] * 10  # ends below the centre, so a run above starts after it
SIGMA = 2 / 1.128


def test_limits_from_the_baseline() -> None:
    c = xmr.chart(series(BASE + [50.0]))
    assert c is not None
    assert c.centre == pytest.approx(10)
    assert c.mr_bar == pytest.approx(2)
    assert c.upper == pytest.approx(10 + 2.66 * 2)
    assert c.lower == pytest.approx(10 - 2.66 * 2)
    assert c.url == pytest.approx(3.268 * 2)  # Wheeler's D4 for ranges of two
    assert c.sigma == pytest.approx(SIGMA)
    assert c.baseline == (0, 20)  # the reading of 50 is not in the baseline
    assert len(c.points) == 21


def test_baseline_slice_is_settable() -> None:
    c = xmr.chart(series([100.0] * 5 + BASE), baseline=(5, 25))
    assert c is not None and c.centre == pytest.approx(10)


def test_too_few_readings_give_no_chart_and_no_signals() -> None:
    assert xmr.chart(series([1.0, 2.0, 3.0])) is None
    assert xmr.chart([]) is None
    assert xmr.signals(None) == []
    assert xmr.active(None, "up") == []


def test_zero_variation_any_other_reading_is_beyond_the_limits() -> None:
    c = xmr.chart(series([5.0] * 20 + [6.0] * 8))
    assert c is not None and c.sigma == 0 and c.lower == c.upper == 5.0
    found = xmr.signals(c)
    assert {s.rule_id for s in found} == {"we1", "we4"}  # the sigma zones add nothing
    (run,) = [s for s in found if s.rule_id == "we4"]
    assert run.rule_text == "8 readings in a row above the centre line"
    # one reading a tenth off a flat baseline is a signal, not routine variation
    flat = xmr.chart(series([10.0] * 20 + [10.1]))
    assert flat is not None
    assert [(s.rule_id, s.side) for s in xmr.signals(flat)] == [("we1", "up")]
    assert [s.rule_id for s in xmr.active(flat, "down")] == ["we1"]
    assert xmr.active(flat, "up") == []
    # on the centre line: nothing
    assert xmr.signals(xmr.chart(series([10.0] * 21))) == []


def test_we1_beyond_a_limit() -> None:
    c = xmr.chart(series(BASE + [10.0, 16.0, 10.0, 3.0]))
    assert c is not None
    found = xmr.beyond_limits(c.values, c)
    assert [(d.index, d.side) for d in found] == [(21, "up"), (23, "down")]
    # exactly on the limit is not beyond it
    on = xmr.chart(series(BASE + [10 + 2.66 * 2]))
    assert on is not None and xmr.beyond_limits(on.values, on) == []


def test_we2_two_of_three_beyond_two_sigma() -> None:
    two = 10 + 2.2 * SIGMA
    c = xmr.chart(series(BASE + [two, 10.0, two]))
    assert c is not None
    found = xmr.two_of_three(c.values, c)
    assert [(d.index, d.indexes, d.side) for d in found] == [(22, (20, 22), "up")]
    # two beyond on opposite sides are no signal
    mixed = xmr.chart(series(BASE + [two, 20 - two]))
    assert mixed is not None and xmr.two_of_three(mixed.values, mixed) == []


def test_we3_four_of_five_beyond_one_sigma() -> None:
    one = 10 - 1.3 * SIGMA
    c = xmr.chart(series(BASE + [one, one, 10.5, one, one]))
    assert c is not None
    found = xmr.four_of_five(c.values, c)
    assert [(d.index, d.side) for d in found] == [(24, "down")]
    three = xmr.chart(series(BASE + [one, one, 10.5, one, 10.5]))
    assert three is not None and xmr.four_of_five(three.values, three) == []


def test_we4_eight_in_a_row_and_the_centre_breaks_it() -> None:
    c = xmr.chart(series(BASE + [10.5] * 7 + [10.0] + [10.5] * 8))
    assert c is not None
    found = xmr.run_one_side(c.values, c)
    assert [d.index for d in found] == [35]  # the first seven are broken by one on the line
    assert found[0].indexes == tuple(range(28, 36))


def test_we5_six_rising_and_a_tie_breaks_it() -> None:
    c = xmr.chart(series(BASE + [9.0, 9.2, 9.4, 9.4, 9.6, 9.8, 10.0, 10.2, 10.4]))
    assert c is not None
    found = xmr.trend(c.values, c)
    assert [(d.index, d.side) for d in found] == [(28, "up")]
    falling = xmr.chart(series(BASE + [11.0, 10.8, 10.6, 10.4, 10.2, 10.0]))
    assert falling is not None
    assert [(d.index, d.side) for d in xmr.trend(falling.values, falling)] == [(25, "down")]


def test_gaps_in_time_do_not_break_a_run() -> None:
    values = BASE + [10.5] * 8
    steps = [1] * 20 + [1, 5, 1, 9, 1, 1, 30, 1]
    c = xmr.chart(series(values, step_days=steps))
    assert c is not None
    assert [s.rule_id for s in xmr.signals(c)] == ["we4"]


def test_overlapping_detections_are_one_signal() -> None:
    c = xmr.chart(series(BASE + [10.5] * 12))
    assert c is not None
    (signal,) = [s for s in xmr.signals(c) if s.rule_id == "we4"]
    assert signal.indexes == tuple(range(20, 32))
    assert signal.first_at < signal.at
    assert signal.last_index == 31


def test_active_is_direction_aware() -> None:
    c = xmr.chart(series(BASE + [10.5] * 8))
    # higher is better: eight above the centre is good news, no alert
    assert xmr.active(c, "up") == []
    (bad,) = xmr.active(c, "down")
    assert bad.rule_id == "we4" and bad.side == "up"


def test_active_only_at_the_latest_reading_and_quiet_since() -> None:
    c = xmr.chart(series(BASE + [10.5] * 8 + [9.5, 9.7]))
    assert c is not None
    assert xmr.active(c, "down") == []  # the run ended two readings ago
    assert xmr.quiet_since(c, "we4", "up") == 2
    assert xmr.quiet_since(c, "we1", "up") == len(c.points)


def test_the_baseline_alone_is_routine() -> None:
    assert xmr.signals(xmr.chart(series(BASE))) == []


@given(
    st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=6, max_size=60),
    st.floats(min_value=-1e6, max_value=1e6),
)
def test_limits_are_symmetric_and_signals_point_inside(values: list[float], shift: float) -> None:
    c = xmr.chart(series(values))
    assert c is not None
    assert c.lower <= c.centre <= c.upper
    assert c.upper - c.centre == pytest.approx(c.centre - c.lower, abs=1e-6)
    moved = xmr.chart(series([v + shift for v in values]))
    assert moved is not None
    assert moved.mr_bar == pytest.approx(c.mr_bar, rel=1e-6, abs=1e-3)  # shift-invariant
    for s in xmr.signals(c):
        assert all(0 <= i < len(values) for i in s.indexes)
        assert s.side in ("up", "down")


def test_shift_since_tells_a_sustained_shift_down() -> None:
    values = BASE + [7.0] * 9
    readings = series(values)
    do_at = readings[20][0]
    shift = xmr.shift_since(readings, do_at, "down")
    assert shift.shifted and shift.good_run == 9 and shift.settled
    words = xmr.shift_words("Lead time", 14, shift, "down")
    assert words == (
        "Lead time: shifted down since #14 entered Do, 9 readings in a row below the old centre"
        " line (10)"
    )
    assert shift.after is not None and shift.after.centre == pytest.approx(7)


def test_shift_since_says_so_when_absent_or_early() -> None:
    readings = series(BASE + [9.0, 11.0] * 5)
    shift = xmr.shift_since(readings, readings[20][0], "down")
    assert not shift.shifted and not shift.worse
    assert "no sustained shift since #3 entered Do (5 of 10 readings below" in xmr.shift_words(
        "Lead time", 3, shift, "down"
    )
    early = series(BASE + [7.0] * 3)
    words = xmr.shift_words("Lead time", 3, xmr.shift_since(early, early[20][0], "down"), "down")
    assert "only 3 readings since #3 entered Do: too early to tell" in words
    for after, said in ((1, "only 1 reading since"), (0, "no readings since")):  # a tester
        early = series(BASE + [7.0] * after)
        start = early[20][0] if after else "2099-01-01T00:00:00Z"
        shift = xmr.shift_since(early, start, "down")
        assert said in xmr.shift_words("Lead time", 3, shift, "down")
    none = series([7.0] * 3)
    assert "too few readings before #3" in xmr.shift_words(
        "X", 3, xmr.shift_since(none, none[0][0], "up"), "up"
    )


@given(
    st.lists(st.integers(min_value=0, max_value=6).map(float), min_size=6, max_size=50),
    st.sampled_from(["up", "down"]),
)
def test_active_on_the_tail_agrees_with_every_signal(values: list[float], direction: str) -> None:
    """``active`` looks at the last eight readings only; it must say what the whole chart says."""
    c = xmr.chart(series(values), baseline=(0, 6))
    assert c is not None
    bad = xmr.bad_side(direction)  # type: ignore[arg-type]
    last = len(values) - 1
    whole = {s.rule_id for s in xmr.signals(c) if s.side == bad and s.last_index == last}
    assert {s.rule_id for s in xmr.active(c, direction)} == whole  # type: ignore[arg-type]


def test_first_at_is_the_first_reading_of_the_run_the_same_in_signals_and_active() -> None:
    # nine readings above the centre line: the run (and the signal) starts at the first
    c = xmr.chart(series(BASE + [10.5] * 9))
    assert c is not None
    (whole,) = [s for s in xmr.signals(c) if s.rule_id == "we4"]
    assert whole.indexes == tuple(range(20, 29))
    assert whole.first_at == c.points[20][0]
    (now,) = [s for s in xmr.active(c, "down") if s.rule_id == "we4"]
    assert now.indexes == whole.indexes
    assert (now.first_at, now.at) == (whole.first_at, whole.at)


def test_the_detail_lists_every_rule_where_a_column_gives_the_strongest_and_a_count() -> None:
    """ "beyond a limit +1" in a KPI's detail could not be read (a tester): there is room."""
    assert xmr.short(["we5", "we1"]) == "beyond a limit +1"
    assert xmr.listed(["we5", "we1", "we5"]) == "beyond a limit, 6 in a trend"
    assert xmr.listed([]) == ""


def test_the_last_sustained_run_tells_which_way_it_went() -> None:
    """7 good readings since Do, 10 worse (a bad December), then 5 good, the best on
    record: the verdict line said "shifted up (worse) ...: no improvement" (a lead's trial).
    The last run of 8 tells the way, and the words say what came after it."""
    readings = series(BASE + [7.0] * 7 + [13.0] * 10 + [6.0] * 5)
    shift = xmr.shift_since(readings, readings[20][0], "down")
    assert shift.worse and not shift.shifted
    assert (shift.bad_run, shift.after_run, shift.after_good) == (10, 5, 5)
    assert xmr.shift_words("Lead time", 19, shift, "down") == (
        "Lead time: shifted up (worse) for 10 readings since #19 entered Do, then 5 of the 5"
        " since below it (the old centre line (10)): no sustained improvement yet"
    )
    # a shift held for 10 readings, then lost for 9: worse now, not "shifted down"
    lost = series(BASE + [7.0] * 10 + [13.0] * 9)
    shift = xmr.shift_since(lost, lost[20][0], "down")
    assert shift.worse and not shift.shifted and shift.after_run == 0
    assert xmr.shift_words("Lead time", 19, shift, "down").endswith(
        "(worse) since #19 entered Do: no improvement"
    )
    # a shift still the last run, with a few readings after it that are not
    held = series(BASE + [7.0] * 9 + [13.0, 7.0, 13.0])
    shift = xmr.shift_since(held, held[20][0], "down")
    assert shift.shifted and shift.good_run == 9
    assert xmr.shift_words("Lead time", 14, shift, "down").endswith(
        "9 readings in a row below the old centre line (10), then 1 of the 3 since below it"
    )


def test_too_few_readings_still_says_the_means_and_how_many_are_needed() -> None:
    """A weekly KPI never had six readings before Do within a quarter: every verdict said
    only "too few readings" (a lead's quarter). The means are all a lead has then."""
    few = series([30.0, 32.0, 34.0, 28.0, 26.0])  # three before Do, two since
    words = xmr.shift_words("Lead time", 3, xmr.shift_since(few, few[3][0], "down"), "down")
    assert (
        "too few readings before #3 entered Do to tell whether it moved the KPI (3 readings"
        " of the 6 needed before it)" in words
    )
    assert words.endswith("; the means so far: 32 before, 27 since (lower is better)")
    early = series(BASE + [7.0, 9.0])
    words = xmr.shift_words("Lead time", 3, xmr.shift_since(early, early[20][0], "up"), "up")
    assert "only 2 readings since #3 entered Do: too early to tell (8 needed)" in words
    mean = sum(BASE) / len(BASE)
    assert words.endswith(f"; the means so far: {mean:.4g} before, 8 since (higher is better)")
    none = series([7.0, 8.0])
    words = xmr.shift_words("X", 3, xmr.shift_since(none, "2099-01-01T00:00:00Z", "up"), "up")
    assert words.endswith(
        "(2 readings of the 6 needed before it)"
    )  # nothing since: no means to set beside
