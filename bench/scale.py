"""Is pdca flat as the file grows? Issue 14's table at 1k, 10k and 100k actions.

    python bench/scale.py [--runs 3] [--sizes 1k,10k,100k] [--dir /tmp/scale]

The files are made once (``pdca seed``: large is 10k, huge is 100k; 1k is a scaled-down
large) under ``--dir`` and kept as seeded: each run measures a fresh copy (``SIZE.run.db``),
as the benchmark writes (moves, a check-in), as a team would: every run starts from the same
file, whatever earlier runs wrote.
Rows, each measured in fresh processes or fresh connections:

- board first paint / empty app, in a pseudo-terminal of 120x40 (a real terminal driver,
  not headless) and headless, medians of ``--runs`` interleaved runs;
- the first page's reads (a screenful per phase and the per-phase counts), median of 7;
- what a refresh reads: the whole board (before issue 14), or the changes since the last
  event seen (after), median of 3;
- key to repaint for focus moves and card moves, median and worst of 20 (bench/board.py);
- the app's resident memory after visiting every view and scrolling a column to its end;
- ``pdca list --json --overdue``, ``pdca standup``, ``pdca owners --json`` and one write
  (``pdca checkin``), medians of 3 fresh processes.

Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.paint import (
    NOW,
    REPO,
    SIZE,
    TTY_FD,
    as_installed,
    child_empty,
    drained,
    first_paint_ms,
)

LARGE_SIZES = {"10k": "large", "100k": "huge"}


def environment(folder: Path) -> dict[str, str]:
    env = {**os.environ, "PDCA_USER": "alice", "PDCA_NOW": NOW, "PYTHONPATH": str(REPO)}
    env["XDG_CONFIG_HOME"] = str(folder / "config")
    env.pop(TTY_FD, None)
    # Bytecode caches written, as an installed pdca has them: else every file edited since
    # its cache was written is compiled again in every child, and the figures say so.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def ensure_file(folder: Path, size: str, env: dict[str, str]) -> Path:
    """The file of ``size`` under ``folder``, seeded now if it is not there yet."""
    db = folder / f"{size}.db"
    if db.exists():
        return db
    start = time.perf_counter()
    if size in LARGE_SIZES:
        command = [sys.executable, "-m", "pdca.tui", "--db", str(db), "seed", "--size"]
        command.append(LARGE_SIZES[size])
    else:
        command = [sys.executable, __file__, "--child-seed-1k", str(db)]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"seeded {db} in {time.perf_counter() - start:.1f} s", flush=True)
    return db


def working_copy(seeded: Path) -> Path:
    """A fresh copy of the seeded file to measure (and write) on, by SQLite's backup."""
    import sqlite3

    copy = seeded.with_name(seeded.stem + ".run.db")
    for leftover in (copy, *(copy.with_name(copy.name + end) for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)  # a copy of ours, no process has it open
    start = time.perf_counter()
    source = sqlite3.connect(f"file:{seeded}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    # Written to disk before anything is timed: a gigabyte of dirty pages flushed meanwhile
    # made each write's fsync wait behind it (moves measured 156 ms, then 36 ms once idle).
    os.sync()
    print(f"copied {seeded} in {time.perf_counter() - start:.1f} s", flush=True)
    return copy


def child_seed_1k(db: str) -> None:
    from pdca.db.clock import clock_from_env
    from pdca.db.seed import Spec, seed_with_spec
    from pdca.db.store import Store

    store = Store.open(
        Path(db), actor="alice", clock=clock_from_env(os.environ), create=True, initialize=True
    )
    seed_with_spec(store, Spec(50, 20, 1_000, 200, 365, 5_000, 10_000, 365), seed=1)
    store.close()


# --------------------------------------------------------------------------- first paint


def child_board(db: str) -> None:
    from bench.paint import child_view
    from pdca.screens.board import BoardScreen

    child_view(db, "board", BoardScreen)


VIEWS = ("owners", "kpis", "log", "standup")


def child_named_view(db: str, mode: str) -> None:
    """Only the view's own screen is imported, as the app does."""
    import importlib

    from bench.paint import child_view

    module, name = _SCREENS[mode]
    child_view(db, mode, getattr(importlib.import_module(module), name))


_SCREENS = {
    "owners": ("pdca.screens.owners", "OwnersScreen"),
    "kpis": ("pdca.screens.kpis", "KpisScreen"),
    "log": ("pdca.screens.log", "LogScreen"),
    "standup": ("pdca.screens.standup", "StandupScreen"),
}


def view_ratios(db: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """Each view's first paint (headless, as bench/views.py) over the empty app's."""
    times: dict[str, list[float]] = {"empty": [], **{view: [] for view in VIEWS}}
    for _ in range(runs):
        times["empty"].append(first_paint_ms(__file__, ["--child-empty"], env))
        for view in VIEWS:
            times[view].append(first_paint_ms(__file__, ["--child-view", str(db), view], env))
    empty = statistics.median(times["empty"])
    return {view: statistics.median(times[view]) / empty for view in VIEWS}


def pty_paint_ms(args: list[str], env: dict[str, str]) -> float:
    """Like ``first_paint_ms``, but the child draws into a pseudo-terminal of 120x40 (as in
    tmux) and says it painted on a pipe of its own."""
    read_end, write_end = os.pipe()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    child_env = {**env, TTY_FD: str(write_end), "TERM": "xterm-256color", "COLUMNS": "120"}
    child_env["LINES"] = "40"
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, *args],
        stdin=slave, stdout=slave, stderr=slave, env=child_env,
        pass_fds=(write_end,), start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    os.close(write_end)
    with drained(master):
        line = b""
        ready, _, _ = select.select([read_end], [], [], 60)
        if ready:
            line = os.read(read_end, 64)
        elapsed = (time.perf_counter() - start) * 1000
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    os.close(master)
    os.close(read_end)
    if line.strip() != b"painted":
        raise SystemExit(f"bench: {args} did not paint in a terminal (exit {process.returncode})")
    return elapsed


def paint_ratios(db: Path, env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    """(board ms, ratio to the empty app) in a pseudo-terminal and headless."""
    found: dict[str, tuple[float, float]] = {}
    for name, measure in (("pty", pty_paint_ms), ("headless", None)):
        empty, board = [], []
        for _ in range(runs):
            if measure is None:
                empty.append(first_paint_ms(__file__, ["--child-empty"], env))
                board.append(first_paint_ms(__file__, ["--child-board", str(db)], env))
            else:
                empty.append(measure(["--child-empty"], env))
                board.append(measure(["--child-board", str(db)], env))
        board_ms = statistics.median(board)
        found[name] = (board_ms, board_ms / statistics.median(empty))
    return found


# --------------------------------------------------------------------------- reads


def timed_ms(call: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def reads(db: Path) -> dict[str, float]:

    from pdca.db import kpis
    from pdca.db.clock import clock_from_env
    from pdca.db.models import PHASES
    from pdca.db.store import ActionFilter, Store
    from pdca.screens.board import first_page_size
    from pdca.widgets.phase_column import SPARK_CELLS

    store = Store.open(db, actor="alice", clock=clock_from_env(os.environ))
    wanted = ActionFilter()
    size = first_page_size(SIZE[1])

    def first_page() -> None:
        page_of = getattr(store, "first_page", None)
        for phase in PHASES:
            if page_of is not None:
                page_of(phase, wanted, size)
            else:
                store.list_actions(wanted._replace(phase=phase, limit=size))
        store.count_actions(wanted)

    def full_reload() -> None:
        store.list_actions(wanted)
        kpis.sparklines(store, SPARK_CELLS)

    found = {"first page": timed_ms(first_page, 7)}
    if hasattr(store, "changes_since"):
        # After issue 14: someone checks in on a card; the board reads what changed since the
        # last event it saw, then the counts and a screenful of each column it touched.
        from pdca.db.models import CheckinDraft

        other = Store.open(db, actor="bob", clock=clock_from_env(os.environ))
        doing = store.list_actions(wanted._replace(phase="do", limit=1))[0].id
        times = []
        for _ in range(7):
            seen = store.last_event_id()
            other.add_checkin(doing, CheckinDraft(message="bench"))
            start = time.perf_counter()
            changes = store.changes_since(seen)
            counts = store.count_actions(wanted)
            for phase in changes.phases:
                store.action_page(wanted._replace(phase=phase), 0, size, counts[phase])
            times.append((time.perf_counter() - start) * 1000)
        other.close()
        found["refresh"] = statistics.median(times)
    else:
        found["refresh"] = timed_ms(full_reload, 3)
    store.close()
    return found


# --------------------------------------------------------------------------- the app, in-process


def child_keys(db: str) -> None:
    from bench.board import key_latencies

    found = asyncio.run(key_latencies(Path(db), presses=20))
    print(json.dumps(found), flush=True)


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_memory(db: str) -> None:
    """Every view once, back to the board, then a column scrolled to its end."""
    from pdca.db.clock import clock_from_env
    from pdca.tui.app import create_app

    async def run() -> float:
        app = create_app(Path(db), actor="alice", clock=clock_from_env(os.environ), presence=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            for key in ("2", "3", "4", "5", "1"):
                await pilot.press(key)
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.press("G")
            for _ in range(40):  # a paging column reads its next pages as it scrolls
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.press("G")
            await pilot.pause()
            await app.workers.wait_for_complete()
            return resident_mb()

    print(json.dumps(asyncio.run(run())), flush=True)


def child_json(args: list[str], env: dict[str, str]) -> Any:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --------------------------------------------------------------------------- commands


def command_ms(db: Path, env: dict[str, str], args: list[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pdca.tui", "--db", str(db), *args],
            env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def a_do_action(db: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT id FROM actions WHERE done_at IS NULL AND phase = 'do' ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return int(row[0])


# --------------------------------------------------------------------------- the report


def measure(size: str, folder: Path, runs: int) -> dict[str, str]:
    env = environment(folder)
    db = working_copy(ensure_file(folder, size, env))
    # Open once through pdca first: an older file is upgraded now, not inside a timing.
    subprocess.run(
        [sys.executable, "-m", "pdca.tui", "--db", str(db), "where"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    row: dict[str, str] = {}
    paints = paint_ratios(db, env, runs)
    row["board first paint / empty (pty)"] = f"{paints['pty'][1]:.2f} ({paints['pty'][0]:.0f} ms)"
    row["board first paint / empty (headless)"] = (
        f"{paints['headless'][1]:.2f} ({paints['headless'][0]:.0f} ms)"
    )
    views = view_ratios(db, env, runs)
    row["views first paint / empty (owners kpis log standup)"] = " ".join(
        f"{views[view]:.2f}" for view in VIEWS
    )
    found = child_json(["--child-reads", str(db)], env)
    row["first-page reads"] = f"{found['first page']:.1f} ms"
    row["refresh reads"] = f"{found['refresh']:.1f} ms"
    keys = child_json(["--child-keys", str(db)], env)
    for name, values in keys.items():
        if values:
            row[f"key {name} median (worst)"] = (
                f"{statistics.median(values):.0f} ({max(values):.0f}) ms"
            )
    row["app RSS after every view + column end"] = (
        f"{child_json(['--child-memory', str(db)], env):.0f} MB"
    )
    overdue = command_ms(db, env, ["list", "--json", "--overdue"])
    standup = command_ms(db, env, ["standup"])
    row["list --json --overdue / standup"] = f"{overdue:.0f} / {standup:.0f} ms"
    row["owners --json"] = f"{command_ms(db, env, ['owners', '--json']):.0f} ms"
    target = a_do_action(db)
    row["one write (checkin)"] = f"{command_ms(db, env, ['checkin', str(target), 'bench']):.0f} ms"
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1k,10k,100k")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/scale"))
    chosen = parser.parse_args()
    as_installed()  # the commands and the pty runs start pdca too
    chosen.dir.mkdir(parents=True, exist_ok=True)
    sizes = chosen.sizes.split(",")
    rows: dict[str, dict[str, str]] = {}
    for size in sizes:
        print(f"measuring {size} ...", flush=True)
        rows[size] = measure(size, chosen.dir, chosen.runs)
    names = list(dict.fromkeys(name for row in rows.values() for name in row))
    print()
    print("| actions | " + " | ".join(sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in names:
        print(f"| {name} | " + " | ".join(rows[s].get(name, "-") for s in sizes) + " |")


if __name__ == "__main__":
    children: dict[str, Callable[..., None]] = {
        "--child-empty": child_empty,
        "--child-board": child_board,
        "--child-view": child_named_view,
        "--child-seed-1k": child_seed_1k,
        "--child-reads": lambda db: print(json.dumps(reads(Path(db))), flush=True),
        "--child-keys": child_keys,
        "--child-memory": child_memory,
    }
    if len(sys.argv) > 1 and sys.argv[1] in children:
        children[sys.argv[1]](*sys.argv[2:])
    else:
        main()
