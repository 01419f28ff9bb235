"""What the board imports before its first paint: only what it draws (issue 14).

Run in a fresh interpreter: this test process may have imported anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

BOARD_PAINTED = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from pdca.tui.app import PdcaApp, create_app

class App(PdcaApp):
    # Ready: the first frame is on screen. An exit from the board's own mount came while
    # the app still mounted its footer, and wrote a crash log (MountError) each run.
    def on_ready(self) -> None:
        self.exit(sorted(sys.modules))

made = create_app(
    Path(sys.argv[1]), actor="alice", clock=lambda: datetime(2026, 11, 23, 9, tzinfo=UTC),
    create=True, presence=False,
)
app = App(made.context, presence=False)
print("MODULES=" + json.dumps(app.run(headless=True, size=(120, 40))))
"""


def test_the_board_paints_without_the_keys_panel_or_the_kpi_table(tmp_path: Path) -> None:
    """The ``?`` panel's module (Textual's Markdown with it) was imported as the footer was
    first drawn, to ask whether the panel was open, and the KPI table's (with the KPI records)
    for one text helper: some 20 ms of every view's first paint, and the board at 10 000
    actions sat at its 1.6x target."""
    done = subprocess.run(
        [sys.executable, "-c", BOARD_PAINTED, str(tmp_path / "pdca.db")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={
            **os.environ,
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_STATE_HOME": str(tmp_path / "state"),  # a crash log, if any, stays here
            "PDCA_USER": "alice",
        },
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "state").exists(), done.stderr  # no crash log
    marker = [line for line in done.stdout.splitlines() if line.startswith("MODULES=")]
    assert len(marker) == 1, done.stdout[-2000:]
    modules = json.loads(marker[0].removeprefix("MODULES="))
    assert "pdca.screens.board" in modules and "pdca.screens.footer" in modules
    heavy = ("pdca.screens.keys_help", "textual.widgets._markdown", "pdca.widgets.kpi_table")
    assert [name for name in heavy if name in modules] == []
