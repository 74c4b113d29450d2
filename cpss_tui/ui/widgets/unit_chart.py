"""A unit-use chart: a plotext plot (textual-plotext) drawn by one of the report's draw functions, so the screen
and `cpss-tui report units` show the same chart; redrawn at the widget's size on every render (resize)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import RenderResult
from textual_plotext import PlotextPlot

Draw = Callable[[Any, int], None]  # (plotext figure, width in columns)


class UnitChart(PlotextPlot):
    """Call `show(draw)` with a function that draws on a plotext figure; `show(None)` leaves it empty."""

    DEFAULT_CSS = """
    UnitChart {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._draw: Draw | None = None

    def show(self, draw: Draw | None) -> None:
        self._draw = draw
        self.refresh()

    def render(self) -> RenderResult:
        self.plt.clear_figure()
        if self._draw is not None:
            self._draw(self.plt, self.size.width)
        return super().render()
