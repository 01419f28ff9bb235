"""The records of the accountability views: owners, the check-in log, follow-ups, stand-ups.

Kept beside ``db.models`` (not in it) so the KPI work and this work touch different files.
Plain frozen dataclasses (``db.plain``), not pydantic models: the owners, log and stand-up
views paint from them, and importing pydantic and building its models cost about 70 ms of
their start on the huge file (issue 14). What a person types is checked by ``db.models``'
drafts and rules before anything here is made; a record read back needs no validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pdca.db import models
from pdca.db.models import CheckinStatus
from pdca.db.plain import PlainRecord

if TYPE_CHECKING:
    from pdca.db.models import Action, Checkin

FollowupResult = Literal["holding", "slipped"]
FOLLOWUP_RESULTS: tuple[FollowupResult, ...] = ("holding", "slipped")

DigestKind = Literal[
    "created",
    "moved",
    "handed",
    "rescheduled",
    "reprioritized",
    "done",
    "checkin",
    "followup",
    "alert-raised",
    "alert-acknowledged",
    "alert-escalated",
    "alert-closed",
    "alert-reopened",
    "undone",
]
DIGEST_KINDS: tuple[DigestKind, ...] = (
    "created",
    "moved",
    "handed",
    "rescheduled",
    "reprioritized",
    "done",
    "checkin",
    "followup",
    "alert-raised",
    "alert-acknowledged",
    "alert-escalated",
    "alert-closed",
    "alert-reopened",
    "undone",
)
# The changes said with "(by X)" when X is not the person they are under (their owner).
BY_KINDS: frozenset[DigestKind] = frozenset(
    ("created", "moved", "rescheduled", "reprioritized", "done", "checkin", "followup", "undone")
)
StandingKind = Literal["action", "alert", "kpi", "followup"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamSettings(PlainRecord):
    """Team-wide rules kept in the database, so every member's pdca applies the same ones."""

    stale_after_days: int = 7
    followup_offsets: tuple[int, ...] = (30, 60, 90)


UNOWNED = models.UNOWNED  # kept in models: the store filters by it, without this module


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnerRow(PlainRecord):
    """One person's accountability at a glance (the owners view and ``pdca owners``); the
    ``unowned`` row gathers open work and follow-ups without an owner, so the rows add up."""

    login: str
    name: str
    plan: int = 0
    do: int = 0
    check: int = 0
    act: int = 0
    open: int = 0
    overdue: int = 0
    due_soon: int = 0  # open actions due today or in the next 7 days
    stale: int = 0
    alerts_waiting: int = 0
    followups_due: int = 0
    last_checkin_at: str | None = None
    attention: int = 0  # the sort key: higher means look at this person first
    unowned: bool = False  # the "(unowned)" row: nobody's work, not a person


@dataclass(frozen=True, slots=True, kw_only=True)
class LogEntry(PlainRecord):
    """A check-in (or follow-up result) with the action it belongs to."""

    id: int
    action_id: int
    title: str
    owner: str | None
    initiative: str | None
    at: str
    author: str
    status: CheckinStatus
    kind: Literal["checkin", "followup"]
    result: FollowupResult | None
    message: str
    # A follow-up recorded after its due day: how many local days after (None: on time, or
    # a check-in), as pdca followups says it ("holding, 9d late")
    days_late: int | None = None


@dataclass(frozen=True)
class LogFilter:
    """What the log shows; every field narrows it. Dates are whole local days, inclusive."""

    owner: str | None = None
    action_id: int | None = None
    initiative: str | None = None
    # A check-in's status, or a follow-up's result (holding, slipped): the log's STATUS column
    # shows both, and only the first could be asked for (a tester).
    status: CheckinStatus | FollowupResult | None = None
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return any(
            value is not None
            for value in (
                self.owner,
                self.action_id,
                self.initiative,
                self.status,
                self.since,
                self.until,
            )
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Followup(PlainRecord):
    id: int
    action_id: int
    title: str
    owner: str | None
    offset_days: int
    due: str
    created_at: str
    done_at: str | None
    done_by: str | None
    result: FollowupResult | None
    checkin_id: int | None
    reopened_id: int | None
    version: int
    is_due: bool = False  # not done, and due today or before

    @property
    def closed_by_a_slip(self) -> bool:
        """Closed when an earlier audit of the same work slipped: no finding of its own."""
        return self.result == "slipped" and self.checkin_id is None


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowupOutcome(PlainRecord):
    """What recording a follow-up left behind: the check-in and, when slipped, the new cycle."""

    followup: Followup
    checkin: Checkin
    reopened: Action | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestItem(PlainRecord):
    """Something that changed in the window (from the event log, or an escalation by time)."""

    kind: DigestKind
    person: str | None  # whose item it is in the round-robin: the action's owner, the assignee
    at: str
    actor: str | None
    action_id: int | None = None
    title: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StandingItem(PlainRecord):
    """Where someone's work stands now: an open action that needs a word, an alert waiting
    on them, a follow-up due.

    ``flags`` are tokens a script can test (``STANDING_FLAGS``), with how late and how stale
    in numbers beside them; ``flag_words`` says them as the stand-up shows them ("3d late")."""

    kind: StandingKind
    person: str | None  # the owner (None: nobody owns it), the alert's current holder
    action_id: int | None = None
    title: str = ""
    flags: list[str] = field(default_factory=list)
    detail: str = ""
    days_late: int | None = None  # with the "late" flag
    stale_days: int | None = None  # with the "stale" flag, when the last sign of life is known
    alert_id: int | None = None  # an alert's own id (kind "alert"): what the row is about


# The README documents these: a script tests ``"late" in flags``; the words were free text
# ("17d late", "at risk") and such a test never matched (a tester).
STANDING_FLAGS = (
    "late",
    "due-today",
    "at-risk",
    "blocked",
    "stale",
    "no-owner",
    "overdue",
    # a KPI's: its latest reading past a threshold, and no reading within its cadence
    "alert",
    "warn",
    "reading-overdue",
)


def flag_words(item: StandingItem) -> list[str]:
    """``item.flags`` as the stand-up says them: "3d late", "at risk", "stale 8d"."""
    words = []
    for flag in item.flags:
        if flag == "late" and item.days_late is not None:
            words.append(f"{item.days_late}d late")
        elif flag == "stale" and item.stale_days is not None:
            words.append(f"stale {item.stale_days}d")
        else:
            words.append(flag.replace("-", " "))
    return words


def _whose(person: str | None, asked: str | None) -> bool:
    """``asked`` None: everyone; ``UNOWNED``: what nobody owns; else that person's."""
    if asked is None:
        return True
    return person is None if asked == UNOWNED else person == asked


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest(PlainRecord):
    """The stand-up: where each person's work stands now, then what changed between ``since``
    and ``until``. ``people`` is the round-robin: everyone with open work or something to
    report, then ``UNOWNED`` when something belongs to nobody."""

    since: str
    until: str
    # Who recorded the stand-up ``since`` is from (None: a window given, or by time): a
    # second lead's window that began at a colleague's stand-up looked like their own (a
    # lead's weeks), so it is named.
    since_by: str | None = None
    items: list[DigestItem] = field(default_factory=list)
    standing: list[StandingItem] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    # The event that recorded the stand-up ``since`` is from (None: a window by time alone):
    # a change in that second after it is in this window, as times are kept to the second.
    after_event: int | None = None
    # The newest event when the digest was read (None: not known): a change made later in
    # the second of ``until`` is in this window by its time but was never shown, and
    # ``record_standup`` gives that second to the next stand-up instead.
    seen_event: int | None = None
    # Open actions that need a word beyond the ones ``standing`` names, by person (UNOWNED
    # for nobody's): a stand-up names a few per person and says how many more.
    standing_more: dict[str, int] = field(default_factory=dict)
    # Due follow-ups beyond the ones ``standing`` names, by person (the follow-up's owner).
    followups_more: dict[str, int] = field(default_factory=dict)
    # Alerts waiting beyond the ones ``standing`` names, by person (the alert's holder).
    alerts_more: dict[str, int] = field(default_factory=dict)
    # KPIs off course beyond the ones ``standing`` names, by person (the KPI's owner).
    kpis_more: dict[str, int] = field(default_factory=dict)
    # Changes beyond the ones ``items`` lists, by person: a stand-up lists each person's
    # first few changes (``accountability.standup_changes`` reads more on demand).
    changes_more: dict[str, int] = field(default_factory=dict)
    # How many changes of each kind each person has in the window, listed or not.
    change_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Whose part alone this is (``only``; UNOWNED: the work nobody owns), None for the team's:
    # one person's post read as the whole team's stand-up (a lead's two weeks).
    part_of: str | None = None

    def of(self, person: str | None) -> list[DigestItem]:
        """What changed for ``person`` (None: everyone; ``UNOWNED``: nobody's work)."""
        return [item for item in self.items if _whose(item.person, person)]

    def only(self, person: str) -> Digest:
        """This digest for ``person`` alone (``UNOWNED``: work nobody owns): a one-to-one's,
        or one person's post (a lead had only the whole team's)."""

        def theirs(counts: dict[str, Any]) -> dict[str, Any]:
            return {who: n for who, n in counts.items() if who == person}

        return self.model_copy(
            update={
                "people": [p for p in self.people if p == person],
                "items": self.of(person),
                "standing": self.standing_of(person),
                "standing_more": theirs(self.standing_more),
                "followups_more": theirs(self.followups_more),
                "alerts_more": theirs(self.alerts_more),
                "kpis_more": theirs(self.kpis_more),
                "changes_more": theirs(self.changes_more),
                "change_counts": theirs(self.change_counts),
                "part_of": person,
            }
        )

    def standing_of(self, person: str | None) -> list[StandingItem]:
        return [item for item in self.standing if _whose(item.person, person)]

    def by_person(self) -> tuple[dict[str, list[DigestItem]], dict[str, list[StandingItem]]]:
        """Each person's changes and standing items (``UNOWNED``: nobody's), in order: one
        pass for a caller going person by person. ``of`` and ``standing_of`` for each of 50
        people, each over every item, were 30 ms of a stand-up at 100 000 actions."""
        changes: dict[str, list[DigestItem]] = {}
        standing: dict[str, list[StandingItem]] = {}
        for item in self.items:
            changes.setdefault(UNOWNED if item.person is None else item.person, []).append(item)
        for held in self.standing:
            standing.setdefault(UNOWNED if held.person is None else held.person, []).append(held)
        return changes, standing

    def standing_groups(
        self, person: str, theirs: list[StandingItem] | None = None
    ) -> list[tuple[StandingKind, list[StandingItem], int]]:
        """``person``'s standing items kind by kind (alerts, KPIs, open actions, follow-ups,
        in the order ``standing`` gives them), each with how many more of that kind are not
        named: "and 33 more that need a word" said under the follow-ups read as theirs (a
        soak). ``theirs``: those items, found already (``by_person``)."""
        more: dict[StandingKind, int] = {
            "alert": self.alerts_more.get(person, 0),
            "kpi": self.kpis_more.get(person, 0),
            "action": self.standing_more.get(person, 0),
            "followup": self.followups_more.get(person, 0),
        }
        items = self.standing_of(person) if theirs is None else theirs
        kinds = list(dict.fromkeys([*(item.kind for item in items), *more]))
        groups = [(kind, [i for i in items if i.kind == kind], more[kind]) for kind in kinds]
        return [(kind, named, n) for kind, named, n in groups if named or n]

    def quiet(self, person: str) -> bool:
        """Nothing to report: no work that needs a word and nothing changed."""
        return not self.of(person) and not self.standing_of(person)

    def counts(self, person: str | None = None) -> dict[str, int]:
        """Changes of each kind for ``person`` (None: everyone), listed in ``items`` or not."""
        totals: dict[str, int] = dict.fromkeys(DIGEST_KINDS, 0)
        for who, kinds in self.change_counts.items():
            if _whose(None if who == UNOWNED else who, person):
                for kind, n in kinds.items():
                    totals[kind] += n
        return totals

    def more_of(self, person: str | None = None) -> int:
        """Changes of ``person`` (None: everyone) not listed in ``items``."""
        if person is None:
            return sum(self.changes_more.values())
        return self.changes_more.get(person, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Standup(PlainRecord):
    id: int
    at: str
    by: str
    since: str
    people: list[str]
    version: int


def more_that_need_a_word(count: int) -> str:
    """``2 more that need a word``, ``1 more that needs a word`` (it said "need" of one)."""
    return f"{count} more that {'needs' if count == 1 else 'need'} a word"


def more_standing(kind: StandingKind, count: int, *, in_app: bool = False) -> str:
    """What a stand-up did not name of one kind: ``33 more that need a word``, ``3 more alerts
    waiting (pdca alerts lists them)``, as the command line says it; ``in_app``: with the view
    its enter opens instead of the command (enter did nothing there, a retrial)."""
    plural = "" if count == 1 else "s"
    if kind == "alert":
        where = "enter lists them" if in_app else "pdca alerts lists them"
        return f"{count} more alert{plural} waiting ({where})"
    if kind == "followup":
        where = "enter: their log, due ones on top" if in_app else "pdca followups lists them"
        return f"{count} more follow-up{plural} due ({where})"
    if kind == "kpi":
        where = "enter: the KPIs" if in_app else "pdca kpi list shows them"
        return f"{count} more KPI{plural} off course ({where})"
    return more_that_need_a_word(count)
