"""Keys typed ahead are kept for what the key before them opens, not run by the view behind.

Textual hands each key to the focused widget's queue, and a binding runs only once the key
has bubbled back up to the app; keys typed at once (a fast typist, a paste, ``tmux
send-keys``) were all handed out before the first one's binding ran. So ``n`` followed by a
title put the letters on the board, where ``u`` undid the person's last change and ``e``
opened another form; ``6`` then ``down`` lost the down while the view was mounting; a title
then enter then ``kk`` put ``kk`` in the title, the form not being closed yet.

Now, outside a text field, a key holds the keys after it until its binding has run; if that
opened something (a dialog, a view, a flow that may ask), they wait until it has taken focus
(or the flow ended without asking). In a text field, a key that leaves it (enter, ctrl+s,
escape, tab) holds them until focus has moved. Held keys and pastes wait in one queue, in
the order they came, and are replayed from it in that order: a key that comes while replays
are on their way queues behind them.
"""

from __future__ import annotations

import bisect
import itertools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker

from pdca.tui.esc_keys import glued_to_esc
from pdca.widgets.literal_fields import LEAVING_KEYS as LEAVING_KEYS  # the fields' own

# How often a hold looks whether what it waits for is up, how long a new screen may take to
# settle when it has nothing to focus, and the longest any hold lasts (the keys then go on
# as typed: late, never lost).
POLL_SECONDS = 0.02
SCREEN_SETTLE_SECONDS = 0.1
LONGEST_HOLD_SECONDS = 2.0
# A key that leaves a text field and then does not (an error shown under the field): the
# keys after it go on into the field after this.
LEAVING_HOLD_SECONDS = 0.5
# ... and not before the hold has looked this many times: a busy app (a board's first
# seconds) runs the looks late, and the field's own handling of the key (enter's filter, a
# form's save) between them, so the keys after enter went into the field it was leaving
# (a tester's "/slo enter j c" gave the filter "slojc").
LEAVING_HOLD_LOOKS = 15
# A view's first rows read on a thread (the flow view's figures, seconds on a huge file): the
# moves typed with its key wait for them this long at most, then go to what is shown.
LONGEST_READ_SECONDS = 5.0
ROW_KEYS = frozenset({"up", "down", "j", "k", "home", "end", "pageup", "pagedown", "enter"})
# A key that would have opened a form and opened nothing (no card, a read-only file): the
# text typed after it is dropped until the typing pauses this long, or enter or esc ends it.
# A slow typist's pace, not a burst's: at 0.3 s, a message typed at 0.45 s a key after a
# refused c ran as board keys, and its e opened an edit of the done card that took the rest
# (a tester). A board key pressed within this after the refusal is dropped too, and said so.
DROP_PAUSE_SECONDS = 1.0
# Keys a person moves about a form's text and fields with, as they type: dropped with the
# text. end after a refused e moved the board to its last card, and the words typed after
# it ran as board keys there: D showed done cards, a opened an assign that the rest of the
# words and ctrl+s saved, a made-up owner on another card (a team's soak). Not up and down:
# a form's fields are tabbed through, and a held down key after a refused n in the log went
# on being dropped (a retrial).
FORM_KEYS = frozenset(
    ("home", "end", "left", "right", "backspace", "delete", "tab",
     "shift+tab", "shift+home", "shift+end", "shift+left", "shift+right", "ctrl+left",
     "ctrl+right", "ctrl+a", "ctrl+e", "ctrl+k", "ctrl+u", "ctrl+w")
)  # fmt: skip
# Keys that act when read in one go with the esc before them: they only move or show (the
# app adds the views' keys as the person's keymap names them).
GLUED_KEYS_THAT_ACT = frozenset(
    {"j", "k", "h", "l", "g", "G", "up", "down", "left", "right", "home", "end", "pageup",
     "pagedown", "escape", "question_mark", "slash", "q"}
)  # fmt: skip

Typed = events.Key | events.Paste


@dataclass
class _Hold:
    screen: Screen[Any] | None
    focused: Widget | None
    started: float
    key: events.Key | None = None  # the key whose binding has not run yet
    opening: bool = False  # its binding opened something: wait for it to take focus
    leaving: bool = False  # a key that leaves a text field: wait for focus to move
    until: Worker[Any] | None = None  # a flow that may open a dialog, or just write
    rows: Worker[Any] | None = None  # a view's first rows, read on a thread
    every_key: bool = False  # with ``rows``: every key waits for them, not only moves
    flows_before: frozenset[int] = frozenset()  # the flows running when the key came
    screen_changed_at: float | None = None
    looks: int = 0  # how many times ``_check`` has looked at this hold


class KeyHold:
    """The app's hold on typed keys (one at a time: a second hold joins the first)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._hold: _Hold | None = None
        self._timer: Timer | None = None  # one, paused between holds: keys come often
        # Held keys and pastes by the order they were typed in (a number each): a replay held
        # again goes back before the keys typed after it, whatever came first this time.
        self._backlog: list[tuple[int, Typed]] = []
        self._replays: dict[int, tuple[int, Typed]] = {}  # posted again, not yet back through
        self._typed = itertools.count()
        self._dropping_until = 0.0  # time.monotonic: typed text dropped till then (drop_text)
        self._dropped_any = False  # since drop_text: the first dropped key is said, once
        self._passing: frozenset[str] = frozenset()  # keys that end the dropping and run
        self._through_enter = False  # enter too is dropped, the dropping going on
        # Keys read in one go with an esc before them that act all the same (``_dropped``)
        self.glued_passing: frozenset[str] = GLUED_KEYS_THAT_ACT
        self.on_dropped: Callable[[], None] = lambda: None  # told at the first key dropped
        self.dropped_after = ""  # the key the dropped text came after, and why (drop_text)

    def drop_text(
        self, passing: frozenset[str] = frozenset(), *, lines: bool = False, after: str = ""
    ) -> None:
        """The key just handled was to open a form and opened nothing: what is typed next is
        that form's text, not board keys. Typed with ``c`` on no card, "update" ran u (undo
        of the person's last change) and p, and a q in it quit (a tester). ``passing``: keys
        that end the dropping and run (q after a refused quit). ``lines``: enter does not
        end it either, only a pause: commands typed for the shell after a refused quit, the
        second line's "cd" opened a check-in that its enter saved (a tester). ``after``:
        the key, and why it opened nothing, for the notice (``dropped_after``)."""
        self.dropped_after = after
        self._dropping_until = time.monotonic() + DROP_PAUSE_SECONDS
        self._dropped_any = False
        self._passing = passing
        self._through_enter = lines

    def _dropped(self, event: events.Event) -> bool:
        """Whether ``event`` is text typed for a form that did not open, and so dropped."""
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        now = time.monotonic()
        if isinstance(event, events.Key) and glued_to_esc(event):
            # Alt+u, readline's word case in a field, reads as esc then u: the esc left the
            # form (the filter, the palette, the detail) and u undid the person's change on
            # the board (a terminal trial, then a reviewer). A key read in one go with its esc
            # is not a board key, but for a view's and the moves (esc 3: the KPIs), unless
            # that esc was a typed form's first, which drops what follows it (below): "esc
            # q" there typed "q" into the title (a retrial).
            if event.key in self.glued_passing and now >= self._dropping_until:
                return False
            if event.key not in self.glued_passing:
                # And the text typed behind it: "esc u", then "ndo notes" ran as board keys,
                # and its u undid the person's check-in (a keyboard trial).
                # (an esc after it ends that, and acts: the form it left may still be up)
                self.drop_text(
                    frozenset({"escape"}),
                    after=f"esc and {event.key} came as one key (alt+{event.key}): ",
                )
                self._dropped_any = True
                self.on_dropped()
                return True
        if now >= self._dropping_until:
            return False
        if isinstance(event, events.Key) and event.key in self._passing:
            self._dropping_until = 0.0
            return False
        if self._through_enter:
            # lines typed for the shell: every key of them (backspace and tab too, which
            # ended it and let the rest of the line run as board keys, a reviewer)
            self._dropping_until = now + DROP_PAUSE_SECONDS
        elif isinstance(event, events.Key) and event.key in ("enter", "escape", "ctrl+s"):
            self._dropping_until = 0.0  # the form's end, as the person meant it: dropped too
        elif isinstance(event, events.Paste) or event.is_printable or event.key in FORM_KEYS:
            self._dropping_until = now + DROP_PAUSE_SECONDS
        else:
            self._dropping_until = 0.0  # an arrow, a ctrl key: the person is on to other things
            return False
        if not self._dropped_any:
            self._dropped_any = True
            self.on_dropped()
        return True

    @property
    def holding(self) -> bool:
        """Keys are held or on their way back: what a person typed is not all done."""
        return self._hold is not None or bool(self._backlog) or bool(self._replays)

    def hold_for(self, key: events.Key, *, leaving: bool = False) -> None:
        """``key`` is on its way to its binding: the keys after it wait for that (and, for a
        key ``leaving`` a text field, for focus to move)."""
        if self._hold is None:
            hold = _Hold(*self._where(), time.monotonic(), key=key, leaving=leaving)
            hold.flows_before = frozenset(id(w) for w in self.running_flows())
            self._start(hold)

    def hold(self, until: Worker[Any] | None = None) -> None:
        """Something is opening: keys wait until focus moves (a dialog's field, another
        view's list), or ``until`` ends (a flow that wrote without asking anything)."""
        if self._hold is None:
            self._start(_Hold(*self._where(), time.monotonic()))
        assert self._hold is not None
        self._hold.opening = True
        self._hold.until = until or self._hold.until

    def wait_for_rows(self, read: Worker[Any], *, every_key: bool = False) -> None:
        """The view being opened reads its first rows on ``read``: keys typed with its key
        (``6`` down down enter) are for those rows, so they wait for them too (``every_key``:
        all keys, as after a new filter, where ``c`` is for one of the new rows too)."""
        if self._hold is not None:
            self._hold.rows = read
            self._hold.every_key = every_key

    def key_done(self, key: events.Key) -> None:
        """``key``'s binding ran (or nothing took it): unless it opened something, go on."""
        hold = self._hold
        if hold is not None and hold.key is key:
            hold.key = None
            started = [w for w in self.running_flows() if id(w) not in hold.flows_before]
            if started:  # its binding started a flow (a dialog on its way): wait for it
                hold.opening, hold.until = True, started[-1]
            # Its binding started a read the keys after it are for (esc clearing a filter,
            # D): they wait for it (``_check``). Let go here, "esc j" typed at once moved in
            # the filtered cards, and the read then put focus back where esc left it (a
            # tester over SSH, where keys come in bursts).
            reading = hold.rows is not None and not hold.rows.is_finished
            if not (hold.opening or hold.leaving or reading):
                self.release()

    def leaving_refused(self) -> Callable[[], None]:
        """The form the held key was to leave said no (an error under a field): the keys after
        it are the form's now, at once. Each refused enter held them half a second, and 30
        enters held on an empty check-in kept esc waiting 15 s (a tester). Returns the let-go,
        to be run from the app's own queue, of this hold alone: a form with two errors says
        no twice, and the second must not let go the hold of an enter replayed since (a
        reviewer)."""
        hold = self._hold

        def let_go() -> None:
            if hold is not None and hold.leaving and self._hold is hold:
                self.release()

        return let_go

    def running_flows(self) -> list[Worker[Any]]:
        """The flows (workers of group "flow": dialogs, then a write) not ended yet."""
        return [w for w in self.app.workers if w.group == "flow" and not w.is_finished]

    def flow_waits(self) -> None:
        """The flow held for waits on its write (another process's lock, seconds maybe): it
        has asked what it would ask, and the keys must not wait with it."""
        hold = self._hold
        if hold is not None and hold.until is not None and hold.key is None:
            self.release()

    def take(self, event: events.Event) -> bool:
        """Keep a typed key or paste that must wait; True when kept. One of the replays goes
        on unless a hold has begun since it was posted."""
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        # Behind held keys, a key waits its turn to be judged: an enter typed after them ended
        # the dropping before they were replayed, and they ran as keys ("cfirst message" then
        # enter: f opened a follow-up and s answered it, a retrial).
        waiting = self._hold is not None or bool(self._backlog) or bool(self._replays)
        if id(event) not in self._replays and not waiting and self._dropped(event):
            return True
        again = self._replays.pop(id(event), None)
        replayed = again is not None
        if self._hold is not None or (not replayed and (self._replays or self._backlog)):
            order = again[0] if again is not None else next(self._typed)
            bisect.insort(self._backlog, (order, event), key=lambda held: held[0])
            hold = self._hold
            rows = hold.rows if hold is not None and not hold.every_key else None
            if rows is not None and not (isinstance(event, events.Key) and event.key in ROW_KEYS):
                self.release()  # not for the rows (another view, quit): nothing waits for them
            return True
        if replayed and not self._replays and self._backlog:
            self._replay()  # what came while the replays were on their way: behind them
        return False

    def release(self) -> None:
        """Replay the held keys, in order, to whatever has focus now."""
        self._hold = None
        if self._timer is not None:
            self._timer.pause()
        self._replay()

    # ------------------------------------------------------------------ inside

    def _replay(self) -> None:
        waiting, self._backlog = self._backlog, []
        # Held behind a key whose form did not open (drop_text): its text goes, not replayed.
        waiting = [(order, typed) for order, typed in waiting if not self._dropped(typed)]
        for order, typed in waiting:
            again: Typed = (
                events.Key(typed.key, typed.character)
                if isinstance(typed, events.Key)
                else events.Paste(typed.text)
            )
            self._replays[id(again)] = (order, again)
            self.app.post_message(again)

    def _where(self) -> tuple[Screen[Any] | None, Widget | None]:
        try:
            return self.app.screen, self.app.focused
        except Exception:  # starting (no screen yet) or stopping (none left)
            return None, None

    def _start(self, hold: _Hold) -> None:
        self._hold = hold
        if self._timer is None:
            self._timer = self.app.set_interval(POLL_SECONDS, self._check)
        else:
            self._timer.resume()

    def _check(self) -> None:
        hold = self._hold
        if hold is None:
            return
        now = time.monotonic()
        hold.looks += 1
        screen, focused = self._where()
        # A new screen whose on_mount has not run: what it reads first (wait_for_rows) and
        # what it focuses are not known yet (a busy machine took over a tenth of a second).
        unmounted = screen is not None and screen is not hold.screen and not screen.is_mounted
        if unmounted and now - hold.started < LONGEST_HOLD_SECONDS:
            return
        if screen is not hold.screen and hold.screen_changed_at is None:
            hold.screen_changed_at = now
        if hold.rows is not None and hold.rows.is_cancelled:
            hold.rows = self._replacing(hold.rows)
        reading = hold.rows is not None and not hold.rows.is_finished
        if reading and now - hold.started < LONGEST_READ_SECONDS:
            return
        waited = now - hold.started
        if hold.leaving:
            given_up = waited >= LEAVING_HOLD_SECONDS and hold.looks >= LEAVING_HOLD_LOOKS
        else:
            given_up = waited >= LONGEST_HOLD_SECONDS
        if self._ready(hold, screen, focused, now) or given_up:
            self.release()

    def _replacing(self, read: Worker[Any]) -> Worker[Any] | None:
        """The read that cancelled ``read`` (a view reads one at a time: a colleague's change
        just after ``/Bob enter`` starts a new one), or None. A thread worker cancelled
        before it ran never ends: the keys waited it out, 5 s (a reviewer)."""
        for worker in self.app.workers:
            if (
                worker is not read
                and worker.group == read.group
                and worker.node is read.node
                and not (worker.is_cancelled or worker.is_finished)
            ):
                return worker
        return None

    @staticmethod
    def _ready(hold: _Hold, screen: Screen[Any] | None, focused: Widget | None, now: float) -> bool:
        if (
            hold.key is not None
            and hold.key._stop_propagation
            and not isinstance(hold.focused, Input)
            and not hold.opening
        ):
            # A widget took the key itself (a newline in a text area): no binding. Not an
            # Input's enter, which comes back up for the app once the field has it: taken
            # for done before that, the keys after it went into the field (a tester's
            # "/slo enter j c" filtered for "slojc" while the board was busy starting).
            # Not a key whose binding asked for the hold (``hold``): a binding's key is stopped
            # too, and its flow's keys went on before the flow had said no (the log's c and
            # "first message": f opened a follow-up and s answered it, a retrial).
            return True
        if hold.key is not None:
            return False
        if not (hold.opening or hold.leaving):
            return True
        flow_on = hold.until is not None and not hold.until.is_finished
        if flow_on and not isinstance(screen, ModalScreen):
            return False  # between a flow's dialogs, or saving what one asked: not yet
        if focused is not None and focused is not hold.focused and focused.is_attached:
            return True  # the dialog's field, the view's list, the board again: keys are for it
        if hold.screen_changed_at is not None:
            return now - hold.screen_changed_at >= SCREEN_SETTLE_SECONDS
        return hold.until is not None and hold.until.is_finished and screen is hold.screen


def is_text_field(widget: Widget | None) -> bool:
    """A field that takes typed keys itself (and in order): an Input or a TextArea."""
    if isinstance(widget, Input):
        return True
    # TextArea's module is imported only by the forms that use one: none is up without it.
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(widget, text_area.TextArea)
