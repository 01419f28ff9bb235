"""How the command line prints records: stable JSON for scripts, escaped text for people
(aligned columns are ``columns``).

User text is data: in text output every control character (ANSI escapes included), every
bidirectional control and the line and paragraph separators are shown as visible escapes
(``\\x1b``, ``\\u202e``: the rule is ``db.text_rules``), so a title can neither drive the
terminal nor reorder the text around it. JSON output carries the text exactly, with those
same characters written as ``\\uXXXX`` escapes, so even a JSON document printed to a
terminal cannot drive it.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pdca.db.text_rules import (
    SHOWN_ESCAPED,
    SHOWN_ESCAPED_EXCEPT_NEWLINE,
    UNSAFE_EXCEPT_NEWLINE,
    escape,
    no_mentions,
)
from pdca.tui.ascii_terminal import NAME as ASCII_TERMINAL

# The string encoders json.dumps uses (their C versions where built): ensure_ascii off, on.
_encode_string = json.encoder.encode_basestring
_encode_ascii = json.encoder.encode_basestring_ascii

# Whitespace JSON allows between tokens; json.dumps never leaves one raw inside a string.
_JSON_WHITESPACE = frozenset("\t\r")


def printable(text: str | None) -> str:
    """``text`` on one line, every unsafe character (newlines too) shown as its escape."""
    if text is None:
        return ""
    return escape(text, SHOWN_ESCAPED)


def md_escape(text: str) -> str:
    """Markdown (chat, wikis) must show user text as typed: controls as their escapes, and a
    backslash before everything that would format it (``&`` too: ``&amp;`` stays ``&amp;``)."""
    text = printable(text)
    for char in "\\`*_[]<>|~!&":
        text = text.replace(char, "\\" + char)
    # A # formats only where a heading starts or ends (user text never starts a line: it
    # follows "- Done: #12 " or "# Cycle report: "); elsewhere "\#6" showed as typed in chats
    # that keep the backslash (a tester).
    text = re.sub(r"^#|#(?=#*\s*$)", r"\\#", text, count=0)
    # "@here" in a title pinged the whole channel from a posted stand-up (a tester): broken
    # as notifications break it, by a zero-width space after the @.
    return no_mentions(text)


def for_terminal(text: str) -> str:
    """Many lines of ``text`` (an export going to a terminal) with unsafe characters escaped
    and the newlines between lines kept."""
    return escape(text, SHOWN_ESCAPED_EXCEPT_NEWLINE)


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _JSON_WHITESPACE:
        return char
    return f"\\u{ord(char):04x}"  # every unsafe character is in the BMP (a test checks)


def json_safe(document: str) -> str:
    """A JSON ``document`` (as ``json.dumps(..., ensure_ascii=False)`` writes it) with the
    characters a terminal would act on written as ``\\uXXXX``: the same JSON value, safe
    to print. Outside strings JSON has only whitespace, which is kept, so the escapes all
    land inside strings, where JSON allows any character to be written so."""
    return UNSAFE_EXCEPT_NEWLINE.sub(_json_escape, document)


def ascii_terminal() -> bool:
    """Whether stdout is a terminal that is not UTF-8 (ASCII, ``tui/ascii_terminal.py``, or
    Latin-1: a pipe or a file is always UTF-8): JSON printed there is ASCII, its other
    characters as JSON's own escapes (``\\u00e9``). The terminal's own stand-ins gave
    ``\\xe9``, no JSON (a reviewer), and pdca's look-alikes turned a title's quotes into
    JSON's own (a reviewer)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if encoding == ASCII_TERMINAL:
        return True
    try:
        return codecs.lookup(encoding).name != "utf-8"
    except LookupError:
        return True


def for_this_terminal(text: str) -> str:
    """``text`` with what stdout cannot show as backslash escapes already (``\\u201c``): data
    (a CSV export to a terminal) never meets the stream's look-alikes, which made a title's
    “quotes” CSV's own and shifted its columns (a reviewer)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        return text


def as_stdout_shows() -> Callable[[str], str] | None:
    """How the terminal on stdout shows text it cannot encode (pdca's marks as look-alikes,
    the rest as escapes: ``tui/ascii_terminal.py``), for a table to measure its cells as
    shown: measured before, a cell with an emoji was 9 cells wider than counted, and the
    table overflowed the terminal (a tester). None where everything shows as it is."""
    from pdca.tui.ascii_terminal import MARKS_ERRORS

    encoding = getattr(sys.stdout, "encoding", None)
    if not encoding or getattr(sys.stdout, "errors", None) != MARKS_ERRORS:
        return None
    return lambda text: text.encode(encoding, MARKS_ERRORS).decode(encoding)


def to_json(value: Any, *, ascii_only: bool | None = None) -> str:
    from pdca.db.plain import plain  # dataclasses: not loaded by a write that prints no JSON

    if ascii_only is None:
        ascii_only = ascii_terminal()
    document = json.dumps(plain(value), ensure_ascii=ascii_only, indent=2, default=_not_text)
    return json_safe(document)


def _not_text(value: Any) -> str:
    """A value JSON cannot hold, put in the file by hand (bytes for a title, past the
    schema's checks), as ``escape`` shows it: never a crash of the output (a reviewer)."""
    if isinstance(value, bytes):
        return f"{value!r} (not text: changed outside pdca)"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _flat_item(data: dict[str, Any], ascii_only: bool = False) -> str | None:
    """A flat object (a record of scalars, as ``list --json`` prints) as ``json_array``
    indents it, from the C encoder's pieces: each string, number, boolean and null as
    ``json.dumps`` writes it. None for anything else (then ``json.dumps`` itself is asked)."""
    if not data:
        return None
    lines = []
    encode = _encode_ascii if ascii_only else _encode_string
    for key, value in data.items():
        kind = type(value)
        if kind is str:
            encoded = encode(value)
        elif value is None:
            encoded = "null"
        elif kind is bool:
            encoded = "true" if value else "false"
        elif kind is int:
            encoded = int.__repr__(value)
        else:
            return None
        if type(key) is not str:
            return None
        lines.append(f"    {encode(key)}: {encoded}")
    return "  {\n" + ",\n".join(lines) + "\n  }"


def _plain(item: Any) -> Any:
    """A record as its dict; anything else as it is. Not ``db.plain.plain``: a streamed row is
    a flat dict already, and copying each of 100 000 of them would cost the stream its speed."""
    if hasattr(type(item), "model_dump"):
        return item.model_dump(mode="json")
    return item


def json_array(items: Iterable[Any]) -> Iterator[str]:
    """``to_json(list(items))`` in pieces, one item at a time: an output that grows with the
    data (``pdca list --json``) streams, and memory stays flat.

    ``json.dumps`` with ``indent`` runs the pure-Python encoder; a flat record (every field a
    string, number, boolean or null, as an action is) is written here from the C encoder's
    pieces instead, the same text three times as fast (issue 14)."""
    opened = False
    ascii_only = ascii_terminal()  # once, not for each of 100 000 items
    for item in items:
        data = _plain(item)
        piece = _flat_item(data, ascii_only) if type(data) is dict else None
        if piece is None:
            indented = to_json(data, ascii_only=ascii_only).split("\n")
            piece = "\n".join("  " + line for line in indented)
        else:
            piece = json_safe(piece)
        yield (",\n" if opened else "[\n") + piece
        opened = True
    yield "\n]\n" if opened else "[]\n"
