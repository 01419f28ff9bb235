"""What a stored row's values must look like, checked on rows pdca did not write itself.

pdca's own writes go through the drafts in db.models; a restore (``pdca import`` of a JSON
export) puts rows in as they are. SQLite checks types loosely and phases by CHECK, but not
that a time is a time or a title fits its limit, and every view would then fail on the
first row it reads. So each imported row is held to the rules the drafts enforce, and a
file that breaks one is refused whole, naming the row and the column.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from datetime import date
from typing import Any

from pdca.db import accountability_rules as arules
from pdca.db import rules
from pdca.db.dates import EARLIEST, LATEST
from pdca.db.errors import InvalidInput
from pdca.db.models import LOGIN, MESSAGE_MAX, NAME_MAX, NOTES_MAX, PHASES, TITLE_MAX

_TIMESTAMP = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

TIMESTAMPS = {
    "at", "created_at", "updated_at", "phase_since", "done_at", "raised_at", "ack_due",
    "acknowledged_at", "closed_at", "started_at", "seen_at", "since",
}  # fmt: skip
DATES = {"due", "target_date", "anchor", "next_due"}  # anchor, next_due: repeat rules
LOGINS = {
    "owner", "author", "actor", "created_by", "assignee", "acknowledged_by", "done_by",
    "login", "by", "updated_by",
}  # fmt: skip
# (table, column): (most characters, must hold more than blanks)
TEXT = {
    ("actions", "title"): (TITLE_MAX, True),
    ("actions", "notes"): (NOTES_MAX, False),
    ("checkins", "message"): (MESSAGE_MAX, True),
    ("initiatives", "name"): (NAME_MAX, True),
    ("initiatives", "objective"): (NOTES_MAX, False),
    ("kpis", "name"): (NAME_MAX, True),
    ("kpis", "unit"): (20, True),
    ("kpis", "perspective"): (30, True),
    ("kpis", "benchmark_source"): (NOTES_MAX, False),
    ("kpi_readings", "note"): (NOTES_MAX, False),
    ("alerts", "ack_note"): (NOTES_MAX, False),
    ("people", "name"): (NAME_MAX, False),
}
AT_LEAST = {"id": 1, "version": 1, "cycle": 1, "offset_days": 1, "tx": 1, "escalation_level": 0}
SETTINGS = arules.SETTING_PARSERS


def _in_range(text: str) -> bool:
    try:
        return EARLIEST <= date.fromisoformat(text) <= LATEST
    except ValueError:
        return False


def _logins(text: str, also: frozenset[str] = frozenset()) -> bool:
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, list) and all(
        isinstance(item, str) and (LOGIN.fullmatch(item) or item in also) for item in value
    )


# A stand-up recorded before pdca left the digest's "(unowned)" stop out of its people: an
# export of such a file is imported as it is.
_STANDUP_STOPS = frozenset({"(unowned)"})


def _record_or_nothing(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _value_problem(table: str, column: str, value: Any) -> str | None:
    if column in AT_LEAST and (value is None or value < AT_LEAST[column]):
        return f"must be {AT_LEAST[column]} or more"
    if not isinstance(value, str):
        return None
    if not value.isascii():  # cheap: most text is ASCII
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\udcff"): JSON may hold one, SQLite not
            return "is not text (it holds a lone surrogate, which no UTF-8 can hold)"
    if column in TIMESTAMPS:
        match = _TIMESTAMP.fullmatch(value)
        if not match or not _in_range(match.group(1)):
            return "is not a time such as 2026-11-23T09:30:00Z (1900 to 9998)"
    elif column in DATES and not (_DATE.fullmatch(value) and _in_range(value)):
        return "is not a date such as 2026-11-23 (1900 to 9998)"
    elif column in LOGINS and not LOGIN.fullmatch(value):
        return "is not a login"
    elif (table, column) in TEXT:
        most, required = TEXT[table, column]
        if len(value) > most:
            return f"is {len(value)} characters long; the most is {most}"
        if required and not value.strip():
            return "is empty"
        if column == "name" and table in ("kpis", "initiatives"):
            # as kpi add and initiative add refuse them: a name holding an escape sequence
            # came in by import and listed as "\x1b[31mK" (a tester)
            from pdca.db.text_rules import escaped_in, lookalike_maker, visible

            bad = escaped_in(value) or lookalike_maker(value, emoji_parts=True)
            if bad is not None:
                return f"holds {visible(bad)}, which no name may"
            # Nor what the commands read as something else: "none" (no link) or "#5" (an
            # action's report) came in by import and could never be linked or reported (a
            # tester), as kpi add and initiative add refuse them.
            if value.strip().lower() == "none":
                return "means nothing to pdca (--kpi none clears a link), which no name may"
            if value.strip().startswith("#"):
                return "starts with '#', as an action's id does, which no name may"
        if (table, column) in (("kpis", "unit"), ("kpis", "perspective")):
            # Said beside every number and grouped by: kpi add refuses an escape in them,
            # and import took one (a tester's "\x1b[31m" unit).
            from pdca.db.text_rules import escaped_in, visible

            bad = escaped_in(value)
            if bad is not None:
                return f"holds {visible(bad)}, which pdca shows as an escape"
    elif (table, column) in (("kpis", "escalation"), ("standups", "people")):
        if not _logins(value, _STANDUP_STOPS if table == "standups" else frozenset()):
            return "is not a list of logins"
    elif table == "events" and column in ("before", "after") and not _record_or_nothing(value):
        return "is not a record (a JSON object)"
    return None


def notify_setting_problem(key: object, value: object) -> str | None:
    """What pdca notify config / prefer could not have stored (an export's row), or None."""
    from pdca.db import notify_rules as nrules  # only an import of such a row needs them

    text = str(value)
    try:
        if key in ("terminal", "mail"):
            nrules.parse_switch(str(key), text)
        elif key == "webhook":
            # an older pdca's URL with a password is the file's data: an export of it must
            # load (a reviewer); it is off, and said so, where it would be used
            if nrules.parse_url(text, credentials_ok=True) is None:
                return "value 'none' is not a webhook (the setting is left out instead)"
        elif isinstance(key, str) and key.startswith("prefer:"):
            nrules.check_login(key.removeprefix("prefer:"))
            nrules.parse_channels(text)
        else:
            return f"key {key!r} is not a notify setting"
    except InvalidInput as error:
        shown = nrules.hide_credentials(text) if key == "webhook" else text
        return f"{key} {shown[:60]!r} {error.why}"
    return None


# Done with no decision, a decision on open work, or Act's decision from another phase: the
# row rules below, as doctor's query over a file already holding such actions.
def half_done_actions(conn: sqlite3.Connection) -> list[int]:
    """The actions whose decision does not fit: done without one, open with one, or
    standardize/adjust outside Act, but for a round of repeating work's standardize
    (``rules.completion_problem``); a file older than repeat rules (schema 8) has none."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(actions)")}
    repeat = (
        " AND NOT (decision = 'standardize' AND recurrence_id IS NOT NULL)"
        if "recurrence_id" in columns
        else ""
    )
    return [
        action_id
        for (action_id,) in conn.execute(
            "SELECT id FROM actions WHERE (done_at IS NULL) != (decision IS NULL)"
            f" OR (decision IN ('standardize', 'adjust') AND phase IS NOT 'act'{repeat})"
            " ORDER BY id"
        )
    ]


def _cut(shown: str, most: int = 60) -> str:
    """A value as JSON wrote it, cut to ``most`` characters with its closing quote kept."""
    if len(shown) <= most:
        return shown
    return shown[: most - 2] + ('…"' if shown.startswith('"') else "…")


def row_problem(table: str, row: Mapping[str, Any]) -> str | None:
    """What is wrong with ``row`` of ``table`` (``column value is ...``), or None."""
    for column, value in row.items():
        problem = _value_problem(table, column, value)
        if problem:
            return f"{column} {_cut(json.dumps(value, ensure_ascii=False))} {problem}"
    parent = row.get("parent_id")
    if table == "actions" and parent is not None and parent == row.get("id"):
        return "parent_id is the action itself"
    if table == "actions" and (row.get("done_at") is None) != (row.get("decision") is None):
        # Done with no decision, or a decision on open work: no move nor `done` could take
        # such an action on ("it is done", "done already"; a tester).
        return (
            "done_at without a decision"
            if row.get("decision") is None
            else "decision without done_at (the action is open)"
        )
    decision = row.get("decision")
    if table == "actions" and decision is not None and row.get("phase") not in PHASES:
        # Said first: "standardize is decided in Act, and it is in Limbo" named the decision
        # for a phase that is none (a tester).
        return f"phase {_cut(json.dumps(row.get('phase')))} is not one of {', '.join(PHASES)}"
    if table == "actions" and decision is not None:
        # done's own rule: standardize and adjust are Act's decisions (a tester's import had
        # one from Plan, and nothing could take the action on)
        problem = rules.completion_problem(
            row.get("phase"),  # type: ignore[arg-type]
            False,
            decision,
            repeat=row.get("recurrence_id") is not None,
        )
        if problem is not None:
            return f"decision {decision!r}: {problem}"
    if table == "recurrences":
        from pdca.db import recurrence_rules  # a rule pdca itself could not have stored

        try:
            recurrence_rules.parse(str(row.get("rule")), stored=True)
        except InvalidInput:
            return f"rule {row.get('rule')!r} is not a repeat rule"
    if table == "notify_settings":
        return notify_setting_problem(row.get("key"), row.get("value"))
    if table == "notifications" and not LOGIN.fullmatch(str(row.get("recipient"))):
        return f"recipient {row.get('recipient')!r} is not a login"
    if table == "settings":
        key, value = row.get("key"), row.get("value")
        if key not in SETTINGS:
            return f"key {key!r} is not a setting"
        try:
            SETTINGS[key](str(value))
        except InvalidInput as error:
            return f"value {value!r} {error.why}"
    return None
