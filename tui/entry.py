"""The console script's entry point, so that Ctrl-C while pdca's code loads ends as it does
later: ``pdca: aborted``, exit status 130.

Loading the command line takes a tenth of a second or so; a Ctrl-C then printed Python's
traceback (a retrial). Nothing is written before the command runs, so there is nothing to
clean up. This module imports nothing of pdca's until it is called.
"""

from __future__ import annotations

import contextlib
import sys


def main() -> None:
    try:
        from pdca.tui.cli import main as run_command_line

        run_command_line()
    except KeyboardInterrupt:  # before the command's own stop handling took over
        say_aborted()
        sys.exit(130)


def say_aborted() -> None:
    """``pdca: aborted``, after Ctrl-C; on a terminal below the ``^C`` it echoed, not after
    it; where stderr has gone, nothing (the exit status tells)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write("\npdca: aborted\n" if sys.stderr.isatty() else "pdca: aborted\n")
        sys.stderr.flush()
