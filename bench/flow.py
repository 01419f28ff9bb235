"""How long ``pdca flow`` and ``pdca report`` take, as whole processes, on the large database.

    python bench/flow.py [--runs 7] [--db large.db]

The issue's target: ``pdca flow --json`` answers in under a second on the large file. Each
command runs ``--runs`` times as a fresh process; prints the medians, their ratio to the
target, and ``db.flow.flow`` alone, in this process, for scale. Figures, not assertions.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cli import median_of, pdca_command
from bench.paint import large_database, options

TARGET_MS = 1000.0


def main() -> None:
    chosen = options(__doc__ or "", runs=7)
    with large_database(chosen.db) as (db, env):
        pdca = [*pdca_command(), "--db", str(db)]
        initiative = "Quiet on-call"  # one of the seeded initiatives
        commands = [
            ("flow --json", ["flow", "--json"]),
            ("flow", ["flow"]),
            ("flow --format md", ["flow", "--format", "md"]),
            (f"report {initiative!r} md", ["report", initiative]),
            (f"report {initiative!r} html", ["report", initiative, "--format", "html"]),
            ("report (whole team) md", ["report"]),
            ("report (whole team) html", ["report", "--format", "html"]),
        ]
        rows = [(name, median_of(chosen.runs, lambda i, a=args: [*pdca, *a], env))
                for name, args in commands]  # fmt: skip
        os.environ.update({"PDCA_NOW": env["PDCA_NOW"]})
        from pdca.db.clock import clock_from_env
        from pdca.db.flow import flow
        from pdca.db.store import Store

        store = Store.open(db, actor="alice", clock=clock_from_env(env))
        alone = []
        for _ in range(chosen.runs):
            start = time.perf_counter()
            flow(store)
            alone.append((time.perf_counter() - start) * 1000)
        store.close()
        print(f"\npdca flow and report on the large file, median of {chosen.runs} runs")
        print(f"{'command':<32}{'median ms':>10}{'/ 1000 ms':>11}")
        for name, ms in rows:
            print(f"{name:<32}{ms:>10.0f}{ms / TARGET_MS:>11.2f}")
        print(f"{'pdca.db.flow.flow() in process':<32}{statistics.median(alone):>10.0f}")


if __name__ == "__main__":
    main()
