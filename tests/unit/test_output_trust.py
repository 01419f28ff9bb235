"""Output a person or a program can trust.

No output carries a character that drives a terminal or reorders the text around it (the
rule is ``db.text_rules``); JSON still decodes to the exact data; text drawn in the app's
fixed-width cells is as wide to Rich as to a terminal that counts code point by code
point; a CSV cell never starts a spreadsheet formula, and comes back unchanged.
"""

from __future__ import annotations

import json
import re
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size

from pdca.db.spreadsheet import QUOTE, TRIGGERS, neutralise, restore
from pdca.db.text_rules import (
    SHOWN_ESCAPED,
    UNSAFE,
    UNSAFE_EXCEPT_NEWLINE,
    UNSAFE_IN_CELLS,
    escape,
    visible,
)
from pdca.tui.columns import table
from pdca.tui.output import for_terminal, json_safe, printable, to_json
from pdca.widgets.text import fit, fixed, literal

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# The implicit direction marks reorder nothing of their own: text, as Arabic and Hebrew
# editors write it (a Hebrew team's reports read "\u200f" in every title, a trial).
MARKS = "\u061c\u200e\u200f"
SEPARATORS = "\u2028\u2029"
C1 = "".join(chr(point) for point in range(0x80, 0xA0))
C0 = "".join(chr(point) for point in range(0x20)) + "\x7f"
# What may never reach a terminal raw from any output, the newline between lines excepted.
NEVER_RAW = re.compile(f"[{re.escape(C0.replace(chr(10), '') + C1 + BIDI + SEPARATORS)}]")

FAMILY = "👨\u200d👩\u200d👧\u200d👦"
THUMB = "👍\U0001f3fd"
HEART = "❤\ufe0f"
FLAG = "🇫🇷"
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
KEYCAP = "1\ufe0f\u20e3"
ZERO_WIDTH = "a\u200bb\u200cc\u200dd\u2060e\ufefff"
COMBINING = "e\u0301\u0303"
CJK = "中文字"
HANGUL_JAMO = "\u1100\u1161\u11a8"
# The characters terminals and Rich disagree about, and some they agree about, to build
# open-ended text from: hypothesis draws from these far more often than from all of Unicode.
TRICKY = [
    *"a é中👨👩👧👦👍❤☺1#*",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufe0e", "\ufe0f", "\U000e0101",
    "\U0001f3fb", "\U0001f3fd", "\U0001f3ff", "\U000e0067", "\U000e007f",
    "\U0001f1eb", "\U0001f1f7", "\u0301", "\u20e3", "\u034f", "\u0915", "\u094d", "\u093f",
    "\u0e33", "\u1100", "\u1161", "\u11a8", "\u0600", "\u202e", "\u2066", "\u2028", "\x1b",
    "\x9b", "\t", "\n", "\r", "\\", "\u00ad", "\u180e",
]  # fmt: skip
tricky_text = st.lists(st.sampled_from(TRICKY), max_size=12).map("".join)
any_text = st.one_of(st.text(), tricky_text)


def per_code_point(text: str) -> int:
    """The width a terminal that counts each code point on its own (tmux, xterm) draws."""
    return sum(get_character_cell_size(char) for char in text)


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x1b", "\\x1b"),
        ("\t", "\\t"),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\x9b", "\\x9b"),
        ("\u202e", "\\u202e"),
        ("\u2028", "\\u2028"),
        ("\U000e0067", "\\U000e0067"),
    ],
)
def test_an_escape_is_what_repr_would_show(char: str, shown: str) -> None:
    assert visible(char) == shown


@pytest.mark.parametrize("char", [*C0, *C1, *BIDI, *SEPARATORS, "\ud800", "\udfff"])
def test_every_control_bidi_and_separator_is_unsafe(char: str) -> None:
    assert UNSAFE.fullmatch(char)
    assert UNSAFE_IN_CELLS.fullmatch(char)
    assert bool(UNSAFE_EXCEPT_NEWLINE.fullmatch(char)) == (char != "\n")


@pytest.mark.parametrize("char", [*MARKS])
def test_a_direction_mark_is_text_everywhere_but_in_a_name(char: str) -> None:
    from pdca.db.text_rules import lookalike_maker, shows_nothing

    assert not UNSAFE.search(char) and not UNSAFE_IN_CELLS.search(char)
    assert printable(f"שלום{char}") == f"שלום{char}"
    assert shows_nothing(char)  # a title of marks alone is no title
    assert lookalike_maker(f"Backlog{char}") == char  # two names alike: refused


def test_every_unsafe_character_is_in_the_basic_plane() -> None:
    """So ``json_safe`` can write each as one ``\\uXXXX``, never a surrogate pair."""
    beyond = "".join(chr(point) for point in range(0x10000, sys.maxunicode + 1))
    assert UNSAFE_EXCEPT_NEWLINE.search(beyond) is None


@given(any_text)
def test_escaped_text_holds_nothing_unsafe(text: str) -> None:
    assert not UNSAFE.search(escape(text))
    in_cells = escape(text, UNSAFE_IN_CELLS)
    assert all(match.lastgroup == "flag" for match in UNSAFE_IN_CELLS.finditer(in_cells))


@given(st.text(st.characters(exclude_characters="\\")))
def test_text_with_nothing_unsafe_is_shown_as_it_is(text: str) -> None:
    if not SHOWN_ESCAPED.search(text):
        assert printable(text) == text


# --------------------------------------------------------------------------- plain-text output


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("file\u202etxt.exe", "file\\u202etxt.exe"),
        ("\u2066isolate\u2069 \u200emark\u200f", "\\u2066isolate\\u2069 \u200emark\u200f"),
        ("arabic letter mark \u061c", "arabic letter mark \u061c"),
        ("תיקון \u200f(א)\u200f", "תיקון \u200f(א)\u200f"),
        ("one\u2028two\u2029three", "one\\u2028two\\u2029three"),
        ("c1 \x85 \x9b2J", "c1 \\x85 \\x9b2J"),
        ("lone \udcff surrogate", "lone \\udcff surrogate"),
        (FAMILY, FAMILY),  # the command line keeps emoji; only the app's cells split them
        (ENGLAND, ENGLAND), (HEART, HEART), (THUMB, THUMB), (KEYCAP, KEYCAP),
        # what glues emoji, between letters: shown as the app's cells show it (a trial)
        ("zwj a\u200db", "zwj a\\u200db"),
        ("\U000e0067\U000e0062 tags", "\\U000e0067\\U000e0062 tags"),
        ("a\ufe0fb", "a\\ufe0fb"),
        # emoji whose base is no "So" symbol (a reviewer: printed with "\ufe0f")
        ("ℹ\ufe0f ↔\ufe0f ‼\ufe0f 〰\ufe0f", "ℹ\ufe0f ↔\ufe0f ‼\ufe0f 〰\ufe0f"),
        ("deploy.\ufe0f (\ufe00", "deploy.\\ufe0f (\\ufe00"),  # no emoji: shown (a review)
        ("x\U000e0067\U000e0062\U000e0065", "x\\U000e0067\\U000e0062\\U000e0065"),
        # what draws nothing: two titles read as one (a trial)
        ("zero\u200bwidth\u2060wj\u00adshy", "zero\\u200bwidth\\u2060wj\\xadshy"),
        ("\ufeffBOM title", "\\ufeffBOM title"),
        ("tell @\u200bhere", "tell @\u200bhere"),  # pdca's own mention breaker: unseen
        ("pay\u200croll", "pay\u200croll"),  # Persian's non-joiner, no cells to anyone
        ("תיקון באג", "תיקון באג"),
    ],
)  # fmt: skip
def test_printable_escapes_bidi_controls_and_separators(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@given(any_text)
def test_printable_is_one_line_with_nothing_raw(text: str) -> None:
    shown = printable(text)
    assert not NEVER_RAW.search(shown)
    assert "\n" not in shown
    shown.encode("utf-8")  # lone surrogates are escaped too: printing cannot fail


def test_a_table_escapes_every_cell() -> None:
    shown = table(["A", "B"], [["x\u202ey", "z\u2028w"]])
    assert shown.splitlines()[1] == "x\\u202ey  z\\u2028w"


def test_for_terminal_keeps_the_rows_and_escapes_the_rest() -> None:
    csv_text = 'id,title\n1,"evil\u202etxt.exe"\n2,"bell\x07 cr\r csi\x1b[2J"\n3,"two\nlines"\n'
    shown = for_terminal(csv_text)
    assert shown.split("\n") == [
        "id,title",
        '1,"evil\\u202etxt.exe"',
        '2,"bell\\x07 cr\\r csi\\x1b[2J"',
        '3,"two',
        'lines"',
        "",
    ]


@given(any_text)
def test_for_terminal_keeps_every_newline_and_nothing_else_raw(text: str) -> None:
    shown = for_terminal(text)
    assert not NEVER_RAW.search(shown)
    assert shown.count("\n") == text.count("\n")
    assert [printable(line) for line in text.split("\n")] == shown.split("\n")


# --------------------------------------------------------------------------- JSON output


def test_json_escapes_what_json_dumps_leaves_raw() -> None:
    data = {"title": "a\u202eb\x85c\u2028d\u2029e\x7ff\x1bg\u200d😀 ש"}
    shown = to_json(data)
    assert "\\u202e" in shown and "\\u0085" in shown and "\\u2028" in shown
    assert "\\u007f" in shown and "\\u001b" in shown
    assert "\u200d😀 ש" in shown  # emoji, joiners and Hebrew stay readable
    assert json.loads(shown) == data


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | any_text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
        max_leaves=12,
    )
)
@example({"\t\r\n": ["\t", "\r\n", "\u2028"]})
def test_json_round_trips_exactly_and_never_carries_a_control_raw(value: object) -> None:
    shown = to_json(value)
    assert json.loads(shown) == value
    assert not NEVER_RAW.search(shown.replace("\n", ""))
    shown.encode("utf-8")


@given(any_text)
def test_json_safe_post_processes_any_dumped_document(text: str) -> None:
    """What ``pdca export`` prints (``json.dumps(indent=1)``) made safe after the fact."""
    document = {"format": "pdca", "tables": {"actions": [{"title": text, "notes": text}]}}
    for indent in (None, 1):
        dumped = json.dumps(document, ensure_ascii=False, indent=indent)
        safe = json_safe(dumped)
        assert json.loads(safe) == document
        assert not NEVER_RAW.search(safe.replace("\n", ""))


def test_json_safe_keeps_whitespace_between_tokens() -> None:
    assert json_safe('{\r\n\t"a":\t"\u202e"\r\n}') == '{\r\n\t"a":\t"\\u202e"\r\n}'


# --------------------------------------------------------------------------- the app's cells


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (FAMILY, "👨👩👧👦"),
        (THUMB, "👍"),
        (HEART, "❤"),
        (FLAG, FLAG),
        (FLAG + "\U0001f1e9", FLAG + "\\U0001f1e9"),
        (ENGLAND, "🏴"),
        ("\U000e0067\U000e0062 tags", "\\U000e0067\\U000e0062 tags"),  # each tag, alone
        ("x" + ENGLAND[1:] * 2, "x" + "".join(f"\\U{ord(c):08x}" for c in ENGLAND[1:] * 2)),
        ("↔\ufe0f ‼\ufe0f", "↔ ‼"),
        # a joiner between letters hides as a zero-width space does: shown (it glues emoji)
        (ZERO_WIDTH, "a\\u200bb\u200cc\\u200dd\\u2060e\\ufefff"),
        ("pay\u200droll", "pay\\u200droll"),
        ("👍🏽\u200d🚀", "👍🚀"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian's non-joiner, no cells to anyone
        (COMBINING, COMBINING),
        (CJK, CJK),
        ("file\u202etxt.exe", "file\\u202etxt.exe"),
        ("a\nb", "a\\nb"),
    ],
)
def test_literal_splits_what_terminals_would_join(raw: str, shown: str) -> None:
    assert literal(raw) == shown


def test_literal_keeps_newlines_when_asked() -> None:
    assert literal(f"one\n{FAMILY}\u202e", one_line=False) == "one\n👨👩👧👦\\u202e"


@given(any_text)
@example(FAMILY + THUMB + HEART + ENGLAND + KEYCAP + ZERO_WIDTH + FLAG + CJK + HANGUL_JAMO)
@example("\u200d👍")  # Rich counts this 0 cells, a terminal 2
def test_literal_text_is_as_wide_to_rich_as_to_a_terminal(text: str) -> None:
    shown = literal(text)
    assert cell_len(shown) == per_code_point(shown)
    for width in (1, 5, 20):
        cut = fit(shown, width)
        assert cell_len(cut) == per_code_point(cut) <= width


@given(any_text, st.integers(min_value=1, max_value=40))
def test_fixed_fills_exactly_its_cells(text: str, width: int) -> None:
    shown = fixed(literal(text), width)
    assert cell_len(shown) == per_code_point(shown) == width


def test_raw_emoji_sequences_are_what_breaks_the_count() -> None:
    """Why ``literal`` splits them: Rich counts the sequence, a terminal each code point."""
    for raw in (FAMILY, HEART, "\u200d👍", "a\u200db"):
        assert cell_len(raw) != per_code_point(raw)


# --------------------------------------------------------------------------- spreadsheets


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1", "'+1"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\\x0d=1"),  # a CR is written as its escape: no trigger left
        ("'=1", "''=1"),
        ("''@x", "'''@x"),
        ("'quoted", "'quoted"),
        ("'", "'"),
        ("", ""),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("2026-12-01", "2026-12-01"),
    ],
)  # fmt: skip
def test_neutralise(cell: str, written: str) -> None:
    assert neutralise(cell) == written
    assert restore(written, escapes=True) == cell


def test_a_cell_holds_no_control_a_terminal_acts_on() -> None:
    """``cat`` or ``grep`` of a CSV export set a colleague's window title and cleared the
    screen (a hostile member's trial): such a control is written as its escape, and read
    back as that text; tab, newline and carriage return are the cell's own."""
    hostile = "red\x1b[31mRED \x1b]0;TITLE\x07 \x9b2J \x7f\x00 \u202eflip"
    written = neutralise(hostile)
    assert written == ("red\\x1b[31mRED \\x1b]0;TITLE\\x07 \\x9b2J \\x7f\\x00 \\u202eflip")
    assert restore(written) == written  # a hand-made CSV's cell: read as it is
    assert restore(written, escapes=True) == hostile  # a pdca export's: exactly (a retrial)
    assert neutralise("\x00") == "\\x00"  # no longer a trigger: no quote either
    assert neutralise("a\tb\r\nc") == "a\tb\\x0d\nc"  # a CR overwrote what cat showed
    # No other backslash is written twice: an earlier release's export reads as it did (a
    # reviewer's \\srv came back as \srv); only the escapes pdca writes are read back
    for text in ("C:\\temp \\\\srv\\share", "regex \\\\d+", "\\x41 \\u0041dmin"):
        assert neutralise(text) == text == restore(text, escapes=True)


@given(st.text())
def test_a_written_cell_never_holds_a_terminal_control(cell: str) -> None:
    assert _no_terminal_control(neutralise(cell))


escape_like_text = st.one_of(
    st.text(),
    st.lists(
        st.sampled_from(["\\", "x", "1b", "0d", "7f", "u", "202e", "2066", "41", "\x1b", "\u202e"]),
        max_size=8,
    ).map("".join),
)


@given(escape_like_text)
@example("\\x1b[31m")  # an escape as typed: it came back as the character (a new lead)
@example("\\\x1b")  # a backslash, then the character
def test_any_exported_text_reads_back_exactly(cell: str) -> None:
    """Exactly, a text holding an escape as typed too: a backslash before such letters or
    such a character is written twice."""
    assert restore(neutralise(cell), escapes=True) == cell


def test_the_triggers_are_owasps() -> None:
    owasp = {"=", "+", "-", "@", "\t", "\r"}  # and ASVS 5.0 adds NUL
    assert owasp | {"\x00"} == TRIGGERS


spreadsheet_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from([QUOTE, *TRIGGERS, "a", " ", "1"]), max_size=6).map("".join),
)


def _no_terminal_control(cell: str) -> bool:
    return not any(
        ord(c) < 0x20 and c not in "\t\n" or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066"
        for c in cell
    )


@given(spreadsheet_text.filter(lambda cell: "\\" not in cell))
def test_restore_undoes_neutralise(cell: str) -> None:
    assert restore(neutralise(cell), escapes=True) == cell


@given(spreadsheet_text)
def test_a_neutralised_cell_never_starts_a_formula(cell: str) -> None:
    assert neutralise(cell)[:1] not in TRIGGERS


@given(spreadsheet_text.filter(lambda cell: _no_terminal_control(cell) and "\\" not in cell))
def test_a_cell_that_needs_nothing_is_left_alone(cell: str) -> None:
    if cell.lstrip(QUOTE)[:1] not in TRIGGERS:
        assert neutralise(cell) == cell == restore(cell)


# --------------------------------------------------------------------------- the commands

HOSTILE = f"evil\u202etxt.exe \u2066x\u2069 c1\x85 ls\u2028ps\u2029 {FAMILY}"


def test_commands_show_bidi_and_separators_escaped_and_json_exact(cli) -> None:
    added = cli("add", HOSTILE, "--owner", "dana", "--notes", f"one\n{HOSTILE}", "--json")
    assert added.exit_code == 0, added.stderr
    assert not NEVER_RAW.search(added.stdout.replace("\n", ""))
    assert json.loads(added.stdout)["title"] == HOSTILE
    assert cli("checkin", "1", HOSTILE).exit_code == 0
    for args in (["list"], ["show", "1"], ["log"], ["owners"]):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert not NEVER_RAW.search(result.stdout.replace("\n", "")), args
        if args != ["owners"]:  # owners shows no titles
            assert "evil\\u202etxt.exe \\u2066x\\u2069 c1\\x85 ls\\u2028ps\\u2029" in result.stdout
    for args in (["list", "--json"], ["show", "1", "--json"], ["log", "--json"]):
        result = cli(*args)
        assert not NEVER_RAW.search(result.stdout.replace("\n", "")), args
        assert HOSTILE in json.dumps(json.loads(result.stdout), ensure_ascii=False)
    shown = json.loads(cli("show", "1", "--json").stdout)
    assert shown["action"]["notes"] == f"one\n{HOSTILE}"


def test_plain_tables_line_up_in_terminal_cells_with_wide_characters() -> None:
    """Padded by ``len``, a KPI named in Chinese or with an emoji pushed the next column out
    of line (a tester): CJK and most emoji take two cells, combining marks none."""
    from pdca.tui.columns import cell_width, table

    widths = [cell_width(t) for t in ("abc", "延迟", "🚀", "e\u0301", "", "각", "❤️ x")]
    assert widths == [3, 4, 2, 1, 0, 2, 4]
    text = table(["NAME", "STATUS"], [["延迟 🚀", "ok"], ["plain", "warn"], ["cafe\u0301", "x"]])
    starts = [cell_width(line[: line.rindex("  ") + 2]) for line in text.splitlines()]
    assert len(set(starts)) == 1, text
