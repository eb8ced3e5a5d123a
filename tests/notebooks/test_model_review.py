import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from models.registry import log_training_run, promote_if_better
from models.toy import TOY_CATEGORICAL, TOY_NUMERIC, simulate_toy_snapshots
from runconfig import GateFloors, RunConfig, TrainParams
from models.train import train_attrition_model

NOTEBOOK = "notebooks/model_review.ipynb"


@pytest.mark.slow
def test_model_review_notebook_runs_from_its_folder_on_the_projects_default_store(
    tmp_path, monkeypatch
):
    # A project laid out as a checkout: pyproject.toml, notebooks/, and the default store at
    # the root. Jupyter runs a notebook in its own folder; MLFLOW_TRACKING_URI is not set.
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "mlruns").mkdir()
    shutil.copy("pyproject.toml", project / "pyproject.toml")
    uri = f"sqlite:///{project / 'mlruns' / 'mlflow.db'}"
    frame, oracle = simulate_toy_snapshots(n_talents=400, n_months=40, seed=2)
    result = train_attrition_model(
        frame, TOY_NUMERIC, TOY_CATEGORICAL, RunConfig(train=TrainParams(n_boot=5)), oracle=oracle
    )
    run_id = log_training_run(result, {}, {"extract": "toy"}, uri)
    promote_if_better(result, run_id, uri, floors=GateFloors(enforce=False))  # a 400-talent toy
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(project / "notebooks")}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert f"1 latest runs in {uri}" in text and "champion: version 1" in text
    assert any("image/png" in o.get("data", {}) for o in outputs)
