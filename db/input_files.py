"""Files a person names for pdca to read (imports): regular files only, read as UTF-8 text.

A FIFO would block the read forever, ``/dev/zero`` never ends and a directory cannot be read,
so what a path is gets checked before it is opened, and again on the opened descriptor (the
name may have been swapped in between). Opening with ``O_NONBLOCK`` means even a FIFO swapped
in at that moment cannot hang the open.
"""

from __future__ import annotations

import csv
import os
import pickle
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Generic, TextIO, TypeVar

from pdca.db.errors import InvalidInput, PdcaError, shell_word
from pdca.db.filesystem import DATABASE_SUFFIXES

T = TypeVar("T")

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def not_a_file(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def refuse_no_file_name(typed: str, field: str = "file") -> None:
    """An empty argument is no file: as a path it is ".", and was refused as "'.' is a
    folder", naming nothing the person typed (a tester)."""
    if not typed.strip():
        raise InvalidInput(field, typed, "is no file name")


def open_text(path: Path, field: str = "file", *, encoding: str = "utf-8") -> TextIO:
    """``path`` opened for reading text, or an ``InvalidInput`` naming why it cannot be.

    Decoding errors surface while reading: callers turn ``UnicodeDecodeError`` into their
    own one line (they know the line number).
    """
    shown = str(path)
    from pdca.db.access import link_to_what_its_maker_may_not_read

    if (link := link_to_what_its_maker_may_not_read(path)) is not None:
        # ben's link to ann's private export, imported by root into the team's file where
        # ben reads it (a reviewer)
        raise InvalidInput(field, shown, f"goes through a link: {link}; nothing read")
    try:
        kind = not_a_file(os.stat(path).st_mode)
        if kind is not None:
            raise InvalidInput(field, shown, f"is {kind}, not a file")
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        if shown == "-":  # as many tools read standard input: not here, and said so
            why = "does not exist (standard input is not read: save it to a file first)"
            raise InvalidInput(field, shown, why) from None
        raise InvalidInput(field, shown, "does not exist") from None
    except NotADirectoryError:
        raise InvalidInput(field, shown, "does not exist (a part of it is not a folder)") from None
    except OSError as error:
        raise InvalidInput(field, shown, f"cannot be read ({error.strerror})") from None
    kind = not_a_file(os.fstat(descriptor).st_mode)
    if kind is not None:
        os.close(descriptor)
        raise InvalidInput(field, shown, f"is {kind}, not a file")
    os.set_blocking(descriptor, True)
    # newline="": the csv module does its own line endings (quoted fields may hold newlines).
    return open(descriptor, encoding=encoding, newline="")  # the caller closes it


def not_utf8(
    path: Path, field: str = "file", *, wanted: str = "a JSON export or a CSV"
) -> InvalidInput:
    """``wanted``: what the command reads, said in brackets (``kpi import`` takes a CSV only);
    with the first line that is not, when the file can be read again to find it (a tester
    was given no line of a sheet of thousands)."""
    wide = _wide_encoding(path)
    file = shell_word(path)
    if wide:  # a spreadsheet's "Unicode text": said what it is (a retrial)
        # A JSON file told "save it as CSV UTF-8" was sent to the wrong format (a trial)
        save = "as CSV UTF-8" if path.suffix.lower() != ".json" else "as UTF-8"
        return InvalidInput(
            field,
            str(path),
            f"is {wide} text{' with no byte order mark' if wide[-2:] in ('BE', 'LE') else ''},"
            f" where pdca reads UTF-8: save it {save}, or convert it:"
            f" iconv -f {wide} -t UTF-8 {file} > {shell_word(_converted(path))}",
        )
    line = _first_line_not_utf8(path)
    where = f", from line {line}" if line is not None else ""
    # From a Windows or Latin-1 machine, as often as not: how to convert it, said (a trial)
    return InvalidInput(
        field,
        str(path),
        f"is not UTF-8 text{where} ({wanted}): save it as UTF-8, or convert one from Windows"
        f" or Latin-1: iconv -f WINDOWS-1252 -t UTF-8 {file} > {shell_word(_converted(path))}",
    )


def _converted(path: Path) -> Path:
    """Where a converted copy of ``path`` goes: ``sheet.utf8.csv`` beside ``sheet.csv``."""
    return path.with_name(f"{path.stem}.utf8{path.suffix}")


def _wide_encoding(path: Path) -> str | None:
    """UTF-16 or UTF-32, when ``path`` begins with its byte order mark; without one, by where
    its start's NULs are, as Latin text's in UTF-16 and UTF-32 are (a file from a big-endian
    tool was told "from line 2", its first line UTF-16 as well: a trial)."""
    try:
        with open(path, "rb") as raw:
            start = raw.read(512)
    except OSError:
        return None
    if start[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    # Text in UTF-8 holds no NUL. One byte of every four never NUL, two of the others
    # always: UTF-32; every other byte never NUL, the others often (any Latin text, whatever
    # its accents and quotes: "café “x”" was told to convert from Windows-1252, a retrial):
    # UTF-16. Text with few Latin letters (Chinese) is not told from the NULs alone.
    whole = len(start) // 4 * 4
    lanes = [start[lane:whole:4] for lane in range(4)]
    zeros = bytes(whole // 4)
    for kept, empty, order in ((3, (0, 1), "UTF-32BE"), (0, (2, 3), "UTF-32LE")):
        if whole >= 8 and lanes[kept].count(0) == 0 and all(lanes[e] == zeros for e in empty):
            return order
    pairs = len(start) // 2 * 2
    for kept, order in ((1, "UTF-16BE"), (0, "UTF-16LE")):
        # nearly never in the one lane: 一 (U+4E00) is "00 4E" in UTF-16LE (a reviewer)
        seldom = start[kept:pairs:2].count(0)
        often = start[1 - kept : pairs : 2].count(0)
        if pairs >= 8 and seldom * 10 <= often and often >= 0.3 * (pairs // 2):
            return order
    return None


def _first_line_not_utf8(path: Path) -> int | None:
    """The number of the first line of ``path`` that is not UTF-8 (a byte 0x0a is a line end
    in UTF-8 alone, never part of a character), or None. Read again, a line at a time: only
    when the import failed on it."""
    try:
        with open(path, "rb") as raw:
            for number, line in enumerate(raw, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    return number
    except OSError:
        return None
    return None


# --------------------------------------------------------------------------- checked rows

# An import checks every row before it writes any, without holding the write lock, and never
# holds the file in memory: each checked row is parked in a private temporary file (a spool),
# and the write then reads the spool back in one transaction. The source is read once, so a
# file that changes under the import cannot slip unchecked rows in. Checking yields, per row,
# its line number and what the row became: the value to write, the error that refused it, or
# None for a row deliberately skipped.
Outcome = tuple[int, T | PdcaError | None]
SHOWN_PROBLEMS = 5  # bad rows named in the one-line message; the rest are counted
# ... and no more than fit this many characters whole: the line's middle was cut, and a row's
# errors read under another's number (a retrial's sheet of six rows, each wrong thrice)
SHOWN_CHARACTERS = 1400


class Spool(Generic[T]):
    """Checked rows on disk, in order, between the check and the write."""

    def __init__(self) -> None:
        # Unlinked at once: private, and gone with the process. Closed by __exit__.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115
        self.count = 0
        self.skipped = 0

    def add(self, value: T) -> None:
        pickle.dump(value, self._file, pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[T]:
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)  # our own file, written just now: trusted

    def __enter__(self) -> Spool[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self._file.close()


def spool_checked(path: Path, outcomes: Iterable[Outcome[T]], verb: str) -> Spool[T]:
    """Every good row, spooled; or one ``InvalidInput`` naming the bad rows (nothing kept)."""
    spool: Spool[T] = Spool()
    problems: list[str] = []
    bad = 0
    try:
        for line, outcome in outcomes:
            if isinstance(outcome, PdcaError):
                bad += 1
                said = f"line {line}: {outcome}"
                room = SHOWN_CHARACTERS - sum(len(shown) + 2 for shown in problems)
                if len(problems) < SHOWN_PROBLEMS and (not problems or len(said) <= room):
                    problems.append(said)
            elif outcome is None:
                spool.skipped += 1
            elif not bad:  # once a row is bad nothing will be written: stop keeping rows
                spool.add(outcome)
    except BaseException:
        spool.__exit__()
        raise
    if bad:
        spool.__exit__()
        more = f"; and {bad - len(problems)} more" if bad > len(problems) else ""
        raise InvalidInput(
            "file",
            str(path),
            f"has {bad} bad row{'s' if bad > 1 else ''}, nothing {verb}: "
            f"{'; '.join(problems)}{more}",
        )
    return spool


# --------------------------------------------------------------------------- CSV

Row = tuple[int, dict[str, str] | InvalidInput]


def refuse_other_separators(path: Path, header: Sequence[str], column: str) -> None:
    """A header that holds ``column`` only when split at semicolons or tabs is a spreadsheet
    saved with them (as in many locales): said so, not as a file with no such column (a
    tester's actions; a trial's readings, "has no column name, at, value" of a file that
    had them). ``column`` empty: any header split by them into names."""
    if len(header) != 1:  # comma-separated already: "name,at;value" is a typo (a reviewer)
        return
    for mark in (";", "\t"):
        if any(
            (column in parts) if column else len(parts) > 1
            for parts in (
                [part.strip('\ufeff "').lower() for part in n.split(mark)] for n in header
            )
        ):
            shown = "semicolons" if mark == ";" else "tabs"
            raise InvalidInput(
                "file",
                str(path),
                f"is separated by {shown}: pdca reads CSV with commas"
                " (save it as CSV, comma-separated)",
            )


def _first_line_split(path: Path) -> list[str]:
    """The first line of ``path``, whole, as a one-name header (nothing when unreadable)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return [stream.readline().rstrip("\r\n")]
    except OSError:
        return []


def _excels_separator_line(written: list[str]) -> str | None:
    """The separator a first line such as Excel writes names (``sep=,``, read by the csv
    module as "sep=" and an empty field), or None for any other line: it was refused as a
    header naming a column 'sep=' (a tester)."""
    if not written or not written[0].lstrip("\ufeff").lower().startswith("sep="):
        return None
    first = written[0].lstrip("\ufeff").lower().strip()
    if len(written) == 2 and not written[1].strip() and first == "sep=":
        return ","
    said = written[0].lstrip("\ufeff").strip(" ")[4:]  # "sep=; " too (a review)
    return said if len(written) == 1 and len(said) == 1 else None


def read_csv(
    path: Path,
    stream: TextIO,
    name: Callable[[str], str] = str.strip,
    *,
    short_rows: bool = False,
    reads: Iterable[str] | None = None,
) -> tuple[list[str], Iterator[Row]]:
    """The header (each column named by ``name``) and the rows of a CSV, each with its line.

    Strict where the csv module is lenient: a quote left open, a column named twice, or a
    row with more fields than the header is an error instead of a guess (the lenient reader
    would swallow the rest of the file into one field, keep one column, or drop fields); so
    is one with fewer, unless ``short_rows`` (its missing last fields are empty: a readings
    file whose note is left off where there is none, as cron jobs write them). Given the
    columns the caller ``reads``, a column it does not read named twice is left for the
    caller to refuse as unknown: a Jira export's three Labels columns were "names a column
    twice: labels" before its unknown columns were said (a trial).
    """
    reader = csv.reader(stream, strict=True)

    def failed(error: csv.Error, line: int | None = None) -> InvalidInput:
        """A field past 128 KiB, a quote left open: named by the line its row starts on (a
        note of 500 000 lines was said at line 65 538, a tester), in pdca's words."""
        said = str(error)
        if said.startswith("field larger than field limit"):
            said = "a field is longer than 128 KiB (a quote left open?)"
        elif said == "unexpected end of data":  # the line it is opened on is the one to look at
            said = "a quote left open: the file ends inside it"
        return InvalidInput("file", str(path), f"line {line or reader.line_num}: {said}")

    try:
        written = next(reader, [])
        separator = _excels_separator_line(written)
        if separator == ",":  # Excel's "sep=," line before the header: the header is next,
            # after any blank line (a review)
            written = next((row for row in reader if any(f.strip() for f in row)), [])
        elif separator is not None:
            shown = {";": "semicolons", "\t": "tabs"}.get(separator, repr(separator))
            raise InvalidInput(
                "file",
                str(path),
                f"is separated by {shown} (its first line says sep={separator}): pdca reads"
                " CSV with commas (save it as CSV, comma-separated)",
            )
        header = [name(column) for column in written]
    except csv.Error as error:
        # '"Title";"Owner"' met the strict reader first: said as the unquoted one is (a
        # tester was told "',' expected after '\"'")
        refuse_other_separators(path, _first_line_split(path), "")
        raise failed(error) from None
    if any("\x00" in column for column in written):  # UTF-16 with no byte order mark, read
        raise not_utf8(path)  # as UTF-8 (its NULs are): said what it is, not "no title"
    # Columns with no name at the end, as spreadsheets save them ("title,owner,,"): left out,
    # with the empty fields under them. "names a column twice: " named nothing (a tester).
    nameless = len(header) - len("\0".join(header).rstrip("\0").split("\0")) if header else 0
    if nameless and header[: len(header) - nameless] == [""] * (len(header) - nameless):
        nameless = 0  # no name at all: said as any header without a title is
    header = header[: len(header) - nameless]
    if "" in header:
        raise InvalidInput(
            "file", str(path), f"names no column {header.index('') + 1} (its header is empty)"
        )
    # Counted once: header.count per column took minutes for a header of 200 000 (a tester)
    twice = [column for column, times in Counter(header).items() if times > 1]  # file order
    if reads is not None:
        known = set(reads)
        twice = [column for column in twice if column in known]
    if twice:
        # as written, when another tool's name is one of them: "names a column twice: phase"
        # of a file with phase and Status (read as phase) named what it did not write twice
        # (a reviewer)
        said = [
            f"{column} (as {' and '.join(repr(w.strip()) for w in as_written)})"
            if len({w.strip().lower() for w in as_written}) > 1
            else column
            for column in twice
            for as_written in [[w for w, n in zip(written, header, strict=False) if n == column]]
        ]
        raise InvalidInput("file", str(path), f"names a column twice: {a_few(said)}")

    def rows() -> Iterator[Row]:
        # A row is named by the line it starts on: a note of three lines made the error say
        # the row's last line, two after the one to look at (a tester).
        first = reader.line_num + 1
        try:
            for read in reader:
                start, first = first, reader.line_num + 1
                if not any(field.strip() for field in read):
                    # a blank line, or a row of empty cells: Excel and Google Sheets write
                    # ",,," for a row cleared, and the whole import was refused for it ("title
                    # is empty", a tester)
                    continue
                fields = read
                if nameless and len(read) > len(header):
                    beyond = read[len(header) : len(header) + nameless]
                    if any(field.strip() for field in beyond):
                        why = "has a value under a column with no name"
                        yield start, InvalidInput("row", ",".join(read), why)
                        continue
                    fields = read[: len(header)] + read[len(header) + nameless :]
                if len(fields) > len(header) or (len(fields) < len(header) and not short_rows):
                    # Fewer too: "N2 bob" with a comma forgotten came in as a title with no
                    # owner, where one too many was refused (a tester). An empty field is
                    # written as such ("N2,").
                    count = f"{len(fields)} field{'s' if len(fields) != 1 else ''}"
                    why = f"has {count}; the header names {len(header)}"
                    # the row as written (the extra value alone read as if it were the row)
                    yield start, InvalidInput("row", ",".join(fields), why)
                    continue
                padded = fields + [""] * (len(header) - len(fields))
                yield start, dict(zip(header, padded, strict=True))
        except csv.Error as error:
            raise failed(error, first) from None

    return header, rows()


def a_few(names: list[str], most: int = 5, longest: int = 40) -> str:
    """``names`` for a one-line message: the first ``most``, each cut to ``longest``
    characters, then how many more (an unknown header of 5 000 columns was a line of 34 KB
    on stderr, a tester)."""
    shown = [name if len(name) <= longest else name[: longest - 1] + "…" for name in names[:most]]
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(shown) + more


SQLITE_HEADER = b"SQLite format 3\x00"


def starts_as_sqlite(path: Path) -> bool:
    """Whether ``path`` starts as a SQLite database does. Only for a file this process holds
    no connection to (closing a descriptor of one drops every lock the process holds on
    it): the caller has refused its own database first."""
    try:
        with open(path, "rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False  # not there, or not readable: nothing known to protect


def sqlite_side_name(path: Path) -> str | None:
    """The suffix (``-wal``, ``-shm``, ``-journal``) when ``path`` is named as a file SQLite
    keeps beside a database, there or not: a file written under such a name is read as a
    lost database's journal (``pdca init`` of that database refused, a tester). A -journal
    counts beside a database's name only (``notes-journal`` is anyone's)."""
    for suffix in ("-wal", "-shm", "-journal"):
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            stem = Path(str(path).removesuffix(suffix))
            if suffix != "-journal" or stem.suffix in DATABASE_SUFFIXES:
                return suffix
    return None
