"""The self-contained HTML report: summary, changes, what is coming, the two lists, how to read.

No names, phones or ID numbers: those are in the workbook only. Employer names are shown.
"""

from __future__ import annotations

from html import escape

import polars as pl

from reports.labels import county_name, label_column, report_title, tier_name
from reports.lists import TEXT as LIST_TEXT
from reports.lists import task_text, verify_list, work_list
from reports.numbers import count, pct
from reports.reading import how_to_read, thresholds_text
from reports.summary import summarise_counties, summarise_tiers, summarise_upcoming
from reports.svg import draw_after_end, draw_upcoming
from reports.tiers import OFFICER_CAPACITY, RiskThresholds
from reports.workbook import CHANGE_LABELS, FIRST_WEEK
from runconfig import DEFAULT

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222;max-width:1500px}
table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top}
th{background:#ddebf7}td.n{text-align:right;white-space:nowrap}tr.high td{background:#ffc7ce}tr.medium td{background:#ffeb9c}
.list td{white-space:nowrap}.list td.w{white-space:normal;min-width:150px}.list td.w:last-child{min-width:260px}
.bar{display:inline-block;height:10px;background:#c0392b}h1{font-size:22px}h2{font-size:18px;margin-top:28px}
.sub{color:#555}.note{color:#555;font-size:13px;max-width:900px}ol.read li{margin:6px 0;max-width:900px}
@media print{
 @page{size:A4 landscape;margin:12mm}
 body{margin:0;max-width:none;font-size:11px}
 th,td{font-size:10px;padding:2px 4px}
 .list td{white-space:nowrap}.list td.w,.list td.w:last-child{white-space:normal;min-width:0}
 thead{display:table-header-group}
 tr{page-break-inside:avoid;break-inside:avoid}
 h2{page-break-after:avoid;break-after:avoid}
 svg{max-width:100%;height:auto}
 tr.high td,tr.medium td,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""
TEXT = {
    "summary": ("概况", "Summary"),
    "counties": ("各县市区风险", "Risk by county"),
    "coming": ("今后12个月补贴到期情况", "Subsidies ending in the next 12 months"),
    "coming_note": (
        "柱:每月主要按月补贴到期的在册人才数;点:这些人6个月内离开概率的平均值。",
        "Bars: talents whose main periodic subsidy ends in each month; dots: their mean 6-month probability of leaving.",
    ),
    "past": ("补贴到期后实际离开的比例", "Share who actually left after their subsidy ended"),
    "past_none": (
        "本次运行没有传入登记库的缴费记录,无法统计过去的实际离开比例。",
        "This run was given no contribution records, so the past leave rate cannot be shown.",
    ),
    "changes": ("与上期名单相比", "Since the previous list"),
    "work": ("在岗需关注", "Still paying: keep"),
    "work_note": (
        "仍在德州缴纳社保、还留得住的人,按6个月内离开概率从高到低。请按“建议行动”提供服务。",
        "People still paying in Dezhou, who can still be kept, riskiest first. Offer the suggested action.",
    ),
    "verify": ("已停缴待核实", "Stopped paying: verify"),
    "verify_note": (
        "最近已停缴社保的人,停缴月数多的在前。请核实是在德州换了工作、暂时待业,还是已离开德州。",
        "People who recently stopped paying, longest first. Confirm whether they changed job, are between jobs or left.",
    ),
    "read": ("如何阅读", "How to read this"),
    "none": ("暂无。", "None."),
}
COUNTY_HEADERS = {
    "zh": [
        "县市区",
        "人才数",
        "高风险",
        "中风险",
        "低风险",
        "平均6个月内离开概率",
        "在岗需关注",
        "已停缴待核实",
    ],
    "en": [
        "County",
        "Talents",
        "High",
        "Medium",
        "Low",
        "Mean P(leave in 6 months)",
        "Keep",
        "Verify",
    ],
}
WORK_COLUMNS = [
    "rank",
    "talent_id",
    "county",
    "employer",
    "risk_tier",
    "p_leave_6m",
    "subsidy_end_date",
    "reason_1",
    "reason_2",
    "reason_3",
    "suggested_action",
]
VERIFY_COLUMNS = ["rank", "talent_id", "county", "employer", "months_unpaid", "p_leave_6m", "task"]
CHANGE_COLUMNS = [
    "change",
    "talent_id",
    "county",
    "employer",
    "tier_change",
    "p_leave_6m",
    "reason_1",
]
CHANGES_PER_KIND = 15  # the report shows the top of each kind; the workbook has them all
WIDE = {"employer", "reason_1", "reason_2", "reason_3", "suggested_action", "task"}
HEADERS = {
    "p_leave_6m": ("6个月内离开概率", "P(leave in 6 months)"),
    "tier_change": ("风险等级变化", "Tier change"),
    "reason_1": ("原因一", "Reason 1"),
}


def render_html(
    risk_list: pl.DataFrame,
    context: dict,
    lang: str = "zh",
    changes: pl.DataFrame | None = None,
    top_n: int = OFFICER_CAPACITY,
    thresholds: RiskThresholds = DEFAULT.tiers,
    after_end: pl.DataFrame | None = None,
) -> str:
    """The report as one HTML string with inline CSS and SVG and no external resource."""
    zh = lang == "zh"

    def t(key: str) -> str:
        return escape(TEXT[key][0 if zh else 1])

    county = context.get("county")
    title = report_title(county, lang)
    shown = risk_list.with_columns(pl.coalesce("employer_name", "employer_id").alias("employer"))
    work = work_list(shown, max_rows=top_n)
    verify = verify_list(shown.filter(pl.col("risk_tier").is_in(["high", "medium"])))
    if county is None:  # the city's report: the riskiest across counties
        work = work.sort(["p_leave_6m", "talent_id"], descending=[True, False]).head(top_n)
        work = work.with_columns(pl.int_range(1, pl.len() + 1).alias("rank"))
        verify = verify.sort(
            ["months_unpaid", "p_leave_6m", "talent_id"], descending=[True, True, False]
        ).with_columns(pl.int_range(1, pl.len() + 1).alias("rank"))
    tiers = summarise_tiers(risk_list)
    counties = summarise_counties(risk_list, max_rows=risk_list.height)
    sub = " · ".join(
        [f"{label_column('as_of', lang)} {escape(str(context.get('as_of', '')))}"]
        + (
            [f"{label_column('model_version', lang)} {escape(str(context['model_version']))}"]
            if context.get("model_version")
            else []
        )
    )
    facts = {
        label_column("talents_scored", lang): count(tiers["talents_scored"]),
        label_column("tier_high", lang): count(tiers["tier_high"]),
        label_column("tier_medium", lang): count(tiers["tier_medium"]),
        label_column("tier_low", lang): count(tiers["tier_low"]),
        LIST_TEXT["work"][0 if zh else 1]: count(
            int(counties["shown"].sum()) if counties.height else 0
        ),
        LIST_TEXT["verify"][0 if zh else 1]: count(verify.height),
        label_column("thresholds", lang): thresholds_text(thresholds, lang),
    }
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{sub}</p>',
        f"<h2>{t('summary')}</h2>",
        _table_kv(facts),
    ]
    body += [
        f"<h2>{t('work')}</h2>",
        f'<p class="note">{t("work_note")}</p>',
        _list_table(
            work.with_columns(pl.col("subsidy_end_date").dt.to_string("%Y-%m-%d")),
            [c for c in WORK_COLUMNS if county is None or c != "county"],
            lang,
        ),
    ]
    body += [
        f"<h2>{t('verify')}</h2>",
        f'<p class="note">{t("verify_note")}</p>',
        _list_table(
            verify.head(top_n).with_columns(task_text(lang).alias("task")),
            [c for c in VERIFY_COLUMNS if county is None or c != "county"],
            lang,
        ),
    ]
    body += [f"<h2>{t('changes')}</h2>", _changes(changes, shown, lang)]
    if counties.height > 1:
        body += [f"<h2>{t('counties')}</h2>", _county_table(counties, lang)]
    body += [
        f"<h2>{t('coming')}</h2>",
        f'<p class="note">{t("coming_note")}</p>',
        draw_upcoming(summarise_upcoming(risk_list), lang),
    ]
    body += [f"<h2>{t('past')}</h2>"]
    body += (
        [draw_after_end(after_end, lang)]
        if after_end is not None
        else [f'<p class="note">{t("past_none")}</p>']
    )
    body += [
        f"<h2>{t('read')}</h2>",
        '<ol class="read">'
        + "".join(f"<li>{escape(x)}</li>" for x in how_to_read(lang, thresholds, top_n))
        + "</ol>",
    ]
    html_lang = "zh-CN" if zh else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _cell(value, column: str = "", lang: str = "zh") -> str:
    wide = ' class="w"' if column in WIDE else ""
    if value is None:
        return f"<td{wide}></td>"
    if column.startswith("p_leave"):
        return f'<td class="n">{pct(value)}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="n">{count(value)}</td>'
    return f"<td{wide}>{escape(str(value))}</td>"


def _table_kv(items: dict) -> str:
    rows = "".join(
        f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in items.items()
    )
    return f"<table>{rows}</table>"


def _header(column: str, lang: str) -> str:
    pair = HEADERS.get(column)
    return escape(pair[0 if lang == "zh" else 1] if pair else label_column(column, lang))


def _list_table(frame: pl.DataFrame, columns: list[str], lang: str) -> str:
    if frame.height == 0:
        return f"<p>{escape(TEXT['none'][0 if lang == 'zh' else 1])}</p>"
    head = "".join(f"<th>{_header(c, lang)}</th>" for c in columns)
    rows = []
    for row in frame.iter_rows(named=True):
        cells = []
        for c in columns:
            value = row.get(c)
            if c == "county":
                value = county_name(value, lang)
            elif c == "risk_tier":
                value = tier_name(value, lang)
            cells.append(_cell(value, c, lang))
        tier = row.get("risk_tier") or ""
        rows.append(f'<tr class="{escape(tier)}">{"".join(cells)}</tr>')
    return (
        f'<table class="list"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _county_table(counties: pl.DataFrame, lang: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in COUNTY_HEADERS[lang])
    rows = []
    for row in counties.iter_rows(named=True):
        mean_p6 = row["mean_p_leave_6m"]
        bar = (
            f'<span class="bar" style="width:{round((mean_p6 or 0) * 300)}px"></span> '
            if mean_p6 is not None
            else ""
        )
        cells = "".join(_cell(row[k]) for k in ("talents", "high", "medium", "low"))
        rows.append(
            f"<tr><td>{escape(county_name(row['county'], lang))}</td>{cells}"
            f"<td>{bar}{pct(mean_p6)}</td>{_cell(row['shown'])}{_cell(row['to_verify'])}</tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _changes(changes: pl.DataFrame | None, shown: pl.DataFrame, lang: str) -> str:
    zh = lang == "zh"
    if changes is None:
        return f"<p>{escape(FIRST_WEEK[0 if zh else 1])}</p>"
    counts = dict(changes.group_by("change").len().iter_rows())
    summary = _table_kv(
        {v[0 if zh else 1]: count(int(counts.get(k, 0))) for k, v in CHANGE_LABELS.items()}
    )
    if changes.height == 0:
        return summary
    from reports.workbook import label_changes

    per_kind = changes.filter(pl.int_range(pl.len()).over("change") < CHANGES_PER_KIND)
    listed = label_changes(
        per_kind.with_columns(pl.col("county").alias("_code")), lang
    ).with_columns(
        pl.coalesce("employer_name", "employer_id").alias("employer"),
        pl.col("_code").alias("county"),
    )
    return summary + _list_table(listed, CHANGE_COLUMNS, lang)
