"""Writers killed with SIGKILL in the middle of their work: every commit they announced survives.

Each writer prints an action's id only after its transaction committed, so whatever it printed
before the kill must be in the file, and the file must open cleanly for the next person.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path
from typing import IO

from pdca.db.store import Store
from tests.conftest import NOW_DT
from tests.integration.support import start_worker

ROUNDS = 25
WRITERS_PER_ROUND = 2
SEED = 20261123


def _announced(output: str) -> dict[int, str]:
    """The ``id title`` lines a writer finished printing (a cut-off last line is ignored)."""
    lines = output.split("\n")[:-1]  # the part after the last newline was never finished
    return {int(number): title for number, title in (line.split(" ", 1) for line in lines)}


def _stdout(process: subprocess.Popen[str]) -> IO[str]:
    assert process.stdout is not None
    return process.stdout


def test_killed_writers_lose_no_announced_commit(tmp_path: Path) -> None:
    path = tmp_path / "pdca.db"
    Store.open(path, actor="setup", clock=lambda: NOW_DT, create=True).close()
    rng = random.Random(SEED)
    promised: dict[int, str] = {}
    for round_number in range(ROUNDS):
        writers = [
            start_worker(
                {
                    "job": "crash_writer",
                    "db": str(path),
                    "actor": f"writer{n}",
                    "prefix": f"r{round_number}w{n}",
                    "go": str(tmp_path / f"go-{round_number}"),
                }
            )
            for n in range(WRITERS_PER_ROUND)
        ]
        try:
            # Wait until each has committed once (then it waits for go), let them all write
            # at full speed together, and kill them mid-stream.
            firsts = [_stdout(writer).readline() for writer in writers]
            for writer, first in zip(writers, firsts, strict=True):
                assert first.endswith("\n"), writer.communicate()[1][-2000:]
            (tmp_path / f"go-{round_number}").touch()
            time.sleep(rng.uniform(0.0, 0.05))
            for writer in writers:
                writer.send_signal(signal.SIGKILL)
        finally:
            for writer in writers:
                writer.kill()
        for writer, first in zip(writers, firsts, strict=True):
            # Read through the same buffered stream readline() used: communicate() would
            # skip whatever that stream had already buffered.
            rest = _stdout(writer).read()
            err = writer.stderr.read() if writer.stderr else ""
            writer.wait()
            assert writer.returncode == -signal.SIGKILL, err[-2000:]
            promised.update(_announced(first + rest))

        store = Store.open(path, actor="checker", clock=lambda: NOW_DT)
        try:
            conn = store.conn
            context = f"round {round_number} (seed {SEED})"
            assert [row[0] for row in conn.execute("PRAGMA integrity_check")] == ["ok"], context
            stored = dict(conn.execute("SELECT id, title FROM actions").fetchall())
            missing = {i: t for i, t in promised.items() if stored.get(i) != t}
            assert not missing, f"{context}: {len(missing)} lost, {sorted(missing.items())[:5]}"
            # No half-written transaction: every action has its one event and nothing more.
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            assert events == len(stored), context
        finally:
            store.close()
    assert len(promised) >= ROUNDS * WRITERS_PER_ROUND
