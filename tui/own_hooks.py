"""The command hooks this login set itself, kept where only it can write: its own folder.

``pdca notify config command CMD`` writes the hook into the team's file, which every member
can write, and the hook runs in the ``pdca notify`` of whoever set it. Who set it was read
from that file too: a colleague who wrote another name there (``PDCA_USER=ann``, or
sqlite3) made ann's cron run their command as ann (a hostile tester). Now a run executes a
hook only if this login set that very command: a digest of each command it set is kept in
``~/.config/pdca/notify-commands`` (0600), a file nobody else can write.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from pdca.db.errors import PdcaError
from pdca.tui.paths import NoHome, base_directory

HOOKS_FILE = "notify-commands"


class HookNotKept(PdcaError):
    """The command could not be kept in the person's own folder: it is not set."""


def hooks_path(environ: Mapping[str, str]) -> Path:
    return base_directory(environ, "XDG_CONFIG_HOME", ".config") / "pdca" / HOOKS_FILE


def digest(command: str) -> str:
    return hashlib.sha256(command.encode("utf-8", "surrogateescape")).hexdigest()


def remember_command(environ: Mapping[str, str], command: str) -> None:
    """Keep ``command`` as one this login set (before the team's file says so)."""
    path = hooks_path(environ)
    if digest(command) in _kept(path):
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            if not _only_mine(os.fstat(fd)):
                raise HookNotKept(
                    f"{path} is not yours alone (others may write it): the command is not"
                    " set; remove that file, then set the command again"
                )
            os.write(fd, f"{digest(command)}\n".encode("ascii"))
        finally:
            os.close(fd)
    except OSError as error:
        raise HookNotKept(
            f"cannot keep the command in {path} ({error.strerror}), where your runs check"
            " that you set it: it is not set"
        ) from None


def set_by_me(environ: Mapping[str, str]) -> Callable[[str], bool]:
    """Whether a command is one this login set: read when a hook is to run (a board runs
    for hours, and its person may set a hook meanwhile)."""
    try:
        path = hooks_path(environ)
    except NoHome:  # no folder of one's own: no hook is known to be one's own
        return lambda _command: False
    return lambda command: digest(command) in _kept(path)


def _kept(path: Path) -> set[str]:
    """The digests in ``path``; none when it is missing, or others may write it or its
    folder (then it proves nothing)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return set()
    try:
        if not _only_mine(os.fstat(fd)) or not _only_mine(os.stat(path.parent)):
            return set()
        with os.fdopen(os.dup(fd), "rb") as file:
            text = file.read(1 << 20).decode("ascii", "replace")
    except OSError:
        return set()
    finally:
        os.close(fd)
    return {line.strip() for line in text.splitlines() if line.strip()}


def _only_mine(found: os.stat_result) -> bool:
    return found.st_uid == os.getuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
