"""How long ``pdca backup`` and ``pdca restore`` take on the large database.

    python bench/backup.py [--db /tmp/bk-large.db] [--runs 5]

Uses ``--db`` (seeding it with ``pdca seed --size large`` when missing) and runs, each
``--runs`` times as a fresh process: ``pdca backup`` into a temporary folder, and a restore
round trip (``pdca restore`` of a backup, which also keeps the contents before as a backup).
Prints the medians of the whole commands and, from ``--json``, of the time the backup's
read transaction on the database lasted (all that others' writes could wait for on a network
filesystem; under WAL they never wait). Figures, not assertions: the tests time nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def pdca_command() -> list[str]:
    """The installed console script if there is one, else ``python -m tui`` (same code)."""
    script = Path(sys.executable).with_name("pdca")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pdca.tui"]


def run(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/bk-large.db"))
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    db = options.db.resolve()
    env = {**os.environ, "PDCA_USER": "bench", "PDCA_NOW": "2026-11-23T09:00:00Z"}
    pdca = [*pdca_command(), "--db", str(db)]
    if not db.exists():
        seeded, _ = run([*pdca, "seed", "--size", "large"], env)
        print(f"seed --size large: {seeded:.1f} s")
    folder = Path(tempfile.mkdtemp(prefix="pdca-bench-backup-"))
    kept = db.parent / "backups"
    pattern = f"{db.stem}.*.before-restore.db"
    earlier = set(kept.glob(pattern))
    try:
        whole, reads, sizes, made = [], [], [], []
        for _ in range(options.runs):
            seconds, out = run([*pdca, "backup", str(folder), "--keep", "100", "--json"], env)
            data = json.loads(out)
            whole.append(seconds)
            reads.append(data["read_seconds"])
            sizes.append(data["bytes"])
            made.append(data["path"])
        restores, held = [], []
        for number in range(options.runs):
            seconds, out = run([*pdca, "restore", made[number % len(made)], "--json"], env)
            restores.append(seconds)
            held.append(json.loads(out)["held_seconds"])
        print(f"database: {db} ({sizes[-1] / 2**20:.1f} MiB)")
        print(
            f"pdca backup:  median {statistics.median(whole):.2f} s over {options.runs} runs"
            f" (min {min(whole):.2f}, max {max(whole):.2f}); the read transaction on the"
            f" database: median {statistics.median(reads) * 1000:.0f} ms"
        )
        print(
            f"pdca restore: median {statistics.median(restores):.2f} s over {options.runs} runs"
            f" (min {min(restores):.2f}, max {max(restores):.2f}); the database held alone"
            f" (the copy kept before, the copy in, the checkpoint): median"
            f" {statistics.median(held):.2f} s"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for path in set(kept.glob(pattern)) - earlier:  # the copies this bench's restores kept
            path.unlink()


if __name__ == "__main__":
    main()
