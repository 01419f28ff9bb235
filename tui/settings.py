"""Per-user settings, remembered between runs: the theme and the board's compact cards.

A frozen model loaded once at the edge and passed in; widgets never read it. The file is
``$XDG_CONFIG_HOME/pdca/settings.toml`` (``~/.config/pdca/settings.toml``), in the user's own
home, never beside the shared database: one person's theme is not the team's.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pdca.db.filesystem import make_personal_folder, personal_mode, someone_elses

DEFAULT_THEME = "textual-dark"


@dataclass(frozen=True)
class Settings:
    """Four values, checked by hand: a pydantic model here put pydantic (about 50 ms) in
    front of every app's first paint (issue 14)."""

    theme: str = DEFAULT_THEME
    # The board's cards in two lines instead of four (its ``z``).
    compact_cards: bool = False
    # The [keys] table as written: binding id -> keys. tui/keymap.py checks each entry, so
    # one bad line is reported and skipped instead of costing the person their theme.
    keys: object = field(default_factory=dict)
    # Why the file was not used (it did not parse, or a value had the wrong type): the app
    # says so once, and pdca then never rewrites that file (it would lose what was there).
    problem: str | None = None
    # Top-level names that are no setting ("them", "compact-cards"): said, and left alone
    # in the file; typos went without a word (a trial)
    unknown: tuple[str, ...] = ()


# What pydantic's lax mode took for a boolean, so a file that worked keeps working.
_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}


def _checked(values: dict[str, Any]) -> tuple[Settings, list[str]]:
    """``Settings`` from a file's top-level values (unknown keys ignored), a value of the
    wrong type replaced by its default, and the names of those replaced: ``theme = 42``
    cost the person every [keys] entry too (a tester)."""
    wrong: list[str] = []
    theme = values.get("theme", DEFAULT_THEME)
    if not isinstance(theme, str):
        wrong.append("theme")
        theme = DEFAULT_THEME
    compact = values.get("compact_cards", False)
    if isinstance(compact, str) and compact.lower() in _TRUE | _FALSE:
        compact = compact.lower() in _TRUE
    elif isinstance(compact, int | float) and not isinstance(compact, bool) and compact in (0, 1):
        compact = bool(compact)
    if not isinstance(compact, bool):
        wrong.append("compact_cards")
        compact = False
    unknown = tuple(name for name in values if name not in KNOWN_NAMES)
    settings = Settings(
        theme=theme, compact_cards=compact, keys=values.get("keys", {}), unknown=unknown
    )
    return settings, wrong


KNOWN_NAMES = ("theme", "compact_cards", "keys")
KNOWN_SAID = "theme, compact_cards, a [keys] table"


# A settings file is a few lines: one of 10 MB cost the board's start 2 s, and every z as
# much again (a keymap trial)
SETTINGS_MOST_BYTES = 1_048_576


def settings_path(environ: Mapping[str, str]) -> Path:
    from pdca.tui.paths import base_directory

    return base_directory(environ, "XDG_CONFIG_HOME", ".config") / "pdca" / "settings.toml"


def load_settings(path: Path) -> Settings:
    """The saved settings; a missing file gives the defaults, a broken one the defaults and
    the reason, never a crash."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO hung the start (a trial)
            return Settings(problem=f"{path}: not a file; using the defaults")
        if info.st_size > SETTINGS_MOST_BYTES:  # 100 MB froze the board for half a minute
            size = f"{info.st_size / 1_048_576:.1f} MB"
            return Settings(problem=f"{path}: {size}, not a few lines; using the defaults")
        # utf-8-sig: a byte-order mark, as some Windows editors save, was "not TOML (Invalid
        # statement (at line 1, column 1))" (a trial)
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        return Settings(problem=f"{path}: cannot be read ({error}); using the defaults")
    import tomllib  # only when there is a file: compiling its patterns costs ~30 ms at start

    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Settings(problem=f"{path}: not TOML ({error}); using the defaults")
    settings, wrong = _checked(values)
    if wrong:  # said, and the file then never rewritten: the person's values are in it
        names = " and ".join(wrong)
        verb, its = ("has", "its default is") if len(wrong) == 1 else ("have", "their defaults are")
        problem = f"{path}: {names} {verb} the wrong type; {its} used"
        return replace(settings, problem=problem)
    return settings


def save_settings(path: Path, settings: Settings, only: str | None = None) -> str | None:
    """Remember the settings pdca changes itself (the theme), keeping the rest of the file as
    the person wrote it: their ``[keys]`` table, comments and order. Failure is not fatal:
    it is returned in words (None when saved, or nothing to save), for the app to say once.
    A file pdca could not use (``settings.problem``) is never rewritten: the person's other
    values are in it, and mending it is theirs. ``only``: the one setting just changed
    (``theme`` or ``compact_cards``), the others' lines left as the file has them now: a
    second board's z wrote back the theme it had read at start, over the one just picked in
    the first (a trial)."""
    if settings.problem is not None:
        return None
    # Through a link to the file (a dotfiles folder's): replaced, the link became a file of
    # its own, and the dotfiles' copy no longer applied (a trial)
    path = Path(os.path.realpath(path))
    with _saving_alone(path.parent):
        return _save(path, settings, only)


@contextlib.contextmanager
def _saving_alone(folder: Path) -> Iterator[None]:
    """One save at a time in ``folder`` (the settings file's, not the database's): two
    boards that read the file at once each wrote their line over the other's (a review)."""
    import fcntl

    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # not there yet, or closed to us: the save says what it meets
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # and the lock with it


def _save(path: Path, settings: Settings, only: str | None) -> str | None:
    try:
        info = path.stat()
        if info.st_size > SETTINGS_MOST_BYTES:  # grown so while open: 50 MB froze each z
            return f"{path}: {info.st_size / 1_048_576:.1f} MB now, not a few lines"
        if not stat.S_ISREG(info.st_mode):
            # not a file pdca may replace; made so while the board was open, said (a trial)
            return f"{path}: not a plain file now"
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        # a file pdca cannot read is not one it may replace: said (chmod 000 while the board
        # was open went without a word, a trial)
        why = error.strerror if isinstance(error, OSError) else "not UTF-8"
        return f"{path}: cannot be read now ({why})"
    parsed = _value_of(text)
    if parsed is None:  # edited while pdca ran, and no TOML now: not "its theme line"
        return f"{path}: not TOML now; mend it to keep this"
    held = parsed
    theme_too = only in (None, "theme") and held.get("theme", DEFAULT_THEME) != settings.theme
    compact_too = only in (None, "compact_cards") and held.get("compact_cards", False) is not bool(
        settings.compact_cards
    )
    if not theme_too and not compact_too:
        return None  # as the file says already: left as it is (a quit rewrote it every time)
    # Each line written only when it says something: z wrote the default theme too, which
    # the person never chose, pinned for good (a new user).
    updated: str | None = text
    if theme_too and ("theme" in held or settings.theme != DEFAULT_THEME):
        updated = with_top_level(text, "theme", settings.theme)
    if updated is not None and compact_too and (settings.compact_cards or "compact_cards" in held):
        updated = with_top_level(updated, "compact_cards", settings.compact_cards)
    if updated is None:
        # Its line could not be set (a multi-line string holding a "theme =" line): left for
        # the person, and said; "saved" went on without a word (a retrial)
        return f"{path}: its theme or compact_cards line could not be set; set it by hand"
    text = updated
    why = someone_elses(path)
    if why is not None:
        # root run with ann's HOME replaced her settings with a file of root's (a tester)
        return f"{path}: {why}, not yours alone (HOME or XDG_CONFIG_HOME names it)"
    # Its own name: two boards saving at once wrote one settings.tmp, and the second's rename
    # found it gone ("No such file or directory", a trial)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        make_personal_folder(path.parent)
        temporary.write_text(text, encoding="utf-8")
        if (mode := personal_mode(0o666)) is not None:  # not the team folder's 0660
            temporary.chmod(mode)
        temporary.replace(path)
    except OSError as error:
        # A full home left an empty settings.tmp behind, group-writable (a tester)
        with contextlib.suppress(OSError):
            temporary.unlink()
        # A read-only home must not stop the app; the choice holds until it quits, and the
        # person is told it will not be remembered (it went without a word, a tester).
        return f"{path.parent}: {error.strerror}"
    return None


def _value_of(line: str) -> dict[str, object] | None:
    import tomllib

    try:
        return tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None


def _comment_of(line: str) -> str:
    """The ``  # comment`` after a ``key = value`` line's value ("" if none): the first ``#``
    before which the line is a whole TOML pair (a ``#`` inside a string is not one)."""
    for at, char in enumerate(line):
        if char == "#" and _value_of(line[:at]):
            return " " * (len(line[:at]) - len(line[:at].rstrip())) + line[at:]
    return ""


def with_top_level(text: str, key: str, value: str | bool) -> str | None:
    """``text`` with its top-level ``key = ...`` line set to ``value`` (added before the first
    table if missing); ``None`` when ``text`` is not TOML, or the line could not be set."""
    import tomllib

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    line = f"{key} = {json.dumps(value)}"
    lines = text.splitlines()
    top = next((n for n, row in enumerate(lines) if row.lstrip().startswith("[")), len(lines))
    # The line by what it says, not how it is spelt: '"theme" = "nord"' (a quoted key, as
    # TOML allows) was not found, a second theme line made the file break, and the choice
    # went unremembered without a word (a trial)
    at = next((n for n in range(top) if key in (_value_of(lines[n]) or {})), None)
    if at is None:
        lines.insert(top, line)
    elif _value_of(lines[at]) != {key: value}:
        # A comment after the value stays (a tester's "# nice" went at every quit).
        lines[at] = line + _comment_of(lines[at])
    result = "\n".join(lines) + "\n"
    try:
        if tomllib.loads(result).get(key) == value:
            return result
    except tomllib.TOMLDecodeError:
        pass
    return None
