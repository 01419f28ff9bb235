"""Input bytes that are not UTF-8 read as U+FFFD, not as the board's end.

Textual's Linux driver decodes the terminal's input strictly: one byte that is not UTF-8
(0xff sent by a key, "café" typed from a Latin-1 terminal over SSH, a paste of raw bytes)
raised in its input thread, and the app ended at once, exit status 0, the open form's text
lost (a tester). Its decoder is made from the driver module's own name
``getincrementaldecoder``, replaced here by one that replaces what it cannot decode, as
Python's own streams do with ``errors="replace"``, except a lone byte 0x80 to 0x9F, which
reads as its C1 control character.
"""

from __future__ import annotations

import codecs
import functools
from typing import Any

C1_BYTES = range(0x80, 0xA0)
ERRORS = "pdca-c1-or-replace"


def _c1_or_replace(error: UnicodeError) -> tuple[str, int]:
    """A lone byte 0x80 to 0x9F reads as its C1 control (a terminal sending 8-bit controls:
    an OSC as the one byte 0x9d, whose string ``control_strings`` then drops whole; read as
    U+FFFD, its contents had run as keys, a retrial); any other byte as U+FFFD."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start]
    if byte in C1_BYTES:
        return chr(byte), error.start + 1
    return "\ufffd", error.start + 1


codecs.register_error(ERRORS, _c1_or_replace)


def _replacing_decoder(encoding: str) -> Any:
    """``codecs.getincrementaldecoder``'s class, made with pdca's ``errors`` (replace, but for
    8-bit controls)."""
    return functools.partial(codecs.getincrementaldecoder(encoding), errors=ERRORS)


def replace_undecodable_input() -> None:
    """Make Textual's terminal driver read undecodable input bytes as U+FFFD."""
    from textual.drivers import linux_driver

    linux_driver.getincrementaldecoder = _replacing_decoder
