"""A pdca JSON export read a row at a time, its memory flat whatever the file's size.

``json.load`` of the huge file's export (a gigabyte) held the whole document as Python
objects, more than 2 GB resident, before the first row was written (a tester's import on
a shared server). An export is one object, ``{"format": ..., "tables": {"actions": [{...},
...], ...}}``: this walks its top two levels by hand and leaves each value (the header's
values, each row) to ``json.JSONDecoder.raw_decode``, on a buffer read in pieces. The same
JSON grammar: any spacing, any key order (a caller that needs the header before the tables
checks where it came).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

CHUNK = 1 << 20  # characters read at a time; doubled for a value longer than the buffer
_BLANKS = " \t\n\r"
# A value that ends this close to the buffer's end, or an error found there, may be cut by
# it ("1e" of "1e5" read as 1, "\\u00" of "\\u00e9" as a bad escape): read on first.
_NEAR_THE_END = 16
_DECODER = json.JSONDecoder()


class ExportReader:
    """The export in ``stream``, read forward once: ``head`` (every top-level key but
    ``tables``, up to ``tables``), then ``tables()``, then ``rest()`` (any keys after it)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # newlines in what was dropped from the buffer's front
        self.chunk = CHUNK

    # ------------------------------------------------------------------ the buffer

    def _more(self) -> bool:
        """Read the next piece onto what is left; False at the end of the file."""
        if self.eof:
            return False
        piece = self.stream.read(self.chunk)
        if not piece:
            self.eof = True
            return False
        self.lines_before += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos :] + piece
        self.pos = 0
        return True

    def _peek(self) -> str:
        """The next character that is not a blank ("" at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _BLANKS:
                self.pos += 1
            if self.pos < len(self.buffer) or not self._more():
                return self.buffer[self.pos : self.pos + 1]

    def _error(self, message: str, pos: int | None = None) -> json.JSONDecodeError:
        """``json.load``'s error, its line counted from the file's start."""
        at = self.pos if pos is None else pos
        error = json.JSONDecodeError(message, self.buffer, at)
        error.lineno += self.lines_before
        return error

    def _take(self, wanted: str) -> None:
        if self._peek() != wanted:
            raise self._error(f"Expecting {wanted!r}")
        self.pos += 1

    def value(self) -> Any:
        """The next JSON value, whole. A piece that ends inside it is read on from; a number
        or a word at the very end of the buffer may go on in the next piece."""
        self._peek()
        while True:
            try:
                found, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                # Only where the piece ran out: an error inside it is the file's, said at
                # once (read on, a bad row near the start took in the whole file first).
                ran_out = error.pos >= len(self.buffer) - _NEAR_THE_END or error.msg.startswith(
                    "Unterminated string"
                )
                if ran_out and self._grow():
                    continue
                raise self._error(error.msg, error.pos) from None
            if end >= len(self.buffer) - _NEAR_THE_END and self._grow():
                continue  # "12" may be "123", "1" of "1e5" "1": read on, and decode again
            self.pos = end
            self.chunk = CHUNK
            return found

    def _grow(self) -> bool:
        """More of the file onto the buffer, in twice the last piece (a long value is read
        again once per piece: doubling keeps that linear)."""
        grown = self._more()
        self.chunk *= 2
        return grown

    # ------------------------------------------------------------------ the document

    def first(self) -> str:
        """The document's first character that is not a blank ("" for an empty file)."""
        return self._peek()

    def head(self) -> tuple[dict[str, Any], bool]:
        """The top-level keys before ``tables``, and whether ``tables`` came (its value is
        next, for ``tables``); False: the object ended without it."""
        self._take("{")
        found: dict[str, Any] = {}
        if self._peek() == "}":
            self.pos += 1
            return found, False
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self._error("Expecting property name enclosed in double quotes")
            self._take(":")
            if key == "tables":
                return found, True
            found[key] = self.value()
            if not self._next_member():
                return found, False

    def _next_member(self) -> bool:
        """After a member: True for a comma (another follows), False for the closing brace."""
        if self._peek() == ",":
            self.pos += 1
            return True
        self._take("}")
        return False

    def tables(self) -> Iterator[tuple[str, Iterator[Any] | Any]]:
        """Each table's name with its rows, one at a time; a table that is no list comes
        whole, as it is (the caller refuses it). Each table's rows are read to their end
        before the next table is read, whether the caller read them or not."""
        if self._peek() != "{":
            yield "", self.value()  # not an object: the caller refuses it
            return
        self.pos += 1
        if self._peek() == "}":
            self.pos += 1
            return
        while True:
            name = self.value()
            if not isinstance(name, str):
                raise self._error("Expecting property name enclosed in double quotes")
            self._take(":")
            if self._peek() == "[":
                rows = self._rows()
                yield name, rows
                for _ in rows:  # what the caller left unread
                    pass
            else:
                yield name, self.value()
            if not self._next_member():
                return

    def _rows(self) -> Iterator[Any]:
        self._take("[")
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self._peek() == ",":
                self.pos += 1
                continue
            self._take("]")
            return

    def rest(self) -> dict[str, Any]:
        """The top-level keys after ``tables``, then the end of the file (only blanks may
        follow the object, as ``json.load`` has it)."""
        found: dict[str, Any] = {}
        while self._next_member():
            key = self.value()
            if not isinstance(key, str):
                raise self._error("Expecting property name enclosed in double quotes")
            self._take(":")
            found[key] = self.value()
        if self._peek() != "":
            raise self._error("Extra data")
        return found
