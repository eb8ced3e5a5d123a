"""Snapshots: who is present at a date, and feature values as known at that date."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.catalog import IDENTITY
from features.contract import TimeRules
from features.snapshots import scoring_snapshot, snapshot_dates, training_snapshots
from features.timeline import (
    first_rows,
    join_pay_state,
    known_contributions,
    last_known_month,
    month_index,
    months_between,
    pay_timeline,
)

D = date.fromisoformat


def months(start: str, n: int) -> list[date]:
    """n consecutive month starts from YYYY-MM."""
    first = month_index(D(start + "-01"))
    return [date((first + i) // 12, (first + i) % 12 + 1, 1) for i in range(n)]


def registry(si: dict[str, tuple[str, int, str]] | None = None) -> dict[str, pl.DataFrame]:
    """A validated registry; `si` maps talent -> (first month, months paid, employer)."""
    si = si or {"A": ("2020-01", 12, "E1"), "B": ("2020-03", 5, "E1"), "C": ("2020-01", 12, "E1")}
    rows = [(t, m, e) for t, (start, n, e) in si.items() for m in months(start, n)]
    talents = pl.DataFrame(
        {
            "talent_id": ["A", "B", "C", "D"],
            "gender": ["M", "F", None, "F"],
            "birth_date": [D("1995-05-05"), D("1990-01-01"), D("1980-01-01"), D("1999-09-09")],
            "education": ["master", "master", "doctorate", "bachelor"],
            "university_tier": ["ordinary", None, None, "ordinary"],
            "major_field": [None, "science", None, None],
            "hometown": ["dezhou", "shandong", "overseas", "dezhou"],
            "program": ["graduate_gathering", "graduate_gathering", "flexible_expert", "other"],
            "arrival_date": [D("2020-01-10"), D("2020-03-01"), D("2020-01-01"), D("2020-12-01")],
            "county": ["decheng", "decheng", "qihe", "decheng"],
            "x_score": [1.0, 2.0, 3.0, 4.0],
        }
    )
    return {
        "talents": talents,
        "employers": pl.DataFrame(
            {
                "employer_id": ["E1", "E2"],
                "employer_name": [None, None],
                "industry": ["textiles", "services"],
                "ownership": ["private", "state_owned"],
                "size_band": ["small", None],
                "county": ["decheng", "decheng"],
            },
            schema_overrides={"employer_name": pl.String},
        ),
        "policies": pl.DataFrame(
            {"policy_id": ["P"], "effective_from": [D("2019-01-01")], "effective_to": [D("2023-12-31")]}
        ),
        "subsidies": pl.DataFrame(
            {
                "grant_id": ["g1", "g2", "g3"],
                "talent_id": ["A", "A", "B"],
                "policy_id": ["P", "P", "P"],
                "subsidy_type": ["living", "settlement", "rent"],
                "monthly_amount": [2000.0, None, 500.0],
                "lump_sum": [None, 60000.0, None],
                "start_date": [D("2020-02-01"), D("2020-02-01"), D("2020-04-01")],
                "end_date": [D("2023-01-31"), D("2025-01-31"), D("2020-09-30")],
            }
        ),
        "social_insurance": pl.DataFrame(
            rows, schema=["talent_id", "month", "employer_id"], orient="row"
        ).with_columns(contribution_base=pl.lit(5000.0)),
        "life_events": pl.DataFrame(
            {"talent_id": ["A", "A"], "event_date": [D("2020-06-01"), D("2020-11-20")], "event": ["married", "hukou_moved"]}
        ),
    }  # fmt: skip


def test_last_known_month_turns_on_the_reporting_day():
    r = TimeRules()
    assert last_known_month(D("2021-03-14"), r) == month_index(D("2021-01-01"))
    assert last_known_month(D("2021-03-15"), r) == month_index(D("2021-02-01"))
    assert last_known_month(D("2021-03-15"), TimeRules(reporting_lag_months=2)) == month_index(
        D("2021-01-01")
    )


def test_months_between_floors_and_goes_negative_once_passed():
    frame = pl.DataFrame(
        {
            "a": [D("2020-03-15")] * 4,
            "b": [D("2020-04-15"), D("2020-04-14"), D("2020-03-10"), D("2020-02-20")],
        }
    )
    out = frame.select(m=months_between(pl.col("a"), pl.col("b")))
    assert out.get_column("m").to_list() == [1, 0, -1, -1]


def test_population_excludes_flexible_unarrived_unpaid_and_confirmed_departures():
    tables = registry()
    # B paid 2020-03..07: departure in August is confirmed once October is known (2020-11-15).
    assert scoring_snapshot(tables, D("2020-11-14")).get_column("talent_id").to_list() == ["A", "B"]
    assert scoring_snapshot(tables, D("2020-11-15")).get_column("talent_id").to_list() == ["A"]
    # D arrives 2020-12-01 but has never paid: never present. C is a flexible expert.
    assert "D" not in scoring_snapshot(tables, D("2021-01-20")).get_column("talent_id").to_list()
    # Before anyone's first contribution is known, nobody is present.
    assert scoring_snapshot(tables, D("2020-02-14")).height == 0


def test_gap_rule_comes_from_the_rules():
    tables = registry()
    shorter = TimeRules(gap_months=2)
    assert scoring_snapshot(tables, D("2020-10-20"), shorter).get_column("talent_id").to_list() == [
        "A"
    ]
    assert scoring_snapshot(tables, D("2020-10-20")).get_column("talent_id").to_list() == ["A", "B"]


def test_scoring_snapshot_values_for_one_talent():
    snap = scoring_snapshot(registry({"A": ("2020-01", 12, "E1")}), D("2020-11-20"))
    got = snap.select(
        "talent_id", "subsidy_end_date", "months_to_subsidy_end", "age", "tenure_months",
        "subsidy_monthly_amount", "subsidy_share_of_base", "active_subsidies",
        "lump_sum_in_service", "clawback_amount", "months_to_policy_expiry",
        "months_since_last_contribution", "paid_months_12m", "married", "months_since_married",
        "hukou_moved", "months_to_spring_festival", "month_of_year", "x_score",
    )  # fmt: skip
    want = pl.DataFrame(
        {
            "talent_id": ["A"], "subsidy_end_date": [D("2023-01-31")], "months_to_subsidy_end": [26],
            "age": [25], "tenure_months": [10], "subsidy_monthly_amount": [2000.0],
            "subsidy_share_of_base": [0.4], "active_subsidies": [2], "lump_sum_in_service": [60000.0],
            "clawback_amount": [60000.0 * 50 / 59], "months_to_policy_expiry": [37],
            "months_since_last_contribution": [0], "paid_months_12m": [10], "married": [1],
            "months_since_married": [5], "hukou_moved": [0], "months_to_spring_festival": [2],
            "month_of_year": [11], "x_score": [1.0],
        }
    )  # fmt: skip
    assert_frame_equal(got, want, check_dtypes=False)


def test_job_changes_headcounts_and_departure_rates():
    tables = registry({"A": ("2020-01", 12, "E1"), "B": ("2020-03", 5, "E2")})
    si = tables["social_insurance"].with_columns(
        employer_id=pl.when((pl.col("talent_id") == "A") & (pl.col("month") >= D("2020-07-01")))
        .then(pl.lit("E2"))
        .otherwise("employer_id")
    )
    snap = scoring_snapshot({**tables, "social_insurance": si}, D("2020-12-20"))
    got = snap.select(
        "talent_id", "employer_id", "job_changes_12m", "months_since_job_change",
        "employer_headcount", "employer_headcount_trend_6m", "employer_departures_6m",
        "county_departure_rate_12m", "employer_industry", "base_ratio_to_peers",
    )  # fmt: skip
    # Known through November: B left E2 in August (confirmed October); E2 had B alone in May.
    want = pl.DataFrame(
        {
            "talent_id": ["A"], "employer_id": ["E2"], "job_changes_12m": [1],
            "months_since_job_change": [5], "employer_headcount": [1],
            "employer_headcount_trend_6m": [0.0], "employer_departures_6m": [0.5],
            "county_departure_rate_12m": [0.5], "employer_industry": ["services"],
            "base_ratio_to_peers": [1.0],
        }
    )  # fmt: skip
    assert_frame_equal(got, want, check_dtypes=False)


def test_frame_layout_identity_first_and_categoricals_are_strings():
    snap = scoring_snapshot(registry(), D("2020-11-20"))
    assert snap.columns[: len(IDENTITY)] == IDENTITY
    for name in ("education", "county", "employer_industry", "subsidy_type", "program"):
        assert snap.schema[name] == pl.String
    assert snap.schema["as_of"] == pl.Date and snap.schema["subsidy_end_date"] == pl.Date


def test_snapshot_dates_one_a_month_on_the_extract_day_capped_at_28():
    talents = registry()["talents"]
    dates = snapshot_dates(talents, D("2020-04-30"))
    assert dates == [D("2020-01-28"), D("2020-02-28"), D("2020-03-28"), D("2020-04-28")]
    assert snapshot_dates(talents, D("2020-04-10"), first=D("2020-03-01")) == [
        D("2020-03-10"),
        D("2020-04-10"),
    ]


@pytest.mark.parametrize("as_of", [D("2020-06-20"), D("2020-10-20"), D("2021-01-20")])
def test_training_snapshot_at_a_date_equals_the_scoring_snapshot(as_of):
    tables = registry()
    train = training_snapshots(tables, D("2021-06-20"))
    at = train.filter(pl.col("as_of") == as_of).drop("y_3m", "y_6m", "y_12m")
    assert at.height > 0
    assert_frame_equal(at, scoring_snapshot(tables, as_of))


def test_pay_state_reads_each_talents_latest_row_by_the_month_and_never_anothers():
    # A: E1 in 2020-01..03, E2 in 2020-04, a gap, E2 again in 2020-09. B starts in 2020-06.
    paid = [("A", m, e, b) for m, e, b in [
        ("2020-01", "E1", 4000.0), ("2020-02", "E1", 4000.0), ("2020-03", "E1", 4500.0),
        ("2020-04", "E2", 5000.0), ("2020-09", "E2", 5200.0),
    ]] + [("B", "2020-06", "E1", 3000.0)]  # fmt: skip
    si = pl.DataFrame(paid, schema=["talent_id", "month", "employer_id", "contribution_base"],
                      orient="row").with_columns(month=(pl.col("month") + "-01").str.to_date())  # fmt: skip
    k = month_index(D("2021-03-01"))
    timeline = pay_timeline(known_contributions(si.lazy(), k), gap_months=3).collect()
    starts = first_rows(timeline.lazy()).collect()
    grid = pl.DataFrame(
        {
            "talent_id": ["A", "A", "A", "B"],
            "_k": [
                month_index(D(d)) for d in ["2020-03-01", "2020-07-01", "2021-03-01", "2020-05-01"]
            ],
        },  # fmt: skip
        schema_overrides={"_k": pl.Int32},
    ).join(starts.select("talent_id", "_ord"), on="talent_id", maintain_order="left")
    got = join_pay_state(grid, timeline).select(
        "employer_id", "contribution_base", "_paid_cum", "_changes_cum", "_last_change",
        "_last_paid", "_paid_cum_12", "_base_12m_ago",
    )  # fmt: skip
    mar, apr, sep = (month_index(D(d)) for d in ["2020-03-01", "2020-04-01", "2020-09-01"])
    want = pl.DataFrame(
        {
            "employer_id": ["E1", "E2", "E2", None], "contribution_base": [4500.0, 5000.0, 5200.0, None],
            "_paid_cum": [3, 4, 5, None], "_changes_cum": [0, 1, 1, None],
            "_last_change": [None, apr, apr, None], "_last_paid": [mar, apr, sep, None],
            "_paid_cum_12": [None, None, 3, None], "_base_12m_ago": [None, None, None, None],
        },
        schema_overrides={"_base_12m_ago": pl.Float64},
    )  # fmt: skip
    assert_frame_equal(got, want, check_dtypes=False)
