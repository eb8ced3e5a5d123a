import numpy as np
import pytest

from models.calibrate import enforce_monotone, fit_calibrator


def test_running_maximum_makes_horizons_non_decreasing_and_keeps_ordered_rows():
    p = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.25], [0.05, 0.04, 0.5]])
    fixed = enforce_monotone(p)
    np.testing.assert_allclose(fixed, [[0.1, 0.2, 0.3], [0.3, 0.3, 0.3], [0.05, 0.05, 0.5]])
    assert (np.diff(fixed, axis=1) >= 0).all()


def test_isotonic_calibrator_maps_scores_to_observed_rates():
    rng = np.random.default_rng(0)
    raw = rng.uniform(0, 1, 20_000)
    y = (rng.uniform(0, 1, raw.size) < raw**2).astype(float)  # true probability is raw squared
    calibrated = fit_calibrator(raw, y).apply(np.array([0.0, 0.5, 0.9, 2.0]))
    np.testing.assert_allclose(calibrated[1:3], [0.25, 0.81], atol=0.05)
    assert calibrated[0] <= 0.02 and 0.9 <= calibrated[3] <= 1.0


def test_centred_isotonic_keeps_the_ranking_it_is_given():
    rng = np.random.default_rng(1)
    raw = rng.uniform(0, 1, 5_000)
    y = (rng.uniform(0, 1, raw.size) < raw).astype(float)
    calibrator = fit_calibrator(raw, y)
    grid = np.linspace(0.0, 1.0, 2_001)
    mapped = calibrator.apply(grid)
    inside = (grid > calibrator.x[0]) & (grid < calibrator.x[-1])
    assert (np.diff(mapped[inside]) > 0).all()  # strictly increasing: no talents tied
    assert calibrator.x.size >= 5 and (np.diff(calibrator.y) > 0).all()
    assert ((mapped >= 0) & (mapped <= 1)).all()


def test_no_probability_is_certain_and_the_tails_keep_the_ranking():
    raw = np.r_[np.linspace(0.0, 0.5, 400), np.linspace(0.6, 1.0, 40)]
    y = np.r_[np.zeros(400), np.ones(40)]  # every top score left, no low score did
    calibrator = fit_calibrator(raw, y)
    assert calibrator.y[-1] == (40 + 0.5) / (40 + 1) and calibrator.y[0] == 0.5 / 401
    tails = calibrator.apply(np.array([0.0, 0.01, 0.1, 0.9, 0.99, 1.0]))
    assert ((tails > 0) & (tails < 1)).all()
    assert (np.diff(tails) > 0).all()  # beyond the end knots, still strictly increasing


def test_a_calibrator_stored_with_exact_zero_and_one_at_the_ends_still_maps_to_numbers():
    from models.calibrate import Calibrator

    old = Calibrator(np.array([0.1, 0.5, 0.9]), np.array([0.0, 0.4, 1.0]))
    mapped = old.apply(np.array([0.0, 0.1, 0.5, 0.9, 0.95]))
    assert np.isfinite(mapped).all() and (np.diff(mapped) >= 0).all()
    np.testing.assert_allclose(mapped[2], 0.4)


def drifted(n: int, slope: float, seed: int = 0):
    """Scores p and outcomes drawn from expit(c + slope * logit(p)), c keeping the mean: the level
    is right, the ranking flattened (or sharpened) by `slope`."""
    from scipy.optimize import brentq
    from scipy.special import expit, logit

    rng = np.random.default_rng(seed)
    p = expit(rng.normal(-2.2, 1.0, n))
    c = brentq(lambda c: expit(c + slope * logit(p)).mean() - p.mean(), -5, 5)
    y = (rng.random(n) < expit(c + slope * logit(p))).astype(float)
    return p, y


def test_a_flattened_ranking_is_measured_and_flattened_keeping_the_level():
    from models.calibrate import fit_drift_slope
    from models.evaluate import expected_calibration_error

    p, y = drifted(60_000, 0.8)
    drift = fit_drift_slope(p, y, p)
    assert drift is not None
    assert 0.77 < drift.measured < 0.83 and drift.se < 0.02
    assert 0.77 < drift.slope < 0.84  # barely shrunk: the decay is far beyond its noise
    adjusted = drift.apply(p)
    assert np.mean(adjusted) == pytest.approx(np.mean(p), abs=1e-6)  # the level is kept
    assert np.all(np.diff(adjusted[np.argsort(p)]) >= 0)  # and the ranking
    later_p, later_y = drifted(60_000, 0.8, seed=1)  # fresh rows of the same later world
    assert expected_calibration_error(drift.apply(later_p), later_y) < 0.6 * (
        expected_calibration_error(later_p, later_y)
    )


def test_no_decay_too_little_data_or_a_sharper_ranking_changes_nothing():
    from models.calibrate import fit_drift_slope

    p, y = drifted(60_000, 1.0)
    steady = fit_drift_slope(p, y, p)
    assert steady is None or steady.slope > 0.985  # noise alone is shrunk away
    p, y = drifted(90, 0.5)
    assert fit_drift_slope(p, y, p) is None  # under 100 rows
    p, y = drifted(60_000, 1.3)
    assert fit_drift_slope(p, y, p) is None  # sharpening is never applied
    p, y = drifted(400, 0.8)  # a small registry: the estimate is noisy, so mostly shrunk away
    small = fit_drift_slope(p, y, p)
    assert small is None or small.slope > 1 - 0.7 * (1 - small.measured)
