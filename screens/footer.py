"""The footer of keys, mounted a frame after a view's first paint.

Textual's Footer is a widget per key; composing twenty of them costs a view's first paint
about as much as reading its data. Mounted right after, the keys appear a frame later.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


def footer_after_first_paint(screen: Screen) -> None:
    """Call from ``on_mount``."""
    screen.call_after_refresh(_mount_footer, screen)


async def _mount_footer(screen: Screen) -> None:
    if screen.is_attached and not screen.query(Footer):
        await screen.mount(Footer())
        screen.refresh_bindings()  # a footer draws its keys when the bindings are published
