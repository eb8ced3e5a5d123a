"""What changed since the previous risk list: new, risen, fallen, left the city."""

from __future__ import annotations

import polars as pl

from reports.tiers import rank_tier

CHANGES_SCHEMA: dict[str, pl.DataType] = {
    "talent_id": pl.String(),
    "county": pl.String(),
    "change": pl.String(),
    "risk_tier_previous": pl.String(),
    "risk_tier": pl.String(),
    "tier_change": pl.String(),
    "p_leave_6m_previous": pl.Float64(),
    "p_leave_6m": pl.Float64(),
    "employer_id": pl.String(),
    "employer_name": pl.String(),
    "months_unpaid": pl.Int32(),
    "reason_1": pl.String(),
}
CARRIED = ["employer_id", "employer_name", "months_unpaid", "reason_1"]  # this week's, else last
CHANGE_ORDER = {"new": 0, "risen": 1, "fallen": 2, "left": 3}


def compare_lists(
    current: pl.DataFrame, previous: pl.DataFrame, min_change: float = 0.05
) -> pl.DataFrame:
    """One row per talent whose standing changed since `previous`.

    new: on the current list only; left: on the previous list only (no longer paying
    social insurance in the city, or no longer scored); risen / fallen: the tier moved,
    or it stayed and p_leave_6m moved by at least `min_change`. Unchanged talents are left out.
    """
    keep = ["talent_id", "county", "risk_tier", "p_leave_6m", *CARRIED]

    def carried(frame: pl.DataFrame) -> pl.LazyFrame:
        return (
            frame.lazy()
            .with_columns(
                pl.lit(None, dtype=CHANGES_SCHEMA[c]).alias(c)
                for c in CARRIED
                if c not in frame.columns
            )
            .select(keep)
            .with_columns(pl.col(c).cast(CHANGES_SCHEMA[c]) for c in CARRIED)
        )

    cur = carried(current)
    prev = carried(previous).rename(
        {
            "county": "county_previous",
            "risk_tier": "risk_tier_previous",
            "p_leave_6m": "p_leave_6m_previous",
            **{c: f"{c}_previous" for c in CARRIED},
        }
    )
    both = cur.join(prev, on="talent_id", how="full", coalesce=True)
    up = rank_tier("risk_tier") - rank_tier("risk_tier_previous")
    delta = pl.col("p_leave_6m") - pl.col("p_leave_6m_previous")
    change = (
        pl.when(pl.col("p_leave_6m_previous").is_null() & pl.col("risk_tier_previous").is_null())
        .then(pl.lit("new"))
        .when(pl.col("p_leave_6m").is_null() & pl.col("risk_tier").is_null())
        .then(pl.lit("left"))
        .when((up > 0) | ((up == 0) & (delta >= min_change)))
        .then(pl.lit("risen"))
        .when((up < 0) | ((up == 0) & (delta <= -min_change)))
        .then(pl.lit("fallen"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    tier_change = (
        pl.when(pl.col("risk_tier") != pl.col("risk_tier_previous"))
        .then(pl.format("{} -> {}", pl.col("risk_tier_previous"), pl.col("risk_tier")))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    return (
        both.with_columns(
            change.alias("change"),
            tier_change.alias("tier_change"),
            pl.coalesce("county", "county_previous").alias("county"),
            *[pl.coalesce(c, f"{c}_previous").alias(c) for c in CARRIED],
        )
        .filter(pl.col("change").is_not_null())
        .sort(
            [
                pl.col("change").replace_strict(CHANGE_ORDER, return_dtype=pl.Int8),
                "p_leave_6m",
                "p_leave_6m_previous",
                "talent_id",
            ],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .select([pl.col(name).cast(dtype) for name, dtype in CHANGES_SCHEMA.items()])
        .collect()
    )


def empty_changes() -> pl.DataFrame:
    """A changes frame with no rows (there is no previous list to compare with)."""
    return pl.DataFrame(schema=CHANGES_SCHEMA)
