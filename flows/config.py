"""Run configuration: built once at the entry point (CLI or flow parameter), passed down."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

DEFAULT_TRACKING_URI = "sqlite:///mlruns/mlflow.db"


class Settings(BaseModel):
    """Where things live and the contract's time rules, frozen for one run."""

    model_config = ConfigDict(frozen=True)

    work_dir: Path = Path("work")
    tracking_uri: str = DEFAULT_TRACKING_URI
    reporting_lag_months: int = 1
    reporting_day: int = 15
    gap_months: int = 3
    seed: int = 0

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the environment (MLFLOW_TRACKING_URI, RETENTION_WORK_DIR) and overrides."""
        values: dict[str, object] = {}
        if uri := os.environ.get("MLFLOW_TRACKING_URI"):
            values["tracking_uri"] = uri
        if work := os.environ.get("RETENTION_WORK_DIR"):
            values["work_dir"] = Path(work)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def time_rules(self):
        """The contract's reporting lag and gap rule as the features package takes them."""
        from features.contract import TimeRules

        return TimeRules(
            reporting_lag_months=self.reporting_lag_months,
            reporting_day=self.reporting_day,
            gap_months=self.gap_months,
        )
