"""How long ``q`` takes to give the terminal back, against an empty Textual app's quit.

    python bench/quit.py --db FILE [--runs 5] [--after 4]

Each run opens ``pdca --db FILE`` in a pseudo-terminal of 120x40, waits ``--after`` seconds
(the whole-file check starts 2 s after the board opens, the alerts' round 1 s after), types
``q`` and times until the process has ended. The empty app (one ``Static``, ``q`` bound to
quit) is timed the same way, interleaved. Medians; figures, not assertions. Opening writes
nothing, but the file is opened as a board would open it: use a copy of anything precious.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.paint import NOW, REPO, drained

EMPTY_APP = """
from textual.app import App
from textual.widgets import Static
class Empty(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Static("empty")
Empty().run()
"""


def quit_ms(command: list[str], env: dict[str, str], after: float) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    with drained(master):
        time.sleep(after)
        start = time.perf_counter()
        os.write(master, b"q")
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise SystemExit(f"bench: {command[-1]} did not quit within 60 s") from None
        elapsed = (time.perf_counter() - start) * 1000
    os.close(master)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--after", type=float, default=4.0)
    chosen = parser.parse_args()
    env = {**os.environ, "PDCA_USER": "alice", "PYTHONPATH": str(REPO), "TERM": "xterm-256color"}
    env.setdefault("PDCA_NOW", NOW)
    board = [sys.executable, "-m", "pdca.tui", "--db", str(chosen.db)]
    empty = [sys.executable, "-c", EMPTY_APP]
    times: dict[str, list[float]] = {"empty": [], "board": []}
    for _ in range(chosen.runs):  # interleaved, so both see the same machine
        times["empty"].append(quit_ms(empty, env, chosen.after))
        times["board"].append(quit_ms(board, env, chosen.after))
    empty_ms, board_ms = (statistics.median(times[name]) for name in ("empty", "board"))
    print(f"q to the process gone, median of {chosen.runs}, {chosen.after:g} s after opening")
    print(f"  empty Textual app  {empty_ms:7.0f} ms")
    print(f"  pdca board         {board_ms:7.0f} ms   (worst {max(times['board']):.0f})")
    print(f"  ratio              {board_ms / empty_ms:7.2f}")


if __name__ == "__main__":
    main()
