"""First paint of the owners, log and stand-up views on the large database, against an empty
Textual app in the same run (the board's method: bench/board.py).

    python bench/views.py [--runs 5] [--db large.db]

Each view runs as a fresh process that opens straight on that view (interpreter start,
imports, opening the file, the view's reads, the first full render), headless at 120x40.
Prints medians and ratios against the target (2x the empty app). Figures, not assertions.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.paint import child_empty, child_view, first_paint_ms, large_database, options  # noqa: E402

VIEWS = ("owners", "log", "standup")


def child_named_view(db: str, mode: str) -> None:
    from pdca.screens.log import LogScreen
    from pdca.screens.owners import OwnersScreen
    from pdca.screens.standup import StandupScreen

    screens = {"owners": OwnersScreen, "log": LogScreen, "standup": StandupScreen}
    child_view(db, mode, screens[mode])


def main() -> None:
    chosen = options(__doc__ or "", runs=5)
    with large_database(chosen.db) as (db, env):
        times: dict[str, list[float]] = {"empty": [], **{view: [] for view in VIEWS}}
        for _ in range(chosen.runs):  # interleaved, so all see the same machine
            times["empty"].append(first_paint_ms(__file__, ["--child-empty"], env))
            for view in VIEWS:
                args = ["--child-view", str(db), view]
                times[view].append(first_paint_ms(__file__, args, env))
        empty = statistics.median(times["empty"])
        print(f"\nfirst paint, median of {chosen.runs} fresh processes (120x40, headless)")
        print(f"  empty one-widget Textual app  {empty:7.0f} ms")
        for view in VIEWS:
            median = statistics.median(times[view])
            print(f"  {view:<8} on the large file    {median:7.0f} ms  ratio {median / empty:5.2f}"
                  "  (target <= 2.00)")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-empty":
        child_empty()
    elif len(sys.argv) > 3 and sys.argv[1] == "--child-view":
        child_named_view(sys.argv[2], sys.argv[3])
    else:
        main()
