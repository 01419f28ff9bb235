"""What the board shows: open actions narrowed by owner, initiative, priority and text.

``o``, ``i`` and ``p`` pick one value from a list; ``/`` opens a text box that filters as
the person types (enter keeps it, esc clears every filter); ``L`` shows the late ones only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Input

from pdca.db.models import UNOWNED, Priority
from pdca.db.store import ActionFilter
from pdca.screens.context import services
from pdca.screens.pick_filter import pick_filter_value
from pdca.widgets.literal_fields import LiteralInput
from pdca.widgets.text import filter_bar, fit, literal

if TYPE_CHECKING:
    from pdca.screens.board import BoardScreen


# The most of the text filter the filter bar shows.
FILTER_TEXT_CELLS = 40


@dataclass(frozen=True)
class HiddenCard:
    """The action a "#N" filter names, on file but not shown: done, or another filter's."""

    id: int
    owner: str | None
    phase: str
    done: bool


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: open actions, narrowed by owner, initiative, priority and text."""

    owner: str | None = None
    initiative: str | None = None
    priority: Priority | None = None
    text: str | None = None
    include_done: bool = False
    late: bool = False  # only actions past their due date (``L``; ``pdca list --overdue``)

    @property
    def active(self) -> bool:
        """Narrowed by owner, initiative, priority, text or lateness (what esc clears)."""
        return bool(self.owner or self.initiative or self.priority or self.text or self.late)

    @property
    def shown(self) -> bool:
        """The filter bar is up: narrowed, or showing done actions (which esc keeps)."""
        return self.active or self.include_done

    def as_store_filter(self) -> ActionFilter:
        return ActionFilter(
            owner=self.owner,
            initiative=self.initiative,
            priority=self.priority,
            text=self.text or None,
            include_done=self.include_done,
            overdue=self.late,
        )

    def describe(
        self,
        empty: bool = False,
        *,
        no_such_id: int | None = None,
        removed: bool = False,
        hidden: HiddenCard | None = None,
        keys: tuple[str, str] = ("esc", "D"),
        done_match: bool = True,
    ) -> Text:
        """The filter bar; ``empty``: no card matches, which may be because done ones are
        hidden (an id filter on a done action found nothing). ``no_such_id``: the text names
        an action the file does not hold, which no D would show (a tester); ``keys``: the
        keys that clear the filters and show done ones, as the person's keymap has them (the
        bar named esc and D after both were remapped, a new user); ``removed``: it
        held it once (an undo of its creation, a restore). ``hidden``: the action it names is
        on file, and said whose and where, with what shows it: under carol's filter, "#41"
        of another's open action said "D shows done too" (a retrial). ``done_match``: done
        actions match (False: D would show nothing more, and "D shows done too" sent a
        tester to look)."""
        parts = []
        if self.owner == UNOWNED:
            parts.append("no owner")
        elif self.owner:
            parts.append(f"owner {literal(self.owner)}")
        if self.initiative:
            parts.append(f"initiative {literal(self.initiative)}")
        if self.priority:
            parts.append(f"priority {self.priority}")
        if self.late:
            parts.append("late")
        if self.text:
            # Cut: a long one pushed the hints (esc clears, nothing matches) off the one-line
            # bar, and one long word wrapped away whole, leaving "text" alone (a tester).
            parts.append(f"text “{fit(literal(self.text), FILTER_TEXT_CELLS)}”")
        clear, done = keys
        bar = filter_bar(parts, clear) if parts else Text()
        if self.include_done:
            # Said whenever it is on, however it got on (D, or a jump to a done card): done
            # cards change every column's count, and nothing else on screen would tell.
            bar.append("   " if parts else "")
            bar.append("showing done", style="bold")
            bar.append(f" · {done} hides them", style="dim")
        if not empty:
            return bar
        if no_such_id is not None:
            gone = " (removed)" if removed else ""
            bar.append(f"   no action #{no_such_id}{gone}", style="italic")
        elif hidden is not None:
            whose = f"{literal(hidden.owner)}'s" if hidden.owner else "nobody's"
            where = "done" if hidden.done else f"in {hidden.phase.capitalize()}"
            others = replace(self, text=None).active  # the filters besides "#N"
            done_hidden = hidden.done and not self.include_done
            if others:  # esc keeps done ones hidden (a reviewer): D too, then
                then = f", then {done} shows done" if done_hidden else ""
                shows = f"{clear} clears the filters{then}"
            elif done_hidden:
                shows = f"{done} shows done too"
            else:
                shows = ""
            said = f"   #{hidden.id} is {whose}, {where}" + (f": {shows}" if shows else "")
            bar.append(said, style="italic")
        elif self.late:  # a done action is never late: D would show nothing more
            # "nothing late" under another filter read as nothing late at all (a retrial)
            narrowed = replace(self, late=False).active
            bar.append(
                "   none of these is late" if narrowed else "   nothing late", style="italic"
            )
        elif self.include_done or not done_match:  # and still nothing: said (read as hidden)
            bar.append("   nothing matches, done or open", style="italic")
        else:
            bar.append(f"   none open: {done} shows done too", style="italic")  # fits at 80
        return bar


async def pick_flow(board: BoardScreen, kind: str) -> None:
    """Pick one owner, initiative or priority from a list and narrow the board to it."""
    picked = await pick_filter_value(
        board, kind, f"Show the actions of one {kind}", nobody=kind == "owner"
    )
    if picked is not None:
        narrowed: dict[str, Any] = {kind: picked}
        board.set_filter(replace(board.filter, **narrowed))


def text_box(board: BoardScreen) -> Input | None:
    found = board.query("#text-filter")
    return found.first(Input) if found else None


def open_text_box(board: BoardScreen, starting: str | None = None) -> None:
    """Show the text box (mounted on first use: one widget less before the first paint);
    ``starting``: its text to begin with, in place of what it held (filtered by once more is
    typed)."""
    box = text_box(board)
    if box is None:
        box = LiteralInput(
            placeholder="filter by text (enter keeps it, esc clears)", id="text-filter"
        )
        board.mount(box, after=board.query_one("#lanes"))
    if starting is not None:
        with box.prevent(Input.Changed):
            box.value = starting
        box.cursor_position = len(starting)
    # What it starts with is typed on from, not selected for the next key to replace
    box.select_on_focus = starting is None
    box.add_class("-shown")
    if not box.has_focus:
        # Keys typed with / are the filter's: they wait for the field to have focus (esc / x
        # typed at once in the field closed it, opened it again, and lost the x, a tester).
        services(board.app).hold_keys()
    box.focus()


def close_text_box(board: BoardScreen, *, clear: bool) -> None:
    """Hide the text box; ``clear`` empties it too, without filtering on the way. A text kept
    (enter) is in the filter bar at the top; the box kept it over the board's last card rows
    (a tester), and ``/`` brings it back with the text."""
    box = text_box(board)
    if box is None:
        return
    box.remove_class("-shown")
    if clear and box.value:
        with box.prevent(Input.Changed):
            box.value = ""
