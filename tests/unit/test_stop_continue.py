"""A board with no controlling terminal (``su ann -c pdca``, ``setsid -w pdca``) asks the
nearest process above it that has one whether it is in front (tui/stop_continue.py)."""

from __future__ import annotations

import os
from pathlib import Path

from pdca.tui.stop_continue import _the_nearest_with_a_terminal_in_front


def _stat(proc: Path, pid: int, *, parent: int, group: int, terminal: int, front: int) -> None:
    (proc / str(pid)).mkdir(parents=True)
    fields = f"S {parent} {group} {group} {terminal} {front} 0 0 0"
    (proc / str(pid) / "stat").write_text(f"{pid} (su (ann)) {fields}\n")


def test_su_in_front_keeps_the_board_and_su_sent_to_the_background_stops_it(
    tmp_path: Path,
) -> None:
    """A retrial's board under su stopped itself for good at every continue; a reviewer's,
    once su was sent on with bg, drew over the shell and fought it for keys."""
    su = os.getppid()  # the board's parent: su, in the shell's job for it
    _stat(tmp_path, su, parent=1, group=500, terminal=34816, front=500)
    assert _the_nearest_with_a_terminal_in_front(str(tmp_path))
    (tmp_path / str(su) / "stat").unlink()
    (tmp_path / str(su)).rmdir()
    _stat(tmp_path, su, parent=1, group=500, terminal=34816, front=42)  # bg: the shell's
    assert not _the_nearest_with_a_terminal_in_front(str(tmp_path))


def test_with_no_terminal_above_it_the_board_is_in_front(tmp_path: Path) -> None:
    """A daemon's child, or a test's: no shell to bring it back, so it goes on."""
    parent = os.getppid()
    _stat(tmp_path, parent, parent=1, group=7, terminal=0, front=-1)
    assert _the_nearest_with_a_terminal_in_front(str(tmp_path))
    assert _the_nearest_with_a_terminal_in_front(str(tmp_path / "nowhere"))
