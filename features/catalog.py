"""The features: each a function returning a named polars expression over the assembled frame.

The assembled frame (built by `features.snapshots`) holds the talent's attributes, the state of
their contributions at the last month known at `as_of` (`_k`), and the context aggregates;
columns starting with `_` are internal. Every expression here only combines those columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import polars as pl

from features.timeline import month_index_expr, months_between, years_between

EVENTS = (
    "hukou_moved",
    "spouse_placed",
    "child_enrolled",
    "home_purchased",
    "married",
    "title_awarded",
)
EVENTS_ZH = {
    "hukou_moved": "落户",
    "spouse_placed": "配偶安置",
    "child_enrolled": "子女入学",
    "home_purchased": "购房",
    "married": "结婚",
    "title_awarded": "职称评定",
}
# Chinese New Year (春节), the day job-hopping peaks after.
SPRING_FESTIVAL = {
    2000: date(2000, 2, 5), 2001: date(2001, 1, 24), 2002: date(2002, 2, 12),
    2003: date(2003, 2, 1), 2004: date(2004, 1, 22), 2005: date(2005, 2, 9),
    2006: date(2006, 1, 29), 2007: date(2007, 2, 18), 2008: date(2008, 2, 7),
    2009: date(2009, 1, 26), 2010: date(2010, 2, 14), 2011: date(2011, 2, 3),
    2012: date(2012, 1, 23), 2013: date(2013, 2, 10), 2014: date(2014, 1, 31),
    2015: date(2015, 2, 19), 2016: date(2016, 2, 8), 2017: date(2017, 1, 28),
    2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25),
    2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
    2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11),
    2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
    2036: date(2036, 1, 28), 2037: date(2037, 2, 15), 2038: date(2038, 2, 4),
    2039: date(2039, 1, 24), 2040: date(2040, 2, 12),
}  # fmt: skip


@dataclass(frozen=True)
class Feature:
    """A model feature: its column name, kind and meaning in English and Chinese."""

    name: str
    kind: Literal["numeric", "categorical"]
    doc_en: str
    doc_zh: str
    build: Callable[[], pl.Expr] | None = field(default=None, compare=False, repr=False)

    def expr(self) -> pl.Expr:
        """The polars expression computing this feature from the assembled frame."""
        return self.build() if self.build is not None else pl.col(self.name)


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """num / den as Float64, null when the denominator is null or zero."""
    return pl.when(den != 0).then(num.cast(pl.Float64) / den.cast(pl.Float64))


def _m0() -> pl.Expr:
    return month_index_expr("as_of")


def age() -> pl.Expr:
    """Age in completed years at as_of."""
    return years_between(pl.col("birth_date"), pl.col("as_of")).alias("age")


def tenure_months() -> pl.Expr:
    """Whole months since arrival in the city under the program."""
    return months_between(pl.col("arrival_date"), pl.col("as_of")).alias("tenure_months")


def months_to_subsidy_end() -> pl.Expr:
    """Whole months from as_of to the main periodic subsidy's end; negative once passed."""
    return months_between(pl.col("as_of"), pl.col("subsidy_end_date")).alias(
        "months_to_subsidy_end"
    )


def subsidy_monthly_amount() -> pl.Expr:
    """Monthly amount (yuan) of the main periodic subsidy."""
    return pl.col("_subsidy_amount").cast(pl.Float64).alias("subsidy_monthly_amount")


def subsidy_type() -> pl.Expr:
    """Type of the main periodic subsidy (living, rent, allowance...)."""
    return pl.col("_subsidy_type").alias("subsidy_type")


def subsidy_share_of_base() -> pl.Expr:
    """Main periodic subsidy's monthly amount over the latest contribution base."""
    return _ratio(pl.col("_subsidy_amount"), pl.col("contribution_base")).alias(
        "subsidy_share_of_base"
    )


def active_subsidies() -> pl.Expr:
    """Number of grants (periodic or lump-sum service periods) running at as_of."""
    return pl.col("_active_subsidies").fill_null(0).cast(pl.Int32).alias("active_subsidies")


def lump_sum_in_service() -> pl.Expr:
    """Total lump sums (yuan) whose service period is still running at as_of."""
    return pl.col("_lump_in_service").fill_null(0.0).alias("lump_sum_in_service")


def months_to_second_subsidy_end() -> pl.Expr:
    """Whole months from as_of to the end of the running periodic grant that ends next after the main one; null if fewer than two run."""
    return months_between(pl.col("as_of"), pl.col("_second_subsidy_end")).alias(
        "months_to_second_subsidy_end"
    )


def months_to_service_end() -> pl.Expr:
    """Whole months from as_of to the next end of a lump sum's service period (clawback ends); null if none runs."""
    return months_between(pl.col("as_of"), pl.col("_service_end")).alias("months_to_service_end")


def months_since_service_end() -> pl.Expr:
    """Whole months since the latest lump-sum service period ended (no clawback since); null if none has."""
    return months_between(pl.col("_service_ended"), pl.col("as_of")).alias(
        "months_since_service_end"
    )


def clawback_amount() -> pl.Expr:
    """Refund (yuan) a departure now would cost: lump x remaining / total service months."""
    return pl.col("_clawback").fill_null(0.0).alias("clawback_amount")


def months_to_policy_expiry() -> pl.Expr:
    """Whole months to the earliest expiry of a policy paying an active grant."""
    return months_between(pl.col("as_of"), pl.col("_policy_expiry")).alias(
        "months_to_policy_expiry"
    )


def contribution_base() -> pl.Expr:
    """Latest known monthly contribution base (yuan), the salary proxy."""
    return pl.col("contribution_base").cast(pl.Float64).alias("contribution_base")


def base_growth_12m() -> pl.Expr:
    """Latest base over the base paid 12 months before the latest paid month, minus 1."""
    return (_ratio(pl.col("contribution_base"), pl.col("_base_12m_ago")) - 1).alias(
        "base_growth_12m"
    )


def base_ratio_to_peers() -> pl.Expr:
    """Latest base over the median latest base of present peers (same education and county)."""
    peers = pl.col("contribution_base").median().over("as_of", "education", "county")
    return _ratio(pl.col("contribution_base"), peers).alias("base_ratio_to_peers")


def job_changes_12m() -> pl.Expr:
    """Within-city employer changes in the last 12 known months."""
    return (pl.col("_changes_cum") - pl.col("_changes_cum_12").fill_null(0)).alias(
        "job_changes_12m"
    )


def job_changes_24m() -> pl.Expr:
    """Within-city employer changes in the last 24 known months."""
    return (pl.col("_changes_cum") - pl.col("_changes_cum_24").fill_null(0)).alias(
        "job_changes_24m"
    )


def months_since_job_change() -> pl.Expr:
    """Months from the last employer change to as_of's month (tenure if none)."""
    since = _m0() - pl.col("_last_change")
    return pl.coalesce(since, tenure_months()).alias("months_since_job_change")


def months_since_last_contribution() -> pl.Expr:
    """Months between the last known month and the last paid month (0 = paid in it)."""
    return (pl.col("_k") - pl.col("_last_paid")).alias("months_since_last_contribution")


def paid_months_12m() -> pl.Expr:
    """Months with a contribution among the last 12 known months."""
    return (pl.col("_paid_cum") - pl.col("_paid_cum_12").fill_null(0)).alias("paid_months_12m")


def unpaid_months_24m() -> pl.Expr:
    """Months without a contribution among the last 24 known months, counted from the first paid month."""
    window = (pl.col("_k") - pl.col("_first_paid") + 1).clip(0, 24)
    paid = pl.col("_paid_cum") - pl.col("_paid_cum_24").fill_null(0)
    return (window - paid).cast(pl.Int32).alias("unpaid_months_24m")


def employer_headcount() -> pl.Expr:
    """Registry talents paying through the current employer in the last known month."""
    return pl.col("_hc_now").fill_null(0).cast(pl.Int32).alias("employer_headcount")


def employer_headcount_trend_6m() -> pl.Expr:
    """Employer's paying headcount in the last known month over 6 months earlier, minus 1."""
    return (_ratio(pl.col("_hc_now").fill_null(0), pl.col("_hc_6")) - 1).alias(
        "employer_headcount_trend_6m"
    )


def employer_departures_6m() -> pl.Expr:
    """Share of the employer's talents (present + departed) whose departure was confirmed in the last 6 known months."""
    dep = pl.col("_emp_dep_6").fill_null(0)
    return _ratio(dep, dep + pl.col("_hc_now").fill_null(0)).alias("employer_departures_6m")


def employer_hires_6m() -> pl.Expr:
    """Employer's new joiners (first contribution or change to it) in the last 6 known months over its headcount now."""
    return _ratio(pl.col("_joins_6").fill_null(0), pl.col("_hc_now")).alias("employer_hires_6m")


def employer_base_cut_share_12m() -> pl.Expr:
    """Share of the employer's present talents paying in the last known month whose base is below the base they paid 12+ months before."""
    return pl.col("_base_cut").cast(pl.Float64).alias("employer_base_cut_share_12m")


def employer_moves_out_6m() -> pl.Expr:
    """Share of the employer's talents (present + moved) who changed to another employer in the city in the last 6 known months."""
    moved = pl.col("_moves_6").fill_null(0)
    return _ratio(moved, moved + pl.col("_hc_now").fill_null(0)).alias("employer_moves_out_6m")


def employer_departure_rate_eb() -> pl.Expr:
    """Employer's departures per talent-year since the registry opened, shrunk towards the city's rate (prior: 10 talent-years)."""
    return (pl.col("_emp_rate") * 12).alias("employer_departure_rate_eb")


def employer_in_talent_county() -> pl.Expr:
    """1 if the current employer is registered in the county where the talent is registered to work, else 0."""
    same = pl.col("_employer_county") == pl.col("county")
    return same.cast(pl.Int8).alias("employer_in_talent_county")


def county_departure_rate_12m() -> pl.Expr:
    """Share of the county's talents (present + departed) whose departure was confirmed in the last 12 known months."""
    dep = pl.col("_county_dep_12").fill_null(0)
    return _ratio(dep, dep + pl.col("_county_hc").fill_null(0)).alias("county_departure_rate_12m")


def event_flag(event: str) -> pl.Expr:
    """1 if the life event happened before as_of, else 0."""
    return pl.col(f"_event_{event}").is_not_null().cast(pl.Int8).alias(event)


def months_since_event(event: str) -> pl.Expr:
    """Whole months since the latest such event before as_of, null if none."""
    return months_between(pl.col(f"_event_{event}"), pl.col("as_of")).alias(f"months_since_{event}")


def stabilising_events() -> pl.Expr:
    """Number of the stabilising life events (married, spouse placed, child enrolled, home purchased, hukou moved, title awarded) that happened before as_of."""
    return pl.sum_horizontal(
        pl.col(f"_event_{e}").is_not_null().cast(pl.Int32) for e in EVENTS
    ).alias("stabilising_events")


def month_of_year() -> pl.Expr:
    """Calendar month (1-12) of as_of."""
    return pl.col("as_of").dt.month().cast(pl.Int32).alias("month_of_year")


def months_to_spring_festival() -> pl.Expr:
    """Whole months from as_of to the next Spring Festival (春节)."""
    year = pl.col("as_of").dt.year()
    this_year = year.replace_strict(SPRING_FESTIVAL, default=None, return_dtype=pl.Date)
    next_year = (year + 1).replace_strict(SPRING_FESTIVAL, default=None, return_dtype=pl.Date)
    upcoming = pl.when(pl.col("as_of") <= this_year).then(this_year).otherwise(next_year)
    return months_between(pl.col("as_of"), upcoming).alias("months_to_spring_festival")


def as_is(name: str) -> pl.Expr:
    """A talent or employer attribute, as it is (a string)."""
    return pl.col(name).cast(pl.String).alias(name)


def _feature(fn: Callable[[], pl.Expr], kind: str, doc_zh: str, name: str | None = None) -> Feature:
    """A catalog entry from a feature function (its docstring is the English meaning)."""
    return Feature(name or fn.__name__, kind, (fn.__doc__ or "").strip(), doc_zh, fn)  # type: ignore[arg-type]


def _attribute(name: str, doc_en: str, doc_zh: str) -> Feature:
    return Feature(name, "categorical", doc_en, doc_zh, lambda: as_is(name))


def _event_features() -> list[Feature]:
    out = []
    for event in EVENTS:
        zh = EVENTS_ZH[event]
        en = event.replace("_", " ")
        out.append(
            Feature(event, "numeric", f"1 if {en} before as_of, else 0",
                    f"快照日前是否已{zh}（1 是，0 否）", lambda e=event: event_flag(e))
        )  # fmt: skip
        out.append(
            Feature(f"months_since_{event}", "numeric",
                    f"Whole months since {en} (latest before as_of), null if never",
                    f"距{zh}的整月数（无则为空）", lambda e=event: months_since_event(e))
        )  # fmt: skip
    return out


FEATURES: list[Feature] = [
    _feature(age, "numeric", "快照日的周岁年龄"),
    _attribute("education", "Highest degree (as in talents)", "学历"),
    _attribute("university_tier", "Tier of the university (as in talents)", "院校层次"),
    _attribute("major_field", "Field of study (as in talents)", "专业门类"),
    _attribute("hometown", "Where the talent comes from (as in talents)", "生源地"),
    _attribute("program", "Talent program that brought them (as in talents)", "引才项目"),
    _attribute("county", "County (district) where the talent works", "工作所在县（市、区）"),
    _feature(tenure_months, "numeric", "来德工作的整月数"),
    _feature(months_to_subsidy_end, "numeric", "距主要按月补贴到期的整月数，已到期为负"),
    _feature(subsidy_monthly_amount, "numeric", "主要按月补贴的月额（元）"),
    _feature(subsidy_type, "categorical", "主要按月补贴的类型（生活、租房、津贴等）"),
    _feature(subsidy_share_of_base, "numeric", "主要按月补贴占最近社保缴费基数的比例"),
    _feature(active_subsidies, "numeric", "快照日仍在发放或服务期内的补贴项数"),
    _feature(lump_sum_in_service, "numeric", "仍在服务期内的一次性补贴总额（元）"),
    _feature(months_to_second_subsidy_end, "numeric", "距主要补贴之后下一项按月补贴到期的整月数（不足两项在发则为空）"),
    _feature(clawback_amount, "numeric", "此时离开需按比例退还的补贴金额（元）"),
    _feature(months_to_service_end, "numeric", "距一次性补贴服务期届满（不再退还）的整月数（无在服务期的则为空）"),
    _feature(months_since_service_end, "numeric", "最近一项一次性补贴服务期届满后的整月数（无则为空）"),
    _feature(months_to_policy_expiry, "numeric", "发放在享补贴的政策最早到期的整月数"),
    _feature(contribution_base, "numeric", "最近已知的月社保缴费基数（元），收入的代理"),
    _feature(base_growth_12m, "numeric", "缴费基数近12个月的增长率"),
    _feature(base_ratio_to_peers, "numeric", "缴费基数与同学历同县在册人才中位数之比"),
    _feature(job_changes_12m, "numeric", "近12个已知月份内在德州市内更换单位的次数"),
    _feature(job_changes_24m, "numeric", "近24个已知月份内在德州市内更换单位的次数"),
    _feature(months_since_job_change, "numeric", "距上次更换单位的月数（未换过则为在德月数）"),
    _feature(months_since_last_contribution, "numeric", "最近已知月份与最后缴费月份相隔的月数（0 为当月已缴）"),
    _feature(paid_months_12m, "numeric", "近12个已知月份中有社保缴费的月数"),
    _feature(unpaid_months_24m, "numeric", "近24个已知月份中（自首次缴费起）未缴社保的累计月数"),
    _attribute("employer_industry", "Current employer's industry", "现单位所属产业"),
    _attribute("employer_ownership", "Current employer's ownership", "现单位性质（民营、国有、事业单位等）"),
    _attribute("employer_size", "Current employer's size band", "现单位规模"),
    _feature(employer_headcount, "numeric", "现单位最近已知月份在册缴费人才数"),
    _feature(employer_headcount_trend_6m, "numeric", "现单位在册缴费人才数较6个月前的变化率"),
    _feature(employer_departures_6m, "numeric", "现单位人才中近6个已知月份确认离开德州的比例"),
    _feature(employer_hires_6m, "numeric", "现单位近6个已知月份新进人才数与现有在册人数之比（招聘停滞为低）"),
    _feature(employer_base_cut_share_12m, "numeric", "现单位在册缴费人才中缴费基数低于12个月前的比例（降薪）"),
    _feature(employer_moves_out_6m, "numeric", "现单位人才中近6个已知月份转到市内其他单位的比例"),
    _feature(employer_departure_rate_eb, "numeric", "现单位自有记录以来每人年离开德州的比率，按经验贝叶斯向全市比率收缩"),
    _feature(employer_in_talent_county, "numeric", "现单位是否在人才登记工作的县（市、区）（1 是，0 否）"),
    _feature(county_departure_rate_12m, "numeric", "所在县人才中近12个已知月份确认离开德州的比例"),
    *_event_features(),
    _feature(stabilising_events, "numeric", "快照日前已发生的稳定性生活事件项数（结婚、配偶安置、子女入学、购房、落户、职称）"),
    _feature(month_of_year, "numeric", "快照日所在月份（1-12）"),
    _feature(months_to_spring_festival, "numeric", "距下一个春节的整月数（节后是跳槽高峰）"),
]  # fmt: skip

IDENTITY = [
    "talent_id",
    "as_of",
    "county",
    "employer_id",
    "gender",
    "subsidy_end_date",
    "months_to_subsidy_end",
]


def feature_exprs() -> list[pl.Expr]:
    """The expressions of every catalog feature, in catalog order."""
    return [feature.expr() for feature in FEATURES]


def model_columns(
    frame: pl.DataFrame | pl.LazyFrame, allow_protected: tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """The model's (numeric, categorical) columns of a feature frame: catalog features then x_*.

    Protected x_* attributes (`features.protected`: gender, ethnicity, religion, age bands and
    similar) are left out unless named in `allow_protected`; the fairness audit still reads them.
    """
    from features.protected import is_protected

    names = frame.collect_schema().names()
    numeric = [f.name for f in FEATURES if f.kind == "numeric" and f.name in names]
    categorical = [f.name for f in FEATURES if f.kind == "categorical" and f.name in names]
    schema = frame.collect_schema()
    for name in names:
        if name.startswith("x_") and (not is_protected(name) or name in allow_protected):
            # Text of any polars kind (parquet dictionaries arrive as Categorical) is categorical.
            text = schema[name] in (pl.String, pl.Categorical) or isinstance(schema[name], pl.Enum)
            (categorical if text else numeric).append(name)
    return numeric, categorical


def render_features_doc() -> str:
    """docs/features.md: every feature's name, kind and meaning in Chinese and English."""
    lines = [
        "# Features / 特征说明",
        "",
        "Generated from `features.catalog.FEATURES` (a test keeps this page in sync).",
        "Every feature for a snapshot date uses only what was known before that date:",
        "contributions reported by then, events dated before it, grants started before it.",
        "Null means unknown or not applicable (no subsidy, no such event); counts and sums are 0.",
        "Every `x_*` column of `talents` is also a feature, as it is, except protected attributes",
        "(gender, sex, ethnicity, religion, age bands and similar: the name lists in",
        "`features/protected.py`), which only the fairness audit uses unless configured.",
        "Text `x_*` columns are categorical: the 24 most common levels held by at least 30",
        "talents are kept and the rest pooled into `__other__` (the run logs which); numeric",
        "ones keep their missingness (LightGBM's missing branch, the logistic half's indicator).",
        "",
        "本页由 `features.catalog.FEATURES` 生成。快照日的每个特征只使用当日已知的信息：",
        "已报送的社保缴费、此前发生的事件、此前开始的补贴。空值表示未知或不适用。",
        "",
        "| name | kind | 含义 | meaning |",
        "|---|---|---|---|",
    ]
    for f in FEATURES:
        lines.append(f"| `{f.name}` | {f.kind} | {f.doc_zh} | {f.doc_en} |")
    return "\n".join(lines) + "\n"
