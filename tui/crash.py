"""When the app crashes: the traceback goes to a file of the user's own, and one line says where.

The file is ``$XDG_STATE_HOME/pdca/crash-<time>-<pid>.log`` (``~/.local/state/pdca``), readable
by the user alone (a traceback may hold the team's data), never beside the shared database.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from pdca.tui.paths import NoHome, base_directory

_STARTED = time.time()  # when this process first imported pdca's code
_PACKAGES = ("pdca.tui", "pdca.screens", "pdca.screens.dialogs", "pdca.widgets", "pdca.db")


def code_changed_since_start() -> bool:
    """Whether a file of pdca's own code changed after this process started: an upgrade
    while a board was open. Its views and dialogs are imported when first opened, so the
    first new one met the new files beside the old ones in memory, and crashed with an
    ImportError that said nothing of why (a team's soak)."""
    for name in _PACKAGES:
        package = sys.modules.get(name)
        for folder in getattr(package, "__path__", ()):
            try:
                with os.scandir(folder) as entries:
                    if any(e.name.endswith(".py") and _changed(e) > _STARTED for e in entries):
                        return True
            except OSError:
                continue
    return False


def _changed(entry: os.DirEntry[str]) -> float:
    """When the file was written or put in place: an installer that keeps the files' own
    times (dpkg, uv's links) leaves an old mtime, but the ctime is the install's."""
    info = entry.stat()
    return max(info.st_mtime, info.st_ctime)


def crash_directory(environ: Mapping[str, str]) -> Path:
    return base_directory(environ, "XDG_STATE_HOME", ".local", "state") / "pdca"


def write_crash_log(error: BaseException, environ: Mapping[str, str], context: str) -> Path | None:
    """Write ``error``'s traceback (and what pdca had open) to a new file; its path, or None
    when even that failed (then the caller still exits non-zero, with the error's line)."""
    try:
        directory = crash_directory(environ)
    except NoHome:
        return None
    moment = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"crash-{moment}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(error))
    try:
        from pdca.db.filesystem import make_personal_folder

        make_personal_folder(directory)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(f"pdca crashed at {moment}\n{context}\n\n{text}")
    except OSError:
        return None
    return path


def crash_line(error: BaseException, log: Path | None) -> str:
    """``pdca: crashed (KeyError: 'x'); the traceback is in ~/.local/state/pdca/crash-....log;
    pdca doctor checks the file``"""
    what = f"{type(error).__name__}: {error}".replace("\n", " ")
    if len(what) > 200:
        what = what[:200] + "…"
    where = f"the traceback is in {log}" if log else "the traceback, not saved, is above"
    if code_changed_since_start():
        return (
            f"pdca: crashed ({what}); {where}; pdca was upgraded while it ran (its files"
            " changed since it started): start it again"
        )
    # A value put in the file by hand is the likeliest cause pdca did not foresee: doctor's
    # values, objects and references checks name one (testers met crashes of that kind).
    return f"pdca: crashed ({what}); {where}; pdca doctor checks the file"
