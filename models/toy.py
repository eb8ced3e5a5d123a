"""A small labelled snapshot frame with a known signal and its oracle, for tests and examples."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

TOY_NUMERIC = ["age", "tenure_months", "months_to_subsidy_end", "contribution_base", "x_score"]
TOY_CATEGORICAL = ["education", "hometown", "county"]


def month_start(index: int, origin: date = date(2020, 1, 1)) -> date:
    """First day of the month `index` months after `origin`."""
    y, m = divmod(origin.month - 1 + index, 12)
    return date(origin.year + y, m + 1, 1)


def simulate_toy_snapshots(
    n_talents: int = 800, n_months: int = 48, seed: int = 0
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Monthly snapshots with y_3m/y_6m/y_12m (null when not yet observable) and the oracle frame."""
    rng = np.random.default_rng(seed)
    months = n_months + 12
    arrival = rng.integers(0, n_months // 2, n_talents)
    edu = rng.choice(["doctorate", "master", "bachelor"], n_talents, p=[0.1, 0.3, 0.6])
    home = rng.choice(["dezhou", "shandong", "other_province"], n_talents, p=[0.4, 0.35, 0.25])
    county = rng.choice(["decheng", "yucheng", "qihe", "leling"], n_talents)
    gender = rng.choice(["M", "F"], n_talents)
    age0 = rng.normal(26, 3, n_talents)
    base = rng.lognormal(8.5, 0.3, n_talents)
    score = rng.normal(0, 1, n_talents)
    sub_end = arrival + np.where(edu == "doctorate", 60, 36)
    t = np.arange(months)[None, :]
    logit = (
        -4.6
        + 0.9 * (home == "other_province")[:, None]
        + 0.6 * score[:, None]
        - 0.4 * (edu == "doctorate")[:, None]
        + 1.6 * ((t >= sub_end[:, None]) & (t < sub_end[:, None] + 6))
        + 0.5 * (t < arrival[:, None] + 6)
    )
    hazard = np.where(t >= arrival[:, None], 1 / (1 + np.exp(-logit)), 0.0)
    departed = rng.random((n_talents, months)) < hazard
    first = np.where(departed.any(axis=1), departed.argmax(axis=1), 10_000)
    rows = [
        (i, s)
        for i in range(n_talents)
        for s in range(arrival[i] + 1, min(first[i], n_months - 1) + 1)
    ]
    ti, ts = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    survive = np.cumprod(1 - hazard, axis=1)
    frame = {
        "talent_id": [f"T{i:05d}" for i in ti],
        "as_of": [month_start(s) for s in ts],
        "county": county[ti],
        "employer_id": [f"E{i % 40:03d}" for i in ti],
        "gender": gender[ti],
        "age": age0[ti] + (ts - arrival[ti]) / 12,
        "tenure_months": (ts - arrival[ti]).astype(np.float64),
        "months_to_subsidy_end": (sub_end[ti] - ts).astype(np.int64),
        "contribution_base": base[ti],
        "x_score": score[ti],
        "education": edu[ti],
        "hometown": home[ti],
    }
    oracle = {"talent_id": frame["talent_id"], "as_of": frame["as_of"]}
    for h in (3, 6, 12):
        label = (first[ti] < ts + h).astype(np.int64)
        known = ts + h <= n_months - 1
        frame[f"y_{h}m"] = pl.Series(np.where(known, label, -1)).replace(-1, None)
        before = np.where(ts > 0, survive[ti, np.maximum(ts - 1, 0)], 1.0)
        oracle[f"p_leave_{h}m"] = 1 - survive[ti, ts + h - 1] / before
    return pl.DataFrame(frame), pl.DataFrame(oracle)
