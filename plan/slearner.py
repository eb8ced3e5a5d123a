"""The S-learner reading of the risk model: predict again with the subsidy features as offered.

The champion was trained to predict, not to answer "what if": its subsidy features are whatever
correlates with leaving near a grant's end, confounded with cohort, program and tenure. Reading it
as an effect is one estimator among others, judged against the simulator's truth.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from features.timeline import months_between

KNOTS = (3, 6, 12)


def offered_features(snap: pl.DataFrame, offers: pl.DataFrame) -> pl.DataFrame:
    """The snapshot as it would read with the offer paying: main subsidy to the offer's end."""
    new_end = offers["offer_end"].dt.month_end()
    running = (snap["subsidy_end_date"] >= snap["as_of"]).fill_null(False)
    shifted = snap.with_columns(
        subsidy_end_date=new_end,
        subsidy_monthly_amount=offers["monthly_yuan"],
        subsidy_type=offers["subsidy_type"],
        active_subsidies=snap["active_subsidies"] + (~running).cast(snap["active_subsidies"].dtype),
    )
    return shifted.with_columns(
        months_between(pl.col("as_of"), pl.col("subsidy_end_date"))
        .cast(snap["months_to_subsidy_end"].dtype)
        .alias("months_to_subsidy_end"),
        (pl.col("subsidy_monthly_amount") / pl.col("contribution_base"))
        .cast(snap["subsidy_share_of_base"].dtype)
        .alias("subsidy_share_of_base"),
    )


def months_from_risks(probs: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Expected months present of the next 12 from p_leave at 3, 6, 12 months, log-survival
    interpolated linearly between the horizons (and from 1 at as_of)."""
    logs = [np.zeros(probs.height)] + [
        np.log(np.clip(1.0 - probs[f"p_leave_{h}m"].to_numpy(), 1e-9, 1.0)) for h in KNOTS
    ]
    knots = (0, *KNOTS)
    months = np.zeros(probs.height)
    for k in range(1, 13):
        j = next(i for i in range(1, len(knots)) if k <= knots[i])
        w = (k - knots[j - 1]) / (knots[j] - knots[j - 1])
        months += np.exp((1 - w) * logs[j - 1] + w * logs[j])
    return months, probs["p_leave_12m"].to_numpy()


def predict_slearner(model, snap: pl.DataFrame, offers: pl.DataFrame) -> pl.DataFrame:
    """Months stayed and p_leave_12m without and with the offer, read off the risk model."""
    m0, p0 = months_from_risks(model.predict(snap))
    m1, p1 = months_from_risks(model.predict(offered_features(snap, offers)))
    nulls = pl.Series([None] * snap.height, dtype=pl.Float64)
    return pl.DataFrame({
        "months_stayed_12m": m0, "months_stayed_12m_with_offer": m1,
        "p_leave_12m": p0, "p_leave_12m_with_offer": p1, "months_gained": m1 - m0,
    }).with_columns(months_gained_low=nulls, months_gained_high=nulls)  # fmt: skip
