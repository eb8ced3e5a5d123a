"""Reporting noise: shell employers paying on for talents who have left (domain.md)."""

import dataclasses
import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import synthetic
from synthetic import checks
from synthetic.build import draw_shells
from synthetic.careers import city_base
from synthetic.hazard import HazardParams

AS_OF = dt.date(2026, 11, 23)
SHELLS = dataclasses.replace(HazardParams(), shell_share=1.0, shell_keep=0.9, shell_stop=0.25)


@pytest.fixture(scope="module")
def reg():
    return synthetic.simulate(n_talents=3_000, seed=5, as_of=AS_OF, params=SHELLS)


def _months(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    return (later.dt.year() - earlier.dt.year()) * 12 + later.dt.month() - earlier.dt.month()


def test_only_micro_and_small_market_firms_that_never_close_are_shells():
    emp = {
        "county": [0] * 6,
        "ownership": [0, 0, 3, 1, 2, 0],  # private, private, foreign, state, public, private
        "size": [0, 1, 1, 0, 0, 2],
        "close": [10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
    }
    emp = {k: np.array(v) for k, v in emp.items()}
    assert draw_shells(0, emp, 1.0).tolist() == [True, True, True, False, False, False]
    emp["close"][0] = 50  # a firm that closes is real, not a shell
    assert draw_shells(0, emp, 1.0).tolist()[0] is False
    assert not draw_shells(0, emp, 0.0).any()


def test_the_registry_sees_the_departure_when_the_shell_stops_paying(reg):
    dep = reg.truth["departures"]
    paid_on = dep.filter(pl.col("left_city_month") < pl.col("first_departure_month"))
    assert paid_on.height > 20  # shells paid on for some leavers
    assert dep.filter(pl.col("left_city_month") > pl.col("first_departure_month")).height == 0
    # The labels are the contract's rule on the contributions, shells' payments included.
    last = reg.full_contributions()["month"].max()
    ruled = checks.first_departures(reg.full_contributions(), last)
    got = dep.join(ruled, on="talent_id", how="left", suffix="_rule")
    assert got.filter(
        pl.col("first_departure_month").ne_missing(pl.col("first_departure_month_rule"))
    ).is_empty()
    # What the shell pays after the talent left: the floor base (60% of the city's average),
    # at the employer the talent left from.
    si = reg.tables["social_insurance"].with_columns(pl.col("month").str.to_date("%Y-%m"))
    after = si.join(paid_on, on="talent_id").filter(
        (pl.col("month") >= pl.col("left_city_month"))
        & (pl.col("month") < pl.col("first_departure_month"))
    )
    assert after.height > 0
    months = after.select(_months(pl.col("month"), pl.lit(dt.date(2016, 1, 1))))
    expected = [round(0.6 * city_base(t)) for t in months.to_series()]
    floor = after.with_columns(expected=pl.Series(expected, dtype=pl.Float64))
    assert (floor["contribution_base"] == floor["expected"]).all()
    assert (
        after.group_by("talent_id").agg(pl.col("employer_id").n_unique())["employer_id"].max() == 1
    )
    # Nothing happens in the city to someone who has gone: no life event after leaving.
    events = reg.tables["life_events"].join(paid_on, on="talent_id")
    assert events.filter(pl.col("event_date") >= pl.col("left_city_month")).is_empty()


def test_oracle_knows_who_is_gone_but_paid_for():
    # A left in January and a shell pays for them (stop 0.25 a month): at m0 = March they are
    # still paid for, so the registry's departure comes within h when the payments stop in
    # March .. March+h: 1 - 0.75^(h+1).
    # B is present: a departure in April (hazard 0.2) at a shell that keeps 0.5 of them counts
    # only if the payments stop by m0+h; May's (0.5) likewise. At m0 = April, h = 3 (to July):
    # April: 0.2 (1 - 0.5 * 0.75^3); May: 0.8 * 0.5 (1 - 0.5 * 0.75^2).
    hazards = pl.DataFrame(
        {
            "talent_id": ["a", "b", "b", "b"],
            "month": [
                dt.date(2026, 1, 1),
                dt.date(2026, 3, 1),
                dt.date(2026, 4, 1),
                dt.date(2026, 5, 1),
            ],
            "hazard": [0.4, 0.1, 0.2, 0.5],
            "shell_keep": [0.5, 0.5, 0.5, 0.5],
        }
    )
    departures = pl.DataFrame(
        {
            "talent_id": ["a", "b"],
            "first_departure_month": [dt.date(2026, 6, 1), None],
            "left_city_month": [dt.date(2026, 1, 1), None],
            "shell_stop": [0.25, 0.25],
        }
    )
    snaps = pl.DataFrame(
        {"talent_id": ["a", "b"], "as_of": [dt.date(2026, 3, 23), dt.date(2026, 4, 23)]}
    )
    got = synthetic.oracle_probabilities(hazards, departures, snaps)
    b3 = 0.2 * (1 - 0.5 * 0.75**3) + 0.8 * 0.5 * (1 - 0.5 * 0.75**2)
    b6 = 0.2 * (1 - 0.5 * 0.75**6) + 0.8 * 0.5 * (1 - 0.5 * 0.75**5)
    b12 = 0.2 * (1 - 0.5 * 0.75**12) + 0.8 * 0.5 * (1 - 0.5 * 0.75**11)
    expected = pl.DataFrame(
        {
            "talent_id": ["a", "b"],
            "as_of": snaps["as_of"],
            "p_leave_3m": [1 - 0.75**4, b3],
            "p_leave_6m": [1 - 0.75**7, b6],
            "p_leave_12m": [1 - 0.75**13, b12],
        }
    )
    assert_frame_equal(got, expected, abs_tol=1e-12)
    # Without shells' columns it is the plain oracle, 1 - prod(1 - hazard): it thinks A safe
    # (no hazard after January) and B's April and May departures all counted.
    plain = synthetic.oracle_probabilities(
        hazards.drop("shell_keep"), departures.drop("shell_stop"), snaps
    )
    assert plain["p_leave_3m"].to_list() == pytest.approx([0.0, 1 - 0.8 * 0.5])


def test_oracle_matches_what_happens_to_talents_at_shells(reg):
    # Over monthly snapshots 2018-2025 of this (seeded) world, the oracle's mean is what the
    # labels show, for those gone but still paid for and for those at a shell; the plain oracle,
    # blind to shells, is far off on both (6 months: 0.16 against 0.82 realised, 0.072 against
    # 0.036; this oracle 0.867 and 0.043).
    dep, hz = reg.truth["departures"], reg.truth["hazards"]
    talents = reg.tables["talents"].filter(pl.col("program") != "flexible_expert")
    snaps = pl.concat(
        talents.filter(pl.col("arrival_date") < d).select("talent_id", as_of=pl.lit(d))
        for d in (dt.date(y, m, 23) for y in range(2018, 2026) for m in range(1, 13))
    )
    m0 = pl.col("as_of").dt.month_start()
    never = dt.date(9999, 1, 1)
    rows = (
        synthetic.oracle_probabilities(hz, dep, snaps)
        .join(dep, on="talent_id")
        .filter(pl.col("first_departure_month").fill_null(never) >= m0)
        .with_columns(month=m0)
        .join(hz.select("talent_id", "month", "shell_keep"), on=["talent_id", "month"], how="left")
        .with_columns(
            gone=pl.col("left_city_month").fill_null(never) < m0,
            at_shell=pl.col("shell_keep").fill_null(0.0) > 0,
            y=(pl.col("first_departure_month") <= m0.dt.offset_by("6mo"))
            .fill_null(False)
            .cast(pl.Float64),
        )
    )
    gone = rows.filter("gone")
    at_shell = rows.filter(~pl.col("gone") & pl.col("at_shell"))
    assert gone.height > 200 and at_shell.height > 3000
    assert gone["p_leave_6m"].mean() == pytest.approx(1 - 0.75**7)
    assert gone["p_leave_6m"].mean() == pytest.approx(gone["y"].mean(), abs=0.06)
    assert at_shell["p_leave_6m"].mean() == pytest.approx(at_shell["y"].mean(), abs=0.015)


def test_a_variant_draws_shells_and_variant_zero_has_none():
    from synthetic.variants import RANGES, draw_variant

    assert HazardParams().shell_share == 0.0
    for k in range(1, 11):
        d = draw_variant(k)
        assert RANGES["shell_share"][0] <= d.shell_share <= RANGES["shell_share"][1]
        assert RANGES["shell_keep"][0] <= d.shell_keep <= RANGES["shell_keep"][1]
        lo, hi = RANGES["shell_months"]
        assert 1 / hi <= d.shell_stop <= 1 / lo
    plain = synthetic.simulate(n_talents=300, seed=1, as_of=AS_OF)
    assert "shell_keep" not in plain.truth["hazards"].columns
    dep = plain.truth["departures"]
    assert dep["left_city_month"].equals(dep["first_departure_month"])
