"""ctrl+z's question: is there a shell that would send pdca on again after a stop?"""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.tui import job_control


def _session_led_by(proc: Path, leader: str, parent: int) -> None:
    (proc / "4242").mkdir()
    (proc / "4242" / "comm").write_text(f"{leader}\n")
    (proc / "4242" / "stat").write_text(f"4242 ({leader}) S {parent} 4242 4242 0 -1\n")


@pytest.mark.parametrize(
    ("leader", "sudo_leads_its_own", "none"),
    [("bash", False, False), ("sudo", True, True), ("sudo", False, False)],
)
def test_sudo_started_straight_from_tmux_has_no_shell_to_come_back_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, leader: str, sudo_leads_its_own: bool,
    none: bool,
) -> None:  # fmt: skip
    """sudo run straight from tmux: ctrl+z did nothing and said nothing (a trial); run from
    a shell, sudo passes the stop on to it and fg brings pdca back (a retrial)."""
    monkeypatch.setattr(
        job_control.os, "getsid", lambda pid: 4242 if pid == 0 else (7 if pid == 7 else 1)
    )
    monkeypatch.setattr(job_control.os, "getpgrp", lambda: 4343)  # not the session's leader
    # sudo (pid 7) is in its session's group when tmux started it (or tmux's sh -c); a
    # job-control shell gives it a group of its own
    monkeypatch.setattr(job_control.os, "getpgid", lambda pid: 7 if sudo_leads_its_own else 3)
    _session_led_by(tmp_path, leader, parent=7)
    assert job_control.no_shell_to_come_back_to(str(tmp_path)) is none


def test_the_leader_of_its_own_session_has_none_and_no_proc_assumes_a_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_control.os, "getsid", lambda _pid: 4242)
    monkeypatch.setattr(job_control.os, "getpgrp", lambda: 4242)
    assert job_control.no_shell_to_come_back_to(str(tmp_path))
    monkeypatch.setattr(job_control.os, "getpgrp", lambda: 4343)
    assert not job_control.no_shell_to_come_back_to(str(tmp_path / "nowhere"))
