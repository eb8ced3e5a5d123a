"""Every bad argument is refused in one line, exit status 2, before any work, leaving nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()
COUNTY_CHOICES = (
    "decheng (德城区), lingcheng (陵城区), yucheng (禹城市), leling (乐陵市), ningjin (宁津县), "
    "qingyun (庆云县), linyi (临邑县), qihe (齐河县), pingyuan (平原县), xiajin (夏津县), "
    "wucheng (武城县), tianqu (天衢新区)"
)


def refused(args: list[str], env: dict[str, str] | None = None) -> str:
    """Run the command in-process; it must exit 2 with exactly one line on stderr."""
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("retention: ")
    return lines[0].removeprefix("retention: ")


@pytest.fixture
def extract_dir(tmp_path: Path) -> Path:
    """A folder that exists (the argument checks never read it)."""
    folder = tmp_path / "extract"
    folder.mkdir()
    return folder


@pytest.fixture
def no_store(tmp_path, monkeypatch):
    """An MLflow store that does not exist: any check that reached it would say so instead."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'none' / 'mlflow.db'}")
    monkeypatch.setenv("RETENTION_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens there


def score(extract: Path, out: Path, *extra: str) -> list[str]:
    return ["score", "--data", str(extract), "--out", str(out), "--as-of", "2026-11-23", *extra]


def test_unknown_language_is_refused_with_the_choices(extract_dir, tmp_path, no_store):
    message = refused(score(extract_dir, tmp_path / "out", "--lang", "fr"))
    assert message == "--lang: 'fr' is not one of zh, en"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["score", "train", "features"])
def test_a_date_that_is_no_date_is_refused(command, extract_dir, tmp_path, no_store):
    args = {
        "score": score(extract_dir, tmp_path / "out"),
        "train": ["train", "--data", str(extract_dir), "--as-of", "2026-11-23"],
        "features": ["features", "--data", str(extract_dir), "--out", str(tmp_path / "f.parquet")],
    }[command]
    if command == "features":
        args += ["--as-of", "2026-11-23"]
    args[args.index("2026-11-23")] = "2026-13-01"
    assert refused(args) == "--as-of: '2026-13-01' is not a date (YYYY-MM-DD)"


def test_an_unknown_county_lists_the_counties(extract_dir, tmp_path, no_store):
    message = refused(score(extract_dir, tmp_path / "out", "--county", "bogus"))
    assert message == f"--county: 'bogus' is not a Dezhou county; one of {COUNTY_CHOICES}"
    assert not (tmp_path / "out").exists()  # no folder, no lock file


def test_a_county_is_known_by_its_code_or_chinese_name():
    from pipeline.checks import check_county

    assert {check_county(v) for v in ("qihe", "齐河县", "齐河", " QIHE ")} == {"qihe"}
    assert check_county("天衢新区") == "tianqu" and check_county(None) is None


def test_out_naming_a_file_is_refused(extract_dir, tmp_path, no_store):
    file = tmp_path / "lists.txt"
    file.write_text("x")
    assert refused(score(extract_dir, file)) == f"--out: {file} is a file; give a folder"
    inside = file / "lists"
    assert refused(score(extract_dir, inside)) == (
        f"--out: {file} is a file, so {inside} cannot be a folder"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_out_in_a_folder_without_write_permission_is_refused(extract_dir, tmp_path, no_store):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert refused(score(extract_dir, locked / "out")) == f"--out: {locked} is not writable"


def test_missing_or_file_data_is_refused(tmp_path, no_store):
    missing = tmp_path / "nope"
    assert refused(score(missing, tmp_path / "out")) == f"--data: {missing}: no such extract folder"
    file = tmp_path / "talents.csv"
    file.write_text("talent_id\n")
    assert refused(score(file, tmp_path / "out")) == (
        f"--data: {file} is a file; give the extract's folder"
    )
    assert not (tmp_path / "out").exists()


def test_features_out_must_be_a_parquet_or_csv_file(extract_dir, tmp_path, no_store):
    base = ["features", "--data", str(extract_dir), "--as-of", "2026-11-23", "--out"]
    assert refused([*base, str(tmp_path / "f.xlsx")]) == (
        f"--out: {tmp_path / 'f.xlsx'} must end with one of .parquet, .csv"
    )
    assert refused([*base, str(tmp_path)]) == (
        f"--out: {tmp_path} is a folder; give a file name ending .parquet or .csv"
    )


def test_work_naming_a_file_is_refused(extract_dir, tmp_path, no_store):
    file = tmp_path / "work.txt"
    file.write_text("x")
    args = ["ingest", "--data", str(extract_dir), "--work", str(file)]
    assert refused(args) == f"--work: {file} is a file; give a folder"


def test_simulate_refuses_bad_format_encoding_and_size(tmp_path):
    base = ["simulate", "--out", str(tmp_path / "reg"), "--as-of", "2026-11-23"]
    assert (
        refused([*base, "--format", "json"]) == "--format: 'json' is not one of parquet, csv, xlsx"
    )
    assert refused([*base, "--encoding", "big5"]) == (
        "--encoding: 'big5' is not one of utf-8, gbk, gb18030"
    )
    assert refused([*base, "--talents", "0"]) == "--talents: must be at least 1, got 0"
    assert not (tmp_path / "reg").exists()
