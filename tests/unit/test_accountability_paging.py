"""What the log pins on top, read a screenful at a time (issue 14): the same follow-ups, in
the same order, and the same count of the rest, as reading every one due and cutting."""

from __future__ import annotations

import pytest

from pdca.db import accountability as acc
from pdca.db.store import Store


@pytest.fixture
def seeded(store: Store) -> Store:
    from pdca.db.seed import seed_with_spec
    from tests.unit.test_seed import MEDIUM

    seed_with_spec(store, MEDIUM, seed=5)
    return store


@pytest.mark.parametrize("most", [0, 1, 5, 20, 100_000])
def test_the_first_followups_due_are_the_listings_first(seeded: Store, most: int) -> None:
    every = acc.list_followups(seeded, due_only=True)
    assert len(every) > 5  # more due than some of the cuts: the cut is tested
    owners = sorted({f.owner for f in every if f.owner}, key=str)[:3]
    actions = sorted({f.action_id for f in every})[:2] + [10_000_000]  # one with none due
    for owner in [None, *owners]:
        mine = acc.list_followups(seeded, due_only=True, owner=owner)
        assert acc.due_followups(seeded, most, owner=owner) == (mine[:most], len(mine))
        for action_id in actions:
            theirs = [f for f in mine if f.action_id == action_id]
            found = acc.due_followups(seeded, most, owner=owner, action_id=action_id)
            assert found == (theirs[:most], len(theirs))


def test_the_owners_followups_due_are_the_listings_counts(seeded: Store) -> None:
    """The owners view's follow-ups due per person (a search per owner, issue 14) are the
    due ones listed, counted by owner; nobody's are the unowned row's."""
    seeded.conn.execute("UPDATE followups SET owner = NULL WHERE id % 5 = 0")  # some nobody's
    expected: dict[str, int] = {}
    for f in acc.list_followups(seeded, due_only=True):
        login = f.owner or acc.UNOWNED
        expected[login] = expected.get(login, 0) + 1
    assert acc.UNOWNED in expected and len(expected) > 2
    found = {row.login: row.followups_due for row in acc.owners(seeded) if row.followups_due}
    assert found == expected
