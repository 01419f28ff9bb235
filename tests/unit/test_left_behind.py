"""The file a hung-up board leaves: its person can tell how the texts in it are written."""

from __future__ import annotations

import os
from pathlib import Path

from pdca.tui.left_behind import left_behind_notice, write_left_behind
from pdca.widgets.text import quoted


def test_the_file_says_how_its_texts_are_quoted(tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    typed = "K \\[x"  # one backslash, as typed
    line = f"pdca: not saved (typed in a form open at quit): title {quoted(typed)}"
    path = write_left_behind([line], environ, tmp_path / "team.db")
    assert path is not None and path.stat().st_mode & 0o777 == 0o600
    header, rule, kept = path.read_text(encoding="utf-8").splitlines()
    assert f"the board on {tmp_path / 'team.db'} could not save" in header
    # a backslash in the file is doubled: the file says so, so it is not pasted back twice
    assert "'K \\\\[x'" in kept
    assert rule == "(texts are quoted: \\\\ is one backslash, \\n a new line, \\x1b an escape)"
    notice = left_behind_notice(environ)
    assert notice is not None and str(path) in notice
    # which file's board: one person with boards on two files could not tell (a new lead)
    assert notice.startswith(f"what a board on {tmp_path / 'team.db'} that lost its terminal")


def test_nothing_is_left_behind_when_the_disk_is_full(tmp_path: Path, monkeypatch) -> None:
    """On a full disk the file was made empty, and every start named it as holding what to
    do again (a trial): no file, and no notice."""
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, descriptor: int, *args: object, **kwargs: object) -> None:
            self.file = real_fdopen(descriptor, "w")

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

    # Only this patch is undone after (undo() took the conftest's stand-in home too, and the
    # notice read the real one's files: a run beside boards a helper hung up)
    with monkeypatch.context() as patched:
        patched.setattr(os, "fdopen", FullDisk)
        assert write_left_behind(["pdca: not saved: x"], environ, tmp_path / "team.db") is None
    assert list((tmp_path / "state" / "pdca").glob("unsaved-*")) == []
    assert left_behind_notice(environ) is None


def test_two_files_left_behind_are_both_pointed_at(tmp_path: Path) -> None:
    """ "... in unsaved-B.txt (2 files)" named one of the two (one person in two places)."""
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    first = write_left_behind(["pdca: not saved: x"], environ, tmp_path / "team.db")
    assert first is not None
    second = first.with_name(first.name.replace("-", "-1", 1))  # another board's, at once
    second.write_text(first.read_text())
    notice = left_behind_notice(environ)
    folder = tmp_path / "state" / "pdca"
    assert notice == (
        f"what boards that lost their terminal could not save is in 2 files,"
        f" {folder}/unsaved-*.txt (the newest {max(first.name, second.name)}): make those"
        " changes again, then remove the files"
    )


def test_a_state_folder_that_cannot_take_it_leaves_it_in_the_passwd_home(
    tmp_path: Path, passwd_state: Path
) -> None:
    """HOME not writable, another person's XDG_STATE_HOME kept by su: what a hung-up board
    could not save went nowhere, without a word (a tester). It goes to the home the passwd
    entry names, and the next start points at it there."""
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(blocked / "state")}
    path = write_left_behind(["pdca: not saved: x"], environ, tmp_path / "team.db")
    assert path is not None and path.parent == passwd_state, path
    notice = left_behind_notice(environ)
    assert notice is not None and str(path) in notice
    path.unlink()


def test_a_state_folder_of_someone_elses_is_not_written_into(
    tmp_path: Path, passwd_state: Path, monkeypatch
) -> None:
    """root run with ann's HOME left a file of root's in her home, which she could not read
    (a tester): a folder another uid owns is passed over for the passwd entry's home."""
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "anns")}
    (tmp_path / "anns").mkdir()
    me = os.geteuid()
    with monkeypatch.context() as someone_else:
        someone_else.setattr(os, "geteuid", lambda: me + 4242)
        path = write_left_behind(["pdca: not saved: x"], environ, tmp_path / "team.db")
    assert path is not None and path.parent == passwd_state
    assert list((tmp_path / "anns").rglob("*")) == []
    path.unlink()


def test_the_board_says_at_its_start_when_nothing_could_be_kept(
    tmp_path: Path, monkeypatch
) -> None:
    from pdca.tui import crash

    blocked = tmp_path / "a-file"
    blocked.write_text("")
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    assert crash.state_unwritable(environ) is None
    monkeypatch.setattr(crash, "passwd_state_directory", lambda: None)
    environ["XDG_STATE_HOME"] = str(blocked / "state")
    said = crash.state_unwritable(environ)
    assert said is not None and said.startswith(
        f"what a lost connection leaves unsaved cannot be kept: {blocked}/state/pdca: "
    ), said
    assert said.endswith("; set XDG_STATE_HOME to a folder of yours")
    assert write_left_behind(["pdca: not saved: x"], environ, tmp_path / "team.db") is None


def test_a_state_folder_of_ones_own_not_made_yet_under_tmp_is_made(
    tmp_path: Path, passwd_state: Path, monkeypatch
) -> None:
    """A new XDG_STATE_HOME under /tmp was called root's (/tmp is), and passed over (a
    retrial): in root's sticky folder anyone may write, what is made there is the person's.
    Not in another person's sticky folder, nor through another person's link (a reviewer)."""
    import stat as stats

    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (shared / "link").symlink_to(elsewhere)
    real_lstat = os.lstat
    owners = {shared: 0, shared / "link": 777}  # root's /tmp; carl's link in it

    def owned_as_said(path, *args, **kwargs):
        found = real_lstat(path, *args, **kwargs)
        if Path(path) in owners:
            return os.stat_result((*found[:4], owners[Path(path)], *found[5:]))
        return found

    monkeypatch.setattr(os, "lstat", owned_as_said)
    monkeypatch.setattr(os, "geteuid", lambda: 4242)  # neither root nor carl
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(shared / "mine" / "state")}
    path = write_left_behind(["pdca: not saved: x"], environ, tmp_path / "team.db")
    assert path is not None and path.parent == shared / "mine" / "state" / "pdca", path
    assert stats.S_IMODE(real_lstat(path).st_mode) == 0o600
    environ["XDG_STATE_HOME"] = str(shared / "link" / "state")
    steered = write_left_behind(["pdca: not saved: y"], environ, tmp_path / "team.db")
    assert steered is not None and steered.parent == passwd_state, steered
    assert list(elsewhere.iterdir()) == []
    steered.unlink()  # the next in the same second would take its name
    owners[shared] = 777  # carl's sticky folder: he may rename what is in it
    environ["XDG_STATE_HOME"] = str(shared / "other" / "state")
    kept = write_left_behind(["pdca: not saved: z"], environ, tmp_path / "team.db")
    assert kept is not None and kept.parent == passwd_state, kept
    monkeypatch.undo()
    kept.unlink()


def test_a_home_that_is_no_folder_is_named_when_nothing_can_be_kept(
    tmp_path: Path, monkeypatch
) -> None:
    from pdca.tui import crash

    monkeypatch.setattr(crash, "passwd_state_directory", lambda: None)
    said = crash.state_unwritable({"HOME": str(tmp_path / "none")})
    assert said == (
        "what a lost connection leaves unsaved cannot be kept: no home directory: HOME"
        f" ({tmp_path / 'none'}) is not a folder (set HOME, or XDG_STATE_HOME); set"
        " XDG_STATE_HOME to a folder of yours"
    )


def test_a_folder_of_ones_own_inside_another_persons_folder_is_passed_over(
    tmp_path: Path, passwd_state: Path, monkeypatch
) -> None:
    """ann's own folder, made earlier in ben's sticky folder, took her unsaved typing: ben
    may rename it away (a retrial). Nothing of hers goes below a folder of another's."""
    bens = tmp_path / "bens"
    mine = bens / "annstate"
    mine.mkdir(parents=True)
    real_lstat = os.lstat
    me = 4242

    def owned_as_said(path, *args, **kwargs):
        found = real_lstat(path, *args, **kwargs)
        owner = {bens: 777, mine: me}.get(Path(path), 0)  # the rest: root's, as / is
        return os.stat_result((*found[:4], owner, *found[5:]))

    monkeypatch.setattr(os, "lstat", owned_as_said)
    monkeypatch.setattr(os, "geteuid", lambda: me)
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(mine)}
    path = write_left_behind(["pdca: not saved: x"], environ, tmp_path / "team.db")
    monkeypatch.undo()
    assert path is not None and path.parent == passwd_state, path
    assert list(mine.iterdir()) == []
    path.unlink()


def test_a_folder_of_ones_own_in_a_folder_the_team_writes_is_passed_over(
    tmp_path: Path, passwd_state: Path
) -> None:
    """ann's XDG_STATE_HOME in a folder of hers the team writes (2770 ann:team): ben could
    rename her kept typing away (a retrial). A group of her own (her private group) is fine."""
    import grp
    import pwd

    shared = tmp_path / "annproj"
    shared.mkdir()
    others = [g for g in grp.getgrall() if g.gr_name != pwd.getpwuid(os.geteuid()).pw_name]
    os.chown(shared, -1, others[0].gr_gid)  # a group not named as the owner: not theirs alone
    shared.chmod(0o2770)
    environ = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(shared / "state")}
    path = write_left_behind(["pdca: not saved: x"], environ, tmp_path / "team.db")
    assert path is not None and path.parent == passwd_state, path
    assert not (shared / "state").exists()
    path.unlink()
    from pdca.db.filesystem import someone_elses

    assert someone_elses(shared / "state") == (f"a folder {others[0].gr_name} may rename things in")
    shared.chmod(0o700)
    assert someone_elses(shared / "state") is None
