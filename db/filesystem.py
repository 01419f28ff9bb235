"""Where a database file lives: which filesystem, and whether the directory is shared by a group.

SQLite's WAL mode needs shared memory between every process that opens the file, which a
network filesystem cannot give across hosts; there pdca uses the rollback journal instead.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Mount:
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
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text()
        except OSError:
            return "unknown"
    target = os.path.realpath(path)
    best: Mount | None = None
    for mount in parse_mountinfo(mountinfo):
        point = mount.mount_point.rstrip("/") or "/"
        inside = target == point or target.startswith(point + "/") or point == "/"
        if inside and (best is None or len(point) >= len(best.mount_point.rstrip("/") or "/")):
            best = mount
    return best.fs_type if best else "unknown"


def is_network_filesystem(fs_type: str) -> bool:
    return fs_type in NETWORK_FILESYSTEMS or fs_type.startswith("nfs")


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
