"""The classes of bad input that once gave tracebacks, hangs or half-written files.

Each is tried the way it reaches pdca: bytes that are not UTF-8 through a real ``execve``,
a FIFO and a device to import, standard output on ``/dev/full`` or a pipe whose reader went
away, a file-size limit standing in for a full disk, and crafted import files.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pdca.db.models import ActionFields
from tests.conftest import REPO, open_as, run_pdca
from tests.unit.test_bad_input import assert_one_line_error

KPI = "Resolution time"


def _state(database: Path) -> tuple[int, int]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return (
            connection.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0],
            connection.execute("SELECT count(*) FROM actions").fetchone()[0],
        )
    finally:
        connection.close()


@pytest.fixture
def team(cli, db_path: Path) -> Path:
    for args in (
        ("init",),
        ("kpi", "add", KPI, "--unit", "h", "--baseline", "30", "--target", "24", "--alert", "40"),
        ("add", "first", "--owner", "dana", "--kpi", KPI),
    ):
        assert cli(*args).exit_code == 0, args
    return db_path


def _process(
    args: list[bytes | str], env: dict[str, str], **options
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pdca.tui", *args],
        capture_output=True,
        env={**os.environ, **env},
        cwd=REPO,
        timeout=60,
        **options,
    )


def _one_line(stderr: bytes, *fragments: str) -> None:
    text = stderr.decode("utf-8")
    assert text.startswith("pdca: ") and text.count("\n") == 1, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "args",
    [
        [b"add", b"bad \xff title"],
        [b"add", b"title", b"--notes", b"\xc3\x28"],
        [b"--db", b"caf\xe9.db", b"list"],
        [b"kpi", b"record", KPI.encode(), b"3", b"--note", b"\xed\xa0\x80"],  # a surrogate
    ],
)
def test_arguments_that_are_not_utf8_are_one_line(
    team: Path, env: dict[str, str], args: list[bytes]
) -> None:
    before = _state(team)
    result = _process(list(args), env)
    assert result.returncode == 1
    _one_line(result.stderr, "is not UTF-8 text")
    assert _state(team) == before


def test_utf8_arguments_in_an_ascii_locale_are_their_text(team: Path, env: dict[str, str]) -> None:
    """LC_ALL=C with Python's UTF-8 mode and locale coercion off: a valid "Café" was refused
    as "'Caf\\xe9 x' is not UTF-8 text" (a tester)."""
    ascii_locale = {**env, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    result = _process([b"add", "Café x".encode(), b"--json"], ascii_locale)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "Café x"


def test_a_variable_that_is_not_utf8_is_one_line(team: Path, env: dict[str, str]) -> None:
    environ = {**os.environ, **env}
    environ_bytes = {k.encode(): v.encode() for k, v in environ.items()}
    environ_bytes[b"PDCA_USER"] = b"d\xe4na"
    result = subprocess.run(
        [sys.executable, "-m", "pdca.tui", "add", "x"],
        capture_output=True,
        env=environ_bytes,  # type: ignore[arg-type]
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 1
    _one_line(result.stderr, "PDCA_USER", "is not UTF-8 text")


@pytest.mark.parametrize("args", [["--version"], ["list", "--help"], ["-h"]])
def test_help_and_version_read_no_variable(team: Path, env: dict[str, str], args) -> None:
    """A PDCA_DB that is not UTF-8 refused --help and --version, which read no file (a
    tester); any other command still refuses it."""
    environ_bytes = {k.encode(): v.encode() for k, v in {**os.environ, **env}.items()}
    environ_bytes[b"PDCA_DB"] = b"\xff.db"
    result = subprocess.run(
        [sys.executable, "-m", "pdca.tui", *args],
        capture_output=True,
        env=environ_bytes,  # type: ignore[arg-type]
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith((b"pdca, version", b"Usage: pdca"))


def test_a_nul_in_db_is_one_line(cli) -> None:
    assert_one_line_error(cli("--db", "a\x00b.db", "list"), "--db:", "NUL")


def test_a_clock_before_1900_writes_nothing(team: Path, env: dict[str, str]) -> None:
    before = _state(team)
    result = run_pdca("add", "x", env={**env, "PDCA_NOW": "0001-01-01T00:00:00Z"})
    assert result.returncode == 1
    assert result.stderr.startswith("pdca: PDCA_NOW: '0001-01-01T00:00:00Z' is out of range")
    assert _state(team) == before


def test_blank_variables_are_refused_and_empty_ones_are_off(
    team: Path, env: dict[str, str]
) -> None:
    for variable, value in (("PDCA_DB", " "), ("PDCA_NOW", " ")):
        result = run_pdca("list", env={**env, variable: value})
        assert result.returncode == 1
        assert result.stderr.startswith(f"pdca: {variable}: ' '"), result.stderr
    assert run_pdca("list", env={**env, "PDCA_NOW": ""}).returncode == 0  # empty: unset


def test_closed_standard_output_does_nothing(team: Path, env: dict[str, str]) -> None:
    before = _state(team)
    result = _process(["add", "written blind"], env, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    _one_line(result.stderr, "standard output is closed; nothing done")
    assert _state(team) == before


def test_paths_are_shown_escaped(cli, env: dict[str, str], tmp_path: Path) -> None:
    odd = tmp_path / "\x1b]0;retitled\x07\u202e.db"
    for command in (["where"], ["init"], ["doctor"]):
        result = cli("--db", str(odd), *command)
        shown = result.stdout + result.stderr
        assert "retitled" in shown, command
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown, command


def test_a_file_with_pdcas_mark_but_no_version_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    odd = tmp_path / "odd.db"
    connection = sqlite3.connect(odd)
    connection.execute("CREATE TABLE t (x)")
    connection.execute(f"PRAGMA application_id = {_application_id()}")
    connection.execute("PRAGMA user_version = -1")
    connection.commit()
    connection.close()
    for command in (["list"], ["add", "x"], ["init"], ["export"]):
        assert_one_line_error(cli("--db", str(odd), *command), "schema version -1")


def _application_id() -> int:
    from pdca.db import schema

    return schema.APPLICATION_ID


# --------------------------------------------------------------------------- files to read


def test_importing_a_fifo_does_not_hang(team: Path, env: dict[str, str], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for command in (["import", str(fifo)], ["kpi", "import", str(fifo)]):
        result = run_pdca(*command, env=env, timeout=30)  # a hang is a TimeoutExpired
        assert result.returncode == 1
        assert "is a FIFO (named pipe), not a file" in result.stderr


def test_a_csv_field_past_128_kib_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("title,notes\nx," + "n" * 140_000 + "\n", encoding="utf-8")
    readings = tmp_path / "readings.csv"
    readings.write_text(f"name,at,value,note\n{KPI},2026-11-01,3," + "n" * 140_000 + "\n")
    before = _state(team)
    said = "line 2: a field is longer than 128 KiB (a quote left open?)"
    assert_one_line_error(cli("import", str(big)), said)
    assert_one_line_error(cli("kpi", "import", str(readings)), said)
    # named by the line its row starts on, however many lines the field runs over (500 000
    # newlines in a quoted note were said at line 65 538, a tester)
    big.write_text('title,notes\nok,\nx,"' + "\n" * 140_000 + '"\n', encoding="utf-8")
    assert_one_line_error(cli("import", str(big)), "line 3: a field is longer than 128 KiB")
    assert _state(team) == before


def test_a_csv_that_is_not_utf8_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("title\ncaf\xe9\n".encode("latin-1"))
    # with the first line that is not (a tester was given no line of a sheet of thousands)
    said = "is not UTF-8 text, from line 2 (a JSON export or a CSV)"
    assert_one_line_error(cli("import", str(latin)), said)
    said = "is not UTF-8 text, from line 2 (a CSV of readings)"
    assert_one_line_error(cli("kpi", "import", str(latin)), said)
    # a spreadsheet's "Unicode text" is said to be UTF-16 (a retrial)
    latin.write_bytes("title\ncafé\n".encode("utf-16"))
    said = "is UTF-16 text, where pdca reads UTF-8: save it as CSV UTF-8"
    assert_one_line_error(cli("import", str(latin)), said)
    latin.write_bytes("title\ncafé\n".encode("utf-32"))
    assert_one_line_error(cli("import", str(latin)), said.replace("UTF-16", "UTF-32"))
    # with no byte order mark, its ASCII is UTF-8 with NULs: "no title column" named the
    # NULs (a trial); and how to convert each, said (a JSON file was told "as CSV UTF-8")
    # accents and quotes too: "café “x”" was told to convert from Windows-1252 (a retrial)
    for order, text in (
        ("UTF-16BE", "title,owner\nabc,bob\n"),
        ("UTF-16LE", "title,owner\nabc,bob\n"),
        ("UTF-16LE", "title,notes\ncafé “quoted” – test,ılık\n"),
        ("UTF-16LE", "title,owner\n一个改进,bob\n"),  # 一 is "00 4E" (a reviewer)
        ("UTF-32BE", "title,notes\ncafé “quoted” – test,ılık\n"),
        ("UTF-32LE", "title,owner\nabc,bob\n"),
    ):
        latin.write_bytes(text.encode(order.lower().replace("utf", "utf_")))
        said = f"is {order} text with no byte order mark, where pdca reads UTF-8: save it as"
        assert_one_line_error(cli("import", str(latin)), said)
        assert_one_line_error(cli("kpi", "import", str(latin)), f"iconv -f {order} -t UTF-8")
    exported = tmp_path / "export.json"
    exported.write_bytes('[{"x": 1}]'.encode("utf-16"))
    said = "is UTF-16 text, where pdca reads UTF-8: save it as UTF-8, or convert it: iconv"
    assert_one_line_error(cli("import", str(exported)), said)
    latin.write_bytes("title\ncaf\xe9\n".encode("latin-1"))
    said = f"iconv -f WINDOWS-1252 -t UTF-8 {latin} > {tmp_path / 'latin.utf8.csv'}"
    assert_one_line_error(cli("import", str(latin)), said)
    # a BOM written twice is no part of the first column's name (a retrial)
    latin.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbftitle,owner\r\nx,ann\r\n")
    assert cli("import", str(latin)).exit_code == 0


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('title\n"a quote left open\nx\n', "line 2: a quote left open: the file ends inside it"),
        (
            "title,owner\nx,dana,extra\n",
            "line 2: row: 'x,dana,extra' has 3 fields; the header names 2",
        ),
        (  # and one too few: a comma forgotten (a tester); "N2," is an empty owner
            "title,owner\nN1,\nN2 bob\n",
            "line 3: row: 'N2 bob' has 1 field; the header names 2",
        ),
        ("title,title\nx,y\n", "names a column twice: title"),
        # a quoted header saved with semicolons: said as the unquoted one is (a tester was
        # told "',' expected after '\"'")
        ('"Title";"Owner"\n"A";"ann"\n', "is separated by semicolons: pdca reads CSV with commas"),
        (  # a row is named by the line it starts on, not its last (a note of three lines)
            'title,notes,owner\n"one","a\nb\nc",dana\n\n"two",,dana,extra\n',
            "line 6: row: 'two,,dana,extra' has 4 fields",
        ),
        ('title,priority,notes\n"one",someday,"a\nb"\n', "line 2: priority:"),
    ],
)
def test_a_csv_the_lenient_reader_would_guess_at_is_refused(
    cli, team: Path, tmp_path: Path, text: str, fragment: str
) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text(text, encoding="utf-8")
    before = _state(team)
    assert_one_line_error(cli("import", str(odd)), fragment)
    assert _state(team) == before


@pytest.mark.parametrize("command", [("import",), ("kpi", "import")])
def test_a_header_of_thousands_of_columns_is_refused_in_a_short_line(
    cli, team: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A header of 5 000 unknown columns was a 34 KB line on stderr (and one of 200 000 took
    minutes to check for repeats, a tester): the first few are named, then how many more."""
    wide = tmp_path / "wide.csv"
    header = ["title", "name", "at", "value", *(f"c{n}" for n in range(5000)), "x" * 300]
    wide.write_text(",".join(header) + "\n", encoding="utf-8")
    before = _state(team)
    error = assert_one_line_error(cli(*command, str(wide)), "unknown columns")
    assert "c1" in error and len(error) < 400
    assert error.rstrip().endswith(("and 4999 more", "and 4997 more (name, at, value[, note])"))
    assert _state(team) == before
    twice = tmp_path / "twice.csv"
    twice.write_text(",".join(["title", *("y" * 100 for _ in range(2)), *header]) + "\n")
    error = assert_one_line_error(cli(*command, str(twice)), "names a column twice: ")
    assert "title" in error and len(error) < 300
    if command == ("kpi", "import"):  # import says a column it does not read as unknown
        assert f"{'y' * 39}…" in error


def test_a_csv_from_a_spreadsheet_with_a_bom_imports(cli, team: Path, tmp_path: Path) -> None:
    excel = tmp_path / "excel.csv"
    excel.write_bytes("\ufefftitle,owner\r\nfrom Excel,dana\r\n".encode())
    result = cli("import", str(excel))
    assert result.exit_code == 0, result.stderr
    titles = [a["title"] for a in json.loads(cli("list", "--json").stdout)]
    assert "from Excel" in titles


def test_a_large_csv_import_streams_and_all_of_it_lands(cli, team: Path, tmp_path: Path) -> None:
    rows = 3000
    big = tmp_path / "many.csv"
    big.write_text("title,owner\n" + "".join(f"task {n},dana\n" for n in range(rows)))
    result = cli("import", str(big))
    assert result.exit_code == 0, result.stderr
    assert _state(team)[1] == rows + 1


def test_a_csv_whose_last_row_is_bad_writes_none_of_it(cli, team: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("title,due\n" + "".join(f"t{n},\n" for n in range(500)) + "x,someday\n")
    before = _state(team)
    assert_one_line_error(cli("import", str(bad)), "line 502", "due: 'someday'", "nothing written")
    assert _state(team) == before


# --------------------------------------------------------------------------- JSON restores


def _export(cli, tmp_path: Path) -> dict:
    out = tmp_path / "full.json"
    assert cli("export", "--out", str(out)).exit_code == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _restore(cli, tmp_path: Path, document: object, name: str = "crafted.json"):
    crafted = tmp_path / name
    crafted.write_text(document if isinstance(document, str) else json.dumps(document))
    fresh = tmp_path / "fresh.db"
    assert cli("--db", str(fresh), "init").exit_code == 0
    before = _state(fresh)
    result = cli("--db", str(fresh), "import", str(crafted))
    assert _state(fresh) == before
    return result


def test_a_restore_with_a_nested_value_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    document = _export(cli, tmp_path)
    document["tables"]["actions"][0]["title"] = {"nested": ["value"]}
    assert_one_line_error(_restore(cli, tmp_path, document), "actions row 1: title is not text")


def test_a_restore_with_a_huge_integer_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    document = _export(cli, tmp_path)
    document["tables"]["actions"][0]["version"] = 2**80
    assert_one_line_error(_restore(cli, tmp_path, document), "version is out of range")
    text = json.dumps(_export(cli, tmp_path)).replace('"version": 1', '"version": 1' + "0" * 5000)
    assert_one_line_error(_restore(cli, tmp_path, text, "digits.json"), "not a pdca export")


def test_a_restore_nested_too_deeply_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    deep = '{"format": "pdca-export", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert_one_line_error(_restore(cli, tmp_path, deep), "nested too deeply")


def test_a_restore_with_a_dangling_reference_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    document = _export(cli, tmp_path)
    document["tables"]["actions"][0]["kpi_id"] = 999
    assert_one_line_error(
        _restore(cli, tmp_path, document), "its kpi_id names a row of kpis that is not in the file"
    )


def test_a_restore_whose_cycles_loop_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    """A tester's hand-made export had actions 1 and 2 each other's earlier cycle: it was
    taken, and a report of #1's cycles listed #2."""
    for title in ("second", "third"):
        assert cli("add", title).exit_code == 0
    document = _export(cli, tmp_path)
    actions = document["tables"]["actions"]
    assert len(actions) >= 3
    actions[0]["parent_id"], actions[1]["parent_id"] = actions[1]["id"], actions[2]["id"]
    actions[2]["parent_id"] = actions[0]["id"]  # 1 -> 2 -> 3 -> 1
    assert_one_line_error(
        _restore(cli, tmp_path, document),
        "whose earlier cycles (parent_id) run round in a loop",
        "nothing written",
    )


@pytest.mark.parametrize(
    ("table", "column", "value", "fragment"),
    [
        ("actions", "title", "", 'title "" is empty'),
        ("actions", "title", "t" * 5000, "the most is 200"),
        ("actions", "notes", "n" * 200_000, "the most is 10000"),
        ("actions", "due", "2026-02-30", "is not a date"),
        ("actions", "due", "9999-12-31", "is not a date"),
        ("actions", "created_at", "yesterday", "is not a time"),
        ("actions", "version", -1, "version -1 must be 1 or more"),
        ("actions", "cycle", 0, "cycle 0 must be 1 or more"),
        ("actions", "id", None, "id null must be 1 or more"),
        ("actions", "owner", "bob smith", "is not a login"),
        ("checkins", "at", "yesterday", "is not a time"),
        ("kpis", "escalation", "not a list", "is not a list of logins"),
        ("events", "after", "{not json", "is not a record"),
    ],
)
def test_a_restore_with_a_value_pdca_would_never_store_is_one_line(
    cli, team: Path, tmp_path: Path, table: str, column: str, value: object, fragment: str
) -> None:
    assert cli("checkin", "1", "started").exit_code == 0
    document = _export(cli, tmp_path)
    document["tables"][table][0][column] = value
    assert_one_line_error(_restore(cli, tmp_path, document), f"{table} row 1", fragment)


def test_a_restore_of_an_action_that_is_its_own_parent_is_one_line(
    cli, team: Path, tmp_path: Path
) -> None:
    document = _export(cli, tmp_path)
    document["tables"]["actions"][0]["parent_id"] = document["tables"]["actions"][0]["id"]
    assert_one_line_error(_restore(cli, tmp_path, document), "parent_id is the action itself")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"done_at": "2026-11-20T09:00:00Z"}, "done_at without a decision"),
        ({"decision": "standardize"}, "decision without done_at (the action is open)"),
        (
            {"decision": "adjust", "done_at": "2026-11-20T09:00:00Z"},
            "decision 'adjust': adjust is decided in Act, and it is in Plan",
        ),
    ],
)
def test_a_restore_of_an_action_half_done_is_one_line(
    cli, team: Path, tmp_path: Path, change: dict[str, str], fragment: str
) -> None:
    """Done with no decision (or a decision on open work) was imported, and then neither a
    move ("it is done") nor done ("done already") could take it on (a tester)."""
    document = _export(cli, tmp_path)
    document["tables"]["actions"][0].update(change)
    assert_one_line_error(_restore(cli, tmp_path, document), "actions row 1", fragment)


def test_a_restore_with_a_bad_setting_is_one_line(cli, team: Path, tmp_path: Path) -> None:
    assert cli("config", "stale-after-days", "5").exit_code == 0
    document = _export(cli, tmp_path)
    document["tables"]["settings"][0]["value"] = "-5"
    assert_one_line_error(_restore(cli, tmp_path, document), "settings row 1", "value '-5'")


def test_a_restore_with_text_where_a_number_goes_is_one_line(
    cli, team: Path, tmp_path: Path
) -> None:
    document = _export(cli, tmp_path)
    document["tables"]["kpis"][0]["baseline"] = "thirty"
    assert_one_line_error(_restore(cli, tmp_path, document), "kpis row 1: baseline is not a number")


# --------------------------------------------------------------------------- output


def _with_stdout(
    args: list[str], env: dict[str, str], stdout: object
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pdca.tui", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
        cwd=REPO,
        timeout=60,
    )


def _on_a_full_device(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    with open("/dev/full", "w") as full:
        return _with_stdout(args, env, full)


def test_stdout_on_a_full_device_is_one_line(team: Path, env: dict[str, str]) -> None:
    result = _on_a_full_device(["list"], env)
    assert result.returncode == 1
    _one_line(result.stderr, "could not write the output: No space left on device")


def test_a_write_whose_output_fails_says_the_change_was_saved(
    team: Path, env: dict[str, str]
) -> None:
    """A tester's `pdca add x > /dev/full` said only that the output failed, and exit 1: a
    script retrying on that would add the action twice. Exit 0, as a stop after the save."""
    before = _state(team)
    result = _on_a_full_device(["add", "written to a full disk"], env)
    assert result.returncode == 0
    _one_line(
        result.stderr,
        "the change was saved, but its output could not be written: No space left on device",
    )
    assert _state(team) != before  # saved, as it says
    # stderr gone too (a dropped SSH session): the 0 alone tells, no traceback (a reviewer).
    # With Python's streams buffered, as a shell starts it (no PYTHONUNBUFFERED), the line
    # left in stderr's buffer failed again as Python ended: exit 120 after the save (a
    # tester's cron, `>> log 2>&1` on a full disk); and 120 for bad input, where 1 is said.
    saved = _state(team)
    for args, status in (
        (["add", "both streams full"], 0),
        (["list"], 1),
        (["add", ""], 1),
    ):
        assert _both_streams_full(args, env).returncode == status, args
    assert _state(team)[1] == saved[1] + 1  # the add, alone


def _both_streams_full(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """``args`` run with stdout and stderr on a full device, its streams buffered as a shell
    starts Python (no PYTHONUNBUFFERED)."""
    with open("/dev/full", "w") as full:
        return run_pdca(*args, env=env, into=full)


@pytest.mark.parametrize("made", ["backup", "export"])
def test_a_file_made_whose_output_fails_exits_0_saying_so(
    team: Path, env: dict[str, str], tmp_path: Path, made: str
) -> None:
    """A backup made, its output into a full disk: exit 1, read as "nothing written", where
    the backup was whole (a retrial); an export --out the same under 2>&1."""
    target = tmp_path / f"{made}.out"
    args = ["backup", str(target)] if made == "backup" else ["export", "--out", str(target)]
    result = _on_a_full_device(args, env)
    assert result.returncode == 0 and target.stat().st_size > 0
    if made == "backup":  # an export says what it wrote on stderr, which has room here
        _one_line(result.stderr, "done, but its output could not be written: No space")
    again = tmp_path / f"{made}.again"
    args = ["backup", str(again)] if made == "backup" else ["export", "--out", str(again)]
    assert _both_streams_full(args, env).returncode == 0 and again.stat().st_size > 0


@pytest.mark.parametrize(
    "command",
    [["log", "--limit", "1000"], ["show", "1", "--json"], ["list", "--json"]],
    ids=["log", "show-json", "list-json"],
)
def test_a_reader_that_goes_away_is_no_traceback(
    cli, team: Path, env: dict[str, str], command: list[str]
) -> None:
    store = open_as(team, "alice")
    try:  # far more than a pipe holds, so a write meets the closed end
        for n in range(400):
            store.record_checkin(1, f"note {n} " + "x" * 1900, "on-track")
            store.add_action_line(ActionFields(title=f"action {n}", notes="y" * 900))
    finally:
        store.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "pdca.tui", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
        cwd=REPO,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()  # like | head -1
    process.stdout.close()
    stderr = process.stderr.read()
    # The reader chose to stop: nothing to report, and nothing failed.
    assert process.wait(timeout=60) == 0
    assert stderr == b""


@pytest.mark.parametrize("asked", [["--help"], ["--version"], ["add", "--help"]])
def test_the_help_into_a_reader_gone_exits_0_as_every_command_does(
    env: dict[str, str], asked: list[str]
) -> None:
    """``pdca --help | false`` exited 1, ``pdca list | false`` 0 (a tester)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader gone before a word is written
    try:
        done = _with_stdout(asked, env, write_end)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, b"")


def test_the_help_alone_or_after_the_text_is_the_help_and_text_after_dashes_is_text(
    cli, team: Path
) -> None:
    for asked in (["add", "--help"], ["add", "Fix it", "-h"], ["checkin", "-h", "1"]):
        shown = cli(*asked)
        assert shown.exit_code == 0 and shown.output.startswith("Usage: "), asked
    added = cli("add", "--owner", "ann", "--", "--help")
    assert added.exit_code == 0, added.output
    assert "--help" in cli("list").output


FILE_LIMIT = 64 * 1024  # room for SQLite's 32 KiB -shm; less than the export


def _small_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def test_an_export_that_cannot_be_written_whole_leaves_the_old_file(
    cli, team: Path, env: dict[str, str], tmp_path: Path
) -> None:
    for n in range(100):
        assert cli("add", f"action {n} " + "y" * 150, "--notes", "z" * 500).exit_code == 0
    out = tmp_path / "export.json"
    out.write_text("the old export\n")
    result = _process(
        ["export", "--out", str(out)], env, preexec_fn=_small_file_limit
    )  # a full disk, as far as the writer can tell
    assert result.returncode == 1
    _one_line(result.stderr, "could not be written (File too large); the old file is unchanged")
    assert out.read_text() == "the old export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".export")) == []


def test_an_export_through_a_link_writes_the_file_it_names(cli, team: Path, tmp_path: Path) -> None:
    target = tmp_path / "target.json"
    target.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(target.name)
    assert cli("export", "--out", str(link)).exit_code == 0
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "pdca-export"
    dash = cli("export", "--out", "-")
    assert json.loads(dash.stdout)["format"] == "pdca-export"
    assert not (Path.cwd() / "-").exists()


def test_an_export_replaces_the_file_keeping_its_mode(cli, team: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    out.write_text("old\n")
    out.chmod(0o640)
    assert cli("export", "--format", "csv", "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("id,title")
    assert out.stat().st_mode & 0o777 == 0o640


# --------------------------------------------------------------------------- 'none'


def test_clearing_the_alert_threshold_closes_the_open_alert(cli, team: Path) -> None:
    assert cli("kpi", "record", KPI, "50").exit_code == 0  # past 40: an alert is raised
    opened = cli("alerts", "--json")
    assert len(json.loads(opened.stdout)) == 1
    result = cli("kpi", "edit", KPI, "--alert", "none")
    assert result.exit_code == 0, result.stderr
    assert json.loads(cli("alerts", "--json").stdout) == []
    shown = json.loads(cli("kpi", "show", KPI, "--json").stdout)
    assert shown["kpi"]["alert"] is None if "kpi" in shown else shown["alert"] is None


def test_none_clears_the_benchmark_source_and_the_notes(cli, team: Path) -> None:
    assert cli("kpi", "edit", KPI, "--benchmark", "20", "--benchmark-source", "DORA").exit_code == 0
    assert cli("kpi", "edit", KPI, "--benchmark-source", "none").exit_code == 0
    assert cli("edit", "1", "--notes", "some detail").exit_code == 0
    assert cli("edit", "1", "--notes", "none").exit_code == 0
    assert json.loads(cli("show", "1", "--json").stdout)["action"]["notes"] == ""
    listed = json.loads(cli("kpi", "list", "--json").stdout)
    assert listed[0]["benchmark_source"] is None
    assert listed[0]["benchmark"] == 20


def test_a_folder_whose_name_is_not_utf8_holds_a_database(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tester's ``pdca init`` in ``d\xffir`` crashed (the file: URI was encoded as text).
    Such a name can only come from where pdca runs: as an argument it is refused."""
    folder = tmp_path / os.fsdecode(b"d\xffir")
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # not the team's (an earlier test may have left the umask at 007)
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.chdir(folder)
    for args in (["init"], ["add", "x"], ["backup"], ["doctor"]):
        result = cli(*args)
        assert "crashed" not in result.stderr, (args, result.stderr)
        assert result.exit_code == 0, (args, result.stderr)
    assert json.loads(cli("list", "--json").stdout)[0]["title"] == "x"
    from pdca.db import schema
    from tests.unit.test_file_safety import make_old_database

    older = tmp_path / os.fsdecode(b"e\xffir")  # an older pdca's file: upgraded, with a copy
    older.mkdir()
    make_old_database(older / "pdca.db", schema.schema_version() - 1)
    monkeypatch.chdir(older)
    result = cli("list", "--json")
    assert result.exit_code == 0 and "upgraded" in result.stderr, result.stderr
    assert (older / f"pdca.db.v{schema.schema_version() - 1}.bak").exists()


def test_a_command_a_message_suggests_is_quoted_for_the_shell(cli, tmp_path: Path) -> None:
    """A tester was told ``create one with: pdca --db /tmp/my dir/x.db init``, which the shell
    splits into three words."""
    folder = tmp_path / "my dir"
    folder.mkdir()
    path = folder / "x.db"
    said = cli("--db", str(path), "list").stderr
    assert said == f"pdca: no database at {path} (create one with: pdca --db '{path}' init)\n"
    assert cli("--db", str(path), "init").exit_code == 0
    assert f"make one with pdca --db '{path}' backup" in cli("--db", str(path), "doctor").stdout


def test_a_suggested_path_holding_a_newline_pastes_as_that_path(tmp_path: Path) -> None:
    """``pdca --db '/tmp/d/new\\nline.db' init`` was suggested: pasted, a backslash and an
    n, another file (a tester). bash's $'...' spells the newline instead."""
    import os
    import subprocess

    from pdca.db.errors import shell_word

    # a control, a quote, a character past U+FFFF, a byte that is not UTF-8 (a reviewer)
    odd = "new\nline it's\x01 \U000f0001b " + os.fsdecode(b"caf\xe9")
    path = tmp_path / f"{odd}.db"
    word = shell_word(path)
    assert word.isprintable() and word.startswith("$'")
    echoed = subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True, check=True)
    assert echoed.stdout == os.fsencode(path)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d.update(schema_version="21"), "has schema_version '21', which is not a whole"),
        (lambda d: d["tables"].update(bogus=[]), "has a table pdca does not know: 'bogus'"),
        (
            lambda d: d["tables"]["actions"][0].update(phase="bogus"),
            "actions row 1 is invalid (actions.phase takes one of plan, do, check, act);"
            " nothing written",
        ),
        # ids with a gap: the row's id too, which a person edits by (row 1 was taken for #1,
        # a tester's jq edit)
        (
            lambda d: d["tables"]["actions"][0].update(id=5, phase="bogus"),
            "actions row 1 (id 5) is invalid (actions.phase takes one of plan, do, check, act)",
        ),
    ],
    ids=["version as text", "unknown table", "guard's message", "an id past a gap"],
)
def test_a_crafted_restore_is_named_plainly(
    cli, team: Path, tmp_path: Path, change, said: str
) -> None:
    """A tester: "comes from schema version 21; this pdca knows up to 21", "has no tables pdca
    knows" for one extra table, and "nothing written); nothing written"."""
    document = _export(cli, tmp_path)
    change(document)
    result = _restore(cli, tmp_path, document)
    assert_one_line_error(result, said)
    assert result.stderr.count("nothing written") <= 1


def test_a_restore_with_a_number_of_thousands_of_digits_is_named(
    cli, team: Path, tmp_path: Path
) -> None:
    text = json.dumps(_export(cli, tmp_path)).replace('"version": 1', '"version": ' + "9" * 5000, 1)
    result = _restore(cli, tmp_path, text)
    assert_one_line_error(result, "holds a number of thousands of digits: not a pdca export")
    assert "sys.set_int_max_str_digits" not in result.stderr


def test_an_option_value_that_is_not_utf8_is_named_by_its_option(
    team: Path, env: dict[str, str]
) -> None:
    result = _process([b"add", b"ok", b"--notes", b"\xff"], env)
    assert result.returncode == 1
    said = result.stderr.decode()
    assert said.endswith("pdca: --notes: '\\xff' is not UTF-8 text\n"), said


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ([b"add", b"bad\xff"], "title"),
        ([b"--db", b"x.db", b"checkin", b"1", b"\xff"], "message"),
        ([b"kpi", b"add", b"N\xff", b"--unit", b"%"], "name"),
        ([b"add", b"--", b"\xff"], "title"),  # "--" ends the options: it names nothing
        ([b"edit", b"1", b"--title=\xff"], "--title"),
        ([b"show", b"1\xff"], "id"),  # as the usage line says it, not "argument 2"
        ([b"followup", b"1\xff", b"holding"], "id"),  # nor "action_text"
        ([b"kpi", b"record", b"K", b"3\xff", b"--note", b"x"], "value"),
    ],
)
def test_an_argument_that_is_not_utf8_is_named_by_what_it_fills(
    team: Path, env: dict[str, str], args: list[bytes], named: str
) -> None:
    """ "argument 2" named nothing a person typed (a tester): the title, the message."""
    result = _process(args, env)
    assert result.returncode == 1
    assert result.stderr.decode().startswith(f"pdca: {named}: "), result.stderr
