"""An ASCII terminal's output stream that click leaves as it is.

click's ``echo`` takes a stream whose encoding is ASCII for a misconfigured one and writes
UTF-8 to it instead, so the ``backslashreplace`` pdca sets never applied: an ASCII terminal
got raw UTF-8 bytes (``CafM-CM-)``) beside pdca's own ASCII cut marks (two testers). The
same ASCII codec under a name of pdca's own is not taken for a mistake.

What such a terminal cannot show comes out as escapes (``\\xe9``), but pdca's own marks, the
dashes, quotes, arrows, cut marks and sparkline bars of its tables and digests, as their ASCII
look-alikes (``MARKS_ERRORS``): ``\\u2014 8d late`` in every stand-up line and bars of
``\\u2581\\u2583`` were unreadable (two testers).
"""

from __future__ import annotations

import codecs
import encodings.ascii

NAME = "pdca-ascii"
MARKS_ERRORS = "pdca-marks"  # the error handler: a mark's look-alike, else backslashreplace

# pdca's own marks, as a terminal that cannot show them shows them instead. The cut mark is
# "~", as the tables cut for such a terminal already.
_LOOK_ALIKES = {
    "\u2014": "-", "\u2013": "-", "\u2026": "~", "\u201c": '"', "\u201d": '"',
    "\u2018": "'", "\u2019": "'", "\u00ab": "<<", "\u00bb": ">>", "\u00b7": ".",
    "\u2192": "->", "\u2190": "<-", "\u2197": "^", "\u2198": "v", "\u2191": "^",
    "\u2193": "v", "\u21a6": "->", "\u26a1": "!",
    "\u2691": "!", "\u21af": "!", "\u25b2": "^", "\u2605": "*", "\u25cf": "@",
    "\u25cb": "o", "\u25d4": "o", "\u25a0": "#", "\u21b6": "<-", "\u21bb": "@",
    "\u2581": "_", "\u2582": ".", "\u2583": "-", "\u2584": "-", "\u2585": "=",
    "\u2586": "=", "\u2587": "#", "\u2588": "#",
    # the report's marks of a linked action: » entered Do, ✓ done, ✗ abandoned (a "
    # for », and escapes for the others, a terminal trial)
    "\u2713": "v", "\u2717": "x",
}  # fmt: skip


def _marks_then_escapes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    shown = []
    for char in error.object[error.start : error.end]:
        look_alike = _LOOK_ALIKES.get(char)
        if look_alike is not None:
            shown.append(look_alike)
        elif ord(char) <= 0xFF:
            shown.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            shown.append(f"\\u{ord(char):04x}")
        else:
            shown.append(f"\\U{ord(char):08x}")
    return "".join(shown), error.end


def _search(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != NAME:
        return None
    ascii_codec = encodings.ascii.getregentry()
    return codecs.CodecInfo(
        name=NAME,
        encode=ascii_codec.encode,
        decode=ascii_codec.decode,
        incrementalencoder=ascii_codec.incrementalencoder,
        incrementaldecoder=ascii_codec.incrementaldecoder,
        streamwriter=ascii_codec.streamwriter,
        streamreader=ascii_codec.streamreader,
    )


def is_ascii(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "ascii"
    except LookupError:
        return False


def register() -> str:
    """The name of the ASCII codec click leaves alone (registered once), and the error
    handler ``MARKS_ERRORS`` with it."""
    try:
        codecs.lookup(NAME)
    except LookupError:
        codecs.register(_search)
        codecs.register_error(MARKS_ERRORS, _marks_then_escapes)
    return NAME
