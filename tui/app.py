"""The Textual app: views as modes, presence, and noticing other people's changes.

``create_app`` is the one factory the ``pdca`` command and the tests share. The app owns the
store (through ``AppContext``: reads on the UI thread, every write on a writer thread of its
own), a presence session with its own connection in a worker thread, and a twice-a-second
look at SQLite's change counter: when the event log grew, the current view reloads, whoever
wrote it (another SSH session, the command line, a cron job).

It never carries on after the file went wrong (damaged, a disk error, removed or replaced):
it stops, says so in one line and exits 1. Any other crash exits 1 too, with the traceback in
a file of the user's own (tui/crash.py) and one line saying where.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.notifications import Notify, SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widget import AwaitMount, Widget
from textual.worker import Worker, WorkerFailed, get_current_worker

from pdca.db.access import unreachable_directory
from pdca.db.clock import Clock
from pdca.db.connection import file_identity, file_stamp, not_the_file_opened, where_it_is_now
from pdca.db.errors import (
    DATABASE_ERRORS,
    DatabaseBroken,
    Interrupted,
    PdcaError,
    broken_reason,
    shell_word,
)
from pdca.db.filesystem import make_personal_folder, personal_mode
from pdca.db.overwritten import Overwritten, overwritten_since
from pdca.db.plain import shown_value
from pdca.db.presence import HEARTBEAT_SECONDS, Presence
from pdca.db.store import Store
from pdca.screens.board import BoardScreen
from pdca.screens.context import (
    AppContext,
    AppServices,
    DatabaseChanged,
    PaletteEntry,
    PaletteProvider,
    file_shown,
    show_write_banner,
    view_bindings,
    write_banner,
)
from pdca.screens.notes_on_screen import withdraw_notes
from pdca.tui.crash import crash_line, write_crash_log
from pdca.tui.esc_keys import GLUED_TO_ESC, glued_to_esc, read_esc_digits_as_keys
from pdca.tui.list_paging import page_only_drawn_lists
from pdca.tui.niced import at_lowest_priority
from pdca.tui.paths import NoHome
from pdca.tui.readable_colours import for_sixteen_colours, with_readable_colours
from pdca.tui.settings import Settings, load_settings, save_settings, settings_path
from pdca.tui.stop_continue import resume_only_after_suspend
from pdca.tui.typeahead import LEAVING_KEYS, KeyHold, is_text_field
from pdca.widgets.status_bar import StatusBar
from pdca.widgets.text import fit, literal
from pdca.widgets.when import short_time

if TYPE_CHECKING:
    from textual.notifications import Notification as Toasted
    from textual.timer import Timer

    from pdca.db.notify import Notification

T = TypeVar("T")
QUIT_AGAIN_SECONDS = 12  # a second q within this (the warning still shown) quits
PROBLEMS_SHOWN = 8  # of a settings file's, at start
KEPT_SHOWN_CELLS = 100  # each kept change in q's warning (its notes may run to pages)
# alt+ a key pdca reads as esc then that key (see on_event): letters, digits and the arrows.
ALT_KEYS = frozenset(
    f"alt+{key}" for key in [*"abcdefghijklmnopqrstuvwxyz0123456789", "up", "down", "left", "right"]
)
read_esc_digits_as_keys()  # esc 3 typed fast: esc, then the KPIs view (not "£")
page_only_drawn_lists()  # PageUp in the palette before its list is drawn: no crash

CHANGE_POLL_SECONDS = 0.5  # others' changes appear within one second
OTHERS_SECONDS = 2.0  # a board gone (killed, a dropped SSH session) leaves the header within
MESSAGE_FROM_PDCA = "message from pdca: "  # how a note of a terminal message begins
MESSAGES_ONE_BY_ONE = 3  # terminal messages shown as a note each; more: one note listing them
MESSAGES_LISTED = 8
MESSAGE_CELLS = 100
SAID_MOST = 3  # of this person's changes others replaced, each said; the rest counted
OVERWRITTEN_SECONDS = 15.0  # a notice of them is up: those after it are said when it goes
# A commit a heartbeat may hide another tool's write in: the board reads its cards at once,
# the other views (some read for seconds on a huge file) this long after, once
OUTSIDE_MAYBE_SECONDS = 10.0
ESCALATION_SECONDS = 60.0  # missed alert deadlines are passed on within a minute
ESCALATION_AFTER_SECONDS = 1.0  # the first round, once the first view has read its own
INTEGRITY_AFTER_SECONDS = 2.0  # the whole-file check (0.6 s of CPU at 10 000 actions, 5 s+ at 100k)


def _terminal_drawn_on() -> int | None:
    """The device number of the terminal the board draws on (Textual's driver writes to
    stderr), or None when that is no terminal (a test's)."""
    stream = sys.__stderr__
    try:
        if stream is None or not stream.isatty():
            return None
        return os.fstat(stream.fileno()).st_rdev
    except (OSError, ValueError):
        return None


# The palette's help for Textual's own commands, in pdca's words: "Quit the application as
# soon as possible" was not what q does here (it asks first when something is kept), nor
# "help for the focused widget" what ? shows (a new user).
_SAID_AS_PDCA_DOES = {
    "Quit": "Quit pdca and exit, asking first if something you typed is not saved (q)",
    "Keys": "Help: this view's keys, then everywhere's (?)",
}


def _view(module: str, name: str) -> Screen:
    """A view other than the board, imported when first shown: the first paint is the
    board's, and it should not wait for screens nobody has asked for yet."""
    screen: type[Screen] = getattr(importlib.import_module(f"pdca.screens.{module}"), name)
    return screen()


def _commands_by_words() -> type[Provider]:
    from pdca.tui.palette_words import CommandsByWords  # with the palette, not at start-up

    return CommandsByWords


class PdcaApp(App[None]):
    """pdca: the board (and, as they arrive, the other views) over one shared file."""

    TITLE = "pdca"
    CSS_PATH = Path(__file__).parent / "pdca.tcss"  # absolute: subclasses live elsewhere
    MODES = {
        "board": BoardScreen,
        "owners": lambda: _view("owners", "OwnersScreen"),
        "kpis": lambda: _view("kpis", "KpisScreen"),
        "log": lambda: _view("log", "LogScreen"),
        "standup": lambda: _view("standup", "StandupScreen"),
        "flow": lambda: _view("flow", "FlowScreen"),
        "initiatives": lambda: _view("initiatives", "InitiativesScreen"),
    }
    DEFAULT_MODE = "board"
    COMMANDS = {_commands_by_words}
    # A class on every screen by its width: under 100 columns the keys panel takes it all
    # (pdca.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-roomy")]

    BINDINGS = [
        *view_bindings("switch_mode"),
        # Off the footer (the header's flag says when it matters); in ? and the palette.
        Binding("exclamation_mark", "my_alerts", "My alerts", show=False, id="app-my-alerts"),
        # F1 too, as mc and htop (it did nothing, a terminal trial)
        Binding("question_mark,f1", "toggle_keys", "Keys", id="app-keys"),
        # esc closes the keys panel first, as it leaves everything else a step back (only ?
        # did, a tester); without the panel, esc goes on to the view or dialog as ever.
        Binding("escape", "hide_keys", show=False, priority=True),
        # And pgup/pgdn scroll it while it is longer than the screen: at 60x20 it ended at
        # "o Owner", the keys below it out of reach, pgdn paging the board behind (a tester).
        Binding("pagedown", "scroll_keys(1)", show=False, priority=True),
        Binding("pageup", "scroll_keys(-1)", show=False, priority=True),
        # While it covers a narrow screen, the arrows read it too: they moved the board
        # hidden behind it, and a key typed then acted on a card nobody saw (a tester).
        Binding("down,j", "scroll_keys_by(1)", show=False, priority=True),
        Binding("up,k", "scroll_keys_by(-1)", show=False, priority=True),
        Binding("home,g", "scroll_keys_by(-100000)", show=False, priority=True),
        Binding("end,G", "scroll_keys_by(100000)", show=False, priority=True),
        Binding("q", "quit", "Quit", id="app-quit"),
        # As in any terminal program (Textual binds it to nothing: it did nothing, a tester);
        # `fg` brings the board back as it was.
        Binding("ctrl+z", "suspend_process", "Suspend", show=False, id="app-suspend"),
        # As less, vim and htop: the screen drawn again whole, when something wrote over it
        # (a `write` or `wall` message: only a resize did it, a tester).
        Binding("ctrl+l", "redraw", "Redraw", show=False, id="app-redraw"),
    ]

    def __init__(
        self,
        context: AppContext,
        *,
        settings: Settings | None = None,
        settings_file: Path | None = None,
        presence: bool = True,
        watch_changes: bool = True,
        environ: Mapping[str, str] | None = None,
        notices: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.context = context
        self.notices = list(notices)  # said once the first screen is up
        self.hung_up = 0  # SIGHUP or SIGTERM came (run_app): quit as q does
        self.hung_up_at: datetime | None = None  # when the first SIGHUP came
        self.left_behind_kept = False  # after a hang-up: what was not saved is in its file
        self._warned_of_kept: set[str] = set()  # what q said is kept: the next q quits
        self._said_unsaved: set[str] = set()  # settings that could not be saved, said once
        self.left_typed: list[str] = []  # typed in forms still open at quit: printed at exit
        self._warned_at = -float(QUIT_AGAIN_SECONDS)  # when it said so
        context.on_saving = self._show_saving
        context.on_orphan = self._orphan_from_writer
        self._ui_loop: asyncio.AbstractEventLoop | None = None
        self._saving = 0  # writes now waiting long enough to say "saving…"
        self.environ = os.environ if environ is None else environ
        self.crash_log: Path | None = None  # where the traceback went, if the app crashed
        self.settings = settings or Settings()
        self.settings_file = settings_file
        self.use_presence = presence and context.writable
        # A reader, never listed itself, still sees who is here: its header named nobody
        # while two boards wrote (a soak).
        self.see_others = presence
        self.watch_changes = watch_changes
        self.others: tuple[str, ...] = ()
        self._kept_said: set[str] = set()  # the kept changes a warning on screen names
        self._write_banner: str | None = None  # as the views show it now
        self._last_data_version = -1
        self._last_event_id = -1
        self._presence_mark: tuple[object, ...] = ()  # the sessions as last seen (a commit)
        self._outside_maybe_at: float | None = None  # time.monotonic of a commit that may hide one
        self._overwritten_quiet_until = 0.0  # time.monotonic: a notice of replaced changes up
        self._overwritten_held: list[Overwritten] = []  # replaced meanwhile, said when it goes
        self._overwritten_timer: Timer | None = None
        self._began_at_event: int | None = None  # the log's last event as the app started
        self._day_seen: date | None = None  # the local day the views were last read on
        self._snapshot_stamp = file_stamp(context.path)
        self.key_hold = KeyHold(self)
        self._moved_keys: dict[str, frozenset[str]] = {}  # keys the [keys] table moved off
        self._pressing = ""  # the key being handled, for the notice of text dropped after it
        self._esc_on_a_view = False  # the last esc typed was on a view: no field, no dialog
        # The board's n, e and c as the [keys] table has them: read at the first key
        self._form_keys: frozenset[str] | None = None
        # The screen of the last mouse press, when the last release came, and whether the
        # press after it was left out (``_press_acts``)
        self._pressed_on: Screen[Any] | None = None
        self._released_at = -1.0
        self._press_dropped = False
        self.key_hold.on_dropped = lambda: self.notify(
            f"{self.key_hold.dropped_after}what you typed after it was dropped",
            severity="warning",
            markup=False,
        )
        self.changes_seen = 0  # how many times the event log was seen to grow, by anyone
        self.outside_changes_seen = 0  # and the file to change with no event (another tool)
        self._stop_presence = threading.Event()
        self._own_terminal = _terminal_drawn_on()  # a message for it is a toast (notify)
        self._failures_told: set[str] = set()  # delivery failures said on the board, once each
        # each note listing several messages: the texts it stands for, listed or not
        self._listing: dict[str, tuple[float, list[str]]] = {}
        self._checking: Store | None = None  # the whole-file check's reader, while it reads

    # ------------------------------------------------------------------ keys typed ahead

    def hold_keys(self, until: Worker[object] | None = None) -> None:
        """Keys typed from now on are for what is opening (tui/typeahead.py)."""
        self.key_hold.hold(until)

    def keys_wait_for_rows(self, read: Worker[Any], *, every_key: bool = False) -> None:
        """Keys typed with the view's key are for its first rows, read on ``read``."""
        self.key_hold.wait_for_rows(read, every_key=every_key)

    def drop_typed_text(self, passing_for: str | None = None) -> None:
        """A key that opens a form opened none: the text typed after it is not board keys.
        The notice names that key: "what you typed after it" named no "it" (a retrial).
        ``passing_for``: the binding whose keys the refusal named ("esc clears it"): they
        act, not dropped ("e" then the esc it asked for left the filter on, a tester)."""
        key = self._pressing
        # enter chose a palette command: "⏎ opened nothing" named the wrong thing (a retrial)
        named = key and key != "enter"
        after = f"{self.get_key_display(Binding(key, ''))} opened nothing: " if named else ""
        passing = frozenset(
            key  # as the person's keymap has them
            for key, active in self.screen.active_bindings.items()
            if passing_for is not None and active.binding.id == passing_for
        )
        self.key_hold.drop_text(passing, after=after)

    def key_named(self, binding_id: str, default: str) -> str:
        """The key a hint names for ``binding_id``: the person's own (the first, as the
        footer shows it) when their keymap remaps it, else ``default``. Hints named esc, D
        and n after those were remapped, and the keys named did nothing (a new user)."""
        keys = self._keymap.get(binding_id)
        if not keys:
            return default
        return self.get_key_display(Binding(keys.split(",")[0].strip(), ""))

    def form_stays(self) -> None:
        """A form said no to the key that was to save and leave it (an error under a field):
        the keys typed after it are the form's, at once. Let go from the app's own queue:
        keys replayed from the form's handler were sent as the form's, and Textual stopped
        them short of their bindings (every other enter did nothing)."""
        self.call_later(self.key_hold.leaving_refused())

    def keys_stay_here(self, passing: frozenset[str]) -> None:
        """The key just pressed to leave a form did not leave it (esc asking first): what is
        typed behind it, meant for wherever it would have led, is dropped, not the form's
        text, except ``passing``; and no key waits for focus to move, as it will not."""
        self.key_hold.drop_text(passing)
        self.key_hold.release()

    async def on_event(self, event: events.Event) -> None:
        pressed = isinstance(event, (events.MouseDown, events.MouseUp)) and not event.is_forwarded
        if pressed and not self._press_acts(event):  # type: ignore[arg-type]
            return
        typed_key = isinstance(event, events.Key) and not event.is_forwarded
        if typed_key and (rest := self._esc_then(event)):  # type: ignore[arg-type]
            # Esc and then a key within Textual's escape delay (0.1 s) reads as alt+key (or a
            # symbol), which pdca binds nowhere: both keys were lost. They are what was typed.
            await self.on_event(events.Key("escape", "\x1b"))
            await self.on_event(events.Key(rest, rest if len(rest) == 1 else None))
            return
        if typed_key and event.key == "ctrl+j" and not self._line_feed_is_bound():  # type: ignore[attr-defined]
            # tmux sends the keypad's Enter as a line feed, which Textual reads as ctrl+j:
            # it opened no card and saved no form (a trial of terminals). Enter, as a
            # terminal's own line discipline takes it.
            await self.on_event(events.Key("enter", "\r"))
            return
        if typed_key:
            self._as_typed_after_esc(event)  # type: ignore[arg-type]
        if self.key_hold.take(event):
            return
        if typed_key and self._covered_key(event):  # type: ignore[arg-type]
            # The ``?`` panel covers the view: a key of the view behind it closes the panel
            # and does no more. Its > moved a card nobody saw to Do (a trial).
            self.action_hide_help_panel()
            return
        typed = event if isinstance(event, events.Key) and not event.is_forwarded else None
        if typed is not None and not is_text_field(self.focused):
            self.key_hold.hold_for(typed)
        elif typed is not None and typed.key in LEAVING_KEYS:  # a text field takes the rest
            self.key_hold.hold_for(typed, leaving=True)  # itself, in order
        await super().on_event(event)
        if typed is not None and not typed.is_forwarded:  # a priority binding ran it here
            self.key_hold.key_done(typed)

    def _as_typed_after_esc(self, event: events.Key) -> None:
        """A key that opens a form (n, e, c), read in one go with an esc typed on a view (no
        field, no dialog), is that key as typed: "esc n" fast over SSH lost the n, and the
        title typed after it ran as board keys (a keyboard trial). After an esc that left a
        field or a dialog it is still dropped: Alt+u there read as esc then u."""
        if event.key == "escape":
            self._esc_on_a_view = not is_text_field(self.focused) and not isinstance(
                self.screen, ModalScreen
            )
        elif self._esc_on_a_view and glued_to_esc(event):
            if self._form_keys is None:
                from pdca.tui.keymap import form_keys

                self._form_keys = form_keys(self._keymap)
            if event.key in self._form_keys:
                setattr(event, GLUED_TO_ESC, False)

    def _line_feed_is_bound(self) -> bool:
        """Whether the person's keymap gives ctrl+j to something (then it stays theirs)."""
        return any("ctrl+j" in keys.replace(" ", "").split(",") for keys in self._keymap.values())

    def _press_acts(self, event: events.MouseDown | events.MouseUp) -> bool:
        """Whether a mouse button's press or release from the terminal acts. Not the middle
        or right button's: Textual took them as the left's, and a right click, a paste in
        PuTTY, ran the footer key under it. Not a press a double click's time after a release
        on another screen, nor its release: the second click of a double click on a dialog's
        "esc Cancel" landed on the board's "> Next phase" under it, and moved the card (a
        mouse user's trial)."""
        if event.button in (2, 3):
            return False
        now = time.monotonic()
        if isinstance(event, events.MouseDown):
            # The screen changed since the last press (a footer key acts on the press, a
            # button on the click): a second press this soon was meant for that one.
            self._press_dropped = (
                now - self._released_at <= self.CLICK_CHAIN_TIME_THRESHOLD
                and self._pressed_on is not self.screen
            )
            if not self._press_dropped:
                self._pressed_on = self.screen
            return not self._press_dropped
        if self._press_dropped:
            self._press_dropped = False
            return False
        self._released_at = now
        return True

    def _esc_then(self, event: events.Key) -> str:
        """The key typed after an esc that Textual read together with it as one key, or ""."""
        if event.key in ALT_KEYS:
            return event.key.removeprefix("alt+")
        return ""

    def on_key(self, event: events.Key) -> None:
        # Textual runs this before App._on_key, which runs the bindings of a key that has
        # bubbled up to here: the hold goes on once they have run.
        self._pressing = event.key  # the key whose binding runs next (drop_typed_text)
        self.call_next(self.key_hold.key_done, event)
        if event.key in self._moved_keys:
            self._say_where_it_moved(event.key)
        if self._form_keys is None:
            from pdca.tui.keymap import form_keys

            self._form_keys = form_keys(self._keymap)
        if (
            event.key in self._form_keys
            and event.key not in self.screen.active_bindings
            and not is_text_field(self.focused)
        ):
            # The board's n, e or c where it opens nothing (the KPIs view): what is typed
            # with it was meant for a form, never keys here. "n tui new" in the KPIs ran its
            # u, which undid the person's last change (a team's soak).
            key = self.get_key_display(Binding(event.key, ""))
            self.key_hold.drop_text(after=f"{key} does nothing here: ")

    def _say_where_it_moved(self, key: str) -> None:
        """A key the person's [keys] moved a binding off, pressed where that binding is live
        and nothing else answers it: say where it went (it did nothing without a word)."""
        active = self.screen.active_bindings
        if key in active:
            return
        for live in active.values():
            binding = live.binding
            if binding.id in self._moved_keys[key] and live.enabled:
                self.notify(
                    f"{self.get_key_display(Binding(key, ''))}: your own keys put"
                    f" {binding.description or binding.id} on"
                    f" {self.get_key_display(binding)}",
                    markup=False,
                    timeout=5,
                )
                return

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        self.hold_keys()  # the dialog's field takes them once it has focus
        return super().push_screen(*args, **kwargs)

    def pop_screen(self) -> Any:
        # A dialog closing: keys wait for what comes next (the flow's next dialog, its write
        # and the card it puts focus on), not for the screen below as it was.
        flows = self.key_hold.running_flows()
        self.hold_keys(until=flows[-1] if flows else None)
        return super().pop_screen()

    def switch_mode(self, mode: str) -> AwaitMount:
        if mode != self.current_mode:
            self.hold_keys()  # the view's list takes them once it has focus
            # The ? list goes with the view it was opened on: left open on the board under
            # the KPIs, it was back over the board on 1, and took the next key typed there
            # (its / closed the list, and the d after it opened Done: a newcomer's trial).
            for screen in self.screen_stack:
                screen.query_children("HelpPanel").remove()
        # 1 is the board, 3 the KPIs: not what was left open above them (a chart, ! list)
        from pdca.screens.jump import back_to_the_view

        self.call_later(back_to_the_view, self)
        return super().switch_mode(mode)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast shows its text literally, whoever calls it (screens pass Textual's
        default ``markup=True``): its messages name titles, KPI names, notes, people and paths
        read from the file, so a ``[/]`` in a KPI's name would crash the app and an escape in
        an acknowledgement's note would drive the terminal of whoever saw it (a tester)."""
        del markup  # never: no message of pdca's is markup
        super().notify(
            literal(message, one_line=False),
            title=literal(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def _on_notify(self, event: Notify) -> None:
        # The same words again replace the ones on screen: six u's refused alike stacked six
        # toasts of four lines over the board (a tester). Here, as each arrives: notify only
        # posts it, so a burst of them was not on screen yet to be found there.
        said = event.notification.message
        withdraw_notes(self, lambda message: message == said, refresh=False)
        super()._on_notify(event)

    def _unnotify(self, notification: Toasted, refresh: bool = True) -> None:
        super()._unnotify(notification, refresh)
        # The screen under a toast drawn again as it goes: after a resize, expired toasts
        # stayed drawn over the focused card until a key was pressed (a keyboard trial).
        self.call_after_refresh(self.screen.refresh, layout=True)

    async def action_quit(self) -> None:
        """q. With changes kept from refused saves (the board's next c, e or n would open
        them), the first q says which and the second quits, printing them: they had vanished
        without a word, exit status 0 (a tester)."""
        if self._keys_covering() is not None and self._pressing in self._quit_keys():
            # The ? list over the whole view (under 100 columns) is left by q, as less and
            # man are: q quit the board from it (an interrupted trial's reading of the keys).
            # Not ctrl+q, nor the palette's Quit (its enter: a reviewer).
            self.action_hide_help_panel()
            return
        kept = self.context.kept()
        # What is typed in a form still open: ctrl+q over it quit at once (a tester).
        typed = [words for words in map(typed_words, self.screen_stack) if words]
        # Warned again of anything new, or once the warning is gone from the screen: a q
        # minutes later quit at once (a tester).
        fresh = time.monotonic() - self._warned_at < QUIT_AGAIN_SECONDS
        if (kept or typed) and not (set(kept + typed) == self._warned_of_kept and fresh):
            self._warned_of_kept, self._warned_at = set(kept + typed), time.monotonic()
            said = []
            for label, words in (("kept", kept), ("typed in this form", typed)):
                if words:  # each whole at exit
                    said.append(f"{label}: " + "; ".join(fit(w, KEPT_SHOWN_CELLS) for w in words))
            # q types, in a field; and a dialog cuts the app's q off: "q again quits" over the
            # conflict dialog did nothing, and the ctrl+q after it was dropped (a hostile tester)
            q = self.screen.active_bindings.get("q")
            quits = q is not None and q.binding.action in ("quit", "app.quit")
            again = "q" if quits and not is_text_field(self.focused) else "ctrl+q"
            self.notify_kept(
                f"not saved yet, {'; '.join(said)}. {again} again quits, and prints them",
                timeout=QUIT_AGAIN_SECONDS,
            )
            if again == "q":
                # Typed on as if pdca had quit ("clear; pdca", for the shell), c opened a
                # check-in, the rest became its text and enter saved it (a tester).
                self.key_hold.drop_text(passing=frozenset({"q"}), lines=True)
            return
        self.left_typed = typed
        self.exit()

    def exit_on_signal(self, return_code: int, since: float | None = None) -> None:
        """SIGHUP or SIGTERM: end as q does, what is typed in an open form printed at exit
        (it went without a word, a reviewer's kill).

        Not while a screen is still opening or keys typed are held for it, for a while: a
        check-in's on_mount met its fields removed by the quit (a crash report, exit 1), a
        view's mount its own screen gone (MountError), and the words typed ahead of the form
        went without a word (a crash hunter's trial). Opened, it takes them; then it ends."""
        if since is None:
            # Behind the keys typed before the signal came, read or still in the terminal (a
            # c there opens its form first, and the wait below sees it opening): keys written
            # with the signal, "c", words, ctrl+s, were lost unread, saved nowhere (a retrial).
            # The timer is set from the app's own messages: the signal's handler calls this
            # outside the app's context, where a timer set never fired (a board stayed up).
            self.call_later(
                self.set_timer,
                KEYS_IN_THE_TERMINAL_SECONDS,
                partial(self.exit_on_signal, return_code, time.monotonic()),
            )
            return
        if self._still_opening() and time.monotonic() - since < SIGNAL_WAITS_FOR_OPENING_SECONDS:
            self.set_timer(OPENING_LOOK_SECONDS, partial(self.exit_on_signal, return_code, since))
            return
        self._keep_typed()
        # the first signal says how it ended, as the handler keeps it (a TERM then an INT
        # while a form opened ended 130, a retrial)
        self.exit(return_code=128 + self.hung_up if self.hung_up else return_code)

    def _still_opening(self) -> bool:
        """A screen of the stack not mounted yet, or typed keys held for what is opening."""
        return self.key_hold.holding or not all(s.is_mounted for s in self.screen_stack)

    def action_suspend_process(self) -> None:
        """ctrl+z: to the shell, when there is one to come back from. Started straight by
        tmux or ssh (no job-control shell: pdca's process group is its session's own), a
        stop has nobody to send it on again, and the board froze for good (a reviewer)."""
        from pdca.tui.job_control import no_shell_to_come_back_to

        if no_shell_to_come_back_to():
            self.notify(
                # su and runuser start it so too, from a shell that cannot bring it back:
                # "started without one" was untrue there (a tester)
                "ctrl+z: no shell here can bring pdca back (it runs in a session of its own,"
                " as tmux, ssh, su, runuser and sudo start it); ctrl+q quits",
                severity="warning",
            )
            return
        super().action_suspend_process()

    def _repaint_after_suspend(self, _app: App[None]) -> None:
        """Back from ctrl+z (``fg``): the shell drew over the screen, but Textual sends only
        what changed since, so the board came back blank but for the next key's card."""
        self.action_redraw()

    def action_redraw(self) -> None:
        """ctrl+l: every line drawn again (Textual sends only what changed)."""
        for screen in self.screen_stack:
            screen.refresh(layout=True)

    def notify_kept(self, message: str, timeout: float = 8) -> None:
        """A warning about changes kept after a refused save, remembered with what was kept
        then: once one of them is saved, the warning goes (``kept_may_be_saved``)."""
        self._kept_said = set(self.context.kept())
        self.notify(message, severity="warning", timeout=timeout)
        self.refresh_status()  # and in the header, for as long as it is kept

    def withdraw_messages_of_alerts(self, alert_ids: Iterable[int]) -> None:
        """The notes of pdca's messages about these alerts (``_show_messages_here``), once
        this board has acknowledged them: they went on telling the person to acknowledge,
        and at 80x24 lay over the next form (a lead's trial)."""
        from pdca.db.notify_rules import alert_named_start

        about = tuple(alert_named_start(i) for i in alert_ids)
        starts = tuple(MESSAGE_FROM_PDCA + start for start in about)
        withdraw_notes(self, lambda message: message.startswith(starts))
        # A note listing several messages keeps the others, shown again: it went on listing
        # the acknowledged ones as waiting (a retrial)
        on_screen = {note.message for note in self._notifications}
        for note, (_, texts) in list(self._listing.items()):
            left = [text for text in texts if not text.startswith(about)]
            if note in on_screen and len(left) < len(texts):
                del self._listing[note]
                withdraw_notes(self, note.__eq__)
                if left:  # one note again, not several stacked over the dialog (a retrial)
                    self._note_messages(left, listing=len(left) > 1)

    def kept_may_be_saved(self) -> None:
        """After a save: a warning of kept changes that are no longer all kept (one of them
        was just saved) is taken off the screen. It said "not saved yet" for seconds after
        the save it named went in (a tester). Textual takes toasts away only all at once."""
        if self._kept_said and not self._kept_said <= set(self.context.kept()):
            self._kept_said = set()
            self._warned_of_kept = set()
            self.clear_notifications()
        self.refresh_status()

    def action_help_quit(self) -> None:
        """ctrl+c: Textual's answer ("Press ctrl+q to quit the app"), without its markup,
        which toasts here show literally; ``q``, as the footer and README say, not ctrl+q,
        which Textual named first (a new user). A form's fields take ctrl+c (copy)."""
        keys = [
            key
            for key, active in self.active_bindings.items()
            if active.binding.action in ("quit", "app.quit")
        ]
        keys.sort(key=lambda key: len(key) != 1)
        if keys:
            self.notify(f"Press {keys[0]} to quit the app", title="Do you want to quit?")

    # ------------------------------------------------------------------ lifecycle

    def get_css_variables(self) -> dict[str, str]:
        """Textual's, with late, stale and alert readable on light themes too (see
        tui/readable_colours.py)."""
        variables = with_readable_colours(super().get_css_variables())
        if self.console.color_system in ("standard", "windows"):  # 16 colours
            variables = for_sixteen_colours(variables)
        self.theme_variables = variables
        return variables

    def on_mount(self) -> None:
        self._ui_loop = asyncio.get_running_loop()
        if self.hung_up:  # the terminal went while the app was starting: quit now
            self.exit(return_code=128 + self.hung_up)
            return
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(
                f"{self.settings_file or 'settings'}: theme {shown_value(self.settings.theme)}"
                " is not one"
                f" pdca has (ctrl+p, 'theme' lists them); using {self.theme}",
                severity="warning",
                timeout=12,
                markup=False,
            )
        self.theme_changed_signal.subscribe(self, self.remember_theme)
        self.app_resume_signal.subscribe(self, self._repaint_after_suspend)
        resume_only_after_suspend(self._driver)  # kill -STOP, -CONT: no second reader
        if self.settings.problem:
            self.notify(self.settings.problem, severity="warning", timeout=12, markup=False)
        if self.context.store.upgrade is not None:  # never silently: others on it must know
            notice = self.context.store.upgrade.notice()
            self.notify(notice, severity="warning", timeout=20, markup=False)
        for notice in self.notices:  # what the command line found opening the file
            self.notify(notice, severity="warning", timeout=20, markup=False)
        # An open action in no phase's column ('Do', by another tool): gone from the board
        # without a word (a retrial); said, as pdca list says it
        for said in self.context.store.open_actions_off_the_columns():
            self.notify(f"{said}; not on the board", severity="warning", timeout=20, markup=False)
        if self.settings.keys:
            self.apply_own_keys()
        elif self.settings.unknown:  # no keymap to check: not every screen's bindings read
            self._say_settings_problems([])  # at start for a typo
        self._views_act_after_esc()
        self._last_data_version = self.context.store.data_version()
        self._last_event_id = self.context.store.last_event_id()
        self._presence_mark = self.context.store.presence_mark()
        # Changes of this login after it (their command line while the board is open) are
        # theirs too when someone replaces them (``_say_overwritten``)
        self._began_at_event = self._last_event_id
        if self.watch_changes:
            self.set_interval(CHANGE_POLL_SECONDS, self.check_for_changes)
        # Threads start once the first screen is painted: they would compete for the GIL with it.
        self.call_after_refresh(self._start_background)

    def _start_background(self) -> None:
        # The first view reads its own figures on a thread now (flow, stand-up): the
        # whole-file check and the escalation round start a little later, not beside it.
        if self.context.writable and not self.context.store.snapshot:
            self.set_timer(INTEGRITY_AFTER_SECONDS, self.check_integrity)
        if self.use_presence:
            self.keep_presence()
        elif self.see_others:  # a reader: who is here now (a join would have told)
            self._show_others(tuple(Presence(self.context.store, host="", pid=0).others()))
        if self.watch_changes and self.context.writable:
            self.set_timer(ESCALATION_AFTER_SECONDS, self.escalate_alerts)
            self.set_interval(ESCALATION_SECONDS, self.escalate_alerts)
        self.refresh_status()

    def on_unmount(self) -> None:
        self._stop_presence.set()
        checking = self._checking
        if checking is not None:  # the whole-file check: nobody waits for it now
            checking.interrupt()

    # ------------------------------------------------------------------ stopping

    def stop_on_broken(self, reason: str, *, force: bool = False) -> None:
        """The file went wrong: write nothing more, say so in one line, exit 1."""
        if self.context.broken is not None and not force:
            return
        self.context.broken = reason
        self._stop_presence.set()
        self._keep_typed()
        self.exit(return_code=1, message=Text(f"pdca: {reason}{self._leave_the_name_clean()}"))

    def _leave_the_name_clean(self) -> str:
        """Once the file at the path is another (replaced) or none (removed): what the old
        file left under its name (its -wal and -shm) moved away, said; this process's
        connections are then never closed (``run_app`` ends it without), so none deletes by
        name what is at the path later."""
        from pdca.db.connection import set_aside_by_this_process, set_aside_what_it_left

        identity = self.context.store.identity
        if identity is None or not not_the_file_opened(self.context.path, identity):
            return ""
        self.context.left_open = True
        set_aside_what_it_left(self.context.path, identity, only=self.context.store.journals)
        moved = set_aside_by_this_process(self.context.path)  # or by its writer, as it closed
        if not moved:
            return ""
        where = ", ".join(f"{Path(to).name}" for _, to in moved)
        return (
            f"; its -wal and -shm are moved to {where} (in {Path(moved[0][1]).parent}), so no"
            " file at its name takes them for its own"
        )

    def _keep_typed(self) -> None:
        """What is typed in open forms, printed at exit: the file renamed under the board
        ended it, and a check-in being typed went without a word (a tester)."""
        self.left_typed = [words for words in map(typed_words, self.screen_stack) if words]

    def _handle_exception(self, error: Exception) -> None:
        """Textual hands every exception a handler, timer or worker let through to this
        (a private hook of Textual's App; it always ends the app)."""
        cause = error.error if isinstance(error, WorkerFailed) else error
        reason = self._broken_reason(cause)
        if reason is not None:
            if self.context.broken is None:
                self.context.broken = reason
                self._stop_presence.set()
                self._keep_typed()
                self._return_code = 1
                said = f"pdca: {reason}{self._leave_the_name_clean()}"
                self._exit_renderables.append(Text(said))
            # As Textual's own handler does: the handler that raised cannot go on, and a test
            # pilot waiting for the app is told it stopped.
            self._exception_event.set()
            self._close_messages_no_wait()
            return
        self.crash_log = write_crash_log(cause, self.environ, f"database: {self.context.path}")
        super()._handle_exception(error)
        # One line instead of Textual's full-screen traceback: the file has the details. When
        # it could not be written (a state folder nobody may write), the traceback stays, on
        # the restored terminal: else nothing was left to report (a tester).
        line = Text(crash_line(cause, self.crash_log))
        if self.crash_log is None:  # one renderable: Textual prints only the first
            from rich.console import Group

            self._exit_renderables[:] = [Group(*self._exit_renderables, line)]
        else:
            self._exit_renderables[:] = [line]

    def _broken_reason(self, error: BaseException) -> str | None:
        reason = broken_reason(error, self.context.path, snapshot=self.context.store.snapshot)
        # A file removed or replaced under us fails its next read as a disk I/O error: name
        # the cause, whichever of the poll or a read met it first.
        return (self._gone_reason() or reason) if reason is not None else None

    def _on_ui(self, call: Callable[..., object], *args: object) -> None:
        """From another thread: run ``call`` on the UI thread, without waiting for it (the
        app may be ending, and then nothing is left to wait for)."""
        loop = self._ui_loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(call, *args)

    def _renew_snapshot(self) -> bool:
        """A reader's snapshot (db/connection.py) never sees new writes: once the file
        changed, or a writer opened it (its ``-wal`` appears), read it again. True if so."""
        stamp = file_stamp(self.context.path)
        if stamp == self._snapshot_stamp:
            return False
        try:
            fresh = self.context.open_reader()
        except DatabaseBroken as broken:
            self.stop_on_broken(str(broken))
            return True
        except PdcaError:
            return False  # busy: the next look tries again (the stamp is not taken yet)
        self._snapshot_stamp = stamp
        old, self.context.store = self.context.store, fresh
        old.close()
        self._last_data_version = fresh.data_version()
        self._last_event_id = fresh.last_event_id()
        self._presence_mark = fresh.presence_mark()
        self._view_changed()
        return True

    def _file_went_away(self) -> bool:
        """Was the file removed or replaced under us? (``os.stat``: opens nothing.)"""
        reason = self._gone_reason()
        if reason is None:
            return False
        self.stop_on_broken(reason)
        return True

    def _gone_reason(self) -> str | None:
        now = file_identity(self.context.path)
        if now is not None and now == self.context.store.identity:
            return None
        if now is None and unreachable_directory(self.context.path) is not None:
            # A folder on the way shut to this user (the owner's chmod): not gone, and the
            # banner says whom to ask. The board quit as "renamed to" its own name (a reviewer).
            return None
        if now is not None:
            return (
                f"{self.context.path} was replaced by another file while open; nothing more written"
            )
        path = self.context.path
        found = (
            where_it_is_now(self.context.store.identity) if self.context.store.identity else None
        )
        if found is not None and not found[1]:  # "move it back" read oddly of an rm (a tester)
            return (
                # doctor names what is left; it has nothing to restore from (a retrial)
                f"{path} was removed while open; nothing more written (pdca --db"
                f" {shell_word(str(path))} doctor says what is left beside it)"
            )
        now_at = "" if found is None else f" to {found[0]}"
        if found is not None and _empty_or_none(f"{path}-wal"):
            # Its folder moved, or nothing waited in a -wal: the file is whole where it is
            # now (a tester's mv of the folder read as a loss; an empty -wal counts as none:
            # a board on moved.db, moved back to the name its last changes waited under, was
            # told to move it away again, a retrial).
            return (
                f"{path} was renamed{now_at} while open; nothing more written (open it there"
                f" with pdca --db {shell_word(found[0])}, or move it back to its name)"
            )
        # What this session wrote last may be in the -wal left beside the old name, not in
        # the renamed file (a tester's mv): moved back, the file has it. But only before
        # anything is written under the new name: moved back after, that -wal overwrote the
        # newer pages, and the writes since were gone with doctor saying ok (a tester).
        how = "renamed" if found else "removed or renamed"
        return (
            f"{path} was {how}{now_at} while open; nothing more written"
            f" ({'' if found else 'renamed: '}move it back to its name before anyone writes to"
            " it under the new one, and its last changes come with it)"
        )

    def remember_theme(self, theme: Theme) -> None:
        self.settings = replace(self.settings, theme=theme.name)
        self._save_settings("theme")

    def _save_settings(self, only: str) -> None:
        if self.settings_file is None:
            # HOME=/nonexistent (a service account's): z and a theme went unremembered
            # without a word, where a read-only folder said so (a trial)
            self._say_unsaved("no home folder to keep settings in (set HOME or XDG_CONFIG_HOME)")
            return
        if self.settings.problem is not None:  # save_settings leaves such a file alone
            from pdca.db.filesystem import someone_elses

            why = someone_elses(self.settings_file)
            # ben, with ann's XDG_CONFIG_HOME kept by su, was told to mend her file (a retrial)
            mend = (
                f"it is in {why} (HOME or XDG_CONFIG_HOME names it)"
                if why is not None
                else "mend it to keep this"
            )
            self.notify(
                f"not remembered: {self.settings_file} could not be used; {mend}",
                severity="warning",
                markup=False,
            )
        failed = save_settings(self.settings_file, self.settings, only)
        if failed is not None:
            self._say_unsaved(failed)

    def _say_unsaved(self, failed: str) -> None:
        """Why a setting will not be remembered: once, as each z or theme would say it again."""
        if failed not in self._said_unsaved:
            self._said_unsaved.add(failed)
            self.notify(
                f"not remembered after you quit: {failed}", severity="warning", markup=False
            )

    @property
    def compact_cards(self) -> bool:
        """The board's two-line cards (screens/board.py RemembersCompact)."""
        return self.settings.compact_cards

    def remember_compact(self, compact: bool) -> None:
        self.settings = replace(self.settings, compact_cards=compact)
        self._save_settings("compact_cards")

    # ------------------------------------------------------------------ others' changes

    def check_for_changes(self) -> None:
        """Cheap enough for twice a second: a stat, a pragma, and an indexed max() when it
        moved."""
        if self.context.broken is not None or self._file_went_away():
            return
        if self.context.store.snapshot and self._renew_snapshot():
            return
        # A few os.access calls: an owner's chmod shows at once (header and banner).
        store = self.context.store
        newer = store.upgraded_past_this_code()  # one pragma, for the banner and the check
        unreadable = store.cannot_read_now()  # a few os.access calls, as for both too
        if write_banner(store, newer, unreadable) != self._write_banner:
            self.refresh_status()
        if newer is not None:
            return  # the banner says so; reloads would only fail, a note at each (a soak)
        if unreadable is not None:
            # The banner says whom to ask. Its changes are taken in once this user may read
            # the file again: seen now, the failed read took them, and a colleague's write
            # made meanwhile stayed off the board until the next one (a reviewer).
            return
        today = self.context.today()
        if self._day_seen is None:
            self._day_seen = today
        elif today != self._day_seen:
            # Midnight: "due today" is late now, "7d ago" stale, and L's late ones more. The
            # views read again, the board whole; they showed yesterday's marks until someone
            # wrote, and then only in the column written to (a trial across midnight).
            self._day_seen = today
            self._view_changed()
        if (
            self._outside_maybe_at is not None
            and time.monotonic() - self._outside_maybe_at >= OUTSIDE_MAYBE_SECONDS
        ):
            # A heartbeat's commit may have hidden another tool's write from the views: read
            # whole once a while after (a retrial's hand writes stayed off the owners, stand-up,
            # flow and initiatives views until some later change)
            self._outside_maybe_at = None
            self._view_changed(outside=True)
        version = store.data_version()
        if self.see_others and not self.use_presence and self.others:
            # A reader has no heartbeat of its own to notice a board killed meanwhile by:
            # while it names someone, it looks at each poll (one small read).
            others = tuple(Presence(store, host="", pid=0).others())
            if others != self.others:
                self._show_others(others)
        if version == self._last_data_version:
            return
        self._last_data_version = version
        if self.see_others:  # someone joined, left or wrote: who is here may have changed
            others = tuple(Presence(store, host="", pid=0).others())
            if others != self.others:
                self._show_others(others)
        latest = store.last_event_id()
        # A commit that moved neither the log nor the boards' sessions: another tool's write
        # (sqlite3, Datasette), which no event names: a title changed that way stayed on
        # every board, and a row deleted so stayed on it through later refreshes (a trial)
        mark, self._presence_mark = self._presence_mark, store.presence_mark()
        if latest == self._last_event_id and mark == self._presence_mark:
            self._view_changed(outside=True)
        elif latest == self._last_event_id:
            # A board's heartbeat, or a heartbeat and another tool's write in the same look:
            # the board (cheap: its cards on screen, drawn again only where they differ)
            # reads whole to be sure; a hand write just after a heartbeat stayed off every
            # board until the next change (a reviewer). The other views read only for a
            # commit the sessions do not explain: some read for seconds on a huge file.
            for screen in self.screen_stack:
                if isinstance(screen, BoardScreen):
                    screen.post_message(DatabaseChanged(outside=True))
            if self._outside_maybe_at is None:
                self._outside_maybe_at = time.monotonic()
        if latest != self._last_event_id:
            # This session's own writes are already on screen; reload for anyone else's. A
            # log that went backwards was emptied and refilled (a reseeded demo): reload.
            changed_by_others = latest < self._last_event_id or store.others_wrote_since(
                self._last_event_id, self.context.writer.own_transactions
            )
            replaced = store.replaced_since(self._last_event_id) if changed_by_others else None
            overwritten = (
                overwritten_since(
                    store,
                    self._last_event_id,
                    self.context.writer.own_transactions,
                    login_since=self._began_at_event,
                )
                if changed_by_others and replaced is None
                else []
            )
            self._last_event_id = latest
            self._say_overwritten(overwritten)
            if replaced is not None:
                # The cards changed under the person all at once, their own latest among
                # them perhaps: said, not left to be noticed (a tester's three adds went).
                who, at, how = replaced
                since = (  # no promise of a kept copy: a damaged file's contents are not kept
                    ": the board shows the restored contents; what was written after that"
                    " backup is not in them"
                    if how.startswith("restored from")
                    else ": the board shows what the file holds now"
                )
                self.notify(
                    f"{literal(who)} {literal(how)} at {short_time(at)}{since}",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
            if changed_by_others:
                self._view_changed()
            else:
                # Views not on screen now compare this when they come back.
                self.changes_seen += 1
                self.refresh_status()  # alerts waiting for me may have come or gone
                # The view shows its own writes; what is open over it may not: an action's
                # detail opened while this session's save waited for a lock showed the
                # action as it was, for good (a tester).
                for screen in self.screen_stack[1:]:
                    screen.post_message(DatabaseChanged())

    def _say_overwritten(self, overwritten: list[Overwritten]) -> None:
        """Someone's change replaced what this person had just written (their "Write mine"
        after a conflict, or an edit right after): said to the one whose value went, who
        was told nothing before (a team's trial), as the one who chose was. Those that come
        while such a notice is up wait for it to go, and are said then in one: a script
        rewriting a person's titles every few seconds stacked notices over a third of the
        board, the cursor under them (a team of three)."""
        if not overwritten:
            return
        now = time.monotonic()
        if now < self._overwritten_quiet_until:
            self._overwritten_held += overwritten
            if self._overwritten_timer is None:
                wait = self._overwritten_quiet_until - now
                self._overwritten_timer = self.set_timer(wait, self._say_held_overwritten)
            return
        self._overwritten_quiet_until = now + OVERWRITTEN_SECONDS
        for change in overwritten[:SAID_MOST]:
            # Each value as it was and as it is: "replaced your title of #41 Ann task 1 by
            # ben at …" read as if hers were "Ann task 1 by ben" (a team's trial)
            valued = {field: (yours, theirs) for field, yours, theirs in change.values}
            # the fields said alone first: "title “a” with “b”, notes" ran them together
            bare = ", ".join(field for field in change.fields if field not in valued)
            with_values = ", ".join(
                f"{field} “{fit(literal(valued[field][0]), 30)}” with"
                f" “{fit(literal(valued[field][1]), 30)}”"
                for field in change.fields
                if field in valued
            )
            fields = " and your ".join(part for part in (bare, with_values) if part)
            title = "" if "title" in valued else f" {fit(literal(change.title), 40)}"
            self.notify(
                f"{literal(change.actor)} replaced your {fields} (#{change.action_id}{title})"
                f" at {short_time(change.at)}; the detail's history has both",
                severity="warning",
                timeout=OVERWRITTEN_SECONDS,
                markup=False,
            )
        if len(overwritten) > SAID_MOST:
            more = len(overwritten) - SAID_MOST
            self.notify(
                f"and {more} more of your changes replaced since (the log, 4, has them)",
                severity="warning",
                timeout=OVERWRITTEN_SECONDS,
                markup=False,
            )

    def _say_held_overwritten(self) -> None:
        """The replaced changes that came while a notice of them was up: one alone as any
        is said, more in one line naming who and which cards."""
        self._overwritten_timer = None
        held, self._overwritten_held = self._overwritten_held, []
        if len(held) <= 1:
            self._overwritten_quiet_until = 0.0
            self._say_overwritten(held)
            return
        self._overwritten_quiet_until = time.monotonic() + OVERWRITTEN_SECONDS
        who = ", ".join(dict.fromkeys(literal(change.actor) for change in held))
        cards = ", ".join(dict.fromkeys(f"#{change.action_id}" for change in held))
        cards = fit(cards, 60)
        self.notify(
            f"{who} replaced {len(held)} more of your changes ({cards}) by"
            f" {short_time(held[-1].at)}; each card's detail has both",
            severity="warning",
            timeout=OVERWRITTEN_SECONDS,
            markup=False,
        )

    # ------------------------------------------------------------------ presence

    @work(thread=True, exclusive=True, group="presence", exit_on_error=False)
    def keep_presence(self) -> None:
        worker = get_current_worker()
        store = self.context.open_reader()
        presence = Presence(store, host=socket.gethostname(), pid=os.getpid())
        beaten = 0.0  # when this session last said it is here (monotonic)
        try:
            while not worker.is_cancelled and not self._stop_presence.is_set():
                try:
                    if presence.session_id is None:
                        presence.join()
                        beaten = time.monotonic()
                    elif time.monotonic() - beaten >= HEARTBEAT_SECONDS:
                        presence.beat()
                        beaten = time.monotonic()
                    # Who else is here, more often than a beat: a colleague's board killed
                    # (or its SSH session dropped) was named for up to 10 s more (a trial)
                    others = tuple(presence.others())
                except (PdcaError, *DATABASE_ERRORS) as error:
                    reason = self._broken_reason(error)
                    if reason is not None:
                        self._on_ui(self.stop_on_broken, reason)
                        return
                    others = self.others  # a busy file: try again next beat
                if others != self.others:
                    self.call_from_thread(self._show_others, others)
                if self._stop_presence.wait(OTHERS_SECONDS):
                    break
        finally:
            try:
                with contextlib.suppress(PdcaError, *DATABASE_ERRORS):  # best effort
                    presence.leave()
            finally:
                store.close()

    def _orphan_from_writer(self, error: BaseException | None) -> None:
        """On the writer thread: the outcome goes to the UI (if the app has ended by then,
        run_app prints what was not shown)."""
        self._on_ui(self._orphan_landed, error)

    def _orphan_landed(self, error: BaseException | None) -> None:
        """A write whose flow was cancelled meanwhile has landed (or failed): show it."""
        if not self.is_running:
            return
        unshown = self.context.unshown  # the writer thread appends meanwhile: del in place
        for index, (_what, failed) in enumerate(unshown):
            if failed is error:
                del unshown[index]
                break
        if isinstance(error, DatabaseBroken):
            self.stop_on_broken(str(error))
            return
        if isinstance(error, PdcaError):
            self.notify(str(error), severity="error", timeout=8)
        elif error is not None:
            self._handle_exception(error if isinstance(error, Exception) else Exception(error))
            return
        self._view_changed()

    def _view_changed(self, outside: bool = False) -> None:
        """Tell the view on screen (even under a dialog) to read the file again.
        ``outside``: it changed with no event to say what (another tool's write): what the
        view shows is read whole (the board's cards too, not the changes since its event)."""
        self.changes_seen += 1
        self.outside_changes_seen += outside
        self.refresh_status()
        # Every screen of the view: the view itself (even under a dialog), and what is open
        # over it that shows the file (a KPI's or an action's detail; a tester's stayed as
        # it was opened, and its `a` answered "no open alert"). Forms take no notice.
        for screen in self.screen_stack:  # empty for a moment while the view switches: it
            screen.post_message(DatabaseChanged(outside))  # catches up on resume, by the count

    def _show_saving(self, saving: bool) -> None:
        if saving:  # a write waiting (for another process's lock): keys held for it go on
            self.key_hold.flow_waits()
        self._saving = max(0, self._saving + (1 if saving else -1))
        for bar in (bar for screen in self.screen_stack for bar in screen.query(StatusBar)):
            bar.saving = self._saving > 0

    def _show_others(self, others: tuple[str, ...]) -> None:
        self.others = others
        self.refresh_status()

    def refresh_status(self) -> None:
        # Every screen of the view, so a header under an open dialog is right when it closes.
        store = self.context.store
        newer = store.upgraded_past_this_code()
        self._write_banner = write_banner(store, newer, store.cannot_read_now())
        for screen in self.screen_stack:
            show_write_banner(screen, self._write_banner)
        bars = [bar for screen in self.screen_stack for bar in screen.query(StatusBar)]
        if not bars:
            return
        from pdca.db.alert_standing import count_waiting  # the KPI rules: not before needed

        try:  # the open alerts nobody acknowledged (a few): cheap enough for the UI thread
            waiting = count_waiting(self.context.store, self.context.actor)
        except PdcaError:
            waiting = 0
        kept = self.context.kept_count()
        out_of_date = newer is not None
        for bar in bars:
            bar.database = self.context.file_name
            bar.login = self.context.actor
            bar.others = self.others
            bar.read_only = not self.context.writable
            bar.alerts = waiting
            # A save that ended while this view was not on screen: its "saving…" stayed
            # (a tester); every view asks for this as it comes back.
            bar.saving = self._saving > 0
            bar.kept = kept
            bar.out_of_date = out_of_date

    def _in_background(self, call: Callable[[Store], T]) -> T | None:
        """Run ``call`` on a connection of its own (in a worker thread); a busy file gives
        None (the next round tries again), a broken one stops the app."""
        try:
            store = self.context.open_reader()
            try:
                return call(store)
            finally:
                store.close()
        except (PdcaError, *DATABASE_ERRORS) as error:
            reason = self._broken_reason(error)
            if reason is not None:
                self._on_ui(self.stop_on_broken, reason)
        return None

    @work(thread=True, exclusive=True, group="integrity", exit_on_error=False)
    def check_integrity(self) -> None:
        """Once per start: a damaged page anywhere stops the app, and writes after it are
        refused (a command finds only the pages it reads; this reads them all). On a
        connection of its own beside the writer, not ahead of it: it takes 0.4 s on the
        large file and 5 s or more at 100 000 actions, which the first move waited for."""
        # At the lowest CPU priority: seconds of a core on a big file, which other people's
        # boards and commands on a shared server should not wait behind (tui/niced.py).
        damage = at_lowest_priority(
            lambda: self._in_background(self._whole_file_damage), abandon=self._stop_presence
        )
        if damage:
            self.context.broken = damage  # refused from now on, whatever is queued
            self._on_ui(partial(self.stop_on_broken, damage, force=True))

    def _whole_file_damage(self, reader: Store) -> str | None:
        """``reader.damage()``, stopped at once if the app quits meanwhile: seconds of reading
        on a big file that nobody waits for any more (``q`` waited up to ten seconds)."""
        self._checking = reader
        try:
            if self._stop_presence.is_set():  # quitting already
                return None
            return reader.damage()
        except Interrupted:
            return None
        finally:
            self._checking = None

    # ------------------------------------------------------------------ escalation

    @work(thread=True, exclusive=True, group="escalate", exit_on_error=False)
    def escalate_alerts(self) -> None:
        """Make the repeating actions whose date came, pass on alerts whose deadline was
        missed, then deliver what is due to people (db/notify.py: each notification once,
        whoever delivers it: this app, another one, or a cron ``pdca notify``). Writes only
        when something is due."""

        # Imported here, after the first paint: delivery (channels, their models) is no part
        # of what a person sees first.
        from pdca.db import notify, recurrence
        from pdca.tui.own_hooks import set_by_me

        def escalate_and_notify(store: Store) -> bool:
            # Repeating actions whose date came, once whoever sees it first (db/recurrence.py);
            # the board reloads for them as for anyone's write.
            recurrence.run_due(store)
            # Quitting stops it between deliveries: thousands can be due after a quiet week,
            # and the app's exit waits for this thread (q took 13 s on the huge file).
            shown: list[str] = []
            try:
                report = notify.deliver_due(
                    store,
                    self.context.actor,
                    self.environ,
                    stop=self._stop_presence.is_set,
                    own_terminal=self._own_terminal,
                    shown_here=lambda notification: shown.append(notification.text),
                    set_by_me=set_by_me(self.environ, self.context.path),
                )
            finally:
                if shown:
                    self._show_messages_here(shown)
            self._say_failures(report.failed)
            return bool(report.escalated)  # the header's count may have moved

        if self._in_background(escalate_and_notify):
            self.call_from_thread(self.refresh_status)

    def _say_failures(self, failed: list[Notification]) -> None:
        """A delivery this board's run could not make, said once a reason: a colleague's
        command hook under this person's name was refused without a word on the board (a
        retrial), as a webhook down was. From the delivering thread."""
        reasons = [n.last_error for n in failed if n.last_error]
        new = [reason for reason in dict.fromkeys(reasons) if reason not in self._failures_told]
        if not new:
            return
        self._failures_told.update(new)
        others = len(new) - 1
        more = f" (and {others} more reason{'s' * (others != 1)})" if others else ""
        self._on_ui(
            partial(
                self.notify,
                f"pdca could not deliver a notification: {new[0]}{more}; pdca notify --status"
                " lists them",
                severity="warning",
                timeout=15,
                markup=False,
            )
        )

    def _show_messages_here(self, texts: list[str]) -> None:
        """The terminal messages of one delivery for this board's person, or for the terminal
        it draws on, as notes on the board: written on its terminal, they scrambled the board
        until a resize (a tester). Their other terminals get them written too. A few, a note
        each; more, one note listing them: of eight at once, the board showed the last four
        (a tester). From the delivering thread."""
        from pdca.tui.message_keys import as_the_board_says

        texts = [as_the_board_says(text, self.key_named) for text in texts]
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.call_from_thread(self._note_messages, texts)

    def _note_messages(self, texts: list[str], *, listing: bool = False) -> None:
        """``texts`` as notes: a few, a note each; more (or ``listing``), one note listing
        them, remembered with all it stands for, listed or not (``withdraw_messages_of_alerts``
        takes lines out of it, and out of its count of more)."""
        if len(texts) <= MESSAGES_ONE_BY_ONE and not listing:
            for text in texts:
                self.notify(f"{MESSAGE_FROM_PDCA}{text}", timeout=30, markup=False)
            return
        listed = [f"• {fit(text, MESSAGE_CELLS)}" for text in texts[:MESSAGES_LISTED]]
        more = len(texts) - MESSAGES_LISTED
        listed += [f"… and {more} more (written to your other terminals)"] if more > 0 else []
        note = f"{len(texts)} messages from pdca:\n" + "\n".join(listed)
        # Kept while the note may be on the screen (it reaches it a moment after notify),
        # then let go: a board that never acknowledged there kept every list (a reviewer)
        now = time.monotonic()
        self._listing = {n: kept for n, kept in self._listing.items() if now - kept[0] < 60}
        self._listing[note] = (now, texts)
        self.notify(note, timeout=30, markup=False)

    # ------------------------------------------------------------------ keys and palette

    async def action_undo_on_board(self) -> None:
        """``u`` in a view other than the board (screens/jump.py ``UNDO_ON_THE_BOARD``)."""
        from pdca.screens.jump import undo_on_the_board

        # The stand-up is a meeting: it comes back there (the board's reading of the undo
        # then was a view away from the person whose turn it was, a stand-up's lead).
        await undo_on_the_board(self, back_to="standup" if self.current_mode == "standup" else None)

    def action_my_alerts(self) -> None:
        from pdca.screens.my_alerts import MyAlertsScreen

        if not isinstance(self.screen, MyAlertsScreen):
            self.push_screen(MyAlertsScreen())

    def on_status_bar_alerts_requested(self, message: StatusBar.AlertsRequested) -> None:
        self.action_my_alerts()

    def action_show_help_panel(self) -> None:
        """pdca's ``?`` panel (the palette's "Keys" too): this view's keys, then everywhere's."""
        from pdca.screens.keys_help import PdcaHelpPanel

        if not self.screen.query("HelpPanel"):
            self.screen.mount(PdcaHelpPanel())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_keys":
            return self._keys_panel() is not None
        if action == "scroll_keys":  # covering the view, pgdn pages nothing else
            return self._keys_list() is not None or self._keys_covering() is not None
        if action == "scroll_keys_by":
            return self._keys_covering() is not None
        return True

    def keys_list_covers(self) -> bool:
        """Whether the ``?`` list covers the screen now: a key then closes it (``_covered_key``)."""
        return self._keys_covering() is not None

    def _keys_covering(self) -> Widget | None:
        """The ``?`` panel's list of keys while the panel covers the whole screen (a narrow
        one, pdca.tcss), whether or not it is longer than the screen."""
        if not self.screen.has_class("-narrow"):
            return None
        panel = self._keys_panel()
        # The help panel's own width: at 80 columns the list of keys in it is 60 wide (two
        # lists), and the board was taken for in sight beside it (a trial).
        frame = panel.parent if panel is not None else None
        if (
            isinstance(frame, Widget)
            and frame.region.width
            and frame.outer_size.width + 4 >= (self.screen.size.width)
        ):
            return panel  # the panel's frame aside, the screen's width
        return None

    def _quit_keys(self) -> set[str]:
        """The keys the person's keymap gives the app's Quit (q), ctrl+q left out."""
        own = self._bindings.copy()
        own.apply_keymap(self._keymap)
        return {
            key
            for key, bindings in own.key_to_bindings.items()
            if key != "ctrl+q" and any(b.id == "app-quit" for b in bindings)
        }

    def _covered_key(self, event: events.Key) -> bool:
        """Whether ``event`` is for what the ``?`` panel covers now: a key of the view behind
        it (not one of the app's own keys, which scroll or close the panel, or leave for
        another view), or a key that would act on a form or field it covers (3 and q went
        into a title nobody could see, a review; 1, 2, 3 chose a check-in's status unseen,
        a retrial). Such a key closes the panel and does no more."""
        if self._keys_covering() is None:
            return False
        if event.is_printable and (
            is_text_field(self.focused) or isinstance(self.screen, ModalScreen)
        ):
            return True
        # The app's keys as the person's keymap has them: a view's key moved to f3 closed the
        # panel and went nowhere (a reviewer)
        own = self._bindings.copy()
        own.apply_keymap(self._keymap)
        return event.key not in own.key_to_bindings

    def _keys_panel(self) -> Widget | None:
        """The ``?`` panel's list of keys while it is open, or None. Asked on every arrow,
        j, k, pgup, pgdn and esc: the panel is one of the screen's own children, so only
        those are looked at, never the whole board's widgets. Queried by the class's name:
        importing the panel's module (Textual's Markdown with it) for this first ask, as the
        footer is drawn, cost every view's first paint some 20 ms."""
        for help_panel in self.screen.query_children("HelpPanel"):
            for panel in help_panel.query("PdcaKeyPanel"):
                return panel
        return None

    def action_scroll_keys_by(self, lines: int) -> None:
        panel = self._keys_covering()
        if panel is not None:
            # From where it is going, not where it is drawn: six j's typed at once moved it
            # one line, each read the same scroll_y (a retrial)
            panel.scroll_to(y=max(0, panel.scroll_target_y + lines), animate=False, immediate=True)

    def _keys_list(self) -> Widget | None:
        """The ``?`` panel's list of keys, while it is open and longer than the screen."""
        panel = self._keys_panel()
        return panel if panel is not None and panel.max_scroll_y > 0 else None

    def action_scroll_keys(self, pages: int) -> None:
        panel = self._keys_list()
        if panel is not None:
            step = pages * max(1, panel.size.height - 1)
            panel.scroll_to(y=max(0, panel.scroll_target_y + step), animate=False, immediate=True)

    def action_hide_keys(self) -> None:
        self.action_hide_help_panel()

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def _views_act_after_esc(self) -> None:
        """A view's key read in one go with an esc still leaves for that view (esc 3, fast:
        the KPIs), as the person's keymap names it (tui/typeahead.py drops other such keys)."""
        from pdca.screens.context import VIEW_KEYS
        from pdca.tui.typeahead import GLUED_KEYS_THAT_ACT

        views = (self._keymap.get(f"view-{v.mode}") or v.key for v in VIEW_KEYS)
        named = frozenset(key.strip() for keys in views for key in keys.split(","))
        self.key_hold.glued_passing = GLUED_KEYS_THAT_ACT | named

    def apply_own_keys(self) -> None:
        """The [keys] table, checked: good entries remap, bad ones are named and left out."""
        from pdca.tui.keymap import binding_scopes, check_keymap, moved_keys

        scopes = binding_scopes(type(self))
        checked = check_keymap(self.settings.keys, scopes)
        self.set_keymap(checked.keymap)
        # Textual tells the footer only once the app is mounted, and this runs in its mount:
        # a footer drawn already kept the old keys
        self.screen.refresh_bindings()
        if isinstance(self.screen, BoardScreen):  # its empty column named n, remapped (a retrial)
            self.screen.show_empty_hint()
        self._moved_keys = moved_keys(scopes, checked.keymap)
        self._form_keys = None
        self._say_settings_problems(checked.problems)

    def _say_settings_problems(self, keys_problems: list[str]) -> None:
        """The settings file's names that are no setting, then its [keys] table's problems,
        in one notice, a line each: six toasts did not all fit the screen. The first few:
        300 bad entries were a notice over half the board for ten minutes (a trial)."""
        from pdca.db.plain import shown_value
        from pdca.tui.settings import KNOWN_SAID

        problems = [
            *(f"{shown_value(name)} is no setting ({KNOWN_SAID}); ignored"
              for name in self.settings.unknown),
            *keys_problems,
        ]  # fmt: skip
        if not problems:
            return
        shown = [f"settings: {problem}" for problem in problems[:PROBLEMS_SHOWN]]
        if len(problems) > PROBLEMS_SHOWN:
            # Named, if not said: "and 2 more like them" hid a board-new = "q", which quit
            # where New was meant, till the others were taken out (a keyboard trial)
            rest = problems[PROBLEMS_SHOWN:]
            names = ", ".join(problem.split(": ", 1)[0] for problem in rest[:PROBLEMS_SHOWN])
            more = ", …" if len(rest) > PROBLEMS_SHOWN else ""
            shown.append(f"settings: and {len(rest)} more like them: {names}{more}")
        self.notify("\n".join(shown), severity="warning", timeout=12 + 2 * len(shown), markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for entry in self._palette_entries(screen):
            yield SystemCommand(entry.title, self._palette_help(screen, entry), entry.callback)
        for command in super().get_system_commands(screen):  # Theme, Quit, Keys, ...
            if command.title == "Screenshot":  # into ~/Downloads, on a server rarely there
                yield SystemCommand(
                    "Screenshot",
                    "Save an SVG of the screen in your own pdca folder, and say where",
                    lambda: self.set_timer(0.1, self._save_screenshot),
                )
            elif command.title in ("Maximize", "Minimize"):
                continue  # Textual's, for a focused widget: it hid the header, and nothing
                # of pdca's is made to fill the screen (a power user)
            elif command.title in _SAID_AS_PDCA_DOES:  # Textual's words for its own keys
                yield command._replace(help=_SAID_AS_PDCA_DOES[command.title])
            else:
                yield command
        # Every key by name, as the README says of the palette: "redraw" found nothing.
        yield SystemCommand(
            "Redraw", "Draw the whole screen again, after something wrote over it (ctrl+l)",
            self.action_redraw,
        )  # fmt: skip
        yield SystemCommand(
            "Suspend", "Back to the shell for a moment; fg brings pdca back (ctrl+z)",
            lambda: self.set_timer(0.1, self.action_suspend_process),
        )  # fmt: skip

    def _save_screenshot(self) -> None:
        """The palette's "Screenshot": Textual's said "Failed to save screenshot", no why and
        no where (its ~/Downloads is missing on a server, a tester)."""
        from pdca.tui.crash import state_directories

        directory = None
        try:
            found = state_directories(os.environ)
            if not found:
                raise NoHome("no home directory (set HOME, or XDG_STATE_HOME)")
            directory = found[0]
            make_personal_folder(directory)
            path = self.save_screenshot(path=str(directory))
            if (mode := personal_mode(0o666)) is not None:  # not the team folder's 0660
                os.chmod(path, mode)
        except (NoHome, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            where = f" in {directory}" if directory is not None else ""  # which folder (a tester)
            self.notify(f"no screenshot saved{where}: {reason}", severity="error")
            return
        self.notify(f"screenshot saved: {path}", timeout=8)

    def _palette_help(self, screen: Screen, entry: PaletteEntry) -> str:
        """The entry's help, then the key that does the same as the keymap has it now."""
        if entry.binding_id is None:
            return entry.help
        from pdca.tui.keymap import class_bindings, key_for

        bindings = [*class_bindings(type(screen)), *class_bindings(type(self))]
        key = key_for(entry.binding_id, bindings, self._keymap)
        if key is None:
            return entry.help
        shown = f"({self.get_key_display(key)})"
        return f"{entry.help} {shown}" if entry.help else shown

    def _palette_entries(self, screen: Screen) -> Iterable[PaletteEntry]:
        if isinstance(screen, PaletteProvider):
            yield from screen.palette_commands()
        from pdca.screens.context import UNDO_ON_THE_BOARD
        from pdca.tui.keymap import class_bindings

        if UNDO_ON_THE_BOARD in class_bindings(type(screen)):
            # u works in every view: the palette said "No matches" for undo outside the
            # board, where the README says it lists every action by name (a tester).
            yield PaletteEntry(
                "Undo", "Revert your last change, on the board", self.action_undo_on_board,
                "board-undo",
            )  # fmt: skip

        def view(mode: str) -> Callable[[], object]:
            return partial(self.switch_mode, mode)

        yield from [
            PaletteEntry("Show board", "The PDCA board", view("board"), "view-board"),
            PaletteEntry(
                "My alerts: acknowledge what waits for me",
                "The alerts waiting for you, to acknowledge",
                self.action_my_alerts,
                "app-my-alerts",
            ),
            PaletteEntry("Show owners", "Who owns what", view("owners"), "view-owners"),
            PaletteEntry(
                "Show KPIs", "Every KPI, worst first, with sparklines", view("kpis"), "view-kpis"
            ),
            PaletteEntry("Show log", "The check-in log", view("log"), "view-log"),
            PaletteEntry(
                "Show stand-up",
                "What changed since the last stand-up",
                view("standup"),
                "view-standup",
            ),
            PaletteEntry(
                "Show flow",
                "Time in each phase, throughput, cycle time, cadence and follow-ups",
                view("flow"),
                "view-flow",
            ),
            PaletteEntry(
                "Show initiatives",
                "Each initiative's health from its data, with KPIs and open actions",
                view("initiatives"),
                "view-initiatives",
            ),
        ]


# The app provides what screens use of it (screens.context.AppServices): checked by mypy.
_PROVIDES: type[AppServices] = PdcaApp


def create_app(
    path: Path,
    *,
    actor: str,
    clock: Clock,
    environ: Mapping[str, str] | None = None,
    create: bool = False,
    presence: bool = True,
    watch_changes: bool = True,
    notices: Iterable[str] = (),
) -> PdcaApp:
    """Open the store and build the app: the one factory for ``pdca`` and the tests."""
    environ = os.environ if environ is None else environ
    store = Store.open(path, actor=actor, clock=clock, create=create)
    # The path as given, a link's own name: the store's is where the link led when opened,
    # and watching that missed the link being pointed elsewhere (a reviewer's board went on
    # writing to the old file); the title names the file as the person named it.
    whole = Path(os.path.abspath(path))
    context = AppContext(
        store=store, path=whole, actor=actor, clock=clock, shown_name=file_shown(whole)
    )
    try:
        file: Path | None = settings_path(environ)
    except NoHome:  # nowhere to keep settings: the defaults, and nothing remembered
        file = None
    return PdcaApp(
        context,
        settings=load_settings(file) if file is not None else Settings(),
        settings_file=file,
        presence=presence,
        watch_changes=watch_changes,
        environ=environ,
        notices=notices,
    )


def run_app(app: PdcaApp) -> int:
    """Run the app in the terminal (restored however it ends); its exit status."""
    from pdca.tui.input_bytes import replace_undecodable_input
    from pdca.tui.paste_guard import guard_pastes
    from pdca.tui.stopping import let_stops_through
    from pdca.tui.terminal_watch import watch_the_terminal

    guard_pastes()
    replace_undecodable_input()
    _quit_when_hung_up(app)
    let_stops_through()  # before any thread of the board's is made
    ended = threading.Event()
    watch_the_terminal(sys.__stdin__.fileno() if sys.__stdin__ else 0, ended)
    try:
        try:
            app.run()
        except Exception:
            if app.hung_up != signal.SIGHUP:
                raise  # a crash: reported as one
            # The terminal hung up while the app was ending: drawing on it failed, and
            # nobody is there to see it. The saves below still go on.
    finally:
        ended.set()
        # Textual's driver leaves its own SIGCONT and SIGTSTP handlers behind, which start
        # drawing again on a loop that has ended: the SIGCONT that comes with a hang-up
        # raised out of the wait for the last save below (a reviewer's q, then closed window).
        for suspend in (signal.SIGCONT, signal.SIGTSTP):
            signal.signal(suspend, signal.SIG_DFL)
        saving = app.context.writer.pending
        # what failed, or was kept after a refusal, so far: more after the wait, not saved
        failed_before, kept_before = len(app.context.unshown), len(app.context.kept())
        if saving:
            # A write asked for before quitting is still waiting for someone's lock: it is
            # finished (or given up, after the busy wait) before pdca ends, not dropped.
            _say("pdca: saving your last change…")
        app.context.close()
    if (
        saving
        and len(app.context.unshown) == failed_before
        and len(app.context.kept()) <= kept_before
    ):
        # "saving…" and then nothing: was it? (a trial's kill -INT); and before what a form
        # left open could not save, which read as the save's loss (a review)
        _say("pdca: saved")
    lines = _unsaved_lines(app)
    for line in lines:
        _say(line)
    if app.hung_up == signal.SIGHUP:
        _keep_left_behind(app, lines)
    for stream in (sys.stdout, sys.stderr):
        _let_go_if_gone(stream, hung_up=app.hung_up == signal.SIGHUP)
    if app.context.left_open:
        # The file was replaced or removed under the board: its connections are left open
        # to the end, or the last to close would delete by name a -wal made since for the
        # file now at the path (db/connection.py set_aside_what_it_left).
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(app.return_code or 1)
    if app.hung_up == signal.SIGHUP:
        # Every save is done (context.close waited for them) and the terminal is gone: end
        # here. Textual's input thread, left reading a terminal that hung up, could keep the
        # interpreter from ending for good (seen after q, then the window closed).
        os._exit(128 + signal.SIGHUP)
    if app.hung_up and not app.return_code:  # after q: the signal still says how it ended
        return 128 + app.hung_up
    return app.return_code or (1 if lines else 0)  # anything not saved: said, and 1


def typed_words(screen: Screen[Any]) -> str | None:
    """What is typed and not saved in ``screen``, when it is a dialog with text fields."""
    from pdca.screens.dialogs.base import Dialog

    return screen.typed_words() if isinstance(screen, Dialog) else None


# How long a signal's quit waits for a screen that is opening (and the keys held for it):
# well inside a hang-up's grace (HUNG_UP_GRACE_SECONDS), after which its watchdog keeps what
# could not be saved and ends the process once no save is waiting.
SIGNAL_WAITS_FOR_OPENING_SECONDS = 1.2
OPENING_LOOK_SECONDS = 0.02
# ... after the keys already in the terminal are read (the input thread reads them at once)
KEYS_IN_THE_TERMINAL_SECONDS = 0.05

# How long a hung-up board keeps trying a save that meets someone's lock, where it would
# give up after the busy wait (10 s) and nobody would ever read why (a tester's 16 s lock).
HUNG_UP_PATIENCE_SECONDS = 300.0
HUNG_UP_GRACE_SECONDS = 2.0  # before a hung-up board that is still ending is ended
# After SIGTERM, which a logout sends too, with nobody left to read "not saved" (a tester):
# inside the 90 s a service manager gives before it kills.
TERMINATED_PATIENCE_SECONDS = 60.0


def _quit_when_hung_up(app: PdcaApp) -> None:
    """A lost SSH connection or a closed terminal (SIGHUP), or ``kill`` (SIGTERM), quits as
    ``q`` does: a save still waiting for someone's lock is finished first. By default either
    signal ended the process at once and the save was dropped without a word (a tester held
    the lock, saved a check-in, and closed the tmux window).

    The handler only asks: it never raises into whatever the process is doing. Before the
    app has its loop, the app quits as soon as it is up (``on_mount``); once the app has
    ended (``q``, then the window closed: a reviewer), the save already under way goes on,
    and the exit status says which signal came."""

    def quit_as_asked(signum: int, _frame: object) -> None:
        first = not app.hung_up
        app.hung_up = app.hung_up or signum  # the first one decides the exit status
        if signum == signal.SIGHUP and app.hung_up_at is None:
            app.hung_up_at = datetime.now(UTC)  # the file kept says when, not when it ended
        if signum == signal.SIGHUP:  # nobody is left to be told a save gave up: it waits on
            app.context.writer.patient_until = time.monotonic() + HUNG_UP_PATIENCE_SECONDS
            if first:
                threading.Thread(target=_end_once_saved, args=(app,), daemon=True).start()
        elif app.context.writer.patient_until is None:  # SIGTERM: often a logout, the same
            app.context.writer.patient_until = time.monotonic() + TERMINATED_PATIENCE_SECONDS
        loop = app._ui_loop
        if loop is None or loop.is_closed():  # not up yet (on_mount quits), or ended
            return
        with contextlib.suppress(RuntimeError):  # the loop closed in between: it has ended
            loop.call_soon_threadsafe(partial(app.exit_on_signal, 128 + signum))

    # SIGINT too (a kill -INT: in the board ctrl+c is a key): the command line's handler
    # (tui/stopping.py) raised into Textual's loop. And SIGQUIT (kill -QUIT: ctrl+\ is a key
    # too): by default it ended the process at once, the terminal left full-screen and a
    # form's text gone without a word (a trial).
    for signum in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(signum, quit_as_asked)


def _end_once_saved(app: PdcaApp) -> None:
    """After a hang-up, end the process once no save is waiting, whatever Textual is doing:
    its shutdown on a terminal that has gone can block for good (a reviewer's board, hung up
    while it started, was still running a minute later, its connection and presence held).
    Every save is in the file by then (a save that gave up was not written at all), and
    what could not be saved is kept in its file first: this ended the process as the save
    went in, before run_app kept a form's text, and the text was lost (a tester)."""
    time.sleep(HUNG_UP_GRACE_SECONDS)  # the orderly way first: run_app ends the same way
    while app.context.writer.pending:
        time.sleep(0.2)
    app.context.writer.settle()  # a failure its last write's later callbacks record, too
    _keep_left_behind(app, _unsaved_lines(app))
    os._exit(128 + signal.SIGHUP)


def _unsaved_lines(app: PdcaApp) -> list[str]:
    """What the board could not save, a line each, as said at quit."""
    # writes that failed after the app had ended
    lines = [
        f"pdca: not saved: {what}: {error}" if what else f"pdca: not saved: {error}"
        for what, error in app.context.unshown
    ]
    said = {what for what, _error in app.context.unshown}
    # refused, kept for a c, e or n that never came (a save refused as the app ended is
    # kept too: said once)
    kept = app.context.kept()
    lines += [f"pdca: not saved (kept after a refused save): {w}" for w in kept if w not in said]
    # kept, and its alert settled by someone since
    lines += [f"pdca: not sent (the alert no longer waits): {w}" for w in app.context.settled_acks]
    lines += [f"pdca: not saved (typed in a form open at quit): {w}" for w in app.left_typed]
    lines += [f"pdca: not saved (its action was gone): {w}" for w in app.context.gone_edits]
    return lines


_LEFT_BEHIND = threading.Lock()  # run_app and the hang-up's watchdog: one keeps the lines


def _keep_left_behind(app: PdcaApp, lines: list[str]) -> None:
    """After a hang-up, the lines its terminal can no longer show, kept in a file and said
    at the next start (``tui/left_behind.py``): once, by whichever gets here first."""
    with _LEFT_BEHIND:
        if app.left_behind_kept:
            return
        app.left_behind_kept = True
        if lines:
            from pdca.tui.left_behind import write_left_behind

            write_left_behind(lines, app.environ, app.context.path, app.hung_up_at)


def _let_go_if_gone(stream: Any, *, hung_up: bool = False) -> None:
    """Point ``stream`` at /dev/null when its terminal has gone (a hang-up): Python's own last
    flush, or a write still to come, would fail and turn the exit status into 120."""
    try:
        stream.flush()
        if not hung_up:
            return
    except OSError:
        pass
    except (ValueError, AttributeError):  # closed, or none at all
        return
    from pdca.tui.entry import silence

    silence(stream)


def _say(line: str) -> None:
    """A line on stderr, which may be a terminal that has gone (SIGHUP): then nobody reads
    it, and the save it is about must still go on."""
    with contextlib.suppress(OSError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _empty_or_none(name: str) -> bool:
    """No file at ``name``, or an empty one (``os.stat``: opens nothing)."""
    try:
        return os.stat(name).st_size == 0
    except OSError:
        return True
