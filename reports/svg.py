"""The subsidy-cliff curve drawn as inline SVG: mean risk against months to subsidy end."""

from __future__ import annotations

import math
from html import escape

import polars as pl

WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 150, 20, 52
SERIES = [  # column, colour, dash, zh, en
    ("mean_p_leave_3m", "#9ecae1", "", "3个月内", "within 3 months"),
    ("mean_p_leave_6m", "#c0392b", "", "6个月内", "within 6 months"),
    ("mean_p_leave_12m", "#2c3e50", "6 4", "12个月内", "within 12 months"),
]


def draw_cliff(cliff: pl.DataFrame, lang: str = "zh") -> str:
    """Inline <svg> of mean p_leave by months to subsidy end, with axes, a legend and the end marked."""
    zh = lang == "zh"
    if cliff.height < 2:
        return f"<p>{'补贴数据不足,无法绘制曲线。' if zh else 'Too little subsidy data to draw the curve.'}</p>"
    months = cliff["months"].to_list()
    x0, x1 = min(months), max(months)
    top_value = max(max(v for v in cliff[c].to_list() if v is not None) for c, *_ in SERIES)
    y1 = max(0.1, math.ceil(top_value * 10) / 10)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(m: float) -> float:
        return LEFT + (m - x0) / max(x1 - x0, 1) * plot_w

    def sy(p: float) -> float:
        return TOP + plot_h - p / y1 * plot_h

    label = (
        "补贴到期前后的平均离开概率" if zh else "Mean probability of leaving around the subsidy end"
    )
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">'
    ]
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#ccc"/>'
    )
    steps = 0.05 if y1 <= 0.3 else 0.1
    for i in range(int(round(y1 / steps)) + 1):
        p = i * steps
        y = sy(p)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#e5e5e5"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{p:.0%}</text>'
        )
    first_tick = math.ceil(x0 / 6) * 6
    for m in range(first_tick, x1 + 1, 6):
        x = sx(m)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP + plot_h}" x2="{x:.1f}" y2="{TOP + plot_h + 4}" stroke="#333"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 17}" text-anchor="middle" font-size="11">{m}</text>'
        )
    if x0 <= 0 <= x1:
        x = sx(0)
        end_label = "补贴到期" if zh else "subsidy ends"
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#888" stroke-dasharray="3 3"/>'
        )
        parts.append(
            f'<text x="{x + 4:.1f}" y="{TOP + 14}" font-size="11" fill="#555">{end_label}</text>'
        )
    for i, (column, colour, dash, zh_name, en_name) in enumerate(SERIES):
        points = " ".join(
            f"{sx(m):.1f},{sy(v):.1f}"
            for m, v in zip(months, cliff[column].to_list(), strict=True)
            if v is not None
        )
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        width = 3 if column == "mean_p_leave_6m" else 2
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width}"{dashed}/>'
        )
        ly = TOP + 16 + i * 20
        lx = LEFT + plot_w + 14
        parts.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{colour}" stroke-width="{width}"{dashed}/>'
        )
        parts.append(
            f'<text x="{lx + 30}" y="{ly + 4}" font-size="11">{zh_name if zh else en_name}</text>'
        )
    x_title = (
        "距补贴到期的月数(负数为已到期)"
        if zh
        else "Months to subsidy end (negative: already ended)"
    )
    y_title = "平均离开概率" if zh else "Mean probability of leaving"
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 12}" text-anchor="middle" font-size="12">{x_title}</text>'
    )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="12" transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{y_title}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
