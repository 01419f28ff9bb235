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

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from db.models import ActionDraft
from db.store import Store
from tests.conftest import NOW_DT, REPO
from tests.integration.support import run_together, sha256, siblings

Run = Callable[..., subprocess.CompletedProcess[str]]


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


def _assert_reads_but_cannot_write(run: Run, path: Path, titles: list[str], reader: str) -> None:
    before = sha256(path)
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
    assert sha256(path) == before


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


def _stage(public_dir: Path) -> Path:
    """A copy of pdca's command line and what it imports, where any user may read it.

    Our interpreter's packages may sit in root's private home (pyenv, a venv's symlinks), which
    another user cannot enter; so copy them, with pdca's own packages, into a public folder."""
    site = public_dir / "site"
    for package in ("db", "tui"):
        shutil.copytree(
            REPO / package, site / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    for distribution in _distributions(["click", "pydantic", "sqlite-utils"]).values():
        for file in distribution.files or []:
            source = Path(distribution.locate_file(file))
            if "__pycache__" in file.parts or ".." in file.parts or not source.is_file():
                continue
            (site / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, site / file)
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
                [candidate, "-c", "import tui.cli, db.store"],
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
    pytest.fail(f"no Python that {user.pw_name} may run imports pdca: {tried}")


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


def _nobody_runner(db_path: Path, work: Path) -> Run:
    nobody = pwd.getpwnam("nobody")
    home = work / "home"
    home.mkdir()
    os.chown(home, nobody.pw_uid, nobody.pw_gid)
    site = _stage(work)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "TZ": "UTC",
        "PYTHONPATH": str(site),
    }
    python = _python_for(nobody, env, home)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [python, "-m", "tui", "--db", str(db_path), *args],
            user=nobody.pw_uid,
            group=nobody.pw_gid,
            extra_groups=[],
            env=env,
            cwd=home,
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
            [sys.executable, "-m", "tui", "--db", str(db_path), *args],
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
        wal_before = sha256(Path(f"{path}-wal"))
        _assert_reads_but_cannot_write(
            run, path, ["first written", "second written", "only in the wal"], reader
        )
        assert sha256(Path(f"{path}-wal")) == wal_before
    finally:
        writer.close()
