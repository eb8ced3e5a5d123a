"""A small simulated registry, trained once per session, that the flow tests score."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory, prefect_backend) -> dict[str, Path | str]:
    """Simulate 1,200 talents, train through the flow into a temporary MLflow store."""
    from flows.train import train_model
    from pipeline.extract import simulate_registry
    from runconfig import GateFloors, RunConfig, TrainParams

    root = tmp_path_factory.mktemp("pipeline")
    registry = root / "registry"
    simulate_registry(registry, 1_200, 7, AS_OF)
    uri = f"sqlite:///{root / 'mlruns' / 'mlflow.db'}"
    (root / "mlruns").mkdir()
    previous = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_URI", "RETENTION_WORK_DIR")}
    os.environ["MLFLOW_TRACKING_URI"] = uri
    os.environ["RETENTION_WORK_DIR"] = str(root / "work")
    try:
        # 1,200 talents need not clear the gate's floors; these tests need a champion to score.
        config = RunConfig(train=TrainParams(seed=0), gate=GateFloors(enforce=False))
        trained = train_model(data=str(registry), as_of=AS_OF, config=config)
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {
        "root": root,
        "registry": registry,
        "uri": uri,
        "work": root / "work",
        "trained": trained,
    }


@pytest.fixture
def pipeline_env(pipeline, monkeypatch):
    """Point MLflow and the working folder at the session's trained pipeline."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", str(pipeline["uri"]))
    monkeypatch.setenv("RETENTION_WORK_DIR", str(pipeline["work"]))
    return pipeline
