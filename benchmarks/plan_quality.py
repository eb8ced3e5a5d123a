"""Offer plans against the simulator's truth on several seeds: the estimators side by side.

    uv run python -m benchmarks.plan_quality [--talents 8000] [--seeds 0,1,2] [--slearner]

Prints, per seed and budget (5%, 10%, 25% of the total offer cost), the true talent-months
gained by the plan, the oracle, risk-first and random; with --slearner also the S-learner
reading of a risk model trained in-process on the same extract (slow: a full training).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

AS_OF = date(2026, 11, 23)


def run_seed(talents: int, seed: int, slearner: bool, root: Path) -> pl.DataFrame:
    """Simulate, fit the estimators, judge them; one frame of rows per estimator and budget."""
    from features.snapshots import scoring_snapshot, training_snapshots
    from pipeline.extract import load_for, simulate_registry
    from pipeline.settings import Settings
    from pipeline.train import fit
    from plan.effects import estimate_effects
    from plan.hazard import fit_hazard
    from plan.judge import compare_plans
    from plan.training import hazard_rows

    data = root / f"s{seed}"
    simulate_registry(data, talents, seed, AS_OF)
    settings = Settings(work_dir=root / "work")
    ex = load_for(data, settings, AS_OF)
    rules = settings.run.time_rules
    snap = scoring_snapshot(ex.tables, AS_OF, rules)
    truth = pl.read_parquet(data / "truth" / "offer.parquet")
    t = time.perf_counter()
    hazard = fit_hazard(hazard_rows(ex.tables, AS_OF, rules, seed=seed))
    plans = {
        "hazard": estimate_effects(snap, ex.tables["subsidies"], AS_OF, "hazard", hazard=hazard)
    }
    print(f"seed {seed}: hazard fitted and applied in {time.perf_counter() - t:.1f} s")
    risk = None
    if slearner:
        t = time.perf_counter()
        frame = training_snapshots(ex.tables, AS_OF, rules, horizons=settings.run.horizons)
        model = fit(frame, None, settings.run).model
        plans["s-learner"] = estimate_effects(
            snap, ex.tables["subsidies"], AS_OF, "s-learner", champion=model
        )
        risk = plans["s-learner"]  # the risk list's own p_leave_12m, for risk-first
        print(f"seed {seed}: risk model trained and read in {time.perf_counter() - t:.1f} s")
    out = []
    for name, plan in plans.items():
        table = compare_plans(plan, truth, seed=seed, risk=risk)
        out.append(table.with_columns(seed=pl.lit(seed), estimator=pl.lit(name)))
    return pl.concat(out)


def main(argv: list[str] | None = None) -> None:
    """Run the seeds and print the side-by-side table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--talents", type=int, default=8_000)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--slearner", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tables = [
            run_seed(args.talents, int(s), args.slearner, Path(tmp)) for s in args.seeds.split(",")
        ]
    table = pl.concat(tables).select(
        "estimator", "seed", "budget_share", "plan", "oracle", "risk_first", "random",
        "plan_over_oracle", "plan_over_risk_first",
    )  # fmt: skip
    with pl.Config(tbl_rows=100, tbl_cols=20, float_precision=2, tbl_width_chars=200):
        print(table)


if __name__ == "__main__":
    main()
