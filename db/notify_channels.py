"""Delivering one notification on one channel: the person's terminals (as write(1) does),
local mail through ``sendmail``, a chat webhook, or a command hook. No SQLite here.

Each delivery ends in an ``Outcome``: delivered, skipped (nobody to reach: not logged in, or
``mesg n`` on every terminal) or failed (retried later with backoff). Every channel has a
timeout; a webhook that timed out or could not be reached fails the rest of this run's
webhook deliveries at once, so one dead endpoint never holds up a run.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime

from pdca.db import notify_rules as nrules
from pdca.db.clock import iso
from pdca.db.notify import Notification, Outcome

WEBHOOK_TIMEOUT = 5.0
COMMAND_TIMEOUT = 10.0
MAIL_TIMEOUT = 30.0
SENDMAIL_PLACES = ("/usr/sbin/sendmail", "/usr/lib/sendmail")


def shell_problem(command: str, environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """What is wrong with ``command`` as the hook's shell line, before it is set: (why it
    cannot run at all, what may keep it from running). Read by ``/bin/sh -n``, which runs
    nothing: "sh -c 'unterminated" was set, and every delivery then failed, exit 2 (a
    retrial). A first word not found on PATH, or a path relative to wherever pdca notify
    runs (cron's folder is the home), is a note: the hook's PATH may hold it."""
    try:
        checked = subprocess.run(
            ["/bin/sh", "-n", "-c", command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None, None  # no shell to ask: its runs say what fails
    if checked.returncode != 0:
        said = checked.stderr.decode("utf-8", "replace").strip().splitlines()
        why = said[-1].split(": ", 2)[-1] if said else f"sh -n exited {checked.returncode}"
        return f"is not a shell command line ({why})", None
    first = command.split()[0] if command.split() else ""
    if "=" in first or not first or any(c in first for c in "$`'\"(){};&|<>"):
        return None, None  # an assignment, a variable, quoting: the shell's to read
    if "/" in first:
        if not first.startswith(("/", "~")):
            return None, f"{first} is a relative path, read from the folder pdca notify runs in"
        home = environ.get("HOME") or os.path.expanduser("~")
        place = home + first[1:] if first.startswith("~/") else first
        if not os.path.exists(place):  # "~/hook.sh" with no such file was set silently
            return None, f"{first} does not exist here (yet)"
        return None, None
    if shutil.which(first, path=environ.get("PATH")) is None and first not in _SHELL_WORDS:
        return None, (
            f"{first} is not found on PATH here; the hook runs with the PATH of the pdca"
            " notify that runs it"
        )
    return None, None


# The shell's own words, never looked for on PATH: its keywords and builtins ("if" and "!"
# were noted as programs not found, a reviewer)
_SHELL_WORDS = frozenset(
    {"if", "then", "else", "elif", "fi", "while", "until", "for", "do", "done", "case", "esac",
     "!", "{", "}", "echo", "printf", "test", "[", "true", "false", "exec", "cd", ":", ".",
     "read", "set", "export", "exit", "eval", "command", "type", "trap", "umask", "wait"}
)  # fmt: skip


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as a GET without its body: report it instead."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def post_text(
    url: str,
    text: str,
    timeout: float = WEBHOOK_TIMEOUT,
    opener: urllib.request.OpenerDirector | None = None,
) -> tuple[Outcome, str | None]:
    """POST ``{"text": text}`` (what Slack, Mattermost and Teams incoming webhooks take).
    The outcome, and why the webhook is down (timed out, unreachable) when it is: a run
    stops trying it then, so the other deliveries never wait for it."""
    opener = opener or urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "pdca-notify"},
        method="POST",
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as error:
        return Outcome("failed", f"webhook answered HTTP {error.code}"), None
    except TimeoutError as error:
        why = f"webhook timed out after {timeout:g} s: {error}"
        return Outcome("failed", why), "the webhook timed out"
    except (ValueError, http.client.HTTPException) as error:
        # A host urllib cannot encode ("a..b") or a port it cannot read: one line, as an
        # unreachable one gets (standup --post crashed on them, a tester).
        why = f"webhook URL cannot be used: {nrules.hide_credentials(str(error))}"
        return Outcome("failed", why), "the webhook URL cannot be used"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            why = f"webhook timed out after {timeout:g} s"
            return Outcome("failed", why), "the webhook timed out"
        why = f"webhook unreachable: {reason}"
        return Outcome("failed", why), "the webhook could not be reached"
    return Outcome("delivered"), None


def _run_who(environ: Mapping[str, str]) -> str | None:
    found = shutil.which("who", path=environ.get("PATH"))
    if found is None:
        return None
    done = subprocess.run(
        [found], capture_output=True, text=True, timeout=COMMAND_TIMEOUT, env=dict(environ)
    )
    return done.stdout if done.returncode == 0 else None


class Channels:
    """The deliveries of one run, as ``runner`` (the login running ``pdca notify``)."""

    def __init__(
        self,
        settings: nrules.ChannelSettings,
        *,
        runner: str,
        now: datetime,
        environ: Mapping[str, str],
        who: Callable[[], str | None] | None = None,
        webhook_timeout: float = WEBHOOK_TIMEOUT,
        command_timeout: float = COMMAND_TIMEOUT,
        own_terminal: int | None = None,
        shown_here: Callable[[Notification], None] | None = None,
        own_login: str | None = None,
        board_terminals: Callable[[str], set[int]] | None = None,
        set_by_me: Callable[[str], bool],
    ) -> None:
        """``own_terminal``: the device number (``st_rdev``) of the terminal an open board
        draws on; a message for it goes to ``shown_here`` instead (the board shows it), not
        written over the board's lines (a tester's board was scrambled until a resize).
        ``set_by_me``: whether this login itself set a command hook (tui/own_hooks.py): the
        name the team's file gives for it anyone in the team can write."""
        self.set_by_me = set_by_me
        self.own_terminal = own_terminal
        self.shown_here = shown_here
        # The login this process runs as (not PDCA_USER): a board shows that person's messages
        # (one as PDCA_USER=ben took ben's, and ben never saw them, a tester).
        self.own_login = own_login
        # The terminals a person's open boards draw on: never written raw (a tester's second
        # board was scrambled by the note the first one showed).
        self.board_terminals = board_terminals
        self.settings = settings
        self.runner = runner
        self.now = now
        self.environ = dict(environ)
        self._who_source = who or (lambda: _run_who(self.environ))
        self._who: list[nrules.Login] | None = None
        self.webhook_timeout = webhook_timeout
        self.command_timeout = command_timeout
        self._webhook_down: str | None = None
        # A hook or a sendmail that hung once in a run is not waited for again in it: each
        # notification waited out its timeout (16 of them, 2 min 43 s, a tester).
        self._command_down: str | None = None
        self._mail_down: str | None = None
        self._opener = urllib.request.build_opener(_NoRedirects)

    def __call__(self, notification: Notification) -> Outcome:
        if notification.channel not in self.settings.enabled():
            # Turned off since it was queued (or since it failed): it reaches nobody now.
            # It was retried as "no webhook set" for a week, failing every run and doctor.
            said = f"the {notification.channel} channel is off now (pdca notify config)"
            return Outcome("skipped", said)
        deliver = {
            "terminal": self.terminal,
            "mail": self.mail,
            "webhook": self.webhook,
            "command": self.command,
        }[notification.channel]
        return deliver(notification)

    # ------------------------------------------------------------------ terminals

    def terminal(self, notification: Notification) -> Outcome:
        if self.shown_here is not None and notification.recipient == self.own_login:
            # The board's own person: on the board (its terminal may be under tmux, where
            # ``who`` does not see it), and on their other terminals as ever, never on the
            # board's own: shown only as a passing note, it was lost on a board nobody was
            # watching (a reviewer).
            self.shown_here(notification)
            self._write_to_terminals(notification, shown=True)
            return Outcome("delivered")
        return self._write_to_terminals(notification)

    def _write_to_terminals(self, notification: Notification, *, shown: bool = False) -> Outcome:
        """Written to the recipient's terminals that accept messages, but for the one an
        open board draws on (``shown``: the board has shown it already)."""
        if self._who is None:
            output = self._who_source()
            if output is None:
                return Outcome("skipped", "who is not available: cannot find terminals")
            self._who = nrules.parse_who(output)
        recipient = notification.recipient
        paths = nrules.terminals_of(recipient, self._who)
        if not paths:
            return Outcome("skipped", f"{notification.recipient} is not logged in")
        try:
            uid: int | None = pwd.getpwnam(notification.recipient).pw_uid
        except KeyError:
            uid = None
        banner = f"\r\nMessage from pdca at {iso(self.now)}:\r\n"
        data = (banner + nrules.for_terminal(notification.text) + "\r\n").encode("utf-8")
        boards = set() if self.board_terminals is None else self.board_terminals(recipient)
        written, refused, errors, under_boards = 0, 0, [], 0
        for path in paths:
            try:
                status = os.stat(path)
                if not stat.S_ISCHR(status.st_mode) or (uid is not None and status.st_uid != uid):
                    continue  # not a terminal, or no longer theirs (a stale utmp line)
                if self.shown_here is not None and status.st_rdev == self.own_terminal:
                    if not shown:
                        self.shown_here(notification)  # on the board drawn there, as its own
                    written += 1
                    continue
                if status.st_rdev in boards:
                    under_boards += 1
                    continue
                if not nrules.accepts_messages(status.st_mode):
                    refused += 1
                    continue
                fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
                written += 1
            except OSError as error:
                errors.append(f"{path}: {error.strerror}")
        if written:
            return Outcome("delivered")
        if errors:
            return Outcome("failed", "; ".join(errors))
        if refused:
            return Outcome("skipped", f"{notification.recipient} has mesg n on every terminal")
        if under_boards:
            return Outcome("skipped", f"{recipient}'s terminals show pdca boards, which show it")
        return Outcome("skipped", f"{notification.recipient} has no terminal pdca may write to")

    # ------------------------------------------------------------------ mail

    def mail(self, notification: Notification) -> Outcome:
        sendmail = shutil.which("sendmail", path=self.environ.get("PATH")) or next(
            (place for place in SENDMAIL_PLACES if os.access(place, os.X_OK)), None
        )
        if sendmail is None:
            return Outcome("failed", "sendmail not found on PATH (pdca notify config mail off)")
        if self._mail_down is not None:
            return Outcome(
                "failed", f"{nrules.NOT_TRIED}{self._mail_down} earlier in this run", tried=False
            )
        subject = nrules.one_line(f"pdca: {notification.kind} ({notification.key})")
        body = nrules.for_terminal(notification.text).replace("\r\n", "\n")
        message = (
            f"To: {nrules.one_line(notification.recipient)}\n"
            f"Subject: {subject}\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n"
            f"X-Pdca-Key: {nrules.one_line(notification.key)}\n"
            f"\n{body}\n"
        )
        try:
            done = subprocess.run(
                [sendmail, "-oi", "--", notification.recipient],
                input=message.encode("utf-8"),
                capture_output=True,
                timeout=MAIL_TIMEOUT,
                env=self.environ,
            )
        except subprocess.TimeoutExpired as error:
            self._mail_down = "sendmail timed out"
            return Outcome("failed", f"sendmail: {error}")
        except OSError as error:
            return Outcome("failed", f"sendmail: {error}")
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            first = f": {said[0]}" if said else " (it printed nothing on stderr)"
            return Outcome("failed", f"sendmail exited {done.returncode}{first}")
        return Outcome("delivered")

    # ------------------------------------------------------------------ webhook

    def webhook(self, notification: Notification) -> Outcome:
        url = self.settings.webhook
        if url is None:  # (off: skipped before this is asked)
            return Outcome("skipped", "no webhook set (pdca notify config webhook URL)")
        if self._webhook_down is not None:
            return Outcome(
                "failed", f"{nrules.NOT_TRIED}{self._webhook_down} earlier in this run", tried=False
            )
        text = f"{notification.recipient}: {nrules.for_chat(notification.text)}"
        outcome, down = post_text(url, text, self.webhook_timeout, self._opener)
        self._webhook_down = down or self._webhook_down
        return outcome

    # ------------------------------------------------------------------ command hook

    def command(self, notification: Notification) -> Outcome:
        command = self.settings.command
        if command is None:  # (off: skipped before this is asked)
            return Outcome("skipped", "no command set (pdca notify config command CMD)")
        if self.settings.command_by != self.runner:
            # Anyone in the team may change the file; the hook runs only as whoever set it.
            return Outcome(
                "failed",
                f"the command hook was set by {self.settings.command_by}: it runs only in their "
                f"pdca notify (this run is {self.runner}'s)",
            )
        if not self.set_by_me(command):
            # The file names this run's person, but this login never set that command (or
            # replaced it since): a colleague wrote it under their name (a hostile tester's
            # ran as ann). Shown, so that nobody sets again a command that is not theirs.
            return Outcome(
                "failed",
                f"the command hook {nrules.quoted_command(command)} is not one {self.runner}"
                " set on this file from this login (anyone in the team can write the file):"
                " it runs once they set it themselves, if it is theirs (pdca notify config"
                " command CMD; a file moved or copied since it was set needs it set again"
                " too)",
            )
        if self._command_down is not None:
            return Outcome(
                "failed", f"{nrules.NOT_TRIED}{self._command_down} earlier in this run", tried=False
            )
        document = notification.model_dump(
            include={"id", "key", "recipient", "channel", "kind", "text", "created_at"}
        )
        # Its own process group, so a hook that outlives its timeout goes with everything it
        # started (sh -c 'sleep 120' would otherwise be left running, a new one each minute).
        try:
            process = subprocess.Popen(
                ["/bin/sh", "-c", command],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=self.environ,
                start_new_session=True,
            )
        except OSError as error:
            return Outcome("failed", f"command: {error}")
        line = json.dumps(document) + "\n"  # one record a line: a log of them stays readable
        try:
            _, stderr = process.communicate(line.encode("utf-8"), timeout=self.command_timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            self._command_down = "the command timed out"
            return Outcome("failed", f"command timed out after {self.command_timeout:g} s")
        if process.returncode != 0:
            said = stderr.decode("utf-8", "replace").strip().splitlines()
            first = f": {said[0]}" if said else " (it printed nothing on stderr)"
            return Outcome("failed", f"command exited {process.returncode}{first}")
        return Outcome("delivered")
