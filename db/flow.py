"""Flow metrics read from what SQLite keeps and counts, each read down an index that holds it.

The rules (what a stay, a move back, finished, cadence and late mean) are db/flow_rules.py;
this module only gathers their facts. Every query here is checked for full scans and big
sorts by tests/unit/test_flow_store.py and tests/unit/test_query_plans.py:

- phase moves and completions: the kept table ``action_stays`` (migration 0014: one row per
  move or completion no undo took back, kept by triggers on the event log), not the log
  itself: per phase, the stays that ended in the window counted, the moves back, and the two
  to four stays at the median's and 85th percentile's ranks, walked to down its (phase, days)
  index (0017);
- open work: per phase (count, the longest in it) down the open actions' (phase,
  phase_since) index; per owner (count, weeks lived, late) down their (owner, created_at,
  due) index; work done in the window down the done actions' (done_at, ...) index (0016);
- the cadence kept: per owner and calendar week, how many of their open actions had a
  check-in, as the kept table ``owner_weeks`` holds it (0018); scoped, the actions' own weeks
  with a check-in (``checkin_weeks``) by action;
- decisions of all time: counted per initiative and decision down the done actions' own
  (initiative_id, decision) index; follow-up audits recorded: the kept table ``audit_counts``
  (0019), those due and not recorded down the open audits' (due) index; scoped, the actions'
  audits joined to them by id.

The stays and the outcomes are read on a second connection beside the rest (``flow``). What
still grows with the file: the open actions walked once (per owner), the window's stays
walked to their ranks and its done work read once (a quarter's, whatever the file's age).
Issue 14: on the huge file flow() takes 56-84 ms, against 1.4 s when the log was read.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pdca.db import flow_rules as fr
from pdca.db.clock import iso
from pdca.db.errors import PdcaError
from pdca.db.flow_models import CycleTime, Flow, InitiativeFlow, WeekFlow
from pdca.db.store import Store

T = TypeVar("T")

# The stays that ended in the window, by phase, as the kept table ``action_stays`` holds them
# (db/schema.py ``0014_flow_kept``: a row per move or completion that no undo took back, with
# the phase it left, where it went and how long it had been there; triggers on the event log
# keep it, whoever writes). Read down its (phase, at) index: no row, no snapshot, no summary.
# A phase's stays counted, and its moves back:
# Rounds of repeating work ticked off before Act, of all time (flow_rules: routine, not a
# cycle): out of the stays, the late share and the decisions, as they are out of throughput
# and cycle time. A coach's quarter read "standardize 15" beside 6 follow-up audits, and a slow
# Plan as a 1.3-day median: 10 were a weekly review's rounds, made Monday and ticked Tuesday.
# Down the rounds' own index (recurrence_id > 0: a search, not a walk): a few thousand at most.
ROUTINE_ROUNDS = """SELECT id FROM actions INDEXED BY idx_actions_recurrence_id
  WHERE recurrence_id > 0 AND done_at > '' AND phase <> 'act' AND decision = 'standardize'"""
_RANK = "CASE {} WHEN 'plan' THEN 0 WHEN 'do' THEN 1 WHEN 'check' THEN 2 WHEN 'act' THEN 3 END"
_STAY_COUNTS = f"""
SELECT count(*), count(CASE WHEN {_RANK.format("next")} < {_RANK.format("phase")} THEN 1 END)
FROM action_stays
WHERE phase = :phase AND at >= :since AND days IS NOT NULL
  AND action_id NOT IN ({ROUTINE_ROUNDS}){{scope}}
"""
# and of its stays in order (days, never below zero), the few at the ranks the median and the
# 85th percentile are made of (flow_rules.quantile_ranks), each one or two adjacent ranks found
# by walking the phase's stays in order of length (their (phase, days) index, 0017) to them:
# the window's stays need no sort (a quarter's, 100 000 on the huge file: 130 ms sorted, 35 ms
# walked), and two to four numbers reach the interpreter, not tens of thousands. The least and
# the greatest of the one or two: each rank's own, whatever the order SQLite hands them over
# in. Days ordered, then never below zero: the same order (max is monotonic).
_STAYS_AT = (
    """
SELECT {first}, {count}, max(0.0, min(days)), max(0.0, max(days)) FROM (
  SELECT days FROM action_stays INDEXED BY idx_action_stays_days
  WHERE phase = :phase AND days IS NOT NULL AND at >= :since
    AND action_id NOT IN ("""
    + ROUTINE_ROUNDS.replace("{", "{{").replace("}", "}}")
    + """){scope}
  ORDER BY days LIMIT {count} OFFSET {first}
)
"""
)

# Open work per phase now, counted by SQLite down the open actions' (phase, phase_since)
# index: how many, and how long the longest has been in it (the earliest phase_since: ISO times
# sort as text; the same difference as each action's, so the oldest is found by equality).
_PHASES_NOW = """
SELECT phase, count(*), min(phase_since), julianday(:now) - julianday(min(phase_since))
FROM actions INDEXED BY idx_actions_open_phase_since WHERE done_at IS NULL{scope}
GROUP BY phase
"""
# A phase's oldest open item: the lowest id of those that long in it.
_OLDEST = """
SELECT min(id), title FROM actions
WHERE done_at IS NULL AND phase = :phase AND phase_since = :entered{scope}
"""


# The cadence's weeks are calendar weeks, Monday to Sunday in UTC (flow_rules.cadence_weeks):
# the last ``weeks`` whole ones before this one. Week ``k`` back began at ``:mk``; an action
# lived through it when created by then (ISO times compared as text, as the kept weeks do), so
# the weeks it lived are the largest such ``k``: found by halving, four comparisons, not 13.
def _lived_sql(weeks: int, low: int = 0, high: int | None = None) -> str:
    high = weeks if high is None else high
    if low == high:
        return str(low)
    middle = (low + high + 1) // 2
    return (
        f"CASE WHEN created_at <= :m{middle} THEN {_lived_sql(weeks, middle, high)}"
        f" ELSE {_lived_sql(weeks, low, middle - 1)} END"
    )


# Per owner of open work: how many, the whole weeks of the cadence each lived (summed), and
# how many with a due date are past it, in one walk down the open actions' (owner,
# created_at, due) index, which holds all it reads: no action row is read, grouping sorts
# nothing.
_OWNERS_OPEN = """
SELECT owner, count(*),
  sum({lived}),
  count(CASE WHEN nullif(due, '') < :today THEN 1 END), count(nullif(due, ''))
FROM actions INDEXED BY idx_actions_open_created WHERE done_at IS NULL AND owner > ''{scope}
GROUP BY owner
"""
# And the cadence kept: of those weeks, how many had a check-in on the action. Of all the
# actions, the kept counts per owner and week (``owner_weeks``, 0018: kept by triggers as
# check-ins come and actions change owner, close or reopen), a range of each owner's weeks:
# a few hundred rows, not the quarter's check-ins of every open action (170 000 on the huge
# file, 140 ms).
_OWNERS_KEPT = """
SELECT owner, sum(actions) FROM owner_weeks
WHERE owner > '' AND week >= :first_week AND week < :this_week
GROUP BY owner
"""
# Of some actions (an initiative's, a few by id): their weeks with a check-in
# (``checkin_weeks``, by action), those they lived through, counted per owner.
_OWNERS_KEPT_OF = """
SELECT a.owner, count(*)
FROM actions a INDEXED BY idx_actions_open_created
JOIN checkin_weeks w ON w.action_id = a.id AND w.week >= :first_week AND w.week < :this_week
  AND a.created_at <= w.week || 'T00:00:00Z'
WHERE a.done_at IS NULL AND a.owner > ''{scope}
GROUP BY a.owner
"""


def _cadence_weeks(now: datetime, weeks: int) -> dict[str, str]:
    """``:mk``: when the week ``k`` weeks back began (``k`` = 1 is last week), and the first
    and this week's names (their Mondays)."""
    starts = fr.cadence_weeks(now, weeks)
    named = {f"m{k}": iso(start) for k, start in enumerate(reversed(starts), start=1)}
    this_week = fr.cadence_start(now)
    return {**named, "first_week": starts[0].date().isoformat(), "this_week": str(this_week.date())}


# The work done in the window, as flow_rules.throughput and cycle_time take it: each action
# done put in its week (flow_rules.week_index: ``weeks`` less its whole weeks back rounded up,
# at least one; none when done after now), its cycle time, and whether it finished
# (standardize or adjust), down the done actions' (done_at, ...) index (0016), which holds all
# it reads. One row per action of the window to Python (14 500 on the huge file, a quarter's
# throughput whatever the file's age): the week's counts and every median are made of them
# there in one pass, where SQLite would work the window out again, and sort it, per figure.
_DONE_PLACED = """
SELECT CASE WHEN ago >= 0 THEN
    :weeks - max(1, CAST(ago / 7 AS INTEGER) + (ago / 7 > CAST(ago / 7 AS INTEGER))) END,
  cycle, finished, id
FROM (
  SELECT id, julianday(:now) - julianday(done_at) AS ago,
    max(0.0, julianday(done_at) - julianday(created_at)) AS cycle,
    decision IN ('standardize', 'adjust') AS finished
  FROM actions AS done WHERE done_at >= :since{scope}
)
"""
# Of those, the window's ROUTINE_ROUNDS (flow_rules.finished_cycle: routine, counted apart;
# one abandoned is abandoned work), down their own index: the index the rows above are read
# from holds no recurrence or phase.
_ROUNDS_BEFORE_ACT = ROUTINE_ROUNDS + " AND done_at >= :since{scope}"
# Each owner's work done in the window (a row for each, abandoned work alone too): of that
# finished with a due date, how many, and how many finished on a later (local) day. Walked in
# owner order down the (owner, done_at) index: no sort.
_DONE_OWNERS = (
    """
SELECT owner,
  count(CASE WHEN finished THEN 1 END),
  count(CASE WHEN finished AND date(done_at, 'localtime') > due THEN 1 END)
FROM (
  SELECT owner, done_at, due, decision IN ('standardize', 'adjust')
    AND nullif(due, '') IS NOT NULL AND id NOT IN ("""
    + ROUTINE_ROUNDS
    + """) AS finished
  FROM actions INDEXED BY idx_actions_owner_done_at_decision
  WHERE owner > '' AND done_at >= :since{scope}
)
GROUP BY owner
"""
)
# Decisions of all time, counted per initiative and decision down the done actions' own index
# (initiative_id, decision WHERE done_at > '': every done_at is an ISO time), in its order.
_DECISIONS = (
    """
SELECT initiative_id, decision, count(*) FROM actions
WHERE done_at > '' AND id NOT IN ("""
    + ROUTINE_ROUNDS
    + """){scope}
GROUP BY initiative_id, decision
"""
)
# Follow-up audits counted per initiative: recorded holding, recorded slipped, and due but not
# recorded ("waiting"). Of all the actions: those recorded as the kept table ``audit_counts``
# holds them (0019: kept by triggers on the audits and the actions; initiative 0 is none), and
# those waiting from the open audits' own (due) index, each one's initiative by its action's
# id (a few: most audits are recorded or not due yet).
_AUDITS_KEPT = "SELECT nullif(initiative, 0), result, audits FROM audit_counts"
_AUDITS_WAITING = """
SELECT a.initiative_id FROM followups f INDEXED BY idx_followups_due
JOIN actions a ON a.id = f.action_id
WHERE f.done_at IS NULL AND f.due <= :today
"""
# Of some actions (an initiative's, a few by id): walked in initiative order down the actions'
# (initiative_id) index, each action's audits found by its id, grouped as SQLite goes (no
# sort). The scope is the action's.
_FOLLOWUPS = """
SELECT a.initiative_id,
  count(CASE WHEN f.done_at IS NOT NULL AND f.checkin_id IS NOT NULL
    AND f.result = 'holding' THEN 1 END),
  count(CASE WHEN f.done_at IS NOT NULL AND f.checkin_id IS NOT NULL
    AND f.result = 'slipped' THEN 1 END),
  count(CASE WHEN f.done_at IS NULL AND f.due <= :today THEN 1 END)
FROM actions a INDEXED BY idx_actions_initiative_id
JOIN followups f ON f.action_id = a.id
WHERE 1{scope}
GROUP BY a.initiative_id
"""


@dataclass(frozen=True)
class Scope:
    """Which actions the figures cover: all, one initiative's, or a few by id."""

    initiative_id: int | None = None
    action_ids: Collection[int] | None = None

    def where(self, by_index: bool = True, table: str = "") -> tuple[str, dict[str, object]]:
        """Which actions it covers, as a condition on ``actions`` (`` AND ...``, or nothing)
        and its parameters. ``by_index=False``: SQLite is not to find the actions by
        their initiative or id (a query that reads another index for its order). ``table``:
        the name or alias of ``actions`` in a join ("a.")."""
        sql, params = "", dict[str, object]()
        plain = "" if by_index else "+"  # a unary plus keeps SQLite off a column's index
        plain += table
        if self.initiative_id is not None:
            sql += f" AND {plain}initiative_id = :scope_initiative"
            params["scope_initiative"] = self.initiative_id
        if self.action_ids is not None:
            sql += f" AND {plain}id IN (SELECT value FROM json_each(:scope_ids))"
            params["scope_ids"] = json.dumps(sorted(self.action_ids))
        return sql, params


EVERYTHING = Scope()


def flow(store: Store, scope: Scope = EVERYTHING, weeks: int = fr.WINDOW_WEEKS) -> Flow:
    """Every figure of the flow view. The phases' stays and the initiatives' outcomes are
    read on a second connection in a thread while this one reads the work done, the open work
    per phase and the owners' figures: SQLite lets go of the interpreter while it reads, so on
    two cores the two halves take the time of the longer one (issue 14: each is about half of
    it on the huge file).
    Each half is read at one moment (``Store.reading``): a count and the rows at ranks of it
    always agree, whoever writes meanwhile. A file held in memory only (tests) reads both
    halves here in turn."""
    now = store.clock()
    since = iso(fr.window_start(now, weeks))
    today = now.astimezone().date()  # the day people see, as the board's "late"
    params: dict[str, object] = {
        "now": iso(now),
        "since": since,
        "today": today.isoformat(),
        "weeks": weeks,
        **scope.where()[1],
    }
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="flow-beside") as pool:
        beside = pool.submit(_on_own_connection, store, lambda other: _beside(other, scope, params))
        with store.reading():
            cursor = _tuples(store)
            scoped = scope.where()[0]
            weekly, rounds, cycle = _done(cursor, scoped, params, now, weeks)
            now_in = _phases_now(cursor, scoped, params)
            done_by = {
                login: fr.OwnerDone(dated, late)
                for login, dated, late in cursor.execute(
                    _DONE_OWNERS.format(scope=scope.where(by_index=False)[0]), params
                )
            }
            owners = fr.owners_figures(_owners_open(cursor, scope, params, now, weeks), done_by)
        read_beside = beside.result()  # raises what the thread raised
    stays, initiatives = read_beside or _beside(store, scope, params)
    phases = fr.stays_figures(stays, now_in)
    return Flow(
        now=iso(now),
        since=since,
        weeks=weeks,
        phases=phases,
        throughput=weekly,
        finished=sum(w.finished for w in weekly),
        abandoned=sum(w.abandoned for w in weekly),
        repeat_rounds=rounds,
        cycle=cycle,
        owners=owners,
        initiatives=initiatives,
    )


def _on_own_connection(store: Store, read: Callable[[Store], T]) -> T | None:
    """``read`` on a connection of its own to ``store``'s file (SQLite connections stay in
    their thread). None, for the caller to read it on ``store`` itself, when there is no file
    to open again (tests' in-memory files), or when the path no longer leads to the file
    ``store`` has open (removed or replaced since: the name is not the file)."""
    if store.path is None or store.path.name == ":memory:":
        return None
    try:
        other = Store.open(store.path, actor=store.actor, clock=store.clock)
    except PdcaError:
        return None  # gone, or not a pdca file any more
    try:
        if other.identity is None or other.identity != store.identity:
            return None  # another file at that name now
        return read(other)
    finally:
        other.close()


def _beside(
    store: Store, scope: Scope, params: dict[str, object]
) -> tuple[dict[str, fr.PhaseStays], list[InitiativeFlow]]:
    """The half read beside the rest: the phases' stays and each initiative's outcomes
    (decisions, audits), at one moment."""
    with store.reading():
        cursor = _tuples(store)
        stays = _stays(cursor, scope, params)
        outcomes = _outcomes(cursor, scope, params)
        return stays, fr.initiative_flow(outcomes, _initiative_names(store, scope))


def _done(
    cursor: sqlite3.Cursor, scoped: str, params: dict[str, object], now: datetime, weeks: int
) -> tuple[list[WeekFlow], int, CycleTime]:
    """``fr.throughput``, ``fr.repeat_rounds`` and ``fr.cycle_time`` of the work done in the
    window, in one pass over its rows (the rules' own medians, so the same numbers)."""
    recent_from = max(0, weeks - fr.RECENT_WEEKS)  # a short window: every week is recent
    finished, abandoned, rounds = [0] * weeks, [0] * weeks, 0
    cycles: list[list[float]] = [[] for _ in range(weeks)]
    routine = {i for (i,) in cursor.execute(_ROUNDS_BEFORE_ACT.format(scope=scoped), params)}
    for week, cycle, done_finished, action_id in cursor.execute(
        _DONE_PLACED.format(scope=scoped), params
    ):
        if week is None or not 0 <= week < weeks:
            continue  # done after now (a clock behind someone else's)
        if action_id in routine:
            rounds += 1
        elif done_finished:
            finished[week] += 1
            cycles[week].append(cycle)
        else:
            abandoned[week] += 1
    every = [cycle for week in cycles for cycle in week]
    recent = [cycle for week in cycles[recent_from:] for cycle in week]
    earlier = [cycle for week in cycles[:recent_from] for cycle in week]
    cycle = fr.cycle_figures(every, recent, earlier)
    medians = [fr.median(week) for week in cycles]
    return fr.weeks_figures(finished, abandoned, medians, now), rounds, cycle


def _phases_now(
    cursor: sqlite3.Cursor, scoped: str, params: dict[str, object]
) -> dict[str, fr.PhaseNow]:
    """Each phase's open work now: how many and the longest in it, then each one's oldest item
    (the four in one statement), instead of every open action."""
    counted = cursor.execute(_PHASES_NOW.format(scope=scoped), params).fetchall()
    if not counted:
        return {}
    entered = {f"entered_{phase}": since for phase, _, since, _ in counted}
    oldest = _each_phase(
        {phase: _OLDEST.format(scope=scoped) for phase, *_ in counted},
        lambda sql, phase: sql.replace(":entered", f":entered_{phase}"),
    )
    found = {
        phase: (oldest_id, title)
        for phase, oldest_id, title in cursor.execute(oldest, {**params, **entered})
    }
    return {phase: fr.PhaseNow(wip, *found[phase], top) for phase, wip, _, top in counted}


_PHASE = re.compile(r":phase\b")


def _each_phase(
    queries: dict[str, str], adapt: Callable[[str, str], str] = lambda sql, _: sql
) -> str:
    """One statement of a query for each phase (``:phase`` in it, the phase's name: one of
    pdca's four, never user text), each row led by its phase: one call into SQLite, not four,
    each of which waits for the interpreter while the app paints."""
    named = {phase: adapt(_PHASE.sub(repr(phase), sql), phase) for phase, sql in queries.items()}
    return " UNION ALL ".join(f"SELECT '{phase}', * FROM ({sql})" for phase, sql in named.items())


def _owners_open(
    cursor: sqlite3.Cursor,
    scope: Scope,
    params: dict[str, object],
    now: datetime,
    weeks: int,
) -> list[fr.OwnerOpen]:
    """Each owner's open work counted (``fr.OwnerOpen``): the counts, then the cadence kept.
    Both read the actions in owner order (the scope's own index would not: ``by_index``)."""
    scoped = scope.where(by_index=False)[0]
    weekly = {**params, **_cadence_weeks(now, weeks)}
    if scope.initiative_id is None and scope.action_ids is None:
        kept = dict(cursor.execute(_OWNERS_KEPT, weekly).fetchall())
    else:
        joined = _OWNERS_KEPT_OF.format(scope=scope.where(by_index=False, table="a.")[0])
        kept = dict(cursor.execute(joined, weekly).fetchall())
    return [
        fr.OwnerOpen(login, count, lived, kept.get(login, 0), late, dated)
        for login, count, lived, late, dated in cursor.execute(
            _OWNERS_OPEN.format(lived=_lived_sql(weeks), scope=scoped), weekly
        )
    ]


def _tuples(store: Store) -> sqlite3.Cursor:
    """A cursor of plain tuples: thousands of rows, read by position."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return cursor


def _stays(
    cursor: sqlite3.Cursor, scope: Scope, params: dict[str, object]
) -> dict[str, fr.PhaseStays]:
    """The stays that ended in the window, per phase, and the moves back from each, as the
    kept table holds them (the actions of the scope: their ids, looked up by SQLite): each
    phase counted, then the few stays at its median's and 85th percentile's ranks (the four
    phases in one statement each)."""
    scoped, scope_params = scope.where()
    only = f" AND action_id IN (SELECT id FROM actions WHERE 1{scoped})" if scoped else ""
    asked = {**scope_params, "since": params["since"]}
    counts = _each_phase({phase: _STAY_COUNTS.format(scope=only) for phase in fr.RANK})
    counted = {phase: (count, back) for phase, count, back in cursor.execute(counts, asked)}
    ranked = {
        phase: " UNION ALL ".join(
            _STAYS_AT.format(scope=only, first=first, count=count)
            for first, count in _pairs(fr.quantile_ranks(count))
        )
        for phase, (count, _) in counted.items()
        if count
    }
    at: dict[str, dict[int, float]] = {phase: {} for phase in fr.RANK}
    if ranked:
        for phase, first, count, least, greatest in cursor.execute(_each_phase(ranked), asked):
            at[phase][first] = least
            at[phase][first + count - 1] = greatest
    return {
        phase: fr.PhaseStays(
            count,
            fr.median_of_ranked(count, at[phase]),
            fr.percentile_of_ranked(count, at[phase], fr.P85),
            back,
        )
        for phase, (count, back) in counted.items()
    }


def _pairs(ranks: Collection[int]) -> list[tuple[int, int]]:
    """Ranks as runs of one or two adjacent ones, (first, how many): {4, 5, 6, 9} is (4, 2),
    (6, 1), (9, 1). A pair is one walk of the index to it."""
    runs: list[tuple[int, int]] = []
    for rank in sorted(ranks):
        if runs and runs[-1] == (rank - 1, 1):
            runs[-1] = (rank - 1, 2)
        else:
            runs.append((rank, 1))
    return runs


def _outcomes(cursor: sqlite3.Cursor, scope: Scope, params: dict[str, object]) -> fr.Outcomes:
    """Decisions and follow-up results per initiative, counted by SQLite."""
    counts: Counter[tuple[int | None, str]] = Counter()
    # Down an index in its order: a few actions by id are a condition on it, not rows to find
    # by id and then sort.
    by_index = scope.action_ids is None
    decided = _DECISIONS.format(scope=scope.where(by_index)[0])
    for initiative, decision, count in cursor.execute(decided, params):
        counts[(initiative, decision)] += count
    if scope.initiative_id is None and scope.action_ids is None:
        for initiative, result, count in cursor.execute(_AUDITS_KEPT):
            counts[(initiative, result)] += count
        for (initiative,) in cursor.execute(_AUDITS_WAITING, params):
            counts[(initiative, "waiting")] += 1
        return counts
    audits = _FOLLOWUPS.format(scope=scope.where(by_index, table="a.")[0])
    for initiative, *kinds in cursor.execute(audits, params):
        for kind, count in zip(("holding", "slipped", "waiting"), kinds, strict=True):
            if count:  # an initiative with no audit of a kind is not one that has any
                counts[(initiative, kind)] += count
    return counts


def _initiative_names(store: Store, scope: Scope) -> dict[int, str]:
    rows = store.conn.execute("SELECT id, name FROM initiatives ORDER BY name COLLATE NOCASE")
    return {
        r["id"]: r["name"]
        for r in rows
        if scope.initiative_id is None or r["id"] == scope.initiative_id
    }
