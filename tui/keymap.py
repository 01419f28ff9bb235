"""The user's own keys: the ``[keys]`` table of settings.toml, checked before Textual sees it.

Textual's keymap (``App.set_keymap``) maps a binding id to keys and silently ignores an id it
does not know or a key no terminal sends; a person who typed ``view-bord = "b"`` would never
learn why nothing changed. So each entry is checked here, a bad one named in one line and
left out, and the good ones go to the app.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import Keys, _character_to_key, key_to_character
from textual.screen import ModalScreen, Screen

from pdca.db.plain import shown_value

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# Keys a terminal sends as the same byte as another: they arrive as that one, and a binding
# of them never fires (a tester's view-owners = "ctrl+m" opened cards as enter does).
SENT_AS = {
    "ctrl+m": "enter",
    "ctrl+i": "tab",
    "ctrl+h": "backspace",
    "ctrl+left_square_bracket": "escape",
    "ctrl+[": "escape",
}
NAMED_KEYS = frozenset(key.value for key in Keys)


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


def types_a_character(key: str) -> bool:
    """Whether ``key`` (Textual's form) types a character into a text field: ``s``, ``?``
    (``question_mark``), ``space``; not ``ctrl+s`` or ``f2``."""
    if "+" in key[1:]:
        return False
    character = key if len(key) == 1 else key_to_character(key)
    return character is not None and character.isprintable()


def taken_by_fields(key: str) -> bool:
    """Whether a form's text fields take ``key`` themselves: a character, or a key of
    theirs (backspace, the arrows, ctrl+k, tab to the next field). dialog-cancel on
    backspace deleted a letter, and no key left the form (a retrial)."""
    return types_a_character(key) or key in _fields_keys()


@functools.cache
def _fields_keys() -> frozenset[str]:
    """The keys Textual's text fields bind, and tab and shift+tab (the next field): worked
    out once, not for each key a keymap names."""
    from textual.widgets import Input, TextArea

    fields = [b for widget in (Input, TextArea) for b in widget.BINDINGS]
    own = {key for b in fields if isinstance(b, Binding) for key in b.key.split(",")}
    return frozenset(own | {"tab", "shift+tab"})


def form_binding_ids() -> frozenset[str]:
    """The ids of the bindings live in a form (a dialog whose fields take typed keys) that
    work while typing (ctrl+s, esc, f1): a character key there is typed into the field, not
    a binding's. Not the check-in's digits, which pick a status from its status row."""
    from pdca.screens import dialogs
    from pdca.screens.dialogs.base import Dialog

    for info in pkgutil.walk_packages(dialogs.__path__, dialogs.__name__ + "."):
        importlib.import_module(info.name)  # every dialog, its class known as a subclass
    found: set[str] = set()
    classes: list[type] = [Dialog]
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        if not getattr(cls, "TYPES_IN", False):
            continue
        found.update(
            binding.id
            for binding in live_bindings(cls)
            if binding.id and not any(map(types_a_character, binding.key.split(",")))
        )
    return frozenset(found)


def cannot_arrive(key: str) -> str | None:
    """Why ``key`` (Textual's form) never reaches a binding, though Textual names it; else
    None. Terminals send a shifted letter as the capital, ctrl+shift+x as ctrl+x, ctrl+space
    as ctrl+@, and most send a ctrl+digit as the digit; meta, super and hyper they do not
    send; and pdca reads alt+key as esc then the key (an esc typed just before a key)."""
    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    if not modifiers:
        character = name if len(name) == 1 else key_to_character(name)
        if character is not None and unicodedata.category(character) == "So":
            return "names a symbol, not a key on a keyboard"  # "banana" is 🍌 to Textual
        return None
    if set(modifiers) & {"meta", "super", "hyper"}:
        return "is not sent by terminals"
    if "alt" in modifiers:
        return "reaches pdca as esc, then the key (as an esc typed just before it)"
    single = name if len(name) == 1 else key_to_character(name)
    if single is not None and not (single.isprintable() and not single.isspace()):
        single = None  # tab, enter: shift+tab is a key of its own (back tab)
    if modifiers == ["shift"] and name == "space":  # a space: typed into a field too
        return "arrives as 'space' in most terminals: give that"
    if modifiers == ["shift"] and single is not None:
        capital = single.upper()
        return (
            f"arrives as {capital!r}: give that"
            if single.isalpha()
            else "arrives as the character the shift makes: give that"
        )
    if "ctrl" in modifiers and "shift" in modifiers and single is not None:
        return f"arrives as 'ctrl+{single.lower()}' in most terminals: give that"
    if modifiers == ["ctrl"] and (name == "space" or (single or "").isdigit()):
        return "is not sent as itself by most terminals"
    return None


Scope = list[Binding]  # bindings that are live together: one screen or widget, and the app's


def check_keymap(entries: object, scopes: Sequence[Scope]) -> CheckedKeymap:
    """Keep the entries that name a binding pdca has, keys a terminal can send, and no key
    another binding already answers to where both are live (the later entry loses)."""
    known = {binding.id for scope in scopes for binding in scope if binding.id}
    typed_in = form_binding_ids()
    keymap: dict[str, str] = {}
    problems: list[str] = []
    if not isinstance(entries, Mapping):
        return CheckedKeymap({}, ['keys: write them as a [keys] table of id = "keys"; ignored'])
    for binding_id, value in entries.items():
        where = f"[keys] {shown_value(binding_id)}"
        if binding_id not in known:
            problems.append(f"{where}: no such key binding id (the README lists them); ignored")
            continue
        if not isinstance(value, str):
            problems.append(f'{where}: give the keys as text, e.g. "ctrl+b" or "b,f2"; ignored')
            continue
        pieces = [piece.strip() for piece in value.split(",")]
        if not any(pieces):  # "" or ",,,": text, naming no key (a tester)
            problems.append(f'{where}: names no key; give one, e.g. "ctrl+b" or "b,f2"; ignored')
            continue
        if not all(pieces):
            problems.append(
                f"{where}: an empty key between commas in {shown_value(value)}; ignored"
            )
            continue
        keys = [_textual_key(piece) for piece in pieces]
        # as the person wrote each: "?", not "question_mark" (a retrial)
        written = dict(zip(keys, pieces, strict=True))
        unknown = [key for key in keys if not known_key(key)]
        if unknown:
            problems.append(
                f"{where}: {shown_value(unknown[0])} is not a key a terminal sends; ignored"
            )
            continue
        # Left out alone: "ctrl+i,f3" keeps f3 (a tester lost both).
        problems.extend(
            f"{where}: {key!r} reaches pdca as {SENT_AS[key]} in most terminals (they send"
            " the two alike); left out"
            for key in keys
            if key in SENT_AS
        )
        keys = [key for key in keys if key not in SENT_AS]
        # Keys that arrive as another or not at all: accepted, shown in ? and the palette,
        # they never fired (a new user's shift+d, ctrl+space, alt+x, meta+k).
        arriving = [(key, cannot_arrive(key)) for key in keys]
        problems.extend(f"{where}: {key!r} {why}; left out" for key, why in arriving if why)
        keys = [key for key, why in arriving if not why]
        if binding_id in typed_in:
            # A form's save or cancel on a letter: the letter went into the title, and no key
            # saved or left the form (a trial)
            typed = [key for key in keys if taken_by_fields(key)]
            problems.extend(
                f"{where}: {written[key]!r} is taken by the form's fields (typed in, or"
                " moving in them); left out"
                for key in typed
            )
            keys = [key for key in keys if key not in typed]
        if not keys:
            continue
        keymap[binding_id] = ",".join(keys)
    return CheckedKeymap(*_without_clashes(scopes, keymap, problems))


def _without_clashes(
    scopes: Sequence[Scope], keymap: dict[str, str], problems: list[str]
) -> tuple[dict[str, str], list[str]]:
    """``keymap`` less each entry with a key another binding answers to where both are live,
    with that binding's keys as the whole table leaves them: two keys swapped (late-only on 3,
    the KPIs on L) were each refused for the other's old key (a retrial). Of two entries
    that want one key, the later loses; and so, once it is gone, does anything that clashes
    with the key it leaves its binding."""
    order = list(keymap)
    kept = dict(keymap)
    while True:
        for binding_id in [b for b in order if b in kept]:
            clash = _clash(scopes, kept, binding_id)
            if clash is None:
                continue
            key, other, other_id = clash
            if other_id in kept and order.index(other_id) > order.index(binding_id):
                continue  # the later of the two entries loses, at its turn
            where = f"[keys] {shown_value(binding_id)}"
            rest = [k for k in kept[binding_id].split(",") if _textual_key(k) != key]
            if rest:  # "L,3" with 3 taken keeps L: refused whole, both entries went (a retrial)
                kept[binding_id] = ",".join(rest)
                problems.append(f"{where}: {key!r} already does {other!r} there; left out")
            else:
                del kept[binding_id]
                problems.append(f"{where}: {key!r} already does {other!r} there; ignored")
            break  # the table changed: look again from its first entry
        else:
            return kept, problems


def moved_keys(scopes: Sequence[Scope], keymap: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Each key a binding answered to before ``keymap`` moved it, and the bindings moved off
    it: pressed, it did nothing without a word (a new lead pressed L after moving it)."""
    moved: dict[str, set[str]] = {}
    for scope in scopes:
        for binding in scope:
            if binding.id is None or binding.id not in keymap:
                continue
            now = keys_of(binding, keymap)
            for key in {_textual_key(piece.strip()) for piece in binding.key.split(",")} - now:
                moved.setdefault(key, set()).add(binding.id)
    return {key: frozenset(ids) for key, ids in moved.items()}


def _textual_key(key: str) -> str:
    """A key as Textual names it: ``?`` is ``question_mark``; ``F1`` and ``Ctrl+K`` are
    lower case (a single letter keeps its case: ``G`` is shift+g)."""
    return _character_to_key(key) if len(key) == 1 else key.lower()


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> set[str]:
    """The keys ``binding`` answers to with ``keymap`` applied, as Textual names them."""
    keys = keymap.get(binding.id or "", binding.key)
    return {_textual_key(key.strip()) for key in keys.split(",")}


def _clash(
    scopes: Sequence[Scope], keymap: Mapping[str, str], changed: str
) -> tuple[str, str, str | None] | None:
    """A key of ``changed`` that another binding live beside it also answers to: the key,
    that binding as said, and its id."""
    for scope in scopes:
        mine = [b for b in scope if b.id == changed]
        if not mine:
            continue
        taken = set().union(*(keys_of(b, keymap) for b in mine))
        actions = {b.action for b in mine}  # Textual's own ctrl+q quits too: no clash
        for other in scope:
            if other.id != changed and other.description and other.action not in actions:
                shared = taken & keys_of(other, keymap)
                if shared:
                    return min(shared), other.id or other.description, other.id
    return None


def class_bindings(cls: type) -> list[BindingType]:
    """A class's bindings with those it inherits (Textual merges them the same way)."""
    return [binding for klass in cls.__mro__ for binding in vars(klass).get("BINDINGS", ())]


def live_bindings(cls: type) -> list[Binding]:
    """The bindings an instance of ``cls`` answers to. Textual merges a class's bindings with
    those it inherits, a key bound again lower down replacing the one above: a line list's
    ``down`` moves its cursor, and the scroll view's ``down`` it inherits is gone."""
    merged = getattr(cls, "_merged_bindings", None)
    if merged is None:
        return [b for b in class_bindings(cls) if isinstance(b, Binding)]
    return [binding for bindings in merged.key_to_bindings.values() for binding in bindings]


def binding_scopes(app_class: type) -> list[Scope]:
    """For each screen and widget pdca defines, its bindings with the app's (live everywhere);
    for a screen, with those of the widgets its module uses too. A focused list's keys come
    first there: a board-new moved onto "g" was taken by the column's g (first card), and no
    key made a new action any more (a tester)."""
    import sys

    from pdca import screens, widgets

    app = live_bindings(app_class)
    if getattr(app_class, "ENABLE_COMMAND_PALETTE", False):
        # Textual binds ctrl+p to its palette as the app starts, in no BINDINGS: a card-up
        # moved onto "k,ctrl+p" was dropped without a word (a power user).
        palette_key = app_class.COMMAND_PALETTE_BINDING  # type: ignore[attr-defined]
        app = [*app, Binding(palette_key, "command_palette", "palette")]
    classes: list[type] = []
    for package in (widgets, screens):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            classes += [
                value
                for value in vars(module).values()
                if isinstance(value, type) and value.__module__ == module.__name__
            ]
    owning = [cls for cls in classes if any(b.id for b in live_bindings(cls))]
    keyed_widgets = [cls for cls in owning if not issubclass(cls, Screen)]
    scopes = [app]
    for cls in owning:
        own = live_bindings(cls)
        if issubclass(cls, Screen):
            used = [
                value
                for klass in cls.__mro__  # its screens' modules: a mixin's holds no widget
                if issubclass(klass, Screen) and klass.__module__.startswith("pdca.")
                for value in vars(sys.modules[klass.__module__]).values()
            ]
            for widget in keyed_widgets:
                if any(value is widget for value in used):
                    own = own + live_bindings(widget)
        # A dialog cuts the app's keys off (Textual's modal binding chain): its "1" (on
        # track) and the app's "1" (board) never meet; its list's keys do (the alerts'
        # my-alerts-ack = "j" was taken, a reviewer).
        scopes.append(own if issubclass(cls, ModalScreen) else own + app)
    return scopes


def known_binding_ids(app_class: type) -> set[str]:
    """Every binding id pdca defines: the app's, and those of every screen and widget."""
    return {b.id for scope in binding_scopes(app_class) for b in scope if b.id}


def key_for(
    binding_id: str, bindings: Iterable[BindingType], keymap: Mapping[str, str]
) -> Binding | None:
    """The key that runs binding ``binding_id`` now: the first of the person's keys for it
    when the keymap remaps it, else the binding's own first key (with its own display).
    None when no binding of ``bindings`` has that id."""
    for binding in bindings:
        if isinstance(binding, Binding) and binding.id == binding_id:
            if binding_id in keymap:
                first = keymap[binding_id].split(",")[0].strip()
                return Binding(first, binding.description)
            first = binding.key.split(",")[0].strip()
            return Binding(first, binding.description, key_display=binding.key_display)
    return None


# The board's keys that open a form whose text follows them at once
FORM_KEY_IDS = ("board-new", "board-edit", "board-checkin")


def form_keys(keymap: Mapping[str, str]) -> frozenset[str]:
    """The keys of the board's ``FORM_KEY_IDS`` with ``keymap`` applied, and their own keys
    that ``keymap`` moved them off: a check-in moved to n, "cu" typed from habit ran u,
    which undid the check-in (a retrial)."""
    from pdca.screens.board import BoardScreen

    found = [b for b in live_bindings(BoardScreen) if b.id in FORM_KEY_IDS]
    return frozenset(
        key for binding in found for key in keys_of(binding, keymap) | keys_of(binding, {})
    )
