"""Who may reach a file, in words: owner, group and mode, and what to ask for (or do).

Every look here is ``os.stat`` or ``os.access``, which open nothing: they are safe on a
database that this process has open (see db/connection.py).
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from collections.abc import Iterator
from pathlib import Path

from pdca.db.errors import shell_word


def login_name() -> str:
    """The Unix login of this process (permissions are about it, whatever ``PDCA_USER`` says)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def describe_owner(path: Path) -> str:
    """``owned by alice:team, mode 0644``, for messages that tell a person what to fix."""
    try:
        info = path.stat()
    except OSError as error:
        return error.strerror or str(error)
    owner = f"{user_name(info.st_uid)}:{group_name(info.st_gid)}"
    return f"owned by {owner}, mode {info.st_mode & 0o7777:04o}"


def user_name(uid: int) -> str:
    """A login's name (its number when the system has none for it)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def group_name(gid: int) -> str:
    """A group's name (its number when the system has none for it)."""
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _team_of(path: Path) -> int | None:
    """The group of the group-writable directory ``path`` is in, when this user is in it."""
    try:
        directory = path.parent.stat()
    except OSError:
        return None
    if not directory.st_mode & stat.S_IWGRP:
        return None
    member = directory.st_gid in os.getgroups() or directory.st_gid == os.getegid()
    return directory.st_gid if member else None


def _personal_group(info: os.stat_result) -> bool:
    """Is the file's group its owner's own (``ann:ann``, a user-private group)?"""
    try:
        return info.st_gid != 0 and group_name(info.st_gid) == pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return False


def _no_teams_group(info: os.stat_result) -> bool:
    """Is the file's group no team's: its owner's own (``ann:ann``), another person's own
    (``chgrp carl``), or root's (a ``cp -r`` by root)? Joining it is no advice: "ask to be
    added to group root" (a sysadmin's trial)."""
    return _personal_group(info) or _personal_gid(info.st_gid)


def _home_of(uid: int) -> str | None:
    try:
        return os.path.abspath(pwd.getpwuid(uid).pw_dir)
    except KeyError:
        return None


FIRST_PERSON_UID = 1000  # below: system accounts (Debian's and Red Hat's UID_MIN)


def _others_in_group(info: os.stat_result) -> bool:
    """Whether anyone but the file's owner is in the file's group (a team's, not a private
    one): listed in it, or a person (not a system account: ``_apt`` is in nogroup) in it as
    their own."""
    try:
        group = grp.getgrgid(info.st_gid)
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return False
    if any(member != owner for member in group.gr_mem):
        return True
    return any(
        p.pw_gid == info.st_gid and p.pw_name != owner and p.pw_uid >= FIRST_PERSON_UID
        for p in pwd.getpwall()
    )


def _shared_groups(owner: int) -> list[int]:
    """The groups (not a personal one, not root's) that this user and ``owner`` are both
    in; for root, who may give a file any group, this user's own such groups."""
    mine = set(os.getgroups()) | {os.getegid()}
    if owner == 0:
        theirs = mine  # root's folder (a cp -r by root): the team is one of this user's
    else:
        try:
            owner_entry = pwd.getpwuid(owner)
        except KeyError:
            return []
        theirs = {owner_entry.pw_gid} | {
            g.gr_gid for g in grp.getgrall() if owner_entry.pw_name in g.gr_mem
        }
    # a gid with no name is no team to name either
    return sorted(
        gid for gid in theirs & mine if not _personal_gid(gid) and not group_name(gid).isdigit()
    )


def _personal_gid(gid: int) -> bool:
    """root's group, nogroup, or a person's own (not a system account's: daemon's is a
    group a service shares): no team's."""
    name = group_name(gid)
    if gid == 0 or name in ("nogroup", "nobody"):
        return True
    try:
        person = pwd.getpwnam(name)
    except KeyError:
        return False
    return person.pw_gid == gid and person.pw_uid >= FIRST_PERSON_UID


def in_its_owners_own_group(path: Path) -> bool:
    """Is ``path`` (a team's folder, say) in one person's own group, which nobody else is
    in: its owner's (``ann:ann``) or another person's (``root:carl``, where carl's doctor
    said "shared with the group", a retrial)?"""
    try:
        info = path.stat()
    except OSError:
        return False
    return _personal_group(info) or (info.st_gid != 0 and _personal_gid(info.st_gid))


def own_group_words(path: Path) -> str:
    """``its owner's own group ann``, or ``carl's own group``, for ``in_its_owners_own_group``."""
    info = path.stat()
    name = group_name(info.st_gid)
    return f"its owner's own group {name}" if _personal_group(info) else f"{name}'s own group"


def group_to_share(path: Path) -> tuple[str, str]:
    """The group ``path`` (in its owner's personal group) should have for this user and its
    owner to share it: the one they are both in, else ``GROUP``; and, for ``GROUP``, what it
    stands for, in words to add after the command."""
    try:
        shared = _shared_groups(path.stat().st_uid)
    except OSError:
        shared = []
    if len(shared) == 1:
        return group_name(shared[0]), ""
    if shared:
        return "GROUP", " (GROUP: a group you are both in)"
    return "GROUP", " (GROUP: the team's group; ask to be put in it first)"


def what_to_ask(path: Path, needs: str) -> str:
    """What to do so this user may ``needs`` (read, write, enter, read and write) ``path``:
    its owner lacking the permission gives it to themself (``chmod u+``); anyone else asks
    to join its group, its owner (named) to give the group the permission, or both."""
    try:
        info = path.stat()
    except OSError:
        return "ask the team's admin"
    bits = {
        "read": "r",
        "write": "w",
        "enter": "x",
        "read and write": "rw",
        "enter and write": "wx",
    }
    bit = bits[needs]
    if "w" in bit and (mount := read_only_mount(path / "x" if path.is_dir() else path)):
        # No mode lets anyone write there: backup, restore and init asked for modes that
        # were right (a retrial)
        return read_only_mount_said(mount)
    letters = {"r": (stat.S_IRUSR, stat.S_IRGRP), "w": (stat.S_IWUSR, stat.S_IWGRP)}
    letters["x"] = (stat.S_IXUSR, stat.S_IXGRP)
    if info.st_uid == os.geteuid():  # the owner's own bits are the ones that apply
        owner_wants = sum(letters[letter][0] for letter in bit)
        if info.st_mode & owner_wants != owner_wants:
            # A team's file (0440 in group team) wants the team's bits back too: "u+w" left
            # the others locked out, 0640 (a retrial).
            group_wants = sum(letters[letter][1] for letter in bit)
            lacking = info.st_mode & group_wants != group_wants and _others_in_group(info)
            if not lacking:
                return f"you own it, so run: chmod u+{bit} {shell_word(path)}"
            # The team reads a file it writes: 0400 given "ug+w" was 0620, and the team was
            # told to ask again for read (a retrial).
            if stat.S_ISREG(info.st_mode) and "r" not in bit and not info.st_mode & stat.S_IRGRP:
                bit = "r" + bit
            return f"you own it, so run: chmod ug+{bit} {shell_word(path)}"
        return "ask the team's admin"
    if stat.S_ISDIR(info.st_mode) and _home_of(info.st_uid) == os.path.abspath(path):
        # Someone's home: "ask to be added to group root, and root to run chmod g+x /root"
        # was no advice to follow (a script author); the team's file wants a team's folder.
        return (
            f"it is {user_name(info.st_uid)}'s home folder: keep the team's file in a folder the"
            " team shares (README: Sharing one file with a team)"
        )
    if user_name(info.st_uid) == str(info.st_uid):
        # "ask its owner 1004 to run": no such person, its account removed (a sysadmin's
        # trial); only root may change the file now
        return (
            f"its owner, uid {info.st_uid}, has no account here: ask root to run:"
            f" chown LOGIN {shell_word(path)} (LOGIN: one of the team)"
        )
    wanted = sum(letters[letter][1] for letter in bit)
    # Its owner lacking it too (a file chmod-ed 0440): "g+w" left the owner locked out of
    # their own file, 0460 (a retrial); both get it.
    owner_bits = sum(letters[letter][0] for letter in bit)
    who = "g" if info.st_mode & owner_bits == owner_bits else "ug"
    group_may = info.st_mode & wanted == wanted
    in_group = info.st_gid in os.getgroups() or info.st_gid == os.getegid()
    join = f"to be added to group {group_name(info.st_gid)}"
    if "w" in bit and stat.S_ISDIR(info.st_mode) and not info.st_mode & stat.S_ISGID:
        # A folder the team writes in: setgid too, so the files SQLite makes there take its
        # group (as ``pdca doctor`` asks; the write refusal said g+w, doctor g+ws).
        bit += "s"
    grant = f"its owner {user_name(info.st_uid)} to run: chmod {_spec(who, bit)} {shell_word(path)}"
    team = _team_of(path)
    if not in_group and team is not None and team != info.st_gid:
        # A file left with its maker's own group in the team's directory: the file is astray,
        # not the person (a directory without setgid gives new files their maker's group).
        regroup = f"chgrp {group_name(team)} {shell_word(path)}"
        fix = (
            f"{regroup} && chmod {_spec(who, bit)} {shell_word(path)}" if not group_may else regroup
        )
        return f"ask its owner {user_name(info.st_uid)} to run: {fix}"
    if not in_group and _no_teams_group(info):
        # ann:ann 0644: joining ann's own group is no advice (a tester); the file wants a
        # team's group, the one the two share if there is one.
        shared = _shared_groups(info.st_uid)
        name = group_name(shared[0]) if len(shared) == 1 else "GROUP"
        fix = f"chgrp {name} {shell_word(path)}"
        if not group_may:  # 0660 already lets the group in: its group is all that is wrong
            fix += f" && chmod {_spec(who, bit)} {shell_word(path)}"
        owner = user_name(info.st_uid)
        if not shared and info.st_uid == 0:  # root's (a cp -r by root): the team's group
            return f"ask root to run: {fix} (GROUP: the team's group; ask to be put in it first)"
        if not shared:  # no group to give it yet: one to join first (a reviewer)
            return f"ask to be put in a group with {owner}, and {owner} to run: {fix}"
        # root is in none of them: the team's, of the ones this user is in (a reviewer)
        both = "the team's group, one of yours" if info.st_uid == 0 else "a group you are both in"
        unknown = "" if len(shared) == 1 else f" (GROUP: {both})"
        return f"ask its owner {owner} to run: {fix}{unknown}"
    if not in_group and joined_since_login(info.st_gid):
        # Added to the group after this session began: "ask to be added to group team" sent
        # a member who was to the admin again (a newcomer's setup); the group is read at login.
        name = group_name(info.st_gid)
        again = f"you are in group {name}, but not in this session yet{LOG_IN_AGAIN} {name})"
        return f"{again}; and ask {grant}" if not group_may else again
    if not in_group and not group_may:
        return f"ask {join}, and {grant}"
    if not in_group:
        return f"ask {join}"
    if not group_may:
        return f"ask {grant}"
    return "ask the team's admin"


LOG_IN_AGAIN = ": log in again (or newgrp"


def joined_since_login(gid: int) -> bool:
    """Whether this login is a member of group ``gid`` by the group database but not in this
    process's groups: added after the session began, which reads them at login."""
    try:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_gid == gid or me.pw_name in grp.getgrgid(gid).gr_mem
    except (KeyError, OSError):
        return False


def _spec(who: str, bits: str) -> str:
    """``g+ws``, ``ug+w``; the setgid bit for the group alone: ``ug+ws`` set setuid on a
    folder too (a reviewer), so ``ug+w,g+s``."""
    if "s" in bits and who != "g":
        return f"{who}+{bits.replace('s', '')},g+s"
    return f"{who}+{bits}"


def write_advice(path: Path) -> str:
    """What to do so this user may write the database ``path``: the file, and its folder
    (SQLite makes its ``-wal``, ``-shm`` and journal there) when that is needed too. Both at
    once: the folder's advice came only once the file's was followed (a tester's two rounds).
    """
    folder = path.parent
    folder_ok = not folder.exists() or os.access(folder, os.W_OK | os.X_OK)
    folder_advice = what_to_ask(folder, "write")
    folder_said = f"SQLite writes beside it in {folder}: {folder_advice}"
    if not os.access(path, os.W_OK) or not folder.exists():
        said = what_to_ask(path, "write")
        if folder_ok:
            return said
        # "log in again" once: the file and its folder, of one group, said it twice (a retrial)
        again, _, more = folder_advice.partition("; and ")
        if LOG_IN_AGAIN in again and said.partition("; and ")[0] == again:
            return f"{said}; and SQLite writes beside it in {folder}: {more}" if more else said
        return f"{said}; and {folder_said}"
    if not folder_ok:
        return folder_said
    return "ask the team's admin"


def unreachable_directory(path: Path) -> Path | None:
    """The first directory on the way to ``path`` that this user may not enter, if any."""
    for directory in reversed(path.parents):
        try:
            is_directory = directory.is_dir()
        except OSError:
            return directory
        if is_directory and not os.access(directory, os.X_OK):
            return directory
    return None


def cannot_reach(path: Path, needs: str = "read and write") -> str:
    """One line for a file this user may not reach or read, naming who owns what, and what
    to ask for: a database wants reading and writing (told to ask for g+r first, a team
    member was then refused writes and told to ask again for g+w, a tester)."""
    directory = unreachable_directory(path)
    if directory is not None:
        # The file's own folder, for a writer: entered and written (SQLite makes its -wal
        # there). A folder made 0500 was mended in two rounds, g+x, then g+w (a trial).
        own = directory == path.parent and "write" in needs
        return (
            f"{path}: {login_name()} may not enter {directory} ({describe_owner(directory)}): "
            f"{what_to_ask(directory, 'enter and write' if own else 'enter')}"
        )
    return (
        f"{path}: {login_name()} may not read it ({describe_owner(path)}): "
        f"{what_to_ask(path, needs)}"
    )


def links_on_the_way(path: Path | str) -> Iterator[tuple[Path, int, str]]:
    """Every symbolic link the system follows to reach ``path``, as it follows them: (the
    link, its maker's uid, what it says). A link's own target is walked too: root's link to
    ben's link to ann's file was judged by root's alone (a retrial), and a path written
    through ".." past a link is walked as the system does, not as its text reads (a
    reviewer). ``lstat`` and ``readlink``: they open nothing."""
    pending = list(Path(os.path.join(os.getcwd(), path)).parts)
    here = Path("/")
    followed = 0
    while pending:
        part = pending.pop(0)
        if part == "/":
            here = Path("/")
            continue
        if part in ("", "."):
            continue
        if part == "..":
            here = here.parent
            continue
        step = here / part
        try:
            found = os.lstat(step)
        except OSError:
            here = step  # not there (yet): nothing further to follow
            continue
        if not stat.S_ISLNK(found.st_mode):
            here = step
            continue
        followed += 1
        try:
            target = os.readlink(step)
        except OSError as error:
            yield step, found.st_uid, error.strerror or "?"
            return
        yield step, found.st_uid, target
        if followed > 40:  # a loop of links: the open says so
            return
        pending = list(Path(target).parts) + pending  # relative to ``here``, or from "/"


def someone_elses_link(path: Path | str) -> str | None:
    """``/srv/team/nightly is a symbolic link made by ben (to /home/ann/priv)`` when a link
    on the way to ``path`` (``links_on_the_way``) was made by another login than this one
    (or root), else None. In a team's folder anyone may put one: written through, ann's
    export went over her shell's start-up file, and a ``backups`` link into her own backups
    made the team's rotation delete them (testers); a link one folder up did the same (a
    reviewer), and root's own link to ben's (a retrial)."""
    me = os.getuid()
    for step, maker, target in links_on_the_way(path):
        if maker not in (me, 0):
            return f"{step} is a symbolic link made by {user_name(maker)} (to {target})"
    return None


def link_to_what_its_maker_may_not_read(path: Path | str, *, writes: bool = False) -> str | None:
    """``/srv/team/pdca.db is a symbolic link made by ben (to /home/ann/priv/pdca.db), a file
    ben may not read`` when ``path`` goes through another login's link (not this one's, not
    root's) to a file its maker may not read, else None. ben's link in the team's folder to
    ann's private file led root's nightly export and backup to it, written where ben read
    them (a hostile member's trial). A link to a file its maker may read shows them nothing
    new, and is followed, as a team's link to its shared file is. ``writes``: to a file its
    maker may not both read and write, as one opened to be written: through ben's link to
    ann's file he could only read, root's restore replaced her file (a retrial)."""
    me = os.getuid()
    wanted, may = (6, "read and write") if writes else (4, "read")
    written = Path(os.path.join(os.getcwd(), path))
    for step, maker, target in links_on_the_way(path):
        if maker in (me, 0):
            continue
        real = Path(os.path.realpath(written))
        name = user_name(maker)
        leads = "" if step == written else f" on the way to {real}"
        try:
            owner = real.stat().st_uid
        except OSError:
            # Nothing there yet: a file would be made there, where its maker may make one,
            # or nowhere (root's init through ben's link made a file in ann's folder: a
            # reviewer)
            if not real.parent.is_dir() or _may_use_as(maker, real.parent, 3):
                return None  # (no folder: opening it says so)
            return (
                f"{step} is a symbolic link made by {name} (to {target}){leads}, in a folder"
                f" {name} may not write"
            )
        if owner == maker and _may_use_as(maker, real, 0):
            continue  # to the maker's own file, in folders they may enter
        if _may_use_as(maker, real, wanted):
            continue
        return (
            f"{step} is a symbolic link made by {name} (to {target}){leads}, a file {name}"
            f" may not {may}"
        )
    return None


def _may_read_as(uid: int, path: Path) -> bool:
    return _may_use_as(uid, path, 4)


def _may_use_as(uid: int, path: Path, bits: int) -> bool:
    """Whether login ``uid`` may ``bits`` (4 read, 6 read and write) ``path``, entering each
    folder on its way, by the modes (or the POSIX ACL, where one is
    set) of it and the folders on its way, its own groups counted: a team let in by
    ``setfacl`` is not refused its own link, nor is an ACL for someone else taken for one
    for the maker (a reviewer). ``getxattr``, like ``stat``, opens nothing."""
    try:
        account = pwd.getpwuid(uid)
        groups = set(os.getgrouplist(account.pw_name, account.pw_gid))
    except (KeyError, OSError):
        groups = set()

    def allows(step: Path, bit: int) -> bool:
        info = os.stat(step)
        by_acl = _acl_allows(step, info, uid, groups, bit)
        if by_acl is not None:
            return by_acl
        if info.st_uid == uid:
            return (info.st_mode >> 6) & bit == bit
        if info.st_gid in groups:
            return (info.st_mode >> 3) & bit == bit
        return info.st_mode & bit == bit

    try:
        folders = all(allows(folder, 1) for folder in reversed(path.parents))
        return folders and allows(path, bits)
    except OSError:
        return True  # not to be told from here: the open itself says what stops it


# The POSIX ACL's tags (linux/posix_acl_xattr.h): its entries after a 4-byte header, each a
# tag, a permission (r 4, w 2, x 1) and an id, little-endian.
_USER_OBJ, _USER, _GROUP_OBJ, _GROUP, _MASK, _OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20


def _acl_allows(
    step: Path, info: os.stat_result, uid: int, groups: set[int], bit: int
) -> bool | None:
    """What ``step``'s access ACL gives ``uid`` (in ``groups``) of ``bit``, as the kernel reads
    it (acl(5)'s access check algorithm); None when it has none."""
    import struct

    try:
        raw = os.getxattr(step, "system.posix_acl_access")
    except OSError:  # none (ENODATA), or no ACLs on this filesystem
        return None
    entries: list[tuple[int, int, int]] = [
        struct.unpack_from("<HHI", raw, at) for at in range(4, len(raw) - 7, 8)
    ]
    mask: int = next((perm for tag, perm, _ in entries if tag == _MASK), 7)
    if info.st_uid == uid:
        return any(tag == _USER_OBJ and perm & bit == bit for tag, perm, _ in entries)
    named = [perm for tag, perm, who in entries if tag == _USER and who == uid]
    if named:
        return bool(named[0] & mask & bit == bit)
    matched = [
        perm
        for tag, perm, who in entries
        if (tag == _GROUP_OBJ and info.st_gid in groups) or (tag == _GROUP and who in groups)
    ]
    if matched:
        return any(perm & mask & bit == bit for perm in matched)
    return any(tag == _OTHER and perm & bit == bit for tag, perm, _ in entries)


def finding_its_other_names(path: Path) -> str:
    """``find /srv -xdev -samefile /srv/team/pdca.db finds them (...)``: the whole filesystem
    the file is on, as a hard link may be anywhere on it; "find /srv/team" missed one in
    ben's own folder, which only he and root may look in (a hostile member's trial)."""
    from pdca.db.filesystem import mount_of

    found = mount_of(path)
    where = found.mount_point if found is not None else "/"
    return (
        f"find {shell_word(where)} -xdev -samefile {shell_word(path)} finds them; run it as"
        " root, as one may be in a folder only its maker may look in"
    )


def planted_links(path: Path) -> list[Path]:
    """The database's ``-wal``, ``-shm`` or ``-journal`` that are symbolic links. SQLite
    makes them beside the file itself and never through a link, so one there was put there:
    the file cannot be opened while it is, and a ``chmod`` of it (doctor's advice, as it
    read the link's target's mode) changes the file it points to (a hostile tester's
    planted link opened a colleague's private file to them)."""
    return [
        name
        for name in (Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))
        if name.is_symlink()
    ]


def planted_link_said(link: Path) -> str:
    """``pdca.db-wal is a symbolic link (to /x, made by ben): remove it: rm pdca.db-wal``."""
    try:
        target = os.readlink(link)
        maker = user_name(link.lstat().st_uid)
    except OSError as error:
        return f"{link} is a symbolic link ({error.strerror}): remove it: rm {shell_word(link)}"
    return (
        f"{link} is a symbolic link (to {target}, made by {maker}), which SQLite never uses:"
        f" remove it (not chmod, which changes what it points to): rm {shell_word(link)}"
    )


def files_report(path: Path) -> str:
    """Who owns the database and its -wal/-shm, and what to ask for where this user may not
    write one of them: SQLite cannot open a file whose ``-shm`` has the wrong group."""
    links = planted_links(path)
    if links:
        return "; ".join(planted_link_said(link) for link in links)
    parts, blocked = [], []
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if not name.exists():
            continue
        parts.append(f"{name.name} {describe_owner(name)}")
        if not os.access(name, os.R_OK | os.W_OK):
            blocked.append(name)
    hint = _one_request(blocked, "read and write")  # SQLite opens them for both
    return "; ".join(parts) + (f": {hint}" if hint else "")


def whose_to_run(path: Path, command: str) -> str:
    """``run: COMMAND`` for the owner of ``path`` (only they, or root, may change its mode),
    else ``ask its owner X to run: COMMAND`` (a tester was told to chmod g+s the team's
    directory, and could not)."""
    try:
        owner = path.stat().st_uid
    except OSError:
        return f"ask the team's admin to run: {command}"
    if owner == os.geteuid():
        return f"run: {command}"
    return f"ask its owner {user_name(owner)} to run: {command}"


def _one_request(paths: list[Path], needs: str) -> str:
    """What to ask for so this user may ``needs`` all of ``paths``: one command for them all
    when each asks the same of the same person (a tester asked for the -wal's chgrp, then met
    the -shm's), else each request in turn."""
    asks = [what_to_ask(path, needs) for path in paths]
    shapes = {ask.replace(str(path), "{paths}") for ask, path in zip(asks, paths, strict=True)}
    if len(shapes) == 1 and len(paths) > 1:
        return shapes.pop().replace("{paths}", " ".join(str(path) for path in paths))
    return "; ".join(dict.fromkeys(asks))


def read_only_mount(path: Path) -> Path | None:
    """Where the filesystem holding ``path``'s folder is mounted, when it is mounted
    read-only (``statvfs``: opens nothing); else None. Told "read-only for ann (owned by
    ann:team, mode 0660): ask the team's admin", the owner of the file was sent to fix
    modes that were right (a tester's ``mount -o remount,ro``)."""
    from pdca.db.filesystem import mount_of

    try:
        if not os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return None
        # A read-only bind mount shares its device with the filesystem it shows: by devices
        # alone, "/" was named, mounted read-write (a sysadmin's trial)
        found = mount_of(path.parent)
        if found is not None:
            return Path(found.mount_point)
        here = Path(os.path.realpath(path.parent))
        device = here.stat().st_dev
        while here.parent != here and here.parent.stat().st_dev == device:
            here = here.parent
        return here
    except OSError:
        return None


def read_only_mount_said(mount: Path) -> str:
    return (
        f"its filesystem ({mount}) is mounted read-only: nobody can write it until it is"
        " mounted read-write again (ask the machine's admin)"
    )


def file_lets_me_write(path: Path) -> bool:
    """Whether the file and its folder let this user write now (``os.access``: opens nothing).

    A connection opened for writing keeps its descriptor after the owner's ``chmod g-w``:
    asked before each write, so a board open since refuses as the command line does (a
    tester's board went on adding cards to a file made read-only for him).
    """
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def folder_shut_to_writes(path: Path, who: str) -> str | None:
    """When the file lets this user write and its folder does not: the folder, named first,
    and what to ask. "is read-only for ben (owned by ann:team, mode 0660)" blamed a file ben
    may write (a trial's chmod g-w of the folder)."""
    folder = path.parent
    if not os.access(path, os.W_OK) or os.access(folder, os.W_OK | os.X_OK):
        return None
    # Short enough for a board's banner of three lines at 80 columns: it cut the folder off
    # the command to run (a retrial)
    return (
        f"its folder {folder} is read-only for {who} ({describe_owner(folder)}), and SQLite"
        f" writes beside the file there: {what_to_ask(folder, 'write')}"
    )


def may_read_now(path: Path) -> bool:
    """Whether this user may open the file for reading now: its folders entered, the file
    readable (a few system calls; a connection opened before keeps reading regardless)."""
    return unreachable_directory(path) is None and os.access(path, os.R_OK)


def journals_shut_to_me(path: Path) -> bool:
    """Whether the file's -wal or -shm is there and this user may not even read it: no new
    connection to the file opens then (one who may read them, not write, reads on: a
    reader's connection, as read-only users' boards have)."""
    kept = (Path(f"{path}{end}") for end in ("-wal", "-shm"))
    # os.path.exists: False, not an error, when the folder shuts meanwhile (a reviewer)
    return any(os.path.exists(f) and not os.access(f, os.R_OK) for f in kept)


def may_write_now(path: Path) -> bool:
    """Whether this user may write the file, its folder and its -wal and -shm (those that
    exist) now: a few system calls."""
    files = [path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm"))]
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return False
    return all(os.access(file, os.R_OK | os.W_OK) for file in files if file.exists())


# SQLite keeps, for as long as the process has the file open, the -shm as it first opened
# it: a board opened while it was not writable for its user stays unable to write after the
# owner fixes the modes (a tester; reopening a connection does not help while another of the
# same process holds the -shm opened read-only, a reviewer). What is true then is said, and
# what to do. (A board opened writable reopens its writer's connection instead: its -shm is.)
RESTART_TO_WRITE = (
    "the file lets you write now, but this pdca opened it when it did not (SQLite keeps"
    " that while it is open): quit and start pdca again to write"
)


# login.defs' UID_MIN and UID_MAX: the accounts outside are the system's (nobody: 65534)
PERSONS_UIDS = range(1000, 60001)


def a_persons_account(login: str) -> bool:
    """Whether ``login`` is a person's account on this machine: "ann" beside "anne" is no
    typo when ann logs in here (asked "did you mean anne?", a retrial); bin, sys or mail,
    the system's own, are no one's (bin beside ben is a typo, a reviewer)."""
    try:
        return pwd.getpwnam(login).pw_uid in PERSONS_UIDS
    except (KeyError, ValueError, OSError):
        return False


def group_members(gid: int) -> set[str]:
    """The logins in group ``gid``: its listed members and those whose own group it is, whom
    ``gr_mem`` leaves out (a reviewer). Empty for a group the system does not know."""
    try:
        members = set(grp.getgrgid(gid).gr_mem)
    except KeyError:
        return set()
    return members | {user.pw_name for user in pwd.getpwall() if user.pw_gid == gid}


def team_accounts(path: Path | None) -> set[str]:
    """The persons' accounts in the group of the file at ``path`` (none for a file of one's
    own group, or none at all): logins a name in an import or ``--owner`` may be a slip of
    (``bne`` for ben, whom the file did not know yet: a lead's import made bne unasked)."""
    if path is None:
        return set()
    try:
        info = path.stat()
    except OSError:
        return set()
    if not info.st_mode & stat.S_IWGRP:
        return set()  # not a file shared with a group
    return {login for login in group_members(info.st_gid) if a_persons_account(login)}


def full_names(logins: set[str]) -> dict[str, str]:
    """Each login's full name as its account gives it (the first part of its GECOS field),
    where it gives one."""
    names = {}
    for login in logins:
        try:
            name = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
        except KeyError:
            continue
        if name:
            names[login] = name
    return names


def cannot_write_words(who: str, why: str) -> str:
    """What is said of people given work in a file they cannot write: the command line's
    note, the board's notice and an import's say it alike."""
    return (
        f"{who} cannot write this file ({why}): what is theirs here, they cannot answer"
        " (check in, acknowledge)"
    )


def why_login_cannot_write(login: str, path: Path) -> str | None:
    """Why the Unix login ``login`` could not write the file at ``path`` (its modes, its
    folder's), or None: they may, or ``login`` is no login on this machine (a name on work,
    not a user here). An owner named who cannot open the team's file gets alerts and work
    they can never see (a quality lead's KPI owned by carl, outside the group)."""
    try:
        person = pwd.getpwnam(login)
        info, folder = path.stat(), path.parent.stat()
    except (KeyError, OSError, ValueError):  # ValueError: a name no login can have
        return None
    if person.pw_uid == 0:
        return None
    groups = set(os.getgrouplist(login, person.pw_gid))

    def allows(of: os.stat_result, user_bits: int, group_bits: int, other_bits: int) -> bool:
        if of.st_uid == person.pw_uid:
            return of.st_mode & user_bits == user_bits
        if of.st_gid in groups:
            return of.st_mode & group_bits == group_bits
        return of.st_mode & other_bits == other_bits

    file_ok = allows(info, stat.S_IRUSR | stat.S_IWUSR, stat.S_IRGRP | stat.S_IWGRP,
                     stat.S_IROTH | stat.S_IWOTH)  # fmt: skip
    folder_ok = allows(folder, stat.S_IWUSR | stat.S_IXUSR, stat.S_IWGRP | stat.S_IXGRP,
                       stat.S_IWOTH | stat.S_IXOTH)  # fmt: skip
    if file_ok and folder_ok:
        return None
    if not file_ok and info.st_gid not in groups and info.st_uid != person.pw_uid:
        return f"not in group {group_name(info.st_gid)}"
    if not file_ok:
        return f"the file is {describe_owner(path)}"
    # the file lets them; its folder (where SQLite keeps the -wal and -shm) does not
    return f"its folder is {describe_owner(path.parent)}"
