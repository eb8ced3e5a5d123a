"""The worlds bench's diagnosis of a miss: level-matched ECE and the per-block drift figures."""

from datetime import date

import numpy as np
import polars as pl
import pytest
from scipy.special import expit, logit

from benchmarks.worlds import drift_figures, level_matched_ece, render_worlds
from models.evaluate import expected_calibration_error


def outcomes(n: int = 40_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = expit(rng.normal(-2.0, 1.0, n))
    return p, (rng.random(n) < p).astype(float)


def test_a_shifted_level_is_matched_away_and_a_wrong_shape_is_not():
    p, y = outcomes()
    too_high = expit(logit(p) + 0.5)  # the right ranking and shape, every talent's odds x 1.65
    assert expected_calibration_error(too_high, y) > 0.03
    assert level_matched_ece(too_high, y) == pytest.approx(
        expected_calibration_error(p, y), abs=0.003
    )
    overconfident = expit(-2.0 + 1.8 * (logit(p) + 2.0))  # too sharp around the same centre
    assert level_matched_ece(overconfident, y) > 0.015


class FixedModel:
    """Stands in for the model: its probability is a column of the block."""

    def predict(self, block: pl.DataFrame) -> pl.DataFrame:
        return block.select(pl.col("p").alias("p_leave_12m"))


def test_drift_figures_read_the_block_against_its_oracle():
    p, y = outcomes(20_000, 1)
    block = pl.DataFrame(
        {"talent_id": np.arange(len(p)), "as_of": [date(2025, 1, 23)] * len(p), "y_12m": y, "p": p}
    )
    oracle = block.select("talent_id", "as_of", pl.col("p").alias("p_leave_12m"))
    same = drift_figures(block, oracle, FixedModel(), 12)
    assert same["share"] == pytest.approx(1.0)  # the model is the oracle here
    assert same["slope"] == pytest.approx(1.0, abs=0.05)
    assert same["mean_p"] == pytest.approx(same["oracle_mean"]) == pytest.approx(p.mean())
    assert same["rate"] == pytest.approx(y.mean())
    noisy = block.with_columns(pl.Series("p", expit(logit(p) * 1.5)))  # overconfident
    assert drift_figures(noisy, oracle, FixedModel(), 12)["slope"] < 0.75
    unknown = drift_figures(block, oracle.head(0), FixedModel(), 12)  # no oracle for these rows
    assert unknown["share"] is None and unknown["oracle_mean"] is None


def test_the_diagnosis_table_has_a_row_per_measured_horizon():
    row = {
        "variant": 3, "talents": 20_000, "h": 12, "auc": 0.75, "oracle_auc": 0.81, "share": 0.81,
        "ece": 0.0156, "oracle_ece": 0.0070, "logistic_lo": 0.01, "logistic_hi": 0.02,
        "plain_auc": 0.73, "plain_lo": 0.02, "plain_hi": 0.03, "plain_ece": 0.05, "blend": 0.5,
        "leaves": 7, "leaf_rows": 800, "train_s": 60.0, "cal_share": 0.9, "test_share": 0.81,
        "cal_slope": 0.99, "test_slope": 0.94, "test_mean_p": 0.1777, "test_rate": 0.1702,
        "test_oracle_mean": 0.1756, "test_level_ece": 0.0128, "cal_rate": 0.1866,
        "cal_oracle_mean": 0.1857,
    }  # fmt: skip
    table = render_worlds([row], "header")
    assert "| 3 | 20,000 | 12 | 0.7500 |" in table and "MISSED share, ECE" in table
    assert "| 3 | 12 | 0.900 -> 0.810 | 0.990 -> 0.940 | +0.0009 / -0.0054 " in table
    assert "| 0.1777 / 0.1702 / 0.1756 |" in table
    assert "| 0.0156 / 0.0128 / 0.0070 |" in table
