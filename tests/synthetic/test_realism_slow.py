import time

import polars as pl
import pytest

import synthetic
from synthetic import checks


@pytest.fixture(scope="module")
def reg20k():
    start = time.perf_counter()
    reg = synthetic.simulate(n_talents=20_000, seed=0)
    reg.seconds = time.perf_counter() - start
    return reg


@pytest.mark.slow
def test_oracle_auc_at_6_months_in_realistic_range(reg20k):
    assert 0.72 <= checks.oracle_auc(reg20k, 6) <= 0.85


@pytest.mark.slow
def test_hazard_at_least_doubles_after_the_main_subsidy_ends(reg20k):
    assert checks.subsidy_cliff_ratio(reg20k) >= 2.0


@pytest.mark.slow
def test_annual_exits_between_10_and_20_percent(reg20k):
    r = checks.annual_exit_rates(reg20k).filter(pl.col("year") >= 2018)
    overall = r["exits"].sum() / r["person_years"].sum()
    assert 0.10 <= overall <= 0.20
    assert r["rate"].is_between(0.08, 0.25).all()


@pytest.mark.slow
def test_spring_festival_season_peaks(reg20k):
    h = reg20k.truth["hazards"].filter(pl.col("at_risk") & (pl.col("hazard") > 0))
    by_month = h.group_by(m=pl.col("month").dt.month()).agg(pl.col("hazard").mean())
    mean = dict(by_month.iter_rows())
    assert max(mean[2], mean[3]) > 1.3 * mean[10]
