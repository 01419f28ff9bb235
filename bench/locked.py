"""Keys while another process holds the write lock: the board never freezes.

    python bench/locked.py [--db large.db] [--hold 5]

Another process takes the file's write lock (``BEGIN IMMEDIATE``) and keeps it ``--hold``
seconds. Meanwhile, on the board (in this process, headless, 120x40), a card is moved back
with ``<`` (that write waits for the lock on the writer thread), and ``j``/``k`` are pressed
over and over. Prints the median and worst key-to-repaint while the lock is held, whether
"saving…" showed, and how long after the lock was released the move landed. Figures, not
assertions.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.paint import large_database, options, recorded_repaints

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
print("released", flush=True)
"""


async def measure(db: Path, hold: float) -> dict[str, object]:
    from pdca.db.clock import clock_from_env
    from pdca.screens.board import BoardScreen
    from pdca.tui.app import create_app
    from pdca.widgets.status_bar import StatusBar

    app = create_app(db, actor="alice", clock=clock_from_env(os.environ), presence=False)
    latencies: list[float] = []
    saving_seen = False
    with recorded_repaints() as drawn:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("l")  # Do
            await pilot.pause()
            board = app.screen
            assert isinstance(board, BoardScreen)
            target = board.current
            assert target is not None
            holder = subprocess.Popen(
                [sys.executable, "-c", HOLDER, str(db), str(hold)],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            locked_at = time.perf_counter()
            await pilot.press("less_than_sign")  # the write waits for the lock
            while time.perf_counter() - locked_at < hold - 0.2:
                drawn.clear()
                start = time.perf_counter()
                await pilot.press("j" if len(latencies) % 2 == 0 else "k")
                await pilot.pause()
                if drawn:
                    latencies.append((max(drawn) - start) * 1000)
                saving_seen = saving_seen or app.screen.query_one(StatusBar).saving
                await asyncio.sleep(0.05)
            holder.wait()
            released_at = time.perf_counter()
            while app.context.store.get_action(target.id).phase == "do":
                await asyncio.sleep(0.005)
            landed = time.perf_counter() - released_at
            await app.workers.wait_for_complete()
    return {"latencies": latencies, "saving": saving_seen, "landed": landed}


def main() -> None:
    hold = 5.0
    if "--hold" in sys.argv:
        at = sys.argv.index("--hold")
        hold = float(sys.argv[at + 1])
        del sys.argv[at : at + 2]
    chosen = options(__doc__ or "", runs=1)
    with large_database(chosen.db) as (db, env):
        os.environ.update(env)
        result = asyncio.run(measure(db, hold))
    values: list[float] = result["latencies"]  # type: ignore[assignment]
    print(f"\nanother process held the write lock {hold:.1f} s; a move waited for it")
    print(f"  j/k presses meanwhile      {len(values)}")
    print(f"  key to repaint, median     {statistics.median(values):6.1f} ms")
    print(f"  key to repaint, worst      {max(values):6.1f} ms  (target: never frozen)")
    print(f"  'saving…' shown            {'yes' if result['saving'] else 'no'}")
    print(f"  the move landed            {result['landed'] * 1000:6.1f} ms after the release")


if __name__ == "__main__":
    main()
