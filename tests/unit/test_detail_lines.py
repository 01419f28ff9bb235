"""Lines of an action's detail (screens/dialogs/detail.py)."""

from __future__ import annotations


def test_the_detail_names_a_followup_by_what_it_found() -> None:
    """An audit in an action's detail read "● on-track follow-up (holding)", as if an
    ordinary check-in (a tester); as the log, it is "⚑ follow-up holding"."""
    from pdca.db.records import Checkin
    from pdca.screens.dialogs.detail import _checkin

    audit = Checkin(id=1, action_id=1, at="2026-11-23T09:00:00Z", author="ann",
                    status="on-track", kind="followup", result="holding",
                    message="still fine", version=1)  # fmt: skip
    shown = _checkin(audit).plain
    assert "⚑ follow-up holding: still fine" in shown and "on-track" not in shown
    plain = _checkin(audit.model_copy(update={"kind": "checkin", "result": None})).plain
    assert "● on-track: still fine" in plain
