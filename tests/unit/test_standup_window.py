"""A recorded stand-up ends where the digest that was shown ends (``Digest.until``), not when
the record was written: a check-in made while "Record this stand-up?" was open, or while
``pdca standup --record --post`` was posting, is shown by the next stand-up, never by none.
(The app's flow: tests/tui/test_standup.py.)"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pdca.db import accountability as acc
from pdca.db.clock import iso
from pdca.db.errors import StandupOvertaken
from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, events, last_event_id, open_as
from tests.unit.test_store import Ticker


def test_a_checkin_between_the_digest_and_the_record_is_in_the_next_standup(
    db_path: Path,
) -> None:
    ticker = Ticker(NOW_DT)
    store = Store.open(db_path, actor="alice", clock=ticker, create=True)
    try:
        action = store.add_action(ActionDraft(title="Pager rota", owner="bob"))
        ticker.advance(hours=1)
        shown = acc.standup_digest(store)
        assert shown.until == iso(NOW_DT + timedelta(hours=1))
        # While the question is open: bob checks in, a minute later.
        bob = open_as(db_path, "bob", NOW_DT + timedelta(hours=1, minutes=1))
        try:
            bob.add_checkin(action.id, CheckinDraft(message="while you were asked"))
        finally:
            bob.close()
        ticker.advance(minutes=2)
        mark = last_event_id(store)
        recorded = acc.record_standup(store, shown.since, ["bob"], shown.until)
        assert (recorded.at, recorded.since) == (shown.until, shown.since)
        # The event row says the same as the row (it is written as before).
        (event,) = events(store, mark)
        assert (event["entity"], event["op"], event["after"]["at"]) == (
            "standup",
            "create",
            shown.until,
        )
        ticker.advance(hours=1)
        following = acc.standup_digest(store)
        assert following.since == shown.until
        assert [(i.kind, i.person) for i in following.items] == [("checkin", "bob")]
    finally:
        store.close()


def test_a_standup_recorded_without_a_digest_ends_now(db_path: Path) -> None:
    ticker = Ticker(NOW_DT)
    store = Store.open(db_path, actor="alice", clock=ticker, create=True)
    try:
        assert acc.record_standup(store, iso(NOW_DT), []).at == iso(NOW_DT)
    finally:
        store.close()


def test_standup_record_on_the_command_line_ends_at_its_digest(
    ok, js, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pdca standup --record``: a check-in written after the digest was read (a slow
    ``--post``, say) and before the record is in the next ``pdca standup``."""
    ok("init")
    ok("add", "Pager rota", "--owner", "bob")
    real = acc.standup_digest
    later = NOW_DT + timedelta(minutes=2)

    def digest_then_a_checkin(store: Store, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown = real(store, *args, **kwargs)
        bob = open_as(db_path, "bob", NOW_DT + timedelta(minutes=1))
        try:
            bob.add_checkin(1, CheckinDraft(message="while it was posted"))
        finally:
            bob.close()
        store.clock = lambda: later  # the record is written two minutes on
        return shown

    monkeypatch.setattr(acc, "standup_digest", digest_then_a_checkin)
    ok("standup", "--record")
    monkeypatch.setattr(acc, "standup_digest", real)
    monkeypatch.setenv("PDCA_NOW", iso(NOW_DT + timedelta(hours=1)))
    following = js("standup", "--format", "json")
    assert following["since"] == iso(NOW_DT)
    assert [(i["kind"], i["person"]) for i in following["items"]] == [("checkin", "bob")]


@pytest.mark.parametrize("late", [True, False])
def test_a_change_in_the_digests_last_second_after_it_was_read_comes_up_next_time(
    db_path: Path, late: bool
) -> None:
    """Times are kept to the second: bob's check-in in the very second the digest was read,
    after the read, was in this window by its time but never shown, and the next window took
    of that second only what came after the record (a reviewer): it was in no stand-up. The
    record ends a second earlier then, and the next stand-up shows that whole second. With
    nothing unseen in it, the record ends at the digest's ``until`` as before."""
    store = Store.open(db_path, actor="alice", clock=lambda: NOW_DT, create=True)
    try:
        action = store.add_action(ActionDraft(title="Pager rota", owner="bob"))
        store.add_checkin(action.id, CheckinDraft(message="shown today"))
        shown = acc.standup_digest(store, iso(NOW_DT - timedelta(hours=1)))
        assert shown.seen_event == last_event_id(store)
        assert [i.kind for i in shown.of("bob")].count("checkin") == 1
        if late:
            bob = open_as(db_path, "bob", NOW_DT)  # the same second, after the read
            try:
                bob.add_checkin(action.id, CheckinDraft(message="after the read"))
            finally:
                bob.close()
        recorded = acc.record_standup(
            store, shown.since, ["bob"], shown.until, seen_event=shown.seen_event
        )
        assert recorded.at == (iso(NOW_DT - timedelta(seconds=1)) if late else shown.until)
        following = acc.standup_digest(store)
        authors = [i.actor for i in following.of("bob") if i.kind == "checkin"]
        assert ("bob" in authors) is late, following.items
    finally:
        store.close()


def test_a_write_that_straddled_the_digests_read_comes_up_next_time(db_path: Path) -> None:
    """A write takes its time when it takes the lock and commits later: one that committed
    after the digest was read carries a time before ``until`` (a reviewer's reassign of
    3 243 actions was in no stand-up). The record ends before its first change."""
    store = Store.open(db_path, actor="alice", clock=lambda: NOW_DT, create=True)
    try:
        action = store.add_action(ActionDraft(title="Pager rota", owner="bob"))
        shown = acc.standup_digest(store, iso(NOW_DT - timedelta(hours=1)))
        bob = open_as(db_path, "bob", NOW_DT - timedelta(seconds=5))  # locked before the read
        try:
            bob.add_checkin(action.id, CheckinDraft(message="committed after the read"))
        finally:
            bob.close()
        recorded = acc.record_standup(
            store, shown.since, ["bob"], shown.until, seen_event=shown.seen_event
        )
        assert recorded.at == iso(NOW_DT - timedelta(seconds=6))
        following = acc.standup_digest(store)
        assert [i.actor for i in following.of("bob") if i.kind == "checkin"] == ["bob"]
    finally:
        store.close()


def test_a_change_in_the_second_of_the_last_standup_after_the_read_refuses_the_record(
    db_path: Path,
) -> None:
    """Two records in one second: the window cannot end before it starts, and a change made
    in that second after the read would be in neither. Refused: read it again."""
    store = Store.open(db_path, actor="alice", clock=lambda: NOW_DT, create=True)
    try:
        action = store.add_action(ActionDraft(title="Pager rota", owner="bob"))
        first = acc.standup_digest(store)
        acc.record_standup(store, first.since, [], first.until, seen_event=first.seen_event)
        shown = acc.standup_digest(store)
        assert shown.since == shown.until == iso(NOW_DT)
        store.add_checkin(action.id, CheckinDraft(message="in that very second"))
        mark = last_event_id(store)
        with pytest.raises(StandupOvertaken, match="read it again"):
            acc.record_standup(store, shown.since, [], shown.until, seen_event=shown.seen_event)
        assert last_event_id(store) == mark  # nothing written
        again = acc.standup_digest(store)
        assert [i.kind for i in again.items] == ["checkin"]
    finally:
        store.close()


def _then_a_checkin(real: Any, db_path: Path, message: str) -> Any:
    """``standup_digest``, then bob's check-in on #1 in the same second, after the read."""

    def digest_then_a_checkin(store: Store, *args: Any, **kwargs: Any) -> Any:
        shown = real(store, *args, **kwargs)
        bob = open_as(db_path, "bob", NOW_DT)
        try:
            bob.add_checkin(1, CheckinDraft(message=message))
        finally:
            bob.close()
        return shown

    return digest_then_a_checkin


def test_a_record_overtaken_in_its_second_exits_for_a_retry_and_the_retry_records_it(
    cli, ok, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cron's ``standup --record`` run in the second of the last record, a check-in
    written after its read: exit 1, mailed as a mistake. 75 (try again), as a lock held past
    the wait; run again, it records, with the check-in in it."""
    ok("init")
    ok("add", "Pager rota", "--owner", "bob")
    ok("standup", "--record")
    real = acc.standup_digest
    monkeypatch.setattr(
        acc, "standup_digest", _then_a_checkin(real, db_path, "in that very second")
    )
    overtaken = cli("standup", "--record", "--format", "text")
    assert overtaken.exit_code == 75, overtaken.stderr
    assert "a change was written while it was read" in overtaken.stderr
    monkeypatch.setattr(acc, "standup_digest", real)
    monkeypatch.setenv("PDCA_NOW", iso(NOW_DT + timedelta(seconds=1)))
    again = ok("standup", "--record", "--format", "text")
    assert "in that very second" in again.stdout and "recorded:" in again.stderr


def test_a_record_that_ends_before_its_digest_says_where_the_next_starts_to_the_second(
    cli, ok, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check-in written in the digest's last second, after its read: the record ends a
    second earlier, and its line said "starts from 09:00" beside the digest's "until
    09:00:00", so a script could not tell what would come again (a stand-up's trial)."""
    ok("init")
    ok("add", "Pager rota", "--owner", "bob")
    monkeypatch.setattr(
        acc, "standup_digest", _then_a_checkin(acc.standup_digest, db_path, "in its last second")
    )
    recorded = ok("standup", "--record", "--format", "text")
    assert recorded.stderr.strip() == (
        "recorded: the next stand-up starts from 2026-11-23 08:59:59 UTC, before this one's"
        " end (09:00:00): changes were written as it was read, so what it showed after"
        " 08:59:59 comes up again"
    )
