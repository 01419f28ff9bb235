"""Files pdca writes where a person said (``export --out``): whole, or not at all.

The text goes to a hidden temporary name in the same folder, is flushed to disk, and then
renamed over the target, so a full disk or a killed process leaves the old file (or none),
never a truncated one that looks complete.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from pdca.db import commit_marks
from pdca.db.errors import InvalidInput
from pdca.db.input_files import not_a_file, sqlite_side_name, starts_as_sqlite


def writable_target(target: str, field: str = "--out") -> tuple[Path, os.stat_result | None]:
    """The file ``target`` names (through a link), and what is there now, if it can be written
    there: asked before the work that makes the text (a tester waited 50 s for a 100 000-action
    export to be told the folder did not exist)."""
    if not target.strip():
        raise InvalidInput(field, target, "is not a path")
    if target.endswith(os.sep):
        raise InvalidInput(field, target, "names a folder; name a file in it")
    _refuse_a_link_of_someone_elses(target, field)
    # Through a link to the file it names: replacing the link itself would leave its target
    # stale and the link a plain file.
    path = Path(os.path.realpath(target))
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise InvalidInput(field, target, f"cannot be written ({error.strerror})") from None
    if existing is not None and (kind := not_a_file(existing.st_mode)):
        raise InvalidInput(field, target, f"is {kind}, not a file")
    if (database := _a_database(path, exists=existing is not None)) is not None:
        raise InvalidInput(
            field, target, f"is {database}: pdca never writes over one; name another file"
        )
    if not path.parent.is_dir():
        raise InvalidInput(field, target, "is in a folder that does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):  # the temporary file is made there
        from pdca.db.access import read_only_mount, read_only_mount_said

        if (mount := read_only_mount(path)) is not None:  # no chmod helps (a retrial)
            raise InvalidInput(
                field, target, f"is on a mount no one may write: {read_only_mount_said(mount)}"
            )
        raise InvalidInput(field, target, f"is in a folder you may not write ({path.parent})")
    return path, existing


def _refuse_a_link_of_someone_elses(target: str, field: str) -> None:
    """A link made by someone else (not root) is not written through: in a team's folder a
    colleague's ``export.json -> /home/ann/.bashrc`` made ann's nightly export write JSON,
    its titles and all, over her shell's start-up file (a hostile tester's link to a private
    file was written through)."""
    from pdca.db.access import someone_elses_link

    link = someone_elses_link(target)
    if link is not None:
        raise InvalidInput(
            field,
            target,
            f"goes through a link: {link}; pdca writes through a link only of your own: name"
            " the file itself",
        )


SQLITE_BESIDE = ("-wal", "-shm", "-journal")


def _a_database(path: Path, *, exists: bool = True) -> str | None:
    """What ``path`` is if it is a SQLite database or one of the files SQLite keeps beside
    one, in words; None for any other file. An export or a report written over a team's
    database (or a backup) replaced it whole, its -wal and -shm left beside a JSON file,
    and a board on it stopped (a tester).

    Only ``os.stat`` for SQLite's files beside it; the first 16 bytes are read only where
    none is there, so no SQLite of any process has the file open with a journal (and this
    process has no connection to any file but its own database, refused before this)."""
    for suffix in SQLITE_BESIDE:
        stem = Path(str(path).removesuffix(suffix))
        if path.name.endswith(suffix) and starts_as_sqlite(stem):
            # Not there yet counts too: SQLite reads a -journal beside its file as a hot
            # journal (everyone's commands waited 10 s on one, a tester) and deletes a stray
            # -wal or -journal, the export in it with it.
            return f"the {suffix} name of the database {stem.name}"
    if (side := sqlite_side_name(path)) is not None:  # with no database there yet either
        stem = Path(str(path).removesuffix(side))
        return f"a name SQLite keeps beside a database (the {side} of {stem.name})"
    beside = [suffix for suffix in SQLITE_BESIDE if os.path.exists(f"{path}{suffix}")]
    if not exists and any(suffix in beside for suffix in ("-wal", "-shm")):
        # A database's -wal with no database (moved away, or on its way back): a file
        # written there would be read with it by the next SQLite to open it.
        left = next(suffix for suffix in beside if suffix != "-journal")
        return f"a database's place (its {left} is there)"
    if not exists:
        return None
    if beside and (starts_as_sqlite(path) or beside != ["-journal"]):
        # A -wal or -shm is SQLite's alone; a -journal may be any file's ("notes-journal"
        # beside "notes"), so it counts only beside a database.
        return f"a database in use (its {beside[0]} is beside it)"
    return "a SQLite database" if starts_as_sqlite(path) else None


def write_whole(
    target: str,
    text: str | Iterable[str],
    field: str = "--out",
    *,
    readable_as: Path | None = None,
) -> None:
    """Write ``text`` (or its pieces, as they come: an export of a gigabyte is never whole
    in memory) to the file ``target`` names (as typed: "" is no path, not "."), in place
    only once all of it is written. ``readable_as``: the database it tells of; the file is
    readable by no more than that one (as a backup of it is): a team's whole export in a
    home was readable by everyone on the server, the database by the team only (a tester),
    and one written over a 0644 file kept that file's mode (a tester)."""
    path, existing = writable_target(target, field)
    temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            if existing is not None:  # the replaced file keeps its permissions
                os.fchmod(descriptor, stat.S_IMODE(existing.st_mode))
            elif (mode := _personal_unless_shared(path.parent)) is not None:
                os.fchmod(descriptor, mode)
            if readable_as is not None:  # a file replaced too: never wider (a tester)
                with contextlib.suppress(OSError):  # the database gone meanwhile: as made
                    os.fchmod(
                        descriptor,
                        stat.S_IMODE(os.fstat(descriptor).st_mode)
                        & stat.S_IMODE(os.stat(readable_as).st_mode),
                    )
            with open(descriptor, "w", encoding="utf-8", closefd=False) as out:
                out.writelines([text] if isinstance(text, str) else text)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
        commit_marks.committing()  # written: said as saved, whatever the output does next
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        what = "nothing written" if existing is None else "the old file is unchanged"
        why = f"could not be written ({error.strerror}); {what}"
        raise InvalidInput(field, target, why) from None
    except BaseException:
        # The pieces are read as they are written (an export): ctrl+c or a refusal half way
        # left a hidden temporary file of up to a gigabyte (a reviewer).
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _personal_unless_shared(folder: Path) -> int | None:
    """A new file's mode: the person's own umask's, once pdca set the team's (007) for a
    database in a team folder, unless it goes into a group-shared folder itself."""
    from pdca.db.filesystem import directory_is_group_shared, personal_mode

    mode = personal_mode(0o666)
    return None if mode is None or directory_is_group_shared(folder) else mode
