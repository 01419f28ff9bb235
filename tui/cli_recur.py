"""``pdca recur``: the repeat rules (``pdca add --every``): list, stop, and run from cron.

Registered into the group by tui/cli.py; like it, never imports Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from pdca.db.models import not_an_id, record_id
from pdca.tui.cli import Session, _emit, json_option, pass_session
from pdca.tui.columns import table
from pdca.tui.output import printable, to_json


class RuleIdType(click.ParamType):
    """A repeat rule's id as people write ids: ``2`` or ``#2``."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        found = record_id(str(value))
        if found is not None:
            return found
        why = not_an_id(str(value), "a repeat rule", "a number such as 2 or #2")
        self.fail(f"{value!r} {why}", param, ctx)


RULE_ID = RuleIdType()

if TYPE_CHECKING:
    from pdca.db.recurrence import Recurrence


def register(cli: click.Group) -> None:
    cli.add_command(recur)


@click.group()
def recur() -> None:
    """Repeating actions: rules made with pdca add --every RULE.

    \b
    RULE is one of:
      day | N days        every day, every N days
      weekdays            Monday to Friday (week mon,tue,wed,thu,fri)
      week [DAYS]         on DAYS (mon,thu; default: the first due's weekday)
      N weeks [DAYS]      the same, every N weeks
      month [D]           on day D (1..31; a short month's last day), last,
      N months [D]        or last-fri (the month's last Friday); every N months
      after N days        N days after the previous one is done (the first:
      after N weeks       N days from today); N weeks alike

    N is at most a year: 366 days, 52 weeks, 12 months. The next one is made when its
    date comes, once, by whoever looks first: the app, any command, or cron running
    pdca recur run. Dates are local calendar days, as for --due."""


@recur.command("list")
@click.option("--all", "include_stopped", is_flag=True, help="Include stopped rules.")
@json_option
@pass_session
def recur_list(session: Session, include_stopped: bool, as_json: bool) -> None:
    """List the repeat rules with their next date and latest action."""
    from pdca.db.recurrence import catch_up, list_rules

    store = session.store()
    catch_up(store)
    found = list_rules(store, include_stopped=include_stopped)
    if as_json:
        click.echo(to_json(found))
        return
    # Stopped rules left out are counted, with how to see them: one stopped simply went
    # missing, and its ID is what recur start needs (a lead's trial).
    hidden = 0 if include_stopped else len(list_rules(store, include_stopped=True)) - len(found)
    rules = "rule" if hidden == 1 else "rules"
    left_out = f"{hidden} stopped {rules} not listed: pdca recur list --all"
    if not found:
        if hidden:
            click.echo(f"no running repeat rules; {left_out}", err=True)
        else:
            click.echo("no repeat rules (add one: pdca add TITLE --every 'week mon')", err=True)
        return
    rows = [
        [
            str(r.id),
            r.rule,
            _next(r),
            str(r.instances),
            f"#{r.latest_id}" if r.latest_id else "-",
            r.latest_owner or "-",
            r.latest_title or "-",
        ]
        for r in found
    ]
    headers = ["RULE", "EVERY", "NEXT", "MADE", "LATEST", "OWNER", "TITLE"]
    click.echo(table(headers, rows, cut=("TITLE", "OWNER")))
    if hidden:
        click.echo(f"note: {left_out}", err=True)


def _next(rule: Recurrence) -> str:
    if rule.state in ("stopped", "ended", "broken"):
        return rule.problem or rule.state
    return rule.next_due or "when done"


@recur.command("stop")
@click.argument("rule_id", metavar="ID", type=RULE_ID)
@json_option
@pass_session
def recur_stop(session: Session, rule_id: int, as_json: bool) -> None:
    """Stop a repeat rule (its ID from pdca recur list); the actions it made stay."""
    from pdca.db.recurrence import catch_up, stop

    store = session.store()
    made = catch_up(store)  # a date that came while it ran makes its repeat first, as anywhere
    result = stop(store, rule_id)

    def say() -> None:
        for action_id in made:  # said, as add says it (a reviewer: made without a word)
            action = store.get_action(action_id)
            click.echo(f"made #{action.id} due {action.due}: its date came")
        click.echo(f"stopped repeat rule {result.id} ({printable(result.rule)})")

    _emit(as_json, result, say)


@recur.command("start")
@click.argument("rule_id", metavar="ID", type=RULE_ID)
@json_option
@pass_session
def recur_start(session: Session, rule_id: int, as_json: bool) -> None:
    """Start a stopped repeat rule again, from today on."""
    from pdca.db.recurrence import next_note, start

    store = session.store()
    started = start(store, rule_id)
    result = started.rule
    said = f"started repeat rule {result.id} ({printable(result.rule)}) again; "
    if started.made is not None:
        made = store.get_action(started.made)
        # why: an "after" rule's latest was done meanwhile; a calendar rule's date is today
        # ("as its latest was done" was said of an every-3-days rule, a lead's trial)
        why = "as its latest was done meanwhile" if result.after_done else "its date is today"
        said += f"made #{made.id} due {made.due}, {why}"
    else:
        said += printable(next_note(store, rule_id))
    # the repeat it made too (only the text said it, a reviewer)
    _emit(as_json, {"rule": result, "made": started.made}, lambda: click.echo(said))


@recur.command("run")
@json_option
@pass_session
def recur_run(session: Session, as_json: bool) -> None:
    """Make the repeating actions whose date came (each once, whoever runs it; for cron)."""
    from pdca.db.recurrence import run_due

    store = session.store()
    created = run_due(store)
    if as_json:
        click.echo(to_json({"created": created}))
    elif created:
        click.echo("made " + ", ".join(f"#{n}" for n in created))
