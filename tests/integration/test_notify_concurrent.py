"""Two ``pdca notify`` processes started together deliver every notification once: a counting
webhook on 127.0.0.1 sees each key exactly once, and the file agrees."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from pdca.db import notify as ns
from pdca.db.models import ActionDraft
from pdca.db.store import Store
from tests.conftest import NOW_DT, REPO
from tests.integration.support import start_pdca
from tests.unit.test_notify import hook  # noqa: F401 (the local webhook fixture)

ROUNDS = 3
ACTIONS_PER_ROUND = 15


def test_two_processes_deliver_each_notification_once(tmp_path: Path, hook) -> None:  # noqa: F811
    path = tmp_path / "pdca.db"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PDCA_USER": "cron",
        "PDCA_NOW": "2026-11-23T09:00:00Z",
        "PDCA_DB": str(path),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TZ": "UTC",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
    try:
        ns.set_channel(store, "terminal", "off")
        ns.set_channel(store, "webhook", hook.url)
        for round_number in range(ROUNDS):
            for n in range(ACTIONS_PER_ROUND):
                store.add_action(
                    ActionDraft(title=f"r{round_number} a{n}", owner=f"p{n % 5}", due="2026-11-20")
                )
            runs = [start_pdca("notify", env=env) for _ in range(2)]
            for run in runs:
                out, err = run.communicate(timeout=120)
                assert run.returncode == 0, err
                assert (out, err) == ("", "")
        texts = Counter(body["text"] for body in hook.bodies)
        assert len(texts) == ROUNDS * ACTIONS_PER_ROUND
        assert set(texts.values()) == {1}, [t for t, n in texts.items() if n > 1]
        assert hook.calls == ROUNDS * ACTIONS_PER_ROUND
        assert ns.by_state(store)["delivered"] == ROUNDS * ACTIONS_PER_ROUND
        assert ns.unfinished(store) == []
        assert [row[0] for row in store.conn.execute("PRAGMA integrity_check")] == ["ok"]
    finally:
        store.close()
