"""Emoji sequences, zero-width characters and wide text never move a column border.

Rich counts a grapheme's cells (a ZWJ family is 2), a terminal such as tmux counts each code
point (the same family is 8): when the two differ the line is drawn at another width than
Textual padded it to, and every border right of the text moves. The checks read what the
screen sends to the terminal, line by line, and measure it both ways.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.cells import cell_len, get_character_cell_size

from pdca.db.models import ActionDraft, CheckinDraft, InitiativeDraft, KpiDraft, ReadingDraft
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.log import LogScreen
from tests.tui.conftest import SIZE, settle_app

BORDER = "▕"
TITLES = [
    "family 👨\u200d👩\u200d👧\u200d👦 x",
    "thumb 👍\U0001f3fd y",
    "heart ❤\ufe0f ❤\ufe0e z",
    "zw a\u200bb\u200cc\u200dd\u2060e\ufefff",
    "flags 🇫🇷 🇩 w",
    "england 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "keycap 1\ufe0f\u20e3 v",
    "comb e\u0301\u0303 u",
    "cjk 中文字 t",
    "\u200d👍 lead joiner",
    "bidi \u202eabc\u202c s",
    "jamo \u1100\u1161\u11a8 r",
    "persian می\u200cخواهم q",
]
PHASES = ["plan", "do", "check", "act"]


def per_code_point(text: str) -> int:
    return sum(get_character_cell_size(char) for char in text)


def screen_lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Each line as the terminal receives it."""
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


def offsets(line: str, mark: str, measure) -> list[int]:  # type: ignore[no-untyped-def]
    return [measure(line[:index]) for index, char in enumerate(line) if char == mark]


def wide_db(store: Store, db_path: Path) -> Path:
    """Every title above, spread over the four phases, with hostile initiative and KPI too:
    names a new one may no longer hold (a joiner, a skin tone, a presentation selector), as
    a file from before that rule holds them."""
    store.add_initiative(InitiativeDraft(name="init"))
    store.add_kpi(KpiDraft(name="kpi", unit="h", baseline=1, target=2))
    with store.conn:
        store.conn.execute("UPDATE initiatives SET name = 'init 👩\u200d💻 \U0001f3fb'")
        store.conn.execute("UPDATE kpis SET name = 'kpi ❤\ufe0f 中'")
    store.record_reading(ReadingDraft(kpi="kpi ❤\ufe0f 中", value=1.5, note="n"))
    due = date(2026, 11, 30)
    for index, title in enumerate(TITLES):
        phase = PHASES[index % 4]
        draft = ActionDraft(
            title=title, owner="bob", due=due, initiative="init 👩\u200d💻 \U0001f3fb"
        )
        action = store.add_action(draft.model_copy(update={"kpi": "kpi ❤\ufe0f 中"}))
        store.add_checkin(action.id, CheckinDraft(message=title))
        if phase in ("do", "check", "act"):
            store.move_action(action.id, "do")
            store.add_checkin(action.id, CheckinDraft(message="progress"))
        if phase in ("check", "act"):
            store.move_action(action.id, "check")
        if phase == "act":
            store.move_action(action.id, "act", verdict="worked")
    return db_path


async def test_board_borders_stay_in_line_with_wide_and_joined_text(
    make_app, store: Store, db_path: Path
) -> None:
    app = make_app(wide_db(store, db_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        lines = [line for line in screen_lines(app) if BORDER in line]
        assert len(lines) > 20  # the header row and every card line
        assert any("👨👩👧" in line for line in lines)  # the cards really are drawn
        for measure in (per_code_point, cell_len):
            expected = offsets(lines[0], BORDER, measure)
            assert len(expected) == 4
            for line in lines:
                assert offsets(line, BORDER, measure) == expected, line


async def test_log_columns_stay_in_line_with_wide_and_joined_text(
    make_app, store: Store, db_path: Path
) -> None:
    app = make_app(wide_db(store, db_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle_app(app, pilot)
        assert isinstance(app.screen, LogScreen)
        rows = [line for line in screen_lines(app) if " alice " in line and "#" in line]
        assert len(rows) >= len(TITLES)
        for measure in (per_code_point, cell_len):
            authors = {measure(row[: row.index(" alice ")]) for row in rows}
            assert len(authors) == 1, rows
            assert {measure(row) for row in rows} == {SIZE[0]}
