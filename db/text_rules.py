"""Which characters of user text are never shown raw, and the visible escape shown instead.

User text is data (DESIGN rule 8). Two places draw it: the command line (``tui/output.py``)
and the app's widgets (``widgets/text.py``). They may not import each other (the command
line never loads Textual; widgets never reach into ``tui/``), so the one definition lives
here, beside db/'s other pure rules: it imports nothing and touches no SQLite.

- ``UNSAFE``: anything a terminal acts on or that reorders what is drawn around it: C0 and
  C1 controls and DEL (ANSI escapes start with one), the bidirectional embeddings, overrides
  and isolates (an override can make ``exe.txt`` read as ``txt.exe``; the direction marks,
  which reorder nothing of their own, are text), the line and paragraph separators, and lone
  surrogates (which cannot even be written as UTF-8). Shown escaped everywhere; the command
  line shows what hides in text escaped too (``SHOWN_ESCAPED``).
- ``UNSAFE_IN_CELLS``: ``UNSAFE`` plus what joins, modifies or hides inside a grapheme.
  Terminals disagree on how wide the sequences these make are (a ZWJ family is one 2-cell
  glyph to Rich and to kitty but four 2-cell emoji to tmux), so text drawn in fixed-width
  cells leaves out what glues emoji (the joiner, variation selectors, skin-tone modifiers,
  tag characters): every emoji then stands alone, at a width Rich and every terminal agree
  on, and a column border never moves. What hides text (zero-width spaces, the word joiner,
  a soft hyphen, a regional indicator without its pair) is shown escaped. Pairs of regional
  indicators (a flag) stay, two cells whichever way they are counted; so does the zero-width
  non-joiner, no cells to anyone, which Persian writes inside words.

An escape is what Python's ``repr`` shows for the character: ``\\x1b``, ``\\t``, ``\\u202e``,
``\\U000e0067``.
"""

from __future__ import annotations

import re
import unicodedata

from pdca.db.lazy_pattern import lazy_pattern

_CONTROLS = "\x00-\x09\x0b-\x1f\x7f-\x9f"  # every C0 and C1 control but the newline
_BIDI = "\u202a-\u202e\u2066-\u2069"  # the embeddings, overrides and isolates
# The implicit direction marks (ALM, LRM, RLM) reorder nothing of their own, and Arabic and
# Hebrew editors put them in as a matter of course: shown as they are, not as escapes (a
# Hebrew team's reports read "\u200f" in every title, a trial). They draw nothing, so a
# text of them alone shows nothing, and a name may not hold them (two names alike).
_MARKS = "\u061c\u200e\u200f"
_SEPARATORS = "\u2028\u2029"
_SURROGATES = "\ud800-\udfff"
_ALWAYS = _CONTROLS + _BIDI + _SEPARATORS + _SURROGATES
_INVISIBLE = (
    "\u00ad"  # soft hyphen: one cell to some terminals, none to others
    "\u180b-\u180f"  # Mongolian variation selectors and vowel separator
    "\u200b-\u200d"  # zero-width space, non-joiner, joiner
    "\u2060-\u2064"  # word joiner and the invisible operators
    "\ufe00-\ufe0f"  # variation selectors (VS16 makes ❤ two cells wide, or not)
    "\ufeff"  # zero-width no-break space (byte order mark)
    "\U0001f3fb-\U0001f3ff"  # emoji skin-tone modifiers
    "\U000e0000-\U000e007f"  # tag characters (subdivision flags)
    "\U000e0100-\U000e01ef"  # variation selectors supplement
)
_REGIONAL = "\U0001f1e6-\U0001f1ff"
# Of the invisible ones, what glues emoji into one glyph (a joiner, a selector, a skin tone, a
# subdivision flag's tags): in cells these are left out, each emoji drawn on its own ("👩🔧"),
# readable, at the width Rich and every terminal agree on. Shown as "\u200d" they read as
# noise in every emoji title (a newcomer). The non-joiner (U+200C) is drawn as it is: no
# cells to any terminal or to Rich, and Persian writes it inside words ("می‌خواهم").
_EMOJI_GLUE = "\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0000-\U000e007f\U000e0100-\U000e01ef"
# The tag characters (a subdivision flag's letters after 🏴), matched as one run: judged one
# at a time, each looked back over the run before it, and a note of 10 000 of them took 19 s
# to show (a reviewer)
_TAGS = "\U000e0000-\U000e007f"
_GLUE_BUT_TAGS = "\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0100-\U000e01ef"

_EMOJI_PIECE = lazy_pattern(f"[{_EMOJI_GLUE}]")

UNSAFE = lazy_pattern(f"[\n{_ALWAYS}]")
# What a web address or a command may not hold besides: a mark drawn as nothing there made
# two addresses look alike (a reviewer), as it did when it was in ``UNSAFE``.
UNSAFE_IN_AN_ADDRESS = lazy_pattern(f"[\n{_ALWAYS}{_MARKS}]")
UNSAFE_EXCEPT_NEWLINE = lazy_pattern(f"[{_ALWAYS}]")
# What the command line shows escaped: ``UNSAFE``, and what draws nothing and joins nothing a
# reader could see (a zero-width space, the word joiner, a soft hyphen, a byte order mark):
# two titles, one with such a character in it, read as one (a trial). Shown only: text that
# holds them is taken as before. The joiner (U+200D) glues emoji, which the command line
# draws whole; the zero-width space pdca puts after an @ (``no_mentions``) stays unseen.
_HIDDEN = "\u00ad\u180e\u2060-\u2064\ufeff"
# What glues emoji (a joiner, a selector, a skin tone, a tag) is drawn as it is inside an
# emoji, and escaped elsewhere as the app's cells escape it: "a\u200db" and a tag character
# after a letter printed as nothing, where the board showed "\u200d" (a trial).
_KEPT_GLUE = f"(?P<kept_tags>[{_TAGS}]+)|(?P<kept_glue>[{_GLUE_BUT_TAGS}])"
SHOWN_ESCAPED = lazy_pattern(f"{_KEPT_GLUE}|[\n{_ALWAYS}{_HIDDEN}]|(?<!@)\u200b")
SHOWN_ESCAPED_EXCEPT_NEWLINE = lazy_pattern(f"{_KEPT_GLUE}|[{_ALWAYS}{_HIDDEN}]|(?<!@)\u200b")
# A regional-indicator pair matches first (and is kept); one left over is escaped.
_GLUE = f"(?P<flag>[{_REGIONAL}]{{2}})|(?P<tags>[{_TAGS}]+)|(?P<glue>[{_GLUE_BUT_TAGS}])"
UNSAFE_IN_CELLS = lazy_pattern(f"{_GLUE}|(?!\u200c)[\n{_ALWAYS}{_INVISIBLE}{_REGIONAL}]")
UNSAFE_IN_CELLS_EXCEPT_NEWLINE = lazy_pattern(
    f"{_GLUE}|(?!\u200c)[{_ALWAYS}{_INVISIBLE}{_REGIONAL}]"
)

_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# What a required text may not consist of alone: blanks, controls, bidirectional controls and
# the invisible characters. A tester's titles of nothing but U+200B, U+202E or ESC were taken
# (NBSP or U+3000 alone were refused as empty): each is a card that reads as nothing.
# Also the fillers and blanks that are letters to Unicode but draw nothing (a reviewer's
# titles of U+3164 or U+2800 alone).
_BLANK_LETTERS = "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"
_NOTHING_SHOWN = lazy_pattern(f"[\\s{_ALWAYS}{_MARKS}{_INVISIBLE}{_BLANK_LETTERS}]+")


# What a name (a KPI's, an initiative's) may not hold anywhere: the zero-width characters
# that make two names look the same where text is printed as it is (a tester's "Café" and
# "Café\u200b" were two KPIs that ``kpi list`` showed alike). Controls and bidirectional
# controls are always shown as escapes, so they cannot hide; the joiner and the variation
# selectors stay: emoji are made of them.
# Nor, since names are drawn in cells, what the app shows escaped there (``UNSAFE_IN_CELLS``):
# a joiner, a skin tone, a tag character (U+E0020 after "Lead time" listed as a second
# "Lead time"), a lone regional indicator; nor U+034F, a blank letter (a tester). The emoji
# presentation selectors are not refused but dropped (``as_stored``): an emoji keyboard puts
# U+FE0F after ❤, and the name means the same without it.
_PRESENTATION = lazy_pattern("[\ufe0e\ufe0f]")
_LOOKALIKE_MAKERS = lazy_pattern(
    f"(?P<flag>[{_REGIONAL}]{{2}})|[\u034f{_MARKS}{_INVISIBLE}{_REGIONAL}]"
)
# Nor what is shown as an escape: a name holding ESC was listed as "ctl\x07name", and the
# name typed as shown was another (the backslash, x, 0, 7), so no command or field found it
# (a tester). A title may hold them (shown escaped); a name is typed to be found.
_SHOWN_AS_ESCAPES = lazy_pattern(f"[\n{_ALWAYS}]")


def as_stored(name: str) -> str:
    """A KPI or initiative name in the form new names are kept: without end blanks, in
    Unicode's composed form ("Cafe" + U+0301 is "Café"). Lookups of a name as typed try it
    too (a reviewer's decomposed name was refused as unknown, "did you mean" the same)."""
    import unicodedata

    return unicodedata.normalize("NFC", _PRESENTATION.sub("", name).strip())


# Cyrillic and Greek letters drawn as Latin ones (in either case, compared lower-cased):
# "Cаfé" with a Cyrillic а was a second initiative that listed as "Café" (a tester).
_LOOKS_LATIN = str.maketrans(
    "аеорсухіјѕԁһӏԛԝвнкмтαβεζηικμνορτυχϲϳ",
    "aeopcyxijsdhlqwbhkmtabezhikmnoptyxcj",
)


# What draws nothing in a word (joiners, a zero-width space, a soft hyphen, the direction
# marks and isolates, the grapheme joiner, variation selectors): left out. "❤️" as emoji
# pickers send it (with VS16) found no "❤" typed plain (a retrial).
_UNSEEN_IN_SEARCH = lazy_pattern(
    "[\u00ad\u034f\u200b-\u200f\u2060\u2066-\u2069\ufe00-\ufe0f\ufeff\U000e0100-\U000e01ef]"
)
# The letters Arabic keyboards type where Persian writes its own (yeh, kaf): "هفتگي" found no
# "هفتگی" (a retrial). Not alef maksura, a letter of its own in Arabic (a reviewer).
_PERSIAN_LETTERS = str.maketrans("\u064a\u0643", "\u06cc\u06a9")
# The characters whose search key holds ASCII SQLite's lower() does not give them (or that the
# key leaves out): a search in ASCII looks into text holding one with the key itself
# ("strasse" in "Straße", "fi" in a ligature, "istanbul" in "İstanbul", a joiner). Every one
# there is (a test reads each code point), and only these: a class read for each character.
FOLDS_TO_ASCII = (
    "\u00ad\u00df\u0130\u0131\u0149\u017f\u01f0\u034f\u037e\u1e96-\u1e9a\u1e9e\u1fef"
    "\u200b-\u200f\u2060\u2066-\u2069\u212a\ufb00-\ufb06\ufe00-\ufe0f\ufeff"
    "\U000e0100-\U000e01ef"
)


def search_key(text: str | None) -> str | None:
    """How a search and the text searched are compared: case folded, in Unicode's composed
    form. SQLite's ``lower`` changes ASCII letters only: "Über" found nothing in
    "Überprüfung", nor "café" in a title typed with a combining accent (a tester), nor
    "istanbul" "İstanbul"; nor "STRASSE" "Straße", "finance" a ligature's "ﬁnance" (a
    retrial). Not the compatible form: "m²" and "CO₂" as typed found their titles no more,
    and "™" any "tm" (a reviewer)."""
    import unicodedata

    if text is None:
        return None
    # "İ" folds to "i" and a combining dot, which "istanbul" never matched (a tester); the
    # joiners and the zero-width space draw nothing: "فرمها" found no "فرم‌ها" (a retrial)
    # Turkish's dotless ı is i's: "ILIK" in capitals found no "ılık" (a global team's trial)
    folded = unicodedata.normalize("NFC", text).casefold().replace("i\u0307", "i")
    folded = folded.replace("\u0131", "i")
    return _UNSEEN_IN_SEARCH.sub("", folded.translate(_PERSIAN_LETTERS))


def name_key(name: str) -> str:
    """How two KPI or initiative names are compared: ``as_stored``, in lower case, letters
    that look Latin read as the Latin ones, every run of blanks (a no-break space, two
    spaces) as one space: "A\u00a0B" and "A  B" beside "A B" listed alike (a tester). Not
    casefold: that makes "Maße" and "Masse" one name."""
    lowered = as_stored(name).lower().replace("i\u0307", "i")  # "İ": as search_key says
    return " ".join(lowered.translate(_LOOKS_LATIN).split())


# What builds an emoji (a joiner, a selector, a skin tone, a flag's letters and tags): a
# name may have held them before new names were refused them, and an import of its file's
# export takes them still (a file's round trip through export and import must hold).
_EMOJI_PARTS = lazy_pattern(
    "[\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0000-\U000e007f"
    f"\U000e0100-\U000e01ef{_REGIONAL}]"
)


def lookalike_maker(text: str, *, emoji_parts: bool = False) -> str | None:
    """The first character of ``text`` that would let a name look like another, or None;
    with ``emoji_parts``, those that build an emoji are let be (an imported name)."""
    for found in _LOOKALIKE_MAKERS.finditer(_PRESENTATION.sub("", text)):
        if found.group("flag") is not None:  # a flag's pair draws as one, everywhere
            continue
        if emoji_parts and _EMOJI_PARTS.fullmatch(found.group()):
            continue
        return found.group()
    return None


def escaped_in(text: str) -> str | None:
    """The first character of ``text`` that pdca shows as an escape (a control, a newline, a
    bidirectional control), or None."""
    found = _SHOWN_AS_ESCAPES.search(text)
    return found.group() if found else None


# A terminal's control sequences (CSI, OSC, and ESC with one character), which say nothing
# to a reader: a note of "\x1b[2J" counted as saying what was done (a tester).
_TERMINAL_SEQUENCE = lazy_pattern(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]"
)


def shows_nothing(text: str) -> bool:
    """Whether ``text`` would show nothing a person can read: blanks, controls, a terminal's
    control sequences, invisible characters, combining marks with nothing to mark (a tester's
    title of two accents), or nothing at all."""
    rest = _NOTHING_SHOWN.sub("", _TERMINAL_SEQUENCE.sub("", text))
    return all(unicodedata.category(char) in ("Mn", "Me") for char in rest)


def visible(char: str) -> str:
    """The escape shown for one character: ``\\x1b``, ``\\n``, ``\\u202e``, ``\\U000e0067``."""
    if char in _SHORT:
        return _SHORT[char]
    point = ord(char)
    if point < 0x100:
        return f"\\x{point:02x}"
    if point < 0x10000:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def _shown(match: re.Match[str]) -> str:
    group = match.lastgroup
    if group == "flag":
        return match.group()
    if group in ("tags", "kept_tags"):  # a run of tags: a subdivision flag's, after 🏴
        start = match.start()
        if start and match.string[start - 1] == _TAG_FLAG:
            return "" if group == "tags" else match.group()
        return "".join(map(visible, match.group()))
    if group == "glue" and _glues_emoji(match):
        return ""
    if group == "kept_glue" and _glues_emoji(match):
        return match.group()
    return visible(match.group())


_TAG_FLAG = "\U0001f3f4"  # the black flag a subdivision's tags follow
# What an emoji's presentation selector may follow besides a symbol: keycaps' bases, and the
# emoji Unicode files under punctuation or letters (‼ ⁉ 〰 〽 ℹ)
_EMOJI_BASES_BUT_SYMBOLS = "#*0123456789\u203c\u2049\u3030\u303d\u2139"


def _glues_emoji(match: re.Match[str]) -> bool:
    """Whether the joiner, selector, skin tone or tag ``match`` holds is part of an emoji (left
    out), not one hidden between letters: "pay\u200droll" showed as "payroll", which no
    search found (a reviewer); that one is shown escaped, as a zero-width space is."""
    text, start, end = match.string, match.start(), match.end()
    char = match.group()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""

    def emoji(c: str) -> bool:  # an emoji, or a piece of one left out before it
        return bool(c) and (unicodedata.category(c) == "So" or bool(_EMOJI_PIECE.match(c)))

    if char == "\u200d":
        return emoji(before) and emoji(after)
    if "\ufe00" <= char <= "\ufe0f":
        # An emoji's base is a symbol, but not always of Unicode's "So": ↔ and ◼ are math
        # (Sm), ‼ ⁉ 〰 〽 punctuation, ℹ a letter; "ℹ\ufe0f" was printed with its escape
        # (a reviewer). Not any punctuation: "deploy.\ufe0f" read as "deploy." (a review).
        # A keycap's base is a digit, # or *.
        return emoji(before) or (
            before != ""
            and (before in _EMOJI_BASES_BUT_SYMBOLS or unicodedata.category(before) == "Sm")
        )
    return emoji(before) or (before != "" and unicodedata.category(before) == "Lo")


def escape(text: str, pattern: re.Pattern[str] = UNSAFE) -> str:
    """``text`` with every character ``pattern`` matches shown as its escape. A value that
    is not text (bytes put in a title by hand, past the schema's checks) is shown as what it
    holds, never a crash of what shows it (the stand-up and the report crashed, a tester)."""
    if not isinstance(text, str):
        text = f"{text!r} (not text: changed outside pdca)"
    return pattern.sub(_shown, text)


# @here, @dana, _@here_ (italic in Markdown: a reviewer), .@channel (Mattermost trims
# ":.-_" before a mention: a tester); not an address (a@b.c, a.b@c.d: a letter before the @)
_MENTION = lazy_pattern(r"(?<![^\W_])@(?=\w)")


def no_mentions(text: str) -> str:
    """``@here``, ``@dana`` in user text pinged the channel or the person from a chat post (a
    tester): a zero-width space after the ``@``, drawn as nothing, breaks each."""
    return _MENTION.sub("@\u200b", text)
