"""Offer effects per eligible talent: the offer, then months stayed with and without it."""

from __future__ import annotations

from datetime import date

import polars as pl

from features.timeline import month_index
from plan.design import main_grant_clock
from plan.hazard import HazardModel, make_paths, predict_hazard
from plan.offer import make_offers
from plan.slearner import predict_slearner

ESTIMATORS = ("hazard", "s-learner")


def eligible(snapshot: pl.DataFrame) -> pl.DataFrame:
    """Talents an offer can keep: present at as_of, flexible experts excepted (never scored)."""
    return snapshot.filter(pl.col("program") != "flexible_expert")


def estimate_effects(
    snapshot: pl.DataFrame, subsidies: pl.DataFrame, as_of: date, estimator: str,
    hazard: HazardModel | None = None, champion=None, months: int = 12,
    new_monthly: float = 500.0, seed: int = 0,
) -> pl.DataFrame:  # fmt: skip
    """One row per eligible talent: the offer, its cost, months stayed with/without, the gain."""
    snap = eligible(snapshot)
    offers = make_offers(snap["talent_id"], subsidies, as_of, months, new_monthly)
    if estimator == "hazard":
        clock = main_grant_clock(snap, subsidies)
        est = predict_hazard(hazard, make_paths(hazard, snap, clock, offers, month_index(as_of)), seed=seed)
    else:
        est = predict_slearner(champion, snap, offers)
    keys = snap.select("talent_id", "county", "education", "university_tier", "months_to_subsidy_end")
    return pl.concat([keys, offers.drop("talent_id"), est], how="horizontal")
