"""First paint of the owners, log and stand-up views on the large database, against an empty
Textual app in the same run (the board's method: bench/board.py).

    python bench/views.py [--runs 5] [--db large.db]

Each view runs as a fresh process that opens straight on that view (interpreter start,
imports, opening the file, the view's reads, the first full render), headless at 120x40.
Prints medians and ratios against the target (2x the empty app). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from board import NOW, child_empty  # noqa: E402

VIEWS = ("owners", "log", "standup")


def child_view(db: str, mode: str) -> None:
    from db.clock import clock_from_env
    from screens.log import LogScreen
    from screens.owners import OwnersScreen
    from screens.standup import StandupScreen
    from tui.app import PdcaApp, create_app

    screens = {"owners": OwnersScreen, "log": LogScreen, "standup": StandupScreen}

    class Timed(screens[mode]):  # type: ignore[misc, valid-type]
        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            print("painted", flush=True)
            self.app.exit()

    class TimedApp(PdcaApp):
        MODES = {**PdcaApp.MODES, mode: Timed}
        DEFAULT_MODE = mode

    app = create_app(Path(db), actor="alice", clock=clock_from_env(os.environ), presence=False)
    TimedApp(app.context, presence=False).run(headless=True, size=(120, 40))


def first_paint_ms(args: list[str], env: dict[str, str]) -> float:
    """Start this script as a child with ``args``; milliseconds until it says it painted."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = (time.perf_counter() - start) * 1000
    process.wait(timeout=60)
    if line.strip() != "painted":
        raise SystemExit(f"bench: {args} did not paint (exit {process.returncode})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="an existing large database (copied, not changed)")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pdca-bench-views-"))
    env = {**os.environ, "PDCA_USER": "alice", "PDCA_NOW": NOW, "PYTHONPATH": str(REPO)}
    env["XDG_CONFIG_HOME"] = str(folder / "config")
    db = folder / "large.db"
    try:
        if options.db:
            shutil.copy(options.db, db)
        else:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "tui", "--db", str(db), "seed", "--size", "large"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            print(f"seeded the large database in {time.perf_counter() - start:.1f} s")
        times: dict[str, list[float]] = {"empty": [], **{view: [] for view in VIEWS}}
        for _ in range(options.runs):  # interleaved, so all see the same machine
            times["empty"].append(first_paint_ms(["--child-empty"], env))
            for view in VIEWS:
                times[view].append(first_paint_ms(["--child-view", str(db), view], env))
        empty = statistics.median(times["empty"])
        print(f"\nfirst paint, median of {options.runs} fresh processes (120x40, headless)")
        print(f"  empty one-widget Textual app  {empty:7.0f} ms")
        for view in VIEWS:
            median = statistics.median(times[view])
            print(f"  {view:<8} on the large file    {median:7.0f} ms  ratio {median / empty:5.2f}"
                  "  (target <= 2.00)")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-empty":
        child_empty()
    elif len(sys.argv) > 3 and sys.argv[1] == "--child-view":
        child_view(sys.argv[2], sys.argv[3])
    else:
        main()
