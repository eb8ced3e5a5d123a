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
    """The body of `flows.score.score_week` with every task called as its plain function."""
    from flows import tasks
    from flows.outputs import exclusive_output, previous_list
    from flows.score import load_model, publish, rank_and_explain

    with exclusive_output(out):
        extract = tasks.ingest.fn(data, settings, as_of)
        snapshot = tasks.build_scoring_snapshot.fn(extract.tables, as_of, settings)
        model, version = load_model.fn(settings.tracking_uri)
        risk_list = rank_and_explain.fn(snapshot, model, version, "zh")
        context = {
            "as_of": as_of.isoformat(),
            "model_version": version,
            "talents_scored": risk_list.height,
        }
        previous = previous_list(out, as_of)
        return publish.fn(risk_list, out, extract.contacts, "zh", None, previous, context, True)


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
