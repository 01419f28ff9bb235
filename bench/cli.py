"""How long the ``pdca`` command line takes, as whole processes, on the large database.

    python bench/cli.py [--runs 15] [--keep DIR] [--db FILE]

Builds the large seeded database (DESIGN.md's scale) in a temporary folder (or copies
``--db``, say the huge file, through SQLite), then runs each command ``--runs`` times as a
fresh process, the way a script or a cron job does, interleaved with Taskwarrior's
``task add`` (when /usr/bin/task is there), an empty ``python -c pass`` and the floor under
any Python write (a process writing one row to the same file, with and without click), and
prints the median wall time, its ratio to the 150 ms target for a write command and to
``task add`` (issue 14: a write within 3x), both on an empty task list and on one holding as
many tasks as the file holds actions ("sized": pdca is timed on that file). Python writes its
bytecode caches as an installed pdca would (``PYTHONDONTWRITEBYTECODE`` is dropped: otherwise
every file edited since its cache was written is compiled again at every start). It also
checks that no command line run imports Textual or pydantic. Run it with the Python of the
install to time (``/tmp/rel/bin/python bench/cli.py`` for a plain ``pip install .`` there):
it says which kind it is. Figures, not assertions: the tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGET_MS = 150.0
TASK = Path("/usr/bin/task")

# The least any Python process can do to write one row durably to the file, as pdca does
# (BEGIN IMMEDIATE, synchronous=FULL): the floor under every pdca write, into a table of the
# bench's own in the copy. With click imported too, the floor under a click command line.
FLOOR = """
import sqlite3, sys
if sys.argv[2] == "click":
    import click
connection = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
connection.execute("PRAGMA synchronous = FULL")
connection.execute("BEGIN IMMEDIATE")
connection.execute("INSERT INTO bench_floor VALUES (1)")
connection.execute("COMMIT")
"""


def task_list_like(folder: Path, pending: int, completed: int) -> None:
    """A Taskwarrior data folder holding as many tasks as the pdca file holds actions, open
    ones pending and done ones completed, in Taskwarrior 2's own line format: ``task add``
    against an empty list is Taskwarrior at its fastest, while pdca is timed on the file of
    the size being asked about (Taskwarrior reads its whole pending list at every start)."""
    folder.mkdir(exist_ok=True)
    line = '[description:"bench action {n}" entry:"1700000000" modified:"1700000000"'
    with (folder / "pending.data").open("w") as out:
        for n in range(pending):
            out.write(f'{line.format(n=n)} status:"pending" uuid:"{uuid.UUID(int=n + 1)}"]\n')
    with (folder / "completed.data").open("w") as out:
        for n in range(pending, pending + completed):
            out.write(
                f'{line.format(n=n)} end:"1700000100" status:"completed"'
                f' uuid:"{uuid.UUID(int=n + 1)}"]\n'
            )


def install_kind() -> str:
    """How the pdca being timed is installed: an editable install (``pip install -e``, the
    test command's) runs a path finder from a .pth file at every start, about 20 ms here,
    that a plain ``pip install .`` (the README's first command) does not."""
    site = Path(sys.executable).parent.parent / "lib"
    editable = any(site.glob("python3*/site-packages/__editable__*pdca*.pth"))
    return "editable (pip install -e)" if editable else "plain (pip install .)"


def pdca_command() -> list[str]:
    """The installed console script if there is one, else ``python -m tui`` (same code)."""
    script = Path(sys.executable).with_name("pdca")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pdca.tui"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed


def median_of(runs: int, make_argv, env: dict[str, str]) -> float:
    return statistics.median(timed(make_argv(i), env) for i in range(runs))


def interleaved(runs: int, cases: dict[str, tuple[object, dict[str, str]]]) -> dict[str, float]:
    """Median ms of each case, the cases taking turns run after run: all of them see the
    same machine, however loaded (it is shared)."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(runs):
        for name, (make_argv, env) in cases.items():
            times[name].append(timed(make_argv(i), env))  # type: ignore[operator]
    return {name: statistics.median(values) for name, values in times.items()}


def imported_modules(env: dict[str, str], *args: str) -> set[str]:
    """Every module a command line run imports, from ``python -X importtime``."""
    argv = [sys.executable, "-X", "importtime", "-m", "pdca.tui", *args]
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[-1].strip() for line in lines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--db", type=Path, help="an existing database (copied, not changed)")
    options = parser.parse_args()

    folder = options.keep or Path(tempfile.mkdtemp(prefix="pdca-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "large.db"
    env = {
        **os.environ,
        "PDCA_DB": str(db),
        "PDCA_USER": "alice",
        "PDCA_NOW": "2026-11-23T09:00:00Z",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    pdca = pdca_command()
    runs = options.runs
    try:
        if options.db is not None and not db.exists():
            source = sqlite3.connect(f"file:{options.db}?mode=ro", uri=True)
            try:
                source.execute("VACUUM INTO ?", (str(db),))
            finally:
                source.close()
        if not db.exists():
            start = time.perf_counter()
            subprocess.run([*pdca, "seed", "--size", "large"], env=env, check=True)
            print(f"seed --size large: {time.perf_counter() - start:.1f} s")

        # Actions ready to move (owner and due set), one per run, so every move is real.
        first_new = None
        for i in range(runs):
            done = subprocess.run(
                [*pdca, "add", f"bench ready {i}", "--owner", "bob", "--due", "+7d", "--json"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            if first_new is None:
                first_new = json.loads(done.stdout)["id"]
        assert first_new is not None

        task_env = {**env, "TASKDATA": str(folder / "task"), "TASKRC": str(folder / "taskrc")}
        (folder / "taskrc").touch()
        (folder / "task").mkdir(exist_ok=True)
        floor = sqlite3.connect(db, isolation_level=None)
        try:
            floor.execute("CREATE TABLE IF NOT EXISTS bench_floor (x)")
        finally:
            floor.close()
        cases: dict[str, tuple[object, dict[str, str]]] = {
            "python -c pass": (lambda i: [sys.executable, "-c", "pass"], env),
            "floor": (lambda i: [sys.executable, "-c", FLOOR, str(db), "-"], env),
            "floor + click": (lambda i: [sys.executable, "-c", FLOOR, str(db), "click"], env),
            "pdca --version": (lambda i: [*pdca, "--version"], env),
            "add": (lambda i: [*pdca, "add", f"bench add {i}"], env),
            "move": (lambda i: [*pdca, "move", str(first_new + i), "do"], env),
            "checkin": (lambda i: [*pdca, "checkin", str(first_new + i), "going"], env),
        }
        counted = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            count, open_count = counted.execute(
                "SELECT count(*), count(*) FILTER (WHERE done_at IS NULL) FROM actions"
            ).fetchone()
        finally:
            counted.close()
        if TASK.exists():
            quiet = ["rc.confirmation=off", "rc.verbose=nothing", "rc.hooks=off"]
            cases["task add"] = (lambda i: [str(TASK), *quiet, "add", f"bench {i}"], task_env)
            task_list_like(folder / "task-sized", open_count, count - open_count)
            sized_env = {**task_env, "TASKDATA": str(folder / "task-sized")}
            cases["task add, sized"] = (
                lambda i: [str(TASK), *quiet, "add", f"bench {i}"],
                sized_env,
            )
        timed([*pdca, "--version"], env)  # bytecode caches written before the timing
        medians = interleaved(runs, cases)
        baseline = medians.pop("python -c pass")
        floors = {name: medians.pop(name) for name in ("floor", "floor + click")}
        task_ms = medians.pop("task add", None)
        sized_ms = medians.pop("task add, sized", None)
        rows = [
            ("--version", medians["pdca --version"]),
            ("add", medians["add"]),
            ("move", medians["move"]),
            ("checkin", medians["checkin"]),
            (
                "edit",
                median_of(runs, lambda i: [*pdca, "edit", str(first_new + i), "--due", "+9d"], env),
            ),
            (
                "list --json --overdue",
                median_of(runs, lambda i: [*pdca, "list", "--json", "--overdue"], env),
            ),
            ("show", median_of(runs, lambda i: [*pdca, "show", "1"], env)),
        ]
        print(f"\npdca command line on {db.name} ({count} actions), median of {runs} runs")
        print(f"pdca installed: {install_kind()}")
        heads = "" if not task_ms else f"{'/ task add':>12}{'/ sized':>10}"
        print(f"{'command':<28}{'median ms':>10}{'/ 150 ms':>10}{heads}")

        def versus(ms: float) -> str:
            if not task_ms or not sized_ms:
                return ""
            return f"{ms / task_ms:>12.2f}{ms / sized_ms:>10.2f}"

        for name, ms in rows:
            print(f"{name:<28}{ms:>10.0f}{ms / TARGET_MS:>10.2f}{versus(ms)}")
        print(f"{'python -c pass':<28}{baseline:>10.0f}")
        for name, ms in floors.items():
            label = "floor: a python write" + (" +click" if "click" in name else "")
            print(f"{label:<28}{ms:>10.0f}{ms / TARGET_MS:>10.2f}{versus(ms)}")
        if task_ms and sized_ms:
            print(f"{'task add (Taskwarrior)':<28}{task_ms:>10.0f}   on an empty task list")
            print(
                f"{'task add, sized':<28}{sized_ms:>10.0f}   on {open_count} pending and"
                f" {count - open_count} completed tasks, as many as the file's actions"
            )
            print(
                f"3x task add is {3 * task_ms:.0f} ms; Python writing one row durably to this"
                f" file (no pdca at all) takes {floors['floor']:.0f} ms"
            )
        modules = imported_modules(env, "add", "bench import probe")
        heavy = sorted(
            m for m in modules if m.split(".")[0] in ("textual", "plotext", "rich", "pydantic")
        )
        print(f"\nmodules imported by pdca add: {len(modules)}")
        print(f"of them textual, plotext, rich or pydantic: {', '.join(heavy) or 'none'}")
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
