"""The measured steps, one per child process: `python -m benchmarks.steps STEP --root DIR ...`.

Each step times its own work (wall and CPU of this process, all threads) apart from the
reading it needs first, and writes its figures as JSON to `--result`; the parent measures
the whole process (rusage: wall, CPU, peak RSS).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path


@contextmanager
def timed(figures: dict, key: str):
    """Add `{key}_s` (wall) and `{key}_cpu_s` (this process's CPU, every thread) to figures."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    yield
    after = resource.getrusage(resource.RUSAGE_SELF)
    figures[f"{key}_s"] = time.perf_counter() - started
    figures[f"{key}_cpu_s"] = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)


PRELOAD = {
    "ingest": ("features.ingest",),
    "training_snapshots": ("features.ingest", "features.snapshots"),
    "train": ("pipeline.train", "models.train", "models.registry", "synthetic"),
    "scoring_snapshot": ("features.ingest", "features.snapshots"),
    "score": ("features.ingest", "features.snapshots", "pipeline.score", "models.registry"),
    "plan": (
        "features.ingest",
        "features.snapshots",
        "pipeline.plan",
        "pipeline.score",
        "models.registry",
        "reports.plan_files",
        "plan.hazard",
    ),
    "orchestration": (
        "features.ingest",
        "features.snapshots",
        "pipeline.score",
        "flows.score",
        "models.registry",
    ),
}


def preload(step: str) -> None:
    """Import what a step calls lazily, so that no timer below counts an import."""
    import importlib

    for module in PRELOAD.get(step, ()):
        importlib.import_module(module)
    if step in ("score", "orchestration"):
        import reports.write  # noqa: F401


def settings_for(args: argparse.Namespace):
    """The pipeline's Settings pointed at this size's scratch folders and MLflow store."""
    from pipeline.settings import Settings
    from runconfig import GateFloors, RunConfig, TrainParams

    # The bench times scoring with each size's own model, so the gate's absolute floors may not
    # hold back its first champion (a 1,000-talent model misses them); the quality table
    # judges every size against the same bars and says "NOT held" where it misses.
    run = RunConfig(train=TrainParams(seed=args.seed), gate=GateFloors(enforce=False))
    return Settings(work_dir=args.root / "work", tracking_uri=args.tracking_uri, run=run)


def step_simulate(args: argparse.Namespace, figures: dict) -> None:
    """Simulate the registry and write it as Parquet (the extract and its truth)."""
    import synthetic

    with timed(figures, "step"):
        registry = synthetic.simulate(n_talents=args.n, seed=args.seed, as_of=args.as_of)
        synthetic.write_registry(registry, args.root / "extract")
    figures["rows"] = {name: frame.height for name, frame in registry.tables.items()}


def step_ingest(args: argparse.Namespace, figures: dict) -> None:
    """Read, validate and store the extract (a fresh work folder: no cache hit)."""
    from features.ingest import ingest_extract

    settings = settings_for(args)
    with timed(figures, "step"):
        # The run date the later steps' load_extract checks against: their cache hit.
        reference = max(date.today(), args.as_of)
        result = ingest_extract(
            args.root / "extract", settings.work_dir, settings.run.time_rules, reference
        )
    figures["quarantined"] = result.quarantine.height
    figures["accepted"] = {name: frame.height for name, frame in result.tables.items()}


def step_training_snapshots(args: argparse.Namespace, figures: dict) -> None:
    """All labelled monthly snapshots up to the extract date, written for the train step."""
    from features.snapshots import training_snapshots
    from pipeline.extract import load_extract

    settings = settings_for(args)
    with timed(figures, "read"):
        tables = load_extract(args.root / "extract", settings, args.as_of).tables
    with timed(figures, "step"):
        frame = training_snapshots(tables, args.as_of, settings.run.time_rules)
    figures["rows"] = frame.height
    figures["columns"] = frame.width
    frame.write_parquet(args.root / "training_snapshots.parquet")


def step_train(args: argparse.Namespace, figures: dict) -> None:
    """Fit and evaluate against the oracle (the step), then log and promote in MLflow."""
    import polars as pl

    from pipeline.train import fit, log_and_promote, oracle_for, read_truth

    settings = settings_for(args)
    with timed(figures, "read"):
        frame = pl.read_parquet(args.root / "training_snapshots.parquet")
    with timed(figures, "oracle"):
        oracle = oracle_for(frame, read_truth(args.root / "extract" / "truth"), settings.run)
    with timed(figures, "step"):
        result = fit(frame, oracle, settings.run)
    with timed(figures, "mlflow"):
        _, decision = log_and_promote(result, settings, {"bench": str(args.n)})
    figures["rows"] = frame.height
    figures["promoted"] = bool(decision.promoted)
    keys = ("model_auc", "oracle_auc", "model_oracle_lift_share", "model_ece", "gap_oracle_auc")
    keys += ("logistic_auc", "rule_auc", "auc_diff_logistic_lo", "auc_diff_logistic_hi")
    keys += ("auc_diff_rule_lo",)
    figures["quality"] = {
        f"{key}_{h}m": result.metrics.get(f"{key}_{h}m")
        for h in settings.run.horizons
        for key in keys
    }


def step_scoring_snapshot(args: argparse.Namespace, figures: dict) -> None:
    """The scoring snapshot, then the floor: a bare scan and group-by of the same contributions."""
    from benchmarks.bench_features import scan_floor
    from features.snapshots import scoring_snapshot
    from pipeline.extract import load_extract

    settings = settings_for(args)
    with timed(figures, "read"):
        extract = load_extract(args.root / "extract", settings, args.as_of)
    with timed(figures, "step"):
        snapshot = scoring_snapshot(extract.tables, args.as_of, settings.run.time_rules)
    figures["rows"] = snapshot.height
    # Best of three: the smallest floor makes our ratio the least flattering.
    floors = [scan_floor(extract.work_path / "social_insurance.parquet") for _ in range(3)]
    figures["floor_s"] = min(floors)
    figures["contribution_rows"] = extract.tables["social_insurance"].height


def step_score(args: argparse.Namespace, figures: dict) -> None:
    """Snapshot + predict + reasons + every file (the step), then LightGBM's bare predict."""
    from features.snapshots import scoring_snapshot
    from models.frame import to_matrix
    from pipeline.extract import load_extract
    from pipeline.outputs import previous_list
    from pipeline.requests import ScoreRequest
    from pipeline.score import load_model, publish, rank_and_explain

    settings = settings_for(args)
    out = args.root / "out"
    with timed(figures, "read"):
        extract = load_extract(args.root / "extract", settings, args.as_of)
    with timed(figures, "model_load"):
        model, version = load_model(settings.tracking_uri)
    with timed(figures, "step"):
        with timed(figures, "snapshot"):
            snapshot = scoring_snapshot(extract.tables, args.as_of, settings.run.time_rules)
        with timed(figures, "rank_and_explain"):
            risk_list = rank_and_explain(
                snapshot, model, version, "zh", settings.run, extract.tables
            )
        with timed(figures, "files"):
            request = ScoreRequest(args.root / "extract", out, args.as_of, overwrite=True)
            previous = previous_list(out, args.as_of)
            publish(risk_list, request, extract, previous, version, settings.run)
    figures["rows"] = risk_list.height
    figures["with_reasons"] = risk_list.filter(risk_list["reason_1"].is_not_null()).height
    with timed(figures, "model_predict"):
        model.predict(snapshot)
    with timed(figures, "matrix"):
        x = to_matrix(snapshot, model.spec)
    with timed(figures, "bare_predict"):
        for h in sorted(model.boosters):
            model.boosters[h].predict(x)


def step_plan(args: argparse.Namespace, figures: dict) -> None:
    """`retention plan` at a budget of --budget-share of the total offer cost (the step), its
    parts timed apart: model load, extract (a cache hit), snapshot, effects, selection,
    what-if and gain curve, files, MLflow."""
    import models.registry
    import pipeline.plan as plan_module
    import reports.plan_files
    from features.snapshots import scoring_snapshot
    from pipeline.extract import load_extract
    from pipeline.plan_request import PlanRequest
    from plan.effects import eligible
    from plan.offer import make_offers

    settings = settings_for(args)

    def timing(fn, key: str | None = None):
        name = key or fn.__name__

        def run(*a, **k):
            with timed(figures, f"part_{name}"):
                return fn(*a, **k)

        return run

    with timed(figures, "budget"):  # the total offer cost, to set the budget (not timed below)
        extract = load_extract(args.root / "extract", settings, args.as_of)
        snap = eligible(scoring_snapshot(extract.tables, args.as_of, settings.run.time_rules))
        total = float(
            make_offers(snap["talent_id"], extract.tables["subsidies"], args.as_of)[
                "cost_yuan"
            ].sum()
        )
        del extract, snap
    budget = args.budget_share * total
    import plan.effects as effects_module

    for name in ("hazard_rows", "fit_hazard", "select_within", "group_whatif", "gain_curve"):
        setattr(plan_module, name, timing(getattr(plan_module, name)))
    for name in ("make_offers", "main_grant_clock", "make_paths", "predict_hazard"):
        setattr(effects_module, name, timing(getattr(effects_module, name)))
    reports.plan_files.write_plan = timing(reports.plan_files.write_plan, "files")
    models.registry.log_plan_run = timing(models.registry.log_plan_run, "mlflow")
    request = PlanRequest(
        args.root / "extract", args.root / "plans", args.as_of, budget, overwrite=True
    )
    with timed(figures, "step"):
        result = plan_module.plan_offers(request, settings, step=timing)
    figures["rows"] = result.plan.height
    figures["offers"] = result.figures["offers"]
    figures["budget_yuan"] = budget
    figures["budget_share"] = args.budget_share
    figures["whatif_groups"] = pl_height(result.folder / "whatif.parquet")


def pl_height(path: Path) -> int:
    """Rows of a Parquet file."""
    import polars as pl

    return pl.scan_parquet(path).select(pl.len()).collect().item()


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The child's arguments (the parent builds them)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=sorted(STEPS) + ["orchestration"])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tracking-uri", default="")
    parser.add_argument("--mode", choices=["server", "temporary"], default="temporary")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument(
        "--budget-share", type=float, default=0.10, help="plan: of the total offer cost"
    )
    return parser.parse_args(argv)


STEPS = {
    "simulate": step_simulate,
    "ingest": step_ingest,
    "training_snapshots": step_training_snapshots,
    "train": step_train,
    "scoring_snapshot": step_scoring_snapshot,
    "score": step_score,
    "plan": step_plan,
}


def main(argv: list[str]) -> int:
    """Run one step and write its figures."""
    args = parse_args(argv)
    if args.step == "orchestration":
        from benchmarks.orchestration import step_orchestration as run
    else:
        run = STEPS[args.step]
    figures: dict = {}
    preload(args.step)
    if args.profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(run, args, figures)
        profiler.dump_stats(args.profile)
    else:
        run(args, figures)
    args.result.write_text(json.dumps(figures, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
