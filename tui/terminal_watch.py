"""Notice a terminal that has gone when no SIGHUP says so.

The kernel sends SIGHUP to a terminal's session leader when the terminal hangs up. Started
through ``runuser``, ``su`` or ``sudo`` (a shared server's usual way into a service login),
pdca is not that leader, and the leader does not pass the signal on: the board went on
running for good, its input thread spinning on end-of-file at half a core and its presence
telling the team it was there (a tester). A hung-up terminal answers ``isatty`` with False
(the kernel swaps its file operations for ones that fail), so once a second is enough to
notice it; pdca then sends itself the SIGHUP that never came, and ends as it does after one:
a save still waiting for someone's lock goes in first.

Nor does a resize reach it there: ``su -c`` starts pdca in a session of its own, with no
controlling terminal, and the kernel sends SIGWINCH only to the terminal's foreground group.
The board went on drawing 120 columns into 80 until restarted (a tester). The same look once
a second compares the terminal's size, and sends the SIGWINCH that never came: the app's
driver reads the new size as it does after a real one.
"""

from __future__ import annotations

import os
import signal
import threading

POLL_SECONDS = 1.0


def watch_the_terminal(fd: int, ended: threading.Event) -> None:
    """Until ``ended`` is set, look once a second whether ``fd`` is still a terminal; when it
    stops being one, SIGHUP this process (once). And whether its size changed: then SIGWINCH
    it, at most once for each change (one a real SIGWINCH told too costs a layout). Nothing
    is watched if ``fd`` is no terminal now."""
    if not os.isatty(fd):
        return

    def size() -> os.terminal_size | None:
        try:
            return os.get_terminal_size(fd)
        except OSError:
            return None

    def watch() -> None:
        seen = size()
        while not ended.wait(POLL_SECONDS):
            if not os.isatty(fd):
                os.kill(os.getpid(), signal.SIGHUP)
                return
            now = size()
            if now is not None and now != seen:
                seen = now
                os.kill(os.getpid(), signal.SIGWINCH)

    threading.Thread(target=watch, name="pdca-terminal-watch", daemon=True).start()
