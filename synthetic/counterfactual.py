"""The offer's counterfactual truth: the months each talent stays with and without it.

Along the same covariate path the loop drew (employer, pay, ties, shocks, ghost months after a
departure), only the main-subsidy clock changes: the offer extends it (or starts a new one), so
the 'subsidy running' term replaces the 'months since it ended' term while it pays and the cliff
moves to the offer's end. Nothing here draws a random number, so the extract is unchanged.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from plan.offer import make_offers
from synthetic.hazard import HazardParams, subsidy_log_hazard, to_probability

WINDOW = 12  # months after as_of (contract: m0+1 .. m0+12, month m0 itself still ahead)


class EtaRecorder:
    """Collects the log hazard of every at-risk and ghost row in months m0 .. m0+WINDOW."""

    def __init__(self, m0: int, n: int):
        self.m0, self.n = m0, n
        self.eta = np.full((n, WINDOW + 1), np.nan, dtype=np.float32)
        self.closing = np.zeros((n, WINDOW + 1), dtype=bool)

    def __call__(self, t: int, idx: np.ndarray, eta: np.ndarray, closing: np.ndarray) -> None:
        """Record month t's rows when t is in the window."""
        k = t - self.m0
        if 0 <= k <= WINDOW:
            self.eta[idx, k] = eta
            self.closing[idx, k] = closing


def offered_clock(
    start: np.ndarray, end: np.ndarray, a: np.ndarray, b: np.ndarray, moves: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Main-subsidy months [start, end] once the offer pays [a, b] (where it moves the clock)."""
    joined = (end >= 0) & (a <= end + 1) & (b >= start - 1)
    s = np.where(joined, np.minimum(start, a), a)
    e = np.where(joined, np.maximum(end, b), b)
    return np.where(moves, s, start), np.where(moves, e, end)


def _hazards(p: HazardParams, eta: np.ndarray, closing: np.ndarray) -> np.ndarray:
    """Monthly hazards as the loop makes them; no row (NaN) means the rule cannot fire: 0."""
    h = to_probability(p, np.nan_to_num(eta, nan=-50.0)).astype(np.float64)
    h = np.where(closing, np.maximum(h, p.closure_probability), h)
    return np.where(np.isnan(eta), 0.0, h)


def _stay(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected months present among m0+1 .. m0+12 and the 12-month departure probability."""
    surv = np.cumprod(1.0 - h, axis=1)  # present in month m0+k iff no departure in m0 .. m0+k
    return surv[:, 1:].sum(axis=1), 1.0 - surv[:, -1]


def offer_truth(
    rec: EtaRecorder, p: HazardParams, main: dict, first_dep: np.ndarray, scored: np.ndarray,
    talent_ids: pl.Series, subsidies: pl.DataFrame, as_of: dt.date,
    months: int = 12, new_monthly: float = 500.0,
) -> pl.DataFrame:  # fmt: skip
    """Per scored talent: months stayed of the next 12 without/with the offer, p_leave_12m, cost."""
    m0 = rec.m0
    offers = make_offers(talent_ids, subsidies, as_of, months, new_monthly)
    to_idx = pl.col("offer_start").dt.year().cast(pl.Int32) * 12 + pl.col("offer_start").dt.month()
    a = offers.select(to_idx - (2016 * 12 + 1)).to_series().to_numpy().astype(np.int32)
    b = a + months - 1
    # The rent subsidy is not in the hazard (housing subsidies move people little, domain.md):
    # extending it leaves the clock where it was.
    moves = (offers["offer_kind"] == "new").to_numpy() | (offers["subsidy_type"] != "rent").to_numpy()
    s1, e1 = offered_clock(main["start"], main["end"], a, b, moves)
    delta = np.zeros_like(rec.eta)
    for k in range(1, WINDOW + 1):  # month m0's draw happened before the offer was made
        t = m0 + k
        delta[:, k] = subsidy_log_hazard(p, s1, e1, t) - subsidy_log_hazard(
            p, main["start"], main["end"], t
        )
    months0, p0 = _stay(_hazards(p, rec.eta, rec.closing))
    months1, p1 = _stay(_hazards(p, rec.eta + delta, rec.closing))
    gone = (first_dep >= 0) & (first_dep < m0)  # left before as_of: nothing to keep
    months0, months1 = np.where(gone, 0.0, months0), np.where(gone, 0.0, months1)
    p0, p1 = np.where(gone, 1.0, p0), np.where(gone, 1.0, p1)
    out = offers.with_columns(
        as_of=pl.lit(as_of),
        months_stayed_12m=pl.Series(months0),
        months_stayed_12m_with_offer=pl.Series(months1),
        p_leave_12m=pl.Series(p0),
        p_leave_12m_with_offer=pl.Series(p1),
    ).with_columns(
        (pl.col("months_stayed_12m_with_offer") - pl.col("months_stayed_12m")).alias("months_gained")
    )
    return out.filter(pl.Series(scored)).drop("grant_id", "subsidy_type", "grant_end_date")

