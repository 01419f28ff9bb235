"""Which database file pdca uses, and why: ``--db``, ``$PDCA_DB``, the nearest ``pdca.db`` up
the directory tree (as git finds ``.git``), else one in the user's data directory."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from pdca.db.errors import InvalidInput, PdcaError

DB_NAME = "pdca.db"


class ResolvedPath(NamedTuple):  # quick to make at import, as models.ActionFields
    path: Path
    rule: str  # "--db", "PDCA_DB", "found", "user data dir", "demo"

    @property
    def is_default(self) -> bool:
        return self.rule == "user data dir"


class NoHome(PdcaError):
    """Neither ``$HOME`` nor a passwd entry says where this user's files go."""


def base_directory(environ: Mapping[str, str], variable: str, *under_home: str) -> Path:
    """An XDG base directory: ``$variable`` when it is an absolute path (the XDG spec ignores
    relative ones), else ``under_home`` in the home directory, from ``$HOME`` or the passwd
    entry. With neither (a uid without a passwd entry, HOME unset) raise ``NoHome``:
    ``expanduser`` would answer ``~`` itself, and a tester's crash log went into a folder
    named ``~`` inside the team's directory."""
    base = environ.get(variable, "")
    if os.path.isabs(base):
        return Path(base)
    given = environ.get("HOME")
    # An empty HOME is no home, as an unset one: ``expanduser`` answered "/" for it, and the
    # default database went under /.local (a tester).
    home = given or passwd_home()
    if not os.path.isabs(home):
        why = (
            f"HOME ({given!r}) is not an absolute path"
            if given
            else f"HOME is not set and uid {os.getuid()} has no passwd entry"
        )
        raise NoHome(f"no home directory: {why} (set HOME, or {variable})")
    if not os.path.isdir(home):
        # A daemon's HOME=/nonexistent: root made /nonexistent/.local/share/pdca/pdca.db
        # there, a home nobody meant (a tester)
        raise NoHome(f"no home directory: HOME ({home}) is not a folder (set HOME, or {variable})")
    return Path(home, *under_home)


def passwd_home() -> str:
    """This uid's home directory from the passwd entry ("" when it has none)."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        return ""


def user_data_dir(environ: Mapping[str, str]) -> Path:
    return base_directory(environ, "XDG_DATA_HOME", ".local", "share") / "pdca"


def resolve_db_path(option: str | None, environ: Mapping[str, str], cwd: Path) -> ResolvedPath:
    if option:
        return ResolvedPath(_absolute(option, cwd, "--db"), "--db")
    if environ.get("PDCA_DB"):  # set empty: switched off, as for any variable
        if not environ["PDCA_DB"].strip():
            raise InvalidInput("PDCA_DB", environ["PDCA_DB"], "is not a path")
        return ResolvedPath(_absolute(environ["PDCA_DB"], cwd, "PDCA_DB"), "PDCA_DB")
    for directory in (cwd, *cwd.parents):
        candidate = directory / DB_NAME
        try:
            # A broken link counts too: opening it then says it is broken, instead of
            # quietly using another file. (A folder by that name is not ours.)
            if candidate.is_file() or candidate.is_symlink():
                return ResolvedPath(candidate, "found")
            # The team's file renamed or removed under its -wal: that is the file meant
            # here, said missing, not a new one of one's own made quietly (a tester's add
            # in the team folder went to ~/.local/share). ``lexists`` stats, opens nothing.
            if any(os.path.lexists(f"{candidate}{end}") for end in ("-wal", "-journal")):
                return ResolvedPath(candidate, "found")
        except PermissionError:
            if directory == cwd and _a_teams_folder(cwd):
                # Standing in a team's folder one may not enter (su and runuser keep the
                # shell's folder): an add went to a new file of one's own, "no pdca.db above
                # here" said (a trial). Not another person's home (sudo -u ann from root's):
                # one's own file, as before (a reviewer)
                from pdca.db.access import cannot_reach

                raise PdcaError(
                    f"{cannot_reach(candidate)}; or name a file with --db or $PDCA_DB"
                ) from None
            continue  # a folder we may not look into: it cannot hold ours
        except OSError:
            continue
    try:
        return ResolvedPath(user_data_dir(environ) / DB_NAME, "user data dir")
    except NoHome as error:
        raise NoHome(f"{error}; or name the database with --db or PDCA_DB") from None


def _absolute(text: str, cwd: Path, field: str) -> Path:
    if text.endswith(("/", os.sep)) or os.path.basename(text) in (".", ".."):
        # Path() drops the slash: "--db newplace/ init" made a file named newplace where a
        # folder was meant (a tester)
        in_it = os.path.join(os.path.normpath(text), DB_NAME)
        raise InvalidInput(field, text, f"names a folder, not a file: name the file ({in_it})")
    path = Path(os.path.expanduser(text))
    return path if path.is_absolute() else cwd / path


def _a_teams_folder(folder: Path) -> bool:
    """A folder a group writes, or that gives its group to what is made in it (2770
    root:team, as the README sets one up)."""
    try:
        return bool(folder.stat().st_mode & (stat.S_IWGRP | stat.S_ISGID))
    except OSError:
        return False


def describe_rule(resolved: ResolvedPath) -> str:
    return {
        "--db": "given with --db",
        "PDCA_DB": "from $PDCA_DB",
        # "above" read as wrong for the file in the current folder itself (a new user)
        "found": "the nearest pdca.db, in the current folder or above it",
        "user data dir": "your per-user default (no --db, no $PDCA_DB, no pdca.db found above)",
        "demo": "pdca demo's throwaway file, in your per-user data folder",
    }[resolved.rule]
