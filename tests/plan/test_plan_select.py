"""The budgeted selection, its bound, the exact check and the lottery."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from plan.budget import select_within
from plan.select import exact_knapsack, fractional_bound, greedy_fill, select_offers, value_order


def test_greedy_is_within_the_lp_bound_and_the_bound_caps_the_exact_optimum():
    rng = np.random.default_rng(0)
    for _ in range(20):
        gain = rng.exponential(1.0, 30) * (rng.random(30) > 0.2)
        cost = rng.choice([6, 12, 24, 36, 60], 30).astype(float)
        budget = float(rng.integers(30, 200))
        greedy = gain[greedy_fill(value_order(gain, cost), gain, cost, budget)].sum()
        exact = exact_knapsack(gain, cost, budget)
        assert cost[exact].sum() <= budget
        assert greedy <= gain[exact].sum() + 1e-9 <= fractional_bound(gain, cost, budget) + 1e-9
        # The LP bound is at most one item above greedy-with-skip's prefix.
        assert fractional_bound(gain, cost, budget) - greedy <= gain.max() + 1e-9


def test_greedy_skips_an_offer_that_does_not_fit_and_takes_a_cheaper_one():
    gain, cost = np.array([10.0, 9.0, 1.0, 0.0]), np.array([10.0, 10.0, 1.0, 1.0])
    chosen = greedy_fill(value_order(gain, cost), gain, cost, 15.0)
    assert chosen.tolist() == [True, False, True, False]  # never a zero-gain offer


def frame(n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame({
        "talent_id": [f"T{i:03d}" for i in range(n)],
        "county": rng.choice(["qihe", "leling"], n),
        "months_gained": rng.exponential(0.3, n),
        "cost_yuan": rng.choice([6000.0, 12000.0, 24000.0], n),
    })  # fmt: skip


def test_lottery_holds_the_budget_draws_only_the_borderline_and_is_seeded():
    plan = frame(200)
    budget = 0.2 * plan["cost_yuan"].sum()
    plain = select_offers(plan, budget)
    drawn = select_offers(plan, budget, lottery_share=0.2, seed=7)
    assert drawn.filter("selected")["cost_yuan"].sum() <= budget
    assert set(drawn["lottery"].unique()) == {"none", "won", "lost"}
    k = round(0.2 * plain["selected"].sum())
    assert (drawn["lottery"] != "none").sum() == 2 * k
    top = plain.filter("selected").sort("rank").head(plain["selected"].sum() - k)
    assert drawn.join(top, on="talent_id", how="semi")["lottery"].eq("none").all()
    assert drawn.join(top, on="talent_id", how="semi")["selected"].all()
    assert (drawn["lottery"] == "won").eq(drawn["selected"] & (drawn["lottery"] != "none")).all()
    again = select_offers(plan, budget, lottery_share=0.2, seed=7)
    other = select_offers(plan, budget, lottery_share=0.2, seed=8)
    assert again["lottery"].to_list() == drawn["lottery"].to_list()
    assert other["lottery"].to_list() != drawn["lottery"].to_list()


def test_county_budgets_hold_per_county_and_a_large_budget_selects_everyone():
    plan = frame(120)
    got = select_within(plan, 60_000.0, {"qihe": 60_000.0}, 0.0, 0)
    assert got.filter(pl.col("county") == "leling")["selected"].sum() == 0
    assert got.filter("selected")["cost_yuan"].sum() <= 60_000.0
    everyone = select_within(plan, 1e12, None, 0.0, 0)
    assert everyone["selected"].all()


@pytest.mark.parametrize("share", [0.0, 0.1])
def test_rank_orders_gain_per_yuan(share):
    plan = select_offers(frame(50), 100_000.0, share, 0).sort("rank")
    ratio = (plan["months_gained"] / plan["cost_yuan"]).to_numpy()
    assert (np.diff(ratio) <= 1e-12).all()
