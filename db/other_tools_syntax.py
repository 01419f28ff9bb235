"""Words in a title that are another tool's fields: Taskwarrior's ``due:fri``, ``+urgent``,
``project:web``, ``priority:H``.

``pdca add "Fix login due:fri +urgent"`` kept them as the title's words, and the action had
no due date, without a word (a Taskwarrior user's trial). They stay the title as written (a
title may say "due:" for its own reasons), and are said, with what sets them here.
"""

from __future__ import annotations

import re

# key:value as Taskwarrior writes the attributes pdca has options for (due, priority, the
# project an initiative is), and +tag, each a word of its own: "C++", "+1", "10:30",
# "owner:ship" and "tag:v1.2" are none of them (a reviewer: the note named options that do
# not set an owner or a status).
_FIELD = re.compile(r"(?<!\S)(?:due|project|proj|pro|priority|pri):\S+", re.IGNORECASE)
_TAG = re.compile(r"(?<!\S)\+[^\W\d_][\w-]*")


def fields_in_title(title: str) -> list[str]:
    """The words of ``title`` that look like another tool's fields, in the order written."""
    found = [(m.start(), m.group()) for m in _FIELD.finditer(title)]
    found += [(m.start(), m.group()) for m in _TAG.finditer(title)]
    return [word for _, word in sorted(found)]
