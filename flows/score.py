"""The weekly scoring flow: the plain scoring pipeline, its steps run as Prefect tasks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow

from flows.tasks import as_task
from pipeline import score
from pipeline.requests import score_request
from pipeline.settings import Settings
from runconfig import RunConfig


@flow(name="score-week", log_prints=False)
def score_week(
    data: str,
    out: str,
    as_of: date | None = None,
    lang: str = "zh",
    county: str | None = None,
    contacts: bool = True,
    overwrite: bool = False,
    work: str | None = None,
    config: RunConfig | None = None,
) -> dict:
    """Score every talent present at `as_of` (default last Monday) and publish the risk list."""
    request = score_request(data, out, as_of, lang, county, contacts, overwrite)
    settings = Settings.from_env(work_dir=Path(work) if work else None, run=config)
    result = score.score_week(request, settings, step=as_task)
    return {
        "folder": str(result.folder),
        "risk_list": result.risk_list.head(10),
        "text": result.text,
    }
