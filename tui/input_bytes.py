"""Input bytes that are not UTF-8 read as U+FFFD, not as the board's end.

Textual's Linux driver decodes the terminal's input strictly: one byte that is not UTF-8
(0xff sent by a key, "café" typed from a Latin-1 terminal over SSH, a paste of raw bytes)
raised in its input thread, and the app ended at once, exit status 0, the open form's text
lost (a tester). Its decoder is made from the driver module's own name
``getincrementaldecoder``, replaced here by one that replaces what it cannot decode, as
Python's own streams do with ``errors="replace"``.
"""

from __future__ import annotations

import codecs
import functools
from typing import Any


def _replacing_decoder(encoding: str) -> Any:
    """``codecs.getincrementaldecoder``'s class, made with ``errors="replace"``."""
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def replace_undecodable_input() -> None:
    """Make Textual's terminal driver read undecodable input bytes as U+FFFD."""
    from textual.drivers import linux_driver

    linux_driver.getincrementaldecoder = _replacing_decoder
