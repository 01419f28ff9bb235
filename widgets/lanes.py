"""The board's lanes side by side: they say when their width changes, which is what decides
one lane at a time or four. The screen's own size did not: the keys panel (``?``) docked
beside them at 120 columns left 60, where four lanes of 15 overflowed and the first was
drawn 56 wide with a sliver of the second (a trial's byte count found it)."""

from __future__ import annotations

from textual import events
from textual.containers import Horizontal
from textual.message import Message


class Lanes(Horizontal):
    class Resized(Message):
        """The lanes' width is now ``width`` cells."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized(event.size.width))
