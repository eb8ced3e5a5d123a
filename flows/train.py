"""The training flow: snapshots, fit, out-of-time evaluation, MLflow run, promotion gate."""

from __future__ import annotations

import logging
import warnings
from datetime import date
from pathlib import Path

import polars as pl
from prefect import flow

from flows import tasks
from flows.config import Settings
from flows.tasks import step


def read_truth(truth_dir: Path) -> dict[str, pl.DataFrame] | None:
    """The simulator's truth tables (evaluation only), when there are any."""
    needed = ("departures", "hazards")
    if not all((truth_dir / f"{name}.parquet").is_file() for name in needed):
        return None
    return {name: pl.read_parquet(truth_dir / f"{name}.parquet") for name in needed}


@step
def oracle_for(snapshots: pl.DataFrame, truth: dict[str, pl.DataFrame] | None):
    """The simulator's oracle probabilities for the given snapshots, or None without truth."""
    if truth is None:
        return None
    from synthetic import oracle_probabilities

    keys = snapshots.select("talent_id", "as_of")
    return oracle_probabilities(truth["hazards"], truth["departures"], keys)


@step
def fit(frame: pl.DataFrame, oracle: pl.DataFrame | None, seed: int):
    """Fit and evaluate the calibrated models out-of-time."""
    from features.catalog import model_columns
    from models.train import train_attrition_model

    numeric, categorical = model_columns(frame)
    return train_attrition_model(frame, numeric, categorical, seed=seed, oracle=oracle)


@step(retries=2, retry_delay_seconds=5)
def log_and_promote(result, settings: Settings, data_info: dict):
    """Log the run to MLflow, register the model, and move `champion` if it passes the gate."""
    from flows.git import current_commit

    # MLflow's own chatter (database set-up, pyfunc advice, pickling and pip notices) is for
    # MLflow's developers, not for whoever runs `retention train`: errors only, warnings dropped.
    # (MLflow sets its loggers' level when imported: import first, then quiet.)
    with warnings.catch_warnings(record=True):
        from models.registry import log_training_run, promote_if_better
    mlflow_log = logging.getLogger("mlflow")
    level = mlflow_log.level
    mlflow_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(record=True):
            run_id = log_training_run(
                result,
                {"seed": settings.seed},
                data_info,
                settings.tracking_uri,
                git_commit=current_commit(),
            )
        return run_id, promote_if_better(result, run_id, settings.tracking_uri)
    finally:
        mlflow_log.setLevel(level)


@flow(name="train-model", log_prints=False)
def train_model(
    data: str,
    as_of: date | None = None,
    truth: str | None = None,
    seed: int = 0,
    work: str | None = None,
) -> dict:
    """Retrain on everything labelled before `as_of` and promote the model if it is no worse."""
    from flows.cli import last_monday
    from flows.train_report import data_digest, describe_training

    as_of = as_of or last_monday()
    settings = Settings.from_env(seed=seed, work_dir=Path(work) if work else None)
    extract = tasks.ingest(Path(data), settings, as_of)
    frame = tasks.build_training_snapshots(extract.tables, as_of, settings)
    truth_dir = Path(truth) if truth else Path(data) / "truth"
    oracle = oracle_for(frame, read_truth(truth_dir))
    result = fit(frame, oracle, seed)
    info = data_digest(extract, frame, as_of)
    run_id, decision = log_and_promote(result, settings, info)
    return {
        "run_id": run_id,
        "version": decision.version,
        "promoted": decision.promoted,
        "metrics": result.metrics,
        "text": describe_training(result, run_id, decision, settings),
    }
