"""The offer plan: champion, extract, snapshot, effects with and without the offer, the
budgeted selection, the group what-if, the files and the MLflow run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.errors import UsageError
from pipeline.outputs import claim_run_folder, exclusive_output
from pipeline.plan_request import PlanRequest
from pipeline.score import Step, build_scoring_snapshot, ingest, load_model, plain
from pipeline.settings import Settings
from plan.budget import headline, select_within
from plan.effects import estimate_effects
from plan.hazard import fit_hazard
from plan.training import hazard_rows
from plan.whatif import gain_curve, group_whatif

PLAN_COLUMNS = [
    "talent_id", "county", "offer_kind", "monthly_yuan", "cost_yuan", "p_leave_12m",
    "p_leave_12m_with_offer", "months_gained", "months_gained_low", "months_gained_high",
    "selected", "rank", "lottery",
]  # fmt: skip


@dataclass(frozen=True)
class PlanResult:
    """Where the plan was published, the plan itself and its headline figures."""

    folder: Path
    plan: pl.DataFrame
    figures: dict
    text: str


def city_funded(tables: dict[str, pl.DataFrame]) -> pl.Series:
    """Talents holding a grant under a city-level policy (the what-if's 'no city subsidy')."""
    city = tables["policies"].filter(pl.col("level") == "city").select("policy_id")
    return tables["subsidies"].join(city, on="policy_id", how="semi")["talent_id"].unique()


def champion_for(tracking_uri: str, estimator: str):
    """The champion and its version. Only the S-learner reads the model; the hazard plan records
    the version it sits beside, so it does not download and unpickle the model (5.7 s at 1M)."""
    if estimator == "s-learner":
        return load_model(tracking_uri)
    from models.registry import champion_version  # heavy: imports MLflow

    return None, champion_version(tracking_uri)


def estimate(request: PlanRequest, extract, snapshot: pl.DataFrame, settings: Settings, champion):
    """Effects for every eligible talent of the city (the hazard is fitted on the extract)."""
    hazard = None
    if request.estimator == "hazard":
        rows = hazard_rows(extract.tables, request.as_of, settings.run.time_rules, seed=request.seed)
        hazard = fit_hazard(rows)
    effects = estimate_effects(
        snapshot, extract.tables["subsidies"], request.as_of, request.estimator, hazard=hazard,
        champion=champion, months=request.months, new_monthly=request.new_monthly,
        seed=request.seed,
    )  # fmt: skip
    return effects, hazard


def plan_offers(request: PlanRequest, settings: Settings, step: Step = plain) -> PlanResult:
    """Estimate every offer's effect, choose offers within the budget and publish the plan."""
    from models.registry import log_plan_run  # heavy: imports MLflow
    from reports.plan_files import write_plan

    out_dir = request.out_dir
    with exclusive_output(out_dir):
        claim_run_folder(out_dir, request.as_of, request.overwrite)
        champion, version = step(champion_for)(settings.tracking_uri, request.estimator)
        extract = step(ingest)(request.data, settings, request.as_of)
        snapshot = step(build_scoring_snapshot)(extract, request.as_of, settings)
        effects, hazard = step(estimate)(request, extract, snapshot, settings, champion)
        if request.county is not None:
            effects = effects.filter(pl.col("county") == request.county)
            if effects.is_empty():
                raise UsageError(f"--county: no eligible talent of {request.county} at this date")
        budget = request.budget
        if request.county_budgets is not None:
            budget = sum(request.county_budgets.get(c, 0.0) for c in effects["county"].unique())
        plan = select_within(effects, budget, request.county_budgets, request.lottery_share, request.seed)
        figures = headline(plan, budget) | {"model_version": version, "estimator": request.estimator}
        whatif = group_whatif(plan, request.as_of, city_funded(extract.tables))
        curve = gain_curve(plan, budget=budget)
        folder = write_plan(out_dir, request, plan.select(PLAN_COLUMNS), whatif, curve, figures)
        log_plan_run(settings.tracking_uri, plan_params(request, hazard), figures, folder)
    return PlanResult(folder, plan, figures, describe_plan(figures, folder))


def plan_params(request: PlanRequest, hazard) -> dict[str, str]:
    """What the MLflow run records as its parameters."""
    params = {
        "as_of": request.as_of.isoformat(), "budget_yuan": f"{request.budget:.2f}",
        "months": str(request.months), "new_monthly_yuan": f"{request.new_monthly:.2f}",
        "county": request.county or "", "lottery_share": str(request.lottery_share),
        "lottery_seed": str(request.seed), "estimator": request.estimator,
        "county_budgets": str(request.county_budgets or ""),
    }  # fmt: skip
    if hazard is not None:
        params |= {"hazard_rows": str(hazard.rows), "hazard_events": str(hazard.events)}
    return params


def describe_plan(f: dict, folder: Path) -> str:
    """What the command prints."""
    lines = []
    if f["everyone_fits"]:
        lines.append(
            f"budget {f['budget_yuan']:,.0f} yuan covers every offer ({f['total_cost_yuan']:,.0f} yuan): "
            f"all {f['eligible']:,} eligible talents are selected"
        )
    lines.append(
        f"{f['offers']:,} offers for {f['budget_used_yuan']:,.0f} of {f['budget_yuan']:,.0f} yuan; "
        f"expected kept: {f['talents_kept']:.1f} talents, {f['talent_months_gained']:.1f} talent-months "
        f"in the next 12 months (estimator {f['estimator']}, model version {f['model_version']})"
    )
    if f["lottery_drawn"]:
        lines.append(f"lottery: {f['lottery_drawn']} borderline talents drawn (recorded in plan.parquet)")
    lines.append(str(folder))
    return "\n".join(lines)
