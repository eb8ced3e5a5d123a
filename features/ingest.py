"""Ingest an extract: read, validate, split off PII, and store the validated tables as Parquet.

The store is `work_dir/ingest/<digest>/`, the digest covering the bytes of the extract's
table files, their names, the time rules and `INGEST_VERSION`; an unchanged extract is
read back from there instead of being validated again. Everything is written to a
temporary folder first and renamed into place at the end, so a fatal error leaves nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from features.contract import PII_COLUMNS, TABLE_ORDER, TABLES, TimeRules
from features.extract import find_table_files, parse_text, read_table
from features.validate import QUARANTINE_SCHEMA, check_table

INGEST_VERSION = "2"
REFERENCED = frozenset(ref.table for spec in TABLES.values() for ref in spec.references)


@dataclass(frozen=True)
class IngestResult:
    """Validated tables (no PII), contacts, quarantine, per-table counts and where they live.

    `summary[table]` holds file, read, accepted, quarantined and blank_rows_skipped;
    read == accepted + quarantined for every table.
    """

    tables: dict[str, pl.DataFrame]
    contacts: pl.DataFrame
    quarantine: pl.DataFrame
    summary: dict[str, dict[str, int | str | None]]
    work_path: Path


def digest_extract(
    files: dict[str, Path], rules: TimeRules, reference_date: date | None = None
) -> str:
    """A digest of the table files' names and bytes, the rules, run date and ingest version."""
    head = f"{INGEST_VERSION}\n{rules.model_dump_json()}\n{reference_date}\n"
    h = hashlib.sha256(head.encode())
    for name in sorted(files):
        h.update(f"{name}:{files[name].name}\n".encode())
        with files[name].open("rb") as f:
            h.update(hashlib.file_digest(f, "sha256").digest())
    return h.hexdigest()[:32]


def validate_extract(files: dict[str, Path], reference_date: date | None = None) -> IngestResult:
    """Read and check every table in reference order; the result's work_path is not set yet."""
    accepted: dict[str, pl.DataFrame] = {}
    rejected: dict[str, pl.Series] = {}
    quarantines: list[pl.DataFrame] = []
    summary: dict[str, dict[str, int | str | None]] = {}
    for name in TABLE_ORDER:
        spec = TABLES[name]
        if name not in files:
            accepted[name] = _empty_table(name)
            summary[name] = _counts(None, 0, 0, 0, 0)
            continue
        raw = read_table(files[name], spec)
        check = check_table(raw, accepted, rejected, reference_date)
        accepted[name] = check.accepted
        if name in REFERENCED:
            rejected[name] = _rejected_keys(raw.frame, spec.key[0], check.accepted)
        quarantines.append(check.quarantine)
        summary[name] = _counts(
            raw.file,
            raw.frame.height,
            check.accepted.height,
            check.quarantine.height,
            raw.blank_rows,
        )
    talents = accepted["talents"]
    contacts = talents.select("talent_id", *PII_COLUMNS)
    accepted["talents"] = talents.drop(PII_COLUMNS)
    quarantine = pl.concat([pl.DataFrame(schema=QUARANTINE_SCHEMA), *quarantines])
    return IngestResult(accepted, contacts, quarantine, summary, Path())


def _counts(file: str | None, read: int, accepted: int, quarantined: int, blank: int) -> dict:
    return {
        "file": file,
        "read": read,
        "accepted": accepted,
        "quarantined": quarantined,
        "blank_rows_skipped": blank,
    }


def _rejected_keys(frame: pl.DataFrame, key: str, accepted: pl.DataFrame) -> pl.Series:
    ids = frame.select(parse_text(key, frame.schema[key])).to_series().drop_nulls()
    return ids.filter(~ids.is_in(accepted.get_column(key).implode()))


def _empty_table(name: str) -> pl.DataFrame:
    kinds = {"date": pl.Date, "month": pl.Date, "money": pl.Float64}
    return pl.DataFrame(schema={c.name: kinds.get(c.kind, pl.String) for c in TABLES[name].columns})


def write_validated(result: IngestResult, target: Path) -> None:
    """Write the result into `target` atomically (temp folder renamed); contacts mode 0600."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, frame in result.tables.items():
            frame.write_parquet(tmp / f"{name}.parquet")
        fd = os.open(tmp / "contacts.parquet", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            result.contacts.write_parquet(f)
        result.quarantine.write_parquet(tmp / "quarantine.parquet")
        result.quarantine.write_csv(tmp / "quarantine.csv", include_bom=True)
        summary = {"version": INGEST_VERSION, "tables": result.summary}
        (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
        try:
            tmp.rename(target)
        except OSError:  # another run stored the same digest first: theirs is as good
            if not (target / "summary.json").exists():
                raise
            shutil.rmtree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_validated(work_path: Path) -> IngestResult:
    """Read a stored ingest back (tables, contacts, quarantine, summary)."""
    tables = {name: pl.read_parquet(work_path / f"{name}.parquet") for name in TABLE_ORDER}
    summary = json.loads((work_path / "summary.json").read_text())["tables"]
    return IngestResult(
        tables=tables,
        contacts=pl.read_parquet(work_path / "contacts.parquet"),
        quarantine=pl.read_parquet(work_path / "quarantine.parquet"),
        summary=summary,
        work_path=work_path,
    )


def ingest_extract(
    data_dir: Path,
    work_dir: Path,
    rules: TimeRules | None = None,
    reference_date: date | None = None,
) -> IngestResult:
    """Validate an extract into `work_dir/ingest/<digest>/`, reusing it when the files are unchanged.

    `reference_date` is the run date (the CLI passes today): birth, arrival, contribution and
    life-event dates after it are quarantined; None skips that check.
    """
    files = find_table_files(data_dir)
    target = work_dir / "ingest" / digest_extract(files, rules or TimeRules(), reference_date)
    if (target / "summary.json").exists():
        return load_validated(target)
    result = validate_extract(files, reference_date)
    write_validated(result, target)
    return load_validated(target)
