"""A column added to a table by hand with sqlite3 is left out of the records read, as it was
when they were pydantic models: reads and their JSON go on (pdca doctor names the column)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pdca.db.models import ActionDraft, KpiDraft, ReadingDraft
from pdca.db.store import Store


def test_extra_columns_on_kpis_alerts_initiatives_and_followups_are_left_out(
    store: Store, db_path: Path, cli
) -> None:
    from pdca.db.models import InitiativeDraft

    store.add_initiative(InitiativeDraft(name="Ops", objective="cut pages 20% by 2027-03-31"))
    store.add_kpi(
        KpiDraft(name="Pages", unit="n", baseline=10, target=5, direction="down", alert=12)
    )
    store.record_reading(ReadingDraft(kpi="Pages", value=20))  # raises an alert
    store.add_action(ActionDraft(title="x", owner="bob", initiative="Ops"))
    with sqlite3.connect(db_path) as conn:
        for table in ("kpis", "alerts", "initiatives", "followups", "standups", "events"):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN extra_note TEXT")
    conn.close()
    for command in (
        ["kpi", "list", "--json"],
        ["initiative", "list", "--json"],
        ["alerts", "--json"],
        ["followups", "--all", "--json"],
        ["standup", "--json"],
        ["show", "1", "--json"],
    ):
        result = cli(*command)
        assert result.exit_code == 0, (command, result.stderr)
        assert "extra_note" not in result.stdout
        json.loads(result.stdout)
