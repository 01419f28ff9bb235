"""The ``?`` panel: pdca's keys for the view you are in, then the ones that work everywhere.

Textual's own panel lists every active binding in focus order, so the board's list began
with the column's inherited "Scroll Left" and the screen's "Focus Next" and "Copy selected
text" sat among pdca's keys. Here only bindings with an id (pdca's, which a person can remap
in settings.toml) are listed, in two sections, plus the palette key.
"""

from __future__ import annotations

from collections import defaultdict

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import HelpPanel, KeyPanel, Markdown
from textual.widgets._key_panel import BindingsTable

from pdca.screens.footer import declared_order

PALETTE_ACTIONS = {"command_palette", "app.command_palette"}
# The app's ? (and f1), a dialog's too: on the panel's first row, to close it
CLOSING_ACTIONS = {"toggle_keys", "app.toggle_keys"}
# Keys said on another's row (# on /'s, "Filter, Find #N"; tab on Right's): the board's keys
# at 80x24 just fill two lists, and a row more put "more keys, below" over them
SAID_WITH = {
    "find_number": "filter_text",
    "assign": "edit_action",
    "app.focus_next": "focus_column(1)",
    "app.focus_previous": "focus_column(-1)",
}


Entry = tuple[Text, Text]  # the keys, what they do
# Textual's HelpPanel: a third of the screen, 30 to 60 cells, less its border and padding.
_PANEL_MIN, _PANEL_MAX, _PANEL_FRAME = 30, 60, 3
_TWO_LISTS_WIDTH = 64  # the narrowest screen that shows two lists of keys side by side


class PdcaBindingsTable(BindingsTable):
    def _panels_keys(self) -> list[str]:
        """The keys the app's own bindings take while the panel is open (to close it, page
        it, move in it): the view's bindings of those keys are listed all the same."""
        return [
            key
            for key, bindings in self.app._bindings.key_to_bindings.items()
            if any(b.action == "hide_keys" or b.action.startswith("scroll_keys") for b in bindings)
        ]

    def sections(self) -> list[tuple[str, list[Entry]]]:
        """This view's keys, then everywhere's, each in the order its bindings declare."""
        here: dict[str, list[Binding]] = defaultdict(list)
        everywhere: dict[str, list[Binding]] = defaultdict(list)
        for namespace, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            if binding.id is None and binding.action not in PALETTE_ACTIONS:
                continue  # Textual's generic keys (focus next, copy, scroll): not pdca's
            section = everywhere if isinstance(namespace, App) else here
            section[binding.action].append(binding)
        # While the panel is open esc is the app's, to close it (no id, not listed): the
        # view's own esc (clear the filter, go back) never showed here (a tester).
        # So are pgup and pgdn, which page the panel while it is open (the app's, no id): the
        # board's "Page up"/"Page down" went missing from the list (a reviewer).
        focused = self.screen.focused
        chain = list(focused.ancestors_with_self) if focused is not None else [self.screen]
        # And the arrows, j, k, g, G, home and end, which read the panel while it covers the
        # view (at 80 columns the board's Up and Down went missing from its list): every key
        # the app takes for the panel itself.
        for key in self._panels_keys():
            for node in chain:  # the focused widget's, then up to the screen's
                if isinstance(node, App):
                    continue
                for binding in node._bindings.key_to_bindings.get(key, []):
                    if binding.id is not None and binding not in here[binding.action]:
                        here[binding.action].append(binding)
        key_style = self.get_component_rich_style("bindings-table--key")
        rank = declared_order(self.screen)
        found: list[tuple[str, list[Entry]]] = []
        closing: list[Binding] = []
        for title, section in (("here", here), ("everywhere", everywhere)):
            if not section:
                continue
            entries: list[Entry] = []
            in_order = sorted(section.items(), key=lambda item: rank.get(item[0], len(rank)))
            views = [b for action, bs in in_order if action.startswith("switch_mode(") for b in bs]
            for action, bindings in in_order:
                if action in CLOSING_ACTIONS:
                    closing += bindings
                    continue  # said first, as how to close the list
                if action in SAID_WITH and SAID_WITH[action] in section:
                    continue  # on its partner's row
                partners = [
                    b
                    for said, of in SAID_WITH.items()
                    if of == action
                    for b in section.get(said, [])
                ]
                if partners:
                    together = [*bindings, *partners]
                    description = ", ".join(dict.fromkeys(b.description for b in together))
                    keys = " ".join(dict.fromkeys(self.app.get_key_display(b) for b in together))
                    entries.append((Text(keys, style=key_style), Text(description)))
                    continue
                if views and action.startswith("switch_mode("):
                    if bindings[0] is views[0]:  # the views in one row
                        keys = " ".join(self.app.get_key_display(b) for b in views)
                        names = ", ".join(b.description for b in views)
                        entries.append((Text(keys, style=key_style), Text(f"views: {names}")))
                    continue
                keys = " ".join(dict.fromkeys(self.app.get_key_display(b) for b in bindings))
                description = bindings[0].description or bindings[0].tooltip
                entries.append((Text(keys, style=key_style), Text(description)))
            found.append((title, entries))
        if closing and found:
            # At 80x24 the list covers the whole board, and nothing on it said how to get the
            # board back (a trial): the first row says, with esc (the app's, while it is open)
            keys = " ".join(dict.fromkeys([*map(self.app.get_key_display, closing), "esc"]))
            found[0][1].insert(0, (Text(keys, style=key_style), Text("Close this list")))
        return found

    def on_mount(self) -> None:
        # Two lists or one, known before the panel is first laid out: set after its first
        # render, the screen was laid out and sent again, whole (146 KB at 120x40, a trial)
        self.render_bindings_table(settle=True)

    def render_bindings_table(self, *, settle: bool = False) -> Table:
        """The table of keys; ``settle``: the panel's width is set for it now, not after."""
        sections = self.sections()
        # A terminal too short for one list (80x24: the board's 37 rows in 22) gets two, side
        # by side in a wider panel: the panel cannot be scrolled from the keyboard, and a key
        # below its edge was a key nobody could read (a tester). Measured as drawn, wrapped
        # lines included (the stand-up's long names wrapped below the edge: a tester).
        screen = self.screen.size
        single = self._table(sections, 1)
        narrow = self.screen.has_class("-narrow")  # the panel takes the width (pdca.tcss)
        width = (
            screen.width if narrow else max(_PANEL_MIN, min(_PANEL_MAX, screen.width // 3))
        ) - _PANEL_FRAME
        lines = self.app.console.render_lines(single, self.app.console.options.update_width(width))
        # Two lists side by side need about 60 cells: at 40 their words were cut (a tester).
        roomy = not narrow or screen.width >= _TWO_LISTS_WIDTH
        pairs = 2 if len(lines) > screen.height - 2 and roomy else 1
        table = single if pairs == 1 else self._table(sections, 2)
        if pairs == 2:  # measured again, two lists in the wider panel
            wide = min(screen.width, 60) - _PANEL_FRAME
            options = self.app.console.options.update_width(wide)
            lines = self.app.console.render_lines(table, options)
        if len(lines) > screen.height and sections:  # the panel takes the screen's height
            # Longer than the screen all the same: how to reach the rest, first (a tester's
            # 60x20 panel ended at "o Owner" with no sign of more; two lists at 80x15 too)
            more = (Text("pgup pgdn", style=self.get_component_rich_style("bindings-table--key")),
                    Text("more keys, below"))  # fmt: skip
            title, entries = sections[0]
            sections[0] = (title, [more, *entries])
            table = self._table(sections, pairs)
        for panel in self.ancestors_with_self:
            if isinstance(panel, PdcaHelpPanel) and panel.has_class("-two") != (pairs == 2):
                if settle:
                    panel.set_class(pairs == 2, "-two")
                else:
                    self.call_after_refresh(panel.set_class, pairs == 2, "-two")
        return table

    def _table(self, sections: list[tuple[str, list[Entry]]], pairs: int) -> Table:
        table = Table(padding=(0, 1, 0, 0), show_header=False, box=box.SIMPLE)
        for _ in range(pairs):
            table.add_column("", justify="right")
            table.add_column("")
        header_style = self.get_component_rich_style("bindings-table--header")
        for title, entries in sections:
            heading = [Text(""), Text(title, style=header_style)]
            table.add_row(*heading, *([Text(""), Text("")] if pairs == 2 else []))
            half = (len(entries) + 1) // 2 if pairs == 2 else len(entries)
            for at in range(half):
                row = [*entries[at]]
                if pairs == 2:
                    row += (
                        [*entries[at + half]] if at + half < len(entries) else [Text(""), Text("")]
                    )
                table.add_row(*row)
            table.add_section()
        return table


class PdcaKeyPanel(KeyPanel):
    def compose(self) -> ComposeResult:
        yield PdcaBindingsTable(shrink=True, expand=False)


class PdcaHelpPanel(HelpPanel):
    DEFAULT_CSS = """
    PdcaHelpPanel.-two {
        width: 60;
        max-width: 75%;
    }
    """

    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield PdcaKeyPanel(id="keys-help")
