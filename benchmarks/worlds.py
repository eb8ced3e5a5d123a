"""`make bench`, worlds: the model on several simulator variants, against each variant's oracle.

    uv run python -m benchmarks.worlds [--variants 0,1,2,3,4] [--talents 20000] [--seed 0]

Per variant and horizon, out-of-time: lift share against that variant's oracle, ECE, and the
95% talent-clustered bootstrap interval of AUC(model) - AUC(other) for the logistic baseline
and for a plain LightGBM (library defaults, early-stopped on the calibration block, same
features and training rows, uncalibrated: ranking is all an AUC sees). Targets (issue 14):
share >= 0.85, ECE <= 0.01, and the model at least as good as the plain LightGBM.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl

from benchmarks.report import write_section

REPO = Path(__file__).resolve().parents[1]


def plain_lightgbm_scores(frame: pl.DataFrame, result, h: int, seed: int) -> np.ndarray:
    """A default LightGBM per horizon, early-stopped on the calibration block, scored on the test block."""
    from models.frame import to_matrix
    from models.split import select_block

    spec, split, label = result.model.spec, result.splits[h], f"y_{h}m"
    train = select_block(frame, split, "train")
    calib = select_block(frame, split, "calibration")
    test = select_block(frame, split, "test")
    cats = spec.categorical_indices
    dtrain = lgb.Dataset(
        to_matrix(train, spec), train[label].to_numpy().astype(float),
        feature_name=spec.names, categorical_feature=cats,
    )  # fmt: skip
    dvalid = lgb.Dataset(
        to_matrix(calib, spec), calib[label].to_numpy().astype(float), reference=dtrain
    )
    params = {
        "objective": "binary",
        "verbosity": -1,
        "seed": seed,
        "num_threads": 2,
        "deterministic": True,
    }
    booster = lgb.train(
        params, dtrain, num_boost_round=1000, valid_sets=[dvalid],
        callbacks=[lgb.early_stopping(30, verbose=False)],
    )  # fmt: skip
    return booster.predict(to_matrix(test, spec))


def level_matched_ece(p: np.ndarray, y: np.ndarray) -> float:
    """ECE after one shift in log-odds makes the mean probability the block's rate (a diagnosis:
    it reads the block's own labels, so no model could do it; what is left is the shape's error)."""
    from scipy.special import expit, logit

    from models.calibrate import shift_to_mean
    from models.evaluate import expected_calibration_error

    z = logit(np.clip(p, 1e-9, 1 - 1e-9))
    return expected_calibration_error(expit(z + shift_to_mean(z, float(np.mean(y)))), y)


def drift_figures(block: pl.DataFrame, oracle: pl.DataFrame, model, h: int) -> dict[str, float]:
    """On one block: lift share, recalibration slope, mean probability, rate and oracle mean."""
    from models.calibrate import recalibration_slope
    from models.capacity import auc

    y = block[f"y_{h}m"].to_numpy().astype(float)
    p = model.predict(block)[f"p_leave_{h}m"].to_numpy()
    truth = block.select("talent_id", "as_of").join(
        oracle, on=["talent_id", "as_of"], how="left", maintain_order="left"
    )[f"p_leave_{h}m"]
    o = truth.to_numpy() if truth.null_count() == 0 else None
    slope, _ = recalibration_slope(p, y)
    return {
        "share": None if o is None else (auc(y, p) - 0.5) / max(auc(y, o) - 0.5, 1e-9),
        "slope": slope, "mean_p": float(p.mean()), "rate": float(y.mean()),
        "oracle_mean": None if o is None else float(o.mean()),
        "level_ece": level_matched_ece(p, y),
    }  # fmt: skip


def measure_world(n: int, seed: int, variant: int, cache: Path, n_boot: int) -> list[dict]:
    """Train on one world and return a row of figures per horizon."""
    from benchmarks.probe import world_frames
    from features.catalog import model_columns
    from models.bootstrap import bootstrap_auc_difference
    from models.evaluate import expected_calibration_error
    from models.split import select_block
    from models.train import train_attrition_model
    from runconfig import RunConfig, TrainParams

    frame, oracle = world_frames(n, seed, variant, cache)
    numeric, categorical = model_columns(frame)
    started = time.perf_counter()
    config = RunConfig(train=TrainParams(seed=seed, n_boot=n_boot, refit=False))  # judged: held out
    result = train_attrition_model(frame, numeric, categorical, config, oracle=oracle)
    took = time.perf_counter() - started
    m, rows = result.metrics, []
    for h in config.horizons:
        test = select_block(frame, result.splits[h], "test")
        y = test[f"y_{h}m"].to_numpy().astype(float)
        model = result.model.evaluated.predict(test)[f"p_leave_{h}m"].to_numpy()
        plain = plain_lightgbm_scores(frame, result, h, seed)
        truth = test.select("talent_id", "as_of").join(
            oracle, on=["talent_id", "as_of"], how="left", maintain_order="left"
        )[f"p_leave_{h}m"]
        # The oracle's own ECE on these rows: how far ECE sits from 0 from sampling noise alone.
        oracle_ece = (
            expected_calibration_error(truth.to_numpy(), y) if truth.null_count() == 0 else None
        )
        diff = bootstrap_auc_difference(y, model, plain, test["talent_id"].to_numpy(), n_boot, seed)
        calib = select_block(frame, result.splits[h], "calibration")
        drift = {
            f"{name}_{k}": v
            for name, block in (("cal", calib), ("test", test))
            for k, v in drift_figures(block, oracle, result.model.evaluated, h).items()
        }
        rows.append(
            {
                "variant": variant, "talents": n, "h": h, "train_s": took,
                "auc": m[f"model_auc_{h}m"], "oracle_auc": m[f"oracle_auc_{h}m"],
                "share": m[f"model_oracle_lift_share_{h}m"], "ece": m[f"model_ece_{h}m"],
                "logistic_lo": m[f"auc_diff_logistic_lo_{h}m"],
                "logistic_hi": m[f"auc_diff_logistic_hi_{h}m"],
                "plain_auc": m[f"model_auc_{h}m"] - diff["diff"], "plain_lo": diff["lo"],
                "plain_hi": diff["hi"], "plain_ece": expected_calibration_error(plain, y),
                "oracle_ece": oracle_ece,
                "blend": result.params.get(f"tuned_blend_weight_{h}m"),
                "leaves": result.params.get(f"tuned_num_leaves_{h}m"),
                "leaf_rows": result.params.get(f"tuned_min_data_in_leaf_{h}m"),
                **drift,
            }
        )  # fmt: skip
    return rows


def verdict(row: dict) -> str:
    """Which of the issue's targets a row meets."""
    missed = []
    if row["share"] < 0.85:
        missed.append("share")
    if row["ece"] > 0.01:
        missed.append("ECE")
    if row["plain_hi"] < 0:  # worse than the plain LightGBM beyond the noise
        missed.append("vs plain")
    return "met" if not missed else "MISSED " + ", ".join(missed)


def fmt(x: float | None) -> str:
    """Four decimals, or a dash when not measured."""
    return "–" if x is None else f"{x:.4f}"


def render_worlds(rows: list[dict], header: str) -> str:
    """The worlds table as markdown."""
    lines = [
        "## A family of worlds: each simulator variant against its own oracle (`python -m benchmarks.worlds`)",
        "",
        header,
        "",
        "| variant | talents | h | AUC | oracle AUC | lift share (>= 0.85) | ECE (<= 0.01) | oracle ECE "
        "| model - logistic, 95% | plain LightGBM AUC | model - plain, 95% (>= 0) | plain ECE "
        "| blend w | leaves, min leaf | train s | verdict |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['variant']} | {r['talents']:,} | {r['h']} | {r['auc']:.4f} | {r['oracle_auc']:.4f} "
            f"| {r['share']:.3f} | {r['ece']:.4f} | {fmt(r.get('oracle_ece'))} | [{r['logistic_lo']:+.4f}, {r['logistic_hi']:+.4f}] "
            f"| {r['plain_auc']:.4f} | [{r['plain_lo']:+.4f}, {r['plain_hi']:+.4f}] | {r['plain_ece']:.4f} "
            f"| {r['blend']} | {r['leaves']}, {r['leaf_rows']} | {r['train_s']:.0f} | {verdict(r)} |"
        )
    lines += [
        "",
        "Oracle ECE: the simulator's true probabilities scored the same way on the same rows; "
        "it is above 0 from sampling noise alone, so it is the floor an ECE can be read against.",
        "",
        "Where the misses come from: the same model on its calibration block (the newest labels "
        "it saw: its trees early-stopped and its calibrator was fitted there, so these read a "
        "little high) and on the test block 13-18 months later. Slope: b of the logistic refit "
        "y ~ a + b logit(p) (1 = as sharp as the outcomes bear out, below 1 = overconfident). "
        "Level-matched ECE: the test block's ECE after one log-odds shift sets the mean to the "
        "block's own rate (a diagnosis, not a model: it reads the test labels).",
        "",
        "Rate - oracle mean: how far the block's outcomes fell from what the truth expected, "
        "sampling noise alone (12-month windows of neighbouring months share most of their "
        "departures, so a block's months move together). The calibrator copies the "
        "calibration block's; the test block has its own.",
        "",
        "| variant | h | lift share, calibration -> test | slope, calibration -> test "
        "| rate - oracle mean, calibration / test | test: mean p / rate / oracle mean "
        "| test ECE / level-matched / oracle |",
        "|---:|---:|---|---|---|---|---|",
    ]
    for r in rows:
        if "test_slope" not in r:
            continue
        lines.append(
            f"| {r['variant']} | {r['h']} | {fmt3(r['cal_share'])} -> {fmt3(r['test_share'])} "
            f"| {r['cal_slope']:.3f} -> {r['test_slope']:.3f} "
            f"| {gap(r['cal_rate'], r['cal_oracle_mean'])} / {gap(r['test_rate'], r['test_oracle_mean'])} "
            f"| {r['test_mean_p']:.4f} / {r['test_rate']:.4f} / {fmt(r['test_oracle_mean'])} "
            f"| {r['ece']:.4f} / {r['test_level_ece']:.4f} / {fmt(r.get('oracle_ece'))} |"
        )
    return "\n".join(lines) + "\n"


def gap(rate: float, oracle_mean: float | None) -> str:
    """Rate minus the oracle's mean, signed, or a dash without an oracle."""
    return "–" if oracle_mean is None else f"{rate - oracle_mean:+.4f}"


def fmt3(x: float | None) -> str:
    """Three decimals, or a dash when not measured."""
    return "–" if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    """Measure every variant and write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", default="1,2,3,4,5")
    parser.add_argument("--talents", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-boot", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/bench/worlds"))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    rows = []
    for variant in (int(v) for v in args.variants.split(",")):
        rows += measure_world(args.talents, args.seed, variant, args.cache, args.n_boot)
        print(render_worlds(rows[-3:], ""), flush=True)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        header = (
            f"Run {stamp}, {args.talents:,} talents, seed {args.seed}, as-of 2026-11-23, "
            f"{args.n_boot} bootstrap resamples, variants {args.variants} (written after each). "
            "Generated into its section of results.md; do not edit by hand."
        )
        write_section(args.out, "worlds", render_worlds(rows, header))  # a cut-short run keeps rows
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
