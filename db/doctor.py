"""``pdca doctor``: is this file healthy, and can every member of the team write it?

Every check reads; none writes. The database is opened read-only, through SQLite only (a
process that opened the file itself would drop its own connections' locks), so a doctor run
on a broken or foreign file leaves it exactly as it was.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import re
import sqlite3
import stat
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pdca.db import copies, kept, schema
from pdca.db.access import (
    a_persons_account,
    cannot_reach,
    describe_owner,
    file_lets_me_write,
    files_report,
    finding_its_other_names,
    group_members,
    group_name,
    group_to_share,
    in_its_owners_own_group,
    link_to_what_its_maker_may_not_read,
    login_name,
    own_group_words,
    planted_link_said,
    planted_links,
    read_only_mount,
    read_only_mount_said,
    someone_elses_link,
    user_name,
    whose_to_run,
    why_login_cannot_write,
    write_advice,
)
from pdca.db.backup import (
    STALE_AFTER,
    age_words,
    default_folder,
    folder_not_folder,
    list_backups,
    newest_good_backup,
    restore_command,
    temporaries_of,
)
from pdca.db.connection import (
    connect_file,
    give_the_team,
    link_refused,
    mend_what_a_reader_made,
    move_away,
    orphaned_journals,
    read_as_it_stands_on_a_full_disk,
    set_aside_a_replaced_files_journals,
    set_aside_said,
    stray_journals,
    strays_not_written_since,
    strays_said,
    the_file_itself,
)
from pdca.db.errors import InvalidInput, database_failure, shell_word
from pdca.db.filesystem import (
    directory_is_group_shared,
    filesystem_of,
    is_network_filesystem,
    size_words,
    world_writable,
)
from pdca.db.holdings import held_besides_actions
from pdca.db.sql_params import numbered


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    warning: bool = False  # ok, yet worth doing something about (no backup yet)


def diagnose(path: Path, mountinfo: str | None = None, now: datetime | None = None) -> list[Check]:
    """Run every check that applies; stop early only when the file cannot be read at all.
    ``now``: the real time backups' ages are measured against (default: now)."""
    checks: list[Check] = []
    if (link := link_to_what_its_maker_may_not_read(path, writes=True)) is not None:
        return [Check("file", False, link_refused(link))]  # its file is not looked at
    path = the_file_itself(path)
    found = _check_file(path)
    checks.append(found)
    if not found.ok:  # what killed runs left may be here all the same (an import's copy)
        return checks + _check_leftovers(path)
    checks += _check_owner(path)
    filesystem = filesystem_of(path.parent, mountinfo)
    network = is_network_filesystem(filesystem)
    volatile = filesystem in ("tmpfs", "ramfs")  # in memory: gone at the next reboot
    checks.append(
        Check(
            "filesystem",
            True,
            f"{filesystem} ({'network: rollback journal' if network else 'local: WAL'})"
            + (
                "; it is kept in memory: the database and backups beside it are gone at the"
                " next reboot: keep them on a disk"
                if volatile
                else ""
            ),
            warning=volatile,
        )
    )
    checks += _check_permissions(path)
    checks.append(_check_space(path))
    # Another file's -wal and -shm at the name (moved over while a program had it open):
    # doctor's own read replayed them into this file, and said it damaged (a retrial). Set
    # aside first, and named among the leftovers.
    moved = set_aside_a_replaced_files_journals(path)
    if moved and not any(".left-by-the-old-file-" in to for _, to in moved):
        # beside the old file's new name: no leftover to name, but said (a retrial's doctor
        # moved them and said nothing)
        checks.append(Check("set aside", True, set_aside_said(path, moved), warning=True))
    checks += _check_leftovers(path)
    if strays := stray_journals(path):  # a renamed file's last changes may be in them
        # A failure while every write is refused (a cron's doctor || page said nothing)
        refused = bool(strays_not_written_since(path, strays))
        checks.append(Check("strays", not refused, strays_said(path, strays), warning=not refused))
    # Reads, and writes nothing. Someone who may write opens it as a writer does all the same:
    # SQLite then takes away the -wal and -shm its read made when it closes (nobody else has
    # the file open). A read-only open left them behind, with the file's mode, and a 0600 or
    # 0644 file's kept the team out even after its owner ran the chmod doctor advised (a
    # tester).
    may_write = os.access(path, os.R_OK | os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    try:
        connection, snapshot = connect_file(path, writable=may_write, filesystem=filesystem)
    except sqlite3.Error as error:
        return [*checks, Check("open", False, _worded(path, error))]
    try:
        try:
            checks += _check_contents(connection, network, snapshot, path)
        except sqlite3.Error as error:
            if not read_as_it_stands_on_a_full_disk(path, error, filesystem):
                raise
            # No room for the -shm a read needs: read as pdca's commands then do (a tester's
            # doctor said FAIL open on a full disk where list and backup could read).
            connection.close()
            connection, snapshot = connect_file(path, False, filesystem, immutable=True)
            checks += _check_contents(connection, network, snapshot, path)
    except sqlite3.Error as error:
        checks.append(Check("integrity" if _damage(error) else "open", False, _worded(path, error)))
    finally:
        connection.close()
        # A reader leaves the -wal/-shm its read made (it may not checkpoint them away): in
        # a team directory without setgid they had the doctor's own group, and locked the
        # rest of the team out until they were given the directory's (a tester).
        if directory_is_group_shared(path.parent):
            give_the_team(path)
        if not may_write:  # and with the file's mode, locking its writers out (a reviewer)
            mend_what_a_reader_made(path)
    return _with_backups(path, checks, now or datetime.now(UTC))


SPACE_LOW = 10 * 1024 * 1024  # below this, the next writes may meet "the disk is full"
FULL_BELOW = 64 * 1024  # less than a few pages: no write fits (a full disk was "may fill")


def _size_of(name: str) -> int:
    try:
        return os.stat(name).st_size  # stat opens nothing
    except OSError:
        return 0


def _check_space(path: Path) -> Check:
    """Room left where the file is: on a full disk every write was refused ("the disk is
    full; nothing written") while doctor said all was well (a tester). A backup, a restore
    and an upgrade each make a whole copy of the file, beside it or in backups/."""
    try:
        found = os.statvfs(path.parent)
    except OSError as error:
        return Check("disk", True, f"free space unknown ({error.strerror})", warning=True)
    free = found.f_bavail * found.f_frsize
    size = _size_of(str(path)) + _size_of(f"{path}-wal")
    said = f"{size_words(free)} free in {path.parent}"
    if read_only_mount(path) is not None:
        return Check("disk", True, f"{said} (mounted read-only: the access check says)")
    if free < FULL_BELOW:
        # The -wal holds the writes not yet folded into the file: on a full disk it is the
        # biggest file there, and removing it lost them and damaged the file (a trial).
        wal = _size_of(f"{path}-wal")
        keep = (
            f"; never remove {path.name}-wal ({size_words(wal)}): it holds changes not yet in"
            " the file, folded in once there is room"
            if wal
            else ""
        )
        return Check(
            "disk",
            False,
            f"{said}: the disk is full, every write is refused; free some space{keep}",
        )
    if free < SPACE_LOW:
        # Low, not full: a warning. 8.8 MB free beside a 4 MB file failed doctor (exit 1),
        # and told people to keep a -wal "folded in once there is room" with room (a tester).
        return Check(
            "disk",
            True,
            f"{said}: writes may be refused when it fills; free some space",
            warning=True,
        )
    if free < size:
        return Check(
            "disk",
            True,
            f"{said}, less than the database's {size_words(size)}: a backup, a restore or an"
            " upgrade (each a whole copy) would not fit; free some space",
            warning=True,
        )
    return Check("disk", True, said)


def _with_backups(path: Path, checks: list[Check], now: datetime) -> list[Check]:
    """The ``backup`` check: a backup from the last day in the backups folder. On a damaged
    file, what to do, in the integrity check's own line (the one repeated on stderr): the
    exact command that restores the newest good backup, when there is one."""
    folder = default_folder(path)
    link = someone_elses_link(folder)
    if link is not None:  # backups would go where it leads, and rotation delete what is there
        said = f"{folder} goes through a link: {link}; remove that link, then pdca backup"
        return [*checks, Check("backup", False, said)]
    if any(c.name == "schema" and (not c.ok or "copy kept before" in c.detail) for c in checks):
        # No backup advice for a file that is no pdca file, or is a kept copy: a backup of it
        # is refused, or is no backup of the team's file (a tester).
        return checks
    damaged = [i for i, check in enumerate(checks) if check.name == "integrity" and not check.ok]
    if damaged:
        index = damaged[0]
        detail = checks[index].detail
        not_sqlite = detail.startswith("not a SQLite")  # perhaps never a pdca file at all
        good = newest_good_backup(path)
        if good is None:
            if not_sqlite:
                return checks
            checks[index] = replace(
                checks[index],
                detail=f"{detail}; restore the last good copy (a {path.name}.vN.bak beside it, "
                f"or your own backup), or save what is readable: sqlite3 {shell_word(path)}"
                " .recover",
            )
            return [*checks, Check("backup", False, f"no good backup in {folder} to restore")]
        command = restore_command(path, good.path)
        first = "once nobody has it open, move it away, then: " if not_sqlite else ""
        checks[index] = replace(
            checks[index], detail=f"{detail}; restore the newest good backup: {first}{command}"
        )
        age = age_words(good.age(now))
        return [*checks, Check("backup", True, f"newest good: {good.path.name}, {age} old")]
    if folder.exists() and not folder.is_dir():  # nowhere for a backup to go: no backups
        return [*checks, Check("backup", False, f"{folder} {folder_not_folder(folder, path)}")]
    if folder.exists() and not os.access(folder, os.R_OK | os.X_OK):
        detail = f"you may not look in {folder} ({describe_owner(folder)})"
        return [*checks, Check("backup", True, detail, warning=True)]
    found = list_backups(path)
    backups = [b for b in found if not b.before_restore]
    if not backups and path.parent.name == "backups":
        # A backup itself, opened to look at it: "none yet in .../backups/backups" (a retrial)
        detail = f"{path.name} is in a backups folder, a backup itself: none are made of it"
        return [*checks, Check("backup", True, detail)]
    if not backups:
        # A warning, not a failure: a new or private file has none yet, and is healthy.
        # The copy a restore kept is named: "none yet" beside it read as if it were not
        # there (two testers).
        kept = next((b.path.name for b in found if b.before_restore), None)
        beside = f" (only {kept}, kept by a restore)" if kept else ""
        detail = (
            f"none yet in {folder}{beside}: make one with pdca --db {shell_word(path)} backup,"
            " hourly from cron (README: Backups and restore)"
        )
        return [*checks, Check("backup", True, detail, warning=True)]
    newest = backups[0]
    age = age_words(newest.age(now))
    if newest.age(now) > STALE_AFTER:
        detail = (
            f"the newest, {newest.path.name} in {folder}, is {age} old: is the job that makes "
            f"them still running? make one now with pdca --db {shell_word(path)} backup"
        )
        return [*checks, Check("backup", False, detail)]
    astray = _backups_outside_the_team(path, folder, [b.path for b in found])
    if astray:  # said after the newest's name and age, which stay
        detail = f"{newest.path.name}, {age} old ({len(backups)} in {folder}); {astray}"
        return [*checks, Check("backup", True, detail, warning=True)]
    return [
        *checks,
        Check("backup", True, f"{newest.path.name}, {age} old ({len(backups)} in {folder})"),
    ]


def _backups_outside_the_team(path: Path, folder: Path, backups: list[Path]) -> str | None:
    """In a team's folder, what of ``backups/`` is not the team's: the folder without its
    setgid, backups in another group. Someone let in by an ACL, outside the group, made
    ``backups/`` (their chmod drops setgid) and each later backup took its maker's group:
    ben could restore none of them, and doctor said ok (a sysadmin's trial)."""
    try:
        if not directory_is_group_shared(path.parent):
            return None
        team = path.stat().st_gid
        where = folder.stat()
        groups = {}
        for backup in backups:
            with contextlib.suppress(OSError):  # removed by a rotation meanwhile: gone
                groups[backup] = backup.stat().st_gid
        astray = [b for b, gid in groups.items() if gid != team]
    except OSError:
        return None
    said = []
    if not where.st_mode & stat.S_ISGID or where.st_gid != team:
        said.append(
            f"{folder} is not the team's ({describe_owner(folder)}): its owner or root:"
            f" chgrp {group_name(team)} {shell_word(folder)} && chmod 2770 {shell_word(folder)}"
        )
    if astray:
        names = ", ".join(f"{b.name} ({group_name(groups[b])})" for b in astray[:3])
        more = f" and {len(astray) - 3} more" if len(astray) > 3 else ""
        said.append(
            f"{len(astray)} backup{'s' if len(astray) > 1 else ''} not in the team's group"
            f" {group_name(team)}, which others of it may not read: {names}{more}: their"
            f" owner or root: chgrp {group_name(team)} {shell_word(folder)}/*.db"
        )
    return "; ".join(said) or None


def _damage(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", 0) or 0
    return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _worded(path: Path, error: sqlite3.Error) -> str:
    code = getattr(error, "sqlite_errorcode", 0) or 0
    if code & 0xFF == sqlite3.SQLITE_NOTADB:
        return "not a SQLite database (or its first page is damaged); left untouched"
    if _damage(error):
        return f"damaged: {error}"  # what to do is added with the backup check
    known = database_failure(path, error)
    return str(known) if known is not None else f"{error} ({describe_owner(path)})"


# Everyone something waits on: open work, audits, alerts, a KPI or an initiative
_HOLDERS = """
SELECT owner FROM actions WHERE done_at IS NULL AND owner IS NOT NULL
UNION SELECT owner FROM followups WHERE done_at IS NULL AND owner IS NOT NULL
UNION SELECT assignee FROM alerts WHERE closed_at IS NULL AND acknowledged_at IS NULL
UNION SELECT owner FROM kpis UNION SELECT owner FROM initiatives
UNION SELECT j.value FROM kpis k,
  json_each(CASE WHEN json_valid(k.escalation) THEN k.escalation ELSE '[]' END) j
"""


def _check_people(connection: sqlite3.Connection, path: Path | None) -> list[Check]:
    """The people of a team's file something waits on who cannot write it (gone from its
    group): said once at the change, on stderr, and then nowhere (a month's trial: a
    colleague who left held work, and doctor passed). Only when some; not of a file of one's
    own, nor of a system account (a reviewer: mail and backup, on a private file)."""
    try:
        shared = path is not None and bool(path.stat().st_mode & stat.S_IWGRP)
    except OSError:
        shared = False
    if path is None or not shared:  # a file of one's own: nobody else is to write it
        return []
    found = []
    for (login,) in connection.execute(_HOLDERS):
        if not isinstance(login, str) or not a_persons_account(login):
            continue
        why = why_login_cannot_write(login, path)
        if why is None:
            continue
        open_work = connection.execute(
            "SELECT min(id), count(*) FROM actions WHERE done_at IS NULL AND owner = ?", (login,)
        ).fetchone()
        held = [f"#{open_work[0]}" + (f" and {open_work[1] - 1} more" if open_work[1] > 1 else "")]
        held = (held if open_work[1] else []) + held_besides_actions(connection, login)
        found.append(f"{login} ({why}): {', '.join(held[:3]) or 'follow-up audits'}")
    if not found:
        return []
    said = "; ".join(sorted(found)[:3]) + (f"; and {len(found) - 3} more" if len(found) > 3 else "")
    advice = "pdca reassign LOGIN SOMEONE; pdca kpi edit NAME --owner/--escalate-to"
    return [Check("people", True, f"cannot write this file: {said} ({advice})", warning=True)]


def _check_file(path: Path) -> Check:
    try:
        info = os.stat(path)  # opens nothing
    except FileNotFoundError:
        if os.path.islink(path):  # init through it is refused: said as every command says it
            return Check(
                "file", False, f"{path}: a link to {os.readlink(path)}, which does not exist"
            )
        good = newest_good_backup(path)
        # What a removed database left is moved away first: restore and init refuse to
        # put a new file beside it (SQLite would replay it), and doctor's advice went in a
        # circle (a tester).
        left = orphaned_journals(path)
        names = ", ".join(Path(name).name for name in left)
        first = (
            f", and {names} of the removed or renamed one {'is' if len(left) == 1 else 'are'} still"
            f" there: {move_away(path, left)}, then"
            if left
            else ";"
        )
        if good is not None:
            return Check(
                "file",
                False,
                f"no database at {path}{first} bring back the newest good backup with: "
                f"{restore_command(path, good.path)}",
            )
        init = f"pdca --db {shell_word(path)} init"
        if not path.parent.is_dir():  # init would be refused there (a tester)
            return Check(
                "file",
                False,
                f"no database at {path}: its folder {path.parent} does not exist (check the"
                f" path; to start one there: mkdir -p {shell_word(path.parent)}, then {init})",
            )
        if left:
            return Check("file", False, f"no database at {path}{first} create one with: {init}")
        return Check("file", False, f"no database at {path} (create one with: {init})")
    except PermissionError:
        return Check("file", False, cannot_reach(path))
    except OSError as error:
        return Check("file", False, f"{path}: {error.strerror or error}")
    if not stat.S_ISREG(info.st_mode):
        return Check("file", False, f"{path} is not a regular file")
    if not os.access(path, os.R_OK):
        return Check("file", False, cannot_reach(path))
    if info.st_nlink > 1:
        return Check(
            "file",
            False,
            f"{info.st_nlink} names (hard links): SQLite keeps one -wal per name, so writes "
            f"through one are lost to the other; remove the extra ones"
            f" ({finding_its_other_names(path)})",
        )
    return Check("file", True, f"{info.st_size} bytes, {describe_owner(path)}")


def _check_owner(path: Path) -> list[Check]:
    """A file whose owner has no account (userdel): only root may change its mode now, and
    an account made later with that uid would own the team's file (a sysadmin's trial).
    A check of its own: the others go on (they stopped, a reviewer)."""
    uid = path.stat().st_uid
    if user_name(uid) != str(uid):
        return []
    fix = f"chown LOGIN {shell_word(path)}"
    return [
        Check(
            "owner",
            False,
            f"uid {uid} has no account here, so nobody but root may change the file's mode,"
            f" and an account given that uid later would own it: ask root to run: {fix}"
            " (LOGIN: one of the team)",
        )
    ]


def _meant_for_a_team(path: Path, dir_mode: int) -> bool:
    """A group-writable file in a folder its group may enter, the group having members
    besides the file's owner: a file meant for a team. A personal one made 0664 (a umask of
    002, each user with a group of their own) is not."""
    info = path.stat()
    if not info.st_mode & stat.S_IWGRP or not dir_mode & stat.S_IXGRP:
        return False
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return False
    return bool(group_members(info.st_gid) - {owner})


def _check_permissions(path: Path) -> list[Check]:
    checks = []
    directory = path.parent
    dir_mode = directory.stat().st_mode
    shared = bool(dir_mode & stat.S_IWGRP)
    links = planted_links(path)  # put there by someone: never a chmod on one, which follows it
    checks += [Check("permissions", False, planted_link_said(link)) for link in links]
    siblings = [path] + [
        Path(f"{path}{suffix}")
        for suffix in ("-wal", "-shm", "-journal")
        if Path(f"{path}{suffix}").exists() and Path(f"{path}{suffix}") not in links
    ]
    # Each named in full with its owner and mode, and the command for whoever may run it (a
    # tester's "world-writable: p.db: chmod o-w" told a member who could not).
    world = [p for p in siblings if p.stat().st_mode & stat.S_IWOTH]
    if world:
        command = "chmod o-w " + " ".join(shell_word(p) for p in world)
        named = "; ".join(f"{p} ({describe_owner(p)})" for p in world)
        checks.append(
            Check(
                "permissions", False, f"world-writable: {named}: {whose_to_run(world[0], command)}"
            )
        )
    if dir_mode & stat.S_IWOTH:  # anyone may rename or delete the file, or its -wal/-shm
        checks.append(Check("permissions", False, world_writable(directory)))
    if shared:
        problems = []
        if not dir_mode & stat.S_ISGID:
            command = f"chmod g+s {shell_word(directory)}"
            problems.append(
                f"directory {directory} is group-writable but not setgid, so files others "
                f"create get their own group: {whose_to_run(directory, command)}"
            )
        if dir_mode & stat.S_ISVTX:
            command = f"chmod o-t {shell_word(directory)}"
            problems.append(
                f"directory {directory} has the sticky bit, which can stop others opening "
                f"the -wal/-shm files: {whose_to_run(directory, command)}"
            )
        lacking = [p for p in siblings if (p.stat().st_mode & 0o060) != 0o060]
        if lacking:
            # The owner's bits too where they lack them (0440): "g+rw" gave 0460, and the
            # owner was locked out of their own file (a retrial).
            who = "ug" if any(p.stat().st_mode & 0o600 != 0o600 for p in lacking) else "g"
            command = f"chmod {who}+rw " + " ".join(shell_word(p) for p in lacking)
            named = "; ".join(f"{p} ({describe_owner(p)})" for p in lacking)
            problems.append(
                f"not group read-writable: {named}: {whose_to_run(lacking[0], command)}"
            )
        team = directory.stat().st_gid
        astray = [p for p in siblings if p.stat().st_gid != team]
        if in_its_owners_own_group(directory):
            # Nobody else is in that group: giving the files the folder's group locked the
            # others out (a tester was told "chgrp ann pdca.db" after a "chgrp team" that
            # worked). The folder wants the team's group, and the files with it.
            name, meaning = group_to_share(directory)
            others = [p for p in siblings if group_name(p.stat().st_gid) != name]
            command = f"chgrp {name} " + " ".join(shell_word(p) for p in [directory, *others])
            problems.append(
                f"directory {directory} is in {own_group_words(directory)}, which"
                f" nobody else is in: {whose_to_run(directory, command)}{meaning}"
            )
        elif astray:  # the team is the directory's group: each file must be the team's
            names = ", ".join(f"{p.name} ({group_name(p.stat().st_gid)})" for p in astray)
            problems.append(
                f"not the directory's group {group_name(team)}: {names}:"
                f" chgrp {group_name(team)} {' '.join(shell_word(p) for p in astray)}"
            )
        detail = "; ".join(problems) or f"shared with the group ({describe_owner(directory)})"
        checks.append(Check("group", not problems, detail))
    elif _meant_for_a_team(path, dir_mode):
        # The file is meant for its group, but SQLite makes the -wal and -shm in the folder,
        # which the group may not write: their writes are refused (a tester's doctor said
        # "ok, private directory" as everyone else's writes were).
        command = f"chmod g+ws {shell_word(directory)}"
        meaning = ""
        if in_its_owners_own_group(directory):  # its group is one person's: the team's first
            name, meaning = group_to_share(directory)
            command = f"chgrp {name} {shell_word(directory)} && {command}"
        checks.append(
            Check(
                "group",
                False,
                f"{path.name} is group-writable, but its directory {directory} is not "
                f"({describe_owner(directory)}), and SQLite writes beside it: "
                f"{whose_to_run(directory, command)}{meaning}",
            )
        )
    else:
        checks.append(Check("group", True, "private directory (not group-writable)"))
    writable = file_lets_me_write(path)
    # SQLite writes the -wal and -shm too: one this user may not write locks them out.
    blocked = [p for p in siblings[1:] if not os.access(p, os.R_OK | os.W_OK)]
    if writable and blocked:
        detail = f"you may not write {blocked[0].name} ({files_report(path)})"
    elif writable:
        detail = "you may read and write it"
    elif (mount := read_only_mount(path)) is not None:
        detail = f"read-only: {read_only_mount_said(mount)}"
    else:
        # The file, or its folder (where SQLite writes): what the write itself would say.
        detail = f"read-only for you ({describe_owner(path)}): {write_advice(path)}"
    checks.append(Check("access", writable and not blocked, detail))
    return checks


SET_ASIDE = "-{}.left-by-the-old-file-*"  # connection.set_aside_what_it_left's names


def _check_set_aside(path: Path) -> list[Check]:
    """The -wal and -shm pdca moved away from the name when the file was moved over or
    removed under a program (a board, a command, a sqlite3 shell) that had it open: doctor
    never named them, and after ``rm`` it only said to make a new file (a retrial)."""
    found = sorted(
        name
        for kind in ("wal", "shm")
        for name in (
            p.name for p in path.parent.glob(f"{glob.escape(path.name)}{SET_ASIDE.format(kind)}")
        )
    )
    if not found:
        return []
    names = ", ".join(found[:2]) + (" …" if len(found) > 2 else "")
    return [
        Check(
            "set aside",
            True,
            f"{names}: moved away from {path.name} by pdca when the file was moved over or"
            " removed under a program that had it open (SQLite would have replayed them into"
            " the next file of that name); they hold that old file's last changes: if it was"
            " kept under another name and nothing has opened it since the time in their names,"
            " move them beside it (as NAME-wal and NAME-shm, once nobody has it open) and"
            " SQLite finds them; else remove them once it is gone for good",
            warning=True,
        )
    ]


def _check_leftovers(path: Path) -> list[Check]:
    """A warning naming the temporary copies killed pdca runs left beside the database (a
    restore's, an upgrade's: each a whole copy) or in its backups folder (a backup's), and
    what a board set aside (``_check_set_aside``). The next backup or restore on this host
    removes those copies an hour old whose process is gone; they are never the database
    itself."""
    left = temporaries_of(path)
    if not left:
        return _check_set_aside(path)
    size = sum(_size(entry) for entry in left)
    # A copy's -journal, -wal or -shm is part of it, not a copy more: "3 temporary copies"
    # were two and one's journal (a tester). Named all the same, to be removed with it,
    # after the copies counted: a -shm was named third, and a copy hidden behind "…" (a soak).
    everything = {entry.name for entry in left}

    def part(entry: os.DirEntry[str]) -> bool:
        return any(
            entry.name.endswith(end) and entry.name.removesuffix(end) in everything
            for end in ("-journal", "-wal", "-shm")
        )

    ordered = sorted(left, key=part)  # stable: the copies first, their parts after
    copies = sum(1 for entry in left if not part(entry))
    shown = [os.path.relpath(entry.path, path.parent) for entry in ordered[:3]]  # backups/.x
    names = ", ".join(shown) + (" …" if len(left) > 3 else "")
    detail = (
        f"{copies} temporary {'copy' if copies == 1 else 'copies'} left by interrupted"
        f" pdca runs ({size / 1e6:.1f} MB): {names}; the next backup, restore or import"
        " removes them an hour on, or remove them yourself (never the database or its"
        " -wal/-shm)"
    )
    return [Check("leftovers", True, detail, warning=True), *_check_set_aside(path)]


def _size(entry: os.DirEntry[str]) -> int:
    """A leftover's own size (a link's, not its target's); none once swept meanwhile."""
    try:
        return entry.stat(follow_symlinks=False).st_size
    except OSError:
        return 0


def _check_contents(
    connection: sqlite3.Connection, network: bool, snapshot: bool = False, path: Path | None = None
) -> list[Check]:
    application_id, version = schema.read_versions(connection)
    known = schema.schema_version()
    if path is not None and (said := copies.mark_set_back(connection, path)):
        return [Check("schema", False, said)]  # every command refuses it until then
    if application_id not in (0, schema.APPLICATION_ID) or (application_id == 0 and version == 0):
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return [
            Check(
                "schema",
                False,
                # As every other command says it: the file, and what to do (a tester read
                # only "schema: not a pdca database").
                f"{path or 'it'}: a SQLite database, but not a pdca one (left untouched): is"
                " it the file you meant? pdca where says which file pdca uses and why"
                if tables
                # a byte or two SQLite reads as nothing: init refuses it too
                else f"{path or 'it'}: not a SQLite database (left untouched)"
                if schema.bytes_but_no_database(connection, path)
                else "an empty file: make it one with pdca init"
                if connection.execute("PRAGMA page_count").fetchone()[0] == 0
                else "an empty SQLite database: make it one with pdca init",
            )
        ]
    checks = []
    if version < 1:  # pdca writes its mark and version 1 or more in one transaction
        return [
            Check(
                "schema",
                False,
                f"pdca's mark but schema version {version}, which no pdca writes, so pdca will"
                " not open it: restore a backup, or ask whoever changed it",
            )
        ]
    if version > known:
        checks.append(
            Check("schema", False, f"version {version}, newer than this pdca ({known}): upgrade")
        )
    elif path is not None and (live := schema.kept_copy_of(path, version)) is not None:
        # Not a file to work on (pdca refuses it), nor to back up hourly (a tester).
        detail = (
            f"version {version}: the copy kept before an upgrade of {live.name}, which pdca does"
            f" not open; to go back to it: pdca --db {shell_word(live)} restore"
            f" {shell_word(path)}"
        )
        return [Check("schema", True, detail, warning=True)]
    elif version < known:
        if path is not None and not file_lets_me_write(path):
            # "pdca will upgrade it" to a reader whose pdca refuses to, for want of writing
            # it (a trial of upgrade day): every command of theirs failed.
            checks.append(
                Check(
                    "schema",
                    False,
                    f"version {version}: pdca must upgrade it to {known} before anyone reads"
                    f" it, and {login_name()} may not write it: someone who may write it and"
                    " its folder runs any pdca command on it once",
                )
            )
        else:
            checks.append(
                Check("schema", True, f"version {version}; pdca will upgrade it to {known}")
            )
    else:
        checks.append(Check("schema", True, f"version {version} (current)"))
        # Its tables, indexes and triggers as pdca makes them: a dropped trigger leaves every
        # card's last check-in standing still, a dropped index makes a view read the file.
        found, fresh = copies.shape(connection), copies.fresh_shape()
        added = copies.columns_added(connection)
        difference = copies.shape_difference(found, fresh, added)
        # What doctor --repair puts back (the kept tables' own objects) it names; the rest
        # only a backup brings back.
        differing = {key for key in fresh if found.get(key) != fresh[key]}
        extra = found.keys() - fresh.keys()
        if difference is None:
            checks.append(Check("objects", True, "tables, indexes and triggers as pdca makes them"))
        elif not differing and all(kind != "trigger" for kind, _name in extra):
            # A view, an index or a table of someone's own: pdca's reads and writes go on as
            # they were, and "restore a backup" for it threw away the day's work (a tester).
            drops = "; ".join(
                f"DROP {kind.upper()} {_sql_name(name)}"
                for kind, name in _own_objects(found, fresh)
            )
            checks.append(
                Check(
                    "objects",
                    True,
                    f"{difference}: added outside pdca, and pdca leaves it be (to take it"
                    f" away: sqlite3 {shell_word(path)} {shell_word(drops)})",
                    warning=True,
                )
            )
        else:
            # pdca's own objects by what mends them; someone's own view, index or table
            # beside them changes no advice (it sent a repairable file to a backup, a
            # reviewer); their triggers act on every write pdca makes: taken away
            advice = []
            if added:
                # the one thing to take out, where "restore a backup" lost the day's work and
                # the newest backups held the column too (two trials)
                # someone's own indexes on those tables first: SQLite refuses to drop a column
                # an index holds (a retrial's create-index, then the ALTER doctor gave)
                on_them = connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                    " AND tbl_name IN (SELECT value FROM json_each(?)) ORDER BY name",
                    (json.dumps(sorted(added)),),
                )
                alters = "; ".join(
                    [
                        *(f"DROP INDEX {_sql_name(name)}" for (name,) in on_them
                          if ("index", name) not in fresh),
                        *(f"ALTER TABLE {_sql_name(table)} DROP COLUMN {_sql_name(column)}"
                          for table, columns in sorted(added.items()) for column in columns),
                    ]
                )  # fmt: skip
                advice.append(f"take out what pdca does not make: sqlite3 {shell_word(path)}"
                              f" {shell_word(alters)}, then pdca doctor again")  # fmt: skip
            if differing:
                advice.append(
                    f"put back what is pdca's: {kept.repair_command(path)}"
                    if differing <= kept.repairable()
                    else "restore a backup (pdca restore)"
                )
            if triggers := sorted(name for kind, name in extra if kind == "trigger"):
                drops = "; ".join(f"DROP TRIGGER {_sql_name(name)}" for name in triggers)
                advice.append(
                    f"take away the other: sqlite3 {shell_word(path)} {shell_word(drops)}"
                )
            said = "; ".join(advice)
            checks.append(Check("objects", False, f"{difference}: changed outside pdca; {said}"))
        checks += _check_kept(connection, path)
        checks += _check_people(connection, path)
        checks.append(_check_history(connection))
    if version <= known:  # an older file too: its bad values meet the guards once upgraded
        checks.append(_check_values(connection))
        checks += _check_settings(connection)
    journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
    wanted = "delete" if network else "wal"
    if snapshot:  # read as it stands, without making a -shm; its journal mode shows then
        journal = wanted
    checks.append(
        Check(
            "journal",
            # WAL over a network filesystem can corrupt the file; anything else pdca fixes
            # itself the next time someone who may write opens it.
            not (network and journal == "wal"),
            journal + ("" if journal == wanted else f" (pdca switches it to {wanted} on open)"),
        )
    )
    damaged = copies.structure_problems(connection)  # rows' values: the values check's
    # integrity_check stops at 100 lines: "and 97 more" of 149 (a retrial)
    more = " or more" if len(damaged) >= copies.INTEGRITY_LINES_MOST else ""
    said = "; ".join(damaged[:3]) + (
        f" (and {len(damaged) - 3}{more} more)" if len(damaged) > 3 else ""
    )
    if (indexes := _damaged_indexes(damaged)) and path is not None:
        # An index's entries disagree with its table: "restore a backup" alone loses every
        # write since, where a REINDEX mends it when the table is the sound side (a retrial).
        # Tried first; the backup's advice follows, for when it is not (a reviewer).
        reindex = "; ".join(f"REINDEX {_sql_name(name)}" for name in indexes)
        said += f"; {ONLY_INDEXES}: sqlite3 {shell_word(path)} {shell_word(reindex)}"
    checks.append(Check("integrity", not damaged, said or "ok"))
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    looped = None if broken else schema.parent_cycle(connection)
    if looped is not None:
        said = (
            f"action {looped}'s earlier cycles (parent_id) run round in a loop:"
            " changed outside pdca; clear a parent_id in the loop with sqlite3, or restore a"
            " backup"
        )
        checks.append(Check("references", False, said))
    else:
        checks.append(Check("references", not broken, _references_said(broken)))
    return checks + _check_notifications(connection)


ONLY_INDEXES = "only indexes differ from their tables; try first, while nobody writes"
# integrity_check's lines about an index's entries alone (not a UNIQUE one's duplicate: a
# REINDEX of it fails)
_INDEX_LINE = re.compile(r"(?:row \d+ missing from index|wrong # of entries in index) (\S+)")


def _damaged_indexes(lines: list[str]) -> list[str]:
    """The indexes named, when every line is about an index's entries and the check said all
    it found (under its limit); else none."""
    found = [_INDEX_LINE.fullmatch(line) for line in lines]
    if not lines or not all(found) or len(lines) >= copies.INTEGRITY_LINES_MOST:
        return []
    return list(dict.fromkeys(match.group(1) for match in found if match))


def _own_objects(found: copies.Shape, fresh: copies.Shape) -> list[tuple[str, str]]:
    """Someone's own objects in a file, less what SQLite drops with one of them: a full-text
    table's own tables (``actions_fts_config``...) went with it, and the command doctor gave
    failed on them (a trial)."""
    extra = sorted(found.keys() - fresh.keys())
    virtual = [
        name
        for kind, name in extra
        if kind == "table" and found[kind, name].upper().startswith("CREATE VIRTUAL")
    ]
    return [
        (kind, name)
        for kind, name in extra
        if not any(name.startswith(f"{table}_") and name != table for table in virtual)
    ]


def _sql_name(name: str) -> str:
    """An object's name as SQL quotes it (one of someone's own may hold anything)."""
    return '"' + name.replace('"', '""') + '"'


def _check_notifications(connection: sqlite3.Connection) -> list[Check]:
    """Deliveries that failed (pdca notify retries them with backoff, up to a limit)."""
    if not connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notifications'"
    ).fetchone():
        return []  # an older schema: pdca upgrades it on the next write
    from pdca.db.notify_rules import NOT_TRIED

    untried = "last_error LIKE :not_tried"
    failed, behind, given_up, said = connection.execute(
        f"SELECT count(CASE WHEN NOT {untried} AND next_try_at IS NOT NULL THEN 1 END),"
        f" count(CASE WHEN {untried} THEN 1 END),"
        f" count(CASE WHEN NOT {untried} AND next_try_at IS NULL THEN 1 END),"
        " (SELECT last_error FROM notifications WHERE state = 'failed'"
        f" ORDER BY {untried}, id LIMIT 1) FROM notifications WHERE state = 'failed'",
        {"not_tried": f"{NOT_TRIED}%"},
    ).fetchone()
    if not failed and not behind and not given_up:
        return [Check("notify", True, "no failed deliveries")]
    # Those not tried behind a failure did not fail: "17 failed" where 5 were tried (a
    # sysadmin's trial); those that gave up are tried no more, unless --retry (a retrial)
    counted = [f"{failed} failed, to be tried again"] if failed else []
    counted += [f"{behind} not tried behind a failure"] if behind else []
    if given_up:
        counted.append(f"{given_up} gave up (pdca notify --retry sends them again)")
    words = "; ".join(counted)
    return [
        Check("notify", False, f"deliveries: {words} (one said: {said}); see pdca notify --status")
    ]


def _references_said(broken: list[tuple[str, int, str, int]]) -> str:
    """``PRAGMA foreign_key_check``'s rows in words: which table refers to which, how many,
    the first row (a tester was told "410 dangling references", and no more)."""
    if not broken:
        return "every reference resolves"
    pairs: dict[tuple[str, str], list[int]] = {}
    for table, row_id, parent, _key in broken:
        pairs.setdefault((table, parent), []).append(row_id)
    said = "; ".join(
        f"{table} to {parent}: {len(ids)} (first {table} row {min(ids)})"
        for (table, parent), ids in sorted(pairs.items())
    )
    return (
        f"{len(broken)} dangling references, to rows no longer there ({said}): deleted"
        " outside pdca; put them back or clear the references with sqlite3, or restore a backup"
    )


def _check_settings(connection: sqlite3.Connection) -> list[Check]:
    """Team settings typed in with sqlite3 that pdca cannot read: their defaults apply
    (``accountability.team_settings``), which nobody would know without this."""
    from pdca.db.plain import shown_value
    from pdca.db.row_rules import SETTINGS

    try:
        rows = connection.execute("SELECT key, value FROM settings").fetchall()
    except sqlite3.OperationalError:  # an older schema without the table yet
        return []
    wrong = []
    for key, value in rows:
        parse = SETTINGS.get(key)
        if parse is None:  # typed in by hand under a name pdca never reads (a tester's
            # "stale-after-days", as pdca config prints it, which is kept with underscores)
            kept = str(key).replace("-", "_")
            hint = f" (pdca keeps it as {kept})" if kept in SETTINGS else ""
            wrong.append(f"{shown_value(key)} is no setting pdca reads{hint}")
            continue
        try:
            parse(str(value))
        except InvalidInput:
            wrong.append(f"{key.replace('_', '-')} holds {shown_value(value)}")
    wrong += _notify_settings_wrong(connection)
    if not wrong:
        return [Check("settings", True, "the team's settings read as pdca config writes them")]
    said = "; ".join(wrong)
    return [
        Check(
            "settings",
            False,
            f"{said}: changed outside pdca or by an older pdca, so the default applies; set it"
            " with pdca config"
            " (pdca notify config for notify ones)",
        )
    ]


def _notify_settings_wrong(connection: sqlite3.Connection) -> list[str]:
    """Notify settings typed in with sqlite3 that ``notify config`` could not have written
    (``terminal = 'yes'``): the channel's default applies (``notify.channel_settings``)."""
    from pdca.db.plain import shown_value
    from pdca.db.row_rules import notify_setting_problem

    try:
        rows = connection.execute("SELECT key, value FROM notify_settings").fetchall()
    except sqlite3.OperationalError:  # an older schema without the table yet
        return []
    from pdca.db.notify_rules import hide_credentials

    return [
        f"notify {key} holds {shown_value(hide_credentials(value) if key == 'webhook' else value)}"
        for key, value in rows
        if key != "command" and value is not None and notify_setting_problem(key, value)
    ]


def _check_values(connection: sqlite3.Connection) -> Check:
    """Values pdca cannot read (``schema.unreadable_values``), which the tables' guards refuse
    since schema 21 but a file may hold from before, or from a write with a guard dropped."""
    found = schema.unreadable_values(connection)
    # Done with no decision, or a decision on open work (sqlite3 by hand, an import before
    # pdca refused it): no move nor `done` can take such an action on (a tester).
    from pdca.db.row_rules import half_done_actions

    half_done = [f"#{action_id}" for action_id in half_done_actions(connection)]
    if half_done:
        found.append(
            f"actions: {len(half_done)} whose decision does not fit (done without one, open"
            " with one, or standardize/adjust outside Act)"
            f" ({', '.join(half_done[:GONE_SHOWN])}{', …' if len(half_done) > GONE_SHOWN else ''})"
        )
    if not found:
        return Check("values", True, "every value is of a kind and shape pdca reads")
    return Check(
        "values",
        False,
        "values pdca cannot read, changed outside pdca: "
        + "; ".join(found)
        + "; put them right with sqlite3, or restore a backup",
    )


# The records people write most, as the event log names them: (table, words).
_LOGGED = {"action": ("actions", "action"), "checkin": ("checkins", "check-in")}
GONE_SHOWN = 5


def log_counts_disagree(connection: sqlite3.Connection) -> list[str]:
    """``9990 actions``: of each kind the log records more of (made, never deleted) than the
    file holds, by count alone (the first of ``_check_history``'s looks)."""
    said = []
    for entity, (table, word) in _LOGGED.items():
        kept, _, present, _ = _logged_and_held(connection, entity, table)
        if kept > present:
            said.append(f"{kept - present} {_plural(word, kept - present)}")
    return said


def _logged_and_held(
    connection: sqlite3.Connection, entity: str, table: str
) -> tuple[int, int, int, int]:
    """Of ``entity``: how many the log made and never deleted, the newest id it made, how
    many rows ``table`` holds and its newest id (0 for none), down the log's (entity)
    index."""
    made, deleted, newest_logged = connection.execute(
        "SELECT count(CASE WHEN op = 'create' THEN 1 END),"
        " count(CASE WHEN op = 'delete' THEN 1 END),"
        " max(CASE WHEN op = 'create' THEN entity_id END) FROM events WHERE entity = ?",
        (entity,),
    ).fetchone()
    present, newest = connection.execute(f"SELECT count(*), max(id) FROM {table}").fetchone()
    return made - deleted, newest_logged or 0, present, newest or 0


def _check_history(connection: sqlite3.Connection) -> Check:
    """Actions and check-ins the event log recorded and never deleted, missing from the file
    (a DELETE with sqlite3), and records with no history (an INSERT with sqlite3): the log
    and the rows no longer tell one story, and nothing else sees it. Counted first, and the
    newest id each side knows compared, down the log's (entity) index; compared by id only
    when those disagree (seconds at 100 000 actions). A record deleted by hand and another put
    in under an id the log knew cancel out: that one goes unseen. A warning: someone may have
    meant it, and no repair can know what they wanted."""
    problems = []
    for entity, (table, word) in _LOGGED.items():
        kept, newest_logged, present, newest = _logged_and_held(connection, entity, table)
        if kept == present and newest <= newest_logged:
            continue
        found = _history_differences(connection, entity, table, word)
        problems += found
        if kept > present and not found:  # the log itself was edited
            extra = kept - present
            problems.append(
                f"the log records {extra} more {_plural(word, extra)} than the file holds,"
                " none missing by id (its events edited by hand?)"
            )
    if not problems:
        return Check("history", True, "every action and check-in the log recorded is in the file")
    return Check("history", True, "; ".join(problems), warning=True)


def _history_differences(
    connection: sqlite3.Connection, entity: str, table: str, word: str
) -> list[str]:
    """The records of ``table`` the log and the file disagree on, by id, in words."""
    # Made (again, after an undone delete) with no delete after it, and not in the table.
    gone = [
        row[0]
        for row in connection.execute(
            "SELECT DISTINCT e.entity_id FROM events e WHERE e.entity = ?1 AND e.op = 'create'"
            f" AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = e.entity_id)"
            " AND NOT EXISTS (SELECT 1 FROM events d WHERE d.entity = ?1"
            " AND d.entity_id = e.entity_id AND d.op = 'delete' AND d.id > e.id)"
            " ORDER BY e.entity_id",
            numbered(entity),
        )
    ]
    unlogged = [
        row[0]
        for row in connection.execute(
            f"SELECT t.id FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM events e"
            " WHERE e.entity = ? AND e.entity_id = t.id AND e.op = 'create') ORDER BY t.id",
            (entity,),
        )
    ]
    said = []
    if gone:
        said.append(
            f"{len(gone)} {_plural(word, len(gone))} the log recorded gone from the file with"
            f" no delete logged ({_ids(word, gone)}): removed by hand? their history still"
            " shows them"
        )
    if unlogged:
        said.append(
            f"{len(unlogged)} {_plural(word, len(unlogged))} in the file with no history"
            f" ({_ids(word, unlogged)}): added by hand?"
        )
    return said


def _plural(word: str, count: int) -> str:
    return word if count == 1 else f"{word}s"


def _ids(word: str, ids: list[int]) -> str:
    """The first few ids as pdca names them: actions ``#12``, anything else ``12``."""
    mark = "#" if word == "action" else ""
    shown = ", ".join(f"{mark}{n}" for n in ids[:GONE_SHOWN])
    return shown + (f" and {len(ids) - GONE_SHOWN} more" if len(ids) > GONE_SHOWN else "")


def _check_kept(connection: sqlite3.Connection, path: Path | None) -> list[Check]:
    """The ``kept`` checks, one line per table SQLite keeps by triggers: it equals its
    rebuild from the event log or the rows it counts (a hand edit, a REPLACE by hand, or a
    dropped trigger leaves it wrong, and the
    flow view and the stand-up with it, which integrity_check cannot see). One read
    transaction: the three compared at one moment."""
    connection.execute("BEGIN")
    try:
        found = kept.differences(connection)
    except sqlite3.DatabaseError as error:
        if _damage(error):  # integrity_check, next, says where and what to do
            return [Check("kept", False, "not compared: the file is damaged")]
        # A kept table altered by hand (no such column): the repair makes it again.
        detail = f"cannot compare: {error}; rebuild: {kept.repair_command(path)}"
        return [Check("kept", False, detail)]
    finally:
        if connection.in_transaction:  # SQLite may have ended it on an error
            connection.execute("COMMIT")
    checks = []
    for name, count in found:
        if count == 0:
            checks.append(Check("kept", True, f"{name}: as rebuilt from {kept.SOURCES[name]}"))
            continue
        if count is None:
            what = "no table (see objects)"
        else:
            what = (
                f"{count} row{'s differ' if count != 1 else ' differs'} from {kept.SOURCES[name]}"
            )
        checks.append(
            Check(
                "kept",
                False,
                f"{name}: {what}; rebuild it: {kept.repair_command(path)}",
            )
        )
    return checks
