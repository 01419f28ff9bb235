"""A database named through a link is the file itself to pdca, as it is to SQLite.

SQLite follows links and keeps the -wal and -shm beside the file they lead to. pdca checked
the link's own folder instead: through a link in a home folder, a write was refused with
advice about the home folder, doctor judged the folder the link was in (a shared file left
0640 passed), and backups went beside the link (a tester).
"""

from __future__ import annotations

import json
from pathlib import Path

from pdca.db.models import ActionDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, run_pdca


def _linked(tmp_path: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """A team file in a shared folder, and a link to it from a private one."""
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2770)
    real = team / "pdca.db"
    assert run_pdca("--db", str(real), "init", env=env).returncode == 0
    home = tmp_path / "mine"
    home.mkdir(mode=0o700)
    link = home / "team.db"
    link.symlink_to(real)
    return real, link


def test_a_store_opened_through_a_link_is_the_file_itself(
    tmp_path: Path, env: dict[str, str]
) -> None:
    real, link = _linked(tmp_path, env)
    store = Store.open(link, actor="ann", clock=lambda: NOW_DT)
    try:
        store.add_action(ActionDraft(title="through the link"))
        assert store.path == real
        assert Path(f"{real}-wal").exists() and not Path(f"{link}-wal").exists()
    finally:
        store.close()


def test_a_backup_through_a_link_goes_beside_the_file_itself(
    tmp_path: Path, env: dict[str, str]
) -> None:
    real, link = _linked(tmp_path, env)
    made = run_pdca("--db", str(link), "backup", "--json", env=env)
    assert made.returncode == 0, made.stderr
    path = Path(json.loads(made.stdout)["path"])
    assert path.parent == real.parent / "backups"
    assert not (link.parent / "backups").exists()


def test_doctor_through_a_link_judges_the_file_itself(tmp_path: Path, env: dict[str, str]) -> None:
    real, link = _linked(tmp_path, env)
    real.chmod(0o640)  # the team cannot write it: doctor must say so, however it is named
    through_link = run_pdca("--db", str(link), "doctor", "--json", env=env)
    direct = run_pdca("--db", str(real), "doctor", "--json", env=env)
    assert through_link.returncode == direct.returncode == 1
    assert json.loads(through_link.stdout)["checks"] == json.loads(direct.stdout)["checks"]
    failed = [c for c in json.loads(direct.stdout)["checks"] if c["status"] == "fail"]
    assert failed and any("group" in c["name"] for c in failed)


def test_doctor_on_a_link_to_nothing_says_so(tmp_path: Path, env: dict[str, str]) -> None:
    """A tester: doctor advised ``pdca --db LINK init``, which refuses a dangling link."""
    link = tmp_path / "dangling.db"
    link.symlink_to(tmp_path / "nothere.db")
    told = run_pdca("--db", str(link), "doctor", env=env)
    assert told.returncode == 1
    assert told.stderr == (
        f"pdca: file: {link}: a link to {tmp_path / 'nothere.db'}, which does not exist\n"
    )


def test_a_links_stamp_is_its_files_with_its_wal(tmp_path: Path, env: dict[str, str]) -> None:
    """A reviewer: a read-only board opened through a link looked for the -wal beside the
    link, and never saw a colleague's change again."""
    from pdca.db.connection import file_stamp

    real, link = _linked(tmp_path, env)
    writer = Store.open(real, actor="ann", clock=lambda: NOW_DT)
    try:
        writer.add_action(ActionDraft(title="a colleague's"))  # into the -wal, kept open
        assert Path(f"{real}-wal").stat().st_size > 0
        assert file_stamp(link) == file_stamp(real)
    finally:
        writer.close()
