"""What pdca tells a person to ask for when a file of the database is closed to them."""

from __future__ import annotations

import os
from pathlib import Path

from pdca.db.access import what_to_ask


def test_a_wal_the_group_may_write_but_not_read_asks_for_both(tmp_path: Path) -> None:
    """SQLite opens -wal and -shm to read and write: g+w alone (0620) still fails, so the
    advice names both bits (it said 'chmod g+w', then 'ask the team's admin')."""
    wal = tmp_path / "pdca.db-wal"
    wal.write_bytes(b"")
    os.chown(wal, os.getuid(), os.getgid())  # a group this process is in
    for mode in (0o600, 0o620, 0o640):
        wal.chmod(mode)
        advice = what_to_ask(wal, "read and write")
        assert advice.endswith(f"chmod g+rw {wal}"), (oct(mode), advice)
    wal.chmod(0o660)
    assert what_to_ask(wal, "read and write") == "ask the team's admin"  # nothing to grant
    wal.chmod(0o620)
    assert what_to_ask(wal, "write") == "ask the team's admin"  # writing alone is granted
