"""The open app delivers notifications too (issue: alerts that reach people), once each,
whoever else delivers: a second delivery round, as a cron ``pdca notify`` would be, sends
nothing again."""

from __future__ import annotations

from pathlib import Path

from pdca.db import notify
from pdca.db.store import Store
from tests.tui.conftest import settle_app
from tests.unit.test_notify import Hook, _breach, _webhook_only, hook  # noqa: F401 (fixture)


async def test_the_open_app_delivers_a_new_alert_once(
    store: Store,
    db_path: Path,
    make_app,
    hook: Hook,  # noqa: F811 (the fixture)
) -> None:
    _webhook_only(store, hook.url)
    _breach(store)  # raises an alert for dana
    app = make_app(db_path, watch_changes=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        app.escalate_alerts()  # the minute's round, now
        await settle_app(app, pilot)
    assert [body["text"].split(":")[0] for body in hook.bodies] == ["dana"]
    again = notify.deliver_due(store, "alice", {}, set_by_me=lambda _command: True)
    assert again.delivered == [] and len(hook.bodies) == 1


async def test_a_delivery_the_board_could_not_make_is_said_on_it_once(
    store: Store, db_path: Path, make_app
) -> None:
    """A colleague's command hook under alice's name: her board's round refused it, as it
    should, and said nothing there (a retrial); `pdca notify` said why. Said once a reason,
    not at every round."""
    from pdca.db.models import ActionDraft

    notify.set_channel(store, "terminal", "off")
    notify.set_channel(store, "command", "touch planted")  # in the file under alice's name
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    app = make_app(db_path, watch_changes=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        app.escalate_alerts()
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications if "could not deliver" in n.message]
        assert (
            len(said) == 1 and "the command hook 'touch planted' is not one alice set" in (said[0])
        )
        store.add_action(ActionDraft(title="later", owner="dana", due="2026-11-21"))
        app.escalate_alerts()  # the same reason again: not said again
        await settle_app(app, pilot)
        again = [n.message for n in app._notifications if "could not deliver" in n.message]
        assert again == said
    assert not (Path.cwd() / "planted").exists()
