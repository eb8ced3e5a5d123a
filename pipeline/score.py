"""The weekly scoring pipeline: champion, snapshot, probabilities, reasons, the officers' files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from features.catalog import FEATURES
from features.ingest import require_snapshot
from features.snapshots import scoring_snapshot
from pipeline.errors import UsageError
from pipeline.extract import load_for
from pipeline.outputs import claim_run_folder, exclusive_output, previous_list
from pipeline.requests import ScoreRequest
from pipeline.settings import Settings
from pipeline.workspace import update_workspace
from reports.console import console_summary
from reports.labels import label_code
from reports.risk_list import build_risk_list
from reports.write import write_outputs
from runconfig import RunConfig

Step = Callable[[Callable], Callable]


def plain(fn: Callable) -> Callable:
    """Run a step as the plain function it is (flows/ passes a Prefect task maker instead)."""
    return fn


@dataclass(frozen=True)
class ScoreResult:
    """Where the run was published and what it holds."""

    folder: Path
    risk_list: pl.DataFrame

    lang: str = "zh"
    county: str | None = None

    @property
    def text(self) -> str:
        """What the command prints: the officers' summary, then where the files are."""
        return f"{console_summary(self.risk_list, self.lang, self.county)}\n{self.folder}"


def load_model(tracking_uri: str):
    """The champion model and its version."""
    from models.registry import open_champion  # heavy: imports MLflow

    return open_champion(tracking_uri)


def ingest(data: Path, settings: Settings, as_of: date):
    """The validated extract, refused when it cannot support `as_of`."""
    return load_for(data, settings, as_of)


def build_scoring_snapshot(extract, as_of: date, settings: Settings) -> pl.DataFrame:
    """The talents present at `as_of` with their features; refused when there is none."""
    snapshot = scoring_snapshot(extract.tables, as_of, settings.run.time_rules)
    require_snapshot(snapshot, as_of, extract)
    return snapshot


def select_county(snapshot: pl.DataFrame, county: str | None) -> pl.DataFrame:
    """One county's talents (peers and rates were computed on the whole city first)."""
    if county is None:
        return snapshot
    found = snapshot.filter(pl.col("county") == county)
    if found.is_empty():
        name = pl.select(label_code(pl.lit(county), "county", "zh")).item()
        raise UsageError(f"--county: no talent of {county} ({name}) is present at this date")
    return found


def explain_list(snapshot: pl.DataFrame, probs: pl.DataFrame, config: RunConfig) -> pl.DataFrame:
    """The talents an officer will look at: medium and high tiers, and each county's top ones."""
    scores = pl.concat([snapshot.select("talent_id", "county"), probs], how="horizontal")
    headline = pl.col(config.headline)
    top = headline.rank("ordinal", descending=True).over("county") <= config.capacity
    listed = scores.filter((headline >= config.tiers.medium) | top)
    return snapshot.join(listed.select("talent_id"), on="talent_id", how="semi")


SCORE_KEYS = [
    "talent_id",
    "as_of",
    "county",
    "employer_id",
    "subsidy_end_date",
    "months_to_subsidy_end",
]


def rank_and_explain(
    snapshot: pl.DataFrame,
    model,
    version: str,
    lang: str,
    config: RunConfig,
    tables: dict[str, pl.DataFrame] | None = None,
):
    """Probabilities for everyone, reasons for the talents an officer will look at.

    `tables` (the validated extract) gives employer names and the city's attribute labels.
    """
    probs = model.predict(snapshot)
    scores = pl.concat([snapshot.select(SCORE_KEYS), probs], how="horizontal")
    subset = explain_list(snapshot, probs, config)
    contributions = model.contributions(subset, horizon=config.headline_horizon)
    contributions = contributions.with_columns(subset["talent_id"])
    docs = {f.name: (f.doc_zh if lang == "zh" else f.doc_en) for f in FEATURES}
    return build_risk_list(
        scores,
        snapshot,  # the whole frame: months_unpaid for everyone
        contributions,
        version,
        lang=lang,
        thresholds=config.tiers,
        feature_docs=docs,
        tables=tables,
        horizons=tuple(model.horizons),  # the model says which horizons it predicts
        headline=config.headline,
    )


def publish(risk_list, request: ScoreRequest, extract, previous, version: str, config: RunConfig):
    """Write the risk list files and reports atomically into the as-of folder."""
    return write_outputs(
        risk_list,
        request.out_dir,
        request.as_of,
        contacts=extract.contacts if request.contacts else None,
        lang=request.lang,
        county=request.county,
        previous=previous,
        context={"model_version": version, "talents_scored": risk_list.height},
        capacity=config.capacity,
        tables=extract.tables,
        thresholds=config.tiers,
    )


def score_week(request: ScoreRequest, settings: Settings, step: Step = plain) -> ScoreResult:
    """Score every talent present at the request's date with the champion and publish the list."""
    out_dir, as_of = request.out_dir, request.as_of
    with exclusive_output(out_dir):
        claim_run_folder(out_dir, as_of, request.overwrite)
        model, version = step(load_model)(settings.tracking_uri)  # a missing store fails fast
        extract = step(ingest)(request.data, settings, as_of)
        snapshot = step(build_scoring_snapshot)(extract, as_of, settings)
        snapshot = select_county(snapshot, request.county)
        risk_list = step(rank_and_explain)(
            snapshot, model, version, request.lang, settings.run, extract.tables
        )
        previous = previous_list(out_dir, as_of)
        folder = step(publish)(risk_list, request, extract, previous, version, settings.run)
        step(update_workspace)(out_dir, request.data, extract, settings)  # officers' workspace
    return ScoreResult(folder, risk_list, request.lang, request.county)
