"""Charts drawn on the server as SVG: bars, stacked bars and a time line; no script needed.

Each chart is an image for assistive technologies (role="img", a <title> and a <desc>
saying what it shows), carries its labels as text, and sits next to a table of the same
figures. Colours come from the charter; the browser scales the drawing to the page.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 400
LABEL_SIZE = 15
VALUE_SIZE = 14
LINE = 19
BAR = 16
VALUE_ROOM = 112  # right of the longest bar: "1 234 (100 %)"
WRAP = 46  # characters of a label line at LABEL_SIZE over WIDTH
MAX_LABEL_LINES = 3


@dataclass(frozen=True)
class Palette:
    bar: str = "#1d4ed8"
    text: str = "#1b2333"
    muted: str = "#4b5565"
    grid: str = "#cfd6e3"
    surface: str = "#ffffff"

    @classmethod
    def from_colors(cls, colors: dict[str, str] | None) -> Palette:
        colors = colors or {}
        default = cls()
        return cls(
            colors.get("primary", default.bar),
            colors.get("text", default.text),
            colors.get("muted_text", default.muted),
            colors.get("border", default.grid),
            colors.get("surface", default.surface),
        )


@dataclass(frozen=True)
class BarItem:
    label: str
    value: float  # drawn length, against the chart's maximum
    text: str  # what is written after the bar


@dataclass(frozen=True)
class StackedRow:
    label: str
    shares: list[float]  # one per legend entry, summing to 1 (or all 0)
    texts: list[str]  # written inside each part when it is wide enough


def _open(chart_id: str, height: float, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'focusable="false"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, WRAP) or [""]
    if len(lines) > MAX_LABEL_LINES:
        lines = lines[:MAX_LABEL_LINES]
        lines[-1] = lines[-1][: WRAP - 1].rstrip() + "…"
    return lines


def _label(x: float, y: float, lines: list[str], palette: Palette) -> str:
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if index == 0 else LINE}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" font-size="{LABEL_SIZE}" fill="{palette.text}">{spans}</text>'


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    items: list[BarItem],
    palette: Palette,
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars, each under its label, its figure written after it."""
    top = max([maximum or 0.0, *(item.value for item in items)]) or 1.0
    room = WIDTH - VALUE_ROOM
    parts, y = [], 4.0
    for item in items:
        lines = _lines(item.label)
        parts.append(_label(0, y + LABEL_SIZE, lines, palette))
        y += LINE * len(lines) + 4
        length = max(0.0, item.value) / top * room
        parts.append(
            f'<rect x="0" y="{y:.1f}" width="{room}" height="{BAR}" fill="{palette.grid}" '
            f'fill-opacity="0.35"/>'
        )
        if length > 0:
            parts.append(
                f'<rect x="0" y="{y:.1f}" width="{max(length, 2):.1f}" height="{BAR}" fill="{palette.bar}"/>'
            )
        parts.append(
            f'<text x="{room + 6}" y="{y + BAR - 3:.1f}" font-size="{VALUE_SIZE}" '
            f'fill="{palette.text}">{escape(item.text)}</text>'
        )
        y += BAR + 12
    return Markup(_open(chart_id, y, title, desc) + "".join(parts) + "</svg>")


def shade(colour: str, amount: float) -> str:
    """`colour` mixed with white: 0 keeps it, 1 is white."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * amount) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _ink(fill: str, palette: Palette) -> str:
    red, green, blue = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "#ffffff" if luminance < 0.45 else palette.text


def stacked_chart(
    chart_id: str,
    title: str,
    desc: str,
    legend: list[str],
    rows: list[StackedRow],
    palette: Palette,
) -> Markup:
    """One bar per row cut in parts (a matrix: statements by answer), with a legend."""
    count = max(1, len(legend))
    fills = [shade(palette.bar, index * 0.8 / max(1, count - 1)) for index in range(count)]
    parts, y = [], 4.0
    for row in rows:
        lines = _lines(row.label)
        parts.append(_label(0, y + LABEL_SIZE, lines, palette))
        y += LINE * len(lines) + 4
        x = 0.0
        if not any(row.shares):
            parts.append(
                f'<rect x="0" y="{y:.1f}" width="{WIDTH}" height="{BAR + 4}" fill="{palette.grid}" '
                f'fill-opacity="0.35"/>'
            )
        for index, share in enumerate(row.shares):
            width = share * WIDTH
            if width <= 0:
                continue
            fill = fills[index % count]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR + 4}" '
                f'fill="{fill}" '
                f'stroke="{palette.surface}" stroke-width="1"/>'
            )
            if width >= 34:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + BAR - 1:.1f}" font-size="12" '
                    f'text-anchor="middle" fill="{_ink(fill, palette)}">'
                    f"{escape(row.texts[index])}</text>"
                )
            x += width
        y += BAR + 16
    for index, name in enumerate(legend):
        lines = _lines(name)
        parts.append(
            f'<rect x="0" y="{y:.1f}" width="14" height="14" fill="{fills[index]}" '
            f'stroke="{palette.muted}" stroke-width="0.5"/>'
        )
        parts.append(_label(20, y + 12, lines, palette))
        y += LINE * len(lines) + 4
    return Markup(_open(chart_id, y + 4, title, desc) + "".join(parts) + "</svg>")


def time_chart(
    chart_id: str,
    title: str,
    desc: str,
    points: list[tuple[dt.date, int]],
    first_label: str,
    last_label: str,
    count_text: list[str],
    palette: Palette,
) -> Markup:
    """Counts over time as a line over a shaded area; the axis says 0, half and the top."""
    height, left, right, top, bottom = 190, 44, WIDTH - 8, 10, 150
    peak = max([count for _, count in points] or [0]) or 1
    span = max(1, len(points) - 1)

    def at(index: int, count: int) -> tuple[float, float]:
        x = left + (right - left) * (index / span if len(points) > 1 else 0.5)
        return x, bottom - (bottom - top) * count / peak

    parts = []
    for share, text in zip((0.0, 0.5, 1.0), count_text, strict=False):
        y = bottom - (bottom - top) * share
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{palette.grid}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="{VALUE_SIZE}" text-anchor="end" '
            f'fill="{palette.muted}">{escape(text)}</text>'
        )
    coordinates = [at(index, count) for index, (_, count) in enumerate(points)]
    if coordinates:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        area = f"{coordinates[0][0]:.1f},{bottom} {line} {coordinates[-1][0]:.1f},{bottom}"
        parts.append(f'<polygon points="{area}" fill="{palette.bar}" fill-opacity="0.15"/>')
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{palette.bar}" stroke-width="2.5" '
            f'stroke-linejoin="round"/>'
        )
        if len(coordinates) <= 40:
            parts.extend(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{palette.bar}"/>' for x, y in coordinates
            )
    parts.append(
        f'<text x="{left}" y="{bottom + 22}" font-size="{VALUE_SIZE}" fill="{palette.muted}">'
        f"{escape(first_label)}</text>"
    )
    parts.append(
        f'<text x="{right}" y="{bottom + 22}" font-size="{VALUE_SIZE}" text-anchor="end" '
        f'fill="{palette.muted}">{escape(last_label)}</text>'
    )
    return Markup(_open(chart_id, height, title, desc) + "".join(parts) + "</svg>")
