"""The linear half of the model: the fitted logistic regression flattened to numpy, with exact contributions.

The scikit-learn pipeline (median imputation with missing indicators, standardisation, one-hot
categoricals; `models.baselines.fit_logistic_baseline`) is read once into per-feature arrays, so
scoring works on the same float matrix LightGBM reads (`models.frame.to_matrix`) without
building the one-hot design matrix: a million rows take a few vectorised passes.

Contributions are the exact SHAP values of a linear model (features independent), in log-odds
like LightGBM's `pred_contrib`, so the two halves add up: a numeric feature contributes
`w * z` (z standardised on the training rows, so centred there; plus its missing indicator's
`w * z`), a categorical one `w[level] - mean over training rows of w[level]`. The bias is the
intercept plus those means; contributions plus bias equal the log-odds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from models.baselines import LogisticBaseline, encode_for_logistic
from models.frame import FeatureSpec, to_matrix


@dataclass(frozen=True)
class LinearComponent:
    """Logistic regression as per-feature arrays over `to_matrix` columns."""

    spec: FeatureSpec
    baseline: LogisticBaseline  # the fitted pipeline, kept for checks
    median: np.ndarray  # per numeric feature (NaN: all missing in training, no term)
    mean: np.ndarray  # per numeric feature, of the imputed value
    scale: np.ndarray
    weight: np.ndarray
    indicator: dict[int, tuple[float, float, float]]  # numeric index -> (mean, scale, weight)
    levels: list[np.ndarray]  # per categorical: the category codes seen (-1 = missing)
    level_weight: list[np.ndarray]
    level_mean: np.ndarray  # per categorical: training-row mean of its level weight
    intercept: float

    def terms(self, x: np.ndarray) -> np.ndarray:
        """(rows x features) log-odds terms, not centred for categoricals."""
        n_num = len(self.spec.numeric)
        out = np.zeros((x.shape[0], len(self.spec.names)), dtype=np.float64)
        for j in range(n_num):
            column = x[:, j]
            if not np.isnan(self.median[j]):
                value = np.where(np.isnan(column), self.median[j], column)
                out[:, j] = self.weight[j] * (value - self.mean[j]) / self.scale[j]
            if j in self.indicator:
                mean, scale, weight = self.indicator[j]
                out[:, j] += weight * (np.isnan(column) - mean) / scale
        for c, (levels, weights) in enumerate(zip(self.levels, self.level_weight, strict=True)):
            codes = np.nan_to_num(x[:, n_num + c], nan=-1.0)
            position = np.clip(np.searchsorted(levels, codes), 0, len(levels) - 1)
            known = levels[position] == codes  # unseen levels: no term (one-hot all zero)
            out[:, n_num + c] = np.where(known, weights[position], 0.0)
        return out

    def log_odds_from_matrix(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of leaving for the rows of a `to_matrix` matrix."""
        return self.terms(x).sum(axis=1) + self.intercept

    def log_odds(self, frame: pl.DataFrame) -> np.ndarray:
        """Log-odds of leaving for each row of `frame`."""
        return self.log_odds_from_matrix(to_matrix(frame, self.spec))

    def contributions_from_matrix(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows x features) centred contributions and the per-row bias; they sum to the log-odds."""
        terms = self.terms(x)
        n_num = len(self.spec.numeric)
        terms[:, n_num:] -= self.level_mean
        bias = np.full(x.shape[0], self.intercept + float(self.level_mean.sum()))
        return terms, bias

    def contributions(self, frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Centred contributions and bias for the rows of `frame`."""
        return self.contributions_from_matrix(to_matrix(frame, self.spec))


def linear_component(baseline: LogisticBaseline, train: pl.DataFrame) -> LinearComponent:
    """Flatten a fitted logistic baseline; `train` (its training rows) gives the level means."""
    spec = baseline.spec
    n_num = len(spec.numeric)
    transform = baseline.pipeline[0]
    coef = np.asarray(baseline.pipeline[-1].coef_[0], dtype=np.float64)
    # A transformer with no columns is left unfitted by the ColumnTransformer.
    median, kept, flagged, scaler = np.zeros(0), [], [], None
    if n_num:
        imputer = transform.named_transformers_["num"].steps[0][1]
        scaler = transform.named_transformers_["num"].steps[1][1]
        median = np.asarray(imputer.statistics_, dtype=np.float64)
        kept = [j for j in range(n_num) if not np.isnan(median[j])]  # all-missing are dropped
        if imputer.indicator_ is not None:
            flagged = [int(j) for j in imputer.indicator_.features_]
    categories = transform.named_transformers_["cat"].categories_ if spec.categorical else []
    expected = len(kept) + len(flagged) + sum(len(levels) for levels in categories)
    if expected != len(coef):
        raise ValueError(f"logistic pipeline: {len(coef)} weights for {expected} columns")
    mean, scale, weight = np.zeros(n_num), np.ones(n_num), np.zeros(n_num)
    for k, j in enumerate(kept):
        mean[j], scale[j], weight[j] = scaler.mean_[k], scaler.scale_[k], coef[k]
    indicator = {
        j: (float(scaler.mean_[len(kept) + k]), float(scaler.scale_[len(kept) + k]),
            float(coef[len(kept) + k]))
        for k, j in enumerate(flagged)
    }  # fmt: skip
    offset = len(kept) + len(flagged)
    levels, level_weight = [], []
    for seen in categories:
        levels.append(np.asarray(seen, dtype=np.float64))
        level_weight.append(coef[offset : offset + len(seen)])
        offset += len(seen)
    component = LinearComponent(
        spec, baseline, median, mean, scale, weight, indicator, levels, level_weight,
        np.zeros(len(spec.categorical)), float(baseline.pipeline[-1].intercept_[0]),
    )  # fmt: skip
    x = encode_for_logistic(train, spec)
    level_mean = component.terms(x)[:, n_num:].mean(axis=0)
    return LinearComponent(
        spec, baseline, median, mean, scale, weight, indicator, levels, level_weight,
        level_mean, component.intercept,
    )  # fmt: skip
