"""Charts drawn with reportlab.graphics, in the document's CJK font.

Every label-bearing element (axis labels, legends, titles) gets ``fontName``
explicitly, and each drawing's initial font is set too (else the PDF still
references an unembedded Times-Roman): reportlab.graphics defaults to Helvetica, which has no Chinese
glyphs, and a Chinese label would silently vanish from the chart.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from .fonts import cjk_font

ACTUAL = colors.HexColor("#2f6ea5")
TARGET = colors.HexColor("#c0504d")
GRID = colors.HexColor("#d0d0d0")


def _font() -> str:
    return cjk_font().name


def indicator_bars(
    rows: list[tuple[str, float | None, float]], *, width: float, actual_label: str, target_label: str
) -> Drawing:
    """Horizontal bars, one pair per indicator: the value and its target, in percent.

    ``rows``: (label, value as a fraction or None, target as a fraction).
    """
    font = _font()
    bar_height = 14
    height = max(60, len(rows) * bar_height * 1.7 + 40)
    d = Drawing(width, height, initialFontName=font)
    chart = HorizontalBarChart()
    chart.x = 150
    chart.y = 16
    chart.width = width - chart.x - 12
    chart.height = height - chart.y - 22
    # reportlab draws the first category at the bottom; reverse so the
    # chart reads top-down in the table's order.
    rows = list(reversed(rows))
    chart.data = [
        [0 if v is None else round(v * 100, 2) for _label, v, _t in rows],
        [round(t * 100, 2) for _label, _v, t in rows],
    ]
    chart.categoryAxis.categoryNames = [label for label, _v, _t in rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.bars[0].fillColor = ACTUAL
    chart.bars[1].fillColor = TARGET
    chart.bars.strokeWidth = 0
    chart.barSpacing = 1
    chart.groupSpacing = 5
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6
    chart.barLabelFormat = None
    d.add(chart)
    d.add(_legend(font, width - 12, height - 8, [(ACTUAL, actual_label), (TARGET, target_label)]))
    return d


def _legend(font: str, x: float, y: float, items) -> Legend:
    legend = Legend()
    legend.fontName = font
    legend.fontSize = 7
    legend.x = x
    legend.y = y
    legend.alignment = "right"
    legend.boxAnchor = "e"
    legend.columnMaximum = 1
    legend.dx = 8
    legend.dy = 6
    legend.deltax = 60
    legend.colorNamePairs = items
    return legend


def trend_line(
    title: str, points: list[tuple[int, float | None]], target: float, *, width: float, height: float
) -> Drawing:
    """A small five-year trend: value in percent per year and the target as
    a dashed line. Years without data leave a gap."""
    font = _font()
    d = Drawing(width, height, initialFontName=font)
    d.add(String(4, height - 10, title, fontName=font, fontSize=7.5))
    values = [v * 100 for _y, v in points if v is not None]
    top = max(values + [target * 100, 1.0])
    # A rate controlled under 0.4% must not be flattened by a 0–100 axis.
    top = 100 if top > 10 else top * 1.5
    plot = LinePlot()
    plot.x = 30
    plot.y = 16
    plot.width = width - plot.x - 8
    plot.height = height - plot.y - 16
    series = [(y, v * 100) for y, v in points if v is not None]
    years = [y for y, _v in points]
    plot.data = [series or [(years[0], 0)]]
    plot.lines[0].strokeColor = ACTUAL if series else colors.white
    plot.lines[0].strokeWidth = 1.2
    plot.lines[0].symbol = makeMarker("FilledCircle", size=2.5)
    plot.xValueAxis.valueMin = years[0] - 0.3
    plot.xValueAxis.valueMax = years[-1] + 0.3
    plot.xValueAxis.valueSteps = years
    plot.xValueAxis.labelTextFormat = "%d"
    plot.xValueAxis.labels.fontName = font
    plot.xValueAxis.labels.fontSize = 6
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.valueMax = top
    plot.yValueAxis.valueSteps = [0, top / 2, top]
    plot.yValueAxis.labelTextFormat = (lambda v: f"{v:.0f}%") if top >= 10 else (lambda v: f"{v:.2f}%")
    plot.yValueAxis.labels.fontName = font
    plot.yValueAxis.labels.fontSize = 6
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = GRID
    d.add(plot)
    ty = plot.y + plot.height * min(target * 100, top) / top
    d.add(Line(plot.x, ty, plot.x + plot.width, ty, strokeColor=TARGET, strokeWidth=0.8, strokeDashArray=[3, 2]))
    return d
