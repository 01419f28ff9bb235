"""The flow view's cadence kept by triggers (db/schema.py ``0018_cadence_kept``).

``checkin_weeks`` holds each action's calendar weeks (Monday to Sunday, UTC) with a check-in
proper and how many; ``owner_weeks`` per owner and week, how many of their open actions,
created by the week's first instant, had one. Both must always be what the check-ins and the
actions say, whoever writes and however (the store, undo, a hand edit with sqlite3), and
keeping them never changes a row's version. Worked out here in Python from the rows, not with
the SQL the migration fills them with.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdca.db import flow, schema
from pdca.db import flow_rules as fr
from pdca.db.clock import iso
from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT
from tests.log_writes import apply_step, two_people


def _week(at: str) -> str | None:
    """The Monday (UTC) of the week ``at`` is in (a time without a zone is UTC, as SQLite
    reads it); None when it is no time."""
    try:
        moment = datetime.fromisoformat(at)  # Python 3.11 reads a Z
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    day = moment.date()
    return (day - timedelta(days=day.weekday())).isoformat()


def kept(conn: sqlite3.Connection) -> tuple[dict, dict]:
    weeks = {(a, w): n for a, w, n in conn.execute("SELECT * FROM checkin_weeks")}
    owners = {(o, w): n for o, w, n in conn.execute("SELECT * FROM owner_weeks")}
    return weeks, owners


def recomputed(conn: sqlite3.Connection) -> tuple[dict, dict]:
    weeks: Counter[tuple[int, str]] = Counter()
    for action_id, at in conn.execute("SELECT action_id, at FROM checkins WHERE kind = 'checkin'"):
        week = _week(at)
        if week is not None:
            weeks[(action_id, week)] += 1
    actions = {
        row[0]: row[1:]
        for row in conn.execute("SELECT id, owner, done_at, created_at FROM actions")
    }
    owners: Counter[tuple[str, str]] = Counter()
    for action_id, week in weeks:
        if action_id not in actions:
            continue
        owner, done_at, created_at = actions[action_id]
        if done_at is None and owner and created_at <= f"{week}T00:00:00Z":
            owners[(owner, week)] += 1
    return dict(weeks), dict(owners)


def versions(conn: sqlite3.Connection) -> dict[int, int]:
    return dict(conn.execute("SELECT id, version FROM actions").fetchall())


ACTIONS = 3
_pick = st.integers(min_value=0, max_value=1_000)
STEPS = st.one_of(
    st.tuples(st.just("checkin"), st.integers(0, ACTIONS - 1)),
    st.tuples(st.just("done"), st.integers(0, ACTIONS - 1),
              st.sampled_from(["standardize", "adjust", "abandon"])),
    st.tuples(st.just("hand"), st.integers(0, ACTIONS - 1), st.sampled_from(["bob", "carol"])),
    st.tuples(st.just("add"), st.sampled_from(["bob", "carol"])),
    st.tuples(st.just("undo"), st.booleans()),
    st.tuples(st.just("later"), st.integers(1, 200)),
    # By hand, with sqlite3, on the check-ins and the actions:
    st.tuples(st.just("unsay"), _pick),  # a check-in deleted
    st.tuples(st.just("redate"), _pick, st.integers(-400, 400)),  # moved in time (hours)
    st.tuples(st.just("reassign"), _pick, st.integers(0, ACTIONS - 1)),  # to another action
    st.tuples(st.just("rekind"), _pick),  # a check-in proper made a follow-up, or back
    st.tuples(st.just("reborn"), st.integers(0, ACTIONS - 1), st.integers(-400, 400)),
    st.tuples(st.just("reopen"), st.integers(0, ACTIONS - 1)),  # done_at cleared
    st.tuples(st.just("drop"), st.integers(0, ACTIONS - 1)),  # the action deleted
    st.tuples(st.just("revive"), st.integers(0, ACTIONS - 1)),  # and put back
)  # fmt: skip


def _apply(stores: list[Store], clock: list[datetime], ids: list[int], step: tuple) -> bool:
    """One write of ``step``; True when it was a hand edit (no store write)."""
    conn = stores[0].conn
    kind = step[0]
    checkins = [row[0] for row in conn.execute("SELECT id FROM checkins ORDER BY id")]
    by_checkin = kind in ("unsay", "redate", "reassign", "rekind")
    target = checkins[step[1] % len(checkins)] if checkins and by_checkin else None
    if kind == "unsay" and target is not None:
        conn.execute("DELETE FROM checkins WHERE id = ?", (target,))
    elif kind == "redate" and target is not None:
        conn.execute(
            "UPDATE checkins SET at = strftime('%Y-%m-%dT%H:%M:%SZ', at, ? || ' hours')"
            " WHERE id = ?",
            (step[2], target),
        )
    elif kind == "reassign" and target is not None:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("UPDATE checkins SET action_id = ? WHERE id = ?", (ids[step[2]], target))
        conn.execute("PRAGMA foreign_keys = ON")
    elif kind == "rekind" and target is not None:
        conn.execute(
            "UPDATE checkins SET kind = CASE kind WHEN 'checkin' THEN 'followup'"
            " ELSE 'checkin' END WHERE id = ?",
            (target,),
        )
    elif kind == "reborn":
        conn.execute(
            "UPDATE actions SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at,"
            " ? || ' hours') WHERE id = ?",
            (step[2], ids[step[1]]),
        )
    elif kind == "reopen":
        conn.execute("UPDATE actions SET done_at = NULL WHERE id = ?", (ids[step[1]],))
    elif kind == "drop":  # its check-ins stay behind (foreign keys off), counted for no one
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS dropped AS SELECT * FROM actions WHERE 0")
        conn.execute("INSERT INTO temp.dropped SELECT * FROM actions WHERE id = ?", (ids[step[1]],))
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM actions WHERE id = ?", (ids[step[1]],))
        conn.execute("PRAGMA foreign_keys = ON")
    elif kind == "revive":  # ... and put back (an import): its weeks count for its owner again
        with contextlib.suppress(sqlite3.OperationalError):  # nothing dropped yet
            conn.execute(
                "INSERT OR IGNORE INTO actions SELECT * FROM temp.dropped WHERE id = ?",
                (ids[step[1]],),
            )
            conn.execute("DELETE FROM temp.dropped WHERE id = ?", (ids[step[1]],))
    else:
        return apply_step(stores, clock, ids, step, [])
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEPS, min_size=1, max_size=30))
def test_the_kept_weeks_always_equal_what_the_check_ins_and_actions_say(
    steps: list[tuple],
) -> None:
    clock = [NOW_DT - timedelta(days=40)]
    with two_people(clock, ACTIONS) as (stores, ids):
        conn = stores[0].conn
        for _ in range(4):  # a check-in a week on each: weeks that count, for edits to move
            clock[0] += timedelta(days=7)
            for action_id in ids:
                stores[1].add_checkin(action_id, CheckinDraft(message="weekly"))
        assert kept(conn) == recomputed(conn) and kept(conn)[1]
        for step in steps:
            before = versions(conn)
            by_hand = _apply(stores, clock, ids, step)
            assert kept(conn) == recomputed(conn), step
            if by_hand and step[0] not in ("reborn", "reopen", "drop", "revive"):
                assert versions(conn) == before, step


def test_the_upgrade_fills_the_weeks_as_the_triggers_keep_them(store: Store) -> None:
    """Made again from the rows as migration 0018 made them: the same as kept write by write."""
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=3)
    conn = store.conn
    as_kept = kept(conn)
    assert as_kept == recomputed(conn) and as_kept[1]
    conn.execute("DELETE FROM owner_weeks")
    conn.execute("DELETE FROM checkin_weeks")  # its triggers count nothing out: owners empty
    assert kept(conn) == ({}, {})
    conn.execute("INSERT INTO checkin_weeks " + schema.CHECKIN_WEEKS_OF.format(only="", having=""))
    conn.execute("DELETE FROM owner_weeks")  # the inserts' triggers counted the owners again
    conn.execute("INSERT INTO owner_weeks " + schema.OWNER_WEEKS_OF.format(only=""))
    assert kept(conn) == as_kept


def test_cadence_counts_calendar_weeks_in_utc(store: Store) -> None:
    """An action created before last week, checked in on last week's Monday 00:00 UTC and on
    this week's: last week is kept, this week is not counted yet (it is not over)."""
    this_week = fr.cadence_start(store.clock())
    action = store.add_action(ActionDraft(title="weekly", owner="dana", due="2026-12-31"))
    store.conn.execute(
        "UPDATE actions SET created_at = ? WHERE id = ?",
        (iso(this_week - timedelta(weeks=3)), action.id),
    )
    store.add_checkin(action.id, CheckinDraft(message="this week"))
    store.conn.execute(
        "INSERT INTO checkins (action_id, at, author, message) VALUES (?, ?, 'dana', 'x')",
        (action.id, iso(this_week - timedelta(weeks=1))),  # last week's first instant
    )
    figures = flow.flow(store)
    (dana,) = [o for o in figures.owners if o.login == "dana"]
    assert (dana.weeks_expected, dana.weeks_kept) == (3, 1)
    scoped = flow.flow(store, flow.Scope(action_ids={action.id}))
    (dana,) = [o for o in scoped.owners if o.login == "dana"]
    assert (dana.weeks_expected, dana.weeks_kept) == (3, 1)
