"""monitor.html: is the model still fit this week, and should it be retrained; in plain words."""

from __future__ import annotations

from datetime import date
from html import escape

import polars as pl

from monitor.page import STYLE, TIER_EN, TIER_ZH, _pct
from reports.labels import ENUM_LABELS

# What each part of the rule means, in the officers' words (the detail after it is technical).
RULE_ZH = {
    "(a)": "排序准确度明显下降：已满期名单的实际准确度（连同可信范围）低于模型上线时的水平",
    "(b)": "预计与实际离开比例连续两份名单对不上",
    "(c)": "对模型判断最重要的特征之一，本周人群与训练时相比明显变化",
    "(d)": "很久没有重新训练：其他条件都没触发，但距上次训练已满规定月数",
}
RULE_EN = {
    "(a)": "ranking accuracy fell: a matured list's AUC, interval included, is below the model's",
    "(b)": "predicted and realised leave rates disagree on two lists in a row",
    "(c)": "one of the model's most important features has shifted since training",
    "(d)": "no retraining for too long: nothing else fired, but the fallback period has passed",
}

TEXT = {
    "zh": {
        "title": "模型每周体检（{day}）",
        "intro": "本页检查：本周的人群和训练模型时相比有没有明显变化（漂移），过去的名单准不准，以及要不要重新训练模型。当前使用的模型版本：v{v}。",
        "yes": "结论：需要重新训练模型。",
        "no": "结论：暂不需要重新训练。",
        "why": "原因",
        "checked": "已检查、未触发的项目",
        "drift": "人群变化（漂移）",
        "drift_help": (
            "稳定性指数（PSI）衡量本周与训练时的分布差别：0.1以下基本没变，0.2以上算明显变化。"
            "人数少时单凭偶然也会有差别，所以门槛取“0.2”与“偶然差别上限”中较大的一个。"
            "“重要”指对模型判断影响最大的前{k}个特征。"
        ),
        "drift_cols": [
            "项目",
            "类型",
            "重要性排名",
            "稳定性指数 PSI",
            "门槛",
            "是否明显变化",
            "训练时缺失比例",
            "本周缺失比例",
            "新出现的类别",
        ],
        "kinds": {"numeric": "数值", "categorical": "类别", "score": "模型分数"},
        "none_ref": "当前模型没有保存训练时的人群参照，无法计算漂移。",
        "drift_more": "另有 {n} 个项目变化不明显，未列出（见 drift.parquet）。",
        "expected": "本周名单：预计离开人数（{h}个月内）",
        "expected_help": "模型给出的概率经过校准，所以把每个人的离开概率加起来就是预计离开人数；括号里是95%的可能范围。等到观察期满，再和实际离开人数对照（见下表）。",
        "exp_cols": ["分组", "人数", "预计离开", "范围"],
        "all": "全部",
        "top": "{c} 前50名",
        "past": "过去名单：预计与实际离开人数（{h}个月内，已满期）",
        "past_cols": ["名单日期", "分组", "人数", "预计离开", "实际离开"],
        "no_past": "还没有观察期已满的名单。",
        "backtest": "逐份名单的详细对照见同一文件夹里的 backtest.html。",
        "yes_word": "是",
        "no_word": "否",
    },
    "en": {
        "title": "Weekly model check ({day})",
        "intro": "This page checks whether this week's talents differ from those the model was trained on (drift), how right past lists were, and whether to retrain. Model in use: v{v}.",
        "yes": "Decision: retrain the model.",
        "no": "Decision: no retraining needed now.",
        "why": "Why",
        "checked": "Checked and not fired",
        "drift": "Drift",
        "drift_help": (
            "The stability index (PSI) measures how this week's distribution differs from training: "
            "below 0.1 stable, above 0.2 a material shift. Small groups differ by chance, so the "
            "limit is the larger of 0.2 and the chance bound. 'Rank' is the feature's importance "
            "(the top {k} count for retraining)."
        ),
        "drift_cols": [
            "item",
            "kind",
            "rank",
            "PSI",
            "limit",
            "drifted",
            "missing at training",
            "missing now",
            "new levels",
        ],
        "kinds": {"numeric": "number", "categorical": "category", "score": "model score"},
        "none_ref": "The model has no stored training reference; drift cannot be measured.",
        "drift_more": "{n} more items did not move materially (see drift.parquet).",
        "expected": "This week's list: expected leavers (within {h} months)",
        "expected_help": "The probabilities are calibrated, so their sum is the expected number of leavers; the range is 95%. Once the window ends they are compared with the realised numbers (below).",
        "exp_cols": ["group", "listed", "expected leavers", "range"],
        "all": "everyone",
        "top": "{c} top 50",
        "past": "Past lists: expected and realised leavers (within {h} months, matured)",
        "past_cols": ["list date", "group", "listed", "expected", "realised"],
        "no_past": "No list has matured yet.",
        "backtest": "Each list in detail: backtest.html in the same folder.",
        "yes_word": "yes",
        "no_word": "no",
    },
}


def _table(cols: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _num(v, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _in_reading_order(frame: pl.DataFrame, *first: str) -> pl.DataFrame:
    """Everyone, then the tiers from high to low, then each county's top 50 (by name)."""
    kinds = {"all": 0, "tier": 1, "county_top": 2}
    tiers = {"high": 0, "medium": 1, "low": 2}
    return frame.sort(
        *first,
        pl.col("kind").replace_strict(kinds, default=3, return_dtype=pl.Int8),
        pl.col("group").replace_strict(tiers, default=3, return_dtype=pl.Int8),
        "group",
    )


def _group_name(kind: str, group: str, t: dict, tiers: dict) -> str:
    if kind == "tier":
        return tiers.get(group, group)
    if kind == "county_top":
        pair = ENUM_LABELS["county"].get(group)
        return t["top"].format(c=pair[0 if t is TEXT["zh"] else 1] if pair else group)
    return t["all"]


def render_monitor(
    drift: pl.DataFrame,
    expected: pl.DataFrame,
    decision,
    figures: pl.DataFrame,
    groups: pl.DataFrame,
    day: date,
    version: str,
    lang: str = "zh",
    headline: int = 6,
    top_features: int = 10,
) -> str:
    """The self-contained page (no scripts, no external files)."""
    t, tiers = TEXT[lang], (TIER_ZH if lang == "zh" else TIER_EN)
    body = [
        f"<h1>{escape(t['title'].format(day=day))}</h1>",
        f"<p>{escape(t['intro'].format(v=version))}</p>",
        f"<h2>{escape(t['yes'] if decision.fire else t['no'])}</h2>",
    ]
    if decision.reasons:
        rules = RULE_ZH if lang == "zh" else RULE_EN
        body.append(f"<p>{escape(t['why'])}:</p><ul>")
        body += [
            f"<li><b>{escape(rules.get(r[:3], ''))}</b><br><span class=note>{escape(r)}</span></li>"
            for r in decision.reasons
        ]
        body.append("</ul>")
    body.append(f"<p class=note>{escape(t['checked'])}:</p><ul class=note>")
    body += [f"<li>{escape(c)}</li>" for c in decision.checks]
    body.append("</ul>")
    body.append(f"<h2>{escape(t['drift'])}</h2>")
    if not drift.height:
        body.append(f"<p>{escape(t['none_ref'])}</p>")
    else:
        body.append(f"<p>{escape(t['drift_help'].format(k=top_features))}</p>")
        shown = drift.filter(
            pl.col("drifted") | pl.col("top_feature") | (pl.col("kind") == "score")
            | pl.col("null_share_changed") | (pl.col("new_levels") != "")
        )  # fmt: skip
        rows = [
            [
                r["feature"],
                t["kinds"][r["kind"]],
                r["importance_rank"] or "—",
                _num(r["psi"]),
                _num(r["psi_limit"]),
                t["yes_word"] if r["drifted"] else t["no_word"],
                _pct(r["null_share_reference"]),
                _pct(r["null_share_now"]),
                r["new_levels"] or "—",
            ]  # fmt: skip
            for r in shown.sort(
                pl.col("kind") != "score", pl.col("importance_rank").fill_null(10_000), "feature"
            ).iter_rows(named=True)
        ]
        body.append(_table(t["drift_cols"], rows))
        if drift.height > shown.height:
            body.append(
                f"<p class=note>{escape(t['drift_more'].format(n=drift.height - shown.height))}</p>"
            )
    week = _in_reading_order(expected.filter(pl.col("horizon_months") == headline))
    body.append(f"<h2>{escape(t['expected'].format(h=headline))}</h2>")
    body.append(f"<p>{escape(t['expected_help'])}</p>")
    body.append(
        _table(
            t["exp_cols"],
            [
                [
                    _group_name(r["kind"], r["group"], t, tiers),
                    f"{r['n']:,}",
                    f"{r['expected_departed']:.1f}",
                    f"{r['expected_low']:.1f}–{r['expected_high']:.1f}",
                ]  # fmt: skip
                for r in week.iter_rows(named=True)
            ],
        )
    )
    body.append(f"<h2>{escape(t['past'].format(h=headline))}</h2>")
    past = (
        groups.filter(
            (pl.col("cohort") == "all") & pl.col("matured")
            & (pl.col("horizon_months") == headline) & pl.col("kind").is_in(["tier", "county_top"])
        ).pipe(_in_reading_order, "list_as_of")
        if groups.height
        else groups
    )  # fmt: skip
    if past.height:
        body.append(
            _table(
                t["past_cols"],
                [
                    [
                        r["list_as_of"],
                        _group_name(r["kind"], r["group"], t, tiers),
                        f"{r['n']:,}",
                        f"{r['expected_departed']:.1f}",
                        f"{r['n_departed']:,}",
                    ]  # fmt: skip
                    for r in past.iter_rows(named=True)
                ],
            )
        )
    else:
        body.append(f"<p>{escape(t['no_past'])}</p>")
    body.append(f"<p class=note>{escape(t['backtest'])}</p>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(t['title'].format(day=day))}</title><style>{STYLE}</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )
