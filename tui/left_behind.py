"""What a board that lost its terminal could not save, kept in a file for its person.

At quit the board prints each change it could not save (a refused save kept for a ``c`` or
``e`` that never came, a form open at quit). After a hang-up (an SSH connection dropped)
that terminal is gone and the lines went nowhere: a kept check-in was lost for good (a
tester). They go to ``$XDG_STATE_HOME/pdca/unsaved-<time>-<pid>.txt`` (``~/.local/state``),
readable by its person only, and each start of the board says the files are there until
they are removed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from pdca.tui.crash import state_directories, write_state_file

PATTERN = "unsaved-*.txt"


def write_left_behind(
    lines: list[str],
    environ: Mapping[str, str],
    database: Path,
    hung_up_at: datetime | None = None,
) -> Path | None:
    """Write ``lines`` (of the board on ``database``) to a new file of the person's own; its
    path, or None when there is nowhere to put it (no home, a full disk). ``hung_up_at``:
    when the terminal went, if a save waited for a lock after it (the file said the time it
    was written, five minutes later, as the hang-up's: a trial)."""
    now = datetime.now(UTC)
    hung_up = hung_up_at or now
    written = (
        f" (written at {now.strftime('%H:%M:%S UTC')}, when its last save had ended)"
        if (now - hung_up).total_seconds() >= 1
        else ""
    )
    text = (
        # Which file: someone with two could not tell which #1 (a reviewer)
        f"pdca: the terminal hung up at {hung_up.strftime('%Y-%m-%d %H:%M:%S UTC')}{written};"
        f" what the board on {database} could not save:\n"
        # The lines are as printed at quit: texts quoted as Python writes them (a
        # tester pasted a doubled backslash back into a title)
        "(texts are quoted: \\\\ is one backslash, \\n a new line, \\x1b an escape)\n"
        + "".join(f"{line}\n" for line in lines)
    )
    return write_state_file(environ, "unsaved", ".txt", text)


def left_behind_notice(environ: Mapping[str, str]) -> str | None:
    """``what a board that lost its terminal could not save is in ...``, while such files
    are there; None when there are none (or nowhere to look)."""
    found: list[Path] = []
    for directory in state_directories(environ):
        with contextlib.suppress(OSError):
            found += directory.glob(PATTERN)
    if not found:
        return None
    found.sort(key=lambda kept: kept.name)  # by the time in the name
    if len(found) > 1:
        # "(2 files)" named one: the other was nowhere (one person in two places)
        folders = sorted({str(kept.parent) for kept in found})
        newest = found[-1].name if len(folders) == 1 else found[-1]
        return (
            f"what boards that lost their terminal could not save is in {len(found)} files,"
            f" {' and '.join(f'{folder}/unsaved-*.txt' for folder in folders)} (the newest"
            f" {newest}): make those changes again, then remove the files"
        )
    return (
        f"what a board{_on_which(found[-1])} that lost its terminal could not save is in"
        f" {found[-1]}: make those changes again, then remove the file"
    )


_BOARD_ON = re.compile(r" what the board on (.+) could not save:$")


def _on_which(kept: Path) -> str:
    """`` on /srv/team/pdca.db``, from the file's first line: one person with boards on two
    files could not tell which the note was about (a new lead); "" if it cannot be read."""
    try:
        with kept.open(encoding="utf-8", errors="replace") as text:
            first = text.readline(4096).rstrip("\n")
    except OSError:
        return ""
    found = _BOARD_ON.search(first)
    return f" on {found.group(1)}" if found else ""
