"""`retention monitor` on the session's champion: drift of the week, files, one MLflow run a week."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app

AS_OF = date(2026, 11, 23)  # the session fixture's date (tests/flows/conftest.py)


@pytest.fixture(scope="module")
def monitored(pipeline, tmp_path_factory):
    """This week's list scored by the champion, then monitored twice (a rerun of the week)."""
    from pipeline.monitor import run_monitor
    from pipeline.requests import score_request
    from pipeline.score import score_week
    from pipeline.settings import Settings

    root = tmp_path_factory.mktemp("monitor")
    settings = Settings(work_dir=pipeline["work"], tracking_uri=str(pipeline["uri"]))
    score_week(score_request(pipeline["registry"], root / "lists", AS_OF, contacts=False), settings)
    first = run_monitor(
        pipeline["registry"], AS_OF, root / "lists", root / "mon", settings, n_boot=20
    )
    again = run_monitor(
        pipeline["registry"], AS_OF, root / "lists", root / "mon", settings, n_boot=20
    )
    return root, settings, first, again


def test_the_week_trained_on_has_not_drifted_and_the_rule_keeps_the_model(monitored):
    root, settings, first, again = monitored
    folder = root / "mon" / AS_OF.isoformat()
    drift = pl.read_parquet(folder / "drift.parquet")
    # the champion's reference is its newest training snapshot: this very week
    assert drift.height > 30 and drift.get_column("psi").max() < 0.01
    assert set(drift.get_column("kind")) == {"numeric", "categorical", "score"}
    assert drift.get_column("top_feature").sum() == 10
    assert not first.decision.fire and first.decision.reasons == []
    assert json.loads((folder / "retrain.json").read_text())["fire"] is False
    listed = pl.read_parquet(root / "lists" / AS_OF.isoformat() / "risk_list.parquet")
    expected = pl.read_parquet(folder / "expected.parquet")
    tiers = expected.filter((pl.col("kind") == "tier") & (pl.col("horizon_months") == 6))
    assert tiers.get_column("expected_departed").sum() == pytest.approx(listed["p_leave_6m"].sum())
    assert (folder / "backtest.parquet").is_file()
    page = (folder / "monitor.html").read_text(encoding="utf-8")
    assert "模型每周体检" in page and "暂不需要重新训练" in page and "<script" not in page


def test_one_mlflow_run_per_week_tagged_with_the_champion(monitored):
    import mlflow
    from mlflow import MlflowClient

    root, settings, first, again = monitored
    client = MlflowClient(settings.tracking_uri)
    experiment = client.get_experiment_by_name("talent-attrition-monitor")
    runs = client.search_runs([experiment.experiment_id], f"tags.week = '{AS_OF}'")
    assert len(runs) == 1  # the rerun replaced the week's run
    run = runs[0]
    assert run.data.tags["model_version"] == first.champion_version
    assert run.data.tags["retrain.decision"] == "keep"
    assert run.data.metrics["retrain"] == 0.0 and "psi_p_leave_6m" in run.data.metrics
    names = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"monitor.html", "drift.parquet", "backtest.html"} <= names
    assert mlflow.get_tracking_uri()  # the store answered through models/registry.py


def test_monitor_without_this_weeks_list_is_one_line(pipeline_env, tmp_path):
    (tmp_path / "lists" / "2026-11-16").mkdir(parents=True)
    got = CliRunner().invoke(
        app,
        ["monitor", "--data", str(pipeline_env["registry"]), "--as-of", "2026-11-23",
         "--lists", str(tmp_path / "lists"), "--out", str(tmp_path / "mon")],
    )  # fmt: skip
    assert got.exit_code == 2, got.output
    assert "retention: --lists: no list of 2026-11-23" in got.output
    assert "Traceback" not in got.output
    got = CliRunner().invoke(
        app, ["monitor", "--data", str(tmp_path / "nope"), "--lists", str(tmp_path), "--out", "x"]
    )
    assert got.exit_code == 2 and "no such extract folder" in got.output
