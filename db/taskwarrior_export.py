"""Taskwarrior's ``task export`` read as a list of actions to add.

A lead moving from Taskwarrior exported their tasks (``task export > tasks.json``) and
imported the file: it was refused, told what pdca takes instead (a Taskwarrior user's
trial). Each task is now read as a row of the CSV import, and goes through its checks:

- its description is the title; its due date the day it falls on in this machine's time
  zone (Taskwarrior keeps the UTC moment of a local midnight: ``due:fri`` east of UTC is
  Thursday evening in UTC); its priority H, M or L pdca's high, normal or low;
- its project, tags and annotations are kept in its notes, with its short uuid, so each
  action can be found again in Taskwarrior;
- a completed or deleted task is left out, as a done row is; a recurring task's template
  too (the tasks it made come in themselves);
- a started task is under way, and comes in as Plan: Taskwarrior has no owners, and Do
  needs one (said, as another tool's In Progress without an assignee is).

``task export`` writes a JSON list, one task a line; with ``json.array=off``, one task a
line without the list. A row's line is its task's line in the file, as Taskwarrior wrote it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pdca.db.other_tools_exports import OtherToolsExport

COLUMNS = ["title", "phase", "due", "priority", "notes", "uuid"]
_SHORT_UUID = 8  # as Taskwarrior shows one


def is_a_task(value: object) -> bool:
    """Whether ``value`` looks like one task of ``task export``."""
    return isinstance(value, dict) and {"uuid", "description"} <= value.keys()


def export() -> OtherToolsExport:
    return OtherToolsExport(
        "Taskwarrior",
        "uuid",
        kept="each task's short uuid is kept at the end of its notes, with its project, tags"
        " and annotations",
    )


def rows(tasks: list[tuple[int, Any]]) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The CSV import's header and rows for ``tasks`` (each with its line in the file)."""
    return COLUMNS, ((line, _row(task)) for line, task in tasks)


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


def _row(task: dict[str, Any]) -> dict[str, str]:
    status = str(task.get("status", "pending"))
    if status in ("completed", "deleted", "recurring"):
        phase = "done"  # left out: over, or a template whose tasks come in themselves
    else:
        phase = "started" if task.get("start") else "todo"
    return {
        "title": _text(task.get("description")),
        "phase": phase,
        "due": _day(task.get("due")),
        "priority": _text(task.get("priority")),
        "notes": _notes(task),
        "uuid": _text(task.get("uuid"))[:_SHORT_UUID],
    }


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


def _day(value: object) -> str:
    """``20261204T230000Z`` as the local day it is (``2026-12-05`` east of UTC); anything
    else as written, for the import's date check to take or refuse."""
    text = _text(value)
    try:
        moment = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return text
    return moment.astimezone().date().isoformat()


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
    return "\n".join(lines)
