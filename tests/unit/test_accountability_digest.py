"""The stand-up digest read in SQL (issue 14) tells what the pure rules make of every event.

``accountability.standup_digest`` lets SQLite sort the window's events into changes and
people, and builds only each person's first few; ``digest_by_the_rules`` is how it was read
before: every event of the window through ``accountability_rules.digest``. On a seeded file
with undone changes the two must agree item for item, count for count.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from pdca.db import accountability as acc
from pdca.db import accountability_rules as arules
from pdca.db import alerts, convert
from pdca.db.accountability_models import UNOWNED, Digest, DigestItem
from pdca.db.clock import iso
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT

DUE = date(2026, 12, 1)


def digest_by_the_rules(store: Store, since: str) -> Digest:
    """Every event of the window, read in full, through the pure rules."""
    until = iso(store.clock())
    events = [
        convert.event(row)
        for row in store.conn.execute(
            "SELECT * FROM events WHERE at > ? AND at <= ?"
            " AND entity IN ('action', 'checkin', 'alert') ORDER BY id",
            (since, until),
        )
    ]
    actions = {
        row["id"]: arules.ActionBrief(row["id"], row["title"], row["owner"], row["due"])
        for row in store.conn.execute("SELECT id, title, owner, due FROM actions")
    }
    kpis = {
        row["id"]: arules.KpiBrief(row["name"], row["alert"], row["unit"])
        for row in store.conn.execute("SELECT id, name, alert, unit FROM kpis")
    }
    readings = dict(store.conn.execute("SELECT id, value FROM kpi_readings").fetchall())
    full = acc.standup_digest(store, since, most=1 << 62)  # where work stands: not compared
    return arules.digest(
        events,
        since=since,
        until=until,
        actions=actions,
        kpis=kpis,
        readings=readings,
        escalations=alerts.unrecorded_escalations(store),
        standing=full.standing,
        owners=[p for p in full.people if p != UNOWNED],
    )


@pytest.fixture
def seeded(store: Store) -> Store:
    """A scaled-down large file, then a busy morning: edits, an owner changed (a change is
    told under the owner today), work made unowned, and changes undone."""
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=11)
    mine = store.add_action(ActionDraft(title="Re-[bold]label[/bold] queue", owner="bob", due=DUE))
    store.move_action(mine.id, "do")
    store.add_checkin(mine.id, CheckinDraft(message="started", status="at-risk"))
    store.edit_action(mine.id, ActionChanges(owner="carol"))
    store.add_checkin(mine.id, CheckinDraft(message="a slip", status="blocked"))
    store.undo()  # the blocked check-in did not happen
    store.move_action(mine.id, "check")
    store.undo()  # nor did the move to check
    nobody = store.add_action(ActionDraft(title="Nobody's", due=DUE))
    store.add_checkin(nobody.id, CheckinDraft(message="who takes it?"))
    return store


def test_the_sql_digest_is_the_rules_digest_on_a_seeded_file(seeded: Store) -> None:
    since = iso(NOW_DT - timedelta(days=20))
    expected = digest_by_the_rules(seeded, since)
    assert len(expected.items) > 200 and len(expected.people) > 5  # a busy window
    assert {"created", "moved", "done", "checkin", "alert-raised"} <= {
        i.kind for i in expected.items
    }
    assert any(i.person is None for i in expected.items)  # nobody's work is told too
    every = acc.standup_digest(seeded, since, most=1 << 62)
    assert every.items == expected.items
    assert every.people == expected.people
    assert every.changes_more == {}
    for person in expected.people:
        assert every.counts(person) == expected.counts(person)


def shown_first(theirs: list[DigestItem], most: int) -> list[DigestItem]:
    """A person's changes a stand-up lists first: the first ``most`` of what they finished,
    moved, made and the alerts; then handovers and new dates or priorities, then check-ins,
    then the repeats pdca made, in what room is left; in time order (a lead's trial: twelve
    check-ins hid the done after them; another's, a morning's handovers)."""

    def tier(item: DigestItem) -> int:
        if item.kind == "created" and item.actor == "pdca":
            return 3
        if item.kind == "checkin":
            return 2
        return 1 if item.kind in ("handed", "rescheduled", "reprioritized") else 0

    listed: list[DigestItem] = []
    for level in range(4):
        listed += [i for i in theirs if tier(i) == level][: most - len(listed)]
    kept = {id(i) for i in listed}
    return [i for i in theirs if id(i) in kept]


def test_each_person_gets_their_first_changes_and_how_many_more(seeded: Store) -> None:
    since = iso(NOW_DT - timedelta(days=20))
    expected = digest_by_the_rules(seeded, since)
    digest = acc.standup_digest(seeded, since, most=3)
    assert digest.people == expected.people
    assert len(digest.items) < len(expected.items)
    assert any(
        shown_first(expected.of(p), 3) != expected.of(p)[:3] for p in expected.people
    )  # the seeded window has someone whose check-ins came before their other changes
    for person in expected.people:
        theirs = expected.of(person)
        assert digest.of(person) == shown_first(theirs, 3)
        assert digest.more_of(person) == max(0, len(theirs) - 3)
        assert digest.counts(person) == expected.counts(person)  # all of them, not the shown
        assert digest.quiet(person) == expected.quiet(person)
    assert digest.counts() == expected.counts()
    assert digest.more_of() == len(expected.items) - len(digest.items)
    # "More" reads a person's next ones, in the same order, from the same window.
    busiest = max(expected.people, key=lambda p: len(expected.of(p)))
    more = acc.standup_changes(seeded, digest, busiest, 10)
    assert more == shown_first(expected.of(busiest), 10)
    assert all(item in more for item in digest.of(busiest))  # more holds what was shown
    assert acc.standup_changes(seeded, digest, UNOWNED, 1000) == expected.of(UNOWNED)


def test_the_owners_counts_are_the_rules_on_every_open_action(seeded: Store) -> None:
    """``owners`` counts stale work off indexes (open minus those with a sign of life since
    the cutoff); the rules on each open action's last sign of life give the same."""
    now = seeded.clock()
    cadence = acc.team_settings(seeded).stale_after_days
    today = now.astimezone().date().isoformat()
    expected: dict[str, dict[str, int]] = {}
    for row in seeded.conn.execute(
        "SELECT a.owner, a.due, coalesce((SELECT max(c.at) FROM checkins c"
        " WHERE c.action_id = a.id), a.created_at) AS last_sign"
        " FROM actions a WHERE a.done_at IS NULL"
    ):
        mine = expected.setdefault(row["owner"] or UNOWNED, {"open": 0, "stale": 0, "late": 0})
        mine["open"] += 1
        mine["stale"] += arules.is_stale_since(row["last_sign"], now, cadence)
        mine["late"] += row["due"] is not None and row["due"] < today
    counted = {
        r.login: {"open": r.open, "stale": r.stale, "late": r.overdue}
        for r in acc.owners(seeded)
        if r.open
    }
    assert counted == expected
    assert sum(c["stale"] for c in counted.values()) > 20  # a file with stale work
    assert any(0 < c["stale"] < c["open"] for c in counted.values())


def test_where_work_stands_is_the_rules_on_every_open_action(
    seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open actions that need a word, a few a person by due date and how many more,
    found in SQL: the same as the rules on every open action's last check-in."""
    monkeypatch.setattr(acc, "STANDING_MOST", 3)
    now = seeded.clock()
    cadence = acc.team_settings(seeded).stale_after_days
    every = []
    for row in seeded.conn.execute("SELECT * FROM actions WHERE done_at IS NULL"):
        last = seeded.conn.execute(
            "SELECT at, status FROM checkins WHERE action_id = ? ORDER BY at DESC, id DESC",
            (row["id"],),
        ).fetchone()
        last_sign, last_status = (last["at"], last["status"]) if last else (row["created_at"], None)
        title, owner, due = row["title"], row["owner"], row["due"]
        every.append(arules.OpenAction(row["id"], title, owner, due, last_sign, last_status))
    every.sort(key=lambda a: (a.due is None, a.due or "", a.id))
    words = arules.standing(every, [], [], now=now, cadence_days=cadence)
    shown: dict[str, int] = {}
    expected = []
    for item in words:
        who = item.person or UNOWNED
        shown[who] = shown.get(who, 0) + 1
        if shown[who] <= 3:
            expected.append(item)
    digest = acc.standup_digest(seeded)
    assert [i for i in digest.standing if i.kind == "action"] == expected
    whole = acc.standup_digest(seeded, standing_most=1 << 62)  # standup --all
    assert digest.standing_more == {who: n - 3 for who, n in shown.items() if n > 3}
    assert len(digest.standing_more) > 3  # people with more than three that need a word
    assert [i for i in whole.standing if i.kind == "action"] == [
        i for i in words if i.kind == "action"
    ]
    assert whole.standing_more == {}


def test_due_follow_ups_are_listed_a_few_a_person_as_open_work_is(
    seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a busy file one person's stand-up listed 59 follow-ups before "and N more that
    need a word", which capped only their open actions (a tester). Counted apart: that row
    opens the board, which shows no done work (a reviewer)."""
    from collections import Counter

    whole = acc.standup_digest(seeded, standing_most=1 << 62)
    every = Counter(i.person or UNOWNED for i in whole.standing if i.kind == "followup")
    assert max(every.values()) > 1  # someone has several due
    monkeypatch.setattr(acc, "STANDING_MOST", 1)
    digest = acc.standup_digest(seeded)
    listed = Counter(i.person or UNOWNED for i in digest.standing if i.kind == "followup")
    assert listed == dict.fromkeys(every, 1)
    assert digest.followups_more == {who: n - 1 for who, n in every.items() if n > 1}
    assert whole.followups_more == {}


def test_alerts_waiting_are_listed_a_few_a_person_the_most_pressing_first(
    seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """82 alerts waiting for one lead were all listed, ahead of her open work, and the "and
    33 more that need a word" under them read as counting her follow-ups (a soak): capped as
    the rest is, counted apart, each kind's "more" said under its own kind."""
    from collections import Counter

    whole = acc.standup_digest(seeded, standing_most=1 << 62)
    every = Counter(i.person or UNOWNED for i in whole.standing if i.kind == "alert")
    assert max(every.values()) > 1  # someone has several waiting
    monkeypatch.setattr(acc, "STANDING_MOST", 1)
    digest = acc.standup_digest(seeded)
    listed = [i for i in digest.standing if i.kind == "alert"]
    assert Counter(i.person or UNOWNED for i in listed) == dict.fromkeys(every, 1)
    assert digest.alerts_more == {who: n - 1 for who, n in every.items() if n > 1}
    assert whole.alerts_more == {}
    first_of = {}
    for item in whole.standing:  # the one kept is the one the whole list names first
        if item.kind == "alert":
            first_of.setdefault(item.person, item.alert_id)
    assert {i.person: i.alert_id for i in listed} == first_of
    who = max(every, key=lambda person: every[person])
    kinds = [(kind, more) for kind, _items, more in digest.standing_groups(who)]
    assert kinds[0] == ("alert", every[who] - 1)
    from pdca.tui.cli_accountability import plain_text

    lines = plain_text(digest).splitlines()
    block = lines[lines.index(who if who != UNOWNED else "No owner") :]
    at = next(n for n, line in enumerate(block) if line.startswith("    Alert waiting: "))
    assert block[at + 1] == f"    and {every[who] - 1} more alerts waiting (pdca alerts lists them)"


def test_a_mornings_handovers_never_hide_a_done(store: Store, db_path: Path) -> None:
    """ann was handed twelve actions, then finished one: her ten lines were all handovers,
    and the done was among "and 3 more changes" (a lead's trial). What was done comes first,
    then the handovers."""
    from tests.conftest import open_as

    since = iso(NOW_DT - timedelta(hours=1))
    yesterday = open_as(db_path, "alice", NOW_DT - timedelta(days=1))
    ids = [yesterday.add_action(ActionDraft(title=f"a{n}", owner="alice")).id for n in range(12)]
    yesterday.close()
    for action_id in ids:
        store.edit_action(action_id, ActionChanges(owner="ann"))
    store.complete_action(ids[-1], "abandon")
    digest = acc.standup_digest(store, since, most=10)
    kinds = [i.kind for i in digest.of("ann")]
    assert "done" in kinds and kinds.count("handed") == 9
    assert digest.more_of("ann") == 3


def test_an_overdue_alert_comes_before_one_still_in_time(store: Store, db_path: Path) -> None:
    """Two alerts waiting for alice: the one still in time, raised later, was listed first,
    above the one overdue (a stand-up's lead). Overdue first, in the stand-up as in the KPI
    views and ``!``."""
    from pdca.db.models import KpiDraft, ReadingDraft
    from tests.conftest import open_as

    for name in ("Old", "New"):
        store.add_kpi(
            KpiDraft(name=name, unit="h", baseline=3, target=2, direction="down", alert=5,
                     owner="alice", alerts_mode="thresholds")
        )  # fmt: skip
    earlier = open_as(db_path, "alice", NOW_DT - timedelta(days=2))
    earlier.record_reading(ReadingDraft(kpi="Old", value=9))  # its day to acknowledge is past
    earlier.close()
    store.record_reading(ReadingDraft(kpi="New", value=9))  # in time
    digest = acc.standup_digest(store)
    waiting = [(i.title, i.flags) for i in digest.standing if i.kind == "alert"]
    assert waiting == [("Old", ["overdue"]), ("New", [])]
    opened = alerts.list_alerts(store)
    assert [a.kpi for a in opened] == ["New", "Old"]  # newest first, as listed
    assert [a.kpi for a in alerts.most_pressing_first(opened)] == ["Old", "New"]


def test_kpis_off_course_are_named_with_their_owner(store: Store, db_path: Path) -> None:
    """A KPI three days in its warn band, and one in alert once its alert was acknowledged,
    were in no stand-up, and neither was a reading overdue (a stand-up's lead): each is now
    its owner's to speak to, the worst first. One whose alert waits is the alert's row alone;
    one within its thresholds and measured is nothing to say."""
    from pdca.db.models import KpiDraft, ReadingDraft
    from tests.conftest import open_as

    def kpi(name: str, **given: object) -> None:
        fields: dict[str, object] = {
            "name": name, "unit": "tickets", "baseline": 100, "target": 80, "direction": "down",
            "warn": 130, "alert": 140, "owner": "dana", "alerts_mode": "thresholds",
        }  # fmt: skip
        store.add_kpi(KpiDraft(**{**fields, **given}))  # type: ignore[arg-type]

    kpi("Backlog")
    kpi("Failed deploys", unit="%", baseline=8, target=5, warn=10, alert=15, owner="erin")
    kpi("Pages", owner="dana")
    kpi("Fine")
    kpi("Quiet", cadence="daily")
    store.record_reading(ReadingDraft(kpi="Backlog", value=134))  # in warn
    store.record_reading(ReadingDraft(kpi="Failed deploys", value=17.5))  # raises an alert
    store.record_reading(ReadingDraft(kpi="Pages", value=150))  # an alert, left waiting
    store.record_reading(ReadingDraft(kpi="Fine", value=90))
    old = open_as(db_path, "dana", NOW_DT - timedelta(days=5))
    old.record_reading(ReadingDraft(kpi="Quiet", value=90))  # daily, five days ago
    old.close()
    [failed] = [a for a in alerts.list_alerts(store) if a.kpi == "Failed deploys"]
    as_erin = open_as(db_path, "erin")
    alerts.acknowledge(as_erin, failed.id, "rolling back")
    as_erin.close()
    digest = acc.standup_digest(store)
    named = [(i.person, i.title, i.flags, i.detail) for i in digest.standing if i.kind == "kpi"]
    assert named == [
        ("erin", "Failed deploys", ["alert"],
         "17.5 % is above the alert threshold 15 %; its alert acknowledged by erin"),
        ("dana", "Backlog", ["warn"], "134 tickets is above the warn threshold 130 tickets"),
        ("dana", "Quiet", ["reading-overdue"],
         f"last reading {(NOW_DT - timedelta(days=5)).date().isoformat()}"),
    ]  # fmt: skip
    assert [i.title for i in digest.standing if i.kind == "alert"] == ["Pages"]
    assert [kind for kind, _items, _more in digest.standing_groups("dana")][:2] == [
        "alert",
        "kpi",
    ]
    # An alert escalated past its owner waits on someone else: the owner still answers for
    # the number (it left grace's part, a retrial)
    kpi("Escalated", owner="gus", escalation=["erin"])
    late = open_as(db_path, "dana", NOW_DT - timedelta(days=2))
    late.record_reading(ReadingDraft(kpi="Escalated", value=150))
    late.close()
    [escalated] = [a for a in alerts.list_alerts(store) if a.kpi == "Escalated"]
    assert escalated.assignee == "erin"
    gus = [(i.kind, i.flags, i.detail) for i in acc.standup_digest(store).standing_of("gus")]
    assert gus == [
        ("kpi", ["alert"],
         "150 tickets is above the alert threshold 140 tickets; its alert waits on erin"),
    ]  # fmt: skip
    few = acc.standup_digest(store, standing_most=1)  # a few a person, the rest counted
    assert [i.title for i in few.standing if i.kind == "kpi" and i.person == "dana"] == ["Backlog"]
    assert few.kpis_more == {"dana": 1}
