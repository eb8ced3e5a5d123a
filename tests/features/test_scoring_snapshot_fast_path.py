"""The one-date scoring snapshot equals the general snapshot builder at that date, row for row."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import synthetic
from features.contract import TimeRules
from features.ingest import ingest_extract
from features.snapshots import build_snapshots, scoring_snapshot
from features.timeline import month_index_expr, month_indices


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, pl.DataFrame]:
    """The validated tables of a simulated 1,500-talent registry."""
    folder = tmp_path_factory.mktemp("fast_path")
    registry = synthetic.simulate(n_talents=1_500, seed=3, as_of=date(2026, 11, 23))
    synthetic.write_registry(registry, folder / "extract")
    return dict(ingest_extract(folder / "extract", folder / "work", TimeRules()).tables)


DATES = [date(2026, 11, 23), date(2026, 11, 10), date(2025, 6, 15), date(2023, 2, 28)]


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_scoring_snapshot_is_the_general_builder_at_one_date(tables, as_of):
    fast = scoring_snapshot(tables, as_of)
    assert fast.height > 0
    assert_frame_equal(fast, build_snapshots(tables, [as_of]), check_exact=True)


def test_scoring_snapshot_does_not_depend_on_the_order_of_contributions(tables):
    as_of = date(2025, 6, 15)
    shuffled = {**tables, "social_insurance": tables["social_insurance"].sample(
        fraction=1.0, shuffle=True, seed=7
    )}  # fmt: skip
    assert not shuffled["social_insurance"].equals(tables["social_insurance"])
    assert_frame_equal(scoring_snapshot(shuffled, as_of), build_snapshots(tables, [as_of]))


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
    expected = build_snapshots(one, [as_of]).filter(pl.col("talent_id") == first)
    assert row.height == 1
    assert_frame_equal(row, expected)
    assert row["base_growth_12m"].is_null().all()


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
