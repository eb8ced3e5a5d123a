"""The training pipeline: snapshots, fit, out-of-time evaluation, MLflow run, promotion gate."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from features.catalog import model_columns
from features.ingest import require_snapshot
from features.snapshots import training_snapshots
from models.train import TrainResult, train_attrition_model
from monitor.drift import drift_reference
from pipeline.extract import load_for
from pipeline.git import current_commit
from pipeline.requests import TrainRequest
from pipeline.score import Step, plain
from pipeline.settings import Settings
from runconfig import RunConfig
from synthetic import oracle_probabilities


@dataclass(frozen=True)
class TrainOutcome:
    """The MLflow run, the registered version, the gate's decision and what to print."""

    run_id: str
    version: str
    promoted: bool
    metrics: dict[str, float]
    text: str


def read_truth(truth_dir: Path) -> dict[str, pl.DataFrame] | None:
    """The simulator's truth tables (evaluation only), when there are any."""
    needed = ("departures", "hazards")
    if not all((truth_dir / f"{name}.parquet").is_file() for name in needed):
        return None
    return {name: pl.read_parquet(truth_dir / f"{name}.parquet") for name in needed}


def ingest(data: Path, settings: Settings, as_of: date):
    """The validated extract, refused when it cannot support `as_of`."""
    return load_for(data, settings, as_of)


def build_training_snapshots(extract, as_of: date, settings: Settings) -> pl.DataFrame:
    """Labelled monthly snapshots before `as_of`; refused when there is none."""
    run = settings.run
    frame = training_snapshots(extract.tables, as_of, run.time_rules, horizons=run.horizons)
    require_snapshot(frame, as_of, extract)
    return frame


def oracle_for(snapshots: pl.DataFrame, truth: dict[str, pl.DataFrame] | None, config: RunConfig):
    """The simulator's oracle probabilities for the given snapshots, or None without truth."""
    if truth is None:
        return None
    keys = snapshots.select("talent_id", "as_of")
    return oracle_probabilities(truth["hazards"], truth["departures"], keys, config.horizons)


def fit(frame: pl.DataFrame, oracle: pl.DataFrame | None, config: RunConfig) -> TrainResult:
    """Fit and evaluate the calibrated models out-of-time."""
    numeric, categorical = model_columns(frame)
    return train_attrition_model(frame, numeric, categorical, config, oracle=oracle)


def feature_importance(model, frame: pl.DataFrame, horizon: int, rows: int, seed: int) -> dict:
    """Mean |log-odds contribution| per feature (trees' TreeSHAP plus the linear terms) on a sample."""
    sample = frame if frame.height <= rows else frame.sample(rows, seed=seed)
    contrib = model.contributions(sample, horizon=horizon).drop("bias")
    return {
        k: float(v) for k, v in contrib.select(pl.all().abs().mean()).row(0, named=True).items()
    }


def build_drift_reference(frame: pl.DataFrame, result: TrainResult, config: RunConfig) -> dict:
    """The drift reference of the newest training snapshot: the population scored next.

    Why the newest month and not the whole window: the window spans years in which talents
    age and subsidies run out, so drift against it would flag that ageing every week; the
    newest snapshot is the population the calibrated model was fitted to score next.
    """
    newest = frame.filter(pl.col("as_of") == pl.col("as_of").max())
    model, m = result.model, config.monitor
    importance = feature_importance(
        model, newest, config.headline_horizon, m.importance_rows, config.train.seed
    )
    spec = model.spec
    return drift_reference(
        newest,
        model.predict(newest),
        list(spec.numeric),
        list(spec.categorical),
        importance,
        m.bins,
    )


def log_and_promote(
    result: TrainResult, settings: Settings, data_info: dict, reference: dict | None = None
):
    """Log the run to MLflow, register the model, and move `champion` if it passes the gate."""
    from models.registry import log_training_run, promote_if_better  # heavy: imports MLflow

    # MLflow's own chatter (database set-up, pickling and pip notices) is for MLflow's
    # developers, not for whoever runs `retention train`: errors only, warnings dropped.
    # (MLflow sets its loggers' level when imported: import first, then quiet.)
    mlflow_log = logging.getLogger("mlflow")
    level = mlflow_log.level
    mlflow_log.setLevel(logging.ERROR)
    params = {"seed": settings.run.train.seed, "run_config": settings.run.model_dump_json()}
    try:
        with warnings.catch_warnings(record=True):
            run_id = log_training_run(
                result,
                params,
                data_info,
                settings.tracking_uri,
                git_commit=current_commit(),
                drift_reference=reference,
            )
        decision = promote_if_better(
            result, run_id, settings.tracking_uri, floors=settings.run.gate
        )
        return run_id, decision
    finally:
        mlflow_log.setLevel(level)


def data_digest(extract, frame: pl.DataFrame, as_of: date) -> dict[str, str]:
    """Which extract and date the model was trained on (models adds the snapshots' own digest)."""
    return {
        "extract_digest": extract.work_path.name,
        "train_as_of": as_of.isoformat(),
        "snapshot_rows": str(frame.height),
    }


def describe_training(result: TrainResult, run_id: str, decision, settings: Settings) -> str:
    """Out-of-time figures per horizon, against baselines and the oracle, and the gate's decision."""
    m = result.metrics
    lines = [
        f"MLflow run {run_id} in {settings.tracking_uri}; model talent-attrition v{decision.version}"
    ]
    lines.append("out-of-time    AUC   (logistic  rule)   oracle  lift share   ECE    Brier")
    for h in settings.run.horizons:
        if f"model_auc_{h}m" not in m:
            continue
        oracle = m.get(f"oracle_auc_{h}m")
        share = m.get(f"model_oracle_lift_share_{h}m")
        lines.append(
            f"  {h:>2} months  {m[f'model_auc_{h}m']:.3f}  ({m[f'logistic_auc_{h}m']:.3f}  "
            f"{m[f'rule_auc_{h}m']:.3f})   "
            + (f"{oracle:.3f}   {share:>6.0%}   " if oracle is not None else "  -        -      ")
            + f"{m[f'model_ece_{h}m']:.4f} {m[f'model_brier_{h}m']:.4f}"
        )
    pooled = str(result.params.get("x_levels_pooled", "none"))
    if pooled != "none":
        lines.append(pooled)
    if result.model.evaluated is not result.model:  # the refit (models.split.latest_split)
        ends = [
            f"{h} m to {str(result.params.get(f'refit_split_{h}m_calibration', '')).split('..')[-1]}"
            for h in settings.run.horizons
        ]
        slopes = " / ".join(
            str(result.params.get(f"drift_slope_{h}m", "off")).split(" ")[0]
            for h in settings.run.horizons
        )
        lines.append(
            "shipped: the same recipe refitted on the newest labels (calibrated "
            + ", ".join(ends)
            + f"); drift slope {slopes}"
        )
    verdict = "promoted to champion" if decision.promoted else "NOT promoted"
    lines.append(f"gate: v{decision.version} {verdict}: " + "; ".join(decision.reasons))
    return "\n".join(lines)


def train_model(request: TrainRequest, settings: Settings, step: Step = plain) -> TrainOutcome:
    """Retrain on everything labelled before the date and promote the model if it is no worse."""
    extract = step(ingest)(request.data, settings, request.as_of)
    frame = step(build_training_snapshots)(extract, request.as_of, settings)
    truth = read_truth(request.truth or request.data / "truth")
    oracle = step(oracle_for)(frame, truth, settings.run)
    result = step(fit)(frame, oracle, settings.run)
    info = data_digest(extract, frame, request.as_of)
    reference = build_drift_reference(frame, result, settings.run)
    run_id, decision = step(log_and_promote)(result, settings, info, reference)
    return TrainOutcome(
        run_id=run_id,
        version=decision.version,
        promoted=decision.promoted,
        metrics=result.metrics,
        text=describe_training(result, run_id, decision, settings),
    )
