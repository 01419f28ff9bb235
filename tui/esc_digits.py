"""Esc and then a digit, read together within Textual's escape delay, are esc and the digit.

Textual's input parser maps ``ESC 3`` to "£" (what WezTerm on macOS sends for Option+3). In a
form's text field, esc then 3 typed quickly (over SSH the two often arrive in one read) saved
"£" in the title and left the form open (a tester). Without those entries the parser reads
``alt+3``, which the app takes as esc and 3 wherever the focus is, as it does esc and a
letter. A "£" typed as itself (its UTF-8 bytes) is still a "£".
"""

from __future__ import annotations

from typing import cast

from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

ESC_DIGIT_SEQUENCES = tuple(f"\x1b{digit}" for digit in "0123456789")


def read_esc_digits_as_keys() -> None:
    """Let Textual's parser read ``ESC digit`` as alt+digit (a private table: a test checks
    that the entries are there to remove in the Textual this runs on)."""
    table = cast("dict[str, object]", ANSI_SEQUENCES_KEYS)  # typed a Mapping; a dict at run
    for sequence in ESC_DIGIT_SEQUENCES:
        table.pop(sequence, None)
