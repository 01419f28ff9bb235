"""How fast the KPIs view paints on 200 KPIs with a year of daily readings each, against an
empty Textual app in the same run.

    python bench/kpis.py [--runs 7] [--db large.db]

Each app runs as a fresh process (interpreter start, imports, opening the file, reading the
first screenful of KPI rows with their readings, composing, the first full render), headless
at 120x40, and reports when its first screen has been painted. Prints medians and the ratio
against the board's budget (2x the empty app). Figures, not assertions.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.paint import child_empty, child_view, first_paint_ms, large_database, options


def child_kpis(db: str) -> None:
    from pdca.screens.kpis import KpisScreen

    # A paint without rows would not be the view being measured: say so instead.
    child_view(db, "kpis", KpisScreen, ready=lambda screen: bool(screen.table.rows))


def main() -> None:
    chosen = options(__doc__ or "", runs=7)
    with large_database(chosen.db) as (db, env):
        empty, kpis = [], []
        for _ in range(chosen.runs):  # interleaved, so both see the same machine
            empty.append(first_paint_ms(__file__, ["--child-empty"], env))
            kpis.append(first_paint_ms(__file__, ["--child-kpis", str(db)], env))
        empty_ms, kpis_ms = statistics.median(empty), statistics.median(kpis)
        print(f"\nfirst paint, median of {chosen.runs} fresh processes (120x40, headless)")
        print(f"  empty one-widget Textual app        {empty_ms:7.0f} ms")
        print(f"  KPIs view, 200 KPIs x 365 readings  {kpis_ms:7.0f} ms")
        print(f"  ratio                               {kpis_ms / empty_ms:7.2f}  (target <= 2.00)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-empty":
        child_empty()
    elif len(sys.argv) > 2 and sys.argv[1] == "--child-kpis":
        child_kpis(sys.argv[2])
    else:
        main()
