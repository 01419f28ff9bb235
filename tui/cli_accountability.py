"""The accountability commands: ``owners``, ``log``, ``followups``, ``followup``, ``standup``
and ``config``, the twins of the owners view, the check-in log and stand-up mode.

Registered into the ``pdca`` group by ``register``; like the rest of the command line, never
imports Textual, and reports bad input through ``PdcaError`` (one line, exit status 1).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from pdca.db.accountability_models import (
    BY_KINDS,
    FOLLOWUP_RESULTS,
    flag_words,
    more_standing,
)
from pdca.db.accountability_rules import whose_standup
from pdca.db.dates import minute_utc
from pdca.db.errors import InvalidInput, PdcaError, StandupRecordedAlready
from pdca.db.models import CHECKIN_STATUSES, ID_MAX, not_an_id, record_id
from pdca.tui.cli import COUNT, given_moment
from pdca.tui.cli_params import me_is_you
from pdca.tui.columns import table, wrapped
from pdca.tui.output import md_escape, printable, to_json

if TYPE_CHECKING:
    from pdca.db.accountability_models import Digest, DigestItem, StandingItem
    from pdca.db.store import Store
    from pdca.tui.cli import Session

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (see README).")
pass_session = click.pass_obj  # the group's Session (tui.cli), not imported: no cycle

DIGEST_LABELS = {  # one change, in a person's block
    "created": "Created",
    "moved": "Moved",
    "handed": "Handed over",
    "rescheduled": "Due date",
    "reprioritized": "Priority changed",
    "done": "Done",
    "checkin": "Check-in",
    "followup": "Follow-up",
    "alert-raised": "Alert raised",
    "alert-acknowledged": "Alert acknowledged",
    "alert-escalated": "Alert escalated to them",
    "alert-closed": "Alert closed",
    "alert-reopened": "Alert reopened",
    "undone": "Undone (told in an earlier stand-up)",
}
STANDING_LABELS = {
    "action": "Open",
    "alert": "Alert waiting",
    "kpi": "KPI",
    "followup": "Follow-up due",
}
EVERY = 1 << 62  # standup --all: no person's changes or open work are left out


def _day(session: Session, field_name: str, text: str | None) -> date | None:
    if text is None:
        return None
    from pdca.db.dates import next_one_nearer, parse_date

    # since and until look back: a weekday is the last one (parse_date's ``back``)
    today = session.today()
    taken = parse_date(text, today, field_name, back=True)
    if next_one_nearer(text, taken, today) is not None:
        # said, as list says a day taken as next year's: "--until 'dec 24'" on December 7th
        # was last year's, and the log came out empty without a word (a retrial)
        click.echo(
            f"note: --{field_name} {printable(text)!r} is taken as {taken.isoformat()}, the"
            " last one (the log looks back)",
            err=True,
        )
    return taken


def _action_id(text: str | None, field_name: str = "action") -> int | None:
    if text is None:
        return None
    found = record_id(text)
    if found is None:
        raise InvalidInput(
            field_name, text, not_an_id(text, "an action", "a number such as 12 or #12")
        )
    return found


def ago(at: str | None, now_iso: str) -> str:
    """``3d ago``, ``5h ago``, ``just now`` (``rules.ago_words``, as the app says it)."""
    from pdca.db.clock import stored_moment
    from pdca.db.rules import ago_words

    return ago_words(at, stored_moment(now_iso))


# --------------------------------------------------------------------------- owners


def _say_off_the_columns(store: Store, how: str) -> None:
    """Open actions in no phase ('Do' from another tool), each in a line saying ``how`` this
    command took it: the owners view counted them as Plan, unsaid (a retrial)."""
    for said in store.open_actions_off_the_columns():
        click.echo(f"pdca: {printable(said)}; {how}", err=True)


@click.command()
@json_option
@pass_session
def owners(session: Session, as_json: bool) -> None:
    """Who owns what: open work by phase, late, stale, alerts and follow-ups due."""
    from pdca.db import accountability
    from pdca.db.clock import iso

    store = session.store()
    rows = accountability.owners(store)
    _say_off_the_columns(store, "counted here as Plan")
    if as_json:
        click.echo(to_json(rows))
        return
    if not rows:
        click.echo("nobody owns open work", err=True)
        return
    now = iso(store.clock())
    cells = [
        [
            r.login,
            f"{r.plan}/{r.do}/{r.check}/{r.act}",
            str(r.open),
            str(r.overdue),
            str(r.due_soon),
            str(r.stale),
            str(r.alerts_waiting),
            str(r.followups_due),
            "-" if r.unowned else ago(r.last_checkin_at, now),
        ]
        for r in rows
    ]
    headers = ["OWNER", "P/D/C/A", "OPEN", "LATE", "DUE 7D", "STALE", "ALERTS", "FOLLOW-UPS"]
    # OPEN says how much; its split by phase goes before a line wraps (on a big file the
    # four numbers took 15 cells: a tester's 80 columns wrapped every row). Narrower still,
    # the follow-ups go (the owners view and --json keep them): at 60 every row wrapped.
    cut = ("OWNER", ("P/D/C/A", 0), ("FOLLOW-UPS", 0))
    click.echo(table([*headers, "CHECKED IN"], cells, cut=cut))


# --------------------------------------------------------------------------- the log


@click.command("log")
@click.option(
    "--owner", metavar="LOGIN", callback=me_is_you, help="Check-ins on this person's actions."
)
@click.option("--action", "action_text", metavar="ID", help="Check-ins on one action.")
@click.option("--initiative", metavar="NAME", help="Only check-ins on this one's actions.")
@click.option(
    "--status",
    type=click.Choice((*CHECKIN_STATUSES, *FOLLOWUP_RESULTS), case_sensitive=False),
    help="A check-in's status, or a follow-up's result (holding, slipped).",
)
@click.option("--since", metavar="DATE", help="From this day (YYYY-MM-DD, yesterday, -7d ...).")
@click.option("--until", metavar="DATE", help="Up to and including this day.")
@click.option("--limit", type=COUNT, default=50, show_default=True, help="At most this many.")
@json_option
@pass_session
def log(session: Session, owner, action_text, initiative, status, since, until, limit, as_json):
    """Check-ins and follow-up results, newest first."""
    from pdca.db import accountability
    from pdca.db.accountability_models import LogFilter
    from pdca.db.clock import iso
    from pdca.tui.cli import refuse_unknown_owner

    refuse_unknown_owner(session.store(), owner)
    where = LogFilter(
        owner=owner,
        action_id=_action_id(action_text),
        initiative=initiative,
        status=status,
        since=_day(session, "since", since),
        until=_day(session, "until", until),
    )
    if where.since and where.until and where.since > where.until:  # said, not "no check-ins"
        raise InvalidInput("--since", since, f"is after --until {until!r}")
    if where.since and where.since > session.today():  # a script's typo, not an empty log
        raise InvalidInput("--since", since, "is later than today: the log looks back")
    store = session.store()
    if where.action_id is not None:
        store.get_action(where.action_id)  # "no action #9" rather than an empty log
    if initiative is not None and not store.no_initiative(initiative):
        store.initiative_id(initiative, "--initiative")  # named as typed, as list does
    # One more than asked: are there more? (Within SQLite's integers: a script's 2**63 - 1
    # for "all" overflowed it, a reviewer.)
    entries = accountability.log_page(store, where, limit=min(limit, ID_MAX - 1) + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    if as_json:
        click.echo(to_json(entries))
        _say_more(more, limit)
        return
    if not entries:
        click.echo("no check-ins or follow-ups match", err=True)
        return
    now = iso(store.clock())
    rows = [
        [
            e.at,
            ago(e.at, now),
            f"#{e.action_id}",
            e.author,
            f"follow-up {e.result}{f', {e.days_late}d late' if e.days_late else ''}"
            if e.kind == "followup"
            else e.status,
            # the message first: a narrow terminal cuts the end, and it showed titles only
            f"{e.message} — {e.title}",
        ]
        for e in entries
    ]
    headers = ["AT", "AGO", "ID", "AUTHOR", "STATUS", "MESSAGE — ACTION"]
    # The message matters most: the exact time goes (AGO says it) before it is cut short.
    cut = (("MESSAGE — ACTION", 40), ("AT", 0), "MESSAGE — ACTION", "AUTHOR")
    click.echo(table(headers, rows, cut=cut))
    _say_more(more, limit)


def _say_more(more: bool, limit: int) -> None:
    """On stderr (stdout stays the table, or one JSON document), after it: a script counting
    today's check-ins got 50 of 300, with nothing to say so (a tester)."""
    if more:
        click.echo(
            f"note: the newest {limit} shown; more match (--limit N shows more; --since and"
            " --until narrow them)",
            err=True,
        )


# --------------------------------------------------------------------------- follow-ups


@click.command()
@click.option("--due", "due_only", is_flag=True, help="Only those due today or before.")
@click.option("--owner", metavar="LOGIN", callback=me_is_you, help="Only this person's follow-ups.")
@click.option("--all", "include_done", is_flag=True, help="Include recorded ones.")
@json_option
@pass_session
def followups(session: Session, due_only: bool, owner, include_done: bool, as_json: bool):
    """Follow-up audits of standardized work (+30, +60, +90 days by default)."""
    from pdca.db import accountability
    from pdca.tui.cli import refuse_unknown_owner

    refuse_unknown_owner(session.store(), owner)
    items = accountability.list_followups(
        session.store(), due_only=due_only, owner=owner, include_done=include_done
    )
    if as_json:
        # Told apart from the slip itself: all three read "slipped", and a slip counted
        # three times (659 rows for 294 slips, an auditor).
        click.echo(
            to_json([{**f.model_dump(), "closed_by_a_slip": f.closed_by_a_slip} for f in items])
        )
        return
    if not items:
        click.echo("no follow-ups match", err=True)
        return
    today = session.store().clock().astimezone().date()
    rows = [
        [
            f"#{f.action_id}",
            f"{f.offset_days}d",
            f.due + _due_words(f, today),
            f.owner or "-",
            _result(f),
            f.title,
        ]
        for f in items
    ]
    headers = ["ID", "AFTER", "DUE", "OWNER", "RESULT", "TITLE"]
    click.echo(table(headers, rows, cut=("TITLE", ("RESULT", 12), "OWNER")))


def _due_words(f: Any, today: date) -> str:
    """`` ! 25d late`` as actions say it, `` DUE`` today, nothing before: 25 days late read
    "DUE" alone (a tester)."""
    if not f.is_due:
        return ""
    late = (today - date.fromisoformat(f.due)).days
    return f" ! {late}d late" if late > 0 else " DUE"


def _result(f: Any) -> str:
    from pdca.db.accountability_rules import days_recorded_late

    if f.closed_by_a_slip:
        return "closed (slipped earlier)"
    late = days_recorded_late(f.due, f.done_at) if f.result else 0
    return f"{f.result}, {late}d late" if late else f.result or "-"


@click.command()
@click.argument("action_text", metavar="ID")
@click.argument(
    "result",
    type=click.Choice(FOLLOWUP_RESULTS, case_sensitive=False),
    metavar="RESULT",
)
@click.argument("message", required=False)
@json_option
@pass_session
def followup(session: Session, action_text: str, result: str, message, as_json: bool) -> None:
    """Record the due follow-up of action ID: RESULT is holding, or slipped (reopens it in
    Plan)."""
    from pdca.db import accountability

    action_id = _action_id(action_text, "id")
    assert action_id is not None
    if message is not None and not message.strip():
        raise InvalidInput("message", message, "is empty")
    store = session.store()
    due = accountability.due_followup_of(store, action_id)
    outcome = accountability.record_followup(store, due.id, result, message)  # type: ignore[arg-type]

    def text() -> None:
        click.echo(f"recorded the {due.offset_days}-day follow-up of #{action_id}: {result}")
        if outcome.reopened is not None:
            nxt = outcome.reopened
            owner = f" for {printable(nxt.owner)}" if nxt.owner else ""
            click.echo(
                f"reopened as #{nxt.id} [plan] cycle {nxt.cycle}{owner}: {printable(nxt.title)}"
            )

    if as_json:
        click.echo(to_json(outcome))
    else:
        text()


# --------------------------------------------------------------------------- stand-up


@click.command()
@click.option("--since", metavar="DATE", help="A day or time (default: the last stand-up).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (same as --format json).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "text", "json"], case_sensitive=False),
    default=None,
    help="md: Markdown ready to paste into the team chat (the default into a pipe or a"
    " file); text: lines for a terminal (the default on one).",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every change of each person (default: the first 10, and how many more).",
)
@click.option(
    "--owner",
    metavar="LOGIN",
    help="Only this person's part (none: work nobody owns), for a one-to-one.",
)
@click.option("--record", is_flag=True, help="Also record this stand-up: the next starts here.")
@click.option(
    "--post", is_flag=True, help="Also send it, as Markdown whatever --format, to the webhook."
)
@pass_session
def standup(
    session: Session,
    since: str | None,
    as_json: bool,
    fmt: str,
    every: bool,
    owner: str | None,
    record: bool,
    post: bool,
) -> None:
    """Where each person's work stands, and what changed since the last stand-up."""
    from pdca.db import accountability
    from pdca.db.accountability_models import UNOWNED
    from pdca.tui.cli import chosen_format, refuse_unknown_owner
    from pdca.tui.columns import terminal_width

    width = terminal_width()
    if fmt is None:  # a person at a terminal reads lines; a pipe takes Markdown to the chat
        fmt = "text" if width is not None else "md"
    fmt = chosen_format("standup", as_json, fmt)
    if owner is not None and record:
        # One person's part recorded as the team's stand-up: the next would start after
        # everyone else's changes, untold
        raise PdcaError("--record records the whole team's stand-up: leave --owner out")

    store = session.store()
    refuse_unknown_owner(store, owner)
    most = EVERY if every else accountability.CHANGES_MOST
    standing_most = EVERY if every else accountability.STANDING_MOST
    digest = accountability.standup_digest(
        store, _since(session, since), most=most, standing_most=standing_most
    )
    if owner is not None:
        digest = digest.only(UNOWNED if owner.strip().lower() == "none" else owner)
    _say_off_the_columns(store, "read here as open work")
    if post:
        _post(store, markdown(digest))  # before recording: a failed post records nothing
    if fmt == "json":
        click.echo(to_json(digest))
    elif fmt == "md":
        click.echo(markdown(digest))
    else:
        click.echo(plain_text(digest, width))
    if record:
        # Recorded once it is out: recorded first, a terminal that hung up (or a stop) as it
        # printed lost the stand-up, and the next began after it (a tester).
        sys.stdout.flush()
        gap = accountability.gap_before(store, digest.since) if since is not None else None
        # The next stand-up starts where this digest's window ends (what changed since
        # it was read is the next one's), not when the record was written.
        try:
            recorded = accountability.record_standup(
                store,
                digest.since,
                digest.people,
                digest.until,
                seen_event=digest.seen_event,
                since_by=digest.since_by,
                since_asked=since is not None,
            )
        except StandupRecordedAlready as already:
            # recorded, by someone else: what --record asks for is done (a trial's two crons)
            click.echo(f"note: {already}", err=True)
            return
        except PdcaError as error:
            if not post:
                raise
            # Posted, then the record was refused (a lock held past the wait): "try again",
            # and exit 75 for a retry, posted it to the team's chat again at each try (a
            # retrial, a reviewer). Exit 1: it needs a person's look, not a retry.
            why = str(error).split("; nothing written")[0]
            raise PdcaError(
                f"posted the stand-up, but did not record it: {why}; pdca standup --record"
                " (without --post) records it"
            ) from None
        # On stderr: stdout stays the digest (a pipe, --json); silence read as nothing done.
        if recorded.at != digest.until:
            # A change written in its last second after it was read: the record ends a second
            # earlier, and the next one takes that second whole. "starts from 23:04" beside
            # "until 23:04:51" left a script to find the repeats itself (a stand-up's trial).
            start = f"{recorded.at[:19].replace('T', ' ')} UTC"
            click.echo(
                f"recorded: the next stand-up starts from {start}, before this one's end"
                f" ({digest.until[11:19]}): changes were written as it was read, so what it"
                f" showed after {start[11:19]} comes up again",
                err=True,
            )
        else:
            click.echo(
                f"recorded: the next stand-up starts from {minute_utc(recorded.at)}", err=True
            )
        if gap is not None:  # --since after the last record's end: said, and undone by undo
            click.echo(
                f"note: what changed {gap} comes up in no stand-up (pdca undo takes this"
                " record back)",
                err=True,
            )


def _post(store: Store, text: str) -> None:
    from pdca.db.notify import channel_settings
    from pdca.db.notify_channels import post_text

    url = channel_settings(store).webhook
    if url is None:
        raise PdcaError("--post: no webhook set for the team (pdca notify config webhook URL)")
    from pdca.db.text_rules import no_mentions

    outcome, _ = post_text(url, no_mentions(text))  # Markdown escaped; mentions broken here
    if outcome.state != "delivered":
        raise PdcaError(f"--post: not posted: {outcome.error}")
    click.echo("posted the stand-up to the team's webhook", err=True)


def _since(session: Session, text: str | None) -> str | None:
    if text is None:
        return None
    from pdca.db.clock import iso

    since = iso(given_moment(session, "since", text))  # a time, or a day's first moment
    if since > iso(session.clock()):  # a stand-up of the future would say nothing, quietly
        raise InvalidInput("since", text, "is later than now: a stand-up looks back")
    return since


def _line(item: DigestItem, *, md: bool) -> str:
    ref = f"#{item.action_id} " if item.action_id is not None else ""
    title = printable(item.title)
    if md:
        title = md_escape(title)
    detail = printable(item.detail)
    if md:
        detail = md_escape(detail)
    text = f"{ref}{title}"
    if detail:
        text += f" — {detail}"
    if item.kind in BY_KINDS and item.actor and item.actor != item.person:
        by = printable(item.actor)
        text += f" (by {md_escape(by) if md else by})"
    return text


def _standing_line(item: StandingItem, *, md: bool) -> str:
    ref = f"#{item.action_id} " if item.action_id is not None else ""
    title, detail = printable(item.title), printable(item.detail)
    if md:
        title, detail = md_escape(title), md_escape(detail)
    words = ", ".join(flag_words(item))
    flags = words.upper() if item.kind == "alert" else words
    text = f"{ref}{title}"
    text += f" — {flags}" if flags else ""
    return text + (f" ({detail})" if detail else "")


def _who(person: str) -> str:
    from pdca.db.accountability_models import UNOWNED

    return "No owner" if person == UNOWNED else printable(person)


def _more_changes(n: int) -> str:
    return f"{n} more {'change' if n == 1 else 'changes'} (pdca standup --all lists them)"


def markdown(digest: Digest) -> str:
    """A chat-ready message: a title line, then one block per person with something to say
    (where their work stands, then what changed); nothing for the quiet."""
    # Up to when, first: a mail or chat reader saw only the window's start (a stand-up's lead)
    lines = [
        f"**Stand-up** {minute_utc(digest.until)} — since {minute_utc(digest.since)}"
        f"{md_escape(whose_standup(digest))}"
    ]
    changes, standing = digest.by_person()
    for person in digest.people:
        theirs, news = standing.get(person, []), changes.get(person, [])
        if not theirs and not news:  # quiet
            continue
        lines += ["", f"**{md_escape(_who(person))}**"]
        for kind, items, more in digest.standing_groups(person, theirs):
            lines += [f"- {STANDING_LABELS[kind]}: {_standing_line(i, md=True)}" for i in items]
            if more:
                lines.append(f"- and {more_standing(kind, more)}")
        lines += [f"- {DIGEST_LABELS[i.kind]}: {_line(i, md=True)}" for i in news]
        if digest.more_of(person):
            lines.append(f"- and {_more_changes(digest.more_of(person))}")
    if len(lines) == 1:
        lines += ["", "Nothing to report."]
    return "\n".join(lines)


def plain_text(digest: Digest, width: int | None = None) -> str:
    """The digest as lines for a terminal; on one ``width`` wide, each wrapped at a word
    under its own start (the terminal broke them mid-word, a tester)."""
    lines = [
        f"stand-up {minute_utc(digest.until)}, since {minute_utc(digest.since)}"
        f"{printable(whose_standup(digest))}"
    ]
    all_changes, standing = digest.by_person()
    for person in digest.people:
        theirs, changes = standing.get(person, []), all_changes.get(person, [])
        if not theirs and not changes:  # quiet
            lines += ["", f"{_who(person)}: nothing to report"]
            continue
        lines += ["", _who(person)]
        groups = digest.standing_groups(person, theirs)
        if groups:
            lines.append("  where it stands:")
            for kind, items, more in groups:
                lines += [
                    f"    {STANDING_LABELS[kind]}: {_standing_line(i, md=False)}" for i in items
                ]
                if more:
                    lines.append(f"    and {more_standing(kind, more)}")
        if changes:
            lines.append("  what changed:")
            # The labels the Markdown says: the raw kinds ("alert-raised") read as code.
            lines += [f"    {DIGEST_LABELS[i.kind]}: {_line(i, md=False)}" for i in changes]
            if digest.more_of(person):
                lines.append(f"    and {_more_changes(digest.more_of(person))}")
    if not digest.people:  # --owner of someone with nothing: said, as the Markdown says it
        lines += ["", "nothing to report"]
    return wrapped("\n".join(lines), width)


# --------------------------------------------------------------------------- team settings


# ignore_unknown_options: a negative value ("-3") is a VALUE, named out of range, not "No such
# option '-3'" (a tester).
# token_normalize_func: stale_after_days, as --json spells it, is taken too (it was refused,
# a trial)
@click.command(
    context_settings={
        "ignore_unknown_options": True,
        "token_normalize_func": lambda token: token.replace("_", "-"),
    }
)
@click.argument(
    "key",
    required=False,
    type=click.Choice(["stale-after-days", "followup-offsets"], case_sensitive=False),
)
@click.argument("value", required=False)
@json_option
@pass_session
def config(session: Session, key: str | None, value: str | None, as_json: bool) -> None:
    """Show the team's settings, or set one: stale-after-days N, followup-offsets 30,60,90."""
    from pdca.db import accountability

    if key is not None and value is not None:
        settings, changed = accountability.set_team_setting(session.store(), key, value)
        if not changed:
            click.echo(f"note: {key} was so already: nothing written", err=True)
    else:
        settings = accountability.team_settings(session.store())
    data: dict[str, Any] = {
        "stale-after-days": settings.stale_after_days,
        "followup-offsets": ",".join(str(o) for o in settings.followup_offsets),
    }
    if key is not None and value is None:
        data = {key: data[key]}
    if as_json:
        # One shape and spelling, whichever form: "pdca config followup-offsets --json" gave
        # {"followup-offsets": "30,60,90"}, the others a list under followup_offsets (a tester)
        whole = json.loads(to_json(settings))
        field = key.replace("-", "_") if key is not None and value is None else None
        click.echo(to_json(whole if field is None else {field: whole[field]}))
        return
    for name, shown in data.items():
        click.echo(f"{name} = {shown}")


COMMANDS = (owners, log, followups, followup, standup, config)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
