"""MLflow boundary (the project's only mlflow import): log runs, register, gate and load the champion."""

from __future__ import annotations

import json
import math
import socket
import sys
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

import mlflow
import mlflow.artifacts
import polars as pl
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature

from models.attrition import AttritionModel
from models.errors import ModelStoreUnavailable, NoChampion
from models.evaluate_run import score_holdout
from models.gate import describe_floors, floor_failures
from models.train import TrainResult
from runconfig import GateFloors

EXPERIMENT = "talent-attrition"
MODEL_NAME = "talent-attrition"
ALIAS = "champion"
DRIFT_REFERENCE = "drift_reference.json"
RUNTIME_PACKAGES = ("lightgbm", "polars", "scikit-learn", "numpy", "pandas", "pyarrow", "mlflow")


# MLflow's advice on pyfunc type hints (warned when the class is made) is for authors who let
# MLflow infer signatures; ours is given at logging. Recorded and dropped, so no run shows it.
with warnings.catch_warnings(record=True):

    class AttritionPyfunc(mlflow.pyfunc.PythonModel):
        """pyfunc wrapper: feature rows in, p_leave_3m/6m/12m out (probabilities, not labels)."""

        def __init__(self, model: AttritionModel):
            self.model = model

        def predict(self, context, model_input, params=None):
            """Probabilities for a pandas frame of feature rows (converted to polars at this edge)."""
            frame = pl.from_pandas(model_input.reset_index(drop=True))
            return self.model.predict(frame).to_pandas()


@dataclass(frozen=True)
class PromotionTolerances:
    """How much worse than the champion a challenger may be on the same out-of-time block."""

    auc: float = 0.005
    ece: float = 0.005
    fairness_auc_gap: float = 0.02
    fairness_ece: float = 0.01


@dataclass
class PromotionDecision:
    """Whether the new version became champion, and why."""

    promoted: bool
    version: str
    champion_before: str | None
    reasons: list[str] = field(default_factory=list)


def artifact_root(tracking_uri: str) -> str | None:
    """Artifacts beside a sqlite store (<dir>/artifacts); None lets MLflow decide for other stores."""
    parsed = urlparse(tracking_uri)
    if parsed.scheme != "sqlite":
        return None
    db = Path(tracking_uri.removeprefix("sqlite:///"))
    return (db.parent / "artifacts").resolve().as_uri()


def ensure_experiment(tracking_uri: str, name: str = EXPERIMENT) -> str:
    """The experiment id of `name`, created with artifacts beside the store if new."""
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient(tracking_uri)
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    return client.create_experiment(name, artifact_location=artifact_root(tracking_uri))


def pinned_requirements() -> list[str]:
    """Exact versions of the packages the pyfunc needs at load time."""
    return [f"{name}=={metadata.version(name)}" for name in RUNTIME_PACKAGES]


def model_input_example(result: TrainResult, rows: int = 5) -> pl.DataFrame:
    """A few feature rows from the out-of-time block: numerics as Float64, categoricals as String."""
    spec = result.model.spec
    block = next(iter(result.holdout.values()))
    return block.head(rows).select(
        *[pl.col(c).cast(pl.Float64) for c in spec.numeric],
        *[pl.col(c).cast(pl.String) for c in spec.categorical],
    )


def write_run_files(result: TrainResult, folder: Path) -> None:
    """Plots as PNG, tables as CSV and parquet, the feature list and data description as JSON."""
    (folder / "plots").mkdir()
    (folder / "tables").mkdir()
    for name, png in result.figures.items():
        (folder / "plots" / name).write_bytes(png)
    for name, table in result.tables.items():
        table.write_parquet(folder / "tables" / f"{name}.parquet")
        table.write_csv(folder / "tables" / f"{name}.csv")
    spec = result.model.spec
    features = {
        "numeric": list(spec.numeric),
        "categorical": list(spec.categorical),
        "levels": {k: list(v) for k, v in spec.levels.items()},
        "pooled_into_other": {k: list(v) for k, v in (spec.pooled or {}).items()},
    }
    (folder / "features.json").write_text(json.dumps(features, ensure_ascii=False, indent=1))
    (folder / "data_info.json").write_text(json.dumps(result.data_info, indent=1))


def log_training_run(
    result: TrainResult,
    params: dict,
    data_info: dict,
    tracking_uri: str,
    git_commit: str | None = None,
    run_name: str | None = None,
    drift_reference: dict | None = None,
) -> str:
    """Log params, metrics, plots, tables, features and data to `talent-attrition`, register the model.

    `drift_reference` (monitor/drift.py) is stored with the run as `drift_reference.json`, so
    every model version carries the snapshot it was trained on in compact form.
    """
    experiment_id = ensure_experiment(tracking_uri)
    info = {**result.data_info, **{k: str(v) for k, v in data_info.items()}}
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name) as run:
        mlflow.log_params({**{k: str(v) for k, v in result.params.items()}, **params})
        finite = {k: float(v) for k, v in result.metrics.items() if math.isfinite(float(v))}
        mlflow.log_metrics(finite)
        tags = {f"data.{k}": str(v)[:5000] for k, v in info.items()}
        tags["git_commit"] = git_commit or "unknown"
        tags["nonfinite_metrics"] = ",".join(sorted(set(result.metrics) - set(finite)))[:5000]
        mlflow.set_tags(tags)
        with tempfile.TemporaryDirectory() as tmp:
            result.data_info = info
            write_run_files(result, Path(tmp))
            if drift_reference is not None:
                (Path(tmp) / DRIFT_REFERENCE).write_text(json.dumps(drift_reference))
            mlflow.log_artifacts(tmp)
        example = model_input_example(result)
        wrapper = AttritionPyfunc(result.model)
        signature = infer_signature(example.to_pandas(), result.model.predict(example).to_pandas())
        logged = mlflow.pyfunc.log_model(
            name="model",
            python_model=wrapper,
            signature=signature,
            input_example=example.to_pandas(),
            registered_model_name=MODEL_NAME,
            pip_requirements=pinned_requirements(),
            code_paths=[str(Path(__file__).resolve().parent)],
        )
        mlflow.set_tag("model_version", str(logged.registered_model_version))
        return run.info.run_id


def requirement_mismatches(requirements: list[str]) -> list[str]:
    """The model's pinned `name==version` lines this environment does not match."""
    found = []
    for line in requirements:
        name, sep, wanted = line.strip().partition("==")
        if not sep or not name or name.startswith(("-", "#")):
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != wanted:
            found.append(f"{name} (current: {installed}, required: {wanted})")
    return found


def load_pyfunc(uri: str) -> AttritionModel:
    """Load a pyfunc of ours and warn when its pinned packages differ from this environment.

    MLflow's own check maps every installed distribution to its modules first (about 1 s of a
    scoring run's start-up); our models pin exact versions of a few packages (RUNTIME_PACKAGES),
    which are looked up directly.
    """
    local = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri))
    loaded = mlflow.pyfunc.load_model(str(local), suppress_warnings=True)
    requirements = local / "requirements.txt"
    lines = requirements.read_text().splitlines() if requirements.is_file() else []
    if mismatches := requirement_mismatches(lines):
        sys.stderr.write(  # one line, as the project's other warnings (models/frame.py)
            f"retention: warning: {uri} was logged with other package versions than this "
            f"environment has: {'; '.join(mismatches)}\n"
        )
    return loaded.unwrap_python_model().model


def load_model_version(tracking_uri: str, version: str) -> AttritionModel:
    """The AttritionModel of one registered version of `talent-attrition`."""
    mlflow.set_tracking_uri(tracking_uri)
    return load_pyfunc(f"models:/{MODEL_NAME}/{version}")


def load_champion(tracking_uri: str) -> tuple[AttritionModel, str]:
    """The champion model and its version (models:/talent-attrition@champion)."""
    mlflow.set_tracking_uri(tracking_uri)
    version = MlflowClient(tracking_uri).get_model_version_by_alias(MODEL_NAME, ALIAS).version
    return load_pyfunc(f"models:/{MODEL_NAME}/{version}"), str(version)


def compare_to_champion(
    new: dict[str, float], champion: dict[str, float], tol: PromotionTolerances
) -> list[str]:
    """Reasons the challenger is worse than the champion beyond tolerance (empty: no worse)."""
    rules = [
        ("model_auc_", -1, tol.auc),
        ("model_ece_", 1, tol.ece),
        ("fair_auc_gap_", 1, tol.fairness_auc_gap),
        ("fair_ece_max_", 1, tol.fairness_ece),
    ]
    failures = []
    for key in sorted(new):
        for prefix, worse_sign, allowed in rules:
            if not key.startswith(prefix) or key not in champion:
                continue
            a, b = new[key], champion[key]
            if math.isfinite(a) and math.isfinite(b) and worse_sign * (a - b) > allowed:
                failures.append(f"{key}: {a:.4f} vs champion {b:.4f} (tolerance {allowed})")
    return failures


def first_champion_decision(
    result: TrainResult, version: str, before: str | None, why: str, floors: GateFloors
) -> PromotionDecision:
    """Promote a model with no champion to beat only when it passes the absolute floors."""
    failures = floor_failures(result.metrics, result.model.horizons, floors)
    if failures:
        return PromotionDecision(
            False, version, before, [f"{why}, and fails the floors: " + ", ".join(failures)]
        )
    return PromotionDecision(True, version, before, [f"{why}; {describe_floors(floors)}"])


def promote_if_better(
    result: TrainResult,
    run_id: str,
    tracking_uri: str,
    tolerances: PromotionTolerances | None = None,
    floors: GateFloors | None = None,
) -> PromotionDecision:
    """Move `champion` to the run's version if no worse than the champion re-scored on the same block;
    a first champion (or one replacing a champion that cannot score) must pass `floors`."""
    tol = tolerances or PromotionTolerances()
    floors = floors or GateFloors()
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient(tracking_uri)
    version = client.get_run(run_id).data.tags["model_version"]
    try:
        before = str(client.get_model_version_by_alias(MODEL_NAME, ALIAS).version)
    except MlflowException:
        before = None
    if before is None:
        decision = first_champion_decision(
            result, version, None, "first model: no champion yet", floors
        )
    else:
        try:
            champion = score_holdout(
                load_model_version(tracking_uri, before).evaluated, result.holdout
            )
        except ValueError as err:  # the champion cannot read the new feature frame
            champion = None
            decision = first_champion_decision(
                result, version, before, f"champion cannot score: {err}", floors
            )
        if champion is not None:
            failures = compare_to_champion(result.metrics, champion, tol)
            reasons = failures or [
                f"no worse than champion v{before} on the same out-of-time block "
                f"(AUC tol {tol.auc}, ECE tol {tol.ece}, fairness AUC-gap tol "
                f"{tol.fairness_auc_gap}, fairness ECE tol {tol.fairness_ece})"
            ]
            decision = PromotionDecision(not failures, version, before, reasons)
            with mlflow.start_run(run_id=run_id):
                mlflow.log_metrics(
                    {f"champion_{k}": v for k, v in champion.items() if math.isfinite(v)}
                )
    if decision.promoted:
        client.set_registered_model_alias(MODEL_NAME, ALIAS, version)
    client.set_tag(run_id, "promotion.decision", "promoted" if decision.promoted else "rejected")
    client.set_tag(run_id, "promotion.champion_before", before or "none")
    client.set_tag(run_id, "promotion.reasons", "; ".join(decision.reasons)[:5000])
    return decision


MLFLOW_HOW = (
    "start it with `make mlflow-ui` (serves mlruns/ on http://127.0.0.1:5000) "
    "or set MLFLOW_TRACKING_URI to a running store"
)
TRAIN_HOW = "train one first: retention train --data DIR --as-of DATE"


def check_model_store(tracking_uri: str, timeout: float = 2.0) -> None:
    """Fail in seconds, naming MLflow and how to start it, when the tracking store is not there."""
    parsed = urlparse(tracking_uri)
    if parsed.scheme in {"http", "https"}:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            socket.create_connection((parsed.hostname or "127.0.0.1", port), timeout).close()
        except OSError as err:
            raise ModelStoreUnavailable(
                f"MLflow tracking server {tracking_uri} is not reachable "
                f"({err.strerror or err}); {MLFLOW_HOW}"
            ) from None
    elif parsed.scheme == "sqlite":
        db = Path(tracking_uri.removeprefix("sqlite:///"))
        if not db.is_file():  # MLflow would create an empty store here and find no model in it
            raise ModelStoreUnavailable(
                f"no MLflow store at {db} (MLFLOW_TRACKING_URI={tracking_uri}); "
                f"{TRAIN_HOW}, or point MLFLOW_TRACKING_URI at the store that holds it"
            )


def is_missing_champion(err: BaseException) -> bool:
    """Whether an MLflow error says the model or its champion alias does not exist."""
    return getattr(err, "error_code", None) == "RESOURCE_DOES_NOT_EXIST"


@contextmanager
def champion_errors(tracking_uri: str):
    """Turn MLflow's "no such model or alias" into the one-line NoChampion."""
    check_model_store(tracking_uri)  # refused connections fail in seconds, not MLflow's minutes
    try:
        yield
    except MlflowException as err:
        if is_missing_champion(err):
            raise NoChampion(
                f"no champion model '{MODEL_NAME}' in the MLflow store {tracking_uri}; {TRAIN_HOW}"
            ) from None
        raise


def open_champion(tracking_uri: str) -> tuple[AttritionModel, str]:
    """The champion and its version; one-line errors for a missing store or champion."""
    with champion_errors(tracking_uri):
        return load_champion(tracking_uri)


def champion_version(tracking_uri: str) -> str:
    """The champion's version alone (no model download); the same one-line errors as open_champion."""
    with champion_errors(tracking_uri):
        return str(MlflowClient(tracking_uri).get_model_version_by_alias(MODEL_NAME, ALIAS).version)


PLAN_EXPERIMENT = "offer-plan"


def log_plan_run(tracking_uri: str, params: dict[str, str], figures: dict, folder: Path) -> str:
    """Log an offer plan: its arguments, headline figures, the risk model's version, its files."""
    experiment_id = ensure_experiment(tracking_uri, PLAN_EXPERIMENT)
    numbers = {k: float(v) for k, v in figures.items() if isinstance(v, (int, float))}
    with mlflow.start_run(
        experiment_id=experiment_id, run_name=f"plan {params.get('as_of', '')}"
    ) as run:
        mlflow.log_params(params)
        mlflow.log_metrics(numbers)
        mlflow.set_tags({"model_name": MODEL_NAME, "model_version": str(figures.get("model_version")),
                         "estimator": str(figures.get("estimator"))})  # fmt: skip
        for name in ("plan.parquet", "plan.xlsx", "plan.html", "whatif.parquet"):
            if (folder / name).is_file():
                mlflow.log_artifact(str(folder / name))
        return run.info.run_id


@dataclass(frozen=True)
class ChampionFacts:
    """What monitoring reads of the champion: version, out-of-time metrics, drift reference."""

    version: str
    run_id: str
    metrics: dict[str, float]
    drift_reference: dict | None
    last_trained: str | None  # train_as_of of the newest training run, promoted or not


def champion_facts(tracking_uri: str) -> ChampionFacts:
    """The champion's version, metrics and stored drift reference; one-line errors as open_champion."""
    check_model_store(tracking_uri)
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient(tracking_uri)
    try:
        version = client.get_model_version_by_alias(MODEL_NAME, ALIAS)
    except MlflowException as err:
        if is_missing_champion(err):
            raise NoChampion(
                f"no champion model '{MODEL_NAME}' in the MLflow store {tracking_uri}; {TRAIN_HOW}"
            ) from None
        raise
    run = client.get_run(version.run_id)
    try:
        reference = mlflow.artifacts.load_dict(f"runs:/{version.run_id}/{DRIFT_REFERENCE}")
    except (MlflowException, OSError):
        reference = None  # a version trained before drift references were stored
    newest = client.search_runs(
        [run.info.experiment_id], "tags.`data.train_as_of` != ''",
        order_by=["attributes.start_time DESC"], max_results=1,
    )  # fmt: skip
    last = newest[0].data.tags.get("data.train_as_of") if newest else None
    return ChampionFacts(
        str(version.version), version.run_id, dict(run.data.metrics), reference, last
    )


MONITOR_EXPERIMENT = "talent-attrition-monitor"


def log_monitor_run(
    tracking_uri: str, as_of: str, champion_version: str, metrics: dict[str, float],
    tags: dict[str, str], folder: Path,
) -> str:  # fmt: skip
    """One run per week in `talent-attrition-monitor`: figures, the decision, the files and HTML.

    A rerun of the same week replaces that week's run, so the experiment keeps one per week.
    """
    experiment_id = ensure_experiment(tracking_uri, MONITOR_EXPERIMENT)
    client = MlflowClient(tracking_uri)
    for old in client.search_runs([experiment_id], f"tags.week = '{as_of}'"):
        client.delete_run(old.info.run_id)
    finite = {k: float(v) for k, v in metrics.items() if v is not None and math.isfinite(float(v))}
    with mlflow.start_run(experiment_id=experiment_id, run_name=f"monitor {as_of}") as run:
        mlflow.log_metrics(finite)
        mlflow.set_tags({**tags, "week": as_of, "model_name": MODEL_NAME,
                         "model_version": champion_version})  # fmt: skip
        mlflow.log_artifacts(str(folder))
        return run.info.run_id
