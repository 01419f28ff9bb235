"""Words in a title that are another tool's fields: Taskwarrior's ``due:fri``, ``+urgent``,
``project:web``, ``priority:H``.

``pdca add "Fix login due:fri +urgent"`` kept them as the title's words, and the action had
no due date, without a word (a Taskwarrior user's trial). They stay the title as written (a
title may say "due:" for its own reasons), and are said, with what sets them here.
"""

from __future__ import annotations

import re

# key:value as Taskwarrior writes its attributes (and their short forms), and +tag, each a
# word of its own: "C++", "+1" and "10:30" are none of them.
_FIELD = re.compile(
    r"(?<!\S)(?:due|project|proj|pro|priority|pri|tags?|scheduled|sched|wait|until|recur"
    r"|depends|dep|status|assignee|owner|label|labels):\S+",
    re.IGNORECASE,
)
_TAG = re.compile(r"(?<!\S)\+[^\W\d_][\w-]*")


def fields_in_title(title: str) -> list[str]:
    """The words of ``title`` that look like another tool's fields, in the order written."""
    found = [(m.start(), m.group()) for m in _FIELD.finditer(title)]
    found += [(m.start(), m.group()) for m in _TAG.finditer(title)]
    return [word for _, word in sorted(found)]
