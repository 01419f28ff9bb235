"""A bracketed paste holding ESC reaches the app whole, in order, without the ESC: Textual's
parser let what followed an ESC out as keystrokes ahead of the paste (a tester's pasted
``first part <ESC>[1mbold part end`` was saved as ``^[1mbold part endfirst part``)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from textual import events

from pdca.tui.paste_guard import PASTE_END, PASTE_START, PasteSafeParser, guard_pastes


def parsed(chunks: list[str]) -> list[events.Event]:
    parser = PasteSafeParser()
    found: list[events.Event] = []
    for chunk in chunks:
        found += list(parser.feed(chunk))
    return found + list(parser.feed(""))


def cut(text: str, at: list[int]) -> list[str]:
    points = sorted({0, len(text), *(a % (len(text) + 1) for a in at)})
    return [text[a:b] for a, b in itertools.pairwise(points) if b > a]


def test_the_testers_paste_arrives_whole_and_in_order() -> None:
    found = parsed([f"a{PASTE_START}first part \x1b[1mbold part end{PASTE_END}b"])
    assert [type(e).__name__ for e in found] == ["Key", "Paste", "Key"]
    assert isinstance(found[1], events.Paste)
    assert found[1].text == "first part [1mbold part end"


@given(
    st.text(st.sampled_from("ab \x1b[~201m\t")).filter(lambda t: PASTE_END not in t),
    st.lists(st.integers(min_value=0, max_value=200), max_size=6),
)
def test_any_paste_cut_into_any_reads_is_one_paste_without_esc(text: str, at: list[int]) -> None:
    found = parsed(cut(f"{PASTE_START}{text}{PASTE_END}", at))
    pastes = [e for e in found if isinstance(e, events.Paste)]
    assert [p.text for p in pastes] == [text.replace("\x1b", "")]
    assert not [e for e in found if isinstance(e, events.Key)]


def test_keys_outside_a_paste_are_untouched() -> None:
    found = parsed(["x", "\x1b[A", "y"])  # x, the up arrow, y
    assert [e.key for e in found if isinstance(e, events.Key)] == ["x", "up", "y"]


def test_the_terminal_driver_reads_through_it() -> None:
    """Textual's Linux driver makes its parser from its module-level name ``XTermParser``,
    which ``guard_pastes`` replaces: if a release makes it some other way, this fails instead
    of pastes going unguarded (a reviewer: checking the assignment alone could not fail)."""
    import inspect

    from textual.drivers import linux_driver

    assert "XTermParser(" in inspect.getsource(linux_driver.LinuxDriver.run_input_thread)
    before = linux_driver.XTermParser
    try:
        guard_pastes()
        assert linux_driver.XTermParser is PasteSafeParser
    finally:
        linux_driver.XTermParser = before  # type: ignore[misc]


def test_a_key_read_with_the_esc_before_it_is_marked_so() -> None:
    """Alt+u arrives as ESC u in one read: esc, then a u marked as read with it (the form
    that esc leaves drops it, tui/typeahead.py); a u alone is not marked."""
    from pdca.tui.esc_keys import glued_to_esc

    keys = [e for e in parsed(["\x1bu"]) if isinstance(e, events.Key)]
    assert [(k.key, glued_to_esc(k)) for k in keys] == [("escape", False), ("u", True)]
    alone = [e for e in parsed(["u"]) if isinstance(e, events.Key)]
    assert [(k.key, glued_to_esc(k)) for k in alone] == [("u", False)]
