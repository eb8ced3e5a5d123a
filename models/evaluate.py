"""Out-of-time metrics for probability scores: discrimination, calibration, officer-facing precision.

ECE binning: 20 equal-frequency bins of the score (ties kept together by rank order),
ECE = sum over bins of (bin share of rows) x |mean score - observed rate|.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

ECE_BINS = 20


def assign_quantile_bins(p: np.ndarray, bins: int) -> np.ndarray:
    """Equal-frequency bin index (0..bins-1) of each score, by stable rank order."""
    order = np.argsort(p, kind="stable")
    idx = np.empty(len(p), dtype=np.int64)
    idx[order] = (np.arange(len(p)) * bins) // max(len(p), 1)
    return idx


def reliability_table(p: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> pl.DataFrame:
    """Per equal-frequency bin: rows, mean predicted probability, observed rate."""
    frame = pl.DataFrame({"bin": assign_quantile_bins(p, bins), "p": p, "y": y.astype(np.float64)})
    return (
        frame.lazy()
        .group_by("bin")
        .agg(
            pl.len().alias("n"),
            pl.col("p").mean().alias("mean_p"),
            pl.col("y").mean().alias("rate"),
        )
        .sort("bin")
        .collect()
    )


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE over equal-frequency bins, weighted by bin size."""
    table = reliability_table(p, y, bins)
    n = table["n"].sum()
    return float(((table["mean_p"] - table["rate"]).abs() * table["n"]).sum() / max(n, 1))


def precision_top_share(p: np.ndarray, y: np.ndarray, share: float = 0.05) -> float:
    """Observed rate among the top `share` of rows by score."""
    k = max(1, int(round(len(p) * share)))
    top = np.argsort(-p, kind="stable")[:k]
    return float(np.mean(y[top]))


def precision_at_capacity(frame: pl.DataFrame, score: str, label: str, capacity: int = 50) -> float:
    """Observed rate among the top `capacity` talents per county per snapshot."""
    flagged = (
        frame.lazy()
        .with_columns(
            pl.col(score).rank("ordinal", descending=True).over("as_of", "county").alias("_rank")
        )
        .filter(pl.col("_rank") <= capacity)
        .select(pl.col(label).cast(pl.Float64).mean())
        .collect()
        .item()
    )
    return float(flagged) if flagged is not None else float("nan")


def lift_by_decile(p: np.ndarray, y: np.ndarray) -> pl.DataFrame:
    """Decile 1 = highest scores: rows, mean score, observed rate and lift over the base rate."""
    decile = 10 - assign_quantile_bins(p, 10)
    base = float(np.mean(y)) if len(y) else float("nan")
    return (
        pl.DataFrame({"decile": decile, "p": p, "y": y.astype(np.float64)})
        .lazy()
        .group_by("decile")
        .agg(
            pl.len().alias("n"),
            pl.col("p").mean().alias("mean_p"),
            pl.col("y").mean().alias("rate"),
        )
        .with_columns((pl.col("rate") / base).alias("lift"))
        .sort("decile")
        .collect()
    )


def safe_auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC, NaN when only one class is present."""
    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")


def score_metrics(
    frame: pl.DataFrame, score: str, label: str, capacity: int = 50
) -> dict[str, float]:
    """AUC, average precision, Brier, ECE, precision in the top 5% and at county capacity."""
    p = frame.get_column(score).to_numpy().astype(np.float64)
    y = frame.get_column(label).to_numpy().astype(np.float64)
    both = 0 < y.sum() < len(y)
    return {
        "auc": safe_auc(y, p),
        "ap": float(average_precision_score(y, p)) if both else float("nan"),
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(p, y),
        "precision_top5pct": precision_top_share(p, y, 0.05),
        "precision_at_capacity": precision_at_capacity(frame, score, label, capacity),
        "base_rate": float(np.mean(y)),
        "mean_p": float(np.mean(p)),
        "n": float(len(y)),
    }
