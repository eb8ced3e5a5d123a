"""Issue 12: the damage behind each example, answered by mechanism (see docs/bad_input.md).

The corpus (test_bad_input_corpus.py) holds most kinds; here are those that need more than a
damaged file: unreadable paths, the working folder, killed runs, sizes past reader limits.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from features.contract import ExtractError, TimeRules
from features.ingest import STALE_AFTER_S, ingest_extract, remove_stale_temporaries
from features.storage import StorageError, storage_error

RUN_DATE = date(2024, 6, 30)
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _write(tables: dict[str, pl.DataFrame], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        (out / f"{name}.csv").write_bytes(frame.write_csv().encode())
    return out


def _cli(*args: str):
    from flows.cli import app

    return CliRunner().invoke(app, list(args))


def _one_line_exit_2(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0].removeprefix("retention: ")


@pytest.fixture
def tables(simulated_text_tables) -> dict[str, pl.DataFrame]:
    return dict(simulated_text_tables)


# --- reader limits -------------------------------------------------------------------------


def test_a_quoted_150000_character_name_is_read_whole(tables, tmp_path):
    names = tables["employers"].get_column("employer_name").to_list()
    names[0] = "长" * 150_000
    tables["employers"] = tables["employers"].with_columns(pl.Series("employer_name", names))
    tables["policies"] = tables["policies"].with_columns(pl.lit('a "quoted" name').alias("x"))
    result = ingest_extract(_write(tables, tmp_path / "x"), tmp_path / "w", None, RUN_DATE)
    assert result.quarantine.height == 0
    assert result.tables["employers"].item(0, "employer_name") == "长" * 150_000


def test_a_header_line_over_64_kb_is_read(tables, tmp_path):
    x = [
        f"x_survey_question_on_working_conditions_and_intent_to_stay_{i:05d}" for i in range(1_100)
    ]
    tables["talents"] = tables["talents"].with_columns(pl.lit("1").alias(name) for name in x)
    data = _write(tables, tmp_path / "x")
    assert len((data / "talents.csv").read_bytes().split(b"\n", 1)[0]) > 65_536
    result = ingest_extract(data, tmp_path / "w", None, RUN_DATE)
    assert result.quarantine.height == 0
    assert set(x) <= set(result.tables["talents"].columns)
    assert result.tables["talents"].schema[x[-1]] == pl.Float64


def test_an_extra_source_row_column_is_kept_apart_and_ignored(tables, tmp_path):
    from features.contract import TABLES
    from features.extract import read_table

    tables["talents"] = tables["talents"].with_columns(pl.lit("x").alias("source_row"))
    data = _write(tables, tmp_path / "x")
    raw = read_table(data / "talents.csv", TABLES["talents"])
    assert raw.extras.get_column("source_row").unique().to_list() == ["x"]
    assert raw.frame.get_column("source_row").head(2).to_list() == [2, 3]
    result = ingest_extract(data, tmp_path / "w", None, RUN_DATE)
    assert result.quarantine.height == 0 and "source_row" not in result.tables["talents"].columns


# --- contributions before arrival ----------------------------------------------------------


def test_two_contributions_before_arrival_on_consecutive_rows_are_both_quarantined(
    tables, tmp_path
):
    si, talents = tables["social_insurance"], tables["talents"]
    talent = si.item(0, "talent_id")
    arrival = talents.filter(pl.col("talent_id") == talent).item(0, "arrival_date")
    early = si.head(2).with_columns(pl.Series("month", ["2015-01", "2015-02"]))
    tables["social_insurance"] = pl.concat([early, si])
    result = ingest_extract(_write(tables, tmp_path / "x"), tmp_path / "w", None, RUN_DATE)
    reason = f"month is before the talent's arrival_date {arrival}"
    assert result.quarantine.rows() == [
        ("social_insurance", 2, "month", reason, "2015-01"),
        ("social_insurance", 3, "month", reason, "2015-02"),
    ]
    assert result.summary["social_insurance"]["accepted"] == si.height


# --- unreadable tables ---------------------------------------------------------------------


def test_an_unreadable_table_is_one_line(tables, tmp_path, monkeypatch):
    """Works as root too: the open itself is made to fail the way mode 000 makes it fail."""
    data = _write(tables, tmp_path / "x")
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if Path(path).name == "talents.csv":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    message = _one_line_exit_2(_cli("ingest", "--data", str(data), "--work", str(tmp_path / "w")))
    assert message == "talents.csv: cannot be read (permission denied)"


@pytest.mark.skipif(ROOT, reason="root reads a mode-000 file; the mechanism is tested above")
def test_a_mode_000_table_is_one_line(tables, tmp_path):
    data = _write(tables, tmp_path / "x")
    (data / "talents.csv").chmod(0)
    with pytest.raises(ExtractError, match=r"^talents.csv: cannot be read \(permission denied\)$"):
        ingest_extract(data, tmp_path / "w", None, RUN_DATE)


# --- every talent quarantined --------------------------------------------------------------


def test_every_talent_quarantined_stops_every_command_with_one_line(tables, tmp_path):
    tables["talents"] = tables["talents"].with_columns(pl.lit("mars").alias("hometown"))
    data, work = _write(tables, tmp_path / "x"), tmp_path / "w"
    message = _one_line_exit_2(_cli("ingest", "--data", str(data), "--work", str(work)))
    store = next((work / "ingest").iterdir())
    assert message == (
        f"talents.csv: every talent (300) was quarantined, so there is no talent to score or "
        f"train on; see {store / 'quarantine.csv'}"
    )
    quarantine = pl.read_csv(store / "quarantine.csv")
    assert quarantine.filter(pl.col("table") == "talents").height == 300  # the reasons are kept
    out = tmp_path / "f.parquet"
    features = _cli("features", "--data", str(data), "--work", str(work), "--out", str(out))
    assert _one_line_exit_2(features).startswith("talents.csv: every talent (300) was quarantined")
    assert not out.exists()


# --- the working folder --------------------------------------------------------------------


def test_work_pointing_at_a_file_is_one_line(tables, tmp_path):
    data, work = _write(tables, tmp_path / "x"), tmp_path / "work.txt"
    work.write_text("not a folder")
    for command in (["ingest"], ["features", "--out", str(tmp_path / "f.parquet")]):
        result = _cli(*command, "--data", str(data), "--work", str(work))
        assert _one_line_exit_2(result) == f"--work: {work} is a file; give a folder"


def test_work_inside_a_file_is_one_line(tables, tmp_path):
    data = _write(tables, tmp_path / "x")
    (tmp_path / "file").write_text("")
    work = tmp_path / "file" / "work"
    message = _one_line_exit_2(_cli("ingest", "--data", str(data), "--work", str(work)))
    assert message == f"--work: {tmp_path / 'file'} is a file, so {work} cannot be a folder"


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (errno.ENOSPC, "no space left on the device; errno ENOSPC"),
        (errno.EROFS, "the file system is read-only; errno EROFS"),
        (errno.EACCES, "permission denied; errno EACCES"),
    ],
)
def test_a_full_disk_or_read_only_work_folder_is_one_line(
    tables, tmp_path, monkeypatch, code, cause
):
    data, work = _write(tables, tmp_path / "x"), tmp_path / "w"

    def fail(self, file, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(file))

    monkeypatch.setattr(pl.DataFrame, "write_parquet", fail)
    message = _one_line_exit_2(_cli("ingest", "--data", str(data), "--work", str(work)))
    assert message.startswith(f"{work / 'ingest'}/.")  # the temporary folder's file it wrote
    assert message.endswith(f": cannot write ({cause})")
    assert not [p for p in work.rglob("*") if p.is_file()]  # nothing half-written is left


@pytest.mark.skipif(ROOT, reason="root writes into a mode-500 folder; monkeypatched above")
def test_a_read_only_work_folder_is_one_line(tables, tmp_path):
    data, work = _write(tables, tmp_path / "x"), tmp_path / "w"
    work.mkdir()
    work.chmod(0o500)
    message = _one_line_exit_2(_cli("ingest", "--data", str(data), "--work", str(work)))
    assert message == f"{work / 'ingest'}: cannot write (permission denied; errno EACCES)"


def test_storage_errors_name_the_path_and_leave_bugs_alone():
    err = OSError(errno.ENOSPC, "No space left on device", "/out/2026-11-23/risk_list.csv")
    assert str(storage_error(err)) == (
        "/out/2026-11-23/risk_list.csv: cannot write (no space left on the device; errno ENOSPC)"
    )
    assert str(storage_error(OSError(errno.EROFS, "x"), Path("/mnt/out"))) == (
        "/mnt/out: cannot write (the file system is read-only; errno EROFS)"
    )
    assert storage_error(FileNotFoundError(errno.ENOENT, "gone", "/x")) is None
    from pipeline.errors import EXPECTED, expected_error

    assert StorageError in EXPECTED
    assert isinstance(expected_error(OSError(errno.ENOSPC, "full")), StorageError)
    assert expected_error(ValueError("a bug")) is None


# --- what killed runs leave ----------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_folders_are_removed_and_live_ones_kept(tmp_path):
    store = tmp_path / "ingest"
    dead = store / f".abc-{_dead_pid()}-x1"
    live = store / f".abc-{os.getpid()}-x2"
    legacy_old, legacy_new = store / ".abc-oldrun1", store / ".abc-oldrun2"
    for folder in (dead, live, legacy_old, legacy_new):
        folder.mkdir(parents=True)
        (folder / "contacts.parquet").write_bytes(b"pii")
    hour_ago = time.time() - 3700
    os.utime(legacy_old, (hour_ago, hour_ago))
    assert sorted(remove_stale_temporaries(store)) == sorted([dead, legacy_old])
    assert not dead.exists() and not legacy_old.exists()
    assert live.exists() and legacy_new.exists()
    later = time.time() + STALE_AFTER_S + 1  # a pid reused by another process: age decides
    assert sorted(remove_stale_temporaries(store, now=later)) == sorted([live, legacy_new])


KILLED_INGEST = """
import sys, time
from datetime import date
from pathlib import Path
import polars as pl
from features.ingest import ingest_extract

real = pl.DataFrame.write_csv
def hang(self, file=None, *args, **kwargs):
    if file is not None and Path(str(file)).name == "quarantine.csv":  # contacts already written
        Path(sys.argv[3]).write_text("ready")
        time.sleep(600)
    return real(self, file, *args, **kwargs)
pl.DataFrame.write_csv = hang
ingest_extract(Path(sys.argv[1]), Path(sys.argv[2]), None, date(2024, 6, 30))
"""


def test_a_killed_ingest_leaves_no_personal_data_behind(tables, tmp_path):
    data, work, ready = _write(tables, tmp_path / "x"), tmp_path / "w", tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_INGEST, str(data), str(work), str(ready)],
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        deadline = time.monotonic() + 600
        while not ready.exists():
            assert child.poll() is None and time.monotonic() < deadline, "ingest never got there"
            time.sleep(0.1)
        left = [p for p in (work / "ingest").glob(".*") if (p / "contacts.parquet").exists()]
        assert len(left) == 1  # the killed run's temporary folder, holding contacts
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert left[0].exists()
    result = ingest_extract(data, work, None, RUN_DATE)  # the next run cleans up
    assert not left[0].exists()
    assert [p.name for p in (work / "ingest").iterdir()] == [result.work_path.name]


def test_a_real_process_gets_one_line_and_exit_2(tables, tmp_path):
    """Outside CliRunner too: a real `retention ingest` process prints one line, exits 2."""
    import gzip

    data = _write(tables, tmp_path / "x")
    path = data / "employers.csv"
    path.write_bytes(gzip.compress(path.read_bytes()))
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "ingest", "--data", str(data), "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=900,
    )
    assert (done.returncode, done.stderr) == (
        2,
        "retention: employers.csv: file is gzip-compressed, not CSV text; unpack it first\n",
    )


def test_a_snapshot_without_talents_is_one_line(tables, tmp_path):
    from features.ingest import require_snapshot
    from features.snapshots import scoring_snapshot

    result = ingest_extract(_write(tables, tmp_path / "x"), tmp_path / "w", None, RUN_DATE)
    before_anyone = date(2005, 6, 30)
    empty = scoring_snapshot(result.tables, before_anyone, TimeRules())
    with pytest.raises(ExtractError) as err:
        require_snapshot(empty, before_anyone, result)
    assert str(err.value) == (
        "no talent to score at 2005-06-30: none of the 300 accepted talents is present then "
        "(arrived before it, paying in the city, not a flexible expert)"
    )
    present = scoring_snapshot(result.tables, RUN_DATE, TimeRules())
    require_snapshot(present, RUN_DATE, result)  # talents present: nothing said


def test_a_hive_partitioned_parquet_dataset_folder_is_read_with_its_partition_column(
    tables, tmp_path
):
    clean = ingest_extract(_write(tables, tmp_path / "clean"), tmp_path / "w0", None, RUN_DATE)
    data = _write(tables, tmp_path / "x")
    (data / "employers.csv").unlink()
    for (county,), part in tables["employers"].group_by("county"):
        folder = data / "employers.parquet" / f"county={county}"
        folder.mkdir(parents=True)
        part.drop("county").write_parquet(folder / "part-00000.parquet")
    (data / "employers.parquet" / "_SUCCESS").write_bytes(b"")
    result = ingest_extract(data, tmp_path / "w", None, RUN_DATE)
    assert result.quarantine.height == 0
    got = result.tables["employers"].sort("employer_id")
    assert got.equals(clean.tables["employers"].sort("employer_id"))
