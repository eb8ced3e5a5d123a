"""Out-of-time quality of one training configuration on one simulated world, per horizon.

    uv run python -m benchmarks.probe --talents 20000 --seed 0 [--variant V] [--cache DIR]
        [--params JSON] [--blend W] [--tune]

Snapshots and oracle are cached per (talents, seed, variant and the code that makes them), so
configurations compare fast.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from datetime import date
from pathlib import Path

import polars as pl

AS_OF = date(2026, 11, 23)
REPO = Path(__file__).resolve().parents[1]


def world_tag(n: int, seed: int, variant: int | None) -> str:
    """A cache folder's name: the world's size, seed and variant, and a digest of the code that
    makes its frames (synthetic/ and features/), so a changed simulator never reuses old worlds."""
    digest = hashlib.sha1()
    for path in sorted([*(REPO / "synthetic").glob("*.py"), *(REPO / "features").glob("*.py")]):
        digest.update(path.read_bytes())
    return f"n{n}_s{seed}_v{'default' if variant is None else variant}_{digest.hexdigest()[:10]}"


def world_frames(
    n: int, seed: int, variant: int | None, cache: Path
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Labelled training snapshots and their oracle for one simulated world (cached)."""
    from features.ingest import ingest_extract
    from features.snapshots import training_snapshots
    from synthetic import oracle_probabilities, simulate, write_registry

    folder = cache / world_tag(n, seed, variant)
    if (folder / "frame.parquet").is_file():
        return pl.read_parquet(folder / "frame.parquet"), pl.read_parquet(folder / "oracle.parquet")
    from synthetic.variants import variant_params

    registry = simulate(n_talents=n, seed=seed, as_of=AS_OF, params=variant_params(variant))
    write_registry(registry, folder / "extract")
    tables = ingest_extract(folder / "extract", folder / "work").tables
    frame = training_snapshots(tables, AS_OF)
    truth = registry.truth
    oracle = oracle_probabilities(
        truth["hazards"], truth["departures"], frame.select("talent_id", "as_of")
    )
    frame.write_parquet(folder / "frame.parquet")
    oracle.write_parquet(folder / "oracle.parquet")
    return frame, oracle


def figures(metrics: dict[str, float], horizons=(3, 6, 12)) -> list[dict[str, float]]:
    """The headline figures per horizon."""
    rows = []
    for h in horizons:
        rows.append(
            {
                "h": h,
                "auc": metrics[f"model_auc_{h}m"],
                "oracle_auc": metrics.get(f"oracle_auc_{h}m", float("nan")),
                "share": metrics.get(f"model_oracle_lift_share_{h}m", float("nan")),
                "ece": metrics[f"model_ece_{h}m"],
                "logistic_auc": metrics[f"logistic_auc_{h}m"],
                "vs_logistic_lo": metrics[f"auc_diff_logistic_lo_{h}m"],
                "vs_logistic_hi": metrics[f"auc_diff_logistic_hi_{h}m"],
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Train once and print the figures."""
    from features.catalog import model_columns
    from models.train import train_attrition_model
    from runconfig import RunConfig, TrainParams

    parser = argparse.ArgumentParser()
    parser.add_argument("--talents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variant", type=int, default=None)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/retention-probe"))
    parser.add_argument("--params", default="{}", help="LightGBM parameters as JSON")
    parser.add_argument("--train", default="{}", help="TrainParams fields as JSON")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    frame, oracle = world_frames(args.talents, args.seed, args.variant, args.cache)
    prepared = time.perf_counter() - started
    numeric, categorical = model_columns(frame)
    train = TrainParams(lgb_params=json.loads(args.params), **json.loads(args.train))
    started = time.perf_counter()
    result = train_attrition_model(frame, numeric, categorical, RunConfig(train=train), oracle)
    took = time.perf_counter() - started
    print(f"rows {frame.height:,}; data {prepared:.1f} s; train+evaluate {took:.1f} s")
    for row in figures(result.metrics):
        print(
            f"  {row['h']:>2}m AUC {row['auc']:.4f} oracle {row['oracle_auc']:.4f} "
            f"share {row['share']:.3f} ECE {row['ece']:.4f} logistic {row['logistic_auc']:.4f} "
            f"vs logistic [{row['vs_logistic_lo']:+.4f}, {row['vs_logistic_hi']:+.4f}]"
        )
    chosen = {k: v for k, v in result.params.items() if k.startswith(("tuned_", "best_iter"))}
    print("  params:", json.dumps(chosen, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
