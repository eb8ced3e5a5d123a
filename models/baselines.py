"""Baselines scored on the same out-of-time block: logistic regression and the subsidy-end rule."""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from models.frame import FeatureSpec, to_matrix


@dataclass
class LogisticBaseline:
    """Logistic regression on the model's features: one-hot categoricals, imputed standardised numerics."""

    spec: FeatureSpec
    pipeline: Pipeline

    def predict(self, frame: pl.DataFrame) -> np.ndarray:
        """Probabilities for the rows of `frame`."""
        with quiet_empty_columns():
            return self.pipeline.predict_proba(encode_for_logistic(frame, self.spec))[:, 1]


@contextmanager
def quiet_empty_columns():
    """Drop scikit-learn's warning for a feature with no value in training.

    A city's x_* column may be empty in training; it gets no term (models.linear), by design,
    and the warning would reach whoever runs `retention train`.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipping features without any observed values")
        yield


def encode_for_logistic(frame: pl.DataFrame, spec: FeatureSpec) -> np.ndarray:
    """Feature matrix with missing categorical codes as -1 (their own one-hot level)."""
    x = to_matrix(frame, spec)
    cats = spec.categorical_indices
    x[:, cats] = np.where(np.isnan(x[:, cats]), -1.0, x[:, cats])
    return x


def fit_logistic_baseline(
    frame: pl.DataFrame, spec: FeatureSpec, label: str, seed: int = 0
) -> LogisticBaseline:
    """Fit the logistic baseline on the training block."""
    n_num = len(spec.numeric)
    transform = ColumnTransformer(
        [
            (
                "num",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                ),
                list(range(n_num)),
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore"), spec.categorical_indices),
        ]
    )
    pipeline = make_pipeline(transform, LogisticRegression(C=1.0, max_iter=300, random_state=seed))
    y = frame.get_column(label).to_numpy().astype(np.int64)
    with quiet_empty_columns():
        pipeline.fit(encode_for_logistic(frame, spec), y)
    return LogisticBaseline(spec, pipeline)


def flag_subsidy_ending(frame: pl.DataFrame, horizon: int) -> np.ndarray:
    """1.0 when the main periodic subsidy ends within `horizon` months (0 <= months <= h), else 0."""
    return (
        frame.select(
            pl.col("months_to_subsidy_end").is_between(0, horizon).fill_null(False).cast(pl.Float64)
        )
        .to_series()
        .to_numpy()
    )


def fit_subsidy_rule(frame: pl.DataFrame, horizon: int, label: str) -> tuple[float, float]:
    """Observed rates (not flagged, flagged) on the calibration block, so the rule gives probabilities."""
    flag = flag_subsidy_ending(frame, horizon)
    y = frame.get_column(label).to_numpy().astype(np.float64)
    base = float(y.mean()) if len(y) else 0.0
    rates = [float(y[flag == v].mean()) if (flag == v).any() else base for v in (0.0, 1.0)]
    return rates[0], rates[1]


def score_subsidy_rule(frame: pl.DataFrame, horizon: int, rates: tuple[float, float]) -> np.ndarray:
    """Rule probabilities: the calibration-block rate of the row's flag."""
    flag = flag_subsidy_ending(frame, horizon)
    # Flagged rows always rank above the rest, even when calibration saw no flagged row.
    return rates[0] + flag * max(rates[1] - rates[0], 1e-6)
