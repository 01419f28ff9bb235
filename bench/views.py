"""First paint of the owners, log, stand-up, flow, initiatives and KPIs views on the large file,
against an empty Textual app in the same run (the board's method: bench/board.py). ``flow``
is the flow view's first paint: its frame, the phase heading and the line "reading the last 13
weeks of events…" (checked to be that line or the figures); ``flow-figures`` times until the
figures, read on a thread after that paint, are painted. ``standup-digest`` times the
stand-up until its digest itself is painted, whether it is read before the first paint (as
now) or on a thread after it (as it was tried: slower, see screens/standup.py ``load``).

    python bench/views.py [--runs 5] [--db large.db] [--views owners,standup,standup-digest]

Each view runs as a fresh process that opens straight on that view (interpreter start,
imports, opening the file, the view's reads, the first full render), headless at 120x40.
Prints medians and ratios against the target (2x the empty app). Figures, not assertions.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.paint import (
    child_empty,
    child_view,
    child_when_shown,
    first_paint_ms,
    large_database,
    options,
)

VIEWS = (
    "owners",
    "log",
    "standup",
    "standup-digest",
    "flow",
    "flow-figures",
    "initiatives",
    "kpis",
)


def child_named_view(db: str, mode: str) -> None:
    """Only the view's own screen is imported, as the app does (importing all five put the
    initiatives' pydantic models into every view's figure)."""
    import importlib

    module, name = _SCREENS[mode.split("-")[0]]
    screen = getattr(importlib.import_module(module), name)
    if mode == "flow-figures":  # the figures, read on a thread after the first paint
        child_when_shown(db, "flow", screen, "show")
    elif mode == "standup-digest":  # the digest itself
        child_when_shown(db, "standup", screen, "loaded")
    else:
        # Flow's first paint: its frame with the heading and the reading line (or the figures).
        child_view(db, mode, screen, ready=lambda v: mode != "flow" or _flow_framed(v))


_SCREENS = {
    "owners": ("pdca.screens.owners", "OwnersScreen"),
    "log": ("pdca.screens.log", "LogScreen"),
    "standup": ("pdca.screens.standup", "StandupScreen"),
    "flow": ("pdca.screens.flow", "FlowScreen"),
    "initiatives": ("pdca.screens.initiatives", "InitiativesScreen"),
    "kpis": ("pdca.screens.kpis", "KpisScreen"),
}


def _flow_framed(view) -> bool:  # type: ignore[no-untyped-def]
    window = str(view.query_one("#flow-window").render())
    return window.startswith("reading the last") or view.figures is not None


def main() -> None:
    views = VIEWS
    if "--views" in sys.argv:  # a few of them: --views owners,standup (bench.paint's options)
        at = sys.argv.index("--views")
        views = tuple(sys.argv[at + 1].split(","))
        del sys.argv[at : at + 2]
        if not set(views) <= set(VIEWS):
            raise SystemExit(f"bench: --views takes some of {','.join(VIEWS)}")
    chosen = options(__doc__ or "", runs=5)
    with large_database(chosen.db) as (db, env):
        times: dict[str, list[float]] = {"empty": [], **{view: [] for view in views}}
        for _ in range(chosen.runs):  # interleaved, so all see the same machine
            times["empty"].append(first_paint_ms(__file__, ["--child-empty"], env))
            for view in views:
                args = ["--child-view", str(db), view]
                times[view].append(first_paint_ms(__file__, args, env))
        empty = statistics.median(times["empty"])
        print(f"\nfirst paint, median of {chosen.runs} fresh processes (120x40, headless)")
        print(f"  empty one-widget Textual app  {empty:7.0f} ms")
        for view in views:
            median = statistics.median(times[view])
            print(f"  {view:<14} on the file  {median:7.0f} ms  ratio {median / empty:5.2f}"
                  "  (target <= 2.00)")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-empty":
        child_empty()
    elif len(sys.argv) > 3 and sys.argv[1] == "--child-view":
        child_named_view(sys.argv[2], sys.argv[3])
    else:
        main()
