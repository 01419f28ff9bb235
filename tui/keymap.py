"""The user's own keys: the ``[keys]`` table of settings.toml, checked before Textual sees it.

Textual's keymap (``App.set_keymap``) maps a binding id to keys and silently ignores an id it
does not know or a key no terminal sends; a person who typed ``view-bord = "b"`` would never
learn why nothing changed. So each entry is checked here, a bad one named in one line and
left out, and the good ones go to the app.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import Keys, _character_to_key, key_to_character

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(key.value for key in Keys)
# A trailing "(k)" in a palette entry's help names the key that does the same thing.
KEY_IN_HELP = re.compile(r"\(([^()]+)\)$")


@dataclass(frozen=True)
class CheckedKeymap:
    keymap: dict[str, str]  # binding id -> keys, in Textual's long form
    problems: list[str]  # one line per entry left out


def known_key(key: str) -> bool:
    """Whether a terminal can send ``key`` (``j``, ``?``, ``ctrl+k``, ``f5``, ``question_mark``)."""
    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    if not name or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    return name in NAMED_KEYS or key_to_character(name) is not None


def check_keymap(entries: object, known_ids: Iterable[str]) -> CheckedKeymap:
    """Keep the entries that name a binding pdca has and keys a terminal can send."""
    known = set(known_ids)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    if not isinstance(entries, Mapping):
        return CheckedKeymap({}, ['keys: write them as a [keys] table of id = "keys"; ignored'])
    for binding_id, value in entries.items():
        where = f"[keys] {binding_id!r}"
        if binding_id not in known:
            problems.append(f"{where}: no such key binding id (the README lists them); ignored")
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f'{where}: give the keys as text, e.g. "ctrl+b" or "b,f2"; ignored')
            continue
        keys = [
            _character_to_key(part) if len(part) == 1 else part
            for part in (piece.strip() for piece in value.split(","))
        ]
        unknown = [key for key in keys if not known_key(key)]
        if unknown:
            problems.append(f"{where}: {unknown[0]!r} is not a key a terminal sends; ignored")
            continue
        keymap[binding_id] = ",".join(keys)
    return CheckedKeymap(keymap, problems)


def class_bindings(cls: type) -> list[BindingType]:
    """A class's bindings with those it inherits (Textual merges them the same way)."""
    return [binding for klass in cls.__mro__ for binding in vars(klass).get("BINDINGS", ())]


def known_binding_ids(app_class: type) -> set[str]:
    """Every binding id pdca defines: the app's, and those of every screen and widget."""
    import screens
    import widgets

    ids = {b.id for b in class_bindings(app_class) if isinstance(b, Binding) and b.id}
    for package in (screens, widgets):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if isinstance(value, type) and value.__module__ == module.__name__:
                    bindings = class_bindings(value)
                    ids |= {b.id for b in bindings if isinstance(b, Binding) and b.id}
    return ids


def remapped_help(
    help_text: str,
    bindings: Iterable[BindingType],
    keymap: Mapping[str, str],
    display: Callable[[Binding], str],
) -> str:
    """A palette help ending in a binding's default key, ending in its remapped key instead."""
    match = KEY_IN_HELP.search(help_text)
    if not match or not keymap:
        return help_text
    for binding in bindings:
        if not isinstance(binding, Binding) or binding.id is None or binding.id not in keymap:
            continue
        if match.group(1) in (binding.key, display(binding)):
            first = keymap[binding.id].split(",")[0]
            shown = display(Binding(first, binding.description))
            return help_text[: match.start()] + f"({shown})"
    return help_text
