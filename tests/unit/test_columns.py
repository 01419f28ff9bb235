"""The command line's tables fit the terminal they are printed on: free-text columns are cut
with an ellipsis, the widest first, ids and dates never; a pipe or a file gets every cell
whole."""

from __future__ import annotations

import itertools
import os
import re
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pdca.tui.columns import ELLIPSIS, NARROWEST, cell_width, cut_to, table, wrapped
from tests.pty_run import run_on_a_terminal

HEADERS = ["ID", "OWNER", "DUE", "TITLE"]
ROWS = [
    ["#1", "bartholomew.longname", "2026-12-01", "Cut ticket resolution time by a fifth " * 3],
    ["#22", "al", "-", "Short"],
]


def test_a_table_wider_than_the_terminal_cuts_its_text_columns_widest_first() -> None:
    lines = table(HEADERS, ROWS, cut=("TITLE", "OWNER"), width=80).splitlines()
    assert max(cell_width(line) for line in lines) == 80
    assert lines[1].startswith("#1   bartholomew.longname  2026-12-01  Cut ticket")
    assert lines[1].endswith(ELLIPSIS)
    assert lines[2].split() == ["#22", "al", "-", "Short"]  # what fits is whole
    assert lines[1].index("2026-12-01") == lines[0].index("DUE")  # still in line


def _cells(lines: list[str]) -> list[list[str]]:
    """Each line cut where the header's columns start (the lines here are ASCII)."""
    starts = [lines[0].index(h) for h in HEADERS] + [None]
    return [[line[a:b].rstrip() for a, b in itertools.pairwise(starts)] for line in lines]


def test_the_login_gives_up_cells_only_once_the_title_is_down_to_its_floor() -> None:
    # 50: a level shared by both would cut the login to 15 cells; the title gives first
    lines = table(HEADERS, ROWS, cut=("TITLE", "OWNER"), width=50).splitlines()
    _, owner, _, title = _cells(lines)[1]
    assert owner == "bartholomew.longname" and cell_width(title) == 11
    lines = table(HEADERS, ROWS, cut=("TITLE", "OWNER"), width=36).splitlines()
    _, owner, _, title = _cells(lines)[1]
    assert cell_width(title) == NARROWEST and owner.endswith(ELLIPSIS)
    assert max(cell_width(line) for line in lines) <= 36
    assert owner.rstrip().endswith(ELLIPSIS) and title.endswith(ELLIPSIS)
    assert max(cell_width(line) for line in lines) <= 50


def test_columns_not_named_are_never_cut_and_none_goes_below_its_floor() -> None:
    lines = table(HEADERS, ROWS, cut=("TITLE", "OWNER"), width=20).splitlines()
    assert "2026-12-01" in lines[1]  # a date is whole even if the line must wrap
    _, owner, _, title = _cells(lines)[1]
    assert cell_width(owner) == NARROWEST
    assert cell_width(title) == NARROWEST


def test_without_a_width_nothing_is_cut() -> None:
    text = table(HEADERS, ROWS, cut=("TITLE", "OWNER"), width=None)
    assert "bartholomew.longname" in text and ELLIPSIS not in text
    assert ROWS[0][3].strip() in text


def test_a_name_is_cut_in_the_middle_and_keeps_its_bracket_and_a_floor() -> None:
    """Nine KPIs read "Code re…" in a KPI list at 80 columns (a reviewer): the name goes
    last, keeps 16 cells, and its team in brackets."""
    rows = [["Code review time (platform)", "rising (worse)", "beyond a limit +4"]]
    rows.append(["Code review time (payments)", "flat", "-"])
    lines = table(
        ["NAME", "TREND", "SIGNAL"], rows, cut=("SIGNAL", "TREND", ("NAME", 16)),
        middle=("NAME",), width=36,
    ).splitlines()  # fmt: skip
    names = [line.split("  ")[0] for line in lines[1:]]
    assert [n.rstrip() for n in names] == ["Code… (platform)", "Code… (payments)"], names
    assert all(cell_width(line) <= 36 for line in lines), lines
    assert cut_to("Code review time (platform)", 20, middle=True) == "Code rev… (platform)"
    assert cut_to("Code review time", 10, middle=True) == "Code revi…"  # no bracket: the end


def test_wide_characters_are_cut_in_cells_never_mid_character() -> None:
    assert cut_to("延迟延迟延迟", 6) == "延迟" + ELLIPSIS  # 4 cells + the ellipsis: 5 of 6
    assert cut_to("延迟延迟延迟", 5) == "延迟" + ELLIPSIS
    assert cut_to("abcdef", 4) == "abc" + ELLIPSIS
    assert cut_to("abc", 3) == "abc"
    lines = table(["ID", "TITLE"], [["#1", "改进工单分诊流程" * 8]], cut=("TITLE",), width=30)
    assert all(cell_width(line) <= 30 for line in lines.splitlines())


@given(
    st.lists(
        st.tuples(st.text(max_size=40), st.text(max_size=120)),
        min_size=1,
        max_size=6,
    ),
    # the id and date columns, the gaps and both text columns at their floor fit in 40
    st.integers(min_value=40, max_value=200),
)
def test_a_fitted_table_is_never_wider_than_its_terminal(
    rows: list[tuple[str, str]], width: int
) -> None:
    """Whatever the text (escapes, wide characters), a table whose fixed columns fit is
    fitted: no line is wider than the terminal, and every cell it cut ends in ``…``."""
    cells = [["#12345", owner, "2026-12-01 !", title] for owner, title in rows]
    text = table(HEADERS, cells, cut=("TITLE", "OWNER"), width=width)
    assert all(cell_width(line) <= width for line in text.splitlines()), text


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env.update(
        PDCA_USER="alice",
        PDCA_NOW="2026-11-23T09:00:00Z",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    return env


def test_pdca_list_fits_the_terminal_and_a_pipe_gets_the_whole_title(tmp_path: Path) -> None:
    """Run as a person runs it: on a terminal of 60 columns the long title is cut; into a
    pipe the same command prints it whole."""
    import subprocess

    db = str(tmp_path / "t.db")
    pdca = [sys.executable, "-m", "pdca.tui", "--db", db]
    env = _env(tmp_path)
    title = "Cut ticket resolution time by a fifth in the third quarter of the year"
    subprocess.run([*pdca, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*pdca, "add", title, "--owner", "bob"], env=env, check=True)

    status, shown = run_on_a_terminal([*pdca, "list"], {**env, "COLUMNS": "60"})
    lines = shown.decode().replace("\r", "").splitlines()
    assert status == 0, lines
    assert lines[1].startswith("#1  plan   bob") and lines[1].endswith(ELLIPSIS), lines
    assert max(cell_width(line) for line in lines) == 60

    piped = subprocess.run(
        [*pdca, "list"], env={**env, "COLUMNS": "60"}, capture_output=True, text=True
    )
    assert piped.stdout.splitlines()[1].endswith(title)


def test_a_column_of_floor_0_goes_whole_with_its_gap_before_the_text_is_cut_short() -> None:
    headers = ["AT", "AGO", "MESSAGE"]
    rows = [["2026-11-23T09:00:00Z", "4h ago", "Found an edge case in the engine; another pass"]]
    cut = (("MESSAGE", 40), ("AT", 0), "MESSAGE")
    wide = table(headers, rows, cut=cut, width=100).splitlines()
    assert wide[1].startswith("2026-11-23T09:00:00Z  4h ago  Found")  # it all fits: whole
    narrow = table(headers, rows, cut=cut, width=50).splitlines()
    assert narrow[0].startswith("AGO     MESSAGE") and narrow[1].startswith("4h ago  Found an")
    assert all(cell_width(line) <= 50 for line in narrow), narrow
    # cut to 40 first, then AT went, and the cells it left came back to the message
    assert cell_width(narrow[1].split("  ", 1)[1]) == 42


def test_the_last_column_given_up_whole_goes_from_every_row() -> None:
    """kpi list at 80 columns dropped PERSPECTIVE's header but printed its cells (a bug
    found trying it)."""
    lines = table(
        ["NAME", "OWNER", "PERSPECTIVE"], [["Lead time", "bob", "delivery"]],
        cut=(("PERSPECTIVE", 0),), width=20,
    ).splitlines()  # fmt: skip
    assert lines == ["NAME       OWNER", "Lead time  bob"]
    # the cells a column gone whole leaves go back to the last cut before it
    wide = [["Lead time for changes (payments)", "bob", "delivery"]]
    cut = (("NAME", 12), ("PERSPECTIVE", 0))
    lines = table(["NAME", "OWNER", "PERSPECTIVE"], wide, cut=cut, width=30).splitlines()
    assert [cell_width(line) for line in lines] == [30, 28]  # NAME got back 11 of its 20


def test_pdca_standup_on_a_terminal_is_text_wrapped_at_words_and_markdown_into_a_pipe(
    tmp_path: Path,
) -> None:
    """A person at a terminal got Markdown (``**alice**``) broken mid-word by the terminal
    (a tester); a pipe still gets the Markdown for the chat."""
    import subprocess

    db = str(tmp_path / "t.db")
    pdca = [sys.executable, "-m", "pdca.tui", "--db", db]
    env = _env(tmp_path)
    subprocess.run([*pdca, "init"], env=env, check=True, capture_output=True)
    title = "Cut ticket resolution time by a fifth in the third quarter of the year"
    subprocess.run([*pdca, "add", title, "--owner", "bob"], env=env, check=True)

    status, shown = run_on_a_terminal([*pdca, "standup"], {**env, "COLUMNS": "50"})
    lines = shown.decode().replace("\r", "").splitlines()
    assert status == 0, lines
    assert (
        " ".join(part.strip() for part in lines[:2])
        == "stand-up 2026-11-23 09:00 UTC, since 2026-11-20 09:00 UTC"
        and "**" not in shown.decode()
    )  # wrapped at a word, at 50 columns
    assert all(cell_width(line) <= 50 for line in lines), lines
    words = " ".join(" ".join(lines).split())
    assert "Created: #1 Cut ticket resolution time by a fifth in the third quarter" in words

    piped = subprocess.run([*pdca, "standup"], env=env, capture_output=True, text=True)
    assert piped.stdout.startswith("**Stand-up**")


def test_kpi_show_and_show_on_a_terminal_wrap_at_words(tmp_path: Path) -> None:
    """At 100 columns the terminal broke kpi show's lines mid-word ("42 reading" / "s)", a
    terminal trial); into a pipe its lines stay whole."""
    import subprocess

    db = str(tmp_path / "t.db")
    pdca = [sys.executable, "-m", "pdca.tui", "--db", db]
    env = _env(tmp_path)
    subprocess.run([*pdca, "init"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*pdca, "kpi", "add", "Time to restore the payments service after an incident",
         "--unit", "min", "--baseline", "90", "--target", "30", "--direction", "down"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    show = [*pdca, "kpi", "show", "Time to restore the payments service after an incident"]
    status, shown = run_on_a_terminal(show, {**env, "COLUMNS": "50"})
    lines = shown.decode().replace("\r", "").splitlines()
    assert status == 0 and all(cell_width(line) <= 50 for line in lines), lines
    piped = subprocess.run(show, env=env, capture_output=True, text=True).stdout.splitlines()
    assert any(cell_width(line) > 50 for line in piped)
    # the same words, only wrapped
    assert " ".join(" ".join(lines).split()) == " ".join(" ".join(piped).split())
    # and an action's show, its notes and check-ins (long lines of a person's words)
    notes = "Restore drills every Friday afternoon with the on-call engineer and the lead"
    subprocess.run([*pdca, "add", "Drill", "--notes", notes], env=env, check=True)
    status, shown = run_on_a_terminal([*pdca, "show", "1"], {**env, "COLUMNS": "50"})
    lines = shown.decode().replace("\r", "").splitlines()
    assert status == 0 and all(cell_width(line) <= 50 for line in lines), lines
    assert notes in " ".join(" ".join(lines).split())


def test_doctor_on_a_terminal_wraps_each_check_under_its_words(tmp_path: Path) -> None:
    """doctor's lines ran to 146 columns on a terminal of 50, broken mid-word (a retrial)."""
    import subprocess

    db = str(tmp_path / "t.db")
    pdca = [sys.executable, "-m", "pdca.tui", "--db", db]
    env = _env(tmp_path)
    subprocess.run([*pdca, "init"], env=env, check=True, capture_output=True)
    status, shown = run_on_a_terminal([*pdca, "doctor"], {**env, "COLUMNS": "50"})
    lines = shown.decode().replace("\r", "").splitlines()
    # no line past the edge but a word longer than a line (the path), left whole
    assert status == 0 and all(cell_width(line) <= 50 or " " not in line.strip() for line in lines)
    assert any(line.startswith(" " * 18) for line in lines), lines  # under the check's words
    piped = subprocess.run([*pdca, "doctor"], env=env, capture_output=True, text=True).stdout
    # every word whole, a long path too (cut into lines, a command was copied broken: a
    # review), and the words as piped
    assert str(tmp_path / "t.db") in " ".join(lines)
    # (the disk's free space as each run found it: another process writes meanwhile)
    assert _free_masked(" ".join(" ".join(lines).split())) == _free_masked(" ".join(piped.split()))


def _free_masked(text: str) -> str:
    import re

    return re.sub(r"[0-9.]+ [KMGT]?B free", "N free", text)


def test_sentences_longer_than_the_terminal_wrap_at_words_under_their_start() -> None:
    """pdca flow's sentences broke mid-word at the terminal's edge (a tester)."""
    text = "cycle time  median 37.2d, 85% within 47.8d; longer (the last 6 weeks)\nshort"
    lines = wrapped(text, 30).splitlines()
    assert all(cell_width(line) <= 30 for line in lines)
    assert lines[1].startswith("  ") and lines[-1] == "short"
    assert " ".join(" ".join(lines).split()) == " ".join(text.split())  # no word broken
    assert wrapped(text, None) == text  # a pipe: as it is


def test_a_number_and_its_unit_stay_on_one_line() -> None:
    """ "27" ended one line and "% is above the alert threshold" began the next (a new user)."""
    line = "    ▲ alert  Lead time — a reading of 27 % is above the alert threshold 25 % today"
    for width in range(24, len(line)):
        lines = wrapped(line, width).splitlines()
        assert all(cell_width(text) <= width for text in lines), width
        assert not any(text.rstrip().endswith(("27", "25")) for text in lines), (width, lines)
        assert " ".join(" ".join(lines).split()) == " ".join(line.split())
    held = "a reading of 27 \ue000 is above the alert threshold, the private character kept"
    assert "\ue000" in wrapped(held, 20)  # text that holds the character itself is as it was


def test_a_latin_1_terminal_gets_pdca_s_marks_in_one_ascii_cell_each(tmp_path: Path) -> None:
    """On a Latin-1 terminal a cut cell's "…" came out as "\\u2026", six cells, and every cut
    line was wider than the terminal (a tester): it is "~" there, one cell, as wide as the
    mark it stands for; a title's emoji is still escaped."""
    import subprocess

    db = str(tmp_path / "t.db")
    pdca = [sys.executable, "-m", "pdca.tui", "--db", db]
    env = _env(tmp_path)
    subprocess.run([*pdca, "init"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*pdca, "add", "Rocket 🚀 launch review of the whole quarter"], env=env, check=True
    )
    status, shown = run_on_a_terminal(
        [*pdca, "list"], {**env, "COLUMNS": "40", "PYTHONIOENCODING": "latin-1"}
    )
    lines = shown.decode("latin-1").replace("\r", "").splitlines()
    assert status == 0, lines
    # 40 cells as shown, the escape whole or not at all (it was 46, the escape unmeasured)
    assert lines[1] == "#1  plan   -      -    Rocket ~", lines
    assert max(len(line) for line in lines) <= 40 + len("\\U0001f680") - 2


def test_a_cell_or_two_over_with_every_column_at_its_floor_is_taken_below_it() -> None:
    """At 40 columns ``pdca list`` was one cell wider than the terminal: every row wrapped a
    lone "…" onto a line of its own (a tester). A cell or two are taken below the floor;
    more than that still wraps, the floor kept."""
    headers, rows = ["ID", "DUE", "TITLE"], [["#29", "2026-11-18 !", "Hold a blameless review"]]
    lines = table(headers, rows, cut=("TITLE",), width=26).splitlines()  # 27 at the floor
    assert max(cell_width(line) for line in lines) == 26
    assert lines[1].endswith("  Hold a…")
    wrapped = table(headers, rows, cut=("TITLE",), width=24).splitlines()
    assert cell_width(wrapped[1].split("  ")[-1]) == NARROWEST  # 3 over: left to wrap


def test_a_middle_cut_on_an_ascii_terminal_takes_an_escape_whole(monkeypatch) -> None:
    """The cut mark in the middle ("Deploy \\U0001f~ (payments)") left half an escape before
    it, as the end's once did (a reviewer)."""
    from pdca.tui import columns
    from pdca.tui.ascii_terminal import MARKS_ERRORS, register

    codec = register()
    monkeypatch.setattr(
        columns, "as_stdout_shows", lambda: lambda t: t.encode(codec, MARKS_ERRORS).decode(codec)
    )
    for width in range(27, 34):
        [_, line] = columns.table_lines(
            ["NAME", "OWNER"],
            [["Deploy 🚀 speed of the team (payments)", "zoe"]],
            cut=("NAME",),
            middle=("NAME",),
            width=width,
        )
        assert re.search(r"\\(x[0-9a-f]?|u[0-9a-f]{0,3}|U[0-9a-f]{0,7})?[…~]", line) is None, line
        assert "(payments)" in line and len(line) <= width


@given(
    st.lists(
        st.sampled_from(
            ["日本語タイトル", "Café", "🚀", "rollout", "(by", "root)", "50", "%", "a"]
        ),
        min_size=1,
        max_size=30,
    ),
    st.integers(min_value=20, max_value=90),
)
def test_wrapped_lines_fit_the_terminal_in_cells(words: list[str], width: int) -> None:
    """``pdca standup`` wrapped by characters: a line with Japanese or an emoji ran past the
    edge, and the terminal broke it mid-word (a tester). Every line fits, in cells, and no
    word is lost or broken."""
    line = "  - " + " ".join(words)
    out = wrapped(line, width)
    assert all(cell_width(piece) <= width for piece in out.split("\n")), out
    assert out.split() == line.split()


def test_a_word_wider_than_a_line_is_cut_to_fit_under_the_indent() -> None:
    """A title in Japanese has no spaces, and a word can be longer than the terminal: left
    whole, the terminal broke them at its edge, under no indent (a retrial)."""
    title = "継続的インテグレーションのパイプラインを改善して、デプロイ時間を半分にする計画"
    word = "Antidisestablishmentarianism-supercalifragilisticexpialidocious"
    line = f"  - ann: #7 {title} and {word} end"
    for width in (30, 44, 60):
        out = wrapped(line, width)
        pieces = out.split("\n")
        assert all(cell_width(piece) <= width for piece in pieces), out
        assert all(piece.startswith("    ") for piece in pieces[1:]), out
        assert "".join(out.split()) == "".join(line.split())  # nothing lost, in order


def test_wrapping_keeps_the_spaces_within_a_line() -> None:
    """The flow's cycle-time sparkline begins with blank weeks: squeezed to one space, it
    began weeks early, out of line with the throughput above it (a reviewer)."""
    line = "cycle time     ▁▃▅ ▁▆▂▅█   median 37.2d, 85% within 39.6d, rising from 19.1d to 36.1d"
    out = wrapped(line, 60).split("\n")
    assert out[0] == "cycle time     ▁▃▅ ▁▆▂▅█   median 37.2d, 85% within 39.6d,"
    assert out[1] == "  rising from 19.1d to 36.1d"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji of three joined
    cut = wrapped(family * 6, 10).split("\n")  # cut between emoji, never a space put in
    assert len(cut) > 1 and all(" " not in piece.strip() for piece in cut), cut


def test_pdca_list_keeps_a_readable_title_on_a_narrow_terminal() -> None:
    """At 60 columns the title was cut to 7 cells beside a whole check-in column (a tester):
    the priority and the check-in go first, once the title is down to 20 cells."""
    from pdca.tui.cli import LIST_CUT

    headers = ["ID", "PHASE", "OWNER", "PRI", "DUE", "CHECK-IN", "TITLE"]
    title = "Hold a blameless review of the last recommendation engine incident"
    rows = [["#29", "plan", "carol", "high", "2026-11-30 !", "10 days ago stale", title]]
    at_80 = table(headers, rows, cut=LIST_CUT, width=80).splitlines()
    assert at_80[0].split() == headers  # every column kept, the title at 20 cells
    assert cell_width(at_80[1].split("stale  ")[1]) >= 20
    at_60 = table(headers, rows, cut=LIST_CUT, width=60).splitlines()
    assert at_60[0].split() == ["ID", "PHASE", "OWNER", "DUE", "TITLE"]
    assert at_60[1].startswith("#29  plan   carol  2026-11-30 !  Hold a blameless review")
    assert all(cell_width(line) <= 60 for line in at_60)
    at_40 = table(headers, rows, cut=LIST_CUT, width=40).splitlines()
    assert all(cell_width(line) <= 40 for line in at_40), at_40
    # A long login gives way to 12 cells before the title goes under 20 (a retrial)
    rows[0][2] = "alexandra.longname"
    long_login = table(headers, rows, cut=LIST_CUT, width=60).splitlines()
    assert long_login[1].startswith("#29  plan   alexandra.l…  2026-11-30 !  Hold a blameless")
    assert cell_width(long_login[1].split("!  ")[1]) >= 20
