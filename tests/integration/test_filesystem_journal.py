"""The journal mode follows the filesystem: WAL locally, the rollback journal on a network
filesystem (told by a fake ``/proc/self/mountinfo``), and writers lose nothing in either."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.db.connection import open_database
from pdca.db.doctor import Check, diagnose
from pdca.db.filesystem import filesystem_of, is_network_filesystem
from pdca.db.models import ActionDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT
from tests.integration.support import check_reports, run_together, siblings

NETWORK = ["nfs4", "cifs", "fuse.sshfs"]


def fake_mountinfo(mount_point: Path, fs_type: str) -> str:
    """A mountinfo (proc(5)) whose ``mount_point`` is a network mount inside a local root."""
    point = str(mount_point.resolve()).replace("\\", "\\134").replace(" ", "\\040")
    return (
        "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
        f"61 27 0:52 / {point} rw,relatime shared:40 - {fs_type} server:/export/team rw\n"
    )


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


@pytest.mark.parametrize("fs_type", NETWORK)
def test_new_database_on_a_network_filesystem_uses_the_rollback_journal(
    tmp_path: Path, fs_type: str
) -> None:
    mountinfo = fake_mountinfo(tmp_path, fs_type)
    path = tmp_path / "pdca.db"
    opened = open_database(path, create=True, mountinfo=mountinfo)
    store = Store(opened.connection, actor="alice", clock=lambda: NOW_DT, path=opened.path)
    try:
        assert (opened.filesystem, opened.journal_mode) == (fs_type, "delete")
        store.add_action(ActionDraft(title="written over the network"))
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert siblings(path) == []  # no -wal, no -shm: nothing that needs shared memory
    finally:
        store.close()

    checks = _by_name(diagnose(path, mountinfo=mountinfo))
    assert checks["filesystem"].detail == f"{fs_type} (network: rollback journal)"
    assert checks["journal"].ok and checks["journal"].detail == "delete"
    assert all(check.ok for check in checks.values()), checks


def test_local_filesystem_uses_wal(tmp_path: Path) -> None:
    real = filesystem_of(tmp_path)
    assert real != "unknown"
    assert not is_network_filesystem(real), f"the tests' tmp_path is on {real}"
    path = tmp_path / "pdca.db"
    opened = open_database(path, create=True)
    try:
        assert (opened.filesystem, opened.journal_mode) == (real, "wal")
    finally:
        opened.connection.close()
    checks = _by_name(diagnose(path))
    assert checks["filesystem"].detail == f"{real} (local: WAL)"
    assert checks["journal"].ok and checks["journal"].detail == "wal"


@pytest.mark.parametrize("fs_type", NETWORK)
def test_a_wal_file_moved_to_a_network_filesystem_is_switched_on_open(
    tmp_path: Path, fs_type: str
) -> None:
    """The journal mode is forced on every open, not only when the file is created."""
    path = tmp_path / "pdca.db"
    Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True).close()
    mountinfo = fake_mountinfo(tmp_path, fs_type)
    before = _by_name(diagnose(path, mountinfo=mountinfo))
    assert not before["journal"].ok
    assert before["journal"].detail == "wal (pdca switches it to delete on open)"

    opened = open_database(path, create=False, mountinfo=mountinfo)
    opened.connection.close()
    assert opened.journal_mode == "delete"
    assert _by_name(diagnose(path, mountinfo=mountinfo))["journal"].ok


@pytest.mark.parametrize("fs_type", ["nfs4"])
def test_concurrent_writers_in_rollback_journal_mode_lose_nothing(
    tmp_path: Path, fs_type: str
) -> None:
    mountinfo = fake_mountinfo(tmp_path, fs_type)
    path = tmp_path / "pdca.db"
    open_database(path, create=True, mountinfo=mountinfo).connection.close()
    owners = ["ann", "bob"]
    specs = [
        {
            "job": "writes",
            "db": str(path),
            "actor": f"nfs{n}",
            "ops": 100,
            "owners": owners,
            "mountinfo": mountinfo,
        }
        for n in range(3)
    ]
    reports = run_together(specs, tmp_path / "rendezvous")

    assert [r["errors"] for r in reports] == [[]] * 3
    assert [len(r["committed"]) for r in reports] == [100] * 3
    assert {r["journal_mode"] for r in reports} == {"delete"}
    assert {r["journal_mode_at_end"] for r in reports} == {"delete"}
    assert "-wal" not in siblings(path)
    # Checked through a rollback-journal connection too, so the check does not switch modes.
    opened = open_database(path, create=False, mountinfo=mountinfo)
    opened.connection.close()
    assert opened.journal_mode == "delete"
    check_reports(path, reports, owners, mountinfo=mountinfo)
    assert "-wal" not in siblings(path)


def test_a_bind_mount_is_the_mount_a_path_is_under(tmp_path: Path) -> None:
    """A read-only bind mount shares its device with the filesystem it shows: found by
    devices alone, "/" was named mounted read-only, where /srv/ro was (a sysadmin's trial).
    The longest mount point a path is under is its mount."""
    from pdca.db.filesystem import mount_of

    inside = tmp_path / "ro"
    inside.mkdir()
    found = mount_of(inside / "pdca.db", fake_mountinfo(inside, "ext4"))
    assert found is not None and Path(found.mount_point) == inside.resolve()
    root = mount_of(tmp_path / "pdca.db", fake_mountinfo(inside, "ext4"))
    assert root is not None and root.mount_point == "/"
    assert mount_of(tmp_path, "") is None  # no mount known: nothing named
