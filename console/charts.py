"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable on a phone.

Every label is escaped; the result is Markup so Jinja2 does not escape the SVG itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

PALETTE = ("#1b6ca8", "#e07a1f", "#2e8b57", "#b23a48", "#6a4c93", "#8a8a8a", "#c9a227")


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def hbar_chart(items: Sequence[tuple[str, float]], *, title: str, width: int = 480) -> Markup:
    """Horizontal bars, one per (label, value), largest value full width."""
    if not items:
        return Markup("")
    row, label_w, pad = 22, 150, 40
    height = row * len(items) + 8
    top = max(v for _, v in items) or 1
    bar_w = width - label_w - pad
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = max(1.0, bar_w * value / top) if value else 0
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="lbl">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {_fmt(value)}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" class="val">{_fmt(value)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_columns(
    days: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    width: int = 560,
) -> Markup:
    """One column per day, stacked by series (e.g. channel), with a legend."""
    if not days or not series:
        return Markup("")
    height, bottom, left, legend_h = 220, 30, 34, 22
    plot_h = height - bottom - legend_h
    totals = [sum(s[i] for s in series.values()) for i in range(len(days))]
    top = max(totals) or 1
    col_w = (width - left - 8) / len(days)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<text x="{left - 4}" y="{legend_h + 10}" text-anchor="end" class="val">'
        f"{_fmt(top)}</text>",
        f'<line x1="{left}" y1="{legend_h + plot_h}" x2="{width - 4}" y2="{legend_h + plot_h}" '
        'stroke="#999"/>',
    ]
    for k, name in enumerate(series):
        lx = left + k * 110
        parts.append(
            f'<rect x="{lx}" y="4" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{lx + 16}" y="15" class="lbl">{escape(name)}</text>'
        )
    for i, day in enumerate(days):
        x = left + i * col_w + 2
        y: float = legend_h + plot_h
        for k, (name, values) in enumerate(series.items()):
            h = plot_h * values[i] / top
            if h <= 0:
                continue
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(1.0, col_w - 4):.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(day)} {escape(name)}: '
                f"{_fmt(values[i])}</title></rect>"
            )
        if len(days) <= 16 or i % 2 == 0:
            parts.append(
                f'<text x="{x + col_w / 2 - 2:.1f}" y="{height - 12}" text-anchor="middle" '
                f'class="tick">{escape(day[5:])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
