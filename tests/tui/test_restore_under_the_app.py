"""An edit form open across a restore made by someone else (another connection, --force):
the save says the action is gone, by whose restore, in one line, and writes nothing, never
the action that a restore which wound the counters back would have given that id
(tests/unit/test_restore_ids.py has the same story with real processes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from pdca.db import backup as backups
from pdca.db.errors import NotFound
from pdca.db.models import Action, ActionDraft
from pdca.db.restore import restore
from pdca.db.store import Store
from pdca.screens.dialogs import ActionFormModal
from tests.conftest import NOW_DT, open_as
from tests.tui.conftest import SIZE, settle_app
from tests.tui.test_board import focused


def backed_up_then(store: Store, db_path: Path, draft: ActionDraft) -> tuple[Path, Action]:
    """A backup holding one action, then ``draft`` added after it (which a restore of that
    backup takes away): the backup's path and the action added."""
    store.add_action(ActionDraft(title="in the backup"))
    saved = backups.backup(db_path, now=NOW_DT).path
    return saved, store.add_action(draft)


async def press_on(app, pilot, action: Action, key: str) -> None:  # type: ignore[no-untyped-def]
    """The board up, its cursor on ``action`` (the first card), then ``key`` pressed."""
    await settle_app(app, pilot)
    assert focused(app) == ("plan", action.id)
    await pilot.press(key)
    await settle_app(app, pilot)


async def test_a_card_deleted_with_sqlite3_under_its_form_is_said_deleted_outside_pdca(
    make_app, store: Store, db_path: Path
) -> None:
    """ben deleted #29 with sqlite3 while ann's form was open: "#29 is gone since you opened
    it (heidi 2026-11-21: edited #29: notes)" blamed heidi's change of two days before (a
    tester). No change pdca logged took it: said so."""
    import sqlite3

    store.add_action(ActionDraft(title="older"))
    target = store.add_action(ActionDraft(title="TARGET-ZZ"))
    app = make_app(db_path, actor="bob")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle_app(app, pilot)
        app.screen.focus_action(target.id)  # type: ignore[attr-defined]
        await settle_app(app, pilot)
        await pilot.press("e")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ActionFormModal)
        app.screen.query_one("#title", Input).value = "TARGET-ZZ v2"
        with sqlite3.connect(db_path) as conn:
            conn.execute("DELETE FROM actions WHERE id = ?", (target.id,))
        conn.close()
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        said = [str(n.message) for n in app._notifications if "is gone" in str(n.message)]
        assert said and said[0].startswith(
            f"#{target.id} is gone since you opened it (deleted outside pdca, with no change"
            " logged); your edit was not saved"
        ), said


async def test_an_edit_form_open_across_a_restore_meets_no_such_action(
    make_app, store: Store, db_path: Path
) -> None:
    saved, original = backed_up_then(
        store, db_path, ActionDraft(title="ORIGINAL-ZZ", priority="high", due=date(2026, 11, 30))
    )
    app = make_app(db_path, actor="bob")
    async with app.run_test(size=SIZE) as pilot:
        await press_on(app, pilot, original, "e")
        assert isinstance(app.screen, ActionFormModal)
        app.screen.query_one("#title", Input).value = "ORIGINAL-ZZ bob-edit"
        # carol, elsewhere: the restore under bob's board, then a new action.
        restore(db_path, saved, clock=lambda: NOW_DT, force=True, actor="carol")
        carol = open_as(db_path, "carol")
        different = carol.add_action(ActionDraft(title="DIFFERENT-ZZ payroll task"))
        carol.close()
        assert different.id > original.id
        newest = app.context.store.last_event_id()
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert not isinstance(app.screen, ActionFormModal)
        messages = [n.message for n in app._notifications]
        # who took it away and how, not "no action #N" (a tester); the board's own notice of
        # the restore may come before or after it
        said = next((m for m in messages if m.startswith(f"#{original.id} is gone")), messages)
        assert str(said).startswith(f"#{original.id} is gone since you opened it (carol ")
        assert f": restored from {saved.name}" in said and said.endswith(
            "your edit was not saved (edit of #2: title 'ORIGINAL-ZZ bob-edit')"
        )  # what it was, to be made again elsewhere (a tester)
        # and again as pdca ends, where the words can be copied: they went with the toast
        # (a hostile tester)
        from pdca.tui.app import _unsaved_lines

        assert _unsaved_lines(app) == [
            "pdca: not saved (its action was gone): edit of #2: title 'ORIGINAL-ZZ bob-edit'"
        ]
        reader = open_as(db_path, "dave")
        try:
            assert reader.last_event_id() == newest  # nothing written
            assert reader.get_action(different.id).title == "DIFFERENT-ZZ payroll task"
            try:
                reader.get_action(original.id)
            except NotFound:
                pass
            else:
                raise AssertionError(f"#{original.id} is back")
        finally:
            reader.close()


async def test_a_kept_edit_whose_action_a_restore_took_away_is_said(
    make_app, store: Store, db_path: Path
) -> None:
    """An edit kept (its conflict put off with esc), then its action taken away by carol's
    restore: it stayed "✎ 1 not saved" with nothing said of the card, and quit called it
    kept after a refused save (a retrial). Said as an open form's is, and printed at quit
    as gone."""
    from pdca.db.models import ActionChanges
    from pdca.screens.dialogs import ConflictModal
    from pdca.tui.app import _unsaved_lines
    from pdca.widgets.status_bar import StatusBar
    from tests.tui.conftest import wait_until

    saved, original = backed_up_then(
        store, db_path, ActionDraft(title="ORIGINAL-ZZ", priority="high")
    )
    app = make_app(db_path, actor="bob")
    async with app.run_test(size=SIZE) as pilot:
        await press_on(app, pilot, original, "e")
        app.screen.query_one("#title", Input).value = "bob's title"
        carol = open_as(db_path, "carol")
        carol.edit_action(original.id, ActionChanges(title="carol's title"))
        carol.close()
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert app.screen.query_one(StatusBar).kept == 1
        restore(db_path, saved, clock=lambda: NOW_DT, force=True, actor="carol")

        def said() -> list[str]:
            return [n.message for n in app._notifications if "is gone since" in n.message]

        await wait_until(pilot, said)
        assert said()[0].startswith(f"#{original.id} is gone since you opened it (carol ")
        assert said()[0].endswith('your edit was not saved (edit of #2: title "bob\'s title")')
        assert app.screen.query_one(StatusBar).kept == 0
        assert _unsaved_lines(app) == [
            'pdca: not saved (its action was gone): edit of #2: title "bob\'s title"'
        ]


async def test_an_open_detail_says_when_a_restore_took_its_action_away(
    make_app, store: Store, db_path: Path
) -> None:
    """The detail follows other people's writes; one whose action a restore took away says
    so in its title, and e and c no longer offer to edit or check in on it."""
    from pdca.screens.dialogs import ActionDetailScreen

    saved, _ = backed_up_then(store, db_path, ActionDraft(title="GONE-SOON", priority="high"))
    app = make_app(db_path, actor="bob")
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("enter")
        await settle_app(app, pilot)
        detail = app.screen
        assert isinstance(detail, ActionDetailScreen) and not detail.gone
        restore(db_path, saved, clock=lambda: NOW_DT, force=True, actor="carol")
        app.check_for_changes()
        await settle_app(app, pilot)
        assert app.screen is detail and detail.gone
        assert "(no longer in the file)" in str(detail.query_one("#detail-title").render())
        assert detail.check_action("answer", ("edit",)) is False
        await pilot.press("e")
        await settle_app(app, pilot)
        assert app.screen is detail  # no form on what is gone


async def test_an_open_kpi_detail_says_once_when_its_kpi_is_gone(
    make_app, store: Store, db_path: Path
) -> None:
    from pdca.db.models import KpiDraft
    from pdca.screens.kpi_detail import KpiDetailScreen

    saved = backups.backup(db_path, now=NOW_DT).path
    store.add_kpi(KpiDraft(name="Pages", unit="n", baseline=10, target=5))
    app = make_app(db_path, actor="bob")
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("3")
        await settle_app(app, pilot)
        await pilot.press("enter")
        await settle_app(app, pilot)
        detail = app.screen
        assert isinstance(detail, KpiDetailScreen)
        restore(db_path, saved, clock=lambda: NOW_DT, force=True, actor="carol")
        for _ in range(2):  # said once, not at every change after
            app.check_for_changes()
            await settle_app(app, pilot)
            carol = open_as(db_path, "carol")
            carol.add_action(ActionDraft(title="a change"))
            carol.close()
        assert app.screen is detail and detail.gone
        said = [n.message for n in app._notifications if "no longer in the file" in n.message]
        assert said == ["KPI 'Pages' is no longer in the file"]


async def test_a_board_says_who_restored_the_file_under_it(
    make_app, store: Store, db_path: Path
) -> None:
    """The cards changed all at once, the person's own latest gone, and nothing said why (a
    tester): the board says who restored the file, from what, and when."""
    store.add_action(ActionDraft(title="in the backup"))
    saved = backups.backup(db_path, now=NOW_DT).path
    app = make_app(db_path, actor="bob")
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("n")
        await settle_app(app, pilot)
        app.screen.query_one("#title", Input).value = "bob's, after the backup"
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        app.check_for_changes()  # bob's own write: nothing to say
        assert not [n for n in app._notifications if "restored" in n.message]
        restore(db_path, saved, clock=lambda: NOW_DT, force=True, actor="carol")
        app.check_for_changes()
        await settle_app(app, pilot)
        said = [n.message for n in app._notifications if "restored" in n.message]
        assert said == [
            f"carol restored from {saved.name} at 2026-11-23 09:00 UTC: the board shows the"
            " restored contents; what was written after that backup is not in them"
        ], said
        assert [a.title for a in app.context.store.list_actions()] == ["in the backup"]


async def test_a_checkin_form_open_across_a_restore_says_the_action_is_gone(
    make_app, store: Store, db_path: Path
) -> None:
    """A check-in typed on an action a colleague's restore took away said "no action #N",
    then "not saved: ..." in a second toast (a trial): one line says it is gone, by whose
    restore, and what was typed, said again as pdca ends."""
    from pdca.screens.dialogs.checkin import CheckinModal

    saved, original = backed_up_then(
        store, db_path, ActionDraft(title="ORIGINAL-ZZ", priority="high")
    )
    app = make_app(db_path, actor="bob")
    async with app.run_test(size=SIZE) as pilot:
        await press_on(app, pilot, original, "c")
        assert isinstance(app.screen, CheckinModal)
        app.screen.query_one("#message", Input).value = "my words"
        restore(db_path, saved, clock=lambda: NOW_DT, force=True, actor="carol")
        newest = app.context.store.last_event_id()
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert not isinstance(app.screen, CheckinModal)
        messages = [str(n.message) for n in app._notifications]
        gone = [m for m in messages if m.startswith(f"#{original.id} is gone")]
        assert len(gone) == 1, messages
        assert "(carol " in gone[0] and f": restored from {saved.name}" in gone[0]
        assert gone[0].endswith(f"not saved: check-in on #{original.id} (on-track): 'my words'")
        assert not any(m.startswith("no action") for m in messages), messages
        from pdca.tui.app import _unsaved_lines

        assert _unsaved_lines(app) == [
            f"pdca: not saved (its action was gone): check-in on #{original.id} (on-track):"
            " 'my words'"
        ]
        assert app.context.store.last_event_id() == newest  # nothing written
