"""pdca's notification messages as a board shows them: with the keys that do what their
command-line hints say, and times as the app writes them.

The messages are made once for every channel (a terminal, a chat webhook, a mail), so they
name commands; on the board a new lead read "pdca edit 2 --due DATE" and
"acknowledge by 2026-11-29T08:30:00Z: pdca alerts ack 2 MESSAGE" where a key would do it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pdca.db.dates import minutes_utc_in

# (the hint at a message's end, the binding whose key does it, its default, the words)
_HINTS: list[tuple[re.Pattern[str], str, str, str]] = [
    (
        re.compile(r"pdca alerts ack (\d+) MESSAGE$"),
        "app-my-alerts",
        "!",
        "{key} lists the alerts waiting for you, a acknowledges",
    ),
    (
        re.compile(r"pdca edit (\d+) --due DATE$"),
        "board-edit",
        "e",
        "{done} or {key} on #{id} on the board",
    ),
    (re.compile(r"pdca checkin (\d+) MESSAGE$"), "board-checkin", "c", "{key} on #{id}"),
    (
        re.compile(r"pdca followup (\d+) holding\|slipped$"),
        "log-followup",
        "f",
        "{key} on it in the log (4)",
    ),
]


def as_the_board_says(text: str, key_named: Callable[[str, str], str]) -> str:
    """``text`` with its command hint said as keys (``key_named``: the person's own keys)
    and its stored times as ``2026-11-29 08:30 UTC``."""
    for pattern, binding, default, words in _HINTS:
        found = pattern.search(text)
        if found is not None:
            said = words.format(
                key=key_named(binding, default),
                done=key_named("board-done", "d"),  # "finish it" had no key (a retrial)
                id=found.group(1),
            )
            text = text[: found.start()] + said
            break
    return minutes_utc_in(text)
