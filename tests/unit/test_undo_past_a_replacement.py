"""No one's undo reaches back past a restore or an import: the file's contents were replaced,
and a change made before it may be another file's, or restored data (a tester: after alice's
restore, carol's ``pdca undo`` deleted her action that the restore had just brought back, and
after an import bob's undid his changes in the file the export came from). Changes made after
it are undone as ever."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pdca.db import backup as backups
from pdca.db.errors import UndoRefused
from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, open_as


def test_a_colleagues_undo_does_not_cross_a_restore(store: Store, db_path: Path, cli) -> None:
    carol = open_as(db_path, "carol")
    kept = carol.add_action(ActionDraft(title="carol's, in the backup", owner="carol"))
    saved = backups.backup(db_path, now=NOW_DT).path
    store.add_action(ActionDraft(title="alice's, after the backup"))
    assert cli("restore", str(saved), "--force").exit_code == 0
    with pytest.raises(UndoRefused) as refused:
        carol.undo()
    assert str(refused.value) == (
        f"nothing to undo: carol has changed nothing since 'restored from {saved.name}' at"
        " 2026-11-23T09:00:00Z, and undo does not reach back past it (the file's contents"
        " were replaced)"
    )
    assert [a.title for a in carol.list_actions()] == [kept.title]
    # The one who restored is told the same; and a change made since is undone as ever.
    with pytest.raises(UndoRefused, match="^nothing to undo: alice has changed nothing since"):
        store.undo()
    carol.add_checkin(kept.id, CheckinDraft(message="after the restore"))
    assert carol.undo().summaries == [f"checked in on #{kept.id} (on-track)"]
    carol.close()


def test_undo_does_not_cross_an_import(store: Store, cli, tmp_path: Path) -> None:
    bob = open_as(store.path, "bob")  # type: ignore[arg-type]
    bob.add_action(ActionDraft(title="bob's, in the old file", owner="bob"))
    bob.close()
    out = tmp_path / "export.json"
    assert cli("export", "--out", str(out)).exit_code == 0
    target = tmp_path / "fresh.db"
    assert cli("--db", str(target), "import", str(out)).exit_code == 0
    result = cli("--db", str(target), "undo")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "pdca: nothing to undo: alice has changed nothing since 'imported export.json: 1"
    )
    imported = open_as(target, "bob")
    with pytest.raises(UndoRefused, match="^nothing to undo: bob has changed nothing since"):
        imported.undo()
    imported.close()
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT title FROM actions").fetchall() == [("bob's, in the old file",)]
    conn.close()


def test_a_repair_of_the_kept_tables_is_not_a_wall_before_ones_changes(
    store: Store, db_path: Path
) -> None:
    """A tester edited #23, dropped a trigger, ran doctor --repair, and could never undo the
    edit again ("cannot undo 'repaired kept tables…': it is not one record")."""
    from pdca.db.kept import repair_store
    from pdca.db.models import ActionChanges

    action = store.add_action(ActionDraft(title="before"))
    store.edit_action(action.id, ActionChanges(title="after"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER actions_kinds_on_update")
    conn.close()
    assert repair_store(store) == ["trigger actions_kinds_on_update put back"]
    assert store.undo().summaries == [f"edited #{action.id}: title"]
    assert store.get_action(action.id).title == "before"
