"""The flow figures as text: aligned columns for a terminal, and Markdown tables for chat,
wikis and the cycle report. Never imports Textual.

User text (titles, logins, initiative names) is data: escaped for the terminal with
``printable`` (``table`` does it) and for Markdown with ``md_escape``.
"""

from __future__ import annotations

from pdca.db.clock import local_day
from pdca.db.flow_models import CycleTime, Flow, InitiativeFlow, OwnerFlow, PhaseFlow
from pdca.db.flow_rules import TREND_WORDS, count_bars, number, percent, rounds_words
from pdca.tui.columns import table
from pdca.tui.output import md_escape
from pdca.widgets.sparkline import sparkline


def throughput_line(flow: Flow) -> str:
    weekly = [w.finished for w in flow.throughput]
    return (
        f"{count_bars(weekly)}  {flow.finished} finished in {flow.weeks} weeks"
        f" (last week {weekly[-1] if weekly else 0}), {flow.abandoned} abandoned"
        + rounds_words(flow, ", ")
    )


def cycle_line(cycle: CycleTime, flow: Flow) -> str:
    medians = [w.median_cycle_days for w in flow.throughput]
    trend = TREND_WORDS[cycle.trend]
    if cycle.trend in ("shorter", "longer", "flat"):
        trend += (
            f" ({number(cycle.earlier_median_days)} → {number(cycle.recent_median_days)},"
            " the last 6 weeks against the weeks before)"
        )
    return (
        f"{sparkline(medians)}  median {number(cycle.median_days)}, 85% within "
        f"{number(cycle.p85_days)} ({cycle.count} finished); {trend}"
    )


def _phase_cells(p: PhaseFlow, *, titled: bool = False) -> list[str]:
    oldest = "–" if p.oldest_id is None else f"#{p.oldest_id} {number(p.oldest_days)}"
    if titled and p.oldest_title is not None:
        # whole: the table cuts it to a terminal's width, and a pipe or file gets it all, as
        # every other table's cells (cut at 40 always, a tester)
        oldest += f" {p.oldest_title}"
    return [
        p.phase.capitalize(),
        str(p.wip),
        number(p.median_days),
        number(p.p85_days),
        str(p.stays),
        str(p.went_back),
        oldest,
    ]


PHASE_HEADERS = ["PHASE", "WIP", "MEDIAN", "85%", "STAYS", "BACK", "OLDEST"]
OWNER_HEADERS = ["OWNER", "OPEN", "CADENCE", "WEEKS", "LATE", "LATE OF"]
INITIATIVE_HEADERS = ["INITIATIVE", "STD", "ADJ", "ABANDON", "HOLDING", "SLIPPED", "WAITING"]


def _owner_cells(o: OwnerFlow) -> list[str]:
    return [
        o.login,
        str(o.open),
        percent(o.cadence_kept),
        f"{o.weeks_kept}/{o.weeks_expected}",
        percent(o.late_share),
        str(o.late_of),
    ]


def _initiative_cells(i: InitiativeFlow) -> list[str]:
    return [
        i.name,
        str(i.standardize),
        str(i.adjust),
        str(i.abandon),
        str(i.holding),
        str(i.slipped),
        str(i.followups_waiting),
    ]


def plain_text(flow: Flow) -> str:
    """``pdca flow``: the figures as aligned columns (the stays of the last weeks, WIP now)."""
    lines = [
        f"flow of the last {flow.weeks} weeks (since {local_day(flow.since)})",
        "",
        table(
            PHASE_HEADERS,
            [_phase_cells(p, titled=True) for p in flow.phases],
            cut=(("OLDEST", 16),),
        ),
        "",
        "throughput  " + throughput_line(flow),
        "cycle time  " + cycle_line(flow.cycle, flow),
    ]
    if flow.owners:
        lines += ["", table(OWNER_HEADERS, [_owner_cells(o) for o in flow.owners], cut=("OWNER",))]
        lines.append(cadence_note(flow.weeks))
    if flow.initiatives:
        cells = [_initiative_cells(i) for i in flow.initiatives]
        lines += ["", table(INITIATIVE_HEADERS, cells, cut=(("INITIATIVE", 16),))]
    return "\n".join(lines)


def _sentence(line: str) -> str:
    return line[:1].upper() + line[1:] + "."


def cadence_note(weeks: int) -> str:
    """What an owner's cadence counts (flow_rules.weeks_kept), in a line."""
    return (
        f"cadence: of the last {weeks} whole calendar weeks (Monday to Sunday, UTC) each open"
        " action lived through, the share with a check-in on it; this week counts once over"
    )


def _md_table(headers: list[str], rows: list[list[str]], numeric_from: int = 1) -> list[str]:
    align = ["---" if i < numeric_from else "---:" for i in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def markdown(flow: Flow, heading: str = "##") -> str:
    """The flow figures as Markdown (``pdca flow --format md``, the report's Flow section)."""
    phases = []
    for p in flow.phases:
        cells = _phase_cells(p)
        if p.oldest_id is not None:
            title = md_escape(p.oldest_title or "")
            cells[-1] = f"#{p.oldest_id} {title} ({number(p.oldest_days)})"
        phases.append(cells)
    lines = [
        f"{heading} Flow — the last {flow.weeks} weeks (since {local_day(flow.since)})",
        "",
        "How long actions stay in each phase (stays that ended in the window), work in "
        "progress now, the oldest open item, and moves back to an earlier phase:",
        "",
        *_md_table(PHASE_HEADERS, phases),
        "",
        f"- **Throughput** (finished per week): `{throughput_line(flow)}`",
        f"- **Cycle time** (created to done): `{cycle_line(flow.cycle, flow)}`",
    ]
    if flow.owners:
        owners = [[md_escape(o.login), *_owner_cells(o)[1:]] for o in flow.owners]
        lines += ["", f"{heading}# Owners", "", _sentence(cadence_note(flow.weeks)), ""]
        lines += _md_table(OWNER_HEADERS, owners)
    if flow.initiatives:
        rows = [[md_escape(i.name), *_initiative_cells(i)[1:]] for i in flow.initiatives]
        lines += [
            "",
            f"{heading}# Decisions and follow-ups per initiative",  # as the HTML says it
            "",
            *_md_table(INITIATIVE_HEADERS, rows),
        ]
    return "\n".join(lines)
