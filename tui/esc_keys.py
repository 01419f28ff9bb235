"""Esc and then a key, read together within Textual's escape delay, are esc and the key.

Over SSH the two often arrive in one read. Textual's input parser reads them as one key:

- ``ESC 3`` as "£" (what WezTerm on macOS sends for Option+3): in a form's text field, esc
  then 3 saved "£" in the title and left the form open (a tester). Without those entries of
  its table the parser reads them as it reads esc and a letter;
- esc and a letter as alt+letter, esc and a symbol as the symbol alone (its esc dropped):
  esc then / in the filter field typed "/" there and left the filter open (a tester).
  ``EscThenKeyParser`` gives both keys, as typed. pdca binds no alt key.

A "£" typed as itself (its UTF-8 bytes) is still a "£". Sequences in Textual's table (esc b,
esc f: the word moves macOS terminals send for Option+arrows) keep their meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Any, cast

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.message import Message

ESC_DIGIT_SEQUENCES = tuple(f"\x1b{digit}" for digit in "0123456789")
# The mark on a key that came in one read with the esc before it (an alt+key, most often):
# ``glued_to_esc`` reads it.
GLUED_TO_ESC = "_pdca_glued_to_esc"


def glued_to_esc(event: object) -> bool:
    """Whether ``event`` is a key read in one go with the esc before it (Alt+u, ESC u)."""
    return bool(getattr(event, GLUED_TO_ESC, False))


def read_esc_digits_as_keys() -> None:
    """Let Textual's parser read ``ESC digit`` as alt+digit (a private table: a test checks
    that the entries are there to remove in the Textual this runs on)."""
    table = cast("dict[str, object]", ANSI_SEQUENCES_KEYS)  # typed a Mapping; a dict at run
    for sequence in ESC_DIGIT_SEQUENCES:
        table.pop(sequence, None)


class EscThenKeyParser(XTermParser):
    """Textual's parser, but esc and the key after it, read together, are two keys.

    Also esc, a key, esc read in one burst: Textual reissues the first two keys and turns
    their esc into "^" (its ``process_alt=False`` path), and "n esc e esc c ..." typed fast
    saved a new action titled "^e^c^>" (a tester, over and over). That esc is esc again."""

    _escape_read_as_caret = False

    def parse(self, token_callback: Callable[[Message], None]) -> Generator[Any, str, None]:
        def as_typed(token: Message) -> None:
            if (
                self._escape_read_as_caret
                and isinstance(token, events.Key)
                and token.key == "circumflex_accent"
            ):
                token = events.Key("escape", "\x1b")
            self._escape_read_as_caret = False
            token_callback(token)

        return super().parse(as_typed)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        # A lone esc reaches this only when Textual reissues a sequence it will then turn
        # into "^" (``parse`` turns it back): the main loop sends a lone esc itself.
        self._escape_read_as_caret = sequence == "\x1b" and not alt
        # ``alt``: the parser met an esc it could not read as the start of a sequence, then
        # this key (an unknown sequence reissued key by key). Only before a character one
        # types: Alt+Backspace (ESC ^H) and Alt+Enter (ESC CR) closed a form as esc, and lost
        # what was typed (a reviewer); ESC [ and ESC O begin sequences a slow link may split.
        if alt and _typed_after_esc(sequence):
            yield events.Key("escape", "\x1b")
            for key in super()._sequence_to_key_events(sequence, alt=False):
                setattr(key, GLUED_TO_ESC, True)
                yield key
            return
        yield from super()._sequence_to_key_events(sequence, alt=alt)


def _typed_after_esc(sequence: str) -> bool:
    return (
        len(sequence) == 1
        and sequence.isprintable()
        and not sequence.isspace()
        and sequence not in "[O"
    )
