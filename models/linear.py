"""The linear half of the model: a logistic regression in plain numpy, with exact contributions.

The fitted scikit-learn pipeline (median imputation with missing indicators, standardisation,
one-hot categoricals; `models.baselines.fit_logistic_baseline`) is flattened into one weight per
transformed column and the training mean of that column. The log-odds of a row are then
`intercept + sum(w * t)`, and the contribution of a feature is `sum(w * (t - mean))` over its
columns: the exact SHAP value of a linear model (features independent), in log-odds like
LightGBM's `pred_contrib`, so the two halves' contributions add up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from models.baselines import LogisticBaseline, encode_for_logistic
from models.frame import FeatureSpec


@dataclass(frozen=True)
class LinearComponent:
    """Logistic regression as weights over transformed columns, grouped by feature."""

    spec: FeatureSpec
    baseline: LogisticBaseline
    weights: np.ndarray  # one per transformed column
    means: np.ndarray  # training mean of each transformed column
    owner: np.ndarray  # index into spec.names of the feature each column comes from
    intercept: float

    def transformed(self, frame: pl.DataFrame) -> np.ndarray:
        """The pipeline's transformed design matrix (dense) for the rows of `frame`."""
        preprocess = self.baseline.pipeline[:-1]
        out = preprocess.transform(encode_for_logistic(frame, self.spec))
        return np.asarray(out.toarray() if hasattr(out, "toarray") else out, dtype=np.float64)

    def log_odds(self, frame: pl.DataFrame) -> np.ndarray:
        """Log-odds of leaving for each row."""
        return self.transformed(frame) @ self.weights + self.intercept

    def contributions(self, frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(rows x features) log-odds contributions and the per-row bias; they sum to log_odds."""
        t = self.transformed(frame)
        per_column = (t - self.means) * self.weights
        out = np.zeros((t.shape[0], len(self.spec.names)), dtype=np.float64)
        np.add.at(out.T, self.owner, per_column.T)
        bias = np.full(t.shape[0], self.intercept + float(self.means @ self.weights))
        return out, bias


def column_owners(baseline: LogisticBaseline) -> np.ndarray:
    """For each column the pipeline's preprocessing outputs, the index of its source feature."""
    spec = baseline.spec
    transform = baseline.pipeline[0]
    numeric = transform.named_transformers_["num"]
    imputer = numeric[0]
    # The imputer drops numeric columns that were all missing in training.
    owners = [i for i, value in enumerate(imputer.statistics_) if not np.isnan(value)]
    if imputer.indicator_ is not None:
        owners += [int(i) for i in imputer.indicator_.features_]
    onehot = transform.named_transformers_["cat"]
    for offset, levels in enumerate(onehot.categories_):
        owners += [len(spec.numeric) + offset] * len(levels)
    return np.asarray(owners, dtype=np.int64)


def linear_component(baseline: LogisticBaseline, train: pl.DataFrame) -> LinearComponent:
    """Flatten a fitted logistic baseline; `train` gives the columns' means (its training rows)."""
    component = LinearComponent(
        spec=baseline.spec,
        baseline=baseline,
        weights=np.asarray(baseline.pipeline[-1].coef_[0], dtype=np.float64),
        means=np.zeros(0),
        owner=column_owners(baseline),
        intercept=float(baseline.pipeline[-1].intercept_[0]),
    )
    if len(component.owner) != len(component.weights):
        raise ValueError(
            f"logistic pipeline: {len(component.weights)} weights for "
            f"{len(component.owner)} mapped columns"
        )
    means = component.transformed(train).mean(axis=0)
    return LinearComponent(
        component.spec,
        baseline,
        component.weights,
        means,
        component.owner,
        component.intercept,
    )
