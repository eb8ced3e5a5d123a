"""The training flow: the plain training pipeline, its steps run as Prefect tasks."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from prefect import flow

from flows.tasks import as_task
from pipeline import train
from pipeline.requests import train_request
from pipeline.settings import Settings
from runconfig import RunConfig, TrainParams


@flow(name="train-model", log_prints=False)
def train_model(
    data: str,
    as_of: date | None = None,
    truth: str | None = None,
    seed: int = 0,
    work: str | None = None,
    config: RunConfig | None = None,
) -> dict:
    """Retrain on everything labelled before `as_of` and promote the model if it is no worse.

    `config` is the whole run configuration; without it, the defaults with `seed`.
    """
    request = train_request(data, as_of, truth)
    run = config or RunConfig(train=TrainParams(seed=seed))
    settings = Settings.from_env(work_dir=Path(work) if work else None, run=run)
    return asdict(train.train_model(request, settings, step=as_task))
