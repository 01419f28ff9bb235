"""An ASCII terminal's output stream that click leaves as it is.

click's ``echo`` takes a stream whose encoding is ASCII for a misconfigured one and writes
UTF-8 to it instead, so the ``backslashreplace`` pdca sets never applied: an ASCII terminal
got raw UTF-8 bytes (``CafM-CM-)``) beside pdca's own ASCII cut marks (two testers). The
same ASCII codec under a name of pdca's own is not taken for a mistake.
"""

from __future__ import annotations

import codecs
import encodings.ascii

NAME = "pdca-ascii"


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
    """The name of the ASCII codec click leaves alone (registered once)."""
    try:
        codecs.lookup(NAME)
    except LookupError:
        codecs.register(_search)
    return NAME
