"""One number format for every officer output: percentages, money, dates and months.

The workbook, the HTML report and the console all format through this module, so one
probability reads the same everywhere. A calibrated probability never prints as 0% or 100%:
whole percentages, rounded half up, with ">99%" at or above 99.5% and "<1%" below 0.5%.
The workbook keeps numbers as numbers and shows them with the matching Excel formats below.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

HIGH_CAP, LOW_CAP = 0.995, 0.005
EXCEL_PCT = '[>=0.995]">99%";[<0.005]"<1%";0%'  # the same rule as pct() in an Excel cell
EXCEL_DATE = "yyyy-mm-dd"
EXCEL_INT = "0"


def pct(p: float | None) -> str:
    """A probability as text: '37%', '>99%', '<1%'; '—' when unknown."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "—"
    if p >= HIGH_CAP:
        return ">99%"
    if p < LOW_CAP:
        return "<1%"
    return f"{math.floor(p * 100 + 0.5)}%"


def pct_expr(value: pl.Expr) -> pl.Expr:
    """pct() as a polars expression (the same rounding and caps)."""
    v = value.cast(pl.Float64)
    whole = (v * 100 + 0.5).floor().cast(pl.Int64).cast(pl.String)
    return (
        pl.when(v.is_null())
        .then(pl.lit("—"))
        .when(v >= HIGH_CAP)
        .then(pl.lit(">99%"))
        .when(v < LOW_CAP)
        .then(pl.lit("<1%"))
        .otherwise(pl.format("{}%", whole))
    )


def ratio_pct(value: pl.Expr) -> pl.Expr:
    """A ratio (a pay gap, a share) as a whole-number percentage without sign: 0.3 -> '30'."""
    return (value.cast(pl.Float64).abs() * 100 + 0.5).floor().cast(pl.Int64).cast(pl.String)


def yuan(amount: float | None, lang: str = "zh") -> str:
    """Money in whole yuan with thousands separators: '88,136元' / '88,136 yuan'."""
    if amount is None:
        return "—"
    text = f"{math.floor(abs(amount) + 0.5):,}"
    return f"{text}元" if lang == "zh" else f"{text} yuan"


def yuan_expr(value: pl.Expr) -> pl.Expr:
    """Whole yuan with thousands separators, as text without the unit ('88,136')."""
    n = (value.cast(pl.Float64).abs() + 0.5).floor().cast(pl.Int64)
    pad = [(n // 10**k % 1000).cast(pl.String).str.zfill(3) for k in (6, 3, 0)]
    return (
        pl.when(n >= 1_000_000)
        .then(pl.format("{},{},{}", (n // 1_000_000).cast(pl.String), pad[1], pad[2]))
        .when(n >= 1_000)
        .then(pl.format("{},{}", (n // 1_000).cast(pl.String), pad[2]))
        .otherwise(n.cast(pl.String))
    )


def date_text(day: dt.date | None) -> str:
    """A date as YYYY-MM-DD; '—' when unknown."""
    return "—" if day is None else day.strftime("%Y-%m-%d")


def date_expr(value: pl.Expr) -> pl.Expr:
    """date_text() as a polars expression (null stays null)."""
    return value.cast(pl.Date).dt.to_string("%Y-%m-%d")


def month_text(day: dt.date, lang: str = "zh") -> str:
    """A month: '2027年1月' / '2027-01'."""
    return f"{day.year}年{day.month}月" if lang == "zh" else f"{day.year}-{day.month:02d}"


def count(n: int | None) -> str:
    """A head count with thousands separators."""
    return "—" if n is None else f"{n:,}"
