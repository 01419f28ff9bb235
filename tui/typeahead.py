"""Keys typed ahead are kept for what the key before them opens, not run by the view behind.

Textual hands each key to the focused widget's queue, and a binding runs only once the key
has bubbled back up to the app; keys typed at once (a fast typist, a paste, ``tmux
send-keys``) were all handed out before the first one's binding ran. So ``n`` followed by a
title put the letters on the board, where ``u`` undid the person's last change and ``e``
opened another form; ``6`` then ``down`` lost the down while the view was mounting.

Now, outside a text field, a key holds the keys after it until its binding has run; if that
opened something (a dialog, a view, a flow that may ask), they wait until it has taken focus
(or the flow ended without asking), then are replayed in order to whatever has focus.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker

# How often a hold looks whether what it waits for is up, how long a new screen may take to
# settle when it has nothing to focus, and the longest any hold lasts (the keys then go on
# as typed: late, never lost).
POLL_SECONDS = 0.02
SCREEN_SETTLE_SECONDS = 0.1
LONGEST_HOLD_SECONDS = 2.0
# A view's first rows read on a thread (the flow view's figures): the moves typed with its
# key wait for them this long at most, then go to what is shown.
LONGEST_READ_SECONDS = 1.0
ROW_KEYS = frozenset({"up", "down", "j", "k", "home", "end", "pageup", "pagedown", "enter"})


@dataclass
class _Hold:
    screen: Screen[Any] | None
    focused: Widget | None
    started: float
    key: events.Key | None = None  # the key whose binding has not run yet
    opening: bool = False  # its binding opened something: wait for it to take focus
    until: Worker[Any] | None = None  # a flow that may open a dialog, or just write
    rows: Worker[Any] | None = None  # a view's first rows, read on a thread
    keys: list[events.Key] = field(default_factory=list)
    screen_changed_at: float | None = None


class KeyHold:
    """The app's hold on typed keys (one at a time: a second hold joins the first)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._hold: _Hold | None = None
        self._timer: Timer | None = None

    @property
    def holding(self) -> bool:
        return self._hold is not None

    def hold_for(self, key: events.Key) -> None:
        """``key`` is on its way to its binding: the keys after it wait for that."""
        if self._hold is None:
            self._start(_Hold(*self._where(), time.monotonic(), key=key))

    def hold(self, until: Worker[Any] | None = None) -> None:
        """Something is opening: keys wait until focus moves (a dialog's field, another
        view's list), or ``until`` ends (a flow that wrote without asking anything)."""
        if self._hold is None:
            self._start(_Hold(*self._where(), time.monotonic()))
        assert self._hold is not None
        self._hold.opening = True
        self._hold.until = until or self._hold.until

    def wait_for_rows(self, read: Worker[Any]) -> None:
        """The view being opened reads its first rows on ``read``: keys typed with its key
        (``6`` down down enter) are for those rows, so they wait for them too."""
        if self._hold is not None:
            self._hold.rows = read

    def key_done(self, key: events.Key) -> None:
        """``key``'s binding ran (or nothing took it): unless it opened something, go on."""
        hold = self._hold
        if hold is not None and hold.key is key:
            hold.key = None
            if not hold.opening:
                self.release()

    def flow_waits(self) -> None:
        """The flow held for waits on its write (another process's lock, seconds maybe): it
        has asked what it would ask, and the keys must not wait with it."""
        hold = self._hold
        if (
            hold is not None
            and hold.until is not None
            and hold.key is None
            and hold.screen_changed_at is None
            and self._where()[0] is hold.screen
        ):
            self.release()

    def take(self, event: events.Event) -> bool:
        """Keep ``event`` if a hold is on and it is a typed key; True when kept."""
        if self._hold is None or not isinstance(event, events.Key) or event.is_forwarded:
            return False
        self._hold.keys.append(event)
        if self._hold.rows is not None and event.key not in ROW_KEYS:
            self.release()  # not for the rows (another view, quit): nothing waits for them
        return True

    def release(self) -> None:
        """Replay the held keys, in order, to whatever has focus now."""
        hold, self._hold = self._hold, None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        for key in hold.keys if hold else ():
            self.app.post_message(events.Key(key.key, key.character))

    # ------------------------------------------------------------------ inside

    def _where(self) -> tuple[Screen[Any] | None, Widget | None]:
        try:
            return self.app.screen, self.app.focused
        except Exception:  # starting (no screen yet) or stopping (none left)
            return None, None

    def _start(self, hold: _Hold) -> None:
        self._hold = hold
        self._timer = self.app.set_interval(POLL_SECONDS, self._check)

    def _check(self) -> None:
        hold = self._hold
        if hold is None:
            return
        now = time.monotonic()
        screen, focused = self._where()
        if screen is not hold.screen and hold.screen_changed_at is None:
            hold.screen_changed_at = now
        reading = hold.rows is not None and not hold.rows.is_finished
        if reading and now - hold.started < LONGEST_READ_SECONDS:
            return
        if self._ready(hold, screen, focused, now) or now - hold.started >= LONGEST_HOLD_SECONDS:
            self.release()

    @staticmethod
    def _ready(hold: _Hold, screen: Screen[Any] | None, focused: Widget | None, now: float) -> bool:
        if hold.key is not None:
            # Its binding has not run; a widget that stopped the key means it never will.
            return bool(hold.key._stop_propagation)
        if not hold.opening:
            return True
        if focused is not None and focused is not hold.focused and focused.is_attached:
            return True  # the dialog's field, the view's list: the keys are for it
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
