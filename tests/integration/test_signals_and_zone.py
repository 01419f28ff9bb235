"""What the process is given from outside: signals, and the time zone.

A command stopped by SIGTERM (timeout, cron wrappers, systemd) or SIGHUP (a closed SSH
session) cleans up as after a Ctrl-C: an export stopped half way left its hidden temporary
file behind, and a backup a whole-database copy (a tester)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# An export that is asked to stop once its first piece is written: the signal comes from
# outside the command's code, as a real one does, at a known point.
STOPPED_HALF_WAY = """
import os, signal, sys
from pdca.db import transfer
from pdca.tui.cli import main

real = transfer.export_json_parts

def pieces(store, **options):
    for number, piece in enumerate(real(store, **options)):
        if number == 1:
            os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        yield piece

transfer.export_json_parts = pieces
if sys.argv[2] == "ignored":
    signal.signal(getattr(signal, sys.argv[1]), signal.SIG_IGN)  # as nohup leaves SIGHUP
main(["export", "--out", sys.argv[3]])
"""


def _export_signalled(env: dict[str, str], signame: str, how: str, out: Path):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-c", STOPPED_HALF_WAY, signame, how, str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


@pytest.mark.parametrize(
    ("signame", "said"),
    [
        # nothing written: a script can tell it from a command that saved (a trial)
        ("SIGTERM", "pdca: stopped by SIGTERM; nothing written"),
        ("SIGHUP", "pdca: stopped by SIGHUP; nothing written"),
        (
            "SIGINT",
            "pdca: aborted; nothing written",
        ),  # Ctrl-C: 130 as shells give it, not a failure's 1
    ],
)
def test_an_export_stopped_half_way_leaves_nothing(
    env, tmp_path: Path, signame: str, said: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    done = _export_signalled(env, signame, "default", folder / "e.json")
    assert done.returncode == 128 + getattr(signal, signame), done.stderr
    assert done.stderr == f"{said}\n"  # one line, no blank one before it (click's had been)
    assert list(folder.iterdir()) == []  # no file, no hidden temporary


def test_a_hangup_ignored_as_nohup_does_lets_the_export_finish(env, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    done = _export_signalled(env, "SIGHUP", "ignored", folder / "e.json")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in folder.iterdir()] == ["e.json"]
    assert '"actions"' in (folder / "e.json").read_text()


HANDLERS_BACK_AFTER = """
import os, signal
from pdca.tui.stopping import Stopped, stopped_as_interrupted

mine = lambda signum, frame: None
signal.signal(signal.SIGTERM, mine)
try:
    with stopped_as_interrupted():
        os.kill(os.getpid(), signal.SIGTERM)
        signal.sigtimedwait([], 0)  # a call after the signal: its handler has run by then
except Stopped as stopped:
    print(stopped.signum == signal.SIGTERM, signal.getsignal(signal.SIGTERM) is mine)
"""


def test_the_handlers_before_it_come_back_after() -> None:
    # In a process of its own: a SIGTERM to the test runner's worker would end it
    done = subprocess.run(
        [sys.executable, "-c", HANDLERS_BACK_AFTER], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "True True\n", done.stderr


@pytest.mark.parametrize("zone", ["UTC+24", "<+99>-99", "EST+30EDT,M3.2.0,M11.1.0"])
def test_a_zone_python_cannot_hold_is_refused_in_one_line(env, db_path: Path, zone: str) -> None:
    """The C library takes an offset of 24 hours or more; Python cannot, and every command
    crashed at its first local date, leaving a crash log each time (a tester's cron)."""
    from tests.conftest import run_pdca

    before = db_path.read_bytes()
    done = run_pdca("add", "posix", "--due", "today", env={**env, "TZ": zone})
    assert done.returncode == 1
    assert done.stderr == (
        f"pdca: TZ: '{zone}' is a time zone of 24 hours or more from UTC, which pdca cannot"
        " use: set TZ to a zone such as UTC or Europe/Paris\n"
    )
    assert db_path.read_bytes() == before
    assert not list((Path(env["HOME"]) / ".local" / "state" / "pdca").glob("crash-*"))


@pytest.mark.parametrize("zone", ["Europe/Berlim", "garbage", "CEST", ":Mars/Olympus"])
def test_a_zone_the_machine_does_not_know_is_said_and_the_command_goes_on(
    env, db_path: Path, zone: str
) -> None:
    """The C library keeps UTC without a word for a TZ it cannot find (a typo in a zone's
    name): every local day pdca counted was UTC's, and nobody knew (a tester). Said in one
    line; the command does what it was asked, in UTC."""
    from tests.conftest import run_pdca

    done = run_pdca("add", "typo zone", "--due", "today", env={**env, "TZ": zone})
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"pdca: warning: TZ '{zone}' names no time zone on this machine (no such file in"
        " /usr/share/zoneinfo), so pdca's days and times are UTC's; set TZ to a zone whose"
        " file is there, such as Europe/Paris\n"
    )
    listed = run_pdca("list", "--json", env={**env, "TZ": zone})
    assert '"title": "typo zone"' in listed.stdout


def test_a_zone_missing_from_tzdir_names_that_folder(env, db_path: Path, tmp_path: Path) -> None:
    """With TZDIR set (a machine whose zone files are elsewhere), the warning named
    /usr/share/zoneinfo, where the library had not looked (a retrial)."""
    from tests.conftest import run_pdca

    empty = tmp_path / "zones"
    empty.mkdir()
    done = run_pdca("list", env={**env, "TZ": "Europe/Paris", "TZDIR": str(empty)})
    assert f"(no such file in {empty})" in done.stderr


@pytest.mark.parametrize(
    "zone", ["", ":", "UTC", ":UTC", "Etc/UTC", "GMT", "EST5EDT", "JST-9", "UTC+3"]
)
def test_a_zone_the_machine_reads_is_not_warned_of(env, db_path: Path, zone: str) -> None:
    from tests.conftest import run_pdca

    done = run_pdca("add", "known zone", env={**env, "TZ": zone})
    assert done.returncode == 0
    assert done.stderr == ""


# A stop that comes as the change is committed: the signal arrives at the commit itself.
STOPPED_AT_THE_COMMIT = """
import os, signal, sys
from pdca.db import commit_marks
from pdca.tui.cli import main

real = commit_marks.committing

def committing():
    real()
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))

commit_marks.committing = committing
main(["add", "stopped as it was saved"])
"""


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_stop_as_the_change_is_saved_lets_the_command_say_it_saved(
    env, db_path: Path, signame: str
) -> None:
    """Stopped after its commit, add said only "stopped by SIGTERM" (exit 143) with the
    action in the file, and a script that retried added it twice (a soak)."""
    from tests.conftest import open_as

    done = subprocess.run(
        [sys.executable, "-c", STOPPED_AT_THE_COMMIT, signame],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("added #1 [plan] stopped as it was saved")
    store = open_as(db_path, "alice")
    try:
        assert [a.title for a in store.list_actions()] == ["stopped as it was saved"]
    finally:
        store.close()


SWALLOWED_BY_SQLITE = """
import os, signal, sqlite3, time
from pdca.tui.stopping import Stopped, stop_requested, stopped_as_interrupted

def stop_inside():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.05)  # Python runs the handler here, inside SQLite's call
    return 1

connection = sqlite3.connect(":memory:")
connection.create_function("stop_inside", 0, stop_inside)
try:
    with stopped_as_interrupted():
        try:
            connection.execute("SELECT stop_inside()").fetchone()
        except sqlite3.OperationalError as error:
            print("sqlite said:", error, "; asked:", stop_requested() == signal.SIGTERM)
        print("went on")
except Stopped as stopped:
    print("stopped:", stopped.signum == signal.SIGTERM)
"""

A_SECOND_SIGNAL = """
import os, signal, time
from pdca.tui.stopping import Stopped, stopped_as_interrupted

try:
    with stopped_as_interrupted():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        except Stopped:
            os.kill(os.getpid(), signal.SIGHUP)  # a second, as the cleanup runs
            time.sleep(0.05)
            print("cleaned up")
            raise
except Stopped as stopped:
    print("stopped by", signal.Signals(stopped.signum).name)
"""


@pytest.mark.parametrize(
    ("code", "printed"),
    [
        (SWALLOWED_BY_SQLITE, "sqlite said: user-defined function raised exception ; asked:"
         " True\nwent on\nstopped: True\n"),
        (A_SECOND_SIGNAL, "cleaned up\nstopped by SIGTERM\n"),
    ],
    ids=["swallowed-by-sqlite", "second-signal"],
)  # fmt: skip
def test_a_stop_is_not_lost_nor_cut_short(code: str, printed: str) -> None:
    """A stop raised inside one of pdca's SQL functions came back as SQLite's error, and a
    check went on without it; a second signal cut the first one's cleanup short (a
    reviewer). In a process of its own: never the test runner's worker."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == printed, done.stderr


STOPPED_AS_IT_ENDS = """
import os, signal, time
from pdca.tui import cli

real = cli._say_left_out

def late():
    real()
    os.kill(os.getpid(), signal.SIGTERM)  # after the command, before the process ends
    time.sleep(0.05)

cli._say_left_out = late
cli.main(["add", "said, then stopped"])
"""


def test_a_stop_as_a_command_that_saved_ends_leaves_its_status_0(env, db_path: Path) -> None:
    """Its reply printed, the change saved, a SIGTERM in the process's last moments killed it
    (status -15), and a script that retries on failure would add it again (a retrial)."""
    done = subprocess.run(
        [sys.executable, "-c", STOPPED_AS_IT_ENDS],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "added #1 [plan] said, then stopped\n")


HELD_ONCE_SAVING = """
import os, signal, sys, time
from pdca.db import commit_marks
from pdca.tui.stopping import stopped_as_interrupted

with stopped_as_interrupted(process_ends=True):
    commit_marks.committing()
    held = signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    os.kill(os.getpid(), signal.SIGTERM)  # waits: the reply below is written whole
    time.sleep(0.05)
    sys.stdout.write("x" * 300_000)
    sys.stdout.flush()
sys.stderr.write(f"held {held}\\n")
"""


def test_a_stop_once_a_change_is_saved_waits_for_the_whole_reply() -> None:
    """Caught and let go, the signal interrupted the reply's write and CPython left the rest
    unwritten: a 340 KB stand-up came out as its first 64 KB, exit 0 (a tester). Held back
    from the commit on, it never interrupts it."""
    done = subprocess.run([sys.executable, "-c", HELD_ONCE_SAVING], capture_output=True, timeout=60)
    assert (done.returncode, len(done.stdout), done.stderr) == (0, 300_000, b"held True\n")


INTERRUPTED_AS_IT_LOADS = """
import builtins, os, signal, sys

real_import = builtins.__import__
which = getattr(signal, sys.argv.pop())

def importing(name, *args, **kwargs):
    if name == "pdca.tui.output":  # half way through loading the command line
        os.kill(os.getpid(), which)
    return real_import(name, *args, **kwargs)

builtins.__import__ = importing
from pdca.tui.entry import main
main()
"""


@pytest.mark.parametrize(
    ("signame", "said"),
    [
        ("SIGINT", "pdca: aborted; nothing written"),
        ("SIGTERM", "pdca: stopped by SIGTERM; nothing written"),
    ],
)
def test_a_stop_as_pdca_loads_is_said_not_a_traceback(env, signame: str, said: str) -> None:
    """Ctrl-C in the first tenth of a second printed Python's traceback (a retrial); a
    SIGTERM then ended it without a word (a lead's trial)."""
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_AS_IT_LOADS, "--version", signame],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (128 + getattr(signal, signame), f"{said}\n")


# pdca with a wait for others' locks of two minutes, where it is 10 s.
WAITS_TWO_MINUTES = """
import sys
from pdca.db import connection
from pdca.tui.entry import main

connection.BUSY_TIMEOUT_SECONDS = 120.0
sys.argv[0] = "pdca"
main()
"""


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_a_stop_during_a_wait_for_a_lock_is_said_as_a_stop(env, db_path: Path, signame) -> None:
    """kill -INT while add waited for someone's lock was answered, once the wait ended, as
    "stayed busy for 10 s ... try again", exit 1 (a retrial): it was a stop. And it is
    answered at once, not when the wait ends: with a wait of two minutes here, the command
    has ended long before (SQLite's wait is one C call; pdca waits in short goes)."""
    import time

    from tests.conftest import LockHolder

    holder = LockHolder(db_path)
    try:
        adding = subprocess.Popen(
            [sys.executable, "-c", WAITS_TWO_MINUTES, "add", "waits for the lock"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        time.sleep(3)  # in the wait by now (it begins after about 0.3 s)
        adding.send_signal(getattr(signal, signame))
        _, stderr = adding.communicate(timeout=60)  # the wait would end after 120 s
        assert holder.process.poll() is None  # the lock is still held: no write went in
    finally:
        holder.release()
    said = "pdca: aborted" if signame == "SIGINT" else f"pdca: stopped by {signame}"
    said += "; nothing written"
    assert (adding.returncode, stderr) == (128 + getattr(signal, signame), f"{said}\n")


def test_a_stop_while_an_upgrade_waits_for_the_lock_is_answered_at_once(env, db_path: Path) -> None:
    """Every person's first command after an update upgrades the file, and its wait for a
    colleague's lock answered Ctrl-C only when the wait ended (a reviewer). The file is left
    as it was."""
    import sqlite3
    import time

    from tests.conftest import LockHolder

    with sqlite3.connect(db_path) as conn:  # as pdca 29 left it
        conn.execute("DROP INDEX idx_events_undos_at")
        conn.execute("PRAGMA user_version = 29")
    conn.close()
    holder = LockHolder(db_path)
    try:
        listing = subprocess.Popen(
            [sys.executable, "-c", WAITS_TWO_MINUTES, "list"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        time.sleep(3)
        listing.send_signal(signal.SIGINT)
        _, stderr = listing.communicate(timeout=60)  # the wait would end after 120 s
        assert holder.process.poll() is None
    finally:
        holder.release()
    assert listing.returncode == 130, stderr
    # What it was doing is said as it was: waiting, not "others' writes wait for it"; and
    # that the stop left the file as it was (a stopped upgrade had said only "aborted").
    upgrading = f"pdca: upgrading {db_path} from schema version 29 to 30"
    assert stderr.splitlines() == [
        f"{upgrading}: waiting for another process's write to end first",
        f"pdca: the upgrade of {db_path} was stopped: it is left at schema version 29, as it was",
        "pdca: aborted; nothing written",
    ]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 29
    conn.close()


# restore's own wait (read where it is used) of two minutes too.
RESTORE_WAITS_TWO_MINUTES = WAITS_TWO_MINUTES.replace(
    "from pdca.tui.entry import main\n",
    "from pdca.tui.entry import main\nfrom pdca.db import restore\n"
    "restore.BUSY_TIMEOUT_SECONDS = 120.0\n",
)


def test_a_stop_while_restore_force_waits_for_the_lock_is_answered_at_once(
    env, db_path: Path, store, tmp_path: Path
) -> None:
    """``restore --force`` copies under others' feet, and its copy's first step waited for a
    colleague's write lock in one SQLite call: a Ctrl-C was answered when the wait ended
    (noted in session 48). Nothing is restored."""
    import sqlite3
    import time

    from pdca.db.models import ActionDraft
    from tests.conftest import LockHolder

    saved = tmp_path / "saved.db"
    with sqlite3.connect(saved) as copy:
        store.conn.backup(copy)
    copy.close()
    store.add_action(ActionDraft(title="after the copy"))
    holder = LockHolder(db_path)
    try:
        restoring = subprocess.Popen(
            [sys.executable, "-c", RESTORE_WAITS_TWO_MINUTES, "restore", str(saved), "--force"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        time.sleep(4)  # in the copy's wait by now
        restoring.send_signal(signal.SIGINT)
        _, stderr = restoring.communicate(timeout=60)  # the wait would end after 120 s
        assert holder.process.poll() is None  # the lock is still held: nothing went in
    finally:
        holder.release()
    assert restoring.returncode == 130, stderr
    assert stderr.endswith("pdca: aborted; nothing written\n") and "Traceback" not in stderr
    assert [a.title for a in store.list_actions()] == ["after the copy"]


ENDS_AND_TELLS = """
import signal
from pdca.tui.entry import main

try:
    main()
except SystemExit:
    pass
print(all(signal.getsignal(s) is signal.SIG_IGN for s in (signal.SIGTERM, signal.SIGHUP)))
"""


@pytest.mark.parametrize("command", [["--version"], ["list"]])
def test_a_stop_once_the_command_has_said_all_finds_nothing_to_stop(
    env, db_path: Path, command: list[str]
) -> None:
    """Python puts the default handlers back as it ends: a kill then ended a `pdca list`
    that had printed everything with status -15 and no word (a retrial). Once the command
    has ended, stops are ignored: its status stands."""
    done = subprocess.run(
        [sys.executable, "-c", ENDS_AND_TELLS, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert done.stdout.splitlines()[-1] == "True", (done.stdout, done.stderr)


# stdout a pipe whose reader has gone (it hung up with the terminal), something still held
# in its buffer, and the stop's way out
LET_GO = """
import io, os, sys
from pdca.tui import cli

read_end, write_end = os.pipe()
os.dup2(write_end, 1)
os.close(read_end)
sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False))  # buffered, whatever the env says
sys.stdout.write("held in the buffer")
if sys.argv[1] == "let go":
    cli._let_go_of_stdout()
sys.exit(129)
"""


@pytest.mark.parametrize("how", ["let go", "as before"])
def test_a_stop_with_its_pipe_gone_says_one_line(env, how: str) -> None:
    """A SIGHUP'd export into a pipe whose reader went with the terminal said its one line,
    then "Exception ignored ... BrokenPipeError" from Python's flush as it ended (a trial),
    and ended 120: the stop lets go of stdout first ("as before": what it was)."""
    done = subprocess.run(
        [sys.executable, "-c", LET_GO, how],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    # and Python's failed flush made the status 120, not the stop's 129
    assert done.returncode == (129 if how == "let go" else 120)
    assert ("BrokenPipeError" in done.stderr) is (how == "as before"), done.stderr
