"""The count's progress over time as an inline SVG line chart (no script, scales to its box).

The chart plots the share of protocols in (0 to 100%) against time. Its words (the accessible
name and the axis labels) come from the page, already in the page's language; they are escaped
here. A single point is drawn as a dot.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from fractions import Fraction

from saylau.service.sources import ProgressPoint

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 32
"""The plot area's margins inside the view box."""


def _share(point: ProgressPoint) -> Fraction:
    return Fraction(point.protocols_in, point.protocols_expected or 1)


def progress_chart_svg(points: Sequence[ProgressPoint], *, label: str, start: str, end: str) -> str:
    """A line chart of the share of protocols in over time. ``label`` is its accessible name;
    ``start`` and ``end`` label the first and last moments on the time axis."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    ordered = sorted(points, key=lambda p: p.at)
    first = ordered[0].at if ordered else None
    span = (ordered[-1].at - ordered[0].at).total_seconds() if ordered else 0.0

    def x(point: ProgressPoint) -> float:
        if not span or first is None:
            return LEFT + plot_w
        return LEFT + plot_w * (point.at - first).total_seconds() / span

    def y(point: ProgressPoint) -> float:
        return TOP + plot_h * float(1 - _share(point))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-label="{html.escape(label, quote=True)}" class="chart">',
        f"<title>{html.escape(label)}</title>",
    ]
    for percent in (0, 25, 50, 75, 100):
        level = TOP + plot_h * (1 - percent / 100)
        parts.append(
            f'<line x1="{LEFT}" y1="{level:.1f}" x2="{LEFT + plot_w}" y2="{level:.1f}"'
            ' class="grid"/>'
            f'<text x="{LEFT - 6}" y="{level + 4:.1f}" text-anchor="end">{percent}%</text>'
        )
    if len(ordered) > 1:
        path = " ".join(f"{x(p):.1f},{y(p):.1f}" for p in ordered)
        parts.append(f'<polyline points="{path}" class="line"/>')
    parts += [f'<circle cx="{x(p):.1f}" cy="{y(p):.1f}" r="4" class="dot"/>' for p in ordered]
    base = HEIGHT - BOTTOM + 20
    parts.append(
        f'<text x="{LEFT}" y="{base}" text-anchor="start">{html.escape(start)}</text>'
        f'<text x="{LEFT + plot_w}" y="{base}" text-anchor="end">{html.escape(end)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["progress_chart_svg"]
