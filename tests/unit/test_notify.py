"""``pdca notify``: claiming, delivering once, retrying with backoff, and each channel against a
real stand-in: a local HTTP server, a pseudo-terminal, a ``sendmail`` script, a command hook."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pdca.db import alerts, kpis
from pdca.db import notify as ns
from pdca.db import notify_rules as nrules
from pdca.db.accountability import set_team_setting
from pdca.db.clock import iso
from pdca.db.models import ActionDraft, CheckinDraft, KpiChanges, KpiDraft, ReadingDraft
from pdca.db.notify_channels import Channels
from pdca.db.store import Store
from tests.conftest import NOW, NOW_DT, events, last_event_id, open_as

# --------------------------------------------------------------------------- a webhook


class Hook:
    """A local webhook: ``mode`` ok (200), fail (500) or slow (answers once released)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.bodies: list[dict] = []
        self.calls = 0
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.url = ""


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        hook: Hook = self.server.hook  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with hook.lock:
            hook.calls += 1
            mode = hook.mode
        if mode == "slow":
            hook.release.wait(60)  # an upper bound only: the test releases it
        status = 200 if mode == "ok" else 500
        if status == 200:
            with hook.lock:
                hook.bodies.append(json.loads(body))
        try:
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:
            pass  # the client gave up (a timeout test)

    def log_message(self, *args: object) -> None:
        pass


def serve_hook() -> tuple[Hook, ThreadingHTTPServer, threading.Thread]:
    hook = Hook()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.hook = hook  # type: ignore[attr-defined]
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return hook, server, thread


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hook]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    found, server, thread = serve_hook()
    yield found
    found.release.set()
    server.shutdown()
    server.server_close()
    thread.join(10)


# --------------------------------------------------------------------------- helpers


def _breach(store: Store, value: float = 9) -> None:
    if not store.conn.execute("SELECT 1 FROM kpis").fetchone():
        store.add_kpi(
            KpiDraft(
                name="MTTR", unit="h", baseline=5, target=2, alert=8, owner="dana",
                direction="down", escalation=["erin"],
            )
        )  # fmt: skip
    store.record_reading(ReadingDraft(kpi="MTTR", value=value))


def _channels(store: Store, runner: str = "alice", who: str = "", **kw) -> Channels:
    return Channels(
        ns.channel_settings(store),
        runner=runner,
        now=store.clock(),
        environ={"PATH": os.environ.get("PATH", "")},
        who=lambda: who,
        **{"set_by_me": as_whoever_set_it, **kw},
    )


def as_whoever_set_it(_command: str) -> bool:
    """Run as the login that set the command hook (tui/own_hooks.py decides it, tested in
    test_own_hooks.py)."""
    return True


def _webhook_only(store: Store, url: str) -> None:
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "webhook", url)


def _run(store: Store, token: str = "run-1", **kw) -> ns.RunReport:
    return ns.run(store, token, _channels(store, **kw))


def _run_later(db_path: Path, later: timedelta, token: str) -> ns.RunReport:
    """A run as alice, ``later`` after NOW, on a store of its own."""
    store = open_as(db_path, "alice", NOW_DT + later)
    try:
        return ns.run(store, token, _channels(store))
    finally:
        store.close()


# --------------------------------------------------------------------------- exactly once


def test_a_new_alert_reaches_its_owner_once(store: Store, hook: Hook) -> None:
    _webhook_only(store, hook.url)
    _breach(store)
    report = _run(store)
    assert [(n.key, n.recipient, n.channel) for n in report.delivered] == [
        ("alert:1:level:0", "dana", "webhook")
    ]
    assert hook.bodies[0]["text"].startswith(
        "dana: alert 1 on KPI 'MTTR': 9 h is above 8 h;"
    )  # its unit (a trial)
    before = last_event_id(store)
    assert _run(store, "run-2").delivered == []
    assert len(hook.bodies) == 1
    assert last_event_id(store) == before  # a quiet run writes nothing


def test_claims_are_written_with_events_as_pdca(store: Store, hook: Hook) -> None:
    _webhook_only(store, hook.url)
    _breach(store)
    start = last_event_id(store)
    _run(store)
    written = events(store, start)
    assert [(e["entity"], e["op"], e["actor"]) for e in written] == [
        ("notification", "create", "pdca"),
        ("notification", "update", "pdca"),
    ]
    assert written[1]["after"]["state"] == "delivered"
    assert written[1]["after"]["delivered_at"] == "2026-11-23T09:00:00Z"


def test_two_runs_claiming_at_once_split_the_work(store: Store, db_path: Path) -> None:
    _breach(store)
    store.add_action(ActionDraft(title="late", owner="bob", due="2026-11-20"))
    other = open_as(db_path, "carol")
    try:
        first = ns.claim(store, "one")
        second = ns.claim(other, "two")
    finally:
        other.close()
    assert len(first) == 2 and second == []


def test_many_claims_are_written_a_batch_per_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands due at once (a quiet week on a big file) are claimed in batches, each its own
    short write, so others' writes go between them: every one is claimed, once."""
    monkeypatch.setattr(ns, "CLAIM_BATCH", 2)
    for n in range(5):
        store.add_action(ActionDraft(title=f"late {n}", owner="bob", due="2026-11-20"))
    start = last_event_id(store)
    claimed = ns.claim(store, "one")
    written = events(store, start)
    assert len(claimed) >= 5 and len({n.key for n in claimed}) == len(claimed)
    # One event a batch, naming its notifications (a big file's first run logged two events
    # for each of 26 000: 43 MB of log, a tester); one alone keeps its own event.
    assert len(written) == -(-len(claimed) // 2)  # ceil: one per batch
    named = [
        row_id
        for (after,) in store.conn.execute("SELECT after FROM events WHERE id > ?", (start,))
        for row_id in (json.loads(after).get("ids") or [json.loads(after)["id"]])
    ]
    assert sorted(named) == sorted(n.id for n in claimed)
    ops = {op for (op,) in store.conn.execute("SELECT op FROM events WHERE id > ?", (start,))}
    assert ops == {"create"}  # rows made, as one claimed alone is logged
    transactions = store.conn.execute(
        "SELECT count(DISTINCT tx) FROM events WHERE id > ?", (start,)
    ).fetchone()[0]
    assert transactions == -(-len(claimed) // 2)  # ceil: one per batch
    assert ns.claim(store, "two") == []  # nothing left over, nothing claimed twice


def test_skips_are_recorded_a_batch_per_transaction_and_deliveries_one_each(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody logged in: every notice is skipped, and the skips are written a batch at a time
    (a backlog of thousands was a write each beside everyone's moves). Each is recorded once."""
    monkeypatch.setattr(ns, "CLAIM_BATCH", 2)
    for n in range(5):
        store.add_action(ActionDraft(title=f"late {n}", owner="bob", due="2026-11-20"))
    report = _run(store)
    assert report.delivered == [] and len(report.skipped) >= 5
    rows = store.conn.execute(
        "SELECT count(*), count(DISTINCT tx) FROM events WHERE summary LIKE 'skipped %'"
    ).fetchone()
    batches = -(-len(report.skipped) // 2)
    assert tuple(rows) == (batches, batches)  # an event a batch, not one a notification
    assert (
        store.conn.execute(
            "SELECT summary FROM events WHERE summary LIKE 'skipped %' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        == "skipped 2 notifications (2 by terminal)"
    )
    assert ns.by_state(store)["skipped"] == len(report.skipped)
    assert _run(store, "run-2").skipped == []  # recorded: nothing claimed again


def test_a_run_told_to_stop_claims_and_delivers_no_more(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app quitting stops its run between deliveries: it claims no further batch (the
    app's exit waited for thousands of claims and deliveries), and what it claimed but did
    not deliver waits for the lease, as a killed run's does."""
    monkeypatch.setattr(ns, "CLAIM_BATCH", 2)
    for n in range(5):
        store.add_action(ActionDraft(title=f"late {n}", owner="bob", due="2026-11-20"))
    handled: list[int] = []

    def deliver(notification: ns.Notification) -> ns.Outcome:
        handled.append(notification.id)
        return ns.Outcome("skipped", "not logged in")

    report = ns.run(store, "quitting", deliver, stop=lambda: len(handled) >= 1)
    assert len(handled) == 1 and len(report.skipped) == 1
    assert ns.by_state(store) == {**ns.by_state(store), "skipped": 1, "pending": 1}
    assert store.conn.execute("SELECT count(*) FROM notifications").fetchone()[0] == 2


def test_an_escalation_tells_the_next_person_and_the_one_it_passed(
    store: Store, db_path: Path, hook: Hook
) -> None:
    _webhook_only(store, hook.url)
    _breach(store)
    _run(store)
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=25))
    try:
        report = _run(later)
    finally:
        later.close()
    assert sorted((n.key, n.recipient) for n in report.delivered) == [
        ("alert:1:level:1", "erin"),
        ("alert:1:level:1:passed", "dana"),
    ]


def test_overdue_stale_and_followup_notices(store: Store, db_path: Path) -> None:
    late = store.add_action(ActionDraft(title="late", owner="bob", due="2026-12-20"))
    store.add_action(ActionDraft(title="fresh", owner="bob"))
    done = store.add_action(ActionDraft(title="std", owner="ann", due="2026-11-30"))
    store.move_action(done.id, "do")
    store.add_checkin(done.id, CheckinDraft(message="x"))
    store.move_action(done.id, "check")
    store.move_action(done.id, "act", verdict="worked")
    store.complete_action(done.id, "standardize")
    later = open_as(db_path, "alice", NOW_DT + timedelta(days=31))
    try:
        keys = sorted((n.key.split(":told")[0], n.recipient) for n in ns.due_notices(later))
    finally:
        later.close()
    assert keys == [
        ("followup:1", "ann"),
        (f"overdue:#{late.id}:2026-12-20", "bob"),
        (f"stale:#{late.id}", "bob"),
        ("stale:#2", "bob"),
    ]


def _stale_told_on(db_path: Path, days: range) -> list[int]:
    """The days (after NOW) on which a daily run claimed a new stale reminder (a claim left
    undelivered is claimed again by later runs: not a new one). The run is two hours later
    in the day than NOW: stale on every clock takes eight whole days and an hour."""
    told: list[int] = []
    for day in days:
        when = NOW_DT + timedelta(days=day, hours=2)
        later = open_as(db_path, "alice", when)
        try:
            claimed = ns.claim(later, f"day-{day}")
        finally:
            later.close()
        told += [day for n in claimed if n.key.endswith(f":told-{when.date().isoformat()}")]
    return told


def test_stale_reminders_come_a_cadence_apart_from_the_first(store: Store, db_path: Path) -> None:
    """Added at NOW, no check-in: stale from its eighth day (cadence 7), then reminded every
    seventh day. Periods fixed on the calendar told it on day 8 and day 9 (a tester)."""
    store.add_action(ActionDraft(title="quiet", owner="bob"))
    assert _stale_told_on(db_path, range(1, 30)) == [8, 15, 22, 29]


def test_a_stale_reminder_of_the_old_keys_counts_as_told(store: Store, db_path: Path) -> None:
    """A file upgraded from a pdca that keyed reminders by calendar period: one told under
    the old key two days ago is not told again by the new one until its cadence is up."""
    action = store.add_action(ActionDraft(title="quiet", owner="bob"))
    store.conn.execute(  # as the older pdca's claim wrote it (autocommit)
        "INSERT INTO notifications (key, recipient, channel, kind, text, created_at)"
        " VALUES (?, 'bob', 'terminal', 'stale', 'x', ?)",
        (f"stale:#{action.id}:period-104051", iso(NOW_DT + timedelta(days=9))),
    )
    assert _stale_told_on(db_path, range(10, 20)) == [16]


def test_a_longer_cadence_waits_from_the_last_reminder(store: Store, db_path: Path) -> None:
    store.add_action(ActionDraft(title="quiet", owner="bob"))
    assert _stale_told_on(db_path, range(8, 10)) == [8]
    set_team_setting(store, "stale-after-days", "14")
    assert _stale_told_on(db_path, range(10, 40)) == [22, 36]


# --------------------------------------------------------------------------- failures, backoff


def test_a_failing_webhook_is_retried_with_backoff_then_recovers(
    store: Store, db_path: Path, hook: Hook
) -> None:
    _webhook_only(store, hook.url)
    _breach(store)
    hook.mode = "fail"
    report = _run(store)
    [failed] = report.failed
    assert failed.last_error == "webhook answered HTTP 500"
    assert failed.next_try_at == "2026-11-23T09:01:00Z" and failed.attempts == 1
    assert _run(store, "again").failed == []  # not before its time
    hook.mode = "ok"
    later = open_as(db_path, "alice", NOW_DT + timedelta(minutes=1))
    try:
        recovered = _run(later, "later")
    finally:
        later.close()
    assert [(n.state, n.attempts) for n in recovered.delivered] == [("delivered", 2)]
    assert len(hook.bodies) == 1 and ns.unfinished(store) == []


def test_a_notification_is_given_up_after_max_attempts_and_retry_sends_it_again(
    store: Store, db_path: Path, cli, hook: Hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given up after ten tries (8.5 hours), a night's backlog was lost for good, the last
    failure saying "the next runs try them again", --status as if still tried, and nothing
    sent it once the receiver was back (a notify trial). Twenty tries (about three days),
    then "gave up", and --retry."""
    with socket.socket() as probe:  # a port nobody listens on: every POST is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _webhook_only(store, f"http://127.0.0.1:{port}/never")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    when = NOW_DT
    last = None
    for attempt in range(1, nrules.MAX_ATTEMPTS + 1):
        opened = open_as(db_path, "alice", when)
        try:
            [last] = _run(opened, f"run-{attempt}").failed
        finally:
            opened.close()
        assert last.attempts == attempt
        when += nrules.retry_delay(attempt)
    assert when - NOW_DT > timedelta(days=2)  # a weekend's outage
    assert last is not None and last.next_try_at is None
    assert "unreachable" in (last.last_error or "")
    assert cli("notify", "--status").stdout.startswith("gave up   webhook  dana")
    from pdca.db.doctor import diagnose

    [check] = [c for c in diagnose(db_path) if c.name == "notify"]
    assert check.detail.startswith(
        "deliveries: 1 gave up (pdca notify --retry sends them again)"
    ), check  # not "1 failed deliveries", as if still tried (a retrial)
    monkeypatch.setenv("PDCA_NOW", iso(when))
    assert cli("notify").exit_code == 0  # nothing left to try
    ns.set_channel(store, "webhook", hook.url)  # the receiver is back
    again = cli("notify", "--retry")
    assert again.exit_code == 0, again.stderr
    assert again.stderr == "pdca: 1 that had given up, due again now\n"
    assert len(hook.bodies) == 1 and ns.unfinished(store) == []


def test_a_slow_webhook_holds_up_nobody(store: Store, hook: Hook) -> None:
    ns.set_channel(store, "webhook", hook.url)
    master, slave = os.openpty()
    try:
        tty = os.ttyname(slave)
        os.chmod(tty, 0o620)  # mesg y
        _breach(store)
        store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
        hook.mode = "slow"
        report = _run(
            store, who=f"dana {tty.removeprefix('/dev/')} 2026-11-23 08:00", webhook_timeout=0.3
        )
        assert [n.channel for n in report.delivered] == ["terminal", "terminal"]
        errors = [n.last_error for n in report.failed]
        assert errors[0] is not None and errors[0].startswith("webhook timed out after 0.3 s")
        assert errors[1] == "not tried: the webhook timed out earlier in this run"
        assert hook.calls == 1
    finally:
        hook.release.set()
        os.close(master)
        os.close(slave)


# --------------------------------------------------------------------------- terminals


def _read_all(fd: int) -> str:
    os.set_blocking(fd, False)
    chunks = []
    try:
        while True:
            chunks.append(os.read(fd, 65536))
    except BlockingIOError:
        pass
    return b"".join(chunks).decode("utf-8")


def test_the_terminal_gets_the_text_with_controls_shown_escaped(store: Store) -> None:
    store.add_action(
        ActionDraft(title="boom \x1b]0;pwned\x07 \u202eexe.txt", owner="dana", due="2026-11-20")
    )
    master, slave = os.openpty()
    try:
        tty = os.ttyname(slave)
        os.chmod(tty, 0o620)
        report = _run(store, who=f"dana     {tty.removeprefix('/dev/')}   2026-11-23 08:00")
        assert [n.channel for n in report.delivered] == ["terminal"]
        shown = _read_all(master)
        assert "Message from pdca at 2026-11-23T09:00:00Z" in shown
        assert "\\x1b]0;pwned\\x07" in shown and "\\u202eexe.txt" in shown
        assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
    finally:
        os.close(master)
        os.close(slave)


def _danas_terminals(*ptys: tuple[int, int]) -> tuple[list[str], str]:
    """The pseudo-terminals' names, made to take messages (mesg y), and ``who``'s lines
    saying dana is logged in on each."""
    ttys = [os.ttyname(slave) for _, slave in ptys]
    for tty in ttys:
        os.chmod(tty, 0o620)
    return ttys, "\n".join(f"dana {tty.removeprefix('/dev/')} 2026-11-23 08:00" for tty in ttys)


def test_a_message_for_the_terminal_a_board_draws_on_is_shown_on_the_board(store: Store) -> None:
    """Written to the board's own terminal, a message scrambled the board until a resize
    (a tester): the board that delivers it shows it instead; other terminals get it."""
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    board, other = os.openpty(), os.openpty()
    try:
        ttys, who = _danas_terminals(board, other)
        shown: list[str] = []
        report = _run(
            store,
            who=who,
            own_terminal=os.stat(ttys[0]).st_rdev,
            shown_here=lambda n: shown.append(n.text),
        )
        assert [n.channel for n in report.delivered] == ["terminal"]
        assert shown == [report.delivered[0].text] and "'late'" in shown[0]
        assert _read_all(board[0]) == ""  # nothing written over the board
        assert "Message from pdca" in _read_all(other[0])
    finally:
        for fd in (*board, *other):
            os.close(fd)


def test_a_person_with_a_board_open_reads_terminal_messages_on_it_not_under_it(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cron run wrote dana's message on the terminal her board draws on (scrambled until a
    redraw, a tester): while her board is open on this machine her terminal messages wait
    for it, and it shows them and writes them to her other terminals; other people are not
    held, nor boards of other machines; once it closes, cron writes."""
    from pdca.db import presence
    from pdca.db.presence import Presence

    # This process plays dana's board: a board counts when run by its login itself
    monkeypatch.setattr(presence, "_run_by", lambda pid, proc=None: "dana")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    store.add_action(ActionDraft(title="late too", owner="erin", due="2026-11-20"))
    pty = os.openpty()
    dana = open_as(db_path, "dana")
    board = Presence(dana, host=socket.gethostname(), pid=os.getpid())
    try:
        tty = os.ttyname(pty[1])
        os.chmod(tty, 0o620)
        who = "\n".join(
            f"{login} {tty.removeprefix('/dev/')} 2026-11-23 08:00" for login in ("dana", "erin")
        )
        board.join()
        erin = open_as(db_path, "erin")
        Presence(erin, host="elsewhere", pid=1).join()  # erin's board on another machine:
        erin.close()  # cron here still writes to erin's terminals here
        assert ns.left_to_boards(store) == {"dana"}
        assert ns.left_to_boards(store, "dana", board=True) == {"dana"}  # run as root
        monkeypatch.setattr(ns, "unix_login", lambda: "dana")
        assert ns.left_to_boards(store, "dana", board=True) == set()  # run as dana
        monkeypatch.setattr(ns, "unix_login", lambda: "root")
        assert [p.notice.recipient for p in ns.plan(store, held=True)] == ["dana"]
        assert [p.notice.recipient for p in ns.plan(store)] == ["erin"]
        cron = _run(store, who=who)
        assert [n.recipient for n in cron.delivered] == ["erin"]  # dana's waits for her board
        assert _read_all(pty[0]).count("Message from pdca") == 1
        shown: list[str] = []
        erins = _run(store, "erin-board", runner="erin", who=who, shown_here=shown.append)
        assert erins.delivered == [] and shown == []  # dana's board shows dana's, not erin's
        monkeypatch.setattr(ns, "unix_login", lambda: "dana")  # dana's board, as dana
        danas = ns.run(
            store, "dana-board",
            _channels(
                store, runner="dana", who=who, shown_here=lambda n: shown.append(n.text),
                own_login="dana",
            ),
            "dana", board=True,
        )  # fmt: skip
        monkeypatch.setattr(ns, "unix_login", lambda: "root")
        assert [n.recipient for n in danas.delivered] == ["dana"]
        assert shown == [danas.delivered[0].text] and "'late'" in shown[0]
        # and written on her other terminals, as ever (a note alone was lost on a board
        # nobody watched, a reviewer); the board's own is not among them here
        assert "'late'" in _read_all(pty[0])
        store.add_action(ActionDraft(title="later", owner="dana", due="2026-11-21"))
        board.leave()
        assert ns.left_to_boards(store) == set()
        after = _run(store, "run-2", who=who)
        assert [n.recipient for n in after.delivered] == ["dana"]
        assert "'later'" in _read_all(pty[0])
    finally:
        board.leave()
        dana.close()
        os.close(pty[0])
        os.close(pty[1])


def test_a_board_never_writes_over_another_board_of_the_same_person(store: Store) -> None:
    """dana had two boards open: the note one showed was written raw over the other (a
    tester). Terminals her boards draw on are never written; the rest are."""
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    other_board, shell = os.openpty(), os.openpty()
    try:
        ttys, who = _danas_terminals(other_board, shell)
        shown: list[str] = []
        report = ns.run(
            store, "dana-board",
            _channels(
                store, runner="dana", who=who, shown_here=lambda n: shown.append(n.text),
                own_login="dana", board_terminals=lambda login: {os.stat(ttys[0]).st_rdev},
            ),
            "dana",
        )  # fmt: skip
        assert [n.recipient for n in report.delivered] == ["dana"] and len(shown) == 1
        assert _read_all(other_board[0]) == ""
        assert "'late'" in _read_all(shell[0])
    finally:
        for fd in (*other_board, *shell):
            os.close(fd)


def test_a_run_that_may_not_write_others_terminals_leaves_their_messages(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ann's board (not root, not in group tty) took ben's message, failed "Permission
    denied" at each try, and kept it from the cron that could write it: 13 minutes late (a
    tester). Such a run claims its own login's terminal messages only; other channels all."""
    _webhook_only(store, "http://127.0.0.1:9/hook")
    ns.set_channel(store, "terminal", "on")
    store.add_action(ActionDraft(title="ann's", owner="ann", due="2026-11-20"))
    store.add_action(ActionDraft(title="ben's", owner="ben", due="2026-11-20"))
    monkeypatch.setattr(ns, "unix_login", lambda: "ann")
    monkeypatch.setattr(ns, "may_write_others_terminals", lambda: False)
    planned = sorted((p.channel, p.notice.recipient) for p in ns.plan(store, "ann"))
    assert planned == [("terminal", "ann"), ("webhook", "ann"), ("webhook", "ben")]
    monkeypatch.setattr(ns, "may_write_others_terminals", lambda: True)  # root, or group tty
    planned = sorted((p.channel, p.notice.recipient) for p in ns.plan(store, "ann"))
    assert ("terminal", "ben") in planned


def test_mesg_n_and_not_logged_in_are_skipped_not_failed(store: Store) -> None:
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    store.add_action(ActionDraft(title="late too", owner="erin", due="2026-11-20"))
    master, slave = os.openpty()
    try:
        tty = os.ttyname(slave)
        os.chmod(tty, 0o600)
        assert not stat.S_IMODE(os.stat(tty).st_mode) & 0o020
        report = _run(store, who=f"dana {tty.removeprefix('/dev/')} 2026-11-23 08:00")
        assert [(n.recipient, n.last_error) for n in report.skipped] == [
            ("dana", "dana has mesg n on every terminal"),
            ("erin", "erin is not logged in"),
        ]
        assert report.failed == [] and _read_all(master) == ""
    finally:
        os.close(master)
        os.close(slave)


# --------------------------------------------------------------------------- mail, command


def _script(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _with_bin(store: Store, tmp_path: Path) -> Channels:
    """Channels whose PATH finds the test's own ``sendmail`` (in ``tmp_path/bin``) first."""
    return Channels(
        ns.channel_settings(store),
        runner="alice",
        now=store.clock(),
        environ={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"},
        who=lambda: "",
        set_by_me=as_whoever_set_it,
    )


def test_mail_goes_through_sendmail_on_path(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "mail.txt"
    _script(tmp_path / "bin", "sendmail", f'echo "ARGS $*" >> "{out}"\ncat >> "{out}"\n')
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "mail", "on")
    store.add_action(ActionDraft(title="late \x1b[31mred", owner="dana", due="2026-11-20"))
    channels = _with_bin(store, tmp_path)
    report = ns.run(store, "run", channels)
    assert [n.channel for n in report.delivered] == ["mail"]
    mail = out.read_text()
    assert mail.startswith("ARGS -oi -- dana\nTo: dana\nSubject: pdca: overdue (overdue:#1:")
    assert "\\x1b[31mred" in mail and "\x1b" not in mail


def test_a_sendmail_that_hung_is_not_waited_for_again_in_the_run(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = tmp_path / "calls"
    _script(tmp_path / "bin", "sendmail", f'echo . >> "{calls}"\nexec sleep 60\n')
    monkeypatch.setattr("pdca.db.notify_channels.MAIL_TIMEOUT", 1.0)
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "mail", "on")
    for title in ("late one", "late two"):
        store.add_action(ActionDraft(title=title, owner="dana", due="2026-11-20"))
    channels = _with_bin(store, tmp_path)
    errors = [n.last_error for n in ns.run(store, "run", channels).failed]
    assert len(errors) == 2 and "timed out" in (errors[0] or "")
    assert errors[1] == "not tried: sendmail timed out earlier in this run"
    assert calls.read_text().count(".") == 1


def test_mail_without_sendmail_fails_and_says_so(store: Store, tmp_path: Path) -> None:
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "mail", "on")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    channels = Channels(
        ns.channel_settings(store), runner="alice", now=store.clock(),
        environ={"PATH": str(tmp_path)}, who=lambda: "", set_by_me=as_whoever_set_it,
    )  # fmt: skip
    channels_places = ("/nonexistent/sendmail",)
    import pdca.db.notify_channels as module

    original = module.SENDMAIL_PLACES
    module.SENDMAIL_PLACES = channels_places
    try:
        [failed] = ns.run(store, "run", channels).failed
    finally:
        module.SENDMAIL_PLACES = original
    assert failed.last_error == "sendmail not found on PATH (pdca notify config mail off)"


def test_the_command_hook_gets_json_on_stdin(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "hook.jsonl"
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "command", f"cat >> {out}")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    report = _run(store)
    assert [n.channel for n in report.delivered] == ["command"]
    assert out.read_text().endswith("\n")  # one record a line: appended logs stay readable
    [document] = [json.loads(line) for line in out.read_text().splitlines()]
    assert document["key"] == "overdue:#1:2026-11-20" and document["recipient"] == "dana"
    assert document["channel"] == "command" and "was due 2026-11-20" in document["text"]


def test_a_command_hook_runs_only_for_whoever_set_it(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "ran"
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "command", f"touch {out}")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    # A channel that claims anyway (an old run without the rule) is refused at delivery...
    [failed] = _run(store, runner="mallory").failed
    assert "set by alice" in (failed.last_error or "") and not out.exists()


def test_another_persons_run_leaves_the_command_hook_to_its_owner(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "ran"
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "command", f"touch {out}")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    assert ns.plan(store, "bob") == []  # bob's dry run promises nothing of it
    bobs = ns.run(store, "bob-run", _channels(store, runner="bob"), runner="bob")
    assert bobs.delivered == bobs.failed == [] and not out.exists()
    alices = ns.run(store, "alice-run", _channels(store), runner="alice")
    assert [n.channel for n in alices.delivered] == ["command"] and out.exists()


def test_a_failed_hook_says_what_it_printed_or_that_it_printed_nothing(store: Store) -> None:
    """ "command exited 1: " ended in a colon with nothing after it (a tester)."""
    ns.set_channel(store, "terminal", "off")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    store.add_action(ActionDraft(title="late too", owner="erin", due="2026-11-20"))
    ns.set_channel(store, "command", "exit 1")
    errors = [n.last_error for n in _run(store).failed]
    assert errors == ["command exited 1 (it printed nothing on stderr)"] * 2
    ns.set_channel(store, "command", "echo 'no route to chat' >&2; exit 2")
    store.add_action(ActionDraft(title="late, fay's", owner="fay", due="2026-11-20"))
    errors = [n.last_error for n in _run(store, "run-2").failed if n.recipient == "fay"]
    assert errors == ["command exited 2: no route to chat"]


def test_a_hook_that_timed_out_is_not_waited_for_again_in_the_run(
    store: Store, tmp_path: Path
) -> None:
    """Each notification waited out the hung hook's timeout: 16 of them took 2 min 43 s (a
    tester). After one, the rest of the run fails them at once; the next run tries again."""
    calls = tmp_path / "calls"
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "command", f"echo . >> {calls}; sleep 60")
    for title in ("late one", "late two", "late three"):
        store.add_action(ActionDraft(title=title, owner="dana", due="2026-11-20"))
    errors = [n.last_error for n in _run(store, command_timeout=1).failed]
    assert len(errors) == 3 and "timed out after 1 s" in (errors[0] or "")
    assert errors[1:] == ["not tried: the command timed out earlier in this run"] * 2
    assert calls.read_text().count(".") == 1


def test_the_ones_behind_a_hook_that_hung_keep_their_tries_and_go_next_run(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    """A hook that hangs on one notification only: the others, "not tried" behind it, used
    up a try each run, the hung one first every run, and never reached the hook (a
    reviewer). Not tried is no try: due again at once, they go while it backs off."""
    got = tmp_path / "got"
    ns.set_channel(store, "terminal", "off")
    hook = f'read line; case "$line" in *poison*) sleep 60;; esac; echo "$line" >> {got}'
    ns.set_channel(store, "command", hook)
    for title in ("poison", "fine one", "fine two"):
        store.add_action(ActionDraft(title=title, owner="dana", due="2026-11-20"))
    first = _run(store, command_timeout=1)
    assert [n.attempts for n in first.failed] == [1, 0, 0] and not got.exists()
    # Two more runs, as the app makes them a minute or so apart: the hung one is due again
    # in the first (its back-off is a minute) and hangs again; in the second it waits.
    later = open_as(db_path, "alice", NOW_DT + timedelta(seconds=90))
    try:
        second = ns.run(later, "run-2", _channels(later, command_timeout=1))
        third_at = open_as(db_path, "alice", NOW_DT + timedelta(seconds=180))
        third = ns.run(third_at, "run-3", _channels(third_at, command_timeout=1))
        third_at.close()
    finally:
        later.close()
    delivered = [n.key for n in [*second.delivered, *third.delivered]]
    assert len(delivered) == 2 and got.read_text().count("fine") == 2
    assert "poison" not in got.read_text()


def test_a_webhook_that_is_down_costs_a_few_events_a_run_whatever_the_backlog(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run claimed every retry again and recorded each one behind the first failure
    "not tried", an event each: a webhook down for a minute grew a big file by 80 MB (a
    sysadmin's trial). Now a channel found down claims no more of its backlog in the run,
    and what was claimed and not tried is recorded together: a few events a run."""
    monkeypatch.setattr(ns, "CLAIM_BATCH", 10)
    monkeypatch.setattr(ns, "CLAIM_PAUSE_SECONDS", 0)
    _webhook_only(store, "http://127.0.0.1:9/hook")  # nothing listens: unreachable
    for n in range(35):
        store.add_action(ActionDraft(title=f"late {n}", owner="dana", due="2026-11-20"))
    events = lambda: store.conn.execute("SELECT count(*) FROM events").fetchone()[0]  # noqa: E731
    before = events()
    pauses: list[float] = []
    monkeypatch.setattr(ns.time, "sleep", pauses.append)
    first = _run(store)
    # tried once, the rest of its batch not tried; the other three batches never claimed,
    # nor paused for (each took the lock and slept: 9 s a run at 100 000 actions, a trial)
    assert [n.attempts for n in first.failed] == [1] + [0] * 9
    assert pauses == []
    assert events() - before <= 3  # claimed, failed, not tried
    assert store.conn.execute("SELECT count(*) FROM notifications").fetchone()[0] == 10
    at = events()
    second = _run_later(db_path, timedelta(minutes=2), "run-2")
    # one transaction's claim: the next 10 new ones and the 10 retries, no more
    assert len(second.failed) == 20
    assert events() - at <= 4  # claimed (new), claimed again, failed, not tried


def test_a_webhook_answering_500_to_each_is_down_after_three_in_a_row(
    store: Store, hook: Hook
) -> None:
    """A receiver answering 500 got the whole backlog posted every run, a failure, an event
    and a stderr line each: 1 914 in 12 s (a retrial). Three in a row and it is down."""
    _webhook_only(store, hook.url)
    for n in range(10):
        store.add_action(ActionDraft(title=f"late {n}", owner="dana", due="2026-11-20"))
    hook.mode = "fail"
    report = _run(store)
    assert hook.calls == ns.FAILURES_IN_A_ROW == 3
    assert [n.attempts for n in report.failed] == [1, 1, 1] + [0] * 7
    assert report.failed[-1].last_error == (
        "not tried: the webhook failed 3 times in a row earlier in this run"
    )


def test_once_the_webhook_delivers_again_those_backing_off_on_it_are_due_at_once(
    store: Store, db_path: Path, hook: Hook
) -> None:
    """Tried first while it was down, the oldest (the alerts) waited out their back-off
    after it came back, behind thousands of reminders not tried, which went at once (a
    trial at 100 000 actions)."""
    _webhook_only(store, hook.url)
    _breach(store)
    for n in range(3):
        store.add_action(ActionDraft(title=f"late {n}", owner="dana", due="2026-11-20"))
    hook.mode = "fail"
    first = _run(store)
    assert [n.attempts for n in first.failed] == [1, 1, 1, 0]  # three in a row: down
    hook.mode = "ok"
    second = _run_later(db_path, timedelta(seconds=30), "run-2")
    assert len(second.delivered) == 1  # the one not tried; the three back off a minute
    third = _run_later(db_path, timedelta(seconds=40), "run-3")
    assert [n.key for n in third.delivered][0] == "alert:1:level:0"  # not a minute later
    assert len(third.delivered) == 3 and ns.unfinished(store) == []


def test_a_retry_for_an_alert_closed_meanwhile_is_skipped_not_sent(
    store: Store, db_path: Path, hook: Hook
) -> None:
    """The webhook back after an outage asked heidi to acknowledge an alert a reading had
    closed an hour before; "pdca alerts ack" then said it was closed (a notify trial)."""
    _webhook_only(store, hook.url)
    _breach(store)
    hook.mode = "fail"
    [failed] = _run(store).failed
    assert failed.key == "alert:1:level:0"
    _breach(store, value=5)  # back under: alert 1 closes
    hook.mode = "ok"
    report = _run_later(db_path, timedelta(minutes=5), "run-2")
    assert [n.key for n in report.delivered] == [] and hook.bodies == []
    row = store.conn.execute("SELECT state, last_error FROM notifications").fetchone()
    assert tuple(row) == ("skipped", "alert 1 closed since")


def test_a_plan_made_before_an_acknowledgement_tells_nobody_to_acknowledge(
    store: Store, db_path: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's plan is made once; an acknowledgement while its first batches were delivered
    did not stop a later batch telling alice "escalated to you ... acknowledge by" (a notify
    trial). Each notice of an alert is looked at again as its batch is claimed."""
    monkeypatch.setattr(ns, "CLAIM_BATCH", 1)
    monkeypatch.setattr(ns, "CLAIM_PAUSE_SECONDS", 0)
    _webhook_only(store, hook.url)
    _breach(store)  # alert 1, MTTR's
    store.add_kpi(
        KpiDraft(
            name="Queue", unit="h", baseline=5, target=2, alert=8, owner="dana", direction="down"
        )
    )
    store.record_reading(ReadingDraft(kpi="Queue", value=9))  # alert 2
    planned = [p.notice.key for p in ns.plan(store)]
    assert planned == ["alert:1:level:0", "alert:2:level:0"]  # a batch each
    channels = _channels(store)
    acknowledged: list[int] = []

    def deliver(notification: ns.Notification) -> ns.Outcome:
        if not acknowledged:  # erin acknowledges alert 2 while alert 1's is delivered
            erin = open_as(db_path, "erin")
            try:
                acknowledged.append(alerts.acknowledge(erin, 2, "on it").id)
            finally:
                erin.close()
        return channels(notification)

    report = ns.run(store, "run-1", deliver)
    assert acknowledged and [n.key for n in report.delivered] == ["alert:1:level:0"]


def test_a_hook_that_times_out_leaves_nothing_running(store: Store, tmp_path: Path) -> None:
    started = tmp_path / "started"
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "command", f"echo $$ > {started}; sleep 60")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    [failed] = _run(store, command_timeout=1).failed
    assert "timed out after 1 s" in (failed.last_error or "")
    pid = int(started.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the hook's shell, and its sleep with it, are gone


def test_a_dry_run_sees_an_escalation_the_clock_made(store: Store, db_path: Path) -> None:
    _breach(store)  # dana's alert, erin next on the path
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=24, seconds=1))
    try:
        planned = {(p.notice.key, p.notice.recipient) for p in ns.plan(later)}
        assert ("alert:1:level:1", "erin") in planned
        assert ("alert:1:level:1:passed", "dana") in planned
        assert ("alert:1:level:0", "dana") not in planned
    finally:
        later.close()


def test_a_person_chooses_their_channels(store: Store, tmp_path: Path, hook: Hook) -> None:
    out = tmp_path / "hook.jsonl"
    ns.set_channel(store, "webhook", hook.url)
    ns.set_channel(store, "command", f"cat >> {out}")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    store.add_action(ActionDraft(title="late", owner="erin", due="2026-11-20"))
    ns.set_preference(store, "dana", "webhook")
    report = _run(store)
    assert sorted((n.recipient, n.channel) for n in report.delivered + report.skipped) == [
        ("dana", "webhook"),
        ("erin", "command"),
        ("erin", "terminal"),
        ("erin", "webhook"),
    ]


# --------------------------------------------------------------------------- the command line


def test_notify_counts_apart_the_ones_not_tried(cli, store: Store) -> None:
    """Behind a channel that failed in the run, the rest are not tried: "4 notification(s)
    failed" read as four failures where one had failed (a tester)."""
    _webhook_only(store, "http://127.0.0.1:9/hook")  # nothing listens: unreachable
    for title in ("late one", "late two", "late three"):
        store.add_action(ActionDraft(title=title, owner="dana", due="2026-11-20"))
    result = cli("notify")
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert lines[-1] == (
        "pdca: 1 notification(s) failed, 2 not tried; the next runs try them again"
        " (pdca notify --status)"
    )  # one hint, said once
    # the two say they were not tried, not that they failed (a tester), in one line: a
    # line each was 6 000 lines a run in cron's mail (a sysadmin's trial)
    assert [line.split()[1] for line in lines[:-1]] == ["failed", "not"], lines
    assert lines[1] == (
        "pdca: not tried 2 by webhook (the webhook could not be reached earlier in this run)"
    )


def test_notify_exits_4_when_one_failed_and_status_lists_it(cli, store: Store, hook: Hook) -> None:
    _webhook_only(store, hook.url)
    _breach(store)
    hook.mode = "fail"
    result = cli("notify")
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("pdca: 1 notification(s) failed")
    # --verbose says it once, on stderr as without it (it was on both: twice on a terminal)
    hook.mode = "fail"
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    verbose = cli("notify", "--verbose")
    assert verbose.exit_code == 4 and "failed" not in verbose.stdout, verbose.stdout
    assert "failed" in verbose.stderr
    status = cli("notify", "--status")
    assert status.exit_code == 0
    assert "failed    webhook  dana" in status.stdout and "HTTP 500" in status.stdout
    listed = json.loads(cli("notify", "--status", "--json").stdout)
    assert listed[0]["state"] == "failed" and listed[0]["next_try_at"] == "2026-11-23T09:01:00Z"


def test_dry_run_writes_and_sends_nothing(cli, store: Store, hook: Hook) -> None:
    _webhook_only(store, hook.url)
    _breach(store)
    before = last_event_id(store)
    result = cli("notify", "--dry-run", "--json")
    assert result.exit_code == 0
    assert [(p["key"], p["channel"]) for p in json.loads(result.stdout)] == [
        ("alert:1:level:0", "webhook")
    ]
    assert last_event_id(store) == before and hook.calls == 0


def test_a_quiet_successful_run_prints_nothing(cli, store: Store, hook: Hook) -> None:
    _webhook_only(store, hook.url)
    _breach(store)
    result = cli("notify")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert len(hook.bodies) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["webhook", "ftp://example.com/x"],
        ["webhook", "example.com"],
        ["webhook", "http://exa mple.com/"],
        ["mail", "yes"],
        ["terminal", "maybe"],
        ["command", ""],
        ["command", "a\nb"],
        ["sms", "on"],
        ["webhook"],
    ],
)
def test_bad_settings_are_refused_in_one_line_and_nothing_written(
    cli, store: Store, args: list[str]
) -> None:
    before = last_event_id(store)
    result = cli("notify", "config", *args)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("pdca: ")
    assert last_event_id(store) == before
    assert store.conn.execute("SELECT count(*) FROM notify_settings").fetchone()[0] == 0


@pytest.mark.parametrize("args", [["dana", "sms"], ["da na", "mail"], ["dana", "mail,mail"]])
def test_bad_preferences_are_refused(cli, store: Store, args: list[str]) -> None:
    result = cli("notify", "prefer", *args)
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert store.conn.execute("SELECT count(*) FROM notify_settings").fetchone()[0] == 0


def test_config_and_prefer_are_stored_and_shown(cli, store: Store) -> None:
    unchanged = cli("notify", "config", "terminal", "on")  # on by default
    assert unchanged.stderr == "note: terminal was so already: nothing written\n"
    assert cli("notify", "config", "webhook", "https://chat.example.com/hooks/abc").exit_code == 0
    assert cli("notify", "config", "mail", "on").exit_code == 0
    refused = cli("notify", "prefer", "dana", "mail,terminal")  # nobody knows dana yet
    assert refused.exit_code == 1 and "is nobody pdca knows yet" in refused.stderr
    store.add_action(ActionDraft(title="hers", owner="dana"))
    assert cli("notify", "prefer", "dana", "mail,terminal").stdout == "dana: mail,terminal\n"
    # named as every login is, with the one meant (it said "LOGIN: 'Dana'", a hostile trial)
    assert cli("notify", "prefer", "Dana", "mail").stderr == (
        "pdca: login: 'Dana' is nobody pdca knows yet; did you mean dana? (people come with"
        " their first action)\n"
    )
    shown = json.loads(cli("notify", "config", "--json").stdout)
    assert shown["webhook"] == "https://chat.example.com/hooks/abc" and shown["mail"] is True
    assert shown["prefer"] == {"dana": ["mail", "terminal"]}
    assert cli("notify", "prefer", "dana", "default").stdout == "dana: the team default\n"
    assert cli("notify", "config", "webhook", "none").exit_code == 0
    assert json.loads(cli("notify", "config", "--json").stdout)["webhook"] is None
    changes = [e["summary"] for e in events(store) if e["entity"] == "notify_setting"]
    assert changes[0] == "set notify webhook to https://chat.example.com/hooks/abc"
    assert changes[-1] == "cleared notify webhook"
    # A choice of a channel the team has off is said, and what the person gets instead.
    assert cli("notify", "config", "mail", "off").exit_code == 0
    off = cli("notify", "prefer", "dana", "mail")
    assert off.stdout == "dana: mail\n"
    assert off.stderr == (
        "note: the team has mail off: dana gets notices on terminal until it is on"
        " (pdca notify config mail ...)\n"
    )


def _command_hook_only(store: Store) -> None:
    """Notices go to a command hook that takes them all (true), not to terminals."""
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "command", "true")


def test_alerts_escalate_before_notify_reads_them(store: Store, db_path: Path) -> None:
    _breach(store)
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=25))
    try:
        _command_hook_only(later)
        report = _run(later)
        assert alerts.get_alert(later, 1).assignee == "erin"
    finally:
        later.close()
    # Escalated first, so the first level (never told: notify was not running) is moot.
    assert {n.key for n in report.delivered} == {"alert:1:level:1", "alert:1:level:1:passed"}


def _two_step_kpi(store: Store) -> None:
    """MTTR, dana's, escalating to erin and then frank."""
    store.add_kpi(
        KpiDraft(
            name="MTTR", unit="h", baseline=5, target=2, alert=8, owner="dana",
            direction="down", escalation=["erin", "frank"],
        )
    )  # fmt: skip


def test_an_owner_hears_of_their_alert_when_notify_first_runs_after_two_escalations(
    store: Store, db_path: Path
) -> None:
    """A tester's notify had not run for two days: frank was told it escalated to him, erin
    that it passed on, and dana, whose KPI it is, nothing at all. erin is told nothing now:
    never told it was hers, a note that it "passed" from her read as blame (a lead's
    trial)."""
    _two_step_kpi(store)
    _breach(store)
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=49))
    try:
        _command_hook_only(later)
        report = _run(later)
        assert alerts.get_alert(later, 1).assignee == "frank"
        again = _run(later)
    finally:
        later.close()
    told = {(n.key, n.recipient) for n in report.delivered}
    assert told == {("alert:1:level:2", "frank"), ("alert:1:level:1:passed", "dana")}
    (dana,) = [n for n in report.delivered if n.recipient == "dana"]
    assert dana.text.endswith("not acknowledged in time, it passed on and now waits for frank")
    assert again.delivered == []  # each once


def test_an_owner_hears_once_that_their_alert_passed_them(store: Store, db_path: Path) -> None:
    """Told of the alert at the time and of its passing to erin at the next level, dana is
    told nothing more when it passes to frank (a reviewer saw her told twice)."""
    _two_step_kpi(store)
    _command_hook_only(store)
    _breach(store)
    assert {(n.key, n.recipient) for n in _run(store).delivered} == {("alert:1:level:0", "dana")}
    told: list[set[tuple[str, str]]] = []
    for hours in (25, 49):
        later = open_as(db_path, "alice", NOW_DT + timedelta(hours=hours))
        try:
            told.append({(n.key, n.recipient) for n in _run(later).delivered})
        finally:
            later.close()
    assert told == [
        {("alert:1:level:1", "erin"), ("alert:1:level:1:passed", "dana")},
        {("alert:1:level:2", "frank"), ("alert:1:level:2:passed", "erin")},
    ]


def test_a_retried_acknowledged_notice_is_skipped_once_the_acknowledgement_is_undone(
    store: Store, db_path: Path, hook: Hook
) -> None:
    """ "acknowledged by erin, nothing left for you" was retried after erin's undo, while
    the alert waited for dana again (a reviewer)."""
    _two_step_kpi(store)
    _webhook_only(store, hook.url)
    _breach(store)
    assert [n.key for n in _run(store).delivered] == ["alert:1:level:0"]
    erin = open_as(db_path, "erin", NOW_DT + timedelta(hours=1))
    try:
        alerts.acknowledge(erin, 1, "on it")
    finally:
        erin.close()
    hook.mode = "fail"
    [failed] = _run_later(db_path, timedelta(hours=2), "run-2").failed
    assert failed.key.startswith("alert:1:acknowledged:")
    erin = open_as(db_path, "erin", NOW_DT + timedelta(hours=2, minutes=30))
    try:
        erin.undo()
    finally:
        erin.close()
    hook.mode = "ok"
    report = _run_later(db_path, timedelta(hours=3), "run-3")
    assert not any(":acknowledged:" in n.key for n in report.delivered)
    state, why = store.conn.execute(
        "SELECT state, last_error FROM notifications WHERE key LIKE 'alert:1:acknowledged:%'"
    ).fetchone()
    assert (state, why) == ("skipped", "the acknowledgement of alert 1 was undone since")


def test_whoever_was_told_an_alert_was_theirs_hears_someone_else_acknowledged_it(
    store: Store, db_path: Path
) -> None:
    """dana was told the alert was hers; past her deadline erin, next on the path, took it
    before notify ran again: dana never heard of it again (a lead's weeks). Now she is told
    once; erin, who acknowledged it, is told nothing."""
    _two_step_kpi(store)
    _command_hook_only(store)
    _breach(store)
    assert {(n.key, n.recipient) for n in _run(store).delivered} == {("alert:1:level:0", "dana")}
    erin = open_as(db_path, "erin", NOW_DT + timedelta(hours=24, minutes=30))
    try:
        alerts.acknowledge(erin, 1, "on it;\nnew line \x1b[31mred")
    finally:
        erin.close()
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=25))
    try:
        report, again = _run(later), _run(later)
    finally:
        later.close()
    told = [(n.key, n.recipient) for n in report.delivered]
    assert told == [("alert:1:acknowledged:2026-11-24T09:30:00Z", "dana")]
    assert "acknowledged by erin" in report.delivered[0].text
    # the note quoted as titles are: its escape and newline went raw to the webhook and the
    # hook (a notify trial)
    said = report.delivered[0].text
    assert said.endswith("nothing left for you: 'on it;\\nnew line \\x1b[31mred'"), said
    assert again.delivered == []  # once


def test_an_undone_acknowledgement_tells_the_one_it_waits_for_again(
    store: Store, db_path: Path
) -> None:
    """Told "acknowledged by erin, nothing left for you", dana heard nothing when erin undid
    it, and thought it handled while it waited for her (a reviewer). Told again, once; and
    a second acknowledgement is told too (each its own key)."""
    _two_step_kpi(store)
    _command_hook_only(store)
    _breach(store)
    _run(store)
    for hours, step in ((1, "ack"), (2, "undo"), (3, "ack")):
        erin = open_as(db_path, "erin", NOW_DT + timedelta(hours=hours))
        try:
            alerts.acknowledge(erin, 1, "on it") if step == "ack" else erin.undo()
            told = [(n.key, n.recipient, n.text) for n in _run(erin).delivered]
            assert _run(erin).delivered == []  # each once
        finally:
            erin.close()
        assert [recipient for _, recipient, _ in told] == ["dana"], told
        if step == "undo":
            assert told[0][0].startswith("alert:1:level:0:after:")
            assert told[0][2].endswith("(its acknowledgement was taken back)")
        else:
            assert "acknowledged by erin" in told[0][2]


def test_an_alert_acknowledged_by_the_one_it_waited_for_tells_nobody_else(
    store: Store, db_path: Path
) -> None:
    _two_step_kpi(store)
    _command_hook_only(store)
    _breach(store)
    assert len(_run(store).delivered) == 1
    dana = open_as(db_path, "dana", NOW_DT + timedelta(hours=1))
    try:
        alerts.acknowledge(dana, 1, "mine")
        assert _run(dana).delivered == []
    finally:
        dana.close()


def test_a_claim_left_by_a_run_that_died_is_taken_over_after_its_lease(
    store: Store, db_path: Path, hook: Hook
) -> None:
    _webhook_only(store, hook.url)
    _breach(store)
    [claimed] = ns.claim(store, "died")  # claimed, never delivered nor recorded
    assert _run(store, "soon").delivered == [] and hook.calls == 0
    later = open_as(db_path, "alice", NOW_DT + timedelta(minutes=11))
    try:
        [delivered] = _run(later, "later").delivered
    finally:
        later.close()
    assert delivered.id == claimed.id and len(hook.bodies) == 1
    assert ns.record(store, "died", claimed.id, ns.Outcome("delivered")) is None  # too late


def test_chat_markup_in_user_text_is_escaped_for_the_webhook(store: Store, hook: Hook) -> None:
    _webhook_only(store, hook.url)
    store.add_action(ActionDraft(title="<!channel> ping", owner="dana", due="2026-11-20"))
    _run(store)
    assert "'&lt;!channel&gt; ping'" in hook.bodies[0]["text"]


def test_a_notify_setting_can_be_undone_like_any_setting(store: Store) -> None:
    ns.set_channel(store, "webhook", "http://127.0.0.1:9/hook")
    assert ns.channel_settings(store).webhook == "http://127.0.0.1:9/hook"
    store.undo()
    assert ns.channel_settings(store).webhook is None


def test_a_setting_given_as_it_is_writes_nothing(store: Store, db_path: Path) -> None:
    """``notify config terminal on`` when it is on wrote "set notify terminal to on" into
    everyone's history (a tester); ``initiative edit`` with the same value writes nothing.
    On by default, and mail off, as no row says: no write either (the next undo took back
    that no-op, not the person's last change, a tester)."""
    first = store.last_event_id()
    ns.set_channel(store, "terminal", "on")
    ns.set_channel(store, "mail", "off")
    assert store.last_event_id() == first
    ns.set_channel(store, "terminal", "off")
    ns.set_channel(store, "webhook", "http://127.0.0.1:9/hook")
    last = store.last_event_id()
    ns.set_channel(store, "terminal", "OFF")
    ns.set_channel(store, "webhook", "http://127.0.0.1:9/hook")
    assert store.last_event_id() == last
    ns.set_channel(store, "terminal", "on")
    assert store.last_event_id() == last + 1
    # The same hook set by someone else is theirs now: it runs only as whoever set it.
    ns.set_channel(store, "command", "cat >> hook.out")
    other = open_as(db_path, "ann")
    try:
        assert ns.set_channel(other, "command", "cat >> hook.out").command_by == "ann"
    finally:
        other.close()


def test_a_channel_turned_off_skips_what_it_had_failed_to_deliver(
    store: Store, db_path: Path, hook: Hook
) -> None:
    """A tester turned a failing webhook off: every run still retried its deliveries ("no
    webhook set"), failing, for a week, and doctor failed for good."""
    from pdca.db.doctor import diagnose

    _webhook_only(store, hook.url)
    _breach(store)
    hook.mode = "fail"
    [failed] = _run(store).failed
    # Its tries used up (a reviewer): no run claims it again, so only the switch can end it.
    store.conn.execute("UPDATE notifications SET attempts = 10, next_try_at = NULL")
    ns.set_channel(store, "webhook", "none")
    assert ns.unfinished(store) == []
    assert [c.ok for c in diagnose(db_path) if c.name == "notify"] == [True]
    row = store.conn.execute(
        "SELECT state, last_error FROM notifications WHERE id = ?", (failed.id,)
    ).fetchone()
    assert tuple(row) == ("skipped", "the webhook channel was turned off by alice")
    # One due for the channel after all (written back by a run that had it claimed before
    # the switch) is skipped by the next run itself, not failed.
    store.conn.execute(
        "UPDATE notifications SET state = 'failed', attempts = 1, next_try_at = ?", (NOW,)
    )
    later = open_as(db_path, "alice", NOW_DT + timedelta(minutes=5))
    try:
        report = _run(later, "later")
    finally:
        later.close()
    assert report.failed == [] and [n.state for n in report.skipped] == ["skipped"]
    assert report.skipped[0].last_error == "the webhook channel is off now (pdca notify config)"


def test_turning_a_channel_off_is_undone_with_what_it_skipped(
    store: Store, db_path: Path, hook: Hook
) -> None:
    """Its undo was refused for good ("not one record"), and every change before it with it
    (a tester). Undone, the channel is on again and what it had waiting waits again."""
    from pdca.db.models import ActionDraft

    earlier = store.add_action(ActionDraft(title="before the switch"))
    _webhook_only(store, hook.url)
    _breach(store)
    hook.mode = "fail"
    [failed] = _run(store).failed
    waiting = tuple(
        store.conn.execute(
            "SELECT state, attempts, next_try_at FROM notifications WHERE id = ?", (failed.id,)
        ).fetchone()
    )
    ns.set_channel(store, "webhook", "none")
    undone = store.undo()
    assert undone.summaries[0] == "cleared notify webhook"  # the person's own change first
    assert any(s.startswith(f"skipped notification {failed.id} ") for s in undone.summaries)
    assert ns.channel_settings(store).webhook == hook.url
    again = store.conn.execute(
        "SELECT state, attempts, next_try_at FROM notifications WHERE id = ?", (failed.id,)
    ).fetchone()
    assert tuple(again) == waiting
    # And on back, as far as the action made before it all.
    assert store.undo().summaries[0] == "recorded 9 for KPI 'MTTR'"
    assert store.undo().summaries == ["added KPI 'MTTR'"]
    assert store.undo().summaries == [f"set notify webhook to {hook.url}"]
    store.undo()  # the terminal turned off
    assert store.undo().summaries == [f"added #{earlier.id}"]


def test_doctor_names_failed_deliveries(store: Store, db_path: Path) -> None:
    from pdca.db.doctor import diagnose

    assert [c.ok for c in diagnose(db_path) if c.name == "notify"] == [True]
    _webhook_only(store, "http://127.0.0.1:9/nobody-listens")
    _breach(store)
    assert ns.deliver_due(store, "alice", {}, set_by_me=as_whoever_set_it).failed
    [check] = [c for c in diagnose(db_path) if c.name == "notify"]
    assert not check.ok
    assert "deliveries: 1 failed, to be tried again" in check.detail
    assert "Connection refused" in check.detail
    # those not tried behind it are counted apart: "17 failed" where 5 were tried (a trial)
    for title in ("late one", "late two"):
        store.add_action(ActionDraft(title=title, owner="dana", due="2026-11-20"))
    later = open_as(db_path, "alice", NOW_DT + timedelta(minutes=2))
    try:
        ns.deliver_due(later, "alice", {}, set_by_me=as_whoever_set_it)
    finally:
        later.close()
    [check] = [c for c in diagnose(db_path) if c.name == "notify"]
    assert check.detail.startswith(
        "deliveries: 1 failed, to be tried again; 2 not tried behind a failure"
    ), check


def test_standup_post_sends_the_markdown_to_the_webhook(store: Store, cli, hook: Hook) -> None:
    store.add_action(ActionDraft(title="late @here for @dana", owner="dana", due="2026-11-20"))
    assert cli("standup", "--post").exit_code == 1  # no webhook yet: one line, nothing sent
    _webhook_only(store, hook.url)
    result = cli("standup", "--post", "--record")
    assert result.exit_code == 0, result.stderr
    [body] = hook.bodies
    # The same Markdown as printed, where a title's @here pings no channel either (a tester)
    assert body["text"] == result.stdout.rstrip("\n")
    assert "@\u200bhere for @\u200bdana" in body["text"]
    assert "dana" in body["text"] and "#1" in body["text"] and "@here" not in body["text"]
    hook.mode = "fail"
    failed = cli("standup", "--post", "--record")
    assert failed.exit_code == 1 and "not posted: webhook answered HTTP 500" in failed.stderr
    recorded = store.conn.execute("SELECT count(*) FROM standups").fetchone()[0]
    assert recorded == 1  # the failed post recorded nothing


def test_a_stand_up_posted_but_not_recorded_says_the_post_went_out(
    store: Store, cli, hook: Hook, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Posted, then the record met a colleague's lock: "nothing written, try again", and
    each try posted it to the team's chat once more (a retrial)."""
    from pdca.db import connection
    from tests.conftest import LockHolder

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.5)
    _webhook_only(store, hook.url)
    holder = LockHolder(db_path)
    try:
        busy = cli("standup", "--post", "--record")
    finally:
        holder.release()
    assert busy.exit_code == 1 and len(hook.bodies) == 1  # not 75: a retry posts again
    said = busy.stderr.splitlines()[-1]
    assert said.startswith("pdca: posted the stand-up, but did not record it: ") and said.endswith(
        "pdca standup --record (without --post) records it"
    ), said
    assert "try again" not in said
    assert store.conn.execute("SELECT count(*) FROM standups").fetchone()[0] == 0


def test_who_let_an_alert_pass_is_read_from_its_history_not_from_todays_kpi_owner(
    store: Store, db_path: Path
) -> None:
    """dana let MTTR's alert pass to erin; then the KPI went to bob. The notices still said
    erin had it from bob, and told bob it had passed him (a tester)."""
    _two_step_kpi(store)
    _command_hook_only(store)
    _breach(store)
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=25))
    try:
        _run(later)  # writes the escalation to erin
        kpis.edit_kpi(later, "MTTR", KpiChanges(owner="bob"))
        notices = {n.recipient: n for n in ns.due_notices(later)}
    finally:
        later.close()
    assert set(notices) == {"erin", "dana"}
    assert "escalated to you from dana" in notices["erin"].text
    assert notices["dana"].key == "alert:1:level:1:passed"
    # and a pass the clock made since, not yet written, continues from the written holder
    much_later = open_as(db_path, "alice", NOW_DT + timedelta(hours=49))
    try:
        notices = {n.recipient: n for n in ns.due_notices(much_later)}
    finally:
        much_later.close()
    assert "escalated to you from erin" in notices["frank"].text
    assert notices["erin"].key == "alert:1:level:2:passed"
    assert notices["dana"].key == "alert:1:level:1:passed"


def test_a_run_with_no_channel_on_says_so(ok) -> None:
    """Every channel off (or a JSON import, which leaves the command hook out): the team's
    cron said "nothing to send" while notices waited (a tester)."""
    ok("init")
    ok("notify", "config", "terminal", "off")
    assert ok("notify", "--dry-run").stderr == "nothing to send\n"  # nothing due: nothing said
    ok("add", "late", "--owner", "bob", "--due", "2026-11-21")
    said = ok("notify", "--dry-run").stderr
    assert said.startswith("pdca: no channel is on for this run, so nothing is sent")
    # cron (no terminal): quiet, or a team that turned every channel off gets a mail a
    # minute (a reviewer)
    assert ok("notify").stderr == ""
    ok("notify", "config", "terminal", "on")
    assert "no channel is on" not in ok("notify", "--dry-run").stderr


def test_a_run_of_someone_else_than_the_hooks_owner_says_whose_it_is(ok, monkeypatch) -> None:
    """Only lena's command hook on: dana's run said to set "command CMD", which would have
    replaced the team's hook (a lead's trial)."""
    ok("init")
    ok("notify", "config", "terminal", "off")
    monkeypatch.setenv("PDCA_USER", "lena")
    ok("notify", "config", "command", "true")
    ok("add", "late", "--owner", "bob", "--due", "2026-11-21")
    monkeypatch.setenv("PDCA_USER", "dana")
    said = ok("notify", "--dry-run").stderr
    assert said.startswith(
        "pdca: the only channel on is lena's command hook, which only lena's runs use"
    )
    assert "command CMD" not in said


def test_an_alert_without_history_is_passed_on_along_the_kpis_chain(
    store: Store, db_path: Path
) -> None:
    """An imported alert has no events: who let it pass is read off the KPI's chain, as
    before its history was read (a reviewer)."""
    _two_step_kpi(store)
    _breach(store)
    store.conn.execute("UPDATE alerts SET assignee = 'frank', escalation_level = 2")
    store.conn.execute("DELETE FROM events WHERE entity = 'alert'")
    notices = {n.recipient: n for n in ns.due_notices(store)}
    assert "escalated to you from erin" in notices["frank"].text
    assert "erin" not in notices  # never told it was hers: no note that it passed her
    assert notices["dana"].key == "alert:1:level:1:passed"


def test_a_pass_from_someone_told_it_was_theirs_is_said_to_them(
    store: Store, db_path: Path
) -> None:
    """erin was told it escalated to her; when it passes on, she is told that too."""
    _two_step_kpi(store)
    _command_hook_only(store)
    _breach(store)
    day_two = open_as(db_path, "alice", NOW_DT + timedelta(hours=25))
    try:
        assert ("alert:1:level:1", "erin") in {
            (n.key, n.recipient) for n in _run(day_two).delivered
        }
    finally:
        day_two.close()
    day_three = open_as(db_path, "alice", NOW_DT + timedelta(hours=49))
    try:
        told = {(n.key, n.recipient) for n in _run(day_three).delivered}
    finally:
        day_three.close()
    assert ("alert:1:level:2:passed", "erin") in told and ("alert:1:level:2", "frank") in told


def test_an_alert_without_history_held_off_the_chain_passed_nobody(store: Store) -> None:
    """Held by someone no longer on the KPI's chain: nobody on today's chain held it before
    them, so nobody is told it passed them (a reviewer)."""
    _two_step_kpi(store)
    _breach(store)
    store.conn.execute("UPDATE alerts SET assignee = 'zed', escalation_level = 1")
    store.conn.execute("DELETE FROM events WHERE entity = 'alert'")
    assert {n.recipient for n in ns.due_notices(store) if n.key.startswith("alert:")} == {"zed"}


def test_a_webhook_url_urllib_cannot_use_fails_its_post_in_one_line(store: Store, cli) -> None:
    """``http://a..b/`` is a URL notify config takes, but urllib cannot encode its host:
    ``standup --post`` crashed with a UnicodeError (a tester). It is not posted, in a line."""
    from pdca.db.notify_channels import post_text

    outcome, down = post_text("http://a..b/", "hi")
    assert outcome.state == "failed" and outcome.error is not None
    assert outcome.error.startswith("webhook URL cannot be used: ")
    assert down == "the webhook URL cannot be used"
    _webhook_only(store, "http://a..b/")
    result = cli("standup", "--post")
    assert result.exit_code == 1
    assert result.stderr.startswith("pdca: --post: not posted: webhook URL cannot be used: ")


def test_a_webhook_with_a_password_stored_by_an_older_pdca_is_off_and_never_shown(
    store: Store, cli, db_path: Path
) -> None:
    """An older pdca took ``https://bob:s3cret@...``: every delivery failed on it, standup
    --post crashed, and notify config, doctor and the failures showed the password (a
    tester). It is off, said with the password hidden."""
    from pdca.db.doctor import diagnose

    store.conn.execute(  # as the older pdca wrote it
        "INSERT INTO notify_settings (key, value, updated_by, updated_at)"
        " VALUES ('webhook', 'https://bob:s3cret@hooks.example.com/x', 'bob',"
        " '2026-11-20T09:00:00Z')"
    )
    assert ns.channel_settings(store).webhook is None
    shown = cli("notify", "config")
    assert "webhook   none" in shown.stdout
    said = " ".join([shown.stderr, *(c.detail for c in diagnose(db_path))])
    assert "s3cret" not in said and "https://***@hooks.example.com/x" in said
    refused = cli("notify", "config", "webhook", "https://u:pw@hooks.example.com/y")
    assert refused.exit_code == 1 and "pw" not in refused.stderr.replace("pdca", "")


def test_an_export_holding_an_older_pdcas_webhook_with_a_password_loads(
    store: Store, cli, tmp_path: Path
) -> None:
    """Refusing such URLs made a team's JSON export of a file that held one impossible to
    load (a reviewer): it loads, and the webhook is off there as here."""
    store.conn.execute(  # as the older pdca wrote it
        "INSERT INTO notify_settings (key, value, updated_by, updated_at)"
        " VALUES ('webhook', 'https://bob:s3cret@hooks.example.com/x', 'bob',"
        " '2026-11-20T09:00:00Z')"
    )
    exported = tmp_path / "all.json"
    assert cli("export", "--out", str(exported)).exit_code == 0
    target = tmp_path / "copy.db"
    loaded = cli("--db", str(target), "import", str(exported))
    assert loaded.exit_code == 0, loaded.stderr
    copy = Store.open(target, actor="alice", clock=lambda: NOW_DT)
    try:
        assert ns.channel_settings(copy).webhook is None
    finally:
        copy.close()


def test_after_a_kpi_changed_hands_its_new_owner_hears_the_alert_passed_them(
    store: Store, db_path: Path
) -> None:
    """dana's KPI went to bob with its alert; bob let it pass to erin: dana, who no longer
    owns it, was told it passed her, and bob nothing (a tester)."""
    _command_hook_only(store)
    _breach(store)  # dana's alert, erin next on the path
    lead = open_as(db_path, "lena", NOW_DT + timedelta(hours=1))
    try:
        kpis.edit_kpi(lead, "MTTR", KpiChanges(owner="bob"))  # bob's, by NOW + 25 h
    finally:
        lead.close()
    later = open_as(db_path, "alice", NOW_DT + timedelta(hours=26))
    try:
        notices = {(n.key, n.recipient) for n in ns.due_notices(later)}
    finally:
        later.close()
    assert ("alert:1:level:1:passed", "bob") in notices
    assert not [n for n in notices if n[1] == "dana"]


def test_a_kpi_handed_on_with_its_alert_says_so_to_both_owners(store: Store, db_path: Path) -> None:
    """fay was told of the alert, then the KPI went to dana: dana's notice read as a brand-new
    alert, and fay was never told it was no longer hers (a lead's weeks). Handed back, it is
    hers again, and she hears so (a reviewer: her key was used, and she heard nothing)."""
    _command_hook_only(store)
    _breach(store)  # dana's alert
    assert [n.recipient for n in _run(store).delivered] == ["dana"]  # told it is hers

    def hand_to(owner: str, hours: int) -> dict[tuple[str, str], str]:
        lead = open_as(db_path, "lena", NOW_DT + timedelta(hours=hours))
        try:
            kpis.edit_kpi(lead, "MTTR", KpiChanges(owner=owner))
            told = {(n.recipient, n.key): n.text for n in ns.due_notices(lead)}
            ns.run(lead, f"run-{hours}", _channels(lead))
            return told
        finally:
            lead.close()

    to_bob = iso(NOW_DT + timedelta(hours=25))
    told = hand_to("bob", 1)
    assert set(told) == {
        ("bob", f"alert:1:level:0:{to_bob}"),
        ("dana", f"alert:1:level:0:{to_bob}:passed"),
    }
    assert (
        "; handed to you from dana with the KPI; acknowledge by"
        in told["bob", f"alert:1:level:0:{to_bob}"]
    )
    assert told["dana", f"alert:1:level:0:{to_bob}:passed"].endswith(
        "; the KPI is bob's now, so it waits for them, not you"
    )
    back = iso(NOW_DT + timedelta(hours=26))
    told = hand_to("dana", 2)
    assert set(told) == {
        ("dana", f"alert:1:level:0:{back}"),
        ("bob", f"alert:1:level:0:{back}:passed"),
    }
    assert "handed to you from bob with the KPI" in told["dana", f"alert:1:level:0:{back}"]


def test_a_dry_run_names_the_messages_an_open_board_holds(
    cli, store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--dry-run --json`` left out dana's messages, which her open board holds, where the
    text form names them on stderr: a script saw nothing for dana (a trial). Listed, marked
    ``waits_for_board``; nothing is written."""
    from pdca.db import presence
    from pdca.db.presence import Presence

    monkeypatch.setattr(presence, "_run_by", lambda pid, proc=None: "dana")
    monkeypatch.setattr(ns, "unix_login", lambda: "root")
    ns.set_channel(store, "terminal", "on")
    store.add_action(ActionDraft(title="late", owner="dana", due="2026-11-20"))
    store.add_action(ActionDraft(title="late too", owner="erin", due="2026-11-20"))
    dana = open_as(db_path, "dana")
    board = Presence(dana, host=socket.gethostname(), pid=os.getpid())
    board.join()
    try:
        before = last_event_id(store)
        listed = json.loads(cli("notify", "--dry-run", "--json").stdout)
        assert sorted((p["recipient"], p["waits_for_board"]) for p in listed) == [
            ("dana", True),
            ("erin", False),
        ]
        said = cli("notify", "--dry-run")
        assert "erin" in said.stdout and "dana" not in said.stdout
        assert "terminal messages for dana wait for their open board" in said.stderr
        assert last_event_id(store) == before
    finally:
        board.leave()
        dana.close()


def test_a_persons_dry_run_names_whose_terminal_messages_it_leaves_to_another_run(
    cli, store: Store, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ann's dry run listed her 4 messages; ben's 6, which only a run that may write his
    terminal sends, went unsaid (a KPI trial). Named on stderr; a run that may write every
    terminal names nobody."""
    monkeypatch.setattr(ns, "unix_login", lambda: "ann")
    monkeypatch.setattr(ns, "may_write_others_terminals", lambda: False)
    ns.set_channel(store, "terminal", "on")
    store.add_action(ActionDraft(title="ann's", owner="ann", due="2026-11-20"))
    store.add_action(ActionDraft(title="ben's", owner="ben", due="2026-11-20"))
    env["PDCA_USER"] = "ann"
    said = cli("notify", "--dry-run")
    assert "ann" in said.stdout and "ben" not in said.stdout
    assert (
        "pdca: terminal messages for ben are left to a run that may write their terminals"
        " (root's, as cron runs it, or their own): this one writes only yours"
    ) in said.stderr
    listed = json.loads(cli("notify", "--dry-run", "--json").stdout)  # `[]` said nothing
    assert sorted((p["recipient"], p["left_to_another_run"]) for p in listed) == [
        ("ann", False),
        ("ben", True),
    ]
    monkeypatch.setattr(ns, "may_write_others_terminals", lambda: True)
    assert "left to a run" not in cli("notify", "--dry-run").stderr
    listed = json.loads(cli("notify", "--dry-run", "--json").stdout)
    assert not any(p["left_to_another_run"] for p in listed)


def test_only_the_newest_open_round_of_a_repeat_is_reminded_of(store: Store, db_path: Path) -> None:
    """A 3-day chore ignored for weeks sent a reminder per open round, 27 in a week (a lead's
    weeks): the rounds left open behind a newer one are not reminded of; the newest is."""
    from pdca.db import recurrence

    made = recurrence.add_repeating_action(
        store, ActionDraft(title="Sweep", owner="dana", due=NOW[:10]), "3 days"
    )
    _command_hook_only(store)
    rounds = [made.id]
    for days in (3, 6, 9):
        later = open_as(db_path, "alice", NOW_DT + timedelta(days=days, hours=1))
        try:
            rounds += recurrence.run_due(later)
        finally:
            later.close()
    assert len(rounds) == 4
    # the last round's due day (NOW + 9) has ended everywhere: overdue to its owner
    last = open_as(db_path, "alice", NOW_DT + timedelta(days=10, hours=15))
    try:
        told = [(n.key, n.recipient) for n in _run(last).delivered]
    finally:
        last.close()
    assert told and {key.split(":")[1] for key, _ in told} == {f"#{rounds[-1]}"}, told


def test_a_hook_the_shell_cannot_read_is_refused_and_a_doubtful_one_noted(ok, cli) -> None:
    """``command "sh -c 'unterminated"`` was set, exit 0, and every delivery then failed
    with the shell's syntax error (a retrial). Read by ``sh -n`` (which runs nothing) first:
    refused, nothing written. A program not on PATH or a relative path is set, with a note."""
    from tests.unit.test_bad_input import assert_one_line_error

    ok("init")
    before = ok("notify", "config").stdout
    said = assert_one_line_error(cli("notify", "config", "command", "sh -c 'unterminated"))
    assert "is not a shell command line (Syntax error: Unterminated quoted string)" in said
    assert ok("notify", "config").stdout == before
    noted = ok("notify", "config", "command", "no-such-program-here --x")
    assert noted.stderr.startswith("note: no-such-program-here is not found on PATH here")
    assert "command   no-such-program-here --x" in noted.stdout
    assert "relative path" in ok("notify", "config", "command", "bin/hook.sh").stderr
    assert ok("notify", "config", "command", "cat >> /tmp/hook.log").stderr == ""


def test_a_hook_naming_a_program_in_a_home_folder_that_is_not_there_is_noted(
    ok, tmp_path: Path, monkeypatch
) -> None:
    """``~/hook.sh`` with no such file was set without a word (a retrial)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    ok("init")
    assert "note: ~/hook.sh does not exist here (yet)" in (
        ok("notify", "config", "command", "~/hook.sh --json").stderr
    )
    (tmp_path / "hook.sh").write_text("#!/bin/sh\n")
    assert ok("notify", "config", "command", "~/hook.sh").stderr == ""


def test_overdue_is_told_once_the_due_day_has_ended_everywhere_not_on_the_runners_day(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run in Tokyo told ben in Los Angeles his action was overdue at noon on the day it was
    due (a trial): the owner's day is not the runner's. Told once the day has ended at UTC-12,
    when it has ended for anyone."""
    import time
    from datetime import UTC, datetime

    store.add_action(ActionDraft(title="Beta", owner="ben", due="2026-12-09"))
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:

        def overdue_at(moment: datetime) -> list[str]:
            run = open_as(db_path, "ann", moment)
            try:
                return [n.key for n in ns.due_notices(run) if n.key.startswith("overdue:")]
            finally:
                run.close()

        # 05:00 on the 10th in Tokyo; 12:00 on the 9th in Los Angeles, 08:00 at UTC-12
        assert overdue_at(datetime(2026, 12, 9, 20, tzinfo=UTC)) == []
        # the 9th ended at UTC-12 (the 10th, 12:00 UTC)
        assert overdue_at(datetime(2026, 12, 10, 12, tzinfo=UTC)) == ["overdue:#1:2026-12-09"]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_notify_status_from_cron_with_nothing_waiting_prints_nothing(cli, store: Store) -> None:
    """ "nothing pending or failed" on stderr: a cron job running --status mailed it every
    time (a notify trial). Said to a terminal only."""
    result = cli("notify", "--status")
    assert result.exit_code == 0 and (result.stdout, result.stderr) == ("", "")


@pytest.mark.parametrize("other", ["--status", "--dry-run"])
def test_notify_retry_with_status_or_dry_run_is_refused(cli, store: Store, other: str) -> None:
    """--retry was ignored without a word beside --status or --dry-run (a reviewer)."""
    result = cli("notify", "--retry", other)
    assert result.exit_code == 1
    assert "--retry goes with a run that delivers, not --status or --dry-run" in result.stderr
