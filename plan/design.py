"""The discrete-time hazard's design: a talent's fixed covariates and the subsidy clock by month."""

from __future__ import annotations

import numpy as np
import polars as pl

from features.timeline import month_index_expr

CATEGORIES = {
    "education": ["doctorate", "master", "bachelor", "junior_college", "technician"],
    "hometown": ["dezhou", "shandong", "other_province", "overseas"],
    "program": ["graduate_gathering", "doctoral", "postdoc", "chief_technician", "returnee", "other"],
    "university_tier": ["double_first_class", "ordinary", "vocational", "technical_school", "overseas"],
}  # fmt: skip
TIES = ["married", "spouse_placed", "child_enrolled", "home_purchased", "hukou_moved", "title_awarded"]
NUMERIC = ["paid_months_12m", "job_changes_12m"]
# Months relative to the main grant's last paid month (<= 0: still paid). Finer than any world
# we know of, so the data, not our guess, says where the cliff is and how long it lasts.
CLOCK_BINS = [(-10_000, -7), (-6, 0), (1, 3), (4, 6), (7, 12), (13, 24), (25, 10_000)]
CLOCK_KINDS = ["cash", "rent"]  # rent subsidies may hold people differently from cash (domain.md)
N_CLOCK = len(CLOCK_BINS) * len(CLOCK_KINDS)


def main_grant_clock(rows: pl.DataFrame, subsidies: pl.DataFrame) -> pl.DataFrame:
    """Per (talent_id, as_of): the main periodic grant known then (largest monthly, ties by
    grant_id): its last paid month index `_end` and whether it is a rent subsidy."""
    keys = rows.select("talent_id", "as_of").unique()
    grants = (
        keys.join(subsidies.filter(pl.col("monthly_amount").fill_null(0) > 0), on="talent_id")
        .filter(pl.col("start_date") < pl.col("as_of"))
        .sort(["talent_id", "as_of", "monthly_amount", "grant_id"], descending=[False, False, True, False])
        .unique(["talent_id", "as_of"], keep="first")
        .select("talent_id", "as_of", month_index_expr("end_date").alias("_end"),
                (pl.col("subsidy_type") == "rent").alias("_rent"))
    )  # fmt: skip
    return rows.select("talent_id", "as_of").join(
        grants, on=["talent_id", "as_of"], how="left", maintain_order="left"
    )


def clock_matrix(end: np.ndarray, rent: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Clock indicators (kind x bin) of `month` for grants ending `end` (-1: no grant)."""
    out = np.zeros((len(end), N_CLOCK), dtype=np.float32)
    has = end >= 0
    after = month - end
    for j, (lo, hi) in enumerate(CLOCK_BINS):
        inside = has & (after >= lo) & (after <= hi)
        out[:, j] = inside & ~rent
        out[:, len(CLOCK_BINS) + j] = inside & rent
    return out


def static_matrix(snap: pl.DataFrame, x_means: dict[str, float] | None = None):
    """Fixed covariates at the snapshot (one-hots, ties, pay, x_* with missing flags); the
    x_* means are learnt on training rows and reused when scoring."""
    cols = [pl.lit(1.0).alias("intercept")]
    for name, levels in CATEGORIES.items():
        cols += [(pl.col(name) == lvl).fill_null(False).cast(pl.Float32).alias(f"{name}={lvl}") for lvl in levels[1:]]
    cols += [pl.col(t).fill_null(0).cast(pl.Float32).alias(t) for t in TIES]
    cols += [(pl.col("lump_sum_in_service").fill_null(0) > 0).cast(pl.Float32).alias("lump_in_service")]
    cols += [pl.col("base_ratio_to_peers").fill_null(1.0).clip(0.2, 5.0).log().alias("log_pay_to_peers")]
    cols += [pl.col(c).fill_null(0).cast(pl.Float32).alias(c) for c in NUMERIC]
    msl = pl.col("months_since_last_contribution").fill_null(0)
    cols += [(msl == k).cast(pl.Float32).alias(f"unpaid={k}") for k in (1, 2)]
    xs = [c for c in snap.columns if c.startswith("x_") and snap[c].dtype.is_numeric()]
    means = x_means if x_means is not None else {c: float(snap[c].mean() or 0.0) for c in xs}
    for c in means:
        col = pl.col(c) if c in snap.columns else pl.lit(None, dtype=pl.Float64)
        cols += [col.cast(pl.Float64).fill_null(means[c]).alias(c), col.is_null().cast(pl.Float32).alias(f"{c}_missing")]
    frame = snap.select(cols)  # fmt: skip
    return frame.to_numpy().astype(np.float32), frame.columns, means


def time_matrix(age: np.ndarray, tenure: np.ndarray, k: int) -> np.ndarray:
    """Age and the first-six-months term k months ahead of the snapshot."""
    a = np.clip(age + k / 12.0, 18, 70) - 30.0
    return np.column_stack([a / 10.0, (tenure + k <= 6)]).astype(np.float32)
