"""ctrl+z's question: is there a shell that would send pdca on again after a stop?"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pdca.tui import job_control


@pytest.mark.parametrize(("leader", "none"), [("bash", False), ("zsh", False), ("sudo", True)])
def test_a_session_led_by_sudo_has_no_shell_to_come_back_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, leader: str, none: bool
) -> None:
    """sudo run straight from tmux: ctrl+z did nothing and said nothing (a trial)."""
    monkeypatch.setattr(job_control.os, "getsid", lambda _pid: 4242)
    monkeypatch.setattr(job_control.os, "getpgrp", lambda: 4343)  # not the session's leader
    (tmp_path / "4242").mkdir()
    (tmp_path / "4242" / "comm").write_text(f"{leader}\n")
    assert job_control.no_shell_to_come_back_to(str(tmp_path)) is none


def test_the_leader_of_its_own_session_has_none_and_no_proc_assumes_a_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_control.os, "getsid", lambda _pid: 4242)
    monkeypatch.setattr(job_control.os, "getpgrp", lambda: 4242)
    assert job_control.no_shell_to_come_back_to(str(tmp_path))
    monkeypatch.setattr(job_control.os, "getpgrp", lambda: 4343)
    assert not job_control.no_shell_to_come_back_to(str(tmp_path / "nowhere"))
    assert os.getsid(0)  # (the real one is there: the board asks it)
