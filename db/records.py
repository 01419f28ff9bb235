"""Pydantic models: what the store returns, and the drafts it validates before writing.

Rows become models in one place (``db.convert``); drafts turn what a person typed into
checked values, and their errors become one-line ``InvalidInput`` messages
(``db.models.validated``). Import them from ``db.models``, which imports this module only when
a model is first asked for: the vocabulary there costs nothing, pydantic does.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pdca.db.accountability_models import Followup
from pdca.db.action_record import Action
from pdca.db.event_record import Event
from pdca.db.kpi_records import Alert, KpiRow, SignalMark
from pdca.db.models import (
    DEFAULT_CADENCE,
    DEFAULT_PERSPECTIVE,
    MESSAGE_MAX,
    NAME_MAX,
    NOTES_MAX,
    TITLE_MAX,
    AlertsMode,
    Cadence,
    CheckinStatus,
    Direction,
    Phase,
    Priority,
    Trend,
    _at_most,
    _escalation_path,
    _finite,
    _login,
    _non_blank,
    _person,
)
from pdca.db.pydantic_setup import skip_plugin_discovery

skip_plugin_discovery()  # before the first model is built

Title = Annotated[str, AfterValidator(_non_blank(TITLE_MAX))]
Name = Annotated[str, AfterValidator(_non_blank(NAME_MAX))]


def _blank_is_empty(text: str) -> str:
    """Notes of blanks alone are no notes: ``edit --notes "   "`` wrote them as a change,
    where a blank title is refused (a tester)."""
    return text if text.strip() else ""


Notes = Annotated[str, AfterValidator(_at_most(NOTES_MAX)), AfterValidator(_blank_is_empty)]
Message = Annotated[str, AfterValidator(_non_blank(MESSAGE_MAX))]
Login = Annotated[str, AfterValidator(_login)]
OwnerLogin = Annotated[str, AfterValidator(_person)]  # an owner: not pdca's own name, not "none"
EscalationPath = Annotated[list[Login], AfterValidator(_escalation_path)]
Number = Annotated[float, AfterValidator(_finite)]


def _not_the_word_for_nothing(name: str) -> str:
    """``--kpi none`` and ``--initiative none`` clear a link: a KPI or an initiative called
    "none" could be linked by ``add`` but never by ``edit`` (a tester named one so)."""
    if name.strip().lower() == "none":
        raise ValueError(
            "means nothing (--kpi none and --initiative none clear a link): pick another name"
        )
    return name


def _not_an_action_id(name: str) -> str:
    """``pdca report #3`` is action 3's report: an initiative named "#3" (or "#abc") was
    added, and its report could never be made (testers)."""
    if name.strip().startswith("#"):  # "#abc" too: report takes any "#..." for an id
        raise ValueError(
            "starts with '#', as an action's id does (pdca report #12): pick another name"
        )
    return name


def _told_apart(name: str) -> str:
    """A new name as people will read it: blanks at its ends dropped, in Unicode's composed
    form (``Cafe`` + U+0301 is ``Café``), and free of the characters that would let it look
    like another name. A tester's "Café", its decomposed twin, "Café " and "Café\u200b" were
    four KPIs that ``kpi list`` showed alike."""
    from pdca.db.text_rules import as_stored, escaped_in, lookalike_maker, visible

    bad = lookalike_maker(name)
    if bad is not None:
        raise ValueError(
            f"holds {visible(bad)}, which cannot be seen or is shown as an escape, so the name"
            " would look like another"
        )
    control = escaped_in(name)
    if control is not None:
        raise ValueError(
            f"holds {visible(control)}, which pdca shows as an escape: the name could not be"
            " typed to find it"
        )
    return as_stored(name)


# The name a new KPI or initiative is given (or renamed to); names looked up stay ``Name``.
NewName = Annotated[
    Name,
    AfterValidator(_not_the_word_for_nothing),
    AfterValidator(_not_an_action_id),
    AfterValidator(_told_apart),
]


class Draft(BaseModel):
    """Base of every input model: strict about unknown fields, and immutable once checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ActionDraft(Draft):
    title: Title
    owner: OwnerLogin | None = None
    phase: Phase = "plan"
    due: date | None = None
    priority: Priority = "normal"
    notes: Notes = ""
    initiative: Name | None = None
    kpi: Name | None = None


class ActionChanges(Draft):
    """Only the fields given are changed; ``clear_*`` empties an optional one."""

    title: Title | None = None
    owner: OwnerLogin | None = None
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
    name: NewName
    objective: Notes = ""
    owner: OwnerLogin | None = None


class InitiativeChanges(Draft):
    """Only the fields given change; ``clear_owner`` leaves it with no owner."""

    name: NewName | None = None
    objective: Notes | None = None
    owner: OwnerLogin | None = None
    clear_owner: bool = False


def _no_escapes(unit: str) -> str:
    """A unit is said beside every number, in lines pdca prints: one holding an escape set
    a terminal's title from ``kpi record`` (a tester). Refused, as a name's are."""
    from pdca.db.text_rules import escaped_in, visible

    control = escaped_in(unit)
    if control is not None:
        raise ValueError(f"holds {visible(control)}, which pdca shows as an escape")
    return unit


Unit = Annotated[str, AfterValidator(_non_blank(20)), AfterValidator(_no_escapes)]


def _one_label(text: str) -> str:
    """A label things are grouped by (a KPI's perspective) reads as typed: a newline in one
    was kept and listed as ``a\\nb`` (a tester). Without blanks at its ends, which nobody
    sees: " delivery" made a perspective of its own (a reviewer)."""
    from pdca.db.text_rules import escaped_in, visible

    control = escaped_in(text)
    if control is not None:
        raise ValueError(f"holds {visible(control)}, which pdca shows as an escape")
    return text.strip()


Perspective = Annotated[str, AfterValidator(_non_blank(30)), AfterValidator(_one_label)]


class KpiDraft(Draft):
    name: NewName
    unit: Unit
    baseline: Number
    target: Number
    direction: Direction = "up"
    warn: Number | None = None
    alert: Number | None = None
    owner: OwnerLogin | None = None
    target_date: date | None = None
    cadence: Cadence = DEFAULT_CADENCE
    perspective: Perspective = DEFAULT_PERSPECTIVE
    initiative: Name | None = None
    escalation: EscalationPath = Field(default_factory=list)
    benchmark: Number | None = None
    benchmark_source: Notes | None = None
    alerts_mode: AlertsMode = "both"
    baseline_from: date | None = None  # the XmR limits' period (None: the first readings)
    baseline_to: date | None = None


class KpiChanges(Draft):
    """Only the fields given change; ``clear`` names optional fields to empty."""

    name: NewName | None = None
    unit: Unit | None = None
    baseline: Number | None = None
    target: Number | None = None
    direction: Direction | None = None
    warn: Number | None = None
    alert: Number | None = None
    owner: OwnerLogin | None = None
    target_date: date | None = None
    cadence: Cadence | None = None
    perspective: Perspective | None = None
    initiative: Name | None = None
    escalation: EscalationPath | None = None
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


class Record(BaseModel):
    """Base of what the store returns."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class Person(Record):
    id: int
    login: str
    name: str
    created_at: str
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
    # Done with the decision to abandon: its numbers are shown, and never credited to it
    abandoned: bool = False
    window_days: int = 28  # the days either side it reads (kpi_rules.CHANGE_WINDOW_DAYS, or
    # ``change_window_days`` of its KPI: records imports no rules module)


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


class ActionDetail(Record):
    action: Action
    checkins: list[Checkin] = Field(default_factory=list)
    history: list[Event] = Field(default_factory=list)
    # The names of the initiatives and KPIs the history's changes name by id, as they are
    # called now ({"initiative_id": {3: "Faster support"}}); one deleted since is absent.
    names: dict[str, dict[int, str]] = Field(default_factory=dict)
    # The actions that follow this one: its next cycle (adjust), or its reopening (a
    # follow-up that slipped); ``show`` named only the link back (a tester).
    next_cycles: list[int] = Field(default_factory=list)
    # Its follow-up audits, done and to do, the soonest first: who holds each one now, and
    # what each found (``show`` told none of it, a tester).
    followups: list[Followup] = Field(default_factory=list)


class Completion(Record):
    """What ``done`` left behind: the finished action and, for ``adjust``, the next cycle."""

    action: Action
    next_cycle: Action | None = None


class UndoResult(Record):
    tx: int
    summaries: list[str]
    actions: list[int] = Field(default_factory=list)  # the actions it touched, first first
    # What the undo did beside, judging the KPIs it touched again: an alert kept open by a
    # colleague's later reading, or closed as a double or under a threshold put back.
    after: list[str] = Field(default_factory=list)

    def headline(self, shown: int = 5) -> list[str]:
        """The first few summaries (a count of the rest: ``more``): an undone import of
        thousands is one readable line, not thousands."""
        return self.summaries[:shown]

    def more(self, shown: int = 5) -> str:
        """`` and 1066 more`` after ``headline(shown)``, or nothing: said as pdca's words, not
        quoted as one more change (a tester read "and 1066 more" as an event's summary)."""
        more = len(self.summaries) - shown
        return f" and {more} more" if more > 0 else ""


class Identity(Draft):
    """The acting login, checked like any owner's."""

    login: Login


class ContentWarning(Record):
    """A SMART check's warning about one record, as ``pdca doctor --content`` lists it."""

    entity: Literal["initiative", "kpi", "action"]
    entity_id: int
    name: str
    warning: str
