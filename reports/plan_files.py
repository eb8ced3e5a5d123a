"""The offer plan's files for the policy office: plan.parquet, whatif.parquet, plan.xlsx, plan.html."""

from __future__ import annotations

import io
import os
import shutil
from html import escape
from pathlib import Path

import polars as pl
import xlsxwriter

from plan.whatif import MIN_GROUP
from reports.labels import label_code
from reports.write import _publish, write_atomic

WORDS = {
    "title": ("补贴要约方案", "Subsidy offer plan"),
    "as_of": ("方案日期", "As of"),
    "budget": ("预算（元）", "Budget (yuan)"),
    "used": ("已用预算（元）", "Budget used (yuan)"),
    "total": ("全部合格人才的要约总成本（元）", "Cost of offering everyone (yuan)"),
    "eligible": ("合格人才数", "Eligible talents"),
    "offers": ("入选要约数", "Offers selected"),
    "kept": ("预计多留住人才（人）", "Talents expected kept"),
    "months": ("预计多留住人才月数（今后12个月）", "Talent-months expected kept (next 12 months)"),
    "estimator": ("效果估计方法", "Effect estimator"),
    "version": ("风险模型版本", "Risk model version"),
    "all_fit": ("预算足以覆盖全部要约：全部合格人才入选。", "The budget covers every offer: everyone eligible is selected."),
    "curve": ("预算增益曲线：每多10万元能多留住的人才月数", "Gain curve: talent-months kept by each further 100,000 yuan"),
    "curve_x": ("预算（万元）", "Budget (10,000 yuan)"),
    "curve_y": ("预计多留住人才月数", "Talent-months expected kept"),
    "whatif": ("整组要约测算：若对整组人才都提出要约", "Group what-if: if the whole group were offered"),
    "selected": ("入选名单（按每元效果排序）", "Selected offers (by gain per yuan)"),
    "how": ("说明", "How to read"),
    "lottery": ("抽签", "Lottery"),
    "small": ("另有 {n} 个不足 {m} 人的组未列出（人数太少，测算没有意义；见 whatif.parquet 的 too_small 列）。",
              "{n} groups of fewer than {m} talents are not shown (too few to mean anything; whatif.parquet, column too_small)."),
    "footer": ("第 &P 页，共 &N 页", "Page &P of &N"),
    "cut": ("本表列出排序最前的 {k:,} 条（共 {n:,} 名合格人才）；完整名单见同一文件夹的 plan.csv。",
            "The first {k:,} offers by rank (of {n:,} eligible talents); the full list is plan.csv in this folder."),
}  # fmt: skip
# Print widths (characters) of the offers and what-if columns: A4 landscape at about 100%.
WIDTHS = {
    "rank": 7, "talent_id": 11, "county": 8, "offer_kind": 12, "monthly_yuan": 9, "cost_yuan": 10,
    "p_leave_12m": 9, "p_leave_12m_with_offer": 10, "months_gained": 8, "months_gained_low": 8,
    "months_gained_high": 8, "selected": 6, "lottery": 7, "education": 20, "subsidy_end_band": 10,
    "talents": 8, "talents_kept": 10, "talent_months_gained": 10, "months_per_100k_yuan": 10,
}  # fmt: skip
# The offers sheet holds the best offers first (every selected one, then the next by rank) up to
# this many rows; the full list of every eligible talent is plan.csv / plan.parquet. Writing
# Excel cells costs ~10 us each, so 630,000 talents x 13 columns would take over a minute.
OFFERS_SHEET_MAX = 20_000
WIDE_COST = 14  # a whole group's cost runs to millions of yuan
YUAN = ("monthly_yuan", "cost_yuan")
SHARES = ("p_leave_12m", "p_leave_12m_with_offer")
COLUMNS = {
    "rank": ("排序", "Rank"), "talent_id": ("人才编号", "Talent"), "county": ("县市区", "County"),
    "offer_kind": ("要约类型", "Offer"), "monthly_yuan": ("月额（元）", "Monthly (yuan)"),
    "cost_yuan": ("成本（元）", "Cost (yuan)"), "p_leave_12m": ("12个月内离开概率", "P(leave 12m)"),
    "p_leave_12m_with_offer": ("要约后12个月内离开概率", "P(leave 12m) with offer"),
    "months_gained": ("多留月数", "Months gained"), "months_gained_low": ("多留月数下限", "Low"),
    "months_gained_high": ("多留月数上限", "High"), "lottery": ("抽签", "Lottery"),
    "education": ("学历", "Education"), "subsidy_end_band": ("主要补贴到期", "Subsidy ends"),
    "talents": ("人数", "Talents"), "talents_kept": ("预计多留住（人）", "Kept (talents)"),
    "talent_months_gained": ("预计多留住（人月）", "Kept (talent-months)"),
    "months_per_100k_yuan": ("每10万元多留人月", "Months per 100k yuan"), "selected": ("是否入选", "Selected"),
}  # fmt: skip
VALUES_ZH = {
    "extend": "延长现有补贴", "new": "新增每月补贴", "none": "无", "won": "中签", "lost": "未中签",
    "ended": "已到期", "0-6": "6个月内", "7-12": "7-12个月", "13+": "13个月以后",
    "ordinary_bachelor_no_city_subsidy": "普通本科（无市级补贴）",
}  # fmt: skip
HOW_ZH = (
    "要约：把该人才月额最高的按月补贴从到期日起按原月额延长12个月（已到期的从本月起）；"
    "没有按月补贴的，新增每月500元、共12个月。成本＝月额×月数。"
    "“多留月数”是今后12个月里预计多在德州工作的月数，上下限为90%区间。"
    "效果由各批人才补贴到期时间不同（按入职年份、36/48/60个月期限、博士后24个月、项目和县级政策到期）来识别，"
    "不是由谁领了补贴来判断；详见README。"
)
HOW_EN = (
    "The offer extends the talent's largest monthly subsidy by 12 months at its amount (from its end, "
    "or from this month if it has ended); a talent with none gets 500 yuan a month for 12 months. "
    "Months gained: expected extra months in Dezhou over the next 12, with a 90% interval. "
    "The effect is identified by when subsidies end, not by who got one (README)."
)


def _w(key: str, lang: str) -> str:
    return WORDS[key][0 if lang == "zh" else 1]


def _label(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Codes to the office's words (counties, education, offers), headers in the language."""
    if lang == "zh":
        for col in ("county", "education"):
            if col in frame.columns:
                frame = frame.with_columns(label_code(pl.col(col), col, "zh"))
        for col in ("offer_kind", "lottery", "subsidy_end_band", "education"):
            if col in frame.columns:
                frame = frame.with_columns(pl.col(col).replace(VALUES_ZH))
    return frame.rename({c: COLUMNS[c][0 if lang == "zh" else 1] for c in frame.columns if c in COLUMNS})


def draw_curve(curve: pl.DataFrame, budget: float, lang: str) -> str:
    """An inline SVG: talent-months kept against budget, the chosen budget marked."""
    w, h, left, bottom, top = 760, 320, 70, 50, 20
    pw, ph = w - left - 20, h - top - bottom
    xs, ys = curve["budget_yuan"].to_list(), curve["talent_months_gained"].to_list()
    if len(xs) < 2:
        return ""
    xmax, ymax = max(xs) or 1.0, max(ys) or 1.0
    pts = " ".join(f"{left + pw * x / xmax:.1f},{top + ph - ph * y / ymax:.1f}" for x, y in zip(xs, ys, strict=True))
    parts = [f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{escape(_w("curve", lang))}">']
    for i in range(5):
        y = top + ph - ph * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{ymax * i / 4:,.0f}</text>')
    for i in range(5):
        x = left + pw * i / 4
        parts.append(f'<text x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle" font-size="11">{xmax * i / 4 / 10_000:,.0f}</text>')
    parts.append(f'<polyline points="{pts}" fill="none" stroke="#2c7fb8" stroke-width="2"/>')
    if 0 < budget <= xmax:
        bx = left + pw * budget / xmax
        parts.append(f'<line x1="{bx:.1f}" y1="{top}" x2="{bx:.1f}" y2="{top + ph}" stroke="#c0392b" stroke-dasharray="4 3"/>')
        said = f"预算 {budget / 10_000:,.0f} 万元" if lang == "zh" else f"budget {budget:,.0f} yuan"
        parts.append(f'<text x="{bx + 4:.1f}" y="{top + 12}" font-size="11" fill="#c0392b">{said}</text>')
    parts.append(f'<text x="{left + pw / 2:.1f}" y="{h - 8}" text-anchor="middle" font-size="12">{_w("curve_x", lang)}</text>')
    parts.append(f'<text x="14" y="{top + ph / 2:.1f}" text-anchor="middle" font-size="12" transform="rotate(-90 14 {top + ph / 2:.1f})">{_w("curve_y", lang)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return "" if v is None else escape(str(v))


def _html_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """Yuan as whole yuan and probabilities as percentages, as in the workbook."""
    yuan = [c for c in YUAN if c in frame.columns]
    shares = [c for c in SHARES if c in frame.columns]
    return frame.with_columns(
        *[pl.col(c).round(0).cast(pl.Int64) for c in yuan],
        *[(pl.col(c) * 100).round(1).cast(pl.String) + "%" for c in shares],
    )


def _table(frame: pl.DataFrame) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.iter_rows():
        cells = [_cell(v) for v in row]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _summary(figures: dict, as_of: str, lang: str) -> list[tuple[str, str]]:
    f = figures
    return [
        (_w("as_of", lang), as_of), (_w("budget", lang), f"{f['budget_yuan']:,.0f}"),
        (_w("used", lang), f"{f['budget_used_yuan']:,.0f}"), (_w("total", lang), f"{f['total_cost_yuan']:,.0f}"),
        (_w("eligible", lang), f"{f['eligible']:,}"), (_w("offers", lang), f"{f['offers']:,}"),
        (_w("kept", lang), f"{f['talents_kept']:,.1f}"), (_w("months", lang), f"{f['talent_months_gained']:,.1f}"),
        (_w("estimator", lang), str(f["estimator"])), (_w("version", lang), str(f["model_version"])),
    ]  # fmt: skip


def shown_groups(whatif: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The what-if groups large enough to show, and how many were left out as too small."""
    if "too_small" not in whatif.columns:
        return whatif, 0
    small = int(whatif["too_small"].sum())
    return whatif.filter(~pl.col("too_small")).drop("too_small"), small


def render_plan_html(plan, whatif, curve, figures, as_of: str, lang: str, shown: int = 200) -> str:
    """The policy office's page: headline figures, the gain curve, the what-if, the top offers."""
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in _summary(figures, as_of, lang))
    note = f"<p class='note'>{_w('all_fit', lang)}</p>" if figures["everyone_fits"] else ""
    chosen = plan.filter("selected").sort("rank").head(shown).drop("selected")
    groups, small = shown_groups(whatif)
    small_note = f"<p class='how'>{_w('small', lang).format(n=small, m=MIN_GROUP)}</p>" if small else ""
    return f"""<!doctype html><html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{_w('title', lang)} {as_of}</title><style>
body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}}
table{{border-collapse:collapse;font-size:13px;margin:8px 0 20px}}th,td{{border:1px solid #ccc;padding:3px 8px;text-align:left}}
th{{background:#f0f4f8}}.note{{color:#c0392b;font-weight:bold}}p.how{{max-width:900px;font-size:13px;color:#444}}
</style></head><body><h1>{_w('title', lang)}（{as_of}）</h1>{note}<table>{rows}</table>
<p class="how"><b>{_w('how', lang)}：</b>{escape(HOW_ZH if lang == 'zh' else HOW_EN)}</p>
<h2>{_w('curve', lang)}</h2>{draw_curve(curve, figures['budget_yuan'], lang)}
<h2>{_w('whatif', lang)}</h2>{_table(_label(_html_numbers(groups.head(40)), lang))}{small_note}
<h2>{_w('selected', lang)}</h2>{_table(_label(_html_numbers(chosen), lang))}
</body></html>"""


def render_plan_workbook(plan, whatif, curve, figures, as_of: str, lang: str) -> bytes:
    """Summary with the gain curve as a chart, the offers (selected first) and the what-if."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True})
    bold = book.add_format({"bold": True, "bg_color": "#F0F4F8", "border": 1, "text_wrap": True})
    num = book.add_format({"num_format": "#,##0.00", "border": 1})
    txt = book.add_format({"border": 1})
    zh = lang == "zh"
    summary = book.add_worksheet("方案摘要" if zh else "Summary")
    summary.set_column(0, 0, 36)
    summary.set_column(1, 1, 18)
    summary.set_column(2, 5, 9)
    summary.write(0, 0, f"{_w('title', lang)}（{as_of}）", book.add_format({"bold": True, "font_size": 14}))
    r = 2
    for key, value in _summary(figures, as_of, lang):
        summary.write(r, 0, key, bold)
        summary.write(r, 1, value, txt)
        r += 1
    if figures["everyone_fits"]:
        summary.write(r, 0, _w("all_fit", lang), book.add_format({"bold": True, "font_color": "#C0392B"}))
    summary.set_row(r + 1, 90)
    summary.merge_range(r + 1, 0, r + 1, 5, HOW_ZH if zh else HOW_EN, book.add_format({"text_wrap": True, "valign": "top"}))
    curve_sheet = book.add_worksheet("增益曲线" if zh else "Gain curve")
    headers = [_w("curve_x", lang), _w("curve_y", lang), "每多10万元多留人月" if zh else "Months from the last 100k yuan"]
    for c, name in enumerate(headers):
        curve_sheet.write(0, c, name, bold)
    for i, (b, g, d) in enumerate(curve.select("budget_yuan", "talent_months_gained", "months_from_last_100k").iter_rows(), start=1):
        curve_sheet.write_number(i, 0, b / 10_000, num)
        curve_sheet.write_number(i, 1, g, num)
        curve_sheet.write_number(i, 2, d, num)
    curve_sheet.set_column(0, 2, 16)
    curve_sheet.repeat_rows(0)
    curve_sheet.fit_to_pages(1, 0)
    chart = book.add_chart({"type": "line"})
    sheet_name = curve_sheet.get_name()
    chart.add_series({"name": _w("curve_y", lang), "categories": [sheet_name, 1, 0, curve.height, 0],
                      "values": [sheet_name, 1, 1, curve.height, 1], "line": {"color": "#2C7FB8", "width": 2}})  # fmt: skip
    chart.set_title({"name": _w("curve", lang), "name_font": {"size": 11}})
    chart.set_x_axis({"name": _w("curve_x", lang)})
    chart.set_y_axis({"name": _w("curve_y", lang)})
    chart.set_legend({"none": True})
    chart.set_size({"width": 560, "height": 320})
    summary.insert_chart(r + 3, 0, chart)
    summary.fit_to_pages(1, 0)  # the chart and the note on one page width
    groups, small = shown_groups(whatif)
    head = book.add_format({"bold": True, "bg_color": "#F0F4F8", "border": 1, "text_wrap": True, "valign": "top"})
    yuan = book.add_format({"num_format": "#,##0", "border": 1})
    share = book.add_format({"num_format": "0.0%", "border": 1})
    offers = plan.sort(["selected", "rank"], descending=[True, False]).head(OFFERS_SHEET_MAX)
    cut = _w("cut", lang).format(k=offers.height, n=plan.height) if offers.height < plan.height else None
    sheets = (
        ("要约名单" if zh else "Offers", offers, min(int(plan["selected"].sum()), offers.height), cut),
        ("整组测算" if zh else "What-if", groups, groups.height, _w("small", lang).format(n=small, m=MIN_GROUP) if small else None),
    )  # fmt: skip
    for title, frame, printed, note in sheets:
        sheet = book.add_worksheet(title)
        shown = _label(frame, lang)
        sheet.set_row(0, 30)  # two lines of header
        formats = []
        for c, (code, name) in enumerate(zip(frame.columns, shown.columns, strict=True)):
            sheet.write(0, c, name, head)
            wide = code == "cost_yuan" and frame is groups
            sheet.set_column(c, c, WIDE_COST if wide else WIDTHS.get(code, 12))
            formats.append(yuan if code in YUAN else share if code in SHARES else num)
        for i, row in enumerate(shown.iter_rows(), start=1):
            for c, v in enumerate(row):
                if isinstance(v, bool):
                    sheet.write(i, c, ("是" if v else "否") if zh else str(v), txt)
                elif isinstance(v, (int, float)) and v is not None:
                    sheet.write_number(i, c, v, formats[c] if isinstance(v, float) else txt)
                else:
                    sheet.write(i, c, "" if v is None else str(v), txt)
        if note:
            sheet.write(frame.height + 2, 0, note)
            if frame is offers:  # also where it cannot be missed: above the print area's end
                sheet.write(0, frame.width + 1, note)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(frame.height, 1), frame.width - 1)
        # Print: A4 landscape, one page wide, the header on every page, page numbers; the
        # offers sheet prints the selected offers (the rest are below, for filtering).
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        sheet.set_footer(f"&L{title}&R{_w('footer', lang)}")
        sheet.print_area(0, 0, max(printed, 1) + (3 if note and printed == frame.height else 0), frame.width - 1)
    book.close()
    return buf.getvalue()


def write_plan(out_dir: Path, request, plan: pl.DataFrame, whatif, curve, figures) -> Path:
    """Write the plan's files into a staging folder and publish it as out_dir/<as-of>/ at once."""
    day = request.as_of.isoformat()
    final, backup = out_dir / day, out_dir / f".{day}.old"
    staging = out_dir / f".{day}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name, frame in (("plan.parquet", plan), ("whatif.parquet", whatif), ("gain_curve.parquet", curve)):
            data = io.BytesIO()
            frame.write_parquet(data)
            write_atomic(staging / name, data.getvalue())
        # Every eligible talent, for the office's Excel (UTF-8 with BOM), best offers first.
        data = io.BytesIO()
        plan.sort(["selected", "rank"], descending=[True, False]).write_csv(data, include_bom=True)
        write_atomic(staging / "plan.csv", data.getvalue())
        write_atomic(staging / "plan.xlsx", render_plan_workbook(plan, whatif, curve, figures, day, request.lang))
        html = render_plan_html(plan, whatif, curve, figures, day, request.lang)
        write_atomic(staging / "plan.html", html.encode("utf-8"))
        _publish(staging, final, backup)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final
