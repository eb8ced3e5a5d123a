"""Prefect tasks: thin adapters around the pure steps, one per step worth watching or retrying."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.config import Settings
from flows.run import load_extract


def step(fn=None, /, **options):
    """A Prefect task that never hashes its (large, possibly personal) inputs nor persists results."""
    options = {"cache_policy": NO_CACHE, "persist_result": False, **options}
    return task(fn, **options) if fn is not None else task(**options)


@step
def ingest(data: Path, settings: Settings, as_of: date | None = None):
    """Validate the extract (cached by content), dates checked against the run date."""
    return load_extract(data, settings, as_of)


@step
def build_training_snapshots(tables: dict[str, pl.DataFrame], as_of: date, settings: Settings):
    """Labelled monthly snapshots before `as_of`."""
    from features.snapshots import training_snapshots

    return training_snapshots(tables, as_of, settings.time_rules())


@step
def build_scoring_snapshot(tables: dict[str, pl.DataFrame], as_of: date, settings: Settings):
    """The talents present at `as_of` with their features."""
    from features.snapshots import scoring_snapshot

    return scoring_snapshot(tables, as_of, settings.time_rules())
