"""Sentences for subsidy, pay and job features, in zh and en, filled with the talent's values."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from reports.labels import label_code
from reports.phrasing import as_date, as_months, as_pct, as_times, as_yuan, num, pick

_TINY = 0.005  # changes under half a percent read as "no change"


def _subsidy_end(lang: str) -> pl.Expr:
    m = num("months_to_subsidy_end")
    end = pl.col("subsidy_end_date")
    kind = label_code(pl.col("subsidy_type"), "subsidy_type", lang).fill_null(
        pick(lang, "补贴", "subsidy")
    )
    passed = pl.coalesce(end < pl.col("as_of"), m < 0)
    date, months = as_date(end), as_months(m, lang)
    return (
        pl.when(end.is_null())
        .then(pl.lit(pick(lang, "没有按月发放的补贴", "no periodic subsidy")))
        .when(passed & (m <= -1))
        .then(
            pl.format(
                pick(lang, "{}已于{}到期(已过{})", "{} ended on {} ({} ago)"), kind, date, months
            )
        )
        .when(passed)
        .then(pl.format(pick(lang, "{}已于{}到期", "{} ended on {}"), kind, date))
        .when(m >= 1)
        .then(
            pl.format(
                pick(lang, "{}将于{}到期(还剩{})", "{} ends on {} ({} left)"), kind, date, months
            )
        )
        .otherwise(
            pl.format(
                pick(lang, "{}将于{}到期(不到1个月)", "{} ends on {} (within a month)"), kind, date
            )
        )
    )


def _amount_or_none(column: str, none_zh: str, none_en: str, zh: str, en: str) -> Callable:
    def build(lang: str) -> pl.Expr:
        v = num(column)
        return (
            pl.when(v.is_null() | (v < 0.5))  # under half a yuan reads as none
            .then(pl.lit(pick(lang, none_zh, none_en)))
            .otherwise(pl.format(pick(lang, zh, en), as_yuan(v, lang)))
        )

    return build


def _share_of_base(lang: str) -> pl.Expr:
    v = num("subsidy_share_of_base")
    return (
        pl.when(v.is_null() | (v <= 0))
        .then(pl.lit(pick(lang, "没有按月补贴", "no monthly subsidy")))
        .otherwise(
            pl.format(
                pick(
                    lang,
                    "补贴相当于月缴费基数的{}%,到期后收入明显下降",
                    "subsidy equals {}% of monthly pay, a drop when it ends",
                ),
                as_pct(v),
            )
        )
    )


def _active_subsidies(lang: str) -> pl.Expr:
    n = num("active_subsidies").round(0).cast(pl.Int64)
    return (
        pl.when(n.is_null() | (n <= 0))
        .then(pl.lit(pick(lang, "目前没有在发的补贴", "no subsidy being paid now")))
        .when(n == 1)
        .then(pl.lit(pick(lang, "目前只有1项补贴在发", "only 1 subsidy being paid now")))
        .otherwise(
            pl.format(
                pick(lang, "目前有{}项补贴在发", "{} subsidies being paid now"), n.cast(pl.String)
            )
        )
    )


def _policy_expiry(lang: str) -> pl.Expr:
    m = num("months_to_policy_expiry")
    return (
        pl.when(m.is_null())
        .then(pl.lit(pick(lang, "补贴政策没有到期日", "subsidy policy has no expiry date")))
        .when(m < 0)
        .then(pl.lit(pick(lang, "所享补贴政策已到期", "the subsidy policy has expired")))
        .when(m < 1)
        .then(pl.lit(pick(lang, "所享补贴政策本月到期", "the subsidy policy expires this month")))
        .otherwise(
            pl.format(
                pick(lang, "所享补贴政策{}后到期", "the subsidy policy expires in {}"),
                as_months(m, lang),
            )
        )
    )


def _change(column: str, words: dict[str, tuple[str, str]], offset: float = 0.0) -> Callable:
    """A signed change (value - offset): words for null, down, flat, up ({} = percentage)."""

    def build(lang: str) -> pl.Expr:
        v = num(column) - offset
        text = {k: pick(lang, *pair) for k, pair in words.items()}
        return (
            pl.when(v.is_null())
            .then(pl.lit(text["null"]))
            .when(v <= -_TINY)
            .then(pl.format(text["down"], as_pct(v)))
            .when(v < _TINY)
            .then(pl.lit(text["flat"]))
            .otherwise(pl.format(text["up"], as_pct(v)))
        )

    return build


def _job_changes(months: int) -> Callable:
    def build(lang: str) -> pl.Expr:
        n = num(f"job_changes_{months}m")
        return (
            pl.when(n.is_null() | (n < 0.5))
            .then(
                pl.lit(
                    pick(
                        lang,
                        f"近{months}个月没有换过工作",
                        f"no change of employer in {months} months",
                    )
                )
            )
            .otherwise(
                pl.format(
                    pick(
                        lang,
                        f"近{months}个月在德州换了{{}}工作",
                        f"changed employer {{}} in {months} months",
                    ),
                    as_times(n, lang),
                )
            )
        )

    return build


def _months_since_job_change(lang: str) -> pl.Expr:
    m = num("months_since_job_change")
    return pl.format(
        pick(lang, "在现单位工作了{}", "{} with the current employer"), as_months(m, lang)
    )


def _last_contribution(lang: str) -> pl.Expr:
    m = num("months_since_last_contribution")
    return (
        pl.when(m.is_null() | (m < 0.5))
        .then(
            pl.lit(
                pick(
                    lang,
                    "最近一个月仍在德州缴纳社保",
                    "still paying social insurance in Dezhou last month",
                )
            )
        )
        .otherwise(
            pl.format(
                pick(lang, "已有{}没有在德州缴纳社保", "no social insurance paid in Dezhou for {}"),
                as_months(m, lang),
            )
        )
    )


def _subsidy_type(lang: str) -> pl.Expr:
    kind = label_code(pl.col("subsidy_type"), "subsidy_type", lang)
    return (
        pl.when(pl.col("subsidy_type").is_null())
        .then(pl.lit(pick(lang, "没有按月发放的补贴", "no periodic subsidy")))
        .otherwise(pl.format(pick(lang, "主要补贴为{}", "main subsidy is a {}"), kind))
    )


def _paid_months(lang: str) -> pl.Expr:
    """Gaps in the last 12 known months since arrival, not counting a current stop (reported
    on its own) nor the months before the talent arrived."""
    from reports.reason_rules import insurance_gaps

    gaps = insurance_gaps().round(0).cast(pl.Int64)
    return (
        pl.when(gaps.is_null() | (gaps < 1))
        .then(
            pl.lit(
                pick(
                    lang,
                    "近12个月在德州连续缴纳社保",
                    "social insurance paid in Dezhou without a break in the last 12 months",
                )
            )
        )
        .otherwise(
            pl.format(
                pick(
                    lang,
                    "近12个月在德州缴纳社保中断过{}个月",
                    "social insurance in Dezhou broke off for {} of the last 12 months",
                ),
                gaps.cast(pl.String),
            )
        )
    )


SENTENCES: dict[str, Callable[[str], pl.Expr]] = {
    "subsidy_type": _subsidy_type,
    "paid_months_12m": _paid_months,
    "months_to_subsidy_end": _subsidy_end,
    "subsidy_monthly_amount": _amount_or_none(
        "subsidy_monthly_amount",
        "没有按月补贴",
        "no monthly subsidy",
        "每月补贴{}元",
        "monthly subsidy of {} yuan",
    ),
    "subsidy_share_of_base": _share_of_base,
    "active_subsidies": _active_subsidies,
    "lump_sum_in_service": _amount_or_none(
        "lump_sum_in_service",
        "没有仍在服务期内的一次性补贴",
        "no lump-sum grant still binding a service period",
        "一次性补贴{}元仍在服务期内",
        "lump-sum grants of {} yuan still bind a service period",
    ),
    "clawback_amount": _amount_or_none(
        "clawback_amount",
        "现在离开无需退还补贴",
        "leaving now would not mean refunding any grant",
        "现在离开需退还补贴约{}元",
        "leaving now would mean refunding about {} yuan",
    ),
    "months_to_policy_expiry": _policy_expiry,
    "contribution_base": _amount_or_none(
        "contribution_base",
        "没有缴费基数记录",
        "no pay on record",
        "月缴费基数{}元",
        "monthly pay (contribution base) of {} yuan",
    ),
    "base_growth_12m": _change(
        "base_growth_12m",
        {
            "null": ("近12个月工资变化无记录", "no pay record from 12 months ago"),
            "down": ("近12个月工资下降{}%", "pay fell {}% in 12 months"),
            "flat": ("近12个月没有涨工资", "no pay rise in 12 months"),
            "up": ("近12个月工资涨了{}%", "pay rose {}% in 12 months"),
        },
    ),
    "base_ratio_to_peers": _change(
        "base_ratio_to_peers",
        {
            "null": (
                "没有本县同学历人员的工资可比",
                "no peers with the same degree in this county to compare pay",
            ),
            "down": (
                "工资比本县同学历人员低{}%",
                "pay {}% below peers with the same degree in this county",
            ),
            "flat": (
                "工资与本县同学历人员持平",
                "pay on a par with peers with the same degree in this county",
            ),
            "up": (
                "工资比本县同学历人员高{}%",
                "pay {}% above peers with the same degree in this county",
            ),
        },
        offset=1.0,
    ),
    "job_changes_12m": _job_changes(12),
    "job_changes_24m": _job_changes(24),
    "months_since_job_change": _months_since_job_change,
    "months_since_last_contribution": _last_contribution,
}
