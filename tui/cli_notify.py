"""``pdca notify``: tell people what waits for them, exactly once, from cron.

Registered into the group by tui/cli.py; like it, never imports Textual. Quiet when all went
well (cron mails only trouble); exit status 4 when a delivery failed (it is retried, with
backoff, by later runs), 1 when the command itself failed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from pdca.tui.cli import Session, _emit, json_option, pass_session
from pdca.tui.columns import table
from pdca.tui.output import printable, to_json

if TYPE_CHECKING:
    from pdca.db.notify import Notification, Planned
    from pdca.db.notify_rules import ChannelSettings
    from pdca.db.store import Store

FAILED_EXIT = 4


def register(cli: click.Group) -> None:
    cli.add_command(notify)


def _untried(n: Notification) -> bool:
    """Not tried: its channel hung earlier in the run (stored as failed, to be tried again)."""
    from pdca.db.notify_rules import NOT_TRIED

    return n.state == "failed" and (n.last_error or "").startswith(NOT_TRIED)


def _why(n: Notification) -> str:
    """Its last error, less "not tried: " (said apart, as ``not tried``)."""
    from pdca.db.notify_rules import NOT_TRIED

    return (n.last_error or "").removeprefix(NOT_TRIED)


def _untried_by_channel(failed: list[Notification]) -> dict[str, list[Notification]]:
    by_channel: dict[str, list[Notification]] = {}
    for n in failed:
        if _untried(n):
            by_channel.setdefault(n.channel, []).append(n)
    return by_channel


def _line(n: Notification) -> str:
    from pdca.db.notify import gave_up

    error = f"  ({_why(n)})" if n.last_error else ""
    state = "not tried" if _untried(n) else n.state  # it did not fail itself (a tester)
    if gave_up(n):  # it read as one still being tried, for good (a notify trial)
        state = "gave up"
    return printable(f"{state:<9} {n.channel:<8} {n.recipient:<12} {n.key}{error}")


@click.group(invoke_without_command=True)
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send and write nothing.")
@click.option("--status", is_flag=True, help="List pending and failed notifications.")
@click.option("--verbose", "-v", is_flag=True, help="Also list what was delivered or skipped.")
@click.option(
    "--retry", is_flag=True, help="First make those that gave up (no try left) due again."
)
@json_option
@click.pass_context
def notify(
    ctx: click.Context, dry_run: bool, status: bool, verbose: bool, retry: bool, as_json: bool
) -> None:
    """Deliver due notifications (new and escalated alerts, overdue and stale actions, due
    follow-ups) once each; exit status 4 when one failed. Run it from cron every minute."""
    if ctx.invoked_subcommand is not None:
        return
    from pdca.db import notify as notify_store

    if retry and (status or dry_run):  # it was ignored without a word (a reviewer)
        raise click.UsageError("--retry goes with a run that delivers, not --status or --dry-run")
    session = ctx.find_object(Session)
    assert session is not None
    store = session.store()
    if status:
        found = notify_store.unfinished(store)
        if as_json:
            click.echo(to_json(found))
        elif found:
            click.echo("\n".join(_line(n) for n in found))
            if len(found) > 1 and sys.stdout.isatty():  # 600 lines, and no count (a retrial)
                click.echo(f"{len(found)} pending or failed", err=True)
        elif sys.stderr.isatty():  # said to a person; from cron, a mail every run (a trial)
            click.echo("nothing pending or failed", err=True)
        return
    from pdca.tui.identity import current_user

    runner = current_user(session.environ)
    to_a_person = dry_run or sys.stderr.isatty()
    if (
        to_a_person
        and not notify_store.channels_for_run(store, runner)
        and notify_store.unsent_notices(store)
    ):
        # Said, not "nothing to send", while notices wait: every channel off (a JSON import
        # leaves the command hook out) made notify send nothing, silently (a tester). Said to
        # a person (a terminal, a dry run), not to cron: a team that turned every channel off
        # would get a mail a minute (a reviewer).
        settings = notify_store.channel_settings(store)
        if settings.command is not None and settings.command_by:
            # Setting a command of one's own would replace the team's (a lead's trial).
            holder = printable(settings.command_by)
            unsent = (
                f"the only channel on is {holder}'s command hook, which only {holder}'s runs"
                " use, so this one sends nothing: run it as them, or turn on another channel"
                " (pdca notify config terminal on, mail on or webhook URL)"
            )
        else:
            unsent = (
                "no channel is on for this run, so nothing is sent: pdca notify config"
                " terminal on (or mail on, webhook URL, command CMD)"
            )
        click.echo(f"pdca: {unsent}", err=True)
    if dry_run:
        planned = notify_store.plan(store, runner)
        waiting: list[notify_store.Planned] = []
        if notify_store.left_to_boards(store, runner):  # else: a second plan for nothing
            waiting = notify_store.plan(store, runner, held=True)
        if as_json:
            # The held ones too, marked: the text form names them on stderr, and the JSON
            # left them out, so a script saw nothing for ann while her board held two (a
            # trial). A script counting what this run sends skips ``waits_for_board``, and
            # ``left_to_another_run``: terminal messages a person's own run may not write
            # (ben's, in ann's run: `[]` said nothing of them, a retrial).
            elsewhere = _left_to_other_runs(store, runner, planned, waiting, plans=True)
            click.echo(
                to_json(
                    [
                        {
                            "key": p.notice.key,
                            "recipient": p.notice.recipient,
                            "channel": p.channel,
                            "kind": p.notice.kind,
                            "text": p.notice.text,
                            "waits_for_board": p in waiting,
                            "left_to_another_run": p in elsewhere,
                        }
                        for p in [*planned, *waiting, *elsewhere]
                    ]
                )
            )
            return
        if planned:
            rows = [[p.channel, p.notice.recipient, p.notice.key, p.notice.text] for p in planned]
            click.echo(table(["CHANNEL", "TO", "KEY", "TEXT"], rows, cut=("TEXT", "TO")))
        else:
            click.echo("nothing to send", err=True)
        if any(p.channel == "command" for p in planned) and _set_elsewhere(
            session, hook := notify_store.channel_settings(store)
        ):
            from pdca.db.notify_rules import quoted_command

            # planned, but the run will refuse it: said now (listed as if sent, a retrial)
            click.echo(
                f"pdca: the command hook {printable(quoted_command(hook.command or ''))}"
                f" is under {printable(hook.command_by or '')}'s name but was not set by"
                " them from this login: the run will refuse it (check it is theirs before"
                " setting it again: pdca notify config command CMD)",
                err=True,
            )
        held = sorted({p.notice.recipient for p in waiting})
        if held:
            names = ", ".join(printable(login) for login in held)
            click.echo(
                f"pdca: terminal messages for {names} wait for their open board, which shows them",
                err=True,
            )
        if others := _left_to_other_runs(store, runner, planned, waiting):
            # A lead's dry run listed hers alone, ben's six left out without a word (a KPI
            # trial): a run that may not write another login's terminal leaves theirs
            names = ", ".join(printable(p.notice.recipient) for p in others)
            click.echo(
                f"pdca: terminal messages for {names} are left to a run that may write their"
                " terminals (root's, as cron runs it, or their own): this one writes only yours",
                err=True,
            )
        return
    from pdca.tui.own_hooks import set_by_me

    if retry:
        again = notify_store.retry_given_up(store)
        if again:
            click.echo(f"pdca: {again} that had given up, due again now", err=True)
        else:
            click.echo("pdca: none had given up", err=True)
    report = notify_store.deliver_due(
        store, runner, session.environ, set_by_me=set_by_me(session.environ, session.resolved.path)
    )
    if as_json:
        click.echo(
            to_json(
                {
                    "delivered": report.delivered,
                    "failed": report.failed,
                    "skipped": report.skipped,
                }
            )
        )
    elif verbose:  # the failed ones are said on stderr below: twice on a terminal (a tester)
        for n in [*report.delivered, *report.skipped]:
            click.echo(_line(n))
    for n in report.failed:
        if not _untried(n):
            click.echo(f"pdca: {_line(n)}", err=True)
    # Those not tried, a line a channel: a line each was 6 000 lines a run in cron's mail
    # while a webhook was down (a sysadmin's trial)
    for channel, behind in _untried_by_channel(report.failed).items():
        why = _why(behind[0])
        click.echo(printable(f"pdca: not tried {len(behind)} by {channel} ({why})"), err=True)
    if report.failed:
        # Those not tried (their channel hung earlier in the run) did not fail themselves:
        # counted as failed, one hook's timeout read as four failures (a tester).
        untried = sum(1 for n in report.failed if _untried(n))
        given_up = sum(1 for n in report.failed if notify_store.gave_up(n))
        tried = len(report.failed) - untried - given_up
        said = [f"{tried} notification(s) failed"] if tried else []
        said += [f"{untried} not tried"] if untried else []
        retried = "the next runs try them again (pdca notify --status)"
        if given_up:  # "the next runs try them again" of one that had no try left
            from pdca.db.notify_rules import MAX_ATTEMPTS

            tries = f"{given_up} gave up after {MAX_ATTEMPTS} tries"
            sent = "pdca notify --retry sends them again"
            words = (
                f"{', '.join(said)}; {retried}; {tries} ({sent})" if said else f"{tries}: {sent}"
            )
        else:
            words = f"{', '.join(said)}; {retried}"
        click.echo(f"pdca: {words}", err=True)  # one hint: it was said twice (a tester)
        sys.exit(FAILED_EXIT)


@notify.command("config")
@click.argument(
    "name",
    required=False,
    type=click.Choice(["terminal", "mail", "webhook", "command"], case_sensitive=False),
)
@click.argument("value", required=False)
@json_option
@pass_session
def notify_config(session: Session, name: str | None, value: str | None, as_json: bool) -> None:
    """Show the channels, or set one: terminal on|off, mail on|off, webhook URL|none,
    command CMD|none (the hook runs only in the pdca notify of whoever set it)."""
    from pdca.db import notify as notify_store

    if name is not None and value is None:
        raise click.UsageError(f"notify config {name}: give a value (see --help)")
    store = session.store() if name is None else session.store(create=True)
    if name is None:
        settings = notify_store.channel_settings(store)
    else:
        assert value is not None
        if name == "command":
            from pdca.db.notify_rules import parse_command
            from pdca.tui.own_hooks import can_keep_command, remember_command

            command = parse_command(value)  # a bad command is said as one, before it is kept
            if command is not None:
                from pdca.db.errors import InvalidInput
                from pdca.db.notify_channels import shell_problem

                wrong, doubt = shell_problem(command, session.environ)
                if wrong:
                    raise InvalidInput("command", value, wrong)
                if doubt:
                    click.echo(f"note: {doubt}", err=True)
            can_keep_command(session.environ)  # else exit 1 after the team's file changed
        last = store.last_event_id()
        settings = notify_store.set_channel(store, name, value)
        if name == "command":
            # Kept as this login's own, where only it can write (its runs check it): once the
            # file holds it, so a refused write leaves the hook that was set working.
            remember_command(session.environ, session.resolved.path, settings.command)
        if store.last_event_id() == last:  # as config says: a no-op is no change to undo
            click.echo(f"note: {name} was so already: nothing written", err=True)
    data = {
        "terminal": settings.terminal,
        "mail": settings.mail,
        "webhook": settings.webhook,
        "command": settings.command,
        "command_by": settings.command_by,
        "prefer": {login: list(chosen) for login, chosen in (settings.prefer or {}).items()},
    }

    def text() -> None:
        lines = [
            f"terminal  {'on' if settings.terminal else 'off'}",
            f"mail      {'on' if settings.mail else 'off'}",
            f"webhook   {settings.webhook or 'none'}",
            f"command   {settings.command or 'none'}" + _whose_hook(session, settings),
        ]
        lines += [
            f"prefer    {login}: {','.join(chosen)}"
            for login, chosen in sorted((settings.prefer or {}).items())
        ]
        click.echo("\n".join(printable(line) for line in lines))

    _emit(as_json, data, text)


def _whose_hook(session: Session, settings: ChannelSettings) -> str:
    """Whose runs a command hook runs in; said as it is, to its person, when the file names
    them and they did not set it from this login: "(runs as ann)" read as hers (a retrial),
    and copying it from there into config approved a colleague's command."""
    if not settings.command:
        return ""
    if _set_elsewhere(session, settings):
        from pdca.tui.own_hooks import record_problem

        problem = record_problem(session.environ)
        if problem is not None:  # said as it is, not as someone else's hook
            return f"  (under {settings.command_by}'s name; it does not run: {problem})"
        return (
            f"  (under {settings.command_by}'s name, but not set by them from this login:"
            " it does not run; check it is theirs before setting it again)"
        )
    return f"  (runs as {settings.command_by})"


def _left_to_other_runs(
    store: Store,
    runner: str | None,
    planned: list[Planned],
    waiting: list[Planned],
    *,
    plans: bool = False,
) -> list[Planned]:
    """The terminal messages this run leaves to one that may write others' terminals (a
    person's own run may write only their own), beside those planned or left to boards:
    each (``plans``), else the first for each person."""
    from pdca.db import notify as notify_store

    left = notify_store.terminals_left(store, runner)
    if left.others_too:
        return []
    everyone = notify_store.TerminalsLeft(left.boards, left.own, others_too=True)
    shown = {p.notice.recipient for p in [*planned, *waiting] if p.channel == "terminal"}
    found: list[Planned] = []
    named: set[str] = set()
    for p in notify_store.plan(store, runner, left=everyone):
        if p.channel != "terminal" or p.notice.recipient in shown:
            continue
        if plans or p.notice.recipient not in named:
            found.append(p)
            named.add(p.notice.recipient)
    return found if plans else sorted(found, key=lambda p: p.notice.recipient)


def _set_elsewhere(session: Session, settings: ChannelSettings) -> bool:
    """The file's command hook names this run's person, who did not set it from this login."""
    from pdca.tui.identity import current_user
    from pdca.tui.own_hooks import set_by_me

    return (
        settings.command is not None
        and settings.command_by == current_user(session.environ)
        and not set_by_me(session.environ, session.resolved.path)(settings.command)
    )


@notify.command("prefer")
@click.argument("login")
@click.argument("channels")
@pass_session
def notify_prefer(session: Session, login: str, channels: str) -> None:
    """A person's channels, in order (terminal,mail,webhook,command), or default."""
    from pdca.db import notify as notify_store
    from pdca.db import notify_rules

    # Checked before the file is opened, and never made: a preference is for one of the
    # file's people (a bad login made a new database before it was refused).
    notify_rules.check_login(login)
    notify_rules.parse_channels(channels)
    settings = notify_store.set_preference(session.store(), login, channels)
    chosen = (settings.prefer or {}).get(login)
    click.echo(
        printable(f"{login}: {','.join(chosen) if chosen is not None else 'the team default'}")
    )
    off = [name for name in chosen or () if name not in settings.enabled()]
    if off:
        from pdca.db.notify_rules import channels_for

        now = ",".join(channels_for(login, settings)) or "nothing (every channel is off)"
        click.echo(
            printable(
                f"note: the team has {', '.join(off)} off: {login} gets notices on {now}"
                f" until it is on (pdca notify config {off[0]} ...)"
            ),
            err=True,
        )
