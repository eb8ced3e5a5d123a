"""Inline SVG line charts for the backtest page: values across list dates, with intervals."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

W, H, LEFT, RIGHT, TOP, BOTTOM = 560, 250, 52, 16, 20, 62


@dataclass(frozen=True)
class Series:
    """One line: its legend name, colour, and per-date (value, low, high, solid) or None."""

    name: str
    colour: str
    points: list[tuple[float, float | None, float | None, bool] | None]


def _ticks(lo: float, hi: float, pct: bool) -> list[float]:
    step = (hi - lo) / 4
    return [lo + i * step for i in range(5)]


def line_chart(
    title: str, dates: list[str], series: list[Series], lo: float, hi: float, pct: bool = True
) -> str:
    """An SVG chart: x = list dates, y from lo to hi; hollow dots are lists not yet matured."""
    inner_w, inner_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    span = hi - lo or 1.0

    def x(i: int) -> float:
        return LEFT + (inner_w * (i + 0.5) / max(len(dates), 1))

    def y(v: float) -> float:
        return TOP + inner_h * (1 - (min(max(v, lo), hi) - lo) / span)

    out = [
        f'<svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{LEFT}" y="13" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for t in _ticks(lo, hi, pct):
        label = f"{t * 100:.0f}%" if pct else f"{t:.2f}"
        out.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e5e5e5"/>'
            f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" font-size="11" text-anchor="end">{label}</text>'
        )
    every = max(1, len(dates) // 8)
    for i, d in enumerate(dates):
        if i % every == 0 or i == len(dates) - 1:
            out.append(
                f'<text x="{x(i):.1f}" y="{H - BOTTOM + 16}" font-size="10" '
                f'text-anchor="middle">{escape(d[5:] if len(dates) > 6 else d)}</text>'
            )
    for k, s in enumerate(series):
        path = [f"{x(i):.1f},{y(p[0]):.1f}" for i, p in enumerate(s.points) if p is not None]
        if len(path) > 1:
            out.append(
                f'<polyline fill="none" stroke="{s.colour}" stroke-width="2" points="{" ".join(path)}"/>'
            )
        for i, p in enumerate(s.points):
            if p is None:
                continue
            value, low, high, solid = p
            if low is not None and high is not None:
                out.append(
                    f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{y(low):.1f}" y2="{y(high):.1f}" '
                    f'stroke="{s.colour}" stroke-opacity="0.45" stroke-width="6"/>'
                )
            fill = s.colour if solid else "white"
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="{fill}" '
                f'stroke="{s.colour}" stroke-width="2"/>'
            )
        lx = LEFT + 150 * k
        out.append(
            f'<rect x="{lx}" y="{H - 22}" width="12" height="12" fill="{s.colour}"/>'
            f'<text x="{lx + 16}" y="{H - 12}" font-size="12">{escape(s.name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
