"""Counts and curves the workbook and the HTML report show (no personal data)."""

from __future__ import annotations

import polars as pl

from reports.labels import ENUM_LABELS
from reports.lists import paying

_COUNTY_ORDER = {code: i for i, code in enumerate(ENUM_LABELS["county"])}


def summarise_tiers(risk_list: pl.DataFrame) -> dict[str, int]:
    """Talents scored and per tier."""
    counts = dict(risk_list.group_by("risk_tier").len().iter_rows())
    return {
        "talents_scored": risk_list.height,
        **{f"tier_{t}": int(counts.get(t, 0)) for t in ("high", "medium", "low")},
    }


def summarise_counties(
    risk_list: pl.DataFrame, tiers: tuple[str, ...] = ("high", "medium"), max_rows: int = 3000
) -> pl.DataFrame:
    """Per county: talents, counts per tier, mean p_leave_6m, paying talents listed in its
    work sheet (shown) and talents who stopped paying (to_verify)."""
    return (
        risk_list.lazy()
        .group_by("county")
        .agg(
            pl.len().alias("talents"),
            *[(pl.col("risk_tier") == t).sum().alias(t) for t in ("high", "medium", "low")],
            pl.col("p_leave_6m").mean().alias("mean_p_leave_6m"),
            (pl.col("risk_tier").is_in(list(tiers)) & paying())
            .sum()
            .clip(upper_bound=max_rows)
            .alias("shown"),
            (pl.col("risk_tier").is_in(list(tiers)) & ~paying()).sum().alias("to_verify"),
        )
        .with_columns(
            pl.col("county")
            .replace_strict(_COUNTY_ORDER, default=99, return_dtype=pl.Int32)
            .alias("_order")
        )
        .sort(["_order", "county"])
        .drop("_order")
        .collect()
    )


def summarise_upcoming(risk_list: pl.DataFrame, months: int = 12) -> pl.DataFrame:
    """For each of the next `months` months (the as_of month first): talents whose main periodic
    subsidy ends in it and their mean p_leave_6m (null when none). Ended subsidies are left out."""
    schema = {"month": pl.Date, "talents": pl.UInt32, "mean_p_leave_6m": pl.Float64}
    days = risk_list["as_of"].drop_nulls()
    if days.len() == 0:
        return pl.DataFrame(schema=schema)
    as_of = days.first()
    start = as_of.year * 12 + as_of.month - 1
    grid = pl.DataFrame({"index": list(range(start, start + months))}, schema={"index": pl.Int32})
    ending = (
        risk_list.lazy()
        .filter(pl.col("subsidy_end_date").is_not_null() & (pl.col("subsidy_end_date") >= as_of))
        .with_columns(
            (pl.col("subsidy_end_date").dt.year() * 12 + pl.col("subsidy_end_date").dt.month() - 1)
            .cast(pl.Int32)
            .alias("index")
        )
        .group_by("index")
        .agg(pl.len().alias("talents"), pl.col("p_leave_6m").mean().alias("mean_p_leave_6m"))
        .collect()
    )
    return (
        grid.join(ending, on="index", how="left")
        .with_columns(
            pl.date(pl.col("index") // 12, pl.col("index") % 12 + 1, 1).alias("month"),
            pl.col("talents").fill_null(0).cast(pl.UInt32),
        )
        .sort("index")
        .select(list(schema))
    )
