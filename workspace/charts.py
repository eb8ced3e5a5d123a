"""The risk across past weeks as a small inline SVG (no JavaScript, no external file)."""

from __future__ import annotations

from datetime import date
from html import escape

WIDTH, HEIGHT, PAD = 320, 110, 24


def risk_chart(points: list[tuple[date, float, float]]) -> str:
    """A line per horizon (6 and 12 months) over the weeks; a dot when there is one week."""
    if not points:
        return ""
    top = min(1.0, max(0.05, max(max(p6, p12) for _, p6, p12 in points)) * 1.1)
    n = len(points)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = PAD + (WIDTH - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top
        return round(x, 1), round(y, 1)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" style="max-width:380px" role="img" '
        f'aria-label="risk by week" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>',
        f'<text x="2" y="{PAD - 8}" font-size="10">{top:.0%}</text>',
    ]
    for index, colour in ((1, "#c0392b"), (2, "#7f8c8d")):
        coords = [xy(i, p[index]) for i, p in enumerate(points)]
        if n > 1:
            path = " ".join(f"{x},{y}" for x, y in coords)
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'
            )
        for (x, y), p in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"><title>{escape(p[0].isoformat())}: '
                f"{p[index]:.1%}</title></circle>"
            )
    first, last = points[0][0].isoformat(), points[-1][0].isoformat()
    parts.append(f'<text x="{PAD}" y="{HEIGHT - 6}" font-size="10">{first}</text>')
    if n > 1:
        parts.append(
            f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" font-size="10" text-anchor="end">{last}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
