"""Backtest figures for one list and horizon: ranking, precision, calibration, with intervals."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from sklearn.metrics import average_precision_score

Z95 = 1.959964


def weighted_auc(order_groups: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """AUC (ties count half) from score-tie group ids ascending, labels and talent weights."""
    n_groups = int(order_groups[-1]) + 1 if len(order_groups) else 0
    pos = np.bincount(order_groups, weights=w * y, minlength=n_groups)
    neg = np.bincount(order_groups, weights=w * (1 - y), minlength=n_groups)
    total_pos, total_neg = pos.sum(), neg.sum()
    if total_pos <= 0 or total_neg <= 0:
        return float("nan")
    below = np.cumsum(neg) - neg
    return float((pos * (below + 0.5 * neg)).sum() / (total_pos * total_neg))


def tie_groups(scores: np.ndarray) -> np.ndarray:
    """Each score's rank among the distinct scores (ascending), so equal scores share a group."""
    _, inverse = np.unique(scores, return_inverse=True)
    return inverse.astype(np.int64)


def cluster_bootstrap_auc(
    scores: np.ndarray, y: np.ndarray, clusters: np.ndarray, n_boot: int, seed: int
) -> tuple[float, float]:
    """95% percentile interval of the AUC, resampling whole clusters (employers) with replacement.

    Talents of one employer leave together (a layoff, a closure, a pay cut), so they are not
    independent draws; resampling employers keeps that correlation and gives an honest interval,
    where resampling talents would give one that is too narrow.

    Calibrated probabilities take few distinct values (isotonic steps), so the draws are
    vectorised: per (cluster, score group) leaver and stayer counts form two sparse matrices, and
    a block of draws' cluster multiplicities times them gives every draw's per-group counts at
    once. With nearly all scores distinct that is slower than one weighted AUC per draw, which
    is then used (both give the same figures from the same random draws).
    """
    groups = tie_groups(scores)
    _, cluster_idx = np.unique(clusters, return_inverse=True)
    n_clusters = int(cluster_idx.max()) + 1 if len(cluster_idx) else 0
    if n_clusters < 2 or n_boot < 1:
        return float("nan"), float("nan")
    n_groups = int(groups.max()) + 1
    if n_groups * 4 > len(groups):
        return _bootstrap_loop(groups, y, cluster_idx, n_clusters, n_boot, seed)
    from scipy.sparse import csr_matrix

    yf = y.astype(np.float64)
    shape = (n_clusters, n_groups)
    pos_t = csr_matrix((yf, (cluster_idx, groups)), shape=shape).T.tocsr()
    neg_t = csr_matrix((1.0 - yf, (cluster_idx, groups)), shape=shape).T.tocsr()
    rng = np.random.default_rng(seed)
    draws = []
    block = max(1, min(n_boot, 20_000_000 // max(n_groups, 1)))  # bound the dense block's memory
    for start in range(0, n_boot, block):
        b = min(block, n_boot - start)
        picks = rng.integers(0, n_clusters, (b, n_clusters))
        offsets = (picks + np.arange(b)[:, None] * n_clusters).ravel()
        weights = np.bincount(offsets, minlength=b * n_clusters).reshape(b, n_clusters)
        pos = np.asarray(pos_t @ weights.T.astype(np.float64))  # groups x draws
        neg = np.asarray(neg_t @ weights.T.astype(np.float64))
        below = np.cumsum(neg, axis=0) - neg
        total = pos.sum(axis=0) * neg.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            auc = (pos * (below + 0.5 * neg)).sum(axis=0) / total
        draws.extend(auc[total > 0].tolist())
    if len(draws) < max(10, n_boot // 2):
        return float("nan"), float("nan")
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(low), float(high)


def _bootstrap_loop(groups, y, cluster_idx, n_clusters, n_boot, seed) -> tuple[float, float]:
    """The interval from one weighted AUC per draw (same draws as the vectorised path)."""
    rng = np.random.default_rng(seed)
    yf = y.astype(np.float64)
    draws = []
    for _ in range(n_boot):
        counts = np.bincount(rng.integers(0, n_clusters, n_clusters), minlength=n_clusters)
        value = weighted_auc(groups, yf, counts[cluster_idx].astype(np.float64))
        if not math.isnan(value):
            draws.append(value)
    if len(draws) < max(10, n_boot // 2):
        return float("nan"), float("nan")
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(low), float(high)


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """ECE over equal-width probability bins: the share-weighted gap of mean p and leave rate."""
    if len(p) == 0:
        return float("nan")
    idx = np.minimum((p * bins).astype(np.int64), bins - 1)
    n = np.bincount(idx, minlength=bins)
    gap = np.abs(np.bincount(idx, p, bins) - np.bincount(idx, y, bins))
    return float(gap.sum() / n.sum())


def employer_codes(frame: pl.DataFrame) -> np.ndarray:
    """Employers as dense integer codes (numpy's unique of strings sorts slowly)."""
    return frame.get_column("employer_id").cast(pl.String).rank("dense").to_numpy()


def list_metrics(
    frame: pl.DataFrame, capacity: int, n_boot: int = 200, seed: int = 0
) -> dict[str, float | int | None]:
    """Figures for one (list, horizon, cohort): frame has p, y (0/1), employer_id, county."""
    n = frame.height
    p = frame.get_column("p").to_numpy().astype(np.float64)
    y = frame.get_column("y").to_numpy().astype(np.float64)
    n_dep = int(y.sum())
    both = 0 < n_dep < n
    auc = weighted_auc(tie_groups(p), y, np.ones(n)) if both else float("nan")
    low, high = (
        cluster_bootstrap_auc(p, y, employer_codes(frame), n_boot, seed)
        if both
        else (float("nan"), float("nan"))
    )
    ranked = frame.with_columns(pl.col("p").rank("ordinal", descending=True).alias("_r"))
    k = max(1, math.ceil(0.05 * n)) if n else 0
    top = ranked.filter(pl.col("_r") <= k)
    county_top = ranked.filter(
        pl.col("p").rank("ordinal", descending=True).over("county") <= capacity
    )
    spread = math.sqrt(float((p * (1 - p)).sum())) / n if n else float("nan")
    predicted = float(p.mean()) if n else float("nan")
    return {
        "n_scored": n,
        "n_departed": n_dep,
        "auc": auc,
        "auc_low": low,
        "auc_high": high,
        "average_precision": float(average_precision_score(y, p)) if both else float("nan"),
        "precision_top_5pct": float(top.get_column("y").mean()) if k else float("nan"),
        "precision_top50_county": float(county_top.get_column("y").mean()) if n else float("nan"),
        "expected_departed": float(p.sum()),
        "predicted_rate": predicted,
        # Poisson-binomial spread of the departures count if the probabilities are right.
        "predicted_low": max(0.0, predicted - Z95 * spread) if n else float("nan"),
        "predicted_high": min(1.0, predicted + Z95 * spread) if n else float("nan"),
        "realized_rate": n_dep / n if n else float("nan"),
        "ece": expected_calibration_error(p, y),
        "brier": float(((p - y) ** 2).mean()) if n else float("nan"),
    }


def group_rates(frame: pl.DataFrame, capacity: int) -> pl.DataFrame:
    """Predicted vs realised per tier, per county, and in each county's top `capacity`."""
    top = frame.filter(pl.col("p").rank("ordinal", descending=True).over("county") <= capacity)
    parts = [
        frame.group_by(pl.lit("tier").alias("kind"), pl.col("risk_tier").alias("group")),
        frame.group_by(pl.lit("county").alias("kind"), pl.col("county").alias("group")),
        top.group_by(pl.lit("county_top").alias("kind"), pl.col("county").alias("group")),
    ]
    aggs = [
        pl.len().alias("n"),
        pl.col("p").sum().alias("expected_departed"),
        pl.col("p").mean().alias("predicted_rate"),
        pl.col("y").sum().cast(pl.Int64).alias("n_departed"),
        pl.col("y").cast(pl.Float64).mean().alias("realized_rate"),
    ]
    return pl.concat([g.agg(aggs) for g in parts]).sort("kind", "group")
