"""The board's ``/`` text filter (and the store's ``ActionFilter.text``): words in a title or
its notes, and an id as people write one (``12`` or ``#12``)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pdca.db.models import ActionDraft
from pdca.db.store import ActionFilter, Store
from pdca.db.text_rules import FOLDS_TO_ASCII, search_key
from tests.conftest import NOW_DT


def _titles(store: Store, text: str) -> list[str]:
    return sorted(a.title for a in store.list_actions(ActionFilter(text=text)))


def test_an_id_finds_its_action_as_well_as_titles_that_hold_the_digits(store: Store) -> None:
    first = store.add_action(ActionDraft(title="Fix the pager"))
    store.add_action(ActionDraft(title="Cut build time", notes="see ticket 7"))
    store.add_action(ActionDraft(title="Review 1 alert rule"))
    assert _titles(store, f"#{first.id}") == ["Fix the pager"]
    assert _titles(store, f" {first.id} ") == ["Fix the pager", "Review 1 alert rule"]
    assert _titles(store, "7") == ["Cut build time"]  # in its notes; there is no #7


def test_words_match_titles_and_notes_whatever_their_case(store: Store) -> None:
    store.add_action(ActionDraft(title="Fix the PAGER"))
    store.add_action(ActionDraft(title="Cut build time", notes="the pager too"))
    assert _titles(store, "pager") == ["Cut build time", "Fix the PAGER"]
    assert _titles(store, "#x") == []


def test_an_owners_login_finds_their_actions(store: Store) -> None:
    """``/`` then ``frank`` found none of frank's cards (a tester): a login matches as a
    whole, in any case; part of one does not (``an`` would find dana's and ann's)."""
    store.add_action(ActionDraft(title="Fix the pager", owner="frank"))
    store.add_action(ActionDraft(title="Ask frank about it", owner="dana"))
    store.add_action(ActionDraft(title="Cut build time", owner="dana"))
    assert _titles(store, "Frank") == ["Ask frank about it", "Fix the pager"]
    assert _titles(store, "fran") == ["Ask frank about it"]


def test_each_word_is_looked_for_on_its_own_and_all_must_be_found(store: Store) -> None:
    """ "canary admin" found nothing in "Add a canary to the admin console" (a trial): each
    word anywhere, in the title, the notes or as the owner's login, all of them."""
    store.add_action(ActionDraft(title="Add a canary to the admin console", owner="heidi"))
    store.add_action(ActionDraft(title="Canary for checkout", owner="frank", notes="admin API"))
    store.add_action(ActionDraft(title="Admin audit", owner="frank"))
    assert _titles(store, "canary admin") == [
        "Add a canary to the admin console",
        "Canary for checkout",
    ]
    assert _titles(store, "admin  canary ") == _titles(store, "canary admin")
    assert _titles(store, "frank admin") == ["Admin audit", "Canary for checkout"]
    assert _titles(store, "canary zzz") == []
    ids = {a.title: a.id for a in store.list_actions(ActionFilter())}
    assert _titles(store, f"#{ids['Admin audit']} admin") == ["Admin audit"]
    whose = store.count_actions(ActionFilter(text="heidi canary"))
    assert sum(whose.values()) == 1


def test_several_ids_find_each_of_them(store: Store) -> None:
    """ "#12 #13" found nothing: every word had to match (a reviewer)."""
    first = store.add_action(ActionDraft(title="Fix the pager"))
    store.add_action(ActionDraft(title="Cut build time"))
    third = store.add_action(ActionDraft(title="Review alerts"))
    assert _titles(store, f"#{first.id} #{third.id}") == ["Fix the pager", "Review alerts"]
    # a title or notes naming one of them too, as one word naming it finds it
    store.add_action(ActionDraft(title="Follow-up of the pager", notes=f"see #{first.id}"))
    store.add_action(ActionDraft(title=f"After ＃{third.id}"))  # fullwidth: no "#" in it
    assert sorted(_titles(store, f"#{first.id} #{third.id}")) == [
        "Fix the pager", "Follow-up of the pager", "Review alerts"
    ]  # fmt: skip
    assert _titles(store, f"#{first.id}") == ["Fix the pager", "Follow-up of the pager"]
    # and other words besides: either id, with them (all of them found nothing, a retrial)
    assert sorted(_titles(store, f"#{first.id} #{third.id} pager")) == [
        "Fix the pager", "Follow-up of the pager"
    ]  # fmt: skip
    assert _titles(store, f"alerts #{first.id} #{third.id}") == ["Review alerts"]


def test_a_word_is_found_without_the_joiners_inside_it(store: Store) -> None:
    """Persian writes a zero-width non-joiner inside words: "فرمها" found no "فرم‌ها" (a
    retrial). What draws nothing is not looked for, in the text or in the search."""
    store.add_action(ActionDraft(title="بررسی فرم\u200cها"))
    assert _titles(store, "فرمها") == ["بررسی فرم\u200cها"]
    assert _titles(store, "فرم\u200cها") == ["بررسی فرم\u200cها"]


def test_an_emoji_is_found_with_or_without_its_variation_selector(store: Store) -> None:
    """ "❤️" as emoji pickers send it (with VS16) found "❤️ love" and not "❤ plain" (a
    retrial): the selector draws no letter of its own, on either side."""
    store.add_action(ActionDraft(title="\u2764\ufe0f love"))
    store.add_action(ActionDraft(title="\u2764 plain"))
    both = ["\u2764\ufe0f love", "\u2764 plain"]
    assert sorted(_titles(store, "\u2764\ufe0f")) == sorted(both)
    assert sorted(_titles(store, "\u2764")) == sorted(both)


def test_an_ascii_word_is_found_past_a_joiner_hidden_in_it(store: Store) -> None:
    """A title with a joiner between letters ("pay" U+200D "roll") showed escaped, and no
    "payroll" found it (a retrial)."""
    store.add_action(ActionDraft(title="Fix pay\u200droll export"))
    store.add_action(ActionDraft(title="Payment retry"))
    assert _titles(store, "payroll") == ["Fix pay\u200droll export"]
    assert _titles(store, "PAY") == ["Fix pay\u200droll export", "Payment retry"]


# The SQL's shortcuts (SQLite's own ``lower`` for ASCII, pdca's own only for text beyond
# ASCII) against the rule written in Python, whatever the text holds.
# ASCII, what folds to ASCII only in pdca's own (İ, the Kelvin sign, ß, a ligature, fullwidth
# letters), what draws nothing (joiners, a zero-width space, a soft hyphen), letters beyond
# ASCII, composed and not, and the Arabic and Persian yeh.
LETTERS = "aAbkKsS2 iIİı\u212a\u200b\u200d\u200f\u2060\ufeff\u00adÉé\u0301ßẞﬁＦｓ²™ü中يی"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_FOLDS_TO_ASCII = re.compile(f"[{FOLDS_TO_ASCII}]")


def found_in(word: str, text: str) -> bool:
    """The rule: an ASCII search (as pdca folds it) is looked for in the text lowered as
    SQLite lowers it, and, in text holding a letter that pdca's own folding turns into ASCII
    or drops, in the text as pdca folds it; any other search, in the text as pdca folds it."""
    key = search_key(word) or ""
    folded = search_key(text) or ""
    if key.isascii():
        special = _FOLDS_TO_ASCII.search(text) is not None
        return key in text.translate(_ASCII_LOWER) or (special and key in folded)
    return key in folded


_STORE: list[Store] = []


def _store() -> Store:
    if not _STORE:
        path = Path(tempfile.mkdtemp()) / "search.db"
        store = Store.open(path, actor="alice", clock=lambda: NOW_DT, create=True)
        store.add_action(ActionDraft(title="x"))
        _STORE.append(store)
    return _STORE[0]


@given(
    st.text(LETTERS, min_size=1, max_size=8),
    st.text(LETTERS, max_size=8),
    st.text(LETTERS.replace(" ", ""), min_size=1, max_size=3),
)
def test_a_word_is_found_where_the_rule_finds_it(title: str, notes: str, word: str) -> None:
    store = _store()
    store.conn.execute("UPDATE actions SET title = ?, notes = ?, owner = NULL", (title, notes))
    counted = sum(store.count_actions(ActionFilter(text=word)).values())
    assert counted == int(found_in(word, title) or found_in(word, notes)), (title, notes, word)


def test_every_character_that_folds_to_ascii_is_in_the_class_the_sql_looks_for() -> None:
    """The SQL looks into text beyond ASCII with pdca's own folding only where it holds one of
    ``FOLDS_TO_ASCII``: a character folding to ASCII left out of it (the compatible form's
    "²", "™" and 1 300 more, a reviewer) made a title match or not by its other letters."""
    import sys

    folds = _FOLDS_TO_ASCII
    for code in range(0x80, sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        letter = chr(code)
        key = search_key(letter) or ""
        changed = key != letter and (not key or any(c.isascii() for c in key))
        assert changed == (folds.fullmatch(letter) is not None), hex(code)


def test_turkish_dotless_i_is_found_by_an_i_in_either_case(store: Store) -> None:
    """ "ILIK" in capitals found no "ılık" (a global team's trial), where "ılık" did."""
    made = store.add_action(ActionDraft(title="İstanbul ofisi için ılık süreç"))
    for word in ("ILIK", "ilik", "ılık", "İLİK", "istanbul"):
        assert [a.id for a in store.list_actions(ActionFilter(text=word))] == [made.id], word


def test_an_id_finds_mentions_of_itself_not_of_longer_numbers(store: Store) -> None:
    """``#12`` found every title naming ``#123`` too (a lead's trial): a mention is the whole
    number, wherever it stands in the text."""
    for _ in range(12):
        store.add_action(ActionDraft(title="filler"))
    store.add_action(ActionDraft(title="Follow-up of #123"))
    store.add_action(ActionDraft(title="Same as #12, again", notes=""))
    store.add_action(ActionDraft(title="Retro", notes="see #12"))
    store.add_action(ActionDraft(title="Ticket #1234 too"))
    assert _titles(store, "#12") == ["Retro", "Same as #12, again", "filler"]  # #12 itself
    assert _titles(store, "#123") == ["Follow-up of #123"]
    # #13 is "Follow-up of #123" itself
    assert _titles(store, "#12 #13") == ["Follow-up of #123", "Retro", "Same as #12, again",
                                         "filler"]  # fmt: skip
    assert _titles(store, "12") == ["Follow-up of #123", "Retro", "Same as #12, again",
                                    "Ticket #1234 too", "filler"]  # fmt: skip
