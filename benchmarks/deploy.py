"""`make bench`, deployment: the list a trained model writes at the extract's date, judged by what happened.

    uv run python -m benchmarks.deploy [--variants default,1,2,3,4,5] [--talents 20000] [--seed 0]

At 20,000 talents it writes section `deploy` of results.md, at any other size `deploy_<size>`.

The out-of-time test block judges a model at a fixed distance from its calibration block
(12 months: the test snapshots are 13-18 months after it). The list officers read is scored
at the extract's date, where the model that was evaluated is `test_months + purge` months
further away (12 months, extract of 2026-11-23: its calibration block ends 33 months before).
This bench measures the list itself. Per world:

- simulate a registry as of 2026-11-23 (the simulator runs 15 months past it, so the truth
  knows who left in the following 3, 6 and 12 months);
- train on its extract as `retention train` does, once: the result carries the model that
  was evaluated (`held_out`) and the shipped one, the same recipe refitted on the newest
  labels (models.split.latest_split) and flattened by the decay the registry shows
  (models.calibrate.DriftSlope); the refit without that flattening is scored too;
- score every talent present at the extract's date with each (the risk list's population)
  and judge against the truth: departed within h months, the contract's label (M <= m0 + h);
- the oracle (the simulator's true probabilities at that date) gives the lift share.

Intervals: bootstrap over talents (one row each) of AUC(shipped) - AUC(held out).
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from benchmarks.probe import world_tag
from benchmarks.report import write_section

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 23)


def deployment_frames(
    n: int, seed: int, variant: int | None, cache: Path
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Labelled training snapshots, and the scoring snapshot at AS_OF with its truth (cached)."""
    from features.ingest import ingest_extract
    from features.snapshots import scoring_snapshot, training_snapshots
    from synthetic import oracle_probabilities, simulate, write_registry
    from synthetic.variants import variant_params

    folder = cache / world_tag(n, seed, variant)
    if (folder / "scored.parquet").is_file():
        return pl.read_parquet(folder / "frame.parquet"), pl.read_parquet(folder / "scored.parquet")
    registry = simulate(n_talents=n, seed=seed, as_of=AS_OF, params=variant_params(variant))
    write_registry(registry, folder / "extract")
    tables = ingest_extract(folder / "extract", folder / "work").tables
    frame = training_snapshots(tables, AS_OF)
    scored = scoring_snapshot(tables, AS_OF)
    truth = registry.truth
    oracle = oracle_probabilities(
        truth["hazards"], truth["departures"], scored.select("talent_id", "as_of")
    )
    m0 = pl.col("as_of").dt.month_start()
    left = pl.col("first_departure_month")
    scored = (
        scored.join(
            truth["departures"].select("talent_id", "first_departure_month"),
            on="talent_id",
            how="left",
        )
        .with_columns(
            (left.is_not_null() & (left <= m0.dt.offset_by(f"{h}mo")))
            .cast(pl.Int8)
            .alias(f"y_{h}m")
            for h in (3, 6, 12)
        )
        .join(
            oracle.select("talent_id", pl.exclude("talent_id", "as_of").name.prefix("oracle_")),
            on="talent_id",
            how="left",
            maintain_order="left",
        )
    )
    folder.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(folder / "frame.parquet")
    scored.write_parquet(folder / "scored.parquet")
    return frame, scored


def measure_world(n: int, seed: int, variant: int | None, cache: Path, n_boot: int) -> list[dict]:
    """Train once; score the extract's date with the held-out and the refitted model; judge both."""
    from features.catalog import model_columns
    from models.bootstrap import bootstrap_auc_difference
    from models.evaluate import score_metrics
    from models.train import train_attrition_model
    from runconfig import RunConfig, TrainParams

    frame, scored = deployment_frames(n, seed, variant, cache)
    numeric, categorical = model_columns(frame)
    started = time.perf_counter()
    config = RunConfig(train=TrainParams(seed=seed, n_boot=0))
    result = train_attrition_model(frame, numeric, categorical, config)
    took = time.perf_counter() - started
    shipped, held = result.model, result.model.evaluated
    p_ship, p_held = shipped.predict(scored), held.predict(scored)
    p_refit = dataclasses.replace(shipped, drift=None).predict(scored)  # the refit alone
    rows = []
    for h in config.horizons:
        label, column = f"y_{h}m", f"p_leave_{h}m"
        judged = scored.select(
            "talent_id",
            "as_of",
            "county",
            label,
            pl.col(f"oracle_{column}").alias("oracle"),
            p_ship.get_column(column).alias("shipped"),
            p_held.get_column(column).alias("held_out"),
            p_refit.get_column(column).alias("refit_only"),
        )
        scorers = ("oracle", "held_out", "refit_only", "shipped")
        figures = {s: score_metrics(judged, s, label) for s in scorers}
        y = judged.get_column(label).to_numpy().astype(float)
        diff = bootstrap_auc_difference(
            y,
            judged["shipped"].to_numpy(),
            judged["held_out"].to_numpy(),
            judged["talent_id"].to_numpy(),
            n_boot,
            seed,
        )
        oracle_auc = figures["oracle"]["auc"]
        row = {
            "variant": "default" if variant is None else variant,
            "talents": n,
            "h": h,
            "n": judged.height,
            "realised": figures["oracle"]["base_rate"],
            "oracle_auc": oracle_auc,
            "oracle_ece": figures["oracle"]["ece"],
            "train_s": took,
            "lo": diff["lo"],
            "hi": diff["hi"],
            "cal_end": result.params.get(f"refit_split_{h}m_calibration", "").split("..")[-1],
            "held_cal_end": result.splits[h].calibration[1].isoformat(),
            "drift": result.params.get(f"drift_slope_{h}m", "off").split(" ")[0],
        }
        for s in scorers[1:]:
            row[f"{s}_auc"] = figures[s]["auc"]
            row[f"{s}_share"] = (figures[s]["auc"] - 0.5) / (oracle_auc - 0.5)
            row[f"{s}_ece"] = figures[s]["ece"]
            row[f"{s}_mean"] = figures[s]["mean_p"]
        rows.append(row)
    return rows


def render(rows: list[dict], header: str) -> str:
    """The markdown section."""
    lines = [
        "## Deployment: the list at the extract's date, judged by what happened "
        f"(`python -m benchmarks.deploy`, {rows[0]['talents']:,} talents)",
        "",
        header,
        "",
        "| world | h | talents scored | realised | oracle AUC | oracle ECE "
        "| held out: calibration ends | AUC | share | ECE | predicted "
        "| refit: calibration ends | ECE | predicted "
        "| shipped (refit, flattened): slope | AUC | share | ECE | predicted "
        "| shipped - held out AUC, 95% |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['variant']} | {r['h']} m | {r['n']:,} | {r['realised']:.4f} "
            f"| {r['oracle_auc']:.4f} | {r['oracle_ece']:.4f} "
            f"| {r['held_cal_end']} | {r['held_out_auc']:.4f} | {r['held_out_share']:.3f} "
            f"| {r['held_out_ece']:.4f} | {r['held_out_mean']:.4f} "
            f"| {r['cal_end']} | {r['refit_only_ece']:.4f} | {r['refit_only_mean']:.4f} "
            f"| {r['drift']} | {r['shipped_auc']:.4f} | {r['shipped_share']:.3f} "
            f"| {r['shipped_ece']:.4f} | {r['shipped_mean']:.4f} | [{r['lo']:+.4f}, {r['hi']:+.4f}] |"
        )
    lines += [
        "",
        "Held out: the model the out-of-time test block judged (its calibration block ends a test "
        "block and a purge before the newest labels). Refit: the same recipe on the newest labels. "
        "Shipped: the refit with its log-odds flattened by the slope the held-out model showed on "
        "the newest labels (models.calibrate.DriftSlope), the model `retention train` ships. All "
        "scored on every talent present at the extract's date, against the simulator's truth of "
        "the months after it. ECE is on that one date's rows: the oracle's own ECE there is its "
        "floor from sampling noise alone.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure every world and write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", default="default,1,2,3,4,5")
    parser.add_argument("--talents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-boot", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/bench/deploy"))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    for name in args.variants.split(","):
        variant = None if name == "default" else int(name)
        rows += measure_world(args.talents, args.seed, variant, args.cache, args.n_boot)
        for r in rows[-3:]:
            print(
                f"world {r['variant']} {r['h']}m: held out AUC {r['held_out_auc']:.4f} ECE "
                f"{r['held_out_ece']:.4f} mean {r['held_out_mean']:.4f} | refit ECE "
                f"{r['refit_only_ece']:.4f} mean {r['refit_only_mean']:.4f} | shipped "
                f"(slope {r['drift']}) AUC "
                f"{r['shipped_auc']:.4f} ECE {r['shipped_ece']:.4f} mean {r['shipped_mean']:.4f} | "
                f"realised {r['realised']:.4f} oracle AUC {r['oracle_auc']:.4f} ECE "
                f"{r['oracle_ece']:.4f} | diff [{r['lo']:+.4f}, {r['hi']:+.4f}] | {r['train_s']:.0f} s",
                flush=True,
            )
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        header = (
            f"Run {stamp}, {args.talents:,} talents, seed {args.seed}, extract as of "
            f"{AS_OF}, {args.n_boot} bootstrap resamples, worlds {args.variants} (written after "
            "each). Generated into its section of results.md; do not edit by hand."
        )
        name = "deploy" if args.talents == 20_000 else f"deploy_{args.talents}"
        write_section(args.out, name, render(rows, header))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
