"""The [keys] table's rules: which ids and keys are accepted, and how settings are saved."""

from __future__ import annotations

import contextlib
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdca.tui.app import PdcaApp
from pdca.tui.keymap import binding_scopes, check_keymap, known_binding_ids, known_key
from pdca.tui.settings import with_top_level

IDS = known_binding_ids(PdcaApp)
SCOPES = binding_scopes(PdcaApp)


def test_every_view_and_board_key_has_an_id_that_can_be_remapped() -> None:
    assert {"view-board", "view-kpis", "app-quit", "board-next", "card-down"} <= IDS


@pytest.mark.parametrize("key", ["j", "?", "F", "ctrl+k", "f5", "question_mark", "shift+tab"])
def test_keys_a_terminal_sends_are_accepted(key: str) -> None:
    assert known_key(key)


@pytest.mark.parametrize("key", ["", "ctrl+", "hyperspace", "ctrl+bogus", "cmd+k", " ", "\t"])
def test_keys_no_terminal_sends_are_refused(key: str) -> None:
    assert not known_key(key)


def test_good_entries_are_kept_in_textual_form_and_bad_ones_named() -> None:
    checked = check_keymap(
        {"view-board": "b, F2", "nope": "x", "view-kpis": "", "view-log": 3, "app-quit": "f10"},
        SCOPES,
    )
    assert checked.keymap == {"view-board": "b,f2", "app-quit": "f10"}
    assert [p.split(":")[0] for p in checked.problems] == [
        "[keys] 'nope'",
        "[keys] 'view-kpis'",
        "[keys] 'view-log'",
    ]


def test_an_empty_key_is_named_as_empty() -> None:
    """``""`` was told to "give the keys as text", which it was, and ``",,,"`` that ``''`` is
    not a key a terminal sends (a tester)."""
    checked = check_keymap({"view-board": "", "view-kpis": ",,,", "view-log": "b,,f2"}, SCOPES)
    assert checked.keymap == {}
    assert checked.problems == [
        '[keys] \'view-board\': names no key; give one, e.g. "ctrl+b" or "b,f2"; ignored',
        '[keys] \'view-kpis\': names no key; give one, e.g. "ctrl+b" or "b,f2"; ignored',
        "[keys] 'view-log': an empty key between commas in 'b,,f2'; ignored",
    ]


def test_a_key_a_terminal_sends_as_another_is_named_and_left_out() -> None:
    """view-owners = "ctrl+m" was taken, listed by ?, and never fired: terminals send it as
    enter, which opened the focused card (a tester)."""
    checked = check_keymap(
        {"view-owners": "ctrl+m", "view-kpis": "Ctrl+I", "view-log": "f2,ctrl+h"}, SCOPES
    )
    assert checked.keymap == {"view-log": "f2"}  # the others of an entry stay
    assert checked.problems == [
        "[keys] 'view-owners': 'ctrl+m' reaches pdca as enter in most terminals (they send the"
        " two alike); left out",
        "[keys] 'view-kpis': 'ctrl+i' reaches pdca as tab in most terminals (they send the two"
        " alike); left out",
        "[keys] 'view-log': 'ctrl+h' reaches pdca as backspace in most terminals (they send the"
        " two alike); left out",
    ]


def test_a_keys_value_that_is_not_a_table_is_one_problem() -> None:
    checked = check_keymap("b", SCOPES)
    assert checked.keymap == {} and len(checked.problems) == 1


@given(st.text(max_size=30))
def test_saving_the_theme_leaves_readable_toml_with_that_theme_or_nothing(text: str) -> None:
    saved = with_top_level(text, "theme", "nord")
    if saved is not None:
        assert tomllib.loads(saved)["theme"] == "nord"
    else:  # only a file that was not TOML (or had a theme table) is left alone
        with contextlib.suppress(tomllib.TOMLDecodeError):
            assert not isinstance(tomllib.loads(text).get("theme"), str | None)


def test_saving_the_theme_replaces_its_line_and_keeps_the_rest() -> None:
    text = '# me\ntheme = "x"\n\n[keys]\nview-board = "b"\n'
    assert with_top_level(text, "theme", "nord") == text.replace('"x"', '"nord"')
    assert with_top_level("[keys]\na = 'b'\n", "theme", "t").startswith('theme = "t"\n[keys]')


def test_saving_a_new_theme_keeps_the_comment_after_its_value() -> None:
    text = '# mine\ntheme = "x"   # nice, and # this too\ncompact_cards = false # roomy\n'
    saved = with_top_level(text, "theme", "nord")
    assert saved == text.replace('"x"', '"nord"')
    hashed = 'theme = "a#b" # why\n'  # a # in the value is no comment
    assert with_top_level(hashed, "theme", "c") == 'theme = "c" # why\n'


def test_a_quit_with_the_settings_as_the_file_says_leaves_the_file_alone(tmp_path) -> None:
    from pdca.tui.settings import load_settings, save_settings

    path = tmp_path / "settings.toml"
    text = 'theme = "nord"   # nice\r\ncompact_cards = false # roomy'  # CRLF, no last newline
    path.write_bytes(text.encode())
    before = path.stat().st_mtime_ns
    save_settings(path, load_settings(path))
    assert path.read_bytes() == text.encode() and path.stat().st_mtime_ns == before


def test_the_readme_lists_every_binding_id_a_person_can_remap() -> None:
    from tests.conftest import REPO

    section = (REPO / "README.md").read_text().split("### Your own keys", 1)[1].split("\n## ")[0]
    missing = [binding_id for binding_id in sorted(IDS) if f"`{binding_id}`" not in section]
    assert not missing, f"README's 'Your own keys' does not list {missing}"


def test_a_key_another_binding_answers_to_where_both_live_is_refused() -> None:
    checked = check_keymap(
        {"board-right": "x", "board-new": "x", "view-owners": "q", "view-kpis": "F3"}, SCOPES
    )
    assert checked.keymap == {"board-right": "x", "view-kpis": "f3"}
    assert "[keys] 'board-new': 'x' already does 'board-right' there; ignored" in checked.problems
    assert "[keys] 'view-owners': 'q' already does 'app-quit' there; ignored" in checked.problems


def test_two_keys_swapped_are_each_free_for_the_other() -> None:
    """late-only on 3 and the KPIs on L were each refused for the other's old key (a
    retrial); of two entries wanting one key the later still loses, and an entry's key taken
    by what another's refusal leaves behind is refused too."""
    swapped = check_keymap({"board-filter-late": "3", "view-kpis": "L"}, SCOPES)
    assert swapped.keymap == {"board-filter-late": "3", "view-kpis": "L"}
    assert swapped.problems == []
    both = check_keymap({"board-new": "f5", "board-edit": "f5"}, SCOPES)
    assert both.keymap == {"board-new": "f5"}
    assert both.problems == ["[keys] 'board-edit': 'f5' already does 'board-new' there; ignored"]
    # one key of several taken: the others stay (both entries went, a retrial)
    partly = check_keymap({"board-filter-late": "3", "view-kpis": "L,3"}, SCOPES)
    assert partly.keymap == {"board-filter-late": "3", "view-kpis": "L"}
    assert partly.problems == [
        "[keys] 'view-kpis': '3' already does 'board-filter-late' there; left out"
    ]
    # the KPIs cannot have l (the board's right): they keep 3, which late-only cannot have
    chain = check_keymap({"board-filter-late": "3", "view-kpis": "l"}, SCOPES)
    assert chain.keymap == {}
    assert chain.problems == [
        "[keys] 'view-kpis': 'l' already does 'board-right' there; ignored",
        "[keys] 'board-filter-late': '3' already does 'view-kpis' there; ignored",
    ]


def test_a_key_the_focused_list_answers_to_first_is_refused_for_its_screen() -> None:
    """board-new = "g" was taken without a word, and the column's g (first card) answered:
    no key made a new action any more (a tester). The same for the log's list."""
    checked = check_keymap({"board-new": "g", "log-followup": "G", "kpis-ack": "j"}, SCOPES)
    assert checked.keymap == {}
    assert checked.problems == [
        "[keys] 'board-new': 'g' already does 'card-first' there; ignored",
        "[keys] 'log-followup': 'G' already does 'rows-last' there; ignored",
        "[keys] 'kpis-ack': 'j' already does 'kpi-down' there; ignored",
    ]
    # a list's key is no clash where that list is not: the KPI detail's own j and k
    assert check_keymap({"kpi-detail-ack": "g"}, SCOPES).problems == []
    # in a dialog that holds a list too (the alerts waiting for me, !)
    assert check_keymap({"my-alerts-ack": "j"}, SCOPES).problems == [
        "[keys] 'my-alerts-ack': 'j' already does 'kpi-down' there; ignored"
    ]


def test_a_bindings_own_keys_and_keys_of_the_same_action_are_no_clash() -> None:
    """``down`` is card-down's own (it replaced the scroll view's it inherits, as Textual
    merges bindings); Textual's own ctrl+q quits, as app-quit does. A tester had both refused."""
    checked = check_keymap({"card-down": "j,down,ctrl+j", "app-quit": "q,ctrl+q"}, SCOPES)
    assert checked.problems == []
    assert checked.keymap == {"card-down": "j,down,ctrl+j", "app-quit": "q,ctrl+q"}


def test_a_dialogs_keys_never_meet_the_apps() -> None:
    """The check-in dialog's "1" (on track) is live only in the dialog, where the app's keys
    are not (Textual's modal chain): keeping "1" for the board is no clash."""
    checked = check_keymap({"view-board": "1,f9"}, SCOPES)
    assert (checked.problems, checked.keymap) == ([], {"view-board": "1,f9"})


def test_swapping_two_keys_is_not_a_clash_once_both_moved() -> None:
    checked = check_keymap({"card-up": "w", "card-down": "s", "board-left": "x"}, SCOPES)
    assert checked.problems == [] and set(checked.keymap) == {"card-up", "card-down", "board-left"}


def test_the_key_for_a_binding_id_follows_the_keymap() -> None:
    from textual.binding import Binding

    from pdca.tui.keymap import key_for

    bindings = [
        Binding("greater_than_sign,shift+right", "move_next", "Next phase", id="board-next"),
        Binding("n", "new_action", "New", id="board-new", key_display="N!"),
    ]
    assert key_for("board-next", bindings, {}).key == "greater_than_sign"  # its first key
    assert key_for("board-new", bindings, {}).key_display == "N!"  # its own display
    remapped = key_for("board-new", bindings, {"board-new": "f2,ctrl+n"})
    assert (remapped.key, remapped.key_display) == ("f2", None)  # the person's first key
    assert key_for("board-gone", bindings, {"board-gone": "x"}) is None


def test_keys_that_arrive_as_another_or_not_at_all_are_left_out_and_said() -> None:
    """shift+d, ctrl+space, alt+x, meta+k were taken, shown in ? and the palette, and never
    fired: terminals send D, ctrl+@, esc then x, nothing (a new user)."""
    checked = check_keymap(
        {
            "view-owners": "shift+d",
            "view-kpis": "ctrl+space",
            "view-log": "alt+x",
            "view-standup": "meta+k,f4",
            "view-flow": "ctrl+shift+x",
            "view-initiatives": "banana",
            "view-board": "shift+f3",  # shift with a key of its own: kept
        },
        SCOPES,
    )
    assert checked.keymap == {"view-standup": "f4", "view-board": "shift+f3"}
    said = "\n".join(checked.problems)
    assert "'shift+d' arrives as 'D': give that; left out" in said
    assert "'ctrl+space' is not sent as itself by most terminals; left out" in said
    assert "'alt+x' reaches pdca as esc, then the key" in said
    assert "'meta+k' is not sent by terminals; left out" in said
    assert "'ctrl+shift+x' arrives as 'ctrl+x' in most terminals" in said
    assert "'banana' names a symbol, not a key on a keyboard" in said


def test_a_key_on_the_palettes_ctrl_p_is_named_and_left_out() -> None:
    """Textual binds ctrl+p to the palette as the app starts, in no BINDINGS: card-up on
    "k,ctrl+p" was dropped without a word, and ctrl+p still opened the palette (a power user)."""
    checked = check_keymap({"card-up": "k,ctrl+p"}, SCOPES)
    assert checked.problems == ["[keys] 'card-up': 'ctrl+p' already does 'palette' there; left out"]
    assert checked.keymap == {"card-up": "k"}


def test_a_forms_save_or_cancel_on_a_character_key_is_left_out() -> None:
    """action-form-save = "s", dialog-cancel = "x": s and x went into the title, and no key
    saved or left the form (a trial); dialog-cancel = "backspace" deleted a letter (a
    retrial). Named as written and left out; a ctrl key or an F key is kept, and the
    check-in's digits may still be moved to other characters (its status row)."""
    checked = check_keymap(
        {
            "action-form-save": "s,ctrl+o",
            "dialog-cancel": "backspace",
            "checkin-save": "?",
            "reading-save": "f4",
            "checkin-at-risk": "a",
            "followup-save": "ctrl+k",
            "pick-down": "j,ctrl+n",  # a picker's narrowing field types the j (a reviewer)
            "ack-save": "shift+space",  # arrives as a space (a reviewer)
        },
        SCOPES,
    )
    assert checked.keymap == {
        "action-form-save": "ctrl+o",
        "reading-save": "f4",
        "checkin-at-risk": "a",
        "pick-down": "ctrl+n",
    }
    taken = "is taken by the form's fields (typed in, or moving in them); left out"
    assert checked.problems == [
        f"[keys] 'action-form-save': 's' {taken}",
        f"[keys] 'dialog-cancel': 'backspace' {taken}",
        f"[keys] 'checkin-save': '?' {taken}",
        f"[keys] 'followup-save': 'ctrl+k' {taken}",
        f"[keys] 'pick-down': 'j' {taken}",
        "[keys] 'ack-save': 'shift+space' arrives as 'space' in most terminals: give that;"
        " left out",
    ]
