"""A realistic team's data for demos, screenshots and the benchmark: ``pdca seed``.

Everything is drawn from one ``random.Random(seed)`` and placed relative to the store's clock
(``PDCA_NOW`` included), so one seed always gives the same file and a demo always has overdue
and stale work "now". The data obeys the rules the store enforces (db/rules.py): actions in
Do or later have an owner and a due date, actions that reached Check had a check-in while in
Do, Act actions carry a verdict, done ones a decision, and ``adjust`` spawned a linked next
cycle. The event log is written as the store would have written it, one transaction at a
time with full before/after rows, so ``pdca show`` and ``pdca undo`` work on seeded data.
KPI readings are the exception: they are bulk history (as if imported from a metrics system)
and have no event rows, otherwise a year of daily readings would swamp the log.

Writing goes straight to SQL in one ``BEGIN IMMEDIATE`` transaction with ``executemany``:
the only bulk writer besides the store, kept in db/ like every other SQL.
"""

from __future__ import annotations

import bisect
import json
import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pdca.db import notify
from pdca.db.clock import iso
from pdca.db.errors import DatabaseProblem, InvalidInput
from pdca.db.models import PDCA_ACTOR, PHASES, Direction, Phase

if TYPE_CHECKING:
    from pdca.db.store import Store, Transaction

Progress = Callable[[float], None]

DAY = 86_400
HOUR = 3_600
STALE_GAP_DAYS = 8.5  # a stale action's last sign of life: safely past the 7-day cadence
FRESH_WITHIN_DAYS = 6  # a fresh one's: safely inside it
METRICS_BOT = "metrics-bot"  # the service account a cron job records readings as


@dataclass(frozen=True)
class Spec:
    """How much of everything to make."""

    people: int
    initiatives: int
    actions: int
    kpis: int
    reading_days: int
    checkins: int  # rows wanted; never fewer than the rules and follow-ups need
    events: int | None  # rows wanted; None: the natural history plus a few edits
    horizon_days: int  # how far back the oldest action may start


SIZES: dict[str, Spec] = {
    "small": Spec(8, 3, 40, 10, 90, 150, None, 90),
    "large": Spec(50, 20, 10_000, 200, 365, 50_000, 100_000, 365),
    # Years of a company's work: the scale the board must stay flat at (bench/scale.py).
    "huge": Spec(50, 60, 100_000, 200, 730, 500_000, 1_000_000, 730),
}

# --------------------------------------------------------------------------- the team's words

PEOPLE = [
    ("alice", "Alice Martin"), ("bob", "Bob Nguyen"), ("carol", "Carol Schmidt"),
    ("dave", "Dave Okafor"), ("erin", "Erin Walsh"), ("frank", "Frank Moreau"),
    ("grace", "Grace Kim"), ("heidi", "Heidi Larsen"), ("ivan", "Ivan Petrov"),
    ("judy", "Judy Alvarez"), ("kevin", "Kevin O'Brien"), ("laura", "Laura Rossi"),
    ("mike", "Mike Chen"), ("nina", "Nina Kowalski"), ("oscar", "Oscar Lindqvist"),
    ("paula", "Paula Mendes"), ("quinn", "Quinn Taylor"), ("rahul", "Rahul Mehta"),
    ("sara", "Sara Haddad"), ("tom", "Tom Becker"), ("uma", "Uma Raman"),
    ("victor", "Victor Dubois"), ("wendy", "Wendy Park"), ("xavier", "Xavier Silva"),
    ("yuki", "Yuki Tanaka"), ("zoe", "Zoe Fischer"), ("amir", "Amir Farouk"),
    ("bianca", "Bianca Costa"), ("chloe", "Chloe Dupont"), ("diego", "Diego Herrera"),
    ("elena", "Elena Novak"), ("femi", "Femi Adeyemi"), ("greta", "Greta Holm"),
    ("hugo", "Hugo Lambert"), ("ines", "Ines Moreno"), ("jonas", "Jonas Weber"),
    ("kara", "Kara Singh"), ("liam", "Liam Murphy"), ("maya", "Maya Cohen"),
    ("noah", "Noah Jansen"), ("olga", "Olga Ivanova"), ("priya", "Priya Nair"),
    ("rosa", "Rosa Jimenez"), ("sven", "Sven Eriksson"), ("tara", "Tara Doyle"),
    ("umar", "Umar Siddiqui"), ("vera", "Vera Horvat"), ("will", "Will Foster"),
    ("ximena", "Ximena Ruiz"), ("yara", "Yara Khalil"), ("zane", "Zane Morgan"),
]  # fmt: skip

SERVICES = [
    "payment webhook", "checkout API", "search indexer", "billing service", "auth gateway",
    "mobile backend", "notification worker", "reporting pipeline", "admin console",
    "data export job", "inventory sync", "order service", "recommendation engine",
    "email sender",
]  # fmt: skip

SCOPES = [
    "payments", "checkout", "search", "mobile", "platform",
    "data", "identity", "support desk", "growth", "billing",
]  # fmt: skip

DORA = "DORA State of DevOps 2024, elite performers"


@dataclass(frozen=True)
class KpiTemplate:
    name: str
    unit: str
    direction: Direction  # which way is better
    baseline: float
    target: float
    perspective: str
    decimals: int
    titles: tuple[str, ...]  # actions people take to move it; {svc} is a service
    benchmark: float | None = None
    source: str | None = None


KPI_TEMPLATES = [
    KpiTemplate("Ticket resolution time", "h", "down", 30, 24, "quality", 1, (
        "Add triage macros for {svc} tickets",
        "Route {svc} tickets to the owning team automatically",
        "Write a runbook for the top five {svc} ticket types",
        "Add a self-serve status page for {svc} outages",
    )),
    KpiTemplate("Deploy frequency", "/week", "up", 6, 15, "delivery", 1, (
        "Move {svc} to trunk-based development",
        "Remove the manual approval step from {svc} deploys",
        "Automate release notes for {svc}",
        "Ship {svc} behind feature flags instead of release branches",
    ), 35, DORA),
    KpiTemplate("Change failure rate", "%", "down", 18, 10, "quality", 1, (
        "Add a canary stage to the {svc} rollout",
        "Add contract tests between {svc} and its clients",
        "Require a rollback plan for {svc} schema changes",
    ), 5, DORA),
    KpiTemplate("On-call pages", "/week", "down", 22, 8, "people", 0, (
        "Add retry budget to {svc}",
        "Tune noisy disk alerts on {svc}",
        "Deduplicate {svc} alerts in the pager",
        "Auto-restart stuck {svc} consumers",
    )),
    KpiTemplate("Test suite time", "min", "down", 38, 15, "delivery", 1, (
        "Parallelize {svc} integration tests",
        "Cache dependencies in the {svc} CI job",
        "Split the slow {svc} end-to-end suite",
    )),
    KpiTemplate("Customer satisfaction", "%", "up", 78, 88, "quality", 1, (
        "Show clearer error messages in {svc}",
        "Call back every detractor who mentioned {svc}",
        "Fix the top three {svc} complaints from the last survey",
    ), 85, "Customer survey benchmark 2025, SaaS median"),
    KpiTemplate("Escaped defects", "count", "down", 14, 5, "quality", 0, (
        "Add property-based tests to the {svc} parser",
        "Hold a bug bash before each {svc} release",
        "Add regression tests for last quarter's {svc} bugs",
    )),
    KpiTemplate("Cloud cost", "k$", "down", 182, 150, "cost", 1, (
        "Rightsize {svc} instances",
        "Move {svc} logs to cold storage after 14 days",
        "Turn off idle {svc} staging environments at night",
        "Buy reserved capacity for {svc}",
    )),
    KpiTemplate("Lead time for changes", "days", "down", 6.5, 2, "delivery", 1, (
        "Set up CODEOWNERS so {svc} reviews find a reviewer",
        "Make {svc} builds incremental",
        "Cut the {svc} release train from weekly to daily",
    ), 1, DORA),
    KpiTemplate("Onboarding time", "days", "down", 12, 5, "people", 1, (
        "Write a one-command local setup for {svc}",
        "Record a walkthrough of the {svc} architecture",
        "Pair every new hire with a {svc} buddy for week one",
    )),
    KpiTemplate("Mean time to restore", "h", "down", 4, 1, "quality", 1, (
        "Add one-click rollback for {svc}",
        "Practice a {svc} failover game day",
    ), 1, DORA),
    KpiTemplate("Build success rate", "%", "up", 86, 97, "delivery", 1, (
        "Quarantine flaky {svc} tests automatically",
        "Pin {svc} build tool versions",
    )),
    KpiTemplate("Code review turnaround", "h", "down", 26, 8, "delivery", 1, (
        "Add a daily review slot for {svc} pull requests",
        "Keep {svc} pull requests under 400 lines",
    )),
    KpiTemplate("Employee engagement", "%", "up", 68, 78, "people", 0, (
        "Run a retro on {svc} on-call load",
        "Give the {svc} team a no-meeting afternoon",
    )),
    KpiTemplate("Unplanned work", "%", "down", 35, 20, "people", 0, (
        "Track interrupts on the {svc} team board",
        "Rotate an interrupt shield for {svc}",
    )),
    KpiTemplate("P95 API latency", "ms", "down", 480, 250, "quality", 0, (
        "Add a read-through cache in front of {svc}",
        "Remove N+1 queries from {svc}",
        "Move {svc} image resizing off the request path",
    )),
    KpiTemplate("Cost per active user", "$", "down", 0.42, 0.30, "cost", 2, (
        "Batch {svc} writes to cut database load",
        "Drop unused {svc} analytics events",
    )),
    KpiTemplate("Flaky tests", "count", "down", 55, 10, "quality", 0, (
        "Fix the ten flakiest {svc} tests",
        "Replace sleeps with waits in {svc} browser tests",
    )),
    KpiTemplate("Attrition", "%", "down", 14, 9, "people", 1, (
        "Hold stay interviews with the {svc} team",
    )),
    KpiTemplate("Support backlog", "tickets", "down", 240, 120, "quality", 0, (
        "Close stale {svc} tickets older than 90 days",
        "Add a {svc} FAQ to the help center",
    )),
    KpiTemplate("Storage spend", "k$", "down", 38, 28, "cost", 1, (
        "Expire old {svc} snapshots",
        "Compress {svc} archives with zstd",
    )),
    KpiTemplate("First-contact resolution", "%", "up", 62, 75, "quality", 1, (
        "Give first-line support read access to {svc} logs",
        "Write {svc} troubleshooting guides for first-line support",
    )),
]  # fmt: skip

GENERAL_TITLES = (
    "Document {svc} ownership in the service catalog",
    "Hold a blameless review of the last {svc} incident",
    "Upgrade {svc} to the supported runtime",
    "Add structured logging to {svc}",
    "Write an SLO for {svc}",
    "Remove dead feature flags from {svc}",
)

# Which KPIs each kind of initiative is about.
THEMES = {
    "support": ("Ticket resolution time", "Customer satisfaction", "First-contact resolution",
                "Support backlog"),
    "delivery": ("Deploy frequency", "Lead time for changes", "Test suite time",
                 "Build success rate", "Code review turnaround"),
    "quality": ("Change failure rate", "Escaped defects", "Flaky tests", "Mean time to restore"),
    "ops": ("On-call pages", "P95 API latency", "Mean time to restore"),
    "cost": ("Cloud cost", "Cost per active user", "Storage spend"),
    "people": ("Onboarding time", "Employee engagement", "Attrition", "Unplanned work"),
}  # fmt: skip

INITIATIVES = [
    ("Faster support", "Cut ticket resolution time 20% in Q3", "support"),
    ("Reliable releases", "Halve the change failure rate by year end while deploying daily",
     "quality"),
    ("Quiet on-call", "Bring on-call pages below 10 a week per rotation by Q2", "ops"),
    ("Cloud cost diet", "Reduce monthly cloud spend 15% without slowing delivery", "cost"),
    ("Fast feedback", "Keep the main test suite under 15 minutes", "delivery"),
    ("Happy newcomers", "New engineers ship to production in their first week", "people"),
    ("Customer trust", "Raise customer satisfaction to 88% by Q4", "support"),
    ("Fewer escaped bugs", "Escaped defects down to 5 a month by Q3", "quality"),
    ("Latency budget", "P95 API latency under 250 ms on every public endpoint", "ops"),
    ("Sustainable pace", "Cut unplanned work to 20% of sprint capacity", "people"),
    ("Shorter lead time", "Lead time for changes under 2 days by Q3", "delivery"),
    ("Storage cleanup", "Storage spend down a quarter by the next budget review", "cost"),
    ("Self-service support", "First-contact resolution at 75% by year end", "support"),
    ("Flake-free CI", "Fewer than 10 known flaky tests at any time", "quality"),
    ("Incident readiness", "Restore service within 1 hour for every sev-1", "ops"),
    ("Review culture", "Code reviews answered within 8 working hours", "delivery"),
    ("Keep our people", "Keep annual attrition under 9%", "people"),
    ("Unit economics", "Cost per active user down 25% year over year", "cost"),
    ("Backlog burn-down", "Support backlog under 120 open tickets", "support"),
    ("Deploy on demand", "Every team can deploy any weekday without a release manager",
     "delivery"),
]  # fmt: skip

NOTES = (
    "Why: {svc} caused {n} pages last month, most of them at night.",
    "Context: follow-up from incident INC-{n}.",
    "Plan: try it on one shard first, then roll out if the numbers hold.",
    "Risk: needs a schema migration; coordinate with {person}.",
    "Measure: compare the KPI over the two weeks before and after.",
    "Update: {person} agreed to review the design doc.",
    "Scope cut: leaving the legacy path alone for this cycle.",
    "Design doc: https://wiki.example.com/eng/{n}",
)

CHECKIN_MESSAGES = {
    "on-track": (
        "Deployed to staging; numbers look good so far.",
        "First half done, the rest is scheduled for this week.",
        "Rolled out to 10% of traffic, no errors.",
        "Pairing with {person} on the last part.",
        "Dashboard shows the expected drop.",
        "PR merged, watching the KPI.",
        "Design reviewed and approved.",
    ),
    "at-risk": (
        "Slipping: waiting on a review from {person}.",
        "Took longer than planned; might miss the due date.",
        "Found an edge case in the {svc}; needs another pass.",
        "Half the team is out this week.",
        "Numbers have not moved yet; rechecking the baseline.",
    ),
    "blocked": (
        "Blocked on access to the {svc} production account.",
        "Blocked: the vendor has not answered our ticket.",
        "Waiting on {person} to finish the migration first.",
        "Blocked by the change freeze.",
    ),
}

READING_NOTES = ("release freeze week", "incident INC-{n}", "holiday week", "new data source")

# Final states of the actions, and their shares: about half end open.
FINAL_SHARES = {
    "plan": 0.20, "do": 0.16, "check": 0.08, "act": 0.06,
    "standardize": 0.24, "adjust": 0.11, "abandon": 0.15,
}  # fmt: skip
DONE_STATES = ("standardize", "adjust", "abandon")
PHASE_DAYS = {"plan": (1.0, 14.0), "do": (5.0, 30.0), "check": (3.0, 18.0), "act": (1.0, 8.0)}
OVERDUE_SHARE = 0.25  # of open actions
STALE_SHARE = 0.2
# Of the actions that reached Do with their owner and due date from the start, this share
# first went Plan -> Do -> Check, failed the check and went back to Plan, then round again.
DETOUR_SHARE = 0.12
# Of the standardized actions with a follow-up audit recorded, this share slipped at one: the
# audit reopened the work in Plan as its next cycle (record_followup's "slipped").
SLIP_SHARE = 0.15
FOLLOWUP_DAYS = (30, 60, 90)
# Follow-ups that fell due this recently are left for their owners to record, so a demo
# shows audits waiting (their check-ins still count toward the spec's check-ins wanted).
LEFT_DUE_DAYS = 10
FOLLOWUP_COLUMNS = (
    "id", "action_id", "owner", "offset_days", "due", "created_at", "done_at", "done_by",
    "result", "checkin_id", "reopened_id", "version",
)  # fmt: skip

ACTION_COLUMNS = (
    "id", "title", "notes", "owner", "phase", "due", "priority", "initiative_id", "kpi_id",
    "parent_id", "cycle", "verdict", "decision", "phase_since", "done_at", "created_by",
    "created_at", "updated_at", "version",
)  # fmt: skip
CHECKIN_COLUMNS = ("id", "action_id", "at", "author", "status", "kind", "result", "message")
KPI_COLUMNS = (
    "id", "name", "unit", "direction", "baseline", "target", "target_date", "warn", "alert",
    "cadence", "owner", "escalation", "perspective", "benchmark", "benchmark_source",
    "initiative_id", "created_at", "updated_at", "version", "alerts_mode", "baseline_from",
    "baseline_to",
)  # fmt: skip

# One staged event: (at, tx group, position in the group, actor, entity, entity_id, op,
# summary, before, after). Ids are given at the end, in time order.
Staged = tuple[str, int, int, str, str, int, str, str, str | None, str | None]


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)  # as the store logs rows


# --------------------------------------------------------------------------- the plan


@dataclass(slots=True)
class _Action:
    """One action's life, planned in memory before any row is written."""

    index: int
    final: str  # an open phase, or the decision that closed it
    phases: tuple[Phase, ...]  # the phases it went through, in order
    parent: _Action | None = None
    child: _Action | None = None
    stale: bool = False
    overdue: bool = False
    enter: dict[str, int] = field(default_factory=dict)  # phase -> when it entered (epoch s)
    done_at: int | None = None
    id: int = 0
    owner_at_create: bool = True  # else an edit sets it while still in Plan
    due_at_create: bool = True
    has_owner: bool = True
    has_due: bool = True
    due: date | None = None  # the final due date
    initiative_id: int | None = None
    kpi_id: int | None = None
    title: str = ""
    verdict: str | None = None
    set_edit_at: int | None = None  # the edit that gives a missing owner/due, before Do
    edits: list[tuple[int, str, int]] = field(default_factory=list)  # (when, field, days)
    due_shift: int = 0  # days the due date was pushed back by later edits
    # A first round that failed its check: when it entered Do, Check, and went back to Plan
    # (all before ``enter["do"]``, the round that counts).
    detour: tuple[int, int, int] | None = None
    slip: tuple[int, int] | None = None  # (offset days, when) of the follow-up that slipped
    reopened: bool = False  # created by its parent's slipped follow-up, not by an adjust
    slip_grp: int = 0  # the transaction of the slipped follow-up (the child's creation's)
    slip_actor: str = ""
    final_owner: str | None = None  # filled in while writing
    final_row: dict[str, Any] | None = None  # kept only for a parent, whose child copies it
    done_grp: int = 0
    done_actor: str = ""

    @property
    def created(self) -> int:
        return self.enter["plan"]

    @property
    def done(self) -> bool:
        return self.final in DONE_STATES


@dataclass
class _Kpi:
    id: int
    name: str
    template: KpiTemplate
    initiative_id: int | None
    owner: str
    baseline: float
    target: float
    warn: float
    alert: float
    pattern: str  # improving, flat, warn (drifts past warn), alert (past alert), creep (slowly)


@dataclass
class _World:
    """What every step shares: the clock, the dice, the team, and the counters."""

    rng: random.Random
    # The dice for what was added later (moves back, slipped follow-ups): their own stream,
    # so everything else a seed makes stays as it was.
    aside: random.Random
    now: datetime
    now_ts: int
    today: date
    spec: Spec
    logins: list[str]
    weights: list[float]  # how much work each person tends to own
    kpis: list[_Kpi] = field(default_factory=list)
    initiative_kpis: dict[int, list[_Kpi]] = field(default_factory=dict)
    initiative_ids: list[int] = field(default_factory=list)
    grp: int = 0
    staged: list[Staged] = field(default_factory=list)
    # (action id, offset days) -> the follow-up row, filled in as its check-in is written.
    followups: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    extra_events: int = 0  # staged outside the actions' natural history (alerts)

    @property
    def lead(self) -> str:
        return self.logins[0]

    def next_grp(self) -> int:
        self.grp += 1
        return self.grp

    def at(self, moment: int) -> str:
        return iso(datetime.fromtimestamp(moment, UTC))

    def local_date(self, moment: int) -> date:
        # Overdue is judged on the local date, as the store does (now.astimezone().date()).
        return datetime.fromtimestamp(moment, UTC).astimezone().date()

    def person(self) -> str:
        return self.rng.choices(self.logins, self.weights)[0]

    def other_than(self, login: str | None) -> str:
        choice = self.person()
        while choice == login and len(self.logins) > 1:
            choice = self.rng.choice(self.logins)
        return choice

    def fill(self, template: str, rng: random.Random | None = None) -> str:
        dice = rng or self.rng
        return template.format(
            svc=dice.choice(SERVICES), person=dice.choice(self.logins), n=dice.randint(100, 4999)
        )

    def days(self, low: float, high: float) -> int:
        return int(self.rng.uniform(low, high) * DAY)


def _apportion(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Whole counts in proportion to ``shares`` that add up to ``total`` exactly."""
    raw = {key: total * share / sum(shares.values()) for key, share in shares.items()}
    counts = {key: int(value) for key, value in raw.items()}
    by_remainder = sorted(raw, key=lambda key: raw[key] - counts[key], reverse=True)
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _traversed(final: str, rng: random.Random) -> tuple[Phase, ...]:
    if final in PHASES:
        return PHASES[: PHASES.index(final) + 1]
    if final == "abandon":
        stop = rng.choices(PHASES, weights=(40, 35, 15, 10))[0]
        return PHASES[: PHASES.index(stop) + 1]
    return PHASES


def _plan_chains(world: _World) -> list[list[_Action]]:
    """Final states in the right shares, strung into chains: ``adjust`` spawns a next cycle."""
    rng = world.rng
    counts = _apportion(world.spec.actions, FINAL_SHARES)
    bag = [state for state, count in counts.items() for _ in range(count)]
    rng.shuffle(bag)
    if bag and bag[-1] == "adjust":  # the last one has no slot left for its next cycle
        swap = next(i for i in range(len(bag) - 1, -1, -1) if bag[i] != "adjust")
        bag[swap], bag[-1] = bag[-1], bag[swap]
    chains: list[list[_Action]] = []
    chain: list[_Action] = []
    for index, final in enumerate(bag):
        action = _Action(index=index, final=final, phases=_traversed(final, rng))
        if chain:
            action.parent, chain[-1].child = chain[-1], action
        chain.append(action)
        if final != "adjust":
            chains.append(chain)
            chain = []
    return chains


def _plan_slips(chains: list[list[_Action]], world: _World) -> None:
    """Follow-up audits that slipped: a share of the standardized actions whose audits were
    recorded slipped at one, which reopened the work as its next cycle in Plan. The reopened
    cycle is an open action planned on its own (a chain of one, not stale) whose time allows
    it: it becomes the child, created at the audit, so the counts stay those of the spec."""
    rng = world.aside
    recorded_before = world.now_ts - LEFT_DUE_DAYS * DAY
    spare = [c[0] for c in chains if len(c) == 1 and not c[0].done and not c[0].stale]

    def room(action: _Action) -> int:  # the latest its creation can move to
        later = [action.enter[p] for p in action.phases[1:]]
        return min(later) - HOUR if later else recorded_before

    spare.sort(key=room)
    rooms = [room(a) for a in spare]
    audited = [  # an audit recorded by now
        c[-1]
        for c in chains
        if c[-1].final == "standardize"
        and (c[-1].done_at or 0) + FOLLOWUP_DAYS[0] * DAY + 8 * HOUR < recorded_before
    ]
    wanted = max(1, round(len(audited) * SLIP_SHARE)) if audited else 0
    for done in rng.sample(audited, wanted):
        assert done.done_at is not None
        offset = rng.choice(FOLLOWUP_DAYS)
        moment = done.done_at + offset * DAY + rng.randint(HOUR, 8 * HOUR)
        if moment >= recorded_before:  # that audit is not due yet: the first one slipped
            offset = FOLLOWUP_DAYS[0]
            moment = done.done_at + offset * DAY + rng.randint(HOUR, 8 * HOUR)
        spot = bisect.bisect_left(rooms, moment + HOUR)
        if spot == len(spare):
            continue
        child = spare.pop(spot)
        rooms.pop(spot)
        done.slip, done.child = (offset, moment), child
        child.parent, child.reopened = done, True
        child.enter["plan"] = moment


def _mark_stale(chains: list[list[_Action]], world: _World) -> None:
    open_ones = [chain[-1] for chain in chains if not chain[-1].done]
    for action in world.rng.sample(open_ones, round(len(open_ones) * STALE_SHARE)):
        action.stale = True


def _time_chain(chain: list[_Action], world: _World) -> None:
    """Place a chain in time, backwards from now: the last cycle ends now or recently."""
    last = chain[-1]
    if last.done:
        end = world.now_ts - world.days(0.5, world.spec.horizon_days * 0.6)
    elif last.stale:
        end = world.now_ts - world.days(STALE_GAP_DAYS + 0.5, 30)
    else:
        end = world.now_ts - world.days(0.2, PHASE_DAYS[last.final][1])
    anchor = end
    for action in reversed(chain):
        cursor = end
        if action.done:
            action.done_at = end
            phases: Sequence[Phase] = action.phases
        else:
            action.enter[action.phases[-1]] = end
            phases = action.phases[:-1]
        for phase in reversed(phases):
            cursor -= world.days(*PHASE_DAYS[phase])
            action.enter[phase] = cursor
        end = action.created  # the parent was done when this cycle was spawned
    earliest = world.now_ts - world.spec.horizon_days * DAY
    if chain[0].created < earliest:
        _compress(chain, anchor, earliest)


def _compress(chain: list[_Action], anchor: int, earliest: int) -> None:
    """Squeeze a long chain's past into the horizon; ``anchor`` (its recent end) stays put."""
    factor = (anchor - earliest) / (anchor - chain[0].created)
    for action in chain:
        for phase, moment in action.enter.items():
            action.enter[phase] = anchor - int((anchor - moment) * factor)
        if action.done_at is not None:
            action.done_at = anchor - int((anchor - action.done_at) * factor)


def _assign_ids(chains: list[list[_Action]]) -> list[_Action]:
    """Ids in order of creation, as the store would have given them."""
    actions = sorted((a for chain in chains for a in chain), key=lambda a: (a.created, a.index))
    for number, action in enumerate(actions, start=1):
        action.id = number
    return actions


def _assign_work(actions: list[_Action], world: _World) -> None:
    """Owners, due dates, links and titles; children inherit theirs when they are written."""
    rng = world.rng
    for action in actions:
        if action.parent is None:
            _choose_links(action, world)
        reaches_do = len(action.phases) > 1
        if action.parent is not None:
            action.has_owner = True  # copied from the parent, who reached Act
            action.owner_at_create = True
            action.has_due = reaches_do or rng.random() < 0.5
            action.due_at_create = False  # the store does not copy the due date
        elif reaches_do:
            action.owner_at_create = rng.random() < 0.8
            action.due_at_create = rng.random() < 0.75
        else:
            roll = rng.random()
            action.has_owner = roll < 0.8
            action.has_due = roll < 0.6
            action.owner_at_create, action.due_at_create = action.has_owner, action.has_due
        missing = (not action.owner_at_create and action.has_owner) or (
            not action.due_at_create and action.has_due
        )
        if missing:
            stop = action.enter["do"] if reaches_do else (action.done_at or world.now_ts)
            action.set_edit_at = _between(action.created, stop, rng)
        action.verdict = _verdict(action, rng)
    _mark_overdue(actions, world)
    for action in actions:
        if action.has_due:
            action.due = _due_date(action, world)


def _between(start: int, stop: int, rng: random.Random, margin: int = 600) -> int:
    """A moment strictly inside (start, stop), keeping a margin when there is room."""
    if stop - start > 2 * margin + 1:
        return rng.randint(start + margin, stop - margin)
    return start + max(1, (stop - start) // 2)


def _choose_links(action: _Action, world: _World) -> None:
    rng = world.rng
    kpi: _Kpi | None = None
    if world.initiative_ids and rng.random() < 0.75:
        action.initiative_id = rng.choice(world.initiative_ids)
        candidates = world.initiative_kpis.get(action.initiative_id, [])
        if candidates and rng.random() < 0.7:
            kpi = rng.choice(candidates)
    if kpi is None and world.kpis and rng.random() < 0.2:
        kpi = rng.choice(world.kpis)
    action.kpi_id = kpi.id if kpi else None
    titles = kpi.template.titles if kpi else GENERAL_TITLES
    action.title = world.fill(rng.choice(titles))


def _verdict(action: _Action, rng: random.Random) -> str | None:
    if "act" not in action.phases:
        return None
    weights = {
        "standardize": (75, 25, 0),
        "adjust": (0, 55, 45),
        "abandon": (0, 30, 70),
    }.get(action.final, (50, 30, 20))
    return rng.choices(("worked", "partly", "did-not"), weights)[0]


def _plan_detours(actions: list[_Action], world: _World) -> None:
    """Failed checks: a share of the actions that reached Do with an owner and a due date from
    the start first went round Plan -> Do -> Check and back to Plan within their time in Plan
    (the moves a real ``pdca move`` writes), so the flow view's "back" is not always zero."""
    rng = world.aside
    eligible = [
        a
        for a in actions  # reached Do, with the owner and due Do needs from the start
        if "do" in a.phases and a.set_edit_at is None and a.enter["do"] - a.created >= 2 * DAY
    ]
    wanted = max(1, round(len(eligible) * DETOUR_SHARE)) if eligible else 0
    for action in sorted(rng.sample(eligible, wanted), key=lambda a: a.id):
        span = action.enter["do"] - action.created
        start = action.created
        action.detour = (
            start + int(span * rng.uniform(0.1, 0.3)),
            start + int(span * rng.uniform(0.4, 0.6)),
            start + int(span * rng.uniform(0.7, 0.85)),
        )


def _mark_overdue(actions: list[_Action], world: _World) -> None:
    open_ones = [a for a in actions if not a.done]
    wanted = round(len(open_ones) * OVERDUE_SHARE)
    latest = world.today - timedelta(days=2)  # created by then, so a past due date fits
    eligible = [a for a in open_ones if a.has_due and world.local_date(a.created) <= latest]
    for action in world.rng.sample(eligible, min(wanted, len(eligible))):
        action.overdue = True


def _due_date(action: _Action, world: _World) -> date:
    rng = world.rng
    created = world.local_date(action.created)
    if action.overdue:
        room = (world.today - created).days - 1
        return world.today - timedelta(days=rng.randint(1, min(21, room)))
    if action.done:
        assert action.done_at is not None
        done_day = world.local_date(action.done_at)
        return max(created + timedelta(days=1), done_day + timedelta(days=rng.randint(-10, 14)))
    return max(created + timedelta(days=1), world.today + timedelta(days=rng.randint(0, 35)))


# --------------------------------------------------------------------------- check-ins and edits


@dataclass(slots=True)
class _Checkin:
    at: int
    action: _Action
    status: str
    kind: str
    result: str | None
    message: str
    aside: bool = False  # added later: its dice are ``world.aside``


def _checkin_window(action: _Action, world: _World) -> tuple[int, int]:
    start = action.created + HOUR
    if action.done_at is not None:
        stop = action.done_at - 600
    elif action.stale:
        stop = world.now_ts - int(STALE_GAP_DAYS * DAY)
    else:
        stop = world.now_ts - 600
    return start, stop


def _plan_checkins(actions: list[_Action], world: _World) -> list[_Checkin]:
    """The check-ins the rules need, follow-ups, then more up to the wanted count."""
    rng = world.rng
    times: dict[int, list[int]] = {a.index: [] for a in actions}
    followups: list[_Checkin] = []
    for action in actions:
        times[action.index] += _needed_checkins(action, world)
        if action.final == "standardize":
            followups += _followups(action, world)
    windows = {a.index: _checkin_window(a, world) for a in actions}
    eligible = [a for a in actions if windows[a.index][1] - windows[a.index][0] > HOUR]
    detours = [_detour_checkin(a, world) for a in actions if a.detour is not None]
    needed = sum(len(t) for t in times.values()) + len(followups) + len(detours)
    extra = max(0, world.spec.checkins - needed)
    if eligible and extra:
        spans = [windows[a.index][1] - windows[a.index][0] for a in eligible]
        for action in rng.choices(eligible, weights=spans, k=extra):
            times[action.index].append(rng.randint(*windows[action.index]))
    recorded_before = world.now_ts - LEFT_DUE_DAYS * DAY
    checkins = [c for c in followups if c.at < recorded_before] + detours
    for action in actions:
        checkins += _statuses(action, sorted(times[action.index]), world)
    checkins.sort(key=lambda c: (c.at, c.action.id))
    return checkins


def _detour_checkin(action: _Action, world: _World) -> _Checkin:
    """The check-in the first round's Check needed: progress while in Do, not enough."""
    assert action.detour is not None
    rng = world.aside
    moment = _between(action.detour[0], action.detour[1], rng, 60)
    status = rng.choice(("at-risk", "blocked"))
    message = world.fill(rng.choice(CHECKIN_MESSAGES[status]), rng)
    return _Checkin(moment, action, status, "checkin", None, message, aside=True)


def _needed_checkins(action: _Action, world: _World) -> list[int]:
    rng = world.rng
    needed = []
    if "check" in action.phases:  # the Check gate: progress while in Do
        needed.append(_between(action.enter["do"], action.enter["check"], rng, 60))
    fresh_from = max(action.created + HOUR, world.now_ts - FRESH_WITHIN_DAYS * DAY)
    old_enough = world.now_ts - action.created > (FRESH_WITHIN_DAYS + 0.5) * DAY
    if not action.done and not action.stale and old_enough:
        needed.append(_between(fresh_from, world.now_ts - 600, rng))
    return needed


def _followups(action: _Action, world: _World) -> list[_Checkin]:
    assert action.done_at is not None
    made = []
    for days in FOLLOWUP_DAYS:
        moment = action.done_at + days * DAY + world.rng.randint(HOUR, 8 * HOUR)
        if action.slip is not None and days >= action.slip[0]:
            if days == action.slip[0]:  # the audit that found it slipped; none after it
                message = f"{days}-day follow-up: the change slipped; reopened in Plan."
                made.append(_Checkin(action.slip[1], action, "at-risk", "followup", "slipped",
                                     message, aside=True))  # fmt: skip
            continue
        if moment < world.now_ts - 600:
            message = f"{days}-day follow-up: the change is holding."
            made.append(_Checkin(moment, action, "on-track", "followup", "holding", message))
    return made


def _statuses(action: _Action, times: list[int], world: _World) -> list[_Checkin]:
    rng = world.rng
    made = []
    for position, moment in enumerate(times):
        worried = action.overdue and position >= len(times) - 2
        weights = (25, 50, 25) if worried else (68, 22, 10)
        status = rng.choices(("on-track", "at-risk", "blocked"), weights)[0]
        message = world.fill(rng.choice(CHECKIN_MESSAGES[status]))
        made.append(_Checkin(moment, action, status, "checkin", None, message))
    return made


def _natural_events(actions: list[_Action], checkins: int, world: _World) -> int:
    moves = sum(len(a.phases) - 1 + (3 if a.detour else 0) for a in actions)
    dones = sum(a.done for a in actions)
    set_edits = sum(a.set_edit_at is not None for a in actions)
    setup = len(world.logins) + len(world.initiative_ids) + len(world.kpis)
    return setup + len(actions) + moves + dones + set_edits + checkins


def _plan_edits(actions: list[_Action], count: int, world: _World) -> None:
    """Spread ``count`` ordinary edits (reschedules, reassignments, notes, links) over actions."""
    rng = world.rng
    made = attempts = 0
    while made < count and attempts < count * 20:
        attempts += 1
        action = rng.choice(actions)
        stop = action.done_at if action.done_at is not None else world.now_ts
        if stop - action.created < 1_200:
            continue
        moment = _between(action.created, stop, rng)
        kind = _edit_kind(action, moment, world)
        days = rng.randint(2, 14) if kind == "due" else 0
        action.due_shift += days
        action.edits.append((moment, kind, days))
        made += 1


def _edit_kind(action: _Action, moment: int, world: _World) -> str:
    kind = world.rng.choices(
        ("notes", "due", "owner", "kpi_id", "initiative_id"), (30, 35, 20, 8, 7)
    )[0]
    set_later = action.set_edit_at is not None and moment <= action.set_edit_at
    if kind == "due":
        # Pushed back by up to 14 more days, the first due date must still follow creation.
        first_due = action.due - timedelta(days=action.due_shift + 14) if action.due else None
        room = first_due is not None and first_due > world.local_date(action.created)
        has_it = action.has_due and (action.due_at_create or not set_later)
        return kind if room and has_it else "notes"
    if kind == "owner":
        has_it = action.has_owner and (action.owner_at_create or not set_later)
        return kind if has_it else "notes"
    if kind in ("kpi_id", "initiative_id"):
        # Linked after creation: only roots (a child copies its parent's links), only once.
        value = action.kpi_id if kind == "kpi_id" else action.initiative_id
        taken = any(edit[1] == kind for edit in action.edits)
        return kind if action.parent is None and value is not None and not taken else "notes"
    return kind


# --------------------------------------------------------------------------- writing


def seed_database(
    store: Store,
    *,
    size: str,
    seed: int,
    progress: Progress | None = None,
    replace: bool = False,
) -> dict[str, int]:
    """Fill an empty database with a team's data of ``size`` (small or large); return counts.

    ``replace`` (the demo's) first empties it, in the same transaction, so anyone who has it
    open sees the old data or the new, never a half-empty file.
    """
    spec = SIZES.get(size)
    if spec is None:
        raise InvalidInput("size", size, "is not one of " + ", ".join(map(repr, SIZES)))
    return seed_with_spec(store, spec, seed=seed, progress=progress, replace=replace)


def seed_with_spec(
    store: Store,
    spec: Spec,
    *,
    seed: int,
    progress: Progress | None = None,
    replace: bool = False,
) -> dict[str, int]:
    """``seed_database`` for any ``Spec`` (the tests use a scaled-down large one)."""
    report: Progress = progress or (lambda fraction: None)
    if not replace:
        refuse_unless_empty(store)  # before the work: fail fast, the check repeats in the write
    now = store.clock()
    world = _World(
        rng=random.Random(seed),
        aside=random.Random(f"pdca-seed-aside-{seed}"),
        now=now,
        now_ts=int(now.timestamp()),
        today=now.astimezone().date(),
        spec=spec,
        logins=[login for login, _ in PEOPLE[: spec.people]],
        weights=[],
    )
    world.weights = [world.rng.uniform(0.5, 3.0) for _ in world.logins]
    cache = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: index pages stay in memory
    try:
        with store.write() as tx:  # BEGIN IMMEDIATE ... COMMIT, worded as the store does
            if replace:
                _empty(store.conn)
            refuse_unless_empty(store)
            _write_all(store.conn, world, report)
            # Raised by pdca, as a reading's alerts are: logged as the running user, the
            # seeded alerts were that person's first undo (a new user's u on the demo).
            tx.actor = PDCA_ACTOR
            _raise_signal_alerts(store, tx)
            report(0.97)
            notify.quiet_made_up_people(store, tx)  # its people are made up: no terminal messages
        counts = _counts(store.conn)
    finally:
        store.conn.execute("DROP TABLE IF EXISTS temp.seed_events")
        store.conn.execute(f"PRAGMA cache_size = {int(cache)}")
    report(1.0)
    return counts


def _raise_signal_alerts(store: Store, tx: Transaction) -> None:
    """Signal alerts as a file in use holds them: each KPI whose newest readings show a signal
    on its bad side gets its alert, through the path a new reading takes (db/alerts.py), so a
    demo shows what the README describes instead of waiting for the next reading."""
    from pdca.db import alerts  # imported here: db.alerts builds on the store, as seed does

    for kpi in store.conn.execute("SELECT * FROM kpis ORDER BY id").fetchall():
        latest = store.conn.execute(
            "SELECT id, at, value FROM kpi_readings WHERE kpi_id = ?"
            " ORDER BY at DESC, id DESC LIMIT 1",
            (kpi["id"],),
        ).fetchone()
        if latest is not None:
            alerts.apply_signals(store, tx, kpi, latest)


def _empty(conn: sqlite3.Connection) -> None:
    """Delete every row (inside the caller's transaction); presence sessions stay."""
    conn.execute("PRAGMA defer_foreign_keys = ON")  # children and parents go together
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'sessions'"
        )
    ]
    for table in tables:
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM sqlite_sequence")  # every record went with its history


def holds_history(store: Store) -> bool:
    """Whether anything was ever written to the file (the demo reopens such a file)."""
    return bool(store.conn.execute("SELECT EXISTS (SELECT 1 FROM events)").fetchone()[0])


def refuse_unless_empty(store: Store) -> None:
    where = store.path or "the database"
    actions = store.conn.execute("SELECT count(*) FROM actions").fetchone()[0]
    if actions:
        said = "1 action" if actions == 1 else f"{actions} actions"  # "1 actions" (a retrial)
        raise DatabaseProblem(f"seed: {where} already holds {said}; seed a new file (--db new.db)")
    for table, one in (("people", "person"), ("kpis", "KPI"), ("initiatives", "initiative"),
                       ("events", "event")):  # fmt: skip
        rows = store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if rows:
            said = f"1 {one}" if rows == 1 else f"{rows} {table}"
            raise DatabaseProblem(
                f"seed: {where} already holds {said}; seed a new file (--db new.db)"
            )


def _write_all(conn: sqlite3.Connection, world: _World, report: Progress) -> None:
    conn.execute(
        "CREATE TEMP TABLE seed_events (at TEXT, grp INTEGER, seq INTEGER, actor TEXT,"
        " entity TEXT, entity_id INTEGER, op TEXT, summary TEXT, before TEXT, after TEXT)"
    )
    setup_ts = world.now_ts - (max(world.spec.reading_days, world.spec.horizon_days) + 14) * DAY
    _write_people(conn, world, setup_ts - 2 * DAY)
    _write_initiatives(conn, world, setup_ts - DAY)
    _write_kpis(conn, world, setup_ts)
    _flush(conn, world)
    report(0.02)
    _write_readings(conn, world, lambda f: report(0.02 + 0.16 * f))
    _write_alerts(conn, world)
    _flush(conn, world)
    chains = _plan_chains(world)
    _mark_stale(chains, world)
    for chain in chains:
        _time_chain(chain, world)
    _plan_slips(chains, world)
    actions = _assign_ids(chains)
    _assign_work(actions, world)
    _plan_detours(actions, world)
    checkins = _plan_checkins(actions, world)
    natural = _natural_events(actions, len(checkins), world) + world.extra_events
    # Follow-ups: scheduled with each standardize, then one update per recorded result.
    natural += len(FOLLOWUP_DAYS) * sum(a.final == "standardize" for a in actions)
    natural += sum(c.kind == "followup" for c in checkins)
    # A slipped audit closes its action's later ones, each with its event.
    natural += sum(
        len(FOLLOWUP_DAYS) - FOLLOWUP_DAYS.index(a.slip[0]) - 1 for a in actions if a.slip
    )
    wanted = world.spec.events if world.spec.events is not None else natural + len(actions) // 3
    _plan_edits(actions, wanted - natural, world)
    report(0.25)
    _write_actions(conn, actions, world, lambda f: report(0.25 + 0.3 * f))
    _plan_followups(actions, world)
    _write_checkins(conn, checkins, world, lambda f: report(0.55 + 0.15 * f))
    _write_followups(conn, world)
    _write_events(conn, lambda f: report(0.7 + 0.27 * f))


def _flush(conn: sqlite3.Connection, world: _World) -> None:
    conn.executemany(
        "INSERT INTO temp.seed_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", world.staged
    )
    world.staged.clear()


def _stage_create(
    world: _World, moment: int, actor: str, entity: str, row: dict[str, Any], summary: str
) -> None:
    world.staged.append(
        (world.at(moment), world.next_grp(), 0, actor, entity, row["id"], "create", summary,
         None, _json(row))
    )  # fmt: skip


def _write_people(conn: sqlite3.Connection, world: _World, moment: int) -> None:
    names = dict(PEOPLE)
    rows = []
    for number, login in enumerate(world.logins, start=1):
        row = {"id": number, "login": login, "name": names[login], "created_at": world.at(moment)}
        rows.append({**row, "version": 1})
        _stage_create(world, moment, world.lead, "person", rows[-1], f"added person {login}")
        moment += 60
    conn.executemany(
        "INSERT INTO people (id, login, name, created_at, version)"
        " VALUES (:id, :login, :name, :created_at, :version)",
        rows,
    )


def _write_initiatives(conn: sqlite3.Connection, world: _World, moment: int) -> None:
    rows = []
    for number in range(1, world.spec.initiatives + 1):
        name, objective, _theme = INITIATIVES[(number - 1) % len(INITIATIVES)]
        if number > len(INITIATIVES):
            name = f"{name} {number // len(INITIATIVES) + 1}"
        at, owner = world.at(moment), world.person()
        row = {"id": number, "name": name, "objective": objective, "owner": owner,
               "created_at": at, "updated_at": at, "version": 1}  # fmt: skip
        rows.append(row)
        _stage_create(world, moment, owner, "initiative", row, f"added initiative {name!r}")
        world.initiative_ids.append(number)
        world.initiative_kpis[number] = []
        moment += 300
    conn.executemany(
        "INSERT INTO initiatives (id, name, objective, owner, created_at, updated_at, version)"
        " VALUES (:id, :name, :objective, :owner, :created_at, :updated_at, :version)",
        rows,
    )


def _kpi_patterns(count: int, rng: random.Random) -> list[str]:
    drift_alert = max(2, round(count * 0.1)) if count >= 4 else 1
    drift_warn = max(2, round(count * 0.15)) if count >= 4 else 1
    rest = max(0, count - drift_alert - drift_warn)
    improving = rest * 2 // 3
    patterns = ["alert"] * drift_alert + ["warn"] * drift_warn
    patterns += ["improving"] * improving + ["flat"] * (rest - improving)
    rng.shuffle(patterns)
    return patterns[:count]


def _thresholds(template: KpiTemplate, baseline: float) -> tuple[float, float]:
    """Warn and alert on the bad side of the baseline, distinct after rounding."""
    step = 10**-template.decimals
    if template.direction == "down":
        warn = max(round(baseline * 1.10, template.decimals), baseline + step)
        alert = max(round(baseline * 1.25, template.decimals), warn + step)
    else:
        warn = min(round(baseline * 0.93, template.decimals), baseline - step)
        alert = min(round(baseline * 0.85, template.decimals), warn - step)
    return round(warn, template.decimals), round(alert, template.decimals)


def _write_kpis(conn: sqlite3.Connection, world: _World, moment: int) -> None:
    rng = world.rng
    count = world.spec.kpis
    plain = len(KPI_TEMPLATES) >= count
    combos = [(t, None) for t in KPI_TEMPLATES] if plain else [
        (t, scope) for scope in SCOPES for t in KPI_TEMPLATES
    ]  # fmt: skip
    rows = []
    for number, ((template, scope), pattern) in enumerate(
        zip(combos[:count], _creeping(_kpi_patterns(count, rng)), strict=True), start=1
    ):
        kpi = _make_kpi(number, template, scope, pattern, world)
        world.kpis.append(kpi)
        if kpi.initiative_id is not None:
            world.initiative_kpis[kpi.initiative_id].append(kpi)
        row = _kpi_row(kpi, world, moment)
        rows.append(row)
        _stage_create(world, moment, kpi.owner, "kpi", row, f"added KPI {kpi.name!r}")
        moment += 120
    marks = ", ".join(f":{c}" for c in KPI_COLUMNS)
    conn.executemany(f"INSERT INTO kpis ({', '.join(KPI_COLUMNS)}) VALUES ({marks})", rows)


def _make_kpi(
    number: int, template: KpiTemplate, scope: str | None, pattern: str, world: _World
) -> _Kpi:
    rng = world.rng
    scale = rng.uniform(0.8, 1.2) if scope else 1.0
    baseline = round(template.baseline * scale, template.decimals)
    target = round(template.target * scale, template.decimals)
    if template.unit == "%":
        baseline, target = min(baseline, 97.0), min(target, 99.0)
    warn, alert = _thresholds(template, baseline)
    themed = [
        i for i in world.initiative_ids
        if template.name in THEMES[INITIATIVES[(i - 1) % len(INITIATIVES)][2]]
    ]  # fmt: skip
    initiative_id = rng.choice(themed) if themed and rng.random() < 0.85 else None
    name = f"{template.name} ({scope})" if scope else template.name
    return _Kpi(number, name, template, initiative_id, world.person(), baseline, target,
                warn, alert, pattern)  # fmt: skip


def _kpi_row(kpi: _Kpi, world: _World, moment: int) -> dict[str, Any]:
    rng = world.rng
    template = kpi.template
    escalation = [world.other_than(kpi.owner)]
    if world.lead not in (kpi.owner, escalation[0]):
        escalation.append(world.lead)  # the lead is the last stop
    at = world.at(moment)
    benchmark = template.benchmark if rng.random() < 0.8 else None
    return {
        "id": kpi.id, "name": kpi.name, "unit": template.unit, "direction": template.direction,
        "baseline": float(kpi.baseline), "target": float(kpi.target),
        "target_date": (world.today + timedelta(days=rng.randint(30, 200))).isoformat(),
        "warn": float(kpi.warn), "alert": float(kpi.alert), "cadence": "daily",
        "owner": kpi.owner, "escalation": json.dumps(escalation),
        "perspective": template.perspective,
        "benchmark": None if benchmark is None else float(benchmark),
        "benchmark_source": template.source if benchmark is not None else None,
        "initiative_id": kpi.initiative_id, "created_at": at, "updated_at": at, "version": 1,
        "alerts_mode": "both", "baseline_from": None, "baseline_to": None,
    }  # fmt: skip


def _series(kpi: _Kpi, days: int, rng: random.Random) -> list[float]:
    """Daily values: moving from baseline toward target, some drifting to a threshold lately."""
    base, goal = kpi.baseline, kpi.target
    gain = rng.uniform(0.5, 0.95) if kpi.pattern == "improving" else rng.uniform(0.0, 0.4)
    noise = abs(goal - base) * 0.06 + abs(base) * 0.01
    safe = base + 0.5 * (kpi.warn - base)  # the undrifting stay on the good side of warn
    values = []
    for day in range(days):
        level = base + (goal - base) * gain * (day / max(1, days - 1)) ** 0.8
        value = level + rng.gauss(0, noise)
        value = min(value, safe) if kpi.template.direction == "down" else max(value, safe)
        values.append(value)
    if kpi.pattern in ("warn", "alert"):
        _drift(values, kpi, rng, noise)
    if kpi.pattern == "creep":
        _creep(values, kpi, noise)
    high = 100.0 if kpi.template.unit == "%" else float("inf")
    return [round(min(high, max(0.0, v)), kpi.template.decimals) for v in values]


def _drift(values: list[float], kpi: _Kpi, rng: random.Random, noise: float) -> None:
    """Bend the last weeks past warn (between warn and alert) or past alert."""
    step = 10**-kpi.template.decimals
    span = kpi.alert - kpi.warn
    if kpi.pattern == "warn":
        end = kpi.warn + rng.uniform(0.35, 0.65) * span
    else:
        end = kpi.alert + max(rng.uniform(0.2, 0.5) * abs(span), 2 * step) * (1 if span > 0 else -1)
    length = min(len(values), rng.randint(8, 20))
    start = values[-length]
    for j in range(length):
        share = ((j + 1) / length) ** 1.5
        wobble = rng.gauss(0, noise * 0.2) if j < length - 1 else 0.0
        value = start + (end - start) * share + wobble
        if kpi.pattern == "warn":  # never past alert on the way
            value = min(value, kpi.alert - step) if span > 0 else max(value, kpi.alert + step)
        values[len(values) - length + j] = value


CREEP_EVERY = 8  # of the KPIs that would not drift, one in eight creeps instead
CREEP_DAYS = (45, 90)  # how long the creep takes, in days


def _creeping(patterns: list[str]) -> list[str]:
    """Turn one in ``CREEP_EVERY`` steady KPIs (improving or flat) into a creep: the slow
    drift a process-behaviour chart sees weeks before a threshold does (db/xmr.py). Chosen
    without the seed's dice, so everything else seeded stays as it was."""
    steady = 0
    out = []
    for pattern in patterns:
        chosen = pattern
        if pattern in ("improving", "flat"):
            if steady % CREEP_EVERY == 2:
                chosen = "creep"
            steady += 1
        out.append(chosen)
    return out


def _creep(values: list[float], kpi: _Kpi, noise: float) -> None:
    """A slow shift over the last six weeks to three months, from where the KPI stood to a
    little past warn (still short of alert), under the same day-to-day noise: the drift
    stays inside the thresholds for weeks, then crosses warn near the end. Every other one
    (even ids) has not got there yet: today it is still inside its thresholds. Its own dice
    (from the KPI's id), so the seed's other draws do not move."""
    dice = random.Random(kpi.id * 7919 + len(values))
    length = min(len(values) - 25, dice.randint(*CREEP_DAYS))
    if length < 20:
        return
    start = len(values) - length
    level = sum(values[start - 7 : start]) / 7
    if kpi.id % 2:  # it crossed warn lately
        end = kpi.warn + (kpi.alert - kpi.warn) * dice.uniform(0.15, 0.45)
    else:  # still inside the thresholds today, a sign of what is coming
        end = level + (kpi.warn - level) * dice.uniform(0.6, 0.8)
    for j in range(length):
        share = (j + 1) / length
        values[start + j] = level + (end - level) * share + dice.gauss(0, noise * 0.8)


def _write_readings(conn: sqlite3.Connection, world: _World, report: Progress) -> None:
    rng = world.rng
    days = world.spec.reading_days
    series = [_series(kpi, days, rng) for kpi in world.kpis]
    first = datetime.combine(world.now.astimezone(UTC).date(), datetime.min.time(), UTC)
    first_ts = int(first.timestamp()) + 6 * HOUR
    if first_ts + 20 * 60 > world.now_ts:  # today's cron run has not happened yet
        first_ts -= DAY
    first_ts -= (days - 1) * DAY
    authors = [METRICS_BOT if k.template.perspective != "people" else k.owner for k in world.kpis]
    # Some measurements were missed (a cron run that failed): a dice of its own, so the rest
    # of the seed stays as it was. Never in the last three days: gaps, not overdue KPIs.
    gaps = random.Random(days * 7919 + len(world.kpis))

    def rows() -> Iterable[tuple[int, str, float, str, str]]:
        for day in range(days):  # day by day, every KPI: ids follow time, as cron writes them
            at = world.at(first_ts + day * DAY + rng.randint(0, 15 * 60))
            for index, kpi in enumerate(world.kpis):
                if index % 3 == 1 and day < days - 3 and gaps.random() < 0.06:
                    continue
                note = world.fill(rng.choice(READING_NOTES)) if rng.random() < 0.01 else ""
                yield kpi.id, at, series[index][day], note, authors[index]
            if day % 10 == 0:
                report(day / days)

    conn.executemany(
        "INSERT INTO kpi_readings (kpi_id, at, value, note, author) VALUES (?, ?, ?, ?, ?)",
        rows(),
    )
    report(1.0)


ALERT_COLUMNS = (
    "id", "kpi_id", "reading_id", "raised_at", "assignee", "ack_due", "escalation_level",
    "acknowledged_at", "acknowledged_by", "ack_note", "closed_at", "version", "rule",
    "rule_text",
)  # fmt: skip


def _write_alerts(conn: sqlite3.Connection, world: _World) -> None:
    """Replay each KPI's readings through the store's breach rule (db/kpi_rules.py): one
    alert per breach, closed when a reading is back within the threshold; a breach still
    open at "now" escalates along the path as the store would have escalated it."""
    from pdca.db import kpi_rules

    rows: list[dict[str, Any]] = []
    for kpi in world.kpis:
        readings = conn.execute(
            "SELECT id, at, value, author FROM kpi_readings WHERE kpi_id = ? ORDER BY at, id",
            (kpi.id,),
        ).fetchall()
        # The path the KPI row was given (a second random pick would name someone else).
        (escalation,) = conn.execute(
            "SELECT escalation FROM kpis WHERE id = ?", (kpi.id,)
        ).fetchone()
        path = json.loads(escalation)
        current: dict[str, Any] | None = None
        for reading_id, at, value, author in readings:
            step = kpi_rules.breach_step(value, kpi.alert, kpi.template.direction, bool(current))
            moment = int(kpi_rules.parse_time(at).timestamp())
            if step == "raise":
                people = kpi_rules.chain(kpi.owner, path, author)
                due = kpi_rules.first_deadline(kpi_rules.parse_time(at))
                current = {
                    "id": len(rows) + 1, "kpi_id": kpi.id, "reading_id": reading_id,
                    "raised_at": at, "assignee": people[0], "ack_due": iso(due),
                    "escalation_level": 0, "acknowledged_at": None, "acknowledged_by": None,
                    "ack_note": None, "closed_at": None, "version": 1, "rule": None,
                    "rule_text": None,
                }  # fmt: skip
                rows.append(current)
                summary = f"raised alert {current['id']} on KPI {kpi.name!r}"
                _stage_create(world, moment, author, "alert", dict(current), summary)
                world.extra_events += 1
            elif step == "close" and current is not None:
                summary = f"closed alert {current['id']} on KPI {kpi.name!r}"
                _stage_update(world, moment, author, current, {"closed_at": at}, summary)
                current = None
        if current is None:
            continue
        people = kpi_rules.chain(kpi.owner, path, current["assignee"])
        level, due = 0, kpi_rules.parse_time(current["ack_due"])
        while True:  # one step at a time, each logged when its deadline passed
            step_ = kpi_rules.escalate(level=level, ack_due=due, people=people[: level + 2],
                                       now=world.now)  # fmt: skip
            if step_ is None:
                break
            summary = f"escalated alert {current['id']} on KPI {kpi.name!r} to {step_.assignee}"
            changes = {"assignee": step_.assignee, "escalation_level": step_.level,
                       "ack_due": iso(step_.ack_due)}  # fmt: skip
            _stage_update(world, int(due.timestamp()) + 1, PDCA_ACTOR, current, changes, summary)
            level, due = step_.level, step_.ack_due
    marks = ", ".join(f":{c}" for c in ALERT_COLUMNS)
    conn.executemany(f"INSERT INTO alerts ({', '.join(ALERT_COLUMNS)}) VALUES ({marks})", rows)


def _stage_update(
    world: _World, moment: int, actor: str, row: dict[str, Any], changes: dict[str, Any],
    summary: str,
) -> None:  # fmt: skip
    """Change ``row`` in place and stage its update event (whole row before and after)."""
    before = dict(row)
    row.update(changes)
    row["version"] += 1
    world.staged.append(
        (world.at(moment), world.next_grp(), 0, actor, "alert", row["id"], "update", summary,
         _json(before), _json(dict(row)))
    )  # fmt: skip
    world.extra_events += 1


def _write_actions(
    conn: sqlite3.Connection, actions: list[_Action], world: _World, report: Progress
) -> None:
    marks = ", ".join("?" for _ in ACTION_COLUMNS)
    sql = f"INSERT INTO actions ({', '.join(ACTION_COLUMNS)}) VALUES ({marks})"
    chunk = 500
    for start in range(0, len(actions), chunk):
        rows = [_materialize(action, world) for action in actions[start : start + chunk]]
        conn.executemany(sql, rows)
        _flush(conn, world)
        report(min(1.0, (start + chunk) / len(actions)))


def _initial_row(action: _Action, world: _World) -> tuple[dict[str, Any], str, int]:
    """The row as first inserted, who inserted it, and the event group it was logged in."""
    rng = world.rng
    parent = action.parent
    at = world.at(action.created)
    row: dict[str, Any] = {
        "id": action.id, "phase": "plan", "parent_id": None, "cycle": 1, "verdict": None,
        "decision": None, "phase_since": at, "done_at": None, "created_at": at,
        "updated_at": at, "version": 1, "due": None, "recurrence_id": None,
    }  # fmt: skip
    if parent is not None:
        assert parent.final_row is not None
        for column in ("title", "notes", "owner", "priority", "initiative_id", "kpi_id"):
            row[column] = parent.final_row[column]
        row.update(parent_id=parent.id, cycle=parent.final_row["cycle"] + 1)
        parent.final_row = None  # no longer needed: keep memory flat
        if action.reopened:  # logged with the slipped audit (written with the check-ins)
            parent.slip_grp = world.next_grp()
            owner = row["owner"]
            parent.slip_actor = owner if owner and rng.random() < 0.85 else world.person()
            row["created_by"] = parent.slip_actor
            return row, parent.slip_actor, parent.slip_grp
        row["created_by"] = parent.done_actor
        return row, parent.done_actor, parent.done_grp
    owner = world.person() if action.owner_at_create and action.has_owner else None
    creator = owner if owner and rng.random() < 0.5 else world.person()
    linked_later = {edit[1] for edit in action.edits}
    row.update(
        title=action.title,
        notes=world.fill(rng.choice(NOTES)) if rng.random() < 0.5 else "",
        owner=owner,
        initiative_id=None if "initiative_id" in linked_later else action.initiative_id,
        kpi_id=None if "kpi_id" in linked_later else action.kpi_id,
        created_by=creator,
        priority=_priority(action.id),
    )
    if action.due_at_create and action.due is not None:
        row["due"] = (action.due - timedelta(days=action.due_shift)).isoformat()
    return row, creator, world.next_grp()


def _priority(action_id: int) -> str:
    """About one action in seven high and one in five low: from the id, not the shared dice,
    so the rest of the seed stays what it was before actions had priorities."""
    spread = (action_id * 2_654_435_761) % 1000
    return "high" if spread < 140 else "low" if spread >= 800 else "normal"


def _materialize(action: _Action, world: _World) -> tuple[Any, ...]:
    """Replay one action's life in time order, staging its events; return its final row."""
    row, creator, grp = _initial_row(action, world)
    current = _json(row)
    if action.parent is None:
        summary = f"added #{action.id}"
        seq = 0
    else:
        summary = f"added #{action.id}, cycle {row['cycle']} of #{action.parent.id}"
        seq = 1  # logged in the parent's "done" transaction, after it
    world.staged.append(
        (row["created_at"], grp, seq, creator, "action", action.id, "create", summary, None,
         current)
    )  # fmt: skip
    for moment, _order, kind, value in _timeline(action):
        before = current
        summary, actor = _apply(action, row, moment, kind, value, world)
        row["updated_at"] = world.at(moment)
        row["version"] += 1
        current = _json(row)
        grp = world.next_grp()
        if kind == "done":
            action.done_grp, action.done_actor = grp, actor
        world.staged.append(
            (row["updated_at"], grp, 0, actor, "action", action.id, "update", summary, before,
             current)
        )  # fmt: skip
    action.final_owner = row["owner"]
    if action.child is not None:
        action.final_row = dict(row)
    return tuple(row[column] for column in ACTION_COLUMNS)


def _timeline(action: _Action) -> list[tuple[int, int, str, Any]]:
    steps: list[tuple[int, int, str, Any]] = []
    if action.set_edit_at is not None:
        steps.append((action.set_edit_at, -1, "set", None))
    steps.extend((moment, 0, kind, days) for moment, kind, days in action.edits)
    steps.extend((action.enter[phase], 1, "move", phase) for phase in action.phases[1:])
    if action.detour is not None:
        steps.extend((moment, 1, "move", phase) for moment, phase in zip(
            action.detour, ("do", "check", "plan"), strict=True))  # fmt: skip
    if action.done:
        assert action.done_at is not None
        steps.append((action.done_at, 2, "done", action.final))
    steps.sort(key=lambda step: (step[0], step[1]))
    return steps


def _apply(
    action: _Action, row: dict[str, Any], moment: int, kind: str, value: Any, world: _World
) -> tuple[str, str]:
    """Change ``row`` as the store would; return the event summary and who did it."""
    rng = world.rng
    owner_acts = row["owner"] if row["owner"] and rng.random() < 0.85 else world.person()
    if kind == "move":
        summary = f"moved #{action.id} from {row['phase']} to {value}"
        row.update(phase=value, phase_since=world.at(moment))
        if value == "act":
            row["verdict"] = action.verdict
            summary += f" (verdict: {action.verdict})"
        return summary, owner_acts
    if kind == "done":
        row.update(done_at=world.at(moment), decision=value)
        return f"done #{action.id} ({value})", owner_acts
    changed = _edit(action, row, kind, value, world)
    fields = ", ".join(sorted(name.removesuffix("_id") for name in changed))
    editor = rng.choice([row["created_by"], owner_acts, world.person()])
    return f"edited #{action.id}: {fields}", editor


def _edit(action: _Action, row: dict[str, Any], kind: str, days: int, world: _World) -> list[str]:
    if kind == "set":  # what was missing at creation, given before the move to Do
        changed = []
        if row["owner"] is None and action.has_owner:
            row["owner"] = world.person()
            changed.append("owner")
        if row["due"] is None and action.has_due and action.due is not None:
            row["due"] = (action.due - timedelta(days=action.due_shift)).isoformat()
            changed.append("due")
        return changed
    if kind == "due":  # pushed back
        row["due"] = (date.fromisoformat(row["due"]) + timedelta(days=days)).isoformat()
    elif kind == "owner":
        row["owner"] = world.other_than(row["owner"])
    elif kind == "notes":
        addition = world.fill(world.rng.choice(NOTES))
        row["notes"] = f"{row['notes']}\n{addition}" if row["notes"] else addition
    else:
        row[kind] = action.kpi_id if kind == "kpi_id" else action.initiative_id
    return [kind]


def _write_checkins(
    conn: sqlite3.Connection, checkins: list[_Checkin], world: _World, report: Progress
) -> None:
    marks = ", ".join("?" for _ in CHECKIN_COLUMNS)
    sql = f"INSERT INTO checkins ({', '.join(CHECKIN_COLUMNS)}, version) VALUES ({marks}, 1)"
    chunk = 5_000
    for start in range(0, len(checkins), chunk):
        rows = []
        for number, checkin in enumerate(checkins[start : start + chunk], start=start + 1):
            rows.append(_checkin_row(number, checkin, world))
        conn.executemany(sql, rows)
        _flush(conn, world)
        report(min(1.0, (start + chunk) / max(1, len(checkins))))


def _checkin_row(number: int, checkin: _Checkin, world: _World) -> tuple[Any, ...]:
    action = checkin.action
    owner = action.final_owner
    slipped = checkin.result == "slipped"
    if slipped:
        author = action.slip_actor
    elif checkin.aside:
        author = (
            owner if owner and world.aside.random() < 0.85 else world.aside.choice(world.logins)
        )
    else:
        author = owner if owner and world.rng.random() < 0.85 else world.person()
    at = world.at(checkin.at)
    values = (number, action.id, at, author, checkin.status, checkin.kind, checkin.result,
              checkin.message)  # fmt: skip
    row = dict(zip(CHECKIN_COLUMNS, values, strict=True)) | {"version": 1}
    if checkin.kind == "followup":
        summary = f"followed up on #{action.id} ({checkin.result})"
    else:
        summary = f"checked in on #{action.id} ({checkin.status})"
    grp = action.slip_grp if slipped else world.next_grp()
    world.staged.append(
        (at, grp, 0, author, "checkin", number, "create", summary, None, _json(row))
    )
    if checkin.kind == "followup":
        _record_followup(number, checkin, author, grp, world)
    return values


def _plan_followups(actions: list[_Action], world: _World) -> None:
    """Standardized actions' follow-ups, logged in the transaction that finished them."""
    number = 0
    for action in actions:
        if action.final != "standardize":
            continue
        assert action.done_at is not None
        done_at = world.at(action.done_at)
        done_on = world.local_date(action.done_at)
        for seq, days in enumerate(FOLLOWUP_DAYS, start=1):
            number += 1
            due = (done_on + timedelta(days=days)).isoformat()
            row = dict(zip(FOLLOWUP_COLUMNS, (number, action.id, action.final_owner, days, due,
                       done_at, None, None, None, None, None, 1), strict=True))  # fmt: skip
            world.followups[(action.id, days)] = row
            summary = f"scheduled the {days}-day follow-up of #{action.id} for {due}"
            world.staged.append(
                (done_at, action.done_grp, seq, action.done_actor, "followup", number, "create",
                 summary, None, _json(row))
            )  # fmt: skip


def _record_followup(number: int, checkin: _Checkin, author: str, grp: int, world: _World) -> None:
    days = int(checkin.message.split("-", 1)[0])
    row = world.followups[(checkin.action.id, days)]
    before = _json(row)
    at = world.at(checkin.at)
    action = checkin.action
    reopened = action.child.id if checkin.result == "slipped" and action.child else None
    row.update(done_at=at, done_by=author, result=checkin.result, checkin_id=number, version=2,
               reopened_id=reopened)  # fmt: skip
    summary = f"recorded the {days}-day follow-up of #{action.id}: {checkin.result}"
    if reopened is None:
        world.staged.append(
            (at, grp, 1, author, "followup", row["id"], "update", summary, before, _json(row))
        )
        return
    # record_followup's order: the check-in, the next cycle (staged with the actions), this
    # audit, then the later audits it closes.
    summary += f", reopened as #{reopened}"
    world.staged.append(
        (at, grp, 2, author, "followup", row["id"], "update", summary, before, _json(row))
    )
    seq = 3
    for later in FOLLOWUP_DAYS[FOLLOWUP_DAYS.index(days) + 1 :]:
        closed = world.followups[(action.id, later)]
        before = _json(closed)
        closed.update(done_at=at, done_by=author, result="slipped", reopened_id=reopened,
                      version=2)  # fmt: skip
        summary = (
            f"closed the {later}-day follow-up of #{action.id}: "
            f"the work slipped at its {days}-day follow-up"
        )
        world.staged.append(
            (at, grp, seq, author, "followup", closed["id"], "update", summary, before,
             _json(closed))
        )  # fmt: skip
        seq += 1


def _write_followups(conn: sqlite3.Connection, world: _World) -> None:
    marks = ", ".join("?" for _ in FOLLOWUP_COLUMNS)
    conn.executemany(
        f"INSERT INTO followups ({', '.join(FOLLOWUP_COLUMNS)}) VALUES ({marks})",
        [tuple(row[c] for c in FOLLOWUP_COLUMNS) for row in world.followups.values()],
    )
    world.followups.clear()


def _write_events(conn: sqlite3.Connection, report: Progress) -> None:
    """Number the staged events in time order; a transaction's tx is its first event's id."""
    conn.execute("CREATE INDEX temp.seed_events_order ON seed_events (at, grp, seq)")
    ticks = [0]

    def tick() -> int:
        ticks[0] += 1
        report(1 - 0.97 ** ticks[0])  # the length is unknown: approach 1, never pass it
        return 0

    conn.set_progress_handler(tick, 200_000)
    try:
        conn.execute(
            "INSERT INTO events (id, tx, at, actor, entity, entity_id, op, summary, before,"
            " after, undo_of)"
            " SELECT row_number() OVER w, row_number() OVER w - seq, at, actor, entity,"
            " entity_id, op, summary, before, after, NULL"
            " FROM temp.seed_events WINDOW w AS (ORDER BY at, grp, seq)"
        )
    finally:
        conn.set_progress_handler(None, 0)
    report(1.0)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = {
        "people": "people",
        "initiatives": "initiatives",
        "actions": "actions",
        "open actions": "actions WHERE done_at IS NULL",
        "check-ins": "checkins",
        "KPIs": "kpis",
        "readings": "kpi_readings",
        "alerts": "alerts",
        "events": "events",
    }
    return {
        label: conn.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        for label, source in tables.items()
    }
