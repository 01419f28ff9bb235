"""The long-lived process of tests/integration/test_recur_concurrent.py: the real pdca app,
headless, its minute round (``PdcaApp.escalate_alerts``: repeats, escalations, notifications)
run back to back instead of once a minute, its board following others' writes meanwhile.

Its clock is the day in the ``now`` file the parent rewrites each round; once a round at a
new day has finished it touches ``done-DAY`` beside it. Stops when ``stop`` appears, printing
``{"errors": [...], "exit": N}`` as one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.worker import WorkerCancelled

from pdca.tui.app import create_app


async def drive(spec: dict[str, Any]) -> dict[str, Any]:
    now_file, stop = Path(spec["now"]), Path(spec["stop"])

    def clock() -> datetime:
        return datetime.fromisoformat(now_file.read_text().strip() + "T09:00:00+00:00")

    app = create_app(Path(spec["db"]), actor=spec["actor"], clock=clock, environ={})
    app.animation_level = "none"
    errors: list[str] = []
    Path(spec["ready"]).touch()
    async with app.run_test(size=(120, 40)) as pilot:
        seen = ""
        while not stop.exists():
            day = now_file.read_text().strip()
            worker = app.escalate_alerts()  # exclusive: it replaces one the app started
            try:
                await worker.wait()
            except WorkerCancelled:
                continue  # the app started another round meanwhile: wait for a whole one
            await pilot.pause()
            if app._exit:
                errors.append(f"the app stopped: exit status {app.return_code}")
                break
            if day != seen:
                seen = day
                (now_file.parent / f"done-{day}").touch()
            await asyncio.sleep(0.01)
    return {"errors": errors, "exit": app.return_code}


if __name__ == "__main__":
    result = asyncio.run(drive(json.loads(sys.argv[1])))
    sys.stdout.write(json.dumps(result) + "\n")
