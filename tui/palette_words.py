"""The command palette's search, by a command's help words as well as its title."""

from __future__ import annotations

import re

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

# A help's match ranks under any title's: the title is what the person named.
HELP_WEIGHT = 0.5
# The title's words, split other than the fuzzy match splits ("check-in" for "Check in"),
# rank over a help's: "Open action" says "check-ins" too.
TITLE_WORDS_WEIGHT = 0.9


def help_matches(query: str, help_text: str) -> bool:
    """Every word of ``query`` starts a word of ``help_text`` (case aside): "add" finds "Add
    an action to Plan". Not Textual's fuzzy match, whose letters in order would find "add"
    in nearly every sentence."""
    words = [word.casefold() for word in re.findall(r"\w+", help_text)]
    # "check-in" is two words, as "Check in" is: split on anything not a word character
    wanted = [word.casefold() for word in re.findall(r"\w+", query)]
    return bool(wanted) and all(any(w.startswith(q) for w in words) for q in wanted)


class CommandsByWords(SystemCommandsProvider):
    """pdca's commands found by title, then by the words of their help: "add" found nothing,
    though "New action" says "Add an action to Plan" (a new lead's first word)."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
            elif help_matches(query, name):
                yield Hit(TITLE_WORDS_WEIGHT, name, callback, help=help_text)
            elif help_matches(query, help_text):
                yield Hit(HELP_WEIGHT, name, callback, help=help_text)
