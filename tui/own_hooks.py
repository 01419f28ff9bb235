"""The command hook this login set itself for each database, kept where only it can write.

``pdca notify config command CMD`` writes the hook into the team's file, which every member
can write, and the hook runs in the ``pdca notify`` of whoever set it. Who set it was read
from that file too: a colleague who wrote another name there (``PDCA_USER=ann``, or
sqlite3) made ann's cron run their command as ann (a hostile tester). Now a run executes a
hook only if this login set that very command for that file, and has not replaced or turned
it off since: ``~/.config/pdca/notify-commands`` (0600, in a folder only its owner may
write) holds, for each database this login set a hook on, a digest of the file (its real
path, device and inode) and of the command. Replaced or ``none``, the old one is gone: a
reviewer turned on again a command ann had withdrawn.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from pdca.db.errors import PdcaError
from pdca.tui.paths import NoHome, base_directory

HOOKS_FILE = "notify-commands"


class HookNotKept(PdcaError):
    """The command could not be kept in the person's own folder: it is not set."""


def hooks_path(environ: Mapping[str, str]) -> Path:
    return base_directory(environ, "XDG_CONFIG_HOME", ".config") / "pdca" / HOOKS_FILE


def digest(text: str | bytes) -> str:
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()


def _file_key(database: Path) -> str:
    """The database, as its real path and the file there (device and inode): the same file
    by any name it is opened with, and not another put in its place. A colleague moved his
    own file, with ann's command under her name, to the team's file's path, and her hook
    ran on it with what he chose on its stdin (a retrial)."""
    real = os.path.realpath(database)
    try:
        found = os.stat(real)
    except OSError:
        return digest(os.fsencode(real))
    return digest(os.fsencode(real) + f"\0{found.st_dev}:{found.st_ino}".encode())


def remember_command(environ: Mapping[str, str], database: Path, command: str | None) -> None:
    """Keep ``command`` as the one this login set on ``database`` (None: none): called once
    the team's file holds it (a refused write had changed the record first, and a working
    hook stopped: a reviewer); whatever it set there before is no longer its own. Read and
    written under a lock of its own: two at once lost one, a withdrawal among them."""
    path = hooks_path(environ)
    key = _file_key(database)
    try:
        _ready(path)
        with _locked(path):
            kept = [line for line in _lines(path) if not line.startswith(f"{key} ")]
            if command is not None:
                kept.append(f"{key} {digest(command)}")
            _write_alone(path, "".join(f"{line}\n" for line in kept))
    except OSError as error:
        raise _not_kept(path, error) from None


def can_keep_command(environ: Mapping[str, str]) -> None:
    """Raise ``HookNotKept`` if ``remember_command`` could not keep one now (no home, a
    folder others may write in or this login cannot): asked before the team's file is
    written, where a refused keep had already replaced a colleague's working hook and
    exited 1 (a script author)."""
    path = hooks_path(environ)
    try:
        _ready(path, "nothing written")
        for place in (path, Path(f"{path}.lock")):
            if place.exists() and not os.access(place, os.R_OK | os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(place))
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path.parent))
    except OSError as error:
        raise _not_kept(path, error, "nothing written") from None


NOT_KEPT = "the command is not kept as yours, so it does not run"


def _ready(path: Path, outcome: str = NOT_KEPT) -> None:
    """``path``'s folder made if missing, and this login's alone (else ``outcome`` is said)."""
    from pdca.db.filesystem import make_personal_folder

    make_personal_folder(path.parent)
    found = os.stat(path.parent)
    if found.st_uid != os.getuid():
        # Someone else's: "chmod go-w" of a folder this login cannot chmod (HOME pointed at
        # a colleague's home, a retrial)
        from pdca.db.access import user_name

        raise HookNotKept(
            f"{path.parent} is {user_name(found.st_uid)}'s, not yours (HOME or"
            f" XDG_CONFIG_HOME points at their files?): {outcome}"
        )
    if not _only_mine(found):
        raise HookNotKept(
            f"{path.parent} is not yours alone (others may write in it): {outcome};"
            f" chmod go-w {path.parent}, then set it again"
        )


def _not_kept(path: Path, error: OSError, outcome: str = NOT_KEPT) -> HookNotKept:
    return HookNotKept(
        f"cannot keep the command in {path} ({error.strerror}), where your runs check"
        f" that you set it: {outcome}"
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """``path``'s own lock file held (flock; never the database's files)."""
    import fcntl

    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # lets the lock go


def set_by_me(environ: Mapping[str, str], database: Path) -> Callable[[str], bool]:
    """Whether a command is the one this login set on ``database``: read when a hook is to
    run (a board runs for hours, and its person may set a hook meanwhile)."""
    try:
        path = hooks_path(environ)
    except NoHome:  # no folder of one's own: no hook is known to be one's own
        return lambda _command: False
    key = _file_key(database)
    return lambda command: f"{key} {digest(command)}" in _lines(path)


def record_problem(environ: Mapping[str, str]) -> str | None:
    """Why the record of this login's hooks proves nothing (others may write it or its
    folder), in words with the fix; None when it can be trusted or is not there. A hook
    refused for that was said as "not set by them", and setting it again was no help (a
    retrial)."""
    try:
        path = hooks_path(environ)
    except NoHome:
        return None
    for place in (path.parent, path):
        try:
            found = os.lstat(place)
        except OSError:
            return None
        if stat.S_ISLNK(found.st_mode) or not _only_mine(found):
            return (
                f"{place} is not yours alone (mode {found.st_mode & 0o7777:04o}): chmod go-w"
                f" {place}, then set the hook again"
            )
    return None


def _lines(path: Path) -> list[str]:
    """The lines of ``path``; none when it is missing, or others may write it or its folder
    (then it proves nothing)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return []
    try:
        if not _only_mine(os.fstat(fd)) or not _only_mine(os.stat(path.parent)):
            return []
        with os.fdopen(os.dup(fd), "rb") as file:
            text = file.read(1 << 20).decode("ascii", "replace")
    except OSError:
        return []
    finally:
        os.close(fd)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _write_alone(path: Path, text: str) -> None:
    """``text`` as ``path``, 0600, whole: written beside it and renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, text.encode("ascii"))
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    os.close(fd)
    os.replace(temporary, path)


def _only_mine(found: os.stat_result) -> bool:
    return found.st_uid == os.getuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
