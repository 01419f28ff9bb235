"""Shell completion through click's own mechanism (``_PDCA_COMPLETE=bash_source pdca``):
subcommands, options and choices come from click; action ids, alerts, logins, initiative
and KPI names come from the database the command would open.

Completers are attached by parameter name when a command is registered, so a new command
with an ``--owner`` or an ``ACTION_ID`` completes without anyone remembering to say so.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # every command line run imports this module; completing is rare
    from click.shell_completion import CompletionItem

Completer = Callable[[click.Context, click.Parameter, str], "list[CompletionItem]"]
DB_AFTER = "pdca.db_after"  # ctx.meta key: a --db given after the subcommand
COMPLETE_VAR = "_PDCA_COMPLETE"  # click's variable for the prog name "pdca"


def _database(ctx: click.Context) -> Path | None:
    from pdca.tui.paths import resolve_db_path

    option = ctx.meta.get(DB_AFTER) or ctx.find_root().params.get("db_option")
    try:
        return resolve_db_path(option, os.environ, Path.cwd()).path
    except Exception:  # a Tab key completes nothing rather than fail
        return None


def _from_database(kind: str, *, comma_list: bool = False) -> Completer:
    def complete(
        ctx: click.Context, _param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        from pdca.db.completion import candidates

        path = _database(ctx)
        if path is None:
            return []
        done, _, last = incomplete.rpartition(",") if comma_list else ("", "", incomplete)
        head = f"{done}," if done else ""
        from pdca.tui.output import printable

        # A value holding a newline or another control is left out: each shell reads one
        # completion a line (zsh three), so one such name split into others and put every
        # later one out of step (a tester); its help shows its controls escaped.
        return [
            CompletionItem(for_the_shell(head + value), help=printable(help_text or ""))
            for value, help_text in candidates(path, kind, last)
            if not _breaks_a_line(value)
        ]

    return complete


def _breaks_a_line(value: str) -> bool:
    """A control or a line separator: what the shells' one-completion-a-line reading splits
    on (NBSP, a joined emoji or a soft hyphen do not, and complete as any name: a reviewer)."""
    return any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in value)


def for_the_shell(value: str) -> str:
    """Bash puts a completion into the command line as it is, so a name holding ``$(...)``,
    ``;`` or a space would run or split when Enter is pressed: escape it there, for the quote
    the person has opened if any (readline then closes it). Backslashes rather than quotes
    outside one, so that names sharing a start complete that start (``Lead\\ t``), not a
    lone ``'``. Zsh and fish quote what they insert themselves (twice would insert quotes)."""
    if not os.environ.get(COMPLETE_VAR, "").startswith("bash"):
        return value
    # Click's bash script reads each line with ``read`` (no -r), which eats one backslash.
    return _escaped_for_bash(value).replace("\\", "\\\\")


def _escaped_for_bash(value: str) -> str:
    import shlex

    if not value.isprintable():
        return shlex.quote(value)  # a newline cannot be backslashed; quotes hold anything
    opened = _bash_open_quote()
    if opened == "'":
        return value.replace("'", "'\\''")
    if opened == '"':
        return re.sub(r'([\\$`"])', r"\\\1", value)
    return re.sub(r"([^\w@%+=:,./-])", r"\\\1", value)


def _bash_open_quote() -> str:
    """The quote the word being completed opened and has not closed, or "". Click's bash
    script passes the words joined by newlines (its IFS), each as typed, quotes included."""
    words = os.environ.get("COMP_WORDS", "").split("\n")
    try:
        word = words[int(os.environ.get("COMP_CWORD", ""))]
    except (ValueError, IndexError):
        return ""
    if word[:1] not in ("'", '"'):
        return ""
    import shlex

    try:
        shlex.split(word)
    except ValueError:  # "No closing quotation"
        return word[0]
    return ""


def _files(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="file")]


BY_NAME: dict[str, Completer] = {
    "action_id": _from_database("action"),
    "action_ids": _from_database("action"),  # edit's ID...
    "alert_id": _from_database("alert"),
    "owner": _from_database("login"),
    "login": _from_database("login"),
    "escalate_to": _from_database("login", comma_list=True),
    "initiative": _from_database("initiative"),
    "kpi": _from_database("kpi"),
    "dest": _files,
    "out": _files,
    "file": _files,
}
# NAME arguments that name an existing KPI (``kpi add NAME`` names a new one: nothing to offer).
KPI_NAME_COMMANDS = {"edit", "record", "show"}
# Parameters whose name means another thing elsewhere (``--target`` is a KPI's number):
# (command, parameter) -> completer (a tester found these completed nothing).
BY_COMMAND: dict[tuple[str, str], Completer] = {
    ("report", "target"): _from_database("initiative"),
    ("followup", "action_text"): _from_database("followup"),
    ("stop", "rule_id"): _from_database("rule"),
    ("reassign", "from_login"): _from_database("login"),
    ("reassign", "to_login"): _from_database("login"),
}


def _channels(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """``notify prefer LOGIN CHANNELS``: a comma list of channels, or default, or none."""
    from click.shell_completion import CompletionItem

    done, _, last = incomplete.rpartition(",")
    head = f"{done}," if done else ""
    words = ("terminal", "mail", "webhook", "command") + (() if done else ("default", "none"))
    return [CompletionItem(head + word) for word in words if word.startswith(last)]


def attach_completers(command: click.Command, parent: str | None = None) -> None:
    """Give the parameters of ``command`` (and of its subcommands) their completers."""
    for param in command.params:
        if param._custom_shell_complete is not None:  # the command chose its own
            continue
        if param.name == "name" and parent == "kpi" and command.name in KPI_NAME_COMMANDS:
            param._custom_shell_complete = _from_database("kpi")
        elif param.name == "name" and parent == "initiative" and command.name == "edit":
            param._custom_shell_complete = _from_database("initiative")
        elif (command.name or "", param.name or "") in BY_COMMAND:
            param._custom_shell_complete = BY_COMMAND[command.name or "", param.name or ""]
        elif param.name == "channels" and command.name == "prefer":
            param._custom_shell_complete = _channels
        elif param.name in BY_NAME and not isinstance(param.type, click.Choice):
            param._custom_shell_complete = BY_NAME[param.name]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            attach_completers(sub, command.name)
