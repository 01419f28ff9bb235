"""Whether a shell with job control can bring pdca back after ctrl+z."""

from __future__ import annotations

import os

# Session leaders that start a command and never continue it after a stop: sudo run straight
# from tmux (its own pty, the command in a group of its own) left ctrl+z doing nothing,
# without a word (one person in two places)
NO_JOB_CONTROL = frozenset({"sudo", "su", "runuser", "tmux: server", "sshd", "login"})


def no_shell_to_come_back_to(proc: str = "/proc") -> bool:
    """True when nothing would send pdca on again after a stop: it leads its own session
    (started straight by tmux or ssh, or through su or runuser), or its session's leader is
    one of ``NO_JOB_CONTROL``. Unknown (no /proc): a shell is assumed, as before."""
    session = os.getsid(0)
    if os.getpgrp() == session:
        return True
    try:
        with open(f"{proc}/{session}/comm", encoding="utf-8", errors="replace") as comm:
            leader = comm.read().strip()
    except OSError:
        return False
    return leader in NO_JOB_CONTROL
