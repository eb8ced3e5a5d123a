"""Risk tiers: thresholds on the calibrated 6-month probability of leaving."""

from __future__ import annotations

import polars as pl

from runconfig import DEFAULT, RiskThresholds

__all__ = ["OFFICER_CAPACITY", "TIERS", "RiskThresholds", "assign_tier", "rank_tier"]

TIERS = ("high", "medium", "low")
# Talents an officer can call in a week, per county (runconfig.RunConfig.capacity): the
# default for the reports' own functions; a run passes its configuration's value.
OFFICER_CAPACITY = DEFAULT.capacity


def assign_tier(thresholds: RiskThresholds, column: str = DEFAULT.headline) -> pl.Expr:
    """Expression naming each row's tier (high/medium/low) from its headline probability."""
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
