"""Bar charts as plain SVG for pages served under a strict Content-Security-Policy (the staff console).

Why not :func:`assistant.staff.report_html.bar_chart_svg`: matplotlib's SVG styles every shape with ``style``
attributes and a ``<style>`` element, which a policy without ``'unsafe-inline'`` styles (the console's) refuses,
so the bars would be drawn black and the axes not at all; and importing matplotlib costs seconds. These charts use
only SVG presentation attributes, no script and no style, and carry their own text alternative: ``role="img"``,
a ``<title>`` and a ``<desc>`` that says every value, with the figures' table beside the chart on the page.
"""

from __future__ import annotations

from typing import Optional, Sequence

from markupsafe import Markup, escape

NHS_BLUE = "#005eb8"
TEXT = "#212b32"
GRID = "#d8dde0"
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 56


def _ceiling(value: float) -> float:
    """A round top for the value axis: the first of 1, 2, 5, 10, 20, 50, … at or above ``value``."""
    magnitude = 1.0
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[Optional[float]],
    unit: str = "",
    maximum: Optional[float] = None,
) -> Markup:
    """A vertical bar chart: one bar per label; a missing value (None) draws no bar and reads "no data"."""
    shown = [v if v is not None else 0.0 for v in values]
    top = maximum if maximum is not None else _ceiling(max(max(shown, default=0.0), 5.0))
    steps = 4 if str(f"{top:g}").startswith("2") else 5  # whole numbers on the axis from 5 up
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    bar_w = min(48.0, slot * 0.6)

    def said(value: Optional[float]) -> str:
        return "no data" if value is None else f"{value:g}{unit}"

    described = "; ".join(f"{label}: {said(value)}" for label, value in zip(labels, values, strict=False))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="console-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described or "No data yet.")}</desc>',
    ]
    for step in range(steps + 1):  # grid lines and the value axis
        tick = top * step / steps
        y = TOP + plot_h - plot_h * step / steps
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">{tick:g}{unit}</text>'
        )
    if not labels:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{TOP + plot_h / 2}" text-anchor="middle" font-size="14" fill="{TEXT}">'
            "No data yet</text>"
        )
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        middle = LEFT + slot * index + slot / 2
        height = 0.0 if value is None else plot_h * min(value, top) / top
        if height:
            parts.append(
                f'<rect x="{middle - bar_w / 2:.1f}" y="{TOP + plot_h - height:.1f}" width="{bar_w:.1f}" '
                f'height="{height:.1f}" fill="{NHS_BLUE}"/>'
            )
        parts.append(
            f'<text x="{middle:.1f}" y="{TOP + plot_h - height - 4:.1f}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT}">{escape(said(value))}</text>'
        )
        if len(labels) <= 8 or index % ((len(labels) + 7) // 8) == 0:  # at most eight labels under the axis
            parts.append(
                f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
                f'fill="{TEXT}">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="{TEXT}"/></svg>'
    )
    return Markup("".join(parts))
