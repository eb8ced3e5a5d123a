"""Drift against the training reference: PSI, its noise bound, null shares, new levels."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from monitor.drift import (
    compare_to_reference,
    drift_reference,
    expected_departures,
    psi,
    psi_noise_bound,
)


def world(n: int, seed: int, shift: float = 0.0, null_share: float = 0.05, new_level: bool = False):
    rng = np.random.default_rng(seed)
    income = rng.normal(8.0 + shift, 1.0, n)
    income[rng.random(n) < null_share] = np.nan
    county = rng.choice(["qihe", "leling", "decheng"], n, p=[0.5, 0.3, 0.2]).astype(object)
    if new_level:
        county[: n // 10] = "tianqu"
    frame = pl.DataFrame(
        {
            "income": pl.Series(income).fill_nan(None),
            "tenure": rng.integers(0, 5, n),  # few distinct values: deduplicated edges
            "county": county.tolist(),
        }
    )
    scores = pl.DataFrame({"p_leave_6m": 1 / (1 + np.exp(-(income - 8.0 - 2)))}).fill_nan(None)
    return frame, scores


@pytest.fixture(scope="module")
def reference():
    frame, scores = world(5_000, 0)
    ref = drift_reference(
        frame,
        scores.fill_null(0.1),
        ["income", "tenure"],
        ["county"],
        {"income": 2.0, "county": 1.0},
    )
    return json.loads(json.dumps(ref))  # what MLflow stores and gives back


def test_same_world_drifts_nowhere_and_shifted_world_is_flagged(reference):
    frame, scores = world(3_000, 1)
    same = compare_to_reference(reference, frame, scores.fill_null(0.1))
    assert not same.get_column("drifted").any(), same
    assert not same.get_column("null_share_changed").any()
    frame, scores = world(3_000, 2, shift=0.8, null_share=0.15, new_level=True)
    moved = compare_to_reference(reference, frame, scores.fill_null(0.1)).rows_by_key(
        "feature", named=True, unique=True
    )
    assert moved["income"]["drifted"] and moved["income"]["psi"] > 0.2
    assert moved["income"]["top_feature"] and moved["income"]["importance_rank"] == 1
    assert moved["income"]["null_share_changed"]
    assert moved["p_leave_6m"]["kind"] == "score" and moved["p_leave_6m"]["drifted"]
    assert moved["county"]["new_levels"] == "tianqu"
    assert moved["county"]["new_level_share"] == pytest.approx(0.1)
    assert not moved["tenure"]["drifted"]


def test_the_noise_bound_holds_psi_of_one_distribution_and_grows_for_small_samples():
    rng = np.random.default_rng(3)
    bins, n, m, draws = 10, 400, 300, 2_000
    probs = np.full(bins, 1 / bins)
    a = rng.multinomial(n, probs, size=draws)
    b = rng.multinomial(m, probs, size=draws)
    values = np.array([psi(x.astype(float), y.astype(float)) for x, y in zip(a, b, strict=False)])
    bound = psi_noise_bound(n, m, bins, 0.999)
    assert (values > bound).mean() < 0.005  # the 99.9% bound is not crossed by noise
    assert (values > psi_noise_bound(n, m, bins, 0.5)).mean() > 0.3  # and is not vacuous
    assert (
        psi_noise_bound(200, 200, bins, 0.999) > 0.2 > psi_noise_bound(50_000, 50_000, bins, 0.999)
    )


def test_a_small_county_below_its_noise_bound_is_not_drift(reference):
    frame, scores = world(60, 4)
    small = compare_to_reference(reference, frame, scores.fill_null(0.1))
    income = small.filter(pl.col("feature") == "income").row(0, named=True)
    assert income["psi_limit"] == income["psi_noise_bound"] > 0.2
    assert not small.get_column("drifted").any()


def test_expected_departures_sum_the_calibrated_probabilities():
    scores = pl.DataFrame(
        {
            "talent_id": ["a", "b", "c", "d"],
            "county": ["qihe", "qihe", "qihe", "leling"],
            "risk_tier": ["high", "high", "low", "low"],
            "p_leave_6m": [0.5, 0.4, 0.1, 0.2],
        }
    )
    got = expected_departures(scores, (3, 6), capacity=2).rows_by_key(
        ["kind", "group"], named=True, unique=True
    )
    assert got[("tier", "high")]["expected_departed"] == pytest.approx(0.9)
    assert got[("county_top", "qihe")]["n"] == 2
    assert got[("county_top", "qihe")]["expected_departed"] == pytest.approx(0.9)
    sd = np.sqrt(0.25 + 0.24 + 0.09 + 0.16)
    assert got[("all", "all")]["expected_high"] == pytest.approx(1.2 + 1.959964 * sd)


def test_a_per_employer_feature_is_judged_by_its_employers_not_its_talents():
    rng = np.random.default_rng(5)

    def snap(seed_shift: int, n: int = 3_000):
        r = np.random.default_rng(seed_shift)
        employer = r.integers(0, 40, n)
        rate = r.uniform(0, 0.3, 40)  # re-estimated every month: new values per employer
        return pl.DataFrame(
            {"employer_id": employer.astype(str), "county": ["qihe"] * n,
             "employer_rate": rate[employer], "age": rng.normal(30, 4, n)}
        )  # fmt: skip

    ref = drift_reference(
        snap(1), pl.DataFrame({"p": [0.1] * 3_000}), ["employer_rate", "age"], [], {}
    )
    assert ref["numeric"]["employer_rate"]["unit"] == "employer_id"
    assert ref["numeric"]["age"]["unit"] == "talent"
    got = compare_to_reference(ref, snap(2), pl.DataFrame({"p": [0.1] * 3_000}))
    rate = got.filter(pl.col("feature") == "employer_rate").row(0, named=True)
    assert rate["n_effective"] == 40 and rate["psi"] > 0.2  # talent-counted it would "drift"
    assert not rate["drifted"]
