"""In a group-writable directory without setgid, a new file gets its maker's own group, and
the team's other members cannot open it (nor its -wal/-shm: SQLITE_CANTOPEN). pdca gives the
files it opens there, when they are its user's, the directory's group, as setgid would; and
``pdca doctor`` names the files astray with the exact ``chgrp``, and a world-writable
directory. (Run as root, which may give a file any group; as anyone else the files are their
own and in their groups, and the same code changes nothing.)"""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pdca.db import connection
from pdca.db.access import group_name
from pdca.db.doctor import diagnose
from pdca.db.models import ActionDraft
from pdca.db.store import Store

TEAM = 4343  # a gid with no name here: the directory's, the team's


def _alice_has_an_account(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """uid 4321 is alice's: a file of a uid with no account is root's to give away (doctor
    and the advice say so), not its owner's to mend."""
    from pdca.db import access

    real = access.user_name
    monkeypatch.setattr(access, "user_name", lambda uid: "alice" if uid == 4321 else real(uid))


def _team_directory(tmp_path: Path) -> Path:
    team = tmp_path / "team"
    team.mkdir()
    os.chown(team, -1, TEAM if os.geteuid() == 0 else os.getegid())
    team.chmod(0o2770)
    return team


def _permissions_said(tmp_path: Path, mode: int) -> tuple[Path, str]:
    """A team directory holding a database, given ``mode``: doctor's one failed
    ``permissions`` line about it."""
    team = _team_directory(tmp_path)
    path = team / "pdca.db"
    connection.open_database(path, create=True).connection.close()
    team.chmod(mode)
    checks = [c for c in diagnose(path) if c.name == "permissions"]
    assert [c.ok for c in checks] == [False]
    return team, checks[0].detail


def test_the_files_a_member_made_with_their_own_group_get_the_teams(tmp_path: Path) -> None:
    team = _team_directory(tmp_path)
    team.chmod(0o770)  # no setgid: new files get their maker's group (a reviewer)
    path = team / "pdca.db"
    files = [path, Path(f"{path}-wal")]
    for made in files:
        made.write_bytes(b"")
        made.chmod(0o660)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"")
    Path(f"{path}-shm").symlink_to(elsewhere)  # a link someone put there: never followed
    if os.geteuid() == 0:  # root's files here are root's group until pdca gives them away
        assert {f.stat().st_gid for f in files} == {os.getegid()} != {TEAM}
    connection.give_the_team(path)
    assert [f.stat().st_gid for f in files] == [team.stat().st_gid] * 2
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o660 for f in files)
    assert elsewhere.stat().st_gid == os.getegid()


def test_doctor_names_files_astray_with_the_chgrp_that_mends_them(tmp_path: Path) -> None:
    team = _team_directory(tmp_path)
    path = team / "pdca.db"
    connection.open_database(path, create=True).connection.close()
    if os.geteuid() == 0:
        os.chown(path, -1, 0)  # as a file made before pdca did this, by someone in group 0
    checks = {check.name: check for check in diagnose(path)}
    if os.geteuid() == 0:
        assert not checks["group"].ok
        assert checks["group"].detail == (
            f"not the directory's group {group_name(TEAM)}: pdca.db ({group_name(0)}):"
            f" chgrp {group_name(TEAM)} {path}"
        )
    else:
        assert checks["group"].ok, checks["group"].detail


def test_doctor_fails_a_world_writable_directory(tmp_path: Path) -> None:
    """A tester: with the directory 2777, doctor said all was well, and someone outside the
    team renamed the database away."""
    team, said = _permissions_said(tmp_path, 0o2777)
    assert said == (
        f"directory {team} is world-writable: anyone may rename or delete the database and its"
        f" -wal/-shm (losing committed writes): run: chmod o-w {team}"  # its owner
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give a file another's group")
def test_a_member_kept_out_of_a_file_astray_is_told_to_ask_for_its_chgrp(
    tmp_path: Path, monkeypatch
) -> None:
    """Not "ask to be added to group alice" (the maker's own group): the file is astray, not
    the person."""
    from pdca.db import access

    _alice_has_an_account(monkeypatch)
    team = _team_directory(tmp_path)
    path = team / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, 4321, 4321)  # alice's, with alice's own group
    path.chmod(0o660)
    monkeypatch.setattr(access.os, "geteuid", lambda: 4322)  # bob, in the team alone
    monkeypatch.setattr(access.os, "getegid", lambda: 4322)
    monkeypatch.setattr(access.os, "getgroups", lambda: [4322, TEAM])
    assert access.what_to_ask(path, "read and write") == (
        f"ask its owner alice to run: chgrp {group_name(TEAM)} {path}"
    )
    path.chmod(0o600)
    assert access.what_to_ask(path, "read and write") == (
        f"ask its owner alice to run: chgrp {group_name(TEAM)} {path} && chmod g+rw {path}"
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give a file another's group")
def test_a_wal_and_shm_astray_are_asked_for_in_one_command(tmp_path: Path, monkeypatch) -> None:
    """A tester was told the -wal's chgrp, ran it, and was then told the -shm's."""
    from pdca.db import access

    _alice_has_an_account(monkeypatch)
    team = _team_directory(tmp_path)
    path = team / "pdca.db"
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.write_bytes(b"")
        name.chmod(0o660)
    os.chown(path, 4321, TEAM)
    for name in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        os.chown(name, 4321, 4321)  # alice's own group: a directory without setgid
    monkeypatch.setattr(access.os, "geteuid", lambda: 4322)
    monkeypatch.setattr(access.os, "getegid", lambda: 4322)
    monkeypatch.setattr(access.os, "getgroups", lambda: [4322, TEAM])
    monkeypatch.setattr(access.os, "access", lambda p, mode: str(p) == str(path))
    said = access.files_report(path)
    assert said.endswith(
        f": ask its owner alice to run: chgrp {group_name(TEAM)} {path}-wal {path}-shm"
    )


def test_a_world_writable_sticky_directory_is_told_apart(tmp_path: Path) -> None:
    """A reviewer: 1777 (as /tmp) was said to let anyone rename the database away, which the
    sticky bit stops; what it does not stop is files put beside it, and the bit itself can
    keep the team from its -wal/-shm."""
    team, said = _permissions_said(tmp_path, 0o3777)
    assert said == (
        f"directory {team} is world-writable and sticky: anyone may put files beside the"
        " database, and the sticky bit can stop the team opening its -wal/-shm: run: chmod"
        f" o-w,o-t {team}"
    )


def test_the_systems_scratch_folder_is_no_place_for_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """doctor told a tester to chmod /dev/shm: the system's sticky scratch folders are left
    as they are, and the database goes to a folder of its own."""
    from pdca.db import filesystem

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    scratch.chmod(0o1777)
    monkeypatch.setattr(filesystem, "SCRATCH_FOLDERS", frozenset({str(scratch)}))
    said = filesystem.world_writable(scratch)
    assert said.startswith(f"directory {scratch} is the system's shared scratch folder")
    assert "chmod" not in said and "a folder of its own on a disk (as /srv/team" in said


def test_doctor_leaves_the_files_its_read_made_in_the_teams_group(tmp_path: Path) -> None:
    """A tester: in a team directory without setgid, ``pdca doctor`` left the -wal/-shm its
    read made (a reader may not checkpoint them away) in its runner's own group, and every
    other member's command failed until someone ran chgrp. (SQLite run as root gives them
    the database's owner and group itself: here they are put in group 0 by hand, as a
    member's own group would be.)"""
    team = _team_directory(tmp_path)
    team.chmod(0o770)
    path = team / "pdca.db"
    opened = connection.open_database(path, create=True).connection
    opened.execute("SELECT count(*) FROM actions").fetchone()  # the -shm exists now
    made = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    if os.geteuid() == 0:
        for file in made:
            if file.exists():
                os.chown(file, -1, 0)
    diagnose(path)
    groups = {f.name: f.stat().st_gid for f in made if f.exists()}
    opened.close()
    assert groups and set(groups.values()) == {team.stat().st_gid}, groups


def test_a_backups_folder_made_in_a_team_directory_is_the_teams(tmp_path: Path) -> None:
    """A tester: without setgid, the first member's backup made ``backups/`` in their own
    group, and everyone else's backup was refused."""
    from pdca.db.backup import make_default_folder

    team = _team_directory(tmp_path)
    team.chmod(0o770)
    folder = make_default_folder(team / "pdca.db")
    assert folder.stat().st_gid == team.stat().st_gid
    assert stat.S_IMODE(folder.stat().st_mode) == 0o2770


def test_an_upgrades_copy_in_a_team_directory_is_the_teams(tmp_path: Path) -> None:
    """A tester: the second member to open an older file upgraded it, and its copy
    (``pdca.db.v20.bak``) was left in that member's own group, out of the others' reach."""
    from pdca.db import schema
    from tests.unit.test_file_safety import make_old_database

    team = _team_directory(tmp_path)
    team.chmod(0o770)
    path = team / "pdca.db"
    make_old_database(path, schema.schema_version() - 1)
    opened = connection.open_database(path, create=False)
    opened.connection.close()
    assert opened.upgrade is not None
    assert opened.upgrade.backup.stat().st_gid == team.stat().st_gid


def test_a_board_kept_out_by_the_wal_and_shm_names_them_not_the_file(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file made group-writable while a member's -wal/-shm stayed 0640: a board opened
    read-only named the file (mode 0660, writable) and "ask the team's admin" (a tester). It
    names the -wal and -shm, and the command that mends them, as the command line does."""
    from pdca.db import store as store_module

    store.writable = False  # opened while the file was not group-writable
    monkeypatch.setattr(store_module, "may_write_now", lambda p: False)
    monkeypatch.setattr(store_module, "file_lets_me_write", lambda p: True)
    monkeypatch.setattr(store_module, "files_report", lambda p: "pdca.db-wal mode 0640: X")
    assert store.read_only_words(refused=False) == (
        f"{db_path} cannot be written: pdca.db-wal mode 0640: X"
    )
    assert store.read_only_reason.startswith(f"{db_path} cannot be written: nothing written")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give a file another's group")
def test_a_file_its_owner_gave_another_group_stays_in_it(tmp_path: Path) -> None:
    """ann's folder was in her personal group; she gave the file the team's group, as ben's
    refusal asked, and her next ``pdca list`` took it back (a tester, twice). Only a file in
    its maker's own group, as SQLite made it, is given the folder's."""
    team = _team_directory(tmp_path)
    path = team / "pdca.db"
    connection.open_database(path, create=True).connection.close()
    os.chown(path, -1, 4444)  # the group the people share, given by hand
    store = Store.open(path, actor="ann", clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
    store.list_actions()
    store.close()
    assert path.stat().st_gid == 4444


@pytest.mark.skipif(os.geteuid() != 0, reason="gives a file another group: needs root")
def test_a_file_moved_into_a_setgid_folder_is_given_the_team(tmp_path: Path) -> None:
    """Made elsewhere and moved in, it kept its maker's group, and the team was refused it
    (a reviewer): the owner's first pdca command there gives it the folder's group."""
    team = _team_directory(tmp_path)  # setgid
    path = team / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, -1, os.getegid())  # its maker's own group, as a file moved in keeps it
    connection.give_the_team(path)
    assert path.stat().st_gid == TEAM


def test_a_read_only_mount_is_named_not_the_files_modes(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mount -o remount,ro``: the file's owner was told it was "read-only for ann (owned by
    ann:team, mode 0660): ask the team's admin", modes that were right (a tester). The mount
    is named, by the write, the banner and doctor."""
    from pdca.db import access

    store.add_action(ActionDraft(title="before"))
    real_statvfs, real_access = os.statvfs, os.access

    def read_only(path: object) -> os.statvfs_result:
        found = list(real_statvfs(path))  # type: ignore[arg-type]
        found[8] |= os.ST_RDONLY  # f_flag
        return os.statvfs_result(found)

    monkeypatch.setattr(access.os, "statvfs", read_only)
    monkeypatch.setattr(  # what the kernel answers for writes on a read-only mount (EROFS)
        access.os, "access", lambda path, mode, **kw: not mode & os.W_OK and real_access(path, mode)
    )
    refused = store.read_only_reason
    assert refused.startswith(f"{db_path}: its filesystem (") and "read-only for" not in refused
    assert ") is mounted read-only: nobody can write it until it is mounted read-write" in refused
    assert refused.endswith("(ask the machine's admin); nothing written")
    assert not store.read_only_words(refused=False).endswith("nothing written")
    [check] = [check for check in diagnose(db_path) if check.name == "access"]
    assert not check.ok and check.detail.startswith("read-only: its filesystem (")
    monkeypatch.setattr(access.os, "statvfs", real_statvfs)  # mounted read-write: the modes
    assert "read-only for" in store.read_only_reason
