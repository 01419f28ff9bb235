"""The footer of keys, mounted a frame after a view's first paint.

Textual's Footer is a widget per key; composing twenty of them costs a view's first paint
about as much as reading its data. Mounted right after, the keys appear a frame later.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "toggle_keys"  # the app's ``?``: what every other key does


class PdcaFooter(Footer):
    """Textual's footer with ``?`` first: when a narrow terminal cuts the row at the right,
    the key that lists every other key is never the one lost (the palette key is docked
    right by Textual and stays too)."""

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        first = [w for w in widgets if isinstance(w, FooterKey) and w.action == HELP_ACTION]
        yield from first
        yield from (widget for widget in widgets if widget not in first)


def footer_after_first_paint(screen: Screen) -> None:
    """Call from ``on_mount``."""
    screen.call_after_refresh(_mount_footer, screen)


async def _mount_footer(screen: Screen) -> None:
    if screen.is_attached and not screen.query(Footer):
        await screen.mount(PdcaFooter())
        screen.refresh_bindings()  # a footer draws its keys when the bindings are published
