"""Issue 12 through `train` and `score`: damage that only shows once a model reads the extract.

Ingest-only damage is swept through `ingest` and `features` in tests/features; here are the
few kinds that reach the model (the city's optional x_* columns) or stop it (no talent left).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.slow
AS_OF = "2026-11-23"
X = "x_survey_intent_to_stay"


def _copy(registry: Path, to: Path, talents: pl.Expr | None = None, drop: str | None = None):
    shutil.copytree(registry, to, ignore=shutil.ignore_patterns("truth"))
    frame = pl.read_parquet(to / "talents.parquet")
    frame = frame.drop(drop) if drop else frame.with_columns(talents)
    frame.write_parquet(to / "talents.parquet")
    return to


def _score(data: Path, out: Path, *extra: str):
    args = ["score", "--data", str(data), "--as-of", AS_OF, "--out", str(out), *extra]
    return CliRunner().invoke(app, args)


def _no_traceback(result) -> list[str]:
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.startswith("retention:")]


def test_an_absent_x_column_is_scored_as_unknown_and_said_once(pipeline_env, tmp_path):
    data = _copy(pipeline_env["registry"], tmp_path / "x", drop=X)
    result = _score(data, tmp_path / "lists")
    assert result.exit_code == 0, result.output
    assert _no_traceback(result) == [
        f"retention: warning: talents: column {X} that the model was trained on is absent; "
        "scored as unknown"
    ]
    risk = pl.read_parquet(tmp_path / "lists" / AS_OF / "risk_list.parquet")
    assert risk.height > 0 and risk.get_column("p_leave_6m").is_not_null().all()


def test_x_text_where_the_model_saw_numbers_is_scored_as_unknown(pipeline_env, tmp_path):
    grades = pl.when(pl.col(X) >= 4).then(pl.lit("高")).when(pl.col(X) >= 2).then(pl.lit("中"))
    text = grades.otherwise(pl.when(pl.col(X).is_not_null()).then(pl.lit("低"))).alias(X)
    data = _copy(pipeline_env["registry"], tmp_path / "x", talents=text)
    result = _score(data, tmp_path / "lists")
    assert result.exit_code == 0, result.output
    (line,) = _no_traceback(result)
    found = re.fullmatch(
        f"retention: warning: talents: column {X} holds ([0-9,]+) values that are not numbers "
        r"\(([^)]+)\) where the model was trained on numbers; those are scored as unknown",
        line,
    )
    assert found, line
    assert int(found[1].replace(",", "")) > 0 and set(found[2].split(", ")) <= {"高", "中", "低"}


def test_every_talent_quarantined_stops_train_and_score_with_one_line(pipeline_env, tmp_path):
    data = _copy(pipeline_env["registry"], tmp_path / "x", talents=pl.lit("mars").alias("hometown"))
    for result in (
        _score(data, tmp_path / "lists"),
        CliRunner().invoke(app, ["train", "--data", str(data), "--as-of", AS_OF]),
    ):
        assert result.exit_code == 2, result.output
        (line,) = _no_traceback(result)
        assert line.startswith("retention: talents.parquet: every talent (")
        assert "was quarantined, so there is no talent to score or train on; see " in line
    assert not (tmp_path / "lists" / AS_OF).exists()


def test_score_with_work_pointing_at_a_file_is_one_line(pipeline_env, tmp_path):
    work = tmp_path / "work.txt"
    work.write_text("")
    result = _score(pipeline_env["registry"], tmp_path / "lists", "--work", str(work))
    assert result.exit_code == 2, result.output
    assert _no_traceback(result) == [f"retention: --work: {work} is a file; give a folder"]


def test_score_on_a_full_disk_is_one_line_and_publishes_nothing(
    pipeline_env, tmp_path, monkeypatch
):
    import errno
    import os

    import reports.write

    def full(path, data, mode=0o644):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(reports.write, "write_atomic", full)
    out = tmp_path / "lists"
    result = _score(pipeline_env["registry"], out)
    assert result.exit_code == 2, result.output
    (line,) = _no_traceback(result)
    assert re.fullmatch(
        rf"retention: {re.escape(str(out))}/\.{AS_OF}\.tmp-\d+/risk_list\.parquet: cannot write "
        r"\(no space left on the device; errno ENOSPC\)",
        line,
    ), line
    assert not out.exists()  # no run, no staging, no lock: the folder this run made is gone
