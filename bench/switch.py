"""A view reached with its key from a running board: milliseconds from the key to the view
painted with its data, on the file (what a person at the board waits for; bench/views.py times
the harder case, a fresh process opening straight on the view).

    python bench/switch.py [--runs 5] [--db huge.db] [--settle 15] [--views flow,owners]

Each run is a fresh process, headless at 120x40, that opens the board, waits ``--settle``
seconds (the whole-file integrity check runs a few seconds after the start: on the huge file
it takes a core for about ten), then switches to the view as its key does and reports when
the view's data is painted: the flow view's figures (read on a thread), the others' first
paint. Prints medians. Figures, not assertions.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.paint import large_database, options, report, run_measured

VIEWS = ("flow", "owners", "log", "standup", "kpis")


def child(db: str, view: str, settle: float) -> None:
    """Open the board; after ``settle`` seconds switch to ``view`` and report the
    milliseconds until its data is painted."""
    from pdca.db.clock import clock_from_env
    from pdca.tui.app import PdcaApp, create_app

    started: list[float] = []

    def painted(screen: Any) -> None:
        report(f"{(time.perf_counter() - started[0]) * 1000:.1f}")
        screen.set_timer(0.05, screen.app.exit)

    def timed(name: str) -> Any:
        """The view's screen, made when the key asks for it (its module imported then, as
        the app does: part of what the person waits for), telling when its data is painted."""
        import importlib

        screens = {
            "flow": "FlowScreen",
            "owners": "OwnersScreen",
            "log": "LogScreen",
            "standup": "StandupScreen",
            "kpis": "KpisScreen",
        }
        shown = getattr(importlib.import_module(f"pdca.screens.{name}"), screens[name])
        if name == "flow":

            class TimedFlow(shown):  # type: ignore[misc, valid-type]
                def show(self, *args: Any, **kwargs: Any) -> None:
                    super().show(*args, **kwargs)
                    self.call_after_refresh(painted, self)

            return TimedFlow()

        class TimedView(shown):  # type: ignore[misc, valid-type]
            def on_mount(self) -> None:
                self.call_after_refresh(painted, self)

        return TimedView()

    modes = {**PdcaApp.MODES, view: lambda: timed(view)}

    class TimedApp(PdcaApp):
        MODES = modes

        def on_mount(self) -> None:
            super().on_mount()
            self.set_timer(settle, self.switch)

        def switch(self) -> None:
            started.append(time.perf_counter())
            self.switch_mode(view)

    app = create_app(Path(db), actor="alice", clock=clock_from_env(os.environ), presence=False)
    run_measured(TimedApp(app.context, presence=False))


def main() -> None:
    views, settle = ["flow"], 15.0
    for flag in ("--views", "--settle"):
        if flag in sys.argv:
            at = sys.argv.index(flag)
            value = sys.argv[at + 1]
            del sys.argv[at : at + 2]
            if flag == "--views":
                views = value.split(",")
                if not set(views) <= set(VIEWS):
                    raise SystemExit(f"bench: --views takes some of {','.join(VIEWS)}")
            else:
                settle = float(value)
    chosen = options(__doc__ or "", runs=5)
    with large_database(chosen.db) as (db, env):
        times: dict[str, list[float]] = {view: [] for view in views}
        for _ in range(chosen.runs):
            for view in views:
                done = subprocess.run(
                    [sys.executable, __file__, "--child", str(db), view, str(settle)],
                    capture_output=True, text=True, env=env, timeout=settle + 60,
                )  # fmt: skip
                line = done.stdout.strip().splitlines()[:1]
                if not line:
                    raise SystemExit(f"bench: {view} did not paint: {done.stderr[-300:]}")
                times[view].append(float(line[0]))
    print(f"\nkey to the view's data painted, median of {chosen.runs} (board open {settle:g} s)")
    for view, found in times.items():
        print(f"  {view:10} {statistics.median(found):7.0f} ms  (all: {sorted(found)})")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        main()
