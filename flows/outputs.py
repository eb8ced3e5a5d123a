"""The scoring output folder: one sub-folder per as-of date, a lock against concurrent runs."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl

from flows.errors import UsageError


@contextmanager
def exclusive_output(out: Path) -> Iterator[None]:
    """Hold the output folder's lock for one run; a second run stops with a clear message."""
    out.mkdir(parents=True, exist_ok=True)
    lock_path = out / ".retention.lock"
    handle = open(lock_path, "a+")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise UsageError(
            f"{out}: another scoring run ({holder}) is writing here; wait for it to finish and run again"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def run_folder(out: Path, as_of: date) -> Path:
    """Where the run for `as_of` is published."""
    return out / as_of.isoformat()


def previous_list(out: Path, as_of: date) -> pl.DataFrame | None:
    """The latest complete risk list in `out` from before `as_of`, if any."""
    earlier = []
    for child in out.iterdir() if out.is_dir() else []:
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            continue
        if day < as_of and (child / "risk_list.parquet").is_file():
            earlier.append(day)
    if not earlier:
        return None
    return pl.read_parquet(run_folder(out, max(earlier)) / "risk_list.parquet")
