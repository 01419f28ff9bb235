"""Stand-up mode (key 5): for each person, where their work stands, then what changed since
the last stand-up; a round-robin.

The digest is db.accountability.standup_digest (the rules: accountability_rules.digest).
``n``/``p`` step person by person (then the work nobody owns) showing only theirs, ``a``
shows everyone again, ``t`` starts an optional per-person timer in the header, and ``r``
asks, then records the stand-up (its time and the people stepped through), so the next one
starts from there; recording stops the timer.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from pdca.db import accountability
from pdca.db.accountability_models import (
    BY_KINDS,
    UNOWNED,
    Digest,
    DigestItem,
    StandingItem,
    StandingKind,
    Standup,
    flag_words,
    more_standing,
    more_that_need_a_word,
)
from pdca.db.accountability_rules import whose_standup
from pdca.db.errors import DatabaseBroken, PdcaError
from pdca.db.store import Store
from pdca.screens.context import UNDO_ON_THE_BOARD, PaletteEntry, services
from pdca.screens.cursor_change import JUST_CHANGED_SECONDS
from pdca.screens.from_thread import land
from pdca.screens.row_view import RowView
from pdca.widgets.marks import KPI_MARKS, status_mark
from pdca.widgets.row_list import Row, RowList
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import fit, fit_name, fixed, literal
from pdca.widgets.when import local_minutes, short_time

TURN_SECONDS = 90  # a ten-minute stand-up for a team of six, with room to spare
MORE_CHANGES = 50  # a person's changes read at a time past the digest's first few

# An alert's mark is the KPIs view's ■ (▲ there is a warning, and here an at-risk card's):
# the shapes said two things at once (a colour-blind trial).
LABELS = {
    "created": ("+ created", "accent"),
    "moved": ("→ moved", ""),
    "handed": ("⇄ handed", "accent"),
    "rescheduled": ("↦ due date", "warn"),
    "reprioritized": ("↕ priority", ""),
    "done": ("✓ done", "good"),
    "checkin": ("● check-in", ""),
    "followup": ("⚑ follow-up", "accent"),
    "alert-raised": ("■ alert", "bad"),
    "alert-acknowledged": ("✓ alert ack", "good"),
    "alert-escalated": ("■ escalated", "bad"),
    "alert-closed": ("✓ closed", "good"),  # as pdca alerts and the text stand-up say it
    "alert-reopened": ("■ reopened", "bad"),
    "undone": ("↶ undone", "warn"),
}
STANDING = {
    "action": ("! open", "warn"),
    "alert": ("■ waiting", "bad"),
    "kpi": ("▲ KPI", "warn"),  # its state's mark in the KPIs view (standing_row); red in alert
    "followup": ("⚑ due", "accent"),
}
# The counts the header names only when not 0: rare, named when they happened.
# The changes whose words are pdca's own (an alert's log), their UTC times shown on the
# person's clock; an acknowledgement's holds the person's note, as typed.
PDCA_WORDED = frozenset({"alert-raised", "alert-escalated", "alert-closed", "alert-reopened"})
SHOWN_WHEN_ANY = {
    "handed",
    "rescheduled",
    "reprioritized",
    "alert-closed",
    "alert-reopened",
    "undone",
}
CHECKIN_ROLES = {"on-track": "", "at-risk": "warn", "blocked": "bad"}
INDENT = "  "
NAME_WIDTH, NAME_WIDTH_MOST = 12, 40  # the everyone list's logins, and the space after them
TITLE_MOST = 40  # a change's title where the line's width is not known
TITLE_LEAST = 20  # and where it is: what it keeps when the rest takes the line
MESSAGE_KEPT = 40  # a check-in's message the title gives way to
# The changes whose words are the news (a handover's new owner and date): the title gives
# way to them down to TITLE_LEAST, even where they are cut after all.
WHAT_HAPPENED_FIRST = frozenset({"moved", "handed", "rescheduled", "reprioritized", "undone"})
# and down to this where the news still does not fit: at 80 columns a new due date was cut
# to "2026-12-…" beside 20 cells of title (a new user)
TITLE_LEAST_FOR_NEWS = 12


def item_row(item: DigestItem, width: int = 0) -> Row:
    """One change: its kind, the action, what happened (and who, when not the owner).

    The title gives way to the rest on a line ``width`` wide (at least ``TITLE_LEAST``
    cells of it stay): what happened and who did it were cut at the line's end, a
    handover's new owner and its new date with them (testers). A check-in's message keeps
    ``MESSAGE_KEPT`` cells before the title gives way, and is cut after them."""
    label, role = LABELS[item.kind]
    if item.kind == "checkin":  # the board's shape for its status: ▲ at risk, ■ blocked
        status = item.detail.split(":", 1)[0]
        if status in CHECKIN_ROLES:
            label, role = f"{status_mark(status)[0]} check-in", CHECKIN_ROLES[status]
    row: Row = [(INDENT + label.ljust(13), role)]
    if item.action_id is not None:
        row.append((f"#{item.action_id} ", "id"))
    after: Row = []
    if item.kind in BY_KINDS and item.actor and item.actor != item.person:
        after.append((f" (by {literal(item.actor)})", "muted"))
    if item.detail:
        # an escalation's detail is pdca's own words, its deadline a UTC minute
        said = local_minutes(item.detail) if item.kind in PDCA_WORDED else item.detail
        after.append((f" — {literal(said)}", "muted"))
    title_most = TITLE_MOST
    if width:
        rest = [cell_len(text) for text, _ in [*row, *after]]
        if item.kind in ("checkin", "followup") and item.detail:
            rest[-1] = min(rest[-1], MESSAGE_KEPT)
        budget = width - 1 - sum(rest)
        if item.kind in WHAT_HAPPENED_FIRST:
            title_most = max(TITLE_LEAST_FOR_NEWS, budget)
        elif budget >= TITLE_LEAST:
            title_most = budget
        # else the rest does not fit whatever the title gives: an alert's KPI name, a
        # check-in's title stay as they were, and the words after them are cut
    return [*row, (fit(literal(item.title), title_most), ""), *after]


def standing_row(item: StandingItem, width: int = 0) -> Row:
    """Where one piece of work stands: late, at risk, blocked, stale; an alert; a follow-up.

    On a line ``width`` wide the title gives way to what follows it (at least
    ``TITLE_LEAST_FOR_NEWS`` cells of it stay), as a change's does: at 80 columns "(due
    2026…" was cut, the date gone (a newcomer)."""
    label, role = STANDING[item.kind]
    if item.kind == "kpi":
        # the KPIs view's mark of its state: ■ in alert, ▲ in warn, ◔ a reading overdue
        # (▲ stood for all three, an alert read as a warning, a newcomer)
        marks = {"alert": "alert", "warn": "warn", "reading-overdue": "overdue"}
        state = next((marks[f] for f in marks if f in item.flags), "warn")
        label = f"{KPI_MARKS[state]} KPI"
    late = any(flag in ("late", "blocked", "overdue", "alert") for flag in item.flags)
    row: Row = [(INDENT + label.ljust(13), "bad" if late else role)]
    if item.action_id is not None:
        row.append((f"#{item.action_id} ", "id"))
    if item.flags:  # before the title: what the person stands up for stays when a row is cut
        row.append((f"{', '.join(flag_words(item))} · ", "bad" if late else "warn"))
    after: Row = []
    if item.detail:
        said = local_minutes(item.detail) if item.kind == "alert" else item.detail
        after.append((f" ({literal(said)})", "muted"))
    title = literal(item.title)
    if width:
        budget = width - 1 - sum(cell_len(text) for text, _ in [*row, *after])
        # an alert's KPI name keeps more: its detail ends in words, not a date
        least = TITLE_LEAST if item.kind == "alert" else TITLE_LEAST_FOR_NEWS
        if item.kind == "kpi" and item.detail:
            # a KPI's too, as far as its reading and threshold (the detail's first part) stay
            # whole: "Onboarding …" beside its acknowledgement at 100 columns (a newcomer),
            # and at 80 the threshold's number went for it (a review)
            first = cell_len(f" ({literal(item.detail).split('; ')[0]})")
            room = width - 1 - sum(cell_len(text) for text, _ in row) - first
            least = max(TITLE_LEAST_FOR_NEWS, min(TITLE_LEAST, room))
        # a KPI's name cut in the middle, as the KPIs view cuts it: two named alike to
        # their end ("… EMEA", "… APAC") read the same (a retrial)
        cut = fit_name if item.kind in ("kpi", "alert") else fit
        title = cut(title, max(least, budget))
    return [*row, (title, "bold"), *after]


def person_row(person: str, standing: int, changes: int, width: int = NAME_WIDTH) -> Row:
    """A person's heading in the everyone list, with how much they have to report."""
    name = "no owner" if person == UNOWNED else person
    row: Row = [(fixed(literal(name), width - 1) + " ", "bold")]  # a long login ran into its count
    if not standing and not changes:
        return [*row, ("nothing to report", "muted")]
    parts = []
    if standing:
        parts.append(f"{standing} to talk about")
    if changes:
        parts.append(f"{changes} {'change' if changes == 1 else 'changes'}")
    return [*row, (" · ".join(parts), "muted")]


# The row under a kind of standing item that says how many more of it there are.
MORE_ROWS = {
    "action": "more",
    "followup": "more-followups",
    "alert": "more-alerts",
    "kpi": "more-kpis",
}
# What enter opens on a "more" row of follow-ups, alerts or KPIs: the person's, or all.
MORE_IN_VIEW = {"more-followups": "log", "more-alerts": "alerts", "more-kpis": "kpis"}
MORE_KINDS: dict[str, StandingKind] = {
    "more-followups": "followup",
    "more-alerts": "alert",
    "more-kpis": "kpi",
}


class DigestRows(Sequence[Row]):
    """The rows for ``person`` (None: everyone, grouped by person), each built when first
    drawn. A person's changes are the digest's first few, or the longer list read on demand
    (``extra``); a row says how many more there are, and selecting it reads them."""

    def __init__(
        self,
        digest: Digest,
        person: str | None,
        extra: dict[str, list[DigestItem]] | None = None,
        width: int = 0,
    ) -> None:
        extra = extra or {}
        self.width = width  # the line's: a change's title takes what room the rest leaves
        changes, standing = digest.by_person()
        self.entries: list[tuple[str, Any]] = []
        # What each row is, to find it again in the rows of a later read (``row_of``)
        self.keys: list[tuple[Any, ...]] = []
        # As wide as the longest login, up to a limit: at 12 cells, abcdefghijkl and
        # abcdefghijklmnopqrs1 were one "abcdefghij…" at any width (testers).
        longest = max((cell_len(literal(who)) for who in digest.people), default=0)
        self.name_width = min(max(NAME_WIDTH, longest + 1), NAME_WIDTH_MOST)
        self.more_of: dict[int, str] = {}  # the index of a "more changes" row: whose
        self.board_of: dict[int, str] = {}  # the index of a "more that need a word" row
        # the index of a "more alerts" or "more follow-ups" row: what it opens, for whom
        self.view_of: dict[int, tuple[str, str]] = {}
        self.whose: list[str] = []  # each row's person
        for who in digest.people if person is None else [person]:
            theirs = standing.get(who, [])
            news = extra.get(who) or changes.get(who, [])
            groups = digest.standing_groups(who, theirs)
            total = sum(digest.counts(who).values())
            if person is None:
                talked = len(theirs) + sum(more for _kind, _items, more in groups)
                self.entries.append(("person", (who, talked, total)))
                self.keys.append(("person", who))
            # Kind by kind, each with its "more" under it: "and 33 more that need a word"
            # under the follow-ups read as theirs (a soak).
            for kind, items, more in groups:
                self.entries += [("standing", s) for s in items]
                # with its words: two alerts of one KPI for one person were one row to find
                self.keys += [
                    ("standing", s.kind, s.action_id, s.title, s.person, s.detail) for s in items
                ]
                if more and kind == "action":
                    self.board_of[len(self.entries)] = who
                if more and MORE_ROWS[kind] in MORE_IN_VIEW:
                    self.view_of[len(self.entries)] = (MORE_IN_VIEW[MORE_ROWS[kind]], who)
                if more:
                    self.entries.append((MORE_ROWS[kind], more))
                    self.keys.append((MORE_ROWS[kind], who))
            self.entries += [("change", i) for i in news]
            self.keys += [("change", i.at, i.kind, i.action_id, i.actor, i.detail) for i in news]
            if total > len(news):
                self.more_of[len(self.entries)] = who
                self.entries.append(("more-changes", total - len(news)))
                self.keys.append(("more-changes", who))
            self.whose += [who] * (len(self.entries) - len(self.whose))
        self.targets: list[int | None] = [
            entry.action_id if kind in ("standing", "change") else None
            for kind, entry in self.entries
        ]
        # The alert rows' KPIs: enter opens its detail, where a acknowledges it (a new lead's
        # enter on an alert waiting did nothing at all); a KPI's row, its detail too.
        self.kpi_of: dict[int, tuple[str, str | None, int | None]] = {
            at: (entry.title, entry.person if entry.kind == "alert" else None, entry.alert_id)
            for at, (kind, entry) in enumerate(self.entries)
            if kind == "standing" and entry.kind in ("alert", "kpi") and entry.title
        }
        self._built: dict[int, Row] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def row_of(self, key: tuple[Any, ...] | None) -> int | None:
        """Where the row ``key`` names is among these rows, or None."""
        try:
            return self.keys.index(key) if key is not None else None
        except ValueError:
            return None

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        row = self._built.get(index)
        if row is None:
            kind, entry = self.entries[index]
            if kind == "person":
                who, standing, changes = entry
                row = person_row(who, standing, changes, width=self.name_width)
            elif kind == "standing":
                row = standing_row(entry, self.width)
            elif kind == "more":
                row = [(f"{INDENT}and {more_that_need_a_word(entry)} (enter: the board)", "muted")]
            elif kind in MORE_KINDS:
                row = [
                    (f"{INDENT}and {more_standing(MORE_KINDS[kind], entry, in_app=True)}", "muted")
                ]
            elif kind == "more-changes":
                word = "change" if entry == 1 else "changes"
                # "(enter shows them)" of 2245 showed 50 (a lead on the huge file)
                shows = "them" if entry <= MORE_CHANGES else f"the next {MORE_CHANGES}"
                row = [(f"{INDENT}and {entry} more {word} (enter shows {shows})", "muted")]
            else:
                row = item_row(entry, self.width)
            self._built[index] = row
        return row


class StandupScreen(RowView):
    """The daily stand-up, from the event log."""

    VIEW = "Stand-up"

    BINDINGS = [
        UNDO_ON_THE_BOARD,
        # The meeting's keys first: the footer is cut at its end, and at 100 columns c and r
        # were past it, found only under ? (a new lead).
        Binding("n,space", "step(1)", "Next person", id="standup-next"),
        Binding("c", "check_in", "Check-in", id="standup-checkin"),
        Binding("r", "record", "Record", id="standup-record"),
        Binding("p", "step(-1)", "Previous", id="standup-previous"),
        Binding("a", "everyone", "Everyone", id="standup-everyone"),
        Binding("t", "toggle_timer", "Timer", id="standup-timer"),
        # The board's moves, on the row's action, as each person speaks (their questions
        # asked on the board, then back here): > did nothing (a stand-up's lead)
        Binding(
            "greater_than_sign", "move(True)", "Next phase", show=False, id="standup-next-phase"
        ),
        Binding(
            "less_than_sign", "move(False)", "Back a phase", show=False, id="standup-back-phase"
        ),
    ]

    DEFAULT_CSS = """
    StandupScreen #standup-header {
        height: auto; max-height: 3; padding: 0 1; background: $panel; text-style: bold;
    }
    StandupScreen #standup-counts { height: auto; max-height: 2; padding: 0 1; }
    StandupScreen #standup-header.-over { background: $error 40%; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.digest: Digest | None = None
        self.person_index: int | None = None  # None: everyone
        self.stepped: list[str] = []
        # How many changes each person had as their turn ended: one made since, to someone the
        # meeting had passed, was recorded over unsaid and came up in no stand-up (a lead's
        # trial); the record's question names them
        self.turn_ended_with: dict[str, int] = {}
        self.targets: list[int | None] = []  # the action each shown row opens
        self.more_rows: dict[int, str] = {}  # the rows that read a person's next changes
        self.board_rows: dict[int, str] = {}  # the rows that open a person's board
        self.view_rows: dict[int, tuple[str, str]] = {}  # rows that open a list (view_of)
        # alert rows: (KPI, for whom, the alert)
        self.kpi_rows: dict[int, tuple[str, str | None, int | None]] = {}
        self.rows: DigestRows | None = None  # those shown
        self.extra: dict[str, list[DigestItem]] = {}  # changes read on demand, by person
        self.early_steps: list[int] = []  # n/p pressed before a digest was in
        self.recording = False  # r's question is open or its write is on its way
        self.recorded: Digest | None = None  # the digest last recorded, until the next is in
        self.timer_on = False
        self.remaining = TURN_SECONDS
        self._ticker: Timer | None = None
        self._header_length = -1  # the header's text as last laid out (``_header``)
        self._told_recorded: int | None = None  # a colleague's record said under the meeting
        self._told_gone: str | None = None  # the person whose turn was kept, said so
        # (the action that was under the cursor, the one there now, when): a read again
        # slid another row under it (screens/cursor_change.py says why that matters)
        self._slid: tuple[int, int, float] | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="standup-header")
        yield Static(id="standup-counts")
        yield RowList(empty="nothing to report", id="standup-list")

    def load(self) -> None:
        # The first paint straight from the store: the digest is what the view is opened for,
        # and a thread would only make it later (measured: at 100 000 actions the app's own
        # start keeps the interpreter busy, and a thread waits for it row by row).
        try:
            digest = accountability.standup_digest(self.context.store)
        except PdcaError as error:
            self.notify(str(error), severity="error")
            return
        self.loaded(digest)

    def reload(self) -> None:
        self._read_digest()

    @work(thread=True, exclusive=True, group="standup-read")
    def _read_digest(self) -> None:
        """Where all open work stands is a few tenths of a second at 100 000 actions: read
        again (someone changed the file, the view comes back) on a thread with its own
        connection (DESIGN rule 6), so keys answer meanwhile."""
        wanted = {who: len(items) for who, items in list(self.extra.items())}
        # With no stand-up recorded, the window is the last day's: it began as the view was
        # read first, and stays so, not a minute on at each read (a change made at its start
        # left the screen mid-meeting, a lead's Monday). One recorded since starts from it.
        shown = self.digest
        none_recorded = shown is not None and shown.after_event is None and shown.since_by is None
        # A meeting under way (someone stepped through, not recorded since) keeps its window
        # too: a colleague's ``standup --record`` moved it under the lead, mid-turn, and what
        # bob had done went off the screen (a stand-up's lead).
        meeting = shown is not None and bool(self.stepped) and shown is not self.recorded
        kept = shown if shown is not None and (none_recorded or meeting) else None
        # The first stand-up recorded here, then undone: its window as it was, not the last
        # day's from now (it began two minutes later after r then u, and what changed in
        # those minutes was in no stand-up, a stand-up's trial)
        first = self.recorded
        if first is not None and (first.after_event is not None or first.since_by is not None):
            first = None

        def read(reader: Store) -> tuple[Digest, dict[str, list[DigestItem]]]:
            none_now = accountability.last_standup(reader) is None
            keep = kept and (meeting or none_now)
            # The window kept with the stand-up it began from (``window_of``)
            window = kept if keep else first if none_now else None
            digest = accountability.standup_digest(reader, window_of=window)
            # The longer lists someone opened stay open, read again in the new window.
            return digest, {
                who: accountability.standup_changes(reader, digest, who, n)
                for who, n in wanted.items()
            }

        try:
            digest, extra = self.context.read(read)
        except PdcaError as error:
            land(self, self.notify, str(error), severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way
            land(self, self.loaded, digest, extra)

    def loaded(self, digest: Digest, extra: dict[str, list[DigestItem]] | None = None) -> None:
        first = self.digest is None
        before = self.digest
        if before is not None and before is not self.recorded and digest.since > before.since:
            # Recorded by someone else (a colleague's --record) while this was open: what was
            # on screen went without a word (a tester's lead then recorded it again, empty).
            # Only when a stand-up was recorded up to there: with none recorded yet, the
            # window is since the last working day at this time, and its start moves on with
            # the clock ("someone recorded this stand-up" every minute, and nobody had: a
            # tester).
            try:
                last = accountability.last_standup(self.context.store)
            except PdcaError:
                last = None
            # Not one's own: the reload after one's own record can come before the write
            # returns, and told the lead "alice recorded this stand-up" (a lead's trial).
            if last is not None and last.at == digest.since and last.by != self.context.actor:
                self.notify(
                    f"{literal(last.by)} recorded this stand-up up to"
                    f" {short_time(digest.since)}: shown now is what changed since",
                    severity="warning",
                    timeout=8,
                )
        self._say_if_recorded_under_the_meeting(digest)
        opened = {who: len(items) for who, items in self.extra.items()}
        was = self.person
        if was is not None and before is not None and was not in digest.people:
            told, self._told_gone = self._told_gone == was, was
            # Their last item handed away (or closed) mid-turn: the view went to the next
            # person without a word, and the hand-over was filed under someone already passed
            # (a stand-up's lead). Their turn stays, said, until n.
            people = _kept_in_place(was, before.people, digest.people)
            digest = digest.model_copy(update={"people": people})
            whose = "with no owner" if was == UNOWNED else f"for {literal(was)}"
            if not told:  # once: it came again at every change to the file (a reviewer)
                self.notify(
                    f"nothing left {whose} now: what was theirs changed hands or closed since"
                    " (n goes on)",
                    severity="warning",
                )
        self.digest = digest
        self.extra = extra or {}
        try:
            for who, n in opened.items():  # opened while this was read: read it again now
                if who not in self.extra:
                    self.extra[who] = accountability.standup_changes(
                        self.context.store, digest, who, n
                    )
        except PdcaError as error:
            self.notify(str(error), severity="error")
        if was is not None and was in digest.people:
            # The person, not the place: someone new to the stand-up sorted before them
            # (work handed to aaron) slid bob under carol's turn (a trial).
            self.person_index = digest.people.index(was)
        if self.person_index is not None and self.person_index >= len(digest.people):
            self.person_index = None
        # A read again (someone changed the file) keeps the row, not its place: a row added
        # above slid another under the cursor, and c opened a check-in on that one (a retrial).
        was_under = None if first else self._row_action()
        self.show(0 if first else None, keep=self._row_key())
        now_under = self._row_action()
        if was_under is not None and now_under is not None and was_under != now_under:
            # Its row left the list (made not late elsewhere, handed on, done): the next row
            # slid up, and > pressed for the one that left moved it (a stand-up's lead).
            self._slid = (was_under, now_under, time.monotonic())
        steps, self.early_steps = self.early_steps, []
        for step in steps:
            self.action_step(step)

    def _recorded_after(self, digest: Digest) -> Standup | None:
        """The last stand-up recorded, when it ends after ``digest``'s window began."""
        try:
            last = accountability.last_standup(self.context.store)
        except PdcaError:
            return None
        return last if last is not None and last.at > digest.since else None

    def _recorded_by_someone_else(self, digest: Digest) -> bool:
        """A stand-up recorded since this one's window began (a colleague's, under the
        meeting): said, not asked "Record this stand-up?" to refuse it after (a retrial)."""
        last = self._recorded_after(digest)
        if last is None:
            return False
        self.notify(
            f"{literal(last.by)} recorded a stand-up up to {short_time(last.at)} already: it"
            " stands, and this one is not recorded again (the next one starts there)",
            severity="warning",
        )
        self._end_the_meeting()
        return True

    def _end_the_meeting(self) -> None:
        """The meeting's window let go (its people, its turn): the next read starts where the
        last recorded stand-up ended. Kept after a colleague's record, it stayed for good,
        into the next day (a reviewer)."""
        self.stepped = []
        self.turn_ended_with = {}
        self._told_recorded = None
        self.person_index = None
        self.reload()

    def _say_if_recorded_under_the_meeting(self, digest: Digest) -> None:
        """A colleague recorded a stand-up while this meeting kept its window: said once,
        with what r does now (their record stands; it is not recorded twice)."""
        if not self.stepped or digest is self.recorded:
            return
        last = self._recorded_after(digest)
        if last is None or last.by == self.context.actor:
            return
        if last.id == self._told_recorded:
            return
        self._told_recorded = last.id
        self.notify(
            f"{literal(last.by)} recorded a stand-up up to {short_time(last.at)}; this meeting"
            f" keeps showing what changed since {short_time(digest.since)} (r will not record"
            " it again: theirs stands)",
            severity="warning",
            timeout=10,
        )

    @property
    def person(self) -> str | None:
        if self.digest is None or self.person_index is None:
            return None
        return self.digest.people[self.person_index]

    def on_resize(self) -> None:
        # the lines and the counts are laid out for a width: again for the new one
        if self.digest is not None:
            self.show(self.query_one(RowList).cursor)

    def _row_key(self) -> tuple[Any, ...] | None:
        """What the highlighted row is, as ``DigestRows.keys`` names it."""
        rows = self.rows
        at = self.query_one(RowList).cursor
        return rows.keys[at] if rows is not None and 0 <= at < len(rows.keys) else None

    def show(
        self, cursor: int | None = 0, keep: tuple[Any, ...] | None = None
    ) -> DigestRows | None:
        """The rows of the digest for the person shown, the cursor at ``cursor`` (None: where
        it is), or on the row ``keep`` names when it is still there."""
        digest = self.digest
        if digest is None:
            return None
        person = self.person
        listed = self.query_one(RowList).scrollable_content_region.width  # 0 before layout
        rows = DigestRows(digest, person, self.extra, listed or self.app.size.width - 2)
        self.rows = rows
        found = rows.row_of(keep)
        if found is not None:
            cursor = found
        self.targets = rows.targets
        self.more_rows = rows.more_of
        self.board_rows = rows.board_of
        self.view_rows = rows.view_of
        self.kpi_rows = rows.kpi_of
        self.query_one(RowList).show(rows, cursor)
        self._header()
        counts = digest.counts(person)
        text = Text()
        more_of_kind = (
            digest.standing_more,
            digest.followups_more,
            digest.alerts_more,
            digest.kpis_more,
        )
        more = {
            who: sum(kind.get(who, 0) for kind in more_of_kind)
            for who in set().union(*more_of_kind)
        }
        waiting = len(digest.standing_of(person)) + (
            sum(more.values()) if person is None else more.get(person, 0)
        )
        shown = [("to talk about", waiting)]
        if not any(counts.values()):
            # "created 0  moved 0  done 0 ..." of someone with no change at all, where those
            # with some had their zeros give way (a lead on the huge file)
            counts = {}
            shown.append(("changes", 0))
        for kind, n in counts.items():
            if kind in SHOWN_WHEN_ANY and not n:
                continue  # rare: named when it happened, no room taken at 80 columns when not
            label, _role = LABELS[kind]
            shown.append((label.split(" ", 1)[1], n))
        # Each count whole on a line of its own making: at 40 columns the words broke between
        # "alert" and its 6, and the line with the 6 was cut (a tester).
        box = self.query_one("#standup-counts", Static)
        width = box.content_region.width or self.app.size.width - 2
        if sum(cell_len(f"{words} {n}  ") for words, n in shown) - 2 > width:
            # More than a line holds: the counts that are 0 give way (with a priority and a
            # closed alert, "closed 1" went onto a line of its own at 120 columns, a lead)
            shown = shown[:1] + [(words, n) for words, n in shown[1:] if n]
        used = 0
        for words, n in shown:
            item = cell_len(f"{words} {n}")
            if used and used + item > width:
                text.append("\n")
                used = 0
            text.append(f"{words} ", style="dim")
            text.append(f"{n}  ", style="bold" if n else "dim")
            used += item + 2
        box.update(text)
        return rows

    def _header(self) -> None:
        digest = self.digest
        if digest is None:
            return
        whose = literal(whose_standup(digest))
        text = Text(f"since {short_time(digest.since)}{whose}")
        if self.person_index is None:
            named = [p for p in digest.people if p != UNOWNED]
            extra = " and work with no owner" if len(named) < len(digest.people) else ""
            # "n" first: after "work with no owner: n steps…" it read as if n stepped through
            # the unowned work only (a tester).
            step = services(self.app).key_named("standup-next", "n")  # the person's own
            text.append(f" · everyone: {count_people(len(named))}{extra} ({step}: one at a time)")
        elif self.person == UNOWNED or self.person is None:  # a stop, not a person
            text.append(" · work with no owner")
        else:
            named = [p for p in digest.people if p != UNOWNED]
            place = named.index(self.person) + 1
            text.append(f" · {literal(self.person)} ({place} of {len(named)})")
        if self.timer_on:
            minutes, seconds = divmod(abs(self.remaining), 60)
            sign = "-" if self.remaining < 0 else ""
            text.append(f" · ⏱ {sign}{minutes}:{seconds:02d}")
        header = self.query_one("#standup-header", Static)
        # Laid out again only when its length changed: each second's tick of the timer laid
        # out the whole view, 1.5 KB a second over SSH (a trial).
        header.update(text, layout=len(text.plain) != self._header_length)
        self._header_length = len(text.plain)
        header.set_class(self.timer_on and self.remaining < 0, "-over")

    # ------------------------------------------------------------------ the round-robin

    def action_step(self, step: int) -> None:
        digest = self.digest
        if digest is None:  # still reading: the steps are taken once it is in
            self.early_steps.append(step)
            return
        if not digest.people:
            self.notify("nobody to step through", severity="warning")
            return
        if self.person_index is None:
            # The person the cursor is on: n on dev's rows showed ann, the first (a lead).
            # From the top, p goes round to the last, as it did.
            on = self.rows.whose if self.rows is not None else []
            at = self.query_one(RowList).cursor
            if (step > 0 or at > 0) and 0 <= at < len(on) and on[at] in digest.people:
                index = digest.people.index(on[at])
            else:
                index = 0 if step > 0 else len(digest.people) - 1
        else:
            index = self.person_index + step
        self._end_turn(digest)
        if not 0 <= index < len(digest.people):
            # past the last one (or the first): back to everyone
            self._to_everyone("everyone has had a turn" if step > 0 else "back to everyone")
        else:
            self.person_index = index
            if digest.people[index] not in self.stepped:
                self.stepped.append(digest.people[index])
        self.remaining = TURN_SECONDS
        self.show()

    def _end_turn(self, digest: Digest) -> None:
        """The person on screen's turn ends: how many changes they had, noted."""
        if self.person_index is not None and 0 <= self.person_index < len(digest.people):
            person = digest.people[self.person_index]
            self.turn_ended_with[person] = sum(digest.counts(person).values())

    def changed_since_their_turn(self, digest: Digest) -> list[str]:
        """Those stepped through, their turn over, with more changes now than then."""
        on_screen = self.person
        return [
            person
            for person in self.stepped
            if person != on_screen
            and person in self.turn_ended_with
            and sum(digest.counts(person).values()) > self.turn_ended_with[person]
        ]

    def on_key(self, event: events.Key) -> None:
        """A key other than undo's ends the board's "u again to undo ..." question, as on the
        board: u, other keys, u undid a change from before the app opened without asking
        again (a reviewer)."""
        from pdca.screens.checkin_elsewhere import the_board

        board = the_board(self)
        if board is None or board.undo_asked is None:
            return
        live = self.active_bindings.get(event.key)
        if live is None or live.binding.id != "board-undo":
            board.undo_asked = None

    def action_everyone(self) -> None:
        # on the person whose turn it was: from amir (3 of 52), esc put the cursor on the
        # first person, and the next n began the round again (a stand-up's lead)
        was = self.person
        self._to_everyone("back to everyone")
        self.show(keep=("person", was) if was is not None else None)

    def action_back_to_board(self) -> None:
        """esc on a person's turn: back to everyone, as esc steps back everywhere; "Back"
        left the meeting for the board from there (a stand-up's lead). From everyone: the
        board."""
        if self.person_index is not None:
            self.action_everyone()
            return
        super().action_back_to_board()

    def _to_everyone(self, ended: str) -> None:
        """The everyone view, the per-person timer stopped: it counted on there, for nobody
        (a power user past the last person; a retrial's p past the first, and a). A meeting
        a colleague's record came under ends here: its window goes on from that record."""
        if self._told_recorded is not None:
            self._end_the_meeting()
        if self.digest is not None:
            self._end_turn(self.digest)
        self.person_index = None
        if self.timer_on:
            self._stop_timer()
            self.notify(f"{ended}; the timer stopped")

    def action_toggle_timer(self) -> None:
        if self.timer_on:
            self._stop_timer()
        else:
            self.timer_on = True
            self.remaining = TURN_SECONDS
            self._ticker = self.set_interval(1.0, self._tick)
        self._header()

    def _tick(self) -> None:
        self.remaining -= 1
        self._header()

    def action_record(self) -> None:
        if not self.context.writable:
            self.notify(f"read-only: {self.context.store.read_only_reason}", severity="warning")
            return
        if self.recording:
            # The first r's question is open, or its record waits for the lock: a second one
            # wrote the stand-up twice (a tester, on a busy file).
            self.notify("already recording this stand-up", severity="warning")
            return
        digest = self.digest
        if digest is None:
            return
        if digest is self.recorded:
            # Recorded; the next one is on its way (a thread, a few tenths of a second at
            # 100 000 actions): r in between asked again and wrote it twice (a reviewer).
            self.notify("this stand-up is recorded; the next one is being read", severity="warning")
            return
        if self._recorded_by_someone_else(digest):
            return
        self.recording = True
        if self.person_index is None:
            # Recorded from the everyone view: everyone's changes were on screen, so
            # nobody was passed over ("0 people stepped through", a tester).
            seen = [p for p in digest.people if p != UNOWNED]
            self.record_flow(digest, seen, [], everyone=True)
            return
        # People with changes in the window the lead did not step through (standing
        # items are there again next time; changes are not).
        # Work with no owner is a stop too (n steps to it): named when passed over with
        # changes, as a person is (a tester's record left it out).
        skipped = [
            p for p in digest.people if p not in self.stepped and any(digest.counts(p).values())
        ]
        self.record_flow(digest, list(self.stepped), skipped, self.changed_since_their_turn(digest))

    @work(group="write")
    async def record_flow(
        self,
        digest: Digest,
        people: list[str],
        skipped: list[str] | None = None,
        since_their_turn: list[str] | None = None,
        *,
        everyone: bool = False,
    ) -> None:
        """Record the stand-up shown: its window ends at the digest's ``until``, where the
        next one starts (what changed while this one was open is the next one's). The people
        with changes who were not stepped through are named: their changes will not come up in
        the next one."""
        try:
            await self._ask_and_record(
                digest, people, skipped, since_their_turn or [], everyone=everyone
            )
        finally:
            self.recording = False

    async def _ask_and_record(
        self,
        digest: Digest,
        people: list[str],
        skipped: list[str] | None,
        since_their_turn: list[str],
        *,
        everyone: bool,
    ) -> None:
        from pdca.screens.dialogs.choice import ChoiceModal

        since, until = digest.since, digest.until
        # Said now, not after "Record it" was chosen: it would be refused then (a retrial)
        refused = accountability.ends_before_it_began(
            since, until, digest.since_by, self.context.actor
        )
        if refused is not None:
            self.notify(refused, severity="error", timeout=8)
            return
        people = [p for p in people if p != UNOWNED]  # a stop, not a person (a tester)
        counted = f"{len(people)} {'person' if len(people) == 1 else 'people'}"
        stepped = f"everyone shown ({counted})" if everyone else f"{counted} stepped through"
        # To the second when both ends fall in one minute: "From 09:02 to 09:02" read as an
        # empty window (a tester).
        exact = short_time(since) == short_time(until)
        start, end = short_time(since, seconds=exact), short_time(until, seconds=exact)
        prompt = (
            f"From {start} to {end}, {stepped}. The next stand-up shows what changes after {end}."
        )
        if skipped:
            names = ", ".join(
                "work with no owner" if name == UNOWNED else literal(name) for name in skipped[:5]
            )
            more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
            prompt += (
                f" Not stepped through, with changes: {names}{more}. Their changes up to"
                f" {short_time(until)} will not come up in it."
            )
        if since_their_turn:
            names = ", ".join(
                "work with no owner" if name == UNOWNED else literal(name)
                for name in since_their_turn[:5]
            )
            more = f" and {len(since_their_turn) - 5} more" if len(since_their_turn) > 5 else ""
            back = services(self.app).key_named("standup-previous", "p")
            prompt += (
                f" Changed since their turn: {names}{more} ({back} goes back); what they"
                " changed since will not come up in the next one either."
            )
        answer = await self.app.push_screen_wait(
            ChoiceModal(
                heading="Record this stand-up?",
                prompt=prompt,
                choices=[("record", "Record it"), ("cancel", "Cancel: keep going")],
                yes_no=True,
            )
        )
        if answer != "record":
            return
        seen_event, since_by = digest.seen_event, digest.since_by
        try:
            standup = await self.context.write(
                lambda writer: accountability.record_standup(
                    writer, since, people, until, seen_event=seen_event, since_by=since_by
                ),
                "record of the stand-up",  # said if it gives up after quitting
            )
        except DatabaseBroken:
            raise  # the app stops on it
        except PdcaError as error:
            self.notify(str(error), severity="error", timeout=6)
            self.reload()  # what it may have missed (a change written while it was read)
            return
        self.recorded = digest
        self.notify(
            f"stand-up recorded up to {short_time(standup.at)} "
            f"({count_people(len(standup.people))}); "
            "the next one starts here"
        )
        self.stepped = []
        self.turn_ended_with = {}
        self.person_index = None
        self.extra = {}  # a new window: nobody's longer list carries over
        self._stop_timer()
        self.reload()

    def _stop_timer(self) -> None:
        self.timer_on = False
        self.remaining = TURN_SECONDS
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _row_action(self) -> int | None:
        """The action the highlighted row names (None: a person's name, an alert, "more")."""
        at = self.query_one(RowList).cursor
        return self.targets[at] if 0 <= at < len(self.targets) else None

    def _slid_under(self, action_id: int, *, text_follows: bool = False) -> bool:
        """A key on an action whose row slid under the cursor a moment ago, as a read again
        took the row before it away: said, not done; pressed again, it acts (as on the
        board, screens/cursor_change.py). ``text_follows``: c, whose typed text is dropped."""
        slid, self._slid = self._slid, None
        if slid is None:
            return False
        was, now, at = slid
        if now != action_id or time.monotonic() - at >= JUST_CHANGED_SECONDS:
            return False
        if text_follows:
            services(self.app).drop_typed_text()
        self.notify(
            f"#{was} left this list a moment ago; #{now} is under the cursor now: nothing"
            f" done; the same key again acts on #{now}",
            severity="warning",
        )
        return True

    async def action_move(self, forward: bool) -> None:
        from pdca.screens.jump import move_on_the_board

        action_id = self._row_action()
        if action_id is None:
            key = ">" if forward else "<"
            self.notify(
                f"no action on this row: {key} moves the action a row names", severity="warning"
            )
            return
        if self._slid_under(action_id):
            return
        await move_on_the_board(self.app, action_id, forward=forward, back_to="standup")

    def action_check_in(self) -> None:
        """c: a check-in on the highlighted row's action, here, as each person speaks (a
        team's soak typed one in the stand-up, and c did nothing)."""
        action_id = self._row_action()
        if action_id is None:
            self.notify("no action on this row: c checks in on the action a row names")
            services(self.app).drop_typed_text()  # the message typed with c: not keys here
        elif not self._slid_under(action_id, text_follows=True):  # the keys typed wait for it
            services(self.app).hold_keys(until=self.checkin_flow(action_id))

    # Not exclusive: the next c (or f) would cancel this one while its save waits on a lock,
    # and what was typed went, unkept (a retrial). A "flow": the keys typed with c wait for
    # its form (screens/log.py says why).
    @work(group="flow")
    async def checkin_flow(self, action_id: int) -> None:
        from pdca.screens.checkin_elsewhere import check_in_elsewhere

        if await check_in_elsewhere(self, action_id):
            self.reload()

    @on(RowList.Selected)
    def jump_to_action(self, message: RowList.Selected) -> None:
        if message.index in self.more_rows:
            self.show_more(message.index, self.more_rows[message.index])
        elif message.index in self.board_rows:  # all their open work, on the board
            who = self.board_rows[message.index]
            self.open_owners_board(who)  # UNOWNED: the board's work nobody owns
        elif message.index in self.view_rows:
            self.open_the_rest(*self.view_rows[message.index])
        elif message.index in self.kpi_rows:
            from pdca.screens.kpi_detail import KpiDetailScreen  # plotext only when it opens

            name, waiting_for, alert_id = self.kpi_rows[message.index]
            self.app.push_screen(KpiDetailScreen(name, for_person=waiting_for, alert_id=alert_id))
        elif 0 <= message.index < len(self.targets) and self.targets[message.index] is not None:
            self.open_board(self.targets[message.index])

    def show_more(self, index: int, person: str) -> None:
        """Read ``person``'s next changes in this stand-up's window; the cursor stays on the
        first of them."""
        digest = self.digest
        if digest is None:
            return
        before = self.extra.get(person) or digest.of(person)
        try:
            longer = accountability.standup_changes(
                self.context.store, digest, person, len(before) + MORE_CHANGES
            )
        except PdcaError as error:
            self.notify(str(error), severity="error")
            return
        self.extra[person] = longer
        rows = self.show(index)
        # In time order, the new ones come between those shown (a person's first ten are
        # chosen by kind): the cursor stayed on the row where "more" was, the fourth new one
        # in a trial.
        first = first_new(before, longer)
        if rows is None or first is None:
            return
        at = next((i for i, (_kind, entry) in enumerate(rows.entries) if entry is first), None)
        if at is not None:
            self.query_one(RowList).set_cursor(at)

    @work(group="jump", exclusive=True)
    async def open_the_rest(self, kind: str, who: str) -> None:
        """All of ``who``'s alerts waiting (the list ``!`` shows of one's own), or the log
        narrowed to them, their follow-ups due on top: the whole team's opened, and theirs
        were not on screen (a reviewer)."""
        if kind == "alerts":
            from pdca.screens.my_alerts import MyAlertsScreen

            self.app.push_screen(MyAlertsScreen(person=who))
            return
        if kind == "kpis":  # every KPI, the worst first: theirs among them
            await self.app.switch_mode("kpis")
            return
        from pdca.db.accountability_models import LogFilter
        from pdca.screens.log import LogScreen

        await self.app.switch_mode("log")
        screen = self.app.screen
        if isinstance(screen, LogScreen):
            # Theirs alone: a status filter left on the log showed none of them (a reviewer)
            screen.open_for(LogFilter(owner=None if who == UNOWNED else who), back_to="standup")

    @work(group="jump", exclusive=True)
    async def open_owners_board(self, login: str | None) -> None:
        from pdca.screens.jump import open_on_board

        await open_on_board(self.app, owner=login)

    @work(group="jump", exclusive=True)
    async def open_board(self, action_id: int | None) -> None:
        from pdca.screens.jump import open_on_board

        try:
            action = self.context.store.get_action(action_id or 0)
        except PdcaError as error:
            self.notify(str(error), severity="error")
            return
        await open_on_board(self.app, action_id=action.id, done=action.done_at is not None)

    def palette_commands(self) -> list[PaletteEntry]:
        return [
            PaletteEntry(
                "Stand-up: next person",
                "Only their items",
                lambda: self.action_step(1),
                "standup-next",
            ),
            PaletteEntry(
                "Stand-up: previous person",
                "Only the previous person's items",
                lambda: self.action_step(-1),
                "standup-previous",
            ),
            PaletteEntry(
                "Stand-up: everyone", "Every item again", self.action_everyone, "standup-everyone"
            ),
            PaletteEntry(
                "Stand-up: timer",
                "A per-person timer in the header",
                self.action_toggle_timer,
                "standup-timer",
            ),
            PaletteEntry(
                "Record stand-up",
                "The next one starts where this one ends",
                self.action_record,
                "standup-record",
            ),
            # The meeting's own actions on the row's card, by name as on the board: "check",
            # "phase" and "move" found nothing here (a stand-up's lead)
            PaletteEntry(
                "Check in",
                "Record progress on the highlighted row's action",
                self.action_check_in,
                "standup-checkin",
            ),
            PaletteEntry(
                "Next phase: move on",
                "The highlighted row's action: Plan → Do → Check → Act, asked on the board",
                lambda: self.run_worker(self.action_move(True)),
                "standup-next-phase",
            ),
            PaletteEntry(
                "Back: move to the previous phase",
                "The highlighted row's action, back one phase",
                lambda: self.run_worker(self.action_move(False)),
                "standup-back-phase",
            ),
        ]


def _kept_in_place(person: str, before: list[str], now: list[str]) -> list[str]:
    """``now`` with ``person`` back where they stood in ``before``: before the first one
    after them there who is still here (else last, before the stop for work nobody owns)."""
    after = before[before.index(person) + 1 :] if person in before else []
    following = next((who for who in after if who in now), None)
    if following is not None:
        at = now.index(following)
    else:
        at = len(now) - (1 if now and now[-1] == UNOWNED else 0)
    return [*now[:at], person, *now[at:]]


def first_new(before: list[DigestItem], after: list[DigestItem]) -> DigestItem | None:
    """The first of ``after`` that ``before`` did not hold (None: none), as many times over as
    it held each."""
    held = Counter(before)
    for item in after:
        if held[item] <= 0:
            return item
        held[item] -= 1
    return None


def count_people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"
