"""Capacity follows the rows, and the blend weight follows the validation block."""

import numpy as np

from models.capacity import capacity_candidates, choose_blend_weight, leaf_rows_rule


def test_leaf_size_scales_with_rows_within_bounds_and_gives_back_800_at_20k_talents():
    assert [leaf_rows_rule(n) for n in (1_000, 15_000, 100_000, 208_000, 6_000_000)] == [
        20, 60, 400, 800, 800,
    ]  # fmt: skip
    assert capacity_candidates(100_000, search=False) == [
        {"num_leaves": 7, "min_data_in_leaf": 400}
    ]
    searched = capacity_candidates(100_000, search=True)
    assert [c["num_leaves"] for c in searched] == [7, 15, 31]
    assert [c["min_data_in_leaf"] for c in searched] == [400, 200, 100]


def test_blend_weight_goes_to_the_half_that_ranks_on_the_validation_block():
    rng = np.random.default_rng(0)
    signal = rng.normal(size=4_000)
    y = (rng.random(4_000) < 1 / (1 + np.exp(-2 * signal))).astype(float)
    noise = rng.normal(size=4_000)
    w, scores = choose_blend_weight(y, trees=noise, linear=signal)
    assert w == 0.0 and scores[0.0] > scores[1.0] + 0.2
    w, _ = choose_blend_weight(y, trees=signal, linear=noise)
    assert w == 1.0
    w, _ = choose_blend_weight(y, trees=signal, linear=signal)  # all tie: the shipped 0.5
    assert w == 0.5
