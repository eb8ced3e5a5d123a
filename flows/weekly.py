"""The Monday flow: score, then monitor, then retrain when the rule fires; one task per step."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger

from flows.tasks import as_task
from pipeline import monitor, score, train
from pipeline.requests import score_request, train_request
from pipeline.settings import Settings
from runconfig import RunConfig


def monitor_folder(out: str, monitor_out: str | None) -> Path:
    """Where the weekly monitoring goes: given, or `monitoring/` beside the lists folder.

    Not inside the lists folder: every dated folder there is read as a list.
    """
    return Path(monitor_out) if monitor_out else Path(out).resolve().parent / "monitoring"


@flow(name="weekly-cycle", log_prints=False)
def weekly_cycle(
    data: str,
    out: str,
    as_of: date | None = None,
    monitor_out: str | None = None,
    lang: str = "zh",
    overwrite: bool = False,
    retrain: bool = True,
    work: str | None = None,
    config: RunConfig | None = None,
) -> dict:
    """Score the week, monitor it (drift, backtests, the rule), retrain when the rule fires.

    `config` is the whole frozen run configuration (built once here when not given); the
    same one is passed to every step. The decision and its reasons are logged either way.
    """
    request = score_request(data, out, as_of, lang, None, True, overwrite)
    settings = Settings.from_env(work_dir=Path(work) if work else None, run=config)
    scored = as_task(score.score_week)(request, settings)
    watched = as_task(monitor.run_monitor)(
        request.data, request.as_of, request.out, monitor_folder(out, monitor_out), settings, lang
    )
    logger = get_run_logger()
    logger.info("retrain rule for %s: %s", request.as_of, watched.decision.text)
    trained = None
    if watched.decision.fire and retrain:
        outcome = as_task(train.train_model)(train_request(request.data, request.as_of), settings)
        trained = {
            "run_id": outcome.run_id,
            "version": outcome.version,
            "promoted": outcome.promoted,
        }
        logger.info("retrained: v%s promoted=%s", outcome.version, outcome.promoted)
    return {
        "folder": str(scored.folder),
        "monitor": str(watched.folder),
        "retrain": watched.decision.fire,
        "reasons": watched.decision.reasons,
        "trained": trained,
    }
