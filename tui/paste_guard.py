"""A bracketed paste whose text holds ESC arrives in order, without the ESC.

Textual's input parser reads an ESC inside a paste as the start of a key sequence: what
followed it came out as keystrokes at once, ahead of the paste itself, which arrives only at
its end. A tester's pasted ``first part <ESC>[1mbold part end`` was saved as
``^[1mbold part endfirst part``. Terminals such as xterm and Alacritty strip ESC from what is
pasted for the same reason (a pasted ``ESC[201~`` would end the paste early); tmux passes it
on. So pdca strips it too, before Textual's parser sees the paste: every other character
stays, in its place.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from pdca.tui.control_strings import ControlStringFilter
from pdca.tui.esc_keys import EscThenKeyParser

ESC = "\x1b"
# ESC and the 8-bit controls (U+0080 to U+009F): taken out of a paste's text. An 8-bit
# control string's introducer (U+009D ...) left in it made the control-string filter drop the
# pasted words after it up to its end (a retrial: "0;evil" went from a pasted title).
_NOT_PASTED: dict[int, None] = {ord(ESC): None, **dict.fromkeys(range(0x80, 0xA0))}
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


def _pasted(text: str) -> str:
    return text.translate(_NOT_PASTED)


def _held_back(text: str, marker: str) -> int:
    """How many characters at the end of ``text`` may be the start of ``marker`` (split
    across two reads): they wait for the next read."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


class PasteFilter:
    """Strips ESC from the text between a paste's start and end markers, across reads."""

    def __init__(self) -> None:
        self.pasting = False
        self.held = ""  # in a paste: what may be the start of its end marker
        self.seen = ""  # outside: the last few characters passed on

    def flush(self) -> str:
        """At the end of input: what was held back, as it is."""
        held, self.held = self.held, ""
        return held

    def __call__(self, data: str) -> str:
        text, self.held = self.held + data, ""
        out: list[str] = []
        at = 0
        while at < len(text):
            if not self.pasting:
                # Passed on at once (a lone ESC may be the escape key), and looked for across
                # reads: a start marker cut in two ("ESC" now, "[200~" next) is still seen.
                rest = text[at:]
                joined = self.seen + rest
                start = joined.find(PASTE_START)
                if start < 0:
                    out.append(rest)
                    self.seen = joined[-(len(PASTE_START) - 1) :]
                    break
                begins = start + len(PASTE_START) - len(self.seen)  # where, in rest
                out.append(rest[:begins])
                at += begins
                self.pasting, self.seen = True, ""
            else:
                end = text.find(PASTE_END, at)
                if end < 0:
                    rest = text[at:]
                    keep = _held_back(rest, PASTE_END)
                    out.append(_pasted(rest[: len(rest) - keep]))
                    self.held = rest[len(rest) - keep :]
                    break
                out.append(_pasted(text[at:end]) + PASTE_END)
                at = end + len(PASTE_END)
                self.pasting = False
        return "".join(out)


class PasteSafeParser(EscThenKeyParser):
    """Textual's parser (esc then a key read as both), fed through ``PasteFilter`` and then
    ``ControlStringFilter`` (a terminal's control strings are not keys)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paste_filter = PasteFilter()
        self._control_filter = ControlStringFilter()

    def feed(self, data: str) -> Iterable[Any]:
        if not data:  # the end of input (Textual's parser is told so by an empty feed)
            rest = self._control_filter(self._paste_filter.flush()) + self._control_filter.flush()
            return itertools.chain(super().feed(rest) if rest else (), super().feed(""))
        filtered = self._control_filter(self._paste_filter(data))
        if not filtered:  # all of it held back for now: an empty feed would mean the end
            return ()
        return super().feed(filtered)

    def tick(self) -> Iterable[Any]:
        """Textual's driver calls this every tenth of a second: a string held too long for
        its end is passed on then."""
        stale = self._control_filter.stale()
        return itertools.chain(super().feed(stale) if stale else (), super().tick())


def guard_pastes() -> None:
    """Make Textual's terminal driver read input through ``PasteSafeParser``."""
    from textual.drivers import linux_driver

    linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]
