"""Inline SVG charts: subsidies ending in the next 12 months, and leaving after a subsidy ended."""

from __future__ import annotations

import math
from html import escape

import polars as pl

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 60, 70, 24, 56
BAR, DOT, PAST = "#9ecae1", "#c0392b", "#5b7fa6"


def _frame(parts: list[str], label: str) -> None:
    parts.append(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(label)}">'
    )


def axis_pct(value: float) -> str:
    """An axis tick: whole percentages as '5%', others with one decimal ('2.5%'); 0 as '0'."""
    if value <= 0:
        return "0"
    whole = round(value * 100)
    return f"{whole}%" if abs(value * 100 - whole) < 1e-9 else f"{value * 100:.1f}%"


def _nice(top: float, steps: int = 4) -> float:
    if top <= 0:
        return 1.0
    raw = top / steps
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power * steps
    return 10 * power * steps


def draw_upcoming(upcoming: pl.DataFrame, lang: str = "zh") -> str:
    """Bars: talents whose main subsidy ends each month; dots: their mean 6-month risk."""
    zh = lang == "zh"
    if upcoming.height == 0 or int(upcoming["talents"].sum()) == 0:
        return f"<p>{'今后12个月没有人的主要补贴到期。' if zh else 'No main subsidy ends in the next 12 months.'}</p>"
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = upcoming.height
    step = plot_w / n
    counts = upcoming["talents"].to_list()
    means = upcoming["mean_p_leave_6m"].to_list()
    top_count = _nice(max(counts))
    top_p = _nice(max([m for m in means if m is not None] or [0.1]))
    label = (
        "今后12个月补贴到期人数与平均离开概率"
        if zh
        else "Subsidies ending and mean risk, next 12 months"
    )
    parts: list[str] = []
    _frame(parts, label)
    base = TOP + plot_h
    for i in range(5):
        y = base - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#e5e5e5"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{round(top_count * i / 4)}</text>'
        )
        parts.append(
            f'<text x="{LEFT + plot_w + 6}" y="{y + 4:.1f}" font-size="11" fill="{DOT}">{axis_pct(top_p * i / 4)}</text>'
        )
    points = []
    for i, (month, c, m) in enumerate(zip(upcoming["month"].to_list(), counts, means, strict=True)):
        x = LEFT + i * step
        h = plot_h * c / top_count
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
        if c:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle" font-size="11">{c}</text>'
            )
        first = i == 0 or month.month == 1
        name = (
            (f"{month.year}年{month.month}月" if first else f"{month.month}月")
            if zh
            else (f"{month.year}-{month.month:02d}" if first else f"{month.month:02d}")
        )
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{base + 16}" text-anchor="middle" font-size="11">{name}</text>'
        )
        if m is not None:
            y = base - plot_h * m / top_p
            points.append((x + step / 2, y))
            parts.append(f'<circle cx="{x + step / 2:.1f}" cy="{y:.1f}" r="4" fill="{DOT}"/>')
    if len(points) > 1:
        line = " ".join(f"{a:.1f},{b:.1f}" for a, b in points)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{DOT}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    left_title = "补贴到期人数" if zh else "Talents"
    right_title = "平均6个月内离开概率" if zh else "Mean 6-month risk"
    x_title = "主要按月补贴到期的月份" if zh else "Month the main periodic subsidy ends"
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12">{x_title}</text>'
    )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="12" transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{left_title}</text>'
    )
    parts.append(
        f'<text x="{WIDTH - 8}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="12" fill="{DOT}" transform="rotate(-90 {WIDTH - 8} {TOP + plot_h / 2:.1f})">{right_title}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def draw_after_end(after: pl.DataFrame, lang: str = "zh") -> str:
    """Bars: the share who left in each month before and after their subsidy's last month."""
    zh = lang == "zh"
    if after.height < 2:
        return f"<p>{'登记库中补贴已到期的人太少,无法统计。' if zh else 'Too few talents whose subsidy ended to show this.'}</p>"
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    ks = after["months_since_end"].to_list()
    rates = after["rate"].to_list()
    k0, k1 = min(ks), max(ks)
    step = plot_w / (k1 - k0 + 1)
    top = _nice(max(rates) if rates else 0.01)
    label = "补贴到期前后每月离开比例" if zh else "Monthly leave rate around the subsidy end"
    parts: list[str] = []
    _frame(parts, label)
    base = TOP + plot_h
    for i in range(5):
        y = base - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#e5e5e5"/>'
        )
        value = top * i / 4
        text = axis_pct(value)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{text if i else "0"}</text>'
        )
    for k, r in zip(ks, rates, strict=True):
        x = LEFT + (k - k0) * step
        h = plot_h * r / top
        colour = PAST if k <= 0 else DOT
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="{colour}"/>'
        )
        if k % 3 == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{base + 16}" text-anchor="middle" font-size="11">{k}</text>'
            )
    if k0 <= 0 < k1:
        x_end = LEFT + (1 - k0) * step
        end_label = "补贴停发" if zh else "subsidy stops"
        parts.append(
            f'<line x1="{x_end:.1f}" y1="{TOP}" x2="{x_end:.1f}" y2="{base}" stroke="#555" stroke-dasharray="3 3"/>'
        )
        parts.append(
            f'<text x="{x_end + 4:.1f}" y="{TOP + 12}" font-size="11" fill="#555">{end_label}</text>'
        )
    x_title = (
        "距补贴最后一个月的月数(负数为到期前,正数为到期后)"
        if zh
        else "Months since the subsidy's last month (negative: before it ended)"
    )
    y_title = "当月离开德州的比例" if zh else "Share who left that month"
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12">{x_title}</text>'
    )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="12" transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{y_title}</text>'
    )
    parts.append("</svg>")
    total = int(after["at_risk"].max())
    note = (
        f"据登记库社保缴费记录推算,不是模型预测:离开指连续3个月未在德州缴纳社保;只统计已能确认的月份,每个柱至少{20}人,最多{total:,}人。"
        if zh
        else f"Read from the registry's contribution records, not the model: leaving means 3 months "
        f"without a contribution in Dezhou; only months that can already be told; at least 20 and at most {total:,} talents per bar."
    )
    return "\n".join(parts) + f'\n<p class="note">{escape(note)}</p>'
