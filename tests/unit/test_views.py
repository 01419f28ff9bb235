"""The SQL views people read with sqlite3 or Datasette, without pdca."""

from __future__ import annotations

from datetime import timedelta

from pdca.db.models import ActionDraft, KpiDraft, ReadingDraft
from tests.conftest import NOW_DT


def test_open_actions_view_has_owner_and_overdue_flag(store):
    store.add_action(ActionDraft(title="late", owner="bob", due="2020-01-01"))
    store.add_action(ActionDraft(title="later", owner="bob", due="2999-01-01"))
    closed = store.add_action(ActionDraft(title="gone"))
    store.complete_action(closed.id, "abandon")
    rows = store.conn.execute("SELECT title, owner, overdue FROM open_actions ORDER BY id")
    assert [tuple(r) for r in rows] == [("late", "bob", 1), ("later", "bob", 0)]


def test_owner_load_counts_open_actions_per_phase(store):
    store.add_action(ActionDraft(title="a", owner="bob", due="2020-01-01"))
    store.add_action(ActionDraft(title="b", owner="bob", phase="do", due="2999-01-01"))
    store.add_action(ActionDraft(title="c", owner="cara"))
    rows = {
        r["owner"]: dict(r) for r in store.conn.execute("SELECT * FROM owner_load ORDER BY owner")
    }
    assert rows["bob"]["open_actions"] == 2
    assert (rows["bob"]["plan"], rows["bob"]["do"], rows["bob"]["overdue"]) == (1, 1, 1)
    assert rows["cara"]["open_actions"] == 1


def test_kpi_latest_shows_the_newest_reading(store):
    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4))
    store.record_reading(ReadingDraft(kpi="Pages", value=9), NOW_DT - timedelta(days=2))
    store.record_reading(ReadingDraft(kpi="Pages", value=7), NOW_DT - timedelta(days=1))
    store.record_reading(ReadingDraft(kpi="Pages", value=8), NOW_DT - timedelta(days=3))
    row = store.conn.execute("SELECT name, latest_value FROM kpi_latest").fetchone()
    assert tuple(row) == ("Pages", 7.0)
