"""backtest.html: how right past lists were, in plain words, with inline SVG pictures."""

from __future__ import annotations

from datetime import date
from html import escape

import polars as pl

from monitor.charts import Series, line_chart

TIERS = ("high", "medium", "low")
TIER_ZH = {"high": "高风险", "medium": "中风险", "low": "低风险"}
TIER_EN = {"high": "high risk", "medium": "medium risk", "low": "low risk"}
COHORT_ZH = {"all": "全部", "untreated": "未采取措施", "treated": "已采取措施"}
COHORT_EN = {"all": "everyone", "untreated": "not acted on", "treated": "acted on"}

TEXT = {
    "zh": {
        "title": "风险名单回头看：当初的名单准不准",
        "intro": (
            "本页把过去每周发布的风险名单，与之后登记系统里的实际情况对照："
            "名单上的人后来有没有离开德州（停缴社保满{gap}个月即算离开，与模型训练用的口径完全一致）。"
            "数据截至 {extract}（社保已报到 {known}）。"
        ),
        "immature": "空心点表示该名单的观察期还没满，数字只算到目前已能确认的离开，之后还会变多。",
        "tier_title": "{tier}：预计离开比例与实际离开比例（{h}个月内）",
        "predicted": "预计",
        "realized": "实际",
        "auc_title": "{h}个月内：排序准确度（AUC）及其可信范围",
        "auc_help": (
            "排序准确度（AUC）：从名单里随便挑一个后来离开的人和一个留下的人，"
            "模型把离开的人排在更前面的概率。50%等于瞎猜，100%为完全正确。"
            "竖条是可信范围：按用人单位整体重新抽样算出（同一单位的人常常一起走，"
            "不能当作互不相关的个人来算）。"
        ),
        "table": "每份名单的结果（{h}个月内）",
        "cols": [
            "名单日期",
            "是否满期",
            "名单人数",
            "预计离开",
            "实际离开",
            "预计离开比例",
            "实际离开比例",
            "排序准确度 AUC（范围）",
            "最危险前5%中实际离开",
            "各县前50名中实际离开",
        ],
        "yes": "已满期",
        "no": "未满期（已看{m}个月）",
        "cohort": "区分是否采取过措施（{h}个月内）",
        "cohort_help": (
            "专员联系、走访或提供服务过的人，如果留下了，不算“报错了”："
            "可能正是工作起了作用。所以下面分开列出。"
        ),
        "cohort_cols": [
            "名单日期",
            "人群",
            "人数",
            "预计离开比例",
            "实际离开比例",
            "排序准确度 AUC",
        ],
        "lottery": "补贴延期抽签：抽中与未抽中的人后来走了多少",
        "lottery_help": (
            "计划中处在预算边缘的人由抽签决定是否提出延长补贴。两组人只差在抽签，"
            "所以“未抽中组离开比例减去抽中组离开比例”就是提出延期真正留住的人数比例"
            "（每100人留住几人）。范围跨过0时，说明人数还太少，看不出延期有没有用。"
            "“已提出”来自专员在工作台登记的记录。"
        ),
        "lottery_cols": [
            "计划日期",
            "期限",
            "是否满期",
            "抽中人数（已提出/已接受）",
            "抽中组离开比例",
            "未抽中人数（已提出）",
            "未抽中组离开比例",
            "每100人多留住（范围）",
        ],
        "months": "{h}个月内",
        "paren": "{a}（{b}）",
        "skipped": "未纳入的名单",
        "none": "无",
    },
    "en": {
        "title": "Looking back: how right were the risk lists",
        "intro": (
            "This page compares each published weekly list with what the registry showed later: "
            "did the listed talents leave Dezhou (no contributions for {gap} months, the same rule "
            "the model was trained on). Data up to {extract} (contributions reported to {known})."
        ),
        "immature": "Hollow dots: the list's window has not ended; figures count departures "
        "confirmed so far and will grow.",
        "tier_title": "{tier}: predicted and realised leave share (within {h} months)",
        "predicted": "predicted",
        "realized": "realised",
        "auc_title": "Within {h} months: ranking accuracy (AUC) and its range",
        "auc_help": (
            "AUC: pick one talent who later left and one who stayed; the chance the model ranked "
            "the leaver higher. 50% is guessing, 100% perfect. Bars: the range from resampling "
            "whole employers (talents of one employer tend to leave together)."
        ),
        "table": "Each list's results (within {h} months)",
        "cols": [
            "list date",
            "matured",
            "listed",
            "expected leavers",
            "leavers",
            "predicted share",
            "realised share",
            "AUC (range)",
            "leavers among top 5%",
            "leavers among county top 50",
        ],
        "yes": "matured",
        "no": "not yet ({m} months seen)",
        "cohort": "Acted on or not (within {h} months)",
        "cohort_help": "A talent an officer acted on who stayed is not a wrong alarm: the work may "
        "have kept them. So they are shown apart.",
        "cohort_cols": ["list date", "group", "listed", "predicted share", "realised share", "AUC"],
        "lottery": "The extension lottery: how many winners and losers left",
        "lottery_help": (
            "The plan's borderline talents were drawn by lot for an extension offer. The two "
            "groups differ only by the draw, so the losers' leave share minus the winners' is "
            "what offering kept (per 100 drawn). A range that spans 0 means too few were drawn to "
            "tell. 'Offered' counts the actions officers recorded in the workspace."
        ),
        "lottery_cols": [
            "plan date",
            "horizon",
            "matured",
            "won (offered/accepted)",
            "winners' leave share",
            "lost (offered)",
            "losers' leave share",
            "kept per 100 (range)",
        ],
        "months": "within {h} months",
        "paren": "{a} ({b})",
        "skipped": "Lists left out",
        "none": "none",
    },
}


STYLE = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;color:#222}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px}"
    "th{background:#f2f2f2}.charts{display:flex;flex-wrap:wrap;gap:12px}.note{color:#666}"
)


def _pct(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _auc_text(row: dict) -> str:
    if row["auc"] is None:
        return "—"
    rng = (
        ""
        if row["auc_low"] is None
        else f"（{row['auc_low'] * 100:.0f}%–{row['auc_high'] * 100:.0f}%）"
    )
    return f"{row['auc'] * 100:.0f}%{rng}"


def _per100(v) -> str:
    return "—" if v is None else f"{100 * v:+.1f}"


def lottery_table(lottery: pl.DataFrame, t: dict) -> str:
    """The lottery's winners against its losers, per plan and horizon."""
    out = [f"<h2>{escape(t['lottery'])}</h2><p>{escape(t['lottery_help'])}</p><table><tr>"]
    out.append("".join(f"<th>{escape(c)}</th>" for c in t["lottery_cols"]) + "</tr>")
    for r in lottery.iter_rows(named=True):
        cells = [
            r["plan_as_of"].isoformat(),
            t["months"].format(h=r["horizon_months"]),
            t["yes"] if r["matured"] else t["no"].format(m=r["months_observed"]),
            t["paren"].format(a=f"{r['n_won']:,}", b=f"{r['offered_won']:,}/{r['accepted_won']:,}"),
            _pct(r["rate_won"]),
            t["paren"].format(a=f"{r['n_lost']:,}", b=f"{r['offered_lost']:,}"),
            _pct(r["rate_lost"]),
            t["paren"].format(
                a=_per100(r["effect"]),
                b=f"{_per100(r['effect_low'])} ~ {_per100(r['effect_high'])}",
            ),
        ]
        out.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    return "".join(out) + "</table>"


def render_backtest(
    figures: pl.DataFrame,
    groups: pl.DataFrame,
    skipped: list[str],
    extract_date: date,
    known_month: date,
    gap_months: int,
    headline: int,
    lang: str = "zh",
    lottery: pl.DataFrame | None = None,
) -> str:
    """The self-contained page (no scripts, no external files)."""
    t = TEXT[lang]
    tiers = TIER_ZH if lang == "zh" else TIER_EN
    cohorts = COHORT_ZH if lang == "zh" else COHORT_EN
    allf = figures.filter(pl.col("cohort") == "all")
    dates = [d.isoformat() for d in allf.get_column("list_as_of").unique().sort()]
    body = [
        f"<h1>{escape(t['title'])}</h1>",
        "<p>"
        + escape(
            t["intro"].format(gap=gap_months, extract=extract_date, known=f"{known_month:%Y-%m}")
        )
        + "</p>",
        f"<p class=note>{escape(t['immature'])}</p>",
    ]
    tier_rows = (
        groups.filter(
            (pl.col("kind") == "tier")
            & (pl.col("cohort") == "all")
            & (pl.col("horizon_months") == headline)
        )
        if groups.height
        else groups
    )
    charts = []
    for tier in TIERS:
        part = (
            {
                r["list_as_of"].isoformat(): r
                for r in tier_rows.filter(pl.col("group") == tier).iter_rows(named=True)
            }
            if tier_rows.height
            else {}
        )
        if not part:
            continue
        pred = [
            (part[d]["predicted_rate"], None, None, part[d]["matured"]) if d in part else None
            for d in dates
        ]
        real = [
            (part[d]["realized_rate"], None, None, part[d]["matured"]) if d in part else None
            for d in dates
        ]
        top = max([v[0] for v in pred + real if v is not None] + [0.05])
        charts.append(
            line_chart(
                t["tier_title"].format(tier=tiers[tier], h=headline),
                dates,
                [Series(t["predicted"], "#5b7fa6", pred), Series(t["realized"], "#c0392b", real)],
                0.0,
                min(1.0, top * 1.15),
            )
        )
    body.append("<div class=charts>" + "".join(charts) + "</div>")
    body.append(f"<p>{escape(t['auc_help'])}</p><div class=charts>")
    for h in sorted(allf.get_column("horizon_months").unique().to_list()):
        rows = {
            r["list_as_of"].isoformat(): r
            for r in allf.filter(pl.col("horizon_months") == h).iter_rows(named=True)
        }
        pts = [
            (rows[d]["auc"], rows[d]["auc_low"], rows[d]["auc_high"], rows[d]["matured"])
            if d in rows and rows[d]["auc"] is not None
            else None
            for d in dates
        ]
        body.append(
            line_chart(t["auc_title"].format(h=h), dates, [Series("AUC", "#2e7d32", pts)], 0.4, 1.0)
        )
    body.append("</div>")
    head_rows = allf.filter(pl.col("horizon_months") == headline)
    body.append(f"<h2>{escape(t['table'].format(h=headline))}</h2><table><tr>")
    body.append("".join(f"<th>{escape(c)}</th>" for c in t["cols"]) + "</tr>")
    for r in head_rows.iter_rows(named=True):
        cells = [
            r["list_as_of"].isoformat(),
            t["yes"] if r["matured"] else t["no"].format(m=r["months_observed"]),
            f"{r['n_scored']:,}",
            "—" if r["expected_departed"] is None else f"{r['expected_departed']:.0f}",
            f"{r['n_departed']:,}",
            _pct(r["predicted_rate"]),
            _pct(r["realized_rate"]),
            _auc_text(r),
            _pct(r["precision_top_5pct"]),
            _pct(r["precision_top50_county"]),
        ]
        body.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    body.append("</table>")
    split = figures.filter((pl.col("cohort") != "all") & (pl.col("horizon_months") == headline))
    if split.height:
        body.append(
            f"<h2>{escape(t['cohort'].format(h=headline))}</h2><p>{escape(t['cohort_help'])}</p><table><tr>"
        )
        body.append("".join(f"<th>{escape(c)}</th>" for c in t["cohort_cols"]) + "</tr>")
        for r in split.iter_rows(named=True):
            cells = [
                r["list_as_of"].isoformat(),
                cohorts[r["cohort"]],
                f"{r['n_scored']:,}",
                _pct(r["predicted_rate"]),
                _pct(r["realized_rate"]),
                _auc_text(r),
            ]
            body.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
        body.append("</table>")
    if lottery is not None and lottery.height:
        body.append(lottery_table(lottery, t))
    body.append(f"<h2>{escape(t['skipped'])}</h2><ul>")
    body.append(
        "".join(f"<li>{escape(s)}</li>" for s in skipped) or f"<li>{escape(t['none'])}</li>"
    )
    body.append("</ul>")
    style = STYLE
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(t['title'])}</title><style>{style}</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )
