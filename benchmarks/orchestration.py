"""Orchestration overhead: the `score_week` flow against the same functions without Prefect.

Both run in one process, alternating, on the same registry and champion: first a flow run
(it pays Prefect's start-up: with the temporary server, starting that server), then
`reps` pairs of plain run and flow run. The Prefect API is whatever the environment says:
a running server (PREFECT_API_URL set by the parent) or the temporary one (unset).
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from benchmarks.steps import settings_for, timed


def score_week_plain(data: Path, out: Path, as_of, settings) -> Path:
    """`flows.score.score_week`'s pipeline with every step called as its plain function."""
    from pipeline.requests import ScoreRequest
    from pipeline.score import score_week

    request = ScoreRequest(data, out, as_of, overwrite=True)
    return score_week(request, settings).folder


def step_orchestration(args: argparse.Namespace, figures: dict) -> None:
    """Time flow and plain runs alternately; figures hold every run and the medians."""
    from flows.score import score_week

    settings = settings_for(args)
    os.environ["MLFLOW_TRACKING_URI"] = settings.tracking_uri  # the flow reads its settings here
    os.environ["RETENTION_WORK_DIR"] = str(settings.work_dir)
    data = args.root / "extract"
    base = args.root / "orchestration" / args.mode

    def flow_run(i: int) -> None:
        with timed(figures, f"flow_{i}"):
            score_week(
                data=str(data),
                out=str(base / "flow"),
                as_of=args.as_of,
                overwrite=True,
                work=str(settings.work_dir),
            )

    def plain_run(i: int) -> None:
        with timed(figures, f"plain_{i}"):
            score_week_plain(data, base / "plain", args.as_of, settings)

    flow_run(0)
    for i in range(1, args.reps + 1):
        plain_run(i)
        flow_run(i)
    flows = [figures[f"flow_{i}_s"] for i in range(1, args.reps + 1)]
    plains = [figures[f"plain_{i}_s"] for i in range(1, args.reps + 1)]
    figures["mode"] = args.mode
    figures["reps"] = args.reps
    figures["api_url"] = os.environ.get("PREFECT_API_URL", "(temporary server)")
    figures["flow_first_s"] = figures["flow_0_s"]
    figures["flow_median_s"] = statistics.median(flows)
    figures["plain_median_s"] = statistics.median(plains)
    figures["overhead"] = figures["flow_median_s"] / figures["plain_median_s"] - 1
    figures["overhead_first"] = figures["flow_first_s"] / figures["plain_median_s"] - 1
