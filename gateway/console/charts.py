"""Charts drawn server-side as inline SVG: no chart library, no script, readable by screen
readers (``role="img"`` with a title and a description; each chart also has its data table).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

_ids = itertools.count(1)
BAR, OVER, NEAR, MARK, INK, GRID = "#1f5fa8", "#b3261e", "#8a5a00", "#1a1a1a", "#1a1a1a", "#d0d4da"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown (a count, an amount)
    limit: float | None = None  # a budget: drawn as a mark, colours the bar when reached


def _open(width: int, height: int, title: str, desc: str, css: str) -> tuple[str, str]:
    uid = f"chart{next(_ids)}"
    head = (
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def columns(points: Sequence[tuple[str, float]], title: str, desc: str) -> Markup:
    """A time series as columns (one per day), with the first, middle and last dates."""
    width, height, left, bottom, top = 640, 200, 40, 24, 10
    head, tail = _open(width, height, title, desc, "columns")
    peak = max((v for _, v in points), default=0) or 1
    plot_h = height - bottom - top
    step = (width - left - 8) / max(len(points), 1)
    parts = [head]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{INK}">{_compact(peak * frac)}</text>')
    for i, (label, value) in enumerate(points):
        h = plot_h * value / peak
        x = left + i * step + step * 0.15
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{escape(label)} : {_compact(value)}'
            "</title></rect>"
        )
    if points:
        for i in sorted({0, len(points) // 2, len(points) - 1}):
            x = left + i * step + step / 2
            anchor = "start" if i == 0 else "end" if i == len(points) - 1 else "middle"
            parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}" '
                         f'font-size="11" fill="{INK}">{escape(points[i][0])}</text>')
    parts.append(tail)
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)


def bars(items: Sequence[Bar], title: str, desc: str) -> Markup:
    """Horizontal bars with their label and value; a budget mark where a limit is given."""
    row, label_w, width, value_w = 26, 170, 640, 150
    height = max(len(items), 1) * row + 8
    head, tail = _open(width, height, title, desc, "bars")
    scale_max = max([b.value for b in items] + [b.limit or 0 for b in items] + [0]) or 1
    plot_w = width - label_w - value_w
    parts = [head]
    for i, item in enumerate(items):
        y = 4 + i * row
        w = plot_w * item.value / scale_max
        colour = BAR
        if item.limit:
            near = item.value >= 0.8 * item.limit
            colour = OVER if item.value >= item.limit else NEAR if near else BAR
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12" '
                     f'fill="{INK}">{escape(_clip(item.label))}</text>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" '
                     f'height="{row - 8}" fill="{colour}"><title>{escape(item.label)} : '
                     f'{escape(item.text)}</title></rect>')
        if item.limit:
            mx = label_w + plot_w * item.limit / scale_max
            parts.append(f'<line class="budget" x1="{mx:.1f}" x2="{mx:.1f}" y1="{y}" '
                         f'y2="{y + row - 2}" stroke="{MARK}" stroke-width="2" '
                         'stroke-dasharray="4 2"/>')
        parts.append(f'<text x="{label_w + plot_w + 8}" y="{y + 16}" font-size="12" '
                     f'fill="{INK}">{escape(item.text)}</text>')
    parts.append(tail)
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)


def _clip(text: str, size: int = 24) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _compact(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.1f} k".replace(".0 k", " k")
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
