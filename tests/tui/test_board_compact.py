"""Compact cards: ``z`` draws each card in two lines, so 80x24 shows more than four a column,
and the choice is remembered in the person's settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.db.seed import seed_database
from pdca.db.store import Store
from pdca.tui.settings import settings_path
from tests.tui.conftest import settle_app
from tests.tui.test_board import board

SMALL = (80, 24)


def cards_on_screen(app, phase: str) -> int:  # type: ignore[no-untyped-def]
    """Card titles drawn in the column's visible rows (a title line starts with its id)."""
    column = board(app).columns[phase]
    rows = column.scrollable_content_region.height
    return sum(column.render_line(y).text[1:].startswith("#") for y in range(rows))


async def test_z_toggles_compact_cards_and_remembers_it(
    make_app, store: Store, db_path: Path, env: dict[str, str]
) -> None:
    seed_database(store, size="small", seed=1)
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle_app(app, pilot)
        assert board(app).compact is False
        assert cards_on_screen(app, "plan") <= 5  # four whole cards and a cut one
        await pilot.press("z")
        await settle_app(app, pilot)
        assert board(app).compact is True
        assert cards_on_screen(app, "plan") >= 7
        line = board(app).columns["plan"].render_line(1).text
        assert line[1] in "●▲■○"  # the second line: check-in mark, owner, due
    assert "compact_cards = true" in settings_path(env).read_text()

    again = make_app(db_path)
    async with again.run_test(size=SMALL) as pilot:
        await settle_app(again, pilot)
        assert board(again).compact is True
        assert cards_on_screen(again, "plan") >= 7
        await pilot.press("z")
        await settle_app(again, pilot)
        assert cards_on_screen(again, "plan") <= 5  # four whole cards and a cut one
    assert "compact_cards = false" in settings_path(env).read_text()


async def test_compact_is_in_the_palette(make_app, store: Store, db_path: Path) -> None:
    seed_database(store, size="small", seed=1)
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle_app(app, pilot)
        commands = {entry.title: entry.callback for entry in board(app).palette_commands()}
        commands["Compact cards"]()
        await settle_app(app, pilot)
        assert board(app).compact is True
        assert cards_on_screen(app, "plan") >= 7


async def test_z_with_a_settings_file_pdca_could_not_use_leaves_the_file_and_says_so(
    make_app, store: Store, db_path: Path, env: dict[str, str]
) -> None:
    seed_database(store, size="small", seed=1)
    path = settings_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 'theme = "textual-light"\ncompact_cards = 2\n'
    path.write_text(written, encoding="utf-8")
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle_app(app, pilot)
        await pilot.press("z")
        await settle_app(app, pilot)
        assert board(app).compact is True  # it works for this run
        shown = [str(n.message) for n in app._notifications]
        assert any(m.startswith("not remembered:") for m in shown), shown
    assert path.read_text(encoding="utf-8") == written


async def test_z_where_settings_cannot_be_written_says_it_will_not_be_remembered(
    make_app, store: Store, db_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A config folder pdca may not write: z worked, and was gone at the next start without
    a word (a tester). Said once, however often it is pressed."""
    import os

    from pdca.tui import settings

    seed_database(store, size="small", seed=1)
    blocked = settings_path(env).parent
    # root may write anywhere: the file's write fails another way (its temporary a folder)
    monkeypatch.setattr(settings.secrets, "token_hex", lambda _n: "held")
    (blocked / f".settings.toml.{os.getpid()}.held.tmp").mkdir(parents=True)
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle_app(app, pilot)
        await pilot.press("z", "z", "z")
        await settle_app(app, pilot)
        assert board(app).compact is True  # it works for this run
        said = [str(n.message) for n in app._notifications if "not remembered" in str(n.message)]
        assert len(said) == 1 and said[0].startswith(f"not remembered after you quit: {blocked}")


async def test_leaving_compact_keeps_the_cursors_card_on_screen(
    make_app, store: Store, db_path: Path
) -> None:
    """Twelve compact cards fitted the column; G, then z: the full cards did not, and the
    last one, under the cursor, stayed below the edge with no card marked (a retrial)."""
    from pdca.db.models import ActionDraft

    for n in range(12):
        store.add_action(ActionDraft(title=f"card {n}", owner="bob"))
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("z")
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        assert plan.max_scroll_y == 0  # all twelve fit, compact
        await pilot.press("G")
        await settle_app(app, pilot)
        assert plan.cursor == 11
        await pilot.press("z")
        await settle_app(app, pilot)
        assert plan.row_shown(plan.cursor), (plan.scroll_y, plan.cursor)


async def test_a_stale_compact_card_says_so_without_colour(
    make_app, store: Store, db_path: Path
) -> None:
    """Compact, a stale card's mark was only amber: a colour-blind lead saw it as fresh (a
    trial). ``⌛`` stands beside the mark, as on a full card."""
    from pdca.db.models import ActionDraft, CheckinDraft

    stale = store.add_action(ActionDraft(title="Old news", owner="bob"))
    store.conn.execute(
        "UPDATE actions SET created_at = '2026-10-01T09:00:00Z' WHERE id = ?", (stale.id,)
    )
    fresh = store.add_action(ActionDraft(title="Fresh", owner="bob"))
    store.add_checkin(fresh.id, CheckinDraft(message="today"))
    app = make_app(db_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle_app(app, pilot)
        await pilot.press("z")
        await settle_app(app, pilot)
        plan = board(app).columns["plan"]
        lines = {plan.render_line(n * plan.card_height).text.strip(): n for n in range(2)}
        second = {
            title: plan.render_line(n * plan.card_height + 1).text for title, n in lines.items()
        }
        [old] = [line for title, line in second.items() if "Old news" in title]
        [new] = [line for title, line in second.items() if "Fresh" in title]
        assert "⌛" in old and "⌛" not in new
