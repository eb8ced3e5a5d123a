"""The fitted attrition model: per horizon, LightGBM blended with a logistic regression, calibrated.

Per horizon the raw log-odds are `w * LightGBM + (1 - w) * logistic` (w = `blend_weight`, 0.5),
mapped to probabilities by an isotonic calibrator fitted on the calibration block, then made
monotone across horizons. Why a blend (README, models/train.py): out of time the regularised
trees and the linear model rank about equally well on their own, and their average beats each.
On small registries a bagged forest of deeper trees joins them (`forest`, weight `forest_weight`,
models/capacity.py says why): log-odds = (1 - f) x blend + f x forest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import polars as pl
from scipy.special import expit

from models.calibrate import Calibrator, DriftSlope, enforce_monotone
from models.frame import FeatureSpec, to_matrix
from models.linear import LinearComponent


def forest_log_odds(forest: lgb.Booster, x: np.ndarray, pred_contrib: bool = False) -> np.ndarray:
    """A LightGBM random forest's log-odds (or their TreeSHAP parts): its raw score is the trees'
    sum, and its probability the sigmoid of their mean (tests/models/test_models_train.py)."""
    n_trees = max(forest.current_iteration(), 1)
    if pred_contrib:
        return forest.predict(x, pred_contrib=True) / n_trees
    return forest.predict(x, raw_score=True) / n_trees


@dataclass
class AttritionModel:
    """Calibrated P(departing within h months) for h in `horizons`, non-decreasing in h."""

    spec: FeatureSpec
    boosters: dict[int, lgb.Booster]
    calibrators: dict[int, Calibrator]
    horizons: tuple[int, ...] = (3, 6, 12)
    info: dict[str, str] = field(default_factory=dict)
    linear: dict[int, LinearComponent] | None = None
    blend_weight: float | dict[int, float] = 0.5  # per horizon when chosen on validation
    # The same recipe fitted a test block and a purge earlier: the model the out-of-time figures
    # and the promotion gate judge (models.split.latest_split says why the shipped one is refitted).
    held_out: AttritionModel | None = None
    # Per horizon, the flattening the newest labels showed (models.calibrate.DriftSlope).
    drift: dict[int, DriftSlope] | None = None
    # Small registries: per horizon a LightGBM random forest, averaged in with `forest_weight`.
    forest: dict[int, lgb.Booster] | None = None
    forest_weight: float = 0.0

    @property
    def evaluated(self) -> AttritionModel:
        """The model whose out-of-time figures were measured: the held-out twin, else itself."""
        return getattr(self, "held_out", None) or self

    def weight(self, horizon: int) -> float:
        """The trees' weight in the blend at one horizon."""
        w = self.blend_weight
        return float(w[horizon]) if isinstance(w, dict) else float(w)

    @property
    def feature_names(self) -> list[str]:
        """The feature columns the model reads."""
        return self.spec.names

    def _linear(self, horizon: int) -> LinearComponent | None:
        # Models pickled before the blend existed have no `linear` attribute: trees only.
        linear = getattr(self, "linear", None)
        return linear.get(horizon) if linear else None

    def _forest(self, horizon: int) -> tuple[lgb.Booster | None, float]:
        # Models pickled before the forest existed have no `forest` attribute: none.
        forest = (getattr(self, "forest", None) or {}).get(horizon)
        return forest, (float(getattr(self, "forest_weight", 0.0)) if forest is not None else 0.0)

    def blend_log_odds(self, x: np.ndarray, horizon: int) -> np.ndarray:
        """Uncalibrated blended log-odds for one horizon of a `to_matrix` matrix."""
        trees = self.boosters[horizon].predict(x, raw_score=True)
        linear = self._linear(horizon)
        if linear is not None:
            w = self.weight(horizon)
            trees = w * trees + (1.0 - w) * linear.log_odds_from_matrix(x)
        forest, f = self._forest(horizon)
        if forest is None:
            return trees
        return (1.0 - f) * trees + f * forest_log_odds(forest, x)

    def raw_scores(self, frame: pl.DataFrame, horizon: int) -> np.ndarray:
        """Uncalibrated blended probabilities for one horizon (what the calibrator maps)."""
        return expit(self.blend_log_odds(to_matrix(frame, self.spec), horizon))

    def calibrated(self, x: np.ndarray, horizon: int) -> np.ndarray:
        """Calibrated probabilities of one horizon for a `to_matrix` matrix (before the monotone fix)."""
        p = self.calibrators[horizon].apply(expit(self.blend_log_odds(x, horizon)))
        drift = (getattr(self, "drift", None) or {}).get(horizon)
        return drift.apply(p) if drift is not None else p

    def predict(self, frame: pl.DataFrame) -> pl.DataFrame:
        """p_leave_{h}m columns, row-aligned with `frame`, calibrated and monotone in h."""
        x = to_matrix(frame, self.spec)
        columns = [self.calibrated(x, h) for h in sorted(self.horizons)]
        probs = enforce_monotone(np.column_stack(columns)) if columns else np.empty((len(x), 0))
        return pl.DataFrame(
            {f"p_leave_{h}m": probs[:, i] for i, h in enumerate(sorted(self.horizons))},
            schema={f"p_leave_{h}m": pl.Float64 for h in sorted(self.horizons)},
        )

    def contributions(self, frame: pl.DataFrame, horizon: int = 6) -> pl.DataFrame:
        """Per-feature log-odds contributions plus `bias`, row-aligned; they sum to the blend's log-odds.

        Trees and forest: LightGBM's `pred_contrib` (TreeSHAP); linear half: weight x centred
        value; each weighted like the blend.
        """
        x = to_matrix(frame, self.spec)
        contrib = self.boosters[horizon].predict(x, pred_contrib=True)
        linear = self._linear(horizon)
        if linear is not None:
            per_feature, bias = linear.contributions_from_matrix(x)
            w = self.weight(horizon)
            contrib = w * contrib + (1.0 - w) * np.column_stack([per_feature, bias])
        forest, f = self._forest(horizon)
        if forest is not None:
            contrib = (1.0 - f) * contrib + f * forest_log_odds(forest, x, pred_contrib=True)
        names = [*self.spec.names, "bias"]
        return pl.DataFrame(
            {name: contrib[:, i] for i, name in enumerate(names)},
            schema={name: pl.Float64 for name in names},
        )
