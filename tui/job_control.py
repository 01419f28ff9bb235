"""Whether a shell with job control can bring pdca back after ctrl+z."""

from __future__ import annotations

import os


def no_shell_to_come_back_to(proc: str = "/proc") -> bool:
    """True when nothing would send pdca on again after a stop: it leads its own session
    (started straight by tmux or ssh, or through su or runuser), or sudo's does and sudo
    itself was started so. sudo (use_pty) runs the command in a session of sudo's own; run
    straight from tmux, nobody continued it, and ctrl+z did nothing without a word (one
    person in two places); run from a shell, sudo passes the stop on to it and fg works (a
    retrial). Unknown (no /proc): a shell is assumed, as before."""
    session = os.getsid(0)
    if os.getpgrp() == session:
        return True
    try:
        with open(f"{proc}/{session}/comm", encoding="utf-8", errors="replace") as comm:
            if comm.read().strip() != "sudo":
                return False
        with open(f"{proc}/{session}/stat", encoding="utf-8", errors="replace") as stat:
            # "pid (comm) state ppid ...": the comm may hold spaces, so after its ")"
            sudo = int(stat.read().rsplit(")", 1)[1].split()[1])
        # A job-control shell gives each job a group of its own; without one (tmux's own,
        # or its sh -c), sudo is in its session's group
        return os.getpgid(sudo) == os.getsid(sudo)
    except (OSError, ValueError, IndexError):
        return False
