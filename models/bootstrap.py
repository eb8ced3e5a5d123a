"""Talent-clustered bootstrap of the AUC difference between two scores on the same rows."""

from __future__ import annotations

import numpy as np


def weighted_auc(order: np.ndarray, groups: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """AUC with row weights; `order` sorts scores ascending, `groups` numbers tied scores."""
    ys, ws, gs = y[order], w[order], groups
    pos = np.bincount(gs, weights=ws * ys)
    neg = np.bincount(gs, weights=ws * (1.0 - ys))
    below = np.cumsum(neg) - neg
    total_pos, total_neg = pos.sum(), neg.sum()
    if total_pos == 0 or total_neg == 0:
        return float("nan")
    return float((pos * (below + 0.5 * neg)).sum() / (total_pos * total_neg))


def rank_groups(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ascending sort order and tie-group numbers along that order."""
    order = np.argsort(score, kind="stable")
    s = score[order]
    groups = np.concatenate([[0], np.cumsum(s[1:] != s[:-1])]).astype(np.int64)
    return order, groups


def bootstrap_auc_difference(
    y: np.ndarray,
    score_a: np.ndarray,
    score_b: np.ndarray,
    clusters: np.ndarray,
    n_boot: int = 200,
    seed: int = 0,
) -> dict[str, float]:
    """AUC(a) - AUC(b) with a 95% percentile interval, resampling whole clusters (talents)."""
    y = np.asarray(y, dtype=np.float64)
    _, cluster_idx = np.unique(clusters, return_inverse=True)
    n_clusters = int(cluster_idx.max()) + 1 if len(cluster_idx) else 0
    oa, ga = rank_groups(np.asarray(score_a, dtype=np.float64))
    ob, gb = rank_groups(np.asarray(score_b, dtype=np.float64))
    ones = np.ones_like(y)
    point = weighted_auc(oa, ga, y, ones) - weighted_auc(ob, gb, y, ones)
    rng = np.random.default_rng(seed)
    diffs = np.empty(n_boot)
    for i in range(n_boot):
        counts = np.bincount(rng.integers(0, n_clusters, n_clusters), minlength=n_clusters)
        w = counts[cluster_idx].astype(np.float64)
        diffs[i] = weighted_auc(oa, ga, y, w) - weighted_auc(ob, gb, y, w)
    lo, hi = np.nanpercentile(diffs, [2.5, 97.5]) if n_boot else (float("nan"),) * 2
    return {"diff": float(point), "lo": float(lo), "hi": float(hi)}
