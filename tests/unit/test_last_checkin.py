"""Each action's last check-in kept on its row by triggers (db/schema.py ``0011_last_checkin``).

The columns must always be what the check-ins say: the latest ``at``, then the highest id,
whoever wrote the check-ins and however (the store, undo, an import, a hand edit, two
processes at once). They must never count as a change of the action: no new version, no
event, so a check-in beside someone's edit of the same action is no conflict.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdca.db import accountability as acc
from pdca.db import accountability_rules as arules
from pdca.db import copies, rules, schema
from pdca.db.clock import iso
from pdca.db.errors import UndoRefused
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO

DUE = "2026-12-01"


def kept(conn: sqlite3.Connection) -> dict[int, tuple[str | None, str | None]]:
    """Every action's two kept columns."""
    return {
        row[0]: (row[1], row[2])
        for row in conn.execute("SELECT id, last_checkin_at, last_checkin_status FROM actions")
    }


def recomputed(conn: sqlite3.Connection) -> dict[int, tuple[str | None, str | None]]:
    """The same, worked out in Python from every check-in: latest ``at``, then highest id."""
    latest: dict[int, tuple[str, int, str]] = {}
    for action_id, at, checkin_id, status in conn.execute(
        "SELECT action_id, at, id, status FROM checkins"
    ):
        if action_id not in latest or (at, checkin_id) > latest[action_id][:2]:
            latest[action_id] = (at, checkin_id, status)
    return {
        action_id: (latest[action_id][0], latest[action_id][2])
        if action_id in latest
        else (None, None)
        for (action_id,) in conn.execute("SELECT id FROM actions")
    }


def versions(conn: sqlite3.Connection) -> dict[int, tuple[int, str]]:
    return {
        row[0]: (row[1], row[2])
        for row in conn.execute("SELECT id, version, updated_at FROM actions")
    }


# --------------------------------------------------------------------------- the store


def test_a_checkin_sets_its_actions_last_checkin_and_nothing_else(store: Store) -> None:
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE))
    assert kept(store.conn)[action.id] == (None, None)
    before = versions(store.conn)[action.id]
    last = store.conn.execute("SELECT max(id) FROM events").fetchone()[0]
    store.add_checkin(action.id, CheckinDraft(message="going", status="at-risk"))
    assert kept(store.conn)[action.id] == (iso(NOW_DT), "at-risk")
    assert versions(store.conn)[action.id] == before  # no new version, no new updated_at
    written = store.conn.execute("SELECT entity FROM events WHERE id > ?", (last,)).fetchall()
    assert [row[0] for row in written] == ["checkin"]  # and no event of the action's
    got = store.get_action(action.id)
    assert (got.last_checkin_at, got.last_checkin_status) == (iso(NOW_DT), "at-risk")


def test_a_checkin_beside_an_edit_is_no_conflict(db_path: Path, store: Store) -> None:
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE))
    seen = store.get_action(action.id)  # what alice's edit dialog holds
    other = Store.open(db_path, actor="bob", clock=lambda: NOW_DT + timedelta(minutes=1))
    try:
        other.add_checkin(action.id, CheckinDraft(message="from bob", status="blocked"))
    finally:
        other.close()
    edited = store.edit_action(action.id, ActionChanges(title="y"), expected_version=seen.version)
    assert edited.title == "y" and edited.version == seen.version + 1
    assert edited.last_checkin_status == "blocked"


def test_the_history_holds_the_actions_own_columns_only(store: Store) -> None:
    """The kept columns change with no event of the action's, so its events leave them out:
    each change's before is still the previous change's after."""
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE))
    store.add_actions([ActionDraft(title="bulk", owner="bob", due=DUE)])
    store.edit_action(action.id, ActionChanges(title="y"))
    store.add_checkin(action.id, CheckinDraft(message="going"))
    store.edit_action(action.id, ActionChanges(title="z"))
    snapshots = [
        (json.loads(before) if before else None, json.loads(after))
        for before, after in store.conn.execute(
            "SELECT before, after FROM events WHERE entity = 'action' ORDER BY id"
        )
    ]
    assert len(snapshots) == 4
    for before, after in snapshots:
        assert "last_checkin_at" not in after and "last_checkin_status" not in after
        assert "title" in after and (before is None or "last_checkin_at" not in before)
    (_, created), _bulk, (_, first), (second_before, _) = snapshots
    assert second_before == first and first["version"] == created["version"] + 1


def test_undoing_an_edit_does_not_bring_back_an_older_last_checkin(store: Store) -> None:
    """The undo writes the action's whole snapshot back, from before a later check-in: the
    kept columns still follow the check-ins."""
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE))
    store.edit_action(action.id, ActionChanges(title="y"))
    bob = Store(store.conn, actor="bob", clock=lambda: NOW_DT + timedelta(hours=1))
    bob.add_checkin(action.id, CheckinDraft(message="later", status="at-risk"))
    store.undo()  # alice's edit: its snapshot holds no check-in at all
    assert store.get_action(action.id).title == "x"
    assert kept(store.conn)[action.id] == (iso(NOW_DT + timedelta(hours=1)), "at-risk")


def test_a_hand_edit_of_the_kept_columns_is_put_right(store: Store) -> None:
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE))
    store.add_checkin(action.id, CheckinDraft(message="going"))
    store.conn.execute(
        "UPDATE actions SET last_checkin_at = '1999-01-01T00:00:00Z', last_checkin_status ="
        " 'blocked' WHERE id = ?",
        (action.id,),
    )
    assert kept(store.conn) == recomputed(store.conn) == {action.id: (iso(NOW_DT), "on-track")}


# --------------------------------------------------------------------------- any sequence

TIMES = [NOW_DT - timedelta(days=3), NOW_DT - timedelta(days=1), NOW_DT]  # ties and going back
STATUSES = ["on-track", "at-risk", "blocked"]
ACTIONS = 3
_pick = st.integers(min_value=0, max_value=1_000)
STEPS = st.one_of(
    st.tuples(st.just("checkin"), st.integers(0, ACTIONS - 1), st.sampled_from(TIMES),
              st.sampled_from(STATUSES)),
    st.tuples(st.just("insert"), st.integers(0, ACTIONS - 1), st.sampled_from(TIMES),
              st.sampled_from(STATUSES)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("edit"), st.integers(0, ACTIONS - 1)),
    st.tuples(st.just("delete"), _pick),
    st.tuples(st.just("move"), _pick, st.integers(0, ACTIONS - 1)),
    st.tuples(st.just("retime"), _pick, st.sampled_from(TIMES)),
    st.tuples(st.just("restatus"), _pick, st.sampled_from(STATUSES)),
)  # fmt: skip


def _apply(store: Store, clock: list[datetime], ids: list[int], step: tuple) -> None:
    conn = store.conn
    checkins = [row[0] for row in conn.execute("SELECT id FROM checkins ORDER BY id")]
    kind = step[0]
    if kind == "checkin":  # through the store, at the clock's time (any order of times)
        clock[0] = step[2]
        store.add_checkin(ids[step[1]], CheckinDraft(message="m", status=step[3]))
    elif kind == "insert":  # as an import or a person with sqlite3 adds one
        conn.execute(
            "INSERT INTO checkins (action_id, at, author, status, message)"
            " VALUES (?, ?, 'x', ?, 'm')",
            (ids[step[1]], iso(step[2]), step[3]),
        )
    elif kind == "undo":
        with contextlib.suppress(UndoRefused):  # nothing of alice's left to undo
            store.undo()
    elif kind == "edit":
        store.edit_action(ids[step[1]], ActionChanges(title=f"t{len(checkins)}"))
    elif checkins:
        target = checkins[step[1] % len(checkins)]
        if kind == "delete":
            conn.execute("DELETE FROM checkins WHERE id = ?", (target,))
        elif kind == "move":
            conn.execute("UPDATE checkins SET action_id = ? WHERE id = ?", (ids[step[2]], target))
        elif kind == "retime":
            conn.execute("UPDATE checkins SET at = ? WHERE id = ?", (iso(step[2]), target))
        else:
            conn.execute("UPDATE checkins SET status = ? WHERE id = ?", (step[2], target))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEPS, min_size=1, max_size=25))
def test_the_kept_columns_always_equal_the_latest_checkin(steps: list[tuple]) -> None:
    clock = [NOW_DT]
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(
            Path(folder) / "p.db", actor="alice", clock=lambda: clock[0], create=True
        )
        try:
            setup = Store(store.conn, actor="setup", clock=lambda: NOW_DT)  # alice's undo
            ids = [  # never takes the actions away
                setup.add_action(ActionDraft(title=f"a{n}", owner="bob", due=DUE)).id
                for n in range(ACTIONS)
            ]
            for step in steps:
                before = versions(store.conn)
                _apply(store, clock, ids, step)
                assert kept(store.conn) == recomputed(store.conn), step
                if step[0] not in ("edit", "undo"):  # only those change the action itself
                    assert versions(store.conn) == before, step
        finally:
            store.close()


# --------------------------------------------------------------------------- the upgrade


def _file_at_version_10(path: Path) -> None:
    """A file as pdca left it before 0011: actions, some with check-ins at the same time
    (the higher id is the latest) and written out of order (a lower id later)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    for _name, step in schema.MIGRATIONS[:10]:
        step(conn)
    conn.execute("PRAGMA user_version = 10")
    at = "2026-11-01T09:00:00Z"
    for number in (1, 2, 3, 4):
        conn.execute(
            "INSERT INTO actions (id, title, owner, due, phase_since, created_by, created_at,"
            " updated_at) VALUES (?, ?, 'bob', '2026-11-10', ?, 'alice', ?, ?)",
            (number, f"old {number}", at, at, at),
        )
    conn.executemany(
        "INSERT INTO checkins (id, action_id, at, author, status, message)"
        " VALUES (?, ?, ?, 'bob', ?, 'm')",
        [
            (10, 1, "2026-11-05T09:00:00Z", "on-track"),
            (11, 1, "2026-11-05T09:00:00Z", "blocked"),  # same time, higher id: the latest
            (12, 2, "2026-11-20T09:00:00Z", "at-risk"),  # the latest, though a lower id
            (13, 2, "2026-11-06T09:00:00Z", "on-track"),
            (14, 3, "2026-11-02T09:00:00Z", "on-track"),
        ],
    )  # #4: never checked in
    conn.execute("COMMIT")
    conn.close()


def test_the_upgrade_fills_the_columns_from_the_checkins(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _file_at_version_10(path)
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
        assert kept(store.conn) == {
            1: ("2026-11-05T09:00:00Z", "blocked"),
            2: ("2026-11-20T09:00:00Z", "at-risk"),
            3: ("2026-11-02T09:00:00Z", "on-track"),
            4: (None, None),
        }
        assert versions(store.conn) == dict.fromkeys((1, 2, 3, 4), (1, "2026-11-01T09:00:00Z"))
        # The plain-data view answers as it did (the latest time of each)
        view = dict(store.conn.execute("SELECT id, last_checkin_at FROM open_actions"))
        assert view == {n: kept(store.conn)[n][0] for n in (1, 2, 3, 4)}
        store.add_checkin(4, CheckinDraft(message="at last"))  # and the triggers run from now on
        assert kept(store.conn)[4] == (iso(NOW_DT), "on-track")
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copies.shape_difference(copies.shape(store.conn), copies.fresh_shape()) is None
    finally:
        store.close()


# --------------------------------------------------------------------------- two writers

WRITER = """
import sys
from datetime import datetime, timedelta, UTC
from pathlib import Path
from pdca.db.models import CheckinDraft
from pdca.db.store import Store

path, who, step = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
start = datetime(2026, 11, 23, 9, tzinfo=UTC)
ticks = [0]

def clock():  # one writer's times go forward, the other's back: they interleave
    ticks[0] += 1
    return start + timedelta(minutes=step * ticks[0])

store = Store.open(path, actor=who, clock=clock)
for n in range(30):
    status = ("on-track", "blocked")[n % 2]
    store.add_checkin(1 + n % 3, CheckinDraft(message=f"{who} {n}", status=status))
store.close()
"""


def test_two_processes_checking_in_at_once_leave_the_columns_right(
    db_path: Path, store: Store
) -> None:
    for n in range(3):
        store.add_action(ActionDraft(title=f"a{n}", owner="bob", due=DUE))
    before = versions(store.conn)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WRITER), str(db_path), who, step],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, step in (("bob", "1"), ("carol", "-1"))
    ]
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    assert store.conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == 60
    assert kept(store.conn) == recomputed(store.conn)
    assert versions(store.conn) == before


# --------------------------------------------------------------------------- the stand-up

# ``_open_actions`` as it was before the columns (one probe of the check-ins per open
# action): the new one must give the very same rows, in the same order, and counts.
_OPEN_ACTIONS_BEFORE = (
    "SELECT w.id, a.title, w.owner, w.due, w.last_sign, w.last_status, w.nth, w.mentioned"
    " FROM (SELECT *, row_number() OVER whose AS nth,"
    "  count(*) OVER (PARTITION BY owner) AS mentioned FROM ("
    "  SELECT o.id, o.owner, o.due, lc.status AS last_status, coalesce(lc.at,"
    "   (SELECT x.created_at FROM actions x WHERE x.id = o.id)) AS last_sign"
    "  FROM actions o"
    "  LEFT JOIN checkins lc ON lc.id = (SELECT c.id FROM checkins c"
    "   WHERE c.action_id = o.id ORDER BY c.at DESC, c.id DESC LIMIT 1)"
    "  WHERE o.done_at IS NULL)"
    " WHERE owner IS NULL OR due <= ?1 OR last_status IN ('at-risk', 'blocked')"
    "  OR last_sign <= ?2"
    " WINDOW whose AS (PARTITION BY owner ORDER BY due IS NULL, due, id)) AS w"
    " JOIN actions a ON a.id = w.id"
    " WHERE w.nth <= ?3 ORDER BY w.due IS NULL, w.due, w.id"
)


def _open_actions_before(
    store: Store, now: datetime, cadence: int, most: int
) -> tuple[list[arules.OpenAction], dict[str, int]]:
    values = (now.astimezone().date().isoformat(), iso(rules.stale_cutoff(now, cadence)), most)
    rows = store.conn.execute(_OPEN_ACTIONS_BEFORE, values).fetchall()
    more = {row[2] or acc.UNOWNED: row[7] - most for row in rows if row[7] > most}
    return [arules.OpenAction(*row[:6]) for row in rows], more


@pytest.fixture
def seeded(store: Store) -> Store:
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=5)
    # Work nobody owns, due dates shared by many (the order's tie-break is the id), no due
    # date (last), and check-ins at one moment (the higher id is the latest).
    for n in range(4):
        store.add_action(ActionDraft(title=f"nobody's {n}", due=DUE if n % 2 else None))
    for n in range(12):
        added = store.add_action(ActionDraft(title=f"tied {n}", owner="zed", due=DUE))
        for status in ("blocked", "on-track")[: n % 3]:
            store.add_checkin(added.id, CheckinDraft(message="m", status=status))
    return store


@pytest.mark.parametrize("most", [-1, 0, 1, 3, 10, 100_000])
def test_the_standups_open_actions_are_what_they_were(seeded: Store, most: int) -> None:
    now = seeded.clock()
    assert sum(1 for _ in seeded.conn.execute("SELECT id FROM actions")) > 400
    for cadence in (1, 7, 30):
        expected = _open_actions_before(seeded, now, cadence, most)
        assert len(expected[0]) >= min(max(most, 0), 12)  # the comparison compares something
        assert acc._open_actions(seeded, now, cadence, most) == expected


def test_the_standups_open_actions_by_hand(store: Store) -> None:
    """A small file whose answer is written out: who needs a word, in what order, how many."""
    old = NOW_DT - timedelta(days=30)
    early = Store(store.conn, actor="alice", clock=lambda: old)
    early.add_action(ActionDraft(title="quiet", owner="bob", due="2026-12-20"))
    early.add_action(ActionDraft(title="late", owner="bob", due="2026-11-01"))
    fresh = store.add_action(ActionDraft(title="fresh", owner="bob", due="2026-12-20"))
    blocked = store.add_action(ActionDraft(title="blocked", owner="bob"))
    store.add_checkin(blocked.id, CheckinDraft(message="m", status="blocked"))
    cleared = early.add_action(ActionDraft(title="cleared", owner="carol", due="2026-12-20"))
    early.add_checkin(cleared.id, CheckinDraft(message="m", status="blocked"))
    store.add_checkin(cleared.id, CheckinDraft(message="m", status="on-track"))
    nobody = store.add_action(ActionDraft(title="nobody's"))
    rows, more = acc._open_actions(store, NOW_DT, 7, 2)
    assert fresh.id not in [r.id for r in rows] and cleared.id not in [r.id for r in rows]
    assert [(r.title, r.owner, r.last_status) for r in rows] == [
        ("late", "bob", None),
        ("quiet", "bob", None),
        ("nobody's", None, None),
    ]
    assert rows[0].last_sign == iso(old)
    assert more == {"bob": 1}  # "blocked" is bob's third
    assert nobody.id == rows[2].id
    rows, more = acc._open_actions(store, NOW_DT, 7, 5)
    assert [r.title for r in rows] == ["late", "quiet", "blocked", "nobody's"]
    assert rows[2].last_status == "blocked" and more == {}


# --------------------------------------------------------------------------- the owners


def _stale_before(store: Store, cutoff: str) -> dict[tuple[str | None, str], int]:
    """The owners' stale counts as they were read before the kept column: the open actions
    by owner and phase, less those with a check-in since the cutoff or made since."""
    fresh = {
        (owner, phase): n
        for owner, phase, n in store.conn.execute(
            "SELECT a.owner, a.phase, count(*) FROM actions a WHERE a.done_at IS NULL AND a.id IN"
            " (SELECT c.action_id FROM checkins c WHERE c.at > ?1"
            "  UNION ALL SELECT n.id FROM actions n WHERE n.done_at IS NULL AND n.created_at > ?1)"
            " GROUP BY a.owner, a.phase",
            (cutoff,),
        )
    }
    return {
        (owner, phase): n - fresh.get((owner, phase), 0)
        for owner, phase, n in store.conn.execute(
            "SELECT owner, phase, count(*) FROM actions WHERE done_at IS NULL GROUP BY 1, 2"
        )
    }


@pytest.mark.parametrize("cadence", ["1", "3", "7"])
def test_the_owners_stale_counts_are_what_they_were(seeded: Store, cadence: str) -> None:
    acc.set_team_setting(seeded, "stale-after-days", cadence)
    cutoff = iso(rules.stale_cutoff(seeded.clock(), int(cadence)))
    by_person: dict[str, int] = {}
    for (owner, _phase), n in _stale_before(seeded, cutoff).items():
        login = owner or acc.UNOWNED
        by_person[login] = by_person.get(login, 0) + n
    rows = {row.login: row.stale for row in acc.owners(seeded) if row.open}
    assert rows == by_person
    assert sum(rows.values()) > 0  # the comparison compares something


def test_the_standups_due_followups_are_those_listed(seeded: Store) -> None:
    """The stand-up reads the due follow-ups' five fields itself (no model per follow-up):
    the same ones, in the same order, as ``list_followups(due_only=True)``."""
    now = seeded.clock()
    cadence = acc.team_settings(seeded).stale_after_days
    listed = [
        arules.DueFollowup(f.action_id, f.title, f.owner, f.offset_days, f.due)
        for f in acc.list_followups(seeded, due_only=True)
    ]
    assert len(listed) >= 2  # the comparison compares something
    expected = arules.standing([], [], listed, now=now, cadence_days=cadence)
    standing = acc.standup_digest(seeded).standing
    assert [item for item in standing if item.kind == "followup"] == expected


# --------------------------------------------------------------------------- import


@pytest.mark.parametrize("claim", ["wrong", "absent"])
def test_an_imported_export_keeps_the_columns_its_checkins_say(
    store: Store, cli, tmp_path: Path, claim: str
) -> None:
    """A JSON export's actions carry the kept columns (or, from an older pdca, do not): on
    import they follow the check-ins imported after them, whatever the file claimed."""
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE))
    store.add_checkin(action.id, CheckinDraft(message="going", status="at-risk"))
    quiet = store.add_action(ActionDraft(title="quiet", owner="bob", due=DUE))
    out = tmp_path / "export.json"
    assert cli("export", "--out", str(out)).exit_code == 0
    document = json.loads(out.read_text())
    for row in document["tables"]["actions"]:
        if claim == "wrong":
            row.update(last_checkin_at="2020-01-01T00:00:00Z", last_checkin_status="blocked")
        else:
            del row["last_checkin_at"], row["last_checkin_status"]
    out.write_text(json.dumps(document))
    target = tmp_path / "restored.db"
    result = cli("--db", str(target), "import", str(out))
    assert result.exit_code == 0, result.stderr
    restored = Store.open(target, actor="alice", clock=lambda: NOW_DT)
    try:
        assert kept(restored.conn) == {action.id: (iso(NOW_DT), "at-risk"), quiet.id: (None, None)}
    finally:
        restored.close()


def test_on_a_seeded_file_the_row_says_what_the_correlated_query_said(seeded: Store) -> None:
    """What the store, notify and the initiatives read before (the latest check-in joined
    per action) is what the row holds now, for every action of a seeded file."""
    before = {
        row[0]: (row[1], row[2])
        for row in seeded.conn.execute(
            "SELECT a.id, lc.at, lc.status FROM actions a LEFT JOIN checkins lc ON lc.id = ("
            " SELECT c.id FROM checkins c WHERE c.action_id = a.id"
            " ORDER BY c.at DESC, c.id DESC LIMIT 1)"
        )
    }
    assert sum(1 for at, _status in before.values() if at) > 300  # most have check-ins
    assert kept(seeded.conn) == before
    listed = {a.id: (a.last_checkin_at, a.last_checkin_status) for a in seeded.list_actions()}
    assert listed == {i: before[i] for i in listed} and len(listed) > 100
