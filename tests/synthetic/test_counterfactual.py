"""The offer's counterfactual truth: same path, same extract, the cliff moved by the offer."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

import synthetic
from synthetic.counterfactual import offered_clock

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def reg():
    return synthetic.simulate(n_talents=2_000, seed=5, as_of=AS_OF)


def test_without_offer_is_the_oracle_and_the_offer_never_hurts(reg):
    offer = reg.truth["offer"]
    oracle = reg.truth["oracle"].select("talent_id", pl.col("p_leave_12m").alias("oracle"))
    both = offer.join(oracle, on="talent_id", how="inner")
    assert both.height == offer.height == oracle.height
    assert (both["p_leave_12m"] - both["oracle"]).abs().max() < 1e-6
    assert offer["months_gained"].min() >= -1e-9
    assert offer["months_stayed_12m_with_offer"].max() <= 12.0 + 1e-9
    assert (offer["cost_yuan"] - offer["monthly_yuan"] * 12).abs().max() < 0.01


def test_gain_only_where_the_offer_moves_the_cliff_inside_the_window(reg):
    offer = reg.truth["offer"].join(
        reg.tables["talents"].select("talent_id", "county", "education"), on="talent_id"
    )
    # A subsidy still paid through the whole window is extended after it: nothing changes.
    late = offer.filter(pl.col("offer_start") > date(2027, 12, 1))
    assert late.height > 0 and late["months_gained"].abs().max() == 0.0
    # Talents whose cliff is near (or just past) gain the most on average.
    near = offer.filter(
        (pl.col("offer_kind") == "extend") & (pl.col("offer_start") <= date(2027, 6, 1))
        & (pl.col("offer_start") > date(2026, 11, 1)) & (pl.col("p_leave_12m") < 1)
    )  # fmt: skip
    new = offer.filter((pl.col("offer_kind") == "new") & (pl.col("p_leave_12m") < 1))
    assert near["months_gained"].mean() > 2 * new["months_gained"].mean() > 0


def test_offered_clock_merges_an_extension_and_restarts_an_ended_subsidy():
    start = np.array([10, 10, -1, 10])
    end = np.array([50, 20, -1, 50])
    a, b = np.array([51, 40, 40, 51]), np.array([62, 51, 51, 62])
    moves = np.array([True, True, True, False])
    s, e = offered_clock(start, end, a, b, moves)
    assert s.tolist() == [10, 40, 40, 10] and e.tolist() == [62, 51, 51, 50]
