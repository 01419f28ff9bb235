"""``pdca add --every`` and ``pdca recur``: rules from the command line, one-line refusals,
and every command making the repeats whose date came."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.unit.test_cli import one_line_error


def test_add_every_then_list_and_show(ok) -> None:
    added = ok("add", "Weekly KPI review", "--owner", "dana", "--every", "week mon", "--json")
    action = json.loads(added.stdout)
    assert (action["due"], action["recurrence_id"]) == ("2026-11-23", 1)
    listed = json.loads(ok("recur", "list", "--json").stdout)
    assert [(r["id"], r["rule"], r["next_due"], r["instances"]) for r in listed] == [
        (1, "week mon", "2026-11-30", 1)
    ]
    text = ok("recur", "list").stdout
    assert "week mon" in text and "2026-11-30" in text and "Weekly KPI review" in text
    assert "repeats     every week mon (rule 1" in ok("show", "1").stdout


@pytest.mark.usefixtures("missing_db")
@pytest.mark.parametrize("rule", ["fortnightly", "month 32", "after", "week funday"])
def test_a_bad_rule_is_one_line_and_writes_nothing(cli, rule: str, db_path: Path) -> None:
    message = one_line_error(cli("add", "x", "--every", rule))
    assert message.startswith(f"--every: {rule!r} is not a repeat rule (expected one of: day,")
    assert not db_path.exists()  # refused before the file was even created


def test_any_command_makes_what_came_due(ok, cli, monkeypatch) -> None:
    ok("add", "Standup notes", "--owner", "dana", "--every", "day")
    monkeypatch.setenv("PDCA_NOW", "2026-12-10T09:00:00Z")
    listed = json.loads(ok("list", "--json").stdout)
    assert [(a["due"], a["created_by"]) for a in listed] == [
        ("2026-11-23", "alice"),
        ("2026-12-10", "pdca"),  # one, the latest: not seventeen
    ]
    assert json.loads(ok("recur", "run", "--json").stdout) == {"created": []}
    monkeypatch.setenv("PDCA_NOW", "2026-12-11T09:00:00Z")
    assert json.loads(ok("recur", "run", "--json").stdout) == {"created": [3]}
    assert ok("recur", "run").stdout == ""  # quiet for cron when nothing came due


def test_recur_stop(ok, cli) -> None:
    ok("add", "Audit", "--every", "month last-fri")
    assert ok("recur", "stop", "1").stdout == "stopped repeat rule 1 (month last-fri)\n"
    assert "stopped already" in one_line_error(cli("recur", "stop", "1"))
    assert one_line_error(cli("recur", "stop", "7")) == "no repeat rule 7"
    assert "'x' is not a repeat rule id" in one_line_error(cli("recur", "stop", "x"))
    assert "stopped" in ok("show", "1").stdout
    # The stopped one is counted, with how to list it (it simply went missing, a lead's trial)
    assert ok("recur", "list").stderr == (
        "no running repeat rules; 1 stopped rule not listed: pdca recur list --all\n"
    )
    assert len(json.loads(ok("recur", "list", "--all", "--json").stdout)) == 1
    ok("add", "Review", "--every", "week mon")
    listed = ok("recur", "list")
    assert "Review" in listed.stdout and "Audit" not in listed.stdout
    assert listed.stderr == "note: 1 stopped rule not listed: pdca recur list --all\n"
    assert ok("recur", "list", "--all").stderr == ""


def test_help_names_the_rules(ok) -> None:
    helped = " ".join(ok("add", "--help").stdout.split())
    assert "week mon,thu" in helped and "after 7 days" in helped


def test_recur_stop_takes_a_hash_id_like_every_id(ok) -> None:
    ok("add", "Audit", "--every", "week")
    ok("add", "Review", "--every", "month")
    assert ok("recur", "stop", "#2").stdout == "stopped repeat rule 2 (month 23)\n"


@pytest.mark.usefixtures("missing_db")
def test_n_beyond_a_year_is_one_line_naming_the_limit(cli, db_path: Path) -> None:
    message = one_line_error(cli("add", "x", "--every", "after 53 weeks"))
    assert message.startswith(
        "--every: 'after 53 weeks' comes 53 weeks after: at most 52 weeks (a year)"
    )
    assert not db_path.exists()
    message = one_line_error(cli("add", "x", "--every", "0 days"))
    assert message.startswith(
        "--every: '0 days' repeats every 0 days: at least 1 day (expected one of:"
    )


def test_a_broken_stored_rule_is_listed_and_blocks_nothing(ok, db_path: Path, monkeypatch) -> None:
    import sqlite3

    ok("add", "Audit", "--every", "after 3 days")
    ok("add", "Daily", "--every", "day")
    with sqlite3.connect(db_path) as conn:  # as a restored export or an older pdca left it
        conn.execute("UPDATE recurrences SET rule = 'after 3 fortnights' WHERE id = 1")
        conn.execute("UPDATE recurrences SET rule = 'daily-ish' WHERE id = 2")
    conn.close()
    assert "broken: its rule or dates no longer read" in ok("recur", "list").stdout
    listed = json.loads(ok("recur", "list", "--json").stdout)
    assert [(r["id"], r["state"]) for r in listed] == [(1, "broken"), (2, "broken")]
    monkeypatch.setenv("PDCA_NOW", "2026-12-10T09:00:00Z")
    assert json.loads(ok("recur", "run", "--json").stdout) == {"created": []}
    ok("done", "1", "--decision", "abandon")
    assert len(json.loads(ok("list", "--all", "--json").stdout)) == 2


def test_today_is_the_local_date_as_for_due_dates(ok, monkeypatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    monkeypatch.setenv("PDCA_NOW", "2026-11-01T23:30:00Z")  # 08:30 on Nov 2nd in Tokyo
    time.tzset()
    try:
        every = json.loads(ok("add", "daily", "--every", "day", "--owner", "bob", "--json").stdout)
        due = json.loads(ok("add", "once", "--due", "today", "--owner", "bob", "--json").stdout)
        assert every["due"] == due["due"] == "2026-11-02"
        assert json.loads(ok("list", "--overdue", "--json").stdout) == []
    finally:
        monkeypatch.undo()
        time.tzset()


def test_near_the_last_date_rules_end_instead_of_crashing(ok, cli, monkeypatch) -> None:
    monkeypatch.setenv("PDCA_NOW", "9998-06-01T09:00:00Z")
    assert "at most 12 months" in one_line_error(cli("add", "x", "--every", "200 months"))
    assert "at most 52 weeks" in one_line_error(cli("add", "x", "--every", "366 weeks"))
    ok("add", "Yearly", "--every", "12 months")
    ok("add", "Monthly", "--every", "month 15", "--due", "9998-11-15")
    text = ok("recur", "list").stdout
    assert "ended: its next date would pass 9998-12-31" in text and "9998-12-15" in text
    monkeypatch.setenv("PDCA_NOW", "9998-12-20T09:00:00Z")
    assert json.loads(ok("recur", "run", "--json").stdout) == {"created": [3]}
    listed = json.loads(ok("recur", "list", "--json").stdout)
    assert [(r["next_due"], r["state"]) for r in listed] == [(None, "ended"), (None, "ended")]


def test_add_every_says_when_the_next_comes(ok, db_path: Path) -> None:
    """The clock is Monday 2026-11-23. A first due date gone by makes its repeat at once and
    says so, not a date that already passed (a tester), nor "made now" when it was not (a
    reviewer: the next command made it)."""
    said = ok("add", "Weekly", "--every", "week mon").stdout.splitlines()
    assert said == [
        "added #1 [plan] Weekly",
        "repeats every week mon: the next is made on 2026-11-30",
    ]
    late = ok("add", "Daily", "--every", "day", "--due", "2026-10-01").stdout.splitlines()
    assert late == [
        "added #2 [plan] Daily",
        "made #3 due 2026-11-23: its date came",
        "repeats every day: the next is made on 2026-11-24",
    ]
    conn = sqlite3.connect(db_path)  # in the file before any other command ran
    try:
        assert conn.execute("SELECT due FROM actions WHERE id = 3").fetchone() == ("2026-11-23",)
    finally:
        conn.close()
    after = ok("add", "Audit", "--every", "after 2 weeks").stdout.splitlines()
    assert (
        after[1] == "repeats: when #4 (due 2026-12-07) is done, the next is made, due 14 days later"
    )
    # a first due date the rule does not fall on is said (a tester found out later)
    off = ok("add", "Review", "--every", "week mon", "--due", "2026-11-26").stdout.splitlines()
    assert off[1] == (
        "repeats every week mon: the next is made on 2026-11-30;"
        " the first, due Thu 2026-11-26, is not on the rule"
    )


def _done_while_stopped_then_restarted(ok, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ann's "after 3 days" rule: ben stops it, ann finishes #1 (nothing made), ben undoes
    his stop; ben is the actor after."""
    monkeypatch.setenv("PDCA_USER", "ann")
    ok("add", "Clean the queue", "--owner", "ann", "--every", "after 3 days")
    monkeypatch.setenv("PDCA_USER", "ben")
    ok("recur", "stop", "1")
    monkeypatch.setenv("PDCA_USER", "ann")
    ok("done", "1", "--decision", "abandon")
    monkeypatch.setenv("PDCA_USER", "ben")
    ok("undo")


def test_an_after_rule_restarted_after_its_done_repeats_at_any_command_and_undoes_with_it(
    ok, monkeypatch
) -> None:
    """ben stopped the rule, ann finished its action meanwhile (nothing made), ben undid the
    stop: the next one was made only by the app or ``pdca recur``, never by ``pdca list``
    (its cheap look saw only calendar dates). And ann's undo of her done then left #1 open
    beside the #2 made from it: two open repeats of one rule (a trial)."""
    _done_while_stopped_then_restarted(ok, monkeypatch)
    monkeypatch.setenv("PDCA_USER", "ann")
    listed = json.loads(ok("list", "--json").stdout)
    assert [(a["id"], a["due"], a["created_by"]) for a in listed] == [(2, "2026-11-26", "pdca")]
    undone = ok("undo").stdout
    assert "done #1" in undone and "added #2, repeat of #1" in undone
    listed = json.loads(ok("list", "--json").stdout)
    assert [(a["id"], a["done_at"]) for a in listed] == [(1, None)]
    (rule,) = json.loads(ok("recur", "list", "--json").stdout)
    assert (rule["state"], rule["latest_id"]) == ("active", 1)
    ok("done", "1", "--decision", "abandon")  # and done again, the next is made with it
    assert [a["id"] for a in json.loads(ok("list", "--json").stdout)] == [3]


def test_an_undo_of_the_done_is_refused_when_the_repeat_made_from_it_was_changed(
    ok, cli, monkeypatch
) -> None:
    _done_while_stopped_then_restarted(ok, monkeypatch)
    ok("move", "2", "do")  # ben took up the repeat made from ann's done
    monkeypatch.setenv("PDCA_USER", "ann")
    message = one_line_error(cli("undo"))
    assert message.startswith("cannot undo 'added #2, repeat of #1") and "ben changed #2" in message
    assert [a["id"] for a in json.loads(ok("list", "--json").stdout)] == [2]


def _rule_state(ok) -> str:  # type: ignore[no-untyped-def]
    """The state of the file's one repeat rule, as recur list --all --json says it."""
    (rule,) = json.loads(ok("recur", "list", "--all", "--json").stdout)
    return str(rule["state"])


def test_recur_start_runs_a_stopped_rule_again_from_today(ok, cli, monkeypatch) -> None:
    """Only an undo started a stopped rule again, and it took back every later change of
    the one who stopped it first: readings, a stand-up (a lead's trial)."""
    ok("add", "Weekly review", "--owner", "dana", "--every", "week mon")  # Mon 23rd, then 30th
    assert "runs already" in one_line_error(cli("recur", "start", "1"))
    monkeypatch.setenv("PDCA_NOW", "2026-12-01T09:00:00Z")  # the 30th came, nobody looked
    stopped = ok("recur", "stop", "1").stdout  # makes the one whose date came first, and says so
    assert stopped == "made #2 due 2026-11-30: its date came\nstopped repeat rule 1 (week mon)\n"
    monkeypatch.setenv("PDCA_NOW", "2026-12-16T09:00:00Z")  # Mondays 7th and 14th went by
    said = ok("recur", "start", "1").stdout
    assert said == (
        "started repeat rule 1 (week mon) again; repeats every week mon: the next is made on"
        " 2026-12-21\n"
    )  # from today on: none for the Mondays it was stopped
    listed = json.loads(ok("list", "--json").stdout)
    assert [(a["id"], a["due"]) for a in listed] == [(1, "2026-11-23"), (2, "2026-11-30")]
    assert "runs already" in one_line_error(cli("recur", "start", "1"))
    assert one_line_error(cli("recur", "start", "9")) == "no repeat rule 9"
    ok("undo")  # the start: stopped again
    assert _rule_state(ok) == "stopped"


def test_recur_start_on_one_of_a_calendar_rules_dates_says_so(ok, monkeypatch) -> None:
    """Started on a day the rule falls on, it made that day's repeat "as its latest was
    done meanwhile": the latest was open, and only an "after" rule waits for a done (a
    lead's trial)."""
    ok("add", "Check backups", "--owner", "erin", "--every", "3 days")  # the 23rd, then 26th
    ok("recur", "stop", "1")
    monkeypatch.setenv("PDCA_NOW", "2026-11-29T09:00:00Z")  # the 29th: one of its dates
    assert ok("recur", "start", "1").stdout == (
        "started repeat rule 1 (3 days) again; made #2 due 2026-11-29, its date is today\n"
    )


def test_recur_start_never_makes_a_date_twice(ok, monkeypatch) -> None:
    """Stopped and started on the day a repeat was made: that day is not made again."""
    ok("add", "Standup notes", "--owner", "dana", "--every", "day")  # today, the 23rd
    ok("recur", "stop", "1")
    started = json.loads(ok("recur", "start", "1", "--json").stdout)
    assert (started["rule"]["next_due"], started["made"]) == ("2026-11-24", None)


def test_recur_start_of_an_after_rule_done_meanwhile_makes_its_next_from_today(
    ok, monkeypatch
) -> None:
    """Stopped in October, its action done then, started in December: the next came due in
    October, 66 days late at once, and the start said "when #1 is done" of a done #1 (a
    reviewer). It is made at the start, due today at the earliest."""
    monkeypatch.setenv("PDCA_NOW", "2026-10-01T09:00:00Z")
    ok("add", "Tidy the backlog", "--owner", "dana", "--every", "after 7 days")
    ok("recur", "stop", "1")
    monkeypatch.setenv("PDCA_NOW", "2026-10-02T09:00:00Z")
    ok("done", "1", "--decision", "abandon")
    monkeypatch.setenv("PDCA_NOW", "2026-12-14T09:00:00Z")
    said = ok("recur", "start", "1").stdout
    assert said == (
        "started repeat rule 1 (after 7 days) again; made #2 due 2026-12-14, as its latest"
        " was done meanwhile\n"
    )
    assert [(a["id"], a["due"]) for a in json.loads(ok("list", "--json").stdout)] == [
        (2, "2026-12-14")
    ]
    # The start's undo takes its repeat back with it (the README says so): left open under
    # the stopped rule, the next undo (the done's) took it back and started the rule again,
    # the start's undo undone unasked (a tester).
    undone = ok("undo").stdout
    assert "started repeat rule 1" in undone and "added #2" in undone
    assert json.loads(ok("list", "--json").stdout) == []
    assert _rule_state(ok) == "stopped"
    ok("undo")  # the done: #1 open again, and the rule still stopped
    assert [a["id"] for a in json.loads(ok("list", "--json").stdout)] == [1]
    assert _rule_state(ok) == "stopped"


def test_the_undo_of_a_start_is_refused_when_the_repeat_it_made_was_changed(
    ok, cli, monkeypatch
) -> None:
    """The start's repeat goes with its undo, so a change made to it since refuses the
    undo, naming who made it, as any undo over someone's later change."""
    ok("add", "Tidy", "--every", "after 7 days", "--owner", "ben")
    ok("recur", "stop", "1")
    ok("done", "1", "--decision", "abandon")
    assert json.loads(ok("recur", "start", "1", "--json").stdout)["made"] == 2
    monkeypatch.setenv("PDCA_USER", "ben")
    ok("move", "2", "do")
    monkeypatch.setenv("PDCA_USER", "alice")
    message = one_line_error(cli("undo"))
    assert message.startswith("cannot undo 'added #2") and "ben changed #2" in message
    assert _rule_state(ok) == "active"


def test_a_repeat_a_start_made_goes_with_an_undo_of_the_done_it_came_from(ok, monkeypatch) -> None:
    """ann started the rule, which made #2 from ben's done; ben undid his done: #1 open beside
    #2, two open repeats of one rule (a reviewer). The repeat is pdca's, from that done."""
    monkeypatch.setenv("PDCA_USER", "ann")
    ok("add", "Weekly review", "--every", "after 7 days", "--owner", "ben")
    ok("recur", "stop", "1")
    monkeypatch.setenv("PDCA_USER", "ben")
    ok("done", "1", "--decision", "abandon")
    monkeypatch.setenv("PDCA_USER", "ann")
    started = json.loads(ok("recur", "start", "1", "--json").stdout)
    assert (started["made"], started["rule"]["latest_id"]) == (2, 2)
    monkeypatch.setenv("PDCA_USER", "ben")
    assert "added #2, repeat of #1" in ok("undo").stdout
    assert [a["id"] for a in json.loads(ok("list", "--json").stdout)] == [1]


def test_an_undone_stop_months_on_makes_the_repeat_due_today_not_months_ago(
    ok, monkeypatch
) -> None:
    """The undo of a stop restarts the rule as recur start does: its next came due in
    October, 66 days late at once (a reviewer)."""
    monkeypatch.setenv("PDCA_NOW", "2026-10-01T09:00:00Z")
    ok("add", "Tidy", "--every", "after 7 days", "--owner", "ben")
    ok("recur", "stop", "1")
    monkeypatch.setenv("PDCA_USER", "ben")
    monkeypatch.setenv("PDCA_NOW", "2026-10-02T09:00:00Z")
    ok("done", "1", "--decision", "abandon")
    monkeypatch.setenv("PDCA_USER", "alice")
    monkeypatch.setenv("PDCA_NOW", "2026-12-14T09:00:00Z")
    ok("undo")  # the stop
    assert [(a["id"], a["due"]) for a in json.loads(ok("list", "--json").stdout)] == [
        (2, "2026-12-14")
    ]


def test_an_undone_catch_up_repeat_leaves_the_other_rules_repeats_in_the_stand_up(
    ok, monkeypatch
) -> None:
    """One catch-up made #3 (an after rule restarted) and #4 (a weekly rule); ann's undo of
    her done took #3 back, marked as the catch-up's, and the stand-up then hid #4 as undone
    too (a reviewer). #4 is news; #3, gone, is not."""

    def as_(who: str, when: str) -> None:
        monkeypatch.setenv("PDCA_USER", who)
        monkeypatch.setenv("PDCA_NOW", when)

    as_("ann", "2026-12-01T09:00:00Z")
    ok("add", "tidy", "--owner", "ann", "--every", "after 7 days")
    ok("add", "weekly review", "--owner", "ann", "--every", "week mon")
    as_("ben", "2026-12-02T09:00:00Z")
    ok("recur", "stop", "1")
    as_("ann", "2026-12-03T09:00:00Z")
    ok("done", "1", "--decision", "abandon")
    as_("ben", "2026-12-13T09:00:00Z")
    ok("standup", "--record")
    ok("undo")  # the stand-up's record: the stop is ben's change before it
    ok("undo")
    as_("ben", "2026-12-14T09:00:00Z")
    ok("list")  # one catch-up: #3 from ann's done, #4 the Monday's
    as_("ann", "2026-12-14T09:30:00Z")
    assert "added #3, repeat of #1" in ok("undo").stdout
    digest = json.loads(ok("standup", "--since", "2026-12-13", "--format", "json").stdout)
    created = [i["action_id"] for i in digest["items"] if i["kind"] == "created"]
    assert 4 in created and 3 not in created


def test_a_round_standardized_though_it_did_not_work_promises_no_follow_ups(ok) -> None:
    """ "its follow-ups will check whether it holds" of a round, which has none (a reviewer);
    a round is standardized from Plan too, and says nothing of audits."""
    ok("add", "Sweep", "--owner", "dana", "--due", "2026-11-30", "--every", "week mon")
    ok("move", "1", "do")
    ok("checkin", "1", "swept")
    ok("move", "1", "check")
    ok("move", "1", "act", "--verdict", "did-not")
    done = ok("done", "1", "--decision", "standardize")
    assert "follow-up" not in done.stdout + done.stderr
    ok("add", "Tidy", "--owner", "dana", "--due", "2026-11-30", "--every", "week tue")
    tidy = ok("done", "2", "--decision", "standardize")  # from Plan: a round's routine
    assert tidy.stdout.startswith("done (standardize) #2 [plan] Tidy")
    assert "follow-up" not in tidy.stdout + tidy.stderr


def test_handing_an_earlier_round_says_the_rule_follows_the_newest(ok, monkeypatch) -> None:
    """Lena took an older round; four more rounds went to mark, and nothing said why (a
    lead's weeks): the edit says the next rounds copy the newest and how to hand them on."""
    ok("add", "Sweep", "--owner", "mark", "--due", "2026-11-23", "--every", "day")
    monkeypatch.setenv("PDCA_NOW", "2026-11-24T09:00:00Z")
    ok("list")  # any command makes the round whose date came: #2
    handed = ok("edit", "1", "--owner", "lena")
    assert handed.stderr.endswith(
        "note: #1 is an earlier round of repeat rule 1: its next rounds copy the newest, #2"
        " (pdca edit 2 --owner LOGIN hands them on)\n"
    )
    assert "earlier round" not in ok("edit", "2", "--owner", "lena").stderr
