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


class PdcaBindingsTable(BindingsTable):
    def render_bindings_table(self) -> Table:
        here: dict[str, list[Binding]] = defaultdict(list)
        everywhere: dict[str, list[Binding]] = defaultdict(list)
        for namespace, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            if binding.id is None and binding.action not in PALETTE_ACTIONS:
                continue  # Textual's generic keys (focus next, copy, scroll): not pdca's
            section = everywhere if isinstance(namespace, App) else here
            section[binding.action].append(binding)
        table = Table(padding=(0, 1, 0, 0), show_header=False, box=box.SIMPLE)
        table.add_column("", justify="right")
        table.add_column("")
        key_style = self.get_component_rich_style("bindings-table--key")
        header_style = self.get_component_rich_style("bindings-table--header")
        rank = declared_order(self.screen)
        for title, section in (("here", here), ("everywhere", everywhere)):
            if not section:
                continue
            table.add_row("", Text(title, style=header_style))
            in_order = sorted(section.items(), key=lambda item: rank.get(item[0], len(rank)))
            views = [b for action, bs in in_order if action.startswith("switch_mode(") for b in bs]
            for action, bindings in in_order:
                if views and action.startswith("switch_mode("):
                    if bindings[0] is views[0]:  # the views in one row: the panel fits 80x24
                        keys = " ".join(self.app.get_key_display(b) for b in views)
                        names = ", ".join(b.description for b in views)
                        table.add_row(Text(keys, style=key_style), Text(f"views: {names}"))
                    continue
                keys = " ".join(dict.fromkeys(self.app.get_key_display(b) for b in bindings))
                description = bindings[0].description or bindings[0].tooltip
                table.add_row(Text(keys, style=key_style), Text(description))
            table.add_section()
        return table


class PdcaKeyPanel(KeyPanel):
    def compose(self) -> ComposeResult:
        yield PdcaBindingsTable(shrink=True, expand=False)


class PdcaHelpPanel(HelpPanel):
    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield PdcaKeyPanel(id="keys-help")
