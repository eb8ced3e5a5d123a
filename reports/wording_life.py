"""Sentences for life events, employer, background and season features, in zh and en."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from reports.phrasing import as_int, as_label, as_months, as_pct, num, pick

_TINY = 0.005

# event: (done m months ago, done, not done), each (zh, en); {} = "3个月" / "3 months"
EVENTS: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    "hukou_moved": (
        ("{}前落户德州", "hukou moved to Dezhou {} ago"),
        ("已落户德州", "hukou in Dezhou"),
        ("户口未迁入德州", "hukou not moved to Dezhou"),
    ),
    "spouse_placed": (
        ("配偶{}前在德州安置", "spouse placed in Dezhou {} ago"),
        ("配偶已在德州安置", "spouse placed in Dezhou"),
        ("配偶未在德州安置", "spouse not placed in Dezhou"),
    ),
    "child_enrolled": (
        ("子女{}前在德州入学", "child enrolled in a Dezhou school {} ago"),
        ("子女已在德州入学", "child in school in Dezhou"),
        ("没有子女在德州入学", "no child in school in Dezhou"),
    ),
    "home_purchased": (
        ("{}前在德州购房", "bought a home in Dezhou {} ago"),
        ("已在德州购房", "owns a home in Dezhou"),
        ("未在德州购房", "has not bought a home in Dezhou"),
    ),
    "married": (
        ("{}前结婚", "married {} ago"),
        ("已婚", "married"),
        ("无结婚登记", "no marriage on record"),
    ),
    "title_awarded": (
        ("{}前评定职称", "professional title awarded {} ago"),
        ("已评定职称", "holds a professional title"),
        ("尚未评定职称", "no professional title yet"),
    ),
}

HOMETOWN = {
    "dezhou": ("德州本地人", "a Dezhou native"),
    "shandong": ("非德州本地人(山东省内)", "not a Dezhou native (from elsewhere in Shandong)"),
    "other_province": ("非德州本地人(外省)", "not a Dezhou native (from another province)"),
    "overseas": ("非德州本地人(境外)", "not a Dezhou native (from abroad)"),
}

MONTHS_EN = "January February March April May June July August September October November December"


def _event(event: str) -> Callable[[str], pl.Expr]:
    ago, done, never = EVENTS[event]

    def build(lang: str) -> pl.Expr:
        since, flag = num(f"months_since_{event}"), num(event)
        return (
            pl.when(since.is_not_null() & (since >= 0))
            .then(pl.format(pick(lang, *ago), as_months(since, lang)))
            .when(flag >= 0.5)
            .then(pl.lit(pick(lang, *done)))
            .otherwise(pl.lit(pick(lang, *never)))
        )

    return build


def _labelled(column: str, kind: str, zh: str, en: str, unknown: tuple[str, str]) -> Callable:
    def build(lang: str) -> pl.Expr:
        return (
            pl.when(pl.col(column).is_null())
            .then(pl.lit(pick(lang, *unknown)))
            .otherwise(pl.format(pick(lang, zh, en), as_label(column, kind, lang)))
        )

    return build


def _hometown(lang: str) -> pl.Expr:
    mapping = {code: pick(lang, *pair) for code, pair in HOMETOWN.items()}
    other = pick(lang, "非德州本地人", "not a Dezhou native")
    return pl.col("hometown").cast(pl.String).replace_strict(mapping, default=other)


def _headcount(lang: str) -> pl.Expr:
    v = num("employer_headcount_trend_6m")
    return (
        pl.when(v.is_null())
        .then(pl.lit(pick(lang, "所在单位人数变化无记录", "no headcount history for the employer")))
        .when(v <= -_TINY)
        .then(
            pl.format(
                pick(
                    lang, "所在单位6个月内人员减少{}%", "employer lost {}% of its staff in 6 months"
                ),
                as_pct(v),
            )
        )
        .when(v < _TINY)
        .then(
            pl.lit(
                pick(
                    lang, "所在单位6个月内人数没有增长", "employer's staff did not grow in 6 months"
                )
            )
        )
        .otherwise(
            pl.format(
                pick(lang, "所在单位6个月内人员增加{}%", "employer's staff grew {}% in 6 months"),
                as_pct(v),
            )
        )
    )


def _rate(column: str, none: tuple[str, str], some: tuple[str, str]) -> Callable:
    def build(lang: str) -> pl.Expr:
        v = num(column)
        return (
            pl.when(v.is_null() | (v < _TINY))
            .then(pl.lit(pick(lang, *none)))
            .otherwise(pl.format(pick(lang, *some), as_pct(v)))
        )

    return build


def _month_of_year(lang: str) -> pl.Expr:
    m = num("month_of_year").round(0).cast(pl.Int64)
    if lang == "zh":
        return pl.format("{}月是人员流动较多的月份", m.cast(pl.String))
    names = pl.Series(MONTHS_EN.split())
    month = m.replace_strict(dict(enumerate(names.to_list(), start=1)), default="this month")
    return pl.format("job moves run higher in {}", month)


def _spring_festival(lang: str) -> pl.Expr:
    m = num("months_to_spring_festival")
    return (
        pl.when(m.is_null() | (m < 0.5))
        .then(
            pl.lit(
                pick(
                    lang,
                    "春节将至,节后是跳槽高峰",
                    "the Spring Festival is near; job changes peak after it",
                )
            )
        )
        .otherwise(
            pl.format(
                pick(
                    lang,
                    "距春节还有{},节后是跳槽高峰",
                    "{} to the Spring Festival; job changes peak after it",
                ),
                as_months(m, lang),
            )
        )
    )


def _simple(column: str, zh: str, en: str, fmt: Callable) -> Callable:
    def build(lang: str) -> pl.Expr:
        return pl.format(pick(lang, zh, en), fmt(column, lang))

    return build


def _months_or(column: str, none: tuple[str, str], some: tuple[str, str]) -> Callable:
    """'{}' is the month count; `none` when the feature is empty (no such grant)."""

    def build(lang: str) -> pl.Expr:
        v = num(column)
        return (
            pl.when(v.is_null())
            .then(pl.lit(pick(lang, *none)))
            .otherwise(pl.format(pick(lang, *some), as_months(v, lang)))
        )

    return build


def _count(column: str, none: tuple[str, str], some: tuple[str, str]) -> Callable:
    """'{}' is a whole count; `none` when it is 0 or empty."""

    def build(lang: str) -> pl.Expr:
        v = num(column)
        return (
            pl.when(v.is_null() | (v < 0.5))
            .then(pl.lit(pick(lang, *none)))
            .otherwise(pl.format(pick(lang, *some), as_int(v)))
        )

    return build


def _own_county(lang: str) -> pl.Expr:
    v = num("employer_in_talent_county")
    return (
        pl.when(v.is_null())
        .then(pl.lit(pick(lang, "所在单位所在县不详", "employer's county unknown")))
        .when(v >= 0.5)
        .then(
            pl.lit(pick(lang, "所在单位在本人登记的县市区", "employer in the talent's own county"))
        )
        .otherwise(
            pl.lit(
                pick(
                    lang, "所在单位不在本人登记的县市区", "employer outside the talent's own county"
                )
            )
        )
    )


SENTENCES: dict[str, Callable[[str], pl.Expr]] = {
    "employer_hires_6m": _rate(
        "employer_hires_6m",
        ("所在单位近6个月没有新进人才", "the employer hired no talent in 6 months"),
        (
            "所在单位近6个月新进人才相当于现有人数的{}%",
            "the employer hired {}% of its staff in 6 months",
        ),
    ),
    "employer_base_cut_share_12m": _rate(
        "employer_base_cut_share_12m",
        ("所在单位近12个月没有人降薪", "no pay cuts at the employer in 12 months"),
        (
            "所在单位{}%的人才工资比12个月前低",
            "{}% of the employer's talents earn less than 12 months ago",
        ),
    ),
    "employer_moves_out_6m": _rate(
        "employer_moves_out_6m",
        (
            "所在单位近6个月没有人转到市内其他单位",
            "no colleague moved to another Dezhou employer in 6 months",
        ),
        (
            "所在单位近6个月有{}%的人才转到市内其他单位",
            "{}% of the employer's talents moved to other Dezhou employers in 6 months",
        ),
    ),
    "employer_departure_rate_eb": _rate(
        "employer_departure_rate_eb",
        ("所在单位历来很少有人才离开德州", "the employer's talents have rarely left Dezhou"),
        (
            "所在单位人才每年约有{}%离开德州",
            "about {}% of the employer's talents leave Dezhou each year",
        ),
    ),
    "months_to_second_subsidy_end": _months_or(
        "months_to_second_subsidy_end",
        ("没有第二项按月补贴", "no second monthly subsidy"),
        ("第二项按月补贴{}后到期", "a second monthly subsidy ends in {}"),
    ),
    "months_to_service_end": _months_or(
        "months_to_service_end",
        ("没有在服务期内的一次性补贴", "no lump sum with a service period running"),
        (
            "一次性补贴服务期{}后届满,之后离开无需退还",
            "the lump sum's service period ends in {}; no refund after it",
        ),
    ),
    "months_since_service_end": _months_or(
        "months_since_service_end",
        ("没有已届满的服务期", "no service period has ended"),
        (
            "一次性补贴服务期已届满{},离开无需退还",
            "the lump sum's service period ended {} ago; leaving costs no refund",
        ),
    ),
    "stabilising_events": _count(
        "stabilising_events",
        ("尚无落户、购房、成家等稳定因素", "no settling ties yet (hukou, home, family, title)"),
        ("已有{}项落户、购房、成家等稳定因素", "{} settling ties (hukou, home, family, title)"),
    ),
    "unpaid_months_24m": _count(
        "unpaid_months_24m",
        ("近24个月社保没有中断", "no gap in social insurance in 24 months"),
        ("近24个月累计{}个月未缴社保", "{} unpaid months of social insurance in 24 months"),
    ),
    "employer_in_talent_county": _own_county,
    **{event: _event(event) for event in EVENTS},
    "employer_industry": _labelled(
        "employer_industry",
        "industry",
        "所在单位属{}行业",
        "employer in {}",
        ("所在单位行业不详", "employer's industry unknown"),
    ),
    "employer_ownership": _labelled(
        "employer_ownership",
        "ownership",
        "在{}工作",
        "works for {}",
        ("所在单位性质不详", "employer's ownership unknown"),
    ),
    "employer_size": _labelled(
        "employer_size",
        "size_band",
        "所在单位为{}单位",
        "works for a {} employer",
        ("所在单位规模不详", "employer's size unknown"),
    ),
    "employer_headcount_trend_6m": _headcount,
    "employer_headcount": _simple(
        "employer_headcount",
        "所在单位登记在册的人才{}人",
        "employer has {} registered talents",
        lambda c, lang: as_int(num(c)),
    ),
    "employer_departures_6m": _rate(
        "employer_departures_6m",
        ("所在单位6个月内没有人才离开", "no talent left the employer in 6 months"),
        (
            "所在单位6个月内有{}%的人才离开德州",
            "{}% of the employer's talents left Dezhou in 6 months",
        ),
    ),
    "county_departure_rate_12m": _rate(
        "county_departure_rate_12m",
        ("本县近12个月没有人才离开", "no talent left this county in the last 12 months"),
        ("本县近12个月有{}%的人才离开", "{}% of this county's talents left in the last 12 months"),
    ),
    "education": _labelled(
        "education", "education", "学历为{}", "holds {}", ("学历不详", "degree unknown")
    ),
    "university_tier": _labelled(
        "university_tier",
        "university_tier",
        "毕业于{}",
        "studied at {}",
        ("毕业院校不详", "university unknown"),
    ),
    "major_field": _labelled(
        "major_field",
        "major_field",
        "所学专业为{}",
        "studied {}",
        ("专业不详", "field of study unknown"),
    ),
    "program": _labelled(
        "program", "program", "通过{}引进", "came under {}", ("引进项目不详", "programme unknown")
    ),
    "county": _labelled(
        "county", "county", "在{}工作", "works in {}", ("工作县市区不详", "county unknown")
    ),
    "hometown": _hometown,
    "age": _simple("age", "年龄{}岁", "aged {}", lambda c, lang: as_int(num(c))),
    "tenure_months": _simple(
        "tenure_months", "来德州工作{}", "in Dezhou for {}", lambda c, lang: as_months(num(c), lang)
    ),
    "month_of_year": _month_of_year,
    "months_to_spring_festival": _spring_festival,
}
