"""Stored moments as the app shows them (widgets/when.py)."""

from __future__ import annotations

import time

import pytest

from pdca.widgets.when import local_minutes, short_time


def test_a_moment_is_shown_on_the_persons_clock_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local and named ("EST"), as the UTC times beside it are named; one the local clock
    cannot hold stays UTC rather than crash the app (a reviewer's year 9999 in Kolkata)."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    try:
        time.tzset()
        assert short_time("2026-11-23T09:00:00Z") == "2026-11-23 14:30 IST"
        assert short_time("2026-11-23T09:00:00") == "2026-11-23 14:30 IST"  # read as UTC
        assert short_time("9999-12-31T23:59:59Z") == "9999-12-31 23:59 UTC"
        assert short_time("not a time") == "not a time" and short_time(None) == ""
        assert short_time("2026-11-23T09:00:07Z", seconds=True) == "2026-11-23 14:30:07 IST"
    finally:
        monkeypatch.undo()  # the TZ this process had, and its clock read again
        time.tzset()


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Nowhere/Bogus", "2026-11-23 09:00 UTC"),  # not a zone: the C library runs it as UTC
        ("Europe/London", "2026-11-23 09:00 GMT"),
        ("Atlantic/Azores", "2026-11-23 08:00 -01"),
        ("UTC", "2026-11-23 09:00 UTC"),
    ],
)
def test_a_tz_that_names_no_zone_is_called_utc(
    monkeypatch: pytest.MonkeyPatch, zone: str, shown: str
) -> None:
    monkeypatch.setenv("TZ", zone)
    try:
        time.tzset()
        assert short_time("2026-11-23T09:00:00Z") == shown
    finally:
        monkeypatch.undo()
        time.tzset()


def test_pdca_s_utc_minutes_in_a_stand_up_line_are_shown_local(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stand-up's header said IST and its alert lines UTC (a tester): its standing alert
    and escalation rows show their deadlines as the header does."""
    from pdca.db.accountability_models import DigestItem, StandingItem
    from pdca.screens.standup import item_row, standing_row

    monkeypatch.setenv("TZ", "Asia/Kolkata")
    try:
        time.tzset()
        assert local_minutes("threshold; acknowledge by 2026-12-04 06:07 UTC") == (
            "threshold; acknowledge by 2026-12-04 11:37 IST"
        )
        waiting = StandingItem(kind="alert", person="bob", title="Test suite time",
                               detail="threshold; acknowledge by 2026-12-04 06:07 UTC")  # fmt: skip
        assert "acknowledge by 2026-12-04 11:37 IST" in "".join(t for t, _ in standing_row(waiting))
        passed = DigestItem(kind="alert-escalated", person="erin", at="2026-12-04T06:07:00Z",
                            actor=None, title="Cost",
                            detail="from bob, not acknowledged by 2026-12-04 06:07 UTC",
                            )  # fmt: skip
        assert "by 2026-12-04 11:37 IST" in "".join(t for t, _ in item_row(passed))
        # an alert log's words too, their ISO made minutes by the stand-up's rules (a tester
        # read UTC under a header in BST)
        from pdca.db.dates import minutes_utc_in

        logged = "the reading that raised it (37 h at 2026-12-04T06:07:30Z) was removed"
        closed = DigestItem(kind="alert-closed", person="erin", at="2026-12-04T06:07:00Z",
                            actor=None, title="Cost", detail=minutes_utc_in(logged))  # fmt: skip
        assert "(37 h at 2026-12-04 11:37 IST)" in "".join(t for t, _ in item_row(closed))
        # a person's own words are theirs: a check-in's message stays as typed
        note = DigestItem(kind="checkin", person="bob", at="2026-12-04T06:07:00Z", actor="bob",
                          title="T",
                          detail="on-track: call at 2026-12-04 06:07 UTC")  # fmt: skip
        assert "2026-12-04 06:07 UTC" in "".join(t for t, _ in item_row(note))
    finally:
        monkeypatch.undo()
        time.tzset()
