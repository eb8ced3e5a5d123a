"""Publish a run's files into out_dir/<as_of>/: every file and the folder written atomically."""

from __future__ import annotations

import ctypes
import errno
import io
import os
import shutil
from datetime import date
from pathlib import Path

import polars as pl

from reports.changes import compare_lists, empty_changes
from reports.history import leave_after_subsidy_end
from reports.html import render_html
from reports.labels import check_lang
from reports.risk_list import risk_list_columns, with_added_columns
from reports.tiers import RiskThresholds
from reports.workbook import render_workbook
from runconfig import DEFAULT

FILES = ("risk_list.parquet", "risk_list.csv", "changes.csv", "risk_list.xlsx", "report.html")


def write_outputs(
    risk_list: pl.DataFrame,
    out_dir: Path,
    as_of: date,
    contacts: pl.DataFrame | None = None,
    lang: str = "zh",
    county: str | None = None,
    previous: pl.DataFrame | None = None,
    context: dict | None = None,
    capacity: int = DEFAULT.capacity,
    workbook_tiers: tuple[str, ...] = ("high", "medium"),
    workbook_max_rows: int = 2000,
    tables: dict[str, pl.DataFrame] | None = None,
    thresholds: RiskThresholds = DEFAULT.tiers,
) -> Path:
    """Write the risk list, changes, workbook and HTML report into out_dir/<as_of>/ and return it.

    The risk list and `previous` are the run's own (one county's when `county` is given).
    A finished run already there is replaced: whether it may be is the caller's decision
    (pipeline.outputs.claim_run_folder, under the folder's lock). A killed run leaves either
    the old complete folder or the new complete one. `tables` (the validated extract,
    optional) lets the report show what happened after past subsidies ended
    (reports.history); without it the report says it cannot.
    """
    check_lang(lang)
    day = as_of.isoformat()
    after_end = leave_after_subsidy_end(tables, as_of) if tables else None
    # the contract's columns only: no PII; lists from before issue 13 get its columns as nulls
    risk_list = with_added_columns(risk_list)
    risk_list = risk_list.select(risk_list_columns(risk_list))
    previous = with_added_columns(previous) if previous is not None else None
    out_dir = Path(out_dir)
    final, backup = out_dir / day, out_dir / f".{day}.old"
    changes = compare_lists(risk_list, previous) if previous is not None else None
    context = {"as_of": day, **(context or {})}
    if county:
        context["county"] = county
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".{day}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        _write_files(
            staging,
            risk_list,
            changes,
            contacts,
            lang,
            context,
            (workbook_tiers, workbook_max_rows, capacity, thresholds, after_end),
        )
        _publish(staging, final, backup)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def _write_files(folder, risk_list, changes, contacts, lang, context, options) -> None:
    tiers, max_rows, capacity, thresholds, after_end = options
    parquet = io.BytesIO()
    risk_list.write_parquet(parquet, statistics=True)
    write_atomic(folder / "risk_list.parquet", parquet.getvalue())
    write_atomic(folder / "risk_list.csv", _csv(risk_list))
    write_atomic(folder / "changes.csv", _csv(empty_changes() if changes is None else changes))
    book = render_workbook(risk_list, contacts, lang, context, changes, tiers, max_rows, thresholds)
    write_atomic(folder / "risk_list.xlsx", book, mode=0o600 if contacts is not None else 0o644)
    html = render_html(risk_list, context, lang, changes, capacity, thresholds, after_end)
    write_atomic(folder / "report.html", html.encode("utf-8"))


def _csv(frame: pl.DataFrame) -> bytes:
    return frame.write_csv(include_bom=True, date_format="%Y-%m-%d").encode("utf-8")


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write bytes to a temp file in the same folder, fsync it, then os.replace onto `path`."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)  # the umask may have narrowed or the file may have existed
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def recover_interrupted(out_dir: Path, as_of: str) -> None:
    """Undo what a killed run left in out_dir for `as_of`: restore a set-aside run, drop staging."""
    out_dir = Path(out_dir)
    final, backup = out_dir / as_of, out_dir / f".{as_of}.old"
    if backup.exists() and not final.exists():
        backup.rename(final)  # a previous overwrite was killed between its two renames
    for staging in out_dir.glob(f".{as_of}.tmp-*"):
        pid = staging.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _publish(staging: Path, final: Path, backup: Path) -> None:
    _fsync_dir(staging)
    if not final.exists():
        staging.rename(final)
    elif _exchange(staging, final):  # one atomic step: readers see the old run or the new one
        shutil.rmtree(staging)
    else:  # no RENAME_EXCHANGE here: two renames, undone by recover_interrupted if killed between
        shutil.rmtree(backup, ignore_errors=True)
        final.rename(backup)
        staging.rename(final)
        shutil.rmtree(backup)
    _fsync_dir(final.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP}:
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
