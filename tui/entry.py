"""The console script's entry point, so that Ctrl-C while pdca's code loads ends as it does
later: ``pdca: aborted``, exit status 130 (and a SIGTERM or SIGHUP: ``pdca: stopped by ...``).

Loading the command line takes a tenth of a second or so; a Ctrl-C then printed Python's
traceback (a retrial). Nothing is written before the command runs, so there is nothing to
clean up. This module imports nothing of pdca's until it is called.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import IO


class _StoppedLoading(BaseException):
    """SIGTERM or SIGHUP while pdca's code loads, before the command's own handling."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_loading(signum: int, _frame: object) -> None:
    raise _StoppedLoading(signum)


# A stop is only ever said where nothing was saved (tui/stopping.py): said so, for scripts.
NOTHING_WRITTEN = "; nothing written"


def main() -> None:
    # A kill in the first moments ended the process without a word, where a moment later it
    # said "pdca: stopped by SIGTERM" (a lead's trial). An ignored one (nohup) stays so.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _stop_loading)
    try:
        from pdca.tui.cli import main as run_command_line

        run_command_line()
    except KeyboardInterrupt:  # before the command's own stop handling took over
        say_aborted()
        sys.exit(130)
    except _StoppedLoading as stop:
        _say_last(f"pdca: stopped by {signal.Signals(stop.signum).name}{NOTHING_WRITTEN}\n")
        sys.exit(128 + stop.signum)
    finally:
        # The command has said all it will: a stop now finds nothing to stop. Python sets
        # the default handlers back as it ends, and a kill in those last moments ended a
        # 'pdca list' that had printed everything with status -15 and no word (a retrial).
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            with contextlib.suppress(OSError, ValueError):
                signal.signal(signum, signal.SIG_IGN)


def say_aborted() -> None:
    """``pdca: aborted``, after Ctrl-C; on a terminal below the ``^C`` it echoed, not after
    it; where stderr has gone, nothing (the exit status tells)."""
    said = f"pdca: aborted{NOTHING_WRITTEN}\n"
    with contextlib.suppress(OSError, ValueError, AttributeError):
        said = f"\n{said}" if sys.stderr.isatty() else said
    _say_last(said)


def _say_last(text: str) -> None:
    """``text`` on stderr; where stderr has gone, nothing, and the exit status tells."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        silence(sys.stderr)


def silence(stream: IO[str] | None) -> None:
    """Later writes to ``stream``, and what its buffer still holds, go nowhere: Python's own
    flush as it ends then meets no failure. It exited 120, whatever the command's status,
    where stderr failed too (a tester's cron, ``>> log 2>&1`` on a full disk, retried a
    saved change)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, stream.fileno())  # type: ignore[union-attr]
    except (OSError, ValueError, AttributeError):
        pass  # no stream to silence
    finally:
        os.close(devnull)
