"""One colleague at the command line, for the soak test: short-lived ``pdca`` processes.

Run as ``python -m tests.integration.soak_cli SPEC``: until the deadline it runs real ``pdca``
commands one after another (each a new process that opens the file and closes it again):
``list --json`` to see the board, then ``add``, ``checkin``, ``move`` forward or back, ``show``.
Every write whose command exited 0 goes into the JSON-lines report with what it wrote; every
other exit (but the ordinary ones: a gate not met, someone else first) is an error line.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PHASES = ["plan", "do", "check", "act"]
# Refusals that are part of teamwork, not a failure of the file.
ORDINARY = ("cannot move", "cannot be done", "is done", "no action")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pdca.tui", *args], capture_output=True, text=True, timeout=120
    )


def main() -> None:
    spec = json.loads(sys.argv[1])
    os.environ["PDCA_USER"] = spec["actor"]
    os.environ["PDCA_DB"] = spec["db"]
    rng = random.Random(spec["seed"])
    report = Path(spec["report"])

    def line(value: dict[str, Any]) -> None:
        with report.open("a", encoding="utf-8") as out:
            out.write(json.dumps(value) + "\n")

    Path(spec["ready"]).touch()
    while not Path(spec["go"]).exists():
        time.sleep(0.01)
    deadline = time.monotonic() + spec["seconds"]
    actions: list[dict[str, Any]] = []
    writes = number = 0
    while not Path(spec["stop"]).exists() and time.monotonic() < deadline:
        number += 1
        if number % 5 == 1 or not actions:
            listed = run("list", "--json")
            if listed.returncode != 0:
                line({"error": f"list: {listed.stderr.strip()}"})
                continue
            actions = json.loads(listed.stdout)
        choice = rng.random()
        target = rng.choice(actions) if actions else None
        if choice < 0.3 or target is None:
            title = f"soak {spec['actor']} new {number}"
            done = run("add", title, "--owner", spec["actor"], "--due", "+7d", "--json")
            op: list[Any] = ["add", title]
        elif choice < 0.6:
            message = f"soak {spec['actor']} checkin {number}"
            done = run("checkin", str(target["id"]), message, "--status", "at-risk", "--json")
            op = ["checkin", target["id"], message]
        elif choice < 0.9:
            step = 1 if target["phase"] == "plan" or rng.random() < 0.5 else -1
            if target["phase"] == "act":
                step = -1
            goal = PHASES[PHASES.index(target["phase"]) + step]
            extra = ["--verdict", "partly"] if goal == "act" else []
            done = run("move", str(target["id"]), goal, *extra, "--json")
            op = ["move", target["id"], None, goal]
        else:
            shown = run("show", str(target["id"]), "--json")
            if shown.returncode != 0 and "no action" not in shown.stderr:
                line({"error": f"show: {shown.stderr.strip()}"})
            continue
        if done.returncode == 0:
            writes += 1
            line({"committed": op})
        elif any(ordinary in done.stderr for ordinary in ORDINARY):
            line({"refused": done.stderr.strip()})  # teamwork: counted, not a failure
        else:
            line({"error": f"{op[0]}: exit {done.returncode}: {done.stderr.strip()}"})
    line({"exit": "ok"})


if __name__ == "__main__":
    main()
