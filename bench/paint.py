"""First-paint measurement shared by the benchmarks: board, views, KPIs.

A view runs as a fresh process (interpreter start, imports, opening the file, the view's
reads, composing, the first full render), headless at 120x40, and prints ``painted`` when its
first screen has been drawn; the parent times it from start to that line. The reference is an
empty one-widget Textual app timed the same way, in the same run, interleaved.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-23T09:00:00Z"
SIZE = (120, 40)
TTY_FD = "PDCA_BENCH_REPORT_FD"  # set: the child runs in a real (pseudo-)terminal


def child_empty() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")

        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report("painted")
            self.exit()

    run_measured(Empty())


def report(line: str) -> None:
    """Tell the parent: on stdout (headless), or on the descriptor it gave (in a terminal)."""
    fd = os.environ.get(TTY_FD)
    if fd is None:
        print(line, flush=True)
    else:
        os.write(int(fd), f"{line}\n".encode())


def run_measured(app: Any) -> None:
    """Headless at 120x40, or in the (pseudo-)terminal the parent made (bench/scale.py)."""
    if os.environ.get(TTY_FD) is None:
        app.run(headless=True, size=SIZE)
    else:
        app.run()


def child_view(
    db: str, mode: str, screen: type[Any], ready: Callable[[Any], bool] = lambda _: True
) -> None:
    """Open pdca straight on ``mode`` (its screen class ``screen``) and report its first paint;
    ``ready`` says whether what was painted is the real thing (else ``empty`` is printed)."""

    class Timed(screen):  # type: ignore[misc, valid-type]
        def on_mount(self) -> None:
            # Textual runs the view's own on_mount too (handlers run up the class tree).
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report("painted" if ready(self) else "empty")  # the clock stops here
            # Exit a moment later: what follows the first paint (the footer) must not meet a
            # closing app; it is not timed.
            self.set_timer(0.05, self.app.exit)

    _run_on(db, mode, Timed)


def child_when_shown(db: str, mode: str, screen: type[Any], method: str) -> None:
    """Open pdca straight on ``mode`` and report when the view's ``method`` (what shows data
    read after the first paint, on a thread) has run and been painted."""

    def shown(self: Any, *args: Any, **kwargs: Any) -> None:
        getattr(screen, method)(self, *args, **kwargs)
        self.call_after_refresh(painted, self)

    def painted(self: Any) -> None:
        report("painted")
        self.set_timer(0.05, self.app.exit)

    _run_on(db, mode, type(f"Timed{screen.__name__}", (screen,), {method: shown}))


def _run_on(db: str, mode: str, timed: type[Any]) -> None:
    from pdca.db.clock import clock_from_env
    from pdca.tui.app import PdcaApp, create_app

    class TimedApp(PdcaApp):
        MODES = {**PdcaApp.MODES, mode: timed}
        DEFAULT_MODE = mode

    app = create_app(Path(db), actor="alice", clock=clock_from_env(os.environ), presence=False)
    run_measured(TimedApp(app.context, presence=False))


def first_paint_ms(script: str, args: list[str], env: dict[str, str]) -> float:
    """Start ``script`` as a child with ``args``; milliseconds until it says it painted."""
    as_installed()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, script, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = (time.perf_counter() - start) * 1000
    process.wait(timeout=60)
    if line.strip() != "painted":
        raise SystemExit(f"bench: {args} did not paint (exit {process.returncode})")
    return elapsed


def as_installed() -> None:
    """pdca's modules compiled once, as ``pip install`` leaves them: a checkout edited since its
    last run, under PYTHONDONTWRITEBYTECODE (set on some machines), compiled every changed
    module in every child, and a view's figure counted 10 ms a module of compiling that no
    installed pdca does. Textual's own are compiled already (installed by pip)."""
    global _COMPILED
    if not _COMPILED:
        import compileall

        for folder in ("db", "screens", "widgets", "tui"):
            compileall.compile_dir(REPO / folder, quiet=1)
        _COMPILED = True


_COMPILED = False


def options(doc: str, runs: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--db", type=Path, help="an existing large database (copied, not changed)")
    return parser.parse_args()


@contextmanager
def large_database(existing: Path | None) -> Iterator[tuple[Path, dict[str, str]]]:
    """A copy of ``existing`` (or a freshly seeded large database) in a temporary folder, and
    the environment the children run in; the folder goes afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="pdca-bench-"))
    env = {**os.environ, "PDCA_USER": "alice", "PDCA_NOW": NOW, "PYTHONPATH": str(REPO)}
    env["XDG_CONFIG_HOME"] = str(folder / "config")
    db = folder / "large.db"
    try:
        if existing:
            # Through SQLite, never a byte copy: the file may be open in someone's pdca.
            source = sqlite3.connect(f"file:{existing}?mode=ro", uri=True)
            try:
                source.execute("VACUUM INTO ?", (str(db),))
            finally:
                source.close()
        else:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pdca.tui", "--db", str(db), "seed", "--size", "large"],
                env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            print(f"seeded the large database in {time.perf_counter() - start:.1f} s")
        yield db, env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def recorded_repaints() -> Iterator[list[float]]:
    """The times at which the board's columns draw a line, while inside the block: a key's
    repaint is done at the last of them."""
    from pdca.widgets.phase_column import PhaseColumn

    drawn: list[float] = []
    original = PhaseColumn.render_line

    def recording(self: PhaseColumn, y: int):  # type: ignore[no-untyped-def]
        drawn.append(time.perf_counter())
        return original(self, y)

    PhaseColumn.render_line = recording  # type: ignore[method-assign]
    try:
        yield drawn
    finally:
        PhaseColumn.render_line = original  # type: ignore[method-assign]


@contextmanager
def drained(master: int) -> Iterator[None]:
    """A pseudo-terminal's output read and dropped on a thread while inside: a terminal that
    is not read blocks the app writing to it."""
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    if not os.read(master, 65536):
                        return
                except OSError:
                    return

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    try:
        yield
    finally:
        stop.set()
        drainer.join()
