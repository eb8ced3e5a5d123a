"""Centred isotonic calibration on the calibration block, and the monotone fix across horizons.

Plain isotonic regression maps whole blocks of raw scores to one value, which ties talents the
model had ranked apart (it cost about 0.001-0.002 of out-of-time AUC at 3 months). Centred
isotonic regression (Oron & Flournoy 2017) keeps the isotonic fit's values but places each
block's value at the block's mean score and interpolates linearly between blocks, so the map is
strictly increasing: it calibrates like isotonic and keeps the model's ranking.

No talent is ever certain to leave or to stay: an outer block whose talents all left (or all
stayed) reads (k + 1/2) / (n + 1) (40 leavers of 40: 0.988, not 1), and beyond the
outer block centres the end segments continue as straight lines in log-odds, towards 0 or 1
without reaching them, so the highest raw scores stay ranked apart instead of tying at 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit
from sklearn.isotonic import IsotonicRegression


@dataclass(frozen=True)
class Calibrator:
    """A fitted monotone map from raw score to probability, stored as interpolation knots."""

    x: np.ndarray
    y: np.ndarray

    def apply(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probabilities for raw scores (linear between knots, extended at the ends)."""
        raw = np.asarray(raw, dtype=np.float64)
        out = np.interp(raw, self.x, self.y)
        if len(self.x) >= 2:
            # Tails: the end segments continued as straight lines in log-odds, so the map stays
            # strictly increasing beyond the outer knots and never reaches 0 or 1.
            # (Calibrators fitted before that rule may hold an exact 0 or 1 at the ends.)
            z = logit(np.clip(self.y, 1e-6, 1 - 1e-6))
            lo_slope = (z[1] - z[0]) / (self.x[1] - self.x[0])
            hi_slope = (z[-1] - z[-2]) / (self.x[-1] - self.x[-2])
            below = np.minimum(expit(z[0] + lo_slope * (raw - self.x[0])), self.y[0])
            above = np.maximum(expit(z[-1] + hi_slope * (raw - self.x[-1])), self.y[-1])
            out = np.where(raw < self.x[0], below, np.where(raw > self.x[-1], above, out))
        return np.clip(out, 0.0, 1.0)


def fit_calibrator(raw: np.ndarray, y: np.ndarray) -> Calibrator:
    """Fit a centred isotonic (strictly increasing) map from raw scores to observed frequencies."""
    raw = np.asarray(raw, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    fitted = iso.fit_transform(raw, y)
    order = np.argsort(raw, kind="stable")
    xs, fs = raw[order], fitted[order]
    # Blocks: runs of equal fitted value (pooled by the isotonic fit).
    starts = np.flatnonzero(np.r_[True, np.diff(fs) != 0])
    sizes = np.diff(np.r_[starts, len(fs)])
    centres = np.add.reduceat(xs, starts) / sizes
    values = fs[starts].copy()
    # An outer block of all leavers (or none): (k + 1/2) / (n + 1), kept inside its neighbour.
    if values.size >= 2 and values[-1] == 1.0:
        values[-1] = max((sizes[-1] + 0.5) / (sizes[-1] + 1.0), (values[-2] + 1.0) / 2)
    if values.size >= 2 and values[0] == 0.0:
        values[0] = min(0.5 / (sizes[0] + 1.0), values[1] / 2)
    keep = np.r_[True, np.diff(centres) > 0]  # guard against equal centres (float ties)
    return Calibrator(centres[keep], values[keep])


def enforce_monotone(probabilities: np.ndarray) -> np.ndarray:
    """Running maximum across horizon columns (short to long) so p_3m <= p_6m <= p_12m."""
    return np.maximum.accumulate(np.asarray(probabilities, dtype=np.float64), axis=1)


@dataclass(frozen=True)
class DriftSlope:
    """Flattening of calibrated log-odds by the decay the registry's own history shows.

    The model's ranking is sharper on its calibration block than months later (talents and
    employers change; variant 5 of the worlds: recalibration slope 0.99 on the calibration
    block, 0.89 on the test block). The evaluated model, scored on the newest labels (as far
    past its calibration block as the shipped model will be past its own when it scores), shows
    how much: its logistic recalibration slope there. The shipped model's calibrated log-odds are
    multiplied by that slope, shrunk towards 1 by its noise, and shifted so the mean probability
    on the shipped model's calibration block is unchanged (the isotonic map set the level there).
    """

    slope: float  # applied, in (0, 1]
    shift: float
    measured: float  # the recalibration slope before shrinkage
    se: float

    def apply(self, p: np.ndarray) -> np.ndarray:
        """Probabilities with their log-odds flattened around the calibration block's level."""
        z = logit(np.clip(np.asarray(p, dtype=np.float64), 1e-9, 1 - 1e-9))
        return expit(self.shift + self.slope * z)


def recalibration_slope(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope b (and its standard error) of the logistic fit y ~ a + b * logit(p), by Newton steps."""
    z = logit(np.clip(np.asarray(p, dtype=np.float64), 1e-9, 1 - 1e-9))
    y = np.asarray(y, dtype=np.float64)
    x = np.column_stack([np.ones_like(z), z])
    beta = np.array([0.0, 1.0])
    for _ in range(25):
        q = expit(x @ beta)
        hessian = x.T @ (x * (q * (1 - q))[:, None])
        step = np.linalg.solve(hessian + 1e-9 * np.eye(2), x.T @ (y - q))
        beta = beta + step
        if np.abs(step).max() < 1e-8:
            break
    q = expit(x @ beta)
    covariance = np.linalg.inv(x.T @ (x * (q * (1 - q))[:, None]) + 1e-9 * np.eye(2))
    return float(beta[1]), float(np.sqrt(max(covariance[1, 1], 0.0)))


def fit_drift_slope(
    p_evaluated: np.ndarray, y: np.ndarray, p_shipped: np.ndarray, floor: float = 0.5
) -> DriftSlope | None:
    """The flattening measured on the newest labels (None when they show no decay or too little data).

    `p_evaluated`: the evaluated model's probabilities on the shipped model's calibration block,
    `y` its labels, `p_shipped` the shipped model's on the same rows. Only flattening is applied
    (a slope above 1 is left alone: sharpening a model from one block is a bet on noise), shrunk
    towards 1 by w = d^2 / (d^2 + se^2), d = 1 - slope, and never below `floor`.
    """
    y = np.asarray(y, dtype=np.float64)
    if len(y) < 100 or y.sum() < 20 or y.sum() > len(y) - 20:
        return None
    measured, se = recalibration_slope(p_evaluated, y)
    decay = 1.0 - measured
    if not np.isfinite(measured) or decay <= 0:
        return None
    slope = max(1.0 - decay * decay**2 / (decay**2 + se**2), floor)
    z = logit(np.clip(np.asarray(p_shipped, dtype=np.float64), 1e-9, 1 - 1e-9))
    return DriftSlope(slope, shift_to_mean(z, float(np.mean(expit(z))), slope), measured, se)


def shift_to_mean(z: np.ndarray, target: float, slope: float = 1.0) -> float:
    """The shift a with mean(expit(a + slope * z)) = target (the mean is monotone in a: bisection)."""
    lo, hi = -20.0, 20.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if np.mean(expit(mid + slope * z)) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
