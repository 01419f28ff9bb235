"""The KPI detail's chart: a plotext plot that says when its size changed.

Which reference lines another one covers depends on the chart's size, and the legend under
it says so ("warn 20 (hidden)"). The chart's size changes without the screen's: the legend
itself taking a second line makes it a row shorter. Worked out at the size before, a warn
line the centre line covered was said to be drawn (a new user, after a resize).
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual_plotext import PlotextPlot


class KpiChart(PlotextPlot):
    class Resized(Message):
        def __init__(self, chart: KpiChart) -> None:
            super().__init__()
            self.chart = chart

        @property
        def control(self) -> KpiChart:
            return self.chart

    def on_resize(self, _event: events.Resize) -> None:
        self.post_message(self.Resized(self))

    def on_unmount(self) -> None:
        # PlotextPlot subscribes to theme changes with a callback that holds the chart, in a
        # table keyed weakly by the chart: the value kept its key, and every chart a KPI's
        # detail showed stayed in memory after the detail closed, about 1 MB each (the app
        # grew by 65 MB over ten minutes of views at 100 000 actions, a trial at scale).
        self.app.theme_changed_signal.unsubscribe(self)
