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
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from features.contract import PII_COLUMNS, TABLE_ORDER, TABLES, ExtractError, TimeRules
from features.extract import dataset_parts, find_table_files, parse_text, read_table
from features.storage import StorageError, storage_error
from features.validate import QUARANTINE_SCHEMA, check_table

INGEST_VERSION = "3"  # 3: the optional interventions table
REFERENCED = frozenset(ref.table for spec in TABLES.values() for ref in spec.references)
STALE_AFTER_S = 6 * 3600  # a temporary folder this old is a killed run's, whatever its pid says
# Tables without which nothing can be featured, trained or scored: none accepted is fatal.
NEEDED = ("talents", "social_insurance")


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
        parts = dataset_parts(files[name]) if files[name].is_dir() else [files[name]]
        for part in parts:  # a Parquet dataset folder: every part file, by name and bytes
            h.update(f"{part.relative_to(files[name]) if part != files[name] else ''}\n".encode())
            with part.open("rb") as f:
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temporaries(store: Path, now: float | None = None) -> list[Path]:
    """Remove what killed ingests left in `store`: temporary folders whose owner is gone.

    A temporary folder is `.<digest>-<pid>-<random>`; it is stale once that process is gone,
    or older than `STALE_AFTER_S` (a reused pid), or, named without a pid by an older
    version, older than an hour. They may hold contacts (PII): none outlives its run.
    """
    now = time.time() if now is None else now
    removed = []
    for tmp in store.glob(".*-*"):
        if not tmp.is_dir():
            continue
        parts = tmp.name[1:].split("-")
        try:
            age = now - tmp.stat().st_mtime
        except FileNotFoundError:  # its owner finished meanwhile
            continue
        if len(parts) >= 3 and parts[1].isdigit():
            stale = not _alive(int(parts[1])) or age > STALE_AFTER_S
        else:
            stale = age > 3600
        if stale:
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    return removed


def write_validated(result: IngestResult, target: Path) -> None:
    """Write the result into `target` atomically (temp folder renamed); contacts mode 0600.

    The temporary folder carries this process's id, so that a later run can tell it from a
    running one and remove it if this run is killed (`remove_stale_temporaries`).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-{os.getpid()}-", dir=target.parent))
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
    try:
        if work_dir.exists() and not work_dir.is_dir():
            raise StorageError(f"{work_dir}: the working folder is a file, not a folder")
        if target.parent.is_dir():
            remove_stale_temporaries(target.parent)
        if not (target / "summary.json").exists():
            write_validated(validate_extract(files, reference_date), target)
        result = load_validated(target)
    except OSError as err:
        if (mapped := storage_error(err, work_dir)) is None:
            raise
        raise mapped from None
    require_rows(result)
    return result


def require_rows(result: IngestResult) -> None:
    """Fatal when a table nothing can do without has no accepted row (all quarantined).

    The ingest is stored first, so the quarantine that says why is there to read.
    """
    for name in NEEDED:
        counts = result.summary[name]
        if counts["accepted"] == 0 and counts["file"] is not None:
            where = result.work_path / "quarantine.csv"
            rows = "every talent" if name == "talents" else "every row"
            what = (
                f"{rows} ({counts['read']:,}) was quarantined, so there is no talent to "
                f"score or train on; see {where}"
            )
            raise ExtractError.at(str(counts["file"]), what)


def require_snapshot(snapshot: pl.DataFrame, as_of: date, result: IngestResult) -> None:
    """Fatal (one line) when a snapshot holds no talent: nothing to score, feature or train on.

    For the flows after `build_scoring_snapshot` / `build_training_snapshots`: an extract whose
    talents are all accepted may still have none present at `as_of` (all arrived later, none
    paid yet, all flexible experts), and an empty frame must not reach the model.
    """
    if snapshot.height:
        return
    accepted = result.summary["talents"]["accepted"]
    raise ExtractError(
        f"no talent to score at {as_of}: none of the {accepted:,} accepted talents is present "
        "then (arrived before it, paying in the city, not a flexible expert)"
    )
