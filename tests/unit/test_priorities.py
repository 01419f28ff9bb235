"""Priorities (issue 16) and the board's paged reads (issue 14), at the store and the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pdca.db.errors import InvalidInput
from pdca.db.models import ActionChanges, ActionDraft, CheckinDraft, ReadingDraft, validated
from pdca.db.store import ActionFilter, Store
from tests.conftest import events, last_event_id, open_as

DUE = date(2026, 12, 1)


def _add(store: Store, title: str, priority: str = "normal", due: date | None = None) -> int:
    draft = ActionDraft(title=title, priority=priority, due=due)  # type: ignore[arg-type]
    return store.add_action(draft).id


def test_priority_orders_a_phase_ahead_of_the_due_date(store: Store) -> None:
    soon = _add(store, "soon, low", "low", date(2026, 11, 24))
    later = _add(store, "later, high", "high", date(2027, 1, 1))
    undated = _add(store, "no date, normal")
    dated = _add(store, "dated, normal", due=DUE)
    listed = [a.id for a in store.list_actions(ActionFilter(phase="plan"))]
    assert listed == [later, dated, undated, soon]
    assert [a.id for a in store.list_actions()] == listed  # the same order across phases


def test_normal_is_the_default_and_the_filter_narrows(store: Store) -> None:
    plain = _add(store, "plain")
    high = _add(store, "urgent", "high")
    assert store.get_action(plain).priority == "normal"
    assert [a.id for a in store.list_actions(ActionFilter(priority="high"))] == [high]
    assert store.count_actions(ActionFilter(priority="normal"))["plan"] == 1


def test_a_bad_priority_names_the_choices() -> None:
    with pytest.raises(InvalidInput) as raised:
        validated(ActionDraft, title="x", priority="urgent")
    assert str(raised.value).startswith("priority: 'urgent' is not one of")
    assert "'high'" in str(raised.value) and "'low'" in str(raised.value)


def test_an_edit_of_priority_is_logged_and_undone(store: Store) -> None:
    action_id = _add(store, "x")
    before = last_event_id(store)
    store.edit_action(action_id, ActionChanges(priority="high"))
    (event,) = events(store, before)
    assert (event["before"]["priority"], event["after"]["priority"]) == ("normal", "high")
    assert event["summary"] == f"edited #{action_id}: priority"
    store.undo()
    assert store.get_action(action_id).priority == "normal"


def test_the_next_cycle_keeps_the_priority(store: Store) -> None:
    action = store.add_action(ActionDraft(title="x", owner="bob", due=DUE, priority="high"))
    store.move_action(action.id, "do")
    store.add_checkin(action.id, CheckinDraft(message="going"))
    store.move_action(action.id, "check")
    store.move_action(action.id, "act", verdict="partly")
    completion = store.complete_action(action.id, "adjust")
    assert completion.next_cycle is not None and completion.next_cycle.priority == "high"


# --------------------------------------------------------------------------- the CLI


def test_cli_add_edit_list_by_priority(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("add", "Later", "--priority", "low").exit_code == 0
    assert cli("add", "Now", "--priority", "high").exit_code == 0
    listed = json.loads(cli("list", "--json", "--priority", "high").stdout)
    assert [a["title"] for a in listed] == ["Now"]
    assert cli("edit", "1", "--priority", "high").exit_code == 0
    table = cli("list").stdout.splitlines()
    assert table[0].split()[:4] == ["ID", "PHASE", "OWNER", "PRI"]
    assert [line.split()[3] for line in table[1:]] == ["high", "high"]


def test_cli_refuses_a_bad_priority_in_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    result = cli("add", "x", "--priority", "someday")  # urgent is high, as Jira says it
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "'high', 'normal', 'low'" in result.stderr
    assert cli("list", "--json").stdout == "[]\n"


def test_list_json_streams_the_same_document(cli) -> None:  # type: ignore[no-untyped-def]
    from pdca.tui.output import to_json

    for title in ("a", "b", "c"):
        cli("add", title)
    printed = cli("list", "--json").stdout
    assert printed == to_json(json.loads(printed)) + "\n"


def test_csv_carries_the_priority_both_ways(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pdca.db import transfer

    _add(store, "x", "high")
    text = transfer.export_csv(store)
    assert text.splitlines()[0].split(",")[5] == "priority"
    path = tmp_path / "in.csv"
    path.write_text("title,priority\nfrom a sheet,low\n")
    transfer.import_file(store, path, DUE)
    assert [a.priority for a in store.list_actions()] == ["high", "low"]


# --------------------------------------------------------------------------- paged reads


@pytest.fixture
def column(store: Store) -> list[int]:
    """Sixty Plan actions of mixed priorities and dates: the column in board order."""
    priorities = ("high", "normal", "low")
    store.add_actions(
        ActionDraft(
            title=f"#{n}",
            priority=priorities[n % 3],  # type: ignore[arg-type]
            due=date(2026, 12, 1 + n % 7) if n % 4 else None,
        )
        for n in range(60)
    )
    return [a.id for a in store.list_actions(ActionFilter(phase="plan"))]


@pytest.mark.parametrize("offset", [0, 7, 29, 30, 31, 52, 55, 59, 60])
def test_a_page_is_the_slice_of_the_column_from_either_end(
    store: Store, column: list[int], offset: int
) -> None:
    where = ActionFilter(phase="plan")
    page = store.action_page(where, offset, 8, total=len(column))
    assert [a.id for a in page] == column[offset : offset + 8]
    assert [a.id for a in store.action_page(where, offset, 8)] == column[offset : offset + 8]


def test_position_of_is_where_the_card_sits(store: Store, column: list[int]) -> None:
    for index in (0, 13, 59):
        action = store.get_action(column[index])
        assert store.position_of(ActionFilter(), action) == index


@pytest.fixture
def with_done(store: Store, column: list[int]) -> list[int]:
    """The column with every fifth card abandoned (done): with done ones shown, the open
    cards in board order, then the done ones in board order."""
    done = column[::5]
    for action_id in done:
        store.complete_action(action_id, "abandon")
    return [i for i in column if i not in done] + done


def test_done_cards_shown_come_after_the_open_ones(store: Store, with_done: list[int]) -> None:
    # Done ones share the open ones' priorities and dates: by those alone they were mixed in,
    # an early-due done card above the open work.
    listed = [a.id for a in store.list_actions(ActionFilter(phase="plan", include_done=True))]
    assert listed == with_done
    assert [a.id for a in store.list_actions(ActionFilter(include_done=True))] == with_done


@pytest.mark.parametrize("offset", [0, 40, 44, 45, 52, 59])
def test_a_page_with_done_cards_is_the_slice_from_either_end(
    store: Store, with_done: list[int], offset: int
) -> None:
    where = ActionFilter(phase="plan", include_done=True)
    page = store.action_page(where, offset, 8, total=len(with_done))
    assert [a.id for a in page] == with_done[offset : offset + 8]
    assert [a.id for a in store.action_page(where, offset, 8)] == with_done[offset : offset + 8]


def test_position_of_with_done_cards_is_where_the_card_sits(
    store: Store, with_done: list[int]
) -> None:
    where = ActionFilter(include_done=True)
    for index in (0, 13, 47, 48, 49, 59):
        action = store.get_action(with_done[index])
        assert store.position_of(where, action) == index


def test_changes_since_names_what_changed(store: Store, db_path) -> None:  # type: ignore[no-untyped-def]
    from pdca.db.models import KpiDraft

    store.add_kpi(KpiDraft(name="Pages", unit="/wk", baseline=10, target=4))
    doing = store.add_action(ActionDraft(title="x", owner="bob", due=DUE, phase="do"))
    idle = _add(store, "idle")
    seen = last_event_id(store)
    assert store.changes_since(seen).actions == set()
    bob = open_as(db_path, "bob")
    bob.add_checkin(doing.id, CheckinDraft(message="going"))
    bob.edit_action(idle, ActionChanges(title="y"))
    bob.close()
    changes = store.changes_since(seen)
    assert (changes.actions, changes.phases, changes.other) == (
        {doing.id, idle},
        {"do", "plan"},
        False,
    )
    assert changes.last_event == last_event_id(store)
    store.record_reading(ReadingDraft(kpi="Pages", value=3))
    assert store.changes_since(changes.last_event).other
    assert store.changes_since(seen, most=1).everything
    assert store.changes_since(last_event_id(store) + 10).everything  # a log that went back
