"""A name that names nothing (a KPI, an initiative), in the one wording every lookup shares,
and a new name another one holds already::

    kpi: “Lead tme” is not a known KPI; did you mean “Lead time”?
    --initiative: “zzz” is not a known initiative (list them: pdca initiative list)

Names are shown between curly quotes, exactly as they are (``quoted_name``), so they copy
whole; a tester met “…” for a KPI and '…' for an initiative in the same session."""

from __future__ import annotations

from collections.abc import Sequence

from pdca.db.errors import InvalidInput, NotFound
from pdca.db.models import quoted_name

SUGGESTED = 5  # close names a "not a known ..." message offers


def close_names(wanted: str, names: Sequence[str], limit: int = SUGGESTED) -> tuple[list[str], int]:
    """Names close to ``wanted`` (those starting with it, then holding it, then spelled
    alike), at most ``limit``, and how many more start with or hold it."""
    import difflib

    key = wanted.strip().casefold()
    if not key:
        return [], 0
    starting = sorted((n for n in names if n.casefold().startswith(key)), key=str.casefold)
    holding = sorted(
        (n for n in names if key in n.casefold() and n not in starting), key=str.casefold
    )
    folded = {n.casefold(): n for n in names}
    alike = [folded[f] for f in difflib.get_close_matches(key, list(folded), n=limit)]
    found = list(dict.fromkeys([*starting, *holding, *alike]))
    return found[:limit], max(0, len(starting) + len(holding) - limit)


def unknown_name_hint(wanted: str, names: Sequence[str], listing: str) -> str:
    """``; did you mean “A”, “B” (and 3 more: LISTING)?`` or nothing."""
    shown, more = close_names(wanted, names)
    if not shown:
        return ""
    listed = ", ".join(quoted_name(n) for n in shown)
    where = f": {listing}" if listing else ""
    return f"; did you mean {listed}" + (f" (and {more} more{where})" if more else "") + "?"


class UnknownName(InvalidInput, NotFound):
    """``field`` (what the person typed it as: ``--kpi``, ``initiative``) names no ``kind``.
    Both an ``InvalidInput`` (a bad value) and a ``NotFound`` (callers catch either);
    ``listing`` is the command that lists them (none in the app's forms), and ``also`` what
    else may help."""

    def __init__(
        self,
        field: str,
        wanted: str,
        names: Sequence[str],
        *,
        kind: str,
        listing: str,
        also: str = "",
    ) -> None:
        hint = unknown_name_hint(wanted, names, listing)
        listed = f" (list them: {listing}{also})" if listing else ""  # the app: none
        # with close names offered, what else may help still said ("an action's report is
        # #1" was lost whenever an initiative's name held a 1, a reviewer)
        offered = hint + (f" ({also.removeprefix('; ')})" if also else "")
        why = f"is not a known {kind}" + (offered if hint else listed)
        self.field, self.value, self.why = field, wanted, why  # as InvalidInput
        self.kind, self.key = kind, wanted  # as NotFound
        self.typed_as(field)

    def typed_as(self, field: str) -> UnknownName:
        """The same refusal named as the person typed the field (``--initiative``)."""
        self.field = field
        self.args = (f"{field}: {quoted_name(str(self.value))} {self.why}",)
        return self


class UnknownInitiative(UnknownName):
    """An initiative's name that names none, in the KPIs' words::

    --initiative: “zzz” is not a known initiative (list them: pdca initiative list; add
    one: pdca initiative add NAME)
    """

    def __init__(self, field: str, wanted: str, names: Sequence[str]) -> None:
        also = "; add one: pdca initiative add NAME"
        super().__init__(
            field, wanted, names, kind="initiative", listing="pdca initiative list", also=also
        )


def taken_why(kind: str, typed: str, taken: str) -> str:
    """Why a new name of a ``kind`` is refused: ``taken`` is held already, the same but for
    case or spacing. "'ops' is taken by the initiative 'Ops'" and "'Ops' is taken by the
    initiative 'Ops'" read as if the name repeated itself (a new user)."""
    if typed.strip() == taken:
        article = "an" if kind[0] in "aeiou" else "a"
        return f"is already the name of {article} {kind}"
    return f"is taken by the {kind} {taken!r}"
