"""What the command line's options take beyond click's own: a login of ``me`` (yourself, as
Linear's "My issues"), and a choice by its first letters (``--priority h``, as Taskwarrior's
``priority:H``). A power user's morning found both refused."""

from __future__ import annotations

from typing import Any

import click


def me_is_you(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--owner me`` is the login pdca writes as ($PDCA_USER, else yours)."""
    if value is None or value.strip().lower() != "me":
        return value
    from pdca.tui.identity import current_user  # not imported before a command needs it

    environ = getattr(ctx.find_root().obj, "environ", None)
    if environ is None:  # before the session is made (completion): as the process sees it
        import os

        environ = dict(os.environ)
    return current_user(environ)


def me_is_you_in_list(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--escalate-to me,bob``: each ``me`` in a comma list, yourself (it made a person
    named "me", a retrial)."""
    if value is None:
        return value
    return ",".join(me_is_you(ctx, param, part) or part for part in value.split(","))


class PriorityChoice(click.Choice):
    """high, normal or low, the start of one (``h``), or another tool's word for one
    (``medium``, ``urgent``: ``db.models.PRIORITY_WORDS``)."""

    def __init__(self) -> None:
        from pdca.db.models import PRIORITIES

        super().__init__(PRIORITIES)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pdca.db.models import priority_of

        if isinstance(value, str):
            word = priority_of(value) if value.strip() else None
            if word in self.choices:
                return word
            from pdca.db.models import OTHER_PRIORITY_WORDS

            # the other words it takes too: "urgent2" was told of high, normal and low alone,
            # and urgent, P3 and medium, all taken, looked refused (a newcomer)
            choices = ", ".join(map(repr, self.choices))
            self.fail(f"{value!r} is not one of {choices} ({OTHER_PRIORITY_WORDS})", param, ctx)
        return super().convert(value, param, ctx)


class ShortChoice(click.Choice):
    """One of ``choices``, or the start of exactly one, in any case (``h``, ``Hi``: high)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value:
            starting = [c for c in self.choices if str(c).startswith(value.strip().lower())]
            if len(starting) == 1 and value.strip():
                return starting[0]
        return super().convert(value, param, ctx)


class PhaseChoice(click.Choice):
    """plan, do, check or act, in any case (``Do``, as a CSV import takes ``DO``); ``done``,
    no phase, is refused naming the command that ends an action (a Taskwarrior user's
    ``move 9 done``)."""

    ENDS = "pdca done ID --decision standardize|adjust|abandon ends an action"

    def __init__(self, done: str = ENDS) -> None:
        """``done``: what is said of ``done`` there (a list's is ``--all``)."""
        from pdca.db.models import PHASES

        super().__init__(PHASES, case_sensitive=False)
        self.done = done

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.strip().lower() in ("done", "closed", "finished"):
            self.fail(f"{value!r} is not a phase (plan, do, check, act): {self.done}", param, ctx)
        word = value.strip() if isinstance(value, str) else value
        if isinstance(value, str) and not word:  # as typed: '   ' was named as '' (a trial)
            self.fail(f"{value!r} is not one of {', '.join(map(repr, self.choices))}", param, ctx)
        return super().convert(word, param, ctx)
