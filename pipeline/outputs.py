"""The scoring output folder: one sub-folder per as-of date, a lock against concurrent runs.

The lock file exists only while a run holds it, and a run that fails leaves no folder it
created behind: after any run the output folder holds finished runs only.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.errors import UsageError
from reports.write import recover_interrupted

LOCK_NAME = ".retention.lock"


@contextmanager
def exclusive_output(out: Path) -> Iterator[None]:
    """Hold the output folder's lock for one run; a second run stops with a clear message."""
    created = _make_folders(out)
    try:
        handle = _acquire(out / LOCK_NAME, out)
        try:
            yield
        finally:
            # Unlink while holding the lock: a waiting run then finds the file gone (or a new
            # inode) and retries on a fresh one, so two runs never hold "the" lock at once.
            (out / LOCK_NAME).unlink(missing_ok=True)
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
    finally:
        for folder in reversed(created):  # only the folders this run made, and only if empty
            try:
                folder.rmdir()
            except OSError:
                break


def _acquire(lock_path: Path, out: Path):
    """Open and lock the lock file, retrying when the holder removed it as we opened it."""
    while True:
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise UsageError(
                f"{out}: another scoring run ({holder}) is writing here; "
                "wait for it to finish and run again"
            ) from None
        try:
            same = os.stat(lock_path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            return handle
        handle.close()


def _make_folders(out: Path) -> list[Path]:
    """Create `out` and its missing parents; return the ones created, outermost first."""
    missing = []
    current = out
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    out.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def claim_run_folder(out: Path, as_of: date, overwrite: bool) -> None:
    """Undo what a killed run left for `as_of`; refuse to replace a finished run unless asked."""
    recover_interrupted(out, as_of.isoformat())
    if run_folder(out, as_of).exists() and not overwrite:
        raise UsageError(
            f"{run_folder(out, as_of)}: a finished run for {as_of} is already there; "
            "pass --overwrite to replace it"
        )


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
