"""Stored moments as the app shows them (widgets/when.py)."""

from __future__ import annotations

import time

import pytest

from pdca.widgets.when import short_time


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
