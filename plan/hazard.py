"""A discrete-time hazard with a time-varying subsidy clock, fitted on the training snapshots.

Month m0+1's departure, given presence through m0, is a logistic function of the talent's fixed
covariates at the snapshot, the subsidy clock in that month (which bin of months to / since the
main grant's last paid month) and age. Months further ahead move the clock, age and the
first-six-months term forward and keep the rest: the offer's effect is the clock's, so what
identifies it is when grants end (cohort, duration, program, county expiry), not who gets them.
A second logistic gives the chance the talent had already gone by m0 (unpaid months), which no
offer can change. Intervals come from the coefficients' employer-clustered covariance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.special import expit
from threadpoolctl import threadpool_limits

from features.timeline import month_index_expr
from plan.design import CLOCK_BINS, N_CLOCK, clock_matrix, static_matrix, time_matrix

HORIZON = 12


@dataclass(frozen=True)
class HazardModel:
    """Coefficients (static, clock, time), their clustered covariance, and the 'already gone' model."""

    beta: np.ndarray
    cov: np.ndarray
    n_static: int
    columns: list[str]
    x_means: dict[str, float]
    gone_beta: np.ndarray
    rows: int
    events: int


def _logit(x: np.ndarray, y: np.ndarray, ridge: float = 1.0, steps: int = 25) -> np.ndarray:
    """Logistic coefficients by Newton steps, with a light ridge so empty bins stay finite."""
    x = x.astype(np.float32)
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(max(y.mean(), 1e-6) / max(1 - y.mean(), 1e-6))  # start at the base rate
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(steps):
        p = expit((x @ beta.astype(np.float32)).astype(np.float64))
        grad = (x.T @ (y - p).astype(np.float32)).astype(np.float64) - penalty @ beta
        root = x * np.sqrt(p * (1 - p)).astype(np.float32)[:, None]
        step = np.linalg.solve(root.T @ root + penalty, grad)
        beta += step
        if np.abs(step).max() < 1e-5:
            break
    return beta


def clustered_cov(x: np.ndarray, y: np.ndarray, beta: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sandwich covariance of logistic coefficients, clustered by employer."""
    p = expit((x @ beta.astype(np.float32)).astype(np.float64))
    root = x * np.sqrt(p * (1 - p)).astype(np.float32)[:, None]
    bread = np.linalg.pinv((root.T @ root).astype(np.float64))
    _, g = np.unique(groups, return_inverse=True)
    scores = np.zeros((g.max() + 1, x.shape[1]))
    np.add.at(scores, g, x * (y - p)[:, None].astype(np.float32))
    return bread @ (scores.T @ scores) @ bread


def fit_hazard(rows: pl.DataFrame) -> HazardModel:
    """Fit on labelled snapshot rows with y_0m, y_1m, the clock (_end, _rent) and the features."""
    # Small dense products: one BLAS thread is 30x faster than two on a busy shared machine.
    with threadpool_limits(1):
        return _fit_hazard(rows)


def _fit_hazard(rows: pl.DataFrame) -> HazardModel:
    rows = rows.filter(pl.col("y_0m").is_not_null() & pl.col("y_1m").is_not_null())
    xs, columns, means = static_matrix(rows)
    gone_beta = _logit(xs, rows["y_0m"].to_numpy())
    at_risk = (rows["y_0m"] == 0).to_numpy()
    r = rows.filter(pl.Series(at_risk))
    month = r.select(month_index_expr("as_of") + 1).to_series().to_numpy()
    end = r["_end"].fill_null(-1).to_numpy()
    clock = clock_matrix(end, r["_rent"].fill_null(False).to_numpy(), month)
    times = time_matrix(r["age"].fill_null(30).to_numpy(), r["tenure_months"].fill_null(0).to_numpy(), 1)
    x = np.hstack([xs[at_risk], clock, times])
    y = r["y_1m"].to_numpy().astype(np.float64)
    beta = _logit(x, y)
    cov = clustered_cov(x, y, beta, r["employer_id"].fill_null("").to_numpy())
    names = columns + [f"clock_{k}_{lo}..{hi}" for k in ("cash", "rent") for lo, hi in CLOCK_BINS]
    return HazardModel(beta, cov, xs.shape[1], names + ["age", "first_six_months"], means,
                       gone_beta, int(len(y)), int(y.sum()))  # fmt: skip


def clock_index(end: np.ndarray, rent: np.ndarray, month: int | np.ndarray) -> np.ndarray:
    """Which clock coefficient applies (N_CLOCK: none) for grants ending `end` in `month`."""
    after = month - end
    idx = np.full(len(end), N_CLOCK, dtype=np.int32)
    for j, (lo, hi) in enumerate(CLOCK_BINS):
        inside = (end >= 0) & (after >= lo) & (after <= hi)
        idx[inside] = j + len(CLOCK_BINS) * rent[inside]
    return idx


@dataclass(frozen=True)
class Paths:
    """What a talent's months ahead look like to the hazard: clock without and with the offer."""

    static: np.ndarray
    age: np.ndarray
    tenure: np.ndarray
    end: np.ndarray
    rent: np.ndarray
    offer_end: np.ndarray
    offer_rent: np.ndarray
    m0: int


def make_paths(model: HazardModel, snap: pl.DataFrame, clock: pl.DataFrame, offers: pl.DataFrame, m0: int) -> Paths:
    """The scoring snapshot's design, row-aligned with snap (clock and offers joined by talent)."""
    xs, _, _ = static_matrix(snap, model.x_means)
    offer_end = offers.select(month_index_expr("offer_end")).to_series().to_numpy()
    return Paths(
        xs, snap["age"].fill_null(30).to_numpy().astype(np.float32),
        snap["tenure_months"].fill_null(0).to_numpy(), clock["_end"].fill_null(-1).to_numpy(),
        clock["_rent"].fill_null(False).to_numpy(), offer_end,
        (offers["subsidy_type"] == "rent").to_numpy() & (offers["offer_kind"] == "extend").to_numpy(), m0,
    )  # fmt: skip


def months_stayed(beta: np.ndarray, gone_beta: np.ndarray, paths: Paths, n_static: int):
    """Expected months present of the next 12 and p_leave_12m, without and with the offer."""
    base = paths.static @ beta[:n_static]
    present = 1.0 - expit(paths.static @ gone_beta)
    clock_beta = np.append(beta[n_static : n_static + N_CLOCK], 0.0)
    time_beta = beta[n_static + N_CLOCK :]
    out = []
    for end, rent in ((paths.end, paths.rent), (paths.offer_end, paths.offer_rent)):
        surv, total = present.copy(), np.zeros(len(base))
        for k in range(1, HORIZON + 1):
            lin = base + clock_beta[clock_index(end, rent, paths.m0 + k)]
            lin += time_matrix(paths.age, paths.tenure, k) @ time_beta
            surv *= 1.0 - expit(lin)
            total += surv
        out += [total, 1.0 - surv]
    return out  # months0, p0, months1, p1


def predict_hazard(model: HazardModel, paths: Paths, draws: int = 40, seed: int = 0) -> pl.DataFrame:
    """Point estimates and a 90% interval of months gained from coefficient draws."""
    with threadpool_limits(1):
        return _predict_hazard(model, paths, draws, seed)


def coefficient_draws(model: HazardModel, draws: int, seed: int) -> np.ndarray:
    """The point coefficients, then `draws` draws from their clustered covariance (rows)."""
    rng = np.random.default_rng(seed)
    method = "cholesky" if _pd(model.cov) else "svd"
    sims = rng.multivariate_normal(model.beta, model.cov, size=draws, method=method)
    return np.vstack([model.beta[None, :], sims])


def _predict_hazard(model: HazardModel, paths: Paths, draws: int, seed: int, chunk: int = 16_384) -> pl.DataFrame:
    """months_stayed for the point coefficients and every draw at once, by blocks of rows.

    Same arithmetic as `months_stayed` (the reference), vectorised over draws. A talent whose
    clock bin is the same with and without the offer in each of the 12 months gains exactly 0
    under every draw, so only the others are drawn (exact, not an approximation)."""
    betas = coefficient_draws(model, draws, seed)
    n, ns = len(paths.end), model.n_static
    ks = np.arange(1, HORIZON + 1)
    # Clock bins per month ahead (n x 12), without and with the offer: the same for every draw.
    idx0 = np.stack([clock_index(paths.end, paths.rent, paths.m0 + k) for k in ks], axis=1)
    idx1 = np.stack([clock_index(paths.offer_end, paths.offer_rent, paths.m0 + k) for k in ks], axis=1)
    moved = (idx0 != idx1).any(axis=1)
    present = 1.0 - expit(paths.static @ model.gone_beta)
    out = {name: np.zeros(n) for name in ("m0", "p0", "m1", "p1", "low", "high")}
    # The point estimate for everyone (one column), the draws only where the offer moves the clock.
    for rows, b in ((np.arange(n), betas[:1]), (np.flatnonzero(moved), betas)):
        for start in range(0, len(rows), chunk):
            r = rows[start : start + chunk]
            m0, p0, m1, p1 = _months_many(b, paths, r, idx0[r], idx1[r], present[r], ns)
            if b.shape[0] == 1:
                out["m0"][r], out["p0"][r], out["m1"][r], out["p1"][r] = m0[:, 0], p0[:, 0], m1[:, 0], p1[:, 0]
            else:
                gains = m1[:, 1:] - m0[:, 1:]
                out["low"][r], out["high"][r] = np.quantile(gains, [0.05, 0.95], axis=1)
    return pl.DataFrame({
        "months_stayed_12m": out["m0"], "months_stayed_12m_with_offer": out["m1"],
        "p_leave_12m": out["p0"], "p_leave_12m_with_offer": out["p1"], "months_gained": out["m1"] - out["m0"],
        "months_gained_low": out["low"], "months_gained_high": out["high"],
    })  # fmt: skip


def _months_many(betas, paths: Paths, r, idx0, idx1, present, n_static: int):
    """months_stayed of rows r under each coefficient row of betas (rows x draws arrays).

    The month's odds of leaving, exp(lin), factor into the talent's fixed part, the clock bin's
    and the time terms', so no exp is taken inside the month loop: age moves by 1/120 of a
    decade a month (rows whose age is clipped at 18 or 70 within the horizon take the exact
    path), the first-six-months term is on or off."""
    base = paths.static[r].astype(np.float64) @ betas[:, :n_static].T
    clock_odds = np.exp(np.hstack([betas[:, n_static : n_static + N_CLOCK], np.zeros((len(betas), 1))]).T)
    time_beta = betas[:, n_static + N_CLOCK :]
    age, tenure = paths.age[r], paths.tenure[r]
    clipped = (age + 1 / 12 < 18) | (age + HORIZON / 12 > 70)
    a1 = time_matrix(age, tenure, 1).astype(np.float64)
    # Fixed part x age at month 1 (exact for every row), then x exp(age step) each month.
    fixed = np.exp(base + a1[:, :1] @ time_beta[:, :1].T)
    age_step = np.exp(time_beta[:, 0] / 120.0)
    first_six = np.exp(time_beta[:, 1])
    out = []
    for idx in (idx0, idx1):
        surv = np.repeat(present[:, None], len(betas), axis=1)
        total = np.zeros_like(surv)
        odds_fixed = fixed.copy()
        for k in range(1, HORIZON + 1):
            if k > 1:
                odds_fixed *= age_step
            odds = clock_odds[idx[:, k - 1]]
            odds *= odds_fixed
            new = (tenure + k) <= 6
            if new.any():
                odds[new] *= first_six
            if clipped.any():
                t = time_matrix(age[clipped], tenure[clipped], k).astype(np.float64)
                exact = base[clipped] + t @ time_beta.T + np.log(clock_odds[idx[clipped, k - 1]])
                odds[clipped] = np.exp(exact)
            odds += 1.0
            surv /= odds
            total += surv
        out += [total, 1.0 - surv]
    return out


def _pd(cov: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(cov)
        return True
    except np.linalg.LinAlgError:
        return False
