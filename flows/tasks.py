"""Prefect tasks: the pipeline's steps, each wrapped once, with the options worth having."""

from __future__ import annotations

from collections.abc import Callable

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.errors import NoChampion
from pipeline import score, train


def retry_helps(task, task_run, state) -> bool:
    """Retry a failed model load unless the store answered that there is no champion."""
    return not isinstance(state.data, NoChampion)


# Retried steps: the model store may be restarting; logging to it may meet a locked database.
OPTIONS: dict[Callable, dict] = {
    score.load_model: {"retries": 2, "retry_delay_seconds": 2, "retry_condition_fn": retry_helps},
    train.log_and_promote: {"retries": 2, "retry_delay_seconds": 5},
}
_TASKS: dict[Callable, Callable] = {}


def as_task(fn: Callable) -> Callable:
    """The step as a Prefect task that never hashes its (large, personal) inputs nor persists results."""
    if fn not in _TASKS:
        options = {"cache_policy": NO_CACHE, "persist_result": False, **OPTIONS.get(fn, {})}
        _TASKS[fn] = task(fn, **options)
    return _TASKS[fn]
