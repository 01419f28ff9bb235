"""Owners (key 2): one row per person, who most needs attention first.

Open work by phase, late, due within 7 days, stale, alerts waiting, follow-ups due, the last
check-in and a workload bar. Enter opens the board filtered to that person.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.worker import get_current_worker

from pdca.db import accountability, rules
from pdca.db.accountability_models import OwnerRow
from pdca.db.errors import PdcaError
from pdca.db.store import Store
from pdca.screens.context import UNDO_ON_THE_BOARD, PaletteEntry
from pdca.screens.from_thread import land
from pdca.screens.row_view import RowView
from pdca.widgets.row_list import Row, RowList
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import fit_name, literal

BAR_WIDTH = 10
LOGIN_WIDTH = 10
# (heading, width) of the number columns, right-aligned under their headings.
NUMBERS = [("P", 3), ("D", 3), ("C", 3), ("A", 3), ("late", 6), ("≤7d", 5), ("stale", 6),
           ("alerts", 7), ("f-ups", 6)]  # fmt: skip


CHECKED_IN = 12  # the "checked in" column's cells ("     15h ago")


def heading(widths: list[int], login_width: int = LOGIN_WIDTH, checked_in: bool = True) -> str:
    # No lead space: the heading's own padding stands over the rows' cursor mark.
    return (
        "owner".ljust(login_width)
        + "".join(label.rjust(width) for (label, _), width in zip(NUMBERS, widths, strict=True))
        + ("checked in".rjust(CHECKED_IN) if checked_in else "")
        + "  load"
    )


def checked_in_fits(widths: list[int], login_width: int, room: int, load_digits: int = 1) -> bool:
    """Whether the "checked in" column fits whole: cut at the edge, "15h ago" read "1…", a
    different number (a tester at 60 columns). Left out where it does not, and where the
    load figure after it would not fit whole then (at 70 columns, "123" was cut, a trial)."""
    return login_width + sum(widths) + CHECKED_IN + 2 + 1 + load_digits <= room


def bar_width_for(
    rows: list[OwnerRow], widths: list[int], login_width: int, checked_in: bool, room: int
) -> int:
    """The load bar, as wide as the line has room for beside the figures, up to
    ``BAR_WIDTH``: at 80 columns a whole bar pushed a load of 10 or more past the edge, cut
    to "██████████ …" (a trial). Under three cells none is drawn: the figure says it."""
    digits = max((len(str(row.open)) for row in rows), default=1)
    used = login_width + sum(widths) + (CHECKED_IN if checked_in else 0) + 2 + 1 + digits
    left = max(0, min(BAR_WIDTH, room - used))
    return left if left >= 3 else 0


def values_of(row: OwnerRow) -> list[int]:
    return [row.plan, row.do, row.check, row.act, row.overdue, row.due_soon, row.stale,
            row.alerts_waiting, row.followups_due]  # fmt: skip


def widths_for(rows: list[OwnerRow]) -> list[int]:
    """Each number column as wide as its widest figure and a space (561 open in Do at
    100 000 actions ran into its neighbours at the usual 3)."""
    figures = [values_of(row) for row in rows]
    return [
        max(width, 1 + max((len(str(values[n])) for values in figures), default=1))
        for n, (_, width) in enumerate(NUMBERS)
    ]


def login_width_for(rows: list[OwnerRow], widths: list[int], room: int) -> int:
    """The login column: as wide as the longest login and a space, as far as the line has
    room beside the other columns; never under 10. At 10 always, abcdefghijk and
    abcdefghijkl were one "abcdefghi…" at any width (a tester)."""
    others = (
        sum(widths) + 12 + 2 + BAR_WIDTH + 1 + max((len(str(row.open)) for row in rows), default=1)
    )
    longest = max((cell_len(literal(row.login)) for row in rows), default=0)
    return max(LOGIN_WIDTH, min(longest + 1, room - others))


def since(at: str | None, now: datetime) -> str:
    """How long ago, as ``pdca owners`` says it (the app's counted 24-hour days, a tester)."""
    return rules.ago_words(at, now)


def heaviest_of(rows: list[OwnerRow]) -> int:
    """The most open work one person holds: the bars compare people. Against the unowned
    pile (356 on the large file) the busiest person's bar was half empty (a new user)."""
    return max((r.open for r in rows if not r.unowned), default=0) or max(
        (r.open for r in rows), default=0
    )


def owner_row(
    row: OwnerRow,
    now: datetime,
    heaviest: int,
    widths: list[int] | None = None,
    login_width: int = LOGIN_WIDTH,
    checked_in: bool = True,
    bar_width: int = BAR_WIDTH,
) -> Row:
    roles = ["", "", "", "", "bad", "warn", "warn", "bad", "accent"]
    widths = widths or [width for _, width in NUMBERS]
    # Cut in the middle: logins alike at their start stay apart by their end (abcdefg…qrs1,
    # abcdefg…qrs2; a tester's four read "abcdefghij…" at 80 columns).
    login = fit_name(literal(row.login), login_width)
    login += " " * (login_width - cell_len(login))
    cells: Row = [(login, "muted" if row.unowned else "bold")]
    for value, role, width in zip(values_of(row), roles, widths, strict=True):
        cells.append(
            (f"{value}".rjust(width) if value else "·".rjust(width), role if value else "muted")
        )
    # Over the busiest person: the unowned pile's bar, bigger, is full (``heaviest_of``).
    filled = min(bar_width, round(bar_width * row.open / heaviest)) if heaviest else 0
    if row.open and not filled and bar_width:  # 2 beside 46 drew an empty bar, read as none
        filled = 1  # (a trial)
    if checked_in:
        cells.append(
            (("" if row.unowned else since(row.last_checkin_at, now)).rjust(CHECKED_IN), "muted")
        )
    cells += [
        ("  ", ""),
        ("█" * filled, "accent"),
        ("░" * (bar_width - filled), "muted"),
        (f" {row.open}", "muted"),
    ]
    return cells


class OwnersScreen(RowView):
    """Named accountability: who owns what, and who is behind."""

    VIEW = "Owners"

    BINDINGS = [
        UNDO_ON_THE_BOARD,
        Binding("r", "reload", "Reload", show=False, id="owners-reload"),
        # Fifty people and more on one file: scrolling to "tara" by j (a lead's trial).
        Binding("slash", "find_owner", "Find", id="owners-find"),
    ]

    DEFAULT_CSS = """
    OwnersScreen #owners-heading { height: 1; padding: 0 1; background: $panel; color: $text-muted; text-style: bold; }
    OwnersScreen #owners-summary { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """  # noqa: E501

    def __init__(self) -> None:
        super().__init__()
        self.owners: list[OwnerRow] = []
        self.cadence: int | None = None  # the stale cadence of the rows shown

    def on_resize(self) -> None:
        # Wider or narrower: the login column takes what room there is.
        if self.cadence is not None:
            self.call_after_refresh(self.show, self.owners, self.cadence)

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="owners-summary")
        yield Static(Text(heading([width for _, width in NUMBERS])), id="owners-heading")
        yield RowList(empty="nobody owns open work yet", id="owners-list")

    def load(self) -> None:
        # The first paint straight from the store (its rows are what the view is opened
        # for); reads again, when someone changed the file or the view comes back, on a thread.
        try:
            rows = accountability.owners(self.context.store)
            settings = accountability.team_settings(self.context.store)
        except PdcaError as error:
            self.notify(str(error), severity="error")
            return
        self.show(rows, settings.stale_after_days)

    def reload(self) -> None:
        self._read_owners()

    @work(thread=True, exclusive=True, group="owners-read")
    def _read_owners(self) -> None:
        """A tenth of a second or more at 100 000 actions: on a thread with its own connection
        (DESIGN rule 6), so a colleague's write never holds the keys up."""

        def read(reader: Store) -> tuple[list[OwnerRow], int]:
            cadence = accountability.team_settings(reader).stale_after_days
            return accountability.owners(reader), cadence

        try:
            rows, cadence = self.context.read(read)
        except PdcaError as error:
            land(self, self.notify, str(error), severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way
            land(self, self.show, rows, cadence)

    def show(self, rows: list[OwnerRow], cadence: int) -> None:
        keep = self.current.login if self.current else None
        self.owners = rows
        now = self.context.clock()
        heaviest = heaviest_of(rows)
        widths = widths_for(rows)
        self.cadence = cadence
        # The list's cells less its cursor mark (and the heading's padding over it); the
        # terminal's, less its scrollbar, before the list has been laid out.
        listed = self.query_one(RowList).scrollable_content_region.width
        room = (listed or self.app.size.width - 2) - 1
        login = login_width_for(rows, widths, room)
        digits = max((len(str(r.open)) for r in rows), default=1)
        fits = checked_in_fits(widths, login, room, digits)
        self.query_one("#owners-heading", Static).update(Text(heading(widths, login, fits)))
        bar = bar_width_for(rows, widths, login, fits, room)
        rendered = [owner_row(r, now, heaviest, widths, login, fits, bar) for r in rows]
        index = next((i for i, r in enumerate(rows) if r.login == keep), None)
        self.query_one(RowList).show(rendered, index)
        late = sum(r.overdue for r in rows)
        due = sum(r.followups_due for r in rows)
        alerts = sum(r.alerts_waiting for r in rows)
        summary = Text()
        people = sum(not r.unowned for r in rows)
        summary.append(f"{people} {'person' if people == 1 else 'people'}", style="bold")
        alerts_word = "alert" if alerts == 1 else "alerts"
        due_word = "follow-up" if due == 1 else "follow-ups"
        summary.append(f" · {late} late · {alerts} {alerts_word} waiting · {due} {due_word} due")
        # the rule said as the room allows, short or not at all: at 80 columns it was cut
        # to "stale afte…" (a team of three); the heading's stale column stays
        room = self.app.size.width - 2 - summary.cell_len
        for stale in (
            f" · stale after {cadence} days without a check-in",
            f" · stale after {cadence}d",
        ):
            if len(stale) <= room:
                summary.append(stale, style="dim")
                break
        self.query_one("#owners-summary", Static).update(summary)

    @property
    def current(self) -> OwnerRow | None:
        rows = self.query(RowList)
        if not rows or not self.owners:
            return None
        index = rows.first().cursor
        return self.owners[index] if 0 <= index < len(self.owners) else None

    @on(RowList.Selected)
    def open_selected(self) -> None:
        self.action_open_owner()

    def action_open_owner(self) -> None:
        row = self.current
        if row is not None:  # unowned work: the board's "no owner" filter (UNOWNED)
            self.open_board(row.login)

    @work(group="jump", exclusive=True)
    async def open_board(self, login: str | None) -> None:
        from pdca.screens.jump import open_on_board

        await open_on_board(self.app, owner=login)

    def action_reload(self) -> None:
        self.reload()

    def action_find_owner(self) -> None:
        self.find_owner()

    @work(group="flow", exclusive=True)  # a flow: it waits on its dialog
    async def find_owner(self) -> None:
        """Pick a person from those listed, narrowed as one types; the cursor goes to them."""
        from pdca.screens.dialogs import PickModal  # dialogs are imported when first opened

        logins = [row.login for row in self.owners if not row.unowned]
        if not logins:
            self.notify("nobody to find: nobody owns open work yet", severity="warning")
            return
        picked = await self.app.push_screen_wait(
            PickModal(heading="Find a person", options=sorted(logins, key=str.casefold))
        )
        index = next((i for i, row in enumerate(self.owners) if row.login == picked), None)
        if index is not None:
            rows = self.query_one(RowList)
            rows.set_cursor(index)
            rows.focus()

    def palette_commands(self) -> list[PaletteEntry]:
        return [
            PaletteEntry(
                "Open the board of this owner",
                "The highlighted person's actions (enter)",
                self.action_open_owner,
            ),
            PaletteEntry(
                "Reload owners", "Read the owners again", self.action_reload, "owners-reload"
            ),
            PaletteEntry(
                "Find a person",
                "Type to narrow, enter goes to them",
                self.action_find_owner,
                "owners-find",
            ),
        ]
