"""The truth test: weekly lists scored on earlier extracts of one simulated world, backtested
against the final extract, agree with the simulator's truth talent by talent."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

AS_OF = date(2026, 11, 23)  # the session fixture's date (tests/flows/conftest.py)

LIST_DAYS = (date(2026, 1, 5), date(2026, 3, 2), date(2026, 6, 1))


@pytest.fixture(scope="module")
def backtested(pipeline, tmp_path_factory):
    """The session's world cut at three Mondays, scored by its champion, backtested in-process."""
    from pipeline.backtest import run_backtest
    from pipeline.requests import score_request
    from pipeline.score import score_week
    from pipeline.settings import Settings
    from synthetic import simulate, write_registry
    from synthetic.cuts import cut_registry

    root = tmp_path_factory.mktemp("truth")
    world = simulate(1_200, seed=7, as_of=AS_OF)  # the fixture's world (same seed and date)
    settings = Settings(work_dir=pipeline["work"], tracking_uri=str(pipeline["uri"]))
    for day in LIST_DAYS:
        write_registry(cut_registry(world, day), root / day.isoformat())
        score_week(
            score_request(root / day.isoformat(), root / "lists", day, contacts=False), settings
        )
    result = run_backtest(pipeline["registry"], root / "lists", root / "bt", settings)
    return root, world, result


def test_every_outcome_equals_the_truth_and_the_auc_matches(backtested):
    root, world, result = backtested
    outcomes = pl.read_parquet(root / "bt" / "outcomes.parquet")
    assert outcomes.columns == ["list_as_of", "talent_id", "horizon_months", "departed"]
    truth = outcomes.join(world.truth["departures"], on="talent_id", how="left").with_columns(
        (
            pl.col("first_departure_month").is_not_null()
            & (
                pl.col("first_departure_month")
                < pl.col("list_as_of")
                .dt.month_start()
                .dt.offset_by(pl.format("{}mo", pl.col("horizon_months") + 1))
            )
        ).alias("true_departed")
    )
    known = truth.filter(pl.col("departed").is_not_null())
    # 2026-01-05 and 2026-03-02 mature at 3 months, 2026-01-05 also at 6; 2026-06-01 at none
    assert sorted(set(known.select("list_as_of", "horizon_months").iter_rows())) == [
        (date(2026, 1, 5), 3), (date(2026, 1, 5), 6), (date(2026, 3, 2), 3),
    ]  # fmt: skip
    assert known.height > 1_500 and known.get_column("true_departed").sum() > 50
    assert (known.get_column("departed") == known.get_column("true_departed")).all()
    figures = pl.read_parquet(root / "bt" / "backtest.parquet")
    for (day, h), part in known.group_by("list_as_of", "horizon_months"):
        listed = pl.read_parquet(root / "lists" / day.isoformat() / "risk_list.parquet")
        scores = part.join(listed, on="talent_id").sort("talent_id")
        expected = roc_auc_score(
            scores.get_column("true_departed").to_numpy(), scores.get_column(f"p_leave_{h}m")
        )
        row = figures.filter((pl.col("list_as_of") == day) & (pl.col("horizon_months") == h))
        assert row.get_column("auc").item() == pytest.approx(expected, abs=1e-12)
        assert row.get_column("auc_low").item() < expected < row.get_column("auc_high").item()
        assert row.get_column("n_scored").item() == listed.height
    assert figures.filter(pl.col("list_as_of") == date(2026, 6, 1)).get_column("matured").to_list() == [
        False, False, False,
    ]  # fmt: skip
    assert not result.skipped
    page = (root / "bt" / "backtest.html").read_text(encoding="utf-8")
    assert "<svg" in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "排序准确度" in page and "未满期" in page
    assert np.isfinite(figures.get_column("ece").drop_nulls().to_numpy()).all()
