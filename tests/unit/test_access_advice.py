"""What pdca tells a person to ask for (or do) when a file of the database is closed to them.

The tests run as root, whom permissions do not stop, so the uid this process runs as is
pretended (``os.geteuid``, and its groups) and the files are chowned to made-up owners: the
advice is built from ``os.stat`` and those alone.
"""

from __future__ import annotations

import grp
import os
import pwd
from pathlib import Path
from typing import Any

import pytest

from pdca.db import access
from pdca.db.access import what_to_ask, write_advice

SOMEONE = 4321  # a uid with no login here


def _run_as(monkeypatch: pytest.MonkeyPatch, uid: int, groups: list[int]) -> None:
    monkeypatch.setattr(access.os, "geteuid", lambda: uid)
    monkeypatch.setattr(access.os, "getegid", lambda: groups[0] if groups else 65533)
    monkeypatch.setattr(access.os, "getgroups", lambda: list(groups))


def test_a_wal_the_group_may_write_but_not_read_asks_for_both(tmp_path: Path) -> None:
    """SQLite opens -wal and -shm to read and write: g+w alone (0620) still fails, so the
    advice names both bits (it said 'chmod g+w', then 'ask the team's admin')."""
    wal = tmp_path / "pdca.db-wal"
    wal.write_bytes(b"")
    nobody = pwd.getpwnam("nobody").pw_uid  # someone else, with an account
    os.chown(wal, nobody, os.getgid())  # someone else's, in a group this process is in
    for mode in (0o600, 0o620, 0o640):
        wal.chmod(mode)
        advice = what_to_ask(wal, "read and write")
        assert advice.endswith(f"chmod g+rw {wal}"), (oct(mode), advice)
    wal.chmod(0o660)
    assert what_to_ask(wal, "read and write") == "ask the team's admin"  # nothing to grant
    wal.chmod(0o620)
    assert what_to_ask(wal, "write") == "ask the team's admin"  # writing alone is granted


def test_the_owner_of_a_read_only_file_is_told_to_chmod_it_themself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their own bits apply to an owner, whatever the group's: 'chmod u+w', nobody to ask
    (it said "ask its owner to make it group-writable", and doctor "ask nobody to run: chmod
    g+w" to nobody, the owner)."""
    path = tmp_path / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, SOMEONE, SOMEONE)
    path.chmod(0o440)
    _run_as(monkeypatch, SOMEONE, [SOMEONE])
    assert what_to_ask(path, "write") == f"you own it, so run: chmod u+w {path}"
    assert what_to_ask(path, "read and write") == f"you own it, so run: chmod u+rw {path}"
    path.chmod(0o040)  # the group may read, the owner may not: the owner still may not
    assert what_to_ask(path, "read") == f"you own it, so run: chmod u+r {path}"
    path.chmod(0o640)
    assert what_to_ask(path, "read") == "ask the team's admin"  # it is not the mode


def test_the_owner_of_a_read_only_team_file_gives_the_team_its_bits_back_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ann's 0440 file in group team: "chmod u+w" gave 0640 and left ben locked out (a
    retrial). In a group others are in, the owner is told ug+w; in one only they are in,
    u+w still."""
    import grp

    path = tmp_path / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, SOMEONE, 5432)
    path.chmod(0o440)
    _run_as(monkeypatch, SOMEONE, [5432])
    ann = pwd.struct_passwd(("ann", "x", SOMEONE, 9999, "", "/home/ann", "/bin/sh"))
    monkeypatch.setattr(access.pwd, "getpwuid", lambda uid: ann)
    members = ["ann", "ben"]
    monkeypatch.setattr(
        access.grp, "getgrgid", lambda gid: grp.struct_group(("team", "x", gid, members))
    )
    assert what_to_ask(path, "write") == f"you own it, so run: chmod ug+w {path}"
    path.chmod(0o400)  # nor may the team read it: "ug+w" gave 0620 (a retrial)
    assert what_to_ask(path, "write") == f"you own it, so run: chmod ug+rw {path}"
    path.chmod(0o460)  # the group may write already: the owner's own bit alone
    assert what_to_ask(path, "write") == f"you own it, so run: chmod u+w {path}"
    path.chmod(0o440)
    members = ["ann"]  # nobody else in it: the owner's own
    monkeypatch.setattr(access.pwd, "getpwall", lambda: [ann])
    assert what_to_ask(path, "write") == f"you own it, so run: chmod u+w {path}"


def test_someone_elses_file_names_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nobody = pwd.getpwnam("nobody")
    path = tmp_path / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, nobody.pw_uid, SOMEONE)
    path.chmod(0o440)
    _run_as(monkeypatch, SOMEONE + 1, [SOMEONE])  # in the file's group
    # 0440: its owner may not write either, and "g+w" left them out of their own file, 0460
    # (a retrial): both are given it
    assert what_to_ask(path, "write") == f"ask its owner nobody to run: chmod ug+w {path}"
    path.chmod(0o640)
    assert what_to_ask(path, "write") == f"ask its owner nobody to run: chmod g+w {path}"
    _run_as(monkeypatch, SOMEONE + 1, [SOMEONE + 1])  # outside it
    assert what_to_ask(path, "write") == (
        f"ask to be added to group {SOMEONE}, and its owner nobody to run: chmod g+w {path}"
    )


def test_write_advice_names_the_folder_when_the_file_is_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    path = folder / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, SOMEONE, SOMEONE)
    os.chown(folder, SOMEONE, SOMEONE)
    _run_as(monkeypatch, SOMEONE, [SOMEONE])
    closed: set[str] = {str(path)}
    monkeypatch.setattr(access.os, "access", lambda name, mode: str(name) not in closed)
    path.chmod(0o440)
    assert write_advice(path) == f"you own it, so run: chmod u+w {path}"
    closed = {str(folder)}
    folder.chmod(0o555)
    assert write_advice(path) == (
        f"SQLite writes beside it in {folder}: you own it, so run: chmod u+w {folder}"
    )


def _pretend_people(
    monkeypatch: pytest.MonkeyPatch, users: dict[int, Any], groups: dict[int, Any]
) -> None:
    """The passwd and group entries are these alone (``pw_name``, ``pw_gid``; ``gr_name``,
    ``gr_gid``, ``gr_mem``): the people of the file's advice, made up."""

    def getpwuid(uid: int) -> Any:
        if uid in users:
            return users[uid]
        raise KeyError(uid)

    def getgrgid(gid: int) -> Any:
        if gid in groups:
            return groups[gid]
        raise KeyError(gid)

    monkeypatch.setattr(access.pwd, "getpwuid", getpwuid)
    monkeypatch.setattr(access.pwd, "getpwall", lambda: list(users.values()))
    monkeypatch.setattr(access.grp, "getgrgid", getgrgid)
    monkeypatch.setattr(access.grp, "getgrall", lambda: [g for g in groups.values() if g.gr_mem])


def test_a_file_in_its_owners_own_group_wants_the_teams_group_not_a_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ann:ann 0644 (umask 022, a folder without setgid): "ask to be added to group ann" is
    no advice (a tester). The group ann and the reader share is named, when there is one."""
    from types import SimpleNamespace

    ann, team, other = 4601, 4700, 4701
    path = tmp_path / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, ann, ann)  # ann's own group has ann's uid as its gid here
    path.chmod(0o644)
    users = {ann: SimpleNamespace(pw_name="ann", pw_gid=ann, pw_dir="/home/ann")}
    groups = {
        ann: SimpleNamespace(gr_name="ann", gr_gid=ann, gr_mem=[]),
        team: SimpleNamespace(gr_name="team", gr_gid=team, gr_mem=["ann", "ben"]),
        other: SimpleNamespace(gr_name="ops", gr_gid=other, gr_mem=["ann", "ben"]),
    }
    _pretend_people(monkeypatch, users, groups)
    _run_as(monkeypatch, 4602, [4602, team])  # ben, in team only
    assert what_to_ask(path, "write") == (
        f"ask its owner ann to run: chgrp team {path} && chmod g+w {path}"
    )
    _run_as(monkeypatch, 4602, [4602, team, other])  # two groups to choose from: not chosen
    assert what_to_ask(path, "write") == (
        f"ask its owner ann to run: chgrp GROUP {path} && chmod g+w {path}"
        " (GROUP: a group you are both in)"
    )
    _run_as(monkeypatch, 4602, [4602])  # in no group with ann: one to join first
    assert what_to_ask(path, "write") == (
        f"ask to be put in a group with ann, and ann to run: chgrp GROUP {path} && chmod g+w {path}"
    )
    path.chmod(0o660)  # the group may: only the group is wrong
    _run_as(monkeypatch, 4602, [4602, team])
    assert what_to_ask(path, "write") == f"ask its owner ann to run: chgrp team {path}"


def test_a_member_added_since_login_is_told_to_log_in_again_not_to_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group database lists ben in team, this session's groups do not (he was added
    after it began): "ask to be added to group team" sent him to the admin again (a
    newcomer's setup)."""
    from types import SimpleNamespace

    ann, ben, team = 4601, 4602, 4700
    path = tmp_path / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, ann, team)
    path.chmod(0o660)
    users = {
        ann: SimpleNamespace(pw_name="ann", pw_gid=ann, pw_dir="/home/ann"),
        ben: SimpleNamespace(pw_name="ben", pw_gid=ben, pw_dir="/home/ben"),
    }
    groups = {team: SimpleNamespace(gr_name="team", gr_gid=team, gr_mem=["ann"])}
    _pretend_people(monkeypatch, users, groups)
    _run_as(monkeypatch, ben, [ben])
    assert what_to_ask(path, "write") == "ask to be added to group team"
    groups[team].gr_mem.append("ben")  # added now; this session still without it
    assert what_to_ask(path, "write") == (
        "you are in group team, but not in this session yet: log in again (or newgrp team)"
    )
    path.chmod(0o640)  # and the group may not write yet either
    assert what_to_ask(path, "write") == (
        "you are in group team, but not in this session yet: log in again (or newgrp team);"
        f" and ask its owner ann to run: chmod g+w {path}"
    )


def _as_ben_in_team_with_ann(monkeypatch: pytest.MonkeyPatch, ann: int, team: int) -> None:
    """ann (in her own group ann, and team) and ben (in team): this process is ben."""
    from types import SimpleNamespace

    users = {ann: SimpleNamespace(pw_name="ann", pw_gid=ann, pw_dir="/home/ann")}
    groups = {
        ann: SimpleNamespace(gr_name="ann", gr_gid=ann, gr_mem=[]),
        team: SimpleNamespace(gr_name="team", gr_gid=team, gr_mem=["ann", "ben"]),
    }
    _pretend_people(monkeypatch, users, groups)
    _run_as(monkeypatch, 4602, [4602, team])


def test_a_team_folder_in_its_owners_own_group_is_what_doctor_asks_to_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ann's folder ``ann:ann 2775``, the file given to ``team`` by hand: doctor asked for
    ``chgrp ann pdca.db``, which locked ben out again (a tester). It asks for the folder's
    group to be the team's; with the folder ``0755`` too, for that before ``chmod g+ws``."""

    from pdca.db import doctor

    ann, team = 4601, 4700
    folder = tmp_path / "F"
    folder.mkdir()
    path = folder / "pdca.db"
    path.write_bytes(b"")
    os.chown(folder, ann, ann)
    folder.chmod(0o2775)
    os.chown(path, ann, team)
    path.chmod(0o660)
    _as_ben_in_team_with_ann(monkeypatch, ann, team)
    said = {c.name: c.detail for c in doctor._check_permissions(path)}
    assert said["group"] == (
        f"directory {folder} is in its owner's own group ann, which nobody else is in:"
        f" ask its owner ann to run: chgrp team {folder}"
    )
    folder.chmod(0o755)
    said = {c.name: c.detail for c in doctor._check_permissions(path)}
    assert said["group"].endswith(
        f"ask its owner ann to run: chgrp team {folder} && chmod g+ws {folder}"
    )


def test_a_file_and_its_folder_both_closed_are_asked_for_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ann's folder ``0755 ann:ann`` and file ``0644``: ben was told the file's chgrp and
    chmod, followed them, and only then heard of the folder (a tester's two rounds). Both
    come in one line; the folder's with the setgid bit, as doctor asks it."""

    ann, team = 4601, 4700
    folder = tmp_path / "B"
    folder.mkdir()
    path = folder / "pdca.db"
    path.write_bytes(b"")
    for name, mode in ((folder, 0o755), (path, 0o644)):
        os.chown(name, ann, ann)
        name.chmod(mode)
    _as_ben_in_team_with_ann(monkeypatch, ann, team)
    monkeypatch.setattr(access.os, "access", lambda name, mode: False)
    assert write_advice(path) == (
        f"ask its owner ann to run: chgrp team {path} && chmod g+w {path}; and SQLite writes"
        f" beside it in {folder}: ask its owner ann to run: chgrp team {folder}"
        f" && chmod g+ws {folder}"
    )


def test_the_setgid_bit_is_asked_for_the_group_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder its owner may not write either: "chmod ug+ws" set setuid on it too (a
    reviewer); the group's setgid is asked for alone."""
    nobody = pwd.getpwnam("nobody")
    folder = tmp_path / "team"
    folder.mkdir()
    os.chown(folder, nobody.pw_uid, SOMEONE)
    folder.chmod(0o550)
    _run_as(monkeypatch, SOMEONE + 1, [SOMEONE])
    assert what_to_ask(folder, "write") == f"ask its owner nobody to run: chmod ug+w,g+s {folder}"


def test_someones_home_folder_is_no_place_to_ask_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--db pdca.db`` in /root, as ann: "ask to be added to group root, and its owner root to
    run: chmod g+x /root" (a script author): a home is its owner's; the advice is a folder the
    team shares. A folder that is nobody's home is still asked into."""
    home = tmp_path / "someones-home"
    home.mkdir(mode=0o700)
    os.chown(home, SOMEONE, SOMEONE)
    _run_as(monkeypatch, 1234, [1234])
    entry = pwd.struct_passwd(("someone", "x", SOMEONE, SOMEONE, "", str(home), "/bin/sh"))
    real_getpwuid = access.pwd.getpwuid
    monkeypatch.setattr(
        access.pwd, "getpwuid", lambda uid: entry if uid == SOMEONE else real_getpwuid(uid)
    )
    assert what_to_ask(home, "enter") == (
        "it is someone's home folder: keep the team's file in a folder the team shares (README:"
        " Sharing one file with a team)"
    )
    other = tmp_path / "shared"
    other.mkdir(mode=0o700)
    os.chown(other, SOMEONE, SOMEONE)
    assert "chmod" in what_to_ask(other, "enter")


def _a_login_outside(path: Path) -> str:
    """A login of this machine, not root nor the file's owner, outside the file's group (every
    system has some: daemon, nobody), named as pdca takes a login."""
    info = path.stat()
    return next(
        p.pw_name
        for p in pwd.getpwall()
        if p.pw_uid not in (0, info.st_uid)
        and p.pw_name.isalnum()
        and info.st_gid not in os.getgrouplist(p.pw_name, p.pw_gid)
    )


def test_a_login_outside_the_files_group_is_said_unable_to_write_it(tmp_path: Path) -> None:
    """A KPI owned by carl, outside the group of the team's file: his alerts went to him for
    a day, unseen, and nothing said he could never open it (a quality lead)."""
    import grp
    import pwd

    from pdca.db.access import why_login_cannot_write

    path = tmp_path / "pdca.db"
    path.write_bytes(b"")
    path.chmod(0o660)
    tmp_path.chmod(0o770)
    group = path.stat().st_gid
    outside = _a_login_outside(path)
    assert why_login_cannot_write(outside, path) == f"not in group {grp.getgrgid(group).gr_name}"
    me = pwd.getpwuid(path.stat().st_uid).pw_name
    assert why_login_cannot_write(me, path) is None  # the owner, or root: may
    assert why_login_cannot_write("no-such-login-here", path) is None  # a name, no user here


def test_naming_an_owner_who_cannot_write_the_file_says_so(ok, db_path: Path) -> None:
    ok("init")
    outside = _a_login_outside(db_path)
    said = ok("add", "Fix the pager", "--owner", outside).stderr
    assert f"note: {outside} cannot write this file (not in group " in said
    assert "cannot write" not in ok("add", "Another", "--owner", "someone-not-a-login").stderr
    # each time work is theirs, not only when they are new (a retrial: a later add, an edit,
    # a reassign to carl went without a word)
    note = f"note: {outside} cannot write this file (not in group "
    assert note in ok("add", "Second", "--owner", outside).stderr
    assert note in ok("edit", "2", "--owner", outside).stderr
    ok("add", "Third", "--owner", "dana")
    assert note in ok("reassign", "dana", outside).stderr
    # and an import that makes them one of the file's people (a retrial's CSV carl)
    sheet = db_path.parent / "in.csv"
    sheet.write_text(f"title,owner\nFrom a sheet,{outside}\nOurs,dana\n")
    other = db_path.parent / "other.db"
    ok("--db", str(other), "init")
    said = ok("--db", str(other), "import", str(sheet)).stderr
    assert said.startswith(note), said
    made = db_path.parent / "made.db"  # and one the import makes (a retrial)
    said = ok("--db", str(made), "import", str(sheet)).stderr
    assert f"note: {outside} cannot write this file (" in said, said


def _with_carl(monkeypatch: pytest.MonkeyPatch, names: dict[int, str], carl: int) -> dict[int, str]:
    """Groups named as ``names`` says, and carl a person (uid 1500) whose own group is the
    gid ``carl``; ``names`` is returned, to be added to."""
    real_name, real_person = access.group_name, access.pwd.getpwnam
    monkeypatch.setattr(access, "group_name", lambda gid: names.get(gid) or real_name(gid))

    def person(name: str) -> Any:
        if name == "carl":
            return pwd.struct_passwd(("carl", "x", 1500, carl, "", "/home/carl", "/bin/sh"))
        return real_person(name)

    monkeypatch.setattr(access.pwd, "getpwnam", person)
    return names


def test_a_folder_in_another_persons_own_group_asks_root_for_the_teams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``chgrp carl`` of the team's folder, ben was told "ask to be added to group
    carl", carl's own (a sysadmin's trial): the folder wants the team's group back, the one
    ben is in."""
    carl, team = SOMEONE + 10, SOMEONE + 11  # gids: carl's own group, the team's
    names = _with_carl(monkeypatch, {carl: "carl", team: "team"}, carl)
    folder = tmp_path / "team"
    folder.mkdir()
    os.chown(folder, 0, carl)
    folder.chmod(0o2770)
    _run_as(monkeypatch, SOMEONE, [team])
    assert what_to_ask(folder, "enter") == f"ask its owner root to run: chgrp team {folder}"
    other = SOMEONE + 12
    names[other] = "ops"
    _run_as(monkeypatch, SOMEONE, [team, other])  # in two: which is the team's, not said
    assert what_to_ask(folder, "enter") == (
        f"ask its owner root to run: chgrp GROUP {folder} (GROUP: the team's group, one of yours)"
    )  # not "a group you are both in": root is in neither (a reviewer)
    _run_as(monkeypatch, SOMEONE, [SOMEONE])  # in no team yet
    assert what_to_ask(folder, "enter") == (
        f"ask root to run: chgrp GROUP {folder}"
        " (GROUP: the team's group; ask to be put in it first)"
    )


def test_a_file_whose_owner_has_no_account_asks_root_to_give_it_to_someone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its maker removed (userdel): "ask its owner 1004 to run: chmod g+w" named nobody who
    could (a sysadmin's trial)."""
    path = tmp_path / "pdca.db"
    path.write_bytes(b"")
    os.chown(path, SOMEONE, SOMEONE)  # a uid with no account here
    path.chmod(0o640)
    _run_as(monkeypatch, SOMEONE + 1, [SOMEONE])
    assert what_to_ask(path, "write") == (
        f"its owner, uid {SOMEONE}, has no account here: ask root to run: chown LOGIN {path}"
        " (LOGIN: one of the team)"
    )


def test_a_folder_in_another_persons_own_group_is_no_shared_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """root:carl 2770, carl its group's only member: carl's doctor said "shared with the
    group" (a retrial); it is one person's own group, as ann:ann is."""
    carl = SOMEONE + 10
    _with_carl(monkeypatch, {carl: "carl"}, carl)
    folder = tmp_path / "team"
    folder.mkdir()
    os.chown(folder, 0, carl)
    assert access.in_its_owners_own_group(folder)
    assert access.own_group_words(folder) == "carl's own group"
    os.chown(folder, 0, 0)  # root's: the tests' own folders, left alone
    assert not access.in_its_owners_own_group(folder)


def test_doctor_names_people_work_waits_on_who_cannot_write_the_file(
    ok, cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague left the group holding work and a KPI's escalation: the note at the change
    went to stderr, and doctor then passed everything (a month's trial). Not of a file of
    one's own, nor of a system account (a reviewer: mail and backup on a private file)."""
    from tests.conftest import pretend_accounts

    pretend_accounts(monkeypatch, dana=1500)  # a person's account, outside the file's group
    ok("init")
    db_path.parent.chmod(0o770)
    ok("add", "Fix the pager", "--owner", "dana")
    ok("add", "Rota", "--owner", "dana")
    ok("add", "Mail", "--owner", "mail")  # the system's own account: no one's
    ok("kpi", "add", "Reopen rate", "--unit", "%", "--baseline", "5", "--target", "2",
       "--escalate-to", "dana")  # fmt: skip
    db_path.chmod(0o640)  # one's own: nobody else is to write it
    assert " people " not in cli("doctor").stdout
    db_path.chmod(0o660)  # the team's
    said = next(line for line in cli("doctor").stdout.splitlines() if " people " in line)
    assert said == (
        "warn people       cannot write this file: dana (not in group"
        f" {grp.getgrgid(db_path.stat().st_gid).gr_name}): #1 and 1 more, KPI Reopen rate"
        " (escalation path) (pdca reassign LOGIN SOMEONE; pdca kpi edit NAME"
        " --owner/--escalate-to)"
    )


def test_a_member_of_the_files_group_new_to_it_is_no_typo(
    ok, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "ben is new to this file ... (a typo?" of the file's own group's members taught the
    team to pass the note over (a month's trial); a name of nobody in it is still asked."""
    monkeypatch.setattr(access, "team_accounts", lambda path: {"dana", "erin"})
    ok("init")
    said = ok("add", "Rota", "--owner", "dana").stderr
    group = grp.getgrgid(db_path.stat().st_gid).gr_name
    assert said == (
        f"note: dana is new to this file: now one of its people (a member of its group {group})\n"
    )
    said = ok("add", "Pager", "--owner", "zed").stderr
    assert said.startswith("note: zed is new to this file: now one of its people (a typo?")
    said = ok("add", "Runbook", "--owner", "erinn").stderr  # close to a member: asked
    assert "(a typo?" in said and "did you mean erin?" in said, said


def test_a_shut_team_folder_is_asked_open_for_entering_and_writing_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The team's folder made 0500: ben was told "chmod g+x", then, once it was done,
    "chmod ug+w" (a trial's two rounds). A writer needs both there: asked at once; a
    reader, only to enter it."""
    from pdca.db.access import cannot_reach

    ann, team = 4601, 4700
    folder = tmp_path / "team"
    folder.mkdir()
    path = folder / "pdca.db"
    path.write_bytes(b"")
    os.chown(folder, ann, team)
    folder.chmod(0o2500)
    _as_ben_in_team_with_ann(monkeypatch, ann, team)
    monkeypatch.setattr(access.os, "access", lambda name, mode: Path(name) != folder)
    monkeypatch.setattr(access, "login_name", lambda: "ben")
    said = cannot_reach(path)
    # its owner lacks writing too (0500), and its setgid stays: asked for both, once
    assert said.endswith(f"ask its owner ann to run: chmod ug+wx {folder}"), said
    assert cannot_reach(path, "read").endswith(f"chmod g+x {folder}")


def test_an_acl_is_read_as_the_kernel_reads_it() -> None:
    """Any ACL on the way was taken for "the maker may read it": one letting carl into a
    folder let root read ann's file through ben's link (a reviewer). The ACL's entries are
    read: a named user's, the groups', the mask, the others'."""
    import shutil
    import tempfile

    from pdca.db.access import _may_read_as

    # pytest's own folders are 0700: a place others may pass through, as a team's is
    base = Path(tempfile.mkdtemp(prefix="pdca-acl-", dir="/tmp"))
    base.chmod(0o755)
    try:
        _acls_read(base, _may_read_as)
    finally:
        shutil.rmtree(base)


def _acls_read(base: Path, _may_read_as) -> None:  # type: ignore[no-untyped-def]
    import errno
    import struct

    folder = base / "priv"
    folder.mkdir()
    path = folder / "pdca.db"
    path.write_bytes(b"")
    folder.chmod(0o700)
    path.chmod(0o600)

    def acl(named: int, mask: int) -> bytes:
        """The owner rwx, 4343 by name ``named``, the group and others nothing, ``mask``:
        entries in the kernel's order (by tag)."""
        nobody = 0xFFFFFFFF
        entries = [(0x01, 7, nobody), (0x02, named, 4343), (0x04, 0, nobody)]
        entries += [(0x10, mask, nobody), (0x20, 0, nobody)]
        return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)

    try:
        os.setxattr(folder, "system.posix_acl_access", acl(5, 7))
    except OSError as error:  # a filesystem without ACLs: the modes alone say it
        assert error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP)
        assert not _may_read_as(4242, path)
        return
    # the folder lets 4343 in, and no one else: 4242 may not read, whatever the ACL is for
    assert not _may_read_as(4242, path)
    os.setxattr(path, "system.posix_acl_access", acl(4, 4))
    assert _may_read_as(4343, path)  # let in by name, through the folder and to the file
    os.setxattr(path, "system.posix_acl_access", acl(4, 0))
    assert not _may_read_as(4343, path)  # the mask takes it away
