"""The fitted attrition model: one calibrated LightGBM per horizon, monotone across horizons."""

from __future__ import annotations

from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import polars as pl

from models.calibrate import Calibrator, enforce_monotone
from models.frame import FeatureSpec, to_matrix


@dataclass
class AttritionModel:
    """Calibrated P(departing within h months) for h in `horizons`, non-decreasing in h."""

    spec: FeatureSpec
    boosters: dict[int, lgb.Booster]
    calibrators: dict[int, Calibrator]
    horizons: tuple[int, ...] = (3, 6, 12)
    info: dict[str, str] = field(default_factory=dict)

    @property
    def feature_names(self) -> list[str]:
        """The feature columns the model reads."""
        return self.spec.names

    def raw_scores(self, frame: pl.DataFrame, horizon: int) -> np.ndarray:
        """Uncalibrated booster probabilities for one horizon."""
        return self.boosters[horizon].predict(to_matrix(frame, self.spec))

    def predict(self, frame: pl.DataFrame) -> pl.DataFrame:
        """p_leave_{h}m columns, row-aligned with `frame`, calibrated and monotone in h."""
        x = to_matrix(frame, self.spec)
        columns = [
            self.calibrators[h].apply(self.boosters[h].predict(x)) for h in sorted(self.horizons)
        ]
        probs = enforce_monotone(np.column_stack(columns)) if columns else np.empty((len(x), 0))
        return pl.DataFrame(
            {f"p_leave_{h}m": probs[:, i] for i, h in enumerate(sorted(self.horizons))},
            schema={f"p_leave_{h}m": pl.Float64 for h in sorted(self.horizons)},
        )

    def contributions(self, frame: pl.DataFrame, horizon: int = 6) -> pl.DataFrame:
        """Per-feature log-odds contributions (LightGBM pred_contrib) plus `bias`, row-aligned."""
        contrib = self.boosters[horizon].predict(to_matrix(frame, self.spec), pred_contrib=True)
        names = [*self.spec.names, "bias"]
        return pl.DataFrame(
            {name: contrib[:, i] for i, name in enumerate(names)},
            schema={name: pl.Float64 for name in names},
        )
