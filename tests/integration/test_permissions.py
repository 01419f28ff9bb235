"""File modes and read-only users, with real processes and (when the suite runs as root) a
real second Unix user.

- In a setgid, group-writable team directory the database, ``-wal`` and ``-shm`` are group
  read-write, carry the directory's group, and are never readable or writable by others,
  whatever umask the creating process had.
- In a private directory nothing pdca creates is world-writable.
- A user who may read but not write the file can list it; ``add`` says why it cannot, in one
  line naming the file, and the file keeps every byte.
"""

from __future__ import annotations

import atexit
import compileall
import grp
import json
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pdca.db.models import Action, ActionDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO
from tests.integration.support import run_together, siblings

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(autouse=True)
def ordinary_umask() -> Iterator[None]:
    """Each test starts from umask 022: pdca sets 007 in the process when it opens a file in
    a group-shared folder, and an earlier test in this worker may have done so."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _create_under_umask(path: Path, umask: int, tmp_path: Path) -> dict[str, dict[str, int]]:
    """Have a fresh process with ``umask`` create the database and write; return the modes
    and groups of the database, -wal and -shm while they were open."""
    spec = {"job": "permissions", "db": str(path), "umask": umask}
    (report,) = run_together([spec], tmp_path / "rendezvous")
    return report["files"]


def _other_group() -> int | None:
    """A group other than our primary one to give the team directory, so inheriting it shows."""
    if os.geteuid() == 0:
        return 65534  # nogroup: any gid will do for root
    others = [gid for gid in os.getgroups() if gid != os.getegid()]
    return others[0] if others else None


@pytest.mark.parametrize("umask", [0o002, 0o022])
def test_team_directory_files_are_group_read_write_never_other(tmp_path: Path, umask: int) -> None:
    team = tmp_path / "team"
    team.mkdir()
    group = _other_group()
    if group is not None:
        os.chown(team, -1, group)
    team.chmod(0o2770)
    assert team.stat().st_mode & 0o7777 == 0o2770
    path = team / "pdca.db"

    files = _create_under_umask(path, umask, tmp_path)

    assert set(files) == {"db", "-wal", "-shm"}
    assert files["db"]["mode"] == 0o660
    for name, info in files.items():
        mode = info["mode"]
        assert mode & 0o060 == 0o060, f"{name}: {mode:04o} lacks group read-write"
        assert mode & 0o007 == 0, f"{name}: {mode:04o} gives others access"
        assert info["gid"] == team.stat().st_gid, f"{name} did not get the directory's group"
    assert path.stat().st_mode & 0o7777 == 0o660  # and it stays so once everyone closed


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_private_directory_files_are_not_world_writable(tmp_path: Path, umask: int) -> None:
    private = tmp_path / "private"
    private.mkdir()
    private.chmod(0o700)
    path = private / "pdca.db"

    files = _create_under_umask(path, umask, tmp_path)

    assert set(files) == {"db", "-wal", "-shm"}
    for name, info in files.items():
        assert not info["mode"] & stat.S_IWOTH, f"{name}: {info['mode']:04o} is world-writable"
        assert not info["mode"] & stat.S_IWGRP, f"{name}: {info['mode']:04o} in a private dir"
    assert not path.stat().st_mode & (stat.S_IWOTH | stat.S_IWGRP)


# --------------------------------------------------------------------------- read-only users


def _fill(path: Path) -> None:
    store = Store.open(path, actor="owner", clock=lambda: NOW_DT, create=True)
    store.add_action(ActionDraft(title="first written"))
    store.add_action(ActionDraft(title="second written"))
    store.close()


def _digest(path: Path) -> str:
    """``path``'s SHA-256, read by a process of its own that never opens SQLite: this one may
    hold a connection to the file, and closing any descriptor of it here would drop that
    connection's locks (shared/SQLITE.md, "Never touch the file except through SQLite")."""
    code = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())"
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()


def _assert_reads_but_cannot_write(run: Run, path: Path, titles: list[str], reader: str) -> None:
    before = _digest(path)
    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    for title in titles:
        assert title in listed.stdout
    assert listed.stderr == ""

    added = run("add", "x")
    assert added.returncode == 1
    lines = added.stderr.splitlines()
    assert len(lines) == 1, added.stderr
    assert "read-only" in lines[0] and str(path) in lines[0], lines[0]
    assert f"for {reader}" in lines[0], lines[0]  # whom it is read-only for
    assert "mode 0" in lines[0], lines[0]  # and why: the file's owner and mode
    assert added.stdout == ""
    assert "x" not in run("list").stdout.split()
    # init on it: the file is there, and so is a word that this person may only read it
    # ("uses existing" alone, exit 0, a tester)
    again = run("init")
    assert again.returncode == 0 and again.stdout.startswith("uses existing")
    assert again.stderr.startswith("note: read-only: ") and f"for {reader}" in again.stderr
    assert _digest(path) == before


def _distributions(names: list[str]) -> dict[str, metadata.Distribution]:
    """The installed distributions ``names`` need to run here, by their normalised names."""
    found: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        distribution = metadata.distribution(todo.pop())
        key = canonicalize_name(distribution.metadata["Name"])
        if key in found:
            continue
        found[key] = distribution
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


CLI_PACKAGES = ("db", "tui")
CLI_DISTRIBUTIONS = ("click", "pydantic", "sqlite-utils")
# What ``tui.app`` imports besides the command line's needs: the views and Textual.
APP_PACKAGES = (*CLI_PACKAGES, "screens", "widgets")
APP_DISTRIBUTIONS = (*CLI_DISTRIBUTIONS, "textual", "textual-plotext")


# Each staged copy, by what it holds: made once per test process, removed when it ends.
_STAGED: dict[tuple[tuple[str, ...], tuple[str, ...]], Path] = {}


def _stage(
    public_dir: Path,
    packages: tuple[str, ...] = CLI_PACKAGES,
    distributions: tuple[str, ...] = CLI_DISTRIBUTIONS,
) -> Path:
    """A copy of pdca's command line (or, given more ``packages`` and ``distributions``, its
    app) and what it imports, where any user may read it.

    Our interpreter's packages may sit in root's private home (pyenv, a venv's symlinks), which
    another user cannot enter; so copy them, with pdca's own packages, into a public folder:
    once per test process (the tests only read it), compiled as an install is, so that
    nobody's processes, which may not write a __pycache__ there, do not compile every module
    of pydantic and Textual again each time they start. ``public_dir`` is the test's own."""
    key = (packages, distributions)
    if key not in _STAGED:
        folder = Path(tempfile.mkdtemp(prefix="pdca-site-", dir="/tmp"))
        folder.chmod(0o755)
        atexit.register(shutil.rmtree, folder, True)
        _STAGED[key] = _copy_site(folder / "site", packages, distributions)
    return _STAGED[key]


def _copy_site(site: Path, packages: tuple[str, ...], distributions: tuple[str, ...]) -> Path:
    for package in packages:
        shutil.copytree(  # where an install puts it: under the one package, pdca
            REPO / package, site / "pdca" / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    for distribution in _distributions(list(distributions)).values():
        for file in distribution.files or []:
            source = Path(distribution.locate_file(file))
            if "__pycache__" in file.parts or ".." in file.parts or not source.is_file():
                continue
            (site / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, site / file)
    compileall.compile_dir(site, quiet=2, workers=1)  # as pip does at install
    # Every mode set outright: an earlier test in this process may have left umask 007
    # (pdca sets it when it opens a file in a group-shared folder).
    site.chmod(0o755)
    for root, dirs, files in os.walk(site):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    return site


def _python_for(user: pwd.struct_passwd, env: dict[str, str], cwd: Path) -> str:
    """An interpreter ``user`` may execute that imports pdca from ``env``'s PYTHONPATH: ours, or
    failing that (ours may sit in root's home) the system one of the same minor version."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    tried = []
    for candidate in candidates:
        try:
            probe = subprocess.run(
                [candidate, "-c", "import pdca.tui.cli, pdca.db.store"],
                user=user.pw_uid,
                group=user.pw_gid,
                extra_groups=[],
                env=env,
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=60,
            )
        except OSError as error:
            tried.append(f"{candidate}: {error}")
            continue
        if probe.returncode == 0:
            return candidate
        tried.append(f"{candidate}: {probe.stderr.strip()[-200:]}")
    # Ours in root's private home (pyenv) and no system Python of its version: another user
    # cannot be run here at all, as when the suite does not run as root (``as_root_only``).
    # Failed, the README's test command was red on a fresh pyenv 3.12 or 3.13 (a trial).
    pytest.skip(
        f"needs a Python {version} that {user.pw_name} may run (ours is in a private folder;"
        f" install python{version} system-wide): {tried}"
    )


@pytest.fixture
def public_dir() -> Iterator[Path]:
    """A directory anyone can traverse (pytest's tmp_path sits in root's private tree)."""
    directory = Path(tempfile.mkdtemp(prefix="pdca-ro-", dir="/tmp"))
    directory.chmod(0o755)
    yield directory
    for root, dirs, _ in os.walk(directory):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
    directory.chmod(0o755)
    shutil.rmtree(directory)


@dataclass(frozen=True)
class Nobody:
    """How to run Python as the real user ``nobody`` over a staged copy of pdca."""

    user: pwd.struct_passwd
    env: dict[str, str]
    python: str
    home: Path


def _as_nobody(work: Path, **stage: tuple[str, ...]) -> Nobody:
    nobody = pwd.getpwnam("nobody")
    home = work / "home"
    home.mkdir()
    os.chown(home, nobody.pw_uid, nobody.pw_gid)
    site = _stage(work, **stage)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "TZ": "UTC",
        "PYTHONPATH": str(site),
    }
    return Nobody(nobody, env, _python_for(nobody, env, home), home)


def _nobody_runner(db_path: Path, work: Path) -> Run:
    nobody = _as_nobody(work)

    def run(*args: str, groups: Sequence[int] = ()) -> subprocess.CompletedProcess[str]:
        """``pdca --db db_path *args`` as nobody, in no supplementary group but ``groups``."""
        return subprocess.run(
            [nobody.python, "-m", "pdca.tui", "--db", str(db_path), *args],
            user=nobody.user.pw_uid,
            group=nobody.user.pw_gid,
            extra_groups=list(groups),
            env=nobody.env,
            cwd=nobody.home,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def _self_runner(db_path: Path, work: Path) -> Run:
    home = work / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "PDCA_USER": "reader",
        "TZ": "UTC",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PDCA_")}, **env}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pdca.tui", "--db", str(db_path), *args],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def test_read_only_user_lists_but_cannot_add(public_dir: Path) -> None:
    """As root: the file 0644 in a 0755 directory, read by ``nobody`` (another real uid).
    As anyone else: the file 0444 in a 0555 directory, read by its owner."""
    shared = public_dir / "shared"
    shared.mkdir()
    path = shared / "pdca.db"
    _fill(path)
    assert siblings(path) == []  # the owner closed it: no -wal, no -shm to lean on
    titles = ["first written", "second written"]
    if os.geteuid() == 0:
        path.chmod(0o644)
        shared.chmod(0o755)
        run, reader = _nobody_runner(path, public_dir), "nobody"
    else:
        path.chmod(0o444)
        shared.chmod(0o555)
        run, reader = _self_runner(path, public_dir), "reader"

    _assert_reads_but_cannot_write(run, path, titles, reader)
    assert sorted(os.listdir(shared)) == ["pdca.db"]  # the reader created nothing there


def test_read_only_user_reads_while_a_writer_has_it_open(public_dir: Path) -> None:
    """The reader sees even what sits only in the open writer's WAL, and still cannot write.
    As root the reader is ``nobody``; otherwise the reader is the file's owner, who has
    taken away its own write permission (a writer in the same process keeps its handle)."""
    shared = public_dir / "shared"
    shared.mkdir()
    path = shared / "pdca.db"
    _fill(path)
    writer = Store.open(path, actor="owner", clock=lambda: NOW_DT)
    try:
        writer.add_action(ActionDraft(title="only in the wal"))
        assert "-wal" in siblings(path) and "-shm" in siblings(path)
        if os.geteuid() == 0:
            path.chmod(0o644)
            run, reader = _nobody_runner(path, public_dir), "nobody"
        else:
            path.chmod(0o444)
            run, reader = _self_runner(path, public_dir), "reader"
        wal_before = _digest(Path(f"{path}-wal"))
        _assert_reads_but_cannot_write(
            run, path, ["first written", "second written", "only in the wal"], reader
        )
        assert _digest(Path(f"{path}-wal")) == wal_before
    finally:
        writer.close()


# --------------------------------------------------------------------------- users kept out


as_root_only = pytest.mark.skipif(
    os.geteuid() != 0, reason="needs root, to run pdca as a second real user (nobody)"
)
ASK = re.compile(
    r"ask to be added to group \S+|its owner \S+ to run: chmod |ask root to run: chgrp "
)


def _group_without(user: pwd.struct_passwd) -> grp.struct_group:
    """A group ``user`` is not in (and not root's), to own a file ``user`` may not read."""
    for group in grp.getgrall():
        if group.gr_gid not in (0, user.pw_gid) and user.pw_name not in group.gr_mem:
            return group
    pytest.fail(f"no group here that {user.pw_name} is not in")


def _owned(path: Path) -> str:
    """``root:staff, mode 0700`` as the test sees it (stat, which opens nothing)."""
    info = os.stat(path)
    owner = pwd.getpwuid(info.st_uid).pw_name
    group = grp.getgrgid(info.st_gid).gr_name
    return f"owned by {owner}:{group}, mode {info.st_mode & 0o7777:04o}"


def _follow_advice(line: str) -> list[int]:
    """Do what the message says to ask for (as root); the groups to run the reader in."""
    groups = [
        grp.getgrnam(name.rstrip(".,;:)")).gr_gid
        for name in re.findall(r"added to group (\S+)", line)
    ]
    # root's group is no team's: "chgrp GROUP" (the team's) and to be put in it
    for name, target in re.findall(r"run: chgrp (\S+) (\S+)", line):
        group = _group_without(pwd.getpwnam("nobody")) if name == "GROUP" else grp.getgrnam(name)
        subprocess.run(["chgrp", group.gr_name, target], check=True)
        groups.append(group.gr_gid)
    for command in re.findall(r"(?:run: |&& )(chmod [^;(]+?)\s*(?:;|\(|$)", line):
        subprocess.run(shlex.split(command), check=True)
    return groups


def _assert_kept_out(run: Run, path: Path, blocker: Path) -> None:
    """``list``, ``add`` and ``doctor`` each fail in one line naming ``path``, ``blocker``'s
    owner, group and mode and what to ask for; nothing is written; following the advice lets
    the reader read the file."""
    listing = sorted(os.listdir(path.parent))
    before = _digest(path)
    owned = _owned(blocker)
    for args in (["list"], ["add", "x"], ["doctor"]):
        result = run(*args)
        shown = f"pdca {' '.join(args)} -> {result.returncode}\n{result.stderr}"
        assert result.returncode == 1, shown
        assert "Traceback" not in result.stderr, shown
        lines = result.stderr.splitlines()
        assert len(lines) == 1, shown
        (line,) = lines
        assert str(path) in line, shown
        assert owned in line, f"{owned!r} missing: {shown}"
        assert ASK.search(line), f"says nothing to ask for: {shown}"
        assert "x" not in result.stdout.split(), shown
    assert sorted(os.listdir(path.parent)) == listing  # nothing created beside the file
    assert _digest(path) == before
    check = Store.open(path, actor="checker", clock=lambda: NOW_DT)
    try:
        titles = [row[0] for row in check.conn.execute("SELECT title FROM actions")]
    finally:
        check.close()
    assert "x" not in titles

    groups = _follow_advice(line)
    listed = run("list", groups=groups)
    assert listed.returncode == 0, f"doing what {line!r} says did not let nobody read it: " + (
        listed.stderr
    )
    assert "first written" in listed.stdout


@as_root_only
@pytest.mark.parametrize("mode", [0o700, 0o750], ids=["0700-root:root", "0750-other-group"])
def test_user_who_may_not_enter_the_directory_is_told_whom_to_ask(
    public_dir: Path, mode: int
) -> None:
    """The file sits in a directory ``nobody`` may not enter: 0700 root:root, or 0750 owned
    by root and a group nobody is not in."""
    locked = public_dir / "locked"
    locked.mkdir()
    path = locked / "pdca.db"
    _fill(path)
    assert siblings(path) == []
    path.chmod(0o644)
    run = _nobody_runner(path, public_dir)
    if mode == 0o750:
        os.chown(locked, 0, _group_without(pwd.getpwnam("nobody")).gr_gid)
    locked.chmod(mode)

    _assert_kept_out(run, path, blocker=locked)
    # where names it too, not "Permission denied" alone (a soak's carl)
    said = run("where")
    assert said.returncode == 0 and "Traceback" not in said.stderr, said.stderr
    assert "note: every command will refuse it:" in said.stderr
    assert f"nobody may not enter {locked}" in said.stderr
    # no command, no terminal: what it would open says so too; it said no file was there and
    # pdca init makes it (a process-mix trial's carl)
    said = run()
    assert said.returncode == 0 and "Traceback" not in said.stderr, said.stderr
    assert f"nobody may not enter {locked}" in said.stdout
    assert "no file is there yet" not in said.stdout


@as_root_only
def test_user_outside_the_files_group_is_told_whom_to_ask(public_dir: Path) -> None:
    """The file is 0660 root:<a group nobody is not in>, in a 0755 directory."""
    shared = public_dir / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    path = shared / "pdca.db"
    _fill(path)
    assert siblings(path) == []
    os.chown(path, 0, _group_without(pwd.getpwnam("nobody")).gr_gid)
    path.chmod(0o660)
    run = _nobody_runner(path, public_dir)

    _assert_kept_out(run, path, blocker=path)


@as_root_only
def test_the_owner_of_a_read_only_file_is_told_to_give_themself_write(public_dir: Path) -> None:
    """A 0440 file ``nobody`` owns, in a folder ``nobody`` owns: ``add`` and ``doctor`` tell
    ``nobody`` to run ``chmod u+w`` (they said "ask its owner to make it group-writable" and
    "ask nobody to run: chmod g+w", when nobody was the one asking); doing so lets them add."""
    nobody = pwd.getpwnam("nobody")
    folder = public_dir / "mine"
    folder.mkdir()
    path = folder / "pdca.db"
    _fill(path)
    os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    os.chown(path, nobody.pw_uid, nobody.pw_gid)
    path.chmod(0o440)
    run = _nobody_runner(path, public_dir)
    for args in (["add", "x"], ["doctor"]):
        result = run(*args)
        shown = f"pdca {' '.join(args)} -> {result.returncode}\n{result.stdout}{result.stderr}"
        assert result.returncode == 1, shown
        said = result.stderr.splitlines()
        assert len(said) == 1, shown
        assert said[0].endswith(f"you own it, so run: chmod u+w {path}"), shown
        assert "group-writable" not in said[0] and "ask" not in said[0], shown
    _follow_advice(said[0])
    added = run("add", "x")
    assert added.returncode == 0, added.stderr


def _team_file_nobody_may_only_read(public_dir: Path) -> tuple[Path, grp.struct_group]:
    """A filled pdca.db, root's, 0640, in a 2770 team folder of a group G nobody is not in
    (a run as nobody joins it with ``groups=[G]``); the file in the folder's group."""
    team = public_dir / "team"
    team.mkdir()
    group = _group_without(pwd.getpwnam("nobody"))
    os.chown(team, 0, group.gr_gid)
    team.chmod(0o2770)
    path = team / "pdca.db"
    _fill(path)
    os.chown(path, 0, group.gr_gid)
    path.chmod(0o640)
    return path, group


@as_root_only
def test_a_reader_of_someone_elses_file_is_told_whose_it_is(public_dir: Path) -> None:
    """0644 root:root: ``nobody`` is told to ask root for the team's group and ``chmod g+w``
    (joining root's group was no advice, a sysadmin's trial)."""
    shared = public_dir / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    path = shared / "pdca.db"
    _fill(path)
    path.chmod(0o644)
    added = _nobody_runner(path, public_dir)("add", "x")
    assert added.returncode == 1, added.stderr
    assert added.stderr.rstrip().endswith(
        f"ask root to run: chgrp GROUP {path} && chmod g+w {path}"
        " (GROUP: the team's group; ask to be put in it first)"
    ), added.stderr


@as_root_only
def test_a_team_member_who_may_not_read_the_file_is_told_to_ask_for_read_and_write(
    public_dir: Path,
) -> None:
    """0600 root:<nobody's group>: told to ask for ``chmod g+r``, a team member was then
    refused writes and told to ask again, for ``g+w`` (a tester): one request does it."""
    shared = public_dir / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    path = shared / "pdca.db"
    _fill(path)
    os.chown(path, 0, pwd.getpwnam("nobody").pw_gid)
    path.chmod(0o600)
    run = _nobody_runner(path, public_dir)
    for args in (["list"], ["doctor"]):
        refused = run(*args)
        assert refused.returncode == 1, refused.stderr
        assert refused.stderr.rstrip().endswith(
            "ask its owner root to run: chmod g+rw " + str(path)
        ), refused.stderr


def test_a_reader_in_the_team_folder_creates_no_wal_that_locks_writers_out(
    public_dir: Path,
) -> None:
    """The team folder is 2770 root:G and nobody is in G, so nobody may create files there;
    the file is 0640, so nobody may only read it. nobody's ``list`` must not create the
    -shm/-wal (SQLite would give them nobody's ownership and the file's 0640, and the file's
    owner could then no longer write until nobody closed)."""
    path, group = _team_file_nobody_may_only_read(public_dir)
    assert siblings(path) == []
    run = _nobody_runner(path, public_dir)
    listed = run("list", groups=[group.gr_gid])
    assert listed.returncode == 0, listed.stderr
    assert "first written" in listed.stdout
    assert siblings(path) == []  # nothing made beside it
    owner = Store.open(path, actor="owner", clock=lambda: NOW_DT)  # the owner still writes
    try:
        owner.add_action(ActionDraft(title="the owner writes on"))
    finally:
        owner.close()


@as_root_only
def test_a_restore_refused_to_a_reader_leaves_no_wal_that_locks_the_team_out(
    public_dir: Path,
) -> None:
    """nobody, in the team, may only read the file (0640) but may make files in its folder:
    ``pdca restore`` looked for boards open before it checked who may write, and that look
    made the -wal and -shm, nobody's, 0640; the file's owner could write no more (a tester)."""
    from pdca.db import backup as backups

    path, group = _team_file_nobody_may_only_read(public_dir)
    saved = backups.backup(path, now=NOW_DT).path
    os.chown(saved, 0, group.gr_gid)
    saved.chmod(0o640)
    assert siblings(path) == []
    refused = _nobody_runner(path, public_dir)("restore", str(saved), groups=[group.gr_gid])
    assert refused.returncode == 1, refused.stderr
    assert siblings(path) == []  # nothing made beside it
    assert "nobody may not write it (owned by root:" in refused.stderr, refused.stderr
    owner = Store.open(path, actor="owner", clock=lambda: NOW_DT)  # the owner still writes
    try:
        owner.add_action(ActionDraft(title="the owner writes on"))
    finally:
        owner.close()


# Runs as nobody: opens the file as pdca does, but stops after SQLite's open and before its
# first read, says "opened" and waits for a line on stdin (the writer closes meanwhile, and
# SQLite removes the -wal and -shm the reader saw); then reads, and says what it listed.
RACED_READER = r"""
import sys
from pathlib import Path

from pdca.db import connection

original = connection.connect_file


def connect_then_wait(*args, **kwargs):
    opened = original(*args, **kwargs)
    print("opened", flush=True)
    sys.stdin.readline()
    return opened


connection.connect_file = connect_then_wait
from pdca.db.store import Store
from datetime import UTC, datetime

store = Store.open(Path(sys.argv[1]), actor="nobody", clock=lambda: datetime.now(UTC))
print(store.snapshot, sorted(a.title for a in store.list_actions()), flush=True)
store.close()
"""


@as_root_only
def test_a_reader_who_makes_the_wal_in_a_race_gives_the_team_write_on_it(
    public_dir: Path,
) -> None:
    """The file is 0640 in a 2770 team folder, and nobody (in the team) may only read it.
    nobody opens it while the owner's connection has it in use (a -wal is there, so nobody
    reads it live, not as a snapshot); the owner closes before nobody's first read, SQLite
    removes the -wal and -shm, and nobody's read makes them again, nobody's own, 0640: the
    owner, who reaches them through the group, was locked out for good (a tester: 148 of 300
    adds refused). They must end up group read-write, in the folder's group."""
    path, group = _team_file_nobody_may_only_read(public_dir)
    owner = Store.open(path, actor="owner", clock=lambda: NOW_DT)
    owner.add_action(ActionDraft(title="in use"))
    assert "-wal" in siblings(path)
    nobody = _as_nobody(public_dir)
    reader = _child_as_nobody(nobody, public_dir, RACED_READER, path, groups=[group.gr_gid])
    try:
        assert _read_line(reader, timeout=60).strip() == "opened"
        owner.close()
        assert siblings(path) == []  # the last writer closed: SQLite removed them
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0, err
    assert out.startswith("False ") and "in use" in out, out  # read live, all of it
    nobody_uid = pwd.getpwnam("nobody").pw_uid
    for suffix in ("-wal", "-shm"):
        info = os.stat(f"{path}{suffix}")
        assert info.st_uid == nobody_uid, f"{suffix}: the race did not happen as staged"
        assert info.st_mode & 0o777 == 0o660, f"{suffix}: {info.st_mode & 0o777:04o}"
        assert info.st_gid == group.gr_gid, f"{suffix}: not in the folder's group"


# --------------------------------------------------------------------------- a reader's board

# Others' changes show within a second; the board waits this long for one (a loaded machine),
# answering as soon as it shows. The test asserts that it shows, not how fast.
BOARD_SECONDS = 60.0

# Runs as nobody: the board, headless, over a file nobody may only read. It says (a JSON line
# on stdout) what it shows once it is up; then, for each action id and phase it reads on
# stdin, how soon that action appeared on the board; it ends when stdin closes.
BOARD_CHILD = r"""
import asyncio, json, sys, time
from datetime import UTC, datetime
from pathlib import Path

from pdca.screens.board import BoardScreen
from pdca.tui.app import create_app

WAIT = float(sys.argv[2])


def say(report):
    # Textual captures print() while an app runs: write to the real stdout.
    sys.__stdout__.write(json.dumps(report) + "\n")
    sys.__stdout__.flush()


def board_ids(board):
    return {phase: [a.id for a in column.actions] for phase, column in board.columns.items()}


async def main(path):
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    app = create_app(path, actor="nobody", clock=lambda: now, presence=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            board = app.screen_stack[0]
            assert isinstance(board, BoardScreen), board
            say({
                "writable": app.context.writable,
                "snapshot": app.context.store.snapshot,
                "board": board_ids(board),
            })
            while line := await asyncio.to_thread(sys.stdin.readline):
                wanted = json.loads(line)
                start = time.monotonic()
                seen = None
                while time.monotonic() - start < WAIT:
                    if wanted["id"] in board_ids(board)[wanted["phase"]]:
                        seen = time.monotonic() - start
                        break
                    await pilot.pause(0.05)
                say({
                    "seen_after": seen,
                    "board": board_ids(board),
                    "changes_seen": app.changes_seen,
                    "snapshot": app.context.store.snapshot,
                    "broken": app.context.broken,
                })
    finally:
        app.context.close()


asyncio.run(main(Path(sys.argv[1])))
"""


def _child_as_nobody(
    nobody: Nobody, folder: Path, code: str, *args: object, groups: Sequence[int] = ()
) -> subprocess.Popen[str]:
    """``code`` as a script in ``folder``, run as ``nobody`` (no group but its own and
    ``groups``) with ``args``, talking over pipes: a long-lived process beside this one's
    writes."""
    script = folder / f"child_{abs(hash(code))}.py"
    script.write_text(code)
    script.chmod(0o644)
    return subprocess.Popen(
        [nobody.python, str(script), *map(str, args)],
        user=nobody.user.pw_uid,
        group=nobody.user.pw_gid,
        extra_groups=list(groups),
        env=nobody.env,
        cwd=nobody.home,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The child's next line on stdout, or fail with what it said on stderr."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(process.stdout.readline)  # type: ignore[union-attr]
        try:
            line = future.result(timeout=timeout)
        except TimeoutError:
            process.kill()
            _, err = process.communicate()
            pytest.fail(f"the board said nothing within {timeout} s: {err[-2000:]}")
    if not line:
        _, err = process.communicate()
        pytest.fail(f"the board exited {process.returncode}: {err[-2000:]}")
    return line


def _board_sees(process: subprocess.Popen[str], action: Action) -> dict[str, Any]:
    """Tell the board which action to look for; its report once it showed (or gave up)."""
    assert process.stdin is not None
    process.stdin.write(json.dumps({"id": action.id, "phase": action.phase}) + "\n")
    process.stdin.flush()
    seen = json.loads(_read_line(process, timeout=BOARD_SECONDS + 60))
    assert seen["broken"] is None, seen
    assert seen["seen_after"] is not None, (
        f"#{action.id} never showed on nobody's board in {BOARD_SECONDS} s: {seen}"
    )
    return seen


@as_root_only
def test_read_only_users_board_shows_others_changes(public_dir: Path) -> None:
    """nobody's board over a 0644 root file in a 0755 directory, which nobody else has open:
    the app holds an immutable snapshot. Root then adds an action through the store and
    closes; the board shows it within a few seconds. Root opens the file again and, while it
    keeps it open (its -wal and -shm now there), adds another: the board shows that too."""
    shared = public_dir / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    path = shared / "pdca.db"
    _fill(path)  # opens, writes and closes: this process holds no connection now
    path.chmod(0o644)
    assert siblings(path) == []  # nobody has it open: no -wal, no -shm to read it through
    nobody = _as_nobody(public_dir, packages=APP_PACKAGES, distributions=APP_DISTRIBUTIONS)
    process = _child_as_nobody(nobody, public_dir, BOARD_CHILD, path, str(BOARD_SECONDS))
    try:
        started = json.loads(_read_line(process, timeout=120))
        assert started["writable"] is False, started
        assert started["snapshot"] is True, f"expected an immutable snapshot: {started}"
        assert sum(map(len, started["board"].values())) == 2, started

        writer = Store.open(path, actor="owner", clock=lambda: NOW_DT)
        try:
            first = writer.add_action(ActionDraft(title="added while nobody watches"))
        finally:
            writer.close()
        assert first.id not in started["board"][first.phase]
        _board_sees(process, first)

        writer = Store.open(path, actor="owner", clock=lambda: NOW_DT)
        try:
            second = writer.add_action(ActionDraft(title="added by a writer still there"))
            seen = _board_sees(process, second)
            assert first.id in seen["board"][first.phase], seen
        finally:
            writer.close()

        _, err = process.communicate(timeout=60)  # closes stdin: the board ends
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err, err


@as_root_only
def test_a_team_directory_without_setgid_still_gives_the_team_its_files(
    public_dir: Path,
) -> None:
    """A tester's 0770 root:team directory (no setgid): ``pdca init`` by a member whose own
    group is not the team's made the file theirs, so the rest of the team was told to join
    the maker's group. Now the file gets the directory's group as pdca opens it (its -wal and
    -shm too: tests/unit/test_team_group.py), ``init`` warns with the fix, and doctor names
    the missing setgid."""
    nobody = pwd.getpwnam("nobody")
    team_group = _group_without(nobody)
    team = public_dir / "team"
    team.mkdir()
    os.chown(team, 0, team_group.gr_gid)
    team.chmod(0o770)
    path = team / "pdca.db"
    run = _nobody_runner(path, public_dir)

    made = run("init", groups=[team_group.gr_gid])
    assert made.returncode == 0, made.stderr
    assert made.stderr == (
        f"pdca: warning: {team} is group-writable but not setgid, so the -wal/-shm files"
        " others open first get their own group and lock the team out: ask its owner root to"
        f" run: chmod g+s {team}\n"
    )
    assert path.stat().st_uid == nobody.pw_uid
    assert path.stat().st_gid == team_group.gr_gid  # not nobody's own group
    assert path.stat().st_mode & 0o777 == 0o660
    added = run("add", "a first action", groups=[team_group.gr_gid])
    assert added.returncode == 0, added.stderr
    doctor = run("doctor", groups=[team_group.gr_gid])
    assert f"FAIL group        directory {team} is group-writable but not setgid" in doctor.stdout


STORE_CHILD = r"""
import json, sys
from datetime import UTC, datetime
from pathlib import Path

from pdca.db.errors import ReadOnlyDatabase
from pdca.db.models import ActionDraft
from pdca.db.store import Store
from pdca.screens.context import write_banner

NOW = datetime(2026, 11, 23, tzinfo=UTC)
store = Store.open(Path(sys.argv[1]), actor="nobody", clock=lambda: NOW)
for line in sys.stdin:
    try:
        added = store.add_action(ActionDraft(title=line.strip())).id
    except ReadOnlyDatabase as refused:
        added = str(refused)
    banner = write_banner(store, store.upgraded_past_this_code(), store.cannot_read_now())
    print(json.dumps({"added": added, "banner": banner}), flush=True)
"""


def _everyones_file(public_dir: Path) -> tuple[Path, Path]:
    """A folder and a database in it that anyone may write (0777, 0666): the owner's chmods
    then shut ``nobody`` out, and let them back in."""
    shared = public_dir / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    path = shared / "pdca.db"
    _fill(path)
    path.chmod(0o666)
    return shared, path


@as_root_only
def test_a_board_shut_out_by_its_owner_stays_and_catches_up_when_let_back_in(
    public_dir: Path,
) -> None:
    """nobody's board, then the owner shuts the folder (chmod 0700), writes, and opens it
    again; then the same with the file (chmod 0600), and with its -shm. The board quit as if
    the file were "renamed" to its own name, and a write made while it could not read stayed
    off it until the next one (a reviewer, a retrial)."""
    shared, path = _everyones_file(public_dir)
    nobody = _as_nobody(public_dir, packages=APP_PACKAGES, distributions=APP_DISTRIBUTIONS)
    process = _child_as_nobody(nobody, public_dir, BOARD_CHILD, path, str(BOARD_SECONDS))
    try:
        json.loads(_read_line(process, timeout=120))
        journals = [Path(f"{path}-wal"), Path(f"{path}-shm")]

        def journals_shut() -> None:  # as a root cron job's, given another owner (a retrial)
            for journal in journals:
                os.chown(journal, 0, 0)
                journal.chmod(0o600)

        def journals_back() -> None:
            for journal in journals:
                journal.chmod(0o666)

        for shut, back in ((lambda: shared.chmod(0o700), lambda: shared.chmod(0o777)),
                           (lambda: path.chmod(0o600), lambda: path.chmod(0o666)),
                           (journals_shut, journals_back)):  # fmt: skip
            shut()
            time.sleep(1.5)  # the board looks twice a second
            writer = Store.open(path, actor="owner", clock=lambda: NOW_DT)
            try:
                added = writer.add_action(ActionDraft(title="added while shut out"))
            finally:
                writer.close()
            time.sleep(1.5)
            back()
            _board_sees(process, added)  # and it never quit (broken: None)
        _, err = process.communicate(timeout=60)
    finally:
        shared.chmod(0o777)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err, err


@as_root_only
def test_an_open_store_refuses_writes_once_the_owner_takes_write_away(public_dir: Path) -> None:
    """nobody opens a file it may write and keeps it open (as a board does); the owner runs
    chmod 0644: the next write is refused, naming the file's mode, as a new command would
    be, and the view's banner says so; chmod 0666 again and the same connection writes."""
    shared, path = _everyones_file(public_dir)
    nobody = _as_nobody(public_dir, packages=APP_PACKAGES, distributions=APP_DISTRIBUTIONS)
    process = _child_as_nobody(nobody, public_dir, STORE_CHILD, path)

    def add(title: str) -> dict[str, Any]:
        assert process.stdin is not None
        process.stdin.write(title + "\n")
        process.stdin.flush()
        return json.loads(_read_line(process, timeout=60))

    try:
        assert isinstance(add("while writable")["added"], int)
        path.chmod(0o644)
        refused = add("after chmod 0644")
        assert "is read-only for nobody" in refused["added"], refused
        assert "mode 0644" in refused["added"] and "nothing written" in refused["added"]
        assert refused["banner"].startswith("read-only: ") and "mode 0644" in refused["banner"]
        assert "nothing written" not in refused["banner"]  # nothing was tried when it shows
        # Unreadable now: this connection reads on, a view's own readers could not, and the
        # board froze under "read-only" while others wrote (a trial's chgrp).
        path.chmod(0o600)
        unreadable = add("after chmod 0600")
        assert unreadable["banner"].startswith("shown as it was: "), unreadable
        assert "nobody may not read it" in unreadable["banner"], unreadable
        assert "nobody may not read it" in unreadable["added"], unreadable  # what to ask
        path.chmod(0o666)
        shared.chmod(0o700)  # the folder shut: entering and writing it asked for at once
        shut = add("after the folder's chmod 0700")
        assert f"nobody may not enter {shared}" in shut["added"], shut
        assert "nothing written" in shut["added"] and f"g+wxs {shared}" in shut["added"], shut
        # The folder entered, not written (a trial's chmod g-w of it): said first, not the
        # file that nobody may write ("is read-only for nobody (... mode 0666)")
        shared.chmod(0o555)
        folder_shut = add("after the folder's chmod 0555")
        assert folder_shut["added"].startswith(
            f"{path} cannot be written: nothing written; its folder {shared} is read-only for"
            " nobody ("
        ), folder_shut
        assert "mode 0555" in folder_shut["added"] and "mode 0666" not in folder_shut["added"]
        shared.chmod(0o777)
        again = add("after chmod 0666")
        assert isinstance(again["added"], int) and again["banner"] is None, again
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    store = Store.open(path, actor="owner", clock=lambda: NOW_DT)
    try:
        titles = [a.title for a in store.list_actions()]
    finally:
        store.close()
    assert "while writable" in titles and "after chmod 0666" in titles
    assert "after chmod 0644" not in titles and "after chmod 0600" not in titles
    assert "after the folder's chmod 0700" not in titles
    assert "after the folder's chmod 0555" not in titles


PERSONAL_FILES = """
import os, sys
from pathlib import Path
os.umask(0o022)
from pdca.db.store import Store
from pdca.db.filesystem import make_personal_folder
from pdca.tui.out_file import write_whole
from pdca.tui.settings import Settings, save_settings
team, home = Path(sys.argv[1]), Path(sys.argv[2])
store = Store.open(team / "pdca.db", actor="alice", clock=lambda: None, create=True)
save_settings(home / ".config" / "pdca" / "settings.toml", Settings(theme="nord"))
make_personal_folder(home / ".local" / "state" / "pdca")
write_whole(str(home / "export.json"), "{}")
(team / "backups").mkdir()
store.close()
"""


def test_ones_own_files_keep_ones_umask_beside_a_team_folder(tmp_path: Path) -> None:
    """A database in a team folder sets the process's umask to 007, and ~/.config, ~/.local
    and settings.toml came out group-writable (a tester's soak): a shared primary group
    could then write ~/.local/bin. The team folder's files stay the team's."""
    team, home = tmp_path / "team", tmp_path / "home"
    team.mkdir()
    team.chmod(0o2770)
    home.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", PERSONAL_FILES, str(team), str(home)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr

    def mode(path: Path) -> int:
        return path.stat().st_mode & 0o777

    assert [mode(home / ".config"), mode(home / ".config" / "pdca")] == [0o755, 0o700]
    assert mode(home / ".config" / "pdca" / "settings.toml") == 0o644
    assert [mode(home / ".local"), mode(home / ".local" / "state")] == [0o755, 0o755]
    assert mode(home / ".local" / "state" / "pdca") == 0o700
    assert mode(home / "export.json") == 0o644
    assert mode(team / "backups") == 0o770  # made after: the team's umask


def test_a_backup_into_a_folder_one_may_not_write_asks_for_another(public_dir: Path) -> None:
    """``pdca backup /tmp/x/X.db`` into root's folder was told to ask root to open it to the
    team (chgrp, chmod g+ws) for one copy (a trial): another folder is asked for."""
    shared = public_dir / "shared"
    shared.mkdir()
    path = shared / "pdca.db"
    _fill(path)
    closed = public_dir / "closed"
    closed.mkdir()
    if os.geteuid() == 0:
        path.chmod(0o644)
        closed.chmod(0o755)
        run = _nobody_runner(path, public_dir)
    else:
        closed.chmod(0o555)
        run = _self_runner(path, public_dir)
    result = run("backup", str(closed / "X.db"))
    assert result.returncode == 1, result.stdout
    (line,) = result.stderr.splitlines()
    assert "DEST's folder" in line and "may not write" in line
    assert line.endswith(
        "name a folder you may write (without DEST, pdca backup keeps it in backups/ beside"
        " the database)"
    ), line
    assert "chmod" not in line and os.listdir(closed) == []
