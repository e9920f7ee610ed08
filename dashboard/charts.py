"""Server-rendered SVG charts and number formatting for the dashboard.

The charts are drawn here as inline SVG, in pure Python: the system runs on
networks without internet access, and a five-point trend line does not need
a JavaScript charting library. Colours and fonts come from the page's
stylesheet (classes below), so the labels use the page's font stack,
Chinese glyphs included.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.indicators import percent


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    step: float

    @property
    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(count + 1)]


def _nice_step(raw: float) -> float:
    exponent = math.floor(math.log10(raw))
    base = 10**exponent
    for factor in (1, 2, 2.5, 5, 10):
        if factor * base >= raw - 1e-12:
            return factor * base
    return 10 * base  # pragma: no cover  (the loop always returns)


def value_axis(values: Sequence[float | None], target: float) -> Axis:
    """A y-axis that shows the target and every value with round ticks.

    Rates usually sit close to their target (0.96 against 1.00), so a fixed
    0-100% axis would draw a flat line at the top; the axis zooms in, never
    goes below 0 and never above 100% unless a value does.
    """
    known = [v for v in values if v is not None] + [target]
    low, high = min(known), max(known)
    if high - low < 1e-9:
        pad = max(abs(high) * 0.1, 0.01)
        low, high = high - pad, high + pad
    step = _nice_step((high - low) / 4)
    # Round before floor/ceil: 1.0 / 0.02 is 50.000000000000004 in floats.
    low_tick = math.floor(round(low / step, 9)) * step
    high_tick = math.ceil(round(high / step, 9)) * step
    low_tick = max(low_tick, 0.0)
    if max(known) <= 1 and high_tick > 1:
        # Only the padding around a flat line can push past 100%; every
        # nice step below 1 divides 1, so 100% stays on a tick.
        high_tick = 1.0
    return Axis(low=low_tick, high=high_tick, step=step)


def _tick_label(value: float, step: float) -> str:
    step_pct = step * 100
    digits = 0 if step_pct >= 1 else (1 if step_pct >= 0.1 else 2)
    return f"{value * 100:.{digits}f}%"


@dataclass(frozen=True)
class TrendPoint:
    year: int
    value: float | None
    met: bool | None
    note: str  # the hover text, e.g. "2009: 97.8% (812 / 830)"


def trend_chart(
    points: Sequence[TrendPoint], *, target: float, title: str, width: int = 320, height: int = 168
) -> SafeString:
    """A line chart of one indicator over the years, with its target as a
    dashed line. Years without data leave a gap in the line."""
    left, right, top, bottom = 46, 18, 26, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    axis = value_axis([p.value for p in points], target)

    def x(i: int) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return left + plot_w * i / (len(points) - 1)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - axis.low) / (axis.high - axis.low))

    parts: list[str] = []
    for tick in axis.ticks:
        ty = y(tick)
        parts.append(
            f'<line class="chart-grid" x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
            f'<text class="chart-tick" x="{left - 6}" y="{ty + 3.5:.1f}" text-anchor="end">'
            f"{escape(_tick_label(tick, axis.step))}</text>"
        )
    for i, point in enumerate(points):
        parts.append(
            f'<text class="chart-tick" x="{x(i):.1f}" y="{height - 6}" text-anchor="middle">{point.year}</text>'
        )

    # The target's legend sits above the plot, where no value label can
    # land on it.
    ty = y(target)
    target_label = _("target %(value)s") % {"value": percent(target)}
    parts.append(
        f'<line class="chart-target" x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
        f'<line class="chart-target" x1="{left + plot_w - 96}" x2="{left + plot_w - 78}" y1="8" y2="8"/>'
        f'<text class="chart-target-label" x="{left + plot_w}" y="11.5" text-anchor="end">'
        f"{escape(target_label)}</text>"
    )

    if all(point.value is None for point in points):
        empty = _("no records in these years")
        parts.append(
            f'<text class="chart-empty" x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
            f'text-anchor="middle">{escape(empty)}</text>'
        )

    # One polyline per run of consecutive years with data.
    run: list[str] = []
    runs: list[list[str]] = []
    for i, point in enumerate(points):
        if point.value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{x(i):.1f},{y(point.value):.1f}")
    if run:
        runs.append(run)
    for segment in runs:
        if len(segment) > 1:
            parts.append(f'<polyline class="chart-line" points="{" ".join(segment)}"/>')

    last = len(points) - 1
    for i, point in enumerate(points):
        if point.value is None:
            parts.append(
                f'<text class="chart-nodata" x="{x(i):.1f}" y="{top + plot_h - 4:.1f}" text-anchor="middle">'
                f"<title>{escape(point.note)}</title>–</text>"
            )
            continue
        state = "met" if point.met else "missed"
        px, py = x(i), y(point.value)
        parts.append(
            f'<circle class="chart-point chart-point-{state}" cx="{px:.1f}" cy="{py:.1f}" r="3.5">'
            f"<title>{escape(point.note)}</title></circle>"
        )
        # Labels go below a point at the top of the plot, and the end
        # labels lean inwards so that they stay clear of the axis and edge.
        label_y = py - 7 if py - top > 12 else py + 14
        anchor, label_x = "middle", px
        if i == 0 and len(points) > 1:
            anchor, label_x = "start", px - 3
        elif i == last and len(points) > 1:
            anchor, label_x = "end", px + 3
        parts.append(
            f'<text class="chart-value" x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}">'
            f"{escape(percent(point.value))}</text>"
        )

    svg = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
        width,
        height,
        width,
        height,
        title,
        title,
    )
    return mark_safe(svg + "".join(parts) + "</svg>")
