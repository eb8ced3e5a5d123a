import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import synthetic
from synthetic import checks
from synthetic.build import last_known_month
from synthetic.calendar import month_starts

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def reg():
    return synthetic.simulate(n_talents=2_000, seed=7, as_of=AS_OF)


def test_same_seed_same_world_other_seed_other_world(reg):
    again = synthetic.simulate(n_talents=2_000, seed=7, as_of=AS_OF)
    for name, df in reg.tables.items():
        assert_frame_equal(df, again.tables[name])
    for name, df in reg.truth.items():
        assert_frame_equal(df, again.truth[name])
    other = synthetic.simulate(n_talents=2_000, seed=8, as_of=AS_OF)
    assert not other.tables["talents"].equals(reg.tables["talents"])


def test_truth_equals_contract_rule_on_full_series_for_every_talent(reg):
    last = reg.full_contributions()["month"].max()
    ruled = checks.first_departures(reg.full_contributions(), last)
    truth = reg.truth["departures"].select("talent_id", "first_departure_month")
    got = truth.join(ruled, on="talent_id", how="left", suffix="_rule")
    assert got.height == reg.tables["talents"].height
    mismatch = got.filter(
        pl.col("first_departure_month").ne_missing(pl.col("first_departure_month_rule"))
    )
    assert mismatch.height == 0, mismatch.head()
    assert truth["first_departure_month"].null_count() < truth.height  # some leave


def test_short_gaps_and_returns_exist_and_are_not_departures(reg):
    paid = (
        reg.full_contributions()
        .with_columns(m=pl.col("month").dt.year() * 12 + pl.col("month").dt.month())
        .sort("talent_id", "m")
    )
    gaps = paid.with_columns(g=pl.col("m").diff().over("talent_id") - 1).filter(pl.col("g") > 0)
    assert gaps.filter(pl.col("g") <= 2).height > 0  # short gaps that are not departures
    dep = reg.truth["departures"].drop_nulls("return_month")
    assert dep.height > 0
    months = (dep["return_month"].dt.year() - dep["first_departure_month"].dt.year()) * 12 + (
        dep["return_month"].dt.month() - dep["first_departure_month"].dt.month()
    )
    assert months.min() >= 6


def test_hazards_at_risk_stop_at_first_departure_and_cover_the_horizon(reg):
    h = reg.truth["hazards"].join(reg.truth["departures"], on="talent_id")
    at_risk = h.filter("at_risk")
    assert at_risk.filter(pl.col("month") > pl.col("first_departure_month")).height == 0
    # After leaving, 12 months of the hazard the talent would have had, for the oracle's window.
    after = h.filter(pl.col("month") > pl.col("first_departure_month"))
    assert after.height > 0
    months_after = (after["month"].dt.year() - after["first_departure_month"].dt.year()) * 12 + (
        after["month"].dt.month() - after["first_departure_month"].dt.month()
    )
    assert months_after.max() == 12
    assert (after["hazard"] > 0).all()
    assert h["month"].max() == dt.date(2028, 2, 1)  # as_of + 15 months
    assert h["hazard"].is_between(0.0, 1.0).all()
    stayers = h.filter(pl.col("first_departure_month").is_null())
    assert stayers.group_by("talent_id").agg(pl.col("month").max())["month"].min() == dt.date(
        2028, 2, 1
    )


def test_extract_is_cut_at_as_of(reg):
    t = reg.tables
    lk = month_starts(last_known_month(AS_OF) + 1)[-1].astype(dt.date)
    assert t["social_insurance"]["month"].max() == lk.strftime("%Y-%m")
    assert (t["life_events"]["event_date"] < AS_OF).all()
    assert (t["subsidies"]["start_date"] < AS_OF).all()
    assert (t["talents"]["arrival_date"] < AS_OF).all()
    assert (t["subsidies"]["end_date"] >= t["subsidies"]["start_date"]).all()
    flex = t["talents"].filter(pl.col("program") == "flexible_expert")
    assert flex.height > 0
    assert t["social_insurance"].join(flex, on="talent_id", how="semi").height == 0
    assert t["social_insurance"].join(t["employers"], on="employer_id", how="anti").height == 0
    assert t["subsidies"].join(t["policies"], on="policy_id", how="anti").height == 0
    assert t["social_insurance"].select("talent_id", "month").is_duplicated().sum() == 0


def test_extract_keys_and_codes(reg):
    t = reg.tables["talents"]
    assert t["talent_id"].is_unique().all()
    assert set(t["county"].unique()) <= set(synthetic.population.COUNTIES)
    assert t["x_survey_intent_to_stay"].drop_nulls().is_between(1, 5).all()
    assert 0.2 < t["x_survey_intent_to_stay"].null_count() / t.height < 0.7
    assert set(reg.tables["subsidies"]["subsidy_type"].unique()) >= {
        "living",
        "allowance",
        "purchase",
    }


def test_policies_cap_county_grants_and_2020_continues_2017(reg):
    s = reg.tables["subsidies"].join(reg.tables["policies"], on="policy_id")
    capped = s.filter(pl.col("effective_to").is_not_null())
    assert (capped["end_date"] <= capped["effective_to"]).all()
    old = s.filter(pl.col("policy_id") == "DZ-2017-GRAD")
    assert old["end_date"].max() == dt.date(2020, 8, 31)
    assert (
        s.filter(
            pl.col("policy_id") == "DZ-2020-GOLD30", pl.col("start_date") == dt.date(2020, 9, 1)
        ).height
        > 0
    )


def test_mix_and_intake_growth(reg):
    t = reg.tables["talents"]
    share = dict(t["program"].value_counts(normalize=True).iter_rows())
    assert 0.015 < share["flexible_expert"] < 0.05
    assert share["graduate_gathering"] > 0.6 and share["doctoral"] + share["postdoc"] < 0.05
    edu = dict(t["education"].value_counts(normalize=True).iter_rows())
    assert edu["bachelor"] + edu["junior_college"] > 0.7 and edu["doctorate"] < 0.06
    years = dict(t.group_by(pl.col("arrival_date").dt.year()).len().iter_rows())
    assert years[2020] > 1.6 * years[2019] and years[2016] < years[2019] < years[2024]


def test_annual_exit_rate_between_10_and_20_percent(reg):
    r = checks.annual_exit_rates(reg)
    overall = r["exits"].sum() / r["person_years"].sum()
    assert 0.10 <= overall <= 0.20


def test_oracle_formula_on_inline_frames():
    # The oracle of the contract's label window (M <= m0 + h): 1 when the first departure M is
    # before the snapshot's month m0, else 1 - prod(1 - hazard) over m0 .. m0+h (m0 + h counts);
    # months without a hazard row count as hazard 0.
    hazards = pl.DataFrame(
        {
            "talent_id": ["a"] * 4 + ["b"] * 2,
            "month": [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]
            + [dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
            "hazard": [0.1, 0.2, 0.5, 0.5, 0.0, 0.3],
        }
    )
    departures = pl.DataFrame(
        {"talent_id": ["a", "b"], "first_departure_month": [None, dt.date(2026, 2, 1)]},
        schema={"talent_id": pl.String, "first_departure_month": pl.Date},
    )
    snaps = pl.DataFrame(
        {
            "talent_id": ["a", "b", "a", "b", "a"],
            "as_of": [
                dt.date(2026, 2, 10),
                dt.date(2026, 3, 5),
                dt.date(2026, 1, 31),
                dt.date(2026, 2, 20),
                dt.date(2025, 12, 20),
            ],
        }
    )
    got = synthetic.oracle_probabilities(hazards, departures, snaps)
    feb = 1 - 0.8 * 0.5 * 0.5  # m0 = Feb: Feb .. May (May has no row)
    jan = 1 - 0.9 * 0.8 * 0.5 * 0.5  # m0 = Jan: Jan .. Apr; April is m0 + 3 and counts
    dec_3m = 1 - 0.9 * 0.8 * 0.5  # m0 = Dec 2025: Dec .. Mar 2026, April is m0 + 4
    dec_6m = 1 - 0.9 * 0.8 * 0.5 * 0.5
    b_feb = 0.3  # b leaves in m0 = Feb itself: the oracle still reads February's hazard
    expected = pl.DataFrame(
        {
            "talent_id": ["a", "b", "a", "b", "a"],
            "as_of": snaps["as_of"],
            "p_leave_3m": [feb, 1.0, jan, b_feb, dec_3m],
            "p_leave_6m": [feb, 1.0, jan, b_feb, dec_6m],
            "p_leave_12m": [feb, 1.0, jan, b_feb, dec_6m],
        }
    )
    assert_frame_equal(got, expected, abs_tol=1e-12)


def test_oracle_in_truth_is_monotone_in_horizon(reg):
    o = reg.truth["oracle"]
    assert (o["p_leave_3m"] <= o["p_leave_6m"]).all() and (
        o["p_leave_6m"] <= o["p_leave_12m"]
    ).all()
