"""The file a hung-up board leaves: its person can tell how the texts in it are written."""

from __future__ import annotations

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
