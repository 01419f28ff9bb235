"""The footer of keys, mounted a frame after a view's first paint.

Textual's Footer is a widget per key; composing twenty of them costs a view's first paint
about as much as reading its data. Mounted right after, the keys appear a frame later.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "toggle_keys"  # the app's ``?``: what every other key does


class PdcaFooter(Footer):
    """Textual's footer with ``?`` first: when a narrow terminal cuts the row at the right,
    the key that lists every other key is never the one lost (the palette key is docked
    right by Textual and stays too)."""

    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        """Compose the keys again only when what they show changed: Textual recomposes the
        footer (a widget per key) on every focus move, which on the board is most of what a
        key press costs (issue 14), though moving between columns changes no key."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = tuple(
                (
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.action,
                    binding.description,
                    binding.show,
                    binding.group,
                    enabled,
                    tooltip,
                )
                for _node, binding, enabled, tooltip in screen.active_bindings.values()
            )
            if self._bindings_ready and shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        rank = declared_order(self.screen)
        keys = sorted(
            (widget for widget in widgets if isinstance(widget, FooterKey)),
            key=lambda key: (key.action != HELP_ACTION, rank.get(key.action, len(rank))),
        )
        yield from keys
        yield from (widget for widget in widgets if not isinstance(widget, FooterKey))
        self.call_after_refresh(self._hide_cut_keys)
        self.call_after_refresh(self._forget_removed_keys)

    def _forget_removed_keys(self) -> None:
        """Each key is bound to the footer's ``compact`` (``data_bind``), and the footer's
        watcher of it kept every key a recompose removed, until ``compact`` next changed:
        twenty keys a focus move into and out of a filter, for the life of the board (a
        trial at scale saw the app grow). Telling the watchers again drops the removed ones
        (Textual prunes a closed node's watchers when it calls them)."""
        self.mutate_reactive(Footer.compact)

    def on_resize(self) -> None:
        self._hide_cut_keys()

    def _hide_cut_keys(self) -> None:
        """A key the row cannot show whole is not shown at all: cut, it read "1▏" (the
        start of "1 Board") or "u ▏" before the palette key (a tester at 120 columns).
        Measured by each key's text and the footer's padding, not by where the layout put
        it: that came a frame or more later, and the row was drawn cut meanwhile (or kept,
        when it came late)."""
        keys = list(self.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        # Its own width: beside the keys panel (?) it has half the screen, and keys were
        # cut mid-word there ("i Initia▏", a retrial)
        width = self.size.width or self.app.size.width
        room = width - sum(_drawn_width(key) for key in palette)
        used = 0
        for key in keys:
            if key in palette:
                continue
            used += _drawn_width(key)
            key.display = used <= room


def _drawn_width(key: FooterKey) -> int:
    """The cells a key takes as Textual's footer CSS pads it (key ``0 1``, description
    ``0 1 0 0``; compact: key ``0``, description ``0 0 0 1``), known before its styles are."""
    shown = cell_len(key.key_display)
    if not key.description:
        return shown
    padding = 1 if key.compact else 3
    border = 1 if key.has_class("-command-palette") else 0  # its "▏"
    return shown + cell_len(key.description) + padding + border


def declared_order(screen: Screen) -> dict[str, int]:
    """Each action's place in the order its bindings are declared, from the focused widget
    up to the app. A remapped key is added at the end of Textual's bindings map, so without
    this a remapped "Next phase" moved to the footer's end, where 120 columns cut it off."""
    rank: dict[str, int] = {}
    for node, _bindings in screen._modal_binding_chain:
        declared = type(node)._merged_bindings
        if declared is None:
            continue
        for bindings in declared.key_to_bindings.values():
            for binding in bindings:
                if binding.id is not None:  # pdca's (Textual's own ctrl+q would rank Quit early)
                    rank.setdefault(binding.action, len(rank))
    return rank


class FooterRoom(Widget):
    """The footer's row, from the first paint, which the footer is mounted into: mounted on
    the screen itself, it shrank every lane by its row and Textual sent the whole screen
    again (20 KB at 120x40 over SSH, as much as the first paint); here a row is drawn."""

    DEFAULT_CSS = "FooterRoom { dock: bottom; height: 1; background: $footer-background; }"


def hold_footer_row(screen: Screen) -> None:
    """The footer's row, held from the first paint (call from ``on_mount``)."""
    if not screen.query(FooterRoom) and not screen.query(Footer):
        screen.mount(FooterRoom())


def footer_after_first_paint(screen: Screen) -> None:
    """Call from ``on_mount`` (or later: once a view's figures are in, its row held)."""
    hold_footer_row(screen)
    screen.call_after_refresh(_mount_footer, screen)


async def _mount_footer(screen: Screen) -> None:
    if screen.is_attached and not screen.query(Footer):
        rooms = screen.query(FooterRoom)
        await (rooms.first() if rooms else screen).mount(PdcaFooter())
        screen.refresh_bindings()  # a footer draws its keys when the bindings are published
