"""The ``pdca`` command line: the surface scripts, cron jobs and CI pipelines rely on.

Never imports Textual (tests/unit/test_import_hygiene.py holds it to that): a write command
must start, write and exit fast. Errors are one line on stderr and exit status 1.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gc
import importlib
import itertools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from pdca.db import commit_marks, rules
from pdca.db.dates import minute_utc
from pdca.db.errors import (
    DATABASE_ERRORS,
    WHICH_FILE,
    BesideStrays,
    DatabaseBusy,
    DatabaseProblem,
    GateUnmet,
    InvalidInput,
    NotFound,
    PdcaError,
    StandupOvertaken,
    StandupRecordedAlready,
    UndoAsked,
    UndoRefused,
    database_failure,
    one_readable_line,
    shell_word,
)
from pdca.db.models import (
    CHECKIN_STATUSES,
    DECISIONS,
    ID_MAX,
    PHASES,
    TITLE_MAX,
    VERDICT_WORDS,
    VERDICTS,
    ActionFields,
    ChangeFields,
    ascii_whole,
    checked_action,
    checked_changes,
    checked_text,
    not_an_id,
    parse_number,
    record_id,
    status_begun,
    status_word,
)
from pdca.tui.cli_params import PhaseChoice, PriorityChoice, me_is_you
from pdca.tui.columns import Cut, table, table_lines, terminal_width, wrapped
from pdca.tui.completion import DB_AFTER, attach_completers
from pdca.tui.entry import NOTHING_WRITTEN, silence
from pdca.tui.option_words import refuse_help_where_text_goes
from pdca.tui.output import (
    ascii_terminal,
    for_terminal,
    for_this_terminal,
    json_array,
    json_safe,
    printable,
    to_json,
)
from pdca.tui.paths import DB_NAME, ResolvedPath, describe_rule, resolve_db_path
from pdca.tui.stopping import Stopped, let_stops_through, stop_requested, stopped_as_interrupted

if TYPE_CHECKING:
    from pdca.db.accountability_models import Followup
    from pdca.db.clock import Clock
    from pdca.db.models import Action, Checkin, Phase, Verdict
    from pdca.db.store import ActionLine, Store


# The variables pdca reads; each must be text like any argument.
ENVIRONMENT = (
    "PDCA_DB",
    "PDCA_USER",
    "PDCA_NOW",
    "HOME",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "XDG_STATE_HOME",
)

# pyproject.toml's version, written here so --version needs no importlib.metadata (~20 ms,
# most of what ``pdca --version`` cost beyond the imports); tests/unit/test_cli.py holds
# the two equal.
VERSION = "0.1.0"
# The schema this pdca knows (db/schema.py ``schema_version()``, held equal by the same
# test): --version says it, so a team can tell which of two installs opens a file (two
# versions said "0.1.0" alike, and one refused the file the other had upgraded, a trial).
SCHEMA_KNOWN = 30

# The commands that make a file named by --db or $PDCA_DB when none is there.
MAKE_THEIR_FILE = {"init", "seed", "demo", "import"}
# Commands that handle the file as a whole make no repeating action on their way; recur
# does it itself.
NO_CATCH_UP = {"init", "seed", "demo", "export", "import", "backup", "restore", "doctor", "recur"}

# The store this process opened, for the one-line message of a read that failed on it.
_opened: list[Store] = []
# Warnings said as the command ends, unless its refusal says the same (``BesideStrays``)
_held_warnings: list[str] = []


def _say_while_it_goes(line: str) -> None:
    """An upgrade still going (from the upgrade's timer thread): said before it ends, as a
    command silent for 10 s on a large file reads as hung."""
    click.echo(f"pdca: {printable(line)}", err=True)


class Session:
    """What every command shares: where the database is, who acts, and what time it is. A
    plain class, quick to make at import, as models.ActionFields."""

    def __init__(
        self,
        db_option: str | None,
        *,
        environ: dict[str, str] | None = None,
        command: str | None = None,  # the subcommand: whether repeats are caught up
    ) -> None:
        self.db_option = db_option
        self.environ = dict(os.environ) if environ is None else environ
        self.command = command
        self.demo: Path | None = None  # pdca demo's own file, whatever --db and $PDCA_DB say
        self.notices: list[str] = []  # what opening the file found, said
        self.due_typed: str | None = None  # --due as typed, for what a write's note says of it
        self._store: Store | None = None

    @property
    def resolved(self) -> ResolvedPath:
        if self.demo is not None:
            return ResolvedPath(self.demo, "demo")
        if self.db_option is not None and not self.db_option.strip():
            raise InvalidInput("--db", self.db_option, "is not a path")
        return resolve_db_path(self.db_option, self.environ, Path.cwd())

    @property
    def clock(self) -> Clock:
        from pdca.db.clock import clock_from_env

        return clock_from_env(self.environ)

    def today(self) -> date:
        return self.clock().astimezone().date()

    def store(self, *, create: bool = False, initialize: bool = False) -> Store:
        """Open the database; write commands create it (and the per-user folder) if missing,
        saying so on stderr when that is the per-user default nobody asked for by name."""
        if self._store is None:
            from pdca.db.clock import unknown_zone, zone_folder
            from pdca.db.connection import (
                set_aside_by_this_process,
                set_aside_said,
                stray_journals,
                strays_in_short,
                strays_not_written_since,
            )
            from pdca.db.store import Store
            from pdca.tui.identity import current_user

            resolved = self.resolved
            if not resolved.is_default and self.command not in MAKE_THEIR_FILE:
                # Only pdca init (and seed, demo, import) makes a file named by --db or
                # $PDCA_DB: a mistyped path made a new one with no word, and a cron job's
                # writes went to it for good (a tester). Your own default is made by the
                # first write, saying so.
                create = False
            if not create and resolved.is_default and not os.path.lexists(resolved.path):
                # Not "mkdir -p ~/.local/share/pdca, then pdca --db ... init": a first
                # ``pdca list`` is asked where the database is (a tester; the README's
                # first session makes ./pdca.db with pdca init).
                raise DatabaseProblem(
                    "no database here: no --db, no $PDCA_DB, no pdca.db in this folder or"
                    f" above, and none of your own yet ({printable(str(resolved.path))}):"
                    " pdca init makes ./pdca.db here; pdca add starts your own; or cd to"
                    " your team's folder"
                )
            if create and resolved.is_default:
                try:
                    from pdca.db.filesystem import make_personal_folder

                    make_personal_folder(resolved.path.parent)
                except OSError as error:  # "/.local: Permission denied" said nothing of why
                    raise DatabaseProblem(
                        f"cannot make the folder for your own database"
                        f" {printable(str(resolved.path))}: {error.strerror}"
                        f" ({printable(os.fsdecode(error.filename or resolved.path.parent))});"
                        " name one with --db or PDCA_DB"
                    ) from None
            set_aside_before = len(set_aside_by_this_process(resolved.path))
            self._store = Store.open(
                resolved.path,
                actor=current_user(self.environ),
                clock=self.clock,
                create=create,
                initialize=initialize,
                announce=_say_while_it_goes,
            )
            _opened.append(self._store)
            if self._store.upgrade is not None:  # never silently: others on it must know
                self.notices.append(self._store.upgrade.notice())
                click.echo(f"pdca: {printable(self._store.upgrade.notice())}", err=True)
            # Beside the file itself, as the store's refusal looks (a link to it: beside the
            # link, it warned of the wrong folder, a reviewer)
            real = self._store.path or resolved.path
            if set_aside := set_aside_by_this_process(real)[set_aside_before:]:
                said = set_aside_said(real, set_aside)
                self.notices.append(said)
                click.echo(f"pdca: warning: {printable(said)}", err=True)
            if zone := unknown_zone(self.environ):  # every local day would be UTC's, unsaid
                folder = printable(zone_folder(self.environ))
                said = (
                    f"TZ '{printable(zone)}' names no time zone on this machine (no such file"
                    f" in {folder}), so pdca's days and times are UTC's; set TZ to a zone whose"
                    f" file is there, such as Europe/Paris"
                )
                self.notices.append(said)
                click.echo(f"pdca: warning: {printable(said)}", err=True)
            strays = [] if self.command == "doctor" else stray_journals(real)
            if strays:  # a renamed file lacks their changes; doctor says it as a check
                said = strays_in_short(real, strays)
                self.notices.append(said)
                if self.command is not None and strays_not_written_since(real, strays):
                    # said as the command ends: a write it refuses says it whole in its one
                    # line (a warning, then the refusal, was two, a script's trial); the app
                    # (no command) says it as it opens, as ever
                    _held_warnings.append(f"pdca: warning: {printable(said)}")
                else:
                    click.echo(f"pdca: warning: {printable(said)}", err=True)
            if self.command not in NO_CATCH_UP and self._store.repeats_due():
                # Repeating actions whose date came are made by whoever looks first: a cheap
                # indexed probe, and a write only when one is due (db/recurrence.py).
                from pdca.db.recurrence import catch_up

                catch_up(self._store)
            if self._store.created and resolved.is_default:
                said = (
                    f"created your own database {printable(str(resolved.path))} (no --db, "
                    "no $PDCA_DB, no pdca.db above here; for a team's file: cd to its folder, "
                    "pdca init)"
                )
                self.notices.append(said)
                click.echo(f"pdca: {said}", err=True)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class ActionIdType(click.ParamType):
    """An action id as people write it: ``12`` or ``#12``."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and 0 < value <= ID_MAX:
            return value
        found = record_id(str(value))
        if found is not None:
            return found
        why = not_an_id(str(value), "an action", "a number such as 12 or #12")
        self.fail(f"{value!r} {why}", param, ctx)


class ActionIdsType(click.ParamType):
    """Action ids as Taskwarrior takes them: ``12``, ``#12``, ``12,14`` or ``12-15``. One id
    comes as a tuple, a list or a range as a list: its ``--json`` is a list whatever it holds
    (a script's one match gave an object, and ``jq '.[]'`` broke: a script author)."""

    name = "ID"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, ...] | list[int]:
        if isinstance(value, tuple | list):
            return value
        text = str(value)
        if "," not in text and "-" not in text[1:]:
            return (ACTION_ID.convert(text, param, ctx),)
        found: list[int] = []
        for piece in text.split(","):
            first, dash, last = piece.partition("-")  # no blanks: "1 " is no id, as ever
            low, high = record_id(first), record_id(last) if dash else None
            if low is None or (dash and high is None):
                self.fail(
                    f"{text!r} is not an id, a range (12-15) or a list (12,14) of them",
                    param,
                    ctx,
                )
            if high is None:
                found.append(low)
            elif high < low or high - low >= MOST_EDITED:
                self.fail(
                    f"{piece!r} is not a range of at most {MOST_EDITED} ids, low to high"
                    " (e.g. 12-15)",
                    param,
                    ctx,
                )
            else:
                found += range(low, high + 1)
        return found


MOST_EDITED = 1000  # actions one edit changes at most: its write holds the file's lock


class WholeNumberType(click.ParamType):
    """A whole number in ASCII digits within ``low``..``high`` (click's int would also take
    "+5", "1_0" and "٣")."""

    name = "N"

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        # A sign, a fraction or other digits are None; zeros in front are read (0005 is 5).
        number = value if isinstance(value, int) else ascii_whole(str(value))
        if number is not None and number > self.high:
            # A whole number, too big: said so ("not a whole number" read as a wrong form).
            self.fail(f"{value!r} is too big (at most {self.high})", param, ctx)
        if number is None or not self.low <= number <= self.high:
            # One wording for 0 and -1 alike, the whole range said as people read it.
            low, high = self.low, self.high
            wanted = f"of {low} or more" if high == ID_MAX else f"from {low} to {high}"
            self.fail(f"{value!r} is not a whole number {wanted}", param, ctx)
        return number


ACTION_ID = ActionIdType()
ACTION_IDS = ActionIdsType()
# "At most this many": any count SQLite's LIMIT can take.
COUNT = WholeNumberType(1, ID_MAX)
pass_session = click.make_pass_decorator(Session)


def _date(
    session: Session, field_name: str, text: str | None, *, back: bool = False
) -> date | None:
    """``text`` as a date; ``back``: a day of the past (a baseline's), so ``nov 1`` is the last
    one (it was next year's, refused as in the future: a retrial)."""
    if text is None:
        return None
    from pdca.db.dates import next_one_nearer, parse_date, past_one_nearer

    today = session.today()
    taken = parse_date(text, today, field_name, back=back)
    if field_name == "due":
        session.due_typed = text  # said after the write lands (``_say_overdue_already``)
    elif back:
        if next_one_nearer(text, taken, today) is not None:
            click.echo(
                f"note: {field_name} {printable(text)!r} is taken as {taken.isoformat()}, the"
                " last one (a baseline is of days gone by)",
                err=True,
            )
    elif (last := past_one_nearer(text, taken, today)) is not None:
        # a filter's or a KPI's day without its year, three days gone: next year's, said as
        # an action's due is (``--due-by "dec 3"`` listed a year of work without a word)
        _say_next_one(field_name, text, taken, last)
    return taken


def _say_next_one(field_name: str, text: str, taken: date, last: date) -> None:
    """A day written without its year taken as its next one while its last one is nearer."""
    click.echo(
        f"note: {field_name} {printable(text)!r} is taken as {taken.isoformat()},"
        f" the next one (write {last.isoformat()} for the one gone by)",
        err=True,
    )


def given_moment(session: Session, field_name: str, text: str) -> datetime:
    """A moment a person typed, on the session's clock (``clock.typed_moment``)."""
    from pdca.db.clock import typed_moment

    return typed_moment(text, session.clock(), field_name)


def _number(field_name: str, text: str | None) -> float | None:
    return None if text is None else parse_number(text, field_name)


def cleared(value: str | None) -> bool:
    """Whether an edit option says ``none``: empty this optional field."""
    return value is not None and value.strip().lower() == "none"


def refuse_clearing(option: str, value: str | None, what: str) -> None:
    """``none`` for a field that cannot be empty is refused, not stored as the word."""
    if cleared(value):
        raise InvalidInput(
            f"--{option.replace('_', '-')}", value, f"cannot be cleared ({what} needs one)"
        )


def refuse_unknown_names(store: Any, kpi: str | None, initiative: str | None = None) -> None:
    """``--kpi`` or ``--initiative`` naming nothing, before anything is written and in the
    words of every command that takes such a name (``--kpi: “X” is not a known KPI; did you
    mean ...``)."""
    if kpi is not None and not cleared(kpi):
        store.kpi_id(kpi, "--kpi")
    if initiative is not None and not cleared(initiative):
        store.initiative_id(initiative, "--initiative")


def refuse_names_a_new_file_lacks(
    session: Session, kpi: str | None, initiative: str | None = None
) -> None:
    """``--kpi`` or ``--initiative`` naming one, when one's own file is still to be made:
    a new file holds none, so the name is refused before the file is made (it was made
    first, then the name refused: bad input wrote a file)."""
    if not session.resolved.is_default or os.path.lexists(session.resolved.path):
        return  # a file there is asked by refuse_unknown_names; a named one is never made
    from pdca.db.kpi_rules import UnknownKpi
    from pdca.db.unknown_names import UnknownInitiative, UnknownName

    # "(list them: pdca kpi list)" named a command that has no file to list from either
    yet = f": your own database {printable(str(session.resolved.path))} is not made yet"
    refusal: UnknownName | None = None
    if kpi is not None and not cleared(kpi):
        refusal = UnknownKpi("--kpi", kpi, [])
    elif initiative is not None and not cleared(initiative):
        refusal = UnknownInitiative("--initiative", initiative, [])
    if refusal is not None:
        refusal.why = f"is not a known {refusal.kind}{yet}, so it holds none"
        raise refusal.typed_as(refusal.field)


def _echo_action_line(verb: str, action: Action | ActionLine, *, ended: bool = False) -> None:
    # A done action's phase is where it ended: "[plan]" for an abandoned one read as open
    # (a tester), but for done's own reply ("done (abandon) #2 [plan]") that is the point.
    shown = "done" if action.done_at and not ended else action.phase
    # A title longer than pdca writes (100 000 characters by sqlite3) filled the terminal
    # after a one-field edit (a tester): cut where pdca's own limit is
    title = action.title if len(action.title) <= TITLE_MAX else action.title[: TITLE_MAX - 1] + "…"
    click.echo(f"{verb} #{action.id} [{shown}] {printable(title)}")


def _at_a_terminal() -> bool:
    """Whether a person answers: stdin and stderr both a terminal (not a script's pipe)."""
    import sys

    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed, or replaced by something that is no file
        return False


def asked_yes(question: str) -> bool:
    """A person's yes (``y`` or ``yes``, in any case) to ``question``; anything else is a no.
    click's ``confirm`` said "Error: invalid input" to ``maybe`` and asked again, where the
    README says anything else writes nothing (a hostile trial)."""
    try:
        answer = click.prompt(
            question, default="", show_default=False, prompt_suffix=" [y/N]: ", err=True
        )
    except click.Abort:
        click.echo(err=True)  # ctrl+d: what follows goes on a line of its own (a retrial)
        raise
    return answer.strip().lower() in ("y", "yes")


def _emit(as_json: bool, value: Any, text: Callable[[], None]) -> None:
    if as_json:
        click.echo(to_json(value))
    else:
        text()


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (see README).")
# A script's guard against a change made between its read and its write (HTTP's If-Match):
# without it a command line write applies to the action as it is now, as Taskwarrior's does.
if_version_option = click.option(
    "--if-version",
    "if_version",
    type=COUNT,  # "'abc' is not a valid integer range" was click's, not pdca's (a tester)
    metavar="N",
    help="Only if the action is still at version N (list --json and show --json give it);"
    " else nothing is written and the command fails, naming who changed it.",
)


def chosen_format(command: str, as_json: bool, fmt: str) -> str:
    """``--json`` is ``--format json`` (``pdca flow``, ``pdca standup``); asked with another
    format given too, neither wins silently."""
    given = click.get_current_context().get_parameter_source("fmt")
    if as_json and fmt != "json" and given is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError(f"{command}: --json and --format {fmt} ask for two formats; use one")
    return "json" if as_json else fmt


out_option = click.option(
    "--out", metavar="FILE", help="File (default or '-': stdout); written whole or not at all."
)


# --------------------------------------------------------------------------- the group


# Commands defined in their own modules, imported only when one of them is asked for (or
# for --help): ``pdca add`` should not pay for importing the KPI and stand-up code.
LAZY_COMMANDS = {
    "pdca.tui.cli_accountability": ("owners", "log", "followups", "followup", "standup", "config"),
    "pdca.tui.cli_kpis": ("kpi", "alerts"),
    "pdca.tui.cli_backup": ("backup", "restore"),
    "pdca.tui.cli_notify": ("notify",),
    "pdca.tui.cli_recur": ("recur",),
    "pdca.tui.cli_flow": ("flow",),
    "pdca.tui.cli_report": ("report",),
}


def _yesterday(session: Session) -> date:
    from datetime import timedelta

    return session.today() - timedelta(days=1)


def _say_left_out() -> None:
    """Rows a read left out because pdca cannot read them (``Store.left_out``), one line each
    on stderr: the output is what could be read, and this says what is missing."""
    for store in _opened:
        for said in store.left_out:
            click.echo(f"pdca: left out {printable(said)}", err=True)
        store.left_out.clear()


class NarrowHelpFormatter(click.HelpFormatter):
    """click's help, with a narrower first column on a narrow terminal: beside a 30-cell
    ``--phase [plan|do|check|act]`` column, 40 columns left ten cells a line to the words,
    and they ran past the edge (a tester)."""

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        if self.width < 60:  # a longer option goes on a line of its own, its words below
            col_max = min(col_max, max(self.width // 3, 8))
        super().write_dl(rows, col_max, col_spacing)


class PdcaContext(click.Context):
    formatter_class = NarrowHelpFormatter

    def make_formatter(self) -> click.HelpFormatter:
        import shutil  # only for help: a command's start stays quick

        width = self.terminal_width
        columns = shutil.get_terminal_size().columns
        if width is None and columns < HELP_FLOOR + 2:
            # click's help is never narrower than 50, whatever the terminal: at 40 columns
            # each line wrapped into two (a tester). Its own width below that floor, asked
            # only when help is shown.
            width = max(columns - 2, 20)
        return self.formatter_class(width=width, max_width=self.max_content_width)


class SubGroup(click.Group):
    """A group whose commands are each given ``--db`` and completion as they are added: the
    top-level one, and those made with ``@cli.group()`` (``pdca initiative``), registered
    before their own commands are (a tester's ``pdca initiative list --db F`` was refused)."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        accept_db_option(cmd)
        attach_completers(cmd, self.name)  # a group's own: initiative edit NAME
        if type(cmd) is click.Group:  # pdca kpi, notify, ...: made with @click.group()
            cmd.__class__ = SubGroup  # no state of its own: only the checks below
        super().add_command(cmd, name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None:  # its help fits a narrow terminal (each command found here)
            cmd.context_class = PdcaContext
        return cmd

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The group's own options too: pdca --db a --db b add wrote to b (a tester).
        if not ctx.resilient_parsing:
            # Before the command's name, any option is one: "pdca --db --json init" made a
            # database called "--json" (a tester).
            refuse_options_as_values(ctx, args, any_option=True)
            refuse_repeated_options(ctx, args)
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None and not isinstance(cmd, click.Group) and not ctx.resilient_parsing:
            # Its own settings too (kpi record's negative value is no option), and never
            # while the shell completes a line: a refusal there printed into the shell.
            sub = click.Context(cmd, parent=ctx, info_name=name, **cmd.context_settings)
            refuse_help_where_text_goes(sub, rest)
            refuse_options_as_values(sub, rest)
            refuse_repeated_options(sub, rest)
        return name, cmd, rest


def refuse_options_as_values(
    ctx: click.Context, args: list[str], *, any_option: bool = False
) -> None:
    """An option that takes a value, followed by one of the command's own options (``--note
    --json``): click takes that option as the text, so the note read "--json" and the output
    was not JSON (a tester). Refused in one line; ``--note=--json`` still means the text."""
    names: set[str] = set()
    takes_value: set[str] = set()
    for param in ctx.command.get_params(ctx):
        if isinstance(param, click.Option):
            names.update(param.opts, param.secondary_opts)
            if not param.is_flag and not param.count:
                takes_value.update(param.opts)
    for token, following in itertools.pairwise(args):
        if token == "--":
            return
        if token in takes_value and following == "--":  # click takes it as the value
            raise click.UsageError(
                f"{token} needs a value, and -- is none (to mean the text, write {token}=--)",
                ctx=ctx,
            )
        option = following.split("=", 1)[0]
        if token in takes_value and (option in names or any_option and option.startswith("--")):
            what = (
                "is one of this command's options"
                if option in names
                else "starts with -- as an option does"  # --x.db may be a file's name
            )
            raise click.UsageError(
                f"{token} needs a value, and {following} {what}"
                f" (to mean the text, write {token}={following})",
                ctx=ctx,
            )


def refuse_repeated_options(ctx: click.Context, args: list[str]) -> None:
    """An option that takes one value, given twice (``--owner alice --owner bob``): click
    keeps the last without a word, so a script's mistake went through (a tester). Refused in
    one line instead, as contradictory formats are. Flags may repeat: they say one thing."""
    try:
        _values, _rest, order = ctx.command.make_parser(ctx).parse_args(args=list(args))
    except click.UsageError:
        return  # the real parse names it
    asked = set(ctx.help_option_names)
    if any(isinstance(param, click.Option) and asked & set(param.opts) for param in order):
        return  # -h wins: what the command takes is what the person asked for
    seen: dict[str, int] = {}
    for param in order:
        if not isinstance(param, click.Option) or param.multiple or param.count or param.is_flag:
            continue
        name = param.opts[0]
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 2:
            raise click.UsageError(f"{name} was given more than once; give it once", ctx=ctx)


class PdcaGroup(SubGroup):
    """The top-level group: one-line errors on stderr, exit status 1, never a traceback.

    Overriding ``main`` (not a wrapper function) keeps click's test runner, the console
    script and ``python -m tui`` on the same error path.
    """

    group_class = SubGroup
    context_class = PdcaContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [name for names in LAZY_COMMANDS.values() for name in names]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module, names in LAZY_COMMANDS.items():
            if cmd_name in names and cmd_name not in self.commands:
                importlib.import_module(module).register(self)  # adds all of its commands
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        # A reader that went away (``| head``) is caught here, before click's ``main`` turns
        # it into exit status 1: the reader chose to stop, so nothing failed.
        with _a_reader_gone_is_no_failure():
            return super().invoke(ctx)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # pdca's --help and --version print as click reads the words, before invoke: into
        # "| false" they exited 1, where every command exits 0 (a tester)
        with _a_reader_gone_is_no_failure():
            return super().make_context(info_name, args, parent, **extra)

    # One signature for click's two overloads: pdca runs standalone whatever it is passed.
    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        extra.pop("standalone_mode", None)
        arguments = sys.argv[1:] if args is None else list(args)
        _opened.clear()  # this run's (the tests run many in one process)
        _held_warnings.clear()
        commit_marks.forget()
        try:
            if sys.stdout is None:  # started with >&-: whatever it did, nobody would know
                raise PdcaError("standard output is closed; nothing done")
            arguments = as_utf_8(arguments)
            # --help and --version read no variable: a broken PDCA_DB refused them (a tester)
            asks_only = {"-h", "--help", "--version"} & set(arguments)
            refuse_unreadable_text(arguments, {} if asks_only else os.environ, self)
            refuse_an_unusable_zone(os.environ)
            try:
                with stopped_as_interrupted(process_ends=_PROCESS_ENDS_AFTER[0]):
                    return super().main(
                        arguments, prog_name or "pdca", standalone_mode=False, **extra
                    )
            except BesideStrays:
                _held_warnings.clear()  # its refusal says it, in one line
                raise
            finally:
                _say_left_out()
                for said in _held_warnings:
                    click.echo(said, err=True)
                _held_warnings.clear()
        except PdcaError as error:
            _stopped_unless_saved()  # a stop met as a wait for a lock ended: "busy" (a retrial)
            _fail(str(error) + _how_gone(error), _status_of(error))
        except Stopped as stopped:  # its cleanup has run; the status says which signal came
            _stopped(stopped.signum)
        except click.exceptions.Abort as error:
            if isinstance(error.__cause__, KeyboardInterrupt):  # Ctrl-C: 130, as shells say it
                _say(f"pdca: aborted{_nothing_written_unless_saved()}")
                sys.exit(128 + signal.SIGINT)
            # end of input at a question
            _fail(f"aborted{_nothing_written_unless_saved()}")
        except click.exceptions.NoArgsIsHelpError as error:
            # "pdca kpi" alone: its whole help on one line was no help (a tester).
            ctx = error.ctx
            group = ctx.command if ctx is not None else None
            if isinstance(group, click.Group) and ctx is not None:
                names = ", ".join(group.list_commands(ctx))
                group_name = ctx.command_path.partition(" ")[2] or ctx.command_path
                _fail(f"{group_name} needs a command: {names} (pdca {group_name} --help)")
            _fail(" ".join(error.format_message().split()))
        except click.exceptions.NoSuchOption as error:
            from pdca.tui.option_words import no_such_option  # only when it is needed

            _fail(no_such_option(error, arguments))
        except click.ClickException as error:
            # One line: click's lists of choices come as "\n\tplan,\n\tdo" (a tester). The
            # blanks within a line stay: '   ' typed was shown as ' ' (a hostile trial).
            _fail(" ".join(line.strip() for line in error.format_message().splitlines()))
        except KeyboardInterrupt:
            sys.exit(128 + signal.SIGINT)
        except DATABASE_ERRORS as error:  # a read that met a damaged, vanished or busy file
            _stopped_unless_saved()  # raised inside one of pdca's SQL functions: SQLite's error
            store = _opened[-1] if _opened else None
            known = database_failure(
                store.path if store else None, error, snapshot=bool(store and store.snapshot)
            )
            _fail(
                str(known) if known is not None else f"the database failed: {error}",
                _status_of(known),
            )
        except OSError as error:
            if error.filename is not None:  # a file a command named (its own message says so)
                _fail(f"{printable(os.fsdecode(error.filename))}: {error.strerror}")
            # Standard output failed: a full disk (> /dev/full) or a reader that went away
            # (| head). Later flushes go nowhere, so Python's exit does not try again.
            _silence_stdout()
            if error.errno == errno.EPIPE:
                sys.exit(0)  # the reader chose to stop (| head): nothing to tell
            changed = any(store.own_transactions for store in _opened)
            if changed or commit_marks.saved():
                # The change is in the file: a script that retried on the failure would
                # make it twice (a tester's `add ... > /dev/full` added the action, and exit 1
                # read as nothing written). Said, and 0, as a stop after the save is; a backup
                # or an --out file made, the same (a retrial's backup said "nothing written").
                done = "the change was saved" if changed else "done"
                _say(
                    f"pdca: {done}, but its output could not be written: {error.strerror}"
                )  # stderr gone too (a dropped SSH session): the 0 alone tells
                sys.exit(0)
            _fail(f"could not write the output: {error.strerror}")
        except Exception as error:  # a bug: one line here, the traceback in the crash log
            # A stop Python wrapped as it loaded a module (a RuntimeError from __set_name__):
            # no bug, and no crash log (a retrial)
            _stopped_unless_saved()
            from pdca.tui.crash import crash_line, write_crash_log

            log = write_crash_log(error, os.environ, "pdca " + " ".join(map(repr, arguments)))
            if log is None:  # nowhere to keep it: said here, or nothing is left to report
                import traceback

                traceback.print_exception(error, file=sys.stderr)
            _fail(crash_line(error, log).removeprefix("pdca: "))


@contextmanager
def _a_reader_gone_is_no_failure() -> Iterator[None]:
    """Standard output's reader gone (``| head``) ends the command with exit status 0: the
    reader chose to stop, so nothing failed."""
    try:
        yield
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        _silence_stdout()
        sys.exit(0)


def accept_db_option(command: click.Command) -> None:
    """Let ``--db PATH`` follow any subcommand too (``pdca list --overdue --db f.db``), as
    people type it after the command they are thinking of; nested groups' commands as well."""
    if not any(param.name == "db_after" for param in command.params):
        command.params.append(
            click.Option(
                ["--db", "db_after"],
                metavar="PATH",
                expose_value=False,
                callback=_take_db_after,
                help="Database file (the same as pdca --db PATH).",
            )
        )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_db_option(sub)


def _take_db_after(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    ctx.meta[DB_AFTER] = value  # shell completion reads it: no Session exists then
    session = ctx.find_object(Session)
    if session is None:  # --help of a subcommand before the group ran: nothing to open
        return
    if session.db_option is not None and not _same_path(session.db_option, value):
        raise InvalidInput(
            "--db", value, f"differs from the --db given before ({session.db_option})"
        )
    session.db_option = value


def _same_path(one: str, other: str) -> bool:
    """Two spellings of one file (``f.db``, ``./f.db``, an absolute path) are the same --db."""
    return os.path.abspath(os.path.expanduser(one)) == os.path.abspath(os.path.expanduser(other))


def as_utf_8(arguments: list[str]) -> list[str]:
    """Arguments that are UTF-8 bytes, read by Python in a locale that is not (LC_ALL=C
    with its UTF-8 mode and locale coercion off): as their text. They were refused as "not
    UTF-8 text", quoting 'Caf\\xe9' of a valid "Café" (a tester)."""
    fixed = []
    for given in arguments:
        text = given
        try:
            given.encode("utf-8")
        except UnicodeEncodeError:
            with contextlib.suppress(UnicodeError):
                text = os.fsencode(given).decode("utf-8")
        fixed.append(text)
    return fixed


def argument_named(group: click.Group, arguments: list[str], text: str) -> str | None:
    """The name of the command's argument that ``text`` fills (``title``, ``id``: as its
    usage line says it), or None when it cannot tell. The groups are read by click's own
    parser (no callbacks, no checks); the command's words by their places, as typed: a
    value its type would refuse (an id that is not a number) fills its place all the same."""
    try:
        context = group.make_context("pdca", list(arguments), resilient_parsing=True)
        command: click.Command = group
        rest = [*getattr(context, "_protected_args", []), *context.args]
        while isinstance(command, click.Group) and rest:
            found = command.get_command(context, rest[0])
            if found is None:
                return None
            command, rest = found, rest[1:]
            if isinstance(command, click.Group):
                context = command.make_context(
                    command.name, rest, parent=context, resilient_parsing=True
                )
                rest = [*getattr(context, "_protected_args", []), *context.args]
    except (click.ClickException, click.exceptions.Exit, ValueError, TypeError):
        return None
    takes_a_value = {
        name: not (param.is_flag or param.count)
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }
    places: list[str] = []
    value_next = only_arguments = False
    for word in rest:
        if value_next:
            value_next = False
        elif not only_arguments and word == "--":
            only_arguments = True
        elif not only_arguments and word.startswith("-") and len(word) > 1:
            value_next = "=" not in word and takes_a_value.get(word, False)
        else:
            places.append(word)
    for param in command.params:
        if not isinstance(param, click.Argument) or not places:
            continue
        taken = places if param.nargs == -1 else places[: param.nargs]
        places = [] if param.nargs == -1 else places[param.nargs :]
        if text in taken:
            return param.human_readable_name.lower()
    return None


def refuse_unreadable_text(
    arguments: list[str], environ: Mapping[str, str], group: click.Group | None = None
) -> None:
    """Refuse arguments and pdca's variables that are not text: bytes that are not UTF-8 (Python
    carries them as lone surrogates, which SQLite and the terminal cannot take) or a NUL."""

    def name(n: int, text: str) -> str:
        # By its option where it follows one (--notes), else by the argument it fills
        # (title: "argument 2" named nothing a person typed, a tester), else by its place.
        # Only for one refused: click's parser is run for it alone.
        before = arguments[n - 2] if n > 1 else ""
        if text.startswith("--") and "=" in text:  # --title=...: the option's own value
            return text.split("=", 1)[0]
        if before.startswith("--") and "=" not in before and before != "--":
            return before
        return (group and argument_named(group, arguments, text)) or f"argument {n}"

    for n, text in enumerate(arguments, start=1):
        _refuse_unless_text(text, functools.partial(name, n, text))
    for variable in ENVIRONMENT:
        if variable in environ:
            _refuse_unless_text(environ[variable], functools.partial(str, variable))


def _refuse_unless_text(text: str, said: Callable[[], str]) -> None:
    """``said()`` names it, asked only when it is refused."""
    if "\0" in text:
        raise InvalidInput(said(), text, "holds a NUL byte")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(text).decode("utf-8", "backslashreplace")
        raise PdcaError(f"{said()}: '{printable(shown)}' is not UTF-8 text") from None


def refuse_an_unusable_zone(environ: Mapping[str, str]) -> None:
    """A ``TZ`` the C library takes and Python cannot (an offset of 24 hours or more:
    ``UTC+24``, ``<+99>-99``) failed every command at its first local date, as a crash
    with a log each time (a tester). Refused first, in one line."""
    try:
        datetime.now().astimezone()
    except (ValueError, OverflowError):
        zone = environ.get("TZ", "")
        raise PdcaError(
            f"TZ: '{printable(zone)}' is a time zone of 24 hours or more from UTC, which pdca"
            " cannot use: set TZ to a zone such as UTC or Europe/Paris"
        ) from None


def _silence_stdout() -> None:
    silence(sys.stdout)


HELP_FLOOR = 50  # click's narrowest help (click.formatting.HelpFormatter)


@click.group(
    cls=PdcaGroup,
    invoke_without_command=True,
    # Help as wide as the terminal, up to 120: click's 80 cut every command's summary at
    # about 45 characters, whatever the width (a new user).
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    # A script's writer found the statuses in the README alone (a tester)
    epilog="Exit status: 0 done; 1 refused or failed, one line on stderr says why, nothing"
    " written; 75 the file stayed busy past 10 s, nothing written, run it again; 130 after"
    " Ctrl-C, 143 after SIGTERM, 129 after a hang-up. A write whose output cannot be"
    " written once it is saved says so and exits 0. alerts, notify and doctor have"
    " statuses of their own (their --help).",
)
@click.option(
    "--db",
    "db_option",
    metavar="PATH",
    help="Database file (else $PDCA_DB, else the nearest pdca.db above, else your default).",
)
@click.version_option(
    VERSION, prog_name="pdca", message=f"%(prog)s, version %(version)s (schema {SCHEMA_KNOWN})"
)
@click.pass_context
def cli(ctx: click.Context, db_option: str | None) -> None:
    """Plan-Do-Check-Act improvement work: actions, owners, KPIs and check-ins in one
    shared SQLite file. Run with no command to open the board."""
    session = Session(db_option, command=ctx.invoked_subcommand)
    ctx.obj = session
    ctx.call_on_close(session.close)
    # Who and when, checked first for every command: a bad PDCA_USER or PDCA_NOW is refused
    # even by a command that would not have asked (backup, doctor), never ignored.
    from pdca.tui.identity import current_user

    session.clock()
    current_user(session.environ)
    if ctx.invoked_subcommand is None:
        _open_board(session)


# The values of TEXTUAL_COLOR_SYSTEM that Textual knows (Rich's colour systems, and auto).
COLOR_SYSTEMS = ("auto", "standard", "256", "truecolor", "windows")


def on_a_terminal() -> bool:
    """Whether keys come from a terminal and the output goes to one. A closed stream is
    None in Python (``pdca <&-`` crashed on ``None.isatty()``, a tester): no terminal."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def refuse_a_terminal_that_cannot_show_it(session: Session) -> None:
    """Where a terminal is there but cannot show the board, refused in one line, before
    anything is made or changed (``pdca demo --fresh`` reseeded, then refused, a reviewer)."""
    if not on_a_terminal():
        return  # no terminal at all: _open_board says what it would open
    if not sys.stderr.isatty():
        # Textual draws on stderr: with it sent elsewhere (2>/dev/null, 2>log) the board ran
        # unseen, taking keys (a tester). Said where it is seen: on stdout.
        click.echo(
            "pdca: the board is drawn on stderr, which is not this terminal (2>...): run pdca"
            " with stderr on the terminal; nothing opened"
        )
        sys.exit(1)
    if not _in_front_of_the_terminal():
        # A background job (&, or timeout without --foreground) stopped at its first read of
        # the keys; a SIGTERM then left it hung for good, holding the file open, which kept
        # a restore from running (a sysadmin's trial).
        raise click.ClickException(
            "the board was started in the background of this terminal (a job with &, or"
            " timeout without --foreground), where it cannot read keys: run it in front"
            " (timeout --foreground ...); nothing opened"
        )
    encoding = _encoding_name(sys.stderr)
    if encoding != "utf-8":
        # The board's lines and marks are not in Latin-1: they came out as \u2595 escapes
        # over the layout (a tester's ISO-8859-1 locale).
        raise click.ClickException(
            f"this terminal's encoding is {encoding}; the board needs UTF-8 (a UTF-8 locale,"
            " such as LANG=C.UTF-8); the commands (pdca list) work in any locale"
        )
    if session.environ.get("TERM", "") == "dumb":
        # A terminal that cannot move the cursor or draw colours (an editor's shell): the
        # full-screen board came out as escape codes (a tester).
        raise click.ClickException(
            "TERM=dumb: this terminal cannot draw the board; use the commands (pdca list,"
            " pdca --help), or a terminal that can (TERM=xterm-256color)"
        )
    colours = session.environ.get("TEXTUAL_COLOR_SYSTEM")
    if colours is not None and colours not in COLOR_SYSTEMS:
        # Textual's own variable: a value it does not know crashed the board (KeyError), and
        # the crash line sent the person to pdca doctor, about the file (a tester).
        raise click.ClickException(
            f"TEXTUAL_COLOR_SYSTEM={printable(colours)!r} is not one of "
            + ", ".join(COLOR_SYSTEMS)
            + "; unset it to let the terminal say"
        )


def _in_front_of_the_terminal() -> bool:
    """Whether this process's group is the terminal's foreground one (keys reach it)."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return True  # not to be told: the board tries, as before


def _encoding_name(stream: Any) -> str:
    """The stream's encoding by its codec's own name (``UTF8``, ``utf_8``: ``utf-8``)."""
    import codecs

    from pdca.tui.ascii_terminal import NAME as ASCII_TERMINAL

    try:
        name = codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
        return "ascii" if name == ASCII_TERMINAL else name  # pdca's own name for it: ascii
    except LookupError:
        return str(stream.encoding)


def _open_board(session: Session) -> None:
    """Open the app on the session's database; without a terminal, say what it would open."""
    resolved = session.resolved
    if not on_a_terminal() and sys.stderr is not None and sys.stderr.isatty():
        # A person at a terminal, one stream sent elsewhere: said where they look, and why
        # (``pdca > file`` put the notice in the file and said nothing, a tester).
        which = (
            "keys come from stdin, which is not this terminal (<&- or < file)"
            if sys.stdin is None or not sys.stdin.isatty()
            else "stdout is not this terminal (> file or | ...)"
        )
        click.echo(f"pdca: {which}: run pdca on the terminal alone; nothing opened", err=True)
        sys.exit(1)
    if not on_a_terminal():
        from pdca.db.access import cannot_reach, unreachable_directory

        if unreachable_directory(resolved.path) is not None:
            # A folder on the way this user may not enter: the file may well be there (a
            # tester outside the team's group was told none was, and pdca init makes it).
            yet = "; " + cannot_reach(resolved.path).removeprefix(f"{resolved.path}: ")
        elif not resolved.is_default and not os.path.lexists(resolved.path):
            yet = "; no file is there yet: pdca init makes it"
        else:
            yet = ""
        click.echo(
            f"pdca would open the board on {printable(str(resolved.path))} "
            f"({describe_rule(resolved)}{yet}),\n"
            "but this is not a terminal; scripts use the commands: pdca list, pdca --help"
        )
        return
    refuse_a_terminal_that_cannot_show_it(session)
    session.store(create=True)  # checks the file, creates or upgrades it, then closes
    path = resolved.path  # as named (a link's own name: the app watches what it leads to)
    session.close()
    # The board takes the size of a terminal that tells its own (and its resizes): COLUMNS
    # and LINES, exported by a shell or a script, pinned it to theirs for good, as
    # shutil.get_terminal_size reads them first (a tester's board stayed 80x24 in a 200x60
    # window). A terminal that says 0x0 (a bare pseudo-terminal) is still sized by them.
    try:
        columns, lines = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = lines = 0
    if columns and lines:
        for pinned in ("COLUMNS", "LINES"):
            os.environ.pop(pinned, None)
    from pdca.tui.app import create_app, run_app  # Textual only when the board really opens
    from pdca.tui.identity import current_user

    # What opening the file found (made, upgraded) is said on the board as well: on stderr
    # alone it was hidden behind the board until quitting (a tester's first ``pdca`` opened
    # an empty file without a word).
    from pdca.tui.left_behind import left_behind_notice

    left = left_behind_notice(session.environ)  # a hung-up board's unsaved changes, kept
    # ... or where they could not be: said at the start, not found missing after a hang-up
    # (a home not writable, another person's XDG_STATE_HOME after su: a tester)
    from pdca.tui.crash import state_unwritable

    unkept = state_unwritable(session.environ)
    let_stops_through()  # held back by a write before (demo's seed): the board's threads hear
    app = create_app(
        path,
        actor=current_user(session.environ),
        clock=session.clock,
        environ=session.environ,
        notices=[*session.notices, *(said for said in (left, unkept) if said)],
    )
    status = run_app(app)
    # Everything is saved and said: what the app made needs no collecting as the interpreter
    # ends, which was most of q's wait (a final collection of 0.3-0.7 s, in a profile).
    gc.freeze()
    if status:
        sys.exit(status)


# --------------------------------------------------------------------------- files


@cli.command()
@json_option
@pass_session
def where(session: Session, as_json: bool) -> None:
    """Print the database path pdca resolved and which rule chose it."""
    resolved = session.resolved
    shown = printable(str(resolved.path))
    if as_json:  # the one read command without it, a script's first question (a tester)
        found = {
            "path": str(resolved.path),
            "rule": describe_rule(resolved),
            "exists": os.path.isfile(resolved.path),  # False, not an error, past a locked folder
        }
        click.echo(to_json(found))
    else:
        click.echo(shown)
        click.echo(f"rule: {describe_rule(resolved)}", err=False)
    from pdca.db.access import cannot_reach, unreachable_directory
    from pdca.db.connection import journals_left, orphaned_journals

    if unreachable_directory(resolved.path) is not None:  # "Permission denied" alone (a soak)
        note = printable(cannot_reach(resolved.path))
        click.echo(f"note: every command will refuse it: {note}", err=True)
    elif resolved.path.is_dir():  # printed as if fine, then every command refused it (a tester)
        click.echo(
            f"note: {shown} is a folder: every command will refuse it; name a file in it (pdca.db)",
            err=True,
        )
    elif resolved.path.exists() and not resolved.path.is_file():  # os.stat only, as above
        # a FIFO or /dev/null was printed as if fine (a hostile trial)
        click.echo(f"note: {shown} is not a regular file: every command will refuse it", err=True)
    elif resolved.rule in ("user data dir", "demo") and not resolved.path.exists():
        start = "pdca demo" if resolved.rule == "demo" else "pdca add"
        click.echo(f"note: no database there yet: {start} makes it (and its folder)", err=True)
    elif not resolved.path.parent.is_dir():  # os.stat only: nothing of a database is opened
        folder = printable(str(resolved.path.parent))
        click.echo(
            f"note: its folder {folder} does not exist: every command will refuse it (mkdir -p"
            f" {printable(shell_word(resolved.path.parent))} first)",
            err=True,
        )
    elif not resolved.path.exists() and (left := orphaned_journals(resolved.path)):
        # "pdca init makes it", and init refused for what a renamed database left (a tester)
        said = printable(journals_left(resolved.path, left, "", then="pdca init"))
        click.echo(f"note: no database there{said}", err=True)
    elif not resolved.path.exists():  # said as if it were there (a tester)
        click.echo("note: no database there yet: pdca init makes it", err=True)
    if resolved.rule in ("--db", "PDCA_DB"):
        # The team's file in this very folder passed over without a word: a write meant for
        # team B, run in its folder, went to team A's file that $PDCA_DB named (a trial)
        unset = {key: value for key, value in session.environ.items() if key != "PDCA_DB"}
        try:
            nearest: ResolvedPath | None = resolve_db_path(None, unset, Path.cwd())
        except (PdcaError, OSError):  # no home to fall back on: no file found here either
            nearest = None
        if (
            nearest is not None
            and nearest.rule == "found"
            # the same file by a link's name is no other (a retrial), nor a hard link's
            and not _same_file(nearest.path, resolved.path)
        ):
            given = "--db" if resolved.rule == "--db" else "$PDCA_DB"
            click.echo(
                f"note: not {printable(str(nearest.path))}, the nearest pdca.db here: {given}"
                " names another",
                err=True,
            )


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them not there: not the same
        return False


@cli.command()
@pass_session
def init(session: Session) -> None:
    """Create the database: ./pdca.db here (as git init does), or --db / $PDCA_DB.

    In a group-writable, setgid folder (2770 root:team) the file is made for the group.
    An existing pdca database is left as it is; an empty file becomes one.
    """
    if session.db_option is None and not session.environ.get("PDCA_DB"):
        session.db_option = str(Path.cwd() / DB_NAME)
    store = session.store(create=True, initialize=True)
    # An empty file made a database said "uses existing", as if nothing was done (a tester).
    verb = (
        "created"
        if store.created
        else "made a database of"
        if store.initialized
        else "uses existing"
    )
    click.echo(f"{verb} {printable(str(store.path))}")
    if not store.writable:  # a member who may only read: "uses existing" alone hid it (a tester)
        click.echo(f"note: read-only: {printable(store.read_only_words(refused=False))}", err=True)
    elif (blocked := store.write_blocker()) is not None:
        click.echo(f"note: writes will be refused: {printable(blocked)}", err=True)
    if store.path is not None:
        from pdca.db.filesystem import sharing_advice

        advice = sharing_advice(store.path.parent)
        if advice is not None:  # made all the same: the directory is the admin's to mend
            click.echo(f"pdca: warning: {printable(advice)}", err=True)


@cli.command()
@click.option(
    "--size",
    type=click.Choice(["small", "large", "huge"], case_sensitive=False),
    default="small",
    show_default=True,
    help="small: a team's weeks; large: 10 000 actions; huge: 100 000 (for benchmarks).",
)
@click.option(
    "--seed",
    "seed_value",
    type=WholeNumberType(0, ID_MAX),
    default=1,
    show_default=True,
    help="Random seed.",
)
@pass_session
def seed(session: Session, size: str, seed_value: int) -> None:
    """Fill an empty database with a realistic team's data."""
    from pdca.db.seed import refuse_unless_empty, seed_database

    store = session.store(create=True)
    refuse_unless_empty(store)  # before the progress bar, so a refusal is the only line
    with _seeding_bar(size) as progress:
        counts = seed_database(store, size=size, seed=seed_value, progress=progress)
    click.echo(
        f"seeded {printable(str(store.path))}: " + ", ".join(f"{n} {k}" for k, n in counts.items())
    )


@contextmanager
def _seeding_bar(size: str) -> Iterator[Callable[[float], None]]:
    """A progress bar on stderr while a file is seeded: ``demo --size large`` showed a blank
    terminal for half a minute before the board (a tester)."""
    with click.progressbar(length=100, label=f"seeding {size}", file=sys.stderr) as bar:
        last = [0]

        def progress(fraction: float) -> None:
            step = int(fraction * 100)
            bar.update(step - last[0])
            last[0] = step

        yield progress


@cli.command()
@click.option(
    "--size",
    type=click.Choice(["small", "large"], case_sensitive=False),
    default="small",
    show_default=True,
    help="How much demo data.",
)
@click.option(
    "--fresh", is_flag=True, help="Seed it anew with today's dates, dropping what you did in it."
)
@pass_session
def demo(session: Session, size: str, fresh: bool) -> None:
    """Open pdca on a throwaway demo database (seeded the first time, then as you left it)."""
    from pdca.db.seed import holds_history, seed_database
    from pdca.tui.paths import user_data_dir

    if session.db_option is not None:  # demo reseeds its own file: never one named by --db
        raise InvalidInput(
            "--db",
            session.db_option,
            "is not for demo, which reseeds its own throwaway file"
            " (for a file of yours: pdca --db PATH seed, then pdca --db PATH)",
        )
    refuse_a_terminal_that_cannot_show_it(session)
    directory = user_data_dir(session.environ)
    try:
        from pdca.db.filesystem import make_personal_folder

        make_personal_folder(directory)
    except OSError as error:  # "/.local: Permission denied" said nothing of why (a tester)
        raise DatabaseProblem(
            f"cannot make the folder for the demo's database {printable(str(directory))}:"
            f" {error.strerror} ({printable(os.fsdecode(error.filename or directory))});"
            " set XDG_DATA_HOME to a folder you may write"
        ) from None
    path = directory / f"demo-{size}.db"
    session.demo = path
    try:
        store = session.store(create=True)
    except DatabaseProblem as problem:
        if WHICH_FILE not in str(problem):  # busy, read-only, damaged: not to be removed
            raise
        # Its own throwaway file, made something else: --fresh refused too (a tester).
        raise DatabaseProblem(
            f"{str(problem).removesuffix(WHICH_FILE)}: it is pdca's throwaway demo file: remove it"
            f" (rm {printable(shell_word(str(path)))}) and run pdca demo again"
        ) from None
    if holds_history(store) and not fresh:
        # Reseeding each time wiped what a person had tried in it without a word (a tester
        # lost twenty minutes of moves and check-ins): reopened, and the way to start over said.
        click.echo(
            f"your demo database, as you left it: {printable(str(path))}\n"
            "  (pdca demo --fresh seeds it anew with today's dates)"
        )
        from pdca.db.notify import quiet_made_up_people

        quiet_made_up_people(store)  # one an older pdca seeded kept the terminal channel on
        _open_board(session)
        return
    # Reseeded in place, in one transaction, never deleted: a board may have it open.
    with _seeding_bar(size) as progress:
        counts = seed_database(store, size=size, seed=1, replace=True, progress=progress)
    click.echo(
        f"seeded a throwaway demo database: {path}\n  "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
    )
    _open_board(session)


# --------------------------------------------------------------------------- actions


@cli.command()
@click.argument("title")
@click.option(
    "--owner",
    metavar="LOGIN",
    callback=me_is_you,
    help="The one person accountable (default: nobody yet; Do needs one, and a due date).",
)
@click.option(
    "--phase",
    type=PhaseChoice(),  # all four: check or act is refused saying why, not only no
    metavar="[plan|do]",
    default="plan",
    show_default=True,
    help="Where it starts (Check and Act are reached by moving it; Do needs --owner and --due).",
)
@click.option(
    "--due",
    metavar="DATE",
    help="YYYY-MM-DD, today, tomorrow, yesterday, +3d, +2w, +1m, +1y, in 3 days, a weekday"
    " (fri), next fri, last fri, dec 24, eow, eom, eoy, sow, som, soy (README: Dates and"
    " times).",
)
@click.option(
    "--priority", type=PriorityChoice(), default="normal", show_default=True,
    help="Orders cards within a phase, ahead of the due date. Its first letter, or another"
    " tool's word (urgent, medium, P1), does too.",
)  # fmt: skip
@click.option("--initiative", metavar="NAME", help="An existing initiative.")
@click.option("--kpi", metavar="NAME", help="An existing KPI this action should move.")
@click.option("--notes", metavar="TEXT", default="", help="Details.")
@click.option(
    "--every",
    metavar="RULE",
    help="Repeat: day, 3 days, weekdays, week mon,thu, 2 weeks fri, month 15, month last, "
    "month last-fri, after 7 days (after the previous one is done).",
)
@json_option
@pass_session
def add(
    session: Session,
    title: str,
    owner,
    phase,
    due,
    priority,
    initiative,
    kpi,
    notes,
    every,
    as_json,
) -> None:
    """Add an improvement action (in Plan, or Do with --phase do). With --every it repeats:
    the next one is made when its date comes (without --due, the first is due on the rule's
    first date)."""
    owner = None if cleared(owner) else owner  # "none": nobody yet, as edit --owner none says
    given: dict[str, Any] = {
        "title": title,
        "owner": owner,
        "phase": phase,
        # 'none' is none, as the board's form and edit read it (it was "not a date", a retrial)
        "due": None if cleared(due) else _date(session, "due", due),
        "priority": priority,
        "notes": notes,
        # 'none' is none, as edit reads it (a tester's "--kpi none" was "not a known KPI")
        "initiative": None if cleared(initiative) else initiative,
        "kpi": None if cleared(kpi) else kpi,
    }
    if not as_json and every is None:  # the reply is one line: no model, no pydantic
        fields = checked_action(ActionFields(**given))
        _refuse_an_unmet_start(session, given)
        refuse_names_a_new_file_lacks(session, kpi, initiative)
        store = session.store(create=True)
        refuse_unknown_names(store, kpi, initiative)
        with saying_who_is_new(store, owner):
            line = store.add_action_line(fields)
            _echo_action_line("added", line)
        _say_overdue_already(session, line.id, given["due"])
        _say_other_tools_fields(title)
        return
    from pdca.db.models import ActionDraft, validated

    draft = validated(ActionDraft, **given)
    if every is not None:
        from pdca.db.recurrence import add_repeating_action
        from pdca.db.recurrence_rules import parse

        parse(every)  # a bad rule is refused before the file is opened or created
    else:  # (a repeat's first due date comes from its rule)
        _refuse_an_unmet_start(session, given)
    refuse_names_a_new_file_lacks(session, kpi, initiative)
    store = session.store(create=True)
    refuse_unknown_names(store, kpi, initiative)
    with saying_who_is_new(store, owner):
        action = (
            store.add_action(draft) if every is None else add_repeating_action(store, draft, every)
        )
    _emit(as_json, action, lambda: _echo_action_line("added", action))
    _say_overdue_already(session, action.id, given["due"])
    _say_other_tools_fields(title)
    if every is not None and not as_json and action.recurrence_id is not None:
        from pdca.db.recurrence import catch_up, next_note

        # A first date gone by: its repeat now, as the note says, not at the next command.
        for made in catch_up(store):
            repeat = store.get_action(made)
            click.echo(f"made #{repeat.id} due {repeat.due}: its date came")
        click.echo(next_note(store, action.recurrence_id))


def _refuse_an_unmet_start(session: Session, given: dict[str, Any]) -> None:
    """Adding straight into Do without an owner or a due date, or for one's own login or an
    account here in other capitals, refused before the file is opened: refused by the
    store, it had made one's own file first (nothing is written by bad input)."""
    problem = rules.start_problem(given["phase"], given["owner"], given["due"])
    if problem:
        raise GateUnmet(f"phase: {problem}")
    refuse_a_case_slip(session, "owner", given["owner"])


def refuse_a_case_slip(session: Session, field_name: str, login: str | None) -> None:
    """``login`` refused when it is the writer's own, or an account's, in other capitals:
    asked before the file is opened, so a refusal makes no file (the store asks again, of
    the file's people too)."""
    from pdca.db.store import case_slip_outside_the_file, case_slip_refused
    from pdca.tui.identity import current_user

    if login is not None:
        meant = case_slip_outside_the_file(login, current_user(session.environ))
        # A file there already: the store asks, knowing its people (an import's ANN, one of
        # them, was refused here as "not one of this file's people", a trial)
        if meant is not None and not session.resolved.path.exists():
            raise case_slip_refused(field_name, login, meant)


def _say_other_tools_fields(title: str) -> None:
    """Another tool's fields in a title (``due:fri +urgent``), kept as its words, said with
    what sets them here: the action came in with no due date, unremarked (a Taskwarrior
    user's trial)."""
    if ":" not in title and "+" not in title:
        return  # most titles: no module loaded for them (pdca add stays quick)
    from pdca.db.other_tools_syntax import fields_in_title

    found = fields_in_title(title)
    if found:
        words = ", ".join(printable(word) for word in found)
        click.echo(
            f"note: the title keeps {words} as words: --due, --priority and --initiative set"
            " those here (pdca has no tags)",
            err=True,
        )


@cli.command()
@click.argument("action_ids", metavar="ID...", nargs=-1, required=True, type=ACTION_IDS)
@click.option("--title", help="A new title.")
@click.option("--owner", metavar="LOGIN", callback=me_is_you, help="A login, or 'none' to clear.")
@click.option("--due", metavar="DATE", help="A date, or 'none' to clear.")
@click.option(
    "--priority",
    type=PriorityChoice(),
    help="high, normal or low (its first letter, or another tool's word: urgent, medium, P1).",
)
@click.option("--notes", metavar="TEXT", help="Details, or 'none' to clear.")
@click.option("--initiative", metavar="NAME", help="An initiative, or 'none' to clear.")
@click.option("--kpi", metavar="NAME", help="A KPI, or 'none' to clear.")
@if_version_option
@json_option
@pass_session
def edit(
    session: Session,
    action_ids: tuple[tuple[int, ...], ...],
    title,
    owner,
    due,
    priority,
    notes,
    initiative,
    kpi,
    if_version: int | None,
    as_json,
):
    """Change an action's fields (or several actions': 12 14, 12,14 or 12-15, one change that
    one undo takes back)."""
    ids = list(dict.fromkeys(i for given_ids in action_ids for i in given_ids))
    if len(ids) > MOST_EDITED:
        raise click.UsageError(f"edit: {len(ids)} ids given; one edit takes {MOST_EDITED} at most")
    several = len(action_ids) > 1 or any(isinstance(given, list) for given in action_ids)
    if several and title is not None:
        raise InvalidInput("--title", title, "names one action: give one ID with it")
    if several and if_version is not None:
        raise InvalidInput("--if-version", str(if_version), "is one action's: give one ID with it")
    action_id = ids[0]
    given = {"title": title, "owner": owner, "due": due, "priority": priority, "notes": notes}
    given |= {"initiative": initiative, "kpi": kpi}
    if all(value is None for value in given.values()):
        raise click.UsageError(
            "edit: give at least one of --title, --owner, --due, --priority, --notes,"
            " --initiative, --kpi"
        )

    refuse_clearing("title", title, "an action")
    fields: dict[str, Any] = {
        "title": title,
        "owner": None if cleared(owner) else owner,
        "due": None if cleared(due) else _date(session, "due", due),
        "priority": priority,
        "notes": "" if cleared(notes) else notes,
        "initiative": None if cleared(initiative) else initiative,
        "kpi": None if cleared(kpi) else kpi,
        "clear_owner": cleared(owner),
        "clear_due": cleared(due),
        "clear_initiative": cleared(initiative),
        "clear_kpi": cleared(kpi),
    }
    if several:
        _edit_many(session, ids, fields, kpi, initiative, as_json)
        return
    if not as_json:  # the reply is one line: no model, no pydantic
        checked = checked_changes(ChangeFields(**fields))
        store = session.store()
        refuse_unknown_names(store, kpi, initiative)
        with saying_who_is_new(store, fields["owner"]):
            line = store.edit_action_line(action_id, checked, if_version)
        _echo_action_line("edited" if line.changed else "unchanged", line)
        if not line.changed:
            _nothing_to_undo()
            return
        # a done action is late no more (a reviewer)
        _say_after_an_edit(session, store, [action_id], fields, late_matters=not line.done_at)
        return
    from pdca.db.models import ActionChanges, validated

    changes = validated(ActionChanges, **fields)
    store = session.store()
    refuse_unknown_names(store, kpi, initiative)
    with saying_who_is_new(store, changes.owner):
        action, changed = store.edit_action_telling(action_id, changes, if_version)
    _emit(as_json, action, lambda: _echo_action_line("edited", action))
    if not changed:
        _nothing_to_undo()
        return
    _say_after_an_edit(session, store, [action_id], fields, late_matters=not action.done_at)


def _edit_many(
    session: Session,
    ids: list[int],
    fields: dict[str, Any],
    kpi: str | None,
    initiative: str | None,
    as_json: bool,
) -> None:
    """``pdca edit 12 14 --priority high``: each action a line (``--json``: a list), all in one
    change; any of them that cannot take it refuses the whole, nothing written."""
    store = session.store()
    refuse_unknown_names(store, kpi, initiative)
    try:
        if as_json:
            from pdca.db.models import ActionChanges, validated

            with saying_who_is_new(store, fields["owner"]):
                told = store.edit_actions_telling(ids, validated(ActionChanges, **fields))
            click.echo(to_json([action for action, _changed in told]))
            changed_ids = [a.id for a, changed in told if changed and not a.done_at]
            any_changed = any(changed for _action, changed in told)
        else:
            with saying_who_is_new(store, fields["owner"]):
                lines = store.edit_actions_line(ids, checked_changes(ChangeFields(**fields)))
            for line in lines:
                _echo_action_line("edited" if line.changed else "unchanged", line)
            changed_ids = [line.id for line in lines if line.changed and not line.done_at]
            any_changed = any(line.changed for line in lines)
    except (InvalidInput, NotFound, GateUnmet) as refused:
        # One refused, all stay: said, or "no action #7" read as #1 to #6 edited (a reviewer);
        # how the one went said of it, not after the others (a reviewer)
        said = f"{refused}{_how_gone(refused)}"
        raise PdcaError(
            f"{said}; nothing written: the {len(ids)} actions stay as they were"
        ) from None
    if not any_changed:
        _nothing_to_undo()
        return
    _say_after_an_edit(session, store, changed_ids, fields, late_matters=True)


def _say_after_an_edit(
    session: Session, store: Store, ids: list[int], fields: dict[str, Any], *, late_matters: bool
) -> None:
    """The notes after an edit that changed ``ids``: a due date gone by, another tool's
    fields in a new title (as pdca add says them, a retrial), an earlier round's owner."""
    if late_matters:
        _say_overdue_already(session, ids[0] if len(ids) == 1 else ids, fields["due"])
    if fields["title"] is not None:
        _say_other_tools_fields(fields["title"])
    if fields["owner"] is not None or fields["clear_owner"]:
        for action_id in ids:
            _say_earlier_round(store, action_id)


def _say_overdue_already(session: Session, action_id: int | list[int], due: date | None) -> None:
    """A due date before today is taken (work found late is still work), and said: a slip
    of the year (2025 for 2026) made a card overdue from its first minute, unremarked. Of
    several actions, one line: a line each was 1 000 lines for a bulk edit (a reviewer)."""
    today = session.today()
    ids = [action_id] if isinstance(action_id, int) else action_id
    if due is not None and ids and session.due_typed is not None:
        from pdca.db.dates import past_one_nearer

        last = past_one_nearer(session.due_typed, due, today)
        if last is not None:
            _say_next_one("due", session.due_typed, due, last)
    if due is not None and due < today and ids:
        from pdca.db.input_files import a_few  # only when said

        named = a_few([f"#{i}" for i in ids])
        click.echo(
            f"note: due {due.isoformat()} is before today ({today.isoformat()}):"
            f" {named} {'is' if len(ids) == 1 else 'are'} overdue already",
            err=True,
        )


def _say_earlier_round(store: Store, action_id: int) -> None:
    from pdca.db.recurrence import earlier_round_note

    if note := earlier_round_note(store, action_id):
        click.echo(note, err=True)


def _nothing_to_undo() -> None:
    """An edit that asked for what was already so wrote nothing: said, as ``initiative
    edit`` and ``kpi edit`` say it, so ``pdca undo`` after it is not taken for this edit's
    undo (it takes back the change before: a tester's undid someone's add)."""
    click.echo(
        "note: already as given: nothing written (pdca undo would take back an earlier change)",
        err=True,
    )


@cli.command()
@click.argument("action_id", metavar="ID", type=ACTION_ID)
@click.argument("phase", type=PhaseChoice(), metavar="PHASE")
@click.option(
    "--verdict", type=click.Choice(VERDICTS, case_sensitive=False), help="Needed to enter Act."
)
@if_version_option
@json_option
@pass_session
def move(session: Session, action_id: int, phase, verdict, if_version: int | None, as_json) -> None:
    """Move an action to another PDCA phase (forward one at a time, back freely)."""
    if verdict is not None and phase != "act":  # else it would be dropped without a word
        raise InvalidInput(
            "verdict", verdict, f"is for the move to Act, not to {phase.capitalize()}"
        )
    with _gate_fix_said(action_id, phase):
        _move(session, action_id, phase, verdict, if_version, as_json)


@contextmanager
def _gate_fix_said(action_id: int, phase: str) -> Iterator[None]:
    """A gate's refusal with the command that meets it: "Act needs a verdict" left a new
    user to find --verdict, "Do needs a due date" to find pdca edit (a trial)."""
    try:
        yield
    except GateUnmet as error:
        said = str(error)
        if f"{phase.capitalize()} needs" not in said:
            raise
        if phase == "do":
            fields = [
                f for f, word in (("--owner LOGIN", "owner"), ("--due DATE", "due")) if word in said
            ]
            fix = f"pdca edit {action_id} {' '.join(fields)}, then move it"
        elif phase == "check":
            fix = f'pdca checkin {action_id} "what happened", then move it'
        else:
            fix = f"pdca move {action_id} act --verdict VERDICT"
        raise GateUnmet(f"{said}: {fix}") from None


def _move(
    session: Session,
    action_id: int,
    phase: Phase,
    verdict: Verdict | None,
    if_version: int | None,
    as_json: bool,
) -> None:
    if not as_json:  # the reply is one line: no model, no pydantic
        line = session.store().move_action_line(
            action_id, phase, verdict=verdict, expected_version=if_version
        )
        _echo_action_line("moved", line)
        if phase == "check" and (how := session.store().check_passed_on_a_reading(action_id)):
            click.echo(printable(f"note: {how}"))
        if phase == "act":  # the evidence the app's verdict prompt shows (--json: not there)
            from pdca.db.signals import verdict_evidence

            if evidence := verdict_evidence(session.store(), action_id):
                click.echo(printable(evidence))
        return
    action = session.store().move_action(
        action_id, phase, verdict=verdict, expected_version=if_version
    )
    _emit(as_json, action, lambda: _echo_action_line("moved", action))


@cli.command()
@click.argument("action_id", metavar="ID", type=ACTION_ID)
@click.option(
    "--decision",
    type=click.Choice(DECISIONS, case_sensitive=False),
    help="Required: standardize or adjust (from Act; adjust starts the next cycle), or"
    " abandon; a round of repeating work is standardized anywhere.",
)
@json_option
@pass_session
def done(session: Session, action_id: int, decision, as_json) -> None:
    """Finish an action with the Act decision."""
    if decision is None:  # said in the option's words (a tester read the rule, not the fix)
        raise click.UsageError(
            "done: give --decision: standardize or adjust (from Act; standardize anywhere for"
            " a round of repeating work), or abandon"
        )
    result = session.store().complete_action(action_id, decision)

    def text() -> None:
        _echo_action_line(f"done ({decision})", result.action, ended=True)
        if result.next_cycle is not None:
            _echo_action_line(f"next cycle {result.next_cycle.cycle}:", result.next_cycle)
            # What its move to Do will ask, said now: it was refused for it, unsaid (a coach)
            lacks = [
                option
                for option, value in (
                    ("--owner LOGIN", result.next_cycle.owner),
                    ("--due DATE", result.next_cycle.due),
                )
                if value is None
            ]
            if lacks:
                click.echo(
                    f"note: Do needs an owner and a due date: pdca edit {result.next_cycle.id}"
                    f" {' '.join(lacks)}",
                    err=True,
                )
        if decision == "standardize":
            # When the audits come, as adjust names its next cycle (a lead had to look).
            from pdca.db.followup_reads import followups_of

            audits = followups_of(session.store(), action_id)
            if audits:
                dates = ", ".join(f"{f.offset_days}-day {f.due}" for f in audits)
                click.echo(f"follow-ups: {dates} (pdca followups lists them)")
        if result.action.recurrence_id is not None:  # an "after" rule's next repeat
            from pdca.db.recurrence import done_note

            if note := done_note(session.store(), action_id):
                click.echo(note)

    _emit(as_json, result, text)
    if (
        decision == "standardize"
        and result.action.verdict == "did-not"
        and result.action.recurrence_id is None  # a round has no follow-ups to check it
    ):
        # Allowed (the team may know better than the numbers), but never without a word:
        # follow-ups now audit a change whose verdict said it did not work (a tester).
        click.echo(
            f"note: #{action_id}'s verdict was 'did not work': standardized all the same, and its"
            " follow-ups will check whether it holds",
            err=True,
        )


@cli.command()
@click.argument("action_id", metavar="ID", type=ACTION_ID)
@click.argument("message")
@click.option(
    "--status",
    type=click.Choice(CHECKIN_STATUSES, case_sensitive=False),
    help="How it stands.  [default: as its last check-in said, else on-track]",
)
@json_option
@pass_session
def checkin(
    session: Session, action_id: int, message: str, status: str | None, as_json: bool
) -> None:
    """Log progress on an action."""
    checked_text("message", message)  # refused before the file is opened
    # A message that is only a status word other than the status recorded, as the board's
    # form refuses it: ``pdca checkin 1 blocked`` saved an on-track check-in saying
    # "blocked" (a Taskwarrior user's trial), and --status on-track did still (a review)
    meant = status_word(message)
    if meant is not None and status is not None and meant != status:
        raise InvalidInput(
            "message", message, f"is a status, not what happened (--status is {status})"
        )
    store = session.store()
    if meant is not None and status is None and meant != store.status_kept(action_id):
        raise InvalidInput(
            "message",
            message,
            f"is a status, not what happened: pdca checkin {action_id} MESSAGE --status {meant}",
        )
    # As the board's form does: the last status stands until said otherwise. "still waiting
    # on DBA access" without --status marked a blocked action on-track, and it left the
    # stand-up's blocked work (a new user).
    asked = status
    checkin_id, status, kept = store.record_checkin(action_id, message, status)
    also = ", as before: --status changes it" if kept else ""
    said = f"checked in on #{action_id} ({status}{also})"
    begun = status_begun(message) if asked is None else None
    if begun is not None and begun != status:
        # "Blocked by vendor" was saved on-track without a word (a retrial)
        click.echo(
            f"note: the message begins {begun!r}, the check-in is {status}: pdca checkin"
            f" {action_id} MESSAGE --status {begun} says it is",
            err=True,
        )
    if not as_json:  # the reply is one line: no model, no pydantic
        click.echo(said)
        return
    _emit(as_json, store.checkin(checkin_id), lambda: click.echo(said))


@cli.command("list")
@click.option(
    "--owner", metavar="LOGIN", callback=me_is_you, help="Only this person's ('none': nobody's)."
)
@click.option(
    "--phase", type=PhaseChoice(done="--all lists the done ones too"), help="Only this phase."
)
@click.option("--initiative", metavar="NAME", help="Only this one's ('none': of no initiative).")
@click.option("--priority", type=PriorityChoice(), help="Only actions of this priority.")
@click.option("--overdue", is_flag=True, help="Only open actions past their due date.")
@click.option("--stale", is_flag=True, help="Only stale open actions (see stale-after-days).")
@click.option("--due-by", metavar="DATE", help="Only those due on DATE or before (eow, +2w...).")
@click.option("--due-after", metavar="DATE", help="Only those due after DATE.")
@click.option(
    "--text",
    metavar="TEXT",
    help="Only those whose title or notes hold TEXT (any case), owned by it, or #TEXT.",
)
@click.option("--all", "include_done", is_flag=True, help="Include done actions.")
@click.option("--limit", type=COUNT, help="At most this many.")
@json_option
@pass_session
def list_actions(
    session: Session,
    owner,
    phase,
    initiative,
    priority,
    overdue,
    stale,
    due_by,
    due_after,
    text,
    include_done,
    limit,
    as_json,
) -> None:
    """List actions, by phase, then priority, then due date."""
    from pdca.db.models import UNOWNED
    from pdca.db.store import ActionFilter

    store = session.store()
    refuse_unknown_owner(store, owner)
    if initiative is not None and not store.no_initiative(initiative):
        store.initiative_id(initiative, "--initiative")  # named as typed, before any row
    where = ActionFilter(
        # 'none' is nobody, as add and edit read it (the board's "(unowned)" filter)
        owner=UNOWNED if owner is not None and owner.strip().lower() == "none" else owner,
        phase=phase,
        initiative=initiative,
        priority=priority,
        overdue=overdue,
        stale=stale,
        text=_search_text(text),
        include_done=include_done,
        limit=None if limit is None else limit + 1,  # one more: are there more than shown?
        due_by=_date(session, "--due-by", due_by),
        due_after=_date(session, "--due-after", due_after),
    )
    # Due after a day and by it or before: no day is. It said "no actions match", exit 0,
    # where log refuses its own empty window (a hostile trial).
    if where.due_by is not None and where.due_after is not None and where.due_after >= where.due_by:
        raise InvalidInput("--due-after", due_after, f"is not before --due-by {due_by!r}")
    if overdue and where.due_after is not None and where.due_after >= _yesterday(session):
        # overdue is due before today: none is after yesterday (a retrial's empty list)
        raise InvalidInput("--due-after", due_after, "leaves nothing overdue (due before today)")
    found = _Limited(store.iter_action_data(where), limit)
    if as_json:
        # Plain dicts, no models: at 100 000 actions pydantic would be most of the time.
        _echo_streamed(json_array(found))
        found.say_more()
        return
    # A row of words per action, from plain dicts: the table's widths need every row, but
    # not the actions as models (117 MB for 50 000 open ones on the huge file, a tester),
    # nor each row as a list of cells (70 MB): ``table_lines`` keeps a row as one string.
    rows = (
        [
            f"#{a['id']}",
            a["phase"] if a["done_at"] is None else "done",
            a["owner"] or "-",
            a["priority"] if a["priority"] != "normal" else "-",
            (a["due"] or "-") + (" !" if a["overdue"] else ""),
            rules.checkin_words(a["last_checkin_at"], a["days_since_checkin"])
            # at risk or blocked said, as the board's mark says it (a blocked one read as
            # "today", like an on-track one: a colour-blind trial)
            + (f" {a['last_checkin_status']}" if a["last_checkin_status"] in _SAID else "")
            + (" stale" if a["stale"] else ""),
            a["title"],
        ]
        for a in found
    )
    headers = ["ID", "PHASE", "OWNER", "PRI", "DUE", "CHECK-IN", "TITLE"]
    lines = table_lines(headers, rows, cut=LIST_CUT)
    header = next(lines)
    first = next(lines, None)
    if first is None:
        filtered = where != ActionFilter(include_done=include_done, limit=where.limit)
        if not store.any_action(ActionFilter(include_done=True)):
            # a new team's file: "match" read as if a filter were on (a lead's day one)
            click.echo("no actions yet: pdca add TITLE adds one", err=True)
        elif not filtered and not include_done:  # all done: said so (a retrial)
            click.echo("no open actions (pdca list --all shows the done ones)", err=True)
        else:
            click.echo("no actions match", err=True)
        return
    _echo_streamed(line + "\n" for line in itertools.chain([header, first], lines))
    found.say_more()


class _Limited:
    """``rows`` (read with a limit one over ``limit``), ``limit`` of them at most, and
    whether there were more: ``--limit 3`` said nothing of the rest, as ``log`` does (a
    programme lead)."""

    def __init__(self, rows: Iterable[dict[str, Any]], limit: int | None) -> None:
        self.rows, self.limit, self.more = rows, limit, False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for count, row in enumerate(self.rows):
            if self.limit is not None and count >= self.limit:
                self.more = True
                return
            yield row

    def say_more(self) -> None:
        if self.more:  # on stderr: stdout stays the table, or one JSON document
            click.echo(
                f"note: the first {self.limit} shown; more match (--limit N shows more)",
                err=True,
            )


def _echo_streamed(pieces: Iterable[str]) -> None:
    """Write ``pieces`` as they come, a few hundred at a time: streamed, in few writes."""
    chunk: list[str] = []
    for piece in pieces:
        chunk.append(piece)
        if len(chunk) >= 256:
            click.echo("".join(chunk), nl=False)
            chunk.clear()
    click.echo("".join(chunk), nl=False)


_SAID = frozenset({"at-risk", "blocked"})  # the check-in statuses ``pdca list`` names


# How ``pdca list`` fits a narrow terminal: the title down to 20 cells, then the priority and
# the check-in go whole (the due date's "!" still says late), then the title and the owner
# further before a line wraps. Cut first and alone, the title was 7 cells at 60 columns,
# beside an 18-cell check-in (a tester).
LIST_CUT: tuple[Cut, ...] = (
    ("TITLE", 20),
    ("PRI", 0),
    ("CHECK-IN", 0),
    ("OWNER", 12),  # a long login gives way before the title goes under 20 (a retrial)
    "TITLE",
    "OWNER",
)


def _search_text(text: str | None) -> str | None:
    """``--text`` as the board's ``/`` takes it; empty or blank is refused, not "all"."""
    if text is None:
        return None
    if not text.strip():
        raise InvalidInput("--text", text, "is empty")
    from pdca.db.models import checked_text

    checked_text("--text", text)  # a NUL or such: named, as every text option names it
    return text


@cli.command("forget")
@click.argument("login", metavar="LOGIN")
@pass_session
def forget(session: Session, login: str) -> None:
    """Take a login typed by mistake out of the file's people, once nothing refers to it
    (pdca undo puts it back)."""
    session.store().forget_person(login)
    click.echo(f"forgot {printable(login)}: no longer one of this file's people")


@cli.command("reassign")
@click.argument("from_login", metavar="FROM")
@click.argument("to_login", metavar="TO")
@json_option
@pass_session
def reassign(session: Session, from_login: str, to_login: str, as_json: bool) -> None:
    """Give every open action of FROM to TO (someone leaves, or moves on), in one change that
    pdca undo reverts; done ones keep their owner."""
    from pdca.db.models import checked_person

    checked_person("TO", to_login)  # a person: none and pdca are not (a reviewer)
    store = session.store()
    with saying_who_is_new(store, to_login):
        moved, audits, repeats = store.hand_over(from_login, to_login)
    if as_json:
        click.echo(
            to_json(
                {
                    "from": from_login,
                    "to": to_login,
                    "actions": moved,
                    "followups": audits,
                    "repeats": repeats,
                }
            )
        )
        _say_still_held(store, from_login)  # on stderr: stdout stays one JSON document
        return
    if not moved and not audits and not repeats:
        click.echo(
            f"{printable(from_login)} owns no open action and no follow-up to do: nothing"
            " handed over",
            err=True,
        )
        _say_still_held(store, from_login)
        return
    listed = ", ".join(f"#{n}" for n in moved[:10]) + (
        f" and {len(moved) - 10} more" if len(moved) > 10 else ""
    )
    plural = "s" if len(moved) != 1 else ""
    said = f"handed {len(moved)} open action{plural}"
    if audits:
        said += f" and {audits} follow-up{'s' if audits != 1 else ''} to do"
    if moved or audits:
        click.echo(
            f"{said} from {printable(from_login)} to {printable(to_login)}"
            + (f": {listed}" if moved else "")
        )
    for repeat in map(store.get_action, repeats):
        # Made now, not on its day: the rule's latest was done and theirs, and it would
        # have gone on making them for the person who left.
        verb = f"made the next repeat for {printable(to_login)} now (due {repeat.due}):"
        _echo_action_line(verb, repeat)
    _say_still_held(store, from_login)


def _say_still_held(store: Store, login: str) -> None:
    """Actions only are handed over: a KPI someone who left still owned raised its next
    alert for them, and it had to miss a deadline before anyone else saw it (a tester)."""
    held = store.still_held_by(login)
    if held:
        shown = "; ".join(held[:6]) + (f" and {len(held) - 6} more" if len(held) > 6 else "")
        # The commands that hand each kind on, of the kinds held only (an acknowledged alert
        # left "pdca alerts ack" in the note, a retrial).
        ways = {
            "KPI ": "pdca kpi edit NAME --owner / --escalate-to",
            "initiative ": "pdca initiative edit NAME --owner",
            "alert ": "pdca alerts ack ID MESSAGE",
        }
        how = ", ".join(way for kind, way in ways.items() if any(h.startswith(kind) for h in held))
        click.echo(
            f"note: {printable(login)} still answers for {printable(shown)} ({how})", err=True
        )


@cli.command()
@click.argument("action_id", metavar="ID", type=ACTION_ID)
@json_option
@pass_session
def show(session: Session, action_id: int, as_json: bool) -> None:
    """Show an action with its check-ins and history."""
    detail = session.store().action_detail(action_id)
    if as_json:
        click.echo(to_json(detail))
        return
    a = detail.action
    state = f"done ({a.decision})" if a.done_at else a.phase
    lines = [
        f"#{a.id} {printable(a.title)}",
        f"  phase       {state}"
        + (f", verdict {VERDICT_WORDS.get(a.verdict, a.verdict)}" if a.verdict else ""),
        f"  owner       {printable(a.owner) or '-'}",
        f"  due         {a.due or '-'}" + ("  OVERDUE" if a.overdue else ""),
        f"  priority    {a.priority}",
        f"  initiative  {printable(a.initiative) or '-'}",
        f"  kpi         {printable(a.kpi) or '-'}",
        f"  cycle       {a.cycle}"
        + (f" (follows #{a.parent_id})" if a.parent_id else "")
        + (
            f"; next: {', '.join(f'#{n}' for n in detail.next_cycles)}"
            if detail.next_cycles
            else ""
        ),
        *_repeats_line(session.store(), a),
        f"  check-in    {rules.checkin_words(a.last_checkin_at, a.days_since_checkin)}"
        + ("  STALE" if a.stale else ""),
        f"  created     {a.created_at} by {a.created_by}",
        # The row's version, apart: beside "created" it read as the version made then (a
        # tester); it is what a script's edit is checked against.
        f"  version     {a.version} (changed {a.updated_at})",
    ]
    if a.notes:
        # Lines at "\n" alone: splitlines() broke at "\r", U+2028 and U+2029 too, which the
        # README says are shown escaped (a tester); printable() escapes them.
        notes = a.notes.replace("\r\n", "\n").removesuffix("\n").split("\n")
        lines += ["", "notes:", *("  " + printable(line) for line in notes)]
    lines += ["", f"check-ins ({len(detail.checkins)}):"]
    lines += [
        f"  {c.at}  {c.author}  {_checkin_state(c)}  {printable(c.message)}"
        for c in detail.checkins
    ] or ["  none yet"]
    if detail.followups:
        lines += ["", "follow-ups:"]
        lines += [f"  {_followup_line(f)}" for f in detail.followups]
    lines += ["", "history:"]
    from pdca.widgets.change_lines import changed_fields

    for e in detail.history:
        lines.append(f"  {e.at}  {e.actor}  {printable(e.summary)}")
        # what each edit changed, as the board's detail says it ("edited #123: due" forty
        # times told less than the stand-up, a tester)
        if not e.summary.startswith(("moved #", "done #")):  # those say their change whole
            lines += [f"      {change}" for change in changed_fields(e, detail.names, plain=True)]
    # Every line escaped, not only the fields typed here: a restored export may hold
    # control characters in any column (created_by, due, an author, an actor). On a
    # terminal, wrapped at words as kpi show and the stand-up are.
    click.echo(wrapped("\n".join(printable(line) for line in lines), terminal_width()))


def _followup_line(followup: Followup) -> str:
    """``60-day  due 2027-01-22  ben`` for one to do (``DUE`` once its day came), or what it
    found, when and by whom, for one done."""
    head = f"{followup.offset_days}-day  due {followup.due}  "
    if followup.done_at is None:
        return head + (printable(followup.owner) or "-") + ("  DUE" if followup.is_due else "")
    reopened = f" (reopened as #{followup.reopened_id})" if followup.reopened_id else ""
    if followup.closed_by_a_slip:  # not a second slip: one counted as two (a tester)
        return head + f"closed at {followup.done_at}: an earlier one slipped{reopened}"
    from pdca.db.accountability_rules import days_recorded_late

    found = f"{followup.result} at {followup.done_at} by {printable(followup.done_by)}"
    late = days_recorded_late(followup.due, followup.done_at)
    return head + found + (f", {late}d late" if late else "") + reopened


def _checkin_state(checkin: Checkin) -> str:
    """A check-in's status, or what a follow-up audit found ("follow-up holding"), as the
    log view says it: an audit read as an ordinary "on-track" check-in (a tester)."""
    if checkin.kind == "followup":
        return f"follow-up {checkin.result}"
    return checkin.status


def _repeats_line(store: Store, action: Action) -> list[str]:
    if action.recurrence_id is None:
        return []
    from pdca.db.recurrence import rule_text

    rule = rule_text(store, action.recurrence_id)
    words = "stopped" if rule is None else rule if rule.startswith("after") else f"every {rule}"
    return [f"  repeats     {words} (rule {action.recurrence_id}; pdca recur list)"]


@cli.command()
@click.option(
    "--yes",
    "-y",
    "sure",
    is_flag=True,
    help="Do not ask first (at a terminal it names the change and asks).",
)
@json_option
@pass_session
def undo(session: Session, sure: bool, as_json: bool) -> None:
    """Revert your last change (refused if someone changed that record since)."""
    store = session.store()
    confirmed = None
    asking = not (sure or as_json) and _at_a_terminal()
    if asking:
        # As Taskwarrior's undo: the change named, and asked about first. One undo too many
        # took an action away with nothing to bring it back (a trial); nothing is written
        # until the answer. The change asked about is the one undone, or none is.
        from pdca.db.dates import minute_utc

        newest = store.last_event_id()
        try:
            store.undo(opened_at=newest)
        except UndoAsked as ask:
            confirmed = ask.tx
            question = f"undo “{printable(ask.named())}” (yours, {minute_utc(ask.at)})?"
            if not asked_yes(question):
                raise PdcaError("nothing undone") from None  # 1: nothing done (a review)
    if confirmed is None:
        result = store.undo()
    else:
        undone_meanwhile = UndoRefused(
            "nothing undone: the change asked about was undone meanwhile, elsewhere (pdca undo"
            " again asks about your last change now)"
        )
        if store.undone(confirmed):
            raise undone_meanwhile
        try:
            result = store.undo(opened_at=newest, confirmed=confirmed)
        except UndoAsked:  # undone in the moment between the look and the undo
            raise undone_meanwhile from None
    if any(" notify command" in summary for summary in result.summaries):
        from pdca.tui.own_hooks import HookNotKept, remember_command
        from pdca.tui.paths import NoHome

        # The command the file holds now is not taken as one's own: it may be one a colleague
        # wrote under one's name before (a reviewer's undo brought a withdrawn one back).
        try:
            remember_command(session.environ, session.resolved.path, None)
        except (HookNotKept, NoHome) as error:
            # The undo is written: said as done, with why the note below may not hold (it
            # exited 1 after the undo, and a retry would undo another change: a reviewer).
            click.echo(f"note: {error}", err=True)
        click.echo(f"note: {_hook_after_undo(store, store.actor)}", err=True)
    _emit(
        as_json,
        result,
        # Each undone change quoted: "undid: done #1; scheduled the 30-day follow-up" read as
        # if the undo had scheduled it (a tester).
        lambda: click.echo(
            "undid: "
            + ", ".join(f"“{printable(s)}”" for s in result.headline())
            + result.more()
            + "".join(f"\n{printable(line)}" for line in result.after)
        ),
    )


def _hook_after_undo(store: Store, me: str) -> str:
    """What an undo that changed the notify command hook left, as it is: "does not run until
    you set it again" was said to ben of ann's hook brought back, which ran in her runs (a
    retrial)."""
    from pdca.db import notify as notify_store

    settings = notify_store.channel_settings(store)
    if settings.command is None:
        return "no notify command hook is set now"
    setter = settings.command_by
    if setter and setter != me:
        return (
            f"the notify command hook is {printable(setter)}'s again; it runs in"
            f" {printable(setter)}'s pdca notify (yours: pdca notify config command CMD)"
        )
    return (
        "the notify command hook does not run until you set it again (pdca notify config"
        " command CMD): an undo brings none back as yours"
    )


# --------------------------------------------------------------------------- initiatives


@cli.group()
def initiative() -> None:
    """Initiatives: the business outcomes actions serve."""


@initiative.command("add")
@click.argument("name")
@click.option("--objective", default="", help="The outcome statement.")
@click.option("--owner", metavar="LOGIN", callback=me_is_you, help="Who answers for it.")
@json_option
@pass_session
def initiative_add(session: Session, name: str, objective: str, owner, as_json: bool) -> None:
    """Add an initiative."""
    from pdca.db.models import InitiativeDraft, validated
    from pdca.db.smart_rules import objective_warnings

    objective = "" if cleared(objective) else objective  # none: no objective yet
    draft = validated(InitiativeDraft, name=name, objective=objective, owner=owner)
    refuse_a_case_slip(session, "owner", draft.owner)  # before the file may be made
    store = session.store(create=True)
    with saying_who_is_new(store, draft.owner):
        result = store.add_initiative(draft)
    _emit(as_json, result, lambda: click.echo(f"added initiative {printable(result.name)}"))
    smart_notes(objective_warnings(result.objective))


@initiative.command("edit")
@click.argument("name")
@click.option("--name", "new_name", metavar="NEW", help="Rename it.")
@click.option("--objective", help="The outcome statement, or 'none' to clear.")
@click.option(
    "--owner", metavar="LOGIN", callback=me_is_you, help="The person accountable ('none': nobody)."
)
@json_option
@pass_session
def initiative_edit(session: Session, name: str, new_name, objective, owner, as_json: bool) -> None:
    """Change an initiative's name, objective or owner."""
    from pdca.db.initiative_edit import edit_initiative
    from pdca.db.models import InitiativeChanges, validated
    from pdca.db.smart_rules import objective_warnings

    if new_name is None and objective is None and owner is None:
        raise click.UsageError("initiative edit: give --name, --objective or --owner")
    if objective is not None and not objective.strip():  # an unset "$OBJ": none clears it
        raise InvalidInput("--objective", objective, "is empty (none clears it)")
    from pdca.tui.cli_kpis import typed_as

    refuse_clearing("name", new_name, "an initiative")
    with typed_as({field: f"--{field}" for field in ("name", "objective", "owner")}):
        changes = validated(
            InitiativeChanges,
            name=new_name,
            # "none" empties it, as it does notes (it was kept as the word, a tester).
            objective="" if cleared(objective) else objective,
            owner=None if cleared(owner) else owner,
            clear_owner=cleared(owner),
        )
        store = session.store()
        with saying_who_is_new(store, changes.owner):
            edit = edit_initiative(store, name, changes)
    result, shown = edit.initiative, printable(edit.initiative.name)
    said = f"edited initiative {shown}" if edit.changed else f"initiative {shown} unchanged"
    _emit(
        as_json, result, lambda: click.echo(said + ("" if edit.changed else " (already as given)"))
    )
    if objective is not None and edit.changed:
        smart_notes(objective_warnings(result.objective))


@contextmanager
def saying_who_is_new(store: Store, *logins: str | None) -> Iterator[None]:
    """After a write that names an owner (or a KPI's escalation path) this file has never
    seen, a note says so: a typo (``--owner bbo``) makes a new person, with a line in owners
    and stand-ups from then on, who would get a KPI's alerts unseen."""
    from pdca.db.access import (
        cannot_write_words,
        group_name,
        team_accounts,
        why_login_cannot_write,
    )

    given = [login for login in dict.fromkeys(logins) if login]
    new = [login for login in given if not store.seen_before(login)]
    alike = {login: store.people_meant_by(login) for login in new}
    # The file's group's own members are no typo: "ben is new ... (a typo?" of a colleague
    # taught the team to pass the note over (a month's trial)
    members = team_accounts(store.path) if new else set()
    group = ""
    if members and store.path is not None:
        with contextlib.suppress(OSError):
            group = group_name(store.path.stat().st_gid)
    yield
    for login in given:
        if login in new:
            if not store.added_person(login):
                # The write made nobody (a reassign of no work), or someone else's write, at
                # the same moment, made them: theirs to say.
                continue
            meant = f"; did you mean {printable(alike[login][0])}?" if alike[login] else ""
            why = (
                f"a member of its group {group}"
                if login in members and not meant
                else f"a typo? pdca forget {printable(shell_word(login))} once nothing is theirs"
            )
            click.echo(
                f"note: {printable(login)} is new to this file: now one of its people ({why})"
                f"{meant}",
                err=True,
            )
        # Each time work is theirs, not only the first: a later add, edit or reassign to
        # carl, outside the group, went without a word (a retrial)
        shut_out = None if store.path is None else why_login_cannot_write(login, store.path)
        if shut_out:
            click.echo(f"note: {cannot_write_words(printable(login), shut_out)}", err=True)


def refuse_unknown_owner(store: Store, owner: str | None) -> None:
    """``--owner`` of a filter names one of the file's people (or none): a typo (--owner BEN)
    listed nothing, as if ben had no work (testers, in list, log and followups). Yourself
    (``--owner me``) is no typo: a newcomer's first look at their own work was refused."""
    if owner is not None and owner == store.actor:
        return
    if owner is not None and owner.strip().lower() != "none" and not store.has_person(owner):
        meant = store.not_a_person_hint(owner)
        raise InvalidInput("--owner", owner, f"is not one of this file's people{meant}")


def smart_notes(warnings: list[str]) -> None:
    """SMART checks' warnings after a write: on stderr, never an error (exit status 0)."""
    for warning in warnings:
        click.echo(f"note: {printable(warning)}", err=True)


HEALTH_WORDS = {"on-track": "on track", "at-risk": "AT RISK", "off-track": "OFF TRACK"}


@initiative.command("list")
@json_option
@pass_session
def initiative_list(session: Session, as_json: bool) -> None:
    """List initiatives, worst health first: why (from their data), open actions by phase
    (plan/do/check/act), KPIs and the objective's date."""
    from pdca.db.initiatives import overview

    items = overview(session.store())
    if as_json:
        click.echo(to_json(items))
        return
    if not items:
        click.echo("no initiatives (add one: pdca initiative add NAME --objective TEXT)", err=True)
        return
    rows = [
        [
            i.name,
            HEALTH_WORDS[i.health],
            i.owner or "-",
            "/".join(str(i.open_by_phase.get(p, 0)) for p in PHASES),
            str(len(i.kpis)),
            i.objective_date or "-",
            # Nothing to say why: the objective, said as one (a tester read it as a reason).
            "; ".join(i.reasons) or (f"objective: {i.objective}" if i.objective else "-"),
        ]
        for i in items
    ]
    headers = ["NAME", "HEALTH", "OWNER", "OPEN P/D/C/A", "KPIS", "BY", "WHY"]
    cut = (("WHY", 24), ("OPEN P/D/C/A", 0), "WHY", "OWNER", ("NAME", 16))
    click.echo(table(headers, rows, cut=cut, middle=("NAME",)))


# --------------------------------------------------------------------------- KPIs, alerts
# ``pdca kpi ...`` and ``pdca alerts ...`` live in tui/cli_kpis.py, registered at the end.


# --------------------------------------------------------------------------- transfer, health


def _export_format(asked: str | None, out: str | None) -> str:
    """The format ``--format`` asks for, else the one ``--out``'s name ends in, else JSON. A
    name ending in the other one is refused: ``--out x.csv`` got JSON, and ``x.json`` with
    ``--format csv`` got CSV, which an import read as actions to add again (a tester)."""
    # By the name's end: ".csv" alone is a name with no suffix to pathlib (a reviewer)
    ending = Path(out).name.lower() if out else ""
    named = next((kind for kind in ("json", "csv") if ending.endswith(f".{kind}")), "")
    if asked is not None and named and named != asked:
        raise InvalidInput(
            "--out", out, f"ends in .{named}, but --format {asked} was asked (name it .{asked})"
        )
    return asked or named or "json"


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"], case_sensitive=False),
    help="json: everything; csv: the actions (default: as --out ends, else json).",
)
@out_option
@pass_session
def export(session: Session, fmt: str | None, out: str | None) -> None:
    """Write the whole database as JSON, or the actions as CSV."""
    from pdca.db.connection import refuse_database_file
    from pdca.db.transfer import export_csv_parts, export_json_parts, export_problems

    if out == "-":  # the usual name for standard output
        out = None
    fmt = _export_format(fmt, out)
    store = session.store()
    if out:
        from pdca.tui.out_file import writable_target

        refuse_database_file(Path(out), store.path or session.resolved.path, "--out")
        writable_target(out)  # before the work, not after it
    # JSON with every control written \uXXXX: the same value, and safe on any screen. It
    # goes out a row at a time: whole, the huge file's was a gigabyte in memory, twice.
    parts: Iterable[str]
    reading = None
    if fmt == "json":
        reading = export_json_parts(store, ascii_only=out is None and ascii_terminal())
        parts = _in_blocks(json_safe(part) for part in reading)
    else:
        lines = export_csv_parts(store)
        if out is None and sys.stdout.isatty():
            # for reading, not for a file: nothing raw on screen
            lines = (for_this_terminal(for_terminal(line)) for line in lines)
        parts = _in_blocks(lines)
    try:
        if out is None:
            for part in parts:
                # color=True: click would strip ANSI escapes from a pipe: data goes out as is
                click.echo(part, nl=False, color=True)
        else:
            from pdca.tui.out_file import write_whole

            write_whole(out, parts, readable_as=store.path)
            click.echo(f"wrote {printable(out)}", err=True)
    finally:
        if reading is not None:
            reading.close()  # its read transaction ends now, even when writing failed
    if fmt == "json":
        problems = export_problems(store)
        for problem in problems[:3]:
            click.echo(f"note: an import of this export will refuse {printable(problem)}", err=True)
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            # A name pdca renames itself: sqlite3 was never needed for those (a trial)
            click.echo(
                f"note: put them right first{more}: a name with pdca initiative edit or pdca"
                " kpi edit NAME --name NEW, any other value with sqlite3 (pdca doctor names"
                " those)",
                err=True,
            )


def _in_blocks(parts: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """The export's pieces (a row each) joined into blocks of about ``size`` characters:
    click.echo flushes every piece, a system call a row (2.5 million on the huge file)."""
    block: list[str] = []
    held = 0
    for part in parts:
        block.append(part)
        held += len(part)
        if held >= size:
            yield "".join(block)
            block, held = [], 0
    if block:
        yield "".join(block)


@cli.command("import")
@click.argument("file", type=click.Path())  # checked as every file pdca reads: one wording
@click.option(
    "--skip-existing",
    is_flag=True,
    help="CSV: leave out rows the file holds already (an export's by id and when it was made;"
    " others by the title and owner of an open action), so a cron job may import the same file"
    " again.",
)
@pass_session
def import_(session: Session, file: str, skip_existing: bool) -> None:
    """Add actions from Taskwarrior's task export or a CSV file (pdca's export, a
    spreadsheet's, Linear's or Jira's), or load a JSON export into an empty database."""
    from pdca.db.access import unreachable_directory
    from pdca.db.input_files import refuse_no_file_name
    from pdca.db.transfer import import_file, import_into_new

    refuse_no_file_name(file)
    resolved = session.resolved
    # A folder one may not enter hides the file: it was taken for none, and the import's
    # scratch copy beside it named in "Permission denied" (a team's move). The store's open
    # says whose folder it is and what to ask.
    if os.path.lexists(resolved.path) or unreachable_directory(resolved.path) is not None:
        store = session.store(create=True)
        before = {person.login for person in store.list_people()}
        summary = import_file(store, Path(file), session.today(), skip_existing=skip_existing)
        new = [p.login for p in store.list_people() if p.login not in before]
        _say_shut_out(store, new)
        if new and before:
            _say_new_people(store, new, known=before)
        elif new:  # into a file with nobody yet, everyone is new: only a login like another
            # of them, or the importer's, is asked about (a whole team's export loaded into a
            # fresh init read as 8 typos, a tester; a lead's Ben beside his own ben went unsaid)
            _say_new_people(store, new, known=set(new), only_alike=True)
    else:  # made for this import, and only if it succeeds
        from pdca.db.filesystem import make_personal_folder, remove_folders_made
        from pdca.tui.identity import current_user

        # a refused import leaves no folder made for it either (a reviewer)
        made = make_personal_folder(resolved.path.parent) if resolved.is_default else []
        try:
            summary = import_into_new(
                resolved.path,
                Path(file),
                session.today(),
                actor=current_user(session.environ),
                clock=session.clock,
            )
        except BaseException:
            remove_folders_made(made)
            raise
        # as into a file made by init: a login like the importer's asked about (a reviewer)
        store = session.store()
        new = [person.login for person in store.list_people()]
        _say_shut_out(store, new)
        _say_new_people(store, new, known=set(new), only_alike=True)
    click.echo(f"imported {printable(file)}: {summary}")


NEW_PEOPLE_NAMED = 10  # in the note after an import; the rest counted


def _say_new_people(
    store: Store, new: list[str], *, known: set[str], only_alike: bool = False
) -> None:
    """The people an import made, in a note, as ``add --owner`` notes one: a spreadsheet's
    ``Alice`` beside ``alice`` split her work in two, without a word (a tester).
    ``only_alike``: into a file that had nobody, only a login the importer's, or another's
    in lower case, differs from in case, or that is spelled nearly as the importer's."""
    said = []
    for login in new:
        if only_alike:
            alike = _like_another(login, store.actor, set(new), store.path)
        else:
            alike = store.people_meant_by(login, among=known | {store.actor})
        if alike or not only_alike:
            meant = f" (did you mean {printable(alike[0])}?)" if alike else ""
            said.append(printable(login) + meant)
        if len(said) == NEW_PEOPLE_NAMED:
            break
    if not said:
        return
    people = "person" if len(new) == 1 else "people"
    if only_alike:
        some = "one looks" if len(said) == 1 else "some look"
        what = f"of the {len(new)} {people} the import made, {some} like another:"
        more = ""
    else:
        what = f"the import made {len(new)} {people} new to this file:"
        more = f" and {len(new) - len(said)} more" if len(new) > len(said) else ""
    # The question after all of them: "(a typo? ...)" after the last read as of it alone
    click.echo(
        f"note: {what} {', '.join(said)}{more}; a typo? pdca reassign LOGIN RIGHT-LOGIN moves"
        " their work, then pdca forget LOGIN",
        err=True,
    )


def _say_shut_out(store: Store, logins: list[str]) -> None:
    """Which of the people an import made cannot write the file (outside its group), in one
    note: a CSV's carl came in without the word pdca add says (a retrial)."""
    from pdca.db.access import cannot_write_words, why_login_cannot_write

    if store.path is None:
        return
    path = store.path
    shut = [(login, why) for login in logins if (why := why_login_cannot_write(login, path))]
    if not shut:
        return
    from pdca.db.input_files import a_few

    names = a_few([printable(login) for login, _ in shut])
    click.echo(f"note: {cannot_write_words(names, shut[0][1])}", err=True)


def _like_another(login: str, actor: str, new: set[str], path: Path | None) -> list[str]:
    """Whom ``login`` was probably meant for, of an import into a file that had nobody: the
    importer, or another login it made in lower case, when they differ in case only (a
    lead's Ben beside his own ben); else the importer's or an account of the file's group,
    spelled nearly alike (bne). Never one of two new logins for the other (bob and bbo both
    asked about each other)."""
    from pdca.db.access import a_persons_account, team_accounts
    from pdca.db.store import login_of_address, spelled_nearly

    if a_persons_account(login):
        return []
    lower = login.lower()
    if login != lower and (lower == actor.lower() or lower in new or a_persons_account(lower)):
        return [actor if lower == actor.lower() else lower]  # ANN for ann, a person here too
    if (meant := login_of_address(login, actor, new.__contains__)) is not None:
        return [meant]  # ann@corp.com, a Linear export's assignee (a Linear user's trial)
    return spelled_nearly(login, [actor, *sorted(team_accounts(path))])


@cli.command()
@click.option(
    "--content",
    is_flag=True,
    help="Instead: SMART checks of what the file holds (objectives, KPIs, actions); "
    "warnings only, exit status 0.",
)
@click.option(
    "--repair",
    is_flag=True,
    help="Instead: rebuild the tables pdca keeps by triggers (flow's stays, the stand-up's "
    "changes, each action's last check-in, flow's cadence weeks and audit counts) from the "
    "event log and the rows they count, putting back their triggers and every index of "
    "pdca's; one write, nothing when all is right.",
)
@json_option
@pass_session
def doctor(session: Session, content: bool, repair: bool, as_json: bool) -> None:
    """Check path, schema, journal mode, filesystem, group permissions, integrity and the
    kept tables; --repair rebuilds the kept tables. It changes nothing else, but sets aside
    (and names) another file's -wal and -shm left at the name by a file moved over it while
    open, which its own read would have written into this one."""
    from pdca.db.doctor import diagnose

    if repair and (content or as_json):
        _fail(f"--repair goes alone, not with {'--content' if content else '--json'}")
    if content:
        _doctor_content(session, as_json)
        return
    if repair:
        from pdca.db.kept import repair_store

        done = repair_store(session.store())
        for line in done:
            click.echo(line)
        if not done:
            click.echo("nothing to repair: every kept table equals its rebuild")
        return

    resolved = session.resolved
    _say_a_long_check(resolved.path, as_json)
    checks = diagnose(resolved.path)
    failed = [check for check in checks if not check.ok]
    if as_json:  # the same checks as one object: {path, rule, ok, checks: [{name, status...}]}
        click.echo(
            to_json(
                {
                    "path": str(resolved.path),
                    "rule": describe_rule(resolved),
                    "ok": not failed,
                    "checks": [
                        {
                            "name": check.name,
                            "status": _doctor_status(check),
                            "detail": check.detail,
                        }
                        for check in checks
                    ],
                }
            )
        )
    else:
        from pdca.tui.columns import wrapped_under

        width = terminal_width()
        path = f"path        {printable(str(resolved.path))} ({describe_rule(resolved)})"
        click.echo(wrapped_under(path, width, 12))
        for check in checks:
            mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}[_doctor_status(check)]
            line = f"{mark} {check.name:<12} {printable(check.detail)}"
            click.echo(wrapped_under(line, width, 18))  # under the check's words
    if failed:
        # The first problem on stderr too, for whoever reads only that (cron, scripts).
        more = f" (and {len(failed) - 1} more above)" if len(failed) > 1 else ""
        _fail(f"{failed[0].name}: {printable(failed[0].detail)}{more}")


LONG_CHECK_BYTES = 100 * 1024 * 1024  # about 4 s of integrity check here (39 s a GB)


def _say_a_long_check(path: Path, as_json: bool) -> None:
    """At a terminal, a file whose integrity check takes a while says so first: doctor on
    100 000 actions printed nothing for 39 s, and read as hung (a trial at scale)."""
    from pdca.db.filesystem import size_words

    try:
        size = path.stat().st_size  # os.stat only: nothing of the database is opened
    except OSError:
        return
    if size >= LONG_CHECK_BYTES and not as_json and _at_a_terminal():
        click.echo(
            f"pdca: checking {size_words(size)}, its integrity too: on a file this size that"
            " takes a while",
            err=True,
        )


def _doctor_status(check: Any) -> str:
    """``ok``, ``warn`` (ok, yet worth doing something about) or ``fail``."""
    if not check.ok:
        return "fail"
    return "warn" if check.warning else "ok"


def _doctor_content(session: Session, as_json: bool) -> None:
    from pdca.db.initiatives import content_warnings

    found = content_warnings(session.store())
    if as_json:
        click.echo(to_json(found))
        return
    if not found:
        click.echo("no SMART warnings: every objective, KPI and open action can be judged")
        return
    labels = {"initiative": "initiative", "kpi": "KPI", "action": "action"}
    rows = [
        [
            labels[w.entity],
            f"#{w.entity_id}" if w.entity == "action" else w.name,
            w.warning + (f"  ({w.name})" if w.entity == "action" else ""),
        ]
        for w in found
    ]
    click.echo(table(["WHAT", "WHICH", "WARNING"], rows, cut=("WARNING", ("WHICH", 16))))
    click.echo(f"{len(found)} warning{'s' if len(found) != 1 else ''} (never blocking)", err=True)


# --------------------------------------------------------------------------- entry point


# The records named by id whose going the log can say, as the store's tables name them: an
# alert a colleague's undo took was "no alert 100" to the one a notice had told to
# acknowledge it (a trial).
_GONE_KINDS = {
    "action": "action",
    "alert": "alert",
    "follow-up": "followup",
    "repeat rule": "recurrence",
}


def _how_gone(error: PdcaError) -> str:
    """`` (gone: ben 2026-12-04 10:00 UTC: restored from pdca.20261204.db)`` after "no
    action #25" for an action that was in the file, as the board's form says it: after a
    colleague's forced restore the command line said only "no action #25" (a soak)."""
    if not isinstance(error, NotFound) or not isinstance(error.key, int) or not _opened:
        return ""
    entity = _GONE_KINDS.get(error.kind)
    if entity is None:
        return ""
    from pdca.db.store import Store

    used = _opened[-1]
    try:  # the command's own connection is closed by now: a look of its own
        again = Store.open(used.path, actor=used.actor, clock=used.clock) if used.path else None
    except (PdcaError, *DATABASE_ERRORS):  # a file that cannot say: the message alone
        return ""
    if again is None:
        return ""
    try:
        gone = again.why_gone(entity, error.key)
        # deleted with sqlite3 or another tool: its last change in the log took nothing (a
        # trial's "gone: grace …: moved #5284 from do to check" blamed her move)
        unlogged = gone is not None and again.gone_unlogged(entity, error.key)
    except (PdcaError, *DATABASE_ERRORS):
        return ""
    finally:
        again.close()
    if gone is None:
        return ""
    if unlogged:
        return " (deleted outside pdca, with no change logged)"
    when = f" {minute_utc(gone.at)}" if gone.at else ""
    what = f": {printable(gone.what)}" if gone.what else ""
    return f" (gone: {printable(gone.by or '')}{when}{what})"


# A write that waited out another's lock: worth trying again as it is (sysexits' EX_TEMPFAIL).
# All else exits 1, and a cron wrapper could tell a retry from a mistake only by the words (a
# script author).
BUSY_EXIT = 75


def _fail(message: str, status: int = 1) -> NoReturn:
    # Messages quote what was typed; a control character in it must not reach the terminal.
    _say(f"pdca: {one_readable_line(printable(message))}")
    sys.exit(status)


def _status_of(error: Exception | None) -> int:
    # A stand-up overtaken in its read by a change in the same second is right when run
    # again: a cron's --record exited 1 and mailed as if something were wrong (a trial).
    retried = isinstance(error, StandupOvertaken) and not isinstance(error, StandupRecordedAlready)
    return BUSY_EXIT if isinstance(error, DatabaseBusy) or retried else 1


def _nothing_written_unless_saved() -> str:
    """ "; nothing written", unless something was: an undo's question comes after the
    escalations that fell due were recorded (a reviewer's Ctrl-D read "nothing written")."""
    return "" if commit_marks.saved() else NOTHING_WRITTEN


def _stopped_unless_saved() -> None:
    """Said as stopped, when a stop came and nothing was saved: whatever error it met or
    caused on its way out is not the command's answer."""
    signum = stop_requested()
    if signum is not None and not commit_marks.saved():
        _stopped(signum)


def _stopped(signum: int) -> NoReturn:
    """Only ever with nothing saved (``tui/stopping.py`` lets a command that has begun to
    commit finish and say what it saved), so it says so: a script could not tell a stopped
    command from one that wrote half (a trial)."""
    if signum != signal.SIGINT:
        _say(f"pdca: stopped by {signal.Signals(signum).name}{NOTHING_WRITTEN}")
    else:  # Ctrl-C: said as when it comes while pdca loads
        from pdca.tui.entry import say_aborted

        say_aborted()
    _let_go_of_stdout()
    sys.exit(128 + signum)


def _let_go_of_stdout() -> None:
    """What stdout still holds, given to it once more; where it has gone (the reader of a
    pipe hung up with the terminal), nothing: Python's own flush as it ends printed
    "Exception ignored ... BrokenPipeError" under the one line a stop says (a trial)."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        silence(sys.stdout)


def _say(line: str) -> None:
    """A last line on stderr; where that has gone too (a hung-up terminal), the exit status
    alone tells: the write's failure ended in a traceback (a reviewer), and the line left in
    stderr's buffer failed again as Python ended, which then exited 120 whatever was saved
    (a tester's ``2>&1`` to a full disk; a retrying script made the change twice)."""
    try:
        click.echo(line, err=True)
    except (OSError, ValueError):
        silence(sys.stderr)


# The console script's process ends when its command does (tests run many in one process)
_PROCESS_ENDS_AFTER = [False]


def main(argv: list[str] | None = None) -> None:
    """The console script's entry point."""
    _PROCESS_ENDS_AFTER[0] = True
    _never_world_writable()
    _streams_for_any_text()
    cli.main(argv)


def _never_world_writable() -> None:
    """Nothing this process creates may be written by everyone: under ``umask 000`` an
    export, an HTML report or a settings file came out 0666 (a tester; the JSON export is
    what a restore is made from). The rest of the umask is the person's."""
    os.umask(os.umask(0o022) | 0o002)


def _streams_for_any_text() -> None:
    """Output that no character can fail. In a locale that is not UTF-8 (Latin-1) a title
    with an emoji or the digests' own dashes crashed list, show, standup, report, flow and
    export (a tester). A terminal keeps its encoding and shows what it cannot as escapes
    (``\\U0001f680``), as pdca shows control characters; a pipe or a file gets UTF-8, what
    JSON and CSV are read as. Messages on stderr escape too."""
    from pdca.tui.ascii_terminal import MARKS_ERRORS, is_ascii
    from pdca.tui.ascii_terminal import register as ascii_codec_click_keeps

    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if stream is None or encoding == "utf8" or not hasattr(stream, "reconfigure"):
            continue
        if stream is sys.stdout and not stream.isatty():
            stream.reconfigure(encoding="utf-8")
            continue
        ascii_codec = ascii_codec_click_keeps()  # and pdca's marks as ASCII look-alikes
        if is_ascii(stream.encoding):  # click would write UTF-8 to it (tui/ascii_terminal.py)
            stream.reconfigure(encoding=ascii_codec, errors=MARKS_ERRORS)
        else:
            stream.reconfigure(errors=MARKS_ERRORS)
