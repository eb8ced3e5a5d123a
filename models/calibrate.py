"""Isotonic calibration on the calibration block, and the monotone fix across horizons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression


@dataclass(frozen=True)
class Calibrator:
    """A fitted isotonic map from raw score to probability, stored as interpolation knots."""

    x: np.ndarray
    y: np.ndarray

    def apply(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probabilities for raw scores (clipped to the fitted range)."""
        return np.interp(np.asarray(raw, dtype=np.float64), self.x, self.y)


def fit_calibrator(raw: np.ndarray, y: np.ndarray) -> Calibrator:
    """Fit an isotonic (non-decreasing) map from raw scores to observed frequencies."""
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    iso.fit(np.asarray(raw, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return Calibrator(np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_))


def enforce_monotone(probabilities: np.ndarray) -> np.ndarray:
    """Running maximum across horizon columns (short to long) so p_3m <= p_6m <= p_12m."""
    return np.maximum.accumulate(np.asarray(probabilities, dtype=np.float64), axis=1)
