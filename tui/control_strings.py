"""A terminal's control strings (OSC, DCS, APC, PM, SOS) are never keys: they are dropped whole.

Textual's parser knows no control strings, so it reissued one as keystrokes: ``ESC ] 0 ; ...
BEL`` (a terminal's reply to a query, or text pasted into a terminal without bracketed paste)
arrived as esc, which closed an open form, then "]", "0", ";" and the rest as board keys; a
"u" in it undid a move (a tester). A person cannot type one: a string runs from ``ESC ]``,
``ESC P``, ``ESC _``, ``ESC ^`` or ``ESC X`` to BEL or ``ESC \\`` (ST).

A string not ended within a read waits for the next read, its wait counted from its last
read (a long reply over a slow link, cut into many reads, went on as keys half-way: a
retrial). One that then gets nothing more for ``HOLD_SECONDS``, or that a new ESC cuts short,
is not keys either, and is dropped: passed on, "ESC ] 0 ; x q" closed an open form and its q
quit the app (a retrial). All but the introducer alone, ``ESC P`` with nothing after it: that
is esc then "P", typed quickly over SSH, and goes on as the two keys, a little late. One
longer than ``HOLD_LIMIT`` is dropped to its end as it comes (70 000 letters of a clipboard
reply had run as board keys, recorded a stand-up and quit, a retrial).

A read that ends on the ESC itself passes it on: it is most often the escape key, which
must not wait twice (Textual's parser already waits to see what follows an ESC).

The 8-bit forms are dropped the same way: a string opened by one C1 character (U+0090 DCS,
U+0098 SOS, U+009D OSC, U+009E PM, U+009F APC) and ended by BEL, ST (U+009C) or ``ESC \\``.
Their contents had run as keys: a "u" in one undid a change (a retrial). Nobody types one,
so an unended one is dropped whole, its introducer too. Only as UTF-8 (C2 9D): a raw byte
0x9D is U+FFFD (``input_bytes``), as it is also "ž" typed in a cp1250 terminal, whose
sentence after it would have gone with the string (a reviewer).
"""

from __future__ import annotations

import time
from collections.abc import Callable

ESC = "\x1b"
BEL = "\x07"
STRING_TERMINATOR = "\x1b\\"
STRING_INTRODUCERS = frozenset("]P_^X")  # after ESC: OSC, DCS, APC, PM, SOS
C1_INTRODUCERS = frozenset("\x9d\x90\x9f\x9e\x98")  # the same, in one 8-bit character
C1_STRING_TERMINATOR = "\x9c"
HOLD_SECONDS = 0.3
HOLD_LIMIT = 64 * 1024  # characters: a string longer than this is no reply to wait for


class ControlStringFilter:
    """Drops complete control strings from what is read, across reads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.held = ""  # an unended control string, from its ESC
        self._held_since = 0.0  # when the held string last grew
        self.dropping = False  # in a string too long to hold: dropped up to its end

    def __call__(self, data: str) -> str:
        text, self.held = self.held + data, ""
        at = 0
        if self.dropping:
            at, ended = self._end_of_dropped(text)
            if not ended:
                self._held_since = self._clock()
                return ""
            self.dropping = False
        out: list[str] = []
        while at < len(text):
            start = self._next_string(text, at)
            if start < 0:
                out.append(text[at:])
                break
            out.append(text[at:start])
            end, ended = self._string_end(text, start)
            if ended:
                at = end  # the whole string dropped
            elif end < len(text):
                out.append(_unended(text[start:end]))  # cut short by a new ESC
                at = end
            elif len(text) - start > HOLD_LIMIT:
                self.dropping = True  # and the rest of it, as it comes
                self.held = text[-1] if text.endswith(ESC) else ""  # ST's first half, kept
                self._held_since = self._clock()
                break
            else:
                self._held_since = self._clock()  # the wait counts from its last read
                self.held = text[start:]
                break
        return "".join(out)

    def _end_of_dropped(self, text: str) -> tuple[int, bool]:
        """Where the string being dropped ends in ``text``, and whether it does."""
        for at, char in enumerate(text):
            if char in (BEL, C1_STRING_TERMINATOR):
                return at + 1, True
            if char == ESC and text[at + 1 : at + 2] == "\\":
                return at + 2, True
        self.held = ESC if text.endswith(ESC) else ""  # may be ST's first half
        return len(text), False

    def stale(self) -> str:
        """What was held too long for its end: to be passed on as it came (empty if none).
        A string being dropped that stopped coming ends there, dropped."""
        if (self.held or self.dropping) and self._clock() - self._held_since >= HOLD_SECONDS:
            if self.dropping:
                self.dropping, self.held = False, ""
                return ""
            return self.flush()
        return ""

    def flush(self) -> str:
        held, self.held, self._held_since = self.held, "", 0.0
        if self.dropping:
            self.dropping = False
            return ""
        return _unended(held)

    @staticmethod
    def _next_string(text: str, at: int) -> int:
        for start in range(at, len(text)):
            char = text[start]
            if char in C1_INTRODUCERS:
                return start
            if char == ESC and start + 1 < len(text) and text[start + 1] in STRING_INTRODUCERS:
                return start
        return -1

    @staticmethod
    def _string_end(text: str, start: int) -> tuple[int, bool]:
        """Where the string from ``start`` ends, and whether it ended as a string should
        (BEL or ST), or was cut short by another ESC, or runs to the end of ``text``."""
        at = start + (1 if text[start] in C1_INTRODUCERS else 2)
        while at < len(text):
            char = text[at]
            if char in (BEL, C1_STRING_TERMINATOR):
                return at + 1, True
            if char == ESC:
                if at + 1 == len(text):
                    return len(text), False  # ESC at the end: may be ST's first half
                if text[at + 1] == "\\":
                    return at + 2, True
                return at, False
            at += 1
        return len(text), False


def _unended(string: str) -> str:
    """What of a string that did not end (cut short, or nothing more came) goes on as keys:
    the introducer alone (esc then "P", typed quickly), else nothing (an 8-bit one: nothing,
    as nobody types it)."""
    if string[:1] in C1_INTRODUCERS:
        return ""
    return string if len(string) <= len(ESC) + 1 else ""
