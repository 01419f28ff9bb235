"""The flow view's stays kept in ``action_stays`` by triggers (db/schema.py ``0014_flow_kept``).

The table must always be what the event log says: one row per move or completion of an action
that no undo took back, whoever wrote the log and however (the store, undo, an import, a hand
edit with sqlite3). Keeping it never changes a row's version and never makes a write fail. And
the figures read from it are the figures read from the event log before (tests/
flow_reference.py, db/flow.py as it was): the same numbers on the same seeded file.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdca.db import flow, schema
from pdca.db.errors import PdcaError
from pdca.db.models import ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests import flow_reference
from tests.conftest import NOW_DT
from tests.log_writes import apply_step, import_junk_move, two_people, versions

DUE = "2026-12-01"
Row = tuple[int, int, int, str, str | None, str, float | None]


def kept(conn: sqlite3.Connection) -> dict[int, Row]:
    return {
        row[0]: _rounded(row)
        for row in conn.execute("SELECT id, action_id, tx, phase, next, at, days FROM action_stays")
    }


def _rounded(row: tuple) -> Row:
    *head, days = row
    return (*head, None if days is None else round(days, 9))  # type: ignore[return-value]


def _phase(snapshot: str | None) -> str | None:
    try:
        value = json.loads(snapshot) if snapshot is not None else None
    except ValueError:
        return None
    return value.get("phase") if isinstance(value, dict) else None


def recomputed(conn: sqlite3.Connection) -> dict[int, Row]:
    """The same, worked out in Python from the whole event log."""
    events = conn.execute(
        "SELECT id, tx, at, entity, entity_id, op, summary, before, after, undo_of FROM events"
    ).fetchall()
    undone = {row[9] for row in events if row[9] is not None}
    found = {}
    for event_id, tx, at, entity, entity_id, op, summary, before, after, undo_of in events:
        if (entity, op) != ("action", "update") or undo_of is not None or tx in undone:
            continue
        moved = summary.startswith("moved #")
        left = _phase(before)
        if not (moved or summary.startswith("done #")) or left is None:
            continue
        entered = json.loads(before).get("phase_since")
        (days,) = conn.execute("SELECT julianday(?) - julianday(?)", (at, entered)).fetchone()
        to = _phase(after) if moved else None
        found[event_id] = _rounded((event_id, entity_id, tx, left, to, at, days))
    return found


# --------------------------------------------------------------------------- the store


def _history(store: Store) -> int:
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE))
    store.move_action(action.id, "do")
    store.add_checkin(action.id, CheckinDraft(message="going"))
    store.move_action(action.id, "check")
    store.move_action(action.id, "do")  # back: Check wants a word since
    store.add_checkin(action.id, CheckinDraft(message="again"))
    store.move_action(action.id, "check")
    store.move_action(action.id, "act", verdict="worked")
    store.complete_action(action.id, "standardize")
    return action.id


def test_moves_and_completions_are_kept_and_an_undo_takes_its_move_back(store: Store) -> None:
    action_id = _history(store)
    rows = sorted(kept(store.conn).values())
    assert [(r[1], r[3], r[4]) for r in rows] == [
        (action_id, "plan", "do"),
        (action_id, "do", "check"),
        (action_id, "check", "do"),
        (action_id, "do", "check"),
        (action_id, "check", "act"),
        (action_id, "act", None),  # done in Act
    ]
    assert all(r[6] == 0.0 for r in rows)  # all at the same instant
    store.undo()  # the completion
    assert [r[4] for r in sorted(kept(store.conn).values())][-1] == "act"
    assert kept(store.conn) == recomputed(store.conn)


def test_a_hand_edit_of_the_log_is_followed_and_junk_fails_no_write(store: Store) -> None:
    action_id = _history(store)
    before = versions(store.conn)
    conn = store.conn
    (moved,) = conn.execute("SELECT min(id) FROM action_stays").fetchone()
    conn.execute("DELETE FROM events WHERE id = ?", (moved,))
    conn.execute("UPDATE events SET at = '2026-11-30T09:00:00Z' WHERE id = ?", (moved + 1,))
    import_junk_move(conn, action_id, "2026-11-20T09:00:00Z")  # kept nowhere
    conn.execute(  # an undo of a transaction not in the log: takes nothing back
        "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, undo_of)"
        " VALUES (1000, '2026-11-20T09:00:00Z', 'x', 'action', ?, 'update', 'undo', 12345)",
        (action_id,),
    )
    assert kept(conn) == recomputed(conn) and len(kept(conn)) == 5
    assert versions(conn) == before  # the triggers write action_stays alone


def test_the_upgrade_fills_the_table_as_the_triggers_keep_it(store: Store) -> None:
    """Migration 0014 fills the table from the log with the statement the triggers run."""
    _history(store)
    store.undo()
    _history(store)
    triggered = kept(store.conn)
    store.conn.execute("DELETE FROM action_stays")
    store.conn.execute(schema._STAY_ROWS.format(events="1"))
    assert kept(store.conn) == triggered == recomputed(store.conn) and len(triggered) == 11


# --------------------------------------------------------------------------- any sequence

ACTIONS = 3
PHASES = ["plan", "do", "check", "act"]
_pick = st.integers(min_value=0, max_value=1_000)
STEPS = st.one_of(
    st.tuples(st.just("move"), st.integers(0, ACTIONS - 1), st.sampled_from(PHASES)),
    st.tuples(st.just("done"), st.integers(0, ACTIONS - 1),
              st.sampled_from(["standardize", "adjust", "abandon"])),
    st.tuples(st.just("checkin"), st.integers(0, ACTIONS - 1)),
    st.tuples(st.just("undo"), st.booleans()),
    st.tuples(st.just("later"), st.integers(1, 72)),
    st.tuples(st.just("forget"), _pick),
    st.tuples(st.just("redo"), _pick),
    st.tuples(st.just("retime"), _pick, st.integers(-48, 48)),
    st.tuples(st.just("copy"), _pick),
)  # fmt: skip


def _apply(stores: list[Store], clock: list[datetime], ids: list[int], step: tuple) -> bool:
    """One write of ``step``; True when it was a hand edit of the log (no action changes).
    A hand edit picks from the actions' changes and the undos (what counts)."""
    events = [
        row[0]
        for row in stores[0].conn.execute(
            "SELECT id FROM events WHERE entity = 'action' AND op = 'update'"
            " OR undo_of IS NOT NULL ORDER BY id"
        )
    ]
    return apply_step(stores, clock, ids, step, events)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEPS, min_size=1, max_size=30))
def test_the_kept_stays_always_equal_what_the_log_says(steps: list[tuple]) -> None:
    clock = [NOW_DT - timedelta(days=20)]
    with two_people(clock, ACTIONS) as (stores, ids):
        setup = Store(stores[0].conn, actor="setup", clock=lambda: clock[0])
        for action_id in ids:  # a move back too, for the hand edits to find
            setup.move_action(action_id, "check")
            setup.move_action(action_id, "do")
        conn = stores[0].conn
        for step in steps:
            before = versions(conn)
            by_hand = _apply(stores, clock, ids, step)
            assert kept(conn) == recomputed(conn), step
            if by_hand:
                assert versions(conn) == before, step


# --------------------------------------------------------------------------- same answer


def _scopes(store: Store) -> list[flow.Scope]:
    (initiative,) = store.conn.execute("SELECT min(id) FROM initiatives").fetchone()
    some = {r[0] for r in store.conn.execute("SELECT id FROM actions WHERE id % 3 = 0")}
    return [flow.EVERYTHING, flow.Scope(initiative_id=initiative), flow.Scope(action_ids=some)]


def _old(scope: flow.Scope) -> flow_reference.Scope:
    return flow_reference.Scope(scope.initiative_id, scope.action_ids)


@pytest.mark.parametrize("seed", [5, 11])
def test_the_figures_are_the_event_logs_on_a_seeded_file(store: Store, seed: int) -> None:
    """``flow`` (the kept stays, the indexes of 0014) against the event log read as before,
    whole and scoped, and over a report's longer window: every number the same."""
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=seed)
    figures = flow.flow(store)
    assert sum(p.stays for p in figures.phases) > 100 and sum(p.went_back for p in figures.phases)
    assert any(o.weeks_kept for o in figures.owners) and figures.initiatives
    for scope in _scopes(store):
        for weeks in (1, 4, 13, 30):
            assert flow.flow(store, scope, weeks) == flow_reference.flow(
                store, _old(scope), weeks
            ), (scope, weeks)


def test_the_figures_are_the_event_logs_after_moves_back_and_undos(store: Store) -> None:
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=7)
    clock = store.clock()
    bob = Store(store.conn, actor="bob", clock=lambda: clock + timedelta(hours=1))
    open_ids = [
        r[0] for r in store.conn.execute("SELECT id FROM actions WHERE done_at IS NULL LIMIT 40")
    ]
    for n, action_id in enumerate(open_ids):
        with contextlib.suppress(PdcaError):
            phase = store.get_action(action_id).phase
            target = "plan" if phase != "plan" else "do"
            bob.move_action(action_id, target)
            if n % 3 == 0:
                bob.undo()
    for scope in _scopes(store):
        assert flow.flow(store, scope) == flow_reference.flow(store, _old(scope)), scope


def test_the_cadence_of_two_actions_is_not_mixed_up_over_a_long_window(store: Store) -> None:
    """Over a report's window of 30 weeks: one owner's two actions, next to each other by id,
    each with a check-in in one week (17 weeks back, and the last week). Two weeks kept, as
    the check-ins say, not one: an (action, week) pair must never read as another's."""
    from tests.flow_support import at

    at(store, 200)
    first = store.add_action(ActionDraft(title="a", owner="bob", due=DUE))
    second = store.add_action(ActionDraft(title="b", owner="bob", due=DUE))
    assert second.id == first.id + 1
    at(store, 115)  # week 17 back
    store.add_checkin(first.id, CheckinDraft(message="m"))
    at(store, 3)  # the last week
    store.add_checkin(second.id, CheckinDraft(message="m"))
    at(store, 0)
    (bob,) = flow.flow(store, weeks=30).owners
    assert (bob.weeks_expected, bob.weeks_kept) == (56, 2)
    assert flow.flow(store, weeks=30) == flow_reference.flow(store, weeks=30)


def test_a_write_between_a_count_and_its_ranks_is_not_half_seen(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """flow() counts each phase's stays, then reads the stays at ranks of that count: another
    process's undo committed between the two (the view reads again whenever others write)
    had left a rank missing (KeyError: the app quit). One read transaction holds both."""
    from tests.flow_support import build_history

    build_history(store)
    assert store.path is not None
    other = Store.open(store.path, actor="dana", clock=store.clock)
    try:
        moved = other.add_action(ActionDraft(title="to undo", owner="dana", due=DUE))
        other.move_action(moved.id, "do")  # a stay of Plan, ended in the window
        expected = flow.flow(store).model_dump()
        real = flow._each_phase
        calls = []
        path = store.path

        def undo_between(statements: dict[str, str], *adapt: Any) -> str:
            if any("FROM action_stays" in sql for sql in statements.values()):
                calls.append(1)
            if len(calls) == 2:  # the ranks' statement: the counts were read
                calls.append(1)
                # On the thread that reads the stays (db/flow.py reads them beside the rest):
                # a connection of its own there, as another process's would be.
                undoing = Store.open(path, actor="dana", clock=store.clock)
                undoing.undo()
                undoing.close()
            return real(statements, *adapt)

        monkeypatch.setattr(flow, "_each_phase", undo_between)
        assert flow.flow(store).model_dump() == expected  # the moment of its first read
        assert len(calls) >= 2
        monkeypatch.setattr(flow, "_each_phase", real)
        assert flow.flow(store).model_dump() != expected  # the undo, seen as a whole
    finally:
        other.close()


def test_a_file_removed_or_replaced_while_open_is_read_whole_on_the_open_one(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """flow() reads half its figures on a second connection, opened by the file's name: when
    the name no longer leads to the file the store has open (moved away, or another file put
    there), both halves come from the open one, as before, not an error or a mix of two."""
    import os

    from tests.flow_support import build_history

    build_history(store)
    expected = flow.flow(store)
    elsewhere = Store.open(tmp_path / "other.db", actor="dana", clock=store.clock, create=True)
    elsewhere.add_action(ActionDraft(title="elsewhere", owner="dana", due=DUE))
    elsewhere.close()
    opened = Store.open

    def another_file(path: Path, **kwargs: Any) -> Store:  # what the name leads to now
        return opened(tmp_path / "other.db", **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(Store, "open", another_file)
        assert flow.flow(store) == expected
    assert store.path is not None
    os.rename(store.path, tmp_path / "moved.db")  # a person's mv under an open pdca
    assert flow.flow(store) == expected
