"""The KPI detail's chart: a plotext plot that says the size it painted at.

Which reference lines another one covers depends on the chart's size, and the legend under
it says so ("warn 20 (covered)"). The chart's size changes without the screen's: the legend
itself taking a second line makes it a row shorter. Worked out at the size before, a warn
line the centre line covered was said to be drawn (a new user, after a resize). A message at
each paint, not at each resize: a legend worked out after a resize but before the chart's
last one stayed wrong for good (once in a CI run, on a busy machine).
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.geometry import Size
from textual.message import Message
from textual_plotext import PlotextPlot


class KpiChart(PlotextPlot):
    class Painted(Message):
        def __init__(self, chart: KpiChart, size: Size) -> None:
            super().__init__()
            self.chart = chart
            self.size = size

        @property
        def control(self) -> KpiChart:
            return self.chart

    def render(self) -> RenderResult:
        drawn = super().render()
        self.post_message(self.Painted(self, self.size))
        return drawn

    def on_unmount(self) -> None:
        # PlotextPlot subscribes to theme changes with a callback that holds the chart, in a
        # table keyed weakly by the chart: the value kept its key, and every chart a KPI's
        # detail showed stayed in memory after the detail closed, about 1 MB each (the app
        # grew by 65 MB over ten minutes of views at 100 000 actions, a trial at scale).
        self.app.theme_changed_signal.unsubscribe(self)
