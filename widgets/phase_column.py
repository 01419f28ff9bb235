"""One PDCA phase's cards, drawn line by line: only the visible cards cost anything.

A column of the huge database holds tens of thousands of actions, so cards are not widgets
and are not all in memory: the column is a ``ScrollView`` whose ``render_line`` draws the
card under each screen row (Textual's Line API), out of a window of loaded cards around what
is on screen. It knows how many cards it has (``total``); a card outside the window is read
through ``source`` (given by the screen: offset, count -> cards), which replaces the window,
so memory stays flat however far a person scrolls. It is dumb otherwise: the screen hands it
cards and the date, it keeps a cursor, and it posts ``Highlighted`` and ``Selected`` upward.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from pdca.db.models import VERDICT_WORDS, Action
from pdca.widgets.line_list import LineList
from pdca.widgets.marks import REPEAT_MARK, status_mark
from pdca.widgets.sparkline import sparkline
from pdca.widgets.text import fit, fit_name, literal

CARD_LINES = 4  # title; owner and due; check-in and initiative; linked KPI
CARD_HEIGHT = CARD_LINES + 1  # and a blank line between cards
COMPACT_LINES = 2  # compact cards: title; check-in mark, owner and due
NEAR_DAYS = 182  # a due date this close shows as "Jan 6", without its year
COMPACT_HEIGHT = COMPACT_LINES + 1
DUE_SOON_DAYS = 3
SPARK_CELLS = 8  # the linked KPI's last eight cadence periods
WINDOW_BEFORE = 24  # cards kept loaded before the one asked for (scrolling back up)
WINDOW_CARDS = 72  # cards loaded at a time: a few screens, whatever the column's length

# Reads ``count`` cards from ``offset`` on, in the column's order.
PageSource = Callable[[int, int], list[Action]]
# Before the title: what matters most stands out, what can wait steps back; normal: nothing.
PRIORITY_MARKS = {"high": "↑ ", "normal": "", "low": "↓ "}


class PhaseColumn(LineList, inherit_bindings=False):
    """The cards of one phase with a cursor; the board decides what happens to them.

    Its own keys only (``inherit_bindings=False``): a scroll view's left/right would shadow
    the board's keys for moving between columns, in the keys themselves and in ``?``.
    """

    # Not offered by the palette's Maximize: a maximized column hid the others, but the
    # board's keys still moved focus to them, and > then moved a card nobody could see (a
    # tester). Four columns are the board; a narrow terminal scrolls them with h and l.
    ALLOW_MAXIMIZE = False

    DEFAULT_CSS = """
    PhaseColumn {
        height: 1fr;
        /* The vertical scrollbar leaves the cards one cell narrower than the column: without
           this, left/right scrolled that cell instead of reaching the board's column keys. */
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    PhaseColumn > .phase-column--cursor { background: $boost; }
    PhaseColumn:focus > .phase-column--cursor { background: $primary 35%; }
    PhaseColumn > .phase-column--marker { color: $accent; }
    PhaseColumn > .phase-column--id { color: $text-muted; }
    PhaseColumn > .phase-column--title { text-style: bold; }
    PhaseColumn > .phase-column--muted { color: $text-muted; }
    PhaseColumn > .phase-column--overdue { color: $text-error; text-style: bold; }
    PhaseColumn > .phase-column--due-soon { color: $text-warning; }
    PhaseColumn > .phase-column--stale { color: $text-warning; text-style: bold; }
    PhaseColumn > .phase-column--on-track { color: $text-success; }
    PhaseColumn > .phase-column--at-risk { color: $text-warning; }
    PhaseColumn > .phase-column--blocked { color: $text-error; }
    PhaseColumn > .phase-column--none { color: $text-muted; }
    PhaseColumn > .phase-column--done { color: $text-disabled; }
    PhaseColumn > .phase-column--empty { color: $text-muted; text-style: italic; }
    PhaseColumn > .phase-column--spark { color: $accent; }
    PhaseColumn > .phase-column--verdict { text-style: italic; }
    PhaseColumn > .phase-column--high { color: $text-error; text-style: bold; }
    PhaseColumn > .phase-column--low { color: $text-muted; }
    """

    COMPONENT_CLASSES = {
        "phase-column--cursor",
        "phase-column--marker",
        "phase-column--id",
        "phase-column--title",
        "phase-column--muted",
        "phase-column--overdue",
        "phase-column--due-soon",
        "phase-column--stale",
        "phase-column--on-track",
        "phase-column--at-risk",
        "phase-column--blocked",
        "phase-column--none",
        "phase-column--done",
        "phase-column--empty",
        "phase-column--spark",
        "phase-column--verdict",
        "phase-column--high",
        "phase-column--low",
    }

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="card-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="card-down"),
        Binding("home,g", "cursor_first", "First", show=False, id="card-first"),
        Binding("end,G", "cursor_last", "Last", show=False, id="card-last"),
        Binding("pageup", "page_up_cards", "Page up", show=False, id="card-page-up"),
        Binding("pagedown", "page_down_cards", "Page down", show=False, id="card-page-down"),
    ]

    class Highlighted(Message):
        """The cursor rests on another card (``action_id`` is None in an empty column)."""

        def __init__(self, column: PhaseColumn, action_id: int | None) -> None:
            super().__init__()
            self.column = column
            self.action_id = action_id

        @property
        def control(self) -> PhaseColumn:
            return self.column

    class Selected(Highlighted):
        """A card was double-clicked: the board opens it."""

    _base_style: Style | None = None

    def __init__(self, phase: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._piece_styles: dict[str, Style] = {}  # by component class, until the CSS changes
        self.phase = phase
        self.actions: list[Action] = []  # the loaded window: cards start .. start + len
        self.start = 0
        self.total = 0  # cards in the column, loaded or not
        self.source: PageSource | None = None
        self.today = date.today()
        # Recent readings of the linked KPIs, by KPI id: the board feeds them in.
        self.sparklines: dict[int, list[float | None]] = {}
        self.card_lines = CARD_LINES
        self.card_height = CARD_HEIGHT
        self.empty_text = " no actions"  # the board says how to add one where it helps

    def set_compact(self, compact: bool) -> None:
        """Two lines a card (title; check-in mark, owner and due) or the full four. The card
        at the top stays at the top, whole (scrolled by lines, it began mid-card)."""
        first = int(self.scroll_y) // self.card_height
        self.card_lines = COMPACT_LINES if compact else CARD_LINES
        self.card_height = self.card_lines + 1
        self.update_virtual_size()
        self.scroll_to(y=first * self.card_height, animate=False, immediate=True)
        if self.total:
            self.scroll_to_row(self.cursor)
            # Again once laid out: a column that fitted its compact cards had no room to
            # scroll yet, and the last card, under the cursor, stayed below the edge (a
            # retrial), as after a resize (``on_resize``).
            self.call_after_refresh(self.scroll_to_row, self.cursor)
        self.refresh()

    def to_top(self) -> None:
        """The first card at the top, the cursor on it: where a column starts anew (a new
        filter, whose matches may be anywhere in what was shown before)."""
        self.scroll_to(y=0, animate=False, immediate=True)
        # Quietly: a Highlighted message for the old first card would move the board's focus
        # off the card a jump asked for (the reload puts the cursor on it).
        self.set_reactive(PhaseColumn.cursor, 0)
        self.refresh()

    # ------------------------------------------------------------------ data in

    def show(
        self,
        actions: list[Action],
        today: date,
        keep_id: int | None = None,
        *,
        total: int | None = None,
        start: int = 0,
        cursor: int | None = None,
    ) -> None:
        """Replace the cards: ``actions`` are cards ``start`` on of ``total`` (default: all of
        them). The cursor goes to ``cursor``, else stays on ``keep_id`` (or the same place).
        Drawn again only when what is on screen changed: a colleague's write to a card out
        of sight repainted the whole column, 6 KB to every open board over SSH (a trial)."""
        drawn = self._on_screen()
        was = (self.cursor, self._loaded_id(self.cursor))
        self.actions = actions
        self.start = start
        self.total = len(actions) if total is None else max(total, start + len(actions))
        self.today = today
        self.update_virtual_size()
        index = cursor
        if index is None and keep_id is not None:
            index = self.index_of(keep_id)
        if index is None:
            index = min(self.cursor, max(self.total - 1, 0))
            if actions and not start <= index < start + len(actions):
                index = start  # the old place was not read: the first card that was
        if (index, self._loaded_id(index)) != was:
            self.set_cursor(index)  # draws the rows it left and reached (``watch_cursor``)
        if self._on_screen() != drawn:
            # The rest too: a colleague's new priority reordered the cards above the cursor,
            # and the column drew one twice and lost another (a reviewer).
            self.refresh()

    def _on_screen(self) -> tuple[object, ...]:
        """What the column draws now: its visible cards (as loaded), how many, the day."""
        return (self._loaded_on_screen(), self.start, self.total, self.today)

    def _loaded_on_screen(self) -> list[Action]:
        """The loaded cards in the part of the column on screen (never a read)."""
        first, count = self.visible_range()
        offset = first - self.start
        return self.actions[max(0, offset) : max(0, offset + count)]

    def show_sparklines(self, sparklines: dict[int, list[float | None]]) -> None:
        """Each KPI's recent readings, for the cards linked to one: drawn again only when a
        card on screen shows one that changed (the first read, after the first paint, sent
        every column again, 18 KB at 120x40, when none of their cards had a KPI)."""
        shown = {action.kpi_id for action in self._loaded_on_screen()}
        changed = any(self.sparklines.get(k) != sparklines.get(k) for k in shown if k)
        self.sparklines = sparklines
        if changed:
            self.refresh()

    def _loaded_id(self, index: int) -> int | None:
        """The id of card ``index`` if it is loaded (never a read)."""
        offset = index - self.start
        return self.actions[offset].id if 0 <= offset < len(self.actions) else None

    def index_of(self, action_id: int) -> int | None:
        """Where ``action_id`` is in the column, if it is among the loaded cards."""
        for index, action in enumerate(self.actions):
            if action.id == action_id:
                return self.start + index
        return None

    def card(self, index: int) -> Action | None:
        """Card ``index`` of the column, read through ``source`` when not loaded."""
        if not 0 <= index < self.total:
            return None
        if not self.start <= index < self.start + len(self.actions) and self.source is not None:
            first = max(0, min(index - WINDOW_BEFORE, self.total - WINDOW_CARDS))
            self.actions = self.source(first, WINDOW_CARDS)
            self.start = first
        offset = index - self.start
        return self.actions[offset] if 0 <= offset < len(self.actions) else None

    def visible_range(self) -> tuple[int, int]:
        """The first card on screen and how many fit: what a refresh reads again."""
        first = int(self.scroll_y) // self.card_height
        height = max(self.scrollable_content_region.height, self.card_height)
        return first, height // self.card_height + 2

    @property
    def current(self) -> Action | None:
        return self.card(self.cursor)

    # ------------------------------------------------------------------ the base's hooks

    @property
    def row_count(self) -> int:
        return self.total

    @property
    def row_height(self) -> int:
        return self.card_height

    @property
    def row_lines(self) -> int:
        return self.card_lines

    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // self.card_height)

    def highlighted_message(self, index: int) -> Message:
        current = self.current
        return self.Highlighted(self, current.id if current else None)

    def selected_message(self, index: int) -> Message | None:
        clicked = self.card(index)
        return None if clicked is None else self.Selected(self, clicked.id)

    def action_page_up_cards(self) -> None:
        self.action_page(-1)

    def action_page_down_cards(self) -> None:
        self.action_page(1)

    # ------------------------------------------------------------------ drawing

    def notify_style_update(self) -> None:
        self._base_style = None  # the CSS or theme changed: read the style again
        self._piece_styles = {}
        super().notify_style_update()

    def _style(self) -> Style:
        """The column's own style: asked once per CSS change, not for every line drawn (it
        walks every ancestor's background, the most expensive part of drawing a line)."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def _empty_lines(self, width: int) -> list[str]:
        """The empty column's words, on two lines where one is too narrow: at 80 columns
        " no actions: n adds one" read "no actions: n add…" (a newcomer)."""
        said = self.empty_text
        if cell_len(said) <= width or ": " not in said:
            return [said]
        first, rest = said.split(": ", 1)
        return [f"{first}:", f" {rest}"]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = y + int(self.scroll_y)
        if not self.total:
            said = self._empty_lines(width)
            if 1 <= y <= len(said):
                style = self.get_component_rich_style("phase-column--empty")
                return Strip([Segment(fit(said[y - 1], width), style)]).extend_cell_length(
                    width, style
                )
            return Strip.blank(width, self._style())
        index, line = divmod(row, self.card_height)
        action = self.card(index) if line < self.card_lines else None
        if action is None:
            return Strip.blank(width, self._style())
        under_cursor = index == self.cursor
        base = self._style()
        if under_cursor:
            base = base + self.get_component_rich_style("phase-column--cursor")
        marker_style = base + self._piece_style("phase-column--marker")
        marker = Segment("▌" if under_cursor and self.has_focus else " ", marker_style)
        if self.card_lines == COMPACT_LINES and line == 1:
            parts = self._compact_second_line(action)
        else:
            parts = self._card_line(action, line)
        segments = [marker]
        room = width - 1
        if line == 1:  # the owner gives way, not "! 5d late" after it (a tester at 80x24)
            parts = _owner_cut_to_fit(parts, 1 if self.card_lines == COMPACT_LINES else 0, room)
        for text, name in parts:
            if room <= 0:
                break
            piece = fit(text, room)
            style = base + self._piece_style(name) if name else base
            if action.done_at is not None:
                style += self._piece_style("phase-column--done")
            segments.append(Segment(piece, style))
            room -= cell_len(piece)
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def _piece_style(self, name: str) -> Style:
        """A piece's colour and weight over the card's own background, never the piece's
        background: with 16 colours that one differed and broke the focused card into stripes.
        Kept until the CSS changes: a screenful asks for a few hundred."""
        found = self._piece_styles.get(name)
        if found is None:
            full = self.get_component_rich_style(name)
            found = self._piece_styles[name] = full.without_color + Style.from_color(full.color)
        return found

    def _card_line(self, action: Action, line: int) -> list[tuple[str, str]]:
        """The pieces of one card line: (text, component class or '')."""
        if line == 0:
            title = literal(action.title)
            parts = [(f"#{action.id} ", "phase-column--id")]
            if action.priority != "normal":
                parts.append((PRIORITY_MARKS[action.priority], f"phase-column--{action.priority}"))
            if action.recurrence_id is not None:  # made by (or making) a repeat rule
                parts.append((f"{REPEAT_MARK} ", "phase-column--muted"))
            return [*parts, (title, "phase-column--title")]
        if line == 1:
            owner = literal(action.owner) if action.owner else "no owner"
            parts = [(owner, "" if action.owner else "phase-column--muted")]
            if action.done_at is not None:
                parts.append((f"  ✓ {action.decision}", "phase-column--muted"))
            elif action.due:
                parts.append(self._due(action))
            return parts
        if line == 2:
            mark, mark_class = status_mark(action.last_checkin_status)
            days = action.days_since_checkin
            since_class = "phase-column--muted"
            if action.stale:
                since = f" ⌛{days}d stale"
                since_class = "phase-column--stale"
            elif action.last_checkin_at is None:
                since = " no check-in"
            else:
                since = " today" if days == 0 else " yesterday" if days == 1 else f" {days}d ago"
            parts = [(mark, f"phase-column--{mark_class}"), (since, since_class)]
            if action.initiative:
                parts.append((f" · {literal(action.initiative)}", "phase-column--muted"))
            return parts
        groups: list[list[tuple[str, str]]] = []
        if action.phase == "act" and action.verdict and action.done_at is None:
            # What Check found, on the card that waits for the decision (a new user).
            groups.append([(VERDICT_WORDS[action.verdict], "phase-column--verdict")])
        if action.cycle > 1:  # before the KPI's: its name ran past the card's edge with it
            groups.append([(f"cycle {action.cycle}", "phase-column--muted")])
        if action.kpi:
            recent = self.sparklines.get(action.kpi_id or 0)
            if recent is not None:
                spark = (f"⌁ {sparkline(recent, SPARK_CELLS)} ", "phase-column--spark")
                groups.append([spark, (literal(action.kpi), "phase-column--muted")])
            else:
                groups.append([(f"⌁ {literal(action.kpi)}", "phase-column--muted")])
        pieces: list[tuple[str, str]] = []
        for group in groups:
            if pieces:
                pieces.append(("  ", ""))
            pieces += group
        return pieces

    def _compact_second_line(self, action: Action) -> list[tuple[str, str]]:
        """A compact card's second line: the check-in mark (stale in its colour, and ``⌛``
        beside it: in its colour alone, a colour-blind lead saw no stale card, a trial), then
        the owner and the due date or the decision."""
        mark, mark_class = status_mark(action.last_checkin_status)
        if action.stale:
            return [
                (f"{mark}⌛ ", "phase-column--stale"),
                *self._card_line(action, 1),
            ]
        return [(f"{mark} ", f"phase-column--{mark_class}"), *self._card_line(action, 1)]

    def _due(self, action: Action) -> tuple[str, str]:
        assert action.due is not None
        due = date.fromisoformat(action.due)
        days = (due - self.today).days
        if action.overdue:
            return (f"  ! {-days}d late", "phase-column--overdue")
        if days <= DUE_SOON_DAYS:
            when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days}d"
            return (f"  due {when}", "phase-column--due-soon")
        return (f"  due {due_words(due, self.today)}", "phase-column--muted")


def due_words(due: date, today: date) -> str:
    """Short for an 80-column board: within half a year "Jan 6" can mean one day only (in
    December, next January's); further off the whole date ("Jan 2027" lost the day)."""
    return f"{due:%b} {due.day}" if abs((due - today).days) <= NEAR_DAYS else due.isoformat()


MIDDLE_CUT_FROM = 8  # cells an owner keeps to be cut in the middle ("f…k" told nothing)


OWNER_KEEPS = 6  # cells of the owner kept by shortening the due words first


def _short_due(text: str) -> str:
    """A due piece in fewer words: "  due Dec 19" as "  Dec 19", "  ! 15d late" as "  ! 15d";
    a done card's "  ✓ standardize" as "  ✓" (the owner went to "z…" beside it, a newcomer:
    the detail says the decision)."""
    if text.startswith("  ✓ "):
        return "  ✓"
    return text.replace("  due ", "  ", 1).removesuffix(" late")


def _owner_cut_to_fit(parts: list[tuple[str, str]], owner: int, room: int) -> list[tuple[str, str]]:
    """``parts`` with the owner's piece cut (to one cell at least) so the ones after it fit;
    before the owner goes under ``OWNER_KEEPS`` cells, the due words after it are shortened:
    compact cards at 80 columns read "rah…", "hei…" beside a whole "due Dec 19" (testers)."""
    over = sum(cell_len(text) for text, _ in parts) - room
    if over <= 0 or owner >= len(parts):
        return parts
    after = owner + 1
    if after < len(parts) and parts[after][0].startswith("  "):  # one space before the cut
        parts = [*parts[:after], (parts[after][0][1:], parts[after][1]), *parts[after + 1 :]]
        over -= 1
    owner_cells = cell_len(parts[owner][0])
    if over > 0 and after < len(parts) and owner_cells - over < min(OWNER_KEEPS, owner_cells):
        short = _short_due(" " + parts[after][0]).removeprefix(" ")
        over -= cell_len(parts[after][0]) - cell_len(short)
        parts = [*parts[:after], (short, parts[after][1]), *parts[after + 1 :]]
    text, name = parts[owner]
    if over <= 0:
        return parts
    keep = max(1, cell_len(text) - over)
    # In the middle where there are cells enough to, as the owners view cuts them: logins
    # alike at their start were one "alice_with_a_ver…" on every card (a tester).
    cut = fit_name(text, keep) if keep >= MIDDLE_CUT_FROM else fit(text, keep)
    return [*parts[:owner], (cut, name), *parts[owner + 1 :]]
