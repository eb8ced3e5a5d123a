"""Counts and curves the workbook and the HTML report show (no personal data)."""

from __future__ import annotations

import polars as pl

from reports.labels import ENUM_LABELS

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
    """Per county: talents, counts per tier, mean p_leave_6m, rows listed in its sheet."""
    return (
        risk_list.lazy()
        .group_by("county")
        .agg(
            pl.len().alias("talents"),
            *[(pl.col("risk_tier") == t).sum().alias(t) for t in ("high", "medium", "low")],
            pl.col("p_leave_6m").mean().alias("mean_p_leave_6m"),
            pl.col("risk_tier").is_in(list(tiers)).sum().clip(upper_bound=max_rows).alias("shown"),
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


def summarise_cliff(
    risk_list: pl.DataFrame, low: int = -12, high: int = 36, min_talents: int = 5
) -> pl.DataFrame:
    """Mean risk by months to subsidy end (clipped to [low, high]), points with enough talents."""
    return (
        risk_list.lazy()
        .filter(pl.col("months_to_subsidy_end").is_not_null())
        .with_columns(
            pl.col("months_to_subsidy_end").clip(low, high).cast(pl.Int32).alias("months")
        )
        .group_by("months")
        .agg(
            pl.len().alias("talents"),
            *[pl.col(f"p_leave_{h}m").mean().alias(f"mean_p_leave_{h}m") for h in (3, 6, 12)],
        )
        .filter(pl.col("talents") >= min_talents)
        .sort("months")
        .collect()
    )
