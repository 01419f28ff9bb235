"""A board's presence row is its own by all it was written with, not its id alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pdca.db.presence import Presence
from tests.conftest import NOW_DT, open_as


def _rows(path: Path) -> list[tuple[object, ...]]:
    reader = open_as(path, "reader", NOW_DT)
    try:
        return [
            tuple(row)
            for row in reader.conn.execute("SELECT id, login, pid, seen_at FROM sessions")
        ]
    finally:
        reader.close()


def test_a_board_swept_while_paused_comes_back_as_itself_not_into_the_next_ones_row(
    store, db_path: Path
) -> None:
    """ben's board paused over a day; ann's board then swept his row and was given its id.
    His next beat wrote into ann's row, he was never listed again, and an alert's terminal
    notice for him was skipped as "not logged in" (a lead's trial). His quit would have
    deleted her row."""
    ben = open_as(db_path, "ben", NOW_DT)
    ann = open_as(db_path, "ann", NOW_DT + timedelta(days=2))
    try:
        his = Presence(ben, host="vm", pid=101)
        his.join()
        hers = Presence(ann, host="vm", pid=202)
        hers.join()  # sweeps his row, a day old by her clock
        assert hers.session_id == his.session_id  # the id given again
        his.beat()
        assert sorted(row[1:3] for row in _rows(db_path)) == [("ann", 202), ("ben", 101)]
        hers_now = [row for row in _rows(db_path) if row[1] == "ann"]
        assert hers_now[0][3] == "2026-11-25T09:00:00Z"  # her row as she wrote it
        his.leave()
        assert [row[1:3] for row in _rows(db_path)] == [("ann", 202)]
        hers.leave()
        assert _rows(db_path) == []
    finally:
        ben.close()
        ann.close()


_SUSPENDED_BOARD = """
import os, socket, sys
from datetime import datetime
from pathlib import Path
from pdca.db.presence import Presence
from pdca.db.store import Store
now = datetime.fromisoformat(sys.argv[2])
store = Store.open(Path(sys.argv[1]), actor="ben", clock=lambda: now)
Presence(store, host=socket.gethostname(), pid=os.getpid()).join()
print("joined", flush=True)
sys.stdin.readline()
"""


def test_a_board_suspended_on_this_machine_still_counts_as_open(store, db_path: Path) -> None:
    """ben's board, stopped with ctrl+z, beats no more but keeps the file open: it left
    ann's header after 30 s, and a restore refused for it could not name it (a trial). A
    stopped process of this machine that holds the file counts, however old its beat; once
    it runs again, its beat is what tells."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    from pdca.db.filesystem import filesystem_of
    from pdca.db.presence import boards_open
    from pdca.db.restore import _others

    board = subprocess.Popen(
        [sys.executable, "-c", _SUSPENDED_BOARD, str(db_path), NOW_DT.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    later = NOW_DT + timedelta(minutes=5)  # its beat long stale by ann's clock
    ann = open_as(db_path, "ann", later)
    try:
        assert board.stdout is not None and board.stdout.readline().strip() == "joined"
        assert "ben" not in boards_open(ann)  # running, its beat stale: gone
        os.kill(board.pid, signal.SIGSTOP)
        # the stop is delivered a moment later: waited for (a CI run read it still running)
        os.waitpid(board.pid, os.WUNTRACED)
        try:
            assert "ben" in boards_open(ann)
            assert any(who.startswith("ben on ") for who in _others(
                db_path, filesystem_of(db_path), later
            ))  # fmt: skip
            # stopped overnight: carl's board, opened two days on, sweeps what is a day old,
            # not this board (a review: swept, it was named nowhere again)
            days_on = open_as(db_path, "carl", NOW_DT + timedelta(days=2))
            try:
                Presence(days_on, host=socket.gethostname(), pid=os.getpid()).join()
                assert {"ben", "carl"} <= boards_open(days_on)
            finally:
                days_on.close()
        finally:
            os.kill(board.pid, signal.SIGCONT)
            os.waitpid(board.pid, os.WCONTINUED)
        assert "ben" not in boards_open(ann)
    finally:
        ann.close()
        board.communicate("\n", timeout=30)
