"""Shared fixtures: a fixed clock, a fixed login, and databases in a temporary folder only."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from pdca.db.store import Store

# The apps under test draw in truecolor whatever terminal runs the suite: Rich takes the
# colours from TERM (a 16-colour TERM, or none, as CI has), and the app gives a terminal of
# 16 colours its own red, yellow and green (tui/readable_colours.py), so the snapshots and
# the contrast checks changed with the shell that ran them. The 16-colour tests ask for it.
textual_constants = __import__("textual.constants", fromlist=["COLOR_SYSTEM"])
textual_constants.COLOR_SYSTEM = "truecolor"  # type: ignore[misc]

# The files whose tests take longest, with rough seconds on two cores. They start first, one
# share to each xdist worker: with `-n 2 --dist worksteal` (pyproject) each worker is handed
# a contiguous slice of the run, and a long test that started last would end the run alone.
LONG_FIRST = {
    "tests/integration/test_soak.py": 30,
    "tests/integration/test_permissions.py": 25,
    "tests/unit/test_hostile_input.py": 20,
    "tests/integration/test_recur_concurrent.py": 15,
    "tests/unit/test_file_safety.py": 13,
    "tests/unit/test_types.py": 12,
    "tests/integration/test_crash_safety.py": 8,
}

# Property tests judge what comes out, never how fast: hypothesis's 200 ms deadline per
# example (and its check of slow example making) failed one on a machine busy with other
# work (a run beside four trials).
settings.register_profile("pdca", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pdca")

NOW = "2026-11-23T09:00:00Z"
NOW_DT = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def the_umask_as_it_was() -> Iterator[None]:
    """pdca sets ``umask 007`` for the rest of its process once it opens a team's file
    (``filesystem.share_with_the_group``): a command's process ends there, but the tests run
    many in one, and a later test's file was made 0640 where it expected 0644 (a run whose
    order put a team-folder test first). Each test starts with the umask it found."""
    from pdca.db import filesystem

    umask = os.umask(0o022)
    os.umask(umask)
    personal = filesystem._personal_umask
    yield
    os.umask(umask)
    filesystem._personal_umask = personal


@pytest.fixture(scope="session")
def passwd_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("passwd-home") / ".local" / "state" / "pdca"


@pytest.fixture(autouse=True)
def no_files_in_the_real_home(passwd_state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person's files go, when their XDG_STATE_HOME cannot take them, to the home their
    passwd entry names (tui/crash.py): a test's stands in for it, never the real one."""
    from pdca.tui import crash

    monkeypatch.setattr(crash, "passwd_state_directory", lambda: passwd_state)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A sandboxed environment: fixed user and clock, home and data dir under tmp_path."""
    values = {
        "PDCA_USER": "alice",
        "PDCA_NOW": NOW,
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "home" / ".local" / "share"),
        "PDCA_DB": str(tmp_path / "pdca.db"),
        "TZ": "UTC",
    }
    (tmp_path / "home").mkdir()
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    # The team's file, made as ``pdca init`` makes it: only init (seed, demo, import) makes
    # a file that --db or $PDCA_DB names. A test of a missing file names another path.
    Store.open(
        Path(values["PDCA_DB"]), actor="alice", clock=lambda: NOW_DT, create=True, initialize=True
    ).close()
    return values


@pytest.fixture
def db_path(env: dict[str, str]) -> Path:
    return Path(env["PDCA_DB"])


@pytest.fixture
def missing_db(env: dict[str, str]) -> Path:
    """$PDCA_DB names a file that is not there (yet): what a mistyped path, or a team's
    folder before ``pdca init``, is. Removed before any connection to it is open."""
    path = Path(env["PDCA_DB"])
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)
    return path


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A fresh database as alice at the fixed time."""
    opened = Store.open(db_path, actor="alice", clock=lambda: NOW_DT, create=True)
    yield opened
    opened.close()


def events(store: Store, after_id: int = 0) -> list[dict[str, Any]]:
    """The event rows after ``after_id``, with before/after parsed: what tests assert on."""
    rows = store.conn.execute("SELECT * FROM events WHERE id > ? ORDER BY id", (after_id,))
    result = []
    for row in rows:
        data = dict(row)
        for key in ("before", "after"):
            data[key] = json.loads(data[key]) if data[key] else None
        result.append(data)
    return result


def last_event_id(store: Store) -> int:
    return store.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]


def pretend_accounts(monkeypatch: pytest.MonkeyPatch, **uids: int) -> None:
    """Make each login named a Unix account with that uid (a person's: 1000 and up), as
    ``pwd.getpwnam`` answers; every other login as the machine has it."""
    import pwd

    real = pwd.getpwnam

    def accounts(login: str) -> pwd.struct_passwd:
        uid = uids.get(login)
        if uid is None:
            return real(login)
        return pwd.struct_passwd((login, "x", uid, uid, "", f"/home/{login}", "/bin/sh"))

    monkeypatch.setattr(pwd, "getpwnam", accounts)


def by_hand(db_path: Path, *statements: str | tuple[str, tuple[object, ...]]) -> None:
    """``statements`` run as another tool runs them (``sqlite3``, Datasette): no event
    logged, no version moved."""
    hand = sqlite3.connect(db_path, isolation_level=None)
    try:
        for statement in statements:
            sql, values = (statement, ()) if isinstance(statement, str) else statement
            hand.execute(sql, values)
    finally:
        hand.close()


def open_as(path: Path, actor: str, when: datetime = NOW_DT) -> Store:
    """A second connection to the same file, as someone else (or at another time)."""
    return Store.open(path, actor=actor, clock=lambda: when)


@pytest.fixture
def cli(env: dict[str, str]):
    """Run the command line in-process through click's runner (stderr kept apart)."""
    from pdca.tui.cli import cli as group

    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(group, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture
def ok(cli):
    """Run a command that must succeed; return its result."""

    def run(*args: str) -> Result:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result

    return run


@pytest.fixture
def js(ok):
    """Run a command that must succeed and print JSON (give it --json); return the JSON."""

    def run(*args: str) -> Any:
        return json.loads(ok(*args).stdout)

    return run


class LockHolder:
    """Another process that takes the file's write lock and keeps it until ``release``;
    ``wait``: how long it waits for the lock first (a board may be writing its presence)."""

    CODE = (
        "import sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=float(sys.argv[2]))\n"
        "conn.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n"
        "conn.execute('ROLLBACK')\n"
    )

    def __init__(self, path: Path, wait: float = 0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.CODE, str(path), str(wait)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"
        self._releasing = threading.Lock()

    def release(self) -> None:
        """Once, from whichever thread asks first: a test's timer and its ``finally`` both
        release, and on a loaded machine (CI beside a trial) they met in ``communicate``,
        the second on a pipe the first had closed."""
        with self._releasing:
            if self.process.poll() is None:
                self.process.communicate("go\n", timeout=30)


def run_pdca(
    *args: str, env: dict[str, str], timeout: float = 60, into: IO[str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``pdca`` as a real process, the way a person or a cron job does. ``into``: both
    its streams written there, buffered as a shell starts Python (no PYTHONUNBUFFERED),
    instead of captured."""
    full_env = {**os.environ, **env}
    streams: dict[str, Any] = {"capture_output": True}
    if into is not None:
        full_env.pop("PYTHONUNBUFFERED", None)
        streams = {"stdout": into, "stderr": into}
    return subprocess.run(
        [sys.executable, "-m", "pdca.tui", *args],
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=env.get("HOME", str(REPO)),
        **streams,
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deal the long files out to the workers, longest first, each to the least loaded; put
    each worker's share at the start of the slice worksteal hands it, the rest in order."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    by_file: dict[str, list[pytest.Item]] = {}
    rest: list[pytest.Item] = []
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        (by_file.setdefault(path, []) if path in LONG_FIRST else rest).append(item)
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    load = [0] * workers
    for path in sorted(by_file, key=lambda name: -LONG_FIRST[name]):
        least = load.index(min(load))
        shares[least] += by_file[path]
        load[least] += LONG_FIRST[path]
    # worksteal gives worker k the next len(pending) // (workers - k) tests.
    ordered: list[pytest.Item] = []
    pending = len(items)
    for k, share in enumerate(shares):
        size = pending // (workers - k)
        take = max(0, size - len(share)) if k < workers - 1 else len(rest)
        ordered += share + rest[:take]
        rest = rest[take:]
        pending -= len(share) + take
    items[:] = ordered
