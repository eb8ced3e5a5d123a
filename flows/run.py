"""Plain wiring shared by the CLI and the flows: paths, reading, writing (no Prefect here)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import polars as pl

from flows.config import Settings
from flows.errors import UsageError


def simulate_registry(
    out: Path, n_talents: int, seed: int, as_of: date, fmt: str = "parquet", encoding: str = "utf-8"
) -> str:
    """Simulate a registry, write it to `out`, and say what was written."""
    import synthetic

    if fmt not in {"parquet", "csv", "xlsx"}:
        raise UsageError(f"--format: '{fmt}' is not one of parquet, csv, xlsx")
    if encoding.lower() not in {"utf-8", "utf8", "gbk", "gb18030"}:
        raise UsageError(f"--encoding: '{encoding}' is not one of utf-8, gbk")
    if n_talents < 1:
        raise UsageError("--talents: must be at least 1")
    started = time.perf_counter()
    reg = synthetic.simulate(n_talents=n_talents, seed=seed, as_of=as_of)
    synthetic.write_registry(reg, out, fmt=fmt, encoding=encoding.lower())
    rows = ", ".join(f"{name} {frame.height:,}" for name, frame in reg.tables.items())
    return (
        f"Simulated {n_talents:,} talents as of {as_of} (seed {seed}) into {out} "
        f"[{fmt}] in {time.perf_counter() - started:.1f} s: {rows}; truth in {out / 'truth'}"
    )


def load_extract(data: Path, settings: Settings, as_of: date | None = None):
    """Validate an extract (or reuse the cached ingest of the same unchanged files).

    Dates that cannot lie in the future (birth, arrival, contributions, life events) are
    checked against the run date: today, or the list's `as_of` when that is later (a list
    prepared ahead of its Monday).
    """
    from features.ingest import ingest_extract

    if not data.is_dir():
        raise UsageError(f"{data}: no such extract folder")
    reference = max(date.today(), as_of) if as_of is not None else date.today()
    return ingest_extract(data, settings.work_dir, settings.time_rules(), reference)


def describe_ingest(result) -> str:
    """A short, reconciled account of what was accepted and what was quarantined."""
    lines = [f"{'table':<18}{'read':>12}{'accepted':>12}{'quarantined':>13}"]
    for table, counts in result.summary.items():
        lines.append(
            f"{table:<18}{counts['read']:>12,}{counts['accepted']:>12,}{counts['quarantined']:>13,}"
        )
    quarantined = result.quarantine.height
    where = result.work_path
    lines.append(f"validated tables: {where}")
    if quarantined:
        lines.append(f"quarantined rows: {quarantined:,}, see {where / 'quarantine.csv'}")
    else:
        lines.append("quarantined rows: 0")
    return "\n".join(lines)


def write_frame(frame: pl.DataFrame, out: Path) -> None:
    """Write a frame as Parquet or CSV (by suffix), atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    if out.suffix == ".csv":
        frame.write_csv(tmp)
    else:
        frame.write_parquet(tmp)
    tmp.replace(out)


def write_scoring_features(data: Path, as_of: date, out: Path, settings: Settings) -> str:
    """Build the scoring snapshot for one date and write it for inspection."""
    from features.snapshots import scoring_snapshot

    result = load_extract(data, settings, as_of)
    snap = scoring_snapshot(result.tables, as_of, settings.time_rules())
    write_frame(snap, out)
    return f"{snap.height:,} talents x {snap.width} columns as of {as_of} -> {out}"
