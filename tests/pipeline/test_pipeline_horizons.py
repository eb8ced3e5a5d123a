"""The horizons live in one place: a run configured with 3, 6, 9 and 12 months predicts all four."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipeline.requests import ScoreRequest, TrainRequest
from pipeline.score import score_week
from pipeline.settings import Settings
from pipeline.train import train_model
from runconfig import GateFloors, RunConfig, TrainParams

pytestmark = pytest.mark.slow
AS_OF = date(2026, 11, 23)


def test_a_nine_month_horizon_is_trained_evaluated_and_scored(small_extract, tmp_path):
    # 300 talents cannot clear the gate's floors; this test is about the horizons.
    run = RunConfig(
        horizons=(3, 6, 9, 12), train=TrainParams(n_boot=5), gate=GateFloors(enforce=False)
    )
    settings = Settings(
        work_dir=tmp_path / "work", tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}", run=run
    )
    trained = train_model(TrainRequest(small_extract, AS_OF), settings)
    assert trained.promoted
    for h in (3, 6, 9, 12):
        assert 0.0 <= trained.metrics[f"model_auc_{h}m"] <= 1.0
        assert f"oracle_auc_{h}m" in trained.metrics  # the oracle reads the horizons too
    assert " 9 months" in trained.text

    scored = score_week(ScoreRequest(small_extract, tmp_path / "lists", AS_OF), settings)
    risk = pl.read_parquet(scored.folder / "risk_list.parquet")
    probs = ["p_leave_3m", "p_leave_6m", "p_leave_9m", "p_leave_12m"]
    assert [c for c in risk.columns if c.startswith("p_leave_")] == probs
    assert risk.height > 100 and risk.select(pl.col(probs).is_null().any()).row(0) == (False,) * 4
    for shorter, longer in zip(probs, probs[1:], strict=False):
        assert (risk[shorter] <= risk[longer]).all(), (shorter, longer)
