"""The cycle report stays a page (issue 13, the tester's 100 000 actions): each phase, the done
ones and the follow-up audits list their ``LIST_CAP`` most pressing, with their totals; what it
lists and counts is what the whole lists said before the cap (checked on a seeded file against
a reference built from every action, as the report once did)."""

from __future__ import annotations

from datetime import date

import pytest

from pdca.db import report as report_data
from pdca.db.models import Action, ActionDraft, InitiativeDraft
from pdca.db.store import ActionFilter, Store
from tests.conftest import NOW
from tests.log_writes import import_junk_move


@pytest.fixture
def seeded(store: Store) -> Store:
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=5)
    return store


def _reference(actions: list[Action]) -> dict[str, list[Action]]:
    """Every action of the report, grouped and ordered as the report always did."""
    groups = {
        phase: sorted(
            (a for a in actions if a.done_at is None and a.phase == phase),
            key=lambda a: (a.due is None, a.due or "", a.id),
        )
        for phase in ("plan", "do", "check", "act")
    }
    groups["done"] = sorted(
        (a for a in actions if a.done_at is not None),
        key=lambda a: (a.done_at or "", a.id),
        reverse=True,
    )
    return groups


@pytest.mark.parametrize("cap", [3, 20, 100_000])
def test_the_lists_are_the_whole_lists_first_rows_with_their_totals(
    seeded: Store, monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    monkeypatch.setattr(report_data, "LIST_CAP", cap)
    since = report_data.iso(report_data.window_start(seeded.clock()))
    everything = seeded.list_actions(ActionFilter(include_done=True))
    initiative = seeded.list_initiatives()[0]
    cases = {
        None: [a for a in everything if a.done_at is None or a.done_at >= since],
        initiative.name: [a for a in everything if a.initiative_id == initiative.id],
    }
    for target, actions in cases.items():
        built = report_data.build_report(seeded, target)
        want = _reference(actions)
        assert [g.name for g in built.groups] == ["plan", "do", "check", "act", "done"]
        for group in built.groups:
            assert group.total == len(want[group.name]), (target, group.name)
            assert group.actions == want[group.name][:cap], (target, group.name)
        done = want["done"]
        # a repeat round ticked off before Act is routine, no decision (flow.ROUTINE_ROUNDS)
        rounds = [
            a
            for a in done
            if a.recurrence_id is not None and a.phase != "act" and a.decision == "standardize"
        ]
        decided = [a for a in done if a not in rounds]
        assert built.decisions.model_dump() == {
            **{
                d: sum(a.decision == d for a in decided)
                for d in ("standardize", "adjust", "abandon")
            },
            "repeat_rounds": len(rounds),
        }
        assert any(g.total > 3 for g in built.groups)  # the cap of 3 really cuts


def _followup_reference(store: Store, action_ids: set[int], since: str | None) -> list[dict]:
    """The audits the report lists before the cap: recorded (with their own check-in, not
    those a slip closed with it) or due, of its actions; with a window (the team's report),
    those due or recorded in it and every one still waiting, whenever the work was done."""
    today = NOW[:10]
    rows = store.conn.execute(
        "SELECT id, action_id, result, due, done_at FROM followups"
        " WHERE done_at IS NOT NULL AND checkin_id IS NOT NULL OR done_at IS NULL AND due <= ?",
        (today,),
    )
    return [
        dict(r)
        for r in rows
        if r["action_id"] in action_ids
        and (
            since is None or r["done_at"] is None or max(r["done_at"] or "", r["due"]) >= since[:10]
        )
    ]


@pytest.mark.parametrize("cap", [3, 100_000])
def test_the_followups_are_tallied_whole_and_listed_most_pressing_first(
    seeded: Store, monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    monkeypatch.setattr(report_data, "LIST_CAP", cap)
    since = report_data.iso(report_data.window_start(seeded.clock()))
    everything = seeded.list_actions(ActionFilter(include_done=True))
    initiative = seeded.list_initiatives()[0]
    cases = {
        None: ({a.id for a in everything}, since),
        initiative.name: ({a.id for a in everything if a.initiative_id == initiative.id}, None),
    }
    for target, (ids, window) in cases.items():
        built = report_data.build_report(seeded, target)
        want = _followup_reference(seeded, ids, window)
        tally = built.followup_tally
        assert tally.total == len(want) > 0
        assert tally.holding == sum(f["result"] == "holding" for f in want)
        assert tally.slipped == sum(f["result"] == "slipped" for f in want)
        assert tally.waiting == sum(f["result"] is None for f in want)
        rank = {None: 0, "slipped": 1, "holding": 2}
        ordered = sorted(
            want,
            key=lambda f: (
                rank[f["result"]],
                f["due"] if f["result"] is None else "",
                "".join(chr(0x10FFFF - ord(c)) for c in f["done_at"] or ""),  # latest first
                f["id"],
            ),
        )
        assert [f.id for f in built.followups] == [f["id"] for f in ordered[:cap]]


def test_a_capped_list_says_how_many_more_and_which_come_first(
    cli, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_data, "LIST_CAP", 2)
    store.add_initiative(InitiativeDraft(name="Big", objective="Many things"))
    for n, due in enumerate([None, date(2026, 12, 5), date(2026, 11, 1), None, date(2026, 11, 20)]):
        store.add_action(ActionDraft(title=f"task {n}", owner="bob", due=due, initiative="Big"))
    for args in (["Big"], []):
        result = cli("report", *args, "--format", "md")
        assert result.exit_code == 0, result.stderr
        text = result.stdout
        plan = text.split("### Plan (5)")[1].split("###")[0]
        assert "#3 task 2" in plan and "#5 task 4" in plan  # late first: Nov 1, Nov 20
        assert "#1 task 0" not in plan and "#2 task 1" not in plan
        assert "- *and 3 more (late first: earliest due date, then the undated," in plan
        page = cli("report", *args, "--format", "html").stdout
        assert "<h3>Plan (5)</h3>" in page
        assert '<p class="muted">and 3 more (late first: earliest due date' in page


def test_a_thousands_count_reads_at_a_glance() -> None:
    from pdca.tui.report_md import more

    assert more(12_365, 20, "x") == "and 12 345 more (x)"
    assert more(20, 20, "x") == ""


def test_a_phase_heading_groups_its_thousands(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.tui.report_md import markdown

    monkeypatch.setattr(report_data, "LIST_CAP", 1)
    store.add_actions(ActionDraft(title=f"t{n}", owner="bob") for n in range(1200))
    text = markdown(report_data.build_report(store, None))
    assert "### Plan (1 200)" in text and "- *and 1 199 more (late first" in text


def test_when_actions_entered_do_is_what_kpi_show_finds(seeded: Store) -> None:
    """The report's reading of the move events gives the answer of each action's own history
    (what ``pdca kpi show`` and the verdict read), for every action of a seeded file and
    after an undo."""
    from pdca.db import signals

    store = seeded
    ids = [r[0] for r in store.conn.execute("SELECT id FROM actions ORDER BY id")]
    planned = store.add_action(
        ActionDraft(title="moved and undone", owner="bob", due=date(2026, 12, 1))
    )
    store.move_action(planned.id, "do")
    store.undo()
    born = store.add_action(
        ActionDraft(title="born in Do", owner="bob", due=date(2026, 12, 1), phase="do")
    )
    store.move_action(born.id, "plan")  # back, then on again: it entered Do when born
    store.move_action(born.id, "do")
    ids += [planned.id, born.id]
    found = signals._entered_do_by_moves(store, ids)  # the way for thousands (the report)
    assert found == signals._entered_do_by_history(store, ids)  # the way for a few
    assert found[born.id] == born.created_at and planned.id in found and len(found) > 10


def test_a_snapshot_that_is_not_json_is_no_phase_not_an_error(store: Store) -> None:
    """A hand edit or an old import can leave an event's snapshot unreadable: when an action
    entered Do is then read from its other events (the verdict's evidence, kpi show)."""
    from pdca.db import signals

    action = store.add_action(ActionDraft(title="x", owner="bob", due=date(2026, 12, 1)))
    store.move_action(action.id, "do")
    import_junk_move(store.conn, action.id, "2026-11-01T09:00:00Z")  # an old import's
    found = signals._entered_do_by_history(store, [action.id])
    assert found == {action.id: store.get_action(action.id).phase_since}


def test_the_kpis_are_capped_worst_first_and_say_how_many_more(
    seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team of 200 KPIs made the page 1 600 lines of charts: it shows the LIST_CAP in the
    worst state, in the KPIs view's order, and a count of the rest."""
    from pdca.db import kpis
    from pdca.tui.report_html import html_page
    from pdca.tui.report_md import markdown

    monkeypatch.setattr(report_data, "LIST_CAP", 2)
    every = kpis.kpi_rows(seeded)
    assert len(every) > 2
    built = report_data.build_report(seeded, None)
    assert [k.row.kpi.name for k in built.kpis] == [r.kpi.name for r in every[:2]]
    assert built.kpi_total == len(every)
    line = f"and {len(every) - 2} more (in a better state; pdca kpi list shows them all)"
    assert f"*{line}*" in markdown(built)
    assert f'<p class="muted">{line}</p>' in html_page(built)
