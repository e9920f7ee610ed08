"""The dashboard's number formatting and its SVG trend chart (pure Python)."""

import pytest

from core.indicators import comparison_text, percent
from dashboard.charts import TrendPoint, trend_chart, value_axis


@pytest.mark.parametrize(
    "value, shown",
    [
        (812 / 830, "97.8%"),
        (1.0, "100%"),
        (0.95, "95%"),
        (0.004, "0.4%"),
        (0.0035, "0.35%"),  # below 1%: one more decimal
        (0.0, "0%"),
        (None, "—"),
        # 9999/10000 must not read as a met 100%.
        (0.9999, "99.99%"),
        (0.99996, "99.99%"),
    ],
)
def test_it_formats_fractions_as_percentages(value, shown):
    assert percent(value) == shown


def test_it_words_the_comparison():
    assert comparison_text(">=", 1.0) == "≥ 100%"
    assert comparison_text("<=", 0.004) == "≤ 0.4%"


def test_it_zooms_the_axis_onto_values_and_target():
    axis = value_axis([0.92, 0.95, None, 0.99, 1.0], 1.0)
    assert (axis.low, axis.high, axis.step) == (0.92, 1.0, 0.02)
    assert [round(t, 2) for t in axis.ticks] == [0.92, 0.94, 0.96, 0.98, 1.0]
    # A flat line at the target still gets a visible range, capped at 100%.
    flat = value_axis([1.0] * 5, 1.0)
    assert (flat.low, flat.high) == (0.9, 1.0)
    # Small rates keep their own scale.
    small = value_axis([0.001, 0.003, 0.005], 0.004)
    assert (round(small.low, 3), round(small.high, 3)) == (0.001, 0.005)


def test_it_draws_points_a_gap_and_the_target():
    points = [
        TrendPoint(2005, 0.5, False, "2005: 50% (1 / 2)"),
        TrendPoint(2006, None, None, "2006: no data"),
        TrendPoint(2007, 0.75, False, "2007: 75% (3 / 4)"),
        TrendPoint(2008, 1.0, True, "2008: 100% (4 / 4)"),
    ]
    svg = str(trend_chart(points, target=1.0, title="培训 <test>"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="培训 &lt;test&gt;"' in svg  # escaped
    assert svg.count("<circle") == 3
    assert svg.count('class="chart-point chart-point-met"') == 1
    # 2005 stands alone before the gap; 2007-2008 make one line.
    assert svg.count("<polyline") == 1
    assert "<title>2006: no data</title>" in svg
    assert svg.count('class="chart-target"') == 2  # the line and its legend


def test_it_says_so_when_no_year_has_data():
    svg = str(trend_chart([TrendPoint(y, None, None, f"{y}") for y in range(2005, 2010)], target=0.9, title="t"))
    assert "<circle" not in svg and "<polyline" not in svg
    assert 'class="chart-empty"' in svg
