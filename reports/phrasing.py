"""Number, date and month phrasing shared by the zh/en sentence templates."""

from __future__ import annotations

import polars as pl

from reports.labels import label_code
from reports.numbers import ratio_pct, yuan_expr


def pick(lang: str, zh: str, en: str) -> str:
    """The zh or en variant of a template."""
    return zh if lang == "zh" else en


def as_int(value: pl.Expr) -> pl.Expr:
    """A number rounded to a whole number, as text."""
    return value.cast(pl.Float64).round(0).cast(pl.Int64).cast(pl.String)


def as_pct(value: pl.Expr) -> pl.Expr:
    """A ratio as a whole-number percentage without sign (0.3 -> '30'), rounded half up."""
    return ratio_pct(value)


def as_yuan(value: pl.Expr, lang: str) -> pl.Expr:
    """An amount in yuan as a whole number with thousands separators (one format, zh and en)."""
    return yuan_expr(value)


def as_date(value: pl.Expr) -> pl.Expr:
    """A date as YYYY-MM-DD."""
    return value.cast(pl.Date).dt.to_string("%Y-%m-%d")


def as_months(value: pl.Expr, lang: str) -> pl.Expr:
    """A count of months without sign: '3个月' or '3 months' / '1 month'."""
    n = value.cast(pl.Float64).abs().round(0).cast(pl.Int64)
    if lang == "zh":
        return pl.format("{}个月", n.cast(pl.String))
    return (
        pl.when(n == 1).then(pl.lit("1 month")).otherwise(pl.format("{} months", n.cast(pl.String)))
    )


def as_times(value: pl.Expr, lang: str) -> pl.Expr:
    """A count of occurrences: '2次' or 'once' / 'twice' / '3 times'."""
    n = value.cast(pl.Float64).round(0).cast(pl.Int64)
    if lang == "zh":
        return pl.format("{}次", n.cast(pl.String))
    return (
        pl.when(n == 1)
        .then(pl.lit("once"))
        .when(n == 2)
        .then(pl.lit("twice"))
        .otherwise(pl.format("{} times", n.cast(pl.String)))
    )


def as_label(column: str, kind: str, lang: str) -> pl.Expr:
    """A coded column as its zh/en label."""
    return label_code(pl.col(column), kind, lang)


def num(column: str) -> pl.Expr:
    """A feature column as Float64 (flags and counts may arrive as ints or booleans)."""
    return pl.col(column).cast(pl.Float64)
