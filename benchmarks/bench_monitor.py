"""Monitoring benchmarks: backtest of 52 weekly lists of 200,000 talents; drift of 1,000,000.

    uv run python -m benchmarks.bench_monitor [--root /tmp/bench_monitor] [--talents 200000]

Each is printed as a ratio against a bare polars join + group-by of the same rows, measured
side by side in the same process. The figures go into the monitoring section of
benchmarks/results.md (between its markers; the rest of the page is left as it is).

What is real and what is made up for the timing, so the ratio can be read:
- the registry, its contributions and the outcomes are the simulator's 200,000-talent world;
- the 52 lists (2025-11-24 .. 2026-11-16) hold the talents present at the first Monday, with
  probabilities drawn for the timing (scoring 52 weeks would time the model, not the
  backtest); random probabilities are all distinct, the slow case for the AUC's tie groups;
- the 1,000,000-talent snapshot is the simulated 200,000-talent snapshot at 2026-11-23
  repeated to 1,000,000 rows (talent ids made distinct); the reference is the 2025-11-24 snapshot.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 23)
FIRST_LIST = date(2025, 11, 24)
BACKTEST_TARGET_S, DRIFT_TARGET_S = 120.0, 10.0
SECTION = "bench_monitor"  # its fenced section of results.md, kept when benchmarks.run rewrites it


def timed(fn):
    """(result, wall seconds, CPU seconds of this process)."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def fake_scores(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """Three non-decreasing calibrated-looking probabilities."""
    p3 = rng.beta(1.2, 20, n)
    p6 = np.minimum(1, p3 + rng.beta(1.2, 25, n))
    p12 = np.minimum(1, p6 + rng.beta(1.2, 25, n))
    return pl.DataFrame({"p_leave_3m": p3, "p_leave_6m": p6, "p_leave_12m": p12})


def write_lists(population: pl.DataFrame, folder: Path, weeks: int, seed: int) -> None:
    """`weeks` weekly lists of the population, in the layout `retention score` publishes."""
    rng = np.random.default_rng(seed)
    for k in range(weeks):
        day = FIRST_LIST + timedelta(weeks=k)
        scores = fake_scores(population.height, rng)
        tier = (
            pl.when(pl.col("p_leave_6m") >= 0.30)
            .then(pl.lit("high"))
            .when(pl.col("p_leave_6m") >= 0.15)
            .then(pl.lit("medium"))
            .otherwise(pl.lit("low"))
        )
        frame = pl.concat([population, scores], how="horizontal").with_columns(
            pl.lit(day).alias("as_of"), tier.alias("risk_tier"), pl.lit("1").alias("model_version")
        )
        (folder / day.isoformat()).mkdir(parents=True, exist_ok=True)
        frame.write_parquet(folder / day.isoformat() / "risk_list.parquet")


def backtest_floor(lists_dir: Path, si: pl.DataFrame) -> float:
    """A bare join + group-by of the same rows: every list joined to each talent's last paid
    month, grouped by list and tier (best of three)."""

    def run():
        lists = pl.scan_parquet(lists_dir / "*" / "risk_list.parquet")
        last = si.lazy().group_by("talent_id").agg(pl.col("month").max().alias("last"))
        return (
            lists.join(last, on="talent_id", how="left")
            .group_by("as_of", "risk_tier")
            .agg(pl.col("p_leave_6m").mean(), pl.col("last").max(), pl.len())
            .collect()
        )

    return min(timed(run)[1] for _ in range(3))


def drift_floor(snapshot: pl.DataFrame, scores: pl.DataFrame, numeric: list[str]) -> float:
    """A bare join + group-by of the same rows: snapshot x scores on talent_id, feature means
    per county (best of three)."""
    keyed = pl.concat([snapshot.select("talent_id"), scores], how="horizontal")

    def run():
        return (
            snapshot.join(keyed, on="talent_id", how="left")
            .group_by("county")
            .agg(pl.col(numeric + scores.columns).mean(), pl.len())
        )

    return min(timed(run)[1] for _ in range(3))


def bench_backtest(extract, settings, root: Path, weeks: int) -> dict:
    """Time read_lists + compute_backtest + write_backtest; the floor beside it."""
    from features.snapshots import scoring_snapshot
    from pipeline.backtest import compute_backtest, read_lists, write_backtest

    lists_dir = root / "lists"
    if not lists_dir.is_dir():
        first = scoring_snapshot(extract.tables, FIRST_LIST, settings.run.time_rules)
        write_lists(first.select("talent_id", "county", "employer_id"), lists_dir, weeks, 0)

    def step():
        lists = read_lists(lists_dir, AS_OF, settings.run.horizons)
        figures, groups, outcomes = compute_backtest(extract.tables, lists, AS_OF, settings)
        write_backtest(figures, groups, outcomes, lists.skipped, root / "bt", AS_OF, settings, "zh")
        return lists.frame.height, figures

    (rows, figures), wall, cpu = timed(step)
    floor = backtest_floor(lists_dir, extract.tables["social_insurance"])
    return {"what": "backtest", "lists": weeks, "list_rows": rows, "figure_rows": figures.height,
            "step_s": wall, "step_cpu_s": cpu, "floor_s": floor}  # fmt: skip


def bench_drift(extract, settings, rows: int) -> dict:
    """Time compare_to_reference on this week's snapshot repeated to `rows`; the floor beside it."""
    from features.catalog import model_columns
    from features.snapshots import scoring_snapshot
    from monitor.drift import compare_to_reference, drift_reference

    rules, m = settings.run.time_rules, settings.run.monitor
    before = scoring_snapshot(extract.tables, FIRST_LIST, rules)
    numeric, categorical = model_columns(before)
    rng = np.random.default_rng(1)
    importance = {c: float(rng.random()) for c in numeric + categorical}
    reference = drift_reference(
        before, fake_scores(before.height, rng), numeric, categorical, importance, m.bins
    )
    week = scoring_snapshot(extract.tables, AS_OF, rules)
    copies = -(-rows // week.height)
    big = pl.concat(
        [week.with_columns(pl.format("{}-{}", "talent_id", pl.lit(k)).alias("talent_id"))
         for k in range(copies)]
    ).head(rows)  # fmt: skip
    scores = fake_scores(big.height, rng)
    table, wall, cpu = timed(
        lambda: compare_to_reference(reference, big, scores, m.psi_threshold, m.noise_quantile)
    )
    floor = drift_floor(big, scores, numeric)
    return {"what": "drift", "rows": big.height, "features": table.height, "step_s": wall,
            "step_cpu_s": cpu, "floor_s": floor}  # fmt: skip


def render(results: list[dict], talents: int, load: float, when: str) -> str:
    """The monitoring section of results.md."""
    lines = [
        "## Monitoring (`python -m benchmarks.bench_monitor`, issue 15)",
        "",
        f"Run {when} UTC, load 1m at start {load:.1f} (2 shared cores). "
        f"Registry: the simulator's {talents:,}-talent world, as-of {AS_OF}. Lists' probabilities "
        "and the drift scores are drawn for the timing; the 1,000,000-row snapshot is the "
        f"{talents:,}-talent snapshot repeated (module docstring). Floor: a bare polars join + "
        "group-by of the same rows in the same process (best of three).",
        "",
        "| what | rows | step wall s | step CPU s | floor s | step / floor | target | verdict |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        target = BACKTEST_TARGET_S if r["what"] == "backtest" else DRIFT_TARGET_S
        rows = r.get("list_rows", r.get("rows"))
        label = (
            f"backtest of {r['lists']} weekly lists ({r['figure_rows']} figure rows, 200 "
            "employer-bootstrap draws each)"
            if r["what"] == "backtest"
            else f"drift of one snapshot ({r['features']} features and scores)"
        )
        lines.append(
            f"| {label} | {rows:,} | {r['step_s']:.1f} | {r['step_cpu_s']:.1f} | {r['floor_s']:.2f} "
            f"| {r['step_s'] / r['floor_s']:.0f}x | < {target:g} s | "
            f"{'met' if r['step_s'] < target else 'MISSED'} |"
        )
    return "\n".join(lines)


def record(section: str, out: Path) -> None:
    """Replace (or append) the monitoring section of results.md."""
    from benchmarks.report import write_section

    write_section(out, SECTION, section)


def main(argv: list[str] | None = None) -> int:
    """Simulate (once, cached under --root), then time both and write the section."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("/tmp/bench_monitor"))
    parser.add_argument("--talents", type=int, default=200_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--drift-rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    from datetime import UTC, datetime

    from pipeline.extract import load_extract, simulate_registry
    from pipeline.settings import Settings

    root = args.root / f"n{args.talents}"
    load = os.getloadavg()[0]
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    if not (root / "extract" / "talents.parquet").is_file():
        print(simulate_registry(root / "extract", args.talents, 0, AS_OF), flush=True)
    settings = Settings(work_dir=root / "work", tracking_uri=f"sqlite:///{root / 'unused.db'}")
    extract = load_extract(root / "extract", settings, AS_OF)
    results = [bench_backtest(extract, settings, root, args.weeks)]
    print(results[-1], flush=True)
    results.append(bench_drift(extract, settings, args.drift_rows))
    print(results[-1], flush=True)
    section = render(results, args.talents, load, when)
    print(section)
    record(section, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
