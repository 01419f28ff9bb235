"""``pdca standup --json``: the same as ``--format json``, as ``pdca flow --json`` is."""

from __future__ import annotations

import json

from pdca.db.seed import seed_database
from pdca.db.store import Store
from tests.unit.test_bad_input import assert_one_line_error


def test_standup_json_is_format_json(cli, store: Store) -> None:
    seed_database(store, size="small", seed=1)
    result = cli("standup", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["items"] and data["since"] < data["until"]
    assert cli("standup", "--format", "json").stdout == result.stdout


def test_standup_json_with_another_format_is_refused_in_one_line(cli, store: Store) -> None:
    assert_one_line_error(cli("standup", "--json", "--format", "md"), "--format md")
    assert cli("standup", "--json", "--format", "json").exit_code == 0
