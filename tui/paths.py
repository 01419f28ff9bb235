"""Which database file pdca uses, and why: ``--db``, ``$PDCA_DB``, the nearest ``pdca.db`` up
the directory tree (as git finds ``.git``), else one in the user's data directory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pdca.db.errors import InvalidInput

DB_NAME = "pdca.db"


@dataclass(frozen=True)
class ResolvedPath:
    path: Path
    rule: str  # "--db", "PDCA_DB", "found", "user data dir", "demo"

    @property
    def is_default(self) -> bool:
        return self.rule == "user data dir"


def user_data_dir(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_DATA_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".local", "share"
    )
    return Path(base) / "pdca"


def resolve_db_path(option: str | None, environ: Mapping[str, str], cwd: Path) -> ResolvedPath:
    if option:
        return ResolvedPath(_absolute(option, cwd), "--db")
    if environ.get("PDCA_DB"):  # set empty: switched off, as for any variable
        if not environ["PDCA_DB"].strip():
            raise InvalidInput("PDCA_DB", environ["PDCA_DB"], "is not a path")
        return ResolvedPath(_absolute(environ["PDCA_DB"], cwd), "PDCA_DB")
    for directory in (cwd, *cwd.parents):
        candidate = directory / DB_NAME
        try:
            # A broken link counts too: opening it then says it is broken, instead of
            # quietly using another file. (A folder by that name is not ours.)
            if candidate.is_file() or candidate.is_symlink():
                return ResolvedPath(candidate, "found")
        except OSError:  # a folder above that we may not look into: it cannot hold ours
            continue
    return ResolvedPath(user_data_dir(environ) / DB_NAME, "user data dir")


def _absolute(text: str, cwd: Path) -> Path:
    path = Path(os.path.expanduser(text))
    return path if path.is_absolute() else cwd / path


def describe_rule(resolved: ResolvedPath) -> str:
    return {
        "--db": "given with --db",
        "PDCA_DB": "from $PDCA_DB",
        "found": "the nearest pdca.db above the current directory",
        "user data dir": "your per-user default (no --db, no $PDCA_DB, no pdca.db found above)",
        "demo": "pdca demo's throwaway file, in your per-user data folder",
    }[resolved.rule]
