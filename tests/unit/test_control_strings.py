"""A terminal's control strings (OSC, DCS, APC, PM, SOS) reach the app as nothing: Textual's
parser reissued ``ESC ] 0 ; ... BEL`` as esc (closing an open form) and board keys, and a "u"
in it undid a move (a tester)."""

from __future__ import annotations

import itertools

from hypothesis import assume, given
from hypothesis import strategies as st
from textual import events

from pdca.tui.control_strings import C1_INTRODUCERS, HOLD_SECONDS, ControlStringFilter
from pdca.tui.paste_guard import PASTE_END, PASTE_START, PasteSafeParser


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def keys(chunks: list[str], parser: PasteSafeParser | None = None) -> list[str]:
    parser = parser or PasteSafeParser()
    found: list[events.Event] = []
    for chunk in filter(None, chunks):  # an empty feed is the end of input
        found += list(parser.feed(chunk))
    found += list(parser.feed(""))
    return [e.key for e in found if isinstance(e, events.Key)]


def cut(text: str, at: list[int]) -> list[str]:
    points = sorted({0, len(text), *(a % (len(text) + 1) for a in at)})
    return [text[a:b] for a, b in itertools.pairwise(points) if b > a]


def test_the_testers_title_query_reaches_the_app_as_nothing() -> None:
    assert keys(["\x1b]0;pwned\x07u"]) == ["u"]


def test_strings_ended_by_st_and_every_introducer_are_dropped() -> None:
    for introducer in "]P_^X":
        assert keys([f"a\x1b{introducer}1;x y\x1b\\b"]) == ["a", "b"], introducer


def test_8_bit_strings_are_dropped_whole_however_they_end() -> None:
    """An OSC opened by the one character U+009D: its "u" undid a change, and in a form its
    text was kept as the title's (a retrial)."""
    for introducer in sorted(C1_INTRODUCERS):
        for end in ("\x07", "\x9c", "\x1b\\"):
            assert keys([f"a{introducer}52;c;u{end}b"]) == ["a", "b"], (introducer, end)
    assert keys(["a\x9d11;rgb:00", "00/0000\x9c", "b"]) == ["a", "b"]  # across reads


def test_an_8_bit_string_that_does_not_end_is_dropped_introducer_and_all() -> None:
    assert held_then_stale("\x9d0;5nq") == []
    assert held_then_stale("\x90") == []  # nobody types it: not a key either
    assert keys(["\x9d0;5\x1b[A"]) == ["up"]  # cut short by a new ESC


def test_a_reply_cut_across_reads_is_still_dropped() -> None:
    assert keys(["a\x1b]11;rgb:00", "00/0000\x1b", "\\b"]) == ["a", "b"]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["a", "u", " ", "\x1b[A", "j"]),
            st.builds(
                lambda intro, body, end: f"{intro}{body}{end}",
                st.sampled_from([*(f"\x1b{c}" for c in "]P_^X"), *C1_INTRODUCERS]),
                st.text(st.sampled_from("0;rgb:/ab[")),
                st.sampled_from(["\x07", "\x1b\\", "\x9c"]),
            ),
        ),
        max_size=8,
    ),
    st.lists(st.integers(min_value=0, max_value=300), max_size=6),
)
def test_keys_around_strings_cut_into_any_reads_arrive_alone_in_order(
    parts: list[str], at: list[int]
) -> None:
    strings = ("\x1b]", "\x1bP", "\x1b_", "\x1b^", "\x1bX", *C1_INTRODUCERS)
    typed = [p for p in parts if not p.startswith(strings)]
    text = "".join(parts)
    # A read that ends on a string's very ESC passes it on: it may be the escape key, which
    # must not wait (the module says why).
    chunks = cut(text, at)
    assume(not any(c.endswith("\x1b") for c in chunks[:-1]))
    assert keys(chunks) == keys(["".join(typed)])


def held_then_stale(text: str) -> list[str]:
    """The keys of ``text`` read alone, once nothing more came for ``HOLD_SECONDS``."""
    clock = FakeClock()
    parser = PasteSafeParser()
    parser._control_filter = ControlStringFilter(clock)
    found = list(parser.feed(text)) + list(parser.tick())
    assert [e for e in found if isinstance(e, events.Key)] == []  # held, nothing yet
    clock.now += HOLD_SECONDS
    found += list(parser.tick()) + list(parser.feed(""))
    return [e.key for e in found if isinstance(e, events.Key)]


def test_esc_then_p_typed_quickly_arrives_once_held_too_long() -> None:
    assert held_then_stale("\x1bP") == ["escape", "P"]


def test_a_string_that_does_not_end_is_dropped_not_run_as_keys() -> None:
    """Passed on as it came, "ESC ] 0 ; x 5 n q" closed an open form, and 5 opened the
    stand-up, n stepped on and q quit the app (a retrial)."""
    assert held_then_stale("\x1b]0;x5nq") == []
    assert held_then_stale("\x1bPab") == []  # esc, P and more within 0.3 s: read as one


def test_a_string_cut_short_by_a_new_esc_is_dropped_and_the_rest_read() -> None:
    assert keys(["\x1b]0;x5nq\x1b[A"]) == ["up"]
    assert keys(["\x1b]0;x\x1b[A5"]) == ["up", "5"]


def test_a_paste_after_a_dropped_reply_is_whole() -> None:
    parser = PasteSafeParser()
    found = list(parser.feed(f"\x1b]0;t\x07{PASTE_START}x\x1b]y\x07z{PASTE_END}"))
    found += list(parser.feed(""))
    assert [e.text for e in found if isinstance(e, events.Paste)] == ["x]y\x07z"]
    assert not [e for e in found if isinstance(e, events.Key)]


def test_a_pasted_8_bit_control_string_keeps_every_word_of_the_paste() -> None:
    """A paste is data: an 8-bit control's introducer in it opened a string that took the
    pasted words after it (a retrial's title lost "0;evil"). The controls go, as ESC does,
    and every other character stays, in its place, in one piece, across reads too."""
    pasted = "P1\x9d0;evil\x07 mid \x9b2J after \x90dcs\x9c tail"
    for chunks in (
        [f"{PASTE_START}{pasted}{PASTE_END}"],
        [PASTE_START + pasted[:9], pasted[9:] + PASTE_END],
    ):
        parser = PasteSafeParser()
        found = [e for chunk in chunks for e in parser.feed(chunk)] + list(parser.feed(""))
        assert [e.text for e in found if isinstance(e, events.Paste)] == [
            "P10;evil\x07 mid 2J after dcs tail"
        ], chunks
        assert not [e for e in found if isinstance(e, events.Key)]


def test_a_string_too_long_to_hold_is_dropped_to_its_end_not_run_as_keys() -> None:
    """70 000 letters of a clipboard reply, pasted raw, ran as board keys: they recorded a
    stand-up, undid it and quit (a retrial)."""
    from pdca.tui.control_strings import HOLD_LIMIT

    body = "QUFB" * (HOLD_LIMIT // 4 + 100)
    chunks = ["a\x1b]52;c;"] + [body[at : at + 4096] for at in range(0, len(body), 4096)]
    assert keys([*chunks, "\x1b", "\\u"]) == ["a", "u"]
    assert keys([*chunks, "\x07j"]) == ["a", "j"]


def test_a_reply_that_keeps_coming_slowly_is_held_from_its_last_read() -> None:
    """A reply cut into reads 60 ms apart went on as keys once 0.3 s had passed since its
    start (a retrial): the wait counts from the last read."""
    clock = FakeClock()
    parser = PasteSafeParser()
    parser._control_filter = ControlStringFilter(clock)
    found: list[events.Event] = list(parser.feed("\x1b]52;c;"))
    for _ in range(10):
        clock.now += HOLD_SECONDS / 2
        found += list(parser.tick())
        found += list(parser.feed("QUFB"))
    found += list(parser.feed("\x07x")) + list(parser.feed(""))
    assert [e.key for e in found if isinstance(e, events.Key)] == ["x"]


def test_a_string_too_long_cut_short_by_a_new_esc_is_dropped_not_passed_on() -> None:
    """The length was looked at only for a string still waiting: one cut short by an arrow
    key went on whole, 80 000 letters of it as keys (a reviewer)."""
    from pdca.tui.control_strings import HOLD_LIMIT

    body = "QUFB" * (HOLD_LIMIT // 4 + 100)
    assert keys([f"a\x1b]52;c;{body}\x1b[Ax"]) == ["a", "up", "x"]
