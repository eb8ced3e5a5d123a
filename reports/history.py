"""What happened after subsidies ended: the realised monthly leave rate, from the extract itself.

A risk list holds only talents still present, so the past comes from the extract's own
contribution records (social_insurance) and grants (subsidies): for every talent whose main
periodic subsidy (the latest-ending grant paid monthly) ended before the last known month, the
share who left in each month around that end. Leaving follows the contract: paid in M-1 and
nothing in M, M+1, M+2 (gap of 3 months), counted only where those months are already known.
This is a reading of the registry, not a model output, and is labelled so.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

WINDOW = (-6, 12)  # months relative to the subsidy's last month
MIN_AT_RISK = 20


def last_known_month(as_of: dt.date, lag_months: int = 1, day: int = 15) -> int:
    """Month index (year*12 + month-1) of the last month whose contributions are known at as_of."""
    index = as_of.year * 12 + as_of.month - 1
    return index - lag_months - (0 if as_of.day >= day else 1)


def _index(column: str) -> pl.Expr:
    return (pl.col(column).dt.year() * 12 + pl.col(column).dt.month() - 1).cast(pl.Int32)


def leave_after_subsidy_end(
    tables: dict[str, pl.DataFrame],
    as_of: dt.date,
    gap_months: int = 3,
    lag_months: int = 1,
    window: tuple[int, int] = WINDOW,
    min_at_risk: int = MIN_AT_RISK,
) -> pl.DataFrame | None:
    """(months_since_end, at_risk, departed, rate) or None when the tables needed are missing.

    months_since_end k: 0 is the subsidy's last month, 1 the first month without it. at_risk:
    talents present at the start of that month (paid before it, not yet departed) whose month
    can already be told; departed: those whose departure month it is.
    """
    if not {"social_insurance", "subsidies"} <= set(tables):
        return None
    last = last_known_month(as_of, lag_months)
    paid = (
        tables["social_insurance"]
        .lazy()
        .select("talent_id", _index("month").alias("m"))
        .unique()
        .filter(pl.col("m") <= last)
        .sort("talent_id", "m")
        .with_columns(pl.col("m").shift(-1).over("talent_id").alias("next"))
    )
    stops = (pl.col("next") - pl.col("m") - 1 >= gap_months) | (
        pl.col("next").is_null() & (last - pl.col("m") >= gap_months)
    )
    people = paid.group_by("talent_id").agg(
        pl.col("m").min().alias("first"),
        (pl.col("m") + 1).filter(stops).min().alias("departed"),
    )
    if "talents" in tables and "program" in tables["talents"].columns:
        flexible = tables["talents"].lazy().filter(pl.col("program") == "flexible_expert")
        people = people.join(flexible.select("talent_id"), on="talent_id", how="anti")
    ends = (
        tables["subsidies"]
        .lazy()
        .filter(pl.col("monthly_amount").fill_null(0) > 0)
        .group_by("talent_id")
        .agg(pl.col("end_date").max())
        .select("talent_id", _index("end_date").alias("end"))
        .filter(pl.col("end") < last)
    )
    ks = pl.LazyFrame({"k": list(range(window[0], window[1] + 1))}, schema={"k": pl.Int32})
    x = pl.col("end") + pl.col("k")
    at_risk = (
        (pl.col("first") < x)
        & (pl.col("departed").is_null() | (pl.col("departed") >= x))
        & (x + gap_months - 1 <= last)
    )
    out = (
        people.join(ends, on="talent_id")
        .join(ks, how="cross")
        .filter(at_risk)
        .group_by("k")
        .agg(pl.len().alias("at_risk"), (pl.col("departed") == x).sum().alias("departed"))
        .filter(pl.col("at_risk") >= min_at_risk)
        .with_columns((pl.col("departed") / pl.col("at_risk")).alias("rate"))
        .rename({"k": "months_since_end"})
        .sort("months_since_end")
        .collect()
    )
    return out
