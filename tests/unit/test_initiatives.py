"""Initiatives' health read from the file, ``pdca initiative list``, ``pdca doctor --content``
and the SMART notes after a write."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from pdca.db import initiatives
from pdca.db.models import (
    ActionDraft,
    CheckinDraft,
    InitiativeDraft,
    KpiDraft,
    ReadingDraft,
)
from pdca.db.store import Store
from tests.conftest import NOW_DT, open_as
from tests.tui.accountability_support import standardized_long_ago


@pytest.fixture
def two(store: Store, db_path: Path) -> Store:
    """ "Faster support": fresh check-ins, a KPI measured today; "Quiet ops": an action whose
    last check-in (on track) is 20 days old, and a KPI in alert."""
    store.add_initiative(
        InitiativeDraft(name="Faster support", objective="Cut resolution time 20% in Q1 2027")
    )
    store.add_initiative(InitiativeDraft(name="Quiet ops", objective="Fewer pages"))
    store.add_kpi(KpiDraft(name="Resolution", unit="h", baseline=30, target=24,
                           direction="down", initiative="Faster support",
                           target_date="2027-03-31"))  # fmt: skip
    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4, direction="down",
                           alert=12, initiative="Quiet ops"))  # fmt: skip
    store.record_reading(ReadingDraft(kpi="Resolution", value=27))
    store.record_reading(ReadingDraft(kpi="Pages", value=15))
    early = open_as(db_path, "alice", NOW_DT - timedelta(days=20))
    try:
        old = early.add_action(
            ActionDraft(title="Tune alerts", owner="bob", due="2026-12-20", initiative="Quiet ops")
        )
        early.move_action(old.id, "do")
        early.add_checkin(old.id, CheckinDraft(message="fine", status="on-track"))
    finally:
        early.close()
    for n in range(3):
        action = store.add_action(
            ActionDraft(title=f"Rota {n}", owner="dana", due="2026-12-01",
                        initiative="Faster support")
        )  # fmt: skip
        store.add_checkin(action.id, CheckinDraft(message="going"))
    return store


def test_health_comes_from_the_data(two: Store) -> None:
    found = {i.name: i for i in initiatives.overview(two)}
    quiet, support = found["Quiet ops"], found["Faster support"]
    assert quiet.health == "off-track"
    assert quiet.reasons == ["1 KPI in alert (Pages)", "no check-in on 1 action for 20 days"]
    assert quiet.open_by_phase == {"plan": 0, "do": 1, "check": 0, "act": 0}
    assert quiet.stale_actions == 1 and quiet.warnings == [
        "objective: no number (how much? e.g. 20%)",
        "objective: no date (by when? e.g. Q3 2026 or 2026-09-30)",
    ]
    assert (support.health, support.reasons) == ("on-track", [])
    assert support.objective_date == "2027-03-31" and support.open_by_phase["plan"] == 3
    (kpi,) = support.kpis
    assert (kpi.name, kpi.status, kpi.latest_value) == ("Resolution", "ok", 27)
    assert kpi.recent[-1] == 27
    assert [i.name for i in initiatives.overview(two)] == ["Quiet ops", "Faster support"]


def test_a_new_initiative_with_a_new_kpi_is_at_risk_not_off_track(
    store: Store, db_path: Path
) -> None:
    store.add_initiative(InitiativeDraft(name="New", objective="Pages down 50% by Q2 2027"))
    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=5, initiative="New"))
    (new,) = initiatives.overview(store)
    assert (new.health, new.reasons) == ("at-risk", ["1 KPI never measured"])
    # Fifteen days on, still nothing heard: now it is off track.
    later = open_as(db_path, "alice", NOW_DT + timedelta(days=15))
    try:
        (new,) = initiatives.overview(later)
    finally:
        later.close()
    assert new.health == "off-track" and new.reasons[0] == "no check-in or reading ever"


def test_an_open_signal_alert_puts_the_kpi_in_alert(store: Store) -> None:
    store.add_initiative(InitiativeDraft(name="Flow", objective="Lead time down 50% by Q2 2027"))
    store.add_kpi(KpiDraft(name="Lead time", unit="d", baseline=10, target=5, direction="down",
                           warn=20, alert=25, initiative="Flow"))  # fmt: skip
    values = [11.0, 9.0] * 10 + [10.5] * 8  # eight above the centre line: a signal (we4)
    for i, value in enumerate(values):
        at = NOW_DT - timedelta(days=len(values) - i)
        store.record_reading(ReadingDraft(kpi="Lead time", value=value), at)
    (flow,) = initiatives.overview(store)
    assert flow.kpis[0].status != "alert"  # within the thresholds
    assert (flow.health, flow.reasons) == (
        "off-track",
        ["1 KPI in alert (Lead time: an alert not acknowledged)"],
    )


def test_initiative_list_json_keeps_the_stored_fields_and_adds_health(cli, two: Store) -> None:
    listed = json.loads(cli("initiative", "list", "--json").stdout)
    first = listed[0]
    stored = {"id", "name", "objective", "owner", "created_at", "updated_at", "version"}
    assert stored | {"open_actions", "health", "reasons", "kpis", "objective_date"} <= set(first)
    assert first["name"] == "Quiet ops" and first["health"] == "off-track"
    text = cli("initiative", "list").stdout
    assert "OFF TRACK" in text and "1 KPI in alert" in text and "0/3/0/0" not in text
    assert "0/0/0/0" not in text and "3/0/0/0" in text


def test_doctor_content_lists_every_smart_warning(cli, two: Store) -> None:
    two.add_kpi(KpiDraft(name="Flat", unit="x", baseline=5, target=5))
    result = cli("doctor", "--content")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["WHAT", "WHICH", "WARNING"]
    assert any("Quiet ops" in line and "no number" in line for line in lines)
    assert any("Flat" in line and "the same as the baseline" in line for line in lines)
    assert any("Pages" in line and "target date: none" in line for line in lines)
    assert result.stderr.endswith("warnings (never blocking)\n")
    found = json.loads(cli("doctor", "--content", "--json").stdout)
    assert {"entity", "entity_id", "name", "warning"} == set(found[0])


def test_doctor_content_on_a_clean_file(cli, store: Store) -> None:
    store.add_initiative(InitiativeDraft(name="Ops", objective="Pages down 50% by Q2 2027"))
    # Nothing measures it yet: said (a quality manager read "no SMART warnings" over it).
    said = cli("doctor", "--content").stdout.splitlines()[1].split(maxsplit=2)
    assert said == [
        "initiative",
        "Ops",
        "no KPI of its own measures it (pdca kpi edit NAME --initiative ...)",
    ]
    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=5,
                           target_date="2027-06-30", initiative="Ops"))  # fmt: skip
    assert cli("doctor", "--content").stdout.startswith("no SMART warnings")


def test_adding_an_initiative_or_kpi_notes_what_it_lacks_but_writes_it(cli) -> None:
    added = cli("initiative", "add", "Ops", "--objective", "Fewer pages")
    assert added.exit_code == 0 and added.stdout == "added initiative Ops\n"
    assert added.stderr == (
        "note: objective: no number (how much? e.g. 20%)\n"
        "note: objective: no date (by when? e.g. Q3 2026 or 2026-09-30)\n"
    )
    kpi = cli("kpi", "add", "Pages", "--unit", "/wk", "--baseline", "10", "--target", "4",
              "--cadence", "weekly", "--perspective", "people", "--owner", "dana",
              "--direction", "down")  # fmt: skip
    assert kpi.exit_code == 0 and kpi.stderr.endswith("\nnote: target date: none (by when?)\n")
    quiet = cli("initiative", "add", "Support", "--objective", "Resolution down 20% in Q3")
    assert quiet.stderr == ""


def test_a_follow_up_audit_past_its_day_puts_the_initiative_at_risk(
    store: Store, db_path: Path
) -> None:
    """A standardized change whose 30-day audit nobody made left its initiative on track
    (a coach): the audit past its day is a risk, named."""
    store.add_initiative(InitiativeDraft(name="Flow", objective="Lead time down 50% by Q2 2027"))
    store.add_kpi(KpiDraft(name="Lead time", unit="d", baseline=10, target=5, initiative="Flow"))
    store.record_reading(ReadingDraft(kpi="Lead time", value=9))
    standardized_long_ago(db_path, "Pair on reviews", back=timedelta(days=40), initiative="Flow")
    store.add_action(ActionDraft(title="Next", owner="bob", due="2026-12-20", initiative="Flow"))
    (flow,) = initiatives.overview(store)
    assert (flow.health, flow.reasons) == ("at-risk", ["1 follow-up audit past its day"])
    plan = [
        row[3]
        for row in store.conn.execute(
            "EXPLAIN QUERY PLAN " + initiatives._FOLLOWUPS_LATE, {"today": "2026-11-23"}
        )
    ]
    assert not any(step.startswith(("SCAN", "USE TEMP B-TREE")) for step in plan), plan


def test_the_initiative_queries_use_indexes(two: Store) -> None:
    from tests.unit.test_query_plans import _full_scans, _unbind

    seen: list[str] = []
    two.conn.set_trace_callback(seen.append)
    initiatives.overview(two)
    initiatives.content_warnings(two)
    two.conn.set_trace_callback(None)
    queries = {
        " ".join(sql.split())
        for sql in seen
        if sql.lstrip().upper().startswith("SELECT") and "count(*) FROM" not in sql
    }
    (counts,) = [sql for sql in queries if "INDEXED BY idx_actions_open_health" in sql]
    plan = [row[3] for row in two.conn.execute("EXPLAIN QUERY PLAN " + counts)]
    assert plan == [  # the open actions counted off one index, in its order: no row, no sort
        "SEARCH actions USING COVERING INDEX idx_actions_open_health (initiative_id>?)"
    ]
    problems = [scan for sql in sorted(queries) for scan in _full_scans(two, _unbind(sql))]
    assert problems == []


@pytest.mark.parametrize("seed", [3, 8])
def test_the_counts_in_sqlite_say_what_the_loop_over_every_action_said(
    store: Store, seed: int
) -> None:
    """Same answer on a seeded file: the overview whose open actions SQLite counts (by
    phase, late, stale, reported) against the one that stepped through every open action in
    Python (tests/initiatives_reference.py), today and a month on (more of them stale)."""
    from datetime import timedelta

    from pdca.db.seed import seed_with_spec
    from tests import initiatives_reference
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=seed)
    shown = initiatives.overview(store)
    assert shown == initiatives_reference.overview(store)
    assert any(i.stale_actions for i in shown) and any(i.late_actions for i in shown)
    assert len({i.health for i in shown}) > 1
    later = store.clock() + timedelta(days=30)
    store.clock = lambda: later
    assert initiatives.overview(store, 16) == initiatives_reference.overview(store, 16)


def test_the_kpi_part_reads_less_and_says_the_same(store: Store) -> None:
    """Same answer on a seeded file: each initiative's KPIs (``kpis_by_initiative``: status,
    alert, recent readings, no trend or signals) as the KPIs view's rows had them, in the same
    order; and the view's lines from a sparkline's periods alone are those from all 40."""
    from collections import defaultdict

    from pdca.db import kpis
    from pdca.db.seed import seed_with_spec
    from pdca.screens.initiatives import SPARK_CELLS, initiative_rows, shown_overview
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=3)
    expected: dict[int, list] = defaultdict(list)
    for row in kpis.kpi_rows(store, kpis.RECENT_SLOTS):
        if row.kpi.initiative_id is not None:
            expected[row.kpi.initiative_id].append(
                (row.kpi.id, row.status, row.alert is not None, row.recent)
            )
    got = {
        initiative: [(r.kpi.id, r.status, r.alerted or r.acknowledged, r.recent) for r in rows]
        for initiative, rows in initiatives.kpis_by_initiative(store, kpis.RECENT_SLOTS).items()
    }
    assert got == dict(expected)
    statuses = {status for rows in got.values() for _, status, _, _ in rows}
    assert len(statuses) >= 3 and any(alert for rows in got.values() for *_, alert, _ in rows)
    whole = initiatives.overview(store)
    shown = shown_overview(store)
    assert [initiative_rows(i) for i in shown] == [initiative_rows(i) for i in whole]
    assert all(len(k.recent) == SPARK_CELLS for i in shown for k in i.kpis)
    assert any(k.recent[-1] is not None for i in shown for k in i.kpis)


def test_initiative_edit_renames_rewrites_and_clears_the_owner_then_undoes(cli, js, store):
    assert cli("initiative", "add", "Faster suport", "--owner", "dana").exit_code == 0
    edited = js(
        "initiative", "edit", "faster suport", "--name", "Faster support",
        "--objective", "Cut resolution time 20% by 2027-03-31", "--json",
    )  # fmt: skip
    assert (edited["name"], edited["owner"], edited["version"]) == ("Faster support", "dana", 2)
    result = cli("initiative", "edit", "Faster support", "--owner", "none")
    assert result.exit_code == 0 and result.stdout == "edited initiative Faster support\n"
    last = store.events(limit=1)[0]
    assert last.summary == "edited initiative 'Faster support': owner"
    assert last.before["owner"] == "dana" and last.after["owner"] is None
    assert cli("undo").exit_code == 0
    (back,) = store.list_initiatives()
    assert (back.name, back.owner, back.version) == ("Faster support", "dana", 4)
    assert back.objective == "Cut resolution time 20% by 2027-03-31"


def test_none_clears_the_objective_as_it_clears_notes(cli, store):
    """It was kept as the word "none", with SMART notes about it (a tester)."""
    assert cli("initiative", "add", "Ops", "--objective", "none").exit_code == 0
    assert store.list_initiatives()[0].objective == ""
    assert cli("initiative", "edit", "Ops", "--objective", "Fewer pages").exit_code == 0
    assert cli("initiative", "edit", "Ops", "--objective", "None").exit_code == 0
    assert store.list_initiatives()[0].objective == ""


def test_initiative_edit_with_nothing_different_writes_nothing(cli, store):
    assert cli("initiative", "add", "Ops", "--objective", "Fewer pages").exit_code == 0
    events = len(store.events(limit=100))
    result = cli("initiative", "edit", "Ops", "--objective", "Fewer pages")
    assert result.exit_code == 0 and result.stderr == ""  # no SMART notes for no change
    assert result.stdout == "initiative Ops unchanged (already as given)\n"
    assert len(store.events(limit=100)) == events
    assert store.list_initiatives()[0].version == 1


@pytest.mark.parametrize(
    "args,message",
    [
        (("Nope", "--owner", "x"), "initiative: “Nope” is not a known initiative"),
        (
            ("sup", "--owner", "x"),
            "initiative: “sup” is not a known initiative; did you mean “Support”?",
        ),
        (("Ops",), "give --name, --objective or --owner"),
        (("Ops", "--name", "none"), "--name: 'none' cannot be cleared (an initiative needs one)"),
        (("Ops", "--name", "   "), "--name: '   ' is empty"),
        (("Ops", "--name", "SUPPORT"), "--name: 'SUPPORT' is taken by the initiative 'Support'"),
        (("Ops", "--owner", "b d"), "--owner: 'b d' is not a login"),
        (("Ops", "--objective", "a\x00b"), "--objective:"),
        # an unset "$OBJ" in a script cleared it (a tester): none does that
        (("Ops", "--objective", " "), "--objective: ' ' is empty (none clears it)"),
    ],
)
def test_initiative_edit_refuses_bad_input_in_one_line_writing_nothing(cli, store, args, message):
    for name in ("Ops", "Support"):
        assert cli("initiative", "add", name).exit_code == 0
    events = len(store.events(limit=100))
    result = cli("initiative", "edit", *args)
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert len(store.events(limit=100)) == events
    assert [i.version for i in store.list_initiatives()] == [1, 1]
