"""The scoring snapshot is the training snapshot at its date, column for column, whatever the date."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import synthetic
from features.contract import TimeRules
from features.ingest import ingest_extract
from features.snapshots import build_snapshots, scoring_snapshot, training_snapshots
from features.timeline import month_index_expr, month_indices

PROPERTY = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
FIRST = date(2016, 3, 1)  # the simulated registry opens in 2016-01
SIMULATED_AS_OF = date(2024, 6, 30)  # conftest's simulated_registry is cut here
RULES = st.builds(
    TimeRules,
    reporting_lag_months=st.integers(0, 2),
    reporting_day=st.integers(1, 28),
    gap_months=st.integers(1, 4),
)


def days(start: date, end: date) -> st.SearchStrategy[date]:
    return st.integers(0, (end - start).days).map(lambda n: start + timedelta(days=n))


@pytest.fixture(scope="module")
def tables(simulated_registry, tmp_path_factory) -> dict[str, pl.DataFrame]:
    """The validated tables of the small simulated registry (conftest's, 300 talents)."""
    folder = tmp_path_factory.mktemp("scoring_equals_training")
    synthetic.write_registry(simulated_registry, folder / "extract")
    return dict(ingest_extract(folder / "extract", folder / "work", TimeRules()).tables)


@pytest.fixture(scope="module")
def training(tables) -> pl.DataFrame:
    """The monthly training snapshots of the registry, with labels."""
    return training_snapshots(tables, SIMULATED_AS_OF)


def by_talent(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("talent_id")


@PROPERTY
@given(
    as_of=days(FIRST, SIMULATED_AS_OF),
    others=st.lists(days(FIRST, SIMULATED_AS_OF), max_size=3),
    rules=st.one_of(st.just(TimeRules()), RULES),
    shuffle=st.booleans(),
)
def test_scoring_snapshot_is_the_training_grid_row_at_its_date(
    tables, as_of, others, rules, shuffle
):
    # The training grid runs on a timeline known up to its latest date: its rows for T must
    # read nothing the scoring snapshot at T cannot, and the row order of the extract is moot.
    scored = tables
    if shuffle:
        si = tables["social_insurance"].sample(fraction=1.0, shuffle=True, seed=as_of.toordinal())
        scored = {**tables, "social_insurance": si}
    dates = sorted({as_of, *others})
    grid = build_snapshots(tables, dates, rules).filter(pl.col("as_of") == as_of)
    assert_frame_equal(
        by_talent(scoring_snapshot(scored, as_of, rules)), by_talent(grid), check_exact=True
    )


@PROPERTY
@given(pick=st.integers(0, 10_000))
def test_training_snapshots_at_each_month_are_the_scoring_snapshot(tables, training, pick):
    dates = training.get_column("as_of").unique().sort()
    as_of = dates[pick % dates.len()]
    rows = training.filter(pl.col("as_of") == as_of).drop("y_3m", "y_6m", "y_12m")
    assert rows.height > 0
    assert_frame_equal(
        by_talent(scoring_snapshot(tables, as_of)), by_talent(rows), check_exact=True
    )


def test_the_property_sees_populated_dates_and_departures(tables, training):
    # Guard against a vacuous property: most dates have talents, and the population changes.
    sizes = training.group_by("as_of").len().sort("as_of").get_column("len")
    assert sizes.len() > 90 and sizes.min() > 0 and sizes.max() > 150
    assert training.get_column("y_12m").sum() > 10
    late = scoring_snapshot(tables, SIMULATED_AS_OF)
    assert late.get_column("job_changes_24m").max() > 0
    assert late.get_column("employer_departures_6m").max() > 0
    assert late.get_column("base_growth_12m").is_not_null().any()
    assert late.get_column("employer_hires_6m").max() > 0
    assert late.get_column("employer_moves_out_6m").max() > 0
    assert late.get_column("employer_departure_rate_eb").n_unique() > 5


def test_base_growth_is_null_when_nothing_was_paid_twelve_months_before(tables):
    # The first talent of the table has paid six months, the last one just reported: present,
    # with no base 12 months back (the search for it must not land on another talent's row).
    si = tables["social_insurance"].sort("talent_id", "month")
    first = si.get_column("talent_id")[0]
    short = si.filter(pl.col("talent_id") == first).head(6)
    last = short["month"][-1]
    as_of = date(last.year + last.month // 12, last.month % 12 + 1, 20)
    rest = si.filter(pl.col("talent_id") != first)
    one = {**tables, "social_insurance": pl.concat([short, rest])}
    row = scoring_snapshot(one, as_of).filter(pl.col("talent_id") == first)
    assert row.height == 1
    assert row["base_growth_12m"].is_null().all()
    assert row["paid_months_12m"].item() == 6
    later = build_snapshots(one, [as_of, date(2024, 6, 1)]).filter(pl.col("as_of") == as_of)
    assert_frame_equal(row, later.filter(pl.col("talent_id") == first))


def test_month_indices_by_search_equal_year_times_twelve_plus_month():
    days = pl.Series(
        "month",
        [
            date(2016, 1, 1),
            date(2019, 12, 31),
            date(2020, 2, 29),
            date(2016, 1, 31),
            date(2030, 7, 1),
        ],
    )
    expected = days.to_frame().select(month_index_expr("month")).to_series()
    assert month_indices(days).to_list() == expected.to_list()
    assert month_indices(days.clear()).len() == 0
    with_null = pl.Series("month", [date(2020, 5, 17), None], dtype=pl.Date)
    assert month_indices(with_null).to_list() == [2020 * 12 + 4, None]
