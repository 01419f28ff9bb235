"""How fast the KPIs view paints on 200 KPIs with a year of daily readings each, against an
empty Textual app in the same run.

    python bench/kpis.py [--runs 7] [--db large.db]

Each app runs as a fresh process (interpreter start, imports, opening the file, reading every
KPI's recent readings in one query, composing, the first full render), headless at 120x40,
and reports when its first screen has been painted. Prints medians and the ratio against the
board's budget (2x the empty app). Figures, not assertions.
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

from bench.board import NOW, child_empty, first_paint_ms  # noqa: E402


def child_kpis(db: str) -> None:
    from db.clock import clock_from_env
    from screens.kpis import KpisScreen
    from tui.app import PdcaApp, create_app

    class TimedKpis(KpisScreen):
        def on_mount(self) -> None:
            # Textual runs KpisScreen.on_mount too (handlers run up the class tree).
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            rows = len(self.table.rows)
            print("painted" if rows else "empty", flush=True)
            self.app.exit()

    class TimedApp(PdcaApp):
        MODES = {"kpis": TimedKpis}
        DEFAULT_MODE = "kpis"

    app = create_app(Path(db), actor="alice", clock=clock_from_env(os.environ), presence=False)
    timed = TimedApp(app.context, presence=False, watch_changes=False)
    timed.run(headless=True, size=(120, 40))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing large database (copied, not changed)")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pdca-bench-kpis-"))
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
                env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            print(f"seeded the large database in {time.perf_counter() - start:.1f} s")
        empty, kpis = [], []
        for _ in range(options.runs):  # interleaved, so both see the same machine
            empty.append(first_paint_ms(["--child-empty"], env, script=__file__))
            kpis.append(first_paint_ms(["--child-kpis", str(db)], env, script=__file__))
        empty_ms, kpis_ms = statistics.median(empty), statistics.median(kpis)
        print(f"\nfirst paint, median of {options.runs} fresh processes (120x40, headless)")
        print(f"  empty one-widget Textual app        {empty_ms:7.0f} ms")
        print(f"  KPIs view, 200 KPIs x 365 readings  {kpis_ms:7.0f} ms")
        print(f"  ratio                               {kpis_ms / empty_ms:7.2f}  (target <= 2.00)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-empty":
        child_empty()
    elif len(sys.argv) > 2 and sys.argv[1] == "--child-kpis":
        child_kpis(sys.argv[2])
    else:
        main()
