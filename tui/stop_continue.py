"""A board stopped from outside (``kill -STOP``, a laptop's sleep) and continued goes on as
it was.

Textual's Linux driver takes every SIGCONT for the end of a suspend of its own (ctrl+z: its
SIGTSTP handler leaves application mode first) and starts application mode again: a second
thread reading the terminal and a second writing it, beside the first ones, which never
stopped. After a ``kill -STOP``/``-CONT`` keys went to one reader or the other, q was lost,
and quitting hung until another key came; each pause added two threads (a process-mix
trial).

A continue that ends no suspend of the driver's now leaves application mode first, as ctrl+z
does, and starts it again: one reader, and the terminal set up again, which a shell that took
it back meanwhile (its job stopped) left in its own line mode. Continued in the background
(by ``kill``, under a shell that took the terminal), pdca stops again as a job that wants its
terminal does, and the shell's ``fg`` continues it in front.
"""

from __future__ import annotations

import contextlib
import os
import signal
from typing import Any

# Textual's LinuxDriver.stop_application_mode's sequences, in its order.
GIVE_BACK = (
    b"\x1b[?2004l\x1b[?7h\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"
    b"\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l"
)


def resume_only_after_suspend(driver: Any) -> None:
    """Put a SIGCONT handler in place of ``driver``'s (see the module's doc). Called on the
    main thread once the driver runs; a driver of another kind (headless) is left as it is."""
    restart = getattr(driver, "_sigcont_application", None)
    if restart is None or not hasattr(driver, "_must_signal_resume"):
        return
    fd: int = driver.fileno
    running = {"now": False, "again": False}

    def go_on() -> None:
        if not _in_front_of(fd):
            # A shell's background job, the terminal the shell's: the board is taken off it
            # (its prompt was drawn over the board, the cursor hidden, a retrial), and pdca
            # stops until fg continues it, in front (and so here again). Leaving application
            # mode here would stop at its first terminal setting, before the screen.
            _leave_the_screen(driver)
            if not _in_front_of(fd):  # (with stty tostop that write stopped pdca till fg)
                os.kill(os.getpid(), signal.SIGSTOP)
            return
        if not driver._must_signal_resume:  # stopped from outside: application mode is on
            driver.suspend_application_mode()
            driver._must_signal_resume = True  # the app repaints once started again
        restart(signal.SIGCONT, None)

    def on_continue(signum: int, frame: object) -> None:
        if not driver._auto_restart:
            return  # the app suspended itself and starts again itself (as the driver does)
        if not _is_terminal(fd):
            return  # a hang-up sends SIGCONT with its SIGHUP: nothing to start again on
        if running["now"]:  # stopped again while going on: once more when this one is done
            running["again"] = True
            return
        running["now"] = True
        try:
            running["again"] = True
            while running["again"]:
                running["again"] = False
                go_on()
                # stopped in the background, continued by fg: that continue came while
                # this one ran, so once more, in front now
        finally:
            running["now"] = False

    signal.signal(signal.SIGCONT, on_continue)


def _leave_the_screen(driver: Any) -> None:
    """The terminal as Textual's driver leaves it at its stop (no bracketed paste, lines
    wrapped, no mouse reports: a mouse at the prompt typed them as junk, a reviewer; the main
    screen and the cursor), written straight to it (a background job may write to it, unless
    ``stty tostop``: then this stops pdca, as it is to stop)."""
    with contextlib.suppress(OSError, AttributeError, ValueError):  # no terminal to give back
        os.write(driver._file.fileno(), GIVE_BACK)


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _in_front_of(fd: int) -> bool:
    """Whether this process's group is in the foreground of terminal ``fd``. With no
    controlling terminal (``su -c``, ``setsid``), whether the nearest process above it that
    has one (su, setsid's waiting parent) is in front of it: taken as behind, each continue
    stopped it again, for good, the file held open (a retrial); taken as in front, a ``bg``
    of su drew it over the shell, both reading keys (a reviewer)."""
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return _the_nearest_with_a_terminal_in_front()


def _the_nearest_with_a_terminal_in_front(proc: str = "/proc") -> bool:
    """``/proc/PID/stat`` of each process above this one, up to the first with a controlling
    terminal: in front when its group is its terminal's foreground group. None found (a
    daemon's child, a test's): in front, as there is no shell to bring it back."""
    pid = os.getppid()
    for _ in range(32):
        if pid <= 1:
            return True
        try:
            with open(f"{proc}/{pid}/stat", encoding="utf-8", errors="replace") as stat:
                # "pid (comm) state ppid pgrp session tty_nr tpgid ...": comm may hold spaces
                fields = stat.read().rsplit(")", 1)[1].split()
            parent, group, terminal, front = (int(fields[i]) for i in (1, 2, 4, 5))
        except (OSError, ValueError, IndexError):
            return True
        if terminal != 0:
            return front == group
        pid = parent
    return True
