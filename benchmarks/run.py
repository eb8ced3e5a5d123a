"""`make bench`: every pipeline step at each size, each in its own process, and the ratios.

    uv run python -m benchmarks.run [--sizes 20000,200000,1000000] [--root /tmp/bench]
    make bench BENCH_SIZES=2000 BENCH_WEB_TALENTS=2000   # a small run (the plan step included)

Every size runs simulate, ingest, training (up to --train-max), the scoring snapshot, the weekly
score and the offer plan (`plan`, set against the score step of the same registry).

Exits non-zero only when a step fails; the figures are for people, not a timed test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.measure import Measured, describe_machine, process_tree_cpu_s, run_step
from benchmarks.report import (
    STEP_ORDER,
    kept_sections,
    render_quality,
    render_ratios,
    render_steps,
)

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 23)
PIPELINE = STEP_ORDER  # the steps in the order they run (one list, benchmarks/report.py)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES", "20000,200000,1000000"),
        help="talents, in run order (default: $BENCH_SIZES or 20000,200000,1000000;\n"
        "a smoke run: --sizes 2000 --train-max 2000)",
    )
    parser.add_argument("--root", type=Path, default=Path("/tmp/bench"), help="scratch space")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--train-max", type=int, default=200_000, help="skip training above this size"
    )
    parser.add_argument(
        "--champion",
        default=None,
        metavar="URI",
        help="MLflow store whose champion scores the sizes not trained in this run\n"
        "(e.g. --train-max 0 --champion sqlite:////tmp/bench/n20000/mlruns/mlflow.db\n"
        "re-measures the scoring steps alone; never write such a run over results.md)",
    )
    parser.add_argument("--orchestration-size", type=int, default=200_000)
    parser.add_argument(
        "--reps", type=int, default=2, help="plain/flow pairs per orchestration mode"
    )
    parser.add_argument(
        "--plan-budget-share",
        type=float,
        default=0.10,
        help="the plan's budget, of the total offer cost",
    )
    parser.add_argument(
        "--reuse-extract",
        action="store_true",
        help="keep ROOT/nN/extract when it exists (simulate skipped, said in the table);\n"
        "for re-measuring later steps, never for results.md",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile each step into ROOT/nN/")
    return parser.parse_args(argv)


def child_env(root: Path) -> dict[str, str]:
    """The children's environment: scratch Prefect home, quiet logs, no inherited API or store."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "MLFLOW_TRACKING_URI")
    }
    env |= {
        "PREFECT_HOME": str(root / ".prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return env


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bench:
    """Runs the steps of every size and keeps what was measured and what was skipped."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.env = child_env(args.root)
        self.measured: list[Measured] = []
        self.skipped: list[tuple[int, str, str]] = []
        # The newest trained champion's store (or the one given to score with).
        self.tracking_uri: str | None = args.champion

    def step(self, step: str, n: int, env: dict[str, str] | None = None, **extra) -> Measured:
        """Run one step for size n in its own process and print its line."""
        folder = self.args.root / f"n{n}"
        uri = (
            extra.pop("tracking_uri", self.tracking_uri)
            or f"sqlite:///{folder / 'mlruns' / 'mlflow.db'}"
        )
        argv = ["--root", str(folder), "--n", str(n), "--as-of", self.args.as_of.isoformat()]
        argv += ["--seed", str(self.args.seed), "--tracking-uri", uri]
        argv += [x for k, v in extra.items() for x in (f"--{k}", str(v))]
        if self.args.profile:
            argv += ["--profile", str(folder / f"{step}{extra.get('mode', '')}.prof")]
        tag = f"{step}-{extra['mode']}" if "mode" in extra else step
        m = run_step(step, n, argv, env or self.env, folder / f"{tag}.json", folder / "bench.log")
        self.measured.append(m)
        status = "ok" if m.ok else f"FAILED: {m.error}"
        step_s = m.figures.get("step_s")
        inner = f" (step {step_s:.1f} s)" if step_s is not None else ""
        print(
            f"  {n:>9,} {tag:<22} {m.process_wall_s:7.1f} s wall{inner}, {m.process_cpu_s:7.1f} s CPU, "
            f"{m.peak_rss_mb / 1024:5.2f} GB, load {m.load_1m:.1f}  {status}",
            flush=True,
        )
        return m

    def size(self, n: int) -> None:
        """Every step at one size; later steps are skipped when one they need failed."""
        folder = self.args.root / f"n{n}"
        reuse = self.args.reuse_extract and (folder / "extract" / "truth").is_dir()
        if reuse:
            shutil.rmtree(folder / "work", ignore_errors=True)  # the ingest still starts cold
            self.skip(n, ["simulate"], "--reuse-extract: the extract of an earlier run")
        else:
            shutil.rmtree(folder, ignore_errors=True)
        (folder / "mlruns").mkdir(parents=True, exist_ok=True)
        for step in ("ingest",) if reuse else ("simulate", "ingest"):
            if not self.step(step, n).ok:
                return self.skip(n, PIPELINE[PIPELINE.index(step) + 1 :], f"{step} failed")
        if n <= self.args.train_max:
            uri = f"sqlite:///{folder / 'mlruns' / 'mlflow.db'}"
            if self.step("training_snapshots", n, tracking_uri=uri).ok:
                if self.step("train", n, tracking_uri=uri).ok:
                    self.tracking_uri = uri
            else:
                self.skip(n, ["train"], "training snapshots failed")
        else:
            why = f"over --train-max {self.args.train_max:,}; scored with the {self.model_source()}"
            self.skip(n, ["training_snapshots", "train"], why)
        self.step("scoring_snapshot", n)
        if self.tracking_uri is None:
            return self.skip(n, ["score", "plan"], "no trained model")
        if self.step("score", n).ok and n == self.args.orchestration_size:
            self.orchestration(n)
        # The offer plan on the same extract and champion, after the score step (its ratio).
        self.step("plan", n, **{"budget-share": self.args.plan_budget_share})

    def model_source(self) -> str:
        """Which trained model a size without its own training is scored with."""
        if self.tracking_uri is None:
            return "no model (none trained in this run)"
        if self.tracking_uri == self.args.champion:
            return f"champion of {self.tracking_uri} (--champion)"
        return "champion trained at " + self.tracking_uri.split("/n")[-1].split("/")[0] + " talents"

    def skip(self, n: int, steps, why: str) -> None:
        """Record steps not run at a size, and why."""
        self.skipped += [(n, s, why) for s in steps]

    def orchestration(self, n: int) -> None:
        """Flow vs plain functions with a running Prefect server, then with the temporary one."""
        from flows.deploy import start_server

        server, api_url = start_server(free_port(), wait_seconds=180)
        try:
            before = process_tree_cpu_s(server.pid)
            m = self.step(
                "orchestration",
                n,
                env={**self.env, "PREFECT_API_URL": api_url},
                mode="server",
                reps=self.args.reps,
            )
            m.figures["server_cpu_s"] = process_tree_cpu_s(server.pid) - before
        finally:
            server.terminate()
            server.wait(timeout=60)
        self.step("orchestration", n, mode="temporary", reps=self.args.reps)


def write_results(bench: Bench, machine: dict[str, str], started: datetime, out: Path) -> str:
    """The results page: machine, steps, ratios, training quality, how it was measured."""
    lines = [
        "# Benchmark results (`make bench`)",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC, sizes {bench.args.sizes}, as-of {bench.args.as_of}, "
        f"seed {bench.args.seed}. Generated by `python -m benchmarks.run`; do not edit by hand.",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()),
        "",
        "## Steps (each in its own process)",
        "",
        *render_steps(bench.measured, bench.skipped),
        "",
        "## Ratios measured side by side",
        "",
        *render_ratios(bench.measured),
        "",
        "## Training quality, out-of-time, against the simulator's oracle",
        "",
        *render_quality(bench.measured),
        "",
        "## How these were measured",
        "",
        "- *step wall / CPU*: the step's own work timed inside its process (CPU = user+system of "
        "every thread); reading the validated tables, loading the model and MLflow logging are "
        "timed apart (notes column). Targets are judged on step wall time and process peak RSS.",
        "- *process wall / CPU / peak RSS*: the child process as a whole (imports included), from "
        "`os.wait4` rusage (`ru_maxrss`).",
        "- *load 1m*: the machine's 1-minute load average when the step started; the machine "
        "has 2 cores shared with other engineers, so wall times above CPU times mean waiting.",
        "- *score step*: scoring snapshot + calibrated predict for everyone + reasons (SHAP "
        "`pred_contrib`) for the listed talents only (medium/high tier or an officer's top 50 "
        "per county) + every file (parquet, CSV, changes, workbook, HTML). Bare predict: "
        "`booster.predict` of the three horizon boosters on the same float matrix.",
        "- *orchestration*: in one process, a first flow run, then plain and flow runs "
        "alternating; overhead compares medians. Server CPU is the running server's own CPU "
        "during that step (it competes for the same 2 cores).",
        "",
    ]
    # Sections other bench modules wrote (small registries, worlds) survive this rewrite.
    kept = kept_sections(out.read_text(encoding="utf-8")) if out.is_file() else []
    text = "\n".join(lines + [s + "\n" for s in kept])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables and write them to --out."""
    args = parse_args(argv)
    # Run in the order given (a size without its own training is scored with the newest model).
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.root.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    machine = describe_machine()
    print("machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()), flush=True)
    bench = Bench(args)
    for n in sizes:
        print(f"{n:,} talents:", flush=True)
        bench.size(n)
        write_results(bench, machine, started, args.out)  # a cut-short run still leaves figures
    text = write_results(bench, machine, started, args.out)
    print("\n" + text)
    print(f"written to {args.out}")
    return 0 if all(m.ok for m in bench.measured) else 1


if __name__ == "__main__":
    sys.exit(main())
