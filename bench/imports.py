"""How long a large import takes, how much memory it needs, and how long it holds the lock.

    python bench/imports.py [--rows 500000] [--kind actions|readings|both]

Writes a CSV of ``--rows`` actions (``pdca import``) or KPI readings (``pdca kpi import``),
imports it into a fresh database as a real process, and prints its wall time, its peak
memory (the child's max RSS, from wait4) and the longest time the write lock was held. The
lock is measured from outside, by a probe process that tries ``BEGIN IMMEDIATE`` without
waiting every 2 ms: the longest run of refusals is how long any other user would have waited.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBE = r"""
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
longest = current = 0.0
started = None
stop = sys.argv[2]
import os
while not os.path.exists(stop):
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        if started is not None:
            longest = max(longest, time.perf_counter() - started)
            started = None
    except sqlite3.OperationalError:
        if started is None:
            started = time.perf_counter()
    time.sleep(0.002)
if started is not None:
    longest = max(longest, time.perf_counter() - started)
print(f"{longest:.3f}")
"""


def pdca_command() -> list[str]:
    script = Path(sys.executable).with_name("pdca")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pdca.tui"]


def write_actions(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "owner", "phase", "due", "notes"])
        for n in range(rows):
            writer.writerow(
                [f"Imported action {n}", f"user{n % 50}", "plan", "2027-01-15", "from the tracker"]
            )


def write_readings(path: Path, rows: int, kpi: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "at", "value", "note"])
        for n in range(rows):
            moment = 1_600_000_000 + n * 60
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
            writer.writerow([kpi, stamp, f"{20 + (n % 17) * 0.5:g}", ""])


def run_import(database: Path, argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MB, and the longest lock hold in seconds."""
    stop = database.with_suffix(".stop")
    probe = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(database), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.3)
    start = time.perf_counter()
    process = subprocess.Popen(
        [*pdca_command(), "--db", str(database), *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stop.touch()
    held = float(probe.communicate(timeout=60)[0].strip() or 0)
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"bench: import failed: {process.stderr.read().decode().strip()}")
    return elapsed, usage.ru_maxrss / 1024, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--kind", choices=["actions", "readings", "both"], default="both")
    options = parser.parse_args()
    env = {**os.environ, "PDCA_USER": "bench"}
    kinds = ["actions", "readings"] if options.kind == "both" else [options.kind]
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            database = Path(folder) / f"{kind}.db"
            subprocess.run([*pdca_command(), "--db", str(database), "init"], env=env, check=True,
                           capture_output=True)  # fmt: skip
            source = Path(folder) / f"{kind}.csv"
            if kind == "actions":
                write_actions(source, options.rows)
                argv = ["import", str(source)]
            else:
                kpi = "Build time"
                subprocess.run(
                    [*pdca_command(), "--db", str(database), "kpi", "add", kpi, "--unit", "min",
                     "--baseline", "30", "--target", "20", "--direction", "down"],
                    env=env, check=True, capture_output=True,
                )  # fmt: skip
                write_readings(source, options.rows, kpi)
                argv = ["kpi", "import", str(source)]
            size = source.stat().st_size / 1e6
            elapsed, peak, held = run_import(database, argv, env)
            connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            table = "actions" if kind == "actions" else "kpi_readings"
            count = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            connection.close()
            print(
                f"{kind:<9} {options.rows:>8} rows ({size:.0f} MB): {elapsed:6.1f} s, "
                f"peak {peak:5.0f} MB, lock held {held:5.1f} s "
                f"({held / elapsed:.0%} of the run), {count} rows in the file"
            )


if __name__ == "__main__":
    main()
