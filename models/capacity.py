"""Tree capacity that follows the data, and the blend weight, chosen on the time-split validation block.

Why a rule scaled by rows, searched only when cheap: the shipped leaves of >= 800 rows were
sized for 20,000-talent registries (208,000-316,000 training rows per horizon); on 1,000
talents (~15,000 rows) the trees could barely split and the model was mostly its logistic half
(issue 14). So `min_data_in_leaf` is the training rows / 250 within [20, 800]: the shipped 800
at 20,000 talents and above, 60 at 1,000. Below `search_max_rows` training rows a few fits cost
seconds, so three capacities around the rule (7, 15 and 31 leaves with ever smaller leaves)
are fitted and the best validation AUC wins; above it the rule alone keeps a 200,000-talent
registry's training within its 10 minutes.

The blend weight can be chosen on the same block (`tune_blend`), but it is off by default:
on 20,000 talents, seed 0, the validation block chose w = 1.0 (trees only) at every horizon,
because the trees early-stop on that very block, and out of time that lost to the fixed 0.5
(12-month AUC 0.7626 vs 0.7706, below the logistic baseline; models/train.py).

A forest on small registries (`forest_params`, at most `TrainParams.forest_max_rows` training
rows per horizon, 100,000: 3,000 talents have 31,000-46,000, 20,000 have 208,000-317,000). With
few departures the boosted trees and the logistic half both extrapolate their fit over the 13-24
months between training and scoring; a random forest of deeper trees (LightGBM `rf`: bagging
0.632, 30% of the features per tree, 31 leaves of a quarter of the rule's rows, 50 trees,
nothing early-stopped) only averages. Out of time on the default world, test AUC of the blend vs the
forest alone vs the three in equal thirds (seeds 0 and 1, 12 months; measured with 300 trees of
63 leaves, and 100 rank the same to 0.001 at every horizon, 3,000 talents, seeds 0 and 1):
3,000 talents 0.7249 / 0.7605 / 0.7316 and 0.6980 / 0.7057 / 0.7015;
1,000 talents 0.6621 / 0.6961 / 0.6681 and 0.6936 / 0.7073 / 0.6988.
At 3 and 6 months the forest alone lost in 7 of 8 (by up to 0.034); the thirds gained or held at every
horizon but one (1,000 talents, seed 0, 3 months: 0.7596 vs 0.7625). At 20,000 talents the forest
alone lost at every horizon (12 months 0.7606 vs 0.7718). Neither the calibration block (where
the boosted trees early-stop, so it favours them) nor an inner split mirroring the test's
distance (it chose the forest at 3 and 6 months too, where it lost) picks the right one, so the
weight is not chosen: the three are averaged in thirds, the least committed mixture; the rule by
rows keeps it where it was measured to help and out of the 200,000-talent training budget.

Why 50 trees of 31 leaves: the reasons need each tree's TreeSHAP, whose cost grows with trees
times leaves times depth squared. With 100 trees of 63 leaves the three horizons' contributions
took 12.2 s for 1,880 talents (3,000-talent registry, seed 0), ten times the boosted trees'.
With 50 of 31 they took 3.1 s, and the ensemble's test AUC (3 / 6 / 12 months) was the same within
0.001 at 3,000 talents (seed 0: 0.8448 / 0.8075 / 0.7362 vs 0.8448 / 0.8068 / 0.7362; seed 1:
0.8212 / 0.7595 / 0.6991 vs 0.8213 / 0.7589 / 0.6995) and equal or higher at 1,000 (seed 0:
0.7591 / 0.7365 / 0.6721 vs 0.7593 / 0.7344 / 0.6689; seed 1: 0.8454 / 0.7986 / 0.7083 vs
0.8456 / 0.7993 / 0.7053).
"""

from __future__ import annotations

import numpy as np

from models.bootstrap import rank_groups, weighted_auc

ROWS_PER_LEAF_ROW = 250
LEAF_BOUNDS = (20, 800)
BLEND_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
FOREST_ROUNDS = 50


def forest_params(n_rows: int) -> dict[str, object]:
    """LightGBM random-forest parameters for `n_rows` training rows (see the module docstring)."""
    return {
        "boosting": "rf",
        "bagging_fraction": 0.632,
        "bagging_freq": 1,
        "feature_fraction": 0.3,
        "num_leaves": 31,
        "min_data_in_leaf": max(leaf_rows_rule(n_rows) // 4, LEAF_BOUNDS[0]),
    }


def leaf_rows_rule(n_rows: int) -> int:
    """min_data_in_leaf for `n_rows` training rows: n / 250 within [20, 800]."""
    lo, hi = LEAF_BOUNDS
    return int(min(max(n_rows // ROWS_PER_LEAF_ROW, lo), hi))


def capacity_candidates(n_rows: int, search: bool) -> list[dict[str, int]]:
    """LightGBM capacities to try: the rule, and when searching two deeper ones with smaller leaves."""
    leaf = leaf_rows_rule(n_rows)
    rule = {"num_leaves": 7, "min_data_in_leaf": leaf}
    if not search:
        return [rule]
    lo = LEAF_BOUNDS[0]
    return [
        rule,
        {"num_leaves": 15, "min_data_in_leaf": max(leaf // 2, lo)},
        {"num_leaves": 31, "min_data_in_leaf": max(leaf // 4, lo)},
    ]


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """Plain AUC (ties count half)."""
    order, groups = rank_groups(np.asarray(score, dtype=np.float64))
    return weighted_auc(order, groups, np.asarray(y, dtype=np.float64), np.ones(len(y)))


def choose_blend_weight(
    y: np.ndarray, trees: np.ndarray, linear: np.ndarray, grid=BLEND_GRID
) -> tuple[float, dict[float, float]]:
    """The grid weight w maximising the validation AUC of w * trees + (1 - w) * linear log-odds.

    Ties go to the weight nearest 0.5 (the shipped, untuned blend), then the smaller.
    """
    scores = {w: auc(y, w * trees + (1.0 - w) * linear) for w in grid}
    best = max(scores.values())
    chosen = min(
        (w for w, s in scores.items() if s >= best - 1e-12), key=lambda w: (abs(w - 0.5), w)
    )
    return chosen, scores
