"""When the app crashes: the traceback goes to a file of the user's own, and one line says where.

The file is ``$XDG_STATE_HOME/pdca/crash-<time>-<pid>.log`` (``~/.local/state/pdca``), readable
by the user alone (a traceback may hold the team's data), never beside the shared database.
"""

from __future__ import annotations

import contextlib
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


def state_directories(environ: Mapping[str, str]) -> list[Path]:
    """Where this person's own files (crash logs, what a hung-up board could not save) go,
    first choice first: ``crash_directory``, unless it is someone else's, then the one in
    the home their passwd entry names. ``su ben`` keeps ann's XDG_STATE_HOME and root's
    ``sudo -E`` ann's HOME: ben's typing went nowhere, root's into ann's home as a file she
    could not read (a tester)."""
    from pdca.db.filesystem import someone_elses

    found: list[Path] = []
    try:
        first = crash_directory(environ)
        if someone_elses(first) is None:
            found.append(first)
    except NoHome:
        pass
    own = passwd_state_directory()
    if own is not None and own not in found:
        found.append(own)
    return found


def passwd_state_directory() -> Path | None:
    """``~/.local/state/pdca`` in the home this uid's passwd entry names (None: it has none)."""
    from pdca.tui.paths import passwd_home

    home = passwd_home()
    if os.path.isabs(home) and os.path.isdir(home):
        return Path(home, ".local", "state", "pdca")
    return None


def write_state_file(environ: Mapping[str, str], kind: str, suffix: str, text: str) -> Path | None:
    """``text`` in a new file ``<kind>-<time>-<pid><suffix>`` of the person's own, readable by
    them alone, in the first of ``state_directories`` that takes it; its path, or None when
    none does (a full disk, a home not writable). Nothing is left half-written: an empty
    file was named at every start as holding what to do again (a trial)."""
    from pdca.db.filesystem import make_personal_folder

    moment = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for directory in state_directories(environ):
        path = directory / f"{kind}-{moment}-{os.getpid()}{suffix}"
        try:
            make_personal_folder(directory)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            continue
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        return path
    return None


def state_unwritable(environ: Mapping[str, str]) -> str | None:
    """Why none of ``state_directories`` can take a file now (each looked at where it is, or
    the nearest folder above that is), said for the board's start; None when one can."""
    why = "no home directory (set HOME, or XDG_STATE_HOME)"
    try:
        crash_directory(environ)
    except NoHome as error:
        why = str(error)  # which: HOME not a folder, not absolute, unset (a retrial)
    shown: Path | None = None
    for directory in state_directories(environ):
        folder = directory
        while not os.path.lexists(folder) and folder.parent != folder:
            folder = folder.parent
        try:
            room = os.statvfs(folder)
        except OSError as error:
            why = error.strerror or str(error)
        else:
            if not os.access(folder, os.W_OK | os.X_OK):
                why = f"{folder} is not writable"
            elif room.f_bavail * room.f_frsize < _ROOM_NEEDED:
                why = f"no room left in {folder}"
            else:
                return None
        shown = shown or directory
    where = f"{shown}: " if shown is not None else ""
    return (
        f"what a lost connection leaves unsaved cannot be kept: {where}{why};"
        " set XDG_STATE_HOME to a folder of yours"
    )


_ROOM_NEEDED = 64 * 1024  # a file of what was typed, and a folder for it


def write_crash_log(error: BaseException, environ: Mapping[str, str], context: str) -> Path | None:
    """Write ``error``'s traceback (and what pdca had open) to a new file; its path, or None
    when even that failed (then the caller still exits non-zero, with the error's line)."""
    moment = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = "".join(traceback.format_exception(error))
    return write_state_file(
        environ, "crash", ".log", f"pdca crashed at {moment}\n{context}\n\n{text}"
    )


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
