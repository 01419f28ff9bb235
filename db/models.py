"""The vocabulary of pdca's records, and (imported on first use) the pydantic models.

What the store returns and the drafts it validates before writing are pydantic models,
defined in ``db.records``; their names are importable from here as before
(``from pdca.db.models import Kpi``), but pydantic is only imported when one of them is
first asked for. ``Action``, ``Event``, the KPIs' and the initiatives' rows are plain
dataclasses (``db.action_record``, ``db.event_record``, ``db.kpi_records``,
``db.initiative_records``): the board's cards, the stand-up's changes, the KPIs and the
initiatives views are built without pydantic. The phases, statuses,
limits and text checks below cost nothing to import, so a command-line write that needs no
model (``pdca checkin 12 "done"``) never pays for pydantic (issue 14: a write within 3x
Taskwarrior's ``task add``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

from pdca.db.errors import InvalidInput, PdcaError
from pdca.db.lazy_pattern import lazy_pattern
from pdca.db.text_rules import shows_nothing

if TYPE_CHECKING:
    from pydantic import BaseModel

    from pdca.db.action_record import Action as Action
    from pdca.db.event_record import Event as Event
    from pdca.db.initiative_records import Initiative as Initiative
    from pdca.db.initiative_records import InitiativeKpi as InitiativeKpi
    from pdca.db.initiative_records import InitiativeOverview as InitiativeOverview
    from pdca.db.kpi_records import Alert as Alert
    from pdca.db.kpi_records import Kpi as Kpi
    from pdca.db.kpi_records import KpiRow as KpiRow
    from pdca.db.kpi_records import SignalMark as SignalMark
    from pdca.db.records import AcknowledgementNote as AcknowledgementNote
    from pdca.db.records import ActionChange as ActionChange
    from pdca.db.records import ActionChanges as ActionChanges
    from pdca.db.records import ActionDetail as ActionDetail
    from pdca.db.records import ActionDraft as ActionDraft
    from pdca.db.records import Checkin as Checkin
    from pdca.db.records import CheckinDraft as CheckinDraft
    from pdca.db.records import Completion as Completion
    from pdca.db.records import ContentWarning as ContentWarning
    from pdca.db.records import Draft as Draft
    from pdca.db.records import FollowupNote as FollowupNote
    from pdca.db.records import Identity as Identity
    from pdca.db.records import InitiativeChanges as InitiativeChanges
    from pdca.db.records import InitiativeDraft as InitiativeDraft
    from pdca.db.records import KpiChanges as KpiChanges
    from pdca.db.records import KpiDetail as KpiDetail
    from pdca.db.records import KpiDraft as KpiDraft
    from pdca.db.records import Limits as Limits
    from pdca.db.records import Login as Login
    from pdca.db.records import Message as Message
    from pdca.db.records import Name as Name
    from pdca.db.records import Notes as Notes
    from pdca.db.records import Number as Number
    from pdca.db.records import Person as Person
    from pdca.db.records import Perspective as Perspective
    from pdca.db.records import Reading as Reading
    from pdca.db.records import ReadingDraft as ReadingDraft
    from pdca.db.records import Record as Record
    from pdca.db.records import Title as Title
    from pdca.db.records import UndoResult as UndoResult
    from pdca.db.records import Unit as Unit

Phase = Literal["plan", "do", "check", "act"]
PHASES: tuple[Phase, ...] = ("plan", "do", "check", "act")
CheckinStatus = Literal["on-track", "at-risk", "blocked"]
CHECKIN_STATUSES: tuple[CheckinStatus, ...] = ("on-track", "at-risk", "blocked")
# How much an action matters: it orders cards within a phase ahead of the due date.
Priority = Literal["high", "normal", "low"]
PRIORITIES: tuple[Priority, ...] = ("high", "normal", "low")
# Other tools' priority words, as pdca's three: a Jira or Linear export's "Medium" was
# refused, and a lead moving a programme over had to edit every row (a programme lead).
PRIORITY_WORDS: dict[str, Priority] = {
    "urgent": "high",
    "highest": "high",
    "blocker": "high",
    "critical": "high",
    "medium": "normal",
    "med": "normal",
    "m": "normal",  # Taskwarrior's priority:M (H and L are the start of high and low)
    "major": "normal",
    "no priority": "normal",
    "none": "normal",
    "minor": "low",
    "lowest": "low",
    "trivial": "low",
    # Jira's P1-P5 scheme (P1 critical, P2 high, P3 medium, P4 low, P5 lowest), P0 above it
    "p0": "high",
    "p1": "high",
    "p2": "high",
    "p3": "normal",
    "p4": "low",
    "p5": "low",
}


def priority_of(text: str) -> str:
    """``text`` as pdca's priority when it is one of ``PRIORITY_WORDS`` (any case) or the
    start of exactly one of pdca's (``h``, as ``--priority`` takes it: an import refused the
    ``h`` the command line took, a tester), else as typed, lower-cased, for the rules to
    take or refuse."""
    word = " ".join(text.split()).lower()
    if word in PRIORITY_WORDS:
        return PRIORITY_WORDS[word]
    starting = [choice for choice in PRIORITIES if word and choice.startswith(word)]
    if len(starting) == 1:
        return starting[0]
    # Jira's "P1 - Highest": each part a word for the same one (a tester had it refused)
    parts = {PRIORITY_WORDS.get(part.strip(), part.strip()) for part in word.split(" - ")}
    return parts.pop() if len(parts) == 1 and parts <= set(PRIORITIES) else word


# What a priority outside them is told: the other tools' words are taken too (a tester's P6
# was told only of high, normal and low, though P1 and Urgent come in)
OTHER_PRIORITY_WORDS = "or h, n, l, P0-P5, Urgent, Highest, Medium, Minor, Lowest …"


Verdict = Literal["worked", "partly", "did-not"]
VERDICTS: tuple[Verdict, ...] = ("worked", "partly", "did-not")
# Each verdict as people read it: the card's words, the detail's, the stand-up's and show's
# ("verdict did-not" in one place, "did not work" in another, a newcomer)
VERDICT_WORDS: dict[str, str] = {
    "worked": "worked",
    "partly": "partly worked",
    "did-not": "did not work",
}
Decision = Literal["standardize", "adjust", "abandon"]
DECISIONS: tuple[Decision, ...] = ("standardize", "adjust", "abandon")
Direction = Literal["up", "down"]
KpiStatus = Literal["alert", "warn", "overdue", "no-data", "ok", "on-target"]
# Worst first: the KPIs view sorts by this, then by name.
STATUS_ORDER: tuple[KpiStatus, ...] = ("alert", "warn", "overdue", "no-data", "ok", "on-target")
Trend = Literal["better", "worse", "flat", "unknown"]
Cadence = Literal["daily", "weekly", "monthly"]
# What a KPI added without them is read as: kpi add's help and note say these.
DEFAULT_CADENCE: Cadence = "daily"
DEFAULT_PERSPECTIVE = "quality"
# Which alerts a KPI raises: threshold breaches, process-behaviour signals (db/xmr.py), or both.
AlertsMode = Literal["thresholds", "signals", "both"]
ALERTS_MODES: tuple[AlertsMode, ...] = ("thresholds", "signals", "both")

TITLE_MAX = 200
NAME_MAX = 100
NOTES_MAX = 10_000
MESSAGE_MAX = 2_000
# A Unix login as pdca takes one (always matched whole: fullmatch).
# A Unix login as systems give them: a digit first too (useradd --badname, 1dana) and an
# @ within (SSSD and AD: dana@corp.example); never a blank, a quote or a leading - or @
# (an option to a command, a mail header). They had written to the file and could never
# own work, told digits were allowed (a tester).
LOGIN = lazy_pattern(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}\$?")
# What LOGIN takes, in words: "letters" alone read as é or 中 too (a tester's josé).
LOGIN_RULE = (
    "is not a login (ASCII letters, digits and '_'; '.', '-' or '@' after the first; a '$' at"
    " the end; at most 64)"
)
UNOWNED = "(unowned)"  # the owners row of open work nobody owns (no login has parentheses)


def _non_blank(limit: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        # Stored exactly as typed; only an all-blank, over-long or NUL-holding text is refused.
        if not text.strip():
            raise ValueError("is empty")
        if shows_nothing(text):
            raise ValueError(
                "shows nothing: it holds only blanks, controls, terminal control sequences"
                " or invisible characters"
            )
        return _at_most(limit)(text)

    return check


def _at_most(limit: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"is {len(text)} characters long; the most is {limit}")
        if "\0" in text:  # a file can hold one (argv cannot); SQLite's text functions stop at it
            raise ValueError("holds a NUL byte")
        return text

    return check


def _login(text: str) -> str:
    if not LOGIN.fullmatch(text):  # fullmatch: "$" alone would let "dana\n" through
        raise ValueError(LOGIN_RULE)
    return text


# Names that are not a person's: pdca's own (its automatic changes: escalations, repeats,
# notifications, which no undo of a person's may take back), and the word that clears an
# owner. An owner or an escalation path named so made "none" and "pdca" people of the file
# ("waiting for none", a tester).
# The actor of pdca's own writes (repeats made, notifications, escalations, seeded alerts):
# nobody's ``pdca undo`` reaches them.
PDCA_ACTOR = "pdca"
NOT_A_PERSON = {PDCA_ACTOR: "is pdca's own name (its automatic changes)", "none": "means nobody"}


def _person(text: str) -> str:
    why = NOT_A_PERSON.get(_login(text).lower())
    if why is not None:
        raise ValueError(f"{why}, not a person's login")
    return text


def _escalation_path(logins: list[str]) -> list[str]:
    """People, each once: the path's logins checked one by one, and named in the refusal."""
    seen: set[str] = set()
    for login in logins:
        try:
            _person(login)
        except ValueError as error:
            raise ValueError(f"holds {login}, which {error}") from None
        if login in seen:
            raise ValueError(f"names {login} twice")
        seen.add(login)
    return logins


# Measures far past any KPI's (a quadrillion either way) only overflow means, charts and
# JSON (sums of two readings near 1e308 are infinite), so they are refused on the way in.
NUMBER_LIMIT = 1e15


def number_problem(value: float) -> str | None:
    """Why ``value`` cannot be a KPI number, or None."""
    if not math.isfinite(value):  # NaN or either infinity
        return "is not a finite number"
    if abs(value) > NUMBER_LIMIT:
        return "is out of range (at most 1e15 either way)"
    return None


# Ids as people write them: ``12`` or ``#12``, ASCII digits only ("١" and "²" are digits to
# str.isdigit but no one's id), and within SQLite's 64-bit integers.
_WHOLE = lazy_pattern(r"0*([0-9]+)")
ID_MAX = 2**63 - 1


def ascii_whole(text: str) -> int | None:
    """ASCII digits alone as the number they are (``0005`` is 5), else None. One past 64 bits
    is ``ID_MAX + 1`` whatever it is, never converted: Python refuses to read more than 4 300
    digits, and the command line crashed on an id of 5 000 nines (a review)."""
    match = _WHOLE.fullmatch(text)
    if match is None:
        return None
    significant = match.group(1)
    return int(significant) if len(significant) <= 19 else ID_MAX + 1


def record_id(text: str) -> int | None:
    """The id ``text`` (``12``, ``#12``, ``#0012``) names, or None when it is not one."""
    value = ascii_whole(text.removeprefix("#"))
    return value if value is not None and 0 < value <= ID_MAX else None


def not_an_id(text: str, what: str, example: str) -> str:
    """Why ``text`` names no ``what`` id (``an alert``): too big for any id, or no id at all
    (one past 2**63 was "not an alert id (a number...)" here and "too big" there, a tester)."""
    number = ascii_whole(text.removeprefix("#"))
    if number is not None and number > ID_MAX:
        return f"is too big for {what} id (at most {ID_MAX})"
    return f"is not {what} id ({example})"


# A number as people and CSV files write it, in ASCII: float() alone would also take "١٢",
# "５" and "1_000". nan and inf are read so the message can say what is wrong with them.
_NUMBER = lazy_pattern(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_NOT_FINITE = lazy_pattern(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)


def parse_number(text: str, field: str) -> float:
    """What ``text`` says, as a KPI number; else an ``InvalidInput`` naming ``field``."""
    raw = text.strip()
    if not (_NUMBER.fullmatch(raw) or _NOT_FINITE.fullmatch(raw)):
        raise InvalidInput(field, text, "is not a number" + _number_hint(raw))
    value = float(raw)
    problem = number_problem(value)
    if problem:
        raise InvalidInput(field, text, problem)
    if value == 0 and any(digit in "123456789" for digit in raw.split("e")[0].split("E")[0]):
        # 1e-400: a number too small for a float, which would be stored as 0 without a word
        raise InvalidInput(field, text, "is too small to tell from 0")
    return value


_SPACED_NUMBER = lazy_pattern(r"[+-]?[0-9]{1,3}( [0-9]{3})+(\.[0-9]+)?")
# "12k" or "1.5M" as dashboards write them: the hint said "(12)", a thousandth of what was
# meant. Only these: "m" may be minutes or metres.
_MULTIPLIERS = {"k": 1_000, "K": 1_000, "M": 1_000_000}


def _number_hint(raw: str) -> str:
    """How a number typed as people write it elsewhere is written here: "12,5", "1,234.5",
    "12 000", and "89.5%", "$12" or "12 defects" were "not a number" and no more (a
    quality lead; a reviewer's "12,5%", "$12" and "12 000")."""
    if raw[:1] in "\u2212\u2013\u2014" and _NUMBER.fullmatch(raw[1:]):
        # a typographic minus (a word processor's, a copied figure): the hint dropped it
        return f": write the minus as - (-{raw[1:]})"
    if raw.startswith("(") and raw.endswith(")") and _NUMBER.fullmatch(raw[1:-1]):
        return f": write a negative number with - (-{raw[1:-1]})"  # accounting's (12)
    if re.search(r"[0-9],[0-9]", raw):
        return ": write decimals with a dot and no thousands separators (12.5, 1234.5)"
    if _SPACED_NUMBER.fullmatch(raw):
        return f": write it without spaces ({raw.replace(' ', '')})"
    number = _NUMBER.search(raw)
    if number is None:
        return ""
    rest = raw[: number.start()] + raw[number.end() :]
    if rest.strip() in _MULTIPLIERS and raw.rstrip().endswith(rest.strip()):
        whole = float(number.group()) * _MULTIPLIERS[rest.strip()]
        return f": write it in full ({shown_number(whole)})"
    if rest.strip() and not any(c in "0123456789.,+-_" for c in rest):
        return f": the number alone, without a unit or % ({number.group()})"
    return ""


SHOWN_DIGITS = 15  # significant digits a float holds for sure: 999999999999999 stays itself
_POSITIONAL_FROM = 1e-9  # smaller magnitudes keep their exponent (nine zeros read badly)


def side_of(value: float, threshold: float) -> str:
    """``above``, ``below`` or ``at``: where a reading that raised an alert stands to the
    threshold it crossed. "77 % is beyond 78" read oddly for a KPI where higher is better (a
    lead's trial); the numbers alone say which side, whatever the KPI's direction."""
    return "above" if value > threshold else "below" if value < threshold else "at"


def shown_number(value: float) -> str:
    """A reading or KPI number as people write it, within float precision: up to 15
    significant digits and no exponent (``999999999999999``, ``1000000000000000``, ``0.00001``,
    ``27.5``, ``3``), where ``:g`` gave six digits and ``1e+15``. The command line, the events'
    summaries and the messages print numbers with this one helper."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)  # -0.0 reads as 0
    text = f"{value:.{SHOWN_DIGITS}g}"
    if "e" in text and abs(value) >= _POSITIONAL_FROM:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text


QUOTE_OPEN, QUOTE_CLOSE = "\u201c", "\u201d"  # “ and ”: no name is changed to fit inside them
QUOTED_MAX = 120  # a longer name is cut so the message stays one line


def quoted_name(name: str) -> str:
    """A name in a message, between curly quotes and otherwise exactly as it is
    (``“Bob's "p95" latency”``): what lies between the quotes can be copied as the name, where
    Python's quoting showed ``'Bob\\'s "p95" latency'``. A very long one is cut, saying so."""
    if len(name) > QUOTED_MAX:
        return f"{QUOTE_OPEN}{name[:50]}…{QUOTE_CLOSE} ({len(name)} characters)"
    return f"{QUOTE_OPEN}{name}{QUOTE_CLOSE}"


def _finite(value: float) -> float:
    problem = number_problem(value)
    if problem:
        raise ValueError(problem)
    return value


PERSPECTIVES: tuple[str, ...] = ("quality", "delivery", "cost", "people")  # or the team's own
CADENCES: tuple[Cadence, ...] = ("daily", "weekly", "monthly")


T = TypeVar("T", bound="BaseModel")


def validated(model: type[T], **values: Any) -> T:
    """Build ``model`` or raise ``InvalidInput`` naming the first bad field and its value."""
    from pydantic import ValidationError

    try:
        return model(**values)
    except ValidationError as error:
        raise _invalid(model, values, error.errors()[0]) from None


def validated_whole(model: type[T], **values: Any) -> T:
    """``validated``, its refusal naming every bad field at once (an import's row: a bad
    owner hid a bad phase, and a sheet took an import per mistake, a retrial)."""
    from pydantic import ValidationError

    try:
        return model(**values)
    except ValidationError as error:
        said = [str(_invalid(model, values, each)) for each in error.errors()]
        raise PdcaError("; ".join(said)) from None


def _invalid(model: type[BaseModel], values: dict[str, Any], problem: Any) -> InvalidInput:
    """One of pydantic's errors as pdca says it: the field, the value, why."""
    field = str(problem["loc"][0]) if problem["loc"] else model.__name__
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] == "literal_error":
        message = "is not one of " + message.removeprefix("Input should be ")
    elif message[:1].isupper() and not message.startswith("is "):
        message = message[0].lower() + message[1:]
    return InvalidInput(field.replace("_", "-"), values.get(field), message)


_AROUND_A_WORD = ".:,;!?…'\"«»“”‘’„()[]¡¿"


def _words_of(message: str) -> list[str]:
    """``message``'s words as a status is compared: lower case, ``_`` and ``-`` as spaces."""
    return message.lower().replace("_", " ").replace("-", " ").split()


def status_word(message: str) -> CheckinStatus | None:
    """The check-in status ``message`` is the whole of (``blocked``, ``at risk``), or None:
    such a check-in said nothing of what happened, and its status said otherwise."""
    # the punctuation around it is no word: "Blocked…", "at-risk?" and "«blocked»" were taken
    # where "blocked!" was refused (a retrial)
    words = "-".join(_words_of(message)).strip(_AROUND_A_WORD)
    spelled = {"ontrack": "on-track", "atrisk": "at-risk"}.get(words, words)
    for status in CHECKIN_STATUSES:
        if spelled == status:
            return status
    return None


def status_begun(message: str) -> CheckinStatus | None:
    """The check-in status ``message`` begins with (``Blocked by vendor``), or None."""
    words = _words_of(message)
    for length in (2, 1):
        found = status_word(" ".join(words[:length]))
        if found is not None:
            return found
    return None


def checked_text(field: str, text: str, limit: int = MESSAGE_MAX) -> str:
    """A required text as a draft checks it (``Message``, ``Title``, ``Name``), without
    pydantic: the same rule and the same one-line ``InvalidInput`` as ``validated``."""
    try:
        return _non_blank(limit)(text)
    except ValueError as error:
        raise InvalidInput(field, text, str(error)) from None


def checked_login(field: str, text: str) -> str:
    """A login as a draft checks it (``Login``), without pydantic."""
    try:
        return _login(text)
    except ValueError as error:
        raise InvalidInput(field, text, str(error)) from None


def checked_person(field: str, text: str) -> str:
    """An owner's login as a draft checks it (``records.OwnerLogin``), without pydantic."""
    try:
        return _person(text)
    except ValueError as error:
        raise InvalidInput(field, text, str(error)) from None


class ActionFields(NamedTuple):
    """An ``ActionDraft``'s fields, checked by its rules without pydantic (``checked_action``):
    what a command-line ``pdca add`` hands the store when it prints no model.

    The records every command makes at import are NamedTuples, not frozen dataclasses: a
    frozen dataclass takes about a millisecond to make (its methods are compiled), and a
    command line made a dozen of them before writing anything (issue 14: a write within 3x
    Taskwarrior's ``task add``)."""

    title: str
    owner: str | None = None
    phase: Phase = "plan"
    due: date | None = None
    priority: Priority = "normal"
    notes: str = ""
    initiative: str | None = None
    kpi: str | None = None


def checked_action(fields: ActionFields) -> ActionFields:
    """``fields`` if ``validated(ActionDraft, ...)`` would take them, else the same one-line
    ``InvalidInput`` it raises (the first bad field, in the draft's order)."""
    checked_text("title", fields.title, TITLE_MAX)
    if fields.owner is not None:
        checked_person("owner", fields.owner)
    if fields.phase not in PHASES:
        raise InvalidInput("phase", fields.phase, not_one_of(PHASES))
    if fields.priority not in PRIORITIES:
        raise InvalidInput("priority", fields.priority, not_one_of(PRIORITIES))
    if len(fields.notes) > NOTES_MAX:
        raise InvalidInput("notes", fields.notes, _at_most_message(fields.notes, NOTES_MAX))
    for name, value in (("initiative", fields.initiative), ("kpi", fields.kpi)):
        if value is not None:
            checked_text(name, value, NAME_MAX)
    if fields.notes and not fields.notes.strip():  # blanks alone are no notes (Notes)
        return fields._replace(notes="")
    return fields


class ChangeFields(NamedTuple):
    """An ``ActionChanges``' fields, checked by its rules without pydantic (``checked_changes``):
    what a command-line ``pdca edit`` hands the store when it prints no model."""

    title: str | None = None
    owner: str | None = None
    due: date | None = None
    priority: Priority | None = None
    notes: str | None = None
    initiative: str | None = None
    kpi: str | None = None
    clear_owner: bool = False
    clear_due: bool = False
    clear_initiative: bool = False
    clear_kpi: bool = False


def checked_changes(fields: ChangeFields) -> ChangeFields:
    """``fields`` if ``validated(ActionChanges, ...)`` would take them, else the same one-line
    ``InvalidInput`` it raises (the first bad field, in the draft's order)."""
    if fields.title is not None:
        checked_text("title", fields.title, TITLE_MAX)
    if fields.owner is not None:
        checked_person("owner", fields.owner)
    if fields.priority is not None and fields.priority not in PRIORITIES:
        raise InvalidInput("priority", fields.priority, not_one_of(PRIORITIES))
    if fields.notes is not None and len(fields.notes) > NOTES_MAX:
        raise InvalidInput("notes", fields.notes, _at_most_message(fields.notes, NOTES_MAX))
    for name, value in (("initiative", fields.initiative), ("kpi", fields.kpi)):
        if value is not None:
            checked_text(name, value, NAME_MAX)
    if fields.notes and not fields.notes.strip():  # blanks alone are no notes (Notes)
        return fields._replace(notes="")
    return fields


def not_one_of(choices: tuple[str, ...]) -> str:
    """What ``validated`` says of a value outside a ``Literal``: is not one of 'a', 'b' or 'c'."""
    quoted = [repr(choice) for choice in choices]
    return "is not one of " + ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _at_most_message(text: str, limit: int) -> str:
    try:
        _at_most(limit)(text)
    except ValueError as error:
        return str(error)
    return ""


def __getattr__(name: str) -> Any:
    """The pydantic models (``db.records``), imported when the first one is asked for."""
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Plain dataclasses: the board's, the stand-up's, the KPIs' and the initiatives' first
    # paints need no pydantic.
    plain = {
        "Action": "pdca.db.action_record",
        "Event": "pdca.db.event_record",
        **dict.fromkeys(("Alert", "Kpi", "KpiRow", "SignalMark"), "pdca.db.kpi_records"),
        **dict.fromkeys(
            ("Initiative", "InitiativeKpi", "InitiativeOverview"), "pdca.db.initiative_records"
        ),
    }
    if name in plain:
        import importlib

        value = getattr(importlib.import_module(plain[name]), name)
        globals()[name] = value
        return value
    from pdca.db import records

    try:
        value = getattr(records, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value  # found here directly from now on
    return value
