"""``pdca kpi ...`` and ``pdca alerts ...``: KPIs, readings (by hand, from cron, from CSV) and
drift alerts. Registered into the group by tui/cli.py; like it, never imports Textual.

``pdca alerts`` exits with status 3 when an alert it lists was not acknowledged in time, so
that cron mails it (status 1 stays "the command failed").
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pdca.db.clock import local_day
from pdca.db.errors import InvalidInput, shell_word
from pdca.db.models import DEFAULT_CADENCE, DEFAULT_PERSPECTIVE, not_an_id, record_id, shown_number
from pdca.db.plain import plain
from pdca.db.unknown_names import UnknownName
from pdca.tui.cli import (
    Session,
    _at_a_terminal,
    _date,
    _emit,
    _number,
    given_moment,
    json_option,
    pass_session,
    refuse_clearing,
)
from pdca.tui.cli_params import me_is_you, me_is_you_in_list
from pdca.tui.columns import Cut, natural_width, table, terminal_width, wrapped
from pdca.tui.output import printable, to_json

if TYPE_CHECKING:
    from pdca.db.models import Kpi
    from pdca.db.store import Store

OVERDUE_EXIT = 3
CADENCE_CHOICES = ["daily", "weekly", "monthly"]
CLEARABLE = {  # option -> KpiChanges field that 'none' empties
    "warn": "warn",
    "alert": "alert",
    "owner": "owner",
    "target_date": "target_date",
    "initiative": "initiative",
    "benchmark": "benchmark",
    "benchmark_source": "benchmark_source",
    "baseline_from": "baseline_from",
    "baseline_to": "baseline_to",
}
REQUIRED = ("unit", "perspective")  # 'none' would clear them, and a KPI needs them


def _logins(text: str | None) -> list[str] | None:
    """``--escalate-to dana,erin`` as a list (``none``: nobody). Empty is refused: a cron's
    unset ``--escalate-to "$ESC"`` wiped the path without a word (a tester)."""
    if text is None:
        return None
    if not text.strip():
        raise InvalidInput("--escalate-to", text, "is empty (none: nobody)")
    if text.strip().lower() == "none":
        return []
    return [part.strip() for part in text.split(",")]


REQUIRED_FIELDS = ("unit", "baseline", "target")  # of kpi add


def _field_options(required: bool):
    """The options of every KPI field, shared by ``kpi add`` and ``kpi edit``."""
    none = "" if required else ", or 'none' to clear"

    # Required by kpi add, and checked there all at once: click names one missing option a
    # run, and a new lead ran kpi add three times to learn the three (a lead's day one).
    needed = "  [required]" if required else ""

    def decorate(command):
        options = [
            click.option("--unit", help=f"What a value counts: h, %, tickets.{needed}"),
            click.option("--baseline", metavar="X", help=f"Where it stands.{needed}"),
            click.option("--target", metavar="Y", help=f"Where it should get.{needed}"),
            click.option(
                "--direction",
                type=click.Choice(["up", "down"], case_sensitive=False),
                help="Which way is better"
                + (" (default: from baseline toward target)." if required else "."),
            ),
            click.option("--warn", metavar="W", help=f"Threshold that warns{none}."),
            click.option("--alert", metavar="A", help=f"Threshold that raises an alert{none}."),
            click.option(
                "--owner", metavar="LOGIN", callback=me_is_you, help=f"Who answers for it{none}."
            ),
            click.option("--target-date", metavar="DATE", help=f"When the target is due{none}."),
            click.option(
                "--cadence",
                type=click.Choice(CADENCE_CHOICES, case_sensitive=False),
                help="How often it is read"
                + (f" (default: {DEFAULT_CADENCE})." if required else "."),
            ),
            click.option(
                "--perspective",
                metavar="P",
                help="quality, delivery, cost, people..."
                + (f" (default: {DEFAULT_PERSPECTIVE})." if required else ""),
            ),
            click.option(
                "--escalate-to",
                metavar="LOGIN,LOGIN",
                callback=me_is_you_in_list,
                help=f"Who, in turn, gets an alert not acknowledged within 24 h{none}.",
            ),
            click.option("--benchmark", metavar="VALUE", help=f"External reference{none}."),
            click.option("--benchmark-source", metavar="TEXT", help="Where the benchmark is from."),
            click.option("--initiative", metavar="NAME", help=f"The initiative it measures{none}."),
            click.option(
                "--alerts",
                "alerts_mode",
                type=click.Choice(["thresholds", "signals", "both"], case_sensitive=False),
                help="Which alerts it raises: threshold breaches, process signals, or both.",
            ),
            click.option(
                "--baseline-from",
                metavar="DATE",
                help=f"First day of the period its process limits come from{none}.",
            ),
            click.option(
                "--baseline-to",
                metavar="DATE",
                help=f"Last day of that period (default: the first 20 readings){none}.",
            ),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


# What the checks behind ``kpi add`` and ``kpi edit`` call a field (db/ and the models name
# it for the app's forms too) -> the option a person typed: a message names the latter.
OPTION_OF = {
    **{field: f"--{field}" for field in ("unit", "baseline", "target", "direction", "warn")},
    **{field: f"--{field}" for field in ("alert", "owner", "cadence", "perspective")},
    **{field: f"--{field}" for field in ("benchmark", "initiative")},
    **{
        field: "--" + field.replace("_", "-")
        for field in ("target_date", "benchmark_source", "baseline_from", "baseline_to")
    },
    **{field: f"--{field}" for field in ("target-date", "benchmark-source")},
    **{field: f"--{field}" for field in ("baseline-from", "baseline-to")},
    "escalation": "--escalate-to",
    "escalate-to": "--escalate-to",  # one login of it, refused (ensure_person's field)
    "alerts_mode": "--alerts",
}


@contextmanager
def typed_as(options: dict[str, str]) -> Iterator[None]:
    """Name a refused field as the option the person typed (``--warn: 3 is not worse than the
    target 2``, not ``warn: 3.0 ...``), its number as they wrote it (``shown_number``)."""
    try:
        yield
    except InvalidInput as error:
        option = options.get(error.field)
        if option is None:
            raise
        if isinstance(error, UnknownName):  # its wording and quotes kept
            raise error.typed_as(option) from None
        value = error.value
        if isinstance(value, list | tuple):  # --escalate-to dana,erin: as it was typed
            value = ",".join(str(part) for part in value)
        renamed = InvalidInput(option, value, error.why)
        if isinstance(value, float):
            renamed.args = (f"{option}: {shown_number(value)} {error.why}",)
        raise renamed from None


def register(cli: click.Group) -> None:
    cli.add_command(kpi)
    cli.add_command(alerts)


# --------------------------------------------------------------------------- kpi


@click.group()
def kpi() -> None:
    """KPIs: the numbers that show whether a change worked."""


@kpi.command("add")
@click.argument("name")
@_field_options(required=True)
@json_option
@pass_session
def kpi_add(session: Session, name: str, as_json: bool, **given: Any) -> None:
    """Add a KPI."""
    missing = [f"'--{field}'" for field in REQUIRED_FIELDS if given[field] is None]
    if missing:
        s = "s" if len(missing) > 1 else ""
        raise click.UsageError(f"Missing option{s} {', '.join(missing)}.")
    with typed_as(OPTION_OF):
        _kpi_add(session, name, as_json, given)


def _kpi_add(session: Session, name: str, as_json: bool, given: dict[str, Any]) -> None:
    from pdca.db.models import KpiDraft, validated

    base = _number("--baseline", given["baseline"])
    goal = _number("--target", given["target"])
    assert base is not None and goal is not None
    # Left unsaid, the direction is the way from baseline to target.
    chosen = given["direction"] or ("down" if goal < base else "up")
    values: dict[str, Any] = {
        "name": name,
        "unit": given["unit"],
        "baseline": base,
        "target": goal,
        "direction": chosen,
        "warn": _number("--warn", given["warn"]),
        "alert": _number("--alert", given["alert"]),
        "owner": given["owner"],
        "target_date": _date(session, "--target-date", given["target_date"]),
        "initiative": given["initiative"],
        "benchmark": _number("--benchmark", given["benchmark"]),
        "benchmark_source": given["benchmark_source"],
        "baseline_from": _date(session, "--baseline-from", given["baseline_from"], back=True),
        "baseline_to": _date(session, "--baseline-to", given["baseline_to"], back=True),
    }
    if given["alerts_mode"]:
        values["alerts_mode"] = given["alerts_mode"]
    if given["cadence"]:
        values["cadence"] = given["cadence"]
    if given["perspective"] is not None:
        values["perspective"] = given["perspective"]
    if given["escalate_to"] is not None:
        values["escalation"] = _logins(given["escalate_to"])
    draft = validated(KpiDraft, **values)
    from pdca.db.kpi_rules import refuse_future_baseline

    refuse_future_baseline(draft.baseline_from, session.clock(), draft.baseline_to)
    from pdca.tui.cli import (
        refuse_a_case_slip,
        refuse_names_a_new_file_lacks,
        saying_who_is_new,
        smart_notes,
    )

    refuse_a_case_slip(session, "owner", draft.owner)  # before the file may be made
    for login in draft.escalation:
        refuse_a_case_slip(session, "escalate-to", login)
    refuse_names_a_new_file_lacks(session, None, draft.initiative)
    store = session.store(create=True)
    from pdca.db.kpis import perspectives_known

    known = perspectives_known(store)
    with saying_who_is_new(store, draft.owner, *draft.escalation):
        result = store.add_kpi(draft)
    _emit(as_json, result, lambda: click.echo(f"added KPI {printable(result.name)}"))
    _note_a_new_perspective(result.name, result.perspective, known)
    _smart_notes_of(session, result)
    # Said, as a default nobody chose: a weekly KPI read as daily showed "measurement overdue"
    # after two days, and its perspective was warned of as the initiative's only one (testers).
    # The direction too, taken from baseline and target: the README says a note names the
    # defaults taken, and it was not named (a new user).
    defaults = [
        f"--{field} {getattr(result, field)}"
        for field in ("direction", "cadence", "perspective")
        if given.get(field) is None
    ]
    if defaults:
        change = f"pdca kpi edit {shell_word(result.name)} to change"
        said = (
            ", ".join(defaults[:-1]) + f" and {defaults[-1]}" if len(defaults) > 1 else defaults[0]
        )
        smart_notes([f"by default {said} ({change})"])
    if result.owner is None and not result.escalation:
        # An alert goes to its owner, else the first on the path, else whoever records the
        # reading (a CI account, a tester): said now, not found out at the first alert.
        smart_notes(
            [
                "owner: none, so its alerts go to whoever records the reading that raises"
                f" them (pdca kpi edit {shell_word(result.name)} --owner LOGIN)"
            ]
        )


@kpi.command("edit")
@click.argument("name")
@click.option("--name", "new_name", metavar="NEW", help="Rename it.")
@_field_options(required=False)
@json_option
@pass_session
def kpi_edit(session: Session, name: str, new_name, as_json: bool, **given: Any) -> None:
    """Change a KPI's fields ('none' clears an optional one)."""
    with typed_as({**OPTION_OF, "name": "--name"}):
        _kpi_edit(session, name, new_name, as_json, given)


def _kpi_edit(session: Session, name: str, new_name, as_json: bool, given: dict[str, Any]) -> None:
    from pdca.db.kpis import edit_kpi
    from pdca.db.models import KpiChanges, validated

    if new_name is None and all(value is None for value in given.values()):
        raise click.UsageError("kpi edit: give at least one field to change (see --help)")
    clear = {
        field
        for option, field in CLEARABLE.items()
        if given[option] is not None and given[option].strip().lower() == "none"
    }
    for option in clear:
        given[option] = None
    for option, text in (("name", new_name), *((o, given[o]) for o in REQUIRED)):
        refuse_clearing(option, text, "a KPI")
    values: dict[str, Any] = {
        "name": new_name,
        "unit": given["unit"],
        "baseline": _number("--baseline", given["baseline"]),
        "target": _number("--target", given["target"]),
        "direction": given["direction"],
        "warn": _number("--warn", given["warn"]),
        "alert": _number("--alert", given["alert"]),
        "owner": given["owner"],
        "target_date": _date(session, "--target-date", given["target_date"]),
        "cadence": given["cadence"],
        "perspective": given["perspective"],
        "initiative": given["initiative"],
        "escalation": _logins(given["escalate_to"]),
        "benchmark": _number("--benchmark", given["benchmark"]),
        "benchmark_source": given["benchmark_source"],
        "alerts_mode": given["alerts_mode"],
        "baseline_from": _date(session, "--baseline-from", given["baseline_from"], back=True),
        "baseline_to": _date(session, "--baseline-to", given["baseline_to"], back=True),
        "clear": frozenset(clear),
    }
    changes = validated(KpiChanges, **values)
    from pdca.tui.cli import saying_who_is_new

    store = session.store()
    from pdca.db.kpis import perspectives_known

    known = perspectives_known(store)
    with saying_who_is_new(store, changes.owner, *(changes.escalation or ())):
        result = edit_kpi(store, name, changes)
    name = printable(result.kpi.name)
    said = f"edited KPI {name}" if result.changed else f"KPI {name} unchanged (already as given)"
    _emit(as_json, result.kpi, lambda: click.echo(said))
    for line in (*result.alert_words, *result.handed_words):  # on stderr with --json:
        click.echo(printable(line), err=as_json)  # stdout stays one JSON document
    if changes.perspective is not None:
        _note_a_new_perspective(result.kpi.name, result.kpi.perspective, known)
    touched = ("baseline", "target", "target_date", "direction")
    if result.changed and any(given[field] is not None for field in touched):
        # As add says them: an edit of the target or direction alone made "higher is better"
        # with a target below the baseline, and nothing said so (a tester).
        _smart_notes_of(session, result.kpi)
    # As kpi record says them: "raised alert 4, assigned to bob" said neither why nor by
    # when (a new user).
    _say_raised(store, result.raised, err=as_json)


# ignore_unknown_options: a negative reading ("-3") is a VALUE, not an unknown option.
@kpi.command("record", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("value")
@click.option(
    "--at",
    "at_text",
    metavar="TIMESTAMP",
    help="When it was measured (default now): a time, or a day meaning its midnight"
    " (2026-11-23T09:30:00Z, 2026-11-23, yesterday).",
)
@click.option("--note", default="", help="Why, or where from (a spike's cause).")
@json_option
@pass_session
def kpi_record(session: Session, name: str, value: str, at_text, note: str, as_json) -> None:
    """Record a KPI reading (from cron and CI too); raises or closes its alert."""
    # No model on the way (db/readings.py): the one-line reply does not pay for pydantic.
    from pdca.db import readings

    number = _number("value", value)
    assert number is not None
    at = given_moment(session, "--at", at_text) if at_text is not None else None
    store = session.store()
    try:
        with typed_as({"note": "--note"}):
            done = readings.record(store, name, number, note, at)
    except InvalidInput as error:
        if error.field != "--at" or at_text is None or at_text == error.value:
            raise
        # As typed, with the moment it stands for: "'2026-12-06T00:00:00Z' is in the future"
        # answered --at tomorrow, and read as another value than the one given (a retrial).
        raise InvalidInput("--at", at_text, f"means {error.value}, which {error.why}") from None
    _escalate_what_is_due(store)
    if as_json:
        from pdca.db import convert

        reading = convert.reading({**dict(done.row), "kpi": done.kpi})  # type: ignore[arg-type]
        # What it did to alerts, as remove-reading's says it: a script saw only the reading
        # where the text said "raised alert 4 ..." (a tester).
        raised = [] if done.again else readings.raised_by(store, done.row["kpi_id"], done.row["id"])
        shut = [] if done.again else readings.closed_alerts_by(store, done.row["id"])
        kept = readings.still_waiting(
            store, done.row["kpi_id"], [alert for alert, _ in shut], [alert.id for alert in raised]
        )
        click.echo(
            to_json(
                {
                    **reading.model_dump(mode="json"),
                    "raised": [dataclasses.asdict(alert) for alert in raised],
                    # as raised's: objects, each alert's id with what was said (a tester's
                    # script had to read the id out of a sentence)
                    "closed": [{"id": alert, "said": said} for alert, said in shut],
                    # the KPI's alerts a closing leaves waiting, as the text says them (a
                    # script saw only the closed one, a retrial)
                    "still_open": [
                        {"id": alert.id, "said": said}
                        for alert, said in zip(
                            kept, readings.stays_words(store, done.kpi, kept), strict=True
                        )
                    ],
                }
            )
        )
        return
    said = readings.told(store, done)
    click.echo(printable(said.said))
    if said.note is not None:
        click.echo(f"note: {said.note}", err=True)
    for line in said.alerts:
        click.echo(printable(line))


class RecordIdType(click.ParamType):
    """A reading's or an alert's id as people write ids (``2`` or ``#2``); ``where``: the
    command that lists them, said in the refusal."""

    name = "ID"

    def __init__(self, what: str, where: str) -> None:
        self.what, self.where = what, where

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        found = record_id(str(value))
        if found is not None:
            return found
        raise InvalidInput(
            "id", value, not_an_id(str(value), self.what, f"a number, as {self.where}")
        )


@kpi.command("remove-reading")
@click.argument(
    "reading_id", metavar="ID", type=RecordIdType("a reading", "pdca kpi show NAME lists them")
)
@json_option
@pass_session
def kpi_remove_reading(session: Session, reading_id: int, as_json: bool) -> None:
    """Take a wrong reading out (pdca kpi show NAME lists the newest with their ids); the
    alerts it raised close, and pdca undo puts it back."""
    from pdca.db import readings

    store = session.store()
    removed = readings.remove(store, reading_id)
    said = readings.alerts_said_in(store, removed.tx)  # closed, or kept open and why
    _escalate_what_is_due(store)
    if as_json:
        from pdca.db import convert

        reading = convert.reading({**dict(removed.row), "kpi": removed.kpi})  # type: ignore[arg-type]
        raised = [dataclasses.asdict(alert) for alert in removed.raised]
        click.echo(to_json({"removed": reading, "alerts": said, "raised": raised}))
        return
    row = removed.row
    by = f" by {row['author']}" if row["author"] else ""
    unit = f" {removed.unit}" if removed.unit else ""
    click.echo(
        f"removed reading {reading_id}: {shown_number(row['value'])}{unit} for"
        f" {printable(removed.kpi)} at {row['at']}{by}"
    )
    for line in said:
        click.echo(printable(line))
    _say_raised(store, removed.raised)  # the newest left still breaches


def _say_raised(store: Store, raised: list[Any], *, err: bool = False) -> None:
    """A line each (``readings.raised_words``), printable whole: a KPI's unit is in the
    breach's words, and one holding an escape set the terminal's title (a tester)."""
    from pdca.db.readings import raised_words

    for line in raised_words(store, raised):
        click.echo(printable(line), err=err)


@kpi.command("import")
@click.argument("file", type=click.Path())  # checked as every file pdca reads: one wording
@json_option
@pass_session
def kpi_import(session: Session, file: str, as_json: bool) -> None:
    """Add readings from a CSV file (name, at, value, optional note): all rows or none."""
    from pdca.db.input_files import refuse_no_file_name
    from pdca.db.kpis import import_readings

    refuse_no_file_name(file)
    summary = import_readings(session.store(), Path(file))
    _emit(
        as_json,
        summary,
        lambda: click.echo(
            f"imported {printable(file)}: "
            + ", ".join(_counted(n, what) for what, n in summary.items())
        ),
    )


# How the import's summary says its JSON keys, and one of each (snake_case keys as every
# other JSON has: "alerts raised" held a space, a tester).
_WORDS = {
    "alerts_raised": "alerts raised",
    "alerts_closed": "alerts closed",
    "skipped": "already there (skipped)",
}
_ONE = {
    **_WORDS,
    "readings": "reading",
    "kpis": "KPI",
    "alerts_raised": "alert raised",
    "alerts_closed": "alert closed",
}


def _counted(n: int, what: str) -> str:
    """``1 reading``, ``2 KPIs``: the summary's words ("1 readings, 1 kpis", a tester)."""
    if what == "kpis":
        return f"{n} KPI" + ("" if n == 1 else "s")
    return f"{n} {_ONE.get(what, what) if n == 1 else _WORDS.get(what, what)}"


def _row_json(row: Any) -> dict[str, Any]:
    """A KPI as ``kpi list --json`` prints it: every stored field, then what the rules say."""
    data = row.kpi.model_dump(mode="json")
    data.update(
        status=row.status,
        trend=row.trend,
        open_alert=None if row.alert is None else row.alert.model_dump(mode="json"),
        signals=[s.model_dump(mode="json") for s in row.signals],
        measurement_overdue=row.measurement_overdue,
        target_missed=row.target_missed,
    )
    return data


TREND_WORDS = {1: "rising", -1: "falling", 0: "flat"}


@kpi.command("list")
@json_option
@pass_session
def kpi_list(session: Session, as_json: bool) -> None:
    """List KPIs, worst first, with status, latest value and trend."""
    from pdca.db.kpis import kpi_rows

    store = session.store()
    rows = kpi_rows(store)
    if as_json:
        click.echo(to_json([_row_json(row) for row in rows]))
        return
    from pdca.db.alerts import open_alerts_of_each_kpi

    waiting = {
        kpi_id: [a.id for a in found if a.acknowledged_at is None]
        for kpi_id, found in open_alerts_of_each_kpi(store).items()
    }
    lines = [
        [
            r.kpi.name,
            _status_cell(r, waiting.get(r.kpi.id, [])),
            _latest_cell(r.kpi),
            f"{shown_number(r.kpi.target)} {r.kpi.unit}",  # as LATEST says it, to compare
            _trend_words(r),
            _signal_cell(r.signals, r.alert),
            _owner_cell(r),
            r.kpi.perspective,
        ]
        for r in rows
    ]
    head = ["NAME", "STATUS", "LATEST", "TARGET", "TREND", "SIGNAL", "OWNER", "PERSPECTIVE"]
    # On a narrow terminal: the name (which `kpi show NAME` takes) down to 24 cells first,
    # while the trend's "(worse)" and the signal's rule stay; then those; the name keeps 16,
    # cut in the middle so its team in brackets stays; narrower still, the perspective and
    # the signal go whole (a reviewer: "rising …" beside 30-cell names). The owner last:
    # "bob → e…" cut whom an escalated alert waits on, the name a lead looks for (a newcomer)
    cut: list[Cut] = [("NAME", 24), ("SIGNAL", 14), ("TREND", 16), ("NAME", 16)]
    cut += ["TREND", "SIGNAL", ("PERSPECTIVE", 0), ("SIGNAL", 0), ("NAME", 12), "OWNER"]
    click.echo(table(head, lines, cut=cut, middle=("NAME",)))


def _status_cell(row: Any, waiting: list[int]) -> str:
    """``warn``; a reading overdue beside a status that outranks it, ``warn, overdue`` (a
    coach); the alerts nobody has acknowledged (``waiting``), ``ok, alert 5 waits``: the list
    said "ok" while the app flagged it and the report said it waited (a lead's Monday), then
    named one of two (a retrial)."""
    said = [row.status]
    if row.measurement_overdue and row.status != "overdue":
        said.append("overdue")
    if len(waiting) == 1:
        said.append(f"alert {waiting[0]} waits")
    elif waiting:
        said.append(f"alerts {', '.join(str(n) for n in waiting)} wait")
    return ", ".join(said)


@kpi.command("show")
@click.argument("name")
@json_option
@pass_session
def kpi_show(session: Session, name: str, as_json: bool) -> None:
    """Show a KPI: its fields, status, the change around each linked action, its alerts."""
    from pdca.db.kpis import kpi_detail

    store = session.store()
    detail = kpi_detail(store, name)
    if as_json:
        data = detail.model_dump(mode="json")
        data["kpi"] = _row_json(detail.row)
        del data["row"]
        click.echo(to_json(data))
        return
    from pdca.db.kpi_rules import target_by_words

    k, row = detail.row.kpi, detail.row
    latest = (
        "-"
        if k.latest_value is None
        else f"{shown_number(k.latest_value)} {k.unit} at {k.latest_at}"
    )

    def in_unit(value: float) -> str:
        # Every value in its unit: "target 2 by ..." beside "baseline 4 %" read as a count (a
        # quality manager).
        return f"{shown_number(value)} {k.unit}"

    thresholds = ", ".join(
        f"{label} {in_unit(value)}"
        for label, value in (("warn", k.warn), ("alert", k.alert))
        if value is not None
    )
    benchmark = "-"
    if k.benchmark is not None:
        source = f" ({k.benchmark_source})" if k.benchmark_source else ""
        benchmark = in_unit(k.benchmark) + source
    from pdca.db.kpi_rules import change_window_days

    days = change_window_days(k.cadence)
    lines = [
        f"{k.name}  [{row.status}]",
        f"  latest       {latest}",
        f"  trend        {_trend_words(row)}",
        f"  baseline     {in_unit(k.baseline)}, target {in_unit(k.target)}"
        f"{target_by_words(k.target_date, row.target_missed, k.latest_value) or ' by -'}"
        f" ({'lower' if k.direction == 'down' else 'higher'} is better)",
        f"  thresholds   {thresholds or '-'}",
        f"  cadence      {k.cadence}",
        f"  owner        {k.owner or '-'}; escalates to {', '.join(k.escalation) or 'nobody'}",
        f"  perspective  {k.perspective}",
        f"  benchmark    {benchmark}",
        f"  initiative   {k.initiative or '-'}",
        f"  alerts on    {ALERTS_WORDS[k.alerts_mode]}",
        "",
        *_limits_lines(detail),
        "",
        # Only actions that entered Do have a "before" (a tester read "(0)" beside a linked
        # action still in Plan as no action linked); none said so, not as a rule for none
        # ("(0): mean 28 days before Do against after done" read as nonsense, a new lead).
        f"linked actions that entered Do ({len(detail.changes)}): mean {days} days before Do"
        " against after done"
        if detail.changes
        else "linked actions that entered Do: none yet (each is then shown, the mean of the"
        f" {days} days before Do against after done)",
    ]
    from pdca.db.kpi_rules import change_words

    now = store.clock()
    for c in detail.changes:
        before = "-" if c.before_mean is None else f"{c.before_mean:.4g}"
        after = "-" if c.after_mean is None else f"{c.after_mean:.4g}"
        said = change_words(c, c.done_at, now)
        lines.append(f"  #{c.action_id} {c.title}: {before} -> {after} ({said})")
    lines += ["", f"alerts ({len(detail.alerts)}):"]
    from pdca.db import alerts as alert_store

    # A threshold alert's why, as pdca alerts says it (only a signal's was said, a tester)
    breached = alert_store.breach_words(store, [a.id for a in detail.alerts if not a.rule_text])
    lines += [f"  {_alert_line(a, breached.get(a.id))}" for a in detail.alerts] or ["  none"]
    lines += ["", f"readings: {len(detail.readings)} in the last year"]
    # The newest, with their ids: a wrong one is found here to be taken out (kpi
    # remove-reading), where only --json had them (a new user).
    newest = sorted(detail.readings, key=lambda r: (r.at, r.id), reverse=True)[:READINGS_SHOWN]
    for r in newest:
        note = f": {r.note}" if r.note else ""
        lines.append(f"  {r.id}  {shown_number(r.value)} {k.unit}  {r.at}  {r.author}{note}")
    if newest:
        lines.append("  (a wrong one: pdca kpi remove-reading ID)")
    # On a terminal, wrapped at words as the stand-up is: a 100-column terminal broke
    # "42 readings" mid-word (a terminal trial)
    shown = "\n".join(printable(line) for line in lines)
    click.echo(wrapped(shown, terminal_width()))


ALERTS_WORDS = {
    "both": "threshold breaches and process signals",
    "thresholds": "threshold breaches only",
    "signals": "process signals only",
}
SIGNALS_SHOWN = 10  # kpi show lists the newest signals of the year; --json carries them all
READINGS_SHOWN = 5  # and its newest readings, with their ids


def _latest_cell(k: Any) -> str:
    return "-" if k.latest_value is None else f"{shown_number(k.latest_value)} {k.unit}"


def _trend_words(row: Any) -> str:
    """ "better (falling)", "flat"; "-" when there are too few readings to tell. Better or
    worse first: cut on a narrow terminal, "falling (bette…" and "rising …" no longer said
    which (a tester: a cost falling and deploys falling read the same)."""
    if row.trend == "unknown":
        return "-"
    words = TREND_WORDS[row.trend_sign]
    return words if words == row.trend else f"{row.trend} ({words})"  # not "flat (flat)"


def _owner_cell(row: Any) -> str:
    """``dana → lena``: the owner, and whom an alert passed on waits for now, as the app's
    KPI table says it ("dana" alone hid that lena was to answer, a new user)."""
    owner = row.kpi.owner or "-"
    alert = row.alert
    if alert is not None and not alert.acknowledged_at and alert.assignee != row.kpi.owner:
        owner += f" → {alert.assignee}"
    return str(owner)


def _signal_cell(found: list[Any], alert: Any = None) -> str:
    """The signals on the chart now; with none, the open alert a signal raised, as the KPIs
    view marks it ↯ too: "-" beside a signal alert waiting read as none (a quality lead).
    Said as past ("was ..."): a run over for weeks read as the process shifted now (a coach)."""
    from pdca.db import xmr

    if not found and alert is not None and alert.rule in xmr.SHORT_TEXT:
        return f"was {xmr.SHORT_TEXT[alert.rule]} (alert {alert.id})"
    return xmr.short([s.rule for s in found]) or "-"


def _utc_day(stamp: str) -> str:
    """The UTC day of a stored time (stored in UTC: its first ten characters)."""
    return stamp[:10]


def _limits_lines(detail: Any) -> list[str]:
    """The XmR chart's limits and the year's signals, newest first, for ``kpi show``."""
    k, limits = detail.row.kpi, detail.limits
    period = (
        # UTC days: one period for every reader, whose limits raise alerts (a reviewer)
        f"{k.baseline_from or 'start'} to {k.baseline_to or 'now'}, UTC days"
        if k.baseline_from or k.baseline_to
        else "the first readings"
    )
    if limits is None:
        return [f"process limits: too few baseline readings yet ({period})"]
    # The readings of a period set in UTC days by their UTC days too: read by the local clock
    # in Kolkata, "2026-11-02 to 2026-11-08, UTC days: 7 readings 2026-11-03 to 2026-11-09"
    # put the baseline's readings outside the period just set (a trial)
    day_of = _utc_day if k.baseline_from or k.baseline_to else local_day
    lines = [
        f"process limits (XmR, baseline {period}: {limits.baseline_count} readings"
        f" {day_of(limits.baseline_first)} to {day_of(limits.baseline_last)})",
        f"  centre       {limits.centre:.4g} {k.unit}",
        f"  limits       {limits.lower:.4g} to {limits.upper:.4g} {k.unit} (mean moving"
        f" range {limits.mr_bar:.4g}, upper range limit {limits.url:.4g})",
    ]
    if limits.mr_bar == 0:
        lines.append("               no variation in the baseline: any other reading is a signal")
    now = ", ".join(s.rule_text for s in detail.row.signals)
    lines.append(f"  signal now   {now or 'none on the bad side'}")
    shown = list(reversed(detail.signals))[:SIGNALS_SHOWN]
    # Readings before a baseline set later are judged by no limits (the chart runs forward
    # from its baseline): "signals in the last year (0)" hid the shift a re-baseline
    # followed, as if there had been none (a coach).
    unjudged = sum(1 for reading in detail.readings if reading.at < limits.baseline_first)
    if unjudged:
        began = day_of(limits.baseline_first)  # as the period's first reading is said
        lines.append(f"signals since the baseline began on {began} ({len(detail.signals)}):")
    else:
        lines.append(f"signals in the last year ({len(detail.signals)}):")
    for s in shown:
        first, last = local_day(s.first_at), local_day(s.at)  # the days the chart shows
        span = last if first == last else f"{first}..{last}"
        side = "worse" if s.bad else "better"
        count = f"{len(s.points)} reading" + ("s" if len(s.points) != 1 else "")
        lines.append(f"  {span}  {s.rule_text} ({side}, {count})")
    if len(detail.signals) > SIGNALS_SHOWN:
        lines.append(f"  and {len(detail.signals) - SIGNALS_SHOWN} older (--json lists them)")
    if not detail.signals:
        lines.append("  none: routine variation")
    if unjudged:
        lines.append(
            f"  (the {unjudged} reading{'s' * (unjudged != 1)} before it"
            f" {'is' if unjudged == 1 else 'are'} not judged by these limits)"
        )
    return lines


# --------------------------------------------------------------------------- alerts


ACK_NOTE_SHOWN = 60  # characters of an acknowledgement's note in a line (--json: all of it)


def _to_the_minute(at: str, *, year: bool = True) -> str:
    """``2026-11-24T09:00Z`` of ``2026-11-24T09:00:00Z``: ISO still, three cells fewer;
    without the ``year``, ``11-24 09:00Z`` (a deadline, days away)."""
    if not (len(at) == 20 and at[10] == "T" and at.endswith("Z")):
        return at
    return f"{at[:16]}Z" if year else f"{at[5:10]} {at[11:16]}Z"


def _alert_rows(found: list[Any], breached: dict[int, str], *, short: bool) -> list[list[str]]:
    """``pdca alerts``' rows; ``short``: the WHY and STATE of a narrow terminal ("35 h > alert
    34 h", "dana by 2026-11-24T09:00Z")."""
    from pdca.db.xmr import SHORT_TEXT

    rows = []
    for a in found:
        if a.rule_text:
            why = f"signal: {SHORT_TEXT.get(a.rule, a.rule_text) if short else a.rule_text}"
        else:
            why = breached.get(a.id, "threshold")
            if short:
                for side, mark in (("above", ">"), ("below", "<"), ("at", "at")):
                    why = why.replace(f" is {side} the alert threshold ", f" {mark} alert ")
        state = _alert_state(a, with_note=False, short=short)
        note = (a.ack_note or "") if a.acknowledged_at and not a.closed_at else ""
        rows.append([str(a.id), a.kpi, a.raised_at, why, state, note])
    return rows


def _alert_line(a: Any, breach: str | None = None) -> str:
    why = f"  signal: {a.rule_text}" if a.rule_text else f"  {breach}" if breach else ""
    return f"{a.id}  {a.kpi}  raised {a.raised_at}{why}  {_alert_state(a)}"


def _alert_state(a: Any, with_note: bool = True, *, short: bool = False) -> str:
    """Where an alert stands: waiting for whom by when (overdue?), acknowledged (and the
    note's start, ``with_note``), closed. ``short``: in fewer words, times to the minute
    (``dana by 11-24 09:00Z (esc. 1x)``: a deadline is days away, never a year)."""
    if short:
        at = _to_the_minute
        if a.closed_at:
            return f"closed {at(a.closed_at)}"
        if a.acknowledged_at:
            # as short as a waiting one's: with the year, 37 cells, it cut the open alerts'
            # WHY to "signal: beyond a l…" at 80 columns (a retrial)
            return f"ack'd by {a.acknowledged_by} {at(a.acknowledged_at, year=False)}"
        state = f"{a.assignee} by {at(a.ack_due, year=False)}"
        state += f" (esc. {a.escalation_level}x)" if a.escalation_level else ""
        return state + ("  OVERDUE" if a.overdue else "")
    if a.closed_at:
        state = f"closed {a.closed_at}"
    elif a.acknowledged_at:
        state = f"acknowledged by {a.acknowledged_by} {a.acknowledged_at}"
        if a.ack_note and with_note:  # what is being done: the lines lacked it (a tester)
            note = (
                a.ack_note
                if len(a.ack_note) <= ACK_NOTE_SHOWN
                else a.ack_note[: ACK_NOTE_SHOWN - 1] + "…"
            )
            state += f": {note}"
    else:
        state = f"waiting for {a.assignee} by {a.ack_due}"
        state += f" (escalated {a.escalation_level}x)" if a.escalation_level else ""
        state += "  OVERDUE" if a.overdue else ""
    return state


@click.group(invoke_without_command=True)
@click.option("--mine", is_flag=True, help="Only those waiting for me to acknowledge.")
@click.option("--overdue", is_flag=True, help="Only those past their current deadline.")
@json_option
@click.pass_context
def alerts(ctx: click.Context, mine: bool, overdue: bool, as_json: bool) -> None:
    """Open drift alerts, newest first (missed deadlines are escalated before they are listed);
    exit status 3 when one is overdue."""
    if ctx.invoked_subcommand is not None:
        return
    from pdca.db import alerts as alert_store
    from pdca.tui.identity import current_user

    session = ctx.find_object(Session)
    assert session is not None
    store = session.store()
    _escalate_what_is_due(store)
    found = alert_store.list_alerts(
        store, assignee=current_user(session.environ) if mine else None, overdue=overdue
    )
    if as_json:
        click.echo(to_json(found))
    elif found:
        # A table, fitted to the terminal as the other lists are: the lines were neither
        # aligned nor fitted, and a threshold alert's did not say what raised it (a tester).
        breached = alert_store.breach_words(store, [a.id for a in found if not a.rule_text])
        rows = _alert_rows(found, breached, short=False)
        headers = ["ID", "KPI", "RAISED", "WHY", "STATE"]
        width = terminal_width()
        if width is not None and natural_width(headers, rows) > width:
            # Narrow (80 columns): the same in fewer words, so WHY stays; "waiting for ...
            # (escalated 1x)" took its room, and a breach read like a signal (testers).
            rows = _alert_rows(found, breached, short=True)
        # Whom it waits for by when is what matters: the rest gives way before it wraps. An
        # acknowledgement's note is cut first: whole in STATE, it took RAISED and WHY away
        # below 160 columns (a tester); and it goes before WHY does: at 80 columns two open
        # alerts said no reason beside a note nobody was to act on (a KPI trial).
        cut = (("NOTE", 16), ("RAISED", 0), ("NOTE", 0), ("KPI", 16), ("WHY", 12), ("WHY", 0))
        if any(row[-1] for row in rows):
            headers.append("NOTE")
        else:
            rows = [row[:-1] for row in rows]
        click.echo(table(headers, rows, cut=cut, middle=("KPI",)))
    elif not overdue or _at_a_terminal():
        # --overdue is the cron line's (README): nothing overdue is silence, as pdca notify's
        # is, where cron mailed "no overdue alerts" every half hour (a lead's week)
        what = "overdue alerts" if overdue else "open alerts"
        click.echo(f"no {what}" + (" waiting for you" if mine else ""), err=True)
    late = [a for a in found if a.overdue]
    if late:
        alerts_word = "1 alert" if len(late) == 1 else f"{len(late)} alerts"
        click.echo(f"pdca: {alerts_word} not acknowledged in time", err=True)
        sys.exit(OVERDUE_EXIT)


@alerts.command("ack")
@click.argument("alert_id", metavar="ID", type=RecordIdType("an alert", "pdca alerts shows"))
@click.argument("message", required=False, default="", metavar="MESSAGE")  # required: said
@json_option
@pass_session
def alerts_ack(session: Session, alert_id: int, message: str, as_json: bool) -> None:
    """Acknowledge an alert, with what is being done about it."""
    from pdca.db import alerts as alert_store
    from pdca.db.models import checked_text

    if not message.strip():
        raise InvalidInput(
            "message",
            message,
            "is empty: say what is being done about it (pdca alerts ack ID MESSAGE)",
        )
    # The rest as every message is checked, named as typed: only controls ("\x1b[2J") was
    # refused as the store's "note" (a tester).
    checked_text("message", message)
    store = session.store()
    done = alert_store.acknowledge_raised_together(store, alert_id, message)
    result = done.alert
    said = f"acknowledged {alert_store.acknowledged_words(done, printable(result.kpi))}"
    if as_json:  # the alert, and those of its reading acknowledged with it (by id)
        click.echo(to_json({**plain(result), "acknowledged_with": done.with_it}))
    else:
        click.echo(said)
    if result.assignee != store.actor:
        # Anyone may acknowledge (a holiday, a lead stepping in), but it ends the escalation
        # of someone else's alert: said, as it went unsaid (a quality manager).
        they = "they" if done.with_it else "it"  # "it waited" of two alerts (a retrial)
        click.echo(
            f"note: {they} waited for {printable(result.assignee)}: acknowledged in their"
            f" place, {they} {'escalate' if done.with_it else 'escalates'} no further",
            err=True,
        )


def _escalate_what_is_due(store: Any) -> None:
    """Missed deadlines written down, unless the file is busy: said, and the command's own
    work (done, or a read) stands."""
    from pdca.db import alerts as alert_store

    if not alert_store.escalate_due_unless_busy(store):
        click.echo(
            "note: the file is busy: alerts past their deadline are not written down as passed"
            " on this time (what is shown applies them)",
            err=True,
        )


def _note_a_new_perspective(name: str, perspective: str, known: set[str]) -> None:
    """A perspective the file did not know, as a new owner is noted: ``delivry`` made one,
    silently (a new user)."""
    if perspective in known:
        return
    from pdca.tui.cli import smart_notes

    alike = sorted(k for k in known if k.casefold() == perspective.casefold())
    meant = f"did you mean {printable(alike[0])}?" if alike else "a typo?"
    smart_notes(
        [
            f"perspective: {printable(perspective)} is new to this file (known here:"
            f" {', '.join(sorted(known))}; {meant} pdca kpi edit {shell_word(name)}"
            " --perspective ...)"
        ]
    )


def _smart_notes_of(session: Session, kpi: Kpi) -> None:
    """The SMART notes of a KPI just added or edited (no baseline, a target that asks for a
    decline, a target date gone by...)."""
    from pdca.db.smart_rules import kpi_warnings
    from pdca.tui.cli import smart_notes

    today = session.today().isoformat()
    smart_notes(kpi_warnings(kpi.baseline, kpi.target, kpi.target_date, kpi.direction, today))
