"""Oracle probabilities of leaving within each horizon, from the true hazards."""

import polars as pl

from runconfig import DEFAULT


def oracle_probabilities(
    hazards: pl.DataFrame,
    departures: pl.DataFrame,
    snapshots: pl.DataFrame,
    horizons: tuple[int, ...] = DEFAULT.horizons,
) -> pl.DataFrame:
    """p_leave_h = 1 if departed before the snapshot's month, else 1 - prod(1 - hazard) over h months."""
    cum = (
        hazards.lazy()
        .sort("talent_id", "month")
        .select(
            "talent_id",
            "month",
            pl.col("hazard").neg().log1p().cum_sum().over("talent_id").alias("cum"),
        )
        .sort("month")
    )
    snap = snapshots.lazy().select("talent_id", "as_of").with_row_index("_row")
    snap = snap.with_columns(pl.col("as_of").dt.month_start().alias("_m0"))

    def cum_at(offset: int, name: str) -> pl.LazyFrame:
        key = snap.select(
            "_row", "talent_id", pl.col("_m0").dt.offset_by(f"{offset}mo").alias("month")
        )
        joined = key.sort("month").join_asof(
            cum, on="month", by="talent_id", strategy="backward", check_sortedness=False
        )
        return joined.select("_row", pl.col("cum").fill_null(0.0).alias(name))

    out = snap.join(cum_at(-1, "_c0"), on="_row", how="left")
    for h in horizons:
        out = out.join(cum_at(h - 1, f"_c{h}"), on="_row", how="left")
    out = out.join(
        departures.lazy().select("talent_id", "first_departure_month"), on="talent_id", how="left"
    )
    before = pl.col("first_departure_month").fill_null(pl.date(9999, 1, 1)) < pl.col("_m0")
    probs = [
        pl.when(before)
        .then(1.0)
        .otherwise(1.0 - (pl.col(f"_c{h}") - pl.col("_c0")).exp())
        .alias(f"p_leave_{h}m")
        for h in horizons
    ]
    return out.sort("_row").select("talent_id", "as_of", *probs).collect()
