"""The vectorised hazard prediction is the month-by-month reference, draw by draw."""

from __future__ import annotations

import numpy as np

from plan.design import N_CLOCK
from plan.hazard import HazardModel, Paths, _predict_hazard, coefficient_draws, months_stayed


def world(n: int, seed: int = 3, n_static: int = 12):
    """Random coefficients and paths, with ended, running and no grants, rent and cash, new
    joiners (first six months) and ages clipped at 18 and 70 within the horizon."""
    rng = np.random.default_rng(seed)
    p = n_static + N_CLOCK + 2
    beta = rng.normal(0, 0.4, p)
    beta[0] = -3.5
    a = rng.normal(0, 0.08, (p, p))
    model = HazardModel(beta, a @ a.T, n_static, [], {}, rng.normal(0, 0.3, n_static) - 1.5, 0, 0)
    static = rng.normal(0, 1, (n, n_static)).astype(np.float32)
    static[:, 0] = 1.0
    m0 = 24_330
    end = rng.integers(m0 - 40, m0 + 40, n)
    end[rng.random(n) < 0.2] = -1
    rent = (rng.random(n) < 0.3) & (end >= 0)
    offer_end = np.where(end >= m0, end + 12, m0 + 11)
    age = rng.uniform(17.5, 70.5, n).astype(np.float32)
    tenure = rng.integers(0, 40, n)
    return model, Paths(static, age, tenure, end, rent, offer_end, rent, m0)


def test_vectorised_prediction_matches_the_reference_loop():
    model, paths = world(700)
    got = _predict_hazard(model, paths, draws=40, seed=5, chunk=256)  # several blocks of rows
    m0, p0, m1, p1 = months_stayed(model.beta, model.gone_beta, paths, model.n_static)
    gains = np.column_stack([
        np.subtract(*months_stayed(b, model.gone_beta, paths, model.n_static)[2::-2])
        for b in coefficient_draws(model, 40, 5)[1:]
    ])  # fmt: skip
    for name, ref in (
        ("months_stayed_12m", m0), ("p_leave_12m", p0), ("months_stayed_12m_with_offer", m1),
        ("p_leave_12m_with_offer", p1), ("months_gained", m1 - m0),
        ("months_gained_low", np.quantile(gains, 0.05, axis=1)),
        ("months_gained_high", np.quantile(gains, 0.95, axis=1)),
    ):  # fmt: skip
        np.testing.assert_allclose(got[name].to_numpy(), ref, rtol=0, atol=1e-6, err_msg=name)
    # Some talents' clock never moves (grant ending far ahead): they gain exactly nothing.
    still = (paths.end >= paths.m0 + 19) & (paths.offer_end >= paths.m0 + 19)
    assert still.sum() > 0 and (got["months_gained_high"].to_numpy()[still] == 0).all()
    assert (got["months_gained"].to_numpy()[still] == 0).all()
    assert (got["months_gained_high"] > got["months_gained_low"]).sum() > 300
