"""The person's own keys: a [keys] table in settings.toml remaps pdca's bindings; the
footer, the palette and the keys themselves follow; a bad entry is named and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Footer

from pdca.tui.settings import settings_path
from tests.conftest import NOW_DT
from tests.tui.conftest import SIZE, settle_app

KEYS = """theme = "nord"

[keys]
view-kpis = "f3"
view-bord = "b"
view-log = "ctrl+bogus"
"""

# Tall enough for the board's keys in one list (at 120x40 they take two since L)
TALL = (120, 50)


def write_settings(env: dict[str, str], text: str) -> Path:
    file = settings_path(env)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)
    return file


async def test_a_remapped_key_switches_view_and_the_old_one_no_longer_does(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    write_settings(env, KEYS)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"  # the table did not cost the other settings
        await pilot.press("3")
        await pilot.pause()
        assert app.current_mode == "board"
        await pilot.press("f3")
        await pilot.pause()
        assert app.current_mode == "kpis"
        await pilot.press("4")  # view-log's bad entry was skipped: its own key still works
        await pilot.pause()
        assert app.current_mode == "log"
        messages = [str(n.message) for n in app._notifications]
        assert any("'view-bord': no such key binding id" in m for m in messages), messages
        assert any("'ctrl+bogus' is not a key" in m for m in messages), messages
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Show KPIs"].endswith("(f3)")
        assert helps["Show log"].endswith("(4)")
        footer = app.screen.query_one(Footer)
        shown = {item.key_display for item in footer.query("FooterKey")}  # type: ignore[attr-defined]
        assert "f3" in shown and "3" not in shown


async def test_theme_changes_keep_the_keys_table_and_comments(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    file = write_settings(env, "# mine\n" + KEYS)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "gruvbox"
        await pilot.pause()
    text = file.read_text()
    assert text.startswith("# mine\n") and 'theme = "gruvbox"' in text
    assert 'view-kpis = "f3"' in text and "[keys]" in text


@pytest.mark.parametrize("view", ["1", "2", "3", "4", "5"])
async def test_at_80x24_every_view_footer_shows_keys_help_and_palette(
    make_app, board_db: Path, view: str
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(view)
        for _ in range(3):
            await pilot.pause()
        keys = {key.action: key for key in app.screen.query("FooterKey")}
        width = app.size.width
        for action in ("toggle_keys", "command_palette"):
            region = keys[action].region
            assert region.width > 0 and region.right <= width, (action, region)


async def test_arrows_move_between_columns_on_a_fresh_board_and_after_help(
    make_app, board_db: Path
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "column-plan"
        await pilot.press("right")
        await pilot.pause()
        assert app.focused.id == "column-do"
        await pilot.press("question_mark", "question_mark", "right")
        await pilot.pause()
        assert app.focused.id == "column-check"
        await pilot.press("left", "left")
        await pilot.pause()
        assert app.focused.id == "column-plan"


async def test_keys_help_lists_this_views_keys_then_everywhere_and_not_textuals(
    make_app, board_db: Path
) -> None:
    from pdca.screens.keys_help import PdcaBindingsTable

    app = make_app(board_db)
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one(PdcaBindingsTable).render_bindings_table()
        keys = [str(cell) for cell in table.columns[0]._cells]
        words = [str(cell) for cell in table.columns[1]._cells]
        assert words.index("here") < words.index("Next phase") < words.index("everywhere")
        views = "views: Board, Owners, KPIs, Log, Stand-up, Flow, Initiatives"
        assert words.index("everywhere") < words.index(views) and "palette" in words
        assert keys[words.index(views)] == "1 2 3 4 5 6 7"  # one row: the panel fits more
        assert not {"Focus Next", "Copy selected text", "Scroll Left"} & set(words)
        # the arrow is the board's, not a scroll; tab moved between columns and neither ?
        # nor the README said so (a power user)
        assert keys[words.index("Left")] == "← h shift+tab"
        assert keys[words.index("Right")] == "→ l tab"


async def test_a_broken_settings_file_is_named_and_never_rewritten(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    broken = "# mine\n[keys]\nview-kpis = f3\n"
    file = write_settings(env, broken)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("not TOML" in m and "using the defaults" in m for m in messages), messages
        app.theme = "gruvbox"
        await pilot.pause()
    assert file.read_text() == broken


async def test_the_kpi_detail_footer_keeps_keys_help_at_80x24(make_app, board_db: Path) -> None:
    from pdca.db.models import KpiDraft
    from pdca.db.store import Store

    store = Store.open(board_db, actor="alice", clock=lambda: NOW_DT)
    store.add_kpi(KpiDraft(name="Lead time", unit="h", baseline=9, target=5))
    store.close()
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle_app(app, pilot)  # keys sent during the switch can land nowhere
        await pilot.press("enter")
        await settle_app(app, pilot)
        keys = {key.action: key for key in app.screen.query("FooterKey")}
        assert type(app.screen).__name__ == "KpiDetailScreen"
        assert keys["toggle_keys"].region.right <= 80


@pytest.mark.parametrize("view", ["2", "4", "5"])
async def test_every_view_header_flags_the_alerts_waiting_for_me(
    make_app, board_db: Path, view: str
) -> None:
    from pdca.db.models import KpiDraft, ReadingDraft
    from pdca.db.store import Store
    from pdca.widgets.status_bar import StatusBar

    store = Store.open(board_db, actor="alice", clock=lambda: NOW_DT)
    store.add_kpi(
        KpiDraft(
            name="Lead", unit="h", baseline=9, target=5, alert=20, owner="alice", direction="down"
        )
    )
    store.record_reading(ReadingDraft(kpi="Lead", value=30))
    store.close()
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)  # the app's first round (and its header refresh) is over
        await pilot.press(view)
        await settle_app(app, pilot)
        assert app.screen.query_one(StatusBar).alerts == 1


PALETTE_KEYS = """[keys]
board-new = "f2"
app-my-alerts = "ctrl+y,f4"
standup-previous = "b"
"""


async def test_the_palette_shows_remapped_keys_by_binding_id(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """Each palette entry names its binding: a remapped key shows for a screen's command and
    the app's, from the keymap (not from text in the help); the others keep their own."""
    write_settings(env, PALETTE_KEYS)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not [n.message for n in app._notifications]  # every entry was accepted
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["New action"] == "Add an action to Plan (f2)"  # the board's
        assert (
            helps["My alerts: acknowledge what waits for me"]
            == "The alerts waiting for you, to acknowledge (^y)"
        )
        assert helps["Edit action"] == "Edit the focused action (e)"  # not remapped
        # found by "assign" too (a retrial found nothing)
        assert helps["Assign: give it to someone"] == (
            "Reassign the focused action: its owner, in its form (a)"
        )
        assert helps["Next phase: move on"].endswith("(>)")  # the first of its own keys
        assert helps["Show KPIs"].endswith("(3)")
        assert helps["Stop repeating"].endswith("(pdca recur stop)")  # no key: as written
        await pilot.press("5")
        await settle_app(app, pilot)
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Stand-up: previous person"] == "Only the previous person's items (b)"
        assert helps["Stand-up: next person"] == "Only their items (n)"


async def test_every_palette_entry_names_a_binding_live_on_its_view(
    make_app, board_db: Path
) -> None:
    """A binding id no binding of the view has would show no key, silently: none does."""
    from pdca.screens.context import PaletteProvider
    from pdca.tui.keymap import class_bindings, key_for

    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        seen = set()
        for view in "1234567":
            await pilot.press(view)
            await settle_app(app, pilot)
            screen = app.screen
            assert isinstance(screen, PaletteProvider), type(screen).__name__
            seen.add(type(screen).__name__)
            bindings = [*class_bindings(type(screen)), *class_bindings(type(app))]
            entries = [*screen.palette_commands(), *app._palette_entries(screen)]
            named = [entry for entry in entries if entry.binding_id is not None]
            assert len(named) >= 8, view  # the app's views at least
            for entry in named:
                assert key_for(entry.binding_id, bindings, {}) is not None, entry
        assert len(seen) == 7


@pytest.mark.parametrize("view", ["1", "5"])
async def test_at_80x24_the_keys_panel_shows_every_key_in_two_lists(
    make_app, board_db: Path, view: str
) -> None:
    """The board's keys need 37 rows; 80x24 has 22. The panel cannot be scrolled from the
    keyboard, so what fell below its edge could not be read (a tester). The stand-up's are
    fewer, but their long names wrap (a second tester)."""
    from pdca.screens.keys_help import PdcaBindingsTable, PdcaHelpPanel

    def described(table) -> set[str]:
        cells = [str(cell) for column in table.columns[1::2] for cell in column._cells]
        return {cell for cell in cells if cell}

    app = make_app(board_db)
    async with app.run_test(size=TALL) as pilot:
        await pilot.press(view)
        await settle_app(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        tall = app.screen.query_one(PdcaBindingsTable)
        everything = described(tall.render_bindings_table())
        assert len(tall.render_bindings_table().columns) == 2  # one list where it fits
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(view)
        await settle_app(app, pilot)
        await pilot.press("question_mark")
        await settle_app(app, pilot)
        panel = app.screen.query_one(PdcaHelpPanel)
        short = app.screen.query_one(PdcaBindingsTable)
        table = short.render_bindings_table()
        assert len(table.columns) == 4 and panel.has_class("-two")
        assert described(table) == everything and "Quit" in everything
        assert short.outer_size.height <= panel.content_region.height  # nothing below the edge
        assert short.outer_size.width <= panel.content_region.width


async def test_the_palette_offers_no_maximize_on_the_board(make_app, board_db: Path) -> None:
    """A maximized column hid the others while h and l still moved focus into them, and >
    moved a card nobody could see (a tester): the board's columns are not maximized."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        assert app.screen.focused is not None  # a column has focus
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Maximize" not in titles and "Keys" in titles
        # Nor on a view: on the KPIs it hid the header, Textual's and none of pdca's (a
        # power user)
        await pilot.press("3")
        await settle_app(app, pilot)
        assert type(app.screen).__name__ == "KpisScreen" and app.screen.focused is not None
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Maximize" not in titles and "Keys" in titles


async def test_hints_name_the_persons_own_keys(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """With done ones on b and clearing on backspace, the filter bar still said "esc
    clears" and "D hides them", and the stand-up "(n: one at a time)": keys that did
    nothing then (a new user)."""
    write_settings(
        env,
        '[keys]\nboard-toggle-done = "b"\nboard-clear = "backspace"\nstandup-next = "N"\n',
    )
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("b", "slash", *"Ready", "enter")
        await settle_app(app, pilot)
        bar = str(app.screen.query_one("#filter-bar").render())
        assert "⌫ clears" in bar and "b hides them" in bar, bar  # as the footer shows it
        assert "esc clears" not in bar and "D hides" not in bar
        await pilot.press("5")
        await settle_app(app, pilot)
        header = str(app.screen.query_one("#standup-header").render())
        assert "(N: one at a time)" in header, header


async def test_a_key_moved_away_says_where_it_went(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """After late-only went to f5 and the KPIs to f3, L and 3 did nothing without a word (a
    new lead pressed L again and again); a key nothing was moved off says nothing."""
    write_settings(env, '[keys]\nboard-filter-late = "f5"\nview-kpis = "f3"\n')
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        app.clear_notifications()
        await pilot.press("L")
        await settle_app(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert messages == ["L: your own keys put Late only on f5"], messages
        assert not app.screen.filter.late  # type: ignore[attr-defined]
        await pilot.press("3")
        await settle_app(app, pilot)
        assert app.current_mode == "board"
        messages = [str(n.message) for n in app._notifications]
        assert messages[-1] == "3: your own keys put KPIs on f3", messages
        app.clear_notifications()
        await pilot.press("j", "f5")  # keys of their own say nothing
        await settle_app(app, pilot)
        assert app.screen.filter.late  # type: ignore[attr-defined]
        assert not app._notifications


async def test_an_empty_plan_names_the_persons_own_key_for_a_new_action(
    make_app, db_path: Path, env: dict[str, str]
) -> None:
    """It said "n adds one" with New on f2, and n answered that f2 was New (a retrial)."""
    from pdca.widgets.phase_column import PhaseColumn

    write_settings(env, PALETTE_KEYS)
    app = make_app(db_path)  # a new file: an empty Plan
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        plan = app.screen.query_one("#column-plan", PhaseColumn)
        assert plan.render_line(1).text.startswith(" no actions: f2 adds one")


async def test_a_name_that_is_no_setting_is_said_at_start(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """ "them = ..." or "compact-cards = ..." was left unused without a word (a trial)."""
    write_settings(env, 'them = "nord"\ncompact-cards = true\n')
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any(
            "settings: 'them' is no setting (theme, compact_cards, a [keys] table); ignored\n"
            "settings: 'compact-cards' is no setting" in m
            for m in messages
        ), messages


async def test_z_with_no_home_to_keep_it_in_says_it_is_not_remembered(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """HOME=/nonexistent (a service account's): z went unremembered without a word, where a
    read-only folder said so (a trial)."""
    env.pop("XDG_CONFIG_HOME", None)
    env["HOME"] = "/nonexistent"
    app = make_app(board_db)
    assert app.settings_file is None
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert (
            said.count(
                "not remembered after you quit: no home folder to keep settings in (set HOME or"
                " XDG_CONFIG_HOME)"
            )
            == 1
        ), said


async def test_many_bad_entries_are_said_in_a_few_lines(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """300 bad entries: a notice of 300 lines over half the board for ten minutes (a trial)."""
    write_settings(env, "[keys]\n" + "".join(f'nope-{n} = "x"\n' for n in range(300)))
    app = make_app(board_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        [note] = [n for n in app._notifications if "settings:" in str(n.message)]
        lines = str(note.message).splitlines()
        # the rest named, if not said (a keyboard trial's hidden board-new = "q")
        rest = ", ".join(f"[keys] 'nope-{n}'" for n in range(8, 16))
        assert len(lines) == 9 and lines[-1] == f"settings: and 292 more like them: {rest}, …"
        assert note.timeout == 12 + 2 * 9


async def test_the_check_in_forms_hint_names_the_persons_status_keys(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """checkin-at-risk = "a": the form still said "2 at risk", and a 2 pressed for it saved
    the check-in on track (a retrial)."""
    from textual.widgets import Label

    write_settings(env, '[keys]\ncheckin-at-risk = "a"\n')
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        hints = [str(label.render()) for label in app.screen.query(Label)]
        assert "tab to the status, then 1 on track · a at risk · 3 blocked" in hints, hints


async def test_undos_question_names_the_persons_own_undo_key(
    make_app, board_db: Path, env: dict[str, str]
) -> None:
    """With undo moved to U, pressing U on a change from before the board opened asked "u
    again to undo", and u did nothing (a keymap trial): the question names U."""
    write_settings(env, '[keys]\nboard-undo = "U"\n')
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        await pilot.press("U")  # the fixture's last change came before this board opened
        await settle_app(app, pilot)
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("U again to undo “") for m in said), said
        assert not any(m.startswith("u again") for m in said), said


async def test_a_kept_check_in_names_the_persons_own_check_in_key(
    make_app, board_db: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With check-in moved to C, the board's kept check-in said "press c on it", and c then
    only said check-in had moved (a review)."""
    from tests.tui.test_board import focused
    from tests.tui.test_board_flows import check_ins_busy, set_field

    write_settings(env, '[keys]\nboard-checkin = "C"\n')
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(app, pilot)
        card = focused(app)[1]
        check_ins_busy(monkeypatch)
        await pilot.press("C")
        await settle_app(app, pilot)
        set_field(app, "message", "rota live")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        said = [str(n.message) for n in app._notifications]
        assert f"your check-in on #{card} is kept: press C on it to send it again" in said, said
