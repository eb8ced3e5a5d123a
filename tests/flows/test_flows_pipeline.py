"""The pipeline end to end through the CLI and the flows, on a small simulated registry."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_training_registers_a_champion_and_reports_out_of_time_figures(pipeline):
    trained = pipeline["trained"]
    assert trained["promoted"] is True
    assert trained["version"] == "1"
    for h in (3, 6, 12):
        assert 0.5 < trained["metrics"][f"model_auc_{h}m"] <= 1.0
    assert "gate: v1 promoted to champion" in trained["text"]
    # The shipped model is the refit; the line says where its calibration ends per horizon.
    shipped = next(line for line in trained["text"].splitlines() if line.startswith("shipped:"))
    assert "12 m to 20" in shipped and "drift slope" in shipped


def test_score_writes_the_contract_risk_list(pipeline_env, tmp_path):
    out = tmp_path / "lists"
    result = runner.invoke(
        app,
        [
            "score",
            "--data",
            str(pipeline_env["registry"]),
            "--as-of",
            "2026-11-23",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    folder = out / "2026-11-23"
    risk = pl.read_parquet(folder / "risk_list.parquet")
    contract_columns = [
        "as_of",
        "talent_id",
        "county",
        "employer_id",
        "p_leave_3m",
        "p_leave_6m",
        "p_leave_12m",
        "subsidy_end_date",
        "months_to_subsidy_end",
        "risk_tier",
        "reason_1",
        "reason_2",
        "reason_3",
        "model_version",
    ]
    assert risk.columns[: len(contract_columns)] == contract_columns
    assert risk.height > 500
    monotone = (risk["p_leave_3m"] <= risk["p_leave_6m"]) & (
        risk["p_leave_6m"] <= risk["p_leave_12m"]
    )
    assert monotone.all()
    assert set(risk["risk_tier"].unique()) <= {"high", "medium", "low"}
    assert risk["model_version"].unique().to_list() == ["1"]
    top = risk.head(10)
    assert top["reason_1"].null_count() == 0
    assert not any(r.startswith(("months_", "subsidy_", "x_")) for r in top["reason_1"])
    for name in ("risk_list.csv", "risk_list.xlsx", "report.html"):
        assert (folder / name).stat().st_size > 0
    assert (folder / "risk_list.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_finished_run_is_not_overwritten_silently(pipeline_env, tmp_path):
    args = [
        "score",
        "--data",
        str(pipeline_env["registry"]),
        "--as-of",
        "2026-11-23",
        "--out",
        str(tmp_path),
    ]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "a finished run for 2026-11-23 is already there; pass --overwrite" in again.output
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0


def test_county_run_holds_that_county_only(pipeline_env, tmp_path):
    args = [
        "score",
        "--data",
        str(pipeline_env["registry"]),
        "--as-of",
        "2026-11-23",
        "--out",
        str(tmp_path),
    ]
    assert runner.invoke(app, [*args, "--county", "decheng"]).exit_code == 0
    risk = pl.read_parquet(tmp_path / "decheng" / "2026-11-23" / "risk_list.parquet")
    assert risk.height > 0
    assert risk["county"].unique().to_list() == ["decheng"]


def test_features_command_writes_the_scoring_snapshot(pipeline_env, tmp_path):
    out = tmp_path / "snap.parquet"
    result = runner.invoke(
        app,
        [
            "features",
            "--data",
            str(pipeline_env["registry"]),
            "--as-of",
            "2026-11-23",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    snap = pl.read_parquet(out)
    assert snap["as_of"].unique().to_list()[0].isoformat() == "2026-11-23"
    assert snap["talent_id"].is_unique().all()


def test_bad_dates_and_folders_are_one_line_errors(tmp_path):
    bad_date = runner.invoke(
        app, ["features", "--data", str(tmp_path), "--as-of", "23/11/2026", "--out", "x.parquet"]
    )
    assert bad_date.exit_code == 2
    assert bad_date.output.strip().endswith("--as-of: '23/11/2026' is not a date (YYYY-MM-DD)")
    missing = runner.invoke(app, ["ingest", "--data", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert "no such extract folder" in missing.output
    assert "Traceback" not in missing.output
