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


SENTENCES: dict[str, Callable[[str], pl.Expr]] = {
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
