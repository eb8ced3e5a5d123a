"""Benchmark of the feature builder: training snapshots, the scoring snapshot, and the scan floor."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl


def _peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB; Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def scan_floor(si_parquet: Path) -> float:
    """Seconds for a bare scan and group-by of the social-insurance table (the floor)."""
    query = (
        pl.scan_parquet(si_parquet)
        .group_by("talent_id")
        .agg(pl.col("month").max(), pl.col("contribution_base").last(), pl.len())
    )
    return _timed(query.collect)[1]


def bench_features(
    data_dir_or_tables: Path | str | dict[str, pl.DataFrame], as_of: date, training: bool = True
) -> dict:
    """Time training snapshots (optional), the scoring snapshot and the scan floor; report figures."""
    from features.contract import TimeRules
    from features.snapshots import scoring_snapshot, training_snapshots

    rules = TimeRules()
    with tempfile.TemporaryDirectory() as tmp:
        if isinstance(data_dir_or_tables, dict):
            tables = data_dir_or_tables
            read_s = 0.0
        else:
            from features.ingest import ingest_extract

            result, read_s = _timed(
                lambda: ingest_extract(Path(data_dir_or_tables), Path(tmp) / "work", rules)
            )
            tables = result.tables
        si_file = Path(tmp) / "social_insurance.parquet"
        tables["social_insurance"].write_parquet(si_file)
        out: dict = {
            "talents": tables["talents"].height,
            "contribution_rows": tables["social_insurance"].height,
            "ingest_s": round(read_s, 2),
        }
        if training:
            snaps, secs = _timed(lambda: training_snapshots(tables, as_of, rules))
            out |= {"training_snapshot_rows": snaps.height, "training_s": round(secs, 2)}
            del snaps
        snap, secs = _timed(lambda: scoring_snapshot(tables, as_of, rules))
        floor = scan_floor(si_file)
        out |= {
            "scoring_rows": snap.height,
            "scoring_s": round(secs, 2),
            "scan_floor_s": round(floor, 2),
            "scoring_over_floor": round(secs / floor, 1) if floor else None,
            "peak_rss_mb": round(_peak_rss_mb()),
        }
    return out


def main(argv: list[str]) -> None:
    """`python -m benchmarks.bench_features N_TALENTS [AS_OF] [--no-training]` on a simulated registry."""
    import synthetic

    n = int(argv[0]) if argv else 20_000
    as_of = (
        date.fromisoformat(argv[1])
        if len(argv) > 1 and not argv[1].startswith("--")
        else date(2026, 11, 23)
    )
    reg, sim_s = _timed(lambda: synthetic.simulate(n_talents=n, seed=0, as_of=as_of))
    with tempfile.TemporaryDirectory() as tmp:
        synthetic.write_registry(reg, Path(tmp) / "extract")
        del reg
        figures = bench_features(Path(tmp) / "extract", as_of, training="--no-training" not in argv)
    print({"simulate_s": round(sim_s, 1), **figures})


if __name__ == "__main__":
    main(sys.argv[1:])
