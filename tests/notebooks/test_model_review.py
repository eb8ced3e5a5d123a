import nbformat
import pytest
from nbclient import NotebookClient

from models.registry import log_training_run, promote_if_better
from models.toy import TOY_CATEGORICAL, TOY_NUMERIC, simulate_toy_snapshots
from runconfig import RunConfig, TrainParams
from models.train import train_attrition_model

NOTEBOOK = "notebooks/model_review.ipynb"


@pytest.mark.slow
def test_model_review_notebook_runs_against_a_store_with_one_run(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    frame, oracle = simulate_toy_snapshots(n_talents=400, n_months=40, seed=2)
    result = train_attrition_model(
        frame, TOY_NUMERIC, TOY_CATEGORICAL, RunConfig(train=TrainParams(n_boot=5)), oracle=oracle
    )
    promote_if_better(result, log_training_run(result, {}, {"extract": "toy"}, uri), uri)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "1 latest runs in" in text and "champion: version 1" in text
    assert any("image/png" in o.get("data", {}) for o in outputs)
