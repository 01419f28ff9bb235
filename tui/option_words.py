"""The one line for a word click took for an option it does not know: a negative number, or
text that starts with -.

click says "No such option '-1'." for ``pdca show -1`` or ``pdca add -5``, as if pdca did not
know of the option. Said instead by where the number stands: an id or a phase there is none;
text there goes after ``--``. So is a word that starts with a letter after its -, where the
command takes text (``pdca add "-leading dash"``).
"""

from __future__ import annotations

import click

from pdca.db.errors import PdcaError, shell_word


def no_such_option(error: click.exceptions.NoSuchOption, arguments: list[str]) -> str:
    """click's "No such option '-1'." for a negative number read as if pdca did not know of
    the option (a tester's ``alerts ack -1 x``). Said as what it is: where the command takes
    text (a title, a message, a note), how to give text that starts with -; where it takes
    none, that nothing it takes is negative. A reading's ``kpi record NAME -3`` takes its
    number, and never comes here."""
    said = " ".join(error.format_message().split())
    name = error.option_name
    ctx = error.ctx
    if ctx is None:
        return said
    # The whole word typed ("-3%", "-leading dash"), not the part click read as an option
    # ("-3", "-l"): a long option is read whole.
    token = next(
        (a for a in arguments if a.startswith(name) and (name.startswith("--") or a[1:2] != "-")),
        None,
    )
    if token is None and not name.startswith("--"):
        # A letter further in a word click read as short options run together: "- " of
        # "-h is broken", "-e" of "-help" (a retrial): the word is what was typed
        token = next(
            (a for a in arguments if a[:1] == "-" and a[1:2] != "-" and name[1:] in a[2:]), None
        )
    token = token or name
    command = ctx.command_path.partition(" ")[2]
    if not name[1:2].isdigit():
        if error.possibilities and not any(c.isspace() for c in token):
            return said  # "--ownr": click's "Did you mean --owner?" says it best; not text
            # ("--owner is me" was asked "Did you mean '--owner'?", a retrial)
        return _text_or_unknown(said, ctx, arguments, token, command, name)
    slot = _slot_of(ctx, arguments, token)
    if slot is None:
        return f"{command}: {token} is no option, and nothing pdca {command} takes is negative"
    what = slot.human_readable_name.lower().removesuffix("...")  # edit's ID...
    if _takes_text(slot, ctx, token):
        return f"{command}: {shell_word(token)} is no option; {_after_dashes(command, token)}"
    ids = ": ids are numbers from 1" if what.endswith("id") else ""
    return f"{command}: {token} is no option, and no {what}{ids}"


def _text_or_unknown(
    said: str, ctx: click.Context, arguments: list[str], token: str, command: str, name: str
) -> str:
    """A word that starts with a letter after its - where the command takes text: "No such
    option '-l'." for ``pdca add "-leading dash"`` said nothing of the text (a tester;
    ``-1 blocker`` was told how). Text with a blank in it is no option at all; a single word
    may be either, so both are said."""
    text = next(
        (
            p
            for p in ctx.command.params
            if isinstance(p, click.Argument) and p.name in TEXT_ARGUMENTS
        ),
        None,
    )
    if token.partition("=")[0] in TEXT_OPTIONS and text is not None:
        # followup's "--note" (kpi record takes one): the hint to put it after -- would have
        # saved the word "--note" as the note (a new user); wherever it stands ("checkin -m
        # x 1" got click's bare "No such option", a retrial)
        what = text.human_readable_name
        given = _with_text_in_place(ctx, arguments, token)
        example = f"pdca {given}" if given else f"pdca {command} --help"
        option = token.partition("=")[0]
        return f"{command}: no option {option}; give the {what} without one ({example})"
    slot = _slot_of(ctx, arguments, token)
    if slot is None or not _takes_text(slot, ctx, token):
        if token != name:  # the whole word, not click's letter of it (a retrial)
            return f"{command}: no option {shell_word(token)} (pdca {command} --help lists them)"
        return said
    how = _after_dashes(command, token)
    if any(character.isspace() for character in token):
        return f"{command}: {shell_word(token)} is no option; {how}"
    return f"{command}: no option {token} (pdca {command} --help lists them); {how}"


# Options other tools give a note or a message by (git's -m, kpi record's --note), and the
# arguments of pdca's commands that take that text in place
TEXT_OPTIONS = {"--note", "--notes", "--message", "--msg", "-m", "--comment", "--text"}
TEXT_ARGUMENTS = {"message", "note", "notes", "text"}


def _with_text_in_place(ctx: click.Context, arguments: list[str], token: str) -> str:
    """The words typed, ``token`` and its value given as the text itself, last (where every
    command's message or note stands): ``followup 1 holding "Canary caught it"``; empty
    without a value. With what came before the command (``--db FILE``): dropped, the hint
    pasted wrote to another file (a retrial)."""
    start = max(_after_command(ctx, arguments), 0)
    before, words = arguments[:start], arguments[start:]
    option, equals, value = token.partition("=")
    given = [word for word in words if word.partition("=")[0] == option]
    if token not in words or len(given) > 1:  # before the command (--db -m), or twice
        return ""
    at = words.index(token)
    if not equals:
        value = words.pop(at + 1) if at + 1 < len(words) else ""
    options = {name for param in ctx.command.params for name in getattr(param, "opts", ())}
    if not value.strip() or value == "--" or value.partition("=")[0] in options | TEXT_OPTIONS:
        return ""  # no text given: its name, or the next option, is none (a reviewer)
    del words[at]
    # last: "followup 9 --note x holding" put the note where the result goes (a retrial);
    # text that starts with - after --
    words += ["--", value] if value.startswith("-") else [value]
    return " ".join(shell_word(word) for word in [*before, *words])


def _after_dashes(command: str, token: str) -> str:
    """How to give text that starts with -, with the words as typed, quoted for the shell."""
    return (
        "text that starts with - goes after --, the options before it"
        f" (pdca {command} ... -- {shell_word(token)})"
    )


def _takes_text(slot: click.Argument, ctx: click.Context, token: str) -> bool:
    """``slot`` takes ``token`` as text: not an id (followup's ID is read as text, for #12),
    a whole number, a phase or any choice."""
    if slot.human_readable_name.lower().endswith("id"):
        return False
    if isinstance(slot.type, click.types.IntParamType):
        return False
    try:
        slot.type.convert(token, slot, ctx)
    except (click.BadParameter, PdcaError):
        return False
    return True


def refuse_help_where_text_goes(ctx: click.Context, words: list[str]) -> None:
    """-h or --help where the command takes text, with other words: a script's ``pdca add
    "$title" --owner ann`` with a title "--help" printed the help and exited 0, nothing
    written (a tester: one line of 500 lost, counted as added). Refused instead, saying both
    ways; ``pdca add --help`` alone, or after the text, is the help as ever. ``words``: those
    after the command's name."""
    asked = set(ctx.help_option_names)
    end = words.index("--") if "--" in words else len(words)
    if ctx.ignore_unknown_options:  # kpi record, config: their negative values pass as words
        _refuse_a_word_read_as_help(ctx, words[:end], words)
    token = next((word for word in words[:end] if word in asked), None)
    if token is None:
        return
    others = [word for word in words if word not in asked]
    if others[:1] == ["--db"]:
        others = others[2:]
    if not [word for word in others if not word.startswith("--db=") and word != "--db"]:
        return
    slot = _slot_in(ctx, words, token)
    if slot is None or not _takes_text(slot, ctx, token):
        return
    command = ctx.command_path.partition(" ")[2]
    what = slot.human_readable_name.lower()
    raise click.UsageError(
        f"{command}: {token} stands where the {what} goes; nothing done: for the help,"
        f" pdca {command} {token} alone; for a {what} that is {token},"
        f" {_after_dashes(command, token)}"
    )


def _refuse_a_word_read_as_help(ctx: click.Context, before: list[str], whole: list[str]) -> None:
    """A word click reads as short options run together, an h among them ("-h x", "-help",
    "-ghost"), where the command lets unknown options through as words: the h printed the
    help, exit 0, and nothing was recorded (a retrial's ``kpi record "-h x" 5``, and after
    the value too). Refused as the word it is, wherever it stands but as an option's value
    (``--note "-h x"`` is the note)."""
    options = _options_of(ctx)
    a_value = False
    for word in before:
        if a_value:
            a_value = False
            continue
        option = options.get(word.partition("=")[0])
        if option is not None:
            a_value = not (option.is_flag or option.count) and "=" not in word
            continue
        if word in ctx.help_option_names or word[:1] != "-" or word[1:2] in ("", "-"):
            continue
        if "h" not in word[1:]:
            continue
        command = ctx.command_path.partition(" ")[2]
        lists = f"no option {shell_word(word)} (pdca {command} --help lists them)"
        if _slot_in(ctx, whole, word) is None:  # past every argument: no text goes there
            raise click.UsageError(f"{command}: {lists}")
        how = _after_dashes(command, word)
        if any(character.isspace() for character in word):
            raise click.UsageError(f"{command}: {shell_word(word)} is no option; {how}")
        raise click.UsageError(f"{command}: {lists}; {how}")


def _options_of(ctx: click.Context) -> dict[str, click.Option]:
    """The command's options by each of their names."""
    return {
        name: param
        for param in ctx.command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }


def _slot_of(ctx: click.Context, arguments: list[str], token: str) -> click.Argument | None:
    """The argument of ``ctx``'s command that ``token`` stands in the place of, counting the
    words typed after the command's name that are not options or their values."""
    at = _after_command(ctx, arguments)
    return None if at < 0 else _slot_in(ctx, arguments[at:], token)


def _slot_in(ctx: click.Context, words: list[str], token: str) -> click.Argument | None:
    """``_slot_of`` in ``words``, those after the command's name."""
    options = _options_of(ctx)
    position, rest = 0, words
    index = 0
    while index < len(rest) and rest[index] != token:
        word = rest[index]
        if word.startswith("-") and len(word) > 1:
            option = options.get(word.partition("=")[0])
            if option is not None and not (option.is_flag or option.count) and "=" not in word:
                index += 1  # its value
        else:
            position += 1
        index += 1
    if index >= len(rest):  # not in an argument's place: an option's value (--owner -h)
        return None
    slots = [param for param in ctx.command.params if isinstance(param, click.Argument)]
    for number, slot in enumerate(slots):
        if number == position or (slot.nargs == -1 and number <= position):
            return slot
    return None


def _after_command(ctx: click.Context, arguments: list[str]) -> int:
    """Where the words after the command's name begin in ``arguments``; -1 if not found."""
    at = 0
    for word in ctx.command_path.split()[1:]:
        if word not in arguments[at:]:
            return -1
        at = arguments.index(word, at) + 1
    return at
