"""Fairness audit: AUC, calibration error and flag rate (top 10%) by gender, hometown, age band, county."""

from __future__ import annotations

import numpy as np
import polars as pl

from models.evaluate import expected_calibration_error, safe_auc

AUDIT_ATTRIBUTES = ("gender", "hometown", "age_band", "county")


def age_band() -> pl.Expr:
    """Age bands <25, 25-29, 30-34, 35-39, 40+ from the `age` column (years)."""
    age = pl.col("age")
    return (
        pl.when(age.is_null())
        .then(None)
        .when(age < 25)
        .then(pl.lit("<25"))
        .when(age < 30)
        .then(pl.lit("25-29"))
        .when(age < 35)
        .then(pl.lit("30-34"))
        .when(age < 40)
        .then(pl.lit("35-39"))
        .otherwise(pl.lit("40+"))
        .alias("age_band")
    )


def audit_fairness(
    frame: pl.DataFrame, score: str, label: str, horizon: int, flag_share: float = 0.10
) -> pl.DataFrame:
    """One row per (attribute, group): n, base rate, mean score, AUC, ECE, flag rate."""
    threshold = float(np.quantile(frame.get_column(score).to_numpy(), 1.0 - flag_share))
    work = frame.with_columns(age_band()) if "age" in frame.columns else frame
    rows = []
    for attribute in AUDIT_ATTRIBUTES:
        if attribute not in work.columns:
            continue
        grouped = work.select(
            pl.col(attribute).cast(pl.String).fill_null("(missing)").alias("_g"), score, label
        ).partition_by("_g", as_dict=True)
        for (group,), part in sorted(grouped.items()):
            p = part.get_column(score).to_numpy().astype(np.float64)
            y = part.get_column(label).to_numpy().astype(np.float64)
            rows.append(
                {
                    "horizon": horizon,
                    "attribute": attribute,
                    "group": group,
                    "n": len(y),
                    "base_rate": float(y.mean()),
                    "mean_p": float(p.mean()),
                    "auc": safe_auc(y, p),
                    "ece": expected_calibration_error(p, y, bins=10),
                    "flag_rate": float((p >= threshold).mean()),
                }
            )
    return pl.DataFrame(rows, schema=FAIRNESS_SCHEMA)


FAIRNESS_SCHEMA = {
    "horizon": pl.Int64,
    "attribute": pl.String,
    "group": pl.String,
    "n": pl.Int64,
    "base_rate": pl.Float64,
    "mean_p": pl.Float64,
    "auc": pl.Float64,
    "ece": pl.Float64,
    "flag_rate": pl.Float64,
}


def summarize_fairness_gaps(audit: pl.DataFrame, min_group: int = 200) -> dict[str, float]:
    """Per attribute and horizon: AUC gap (max - min) and worst group ECE, groups of >= min_group rows."""
    summary = (
        audit.lazy()
        .filter(pl.col("n") >= min_group)
        .group_by("horizon", "attribute")
        .agg(
            (pl.col("auc").max() - pl.col("auc").min()).alias("auc_gap"),
            pl.col("ece").max().alias("ece_max"),
        )
        .sort("horizon", "attribute")
        .collect()
    )
    out = {}
    for row in summary.iter_rows(named=True):
        key = f"{row['attribute']}_{row['horizon']}m"
        out[f"fair_auc_gap_{key}"] = (
            float(row["auc_gap"]) if row["auc_gap"] is not None else float("nan")
        )
        out[f"fair_ece_max_{key}"] = (
            float(row["ece_max"]) if row["ece_max"] is not None else float("nan")
        )
    return out
