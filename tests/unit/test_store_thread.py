"""The app's writer thread: a write waits for another process's lock from when it was asked."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pdca.db import connection
from pdca.db.store import Store
from pdca.db.store_thread import StoreThread
from tests.conftest import open_as


def _busy_timeout_ms(store: Store) -> int:
    return int(store.conn.execute("PRAGMA busy_timeout").fetchone()[0])


def test_a_write_queued_behind_another_waits_only_what_is_left_of_its_own_wait(
    store: Store, db_path: Path
) -> None:
    """Three saves made during one long lock gave up 10, 20 and 30 s after they were asked,
    each saying "stayed busy for 10 s" (a tester): each wait now counts from its asking."""
    writer = StoreThread(lambda: open_as(db_path, "alice"))
    try:
        first = writer.submit(lambda s: time.sleep(0.3) or _busy_timeout_ms(s))
        second = writer.submit(_busy_timeout_ms)  # asked now, run once the first is done
        whole = int(connection.BUSY_TIMEOUT_SECONDS * 1000)
        assert whole - 50 <= first.result() <= whole
        assert second.result() <= whole - 300  # it had waited 0.3 s in the queue already
        time.sleep(0.05)
        assert writer.submit(_busy_timeout_ms).result() >= whole - 50  # a fresh one: all of it
    finally:
        writer.close()


def test_a_write_whose_wait_ran_out_in_the_queue_still_waits_a_moment(
    store: Store, db_path: Path, monkeypatch
) -> None:
    """Queued past its whole wait behind a slow write of ours, it met another board's commit
    of a moment with no wait at all, and failed (a reviewer): it waits a second at least."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.2)
    writer = StoreThread(lambda: open_as(db_path, "alice"))
    try:
        writer.submit(lambda s: time.sleep(0.3))
        assert writer.submit(_busy_timeout_ms).result() == 1000
    finally:
        writer.close()


def test_a_write_refused_as_read_only_is_tried_once_more_on_a_fresh_connection(
    store: Store, db_path: Path
) -> None:
    """SQLite keeps what it found at open: a board opened while the -shm was not the group's
    refused every write after the modes were fixed, naming modes that were all right (a
    tester). The writer opens the file again, once, and the write goes in."""
    from pdca.db.errors import ReadOnlyDatabase
    from pdca.db.models import ActionDraft

    opened: list[Store] = []

    def opener() -> Store:
        opened.append(open_as(db_path, "alice"))
        return opened[-1]

    def add(s: Store) -> int:
        if s is opened[0]:  # the connection as it was opened: refused
            raise ReadOnlyDatabase("pdca.db cannot be written: ...; nothing written")
        return s.add_action(ActionDraft(title="after the modes were fixed")).id

    writer = StoreThread(opener)
    try:
        assert writer.submit(add).result() == 1
        assert len(opened) == 2

        def refused(s: Store) -> None:
            raise ReadOnlyDatabase("still read-only")

        with pytest.raises(ReadOnlyDatabase):  # a file still read-only is said so
            writer.submit(refused).result()
        assert len(opened) == 3  # once more each time, never in a loop
    finally:
        writer.close()
    assert [a.title for a in store.list_actions()] == ["after the modes were fixed"]
