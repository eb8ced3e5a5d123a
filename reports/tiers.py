"""Risk tiers: thresholds on the calibrated 6-month probability of leaving."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, ConfigDict, model_validator

TIERS = ("high", "medium", "low")
# Talents an officer can call in a week, per county: the length of a county's work list and
# of the reasons computed (flows.score's COUNTIES_NEED_REASONS_TOP is the same number). The run
# configuration will set it; reports read it from here only.
OFFICER_CAPACITY = 50


class RiskThresholds(BaseModel):
    """Tier thresholds on p_leave_6m: high >= high, medium >= medium, else low.

    Why 0.30 and 0.15: typical annual employee turnover in China is 18-20% (domain.md), so
    about 10% of talents leave within six months. `medium` (0.15) flags talents about
    1.5 times that base rate and `high` (0.30) about three times it: a short list an
    officer can call in a week, and a watch list behind it. Both are configurable; they
    apply to calibrated probabilities, so a threshold reads as "at least 30% likely to
    leave Dezhou within six months".
    """

    model_config = ConfigDict(frozen=True)

    high: float = 0.30
    medium: float = 0.15

    @model_validator(mode="after")
    def _check_order(self) -> RiskThresholds:
        if not 0.0 < self.medium <= self.high <= 1.0:
            raise ValueError(
                f"thresholds must satisfy 0 < medium <= high <= 1, got medium={self.medium}, high={self.high}"
            )
        return self


def assign_tier(thresholds: RiskThresholds, column: str = "p_leave_6m") -> pl.Expr:
    """Expression naming each row's tier (high/medium/low) from its 6-month probability."""
    p = pl.col(column)
    return (
        pl.when(p >= thresholds.high)
        .then(pl.lit("high"))
        .when(p >= thresholds.medium)
        .then(pl.lit("medium"))
        .when(p.is_not_null())
        .then(pl.lit("low"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("risk_tier")
    )


def rank_tier(column: str = "risk_tier") -> pl.Expr:
    """Expression giving a tier's rank: high 2, medium 1, low 0 (null stays null)."""
    return pl.col(column).replace_strict(
        {"high": 2, "medium": 1, "low": 0}, default=None, return_dtype=pl.Int8
    )
