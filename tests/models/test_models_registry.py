import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from polars.testing import assert_frame_equal

from models.gate import floor_failures
from models.registry import (
    MODEL_NAME,
    PromotionTolerances,
    compare_to_champion,
    load_champion,
    log_training_run,
    promote_if_better,
    requirement_mismatches,
)
from models.toy import TOY_CATEGORICAL, TOY_NUMERIC, simulate_toy_snapshots
from models.train import train_attrition_model
from runconfig import GateFloors, RunConfig, TrainParams

OFF = GateFloors(enforce=False)


def test_gate_fails_only_beyond_tolerance():
    tol = PromotionTolerances(auc=0.005, ece=0.005, fairness_auc_gap=0.02, fairness_ece=0.01)
    champion = {"model_auc_6m": 0.80, "model_ece_6m": 0.010, "fair_auc_gap_county_6m": 0.05}
    close = {"model_auc_6m": 0.796, "model_ece_6m": 0.014, "fair_auc_gap_county_6m": 0.069}
    assert compare_to_champion(close, champion, tol) == []
    worse = {"model_auc_6m": 0.79, "model_ece_6m": 0.02, "fair_auc_gap_county_6m": 0.08}
    reasons = compare_to_champion(worse, champion, tol)
    assert [r.split(":")[0] for r in reasons] == [
        "fair_auc_gap_county_6m", "model_auc_6m", "model_ece_6m",
    ]  # fmt: skip
    assert compare_to_champion({"model_auc_6m": float("nan")}, champion, tol) == []


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{folder}/mlflow.db"
    frame, oracle = simulate_toy_snapshots(n_talents=500, n_months=40, seed=5)
    good = train_attrition_model(
        frame, TOY_NUMERIC, TOY_CATEGORICAL, RunConfig(train=TrainParams(n_boot=10)), oracle=oracle
    )
    first = log_training_run(good, {"seed": 0}, {"extract": "toy"}, uri, git_commit="abc123")
    decision = promote_if_better(good, first, uri, floors=OFF)  # a 500-talent toy: no floors
    return uri, frame, good, first, decision


@pytest.mark.slow
def test_first_model_becomes_champion_and_run_holds_everything(store):
    uri, frame, good, run_id, decision = store
    assert decision.promoted and decision.version == "1" and decision.champion_before is None
    run = MlflowClient(uri).get_run(run_id)
    assert run.data.tags["promotion.decision"] == "promoted"
    assert run.data.tags["git_commit"] == "abc123"
    assert run.data.tags["data.extract"] == "toy" and len(run.data.tags["data.data_digest"]) == 64
    assert run.data.metrics["model_auc_6m"] == pytest.approx(good.metrics["model_auc_6m"])
    assert "oracle_ece_12m" in run.data.metrics and "logistic_auc_3m" in run.data.metrics
    listed = {a.path for a in MlflowClient(uri).list_artifacts(run_id, "plots")}
    assert "plots/reliability_6m.png" in listed
    local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="features.json")
    assert json.loads(Path(local).read_text())["categorical"] == TOY_CATEGORICAL
    model, version = load_champion(uri)
    assert version == "1"
    assert_frame_equal(model.predict(frame.head(50)), good.model.predict(frame.head(50)))


@pytest.mark.slow
def test_a_worse_model_is_registered_but_not_promoted(store):
    uri, frame, _, _, _ = store
    weak = train_attrition_model(frame, ["age"], [], RunConfig(train=TrainParams(n_boot=5)))
    run_id = log_training_run(weak, {"seed": 0}, {"extract": "toy"}, uri)
    decision = promote_if_better(weak, run_id, uri, floors=OFF)
    assert not decision.promoted and decision.champion_before == "1"
    tags = MlflowClient(uri).get_run(run_id).data.tags
    assert tags["promotion.decision"] == "rejected" and "model_auc_" in tags["promotion.reasons"]
    assert load_champion(uri)[1] == "1"
    assert MlflowClient(uri).get_registered_model(MODEL_NAME).aliases == {"champion": 1}


@pytest.mark.slow
def test_a_fresh_process_loads_the_champion_as_pyfunc(store, tmp_path):
    uri, frame, good, _, _ = store
    rows = frame.head(5).select(*TOY_NUMERIC, *TOY_CATEGORICAL)
    rows.write_parquet(tmp_path / "rows.parquet")
    code = (
        "import mlflow, pandas as pd, sys;"
        f"mlflow.set_tracking_uri({uri!r});"
        "m = mlflow.pyfunc.load_model('models:/talent-attrition@champion');"
        f"x = pd.read_parquet({str(tmp_path / 'rows.parquet')!r}).astype({{c: 'float64' for c in {TOY_NUMERIC!r}}});"
        "print(m.predict(x).to_json(orient='split'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["columns"] == ["p_leave_3m", "p_leave_6m", "p_leave_12m"]
    np.testing.assert_allclose(got["data"], good.model.predict(rows).to_numpy())


@pytest.mark.slow
def test_mlflow_models_predict_cli_scores_a_sample_with_the_local_env(store, tmp_path):
    uri, frame, good, _, _ = store
    rows = frame.head(5).select(*TOY_NUMERIC, *TOY_CATEGORICAL)
    sample = {"dataframe_split": {"columns": rows.columns, "data": rows.rows()}}
    (tmp_path / "sample.json").write_text(json.dumps(sample))
    command = [
        str(Path(sys.executable).with_name("mlflow")), "models", "predict",
        "-m", "models:/talent-attrition@champion", "-i", "sample.json", "-t", "json",
        "-o", "predictions.json", "--env-manager", "local",
    ]  # fmt: skip
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri}
    out = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads((tmp_path / "predictions.json").read_text())["predictions"]
    assert [sorted(row) for row in got] == [sorted(["p_leave_3m", "p_leave_6m", "p_leave_12m"])] * 5
    expected = good.model.predict(rows)
    np.testing.assert_allclose(
        [[row[c] for c in expected.columns] for row in got], expected.to_numpy(), rtol=1e-6
    )


def test_floors_name_every_failure_and_pass_a_model_that_clears_them():
    good = {"model_ece_6m": 0.01, "auc_diff_logistic_lo_6m": 0.001, "auc_diff_rule_lo_6m": 0.2}
    assert floor_failures(good, (6,), GateFloors()) == []
    bad = {
        "model_ece_6m": 0.09, "auc_diff_logistic_lo_6m": -0.004, "auc_diff_logistic_hi_6m": 0.006,
        "auc_diff_rule_lo_6m": float("nan"),
    }  # fmt: skip
    assert floor_failures(bad, (6,), GateFloors()) == [
        "6m ECE 0.090 > 0.02",
        "6m AUC minus logistic's 95% interval [-0.004, +0.006] not above 0",
        "6m no bootstrap interval against rule",
    ]
    assert floor_failures(bad, (6,), GateFloors(enforce=False)) == []
    assert floor_failures({}, (3,), GateFloors(beat_baselines=()))[0] == "3m ECE nan > 0.02"


@pytest.mark.slow
def test_a_first_model_below_the_floors_is_registered_but_not_promoted(store, tmp_path):
    _, _, good, _, _ = store
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    eces = {"model_ece_3m": 0.01, "model_ece_6m": 0.01, "model_ece_12m": 0.15}
    poor = dataclasses.replace(good, metrics={**good.metrics, **eces})
    run_id = log_training_run(poor, {"seed": 0}, {"extract": "toy"}, uri)
    decision = promote_if_better(poor, run_id, uri, floors=GateFloors(beat_baselines=()))
    assert not decision.promoted and decision.version == "1" and decision.champion_before is None
    (reason,) = decision.reasons
    assert reason == "first model: no champion yet, and fails the floors: 12m ECE 0.150 > 0.02"
    assert MlflowClient(uri).get_registered_model(MODEL_NAME).aliases == {}
    assert MlflowClient(uri).get_run(run_id).data.tags["promotion.decision"] == "rejected"


def test_a_model_pinned_to_other_versions_is_named_package_by_package():
    from importlib import metadata

    polars = metadata.version("polars")
    lines = [f"polars=={polars}", "polars==0.0.1", "no-such-package==1.0", "-r other.txt", ""]
    assert requirement_mismatches(lines) == [
        f"polars (current: {polars}, required: 0.0.1)",
        "no-such-package (current: not installed, required: 1.0)",
    ]
