"""Reading an extract: validate (or reuse the cached ingest) and check what dates it supports."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import polars as pl

import synthetic
from features.contract import ExtractError
from features.coverage import contribution_coverage, month_ranges
from features.ingest import ingest_extract, require_snapshot
from features.snapshots import scoring_snapshot
from pipeline.errors import UsageError
from pipeline.settings import Settings
from reports.attributes import attribute_labels, read_attribute_labels


def load_extract(data: Path, settings: Settings, as_of: date | None = None):
    """Validate an extract (or reuse the cached ingest of the same unchanged files).

    Dates that cannot lie in the future (birth, arrival, contributions, life events) are
    checked against the run date: today, or the list's `as_of` when that is later (a list
    prepared ahead of its Monday).
    """
    reference = max(date.today(), as_of) if as_of is not None else date.today()
    return ingest_extract(data, settings.work_dir, settings.run.time_rules, reference)


def check_coverage(tables: dict[str, pl.DataFrame], as_of: date, settings: Settings) -> None:
    """Refuse (one line) a date whose features need contribution months the extract lacks."""
    cover = contribution_coverage(tables["social_insurance"], as_of, settings.run.time_rules)
    if cover.first_month is None:
        raise UsageError("social_insurance: no accepted contribution rows, nothing to build on")
    if cover.too_early:
        raise UsageError(
            f"--as-of {as_of} is before this extract's first contribution month "
            f"{cover.first_month:%Y-%m} is known; the earliest --as-of it supports is "
            f"{cover.earliest_as_of}"
        )
    if cover.missing:
        raise UsageError(
            f"--as-of {as_of} needs contribution months that no talent in this extract has: "
            f"{month_ranges(cover.missing)}; the latest --as-of this extract supports is "
            f"{cover.latest_as_of}"
        )


def load_for(data: Path, settings: Settings, as_of: date):
    """The validated extract, refused when it cannot support `as_of` or holds no talent."""
    extract = load_extract(data, settings, as_of)  # refuses an extract with no talent left
    check_coverage(extract.tables, as_of, settings)
    labels = read_labels(data, extract.tables["talents"].columns)
    if labels is not None:
        extract.tables["attribute_labels"] = labels
    return extract


def read_labels(data: Path, talent_columns: list[str]) -> pl.DataFrame | None:
    """The optional attribute_labels table, checked against talents (one line when wrong)."""
    try:
        table = read_attribute_labels(data)
        attribute_labels(table, talent_columns)
    except ValueError as err:
        raise ExtractError(str(err)) from None
    return table


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
    try:
        if out.suffix == ".csv":
            frame.write_csv(tmp)
        else:
            frame.write_parquet(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def simulate_registry(
    out: Path,
    n_talents: int,
    seed: int,
    as_of: date,
    fmt: str = "parquet",
    encoding: str = "utf-8",
    variant: str | None = None,
    also_at: tuple[date, ...] = (),
) -> str:
    """Simulate a registry (of a world variant, synthetic.variants), write it to `out`, say what.

    Each `also_at` date gets the same world's extract as it stood then, with its truth, in
    `out/also_at/<date>/` (cut from the one simulation: the main extract is unchanged).
    """
    from synthetic.cuts import cut_registry
    from synthetic.variants import variant_params

    started = time.perf_counter()
    params = variant_params(variant)
    reg = synthetic.simulate(n_talents=n_talents, seed=seed, as_of=as_of, params=params)
    synthetic.write_registry(reg, out, fmt=fmt, encoding=encoding.lower())
    for day in sorted(set(also_at)):
        earlier = cut_registry(reg, day)
        synthetic.write_registry(earlier, out / "also_at" / day.isoformat(), fmt, encoding.lower())
    rows = ", ".join(f"{name} {frame.height:,}" for name, frame in reg.tables.items())
    earlier_text = f"; earlier extracts in {out / 'also_at'}" if also_at else ""
    return (
        f"Simulated {n_talents:,} talents as of {as_of} (seed {seed}"
        + (f", variant {variant}" if variant not in (None, "0") else "")
        + f") into {out} "
        f"[{fmt}] in {time.perf_counter() - started:.1f} s: {rows}; truth in {out / 'truth'}"
        f"{earlier_text}"
    )


def write_scoring_features(data: Path, as_of: date, out: Path, settings: Settings) -> str:
    """Build the scoring snapshot for one date and write it for inspection."""
    extract = load_for(data, settings, as_of)
    snap = scoring_snapshot(extract.tables, as_of, settings.run.time_rules)
    require_snapshot(snap, as_of, extract)
    write_frame(snap, out)
    return f"{snap.height:,} talents x {snap.width} columns as of {as_of} -> {out}"
