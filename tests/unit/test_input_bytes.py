"""Input bytes that are not UTF-8: read as U+FFFD by the terminal driver (tui/input_bytes.py)."""

from __future__ import annotations

import inspect

from pdca.tui.input_bytes import _replacing_decoder, replace_undecodable_input


def test_the_terminal_driver_decodes_through_it_and_replaces_what_is_not_utf8() -> None:
    """Textual's Linux driver makes its decoder from its module-level name: if a release
    makes it some other way, this fails instead of a stray byte ending the board again."""
    from textual.drivers import linux_driver

    assert 'getincrementaldecoder("utf-8")()' in inspect.getsource(
        linux_driver.LinuxDriver.run_input_thread
    )
    before = linux_driver.getincrementaldecoder
    try:
        replace_undecodable_input()
        decode = linux_driver.getincrementaldecoder("utf-8")().decode
        # a character split between two reads still comes whole; a bad byte is a stand-in
        assert decode(b"caf\xc3") + decode(b"\xa9 \xff!") == "café \ufffd!"
    finally:
        linux_driver.getincrementaldecoder = before  # type: ignore[attr-defined]


def test_the_stand_in_decoder_is_a_fresh_one_each_time() -> None:
    first, second = _replacing_decoder("utf-8")(), _replacing_decoder("utf-8")()
    first.decode(b"\xc3")  # half a character held by the first only
    assert second.decode(b"a") == "a"


def test_a_lone_8_bit_byte_is_a_stand_in_not_a_control() -> None:
    """0x9e is "ž" typed in a cp1250 terminal: read as a control (an 8-bit PM), it opened a
    string that took the rest of the sentence with it (a reviewer). It stays U+FFFD."""
    decode = _replacing_decoder("utf-8")().decode
    assert decode(b"abc\x9edef \xf0\x9f\x98A") == "abc\ufffddef \ufffdA"
