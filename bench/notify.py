"""From a KPI reading that raises an alert to the webhook POST that tells its owner.

    python bench/notify.py [--runs 5] [--large] [--db large.db]

Each round runs, as fresh processes, ``pdca kpi record`` (a breach: an alert is raised), then
``pdca notify`` (what a one-minute cron starts), against a webhook on 127.0.0.1 that notes
when each POST arrives; then a reading back within the threshold closes the alert for the
next round. Also a quiet ``pdca notify`` (nothing due): what cron costs every minute. With
--large, on the large seeded database (whose backlog of overdue and stale actions is
delivered once first, and timed). Figures, not assertions: with cron the reading waits up to
a minute (30 s on average) for the next run, then the run's own duration.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.paint import large_database  # noqa: E402

NOW = "2026-11-23T09:00:00Z"
arrivals: list[float] = []


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        arrivals.append(time.perf_counter())
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def pdca(env: dict[str, str], *args: str) -> float:
    """Run ``pdca ARGS`` as a fresh process; its wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pdca.tui", *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"pdca {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed


@contextmanager
def small_database():
    folder = Path(tempfile.mkdtemp(prefix="pdca-bench-"))
    env = {**os.environ, "PDCA_USER": "alice", "PDCA_NOW": NOW, "PYTHONPATH": str(REPO)}
    db = folder / "pdca.db"
    try:
        yield db, env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(db: Path, env: dict[str, str], runs: int, label: str) -> None:
    env = {k: v for k, v in env.items() if "proxy" not in k.lower()}
    env["PDCA_DB"] = str(db)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        pdca(env, "init")
        pdca(env, "kpi", "add", "Bench latency", "--unit", "ms", "--baseline", "100",
             "--target", "50", "--alert", "200", "--owner", "dana")  # fmt: skip
        pdca(env, "notify", "config", "terminal", "off")
        pdca(env, "notify", "config", "webhook", url)
        backlog = pdca(env, "notify")
        print(f"\n{label}: the first run delivered the backlog, {len(arrivals)} POSTs, "
              f"in {backlog:.2f} s")  # fmt: skip
        quiet = [pdca(env, "notify") for _ in range(runs)]
        record, run, latency = [], [], []
        for _ in range(runs):
            arrivals.clear()
            record.append(pdca(env, "kpi", "record", "Bench latency", "300"))
            recorded = time.perf_counter()
            run.append(pdca(env, "notify"))
            assert len(arrivals) == 1, arrivals
            latency.append(arrivals[0] - recorded)
            pdca(env, "kpi", "record", "Bench latency", "80")  # closes it for the next round
        med = statistics.median
        print(f"  medians of {runs} fresh processes")
        print(f"  pdca kpi record (raises the alert)      {med(record) * 1000:7.0f} ms")
        print(f"  pdca notify, that run's duration        {med(run) * 1000:7.0f} ms")
        print(f"  reading committed -> webhook POST       {med(latency) * 1000:7.0f} ms"
              "  (run started at once)")  # fmt: skip
        print(f"  pdca notify with nothing due (cron)     {med(quiet) * 1000:7.0f} ms")
        worst = 60 + med(run)
        print(f"  with a one-minute cron: on average {30 + med(run):.1f} s, at worst {worst:.1f} s")
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large", action="store_true", help="the large seeded database")
    parser.add_argument("--db", type=Path, help="an existing large database (copied)")
    chosen = parser.parse_args()
    if chosen.large or chosen.db:
        with large_database(chosen.db) as (db, env):
            measure(db, env, chosen.runs, "large database")
    else:
        with small_database() as (db, env):
            measure(db, env, chosen.runs, "new database")


if __name__ == "__main__":
    main()
