"""The budgeted selection: greedy on gain per yuan, its upper bound, an exact check, the lottery."""

from __future__ import annotations

import numpy as np
import polars as pl


def value_order(gain: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Row indices from the best gain per yuan to the worst (ties: larger gain, then row)."""
    ratio = gain / np.maximum(cost, 1e-9)  # costs are positive (a monthly amount x months)
    return np.lexsort((np.arange(len(gain)), -gain, -ratio))


def greedy_fill(order: np.ndarray, gain: np.ndarray, cost: np.ndarray, budget: float) -> np.ndarray:
    """Take rows in `order` while they fit, skipping one that does not (a cheaper one may);
    rows that gain nothing are never taken."""
    chosen = np.zeros(len(gain), dtype=bool)
    ordered_cost = cost[order]
    useful = gain[order] > 0
    left = budget
    # Vectorised: cumulative cost of the prefix fits; then the remainder item by item.
    cum = np.cumsum(np.where(useful, ordered_cost, 0.0))
    prefix = int(np.searchsorted(cum, budget, side="right"))
    take = order[:prefix][useful[:prefix]]
    chosen[take] = True
    left = budget - (cum[prefix - 1] if prefix else 0.0)
    # After the prefix only offers that still fit can be taken: look at those alone, in order
    # (left only falls, so one that does not fit now never will).
    rest = np.arange(prefix, len(order))
    rest = rest[useful[prefix:] & (ordered_cost[prefix:] <= left)]
    for pos in rest:
        i = order[pos]
        if cost[i] <= left:
            chosen[i] = True
            left -= cost[i]
    return chosen


def fractional_bound(gain: np.ndarray, cost: np.ndarray, budget: float) -> float:
    """The LP relaxation's optimum: no 0/1 selection within the budget can gain more."""
    order = value_order(gain, cost)
    g, c = gain[order], cost[order]
    keep = g > 0
    g, c = g[keep], c[keep]
    cum = np.cumsum(c)
    k = int(np.searchsorted(cum, budget, side="right"))
    whole = g[:k].sum()
    if k < len(g):
        whole += g[k] * (budget - (cum[k - 1] if k else 0.0)) / c[k]
    return float(whole)


def exact_knapsack(gain: np.ndarray, cost: np.ndarray, budget: float, unit: float = 1.0) -> np.ndarray:
    """The exact 0/1 optimum by dynamic programming over budget units (small problems only)."""
    w = np.ceil(cost / unit - 1e-9).astype(int)
    cap = int(budget // unit)
    best = np.zeros(cap + 1)
    took = np.zeros((len(gain), cap + 1), dtype=bool)
    for i in range(len(gain)):
        if gain[i] <= 0 or w[i] > cap:
            continue
        cand = np.full(cap + 1, -np.inf)
        cand[w[i] :] = best[: cap + 1 - w[i]] + gain[i]
        took[i] = cand > best
        best = np.maximum(best, cand)
    chosen = np.zeros(len(gain), dtype=bool)
    b = cap
    for i in range(len(gain) - 1, -1, -1):
        if took[i, b]:
            chosen[i] = True
            b -= w[i]
    return chosen


def draw_lottery(
    order: np.ndarray, chosen: np.ndarray, cost: np.ndarray, gain: np.ndarray,
    budget: float, share: float, seed: int,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Tie-breaker lottery among the borderline: the last `share` of the selected by value and
    as many of the first unselected; winners in random order while the budget holds.

    Returns (chosen after the draw, lottery label per row: none / won / lost)."""
    label = np.full(len(chosen), "none", dtype=object)
    ranked_in = order[chosen[order]]
    k = int(round(share * len(ranked_in)))
    if k == 0:
        return chosen, label
    ranked_out = order[~chosen[order] & (gain[order] > 0)]
    pool = np.concatenate([ranked_in[-k:], ranked_out[:k]])
    after = chosen.copy()
    after[pool] = False
    left = budget - cost[after].sum()
    rng = np.random.default_rng(seed)
    for i in rng.permutation(pool):
        won = cost[i] <= left
        after[i] = won
        label[i] = "won" if won else "lost"
        left -= cost[i] if won else 0.0
    return after, label


def select_offers(
    frame: pl.DataFrame, budget: float, lottery_share: float = 0.0, seed: int = 0
) -> pl.DataFrame:
    """Add rank (by gain per yuan), selected and lottery to rows with months_gained, cost_yuan."""
    gain = frame["months_gained"].to_numpy()
    cost = frame["cost_yuan"].to_numpy()
    order = value_order(gain, cost)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    chosen = greedy_fill(order, gain, cost, budget)
    chosen, label = draw_lottery(order, chosen, cost, gain, budget, lottery_share, seed)
    return frame.with_columns(
        selected=pl.Series(chosen), rank=pl.Series(rank), lottery=pl.Series(label.astype(str))
    )
