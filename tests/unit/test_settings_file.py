"""The person's settings file: the values it may hold, and one clear reason when it is wrong."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pdca.tui.settings import DEFAULT_THEME, Settings, load_settings


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()
    assert Settings().theme == DEFAULT_THEME and Settings().compact_cards is False


def test_the_values_written_are_read_and_unknown_keys_ignored(tmp_path: Path) -> None:
    found = _load(tmp_path, 'theme = "nord"\ncompact_cards = true\nlater = 3\n[keys]\nnew = "a"\n')
    # named, for the app to say (a typo went without a word, a trial), and used no further
    assert found == Settings(
        theme="nord", compact_cards=True, keys={"new": "a"}, unknown=("later",)
    )
    assert found.problem is None


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    """As some Windows editors save: "not TOML (Invalid statement (at line 1, column 1))"."""
    path = tmp_path / "settings.toml"
    path.write_bytes(b'\xef\xbb\xbftheme = "nord"\n')
    assert load_settings(path) == Settings(theme="nord")


@pytest.mark.parametrize(
    ("written", "meant"),
    [('"yes"', True), ('"off"', False), ("1", True), ("0", False), ("1.0", True), ('"TRUE"', True)],
)
def test_a_switch_written_as_a_word_or_a_digit_still_works(
    tmp_path: Path, written: str, meant: bool
) -> None:
    found = _load(tmp_path, f"compact_cards = {written}\n")
    assert (found.compact_cards, found.problem) == (meant, None)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("theme = 5\n", "theme"),
        ('theme = ["a"]\n', "theme"),
        ('compact_cards = "maybe"\n', "compact_cards"),
        ("compact_cards = 2\n", "compact_cards"),
        ("compact_cards = 0.5\n", "compact_cards"),
    ],
)
def test_a_value_of_the_wrong_type_gives_its_default_and_names_it(
    tmp_path: Path, text: str, key: str
) -> None:
    """Only that value: theme = 42 cost the person their [keys] too (a tester)."""
    written = 'theme = "nord"\n' * (key != "theme") + text + '[keys]\nview-board = "f2"\n'
    found = _load(tmp_path, written)
    assert found.theme == (DEFAULT_THEME if key == "theme" else "nord")
    assert found.compact_cards is False and found.keys == {"view-board": "f2"}
    assert found.problem is not None
    assert found.problem.endswith(f"{key} has the wrong type; its default is used")


def test_a_problem_written_in_the_file_is_not_taken_as_the_apps(tmp_path: Path) -> None:
    assert _load(tmp_path, 'problem = "made up"\n').problem is None


def test_a_file_that_is_not_toml_says_so(tmp_path: Path) -> None:
    found = _load(tmp_path, "theme = \n")
    assert found == Settings(problem=found.problem)
    assert found.problem is not None and "not TOML" in found.problem


def test_a_file_pdca_could_not_use_is_never_rewritten(tmp_path: Path) -> None:
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    written = 'theme = "textual-light"\ncompact_cards = 2\n'
    found = _load(tmp_path, written)
    save_settings(tmp_path / "settings.toml", replace(found, compact_cards=True))
    assert (tmp_path / "settings.toml").read_text(encoding="utf-8") == written


def test_a_usable_file_keeps_what_the_person_wrote_when_saved(tmp_path: Path) -> None:
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    found = _load(tmp_path, '# mine\ntheme = "nord"\n[keys]\nnew = "a"\n')
    save_settings(tmp_path / "settings.toml", replace(found, compact_cards=True))
    text = (tmp_path / "settings.toml").read_text(encoding="utf-8")
    assert text == '# mine\ntheme = "nord"\ncompact_cards = true\n[keys]\nnew = "a"\n'


def test_z_writes_its_own_line_only_not_the_default_theme(tmp_path: Path) -> None:
    """z wrote ``theme = "textual-dark"`` too, which the person never chose, pinning the
    default for good (a new user); a theme they chose is written, as ever."""
    from dataclasses import replace

    from pdca.tui.settings import DEFAULT_THEME, save_settings

    found = _load(tmp_path, '[keys]\nnew = "a"\n')
    save_settings(tmp_path / "settings.toml", replace(found, compact_cards=True))
    text = (tmp_path / "settings.toml").read_text(encoding="utf-8")
    assert text == 'compact_cards = true\n[keys]\nnew = "a"\n'
    save_settings(tmp_path / "settings.toml", replace(found, theme="nord", compact_cards=True))
    text = (tmp_path / "settings.toml").read_text(encoding="utf-8")
    assert 'theme = "nord"' in text and "compact_cards = true" in text
    fresh = tmp_path / "fresh" / "settings.toml"
    save_settings(fresh, replace(found, theme=DEFAULT_THEME, compact_cards=False))
    assert not fresh.exists()  # nothing chosen: nothing written


def test_settings_in_someone_elses_folder_are_not_replaced(tmp_path: Path, monkeypatch) -> None:
    """root run with ann's HOME replaced her settings.toml with a file of root's (a tester):
    the choice is kept for the run and said not remembered, her file left as it is."""
    import os
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    written = 'theme = "nord"\n'
    found = _load(tmp_path, written)
    me = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: me + 4242)
    said = save_settings(tmp_path / "settings.toml", replace(found, compact_cards=True))
    monkeypatch.undo()
    assert said is not None and said.startswith(f"{tmp_path / 'settings.toml'}: a file of ")
    assert "'s, not yours alone (HOME or XDG_CONFIG_HOME names it)" in said
    assert (tmp_path / "settings.toml").read_text(encoding="utf-8") == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.toml"]


def test_a_full_home_leaves_no_half_written_settings_behind(tmp_path: Path, monkeypatch) -> None:
    """A full home left an empty settings.tmp, group-writable, in the person's folder (a
    tester)."""
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    found = _load(tmp_path, 'theme = "nord"\n')

    def full(self: Path, *args: object, **kwargs: object) -> int:
        Path.touch(self)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    said = save_settings(tmp_path / "settings.toml", replace(found, compact_cards=True))
    monkeypatch.undo()
    assert said == f"{tmp_path}: No space left on device"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.toml"]


def test_a_theme_written_with_a_quoted_key_is_replaced(tmp_path: Path) -> None:
    """'"theme" = "nord"' is TOML too: its line was not found, a second theme line broke the
    file, and the choice went unremembered without a word (a trial)."""
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    found = _load(tmp_path, '"theme" = "nord"  # mine\n')
    assert found.theme == "nord"
    assert save_settings(tmp_path / "settings.toml", replace(found, theme="gruvbox")) is None
    assert (tmp_path / "settings.toml").read_text() == 'theme = "gruvbox"  # mine\n'


def test_settings_reached_through_a_link_are_written_through_it(tmp_path: Path) -> None:
    """A dotfiles folder's settings.toml, linked: z replaced the link with a file of its own,
    and the dotfiles' copy no longer applied (a trial)."""
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    kept = tmp_path / "dotfiles" / "pdca.toml"
    kept.parent.mkdir()
    kept.write_text('theme = "nord"\n')
    link = tmp_path / "cfg" / "settings.toml"
    link.parent.mkdir()
    link.symlink_to(kept)
    save_settings(link, replace(load_settings(link), compact_cards=True))
    assert link.is_symlink() and kept.read_text() == 'theme = "nord"\ncompact_cards = true\n'


def test_a_settings_path_that_is_no_file_is_said_and_never_read(tmp_path: Path) -> None:
    """A FIFO as settings.toml: the app's start waited on it for ever (a trial)."""
    import os

    from pdca.tui.settings import save_settings

    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)
    found = load_settings(fifo)
    assert found.problem == f"{fifo}: not a file; using the defaults"
    # not opened either; made so while the board was open, said (it went without a word)
    assert save_settings(fifo, Settings(compact_cards=True)) == f"{fifo}: not a plain file now"


def test_a_setting_saved_leaves_the_others_as_the_file_has_them_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two boards of one person: the second's z wrote back the theme it had read at start,
    over the one just picked in the first, without a word (a trial); a hand edit made while
    a board was open went the same way."""
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    path = tmp_path / "settings.toml"
    second = _load(tmp_path, 'theme = "nord"  # nice\n[keys]\n')  # read at its start
    path.write_text('theme = "dracula"  # nice\n[keys]\n', encoding="utf-8")  # the first's pick
    assert save_settings(path, replace(second, compact_cards=True), "compact_cards") is None
    text = path.read_text(encoding="utf-8")
    assert text == 'theme = "dracula"  # nice\ncompact_cards = true\n[keys]\n', text
    assert save_settings(path, replace(second, theme="gruvbox"), "theme") is None
    text = path.read_text(encoding="utf-8")
    assert text == 'theme = "gruvbox"  # nice\ncompact_cards = true\n[keys]\n', text
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))

    def refused(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    # chmod 000 since the board opened it (as root here, which reads it all the same):
    # said, where the choice went unremembered without a word (a trial)
    monkeypatch.setattr(Path, "read_text", refused)
    said = save_settings(path, replace(second, theme="nord"), "theme")
    assert said == f"{path}: cannot be read now (Permission denied)"


def test_a_line_that_cannot_be_set_is_said_not_taken_for_saved(tmp_path: Path) -> None:
    """A multi-line string holding a "theme =" line: it was the one matched, the file then
    would not read, and save said nothing, the choice lost (a retrial)."""
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    text = 'notes = """\ntheme = "in a string"\n"""\n[keys]\n'
    found = _load(tmp_path, text)
    said = save_settings(tmp_path / "settings.toml", replace(found, theme="nord"))
    assert said is not None and said.endswith("line could not be set; set it by hand")
    assert (tmp_path / "settings.toml").read_text() == text  # left as it was


def test_a_file_broken_while_pdca_ran_is_said_so_on_save(tmp_path: Path) -> None:
    """Edited into no TOML while the app ran: save said "its theme line could not be set"
    (a reviewer). It says the file is no TOML now, and leaves it."""
    from dataclasses import replace

    from pdca.tui.settings import save_settings

    found = _load(tmp_path, 'theme = "nord"\n')
    (tmp_path / "settings.toml").write_text("theme = \n")
    said = save_settings(tmp_path / "settings.toml", replace(found, compact_cards=True))
    assert said == f"{tmp_path / 'settings.toml'}: not TOML now; mend it to keep this"
    assert (tmp_path / "settings.toml").read_text() == "theme = \n"


def test_a_settings_file_of_megabytes_is_said_and_never_read(tmp_path: Path) -> None:
    """100 MB froze the board's start for seconds, and every z as long (a keymap trial)."""
    path = tmp_path / "settings.toml"
    path.write_text('theme = "nord"\n' + "# " + "x" * 1_300_000 + "\n", encoding="utf-8")
    found = load_settings(path)
    assert found.problem == f"{path}: 1.2 MB, not a few lines; using the defaults"
    assert found.theme == DEFAULT_THEME


def _save_in_turn(path: str, key: str, rounds: int) -> None:
    from pdca.tui.settings import save_settings

    for n in range(rounds):
        value = ("nord" if n % 2 else "dracula") if key == "theme" else bool(n % 2)
        settings = replace(load_settings(Path(path)), **{key: value})
        assert save_settings(Path(path), settings, key) is None


def test_two_boards_saving_at_once_keep_each_others_line(tmp_path: Path) -> None:
    """Two processes each read the file, then each wrote its line over the other's: one
    board's theme, or the other's z, was lost without a word (a review). Saved one at a
    time, each process's last value is the file's."""
    import multiprocessing

    path = tmp_path / "settings.toml"
    path.write_text('theme = "gruvbox"\ncompact_cards = false\n[keys]\n', encoding="utf-8")
    rounds = 201  # odd: the theme ends "dracula", z ends off... each on its own last round
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_save_in_turn, args=(str(path), key, rounds))
        for key in ("theme", "compact_cards")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    found = load_settings(path)
    assert (found.theme, found.compact_cards) == ("dracula", False), path.read_text()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_settings_file_grown_past_a_megabyte_while_open_is_said_not_rewritten(
    tmp_path: Path,
) -> None:
    """Read at start, grown to 50 MB while the board was open: each z read and rewrote it,
    freezing the board for seconds (a retrial)."""
    from pdca.tui.settings import save_settings

    path = tmp_path / "settings.toml"
    found = _load(tmp_path, 'theme = "nord"\n')
    grown = 'theme = "nord"\n' + "# " + "x" * 1_300_000 + "\n"
    path.write_text(grown, encoding="utf-8")
    said = save_settings(path, replace(found, compact_cards=True), "compact_cards")
    assert said == f"{path}: 1.2 MB now, not a few lines"
    assert path.read_text(encoding="utf-8") == grown
