"""A small team for the accountability views: late, stale and standardized work."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, open_as


def standardized_long_ago(
    db_path: Path,
    title: str,
    owner: str = "bob",
    *,
    back: timedelta = timedelta(days=31),
    due: date = date(2026, 10, 30),
    initiative: str | None = None,
) -> int:
    """An action of ``owner``'s taken through every phase and standardized ``back`` before
    the test's clock (31 days: its 30-day follow-up is due now), by them. Its id."""
    past = open_as(db_path, owner, NOW_DT - back)
    try:
        draft = ActionDraft(title=title, owner=owner, due=due, initiative=initiative)
        first = past.add_action(draft)
        past.move_action(first.id, "do")
        past.add_checkin(first.id, CheckinDraft(message="drafted"))
        past.move_action(first.id, "check")
        past.move_action(first.id, "act", verdict="worked")
        past.complete_action(first.id, "standardize")
    finally:
        past.close()
    return first.id


def team_db(store: Store, db_path: Path) -> Path:
    """#1 bob's, standardized 31 days ago (its 30-day follow-up due); #2 bob's, late;
    #3 carol's, fresh; check-ins by bob and carol; everything stamped 31 days back first."""
    standardized_long_ago(db_path, "Triage [bold]rota[/bold]")
    late = store.add_action(ActionDraft(title="Label backlog", owner="bob", due=date(2026, 11, 20)))
    fresh = store.add_action(ActionDraft(title="Pager rota", owner="carol", due=date(2026, 12, 9)))
    as_carol = open_as(db_path, "carol")
    try:
        as_carol.add_checkin(fresh.id, CheckinDraft(message="on it", status="at-risk"))
        as_carol.add_checkin(late.id, CheckinDraft(message="[red]help[/red]", status="blocked"))
    finally:
        as_carol.close()
    return db_path
