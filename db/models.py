"""Pydantic models: what the store returns, and the drafts it validates before writing.

Rows become models in one place (``db.convert``); drafts turn what a person typed into
checked values, and their errors become one-line ``InvalidInput`` messages (``validated``).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

# pdca uses no pydantic plugins; looking for them reads every installed package's metadata
# when the first model is built (about 40 ms of every command). Pydantic's documented switch.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from pdca.db.errors import InvalidInput

Phase = Literal["plan", "do", "check", "act"]
PHASES: tuple[Phase, ...] = ("plan", "do", "check", "act")
CheckinStatus = Literal["on-track", "at-risk", "blocked"]
CHECKIN_STATUSES: tuple[CheckinStatus, ...] = ("on-track", "at-risk", "blocked")
# How much an action matters: it orders cards within a phase ahead of the due date.
Priority = Literal["high", "normal", "low"]
PRIORITIES: tuple[Priority, ...] = ("high", "normal", "low")
Verdict = Literal["worked", "partly", "did-not"]
VERDICTS: tuple[Verdict, ...] = ("worked", "partly", "did-not")
Decision = Literal["standardize", "adjust", "abandon"]
DECISIONS: tuple[Decision, ...] = ("standardize", "adjust", "abandon")
Direction = Literal["up", "down"]
KpiStatus = Literal["alert", "warn", "overdue", "no-data", "ok", "on-target"]
# Worst first: the KPIs view sorts by this, then by name.
STATUS_ORDER: tuple[KpiStatus, ...] = ("alert", "warn", "overdue", "no-data", "ok", "on-target")
Trend = Literal["better", "worse", "flat", "unknown"]
Cadence = Literal["daily", "weekly", "monthly"]
# Which alerts a KPI raises: threshold breaches, process-behaviour signals (db/xmr.py), or both.
AlertsMode = Literal["thresholds", "signals", "both"]
ALERTS_MODES: tuple[AlertsMode, ...] = ("thresholds", "signals", "both")

TITLE_MAX = 200
NAME_MAX = 100
NOTES_MAX = 10_000
MESSAGE_MAX = 2_000
# A Unix login as pdca takes one (always matched whole: fullmatch).
LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?")


def _non_blank(limit: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        # Stored exactly as typed; only an all-blank or over-long text is refused.
        if not text.strip():
            raise ValueError("is empty")
        if len(text) > limit:
            raise ValueError(f"is {len(text)} characters long; the most is {limit}")
        return text

    return check


def _at_most(limit: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"is {len(text)} characters long; the most is {limit}")
        return text

    return check


def _login(text: str) -> str:
    if not LOGIN.fullmatch(text):  # fullmatch: "$" alone would let "dana\n" through
        raise ValueError("is not a login (letters, digits, '.', '_' or '-', at most 32)")
    return text


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
_RECORD_ID = re.compile(r"#?([0-9]{1,19})")
ID_MAX = 2**63 - 1


def record_id(text: str) -> int | None:
    """The id ``text`` names, or None when it is not one."""
    match = _RECORD_ID.fullmatch(text)
    if match is None:
        return None
    value = int(match.group(1))
    return value if 0 < value <= ID_MAX else None


# A number as people and CSV files write it, in ASCII: float() alone would also take "١٢",
# "５" and "1_000". nan and inf are read so the message can say what is wrong with them.
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)


def parse_number(text: str, field: str) -> float:
    """What ``text`` says, as a KPI number; else an ``InvalidInput`` naming ``field``."""
    raw = text.strip()
    if not (_NUMBER.fullmatch(raw) or _NOT_FINITE.fullmatch(raw)):
        raise InvalidInput(field, text, "is not a number")
    value = float(raw)
    problem = number_problem(value)
    if problem:
        raise InvalidInput(field, text, problem)
    return value


def _finite(value: float) -> float:
    problem = number_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Title = Annotated[str, AfterValidator(_non_blank(TITLE_MAX))]
Name = Annotated[str, AfterValidator(_non_blank(NAME_MAX))]
Notes = Annotated[str, AfterValidator(_at_most(NOTES_MAX))]
Message = Annotated[str, AfterValidator(_non_blank(MESSAGE_MAX))]
Login = Annotated[str, AfterValidator(_login)]
Number = Annotated[float, AfterValidator(_finite)]


class Draft(BaseModel):
    """Base of every input model: strict about unknown fields, and immutable once checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ActionDraft(Draft):
    title: Title
    owner: Login | None = None
    phase: Phase = "plan"
    due: date | None = None
    priority: Priority = "normal"
    notes: Notes = ""
    initiative: Name | None = None
    kpi: Name | None = None


class ActionChanges(Draft):
    """Only the fields given are changed; ``clear_*`` empties an optional one."""

    title: Title | None = None
    owner: Login | None = None
    due: date | None = None
    priority: Priority | None = None
    notes: Notes | None = None
    initiative: Name | None = None
    kpi: Name | None = None
    clear_owner: bool = False
    clear_due: bool = False
    clear_initiative: bool = False
    clear_kpi: bool = False


class CheckinDraft(Draft):
    message: Message
    status: CheckinStatus = "on-track"


class FollowupNote(Draft):
    """What a person wrote when recording a follow-up (None: pdca words it)."""

    message: Message | None = None


class AcknowledgementNote(Draft):
    """What is being done about an alert: required, like a check-in's message."""

    note: Message


class InitiativeDraft(Draft):
    name: Name
    objective: Notes = ""
    owner: Login | None = None


Unit = Annotated[str, AfterValidator(_non_blank(20))]
Perspective = Annotated[str, AfterValidator(_non_blank(30))]
PERSPECTIVES: tuple[str, ...] = ("quality", "delivery", "cost", "people")  # or the team's own
CADENCES: tuple[Cadence, ...] = ("daily", "weekly", "monthly")


class KpiDraft(Draft):
    name: Name
    unit: Unit
    baseline: Number
    target: Number
    direction: Direction = "up"
    warn: Number | None = None
    alert: Number | None = None
    owner: Login | None = None
    target_date: date | None = None
    cadence: Cadence = "daily"
    perspective: Perspective = "quality"
    initiative: Name | None = None
    escalation: list[Login] = Field(default_factory=list)
    benchmark: Number | None = None
    benchmark_source: Notes | None = None
    alerts_mode: AlertsMode = "both"
    baseline_from: date | None = None  # the XmR limits' period (None: the first readings)
    baseline_to: date | None = None


class KpiChanges(Draft):
    """Only the fields given change; ``clear`` names optional fields to empty."""

    name: Name | None = None
    unit: Unit | None = None
    baseline: Number | None = None
    target: Number | None = None
    direction: Direction | None = None
    warn: Number | None = None
    alert: Number | None = None
    owner: Login | None = None
    target_date: date | None = None
    cadence: Cadence | None = None
    perspective: Perspective | None = None
    initiative: Name | None = None
    escalation: list[Login] | None = None
    benchmark: Number | None = None
    benchmark_source: Notes | None = None
    alerts_mode: AlertsMode | None = None
    baseline_from: date | None = None
    baseline_to: date | None = None
    clear: frozenset[str] = frozenset()


class ReadingDraft(Draft):
    kpi: Name
    value: Number
    note: Notes = ""


T = TypeVar("T", bound=BaseModel)


def validated(model: type[T], **values: Any) -> T:
    """Build ``model`` or raise ``InvalidInput`` naming the first bad field and its value."""
    try:
        return model(**values)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else model.__name__
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "literal_error":
            message = "is not one of " + message.removeprefix("Input should be ")
        elif message[:1].isupper() and not message.startswith("is "):
            message = message[0].lower() + message[1:]
        raise InvalidInput(field.replace("_", "-"), values.get(field), message) from None


class Record(BaseModel):
    """Base of what the store returns."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class Person(Record):
    id: int
    login: str
    name: str
    created_at: str
    version: int


class Initiative(Record):
    id: int
    name: str
    objective: str
    owner: str | None
    created_at: str
    updated_at: str
    version: int
    open_actions: int = 0


class Kpi(Record):
    id: int
    name: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    target_date: str | None
    warn: float | None
    alert: float | None
    cadence: Cadence
    owner: str | None
    escalation: list[str]
    perspective: str
    benchmark: float | None
    benchmark_source: str | None
    initiative_id: int | None
    alerts_mode: AlertsMode = "both"
    baseline_from: str | None = None
    baseline_to: str | None = None
    initiative: str | None = None
    latest_value: float | None = None
    latest_at: str | None = None
    created_at: str
    updated_at: str
    version: int


class Reading(Record):
    id: int
    kpi_id: int
    kpi: str
    at: str
    value: float
    note: str
    author: str
    version: int


class Alert(Record):
    id: int
    kpi_id: int
    kpi: str
    reading_id: int | None
    raised_at: str
    assignee: str
    ack_due: str
    escalation_level: int
    acknowledged_at: str | None
    acknowledged_by: str | None
    ack_note: str | None
    closed_at: str | None
    version: int
    # The Western Electric rule that raised it ("we4") and its words; None: the threshold.
    rule: str | None = None
    rule_text: str | None = None
    # Derived from the clock when read: unacknowledged and open past its first deadline.
    overdue: bool = False


class Limits(Record):
    """A KPI's XmR chart (db/xmr.py ``XmrChart``): centre line, natural process limits."""

    centre: float
    mr_bar: float
    lower: float
    upper: float
    url: float
    sigma: float
    baseline_first: str  # the times of the first and last baseline readings
    baseline_last: str
    baseline_count: int


class SignalMark(Record):
    """One Western Electric signal (db/xmr.py ``Signal``), by the times of its readings."""

    rule: str
    rule_text: str
    side: Literal["up", "down"]
    bad: bool  # on the KPI's bad side
    first_at: str
    at: str
    points: list[str]  # the times of the readings it covers


class KpiRow(Record):
    """One line of the KPIs view and of ``pdca kpi list``: the KPI and what the rules say."""

    kpi: Kpi
    status: KpiStatus
    trend: Trend
    trend_sign: int  # 1 rising, -1 falling, 0 flat or unknown
    recent: list[float | None]  # one per cadence period, oldest first; None: not measured
    alert: Alert | None = None  # the open alert, if any
    # Process-behaviour signals in the bad direction holding at the latest reading (db/xmr.py)
    signals: list[SignalMark] = Field(default_factory=list)


class ActionChange(Record):
    """A linked action's dates and the KPI's mean before it entered Do and after it was done."""

    action_id: int
    title: str
    phase: Phase
    entered_do: str
    done_at: str | None
    before_mean: float | None
    before_count: int
    after_mean: float | None
    after_count: int
    delta: float | None
    verdict: Trend


class KpiDetail(Record):
    row: KpiRow
    readings: list[Reading]
    changes: list[ActionChange]
    alerts: list[Alert]
    limits: Limits | None = None  # None: too few baseline readings for a chart
    signals: list[SignalMark] = Field(default_factory=list)  # every signal in the year shown


class Checkin(Record):
    id: int
    action_id: int
    at: str
    author: str
    status: CheckinStatus
    kind: Literal["checkin", "followup"]
    result: Literal["holding", "slipped"] | None
    message: str
    version: int


class Action(Record):
    id: int
    title: str
    notes: str
    owner: str | None
    phase: Phase
    due: str | None
    initiative_id: int | None
    initiative: str | None
    kpi_id: int | None
    kpi: str | None
    parent_id: int | None
    cycle: int
    verdict: Verdict | None
    decision: Decision | None
    phase_since: str
    done_at: str | None
    created_by: str
    created_at: str
    updated_at: str
    version: int
    last_checkin_at: str | None
    last_checkin_status: CheckinStatus | None
    recurrence_id: int | None = None  # the repeat rule that made it (db/recurrence.py)
    # Derived by the rules from the clock when the action was read.
    overdue: bool = False
    days_since_checkin: int = 0
    stale: bool = False
    priority: Priority = "normal"  # last: JSON fields are only ever added


class Event(Record):
    id: int
    tx: int
    at: str
    actor: str
    entity: str
    entity_id: int
    op: Literal["create", "update", "delete"]
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undo_of: int | None


class ActionDetail(Record):
    action: Action
    checkins: list[Checkin] = Field(default_factory=list)
    history: list[Event] = Field(default_factory=list)


class Completion(Record):
    """What ``done`` left behind: the finished action and, for ``adjust``, the next cycle."""

    action: Action
    next_cycle: Action | None = None


class UndoResult(Record):
    tx: int
    summaries: list[str]

    def headline(self, shown: int = 5) -> list[str]:
        """The first few summaries and a count of the rest: an undone import of thousands
        is one readable line, not thousands."""
        more = len(self.summaries) - shown
        return self.summaries[:shown] + ([f"and {more} more"] if more > 0 else [])


class Identity(Draft):
    """The acting login, checked like any owner's."""

    login: Login


class InitiativeKpi(Record):
    """One KPI as the initiatives view shows it beside its initiative."""

    id: int
    name: str
    unit: str
    status: KpiStatus
    latest_value: float | None
    target: float
    target_date: str | None
    recent: list[float | None]  # one per cadence period, oldest first (the sparkline)


class InitiativeOverview(Initiative):
    """An initiative with its health derived from its data (db/initiative_rules.py): what the
    initiatives view and ``pdca initiative list --json`` show."""

    health: Literal["on-track", "at-risk", "off-track"] = "on-track"
    reasons: list[str] = Field(default_factory=list)
    objective_date: str | None = None
    open_by_phase: dict[str, int] = Field(default_factory=dict)
    late_actions: int = 0
    stale_actions: int = 0
    kpis: list[InitiativeKpi] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)  # SMART checks (db/smart_rules.py)


class ContentWarning(Record):
    """A SMART check's warning about one record, as ``pdca doctor --content`` lists it."""

    entity: Literal["initiative", "kpi", "action"]
    entity_id: int
    name: str
    warning: str
