"""Taskwarrior's ``task export`` read as a list of actions to add.

A lead moving from Taskwarrior exported their tasks (``task export > tasks.json``) and
imported the file: it was refused, told what pdca takes instead (a Taskwarrior user's
trial). Each task is now read as a row of the CSV import, and goes through its checks:

- its description is the title; its due date the day it falls on in this machine's time
  zone (Taskwarrior keeps the UTC moment of a local midnight: ``due:fri`` east of UTC is
  Thursday evening in UTC); its priority H, M or L pdca's high, normal or low;
- its project, tags and annotations are kept in its notes, with its uuid, so each action
  can be found again in Taskwarrior; so are the fields pdca has no place for (scheduled,
  until, depends, when it was entered, a UDA's value): they were dropped without a word (a
  team's move);
- a completed or deleted task is left out, as a done row is; a recurring task's template
  too (the tasks it made come in themselves), and the summary says no new ones will come;
- a started task is under way, and comes in as Plan: Taskwarrior has no owners, and Do
  needs one (said, as another tool's In Progress without an assignee is).

``task export`` writes a JSON list, one task a line; with ``json.array=off``, one task a
line without the list. A row's line is its task's line in the file, as Taskwarrior wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from pdca.db.other_tools_exports import OtherToolsExport

COLUMNS = ["title", "phase", "due", "priority", "notes", "uuid"]
# What a task holds that pdca reads, or that is Taskwarrior's own bookkeeping (urgency, the
# recurrence's links): every other field is kept in the notes, as written.
_READ_OR_INTERNAL = frozenset(
    ("id", "uuid", "description", "status", "due", "priority", "project", "tags",
     "annotations", "start", "wait", "recur", "end", "modified", "urgency", "mask", "imask",
     "parent", "rtype", "template", "last")
)  # fmt: skip
# Kept in the notes by these words, a day where Taskwarrior keeps a moment
_KEPT_AS = {"scheduled": "scheduled", "until": "until", "entry": "entered in Taskwarrior"}
_LEFT_OUT = ("completed", "deleted", "recurring")  # statuses whose task does not come in
_SAID_ABOVE = _READ_OR_INTERNAL | _KEPT_AS.keys() | {"depends"}


def is_a_task(value: object) -> bool:
    """Whether ``value`` looks like one task of ``task export``."""
    return isinstance(value, dict) and {"uuid", "description"} <= value.keys()


# Its first key, for a file whose first task is too long to be read to judge it: any but
# the keys a pdca export has at its top (db/transfer.py writes "format" first; jq -S sorts
# "exported_at" first). Taskwarrior writes "id" or "description" first, jq -S a UDA's name
# ("area": refused as no task, a review).
_FIRST_KEY = re.compile(r'\{\s*"((?:[^"\\]|\\.)*)"\s*:')
PDCA_EXPORT_KEYS = frozenset(
    ("format", "schema_version", "exported_at", "exported_by", "issued", "tables")
)


def begins_as_a_task(head: str) -> bool:
    """Whether ``head``, the start of a JSON object cut short, begins as a task may."""
    found = _FIRST_KEY.match(head)
    return found is not None and found.group(1) not in PDCA_EXPORT_KEYS


# A task's times, as Taskwarrior writes them (20261204T230000Z), and its uuids
_MOMENTS = ("due", "entry", "scheduled", "until", "wait", "start", "end", "modified")
_MOMENT = re.compile(r"[0-9]{8}T[0-9]{6}Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _a_moment(value: object) -> bool:
    """A time as Taskwarrior writes it, and a real one: month 13 passed on to the date
    check, whose advice named forms this import refuses (a review)."""
    return isinstance(value, str) and _MOMENT.fullmatch(value) is not None and bool(_moment(value))


# Every status a Taskwarrior writes (waiting: before 2.6): any other is no export's
_STATUSES = frozenset(("pending", "waiting", "completed", "deleted", "recurring"))


def task_problem(task: dict[str, Any]) -> str | None:
    """What in ``task`` no Taskwarrior writes, said as its field's problem; None when it is
    fine. A description that was a list came in as the title ``["x"]``, a status "weird" or
    none at all as pending work, tags that were no list were dropped, all without a word,
    and a lone surrogate in any text crashed the import (a hostile script's trial)."""
    description, status, tags = task.get("description"), task.get("status"), task.get("tags")
    if not isinstance(description, str):
        return f"description: {_shown(description)} is not text"
    if status is None:
        return "status: missing (pending, waiting, completed, deleted or recurring)"
    if not isinstance(status, str) or status not in _STATUSES:
        return f"status: {_shown(status)} is not pending, waiting, completed, deleted or recurring"
    if tags is not None and not (
        isinstance(tags, list) and all(isinstance(tag, str) and _a_word(tag) for tag in tags)
    ):
        return f"tags: {_shown(tags)} is not a list of words"
    uuid = task.get("uuid")
    if not (isinstance(uuid, str) and _UUID.fullmatch(uuid)):
        return f"uuid: {_shown(uuid)} is no task's uuid"
    annotations = task.get("annotations")
    if annotations is not None and not (
        isinstance(annotations, list)
        and all(
            isinstance(note, dict)
            and isinstance(note.get("description"), str)
            and _a_moment(note.get("entry"))
            for note in annotations
        )
    ):
        return f"annotations: {_shown(annotations)} is not a list of notes with their dates"
    project = task.get("project")
    if project is not None and not isinstance(project, str):
        return f"project: {_shown(project)} is not text"
    for field_name in _MOMENTS:  # as Taskwarrior writes them: "tomorrow" came in as a date
        value = task.get(field_name)
        if value is not None and not _a_moment(value):
            return f"{field_name}: {_shown(value)} is not a time as Taskwarrior writes it"
    depends = task.get("depends") or None  # "": none (a dependency removed, as 2.5 leaves it)
    wanted = depends.split(",") if isinstance(depends, str) else depends
    if depends is not None and not (
        isinstance(wanted, list) and all(isinstance(d, str) and _UUID.fullmatch(d) for d in wanted)
    ):
        return f"depends: {_shown(depends)} is not a list of tasks' uuids"
    unwritable = _field_whose_text(task, _not_utf8)
    if unwritable:
        return f"{unwritable}: holds a lone surrogate, which no UTF-8 can hold: it is no text"
    # named by Taskwarrior's field, as the rest: "title: … holds a NUL byte" named pdca's
    # for a description (a trial)
    nul = _field_whose_text(task, lambda text: "\0" in text)
    if nul:
        return f"{nul}: holds a NUL byte, which no text in pdca may hold"
    return None


def _shown(value: object) -> str:
    """``value`` as JSON writes it, cut to a line's part: a list of 5 000 was said whole."""
    written = json.dumps(value, ensure_ascii=True)
    return written if len(written) <= 60 else written[:59] + "…"


def _a_word(tag: str) -> bool:
    """A tag as Taskwarrior takes one: something, and no space in it."""
    return bool(tag) and not any(character.isspace() for character in tag)


def _not_utf8(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which no UTF-8 can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _field_whose_text(value: object, bad: Callable[[str], bool], where: str = "") -> str | None:
    """The field (``annotations.description``) of ``value`` whose text, or key, is ``bad``;
    None when none is."""
    if isinstance(value, str):
        return (where or "a field") if bad(value) else None
    if isinstance(value, dict):
        for key, inner in value.items():
            named = f"{where}.{key}" if where else str(key)
            found = _field_whose_text(key, bad, named) or _field_whose_text(inner, bad, named)
            if found:
                return found.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        for inner in value:
            found = _field_whose_text(inner, bad, where)
            if found:
                return found
    return None


def export() -> OtherToolsExport:
    return OtherToolsExport(
        "Taskwarrior",
        "uuid",
        kept="each task's uuid is kept at the end of its notes, with its project, tags,"
        " annotations and the fields pdca has no place for (scheduled, until, depends, a"
        " UDA's value)",
    )


def rows(
    tasks: list[tuple[int, Any]], other: OtherToolsExport
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The CSV import's header and rows for ``tasks`` (each with its line in the file);
    what the summary must say besides (``other.said``) is counted as they are read."""
    return COLUMNS, _counted(((line, _row(task)) for line, task in tasks), tasks, other)


def _counted(
    read: Iterator[tuple[int, dict[str, str]]],
    tasks: list[tuple[int, Any]],
    other: OtherToolsExport,
) -> Iterator[tuple[int, dict[str, str]]]:
    yield from read
    templates = sum(1 for _, task in tasks if task.get("status") == "recurring")
    if templates:  # the summary counted them as done rows, and the work stopped coming
        one = templates == 1
        whose = "task's template" if one else "tasks' templates"
        other.said.append(
            f"{templates} recurring {whose}"
            " left out, among the done rows skipped: the tasks made so far came in, and no new"
            " ones will come (pdca add --every makes a repeating action)"
        )
    # A due date is a local midnight in the exporter's zone; read in another, it is the day
    # before or after (a lead's export in Tokyo, imported on the team's UTC server).
    shifted = sum(
        1
        for _, task in tasks
        if task.get("status") not in _LEFT_OUT and _not_midnight_here(task.get("due"))
    )
    if shifted:
        zone = datetime.now().astimezone().tzname()
        dates, day, are = (
            ("due date", "day it falls", "it is")
            if shifted == 1
            else ("due dates", "days they fall", "they are")
        )
        other.said.append(
            f"{shifted} {dates} read as the {day} on in this machine's time zone ({zone}),"
            f" where {are} no midnight: if the tasks were made in another zone, undo and import"
            " again with TZ set to it"
        )


def tasks_of_lines(text: str) -> list[tuple[int, Any]] | None:
    """The tasks of an export written one a line (``json.array=off``, or the list's own
    lines), each with its line; None when a line is no task."""
    found = []
    for number, written in enumerate(text.splitlines(), start=1):
        line = written.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            task = json.loads(line)
        except (json.JSONDecodeError, RecursionError, ValueError):
            return None
        if not is_a_task(task):
            return None
        found.append((number, task))
    return found or None


def lines_of_a_list(text: str) -> list[int] | None:
    """The line each item of the JSON list ``text`` starts on; None when it is no list."""
    decoder = json.JSONDecoder()
    at = text.find("[") + 1
    if at == 0:
        return None
    lines: list[int] = []
    line, counted = 1, 0
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            return lines
        line += text.count("\n", counted, at)  # counted once, onward: flat for 5 000 tasks
        counted = at
        lines.append(line)
        try:
            _, at = decoder.raw_decode(text, at)
        except (json.JSONDecodeError, RecursionError, ValueError):
            return None


def _row(task: dict[str, Any]) -> dict[str, str]:
    status = str(task.get("status", "pending"))
    # left out ("done"): over, or a template whose tasks come in themselves
    phase = "done" if status in _LEFT_OUT else "started" if task.get("start") else "todo"
    return {
        "title": _text(task.get("description")),
        "phase": phase,
        "due": _day(task.get("due")),
        "priority": _text(task.get("priority")),
        "notes": _notes(task),
        # whole: a short one matched another task with the same first 8 (a team's move)
        "uuid": _text(task.get("uuid")),
    }


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


def _moment(value: object) -> datetime | None:
    try:
        return datetime.strptime(_text(value), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def _not_midnight_here(value: object) -> bool:
    moment = _moment(value)
    return moment is not None and moment.astimezone().time() != datetime.min.time()


def _day(value: object) -> str:
    """``20261204T230000Z`` as the local day it is (``2026-12-05`` east of UTC); anything
    else as written, for the import's date check to take or refuse."""
    moment = _moment(value)
    return _text(value) if moment is None else moment.astimezone().date().isoformat()


def _notes(task: dict[str, Any]) -> str:
    lines = []
    for annotation in task.get("annotations") or []:
        if isinstance(annotation, dict):
            when = _day(annotation.get("entry"))
            lines.append(f"{when}: {_text(annotation.get('description'))}".strip(": "))
    if task.get("project"):
        lines.append(f"project: {_text(task['project'])}")
    # Hidden in Taskwarrior till then: status "waiting" before 2.6, "pending" with a wait
    # date since (a reviewer)
    if task.get("wait") and task.get("status", "pending") in ("pending", "waiting"):
        lines.append(f"waiting until {_day(task['wait'])}")
    if task.get("recur"):  # one of a repeat's tasks: pdca add --every makes pdca's own
        lines.append(f"recur: {_text(task['recur'])}")
    tags = task.get("tags")
    if isinstance(tags, list) and tags:
        lines.append("tags: " + " ".join(f"+{_text(tag)}" for tag in tags))
    for field_name, words in _KEPT_AS.items():
        if task.get(field_name):
            lines.append(f"{words}: {_day(task[field_name])}")
    depends = task.get("depends")
    if isinstance(depends, str):  # before Taskwarrior 2.6: one comma-separated string
        depends = depends.split(",")
    if isinstance(depends, list) and depends:
        # whole, as the task's own: a short one named two tasks (a retrial)
        lines.append("depends on: " + " ".join(_text(d) for d in depends))
    for field_name, value in task.items():  # a UDA, or a field of a newer Taskwarrior
        if field_name not in _SAID_ABOVE and value not in (None, ""):
            lines.append(f"{field_name}: {_text(value)}")
    return "\n".join(lines)
