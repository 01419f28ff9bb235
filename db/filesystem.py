"""Where a database file lives: which filesystem, and whether the directory is shared by a group.

SQLite's WAL mode needs shared memory between every process that opens the file, which a
network filesystem cannot give across hosts; there pdca uses the rollback journal instead.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

from pdca.db.access import whose_to_run
from pdca.db.errors import shell_word

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "9p",
        "afs",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gpfs",
        "ocfs2",
        "gfs2",
        "fuse.rclone",
        "davfs",
        "fuse.davfs2",
    }
)


class Mount(NamedTuple):  # quick to make at import, as models.ActionFields
    mount_point: str
    fs_type: str


def _unescape(field: str) -> str:
    # mountinfo escapes space, tab, newline and backslash as octal (\040 ...).
    out, index = [], 0
    while index < len(field):
        if field[index] == "\\" and field[index + 1 : index + 4].isdigit():
            out.append(chr(int(field[index + 1 : index + 4], 8)))
            index += 4
        else:
            out.append(field[index])
            index += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts listed in ``/proc/self/mountinfo`` text (see proc(5))."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        mounts.append(Mount(_unescape(fields[4]), right.split()[0]))
    return mounts


def filesystem_of(path: Path, mountinfo: str | None = None) -> str:
    """The filesystem type holding ``path`` (the longest matching mount point), or ``unknown``."""
    found = mount_of(path, mountinfo)
    return found.fs_type if found else "unknown"


def mount_of(path: Path, mountinfo: str | None = None) -> Mount | None:
    """The mount holding ``path``: the longest mount point it is under (a bind mount's too,
    which shares its device with the filesystem it shows), or None when unknown."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text()
        except OSError:
            return None
    target = os.path.realpath(path)
    best: Mount | None = None
    for mount in parse_mountinfo(mountinfo):
        point = mount.mount_point.rstrip("/") or "/"
        inside = target == point or target.startswith(point + "/") or point == "/"
        if inside and (best is None or len(point) >= len(best.mount_point.rstrip("/") or "/")):
            best = mount
    return best


# How SQLite databases are named: a -journal or -wal beside another name may be anyone's
# (a notebook's "lab-journal").
DATABASE_SUFFIXES = frozenset({".db", ".sqlite", ".sqlite3", ".db3"})


def is_network_filesystem(fs_type: str) -> bool:
    return fs_type in NETWORK_FILESYSTEMS or fs_type.startswith("nfs")


# The person's own umask, once pdca has set its own (007) for a team folder: the files of
# theirs it makes afterwards (settings, what a hung-up board kept) take it, not the team's.
_personal_umask: int | None = None


def share_with_the_group() -> None:
    """``umask 007`` for the rest of the process: backups and the -wal and -shm SQLite makes
    beside a team's database stay group-writable, never world. The person's own umask is
    remembered for their own files (``personal_mode``)."""
    global _personal_umask
    previous = os.umask(0o007)
    if _personal_umask is None:
        _personal_umask = previous


def personal_mode(mode: int) -> int | None:
    """``mode`` as the person's own umask leaves it, once pdca has set the team's; None
    while it has not (the umask in force is theirs)."""
    return None if _personal_umask is None else mode & ~_personal_umask


def make_personal_folder(path: Path) -> list[Path]:
    """``mkdir -p`` of a folder of the person's own (settings, state), the folder itself
    0700: ~/.config and ~/.local were made group-writable, pdca's umask for a team folder in
    force (a tester), where a shared primary group could then write ~/.local/bin. The
    folders it made, the first made first."""
    missing: list[Path] = []
    folder = path
    while not os.path.lexists(folder):
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        try:
            os.mkdir(made, 0o700 if made == path or _personal_umask is not None else 0o777)
        except FileExistsError:  # made by someone else meanwhile
            continue
        if made != path and _personal_umask is not None:
            os.chmod(made, 0o777 & ~_personal_umask)
    return list(reversed(missing))


def remove_folders_made(made: list[Path]) -> None:
    """The folders ``make_personal_folder`` made, taken away again, the last made first,
    where they are still empty (a refused write made them for nothing)."""
    for folder in reversed(made):
        try:
            os.rmdir(folder)
        except OSError:  # something is in it now, or it is gone: left as it is
            return


def someone_elses(path: Path) -> str | None:
    """Why ``path`` is not this process's user's alone (``a folder of ben's``, ``a link of
    ben's``, ``a folder team may rename things in``), looking at it, or the nearest folder
    above it that is there, and every folder above that; None when it is theirs alone, or
    cannot be told. root run with ann's HOME left root-owned files in her home she could not
    read (a tester): a person's own files go only where no one else may take or move them."""
    folder = path
    while True:
        try:
            # lstat: a link is its maker's (carl's link in /tmp to ben's folder steered
            # ben's files, a reviewer)
            info = os.lstat(folder)
            break
        except FileNotFoundError:
            if folder.parent == folder:
                return None
            folder = folder.parent
        except OSError:
            return None
    me = os.geteuid()
    # Not there yet, under root's /tmp: made, it is the person's own (a new XDG_STATE_HOME
    # there was called root's, a retrial)
    if info.st_uid != me and not (folder != path and info.st_uid == 0 and _anyone_adds_own(info)):
        return _whose(info)
    # Nor below a folder another may rename things in: someone else's, or one a group or
    # everyone writes that is not sticky, the person's own too. A folder of ann's in ben's
    # sticky folder, or in a team folder, was moved away with what she kept in it (retrials).
    for above in [folder, *folder.parents]:
        try:
            up = os.lstat(above)
        except OSError:
            return None
        if above != folder and up.st_uid not in (me, 0):
            return _whose(up)
        if stat.S_ISLNK(up.st_mode):  # root's, or the person's own: where it leads is looked at
            continue
        if _others_rename_in(up):
            return f"a folder {_group_name(up.st_gid)} may rename things in"
    return None


def _anyone_adds_own(info: os.stat_result) -> bool:
    """A folder where anyone may make their own, which only they may rename: /tmp."""
    mode = info.st_mode
    return stat.S_ISDIR(mode) and bool(mode & stat.S_ISVTX and mode & stat.S_IWOTH)


def _others_rename_in(info: os.stat_result) -> bool:
    """A folder others may write in without the sticky bit: they may rename what is in it.
    A group of the owner's own (a private group, named as they are) is theirs alone."""
    mode = info.st_mode
    if not stat.S_ISDIR(mode) or mode & stat.S_ISVTX:
        return False
    if mode & stat.S_IWOTH:
        return True
    return bool(mode & stat.S_IWGRP) and _group_name(info.st_gid) != _login(info.st_uid)


def _whose(info: os.stat_result) -> str:
    mode = info.st_mode
    kind = "link" if stat.S_ISLNK(mode) else "folder" if stat.S_ISDIR(mode) else "file"
    return f"a {kind} of {_login(info.st_uid)}'s"


def _group_name(gid: int) -> str:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return f"group {gid}"


def _login(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def directory_is_group_shared(directory: Path) -> bool:
    """A directory a group writes into (typically ``2770 root:team``)."""
    try:
        mode = directory.stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IWGRP)


def sharing_advice(directory: Path) -> str | None:
    """What stops a group-writable directory from sharing a database with its group (as
    ``pdca doctor`` says it), or None: without setgid, the -wal/-shm files of whoever opens the
    file first get that person's own group, and the rest of the team cannot open them; a
    world-writable one lets anyone rename or delete the database under the team."""
    try:
        mode = directory.stat().st_mode
    except OSError:
        return None
    if mode & stat.S_IWOTH:
        return world_writable(directory)
    if mode & stat.S_IWGRP and not mode & stat.S_ISGID:
        return (
            f"{directory} is group-writable but not setgid, so the -wal/-shm files others"
            " open first get their own group and lock the team out:"
            f" {whose_to_run(directory, f'chmod g+s {shell_word(directory)}')}"
        )
    return None


# Sticky, world-writable folders every system has for everyone's scratch files.
SCRATCH_FOLDERS = frozenset({"/tmp", "/var/tmp", "/dev/shm", "/run/shm", "/run/lock"})


def world_writable(directory: Path) -> str:
    """Why a world-writable directory is no place for the database, and the fix. Sticky
    (1777, as /tmp), others may not rename or delete the database, but the bit can stop the
    team opening the -wal/-shm (SQLITE.md: ``protected_regular``)."""
    try:
        sticky = bool(directory.stat().st_mode & stat.S_ISVTX)
    except OSError:
        sticky = False
    if sticky and str(directory) in SCRATCH_FOLDERS:
        # The system's own: "chmod o-w,o-t /dev/shm" was advised (a tester).
        return (
            f"directory {directory} is the system's shared scratch folder: anyone may put files"
            " beside the database, and its sticky bit can stop the team opening its -wal/-shm;"
            " it may be emptied at a reboot, too: put the database in a folder of its own on"
            " a disk (as /srv/team, mode 2770 in the team's group), not the folder's mode"
        )
    if sticky:
        fix = whose_to_run(directory, f"chmod o-w,o-t {shell_word(directory)}")
        return (
            f"directory {directory} is world-writable and sticky: anyone may put files beside"
            f" the database, and the sticky bit can stop the team opening its -wal/-shm: {fix}"
        )
    fix = whose_to_run(directory, f"chmod o-w {shell_word(directory)}")
    return (
        f"directory {directory} is world-writable: anyone may rename or delete the database"
        f" and its -wal/-shm (losing committed writes): {fix}"
    )


def size_words(count: int) -> str:
    """``3.9 MB``, ``4.1 GB``: a size as doctor and the refusals say it."""
    return f"{count / 1e9:.1f} GB" if count >= 1e9 else f"{count / 1e6:.1f} MB"
