"""The self-contained HTML report: summary, risk by county, subsidy cliff, top talents."""

from __future__ import annotations

from html import escape

import polars as pl

from reports.labels import label_code, label_column
from reports.summary import summarise_cliff, summarise_counties, summarise_tiers
from reports.svg import draw_cliff
from reports.workbook import CHANGE_LABELS

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}
th{background:#ddebf7}td.n{text-align:right}tr.high td{background:#ffc7ce}tr.medium td{background:#ffeb9c}
.top td{white-space:nowrap}.top td:nth-last-child(-n+3){white-space:normal;min-width:180px}
.bar{display:inline-block;height:10px;background:#c0392b}h1{font-size:22px}h2{font-size:18px;margin-top:28px}
"""
TEXT = {
    "title": ("德州市人才流失风险报告", "Dezhou talent attrition risk report"),
    "summary": ("概况", "Summary"),
    "counties": ("各县市区风险", "Risk by county"),
    "cliff": ("补贴到期悬崖", "The subsidy cliff"),
    "cliff_note": (
        "按距补贴到期的月数分组的平均离开概率(每点至少5人)。",
        "Mean probability of leaving by months to the end of the main periodic subsidy (points with at least 5 talents).",
    ),
    "changes": ("与上期名单相比", "Since the previous list"),
    "top": ("风险最高的人才", "Talents most at risk"),
    "rank": ("序号", "Rank"),
}
COUNTY_HEADERS = {
    "zh": ["县市区", "人才数", "高风险", "中风险", "低风险", "平均6个月离开概率"],
    "en": ["County", "Talents", "High", "Medium", "Low", "Mean P(leave in 6 months)"],
}
TOP_COLUMNS = [
    "talent_id",
    "county",
    "employer_id",
    "risk_tier",
    "p_leave_6m",
    "subsidy_end_date",
    "reason_1",
    "reason_2",
    "reason_3",
]


def render_html(
    risk_list: pl.DataFrame,
    context: dict,
    lang: str = "zh",
    changes: pl.DataFrame | None = None,
    top_n: int = 50,
) -> str:
    """The report as one HTML string with inline CSS and SVG and no external resource."""
    zh = lang == "zh"

    def t(key: str) -> str:
        return escape(TEXT[key][0 if zh else 1])

    body = [
        f"<h1>{t('title')}</h1>",
        f"<h2>{t('summary')}</h2>",
        _table_kv({**context, **summarise_tiers(risk_list)}, lang),
    ]
    if changes is not None:
        counts = dict(changes.group_by("change").len().iter_rows())
        body += [
            f"<h2>{t('changes')}</h2>",
            _table_kv(
                {v[0 if zh else 1]: counts.get(k, 0) for k, v in CHANGE_LABELS.items()}, lang
            ),
        ]
    body += [f"<h2>{t('counties')}</h2>", _county_table(risk_list, lang)]
    body += [
        f"<h2>{t('cliff')}</h2>",
        f"<p>{t('cliff_note')}</p>",
        draw_cliff(summarise_cliff(risk_list), lang),
    ]
    body += [f"<h2>{t('top')}</h2>", _top_table(risk_list.head(top_n), lang, t("rank"))]
    html_lang = "zh-CN" if zh else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t('title')}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _cell(value) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, float):
        return (
            f'<td class="n">{value:.1%}</td>'
            if 0 <= value <= 1
            else f'<td class="n">{value:,.3f}</td>'
        )
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table_kv(items: dict, lang: str) -> str:
    rows = "".join(
        f"<tr><th>{escape(label_column(str(k), lang))}</th>{_cell(v)}</tr>"
        for k, v in items.items()
    )
    return f"<table>{rows}</table>"


def _county_table(risk_list: pl.DataFrame, lang: str) -> str:
    counties = summarise_counties(risk_list).with_columns(
        label_code(pl.col("county"), "county", lang)
    )
    head = "".join(f"<th>{escape(h)}</th>" for h in COUNTY_HEADERS[lang])
    rows = []
    for county, talents, high, medium, low, mean_p6, _shown in counties.iter_rows():
        bar = (
            f'<span class="bar" style="width:{round((mean_p6 or 0) * 300)}px"></span> '
            if mean_p6 is not None
            else ""
        )
        rows.append(
            f"<tr><td>{escape(county)}</td>{_cell(talents)}{_cell(high)}{_cell(medium)}{_cell(low)}"
            f"<td>{bar}{'' if mean_p6 is None else f'{mean_p6:.1%}'}</td></tr>"
        )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _top_table(top: pl.DataFrame, lang: str, rank_title: str) -> str:
    shown = top.select(TOP_COLUMNS).with_columns(
        label_code(pl.col("county"), "county", lang),
        label_code(pl.col("risk_tier"), "risk_tier", lang).alias("tier_label"),
        pl.col("subsidy_end_date").dt.to_string("%Y-%m-%d"),
    )
    head = f"<th>{rank_title}</th>" + "".join(
        f"<th>{escape(label_column(c, lang))}</th>" for c in TOP_COLUMNS
    )
    rows = []
    for i, row in enumerate(shown.iter_rows(named=True), start=1):
        cells = "".join(
            _cell(row["tier_label"] if c == "risk_tier" else row[c]) for c in TOP_COLUMNS
        )
        rows.append(f'<tr class="{escape(row["risk_tier"] or "")}">{_cell(i)}{cells}</tr>')
    return f'<table class="top"><tr>{head}</tr>{"".join(rows)}</table>'
