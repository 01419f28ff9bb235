"""Bad input: exit status 1, one line on stderr naming the field and the value, nothing written.

Every case runs against a database made by a successful ``init`` and ``add``; its bytes
(sha256) must be the same afterwards.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import by_hand, run_pdca

SQLITE_HEADER = b"SQLite format 3\x00"  # what a SQLite file starts with

KPI = "Resolution time"
KPI_ADD = ["kpi", "add", "Cost", "--unit", "EUR"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit 1, exactly one line on stderr starting 'pdca: ' and holding every fragment."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    stderr = result.stderr
    assert stderr.startswith("pdca: "), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr, (fragment, stderr)
    return stderr


@pytest.fixture
def existing(cli, db_path: Path) -> str:
    """init, a KPI, and one action; returns the file's digest afterwards."""
    for args in (
        ("init",),
        ("kpi", "add", KPI, "--unit", "h", "--baseline", "30", "--target", "24"),
        ("add", "first", "--owner", "dana", "--due", "+1w", "--kpi", KPI),
    ):
        assert cli(*args).exit_code == 0
    return sha256(db_path)


LONG_TITLE = "x" * 10_000

# (command line, fragments the one line must hold: the field, then the value as shown)
CASES: list[tuple[list[str], tuple[str, ...]]] = [
    # titles, messages, names
    (["add", ""], ("title is empty",)),
    (["add", "   "], ("title: '   '", "is empty")),
    (["add", "\t\n"], ("title: '\\t\\n'", "is empty")),
    # the length said once (it said "(10000 characters) is 10000 characters long")
    (["add", LONG_TITLE], ("title: 'xxxxxxxx", "...' is 10000 characters long; the most is 200")),
    (["edit", "1", "--title", " "], ("title: ' '", "is empty")),
    # click's own refusals show the blanks as typed too: '   ' was shown as ' ' (a trial)
    (["show", "   "], ("'ID': '   ' is not an action id",)),
    (["list", "--limit", "   "], ("'--limit': '   ' is not a whole number",)),
    (["move", "1", "   "], ("'PHASE': '   ' is not one of",)),
    (["checkin", "1", ""], ("message is empty",)),
    (["checkin", "1", "m" * 2001], ("message: 'mmm", "...' is 2001 characters long")),
    (["add", "x", "--notes", "n" * 10_001], ("notes: 'nnn", "...' is 10001 characters long")),
    # closed with the quote it opened with (it opened with " and closed with ', a tester)
    (["add", "x", "--notes", "bob's " * 2000], ('notes: "bob', '..." is 12000 characters long')),
    (["initiative", "add", "  "], ("name: '  '", "is empty")),
    (["add", "x", "--owner", "bob smith"], ("owner: 'bob smith'", "is not a login")),
    (["add", "x", "--owner", "dana\n"], ("owner: 'dana\\n'", "is not a login")),
    (["edit", "1", "--owner", "-x"], ("owner: '-x'", "is not a login")),
    # dates
    (["add", "x", "--due", "2026-02-30"], ("due: '2026-02-30'", "is not a real date")),
    (["add", "x", "--due", "2026-13-01"], ("due: '2026-13-01'", "is not a real date")),
    (["add", "x", "--due", "someday"], ("due: 'someday'", "is not a date")),
    (["add", "x", "--due", ""], ("due: ''", "is not a date")),
    (["edit", "1", "--due", "someday"], ("due: 'someday'",)),
    (
        [*KPI_ADD, "--baseline", "1", "--target", "2", "--target-date", "2026-02-30"],
        ("target-date: '2026-02-30'",),
    ),
    (["kpi", "record", KPI, "3", "--at", "the other day"], ("at: 'the other day'",)),
    # ids
    (["show", "999"], ("no action #999",)),
    (["move", "999", "do"], ("no action #999",)),
    (["checkin", "999", "hi"], ("no action #999",)),
    (["done", "999", "--decision", "abandon"], ("no action #999",)),
    (["edit", "999", "--title", "t"], ("no action #999",)),
    (["show", "#abc"], ("'ID'", "'#abc' is not an action id")),
    (["move", "0", "do"], ("'ID'", "'0' is not an action id")),
    (["checkin", "1.5", "hi"], ("'ID'", "'1.5' is not an action id")),
    (["checkin", "-1", "hi"], ("checkin: -1 is no option, and no id",)),
    # choices
    (["move", "1", "sideways"], ("'PHASE'", "'sideways'")),
    (["add", "x", "--phase", "sideways"], ("'--phase'", "'sideways'")),
    (["list", "--phase", "sideways"], ("'--phase'", "'sideways'")),
    (["move", "1", "act", "--verdict", "great"], ("'--verdict'", "'great'")),
    (["done", "1", "--decision", "maybe"], ("'--decision'", "'maybe'")),
    (["checkin", "1", "hi", "--status", "meh"], ("'--status'", "'meh'")),
    (
        [*KPI_ADD, "--baseline", "1", "--target", "2", "--direction", "sideways"],
        ("'--direction'", "'sideways'"),
    ),
    # names that do not exist
    (["kpi", "record", "Nope", "3"], ("kpi: “Nope”", "is not a known KPI")),
    (["add", "x", "--kpi", "Nope"], ("--kpi: “Nope”", "is not a known KPI")),
    (["edit", "1", "--kpi", "Nope"], ("--kpi: “Nope”",)),
    (["add", "x", "--initiative", "Nope"], ("--initiative: “Nope”", "is not a known initiative")),
    (["edit", "1", "--initiative", "Nope"], ("--initiative: “Nope”",)),
    (["list", "--initiative", "Nope"], ("--initiative: “Nope”",)),
    (
        [*KPI_ADD, "--baseline", "1", "--target", "2", "--initiative", "Nope"],
        ("--initiative: “Nope”",),
    ),
    # numbers
    (["kpi", "record", KPI, "abc"], ("value: 'abc'", "is not a number")),
    (["kpi", "record", KPI, "nan"], ("value: 'nan'", "is not a finite number")),
    (["kpi", "record", KPI, "inf"], ("value: 'inf'", "is not a finite number")),
    (["kpi", "record", KPI, "-Infinity"], ("value: '-Infinity'", "is not a finite number")),
    (["kpi", "record", KPI, "1e308"], ("value: '1e308'", "out of range")),
    (["kpi", "record", KPI, "--", "-2e15"], ("value: '-2e15'", "out of range")),
    (["kpi", "record", KPI, ""], ("value: ''", "is not a number")),
    ([*KPI_ADD, "--baseline", "abc", "--target", "2"], ("baseline: 'abc'", "is not a number")),
    ([*KPI_ADD, "--baseline", "nan", "--target", "2"], ("baseline: 'nan'", "finite")),
    ([*KPI_ADD, "--baseline", "1", "--target", "1e999"], ("target: '1e999'", "finite")),
    ([*KPI_ADD, "--baseline", "1", "--target", "2", "--warn", "x"], ("warn: 'x'",)),
    ([*KPI_ADD, "--baseline", "1", "--target", "2", "--alert", "inf"], ("alert: 'inf'",)),
    (
        ["kpi", "add", KPI.upper(), "--unit", "h", "--baseline", "1", "--target", "2"],
        ("name: 'RESOLUTION TIME'", "is taken"),
    ),
    (["list", "--limit", "0"], ("'--limit'", "0")),
    # numbers past 64 bits, digits that are not ASCII
    (["list", "--limit", "99999999999999999999"], ("'--limit'", "99999999999999999999")),
    (["log", "--limit", "99999999999999999999"], ("'--limit'",)),
    (["show", "99999999999999999999"], ("'99999999999999999999' is too big for an action id",)),
    (["show", "²"], ("'²' is not an action id",)),
    (["edit", "١", "--title", "x"], ("'١' is not an action id",)),
    (["checkin", "１", "hi"], ("'１' is not an action id",)),
    (["alerts", "ack", "٣", "on it"], ("id: '٣' is not an alert id",)),
    (["config", "stale-after-days", "٣"], ("stale-after-days: '٣'",)),
    (["config", "followup-offsets", "30,٦٠"], ("followup-offsets: '30,٦٠'",)),
    # a negative value is the value out of range, not "No such option '-3'" (a tester)
    (["config", "stale-after-days", "-3"], ("stale-after-days: '-3' is not a number of days",)),
    (["config", "followup-offsets", "-30,60"], ("followup-offsets: '-30,60'",)),
    # a negative id is named as such, not click's "No such option '-1'." (a tester)
    (["alerts", "ack", "-1", "x"], ("alerts ack: -1 is no option, and no id: ids are",)),
    (["show", "-2"], ("show: -2 is no option", "ids are numbers from 1")),
    (["followup", "-1", "holding"], ("followup: -1 is no option, and no id",)),
    (["move", "1", "-2"], ("move: -2 is no option, and no phase",)),
    (["edit", "1", "-1.5"], ("edit: -1.5 is no option, and no id: ids are numbers from 1",)),
    # a title, a message or a note is text: how to give it (a tester's `add "-5"`); told by
    # where it stands, not by the command's first argument (a reviewer's checkin 1 -5)
    (["add", "-5"], ("add: -5 is no option; text that starts with - goes after --",)),
    # a script's title or message "--help" printed the help, exit 0, nothing written (a
    # tester's loop of 500 lines lost one, counted as added)
    (["add", "--help", "--owner", "ann"], ("add: --help stands where the title goes; nothing",)),
    (["checkin", "1", "-h"], ("checkin: -h stands where the message goes", "-- -h)")),
    # a word click read as short options run together: its "- " or "-e" was named (a retrial)
    (["add", "-h is broken"], ("add: '-h is broken' is no option", "-- '-h is broken')")),
    (["add", "-help"], ("add: no option -help (pdca add --help lists them)",)),
    # where no text goes, the word as typed, not click's letter of it (a retrial)
    (["show", "-h is broken"], ("show: no option '-h is broken' (pdca show --help lists",)),
    (["edit", "-help"], ("edit: no option -help (pdca edit --help lists them)",)),
    # a long one with blanks is text, not a misspelt option ("Did you mean '--owner'?")
    (["add", "--owner is me"], ("add: '--owner is me' is no option; text that starts",)),
    # where unknown options pass as words (negative values), an h among a word's letters
    # printed the help, exit 0, nothing recorded (a retrial)
    (["kpi", "record", "-h x", "5"], ("kpi record: '-h x' is no option", "-- '-h x')")),
    (["kpi", "record", "x", "-help"], ("kpi record: no option -help (pdca kpi record --help",)),
    (["config", "stale-after-days", "-h x"], ("config: '-h x' is no option",)),
    # after the values: no text goes there, so no advice of -- (a reviewer)
    (["kpi", "record", "x", "5", "-h x"], ("kpi record: no option '-h x' (pdca kpi record",)),
    (["config", "stale-after-days", "5", "-ghost"], ("config: no option -ghost",)),
    # -h as an option's value is no title (a reviewer: "-h stands where the title goes")
    (["add", "--owner", "-h"], ("--owner needs a value, and -h is one of this command's",)),
    (["checkin", "1", "-3%"], ("checkin: -3% is no option; text that starts with -",)),
    # the advice holds the words as typed, quoted for the shell (a tester pasted it)
    (
        ["checkin", "1", "-3% error rate"],
        ("checkin: '-3% error rate' is no option", "-- '-3% error rate')"),
    ),
    (["alerts", "ack", "1", "-5"], ("alerts ack: -5 is no option; text that starts",)),
    # text starting with a letter after its - was "No such option '-l'." (a tester)
    (["add", "-leading dash"], ("add: '-leading dash' is no option; text that starts with -",)),
    (["checkin", "1", "-x y"], ("checkin: '-x y' is no option", "-- '-x y')")),
    (
        ["initiative", "add", "-neg"],
        (
            "initiative add: no option -neg (pdca initiative add --help",
            "text that starts with - goes after --",
        ),
    ),
    # a note given as kpi record takes one: the text is the command's own argument, and the
    # hint to put "--note" after -- would have saved the word as the note (a new user)
    (
        ["followup", "1", "holding", "--note", "Canary caught 2"],
        (
            "followup: no option --note; give the MESSAGE without one"
            " (pdca followup 1 holding 'Canary caught 2')",
        ),
    ),
    (
        ["checkin", "1", "-m=fixed"],
        ("no option -m; give the MESSAGE without one (pdca checkin 1 fixed)",),
    ),
    (["checkin", "1", "--note", "-3%"], ("(pdca checkin 1 -- -3%)",)),
    (
        ["followup", "1", "holding", "--note"],
        ("no option --note; give the MESSAGE without one (pdca followup --help)",),
    ),
    # no text to give in its place: the option's own name, the next option, nothing, or it
    # given twice: told where to look, not a command that fails or saves "--note" (a review)
    *(
        (["checkin", "1", *words], ("give the MESSAGE without one (pdca checkin --help)",))
        for words in (
            ["--note", "--note"],
            ["--note", "--status", "blocked"],
            ["--note="],
            ["-m="],
            ["--note", "x", "--note", "y"],
            ["--note", " "],
        )
    ),
    (["--db", "-m", "checkin", "1", "-m=y"], ("checkin: no option -m",)),  # it crashed
    (["checkin", "1", "-m", "--", "x"], ("(pdca checkin --help)",)),
    # before the id, or the result: given last, where the message stands (a retrial: click's
    # bare "No such option", and a hint that put the note where the result goes)
    (["checkin", "-m", "x", "1"], ("(pdca checkin 1 x)",)),
    (["followup", "9", "--note", "x", "holding"], ("(pdca followup 9 holding x)",)),
    # the file named before the command kept: dropped, the hint wrote to another (a retrial)
    (["--db", "o.db", "checkin", "1", "-m", "x y"], ("(pdca --db o.db checkin 1 'x y')",)),
    (["add", "x", "--ownr", "bob"], ("No such option '--ownr'", "Did you mean")),  # a typo
    (["list", "-z"], ("No such option '-z'",)),  # nowhere for text: click's own
    (["list", "-3"], ("list: -3 is no option, and nothing pdca list takes is negative",)),
    (["show", " 1"], ("' 1' is not an action id",)),
    (["edit", "1 ", "--title", "x"], ("'1 ' is not an action id",)),
    (["list", "--limit", "+5"], ("'--limit'", "'+5' is not a whole number")),
    (["list", "--limit", "٣"], ("'--limit'", "'٣' is not a whole number")),
    (["list", "--limit", "-1"], ("'--limit'", "'-1' is not a whole number of 1 or more")),
    # a whole number past any count: too big, not "not a whole number" (a tester)
    (["list", "--limit", "9" * 23], ("'--limit'", f"'{'9' * 23}' is too big (at most 9223")),
    (["list", "--limit", str(2**63)], ("'--limit'", f"'{2**63}' is too big (at most 9223")),
    (["show", "9" * 23], (f"'{'9' * 23}' is too big for an action id (at most 9223",)),
    (["show", "#" + "9" * 23], ("is too big for an action id",)),
    # said alike for every kind of id (it was "not an alert id (a number ...)", a tester)
    (["followup", "9" * 20, "holding"], ("is too big for an action id (at most 9223",)),
    (["alerts", "ack", "9" * 20, "x"], ("is too big for an alert id (at most 9223",)),
    (["kpi", "remove-reading", "9" * 20], ("is too big for a reading id (at most 9223",)),
    (["recur", "stop", "9" * 20], ("is too big for a repeat rule id (at most 9223",)),
    (["show", "0" * 25 + "999"], ("no action #999",)),  # zeros in front: the id it is
    # past the 4 300 digits Python reads: said too big, never read (it crashed, a review)
    (["show", "9" * 5000], ("is too big for an action id",)),
    (["list", "--limit", "9" * 5000], ("'--limit'", "is too big (at most 9223")),
    (["kpi", "record", KPI, "١٢"], ("value: '١٢' is not a number",)),
    # As people write numbers elsewhere: told how to write them here (a quality lead).
    (["kpi", "record", KPI, "12,5"], ("value: '12,5' is not a number: write decimals with a dot",)),
    (["kpi", "record", KPI, "1,234.5"], ("no thousands separators",)),
    (["kpi", "record", KPI, "89.5%"], ("without a unit or % (89.5)",)),
    (["kpi", "record", KPI, "12 defects"], ("without a unit or % (12)",)),
    (["kpi", "record", KPI, "$12"], ("without a unit or % (12)",)),
    (["kpi", "record", KPI, "12,5%"], ("write decimals with a dot",)),
    (["kpi", "record", KPI, "12 000"], ("write it without spaces (12000)",)),
    (["kpi", "record", KPI, "12 k"], ("write it in full (12000)",)),  # it said "(12)"
    # a day typed is a day to come, even three minutes before midnight (a trial)
    (["kpi", "record", KPI, "3", "--at", "tomorrow"], ("is a day still to come (today is",)),
    (["kpi", "record", KPI, "3", "--at", "2026-11-24"], ("is a day still to come (today is",)),
    (["kpi", "record", KPI, "1.5M"], ("write it in full (1500000)",)),
    (["kpi", "record", KPI, "0.1k"], ("write it in full (100)",)),
    (["kpi", "record", KPI, "12 km"], ("without a unit or % (12)",)),
    (["kpi", "record", KPI, "\u22125"], ("write the minus as - (-5)",)),
    (["kpi", "record", KPI, "(12)"], ("write a negative number with - (-12)",)),
    (["kpi", "record", KPI, "1_000"], ("value: '1_000' is not a number",)),
    (["kpi", "record", KPI, "５"], ("value: '５' is not a number",)),
    (["kpi", "record", KPI, "1e-400"], ("value: '1e-400' is too small to tell from 0",)),
    ([*KPI_ADD, "--baseline", "0x10", "--target", "2"], ("baseline: '0x10' is not a number",)),
    (
        ["kpi", "record", KPI, "3", "--at", ""],
        ("at: '' is not a time (like 2026-11-23T09:30:00Z) or a day",),
    ),
    (
        ["kpi", "record", KPI, "3", "--at", "9998-12-31T23:59:59-23:59"],
        ("at: '9998-12-31T23:59:59-23:59' is out of range",),
    ),
    (["export", "--out", "somewhere/"], ("--out: 'somewhere/' names a folder",)),
    # dates whose arithmetic would overflow, and times before the shift to UTC
    (["log", "--until", "9999-12-31"], ("until: '9999-12-31' is out of range",)),
    (["log", "--since", "0001-01-01"], ("since: '0001-01-01' is out of range",)),
    (
        ["log", "--since", "2026-12-05", "--until", "2026-12-01"],
        ("--since: '2026-12-05' is after --until '2026-12-01'",),
    ),
    (
        ["kpi", "record", KPI, "3", "--at", "0001-01-01T00:00:00+01:00"],
        ("at: '0001-01-01T00:00:00+01:00' is out of range",),
    ),
    (["standup", "--since", "0001-01-01"], ("since: '0001-01-01'",)),
    # 'none' for a field that cannot be empty
    (["edit", "1", "--title", "none"], ("--title: 'none' cannot be cleared",)),
    (["kpi", "edit", KPI, "--unit", "None"], ("--unit: 'None' cannot be cleared",)),
    (["kpi", "edit", KPI, "--name", "none"], ("--name: 'none' cannot be cleared",)),
    # one length rule for every message and note
    (["alerts", "ack", "1", "m" * 10_001], ("'mmm", "...' is 10001 characters long")),
    # output that cannot be written
    (["export", "--out", ""], ("--out: '' is not a path",)),
    (["export", "--out", "missing/x.json"], ("--out: 'missing/x.json'", "does not exist")),
    (["export", "--out", "."], ("--out: '.' is a folder",)),
    (["export", "--out", "/dev/null"], ("--out: '/dev/null' is a device",)),
    # files to read that are not files
    (["import", "/dev/zero"], ("'/dev/zero' is a device, not a file",)),
    (["kpi", "import", "/dev/zero"], ("'/dev/zero' is a device, not a file",)),
    (["import", "missing/x.csv"], ("missing/x.csv",)),
    # "-" as other tools take it: said that standard input is not read (a tester)
    (["import", "-"], ("file: '-' does not exist (standard input is not read",)),
    (["kpi", "import", "-"], ("file: '-' does not exist (standard input is not read",)),
    # a database that is the kernel's, not a file: not "empty, make it one with init"
    (["--db", "/proc/self/status", "list"], ("/status: not a regular file (the kernel",)),
    (["--db", "/proc/self/status", "init"], ("/status: not a regular file (the kernel",)),
]


def _case_id(case: tuple[list[str], tuple[str, ...]]) -> str:
    args = case[0]
    return " ".join(a if len(a) < 20 else a[:8] + "..." for a in args) or "none"


@pytest.mark.parametrize(("args", "fragments"), CASES, ids=[_case_id(c) for c in CASES])
def test_bad_input_is_one_line_and_writes_nothing(
    cli, db_path: Path, existing: str, args: list[str], fragments: tuple[str, ...]
) -> None:
    result = cli(*args)
    assert_one_line_error(result, *fragments)
    assert result.stdout == ""
    assert sha256(db_path) == existing


# Input checked before the database is opened: on a missing database nothing is created.
NO_FILE_CASES = [
    ["add", ""],
    ["add", LONG_TITLE],
    ["add", "x", "--due", "2026-02-30"],
    ["add", "x", "--phase", "sideways"],
    ["add", "x", "--owner", "bob smith"],
    ["kpi", "record", KPI, "nan"],
    [*KPI_ADD, "--baseline", "abc", "--target", "2"],
    ["initiative", "add", ""],
    ["move", "1", "sideways"],
]


@pytest.mark.parametrize("args", NO_FILE_CASES, ids=[_case_id((a, ())) for a in NO_FILE_CASES])
def test_bad_input_on_a_missing_database_creates_nothing(
    cli, missing_db: Path, tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a write would make the file, your own default (a file --db or $PDCA_DB names is
    made by init alone): bad input is refused before it is made (a reviewer: with $PDCA_DB
    missing this passed whatever the checks' order)."""
    monkeypatch.delenv("PDCA_DB")
    before = sorted(tmp_path.rglob("*"))
    message = assert_one_line_error(cli(*args))
    assert "no database" not in message
    assert not missing_db.exists()
    assert sorted(tmp_path.rglob("*")) == before


# --------------------------------------------------------------------------- not pdca's files


def _text_file(path: Path) -> None:
    path.write_text("title,owner\nnot a database,dana\n", encoding="utf-8")


def _random_file(path: Path) -> None:
    data = random.Random(7).randbytes(8192)
    assert not data.startswith(SQLITE_HEADER)
    path.write_bytes(data)


def _zeros_file(path: Path) -> None:
    path.write_bytes(bytes(4096))


def _header_then_garbage(path: Path) -> None:
    path.write_bytes(SQLITE_HEADER + random.Random(8).randbytes(8176))


NOT_DATABASES = {
    "text": (_text_file, "not a SQLite database"),
    "random": (_random_file, "not a SQLite database"),
    "zeros": (_zeros_file, "not a SQLite database"),
    "sqlite-header-then-garbage": (_header_then_garbage, "not a SQLite database"),
}

COMMANDS = [
    ["init"],
    ["add", "x"],
    ["list"],
    ["show", "1"],
    ["kpi", "record", KPI, "3"],
    ["undo"],
    ["doctor"],
]


@pytest.mark.parametrize("kind", list(NOT_DATABASES))
@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_a_file_that_is_not_a_database_is_refused_and_untouched(
    cli, tmp_path: Path, kind: str, args: list[str]
) -> None:
    make, why = NOT_DATABASES[kind]
    target = tmp_path / f"{kind}.db"
    make(target)
    digest = sha256(target)
    before = sorted(tmp_path.iterdir())
    result = cli("--db", str(target), *args)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    if args == ["doctor"]:
        # doctor reports on stdout and repeats the first problem in one line on stderr.
        assert why in result.stdout
        assert_one_line_error(result, why)
    else:
        assert_one_line_error(result, str(target), why)
        assert result.stdout == ""
    assert sha256(target) == digest
    assert sorted(tmp_path.iterdir()) == before  # no -wal, -shm or -journal left beside it


@pytest.mark.parametrize("args", COMMANDS[:5], ids=[" ".join(c) for c in COMMANDS[:5]])
def test_a_directory_as_db_is_refused(cli, tmp_path: Path, args: list[str]) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep")
    result = cli("--db", str(folder), *args)
    assert_one_line_error(result, str(folder), "not a regular file")
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    assert (folder / "keep.txt").read_text() == "keep"


# --------------------------------------------------------------------------- real processes


def test_real_process_impossible_date(env: dict[str, str], db_path: Path) -> None:
    assert run_pdca("add", "first", env=env).returncode == 0
    digest = sha256(db_path)
    done = run_pdca("add", "x", "--due", "2026-02-30", env=env)
    assert done.returncode == 1
    assert done.stderr == "pdca: due: '2026-02-30' is not a real date\n"
    assert done.stdout == ""
    assert sha256(db_path) == digest


def test_real_process_text_file_as_db(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    _text_file(target)
    digest = sha256(target)
    done = run_pdca("--db", str(target), "add", "x", env=env)
    assert done.returncode == 1
    assert done.stderr == (
        f"pdca: {target}: not a SQLite database (left untouched): is it the file you meant?"
        " pdca where says which file pdca uses and why\n"
    )
    assert sha256(target) == digest


def test_a_count_with_zeros_in_front_is_the_count_it_is(cli, existing: str) -> None:  # type: ignore[no-untyped-def]
    """Twenty zeros and a 1 is 1, not "too big" (a reviewer)."""
    assert cli("add", "second").exit_code == 0
    result = cli("list", "--limit", "0" * 24 + "1")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2  # heading and one


def test_a_login_with_a_letter_outside_ascii_is_told_the_letters_are_ascii(cli) -> None:
    """ "letters" read as é too (a tester's josé); the notify preferences say it the same."""
    from tests.unit.test_cli import one_line_error

    for args in (["add", "x", "--owner", "josé"], ["notify", "prefer", "josé", "mail"]):
        assert "is not a login (ASCII letters, digits" in one_line_error(cli(*args)), args


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["show", "a" * 120_000], "'{}...' ({} characters)"),
        (["show", "a'" + "b" * 1000], '"{}..." ({} characters)'),  # click quotes it with "
        (["list", "--limit", "9" * 200], "'{}...' ({} characters)"),
        (["move", "1", "x" * 300], "'{}...' ({} characters)"),
        (["list", "x" * 5000], "({}...) ({} characters)"),  # an extra argument
        (["list", "--" + "y" * 5000], "'{}...' ({} characters)"),  # an unknown option
        (["--db", "z" * 5000 + ".db", "list"], "..."),  # pdca's own message, naming the path
    ],
)
def test_a_huge_value_is_cut_in_its_message(cli, db_path: Path, args, shown: str) -> None:
    """``pdca show "$(120 KB of a)"`` printed a line of 120 KB (a tester), and an extra
    argument, an unknown option or a path did too: cut as pdca's own messages cut a value,
    with its length."""
    digest = sha256(db_path)
    huge = max(args, key=len)
    error = assert_one_line_error(cli(*args), shown.format(huge[:50], len(huge)))
    assert len(error) < 250
    assert sha256(db_path) == digest


@pytest.mark.parametrize(
    "args", [["show", "ab " * 30_000], ["move", "1", "ab " * 30_000], ["ab " * 30_000]]
)
def test_a_huge_value_of_short_words_leaves_a_short_line(cli, db_path: Path, args) -> None:
    """A value of many short words was not cut (only long words were): 100 KB lines (a
    retrial). The line keeps its start and its reason."""
    error = assert_one_line_error(cli(*args), "pdca: ", " characters) ... ")
    assert len(error) < 2000


def test_an_action_that_was_there_is_said_gone_by_whom_and_how(cli, ok, db_path: Path) -> None:
    """After a colleague's forced restore the command line said only "no action #25" (a
    soak); the board's form says who took it and how, and so does the command line now. An
    id never issued is only not there."""
    ok("add", "taken back")
    ok("undo")
    assert_one_line_error(
        cli("show", "1"), "pdca: no action #1 (gone: alice 2026-11-23 09:00 UTC: undid added #1"
    )
    error = assert_one_line_error(cli("move", "2", "do"), "pdca: no action #2")
    assert "gone" not in error
    # a backup after the undo, a restore of it: #1's own removal is named, not the restore
    backup = db_path.parent / "copy.db"
    ok("backup", str(backup))
    ok("add", "after the backup")
    ok("restore", str(backup))
    assert_one_line_error(
        cli("show", "1"), "pdca: no action #1 (gone: alice 2026-11-23 09:00 UTC: undid added #1"
    )
    assert_one_line_error(
        cli("show", "2"), "(gone: alice 2026-11-23 09:00 UTC: restored from copy.db)"
    )
    # deleted with sqlite3: nobody's change in the log took it (its last one, a move, was
    # named as if it had, a trial)
    ok("add", "deleted by hand")
    ok("edit", "3", "--title", "edited, then deleted by hand")
    by_hand(db_path, "DELETE FROM actions WHERE id = 3")
    assert assert_one_line_error(cli("show", "3"), "pdca: no action #3") == (
        "pdca: no action #3 (deleted outside pdca, with no change logged)\n"
    )
    # of several: said of the one gone, not after the others (a reviewer)
    assert assert_one_line_error(cli("edit", "3", "2", "--priority", "high")) == (
        "pdca: no action #3 (deleted outside pdca, with no change logged); nothing written:"
        " the 2 actions stay as they were\n"
    )


def test_an_alert_an_undo_took_is_said_gone_by_whom_and_how(cli, ok) -> None:
    """A notice told rahul to acknowledge alert 100; ann's undo took it seconds later, and
    his ``pdca alerts ack 100`` said only "no alert 100" (a trial)."""
    ok("kpi", "add", "Res", "--unit", "h", "--baseline", "30", "--target", "24", "--alert", "34")
    ok("kpi", "record", "Res", "50")
    ok("undo")
    assert_one_line_error(
        cli("alerts", "ack", "1", "looking"),
        "pdca: no alert 1 (gone: alice 2026-11-23 09:00 UTC: undid raised alert 1 on KPI 'Res'",
    )
    error = assert_one_line_error(cli("alerts", "ack", "2", "looking"), "pdca: no alert 2")
    assert "gone" not in error  # never raised
