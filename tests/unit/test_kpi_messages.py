"""What a tester found in ``pdca kpi record`` and the KPI messages: numbers printed as people
wrote them (not ``1e+15``), suggested names quoted so they copy whole, one wording for an
unknown KPI in every command, options named as typed (``--at``), readings before 1970 refused.
Each bad input: one line on stderr, exit 1, nothing written."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pdca.db import kpi_rules
from pdca.db.errors import InvalidInput, NotFound
from pdca.db.models import ReadingDraft, quoted_name, shown_number
from pdca.db.store import Store
from tests.conftest import NOW
from tests.unit.test_bad_input import assert_one_line_error, sha256

KPI = "Resolution time"
ODD = 'Bob\'s "p95" 🚀 latency'  # both quotes, an emoji: what Python's repr got wrong


@pytest.fixture
def kpi(ok) -> str:
    ok("kpi", "add", KPI, "--unit", "h", "--baseline", "30", "--target", "24")
    ok("add", "first", "--owner", "dana", "--due", "+1w")
    return KPI


# --------------------------------------------------------------------------- 1. numbers


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (999999999999999.0, "999999999999999"),
        (1e15, "1000000000000000"),
        (-1e15, "-1000000000000000"),
        (27.5, "27.5"),
        (3.0, "3"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.3"),  # within float precision, not 0.30000000000000004
        (0.1234567891234, "0.1234567891234"),
        (123456789.125, "123456789.125"),
        (0.00001, "0.00001"),
        (1e-12, "1e-12"),  # only tiny magnitudes keep an exponent
    ],
)
def test_shown_number_is_as_people_write_it(value: float, shown: str) -> None:
    assert shown_number(value) == shown
    assert float(shown) == pytest.approx(value, rel=1e-15, abs=0)


def test_record_prints_the_value_as_written(ok, kpi) -> None:
    done = ok("kpi", "record", kpi, "999999999999999")
    assert done.stdout == f"recorded 999999999999999 for {kpi} at {NOW}\n"
    ok("kpi", "record", kpi, "0.00001")
    shown = ok("kpi", "show", kpi).stdout
    assert "latest       0.00001 h at" in shown


def test_event_summary_carries_the_value_as_written(store: Store) -> None:
    from pdca.db import readings
    from pdca.db.models import KpiDraft

    store.add_kpi(KpiDraft(name=KPI, unit="h", baseline=30, target=24))
    readings.record(store, KPI, 999999999999999.0)
    summary = store.conn.execute(
        "SELECT summary FROM events WHERE entity = 'reading' ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert summary == f"recorded 999999999999999 for KPI {KPI!r}"


def test_list_and_show_print_every_digit(ok) -> None:
    ok("kpi", "add", "Revenue", "--unit", "EUR", "--baseline", "123456789.125",
       "--target", "999999999999999", "--warn", "100000000.5")  # fmt: skip
    ok("kpi", "record", "Revenue", "123456789.75")
    listed = ok("kpi", "list").stdout
    assert "123456789.75 EUR" in listed and "999999999999999" in listed
    assert "e+" not in listed
    shown = ok("kpi", "show", "Revenue").stdout
    assert "baseline     123456789.125 EUR, target 999999999999999" in shown
    assert "thresholds   warn 100000000.5" in shown
    assert "e+" not in shown.split("process limits")[0]


# --------------------------------------------------------------------------- 2. quoting


def test_quoted_name_is_the_name_exactly() -> None:
    assert quoted_name(ODD) == f"“{ODD}”"
    long = "x" * 300
    assert quoted_name(long) == "“" + "x" * 50 + "…” (300 characters)"


def test_a_suggested_name_copies_whole(cli, ok, db_path: Path) -> None:
    ok("kpi", "add", ODD, "--unit", "ms", "--baseline", "300", "--target", "200")
    digest = sha256(db_path)
    error = assert_one_line_error(cli("kpi", "show", "Bob's p95"), "did you mean “")
    assert "\\'" not in error  # no Python escaping
    suggested = re.findall(r"“(.*?)”", error.split("did you mean", 1)[1])
    assert suggested == [ODD]
    assert ok("kpi", "show", suggested[0]).stdout.startswith(ODD)  # pasted back, it works
    assert sha256(db_path) == digest


# --------------------------------------------------------------------------- 3. one wording

UNKNOWN = "“Nope” is not a known KPI (list them: pdca kpi list)"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["kpi", "show", "Nope"], f"kpi: {UNKNOWN}"),
        (["kpi", "edit", "Nope", "--unit", "x"], f"kpi: {UNKNOWN}"),
        (["kpi", "record", "Nope", "3"], f"kpi: {UNKNOWN}"),
        (["add", "second", "--kpi", "Nope"], f"--kpi: {UNKNOWN}"),
        (["add", "second", "--kpi", "Nope", "--json"], f"--kpi: {UNKNOWN}"),
        (["edit", "1", "--kpi", "Nope"], f"--kpi: {UNKNOWN}"),
        (["edit", "1", "--kpi", "Nope", "--json"], f"--kpi: {UNKNOWN}"),
    ],
)  # fmt: skip
def test_an_unknown_kpi_reads_the_same_in_every_command(
    cli, db_path: Path, kpi, args: list[str], expected: str
) -> None:
    digest = sha256(db_path)
    result = cli(*args)
    assert result.stderr == f"pdca: {expected}\n"
    assert result.exit_code == 1
    assert sha256(db_path) == digest


@pytest.mark.parametrize(
    "args",
    [
        ["kpi", "show", "Resolution tme"],
        ["kpi", "edit", "Resolution tme", "--unit", "x"],
        ["kpi", "record", "Resolution tme", "3"],
        ["add", "second", "--kpi", "Resolution tme"],
        ["edit", "1", "--kpi", "Resolution tme"],
    ],
)
def test_a_close_name_is_suggested_by_every_command(cli, db_path: Path, kpi, args) -> None:
    digest = sha256(db_path)
    error = assert_one_line_error(cli(*args))
    assert error.endswith(
        ": “Resolution tme” is not a known KPI; did you mean “Resolution time”?\n"
    ), error
    assert sha256(db_path) == digest


def test_import_names_an_unknown_kpi_the_same_way(cli, db_path: Path, kpi, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,at,value\nNope,2026-11-22,1\nResolution tme,2026-11-22,1\n")
    digest = sha256(db_path)
    assert_one_line_error(
        cli("kpi", "import", str(bad)),
        f"line 2: name: {UNKNOWN}",
        "line 3: name: “Resolution tme” is not a known KPI; did you mean “Resolution time”?",
    )
    assert sha256(db_path) == digest


def test_unknown_kpi_is_caught_as_either_error(store: Store) -> None:
    from pdca.db import kpis

    with pytest.raises(NotFound):
        kpis.kpi_detail(store, "Nope")
    with pytest.raises(InvalidInput) as caught:
        store.record_reading(ReadingDraft(kpi="Nope", value=1))
    assert caught.value.field == "kpi" and caught.value.value == "Nope"
    assert str(caught.value) == f"kpi: {UNKNOWN}"
    assert isinstance(kpi_rules.UnknownKpi("kpi", "x", []), InvalidInput)


# --------------------------------------------------------------------------- 4. option names


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["kpi", "record", KPI, "3", "--at", "garbage"],
         "--at: 'garbage' is not a time (like 2026-11-23T09:30:00Z) or a day (2026-11-23,"
         " yesterday, mon, -2d)"),
        (["kpi", "record", KPI, "3", "--at", "2026-02-30"],
         "--at: '2026-02-30' is not a real date"),
        (["kpi", "record", KPI, "3", "--at", "2026-02-03T25:00:00Z"],
         "--at: '2026-02-03T25:00:00Z' is not a time (like 2026-11-23T09:30:00Z) or a day"),
        (["kpi", "record", KPI, "3", "--at", "2030-01-01"],
         "--at: '2030-01-01' is a day still to come (today is 2026-11-23)"),
        (["kpi", "record", KPI, "3", "--at", "2030-01-01T00:00:00Z"],
         f"--at: '2030-01-01T00:00:00Z' is in the future (now is {NOW})"),
        (["kpi", "record", KPI, "3", "--at", "tomorrow"],
         "--at: 'tomorrow' is a day still to come (today is 2026-11-23)"),
        (["kpi", "add", "Cost", "--unit", "EUR", "--baseline", "x", "--target", "2"],
         "--baseline: 'x' is not a number"),
        (["kpi", "add", "Cost", "--unit", "EUR", "--baseline", "1", "--target", "2",
          "--warn", "3"], "--warn: 3 is not worse than the target 2 (higher is better)"),
        (["kpi", "add", "Cost", "--unit", "EUR", "--baseline", "1", "--target", "2",
          "--target-date", "soonish"], "--target-date: 'soonish' is not a date"),
        (["kpi", "add", "Cost", "--unit", "EUR", "--baseline", "1", "--target", "2",
          "--benchmark-source", "x"], "--benchmark-source: 'x' needs a benchmark value"),
        (["kpi", "add", "Cost", "--unit", "EUR", "--baseline", "1", "--target", "2",
          "--baseline-from", "2027-01-01"], "--baseline-from: '2027-01-01' is in the future"),
        (["alerts", "ack", "1", "\x1b[2J"],
         "message: '\\x1b[2J' shows nothing: it holds only blanks, controls, terminal control"),
        (["kpi", "edit", KPI, "--benchmark", "none", "--benchmark-source", "keep?"],
         "--benchmark-source: 'keep?' needs a benchmark value, and --benchmark none clears"),
        (["kpi", "edit", KPI, "--alert", "20"],
         "--alert: 20 is not worse than the target 24 (lower is better)"),
        (["kpi", "edit", KPI, "--escalate-to", "ok,bad login"],
         "--escalate-to: 'ok,bad login' is not a login"),
        (["kpi", "edit", KPI, "--name", " "], "--name: ' '"),
        (["kpi", "edit", KPI, "--initiative", "Nope"], "--initiative: “Nope” is not a known"),
        (["kpi", "record", KPI, "3", "--note", "x" * 10_001], "--note: 'xxx"),
    ],
)  # fmt: skip
def test_a_message_names_the_option_as_typed(
    cli, db_path: Path, kpi, args: list[str], expected: str
) -> None:
    digest = sha256(db_path)
    error = assert_one_line_error(cli(*args), f"pdca: {expected}")
    assert error.startswith(f"pdca: {expected}")
    assert sha256(db_path) == digest


def test_a_rule_a_change_breaks_is_said_of_the_option_given(cli, ok, db_path: Path, kpi) -> None:
    """--target alone was refused as "--alert: 34 is not worse…", an option nobody gave."""
    ok("kpi", "edit", kpi, "--alert", "34")
    digest = sha256(db_path)
    assert_one_line_error(
        cli("kpi", "edit", kpi, "--target", "40"),
        "pdca: --target: 40 would leave alert 34 as it is, which is not worse than the target"
        " 40 (lower is better); give --alert too",
    )
    assert sha256(db_path) == digest
    ok("kpi", "edit", kpi, "--target", "40", "--alert", "50")  # both given: taken


# --------------------------------------------------------------------------- 5. before 1970


@pytest.mark.parametrize("at", ["1900-01-01", "1969-12-31T23:59:59Z", "1970-01-01T00:30+01:00"])
def test_a_reading_before_1970_is_refused(cli, db_path: Path, kpi, at: str) -> None:
    digest = sha256(db_path)
    assert_one_line_error(
        cli("kpi", "record", kpi, "3", "--at", at),
        "pdca: --at: ",
        "is before 1970-01-01, the earliest a reading may be dated",
    )
    assert sha256(db_path) == digest


def test_back_filled_history_from_1970_is_taken(ok, kpi) -> None:
    done = ok("kpi", "record", kpi, "3", "--at", "1970-01-01")
    assert done.stdout == f"recorded 3 for {kpi} at 1970-01-01T00:00:00Z\n"


@pytest.mark.parametrize(
    ("at", "stored"),
    [
        ("yesterday", "2026-11-22T00:00:00Z"),
        ("-2d", "2026-11-21T00:00:00Z"),
        ("Mon", "2026-11-16T00:00:00Z"),  # today is a Monday: the last one before it
        ("today", "2026-11-23T00:00:00Z"),
        ("now", "2026-11-23T09:00:00Z"),  # refused as not a time (a retrial)
        (" NOW ", "2026-11-23T09:00:00Z"),
    ],
)
def test_a_reading_is_back_filled_for_a_day_as_dates_are_typed(ok, kpi, at: str, stored) -> None:
    # --due yesterday was taken and --at yesterday refused (a new user back-filling a reading)
    done = ok("kpi", "record", kpi, "3", "--at", at)
    assert done.stdout == f"recorded 3 for {kpi} at {stored}\n"


def test_import_and_the_store_refuse_a_reading_before_1970(
    cli, db_path: Path, kpi, tmp_path: Path
) -> None:
    bad = tmp_path / "old.csv"
    bad.write_text(f"name,at,value\n{KPI},1960-05-01,1\n{KPI},2026-11-22,1\n")
    digest = sha256(db_path)
    assert_one_line_error(cli("kpi", "import", str(bad)), "line 2: at: '1960-05-01T00:00:00Z'")
    assert sha256(db_path) == digest
    opened = Store.open(db_path, actor="dana", clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
    try:
        with pytest.raises(InvalidInput, match="before 1970-01-01"):
            opened.record_reading(ReadingDraft(kpi=KPI, value=1), datetime(1969, 7, 20, tzinfo=UTC))
    finally:
        opened.close()
    assert sha256(db_path) == digest


def test_alert_summaries_and_warnings_print_the_numbers_as_written(ok, db_path: Path) -> None:
    added = ok("kpi", "add", "Backlog", "--unit", "n", "--baseline", "1234567.5", "--target",
               "2345678.5", "--direction", "down", "--alert", "999999999999990")  # fmt: skip
    assert "target: 2345678.5 is worse than the baseline 1234567.5" in added.stderr
    ok("kpi", "record", "Backlog", "999999999999999")
    ok("kpi", "record", "Backlog", "3")
    opened = Store.open(db_path, actor="dana", clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
    try:
        summaries = [
            row[0]
            for row in opened.conn.execute(
                "SELECT summary FROM events WHERE entity = 'alert' ORDER BY id"
            )
        ]
    finally:
        opened.close()
    joined = " | ".join(summaries)
    assert "999999999999999 n is above the alert threshold 999999999999990 n" in joined, joined
    assert "3 n is back under the alert threshold 999999999999990 n" in joined, joined
    assert "e+" not in joined


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Cafe\u0301", "is already the name of a KPI"),  # the decomposed form: the same
        ("CAFÉ", "is taken by the KPI 'Café'"),  # case beyond ASCII
        ("Café ", "is already the name of a KPI"),  # a blank at the end: the same
        ("Café\u200b", "holds \\u200b, which cannot be seen"),  # a zero-width space
        ("\ufeffCafé", "holds \\ufeff, which cannot be seen"),  # a byte order mark
        # what the app's columns show escaped (a tester's second "Lead time" with a tag)
        ("Café\U000e0020", "holds \\U000e0020, which cannot be seen or is shown as an"),
        ("Ca\u034ffé", "holds \\u034f, which cannot be seen"),  # a blank letter
        ("Ca\u200dfé", "holds \\u200d, which cannot be seen"),  # a joiner
        ("Café 👍🏽", "holds \\U0001f3fd, which cannot be seen or is shown as an escape"),
        ("Café \U0001f1eb", "holds \\U0001f1eb"),  # a flag's letter, alone
    ],
)
def test_a_kpi_name_that_reads_as_another_is_refused(ok, cli, typed: str, said: str) -> None:
    """A tester made five KPIs that ``kpi list`` showed alike: Café in both Unicode forms,
    with a blank or a zero-width space at its end, and in capitals."""
    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "Café", *kpi)
    result = cli("kpi", "add", typed, *kpi)
    assert result.exit_code == 1 and said in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    renamed = cli("kpi", "add", "Other", *kpi)
    assert renamed.exit_code == 0
    again = cli("kpi", "edit", "Other", "--name", typed)
    assert again.exit_code == 1 and said in again.stderr, again.stderr


def test_a_new_name_is_kept_in_its_composed_form_without_end_blanks(ok, js) -> None:
    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", " Cafe\u0301 ", *kpi)
    assert [k["name"] for k in js("kpi", "list", "--json")] == ["Café"]


def test_a_kpi_whose_old_name_breaks_todays_rules_can_still_be_edited(
    ok, cli, db_path: Path
) -> None:
    """A reviewer: kpi edit re-checked the stored name, and a zero-width space in one from
    before crashed every edit of that KPI."""
    import sqlite3

    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "Old", *kpi)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE kpis SET name = 'Old' || char(8203)")
    conn.close()
    edited = cli("kpi", "edit", "Old\u200b", "--target", "1")
    assert edited.exit_code == 0, edited.stderr
    renamed = cli("kpi", "edit", "Old\u200b", "--name", "Old\u200b")  # a new name is checked
    assert renamed.exit_code == 1 and "holds \\u200b" in renamed.stderr


@pytest.mark.parametrize(
    "title",
    [
        "\u3164", "\u2800", "\u115f\u1160", "\u034f", "\uffa0", "\u0300\u0301", " \u20dd",
        "\x1b[2J", "\x1b]0;x\x07", " \x1bc ",  # a terminal's control sequences say nothing
    ],
)  # fmt: skip
def test_a_title_of_blank_letters_shows_nothing(cli, title: str) -> None:
    result = cli("add", title)
    assert result.exit_code == 1 and "shows nothing" in result.stderr


def test_names_differ_where_their_letters_do(ok) -> None:
    """Masse and Maße are two words (casefold made them one)."""
    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "Maße", *kpi)
    ok("kpi", "add", "Masse", *kpi)


def test_a_name_in_letters_that_only_look_latin_is_taken(ok, cli) -> None:
    """ "Cаfé" with a Cyrillic а listed as a second "Café" (a tester); a Russian name of its
    own stays one."""
    ok("initiative", "add", "Café", "--objective", "Faster by 2027-06-30")
    taken = cli("initiative", "add", "C\u0430f\u00e9")
    assert taken.exit_code == 1 and "is taken by the initiative 'Café'" in taken.stderr
    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "Pages", *kpi)
    assert "is taken by the KPI 'Pages'" in cli("kpi", "add", "\u0420ag\u0435s", *kpi).stderr
    ok("kpi", "add", "Сбор заявок", *kpi)


def test_a_name_is_found_as_typed_in_either_unicode_form_or_with_end_blanks(ok, js) -> None:
    """A reviewer: names are kept composed and trimmed, and the same name typed decomposed,
    or with a blank at its end, was refused as unknown ("did you mean" the same)."""
    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "Re\u0301sume\u0301 time", *kpi)
    ok("initiative", "add", "Cafe\u0301 ", "--objective", "Faster by 2027-06-30")
    ok("kpi", "record", "Re\u0301sume\u0301 time", "3")
    ok("kpi", "record", "Résumé time ", "4")
    ok("add", "x", "--kpi", "Re\u0301sume\u0301 time", "--initiative", "Cafe\u0301")
    (action,) = js("list", "--json")
    assert (action["kpi"], action["initiative"]) == ("Résumé time", "Café")
    assert js("kpi", "show", "Résumé time ", "--json")["kpi"]["latest_value"] == 4


def test_a_name_is_found_in_any_case_beyond_ascii_and_never_as_another_word(ok, js) -> None:
    """A tester: "CAFÉ" found the KPI in kpi show but not in kpi record or --kpi; and the
    board's form and the report took "Maße" for "Masse" (casefold), without a word."""
    from pdca.widgets.forms import matching_name

    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "Café", *kpi)
    ok("kpi", "record", "CAFÉ", "3")
    ok("add", "x", "--kpi", "CAFÉ")
    assert js("list", "--json")[0]["kpi"] == "Café"
    for name in ("Maße", "Masse"):
        ok("initiative", "add", name, "--objective", "Faster by 2027-06-30")
    assert ok("report", "Maße").stdout.startswith("# Cycle report: Maße")
    assert ok("report", "masse").stdout.startswith("# Cycle report: Masse")
    assert matching_name("Maße", ["Masse", "Maße"]) == "Maße"
    assert matching_name("MASSE", ["Masse", "Maße"]) == "Masse"
    assert matching_name("Cafe\u0301 ", ["Café"]) == "Café"
    assert matching_name("été", ["ÉTÉ", "Été"]) is None  # two read the same: neither
    # typed as the app shows it (an imported name's emoji without its joiner): "not a known
    # KPI; did you mean" the same (a retrial)
    runner = "\U0001f3c3\u200d\u2640\ufe0f Sprint pace"
    assert matching_name("\U0001f3c3\u2640 Sprint pace", ["Other", runner]) == runner


def test_a_cleared_alert_says_which_side_it_is_back_on_with_its_unit(ok) -> None:
    """ "4 is back within 2" read as wrong where higher is better (a lead's trial)."""
    ok("kpi", "add", "Deploys", "--unit", "/day", "--baseline", "3", "--target", "5",
       "--alert", "2", "--direction", "up")  # fmt: skip
    ok("kpi", "record", "Deploys", "1")
    back = ok("kpi", "record", "Deploys", "4")
    assert "4 /day is back over the alert threshold 2 /day" in back.stdout
    ok("kpi", "record", "Deploys", "1")
    level = ok("kpi", "record", "Deploys", "2")
    assert "2 /day is back at or over the alert threshold 2 /day" in level.stdout


def test_a_name_that_differs_only_in_its_blanks_is_taken(ok, cli) -> None:
    """ "A\\u00a0B" (a no-break space) and "A  B" beside "A B" were initiatives that
    ``initiative list`` showed alike, and --initiative 'A B' picked one silently (a tester)."""
    ok("initiative", "add", "Faster support", "--objective", "Faster by 2027-06-30")
    for twin in ("Faster\u00a0support", "Faster  support", "Faster\u2009support"):
        taken = cli("initiative", "add", twin)
        assert taken.exit_code == 1, twin
        assert "is taken by the initiative 'Faster support'" in taken.stderr
    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "Lead time", *kpi)
    assert "is taken by the KPI 'Lead time'" in cli("kpi", "add", "Lead\u00a0 time", *kpi).stderr


def test_a_kpi_named_with_other_blanks_is_found_as_typed_with_spaces(ok) -> None:
    """Renamed "Lat\\u00a02" (an edit may), it was found by record but not by show or edit:
    "did you mean “Lat 2”?" of the very name typed (a tester)."""
    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "Lat 2", *kpi)
    ok("kpi", "edit", "Lat 2", "--name", "Lat\u00a02")
    assert "Lat\u00a02" in ok("kpi", "show", "Lat 2").stdout
    ok("kpi", "edit", "Lat  2", "--unit", "s")


def test_an_emoji_presentation_selector_is_dropped_from_a_new_name(ok, js) -> None:
    """An emoji keyboard types ❤ as U+2764 U+FE0F: the name is kept without the selector
    (the app's columns showed it as an escape), found as typed, and a flag stays whole."""
    kpi = ("--unit", "h", "--baseline", "3", "--target", "2", "--target-date", "2027-03-31")
    ok("kpi", "add", "\u2764\ufe0f Team health", *kpi)
    ok("kpi", "add", "\U0001f1eb\U0001f1f7 sales", *kpi)
    names = {k["name"] for k in js("kpi", "list", "--json")}
    assert names == {"\u2764 Team health", "\U0001f1eb\U0001f1f7 sales"}
    assert "Team health" in ok("kpi", "show", "\u2764\ufe0f Team health").stdout


def test_show_gives_every_value_its_unit(ok) -> None:
    # "baseline 4 %, target 2 by ..., thresholds warn 4.5" read the others as counts (a
    # quality manager).
    ok("kpi", "add", "Scrap rate", "--unit", "%", "--baseline", "4", "--target", "2",
       "--warn", "4.5", "--alert", "5", "--benchmark", "1.5",
       "--benchmark-source", "VDA")  # fmt: skip
    shown = ok("kpi", "show", "Scrap rate").stdout
    assert "baseline     4 %, target 2 % by" in shown
    assert "thresholds   warn 4.5 %, alert 5 %\n" in shown
    assert "benchmark    1.5 % (VDA)" in shown
