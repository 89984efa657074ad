"""The report's trend charts as inline SVG, drawn on the server: no script, no outside library.

Each series differs by more than its colour (a hatched bar, a dashed line, its own marker) and carries its
values as text, so a chart reads in greyscale too; the page puts a table and a one-sentence summary beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 36, 34
COLOURS = ("#1f6f78", "#a8560f", "#5b4b8a", "#2f6b2f", "#8a2d4b", "#44525f")
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 5", "14 4")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]


def _scale(series: Sequence[Series], top: float | None) -> float:
    highest = max((value for line in series for value in line.values if value is not None), default=0.0)
    return max(top or 0.0, highest, 1e-9)


def _frame(key: str, title: str, labels: list[str], high: float, shown: Callable[[float], str]) -> list[SafeString]:
    """The grid, the y axis's three values and the x axis's labels (thinned out when there are many)."""
    parts = [format_html('<title id="{}-title">{}</title>', key, title)]
    inner = HEIGHT - TOP - BOTTOM
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + inner * (1 - fraction)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-grid"/>'
                '<text x="{}" y="{}" class="chart-axis" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y + 4:.1f}",
                shown(high * fraction),
            )
        )
    step = max(1, -(-len(labels) // 8))
    for index, label in enumerate(labels):
        if index % step == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="chart-axis" text-anchor="middle">{}</text>',
                    f"{_x(index, len(labels)):.1f}",
                    HEIGHT - 12,
                    label,
                )
            )
    return parts


def _x(index: int, count: int) -> float:
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return LEFT + slot * (index + 0.5)


def _y(value: float, high: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / high)


def _legend(key: str, series: Sequence[Series], swatch: Callable[[int], SafeString]) -> list[SafeString]:
    parts, x = [], LEFT
    for index, line in enumerate(series):
        parts.append(
            format_html(
                '<g transform="translate({},10)">{}<text x="22" y="10" class="chart-legend">{}</text></g>',
                x,
                swatch(index),
                line.label,
            )
        )
        x += 34 + 7 * len(line.label)
    return parts


def _svg(key: str, title: str, parts: list[SafeString], defs: SafeString | str = "") -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'preserveAspectRatio="xMidYMid meet" data-chart="{}">{}{}</svg>',
        WIDTH,
        HEIGHT,
        key,
        key,
        defs,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def bar_chart(key: str, title: str, labels: list[str], series: Sequence[Series], shown: Callable[[float], str]) -> str:
    """Bars side by side per label: the first series solid, the second hatched, each bar with its value."""
    high = _scale(series, None)
    parts = _frame(key, title, labels, high, shown)
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)
    fills = [COLOURS[0], f"url(#{key}-hatch)"]
    for number, line in enumerate(series):
        for index, value in enumerate(line.values):
            if value is None:
                continue
            x = _x(index, len(labels)) - slot * 0.4 + width * number
            y = _y(value, high)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" class="chart-bar">'
                    "<title>{}: {}</title></rect>",
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{max(width - 1, 1):.1f}",
                    f"{HEIGHT - BOTTOM - y:.1f}",
                    fills[number % 2],
                    COLOURS[0],
                    line.label,
                    shown(value),
                )
            )
            if len(labels) <= 14:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" class="chart-value" text-anchor="middle">{}</text>',
                        f"{x + width / 2:.1f}",
                        f"{y - 3:.1f}",
                        shown(value),
                    )
                )

    def swatch(index: int) -> SafeString:
        return format_html('<rect width="16" height="12" fill="{}" stroke="{}"/>', fills[index % 2], COLOURS[0])

    parts += _legend(key, series, swatch)
    hatch = format_html(
        '<defs><pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="3"/></pattern></defs>',
        key,
        COLOURS[1],
    )
    return _svg(key, title, parts, hatch)


def _marker(kind: str, x: float, y: float, colour: str) -> SafeString:
    if kind == "square":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>', f"{x - 3.5:.1f}", f"{y - 3.5:.1f}", colour
        )
    if kind == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
        return format_html('<polygon points="{}" fill="{}"/>', points, colour)
    if kind == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return format_html('<polygon points="{}" fill="{}"/>', points, colour)
    return format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', f"{x:.1f}", f"{y:.1f}", colour)


def line_chart(
    key: str,
    title: str,
    labels: list[str],
    series: Sequence[Series],
    shown: Callable[[float], str],
    top: float | None = None,
) -> str:
    """A line per series (its own dash pattern and marker), broken where a week has no value."""
    high = _scale(series, top)
    parts = _frame(key, title, labels, high, shown)
    for number, line in enumerate(series):
        colour, dash, marker = (style[number % len(style)] for style in (COLOURS, DASHES, MARKERS))
        points: list[tuple[float, float]] = []
        runs: list[list[tuple[float, float]]] = [points]
        for index, value in enumerate(line.values):
            if value is None:
                points = []
                runs.append(points)
                continue
            points.append((_x(index, len(labels)), _y(value, high)))
            parts.append(_marker(marker, *points[-1], colour))
            if len(labels) <= 14 and len(series) <= 2:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" class="chart-value" text-anchor="middle">{}</text>',
                        f"{points[-1][0]:.1f}",
                        f"{points[-1][1] - 8:.1f}",
                        shown(value),
                    )
                )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>',
                        " ".join(f"{x:.1f},{y:.1f}" for x, y in run),
                        colour,
                        dash,
                    )
                )

    def swatch(index: int) -> SafeString:
        colour, dash, marker = (style[index % len(style)] for style in (COLOURS, DASHES, MARKERS))
        return format_html(
            '<line x1="0" x2="16" y1="6" y2="6" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>{}',
            colour,
            dash,
            _marker(marker, 8, 6, colour),
        )

    parts += _legend(key, series, swatch)
    return _svg(key, title, parts)
