"""The benchmark harness: its tables (fast) and a whole run on 1,000 talents (slow)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # benchmarks/ is a folder of the repo, not an installed package

from benchmarks.measure import Measured, run_step  # noqa: E402
from benchmarks.report import judge_target, render_quality, render_ratios, render_steps  # noqa: E402

STEPS = ("simulate", "ingest", "training_snapshots", "train", "scoring_snapshot", "score", "plan")


def measured(step: str, n: int, step_s: float, rss_mb: float = 500.0, **figures) -> Measured:
    return Measured(step, n, 0, step_s + 2, step_s, rss_mb, 1.0, {"step_s": step_s, **figures})


def test_a_target_is_met_or_missed_on_step_wall_time_and_peak_memory():
    assert judge_target(measured("simulate", 20_000, 19.9)) == "met"
    assert judge_target(measured("simulate", 20_000, 20.0)) == "MISSED"
    assert judge_target(measured("score", 1_000_000, 30.0, rss_mb=9 * 1024)) == "MISSED"
    assert judge_target(measured("score", 1_000_000, 30.0, rss_mb=7 * 1024)) == "met"
    assert judge_target(measured("ingest", 20_000, 999.0)) == ""


def test_failed_and_skipped_steps_are_rows_of_the_table():
    failed = Measured("ingest", 20_000, 2, 3.0, 1.0, 100.0, 0.5, {}, "boom: bad file")
    rows = render_steps([measured("simulate", 20_000, 5.0)], [(20_000, "train", "too big")])
    rows += render_steps([failed], [])
    assert any("| simulate |" in r and "| met |" in r for r in rows)
    assert any("| train |" in r and "skipped" in r and "too big" in r for r in rows)
    assert any("| ingest |" in r and "FAILED" in r and "boom: bad file" in r for r in rows)


def test_ratios_divide_by_the_floor_and_by_bare_predict():
    snap = measured("scoring_snapshot", 1_000, 6.0, read_s=1.0, floor_s=2.0, contribution_rows=9)
    score = measured(
        "score",
        1_000,
        8.0,
        bare_predict_s=2.0,
        rank_and_explain_s=2.0,
        files_s=1.0,
        model_predict_s=3.0,
    )
    text = "\n".join(render_ratios([snap, score]))
    assert "| 1,000 | 9 | 6.00 | 7.00 | 2.00 | 3.0x | 3.5x | <= 5x | met |" in text
    assert "| 4.0x | 1.5x | 1.5x | <= 2x (whole) | MISSED |" in text


def test_the_plan_is_set_against_the_score_step_of_the_same_size_and_judged_at_1m():
    parts = {"part_hazard_rows_s": 3.0, "part_predict_hazard_s": 5.0, "part_files_s": 2.0}
    plan = measured("plan", 1_000_000, 45.0, rows=629_977, offers=60_000, budget_share=0.1, **parts)
    slow = measured("plan", 1_000_000, 75.0, rows=629_977, offers=60_000, budget_share=0.1)
    score = measured("score", 1_000_000, 50.0, bare_predict_s=25.0, rank_and_explain_s=40.0,
                     files_s=4.0, model_predict_s=30.0)  # fmt: skip
    text = "\n".join(render_ratios([score, plan]))
    assert "| 1,000,000 | 629,977 | 45.0 | 50.0 | 0.90x | 47.0 | 52.0 | < 60 s | met |" in text
    assert judge_target(slow) == "MISSED"
    rows = render_steps([plan], [])
    assert any(
        "hazard rows 3.0 s" in r and "hazard predict 5.0 s" in r and "files 2.0 s" in r
        for r in rows
    )


def test_a_child_is_measured_and_its_failure_reported(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log = tmp_path / "bench.log"
    args = ["--root", str(tmp_path / "nowhere"), "--n", "5", "--as-of", "2026-11-23"]
    m = run_step("ingest", 5, args, env, tmp_path / "r.json", log)
    assert not m.ok and m.returncode != 0
    assert m.process_wall_s > 0 and m.peak_rss_mb > 10
    assert m.error and m.error in log.read_text()


@pytest.mark.slow
def test_the_harness_on_1000_talents_writes_every_row(tmp_path):
    out = tmp_path / "results.md"
    command = [sys.executable, "-m", "benchmarks.run", "--sizes", "1000", "--root", str(tmp_path)]
    command += ["--out", str(out), "--orchestration-size", "0"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = out.read_text()
    for step in STEPS:
        assert f"| 1,000 | {step} |" in text, step
    assert "FAILED" not in text and "skipped" not in text
    assert "nproc" in text and "polars" in text and "load_average_at_start" in text
    assert "| 1,000 | 6 m |" in text  # training quality against the oracle
    assert text in done.stdout  # the table is printed too


def test_quality_verdict_needs_each_bar_and_the_bootstrap_lower_ends_above_zero():
    def trained(n: int, logistic_lo: float) -> Measured:
        quality = {}
        for h in (3, 6, 12):
            quality |= {
                f"model_auc_{h}m": 0.80, f"oracle_auc_{h}m": 0.85,
                f"model_oracle_lift_share_{h}m": 0.857, f"model_ece_{h}m": 0.01,
                f"gap_oracle_auc_{h}m": 0.05, f"logistic_auc_{h}m": 0.79, f"rule_auc_{h}m": 0.55,
                f"auc_diff_logistic_lo_{h}m": logistic_lo, f"auc_diff_logistic_hi_{h}m": 0.02,
                f"auc_diff_rule_lo_{h}m": 0.2,
            }  # fmt: skip
        return Measured("train", n, 0, 1.0, 1.0, 100.0, 0.5, {"quality": quality})

    lines = render_quality([trained(1000, 0.001), trained(2000, -0.001)])
    rows = [line for line in lines if line.startswith("| 1,000 |") or line.startswith("| 2,000 |")]
    assert len(rows) == 6
    assert all(r.endswith("| held |") and "[+0.0010, +0.0200]" in r for r in rows[:3])
    # The model's AUC is above logistic's, but the interval spans 0: not beyond the noise.
    assert all(r.endswith("| NOT held |") and "[-0.0010, +0.0200]" in r for r in rows[3:])
