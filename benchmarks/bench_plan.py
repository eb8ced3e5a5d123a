"""`retention plan` against the weekly scoring of the same registry and champion.

    MLFLOW_TRACKING_URI=sqlite:///.../mlflow.db uv run python -m benchmarks.bench_plan \
        --data REGISTRY [--as-of 2026-11-23] [--root /tmp/bench_plan]

Target: a plan for 1,000,000 talents in under 60 s (e.g. the bench's n1000000 registry scored
with the champion trained at 200,000). Prints both wall times and their ratio.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    """Time score_week then plan_offers on the same extract (ingest cached by the first)."""
    from pipeline.plan import plan_offers
    from pipeline.plan_request import plan_request
    from pipeline.requests import score_request
    from pipeline.score import score_week
    from pipeline.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--root", type=Path, default=Path("/tmp/bench_plan"))
    parser.add_argument("--budget-share", type=float, default=0.10, help="of the total offer cost")
    args = parser.parse_args(argv)
    shutil.rmtree(args.root, ignore_errors=True)
    settings = Settings.from_env(work_dir=args.root / "work")
    t = time.perf_counter()
    scored = score_week(score_request(args.data, args.root / "lists", args.as_of), settings)
    score_s = time.perf_counter() - t
    t = time.perf_counter()
    # One yuan first, to learn the total cost; the timed run uses the budget share of it.
    probe = plan_offers(plan_request(args.data, args.root / "probe", args.as_of, 1), settings)
    probe_s = time.perf_counter() - t
    budget = args.budget_share * probe.figures["total_cost_yuan"]
    t = time.perf_counter()
    plan = plan_offers(plan_request(args.data, args.root / "plans", args.as_of, budget), settings)
    plan_s = time.perf_counter() - t
    print(f"scored {scored.risk_list.height:,} talents in {score_s:.1f} s")
    print(f"planned {plan.plan.height:,} eligible talents in {plan_s:.1f} s (first run {probe_s:.1f} s); "
          f"{plan.figures['offers']:,} offers for {budget:,.0f} yuan")  # fmt: skip
    verdict = "met" if plan_s < 60 else "MISSED"
    print(f"plan / score = {plan_s / score_s:.2f}x; target < 60 s: {verdict}")


if __name__ == "__main__":
    main()
