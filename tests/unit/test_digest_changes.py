"""The stand-up's changes kept in ``event_changes`` by triggers (db/schema.py
``0015_event_changes``).

Whoever writes the event log and however (the store, undo, an import, a hand edit with
sqlite3), the stand-up's reading of the kept table (db/accountability.py ``_CHANGES``) must be
what the events' own snapshots say: ``CLASSIFIED`` below is the query the stand-up ran before
0015, which parsed every event of the window. Keeping the table never makes a write fail.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdca.db import accountability as acc
from pdca.db import schema
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT
from tests.log_writes import apply_step, import_junk_move, two_people, versions

DUE = "2026-12-01"
EVERYTHING = ("0000", "9999")  # a window holding every event

# The stand-up's query before migration 0015 (db/accountability.py as it was): every event of
# the window classified from its snapshots, its person joined from its action; an action an
# undo took back, created in another change than the one undone (a repeat made from a done),
# left out as the stand-up leaves it out since.
CLASSIFIED = """
SELECT e.id, CASE
  WHEN e.entity = 'action' AND e.op = 'create' THEN 'created'
  WHEN e.entity = 'action' AND e.op = 'update' THEN CASE
    WHEN json_extract(e.before, '$.done_at') IS NULL
     AND json_extract(e.after, '$.done_at') IS NOT NULL THEN 'done'
    WHEN json_extract(e.before, '$.phase') IS NOT json_extract(e.after, '$.phase')
     AND json_extract(e.after, '$.done_at') IS NULL THEN 'moved'
    WHEN json_extract(e.before, '$.owner') IS NOT json_extract(e.after, '$.owner')
     AND json_extract(e.after, '$.done_at') IS NULL THEN 'handed'
    WHEN json_extract(e.before, '$.due') IS NOT json_extract(e.after, '$.due')
     AND json_extract(e.after, '$.done_at') IS NULL THEN 'rescheduled'
    WHEN json_extract(e.before, '$.priority') IS NOT json_extract(e.after, '$.priority')
     AND json_extract(e.after, '$.done_at') IS NULL THEN 'reprioritized' END
  WHEN e.entity = 'checkin' AND e.op = 'create' THEN
    CASE WHEN json_extract(e.after, '$.kind') = 'followup' THEN 'followup' ELSE 'checkin' END
  WHEN e.entity = 'alert' AND e.op = 'create' THEN 'alert-raised'
  WHEN e.entity = 'alert' AND e.op = 'update' THEN CASE
    WHEN ifnull(json_extract(e.after, '$.acknowledged_at'), '') <> ''
     AND ifnull(json_extract(e.before, '$.acknowledged_at'), '') = '' THEN 'alert-acknowledged'
    WHEN json_extract(e.before, '$.assignee') IS NOT json_extract(e.after, '$.assignee')
     AND ifnull(json_extract(e.after, '$.acknowledged_at'), '') = ''
     AND ifnull(json_extract(e.before, '$.assignee'), '') <> ''
     -- handed on with its KPI (its level as it was): a hand-over, as the stand-up says it
     THEN CASE WHEN json_extract(e.before, '$.escalation_level')
       IS json_extract(e.after, '$.escalation_level') THEN 'handed' ELSE 'alert-escalated' END
    WHEN ifnull(json_extract(e.after, '$.closed_at'), '') <> ''
     AND ifnull(json_extract(e.before, '$.closed_at'), '') = '' THEN 'alert-closed'
    WHEN ifnull(json_extract(e.before, '$.closed_at'), '') <> ''
     AND ifnull(json_extract(e.after, '$.closed_at'), '') = '' THEN 'alert-reopened' END
  WHEN e.entity = 'followup' AND e.op = 'update'
   AND json_extract(e.before, '$.owner') IS NOT json_extract(e.after, '$.owner')
   AND json_extract(e.after, '$.done_at') IS NULL THEN 'handed'
  END AS kind,
 CASE
  WHEN e.entity = 'alert' THEN json_extract(e.after, '$.assignee')
  WHEN e.entity = 'followup' THEN json_extract(e.after, '$.owner')
  WHEN a.id IS NOT NULL THEN a.owner
  WHEN e.entity = 'action' THEN json_extract(e.after, '$.owner')
  ELSE json_extract(e.after, '$.author') END AS person
FROM events e LEFT JOIN actions a ON a.id = CASE
  WHEN e.entity = 'action' THEN e.entity_id
  WHEN e.entity = 'checkin' AND e.op = 'create'
   AND json_type(e.after, '$.action_id') = 'integer' THEN json_extract(e.after, '$.action_id')
  END
WHERE e.at > ?1 AND e.at <= ?2 AND +e.entity IN ('action', 'checkin', 'alert', 'followup')
 AND e.undo_of IS NULL AND NOT EXISTS (SELECT 1 FROM events u INDEXED BY idx_events_undo_of
  WHERE u.undo_of = e.tx AND u.at > ?1 AND u.at <= ?2
  AND +u.entity IN ('action', 'checkin', 'alert', 'followup'))
 AND NOT (e.entity = 'action' AND e.op = 'create' AND a.id IS NULL AND EXISTS (SELECT 1
  FROM events d WHERE d.entity = 'action' AND d.entity_id = e.entity_id AND d.op = 'delete'
  AND d.undo_of IS NOT NULL))
ORDER BY e.at, e.id
"""

Change = tuple[int, str, str | None]


def before_0015(conn: sqlite3.Connection, since: str, until: str) -> list[Change]:
    """The changes as the snapshots say, skipping (as the trigger does) snapshots that are
    not JSON: the old query failed on them, the kept table leaves them out."""
    valid = "e.entity IN ('action', 'checkin', 'alert', 'followup') AND e.undo_of IS NULL AND"
    junk = {
        row[0]
        for row in conn.execute(
            f"SELECT id FROM events e WHERE {valid} NOT ((e.before IS NULL OR json_valid(e.before))"
            " AND (e.after IS NULL OR json_valid(e.after)))"
        )
    }
    if junk:
        marks = ", ".join(str(n) for n in sorted(junk))
        sql = CLASSIFIED.replace("ORDER BY", f"AND e.id NOT IN ({marks}) ORDER BY")
    else:
        sql = CLASSIFIED
    return [tuple(row) for row in conn.execute(sql, (since, until)) if row[1] is not None]  # type: ignore[misc]


def kept(conn: sqlite3.Connection, since: str, until: str) -> list[Change]:
    window = (since, until, acc.arules.events_after(None), "pdca")  # by time alone
    # id, kind, whose (the fourth, the tier, only ranks the lines); kind and whose come as
    # bytes, decoded once per name by the stand-up
    return [
        (row[0], row[1].decode(), None if row[2] is None else row[2].decode())
        for row in conn.execute(acc._CHANGES, window)
    ]


# --------------------------------------------------------------------------- the store


def _history(store: Store) -> int:
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE))
    store.move_action(action.id, "do")
    store.add_checkin(action.id, CheckinDraft(message="going"))
    store.edit_action(action.id, ActionChanges(owner="carol"))
    store.edit_action(action.id, ActionChanges(title="y"))  # no change a stand-up tells
    store.move_action(action.id, "check")
    store.move_action(action.id, "act", verdict="worked")
    store.complete_action(action.id, "standardize")
    return action.id


def test_each_change_is_kept_with_its_kind_and_an_undo_takes_it_back(store: Store) -> None:
    action_id = _history(store)
    kinds = [row[1] for row in kept(store.conn, *EVERYTHING)]
    assert kinds == ["created", "moved", "checkin", "handed", "moved", "moved", "done"]
    # The history moved with the action: every change is carol's now.
    assert {row[2] for row in kept(store.conn, *EVERYTHING)} == {"carol"}
    store.undo()  # the completion: no longer a change, and the undo itself is none
    assert [row[1] for row in kept(store.conn, *EVERYTHING)][-1] == "moved"
    assert kept(store.conn, *EVERYTHING) == before_0015(store.conn, *EVERYTHING)
    (count,) = store.conn.execute(
        "SELECT count(*) FROM event_changes WHERE action_id = ?", (action_id,)
    ).fetchone()
    assert count == 7  # the undone completion stays kept: the undo is what hides it


def test_a_hand_edit_of_the_log_is_followed_and_junk_fails_no_write(store: Store) -> None:
    action_id = _history(store)
    before = versions(store.conn)
    conn = store.conn
    (first,) = conn.execute("SELECT min(id) FROM event_changes").fetchone()
    conn.execute("DELETE FROM events WHERE id = ?", (first,))
    conn.execute("UPDATE events SET at = '2026-11-30T09:00:00Z' WHERE id = ?", (first + 1,))
    import_junk_move(conn, action_id, "2026-11-20T09:00:00Z")  # kept nowhere
    conn.execute(  # a check-in written by hand for an action that is not there: its author's
        "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, after)"
        " VALUES (1000, '2026-11-20T10:00:00Z', 'x', 'checkin', 77, 'create', 'checked in',"
        " json_object('action_id', 4242, 'author', 'dave', 'kind', 'followup'))"
    )
    conn.execute(  # an undo of a transaction not in the log: takes nothing back
        "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, undo_of)"
        " VALUES (1001, '2026-11-20T09:00:00Z', 'x', 'action', ?, 'update', 'undo', 12345)",
        (action_id,),
    )
    changes = kept(conn, *EVERYTHING)
    assert changes == before_0015(conn, *EVERYTHING) and len(changes) == 7
    assert ("followup", "dave") in [(row[1], row[2]) for row in changes]
    assert versions(conn) == before  # the triggers write event_changes alone


def test_an_event_replaced_by_hand_keeps_one_change(store: Store) -> None:
    """INSERT OR REPLACE (by hand, or an import's) replaces an event without firing its
    delete trigger: its change, kept under its old time, must not stay beside the new one."""
    _history(store)
    conn = store.conn
    (first,) = conn.execute("SELECT min(id) FROM event_changes").fetchone()
    conn.execute(
        "INSERT OR REPLACE INTO events (id, tx, at, actor, entity, entity_id, op, summary,"
        " before, after, undo_of) SELECT id, tx, '2026-11-30T09:00:00Z', actor, entity,"
        " entity_id, op, summary, before, after, undo_of FROM events WHERE id = ?",
        (first,),
    )
    rows = conn.execute("SELECT at FROM event_changes WHERE id = ?", (first,)).fetchall()
    assert [tuple(row) for row in rows] == [("2026-11-30T09:00:00Z",)]
    assert kept(conn, *EVERYTHING) == before_0015(conn, *EVERYTHING)


def test_the_upgrade_fills_the_table_as_the_triggers_keep_it(store: Store) -> None:
    """Migration 0015 fills the table from the log with the statement the triggers run."""
    _history(store)
    store.undo()
    _history(store)
    triggered = [tuple(r) for r in store.conn.execute("SELECT * FROM event_changes ORDER BY id")]
    store.conn.execute("DELETE FROM event_changes")
    store.conn.execute(schema._CHANGE_ROW.format(e="e", source="FROM events e"))
    filled = [tuple(r) for r in store.conn.execute("SELECT * FROM event_changes ORDER BY id")]
    assert filled == triggered and len(filled) == 14


# --------------------------------------------------------------------------- any sequence

ACTIONS = 3
PEOPLE = ["bob", "carol", None]
PHASES = ["plan", "do", "check", "act"]
_pick = st.integers(min_value=0, max_value=1_000)
STEPS = st.one_of(
    st.tuples(st.just("move"), st.integers(0, ACTIONS - 1), st.sampled_from(PHASES)),
    st.tuples(st.just("done"), st.integers(0, ACTIONS - 1),
              st.sampled_from(["standardize", "adjust", "abandon"])),
    st.tuples(st.just("checkin"), st.integers(0, ACTIONS - 1)),
    st.tuples(st.just("hand"), st.integers(0, ACTIONS - 1), st.sampled_from(PEOPLE)),
    st.tuples(st.just("add"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("undo"), st.booleans()),
    st.tuples(st.just("later"), st.integers(1, 72)),
    st.tuples(st.just("forget"), _pick),
    st.tuples(st.just("redo"), _pick),
    st.tuples(st.just("retime"), _pick, st.integers(-48, 48)),
    st.tuples(st.just("copy"), _pick),
    st.tuples(st.just("drop"), st.integers(0, ACTIONS - 1)),
)  # fmt: skip


def _apply(stores: list[Store], clock: list[datetime], ids: list[int], step: tuple) -> bool:
    """One write of ``step``; True when it was a hand edit (no store write). A hand edit
    picks from every event."""
    events = [row[0] for row in stores[0].conn.execute("SELECT id FROM events ORDER BY id")]
    return apply_step(stores, clock, ids, step, events)


def _windows(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every event in one, and windows cut at some of the events' own moments."""
    moments = [row[0] for row in conn.execute("SELECT DISTINCT at FROM events ORDER BY at")]
    cuts = [EVERYTHING]
    if len(moments) > 2:
        middle = moments[len(moments) // 2]
        cuts += [(moments[0], middle), (middle, moments[-1]), (moments[1], moments[-2])]
    return cuts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEPS, min_size=1, max_size=30))
def test_the_kept_changes_always_equal_what_the_snapshots_say(steps: list[tuple]) -> None:
    clock = [NOW_DT - timedelta(days=20)]
    with two_people(clock, ACTIONS) as (stores, ids):
        conn = stores[0].conn
        for step in steps:
            before = versions(conn)
            by_hand = _apply(stores, clock, ids, step)
            for window in _windows(conn):
                assert kept(conn, *window) == before_0015(conn, *window), step
            if by_hand and step[0] != "drop":
                assert versions(conn) == before, step


# --------------------------------------------------------------------------- same answer


@pytest.mark.parametrize("seed", [5, 11])
def test_the_changes_are_the_snapshots_on_a_seeded_file(store: Store, seed: int) -> None:
    """The kept table against the snapshots, over the stand-up's day and longer windows, on
    a seeded file (its alerts raised, acknowledged and escalated, actions handed, undos)."""
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=seed)
    now = store.clock()
    kinds = {row[0] for row in store.conn.execute("SELECT DISTINCT kind FROM event_changes")}
    assert {"created", "moved", "done", "checkin", "followup", "alert-raised"} <= kinds
    for days in (1, 7, 90, 3650):
        window = ((now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"), acc.iso(now))
        changes = kept(store.conn, *window)
        assert changes == before_0015(store.conn, *window), days
    assert len(changes) > 1000


def test_an_import_keeps_the_changes_of_the_history_it_brings(store: Store, tmp_path: Path) -> None:
    """``pdca import`` of a JSON export writes the events with plain INSERTs: the triggers
    keep their changes in the new file, as the snapshots say (the export does not carry the
    kept table: it is pdca's, made again from the log)."""
    from pdca.db import transfer

    _history(store)
    store.undo()
    exported = tmp_path / "export.json"
    exported.write_text(transfer.export_json(store), encoding="utf-8")
    assert "event_changes" not in exported.read_text(encoding="utf-8")
    fresh = Store.open(tmp_path / "new.db", actor="alice", clock=store.clock, create=True)
    try:
        transfer.import_file(fresh, exported, store.clock().date())
        changes = kept(fresh.conn, *EVERYTHING)
        assert changes == kept(store.conn, *EVERYTHING) == before_0015(fresh.conn, *EVERYTHING)
        assert len(changes) == 6
    finally:
        fresh.close()


def _upgraded_with_an_event_untold(
    tmp_path: Path, version: int, values: str, snapshot: str
) -> Store:
    """A file of schema ``version`` holding one event its triggers kept no row of (written
    with them dropped, as that schema's triggers saw it: as no change), opened by this pdca,
    which upgrades it. ``values``: the event's columns, ``?`` for ``snapshot`` twice (its
    before, and the after made of it)."""
    from tests.unit.test_file_safety import make_old_database

    path = tmp_path / "old.db"
    make_old_database(path, version)
    conn = sqlite3.connect(path, isolation_level=None)
    for name in schema._CHANGE_TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(
        "INSERT INTO events (tx, at, actor, entity, entity_id, op, summary, before, after)"
        f" VALUES ({values})",
        (snapshot, snapshot),
    )
    conn.close()
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
    return store


def test_an_upgrade_to_schema_23_tells_the_due_dates_moved_before_it(tmp_path: Path) -> None:
    """A file of schema 22: its triggers did not know ``rescheduled``, ``reprioritized`` or
    ``alert-closed``, so its log holds such changes with no kept row. Upgrading makes the
    triggers again and keeps the rows of the changes already made, as a new file would."""
    plan = '{"phase": "plan", "done_at": null, "owner": "bob", "due": "2026-11-25"}'
    store = _upgraded_with_an_event_untold(
        tmp_path,
        22,
        "50, '2026-11-21T09:00:00Z', 'bob', 'action', 1, 'update', 'edited #1', ?,"
        " json_set(?, '$.due', '2026-12-02')",
        plan,
    )
    try:
        told = store.conn.execute(
            "SELECT kind, action_id FROM event_changes WHERE tx = 50"
        ).fetchall()
        assert [tuple(row) for row in told] == [("rescheduled", 1)]
        store.edit_action(1, ActionChanges(priority="high"))  # the triggers are the new ones
        kinds = [
            row[0] for row in store.conn.execute("SELECT kind FROM event_changes ORDER BY at, id")
        ]
        assert kinds[-1] == "reprioritized"
        assert kept(store.conn, *EVERYTHING) == before_0015(store.conn, *EVERYTHING)
    finally:
        store.close()


def test_follow_ups_handed_over_are_kept_as_their_new_owners_and_an_undo_takes_them_back(
    store: Store,
) -> None:
    """``pdca reassign ann carl`` handed carl three audits of ann's done work, and no
    stand-up said so (a lead's trial): each is a ``handed`` change of carl's (the done action
    stays ann's); the reassign's undo takes them back."""
    action_id = _history(store)  # done, standardized: carol's audits at +30, +60, +90
    before = len(kept(store.conn, *EVERYTHING))
    assert store.hand_over("carol", "dave") == ([], 3, [])
    handed = kept(store.conn, *EVERYTHING)[before:]
    assert [(kind, person) for _, kind, person in handed] == [("handed", "dave")] * 3
    assert kept(store.conn, *EVERYTHING) == before_0015(store.conn, *EVERYTHING)
    assert store.get_action(action_id).owner == "carol"
    store.undo()
    assert len(kept(store.conn, *EVERYTHING)) == before
    assert kept(store.conn, *EVERYTHING) == before_0015(store.conn, *EVERYTHING)


def test_an_upgrade_to_schema_24_tells_the_follow_ups_handed_before_it(tmp_path: Path) -> None:
    """A file of schema 23: its triggers kept no follow-up handed over. Upgrading makes the
    triggers again and keeps the handovers already in the log, as a new file would."""
    audit = '{"action_id": 1, "owner": "ann", "offset_days": 30, "due": "2026-12-23"}'
    store = _upgraded_with_an_event_untold(
        tmp_path,
        23,
        "60, '2026-11-21T09:00:00Z', 'lena', 'followup', 7, 'update', 'handed', ?,"
        " json_set(?, '$.owner', 'carl')",
        audit,
    )
    try:
        told = store.conn.execute(
            "SELECT kind, action_id, person FROM event_changes WHERE tx = 60"
        ).fetchall()
        assert [tuple(row) for row in told] == [("handed", None, "carl")]
        assert kept(store.conn, *EVERYTHING) == before_0015(store.conn, *EVERYTHING)
    finally:
        store.close()


def test_an_upgrade_to_schema_29_tells_the_alerts_reopened_before_it(tmp_path: Path) -> None:
    """A file of schema 28: its triggers kept no alert reopened (a removed reading that had
    closed it). Upgrading keeps the reopenings already in the log, as a new file would."""
    alert = '{"kpi_id": 1, "assignee": "dana", "closed_at": "2026-11-21T08:00:00Z"}'
    store = _upgraded_with_an_event_untold(
        tmp_path,
        28,
        "70, '2026-11-21T09:00:00Z', 'lena', 'alert', 4, 'update',"
        " 'reopened alert 4 on KPI ''RT'': the reading that closed it (3 h) was removed', ?,"
        " json_set(?, '$.closed_at', NULL)",
        alert,
    )
    try:
        told = store.conn.execute(
            "SELECT kind, action_id, person FROM event_changes WHERE tx = 70"
        ).fetchall()
        assert [tuple(row) for row in told] == [("alert-reopened", None, "dana")]
        assert kept(store.conn, *EVERYTHING) == before_0015(store.conn, *EVERYTHING)
    finally:
        store.close()


def test_an_alert_handed_on_with_its_kpi_is_kept_as_a_hand_over(store: Store) -> None:
    """The stand-up counts an alert that went with its KPI to a new owner as handed, not as
    an escalation: the snapshots' reading says so too (a reviewer found them apart)."""
    from pdca.db import kpis
    from pdca.db.models import KpiChanges, KpiDraft, ReadingDraft

    store.add_kpi(KpiDraft(name="Lead time", unit="h", baseline=30, target=24, direction="down",
                           alert=34, owner="gus", escalation=["erin"]))  # fmt: skip
    store.record_reading(ReadingDraft(kpi="Lead time", value=40))
    kpis.edit_kpi(store, "Lead time", KpiChanges(owner="hana"))
    changes = kept(store.conn, *EVERYTHING)
    assert (changes[-1][1], changes[-1][2]) == ("handed", "hana")
    assert changes == before_0015(store.conn, *EVERYTHING)


def test_two_stored_names_that_read_as_one_list_their_first_changes_in_time_order(
    store: Store, db_path: Path
) -> None:
    """Names stored as bytes that are not UTF-8 (written outside pdca) can read as one
    name: "bo\\ufffd" stored as is, and b"bo\\xff". Their changes are one person's, and the
    first listed are the earliest in time, as for anyone else; merged in id order, #1's
    later edits came before #2's earlier ones (two testers, with the clock set back)."""
    from tests.conftest import open_as

    first = store.add_action(ActionDraft(title="one", owner="bob"))
    second = store.add_action(ActionDraft(title="two", owner="bob"))
    for number, (action, hour) in enumerate([(first, 12), (second, 11)]):
        later = open_as(db_path, "alice", NOW_DT.replace(hour=hour))
        for day in range(3):
            later.edit_action(action.id, ActionChanges(due=f"2026-12-1{day + 3 * number}"))
        later.close()
    store.conn.execute("PRAGMA foreign_keys = OFF")  # as sqlite3 by hand has them
    store.conn.execute("UPDATE actions SET owner = CAST(X'626FEFBFBD' AS TEXT) WHERE id = 1")
    store.conn.execute("UPDATE actions SET owner = CAST(X'626FFF' AS TEXT) WHERE id = 2")
    store.conn.execute("PRAGMA foreign_keys = ON")
    counts, listed = acc._change_counts(store, "0000", "9999", most=4)
    assert counts["bo\ufffd"]["created"] == 2 and counts["bo\ufffd"]["rescheduled"] == 6
    told = store.conn.execute(
        f"SELECT entity_id, at FROM events WHERE id IN ({','.join('?' * len(listed))})"
        " ORDER BY at, id",
        listed,
    ).fetchall()
    # the two creations, then #2's first two edits (11:00), not #1's (12:00)
    assert [tuple(row) for row in told][2:] == [(2, "2026-11-23T11:00:00Z")] * 2
