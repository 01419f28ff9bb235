"""Key to repaint in a real terminal (tmux), from the first second the board is open.

    python bench/terminal_keys.py --db /tmp/bench/100k.db [--presses 40]

The headless benchmark (bench/board.py) times keys after the board's whole-file check has
ended, since Textual's test pilot waits for that thread. A person does not wait: this opens
the board in tmux, presses j/k as soon as it has painted (while the check runs, 2 s in) and
times each key from send-keys to the moment the captured screen changes. Prints the median
and the worst. Figures, not assertions; needs tmux.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOCKET = f"pdca-bench-{os.getpid()}"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", "t")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("bench/terminal_keys.py needs tmux")
    home = Path(tempfile.mkdtemp(prefix="pdca-keys-"))
    env = " ".join(
        f"{name}={home / name.lower()}" for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")
    )
    now = os.environ.get("PDCA_NOW", "2026-11-23T09:00:00Z")
    command = f"env {env} PDCA_NOW={now} {sys.executable} -m pdca.tui --db {args.db}; sleep 60"
    tmux("new", "-d", "-s", "t", "-x", "120", "-y", "40", command)
    try:
        start = time.monotonic()
        while "Plan" not in screen():
            if time.monotonic() - start > 60:
                sys.exit("the board did not paint within 60 s")
            time.sleep(0.01)
        print(f"painted {time.monotonic() - start:.2f} s after start; pressing j/k from now")
        latencies = []
        for press in range(args.presses):
            before = screen()
            sent = time.monotonic()
            tmux("send-keys", "-t", "t", "j" if (press // 8) % 2 == 0 else "k")
            while screen() == before and time.monotonic() - sent < 10:
                time.sleep(0.005)
            latencies.append((time.monotonic() - sent) * 1000)
            time.sleep(0.1)
        print(
            f"j/k key to repaint in tmux: median {statistics.median(latencies):.0f} ms,"
            f" worst {max(latencies):.0f} ms of {len(latencies)}, from the first paint on"
        )
    finally:
        tmux("kill-server")
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
