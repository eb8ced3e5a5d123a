"""A small simulated registry, trained once per session, that the flow tests score."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="session", autouse=True)
def prefect_backend():
    """One temporary Prefect server for the whole session (starting one costs 5-30 s)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=300):
        yield


def build_pipeline(root: Path) -> dict:
    """Simulate 1,200 talents, train through the flow into root/mlruns; returns the outcome."""
    from flows.train import train_model
    from pipeline.extract import simulate_registry
    from runconfig import GateFloors, RunConfig, TrainParams

    simulate_registry(root / "registry", 1_200, 7, AS_OF)
    (root / "mlruns").mkdir()
    keys = ("MLFLOW_TRACKING_URI", "RETENTION_WORK_DIR")
    previous = {k: os.environ.get(k) for k in keys}
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{root / 'mlruns' / 'mlflow.db'}"
    os.environ["RETENTION_WORK_DIR"] = str(root / "work")
    try:
        # 1,200 talents need not clear the gate's floors; these tests need a champion to score.
        config = RunConfig(train=TrainParams(seed=0), gate=GateFloors(enforce=False))
        return train_model(data=str(root / "registry"), as_of=AS_OF, config=config)
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory, worker_id, prefect_backend) -> dict[str, Path | str]:
    """The trained pipeline, built once per test run and shared by the xdist workers.

    The first worker to take the lock simulates and trains; the others wait, then reuse it.
    The registry and the model's artifacts are read-only; each worker gets its own copy of the
    MLflow database and of the working folder, so that what one worker's tests write (plan
    runs, monitor runs, a retrained version, the ingest cache) never reaches the other's.
    """
    base = tmp_path_factory.getbasetemp()
    shared_parent = base.parent if worker_id != "master" else base
    shared = shared_parent / "pipeline-shared"
    with open(shared_parent / "pipeline-shared.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "trained.json"
        if not done.is_file():
            if shared.exists():
                shutil.rmtree(shared)
            shared.mkdir()
            trained = build_pipeline(shared)
            (shared / "trained.tmp").write_text(json.dumps(trained), encoding="utf-8")
            (shared / "trained.tmp").replace(done)
        trained = json.loads(done.read_text(encoding="utf-8"))
    root = tmp_path_factory.mktemp("pipeline")
    (root / "mlruns").mkdir()
    # The backup API copies a consistent database even while another process reads it.
    source = sqlite3.connect(shared / "mlruns" / "mlflow.db")
    copy = sqlite3.connect(root / "mlruns" / "mlflow.db")
    with closing(source), closing(copy):
        source.backup(copy)
    shutil.copytree(shared / "work", root / "work")
    return {
        "root": root,
        "registry": shared / "registry",
        "uri": f"sqlite:///{root / 'mlruns' / 'mlflow.db'}",
        "work": root / "work",
        "trained": trained,
    }


@pytest.fixture
def pipeline_env(pipeline, monkeypatch):
    """Point MLflow and the working folder at the session's trained pipeline."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", str(pipeline["uri"]))
    monkeypatch.setenv("RETENTION_WORK_DIR", str(pipeline["work"]))
    return pipeline
