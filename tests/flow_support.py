"""A known history for the flow tests, written through the store at chosen times.

Times are days before the fixed NOW (2026-11-23T09:00Z):

- #1 "Old runbook" (Ops, carol): created -60, Do -55, check-in -50, Check -45, Act -44
  (partly), done -40 (standardize): its +30 follow-up fell due at -10 and is recorded holding
  at -9; +60 and +90 are not due.
- #2 "Triage rota" (Ops, bob, KPI Pages, due Nov 10): created -30, Do -28, check-in -20,
  Check -15, back to Do -14, check-in -13, Check -10, Act -9 (worked), done -8 (standardize).
- #3 "Paging policy" (Ops, carol): created -20, Do -18, check-in -17, Check -16 and that move
  undone at once (neither counts).
- #4 "Stray idea" (no initiative, bob): created -5, abandoned -1.
- A KPI "Pages" (Ops, down, baseline 10, target 4) with readings from -20 to -1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from unittest import mock

from pdca.db import accountability
from pdca.db.models import ActionDraft, CheckinDraft, InitiativeDraft, KpiDraft, ReadingDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT


@contextmanager
def every_query(store: Store) -> Iterator[list[str]]:
    """The statements run on ``store``'s connection and on any connection the store opens
    meanwhile (db/flow.py reads half its figures on a second one, in a thread)."""
    seen: list[str] = []
    opened = Store.open

    def open_traced(*args: Any, **kwargs: Any) -> Store:
        other = opened(*args, **kwargs)
        other.conn.set_trace_callback(seen.append)
        return other

    store.conn.set_trace_callback(seen.append)
    try:
        with mock.patch.object(Store, "open", open_traced):
            yield seen
    finally:
        store.conn.set_trace_callback(None)


def at(store: Store, days_before: float) -> None:
    moment = NOW_DT - timedelta(days=days_before)
    store.clock = lambda: moment


def build_history(store: Store, title: str = "Triage rota") -> None:
    at(store, 61)
    store.add_initiative(InitiativeDraft(name="Ops", objective="Quiet nights for on-call"))
    store.add_kpi(
        KpiDraft(name="Pages", unit="/wk", baseline=10, target=4, direction="down", warn=12,
                 alert=14, owner="bob", initiative="Ops")
    )  # fmt: skip
    due = date(2026, 11, 30)
    at(store, 60)
    old = store.add_action(
        ActionDraft(title="Old runbook", owner="carol", due=due, initiative="Ops")
    )
    at(store, 55)
    store.move_action(old.id, "do")
    at(store, 50)
    store.add_checkin(old.id, CheckinDraft(message="drafted"))
    at(store, 45)
    store.move_action(old.id, "check")
    at(store, 44)
    store.move_action(old.id, "act", verdict="partly")
    at(store, 40)
    store.complete_action(old.id, "standardize")
    at(store, 30)
    one = store.add_action(
        ActionDraft(title=title, owner="bob", due=date(2026, 11, 10), initiative="Ops", kpi="Pages")
    )
    at(store, 28)
    store.move_action(one.id, "do")
    at(store, 20)
    store.add_checkin(one.id, CheckinDraft(message="rota drafted"))
    two = store.add_action(
        ActionDraft(title="Paging policy", owner="carol", due=due, initiative="Ops")
    )
    at(store, 18)
    store.move_action(two.id, "do")
    at(store, 17)
    store.add_checkin(two.id, CheckinDraft(message="policy drafted", status="at-risk"))
    at(store, 16)
    store.move_action(two.id, "check")
    store.undo()
    at(store, 15)
    store.move_action(one.id, "check")
    at(store, 14)
    store.move_action(one.id, "do")
    at(store, 13)
    store.add_checkin(one.id, CheckinDraft(message="second try"))
    at(store, 10)
    store.move_action(one.id, "check")
    at(store, 9)
    store.move_action(one.id, "act", verdict="worked")
    first = store.conn.execute(
        "SELECT id FROM followups WHERE action_id = ? AND offset_days = 30", (old.id,)
    ).fetchone()[0]
    accountability.record_followup(store, first, "holding", "still quiet")
    at(store, 8)
    store.complete_action(one.id, "standardize")
    at(store, 5)
    three = store.add_action(ActionDraft(title="Stray idea", owner="bob"))
    at(store, 1)
    store.complete_action(three.id, "abandon")
    for day in range(20, 0, -1):
        at(store, day)
        store.record_reading(ReadingDraft(kpi="Pages", value=12 - day % 5 * 0.5 - (20 - day) * 0.2))
    at(store, 0)
