"""The board's ``/`` text filter (and the store's ``ActionFilter.text``): words in a title or
its notes, and an id as people write one (``12`` or ``#12``)."""

from __future__ import annotations

from pdca.db.models import ActionDraft
from pdca.db.store import ActionFilter, Store


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


def test_a_word_is_found_without_the_joiners_inside_it(store: Store) -> None:
    """Persian writes a zero-width non-joiner inside words: "فرمها" found no "فرم‌ها" (a
    retrial). What draws nothing is not looked for, in the text or in the search."""
    store.add_action(ActionDraft(title="بررسی فرم\u200cها"))
    assert _titles(store, "فرمها") == ["بررسی فرم\u200cها"]
    assert _titles(store, "فرم\u200cها") == ["بررسی فرم\u200cها"]


def test_an_ascii_word_is_found_past_a_joiner_hidden_in_it(store: Store) -> None:
    """A title with a joiner between letters ("pay" U+200D "roll") showed escaped, and no
    "payroll" found it (a retrial)."""
    store.add_action(ActionDraft(title="Fix pay\u200droll export"))
    store.add_action(ActionDraft(title="Payment retry"))
    assert _titles(store, "payroll") == ["Fix pay\u200droll export"]
    assert _titles(store, "PAY") == ["Fix pay\u200droll export", "Payment retry"]
