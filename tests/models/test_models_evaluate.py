from datetime import date

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal
from sklearn.metrics import roc_auc_score

from models.bootstrap import bootstrap_auc_difference
from models.evaluate import (
    expected_calibration_error,
    lift_by_decile,
    precision_at_capacity,
    precision_top_share,
    score_metrics,
)
from models.fairness import audit_fairness, summarize_fairness_gaps


def test_ece_is_near_zero_for_calibrated_scores_and_large_for_shifted_ones():
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 0.3, 50_000)
    y = (rng.uniform(size=p.size) < p).astype(float)
    assert expected_calibration_error(p, y) < 0.01
    assert abs(expected_calibration_error(p + 0.1, y) - 0.1) < 0.01


def test_precision_at_capacity_takes_the_top_per_county_and_snapshot():
    frame = pl.DataFrame(
        {
            "as_of": [date(2024, 1, 1)] * 4 + [date(2024, 2, 1)] * 2,
            "county": ["a", "a", "b", "b", "a", "a"],
            "s": [0.9, 0.1, 0.8, 0.7, 0.2, 0.6],
            "y": [1, 1, 0, 1, 0, 1],
        }
    )
    # top 1 per (as_of, county): rows 0 (y=1), 2 (y=0), 5 (y=1)
    assert precision_at_capacity(frame, "s", "y", capacity=1) == 2 / 3


def test_top_share_and_lift_rank_by_score():
    p = np.arange(100) / 100
    y = (p >= 0.9).astype(float)
    assert precision_top_share(p, y, 0.05) == 1.0
    lift = lift_by_decile(p, y)
    assert lift["decile"].to_list() == list(range(1, 11))
    assert lift["lift"][0] == 10.0 and lift["lift"][1] == 0.0


def test_score_metrics_auc_matches_sklearn():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 400)
    s = (y * 0.3 + rng.uniform(size=400)) / 1.3
    frame = pl.DataFrame({"as_of": [date(2024, 1, 1)] * 400, "county": ["a"] * 400, "s": s, "y": y})
    assert abs(score_metrics(frame, "s", "y")["auc"] - roc_auc_score(y, s)) < 1e-12


def test_bootstrap_interval_covers_the_difference_and_excludes_zero_for_a_clear_winner():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 3000).astype(float)
    good = y + rng.normal(0, 1, y.size)
    noise = rng.normal(0, 1, y.size)
    out = bootstrap_auc_difference(y, good, noise, np.arange(y.size) // 3, n_boot=100)
    assert out["lo"] < out["diff"] < out["hi"]
    assert out["lo"] > 0.1
    same = bootstrap_auc_difference(y, noise, noise, np.arange(y.size), n_boot=20)
    assert same["diff"] == same["lo"] == same["hi"] == 0.0


def test_fairness_audit_reports_each_group_and_gaps():
    frame = pl.DataFrame(
        {
            "gender": ["M", "M", "F", "F", None, None],
            "age": [22.0, 27.0, 31.0, 36.0, 45.0, None],
            "s": [0.9, 0.1, 0.2, 0.8, 0.5, 0.4],
            "y": [1, 0, 1, 0, 1, 0],
        }
    )
    audit = audit_fairness(frame, "s", "y", horizon=6)
    gender = audit.filter(pl.col("attribute") == "gender").select("group", "n", "auc")
    expected = pl.DataFrame(
        {"group": ["(missing)", "F", "M"], "n": [2, 2, 2], "auc": [1.0, 0.0, 1.0]}
    )
    assert_frame_equal(gender, expected)
    assert audit.filter(pl.col("attribute") == "age_band")["group"].to_list() == [
        "(missing)", "25-29", "30-34", "35-39", "40+", "<25",
    ]  # fmt: skip
    gaps = summarize_fairness_gaps(audit, min_group=2)
    assert gaps["fair_auc_gap_gender_6m"] == 1.0
