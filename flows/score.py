"""The weekly scoring flow: snapshot, champion model, reasons, the officers' files."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import polars as pl
from prefect import Flow

from flows import tasks
from flows.config import Settings
from flows.errors import UsageError, check_model_store, check_prefect_api, quiet_expected_tracebacks
from flows.outputs import exclusive_output, previous_list, run_folder
from flows.tasks import step

COUNTIES_NEED_REASONS_TOP = 50  # officer capacity: reasons for everyone an officer could call


def retry_helps(task, task_run, state) -> bool:
    """Retry a failed model load unless the store answered that there is no champion."""
    return not isinstance(state.data, UsageError)


@step(retries=2, retry_delay_seconds=2, retry_condition_fn=retry_helps)
def load_model(tracking_uri: str):
    """The champion model and its version (retried briefly: the store may be restarting)."""
    from flows.errors import no_champion

    check_model_store(tracking_uri)  # refused connections fail in seconds, not MLflow's minutes
    # mlflow's advice on pyfunc type hints is for the trainer; an import re-enables
    # UserWarnings ("once"), so filters cannot hide it: record and drop the import's warnings.
    with warnings.catch_warnings(record=True):
        from models.registry import MODEL_NAME, load_champion
    try:
        return load_champion(tracking_uri)
    except Exception as err:
        if (missing := no_champion(tracking_uri, MODEL_NAME, err)) is not None:
            raise missing from None
        raise


class CommandFlow(Flow):
    """A flow that, when called, checks PREFECT_API_URL first and keeps expected errors to one line."""

    def __call__(self, *args, **kwargs):
        """Check the Prefect API, quiet expected tracebacks on the console, then run the flow."""
        from prefect.settings import get_current_settings

        check_prefect_api(get_current_settings().api.url)
        quiet_expected_tracebacks()
        return super().__call__(*args, **kwargs)


@step
def rank_and_explain(snapshot: pl.DataFrame, model, version: str, lang: str):
    """Probabilities for everyone, reasons for the talents an officer will look at."""
    from features.catalog import FEATURES
    from reports.risk_list import RiskThresholds, build_risk_list

    probs = model.predict(snapshot)
    scores = pl.concat([snapshot.select(SCORE_KEYS), probs], how="horizontal")
    thresholds = RiskThresholds()
    listed = scores.with_columns(
        pl.col("p_leave_6m").rank("ordinal", descending=True).over("county").alias("_rank")
    ).filter(
        (pl.col("p_leave_6m") >= thresholds.medium) | (pl.col("_rank") <= COUNTIES_NEED_REASONS_TOP)
    )
    subset = snapshot.join(listed.select("talent_id"), on="talent_id", how="semi")
    contributions = model.contributions(subset, horizon=6)
    docs = {f.name: (f.doc_zh if lang == "zh" else f.doc_en) for f in FEATURES}
    for name in snapshot.columns:  # the city's own x_* attributes, named as the city named them
        if name.startswith("x_"):
            label = name.removeprefix("x_").replace("_", " ")
            docs[name] = f"登记属性「{label}」" if lang == "zh" else f"registry attribute '{label}'"
    return build_risk_list(scores, subset, contributions, version, lang=lang, feature_docs=docs)


SCORE_KEYS = [
    "talent_id",
    "as_of",
    "county",
    "employer_id",
    "subsidy_end_date",
    "months_to_subsidy_end",
]


@step
def publish(risk_list, out: Path, contacts, lang, county, previous, context, overwrite):
    """Write the risk list files and reports atomically into the as-of folder."""
    from reports.write import write_outputs

    return write_outputs(
        risk_list,
        out,
        contacts=contacts,
        lang=lang,
        county=county,
        previous=previous,
        context=context,
        overwrite=overwrite,
    )


def score_week(
    data: str,
    out: str,
    as_of: date | None = None,
    lang: str = "zh",
    county: str | None = None,
    contacts: bool = True,
    overwrite: bool = False,
    work: str | None = None,
) -> dict:
    """Score every talent present at `as_of` with the champion and publish the risk list."""
    from flows.cli import last_monday
    from reports.write import recover_interrupted

    as_of = as_of or last_monday()
    if lang not in {"zh", "en"}:
        raise UsageError(f"--lang: '{lang}' is not one of zh, en")
    settings = Settings.from_env(work_dir=Path(work) if work else None)
    # A county's own lists live apart, so a county run never collides with the city's run.
    out_dir = Path(out) / county if county else Path(out)
    with exclusive_output(out_dir):
        recover_interrupted(out_dir, as_of.isoformat())  # what a killed run left behind
        if run_folder(out_dir, as_of).exists() and not overwrite:
            raise UsageError(
                f"{run_folder(out_dir, as_of)}: a finished run for {as_of} is already there; "
                "pass --overwrite to replace it"
            )
        model, version = load_model(settings.tracking_uri)  # first: a missing store fails fast
        extract = tasks.ingest(Path(data), settings, as_of)
        if county is not None and county not in set(extract.tables["talents"]["county"].unique()):
            raise UsageError(f"--county: no talents in county '{county}'")
        snapshot = tasks.build_scoring_snapshot(extract.tables, as_of, settings)
        if county is not None:  # peers and rates were computed on the whole city first
            snapshot = snapshot.filter(pl.col("county") == county)
        risk_list = rank_and_explain(snapshot, model, version, lang)
        context = {
            "as_of": as_of.isoformat(),
            "model_version": version,
            "talents_scored": risk_list.height,
        }
        folder = publish(
            risk_list,
            out_dir,
            extract.contacts if contacts else None,
            lang,
            county,
            previous_list(out_dir, as_of),
            context,
            overwrite,
        )
    top = risk_list.head(10)
    return {
        "folder": str(folder),
        "risk_list": top,
        "text": f"{risk_list.height:,} talents scored -> {folder}",
    }


score_week = CommandFlow(score_week, name="score-week", log_prints=False)
