"""Run a command with a pseudo-terminal for stdin and stdout (and stderr, or not), the way a
person's shell runs it: what the terminal showed, and the exit status."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from collections.abc import Mapping, Sequence


def run_on_a_terminal(
    command: Sequence[str], env: Mapping[str, str], *, stderr_too: bool = True, typed: bytes = b""
) -> tuple[int, bytes]:
    """``command`` with stdin and stdout on a new pseudo-terminal; stderr on it as well, or
    (``stderr_too`` off) sent to /dev/null. ``typed``: what a person types at it (an answer).
    Its exit status and every byte the terminal got."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        list(command),
        stdin=follower,
        stdout=follower,
        stderr=follower if stderr_too else subprocess.DEVNULL,
        env=dict(env),
    )
    os.close(follower)
    if typed:
        os.write(leader, typed)  # kept by the terminal until the process reads it
    received = b""
    # A process still waiting after a minute waits for more than was typed (a question asked
    # again): killed, so the test fails on what it showed instead of hanging
    deadline = time.monotonic() + 60
    while True:
        if not select.select([leader], [], [], max(0.0, deadline - time.monotonic()))[0]:
            process.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return process.wait(timeout=60), received
