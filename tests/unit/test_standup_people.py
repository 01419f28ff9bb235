"""A recorded stand-up keeps the logins stepped through. The digest's stop for work nobody
owns ("(unowned)") was kept with them once, by ``pdca standup --record`` and the app alike,
and then no export of the file could be imported ("people ... is not a list of logins")."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pdca.db import accountability
from pdca.db.accountability_models import UNOWNED
from pdca.db.models import ActionDraft
from pdca.db.store import Store


def test_the_stop_for_unowned_work_is_not_kept_as_a_person(store: Store) -> None:
    standup = accountability.record_standup(store, "2026-11-20T09:00:00Z", ["bob", UNOWNED])
    assert standup.people == ["bob"]


def test_a_recorded_standup_with_unowned_work_exports_and_imports(
    store: Store, ok, tmp_path: Path
) -> None:
    store.add_action(ActionDraft(title="nobody's", owner=None))
    store.add_action(ActionDraft(title="bob's", owner="bob"))
    ok("standup", "--record")
    exported = tmp_path / "export.json"
    ok("export", "--out", str(exported))
    people = json.loads(exported.read_text())["tables"]["standups"][0]["people"]
    assert UNOWNED not in json.loads(people)
    assert "1 standup" in ok("--db", str(tmp_path / "new.db"), "import", str(exported)).stdout


def test_an_export_holding_the_stop_from_before_is_imported(
    store: Store, db_path: Path, ok, tmp_path: Path
) -> None:
    accountability.record_standup(store, "2026-11-20T09:00:00Z", ["bob"])
    with sqlite3.connect(db_path) as conn:  # as an older pdca recorded it
        conn.execute("UPDATE standups SET people = ?", (json.dumps(["bob", UNOWNED]),))
    conn.close()
    exported = tmp_path / "export.json"
    ok("export", "--out", str(exported))
    assert "1 standup" in ok("--db", str(tmp_path / "new.db"), "import", str(exported)).stdout


def test_a_recorded_list_that_is_not_all_logins_empties_no_stand_up(
    store: Store, db_path: Path, ok
) -> None:
    """A tester typed '[1, null, "bob"]' into a stand-up's people: pdca standup refused and
    the app's stand-up said "nothing to report"."""
    store.add_action(ActionDraft(title="bob's", owner="bob"))
    accountability.record_standup(store, "2026-11-20T09:00:00Z", ["bob"])
    with sqlite3.connect(db_path) as conn:
        conn.execute("""UPDATE standups SET people = '[1, null, "bob"]'""")
    conn.close()
    assert ok("standup").stdout.startswith("**Stand-up**")  # refused (exit 1) before
